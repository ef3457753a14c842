/* http_flow.c: calls of http.request made of several requests (the
 * before-image, the change, the record read again; an undo and its
 * checks), each sent on the loop (http_send) and chained by a flow, and
 * the small readers of answers and makers of requests they share
 * (http_int.h, "flows"). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"

/* ---- flows: calls made of several requests --------------------------------- */

flow_t *http_flow_new(action_ctx_t *c, const val_t *args)
{
    flow_t *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->c = c;
    f->args = val_ref((val_t *)args);
    return f;
}

void http_flow_free(flow_t *f)
{
    if (f->x)
        http_call_free(f->x);
    val_unref(f->args);
    val_unref(f->result);
    free(f->id);
    free(f->target);
    free(f->want);
    free(f);
}

/* Ends the call of F with its status and result. */
void http_flow_end(flow_t *f)
{
    action_ctx_t *c = f->c;
    mig_status_t st = f->st;
    val_t *result = f->result;
    f->result = NULL;
    http_flow_free(f);
    actx_finish(c, st, result);
}

void http_flow_cancel(action_ctx_t *c, void *data)
{
    (void)c;
    flow_t *f = data;
    if (f->x) {
        f->x->cancelled = true;
        http_multi_cancel(f->x->easy);
    }
}

/* Sends the request ARGS (taken) for F; THEN gets it. On failure the
 * error is on F's context. */
mig_status_t http_flow_send(flow_t *f, val_t *args, http_then_fn then)
{
    http_call_t *x = NULL;
    mig_status_t st = args ? http_prepare(f->c, args, &x) : MIG_ENOMEM;
    val_unref(args);
    if (st == MIG_OK && (st = http_send(x, then, f)) != MIG_OK)
        http_call_free(x);
    if (st == MIG_OK)
        f->x = x;
    return st;
}

/* The status of the answer X got (0 when the transfer failed). */
long http_answered(http_call_t *x, CURLcode rc)
{
    long status = 0;
    if (rc == CURLE_OK && !x->oom && !x->cancelled)
        curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* The header NAME (lower case) of X's answer, or NULL. */
const char *http_answer_header(const http_call_t *x, const char *name)
{
    val_t *v = x->headers ? val_map_get(x->headers, name, strlen(name))
                          : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* ---- requests as argument maps --------------------------------------------- */

mig_status_t http_keys_known(action_ctx_t *c, const char *what,
                             const char *noun, const val_t *m,
                             const char *const *keys, size_t n)
{
    for (size_t i = 0; i < val_len(m); i++) {
        const char *k = val_get_str(val_map_key(m, i), NULL);
        bool known = false;
        for (size_t j = 0; j < n && !known; j++)
            known = strcmp(k, keys[j]) == 0;
        if (known)
            continue;
        strbuf_t list;
        strbuf_init(&list);
        for (size_t j = 0; j < n; j++)
            strbuf_printf(&list, "%s%s", j ? ", " : "", keys[j]);
        mig_status_t st = list.oom ? MIG_ENOMEM
            : actx_fail(c, "InvalidConfig", "http.request: %s: '%s' is not a "
                        "key of %s (%s)", what, k, noun, list.data);
        strbuf_free(&list);
        return st;
    }
    return MIG_OK;
}

int64_t http_timeout_of(const val_t *args, int64_t def)
{
    static const struct { const char *unit; int64_t ms; } units[] = {
        { "ms", 1 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
    };
    val_t *t = stdlib_arg(args, "timeout");
    if (t && val_type(t) == VAL_DURATION)
        return val_get_ms(t);
    const char *p = t && val_type(t) == VAL_STRING ? val_get_str(t, NULL) : "";
    int64_t ms = 0;
    while (*p >= '0' && *p <= '9') {
        int64_t n = 0;
        for (; *p >= '0' && *p <= '9' && n < INT64_MAX / 100; p++)
            n = n * 10 + (*p - '0');
        size_t i = 0, k = sizeof units / sizeof *units;
        while (i < k && strncmp(p, units[i].unit, strlen(units[i].unit)))
            i++;
        if (i == k || n > (INT64_MAX - ms) / units[i].ms)
            return def;
        ms += n * units[i].ms;
        p += strlen(units[i].unit);
    }
    return *p || ms <= 0 ? def : ms;
}

const char *http_str_of(const val_t *m, const char *key)
{
    val_t *v = m ? val_map_get(m, key, strlen(key)) : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* HEADERS (a map, or NULL) without Content-Type and the conditional
 * headers mig sets itself: a new map, or NULL when out of memory. */
val_t *http_plain_headers(const val_t *headers)
{
    val_t *h = val_map_new(headers ? val_len(headers) : 0);
    for (size_t i = 0; h && headers && i < val_len(headers); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(headers, i), &len);
        if (strcasecmp(k, "content-type") == 0
            || strcasecmp(k, "if-match") == 0
            || strcasecmp(k, "if-none-match") == 0)
            continue;
        if (val_map_set(h, k, len, val_map_value(headers, i)) != MIG_OK) {
            val_unref(h);
            return NULL;
        }
    }
    return h;
}

/* A request {method, url, headers (taken), timeout, body (taken, or
 * NULL)}: a new map, or NULL when out of memory. */
val_t *http_args_of(const char *method, const char *url,
                         val_t *headers, int64_t timeout_ms, val_t *body)
{
    val_t *r = val_map_new(5);
    bool ok = r && headers
        && val_map_set_take(r, "method", 6, val_cstring(method)) == MIG_OK
        && val_map_set_take(r, "url", 3, val_cstring(url)) == MIG_OK
        && val_map_set_take(r, "headers", 7, headers) == MIG_OK
        && val_map_set_take(r, "resource", 8, val_bool(true)) == MIG_OK
        && (!body || val_map_set_take(r, "body", 4, body) == MIG_OK);
    headers = body = NULL;
    if (ok && timeout_ms > 0)
        ok = val_map_set_take(r, "timeout", 7, val_duration(timeout_ms))
             == MIG_OK;
    if (!ok) {
        val_unref(headers);
        val_unref(body);
        val_unref(r);
        return NULL;
    }
    return r;
}

const char *http_record_state(long status, const char *body, size_t n,
                              char buf[BLOB_HEX + 7])
{
    if (status == 404 || status == 410)
        return "absent";
    if (status < 200 || status > 299)
        return NULL;
    memcpy(buf, "record:", 7);
    blobs_hash(body ? body : "", n, buf + 7);
    return buf;
}

/* The state of the record X's answer shows, or NULL. */
const char *http_state_of(http_call_t *x, CURLcode rc, char buf[BLOB_HEX + 7])
{
    long status = http_answered(x, rc);
    if (!status)
        return NULL;
    stdlib_scrub(&x->body, x->secrets, x->body_cut);
    return http_record_state(status, x->body.data, x->body.len, buf);
}

