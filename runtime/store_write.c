/* store_write.c: the state store's SQLite backend, its writing half: the
 * writes of runs, steps, the journal, checkpoints, events and counters,
 * each inside the grouped transaction store.c opens (store_write_prepare),
 * with the values bound as JSON and the positions of new rows counted per
 * transaction. All their SQL is in store_int.h; docs/state.md describes
 * the rows. */
#include "store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

mig_status_t store_seq_next(store_t *s, store_seq_t *c, store_stmt_id_t last,
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

void store_seq_taken(store_seq_t *c, int64_t seq)
{
    c->next = seq + 1;
}

/* ---- runs, steps, journal, checkpoints, events, counters --------------- */

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
        st = store_seq_next(s, &s->journal_seq, STORE_SQL_JOURNAL_LAST, run, &seq);
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
        store_seq_taken(&s->journal_seq, seq);
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

/* The number of records LO <= SEQ <= HI of RUN, or -1 when the store
 * failed (reported). */
static int64_t journal_count(store_t *s, int64_t run, int64_t lo, int64_t hi)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_JOURNAL_COUNT, &fresh);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, lo);
    sqlite3_bind_int64(q, 3, hi);
    int rc = sqlite3_step(q);
    int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    if (rc != SQLITE_ROW)
        store_sql_fail(s, rc, "read the journal");
    store_stmt_done(q, fresh);
    return n;
}

mig_status_t store_journal_mark_undone(store_t *s, int64_t run, int64_t lo,
                                       int64_t hi)
{
    static const char what[] = "mark journal records undone";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_UNDONE_PUT, what, &fresh, &st);
    if (!q)
        return st;
    int64_t n = lo <= hi ? journal_count(s, run, lo, hi) : 0;
    if (n < 0) {
        store_stmt_done(q, fresh);
        return store_write_end(s, s->sticky ? s->sticky : MIG_EIO);
    }
    if (n != hi - lo + 1 || lo > hi) {
        store_stmt_done(q, fresh);
        diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "run %" PRId64 " lacks "
                 "journal records between %" PRId64 " and %" PRId64, run, lo,
                 hi);
        return store_write_end(s, MIG_EINVALID);
    }
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, lo);
    sqlite3_bind_int64(q, 3, hi);
    sqlite3_bind_int64(q, 4, store_now_ms());
    st = store_write_step(s, q, fresh, what, NULL);
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
        st = store_seq_next(s, &s->event_seq, STORE_SQL_EVENT_LAST, run, &seq);
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
        store_seq_taken(&s->event_seq, seq);
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
