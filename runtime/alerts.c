/* alerts.c: the alert engine (alerts.h). It keeps the times of the
 * steps' outcomes, failures and handler decisions within the longest
 * window, the breakers open and since when, and when each condition last
 * fired; every check is a count over what it keeps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"

/* What the windows count: a step's outcome, and a handler's fix. */
typedef enum mark { MARK_DONE, MARK_FAILED, MARK_FIXED } mark_t;

typedef struct seen {
    int64_t at;
    mark_t mark;
} seen_t;

/* A time by name: a condition's last firing, by key ("failure_rate",
 * "breaker_open NAME"); since when a breaker is open, by its name. */
typedef struct stamp {
    char *key;
    int64_t at;
} stamp_t;

struct alerts {
    const config_alerts_t *cfg;
    int64_t start_ms, history_ms, keep_ms;
    alerts_fire_fn fire;
    void *data;
    seen_t *seen;
    size_t n_seen, cap_seen;
    stamp_t *fired;
    size_t n_fired;
    stamp_t *open;
    size_t n_open;
    bool oom;
};

alerts_t *alerts_new(const config_alerts_t *cfg, int64_t start_ms,
                     int64_t history_ms, alerts_fire_fn fire, void *data)
{
    alerts_t *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    *a = (alerts_t){ .cfg = cfg, .start_ms = start_ms,
                     .history_ms = history_ms, .fire = fire, .data = data,
                     .keep_ms = cfg->failure_window_ms
                                > cfg->recovery_window_ms
                                ? cfg->failure_window_ms
                                : cfg->recovery_window_ms };
    return a;
}

void alerts_free(alerts_t *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n_fired; i++)
        free(a->fired[i].key);
    for (size_t i = 0; i < a->n_open; i++)
        free(a->open[i].key);
    free(a->fired);
    free(a->open);
    free(a->seen);
    free(a);
}

int64_t alerts_median(int64_t *ms, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 1; i < n; i++)      /* at most 20: insertion sort */
        for (size_t j = i; j > 0 && ms[j - 1] > ms[j]; j--) {
            int64_t t = ms[j];
            ms[j] = ms[j - 1];
            ms[j - 1] = t;
        }
    return n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
}

/* ---- firing ------------------------------------------------------------ */

/* The stamp of KEY in *LIST (*N of them), or NULL. */
static stamp_t *stamp_find(stamp_t *list, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].key, key) == 0)
            return &list[i];
    return NULL;
}

/* Appends KEY at AT to *LIST (*N of them); NULL when out of memory (A's
 * oom set). */
static stamp_t *stamp_add(alerts_t *a, stamp_t **list, size_t *n,
                          const char *key, int64_t at)
{
    stamp_t *more = realloc(*list, (*n + 1) * sizeof(*more));
    char *k = strdup(key);
    if (more)
        *list = more;
    if (!more || !k) {
        free(k);
        a->oom = true;
        return NULL;
    }
    more[*n] = (stamp_t){ k, at };
    return &more[(*n)++];
}

/* Fires CONDITION (KEY its firing's key) with DETAIL (taken) unless it
 * fired less than WINDOW ms before NOW (WINDOW 0: once in the run). */
static void fire(alerts_t *a, const char *condition, const char *key,
                 int64_t window, int64_t now, val_t *detail)
{
    stamp_t *f = stamp_find(a->fired, a->n_fired, key);
    if ((f && (!window || now - f->at < window))
        || (!f && !(f = stamp_add(a, &a->fired, &a->n_fired, key, now)))) {
        val_unref(detail);
        return;
    }
    f->at = now;
    if (window && detail)
        val_map_set_take(detail, "window_ms", 9, val_int(window));
    a->fire(a->data, condition, detail);
}

/* A new detail map {value, threshold}. */
static val_t *detail(double value, double threshold)
{
    val_t *d = val_map_new(4);
    if (d) {
        val_map_set_take(d, "value", 5, val_double(value));
        val_map_set_take(d, "threshold", 9, val_double(threshold));
    }
    return d;
}

/* ---- the windows ---------------------------------------------------------- */

static void remember(alerts_t *a, mark_t mark, int64_t now)
{
    /* What fell out of the longest window is dropped first. */
    size_t keep = 0;
    while (keep < a->n_seen && now - a->seen[keep].at > a->keep_ms)
        keep++;
    if (keep) {
        memmove(a->seen, a->seen + keep,
                (a->n_seen - keep) * sizeof(*a->seen));
        a->n_seen -= keep;
    }
    if (a->n_seen == a->cap_seen) {
        size_t cap = a->cap_seen ? a->cap_seen * 2 : 64;
        seen_t *s = realloc(a->seen, cap * sizeof(*s));
        if (!s) {
            a->oom = true;
            return;
        }
        a->seen = s;
        a->cap_seen = cap;
    }
    a->seen[a->n_seen++] = (seen_t){ now, mark };
}

/* How many of MARK within WINDOW ms before NOW. */
static size_t count(const alerts_t *a, mark_t mark, int64_t window,
                    int64_t now)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n_seen; i++)
        n += a->seen[i].mark == mark && now - a->seen[i].at <= window;
    return n;
}

static void check_failure_rate(alerts_t *a, int64_t now)
{
    const config_alerts_t *c = a->cfg;
    if (!c->failure_window_ms)
        return;
    size_t failed = count(a, MARK_FAILED, c->failure_window_ms, now);
    size_t all = failed + count(a, MARK_DONE, c->failure_window_ms, now);
    double share = all ? (double)failed / (double)all : 0;
    if (all && share > c->failure_above)
        fire(a, "failure_rate", "failure_rate", c->failure_window_ms, now,
             detail(share, c->failure_above));
}

static void check_recovery_share(alerts_t *a, int64_t now)
{
    const config_alerts_t *c = a->cfg;
    if (!c->recovery_window_ms)
        return;
    size_t failed = count(a, MARK_FAILED, c->recovery_window_ms, now);
    size_t fixed = count(a, MARK_FIXED, c->recovery_window_ms, now);
    double share = failed ? (double)(fixed < failed ? fixed : failed)
                            / (double)failed : 1;
    if (failed && share < c->recovery_below)
        fire(a, "recovery_share", "recovery_share", c->recovery_window_ms,
             now, detail(share, c->recovery_below));
}

/* ---- breakers ---------------------------------------------------------------- */

static void breaker_moved(alerts_t *a, const char *kind, const val_t *d,
                          int64_t now)
{
    val_t *b = d ? val_map_get(d, "breaker", 7) : NULL;
    const char *name = b ? val_get_str(b, NULL) : NULL;
    if (!name)
        return;
    stamp_t *open = stamp_find(a->open, a->n_open, name);
    if (strcmp(kind, "breaker-closed") == 0 && open) {
        free(open->key);
        *open = a->open[--a->n_open];
    } else if (strcmp(kind, "breaker-open") == 0 && !open) {
        stamp_add(a, &a->open, &a->n_open, name, now);
    }
}

/* ---- the engine's inputs ------------------------------------------------------ */

void alerts_tick(alerts_t *a, int64_t now)
{
    const config_alerts_t *c = a->cfg;
    int64_t took = now - a->start_ms;
    if (c->slow_times > 0 && a->history_ms > 0
        && (double)took > c->slow_times * (double)a->history_ms) {
        val_t *d = detail((double)took / (double)a->history_ms,
                          c->slow_times);
        if (d)
            val_map_set_take(d, "history_ms", 10, val_int(a->history_ms));
        fire(a, "slow_run", "slow_run", 0, now, d);
    }
    for (size_t i = 0; c->breaker_open_ms && i < a->n_open; i++) {
        int64_t open = now - a->open[i].at;
        if (open <= c->breaker_open_ms)
            continue;
        char key[512];
        snprintf(key, sizeof key, "breaker_open %s", a->open[i].key);
        val_t *d = detail((double)open, (double)c->breaker_open_ms);
        if (d)
            val_map_set_take(d, "breaker", 7,
                             val_cstring(a->open[i].key));
        fire(a, "breaker_open", key, c->breaker_open_ms, now, d);
    }
}

void alerts_event(alerts_t *a, const char *kind, const val_t *d,
                  int64_t now)
{
    if (strcmp(kind, "step-done") == 0 || strcmp(kind, "step-failed") == 0) {
        bool failed = kind[5] == 'f';
        remember(a, failed ? MARK_FAILED : MARK_DONE, now);
        check_failure_rate(a, now);
    } else if (strcmp(kind, "decision") == 0 || strcmp(kind, "adapted") == 0) {
        val_t *v = d ? val_map_get(d, "decision", 8) : NULL;
        const char *what = v ? val_get_str(v, NULL) : "";
        if (kind[0] == 'a' || strcmp(what, "retry") == 0
            || strcmp(what, "skip") == 0)
            remember(a, MARK_FIXED, now);
        check_recovery_share(a, now);
    } else if (strncmp(kind, "breaker-", 8) == 0) {
        breaker_moved(a, kind, d, now);
    } else if (strcmp(kind, "rollback-done") == 0 && a->cfg->rollback_mismatch) {
        val_t *m = d ? val_map_get(d, "matched", 7) : NULL;
        if (m && val_type(m) == VAL_BOOL && !val_get_bool(m)) {
            val_t *x = val_map_new(2);
            if (x) {
                val_t *differ = val_map_get(d, "differ", 6);
                val_map_set_take(x, "differ", 6, differ ? val_ref(differ)
                                                        : val_list_new(0));
            }
            fire(a, "rollback_mismatch", "rollback_mismatch", 0, now, x);
        }
    }
    alerts_tick(a, now);
}

void alerts_end(alerts_t *a, int64_t now)
{
    check_recovery_share(a, now);
    alerts_tick(a, now);
}
