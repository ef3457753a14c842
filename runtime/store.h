/* store.h: the state store, where runs, their journal, checkpoints,
 * events and locks are kept (docs/state.md). The scheduler, rollback,
 * resume and the CLI reach it only through these functions, so that a
 * PostgreSQL backend can take the place of SQLite without touching them.
 * The embedded backend (store*.c) is SQLite in WAL mode.
 *
 * Writes are grouped: every write joins the open transaction (opening
 * one when there is none), and store_flush commits it. The runtime
 * flushes before an effect whose intent it has just journaled, and on a
 * timer for the rest (outcomes, events), so that many steps share one
 * commit. With STORE_DURABLE_FULL every write commits at once and every
 * commit is synced to disk.
 *
 * Fencing: a run that holds a lock sets its fencing token with
 * store_fence; from then on every transaction first checks that the lock
 * still carries that token, and fails (MIG_EINVALID, "lost its lock")
 * when someone broke it. */
#ifndef MIG_STORE_H
#define MIG_STORE_H

#include "runtime.h"

typedef struct store store_t;

/* The schema version this build writes; older stores are upgraded on
 * open, newer ones refused. */
#define STORE_SCHEMA_VERSION 13

typedef enum store_durability {
    STORE_DURABLE_GROUPED,  /* commits grouped; safe against a killed process */
    STORE_DURABLE_FULL,     /* every write committed and synced */
} store_durability_t;

enum {
    STORE_CREATE = 1u << 0,     /* create the file (and its directory) */
    STORE_READONLY = 1u << 1,   /* status, history, log */
};

/* Opens the store at PATH (".mig/state.db" beside the plan by default),
 * upgrading its schema. Without STORE_CREATE a missing file is an error
 * ("no runs here yet"). Errors name PATH and go to DIAGS (MIG_EIO;
 * MIG_EINVALID for a file that is not a mig store or is newer than this
 * build). */
mig_status_t store_open(const char *path, unsigned flags, diag_list_t *diags,
                        store_t **out);
/* Commits what is pending, then closes. NULL ok. */
void store_close(store_t *s);
int store_schema_version(store_t *s);
void store_set_durability(store_t *s, store_durability_t d);
/* Commits the open transaction, if any. Errors (a full disk, a lost
 * lock) go to the store's diagnostics (store_diags) and are sticky: every
 * later write fails too. */
mig_status_t store_flush(store_t *s);
/* Whether a transaction holds writes not yet committed. */
bool store_pending(const store_t *s);
/* Has FN (it makes durable the changes effects left uncommitted, such
 * as a run's registry puts: runtime.h, actx_defer_commit) called by the
 * next store_flush before it commits, so that those changes are durable
 * before the journal's records that say they were made. When FN fails
 * (its reason, "Class: message" malloc'd or NULL, in *WHY) the commit
 * fails as one of the store's own would: the open transaction is rolled
 * back, the reason goes to the diagnostics, and the store is failed
 * (sticky), leaving those records pending as a crash would. False when
 * STORE_COMMIT_HOOKS functions are held already (the caller commits
 * now). FN given twice is called once. */
#define STORE_COMMIT_HOOKS 4
bool store_defer_commit(store_t *s, mig_status_t (*fn)(char **why));
/* Deferring (ON) or not: while deferring, the journal's intents and
 * changes of state (store_journal_intent, store_journal_set), the steps
 * (store_step_put), the events (store_event) and the drift baseline's
 * rows (store_baseline_put, store_baseline_content_put) are queued in the
 * open
 * transaction (after its fence check, as every write) and written
 * together, a few multi-row statements a batch, before the commit or
 * before any other statement the store runs, in the order they were
 * made; a store thread of its own may write full batches while the
 * caller goes on (the caller's next use of the store waits for it).
 * Such a write returns MIG_OK once queued (store_journal_intent with
 * REC->seq set); if writing it fails later, the statement or commit that
 * wrote it fails, the transaction is rolled back and the store is failed
 * (sticky), since its caller went on believing it taken. The scheduler
 * defers the writes of a step between two commits, which cost it a
 * statement each otherwise. Off by default. Returns whether it was on,
 * so that a caller can put it back as it found it. */
bool store_defer(store_t *s, bool on);
/* The diagnostics of failed store calls (borrowed; appended to). */
diag_list_t *store_diags(store_t *s);
/* The space kept free beside a store that runs write (the file
 * PATH-reserve, made when a run opens the store), so that a run whose
 * disk fills can still journal its rollback (docs/state.md, "Disk
 * full"). */
#define STORE_RESERVE_BYTES (4 << 20)
/* Whether S failed because its disk is full (SQLITE_FULL). */
bool store_full(const store_t *s);
/* Gives S the reserve's space after its disk filled (store_full): the
 * reserve file is deleted, the failure cleared, and S can be written
 * again. Once per store: MIG_OK, or S's failure when there is no reserve
 * (none was made, or it is used already). */
mig_status_t store_use_reserve(store_t *s);
/* The error that failed S for good (MIG_EIO: the file cannot be written,
 * is damaged, full, deleted or replaced; MIG_EINVALID: it lost its lock;
 * MIG_ENOMEM), or MIG_OK while it works. */
mig_status_t store_failure(const store_t *s);

/* ---- runs ------------------------------------------------------------- */

#define STORE_RUN_STATES(X)                                                   \
    X(RUNNING, "running")                                                    \
    X(SUCCEEDED, "succeeded")                                                \
    X(FAILED, "failed")              /* failed, nothing rolled back */       \
    X(ROLLED_BACK, "rolled-back")    /* failed, rollback matched */          \
    X(ROLLBACK_FAILED, "rollback-failed")                                    \
    X(ROLLED_BACK_UNVERIFIED, "rolled-back-unverified") /* not all verified */ \
    X(INTERRUPTED, "interrupted")    /* stopped by a signal; also derived:
                                        the process died (liveness) */

typedef enum store_run_state {
#define STORE_RUN_STATE_ENUM(e, s) STORE_RUN_##e,
    STORE_RUN_STATES(STORE_RUN_STATE_ENUM)
#undef STORE_RUN_STATE_ENUM
} store_run_state_t;

const char *store_run_state_name(store_run_state_t st);

typedef struct store_run {
    int64_t id;                 /* 1, 2, ...: what `mig status 3` takes */
    char *plan_path;            /* the plan file, absolute */
    char *plan_name;
    char *plan_digest;          /* BLAKE2b of the plan's bytes */
    char *profile;              /* or NULL */
    val_t *params;              /* map name -> value */
    val_t *options;             /* map: durability, seed, force, ... */
    store_run_state_t state;    /* as recorded (see store_run_liveness) */
    char *error;                /* why it failed, or NULL */
    char *host;
    int64_t pid;
    int64_t started_ms, ended_ms;   /* Unix ms; ended 0 while running */
    int64_t parent;             /* the run a redrive came from, or 0 */
} store_run_t;

void store_run_clear(store_run_t *r);
/* Records a new run (state running); *ID gets its id. */
mig_status_t store_run_create(store_t *s, const store_run_t *r, int64_t *id);
/* MIG_EINVALID ("no run N") when absent. RUN is filled (clear it). */
mig_status_t store_run_get(store_t *s, int64_t id, store_run_t *run);
/* The newest run's id, 0 when there is none, or -1 when the store
 * cannot be read (reported to its diagnostics: damaged ...). */
int64_t store_run_last(store_t *s);
/* Records the end of run ID: its STATE and ERROR (NULL: none). Its end
 * time is set only when it has none (0: running, or reopened by
 * store_run_reopen), so a later rollback changes the state but not the
 * run's duration. */
mig_status_t store_run_finish(store_t *s, int64_t id,
                              store_run_state_t state, const char *error);
/* Marks a run running again (resume), with the new PID. */
mig_status_t store_run_reopen(store_t *s, int64_t id, int64_t pid,
                              const char *host);
/* Every run, newest first, at most LIMIT (0: all). *RUNS is an array of
 * *N runs to free with store_runs_free. */
mig_status_t store_run_list(store_t *s, size_t limit, store_run_t **runs,
                            size_t *n);
void store_runs_free(store_run_t *runs, size_t n);
/* The state to show for RUN: a run recorded running whose lock is gone,
 * expired, or held by a process that no longer exists on this host is
 * INTERRUPTED. */
store_run_state_t store_run_liveness(store_t *s, const store_run_t *run);

/* ---- steps: what each node did for each item ------------------------- */

/* A node of the graph, for one item: ITEM is "" outside a foreach, else
 * the path of item indexes ("2", "2/0" in a nested foreach). */
#define STORE_STEP_STATES(X)                                                  \
    X(RUNNING, "running")                                                    \
    X(DONE, "done")                                                          \
    X(FAILED, "failed")                                                      \
    X(SKIPPED, "skipped")

typedef enum store_step_state {
#define STORE_STEP_STATE_ENUM(e, s) STORE_STEP_##e,
    STORE_STEP_STATES(STORE_STEP_STATE_ENUM)
#undef STORE_STEP_STATE_ENUM
} store_step_state_t;

const char *store_step_state_name(store_step_state_t st);

typedef struct store_step {
    const char *node;           /* the graph node's stable id */
    const char *item;
    store_step_state_t state;
    uint32_t attempts;
    val_t *result;              /* the step's value when DONE, or NULL */
    const char *error_class;    /* when FAILED or SKIPPED (the reason) */
    const char *error;
    /* The step's evaluated arguments when FAILED (what it failed on), or
     * NULL: not kept for the other states, nor when they could not be
     * evaluated. */
    val_t *args;
    int64_t started_ms, ended_ms;
} store_step_t;

/* Records (insert or replace) the state of NODE for ITEM. */
mig_status_t store_step_put(store_t *s, int64_t run, const store_step_t *st);
/* Calls FN for each step of RUN in the order they were first put. The
 * strings and value are borrowed for the call. FN returns false to
 * stop. */
mig_status_t store_step_each(store_t *s, int64_t run,
                             bool (*fn)(void *data, const store_step_t *st),
                             void *data);

/* ---- the journal -------------------------------------------------------- */

/* One change a run made, or was about to make: written (state INTENT)
 * before the effect, updated after. Positions (SEQ) grow through the run
 * and order rollback. */
#define STORE_JOURNAL_KINDS(X)                                                \
    X(SELF, "self")             /* UNDO is the action's undo record */       \
    X(PLAN, "plan")             /* UNDO is {action, args}: the plan's undo */ \
    X(NONE, "irreversible")     /* no undo */

typedef enum store_journal_kind {
#define STORE_JOURNAL_KIND_ENUM(e, s) STORE_JOURNAL_##e,
    STORE_JOURNAL_KINDS(STORE_JOURNAL_KIND_ENUM)
#undef STORE_JOURNAL_KIND_ENUM
} store_journal_kind_t;

#define STORE_JOURNAL_STATES(X)                                               \
    X(INTENT, "intent")         /* journaled; the effect may have happened */ \
    X(DONE, "done")                                                          \
    X(FAILED, "failed")         /* the action failed; undo still applies */  \
    X(UNDOING, "undoing")       /* a rollback started undoing it */          \
    X(UNDONE, "undone")                                                      \
    X(FORCED, "forced")         /* a forced rollback went past it */         \
    X(NOT_RUN, "not-run")       /* its effect never began: nothing to undo */

typedef enum store_journal_state {
#define STORE_JOURNAL_STATE_ENUM(e, s) STORE_JOURNAL_##e,
    STORE_JOURNAL_STATES(STORE_JOURNAL_STATE_ENUM)
#undef STORE_JOURNAL_STATE_ENUM
} store_journal_state_t;

const char *store_journal_kind_name(store_journal_kind_t k);
const char *store_journal_state_name(store_journal_state_t st);

typedef struct store_journal {
    int64_t seq;                /* set by store_journal_intent */
    const char *node, *item;
    const char *action;         /* the step's action */
    store_journal_kind_t kind;
    store_journal_state_t state;
    val_t *args;                /* the step's evaluated arguments */
    val_t *undo;                /* see the kinds; NULL for NONE */
    val_t *resources;           /* map id -> state before (resource_state) */
    /* map id -> state once the effect ended (the after-image), or NULL:
     * not recorded yet (an intent), or nothing declared. Read by
     * store_journal_each; written by store_journal_after. */
    val_t *after;
    /* What the effect's answer said for its undo (actx_set_outcome), or
     * NULL. Read by store_journal_each; written by
     * store_journal_outcome. */
    val_t *outcome;
} store_journal_t;

/* Journals an intent (state INTENT); REC->seq is set. */
mig_status_t store_journal_intent(store_t *s, int64_t run,
                                  store_journal_t *rec);
mig_status_t store_journal_set(store_t *s, int64_t run, int64_t seq,
                               store_journal_state_t state);
/* Records AFTER (a map id -> state: each resource of record SEQ of RUN
 * once its effect ended) as the record's after-image, what a rollback
 * compares a resource with before it undoes it (docs/runtime.md). Queued
 * like store_journal_set while the store defers. */
mig_status_t store_journal_after(store_t *s, int64_t run, int64_t seq,
                                 const val_t *after);
/* Records OUTCOME (a value: what the effect's answer said that its undo
 * needs, actx_set_outcome) with record SEQ of RUN. Written at once in
 * the open transaction (never queued), after the record's intent, so it
 * is durable with the commit that records the call done. */
mig_status_t store_journal_outcome(store_t *s, int64_t run, int64_t seq,
                                   const val_t *outcome);
/* Marks every record LO <= SEQ <= HI of RUN undone (all must exist, and
 * none be in a stretch marked before): how a rollback marks a stretch of
 * records at once. One row of the table journal_undone, not a change of
 * each record's row (which holds the step's arguments and would be
 * written again whole); store_journal_each reads them as UNDONE. In the
 * open transaction: durable at the next store_flush. */
mig_status_t store_journal_mark_undone(store_t *s, int64_t run, int64_t lo,
                                       int64_t hi);
enum {
    STORE_EACH_REVERSE = 1u << 0,   /* newest first */
    STORE_EACH_NO_ARGS = 1u << 1,   /* leave ARGS NULL (not read) */
    STORE_EACH_NO_VALUES = 1u << 2, /* ARGS, UNDO, RESOURCES, AFTER: NULL */
    STORE_EACH_NO_UNDO = 1u << 3,       /* leave UNDO NULL */
    STORE_EACH_NO_RESOURCES = 1u << 4,  /* leave RESOURCES NULL */
    STORE_EACH_NO_AFTER = 1u << 5,      /* leave AFTER NULL */
};
/* Calls FN for every record of RUN with SEQ > AFTER, oldest first unless
 * FLAGS say otherwise. Borrowed for the call; FN returns false to stop. */
mig_status_t store_journal_each(store_t *s, int64_t run, int64_t after,
                                unsigned flags,
                                bool (*fn)(void *data,
                                           const store_journal_t *rec),
                                void *data);
/* The highest SEQ of RUN so far, 0 when none. */
int64_t store_journal_last(store_t *s, int64_t run);

/* ---- processes: the commands a run started ------------------------------ */

/* A process an action started for journal record SEQ (exec.run): its
 * pid and process group, the kernel's start time of the pid (clock ticks
 * since boot, /proc/PID/stat; 0 when unknown), so that a pid used again
 * by another process is told apart, and the host it runs on. ROLE says
 * whether it is the step's effect or its undo (a rollback). A record
 * whose action reports its start (action_t.reports_start) and that has
 * no process of the role never began that role's effect. */
typedef enum store_proc_role {
    STORE_PROC_EFFECT,
    STORE_PROC_UNDO,
} store_proc_role_t;

typedef struct store_process {
    int64_t seq;
    store_proc_role_t role;
    int64_t pid, pgid, start_ticks;
    char *host;
    int64_t started_ms;
} store_process_t;

void store_process_clear(store_process_t *p);
/* Records (insert or replace) process P of RUN in the open transaction;
 * durable at the next store_flush. */
mig_status_t store_process_put(store_t *s, int64_t run,
                               const store_process_t *p);
/* The process of ROLE for record SEQ of RUN into *P (clear it), and
 * *FOUND whether there is one. */
mig_status_t store_process_get(store_t *s, int64_t run, int64_t seq,
                               store_proc_role_t role, store_process_t *p,
                               bool *found);
/* Forgets the process of ROLE for record SEQ (an undo settled as not
 * begun, to be run again). */
mig_status_t store_process_delete(store_t *s, int64_t run, int64_t seq,
                                  store_proc_role_t role);

/* ---- checkpoints --------------------------------------------------------- */

typedef struct store_checkpoint {
    const char *name, *node, *item;
    int64_t seq;                /* the journal position it marks */
    const char *digest;         /* BLAKE2b over RESOURCES, hex */
    val_t *resources;           /* map path -> state at the checkpoint */
    int64_t at_ms;
} store_checkpoint_t;

mig_status_t store_checkpoint_put(store_t *s, int64_t run,
                                  const store_checkpoint_t *cp);
/* The latest checkpoint NAME of RUN (ITEM "" or the item's own first),
 * filled into CP with strings and value owned by the store until the next
 * call; MIG_EINVALID ("run N has no checkpoint NAME") when absent. */
mig_status_t store_checkpoint_get(store_t *s, int64_t run, const char *name,
                                  store_checkpoint_t *cp);
mig_status_t store_checkpoint_each(store_t *s, int64_t run,
                                   bool (*fn)(void *data,
                                              const store_checkpoint_t *cp),
                                   void *data);

/* ---- events (mig log) ------------------------------------------------------ */

/* Appends an event of RUN: KIND ("run-start", "step-done", ...; see
 * docs/state.md), NODE and ITEM (NULL when not about one), and DATA (a
 * map, borrowed; NULL for none). Timestamped by the store. */
mig_status_t store_event(store_t *s, int64_t run, const char *kind,
                         const char *node, const char *item,
                         const val_t *data);

typedef struct store_event_rec {
    int64_t seq, at_ms;
    const char *kind, *node, *item;     /* node, item: NULL when none */
    val_t *data;                        /* NULL when none */
} store_event_rec_t;

mig_status_t store_event_each(store_t *s, int64_t run,
                              bool (*fn)(void *data,
                                         const store_event_rec_t *ev),
                              void *data);
/* store_event_each for the events of RUN with SEQ > AFTER only (what a
 * follower has not seen yet). */
mig_status_t store_event_each_after(store_t *s, int64_t run, int64_t after,
                                    bool (*fn)(void *data,
                                               const store_event_rec_t *ev),
                                    void *data);

/* ---- the drift baseline (store_baseline.c; mig drift) -------------------- */

/* A record of a registry as a successful run left it: its KIND and NAME,
 * and its drift DIGEST (registry_drift.c), which names its content
 * (store_baseline_content). */
typedef struct store_baseline {
    const char *kind, *name, *digest;
} store_baseline_t;

/* Records that run RUN left registry DB (as the plan wrote it) holding
 * RECORDS records, and each record REC of it. Queued in the open
 * transaction like every write: durable at the next store_flush. */
mig_status_t store_baseline_db(store_t *s, int64_t run, const char *db,
                               int64_t records);
mig_status_t store_baseline_put(store_t *s, int64_t run, const char *db,
                                const store_baseline_t *rec);
/* Keeps LEN bytes of TEXT, a record's content, under its drift digest
 * HEX (blobs_hash of them), once however many runs name it. Queued like
 * store_baseline_put. */
mig_status_t store_baseline_content_put(store_t *s, const char *hex,
                                        const char *text, size_t len);
/* The content a baseline names as HEX, appended to OUT: from the store,
 * or (baselines recorded before schema 11, BLOBS not NULL) from the
 * object store's file HEX. MIG_OK; MIG_EIO when neither holds it or the
 * object is damaged; the store's status when it cannot be read. Changes
 * nothing. */
mig_status_t store_baseline_content(store_t *s, blobs_t *blobs,
                                    const char *hex, strbuf_t *out);
/* Calls FN for every registry of RUN's baseline, by DB, with the count of
 * its records; then (FN_REC not NULL) for each of its records by kind
 * and name. Borrowed for the call; a callback returns false to stop. */
mig_status_t store_baseline_each(store_t *s, int64_t run,
                                 bool (*fn)(void *data, const char *db,
                                            int64_t records),
                                 bool (*fn_rec)(void *data, const char *db,
                                                const store_baseline_t *rec),
                                 void *data);
/* The newest run of the plan PLAN_PATH (absolute, as runs record it)
 * with PROFILE (NULL: none) whose state is succeeded, into *ID (0: none).
 * Changes nothing. */
mig_status_t store_run_last_succeeded(store_t *s, const char *plan_path,
                                      const char *profile, int64_t *id);

/* ---- snapshots (store_snapshot.c; docs/snapshots.md) --------------------- */

/* A snapshot as stored. COMPLETE is false from store_snapshot_begin
 * until store_snapshot_finish (its objects are being written); RUN is 0
 * for one not taken by a plan's `snapshot` statement; NOTE NULL for
 * none; MANIFEST (the object holding its manifest) and DIGEST (over the
 * states of every path it holds, as a checkpoint's) NULL until
 * complete. */
typedef struct store_snapshot {
    int64_t id;
    const char *name, *note, *plan_path, *plan_name;
    int64_t run;
    bool complete;
    const char *manifest, *digest;
    int64_t entries, bytes;
    const char *host;
    int64_t pid, created_ms;
} store_snapshot_t;

/* Records SNAP (not complete), sets SNAP->id; in the open transaction,
 * durable at the next store_flush. */
mig_status_t store_snapshot_begin(store_t *s, store_snapshot_t *snap);
/* Records SNAP->manifest, digest, entries and bytes of snapshot SNAP->id
 * and marks it complete; as store_snapshot_begin. */
mig_status_t store_snapshot_finish(store_t *s, const store_snapshot_t *snap);
/* Calls FN for every snapshot, oldest first; borrowed for the call. FN
 * returns false to stop. */
mig_status_t store_snapshot_each(store_t *s,
                                 bool (*fn)(void *data,
                                            const store_snapshot_t *snap),
                                 void *data);
/* Forgets snapshot ID (its objects stay until pruned); as
 * store_snapshot_begin. */
mig_status_t store_snapshot_delete(store_t *s, int64_t id);

/* ---- alerts (store_alert.c; docs/alerts.md) --------------------------------- */

/* A firing of an alert: its run, when (Unix ms), the condition, the JSON
 * payload (text), the delivery ("sent", "failed", "none") and why it
 * failed (or NULL). */
typedef struct store_alert {
    int64_t run, at_ms;
    const char *condition, *payload, *delivery, *error;
} store_alert_t;
/* Records A; committed with the run's next commit. */
mig_status_t store_alert_put(store_t *s, const store_alert_t *a);
/* Calls FN for each firing of RUN, oldest first, until it returns false;
 * the strings live during the call. */
mig_status_t store_alert_each(store_t *s, int64_t run,
                              bool (*fn)(void *data, const store_alert_t *a),
                              void *data);
/* The durations (ms) of at most the 20 newest succeeded runs of the plan
 * at PLAN_PATH before run BEFORE, newest first, into MS (room for 20);
 * *N gets their count. */
mig_status_t store_run_durations(store_t *s, const char *plan_path,
                                 int64_t before, int64_t *ms, size_t *n);

/* ---- counters (test.count) ------------------------------------------------- */

mig_status_t store_counter_add(store_t *s, const char *name, int64_t delta,
                               int64_t *value);

/* ---- locks ------------------------------------------------------------------ */

typedef struct store_lock {
    char *resource;
    int64_t run, pid;
    char *host;
    int64_t since_ms, heartbeat_ms, expires_ms;
    int64_t fence;              /* grows by one at each acquisition */
} store_lock_t;

void store_lock_clear(store_lock_t *l);

/* Takes the lock on RESOURCE for RUN (by PID on HOST), expiring TTL_MS
 * after each heartbeat. When someone else holds it, fails with
 * MIG_EINVALID and fills *HOLDER (if not NULL), unless the lock has
 * expired and BREAK is set: then it is taken over (an event "lock-broken"
 * in the holder's run and in RUN records it). A run that already holds
 * it takes it again (a resume, a rollback), unless another process that
 * is still alive holds it for that run (one process per run: refused as
 * above, with *HOLDER naming it; BREAK does not apply). The check is made
 * inside the transaction that takes the lock. *FENCE gets the new
 * fencing token. */
mig_status_t store_lock_acquire(store_t *s, const char *resource, int64_t run,
                                int64_t pid, const char *host, int64_t ttl_ms,
                                bool brk, store_lock_t *holder,
                                int64_t *fence);
/* Extends the lock's expiry; MIG_EINVALID when its fence is no longer
 * FENCE. Commits at once. */
mig_status_t store_lock_heartbeat(store_t *s, const char *resource,
                                  int64_t fence, int64_t ttl_ms);
mig_status_t store_lock_release(store_t *s, const char *resource,
                                int64_t fence);
/* The lock on RESOURCE, filled into *L; MIG_EINVALID when none. */
mig_status_t store_lock_get(store_t *s, const char *resource,
                            store_lock_t *l);
/* From now on every transaction checks that RESOURCE's lock still has
 * FENCE (NULL RESOURCE: no check). */
void store_fence(store_t *s, const char *resource, int64_t fence);

/* ---- the audit trail (runtime/audit.h; docs/audit.md) ------------------- */

/* One entry of the audit trail as stored: SEQ 1, 2, ... in the order
 * appended; RUN 0, PLAN_DIGEST, CONFIG_DIGEST, DETAIL (JSON text) and
 * KEY_ID NULL when not about one; PREV and HASH 64 hex digits. */
typedef struct store_audit {
    int64_t seq, at_ms;
    const char *user, *host;
    int64_t pid;
    const char *action;
    int64_t run;
    const char *plan_digest, *config_digest, *detail, *outcome, *key_id;
    const char *prev, *hash;
} store_audit_t;

/* The chain's head as last signed: entry SEQ had HASH, signed by KEY_ID
 * (an Ed25519 public key, hex) with SIGNATURE (hex). */
typedef struct store_audit_head {
    int64_t seq, at_ms;
    char hash[65], key_id[65], signature[129];
} store_audit_head_t;

/* Opens the write transaction (when none is open; not fenced: the trail
 * is written whoever holds a lock) and reads the last entry's SEQ and
 * HASH into *SEQ and HASH (0 and "" when the trail is empty). The
 * transaction holds the database's write lock until store_flush, so no
 * other process appends between this read and the caller's write. */
mig_status_t store_audit_tail(store_t *s, int64_t *seq, char hash[65]);
/* Appends E in the open transaction (after store_audit_tail). */
mig_status_t store_audit_put(store_t *s, const store_audit_t *e);
/* Replaces the signed head with H in the open transaction. */
mig_status_t store_audit_head_put(store_t *s, const store_audit_head_t *h);
/* The signed head into *H, *FOUND false when there is none. */
mig_status_t store_audit_head_get(store_t *s, store_audit_head_t *h,
                                  bool *found);
/* Calls FN for every entry appended at or after SINCE_MS (0: all) in the
 * order of SEQ; borrowed for the call. FN returns false to stop. */
mig_status_t store_audit_each(store_t *s, int64_t since_ms,
                              bool (*fn)(void *data, const store_audit_t *e),
                              void *data);

/* ---- health (mig doctor) ------------------------------------------------ */

/* What to do about a damaged store file (docs/troubleshooting.md). */
#define STORE_DAMAGED_HINT                                                    \
    "copy the file aside before anything else touches it; `sqlite3 FILE "    \
    ".recover` may save what can still be read. To start afresh, move it "   \
    "away (its runs can then no longer be resumed or rolled back)"

/* SQLite's integrity check of S's file (PRAGMA integrity_check, at most
 * 100 problems): FN is called with each problem's text (none: the file
 * is sound), and with SQLite's message when the check itself cannot read
 * the file. FN returns false to stop. */
mig_status_t store_integrity(store_t *s,
                             bool (*fn)(void *data, const char *problem),
                             void *data);
/* Calls FN for every lock held (a released one is not), in the order of
 * its resource, with ALIVE: whether its holder may still be running (the
 * lock has not expired, and the process exists when it is this host's).
 * The lock's strings are borrowed for the call. */
mig_status_t store_lock_each(store_t *s,
                             bool (*fn)(void *data, const store_lock_t *l,
                                        bool alive),
                             void *data);

/* ---- metrics (store_metrics.c; docs/metrics.md) ------------------------ */

/* How long the commits of this process's store took: COUNT commits,
 * SUM_S seconds in all, and LE[I] the commits that took at most
 * store_commit_bounds_s[I] (cumulative, as a Prometheus histogram's
 * buckets). A commit is timed from store_flush's start (the queued rows
 * written, the effects' own commits) to COMMIT's return (its fsync with
 * STORE_DURABLE_FULL). */
#define STORE_COMMIT_BUCKETS 8
extern const double store_commit_bounds_s[STORE_COMMIT_BUCKETS];
typedef struct store_commits {
    int64_t count;
    double sum_s;
    int64_t le[STORE_COMMIT_BUCKETS];
} store_commits_t;
/* The commits S made since it was opened, into *OUT. */
void store_commit_stats(const store_t *s, store_commits_t *out);

/* What a running run's process alone knows, as it last wrote it: its
 * foreach items started and not ended (IN_FLIGHT), those not started yet
 * (QUEUED), and its commits since the process began (a resume counts
 * from 0 again). */
typedef struct store_gauges {
    int64_t run, at_ms;
    int64_t in_flight, queued;
    store_commits_t commits;
} store_gauges_t;
/* Records G for G->run (replacing what it held) in the open transaction;
 * durable at the next store_flush. Fenced like every write. */
mig_status_t store_gauges_put(store_t *s, const store_gauges_t *g);
/* The gauges RUN last wrote into *G, *FOUND false when it wrote none. */
mig_status_t store_gauges_get(store_t *s, int64_t run, store_gauges_t *g,
                              bool *found);
/* Calls FN with the gauges of every run that wrote any, by run. */
mig_status_t store_gauges_each(store_t *s,
                               bool (*fn)(void *data, const store_gauges_t *g),
                               void *data);

/* The counts metrics are made of: the runs by their recorded state (N),
 * the steps by state (N, and SUM their attempts). FN gets each state
 * that has any, in the order of its name; borrowed for the call. */
typedef enum store_count {
    STORE_COUNT_RUNS,
    STORE_COUNT_STEPS,
} store_count_t;
mig_status_t store_count_each(store_t *s, store_count_t what,
                              bool (*fn)(void *data, const char *key,
                                         int64_t n, int64_t sum),
                              void *data);
/* The ids of the runs recorded running (store_run_liveness says which
 * still are), ascending: *IDS (free it) of *N. */
mig_status_t store_runs_running(store_t *s, int64_t **ids, size_t *n);

/* The events metrics count (docs/metrics.md): retry-wait, recover,
 * decision, breaker-*, rollback-start, rollback-done, of every run, by
 * run and in order, with what metrics read of their data (NULL when the
 * event has none of it). */
typedef struct store_metric_event {
    int64_t run, at_ms;
    const char *kind;
    const char *cls;            /* retry-wait, recover: the class */
    const char *strategy;       /* recover: `with NAME`'s NAME, or "block" */
    const char *decision;       /* decision */
    const char *breaker;        /* breaker-*: the breaker's name */
    int matched;                /* rollback-done: 1, 0, or -1 (none) */
} store_metric_event_t;
mig_status_t store_metric_events(store_t *s,
                                 bool (*fn)(void *data,
                                            const store_metric_event_t *e),
                                 void *data);

/* Whether the process PID on HOST may still be alive, seen from here: a
 * process of another host is given the benefit of the doubt. */
bool store_process_alive(int64_t pid, const char *host);
/* Whether the process PID on HOST (a lock's holder) is this host's and
 * stopped (SIGSTOP, Ctrl-Z, a debugger): /proc says so. */
bool store_process_stopped(int64_t pid, const char *host);

/* Unix time in milliseconds (the store's clock). */
int64_t store_now_ms(void);

#endif
