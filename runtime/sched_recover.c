/* sched_recover.c: how an error travels (sched_int.h, task_raise;
 * docs/language.md, "How an error travels"): the handlers of each scope
 * from the inside out, the most specific class first, then '*'; a recover
 * block runs as a task of its own and ends in a decision, a Lua hook
 * returns one; the decision is carried out in the task that failed:
 * retry the step (as its next attempt, with changed inputs), skip (the
 * item, or the step outside a foreach), fail, or roll back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_bridge.h"
#include "sched_int.h"

/* Handler decisions taken for one item before mig gives up on it. */
#define SCHED_MAX_RECOVERIES 16

/* ---- errors and handlers ----------------------------------------------------- */

/* Whether an error of class CLS is one of WANT ('*': every class). */
bool sched_class_is(const run_t *r, const char *cls, const char *want)
{
    if (strcmp(want, "*") == 0)
        return true;
    for (int guard = 0; cls && guard < 64; guard++) {
        if (strcmp(cls, want) == 0)
            return true;
        cls = graph_class_parent(r->g, cls);
    }
    return false;
}

/* The handler of scope S for class CLS: the first named match in the
 * order of the error edges (most specific first), else the first '*'. */
static uint32_t find_handler(const run_t *r, uint32_t s, const char *cls)
{
    uint32_t k, any = GRAPH_NONE;
    const graph_edge_t *e = graph_out(r->g, s, &k);
    for (uint32_t i = 0; i < k; i++) {
        if (e[i].kind != GRAPH_EDGE_ERROR)
            continue;
        const ast_idents_t *cl = &graph_node_ast(r->g, e[i].to)->u.recover.classes;
        for (uint32_t j = 0; j < cl->len; j++) {
            if (strcmp(cl->items[j].name, "*") == 0) {
                if (any == GRAPH_NONE)
                    any = e[i].to;
            } else if (sched_class_is(r, cls, cl->items[j].name)) {
                return e[i].to;
            }
        }
    }
    return any;
}

/* Where node N stands in the plan: {file, line, col}; null for none. */
static val_t *span_value(const run_t *r, uint32_t n)
{
    if (n == GRAPH_NONE)
        return val_null();
    const src_span_t *sp = graph_node_span(r->g, n);
    val_t *m = val_map_new(3);
    if (m && (val_map_set_take(m, "file", 4, val_cstring(r->src->name))
                  != MIG_OK
              || val_map_set_take(m, "line", 4, val_int(sp->line)) != MIG_OK
              || val_map_set_take(m, "col", 3, val_int(sp->col)) != MIG_OK)) {
        val_unref(m);
        m = NULL;
    }
    return m;
}

val_t *sched_err_value(const run_t *r, const sched_err_t *e)
{
    val_t *m = val_map_new(9);
    if (!m)
        return NULL;
    bool ok = val_map_set_take(m, "class", 5, val_cstring(e->cls)) == MIG_OK
        && val_map_set_take(m, "message", 7, val_cstring(e->message)) == MIG_OK
        && val_map_set_take(m, "node", 4, val_cstring(
               e->node == GRAPH_NONE ? "" : graph_node_id(r->g, e->node)))
               == MIG_OK
        && val_map_set_take(m, "item", 4, val_cstring(e->item ? e->item : ""))
               == MIG_OK
        && val_map_set_take(m, "attempt", 7, val_int(e->attempt)) == MIG_OK
        && val_map_set_take(m, "span", 4, span_value(r, e->node)) == MIG_OK
        && val_map_set(m, "input", 5, e->input ? e->input : val_null())
               == MIG_OK
        && val_map_set(m, "detail", 6, e->detail ? e->detail : val_null())
               == MIG_OK;
    if (!ok) {
        val_unref(m);
        return NULL;
    }
    return m;
}

val_t *sched_err_detail(const run_t *r, const sched_err_t *e)
{
    val_t *m = sched_err_value(r, e);
    if (m && !e->detail)
        val_map_delete(m, "detail", 6);
    if (m && e->cause)
        val_map_set_take(m, "cause", 5, val_cstring(e->cause));
    return m;
}

static void handler_done(task_t *h);

/* Whether scope S lies in a foreach body (a skip there ends the item). */
static bool in_foreach(const run_t *r, uint32_t s)
{
    for (; s != GRAPH_NONE; s = graph_node_scope(r->g, s)) {
        graph_node_kind_t k = graph_node_kind(r->g, s);
        if (k == GRAPH_FANOUT)
            return true;
        if (k == GRAPH_STAGE_ENTER)
            return false;
    }
    return false;
}

/* Runs handler H (a recover node) for the error E raised by node N of T. */
static void run_handler(task_t *t, uint32_t n, uint32_t h, sched_err_t *err)
{
    run_t *r = t->run;
    sched_err_clear(&t->err);
    t->err = *err;
    memset(err, 0, sizeof(*err));
    sched_err_t *e = &t->err;
    const ast_node_t *rec = graph_node_ast(r->g, h);
    val_t *d = val_map_new(4);
    if (d) {
        val_map_set_take(d, "class", 5, val_cstring(e->cls));
        val_map_set_take(d, "message", 7, val_cstring(e->message));
        val_map_set_take(d, "handler", 7, val_cstring(graph_node_id(r->g, h)));
        /* The strategy, for metrics: `with NAME` names it; a block is
         * the plan's own. */
        const ast_node_t *with = rec->u.recover.handler;
        strbuf_t b;
        strbuf_init(&b);
        if (with)
            ast_dotted_name(with->kind == AST_CALL ? with->u.call.callee
                                                   : with, &b);
        val_map_set_take(d, "strategy", 8,
                         val_cstring(b.data ? b.data : "block"));
        strbuf_free(&b);
    }
    sched_event(r, "recover", n, t->item, d);
    char msg[512] = "";
    if (++t->recoveries > SCHED_MAX_RECOVERIES) {
        snprintf(msg, sizeof msg, "recovery gave up: more than %d handler "
                 "decisions for this item", SCHED_MAX_RECOVERIES);
        e->final = true;
    } else if (rec->u.recover.handler) {
        const ast_node_t *with = rec->u.recover.handler;
        strbuf_t b;
        strbuf_init(&b);
        ast_dotted_name(with->kind == AST_CALL ? with->u.call.callee : with,
                        &b);
        const action_handler_t *row = b.data
            ? action_find_handler(r->reg, b.data) : NULL;
        if (b.data && ((row && row->run) || (r->opts->lua
                                   && lua_bridge_has(r->opts->lua, b.data)))) {
            t->redo_node = n;
            t->handler_scope = graph_node_scope(r->g, h);
            sched_call_handler(t, h, b.data, row && row->run ? row : NULL);
            strbuf_free(&b);
            return;
        }
        snprintf(msg, sizeof msg, "handler '%s' cannot run in this build",
                 b.data ? b.data : "?");
        strbuf_free(&b);
    }
    if (*msg) {
        free(e->cause);
        e->cause = strdup(msg);
        task_end(t, TASK_FAILED);
        return;
    }
    eval_env_t *env = eval_env_new(t->env);
    val_t *ev = sched_err_value(r, e);
    if (!env || !ev || eval_env_set(env, "err", ev) != MIG_OK) {
        val_unref(ev);
        eval_env_free(env);
        r->fatal = true;
        task_end(t, TASK_FAILED);
        return;
    }
    val_unref(ev);
    t->redo_node = n;
    t->handler_scope = graph_node_scope(r->g, h);
    t->waiting = true;
    task_t *child = task_start(r, t, TASK_HANDLER, h, graph_flow_next(r->g, h),
                               GRAPH_NONE, env, t->item, handler_done, NULL);
    if (!child) {
        t->waiting = false;
        task_end(t, TASK_FAILED);
        return;
    }
    task_go(child);
}

void task_raise(task_t *t, uint32_t n, sched_err_t *e)
{
    run_t *r = t->run;
    if (!e->final && !r->fatal && !r->interrupted && !t->raw) {
        for (uint32_t s = graph_node_scope(r->g, n); s != GRAPH_NONE;
             s = graph_node_scope(r->g, s)) {
            uint32_t h = find_handler(r, s, e->cls);
            if (h != GRAPH_NONE) {
                run_handler(t, n, h, e);
                return;
            }
            if (s == t->scope)
                break;
        }
    }
    sched_err_clear(&t->err);
    t->err = *e;
    memset(e, 0, sizeof(*e));
    task_end(t, TASK_FAILED);
}

/* A recover block ended: carry out its decision in its parent. */
static void handler_done(task_t *h)
{
    task_t *t = h->parent;
    bool was = task_enter(t);
    t->waiting = false;
    if (h->end == TASK_FAILED) {
        sched_handler_failed(t, &h->err);
    } else {
        char *target = h->decision_target;
        val_t *value = h->decision_value;
        h->decision_target = NULL;
        h->decision_value = NULL;
        sched_apply_decision(t, h->decision, value, target, true);
    }
    task_free(h);
    task_leave(t, was);
}

/* E (taken), with the error T was handling as its cause. */
static sched_err_t while_handling(task_t *t, sched_err_t *e)
{
    sched_err_t x = *e;
    memset(e, 0, sizeof(*e));
    char cause[1024];
    snprintf(cause, sizeof cause, "while handling %s: %s", t->err.cls,
             t->err.message);
    free(x.cause);
    x.cause = strdup(cause);
    sched_err_clear(&t->err);
    return x;
}

/* Both errors are reported, and the error goes on with no other handler
 * asked. */
void sched_handler_failed(task_t *t, sched_err_t *e)
{
    sched_err_t x = while_handling(t, e);
    x.final = true;
    t->err = x;
    task_end(t, TASK_FAILED);
}

void sched_hook_raised(task_t *t, sched_err_t *e)
{
    uint32_t s = t->handler_scope;
    sched_err_t x = while_handling(t, e);
    if (s == GRAPH_NONE || s == t->scope) {
        /* Nothing encloses the block in this task: the task fails, and
         * its parent (a foreach's, a stage's) takes the error on. */
        t->err = x;
        task_end(t, TASK_FAILED);
        return;
    }
    task_raise(t, s, &x);
}

/* The node that ends the statement node N opens: the exit of a retry
 * block, the join of a foreach or an if; N itself for a single node. */
static uint32_t after_statement(const graph_t *g, uint32_t n)
{
    switch (graph_node_kind(g, n)) {
    case GRAPH_RETRY_ENTER: return graph_end_of(g, n, "exit");
    case GRAPH_FANOUT:
    case GRAPH_BRANCH: return graph_end_of(g, n, "join");
    default: return n;
    }
}

/* "node\titem" of the step that raised T's error. */
static char *failed_step_key(const task_t *t)
{
    const run_t *r = t->run;
    uint32_t n = t->err.node == GRAPH_NONE ? t->redo_node : t->err.node;
    return step_key(graph_node_id(r->g, n), t->err.item ? t->err.item
                                                       : t->item);
}

/* The overrides of step KEY ("node\titem") kept by T or a task it runs
 * in, or NULL (borrowed). */
static val_t *find_override(const task_t *t, const char *key)
{
    for (; t; t = t->parent) {
        val_t *v = t->overrides ? val_map_get(t->overrides, key, strlen(key))
                                : NULL;
        if (v)
            return v;
    }
    return NULL;
}

val_t *sched_merge(const val_t *base, const val_t *over)
{
    val_t *m = base ? val_copy(base) : val_map_new(val_len(over));
    for (size_t i = 0; m && i < val_len(over); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(over, i), &len);
        if (val_map_set(m, k, len, val_map_value(over, i)) != MIG_OK) {
            val_unref(m);
            m = NULL;
        }
    }
    return m;
}

/* Keeps in T the arguments the retry of its error's step gets: those of
 * WITH (a map) over the ones earlier retries of that step changed, so
 * that repairs add up. */
static mig_status_t keep_override(task_t *t, const val_t *with)
{
    char *key = failed_step_key(t);
    val_t *m = key ? sched_merge(find_override(t, key), with) : NULL;
    if (m && !t->overrides)
        t->overrides = val_map_new(2);
    if (!key || !m || !t->overrides) {
        val_unref(m);
        free(key);
        return MIG_ENOMEM;
    }
    mig_status_t st = val_map_set_take(t->overrides, key, strlen(key), m);
    free(key);
    return st;
}

val_t *sched_override(const task_t *t, uint32_t n)
{
    char *key = step_key(graph_node_id(t->run->g, n), t->item);
    val_t *v = key ? find_override(t, key) : NULL;
    free(key);
    return v;
}

void sched_apply_decision(task_t *t, ast_decision_kind_t what, val_t *value,
                          char *target, bool by_plan)
{
    run_t *r = t->run;
    uint32_t n = t->redo_node;
    val_t *d = val_map_new(2);
    if (d)
        val_map_set_take(d, "decision", 8,
                         val_cstring(ast_decision_name(what)));
    sched_event(r, "decision", n, t->item, d);
    switch (what) {
    case AST_DECIDE_RETRY:
        if (value && val_type(value) == VAL_MAP && keep_override(t, value)
                                                      != MIG_OK)
            r->fatal = true;
        val_unref(value);
        sched_err_clear(&t->err);
        t->redos++;     /* the call's next attempt */
        t->node = n;
        free(target);
        return;
    case AST_DECIDE_SKIP:
        free(t->skip_reason);
        t->skip_reason = value && val_type(value) == VAL_STRING
            ? strdup(val_get_str(value, NULL)) : strdup(t->err.message);
        val_unref(value);
        free(target);
        if (in_foreach(r, t->handler_scope)) {
            task_end(t, TASK_SKIPPED);
            return;
        }
        /* Outside a foreach: the failed statement is skipped (a step's
         * name holds null; a retry block or a foreach that failed as a
         * whole is left by its end) and the block goes on after it. */
        if (graph_node_kind(r->g, n) == GRAPH_STEP)
            sched_bind_step(t, graph_node_ast(r->g, n)->u.step.name.name,
                            val_null());
        sched_err_clear(&t->err);
        t->node = graph_flow_next(r->g, after_statement(r->g, n));
        return;
    case AST_DECIDE_FAIL:
        if (value) {
            strbuf_t b;
            strbuf_init(&b);
            eval_to_text(value, &b);
            free(t->err.message);
            t->err.message = strdup(b.data ? b.data : "");
            strbuf_free(&b);
        }
        val_unref(value);
        free(target);
        t->err.final = true;
        t->err.decided = by_plan;
        task_end(t, TASK_FAILED);
        return;
    case AST_DECIDE_ROLLBACK:
        val_unref(value);
        free(r->rollback_to);
        r->rollback_to = target;
        r->stopping = true;
        t->err.final = true;
        task_end(t, TASK_FAILED);
        return;
    }
}
