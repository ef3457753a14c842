/* schema_kw.c: the JSON Schema 2020-12 keywords beyond schema.c's core
 * (docs/schema.md): const, not, if/then/else (the
 * combinators allOf/anyOf/oneOf are schema_comb.c's), $ref (local
 * and to a file next to the schema), prefixItems, contains, uniqueItems,
 * propertyNames, dependentRequired, multipleOf and pattern. Each keyword
 * is one row of a table: its shape check and its check on a value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schema_int.h"

mig_status_t schema_try(vctx_t *c, const val_t *v, const val_t *schema,
                            bool *ok)
{
    val_t *saved = c->errors;
    size_t failed = c->failed;
    c->errors = NULL;
    mig_status_t st = schema_walk(c, v, schema);
    c->errors = saved;
    *ok = c->failed == failed;
    c->failed = failed;
    return st;
}

static bool is_schema(const val_t *s)
{
    return val_type(s) == VAL_MAP || val_type(s) == VAL_BOOL;
}

mig_status_t schema_list_shape(vctx_t *c, const char *name, const val_t *l)
{
    bool ok = val_type(l) == VAL_LIST && val_len(l) > 0;
    for (size_t i = 0; ok && i < val_len(l); i++)
        ok = is_schema(val_list_get(l, i));
    return ok ? MIG_OK
              : schema_bad(c, "'%s' must be a non-empty list of schemas",
                           name);
}

static mig_status_t one_shape(vctx_t *c, const char *name, const val_t *s)
{
    return is_schema(s) ? MIG_OK
                        : schema_bad(c, "'%s' must be a schema", name);
}

/* ---- the keywords on a value -------------------------------------------- */

static mig_status_t kw_const(vctx_t *c, const val_t *v, const val_t *k,
                             const val_t *schema)
{
    (void)schema;
    if (val_type(k) == val_type(v) && val_equal(k, v))
        return MIG_OK;
    strbuf_t b;
    strbuf_init(&b);
    val_format(k, &b);
    schema_violation(c, "must be %s", b.data ? b.data : "?");
    c->oom |= b.oom;
    strbuf_free(&b);
    return MIG_OK;
}

static mig_status_t kw_not(vctx_t *c, const val_t *v, const val_t *s,
                           const val_t *schema)
{
    (void)schema;
    bool ok;
    mig_status_t st = one_shape(c, "not", s);
    if (st == MIG_OK)
        st = schema_try(c, v, s, &ok);
    if (st == MIG_OK && ok)
        schema_violation(c, "must not match the schema of 'not'");
    return st;
}

static mig_status_t kw_if(vctx_t *c, const val_t *v, const val_t *s,
                          const val_t *schema)
{
    const val_t *then = schema_kw(schema, "then");
    const val_t *other = schema_kw(schema, "else");
    mig_status_t st = one_shape(c, "if", s);
    if (st == MIG_OK && then)
        st = one_shape(c, "then", then);
    if (st == MIG_OK && other)
        st = one_shape(c, "else", other);
    bool ok = true;
    if (st == MIG_OK && (then || other))
        st = schema_try(c, v, s, &ok);
    const val_t *next = ok ? then : other;
    return st == MIG_OK && next ? schema_walk(c, v, next) : st;
}

static mig_status_t kw_prefix_items(vctx_t *c, const val_t *v,
                                    const val_t *l, const val_t *schema)
{
    (void)schema;
    mig_status_t st = schema_list_shape(c, "prefixItems", l);
    for (size_t i = 0; st == MIG_OK && val_type(v) == VAL_LIST
                       && i < val_len(v) && i < val_len(l); i++)
        st = schema_descend(c, val_list_get(v, i), val_list_get(l, i), NULL,
                            0, i);
    return st;
}

/* A whole number, 0 or more, kept by the keyword NAME of SCHEMA in *N
 * (DEFAULT when it is absent). */
static mig_status_t count_kw(vctx_t *c, const val_t *schema, const char *name,
                             int64_t def, int64_t *n)
{
    const val_t *k = schema_kw(schema, name);
    *n = def;
    if (!k)
        return MIG_OK;
    if (val_type(k) != VAL_NUMBER || !val_is_int(k) || val_get_int(k) < 0)
        return schema_bad(c, "'%s' must be a whole number, 0 or more", name);
    *n = val_get_int(k);
    return MIG_OK;
}

static mig_status_t kw_contains(vctx_t *c, const val_t *v, const val_t *s,
                                const val_t *schema)
{
    int64_t lo, hi;
    mig_status_t st = one_shape(c, "contains", s);
    if (st == MIG_OK)
        st = count_kw(c, schema, "minContains", 1, &lo);
    if (st == MIG_OK)
        st = count_kw(c, schema, "maxContains", -1, &hi);
    if (st != MIG_OK || val_type(v) != VAL_LIST)
        return st;
    int64_t n = 0;
    for (size_t i = 0; st == MIG_OK && i < val_len(v); i++) {
        bool ok;
        st = schema_try(c, val_list_get(v, i), s, &ok);
        n += ok;
    }
    if (st == MIG_OK && n < lo)
        schema_violation(c, "must contain at least %lld item%s matching "
                         "'contains', found %lld", (long long)lo,
                         lo == 1 ? "" : "s", (long long)n);
    else if (st == MIG_OK && hi >= 0 && n > hi)
        schema_violation(c, "must contain at most %lld item%s matching "
                         "'contains', found %lld", (long long)hi,
                         hi == 1 ? "" : "s", (long long)n);
    return st;
}

static mig_status_t kw_unique(vctx_t *c, const val_t *v, const val_t *u,
                              const val_t *schema)
{
    (void)schema;
    if (val_type(u) != VAL_BOOL)
        return schema_bad(c, "'uniqueItems' must be true or false");
    if (!val_get_bool(u) || val_type(v) != VAL_LIST)
        return MIG_OK;
    for (size_t i = 0; i < val_len(v); i++)
        for (size_t j = i + 1; j < val_len(v); j++) {
            const val_t *a = val_list_get(v, i), *b = val_list_get(v, j);
            if (val_type(a) == val_type(b) && val_equal(a, b)) {
                schema_violation(c, "the items must be unique; items %zu and "
                                 "%zu are equal", i, j);
                return MIG_OK;
            }
        }
    return MIG_OK;
}

static mig_status_t kw_property_names(vctx_t *c, const val_t *v,
                                      const val_t *s, const val_t *schema)
{
    (void)schema;
    mig_status_t st = one_shape(c, "propertyNames", s);
    for (size_t i = 0; st == MIG_OK && val_type(v) == VAL_MAP
                       && i < val_len(v); i++) {
        size_t len;
        const val_t *key = val_map_key(v, i);
        const char *k = val_get_str(key, &len);
        st = schema_descend(c, key, s, k, len, 0);
    }
    return st;
}

static mig_status_t kw_dependent(vctx_t *c, const val_t *v, const val_t *d,
                                 const val_t *schema)
{
    (void)schema;
    bool ok = val_type(d) == VAL_MAP;
    for (size_t i = 0; ok && i < val_len(d); i++) {
        const val_t *l = val_map_value(d, i);
        ok = val_type(l) == VAL_LIST;
        for (size_t j = 0; ok && j < val_len(l); j++)
            ok = val_type(val_list_get(l, j)) == VAL_STRING;
    }
    if (!ok)
        return schema_bad(c, "'dependentRequired' must map names to lists of "
                          "names");
    for (size_t i = 0; val_type(v) == VAL_MAP && i < val_len(d); i++) {
        size_t klen;
        const char *k = val_get_str(val_map_key(d, i), &klen);
        if (!val_map_get(v, k, klen))
            continue;
        const val_t *l = val_map_value(d, i);
        for (size_t j = 0; j < val_len(l); j++) {
            size_t len;
            const char *n = val_get_str(val_list_get(l, j), &len);
            if (!val_map_get(v, n, len))
                schema_violation(c, "the property '%.*s' is required when "
                                 "'%.*s' is present", (int)len, n, (int)klen,
                                 k);
        }
    }
    return MIG_OK;
}

static mig_status_t kw_multiple_of(vctx_t *c, const val_t *v,
                                   const val_t *m, const val_t *schema)
{
    (void)schema;
    if (val_type(m) != VAL_NUMBER || !(val_get_number(m) > 0))
        return schema_bad(c, "'multipleOf' must be a number more than 0");
    if (val_type(v) != VAL_NUMBER)
        return MIG_OK;
    double q = val_get_number(v) / val_get_number(m);
    if (isfinite(q) && fabs(q - nearbyint(q)) <= 1e-9 * fmax(1, fabs(q)))
        return MIG_OK;
    char mt[DOUBLE_TEXT_MAX];
    schema_number_text(val_get_number(m), mt);
    schema_violation(c, "must be a multiple of %s", mt);
    return MIG_OK;
}

mig_status_t schema_pattern(vctx_t *c, const val_t *pat, const char *key,
                            size_t len, bool *found)
{
    size_t plen;
    const char *p = val_get_str(pat, &plen);
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = regex_search(p, plen, key, len, found, &why);
    if (st == MIG_EINVALID)
        st = schema_bad(c, "'%.*s': %s", (int)(plen > 60 ? 60 : plen), p,
                        why.data ? why.data : "?");
    strbuf_free(&why);
    return st;
}

static mig_status_t kw_pattern(vctx_t *c, const val_t *v, const val_t *p,
                               const val_t *schema)
{
    (void)schema;
    if (val_type(p) != VAL_STRING)
        return schema_bad(c, "'pattern' must be a string");
    bool found;
    if (val_type(v) != VAL_STRING)      /* still, the pattern must compile */
        return schema_pattern(c, p, "", 0, &found);
    size_t len;
    const char *s = val_get_str(v, &len);
    mig_status_t st = schema_pattern(c, p, s, len, &found);
    if (st == MIG_OK && !found)
        schema_violation(c, "must match the pattern %s",
                         val_get_str(p, NULL));
    return st;
}

/* ---- $ref --------------------------------------------------------------- */

/* The value at the JSON pointer PTR (LEN bytes, "" or "/a/b", ~0 ~1 and
 * %XX escapes) in DOC, or NULL. */
static const val_t *pointer_get(const val_t *doc, const char *ptr, size_t len,
                                bool *nomem)
{
    size_t i = 0;
    strbuf_t tok;
    strbuf_init(&tok);
    while (doc && i < len) {
        if (ptr[i] != '/') {
            doc = NULL;
            break;
        }
        tok.len = 0;
        for (i++; i < len && ptr[i] != '/'; i++) {
            char ch = ptr[i];
            if (ch == '~' && i + 1 < len && (ptr[i + 1] == '0'
                                             || ptr[i + 1] == '1'))
                ch = ptr[++i] == '0' ? '~' : '/';
            else if (ch == '%' && i + 2 < len) {
                char hex[3] = { ptr[i + 1], ptr[i + 2], 0 };
                char *end;
                long x = strtol(hex, &end, 16);
                if (*end == '\0') {
                    ch = (char)x;
                    i += 2;
                }
            }
            strbuf_putc(&tok, ch);
        }
        const char *t = tok.data ? tok.data : "";
        if (val_type(doc) == VAL_MAP) {
            doc = val_map_get(doc, t, tok.len);
        } else if (val_type(doc) == VAL_LIST && tok.len > 0
                   && strspn(t, "0123456789") == tok.len && tok.len < 10) {
            size_t n = (size_t)strtoul(t, NULL, 10);
            doc = n < val_len(doc) ? val_list_get(doc, n) : NULL;
        } else {
            doc = NULL;
        }
    }
    *nomem = tok.oom;
    strbuf_free(&tok);
    return doc;
}

/* The schema in the file NAME (LEN bytes) next to the schema: read once,
 * kept in C->docs. */
static mig_status_t ref_file(vctx_t *c, const char *name, size_t len,
                             const val_t **out)
{
    bool plain = len > 0 && name[0] != '.'
                 && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
                           "OPQRSTUVWXYZ0123456789._-") == len;
    if (!plain)
        return schema_bad(c, "'$ref' may name only a file next to the schema "
                          "(letters, digits, '.', '_' and '-'), not '%.*s'",
                          (int)len, name);
    if (!c->base)
        return schema_bad(c, "'$ref' names the file '%.*s', but this schema "
                          "has no folder to find it in", (int)len, name);
    if ((*out = c->docs ? val_map_get(c->docs, name, len) : NULL))
        return MIG_OK;
    if (!c->docs && !(c->docs = val_map_new(2)))
        return MIG_ENOMEM;
    strbuf_t path;
    strbuf_init(&path);
    strbuf_printf(&path, "%s/%.*s", c->base, (int)len, name);
    diag_list_t d;
    diag_list_init(&d);
    src_t *src = NULL;
    val_t *doc = NULL;
    mig_status_t st = path.oom ? MIG_ENOMEM : src_load(path.data, &d, &src);
    bool yaml = len > 5 && (memcmp(name + len - 5, ".yaml", 5) == 0
                            || memcmp(name + len - 4, ".yml", 4) == 0);
    if (st == MIG_OK)
        st = yaml ? val_from_yaml(src, &d, &doc) : val_from_json(src, &d, &doc);
    if (st == MIG_OK)
        st = val_map_set_take(c->docs, name, len, doc);
    else if (st != MIG_ENOMEM)
        st = schema_bad(c, "'$ref' names the file '%.*s', which cannot be "
                        "read as a schema", (int)len, name);
    *out = st == MIG_OK ? val_map_get(c->docs, name, len) : NULL;
    src_free(src);
    diag_list_free(&d);
    strbuf_free(&path);
    return st;
}

static mig_status_t kw_ref(vctx_t *c, const val_t *v, const val_t *r,
                           const val_t *schema)
{
    (void)schema;
    if (val_type(r) != VAL_STRING)
        return schema_bad(c, "'$ref' must be a string");
    size_t len;
    const char *ref = val_get_str(r, &len);
    const char *hash = memchr(ref, '#', len);
    size_t flen = hash ? (size_t)(hash - ref) : len;
    const char *frag = hash ? hash + 1 : ref + len;
    size_t plen = len - flen - (hash ? 1 : 0);
    const val_t *doc = c->root;
    mig_status_t st = flen ? ref_file(c, ref, flen, &doc) : MIG_OK;
    if (st != MIG_OK)
        return st;
    if (plen && frag[0] != '/')
        return schema_bad(c, "'$ref' %s: only JSON pointers (#/...) are "
                          "supported after '#', not anchors", ref);
    bool nomem;
    const val_t *target = pointer_get(doc, frag, plen, &nomem);
    if (nomem)
        return MIG_ENOMEM;
    if (!target)
        return schema_bad(c, "'$ref' %s points to nothing", ref);
    for (unsigned i = 0; i < c->depth; i++)
        if (c->refs[i].target == target && c->refs[i].value == v)
            return schema_bad(c, "'$ref' %s loops back to itself", ref);
    if (c->depth == SCHEMA_REF_DEPTH)
        return schema_bad(c, "'$ref' %s: refs nest deeper than %d", ref,
                          SCHEMA_REF_DEPTH);
    c->refs[c->depth].target = target;
    c->refs[c->depth++].value = v;
    const val_t *root = c->root;
    c->root = doc;
    st = schema_walk(c, v, target);
    c->root = root;
    c->depth--;
    return st;
}

/* ---- the table ---------------------------------------------------------- */

typedef mig_status_t (*kw_fn)(vctx_t *c, const val_t *v, const val_t *k,
                              const val_t *schema);

/* SUBS says where the keyword's value holds schemas, for schema_check:
 * 1 one schema, 2 a list of them, 3 a map of them, 4 none (a $ref, whose
 * target is checked when a value is validated); 0 its shape is checked by
 * running it on null. */
static const struct {
    const char *name;
    kw_fn run;
    int subs;
} keywords[] = {
    { .name = "const", .run = kw_const },
    { .name = "$ref", .run = kw_ref, .subs = 4 },
    { .name = "allOf", .run = schema_all_of, .subs = 2 },
    { .name = "anyOf", .run = schema_any_of, .subs = 2 },
    { .name = "oneOf", .run = schema_one_of, .subs = 2 },
    { .name = "not", .run = kw_not, .subs = 1 },
    { .name = "if", .run = kw_if, .subs = 1 },
    { .name = "then", .subs = 1 },
    { .name = "else", .subs = 1 },
    { .name = "prefixItems", .run = kw_prefix_items, .subs = 2 },
    { .name = "contains", .run = kw_contains, .subs = 1 },
    { .name = "uniqueItems", .run = kw_unique },
    { .name = "propertyNames", .run = kw_property_names, .subs = 1 },
    { .name = "dependentRequired", .run = kw_dependent },
    { .name = "multipleOf", .run = kw_multiple_of },
    { .name = "pattern", .run = kw_pattern },
    { .name = "patternProperties", .subs = 3 },
    { .name = "$defs", .subs = 3 },
    { .name = "definitions", .subs = 3 },
};

mig_status_t schema_kw_more(vctx_t *c, const val_t *v, const val_t *schema)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < sizeof keywords / sizeof *keywords;
         i++) {
        const val_t *k = keywords[i].run ? schema_kw(schema, keywords[i].name)
                                         : NULL;
        if (k)
            st = keywords[i].run(c, v, k, schema);
    }
    return st;
}

size_t schema_prefix_len(const val_t *schema)
{
    const val_t *p = schema_kw(schema, "prefixItems");
    return p && val_type(p) == VAL_LIST ? val_len(p) : 0;
}

mig_status_t schema_kw_shape(vctx_t *c, const val_t *schema,
                             mig_status_t (*check_sub)(vctx_t *, const val_t *,
                                                       const char *,
                                                       const char *, size_t))
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < sizeof keywords / sizeof *keywords;
         i++) {
        const char *name = keywords[i].name;
        const val_t *k = schema_kw(schema, name);
        if (!k)
            continue;
        switch (keywords[i].subs) {
        case 1:
            st = one_shape(c, name, k);
            if (st == MIG_OK)
                st = check_sub(c, k, name, NULL, 0);
            break;
        case 2:
            st = schema_list_shape(c, name, k);
            for (size_t j = 0; st == MIG_OK && j < val_len(k); j++)
                st = check_sub(c, val_list_get(k, j), name, NULL, j + 1);
            break;
        case 3:
            if (val_type(k) != VAL_MAP)
                return schema_bad(c, "'%s' must be a map of schemas", name);
            for (size_t j = 0; st == MIG_OK && j < val_len(k); j++) {
                size_t len;
                const char *n = val_get_str(val_map_key(k, j), &len);
                st = check_sub(c, val_map_value(k, j), name, n, len);
            }
            break;
        case 4:
            if (val_type(k) != VAL_STRING)
                st = schema_bad(c, "'%s' must be a string", name);
            break;
        default:
            st = keywords[i].run(c, val_null(), k, schema);
            break;
        }
    }
    return st;
}
