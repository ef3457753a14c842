/* store_baseline.c: the drift baseline, what `mig drift` compares a
 * registry with: per registry a successful run wrote, its records' drift
 * digests and the objects holding their content, recorded in the
 * transaction that ends the run (runtime/baseline.c). docs/state.md,
 * "baseline_registries" and "baseline_records". */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

mig_status_t store_baseline_db(store_t *s, int64_t run, const char *db,
                               int64_t records)
{
    static const char what[] = "record a drift baseline";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_BASELINE_DB_PUT, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, run);
    store_bind_str(q, 2, db);
    sqlite3_bind_int64(q, 3, records);
    st = store_write_step(s, q, fresh, what, NULL);
    return store_write_end(s, st);
}

mig_status_t store_baseline_put(store_t *s, int64_t run, const char *db,
                                const store_baseline_t *rec)
{
    static const char what[] = "record a drift baseline";
    bool fresh;
    mig_status_t st;
    if (s->defer) {
        st = store_write_begin(s, what, true);
        return store_write_end(s, st == MIG_OK
                               ? store_batch_baseline(s, run, db, rec) : st);
    }
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_BASELINE_PUT, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, run);
    store_bind_str(q, 2, db);
    store_bind_str(q, 3, rec->kind);
    store_bind_str(q, 4, rec->name);
    store_bind_str(q, 5, rec->digest);
    st = store_write_step(s, q, fresh, what, NULL);
    return store_write_end(s, st);
}

mig_status_t store_baseline_content_put(store_t *s, const char *hex,
                                        const char *text, size_t len)
{
    static const char what[] = "record a drift baseline";
    bool fresh;
    mig_status_t st;
    if (s->defer) {
        st = store_write_begin(s, what, true);
        return store_write_end(s, st == MIG_OK
                               ? store_batch_content(s, hex, text, len) : st);
    }
    sqlite3_stmt *q = store_write_prepare(s, STORE_SQL_BASELINE_OBJECT_PUT,
                                          what, &fresh, &st);
    if (!q)
        return st;
    store_bind_str(q, 1, hex);
    sqlite3_bind_text(q, 2, text, (int)len, SQLITE_TRANSIENT);
    st = store_write_step(s, q, fresh, what, NULL);
    return store_write_end(s, st);
}

mig_status_t store_baseline_content(store_t *s, blobs_t *blobs,
                                    const char *hex, strbuf_t *out)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_BASELINE_OBJECT_GET, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    store_bind_str(q, 1, hex);
    int rc = sqlite3_step(q);
    mig_status_t st = MIG_OK;
    if (rc == SQLITE_ROW) {
        strbuf_put(out, (const char *)sqlite3_column_text(q, 0),
                   (size_t)sqlite3_column_bytes(q, 0));
        if (out->oom)
            st = MIG_ENOMEM;
    } else if (rc != SQLITE_DONE) {
        st = store_sql_fail(s, rc, "read a drift baseline");
    }
    store_stmt_done(q, fresh);
    if (st == MIG_OK && rc == SQLITE_DONE)      /* recorded before 11 */
        st = blobs ? blobs_get(blobs, hex, out) : MIG_EIO;
    return st;
}

/* Calls FN_REC for each record of registry DB of RUN. */
static mig_status_t each_record(store_t *s, int64_t run, const char *db,
                                bool (*fn_rec)(void *data, const char *db,
                                               const store_baseline_t *rec),
                                void *data, bool *stop)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_BASELINE_EACH, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, run);
    store_bind_str(q, 2, db);
    int rc;
    s->iterating++;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        store_baseline_t rec = { .kind = store_column_text(q, 0),
                                 .name = store_column_text(q, 1),
                                 .digest = store_column_text(q, 2) };
        if (!fn_rec(data, db, &rec)) {
            *stop = true;
            break;
        }
    }
    s->iterating--;
    mig_status_t st = MIG_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = store_sql_fail(s, rc, "read a drift baseline");
    store_stmt_done(q, fresh);
    return st;
}

mig_status_t store_baseline_each(store_t *s, int64_t run,
                                 bool (*fn)(void *data, const char *db,
                                            int64_t records),
                                 bool (*fn_rec)(void *data, const char *db,
                                                const store_baseline_t *rec),
                                 void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_BASELINE_DB_EACH, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, run);
    mig_status_t st = MIG_OK;
    bool stop = false;
    int rc;
    s->iterating++;
    while (st == MIG_OK && !stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        /* The text is the statement's until its next step: copied. */
        char *db = strdup(store_column_text(q, 0));
        if (!db) {
            st = MIG_ENOMEM;
            break;
        }
        if (!fn(data, db, sqlite3_column_int64(q, 1)))
            stop = true;
        else if (fn_rec)
            st = each_record(s, run, db, fn_rec, data, &stop);
        free(db);
    }
    s->iterating--;
    if (st == MIG_OK && !stop && rc != SQLITE_DONE)
        st = store_sql_fail(s, rc, "read a drift baseline");
    store_stmt_done(q, fresh);
    return st;
}

mig_status_t store_run_last_succeeded(store_t *s, const char *plan_path,
                                      const char *profile, int64_t *id)
{
    *id = 0;
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_RUN_LAST_SUCCEEDED, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    store_bind_str(q, 1, plan_path);
    store_bind_str(q, 2, profile);
    int rc = sqlite3_step(q);
    mig_status_t st = MIG_OK;
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(q, 0);
    else
        st = store_sql_fail(s, rc, "read the runs");
    store_stmt_done(q, fresh);
    return st;
}
