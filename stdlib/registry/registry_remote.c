/* registry_remote.c: a V2 registry over HTTP (docs/registry.md, "Remote
 * registries"): a `db` that is an http:// or https:// URL names the
 * registry `mig serve` (docs/registry-api.md) or any server of that API
 * serves. Here are its requests (remote_op_t: one or more requests in a
 * row, sent through the run's libcurl multi handle when a loop runs,
 * else one after another where nothing else waits: a dry run, a
 * rollback's verification), the state of a remote record as rollback
 * verifies it, and the store row (reg_store_ops_t) that the registry's
 * reading functions use. The changing actions' flows are in
 * registry_remote_act.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "registry_remote.h"

bool registry_remote_db(const char *db)
{
    return db && (strncmp(db, "http://", 7) == 0
                  || strncmp(db, "https://", 8) == 0);
}

mig_status_t remote_url(const char *db, const char *kind, const char *name,
                        strbuf_t *out)
{
    size_t n = strlen(db);
    while (n && db[n - 1] == '/')
        n--;
    strbuf_put(out, db, n);
    /* The server's URL, or the API's root under it (".../v2"). */
    bool root = n >= 3 && memcmp(db + n - 3, "/v2", 3) == 0;
    strbuf_printf(out, "%s/%s", root ? "" : "/v2", registry_kind_table(kind));
    if (name)
        strbuf_printf(out, "/%s", name);
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

/* ---- which actions, with which arguments ------------------------------ */

/* The actions a remote registry takes (registry_remote*.c); deprecate
 * and alias need a local one. */
static const char *const remote_actions[] = {
    "registry.put", "registry.get", "registry.list", "registry.count",
    "registry.delete",
};

mig_status_t registry_remote_args_ok(action_ctx_t *c, const char *action,
                                     const val_t *args)
{
    const char *db = stdlib_arg_str(args, "db");
    bool remote = registry_remote_db(db);
    if (!remote && stdlib_arg(args, "token"))
        return actx_fail(c, "InvalidConfig", "%s: token: is sent to a remote "
                         "registry only (a db that is an http:// or https:// "
                         "URL), not to %s", action, db);
    for (size_t i = 0; remote && i < sizeof remote_actions
                                     / sizeof *remote_actions; i++)
        if (strcmp(remote_actions[i], action) == 0)
            return MIG_OK;
    return remote ? actx_fail(c, "InvalidConfig", "%s: a remote registry "
                              "(%s) takes registry.put, get, list, count and "
                              "delete; a put of the changed record does what "
                              "%s would", action, db, action)
                  : MIG_OK;
}

/* Whether ROW takes a token: a registry action of this file's table. */
static bool takes_token(const action_t *row)
{
    if (strncmp(row->name, "registry.", 9) != 0)
        return false;
    for (const action_arg_t *a = row->args; a && a->name; a++)
        if (strcmp(a->name, "token") == 0)
            return true;
    return false;
}

mig_status_t stdlib_registry_fill(void *tokens, const action_t *row,
                                  val_t **args, strbuf_t *why)
{
    const char *db = stdlib_arg_str(*args, "db");
    if (!tokens || !takes_token(row) || stdlib_arg(*args, "token")
        || !registry_remote_db(db))
        return MIG_OK;          /* the plan's own token wins */
    const val_t *tok = NULL;
    mig_status_t st = config_tokens_get(tokens, db, &tok, why);
    if (st != MIG_OK || !tok)
        return st;
    val_t *filled = val_copy(*args);
    if (!filled || val_map_set(filled, "token", 5, (val_t *)tok) != MIG_OK) {
        val_unref(filled);
        return MIG_ENOMEM;
    }
    val_unref(*args);
    *args = filled;
    return MIG_OK;
}

/* ---- requests ------------------------------------------------------------- */

void remote_op_free(remote_op_t *op)
{
    if (op->x)
        http_call_free(op->x);
    val_unref(op->token);
    val_unref(op->record);
    val_unref(op->before);
    val_unref(op->acc);
    val_unref(op->result);
    free(op->db);
    free(op->kind);
    free(op->name);
    free(op->cursor);
    free(op);
}

remote_op_t *remote_op_new(action_ctx_t *c, const char *action,
                           const char *db, const char *kind, const char *name,
                           const val_t *token)
{
    remote_op_t *op = calloc(1, sizeof(*op));
    if (!op)
        return NULL;
    op->c = c;
    op->action = action;
    op->db = strdup(db);
    op->kind = strdup(kind);
    op->name = name ? strdup(name) : NULL;
    op->token = token ? val_ref((val_t *)token) : NULL;
    if (!op->db || !op->kind || (name && !op->name)) {
        remote_op_free(op);
        return NULL;
    }
    return op;
}

void remote_end(remote_op_t *op, mig_status_t st, val_t *result)
{
    if (op->suspended) {
        /* Past the first request: called from the loop. */
        action_ctx_t *c = op->c;
        remote_op_free(op);
        actx_finish(c, st, result);
        return;
    }
    op->ended = true;
    op->st = st;
    op->result = result;
}

mig_status_t remote_start(remote_op_t *op, bool may_wait,
                          void (*first)(remote_op_t *op), val_t **out)
{
    const actx_host_t *h = actx_host(op->c);
    op->waits = may_wait && actx_mode(op->c) != ACTX_PREVIEW && h && h->loop;
    first(op);
    if (!op->ended)
        return MIG_OK;          /* suspended: ends with actx_finish */
    mig_status_t st = op->st;
    *out = op->result;
    op->result = NULL;
    remote_op_free(op);
    return st;
}

/* The server's own error (docs/registry-api.md, "Errors") in the detail
 * D of a failed request: {"error": {type, message, detail}}, or NULL. */
static val_t *server_error(const val_t *d)
{
    val_t *json = d ? val_map_get(d, "json", 4) : NULL;
    val_t *e = json && val_type(json) == VAL_MAP
        ? val_map_get(json, "error", 5) : NULL;
    return e && val_type(e) == VAL_MAP ? e : NULL;
}

/* D (a request's error detail, http.request's) with the entries of the
 * server's error detail added where D has none (errors, etag), so that
 * recover blocks read a remote registry's ValidationFailed as a local
 * one's. A new value; NULL when out of memory. */
static val_t *with_server_detail(const val_t *d)
{
    val_t *e = server_error(d);
    val_t *sd = e ? val_map_get(e, "detail", 6) : NULL;
    val_t *m = val_copy(d);
    for (size_t i = 0; m && sd && val_type(sd) == VAL_MAP && i < val_len(sd);
         i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(sd, i), &len);
        if (!val_map_get(m, k, len)
            && val_map_set(m, k, len, val_map_value(sd, i)) != MIG_OK) {
            val_unref(m);
            return NULL;
        }
    }
    return m;
}

/* An error of http_outcome ("http.request: PUT URL answered ...") said
 * as OP's action's, with the server's message when it sent one; its
 * detail (with the server's, with_server_detail) and suggested delay
 * kept. */
static mig_status_t as_action_error(remote_op_t *op)
{
    action_ctx_t *c = op->c;
    const char *m = actx_error_message(c);
    const char *prefix = "http.request: ";
    if (!m || strncmp(m, prefix, strlen(prefix)) != 0)
        return MIG_EINVALID;
    char *msg = strdup(m + strlen(prefix));
    char *cls = strdup(actx_error_class(c));
    val_t *d = actx_error_detail(c) ? with_server_detail(actx_error_detail(c))
                                    : NULL;
    val_t *e = server_error(d);
    const char *said = e ? stdlib_arg_str(e, "message") : NULL;
    int64_t delay = actx_suggested_delay(c);
    mig_status_t st = !msg || !cls ? MIG_ENOMEM
        : said ? actx_fail(c, cls, "%s: %s: %s", op->action, msg, said)
               : actx_fail(c, cls, "%s: %s", op->action, msg);
    if (d)
        actx_set_error_detail(c, d);
    if (delay >= 0)
        actx_suggest_delay(c, delay);
    free(msg);
    free(cls);
    return st;
}

/* The transfer of OP's request ended with RC: its answer goes to OP's
 * next function. */
static void answered(remote_op_t *op, CURLcode rc)
{
    val_t *res = NULL;
    mig_status_t st = http_outcome(op->x, rc, &res);
    http_call_free(op->x);
    op->x = NULL;
    if (st == MIG_EINVALID)
        st = as_action_error(op);
    op->next(op, st, res);
}

static void on_done(void *data, CURLcode rc)
{
    answered(data, rc);
}

static void on_cancel(action_ctx_t *c, void *data)
{
    (void)c;
    remote_op_t *op = data;
    if (op->x) {
        op->x->cancelled = true;
        http_multi_cancel(op->x->easy);
    }
}

/* The arguments of http.request for a request of OP. */
static val_t *request_args(remote_op_t *op, const char *method,
                           const char *url, const val_t *body,
                           const char *cond, const char *tag,
                           const int *expect, const val_t *query)
{
    val_t *a = val_map_new(8), *h = val_map_new(2), *e = val_list_new(4);
    mig_status_t st = a && h && e ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && expect[i]; i++)
        st = val_list_push_take(e, val_int(expect[i]));
    if (st == MIG_OK && op->token && strcmp(method, "GET") != 0) {
        val_t *bearer = val_cstring("Bearer ");
        val_t *v = bearer ? val_secret_concat(bearer, op->token) : NULL;
        val_unref(bearer);
        st = v ? val_map_set_take(h, "Authorization", 13, v) : MIG_ENOMEM;
    }
    if (st == MIG_OK && cond)
        st = val_map_set_take(h, cond, strlen(cond), val_cstring(tag));
    if (st == MIG_OK)
        st = val_map_set_take(a, "method", 6, val_cstring(method));
    if (st == MIG_OK)
        st = val_map_set_take(a, "url", 3, val_cstring(url));
    if (st == MIG_OK) {
        st = val_map_set_take(a, "headers", 7, h);
        h = NULL;
    }
    if (st == MIG_OK) {
        st = val_map_set_take(a, "expect", 6, e);
        e = NULL;
    }
    if (st == MIG_OK)
        st = val_map_set_take(a, "resource", 8, val_bool(true));
    if (st == MIG_OK && body)
        st = val_map_set(a, "body", 4, (val_t *)body);
    if (st == MIG_OK && query)
        st = val_map_set(a, "query", 5, (val_t *)query);
    val_unref(h);
    val_unref(e);
    if (st != MIG_OK) {
        val_unref(a);
        return NULL;
    }
    return a;
}

void remote_send(remote_op_t *op, const char *method, const char *url,
                 const val_t *body, const char *cond, const char *tag,
                 const int *expect, const val_t *query, remote_next_fn next)
{
    op->next = next;
    val_t *args = request_args(op, method, url, body, cond, tag, expect,
                               query);
    mig_status_t st = args ? http_prepare(op->c, args, &op->x) : MIG_ENOMEM;
    val_unref(args);
    if (st != MIG_OK) {
        next(op, st, NULL);
        return;
    }
    if (!op->waits) {
        answered(op, curl_easy_perform(op->x->easy));
        return;
    }
    st = http_multi_add(actx_host(op->c)->loop, op->x->easy, on_done, op);
    if (st != MIG_OK) {
        next(op, st, NULL);
        return;
    }
    if (!op->suspended) {
        op->suspended = true;
        actx_suspend(op->c, on_cancel, op);
    }
}

long remote_status(const val_t *res)
{
    val_t *s = res ? val_map_get(res, "status", 6) : NULL;
    return s && val_is_int(s) ? (long)val_get_int(s) : 0;
}

mig_status_t remote_read_record(remote_op_t *op, const val_t *res,
                                val_t **rec, char tag[REMOTE_TAG])
{
    *rec = NULL;
    tag[0] = '\0';
    if (remote_status(res) == 404)
        return MIG_OK;
    val_t *json = val_map_get(res, "json", 4);
    const char *name = json && val_type(json) == VAL_MAP
        ? stdlib_arg_str(json, "name") : NULL;
    /* A GET finds a record by an alias too: another record than the one
     * named is none of it, unless the call asked for that. */
    if (!op->by_alias && op->name && name && strcmp(name, op->name) != 0)
        return MIG_OK;
    const char *digest = json && val_type(json) == VAL_MAP
        ? stdlib_arg_str(json, "digest") : NULL;
    if (!digest || strlen(digest) + 3 > REMOTE_TAG)
        return actx_fail(op->c, "Unavailable", "%s: the %s '%s' of %s was "
                         "answered (%ld) with a body that is no registry "
                         "record", op->action, op->kind, op->name, op->db,
                         remote_status(res));
    /* The record's ETag is its digest, quoted (docs/registry-api.md). */
    snprintf(tag, REMOTE_TAG, "\"%s\"", digest);
    *rec = val_ref(json);
    return MIG_OK;
}

/* ---- the state of a remote record ------------------------------------------ */

mig_status_t remote_state_text(const val_t *rec, strbuf_t *out)
{
    return registry_state_text(rec, registry_drift_text, out);
}

static const int expect_get[] = { 200, 404, 0 };

static void got_state(remote_op_t *op, mig_status_t st, val_t *res)
{
    val_t *rec = NULL;
    char tag[REMOTE_TAG];
    strbuf_t s;
    strbuf_init(&s);
    if (st == MIG_OK)
        st = remote_read_record(op, res, &rec, tag);
    if (st == MIG_OK)
        st = remote_state_text(rec, &s);
    val_unref(rec);
    val_unref(res);
    remote_end(op, st, st == MIG_OK ? val_string(s.data, s.len) : NULL);
    strbuf_free(&s);
}

void remote_get(remote_op_t *op, remote_next_fn next)
{
    strbuf_t url;
    strbuf_init(&url);
    if (remote_url(op->db, op->kind, op->name, &url) != MIG_OK)
        remote_end(op, MIG_ENOMEM, NULL);
    else
        remote_send(op, "GET", url.data, NULL, NULL, NULL, expect_get, NULL,
                    next);
    strbuf_free(&url);
}

static void state_first(remote_op_t *op)
{
    remote_get(op, got_state);
}

mig_status_t registry_remote_state(action_ctx_t *c, const char *db,
                                   const char *kind, const char *name,
                                   strbuf_t *out)
{
    remote_op_t *op = remote_op_new(c, "registry", db, kind, name, NULL);
    val_t *s = NULL;
    mig_status_t st = op ? remote_start(op, false, state_first, &s)
                         : MIG_ENOMEM;
    if (st == MIG_OK)
        strbuf_puts(out, val_get_str(s, NULL));
    val_unref(s);
    return st == MIG_OK && out->oom ? MIG_ENOMEM : st;
}

/* ---- reading: one record, and every record of a kind ----------------------- */

static void got_record(remote_op_t *op, mig_status_t st, val_t *res)
{
    val_t *rec = NULL;
    char tag[REMOTE_TAG];
    if (st == MIG_OK)
        st = remote_read_record(op, res, &rec, tag);
    if (st == MIG_OK && !rec && op->count)     /* registry.get */
        st = actx_fail(op->c, "MissingDependency", "%s: no %s named '%s' "
                       "in %s", op->action, op->kind, op->name, op->db);
    val_unref(res);
    remote_end(op, st, st == MIG_OK ? rec : NULL);
    if (st != MIG_OK)
        val_unref(rec);
}

static void record_first(remote_op_t *op)
{
    remote_get(op, got_record);
}

mig_status_t registry_remote_get(action_ctx_t *c, const char *action,
                                 const val_t *args, const char *kind,
                                 bool wait, val_t **out)
{
    const char *name = stdlib_arg_str(args, "name");
    const char *db = stdlib_arg_str(args, "db");
    *out = NULL;
    if (!registry_name_ok(name))        /* not a name: no such record */
        return wait ? actx_fail(c, "MissingDependency", "%s: no %s named "
                                "'%s' in %s", action, kind, name, db)
                    : MIG_OK;
    remote_op_t *op = remote_op_new(c, action, db, kind, name,
                                    stdlib_arg(args, "token"));
    if (!op)
        return MIG_ENOMEM;
    op->count = wait;           /* a missing record fails the action */
    op->by_alias = wait;        /* registry.get finds it by an alias */
    return remote_start(op, wait, record_first, out);
}

/* A page of the collection: GET ?limit=REMOTE_PAGE&cursor=... */
static void page_next(remote_op_t *op);

static void got_page(remote_op_t *op, mig_status_t st, val_t *res)
{
    val_t *json = st == MIG_OK ? val_map_get(res, "json", 4) : NULL;
    val_t *items = json && val_type(json) == VAL_MAP
        ? val_map_get(json, "items", 5) : NULL;
    val_t *next = json && val_type(json) == VAL_MAP
        ? val_map_get(json, "next_cursor", 11) : NULL;
    if (st == MIG_OK && (!items || val_type(items) != VAL_LIST))
        st = actx_fail(op->c, "Unavailable", "%s: the list of %s at %s is "
                       "no page of records", op->action, op->kind, op->db);
    for (size_t i = 0; st == MIG_OK && i < val_len(items); i++) {
        const val_t *r = val_list_get(items, i);
        const char *s = stdlib_arg_str(r, "status");
        if (!op->status || (s && strcmp(s, op->status) == 0))
            st = val_list_push(op->acc, (val_t *)r);
    }
    free(op->cursor);
    op->cursor = st == MIG_OK && next && val_type(next) == VAL_STRING
        ? strdup(val_get_str(next, NULL)) : NULL;
    val_unref(res);
    if (st != MIG_OK) {
        remote_end(op, st, NULL);
    } else if (op->cursor) {
        page_next(op);
    } else {
        val_t *r = op->count ? val_int((int64_t)val_len(op->acc))
                             : val_ref(op->acc);
        remote_end(op, r ? MIG_OK : MIG_ENOMEM, r);
    }
}

static void page_next(remote_op_t *op)
{
    static const int expect[] = { 200, 0 };
    strbuf_t url;
    strbuf_init(&url);
    val_t *q = val_map_new(2);
    mig_status_t st = q ? remote_url(op->db, op->kind, NULL, &url)
                        : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(q, "limit", 5, val_int(REMOTE_PAGE));
    if (st == MIG_OK && op->cursor)
        st = val_map_set_take(q, "cursor", 6, val_cstring(op->cursor));
    if (st == MIG_OK)
        remote_send(op, "GET", url.data, NULL, NULL, NULL, expect, q,
                    got_page);
    else
        remote_end(op, st, NULL);
    val_unref(q);
    strbuf_free(&url);
}

mig_status_t registry_remote_list(action_ctx_t *c, const char *action,
                                  const val_t *args, const char *kind,
                                  const char *status, bool count, bool wait,
                                  val_t **out)
{
    remote_op_t *op = remote_op_new(c, action, stdlib_arg_str(args, "db"),
                                    kind, NULL, stdlib_arg(args, "token"));
    if (!op || !(op->acc = val_list_new(0))) {
        if (op)
            remote_op_free(op);
        return MIG_ENOMEM;
    }
    op->status = status;
    op->count = count;
    return remote_start(op, wait, page_next, out);
}

/* ---- the store row: what the registry's reading functions use ---------------- */

struct reg_store {
    char *url;
};

static mig_status_t remote_open(action_ctx_t *c, const char *url,
                                reg_mode_t mode, reg_store_t **out)
{
    (void)c, (void)mode;
    reg_store_t *s = calloc(1, sizeof(*s));
    if (!s || !(s->url = strdup(url))) {
        free(s);
        return MIG_ENOMEM;
    }
    *out = s;
    return MIG_OK;
}

static void remote_close(reg_store_t *s)
{
    free(s->url);
    free(s);
}

static mig_status_t store_get(action_ctx_t *c, reg_store_t *s,
                               const char *kind, const char *name,
                               val_t **out)
{
    val_t *args = val_map_new(2);
    mig_status_t st = args ? val_map_set_take(args, "db", 2,
                                              val_cstring(s->url))
                           : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(args, "name", 4, val_cstring(name));
    if (st == MIG_OK)
        st = registry_remote_get(c, "registry.get", args, kind, false, out);
    val_unref(args);
    return st;
}

static mig_status_t remote_set(action_ctx_t *c, reg_store_t *s,
                               const char *kind, const char *name,
                               const val_t *rec, char hash[BLOB_HEX])
{
    (void)rec;
    (void)hash;
    return actx_fail(c, "InvalidConfig", "registry: the %s '%s' of %s, a "
                     "remote registry, is changed only by registry.put and "
                     "registry.delete", kind, name, s->url);
}

static mig_status_t remote_list(action_ctx_t *c, reg_store_t *s,
                                const char *kind, val_t **out)
{
    val_t *args = val_map_new(1);
    mig_status_t st = args ? val_map_set_take(args, "db", 2,
                                              val_cstring(s->url))
                           : MIG_ENOMEM;
    if (st == MIG_OK)
        st = registry_remote_list(c, "registry.list", args, kind, NULL, false,
                                  false, out);
    val_unref(args);
    return st;
}

const reg_store_ops_t registry_remote_ops = {
    .name = "remote", .url = true, .fits = registry_remote_db,
    .open = remote_open, .close = remote_close, .get = store_get,
    .set = remote_set, .list = remote_list,
};
