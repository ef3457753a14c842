/* schema.c: JSON Schema 2020-12 over mig values (interpreter.h, "schemas";
 * docs/schema.md): the walk, paths, type, enum, properties, required,
 * additionalProperties, items and the bounds; the other keywords are in
 * schema_kw.c. Keywords outside the subset are ignored, as JSON Schema
 * ignores what it does not know. A keyword with a value of the wrong kind is an error in the
 * schema, not a violation. Lua's mig.schema.validate (runtime/lua_schema.c)
 * and the adapt.* strategies (stdlib/adapt_*.c) share it. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "schema_int.h"

/* The JSON Schema type names, and mig's "duration". */
static const char *const type_names[] = {
    "null", "boolean", "integer", "number", "string", "array", "object",
    "duration",
};

/* What the messages call a map: Lua's word, or mig's. */
static const char *map_word(const vctx_t *c)
{
    return c->flags & SCHEMA_LUA ? "table" : "map";
}

bool schema_is_type(const val_t *v, const char *t)
{
    switch (val_type(v)) {
    case VAL_NULL:
        return strcmp(t, "null") == 0;
    case VAL_BOOL:
        return strcmp(t, "boolean") == 0;
    case VAL_NUMBER:
        if (strcmp(t, "number") == 0)
            return true;
        return strcmp(t, "integer") == 0
            && (val_is_int(v)
                || floor(val_get_number(v)) == val_get_number(v));
    case VAL_STRING:
        return strcmp(t, "string") == 0;
    case VAL_LIST:
        return strcmp(t, "array") == 0;
    case VAL_MAP:
        return strcmp(t, "object") == 0;
    case VAL_DURATION:
        return strcmp(t, "duration") == 0;
    case VAL_SECRET:            /* its bytes are not looked at */
        return strcmp(t, "secret") == 0;
    }
    return false;
}

const char *schema_type_of(const val_t *v)
{
    static const char *const names[] = {
        [VAL_NULL] = "null", [VAL_BOOL] = "boolean", [VAL_NUMBER] = "number",
        [VAL_STRING] = "string", [VAL_LIST] = "array", [VAL_MAP] = "object",
        [VAL_DURATION] = "duration", [VAL_SECRET] = "secret",
    };
    if (val_type(v) == VAL_NUMBER && val_is_int(v))
        return "integer";
    return names[val_type(v)];
}

void schema_path_key(strbuf_t *path, const char *key, size_t len)
{
    bool name = len > 0 && !(key[0] >= '0' && key[0] <= '9');
    for (size_t j = 0; name && j < len; j++)
        name = (key[j] >= 'a' && key[j] <= 'z')
            || (key[j] >= 'A' && key[j] <= 'Z')
            || (key[j] >= '0' && key[j] <= '9') || key[j] == '_';
    if (name) {
        strbuf_putc(path, '.');
        strbuf_put(path, key, len);
    } else {
        strbuf_puts(path, "[");
        strbuf_put_quoted(path, key, len);
        strbuf_puts(path, "]");
    }
}

void schema_violation(vctx_t *c, const char *fmt, ...)
{
    c->failed++;
    if (!c->errors)
        return;
    va_list ap;
    va_start(ap, fmt);
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    val_t *s;
    if (c->flags & SCHEMA_POINTER) {
        s = val_map_new(2);
        val_t *p = val_string(c->path.data ? c->path.data : "", c->path.len);
        val_t *m = val_cstring(msg);
        if (!s || !p || !m || val_map_set_take(s, "pointer", 7, p) != MIG_OK
            || val_map_set_take(s, "message", 7, m) != MIG_OK) {
            val_unref(s);
            s = NULL;
        }
    } else {
        strbuf_t b;
        strbuf_init(&b);
        strbuf_put(&b, c->path.data, c->path.len);
        strbuf_puts(&b, ": ");
        strbuf_puts(&b, msg);
        s = b.oom ? NULL : val_string(b.data, b.len);
        strbuf_free(&b);
    }
    if (!s || val_list_push_take(c->errors, s) != MIG_OK)
        c->oom = true;
}

mig_status_t schema_bad(vctx_t *c, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!(c->flags & SCHEMA_POINTER))
        strbuf_printf(c->why, "%.*s: %s", (int)c->path.len,
                      c->path.data ? c->path.data : "", msg);
    else if (c->path.len)
        strbuf_printf(c->why, "at %.*s: %s", (int)c->path.len, c->path.data,
                      msg);
    else
        strbuf_printf(c->why, "at the root: %s", msg);
    return MIG_EINVALID;
}

val_t *schema_kw(const val_t *schema, const char *k)
{
    return val_map_get(schema, k, strlen(k));
}

/* ---- the shape of each keyword (shared by both walks) ------------------- */

static mig_status_t type_shape(vctx_t *c, const val_t *t)
{
    bool list = val_type(t) == VAL_LIST;
    size_t n = list ? val_len(t) : 1;
    if ((!list && val_type(t) != VAL_STRING) || n == 0)
        return schema_bad(c, "'type' must be a type name or a list of them");
    for (size_t i = 0; i < n; i++) {
        const val_t *one = list ? val_list_get(t, i) : t;
        if (val_type(one) != VAL_STRING)
            return schema_bad(c, "'type' must be a type name or a list of "
                              "them");
        const char *name = val_get_str(one, NULL);
        bool known = false;
        for (size_t j = 0; j < sizeof type_names / sizeof *type_names; j++)
            known = known || strcmp(name, type_names[j]) == 0;
        if (!known)
            return schema_bad(c, "'type' names an unknown type (the types "
                              "are null, boolean, integer, number, string, "
                              "array, object and duration)");
    }
    return MIG_OK;
}

/* What a bound measures. */
enum { B_NUMBER, B_CHARS, B_ITEMS, B_PROPS };

static const struct { const char *kw; int of; bool min, excl; } bounds[] = {
    { "minimum", B_NUMBER, true, false },
    { "maximum", B_NUMBER, false, false },
    { "exclusiveMinimum", B_NUMBER, true, true },
    { "exclusiveMaximum", B_NUMBER, false, true },
    { "minLength", B_CHARS, true, false },
    { "maxLength", B_CHARS, false, false },
    { "minItems", B_ITEMS, true, false },
    { "maxItems", B_ITEMS, false, false },
    { "minProperties", B_PROPS, true, false },
    { "maxProperties", B_PROPS, false, false },
};

/* Bound I's value B must be a number (a whole one, 0 or more, for the
 * counts). */
static mig_status_t bound_shape(vctx_t *c, size_t i, const val_t *b)
{
    bool count = bounds[i].of != B_NUMBER;
    if (bounds[i].excl && val_type(b) == VAL_BOOL)
        return schema_bad(c, "'%s' must be a number (true or false is "
                          "draft-04's form; tools.normalize converts it)",
                          bounds[i].kw);
    if (val_type(b) != VAL_NUMBER
        || (count && (!val_is_int(b) || val_get_int(b) < 0)))
        return schema_bad(c, "'%s' must be %s", bounds[i].kw,
                          count ? "a whole number, 0 or more" : "a number");
    return MIG_OK;
}

static mig_status_t object_shape(vctx_t *c, const val_t *props,
                                 const val_t *req, const val_t *extra)
{
    if (props && val_type(props) != VAL_MAP)
        return schema_bad(c, "'properties' must be a %s of schemas",
                          map_word(c));
    if (req && val_type(req) != VAL_LIST)
        return schema_bad(c, "'required' must be a list of names");
    if (extra && val_type(extra) != VAL_BOOL && val_type(extra) != VAL_MAP)
        return schema_bad(c, "'additionalProperties' must be a boolean or a "
                          "schema");
    return MIG_OK;
}

static mig_status_t items_shape(vctx_t *c, const val_t *items)
{
    if (val_type(items) != VAL_MAP && val_type(items) != VAL_BOOL)
        return schema_bad(c, "'items' must be one schema (a %s); lists of "
                          "schemas are not supported", map_word(c));
    return MIG_OK;
}

/* ---- validating a value ------------------------------------------------- */

static mig_status_t check_type(vctx_t *c, const val_t *v, const val_t *t)
{
    mig_status_t st = type_shape(c, t);
    if (st != MIG_OK)
        return st;
    bool list = val_type(t) == VAL_LIST;
    size_t n = list ? val_len(t) : 1;
    bool fits = false;
    strbuf_t names;
    strbuf_init(&names);
    for (size_t i = 0; i < n; i++) {
        const char *name = val_get_str(list ? val_list_get(t, i) : t, NULL);
        if (i)
            strbuf_puts(&names, i + 1 == n ? " or " : ", ");
        strbuf_puts(&names, name);
        fits = fits || schema_is_type(v, name);
    }
    if (!fits)
        schema_violation(c, "expected %s, found %s", names.data ? names.data : "?",
                  schema_type_of(v));
    c->oom |= names.oom;
    strbuf_free(&names);
    return MIG_OK;
}

size_t schema_path_push(vctx_t *c, const char *key, size_t len)
{
    size_t mark = c->path.len;
    if (!(c->flags & SCHEMA_POINTER)) {
        schema_path_key(&c->path, key, len);
        return mark;
    }
    strbuf_putc(&c->path, '/');
    for (size_t j = 0; j < len; j++)
        if (key[j] == '~')
            strbuf_puts(&c->path, "~0");
        else if (key[j] == '/')
            strbuf_puts(&c->path, "~1");
        else
            strbuf_putc(&c->path, key[j]);
    return mark;
}

void schema_path_pop(vctx_t *c, size_t mark)
{
    c->path.len = mark;
    if (c->path.data)
        c->path.data[mark] = '\0';
}

mig_status_t schema_descend(vctx_t *c, const val_t *child, const val_t *schema,
                     const char *key, size_t len, size_t i)
{
    size_t mark = c->path.len;
    if (key)
        schema_path_push(c, key, len);
    else if (c->flags & SCHEMA_POINTER)
        strbuf_printf(&c->path, "/%zu", i);
    else
        strbuf_printf(&c->path, "[%zu]", i + (c->flags & SCHEMA_LUA ? 1 : 0));
    mig_status_t st = schema_walk(c, child, schema);
    schema_path_pop(c, mark);
    return st;
}

static mig_status_t check_object(vctx_t *c, const val_t *v,
                                 const val_t *schema)
{
    const val_t *props = schema_kw(schema, "properties");
    const val_t *req = schema_kw(schema, "required");
    const val_t *extra = schema_kw(schema, "additionalProperties");
    const val_t *pats = schema_kw(schema, "patternProperties");
    mig_status_t st = object_shape(c, props, req, extra);
    if (st == MIG_OK && pats && val_type(pats) != VAL_MAP)
        st = schema_bad(c, "'patternProperties' must be a %s of schemas",
                        map_word(c));
    for (size_t j = 0; st == MIG_OK && pats && j < val_len(pats); j++) {
        bool found;     /* each pattern must compile, whatever V is */
        st = schema_pattern(c, val_map_key(pats, j), "", 0, &found);
    }
    if (st != MIG_OK || val_type(v) != VAL_MAP)
        return st;
    for (size_t i = 0; req && i < val_len(req); i++) {
        const val_t *name = val_list_get(req, i);
        if (val_type(name) != VAL_STRING)
            return schema_bad(c, "'required' must be a list of names");
        size_t len;
        const char *k = val_get_str(name, &len);
        if (!val_map_get(v, k, len))
            schema_violation(c, "the property '%.*s' is required", (int)len, k);
    }
    for (size_t i = 0; i < val_len(v); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(v, i), &len);
        const val_t *sub = props ? val_map_get(props, k, len) : NULL;
        bool matched = false;
        for (size_t j = 0; pats && j < val_len(pats); j++) {
            bool found;
            st = schema_pattern(c, val_map_key(pats, j), k, len, &found);
            if (st == MIG_OK && found)
                st = schema_descend(c, val_map_value(v, i),
                                    val_map_value(pats, j), k, len, 0);
            if (st != MIG_OK)
                return st;
            matched = matched || found;
        }
        if (matched && !sub)
            continue;
        if (!sub && extra && val_type(extra) == VAL_BOOL
            && !val_get_bool(extra)) {
            schema_violation(c, "the property '%.*s' is not allowed", (int)len, k);
            continue;
        }
        if (!sub && extra && val_type(extra) == VAL_MAP)
            sub = extra;
        if (sub) {
            st = schema_descend(c, val_map_value(v, i), sub, k, len, 0);
            if (st != MIG_OK)
                return st;
        }
    }
    return MIG_OK;
}

/* D as messages write it: whole numbers without a fraction. */
void schema_number_text(double d, char buf[DOUBLE_TEXT_MAX])
{
    if (floor(d) == d && fabs(d) < 1e15)
        snprintf(buf, DOUBLE_TEXT_MAX, "%.0f", d);
    else
        double_text(d, buf);
}

/* What bound I measures of V into *X; false when it does not apply. */
static bool measure(size_t i, const val_t *v, double *x)
{
    switch (bounds[i].of) {
    case B_NUMBER:
        if (val_type(v) != VAL_NUMBER)
            return false;
        *x = val_get_number(v);
        return true;
    case B_CHARS: {
        if (val_type(v) != VAL_STRING)
            return false;
        size_t len, chars = 0;
        const char *s = val_get_str(v, &len);
        for (size_t j = 0; j < len; j++)
            chars += ((unsigned char)s[j] & 0xc0) != 0x80;
        *x = (double)chars;
        return true;
    }
    case B_ITEMS:
    case B_PROPS:
        if (val_type(v) != (bounds[i].of == B_ITEMS ? VAL_LIST : VAL_MAP))
            return false;
        *x = (double)val_len(v);
        return true;
    }
    return false;
}

/* The bounds: minimum/maximum and their exclusive forms (numbers),
 * minLength/maxLength (strings, counted in characters), minItems/maxItems,
 * minProperties/maxProperties. */
static mig_status_t check_bounds(vctx_t *c, const val_t *v,
                                 const val_t *schema)
{
    static const char *const units[] = {
        [B_NUMBER] = "", [B_CHARS] = " characters long",
        [B_ITEMS] = " items", [B_PROPS] = " properties",
    };
    for (size_t i = 0; i < sizeof bounds / sizeof *bounds; i++) {
        const val_t *b = schema_kw(schema, bounds[i].kw);
        if (!b)
            continue;
        mig_status_t st = bound_shape(c, i, b);
        if (st != MIG_OK)
            return st;
        double limit = val_get_number(b), x;
        if (!measure(i, v, &x))
            continue;
        bool out = bounds[i].excl ? (bounds[i].min ? x <= limit : x >= limit)
                                  : (bounds[i].min ? x < limit : x > limit);
        if (!out)
            continue;
        char lt[DOUBLE_TEXT_MAX], xt[DOUBLE_TEXT_MAX];
        schema_number_text(limit, lt);
        schema_number_text(x, xt);
        const char *how = bounds[i].excl
            ? (bounds[i].min ? "more than" : "less than")
            : (bounds[i].min ? "at least" : "at most");
        if (bounds[i].of == B_CHARS || bounds[i].of == B_NUMBER)
            schema_violation(c, "must be %s %s%s, found %s", how, lt,
                             units[bounds[i].of], xt);
        else
            schema_violation(c, "must have %s %s%s, found %s", how, lt,
                             units[bounds[i].of], xt);
    }
    return MIG_OK;
}

static mig_status_t check_enum(vctx_t *c, const val_t *v, const val_t *e)
{
    if (val_type(e) != VAL_LIST)
        return schema_bad(c, "'enum' must be a list of values");
    for (size_t i = 0; i < val_len(e); i++)
        if (val_type(val_list_get(e, i)) == val_type(v)
            && val_equal(val_list_get(e, i), v))
            return MIG_OK;
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < val_len(e) && b.len < 200; i++) {
        if (i)
            strbuf_puts(&b, ", ");
        val_format(val_list_get(e, i), &b);
    }
    schema_violation(c, "must be one of %s", b.data ? b.data : "(nothing)");
    c->oom |= b.oom;
    strbuf_free(&b);
    return MIG_OK;
}

mig_status_t schema_walk(vctx_t *c, const val_t *v, const val_t *schema)
{
    if (val_type(schema) == VAL_BOOL) {
        if (!val_get_bool(schema))
            schema_violation(c, "no value is allowed here (the schema is "
                             "false)");
        return MIG_OK;
    }
    if (val_type(schema) != VAL_MAP)
        return schema_bad(c, "a schema must be a %s", map_word(c));
    const val_t *t = schema_kw(schema, "type"), *e = schema_kw(schema, "enum");
    const val_t *items = schema_kw(schema, "items");
    mig_status_t st = t ? check_type(c, v, t) : MIG_OK;
    if (st == MIG_OK && e)
        st = check_enum(c, v, e);
    if (st == MIG_OK)
        st = check_bounds(c, v, schema);
    if (st == MIG_OK)
        st = check_object(c, v, schema);
    if (st == MIG_OK && items) {
        st = items_shape(c, items);
        for (size_t i = schema_prefix_len(schema); val_type(v) == VAL_LIST
                           && i < val_len(v) && st == MIG_OK; i++)
            st = schema_descend(c, val_list_get(v, i), items, NULL, 0, i);
    }
    if (st == MIG_OK)
        st = schema_kw_more(c, v, schema);
    if (st == MIG_OK && (c->oom || c->path.oom))
        st = MIG_ENOMEM;
    return st;
}

mig_status_t schema_validate_from(const val_t *value, const val_t *schema,
                                  const char *root, const char *base,
                                  unsigned flags, val_t *errors, strbuf_t *why)
{
    vctx_t c = { .errors = errors, .why = why, .flags = flags,
                 .root = schema, .base = base };
    strbuf_init(&c.path);
    strbuf_puts(&c.path, root);
    mig_status_t st = schema_walk(&c, value, schema);
    if (st == MIG_OK && (c.oom || c.path.oom))
        st = MIG_ENOMEM;
    strbuf_free(&c.path);
    val_unref(c.docs);
    return st;
}

mig_status_t schema_validate_at(const val_t *value, const val_t *schema,
                                const char *root, unsigned flags,
                                val_t *errors, strbuf_t *why)
{
    return schema_validate_from(value, schema, root, NULL, flags, errors,
                                why);
}

mig_status_t schema_validate(const val_t *value, const val_t *schema,
                             val_t *errors, strbuf_t *why)
{
    return schema_validate_at(value, schema, "$", 0, errors, why);
}

/* ---- checking a schema alone -------------------------------------------- */

static mig_status_t check_schema(vctx_t *c, const val_t *schema);

/* Checks SUB at the path extended by the keyword KW and, when NAME is
 * not NULL, by NAME under it (schema.properties.city); NAME NULL and LEN
 * not 0, by the index LEN - 1 (schema.anyOf[0]). */
static mig_status_t check_sub(vctx_t *c, const val_t *sub, const char *kwd,
                              const char *name, size_t len)
{
    size_t mark = c->path.len;
    schema_path_key(&c->path, kwd, strlen(kwd));
    if (name)
        schema_path_key(&c->path, name, len);
    else if (len)
        strbuf_printf(&c->path, "[%zu]", len - 1);
    mig_status_t st = c->path.oom ? MIG_ENOMEM : check_schema(c, sub);
    c->path.len = mark;
    if (c->path.data)
        c->path.data[mark] = '\0';
    return st;
}

static mig_status_t check_schema(vctx_t *c, const val_t *schema)
{
    if (val_type(schema) == VAL_BOOL)
        return MIG_OK;
    if (val_type(schema) != VAL_MAP)
        return schema_bad(c, "a schema must be a %s", map_word(c));
    const val_t *t = schema_kw(schema, "type"), *e = schema_kw(schema, "enum");
    const val_t *props = schema_kw(schema, "properties");
    const val_t *req = schema_kw(schema, "required");
    const val_t *extra = schema_kw(schema, "additionalProperties");
    const val_t *items = schema_kw(schema, "items");
    mig_status_t st = t ? type_shape(c, t) : MIG_OK;
    if (st == MIG_OK && e && val_type(e) != VAL_LIST)
        st = schema_bad(c, "'enum' must be a list of values");
    for (size_t i = 0; st == MIG_OK && i < sizeof bounds / sizeof *bounds;
         i++) {
        const val_t *b = schema_kw(schema, bounds[i].kw);
        st = b ? bound_shape(c, i, b) : MIG_OK;
    }
    if (st == MIG_OK)
        st = object_shape(c, props, req, extra);
    for (size_t i = 0; st == MIG_OK && req && i < val_len(req); i++)
        if (val_type(val_list_get(req, i)) != VAL_STRING)
            st = schema_bad(c, "'required' must be a list of names");
    for (size_t i = 0; st == MIG_OK && props && i < val_len(props); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(props, i), &len);
        st = check_sub(c, val_map_value(props, i), "properties", k, len);
    }
    if (st == MIG_OK && extra && val_type(extra) == VAL_MAP)
        st = check_sub(c, extra, "additionalProperties", NULL, 0);
    if (st == MIG_OK && items) {
        st = items_shape(c, items);
        if (st == MIG_OK)
            st = check_sub(c, items, "items", NULL, 0);
    }
    const val_t *pats = schema_kw(schema, "patternProperties");
    for (size_t i = 0; st == MIG_OK && pats && val_type(pats) == VAL_MAP
                       && i < val_len(pats); i++) {
        bool found;
        st = schema_pattern(c, val_map_key(pats, i), "", 0, &found);
    }
    return st == MIG_OK ? schema_kw_shape(c, schema, check_sub) : st;
}

mig_status_t schema_check(const val_t *schema, const char *root,
                          unsigned flags, strbuf_t *why)
{
    vctx_t c = { .why = why, .flags = flags, .root = schema };
    strbuf_init(&c.path);
    strbuf_puts(&c.path, root);
    mig_status_t st = c.path.oom ? MIG_ENOMEM : check_schema(&c, schema);
    strbuf_free(&c.path);
    return st;
}
