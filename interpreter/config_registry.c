/* config_registry.c: the registries of mig.yaml as a plan uses them
 * (docs/configuration.md, "registries"): registry("NAME") gives the
 * target the configuration names NAME (an embedded registry's path, as
 * the plan's folder reaches it, or a remote one's URL); mig check
 * validates the name (check_expr.c), the run and the dry run bind the
 * targets (config_registry_targets) where the builtin finds them. The
 * remote registries' tokens a run sends are in config_tokens.c. */
#define _XOPEN_SOURCE 700   /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_int.h"
#include "config_int.h"

/* The registries bound over ENV, or NULL. */
static const val_t *bound_registries(const eval_env_t *env)
{
    for (; env; env = env->parent)
        if (env->registries)
            return env->registries;
    return NULL;
}

mig_status_t eval_fn_registry(eval_call_t *call, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_STRING))
        return MIG_EINVALID;
    size_t len;
    const char *name = val_get_str(call->args[0], &len);
    const val_t *targets = bound_registries(call->ctx->env);
    const val_t *t = targets ? val_map_get(targets, name, len) : NULL;
    if (t)
        return eval_call_made(call, val_ref((val_t *)t), out);
    const src_span_t *at = &call->node->u.call.args.items[0].value->span;
    diag_t *d = eval_error(call->ctx, at, "registry: no registry '%.*s' in "
                           "mig.yaml", (int)len, name);
    diag_hint(call->ctx->diags, d, "mig check lists the registries of "
              "mig.yaml; add it under 'registries:' (docs/configuration.md)");
    return MIG_EINVALID;
}

/* The way from folder FROM to folder TO (both absolute and resolved)
 * into B, ending in '/' unless empty: up to their common folder, then
 * down; TO itself when they share only the root. */
static void way_to(const char *from, const char *to, strbuf_t *b)
{
    size_t nf = strlen(from), nt = strlen(to), common = 0;
    for (size_t i = 0; from[i] && from[i] == to[i]; i++)
        if (from[i] == '/')
            common = i;
    if (strncmp(from, to, nf) == 0 && (to[nf] == '/' || !to[nf]))
        common = nf;
    else if (strncmp(to, from, nt) == 0 && from[nt] == '/')
        common = nt;
    if (common <= 1) {
        strbuf_printf(b, "%s%s", to, strcmp(to, "/") ? "/" : "");
        return;
    }
    for (const char *p = from + common; *p; p++)
        if (*p == '/')
            strbuf_puts(b, "../");
    if (to[common])
        strbuf_printf(b, "%s/", to + common + 1);
}

/* The target of embedded registry R for a plan in PLAN_DIR into B: its
 * path as the plan's folder reaches it (the registry actions take a `db`
 * relative to it), through their common folder; absolute when they
 * share only the root. R->path is mig.yaml's folder joined with the path
 * mig.yaml gives (or that path, when absolute), whose folders may not
 * exist yet: the deepest that does is
 * resolved, and the rest kept as written. */
static void embedded_target(const struct config_registry *r,
                            const char *plan_dir, strbuf_t *b)
{
    char dir[PATH_MAX], real_dir[PATH_MAX], real_plan[PATH_MAX];
    const char *slash = strrchr(r->path, '/');
    size_t n = slash ? (size_t)(slash - r->path) : 0;
    snprintf(dir, sizeof dir, "%.*s", (int)n, r->path);
    while (n && !realpath(dir, real_dir)) {
        char *up = strrchr(dir, '/');
        n = up ? (size_t)(up - dir) : 0;
        dir[n] = '\0';
    }
    bool root = !n && r->path[0] == '/';   /* nothing of it but "/" */
    const char *rest = r->path + n + (n || root ? 1 : 0);
    if ((!n && !realpath(root ? "/" : ".", real_dir))
        || !realpath(*plan_dir ? plan_dir : ".", real_plan)) {
        strbuf_puts(b, r->path);    /* a folder went: the path as it is */
        return;
    }
    way_to(real_plan, real_dir, b);
    strbuf_puts(b, rest);
}

val_t *config_registry_targets(const config_settings_t *s,
                               const char *plan_dir)
{
    val_t *m = val_map_new(s->n_registries);
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; m && i < s->n_registries; i++) {
        const struct config_registry *r = &s->registries[i];
        b.len = 0;
        if (r->url)
            strbuf_puts(&b, r->url);
        else
            embedded_target(r, plan_dir, &b);
        if (b.oom || val_map_set_take(m, r->name, strlen(r->name),
                                      val_string(b.data, b.len)) != MIG_OK) {
            val_unref(m);
            m = NULL;
        }
    }
    strbuf_free(&b);
    return m;
}
