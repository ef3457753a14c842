/* store_int.h: what store.c (statements, transactions), store_write.c
 * (writes), store_query.c (reads) and the other store_*.c files share: the
 * store's struct and every SQL statement the SQLite backend runs, prepared
 * once per store and reused. Nothing outside these files sees SQLite. */
#ifndef MIG_STORE_INT_H
#define MIG_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

/* Every statement the store runs, as ID and text. The table is the one
 * place SQL lives (docs/state.md describes the tables). */
#define STORE_STMTS(X)                                                        \
    X(BEGIN, "BEGIN IMMEDIATE")                                               \
    X(COMMIT, "COMMIT")                                                       \
    X(ROLLBACK, "ROLLBACK")                                                   \
    X(RUN_INSERT, "INSERT INTO runs(plan_path, plan_name, plan_digest, "      \
      "profile, params, options, state, error, host, pid, started_ms, "       \
      "ended_ms, parent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', NULL, "   \
      "?7, ?8, ?9, 0, ?10)")                                                  \
    X(RUN_FINISH, "UPDATE runs SET state = ?2, error = ?3, ended_ms = "      \
      "CASE WHEN ended_ms > 0 THEN ended_ms ELSE ?4 END WHERE id = ?1")       \
    X(RUN_REOPEN, "UPDATE runs SET state = 'running', error = NULL, "         \
      "ended_ms = 0, pid = ?2, host = ?3 WHERE id = ?1")                      \
    X(RUN_GET, "SELECT " STORE_RUN_COLUMNS " FROM runs WHERE id = ?1")        \
    X(RUN_LAST, "SELECT IFNULL(MAX(id), 0) FROM runs")                        \
    X(RUN_LIST, "SELECT " STORE_RUN_COLUMNS " FROM runs ORDER BY id DESC "    \
      "LIMIT ?1")                                                             \
    X(STEP_PUT, "INSERT INTO " STORE_STEP_INTO " VALUES (?1, ?2, ?3, ?4, "     \
      "?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL)" STORE_STEP_UPSERT)                \
    X(STEP_EACH, "SELECT node, item, state, attempts, result, error_class, "  \
      "error, started_ms, ended_ms, args, result_refs FROM steps "            \
      "WHERE run = ?1 ORDER BY id")                                           \
    X(JOURNAL_INSERT, "INSERT INTO " STORE_JOURNAL_INTO " VALUES (?1, ?2, "   \
      "?3, ?4, ?5, ?6, 'intent', ?7, ?8, ?9, ?10, ?10, NULL)")                \
    X(VALUE_GET, "SELECT json FROM value_objects WHERE id = ?1")              \
    X(VALUE_LAST, "SELECT IFNULL(MAX(id), 0) + 0 * ?1 FROM value_objects")    \
    X(JOURNAL_SET, "UPDATE journal SET state = ?3, updated_ms = ?4 "          \
      "WHERE run = ?1 AND seq = ?2")                                          \
    X(JOURNAL_AFTER, "UPDATE journal SET after_image = ?3 "                   \
      "WHERE run = ?1 AND seq = ?2")                                          \
    X(JOURNAL_OUTCOME, "UPDATE journal SET outcome = ?3 "                     \
      "WHERE run = ?1 AND seq = ?2")                                          \
    X(JOURNAL_COUNT, "SELECT count(*) FROM journal WHERE run = ?1 AND seq "   \
      "BETWEEN ?2 AND ?3")                                                    \
    X(UNDONE_PUT, "INSERT INTO journal_undone(run, lo, hi, at_ms) VALUES "    \
      "(?1, ?2, ?3, ?4)")                                                     \
    X(UNDONE_EACH, "SELECT lo, hi FROM journal_undone WHERE run = ?1 "       \
      "ORDER BY lo")                                                          \
    X(JOURNAL_FORWARD, "SELECT " STORE_JOURNAL_READ " FROM journal "          \
      "WHERE run = ?1 AND seq > ?2 ORDER BY seq")                             \
    X(JOURNAL_REVERSE, "SELECT " STORE_JOURNAL_READ " FROM journal "          \
      "WHERE run = ?1 AND seq > ?2 ORDER BY seq DESC")                        \
    X(JOURNAL_LAST, "SELECT IFNULL(MAX(seq), 0) FROM journal WHERE run = ?1") \
    X(JOURNAL_HAS, "SELECT count(*) FROM journal WHERE run = ?1 AND seq = ?2") \
    X(PROCESS_PUT, "INSERT OR REPLACE INTO processes(run, seq, role, pid, "   \
      "pgid, start_ticks, host, started_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, " \
      "?7, ?8)")                                                              \
    X(PROCESS_GET, "SELECT pid, pgid, start_ticks, host, started_ms FROM "    \
      "processes WHERE run = ?1 AND seq = ?2 AND role = ?3")                  \
    X(PROCESS_DELETE, "DELETE FROM processes WHERE run = ?1 AND seq = ?2 "    \
      "AND role = ?3")                                                        \
    X(CHECKPOINT_INSERT, "INSERT INTO checkpoints(run, name, node, item, "    \
      "seq, digest, resources, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "   \
      "?8)")                                                                  \
    X(CHECKPOINT_GET, "SELECT " STORE_CHECKPOINT_COLUMNS " FROM checkpoints " \
      "WHERE run = ?1 AND name = ?2 ORDER BY item = ?3 DESC, id DESC LIMIT 1") \
    X(CHECKPOINT_EACH, "SELECT " STORE_CHECKPOINT_COLUMNS " FROM checkpoints " \
      "WHERE run = ?1 ORDER BY id")                                           \
    X(EVENT_INSERT, "INSERT INTO " STORE_EVENT_INTO " VALUES (?1, ?2, ?3, "   \
      "?4, ?5, ?6, ?7)")                                                      \
    X(EVENT_LAST, "SELECT IFNULL(MAX(seq), 0) FROM events WHERE run = ?1")    \
    X(EVENT_EACH, "SELECT seq, at_ms, kind, node, item, data FROM events "    \
      "WHERE run = ?1 AND seq > ?2 ORDER BY seq")                             \
    X(COUNTER_ADD, "INSERT INTO counters(name, value) VALUES (?1, ?2) "       \
      "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value "      \
      "RETURNING value")                                                      \
    X(LOCK_GET, "SELECT resource, run, pid, host, since_ms, heartbeat_ms, "   \
      "expires_ms, fence FROM locks WHERE resource = ?1")                     \
    X(LOCK_INSERT, "INSERT INTO locks(resource, run, pid, host, since_ms, "   \
      "heartbeat_ms, expires_ms, fence) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, "  \
      "1)")                                                                   \
    X(LOCK_TAKE, "UPDATE locks SET run = ?2, pid = ?3, host = ?4, "           \
      "since_ms = ?5, heartbeat_ms = ?5, expires_ms = ?6, fence = fence + 1 " \
      "WHERE resource = ?1 RETURNING fence")                                  \
    X(LOCK_HEARTBEAT, "UPDATE locks SET heartbeat_ms = ?3, expires_ms = ?4 "  \
      "WHERE resource = ?1 AND fence = ?2 AND run IS NOT NULL")               \
    X(LOCK_RELEASE, "UPDATE locks SET run = NULL, pid = NULL, host = NULL, "  \
      "expires_ms = 0 WHERE resource = ?1 AND fence = ?2 "                    \
      "AND run IS NOT NULL")                                                  \
    X(LOCK_OF_RUN, "SELECT pid, host, expires_ms FROM locks WHERE run = ?1") \
    X(LOCK_HOLDERS, "SELECT run, pid, host, heartbeat_ms FROM locks "         \
      "WHERE run IS NOT NULL ORDER BY heartbeat_ms DESC")                     \
    X(BASELINE_DB_PUT, "INSERT OR REPLACE INTO baseline_registries(run, db, " \
      "records) VALUES (?1, ?2, ?3)")                                         \
    X(BASELINE_PUT, "INSERT OR REPLACE INTO baseline_records(run, db, kind, " \
      "name, digest) VALUES (?1, ?2, ?3, ?4, ?5)")                            \
    X(BASELINE_OBJECT_PUT, "INSERT OR IGNORE INTO baseline_objects(digest, "  \
      "content) VALUES (?1, ?2)")                                             \
    X(BASELINE_OBJECT_GET, "SELECT content FROM baseline_objects "            \
      "WHERE digest = ?1")                                                    \
    X(BASELINE_DB_EACH, "SELECT db, records FROM baseline_registries "        \
      "WHERE run = ?1 ORDER BY db")                                           \
    X(BASELINE_EACH, "SELECT kind, name, digest FROM "                        \
      "baseline_records WHERE run = ?1 AND db = ?2 ORDER BY kind, name")      \
    X(RUN_LAST_SUCCEEDED, "SELECT IFNULL(MAX(id), 0) FROM runs WHERE "        \
      "plan_path = ?1 AND profile IS ?2 AND state = 'succeeded'") \
    X(AUDIT_TAIL, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")    \
    X(AUDIT_INSERT, "INSERT INTO audit(" STORE_AUDIT_COLUMNS ") VALUES (?1, " \
      "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")             \
    X(AUDIT_EACH, "SELECT " STORE_AUDIT_COLUMNS " FROM audit WHERE at_ms >= " \
      "?1 ORDER BY seq")                                                      \
    X(AUDIT_HEAD_PUT, "INSERT INTO audit_head(id, seq, hash, key_id, "        \
      "signature, at_ms) VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO " \
      "UPDATE SET seq = excluded.seq, hash = excluded.hash, key_id = "        \
      "excluded.key_id, signature = excluded.signature, at_ms = "             \
      "excluded.at_ms")                                                       \
    X(AUDIT_HEAD_GET, "SELECT seq, hash, key_id, signature, at_ms FROM "      \
      "audit_head WHERE id = 1")                                                \
    X(SNAPSHOT_INSERT, "INSERT INTO snapshots(name, note, plan_path, "        \
      "plan_name, run, state, host, pid, created_ms) VALUES (?1, ?2, ?3, ?4, " \
      "?5, 'creating', ?6, ?7, ?8)")                                          \
    X(SNAPSHOT_FINISH, "UPDATE snapshots SET state = 'complete', manifest = " \
      "?2, digest = ?3, entries = ?4, bytes = ?5 WHERE id = ?1")              \
    X(SNAPSHOT_EACH, "SELECT id, name, note, plan_path, plan_name, run, "     \
      "state, manifest, digest, entries, bytes, host, pid, created_ms FROM "  \
      "snapshots ORDER BY id")                                                \
    X(SNAPSHOT_DELETE, "DELETE FROM snapshots WHERE id = ?1")                 \
    X(ALERT_PUT, "INSERT INTO alerts(run, at_ms, condition, payload, "        \
      "delivery, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                     \
    X(ALERT_EACH, "SELECT run, at_ms, condition, payload, delivery, error "   \
      "FROM alerts WHERE run = ?1 ORDER BY seq")                              \
    X(SLOW_HISTORY, "SELECT ended_ms - started_ms FROM runs WHERE "           \
      "plan_path = ?1 AND state = 'succeeded' AND id < ?2 AND ended_ms > 0 "  \
      "ORDER BY id DESC LIMIT 20")                                            \
    X(INTEGRITY, "PRAGMA integrity_check(100)")                               \
    X(LOCK_EACH, "SELECT resource, run, pid, host, since_ms, heartbeat_ms, "  \
      "expires_ms, fence FROM locks WHERE run IS NOT NULL ORDER BY resource") \
    X(GAUGES_PUT, "INSERT OR REPLACE INTO run_gauges(run, at_ms, in_flight, " \
      "queued, commits, commit_sum_s, commit_buckets) VALUES (?1, ?2, ?3, "   \
      "?4, ?5, ?6, ?7)")                                                      \
    X(GAUGES_GET, "SELECT at_ms, in_flight, queued, commits, commit_sum_s, "  \
      "commit_buckets, run FROM run_gauges WHERE run = ?1")                   \
    X(GAUGES_EACH, "SELECT at_ms, in_flight, queued, commits, commit_sum_s, " \
      "commit_buckets, run FROM run_gauges ORDER BY run")                     \
    X(COUNT_RUNS, "SELECT state, count(*), 0 FROM runs GROUP BY state "       \
      "ORDER BY state")                                                       \
    X(COUNT_STEPS, "SELECT state, count(*), total(attempts) FROM steps "      \
      "GROUP BY state ORDER BY state")                                        \
    X(RUNS_RUNNING, "SELECT id FROM runs WHERE state = 'running' ORDER BY id") \
    X(METRIC_EVENTS, "SELECT run, at_ms, kind, "                              \
      "json_extract(data, '$.class'), json_extract(data, '$.strategy'), "      \
      "json_extract(data, '$.decision'), json_extract(data, '$.breaker'), "   \
      "json_extract(data, '$.matched') FROM events WHERE kind IN "            \
      "('retry-wait', 'recover', 'decision', 'breaker-open', "               \
      "'breaker-half-open', 'breaker-closed', 'rollback-start', "            \
      "'rollback-done') ORDER BY run, seq")

/* What the single-row writes (above) and the multi-row ones of a batch
 * (STORE_BATCHES) share: the columns written, and the step's upsert. */
#define STORE_STEP_INTO                                                       \
    "steps(run, node, item, state, attempts, result, error_class, error, "   \
    "started_ms, ended_ms, args, result_refs)"
#define STORE_STEP_UPSERT                                                     \
    " ON CONFLICT (run, node, item) DO UPDATE SET state = excluded.state, "  \
    "attempts = excluded.attempts, result = excluded.result, "               \
    "error_class = excluded.error_class, error = excluded.error, "           \
    "started_ms = CASE excluded.started_ms WHEN 0 THEN started_ms "          \
    "ELSE excluded.started_ms END, ended_ms = excluded.ended_ms, "          \
    "args = excluded.args, result_refs = excluded.result_refs"
#define STORE_JOURNAL_INTO                                                    \
    "journal(run, seq, node, item, action, kind, state, args, undo, "        \
    "resources, at_ms, updated_ms, args_refs)"
#define STORE_EVENT_INTO "events(run, seq, at_ms, kind, node, item, data)"

/* The writes a store queues while it defers (store_defer; store_batch.c):
 * ID, the values a queued row keeps, WHAT for messages, and the statement
 * that writes N rows at once: HEAD, ROW N times with commas between,
 * TAIL. Its first SHARED parameters are the same for every row; then
 * come WIDTH a row, bound in order (the single-row forms above bind the
 * same values). The changes of state are written by record, grouped by
 * run and state, with the time of the group's latest change: an UPDATE
 * of records listed with IN costs half what one joined with their rows
 * of values does. Batches are written in this order, so that an intent
 * is in before a change of its state. */
#define STORE_BATCHES(X)                                                      \
    X(VALUE, 2, 0, 2, "keep a value",                                         \
      "INSERT INTO value_objects(id, json) VALUES ", "(?, ?)", "")           \
    X(INTENT, 12, 0, 12, "journal an intent",                                 \
      "INSERT INTO " STORE_JOURNAL_INTO " VALUES ",                           \
      "(?, ?, ?, ?, ?, ?, 'intent', ?, ?, ?, ?, ?, ?)", "")                   \
    X(STATE, 4, 3, 1, "update the journal",                                   \
      "UPDATE journal SET state = ?, updated_ms = ? WHERE run = ? AND seq "   \
      "IN (", "?", ")")                                                       \
    X(AFTER, 3, 0, 3, "record an after-image",                                \
      "UPDATE journal SET after_image = v.column3 FROM (VALUES ",             \
      "(?, ?, ?)", ") AS v WHERE journal.run = v.column1 AND journal.seq = "  \
      "v.column2")                                                            \
    X(STEP, 12, 0, 12, "record a step",                                       \
      "INSERT INTO " STORE_STEP_INTO " VALUES ",                              \
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", STORE_STEP_UPSERT)              \
    X(EVENT, 7, 0, 7, "record an event",                                      \
      "INSERT INTO " STORE_EVENT_INTO " VALUES ", "(?, ?, ?, ?, ?, ?, ?)", "")  \
    X(CONTENT, 2, 0, 2, "record a drift baseline",                            \
      "INSERT OR IGNORE INTO baseline_objects(digest, content) VALUES ",      \
      "(?, ?)", "")                                                           \
    X(BASELINE, 5, 0, 5, "record a drift baseline",                           \
      "INSERT OR REPLACE INTO baseline_records(run, db, kind, name, digest) " \
      "VALUES ", "(?, ?, ?, ?, ?)", "")

typedef enum store_batch_id {
#define STORE_BATCH_ENUM(id, queued, shared, width, what, head, row, tail)   \
    STORE_BATCH_##id,
    STORE_BATCHES(STORE_BATCH_ENUM)
#undef STORE_BATCH_ENUM
    STORE_N_BATCHES
} store_batch_id_t;

/* A batch's statements write 1, 2, 4, ... STORE_BATCH_MAX rows. A batch
 * is handed to the writer thread once it holds STORE_BATCH_HANDOFF rows,
 * so that SQLite writes the first rows of a transaction while the loop
 * thread goes on with the steps; what is left is written just before the
 * commit. Without a writer thread, a batch is written by the loop thread
 * once it holds STORE_BATCH_MAX rows, or sooner. */
#define STORE_BATCH_SIZES 7
#define STORE_BATCH_MAX (1 << (STORE_BATCH_SIZES - 1))
#define STORE_BATCH_HANDOFF 8

/* One parameter of a queued row: NULL, an integer, text kept in the
 * text of its batch (offset I, LEN bytes), or a value V to be written as
 * JSON by whichever thread writes the batch (STORE_PARAM_JSON: the
 * entries of V that MASK names written null, store_values_json; then it
 * is SQLITE_TEXT). V is a reference the row holds, released by the loop
 * thread once the batch is written or dropped (a value is immutable once
 * shared and the writer thread only reads it: docs/state.md, "Writes in
 * batches"). */
#define STORE_PARAM_JSON 100
typedef struct store_param {
    int type;                       /* SQLITE_NULL, SQLITE_INTEGER, SQLITE_TEXT,
                                       STORE_PARAM_JSON */
    int64_t i;
    size_t len;
    val_t *v;                       /* a reference, or NULL */
    uint64_t mask;
} store_param_t;

typedef struct store_batch {
    store_param_t *params;          /* N rows of the batch's values */
    size_t n, cap;                  /* rows */
    strbuf_t text;                  /* their text */
} store_batch_t;

typedef struct store_writer store_writer_t;     /* store_batch.c */

/* Values kept once (store_values.c; docs/state.md, "value_objects"): an
 * entry of a step's result or of a journal record's arguments that is a
 * map whose JSON takes at least STORE_VALUE_MIN bytes is written to the
 * table value_objects under a new id, and its row names it there (the
 * column result_refs or args_refs) instead of holding it. The last
 * STORE_VALUE_RING such maps are remembered with a reference held: a
 * shared value never changes (interp_value.h), so the same map written
 * again (a step's result passed on as the next step's argument) is named
 * by its id without being written out again. Ids, not digests: rows
 * appended in the order of their ids touch the last page of the table
 * only, where a digest's index took a page at random per row (a sixth
 * more WAL bytes a commit). */
#define STORE_VALUE_MIN 256
#define STORE_VALUE_RING 64
typedef struct store_value_kept {
    val_t *v;                       /* a reference held; NULL: free */
    uint64_t txn;                   /* the transaction that queued its row */
    int64_t id;                     /* its row in value_objects */
} store_value_kept_t;

#define STORE_RUN_COLUMNS                                                     \
    "id, plan_path, plan_name, plan_digest, profile, params, options, "      \
    "state, error, host, pid, started_ms, ended_ms, parent"
#define STORE_JOURNAL_COLUMNS                                                 \
    "seq, node, item, action, kind, state, args, undo, resources, "          \
    "after_image, outcome"
/* STORE_JOURNAL_COLUMNS as store_journal_each reads them: a value column
 * its flags (?3, the STORE_EACH_* bits: 2 no args, 4 no values, 8 no
 * undo, 16 no resources, 32 no after) leave out is given as NULL, not
 * read, so that a pass over many records does not copy out (nor follow
 * the overflow pages of) the large columns it does not need (args holds
 * a step's whole arguments). */
#define STORE_JOURNAL_READ                                                    \
    "seq, node, item, action, kind, state, "                                 \
    "CASE WHEN ?3 & 6 THEN NULL ELSE args END AS args, "                     \
    "CASE WHEN ?3 & 12 THEN NULL ELSE undo END AS undo, "                    \
    "CASE WHEN ?3 & 20 THEN NULL ELSE resources END AS resources, "          \
    "CASE WHEN ?3 & 36 THEN NULL ELSE after_image END AS after_image, "      \
    "CASE WHEN ?3 & 12 THEN NULL ELSE outcome END AS outcome, "              \
    "CASE WHEN ?3 & 6 THEN NULL ELSE args_refs END AS args_refs"
#define STORE_AUDIT_COLUMNS                                                   \
    "seq, at_ms, user, host, pid, action, run, plan_digest, config_digest, " \
    "detail, outcome, key_id, prev, hash"
#define STORE_CHECKPOINT_COLUMNS                                              \
    "name, node, item, seq, digest, resources, at_ms"

/* The names of each state table, and how many there are. */
#define STORE_COUNT_ROW(e, s) +1
enum {
    STORE_N_RUN_STATES = 0 STORE_RUN_STATES(STORE_COUNT_ROW),
    STORE_N_STEP_STATES = 0 STORE_STEP_STATES(STORE_COUNT_ROW),
    STORE_N_JOURNAL_KINDS = 0 STORE_JOURNAL_KINDS(STORE_COUNT_ROW),
    STORE_N_JOURNAL_STATES = 0 STORE_JOURNAL_STATES(STORE_COUNT_ROW),
};
#undef STORE_COUNT_ROW
extern const char *const store_run_state_names[STORE_N_RUN_STATES];
extern const char *const store_step_state_names[STORE_N_STEP_STATES];
extern const char *const store_journal_kind_names[STORE_N_JOURNAL_KINDS];
extern const char *const store_journal_state_names[STORE_N_JOURNAL_STATES];
/* The index of TEXT among the N NAMES, or -1 (NULL TEXT: -1). */
int store_name_find(const char *const *names, int n, const char *text);

typedef enum store_stmt_id {
#define STORE_STMT_ENUM(id, sql) STORE_SQL_##id,
    STORE_STMTS(STORE_STMT_ENUM)
#undef STORE_STMT_ENUM
    STORE_SQL_COUNT
} store_stmt_id_t;

/* The JSON buffers a write may fill at once (a journal record's args,
 * undo and resources), kept between calls so a write allocates nothing
 * once they have grown. */
#define STORE_JSON_SLOTS 3

/* A run's next free position (SEQ) in the journal or the events, read
 * once per transaction and then counted in memory: the open transaction
 * holds the database's write lock, so nobody else can take a position
 * meanwhile. Valid while TXN is the store's current transaction and RUN
 * the run asked for. (Asking SQLite for the position in the INSERT, with
 * RETURNING, cost an ephemeral table per row: a third of a journaled
 * step's time.) */
typedef struct store_seq {
    uint64_t txn;                   /* 0: never read */
    int64_t run, next;
} store_seq_t;

struct store {
    sqlite3 *db;
    char *path;
    unsigned flags;
    int version;                    /* the schema version, once open */
    store_durability_t durability;
    bool in_txn;                    /* a BEGIN IMMEDIATE is open */
    uint64_t txn;                   /* counts the transactions begun */
    store_seq_t journal_seq, event_seq;
    /* Deferred writes (store_batch.c): queued rows, their text, and the
     * multi-row statements, prepared on first use. */
    bool defer;
    bool hold_queue;                /* store_stmt leaves the queued rows
                                       (they are being written, or a read
                                       cannot depend on them) */
    size_t n_queued;                /* rows queued, all batches */
    store_batch_t batch[STORE_N_BATCHES];
    sqlite3_stmt *batch_stmt[STORE_N_BATCHES][STORE_BATCH_SIZES];
    /* The writer thread, made at the first batch handed to it (NULL:
     * none, or none could be made); JOB_OUT: it holds batches (and the
     * connection) until store_batch_drain takes them back. Only the loop
     * thread reads or changes anything else in this struct. */
    store_writer_t *writer;
    bool job_out, no_writer;
    /* The maps kept in value_objects lately (store_values.c), and the
     * last transaction committed: a map whose row was queued in a
     * transaction rolled back since is not named again. */
    store_value_kept_t kept[STORE_VALUE_RING];
    size_t kept_next;
    store_seq_t value_seq;          /* the next id in value_objects */
    uint64_t committed_txn;
    /* Statements stepped row by row for a *_each walk: while one is, the
     * connection stays with the loop thread (batches are written here). */
    int iterating;
    mig_status_t sticky;            /* MIG_OK, or the error every write
                                       returns from now on */
    /* The commits of effects made before the next commit
     * (store_defer_commit). */
    mig_status_t (*commit_hooks[STORE_COMMIT_HOOKS])(char **why);
    size_t n_commit_hooks;
    /* The identity of the file opened (st_dev, st_ino), checked at every
     * commit and heartbeat (store_check_file). */
    uint64_t file_dev, file_ino;
    bool full;                      /* failed with SQLITE_FULL */
    char *reserve;                  /* the reserve file made at open, or
                                       NULL (store_use_reserve) */
    int64_t max_pages;              /* test builds: MIG_STORE_MAX_PAGES */
    int64_t full_after, commits;    /* test builds: MIG_STORE_FULL_AFTER */
    store_commits_t commit_stats;   /* store_commit_stats */
    diag_list_t diags;
    sqlite3_stmt *stmt[STORE_SQL_COUNT];
    strbuf_t json[STORE_JSON_SLOTS];
    char *fence_resource;           /* store_fence; NULL: no check */
    int64_t fence;
    int64_t fence_run;              /* the run that took it, when known */
    /* What store_checkpoint_get last handed out (owned until its next
     * call or store_close). */
    char *cp_text[4];
    val_t *cp_resources;
};

/* The cached statement ID, prepared on first use and reset for reuse;
 * NULL when it could not be prepared (reported to the store's
 * diagnostics: on MIG_ENOMEM or MIG_EIO the store is failed). When the
 * cached one is in use by a caller further up the stack (a callback of
 * store_*_each calling the same kind of read), *FRESH is set and a new
 * statement is returned that the caller must finalize. */
sqlite3_stmt *store_stmt(store_t *s, store_stmt_id_t id, bool *fresh);
/* Gives back a statement from store_stmt: resets it, or finalizes it
 * when it was FRESH. */
void store_stmt_done(sqlite3_stmt *q, bool fresh);
/* Reports that sqlite call RC failed while doing WHAT ("journal an
 * intent"), naming the store's path and sqlite's message, and returns its
 * status: MIG_EINVALID for a constraint (the transaction goes on),
 * MIG_ENOMEM or MIG_EIO otherwise, which roll the transaction back and
 * fail the store (sticky). */
mig_status_t store_sql_fail(store_t *s, int rc, const char *what);
/* store_sql_fail with the message MSG instead of sqlite's last one (a
 * failure mig makes itself: the tests' full disk). */
mig_status_t store_sql_fail_msg(store_t *s, int rc, const char *what,
                                const char *msg);
/* Fails S for good with ST (not MIG_OK), which every later write
 * returns (sticky): what was queued is dropped (the writer thread waited
 * for first) and the open transaction rolled back; the caller has
 * reported why. Returns ST. */
mig_status_t store_fail(store_t *s, mig_status_t st);
/* Only the report of store_sql_fail, with sqlite's message MSG (NULL:
 * out of memory), and the status it stands for. */
mig_status_t store_sql_report(store_t *s, int rc, const char *what,
                              const char *msg);
/* Runs the cached statement ID, which takes no parameters, to its end;
 * failures are reported as doing WHAT. */
mig_status_t store_exec(store_t *s, store_stmt_id_t id, const char *what);

/* Records the identity of S's file (at open). MIG_OK, or MIG_EIO
 * reported. */
mig_status_t store_note_file(store_t *s, diag_list_t *diags);
/* Whether S's path still names the file it opened (checked as each
 * transaction begins and before it commits): deleted or replaced
 * (a new file made in its place) fails the store for good (MIG_EIO,
 * reported), since what is written would go to a file nobody reads. */
mig_status_t store_check_file(store_t *s);

/* How long a write waits for another connection's write transaction
 * before it fails with SQLITE_BUSY. */
#define STORE_BUSY_MS 5000


/* ---- the shape of every write ------------------------------------------ */

/* The position a new row of RUN takes in the table counted by C, whose
 * highest position the statement LAST reads (its ?1 bound to RUN); for a
 * write inside the open transaction. MIG_OK with *SEQ set, or the
 * failure of the read (reported). The position is taken by
 * store_seq_taken once the row is queued or in. */
mig_status_t store_seq_next(store_t *s, store_seq_t *c, store_stmt_id_t last,
                            int64_t run, int64_t *seq);
/* Row SEQ of C's run was written: the next one takes the position after. */
void store_seq_taken(store_seq_t *c, int64_t seq);

/* Opens the transaction a write joins when none is open: BEGIN IMMEDIATE,
 * then (FENCED, and a fence set) the fence check, which fails the store
 * for good (MIG_EINVALID, "lost its lock") when the lock has another
 * fence now. Fails at once when the store has failed before, or was
 * opened read-only. WHAT names the write in messages. */
mig_status_t store_write_begin(store_t *s, const char *what, bool fenced);
/* store_write_begin (fenced), then the cached statement ID for the
 * caller to bind; NULL with *ST set when either failed. */
sqlite3_stmt *store_write_prepare(store_t *s, store_stmt_id_t id,
                                  const char *what, bool *fresh,
                                  mig_status_t *st);
/* Runs the bound statement Q; *ROWVAL (may be NULL) gets column 0 of a
 * RETURNING row. Reports a failure as doing WHAT. */
mig_status_t store_write_step(store_t *s, sqlite3_stmt *q, bool fresh,
                              const char *what, int64_t *rowval);
/* Ends a write that returned ST: with STORE_DURABLE_FULL, commits. */
mig_status_t store_write_end(store_t *s, mig_status_t st);
/* Binds TEXT (borrowed until Q has run), or SQL NULL for NULL. */
void store_bind_str(sqlite3_stmt *q, int col, const char *text);
/* Appends an event in the open transaction, without store_write_end;
 * DATA is written into the JSON buffer SLOT. */
mig_status_t store_event_write(store_t *s, int64_t run, const char *kind,
                               const char *node, const char *item,
                               const val_t *data, int slot);
/* Reports that RESOURCE's lock no longer carries FENCE, saying who holds
 * it now. */
void store_lost_lock(store_t *s, const char *resource, int64_t fence);
/* Frees what store_checkpoint_get handed out last. */
void store_checkpoint_hold_clear(store_t *s);

/* Seconds on a monotonic clock, and the commit that took SECS counted
 * in S's store_commit_stats (store_metrics.c). */
double store_clock_s(void);
void store_commit_timed(store_t *s, double secs);

/* ---- deferred writes (store_batch.c) ------------------------------------ */

/* Queue a row of each kind in the open transaction (the caller has begun
 * the write); the arguments are those of the single-row write. MIG_OK,
 * or MIG_ENOMEM (reported; nothing queued), or the failure of writing
 * the batches when this row filled one. */
mig_status_t store_batch_intent(store_t *s, int64_t run, int64_t seq,
                                const store_journal_t *rec, int64_t at_ms);
mig_status_t store_batch_state(store_t *s, int64_t run, int64_t seq,
                               store_journal_state_t state, int64_t at_ms);
mig_status_t store_batch_after(store_t *s, int64_t run, int64_t seq,
                               const val_t *after);
mig_status_t store_batch_step(store_t *s, int64_t run,
                              const store_step_t *st);
mig_status_t store_batch_event(store_t *s, int64_t run, int64_t seq,
                               int64_t at_ms, const char *kind,
                               const char *node, const char *item,
                               const val_t *data);
mig_status_t store_batch_baseline(store_t *s, int64_t run, const char *db,
                                  const store_baseline_t *rec);
mig_status_t store_batch_content(store_t *s, const char *hex, const char *text,
                                 size_t len);
/* Queues the row of value_objects keeping V (a reference taken; written
 * as JSON with the batch) as ID; unlike the rows above it never hands the
 * batches over (the caller is in the middle of a row that names it).
 * MIG_OK or MIG_ENOMEM. */
mig_status_t store_batch_value(store_t *s, int64_t id, const val_t *v);
/* Waits for the writer thread, then writes every queued row, batch by
 * batch. A failure (the writer's too) is reported as the queued write's
 * (WHAT of its batch), rolls the transaction back and fails the store:
 * the callers were told their writes were taken. */
mig_status_t store_batch_drain(store_t *s);
/* Waits for the writer thread and forgets the queued rows and its (their
 * transaction was rolled back). */
void store_batch_discard(store_t *s);
/* Frees the batches and their statements (store_close). */
void store_batch_free(store_t *s);

/* ---- values kept once (store_values.c) -------------------------------- */

/* Which entries of V (not NULL) are kept in value_objects: when V is a
 * map, each of its first 64 entries that is a map of at least
 * STORE_VALUE_MIN in size (val_size) is kept (a row queued with
 * store_batch_value, unless it was kept lately), its bit set in *MASK
 * and its name and id added to REFS as a JSON object's entry (REFS is
 * left empty when there is none). On the loop thread, while the store
 * defers, inside the open transaction. MIG_OK or MIG_ENOMEM (reported). */
mig_status_t store_values_plan(store_t *s, const val_t *v, uint64_t *mask,
                               strbuf_t *refs);
/* Writes V as JSON at the end of OUT, SEALED as bind_json writes it, the
 * entries MASK names (store_values_plan) as null. Reads V only: called
 * by the writer thread on values the rows hold. */
void store_values_json(const val_t *v, uint64_t mask, strbuf_t *out);
/* The open transaction is being rolled back: the maps it kept are
 * forgotten (their rows go with it). */
void store_values_rolled_back(store_t *s);
/* The maps kept lately forgotten, their references released (the store
 * closes). */
void store_values_forget(store_t *s);
/* Reads column COL of Q as store_column_value does, then puts back in it
 * each entry that column REFS (a JSON object name -> id, or NULL)
 * says was kept in value_objects. MIG_EIO (reported: the store is
 * damaged) when a named value is not there. */
mig_status_t store_column_refs(store_t *s, sqlite3_stmt *q, int col,
                               int refs, val_t **out);

/* ---- reading ----------------------------------------------------------- */

/* One integer from the cached statement ID with parameter A (when
 * BIND); 0 when it fails (reported to the store's diagnostics). */
int64_t store_read_int(store_t *s, store_stmt_id_t id, bool bind, int64_t a);

/* Reads the JSON text in column COL of Q into *OUT (NULL for SQL NULL);
 * MIG_EIO (reported: the store is damaged) or MIG_ENOMEM. */
mig_status_t store_column_value(store_t *s, sqlite3_stmt *q, int col,
                                val_t **out);
/* The text of column COL, or NULL for SQL NULL (borrowed until the next
 * step of Q). */
const char *store_column_text(sqlite3_stmt *q, int col);
/* Reads the lock on RESOURCE into *L (strings copied; run 0, pid 0 and
 * host NULL when it is free): MIG_OK with *FOUND set (false: no row), or
 * a failure (reported). */
mig_status_t store_lock_read(store_t *s, const char *resource,
                             store_lock_t *l, bool *found);
/* Writes MS (Unix milliseconds) as UTC ISO-8601, "2024-05-01T12:00:00Z". */
void store_iso_time(int64_t ms, char buf[32]);

#endif
