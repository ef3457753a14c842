/* adapt_openapi.c: an OpenAPI 3.x document read as the tools of an
 * interface for the diff (adapt_diff_tools.c) and adapt.translate
 * (docs/recovery.md, "OpenAPI documents"): each operation is a tool named
 * by its operationId (else "METHOD /path") whose parameter schema holds its
 * path, query and header parameters and its JSON request body's
 * properties, local $refs resolved within stated bounds. */
#include <string.h>
#include <strings.h>

#include "adapt_diff.h"

#define STR_(x) #x
#define STR(x) STR_(x)

typedef struct oa {
    const val_t *doc;
    const char *stack[OPENAPI_MAX_REF_DEPTH];   /* refs being resolved */
    size_t depth;
    size_t refs;                                /* refs followed so far */
    strbuf_t *why;
} oa_t;

static const val_t *kw(const val_t *s, const char *k)
{
    return s && val_type(s) == VAL_MAP ? val_map_get(s, k, strlen(k)) : NULL;
}

static const char *str_of(const val_t *v)
{
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

bool adapt_is_openapi(const val_t *v)
{
    return str_of(kw(v, "openapi")) || str_of(kw(v, "swagger"));
}

/* The value the local reference REF (#/a/b, ~1 and ~0 unescaped) points
 * at in the document, or NULL. */
static const val_t *pointer(const val_t *doc, const char *ref)
{
    const val_t *v = doc;
    const char *p = ref + 1;
    while (v && *p == '/') {
        strbuf_t k;
        strbuf_init(&k);
        for (p++; *p && *p != '/'; p++)
            if (*p == '~' && (p[1] == '0' || p[1] == '1'))
                strbuf_putc(&k, *++p == '0' ? '~' : '/');
            else
                strbuf_putc(&k, *p);
        v = k.oom ? NULL : val_type(v) == VAL_MAP
            ? val_map_get(v, k.data ? k.data : "", k.len) : NULL;
        strbuf_free(&k);
    }
    return *p ? NULL : v;
}

/* A copy of V with every {$ref: "#/components/..."} replaced by what it
 * points at, resolved in turn, and OpenAPI 3.0's "nullable: true" written
 * as a "null" type. A reference back to one being resolved (a recursive
 * schema) stands for any value ({}). MIG_OK with *OUT, MIG_ENOMEM, or
 * MIG_EINVALID with A->why: a reference that is not local, points at
 * nothing, is nested more than OPENAPI_MAX_REF_DEPTH deep, or one past
 * the OPENAPI_MAX_REFS a document may follow. AT is V's place. */
static mig_status_t resolve(oa_t *a, const val_t *v, const char *at,
                            val_t **out)
{
    *out = NULL;
    const char *ref = str_of(kw(v, "$ref"));
    if (ref) {
        if (strncmp(ref, "#/components/", 13) != 0) {
            strbuf_printf(a->why, "%s: $ref '%s' is not a local reference "
                          "(#/components/...); only those are followed",
                          at, ref);
            return MIG_EINVALID;
        }
        for (size_t i = 0; i < a->depth; i++)
            if (strcmp(a->stack[i], ref) == 0)
                return (*out = val_map_new(0)) ? MIG_OK : MIG_ENOMEM;
        const val_t *t = pointer(a->doc, ref);
        if (!t) {
            strbuf_printf(a->why, "%s: $ref '%s' points at nothing in the "
                          "document", at, ref);
            return MIG_EINVALID;
        }
        if (a->depth == OPENAPI_MAX_REF_DEPTH || a->refs == OPENAPI_MAX_REFS) {
            strbuf_printf(a->why, "%s: $ref '%s' %s", at, ref,
                          a->depth == OPENAPI_MAX_REF_DEPTH
                          ? "is nested more than " STR(OPENAPI_MAX_REF_DEPTH)
                            " references deep"
                          : "is one more than the " STR(OPENAPI_MAX_REFS)
                            " references a document may follow");
            return MIG_EINVALID;
        }
        a->refs++;
        a->stack[a->depth++] = ref;
        mig_status_t st = resolve(a, t, ref, out);
        a->depth--;
        return st;
    }
    if (val_type(v) == VAL_LIST) {
        val_t *l = val_list_new(val_len(v));
        mig_status_t st = l ? MIG_OK : MIG_ENOMEM;
        for (size_t i = 0; st == MIG_OK && i < val_len(v); i++) {
            val_t *x;
            st = resolve(a, val_list_get(v, i), at, &x);
            if (st == MIG_OK)
                st = val_list_push_take(l, x);
        }
        if (st == MIG_OK)
            *out = l;
        else
            val_unref(l);
        return st;
    }
    if (val_type(v) != VAL_MAP)
        return (*out = val_ref((val_t *)v)) ? MIG_OK : MIG_ENOMEM;
    val_t *m = val_map_new(val_len(v));
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    bool nullable = kw(v, "nullable") && val_type(kw(v, "nullable"))
                    == VAL_BOOL && val_get_bool(kw(v, "nullable"));
    for (size_t i = 0; st == MIG_OK && i < val_len(v); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(v, i), &len);
        const val_t *x = val_map_value(v, i);
        val_t *y = NULL;
        if (strcmp(k, "nullable") == 0)
            continue;
        if (nullable && strcmp(k, "type") == 0 && val_type(x) == VAL_STRING) {
            y = val_list_new(2);
            st = y ? val_list_push(y, (val_t *)x) : MIG_ENOMEM;
            if (st == MIG_OK)
                st = val_list_push_take(y, val_cstring("null"));
        } else {
            st = resolve(a, x, at, &y);
        }
        if (st == MIG_OK)
            st = val_map_set_take(m, k, len, y);
        else
            val_unref(y);
    }
    if (st == MIG_OK)
        *out = m;
    else
        val_unref(m);
    return st;
}

/* The methods of a path item, in the order OpenAPI lists them. */
static const char *const methods[] = { "get", "put", "post", "delete",
                                       "options", "head", "patch", "trace" };

/* Adds the parameter P (resolved) to the schema's PROPS and REQ when it is
 * a path, query or header parameter with a name. */
static mig_status_t add_param(const val_t *p, val_t *props, val_t *req)
{
    const char *name = str_of(kw(p, "name")), *in = str_of(kw(p, "in"));
    if (!name || !in || (strcmp(in, "path") && strcmp(in, "query")
                         && strcmp(in, "header")))
        return MIG_OK;
    const val_t *s = kw(p, "schema"), *d = kw(p, "description");
    val_t *ps = s && val_type(s) == VAL_MAP ? val_copy(s) : val_map_new(1);
    mig_status_t st = ps ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK && d && !kw(ps, "description"))
        st = val_map_set(ps, "description", 11, (val_t *)d);
    if (st == MIG_OK)
        st = val_map_set_take(props, name, strlen(name), ps);
    else
        val_unref(ps);
    const val_t *r = kw(p, "required");
    if (st == MIG_OK && (!strcmp(in, "path")
                         || (r && val_type(r) == VAL_BOOL && val_get_bool(r))))
        st = val_list_push_take(req, val_cstring(name));
    return st;
}

/* The JSON schema of a request body B (resolved): its application/json
 * content's, else the first media type ending in "+json"; NULL when none. */
static const val_t *body_schema(const val_t *b)
{
    const val_t *c = kw(b, "content");
    if (kw(c, "application/json"))
        return kw(kw(c, "application/json"), "schema");
    for (size_t i = 0; c && val_type(c) == VAL_MAP && i < val_len(c); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(c, i), &len);
        if (len > 5 && strcmp(k + len - 5, "+json") == 0)
            return kw(val_map_value(c, i), "schema");
    }
    return NULL;
}

/* Adds the body schema S to PROPS and REQ: its properties side by side
 * with the parameters when it has properties and none is named like a
 * parameter, else the whole body as the property "body". */
static mig_status_t add_body(const val_t *s, bool required, val_t *props,
                             val_t *req)
{
    const val_t *bp = kw(s, "properties"), *br = kw(s, "required");
    bool spread = bp && val_type(bp) == VAL_MAP;
    for (size_t i = 0; spread && i < val_len(bp); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(bp, i), &len);
        spread = !val_map_get(props, k, len);
    }
    if (!spread) {
        mig_status_t st = val_map_set(props, "body", 4, (val_t *)s);
        return st == MIG_OK && required
            ? val_list_push_take(req, val_cstring("body")) : st;
    }
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < val_len(bp); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(bp, i), &len);
        st = val_map_set(props, k, len, val_map_value(bp, i));
    }
    for (size_t i = 0; st == MIG_OK && br && val_type(br) == VAL_LIST
                       && i < val_len(br); i++)
        st = val_list_push(req, val_list_get(br, i));
    return st;
}

/* The tool of the operation OP (METHOD at PATH, whose path item is ITEM):
 * {name, operation: "METHOD /path", inputSchema}. */
static mig_status_t operation(oa_t *a, const char *path, const char *method,
                              const val_t *item, const val_t *op, val_t **out)
{
    strbuf_t at, id;
    strbuf_init(&at);
    strbuf_init(&id);
    strbuf_puts(&at, "#/paths");
    val_pointer_key(&at, path, strlen(path));
    strbuf_printf(&at, "/%s", method);
    for (const char *m = method; *m; m++)
        strbuf_putc(&id, (char)(*m - 'a' + 'A'));
    strbuf_printf(&id, " %s", path);
    val_t *props = val_map_new(8), *req = val_list_new(4);
    val_t *schema = val_map_new(3), *tool = val_map_new(3), *r = NULL;
    mig_status_t st = props && req && schema && tool && !at.oom && !id.oom
        ? MIG_OK : MIG_ENOMEM;
    /* the operation's parameters override the path item's of the same
     * name and place: they are read last */
    const val_t *lists[] = { kw(item, "parameters"), kw(op, "parameters") };
    for (size_t l = 0; st == MIG_OK && l < 2; l++)
        for (size_t i = 0; st == MIG_OK && lists[l]
                           && val_type(lists[l]) == VAL_LIST
                           && i < val_len(lists[l]); i++) {
            st = resolve(a, val_list_get(lists[l], i), at.data, &r);
            if (st == MIG_OK)
                st = add_param(r, props, req);
            val_unref(r);
            r = NULL;
        }
    if (st == MIG_OK && kw(op, "requestBody"))
        st = resolve(a, kw(op, "requestBody"), at.data, &r);
    if (st == MIG_OK && r && body_schema(r)) {
        const val_t *rq = kw(r, "required");
        st = add_body(body_schema(r), rq && val_type(rq) == VAL_BOOL
                      && val_get_bool(rq), props, req);
    }
    val_unref(r);
    if (st == MIG_OK)
        st = val_map_set_take(schema, "type", 4, val_cstring("object"));
    if (st == MIG_OK)
        st = val_map_set(schema, "properties", 10, props);
    if (st == MIG_OK && val_len(req))
        st = val_map_set(schema, "required", 8, req);
    const char *name = str_of(kw(op, "operationId"));
    if (st == MIG_OK)
        st = val_map_set_take(tool, "name", 4, val_cstring(name ? name
                                                                : id.data));
    if (st == MIG_OK)
        st = val_map_set_take(tool, "operation", 9, val_cstring(id.data));
    if (st == MIG_OK)
        st = val_map_set(tool, "inputSchema", 11, schema);
    if (st == MIG_OK)
        *out = val_ref(tool);
    val_unref(tool);
    val_unref(schema);
    val_unref(props);
    val_unref(req);
    strbuf_free(&at);
    strbuf_free(&id);
    return st;
}

mig_status_t adapt_openapi_tools(const val_t *doc, val_t **out,
                                 strbuf_t *why)
{
    *out = NULL;
    const char *v = str_of(kw(doc, "openapi"));
    if (!v || strncmp(v, "3.", 2) != 0) {
        strbuf_printf(why, "an OpenAPI document of version '%s': only 3.x "
                      "documents are read", v ? v : str_of(kw(doc, "swagger")));
        return MIG_EINVALID;
    }
    const val_t *paths = kw(doc, "paths");
    if (!paths || val_type(paths) != VAL_MAP) {
        strbuf_printf(why, "the OpenAPI document has no 'paths' map");
        return MIG_EINVALID;
    }
    oa_t a = { .doc = doc, .why = why };
    val_t *tools = val_list_new(val_len(paths));
    mig_status_t st = tools ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(paths); i++) {
        const char *path = val_get_str(val_map_key(paths, i), NULL);
        const val_t *item = val_map_value(paths, i);
        for (size_t m = 0; st == MIG_OK && m < sizeof methods / sizeof
                           *methods; m++) {
            const val_t *op = kw(item, methods[m]);
            val_t *t = NULL;
            if (op && val_type(op) == VAL_MAP)
                st = operation(&a, path, methods[m], item, op, &t);
            if (st == MIG_OK && t)
                st = val_list_push_take(tools, t);
        }
    }
    if (st == MIG_OK)
        *out = val_ref(tools);
    val_unref(tools);
    return st;
}

mig_status_t adapt_iface_of(const val_t *v, val_t **out, strbuf_t *why)
{
    if (adapt_is_openapi(v))
        return adapt_openapi_tools(v, out, why);
    *out = val_ref((val_t *)v);
    return MIG_OK;
}
