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

/* The error as the value `err` has in a recover block. */
static val_t *err_value(const run_t *r, const sched_err_t *e)
{
    val_t *m = val_map_new(8);
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
               == MIG_OK;
    if (!ok) {
        val_unref(m);
        return NULL;
    }
    return m;
}

val_t *sched_err_detail(const run_t *r, const sched_err_t *e)
{
    val_t *m = err_value(r, e);
    if (m && e->cause)
        val_map_set_take(m, "cause", 5, val_cstring(e->cause));
    return m;
}

static void handler_done(task_t *h);
static void handler_failed(task_t *t, sched_err_t *e);
static void apply_decision(task_t *t, ast_decision_kind_t what, val_t *value,
                           char *target);
static void run_hook(task_t *t, uint32_t h, const char *name);

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
    val_t *d = val_map_new(2);
    if (d) {
        val_map_set_take(d, "class", 5, val_cstring(e->cls));
        val_map_set_take(d, "message", 7, val_cstring(e->message));
        val_map_set_take(d, "handler", 7, val_cstring(graph_node_id(r->g, h)));
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
        if (b.data && r->opts->lua && lua_bridge_has(r->opts->lua, b.data)) {
            t->redo_node = n;
            t->handler_scope = graph_node_scope(r->g, h);
            run_hook(t, h, b.data);
            strbuf_free(&b);
            return;
        }
        /* Named strategies (adapt.*) are not run by this build yet: the
         * error goes on as unhandled, and says so. */
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
    val_t *ev = err_value(r, e);
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
    if (!e->final && !r->fatal) {
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
        handler_failed(t, &h->err);
    } else {
        char *target = h->decision_target;
        val_t *value = h->decision_value;
        h->decision_target = NULL;
        h->decision_value = NULL;
        apply_decision(t, h->decision, value, target);
    }
    task_free(h);
    task_leave(t, was);
}

/* The handler of T's error failed with E (moved): both are reported, and
 * the error goes on with no other handler asked. */
static void handler_failed(task_t *t, sched_err_t *e)
{
    sched_err_t x = *e;
    memset(e, 0, sizeof(*e));
    char cause[1024];
    snprintf(cause, sizeof cause, "while handling %s: %s", t->err.cls,
             t->err.message);
    free(x.cause);
    x.cause = strdup(cause);
    x.final = true;
    sched_err_clear(&t->err);
    t->err = x;
    task_end(t, TASK_FAILED);
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

/* Carries out in T the decision WHAT of the handler of its error (VALUE
 * and TARGET taken): a retry, a skip, a fail or a rollback. */
static void apply_decision(task_t *t, ast_decision_kind_t what, val_t *value,
                           char *target)
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
        sched_err_clear(&t->err);
        val_unref(t->redo_with);
        t->redo_with = value;
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
            eval_env_set(t->env, graph_node_ast(r->g, n)->u.step.name.name,
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

/* Adds to a hook's CONTEXT (a map) what it knows of where the error
 * happened: `item`, the value of the innermost foreach's variable, and
 * `key`, the item's path ("2", "2/0"). */
static mig_status_t hook_context(task_t *t, uint32_t h, val_t *context)
{
    run_t *r = t->run;
    for (uint32_t s = graph_node_scope(r->g, h); s != GRAPH_NONE;
         s = graph_node_scope(r->g, s)) {
        if (graph_node_kind(r->g, s) != GRAPH_FANOUT)
            continue;
        val_t *v = eval_env_get(t->env,
                                graph_node_ast(r->g, s)->u.foreach.var.name);
        if (v && !val_map_get(context, "item", 4)
            && val_map_set(context, "item", 4, v) != MIG_OK)
            return MIG_ENOMEM;
        break;
    }
    return val_map_get(context, "key", 3)
        ? MIG_OK : val_map_set_take(context, "key", 3, val_cstring(t->item));
}

/* Asks the Lua hook NAME of handler node H for its decision about T's
 * error, and carries it out. */
static void run_hook(task_t *t, uint32_t h, const char *name)
{
    run_t *r = t->run;
    const ast_node_t *with = graph_node_ast(r->g, h)->u.recover.handler;
    val_t *context = NULL, *err = err_value(r, &t->err), *decision = NULL;
    action_ctx_t *ctx = actx_new(ACTX_RUN, r->base_dir);
    mig_status_t st = err && ctx ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK && with->kind == AST_CALL) {
        /* The arguments written in `with NAME(...)` join the context. */
        uint32_t k = with->u.call.args.len;
        val_t **vals = calloc(k ? k : 1, sizeof(*vals));
        st = vals ? MIG_OK : MIG_ENOMEM;
        diag_list_t d;
        diag_list_init(&d);
        for (uint32_t i = 0; st == MIG_OK && i < k; i++)
            st = eval_expr(with->u.call.args.items[i].value, t->env, r->src,
                           &d, &vals[i]);
        if (st == MIG_OK)
            st = action_bind_args(r->reg, name, NULL, with, vals, r->src,
                                  &d, &context);
        if (st == MIG_EINVALID)
            actx_fail(ctx, "InvalidConfig", "%s", d.len ? d.items[0].message
                                                        : "bad arguments");
        for (uint32_t i = 0; vals && i < k; i++)
            val_unref(vals[i]);
        free(vals);
        diag_list_free(&d);
    }
    if (st == MIG_OK && !context && !(context = val_map_new(2)))
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        st = hook_context(t, h, context);
    if (st == MIG_OK) {
        actx_set_host(ctx, &r->host);
        actx_begin(ctx, name);
        st = lua_bridge_hook(r->opts->lua, name, err, context, ctx, &decision);
    }
    if (st != MIG_OK) {
        sched_err_t e = { .node = h, .attempt = t->attempt };
        const char *cls = ctx ? actx_error_class(ctx) : NULL;
        const char *msg = ctx ? actx_error_message(ctx) : NULL;
        e.cls = strdup(cls ? cls : "ScriptError");
        e.message = strdup(msg ? msg : "out of memory");
        e.item = strdup(t->item);
        handler_failed(t, &e);
    } else {
        static const struct { const char *name; ast_decision_kind_t what;
                              const char *key; } kinds[] = {
            { "retry", AST_DECIDE_RETRY, "input" },
            { "skip", AST_DECIDE_SKIP, "reason" },
            { "fail", AST_DECIDE_FAIL, "message" },
            { "rollback", AST_DECIDE_ROLLBACK, "to" },
        };
        const char *what = val_get_str(val_map_get(decision, "decision", 8),
                                       NULL);
        for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
            if (strcmp(what, kinds[i].name) != 0)
                continue;
            val_t *v = val_map_get(decision, kinds[i].key,
                                   strlen(kinds[i].key));
            char *target = kinds[i].what == AST_DECIDE_ROLLBACK && v
                ? strdup(val_get_str(v, NULL)) : NULL;
            apply_decision(t, kinds[i].what,
                           kinds[i].what == AST_DECIDE_ROLLBACK ? NULL
                                                               : val_ref(v),
                           target);
            break;
        }
    }
    val_unref(decision);
    val_unref(context);
    val_unref(err);
    actx_free(ctx);
}
