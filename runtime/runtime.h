/* runtime.h: the public face of mig's runtime layer. For now it is the
 * context every action's functions get (action_ctx_t, declared opaque in
 * interpreter.h) and the dry run behind `mig plan`; the scheduler, the
 * journal and rollback join it here. It sits on interpreter.h.
 *
 * An action touches the world only through its context: the files it
 * reads, the files it changes, the changes a preview says it would make,
 * and the error it fails with. A context made for a preview is read-only:
 * every function that would change something refuses, so a dry run cannot
 * write even when an action's preview tries to by mistake. */
#ifndef MIG_RUNTIME_H
#define MIG_RUNTIME_H

#include <sys/stat.h>

#include "interpreter.h"

typedef enum actx_mode {
    ACTX_PREVIEW,   /* a dry run: read, and say what would change */
    ACTX_RUN,       /* run the action */
    ACTX_UNDO,      /* reverse it */
} actx_mode_t;

/* A context for calls of ACTION (its name, for messages) in MODE, with
 * relative paths taken from BASE_DIR (copied; "" or NULL: the current
 * directory). NULL when out of memory. */
action_ctx_t *actx_new(actx_mode_t mode, const char *base_dir);
void actx_free(action_ctx_t *ctx);
/* Prepares CTX for a call of ACTION: clears the error and the changes of
 * the call before. */
void actx_begin(action_ctx_t *ctx, const char *action);
actx_mode_t actx_mode(const action_ctx_t *ctx);

/* ---- paths and reading ------------------------------------------------ */

/* PATH taken from the base directory (unless absolute), in a buffer the
 * context owns until the next call of actx_path. NULL when out of memory
 * (reported). */
const char *actx_path(action_ctx_t *ctx, const char *path);
/* Reads the whole file PATH (relative to the base) into OUT. Fails with a
 * classed error (MissingDependency for a missing file, Unavailable for
 * other I/O errors, InvalidConfig for what is not a regular file or is
 * larger than MIG_MAX_FILE, both found before the excess is read) and
 * MIG_EINVALID. */
mig_status_t actx_read_file(action_ctx_t *ctx, const char *path,
                            strbuf_t *out);
/* stat(2) of PATH (relative to the base): 0, or -1 with errno set. */
int actx_stat(action_ctx_t *ctx, const char *path, struct stat *st);
/* The names in directory DIR that match the glob PATTERN (fnmatch), sorted
 * bytewise, as a new list of strings DIR/NAME (as written: relative stays
 * relative). Fails like actx_read_file. */
mig_status_t actx_list_dir(action_ctx_t *ctx, const char *dir,
                           const char *pattern, val_t **out);

/* ---- changing things (refused in a preview) --------------------------- */

/* Each fails with a PolicyDenied error in a preview context ("a dry run
 * changes nothing"), and with a classed error when the system call fails.
 * actx_write_file replaces PATH atomically (a temporary file renamed over
 * it). */
mig_status_t actx_write_file(action_ctx_t *ctx, const char *path,
                             const char *data, size_t len);
mig_status_t actx_remove(action_ctx_t *ctx, const char *path);
mig_status_t actx_rename(action_ctx_t *ctx, const char *from, const char *to);
mig_status_t actx_mkdir(action_ctx_t *ctx, const char *path);
/* Whole trees (runtime/actx_fs.c), failing the same way. actx_copy
 * copies FROM (a file, a symlink as a link, or a directory with all it
 * holds, modes kept) to TO, replacing what is there: the copy is made
 * under a temporary name beside TO and renamed into place, so TO is never
 * half copied. actx_move renames FROM to TO, replacing what is there (a
 * directory too); across file systems it copies, then removes FROM.
 * Neither puts a directory inside itself (Conflict). actx_remove_tree
 * removes PATH and all it holds; a missing PATH is MissingDependency. */
mig_status_t actx_copy(action_ctx_t *ctx, const char *from, const char *to);
mig_status_t actx_move(action_ctx_t *ctx, const char *from, const char *to);
mig_status_t actx_remove_tree(action_ctx_t *ctx, const char *path);

/* ---- previews and errors ---------------------------------------------- */

/* Records, in a preview, that the call would make the change CHANGE
 * ("create", "overwrite", "delete", "move", "mkdir", "run", ...) to TARGET,
 * with DETAIL text ("312 bytes"). MIG_OK or MIG_ENOMEM. */
mig_status_t actx_would(action_ctx_t *ctx, const char *change,
                        const char *target, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sets KEY of the change the last actx_would of this call recorded to
 * VALUE (taken, also on failure): what an action says of a change beyond
 * its detail, such as a registry record's field-level diff
 * (docs/plan.md, "A change"). The caller must have recorded a change
 * since actx_begin. MIG_OK or MIG_ENOMEM. */
mig_status_t actx_would_set(action_ctx_t *ctx, const char *key,
                            val_t *value);
/* The changes recorded since actx_begin: a list of maps
 * {change, target, detail}, borrowed. */
val_t *actx_changes(const action_ctx_t *ctx);
/* What the calls previewed so far in CTX would leave, for the reads of
 * later calls (a dry run previews every step of a plan with one
 * context): resource id (see "managed resources") -> the value the
 * changes would leave, null when they remove it. actx_pending_set
 * records V (referenced; NULL: removed) for ID, and does nothing outside
 * a preview context; actx_begin keeps what it recorded. actx_pending is
 * the map, borrowed, or NULL when nothing is pending. MIG_OK or
 * MIG_ENOMEM. */
mig_status_t actx_pending_set(action_ctx_t *ctx, const char *id, val_t *v);
const val_t *actx_pending(const action_ctx_t *ctx);

/* Fails the call with an error of class CLASS (docs/language.md, "Error
 * classes") and a message. Returns MIG_EINVALID (MIG_ENOMEM when the
 * message could not be kept). */
mig_status_t actx_fail(action_ctx_t *ctx, const char *cls, const char *fmt,
                       ...) __attribute__((format(printf, 3, 4)));
/* The error of the last failed call: its class and message, or NULL. */
const char *actx_error_class(const action_ctx_t *ctx);
const char *actx_error_message(const action_ctx_t *ctx);
/* What the error says beyond its message, for the strategies that repair
 * it (docs/recovery.md, "Error details"): a map such as {argument:
 * "params", schema: ...} for ParamMismatch or {missing: [...]} for
 * MissingDependency. Set after actx_fail (which clears it), taking
 * DETAIL; the error keeps it until the next actx_begin. The getter's value
 * is borrowed; NULL when none. */
void actx_set_error_detail(action_ctx_t *ctx, val_t *detail);
val_t *actx_error_detail(const action_ctx_t *ctx);

/* Adds a line to the run's log (log.info, log.warn, log.error): LEVEL
 * "info", "warn" or "error", and MESSAGE. The runtime records each line
 * as a `log` event of the calling step once the call has returned
 * (docs/state.md, "events"); a dry run records none. The lines are kept
 * until the next actx_begin; actx_logged gives them (borrowed): a list of
 * {level, message} maps, or NULL when there are none. MIG_OK or
 * MIG_ENOMEM. */
mig_status_t actx_log(action_ctx_t *ctx, const char *level,
                      const char *message);
val_t *actx_logged(const action_ctx_t *ctx);

/* ---- the object store ---------------------------------------------------- */

/* Before-images live in a content-addressed store (runtime/blobs.c): a
 * directory of files named by the BLAKE2b-256 of their bytes
 * (DIR/ab/cdef..., 64 hex digits in all), written atomically, never
 * changed. Keeping the same bytes twice costs nothing. */
typedef struct blobs blobs_t;

#define BLOB_HEX 65     /* 64 hex digits and a NUL */

/* Opens (creating if needed) the store in DIR. Failures go to DIAGS
 * (MIG_EIO). */
mig_status_t blobs_open(const char *dir, diag_list_t *diags, blobs_t **out);
void blobs_close(blobs_t *b);
/* Keeps LEN bytes of DATA; HEX gets their name. MIG_EIO (errno set) or
 * MIG_OK. */
mig_status_t blobs_put(blobs_t *b, const void *data, size_t len,
                       char hex[BLOB_HEX]);
/* Keeps the bytes of the file PATH (streamed, not read whole; hashed
 * first, and not written again when their blob is there). A blob found
 * kept by either is touched (its time of change set to now): what tells
 * `mig snapshot prune` it is in use. */
mig_status_t blobs_put_file(blobs_t *b, const char *path, char hex[BLOB_HEX]);
/* The bytes named HEX into OUT (appended); MIG_EIO when absent or
 * unreadable, or when the bytes no longer hash to HEX (a damaged
 * store). */
mig_status_t blobs_get(blobs_t *b, const char *hex, strbuf_t *out);
/* The BLAKE2b-256 of LEN bytes, and of a file (streamed), as hex. */
void blobs_hash(const void *data, size_t len, char hex[BLOB_HEX]);
mig_status_t blobs_hash_file(const char *path, char hex[BLOB_HEX]);
/* The file of blob HEX (a new string), or NULL when HEX is not a blob's
 * name or memory ran out. */
char *blobs_path(const blobs_t *b, const char *hex);
/* The store's folder (borrowed). */
const char *blobs_dir(const blobs_t *b);
/* The object store of the state store STATE_PATH: the folder "objects"
 * beside it, so that --state moves both together (".mig/state.db" ->
 * ".mig/objects"). A new string; NULL when out of memory. */
char *blobs_dir_of(const char *state_path);

/* ---- running and undoing (ACTX_RUN, ACTX_UNDO) -------------------------- */

/* Makes durable every change an action left uncommitted
 * (actx_defer_commit): MIG_OK, or a failure with *WHY ("Class:
 * message", malloc'd or NULL). */
typedef mig_status_t (*actx_commit_fn)(char **why);

/* What a run gives its contexts: set once by the runtime. */
typedef struct actx_host {
    blobs_t *blobs;             /* where actx_keep puts before-images */
    struct uv_loop_s *loop;     /* the scheduler's event loop */
    /* Sync every file written to disk before the call returns
     * (--durability full); otherwise the OS writes it back when it will. */
    bool sync_files;
    /* Adds DELTA to the counter NAME in the state store (test.count);
     * *VALUE gets the new count. */
    mig_status_t (*counter_add)(void *data, const char *name, int64_t delta,
                                int64_t *value);
    /* Journals that the call of record SEQ of RUN (ROLE: 0 its effect, 1
     * its undo) started process PID in process group PGID, commits, and
     * only then calls GO(GO_DATA, true) (actx_started). It may instead
     * queue GO and return MIG_OK: the starts of one turn of the loop
     * then share one commit, after which each GO is called with true,
     * or with false when that commit failed. A failure returned here
     * means GO is never called. */
    mig_status_t (*started)(void *data, int64_t run, int64_t seq, int role,
                            int64_t pid, int64_t pgid,
                            bool (*go)(void *, bool), void *go_data);
    /* Has FN called right before the journal's next commit, which then
     * fails when FN fails (actx_defer_commit); false when it cannot be
     * (the caller commits now). NULL: never deferred. */
    bool (*defer_commit)(void *data, actx_commit_fn fn);
    void *data;
} actx_host_t;

/* The row being called, set by the runtime before each call (NULL
 * before the first): how a function shared by many rows (a Lua module's)
 * finds its own (action_t.data). */
void actx_set_action(action_ctx_t *ctx, const action_t *row);
const action_t *actx_action(const action_ctx_t *ctx);

void actx_set_host(action_ctx_t *ctx, const actx_host_t *host);
const actx_host_t *actx_host(const action_ctx_t *ctx);
/* The attempt of this call (1 for the first try), set by the runtime
 * before each call; test.fail counts with it. */
void actx_set_attempt(action_ctx_t *ctx, uint32_t attempt);
uint32_t actx_attempt(const action_ctx_t *ctx);
/* How long the call may take, in milliseconds (a step's timeout, set by
 * the runtime before each call; 0, the default: no bound but the
 * action's own). A call that runs in place (a Lua function) stops
 * itself when it is over; one that waits is stopped by the runtime. */
void actx_set_time_limit(action_ctx_t *ctx, int64_t ms);
int64_t actx_time_limit(const action_ctx_t *ctx);
/* Whether the effect an undo reverses is known to have finished (its
 * journal record is done), set by rollback before each undo (false by
 * default): actx_restore then does not look for what a write stopped
 * half-way would have left beside the path, since that write finished. */
void actx_set_effect_done(action_ctx_t *ctx, bool done);
/* Removals made by a thread of their own, in the order queued, while the
 * caller goes on (a rollback reading its journal). With a remover R set
 * on a context, actx_restore of an image whose type is "absent" queues
 * the removal to R, tagged TAG, and returns at once; everything else the
 * context does with a path first waits for the queued removals (and
 * fails when one of them failed). NULL R: removals are made at once. */
typedef struct actx_remover actx_remover_t;
/* A remover and its thread; NULL when they could not be made. */
actx_remover_t *actx_remover_new(void);
void actx_set_remover(action_ctx_t *ctx, actx_remover_t *r, int64_t tag);
/* Waits until every removal queued to R is made: MIG_OK, or MIG_EIO when
 * one failed, with its TAG and *WHY ("Class: message", malloc'd or
 * NULL); the removals queued after a failed one are not made. */
mig_status_t actx_remover_wait(actx_remover_t *r, int64_t *tag, char **why);
/* Waits for the queued removals, ends the thread, frees R. NULL ok. */
void actx_remover_free(actx_remover_t *r);
/* A change may be left in an open transaction, to be committed with
 * those of the next calls, by calling this with FN, the function that
 * commits them all. With a remover set on CTX (a rollback's undo of a
 * self-undoing record: undone twice is undone once), FN is called when
 * the rollback next waits for R (actx_remover_wait, before it marks the
 * records undone; a failure is that of the record tagged first since the
 * last wait), or when R is freed. Otherwise, in a run (the host's
 * defer_commit), FN is called right before the journal's next commit,
 * the one that would record the call done: the change is durable before
 * the journal says so, and a failing FN fails that commit (the store
 * fails as at a full disk, and the steps since the last commit stay
 * pending in the journal, as after a crash). Returns false when neither
 * can take FN (no remover and no host that defers, or ACTX_COMMITS
 * functions held already): the caller commits now. FN given twice is
 * called once. */
#define ACTX_COMMITS 4
bool actx_defer_commit(action_ctx_t *ctx, actx_commit_fn fn);

/* ---- processes (exec.run; docs/actions.md, "Run at most once") ---------- */

/* The journal record the next calls belong to, set by the runtime: RUN,
 * SEQ (0: the call is not journaled) and ROLE (0: the step's effect, 1:
 * its undo, in a rollback). */
void actx_set_record(action_ctx_t *ctx, int64_t run, int64_t seq, int role);
/* Called by an action that reports its start (action_t.reports_start)
 * once its process PID (in group PGID) exists and before that process may
 * change anything: the runtime journals the process and commits, then
 * calls GO(DATA, true), which lets the process begin and says whether it
 * could. MIG_OK when GO was called, or when it is queued
 * (actx_start_pending): the calls a scheduler's turn runs share one
 * commit for their starts, and GO comes after it, before the loop turns
 * again, so the action must have suspended its call by then. A queued GO
 * whose commit failed is called with JOURNALED false: the effect must
 * not begin, and GO ends the call (not begun). Otherwise (a failure
 * returned) GO was not called, the failure is in the store's
 * diagnostics, and the process must be stopped before it begins. A call
 * that is not journaled calls GO(DATA, true) at once. An effect that
 * starts no process (an HTTP request that changes something) passes PID
 * and PGID 0: it is journaled as begun, and settled after a crash without
 * stopping anything. */
mig_status_t actx_started(action_ctx_t *ctx, int64_t pid, int64_t pgid,
                          bool (*go)(void *data, bool journaled), void *data);
/* Whether the GO that actx_started was given waits for a group commit. */
bool actx_start_pending(const action_ctx_t *ctx);
/* Whether GO let the process run since actx_begin: the effect began. */
bool actx_began(const action_ctx_t *ctx);
/* Whether the run asks every write synced before the call returns
 * (--durability full): an action keeping its own files (the registry's
 * SQLite database) syncs them as the run's files are. */
bool actx_durable(const action_ctx_t *ctx);

/* A failing call may suggest how long to wait before it is tried again
 * (an endpoint's Retry-After): a retry block honours it within its
 * bounds (docs/language.md, "retry"). Cleared by actx_begin; -1: none. */
void actx_suggest_delay(action_ctx_t *ctx, int64_t ms);
int64_t actx_suggested_delay(const action_ctx_t *ctx);

/* The state of a resource as the journal and checkpoints record it: a
 * short text, "absent", "dir", or "file:HEX" (HEX the BLAKE2b of its
 * bytes). Right after CTX wrote PATH with actx_write_file (and changed
 * nothing since), the state of the bytes written, not read back. Fails
 * like actx_read_file (MIG_EINVALID) when PATH cannot be read. */
mig_status_t actx_state(action_ctx_t *ctx, const char *path,
                        strbuf_t *out);

/* Keeps the before-image of PATH (relative to the base), in capture:
 * puts the bytes of PATH (and, for a directory, of everything under it)
 * in the object store and gives *IMAGE, a new value that actx_restore
 * takes: {path, type: "absent"} or {path, type: "file", blob, mode} or
 * {path, type: "dir", mode, entries: [images of its entries, sorted]}.
 * Every path kept is declared a resource the run manages, with its state
 * before the call (actx_resources). */
mig_status_t actx_keep(action_ctx_t *ctx, const char *path, val_t **image);
/* Makes the path of IMAGE exactly what IMAGE says (removing what is
 * there first), byte for byte and mode for mode: what undo calls. The
 * files are written atomically; idempotent. */
mig_status_t actx_restore(action_ctx_t *ctx, const val_t *image);
/* Paths (as written, relative to the base: ".mig") that actx_keep leaves
 * out of a directory it keeps, and that actx_restore leaves in place
 * when it makes a directory what its image says: a snapshot's state
 * store. SKIP is a map whose keys are the paths (borrowed; NULL: none). */
void actx_set_skip(action_ctx_t *ctx, const val_t *skip);
/* The resources declared since actx_begin: a map from path (as written,
 * relative to the base) to its state before the call (actx_state text).
 * Borrowed. */
val_t *actx_resources(const action_ctx_t *ctx);

/* What a call knows of a resource without asking its kind (a remote
 * record it has just read or written: docs/http.md, "Undo"):
 * actx_set_state records STATE for ID until the next actx_begin, and
 * resource_state, resource_declare and the after-image then give it
 * rather than read the resource again. actx_known_state is it, or NULL.
 * MIG_OK or MIG_ENOMEM. */
mig_status_t actx_set_state(action_ctx_t *ctx, const char *id,
                            const char *state);
const char *actx_known_state(const action_ctx_t *ctx, const char *id);
/* What an effect's answer said that its undo needs and its undo record,
 * journaled before the effect, could not hold (the ETag an endpoint gave
 * a change, the Location of a record it created). In a run, the action
 * sets it (taken) before it finishes: the runtime journals it with the
 * record's outcome, in the commit that records the call done (the
 * journal's `outcome`, docs/state.md). In an undo, the rollback sets it
 * to what the journal kept (NULL: nothing, such as after a crash in the
 * effect's flight) before it calls the action's undo. Cleared by
 * actx_begin; the getter's value is borrowed. */
void actx_set_outcome(action_ctx_t *ctx, val_t *outcome);
val_t *actx_outcome(const action_ctx_t *ctx);

/* ---- calls that finish later ------------------------------------------- */

/* An action that waits (a timer, a child process) calls actx_suspend in
 * run and returns MIG_OK at once, then calls actx_finish exactly once
 * from a callback of the host's loop: ST and RESULT (taken; NULL for
 * none) are what run would have returned, the error (if any) set with
 * actx_fail before. ON_CANCEL (may be NULL) is how the runtime stops it
 * early (a step timeout): it must lead to actx_finish soon. */
void actx_suspend(action_ctx_t *ctx, void (*on_cancel)(action_ctx_t *ctx,
                                                       void *data),
                  void *data);
bool actx_suspended(const action_ctx_t *ctx);
void actx_finish(action_ctx_t *ctx, mig_status_t st, val_t *result);
/* Set by the runtime: called by actx_finish. */
typedef void (*actx_done_fn)(action_ctx_t *ctx, mig_status_t st,
                             val_t *result, void *data);
void actx_on_finish(action_ctx_t *ctx, actx_done_fn fn, void *data);
/* Asks a suspended call to stop (its ON_CANCEL); it still finishes
 * through actx_finish. */
void actx_cancel(action_ctx_t *ctx);

/* ---- managed resources (resource.c) ------------------------------------- */

/* Rollback verification sees every kind of resource a run manages through
 * one interface (docs/runtime.md, "What a rollback verifies"). A resource
 * is named by a text id: a file by its path as written (relative to the
 * plan's directory); other kinds by "KIND:..." (a registry record, a
 * remote record), each kind a row of the table in resource.c found by
 * the prefix of the id. Its state is a short text that holds its digest
 * ("absent", "dir", "file:HEX"). The runtime journals the state of each
 * resource a step declares before the step (the journal's resources) and
 * after it (the after-image, the journal's after_image); a checkpoint records
 * the states of every resource managed so far and their digest. Rollback
 * asks each resource whether it changed since its after-image (someone
 * else changed it: refused without --force), then, once undone, whether
 * its state is the one at the checkpoint. */
typedef struct resource_kind {
    const char *name;           /* "file" */
    const char *prefix;         /* how its ids start ("" for paths) */
    /* The state of resource ID now, appended to OUT: "absent" when it
     * does not exist, else text that holds its digest. EXPECT (NULL, or
     * a list of states and nulls) are states ID likely has, which a kind
     * may use to read its state faster; the state is the same without
     * them. MIG_OK, or the failure reported through CTX (MIG_EINVALID,
     * MIG_ENOMEM). */
    mig_status_t (*state)(action_ctx_t *ctx, const char *id,
                          const val_t *expect, strbuf_t *out);
    /* Whether the state NOW is the state RECORDED (an after-image, a
     * checkpoint's); NULL: the texts are equal. A kind whose state text
     * holds what changes without a change of the record (a remote
     * record's fetch time) compares only what matters. */
    bool (*same)(const char *recorded, const char *now);
    /* Optional: the states of many ids of this kind read together (one
     * query a store, not one an id): IDS a list of id strings, each
     * state it can read put into the map OUT (id -> state); an id left
     * out is read by state, one by one (so a failure is reported there,
     * for its id). MIG_OK or MIG_ENOMEM. */
    mig_status_t (*states)(action_ctx_t *ctx, const val_t *ids, val_t *out);
    const char *doc;
} resource_kind_t;

/* The state of a registry record (ids "registry:DB#KIND/NAME"): the
 * registry's stores live above the runtime, so the standard library sets
 * this when it registers its actions (stdlib_register); while it is
 * NULL, a registry id fails with InvalidConfig. */
extern mig_status_t (*resource_registry_state)(action_ctx_t *ctx,
                                               const char *id,
                                               const val_t *expect,
                                               strbuf_t *out);
/* The states of many registry records read together (resource_kind_t,
 * states); set like resource_registry_state, NULL: one by one. */
extern mig_status_t (*resource_registry_states)(action_ctx_t *ctx,
                                                const val_t *ids,
                                                val_t *out);

/* The state of a remote record (ids "remote:URL"): a GET of URL,
 * "absent" on 404 or 410, else "record:" and the BLAKE2b-256 of the
 * body. Set by the standard library (http.request) like
 * resource_registry_state; while NULL, such an id fails with
 * InvalidConfig. */
extern mig_status_t (*resource_remote_state)(action_ctx_t *ctx,
                                             const char *id, strbuf_t *out);

/* The records of registry DB (as a plan wrote it) now, for the drift
 * baseline a successful run records (docs/drift.md): a new list, by kind
 * then name, of {kind, name, digest, text} maps (TEXT the record's
 * canonical JSON without what the registry sets itself, DIGEST its
 * BLAKE2b-256, the record's drift digest). Set by the standard library
 * like resource_registry_state; while it is NULL, no baseline is
 * recorded. */
extern mig_status_t (*resource_registry_records)(action_ctx_t *ctx,
                                                 const char *db, val_t **out);

/* The kind of resource ID (never NULL: a path when no prefix fits). */
const resource_kind_t *resource_kind_of(const char *id);
/* The state of ID now, through its kind, appended to OUT. */
mig_status_t resource_state(action_ctx_t *ctx, const char *id, strbuf_t *out);
/* resource_state, told the states EXPECT (a list of states and nulls) ID
 * likely has (a rollback: the after-image), which a kind may use to
 * read it faster (a registry record whose stored bytes hash to an
 * expected state is not parsed); the state is the same. */
mig_status_t resource_state_expect(action_ctx_t *ctx, const char *id,
                                   const val_t *expect, strbuf_t *out);
/* Whether ID's state NOW is its state RECORDED, through its kind: false
 * means it changed since. */
bool resource_same(const char *id, const char *recorded, const char *now);
/* Declares ID a resource the call changes, with its state now (before
 * the call), as actx_keep does for the paths it keeps: what the capture
 * of a self-undo action whose before-image is not a file (a registry
 * record) calls, so that the journal records the resource and rollback
 * verifies it. An id declared already keeps its first state. Fails like
 * resource_state. */
mig_status_t resource_declare(action_ctx_t *ctx, const char *id);
/* The states now of every id among the keys of the map IDS, as a new map
 * id -> state (*OUT), in the order of IDS; the ids of a kind that reads
 * many together (resource_kind_t, states) are read so. Fails like
 * resource_state. */
mig_status_t resource_states(action_ctx_t *ctx, const val_t *ids,
                             val_t **out);
/* The states of those ids among the keys of the map IDS that their kinds
 * read together (resource_kind_t, states), as a new map id -> state
 * (*OUT; the others left out, to be read with resource_state_expect).
 * MIG_OK or MIG_ENOMEM. */
mig_status_t resource_states_together(action_ctx_t *ctx, const val_t *ids,
                                      val_t **out);
/* The digest of STATES (a map id -> state): the BLAKE2b-256, as hex, of
 * each entry in byte order of the ids, "ID\0STATE\n". What a checkpoint
 * stores and what rollback compares with it. */
void resource_digest(const val_t *states, char hex[BLOB_HEX]);

/* ---- the dry run (mig plan) --------------------------------------------- */

/* Walks G in the order a run would, with the parameters P, changing
 * nothing: evaluates lets, conditions and arguments where their inputs are
 * known, computes pure steps, and asks every other step's action for a
 * preview in a read-only context with paths taken from BASE_DIR. A read
 * of a target an earlier step would change is left for the run. Failures
 * the run would certainly meet (a verify whose inputs are known and false,
 * a type error, a failing preview) go to DIAGS. *OUT gets the description
 * of the ordered plan (docs/plan.md); past 10,000 statements described
 * inside loop items, the items left are counted ("not_described"), not
 * walked. Returns MIG_OK, MIG_EINVALID (a
 * failure is foreseen; *OUT is set all the same) or MIG_ENOMEM. */
mig_status_t dryrun_plan(const graph_t *g, const params_t *p,
                         const action_registry_t *r, const char *base_dir,
                         diag_list_t *diags, val_t **out);
/* dryrun_plan with the settings SET of mig.yaml (NULL: none): its
 * write_roots are write roots too, and registry("NAME") gives its
 * registries (config_registry_targets). */
mig_status_t dryrun_plan_with(const graph_t *g, const params_t *p,
                              const action_registry_t *r,
                              const char *base_dir,
                              const config_settings_t *set,
                              diag_list_t *diags, val_t **out);

/* ---- the locks of write roots (roots_lock.c) -------------------------- */

/* A run's hold on its write roots (interpreter.h, write_roots_t), seen by
 * every mig on the machine whatever its state store: an advisory lock,
 * exclusive on each root and shared on each folder above it, in the
 * folder roots_lock_dir names ($MIG_LOCK_DIR, else /tmp/mig-locks). A
 * root that lies in another root of R shares that root's lock. MIG_OK
 * (*OUT to free with roots_lock_free, which lets go); MIG_EINVALID when
 * another process holds a root, a folder above one or one below one, or
 * the lock folder cannot be used (said in DIAGS); MIG_ENOMEM. */
typedef struct roots_lock roots_lock_t;
mig_status_t roots_lock_take(const write_roots_t *r, diag_list_t *diags,
                             roots_lock_t **out);
void roots_lock_free(roots_lock_t *l);
/* The write roots L (a list of absolute, resolved folders, as a run
 * records them in its options) into *OUT (roots_free it), each named as
 * it is. MIG_OK or MIG_ENOMEM. */
mig_status_t roots_of_list(const val_t *l, write_roots_t *out);
const char *roots_lock_dir(void);

/* ---- seeded draws (draw.c) ------------------------------------------------ */

/* A run's random choices are drawn per decision, not from one stream: the
 * generator of a choice is named by KEY (what it decides: the node, the
 * item, the attempt) and seeded with the run's SEED, so the same seed
 * repeats every choice whatever order parallel items run in
 * (docs/runtime.md, "Seeds"). draw_state gives the generator's first
 * state; draw_next the next number of *STATE (splitmix64); draw_unit a
 * uniform number in [0, 1) with 53 bits. */
uint64_t draw_state(uint64_t seed, const char *key);
uint64_t draw_next(uint64_t *state);
double draw_unit(uint64_t *state);

/* ---- fault injection (faults.c; mig run --inject) ------------------------ */

/* Makes chosen calls fail on purpose, so that users (and mig's tests) can
 * see a plan recover: docs/runtime.md, "Fault injection". */
typedef struct faults faults_t;

/* Reads the N texts SPECS, each "TARGET:CLASS[:COUNT]" (TARGET an action
 * name, a namespace "file.*", or a node id; COUNT how many matching calls
 * fail, default every one), and the N_RATES texts RATES, each
 * "SHARE[:CLASS]" (a share of every call, 0 to 1, failing with CLASS,
 * default Transient; the shares add up to 1 at most), drawn from a
 * generator seeded with SEED: one draw per call decides among the rates.
 * CLASS must be a built-in class or one of the N_CLASSES names of
 * PLAN_CLASSES (a plan's own). Errors, at the option they come from, go
 * to DIAGS (MIG_EINVALID). */
mig_status_t faults_new(const char *const *specs, size_t n,
                        const char *const *rates, size_t n_rates,
                        uint64_t seed, const char *const *plan_classes,
                        size_t n_classes, diag_list_t *diags,
                        faults_t **out);
void faults_free(faults_t *f);
/* Whether the call of ACTION by node NODE (its id; NULL for a call in an
 * expression) must fail now; then *CLS gets the class and *WHY the text of
 * the rule ("file.write:Timeout:2" or "--inject-rate 0.1"), both borrowed
 * from F. CALL names the call the same way in every run of the plan (the
 * node or the call's place, the item, the attempt): the rate's draw for
 * it comes from the generator of CALL and how many calls of that name F
 * has seen, so it does not depend on the order of other calls. Counts the
 * call. */
bool faults_hit(faults_t *f, const char *action, const char *node,
                const char *call, const char **cls, const char **why);

/* ---- runs: mig run, resume and rollback (run.c, rollback.c) ------------- */

/* How a run ended (and so mig run's exit status, docs/cli.md). */
#define RUN_RESULTS(X)                                                        \
    X(SUCCEEDED, "succeeded")                                                \
    X(FAILED, "failed")                /* nothing was rolled back */         \
    X(ROLLED_BACK, "rolled-back")      /* failed; rollback matched */        \
    X(ROLLBACK_FAILED, "rollback-failed") /* an undo failed or a digest differs */ \
    X(UNVERIFIED, "rolled-back-unverified") /* undone; some steps unverifiable */ \
    X(REFUSED, "refused")              /* locked, changed plan, ... */      \
    X(INTERRUPTED, "interrupted")      /* stopped by a signal; resumable */

typedef enum run_result {
#define RUN_RESULT_ENUM(e, s) RUN_##e,
    RUN_RESULTS(RUN_RESULT_ENUM)
#undef RUN_RESULT_ENUM
} run_result_t;

const char *run_result_name(run_result_t r);
/* For crash tests: how many crash points this process has passed (a
 * crash point is each commit of the journal, each effect and each undo,
 * before and after, and each command's process, journaled and let run).
 * With MIG_CRASH_AT=K in the environment, the process kills itself with
 * SIGKILL at the K-th; with MIG_CRASH_AT=NAME or NAME:K, at the first (or
 * K-th) point called NAME (docs/runtime.md, "Crash tests"). */
uint64_t run_crash_points(void);

/* Called for every event of a run as it is journaled: KIND (docs/state.md),
 * the node's id and the item (NULL when not about one), and DETAIL (a map,
 * borrowed; may be NULL). */
typedef void (*run_event_fn)(void *data, const char *kind, const char *node,
                             const char *item, const val_t *detail);

/* Called, not journaled, for progress displays: as a foreach starts, with
 * its node, the key of the item it runs in ("" outside any) and its ITEMS
 * (a list, borrowed); and as each of its items ends, whatever the outcome,
 * with the item's key and ITEMS NULL. */
typedef void (*run_items_fn)(void *data, const char *node, const char *item,
                             const val_t *items);

/* Delivers PAYLOAD, the JSON text of an alert's firing, to the notifiers
 * of CFG (notify.command, notify.webhook); false, with the reason in
 * WHY, when one of them failed. */
typedef bool (*alert_notify_fn)(const config_alerts_t *cfg,
                                const char *payload, strbuf_t *why);

typedef struct run_options {
    const char *state_path;     /* NULL: BASE_DIR/.mig/state.db */
    const char *plan_path;      /* the plan file, as recorded */
    const char *profile;        /* recorded; NULL for none */
    bool durable_full;          /* --durability full */
    bool break_lock;            /* --break-lock: take over an expired lock */
    bool force;                 /* roll back past irreversible steps */
    bool has_seed;
    uint64_t seed;              /* --seed (else one is drawn and recorded) */
    int64_t resume;             /* the run to resume, or 0 for a new one */
    bool allow_changed_plan;
    bool failed_only;           /* resume a finished run's failed items */
    run_event_fn on_event;
    run_items_fn on_items;      /* NULL for none; gets DATA too */
    void *data;
    /* The plan's Lua modules (runtime/lua_bridge.h), whose functions are
     * rows of the registry given to run_plan and recovery hooks; NULL for
     * none. */
    struct lua_bridge *lua;
    /* Calls to fail on purpose (--inject, --inject-rate), or NULL. */
    faults_t *faults;
    /* --settle: a map from journal position (text) to "done" or
     * "not-run", what the user says of a command a crash left in flight
     * (docs/actions.md, "Run at most once"); NULL for none. */
    const val_t *settle;
    /* The effective configuration (config_effective, with the plan's
     * parameters), recorded with the run in its options with its digest
     * (docs/state.md); NULL for none. */
    const val_t *config;
    /* mig.yaml's concurrency: the most items any foreach runs at once,
     * whatever its parallel count says; 0 for no cap. */
    int64_t max_parallel;
    /* mig.yaml's write_roots: more folders the run may change, besides
     * the plan's own (absolute or relative to the working directory). */
    const char *const *extra_roots;
    size_t n_extra_roots;
    /* mig.yaml's run-wide retry, timeout and breaker, applied where the
     * plan has none of its own (docs/configuration.md); NULL for none. */
    const config_run_defaults_t *defaults;
    /* What registry("NAME") gives (config_registry_targets), or NULL:
     * mig.yaml names none. */
    const val_t *registries;
    /* Fills in, from mig.yaml, an argument a step's call leaves out (a
     * remote registry's token: stdlib_registry_fill): called with the
     * call's bound arguments *ARGS of ROW before anything is journaled
     * or checked, it replaces *ARGS (taking it) by a new map when it adds
     * one. MIG_OK; MIG_EINVALID when what it would add cannot be had
     * (the step fails with InvalidConfig, the reason it appended to WHY);
     * MIG_ENOMEM. NULL: nothing is filled in. DATA may change (a token
     * resolved on first use); the loop's thread alone calls it. */
    mig_status_t (*fill_args)(void *data, const action_t *row,
                              val_t **args, strbuf_t *why);
    void *fill_data;
    /* mig.yaml's alerts (docs/alerts.md), or NULL: none; and what delivers
     * a firing's payload to their notifiers (NULL: journaled only). */
    const config_alerts_t *alerts;
    alert_notify_fn notify;
} run_options_t;

/* Runs (or, with O->resume, resumes) the plan compiled into G, with the
 * parameters PARAMS (a map name -> value), actions from R, relative paths
 * from BASE_DIR, recording everything in the state store. *RESULT says how
 * it ended and *RUN_ID which run it was. Failures of the plan are results,
 * not errors: MIG_OK is returned whenever the run could be carried out
 * (whatever its result); MIG_EIO when the state store could not be used
 * (opened, read or written, or it was deleted, replaced or lost its
 * lock), MIG_EINVALID when the run could not start for another reason
 * (both reported to DIAGS), MIG_ENOMEM. */
mig_status_t run_plan(const graph_t *g, const val_t *params,
                      const action_registry_t *r, const char *base_dir,
                      const run_options_t *o, diag_list_t *diags,
                      int64_t *run_id, run_result_t *result);

typedef struct rollback_options {
    const char *state_path;
    int64_t run;
    const char *to;             /* a checkpoint, or NULL: the whole run */
    bool force;                 /* past irreversible steps */
    bool dry_run;               /* say what would be undone; change nothing */
    bool list;                  /* the report lists the records undone */
    bool break_lock;
    const val_t *settle;        /* --settle, as in run_options_t */
    run_event_fn on_event;
    void *data;
} rollback_options_t;

/* Rolls back run O->run of the store at O->state_path (mig rollback):
 * refuses when a resource to restore changed since the run left it
 * (unless force), applies the undo records after the checkpoint (or every
 * record), newest first, then compares the managed resources and the
 * checkpoint's stored digest with what they are now (docs/runtime.md,
 * "What a rollback verifies"). *REPORT gets {to, changed: [...], undone
 * (a count), matched, digest, expected, differ: [...], unverified:
 * [...]}, with o->list also records: [{seq, node, item, action, kind}...]
 * (or, with dry_run, {to, changed, would_undo: [...], unverified}).
 * Returns like run_plan: MIG_OK with *RESULT RUN_ROLLED_BACK (all
 * verified and matched), RUN_UNVERIFIED (the rest matched, some steps
 * could not be verified) or RUN_ROLLBACK_FAILED (or RUN_REFUSED: an
 * irreversible step or a changed resource without force, a lock held);
 * MIG_EIO when the state store could not be used. BASE_DIR is the run's
 * plan directory; R must hold the actions the run used. */
mig_status_t rollback_run(const action_registry_t *r, const char *base_dir,
                          const rollback_options_t *o, diag_list_t *diags,
                          val_t **report, run_result_t *result);

#endif
