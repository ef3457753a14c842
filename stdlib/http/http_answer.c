/* http_answer.c: what an endpoint sent back to http.request, read as it
 * arrives (bounded) and turned into the call's result or its classed
 * error (docs/http.md, "The result" and "Errors"). */
#define _GNU_SOURCE     /* strcasestr */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"

#define HTTP_MSG_EXCERPT 200    /* of an error in a body, in the message */

/* ---- reading ------------------------------------------------------------- */

size_t http_on_body(char *p, size_t size, size_t n, void *data)
{
    http_call_t *x = data;
    size_t len = size * n;
    if (len > HTTP_MAX_BODY - x->body.len) {
        x->body_cut = true;
        return 0;               /* libcurl stops: CURLE_WRITE_ERROR */
    }
    strbuf_put(&x->body, p, len);
    if (x->body.oom) {
        x->oom = true;
        return 0;
    }
    return len;
}

/* Keeps the header line NAME: VALUE (LEN bytes, no line end). */
static void keep_header(http_call_t *x, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    if (!colon || colon == line)
        return;                 /* not a header: ignored, as libcurl does */
    size_t nlen = (size_t)(colon - line);
    char name[256];
    if (nlen >= sizeof name)
        return;
    for (size_t i = 0; i < nlen; i++)
        name[i] = (char)tolower((unsigned char)line[i]);
    const char *v = colon + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    strbuf_t b;
    strbuf_init(&b);
    val_t *had = val_map_get(x->headers, name, nlen);
    if (had) {                  /* a header given twice: joined */
        strbuf_puts(&b, val_get_str(had, NULL));
        strbuf_puts(&b, ", ");
    }
    stdlib_put_lossy(&b, v, (size_t)(end - v));
    if (b.oom || val_map_set_take(x->headers, name, nlen,
                                  val_string(b.data ? b.data : "", b.len))
                     != MIG_OK)
        x->oom = true;
    strbuf_free(&b);
}

size_t http_on_header(char *p, size_t size, size_t n, void *data)
{
    http_call_t *x = data;
    size_t len = size * n;
    if (len > HTTP_MAX_HEADERS - x->header_bytes) {
        x->headers_cut = true;
        return 0;
    }
    x->header_bytes += len;
    while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
        len--;
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        /* A new answer (after a redirect, or a 100 Continue): its own
         * headers only. */
        val_unref(x->headers);
        x->headers = val_map_new(8);
        x->status_line.len = 0;
        stdlib_put_lossy(&x->status_line, p, len);
        if (!x->headers || x->status_line.oom)
            x->oom = true;
    } else if (len && x->headers) {
        keep_header(x, p, len);
    }
    return x->oom ? 0 : size * n;
}

/* ---- the outcome --------------------------------------------------------- */

/* The header NAME of the answer (lower case), or NULL. */
static const char *header(const http_call_t *x, const char *name)
{
    val_t *v = x->headers ? val_map_get(x->headers, name, strlen(name))
                          : NULL;
    return v ? val_get_str(v, NULL) : NULL;
}

/* Whether the answer's Content-Type says its body is JSON. */
static bool says_json(const http_call_t *x)
{
    const char *t = header(x, "content-type");
    return t && (strncasecmp(t, "application/json", 16) == 0
                 || strcasestr(t, "+json"));
}

/* The body parsed as JSON into *JSON (NULL when it is not JSON); *WHY
 * gets why not, when the answer said it is (malloc'd). */
static mig_status_t parse_body(const http_call_t *x, val_t **json,
                               char **why)
{
    *json = NULL;
    *why = NULL;
    if (!x->body.len)
        return MIG_OK;
    src_t *src = src_from_memory("body", x->body.data, x->body.len);
    if (!src)
        return MIG_ENOMEM;
    diag_list_t d;
    diag_list_init(&d);
    mig_status_t st = val_from_json(src, &d, json);
    if (st == MIG_EINVALID) {
        *json = NULL;
        st = MIG_OK;
        if (says_json(x) && !(*why = strdup(d.len ? d.items[0].message
                                            : "not JSON")))
            st = MIG_ENOMEM;
    }
    diag_list_free(&d);
    src_free(src);
    return st;
}

/* Whether STATUS counts as success for the call: one of its `expect`
 * list, or 2xx without one. */
static bool expected(const val_t *args, long status)
{
    val_t *e = stdlib_arg(args, "expect");
    if (!e || val_type(e) != VAL_LIST)
        return status >= 200 && status <= 299;
    for (size_t i = 0; i < val_len(e); i++) {
        val_t *s = val_list_get(e, i);
        if (val_is_int(s) && val_get_int(s) == status)
            return true;
    }
    return false;
}

/* The answer as a recover block or a hook reads it: {status, url,
 * headers (credentials masked), body (at most HTTP_DETAIL_BODY bytes),
 * json}, and for a ParamMismatch of a call that names its target's
 * schema, {argument: "body", schema}. NULL when out of memory. */
static val_t *detail(const http_call_t *x, long status, const val_t *json,
                     const char *cls)
{
    val_t *d = val_map_new(7);
    strbuf_t b;
    strbuf_init(&b);
    stdlib_put_lossy(&b, x->body.data ? x->body.data : "",
                     x->body.len < HTTP_DETAIL_BODY ? x->body.len
                                                    : HTTP_DETAIL_BODY);
    val_t *schema = stdlib_arg(x->args, "schema");
    bool ok = d && !b.oom
        && val_map_set_take(d, "status", 6, val_int(status)) == MIG_OK
        && val_map_set_take(d, "url", 3, val_cstring(x->shown_url)) == MIG_OK
        && val_map_set_take(d, "headers", 7,
                            http_masked_headers(x->headers)) == MIG_OK
        && val_map_set_take(d, "body", 4,
                            val_string(b.data ? b.data : "", b.len)) == MIG_OK
        && val_map_set_take(d, "truncated", 9,
                            val_bool(x->body.len > HTTP_DETAIL_BODY)) == MIG_OK
        && val_map_set_take(d, "json", 4, json ? val_ref((val_t *)json)
                                               : val_null()) == MIG_OK;
    if (ok && schema && strcmp(cls, "ParamMismatch") == 0)
        ok = val_map_set_take(d, "argument", 8, val_cstring("body")) == MIG_OK
             && val_map_set(d, "schema", 6, schema) == MIG_OK;
    strbuf_free(&b);
    if (!ok) {
        val_unref(d);
        return NULL;
    }
    return d;
}

/* Fails the call with CLS and the message MSG, the answer as its detail;
 * a Retry-After header becomes the suggested delay. */
static mig_status_t fail_answer(http_call_t *x, long status,
                                const val_t *json, const char *cls,
                                strbuf_t *msg)
{
    action_ctx_t *c = x->ctx;
    const char *ra = header(x, "retry-after");
    int64_t wait = ra ? http_retry_after_ms(ra, time(NULL)) : -1;
    if (wait >= 0) {
        strbuf_puts(msg, "; Retry-After asks for ");
        strbuf_put_duration(msg, wait);
    }
    val_t *d = detail(x, status, json, cls);
    if (msg->oom || !d) {
        val_unref(d);
        return MIG_ENOMEM;
    }
    mig_status_t st = actx_fail(c, cls, "%s", msg->data);
    actx_set_error_detail(c, d);
    if (wait >= 0)
        actx_suggest_delay(c, wait);
    return st;
}

/* "409 Conflict" of the status line, or the bare number. */
static void put_status(strbuf_t *b, const http_call_t *x, long status)
{
    const char *s = x->status_line.data ? strchr(x->status_line.data, ' ')
                                        : NULL;
    if (s && strtol(s + 1, NULL, 10) == status)
        strbuf_puts(b, s + 1);
    else
        strbuf_printf(b, "%ld", status);
}

/* The outcome of an answer with STATUS that the call expects. */
static mig_status_t success(http_call_t *x, long status, val_t *json,
                            const char *bad_json, val_t **result)
{
    strbuf_t m;
    strbuf_init(&m);
    strbuf_printf(&m, "http.request: %s %s answered ", x->method,
                  x->shown_url);
    put_status(&m, x, status);
    if (bad_json) {
        strbuf_printf(&m, " with a body its Content-Type calls JSON, which "
                      "is not: %s", bad_json);
        mig_status_t st = fail_answer(x, status, NULL, "Unavailable", &m);
        strbuf_free(&m);
        return st;
    }
    if (status >= 200 && status <= 299 && http_body_is_error(json)) {
        strbuf_t e;
        strbuf_init(&e);
        val_t *err = val_map_get(json, "error", 5);
        if (val_type(err) == VAL_STRING)
            strbuf_puts(&e, val_get_str(err, NULL));
        else
            val_to_json(err, &e, 0);
        strbuf_puts(&m, ", but its body holds an error: ");
        strbuf_put_clipped(&m, e.data ? e.data : "", e.len, HTTP_MSG_EXCERPT);
        strbuf_free(&e);
        mig_status_t st = fail_answer(x, status, json,
                                      http_names_validation(json)
                                      ? "ValidationFailed" : "Unavailable",
                                      &m);
        strbuf_free(&m);
        return st;
    }
    strbuf_free(&m);
    strbuf_t b;
    strbuf_init(&b);
    stdlib_put_lossy(&b, x->body.data ? x->body.data : "", x->body.len);
    val_t *r = val_map_new(4);
    bool ok = r && !b.oom
        && val_map_set_take(r, "status", 6, val_int(status)) == MIG_OK
        && val_map_set_take(r, "headers", 7,
                            http_masked_headers(x->headers)) == MIG_OK
        && val_map_set_take(r, "body", 4,
                            val_string(b.data ? b.data : "", b.len)) == MIG_OK
        && val_map_set_take(r, "json", 4, json ? val_ref(json) : val_null())
               == MIG_OK;
    strbuf_free(&b);
    if (!ok) {
        val_unref(r);
        return MIG_ENOMEM;
    }
    *result = r;
    return MIG_OK;
}

/* The outcome of a transfer that ended without a whole answer. */
static mig_status_t no_answer(http_call_t *x, CURLcode rc)
{
    action_ctx_t *c = x->ctx;
    const char *m = x->method, *u = x->shown_url;
    if (x->oom)
        return MIG_ENOMEM;
    if (x->unsent)
        return actx_fail(c, "Unavailable", "http.request: %s %s was not "
                         "sent: %s", m, u, x->unsent);
    if (x->cancelled)
        return actx_fail(c, "Timeout", "http.request: %s %s was stopped "
                         "before its answer came", m, u);
    if (x->body_cut)
        return actx_fail(c, "Permanent", "http.request: %s %s: the answer's "
                         "body is larger than %d MiB, the bound", m, u,
                         HTTP_MAX_BODY / (1024 * 1024));
    if (x->headers_cut)
        return actx_fail(c, "Permanent", "http.request: %s %s: the answer's "
                         "headers are larger than %d KiB, the bound", m, u,
                         HTTP_MAX_HEADERS / 1024);
    const char *why;
    const char *cls = http_transport_class(rc, &why);
    strbuf_t d;
    strbuf_init(&d);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        strbuf_puts(&d, "no answer within ");
        strbuf_put_duration(&d, x->timeout_ms);
        why = d.data ? d.data : why;
    }
    mig_status_t st = d.oom ? MIG_ENOMEM
        : *x->errbuf ? actx_fail(c, cls, "http.request: %s %s: %s (%s)", m, u,
                                 why, x->errbuf)
                     : actx_fail(c, cls, "http.request: %s %s: %s", m, u, why);
    strbuf_free(&d);
    return st;
}

mig_status_t http_outcome(http_call_t *x, CURLcode rc, val_t **result)
{
    *result = NULL;
    if (rc != CURLE_OK || x->oom || x->cancelled)
        return no_answer(x, rc);
    /* What the endpoint echoes of the request's secrets is not kept: not
     * in the result, the error's message or its detail. */
    stdlib_scrub(&x->body, x->secrets, x->body_cut);
    long status = 0;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    val_t *json;
    char *bad;
    mig_status_t st = parse_body(x, &json, &bad);
    if (st != MIG_OK)
        return st;
    if (expected(x->args, status)) {
        st = success(x, status, json, bad, result);
    } else {
        val_t *res = stdlib_arg(x->args, "resource");   /* absent: false */
        const char *cls = http_status_class(
            status, res && val_get_bool(res), json,
            stdlib_arg(x->args, "classify"));
        strbuf_t m;
        strbuf_init(&m);
        strbuf_printf(&m, "http.request: %s %s answered ", x->method,
                      x->shown_url);
        put_status(&m, x, status);
        st = fail_answer(x, status, json, cls, &m);
        strbuf_free(&m);
    }
    val_unref(json);
    free(bad);
    return st;
}
