/* config_registry.c: the registries of mig.yaml as a plan uses them
 * (docs/configuration.md, "registries"): registry("NAME") gives the
 * target the configuration names NAME (an embedded registry's path, as
 * the plan's folder reaches it, or a remote one's URL); mig check
 * validates the name (check_expr.c), the run and the dry run bind the
 * targets (config_registry_targets) where the builtin finds them; a run
 * resolves the remote registries' tokens (config_registry_tokens), which
 * the registry actions send where the plan gives none. */
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

/* ---- the tokens of remote registries ---------------------------------- */

/* The secret token reference V gives, resolved, into *OUT: a `secret:`
 * reference by its source (config_ref_resolve); a string with ${NAME}
 * as a secret too (a bearer token is never shown), joined from its text
 * and each variable (secret_env), so that its recipe names them. */
static mig_status_t token_secret(const val_t *v, const char *dir,
                                 val_t **out, strbuf_t *why)
{
    if (val_type(v) == VAL_MAP)
        return config_ref_resolve(v, dir, out, why);
    *out = NULL;
    const char *text = val_get_str(v, NULL);
    mig_status_t st = MIG_OK;
    while (st == MIG_OK && *text) {
        const char *at = strstr(text, "${");
        const char *end = at ? strchr(at, '}') : NULL;
        size_t lit = at ? (size_t)(at - text) : strlen(text);
        val_t *part = NULL;
        char *name = NULL;
        if (lit) {
            part = val_string(text, lit);       /* text between them */
            text += lit;
        } else if (!end || !(name = strndup(at + 2, (size_t)(end - at - 2)))) {
            st = end ? MIG_ENOMEM : MIG_EINVALID;   /* checked with the file */
        } else {
            st = secret_env(name, &part, why);
            text = end + 1;
        }
        free(name);
        if (st == MIG_OK && !part)
            st = MIG_ENOMEM;
        val_t *joined = st != MIG_OK ? NULL : !*out ? val_ref(part)
                        : val_secret_concat(*out, part);
        if (st == MIG_OK && !joined)
            st = MIG_ENOMEM;
        val_unref(part);
        val_unref(*out);
        *out = joined;
    }
    if (st != MIG_OK) {
        val_unref(*out);
        *out = NULL;
    }
    return st;
}

/* The place of the token of registry NAME in C's file: in the layer
 * that gives the registry (the profile's, then defaults', then the top
 * level's, the order config_effective lays them). NULL when unknown. */
static const src_span_t *token_place(const config_t *c, const char *profile,
                                     const char *name, strbuf_t *path)
{
    for (int layer = 0; layer < 3; layer++) {
        path->len = 0;
        if (layer == 0 && !(profile && config_has_profile(c, profile)))
            continue;
        if (layer == 0) {
            strbuf_puts(path, "/profiles");
            val_pointer_key(path, profile, strlen(profile));
        } else if (layer == 1) {
            strbuf_puts(path, "/defaults");
        }
        strbuf_puts(path, "/registries");
        val_pointer_key(path, name, strlen(name));
        if (path->oom || !yaml_places_find(&c->places, path->data))
            continue;
        strbuf_puts(path, "/token");
        const yaml_place_t *pl = path->oom ? NULL
            : yaml_places_find(&c->places, path->data);
        return pl ? &pl->value : NULL;
    }
    return NULL;
}

/* URL without its trailing slashes, the key a token is kept under. */
static size_t url_key(const char *url)
{
    size_t n = strlen(url);
    while (n && url[n - 1] == '/')
        n--;
    return n;
}

/* Says that registry R's token (at AT) cannot be resolved, for WHY. */
static void token_error(const config_t *c, const struct config_registry *r,
                        const src_span_t *at, const char *why,
                        diag_list_t *diags)
{
    val_t *shown = config_ref_text(r->token);
    diag_t *d = diag_add(diags, DIAG_ERROR, config_src(c), at, "the token "
                         "of registry '%s' is the reference %s, which cannot "
                         "be resolved: %s", r->name,
                         shown ? val_get_str(shown, NULL) : "", why);
    diag_hint(diags, d, "nothing was run; fix the source: a run resolves "
              "the token of every remote registry of mig.yaml first, so that "
              "no step finds it missing");
    val_unref(shown);
}

mig_status_t config_registry_tokens(const config_t *c, const char *profile,
                                    const config_settings_t *s,
                                    diag_list_t *diags, val_t **out)
{
    *out = val_map_new(s->n_registries);
    mig_status_t st = *out ? MIG_OK : MIG_ENOMEM;
    strbuf_t why, path;
    strbuf_init(&why);
    strbuf_init(&path);
    for (size_t i = 0; st != MIG_ENOMEM && i < s->n_registries; i++) {
        const struct config_registry *r = &s->registries[i];
        if (!r->url || !r->token)
            continue;
        const src_span_t *at = token_place(c, profile, r->name, &path);
        size_t n = url_key(r->url);
        /* Two names of one URL: a step's db cannot say which it means. */
        for (size_t j = 0; j < i; j++) {
            const struct config_registry *o = &s->registries[j];
            if (!o->url || !o->token || url_key(o->url) != n
                || memcmp(o->url, r->url, n) != 0
                || val_equal(o->token, r->token))
                continue;
            diag_t *d = diag_add(diags, DIAG_ERROR, config_src(c), at,
                                 "registries '%s' and '%s' are both %.*s, "
                                 "with different tokens", o->name, r->name,
                                 (int)n, r->url);
            diag_hint(diags, d, "a step whose db is that URL could not "
                      "tell which token to send: give both the same token");
            st = MIG_EINVALID;
        }
        val_t *tok = NULL;
        why.len = 0;
        mig_status_t e = token_secret(r->token, c->dir, &tok, &why);
        if (e == MIG_EINVALID)
            token_error(c, r, at, why.data ? why.data : "?", diags);
        else if (e == MIG_OK)
            e = val_map_set_take(*out, r->url, n, tok);
        st = e != MIG_OK ? e : st;
    }
    if (why.oom || path.oom || diags->out_of_memory)
        st = MIG_ENOMEM;
    strbuf_free(&why);
    strbuf_free(&path);
    if (st != MIG_OK) {
        val_unref(*out);
        *out = NULL;
    }
    return st;
}
