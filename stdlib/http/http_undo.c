/* http_undo.c: reversible remote changes (docs/http.md, "Undo"). A
 * changing http.request that gives `undo:` keeps its before-image: its
 * capture reads the record (a GET of `before:`) and journals it with the
 * undo request; its run keeps what the answer says that the undo needs
 * (the ETag the change produced, the URL of what a POST created) as the
 * call's outcome, and reads the record again for its after-image; its
 * undo sends the undo request with If-Match of that ETag, so that a
 * record someone changed since is not overwritten (Conflict). The record
 * is a resource of kind remote (runtime/resource.c): rollback verifies it
 * with a GET. Every request here is sent on the loop (http_send) and
 * chained by a flow; only the resource's state, asked by the runtime
 * outside any call, waits for its GET. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"

/* ---- checking the arguments ---------------------------------------------- */

/* Whether URL names a user or a password (which the journal does not
 * keep, so an undo could not send them). */
static bool url_has_user(const char *url)
{
    CURLU *u = curl_url();
    char *user = NULL;
    bool has = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK
               && curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK;
    curl_free(user);
    curl_url_cleanup(u);
    return has;
}

mig_status_t http_plain_credential(action_ctx_t *c, const char *what,
                                   const val_t *headers)
{
    for (size_t i = 0; headers && i < val_len(headers); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(headers, i), &len);
        if (http_header_secret(k, len)
            && val_type(val_map_value(headers, i)) != VAL_SECRET)
            return actx_fail(c, "InvalidConfig", "http.request: %s: the "
                             "header '%s' is journaled, to be sent after a "
                             "restart, and a credential is never journaled "
                             "as text: give it as a secret (secret_env)",
                             what, k);
    }
    return MIG_OK;
}

/* Checks `undo` and `before` of ARGS; *BEFORE gets the URL to read
 * first (borrowed), or NULL. */
static mig_status_t check_undo(action_ctx_t *c, const val_t *args,
                               const char **before)
{
    static const char *const keys[] = { "method", "url", "headers", "body" };
    val_t *u = stdlib_arg(args, "undo");
    *before = NULL;
    mig_status_t st = http_keys_known(c, "undo", "an undo", u, keys,
                                      sizeof keys / sizeof *keys);
    if (st != MIG_OK)
        return st;
    const char *um = http_str_of(u, "method");
    if (!um || http_method_reads(um)
        || !(strcmp(um, "POST") == 0 || strcmp(um, "PUT") == 0
             || strcmp(um, "PATCH") == 0 || strcmp(um, "DELETE") == 0))
        return actx_fail(c, "InvalidConfig", "http.request: undo: method "
                         "must be \"PUT\", \"POST\", \"PATCH\" or \"DELETE\"");
    val_t *uurl = val_map_get(u, "url", 3);
    val_t *uh = val_map_get(u, "headers", 7);
    if ((uurl && val_type(uurl) != VAL_STRING)
        || (uh && val_type(uh) != VAL_MAP))
        return actx_fail(c, "InvalidConfig", "http.request: undo: url must "
                         "be a string and headers a map");
    st = http_plain_credential(c, "undo", uh ? uh
                                            : stdlib_arg(args, "headers"));
    if (st != MIG_OK)
        return st;
    *before = http_before_url(args);
    const char *urls[] = { stdlib_arg_str(args, "url"), *before,
                           uurl ? val_get_str(uurl, NULL) : NULL };
    for (size_t i = 0; i < 3; i++)
        if (urls[i] && url_has_user(urls[i]))
            return actx_fail(c, "InvalidConfig", "http.request: with undo, "
                             "a URL names no user or password (the journal "
                             "does not keep them): give credentials as a "
                             "secret header");
    return MIG_OK;
}

const char *http_before_url(const val_t *args)
{
    const char *before = stdlib_arg_str(args, "before");
    const char *method = stdlib_arg_str(args, "method");
    if (!before && method && strcmp(method, "POST") != 0)
        before = stdlib_arg_str(args, "url");
    return before;
}

/* ---- capture: the before-image ----------------------------------------------- */

/* The undo record of ARGS with BEFORE (taken; null when nothing was
 * read). NULL when out of memory. */
static val_t *undo_record(const val_t *args, val_t *before)
{
    val_t *u = stdlib_arg(args, "undo");
    val_t *h = val_map_get(u, "headers", 7);
    val_t *t = stdlib_arg(args, "timeout");
    val_t *spec = val_map_new(4), *req = val_map_new(2), *r = val_map_new(4);
    bool ok = spec && req && r
        && val_map_set(spec, "method", 6, val_map_get(u, "method", 6)) == MIG_OK
        && val_map_set_take(spec, "headers", 7, http_plain_headers(
               h ? h : stdlib_arg(args, "headers"))) == MIG_OK
        && (!val_map_get(u, "url", 3)
            || val_map_set(spec, "url", 3, val_map_get(u, "url", 3)) == MIG_OK)
        && (!val_map_get(u, "body", 4)
            || val_map_set(spec, "body", 4, val_map_get(u, "body", 4)) == MIG_OK)
        && val_map_set(req, "method", 6, stdlib_arg(args, "method")) == MIG_OK
        && val_map_set(req, "url", 3, stdlib_arg(args, "url")) == MIG_OK
        && val_map_set(r, "request", 7, req) == MIG_OK
        && val_map_set(r, "undo", 4, spec) == MIG_OK
        && val_map_set(r, "before", 6, before) == MIG_OK
        && (!t || val_map_set_take(r, "timeout_ms", 10,
                                   val_int(http_timeout_of(args, 0)))
                            == MIG_OK);
    val_unref(spec);
    val_unref(req);
    val_unref(before);
    if (!ok) {
        val_unref(r);
        return NULL;
    }
    return r;
}

/* The before-image X read: {url, state, blob, type, etag} (blob, type
 * and etag for a record that is there), its bytes kept in the object
 * store. */
static void before_read(http_call_t *x, CURLcode rc)
{
    flow_t *f = x->then_data;
    action_ctx_t *c = f->c;
    f->x = NULL;
    char buf[BLOB_HEX + 7];
    const char *state = http_state_of(x, rc, buf);
    const actx_host_t *host = actx_host(c);
    const char *url = http_before_url(f->args);
    if (!state) {
        val_t *unused = NULL;
        f->st = http_outcome(x, rc, &unused);     /* the classed error */
        val_unref(unused);
        if (f->st == MIG_OK)
            f->st = actx_fail(c, "Unavailable", "http.request: GET %s "
                              "answered %ld: not a record mig can keep as "
                              "the before-image", x->shown_url,
                              http_answered(x, rc));
        http_call_free(x);
        http_flow_end(f);
        return;
    }
    val_t *b = val_map_new(5);
    bool there = strcmp(state, "absent") != 0;
    char hex[BLOB_HEX];
    mig_status_t st = b ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK && there)
        st = host && host->blobs
            ? blobs_put(host->blobs, x->body.data ? x->body.data : "",
                        x->body.len, hex)
            : actx_fail(c, "Unavailable", "http.request: no object store "
                        "to keep the before-image of %s in", x->shown_url);
    if (st == MIG_EIO)
        st = actx_fail(c, "Unavailable", "http.request: the before-image of "
                       "%s could not be kept in the object store", url);
    const char *type = http_answer_header(x, "content-type");
    const char *etag = http_answer_header(x, "etag");
    if (st == MIG_OK
        && (val_map_set_take(b, "url", 3, val_cstring(url)) != MIG_OK
            || val_map_set_take(b, "state", 5, val_cstring(state)) != MIG_OK
            || (there && val_map_set_take(b, "blob", 4, val_cstring(hex))
                             != MIG_OK)
            || (there && type && val_map_set_take(b, "type", 4,
                                                  val_cstring(type)) != MIG_OK)
            || (there && etag && val_map_set_take(b, "etag", 4,
                                                  val_cstring(etag)) != MIG_OK)))
        st = MIG_ENOMEM;
    http_call_free(x);
    if (st == MIG_OK && (!(f->id = malloc(strlen(url) + 8))))
        st = MIG_ENOMEM;
    if (st == MIG_OK) {
        sprintf(f->id, HTTP_REMOTE_PREFIX "%s", url);
        st = actx_set_state(c, f->id, state);
    }
    if (st == MIG_OK)
        st = resource_declare(c, f->id);
    if (st == MIG_OK) {
        f->result = undo_record(f->args, b);
        b = NULL;
        st = f->result ? MIG_OK : MIG_ENOMEM;
    }
    val_unref(b);
    f->st = st;
    http_flow_end(f);
}

mig_status_t http_capture(action_ctx_t *c, const val_t *args, val_t **record)
{
    const char *before;
    mig_status_t st = check_undo(c, args, &before);
    if (st == MIG_OK)
        st = http_check_valid(c, args);
    if (st != MIG_OK)
        return st;
    if (!before) {      /* a POST: it creates, there is nothing before */
        *record = undo_record(args, val_null());
        return *record ? MIG_OK : MIG_ENOMEM;
    }
    const actx_host_t *host = actx_host(c);
    if (!host || !host->loop)
        return actx_fail(c, "Unavailable", "http.request: requests are sent "
                         "only in a run, with its event loop");
    flow_t *f = http_flow_new(c, args);
    if (!f)
        return MIG_ENOMEM;
    st = http_flow_send(f, http_args_of("GET", before, http_plain_headers(stdlib_arg(
                                  args, "headers")), http_timeout_of(args, 0),
                              NULL), before_read);
    if (st != MIG_OK) {
        http_flow_free(f);
        return st;
    }
    actx_suspend(c, http_flow_cancel, f);
    return MIG_OK;
}

/* ---- run: what the answer says for the undo ------------------------------------ */

/* Appends to OUT the member PATH (dotted) of JSON, a string or a whole
 * number, URL-encoded; false when there is none. */
static bool put_member(strbuf_t *out, const val_t *json, const char *path,
                       size_t len)
{
    const val_t *v = json;
    while (len && v && val_type(v) == VAL_MAP) {
        const char *dot = memchr(path, '.', len);
        size_t n = dot ? (size_t)(dot - path) : len;
        v = val_map_get(v, path, n);
        path += dot ? n + 1 : n;
        len -= dot ? n + 1 : n;
    }
    if (len || !v || !(val_type(v) == VAL_STRING || val_is_int(v)))
        return false;
    strbuf_t t;
    strbuf_init(&t);
    eval_to_text(v, &t);
    char *e = curl_easy_escape(NULL, t.data ? t.data : "", (int)t.len);
    strbuf_free(&t);
    if (!e)
        return false;
    strbuf_puts(out, e);
    curl_free(e);
    return true;
}

/* LOCATION made absolute against BASE (a new string), or NULL. */
static char *absolute(const char *base, const char *location)
{
    CURLU *u = curl_url();
    char *s = NULL, *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK
        && curl_url_set(u, CURLUPART_URL, location, 0) == CURLUE_OK
        && curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
        out = strdup(s);
    curl_free(s);
    curl_url_cleanup(u);
    return out;
}

char *http_undo_url(const char *tmpl, const char *base, const char *location,
                    const val_t *json)
{
    strbuf_t b;
    strbuf_init(&b);
    bool ok = true;
    for (const char *p = tmpl; ok && *p;) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!close) {
            strbuf_puts(&b, p);
            break;
        }
        strbuf_put(&b, p, (size_t)(open - p));
        size_t n = (size_t)(close - open - 1);
        if (n == 8 && memcmp(open + 1, "location", 8) == 0) {
            char *abs = location ? absolute(base, location) : NULL;
            ok = abs != NULL;
            if (abs)
                strbuf_puts(&b, abs);
            free(abs);
        } else if (n > 5 && memcmp(open + 1, "json.", 5) == 0) {
            ok = put_member(&b, json, open + 6, n - 5);
        } else {
            ok = false;
        }
        p = close + 1;
    }
    char *out = ok && !b.oom ? strdup(b.data ? b.data : "") : NULL;
    strbuf_free(&b);
    return out;
}


/* The record read again after the change: its state is the after-image
 * (actx_set_state), then the call ends. */
static void after_read(http_call_t *x, CURLcode rc)
{
    flow_t *f = x->then_data;
    f->x = NULL;
    char buf[BLOB_HEX + 7];
    const char *state = http_state_of(x, rc, buf);
    val_t *o = actx_outcome(f->c);
    /* the undo tells a record changed since from one renewed (its ETag
     * changed by the undos of later changes, not its content) by it */
    if (state && ((f->id && actx_set_state(f->c, f->id, state) != MIG_OK)
                  || (o && val_map_set_take(o, "after", 5,
                                            val_cstring(state)) != MIG_OK)))
        f->st = MIG_ENOMEM;
    http_call_free(x);
    http_flow_end(f);
}

/* The outcome of the change X answered: {etag, url} (the ETag the answer
 * gave, the undo's URL with its placeholders filled), either left out
 * when unknown. NULL when out of memory. */
static val_t *outcome_of(flow_t *f, http_call_t *x)
{
    val_t *o = val_map_new(2);
    const char *etag = http_answer_header(x, "etag");
    const char *method = stdlib_arg_str(f->args, "method");
    /* undo.url, else the record read before, else (a POST) what its
     * answer says it created */
    const char *tmpl = http_str_of(stdlib_arg(f->args, "undo"), "url");
    if (!tmpl)
        tmpl = http_before_url(f->args);
    if (!tmpl)
        tmpl = "{location}";
    val_t *json = f->result ? val_map_get(f->result, "json", 4) : NULL;
    char *url = http_undo_url(tmpl, stdlib_arg_str(f->args, "url"),
                              http_answer_header(x, "location"), json);
    bool ok = o && (!etag || val_map_set_take(o, "etag", 4,
                                              val_cstring(etag)) == MIG_OK)
              && (!url || val_map_set_take(o, "url", 3, val_cstring(url))
                              == MIG_OK);
    if (ok && !url) {
        strbuf_t m;
        strbuf_init(&m);
        strbuf_printf(&m, "http.request: %s %s: the URL of its undo (%s) "
                      "could not be filled from the answer, so a rollback "
                      "cannot undo it", method, x->shown_url, tmpl);
        ok = !m.oom && actx_log(f->c, "warn", m.data) == MIG_OK;
        strbuf_free(&m);
    }
    free(url);
    if (!ok) {
        val_unref(o);
        return NULL;
    }
    return o;
}

void http_undo_answered(http_call_t *x, CURLcode rc)
{
    flow_t *f = x->then_data;
    f->x = NULL;
    bool stopped = x->cancelled || x->unsent;
    f->st = http_outcome(x, rc, &f->result);
    if (f->st == MIG_OK) {
        val_t *o = outcome_of(f, x);
        if (o)
            actx_set_outcome(f->c, o);
        else
            f->st = MIG_ENOMEM;
    }
    http_call_free(x);
    /* The record read again: the declared one (its after-image), else
     * what a POST created (for its undo only). A failure to read it
     * leaves the after-image to the runtime (runtime.h, resource_state),
     * which reads it once more. */
    const char *before = http_before_url(f->args);
    const char *read = before ? before
        : http_str_of(actx_outcome(f->c), "url");
    if (f->st == MIG_ENOMEM || !read || stopped
        || (before && !(f->id = malloc(strlen(before) + 8)))) {
        http_flow_end(f);
        return;
    }
    if (before)
        sprintf(f->id, HTTP_REMOTE_PREFIX "%s", before);
    char *url = strdup(read);           /* the outcome may change */
    if (!url || http_flow_send(f, http_args_of(
                                   "GET", url, http_plain_headers(stdlib_arg(
                                       f->args, "headers")),
                                   http_timeout_of(f->args, 0), NULL), after_read)
                    != MIG_OK)
        http_flow_end(f);
    free(url);
}

flow_t *http_undo_flow(http_call_t *x, const val_t *args)
{
    flow_t *f = http_flow_new(x->ctx, args);
    if (f) {
        x->then = http_undo_answered;
        x->then_data = f;
        f->x = x;
    }
    return f;
}
