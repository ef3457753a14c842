/* params_cli.c: a parameter's value from the command line (params.c has
 * the rest of params_resolve): --param NAME=VALUE read as the type of the
 * parameter's default (JSON, a plan literal, or the text itself for a
 * string), and each way it can be wrong said with a hint. */
#include <stdlib.h>
#include <string.h>

#include "params_int.h"

/* ---- reading VALUE of --param NAME=VALUE -------------------------------- */

/* Reads TEXT as a JSON document into *OUT (NULL when it is not one). A
 * warning of the reader (an integer beyond 2^53) is passed on to DIAGS
 * without a file, after "--param 'NAME': ". MIG_OK or MIG_ENOMEM. */
static mig_status_t read_json(const char *name, const char *text,
                              diag_list_t *diags, val_t **out)
{
    *out = NULL;
    src_t *src = src_from_memory("--param", text, strlen(text));
    if (!src)
        return MIG_ENOMEM;
    diag_list_t scratch;
    diag_list_init(&scratch);
    mig_status_t st = val_from_json(src, &scratch, out);
    for (size_t i = 0; st == MIG_OK && i < scratch.len; i++)
        if (scratch.items[i].severity == DIAG_WARNING)
            diag_add(diags, DIAG_WARNING, NULL, NULL, "--param '%s': %s",
                     name, scratch.items[i].message);
    if (st != MIG_ENOMEM && scratch.out_of_memory) {
        val_unref(*out);
        *out = NULL;
        st = MIG_ENOMEM;
    }
    diag_list_free(&scratch);
    src_free(src);
    return st == MIG_ENOMEM ? MIG_ENOMEM : MIG_OK;
}

/* Whether E is a literal: null, a bool, a number or a duration (possibly
 * negated), a string without ${...}, or a list or map of literals. */
static bool is_literal(const ast_node_t *e)
{
    switch (e->kind) {
    case AST_NULL: case AST_BOOL: case AST_NUMBER: case AST_DURATION:
        return true;
    case AST_UNARY:
        return e->u.unary.op == AST_OP_NEG
               && (e->u.unary.operand->kind == AST_NUMBER
                   || e->u.unary.operand->kind == AST_DURATION);
    case AST_STRING:
        for (uint32_t i = 0; i < e->u.string.n_parts; i++)
            if (e->u.string.parts[i].expr)
                return false;
        return true;
    case AST_LIST:
        for (uint32_t i = 0; i < e->u.list.len; i++)
            if (!is_literal(e->u.list.items[i]))
                return false;
        return true;
    case AST_MAP:
        for (uint32_t i = 0; i < e->u.map.len; i++)
            if (!is_literal(e->u.map.items[i].value))
                return false;
        return true;
    default:
        return false;
    }
}

/* Whether the bytes [FROM, TO) of S are all blanks. */
static bool blank(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (!strchr(" \t\r\n", s[i]))
            return false;
    return true;
}

/* The value of the plan PLAN made by params_read_literal, when its one item is
 * `param v = LITERAL` and the literal spans the whole text [FROM, TO). */
static const ast_node_t *only_literal(const ast_plan_t *plan, const src_t *src,
                                      size_t from, size_t to)
{
    if (plan->items.len != 1 || plan->items.items[0]->kind != AST_PARAM)
        return NULL;
    const ast_node_t *v = plan->items.items[0]->u.binding.value;
    if (!is_literal(v) || v->span.begin < from || v->span.end > to
        || !blank(src->text, from, v->span.begin)
        || !blank(src->text, v->span.end, to))
        return NULL;
    return v;
}

/* interpreter.h: it is not evaluated unless it is a literal. */
mig_status_t params_read_literal(const char *text, val_t **out)
{
    static const char head[] = "migration \"--param\" {\nparam v = ";
    *out = NULL;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "%s%s\n}\n", head, text);
    src_t *src = b.oom ? NULL : src_from_memory("--param", b.data, b.len);
    strbuf_free(&b);
    arena_t *a = src ? arena_new() : NULL;
    diag_list_t scratch;
    diag_list_init(&scratch);
    ast_plan_t *plan = NULL;
    mig_status_t st = a ? grammar_parse(src, a, &scratch, &plan) : MIG_ENOMEM;
    const ast_node_t *v = st == MIG_OK
        ? only_literal(plan, src, sizeof(head) - 1,
                       sizeof(head) - 1 + strlen(text))
        : NULL;
    if (v)
        st = eval_expr(v, NULL, src, &scratch, out);
    if (scratch.out_of_memory && st != MIG_ENOMEM) {
        val_unref(*out);
        *out = NULL;
        st = MIG_ENOMEM;
    }
    diag_list_free(&scratch);
    arena_free(a);
    src_free(src);
    return st == MIG_ENOMEM ? MIG_ENOMEM : MIG_OK;
}

/* Reads TEXT for a parameter whose default is DEF into *OUT: a string
 * default takes TEXT as it is; others take JSON or a plan literal; a null
 * default takes TEXT as a string when it is neither. *OUT is NULL when
 * TEXT does not fit (the type is checked by the caller). */
mig_status_t params_read_value(const char *name, const val_t *def,
                               const char *text, diag_list_t *diags,
                               val_t **out)
{
    *out = NULL;
    bool utf8 = val_utf8_valid(text, strlen(text));
    if (val_type(def) == VAL_STRING) {
        if (utf8 && !(*out = val_cstring(text)))
            return MIG_ENOMEM;
        return MIG_OK;
    }
    mig_status_t st = read_json(name, text, diags, out);
    if (st == MIG_OK && !*out)
        st = params_read_literal(text, out);
    if (st == MIG_OK && !*out && val_type(def) == VAL_NULL && utf8
        && !(*out = val_cstring(text)))
        return MIG_ENOMEM;
    return st;
}

/* ---- --param NAME=VALUE ------------------------------------------------- */

/* Puts at most PARAMS_SNIPPET characters of S, escaped, in B (initialized
 * here) and returns them, or NULL when memory ran out. */
static const char *snippet(strbuf_t *b, const char *s)
{
    strbuf_init(b);
    val_snippet(b, s, strlen(s), PARAMS_SNIPPET);
    return b->oom ? NULL : b->data ? b->data : "";
}

static void no_equals(const params_t *p, const char *arg, diag_list_t *diags)
{
    strbuf_t b;
    const char *shown = snippet(&b, arg);
    diag_t *d = !shown ? NULL : diag_add(diags, DIAG_ERROR, NULL, NULL,
                                         "--param '%s': expected NAME=VALUE",
                                         shown);
    if (params_find(p, arg, strlen(arg)))
        diag_hint(diags, d, "give it a value: --param %s=VALUE", arg);
    else
        diag_hint(diags, d, "for example: --param %s=VALUE",
                  p->len ? p->items[0].name : "NAME");
    diags->out_of_memory |= !shown;
    strbuf_free(&b);
}

static void no_such_param(const params_t *p, const char *name,
                          diag_list_t *diags)
{
    eval_suggest_t s;
    eval_suggest_init(&s, name);
    names_t l = { .n = 0 };
    strbuf_init(&l.b);
    for (size_t i = 0; i < p->len; i++) {
        eval_suggest_consider(&s, p->items[i].name);
        params_names_add(&l, p->items[i].name);
    }
    strbuf_t b;
    const char *shown = snippet(&b, name);
    diag_t *d = !shown ? NULL : diag_add(diags, DIAG_ERROR, NULL, NULL,
                                         "--param '%s': the plan has no "
                                         "parameter '%s'", shown, shown);
    params_names_hint(diags, d, &s, &l, "its parameters are",
                      "the plan has no parameters");
    diags->out_of_memory |= !shown;
    strbuf_free(&b);
}

/* The hint of a value that does not fit a default of type T. */
static void type_hint(diag_list_t *diags, diag_t *d, const char *name,
                      val_type_t t, bool utf8)
{
    if (!utf8)
        diag_hint(diags, d, "the value is not valid UTF-8");
    else if (t == VAL_BOOL)
        diag_hint(diags, d, "a bool is true or false");
    else if (t == VAL_DURATION)
        diag_hint(diags, d, "a duration has a unit: 500ms, 30s, 1m30s, 2h");
    else if (t == VAL_LIST)
        diag_hint(diags, d, "write it as JSON or as in a plan, quoted for "
                  "the shell: --param '%s=[\"a\", \"b\"]'", name);
    else if (t == VAL_MAP)
        diag_hint(diags, d, "write it as JSON or as in a plan, quoted for "
                  "the shell: --param '%s={\"key\": 1}'", name);
    else if (t == VAL_SECRET)
        diag_hint(diags, d, "a secret is never given on the command line, "
                  "where it would be seen: set what its default reads (the "
                  "variable of secret_env)");
}

/* "--param 'n': expected a number (the default is 4), found 'abc'". */
static mig_status_t wrong_type(const param_t *target, const char *text,
                               diag_list_t *diags)
{
    strbuf_t def, def_short, found;
    strbuf_init(&def);
    strbuf_init(&def_short);
    strbuf_init(&found);
    val_format(target->def, &def);
    if (!def.oom)
        val_snippet(&def_short, def.data, def.len, PARAMS_SNIPPET);
    val_type_t t = val_type(target->def);
    /* What was given for a secret is not repeated: it may be one. */
    const char *shown = t == VAL_SECRET ? SECRET_MASK : snippet(&found, text);
    bool oom = def.oom || def_short.oom || !shown;
    diag_t *d = oom ? NULL : diag_add(diags, DIAG_ERROR, NULL, NULL,
        "--param '%s': expected %s (the default is %s), found '%s'",
        target->name, t == VAL_NULL ? "a string" : eval_a_type(target->def),
        def_short.data, shown);
    type_hint(diags, d, target->name, t, val_utf8_valid(text, strlen(text)));
    strbuf_free(&def);
    strbuf_free(&def_short);
    strbuf_free(&found);
    return oom ? MIG_ENOMEM : MIG_EINVALID;
}

/* Applies one "NAME=VALUE" from the command line. */
mig_status_t params_apply_override(params_t *p, const char *arg,
                                   diag_list_t *diags)
{
    const char *eq = strchr(arg, '=');
    if (!eq) {
        no_equals(p, arg, diags);
        return MIG_EINVALID;
    }
    param_t *target = params_find(p, arg, (size_t)(eq - arg));
    if (!target) {
        char *name = strndup(arg, (size_t)(eq - arg));
        if (!name)
            return MIG_ENOMEM;
        no_such_param(p, name, diags);
        free(name);
        return MIG_EINVALID;
    }
    val_t *v = NULL;
    mig_status_t st = params_read_value(target->name, target->def, eq + 1, diags,
                                        &v);
    if (st != MIG_OK)
        return st;
    if (!v || !params_same_type(target->def, v)) {
        val_unref(v);
        return wrong_type(target, eq + 1, diags);
    }
    val_unref(target->value);
    target->value = v;
    target->origin = PARAM_FROM_CLI;
    target->unresolved = false;
    return params_set_where(target, NULL, 0, "--param");
}
