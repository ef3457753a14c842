/* value_secret.c: the secret kind of value (interpreter.h, "secrets";
 * docs/values.md, "Secrets"): bytes kept beside the recipe that fetches
 * them again, joined with text into new secrets, revealed only on
 * request, and read back sealed from the state store's JSON. The sources
 * themselves (environment, file, command) are in secret.c. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "interpreter_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define SEALED_KEY "$secret"

/* A new secret of RECIPE (taken, also on failure) with the LEN bytes at
 * BYTES, or sealed when BYTES is NULL. */
static val_t *secret_make(val_t *recipe, const char *bytes, size_t len)
{
    val_secret_t *v = recipe ? malloc(sizeof(*v)) : NULL;
    if (!v) {
        val_unref(recipe);
        return NULL;
    }
    v->h.refs = 1;
    v->h.type = VAL_SECRET;
    v->h.flags = 0;
    v->recipe = recipe;
    v->len = bytes ? len : 0;
    v->data = NULL;
    if (bytes) {
        if (len == SIZE_MAX || !(v->data = malloc(len + 1))) {
            val_unref(recipe);
            free(v);
            return NULL;
        }
        memcpy(v->data, bytes, len);
        v->data[len] = '\0';
    }
    return &v->h;
}

void val_secret_release(val_t *v)
{
    val_secret_t *s = (val_secret_t *)v;
    if (s->data) {
        explicit_bzero(s->data, s->len);
        free(s->data);
    }
    val_unref(s->recipe);
}

val_t *val_secret_new(const char *bytes, size_t len, val_t *source)
{
    assert(secret_source_valid(source));
    assert(!memchr(bytes, '\0', len));
    val_t *recipe = val_list_new(1);
    if (recipe && val_list_push(recipe, source) != MIG_OK) {
        val_unref(recipe);
        return NULL;
    }
    return secret_make(recipe, bytes, len);
}

bool val_holds_secret(const val_t *v)
{
    return v->type == VAL_SECRET
        || ((v->type == VAL_LIST || v->type == VAL_MAP)
            && (v->flags & VAL_F_SECRETS));
}

val_t *val_secret_recipe(const val_t *v)
{
    assert(v->type == VAL_SECRET);
    return ((const val_secret_t *)v)->recipe;
}

bool val_secret_sealed(const val_t *v)
{
    assert(v->type == VAL_SECRET);
    return ((const val_secret_t *)v)->data == NULL;
}

/* ---- joining ------------------------------------------------------------ */

/* Appends part P (borrowed) to RECIPE, joining two strings in a row. */
static mig_status_t recipe_add(val_t *recipe, val_t *p)
{
    size_t n = val_len(recipe);
    val_t *last = n ? val_list_get(recipe, n - 1) : NULL;
    if (val_type(p) != VAL_STRING || !last || val_type(last) != VAL_STRING)
        return val_type(p) == VAL_STRING && val_len(p) == 0
            ? MIG_OK : val_list_push(recipe, p);
    /* Two strings in a row become one: rebuild the last part. */
    size_t la, lb;
    const char *a = val_get_str(last, &la), *b = val_get_str(p, &lb);
    char *buf = malloc(la + lb + 1);
    if (!buf)
        return MIG_ENOMEM;
    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    val_t *joined = val_string(buf, la + lb);
    free(buf);
    if (!joined)
        return MIG_ENOMEM;
    val_list_t *l = (val_list_t *)recipe;
    l->size = l->size - val_size(last) + val_size(joined);
    val_unref(last);
    l->items[n - 1] = joined;
    return MIG_OK;
}

/* Appends the parts of V (a string or a secret) to RECIPE, and its bytes
 * to B when B is not NULL. */
static mig_status_t join_side(val_t *recipe, strbuf_t *b, const val_t *v)
{
    mig_status_t st = MIG_OK;
    if (val_type(v) == VAL_STRING) {
        st = recipe_add(recipe, (val_t *)v);
        if (b) {
            size_t len;
            const char *s = val_get_str(v, &len);
            strbuf_put(b, s, len);
        }
        return st;
    }
    const val_secret_t *s = (const val_secret_t *)v;
    for (size_t i = 0; st == MIG_OK && i < val_len(s->recipe); i++)
        st = recipe_add(recipe, val_list_get(s->recipe, i));
    if (b)
        strbuf_put(b, s->data, s->len);
    return st;
}

val_t *val_secret_concat(const val_t *a, const val_t *b)
{
    assert(val_type(a) == VAL_SECRET || val_type(b) == VAL_SECRET);
    bool sealed = (val_type(a) == VAL_SECRET && val_secret_sealed(a))
               || (val_type(b) == VAL_SECRET && val_secret_sealed(b));
    strbuf_t bytes;
    strbuf_init(&bytes);
    val_t *recipe = val_list_new(2);
    mig_status_t st = recipe ? join_side(recipe, sealed ? NULL : &bytes, a)
                             : MIG_ENOMEM;
    if (st == MIG_OK)
        st = join_side(recipe, sealed ? NULL : &bytes, b);
    val_t *out = NULL;
    if (st == MIG_OK && !bytes.oom)
        out = secret_make(val_ref(recipe), sealed ? NULL
                          : bytes.data ? bytes.data : "", bytes.len);
    val_unref(recipe);
    if (bytes.data)
        explicit_bzero(bytes.data, bytes.len);
    strbuf_free(&bytes);
    return out;
}

/* ---- revealing ---------------------------------------------------------- */

mig_status_t val_secret_reveal(const val_t *v, const char **bytes,
                               size_t *len, strbuf_t *why)
{
    assert(v->type == VAL_SECRET);
    val_secret_t *s = (val_secret_t *)v;   /* the bytes are a cache */
    if (!s->data) {
        strbuf_t b;
        strbuf_init(&b);
        mig_status_t st = MIG_OK;
        for (size_t i = 0; st == MIG_OK && i < val_len(s->recipe); i++) {
            val_t *p = val_list_get(s->recipe, i), *got = NULL;
            if (val_type(p) == VAL_STRING) {
                size_t n;
                const char *t = val_get_str(p, &n);
                strbuf_put(&b, t, n);
                continue;
            }
            st = secret_resolve(p, &got, why);
            if (st == MIG_OK) {
                const val_secret_t *g = (const val_secret_t *)got;
                strbuf_put(&b, g->data, g->len);
            }
            val_unref(got);
        }
        if (st == MIG_OK && !b.oom
            && (s->data = malloc(b.len + 1)) != NULL) {
            memcpy(s->data, b.data ? b.data : "", b.len);
            s->data[b.len] = '\0';
            s->len = b.len;
        } else if (st == MIG_OK) {
            st = MIG_ENOMEM;
        }
        if (b.data)
            explicit_bzero(b.data, b.len);
        strbuf_free(&b);
        if (st != MIG_OK)
            return st;
    }
    *bytes = s->data;
    *len = s->len;
    return MIG_OK;
}

/* ---- the sealed form ---------------------------------------------------- */

/* Whether R is a recipe: a list of strings and sources, not empty. */
static bool recipe_valid(const val_t *r)
{
    if (val_type(r) != VAL_LIST || val_len(r) == 0)
        return false;
    for (size_t i = 0; i < val_len(r); i++) {
        const val_t *p = val_list_get(r, i);
        if (val_type(p) != VAL_STRING && !secret_source_valid(p))
            return false;
    }
    return true;
}

static mig_status_t unseal(val_t *v, val_t **out);

/* Unseals the items of list V into *OUT (NULL when none changed). */
static mig_status_t unseal_list(val_t *v, val_t **out)
{
    val_t *copy = NULL;
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < val_len(v); i++) {
        val_t *item = val_list_get(v, i), *now = NULL;
        st = unseal(item, &now);
        if (st == MIG_OK && now && !copy) {
            copy = val_list_new(val_len(v));
            for (size_t j = 0; copy && st == MIG_OK && j < i; j++)
                st = val_list_push(copy, val_list_get(v, j));
            if (!copy)
                st = MIG_ENOMEM;
        }
        if (st == MIG_OK && copy)
            st = val_list_push_take(copy, now ? now : val_ref(item));
        else
            val_unref(now);
    }
    if (st != MIG_OK) {
        val_unref(copy);
        return st == MIG_EINVALID ? MIG_ENOMEM : st;
    }
    *out = copy;
    return MIG_OK;
}

/* Unseals the values of map V into *OUT (NULL when none changed). */
static mig_status_t unseal_map(val_t *v, val_t **out)
{
    val_t *copy = NULL;
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < val_len(v); i++) {
        val_t *now = NULL;
        st = unseal(val_map_value(v, i), &now);
        if (st != MIG_OK || !now)
            continue;
        if (!copy && !(copy = val_copy(v))) {
            val_unref(now);
            st = MIG_ENOMEM;
            break;
        }
        st = val_map_set_key_take(copy, val_ref(val_map_key(v, i)), now);
    }
    if (st != MIG_OK) {
        val_unref(copy);
        return st == MIG_EINVALID ? MIG_ENOMEM : st;
    }
    *out = copy;
    return MIG_OK;
}

static mig_status_t unseal(val_t *v, val_t **out)
{
    *out = NULL;
    if (val_type(v) == VAL_LIST)
        return unseal_list(v, out);
    if (val_type(v) != VAL_MAP)
        return MIG_OK;
    val_t *r = val_len(v) == 1 ? val_map_get(v, SEALED_KEY,
                                             strlen(SEALED_KEY)) : NULL;
    if (r && recipe_valid(r))
        return (*out = secret_make(val_ref(r), NULL, 0)) ? MIG_OK
                                                         : MIG_ENOMEM;
    return unseal_map(v, out);
}

mig_status_t val_secret_unseal(val_t **v)
{
    val_t *now = NULL;
    mig_status_t st = unseal(*v, &now);
    if (st == MIG_OK && now) {
        val_unref(*v);
        *v = now;
    }
    return st;
}
