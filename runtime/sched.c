/* sched.c: the scheduler's flow (sched_int.h). A task runs one block of
 * the graph (a stage body, a foreach item, a retry attempt, a hook, a
 * recover block) node after node; it waits by returning, and whatever it
 * waited for (an action, the journal's commit, a timer, its children)
 * resumes it. Everything runs on one libuv loop: a thousand items in
 * flight are a thousand small structs, not threads. How an error travels
 * (handlers, decisions) is in sched_recover.c and sched_hook.c; foreach
 * in sched_foreach.c; retry blocks in sched_retry.c; steps in
 * sched_step.c. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_int.h"

void sched_err_clear(sched_err_t *e)
{
    free(e->cls);
    free(e->message);
    free(e->item);
    free(e->cause);
    val_unref(e->input);
    val_unref(e->detail);
    memset(e, 0, sizeof(*e));
}

/* ---- events ------------------------------------------------------------- */

void sched_event(run_t *r, const char *kind, uint32_t node, const char *item,
                 val_t *data)
{
    const char *id = node == GRAPH_NONE ? NULL : graph_node_id(r->g, node);
    /* Queued with the step's other rows (store_defer): an event is never
     * read back before the next commit, which writes it first. */
    bool was = store_defer(r->store, true);
    if (store_event(r->store, r->id, kind, id, item, data) != MIG_OK)
        r->fatal = true;
    store_defer(r->store, was);
    if (r->opts->on_event)
        r->opts->on_event(r->opts->data, kind, id, item, data);
    run_alerts_event(r, kind, data);
    val_unref(data);
}

void sched_log_lines(run_t *r, const action_ctx_t *ctx, uint32_t n,
                     const char *item)
{
    val_t *lines = actx_logged(ctx);
    for (size_t i = 0; lines && i < val_len(lines); i++)
        sched_event(r, "log", n, item, val_ref(val_list_get(lines, i)));
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
                   .node = first, .stop = stop, .env = env, .base_env = env,
                   .item = it,
                   .attempt = parent ? parent->attempt : 1,
                   .deadline_ms = parent ? parent->deadline_ms : 0,
                   .on_end = on_end, .owner = owner,
                   .redo_node = GRAPH_NONE };
    r->in_flight++;
    return t;
}

void task_unwind(task_t *t)
{
    while (t->env && t->env != t->base_env)
        t->env = eval_env_pop(t->env);
}

void task_free(task_t *t)
{
    if (!t)
        return;
    step_free(t->call);
    task_unwind(t);
    eval_env_free(t->env);
    free(t->item);
    free(t->skip_reason);
    free(t->decision_target);
    val_unref(t->decision_value);
    val_unref(t->overrides);
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
    return sched_eval_in(t, n, e, t->env);
}

val_t *sched_eval_in(task_t *t, uint32_t n, const ast_node_t *e,
                     eval_env_t *env)
{
    diag_list_t d;
    diag_list_init(&d);
    val_t *v = NULL;
    /* Calls in the expression are named by T (sched_call_action); their
     * log lines go to its node and item. */
    task_t *was = t->run->evaluating;
    t->run->evaluating = t;
    t->run->eval_node = n;
    t->run->eval_item = t->item;
    mig_status_t st = eval_expr(e, env, t->run->src, &d, &v);
    t->run->eval_node = GRAPH_NONE;
    t->run->eval_item = NULL;
    t->run->evaluating = was;
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
        /* The hint ("its keys are ...") says what to write instead. */
        task_fail(t, n, cls ? cls : "ExpressionError", "%s:%u:%u: %s%s%s%s",
                  t->run->src->name, x->has_span ? x->span.line : 0,
                  x->has_span ? x->span.col : 0, x->message,
                  x->hint ? " (" : "", x->hint ? x->hint : "",
                  x->hint ? ")" : "");
        free(cls);
    }
    diag_list_free(&d);
    return NULL;
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
        sched_err_t e = { .node = n, .attempt = t->attempt, .final = true,
                          .decided = true };
        e.cls = strdup("Permanent");
        e.message = strdup(b.len ? b.data : "the plan says fail");
        e.item = strdup(t->item);
        strbuf_free(&b);
        task_raise(t, n, &e);
        return;
    }
    }
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
        if (r->interrupted) {
            task_fail(t, n, "Permanent", "the run was interrupted by %s",
                      sched_signal_name(r->interrupted));
            break;
        }
        const ast_node_t *s = graph_node_ast(r->g, n);
        switch (graph_node_kind(r->g, n)) {
        case GRAPH_STEP:
            if (retry_default_applies(t))
                retry_default_start(t, n);
            else
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
        case GRAPH_SNAPSHOT:
            snapshot_record(t, n);
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
            sched_bind_untaken(t, val_get_bool(c) ? &s->u.if_.else_body
                                                  : &s->u.if_.then_body);
            /* The block's lets end with it (its join): a let there may
             * shadow one outside. */
            eval_env_t *inner = eval_env_new(t->env);
            if (!inner) {
                r->fatal = true;
                val_unref(c);
                break;
            }
            t->env = inner;
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
            if (graph_node_kind(r->g, n) == GRAPH_JOIN && s->kind == AST_IF
                && t->env != t->base_env)
                t->env = eval_env_pop(t->env);
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
