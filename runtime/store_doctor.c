/* store_doctor.c: what `mig doctor` asks of the state store itself
 * (runtime/doctor.c; docs/doctor.md): SQLite's integrity check of the
 * file, and every lock held with whether its holder can still be alive.
 * Read-only: nothing here writes. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

mig_status_t store_integrity(store_t *s,
                             bool (*fn)(void *data, const char *problem),
                             void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_INTEGRITY, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *line = store_column_text(q, 0);
        if (line && strcmp(line, "ok") != 0 && !fn(data, line))
            break;
    }
    /* A file damaged where the check itself cannot read it: that is its
     * finding too. */
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        fn(data, sqlite3_errmsg(s->db));
    store_stmt_done(q, fresh);
    return MIG_OK;
}

mig_status_t store_lock_each(store_t *s,
                             bool (*fn)(void *data, const store_lock_t *l,
                                        bool alive),
                             void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_LOCK_EACH, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    int64_t now = store_now_ms();
    int rc;
    s->iterating++;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        store_lock_t l = {
            .resource = (char *)store_column_text(q, 0),
            .run = sqlite3_column_int64(q, 1),
            .pid = sqlite3_column_int64(q, 2),
            .host = (char *)store_column_text(q, 3),
            .since_ms = sqlite3_column_int64(q, 4),
            .heartbeat_ms = sqlite3_column_int64(q, 5),
            .expires_ms = sqlite3_column_int64(q, 6),
            .fence = sqlite3_column_int64(q, 7),
        };
        bool alive = l.expires_ms >= now && store_process_alive(l.pid, l.host);
        if (!fn(data, &l, alive))
            break;
    }
    s->iterating--;
    mig_status_t st = MIG_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = store_sql_report(s, rc, "read the locks", sqlite3_errmsg(s->db));
    store_stmt_done(q, fresh);
    return st;
}
