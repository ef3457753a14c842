/* check_expr.c: the checker's view of expressions and calls. Each
 * expression gets the set of types its value may have, worked out from
 * its parts; a part made only of literals is evaluated once, so the errors
 * the evaluator would raise at run time (1 / 0, len(5), "a" - 1) are
 * reported now, with the evaluator's own words. Names resolve to the
 * scope's bindings and to the results of other stages' steps; calls to
 * builtins, actions and Lua functions (resolved and checked in
 * check_call.c). */
#include <stdio.h>
#include <string.h>

#include "check_int.h"
#include "eval_int.h"

#define ANY ACTION_T_ANY
#define T(x) ACTION_T(x)

/* What the walk knows of a sub-expression: its types, and whether it is
 * made of literals only (then the evaluator can compute it now). */
typedef struct cinfo {
    unsigned mask;
    bool constant;
} cinfo_t;

static cinfo_t walk(chk_t *k, const ast_node_t *e);

/* Evaluates the constant E, reporting its errors; its value, or NULL. */
static val_t *fold(chk_t *k, const ast_node_t *e)
{
    val_t *v = NULL;
    mig_status_t st = eval_expr(e, NULL, k->src, k->diags, &v);
    if (st == MIG_ENOMEM)
        k->oom = true;
    return st == MIG_OK ? v : NULL;
}

/* Walks child E of a node; when the node itself will not be constant,
 * a constant child is evaluated now. *ALL_CONST is cleared unless E is
 * constant. */
unsigned check_child(chk_t *k, const ast_node_t *e, bool *all_const,
                     bool parent_const_possible)
{
    cinfo_t c = walk(k, e);
    if (!c.constant)
        *all_const = false;
    if (c.constant && !parent_const_possible) {
        val_t *v = fold(k, e);
        unsigned m = v ? 1u << val_type(v) : c.mask;
        val_unref(v);
        return m;
    }
    return c.mask;
}

const char *check_dotted(chk_t *k, const ast_node_t *e)
{
    strbuf_t b;
    strbuf_init(&b);
    const char *s = NULL;
    if (ast_dotted_name(e, &b) && !b.oom
        && !(s = arena_strndup(k->arena, b.data, b.len)))
        k->oom = true;
    if (b.oom)
        k->oom = true;
    strbuf_free(&b);
    return s;
}

/* Whether NAME, unbound in scope, is a namespace of calls: a Lua module
 * or a namespace of actions. */
static bool is_namespace(chk_t *k, const char *name)
{
    return graph_smap_has(&k->lua, name)
        || action_has_namespace(k->reg, name, strlen(name));
}

/* ---- names -------------------------------------------------------------- */

static unsigned undefined(chk_t *k, const ast_node_t *e)
{
    const char *name = e->u.name.name;
    if (graph_smap_has(&k->stage_names, name)) {
        diag_t *d = check_error(k, &e->span, "'%s' is a stage, not a value",
                                name);
        diag_hint(k->diags, d, "read one of its steps: %s.STEP", name);
        return ANY;
    }
    if (is_namespace(k, name)) {
        check_error(k, &e->span, "'%s' names a group of actions, not a "
                    "value", name);
        return ANY;
    }
    if (eval_builtin_find(name)) {
        diag_t *d = check_error(k, &e->span, "'%s' is a function, not a "
                                "value", name);
        diag_hint(k->diags, d, "call it: %s(...)", name);
        return ANY;
    }
    eval_suggest_t s;
    eval_suggest_init(&s, name);
    check_suggest_names(k, &s);
    diag_t *d = check_error(k, &e->span, "undefined name '%s'", name);
    if (d && !check_explain_unbound(k, e, d) && s.best)
        diag_hint(k->diags, d, "did you mean '%s'?", s.best);
    return ANY;
}

/* STAGE.STEP read from where the walk is: the step must exist, and the
 * stage must surely have run. */
static unsigned stage_step(chk_t *k, const ast_node_t *e, uint32_t stage)
{
    cstage_t *st = &k->stages[stage];
    const char *sname = st->node->u.stage.name.name;
    const char *step = e->u.field.field.name;
    uint32_t i = graph_smap_get(&st->steps, step);
    if (i == GRAPH_NONE) {
        eval_suggest_t s;
        eval_suggest_init(&s, step);
        for (uint32_t j = 0; j < st->n_steps; j++)
            eval_suggest_consider(&s, st->step_nodes[j]->u.step.name.name);
        diag_t *d = check_error(k, &e->u.field.field.span, "stage '%s' has "
                                "no step '%s'", sname, step);
        if (s.best)
            diag_hint(k->diags, d, "did you mean '%s'?", s.best);
        else
            diag_hint(k->diags, d, "other stages can read the steps of a "
                      "stage that are outside its foreach loops, recover "
                      "blocks and hooks");
        return ANY;
    }
    const cname_t *bound = check_lookup(k, step);
    if (k->stage == stage && !(bound && bound->kind == CN_STEP)) {
        diag_t *d = check_error(k, &e->span, "'%s.%s' is read before step "
                                "'%s' has run", sname, step, step);
        diag_hint(k->diags, d, "read it after the step, where '%s' alone "
                  "names its result", step);
    } else if (k->stage == CHECK_NONE && !k->in_hook && !k->in_recover) {
        check_error(k, &e->span, "'%s.%s' is read before any stage has run",
                    sname, step);
    } else if (k->stage != CHECK_NONE && k->stage != stage
               && !check_runs_before(k, stage, k->stage)) {
        const char *here = k->stages[k->stage].node->u.stage.name.name;
        diag_t *d = check_error(k, &e->span, "stage '%s' reads '%s.%s', but "
                                "does not run after '%s'", here, sname, step,
                                sname);
        diag_hint(k->diags, d, "add it to the stage's list: stage %s after "
                  "%s { ... }", here, sname);
    }
    return check_call_result(k, st->step_nodes[i]->u.step.call);
}

/* ---- calls (the rest in check_call.c) ----------------------------------- */

static cinfo_t walk_call(chk_t *k, const ast_node_t *e)
{
    const ast_node_t *callee = e->u.call.callee;
    if (callee->kind == AST_NAME) {
        const char *name = callee->u.name.name;
        const cname_t *bound = check_lookup(k, name);
        const eval_builtin_t *b = bound ? NULL : eval_builtin_find(name);
        eval_ctx_t c = { .src = k->src, .diags = k->diags };
        bool all = true;
        unsigned result = ANY;
        if (bound) {
            check_error(k, &callee->span, "'%s' is %s, not a function", name,
                        bound->mask == ANY ? "a value"
                                           : check_types(k, bound->mask));
        } else if (!b) {
            eval_unknown_function(&c, callee);
        } else {
            if (eval_check_args(&c, e, b) != MIG_OK)
                all = false, b = NULL;
            else
                result = b->result;
            if (b && b->fn == eval_fn_registry)
                check_registry_call(k, e);
        }
        /* Arguments are walked as if constant; folded below if the call
         * is not, so each constant part is evaluated once. */
        cinfo_t *kids = NULL;
        uint32_t n = e->u.call.args.len;
        if (n && !(kids = arena_alloc(k->arena, n * sizeof(*kids))))
            k->oom = true;
        for (uint32_t i = 0; kids && i < n; i++) {
            kids[i] = walk(k, e->u.call.args.items[i].value);
            all = all && kids[i].constant;
        }
        /* A builtin that reads the world is never called now. */
        bool constant = b && all && !b->outside;
        for (uint32_t i = 0; kids && i < n && !constant; i++)
            if (kids[i].constant)
                val_unref(fold(k, e->u.call.args.items[i].value));
        for (uint32_t i = 0; b && kids && i < n; i++)
            if (kids[i].mask == T(SECRET)
                && b->secrets != EVAL_SECRETS_PASSED) {
                char what[64];
                snprintf(what, sizeof what, "passed to %s()", b->name);
                eval_secret_refused(k->diags, k->src,
                                    &e->u.call.args.items[i].value->span,
                                    what);
                break;
            }
        return (cinfo_t){ result, constant };
    }
    bool lua;
    const action_t *a = check_resolve_action(k, e, &lua);
    if (a && a->effect != ACTION_PURE) {
        diag_t *d = check_error(k, &callee->span, "%s changes state, so only "
                                "a step can call it", a->name);
        diag_hint(k->diags, d, "step NAME = %s(...)", a->name);
    }
    check_call_args(k, e, a, lua);
    return (cinfo_t){ a ? a->result : ANY, false };
}

/* ---- operators ---------------------------------------------------------- */

/* The type of OP applied to single types A and B, or -1 when it does not
 * apply (docs/language.md, "Operators"). */
static int binary_type(ast_op_t op, int a, int b)
{
    switch (op) {
    case AST_OP_AND:
    case AST_OP_OR:
        return a == VAL_BOOL && b == VAL_BOOL ? VAL_BOOL : -1;
    case AST_OP_EQ:
    case AST_OP_NE:
        return a == VAL_SECRET || b == VAL_SECRET ? -1 : VAL_BOOL;
    case AST_OP_LT:
    case AST_OP_LE:
    case AST_OP_GT:
    case AST_OP_GE:
        return a == b && (a == VAL_NUMBER || a == VAL_DURATION
                          || a == VAL_STRING) ? VAL_BOOL : -1;
    case AST_OP_ADD:
        if ((a == VAL_SECRET && (b == VAL_STRING || b == VAL_SECRET))
            || (b == VAL_SECRET && a == VAL_STRING))
            return VAL_SECRET;
        return a == b && (a == VAL_NUMBER || a == VAL_DURATION
                          || a == VAL_STRING || a == VAL_LIST) ? a : -1;
    case AST_OP_SUB:
        return a == b && (a == VAL_NUMBER || a == VAL_DURATION) ? a : -1;
    case AST_OP_MUL:
        if (a == VAL_NUMBER && b == VAL_NUMBER)
            return VAL_NUMBER;
        if ((a == VAL_DURATION && b == VAL_NUMBER)
            || (a == VAL_NUMBER && b == VAL_DURATION))
            return VAL_DURATION;
        return -1;
    case AST_OP_DIV:
        if (a == VAL_NUMBER && b == VAL_NUMBER)
            return VAL_NUMBER;
        return a == VAL_DURATION && b == VAL_NUMBER ? VAL_DURATION : -1;
    case AST_OP_MOD:
        return a == VAL_NUMBER && b == VAL_NUMBER ? VAL_NUMBER : -1;
    default:
        return -1;
    }
}

/* The types OP may give for operands of types A and B; 0 when no pair of
 * them fits. */
static unsigned binary_mask(ast_op_t op, unsigned a, unsigned b)
{
    unsigned out = 0;
    for (int x = 0; x <= VAL_SECRET; x++)
        for (int y = 0; y <= VAL_SECRET; y++)
            if ((a >> x & 1u) && (b >> y & 1u)) {
                int t = binary_type(op, x, y);
                if (t >= 0)
                    out |= 1u << t;
            }
    return out;
}

static cinfo_t walk_binary(chk_t *k, const ast_node_t *e)
{
    ast_op_t op = e->u.binary.op;
    cinfo_t l = walk(k, e->u.binary.left);
    cinfo_t r = walk(k, e->u.binary.right);
    if (l.constant && r.constant)
        return (cinfo_t){ binary_mask(op, l.mask, r.mask) | (op == AST_OP_EQ
                          || op == AST_OP_NE ? T(BOOL) : 0), true };
    if (l.constant)
        val_unref(fold(k, e->u.binary.left));
    if (r.constant)
        val_unref(fold(k, e->u.binary.right));
    unsigned m = binary_mask(op, l.mask, r.mask);
    if (m)
        return (cinfo_t){ m, false };
    bool compare = op >= AST_OP_LT && op <= AST_OP_GE;
    if (l.mask == T(SECRET) || r.mask == T(SECRET)) {
        char what[64];
        snprintf(what, sizeof what, op == AST_OP_EQ || op == AST_OP_NE
                 ? "compared with '%s'" : "used with '%s'", ast_op_name(op));
        eval_secret_refused(k->diags, k->src, &e->span, what);
    } else if (compare)
        check_error(k, &e->span, "cannot compare %s with %s",
                    check_types(k, l.mask), check_types(k, r.mask));
    else
        check_error(k, &e->span, "cannot apply '%s' to %s and %s",
                    ast_op_name(op), check_types(k, l.mask),
                    check_types(k, r.mask));
    return (cinfo_t){ op == AST_OP_AND || op == AST_OP_OR || compare
                      ? T(BOOL) : ANY, false };
}

static cinfo_t walk_unary(chk_t *k, const ast_node_t *e)
{
    bool c = true;
    unsigned m = check_child(k, e->u.unary.operand, &c, true);
    if (e->u.unary.op == AST_OP_NOT) {
        if (!c && !(m & T(BOOL)))
            check_error(k, &e->u.unary.operand->span, "expected a bool, "
                        "found %s", check_types(k, m));
        if (!c)
            return (cinfo_t){ T(BOOL), false };
        return (cinfo_t){ T(BOOL), true };
    }
    unsigned out = m & (T(NUMBER) | T(DURATION));
    if (!c && !out) {
        check_error(k, &e->span, "cannot negate %s", check_types(k, m));
        out = ANY;
    }
    return (cinfo_t){ out ? out : ANY, c };
}

/* ---- the walk ----------------------------------------------------------- */

static cinfo_t walk_field(chk_t *k, const ast_node_t *e)
{
    const ast_node_t *obj = e->u.field.object;
    if (obj->kind == AST_NAME && !check_lookup(k, obj->u.name.name)) {
        uint32_t st = graph_smap_get(&k->stage_names, obj->u.name.name);
        if (st != GRAPH_NONE)
            return (cinfo_t){ stage_step(k, e, st), false };
        const char *dotted = check_dotted(k, e);
        if (is_namespace(k, obj->u.name.name) && dotted
            && !graph_smap_has(&k->lua, obj->u.name.name)
            && !action_find(k->reg, dotted)) {
            check_unknown_action(k, e, dotted, "action");
            return (cinfo_t){ ANY, false };
        }
        if (is_namespace(k, obj->u.name.name)) {
            diag_t *d = check_error(k, &e->span, "'%s.%s' is an action; it "
                                    "can only be called", obj->u.name.name,
                                    e->u.field.field.name);
            diag_hint(k->diags, d, "%s.%s(...)", obj->u.name.name,
                      e->u.field.field.name);
            return (cinfo_t){ ANY, false };
        }
    }
    bool c = true;
    unsigned m = check_child(k, obj, &c, true);
    if (!c && !(m & T(MAP)))
        check_error(k, &e->u.field.field.span, "cannot read field '%s' of %s",
                    e->u.field.field.name, check_types(k, m));
    return (cinfo_t){ ANY, c };
}

static cinfo_t walk_index(chk_t *k, const ast_node_t *e)
{
    cinfo_t o = walk(k, e->u.index.object);
    cinfo_t i = walk(k, e->u.index.index);
    if (o.constant && i.constant)
        return (cinfo_t){ ANY, true };
    if (o.constant)
        val_unref(fold(k, e->u.index.object));
    if (i.constant)
        val_unref(fold(k, e->u.index.index));
    if (!(o.mask & (T(LIST) | T(MAP)))) {
        diag_t *d = check_error(k, &e->u.index.object->span, "cannot index %s",
                                check_types(k, o.mask));
        diag_hint(k->diags, d, "only lists (by number) and maps (by key) "
                  "can be indexed");
    } else if (i.mask == T(SECRET)) {
        eval_secret_refused(k->diags, k->src, &e->u.index.index->span,
                            "used as a map key");
    } else if (o.mask == T(LIST) && !(i.mask & T(NUMBER))) {
        check_error(k, &e->u.index.index->span, "a list index must be a "
                    "number, found %s", check_types(k, i.mask));
    } else if (o.mask == T(MAP) && !(i.mask & T(STRING))) {
        check_error(k, &e->u.index.index->span, "a map key must be a "
                    "string, found %s", check_types(k, i.mask));
    }
    return (cinfo_t){ ANY, false };
}

/* Walks the items of a list or map literal. */
static cinfo_t walk_items(chk_t *k, const ast_node_t *e, unsigned type)
{
    uint32_t n = e->kind == AST_LIST ? e->u.list.len : e->u.map.len;
    bool all = true;
    cinfo_t *kids = n ? arena_alloc(k->arena, n * sizeof(*kids)) : NULL;
    if (n && !kids) {
        k->oom = true;
        return (cinfo_t){ type, false };
    }
    for (uint32_t i = 0; i < n; i++) {
        const ast_node_t *v = e->kind == AST_LIST ? e->u.list.items[i]
                                                  : e->u.map.items[i].value;
        kids[i] = walk(k, v);
        all = all && kids[i].constant;
    }
    for (uint32_t i = 0; i < n && !all; i++)
        if (kids[i].constant)
            val_unref(fold(k, e->kind == AST_LIST ? e->u.list.items[i]
                                                  : e->u.map.items[i].value));
    return (cinfo_t){ type, all };
}

static cinfo_t walk_string(chk_t *k, const ast_node_t *e)
{
    const ast_string_t *s = &e->u.string;
    bool all = true;
    bool *konst = s->n_parts ? arena_alloc(k->arena, s->n_parts) : NULL;
    if (s->n_parts && !konst) {
        k->oom = true;
        return (cinfo_t){ T(STRING), false };
    }
    unsigned out = T(STRING);   /* text joined with a secret is one */
    for (uint32_t i = 0; i < s->n_parts; i++) {
        cinfo_t part = { 0, true };
        if (s->parts[i].expr)
            part = walk(k, s->parts[i].expr);
        konst[i] = part.constant;
        all = all && konst[i];
        if (part.mask == T(SECRET))
            out = T(SECRET);
        else if (part.mask & T(SECRET))
            out |= T(SECRET);
    }
    for (uint32_t i = 0; i < s->n_parts && !all; i++)
        if (s->parts[i].expr && konst[i])
            val_unref(fold(k, s->parts[i].expr));
    return (cinfo_t){ out, all };
}

static cinfo_t walk_kind(chk_t *k, const ast_node_t *e);

/* A part whose types came out empty (an error already reported there) is
 * taken as any type, so one mistake gives one message. */
static cinfo_t walk(chk_t *k, const ast_node_t *e)
{
    cinfo_t c = walk_kind(k, e);
    if (!c.mask)
        c.mask = ANY;
    return c;
}

static cinfo_t walk_kind(chk_t *k, const ast_node_t *e)
{
    switch (e->kind) {
    case AST_NULL:
        return (cinfo_t){ ACTION_T(NULL), true };
    case AST_BOOL:
        return (cinfo_t){ T(BOOL), true };
    case AST_NUMBER:
        return (cinfo_t){ T(NUMBER), true };
    case AST_DURATION:
        return (cinfo_t){ T(DURATION), true };
    case AST_STRING:
        return walk_string(k, e);
    case AST_LIST:
        return walk_items(k, e, T(LIST));
    case AST_MAP:
        return walk_items(k, e, T(MAP));
    case AST_NAME: {
        const cname_t *n = check_lookup(k, e->u.name.name);
        return (cinfo_t){ n ? n->mask : undefined(k, e), false };
    }
    case AST_FIELD:
        return walk_field(k, e);
    case AST_INDEX:
        return walk_index(k, e);
    case AST_CALL:
        return walk_call(k, e);
    case AST_UNARY:
        return walk_unary(k, e);
    case AST_BINARY:
        return walk_binary(k, e);
    default:
        return (cinfo_t){ ANY, false };
    }
}

ctype_t check_expr(chk_t *k, const ast_node_t *e)
{
    cinfo_t c = walk(k, e);
    if (!c.constant)
        return (ctype_t){ c.mask, NULL };
    val_t *v = fold(k, e);
    return (ctype_t){ v ? 1u << val_type(v) : ANY, v };
}

val_t *check_expr_want(chk_t *k, const ast_node_t *e, unsigned want,
                       const char *what)
{
    ctype_t t = check_expr(k, e);
    if (!(t.mask & want)) {
        diag_t *d = check_error(k, &e->span, "%s must be %s, found %s", what,
                                check_types(k, want), check_types(k, t.mask));
        if (want == T(DURATION) && (t.mask & T(NUMBER)))
            diag_hint(k->diags, d, "write the unit: 30s, 500ms, 2m");
    }
    return t.value;
}
