/* store.c: the state store's SQLite backend, its writing half: the
 * statement cache and error reporting, the grouped transactions with their
 * fence check, and the writes of runs, steps, the journal, checkpoints,
 * events and counters. Opening is in store_open.c, locks in store_lock.c,
 * reads in store_query.c; all their SQL is in store_int.h, and
 * docs/state.md describes the file. */
#include "store_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---- names ------------------------------------------------------------- */

#define NAME_ROW(e, s) s,
const char *const store_run_state_names[STORE_N_RUN_STATES] = {
    STORE_RUN_STATES(NAME_ROW)
};
const char *const store_step_state_names[STORE_N_STEP_STATES] = {
    STORE_STEP_STATES(NAME_ROW)
};
const char *const store_journal_kind_names[STORE_N_JOURNAL_KINDS] = {
    STORE_JOURNAL_KINDS(NAME_ROW)
};
const char *const store_journal_state_names[STORE_N_JOURNAL_STATES] = {
    STORE_JOURNAL_STATES(NAME_ROW)
};
#undef NAME_ROW

static const char *name_of(const char *const *names, int n, unsigned i)
{
    return i < (unsigned)n ? names[i] : "?";
}

int store_name_find(const char *const *names, int n, const char *text)
{
    for (int i = 0; text && i < n; i++)
        if (strcmp(names[i], text) == 0)
            return i;
    return -1;
}

const char *store_run_state_name(store_run_state_t st)
{
    return name_of(store_run_state_names, STORE_N_RUN_STATES, st);
}

const char *store_step_state_name(store_step_state_t st)
{
    return name_of(store_step_state_names, STORE_N_STEP_STATES, st);
}

const char *store_journal_kind_name(store_journal_kind_t k)
{
    return name_of(store_journal_kind_names, STORE_N_JOURNAL_KINDS, k);
}

const char *store_journal_state_name(store_journal_state_t st)
{
    return name_of(store_journal_state_names, STORE_N_JOURNAL_STATES, st);
}

/* ---- time -------------------------------------------------------------- */

int64_t store_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void store_iso_time(int64_t ms, char buf[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, 32, "%" PRId64 "ms", ms);
}

/* ---- statements and errors --------------------------------------------- */

static const char *const stmt_sql[] = {
#define STORE_STMT_TEXT(id, sql) sql,
    STORE_STMTS(STORE_STMT_TEXT)
#undef STORE_STMT_TEXT
};

/* Hints for the errors a person can do something about. */
static const struct { int code; const char *hint; } sql_hints[] = {
    { SQLITE_FULL, "free some disk space, then see `mig status` (a run that "
                   "fills its disk stops going forward; its `on failure` "
                   "block still runs, on the space mig keeps in reserve)" },
    { SQLITE_READONLY, "check the permissions of the store and its "
                       "directory" },
    { SQLITE_CORRUPT, STORE_DAMAGED_HINT },
    { SQLITE_NOTADB, STORE_DAMAGED_HINT },
};

/* The hint of a store another connection kept in a write transaction
 * for longer than the busy timeout: who holds a lock (a reader sees the
 * lock rows meanwhile, in WAL mode), whether that process is stopped, and
 * what to do. */
static void busy_hint(store_t *s, diag_list_t *l, diag_t *d)
{
    sqlite3_stmt *q = NULL;
    int64_t run = 0, pid = 0;
    char host[256] = "";
    if (sqlite3_prepare_v2(s->db, stmt_sql[STORE_SQL_LOCK_HOLDERS], -1, &q,
                           NULL) == SQLITE_OK
        && sqlite3_step(q) == SQLITE_ROW) {
        run = sqlite3_column_int64(q, 0);
        pid = sqlite3_column_int64(q, 1);
        const char *h = (const char *)sqlite3_column_text(q, 2);
        snprintf(host, sizeof host, "%s", h ? h : "?");
    }
    sqlite3_finalize(q);
    if (!run) {
        diag_hint(l, d, "another process has kept the state store in a write "
                  "transaction for more than %d seconds, and no run holds a "
                  "lock: find it with `fuser %s` and let it end",
                  STORE_BUSY_MS / 1000, s->path);
    } else if (store_process_stopped(pid, host)) {
        diag_hint(l, d, "run %" PRId64 "'s process (pid %" PRId64 " on %s) is "
                  "stopped in the middle of a write: continue it with `kill "
                  "-CONT %" PRId64 "`, or end it with `kill %" PRId64 "` and "
                  "then try again", run, pid, host, pid, pid);
    } else {
        diag_hint(l, d, "run %" PRId64 "'s process (pid %" PRId64 " on %s) "
                  "has kept the state store in a write transaction for more "
                  "than %d seconds: if it hangs, end it with `kill %" PRId64
                  "` and then try again", run, pid, host,
                  STORE_BUSY_MS / 1000, pid);
    }
}

mig_status_t store_sql_report(store_t *s, int rc, const char *what,
                              const char *msg)
{
    int code = rc & 0xff;
    bool damaged = code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
    if (code == SQLITE_FULL)
        s->full = true;     /* store_full, once the store has failed */
    diag_t *d = damaged
        ? diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "the state store '%s' "
                   "is damaged: cannot %s (%s)", s->path, what,
                   msg ? msg : "?")
        : diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "cannot %s in '%s': %s",
                   what, s->path, msg ? msg : "out of memory");
    for (size_t i = 0; i < sizeof(sql_hints) / sizeof(sql_hints[0]); i++)
        if (sql_hints[i].code == code)
            diag_hint(&s->diags, d, "%s", sql_hints[i].hint);
    if (code == SQLITE_BUSY)
        busy_hint(s, &s->diags, d);
    return code == SQLITE_CONSTRAINT ? MIG_EINVALID
         : code == SQLITE_NOMEM ? MIG_ENOMEM : MIG_EIO;
}

mig_status_t store_sql_fail(store_t *s, int rc, const char *what)
{
    return store_sql_fail_msg(s, rc, what, sqlite3_errmsg(s->db));
}

mig_status_t store_sql_fail_msg(store_t *s, int rc, const char *what,
                                const char *msg)
{
    mig_status_t st = store_sql_report(s, rc, what, msg);
    if (st == MIG_EINVALID)
        return st;      /* the statement was undone; the transaction goes on */
    return store_fail(s, st);
}

mig_status_t store_fail(store_t *s, mig_status_t st)
{
    store_batch_discard(s);     /* waits for the writer thread first */
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_txn = false;
    s->sticky = st;
    return st;
}

sqlite3_stmt *store_stmt(store_t *s, store_stmt_id_t id, bool *fresh)
{
    *fresh = false;
    /* Queued rows go in before anything else runs, so that every read
     * sees them and writes keep their order; a rollback drops them. The
     * writer thread, if it is writing batches, is waited for first: the
     * connection is used by one thread at a time. */
    if ((s->n_queued || s->job_out) && id == STORE_SQL_ROLLBACK)
        store_batch_discard(s);
    else if ((s->n_queued || s->job_out) && store_batch_drain(s) != MIG_OK)
        return NULL;
    sqlite3_stmt *q = s->stmt[id];
    if (q && !sqlite3_stmt_busy(q))
        return q;
    sqlite3_stmt *made = NULL;
    int rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1,
                                q ? 0 : SQLITE_PREPARE_PERSISTENT, &made, NULL);
    if (rc != SQLITE_OK) {
        store_sql_fail(s, rc, "prepare a statement");
        sqlite3_finalize(made);
        return NULL;
    }
    if (q)
        *fresh = true;
    else
        s->stmt[id] = made;
    return made;
}

void store_stmt_done(sqlite3_stmt *q, bool fresh)
{
    if (fresh)
        sqlite3_finalize(q);
    else if (q)
        sqlite3_reset(q);
}

/* Steps Q (prepared by store_stmt) to its end, then gives it back; the
 * first row's integer column 0 goes to *ROWVAL when asked. SQLITE_DONE or
 * the error. */
static int step_once(sqlite3_stmt *q, bool fresh, int64_t *rowval)
{
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        if (rowval)
            *rowval = sqlite3_column_int64(q, 0);
        rc = SQLITE_DONE;
    }
    if (rc != SQLITE_DONE) {
        /* The statement's error is what sqlite3_errmsg says until the
         * next call; store_sql_fail reads it before it is reset. */
        return rc;
    }
    store_stmt_done(q, fresh);
    return rc;
}

mig_status_t store_exec(store_t *s, store_stmt_id_t id, const char *what)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, id, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    int rc = step_once(q, fresh, NULL);
    if (rc == SQLITE_DONE)
        return MIG_OK;
    mig_status_t st = store_sql_fail(s, rc, what);
    store_stmt_done(q, fresh);
    return st;
}

/* Finishes a statement that failed with RC while doing WHAT. */
static mig_status_t stmt_fail(store_t *s, sqlite3_stmt *q, bool fresh, int rc,
                              const char *what)
{
    mig_status_t st = store_sql_fail(s, rc, what);
    store_stmt_done(q, fresh);
    return st;
}

/* ---- transactions ------------------------------------------------------ */

void store_lost_lock(store_t *s, const char *resource, int64_t fence)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_LOCK_GET, &fresh);
    if (!q)
        return;
    sqlite3_bind_text(q, 1, resource, -1, SQLITE_STATIC);
    diag_t *d;
    if (sqlite3_step(q) != SQLITE_ROW) {
        d = diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "lost its lock on %s "
                     "(fence %" PRId64 "): the lock is gone", resource, fence);
    } else if (sqlite3_column_type(q, 1) == SQLITE_NULL) {
        d = diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "lost its lock on %s "
                     "(fence %" PRId64 "): the lock was released", resource,
                     fence);
    } else {
        char at[32];
        store_iso_time(sqlite3_column_int64(q, 4), at);
        const char *host = store_column_text(q, 3);
        d = diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "lost its lock on %s: "
                     "run %" PRId64 " (pid %" PRId64 " on %s) took it over at "
                     "%s", resource, (int64_t)sqlite3_column_int64(q, 1),
                     (int64_t)sqlite3_column_int64(q, 2), host ? host : "?",
                     at);
    }
    diag_hint(&s->diags, d, "this run stopped writing; the run that holds the "
              "lock now decides what happens next");
    store_stmt_done(q, fresh);
}

/* Whether the lock the store is fenced on still carries its fence. */
static mig_status_t check_fence(store_t *s)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_LOCK_GET, &fresh);
    if (!q)
        return s->sticky;
    sqlite3_bind_text(q, 1, s->fence_resource, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return stmt_fail(s, q, fresh, rc, "check the lock");
    bool held = rc == SQLITE_ROW && sqlite3_column_type(q, 1) != SQLITE_NULL
                && sqlite3_column_int64(q, 7) == s->fence;
    store_stmt_done(q, fresh);
    if (held)
        return MIG_OK;
    store_lost_lock(s, s->fence_resource, s->fence);
    return store_fail(s, MIG_EINVALID);
}

mig_status_t store_note_file(store_t *s, diag_list_t *diags)
{
    struct stat st;
    if (stat(s->path, &st) != 0) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot open the state store "
                 "'%s': %s", s->path, strerror(errno));
        return MIG_EIO;
    }
    s->file_dev = (uint64_t)st.st_dev;
    s->file_ino = (uint64_t)st.st_ino;
    return MIG_OK;
}

mig_status_t store_check_file(store_t *s)
{
    struct stat st;
    bool gone = stat(s->path, &st) != 0;
    if (!gone && (uint64_t)st.st_dev == s->file_dev
        && (uint64_t)st.st_ino == s->file_ino)
        return MIG_OK;
    diag_t *d = diag_add(&s->diags, DIAG_ERROR, NULL, NULL, gone
                         ? "the state store '%s' was deleted while in use "
                           "(%s): its journal is lost"
                         : "the state store '%s' was replaced by another "
                           "file while in use%s: its journal is not there",
                         s->path, gone ? strerror(errno) : "");
    diag_hint(&s->diags, d, "stopped before changing anything more; never "
              "delete or replace .mig/ while a command uses it. The changes "
              "made so far cannot be rolled back by mig");
    return store_fail(s, MIG_EIO);
}

/* Opens the transaction a write joins, when none is open: BEGIN
 * IMMEDIATE, then (FENCED and a fence set) the fence check. Fails fast
 * when the store has failed before. */
mig_status_t store_write_begin(store_t *s, const char *what, bool fenced)
{
    if (s->sticky)
        return s->sticky;
    if (s->flags & STORE_READONLY) {
        diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "cannot %s in '%s': it "
                 "was opened read-only", what, s->path);
        return MIG_EINVALID;
    }
    if (s->in_txn)
        return MIG_OK;
    mig_status_t st = store_check_file(s);
    if (st == MIG_OK)
        st = store_exec(s, STORE_SQL_BEGIN, what);
    if (st != MIG_OK)
        return st;
    s->in_txn = true;
    s->txn++;
    return fenced && s->fence_resource ? check_fence(s) : MIG_OK;
}

/* Ends a write that returned ST: with STORE_DURABLE_FULL it commits. */
mig_status_t store_write_end(store_t *s, mig_status_t st)
{
    if (st == MIG_OK && s->durability == STORE_DURABLE_FULL)
        return store_flush(s);
    return st;
}

/* Calls the commits effects left for this one (store_defer_commit);
 * when one fails, fails S as a failed commit does. */
static mig_status_t commit_effects(store_t *s)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; i < s->n_commit_hooks; i++) {
        char *why = NULL;
        if (s->commit_hooks[i](&why) != MIG_OK && st == MIG_OK) {
            diag_t *d = diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "cannot "
                                 "commit what the steps since the journal's "
                                 "last commit changed: %s", why ? why
                                 : "out of memory");
            diag_hint(&s->diags, d, "their journal records stay pending, "
                      "as after a crash: `mig resume` runs them again, "
                      "`mig rollback` undoes them");
            st = MIG_EIO;
        }
        free(why);
    }
    s->n_commit_hooks = 0;
    return st == MIG_OK ? MIG_OK : store_fail(s, st);
}

bool store_defer_commit(store_t *s, mig_status_t (*fn)(char **why))
{
    for (size_t i = 0; i < s->n_commit_hooks; i++)
        if (s->commit_hooks[i] == fn)
            return true;
    if (s->n_commit_hooks == STORE_COMMIT_HOOKS)
        return false;
    s->commit_hooks[s->n_commit_hooks++] = fn;
    return true;
}

mig_status_t store_flush(store_t *s)
{
    if (s->sticky)
        return s->sticky;
    if (!s->in_txn && !s->n_commit_hooks)
        return MIG_OK;
    double t0 = store_clock_s();
    /* The effects first: the journal may then say they were made. */
    if (s->n_commit_hooks && commit_effects(s) != MIG_OK)
        return s->sticky;
    if (!s->in_txn)
        return MIG_OK;
    mig_status_t st = store_batch_drain(s);
    if (st == MIG_OK)
        st = store_check_file(s);
#ifdef MIG_FAULT_HOOKS
    /* A disk that fills at a given commit, for the tests: the commit after
     * the first full_after ones fails as a full disk would. */
    if (st == MIG_OK && s->full_after > 0 && ++s->commits > s->full_after)
        return store_sql_fail_msg(s, SQLITE_FULL, "commit",
                                  sqlite3_errstr(SQLITE_FULL));
#endif
    if (st == MIG_OK)
        st = store_exec(s, STORE_SQL_COMMIT, "commit");
    if (st == MIG_OK) {
        s->in_txn = false;
        store_commit_timed(s, store_clock_s() - t0);
    }
    return st;
}

bool store_pending(const store_t *s)
{
    return s->in_txn;
}

bool store_defer(store_t *s, bool on)
{
    bool was = s->defer;
    s->defer = on;
    return was;
}

diag_list_t *store_diags(store_t *s)
{
    return &s->diags;
}

mig_status_t store_failure(const store_t *s)
{
    return s->sticky;
}

bool store_full(const store_t *s)
{
    return s->sticky && s->full;
}

int store_schema_version(store_t *s)
{
    return s->version;
}

/* ---- binding ----------------------------------------------------------- */

void store_bind_str(sqlite3_stmt *q, int col, const char *text)
{
    if (text)
        sqlite3_bind_text(q, col, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, col);
}

/* Binds V as JSON text (SQL NULL for no value), written into the store's
 * buffer SLOT, which must stay untouched until Q has run. A secret is
 * written sealed: its recipe, never its bytes (docs/state.md, "Values"). */
static mig_status_t bind_json(store_t *s, sqlite3_stmt *q, int col, int slot,
                              const val_t *v)
{
    if (!v) {
        sqlite3_bind_null(q, col);
        return MIG_OK;
    }
    strbuf_t *b = &s->json[slot];
    b->len = 0;
    if (val_to_json(v, b, VAL_JSON_SEALED) != MIG_OK || b->oom || !b->data) {
        strbuf_free(b);
        diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "out of memory writing "
                 "to '%s'", s->path);
        return MIG_ENOMEM;
    }
    /* A text longer than SQLite takes fails the write (SQLITE_TOOBIG): the
     * column left unbound would be written as NULL, a value lost. */
    int rc = sqlite3_bind_text64(q, col, b->data, b->len, SQLITE_STATIC,
                                 SQLITE_UTF8);
    return rc == SQLITE_OK ? MIG_OK : store_sql_fail(s, rc, "write a value");
}

/* ---- positions ---------------------------------------------------------- */

/* The position a new row of RUN takes in the table counted by C, whose
 * highest position the statement LAST reads; for a write inside the open
 * transaction. MIG_OK with *SEQ set, or the failure of the read
 * (reported). The position is taken by seq_taken once the row is in. */
static mig_status_t seq_next(store_t *s, store_seq_t *c, store_stmt_id_t last,
                             int64_t run, int64_t *seq)
{
    if (c->txn != s->txn || c->run != run) {
        /* First in the transaction, no row of C's table can be queued
         * (each would have set C): the read need not write the queued
         * rows of other tables first, which would break their batch. */
        bool hold = s->hold_queue;
        s->hold_queue = hold || c->txn != s->txn;
        int64_t high = store_read_int(s, last, true, run);
        s->hold_queue = hold;
        if (s->sticky)
            return s->sticky;
        *c = (store_seq_t){ .txn = s->txn, .run = run, .next = high + 1 };
    }
    *seq = c->next;
    return MIG_OK;
}

/* Row SEQ of C's run was written: the next one takes the position after. */
static void seq_taken(store_seq_t *c, int64_t seq)
{
    c->next = seq + 1;
}

/* ---- runs, steps, journal, checkpoints, events, counters --------------- */

sqlite3_stmt *store_write_prepare(store_t *s, store_stmt_id_t id,
                                  const char *what, bool *fresh,
                                  mig_status_t *st)
{
    *st = store_write_begin(s, what, true);
    if (*st != MIG_OK)
        return NULL;
    sqlite3_stmt *q = store_stmt(s, id, fresh);
    if (!q)
        *st = s->sticky ? s->sticky : MIG_EIO;
    return q;
}

mig_status_t store_write_step(store_t *s, sqlite3_stmt *q, bool fresh,
                              const char *what, int64_t *rowval)
{
    int rc = step_once(q, fresh, rowval);
    return rc == SQLITE_DONE ? MIG_OK : stmt_fail(s, q, fresh, rc, what);
}

/* The end of an UPDATE of one row of RUN (SEQ > 0: its journal record
 * SEQ): no row changed means there is no such row. */
static mig_status_t one_row(store_t *s, mig_status_t st, int64_t run,
                            int64_t seq)
{
    if (st == MIG_OK && sqlite3_changes(s->db) == 0) {
        if (seq > 0)
            diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "run %" PRId64 " has "
                     "no journal record %" PRId64, run, seq);
        else
            diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "no run %" PRId64,
                     run);
        st = MIG_EINVALID;
    }
    return store_write_end(s, st);
}

mig_status_t store_run_create(store_t *s, const store_run_t *r, int64_t *id)
{
    static const char what[] = "record a new run";
    bool fresh;
    mig_status_t st;
    *id = 0;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_RUN_INSERT, what, &fresh, &st);
    if (!q)
        return st;
    store_bind_str(q, 1, r->plan_path);
    store_bind_str(q, 2, r->plan_name);
    store_bind_str(q, 3, r->plan_digest);
    store_bind_str(q, 4, r->profile);
    if ((st = bind_json(s, q, 5, 0, r->params)) != MIG_OK
        || (st = bind_json(s, q, 6, 1, r->options)) != MIG_OK) {
        store_stmt_done(q, fresh);
        return st;
    }
    store_bind_str(q, 7, r->host);
    sqlite3_bind_int64(q, 8, r->pid);
    sqlite3_bind_int64(q, 9, r->started_ms ? r->started_ms : store_now_ms());
    if (r->parent)
        sqlite3_bind_int64(q, 10, r->parent);
    else
        sqlite3_bind_null(q, 10);
    st = store_write_step(s, q, fresh, what, NULL);
    if (st == MIG_OK)
        *id = sqlite3_last_insert_rowid(s->db);
    return store_write_end(s, st);
}

mig_status_t store_run_finish(store_t *s, int64_t id, store_run_state_t state,
                              const char *error)
{
    static const char what[] = "record the end of a run";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_RUN_FINISH, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, id);
    store_bind_str(q, 2, store_run_state_name(state));
    store_bind_str(q, 3, error);
    sqlite3_bind_int64(q, 4, store_now_ms());
    st = store_write_step(s, q, fresh, what, NULL);
    return one_row(s, st, id, 0);
}

mig_status_t store_run_reopen(store_t *s, int64_t id, int64_t pid,
                              const char *host)
{
    static const char what[] = "reopen a run";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_RUN_REOPEN, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, pid);
    store_bind_str(q, 3, host);
    st = store_write_step(s, q, fresh, what, NULL);
    return one_row(s, st, id, 0);
}

mig_status_t store_step_put(store_t *s, int64_t run, const store_step_t *stp)
{
    static const char what[] = "record a step";
    bool fresh;
    mig_status_t st;
    if (s->defer) {
        st = store_write_begin(s, what, true);
        return store_write_end(s, st == MIG_OK ? store_batch_step(s, run, stp)
                                               : st);
    }
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_STEP_PUT, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, run);
    store_bind_str(q, 2, stp->node);
    store_bind_str(q, 3, stp->item ? stp->item : "");
    store_bind_str(q, 4, store_step_state_name(stp->state));
    sqlite3_bind_int64(q, 5, stp->attempts);
    if ((st = bind_json(s, q, 6, 0, stp->result)) != MIG_OK) {
        store_stmt_done(q, fresh);
        return st;
    }
    store_bind_str(q, 7, stp->error_class);
    store_bind_str(q, 8, stp->error);
    sqlite3_bind_int64(q, 9, stp->started_ms);
    sqlite3_bind_int64(q, 10, stp->ended_ms);
    if ((st = bind_json(s, q, 11, 1, stp->state == STORE_STEP_FAILED
                                     ? stp->args : NULL)) != MIG_OK) {
        store_stmt_done(q, fresh);
        return st;
    }
    return store_write_end(s, store_write_step(s, q, fresh, what, NULL));
}

mig_status_t store_journal_intent(store_t *s, int64_t run,
                                  store_journal_t *rec)
{
    static const char what[] = "journal an intent";
    bool fresh;
    int64_t seq, at = store_now_ms();
    mig_status_t st = store_write_begin(s, what, true);
    if (st == MIG_OK)
        st = seq_next(s, &s->journal_seq, STORE_SQL_JOURNAL_LAST, run, &seq);
    if (st == MIG_OK && s->defer) {
        st = store_batch_intent(s, run, seq, rec, at);
    } else if (st == MIG_OK) {
        sqlite3_stmt *q = store_write_prepare(s, STORE_SQL_JOURNAL_INSERT,
                                              what, &fresh, &st);
        if (!q)
            return st;
        sqlite3_bind_int64(q, 1, run);
        sqlite3_bind_int64(q, 2, seq);
        store_bind_str(q, 3, rec->node);
        store_bind_str(q, 4, rec->item ? rec->item : "");
        store_bind_str(q, 5, rec->action);
        store_bind_str(q, 6, store_journal_kind_name(rec->kind));
        sqlite3_bind_int64(q, 10, at);
        if ((st = bind_json(s, q, 7, 0, rec->args)) != MIG_OK
            || (st = bind_json(s, q, 8, 1, rec->undo)) != MIG_OK
            || (st = bind_json(s, q, 9, 2, rec->resources)) != MIG_OK) {
            store_stmt_done(q, fresh);
            return st;
        }
        st = store_write_step(s, q, fresh, what, NULL);
    }
    if (st == MIG_OK) {
        seq_taken(&s->journal_seq, seq);
        rec->seq = seq;
        rec->state = STORE_JOURNAL_INTENT;
    }
    return store_write_end(s, st);
}

mig_status_t store_journal_set(store_t *s, int64_t run, int64_t seq,
                               store_journal_state_t state)
{
    static const char what[] = "update the journal";
    bool fresh;
    mig_status_t st;
    if (s->defer) {
        st = store_write_begin(s, what, true);
        return store_write_end(s, st == MIG_OK
                               ? store_batch_state(s, run, seq, state,
                                                   store_now_ms())
                               : st);
    }
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_JOURNAL_SET, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, seq);
    store_bind_str(q, 3, store_journal_state_name(state));
    sqlite3_bind_int64(q, 4, store_now_ms());
    st = store_write_step(s, q, fresh, what, NULL);
    return one_row(s, st, run, seq);
}

mig_status_t store_journal_after(store_t *s, int64_t run, int64_t seq,
                                 const val_t *after)
{
    static const char what[] = "record an after-image";
    bool fresh;
    mig_status_t st;
    if (s->defer) {
        st = store_write_begin(s, what, true);
        return store_write_end(s, st == MIG_OK
                               ? store_batch_after(s, run, seq, after) : st);
    }
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_JOURNAL_AFTER, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, seq);
    if ((st = bind_json(s, q, 3, 0, after)) != MIG_OK) {
        store_stmt_done(q, fresh);
        return store_write_end(s, st);
    }
    st = store_write_step(s, q, fresh, what, NULL);
    return one_row(s, st, run, seq);
}

mig_status_t store_journal_outcome(store_t *s, int64_t run, int64_t seq,
                                   const val_t *outcome)
{
    static const char what[] = "record an effect's outcome";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_JOURNAL_OUTCOME, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, seq);
    if ((st = bind_json(s, q, 3, 0, outcome)) != MIG_OK) {
        store_stmt_done(q, fresh);
        return store_write_end(s, st);
    }
    st = store_write_step(s, q, fresh, what, NULL);
    return one_row(s, st, run, seq);
}

mig_status_t store_journal_set_range(store_t *s, int64_t run, int64_t lo,
                                     int64_t hi, store_journal_state_t state)
{
    static const char what[] = "update the journal";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_JOURNAL_SET_RANGE, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, lo);
    sqlite3_bind_int64(q, 3, hi);
    store_bind_str(q, 4, store_journal_state_name(state));
    sqlite3_bind_int64(q, 5, store_now_ms());
    st = store_write_step(s, q, fresh, what, NULL);
    if (st == MIG_OK && sqlite3_changes(s->db) != hi - lo + 1) {
        diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "run %" PRId64 " lacks "
                 "journal records between %" PRId64 " and %" PRId64, run, lo,
                 hi);
        st = MIG_EINVALID;
    }
    return store_write_end(s, st);
}

mig_status_t store_checkpoint_put(store_t *s, int64_t run,
                                  const store_checkpoint_t *cp)
{
    static const char what[] = "record a checkpoint";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q = store_write_prepare(s, STORE_SQL_CHECKPOINT_INSERT, what,
                                    &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, run);
    store_bind_str(q, 2, cp->name);
    store_bind_str(q, 3, cp->node);
    store_bind_str(q, 4, cp->item ? cp->item : "");
    sqlite3_bind_int64(q, 5, cp->seq);
    store_bind_str(q, 6, cp->digest);
    if ((st = bind_json(s, q, 7, 0, cp->resources)) != MIG_OK) {
        store_stmt_done(q, fresh);
        return st;
    }
    sqlite3_bind_int64(q, 8, cp->at_ms ? cp->at_ms : store_now_ms());
    return store_write_end(s, store_write_step(s, q, fresh, what, NULL));
}

mig_status_t store_event_write(store_t *s, int64_t run, const char *kind,
                               const char *node, const char *item,
                               const val_t *data, int slot)
{
    static const char what[] = "record an event";
    bool fresh;
    int64_t seq, at = store_now_ms();
    mig_status_t st = store_write_begin(s, what, true);
    if (st == MIG_OK)
        st = seq_next(s, &s->event_seq, STORE_SQL_EVENT_LAST, run, &seq);
    if (st == MIG_OK && s->defer) {
        st = store_batch_event(s, run, seq, at, kind, node, item, data);
    } else if (st == MIG_OK) {
        sqlite3_stmt *q = store_write_prepare(s, STORE_SQL_EVENT_INSERT, what,
                                              &fresh, &st);
        if (!q)
            return st;
        sqlite3_bind_int64(q, 1, run);
        sqlite3_bind_int64(q, 2, seq);
        sqlite3_bind_int64(q, 3, at);
        store_bind_str(q, 4, kind);
        store_bind_str(q, 5, node);
        store_bind_str(q, 6, item);
        if ((st = bind_json(s, q, 7, slot, data)) != MIG_OK) {
            store_stmt_done(q, fresh);
            return st;
        }
        st = store_write_step(s, q, fresh, what, NULL);
    }
    if (st == MIG_OK)
        seq_taken(&s->event_seq, seq);
    return st;
}

mig_status_t store_event(store_t *s, int64_t run, const char *kind,
                         const char *node, const char *item,
                         const val_t *data)
{
    return store_write_end(s, store_event_write(s, run, kind, node, item,
                                                data, 0));
}

mig_status_t store_counter_add(store_t *s, const char *name, int64_t delta,
                               int64_t *value)
{
    static const char what[] = "update a counter";
    bool fresh;
    mig_status_t st;
    int64_t v = 0;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_COUNTER_ADD, what, &fresh, &st);
    if (!q)
        return st;
    store_bind_str(q, 1, name);
    sqlite3_bind_int64(q, 2, delta);
    st = store_write_step(s, q, fresh, what, &v);
    if (st == MIG_OK && value)
        *value = v;
    return store_write_end(s, st);
}

