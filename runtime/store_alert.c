/* store_alert.c: the firings of mig.yaml's alerts (docs/alerts.md, the
 * table alerts of docs/state.md), written as a run fires them and read
 * by `mig status`; and the history slow_run compares a run with. */
#include "store_int.h"

#include <string.h>

mig_status_t store_alert_put(store_t *s, const store_alert_t *a)
{
    static const char what[] = "record an alert";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q = store_write_prepare(s, STORE_SQL_ALERT_PUT, what, &fresh,
                                          &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, a->run);
    sqlite3_bind_int64(q, 2, a->at_ms);
    store_bind_str(q, 3, a->condition);
    store_bind_str(q, 4, a->payload);
    store_bind_str(q, 5, a->delivery);
    store_bind_str(q, 6, a->error);
    st = store_write_step(s, q, fresh, what, NULL);
    return store_write_end(s, st);
}

mig_status_t store_alert_each(store_t *s, int64_t run,
                              bool (*fn)(void *data, const store_alert_t *a),
                              void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_ALERT_EACH, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, run);
    int rc;
    s->iterating++;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        store_alert_t a = { .run = sqlite3_column_int64(q, 0),
                            .at_ms = sqlite3_column_int64(q, 1),
                            .condition = store_column_text(q, 2),
                            .payload = store_column_text(q, 3),
                            .delivery = store_column_text(q, 4),
                            .error = sqlite3_column_type(q, 5) == SQLITE_NULL
                                     ? NULL : store_column_text(q, 5) };
        if (!fn(data, &a))
            break;
    }
    s->iterating--;
    mig_status_t st = MIG_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = store_sql_fail(s, rc, "read the alerts");
    store_stmt_done(q, fresh);
    return st;
}

mig_status_t store_run_durations(store_t *s, const char *plan_path,
                                 int64_t before, int64_t *ms, size_t *n)
{
    *n = 0;
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_SLOW_HISTORY, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    store_bind_str(q, 1, plan_path);
    sqlite3_bind_int64(q, 2, before);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < 20)
        ms[(*n)++] = sqlite3_column_int64(q, 0);
    mig_status_t st = MIG_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = store_sql_fail(s, rc, "read the run history");
    store_stmt_done(q, fresh);
    return st;
}
