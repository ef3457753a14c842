/* serve_route.c: the server's rules that are not HTTP plumbing (serve.h):
 * the route table and its matching, answers and the one error table, the
 * bearer token, the address to listen on, and the rehearsal knobs (a
 * token bucket and a seeded draw). serve.c calls them for each request. */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "runtime.h"
#include "metrics.h"
#include "serve_int.h"

/* ---- the error table ----------------------------------------------------- */

static const struct {
    int status;
    const char *type;
} errors[] = {
#define SERVE_ERROR_ROW(id, status, type) { status, type },
    SERVE_ERRORS(SERVE_ERROR_ROW)
#undef SERVE_ERROR_ROW
};

int serve_error_status(serve_error_t e)
{
    assert(e < SERVE_ERR_COUNT);
    return errors[e].status;
}

const char *serve_error_type(serve_error_t e)
{
    assert(e < SERVE_ERR_COUNT);
    return errors[e].type;
}

/* ---- answers ------------------------------------------------------------- */

void serve_resp_init(serve_resp_t *r)
{
    memset(r, 0, sizeof *r);
    strbuf_init(&r->body);
}

void serve_resp_free(serve_resp_t *r)
{
    for (size_t i = 0; i < 2 * r->n_headers; i++)
        free(r->headers[i]);
    free(r->headers);
    strbuf_free(&r->body);
    free(r->content_type);
    if (r->stream_free)         /* a stream never handed to the answer */
        r->stream_free(r->stream_data);
}

mig_status_t serve_reply_json(serve_resp_t *resp, int status,
                              const val_t *body)
{
    resp->body.len = 0;
    mig_status_t st = val_to_json(body, &resp->body, 0);
    strbuf_putc(&resp->body, '\n');
    resp->status = status;
    resp->set = true;
    return st == MIG_OK && resp->body.oom ? MIG_ENOMEM : st;
}

void serve_reply_empty(serve_resp_t *resp, int status)
{
    resp->body.len = 0;
    resp->status = status;
    resp->set = true;
}

mig_status_t serve_reply_text(serve_resp_t *resp, int status,
                              const char *content_type, const char *body,
                              size_t len)
{
    resp->body.len = 0;
    strbuf_put(&resp->body, body, len);
    free(resp->content_type);
    resp->content_type = strdup(content_type);
    resp->status = status;
    resp->set = true;
    return resp->body.oom || !resp->content_type ? MIG_ENOMEM : MIG_OK;
}

mig_status_t serve_reply_stream(serve_resp_t *resp, int status,
                                const char *content_type, serve_stream_fn fn,
                                void *data, void (*free_fn)(void *data))
{
    free(resp->content_type);
    resp->content_type = strdup(content_type);
    if (!resp->content_type) {
        free_fn(data);
        return MIG_ENOMEM;
    }
    resp->body.len = 0;
    resp->status = status;
    resp->stream = fn;
    resp->stream_data = data;
    resp->stream_free = free_fn;
    resp->set = true;
    return MIG_OK;
}

mig_status_t serve_reply_header(serve_resp_t *resp, const char *name,
                                const char *value)
{
    char **h = realloc(resp->headers, 2 * (resp->n_headers + 1) * sizeof *h);
    if (!h)
        return MIG_ENOMEM;
    resp->headers = h;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return MIG_ENOMEM;
    }
    h[2 * resp->n_headers] = n;
    h[2 * resp->n_headers + 1] = v;
    resp->n_headers++;
    return MIG_OK;
}

mig_status_t serve_reply_error(serve_resp_t *resp, serve_error_t e,
                               const val_t *detail, const char *fmt, ...)
{
    strbuf_t msg;
    strbuf_init(&msg);
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&msg, fmt, ap);
    va_end(ap);
    val_t *err = val_map_new(3), *top = val_map_new(1);
    mig_status_t st = err && top && !msg.oom ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(err, "type", 4,
                              val_cstring(serve_error_type(e)));
    if (st == MIG_OK)
        st = val_map_set_take(err, "message", 7,
                              val_cstring(msg.data ? msg.data : ""));
    if (st == MIG_OK)
        st = val_map_set_take(err, "detail", 6,
                              detail ? val_ref((val_t *)detail)
                                     : val_map_new(0));
    if (st == MIG_OK) {
        st = val_map_set_take(top, "error", 5, err);
        err = NULL;
    }
    if (st == MIG_OK)
        st = serve_reply_json(resp, serve_error_status(e), top);
    val_unref(err);
    val_unref(top);
    strbuf_free(&msg);
    return st;
}

/* ---- the route table ----------------------------------------------------- */

mig_status_t serve_add_routes(serve_t *s, const serve_route_t *routes,
                              size_t n)
{
    if (s->n_routes + n > s->cap_routes) {
        size_t cap = (s->n_routes + n) * 2;
        const serve_route_t **r = realloc(s->routes, cap * sizeof *r);
        if (!r)
            return MIG_ENOMEM;
        s->routes = r;
        s->cap_routes = cap;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < s->n_routes; j++)
            assert(strcmp(s->routes[j]->path, routes[i].path) != 0
                   || strcmp(s->routes[j]->method, routes[i].method) != 0);
        s->routes[s->n_routes++] = &routes[i];
    }
    return MIG_OK;
}

/* Whether PATH (split in place: its slashes become NULs) fits PATTERN;
 * the values of its {NAME} segments go to VALUES in order. */
static bool path_fits(const char *pattern, char *path,
                      const char *values[SERVE_MAX_PARAMS])
{
    size_t n = 0;
    const char *p = pattern;
    char *q = path;
    while (*p && *q) {
        if (*p != '/' || *q != '/')
            return false;
        p++;
        q++;
        const char *pe = strchr(p, '/');
        size_t plen = pe ? (size_t)(pe - p) : strlen(p);
        char *qe = strchr(q, '/');
        size_t qlen = qe ? (size_t)(qe - q) : strlen(q);
        if (plen > 2 && p[0] == '{' && p[plen - 1] == '}') {
            if (qlen == 0 || n == SERVE_MAX_PARAMS)
                return false;
            values[n++] = q;
        } else if (plen != qlen || memcmp(p, q, plen) != 0)
            return false;
        p += plen;
        q += qlen;
    }
    if (*p || *q)
        return false;
    /* Cut the values apart only now: a pattern that fails leaves PATH
     * whole for the next. */
    for (size_t i = 0; i < n; i++) {
        char *end = strchr(values[i], '/');
        if (end)
            *end = '\0';
    }
    return true;
}

int serve_find_route(const serve_t *s, const char *method, const char *path,
                     const serve_route_t **route, char **copy,
                     const char *values[SERVE_MAX_PARAMS], strbuf_t *allow)
{
    *route = NULL;
    *copy = NULL;
    bool path_known = false;
    for (size_t i = 0; i < s->n_routes; i++) {
        char *c = strdup(path);
        const char *v[SERVE_MAX_PARAMS] = { 0 };
        if (!c)
            return 500;
        if (!path_fits(s->routes[i]->path, c, v)) {
            free(c);
            continue;
        }
        path_known = true;
        if (strcmp(s->routes[i]->method, method) == 0 && !*route) {
            *route = s->routes[i];
            *copy = c;
            memcpy(values, v, sizeof v);
            continue;
        }
        free(c);
        if (allow)
            strbuf_printf(allow, "%s%s", allow->len ? ", " : "",
                          s->routes[i]->method);
    }
    return *route ? 200 : path_known ? 405 : 404;
}

/* ---- the token ----------------------------------------------------------- */

bool serve_token_ok(const char *token, const char *auth)
{
    static const char scheme[] = "Bearer ";
    if (!auth || strncasecmp(auth, scheme, sizeof scheme - 1) != 0)
        return false;
    const char *given = auth + sizeof scheme - 1;
    /* Hashing both first makes the comparison take the same time
     * whatever the lengths and wherever they differ. */
    unsigned char a[crypto_generichash_BYTES], b[crypto_generichash_BYTES];
    crypto_generichash(a, sizeof a, (const unsigned char *)token,
                       strlen(token), NULL, 0);
    crypto_generichash(b, sizeof b, (const unsigned char *)given,
                       strlen(given), NULL, 0);
    return sodium_memcmp(a, b, sizeof a) == 0;
}

/* ---- where to listen ----------------------------------------------------- */

mig_status_t serve_listen_parse(const char *text, serve_addr_t *out,
                                strbuf_t *why)
{
    memset(out, 0, sizeof *out);
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text) {
        strbuf_printf(why, "'%s' is not HOST:PORT (such as 127.0.0.1:8470)",
                      text);
        return MIG_EINVALID;
    }
    char *end;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || errno || port > 65535 || colon[1] == '-'
        || colon[1] == '+') {
        strbuf_printf(why, "the port of '%s' is not a number from 0 to 65535",
                      text);
        return MIG_EINVALID;
    }
    char host[64];
    size_t hlen = (size_t)(colon - text);
    bool v6 = text[0] == '[' && hlen > 2 && colon[-1] == ']';
    if (v6) {
        text++;
        hlen -= 2;
    }
    if (hlen >= sizeof host) {
        strbuf_printf(why, "the host of '%s' is not an address", text);
        return MIG_EINVALID;
    }
    memcpy(host, text, hlen);
    host[hlen] = '\0';
    if (!v6 && strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&out->sa;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &a->sin6_addr) == 1) {
            out->len = sizeof *a;
            out->loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
            return MIG_OK;
        }
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&out->sa;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &a->sin_addr) == 1) {
            out->len = sizeof *a;
            out->loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
            return MIG_OK;
        }
    }
    strbuf_printf(why, "'%s' is not a numeric %s address (or localhost)",
                  host, v6 ? "IPv6" : "IPv4");
    return MIG_EINVALID;
}

/* ---- the knobs ----------------------------------------------------------- */

void serve_rate_init(serve_rate_t *r, uint32_t rate, int64_t now_ms)
{
    r->rate = rate;
    r->tokens = rate;
    r->at_ms = now_ms;
}

bool serve_rate_take(serve_rate_t *r, int64_t now_ms, int64_t *retry_s)
{
    if (now_ms > r->at_ms) {
        r->tokens += (double)(now_ms - r->at_ms) * r->rate / 1000.0;
        if (r->tokens > r->rate)
            r->tokens = r->rate;
        r->at_ms = now_ms;
    }
    if (r->tokens >= 1.0) {
        r->tokens -= 1.0;
        return true;
    }
    /* Seconds until a whole token, rounded up. */
    double wait_ms = (1.0 - r->tokens) * 1000.0 / r->rate;
    *retry_s = (int64_t)((wait_ms + 999.0) / 1000.0);
    if (*retry_s < 1)
        *retry_s = 1;
    return false;
}

bool serve_fail_drawn(uint64_t seed, uint64_t n, double rate)
{
    if (rate <= 0)
        return false;
    char key[32];
    snprintf(key, sizeof key, "serve:%llu", (unsigned long long)n);
    uint64_t st = draw_state(seed, key);
    return draw_unit(&st) < rate;
}

/* Sets RESP to error E with "Retry-After: SECS", saying WHY. */
static mig_status_t knob_answer(serve_resp_t *resp, serve_error_t e,
                                int64_t secs, const char *why)
{
    char ra[24];
    snprintf(ra, sizeof ra, "%lld", (long long)secs);
    mig_status_t st = serve_reply_error(resp, e, NULL, "%s; retry after %s "
                                        "second%s", why, ra,
                                        secs == 1 ? "" : "s");
    return st == MIG_OK ? serve_reply_header(resp, "Retry-After", ra) : st;
}

mig_status_t serve_knobs(serve_t *s, int64_t now_ms, serve_resp_t *resp,
                         bool *replaced)
{
    *replaced = false;
    int64_t retry = 0;
    bool limited = false, failed = false;
    pthread_mutex_lock(&s->knobs);
    if (s->cfg.rate_limit)
        limited = !serve_rate_take(&s->rate, now_ms, &retry);
    if (!limited && s->cfg.fail_rate > 0)
        failed = serve_fail_drawn(s->cfg.seed, s->drawn++, s->cfg.fail_rate);
    pthread_mutex_unlock(&s->knobs);
    if (limited) {
        *replaced = true;
        return knob_answer(resp, SERVE_ERR_RATE_LIMITED, retry,
                           "more requests than --rate-limit allows");
    }
    if (failed) {
        *replaced = true;
        return knob_answer(resp, s->cfg.fail_status == 429
                                     ? SERVE_ERR_RATE_LIMITED
                                     : SERVE_ERR_UNAVAILABLE,
                           s->cfg.retry_after_s,
                           "a failure drawn by --fail-rate (a rehearsal)");
    }
    return MIG_OK;
}

/* ---- the server's own metrics -------------------------------------------- */

void serve_req_metrics(const serve_req_t *req, strbuf_t *out)
{
    const serve_t *s = req->srv;
    metrics_family(out, "mig_serve_requests_total", "counter", "Requests "
                   "this server answered since it started, by status.");
    for (unsigned code = 100; code < 600; code++) {
        uint64_t n = atomic_load(&s->answered[code]);
        char text[8];
        snprintf(text, sizeof text, "%u", code);
        const char *l[] = { "code", text };
        if (n)
            metrics_sample(out, "mig_serve_requests_total", l, 1, (double)n);
    }
    metrics_family(out, "mig_serve_requests_in_flight", "gauge", "Requests "
                   "begun and not ended, this one included.");
    metrics_sample(out, "mig_serve_requests_in_flight", NULL, 0,
                   (double)atomic_load(&s->in_flight));
}
