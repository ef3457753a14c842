/* eval.c: the expression evaluator. It turns an expression of the AST into
 * a value, looking names up in a scope chain; the runtime calls it for
 * parameters, lets, step arguments and conditions. Builtin functions live
 * in eval_builtins.c; docs/expressions.md is the user's description. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval_int.h"

/* ---- the evaluator ------------------------------------------------------ */

typedef mig_status_t (*eval_kind_fn)(eval_ctx_t *c, const ast_node_t *e,
                                     val_t **out);

static mig_status_t eval_node(eval_ctx_t *c, const ast_node_t *e,
                              val_t **out);

/* Wraps a freshly made value: NULL means memory ran out at E. */
static mig_status_t eval_made(eval_ctx_t *c, const ast_node_t *e, val_t *v,
                              val_t **out)
{
    if (!v)
        return eval_oom(c, &e->span);
    *out = v;
    return MIG_OK;
}

static mig_status_t eval_null(eval_ctx_t *c, const ast_node_t *e,
                              val_t **out)
{
    *out = val_null();
    return MIG_OK;
}

static mig_status_t eval_bool(eval_ctx_t *c, const ast_node_t *e,
                              val_t **out)
{
    *out = val_bool(e->u.boolean);
    return MIG_OK;
}

static mig_status_t eval_number(eval_ctx_t *c, const ast_node_t *e,
                                val_t **out)
{
    double d = e->u.number.value;
    return eval_made(c, e, e->u.number.is_integer ? val_int((int64_t)d)
                                                  : val_double(d), out);
}

static mig_status_t eval_duration(eval_ctx_t *c, const ast_node_t *e,
                                  val_t **out)
{
    return eval_made(c, e, val_duration(e->u.duration.ms), out);
}

static mig_status_t eval_string(eval_ctx_t *c, const ast_node_t *e,
                                val_t **out)
{
    strbuf_t b;
    strbuf_init(&b);
    val_t *secret = NULL;       /* what came before B, once a secret came */
    for (uint32_t i = 0; i < e->u.string.n_parts; i++) {
        const ast_str_part_t *p = &e->u.string.parts[i];
        if (!p->expr) {
            strbuf_put(&b, p->text, p->len);
            continue;
        }
        val_t *v;
        mig_status_t st = eval_node(c, p->expr, &v);
        if (st == MIG_OK && !eval_fits(c, &p->expr->span,
                                       b.len + val_size(v)
                                       + (secret ? val_size(secret) : 0))) {
            val_unref(v);
            st = MIG_EINVALID;
        } else if (st == MIG_OK && val_holds_secret(v)) {
            st = eval_secret_join(c, &p->expr->span, &secret, &b, v);
            val_unref(v);
        } else if (st == MIG_OK) {
            st = eval_to_text(v, &b);
            val_unref(v);
            if (st != MIG_OK)
                st = eval_oom(c, &p->expr->span);
        }
        if (st != MIG_OK) {
            val_unref(secret);
            strbuf_free(&b);
            return st;
        }
    }
    if (secret) {
        mig_status_t st = eval_secret_finish(c, &e->span, secret, &b, out);
        strbuf_free(&b);
        return st;
    }
    val_t *s = b.oom ? NULL : val_string(b.data ? b.data : "", b.len);
    strbuf_free(&b);
    return eval_made(c, e, s, out);
}

static mig_status_t eval_list(eval_ctx_t *c, const ast_node_t *e,
                              val_t **out)
{
    val_t *list = val_list_new(e->u.list.len);
    if (!list)
        return eval_oom(c, &e->span);
    for (uint32_t i = 0; i < e->u.list.len; i++) {
        const ast_node_t *item = e->u.list.items[i];
        val_t *v;
        mig_status_t st = eval_node(c, item, &v);
        if (st == MIG_OK && (st = val_list_push_take(list, v)) != MIG_OK)
            st = eval_push_failed(c, &item->span, st);
        if (st != MIG_OK) {
            val_unref(list);
            return st;
        }
    }
    *out = list;
    return MIG_OK;
}

static mig_status_t eval_map(eval_ctx_t *c, const ast_node_t *e,
                             val_t **out)
{
    val_t *map = val_map_new(e->u.map.len);
    if (!map)
        return eval_oom(c, &e->span);
    for (uint32_t i = 0; i < e->u.map.len; i++) {
        const ast_arg_t *entry = &e->u.map.items[i];
        const char *key = entry->name.name;
        val_t *v;
        mig_status_t st = eval_node(c, entry->value, &v);
        if (st == MIG_OK
            && (st = val_map_set_take(map, key, strlen(key), v)) != MIG_OK)
            st = eval_push_failed(c, &entry->value->span, st);
        if (st != MIG_OK) {
            val_unref(map);
            return st;
        }
    }
    *out = map;
    return MIG_OK;
}

/* Reports NAME as undefined, suggesting the closest name in scope. */
static mig_status_t eval_undefined(eval_ctx_t *c, const ast_node_t *e)
{
    const char *name = e->u.name.name;
    eval_suggest_t s;
    eval_suggest_init(&s, name);
    for (const eval_env_t *env = c->env;
         env && !c->env->unbound_expected; env = env->parent)
        for (size_t i = 0; i < env->len; i++)
            eval_suggest_consider(&s, env->items[i].name);
    diag_t *d = eval_error(c, &e->span, "undefined name '%s'", name);
    if (s.best)
        diag_hint(c->diags, d, "did you mean '%s'?", s.best);
    return MIG_EINVALID;
}

static mig_status_t eval_name(eval_ctx_t *c, const ast_node_t *e,
                              val_t **out)
{
    val_t *v = c->env ? eval_env_get(c->env, e->u.name.name) : NULL;
    if (!v)
        return eval_undefined(c, e);
    *out = val_ref(v);
    return MIG_OK;
}

/* Reports that MAP has no KEY at SPAN, with up to five of its keys. */
static mig_status_t eval_no_key(eval_ctx_t *c, const src_span_t *span,
                                const val_t *map, const char *key,
                                size_t len)
{
    strbuf_t b;
    strbuf_init(&b);
    val_snippet(&b, key, len, 40);
    diag_t *d = eval_error(c, span, "map has no key '%s'",
                           b.oom ? "?" : b.data ? b.data : "");
    strbuf_free(&b);
    size_t n = val_len(map);
    if (n == 0) {
        diag_hint(c->diags, d, "the map is empty");
        return MIG_EINVALID;
    }
    strbuf_init(&b);
    strbuf_puts(&b, n == 1 ? "its key is " : "its keys are ");
    for (size_t i = 0; i < n && i < 5; i++) {
        size_t kl;
        const char *k = val_get_str(val_map_key(map, i), &kl);
        strbuf_puts(&b, i ? ", '" : "'");
        val_snippet(&b, k, kl, 40);
        strbuf_putc(&b, '\'');
    }
    if (n > 5)
        strbuf_printf(&b, " and %zu more", n - 5);
    if (!b.oom)
        diag_hint(c->diags, d, "%s", b.data);
    strbuf_free(&b);
    return MIG_EINVALID;
}

static mig_status_t eval_field(eval_ctx_t *c, const ast_node_t *e,
                               val_t **out)
{
    const ast_ident_t *f = &e->u.field.field;
    val_t *obj;
    mig_status_t st = eval_node(c, e->u.field.object, &obj);
    if (st != MIG_OK)
        return st;
    if (val_type(obj) != VAL_MAP) {
        eval_error(c, &f->span, "cannot read field '%s' of %s", f->name,
                   eval_a_type(obj));
        val_unref(obj);
        return MIG_EINVALID;
    }
    val_t *v = val_map_get(obj, f->name, strlen(f->name));
    if (!v)
        st = eval_no_key(c, &f->span, obj, f->name, strlen(f->name));
    else
        *out = val_ref(v);
    val_unref(obj);
    return st;
}

/* Item IDX of LIST (a negative IDX counts from the end), or an error at
 * the index expression IX. */
static mig_status_t eval_list_item(eval_ctx_t *c, const ast_node_t *ix,
                                   const val_t *list, const val_t *idx,
                                   val_t **out)
{
    if (val_type(idx) != VAL_NUMBER) {
        eval_error(c, &ix->span, "a list index must be a number, found %s",
                   eval_a_type(idx));
        return MIG_EINVALID;
    }
    double d = val_get_number(idx);
    char num[VAL_NUM_TEXT];
    val_number_text(idx, num);
    if (d != floor(d)) {
        eval_error(c, &ix->span, "a list index must be a whole number, "
                   "found %s", num);
        return MIG_EINVALID;
    }
    size_t n = val_len(list);
    double at = d < 0 ? d + (double)n : d;
    if (at < 0 || at >= (double)n) {
        diag_t *dg = eval_error(c, &ix->span, "index %s is out of range for "
                                "a list of %zu item%s", num, n,
                                n == 1 ? "" : "s");
        if (n)
            diag_hint(c->diags, dg, "valid indexes are 0 to %zu, or -%zu "
                      "to -1 from the end", n - 1, n);
        else
            diag_hint(c->diags, dg, "the list is empty");
        return MIG_EINVALID;
    }
    *out = val_ref(val_list_get(list, (size_t)at));
    return MIG_OK;
}

static mig_status_t eval_index(eval_ctx_t *c, const ast_node_t *e,
                               val_t **out)
{
    const ast_node_t *ix = e->u.index.index;
    val_t *obj, *idx;
    mig_status_t st = eval_node(c, e->u.index.object, &obj);
    if (st != MIG_OK)
        return st;
    if ((st = eval_node(c, ix, &idx)) != MIG_OK) {
        val_unref(obj);
        return st;
    }
    if (val_type(obj) == VAL_LIST) {
        st = eval_list_item(c, ix, obj, idx, out);
    } else if (val_type(obj) == VAL_MAP) {
        size_t len;
        if (val_type(idx) == VAL_SECRET) {
            eval_secret_refused(c->diags, c->src, &ix->span,
                                "used as a map key");
            st = MIG_EINVALID;
        } else if (val_type(idx) != VAL_STRING) {
            eval_error(c, &ix->span, "a map key must be a string, found %s",
                       eval_a_type(idx));
            st = MIG_EINVALID;
        } else {
            const char *key = val_get_str(idx, &len);
            val_t *v = val_map_get(obj, key, len);
            if (v)
                *out = val_ref(v);
            else
                st = eval_no_key(c, &ix->span, obj, key, len);
        }
    } else {
        diag_t *d = eval_error(c, &e->u.index.object->span,
                               "cannot index %s", eval_a_type(obj));
        diag_hint(c->diags, d, "only lists (by number) and maps (by key) "
                  "can be indexed");
        st = MIG_EINVALID;
    }
    val_unref(obj);
    val_unref(idx);
    return st;
}

mig_status_t eval_unknown_function(eval_ctx_t *c, const ast_node_t *callee)
{
    const char *name = callee->u.name.name;
    size_t n;
    const eval_builtin_t *rows = eval_builtin_table(&n);
    eval_suggest_t s;
    eval_suggest_init(&s, name);
    for (size_t i = 0; i < n; i++)
        eval_suggest_consider(&s, rows[i].name);
    diag_t *d = eval_error(c, &callee->span, "unknown function '%s'", name);
    if (s.best)
        diag_hint(c->diags, d, "did you mean '%s'?", s.best);
    return MIG_EINVALID;
}

/* Reports a call of something that is not a builtin function. */
static mig_status_t eval_not_callable(eval_ctx_t *c, const ast_node_t *callee)
{
    if (callee->kind == AST_NAME) {
        const char *name = callee->u.name.name;
        val_t *v = c->env ? eval_env_get(c->env, name) : NULL;
        if (v) {
            eval_error(c, &callee->span, "'%s' is %s, not a function", name,
                       eval_a_type(v));
            return MIG_EINVALID;
        }
        return eval_unknown_function(c, callee);
    }
    strbuf_t b;
    strbuf_init(&b);
    if (ast_dotted_name(callee, &b) && !b.oom)
        eval_error(c, &callee->span, "'%s' is an action, not a function; "
                   "actions run only in steps", b.data);
    else
        eval_error(c, &callee->span, "only a function can be called here");
    strbuf_free(&b);
    return MIG_EINVALID;
}

mig_status_t eval_check_args(eval_ctx_t *c, const ast_node_t *e,
                                    const eval_builtin_t *b)
{
    const ast_args_t *args = &e->u.call.args;
    for (uint32_t i = 0; i < args->len; i++)
        if (args->items[i].name.name && args->items[i].name.name[0]) {
            eval_error(c, &args->items[i].name.span, "%s takes no named "
                       "arguments, given '%s'", b->name,
                       args->items[i].name.name);
            return MIG_EINVALID;
        }
    int n = (int)args->len;
    if (n >= b->min_args && (b->max_args == EVAL_VARIADIC || n <= b->max_args))
        return MIG_OK;
    diag_t *d;
    if (b->max_args == EVAL_VARIADIC)
        d = eval_error(c, &e->span, "%s takes at least %d argument%s, "
                       "given %d", b->name, b->min_args,
                       b->min_args == 1 ? "" : "s", n);
    else if (b->min_args == b->max_args)
        d = eval_error(c, &e->span, "%s takes %d argument%s, given %d",
                       b->name, b->min_args, b->min_args == 1 ? "" : "s", n);
    else
        d = eval_error(c, &e->span, "%s takes %d to %d arguments, given %d",
                       b->name, b->min_args, b->max_args, n);
    diag_hint(c->diags, d, "%s", b->signature);
    return MIG_EINVALID;
}

/* Evaluates the arguments of call E (in the order written) into a new
 * array *OUT of new references. */
static mig_status_t eval_args(eval_ctx_t *c, const ast_node_t *e,
                              val_t ***out)
{
    uint32_t n = e->u.call.args.len;
    val_t **args = calloc(n ? n : 1, sizeof(*args));
    if (!args)
        return eval_oom(c, &e->span);
    mig_status_t st = MIG_OK;
    for (uint32_t i = 0; i < n && st == MIG_OK; i++)
        st = eval_node(c, e->u.call.args.items[i].value, &args[i]);
    if (st != MIG_OK) {
        for (uint32_t i = 0; i < n; i++)
            val_unref(args[i]);
        free(args);
        return st;
    }
    *out = args;
    return MIG_OK;
}

/* A call of something that is not a builtin: an action, when the scope
 * has a handler for them and the callee is a dotted name. */
static mig_status_t eval_call_action(eval_ctx_t *c, const ast_node_t *e,
                                     val_t **out)
{
    const ast_node_t *callee = e->u.call.callee;
    const eval_env_t *h = eval_env_actions(c->env);
    strbuf_t name;
    strbuf_init(&name);
    if (!h || callee->kind != AST_FIELD || !ast_dotted_name(callee, &name)
        || name.oom) {
        strbuf_free(&name);
        return eval_not_callable(c, callee);
    }
    val_t **args;
    mig_status_t st = eval_args(c, e, &args);
    if (st == MIG_OK) {
        st = h->actions(h->actions_data, e, name.data, args, c->src,
                        c->diags, out);
        for (uint32_t i = 0; i < e->u.call.args.len; i++)
            val_unref(args[i]);
        free(args);
    }
    strbuf_free(&name);
    return st;
}

static mig_status_t eval_call(eval_ctx_t *c, const ast_node_t *e,
                              val_t **out)
{
    const ast_node_t *callee = e->u.call.callee;
    const eval_builtin_t *b = NULL;
    if (callee->kind == AST_NAME
        && !(c->env && eval_env_get(c->env, callee->u.name.name)))
        b = eval_builtin_find(callee->u.name.name);
    if (!b)
        return eval_call_action(c, e, out);
    mig_status_t st = eval_check_args(c, e, b);
    if (st != MIG_OK)
        return st;
    uint32_t n = e->u.call.args.len;
    val_t **args;
    st = eval_args(c, e, &args);
    if (st != MIG_OK)
        return st;
    eval_call_t call = { .ctx = c, .node = e, .name = b->name, .args = args,
                         .nargs = n };
    st = eval_secret_args(&call, b->secrets);
    if (st == MIG_OK)
        st = b->fn(&call, out);
    for (uint32_t i = 0; i < n; i++)
        val_unref(args[i]);
    free(args);
    return st == MIG_OK ? eval_bounded(c, &e->span, out) : st;
}

/* ---- operators ---------------------------------------------------------- */

static mig_status_t eval_unary(eval_ctx_t *c, const ast_node_t *e,
                               val_t **out)
{
    const ast_node_t *x = e->u.unary.operand;
    val_t *v, *r = NULL;
    mig_status_t st = eval_node(c, x, &v);
    if (st != MIG_OK)
        return st;
    val_type_t t = val_type(v);
    bool is_not = e->u.unary.op == AST_OP_NOT;
    if (is_not && t == VAL_BOOL)
        r = val_bool(!val_get_bool(v));
    else if (!is_not && t == VAL_NUMBER)
        r = val_is_int(v) ? val_int(-val_get_int(v))
                          : val_double(-val_get_number(v));
    else if (!is_not && t == VAL_DURATION)
        r = val_duration(-val_get_ms(v));
    else {
        if (is_not)
            eval_error(c, &x->span, "expected a bool, found %s",
                       eval_a_type(v));
        else
            eval_error(c, &x->span, "cannot negate %s", eval_a_type(v));
        st = MIG_EINVALID;
    }
    val_unref(v);
    return st == MIG_OK ? eval_made(c, e, r, out) : st;
}

/* An operator on two evaluated operands: L and R are borrowed. */
typedef mig_status_t (*eval_op_fn)(eval_ctx_t *c, const ast_node_t *e,
                                   val_t *l, val_t *r, val_t **out);

static mig_status_t eval_mismatch(eval_ctx_t *c, const ast_node_t *e,
                                  const val_t *l, const val_t *r)
{
    eval_error(c, &e->span, "cannot apply '%s' to %s and %s",
               ast_op_name(e->u.binary.op), eval_a_type(l), eval_a_type(r));
    return MIG_EINVALID;
}

static mig_status_t eval_div_zero(eval_ctx_t *c, const ast_node_t *e)
{
    eval_error(c, &e->u.binary.right->span, "%s by zero",
               e->u.binary.op == AST_OP_MOD ? "modulo" : "division");
    return MIG_EINVALID;
}

/* Number arithmetic: integers stay integers while the result is exact;
 * otherwise doubles, and a result that is not finite is an error. */
static mig_status_t eval_arith(eval_ctx_t *c, const ast_node_t *e,
                               const val_t *l, const val_t *r, val_t **out)
{
    ast_op_t op = e->u.binary.op;
    bool zero = val_get_number(r) == 0;
    if (zero && (op == AST_OP_DIV || op == AST_OP_MOD))
        return eval_div_zero(c, e);
    if (val_is_int(l) && val_is_int(r)) {
        int64_t a = val_get_int(l), b = val_get_int(r), p;
        if (op == AST_OP_ADD)
            return eval_made(c, e, val_int(a + b), out);
        if (op == AST_OP_SUB)
            return eval_made(c, e, val_int(a - b), out);
        if (op == AST_OP_MUL && !__builtin_mul_overflow(a, b, &p))
            return eval_made(c, e, val_int(p), out);
        if (op == AST_OP_DIV && a % b == 0)
            return eval_made(c, e, val_int(a / b), out);
        if (op == AST_OP_MOD)
            return eval_made(c, e, val_int(a % b), out);
    }
    double x = val_get_number(l), y = val_get_number(r), z;
    switch (op) {
    case AST_OP_ADD: z = x + y; break;
    case AST_OP_SUB: z = x - y; break;
    case AST_OP_MUL: z = x * y; break;
    case AST_OP_DIV: z = x / y; break;
    default:         z = fmod(x, y); break;
    }
    if (!isfinite(z)) {
        eval_error(c, &e->span, "number out of range: the result is too "
                   "large for a double");
        return MIG_EINVALID;
    }
    return eval_made(c, e, val_double(z), out);
}

/* A duration of MS milliseconds (a double, rounded to the nearest), or an
 * error when it is beyond 2^53 ms. */
static mig_status_t eval_dur_result(eval_ctx_t *c, const ast_node_t *e,
                                    double ms, val_t **out)
{
    if (!isfinite(ms) || fabs(ms) > (double)VAL_INT_LIMIT) {
        eval_error(c, &e->span, "duration out of range: more than 2^53 "
                   "milliseconds");
        return MIG_EINVALID;
    }
    return eval_made(c, e, val_duration(llround(ms)), out);
}

/* Duration arithmetic: D + D, D - D, D * N, N * D, D / N. */
static mig_status_t eval_dur_arith(eval_ctx_t *c, const ast_node_t *e,
                                   const val_t *l, const val_t *r,
                                   val_t **out)
{
    ast_op_t op = e->u.binary.op;
    val_type_t tl = val_type(l), tr = val_type(r);
    if (tl == VAL_DURATION && tr == VAL_DURATION && op == AST_OP_ADD)
        return eval_dur_result(c, e, (double)(val_get_ms(l) + val_get_ms(r)),
                               out);
    if (tl == VAL_DURATION && tr == VAL_DURATION && op == AST_OP_SUB)
        return eval_dur_result(c, e, (double)(val_get_ms(l) - val_get_ms(r)),
                               out);
    if (op == AST_OP_MUL && (tl == VAL_NUMBER || tr == VAL_NUMBER)) {
        const val_t *d = tl == VAL_DURATION ? l : r;
        const val_t *n = tl == VAL_DURATION ? r : l;
        int64_t p;
        if (val_is_int(n) && !__builtin_mul_overflow(val_get_ms(d),
                                                     val_get_int(n), &p))
            return eval_dur_result(c, e, (double)p, out);
        return eval_dur_result(c, e, (double)val_get_ms(d)
                               * val_get_number(n), out);
    }
    if (op == AST_OP_DIV && tl == VAL_DURATION && tr == VAL_NUMBER) {
        if (val_get_number(r) == 0)
            return eval_div_zero(c, e);
        if (val_is_int(r) && val_get_ms(l) % val_get_int(r) == 0)
            return eval_made(c, e, val_duration(val_get_ms(l)
                                                / val_get_int(r)), out);
        return eval_dur_result(c, e, (double)val_get_ms(l)
                               / val_get_number(r), out);
    }
    return eval_mismatch(c, e, l, r);
}

static mig_status_t eval_concat(eval_ctx_t *c, const ast_node_t *e,
                                const val_t *l, const val_t *r, val_t **out)
{
    /* The result is one string or list where there were two. */
    if (!eval_fits(c, &e->span, val_size(l) + val_size(r) - VAL_NODE_SIZE))
        return MIG_EINVALID;
    if (val_type(l) == VAL_STRING) {
        size_t la, lb;
        const char *a = val_get_str(l, &la), *b = val_get_str(r, &lb);
        char *buf = malloc(la + lb + 1);
        if (!buf)
            return eval_oom(c, &e->span);
        memcpy(buf, a, la);
        memcpy(buf + la, b, lb);
        val_t *s = val_string(buf, la + lb);
        free(buf);
        return eval_made(c, e, s, out);
    }
    val_t *list = val_list_new(val_len(l) + val_len(r));
    if (!list)
        return eval_oom(c, &e->span);
    for (int side = 0; side < 2; side++) {
        const val_t *from = side ? r : l;
        for (size_t i = 0; i < val_len(from); i++) {
            mig_status_t st = val_list_push(list, val_list_get(from, i));
            if (st != MIG_OK) {
                val_unref(list);
                return eval_push_failed(c, &e->span, st);
            }
        }
    }
    *out = list;
    return MIG_OK;
}

/* + - * / %: picks the rule by the operand types. */
static mig_status_t eval_op_arith(eval_ctx_t *c, const ast_node_t *e,
                                  val_t *l, val_t *r, val_t **out)
{
    val_type_t tl = val_type(l), tr = val_type(r);
    if (tl == VAL_NUMBER && tr == VAL_NUMBER)
        return eval_arith(c, e, l, r, out);
    if (tl == VAL_DURATION || tr == VAL_DURATION)
        return eval_dur_arith(c, e, l, r, out);
    if (e->u.binary.op == AST_OP_ADD && tl == tr
        && (tl == VAL_STRING || tl == VAL_LIST))
        return eval_concat(c, e, l, r, out);
    return eval_mismatch(c, e, l, r);
}

static mig_status_t eval_op_equal(eval_ctx_t *c, const ast_node_t *e,
                                  val_t *l, val_t *r, val_t **out)
{
    bool eq = val_equal(l, r);
    *out = val_bool(e->u.binary.op == AST_OP_EQ ? eq : !eq);
    return MIG_OK;
}

static mig_status_t eval_op_order(eval_ctx_t *c, const ast_node_t *e,
                                  val_t *l, val_t *r, val_t **out)
{
    val_type_t t = val_type(l);
    ast_op_t op = e->u.binary.op;
    if (t != val_type(r)
        || (t != VAL_NUMBER && t != VAL_STRING && t != VAL_DURATION)) {
        diag_t *d = eval_error(c, &e->span, "cannot compare %s with %s",
                               eval_a_type(l), eval_a_type(r));
        diag_hint(c->diags, d, "'%s' compares two numbers, two durations "
                  "or two strings", ast_op_name(op));
        return MIG_EINVALID;
    }
    int k = val_compare(l, r);
    bool res = op == AST_OP_LT ? k < 0 : op == AST_OP_LE ? k <= 0
             : op == AST_OP_GT ? k > 0 : k >= 0;
    *out = val_bool(res);
    return MIG_OK;
}

static const eval_op_fn eval_ops[] = {
    [AST_OP_EQ] = eval_op_equal, [AST_OP_NE] = eval_op_equal,
    [AST_OP_LT] = eval_op_order, [AST_OP_LE] = eval_op_order,
    [AST_OP_GT] = eval_op_order, [AST_OP_GE] = eval_op_order,
    [AST_OP_ADD] = eval_op_arith, [AST_OP_SUB] = eval_op_arith,
    [AST_OP_MUL] = eval_op_arith, [AST_OP_DIV] = eval_op_arith,
    [AST_OP_MOD] = eval_op_arith,
};

/* Evaluates operand X of 'and'/'or' E, which must give a bool. */
static mig_status_t eval_logic_operand(eval_ctx_t *c, const ast_node_t *e,
                                       const ast_node_t *x, bool *out)
{
    val_t *v;
    mig_status_t st = eval_node(c, x, &v);
    if (st != MIG_OK)
        return st;
    if (val_type(v) != VAL_BOOL) {
        diag_t *d = eval_error(c, &x->span, "expected a bool, found %s",
                               eval_a_type(v));
        diag_hint(c->diags, d, "'%s' takes booleans; there is no "
                  "truthiness: compare explicitly, such as 'x != null'",
                  ast_op_name(e->u.binary.op));
        val_unref(v);
        return MIG_EINVALID;
    }
    *out = val_get_bool(v);
    val_unref(v);
    return MIG_OK;
}

/* 'and' and 'or': the right side is evaluated only when it decides. */
static mig_status_t eval_logic(eval_ctx_t *c, const ast_node_t *e,
                               val_t **out)
{
    bool is_and = e->u.binary.op == AST_OP_AND, b;
    mig_status_t st = eval_logic_operand(c, e, e->u.binary.left, &b);
    if (st == MIG_OK && b == is_and)
        st = eval_logic_operand(c, e, e->u.binary.right, &b);
    if (st == MIG_OK)
        *out = val_bool(b);
    return st;
}

static mig_status_t eval_binary(eval_ctx_t *c, const ast_node_t *e,
                                val_t **out)
{
    ast_op_t op = e->u.binary.op;
    if (op == AST_OP_AND || op == AST_OP_OR)
        return eval_logic(c, e, out);
    assert(op < sizeof(eval_ops) / sizeof(eval_ops[0]) && eval_ops[op]);
    val_t *l, *r;
    mig_status_t st = eval_node(c, e->u.binary.left, &l);
    if (st != MIG_OK)
        return st;
    if ((st = eval_node(c, e->u.binary.right, &r)) != MIG_OK) {
        val_unref(l);
        return st;
    }
    bool secret;
    st = eval_secret_binary(c, e, l, r, out, &secret);
    if (!secret)
        st = eval_ops[op](c, e, l, r, out);
    val_unref(l);
    val_unref(r);
    return st;
}

/* ---- dispatch ----------------------------------------------------------- */

static const eval_kind_fn eval_kinds[AST_KIND_COUNT] = {
    [AST_NULL] = eval_null,         [AST_BOOL] = eval_bool,
    [AST_NUMBER] = eval_number,     [AST_DURATION] = eval_duration,
    [AST_STRING] = eval_string,     [AST_LIST] = eval_list,
    [AST_MAP] = eval_map,           [AST_NAME] = eval_name,
    [AST_FIELD] = eval_field,       [AST_INDEX] = eval_index,
    [AST_CALL] = eval_call,         [AST_UNARY] = eval_unary,
    [AST_BINARY] = eval_binary,
};

static mig_status_t eval_node(eval_ctx_t *c, const ast_node_t *e,
                              val_t **out)
{
    eval_kind_fn fn = (unsigned)e->kind < AST_KIND_COUNT ? eval_kinds[e->kind]
                                                         : NULL;
    if (!fn) {
        eval_error(c, &e->span, "a %s is not an expression",
                   ast_kind_name(e->kind));
        return MIG_EINVALID;
    }
    mig_status_t st = fn(c, e, out);
    /* What the expression itself builds is bounded; a name, a field or an
     * index gives a value that exists already, and a call checks what a
     * builtin builds (not what an action returns). */
    bool builds = e->kind == AST_LIST || e->kind == AST_MAP
               || e->kind == AST_STRING || e->kind == AST_BINARY;
    return st == MIG_OK && builds ? eval_bounded(c, &e->span, out) : st;
}

mig_status_t eval_expr(const ast_node_t *e, eval_env_t *env, src_t *src,
                       diag_list_t *diags, val_t **out)
{
    eval_ctx_t c = { .env = env, .src = src, .diags = diags };
    val_t *v = NULL;
    mig_status_t st = eval_node(&c, e, &v);
    if (st == MIG_OK)
        *out = v;
    return st;
}
