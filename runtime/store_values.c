/* store_values.c: values kept once in the state store (store_int.h,
 * "Values kept once"; docs/state.md, "value_objects"). A step's result
 * and the next step's arguments often carry the same map (a normalised
 * descriptor, then the put that stores it): the map is written once, to
 * value_objects under an id, and each row that carries it names it
 * there. Which maps are kept is settled on the loop thread as the rows
 * are queued; their JSON is written with the batch, by the writer thread
 * when it takes it (store_batch.c); read back by store_step_each and
 * store_journal_each,
 * so that every reader sees the values whole, as before. */
#include "store_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- the maps kept lately ------------------------------------------------ */

/* Whether K names a row that is in, or will be with the open
 * transaction: queued in it, or in one committed (a transaction rolled
 * back took its rows with it). */
static bool kept_valid(const store_t *s, const store_value_kept_t *k)
{
    return (s->in_txn && k->txn == s->txn) || k->txn <= s->committed_txn;
}

/* The slot that remembers V, or NULL. */
static store_value_kept_t *kept_find(store_t *s, const val_t *v)
{
    for (size_t i = 0; i < STORE_VALUE_RING; i++)
        if (s->kept[i].v == v)
            return &s->kept[i];
    return NULL;
}

/* Remembers V (a reference taken) as kept as ID by the open
 * transaction, in slot K when V had one, else in the oldest. */
static void kept_put(store_t *s, store_value_kept_t *k, const val_t *v,
                     int64_t id)
{
    if (!k) {
        k = &s->kept[s->kept_next];
        s->kept_next = (s->kept_next + 1) % STORE_VALUE_RING;
        val_unref(k->v);
        k->v = val_ref((val_t *)v);
    }
    k->txn = s->txn;
    k->id = id;
}

void store_values_rolled_back(store_t *s)
{
    for (size_t i = 0; i < STORE_VALUE_RING; i++)
        if (s->kept[i].v && s->kept[i].txn == s->txn) {
            val_unref(s->kept[i].v);
            s->kept[i] = (store_value_kept_t){ 0 };
        }
}

void store_values_forget(store_t *s)
{
    for (size_t i = 0; i < STORE_VALUE_RING; i++) {
        val_unref(s->kept[i].v);
        s->kept[i] = (store_value_kept_t){ 0 };
    }
    s->kept_next = 0;
}

/* ---- writing ------------------------------------------------------------- */

/* The id E (a map) is kept as, queueing its row when it was not kept
 * lately; 0 when that failed (*ST set). */
static int64_t keep(store_t *s, const val_t *e, mig_status_t *st)
{
    store_value_kept_t *k = kept_find(s, e);
    if (k && kept_valid(s, k))
        return k->id;
    int64_t id;
    *st = store_seq_next(s, &s->value_seq, STORE_SQL_VALUE_LAST, 0, &id);
    if (*st == MIG_OK)
        *st = store_batch_value(s, id, e);
    if (*st != MIG_OK)
        return 0;
    store_seq_taken(&s->value_seq, id);
    kept_put(s, k, e, id);
    return id;
}

mig_status_t store_values_plan(store_t *s, const val_t *v, uint64_t *mask,
                               strbuf_t *refs)
{
    *mask = 0;
    refs->len = 0;
    if (val_type(v) != VAL_MAP)
        return MIG_OK;
    size_t n = val_len(v) < 64 ? val_len(v) : 64;
    mig_status_t st = MIG_OK;
    for (size_t i = 0; i < n && st == MIG_OK; i++) {
        const val_t *e = val_map_value(v, i);
        if (val_type(e) != VAL_MAP || val_size(e) < STORE_VALUE_MIN)
            continue;
        int64_t id = keep(s, e, &st);
        if (!id)
            continue;
        *mask |= (uint64_t)1 << i;
        strbuf_putc(refs, refs->len ? ',' : '{');
        val_to_json(val_map_key(v, i), refs, 0);
        strbuf_printf(refs, ":%" PRId64, id);
    }
    if (refs->len)
        strbuf_putc(refs, '}');
    if (st == MIG_OK && refs->oom)
        st = MIG_ENOMEM;
    if (st == MIG_ENOMEM)
        diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "out of memory writing "
                 "to '%s'", s->path);
    return st;
}

void store_values_json(const val_t *v, uint64_t mask, strbuf_t *out)
{
    if (!mask) {
        val_to_json(v, out, VAL_JSON_SEALED);
        return;
    }
    strbuf_putc(out, '{');
    for (size_t i = 0; i < val_len(v); i++) {
        if (i)
            strbuf_putc(out, ',');
        val_to_json(val_map_key(v, i), out, 0);
        strbuf_putc(out, ':');
        if (i < 64 && (mask >> i & 1))
            strbuf_puts(out, "null");
        else
            val_to_json(val_map_value(v, i), out, VAL_JSON_SEALED);
    }
    strbuf_putc(out, '}');
}

/* ---- reading ------------------------------------------------------------- */

/* Reports that a row names a kept value the store does not hold (ID),
 * or names one in a form mig never writes (TEXT, the names). */
static mig_status_t damaged(store_t *s, const char *column, int64_t id,
                            const char *text)
{
    diag_t *d = id
        ? diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "the state store '%s' "
                   "is damaged: %s names the kept value %" PRId64 ", which "
                   "it does not hold", s->path, column, id)
        : diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "the state store '%s' "
                   "is damaged: %s is '%s'", s->path, column,
                   text ? text : "NULL");
    diag_hint(&s->diags, d, STORE_DAMAGED_HINT);
    return MIG_EIO;
}

/* The value kept as ID into *OUT. */
static mig_status_t fetch(store_t *s, const char *column, int64_t id,
                          val_t **out)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_VALUE_GET, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    mig_status_t st = rc == SQLITE_ROW ? store_column_value(s, q, 0, out)
        : rc == SQLITE_DONE ? damaged(s, column, id, NULL)
        : store_sql_fail(s, rc, "read a kept value");
    store_stmt_done(q, fresh);
    return st;
}

mig_status_t store_column_refs(store_t *s, sqlite3_stmt *q, int col,
                               int refs, val_t **out)
{
    mig_status_t st = store_column_value(s, q, col, out);
    if (st != MIG_OK || sqlite3_column_type(q, refs) == SQLITE_NULL)
        return st;
    const char *column = sqlite3_column_name(q, refs);
    val_t *names = NULL;
    st = store_column_value(s, q, refs, &names);
    const char *text = store_column_text(q, refs);
    if (st == MIG_OK && (val_type(names) != VAL_MAP
                         || val_type(*out) != VAL_MAP))
        st = damaged(s, column, 0, text);
    for (size_t i = 0; st == MIG_OK && i < val_len(names); i++) {
        size_t len;
        const char *key = val_get_str(val_map_key(names, i), &len);
        const val_t *id = val_map_value(names, i);
        val_t *v = NULL;
        st = val_is_int(id) && val_get_int(id) > 0
             ? fetch(s, column, val_get_int(id), &v)
             : damaged(s, column, 0, text);
        if (st == MIG_OK)
            st = val_map_set_take(*out, key, len, v) == MIG_OK ? MIG_OK
                                                               : MIG_ENOMEM;
    }
    val_unref(names);
    if (st != MIG_OK) {
        val_unref(*out);
        *out = NULL;
    }
    return st;
}
