/* params.c: the values a run's parameters take (interpreter.h,
 * params_resolve): each default from the plan, replaced by the chosen
 * profile's assignment, replaced by a --param from the command line read
 * as the type of the default. `mig plan` resolves them before its dry run.
 * Reading a --param NAME=VALUE (and mig.yaml's text values) is
 * params_cli.c. */
#include <stdlib.h>
#include <string.h>

#include "params_int.h"


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
mig_status_t params_set_where(param_t *t, const char *file, uint32_t line,
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

param_t *params_find(const params_t *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->len; i++)
        if (strlen(p->items[i].name) == len
            && memcmp(p->items[i].name, name, len) == 0)
            return &p->items[i];
    return NULL;
}

/* ---- hints that list names ---------------------------------------------- */


void params_names_add(names_t *l, const char *name)
{
    if (l->n++ < PARAMS_HINT_NAMES)
        strbuf_printf(&l->b, "%s'%s'", l->n > 1 ? ", " : "", name);
}

/* Sets D's hint to "did you mean 'x'?" when S found a close name, else to
 * "LEAD 'a', 'b'" with the names of L, or to NONE when L is empty. */
void params_names_hint(diag_list_t *diags, diag_t *d, const eval_suggest_t *s,
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
        if (n->kind != AST_PARAM || params_find(p, name, strlen(name)))
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
        st = params_set_where(&p->items[p->len - 1], src->name, n->span.line, NULL);
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
        params_names_add(&l, config_profile_name(cfg, i));
    }
    for (uint32_t i = 0; i < plan->items.len; i++) {
        const ast_node_t *x = plan->items.items[i];
        if (x->kind != AST_PROFILE
            || (cfg && config_has_profile(cfg, x->u.profile.name.name)))
            continue;
        eval_suggest_consider(&s, x->u.profile.name.name);
        params_names_add(&l, x->u.profile.name.name);
    }
    diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL,
                         "unknown profile '%s'", name);
    params_names_hint(diags, d, &s, &l, n_cfg ? "the profiles of mig.yaml and the "
                      "plan are" : "the plan's profiles are", n_cfg ? "" :
                      "the plan has no profiles");
}

/* Whether V may replace DEF: a null default takes any value; otherwise the
 * types must be the same (an integer and a double are both numbers). */
bool params_same_type(const val_t *def, const val_t *v)
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
    param_t *target = params_find(p, name, strlen(name));
    val_t *v = NULL;
    mig_status_t st = eval_expr(a->u.binding.value, env, src, diags, &v);
    if (st != MIG_OK)
        return st;
    if (!target) {
        not_a_param(p, prof, a, src, diags);
        st = MIG_EINVALID;
    } else if (!params_same_type(target->def, v)) {
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
        st = params_set_where(target, src->name, a->span.line, NULL);
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

/* ---- all together ------------------------------------------------------- */

/* ---- the layers of mig.yaml --------------------------------------------- */

/* Applies parameter X of CFG, which sets a parameter of the plan or is an
 * error at its place in CFG's file. */
static mig_status_t apply_config_param(params_t *p, const config_t *cfg,
                                       const config_param_t *x,
                                       diag_list_t *diags)
{
    src_t *src = config_src(cfg);
    param_t *target = params_find(p, x->name, strlen(x->name));
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
        mig_status_t st = params_read_value(target->name, target->def,
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
    if (!ref && !params_same_type(target->def, v)) {
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
    return params_set_where(target, config_path(cfg), x->key.line, NULL);
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
        mig_status_t e = params_apply_override(p, overrides[i], diags);
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
