/* sched_hook.c: handlers that are functions (sched_int.h,
 * sched_call_handler): a Lua hook (`recover CLASS with mod.fn`) or a
 * built-in strategy (`recover CLASS with adapt.params`). Each gets the
 * error and the arguments written in `with NAME(...)`, and gives a
 * decision map; the changes a strategy made become an `adapted` event,
 * and the decision is carried out like a recover block's
 * (sched_recover.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_bridge.h"
#include "sched_int.h"

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

/* The arguments written in `with NAME(...)` of handler node H, evaluated
 * in T's scope and bound to ROWS (NULL: any, a Lua hook's) into *OUT (a
 * new map; an empty one for a bare name). A mistake is reported through
 * CTX as InvalidConfig. */
static mig_status_t handler_args(task_t *t, uint32_t h, const char *name,
                                 const action_arg_t *rows, action_ctx_t *ctx,
                                 val_t **out)
{
    run_t *r = t->run;
    const ast_node_t *with = graph_node_ast(r->g, h)->u.recover.handler;
    if (with->kind != AST_CALL) {
        /* A bare name: the rows' defaults still apply. */
        static const ast_node_t none = { .kind = AST_CALL };
        with = &none;
    }
    uint32_t k = with->u.call.args.len;
    val_t **vals = calloc(k ? k : 1, sizeof(*vals));
    mig_status_t st = vals ? MIG_OK : MIG_ENOMEM;
    diag_list_t d;
    diag_list_init(&d);
    task_t *was = r->evaluating;
    r->evaluating = t;
    for (uint32_t i = 0; st == MIG_OK && i < k; i++)
        st = eval_expr(with->u.call.args.items[i].value, t->env, r->src, &d,
                       &vals[i]);
    r->evaluating = was;
    if (st == MIG_OK)
        st = action_bind_args(r->reg, name, rows, with, vals, r->src, &d,
                              out);
    if (st == MIG_EINVALID)
        actx_fail(ctx, "InvalidConfig", "%s",
                  d.len ? d.items[0].message : "bad arguments");
    for (uint32_t i = 0; vals && i < k; i++)
        val_unref(vals[i]);
    free(vals);
    diag_list_free(&d);
    return st;
}

/* Records the changes (a list of texts) that handler NAME made to T's
 * error's call, from its DECISION (borrowed), with the repairs it kept
 * as structures (a list of maps, for `mig adapt learn`) when it gave
 * them. */
static void record_changes(task_t *t, const char *name,
                           const val_t *decision)
{
    val_t *changes = val_map_get(decision, "changes", 7);
    val_t *repairs = val_map_get(decision, "repairs", 7);
    if (!changes || val_type(changes) != VAL_LIST || !val_len(changes))
        return;
    val_t *d = val_map_new(3);
    if (d && (val_map_set_take(d, "handler", 7, val_cstring(name)) != MIG_OK
              || val_map_set(d, "changes", 7, changes) != MIG_OK
              || (repairs && val_type(repairs) == VAL_LIST
                  && val_map_set(d, "repairs", 7, repairs) != MIG_OK))) {
        val_unref(d);
        d = NULL;
    }
    if (!d) {
        t->run->fatal = true;
        return;
    }
    sched_event(t->run, "adapted", t->redo_node, t->item, d);
}

/* Carries out DECISION (a map {decision, ...}; borrowed) of handler NAME
 * in T. BY_PLAN: the handler is the plan's own (a Lua hook), whose `fail`
 * is never tolerated; a strategy's says it cannot repair the error, an
 * item failure like any other. */
static void carry_out(task_t *t, const char *name, const val_t *decision,
                      bool by_plan)
{
    static const struct {
        const char *name;
        ast_decision_kind_t what;
        const char *key;
    } kinds[] = {
        { "retry", AST_DECIDE_RETRY, "input" },
        { "skip", AST_DECIDE_SKIP, "reason" },
        { "fail", AST_DECIDE_FAIL, "message" },
        { "rollback", AST_DECIDE_ROLLBACK, "to" },
    };
    record_changes(t, name, decision);
    const char *what = val_get_str(val_map_get(decision, "decision", 8), NULL);
    if (strcmp(what, "after") == 0) {
        val_t *by = val_map_get(decision, "by", 2);
        sched_after(t, val_map_get(decision, "on", 2),
                    by && val_type(by) == VAL_STRING ? val_get_str(by, NULL)
                                                     : "name");
        return;
    }
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        if (strcmp(what, kinds[i].name) != 0)
            continue;
        val_t *v = val_map_get(decision, kinds[i].key, strlen(kinds[i].key));
        bool rollback = kinds[i].what == AST_DECIDE_ROLLBACK;
        char *target = rollback && v ? strdup(val_get_str(v, NULL)) : NULL;
        sched_apply_decision(t, kinds[i].what, rollback ? NULL : val_ref(v),
                             target, by_plan);
        return;
    }
    sched_err_t e = { .node = t->redo_node, .attempt = t->attempt };
    e.cls = strdup("ScriptError");
    e.message = strdup("the handler gave no decision");
    e.item = strdup(t->item);
    sched_handler_failed(t, &e);
}

/* Fails CTX when DECISION (a Lua hook NAME's, checked as a decision) rolls
 * back to a checkpoint the plan does not have: a malformed decision that
 * says which it has. MIG_OK otherwise. */
static mig_status_t check_target(run_t *r, const char *name,
                                 const val_t *decision, action_ctx_t *ctx)
{
    const val_t *to = val_map_get(decision, "to", 2);
    if (!to || val_type(to) != VAL_STRING)
        return MIG_OK;
    const char *target = val_get_str(to, NULL);
    strbuf_t have;
    strbuf_init(&have);
    for (uint32_t i = 0; i < graph_node_count(r->g); i++) {
        if (graph_node_kind(r->g, i) != GRAPH_CHECKPOINT)
            continue;
        const char *cp = graph_node_ast(r->g, i)->u.checkpoint.name.name;
        if (strcmp(cp, target) == 0) {
            strbuf_free(&have);
            return MIG_OK;
        }
        strbuf_printf(&have, "%s%s", have.len ? ", " : "", cp);
    }
    mig_status_t st = actx_fail(ctx, "ScriptError", "%s returned a malformed "
                                "decision: '%.40s' is not a checkpoint of the "
                                "plan (%s%s)", name, target, have.len
                                ? "its checkpoints: " : "it has none",
                                have.len ? have.data : "");
    strbuf_free(&have);
    return st;
}

void sched_call_handler(task_t *t, uint32_t h, const char *name,
                        const action_handler_t *row)
{
    run_t *r = t->run;
    val_t *args = NULL, *err = sched_err_value(r, &t->err), *decision = NULL;
    action_ctx_t *ctx = actx_new(ACTX_RUN, r->base_dir);
    mig_status_t st = err && ctx ? MIG_OK : MIG_ENOMEM;
    bool hook_ran = false;
    if (st == MIG_OK)
        st = handler_args(t, h, name, row ? row->args : NULL, ctx, &args);
    if (st == MIG_OK) {
        actx_set_host(ctx, &r->host);
        actx_begin(ctx, name);
        if (row) {
            st = row->run(ctx, err, args, &decision);
            const val_t *w = decision ? val_map_get(decision, "decision", 8)
                                      : NULL;
            if (st == MIG_OK && (!w || val_type(w) != VAL_STRING))
                st = actx_fail(ctx, "ScriptError", "%s gave no decision",
                               name);
        } else {
            st = hook_context(t, h, args);
            hook_ran = st == MIG_OK;
            if (st == MIG_OK)
                st = lua_bridge_hook(r->opts->lua, name, err, args, ctx,
                                     &decision);
            if (st == MIG_OK)
                st = check_target(r, name, decision, ctx);
        }
        sched_log_lines(r, ctx, h, t->item);
    }
    if (st == MIG_OK) {
        carry_out(t, name, decision, row == NULL);
    } else {
        sched_err_t e = { .node = h, .attempt = t->attempt };
        const char *cls = ctx ? actx_error_class(ctx) : NULL;
        const char *msg = ctx ? actx_error_message(ctx) : NULL;
        if (st == MIG_ENOMEM)
            r->fatal = true;
        e.cls = strdup(cls ? cls : "ScriptError");
        e.message = strdup(msg ? msg : "out of memory");
        e.item = strdup(t->item);
        if (hook_ran && st != MIG_ENOMEM)
            sched_hook_raised(t, &e);
        else
            sched_handler_failed(t, &e);
    }
    val_unref(decision);
    val_unref(args);
    val_unref(err);
    actx_free(ctx);
}
