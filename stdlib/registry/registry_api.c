/* registry_api.c: the V2 registry over HTTP (docs/registry-api.md): the
 * routes `mig serve` adds to its server (runtime/serve.h) for each record
 * kind, /v2/tools, /v2/servers and /v2/backends. A write goes through the
 * registry actions' own rows (registry.put, registry.delete: the same
 * validation, digests, conflicts and durability as in a run); reads
 * through the registry's store functions. Requests are served one at a
 * time: the stores keep their connections in process-wide tables. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "registry_int.h"
#include "serve.h"

/* One record kind's routes share this: the kind and the API. */
typedef struct api_kind {
    registry_api_t *api;
    const char *kind;           /* "tool" */
    char base[24];              /* "/v2/tools" */
} api_kind_t;

#define API_KINDS 3
#define API_ROWS 4

struct registry_api {
    char *db;
    action_ctx_t *ctx;          /* every call's, under LOCK */
    pthread_mutex_t lock;
    api_kind_t kinds[API_KINDS];
    char paths[API_KINDS][API_ROWS][40];
    serve_route_t routes[API_KINDS * API_ROWS];
};

/* ---- calling the registry's actions ------------------------------------ */

/* The registry action NAME's row. */
static const action_t *row(const char *name)
{
    for (size_t i = 0; i < stdlib_registry_count; i++)
        if (strcmp(stdlib_registry_actions[i].name, name) == 0)
            return &stdlib_registry_actions[i];
    abort();    /* the table has every action this file calls */
}

/* What an action's error class is answered with; any other: 500. */
static const struct {
    const char *cls;
    serve_error_t err;
} class_errors[] = {
    { "ValidationFailed", SERVE_ERR_VALIDATION_FAILED },
    { "Conflict", SERVE_ERR_CONFLICT },
    { "MissingDependency", SERVE_ERR_NOT_FOUND },
};

/* Answers the error the last call on C failed with: its class's status,
 * its message, its details (a validation failure's {errors: [{pointer,
 * message}]}). */
static mig_status_t reply_failed(serve_resp_t *resp, action_ctx_t *c)
{
    const char *cls = actx_error_class(c);
    serve_error_t e = SERVE_ERR_INTERNAL;
    for (size_t i = 0; cls && i < sizeof class_errors / sizeof *class_errors;
         i++)
        if (strcmp(class_errors[i].cls, cls) == 0)
            e = class_errors[i].err;
    const char *msg = actx_error_message(c);
    return serve_reply_error(resp, e, actx_error_detail(c), "%s",
                             msg ? msg : "the registry failed");
}

/* Calls the registry action NAME with ARGS on the API's context: *OUT
 * its result (new), or NULL with the error answered in RESP. */
static mig_status_t call(registry_api_t *api, const char *name,
                         const val_t *args, serve_resp_t *resp, val_t **out)
{
    const action_t *a = row(name);
    *out = NULL;
    actx_begin(api->ctx, a->name);
    mig_status_t st = a->run(api->ctx, args, out);
    if (st == MIG_EINVALID)
        return reply_failed(resp, api->ctx);
    return st;
}

/* A new map of the string arguments KEY, VALUE, ... (ended by NULL); NULL
 * when out of memory. */
static val_t *args_of(const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    val_t *m = val_map_new(4);
    for (const char *k = key; m && k; k = va_arg(ap, const char *)) {
        const char *v = va_arg(ap, const char *);
        if (val_map_set_take(m, k, strlen(k), val_cstring(v)) != MIG_OK) {
            val_unref(m);
            m = NULL;
        }
    }
    va_end(ap);
    return m;
}

/* ---- ETags --------------------------------------------------------------- */

/* The ETag of REC: its digest, quoted, into OUT. */
static void etag_of(const val_t *rec, char *out, size_t size)
{
    const char *d = stdlib_arg_str(rec, "digest");
    snprintf(out, size, "\"%s\"", d ? d : "");
}

/* Whether the If-Match list COND holds for HAVE (the record there, or
 * NULL): "*" when there is one, or its ETag among the entity tags
 * listed, compared strongly (a weak W/"..." never matches). */
static bool if_match_holds(const char *cond, const val_t *have)
{
    if (!have)
        return false;
    char tag[BLOB_HEX + 16];
    etag_of(have, tag, sizeof tag);
    size_t tlen = strlen(tag);
    for (const char *p = cond; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if ((n == 1 && *p == '*') || (n == tlen && memcmp(p, tag, n) == 0))
            return true;
        p += n;
    }
    return false;
}

/* Checks the request's If-Match (and, for a PUT, If-None-Match: *)
 * against HAVE: true when they hold; else the 412 (or the 400 of an
 * If-None-Match other than *) is answered in RESP. */
static bool preconditions(serve_req_t *req, serve_resp_t *resp, bool put,
                          const api_kind_t *k, const char *name,
                          const val_t *have, mig_status_t *st)
{
    const char *im = serve_req_header(req, "If-Match");
    const char *inm = put ? serve_req_header(req, "If-None-Match") : NULL;
    char tag[BLOB_HEX + 16] = "none";
    if (have)
        etag_of(have, tag, sizeof tag);
    val_t *detail = val_map_new(1);
    *st = detail ? val_map_set_take(detail, "etag", 4, have ? val_cstring(tag)
                                                          : val_null())
                 : MIG_ENOMEM;
    bool ok = false;
    if (*st != MIG_OK)
        ok = false;         /* out of memory: answered 500 */
    else if (inm && strcmp(inm, "*") != 0)
        *st = serve_reply_error(resp, SERVE_ERR_BAD_REQUEST, NULL,
                                "If-None-Match takes only * here (create "
                                "only when there is none)");
    else if (inm && have)
        *st = serve_reply_error(resp, SERVE_ERR_PRECONDITION_FAILED, detail,
                                "If-None-Match: *, but the %s '%s' is there "
                                "(ETag %s)", k->kind, name, tag);
    else if (im && !if_match_holds(im, have))
        *st = serve_reply_error(resp, SERVE_ERR_PRECONDITION_FAILED, detail,
                                have ? "If-Match: %s, but the %s '%s' has "
                                       "the ETag %s"
                                     : "If-Match: %s, but there is no %s "
                                       "'%s'%.0s", im, k->kind, name, tag);
    else
        ok = true;
    val_unref(detail);
    return ok;
}

/* ---- the handlers -------------------------------------------------------- */

/* Answers STATUS with REC and its ETag. */
static mig_status_t reply_record(serve_resp_t *resp, int status,
                                 const val_t *rec)
{
    char tag[BLOB_HEX + 16];
    etag_of(rec, tag, sizeof tag);
    mig_status_t st = serve_reply_json(resp, status, rec);
    return st == MIG_OK ? serve_reply_header(resp, "ETag", tag) : st;
}

static mig_status_t api_get(serve_req_t *req, serve_resp_t *resp,
                            const void *data)
{
    const api_kind_t *k = data;
    registry_api_t *api = k->api;
    val_t *args = args_of("db", api->db, "name",
                          serve_req_param(req, "name"), "kind", k->kind, NULL);
    val_t *rec = NULL;
    pthread_mutex_lock(&api->lock);
    mig_status_t st = args ? call(api, "registry.get", args, resp, &rec)
                           : MIG_ENOMEM;
    pthread_mutex_unlock(&api->lock);
    if (st == MIG_OK && rec)
        st = reply_record(resp, 200, rec);
    val_unref(rec);
    val_unref(args);
    return st;
}

/* Answers 422 for the body's field at POINTER, saying MSG. */
static mig_status_t reply_invalid(serve_resp_t *resp, const char *pointer,
                                  const char *msg)
{
    val_t *e = val_map_new(2), *l = val_list_new(1), *d = val_map_new(1);
    mig_status_t st = e && l && d ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(e, "pointer", 7, val_cstring(pointer));
    if (st == MIG_OK)
        st = val_map_set_take(e, "message", 7, val_cstring(msg));
    if (st == MIG_OK) {
        st = val_list_push_take(l, e);
        e = NULL;
    }
    if (st == MIG_OK) {
        st = val_map_set_take(d, "errors", 6, l);
        l = NULL;
    }
    if (st == MIG_OK)
        st = serve_reply_error(resp, SERVE_ERR_VALIDATION_FAILED, d,
                               "the body is not a valid record: %s: %s",
                               *pointer ? pointer : "(root)", msg);
    val_unref(e);
    val_unref(l);
    val_unref(d);
    return st;
}

/* The record of a put's body, as *REC (new), its kind and name filled in
 * from the path when it has none; or NULL with the 400 (not JSON) or 422
 * (not a map, another kind or name than the path's) answered. */
static mig_status_t body_record(serve_req_t *req, serve_resp_t *resp,
                                const api_kind_t *k, const char *name,
                                val_t **rec)
{
    size_t len;
    const char *body = serve_req_body(req, &len);
    src_t *src = src_from_memory("body", body, len);
    diag_list_t d;
    diag_list_init(&d);
    *rec = NULL;
    mig_status_t st = src ? val_from_json(src, &d, rec) : MIG_ENOMEM;
    if (st == MIG_EINVALID) {
        const diag_t *first = d.len ? &d.items[0] : NULL;
        st = serve_reply_error(resp, SERVE_ERR_BAD_REQUEST, NULL,
                               "the body is not JSON: %u:%u: %s",
                               first ? first->span.line : 1,
                               first ? first->span.col : 1,
                               first ? first->message : "empty");
    }
    diag_list_free(&d);
    src_free(src);
    if (st != MIG_OK || !*rec)
        return st;
    char msg[160];
    bool map = val_type(*rec) == VAL_MAP;
    const char *have_kind = map ? stdlib_arg_str(*rec, "kind") : NULL;
    const char *have_name = map ? stdlib_arg_str(*rec, "name") : NULL;
    const char *pointer = NULL;
    if (!map) {
        pointer = "";
        snprintf(msg, sizeof msg, "expected an object, found %s",
                 val_type_name(val_type(*rec)));
    } else if (!registry_name_ok(name)) {
        pointer = "/name";
        snprintf(msg, sizeof msg, "the name in the path must match "
                 "^[a-zA-Z0-9_-]{1,64}$");
    } else if (stdlib_arg(*rec, "kind") && (!have_kind
                                            || strcmp(have_kind, k->kind))) {
        pointer = "/kind";
        snprintf(msg, sizeof msg, "must be \"%s\" under %s", k->kind,
                 k->base);
    } else if (stdlib_arg(*rec, "name") && (!have_name
                                            || strcmp(have_name, name))) {
        pointer = "/name";
        snprintf(msg, sizeof msg, "must be \"%s\", the name in the path",
                 name);
    }
    if (pointer) {
        val_unref(*rec);
        *rec = NULL;
        return reply_invalid(resp, pointer, msg);
    }
    if (!have_kind)
        st = val_map_set_take(*rec, "kind", 4, val_cstring(k->kind));
    if (st == MIG_OK && !have_name)
        st = val_map_set_take(*rec, "name", 4, val_cstring(name));
    return st;
}

/* PUT: create (201), replace when If-Match holds (200), or keep the same
 * content (200); another content without If-Match is registry.put's
 * Conflict (409). The answer is the record as stored. */
static mig_status_t put_locked(serve_req_t *req, serve_resp_t *resp,
                               const api_kind_t *k, const char *name,
                               val_t *rec)
{
    registry_api_t *api = k->api;
    val_t *have = NULL, *args = NULL, *out = NULL, *now = NULL;
    actx_begin(api->ctx, "registry.get");
    mig_status_t st = registry_get_record(api->ctx, api->db, k->kind, name,
                                          &have);
    if (st == MIG_EINVALID)
        return reply_failed(resp, api->ctx);
    bool go = st == MIG_OK
              && preconditions(req, resp, true, k, name, have, &st);
    bool replace = serve_req_header(req, "If-Match") != NULL;
    if (go && !(args = args_of("db", api->db, NULL)))
        st = MIG_ENOMEM;
    if (go && st == MIG_OK)
        st = val_map_set(args, "record", 6, rec);
    if (go && st == MIG_OK)
        st = val_map_set_take(args, "replace", 7, val_bool(replace));
    if (go && st == MIG_OK)
        st = call(api, "registry.put", args, resp, &out);
    if (go && st == MIG_OK && out) {
        actx_begin(api->ctx, "registry.get");
        st = registry_get_record(api->ctx, api->db, k->kind, name, &now);
        if (st == MIG_EINVALID)
            st = reply_failed(resp, api->ctx);
    }
    if (go && st == MIG_OK && now) {
        const char *outcome = stdlib_arg_str(out, "outcome");
        bool added = outcome && strcmp(outcome, "added") == 0;
        st = reply_record(resp, added ? 201 : 200, now);
        if (st == MIG_OK && added) {
            char loc[128];
            snprintf(loc, sizeof loc, "%s/%s", k->base, name);
            st = serve_reply_header(resp, "Location", loc);
        }
    }
    val_unref(have);
    val_unref(args);
    val_unref(out);
    val_unref(now);
    return st;
}

static mig_status_t api_put(serve_req_t *req, serve_resp_t *resp,
                            const void *data)
{
    const api_kind_t *k = data;
    const char *name = serve_req_param(req, "name");
    val_t *rec;
    mig_status_t st = body_record(req, resp, k, name, &rec);
    if (st != MIG_OK || !rec)
        return st;
    pthread_mutex_lock(&k->api->lock);
    st = put_locked(req, resp, k, name, rec);
    pthread_mutex_unlock(&k->api->lock);
    val_unref(rec);
    return st;
}

/* DELETE: 204, 404 when there is none, 412 when If-Match does not hold. */
static mig_status_t api_delete(serve_req_t *req, serve_resp_t *resp,
                               const void *data)
{
    const api_kind_t *k = data;
    registry_api_t *api = k->api;
    const char *name = serve_req_param(req, "name");
    val_t *have = NULL, *out = NULL;
    val_t *args = args_of("db", api->db, "name", name, "kind", k->kind, NULL);
    pthread_mutex_lock(&api->lock);
    actx_begin(api->ctx, "registry.get");
    mig_status_t st = args ? registry_get_record(api->ctx, api->db, k->kind,
                                                 name, &have)
                           : MIG_ENOMEM;
    if (st == MIG_EINVALID)
        st = reply_failed(resp, api->ctx);
    else if (st == MIG_OK
             && (!serve_req_header(req, "If-Match")
                 || preconditions(req, resp, false, k, name, have, &st))
             && st == MIG_OK)
        st = call(api, "registry.delete", args, resp, &out);
    pthread_mutex_unlock(&api->lock);
    if (st == MIG_OK && out)
        serve_reply_empty(resp, 204);
    val_unref(have);
    val_unref(out);
    val_unref(args);
    return st;
}

/* ---- listing with a cursor ---------------------------------------------- */

/* The cursor after record NAME of K: opaque to clients, the URL-safe
 * base64 of "/v2/tools/NAME", into OUT. */
static void cursor_of(const api_kind_t *k, const char *name, char *out,
                      size_t size)
{
    char plain[128];
    int n = snprintf(plain, sizeof plain, "%s/%s", k->base, name);
    sodium_bin2base64(out, size, (const unsigned char *)plain, (size_t)n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* The name a cursor of K (TEXT) continues after, into NAME; false when
 * TEXT is no cursor this server gives for K. */
static bool cursor_name(const api_kind_t *k, const char *text, char *name,
                        size_t size)
{
    unsigned char plain[128];
    size_t n = 0;
    if (sodium_base642bin(plain, sizeof plain - 1, text, strlen(text), NULL,
                          &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
        != 0)
        return false;
    plain[n] = '\0';
    size_t blen = strlen(k->base);
    if (n <= blen + 1 || memcmp(plain, k->base, blen) != 0
        || plain[blen] != '/' || n - blen - 1 >= size)
        return false;
    memcpy(name, plain + blen + 1, n - blen);
    return registry_name_ok(name);
}

/* The limit of the request (REGISTRY_API_LIMIT_DEFAULT when not given),
 * or 0 when it is not a whole number from 1 to REGISTRY_API_LIMIT_MAX. */
static size_t limit_of(const char *text)
{
    if (!text)
        return REGISTRY_API_LIMIT_DEFAULT;
    char *end;
    unsigned long n = strtoul(text, &end, 10);
    if (!*text || *end || text[0] == '-' || text[0] == '+' || n < 1
        || n > REGISTRY_API_LIMIT_MAX)
        return 0;
    return (size_t)n;
}

/* {items: PAGE, next_cursor: CURSOR or null}. */
static mig_status_t reply_page(serve_resp_t *resp, const api_kind_t *k,
                               val_t *page, size_t limit)
{
    bool more = val_len(page) > limit;
    char cursor[256];
    if (more)
        cursor_of(k, stdlib_arg_str(val_list_get(page, limit - 1), "name"),
                  cursor, sizeof cursor);
    val_t *m = val_map_new(2), *items = val_list_new(limit);
    mig_status_t st = m && items ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(page) && i < limit; i++)
        st = val_list_push(items, val_list_get(page, i));
    if (st == MIG_OK) {
        st = val_map_set_take(m, "items", 5, items);
        items = NULL;
    }
    if (st == MIG_OK)
        st = val_map_set_take(m, "next_cursor", 11,
                              more ? val_cstring(cursor) : val_null());
    if (st == MIG_OK)
        st = serve_reply_json(resp, 200, m);
    val_unref(items);
    val_unref(m);
    return st;
}

static mig_status_t api_list(serve_req_t *req, serve_resp_t *resp,
                             const void *data)
{
    const api_kind_t *k = data;
    registry_api_t *api = k->api;
    const char *ltext = serve_req_query(req, "limit");
    const char *ctext = serve_req_query(req, "cursor");
    size_t limit = limit_of(ltext);
    char after[72] = "";
    if (!limit)
        return serve_reply_error(resp, SERVE_ERR_BAD_REQUEST, NULL,
                                 "limit must be a whole number from 1 to %d, "
                                 "not '%s'", REGISTRY_API_LIMIT_MAX, ltext);
    if (ctext && *ctext && !cursor_name(k, ctext, after, sizeof after))
        return serve_reply_error(resp, SERVE_ERR_BAD_REQUEST, NULL,
                                 "the cursor '%s' is not one this server "
                                 "gave for %s", ctext, k->base);
    val_t *page = NULL;
    pthread_mutex_lock(&api->lock);
    actx_begin(api->ctx, "registry.list");
    /* One more than asked, to know whether a next page starts. */
    mig_status_t st = registry_list_page(api->ctx, api->db, k->kind,
                                         *after ? after : NULL, limit + 1,
                                         &page);
    if (st == MIG_EINVALID)
        st = reply_failed(resp, api->ctx);
    pthread_mutex_unlock(&api->lock);
    if (st == MIG_OK && page)
        st = reply_page(resp, k, page, limit);
    val_unref(page);
    return st;
}

/* ---- the routes ---------------------------------------------------------- */

/* Each kind's rows: the method, what follows /v2/KINDS, whether it
 * changes something, the handler. */
static const struct {
    const char *method, *suffix;
    bool changes;
    serve_fn handler;
} api_rows[API_ROWS] = {
    { "GET", "", false, api_list },
    { "GET", "/{name}", false, api_get },
    { "PUT", "/{name}", true, api_put },
    { "DELETE", "/{name}", true, api_delete },
};

static const char *const api_kind_names[API_KINDS] = { "tool", "server",
                                                        "rag" };

mig_status_t registry_api_new(const char *db, bool full, diag_list_t *diags,
                              registry_api_t **out)
{
    *out = NULL;
    registry_api_t *api = calloc(1, sizeof *api);
    if (!api || !(api->db = strdup(db))
        || !(api->ctx = actx_new(ACTX_RUN, NULL))) {
        registry_api_free(api);
        return MIG_ENOMEM;
    }
    pthread_mutex_init(&api->lock, NULL);
    actx_host_t host = { .sync_files = full };
    actx_set_host(api->ctx, &host);
    const reg_store_ops_t *ops;
    reg_store_t *s = NULL;
    actx_begin(api->ctx, "registry");
    mig_status_t st = registry_open_db(api->ctx, db, REG_READ, &ops, &s);
    if (s)
        ops->close(s);
    if (st == MIG_OK && !s)
        st = registry_can_create(api->ctx, db);
    if (st == MIG_EINVALID)
        diag_add(diags, DIAG_ERROR, NULL, NULL, "%s",
                 actx_error_message(api->ctx));
    if (st != MIG_OK) {
        registry_api_free(api);
        return st;
    }
    for (size_t i = 0; i < API_KINDS; i++) {
        api_kind_t *k = &api->kinds[i];
        k->api = api;
        k->kind = api_kind_names[i];
        snprintf(k->base, sizeof k->base, "/v2/%s",
                 registry_kind_table(k->kind));
        for (size_t j = 0; j < API_ROWS; j++) {
            snprintf(api->paths[i][j], sizeof api->paths[i][j], "%s%s",
                     k->base, api_rows[j].suffix);
            api->routes[i * API_ROWS + j] = (serve_route_t){
                .method = api_rows[j].method, .path = api->paths[i][j],
                .changes = api_rows[j].changes,
                .handler = api_rows[j].handler, .data = k };
        }
    }
    *out = api;
    return MIG_OK;
}

mig_status_t registry_api_routes(registry_api_t *api, serve_t *s)
{
    return serve_add_routes(s, api->routes, API_KINDS * API_ROWS);
}

void registry_api_free(registry_api_t *api)
{
    if (!api)
        return;
    if (api->ctx)
        pthread_mutex_destroy(&api->lock);
    actx_free(api->ctx);
    free(api->db);
    free(api);
}
