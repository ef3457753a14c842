/* reader_openapi.c: OpenAPI 3.0/3.1 and Swagger 2.0 documents to tool
 * records (docs/legacy-formats.md, "OpenAPI and Swagger"). Each operation
 * is one tool; its parameters and request body become one input schema,
 * its 2xx JSON response the output schema. $refs are resolved within the
 * document and across files next to it; a reference that comes back to
 * itself is kept once under the schema's $defs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reader_plugin.h"

static const char *const methods[] = {
    "get", "put", "post", "delete", "options", "head", "patch", "trace", NULL,
};
/* ---- one operation ------------------------------------------------------- */

/* The schema of parameter P (resolved): OpenAPI 3's `schema`, or Swagger
 * 2's keywords on the parameter itself; its description joined in. */
static val_t *param_schema(openapi_t *a, const val_t *p)
{
    static const char *const not_schema[] = {
        "name", "in", "required", "allowEmptyValue", "collectionFormat",
        "schema", "style", "explode", "allowReserved", "example", "examples",
        "content", "deprecated", NULL,
    };
    val_t *s;
    const val_t *given = tools_get(p, "schema", VAL_MAP);
    const val_t *content = tools_get(p, "content", VAL_MAP);
    if (!given && content && val_len(content))
        given = tools_get(val_map_value(content, 0), "schema", VAL_MAP);
    if (given) {
        s = val_copy(given);
    } else {
        s = val_map_new(4);
        for (size_t i = 0; s && i < val_len(p); i++) {
            size_t kl;
            const char *k = val_get_str(val_map_key(p, i), &kl);
            bool skip = false;
            for (size_t j = 0; not_schema[j] && !skip; j++)
                skip = strcmp(k, not_schema[j]) == 0;
            if (!skip && val_map_set(s, k, kl, val_map_value(p, i)) != MIG_OK)
                a->out->oom = true;
        }
        if (!a->v2 && s && !given)
            openapi_problem(a, "warning", a->where, "parameter '%s' has no "
                            "schema: read as %s", tools_get_str(p, "name"),
                            val_len(s) ? "its own keywords" : "{} (any value)");
    }
    const val_t *d = tools_get(p, "description", VAL_STRING);
    if (s && d && !val_map_get(s, "description", 11))
        openapi_set(a, s, "description", val_ref((val_t *)d));
    if (!s)
        a->out->oom = true;
    return s;
}

/* What the input schema is built from. */
typedef struct inputs {
    val_t *props, *required, *in;   /* properties, required, name -> where */
    char body_name[128];            /* a Swagger body parameter's name */
} inputs_t;

static bool listed(const val_t *l, const char *s)
{
    for (size_t i = 0; l && i < val_len(l); i++) {
        const val_t *v = val_list_get(l, i);
        if (val_type(v) == VAL_STRING && strcmp(val_get_str(v, NULL), s) == 0)
            return true;
    }
    return false;
}

static void add_input(openapi_t *a, inputs_t *in, const char *name,
                      val_t *schema,
                      const char *where, bool required)
{
    if (val_map_get(in->props, name, strlen(name)))
        openapi_problem(a, "warning", a->where, "parameter '%s' is declared "
                        "twice (%s and %s): the %s one is read", name,
                        tools_get_str(in->in, name), where, where);
    openapi_set(a, in->props, name, schema);
    openapi_set(a, in->in, name, val_cstring(where));
    if (required && !listed(in->required, name) &&
        val_list_push_take(in->required, val_cstring(name)) != MIG_OK)
        a->out->oom = true;
}

/* Whether parameter P (resolved) is also given by the operation's OWN
 * list (an operation's parameter overrides its path's of the same name
 * and place). */
static bool overridden(const val_t *p, const val_t *own)
{
    const char *n = tools_get_str(p, "name"), *w = tools_get_str(p, "in");
    for (size_t i = 0; n && w && own && i < val_len(own); i++) {
        const val_t *q = val_list_get(own, i);
        const char *qn = tools_get_str(q, "name"), *qw = tools_get_str(q, "in");
        if (qn && qw && strcmp(n, qn) == 0 && strcmp(w, qw) == 0)
            return true;
    }
    return false;
}

/* Reads the resolved parameter list PS into IN; a Swagger body parameter
 * into *BODY and *BODY_REQ. */
static void read_params(openapi_t *a, inputs_t *in, const val_t *ps,
                        const val_t *own, val_t **body, bool *body_req)
{
    for (size_t i = 0; ps && i < val_len(ps); i++) {
        const val_t *p = val_list_get(ps, i);
        const char *name = tools_get_str(p, "name");
        const char *where = tools_get_str(p, "in");
        if (own && overridden(p, own))
            continue;
        if (!name || !where) {
            openapi_problem(a, "error", a->where, "a parameter with no %s: not "
                            "read", !name ? "name" : "'in'");
            continue;
        }
        const val_t *rq = tools_get(p, "required", VAL_BOOL);
        bool req = (rq && val_get_bool(rq)) || strcmp(where, "path") == 0;
        if (strcmp(where, "body") == 0) {
            val_unref(*body);
            *body = val_ref(tools_get(p, "schema", VAL_MAP));
            if (!*body)
                *body = val_map_new(0);
            *body_req = req;
            snprintf(in->body_name, sizeof in->body_name, "%s", name);
            continue;
        }
        add_input(a, in, name, param_schema(a, p), where, req);
    }
}

/* Checks the {names} of path template PATH against the path parameters:
 * a missing one is added as a required string, an unused one reported. */
static void check_template(openapi_t *a, inputs_t *in, const char *path)
{
    for (const char *s = strchr(path, '{'); s; s = strchr(s + 1, '{')) {
        const char *e = strchr(s, '}');
        if (!e)
            break;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(e - s - 1), s + 1);
        const char *w = tools_get_str(in->in, name);
        if (w && strcmp(w, "path") == 0)
            continue;
        openapi_problem(a, "warning", a->where, "the path template names {%s} "
                        "but no path parameter declares it: read as a required "
                        "string", name);
        val_t *sch = val_map_new(1);
        if (sch)
            openapi_set(a, sch, "type", val_cstring("string"));
        add_input(a, in, name, sch, "path", true);
    }
    for (size_t i = 0; i < val_len(in->in); i++) {
        const char *name = val_get_str(val_map_key(in->in, i), NULL);
        const char *w = val_get_str(val_map_value(in->in, i), NULL);
        char brace[140];
        snprintf(brace, sizeof brace, "{%s}", name);
        if (strcmp(w, "path") == 0 && !strstr(path, brace))
            openapi_problem(a, "warning", a->where, "path parameter '%s' is "
                            "not in the path template '%s'", name, path);
    }
}

/* Whether BODY is an object schema whose properties can stand beside the
 * parameters: only type, properties, required, description and title. */
static bool flat_body(const val_t *body, const inputs_t *in)
{
    const val_t *props = tools_get(body, "properties", VAL_MAP);
    const char *t = tools_get_str(body, "type");
    if (!props || (t && strcmp(t, "object") != 0))
        return false;
    static const char *const ok[] = {
        "type", "properties", "required", "description", "title", NULL,
    };
    for (size_t i = 0; i < val_len(body); i++) {
        const char *k = val_get_str(val_map_key(body, i), NULL);
        bool known = false;
        for (size_t j = 0; ok[j] && !known; j++)
            known = strcmp(k, ok[j]) == 0;
        if (!known)
            return false;
    }
    for (size_t i = 0; i < val_len(props); i++) {
        size_t kl;
        const char *k = val_get_str(val_map_key(props, i), &kl);
        if (val_map_get(in->props, k, kl))
            return false;
    }
    return true;
}

/* Puts the request body BODY (resolved) into IN: its properties beside
 * the parameters when flat_body, else the whole under "body" (Swagger:
 * the body parameter's name; "requestBody" when a parameter has it). */
static void add_body(openapi_t *a, inputs_t *in, val_t *body, bool req,
                     const char *where)
{
    if (flat_body(body, in)) {
        const val_t *props = tools_get(body, "properties", VAL_MAP);
        const val_t *breq = tools_get(body, "required", VAL_LIST);
        for (size_t i = 0; i < val_len(props); i++) {
            const char *k = val_get_str(val_map_key(props, i), NULL);
            add_input(a, in, k, val_ref(val_map_value(props, i)), where,
                      req && listed(breq, k));
        }
        for (size_t i = 0; breq && i < val_len(breq); i++) {
            const val_t *k = val_list_get(breq, i);
            if (val_type(k) == VAL_STRING &&
                !val_map_get(props, val_get_str(k, NULL), val_len(k)))
                openapi_problem(a, "warning", a->where, "the request body "
                                "requires '%s', which it does not define",
                                val_get_str(k, NULL));
        }
        if (!req && breq && val_len(breq))
            openapi_problem(a, "warning", a->where, "the request body is "
                            "optional: its required properties are read as "
                            "optional");
        val_unref(body);
        return;
    }
    const char *name = in->body_name[0] ? in->body_name : "body";
    if (val_map_get(in->props, name, strlen(name))) {
        openapi_problem(a, "warning", a->where, "a parameter is named '%s': "
                        "the request body is read as 'requestBody'", name);
        name = "requestBody";
    }
    add_input(a, in, name, body, where, req);
}

/* The JSON media type of CONTENT (a map): application/json or a +json
 * type, else a form, else the first. NULL when empty. */
static size_t pick_media(const val_t *content)
{
    static const char *const pref[] = {
        "application/json", "+json", "application/x-www-form-urlencoded",
        "multipart/form-data", NULL,
    };
    for (size_t p = 0; pref[p]; p++)
        for (size_t i = 0; i < val_len(content); i++) {
            const char *k = val_get_str(val_map_key(content, i), NULL);
            size_t kl = strlen(k), pl = strlen(pref[p]);
            if (pref[p][0] == '+' ? kl > pl && strcmp(k + kl - pl, pref[p]) == 0
                                  : strncmp(k, pref[p], pl) == 0)
                return i;
        }
    return val_len(content) ? 0 : VAL_NPOS;
}

/* The input schema of operation OP at path PATH; *CONFIG gets where each
 * input goes. */
static val_t *input_schema(openapi_t *a, int doc, const val_t *item,
                           const val_t *op, const char *path, val_t *config)
{
    inputs_t in = { val_map_new(4), val_list_new(2), val_map_new(4), "" };
    if (!in.props || !in.required || !in.in)
        a->out->oom = true;
    openapi_scope_begin(a);
    val_t *own = openapi_resolve(a, doc, tools_get(op, "parameters", VAL_LIST));
    val_t *shared = openapi_resolve(a, doc,
                                    tools_get(item, "parameters", VAL_LIST));
    val_t *body = NULL;
    bool body_req = false;
    read_params(a, &in, shared, own, &body, &body_req);
    read_params(a, &in, own, NULL, &body, &body_req);
    val_unref(own);
    val_unref(shared);
    check_template(a, &in, path);
    const val_t *rb = val_map_get(op, "requestBody", 11);
    if (!a->v2 && rb) {
        val_t *r = openapi_resolve(a, doc, rb);
        const val_t *content = tools_get(r, "content", VAL_MAP);
        size_t i = content ? pick_media(content) : VAL_NPOS;
        if (i != VAL_NPOS) {
            openapi_set(a, config, "content_type",
                val_ref(val_map_key(content, i)));
            body = val_ref(tools_get(val_map_value(content, i), "schema",
                                     VAL_MAP));
            if (!body)
                body = val_map_new(0);
        } else {
            openapi_problem(a, "warning", a->where, "the request body has no "
                            "content: not read");
        }
        const val_t *rq = tools_get(r, "required", VAL_BOOL);
        body_req = rq && val_get_bool(rq);
        val_unref(r);
    }
    /* Swagger's formData parameters already stand beside the others. */
    if (body)
        add_body(a, &in, body, body_req, "body");
    val_t *s = val_map_new(4);
    if (s) {
        openapi_set(a, s, "type", val_cstring("object"));
        openapi_set(a, s, "properties", in.props);
        if (val_len(in.required))
            openapi_set(a, s, "required", in.required);
        else
            val_unref(in.required);
    } else {
        val_unref(in.props);
        val_unref(in.required);
    }
    openapi_scope_end(a, s);
    openapi_set(a, config, "in", in.in);
    return s;
}

/* The schema of OP's success response (200, 201, another 2xx, default),
 * JSON content only; NULL when there is none. */
static val_t *output_schema(openapi_t *a, int doc, const val_t *op)
{
    const val_t *rs = tools_get(op, "responses", VAL_MAP);
    const val_t *r = NULL;
    static const char *const codes[] = { "200", "201", NULL };
    for (size_t i = 0; rs && codes[i] && !r; i++)
        r = val_map_get(rs, codes[i], 3);
    for (size_t i = 0; rs && !r && i < val_len(rs); i++)
        if (val_get_str(val_map_key(rs, i), NULL)[0] == '2')
            r = val_map_value(rs, i);
    if (rs && !r)
        r = val_map_get(rs, "default", 7);
    if (!r)
        return NULL;
    openapi_scope_begin(a);
    val_t *res = openapi_resolve(a, doc, r);
    const val_t *sch = tools_get(res, "schema", VAL_MAP);
    const val_t *content = tools_get(res, "content", VAL_MAP);
    if (!a->v2 && content) {
        size_t i = pick_media(content);
        const char *mt = i != VAL_NPOS
            ? val_get_str(val_map_key(content, i), NULL) : "";
        sch = strstr(mt, "json") ? tools_get(val_map_value(content, i),
                                             "schema", VAL_MAP) : NULL;
    }
    val_t *out = sch ? val_copy(sch) : NULL;
    val_unref(res);
    openapi_scope_end(a, out);
    return out;
}

/* One auth reference for security scheme NAME with SCOPES. */
static val_t *auth_ref(openapi_t *a, const val_t *schemes, const char *name,
                       const val_t *scopes)
{
    val_t *r = val_map_new(6);
    if (!r) {
        a->out->oom = true;
        return NULL;
    }
    openapi_set(a, r, "scheme", val_cstring(name));
    val_t *def = openapi_resolve(a, 0,
                                 schemes ? val_map_get(schemes, name,
                                                       strlen(name)) : NULL);
    const char *t = tools_get_str(def, "type");
    if (!def)
        openapi_problem(a, "warning", a->where, "security scheme '%s' is not "
                        "defined: its type is unknown", name);
    const char *http = tools_get_str(def, "scheme");
    const char *type = !t ? NULL
        : strcmp(t, "apiKey") == 0 ? "api-key"
        : strcmp(t, "basic") == 0 ? "basic"
        : strcmp(t, "oauth2") == 0 || strcmp(t, "openIdConnect") == 0 ? "oauth2"
        : strcmp(t, "http") == 0 && http && strcasecmp(http, "basic") == 0
            ? "basic"
        : strcmp(t, "http") == 0 ? "bearer" : t;
    openapi_set(a, r, "type", type ? val_cstring(type) : val_null());
    char ref[160];
    snprintf(ref, sizeof ref, "secret:%s", name);
    openapi_set(a, r, "ref", val_cstring(ref));
    if (tools_get_str(def, "in"))
        openapi_set(a, r, "in", val_cstring(tools_get_str(def, "in")));
    if (tools_get_str(def, "name"))
        openapi_set(a, r, "name", val_cstring(tools_get_str(def, "name")));
    if (scopes && val_len(scopes))
        openapi_set(a, r, "scopes", val_ref((val_t *)scopes));
    if (def)
        openapi_set(a, r, "definition", def);
    return r;
}

/* OP's auth: its security (else the document's) as references, the
 * first requirement as the auth and the rest as its alternatives; the
 * manifest's when neither declares any. */
static val_t *op_auth(openapi_t *a, const val_t *doc, const val_t *op)
{
    const val_t *sec = tools_get(op, "security", VAL_LIST);
    if (!sec)
        sec = tools_get(doc, "security", VAL_LIST);
    if (!sec)
        return a->o->auth ? val_ref((val_t *)a->o->auth) : val_null();
    if (val_len(sec) == 0 || (val_len(sec) == 1 &&
                              val_len(val_list_get(sec, 0)) == 0)) {
        val_t *r = val_map_new(1);
        if (r)
            openapi_set(a, r, "type", val_cstring("none"));
        return r;
    }
    const val_t *schemes = a->v2
        ? tools_get(doc, "securityDefinitions", VAL_MAP)
        : tools_get(tools_get(doc, "components", VAL_MAP), "securitySchemes",
                    VAL_MAP);
    val_t *first = NULL, *alts = val_list_new(0);
    for (size_t i = 0; i < val_len(sec); i++) {
        const val_t *req = val_list_get(sec, i);
        for (size_t j = 0; val_type(req) == VAL_MAP && j < val_len(req); j++) {
            val_t *r = auth_ref(a, schemes, val_get_str(val_map_key(req, j),
                                                        NULL),
                                val_map_value(req, j));
            if (!first)
                first = r;
            else if (!alts || val_list_push_take(alts, r) != MIG_OK)
                a->out->oom = true;
        }
    }
    if (first && alts && val_len(alts))
        openapi_set(a, first, "alternatives", val_ref(alts));
    val_unref(alts);
    return first ? first : val_null();
}

/* Fits METHOD and PATH into a name: get_todos_username. */
static val_t *fitted_name(const char *method, const char *path)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, method);
    bool sep = true;
    for (const char *s = path; *s && b.len < 64; s++) {
        bool word = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                    (*s >= '0' && *s <= '9');
        if (word && sep)
            strbuf_putc(&b, '_');
        if (word)
            strbuf_putc(&b, *s);
        sep = !word;
    }
    val_t *v = b.oom ? NULL : val_string(b.data, b.len > 64 ? 64 : b.len);
    strbuf_free(&b);
    return v;
}

static void server_url(const val_t *server, strbuf_t *b);

static const char *const op_keys[] = {
    "operationId", "summary", "description", "parameters", "requestBody",
    "responses", "security", "consumes", "produces", "servers", NULL,
};

/* Reads operation OP (METHOD of PATH) at POINTER into a tool record. */
static void read_op(openapi_t *a, const val_t *doc, const val_t *item,
                    const char *path, const char *method, const val_t *op,
                    const char *pointer, const char *base, val_t *seen)
{
    a->where = pointer;
    val_t *rec = tools_tool_new(), *config = val_map_new(2);
    if (!rec || !config) {
        val_unref(rec);
        val_unref(config);
        a->out->oom = true;
        return;
    }
    tools_out_t *out = a->out;
    const char *id = tools_get_str(op, "operationId");
    val_t *name = id && *id ? val_cstring(id) : fitted_name(method, path);
    if (!id || !*id)
        openapi_problem(a, "warning", pointer, "no operationId: named '%s' "
                        "from its method and path",
                        name ? val_get_str(name, NULL) : "");
    else if (val_map_get(seen, id, strlen(id)))
        openapi_problem(a, "warning", pointer, "duplicate operationId '%s' "
                        "(also at %s): both read", id, tools_get_str(seen, id));
    else
        openapi_set(a, seen, id, val_cstring(pointer));
    tools_set(out, rec, "name", name);
    const char *sum = tools_get_str(op, "summary");
    const char *desc = tools_get_str(op, "description");
    if (sum && desc)
        tools_set(out, rec, "title", val_cstring(sum));
    if (desc || sum)
        tools_set(out, rec, "description", val_cstring(desc ? desc : sum));
    tools_set(out, rec, "parameters",
              input_schema(a, 0, item, op, path, config));
    a->where = pointer;
    val_t *o = output_schema(a, 0, op);
    tools_set(out, rec, "output", o ? o : val_null());
    val_t *ep = val_map_new(5);
    if (ep) {
        char up[16];
        size_t n = 0;
        for (; method[n] && n < sizeof up - 1; n++)
            up[n] = (char)(method[n] - 'a' + 'A');
        up[n] = 0;
        openapi_set(a, ep, "transport", val_cstring("http"));
        /* 3.x: the operation's own servers, else its path's, win. */
        const val_t *own = a->v2 ? NULL : tools_get(op, "servers", VAL_LIST);
        if (!a->v2 && (!own || !val_len(own)))
            own = tools_get(item, "servers", VAL_LIST);
        strbuf_t u;
        strbuf_init(&u);
        if (own && val_len(own))
            server_url(val_list_get(own, 0), &u);
        if (u.len)
            openapi_set(a, ep, "url", val_string(u.data, u.len));
        else
            openapi_set(a, ep, "url", base ? val_cstring(base) : val_null());
        strbuf_free(&u);
        openapi_set(a, ep, "method", val_cstring(up));
        openapi_set(a, ep, "path", val_cstring(path));
        openapi_set(a, ep, "server", a->o->server ? val_cstring(a->o->server)
                                          : val_null());
    }
    tools_set(out, rec, "endpoint", ep);
    tools_set(out, rec, "auth", op_auth(a, doc, op));
    tools_set(out, rec, "config", config);
    if (a->o->server) {
        val_t *deps = val_list_new(1);
        if (deps && val_list_push_take(deps, val_cstring(a->o->server)))
            out->oom = true;
        tools_set(out, rec, "dependencies", deps);
    }
    const char *ver = tools_get_str(tools_get(doc, "info", VAL_MAP), "version");
    if (ver)
        tools_set(out, rec, "version", val_cstring(ver));
    tools_extra(out, rec, op, op_keys);
    tools_set(out, rec, "provenance", tools_provenance(a->docs[0].file,
              "plugin.openapi", a->version, pointer, 0));
    tools_add_take(out, "tool", rec);
}

/* ---- the document -------------------------------------------------------- */

/* The origin of URL ("https://host:port"), into B; false when URL has
 * no scheme and host. */
static bool url_origin(const char *url, strbuf_t *b)
{
    const char *s = url ? strstr(url, "://") : NULL;
    if (!s)
        return false;
    const char *e = strchr(s + 3, '/');
    strbuf_put(b, url, e ? (size_t)(e - url) : strlen(url));
    return true;
}

/* OpenAPI 3's servers[0].url with its variables' defaults put in. */
static void server_url(const val_t *server, strbuf_t *b)
{
    const char *u = tools_get_str(server, "url");
    const val_t *vars = tools_get(server, "variables", VAL_MAP);
    for (const char *s = u; s && *s; s++) {
        const char *e = *s == '{' ? strchr(s, '}') : NULL;
        const val_t *var = e && vars
            ? val_map_get(vars, s + 1, (size_t)(e - s - 1)) : NULL;
        const char *def = tools_get_str(var, "default");
        if (def) {
            strbuf_puts(b, def);
            s = e;
        } else {
            strbuf_putc(b, *s);
        }
    }
}

/* The base URL of DOC into B (empty when there is none), from servers
 * (or, misplaced, info.servers), or host, basePath and schemes; a
 * relative one, or none, is completed from the manifest's api.url. */
static void base_url(openapi_t *a, const val_t *doc, strbuf_t *b)
{
    if (a->v2) {
        const char *host = tools_get_str(doc, "host");
        const char *bp = tools_get_str(doc, "basePath");
        const val_t *schemes = tools_get(doc, "schemes", VAL_LIST);
        const val_t *s0 = schemes ? val_list_get(schemes, 0) : NULL;
        if (host)
            strbuf_printf(b, "%s://%s", s0 && val_type(s0) == VAL_STRING
                          ? val_get_str(s0, NULL) : "https", host);
        if (bp)
            strbuf_puts(b, bp);
    } else {
        const val_t *servers = tools_get(doc, "servers", VAL_LIST);
        if (!servers && (servers = tools_get(tools_get(doc, "info", VAL_MAP),
                                             "servers", VAL_LIST)))
            openapi_problem(a, "warning", "/info/servers", "servers is inside "
                            "info: read as the document's servers");
        if (servers && val_len(servers))
            server_url(val_list_get(servers, 0), b);
        if (servers && val_len(servers) > 1)
            openapi_problem(a, "warning", "/servers", "%zu servers: the first "
                            "is the base URL", val_len(servers));
    }
    bool absolute = b->len && strstr(b->data, "://");
    if (absolute)
        return;
    strbuf_t full;
    strbuf_init(&full);
    if (url_origin(a->o->api_url, &full)) {
        openapi_problem(a, "warning", NULL, "%s: the base URL is taken from "
                        "the manifest's api.url",
                        b->len ? "a relative server URL" : "no servers");
        if (b->len)
            strbuf_put(&full, b->data, b->len);
        strbuf_free(b);
        *b = full;
        return;
    }
    strbuf_free(&full);
    if (b->len)
        openapi_problem(a, "warning", NULL, "the server URL '%.*s' is "
                        "relative: kept as it is", (int)b->len, b->data);
    else
        openapi_problem(a, "warning", NULL, "no servers%s: the base URL is "
                        "unknown", a->v2 ? " (host)" : "");
}

/* Reads the operations of path item ITEM (at PATH). */
static void read_item(openapi_t *a, const val_t *doc, const char *path,
                      const val_t *item, const char *base, val_t *seen)
{
    strbuf_t p;
    strbuf_init(&p);
    strbuf_puts(&p, "/paths");
    tools_pointer_key(&p, path, strlen(path));
    size_t at = p.len;
    val_t *resolved = NULL;
    if (tools_get_str(item, "$ref")) {
        a->where = p.data;
        item = resolved = openapi_resolve(a, 0, item);
    }
    if (val_type(item) != VAL_MAP) {
        openapi_problem(a, "error", p.data, "path '%s' is a %s, not a path "
                        "item: not read", path, val_type_name(val_type(item)));
    }
    size_t n_ops = 0;
    for (size_t i = 0; val_type(item) == VAL_MAP && i < val_len(item); i++) {
        const char *k = val_get_str(val_map_key(item, i), NULL);
        bool is_method = false;
        for (size_t j = 0; methods[j] && !is_method; j++)
            is_method = strcmp(k, methods[j]) == 0;
        if (!is_method)
            continue;
        p.len = at;
        tools_pointer_key(&p, k, strlen(k));
        strbuf_putc(&p, '\0');
        const val_t *op = val_map_value(item, i);
        n_ops++;
        if (val_type(op) != VAL_MAP)
            openapi_problem(a, "error", p.data, "%s %s is a %s, not an "
                            "operation: not read", k, path,
                            val_type_name(val_type(op)));
        else
            read_op(a, doc, item, path, k, op, p.data, base, seen);
    }
    if (val_type(item) == VAL_MAP && n_ops == 0)
        openapi_problem(a, "warning", p.data, "path '%s' has no operations",
                        path);
    val_unref(resolved);
    strbuf_free(&p);
}

mig_status_t openapi_read(const tools_file_t *spec, tools_out_t *out,
                          const openapi_opts_t *o)
{
    char buf[16];
    openapi_t a = { .out = out, .o = o, .n_docs = 1 };
    a.docs[0].file = spec;
    a.version = openapi_version(spec->doc, buf);
    if (!a.version)
        return MIG_OK;
    a.v2 = a.version[0] == '2';
    const val_t *doc = spec->doc;
    strbuf_t base;
    strbuf_init(&base);
    base_url(&a, doc, &base);
    strbuf_putc(&base, '\0');
    const val_t *paths = tools_get(doc, "paths", VAL_MAP);
    if (!paths)
        openapi_problem(&a, "error", "/paths", "%s: no operations to read",
                        val_map_get(doc, "paths", 5) ? "paths is not a map"
                            : val_map_get(doc, "webhooks", 8)
                            ? "the document has webhooks (calls the API makes) "
                            "but no paths"
                            : "the document has no paths");
    for (size_t i = 0; i < val_len(doc); i++) {
        const char *k = val_get_str(val_map_key(doc, i), NULL);
        if (k[0] == '/')
            openapi_problem(&a, "error", NULL, "top-level key '%s' looks like "
                            "a path indented out of paths: not read", k);
    }
    val_t *seen = val_map_new(8);
    for (size_t i = 0; seen && paths && i < val_len(paths) && !out->oom; i++) {
        const char *path = val_get_str(val_map_key(paths, i), NULL);
        if (path[0] != '/') {
            if (strncmp(path, "x-", 2) != 0)
                openapi_problem(&a, "warning", "/paths", "path '%s' does not "
                                "start with '/'", path);
            if (strncmp(path, "x-", 2) == 0)
                continue;
        }
        read_item(&a, doc, path, val_map_value(paths, i),
                  base.len > 1 ? base.data : NULL, seen);
    }
    if (!seen || base.oom)
        out->oom = true;
    val_unref(seen);
    strbuf_free(&base);
    val_unref(a.defs);
    val_unref(a.def_names);
    val_unref(a.pending);
    for (size_t i = 1; i < a.n_docs; i++)
        tools_file_free(&a.docs[i].own);
    return out->oom ? MIG_ENOMEM : MIG_OK;
}
