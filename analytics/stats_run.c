/* stats_run.c: `mig stats --run RUN` (docs/analytics.md, "One run"):
 * what bounded one run's wall time, read from its steps, events and
 * journal: the critical path (critical.c), time waiting in retries
 * against time working, the concurrency each foreach reached against
 * what it allowed, the slowest actions, steps and endpoints. */
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

/* An action step of the run: its span, action and attempts, and the
 * host of an http.request. */
typedef struct rstep {
    char *node, *item, *host;
    const char *action;     /* borrowed from action_of */
    uint32_t attempts;
    bool failed;
} rstep_t;

typedef struct runread {
    store_t *s;
    val_t *action_of;       /* node -> action */
    val_t *host_of;         /* "NODE\nITEM" -> host of an http.request */
    val_t *waits;           /* "SCOPE\nITEM" -> ms waited by that retry */
    int64_t n_w;
    val_t *limited;         /* nodes of steps answered 429, a list */
    rstep_t *st;
    analytics_span_t *sp;
    size_t n, cap;
    int64_t wait_ms;
    bool ok;
} runread_t;

static bool on_event(void *data, const store_event_rec_t *ev)
{
    runread_t *r = data;
    const char *action = an_str(ev->data, "action");
    if (action && ev->node && strncmp(ev->kind, "step-", 5) == 0)
        an_put_str(r->action_of, ev->node, action, &r->ok);
    if (strcmp(ev->kind, "step-failed") == 0 && ev->node
        && an_int(ev->data, "status") == 429)
        an_push(r->limited, val_cstring(ev->node), &r->ok);
    if (strcmp(ev->kind, "retry-wait") != 0 || !ev->node)
        return r->ok;
    int64_t ms = an_int(ev->data, "delay_ms");
    strbuf_t key;
    strbuf_init(&key);
    strbuf_printf(&key, "%s\n%s", ev->node, ev->item ? ev->item : "");
    if (key.oom)
        r->ok = false;
    else
        an_put_int(r->waits, key.data, an_int(r->waits, key.data) + ms,
                   &r->ok);
    strbuf_free(&key);
    r->n_w++;
    r->wait_ms += ms;
    return r->ok;
}

/* The host of URL ("https://api.example.com:8443/v1" gives
 * "api.example.com:8443") into B. */
static void host_of_url(strbuf_t *b, const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *at = p + strcspn(p, "/?#");
    const char *user = memchr(p, '@', (size_t)(at - p));
    if (user)
        p = user + 1;
    strbuf_put(b, p, (size_t)(at - p));
}

static bool on_journal(void *data, const store_journal_t *rec)
{
    runread_t *r = data;
    const char *url = rec->action && strcmp(rec->action, "http.request") == 0
                      ? an_str(rec->args, "url") : NULL;
    if (!url)
        return true;
    strbuf_t key, host;
    strbuf_init(&key);
    strbuf_init(&host);
    strbuf_printf(&key, "%s\n%s", rec->node, rec->item ? rec->item : "");
    host_of_url(&host, url);
    if (key.oom || host.oom)
        r->ok = false;
    else
        an_put_str(r->host_of, key.data, host.len ? host.data : "?", &r->ok);
    strbuf_free(&key);
    strbuf_free(&host);
    return r->ok;
}

static bool on_step(void *data, const store_step_t *st)
{
    runread_t *r = data;
    const char *action = an_str(r->action_of, st->node);
    if (!action || st->ended_ms <= 0
        || (st->state != STORE_STEP_DONE && st->state != STORE_STEP_FAILED))
        return true;
    /* the steps and their spans, side by side */
    size_t cap = r->cap;
    if (!an_grow((void **)&r->st, &cap, r->n, sizeof *r->st)
        || !an_grow((void **)&r->sp, &r->cap, r->n, sizeof *r->sp))
        return r->ok = false;
    strbuf_t key;
    strbuf_init(&key);
    strbuf_printf(&key, "%s\n%s", st->node, st->item);
    const char *host = key.oom ? NULL : an_str(r->host_of, key.data);
    strbuf_free(&key);
    rstep_t *s = &r->st[r->n];
    *s = (rstep_t){ .node = strdup(st->node), .item = strdup(st->item),
                    .host = host ? strdup(host) : NULL, .action = action,
                    .attempts = st->attempts,
                    .failed = st->state == STORE_STEP_FAILED };
    r->sp[r->n] = (analytics_span_t){ .node = s->node, .item = s->item,
                                      .start_ms = st->started_ms,
                                      .end_ms = st->ended_ms };
    r->n++;
    if (!s->node || !s->item || (host && !s->host))
        r->ok = false;
    return r->ok;
}

static void runread_free(runread_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->st[i].node);
        free(r->st[i].item);
        free(r->st[i].host);
    }
    val_unref(r->waits);
    free(r->st);
    free(r->sp);
    val_unref(r->action_of);
    val_unref(r->host_of);
    val_unref(r->limited);
}

/* ---- the parts of the answer -------------------------------------------- */

/* The retry waits of step K: those of the retry blocks around its node
 * (each prefix of it that ends before a '/'), for its item. */
static int64_t waits_of(const runread_t *r, size_t k)
{
    int64_t ms = 0;
    const char *node = r->st[k].node;
    strbuf_t key;
    strbuf_init(&key);
    for (const char *p = strchr(node, '/'); p; p = strchr(p + 1, '/')) {
        key.len = 0;
        strbuf_put(&key, node, (size_t)(p - node));
        strbuf_printf(&key, "\n%s", r->st[k].item);
        if (!key.oom)
            ms += an_int(r->waits, key.data);
    }
    strbuf_free(&key);
    return ms;
}

/* How step J relates to step K it held up. */
static const char *link_of(const analytics_span_t *j, const analytics_span_t *k)
{
    if (strcmp(j->item, k->item) == 0)
        return "same item";
    if (an_item_within(k->item, j->item))
        return "item around";
    if (an_item_within(j->item, k->item))
        return "item inside";
    return "other item";
}

static val_t *critical(const runread_t *r, int64_t start, int64_t end,
                       analytics_after_fn after, void *data, bool *ok)
{
    size_t *path = NULL, len = 0;
    if (*ok && analytics_critical_path(r->sp, r->n, after, data, &path, &len)
                   != MIG_OK)
        *ok = false;
    val_t *m = val_map_new(4), *steps = val_list_new(len);
    *ok = *ok && m && steps;
    int64_t work = 0, wait = 0, prev = start;
    for (size_t i = 0; *ok && i < len; i++) {
        size_t k = path[i];
        const analytics_span_t *sp = &r->sp[k];
        val_t *e = val_map_new(9);
        *ok = e != NULL;
        int64_t gap = sp->start_ms > prev ? sp->start_ms - prev : 0;
        an_put_str(e, "node", sp->node, ok);
        an_put_str(e, "item", sp->item, ok);
        an_put_str(e, "action", r->st[k].action, ok);
        an_put_int(e, "start_ms", sp->start_ms - start, ok);
        an_put_int(e, "duration_ms", sp->end_ms - sp->start_ms, ok);
        an_put_int(e, "wait_before_ms", gap, ok);
        an_put_str(e, "link", i ? link_of(&r->sp[path[i - 1]], sp) : "start",
                   ok);
        an_put_int(e, "attempts", r->st[k].attempts, ok);
        an_put_int(e, "retry_wait_ms", waits_of(r, k), ok);
        an_push(steps, e, ok);
        work += sp->end_ms - sp->start_ms;
        wait += gap;
        prev = sp->end_ms > prev ? sp->end_ms : prev;
    }
    an_put(m, "steps", steps, ok);
    an_put_int(m, "work_ms", work, ok);
    an_put_int(m, "wait_ms", wait, ok);
    an_put_int(m, "tail_ms", end > prev ? end - prev : 0, ok);
    free(path);
    return m;
}

/* The foreach nodes around NODE: the lengths of its prefixes that end in
 * a "foreach." part, up to MAX of them. */
static size_t foreach_prefixes(const char *node, size_t *out, size_t max)
{
    size_t n = 0;
    for (const char *p = node; *p && n < max;) {
        const char *part = p;
        p += strcspn(p, "/");
        if (strncmp(part, "foreach.", 8) == 0)
            out[n++] = (size_t)(p - node);
        if (*p == '/')
            p++;
    }
    return n;
}

/* The first K parts of ITEM ("2/0/1", 2 gives "2/0"): their length. */
static size_t item_parts(const char *item, size_t k)
{
    size_t len = 0;
    for (size_t i = 0; i < k; i++) {
        len += strcspn(item + len, "/");
        if (i + 1 < k && item[len] == '/')
            len++;
    }
    return len;
}

typedef struct interval {
    char *key;              /* "FOREACH\nPARENT ITEM\nITEM" */
    size_t group;           /* length of "FOREACH\nPARENT ITEM" */
    int64_t start, end;
} interval_t;

static int cmp_interval(const void *a, const void *b)
{
    return strcmp(((const interval_t *)a)->key, ((const interval_t *)b)->key);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The most intervals of IV[0..N) (one instance of a foreach) open at
 * once: an interval that ends when another starts does not overlap it;
 * one shorter than a millisecond (the store's resolution) counts as
 * lasting one. A sweep over the sorted starts and ends; -1 when out of
 * memory. */
static int64_t most_at_once(const interval_t *iv, size_t n)
{
    int64_t *starts = malloc((n ? n : 1) * sizeof *starts);
    int64_t *ends = malloc((n ? n : 1) * sizeof *ends);
    if (!starts || !ends) {
        free(starts);
        free(ends);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        starts[i] = iv[i].start;
        ends[i] = iv[i].end > iv[i].start ? iv[i].end : iv[i].start + 1;
    }
    qsort(starts, n, sizeof *starts, cmp_i64);
    qsort(ends, n, sizeof *ends, cmp_i64);
    int64_t at = 0, most = 0;
    for (size_t i = 0, j = 0; i < n; i++) {
        while (j < n && ends[j] <= starts[i])
            j++, at--;      /* ended at or before this start */
        at++;
        most = at > most ? at : most;
    }
    free(starts);
    free(ends);
    return most;
}

/* Every foreach instance's items as intervals (first start, last end of
 * their steps), sorted by key, into *IV. */
static bool intervals(const runread_t *r, interval_t **out, size_t *n_out)
{
    interval_t *iv = NULL;
    size_t n = 0, cap = 0;
    val_t *index = val_map_new(16);     /* key -> its place in IV */
    bool ok = index != NULL;
    for (size_t k = 0; ok && k < r->n; k++) {
        size_t pre[16];
        size_t m = foreach_prefixes(r->st[k].node, pre, 16);
        for (size_t d = 0; ok && d < m; d++) {
            strbuf_t key;
            strbuf_init(&key);
            strbuf_put(&key, r->st[k].node, pre[d]);
            strbuf_putc(&key, '\n');
            strbuf_put(&key, r->st[k].item, item_parts(r->st[k].item, d));
            size_t group = key.len;
            strbuf_putc(&key, '\n');
            strbuf_put(&key, r->st[k].item, item_parts(r->st[k].item, d + 1));
            const val_t *at = key.oom ? NULL : an_get(index, key.data);
            size_t i = at ? (size_t)val_get_int(at) : n;
            if (key.oom || (i == n && !an_grow((void **)&iv, &cap, n,
                                               sizeof *iv))) {
                strbuf_free(&key);
                ok = false;
                break;
            }
            if (i == n) {
                an_put_int(index, key.data, (int64_t)n, &ok);
                iv[n++] = (interval_t){ .key = key.data, .group = group,
                                        .start = r->sp[k].start_ms,
                                        .end = r->sp[k].end_ms };
                continue;       /* the key is the interval's now */
            }
            if (r->sp[k].start_ms < iv[i].start)
                iv[i].start = r->sp[k].start_ms;
            if (r->sp[k].end_ms > iv[i].end)
                iv[i].end = r->sp[k].end_ms;
            strbuf_free(&key);
        }
    }
    val_unref(index);
    if (n)
        qsort(iv, n, sizeof *iv, cmp_interval);
    *out = iv;
    *n_out = n;
    return ok;
}

static val_t *concurrency(const runread_t *r, analytics_limit_fn limit,
                          void *data, bool *ok)
{
    interval_t *iv = NULL;
    size_t n = 0;
    if (*ok && !intervals(r, &iv, &n))
        *ok = false;
    val_t *list = val_list_new(0);
    *ok = *ok && list;
    /* Per foreach: its items in all instances, and the most at once in
     * any one instance. */
    for (size_t i = 0; *ok && i < n;) {
        size_t node_len = strcspn(iv[i].key, "\n");
        int64_t items = 0, most = 0, calls = 0, limited = 0;
        size_t j = i;
        while (j < n && strncmp(iv[j].key, iv[i].key, node_len + 1) == 0) {
            size_t g = j;
            while (g < n && iv[g].group == iv[j].group
                   && strncmp(iv[g].key, iv[j].key, iv[j].group) == 0)
                g++;
            int64_t at = most_at_once(&iv[j], g - j);
            *ok = *ok && at >= 0;
            most = at > most ? at : most;
            items += (int64_t)(g - j);
            j = g;
        }
        int64_t *d = malloc((size_t)(items ? items : 1) * sizeof *d);
        *ok = d != NULL;
        for (size_t k = i; *ok && k < j; k++)
            d[k - i] = iv[k].end - iv[k].start;
        int64_t p50 = *ok && items ? analytics_percentile(d, (size_t)items, 50)
                                   : 0;
        free(d);
        for (size_t k = 0; k < r->n; k++)
            if (strncmp(r->st[k].node, iv[i].key, node_len) == 0
                && r->st[k].node[node_len] == '/')
                calls += r->st[k].attempts;
        for (size_t k = 0; k < val_len(r->limited); k++) {
            const char *nd = val_get_str(val_list_get(r->limited, k), NULL);
            limited += strncmp(nd, iv[i].key, node_len) == 0
                       && nd[node_len] == '/';
        }
        val_t *m = val_map_new(7);
        *ok = *ok && m != NULL;
        an_put(m, "foreach", *ok ? val_string(iv[i].key, node_len) : NULL, ok);
        an_put_int(m, "items", items, ok);
        an_put_int(m, "item_p50_ms", p50, ok);
        an_put_int(m, "calls", calls, ok);
        an_put_int(m, "status_429", limited, ok);
        int64_t allowed = -1;
        if (*ok && limit) {
            char *node = strndup(iv[i].key, node_len);
            allowed = node ? limit(data, node) : -1;
            free(node);
        }
        /* The scheduler never runs more than allowed: more seen is items
         * that ran within one millisecond. */
        an_put_int(m, "reached", allowed > 0 && most > allowed ? allowed : most,
                   ok);
        an_put(m, "allowed", allowed >= 0 ? val_int(allowed) : val_null(), ok);
        an_push(list, m, ok);
        i = j;
    }
    for (size_t i = 0; i < n; i++)
        free(iv[i].key);
    free(iv);
    return list;
}

/* Durations of the steps grouped by action (BY_HOST: by the host of
 * their http.request), slowest total first, at most TOP. */
static val_t *slowest(const runread_t *r, bool by_host, size_t top, bool *ok)
{
    an_groups_t gs = { 0 };
    for (size_t k = 0; *ok && k < r->n; k++) {
        const char *name = by_host ? r->st[k].host : r->st[k].action;
        if (!name)
            continue;
        an_group_t *g = an_group(&gs, name);
        if (!g || !an_group_add(g, r->sp[k].end_ms - r->sp[k].start_ms))
            *ok = false;
        else {
            g->c[0] += r->st[k].failed;
            g->c[1] += r->sp[k].end_ms - r->sp[k].start_ms;
        }
    }
    /* slowest total first, then by name */
    for (size_t i = 1; *ok && i < gs.n; i++)
        for (size_t j = i; j > 0 && (gs.g[j].c[1] > gs.g[j - 1].c[1]
                                     || (gs.g[j].c[1] == gs.g[j - 1].c[1]
                                         && strcmp(gs.g[j].name,
                                                   gs.g[j - 1].name) < 0));
             j--) {
            an_group_t t = gs.g[j];
            gs.g[j] = gs.g[j - 1];
            gs.g[j - 1] = t;
        }
    if (gs.n > top) {
        for (size_t i = top; i < gs.n; i++) {
            free(gs.g[i].name);
            free(gs.g[i].v);
        }
        gs.n = top;
    }
    val_t *list = val_list_new(gs.n);
    *ok = *ok && list;
    for (size_t i = 0; *ok && i < gs.n; i++) {
        an_group_t *g = &gs.g[i];
        val_t *m = val_map_new(7);
        *ok = m != NULL;
        an_put_str(m, by_host ? "host" : "action", g->name, ok);
        an_put_int(m, "count", (int64_t)g->n, ok);
        an_put_int(m, "total_ms", g->c[1], ok);
        an_put_int(m, "p50_ms", analytics_percentile(g->v, g->n, 50), ok);
        an_put_int(m, "p95_ms", analytics_percentile(g->v, g->n, 95), ok);
        an_put_int(m, "max_ms", g->v[g->n - 1], ok);
        an_put_int(m, "failed", g->c[0], ok);
        an_push(list, m, ok);
    }
    an_groups_free(&gs);
    return list;
}

/* The spans as the page draws them, at most MAX (the longest), in the
 * order they were recorded: {node, item, action, start_ms, duration_ms}
 * with start_ms from the run's start. */
static val_t *spans(const runread_t *r, int64_t start, size_t max, bool *ok)
{
    int64_t floor_ms = -1;
    if (r->n > max) {
        int64_t *d = malloc(r->n * sizeof *d);
        if (!d) {
            *ok = false;
            return NULL;
        }
        for (size_t k = 0; k < r->n; k++)
            d[k] = r->sp[k].end_ms - r->sp[k].start_ms;
        analytics_percentile(d, r->n, 100);     /* sorts D */
        floor_ms = d[r->n - max];       /* the MAX-th longest */
        free(d);
    }
    val_t *list = val_list_new(r->n < max ? r->n : max);
    *ok = *ok && list;
    for (size_t k = 0; *ok && k < r->n && val_len(list) < max; k++) {
        int64_t dur = r->sp[k].end_ms - r->sp[k].start_ms;
        if (dur < floor_ms)
            continue;
        val_t *m = val_map_new(5);
        *ok = m != NULL;
        an_put_str(m, "node", r->sp[k].node, ok);
        an_put_str(m, "item", r->sp[k].item, ok);
        an_put_str(m, "action", r->st[k].action, ok);
        an_put_int(m, "start_ms", r->sp[k].start_ms - start, ok);
        an_put_int(m, "duration_ms", dur, ok);
        an_push(list, m, ok);
    }
    return list;
}

/* The journal commits RUN's last process timed (the gauges it wrote for
 * metrics, store_gauges_get): {commits, total_ms, mean_ms}, or null when
 * it wrote none (a run of a mig before them, or one that ended before its
 * first second). *ST gets the store's error. */
static val_t *commits(store_t *s, int64_t run, mig_status_t *st, bool *ok)
{
    store_gauges_t g;
    bool found = false;
    if (*ok && *st == MIG_OK)
        *st = store_gauges_get(s, run, &g, &found);
    if (!*ok || *st != MIG_OK || !found || g.commits.count <= 0)
        return *ok && *st == MIG_OK ? val_null() : NULL;
    val_t *c = val_map_new(3);
    *ok = *ok && c;
    /* In ms to the microsecond: a commit in WAL mode takes well under one. */
    double total = (double)(int64_t)(g.commits.sum_s * 1e6 + 0.5) / 1000.0;
    double mean = (double)(int64_t)(g.commits.sum_s * 1e6
                                    / (double)g.commits.count + 0.5) / 1000.0;
    an_put_int(c, "commits", g.commits.count, ok);
    an_put(c, "total_ms", val_double(total), ok);
    an_put(c, "mean_ms", val_double(mean), ok);
    return c;
}

mig_status_t analytics_run(store_t *s, int64_t run, analytics_after_fn after,
                           analytics_limit_fn limit, void *data, val_t **out)
{
    *out = NULL;
    store_run_t rr;
    mig_status_t st = store_run_get(s, run, &rr);
    if (st != MIG_OK)
        return st;
    runread_t r = { .s = s, .action_of = val_map_new(16),
                    .host_of = val_map_new(0), .limited = val_list_new(0),
                    .waits = val_map_new(0), .ok = true };
    if (!r.action_of || !r.host_of || !r.limited || !r.waits)
        r.ok = false;
    if (r.ok)
        st = store_event_each(s, run, on_event, &r);
    if (st == MIG_OK && r.ok)
        st = store_journal_each(s, run, 0, STORE_EACH_NO_UNDO
                                | STORE_EACH_NO_RESOURCES | STORE_EACH_NO_AFTER,
                                on_journal, &r);
    if (st == MIG_OK && r.ok)
        st = store_step_each(s, run, on_step, &r);
    val_t *m = NULL;
    bool ok = r.ok;
    if (st == MIG_OK && ok) {
        int64_t end = rr.ended_ms;
        for (size_t k = 0; !end && k < r.n; k++)
            end = r.sp[k].end_ms > end ? r.sp[k].end_ms : end;
        int64_t work = 0;
        for (size_t k = 0; k < r.n; k++)
            work += r.sp[k].end_ms - r.sp[k].start_ms;
        m = val_map_new(12);
        ok = m != NULL;
        an_put_int(m, "run", run, &ok);
        an_put_str(m, "plan", rr.plan_name, &ok);
        an_put_str(m, "state", store_run_state_name(store_run_liveness(s, &rr)),
                   &ok);
        an_put_int(m, "started_ms", rr.started_ms, &ok);
        an_put_int(m, "wall_ms", end > rr.started_ms ? end - rr.started_ms : 0,
                   &ok);
        an_put_int(m, "steps", (int64_t)r.n, &ok);
        an_put(m, "critical_path", critical(&r, rr.started_ms, end, after,
                                            data, &ok), &ok);
        val_t *t = val_map_new(3);
        ok = ok && t;
        an_put_int(t, "work_ms", work, &ok);
        an_put_int(t, "retry_wait_ms", r.wait_ms, &ok);
        an_put_int(t, "retry_waits", r.n_w, &ok);
        an_put(m, "time", t, &ok);
        an_put(m, "concurrency", concurrency(&r, limit, data, &ok), &ok);
        an_put(m, "slowest_actions", slowest(&r, false, 10, &ok), &ok);
        an_put(m, "endpoints", slowest(&r, true, 10, &ok), &ok);
        an_put(m, "spans", spans(&r, rr.started_ms, ANALYTICS_SPANS_MAX, &ok),
               &ok);
        an_put(m, "journal_commits", commits(s, run, &st, &ok), &ok);
        if (!ok) {
            val_unref(m);
            m = NULL;
        }
    }
    if (st == MIG_OK && !ok)
        st = MIG_ENOMEM;
    runread_free(&r);
    store_run_clear(&rr);
    *out = m;
    return st;
}
