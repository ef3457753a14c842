/* sched.c: the scheduler's flow (sched_int.h). A task runs one block of
 * the graph (a stage body, a foreach item, a retry attempt, a hook, a
 * recover block) node after node; it waits by returning, and whatever it
 * waited for (an action, the journal's commit, a timer, its children)
 * resumes it. Everything runs on one libuv loop: a thousand items in
 * flight are a thousand small structs, not threads. Errors travel as
 * docs/language.md says: handlers of each scope from the inside out, then
 * retry policies, then the item, the stage and the plan. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_bridge.h"
#include "sched_int.h"

/* Handler decisions taken for one item before mig gives up on it. */
#define SCHED_MAX_RECOVERIES 16

void sched_err_clear(sched_err_t *e)
{
    free(e->cls);
    free(e->message);
    free(e->item);
    free(e->cause);
    val_unref(e->input);
    memset(e, 0, sizeof(*e));
}

/* ---- events ------------------------------------------------------------- */

void sched_event(run_t *r, const char *kind, uint32_t node, const char *item,
                 val_t *data)
{
    const char *id = node == GRAPH_NONE ? NULL : graph_node_id(r->g, node);
    if (store_event(r->store, r->id, kind, id, item, data) != MIG_OK)
        r->fatal = true;
    if (r->opts->on_event)
        r->opts->on_event(r->opts->data, kind, id, item, data);
    val_unref(data);
}

/* ---- tasks ---------------------------------------------------------------- */

task_t *task_start(run_t *r, task_t *parent, task_kind_t kind, uint32_t scope,
                   uint32_t first, uint32_t stop, eval_env_t *env,
                   const char *item, void (*on_end)(task_t *t), void *owner)
{
    task_t *t = calloc(1, sizeof(*t));
    char *it = strdup(item ? item : "");
    if (!t || !it) {
        free(t);
        free(it);
        eval_env_free(env);
        r->fatal = true;
        return NULL;
    }
    *t = (task_t){ .run = r, .parent = parent, .kind = kind, .scope = scope,
                   .node = first, .stop = stop, .env = env, .item = it,
                   .attempt = parent ? parent->attempt : 1,
                   .on_end = on_end, .owner = owner,
                   .redo_node = GRAPH_NONE };
    r->in_flight++;
    return t;
}

void task_free(task_t *t)
{
    if (!t)
        return;
    step_free(t->call);
    eval_env_free(t->env);
    free(t->item);
    free(t->skip_reason);
    free(t->decision_target);
    val_unref(t->decision_value);
    val_unref(t->redo_with);
    sched_err_clear(&t->err);
    free(t);
}

/* Ends T. Its ON_END is called by task_go once the task's loop has
 * unwound, never from inside it, so that nothing touches T after its
 * owner freed it. */
void task_end(task_t *t, task_end_t end)
{
    if (t->done)
        return;
    t->done = true;
    t->end = end;
    t->run->in_flight--;
}

bool task_enter(task_t *t)
{
    bool was = t->running;
    t->running = true;
    return was;
}

void task_leave(task_t *t, bool was)
{
    t->running = was;
    if (!was)
        task_go(t);
}

void task_resume(task_t *t)
{
    t->waiting = false;
    if (!t->running)
        task_go(t);
}

void task_fail(task_t *t, uint32_t n, const char *cls, const char *fmt, ...)
{
    sched_err_t e = { .node = n, .attempt = t->attempt };
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    e.cls = strdup(cls);
    e.message = strdup(buf);
    e.item = strdup(t->item);
    if (!e.cls || !e.message || !e.item)
        t->run->fatal = true;
    task_raise(t, n, &e);
}

val_t *sched_eval(task_t *t, uint32_t n, const ast_node_t *e)
{
    diag_list_t d;
    diag_list_init(&d);
    val_t *v = NULL;
    mig_status_t st = eval_expr(e, t->env, t->run->src, &d, &v);
    if (st == MIG_OK) {
        diag_list_free(&d);
        free(t->run->expr_class);
        t->run->expr_class = NULL;
        return v;
    }
    if (st == MIG_ENOMEM || !d.len) {
        t->run->fatal = true;
        task_fail(t, n, "Permanent", "out of memory");
    } else {
        const diag_t *x = &d.items[0];
        char *cls = t->run->expr_class;
        t->run->expr_class = NULL;
        task_fail(t, n, cls ? cls : "InvalidConfig", "%s:%u:%u: %s",
                  t->run->src->name, x->has_span ? x->span.line : 0,
                  x->has_span ? x->span.col : 0, x->message);
        free(cls);
    }
    diag_list_free(&d);
    return NULL;
}

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
        && val_map_set(m, "input", 5, e->input ? e->input : val_null())
               == MIG_OK;
    if (!ok) {
        val_unref(m);
        return NULL;
    }
    return m;
}

static val_t *err_detail(const run_t *r, const sched_err_t *e)
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
        /* Outside a foreach: the failed step is skipped, its name null. */
        if (graph_node_kind(r->g, n) == GRAPH_STEP)
            eval_env_set(t->env, graph_node_ast(r->g, n)->u.step.name.name,
                         val_null());
        sched_err_clear(&t->err);
        t->node = graph_flow_next(r->g, n);
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
            st = lua_bridge_bind_args(name, with, vals, r->src, &d, &context);
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

/* A decision statement at node N of T. */
static void decide(task_t *t, uint32_t n)
{
    run_t *r = t->run;
    const ast_node_t *s = graph_node_ast(r->g, n);
    val_t *v = NULL;
    if (s->u.decision.value && !(v = sched_eval(t, n, s->u.decision.value)))
        return;
    if (t->kind == TASK_HANDLER) {
        t->decision = s->u.decision.what;
        t->decision_value = v;
        if (s->u.decision.what == AST_DECIDE_ROLLBACK)
            t->decision_target = strdup(s->u.decision.target.name);
        task_end(t, TASK_OK);
        return;
    }
    strbuf_t b;
    strbuf_init(&b);
    if (v)
        eval_to_text(v, &b);
    val_unref(v);
    switch (s->u.decision.what) {
    case AST_DECIDE_SKIP:
        t->skip_reason = strdup(b.len ? b.data : "skipped");
        strbuf_free(&b);
        task_end(t, TASK_SKIPPED);
        return;
    case AST_DECIDE_ROLLBACK:
        /* In an `on failure` hook: nothing else is running now. */
        strbuf_free(&b);
        sched_rollback(r, s->u.decision.target.name);
        t->node = GRAPH_NONE;
        return;
    default: {
        sched_err_t e = { .node = n, .attempt = t->attempt, .final = true };
        e.cls = strdup("Permanent");
        e.message = strdup(b.len ? b.data : "the plan says fail");
        e.item = strdup(t->item);
        strbuf_free(&b);
        task_raise(t, n, &e);
        return;
    }
    }
}

/* ---- foreach ------------------------------------------------------------------- */

typedef struct loop {
    task_t *t;
    uint32_t node, first, stop;
    val_t *items;
    size_t next, limit;
    uint32_t in_flight;
    bool pumping, failed;
    sched_err_t err;
} loop_t;

static void loop_pump(loop_t *l);

static void item_done(task_t *c)
{
    loop_t *l = c->owner;
    run_t *r = l->t->run;
    l->in_flight--;
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
        if (!l->failed) {
            l->failed = true;
            l->err = c->err;
            memset(&c->err, 0, sizeof(c->err));
        }
        sched_event(r, "item-failed", l->node, c->item, err_detail(r, &l->err));
    }
    task_free(c);
    if (!l->pumping)
        loop_pump(l);
}

static void loop_free(loop_t *l)
{
    val_unref(l->items);
    sched_err_clear(&l->err);
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

/* Starts items while there is room; ends the loop when all are done. */
static void loop_pump(loop_t *l)
{
    task_t *t = l->t;
    run_t *r = t->run;
    const ast_node_t *f = graph_node_ast(r->g, l->node);
    l->pumping = true;
    while (!l->failed && !r->stopping && !r->fatal
           && l->next < val_len(l->items) && l->in_flight < l->limit) {
        size_t i = l->next++;
        eval_env_t *env = eval_env_new(t->env);
        char key[256];
        if (*t->item)
            snprintf(key, sizeof key, "%s/%zu", t->item, i);
        else
            snprintf(key, sizeof key, "%zu", i);
        if (item_was_skipped(r, l->node, key)) {
            eval_env_free(env);
            r->n_skipped++;
            continue;
        }
        if (!env || eval_env_set(env, f->u.foreach.var.name,
                                 val_list_get(l->items, i)) != MIG_OK) {
            eval_env_free(env);
            r->fatal = true;
            break;
        }
        task_t *c = task_start(r, t, TASK_ITEM, l->node, l->first, l->stop,
                               env, key, item_done, l);
        if (!c)
            break;
        l->in_flight++;
        task_go(c);
    }
    l->pumping = false;
    bool more = !l->failed && !r->stopping && !r->fatal
        && l->next < val_len(l->items);
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

static void foreach_start(task_t *t, uint32_t n)
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
    t->waiting = true;
    loop_pump(l);
}

/* ---- the task loop ---------------------------------------------------------- */

void task_go(task_t *t)
{
    run_t *r = t->run;
    t->running = true;
    while (!t->done && !t->waiting) {
        uint32_t n = t->node;
        if (n == GRAPH_NONE || n == t->stop) {
            task_end(t, TASK_OK);
            break;
        }
        if (r->fatal) {
            task_fail(t, n, "Permanent", "the run cannot go on: %s",
                      "its state store failed or memory ran out");
            break;
        }
        const ast_node_t *s = graph_node_ast(r->g, n);
        switch (graph_node_kind(r->g, n)) {
        case GRAPH_STEP:
            step_start(t, n);
            break;
        case GRAPH_LET: {
            val_t *v = sched_eval(t, n, s->u.binding.value);
            if (!v)
                break;
            if (eval_env_set(t->env, s->u.binding.name.name, v) != MIG_OK)
                r->fatal = true;
            val_unref(v);
            t->node = graph_flow_next(r->g, n);
            break;
        }
        case GRAPH_VERIFY: {
            val_t *c = sched_eval(t, n, s->u.verify.cond);
            if (!c)
                break;
            bool holds = val_type(c) == VAL_BOOL && val_get_bool(c);
            bool is_bool = val_type(c) == VAL_BOOL;
            val_unref(c);
            if (holds) {
                t->node = graph_flow_next(r->g, n);
                break;
            }
            strbuf_t b;
            strbuf_init(&b);
            if (!is_bool) {
                strbuf_puts(&b, "the condition is not a bool");
            } else if (s->u.verify.message) {
                val_t *m = sched_eval(t, n, s->u.verify.message);
                if (!m) {
                    strbuf_free(&b);
                    break;
                }
                eval_to_text(m, &b);
                val_unref(m);
            } else {
                strbuf_printf(&b, "verify failed: %s",
                              graph_node_label(r->g, n) + 7);
            }
            task_fail(t, n, "ValidationFailed", "%s", b.data ? b.data : "");
            strbuf_free(&b);
            break;
        }
        case GRAPH_CHECKPOINT:
            checkpoint_record(t, n);
            break;
        case GRAPH_BRANCH: {
            val_t *c = sched_eval(t, n, s->u.if_.cond);
            if (!c)
                break;
            if (val_type(c) != VAL_BOOL) {
                task_fail(t, n, "InvalidConfig", "an if condition must be a "
                          "bool, not %s", val_type_name(val_type(c)));
                val_unref(c);
                break;
            }
            t->node = graph_edge_to(r->g, n, val_get_bool(c) ? GRAPH_EDGE_THEN
                                                       : GRAPH_EDGE_ELSE);
            val_unref(c);
            break;
        }
        case GRAPH_FANOUT:
            foreach_start(t, n);
            break;
        case GRAPH_RETRY_ENTER:
            retry_start(t, n);
            break;
        case GRAPH_DECISION:
            decide(t, n);
            break;
        default:        /* joins and exits: the flow goes on */
            t->node = graph_flow_next(r->g, n);
            break;
        }
    }
    t->running = false;
    if (t->done && !t->ended) {
        t->ended = true;
        if (t->on_end)
            t->on_end(t);   /* may free T */
    }
}
