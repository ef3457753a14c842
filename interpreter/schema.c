/* schema.c: a JSON-Schema subset over mig values (interpreter.h, "schemas";
 * docs/lua.md, "mig.schema.validate"): type, enum, properties, required,
 * additionalProperties, items, minimum, maximum, minLength, maxLength.
 * Other keywords are ignored, as JSON Schema ignores what it does not
 * know. A keyword with a value of the wrong kind is an error in the
 * schema, not a violation. Lua's mig.schema.validate (runtime/lua_schema.c)
 * and the adapt.* strategies (stdlib/adapt_*.c) share it. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "interpreter_int.h"

typedef struct vctx {
    val_t *errors;      /* NULL while checking a schema alone */
    strbuf_t *why;
    strbuf_t path;
    unsigned flags;
    bool oom;
} vctx_t;

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
    }
    return false;
}

const char *schema_type_of(const val_t *v)
{
    static const char *const names[] = {
        [VAL_NULL] = "null", [VAL_BOOL] = "boolean", [VAL_NUMBER] = "number",
        [VAL_STRING] = "string", [VAL_LIST] = "array", [VAL_MAP] = "object",
        [VAL_DURATION] = "duration",
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

/* Records a violation at the current path. */
static void violation(vctx_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void violation(vctx_t *c, const char *fmt, ...)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_put(&b, c->path.data, c->path.len);
    strbuf_puts(&b, ": ");
    va_list ap;
    va_start(ap, fmt);
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    strbuf_puts(&b, msg);
    val_t *s = b.oom ? NULL : val_string(b.data, b.len);
    if (!s || val_list_push_take(c->errors, s) != MIG_OK)
        c->oom = true;
    strbuf_free(&b);
}

/* Says the schema at the current path is wrong; MIG_EINVALID. */
static mig_status_t bad_schema(vctx_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static mig_status_t bad_schema(vctx_t *c, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    strbuf_printf(c->why, "%.*s: %s", (int)c->path.len,
                  c->path.data ? c->path.data : "", msg);
    return MIG_EINVALID;
}

/* The keyword K of SCHEMA, or NULL. */
static val_t *kw(const val_t *schema, const char *k)
{
    return val_map_get(schema, k, strlen(k));
}

/* ---- the shape of each keyword (shared by both walks) ------------------- */

static mig_status_t type_shape(vctx_t *c, const val_t *t)
{
    bool list = val_type(t) == VAL_LIST;
    size_t n = list ? val_len(t) : 1;
    if ((!list && val_type(t) != VAL_STRING) || n == 0)
        return bad_schema(c, "'type' must be a type name or a list of them");
    for (size_t i = 0; i < n; i++) {
        const val_t *one = list ? val_list_get(t, i) : t;
        if (val_type(one) != VAL_STRING)
            return bad_schema(c, "'type' must be a type name or a list of "
                              "them");
        const char *name = val_get_str(one, NULL);
        bool known = false;
        for (size_t j = 0; j < sizeof type_names / sizeof *type_names; j++)
            known = known || strcmp(name, type_names[j]) == 0;
        if (!known)
            return bad_schema(c, "'type' names an unknown type (the types "
                              "are null, boolean, integer, number, string, "
                              "array, object and duration)");
    }
    return MIG_OK;
}

static const struct { const char *kw; bool len, min; } bounds[] = {
    { "minimum", false, true }, { "maximum", false, false },
    { "minLength", true, true }, { "maxLength", true, false },
};

/* Bound I's value B must be a number (a whole one, 0 or more, for the
 * lengths). */
static mig_status_t bound_shape(vctx_t *c, size_t i, const val_t *b)
{
    if (val_type(b) != VAL_NUMBER
        || (bounds[i].len && (!val_is_int(b) || val_get_int(b) < 0)))
        return bad_schema(c, "'%s' must be %s", bounds[i].kw,
                          bounds[i].len ? "a whole number, 0 or more"
                                        : "a number");
    return MIG_OK;
}

static mig_status_t object_shape(vctx_t *c, const val_t *props,
                                 const val_t *req, const val_t *extra)
{
    if (props && val_type(props) != VAL_MAP)
        return bad_schema(c, "'properties' must be a %s of schemas",
                          map_word(c));
    if (req && val_type(req) != VAL_LIST)
        return bad_schema(c, "'required' must be a list of names");
    if (extra && val_type(extra) != VAL_BOOL && val_type(extra) != VAL_MAP)
        return bad_schema(c, "'additionalProperties' must be a boolean or a "
                          "schema");
    return MIG_OK;
}

static mig_status_t items_shape(vctx_t *c, const val_t *items)
{
    if (val_type(items) != VAL_MAP)
        return bad_schema(c, "'items' must be one schema (a %s); lists of "
                          "schemas are not supported", map_word(c));
    return MIG_OK;
}

/* ---- validating a value ------------------------------------------------- */

static mig_status_t check(vctx_t *c, const val_t *v, const val_t *schema);

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
        violation(c, "expected %s, found %s", names.data ? names.data : "?",
                  schema_type_of(v));
    c->oom |= names.oom;
    strbuf_free(&names);
    return MIG_OK;
}

/* Runs WALK on CHILD (a value and its schema, or a schema alone) with the
 * path extended by KEY (a map key) or, KEY NULL, by [I] (counted from 1
 * in Lua's words, else from 0). */
static mig_status_t descend(vctx_t *c, const val_t *child,
                            const val_t *schema, const char *key, size_t len,
                            size_t i)
{
    size_t mark = c->path.len;
    if (key)
        schema_path_key(&c->path, key, len);
    else
        strbuf_printf(&c->path, "[%zu]", i + (c->flags & SCHEMA_LUA ? 1 : 0));
    mig_status_t st = check(c, child, schema);
    c->path.len = mark;
    if (c->path.data)
        c->path.data[mark] = '\0';
    return st;
}

static mig_status_t check_object(vctx_t *c, const val_t *v,
                                 const val_t *schema)
{
    const val_t *props = kw(schema, "properties");
    const val_t *req = kw(schema, "required");
    const val_t *extra = kw(schema, "additionalProperties");
    mig_status_t st = object_shape(c, props, req, extra);
    if (st != MIG_OK || val_type(v) != VAL_MAP)
        return st;
    for (size_t i = 0; req && i < val_len(req); i++) {
        const val_t *name = val_list_get(req, i);
        if (val_type(name) != VAL_STRING)
            return bad_schema(c, "'required' must be a list of names");
        size_t len;
        const char *k = val_get_str(name, &len);
        if (!val_map_get(v, k, len))
            violation(c, "the property '%.*s' is required", (int)len, k);
    }
    for (size_t i = 0; i < val_len(v); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(v, i), &len);
        const val_t *sub = props ? val_map_get(props, k, len) : NULL;
        if (!sub && extra && val_type(extra) == VAL_BOOL
            && !val_get_bool(extra)) {
            violation(c, "the property '%.*s' is not allowed", (int)len, k);
            continue;
        }
        if (!sub && extra && val_type(extra) == VAL_MAP)
            sub = extra;
        if (sub) {
            st = descend(c, val_map_value(v, i), sub, k, len, 0);
            if (st != MIG_OK)
                return st;
        }
    }
    return MIG_OK;
}

/* minimum/maximum (numbers) and minLength/maxLength (strings, counted in
 * characters). */
static mig_status_t check_bounds(vctx_t *c, const val_t *v,
                                 const val_t *schema)
{
    for (size_t i = 0; i < sizeof bounds / sizeof *bounds; i++) {
        const val_t *b = kw(schema, bounds[i].kw);
        if (!b)
            continue;
        mig_status_t st = bound_shape(c, i, b);
        if (st != MIG_OK)
            return st;
        double limit = val_get_number(b), x;
        if (bounds[i].len && val_type(v) == VAL_STRING) {
            size_t len;
            const char *s = val_get_str(v, &len);
            size_t chars = 0;
            for (size_t j = 0; j < len; j++)
                chars += ((unsigned char)s[j] & 0xc0) != 0x80;
            x = (double)chars;
        } else if (!bounds[i].len && val_type(v) == VAL_NUMBER) {
            x = val_get_number(v);
        } else {
            continue;
        }
        char lt[DOUBLE_TEXT_MAX], xt[DOUBLE_TEXT_MAX];
        if (bounds[i].len || floor(limit) == limit)
            snprintf(lt, sizeof lt, "%.0f", limit);
        else
            double_text(limit, lt);
        if (bounds[i].len || floor(x) == x)
            snprintf(xt, sizeof xt, "%.0f", x);
        else
            double_text(x, xt);
        if (bounds[i].min ? x < limit : x > limit)
            violation(c, bounds[i].len ? "must be at %s %s characters long, "
                                         "found %s"
                                       : "must be at %s %s, found %s",
                      bounds[i].min ? "least" : "most", lt, xt);
    }
    return MIG_OK;
}

static mig_status_t check_enum(vctx_t *c, const val_t *v, const val_t *e)
{
    if (val_type(e) != VAL_LIST)
        return bad_schema(c, "'enum' must be a list of values");
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
    violation(c, "must be one of %s", b.data ? b.data : "(nothing)");
    c->oom |= b.oom;
    strbuf_free(&b);
    return MIG_OK;
}

static mig_status_t check(vctx_t *c, const val_t *v, const val_t *schema)
{
    if (val_type(schema) != VAL_MAP)
        return bad_schema(c, "a schema must be a %s", map_word(c));
    const val_t *t = kw(schema, "type"), *e = kw(schema, "enum");
    const val_t *items = kw(schema, "items");
    mig_status_t st = t ? check_type(c, v, t) : MIG_OK;
    if (st == MIG_OK && e)
        st = check_enum(c, v, e);
    if (st == MIG_OK)
        st = check_bounds(c, v, schema);
    if (st == MIG_OK)
        st = check_object(c, v, schema);
    if (st == MIG_OK && items) {
        st = items_shape(c, items);
        for (size_t i = 0; val_type(v) == VAL_LIST && i < val_len(v)
                           && st == MIG_OK; i++)
            st = descend(c, val_list_get(v, i), items, NULL, 0, i);
    }
    if (st == MIG_OK && (c->oom || c->path.oom))
        st = MIG_ENOMEM;
    return st;
}

mig_status_t schema_validate_at(const val_t *value, const val_t *schema,
                                const char *root, unsigned flags,
                                val_t *errors, strbuf_t *why)
{
    vctx_t c = { .errors = errors, .why = why, .flags = flags };
    strbuf_init(&c.path);
    strbuf_puts(&c.path, root);
    mig_status_t st = check(&c, value, schema);
    if (st == MIG_OK && (c.oom || c.path.oom))
        st = MIG_ENOMEM;
    strbuf_free(&c.path);
    return st;
}

mig_status_t schema_validate(const val_t *value, const val_t *schema,
                             val_t *errors, strbuf_t *why)
{
    return schema_validate_at(value, schema, "$", 0, errors, why);
}

/* ---- checking a schema alone -------------------------------------------- */

static mig_status_t check_schema(vctx_t *c, const val_t *schema);

/* Checks SUB at the path extended by the keyword KW and, when NAME is
 * not NULL, by NAME under it (schema.properties.city). */
static mig_status_t check_sub(vctx_t *c, const val_t *sub, const char *kwd,
                              const char *name, size_t len)
{
    size_t mark = c->path.len;
    schema_path_key(&c->path, kwd, strlen(kwd));
    if (name)
        schema_path_key(&c->path, name, len);
    mig_status_t st = c->path.oom ? MIG_ENOMEM : check_schema(c, sub);
    c->path.len = mark;
    if (c->path.data)
        c->path.data[mark] = '\0';
    return st;
}

static mig_status_t check_schema(vctx_t *c, const val_t *schema)
{
    if (val_type(schema) != VAL_MAP)
        return bad_schema(c, "a schema must be a %s", map_word(c));
    const val_t *t = kw(schema, "type"), *e = kw(schema, "enum");
    const val_t *props = kw(schema, "properties");
    const val_t *req = kw(schema, "required");
    const val_t *extra = kw(schema, "additionalProperties");
    const val_t *items = kw(schema, "items");
    mig_status_t st = t ? type_shape(c, t) : MIG_OK;
    if (st == MIG_OK && e && val_type(e) != VAL_LIST)
        st = bad_schema(c, "'enum' must be a list of values");
    for (size_t i = 0; st == MIG_OK && i < sizeof bounds / sizeof *bounds;
         i++) {
        const val_t *b = kw(schema, bounds[i].kw);
        st = b ? bound_shape(c, i, b) : MIG_OK;
    }
    if (st == MIG_OK)
        st = object_shape(c, props, req, extra);
    for (size_t i = 0; st == MIG_OK && req && i < val_len(req); i++)
        if (val_type(val_list_get(req, i)) != VAL_STRING)
            st = bad_schema(c, "'required' must be a list of names");
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
    return st;
}

mig_status_t schema_check(const val_t *schema, const char *root,
                          unsigned flags, strbuf_t *why)
{
    vctx_t c = { .why = why, .flags = flags };
    strbuf_init(&c.path);
    strbuf_puts(&c.path, root);
    mig_status_t st = c.path.oom ? MIG_ENOMEM : check_schema(&c, schema);
    strbuf_free(&c.path);
    return st;
}
