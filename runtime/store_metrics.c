/* store_metrics.c: what `mig metrics`, the server's /metrics and `mig
 * status --watch` read of a state store (docs/metrics.md): the commit
 * latency of this process's store, the gauges a running run writes about
 * once a second (the table run_gauges), and the counts and events the
 * metrics are made of, each read in one statement. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const double store_commit_bounds_s[STORE_COMMIT_BUCKETS] = {
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
};

double store_clock_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void store_commit_timed(store_t *s, double secs)
{
    store_commits_t *c = &s->commit_stats;
    c->count++;
    c->sum_s += secs;
    for (int i = 0; i < STORE_COMMIT_BUCKETS; i++)
        if (secs <= store_commit_bounds_s[i])
            c->le[i]++;
}

void store_commit_stats(const store_t *s, store_commits_t *out)
{
    *out = s->commit_stats;
}

/* ---- the gauges of a running run ---------------------------------------- */

mig_status_t store_gauges_put(store_t *s, const store_gauges_t *g)
{
    static const char what[] = "record a run's gauges";
    char buckets[STORE_COMMIT_BUCKETS * 24 + 4];
    size_t len = 0;
    buckets[len++] = '[';
    for (int i = 0; i < STORE_COMMIT_BUCKETS; i++)
        len += (size_t)snprintf(buckets + len, sizeof buckets - len, "%s%lld",
                                i ? "," : "", (long long)g->commits.le[i]);
    snprintf(buckets + len, sizeof buckets - len, "]");
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_GAUGES_PUT, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, g->run);
    sqlite3_bind_int64(q, 2, g->at_ms ? g->at_ms : store_now_ms());
    sqlite3_bind_int64(q, 3, g->in_flight);
    sqlite3_bind_int64(q, 4, g->queued);
    sqlite3_bind_int64(q, 5, g->commits.count);
    sqlite3_bind_double(q, 6, g->commits.sum_s);
    store_bind_str(q, 7, buckets);
    st = store_write_step(s, q, fresh, what, NULL);
    return store_write_end(s, st);
}

/* Reads the JSON list of counts TEXT into LE; false when it is not
 * STORE_COMMIT_BUCKETS whole numbers. */
static bool read_buckets(const char *text, int64_t le[STORE_COMMIT_BUCKETS])
{
    const char *p = text ? text : "";
    if (*p++ != '[')
        return false;
    for (int i = 0; i < STORE_COMMIT_BUCKETS; i++) {
        char *end;
        le[i] = strtoll(p, &end, 10);
        if (end == p || *end != (i + 1 < STORE_COMMIT_BUCKETS ? ',' : ']'))
            return false;
        p = end + 1;
    }
    return *p == '\0';
}

/* Reads the gauges of Q's row (GAUGES_GET, GAUGES_EACH) into *G. */
static mig_status_t read_gauges(store_t *s, sqlite3_stmt *q, store_gauges_t *g)
{
    *g = (store_gauges_t){
        .at_ms = sqlite3_column_int64(q, 0),
        .in_flight = sqlite3_column_int64(q, 1),
        .queued = sqlite3_column_int64(q, 2),
        .commits.count = sqlite3_column_int64(q, 3),
        .commits.sum_s = sqlite3_column_double(q, 4),
        .run = sqlite3_column_int64(q, 6),
    };
    if (read_buckets(store_column_text(q, 5), g->commits.le))
        return MIG_OK;
    return store_sql_report(s, SQLITE_CORRUPT, "read a run's gauges",
                            "its commit buckets are not a list of counts");
}

mig_status_t store_gauges_get(store_t *s, int64_t run, store_gauges_t *g,
                              bool *found)
{
    memset(g, 0, sizeof *g);
    *found = false;
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_GAUGES_GET, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, run);
    int rc = sqlite3_step(q);
    mig_status_t st = MIG_OK;
    if (rc == SQLITE_ROW) {
        st = read_gauges(s, q, g);
        *found = st == MIG_OK;
    } else if (rc != SQLITE_DONE) {
        st = store_sql_fail(s, rc, "read a run's gauges");
    }
    store_stmt_done(q, fresh);
    return st;
}

mig_status_t store_gauges_each(store_t *s,
                               bool (*fn)(void *data, const store_gauges_t *g),
                               void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_GAUGES_EACH, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    int rc;
    mig_status_t st = MIG_OK;
    s->iterating++;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        store_gauges_t g;
        if ((st = read_gauges(s, q, &g)) != MIG_OK || !fn(data, &g))
            break;
    }
    s->iterating--;
    if (st == MIG_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = store_sql_fail(s, rc, "read the runs' gauges");
    store_stmt_done(q, fresh);
    return st;
}

/* ---- counts and events ---------------------------------------------------- */

mig_status_t store_count_each(store_t *s, store_count_t what,
                              bool (*fn)(void *data, const char *key,
                                         int64_t n, int64_t sum),
                              void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, what == STORE_COUNT_RUNS
                                        ? STORE_SQL_COUNT_RUNS
                                        : STORE_SQL_COUNT_STEPS, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    int rc;
    s->iterating++;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (!fn(data, store_column_text(q, 0), sqlite3_column_int64(q, 1),
                (int64_t)sqlite3_column_double(q, 2)))
            break;
    s->iterating--;
    mig_status_t st = MIG_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = store_sql_fail(s, rc, "count the runs and steps");
    store_stmt_done(q, fresh);
    return st;
}

mig_status_t store_runs_running(store_t *s, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_RUNS_RUNNING, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    size_t cap = 0;
    mig_status_t st = MIG_OK;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            int64_t *more = realloc(*ids, cap * sizeof *more);
            if (!more) {
                st = MIG_ENOMEM;
                break;
            }
            *ids = more;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(q, 0);
    }
    if (st == MIG_OK && rc != SQLITE_DONE)
        st = store_sql_fail(s, rc, "list the running runs");
    store_stmt_done(q, fresh);
    if (st != MIG_OK) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return st;
}

mig_status_t store_metric_events(store_t *s,
                                 bool (*fn)(void *data,
                                            const store_metric_event_t *e),
                                 void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_METRIC_EVENTS, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    int rc;
    s->iterating++;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        store_metric_event_t e = {
            .run = sqlite3_column_int64(q, 0),
            .at_ms = sqlite3_column_int64(q, 1),
            .kind = store_column_text(q, 2), .cls = store_column_text(q, 3),
            .strategy = store_column_text(q, 4),
            .decision = store_column_text(q, 5),
            .breaker = store_column_text(q, 6),
            .matched = sqlite3_column_type(q, 7) == SQLITE_NULL
                ? -1 : sqlite3_column_int(q, 7) != 0,
        };
        if (!fn(data, &e))
            break;
    }
    s->iterating--;
    mig_status_t st = MIG_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = store_sql_fail(s, rc, "read the events metrics count");
    store_stmt_done(q, fresh);
    return st;
}
