/* advise_facts.c: the figures `mig advise` rests on (docs/analytics.md,
 * "mig advise"), gathered from the runs of one plan: each foreach's
 * concurrency, latency and 429 answers (analytics_run), each error
 * class's failures and how its retries ended, the recoveries and stages
 * of analytics_stats, which stages have a checkpoint before them, and
 * which tools others depend on. advise.c turns them into suggestions. */
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

/* A retry block's waits for one item, until a step of it succeeds. */
typedef struct seq {
    char *scope, *item;
    size_t cls;             /* index in facts_t.classes */
} seq_t;

typedef struct facts {
    const graph_t *g;
    val_t *classes;         /* class -> {class, transient, failures, ...} */
    val_t *foreach;         /* node -> {node, runs, ...} */
    val_t *depends;         /* tool -> map of the records that need it */
    val_t *action_of;       /* node -> action, of the run being read */
    seq_t *open;
    size_t n_open, cap_open;
    int64_t missing;
    bool ok;
} facts_t;

static bool transient(const graph_t *g, const char *cls)
{
    for (int depth = 0; cls && depth < 64; depth++) {
        if (strcmp(cls, "Transient") == 0)
            return true;
        if (!g)
            return strcmp(cls, "Timeout") == 0
                   || strcmp(cls, "Unavailable") == 0;
        cls = graph_class_parent(g, cls);
    }
    return false;
}

/* The figures of class CLS, made when missing; NULL when out of memory. */
static val_t *class_of(facts_t *f, const char *cls)
{
    val_t *c = an_get(f->classes, cls);
    if (c)
        return c;
    c = val_map_new(5);
    bool ok = f->ok && c;
    an_put_str(c, "class", cls, &ok);
    an_put(c, "transient", val_bool(transient(f->g, cls)), &ok);
    an_put_int(c, "failures", 0, &ok);
    an_put_int(c, "retried", 0, &ok);
    an_put_int(c, "retried_ok", 0, &ok);
    if (!ok) {
        val_unref(c);
        f->ok = false;
        return NULL;
    }
    if (val_map_set_take(f->classes, cls, strlen(cls), c) != MIG_OK) {
        f->ok = false;
        return NULL;
    }
    return c;
}

static void bump(facts_t *f, val_t *m, const char *key)
{
    if (m)
        an_put_int(m, key, an_int(m, key) + 1, &f->ok);
}

static void seq_close(facts_t *f, size_t i, bool good)
{
    if (good)
        bump(f, val_map_value(f->classes, f->open[i].cls), "retried_ok");
    free(f->open[i].scope);
    free(f->open[i].item);
    f->open[i] = f->open[--f->n_open];
}

static void on_wait(facts_t *f, const store_event_rec_t *ev)
{
    const char *cls = an_str(ev->data, "class");
    const char *item = ev->item ? ev->item : "";
    for (size_t i = 0; i < f->n_open; i++)
        if (strcmp(f->open[i].scope, ev->node) == 0
            && strcmp(f->open[i].item, item) == 0)
            return;             /* the same retry goes on */
    val_t *c = class_of(f, cls ? cls : "?");
    if (!c)
        return;
    bump(f, c, "retried");
    if (!an_grow((void **)&f->open, &f->cap_open, f->n_open,
                 sizeof *f->open)) {
        f->ok = false;
        return;
    }
    seq_t *s = &f->open[f->n_open];
    *s = (seq_t){ .scope = strdup(ev->node), .item = strdup(item),
                  .cls = val_map_index(f->classes, cls ? cls : "?",
                                       strlen(cls ? cls : "?")) };
    f->n_open++;
    if (!s->scope || !s->item)
        f->ok = false;
}

static bool on_event(void *data, const store_event_rec_t *ev)
{
    facts_t *f = data;
    const char *action = an_str(ev->data, "action");
    if (action && ev->node && strncmp(ev->kind, "step-", 5) == 0)
        an_put_str(f->action_of, ev->node, action, &f->ok);
    if (strcmp(ev->kind, "step-failed") == 0) {
        const char *cls = an_str(ev->data, "class");
        bump(f, class_of(f, cls ? cls : "?"), "failures");
        f->missing += cls && strcmp(cls, "MissingDependency") == 0;
    } else if (strcmp(ev->kind, "retry-wait") == 0 && ev->node)
        on_wait(f, ev);
    else if (strcmp(ev->kind, "step-done") == 0 && ev->node) {
        const char *item = ev->item ? ev->item : "";
        for (size_t i = f->n_open; i-- > 0;) {
            size_t n = strlen(f->open[i].scope);
            if (strncmp(ev->node, f->open[i].scope, n) == 0
                && ev->node[n] == '/' && strcmp(f->open[i].item, item) == 0)
                seq_close(f, i, true);
        }
    }
    return f->ok;
}

/* Notes who depends on whom in a tools.read result. */
static bool on_step(void *data, const store_step_t *st)
{
    facts_t *f = data;
    const char *action = an_str(f->action_of, st->node);
    const val_t *tools = action && strcmp(action, "tools.read") == 0
                         ? an_get(st->result, "tools") : NULL;
    for (size_t i = 0; f->ok && tools && val_type(tools) == VAL_LIST
                       && i < val_len(tools); i++) {
        const val_t *t = val_list_get(tools, i);
        const char *name = an_str(t, "name");
        const val_t *deps = an_get(t, "dependencies");
        for (size_t j = 0; name && deps && val_type(deps) == VAL_LIST
                           && j < val_len(deps); j++) {
            const val_t *d = val_list_get(deps, j);
            if (val_type(d) != VAL_STRING)
                continue;
            const char *dep = val_get_str(d, NULL);
            val_t *who = an_get(f->depends, dep);
            if (!who) {
                an_put(f->depends, dep, val_map_new(4), &f->ok);
                who = an_get(f->depends, dep);
            }
            if (who)
                an_put(who, name, val_bool(true), &f->ok);
        }
    }
    return f->ok;
}

/* Folds the concurrency figures of one run (analytics_run's list). */
static void fold_foreach(facts_t *f, const val_t *list)
{
    for (size_t i = 0; f->ok && list && i < val_len(list); i++) {
        const val_t *c = val_list_get(list, i);
        const char *node = an_str(c, "foreach");
        val_t *m = an_get(f->foreach, node);
        if (!m) {
            an_put(f->foreach, node, val_map_new(8), &f->ok);
            m = an_get(f->foreach, node);
            an_put_str(m, "node", node, &f->ok);
        }
        if (!f->ok)
            return;
        an_put_int(m, "runs", an_int(m, "runs") + 1, &f->ok);
        an_put_int(m, "items", an_int(m, "items") + an_int(c, "items"), &f->ok);
        /* the slowest run's p50, the most reached in any run */
        if (an_int(c, "item_p50_ms") >= an_int(m, "item_p50_ms"))
            an_put_int(m, "item_p50_ms", an_int(c, "item_p50_ms"), &f->ok);
        an_put_int(m, "calls", an_int(m, "calls") + an_int(c, "calls"), &f->ok);
        an_put_int(m, "status_429", an_int(m, "status_429")
                                    + an_int(c, "status_429"), &f->ok);
        if (an_int(c, "reached") >= an_int(m, "reached"))
            an_put_int(m, "reached", an_int(c, "reached"), &f->ok);
        val_t *allowed = an_get(c, "allowed");
        an_put(m, "allowed", allowed ? val_ref(allowed) : val_null(), &f->ok);
    }
}

/* The values of map M, as a list, in its order. */
static val_t *values(const val_t *m, bool *ok)
{
    val_t *l = val_list_new(val_len(m));
    *ok = *ok && l;
    for (size_t i = 0; *ok && i < val_len(m); i++)
        an_push(l, val_ref(val_map_value(m, i)), ok);
    return l;
}

/* The dependencies as [{tool, dependents}], most dependents first, then
 * by name. */
static val_t *dependencies(const facts_t *f, bool *ok)
{
    size_t n = val_len(f->depends);
    val_t *l = val_list_new(n);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    *ok = *ok && l && order;
    for (size_t i = 0; *ok && i < n; i++) {
        size_t j = i;
        for (; j > 0; j--) {
            size_t a = order[j - 1];
            size_t da = val_len(val_map_value(f->depends, a));
            size_t di = val_len(val_map_value(f->depends, i));
            const char *na = val_get_str(val_map_key(f->depends, a), NULL);
            const char *ni = val_get_str(val_map_key(f->depends, i), NULL);
            if (da > di || (da == di && strcmp(na, ni) < 0))
                break;
            order[j] = order[j - 1];
        }
        order[j] = i;
    }
    for (size_t i = 0; *ok && i < n; i++) {
        val_t *m = val_map_new(2);
        *ok = m != NULL;
        an_put(m, "tool", *ok ? val_ref(val_map_key(f->depends, order[i]))
                              : NULL, ok);
        an_put_int(m, "dependents",
                   (int64_t)val_len(val_map_value(f->depends, order[i])), ok);
        an_push(l, m, ok);
    }
    free(order);
    return l;
}

/* Whether a checkpoint stands in STAGE or in a stage it comes after. */
static bool checkpoint_before(const graph_t *g, const char *stage,
                              analytics_after_fn after, void *data)
{
    for (uint32_t i = 0; g && i < graph_node_count(g); i++) {
        if (graph_node_kind(g, i) != GRAPH_CHECKPOINT)
            continue;
        char cs[128];
        an_stage_of(graph_node_id(g, i), cs, sizeof cs);
        if (strcmp(cs, stage) == 0 || (after && after(data, cs, stage)))
            return true;
    }
    return false;
}

static val_t *stages(const val_t *stats, const graph_t *g,
                     analytics_after_fn after, void *data, bool *ok)
{
    const val_t *st = an_get(stats, "stages");
    val_t *l = val_list_new(st ? val_len(st) : 0);
    *ok = *ok && l;
    for (size_t i = 0; *ok && st && i < val_len(st); i++) {
        const val_t *s = val_list_get(st, i);
        val_t *m = val_map_new(4);
        *ok = m != NULL;
        an_put_str(m, "stage", an_str(s, "stage"), ok);
        an_put_int(m, "runs", an_int(s, "count"), ok);
        an_put_int(m, "failed", an_int(s, "failed"), ok);
        an_put(m, "checkpoint", val_bool(checkpoint_before(
                   g, an_str(s, "stage"), after, data)), ok);
        an_push(l, m, ok);
    }
    return l;
}

mig_status_t analytics_advise_facts(store_t *s, const char *plan_path,
                                    const graph_t *g, analytics_after_fn after,
                                    analytics_limit_fn limit, void *data,
                                    val_t **out)
{
    *out = NULL;
    analytics_filter_t flt = { .plan = plan_path };
    val_t *stats = NULL;
    mig_status_t st = analytics_stats(s, &flt, &stats);
    store_run_t *runs = NULL;
    size_t n = 0;
    if (st == MIG_OK)
        st = store_run_list(s, 0, &runs, &n);
    facts_t f = { .g = g, .classes = val_map_new(8),
                  .foreach = val_map_new(4), .depends = val_map_new(8),
                  .ok = true };
    f.ok = f.classes && f.foreach && f.depends;
    for (size_t i = n; st == MIG_OK && f.ok && i-- > 0;) {
        if (!runs[i].plan_path || strcmp(runs[i].plan_path, plan_path) != 0)
            continue;
        val_t *rv = NULL;
        st = analytics_run(s, runs[i].id, after, limit, data, &rv);
        if (st == MIG_OK)
            fold_foreach(&f, an_get(rv, "concurrency"));
        val_unref(rv);
        f.action_of = val_map_new(16);
        f.ok = f.ok && f.action_of;
        if (st == MIG_OK && f.ok)
            st = store_event_each(s, runs[i].id, on_event, &f);
        if (st == MIG_OK && f.ok)
            st = store_step_each(s, runs[i].id, on_step, &f);
        while (f.n_open)
            seq_close(&f, f.n_open - 1, false);
        val_unref(f.action_of);
        f.action_of = NULL;
    }
    val_t *m = NULL;
    if (st == MIG_OK && f.ok) {
        bool ok = (m = val_map_new(8)) != NULL;
        an_put_int(m, "runs", an_int(stats, "runs"), &ok);
        an_put(m, "foreach", values(f.foreach, &ok), &ok);
        an_put(m, "classes", values(f.classes, &ok), &ok);
        val_t *rec = an_get(stats, "recoveries");
        an_put(m, "recoveries", rec ? val_ref(rec) : NULL, &ok);
        an_put(m, "stages", stages(stats, g, after, data, &ok), &ok);
        an_put(m, "dependencies", dependencies(&f, &ok), &ok);
        an_put_int(m, "missing_dependency", f.missing, &ok);
        if (!ok) {
            val_unref(m);
            m = NULL;
            st = MIG_ENOMEM;
        }
    } else if (st == MIG_OK)
        st = MIG_ENOMEM;
    free(f.open);
    val_unref(f.classes);
    val_unref(f.foreach);
    val_unref(f.depends);
    val_unref(stats);
    store_runs_free(runs, n);
    *out = m;
    return st;
}
