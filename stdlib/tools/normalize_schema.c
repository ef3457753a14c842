/* normalize_schema.c: JSON Schema as legacy tools wrote it, fitted to
 * 2020-12 (docs/registry.md, "Normalisation"): draft-04/07 spellings,
 * OpenAPI's nullable, tuple items, required: true inside a property, and
 * type names from other languages. Every change is one line; nothing is
 * dropped without one. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "normalize_int.h"

void norm_change(norm_changes_t *ch, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    val_t *s = val_cstring(msg);
    if (!s || val_list_push_take(ch->lines, s) != MIG_OK)
        ch->oom = true;
}

/* Type names as other languages and sloppy generators write them. FORMAT
 * is added with the type (a uri is a string of format uri); TYPE NULL
 * means any value (the type is removed). */
static const struct {
    const char *from, *type, *format;
} type_aliases[] = {
    { "dict", "object", NULL }, { "Dict", "object", NULL }, { "Object", "object", NULL },
    { "map", "object", NULL }, { "Map", "object", NULL }, { "hash", "object", NULL },
    { "record", "object", NULL }, { "json", "object", NULL }, { "JSON", "object", NULL },
    { "str", "string", NULL }, { "String", "string", NULL }, { "text", "string", NULL },
    { "Text", "string", NULL }, { "char", "string", NULL },
    { "float", "number", NULL }, { "Float", "number", NULL }, { "double", "number", NULL },
    { "Double", "number", NULL }, { "decimal", "number", NULL }, { "Number", "number", NULL },
    { "int", "integer", NULL }, { "Int", "integer", NULL }, { "Integer", "integer", NULL },
    { "long", "integer", NULL }, { "Long", "integer", NULL },
    { "bool", "boolean", NULL }, { "Bool", "boolean", NULL }, { "Boolean", "boolean", NULL },
    { "list", "array", NULL }, { "List", "array", NULL }, { "Array", "array", NULL },
    { "tuple", "array", NULL }, { "Tuple", "array", NULL }, { "set", "array", NULL },
    { "None", "null", NULL }, { "Null", "null", NULL }, { "nil", "null", NULL },
    { "uri", "string", "uri" }, { "url", "string", "uri" },
    { "URL", "string", "uri" }, { "date", "string", "date" },
    { "datetime", "string", "date-time" },
    { "date-time", "string", "date-time" },
    { "any", NULL, NULL }, { "Any", NULL, NULL }, { "*", NULL, NULL }, { "mixed", NULL, NULL },
};

static const char *const json_types[] = {
    "null", "boolean", "integer", "number", "string", "array", "object",
};

typedef struct nctx {
    norm_changes_t *ch;
    strbuf_t path;
    bool in_props;      /* fitting a member of "properties": a boolean
                           required is left for the object to take */
} nctx_t;

static const char *here(nctx_t *n)
{
    return n->path.data ? n->path.data : "";
}

static mig_status_t fit(nctx_t *n, const val_t *in, val_t **out);

/* Appends KEY to a change line's place: .name for names of letters,
 * digits, _, - and $, else ["key"] (JSON's quoting). */
static void path_key(strbuf_t *b, const char *key, size_t len)
{
    bool plain = len > 0;
    for (size_t i = 0; plain && i < len; i++) {
        char c = key[i];
        plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '$';
    }
    if (plain) {
        strbuf_putc(b, '.');
        strbuf_put(b, key, len);
        return;
    }
    val_t *s = val_string(key, len);
    strbuf_putc(b, '[');
    if (!s || val_to_json(s, b, 0) != MIG_OK)
        b->oom = true;
    strbuf_putc(b, ']');
    val_unref(s);
}

/* Fits the sub-schema SUB found under the keyword KW (and NAME, or the
 * index I when NAME is NULL and I is not SIZE_MAX) into *OUT. */
static mig_status_t fit_sub(nctx_t *n, const val_t *sub, const char *kw,
                            const char *name, size_t len, size_t i,
                            val_t **out)
{
    size_t mark = n->path.len;
    path_key(&n->path, kw, strlen(kw));
    if (name)
        path_key(&n->path, name, len);
    else if (i != (size_t)-1)
        strbuf_printf(&n->path, "[%zu]", i);
    bool was = n->in_props;
    n->in_props = strcmp(kw, "properties") == 0 && name;
    mig_status_t st = n->path.oom ? MIG_ENOMEM : fit(n, sub, out);
    n->in_props = was;
    n->path.len = mark;
    if (n->path.data)
        n->path.data[mark] = '\0';
    return st;
}

/* One type name T fitted: *TYPE the JSON Schema name or NULL (any),
 * *FORMAT a format it implies or NULL. False when T is unknown. */
static bool fit_type_name(const char *t, const char **type,
                          const char **format)
{
    *format = NULL;
    for (size_t i = 0; i < sizeof json_types / sizeof *json_types; i++)
        if (strcmp(t, json_types[i]) == 0) {
            *type = json_types[i];
            return true;
        }
    for (size_t i = 0; i < sizeof type_aliases / sizeof *type_aliases; i++)
        if (strcmp(t, type_aliases[i].from) == 0) {
            *type = type_aliases[i].type;
            *format = type_aliases[i].format;
            return true;
        }
    return false;
}

/* The keyword "type" of M, fitted in place. */
static mig_status_t fit_type(nctx_t *n, val_t *m)
{
    val_t *t = val_map_get(m, "type", 4);
    if (!t)
        return MIG_OK;
    bool list = val_type(t) == VAL_LIST;
    if (!list && val_type(t) != VAL_STRING) {
        norm_change(n->ch, "%s: type is not a name (dropped: any value)",
                    here(n));
        val_map_delete(m, "type", 4);
        return MIG_OK;
    }
    val_t *names = val_list_new(list ? val_len(t) : 1);
    if (!names)
        return MIG_ENOMEM;
    bool any = false;
    const char *implied = NULL;
    for (size_t i = 0; i < (list ? val_len(t) : 1); i++) {
        const val_t *one = list ? val_list_get(t, i) : t;
        const char *name = val_type(one) == VAL_STRING
            ? val_get_str(one, NULL) : "";
        const char *type, *format;
        if (!*name) {
            norm_change(n->ch, "%s: an empty type (dropped: any value)",
                        here(n));
            any = true;
            continue;
        }
        if (!fit_type_name(name, &type, &format)) {
            norm_change(n->ch, "%s: unknown type '%s' (dropped: any value)",
                        here(n), name);
            any = true;
            continue;
        }
        if (!type) {
            norm_change(n->ch, "%s: type '%s' read as any value", here(n),
                        name);
            any = true;
            continue;
        }
        if (strcmp(type, name) != 0)
            norm_change(n->ch, "%s: type '%s' read as '%s'%s%s%s", here(n),
                        name, type, format ? " (format " : "",
                        format ? format : "", format ? ")" : "");
        implied = implied ? implied : format;
        bool dup = false;
        for (size_t j = 0; j < val_len(names); j++)
            dup = dup || strcmp(val_get_str(val_list_get(names, j), NULL),
                                type) == 0;
        if (!dup && val_list_push_take(names, val_cstring(type)) != MIG_OK) {
            val_unref(names);
            return MIG_ENOMEM;
        }
    }
    mig_status_t st = MIG_OK;
    if (any || val_len(names) == 0)
        val_map_delete(m, "type", 4);
    else if (val_len(names) == 1)
        st = val_map_set(m, "type", 4, val_list_get(names, 0));
    else
        st = val_map_set(m, "type", 4, names);
    if (st == MIG_OK && implied && !val_map_get(m, "format", 6))
        st = val_map_set_take(m, "format", 6, val_cstring(implied));
    val_unref(names);
    return st;
}

/* nullable: true (OpenAPI 3.0) becomes "null" in the type. */
static mig_status_t fit_nullable(nctx_t *n, val_t *m)
{
    val_t *nb = val_map_get(m, "nullable", 8);
    if (!nb)
        return MIG_OK;
    bool yes = val_type(nb) == VAL_BOOL && val_get_bool(nb);
    val_t *t = val_map_get(m, "type", 4);
    mig_status_t st = MIG_OK;
    if (yes && t && val_type(t) == VAL_STRING
        && strcmp(val_get_str(t, NULL), "null") != 0) {
        val_t *l = val_list_new(2);
        if (!l || val_list_push(l, t) != MIG_OK
            || val_list_push_take(l, val_cstring("null")) != MIG_OK) {
            val_unref(l);
            return MIG_ENOMEM;
        }
        st = val_map_set_take(m, "type", 4, l);
        norm_change(n->ch, "%s: nullable: true read as type [\"%s\", "
                    "\"null\"]", here(n),
                    val_get_str(val_list_get(val_map_get(m, "type", 4), 0),
                                NULL));
    } else if (yes && t && val_type(t) == VAL_LIST) {
        bool has = false;
        for (size_t i = 0; i < val_len(t); i++) {
            const val_t *one = val_list_get(t, i);
            has = has || (val_type(one) == VAL_STRING
                          && strcmp(val_get_str(one, NULL), "null") == 0);
        }
        /* T is the source's list (M is a shallow copy): "null" goes into
         * a copy of it. */
        val_t *all = has ? NULL : val_copy(t);
        if (!has)
            st = all ? val_list_push_take(all, val_cstring("null"))
                     : MIG_ENOMEM;
        if (!has && st == MIG_OK) {
            st = val_map_set_take(m, "type", 4, all);
            all = NULL;
        }
        val_unref(all);
        norm_change(n->ch, "%s: nullable: true read as \"null\" in the type",
                    here(n));
    } else {
        norm_change(n->ch, "%s: nullable: %s removed (%s)", here(n),
                    yes ? "true" : "false",
                    yes ? "there is no type to add null to: any value"
                        : "the default");
    }
    val_map_delete(m, "nullable", 8);
    return st;
}

/* draft-04's boolean exclusiveMinimum/exclusiveMaximum. */
static mig_status_t fit_exclusive(nctx_t *n, val_t *m, const char *ex,
                                  const char *bound)
{
    val_t *e = val_map_get(m, ex, strlen(ex));
    if (!e || val_type(e) != VAL_BOOL)
        return MIG_OK;
    val_t *b = val_map_get(m, bound, strlen(bound));
    mig_status_t st = MIG_OK;
    if (val_get_bool(e) && b) {
        val_t *keep = val_ref(b);
        st = val_map_set_take(m, ex, strlen(ex), keep);
        val_map_delete(m, bound, strlen(bound));
        norm_change(n->ch, "%s: %s: true with %s read as %s (draft-04 to "
                    "2020-12)", here(n), ex, bound, ex);
    } else {
        val_map_delete(m, ex, strlen(ex));
        norm_change(n->ch, "%s: %s: %s removed (%s)", here(n), ex,
                    val_get_bool(e) ? "true" : "false",
                    val_get_bool(e) ? "no bound to make exclusive"
                                    : "draft-04's default");
    }
    return st;
}

/* Renames the keyword FROM to TO (when TO is not there). */
static mig_status_t rename_kw(nctx_t *n, val_t *m, const char *from,
                              const char *to, const char *why)
{
    val_t *v = val_map_get(m, from, strlen(from));
    if (!v)
        return MIG_OK;
    if (val_map_get(m, to, strlen(to))) {
        norm_change(n->ch, "%s: %s dropped (%s is there too)", here(n), from,
                    to);
    } else {
        if (val_map_set(m, to, strlen(to), v) != MIG_OK)
            return MIG_ENOMEM;
        norm_change(n->ch, "%s: %s read as %s (%s)", here(n), from, to, why);
    }
    val_map_delete(m, from, strlen(from));
    return MIG_OK;
}

/* A $ref into definitions points into $defs. */
static mig_status_t fit_ref(nctx_t *n, val_t *m)
{
    val_t *r = val_map_get(m, "$ref", 4);
    const char *p = r && val_type(r) == VAL_STRING ? val_get_str(r, NULL)
                                                   : NULL;
    const char *at = p ? strstr(p, "#/definitions/") : NULL;
    if (!at)
        return MIG_OK;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_put(&b, p, (size_t)(at - p));
    strbuf_puts(&b, "#/$defs/");
    strbuf_puts(&b, at + strlen("#/definitions/"));
    mig_status_t st = b.oom ? MIG_ENOMEM
        : val_map_set_take(m, "$ref", 4, val_string(b.data, b.len));
    if (st == MIG_OK)
        norm_change(n->ch, "%s: $ref %s read as %s", here(n), p, b.data);
    strbuf_free(&b);
    return st;
}

/* Each member of the map of schemas KW fitted; a "required: true" inside
 * a property of "properties" goes to M's required list. */
static mig_status_t fit_map_of(nctx_t *n, val_t *m, const char *kw)
{
    val_t *subs = val_map_get(m, kw, strlen(kw));
    if (!subs || val_type(subs) != VAL_MAP)
        return MIG_OK;
    bool props = strcmp(kw, "properties") == 0;
    val_t *fitted = val_map_new(val_len(subs));
    if (!fitted)
        return MIG_ENOMEM;
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < val_len(subs); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(subs, i), &len);
        const val_t *sub = val_map_value(subs, i);
        val_t *one = NULL;
        st = fit_sub(n, sub, kw, k, len, (size_t)-1, &one);
        val_t *req = one && props && val_type(one) == VAL_MAP
            ? val_map_get(one, "required", 8) : NULL;
        if (st == MIG_OK && req && val_type(req) == VAL_BOOL) {
            bool yes = val_get_bool(req);
            val_map_delete(one, "required", 8);
            /* The required list may be shared with the schema as found
             * (a value is immutable once shared): a private copy, or a
             * new list, takes the name. */
            val_t *list = val_map_get(m, "required", 8);
            if (yes) {
                list = list && val_type(list) == VAL_LIST ? val_copy(list)
                                                          : val_list_new(1);
                st = list ? val_map_set_take(m, "required", 8, list)
                          : MIG_ENOMEM;
            }
            bool listed = false;
            for (size_t j = 0; yes && list && j < val_len(list); j++) {
                const val_t *r = val_list_get(list, j);
                size_t rl;
                const char *rs = val_type(r) == VAL_STRING
                                     ? val_get_str(r, &rl) : NULL;
                listed = listed || (rs && rl == len && !memcmp(rs, k, len));
            }
            if (st == MIG_OK && yes && !listed)
                st = val_list_push_take(list, val_string(k, len));
            strbuf_t at;
            strbuf_init(&at);
            strbuf_puts(&at, here(n));
            path_key(&at, kw, strlen(kw));
            path_key(&at, k, len);
            norm_change(n->ch, "%s: required: %s", at.data ? at.data : "",
                        yes ? "true moved to the object's required list"
                            : "false removed (the default)");
            strbuf_free(&at);
        }
        if (st == MIG_OK)
            st = val_map_set_take(fitted, k, len, one);
        else
            val_unref(one);
    }
    if (st == MIG_OK)
        st = val_map_set_take(m, kw, strlen(kw), fitted);
    else
        val_unref(fitted);
    return st;
}

static mig_status_t fit_one_of(nctx_t *n, val_t *m, const char *kw)
{
    val_t *sub = val_map_get(m, kw, strlen(kw)), *one = NULL;
    if (!sub || (val_type(sub) != VAL_MAP && val_type(sub) != VAL_BOOL))
        return MIG_OK;
    mig_status_t st = fit_sub(n, sub, kw, NULL, 0, (size_t)-1, &one);
    return st == MIG_OK ? val_map_set_take(m, kw, strlen(kw), one) : st;
}

static mig_status_t fit_list_of(nctx_t *n, val_t *m, const char *kw)
{
    val_t *subs = val_map_get(m, kw, strlen(kw));
    if (!subs || val_type(subs) != VAL_LIST)
        return MIG_OK;
    val_t *fitted = val_list_new(val_len(subs));
    mig_status_t st = fitted ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(subs); i++) {
        val_t *one = NULL;
        st = fit_sub(n, val_list_get(subs, i), kw, NULL, 0, i, &one);
        if (st == MIG_OK)
            st = val_list_push_take(fitted, one);
    }
    if (st == MIG_OK)
        return val_map_set_take(m, kw, strlen(kw), fitted);
    val_unref(fitted);
    return st;
}

/* Tuple items (a list) become prefixItems; additionalItems becomes items. */
static mig_status_t fit_items(nctx_t *n, val_t *m)
{
    val_t *items = val_map_get(m, "items", 5);
    mig_status_t st = MIG_OK;
    if (items && val_type(items) == VAL_LIST) {
        st = rename_kw(n, m, "items", "prefixItems", "a tuple");
        if (st == MIG_OK)
            st = rename_kw(n, m, "additionalItems", "items",
                           "after the tuple");
    } else if (val_map_get(m, "additionalItems", 15)) {
        norm_change(n->ch, "%s: additionalItems dropped (it means nothing "
                    "without tuple items)", here(n));
        val_map_delete(m, "additionalItems", 15);
    }
    return st;
}

/* dependencies (draft-07): lists become dependentRequired, schemas
 * dependentSchemas. */
static mig_status_t fit_dependencies(nctx_t *n, val_t *m)
{
    val_t *d = val_map_get(m, "dependencies", 12);
    if (!d)
        return MIG_OK;
    if (val_type(d) != VAL_MAP) {
        norm_change(n->ch, "%s: dependencies is not a map (dropped)",
                    here(n));
        val_map_delete(m, "dependencies", 12);
        return MIG_OK;
    }
    val_t *req = val_map_new(0), *sch = val_map_new(0);
    mig_status_t st = req && sch ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(d); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(d, i), &len);
        val_t *v = val_map_value(d, i);
        st = val_map_set(val_type(v) == VAL_LIST ? req : sch, k, len, v);
    }
    if (st == MIG_OK && val_len(req))
        st = val_map_set(m, "dependentRequired", 17, req);
    if (st == MIG_OK && val_len(sch))
        st = val_map_set(m, "dependentSchemas", 16, sch);
    if (st == MIG_OK)
        norm_change(n->ch, "%s: dependencies read as %s%s%s (draft-07 to "
                    "2020-12%s)", here(n),
                    val_len(req) ? "dependentRequired" : "",
                    val_len(req) && val_len(sch) ? " and " : "",
                    val_len(sch) ? "dependentSchemas" : "",
                    val_len(sch) ? "; dependentSchemas is kept, not checked"
                                 : "");
    val_map_delete(m, "dependencies", 12);
    val_unref(req);
    val_unref(sch);
    return st;
}

static const char *const map_kws[] = {
    "properties", "patternProperties", "$defs",
};
static const char *const one_kws[] = {
    "additionalProperties", "items", "contains", "propertyNames", "not",
    "if", "then", "else",
};
static const char *const list_kws[] = {
    "prefixItems", "allOf", "anyOf", "oneOf",
};

static mig_status_t fit(nctx_t *n, const val_t *in, val_t **out)
{
    *out = NULL;
    if (val_type(in) == VAL_BOOL) {
        *out = val_ref((val_t *)in);
        return MIG_OK;
    }
    if (val_type(in) != VAL_MAP) {
        norm_change(n->ch, "%s: a schema that is not a map (%s) read as any "
                    "value", here(n), val_type_name(val_type(in)));
        *out = val_map_new(0);
        return *out ? MIG_OK : MIG_ENOMEM;
    }
    val_t *m = val_copy(in);
    if (!m)
        return MIG_ENOMEM;
    mig_status_t st = fit_type(n, m);
    if (st == MIG_OK)
        st = fit_nullable(n, m);
    if (st == MIG_OK)
        st = fit_exclusive(n, m, "exclusiveMinimum", "minimum");
    if (st == MIG_OK)
        st = fit_exclusive(n, m, "exclusiveMaximum", "maximum");
    if (st == MIG_OK)
        st = rename_kw(n, m, "definitions", "$defs", "draft-07 to 2020-12");
    if (st == MIG_OK)
        st = fit_ref(n, m);
    if (st == MIG_OK)
        st = fit_items(n, m);
    if (st == MIG_OK)
        st = fit_dependencies(n, m);
    val_t *req = val_map_get(m, "required", 8);
    if (st == MIG_OK && req && val_type(req) != VAL_LIST
        && !(n->in_props && val_type(req) == VAL_BOOL)) {
        norm_change(n->ch, "%s: required is not a list of names (dropped)",
                    here(n));
        val_map_delete(m, "required", 8);
    }
    for (size_t i = 0; st == MIG_OK && i < sizeof map_kws / sizeof *map_kws;
         i++)
        st = fit_map_of(n, m, map_kws[i]);
    for (size_t i = 0; st == MIG_OK && i < sizeof one_kws / sizeof *one_kws;
         i++)
        st = fit_one_of(n, m, one_kws[i]);
    for (size_t i = 0; st == MIG_OK && i < sizeof list_kws / sizeof *list_kws;
         i++)
        st = fit_list_of(n, m, list_kws[i]);
    val_t *sv = val_map_get(m, "$schema", 7);
    if (st == MIG_OK && sv
        && !(val_type(sv) == VAL_STRING
             && strstr(val_get_str(sv, NULL), "2020-12"))) {
        norm_change(n->ch, "%s: $schema set to 2020-12", here(n));
        st = val_map_set_take(m, "$schema", 7, val_cstring(
            "https://json-schema.org/draft/2020-12/schema"));
    }
    if (st == MIG_OK && (n->ch->oom || n->path.oom))
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        *out = m;
    else
        val_unref(m);
    return st;
}

/* OUT, an object schema: null gives an empty one, a schema with
 * properties but no type gets type object, another type is wrapped. */
static mig_status_t make_object(nctx_t *n, val_t **out)
{
    val_t *m = *out;
    if (val_type(m) == VAL_BOOL) {
        norm_change(n->ch, "%s: the schema %s read as an object schema",
                    here(n), val_get_bool(m) ? "true" : "false");
        val_t *o = val_map_new(2);
        if (!o || val_map_set_take(o, "type", 4, val_cstring("object"))
            != MIG_OK) {
            val_unref(o);
            return MIG_ENOMEM;
        }
        if (!val_get_bool(m)
            && val_map_set_take(o, "additionalProperties", 20,
                                val_bool(false)) != MIG_OK) {
            val_unref(o);
            return MIG_ENOMEM;
        }
        val_unref(m);
        *out = o;
        return MIG_OK;
    }
    val_t *t = val_map_get(m, "type", 4);
    if (t && val_type(t) == VAL_STRING
        && strcmp(val_get_str(t, NULL), "object") == 0)
        return MIG_OK;
    if (!t && !val_map_get(m, "oneOf", 5) && !val_map_get(m, "anyOf", 5)
        && !val_map_get(m, "$ref", 4) && !val_map_get(m, "items", 5)
        && !val_map_get(m, "prefixItems", 11)) {
        norm_change(n->ch, "%s: type object added", here(n));
        return val_map_set_take(m, "type", 4, val_cstring("object"));
    }
    val_t *o = val_map_new(3), *props = val_map_new(1), *req = val_list_new(1);
    mig_status_t st = o && props && req ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(o, "type", 4, val_cstring("object"));
    if (st == MIG_OK)
        st = val_map_set_take(props, "value", 5, m);
    else
        val_unref(m);
    if (st == MIG_OK)
        st = val_list_push_take(req, val_cstring("value"));
    if (st == MIG_OK)
        st = val_map_set(o, "properties", 10, props);
    if (st == MIG_OK)
        st = val_map_set(o, "required", 8, req);
    val_unref(props);
    val_unref(req);
    if (st != MIG_OK) {
        val_unref(o);
        *out = NULL;
        return st;
    }
    norm_change(n->ch, "%s: not an object schema; wrapped as the required "
                "property 'value'", here(n));
    *out = o;
    return MIG_OK;
}

mig_status_t norm_schema(const val_t *in, const char *where, bool object,
                         norm_changes_t *ch, val_t **out)
{
    nctx_t n = { .ch = ch };
    strbuf_init(&n.path);
    strbuf_puts(&n.path, where);
    *out = NULL;
    mig_status_t st = MIG_OK;
    if (!in || val_type(in) == VAL_NULL) {
        norm_change(ch, "%s: none given; an object schema with no "
                    "properties", where);
        *out = val_map_new(2);
        st = *out ? val_map_set_take(*out, "type", 4, val_cstring("object"))
                  : MIG_ENOMEM;
        if (st == MIG_OK)
            st = val_map_set_take(*out, "properties", 10, val_map_new(0));
    } else {
        st = fit(&n, in, out);
        if (st == MIG_OK && object)
            st = make_object(&n, out);
    }
    if (st == MIG_OK && (ch->oom || n.path.oom))
        st = MIG_ENOMEM;
    if (st != MIG_OK) {
        val_unref(*out);
        *out = NULL;
    }
    strbuf_free(&n.path);
    return st;
}
