/* sched_step.c: running one step (sched_int.h), journal first, effect
 * second. A step that changes something journals its intent and its undo
 * record (the action's capture, or the plan's evaluated `undo` call)
 * and waits for the journal's commit; the steps that reach that point in
 * the same turn of the loop share one commit. Only then does the action
 * run; its outcome joins the next commit (both in sched_call.c).
 * docs/state.md says why this is safe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_int.h"

char *step_key(const char *node, const char *item)
{
    size_t a = strlen(node), b = strlen(item);
    char *k = malloc(a + b + 2);
    if (!k)
        return NULL;
    memcpy(k, node, a);
    k[a] = '\t';
    memcpy(k + a + 1, item, b + 1);
    return k;
}

static void timer_closed(uv_handle_t *h)
{
    free(h);
}

void step_free(struct step_call *c)
{
    if (!c)
        return;
    if (c->timer) {
        uv_timer_stop(c->timer);
        uv_close((uv_handle_t *)c->timer, timer_closed);
    }
    val_unref(c->args);
    val_unref(c->resources);
    actx_free(c->ctx);
    free(c);
}

void step_cancel(task_t *t)
{
    if (t->call && t->call->ctx && actx_suspended(t->call->ctx))
        actx_cancel(t->call->ctx);
}

void sched_bind_step(task_t *t, const char *name, val_t *v)
{
    run_t *r = t->run;
    /* The attempts of a retry block are attempts of the enclosing block's
     * steps: the step belongs to the nearest stage, item, hook or recover
     * block (docs/checks.md, "How names resolve"), and the attempt's own
     * scope, which ends with it, keeps only the block's lets; so does an
     * if block's scope. */
    task_t *owner = t;
    while (owner->kind == TASK_ATTEMPT && owner->parent)
        owner = owner->parent;
    if (eval_env_set(owner->base_env, name, v) != MIG_OK)
        r->fatal = true;
    if (!*t->item && t->kind != TASK_HOOK && r->stage_results
        && val_map_set(r->stage_results, name, strlen(name), v) != MIG_OK)
        r->fatal = true;
}

static void bind_null(void *t, const char *name)
{
    sched_bind_step(t, name, val_null());
}

void sched_bind_untaken(task_t *t, const ast_list_t *body)
{
    graph_block_steps(body, bind_null, t);
}

/* Binds step N's result V (borrowed) where the step belongs. */
void sched_bind_result(task_t *t, uint32_t n, val_t *v)
{
    sched_bind_step(t, graph_node_ast(t->run->g, n)->u.step.name.name, v);
}

/* A record of the step before this process (a resume): consumed, so that
 * a retry's next attempt runs the step again. Returns the state's name or
 * NULL; *RESULT gets the result of a done step. */
static const char *cached(run_t *r, uint32_t n, const char *item,
                          val_t **result)
{
    *result = NULL;
    if (!r->done || !val_len(r->done))
        return NULL;
    char *key = step_key(graph_node_id(r->g, n), item);
    val_t *rec = key ? val_map_get(r->done, key, strlen(key)) : NULL;
    const char *state = NULL;
    if (rec) {
        state = val_get_str(val_map_get(rec, "state", 5), NULL);
        *result = val_ref(val_map_get(rec, "result", 6));
        val_ref(rec);
        val_map_delete(r->done, key, strlen(key));
        /* The state string lives in REC, kept alive by the run's list of
         * consumed records until the run ends. */
        if (val_list_push_take(r->consumed, rec) != MIG_OK)
            r->fatal = true;
    }
    free(key);
    return state;
}

/* ---- the journal's commit ------------------------------------------------------ */

void sched_flush(run_t *r)
{
    if (store_flush(r->store) != MIG_OK)
        r->fatal = true;
    sched_crash_point("after-commit");
    size_t n = r->n_flush_wait;
    if (!n)
        return;
    task_t **w = malloc(n * sizeof(*w));
    if (!w) {
        r->fatal = true;
        return;     /* the waiters fail at the next commit */
    }
    memcpy(w, r->flush_wait, n * sizeof(*w));
    r->n_flush_wait = 0;
    /* Steps that the calls below bring to their intent wait for the next
     * turn of the loop, and share a commit of their own. The effects
     * these calls start share one commit too (sched_group.c). */
    sched_group_t group;
    sched_group_open(&group, r->store);
    for (size_t i = 0; i < n; i++) {
        task_t *t = w[i];
        if (!r->fatal) {
            sched_call_run(t->call);
            continue;
        }
        bool was = task_enter(t);
        t->waiting = false;
        uint32_t node = t->call->node;
        step_free(t->call);
        t->call = NULL;
        task_fail(t, node, "Permanent", "the journal could not be written: "
                  "the step did not run");
        task_leave(t, was);
    }
    if (sched_group_close(&group) != MIG_OK)
        r->fatal = true;
    free(w);
}

static void flush_now(uv_idle_t *h)
{
    run_t *r = h->data;
    uv_idle_stop(h);
    sched_flush(r);
}

/* Journals the intent of C and waits for its commit. */
static void journal_then_run(struct step_call *c, store_journal_kind_t kind,
                             val_t *undo, val_t *resources)
{
    task_t *t = c->t;
    run_t *r = t->run;
    val_t *kept = c->row->journal_args ? c->row->journal_args(c->args)
                                       : val_ref(c->args);
    store_journal_t rec = { .node = graph_node_id(r->g, c->node),
                            .item = t->item, .action = c->name, .kind = kind,
                            .state = STORE_JOURNAL_INTENT, .args = kept,
                            .undo = undo, .resources = resources };
    /* Queued with the other intents of this turn: the commit the step
     * waits for writes them first (store_defer). */
    store_defer(r->store, true);
    mig_status_t st = kept ? store_journal_intent(r->store, r->id, &rec)
                           : MIG_ENOMEM;
    store_defer(r->store, false);
    val_unref(kept);
    if (st != MIG_OK) {
        task_fail(t, c->node, "Permanent", "the journal could not be "
                  "written: the step did not run");
        return;
    }
    c->seq = rec.seq;
    c->resources = val_ref(resources);
    for (size_t i = 0; resources && i < val_len(resources); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(resources, i), &len);
        if (val_map_set(r->managed, p, len, val_bool(true)) != MIG_OK)
            r->fatal = true;
    }
    if (r->n_flush_wait == r->cap_flush_wait) {
        size_t cap = r->cap_flush_wait ? r->cap_flush_wait * 2 : 64;
        task_t **w = realloc(r->flush_wait, cap * sizeof(*w));
        if (!w) {
            r->fatal = true;
            task_fail(t, c->node, "Permanent", "out of memory");
            return;
        }
        r->flush_wait = w;
        r->cap_flush_wait = cap;
    }
    r->flush_wait[r->n_flush_wait++] = t;
    t->waiting = true;
    if (!uv_is_active((uv_handle_t *)&r->flusher))
        uv_idle_start(&r->flusher, flush_now);
}

/* ---- steps ------------------------------------------------------------------- */

/* Evaluates the arguments of CALL (an AST call) in T and binds them to
 * ROW's; NULL when that failed (raised). */
static val_t *eval_args(task_t *t, uint32_t n, const ast_node_t *call,
                        const action_t *row, const char *name)
{
    run_t *r = t->run;
    uint32_t k = call->u.call.args.len;
    val_t **vals = calloc(k ? k : 1, sizeof(*vals));
    if (!vals) {
        r->fatal = true;
        task_fail(t, n, "Permanent", "out of memory");
        return NULL;
    }
    bool ok = true;
    for (uint32_t i = 0; i < k && ok; i++)
        ok = (vals[i] = sched_eval(t, n, call->u.call.args.items[i].value))
             != NULL;
    val_t *args = NULL;
    if (ok) {
        diag_list_t d;
        diag_list_init(&d);
        mig_status_t st = action_bind_args(r->reg, name, row->args, call,
                                           vals, r->src, &d, &args);
        if (st != MIG_OK)
            task_fail(t, n, "ParamMismatch", "%s", d.len ? d.items[0].message
                                                         : "out of memory");
        diag_list_free(&d);
    }
    for (uint32_t i = 0; i < k; i++)
        val_unref(vals[i]);
    free(vals);
    return args;
}

/* Adds to *ARGS, the arguments of a call of ROW in step N of T as they
 * will be journaled, what the run's fill_args gives from mig.yaml (a
 * remote registry's token where the call names none). False when it
 * cannot (raised: InvalidConfig with its reason, or out of memory;
 * *ARGS released and NULL). */
static bool fill_args(task_t *t, uint32_t n, const action_t *row,
                      val_t **args)
{
    const run_options_t *o = t->run->opts;
    if (!o->fill_args)
        return true;
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = o->fill_args(o->fill_data, row, args, &why);
    if (st == MIG_EINVALID && !why.oom) {
        task_fail(t, n, "InvalidConfig", "%s: %s", row->name, why.data);
    } else if (st != MIG_OK) {
        t->run->fatal = true;
        task_fail(t, n, "Permanent", "out of memory");
    }
    strbuf_free(&why);
    if (st == MIG_OK)
        return true;
    val_unref(*args);
    *args = NULL;
    return false;
}

/* The action row called by CALL, or NULL (raised: MethodNotFound). */
static const action_t *find_row(task_t *t, uint32_t n, const ast_node_t *call)
{
    strbuf_t b;
    strbuf_init(&b);
    ast_dotted_name(call->u.call.callee, &b);
    const action_t *row = b.data ? action_find(t->run->reg, b.data) : NULL;
    if (!row)
        task_fail(t, n, "MethodNotFound", "no action '%s'",
                  b.data ? b.data : "?");
    strbuf_free(&b);
    return row;
}

/* Declares the resources step N of T lists in its argument `manages`
 * (ids: docs/runtime.md, "What a rollback verifies") in the context of
 * C, with their states now: how an action that cannot keep its own
 * before-image (exec.run) is told what it changes. *OUT gets them
 * (borrowed from the context), or NULL when it lists none. False when a
 * state could not be read (raised). */
static bool declared(task_t *t, uint32_t n, struct step_call *c, val_t **out)
{
    *out = NULL;
    val_t *list = val_map_get(c->args, "manages", 7);
    if (!list || val_type(list) != VAL_LIST || !val_len(list))
        return true;
    actx_begin(c->ctx, c->name);
    for (size_t i = 0; i < val_len(list); i++) {
        const val_t *v = val_list_get(list, i);
        if (val_type(v) != VAL_STRING) {
            task_fail(t, n, "ParamMismatch", "manages: item %zu is not a "
                      "string (a path, or a resource's id)", i);
            return false;
        }
        mig_status_t st = resource_declare(c->ctx, val_get_str(v, NULL));
        if (st == MIG_ENOMEM)
            t->run->fatal = true;
        if (st != MIG_OK) {
            task_fail(t, n, st == MIG_ENOMEM ? "Permanent" : "Unavailable",
                      "manages: %s", st == MIG_ENOMEM ? "out of memory"
                      : actx_error_message(c->ctx));
            return false;
        }
    }
    *out = actx_resources(c->ctx);
    return true;
}

/* The capture of C ended with ST and RECORD (the undo record, taken):
 * the intent is journaled with it and the call runs once it is
 * committed, or the step fails with the capture's error. Called at once
 * or, for a capture that waited, from the loop. */
static void captured(action_ctx_t *ctx, mig_status_t st, val_t *record,
                     void *data)
{
    struct step_call *c = data;
    task_t *t = c->t;
    bool was = task_enter(t);
    t->waiting = false;
    if (st != MIG_OK) {
        val_unref(record);
        sched_call_finished(ctx, st, NULL, c);
    } else {
        journal_then_run(c, STORE_JOURNAL_SELF, record ? record : val_null(),
                         actx_resources(ctx));
        val_unref(record);
    }
    task_leave(t, was);
}

void step_start(task_t *t, uint32_t n)
{
    run_t *r = t->run;
    /* A call whose intent could not be journaled is left to here. */
    step_free(t->call);
    t->call = NULL;
    const ast_node_t *s = graph_node_ast(r->g, n);
    val_t *prior;
    const char *state = cached(r, n, t->item, &prior);
    if (state && (strcmp(state, "done") == 0 || strcmp(state, "skipped") == 0)) {
        sched_bind_result(t, n, prior ? prior : val_null());
        val_unref(prior);
        t->node = graph_flow_next(r->g, n);
        return;
    }
    val_unref(prior);
    if (s->u.step.when) {
        val_t *w = sched_eval(t, n, s->u.step.when);
        if (!w)
            return;
        bool is_bool = val_type(w) == VAL_BOOL, go = is_bool && val_get_bool(w);
        val_unref(w);
        if (!is_bool) {
            task_fail(t, n, "InvalidConfig", "a when condition must be a "
                      "bool");
            return;
        }
        if (!go) {
            sched_bind_result(t, n, val_null());
            sched_event(r, "step-not-run", n, t->item, NULL);
            t->node = graph_flow_next(r->g, n);
            return;
        }
    }
    const action_t *row = find_row(t, n, s->u.step.call);
    if (!row)
        return;
    val_t *args = eval_args(t, n, s->u.step.call, row, row->name);
    if (!args)
        return;
    /* A handler's `retry with MAP` replaces the named arguments; then
     * mig.yaml fills in, for the db the call ends up with. */
    val_t *with = sched_override(t, n);
    if (with) {
        val_t *merged = sched_merge(args, with);
        val_unref(args);
        args = merged;
        if (!args) {
            r->fatal = true;
            task_fail(t, n, "Permanent", "out of memory");
            return;
        }
    }
    if (!fill_args(t, n, row, &args))
        return;
    if (!sched_claim_paths(t, n, row, args)) {
        val_unref(args);
        return;
    }
    int64_t timeout = 0;
    if (s->u.step.timeout) {
        val_t *d = sched_eval(t, n, s->u.step.timeout);
        if (!d) {
            val_unref(args);
            return;
        }
        if (val_type(d) == VAL_DURATION)
            timeout = val_get_ms(d);
        val_unref(d);
    } else if (r->opts->defaults) {
        timeout = r->opts->defaults->timeout_ms;    /* mig.yaml's */
    }
    struct step_call *c = calloc(1, sizeof(*c));
    action_ctx_t *ctx = c ? actx_new(ACTX_RUN, r->base_dir) : NULL;
    if (!ctx) {
        free(c);
        val_unref(args);
        r->fatal = true;
        task_fail(t, n, "Permanent", "out of memory");
        return;
    }
    *c = (struct step_call){ .t = t, .node = n, .row = row, .name = row->name,
                             .args = args, .ctx = ctx, .timeout_ms = timeout };
    actx_set_host(ctx, &r->host);
    actx_set_action(ctx, row);
    actx_set_attempt(ctx, t->attempt);
    t->call = c;
    action_effect_t effect = action_call_effect(row, args);
    if (effect == ACTION_PURE) {
        sched_call_run(c);
        return;
    }
    if (effect == ACTION_SELF_UNDO) {
        actx_begin(ctx, row->name);
        val_t *record = NULL;
        mig_status_t st = row->capture ? row->capture(ctx, args, &record)
            : actx_fail(ctx, "MethodNotFound", "%s cannot keep what it "
                        "changes in this build", row->name);
        if (st == MIG_OK && actx_suspended(ctx)) {
            /* A capture that waits (a remote record's GET) journals
             * when it has finished. */
            actx_on_finish(ctx, captured, c);
            t->waiting = true;
            return;
        }
        captured(ctx, st, record, c);
        return;
    }
    val_t *decl = NULL;
    if (!declared(t, n, c, &decl)) {
        step_free(c);
        t->call = NULL;
        return;
    }
    const ast_node_t *u = s->u.step.undo;
    if (effect == ACTION_PLAN_UNDO && u) {
        const action_t *urow = find_row(t, n, u);
        val_t *uargs = urow ? eval_args(t, n, u, urow, urow->name) : NULL;
        if (uargs)
            fill_args(t, n, urow, &uargs);
        val_t *undo = uargs ? val_map_new(2) : NULL;
        if (!undo || val_map_set_take(undo, "action", 6,
                                      val_cstring(urow->name)) != MIG_OK
            || val_map_set(undo, "args", 4, uargs) != MIG_OK) {
            val_unref(uargs);
            val_unref(undo);
            if (!t->done && uargs)
                task_fail(t, n, "Permanent", "out of memory");
            step_free(c);
            t->call = NULL;
            return;
        }
        val_unref(uargs);
        journal_then_run(c, STORE_JOURNAL_PLAN, undo, decl);
        val_unref(undo);
        return;
    }
    journal_then_run(c, STORE_JOURNAL_NONE, NULL, decl);
}

/* ---- pure actions called in expressions ------------------------------------- */

static void free_when_done(action_ctx_t *ctx, mig_status_t st, val_t *res,
                           void *data)
{
    (void)st, (void)data;
    val_unref(res);
    actx_free(ctx);
}

mig_status_t sched_call_action(void *data, const ast_node_t *call,
                               const char *name, val_t *const *args,
                               src_t *src, diag_list_t *diags, val_t **out)
{
    run_t *r = data;
    const action_t *row = action_find(r->reg, name);
    if (!row || row->effect != ACTION_PURE || !row->run) {
        diag_add(diags, DIAG_ERROR, src, &call->span, row
                 ? "'%s' changes things: call it in a step of its own"
                 : "no action '%s'", name);
        return MIG_EINVALID;
    }
    val_t *bound = NULL;
    mig_status_t st = action_bind_args(r->reg, name, row->args, call, args,
                                       src, diags, &bound);
    action_ctx_t *ctx = st == MIG_OK ? actx_new(ACTX_RUN, r->base_dir) : NULL;
    if (st == MIG_OK && !ctx)
        st = MIG_ENOMEM;
    if (st != MIG_OK) {
        val_unref(bound);
        return st;
    }
    actx_set_host(ctx, &r->host);
    actx_set_action(ctx, row);
    actx_set_attempt(ctx, 1);
    actx_begin(ctx, name);
    *out = NULL;
    const char *cls, *why;
    char where[300];
    snprintf(where, sizeof where, "%s@%u:%u", name, call->span.line,
             call->span.col);
    const task_t *t = r->evaluating;
    if (sched_fault_hit(r, name, NULL, where, t ? t->item : "",
                        t ? t->attempt + t->redos : 1, &cls, &why))
        st = actx_fail(ctx, cls, "injected fault (%s)", why);
    else
        st = row->run(ctx, bound, out);
    val_unref(bound);
    sched_log_lines(r, ctx, r->eval_node, r->eval_item);
    if (st == MIG_OK && actx_suspended(ctx)) {
        /* An expression cannot wait: stop the call, and let it free its
         * context when it has finished. */
        actx_on_finish(ctx, free_when_done, NULL);
        actx_cancel(ctx);
        diag_add(diags, DIAG_ERROR, src, &call->span, "'%s' waits, and an "
                 "expression cannot: call it in a step", name);
        return MIG_EINVALID;
    }
    if (st == MIG_EINVALID) {
        diag_add(diags, DIAG_ERROR, src, &call->span, "%s",
                 actx_error_message(ctx));
        /* The step that evaluated this fails with the action's class. */
        free(r->expr_class);
        r->expr_class = strdup(actx_error_class(ctx));
    }
    else if (st == MIG_OK && !*out)
        *out = val_null();
    actx_free(ctx);
    return st;
}

/* ---- checkpoints ----------------------------------------------------------------- */

bool sched_pass(task_t *t, uint32_t n)
{
    val_t *prior;
    const char *state = cached(t->run, n, t->item, &prior);
    val_unref(prior);
    t->node = graph_flow_next(t->run->g, n);
    return state && strcmp(state, "done") == 0;
}

void checkpoint_record(task_t *t, uint32_t n)
{
    run_t *r = t->run;
    if (sched_pass(t, n))
        return;
    const char *name = graph_node_ast(r->g, n)->u.checkpoint.name.name;
    action_ctx_t *ctx = actx_new(ACTX_RUN, r->base_dir);
    val_t *states = NULL;
    if (!ctx || resource_states(ctx, r->managed, &states) != MIG_OK) {
        actx_free(ctx);
        task_fail(t, n, "Unavailable", "checkpoint '%s': the managed "
                  "resources could not be read", name);
        return;
    }
    actx_free(ctx);
    char hex[BLOB_HEX];
    resource_digest(states, hex);
    store_checkpoint_t cp = { .name = name, .node = graph_node_id(r->g, n),
                              .item = t->item,
                              .seq = store_journal_last(r->store, r->id),
                              .digest = hex, .resources = states,
                              .at_ms = store_now_ms() };
    store_step_t st = { .node = cp.node, .item = t->item,
                        .state = STORE_STEP_DONE, .attempts = 1,
                        .ended_ms = cp.at_ms };
    if (store_checkpoint_put(r->store, r->id, &cp) != MIG_OK
        || store_step_put(r->store, r->id, &st) != MIG_OK)
        r->fatal = true;
    val_t *d = val_map_new(3);
    if (d) {
        val_map_set_take(d, "name", 4, val_cstring(name));
        val_map_set_take(d, "digest", 6, val_cstring(hex));
        val_map_set_take(d, "resources", 9, val_int((int64_t)val_len(states)));
    }
    sched_event(r, "checkpoint", n, t->item, d);
    val_unref(states);
}
