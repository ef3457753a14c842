/* sched_foreach.c: foreach loops (sched_int.h, foreach_start): items
 * start in order while fewer than `parallel` run (under `after NAMES`,
 * an item starts once the items it names have ended: sched_order.c;
 * loop_order); each is a task of its
 * own with its key ("2", "2/0" when nested); a failed item fails the loop
 * unless `tolerate` allows it; a skipped one is recorded. An item may
 * wait for other items of its loop to run first (sched_after, the
 * decision of adapt.resolve_dependency): they start at once, out of
 * order, and the waiting item goes on when they have ended. */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_int.h"

/* ---- foreach ------------------------------------------------------------------- */

/* Where each item of a loop stands. */
enum { ITEM_PENDING, ITEM_RUNNING, ITEM_OK, ITEM_FAILED, ITEM_SKIPPED };

/* An item waiting for others (sched_after): task T, of item ITEM, goes on
 * when the N items ON have ended. */
typedef struct waiter {
    task_t *t;
    size_t item;
    size_t *on, n;
    char *by;                   /* the key that names items (for messages) */
} waiter_t;

typedef struct loop {
    task_t *t;
    uint32_t node, first, stop;
    val_t *items;
    size_t next, limit;
    uint32_t in_flight;
    bool pumping, failed;
    sched_err_t err;
    bool tolerating;            /* `tolerate`: ALLOWED items may fail */
    size_t allowed, failed_items;
    unsigned char *state;       /* ITEM_* of each item */
    val_t *resolved;            /* "I:J": item I has waited for item J */
    waiter_t *waiters;
    size_t n_waiters;
    bool queued_counted;        /* its items are in run->items_queued */
    sched_order_t *order;       /* `after NAMES`, or NULL: list order */
} loop_t;

static void loop_pump(loop_t *l);
static bool loop_order(loop_t *l);
static void wake_waiters(loop_t *l);
static void waiter_clear(struct waiter *w);

/* Tells the run's progress display about L: ITEMS as it starts, or NULL
 * as its item KEY ends. */
static void tell_items(const loop_t *l, const char *key, const val_t *items)
{
    run_t *r = l->t->run;
    if (r->opts->on_items)
        r->opts->on_items(r->opts->data, graph_node_id(r->g, l->node), key,
                          items);
}

static void item_done(task_t *c)
{
    loop_t *l = c->owner;
    run_t *r = l->t->run;
    l->in_flight--;
    r->items_in_flight--;
    l->state[c->index] = c->end == TASK_OK ? ITEM_OK
        : c->end == TASK_SKIPPED ? ITEM_SKIPPED : ITEM_FAILED;
    if (l->order)
        sched_order_ended(l->order, c->index);
    if (c->end == TASK_SKIPPED) {
        r->n_skipped++;
        store_step_t st = { .node = graph_node_id(r->g, l->node),
                            .item = c->item, .state = STORE_STEP_SKIPPED,
                            .error_class = "skip", .error = c->skip_reason,
                            .ended_ms = store_now_ms() };
        if (store_step_put(r->store, r->id, &st) != MIG_OK)
            r->fatal = true;
        val_t *d = val_map_new(1);
        if (d)
            val_map_set_take(d, "reason", 6, val_cstring(
                c->skip_reason ? c->skip_reason : ""));
        sched_event(r, "item-skipped", l->node, c->item, d);
    } else if (c->end == TASK_FAILED) {
        r->n_failed++;
        /* Within `tolerate`, a failed item is recorded and the loop goes
         * on; a `fail` decision is never tolerated. */
        bool tolerated = l->tolerating && !c->err.decided
                         && l->failed_items < l->allowed;
        l->failed_items++;
        store_step_t st = { .node = graph_node_id(r->g, l->node),
                            .item = c->item, .state = STORE_STEP_FAILED,
                            .error_class = c->err.cls, .error = c->err.message,
                            .ended_ms = store_now_ms() };
        if (store_step_put(r->store, r->id, &st) != MIG_OK)
            r->fatal = true;
        val_t *d = sched_err_detail(r, &c->err);
        if (d && l->tolerating)
            val_map_set_take(d, "tolerated", 9, val_bool(tolerated));
        sched_event(r, "item-failed", l->node, c->item, d);
        if (!tolerated && !l->failed) {
            l->failed = true;
            l->err = c->err;
            memset(&c->err, 0, sizeof(c->err));
        }
    }
    tell_items(l, c->item, NULL);
    task_free(c);
    if (!l->pumping)
        loop_pump(l);
}

static void loop_free(loop_t *l)
{
    if (l->queued_counted && l->next < val_len(l->items))
        l->t->run->items_queued -= (int64_t)(val_len(l->items) - l->next);
    val_unref(l->items);
    sched_err_clear(&l->err);
    for (size_t i = 0; i < l->n_waiters; i++)
        waiter_clear(&l->waiters[i]);
    free(l->waiters);
    free(l->state);
    val_unref(l->resolved);
    sched_order_free(l->order);
    free(l);
}

/* Whether a resumed run recorded item KEY of foreach node N as skipped:
 * it stays skipped (a redrive does not load skipped items). */
static bool item_was_skipped(run_t *r, uint32_t n, const char *key)
{
    if (!r->done || !val_len(r->done))
        return false;
    char *k = step_key(graph_node_id(r->g, n), key);
    val_t *rec = k ? val_map_get(r->done, k, strlen(k)) : NULL;
    bool skipped = rec && strcmp(val_get_str(val_map_get(rec, "state", 5),
                                             NULL), "skipped") == 0;
    free(k);
    return skipped;
}

/* The key of item I of L: "I", or "OUTER/I" in a nested loop. */
static void item_key(const loop_t *l, size_t i, char key[256])
{
    if (*l->t->item)
        snprintf(key, 256, "%s/%zu", l->t->item, i);
    else
        snprintf(key, 256, "%zu", i);
}

/* Starts item I of L (pending): false when it could not (memory). An
 * item a resumed run recorded as skipped stays skipped. */
static bool start_item(loop_t *l, size_t i)
{
    task_t *t = l->t;
    run_t *r = t->run;
    const ast_node_t *f = graph_node_ast(r->g, l->node);
    char key[256];
    item_key(l, i, key);
    if (item_was_skipped(r, l->node, key)) {
        l->state[i] = ITEM_SKIPPED;
        r->n_skipped++;
        if (l->order)
            sched_order_ended(l->order, i);
        return true;
    }
    eval_env_t *env = eval_env_new(t->env);
    if (!env || eval_env_set(env, f->u.foreach.var.name,
                             val_list_get(l->items, i)) != MIG_OK) {
        eval_env_free(env);
        r->fatal = true;
        return false;
    }
    task_t *c = task_start(r, t, TASK_ITEM, l->node, l->first, l->stop,
                           env, key, item_done, l);
    if (!c)
        return false;
    c->index = i;
    l->state[i] = ITEM_RUNNING;
    l->in_flight++;
    r->items_in_flight++;
    task_go(c);
    return true;
}

/* Starts items while there is room; ends the loop when all are done.
 * L->next counts the items taken: in list order, or under `after` the
 * first free one (sched_order_take). */
static void loop_pump(loop_t *l)
{
    task_t *t = l->t;
    run_t *r = t->run;
    l->pumping = true;
    for (;;) {
        /* Items that waited for others go on when those have ended. */
        if (l->n_waiters)
            wake_waiters(l);
        if (l->failed || r->stopping || r->fatal
            || l->next >= val_len(l->items) || l->in_flight >= l->limit)
            break;
        size_t i = l->order ? sched_order_take(l->order) : l->next;
        if (i == SIZE_MAX)
            break;              /* every item left waits for one running */
        l->next++;
        r->items_queued--;
        if (l->state[i] == ITEM_PENDING && !start_item(l, i))
            break;
    }
    l->pumping = false;
    bool more = !l->failed && !r->stopping && !r->fatal
        && l->next < val_len(l->items);
    /* No cycle (loop_order), so an item left waits only for items that
     * run or can start. */
    assert(l->in_flight || !more || r->fatal);
    if (l->in_flight || more)
        return;
    /* Every item has ended. */
    uint32_t n = l->node;
    if (l->failed || r->fatal || r->stopping) {
        sched_err_t e = l->err;
        memset(&l->err, 0, sizeof(l->err));
        if (!e.cls) {
            e.cls = strdup("Permanent");
            e.message = strdup("the run is stopping");
            e.node = n;
            e.final = true;
        }
        loop_free(l);
        bool was = task_enter(t);
        t->waiting = false;
        task_raise(t, n, &e);
        task_leave(t, was);
        return;
    }
    loop_free(l);
    t->node = graph_flow_next(r->g, graph_end_of(r->g, n, "join"));
    task_resume(t);
}

void foreach_start(task_t *t, uint32_t n)
{
    run_t *r = t->run;
    const ast_node_t *f = graph_node_ast(r->g, n);
    val_t *items = sched_eval(t, n, f->u.foreach.iterable);
    if (!items)
        return;
    if (val_type(items) != VAL_LIST) {
        task_fail(t, n, "InvalidConfig", "foreach needs a list, not %s",
                  val_type_name(val_type(items)));
        val_unref(items);
        return;
    }
    size_t limit = 1;
    if (f->u.foreach.parallel) {
        val_t *p = sched_eval(t, n, f->u.foreach.parallel);
        if (!p) {
            val_unref(items);
            return;
        }
        if (!val_is_int(p) || val_get_int(p) < 1) {
            task_fail(t, n, "InvalidConfig", "parallel needs a whole number "
                      "of at least 1");
            val_unref(p);
            val_unref(items);
            return;
        }
        limit = (size_t)val_get_int(p);
        val_unref(p);
    }
    if (r->opts->max_parallel > 0 && limit > (size_t)r->opts->max_parallel)
        limit = (size_t)r->opts->max_parallel;  /* mig.yaml's concurrency */
    loop_t *l = calloc(1, sizeof(*l));
    if (!l) {
        val_unref(items);
        r->fatal = true;
        task_fail(t, n, "Permanent", "out of memory");
        return;
    }
    *l = (loop_t){ .t = t, .node = n, .first = graph_flow_next(r->g, n),
                   .stop = graph_end_of(r->g, n, "join"), .items = items,
                   .limit = limit };
    size_t len = val_len(items);
    l->state = calloc(len ? len : 1, sizeof(*l->state));
    l->resolved = val_map_new(0);
    if (!l->state || !l->resolved) {
        loop_free(l);
        r->fatal = true;
        task_fail(t, n, "Permanent", "out of memory");
        return;
    }
    if (f->u.foreach.tolerate) {
        double v = f->u.foreach.tolerate->u.number.value;
        l->tolerating = true;
        l->allowed = f->u.foreach.tolerate_percent
            ? (size_t)floor(v / 100.0 * (double)val_len(items)) : (size_t)v;
    }
    if (f->u.foreach.after && !loop_order(l))
        return;
    t->waiting = true;
    r->items_queued += (int64_t)len;
    l->queued_counted = true;
    tell_items(l, t->item, items);
    loop_pump(l);
}

/* ---- items that wait for others (adapt.resolve_dependency) --------------- */

/* The name item I of L goes by: item[BY] when it is a map, the item when
 * it is a string; NULL otherwise. */
static const char *item_name(const loop_t *l, size_t i, const char *by)
{
    val_t *v = val_list_get(l->items, i);
    if (val_type(v) == VAL_MAP)
        v = val_map_get(v, by, strlen(by));
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* The waiter of item I, or NULL. */
static waiter_t *waiter_of(loop_t *l, size_t i)
{
    for (size_t k = 0; k < l->n_waiters; k++)
        if (l->waiters[k].item == i)
            return &l->waiters[k];
    return NULL;
}

/* Whether item FROM waits, directly or through others, for item TO;
 * SEEN marks the items visited. The names of the way there, after FROM,
 * are appended to WHY (" -> b -> a"). */
static bool waits_for(loop_t *l, size_t from, size_t to, bool *seen,
                      const char *by, strbuf_t *why)
{
    waiter_t *w = waiter_of(l, from);
    if (!w || seen[from])
        return false;
    seen[from] = true;
    for (size_t k = 0; k < w->n; k++) {
        size_t at = why->len;
        const char *name = item_name(l, w->on[k], by);
        strbuf_printf(why, " -> %s", name ? name : "?");
        if (w->on[k] == to || waits_for(l, w->on[k], to, seen, by, why))
            return true;
        why->len = at;
        if (why->data)
            why->data[at] = '\0';
    }
    return false;
}

/* Fails T's error with a message saying why the dependency cannot be
 * resolved (a strategy's fail: tolerable). */
static void after_fails(task_t *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void after_fails(task_t *t, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sched_apply_decision(t, AST_DECIDE_FAIL, val_cstring(buf), NULL, false);
}

/* Every item W waits for has ended: W's task retries its statement when
 * they all succeeded, else its error fails saying which did not. */
static void settle(loop_t *l, waiter_t *w)
{
    task_t *t = w->t;
    bool was = task_enter(t);
    t->waiting = false;
    size_t bad = SIZE_MAX;
    for (size_t k = 0; k < w->n && bad == SIZE_MAX; k++)
        if (l->state[w->on[k]] != ITEM_OK)
            bad = w->on[k];
    if (bad == SIZE_MAX) {
        sched_apply_decision(t, AST_DECIDE_RETRY, NULL, NULL, false);
    } else {
        const char *name = item_name(l, bad, w->by);
        after_fails(t, "its dependency '%s' (item %zu) %s in this run",
                    name ? name : "?", bad,
                    l->state[bad] == ITEM_SKIPPED ? "was skipped" : "failed");
    }
    task_leave(t, was);
}

static void waiter_clear(waiter_t *w)
{
    free(w->on);
    free(w->by);
}

/* Items have ended: the waiters whose items have all ended go on. */
static void wake_waiters(loop_t *l)
{
    for (size_t k = 0; k < l->n_waiters;) {
        waiter_t w = l->waiters[k];
        bool all = true;
        for (size_t j = 0; j < w.n && all; j++)
            all = l->state[w.on[j]] > ITEM_RUNNING;
        if (!all) {
            k++;
            continue;
        }
        /* Out of the list first: going on may add waiters. */
        l->waiters[k] = l->waiters[--l->n_waiters];
        settle(l, &w);
        waiter_clear(&w);
    }
}

/* Makes T, of item SELF, wait for the N items ON (taken when it returns
 * true), starting those not started yet. */
static bool await_items(loop_t *l, task_t *t, size_t self, size_t *on,
                        size_t n, const char *by)
{
    waiter_t *grown = realloc(l->waiters, (l->n_waiters + 1)
                                          * sizeof(*grown));
    if (grown)
        l->waiters = grown;
    char *b = grown ? strdup(by) : NULL;
    if (!b) {
        t->run->fatal = true;
        after_fails(t, "out of memory");
        return false;
    }
    l->waiters[l->n_waiters++] = (waiter_t){ .t = t, .item = self, .on = on,
                                             .n = n, .by = b };
    t->waiting = true;
    /* Nothing is woken while they start (ON stays ours); loop_pump
     * wakes whoever can go on. */
    bool was = l->pumping;
    l->pumping = true;
    for (size_t j = 0; j < n; j++)
        if (l->state[on[j]] == ITEM_PENDING && !start_item(l, on[j]))
            break;
    l->pumping = was;
    if (!was)
        loop_pump(l);
    return true;
}

/* The loop and the item of task T: its innermost foreach item. */
static loop_t *loop_of(task_t *t, size_t *item)
{
    for (; t; t = t->parent) {
        if (t->kind == TASK_ITEM) {
            *item = t->index;
            return t->owner;
        }
    }
    return NULL;
}

void sched_after(task_t *t, const val_t *on, const char *by)
{
    run_t *r = t->run;
    size_t self = 0;
    loop_t *l = loop_of(t, &self);
    size_t n = val_type(on) == VAL_LIST ? val_len(on) : 0;
    strbuf_t missing, why;
    strbuf_init(&missing);
    strbuf_init(&why);
    size_t *idx = calloc(n ? n : 1, sizeof(*idx));
    bool *seen = l ? calloc(val_len(l->items) + 1, sizeof(*seen)) : NULL;
    size_t k = 0, waiting = 0, again = 0;
    bool oom = !idx || (l && !seen), broken = false;
    for (size_t j = 0; !oom && !broken && j < n; j++) {
        const char *want = val_get_str(val_list_get(on, j), NULL);
        size_t found = SIZE_MAX;
        for (size_t i = 0; l && want && i < val_len(l->items); i++) {
            const char *name = item_name(l, i, by);
            if (name && strcmp(name, want) == 0) {
                found = i;
                break;
            }
        }
        if (found == SIZE_MAX) {
            strbuf_printf(&missing, "%s%s", missing.len ? ", " : "",
                          want ? want : "?");
            continue;
        }
        unsigned char st = l->state[found];
        if (found == self) {
            strbuf_printf(&why, "it depends on itself ('%s')", want);
            broken = true;
        } else if (st == ITEM_FAILED || st == ITEM_SKIPPED) {
            strbuf_printf(&why, "its dependency '%s' (item %zu) %s in this "
                          "run", want, found,
                          st == ITEM_SKIPPED ? "was skipped" : "failed");
            broken = true;
        } else if (waits_for(l, found, self, seen, by, &why)) {
            const char *me = item_name(l, self, by);
            strbuf_t c;
            strbuf_init(&c);
            strbuf_printf(&c, "a dependency cycle: %s -> %s%s",
                          me ? me : "?", want, why.data ? why.data : "");
            strbuf_free(&why);
            why = c;
            broken = true;
        } else {
            char pair[64];
            snprintf(pair, sizeof pair, "%zu:%zu", self, found);
            idx[k++] = found;
            waiting += st != ITEM_OK;
            again += st == ITEM_OK
                     && val_map_get(l->resolved, pair, strlen(pair));
        }
    }
    free(seen);
    oom = oom || missing.oom || why.oom;
    if (oom) {
        r->fatal = true;
        after_fails(t, "out of memory");
    } else if (missing.len) {
        after_fails(t, "missing, and not %s: %s",
                    l ? "among the items of this foreach"
                      : "in this run (no foreach around it)", missing.data);
    } else if (broken) {
        after_fails(t, "%s", why.data);
    } else if (!n) {
        after_fails(t, "the error does not say what is missing");
    } else if (waiting && (r->stopping || l->failed)) {
        after_fails(t, "its dependencies cannot run: the %s is stopping",
                    r->stopping ? "run" : "foreach");
    } else if (!waiting && again == k) {
        after_fails(t, "its dependencies have run in this run, yet it still "
                    "misses them");
    } else {
        val_t *d = val_map_new(2);
        val_t *keys = val_list_new(k);
        for (size_t j = 0; d && keys && j < k; j++) {
            char key[256], pair[64];
            item_key(l, idx[j], key);
            val_list_push_take(keys, val_cstring(key));
            snprintf(pair, sizeof pair, "%zu:%zu", self, idx[j]);
            if (val_map_set_take(l->resolved, pair, strlen(pair),
                                 val_bool(true)) != MIG_OK)
                r->fatal = true;
        }
        if (d) {
            val_map_set(d, "on", 2, (val_t *)on);
            val_map_set_take(d, "items", 5, keys);
            keys = NULL;
        }
        val_unref(keys);
        sched_event(r, "waits-for", t->redo_node, t->item, d);
        if (!waiting)
            sched_apply_decision(t, AST_DECIDE_RETRY, NULL, NULL, false);
        else if (await_items(l, t, self, idx, k, by))
            idx = NULL;
    }
    free(idx);
    strbuf_free(&missing);
    strbuf_free(&why);
}

/* ---- after NAMES: the order of the items (sched_order.c) ------------------ */

/* Adds the pairs of item I of L, whose `after` gave V: I waits for every
 * item that goes by a name V gives (a string, a list of strings, or null
 * for none; names no item goes by are left to the item's own calls).
 * NAMES maps a name to its first item, SAME each item to the next one of
 * the same name. Returns NULL, or the value that is no name (V, or an
 * element of V). */
static const val_t *order_item(loop_t *l, size_t i, const val_t *v,
                               const val_t *names, const size_t *same,
                               bool *oom)
{
    val_type_t ty = val_type(v);
    if (ty == VAL_NULL)
        return NULL;
    if (ty != VAL_STRING && ty != VAL_LIST)
        return v;
    size_t n = ty == VAL_LIST ? val_len(v) : 1;
    for (size_t k = 0; k < n; k++) {
        const val_t *x = ty == VAL_LIST ? val_list_get(v, k) : v;
        if (val_type(x) != VAL_STRING)
            return x;
        size_t len;
        const char *name = val_get_str(x, &len);
        val_t *first = val_map_get(names, name, len);
        for (size_t j = first ? (size_t)val_get_int(first) : SIZE_MAX;
             j != SIZE_MAX; j = same[j])
            if (!sched_order_wait(l->order, i, j)) {
                *oom = true;
                return NULL;
            }
    }
    return NULL;
}

/* Fails L's loop, which has started no item, with InvalidConfig and the
 * message FMT after the place of its `after` ("plan.mig:4:40: "), or
 * with "out of memory" when FMT is NULL; frees L. */
static bool order_fails(loop_t *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool order_fails(loop_t *l, const char *fmt, ...)
{
    task_t *t = l->t;
    uint32_t n = l->node;
    const src_span_t *at = &graph_node_ast(t->run->g, n)->u.foreach.after->span;
    char buf[2048];
    if (fmt) {
        int len = snprintf(buf, sizeof buf, "%s:%u:%u: ", t->run->src->name,
                           at->line, at->col);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf + len, sizeof buf - (size_t)len, fmt, ap);
        va_end(ap);
    }
    loop_free(l);
    if (!fmt) {
        t->run->fatal = true;
        task_fail(t, n, "Permanent", "out of memory");
    } else {
        task_fail(t, n, "InvalidConfig", "%s", buf);
    }
    return false;
}

/* "a -> b -> a": the names of the N items of CYCLE, the first again. */
static void cycle_text(const loop_t *l, const size_t *cycle, size_t n,
                       strbuf_t *b)
{
    for (size_t k = 0; k <= n; k++) {
        const char *name = item_name(l, cycle[k % n], "name");
        strbuf_printf(b, "%s%s", k ? " -> " : "", name ? name : "?");
    }
}

/* Evaluates L's `after` for each item, with the loop's variable bound to
 * it, when the loop starts; builds L->order, so that an item starts once
 * the items it names have ended. False, with the loop failed and freed,
 * when a value is not names (InvalidConfig), the items wait for one
 * another in a cycle (InvalidConfig, naming it) or memory runs out. */
static bool loop_order(loop_t *l)
{
    task_t *t = l->t;
    run_t *r = t->run;
    const ast_node_t *f = graph_node_ast(r->g, l->node);
    size_t len = val_len(l->items);
    val_t *names = val_map_new(len);
    size_t *same = malloc((len ? len : 1) * sizeof(*same));
    eval_env_t *env = eval_env_new(t->env);
    l->order = sched_order_new(len);
    bool oom = !names || !same || !env || !l->order;
    /* Backwards, so that each name's chain is in list order. */
    for (size_t i = len; !oom && i-- > 0;) {
        const char *name = item_name(l, i, "name");
        same[i] = SIZE_MAX;
        if (!name)
            continue;
        val_t *at = val_map_get(names, name, strlen(name));
        if (at)
            same[i] = (size_t)val_get_int(at);
        oom = val_map_set_take(names, name, strlen(name),
                               val_int((int64_t)i)) != MIG_OK;
    }
    const val_t *bad = NULL;
    val_t *v = NULL;
    size_t i = 0;
    for (; !oom && !bad && i < len; i++) {
        if (eval_env_set(env, f->u.foreach.var.name,
                         val_list_get(l->items, i)) != MIG_OK) {
            oom = true;
            break;
        }
        v = sched_eval_in(t, l->node, f->u.foreach.after, env);
        if (!v)
            break;              /* sched_eval_in failed the loop's task */
        bad = order_item(l, i, v, names, same, &oom);
        if (!bad) {
            val_unref(v);
            v = NULL;
        }
    }
    eval_env_free(env);
    val_unref(names);
    free(same);
    if (oom) {
        val_unref(v);
        return order_fails(l, NULL);
    }
    if (i < len && !bad) {
        loop_free(l);
        return false;
    }
    if (bad) {
        char key[256];
        item_key(l, i - 1, key);
        bool in_list = bad != v;
        const char *found = val_type_name(val_type(bad));
        val_unref(v);
        return order_fails(l, "after gives the names each item waits for (a "
                           "name, a list of names or null), found %sa %s for "
                           "item %s", in_list ? "a list holding " : "", found,
                           key);
    }
    size_t *cycle = NULL, n_cycle = 0;
    mig_status_t st = sched_order_seal(l->order, &cycle, &n_cycle);
    if (st == MIG_EINVALID) {
        strbuf_t b;
        strbuf_init(&b);
        cycle_text(l, cycle, n_cycle, &b);
        free(cycle);
        if (b.oom)
            order_fails(l, NULL);
        else
            order_fails(l, "the items wait for one another in a cycle: %s "
                        "(each waits for the next)", b.data);
        strbuf_free(&b);
        return false;
    }
    if (st != MIG_OK)
        return order_fails(l, NULL);
    return true;
}
