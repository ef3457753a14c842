/* store_snapshot.c: the snapshots' rows (docs/state.md, "snapshots";
 * docs/snapshots.md): one per snapshot, 'creating' while its objects are
 * written, then 'complete' with its manifest's object and its digest.
 * What a snapshot holds is in its manifest, in the object store
 * (runtime/snapshot.c). */
#include "store_int.h"

#include <string.h>

mig_status_t store_snapshot_begin(store_t *s, store_snapshot_t *snap)
{
    static const char what[] = "record a snapshot";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_SNAPSHOT_INSERT, what, &fresh, &st);
    if (!q)
        return st;
    store_bind_str(q, 1, snap->name);
    store_bind_str(q, 2, snap->note);
    store_bind_str(q, 3, snap->plan_path);
    store_bind_str(q, 4, snap->plan_name);
    if (snap->run > 0)
        sqlite3_bind_int64(q, 5, snap->run);
    else
        sqlite3_bind_null(q, 5);
    store_bind_str(q, 6, snap->host);
    sqlite3_bind_int64(q, 7, snap->pid);
    sqlite3_bind_int64(q, 8, snap->created_ms);
    st = store_write_step(s, q, fresh, what, NULL);
    if (st == MIG_OK)
        snap->id = sqlite3_last_insert_rowid(s->db);
    return store_write_end(s, st);
}

mig_status_t store_snapshot_finish(store_t *s, const store_snapshot_t *snap)
{
    static const char what[] = "record a snapshot";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_SNAPSHOT_FINISH, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, snap->id);
    store_bind_str(q, 2, snap->manifest);
    store_bind_str(q, 3, snap->digest);
    sqlite3_bind_int64(q, 4, snap->entries);
    sqlite3_bind_int64(q, 5, snap->bytes);
    st = store_write_step(s, q, fresh, what, NULL);
    return store_write_end(s, st);
}

mig_status_t store_snapshot_delete(store_t *s, int64_t id)
{
    static const char what[] = "forget a snapshot";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_SNAPSHOT_DELETE, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, id);
    st = store_write_step(s, q, fresh, what, NULL);
    return store_write_end(s, st);
}

mig_status_t store_snapshot_each(store_t *s,
                                 bool (*fn)(void *data,
                                            const store_snapshot_t *snap),
                                 void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_SNAPSHOT_EACH, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    int rc;
    s->iterating++;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *state = store_column_text(q, 6);
        store_snapshot_t snap = {
            .id = sqlite3_column_int64(q, 0),
            .name = store_column_text(q, 1),
            .note = store_column_text(q, 2),
            .plan_path = store_column_text(q, 3),
            .plan_name = store_column_text(q, 4),
            .run = sqlite3_column_int64(q, 5),
            .complete = state && strcmp(state, "complete") == 0,
            .manifest = store_column_text(q, 7),
            .digest = store_column_text(q, 8),
            .entries = sqlite3_column_int64(q, 9),
            .bytes = sqlite3_column_int64(q, 10),
            .host = store_column_text(q, 11),
            .pid = sqlite3_column_int64(q, 12),
            .created_ms = sqlite3_column_int64(q, 13),
        };
        if (!fn(data, &snap))
            break;
    }
    s->iterating--;
    mig_status_t st = MIG_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = store_sql_fail(s, rc, "read the snapshots");
    store_stmt_done(q, fresh);
    return st;
}
