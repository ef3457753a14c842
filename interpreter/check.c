/* check.c: the static checker's walk (interpreter.h, check_plan): plan
 * items first (parameters, profiles, Lua modules, error classes), then
 * every stage and hook, statement by statement, with a scope per block.
 * Expressions and calls are checked in check_expr.c, error classes,
 * checkpoints and retry policies in check_flow.c, the plan items in
 * check_items.c. docs/checks.md lists every check with its message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_int.h"

/* ---- reporting --------------------------------------------------------- */

static diag_t *report(chk_t *k, diag_severity_t sev, const src_span_t *span,
                      const char *fmt, va_list ap)
{
    return diag_vadd(k->diags, sev, k->src, span, fmt, ap);
}

diag_t *check_error(chk_t *k, const src_span_t *span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_t *d = report(k, DIAG_ERROR, span, fmt, ap);
    va_end(ap);
    return d;
}

diag_t *check_warning(chk_t *k, const src_span_t *span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_t *d = report(k, DIAG_WARNING, span, fmt, ap);
    va_end(ap);
    return d;
}

const char *check_types(chk_t *k, unsigned mask)
{
    strbuf_t b;
    strbuf_init(&b);
    action_types_text(mask, &b);
    const char *s = b.oom ? NULL : arena_strndup(k->arena, b.data, b.len);
    strbuf_free(&b);
    if (!s)
        k->oom = true;
    return s ? s : "?";
}

/* Reports NAME bound twice, with a note at the first binding. */
void check_twice(chk_t *k, const char *what, const ast_ident_t *id,
                 const src_span_t *first)
{
    check_error(k, &id->span, "%s '%s' is already defined", what, id->name);
    diag_add(k->diags, DIAG_NOTE, k->src, first, "'%s' was first defined "
             "here", id->name);
}

/* ---- scopes ------------------------------------------------------------- */

static cscope_t *push_scope(chk_t *k, bool steps)
{
    cscope_t *s = arena_alloc(k->arena, sizeof(*s));
    if (!s) {
        k->oom = true;
        return k->scope;
    }
    *s = (cscope_t){ .parent = k->scope, .steps = steps };
    k->scope = s;
    return s;
}

static void pop_scope(chk_t *k, cscope_t *s)
{
    if (s != k->scope)          /* push_scope ran out of memory */
        return;
    k->scope = s->parent;
}

/* The last binding of NAME (whose hash is H) in S, in O(1): a scope may
 * hold 100,000 names (a generated plan's params or steps). */
static const cname_t *find_in(const cscope_t *s, const char *name, uint32_t h)
{
    uint32_t i = graph_smap_get_hashed(&s->index, name, h);
    return i == GRAPH_NONE ? NULL : &s->names[i];
}

const cname_t *check_lookup(const chk_t *k, const char *name)
{
    uint32_t h = graph_smap_hash(name);
    for (const cscope_t *s = k->scope; s; s = s->parent) {
        const cname_t *n = find_in(s, name, h);
        if (n)
            return n;
    }
    return NULL;
}

void check_suggest_names(const chk_t *k, eval_suggest_t *s)
{
    for (const cscope_t *sc = k->scope; sc; sc = sc->parent)
        for (uint32_t i = 0; i < sc->len; i++)
            eval_suggest_consider(s, sc->names[i].name);
}

void check_bind(chk_t *k, const ast_ident_t *id, cname_kind_t kind,
                unsigned mask)
{
    cscope_t *target = k->scope;
    if (!target)
        return;
    if (kind == CN_STEP)
        while (!target->steps && target->parent)
            target = target->parent;
    /* A step may repeat a step's name: graph_compile reports that. */
    uint32_t h = graph_smap_hash(id->name);
    for (cscope_t *s = k->scope; s; s = s->parent) {
        const cname_t *n = find_in(s, id->name, h);
        if (n && !(kind == CN_STEP && n->kind == CN_STEP)) {
            check_twice(k, "the name", id, n->span);
            return;
        }
        if (s == target)
            break;
    }
    if (!graph_grow(k->arena, (void **)&target->names, &target->cap,
                    target->len, sizeof(cname_t))) {
        k->oom = true;
        return;
    }
    target->names[target->len++] = (cname_t){ id->name, kind, mask,
                                               &id->span };
    if (!graph_smap_put(k->arena, &target->index, id->name, target->len - 1))
        k->oom = true;
}

/* ---- stages: what they export (their order: check_order.c) ----------- */

/* Records the steps of BODY that other stages may read (not those in a
 * foreach body, a recover block or a hook). */
static void collect_steps(chk_t *k, cstage_t *st, const ast_list_t *body)
{
    for (uint32_t i = 0; i < body->len && !k->oom; i++) {
        const ast_node_t *n = body->items[i];
        if (n->kind == AST_STEP) {
            const char *name = n->u.step.name.name;
            graph_smap_added_t added = graph_smap_add(k->arena, &st->steps,
                                                      name, st->n_steps, false);
            if (added == GRAPH_SMAP_THERE)
                continue;
            if (added == GRAPH_SMAP_OOM
                || !graph_grow(k->arena, (void **)&st->step_nodes,
                               &st->cap_steps, st->n_steps,
                               sizeof(*st->step_nodes))) {
                k->oom = true;
                return;
            }
            st->step_nodes[st->n_steps++] = n;
        } else if (n->kind == AST_RETRY) {
            collect_steps(k, st, &n->u.retry.body);
        } else if (n->kind == AST_IF) {
            collect_steps(k, st, &n->u.if_.then_body);
            collect_steps(k, st, &n->u.if_.else_body);
        }
    }
}

static void collect_stages(chk_t *k)
{
    const ast_list_t *items = &k->plan->items;
    uint32_t n = 0;
    for (uint32_t i = 0; i < items->len; i++)
        n += items->items[i]->kind == AST_STAGE;
    k->stages = arena_alloc(k->arena, (n ? n : 1) * sizeof(cstage_t));
    if (!k->stages) {
        k->oom = true;
        return;
    }
    memset(k->stages, 0, (n ? n : 1) * sizeof(cstage_t));
    for (uint32_t i = 0; i < items->len && !k->oom; i++) {
        const ast_node_t *s = items->items[i];
        if (s->kind != AST_STAGE)
            continue;
        cstage_t *st = &k->stages[k->n_stages];
        st->node = s;
        if (graph_smap_add(k->arena, &k->stage_names, s->u.stage.name.name,
                           k->n_stages, false) == GRAPH_SMAP_OOM)
            k->oom = true;
        k->n_stages++;
        collect_steps(k, st, &s->u.stage.body);
    }
    /* `after` by index; unknown names are graph_compile's to report. */
    for (uint32_t i = 0; i < k->n_stages && !k->oom; i++) {
        cstage_t *st = &k->stages[i];
        const ast_idents_t *after = &st->node->u.stage.after;
        st->after = arena_alloc(k->arena, (after->len + 1) * sizeof(uint32_t));
        if (!st->after) {
            k->oom = true;
            return;
        }
        for (uint32_t j = 0; j < after->len; j++) {
            uint32_t t = graph_smap_get(&k->stage_names, after->items[j].name);
            if (t != GRAPH_NONE)
                st->after[st->n_after++] = t;
        }
    }
}

/* ---- statements --------------------------------------------------------- */

static void check_block(chk_t *k, const ast_list_t *body, bool steps);

/* Reports each path the plan spells out (a plain string) that the call
 * CALL of A would change outside the plan's write roots. */
static void check_roots(chk_t *k, const action_t *a, const ast_node_t *call)
{
    const ast_args_t *args = &call->u.call.args;
    for (uint32_t i = 0; i < args->len; i++) {
        const char *name = args->items[i].name.name;
        const action_arg_t *row = NULL;
        for (uint32_t j = 0; a->args && a->args[j].name && !row; j++)
            if (name ? strcmp(a->args[j].name, name) == 0 : j == i)
                row = &a->args[j];
        const char *text;
        uint32_t len;
        if (!row || !row->writes
            || !ast_string_is_plain(args->items[i].value, &text, &len))
            continue;
        char *path = strndup(text, len);
        bool inside = true;
        if (!path || roots_contain(&k->roots, k->dir, path, &inside) != MIG_OK)
            k->oom = true;
        strbuf_t roots;
        strbuf_init(&roots);
        if (!inside && roots_text(&k->roots, &roots) == MIG_OK) {
            diag_t *d = check_error(k, &args->items[i].value->span, "%s would "
                                    "change '%s', outside the plan's write "
                                    "roots (%s)", a->name, path, roots.data);
            diag_hint(k->diags, d, "a plan changes files only in its folder "
                      "and the folders it declares: writes \"DIR\"");
        }
        if (roots.oom)
            k->oom = true;
        strbuf_free(&roots);
        free(path);
    }
}

/* The argument of CALL that fills row I of ARGS (by name, or the Ith
 * positional one), or NULL when it is not given. */
static const ast_node_t *given_arg(const action_arg_t *args, size_t i,
                                   const ast_node_t *call)
{
    const ast_args_t *l = &call->u.call.args;
    size_t pos = 0;
    for (uint32_t j = 0; j < l->len; j++) {
        const char *name = l->items[j].name.name;
        if (*name ? strcmp(name, args[i].name) == 0 : pos++ == i)
            return l->items[j].value;
    }
    return NULL;
}

/* The effect of the call CALL of A as far as it is known before the run
 * (interpreter.h, effect_of): its plain string literals, null for the
 * other arguments it gives (given, their values unknown), and the
 * defaults of the arguments it does not give. */
static action_effect_t static_effect(chk_t *k, const action_t *a,
                                     const ast_node_t *call)
{
    if (!a->effect_of || !a->args)
        return a->effect;
    val_t *known = val_map_new(4);
    for (size_t i = 0; known && a->args[i].name; i++) {
        const ast_node_t *v = given_arg(a->args, i, call);
        const char *text;
        uint32_t len;
        val_t *x = !v ? val_ref(action_arg_default(k->reg, &a->args[i]))
                 : v->kind == AST_STRING && ast_string_is_plain(v, &text, &len)
                 ? val_string(text, len) : val_null();
        if (x && val_map_set_take(known, a->args[i].name,
                                  strlen(a->args[i].name), x) != MIG_OK)
            k->oom = true;
    }
    action_effect_t e = known ? a->effect_of(a, known) : a->effect;
    k->oom |= !known;
    val_unref(known);
    return e;
}

static void check_step(chk_t *k, const ast_node_t *n)
{
    bool lua = false;
    const action_t *a = check_step_call(k, n->u.step.call, &lua);
    if (a && !lua)
        check_roots(k, a, n->u.step.call);
    action_effect_t effect = a && !lua ? static_effect(k, a, n->u.step.call)
                                       : a ? a->effect : ACTION_PURE;
    if (n->u.step.undo) {
        bool ulua = false;
        const action_t *u = check_step_call(k, n->u.step.undo, &ulua);
        if (u && !ulua)
            check_roots(k, u, n->u.step.undo);
        /* A Lua function is pure unless its module declares otherwise,
         * and many modules declare nothing: its undo is taken at its
         * word. */
        if (a && effect == ACTION_PURE && !lua)
            check_warning(k, &n->u.step.undo->span, "this undo never runs: "
                          "%s changes nothing", a->name);
        (void)u;
    } else if (a && (effect == ACTION_PLAN_UNDO
                     || effect == ACTION_IRREVERSIBLE)) {
        bool strict = k->flags & CHECK_STRICT;
        diag_t *d = (strict ? check_error : check_warning)(
            k, &n->u.step.name.span, "step '%s' changes state with %s, "
            "which cannot undo itself, and it has no 'undo'",
            n->u.step.name.name, a->name);
        diag_hint(k->diags, d, "add 'undo CALL' to the step; without it a "
                  "rollback past this step needs --force");
    }
    if (n->u.step.timeout) {
        val_t *v = check_expr_want(k, n->u.step.timeout, ACTION_T(DURATION),
                                   "a timeout");
        if (v && val_type(v) == VAL_DURATION && val_get_ms(v) <= 0)
            check_error(k, &n->u.step.timeout->span, "a timeout must be "
                        "longer than 0");
        val_unref(v);
    }
    if (n->u.step.when) {
        val_t *v = check_expr_want(k, n->u.step.when, ACTION_T(BOOL),
                                   "the condition of 'when'");
        if (v && val_type(v) == VAL_BOOL && !val_get_bool(v))
            check_warning(k, &n->u.step.when->span, "step '%s' never runs: "
                          "its condition is always false",
                          n->u.step.name.name);
        val_unref(v);
    }
    check_bind(k, &n->u.step.name, CN_STEP,
               lua || !a ? ACTION_T_ANY : a->result);
}

static void check_let(chk_t *k, const ast_node_t *n)
{
    ctype_t t = check_expr(k, n->u.binding.value);
    unsigned mask = t.value ? 1u << val_type(t.value) : t.mask;
    val_unref(t.value);
    check_bind(k, &n->u.binding.name, CN_LET, mask);
}

static void check_foreach(chk_t *k, const ast_node_t *n)
{
    ctype_t t = check_expr(k, n->u.foreach.iterable);
    unsigned mask = t.value ? 1u << val_type(t.value) : t.mask;
    if (!(mask & ACTION_T(LIST))) {
        diag_t *d = check_error(k, &n->u.foreach.iterable->span,
                                "foreach needs a list, found %s",
                                check_types(k, mask));
        if (mask == ACTION_T(MAP))
            diag_hint(k->diags, d, "loop over keys(m) or values(m)");
    }
    val_unref(t.value);
    if (n->u.foreach.parallel)
        val_unref(check_expr_want(k, n->u.foreach.parallel, ACTION_T(NUMBER),
                                  "the number of items run at once"));
    cscope_t *s = push_scope(k, true);
    check_bind(k, &n->u.foreach.var, CN_VAR, ACTION_T_ANY);
    /* after NAMES: evaluated per item, with the item bound */
    if (n->u.foreach.after)
        val_unref(check_expr_want(k, n->u.foreach.after, ACTION_T(STRING)
                                  | ACTION_T(LIST) | ACTION_T(NULL),
                                  "'after' (the names each item waits for)"));
    check_block(k, &n->u.foreach.body, false);
    pop_scope(k, s);
}

static void check_if(chk_t *k, const ast_node_t *n)
{
    val_t *v = check_expr_want(k, n->u.if_.cond, ACTION_T(BOOL),
                               "the condition of 'if'");
    if (v && val_type(v) == VAL_BOOL
        && (!val_get_bool(v) || n->u.if_.else_body.len))
        check_warning(k, &n->u.if_.cond->span, "the condition is always "
                      "%s: the %s block never runs",
                      val_get_bool(v) ? "true" : "false",
                      val_get_bool(v) ? "else" : "then");
    val_unref(v);
    check_block(k, &n->u.if_.then_body, false);
    check_block(k, &n->u.if_.else_body, false);
}

static void check_recover(chk_t *k, const ast_node_t *n)
{
    const ast_idents_t *cls = &n->u.recover.classes;
    for (uint32_t i = 0; i < cls->len; i++)
        check_class_ref(k, &cls->items[i]);
    if (n->u.recover.handler) {
        check_handler(k, n->u.recover.handler);
        return;
    }
    /* `err` is bound where the recover is written. */
    ast_ident_t *err = arena_alloc(k->arena, sizeof(*err));
    if (!err) {
        k->oom = true;
        return;
    }
    *err = (ast_ident_t){ .name = "err", .span = n->span };
    bool outer = k->in_recover;
    k->in_recover = true;
    cscope_t *s = push_scope(k, true);
    check_bind(k, err, CN_ERR, ACTION_T(MAP));
    check_block(k, &n->u.recover.body, false);
    pop_scope(k, s);
    k->in_recover = outer;
}

static void check_decision(chk_t *k, const ast_node_t *n)
{
    const ast_node_t *v = n->u.decision.value;
    switch (n->u.decision.what) {
    case AST_DECIDE_RETRY:
        if (v)
            val_unref(check_expr_want(k, v, ACTION_T(MAP),
                                      "the new arguments of 'retry with'"));
        break;
    case AST_DECIDE_SKIP:
    case AST_DECIDE_FAIL:
        if (v)
            val_unref(check_expr(k, v).value);
        break;
    case AST_DECIDE_ROLLBACK:
        check_rollback(k, &n->u.decision.target);
        break;
    }
}

static void check_hook(chk_t *k, const ast_node_t *n)
{
    bool outer = k->in_hook;
    k->in_hook = true;
    check_block(k, &n->u.hook.body, true);
    k->in_hook = outer;
}

static void check_statement(chk_t *k, const ast_node_t *n)
{
    switch (n->kind) {
    case AST_STEP:
        check_step(k, n);
        break;
    case AST_LET:
        check_let(k, n);
        break;
    case AST_FOREACH:
        check_foreach(k, n);
        break;
    case AST_RETRY:
        check_retry_policy(k, n);
        check_block(k, &n->u.retry.body, false);
        break;
    case AST_RECOVER:
        check_recover(k, n);
        break;
    case AST_VERIFY: {
        val_t *v = check_expr_want(k, n->u.verify.cond, ACTION_T(BOOL),
                                   "the condition of 'verify'");
        if (v && val_type(v) == VAL_BOOL && !val_get_bool(v))
            check_warning(k, &n->u.verify.cond->span, "this verify always "
                          "fails: its condition is always false");
        val_unref(v);
        if (n->u.verify.message)
            val_unref(check_expr(k, n->u.verify.message).value);
        break;
    }
    case AST_IF:
        check_if(k, n);
        break;
    case AST_DECISION:
        check_decision(k, n);
        break;
    case AST_HOOK:
        check_hook(k, n);
        break;
    default:
        break;      /* checkpoints were collected; plan items come first */
    }
}

/* Checks the statements of BODY in a new scope (one that takes steps when
 * STEPS). */
static void check_block(chk_t *k, const ast_list_t *body, bool steps)
{
    cscope_t *s = push_scope(k, steps);
    for (uint32_t i = 0; i < body->len && !k->oom; i++)
        check_statement(k, body->items[i]);
    pop_scope(k, s);
}

/* ---- the whole plan ----------------------------------------------------- */

static void check_stages_and_hooks(chk_t *k)
{
    const ast_list_t *items = &k->plan->items;
    uint32_t stage = 0;
    for (uint32_t i = 0; i < items->len && !k->oom; i++) {
        const ast_node_t *n = items->items[i];
        if (n->kind == AST_STAGE) {
            k->stage = stage++;
            check_block(k, &n->u.stage.body, true);
            k->stage = CHECK_NONE;
        } else if (n->kind == AST_LET || n->kind == AST_HOOK
                   || n->kind == AST_RECOVER) {
            check_statement(k, n);
        }
    }
}

mig_status_t check_plan(const ast_plan_t *plan, src_t *src,
                        const action_registry_t *actions, unsigned flags,
                        diag_list_t *diags)
{
    return check_plan_with(plan, src, actions, flags, NULL, diags);
}

mig_status_t check_plan_with(const ast_plan_t *plan, src_t *src,
                             const action_registry_t *actions, unsigned flags,
                             const config_settings_t *set,
                             diag_list_t *diags)
{
    chk_t k = { .plan = plan, .src = src, .diags = diags, .reg = actions,
                .flags = flags, .arena = arena_new(),
                .stage = CHECK_NONE, .config = set };
    if (!k.arena)
        return MIG_ENOMEM;
    size_t errors = diags->errors;
    k.dir = check_plan_dir(&k);
    /* Nothing changes the files while the plan is checked: each path's
     * folders are looked at once (roots_remember). */
    if (roots_of_plan(plan, k.dir, &k.roots) != MIG_OK
        || (set && roots_add_all(&k.roots, (const char *const *)
                                 set->write_roots, set->n_write_roots)
                   != MIG_OK)
        || roots_resolve(&k.roots) != MIG_OK
        || roots_remember(&k.roots) != MIG_OK)
        k.oom = true;
    cscope_t *top = push_scope(&k, true);
    collect_stages(&k);
    check_classes_declared(&k);
    check_collect_checkpoints(&k);
    check_params(&k);
    check_profiles(&k);
    for (uint32_t i = 0; i < plan->items.len && !k.oom; i++)
        if (plan->items.items[i]->kind == AST_LUA)
            check_lua(&k, i, plan->items.items[i]);
    check_breakers(&k);
    check_stages_and_hooks(&k);
    pop_scope(&k, top);
    bool oom = k.oom || diags->out_of_memory;
    roots_free(&k.roots);
    arena_free(k.arena);
    if (oom)
        return MIG_ENOMEM;
    return diags->errors > errors ? MIG_EINVALID : MIG_OK;
}

/* ---- names bound elsewhere ------------------------------------------- */

/* The first let or step named NAME in the statements L (and the blocks
 * inside them), or NULL. */
static const ast_node_t *binding_in(const ast_list_t *l, const char *name)
{
    for (uint32_t i = 0; i < l->len; i++) {
        const ast_node_t *n = l->items[i], *got = NULL;
        switch (n->kind) {
        case AST_LET:
            if (strcmp(n->u.binding.name.name, name) == 0)
                return n;
            break;
        case AST_STEP:
            if (strcmp(n->u.step.name.name, name) == 0)
                return n;
            break;
        case AST_STAGE: got = binding_in(&n->u.stage.body, name); break;
        case AST_HOOK: got = binding_in(&n->u.hook.body, name); break;
        case AST_FOREACH: got = binding_in(&n->u.foreach.body, name); break;
        case AST_RETRY: got = binding_in(&n->u.retry.body, name); break;
        case AST_RECOVER: got = binding_in(&n->u.recover.body, name); break;
        case AST_IF:
            got = binding_in(&n->u.if_.then_body, name);
            if (!got)
                got = binding_in(&n->u.if_.else_body, name);
            break;
        default:
            break;
        }
        if (got)
            return got;
    }
    return NULL;
}

/* check_int.h */
bool check_explain_unbound(chk_t *k, const ast_node_t *e, diag_t *d)
{
    const char *name = e->u.name.name;
    if (strcmp(name, "err") == 0 && !k->in_recover) {
        diag_hint(k->diags, d, "'err' is the error being handled: it exists "
                  "only inside a recover block, as in recover CLASS { ... "
                  "err.message ... }");
        return true;
    }
    const ast_node_t *b = binding_in(&k->plan->items, name);
    if (!b)
        return false;
    const char *what = b->kind == AST_LET ? "let" : "step";
    if (b->span.begin > e->span.begin)
        diag_hint(k->diags, d, "'%s' is defined further down, by the %s at "
                  "line %u: a name can be read only after it is defined; "
                  "move that %s above this line", name, what, b->span.line,
                  what);
    else
        diag_hint(k->diags, d, "'%s' is defined by the %s at line %u, in a "
                  "block that this one is not inside: a name is seen only "
                  "in its own block and the blocks inside it", name, what,
                  b->span.line);
    return true;
}
