/* dryrun.c: the dry run behind `mig plan` (runtime.h, dryrun_plan). It
 * walks the execution graph in the order a run would, evaluates what can
 * be known without changing anything, asks each side-effecting step's
 * action for a preview through a read-only context, and describes the
 * whole as one value (docs/plan.md). A read of something an earlier step
 * would change is not evaluated: the dry run cannot know its answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dryrun_int.h"

/* The dry run describes at most this many statements inside the items of
 * loops; the items past it are counted, not walked, so that nested loops
 * cost no more than this however many items they multiply to
 * (docs/plan.md). */
#define DRY_MAX_ITEM_STATEMENTS 10000


/* ---- building the description ------------------------------------------ */

void dry_put(dry_t *d, val_t *map, const char *key, val_t *v)
{
    if (!v) {
        d->oom = true;
        return;
    }
    if (val_map_set_take(map, key, strlen(key), v) != MIG_OK)
        d->oom = true;
}

void dry_put_str(dry_t *d, val_t *map, const char *key, const char *s)
{
    dry_put(d, map, key, val_cstring(s));
}

static void push(dry_t *d, val_t *list, val_t *v)
{
    if (!v || val_list_push_take(list, v) != MIG_OK)
        d->oom = true;
}

/* The source text of SPAN, one line. */
static val_t *span_text(dry_t *d, const src_span_t *s)
{
    strbuf_t b;
    strbuf_init(&b);
    for (uint32_t i = s->begin; i < s->end; i++) {
        char c = d->src->text[i];
        if (c == '\n' || c == '\r' || c == '\t') {
            if (b.len && b.data[b.len - 1] != ' ')
                strbuf_putc(&b, ' ');
        } else if (!(c == ' ' && b.len && b.data[b.len - 1] == ' ')) {
            strbuf_putc(&b, c);
        }
    }
    val_t *v = b.oom ? NULL : val_string(b.data ? b.data : "", b.len);
    strbuf_free(&b);
    return v;
}

/* A new node description: {node, kind, line}. */
static val_t *describe(dry_t *d, uint32_t n)
{
    val_t *m = val_map_new(8);
    if (!m) {
        d->oom = true;
        return NULL;
    }
    if (d->in_items)
        d->item_statements++;
    dry_put_str(d, m, "node", graph_node_id(d->g, n));
    dry_put_str(d, m, "kind", graph_node_kind_name(graph_node_kind(d->g, n)));
    dry_put(d, m, "line", val_int(graph_node_span(d->g, n)->line));
    return m;
}

/* ---- statements --------------------------------------------------------- */

static void walk(dry_t *d, uint32_t from, uint32_t stop, eval_env_t *env,
                 val_t *out);

/* The value of E as the description shows it: the value when known,
 * else the source text under "NAME_text". */
static void put_expr(dry_t *d, val_t *m, const char *key,
                     const ast_node_t *e, eval_env_t *env)
{
    const char *why = "unknown";
    val_t *v = dry_eval(d, e, env, &why);
    if (v) {
        dry_put(d, m, key, v);
        return;
    }
    char k2[64];
    snprintf(k2, sizeof k2, "%s_text", key);
    dry_put(d, m, k2, span_text(d, &e->span));
    if (why && strcmp(why, "fails") == 0)
        dry_put_str(d, m, "error", d->diags->len
                ? d->diags->items[d->diags->len - 1].message : "fails");
}

/* Binds NAME to V (borrowed; NULL: leaves NAME unbound, so unknown). */
static void bind(dry_t *d, eval_env_t *env, const char *name, val_t *v)
{
    if (v && eval_env_set(env, name, v) != MIG_OK)
        d->oom = true;
}

/* MIG_EINVALID, reported through D's context as the run would (PolicyDenied),
 * when a path the call of A with ARGS changes lies outside the plan's
 * write roots (interpreter.h, roots_check_args). */
static mig_status_t outside_roots(dry_t *d, const action_t *a,
                                  const val_t *args)
{
    const char *arg, *path;
    if (roots_check_args(&d->roots, d->base_dir, a->args, args, &arg, &path)
        != MIG_OK)
        return MIG_ENOMEM;
    if (!arg)
        return MIG_OK;
    strbuf_t roots;
    strbuf_init(&roots);
    roots_text(&d->roots, &roots);
    mig_status_t st = actx_fail(d->ctx, "PolicyDenied", "%s: %s '%s' is "
                                "outside the plan's write roots (%s); a plan "
                                "changes files only there: declare the folder "
                                "with writes \"DIR\"", a->name, arg, path,
                                roots.data ? roots.data : "");
    bool oom = roots.oom;
    strbuf_free(&roots);
    return oom ? MIG_ENOMEM : st;
}

/* Records the changes a preview of action A reported, and their targets.
 * A pure action changes nothing: what its preview says (test.fail's
 * "would fail") is shown, but neither counted nor a target. */
static void record_changes(dry_t *d, const action_t *a, val_t *m)
{
    val_t *ch = actx_changes(d->ctx);
    for (size_t i = 0; a->effect != ACTION_PURE && i < val_len(ch); i++) {
        val_t *c = val_list_get(ch, i);
        const char *kind = val_get_str(val_map_get(c, "change", 6), NULL);
        if (strcmp(kind, "keep") != 0)
            d->n_changes++;
        dry_touch(d, val_map_get(c, "target", 6));
    }
    dry_put(d, m, "changes", val_copy(ch));
}

static void dry_step(dry_t *d, uint32_t n, eval_env_t *env, val_t *m)
{
    const ast_node_t *s = graph_node_ast(d->g, n);
    const ast_node_t *call = s->u.step.call;
    const char *name = s->u.step.name.name;
    strbuf_t an;
    strbuf_init(&an);
    const char *aname = ast_dotted_name(call->u.call.callee, &an) && !an.oom
        ? an.data : "?";
    const action_t *a = action_find(d->reg, aname);
    dry_put_str(d, m, "name", name);
    dry_put_str(d, m, "action", aname);
    dry_put_str(d, m, "effect", a ? action_effect_name(a->effect) : "lua");
    if (s->u.step.timeout)
        put_expr(d, m, "timeout", s->u.step.timeout, env);
    if (s->u.step.undo)
        dry_put(d, m, "undo", span_text(d, &s->u.step.undo->span));
    val_t *when = s->u.step.when ? dry_eval(d, s->u.step.when, env, NULL)
                                 : val_bool(true);
    if (s->u.step.when)
        dry_put(d, m, "when", when ? val_ref(when) : val_cstring("unknown"));
    bool skip = when && val_type(when) == VAL_BOOL && !val_get_bool(when);
    val_unref(when);
    /* The arguments, evaluated one by one: some may be known. A step whose
     * condition is false has none: a run never evaluates them. */
    uint32_t nargs = call->u.call.args.len;
    val_t **vals = calloc(nargs ? nargs : 1, sizeof(*vals));
    bool known = vals != NULL;
    const char *failed = NULL;      /* an argument's error */
    for (uint32_t i = 0; !skip && vals && i < nargs; i++) {
        const char *why = NULL;
        size_t before = d->diags->len;
        vals[i] = dry_eval(d, call->u.call.args.items[i].value, env, &why);
        known = known && vals[i];
        if (!failed && why && strcmp(why, "fails") == 0) {
            failed = d->diags->len > before
                ? d->diags->items[before].message : "fails";
            d->n_failures--;        /* counted here, with its handler */
            dry_foreseen_failure(d, n, d->expr_class[0] ? d->expr_class
                                 : "ExpressionError", before, m);
        }
    }
    val_t *result = NULL;
    if (skip) {
        dry_put_str(d, m, "outcome", "skipped: its condition is false");
    } else if (failed) {
        dry_put_str(d, m, "outcome", "fails");
        dry_put_str(d, m, "error", failed);
    } else if (!a || !a->preview) {
        dry_put_str(d, m, "outcome", "known only when run");
    } else if (!known) {
        dry_put_str(d, m, "outcome", "arguments known only when run");
    } else {
        val_t *args = NULL;
        mig_status_t st = action_bind_args(d->reg, aname, a->args, call, vals,
                                           d->src, d->diags, &args);
        if (st == MIG_OK && a->effect == ACTION_PURE
            && dry_reads_touched(d, args)) {
            dry_put_str(d, m, "outcome", "reads what an earlier step changes: "
                    "known only when run");
        } else if (st == MIG_OK) {
            if (a->effect_of)   /* this call's own (a GET reads) */
                dry_put_str(d, m, "effect", action_effect_name(
                                                action_call_effect(a, args)));
            dry_put(d, m, "args", val_ref(args));
            actx_set_action(d->ctx, a);
            actx_begin(d->ctx, aname);
            st = outside_roots(d, a, args);
            if (st == MIG_OK)
                st = a->preview(d->ctx, args, &result);
            if (st == MIG_EINVALID) {
                size_t before = d->diags->len;
                diag_add(d->diags, DIAG_ERROR, d->src, &call->span,
                         "step '%s' would fail: %s: %s", name,
                         actx_error_class(d->ctx), actx_error_message(d->ctx));
                dry_put_str(d, m, "outcome", "fails");
                dry_put_str(d, m, "error", actx_error_message(d->ctx));
                dry_foreseen_failure(d, n, actx_error_class(d->ctx), before,
                                     m);
                /* What the preview saw before it failed (a registry
                 * conflict's fields) is shown, not counted: the step
                 * would change nothing. */
                if (val_len(actx_changes(d->ctx)))
                    dry_put(d, m, "changes", val_copy(actx_changes(d->ctx)));
            } else {
                dry_put_str(d, m, "outcome", a->effect == ACTION_PURE
                        ? "computed" : "previewed");
                record_changes(d, a, m);
            }
        } else {
            d->n_failures++;
            dry_put_str(d, m, "outcome", "fails");
        }
        if (st == MIG_ENOMEM)
            d->oom = true;
        val_unref(args);
    }
    /* A change the dry run cannot foresee (not previewed, or in a branch
     * known only when run) may change what its arguments name: the reads
     * of those wait for the run, as reads of a previewed target do. */
    bool unforeseen = !a || !a->preview || !known || d->unsure;
    if (unforeseen && !skip && (!a || a->effect != ACTION_PURE))
        for (uint32_t i = 0; vals && i < nargs; i++)
            if (vals[i] && val_type(vals[i]) == VAL_STRING)
                dry_touch(d, vals[i]);
    for (uint32_t i = 0; vals && i < nargs; i++)
        val_unref(vals[i]);
    free(vals);
    strbuf_free(&an);
    if (result) {
        dry_put(d, m, "result", val_ref(result));
        bind(d, d->steps ? d->steps : env, name, result);
    }
    val_unref(result);
}

static void dry_foreach(dry_t *d, uint32_t n, eval_env_t *env, val_t *m)
{
    const ast_node_t *f = graph_node_ast(d->g, n);
    dry_put_str(d, m, "var", f->u.foreach.var.name);
    dry_put(d, m, "over", span_text(d, &f->u.foreach.iterable->span));
    if (f->u.foreach.parallel)
        put_expr(d, m, "parallel", f->u.foreach.parallel, env);
    if (f->u.foreach.after)     /* per item: as written */
        dry_put(d, m, "after", span_text(d, &f->u.foreach.after->span));
    if (f->u.foreach.tolerate) {
        /* "5%" or "2", as written */
        const src_span_t *t = &f->u.foreach.tolerate->span;
        char text[64];
        snprintf(text, sizeof text, "%.*s%s", (int)(t->end - t->begin),
                 d->src->text + t->begin,
                 f->u.foreach.tolerate_percent ? "%" : "");
        dry_put_str(d, m, "tolerate", text);
    }
    val_t *items = dry_eval(d, f->u.foreach.iterable, env, NULL);
    uint32_t body = graph_flow_next(d->g, n);
    uint32_t stop = graph_end_of(d->g, n, "join");
    if (items && val_type(items) == VAL_LIST) {
        size_t n_items = val_len(items);
        dry_put(d, m, "items", val_int((int64_t)n_items));
        val_t *each = val_list_new(0);
        /* Per item, its foreseen failures and where its messages start. */
        uint32_t *fails = calloc(n_items + 1, sizeof(*fails));
        size_t *at = calloc(n_items + 1, sizeof(*at));
        if (!fails || !at)
            d->oom = true;
        size_t i = 0;
        for (; each && fails && at && i < n_items && !d->oom
               && d->item_statements < DRY_MAX_ITEM_STATEMENTS; i++) {
            uint32_t before = d->n_failures;
            at[i] = d->diags->len;
            eval_env_t *inner = eval_env_new(env);
            val_t *one = val_map_new(2);
            val_t *stmts = val_list_new(4);
            if (!inner || !one || !stmts) {
                d->oom = true;
            } else {
                bind(d, inner, f->u.foreach.var.name, val_list_get(items, i));
                dry_put(d, one, "item", val_ref(val_list_get(items, i)));
                d->in_items++;
                eval_env_t *outer = d->steps;
                d->steps = inner;
                walk(d, body, stop, inner, stmts);
                d->steps = outer;
                d->in_items--;
                dry_put(d, one, "statements", val_ref(stmts));
                push(d, each, val_ref(one));
            }
            val_unref(one);
            val_unref(stmts);
            eval_env_free(inner);
            fails[i] = d->n_failures - before;
            at[i + 1] = d->diags->len;
        }
        dry_put(d, m, "each", each);
        if (i < n_items) {
            dry_put(d, m, "not_described", val_int((int64_t)(n_items - i)));
            d->not_described += n_items - i;
        }
        /* Items left out foresee nothing: their messages start and end
         * where the last described one's end. */
        for (size_t j = i ? i + 1 : 0; at && j <= n_items; j++)
            at[j] = d->diags->len;
        if (f->u.foreach.tolerate && !d->oom && n_items)
            dry_tolerate_items(d, f, m, n_items, fails, at);
        free(fails);
        free(at);
    } else {
        eval_env_t *inner = eval_env_new(env);
        val_t *stmts = val_list_new(4);
        eval_env_t *outer = d->steps;
        d->steps = inner;
        if (!inner || !stmts)
            d->oom = true;
        else
            walk(d, body, stop, inner, stmts);
        d->steps = outer;
        dry_put(d, m, "body", stmts);
        eval_env_free(inner);
    }
    val_unref(items);
}

static void dry_retry(dry_t *d, uint32_t n, eval_env_t *env, val_t *m)
{
    const ast_node_t *r = graph_node_ast(d->g, n);
    put_expr(d, m, "attempts", r->u.retry.attempts, env);
    if (r->u.retry.backoff != AST_BACKOFF_NONE) {
        val_t *b = val_map_new(4);
        if (b) {
            dry_put_str(d, b, "kind", ast_backoff_name(r->u.retry.backoff));
            const ast_args_t *a = &r->u.retry.backoff_args;
            for (uint32_t i = 0; i < a->len; i++)
                put_expr(d, b, a->items[i].name.name, a->items[i].value, env);
        }
        dry_put(d, m, "backoff", b);
    }
    dry_put_str(d, m, "jitter", r->u.retry.jitter == AST_JITTER_UNSET
            ? "none" : ast_jitter_name(r->u.retry.jitter));
    if (r->u.retry.timeout)
        put_expr(d, m, "timeout", r->u.retry.timeout, env);
    if (r->u.retry.deadline)
        put_expr(d, m, "deadline", r->u.retry.deadline, env);
    val_t *on = val_list_new(r->u.retry.on.len);
    for (uint32_t i = 0; on && i < r->u.retry.on.len; i++)
        push(d, on, val_cstring(r->u.retry.on.items[i].name));
    dry_put(d, m, "on", on);
    eval_env_t *inner = eval_env_new(env);
    val_t *stmts = val_list_new(4);
    if (!inner || !stmts)
        d->oom = true;
    else
        walk(d, graph_flow_next(d->g, n), graph_end_of(d->g, n, "exit"),
             inner, stmts);
    dry_put(d, m, "body", stmts);
    eval_env_free(inner);
}

static void bind_null(void *d, const char *name)
{
    dry_t *dd = d;
    if (dd->steps)
        bind(dd, dd->steps, name, val_null());
}

static void dry_if(dry_t *d, uint32_t n, eval_env_t *env, val_t *m)
{
    const ast_node_t *f = graph_node_ast(d->g, n);
    dry_put(d, m, "cond", span_text(d, &f->u.if_.cond->span));
    val_t *c = dry_eval(d, f->u.if_.cond, env, NULL);
    bool known = c && val_type(c) == VAL_BOOL;
    dry_put_str(d, m, "taken", !known ? "known only when run"
                          : val_get_bool(c) ? "then" : "else");
    uint32_t join = graph_end_of(d->g, n, "join");
    static const char *const keys[] = { "then", "else" };
    static const graph_edge_kind_t kinds[] = { GRAPH_EDGE_THEN,
                                               GRAPH_EDGE_ELSE };
    const ast_list_t *bodies[] = { &f->u.if_.then_body,
                                   &f->u.if_.else_body };
    for (int b = 0; b < 2; b++) {
        if (known && val_get_bool(c) != (b == 0)) {
            /* As in a run: the block's steps hold null. */
            graph_block_steps(bodies[b], bind_null, d);
            continue;
        }
        eval_env_t *inner = eval_env_new(env);
        val_t *stmts = val_list_new(4);
        /* When the branch is known only when run, its steps stay in the
         * block: after it, their values are unknown. */
        eval_env_t *outer = d->steps;
        if (!known) {
            d->steps = inner;
            d->unsure++;
        }
        if (!inner || !stmts)
            d->oom = true;
        else
            walk(d, graph_edge_to(d->g, n, kinds[b]), join, inner, stmts);
        d->steps = outer;
        if (!known)
            d->unsure--;
        dry_put(d, m, keys[b], stmts);
        eval_env_free(inner);
    }
    val_unref(c);
}

/* Lists the handlers of scope node N under "handlers" in M. */
static void handlers(dry_t *d, uint32_t n, val_t *m)
{
    uint32_t k;
    const graph_edge_t *e = graph_out(d->g, n, &k);
    val_t *list = NULL;
    for (uint32_t i = 0; i < k; i++) {
        if (e[i].kind != GRAPH_EDGE_ERROR)
            continue;
        if (!list && !(list = val_list_new(2))) {
            d->oom = true;
            return;
        }
        const ast_node_t *r = graph_node_ast(d->g, e[i].to);
        val_t *h = describe(d, e[i].to);
        if (!h)
            break;
        val_t *cls = val_list_new(r->u.recover.classes.len);
        for (uint32_t j = 0; cls && j < r->u.recover.classes.len; j++)
            push(d, cls, val_cstring(r->u.recover.classes.items[j].name));
        dry_put(d, h, "classes", cls);
        if (r->u.recover.handler)
            dry_put(d, h, "with", span_text(d, &r->u.recover.handler->span));
        else if (r->u.recover.body.len)
            dry_put(d, h, "block", span_text(d, &r->u.recover.body.items[
                r->u.recover.body.len - 1]->span));
        push(d, list, h);
    }
    if (list)
        dry_put(d, m, "handlers", list);
}

/* Describes node N, run in ENV, into OUT; returns the node its flow
 * leaves by. */
static uint32_t dry_node(dry_t *d, uint32_t n, eval_env_t *env, val_t *out)
{
    const ast_node_t *s = graph_node_ast(d->g, n);
    val_t *m = describe(d, n);
    if (!m)
        return GRAPH_NONE;
    uint32_t tail = n;
    switch (graph_node_kind(d->g, n)) {
    case GRAPH_STEP:
        dry_step(d, n, env, m);
        break;
    case GRAPH_LET: {
        dry_put_str(d, m, "name", s->u.binding.name.name);
        const char *why = NULL;
        val_t *v = dry_eval(d, s->u.binding.value, env, &why);
        if (v)
            dry_put(d, m, "value", val_ref(v));
        else
            dry_put(d, m, "value_text",
                    span_text(d, &s->u.binding.value->span));
        bind(d, env, s->u.binding.name.name, v);
        val_unref(v);
        break;
    }
    case GRAPH_CHECKPOINT:
        dry_put_str(d, m, "name", s->u.checkpoint.name.name);
        break;
    case GRAPH_SNAPSHOT:
        dry_put_str(d, m, "name", s->u.snapshot.name.name);
        break;
    case GRAPH_VERIFY: {
        dry_put(d, m, "cond", span_text(d, &s->u.verify.cond->span));
        val_t *c = dry_eval(d, s->u.verify.cond, env, NULL);
        if (c && val_type(c) == VAL_BOOL && !val_get_bool(c)) {
            val_t *msg = s->u.verify.message
                ? dry_eval(d, s->u.verify.message, env, NULL) : NULL;
            strbuf_t b;
            strbuf_init(&b);
            if (msg)
                eval_to_text(msg, &b);
            size_t before = d->diags->len;
            diag_t *dg = diag_add(d->diags, DIAG_ERROR, d->src,
                                  &s->u.verify.cond->span, "this verify would "
                                  "fail%s%s", b.len ? ": " : "",
                                  b.len ? b.data : "");
            diag_hint(d->diags, dg, "its inputs are known before the run, "
                      "and they do not satisfy it");
            strbuf_free(&b);
            val_unref(msg);
            dry_put_str(d, m, "holds", "no");
            /* A false verify raises ValidationFailed: a recover block
             * that takes it decides in a run, as for a step. */
            dry_foreseen_failure(d, n, "ValidationFailed", before, m);
        } else {
            dry_put_str(d, m, "holds", c && val_type(c) == VAL_BOOL
                    ? "yes" : "checked when run");
        }
        val_unref(c);
        break;
    }
    case GRAPH_FANOUT:
        dry_foreach(d, n, env, m);
        handlers(d, n, m);
        tail = graph_end_of(d->g, n, "join");
        break;
    case GRAPH_RETRY_ENTER:
        dry_retry(d, n, env, m);
        handlers(d, n, m);
        tail = graph_end_of(d->g, n, "exit");
        break;
    case GRAPH_BRANCH:
        dry_if(d, n, env, m);
        tail = graph_end_of(d->g, n, "join");
        break;
    case GRAPH_DECISION:
        dry_put(d, m, "decision", span_text(d, &s->span));
        if (s->u.decision.what == AST_DECIDE_FAIL) {
            diag_add(d->diags, DIAG_ERROR, d->src, &s->span, "the run would "
                     "reach this 'fail'");
            d->n_failures++;
        }
        tail = GRAPH_NONE;
        break;
    default:
        break;
    }
    push(d, out, m);
    return tail;
}

/* Describes the nodes from FROM along the flow until STOP into OUT. */
static void walk(dry_t *d, uint32_t from, uint32_t stop, eval_env_t *env,
                 val_t *out)
{
    for (uint32_t n = from; n != GRAPH_NONE && n != stop && !d->oom;) {
        uint32_t tail = dry_node(d, n, env, out);
        n = tail == GRAPH_NONE ? GRAPH_NONE : graph_flow_next(d->g, tail);
    }
}

/* ---- stages and hooks --------------------------------------------------- */

/* The hooks standing in the scope of STAGE (GRAPH_NONE: the plan), as
 * descriptions with their statements' text. */
/* The names of the plan's steps, as a set (d->step_names): asked for
 * every key missing from a stage's results, so found once. */
static void index_step_names(dry_t *d)
{
    for (uint32_t n = 0; n < graph_node_count(d->g); n++) {
        if (graph_node_kind(d->g, n) != GRAPH_STEP)
            continue;
        const char *step = graph_node_ast(d->g, n)->u.step.name.name;
        if (val_map_set_take(d->step_names, step, strlen(step),
                             val_bool(true)) != MIG_OK)
            d->oom = true;
    }
}

/* Fills D's hook index (one pass over the nodes, so that describing the
 * hooks of every stage costs O(nodes), not O(stages x nodes)). */
static void index_hooks(dry_t *d)
{
    uint32_t count = graph_node_count(d->g);
    d->hook_first = calloc((size_t)count + 2, sizeof(uint32_t));
    d->hook_nodes = malloc(((size_t)count + 1) * sizeof(uint32_t));
    if (!d->hook_first || !d->hook_nodes) {
        d->oom = true;
        return;
    }
    for (uint32_t n = 0; n < count; n++)
        if (graph_node_kind(d->g, n) == GRAPH_HOOK_ENTER) {
            uint32_t s = graph_node_scope(d->g, n);
            d->hook_first[(s == GRAPH_NONE ? count : s) + 1]++;
        }
    for (uint32_t s = 0; s <= count; s++)
        d->hook_first[s + 1] += d->hook_first[s];
    uint32_t *at = calloc((size_t)count + 1, sizeof(uint32_t));
    if (!at) {
        d->oom = true;
        return;
    }
    for (uint32_t n = 0; n < count; n++)
        if (graph_node_kind(d->g, n) == GRAPH_HOOK_ENTER) {
            uint32_t s = graph_node_scope(d->g, n);
            s = s == GRAPH_NONE ? count : s;
            d->hook_nodes[d->hook_first[s] + at[s]++] = n;
        }
    free(at);
}

static val_t *hooks(dry_t *d, uint32_t stage)
{
    val_t *list = val_list_new(2);
    uint32_t s = stage == GRAPH_NONE ? graph_node_count(d->g) : stage;
    for (uint32_t i = d->hook_first[s]; list && i < d->hook_first[s + 1];
         i++) {
        uint32_t n = d->hook_nodes[i];
        const ast_node_t *h = graph_node_ast(d->g, n);
        val_t *m = describe(d, n);
        val_t *body = val_list_new(h->u.hook.body.len);
        for (uint32_t j = 0; m && body && j < h->u.hook.body.len; j++)
            push(d, body, span_text(d, &h->u.hook.body.items[j]->span));
        if (m) {
            dry_put_str(d, m, "when", ast_hook_name(h->u.hook.when));
            dry_put(d, m, "statements", body);
            push(d, list, m);
        } else {
            val_unref(body);
        }
    }
    if (!list)
        d->oom = true;
    return list;
}

static val_t *dry_stage(dry_t *d, uint32_t k, eval_env_t *plan_env)
{
    uint32_t enter = graph_stage_at(d->g, k);
    const ast_node_t *s = graph_node_ast(d->g, enter);
    val_t *m = describe(d, enter);
    if (!m)
        return NULL;
    dry_put_str(d, m, "stage", s->u.stage.name.name);
    val_t *after = val_list_new(s->u.stage.after.len);
    for (uint32_t i = 0; after && i < s->u.stage.after.len; i++)
        push(d, after, val_cstring(s->u.stage.after.items[i].name));
    dry_put(d, m, "after", after);
    eval_env_t *env = eval_env_new(plan_env);
    val_t *stmts = val_list_new(8);
    d->steps = env;
    if (!env || !stmts)
        d->oom = true;
    else
        walk(d, graph_flow_next(d->g, enter),
             graph_end_of(d->g, enter, "exit"), env, stmts);
    d->steps = NULL;
    dry_put(d, m, "statements", stmts);
    handlers(d, enter, m);
    dry_put(d, m, "hooks", hooks(d, enter));
    /* Later stages read this one's steps as STAGE.STEP. */
    val_t *results = val_map_new(8);
    for (size_t i = 0; results && env && i < val_len(stmts); i++) {
        val_t *st = val_list_get(stmts, i);
        val_t *r = val_map_get(st, "result", 6);
        val_t *name = val_map_get(st, "name", 4);
        if (r && name && strcmp(val_get_str(val_map_get(st, "kind", 4), NULL),
                                "step") == 0)
            dry_put(d, results, val_get_str(name, NULL), val_ref(r));
    }
    if (results && eval_env_set(d->stages_env, s->u.stage.name.name,
                                results) != MIG_OK)
        d->oom = true;
    val_unref(results);
    eval_env_free(env);
    return m;
}

mig_status_t dryrun_plan(const graph_t *g, const params_t *p,
                         const action_registry_t *r, const char *base_dir,
                         diag_list_t *diags, val_t **out)
{
    return dryrun_plan_with(g, p, r, base_dir, NULL, diags, out);
}

mig_status_t dryrun_plan_with(const graph_t *g, const params_t *p,
                              const action_registry_t *r,
                              const char *base_dir,
                              const config_settings_t *set,
                              diag_list_t *diags, val_t **out)
{
    *out = NULL;
    dry_t d = { .g = g, .src = graph_src(g), .reg = r, .diags = diags,
                .base_dir = base_dir };
    if (roots_of_plan(graph_plan(g), base_dir, &d.roots) != MIG_OK
        || (set && roots_add_all(&d.roots, (const char *const *)
                                 set->write_roots, set->n_write_roots)
                   != MIG_OK)
        || roots_resolve(&d.roots) != MIG_OK)
        d.oom = true;
    /* What registry("NAME") gives. */
    val_t *registries = set ? config_registry_targets(set, base_dir) : NULL;
    if (set && !registries)
        d.oom = true;
    d.ctx = actx_new(ACTX_PREVIEW, base_dir);
    d.touched = val_map_new(8);
    d.touched_dirs = val_map_new(8);
    d.step_names = val_map_new(8);
    d.stages_env = eval_env_new(NULL);
    if (d.stages_env)   /* what is known only when run stays unbound */
        eval_env_expect_unbound(d.stages_env);
    eval_env_t *plan_env = d.stages_env ? eval_env_new(d.stages_env) : NULL;
    val_t *m = val_map_new(8);
    size_t errors = diags->errors;
    if (d.oom || !d.ctx || !d.touched || !d.touched_dirs || !d.step_names
        || !plan_env || !m) {
        d.oom = true;
    } else {
        index_hooks(&d);
        index_step_names(&d);
    }
    if (!d.oom) {
        eval_env_set_actions(d.stages_env, dry_call_action, &d);
        eval_env_set_registries(d.stages_env, registries);
        if (params_bind(p, plan_env) != MIG_OK)
            d.oom = true;
        dry_put_str(&d, m, "plan", graph_plan_name(g));
        dry_put_str(&d, m, "file", d.src->name);
        const char *prof = params_profile(p);
        dry_put(&d, m, "profile", prof ? val_cstring(prof) : val_null());
        dry_put(&d, m, "params", params_to_value(p));
        /* Plan-level lets, in order, before any stage. */
        val_t *lets = val_list_new(2);
        for (uint32_t n = 0; lets && n < graph_node_count(g) && !d.oom; n++)
            if (graph_node_kind(g, n) == GRAPH_LET
                && graph_node_scope(g, n) == GRAPH_NONE)
                dry_node(&d, n, plan_env, lets);
        dry_put(&d, m, "lets", lets);
        val_t *stages = val_list_new(graph_stage_count(g));
        for (uint32_t k = 0; stages && k < graph_stage_count(g) && !d.oom; k++)
            push(&d, stages, dry_stage(&d, k, plan_env));
        dry_put(&d, m, "stages", stages);
        dry_put(&d, m, "hooks", hooks(&d, GRAPH_NONE));
        dry_put(&d, m, "changes", val_int(d.n_changes));
        dry_put(&d, m, "failures", val_int(d.n_failures));
        dry_put(&d, m, "tolerated", val_int(d.n_tolerated));
        dry_put(&d, m, "handled", val_int(d.n_handled));
        if (d.not_described)
            dry_put(&d, m, "not_described", val_int((int64_t)d.not_described));
    }
    eval_env_free(plan_env);
    eval_env_free(d.stages_env);
    val_unref(registries);
    free(d.hook_first);
    free(d.hook_nodes);
    actx_free(d.ctx);
    val_unref(d.touched);
    val_unref(d.touched_dirs);
    val_unref(d.step_names);
    roots_free(&d.roots);
    if (d.oom || diags->out_of_memory) {
        val_unref(m);
        return MIG_ENOMEM;
    }
    *out = m;
    return diags->errors > errors ? MIG_EINVALID : MIG_OK;
}
