/* store_query.c: the reading half of the state store's SQLite backend:
 * runs, their liveness, steps, the journal, checkpoints, events and
 * locks. Reads run on the store's one connection, so inside an open write
 * transaction they see its writes. The *_each functions stream rows to a
 * callback that may call the store again (even the same *_each: a nested
 * call gets a statement of its own). */
#define _GNU_SOURCE     /* memmem */
#include "store_int.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- columns ----------------------------------------------------------- */

const char *store_column_text(sqlite3_stmt *q, int col)
{
    return (const char *)sqlite3_column_text(q, col);
}

/* Reports a row the store cannot read back (WHAT is "run 3's state"). */
static mig_status_t damaged(store_t *s, const char *what, const char *text)
{
    diag_t *d = diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "the state store "
                         "'%s' is damaged: %s is '%s'", s->path, what,
                         text ? text : "NULL");
    diag_hint(&s->diags, d, STORE_DAMAGED_HINT);
    return MIG_EIO;
}

mig_status_t store_column_value(store_t *s, sqlite3_stmt *q, int col,
                                val_t **out)
{
    *out = NULL;
    if (sqlite3_column_type(q, col) == SQLITE_NULL)
        return MIG_OK;
    const char *text = store_column_text(q, col);
    int len = sqlite3_column_bytes(q, col);
    if (!text)
        return MIG_ENOMEM;
    /* Most values are plain JSON (a record's resources, after-image,
     * undo record): read without a parser's setup. */
    mig_status_t st = MIG_OK;
    if (!val_json_plain(text, (size_t)len, out)) {
        src_t *src = src_from_memory(s->path, text, (size_t)len);
        if (!src)
            return MIG_ENOMEM;
        diag_list_t scratch;
        diag_list_init(&scratch);
        st = val_json_read_full(src, &scratch, out);
        diag_list_free(&scratch);
        src_free(src);
        if (st == MIG_EINVALID)
            return damaged(s, sqlite3_column_name(q, col), text);
    }
    /* A secret comes back sealed: shown "***", fetched from its sources
     * again where an action needs its bytes. */
    if (st == MIG_OK && memmem(text, (size_t)len, "\"$secret\"", 9)
        && (st = val_secret_unseal(out)) != MIG_OK) {
        val_unref(*out);
        *out = NULL;
    }
    return st;
}

/* Column COL copied into *OUT (NULL for SQL NULL); false when out of
 * memory. */
static bool copy_text(sqlite3_stmt *q, int col, char **out)
{
    const char *t = store_column_text(q, col);
    *out = t ? strdup(t) : NULL;
    return !t || *out;
}

/* Reads a query's failure: a step that returned RC. */
static mig_status_t read_fail(store_t *s, sqlite3_stmt *q, bool fresh, int rc,
                              const char *what)
{
    mig_status_t st = store_sql_fail(s, rc, what);
    store_stmt_done(q, fresh);
    return st;
}

/* ---- runs -------------------------------------------------------------- */

void store_run_clear(store_run_t *r)
{
    free(r->plan_path);
    free(r->plan_name);
    free(r->plan_digest);
    free(r->profile);
    val_unref(r->params);
    val_unref(r->options);
    free(r->error);
    free(r->host);
    memset(r, 0, sizeof(*r));
}

/* Fills R from a row of STORE_RUN_COLUMNS. */
static mig_status_t read_run(store_t *s, sqlite3_stmt *q, store_run_t *r)
{
    memset(r, 0, sizeof(*r));
    r->id = sqlite3_column_int64(q, 0);
    const char *state = store_column_text(q, 7);
    int i = store_name_find(store_run_state_names, STORE_N_RUN_STATES, state);
    mig_status_t st = i < 0 ? damaged(s, "a run's state", state) : MIG_OK;
    r->state = i < 0 ? STORE_RUN_FAILED : (store_run_state_t)i;
    if (st == MIG_OK
        && !(copy_text(q, 1, &r->plan_path) && copy_text(q, 2, &r->plan_name)
             && copy_text(q, 3, &r->plan_digest)
             && copy_text(q, 4, &r->profile) && copy_text(q, 8, &r->error)
             && copy_text(q, 9, &r->host)))
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        st = store_column_value(s, q, 5, &r->params);
    if (st == MIG_OK)
        st = store_column_value(s, q, 6, &r->options);
    r->pid = sqlite3_column_int64(q, 10);
    r->started_ms = sqlite3_column_int64(q, 11);
    r->ended_ms = sqlite3_column_int64(q, 12);
    r->parent = sqlite3_column_int64(q, 13);
    if (st != MIG_OK)
        store_run_clear(r);
    return st;
}

mig_status_t store_run_get(store_t *s, int64_t id, store_run_t *run)
{
    memset(run, 0, sizeof(*run));
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_RUN_GET, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE) {
        store_stmt_done(q, fresh);
        diag_t *d = diag_add(&s->diags, DIAG_ERROR, NULL, NULL,
                             "no run %" PRId64 " in '%s'", id, s->path);
        diag_hint(&s->diags, d, "`mig history` lists the runs");
        return MIG_EINVALID;
    }
    if (rc != SQLITE_ROW)
        return read_fail(s, q, fresh, rc, "read a run");
    mig_status_t st = read_run(s, q, run);
    store_stmt_done(q, fresh);
    return st;
}

int64_t store_read_int(store_t *s, store_stmt_id_t id, bool bind, int64_t a)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, id, &fresh);
    if (!q)
        return 0;
    if (bind)
        sqlite3_bind_int64(q, 1, a);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        read_fail(s, q, fresh, rc, "read the store");
        return 0;
    }
    int64_t v = sqlite3_column_int64(q, 0);
    store_stmt_done(q, fresh);
    return v;
}

int64_t store_run_last(store_t *s)
{
    size_t said = s->diags.len;
    int64_t id = store_read_int(s, STORE_SQL_RUN_LAST, false, 0);
    return s->diags.len > said || s->sticky ? -1 : id;
}

void store_runs_free(store_run_t *runs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        store_run_clear(&runs[i]);
    free(runs);
}

mig_status_t store_run_list(store_t *s, size_t limit, store_run_t **runs,
                            size_t *n)
{
    *runs = NULL;
    *n = 0;
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_RUN_LIST, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, limit ? (int64_t)limit : -1);
    store_run_t *list = NULL;
    size_t len = 0, cap = 0;
    mig_status_t st = MIG_OK;
    int rc;
    while (st == MIG_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (len == cap) {
            size_t grown_cap = cap ? cap * 2 : 16;
            store_run_t *grown = realloc(list, grown_cap * sizeof(*grown));
            if (!grown) {
                st = MIG_ENOMEM;
                break;
            }
            list = grown;
            cap = grown_cap;
        }
        st = read_run(s, q, &list[len]);
        if (st == MIG_OK)
            len++;
    }
    if (st == MIG_OK && rc != SQLITE_DONE)
        st = store_sql_fail(s, rc, "list the runs");
    store_stmt_done(q, fresh);
    if (st != MIG_OK) {
        store_runs_free(list, len);
        return st;
    }
    *runs = list;
    *n = len;
    return MIG_OK;
}

bool store_process_alive(int64_t pid, const char *host)
{
    char me[256] = "";
    if (gethostname(me, sizeof me - 1) != 0 || !host || strcmp(host, me) != 0
        || pid <= 0)
        return true;
    return !(kill((pid_t)pid, 0) == -1 && errno == ESRCH);
}

bool store_process_stopped(int64_t pid, const char *host)
{
    char me[256] = "", path[64], buf[512];
    if (gethostname(me, sizeof me - 1) != 0 || !host || strcmp(host, me) != 0
        || pid <= 0)
        return false;
    snprintf(path, sizeof path, "/proc/%" PRId64 "/stat", pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    /* "PID (COMM) STATE ...": COMM may hold anything, so the state is
     * read after its last ')'. */
    const char *paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' && (paren[2] == 'T' || paren[2] == 't');
}

store_run_state_t store_run_liveness(store_t *s, const store_run_t *run)
{
    if (run->state != STORE_RUN_RUNNING)
        return run->state;
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_LOCK_OF_RUN, &fresh);
    if (!q)
        return run->state;      /* cannot tell: as recorded */
    sqlite3_bind_int64(q, 1, run->id);
    int64_t now = store_now_ms();
    bool live = false;
    while (!live && sqlite3_step(q) == SQLITE_ROW)
        live = sqlite3_column_int64(q, 2) >= now
               && store_process_alive(sqlite3_column_int64(q, 0),
                                store_column_text(q, 1));
    store_stmt_done(q, fresh);
    return live ? STORE_RUN_RUNNING : STORE_RUN_INTERRUPTED;
}

/* ---- steps ------------------------------------------------------------- */

mig_status_t store_step_each(store_t *s, int64_t run,
                             bool (*fn)(void *data, const store_step_t *st),
                             void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_STEP_EACH, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, run);
    mig_status_t st = MIG_OK;
    int rc;
    s->iterating++;     /* no batch goes to the writer meanwhile */
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *state = store_column_text(q, 2);
        int i = store_name_find(store_step_state_names, STORE_N_STEP_STATES,
                                state);
        store_step_t rec = {
            .node = store_column_text(q, 0), .item = store_column_text(q, 1),
            .state = i < 0 ? STORE_STEP_FAILED : (store_step_state_t)i,
            .attempts = (uint32_t)sqlite3_column_int64(q, 3),
            .error_class = store_column_text(q, 5),
            .error = store_column_text(q, 6),
            .started_ms = sqlite3_column_int64(q, 7),
            .ended_ms = sqlite3_column_int64(q, 8),
        };
        st = i < 0 ? damaged(s, "a step's state", state)
                   : store_column_refs(s, q, 4, 10, &rec.result);
        if (st == MIG_OK)
            st = store_column_value(s, q, 9, &rec.args);
        bool go_on = st == MIG_OK && fn(data, &rec);
        val_unref(rec.result);
        val_unref(rec.args);
        if (!go_on)
            break;
    }
    s->iterating--;
    if (st == MIG_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        return read_fail(s, q, fresh, rc, "read the steps");
    store_stmt_done(q, fresh);
    return st;
}

/* ---- the journal ------------------------------------------------------- */

/* The bits STORE_JOURNAL_READ spells out in its SQL. */
static_assert(STORE_EACH_NO_ARGS == 2 && STORE_EACH_NO_VALUES == 4
              && STORE_EACH_NO_UNDO == 8 && STORE_EACH_NO_RESOURCES == 16
              && STORE_EACH_NO_AFTER == 32, "STORE_JOURNAL_READ's bits");

/* Fills REC from a row of STORE_JOURNAL_READ (values to unref). */
static mig_status_t read_journal(store_t *s, sqlite3_stmt *q,
                                 store_journal_t *rec, unsigned flags)
{
    bool args = !(flags & (STORE_EACH_NO_ARGS | STORE_EACH_NO_VALUES));
    bool values = !(flags & STORE_EACH_NO_VALUES);
    const char *kind = store_column_text(q, 4);
    const char *state = store_column_text(q, 5);
    int k = store_name_find(store_journal_kind_names, STORE_N_JOURNAL_KINDS,
                            kind);
    int t = store_name_find(store_journal_state_names, STORE_N_JOURNAL_STATES,
                            state);
    *rec = (store_journal_t){
        .seq = sqlite3_column_int64(q, 0), .node = store_column_text(q, 1),
        .item = store_column_text(q, 2), .action = store_column_text(q, 3),
        .kind = k < 0 ? STORE_JOURNAL_NONE : (store_journal_kind_t)k,
        .state = t < 0 ? STORE_JOURNAL_INTENT : (store_journal_state_t)t,
    };
    if (k < 0)
        return damaged(s, "a journal record's kind", kind);
    if (t < 0)
        return damaged(s, "a journal record's state", state);
    mig_status_t st = args ? store_column_refs(s, q, 6, 11, &rec->args)
                           : MIG_OK;
    if (st == MIG_OK && values && !(flags & STORE_EACH_NO_UNDO))
        st = store_column_value(s, q, 7, &rec->undo);
    if (st == MIG_OK && values && !(flags & STORE_EACH_NO_RESOURCES))
        st = store_column_value(s, q, 8, &rec->resources);
    if (st == MIG_OK && values && !(flags & STORE_EACH_NO_AFTER))
        st = store_column_value(s, q, 9, &rec->after);
    if (st == MIG_OK && values && !(flags & STORE_EACH_NO_UNDO))
        st = store_column_value(s, q, 10, &rec->outcome);
    return st;
}

/* The stretches of a run marked undone (store_journal_mark_undone), in
 * order of LO: disjoint, each LO <= HI. */
typedef struct undone {
    struct { int64_t lo, hi; } *r;
    size_t n;
} undone_t;

/* Reads the stretches of RUN marked undone into *U (free U->r). */
static mig_status_t undone_read(store_t *s, int64_t run, undone_t *u)
{
    *u = (undone_t){ 0 };
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_UNDONE_EACH, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, run);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (u->n == cap) {
            cap = cap ? cap * 2 : 16;
            void *m = realloc(u->r, cap * sizeof(*u->r));
            if (!m) {
                free(u->r);
                store_stmt_done(q, fresh);
                return MIG_ENOMEM;
            }
            u->r = m;
        }
        u->r[u->n].lo = sqlite3_column_int64(q, 0);
        u->r[u->n++].hi = sqlite3_column_int64(q, 1);
    }
    if (rc != SQLITE_DONE) {
        free(u->r);
        return read_fail(s, q, fresh, rc, "read the journal's undone marks");
    }
    store_stmt_done(q, fresh);
    return MIG_OK;
}

/* Whether SEQ is in one of U's stretches (a binary search). */
static bool undone_has(const undone_t *u, int64_t seq)
{
    size_t a = 0, b = u->n;         /* the last stretch with LO <= SEQ */
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (u->r[m].lo <= seq)
            a = m + 1;
        else
            b = m;
    }
    return a > 0 && seq <= u->r[a - 1].hi;
}

mig_status_t store_journal_each(store_t *s, int64_t run, int64_t after,
                                unsigned flags,
                                bool (*fn)(void *data,
                                           const store_journal_t *rec),
                                void *data)
{
    undone_t u;
    mig_status_t st = undone_read(s, run, &u);
    if (st != MIG_OK)
        return st;
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, flags & STORE_EACH_REVERSE
                                    ? STORE_SQL_JOURNAL_REVERSE
                                    : STORE_SQL_JOURNAL_FORWARD, &fresh);
    if (!q) {
        free(u.r);
        return s->sticky ? s->sticky : MIG_EIO;
    }
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, after);
    sqlite3_bind_int64(q, 3, flags);    /* STORE_JOURNAL_READ */
    int rc;
    s->iterating++;     /* no batch goes to the writer meanwhile */
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        store_journal_t rec;
        st = read_journal(s, q, &rec, flags);
        if (u.n && undone_has(&u, rec.seq))
            rec.state = STORE_JOURNAL_UNDONE;
        bool go_on = st == MIG_OK && fn(data, &rec);
        val_unref(rec.args);
        val_unref(rec.undo);
        val_unref(rec.resources);
        val_unref(rec.after);
        val_unref(rec.outcome);
        if (!go_on)
            break;
    }
    s->iterating--;
    free(u.r);
    if (st == MIG_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        return read_fail(s, q, fresh, rc, "read the journal");
    store_stmt_done(q, fresh);
    return st;
}

int64_t store_journal_last(store_t *s, int64_t run)
{
    return store_read_int(s, STORE_SQL_JOURNAL_LAST, true, run);
}

/* ---- checkpoints ------------------------------------------------------- */

void store_checkpoint_hold_clear(store_t *s)
{
    for (size_t i = 0; i < sizeof(s->cp_text) / sizeof(s->cp_text[0]); i++) {
        free(s->cp_text[i]);
        s->cp_text[i] = NULL;
    }
    val_unref(s->cp_resources);
    s->cp_resources = NULL;
}

/* Fills CP from a row of STORE_CHECKPOINT_COLUMNS; the strings are
 * borrowed from Q, the value is new. */
static mig_status_t read_checkpoint(store_t *s, sqlite3_stmt *q,
                                    store_checkpoint_t *cp)
{
    *cp = (store_checkpoint_t){
        .name = store_column_text(q, 0), .node = store_column_text(q, 1),
        .item = store_column_text(q, 2), .seq = sqlite3_column_int64(q, 3),
        .digest = store_column_text(q, 4), .at_ms = sqlite3_column_int64(q, 6),
    };
    return store_column_value(s, q, 5, &cp->resources);
}

/* The checkpoint chosen is the latest NAME recorded for CP->item as given
 * (NULL: ""), else the latest NAME of any item: a rollback from inside a
 * foreach item goes to that item's own checkpoint, one from outside to
 * the checkpoint outside the foreach or, failing that, the last one
 * passed. */
mig_status_t store_checkpoint_get(store_t *s, int64_t run, const char *name,
                                  store_checkpoint_t *cp)
{
    const char *item = cp->item ? cp->item : "";
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_CHECKPOINT_GET, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, run);
    store_bind_str(q, 2, name);
    store_bind_str(q, 3, item);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE) {
        store_stmt_done(q, fresh);
        diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "run %" PRId64 " has no "
                 "checkpoint '%s'", run, name);
        return MIG_EINVALID;
    }
    if (rc != SQLITE_ROW)
        return read_fail(s, q, fresh, rc, "read a checkpoint");
    store_checkpoint_t row;
    mig_status_t st = read_checkpoint(s, q, &row);
    store_checkpoint_hold_clear(s);
    const char *texts[] = { row.name, row.node, row.item, row.digest };
    for (size_t i = 0; st == MIG_OK && i < 4; i++)
        if (texts[i] && !(s->cp_text[i] = strdup(texts[i])))
            st = MIG_ENOMEM;
    store_stmt_done(q, fresh);
    if (st != MIG_OK) {
        val_unref(row.resources);
        store_checkpoint_hold_clear(s);
        return st;
    }
    s->cp_resources = row.resources;
    *cp = (store_checkpoint_t){ .name = s->cp_text[0], .node = s->cp_text[1],
                                .item = s->cp_text[2], .seq = row.seq,
                                .digest = s->cp_text[3],
                                .resources = s->cp_resources,
                                .at_ms = row.at_ms };
    return MIG_OK;
}

mig_status_t store_checkpoint_each(store_t *s, int64_t run,
                                   bool (*fn)(void *data,
                                              const store_checkpoint_t *cp),
                                   void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_CHECKPOINT_EACH, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, run);
    mig_status_t st = MIG_OK;
    int rc;
    s->iterating++;     /* no batch goes to the writer meanwhile */
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        store_checkpoint_t cp;
        st = read_checkpoint(s, q, &cp);
        bool go_on = st == MIG_OK && fn(data, &cp);
        val_unref(cp.resources);
        if (!go_on)
            break;
    }
    s->iterating--;
    if (st == MIG_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        return read_fail(s, q, fresh, rc, "read the checkpoints");
    store_stmt_done(q, fresh);
    return st;
}

/* ---- events ------------------------------------------------------------ */

mig_status_t store_event_each(store_t *s, int64_t run,
                              bool (*fn)(void *data,
                                         const store_event_rec_t *ev),
                              void *data)
{
    return store_event_each_after(s, run, 0, fn, data);
}

mig_status_t store_event_each_after(store_t *s, int64_t run, int64_t after,
                                    bool (*fn)(void *data,
                                               const store_event_rec_t *ev),
                                    void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_EVENT_EACH, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, after);
    mig_status_t st = MIG_OK;
    int rc;
    s->iterating++;     /* no batch goes to the writer meanwhile */
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        store_event_rec_t ev = {
            .seq = sqlite3_column_int64(q, 0),
            .at_ms = sqlite3_column_int64(q, 1),
            .kind = store_column_text(q, 2), .node = store_column_text(q, 3),
            .item = store_column_text(q, 4),
        };
        st = store_column_value(s, q, 5, &ev.data);
        bool go_on = st == MIG_OK && fn(data, &ev);
        val_unref(ev.data);
        if (!go_on)
            break;
    }
    s->iterating--;
    if (st == MIG_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        return read_fail(s, q, fresh, rc, "read the events");
    store_stmt_done(q, fresh);
    return st;
}

/* ---- locks ------------------------------------------------------------- */

mig_status_t store_lock_read(store_t *s, const char *resource,
                             store_lock_t *l, bool *found)
{
    memset(l, 0, sizeof(*l));
    *found = false;
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_LOCK_GET, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    store_bind_str(q, 1, resource);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE) {
        store_stmt_done(q, fresh);
        return MIG_OK;
    }
    if (rc != SQLITE_ROW)
        return read_fail(s, q, fresh, rc, "read a lock");
    *found = true;
    *l = (store_lock_t){
        .run = sqlite3_column_int64(q, 1), .pid = sqlite3_column_int64(q, 2),
        .since_ms = sqlite3_column_int64(q, 4),
        .heartbeat_ms = sqlite3_column_int64(q, 5),
        .expires_ms = sqlite3_column_int64(q, 6),
        .fence = sqlite3_column_int64(q, 7),
    };
    mig_status_t st = copy_text(q, 0, &l->resource) && copy_text(q, 3, &l->host)
                      ? MIG_OK : MIG_ENOMEM;
    store_stmt_done(q, fresh);
    if (st != MIG_OK)
        store_lock_clear(l);
    return st;
}

mig_status_t store_lock_get(store_t *s, const char *resource, store_lock_t *l)
{
    bool found;
    mig_status_t st = store_lock_read(s, resource, l, &found);
    if (st == MIG_OK && (!found || l->run == 0)) {
        store_lock_clear(l);
        return MIG_EINVALID;
    }
    return st;
}
