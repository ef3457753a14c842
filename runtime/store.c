/* store.c: the state store's SQLite backend, its core: the names of its
 * states, the statement cache and error reporting, the grouped transactions
 * with their fence check, and the statement of one write. The writes of
 * runs, steps, the journal, checkpoints, events and counters are in
 * store_write.c, opening in store_open.c, locks in store_lock.c, reads in
 * store_query.c; all their SQL is in store_int.h, and docs/state.md
 * describes the file. */
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
    store_values_rolled_back(s);
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
    if (id == STORE_SQL_ROLLBACK)
        store_values_rolled_back(s);
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
        s->committed_txn = s->txn;
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

/* ---- the statement of one write --------------------------------------- */

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
