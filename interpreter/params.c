/* params.c: the values a run's parameters take (interpreter.h,
 * params_resolve): each default from the plan, replaced by the chosen
 * profile's assignment, replaced by a --param from the command line read
 * as the type of the default. `mig plan` resolves them before its dry run. */
#include <stdlib.h>
#include <string.h>

#include "eval_int.h"
#include "config_int.h"

typedef struct param {
    char *name;                 /* a copy: P may outlive the AST */
    val_t *value;
    val_t *def;                 /* the default, which types the value */
    param_origin_t origin;
    char *where;                /* params_where */
    bool unresolved;            /* a reference of mig.yaml, masked */
    /* When unresolved: the reference as written, the configuration it is
     * in (borrowed: it outlives P's use for a run) and its place. */
    val_t *ref;
    const config_t *cfg;
    src_span_t ref_at;
} param_t;

struct params {
    param_t *items;
    size_t len, cap;
    char *profile;
};

/* At most this many names in a hint that lists them ("... and 3 more"). */
#define PARAMS_HINT_NAMES 5
/* At most this many characters of a value or a text in a message. */
#define PARAMS_SNIPPET 60

static const char *const origin_names[] = {
#define PARAM_ORIGIN_NAME(e, s) s,
    PARAM_ORIGINS(PARAM_ORIGIN_NAME)
#undef PARAM_ORIGIN_NAME
};

/* How `mig plan --show-params` names origin O: "default", "profile",
 * "--param". */
const char *param_origin_name(param_origin_t o) { return origin_names[o]; }

size_t params_count(const params_t *p) { return p->len; }
const char *params_name(const params_t *p, size_t i)
{
    return p->items[i].name;
}
val_t *params_value(const params_t *p, size_t i) { return p->items[i].value; }
const char *params_profile(const params_t *p) { return p->profile; }

param_origin_t params_origin(const params_t *p, size_t i)
{
    return p->items[i].origin;
}

const char *params_where(const params_t *p, size_t i)
{
    return p->items[i].where;
}

bool params_unresolved(const params_t *p, size_t i)
{
    return p->items[i].unresolved;
}

mig_status_t params_resolve_refs(params_t *p, diag_list_t *diags)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; i < p->len && st != MIG_ENOMEM; i++) {
        param_t *t = &p->items[i];
        val_t *v = NULL;
        if (!t->unresolved)
            continue;
        mig_status_t e = config_resolve_refs(t->name, t->ref, t->cfg->dir,
                                             config_src(t->cfg), &t->ref_at,
                                             diags, &v);
        if (e == MIG_OK) {
            val_unref(t->value);
            t->value = v;
            t->unresolved = false;
        }
        st = e != MIG_OK ? e : st;
    }
    return st;
}

/* Sets where T's value comes from: "FILE:LINE" (FILE NULL: TEXT alone).
 * MIG_OK or MIG_ENOMEM. */
static mig_status_t set_where(param_t *t, const char *file, uint32_t line,
                              const char *text)
{
    strbuf_t b;
    strbuf_init(&b);
    if (file)
        strbuf_printf(&b, "%s:%u", file, line);
    else
        strbuf_puts(&b, text);
    if (b.oom)
        return MIG_ENOMEM;
    free(t->where);
    t->where = b.data;
    return MIG_OK;
}

/* Frees P and the references it holds; P may be NULL. */
void params_free(params_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->len; i++) {
        free(p->items[i].name);
        val_unref(p->items[i].value);
        val_unref(p->items[i].ref);
        val_unref(p->items[i].def);
        free(p->items[i].where);
    }
    free(p->items);
    free(p->profile);
    free(p);
}

val_t *params_to_value(const params_t *p)
{
    val_t *list = val_list_new(p->len);
    for (size_t i = 0; list && i < p->len; i++) {
        val_t *one = val_map_new(3);
        val_t *name = val_cstring(p->items[i].name);
        val_t *from = val_cstring(param_origin_name(p->items[i].origin));
        bool ok = one && name && from
            && val_map_set(one, "name", 4, name) == MIG_OK
            && val_map_set(one, "value", 5, p->items[i].value) == MIG_OK
            && val_map_set(one, "from", 4, from) == MIG_OK
            && val_list_push(list, one) == MIG_OK;
        val_unref(one);
        val_unref(name);
        val_unref(from);
        if (!ok) {
            val_unref(list);
            list = NULL;
        }
    }
    return list;
}

val_t *params_to_map(const params_t *p)
{
    val_t *map = val_map_new(p->len);
    for (size_t i = 0; map && i < p->len; i++) {
        const char *name = p->items[i].name;
        if (val_map_set(map, name, strlen(name), p->items[i].value)
            != MIG_OK) {
            val_unref(map);
            map = NULL;
        }
    }
    return map;
}

mig_status_t params_bind(const params_t *p, eval_env_t *env)
{
    for (size_t i = 0; i < p->len; i++)
        if (eval_env_set(env, p->items[i].name, p->items[i].value) != MIG_OK)
            return MIG_ENOMEM;
    return MIG_OK;
}

static param_t *find(const params_t *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->len; i++)
        if (strlen(p->items[i].name) == len
            && memcmp(p->items[i].name, name, len) == 0)
            return &p->items[i];
    return NULL;
}

/* ---- hints that list names ---------------------------------------------- */

/* "'a', 'b', 'c'" or "'a', ..., 'e' and 3 more", built one name at a time. */
typedef struct names {
    strbuf_t b;
    size_t n;
} names_t;

static void names_add(names_t *l, const char *name)
{
    if (l->n++ < PARAMS_HINT_NAMES)
        strbuf_printf(&l->b, "%s'%s'", l->n > 1 ? ", " : "", name);
}

/* Sets D's hint to "did you mean 'x'?" when S found a close name, else to
 * "LEAD 'a', 'b'" with the names of L, or to NONE when L is empty. */
static void names_hint(diag_list_t *diags, diag_t *d, const eval_suggest_t *s,
                       names_t *l, const char *lead, const char *none)
{
    if (l->b.oom)
        diags->out_of_memory = true;
    else if (s->best)
        diag_hint(diags, d, "did you mean '%s'?", s->best);
    else if (!l->n)
        diag_hint(diags, d, "%s", none);
    else if (l->n > PARAMS_HINT_NAMES)
        diag_hint(diags, d, "%s %s and %zu more", lead, l->b.data,
                  l->n - PARAMS_HINT_NAMES);
    else
        diag_hint(diags, d, "%s %s", lead, l->b.data);
    strbuf_free(&l->b);
}

/* ---- defaults ----------------------------------------------------------- */

/* Evaluates the defaults in file order, each in a scope holding the ones
 * before it; a second param of a name is left to the checker. Stops at
 * the first default that fails (later ones would fail for it too). */
static mig_status_t defaults(params_t *p, const ast_plan_t *plan, src_t *src,
                             diag_list_t *diags)
{
    eval_env_t *env = eval_env_new(NULL);
    if (!env)
        return MIG_ENOMEM;
    mig_status_t st = MIG_OK;
    for (uint32_t i = 0; i < plan->items.len && st == MIG_OK; i++) {
        const ast_node_t *n = plan->items.items[i];
        const char *name = n->u.binding.name.name;
        if (n->kind != AST_PARAM || find(p, name, strlen(name)))
            continue;
        val_t *v = NULL;
        st = eval_expr(n->u.binding.value, env, src, diags, &v);
        if (st != MIG_OK)
            break;
        char *copy = strdup(name);
        if (!copy || !val_grow((void **)&p->items, &p->cap, p->len,
                               sizeof(*p->items))
            || eval_env_set(env, name, v) != MIG_OK) {
            free(copy);
            val_unref(v);
            st = MIG_ENOMEM;
            break;
        }
        p->items[p->len++] = (param_t){ .name = copy, .value = v,
                                        .def = val_ref(v),
                                        .origin = PARAM_FROM_DEFAULT };
        st = set_where(&p->items[p->len - 1], src->name, n->span.line, NULL);
    }
    eval_env_free(env);
    return st;
}

/* ---- the profile -------------------------------------------------------- */

static const ast_node_t *find_profile(const ast_plan_t *plan, const char *name)
{
    for (uint32_t i = 0; i < plan->items.len; i++) {
        const ast_node_t *n = plan->items.items[i];
        if (n->kind == AST_PROFILE
            && strcmp(n->u.profile.name.name, name) == 0)
            return n;
    }
    return NULL;
}

static void unknown_profile(const ast_plan_t *plan, const config_t *cfg,
                            const char *name, diag_list_t *diags)
{
    eval_suggest_t s;
    eval_suggest_init(&s, name);
    names_t l = { .n = 0 };
    strbuf_init(&l.b);
    size_t n_cfg = cfg ? config_profile_count(cfg) : 0;
    for (size_t i = 0; i < n_cfg; i++) {
        eval_suggest_consider(&s, config_profile_name(cfg, i));
        names_add(&l, config_profile_name(cfg, i));
    }
    for (uint32_t i = 0; i < plan->items.len; i++) {
        const ast_node_t *x = plan->items.items[i];
        if (x->kind != AST_PROFILE
            || (cfg && config_has_profile(cfg, x->u.profile.name.name)))
            continue;
        eval_suggest_consider(&s, x->u.profile.name.name);
        names_add(&l, x->u.profile.name.name);
    }
    diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL,
                         "unknown profile '%s'", name);
    names_hint(diags, d, &s, &l, n_cfg ? "the profiles of mig.yaml and the "
               "plan are" : "the plan's profiles are", n_cfg ? "" :
               "the plan has no profiles");
}

/* Whether V may replace DEF: a null default takes any value; otherwise the
 * types must be the same (an integer and a double are both numbers). */
static bool same_type(const val_t *def, const val_t *v)
{
    return val_type(def) == VAL_NULL || val_type(def) == val_type(v);
}

static void not_a_param(const params_t *p, const ast_node_t *prof,
                        const ast_node_t *a, src_t *src, diag_list_t *diags)
{
    const char *name = a->u.binding.name.name;
    eval_suggest_t s;
    eval_suggest_init(&s, name);
    for (size_t i = 0; i < p->len; i++)
        eval_suggest_consider(&s, p->items[i].name);
    diag_t *d = diag_add(diags, DIAG_ERROR, src, &a->u.binding.name.span,
                         "profile '%s' sets '%s', which is not a parameter",
                         prof->u.profile.name.name, name);
    if (s.best)
        diag_hint(diags, d, "did you mean '%s'?", s.best);
}

/* Applies assignment A of profile PROF, its value evaluated in ENV (the
 * defaults). Returns MIG_EINVALID after reporting a wrong name or type. */
static mig_status_t assign(params_t *p, const ast_node_t *prof,
                           const ast_node_t *a, eval_env_t *env, src_t *src,
                           diag_list_t *diags)
{
    const char *name = a->u.binding.name.name;
    param_t *target = find(p, name, strlen(name));
    val_t *v = NULL;
    mig_status_t st = eval_expr(a->u.binding.value, env, src, diags, &v);
    if (st != MIG_OK)
        return st;
    if (!target) {
        not_a_param(p, prof, a, src, diags);
        st = MIG_EINVALID;
    } else if (!same_type(target->def, v)) {
        diag_add(diags, DIAG_ERROR, src, &a->u.binding.value->span,
                 "profile '%s' sets '%s' to %s, but its default is %s",
                 prof->u.profile.name.name, name, eval_a_type(v),
                 eval_a_type(target->def));
        st = MIG_EINVALID;
    } else {
        val_unref(target->value);
        target->value = val_ref(v);
        target->origin = PARAM_FROM_PROFILE;
        target->unresolved = false;
        st = set_where(target, src->name, a->span.line, NULL);
    }
    val_unref(v);
    return st;
}

/* Every assignment is evaluated against the defaults, not against what
 * the assignments before it set; each error is reported. */
static mig_status_t apply_profile(params_t *p, const ast_node_t *prof,
                                  src_t *src, diag_list_t *diags)
{
    eval_env_t *env = eval_env_new(NULL);
    if (!env || params_bind(p, env) != MIG_OK) {
        eval_env_free(env);
        return MIG_ENOMEM;
    }
    mig_status_t st = MIG_OK;
    const ast_list_t *as = &prof->u.profile.assigns;
    for (uint32_t i = 0; i < as->len && st != MIG_ENOMEM; i++) {
        mig_status_t e = assign(p, prof, as->items[i], env, src, diags);
        if (e != MIG_OK)
            st = e;
    }
    eval_env_free(env);
    return st;
}

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
static mig_status_t read_value(const char *name, const val_t *def,
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
    if (find(p, arg, strlen(arg)))
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
        names_add(&l, p->items[i].name);
    }
    strbuf_t b;
    const char *shown = snippet(&b, name);
    diag_t *d = !shown ? NULL : diag_add(diags, DIAG_ERROR, NULL, NULL,
                                         "--param '%s': the plan has no "
                                         "parameter '%s'", shown, shown);
    names_hint(diags, d, &s, &l, "its parameters are",
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
static mig_status_t apply_override(params_t *p, const char *arg,
                                   diag_list_t *diags)
{
    const char *eq = strchr(arg, '=');
    if (!eq) {
        no_equals(p, arg, diags);
        return MIG_EINVALID;
    }
    param_t *target = find(p, arg, (size_t)(eq - arg));
    if (!target) {
        char *name = strndup(arg, (size_t)(eq - arg));
        if (!name)
            return MIG_ENOMEM;
        no_such_param(p, name, diags);
        free(name);
        return MIG_EINVALID;
    }
    val_t *v = NULL;
    mig_status_t st = read_value(target->name, target->def, eq + 1, diags,
                                 &v);
    if (st != MIG_OK)
        return st;
    if (!v || !same_type(target->def, v)) {
        val_unref(v);
        return wrong_type(target, eq + 1, diags);
    }
    val_unref(target->value);
    target->value = v;
    target->origin = PARAM_FROM_CLI;
    target->unresolved = false;
    return set_where(target, NULL, 0, "--param");
}

/* ---- all together ------------------------------------------------------- */

/* ---- the layers of mig.yaml --------------------------------------------- */

/* Applies parameter X of CFG, which sets a parameter of the plan or is an
 * error at its place in CFG's file. */
static mig_status_t apply_config_param(params_t *p, const config_t *cfg,
                                       const config_param_t *x,
                                       diag_list_t *diags)
{
    src_t *src = config_src(cfg);
    param_t *target = find(p, x->name, strlen(x->name));
    if (!target) {
        eval_suggest_t s;
        eval_suggest_init(&s, x->name);
        for (size_t i = 0; i < p->len; i++)
            eval_suggest_consider(&s, p->items[i].name);
        diag_t *d = diag_add(diags, DIAG_ERROR, src, &x->key, "%s sets '%s', "
                             "which is not a parameter of the plan",
                             CONFIG_FILE_NAME, x->name);
        if (s.best)
            diag_hint(diags, d, "did you mean '%s'?", s.best);
        return MIG_EINVALID;
    }
    bool ref = config_is_ref(x->value);
    val_t *v = ref ? config_ref_text(x->value) : val_ref(x->value);
    if (!v)
        return MIG_ENOMEM;
    /* YAML has no durations: "30s" is read as a default's type is. */
    if (!ref && val_type(v) == VAL_STRING && val_type(target->def) != VAL_STRING) {
        val_t *read = NULL;
        mig_status_t st = read_value(target->name, target->def,
                                     val_get_str(v, NULL), diags, &read);
        if (st != MIG_OK) {
            val_unref(v);
            return st;
        }
        if (read) {
            val_unref(v);
            v = read;
        }
    }
    if (!ref && !same_type(target->def, v)) {
        diag_add(diags, DIAG_ERROR, src, &x->at, "%s sets '%s' to %s, but its "
                 "default is %s", CONFIG_FILE_NAME, x->name, eval_a_type(v),
                 eval_a_type(target->def));
        val_unref(v);
        return MIG_EINVALID;
    }
    val_unref(target->value);
    target->value = v;
    target->origin = PARAM_FROM_CONFIG;
    target->unresolved = ref;
    val_unref(target->ref);
    target->ref = ref ? val_ref(x->value) : NULL;
    target->cfg = cfg;
    target->ref_at = x->at;
    return set_where(target, config_path(cfg), x->key.line, NULL);
}

/* Applies the params of CFG's defaults (PROFILE NULL) or of its profile
 * PROFILE; every error is reported. */
static mig_status_t apply_config(params_t *p, const config_t *cfg,
                                 const char *profile, diag_list_t *diags)
{
    const config_param_t *xs;
    size_t n = config_params(cfg, profile, &xs);
    mig_status_t st = MIG_OK;
    for (size_t i = 0; i < n && st != MIG_ENOMEM; i++) {
        mig_status_t e = apply_config_param(p, cfg, &xs[i], diags);
        if (e != MIG_OK)
            st = e;
    }
    return st;
}

/* Selects and applies PROFILE: CFG's, then the plan's; one that neither
 * has is reported. */
static mig_status_t use_profile(params_t *p, const ast_plan_t *plan,
                                src_t *src, const config_t *cfg,
                                const char *profile, diag_list_t *diags)
{
    const ast_node_t *prof = find_profile(plan, profile);
    bool in_cfg = cfg && config_has_profile(cfg, profile);
    if (!prof && !in_cfg) {
        unknown_profile(plan, cfg, profile, diags);
        return MIG_EINVALID;
    }
    if (!(p->profile = strdup(profile)))
        return MIG_ENOMEM;
    mig_status_t st = in_cfg ? apply_config(p, cfg, profile, diags) : MIG_OK;
    if (prof && st != MIG_ENOMEM) {
        mig_status_t e = apply_profile(p, prof, src, diags);
        st = e != MIG_OK ? e : st;
    }
    return st;
}

mig_status_t params_check_config(const ast_plan_t *plan, src_t *src,
                                 const config_t *cfg, diag_list_t *diags)
{
    params_t *p = calloc(1, sizeof(*p));
    if (!p)
        return MIG_ENOMEM;
    diag_list_t scratch;
    diag_list_init(&scratch);
    /* A default that fails is the checker's to report; one that needs
     * what a check does not read (secret_env's variable) fails here too.
     * Either way the defaults stop there, so mig.yaml's parameters cannot
     * be matched against them: that waits for the run, which resolves
     * them all (params_resolve_config). */
    mig_status_t st = defaults(p, plan, src, &scratch);
    diag_list_free(&scratch);
    if (st == MIG_EINVALID) {
        params_free(p);
        return MIG_OK;
    }
    if (st == MIG_OK)
        st = apply_config(p, cfg, NULL, diags);
    for (size_t i = 0; st != MIG_ENOMEM && i < config_profile_count(cfg); i++) {
        mig_status_t e = apply_config(p, cfg, config_profile_name(cfg, i),
                                      diags);
        st = e != MIG_OK ? e : st;
    }
    params_free(p);
    return st == MIG_EINVALID || st == MIG_ENOMEM ? st : MIG_OK;
}

mig_status_t params_resolve(const ast_plan_t *plan, src_t *src,
                            const char *profile,
                            const char *const *overrides, size_t n_overrides,
                            diag_list_t *diags, params_t **out)
{
    return params_resolve_config(plan, src, NULL, profile, overrides,
                                 n_overrides, diags, out);
}

mig_status_t params_resolve_config(const ast_plan_t *plan, src_t *src,
                                   const config_t *cfg, const char *profile,
                                   const char *const *overrides,
                                   size_t n_overrides, diag_list_t *diags,
                                   params_t **out)
{
    *out = NULL;
    bool oom_before = diags->out_of_memory;
    params_t *p = calloc(1, sizeof(*p));
    if (!p)
        return MIG_ENOMEM;
    mig_status_t st = defaults(p, plan, src, diags);
    /* Past the defaults, every error of the profile and of the command
     * line is reported, not only the first. */
    bool go = st == MIG_OK;
    if (go && cfg)
        st = apply_config(p, cfg, NULL, diags);
    if (go && profile && st != MIG_ENOMEM) {
        mig_status_t e = use_profile(p, plan, src, cfg, profile, diags);
        st = e != MIG_OK ? e : st;
    }
    for (size_t i = 0; go && i < n_overrides && st != MIG_ENOMEM; i++) {
        mig_status_t e = apply_override(p, overrides[i], diags);
        if (e != MIG_OK)
            st = e;
    }
    if (diags->out_of_memory && !oom_before)
        st = MIG_ENOMEM;
    if (st != MIG_OK) {
        params_free(p);
        return st;
    }
    *out = p;
    return MIG_OK;
}
