/* store_batch.c: the state store's deferred writes (store.h, store_defer).
 * While a store defers, the rows of journal intents, journal states,
 * steps and events are queued in the open transaction, each batch with
 * its text, and written by the multi-row statements of STORE_BATCHES
 * (store_int.h): a statement costs SQLite about as much again as the rows
 * it writes (cursors on each table and index, a record buffer, a halt),
 * so 16 or 64 rows a statement cost a fraction of a statement each.
 *
 * A batch of STORE_BATCH_HANDOFF rows is handed to a writer thread, which
 * writes it while the loop thread goes on with the next steps; the loop
 * thread waits for it before it uses the connection again (any statement,
 * the commit), and writes what is left itself. The writer thread touches
 * only the connection, the batch statements and the batches it was
 * given; what went wrong is told back and reported by the loop thread. */
#include "store_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static const struct {
    size_t queued;              /* values a queued row keeps */
    size_t shared, width;       /* a statement's shared parameters; a row's */
    const char *what, *head, *row, *tail;
} batches[] = {
#define STORE_BATCH_ROW(id, q, sh, w, wh, h, r, t)                            \
    [STORE_BATCH_##id] = { .queued = q, .shared = sh, .width = w,            \
                           .what = wh, .head = h, .row = r, .tail = t },
    STORE_BATCHES(STORE_BATCH_ROW)
#undef STORE_BATCH_ROW
};

/* What writing batches may run into, told to the loop thread: an SQLite
 * failure (RC, while doing WHAT, its message MSG), or a change of state
 * that found N of its records missing (RUN, SEQS). */
typedef struct batch_fail {
    int rc;                     /* SQLITE_OK: none */
    const char *what;
    char *msg;                  /* malloc'd; NULL: out of memory */
    int64_t run;
    int64_t seqs[STORE_BATCH_MAX];
    size_t n;                   /* > 0: records missing */
} batch_fail_t;

/* The writer thread and the one job it may hold. */
struct store_writer {
    uv_thread_t thread;
    uv_mutex_t lock;
    uv_cond_t cond;             /* a job was given, or taken back */
    bool busy, stop;            /* guarded by LOCK */
    store_t *s;
    store_batch_t job[STORE_N_BATCHES];     /* written in order */
    batch_fail_t fail;
};

static mig_status_t batch_full(store_t *s, store_batch_id_t id);
static bool writer_busy(store_t *s);
static mig_status_t row_undo(store_t *s, store_batch_id_t id, size_t start,
                             mig_status_t st);

static mig_status_t out_of_memory(store_t *s)
{
    diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "out of memory writing to "
             "'%s'", s->path);
    return MIG_ENOMEM;
}

/* ---- queueing ------------------------------------------------------------ */

/* The parameters of a new row at the end of batch ID, to fill; NULL when
 * out of memory. The row counts once row_done says so. */
static store_param_t *row_new(store_t *s, store_batch_id_t id)
{
    store_batch_t *b = &s->batch[id];
    size_t w = batches[id].queued;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : STORE_BATCH_MAX;
        store_param_t *p = realloc(b->params, cap * w * sizeof(*p));
        if (!p)
            return NULL;
        b->params = p;
        b->cap = cap;
    }
    return b->params + b->n * w;
}

static void param_int(store_param_t *p, int64_t v)
{
    *p = (store_param_t){ .type = SQLITE_INTEGER, .i = v };
}

/* TEXT (NULL: SQL NULL) copied into the text of batch B. */
static void param_text(store_batch_t *b, store_param_t *p, const char *text)
{
    if (!text) {
        *p = (store_param_t){ .type = SQLITE_NULL };
        return;
    }
    size_t at = b->text.len, len = strlen(text);
    strbuf_put(&b->text, text, len);
    *p = (store_param_t){ .type = SQLITE_TEXT, .i = (int64_t)at, .len = len };
}

/* The LEN bytes of TEXT copied into the text of batch B. */
static void param_bytes(store_batch_t *b, store_param_t *p, const char *text,
                        size_t len)
{
    *p = (store_param_t){ .type = SQLITE_TEXT, .i = (int64_t)b->text.len,
                          .len = len };
    strbuf_put(&b->text, text, len);
}

/* V as JSON text written into the text of batch B (NULL: SQL NULL); a
 * secret sealed, as bind_json writes it. */
static void param_json(store_batch_t *b, store_param_t *p, const val_t *v)
{
    if (!v) {
        *p = (store_param_t){ .type = SQLITE_NULL };
        return;
    }
    size_t at = b->text.len;
    val_to_json(v, &b->text, VAL_JSON_SEALED);
    *p = (store_param_t){ .type = SQLITE_TEXT, .i = (int64_t)at,
                          .len = b->text.len - at };
}

/* V held by the row (a reference taken), to be written as JSON with the
 * batch, the maps it carries kept once (store_values_plan): P the value,
 * R the names of those kept (SQL NULL for none; both for no value). */
static mig_status_t param_kept(store_t *s, store_batch_t *b, store_param_t *p,
                               store_param_t *r, const val_t *v)
{
    *p = *r = (store_param_t){ .type = SQLITE_NULL };
    if (!v)
        return MIG_OK;
    uint64_t mask;
    strbuf_t refs;
    strbuf_init(&refs);
    mig_status_t st = store_values_plan(s, v, &mask, &refs);
    if (st == MIG_OK) {
        *p = (store_param_t){ .type = STORE_PARAM_JSON, .mask = mask,
                              .v = val_ref((val_t *)v) };
        if (refs.len)
            param_bytes(b, r, refs.data, refs.len);
    }
    strbuf_free(&refs);
    return st;
}

/* Releases the values row I of batch ID holds. */
static void row_release(store_batch_t *b, store_batch_id_t id, size_t i)
{
    size_t w = batches[id].queued;
    for (size_t k = 0; k < w; k++) {
        val_unref(b->params[i * w + k].v);
        b->params[i * w + k].v = NULL;
    }
}

/* Empties the batches B (all kinds), releasing the values their rows
 * hold: on the loop thread, once they are written or dropped. */
static void batches_reset(store_batch_t *b)
{
    for (int id = 0; id < STORE_N_BATCHES; id++) {
        for (size_t i = 0; i < b[id].n; i++)
            row_release(&b[id], (store_batch_id_t)id, i);
        b[id].n = 0;
        b[id].text.len = 0;
    }
}

/* Counts the row just filled in batch ID, whose text starts at START, or
 * takes it back when its text ran out of memory; hands the batch over
 * (or writes it) once it is full. */
static mig_status_t row_done(store_t *s, store_batch_id_t id, size_t start)
{
    store_batch_t *b = &s->batch[id];
    if (b->text.oom)
        return row_undo(s, id, start, out_of_memory(s));
    s->n_queued++;
    if (++b->n >= STORE_BATCH_MAX)
        return batch_full(s, id);
    /* Handed over early only to a writer with nothing to do: waiting for
     * it would cost more than writing here. */
    if (b->n < STORE_BATCH_HANDOFF || s->no_writer || s->iterating
        || (s->job_out && writer_busy(s)))
        return MIG_OK;
    return batch_full(s, id);
}

/* Takes back the row being filled in batch ID, whose text starts at
 * START, after ST (not MIG_OK, reported) made it fail. */
static mig_status_t row_undo(store_t *s, store_batch_id_t id, size_t start,
                             mig_status_t st)
{
    store_batch_t *b = &s->batch[id];
    row_release(b, id, b->n);
    b->text.oom = false;
    b->text.len = start;
    if (b->text.data)
        b->text.data[start] = '\0';
    return st;
}

mig_status_t store_batch_value(store_t *s, int64_t id, const val_t *v)
{
    store_batch_t *b = &s->batch[STORE_BATCH_VALUE];
    store_param_t *p = row_new(s, STORE_BATCH_VALUE);
    if (!p)
        return MIG_ENOMEM;
    param_int(&p[0], id);
    p[1] = (store_param_t){ .type = STORE_PARAM_JSON,
                            .v = val_ref((val_t *)v) };
    b->n++;
    s->n_queued++;
    return MIG_OK;
}

mig_status_t store_batch_content(store_t *s, const char *hex, const char *text,
                                 size_t len)
{
    store_batch_t *b = &s->batch[STORE_BATCH_CONTENT];
    size_t start = b->text.len;
    store_param_t *p = row_new(s, STORE_BATCH_CONTENT);
    if (!p)
        return out_of_memory(s);
    param_text(b, &p[0], hex);
    param_bytes(b, &p[1], text, len);
    return row_done(s, STORE_BATCH_CONTENT, start);
}

mig_status_t store_batch_baseline(store_t *s, int64_t run, const char *db,
                                  const store_baseline_t *rec)
{
    store_batch_t *b = &s->batch[STORE_BATCH_BASELINE];
    size_t start = b->text.len;
    store_param_t *p = row_new(s, STORE_BATCH_BASELINE);
    if (!p)
        return out_of_memory(s);
    param_int(&p[0], run);
    param_text(b, &p[1], db);
    param_text(b, &p[2], rec->kind);
    param_text(b, &p[3], rec->name);
    param_text(b, &p[4], rec->digest);
    return row_done(s, STORE_BATCH_BASELINE, start);
}

mig_status_t store_batch_intent(store_t *s, int64_t run, int64_t seq,
                                const store_journal_t *rec, int64_t at_ms)
{
    store_batch_t *b = &s->batch[STORE_BATCH_INTENT];
    size_t start = b->text.len;
    store_param_t *p = row_new(s, STORE_BATCH_INTENT);
    if (!p)
        return out_of_memory(s);
    param_int(&p[0], run);
    param_int(&p[1], seq);
    param_text(b, &p[2], rec->node);
    param_text(b, &p[3], rec->item ? rec->item : "");
    param_text(b, &p[4], rec->action);
    param_text(b, &p[5], store_journal_kind_name(rec->kind));
    mig_status_t st = param_kept(s, b, &p[6], &p[11], rec->args);
    param_json(b, &p[7], rec->undo);
    param_json(b, &p[8], rec->resources);
    param_int(&p[9], at_ms);
    param_int(&p[10], at_ms);
    return st == MIG_OK ? row_done(s, STORE_BATCH_INTENT, start)
                        : row_undo(s, STORE_BATCH_INTENT, start, st);
}

/* A record's state changed twice in one batch would be written by
 * statements in no set order: the queue is written before the second
 * change is queued. */
mig_status_t store_batch_state(store_t *s, int64_t run, int64_t seq,
                               store_journal_state_t state, int64_t at_ms)
{
    const store_batch_t *b = &s->batch[STORE_BATCH_STATE];
    size_t w = batches[STORE_BATCH_STATE].queued;
    for (size_t i = 0; i < b->n; i++) {
        const store_param_t *q = b->params + i * w;
        if (q[0].i == run && q[1].i == seq) {
            mig_status_t st = store_batch_drain(s);
            if (st != MIG_OK)
                return st;
            break;
        }
    }
    store_param_t *p = row_new(s, STORE_BATCH_STATE);
    if (!p)
        return out_of_memory(s);
    param_int(&p[0], run);
    param_int(&p[1], seq);
    param_int(&p[2], state);
    param_int(&p[3], at_ms);
    return row_done(s, STORE_BATCH_STATE, 0);
}

/* An after-image is written once per record, after its intent (the
 * batches are written in order). */
mig_status_t store_batch_after(store_t *s, int64_t run, int64_t seq,
                               const val_t *after)
{
    store_batch_t *b = &s->batch[STORE_BATCH_AFTER];
    size_t start = b->text.len;
    store_param_t *p = row_new(s, STORE_BATCH_AFTER);
    if (!p)
        return out_of_memory(s);
    param_int(&p[0], run);
    param_int(&p[1], seq);
    param_json(b, &p[2], after);
    return row_done(s, STORE_BATCH_AFTER, start);
}

/* Two puts of one step in a batch are rows of one upsert, which SQLite
 * inserts in order: the second updates the first, as two statements
 * would. */
mig_status_t store_batch_step(store_t *s, int64_t run, const store_step_t *st)
{
    store_batch_t *b = &s->batch[STORE_BATCH_STEP];
    size_t start = b->text.len;
    store_param_t *p = row_new(s, STORE_BATCH_STEP);
    if (!p)
        return out_of_memory(s);
    param_int(&p[0], run);
    param_text(b, &p[1], st->node);
    param_text(b, &p[2], st->item ? st->item : "");
    param_text(b, &p[3], store_step_state_name(st->state));
    param_int(&p[4], st->attempts);
    mig_status_t kept = param_kept(s, b, &p[5], &p[11], st->result);
    param_text(b, &p[6], st->error_class);
    param_text(b, &p[7], st->error);
    param_int(&p[8], st->started_ms);
    param_int(&p[9], st->ended_ms);
    param_json(b, &p[10], st->state == STORE_STEP_FAILED ? st->args : NULL);
    return kept == MIG_OK ? row_done(s, STORE_BATCH_STEP, start)
                          : row_undo(s, STORE_BATCH_STEP, start, kept);
}

mig_status_t store_batch_event(store_t *s, int64_t run, int64_t seq,
                               int64_t at_ms, const char *kind,
                               const char *node, const char *item,
                               const val_t *data)
{
    store_batch_t *b = &s->batch[STORE_BATCH_EVENT];
    size_t start = b->text.len;
    store_param_t *p = row_new(s, STORE_BATCH_EVENT);
    if (!p)
        return out_of_memory(s);
    param_int(&p[0], run);
    param_int(&p[1], seq);
    param_int(&p[2], at_ms);
    param_text(b, &p[3], kind);
    param_text(b, &p[4], node);
    param_text(b, &p[5], item);
    param_json(b, &p[6], data);
    return row_done(s, STORE_BATCH_EVENT, start);
}

/* ---- writing (either thread) ------------------------------------------------ */

/* Notes in F that RC failed while doing WHAT, with the connection's
 * message (only the first failure is kept). */
static bool failed(store_t *s, batch_fail_t *f, int rc, const char *what)
{
    if (f->rc == SQLITE_OK && !f->n) {
        f->rc = rc;
        f->what = what;
        f->msg = strdup(sqlite3_errmsg(s->db));
    }
    return false;
}

/* The statement that writes 2^K rows of batch ID, prepared on first use;
 * NULL when it could not be (noted in F). */
static sqlite3_stmt *batch_stmt(store_t *s, store_batch_id_t id, unsigned k,
                                batch_fail_t *f)
{
    sqlite3_stmt **slot = &s->batch_stmt[id][k];
    if (*slot)
        return *slot;
    strbuf_t sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, batches[id].head);
    for (size_t i = 0; i < (size_t)1 << k; i++) {
        if (i)
            strbuf_puts(&sql, ", ");
        strbuf_puts(&sql, batches[id].row);
    }
    strbuf_puts(&sql, batches[id].tail);
    int rc = sql.oom ? SQLITE_NOMEM
        : sqlite3_prepare_v3(s->db, sql.data, (int)sql.len,
                             SQLITE_PREPARE_PERSISTENT, slot, NULL);
    strbuf_free(&sql);
    if (rc != SQLITE_OK) {
        failed(s, f, rc, "prepare a statement");
        sqlite3_finalize(*slot);
        *slot = NULL;
    }
    return *slot;
}

/* Binds P to column COL of Q: SQLITE_OK, or why not (SQLITE_TOOBIG for a
 * text longer than SQLite takes), which must fail the write: a column left
 * unbound would be written as NULL, a result lost without a word. */
static int bind_param(sqlite3_stmt *q, int col, const store_param_t *p,
                      const char *text)
{
    if (p->type == SQLITE_INTEGER)
        return sqlite3_bind_int64(q, col, p->i);
    if (p->type == SQLITE_TEXT)
        return sqlite3_bind_text64(q, col, text ? text + p->i : "", p->len,
                                   SQLITE_STATIC, SQLITE_UTF8);
    return sqlite3_bind_null(q, col);
}

/* Runs Q, bound, to its end as the write of batch ID. */
static bool run_batch(store_t *s, sqlite3_stmt *q, store_batch_id_t id,
                      batch_fail_t *f)
{
    int rc = sqlite3_step(q);
    bool ok = rc == SQLITE_DONE || failed(s, f, rc, batches[id].what);
    sqlite3_reset(q);
    return ok;
}

/* The largest K with 2^K at most N (N > 0), up to the largest
 * statement's. */
static unsigned chunk(size_t n)
{
    unsigned k = STORE_BATCH_SIZES - 1;
    while (((size_t)1 << k) > n)
        k--;
    return k;
}

/* Writes the values the N parameters P hold as JSON into the text of B
 * (store_values_json), making them text: all of a statement's before it
 * binds any, since the text may move as it grows. False when out of
 * memory. */
static bool write_values(store_batch_t *b, store_param_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i].type != STORE_PARAM_JSON)
            continue;
        size_t at = b->text.len;
        store_values_json(p[i].v, p[i].mask, &b->text);
        p[i].type = SQLITE_TEXT;
        p[i].i = (int64_t)at;
        p[i].len = b->text.len - at;
    }
    return !b->text.oom;
}

/* Writes the rows of B, a batch ID other than the states, 2^K at a
 * time. */
static bool write_rows(store_t *s, store_batch_t *b, store_batch_id_t id,
                       batch_fail_t *f)
{
    size_t w = batches[id].width;
    bool ok = true;
    for (size_t done = 0; ok && done < b->n;) {
        unsigned k = chunk(b->n - done);
        size_t n = (size_t)1 << k;
        sqlite3_stmt *q = batch_stmt(s, id, k, f);
        if (!q)
            return false;
        store_param_t *p = b->params + done * w;
        if (!write_values(b, p, n * w))
            return failed(s, f, SQLITE_NOMEM, batches[id].what);
        int rc = SQLITE_OK;
        for (size_t i = 0; i < n * w && rc == SQLITE_OK; i++)
            rc = bind_param(q, (int)i + 1, &p[i], b->text.data);
        if (rc != SQLITE_OK) {
            sqlite3_clear_bindings(q);
            return failed(s, f, rc, batches[id].what);
        }
        ok = run_batch(s, q, id, f);
        done += n;
    }
    return ok;
}

/* Changes the state of the N records SEQS of RUN to STATE at AT_MS, 2^K
 * at a time. */
static bool write_states(store_t *s, int64_t run, int64_t state, int64_t at_ms,
                         const int64_t *seqs, size_t n, batch_fail_t *f)
{
    bool ok = true;
    for (size_t done = 0; ok && done < n;) {
        unsigned k = chunk(n - done);
        size_t m = (size_t)1 << k;
        sqlite3_stmt *q = batch_stmt(s, STORE_BATCH_STATE, k, f);
        if (!q)
            return false;
        sqlite3_bind_text(q, 1, store_journal_state_name(
                              (store_journal_state_t)state), -1,
                          SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, at_ms);
        sqlite3_bind_int64(q, 3, run);
        for (size_t i = 0; i < m; i++)
            sqlite3_bind_int64(q, (int)(batches[STORE_BATCH_STATE].shared
                                        + i + 1), seqs[done + i]);
        ok = run_batch(s, q, STORE_BATCH_STATE, f);
        if (ok && (size_t)sqlite3_changes(s->db) != m && f->rc == SQLITE_OK) {
            f->run = run;
            f->n = m;
            memcpy(f->seqs, seqs + done, m * sizeof(*seqs));
            ok = false;
        }
        done += m;
    }
    return ok;
}

/* Writes the changes of state of B: a group for each run and state, at
 * the time of the group's latest change (a row written is marked by a
 * NULL run). */
static bool write_state_batch(store_t *s, store_batch_t *b, batch_fail_t *f)
{
    size_t w = batches[STORE_BATCH_STATE].queued;
    int64_t seqs[STORE_BATCH_MAX];
    bool ok = true;
    for (size_t i = 0; ok && i < b->n; i++) {
        const store_param_t *first = b->params + i * w;
        if (first[0].type == SQLITE_NULL)
            continue;
        int64_t run = first[0].i, state = first[2].i, at = 0;
        size_t n = 0;
        for (size_t j = i; j < b->n && n < STORE_BATCH_MAX; j++) {
            store_param_t *r = b->params + j * w;
            if (r[0].type == SQLITE_NULL || r[0].i != run || r[2].i != state)
                continue;
            seqs[n++] = r[1].i;
            at = r[3].i > at ? r[3].i : at;
            r[0].type = SQLITE_NULL;
        }
        ok = write_states(s, run, state, at, seqs, n, f);
    }
    return ok;
}

/* Writes the batches B (all kinds), in order; the loop thread empties
 * them then (batches_reset), releasing their values. */
static bool write_batches(store_t *s, store_batch_t *b, batch_fail_t *f)
{
    bool ok = true;
    for (int id = 0; ok && id < STORE_N_BATCHES; id++)
        if (b[id].n)
            ok = id == STORE_BATCH_STATE
                 ? write_state_batch(s, &b[id], f)
                 : write_rows(s, &b[id], (store_batch_id_t)id, f);
    return ok;
}

/* ---- the writer thread --------------------------------------------------- */

static void writer_run(void *arg)
{
    store_writer_t *w = arg;
    uv_mutex_lock(&w->lock);
    for (;;) {
        while (!w->busy && !w->stop)
            uv_cond_wait(&w->cond, &w->lock);
        if (!w->busy)
            break;
        uv_mutex_unlock(&w->lock);
        write_batches(w->s, w->job, &w->fail);
        uv_mutex_lock(&w->lock);
        w->busy = false;
        uv_cond_broadcast(&w->cond);
    }
    uv_mutex_unlock(&w->lock);
}

/* Whether S's writer thread is still writing the job it was given. */
static bool writer_busy(store_t *s)
{
    store_writer_t *w = s->writer;
    uv_mutex_lock(&w->lock);
    bool busy = w->busy;
    uv_mutex_unlock(&w->lock);
    return busy;
}

/* S's writer thread, made on first use; NULL when it cannot be made (the
 * loop thread writes every batch then). */
static store_writer_t *writer(store_t *s)
{
    if (s->writer || s->no_writer)
        return s->writer;
    store_writer_t *w = calloc(1, sizeof(*w));
    bool lock = w && uv_mutex_init(&w->lock) == 0;
    bool cond = lock && uv_cond_init(&w->cond) == 0;
    if (w && cond) {
        w->s = s;
        if (uv_thread_create(&w->thread, writer_run, w) == 0)
            return s->writer = w;
    }
    if (cond)
        uv_cond_destroy(&w->cond);
    if (lock)
        uv_mutex_destroy(&w->lock);
    free(w);
    s->no_writer = true;
    return NULL;
}

/* Reports a failure F of writing batches; its status. */
static mig_status_t report(store_t *s, batch_fail_t *f)
{
    mig_status_t st = MIG_OK;
    if (f->rc != SQLITE_OK) {
        st = store_sql_report(s, f->rc, f->what, f->msg);
    } else if (f->n) {
        /* Which record is missing: the first not there. */
        st = MIG_EINVALID;
        int64_t missing = f->seqs[0];
        for (size_t i = 0; i < f->n; i++) {
            bool fresh;
            sqlite3_stmt *q = store_stmt(s, STORE_SQL_JOURNAL_HAS, &fresh);
            if (!q)
                break;
            sqlite3_bind_int64(q, 1, f->run);
            sqlite3_bind_int64(q, 2, f->seqs[i]);
            bool there = sqlite3_step(q) == SQLITE_ROW
                         && sqlite3_column_int64(q, 0) > 0;
            store_stmt_done(q, fresh);
            if (!there) {
                missing = f->seqs[i];
                break;
            }
        }
        diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "run %" PRId64 " has no "
                 "journal record %" PRId64, f->run, missing);
    }
    free(f->msg);
    *f = (batch_fail_t){ 0 };
    return st;
}

/* Takes back the job of S's writer thread, waiting for it: MIG_OK, or
 * the failure of writing it (reported). */
static mig_status_t take_back(store_t *s)
{
    if (!s->job_out)
        return MIG_OK;
    store_writer_t *w = s->writer;
    uv_mutex_lock(&w->lock);
    while (w->busy)
        uv_cond_wait(&w->cond, &w->lock);
    uv_mutex_unlock(&w->lock);
    s->job_out = false;
    batches_reset(w->job);
    return report(s, &w->fail);
}

/* The end of writing batches that returned ST: a failure forgets what is
 * queued, rolls the transaction back (a constraint leaves it open: it is
 * rolled back all the same, the queued writes having been promised) and
 * fails the store. */
static mig_status_t written(store_t *s, mig_status_t st)
{
    s->hold_queue = false;
    return st == MIG_OK ? MIG_OK : store_fail(s, st);
}

/* Writes the queued batches B on the loop thread, and empties them. */
static mig_status_t write_here(store_t *s, store_batch_t *b)
{
    batch_fail_t f = { 0 };
    write_batches(s, b, &f);
    batches_reset(b);
    return report(s, &f);
}

/* Whether a queued change of state names a queued intent. */
static bool names_queued_intent(const store_t *s)
{
    const store_batch_t *in = &s->batch[STORE_BATCH_INTENT];
    const store_batch_t *ch = &s->batch[STORE_BATCH_STATE];
    size_t wi = batches[STORE_BATCH_INTENT].queued;
    size_t wc = batches[STORE_BATCH_STATE].queued;
    for (size_t i = 0; i < ch->n; i++)
        for (size_t j = 0; j < in->n; j++)
            if (ch->params[i * wc].i == in->params[j * wi].i
                && ch->params[i * wc + 1].i == in->params[j * wi + 1].i)
                return true;
    return false;
}

/* Batch ID is full. With a writer thread, every queued batch goes to it
 * (once it is done with the job it had): the batches fill together, a
 * step queueing a row in each, and one job a STORE_BATCH_HANDOFF steps
 * leaves the thread time to write it while the loop goes on. Without
 * one, or while a *_each walk holds a statement of the connection, batch
 * ID is written here (the intents first when its states name one of
 * them), the others staying queued. */
static mig_status_t batch_full(store_t *s, store_batch_id_t id)
{
    s->hold_queue = true;
    mig_status_t st = take_back(s);
    store_writer_t *w = st == MIG_OK && !s->iterating ? writer(s) : NULL;
    if (st == MIG_OK && !w) {
        bool intents = id == STORE_BATCH_STATE && names_queued_intent(s);
        store_batch_t part[STORE_N_BATCHES] = { 0 };
        for (int i = 0; i < STORE_N_BATCHES; i++)
            if (i == (int)id || (intents && i == STORE_BATCH_INTENT)) {
                part[i] = s->batch[i];
                s->batch[i] = (store_batch_t){ 0 };
                s->n_queued -= part[i].n;
            }
        st = write_here(s, part);
        for (int i = 0; i < STORE_N_BATCHES; i++)
            if (i == (int)id || (intents && i == STORE_BATCH_INTENT))
                s->batch[i] = part[i];      /* emptied, kept for reuse */
        return written(s, st);
    }
    if (st == MIG_OK) {
        /* The job's batches are empty: trade them for the queued ones. */
        for (int i = 0; i < STORE_N_BATCHES; i++) {
            store_batch_t tmp = w->job[i];
            w->job[i] = s->batch[i];
            s->batch[i] = tmp;
        }
        s->n_queued = 0;
        uv_mutex_lock(&w->lock);
        w->busy = true;
        uv_cond_signal(&w->cond);
        uv_mutex_unlock(&w->lock);
        s->job_out = true;
    }
    return written(s, st);
}

/* ---- draining ------------------------------------------------------------- */

/* The writer's job is taken back whatever HOLD_QUEUE says: the loop
 * thread is about to use the connection. */
mig_status_t store_batch_drain(store_t *s)
{
    if (s->job_out) {
        bool hold = s->hold_queue;
        s->hold_queue = true;
        mig_status_t st = take_back(s);
        if (st != MIG_OK)
            return written(s, st);
        s->hold_queue = hold;
    }
    if (s->hold_queue || !s->n_queued)
        return MIG_OK;
    s->hold_queue = true;
    s->n_queued = 0;
    return written(s, write_here(s, s->batch));
}

void store_batch_discard(store_t *s)
{
    if (s->job_out) {
        store_writer_t *w = s->writer;
        uv_mutex_lock(&w->lock);
        while (w->busy)
            uv_cond_wait(&w->cond, &w->lock);
        uv_mutex_unlock(&w->lock);
        s->job_out = false;
        batches_reset(w->job);
        free(w->fail.msg);
        w->fail = (batch_fail_t){ 0 };
    }
    batches_reset(s->batch);
    s->n_queued = 0;
}

void store_batch_free(store_t *s)
{
    store_batch_discard(s);
    store_writer_t *w = s->writer;
    if (w) {
        uv_mutex_lock(&w->lock);
        w->stop = true;
        uv_cond_signal(&w->cond);
        uv_mutex_unlock(&w->lock);
        uv_thread_join(&w->thread);
        uv_cond_destroy(&w->cond);
        uv_mutex_destroy(&w->lock);
        for (int id = 0; id < STORE_N_BATCHES; id++) {
            free(w->job[id].params);
            strbuf_free(&w->job[id].text);
        }
        free(w);
        s->writer = NULL;
    }
    for (int id = 0; id < STORE_N_BATCHES; id++) {
        for (int k = 0; k < STORE_BATCH_SIZES; k++) {
            sqlite3_finalize(s->batch_stmt[id][k]);
            s->batch_stmt[id][k] = NULL;
        }
        free(s->batch[id].params);
        strbuf_free(&s->batch[id].text);
        s->batch[id] = (store_batch_t){ 0 };
    }
}
