/* config_tokens.c: the bearer tokens of mig.yaml's remote registries as a
 * run sends them (docs/configuration.md, "registries"): at run start the
 * tokens of the registries the plan names (config_registry_named: a
 * registry("NAME") or a literal string that is the URL) are resolved,
 * so that an error stops the run before anything is recorded; any other
 * one is resolved when a step's db first turns out to be its URL
 * (config_tokens_get). A token is a secret whose recipe names its
 * sources: the journal keeps that, never the bytes. */
#define _XOPEN_SOURCE 700   /* strndup */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_int.h"
#include "config_int.h"

struct config_tokens {
    const config_t *c;          /* borrowed, as the next two */
    const char *profile;
    const config_settings_t *s;
    val_t *resolved;            /* URL (less trailing slashes) -> token */
};

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

/* The first of T's registries of URL[0..N) (less trailing slashes)
 * with a token, or NULL. */
static const struct config_registry *token_registry(const config_tokens_t *t,
                                                    const char *url, size_t n)
{
    for (size_t i = 0; i < t->s->n_registries; i++) {
        const struct config_registry *r = &t->s->registries[i];
        if (r->url && r->token && url_key(r->url) == n
            && memcmp(r->url, url, n) == 0)
            return r;
    }
    return NULL;
}

/* Says into OUT that registry R's token cannot be resolved, for WHY. */
static void token_unresolved(const struct config_registry *r, const char *why,
                             strbuf_t *out)
{
    val_t *shown = config_ref_text(r->token);
    strbuf_printf(out, "the token of registry '%s' is the reference %s, which "
                  "cannot be resolved: %s", r->name,
                  shown ? val_get_str(shown, NULL) : "", why);
    val_unref(shown);
}

/* Resolves registry R's token into T's map, the reason it cannot be in
 * WHY (emptied first). MIG_OK, MIG_EINVALID or MIG_ENOMEM. */
static mig_status_t token_resolve(config_tokens_t *t,
                                  const struct config_registry *r,
                                  strbuf_t *why)
{
    val_t *tok = NULL;
    why->len = 0;
    mig_status_t st = token_secret(r->token, t->c->dir, &tok, why);
    if (st == MIG_OK)
        st = val_map_set_take(t->resolved, r->url, url_key(r->url), tok);
    return why->oom ? MIG_ENOMEM : st;
}

/* Two names of one URL with different tokens (each said at the second's
 * token, AT the place of R's, the I-th of T): a step whose db is that URL
 * could not tell which to send. True when there is none. */
static bool token_agrees(const config_tokens_t *t, size_t i,
                         const src_span_t *at, diag_list_t *diags)
{
    const struct config_registry *r = &t->s->registries[i];
    size_t n = url_key(r->url);
    bool ok = true;
    for (size_t j = 0; j < i; j++) {
        const struct config_registry *o = &t->s->registries[j];
        if (!o->url || !o->token || url_key(o->url) != n
            || memcmp(o->url, r->url, n) != 0
            || val_equal(o->token, r->token))
            continue;
        diag_t *d = diag_add(diags, DIAG_ERROR, config_src(t->c), at,
                             "registries '%s' and '%s' are both %.*s, with "
                             "different tokens", o->name, r->name, (int)n,
                             r->url);
        diag_hint(diags, d, "a step whose db is that URL could not tell "
                  "which token to send: give both the same token");
        ok = false;
    }
    return ok;
}

mig_status_t config_registry_tokens(const config_t *c, const char *profile,
                                    const config_settings_t *s,
                                    const bool *named, diag_list_t *diags,
                                    config_tokens_t **out)
{
    config_tokens_t *t = calloc(1, sizeof(*t));
    *out = NULL;
    if (!t || !(t->resolved = val_map_new(s->n_registries))) {
        free(t);
        return MIG_ENOMEM;
    }
    t->c = c;
    t->profile = profile;
    t->s = s;
    mig_status_t st = MIG_OK;
    strbuf_t why, path, msg;
    strbuf_init(&why);
    strbuf_init(&path);
    strbuf_init(&msg);
    for (size_t i = 0; st != MIG_ENOMEM && i < s->n_registries; i++) {
        const struct config_registry *r = &s->registries[i];
        if (!r->url || !r->token)
            continue;
        const src_span_t *at = token_place(c, profile, r->name, &path);
        if (!token_agrees(t, i, at, diags))
            st = MIG_EINVALID;
        if (named && !named[i])
            continue;                   /* on first use, if ever */
        mig_status_t e = token_resolve(t, r, &why);
        if (e == MIG_EINVALID) {
            msg.len = 0;
            token_unresolved(r, why.data ? why.data : "?", &msg);
            diag_t *d = diag_add(diags, DIAG_ERROR, config_src(c), at, "%s",
                                 msg.data ? msg.data : "");
            diag_hint(diags, d, "nothing was run; fix the source: a run "
                      "resolves the token of each remote registry the plan "
                      "names first, so that no step finds it missing");
        }
        st = e != MIG_OK ? e : st;
    }
    if (why.oom || path.oom || msg.oom || diags->out_of_memory)
        st = MIG_ENOMEM;
    strbuf_free(&why);
    strbuf_free(&path);
    strbuf_free(&msg);
    if (st != MIG_OK)
        config_tokens_free(t);
    else
        *out = t;
    return st;
}

mig_status_t config_tokens_get(config_tokens_t *t, const char *url,
                               const val_t **tok, strbuf_t *why)
{
    size_t n = url_key(url);
    *tok = val_map_get(t->resolved, url, n);
    const struct config_registry *r = *tok ? NULL
                                           : token_registry(t, url, n);
    if (!r)
        return MIG_OK;
    strbuf_t reason, path;
    strbuf_init(&reason);
    strbuf_init(&path);
    mig_status_t st = token_resolve(t, r, &reason);
    if (st == MIG_OK) {
        *tok = val_map_get(t->resolved, url, n);
    } else if (st == MIG_EINVALID) {
        const src_span_t *at = token_place(t->c, t->profile, r->name, &path);
        const src_t *src = config_src(t->c);
        if (at && src)
            strbuf_printf(why, "%s:%u:%u: ", src->name, at->line, at->col);
        token_unresolved(r, reason.data ? reason.data : "?", why);
    }
    if (reason.oom || path.oom || why->oom)
        st = MIG_ENOMEM;
    strbuf_free(&reason);
    strbuf_free(&path);
    return st;
}

void config_tokens_free(config_tokens_t *t)
{
    if (!t)
        return;
    val_unref(t->resolved);
    free(t);
}

/* ---- the registries a plan names ---------------------------------------- */

/* The text of string literal TOK of SRC, between its quotes, into *TEXT
 * and *LEN: false when it has an escape or a ${...} part (not known
 * before it is evaluated, as the plan is read here). */
static bool plain_string(const src_t *src, const token_t *tok,
                         const char **text, size_t *len)
{
    if (tok->cls != TOKEN_STRING || tok->span.end < tok->span.begin + 2)
        return false;
    *text = src->text + tok->span.begin + 1;
    *len = tok->span.end - tok->span.begin - 2;
    for (size_t i = 0; i < *len; i++)
        if ((*text)[i] == '\\' || ((*text)[i] == '$' && i + 1 < *len
                                    && (*text)[i + 1] == '{'))
            return false;
    return true;
}

/* Whether token TOK of SRC is the text WORD. */
static bool token_is(const src_t *src, const token_t *tok, const char *word)
{
    size_t n = strlen(word);
    return tok->span.end - tok->span.begin == n
        && memcmp(src->text + tok->span.begin, word, n) == 0;
}

mig_status_t config_registry_named(src_t *plan, const config_settings_t *s,
                                   diag_list_t *diags, bool **named)
{
    *named = calloc(s->n_registries ? s->n_registries : 1, sizeof(**named));
    token_list_t toks = { 0 };
    mig_status_t st = *named ? grammar_tokens(plan, diags, &toks)
                             : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < toks.len; i++) {
        const char *text;
        size_t len;
        if (!plain_string(plan, &toks.items[i], &text, &len))
            continue;
        bool call = i >= 2 && toks.items[i - 2].cls == TOKEN_VALUE
            && token_is(plan, &toks.items[i - 2], "registry")
            && token_is(plan, &toks.items[i - 1], "(");
        size_t key = len;
        while (key && text[key - 1] == '/')
            key--;
        for (size_t r = 0; r < s->n_registries; r++) {
            const struct config_registry *g = &s->registries[r];
            if (call ? strlen(g->name) == len
                       && memcmp(g->name, text, len) == 0
                     : g->url && url_key(g->url) == key
                       && memcmp(g->url, text, key) == 0)
                (*named)[r] = true;
        }
    }
    token_list_free(&toks);
    if (st != MIG_OK) {
        free(*named);
        *named = NULL;
    }
    return st;
}
