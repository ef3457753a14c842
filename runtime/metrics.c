/* metrics.c: a state store's metrics as Prometheus text (metrics.h,
 * docs/metrics.md). The store gives counts, the events metrics count and
 * the gauges of running runs (store_metrics.c); this file adds them up
 * and writes them, one family after another, in a fixed order. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

const double metrics_rollback_bounds_s[METRICS_ROLLBACK_BUCKETS] = {
    0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800,
};

/* ---- the format ------------------------------------------------------------ */

void metrics_escape(strbuf_t *out, const char *text, bool help)
{
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '\\')
            strbuf_puts(out, "\\\\");
        else if (*p == '\n')
            strbuf_puts(out, "\\n");
        else if (*p == '"' && !help)
            strbuf_puts(out, "\\\"");
        else
            strbuf_putc(out, *p);
    }
}

void metrics_family(strbuf_t *out, const char *name, const char *type,
                    const char *help)
{
    strbuf_printf(out, "# HELP %s ", name);
    metrics_escape(out, help, true);
    strbuf_printf(out, "\n# TYPE %s %s\n", name, type);
}

/* Appends V as the format writes a value: integers without a fraction,
 * +Inf for infinity. */
static void put_value(strbuf_t *out, double v)
{
    if (isinf(v))
        strbuf_puts(out, v > 0 ? "+Inf" : "-Inf");
    else if (v == floor(v) && fabs(v) < 9007199254740992.0)
        strbuf_printf(out, "%" PRId64, (int64_t)v);
    else
        strbuf_printf(out, "%.9g", v);
}

void metrics_sample(strbuf_t *out, const char *name,
                    const char *const *labels, size_t n, double value)
{
    strbuf_puts(out, name);
    for (size_t i = 0; i < n; i++) {
        strbuf_printf(out, "%s%s=\"", i ? "," : "{", labels[2 * i]);
        metrics_escape(out, labels[2 * i + 1], false);
        strbuf_putc(out, '"');
    }
    strbuf_puts(out, n ? "} " : " ");
    put_value(out, value);
    strbuf_putc(out, '\n');
}

/* A histogram's samples: NAME_bucket{LE...} with the cumulative counts
 * LE[I] for BOUNDS[I] and +Inf (COUNT), NAME_sum and NAME_count. */
static void put_histogram(strbuf_t *out, const char *name, const double *bounds,
                          const int64_t *le, size_t n, double sum,
                          int64_t count)
{
    char bucket[96], total[96], bound[32];
    snprintf(bucket, sizeof bucket, "%s_bucket", name);
    for (size_t i = 0; i <= n; i++) {
        if (i < n)
            snprintf(bound, sizeof bound, "%g", bounds[i]);
        const char *l[] = { "le", i < n ? bound : "+Inf" };
        metrics_sample(out, bucket, l, 1, (double)(i < n ? le[i] : count));
    }
    snprintf(total, sizeof total, "%s_sum", name);
    metrics_sample(out, total, NULL, 0, sum);
    snprintf(total, sizeof total, "%s_count", name);
    metrics_sample(out, total, NULL, 0, (double)count);
}

/* ---- what is added up ------------------------------------------------------- */

#define METRICS_ONE(e, name) +1
enum {
    N_RUN_STATES = 0 STORE_RUN_STATES(METRICS_ONE),
    N_STEP_STATES = 0 STORE_STEP_STATES(METRICS_ONE),
};
#undef METRICS_ONE

typedef struct tally {
    store_t *s;
    bool oom;
    val_t *runs, *steps;        /* state -> count (every state, 0 first) */
    val_t *counting;            /* which of them count_row adds to */
    int64_t attempts;
    int64_t *live;              /* the runs still running, ascending */
    size_t n_live;
    val_t *retries;             /* class -> count */
    val_t *recoveries;          /* "class\tstrategy" -> count */
    val_t *decisions;           /* decision -> count */
    val_t *moves;               /* breaker state -> transitions */
    val_t *breakers;            /* "run\tbreaker" -> its last state */
    int64_t rb_start_run, rb_start_ms;  /* the open rollback-start */
    int64_t rb_le[METRICS_ROLLBACK_BUCKETS], rb_count;
    double rb_sum;
    int64_t rb_matched, rb_unmatched;
    int64_t in_flight, queued;
    val_t *per_run;             /* run -> [in_flight, queued] (live runs) */
    store_commits_t commits;
} tally_t;

/* Adds BY to the count of KEY in MAP. */
static void bump(tally_t *t, val_t *map, const char *key, int64_t by)
{
    size_t len = strlen(key);
    val_t *v = val_map_get(map, key, len);
    int64_t n = (v ? val_get_int(v) : 0) + by;
    if (val_map_set_take(map, key, len, val_int(n)) != MIG_OK)
        t->oom = true;
}

static bool is_live(const tally_t *t, int64_t run)
{
    for (size_t i = 0; i < t->n_live; i++)
        if (t->live[i] == run)
            return true;
    return false;
}

static bool count_row(void *data, const char *key, int64_t n, int64_t sum)
{
    tally_t *t = data;
    bump(t, t->counting, key ? key : "", n);
    if (t->counting == t->steps)
        t->attempts += sum;
    return !t->oom;
}

/* Counts WHAT into *MAP: every one of the N NAMES at 0 first (so every
 * state has a sample), then the store's counts. */
static mig_status_t tally_counts(tally_t *t, store_count_t what, val_t **map,
                                 const char *(*name)(int i), int n)
{
    if (!(*map = val_map_new((size_t)n)))
        return MIG_ENOMEM;
    for (int i = 0; i < n; i++)
        bump(t, *map, name(i), 0);
    t->counting = *map;
    mig_status_t st = store_count_each(t->s, what, count_row, t);
    return st == MIG_OK && t->oom ? MIG_ENOMEM : st;
}

static const char *run_state(int i)
{
    return store_run_state_name((store_run_state_t)i);
}

static const char *step_state(int i)
{
    return store_step_state_name((store_step_state_t)i);
}

/* The runs by state, a run recorded running whose process is gone
 * counted as interrupted (store_run_liveness), and the live ones kept. */
static mig_status_t tally_runs(tally_t *t)
{
    mig_status_t st = tally_counts(t, STORE_COUNT_RUNS, &t->runs, run_state,
                                   N_RUN_STATES);
    int64_t *ids = NULL;
    size_t n = 0;
    if (st == MIG_OK)
        st = store_runs_running(t->s, &ids, &n);
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        store_run_t r;
        if ((st = store_run_get(t->s, ids[i], &r)) != MIG_OK)
            break;
        if (store_run_liveness(t->s, &r) == STORE_RUN_RUNNING) {
            ids[t->n_live++] = ids[i];
        } else {
            bump(t, t->runs, "running", -1);
            bump(t, t->runs, "interrupted", 1);
        }
        store_run_clear(&r);
    }
    t->live = ids;
    return st == MIG_OK && t->oom ? MIG_ENOMEM : st;
}

/* A rollback-done of run RUN at AT_MS: its duration, when its
 * rollback-start was seen. */
static void rollback_done(tally_t *t, const store_metric_event_t *e)
{
    if (e->matched > 0)
        t->rb_matched++;
    else if (e->matched == 0)
        t->rb_unmatched++;
    if (t->rb_start_run != e->run)
        return;
    double secs = (double)(e->at_ms - t->rb_start_ms) / 1000.0;
    t->rb_start_run = 0;
    t->rb_count++;
    t->rb_sum += secs;
    for (int i = 0; i < METRICS_ROLLBACK_BUCKETS; i++)
        if (secs <= metrics_rollback_bounds_s[i])
            t->rb_le[i]++;
}

static bool count_event(void *data, const store_metric_event_t *e)
{
    tally_t *t = data;
    char key[512];
    if (strcmp(e->kind, "retry-wait") == 0) {
        bump(t, t->retries, e->cls ? e->cls : "", 1);
    } else if (strcmp(e->kind, "recover") == 0) {
        snprintf(key, sizeof key, "%s\t%s", e->cls ? e->cls : "",
                 e->strategy ? e->strategy : "");
        bump(t, t->recoveries, key, 1);
    } else if (strcmp(e->kind, "decision") == 0) {
        bump(t, t->decisions, e->decision ? e->decision : "", 1);
    } else if (strncmp(e->kind, "breaker-", 8) == 0) {
        bump(t, t->moves, e->kind + 8, 1);
        snprintf(key, sizeof key, "%" PRId64 "\t%s", e->run,
                 e->breaker ? e->breaker : "");
        if (is_live(t, e->run)
            && val_map_set_take(t->breakers, key, strlen(key),
                                val_cstring(e->kind + 8)) != MIG_OK)
            t->oom = true;
    } else if (strcmp(e->kind, "rollback-start") == 0) {
        t->rb_start_run = e->run;
        t->rb_start_ms = e->at_ms;
    } else if (strcmp(e->kind, "rollback-done") == 0) {
        rollback_done(t, e);
    }
    return !t->oom;
}

static bool count_gauges(void *data, const store_gauges_t *g)
{
    tally_t *t = data;
    t->commits.count += g->commits.count;
    t->commits.sum_s += g->commits.sum_s;
    for (int i = 0; i < STORE_COMMIT_BUCKETS; i++)
        t->commits.le[i] += g->commits.le[i];
    if (!is_live(t, g->run))
        return true;
    t->in_flight += g->in_flight;
    t->queued += g->queued;
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, g->run);
    val_t *pair = val_list_new(2);
    if (!pair || val_list_push_take(pair, val_int(g->in_flight)) != MIG_OK
        || val_list_push_take(pair, val_int(g->queued)) != MIG_OK
        || val_map_set_take(t->per_run, key, strlen(key), pair) != MIG_OK)
        t->oom = true;
    return !t->oom;
}

static void tally_free(tally_t *t)
{
    val_unref(t->runs);
    val_unref(t->steps);
    free(t->live);
    val_unref(t->retries);
    val_unref(t->recoveries);
    val_unref(t->decisions);
    val_unref(t->moves);
    val_unref(t->breakers);
    val_unref(t->per_run);
}

/* ---- writing ---------------------------------------------------------------- */

/* Every sample of MAP (key -> count) as NAME{LABEL="key"}. */
static void put_map(strbuf_t *out, const char *name, const char *label,
                    const val_t *map)
{
    for (size_t i = 0; i < val_len(map); i++) {
        const char *l[] = { label, val_get_str(val_map_key(map, i), NULL) };
        metrics_sample(out, name, l, 1,
                       (double)val_get_int(val_map_value(map, i)));
    }
}

static void put_runs_steps(strbuf_t *out, const tally_t *t)
{
    metrics_family(out, "mig_runs", "gauge", "Runs in the state store by "
                   "state (a run whose process is gone counts as "
                   "interrupted).");
    put_map(out, "mig_runs", "state", t->runs);
    metrics_family(out, "mig_steps", "gauge", "Steps of every run (a node "
                   "for one item) by state.");
    put_map(out, "mig_steps", "state", t->steps);
    metrics_family(out, "mig_step_attempts_total", "counter", "Attempts of "
                   "every step, retries included.");
    metrics_sample(out, "mig_step_attempts_total", NULL, 0,
                   (double)t->attempts);
}

static void put_recovery(strbuf_t *out, const tally_t *t)
{
    metrics_family(out, "mig_retries_total", "counter", "Waits of retry "
                   "blocks before another attempt, by error class.");
    put_map(out, "mig_retries_total", "class", t->retries);
    metrics_family(out, "mig_recoveries_total", "counter", "Errors a recover "
                   "handler took, by error class and strategy (the action or "
                   "Lua hook after `with`, or block).");
    for (size_t i = 0; i < val_len(t->recoveries); i++) {
        char key[512];
        snprintf(key, sizeof key, "%s",
                 val_get_str(val_map_key(t->recoveries, i), NULL));
        char *tab = strchr(key, '\t');
        if (tab)
            *tab++ = '\0';
        const char *l[] = { "class", key, "strategy", tab ? tab : "" };
        metrics_sample(out, "mig_recoveries_total", l, 2,
                       (double)val_get_int(val_map_value(t->recoveries, i)));
    }
    metrics_family(out, "mig_recovery_decisions_total", "counter",
                   "Decisions recover handlers ended in, by decision.");
    put_map(out, "mig_recovery_decisions_total", "decision", t->decisions);
}

static void put_breakers(strbuf_t *out, const tally_t *t)
{
    metrics_family(out, "mig_breaker_transitions_total", "counter",
                   "Circuit breakers that moved to a state, by state.");
    put_map(out, "mig_breaker_transitions_total", "state", t->moves);
    metrics_family(out, "mig_breakers", "gauge", "Circuit breakers of the "
                   "running runs by their current state.");
    static const char *const states[] = { "closed", "open", "half-open" };
    for (size_t k = 0; k < sizeof states / sizeof *states; k++) {
        int64_t n = 0;
        for (size_t i = 0; i < val_len(t->breakers); i++)
            n += strcmp(val_get_str(val_map_value(t->breakers, i), NULL),
                        states[k]) == 0;
        const char *l[] = { "state", states[k] };
        metrics_sample(out, "mig_breakers", l, 1, (double)n);
    }
}

static void put_rollbacks(strbuf_t *out, const tally_t *t)
{
    metrics_family(out, "mig_rollbacks_total", "counter", "Rollbacks that "
                   "ended, by whether every resource matched its "
                   "checkpoint.");
    const char *yes[] = { "matched", "true" }, *no[] = { "matched", "false" };
    metrics_sample(out, "mig_rollbacks_total", yes, 1, (double)t->rb_matched);
    metrics_sample(out, "mig_rollbacks_total", no, 1, (double)t->rb_unmatched);
    metrics_family(out, "mig_rollback_duration_seconds", "histogram",
                   "How long rollbacks took, from rollback-start to "
                   "rollback-done.");
    put_histogram(out, "mig_rollback_duration_seconds",
                  metrics_rollback_bounds_s, t->rb_le,
                  METRICS_ROLLBACK_BUCKETS, t->rb_sum, t->rb_count);
}

static void put_gauges(strbuf_t *out, const tally_t *t)
{
    metrics_family(out, "mig_items_in_flight", "gauge", "Foreach items "
                   "started and not ended, by running run.");
    for (size_t i = 0; i < val_len(t->per_run); i++) {
        const char *l[] = { "run", val_get_str(val_map_key(t->per_run, i),
                                               NULL) };
        metrics_sample(out, "mig_items_in_flight", l, 1, (double)val_get_int(
                           val_list_get(val_map_value(t->per_run, i), 0)));
    }
    metrics_family(out, "mig_queue_depth", "gauge", "Foreach items not "
                   "started yet, by running run.");
    for (size_t i = 0; i < val_len(t->per_run); i++) {
        const char *l[] = { "run", val_get_str(val_map_key(t->per_run, i),
                                               NULL) };
        metrics_sample(out, "mig_queue_depth", l, 1, (double)val_get_int(
                           val_list_get(val_map_value(t->per_run, i), 1)));
    }
    metrics_family(out, "mig_journal_commit_seconds", "histogram", "How "
                   "long the runs' journal commits took (each process's "
                   "since it began).");
    put_histogram(out, "mig_journal_commit_seconds", store_commit_bounds_s,
                  t->commits.le, STORE_COMMIT_BUCKETS, t->commits.sum_s,
                  t->commits.count);
}

mig_status_t metrics_render(store_t *s, strbuf_t *out)
{
    tally_t t = { .s = s };
    t.retries = val_map_new(0);
    t.recoveries = val_map_new(0);
    t.decisions = val_map_new(0);
    t.moves = val_map_new(0);
    t.breakers = val_map_new(0);
    t.per_run = val_map_new(0);
    mig_status_t st = t.retries && t.recoveries && t.decisions && t.moves
                      && t.breakers && t.per_run ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = tally_runs(&t);
    if (st == MIG_OK)
        st = tally_counts(&t, STORE_COUNT_STEPS, &t.steps, step_state,
                          N_STEP_STATES);
    if (st == MIG_OK)
        st = store_metric_events(s, count_event, &t);
    if (st == MIG_OK)
        st = store_gauges_each(s, count_gauges, &t);
    if (st == MIG_OK && t.oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK) {
        put_runs_steps(out, &t);
        put_recovery(out, &t);
        put_breakers(out, &t);
        put_rollbacks(out, &t);
        put_gauges(out, &t);
        if (out->oom)
            st = MIG_ENOMEM;
    }
    tally_free(&t);
    return st;
}
