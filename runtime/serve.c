/* serve.c: the HTTP server of serve.h on libmicrohttpd, a thread per
 * connection: a request's life from its first call (route, token, a body
 * too large by its Content-Length: answered at once, the body never
 * read) through its body (kept up to SERVE_MAX_BODY) to its answer
 * (latency, the knobs, the route's handler), and a stop that lets the
 * requests in flight finish. The rules themselves are in serve_route.c. */
#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <microhttpd.h>

#include "serve_int.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = (long)(ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- the request's accessors (serve.h) ----------------------------------- */

const char *serve_req_method(const serve_req_t *req) { return req->method; }

const char *serve_req_param(const serve_req_t *req, const char *name)
{
    const char *p = req->route ? req->route->path : "";
    size_t n = 0, len = strlen(name);
    while ((p = strchr(p, '{')) != NULL && n < SERVE_MAX_PARAMS) {
        const char *end = strchr(p, '}');
        if (end && (size_t)(end - p - 1) == len
            && memcmp(p + 1, name, len) == 0)
            return req->values[n];
        n++;
        p = end ? end : p + 1;
    }
    return NULL;
}

const char *serve_req_query(const serve_req_t *req, const char *key)
{
    return req->conn ? MHD_lookup_connection_value(req->conn,
                                                   MHD_GET_ARGUMENT_KIND, key)
                     : NULL;
}

const char *serve_req_header(const serve_req_t *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn,
                                                   MHD_HEADER_KIND, name)
                     : NULL;
}

const char *serve_req_body(const serve_req_t *req, size_t *len)
{
    *len = req->body.len;
    return req->body.data ? req->body.data : "";
}

const char *serve_req_path(const serve_req_t *req)
{
    return req->url ? req->url : "";
}

const char *serve_req_route(const serve_req_t *req)
{
    return req->route ? req->route->path : "";
}

void serve_req_set_note(serve_req_t *req, val_t *note)
{
    val_unref(req->note);
    req->note = note;
}

const val_t *serve_req_note(const serve_req_t *req)
{
    return req->note;
}

void serve_req_peer(const serve_req_t *req, char host[64], unsigned *port)
{
    snprintf(host, 64, "?");
    *port = 0;
    const union MHD_ConnectionInfo *ci = req->conn
        ? MHD_get_connection_info(req->conn,
                                  MHD_CONNECTION_INFO_CLIENT_ADDRESS)
        : NULL;
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &a->sin6_addr, host, 64);
        *port = ntohs(a->sin6_port);
    } else if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &a->sin_addr, host, 64);
        *port = ntohs(a->sin_port);
    }
}

void serve_set_audit(serve_t *s, serve_audit_fn fn, void *data)
{
    s->audit = fn;
    s->audit_data = data;
}

/* ---- answering ----------------------------------------------------------- */

/* A streamed body being sent (serve_reply_stream). */
typedef struct stream {
    serve_t *srv;
    serve_stream_fn fn;
    void *data;
    void (*free_fn)(void *data);
    strbuf_t buf;
    size_t off;                 /* of BUF, sent already */
    bool ended;                 /* FN said it appended the last */
} stream_t;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    stream_t *st = cls;
    for (;;) {
        if (st->off < st->buf.len) {
            size_t n = st->buf.len - st->off < max ? st->buf.len - st->off
                                                   : max;
            memcpy(buf, st->buf.data + st->off, n);
            st->off += n;
            return (ssize_t)n;
        }
        if (st->ended || atomic_load(&st->srv->stopping))
            return MHD_CONTENT_READER_END_OF_STREAM;
        st->buf.len = 0;
        st->off = 0;
        st->ended = !st->fn(st->data, &st->buf);
        if (st->buf.oom)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (!st->buf.len && !st->ended)
            sleep_ms(SERVE_STREAM_POLL_MS);
    }
}

static void stream_free(void *cls)
{
    stream_t *st = cls;
    st->free_fn(st->data);
    strbuf_free(&st->buf);
    free(st);
}

/* The answer RESP as libmicrohttpd's; a stream's data is handed to it.
 * NULL when out of memory. */
static struct MHD_Response *make_response(serve_t *s, serve_resp_t *resp)
{
    if (!resp->stream)
        return MHD_create_response_from_buffer(resp->body.len,
                                               resp->body.data
                                                   ? resp->body.data
                                                   : (char *)"",
                                               MHD_RESPMEM_MUST_COPY);
    stream_t *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    *st = (stream_t){ .srv = s, .fn = resp->stream, .data = resp->stream_data,
                      .free_fn = resp->stream_free };
    strbuf_init(&st->buf);
    struct MHD_Response *r = MHD_create_response_from_callback(
        MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
    if (!r) {
        free(st);
        return NULL;
    }
    resp->stream_free = NULL;       /* the answer owns it now */
    return r;
}

/* Queues RESP on REQ's connection, after telling the audit hook of a
 * request that changes something; an answer that could not be made (out
 * of memory) becomes a bare 500. */
static enum MHD_Result queue(serve_req_t *req, serve_resp_t *resp)
{
    static const char oom[] = "{\"error\":{\"type\":\"internal\",\"message\":"
                              "\"out of memory\",\"detail\":{}}}\n";
    serve_t *s = req->srv;
    bool bad = !resp->set || resp->body.oom;
    struct MHD_Response *r = bad ? NULL : make_response(s, resp);
    if (!r) {
        bad = true;
        r = MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom,
                                            MHD_RESPMEM_PERSISTENT);
    }
    if (!r)
        return MHD_NO;
    if (bad || resp->body.len || resp->stream)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                !bad && resp->content_type
                                    ? resp->content_type
                                    : "application/json");
    for (size_t i = 0; !bad && i < resp->n_headers; i++)
        MHD_add_response_header(r, resp->headers[2 * i],
                                resp->headers[2 * i + 1]);
    unsigned status = bad ? 500 : (unsigned)resp->status;
    if (s->audit && req->route && req->route->changes)
        s->audit(s->audit_data, req, (int)status);
    atomic_fetch_add(&s->answered[status < 600 ? status : 0], 1);
    enum MHD_Result ok = MHD_queue_response(req->conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* Answers error E on REQ's connection at once, saying WHY (with the
 * header NAME: VALUE when NAME is not NULL). */
static enum MHD_Result answer_error(serve_req_t *req, serve_error_t e,
                                    const char *hname, const char *hvalue,
                                    const char *why)
{
    serve_resp_t resp;
    serve_resp_init(&resp);
    if (serve_reply_error(&resp, e, NULL, "%s", why) == MIG_OK && hname)
        serve_reply_header(&resp, hname, hvalue);
    enum MHD_Result ok = queue(req, &resp);
    serve_resp_free(&resp);
    return ok;
}

/* ---- a request's life ---------------------------------------------------- */

/* The checks made before the body is read: the route (404, 405), the
 * token (401, 403) and a Content-Length over the limit (413). True when
 * an answer was queued. */
static bool early_answer(serve_req_t *req, const char *url,
                         enum MHD_Result *ok)
{
    strbuf_t allow;
    strbuf_init(&allow);
    int found = serve_find_route(req->srv, req->method, url, &req->route,
                                 &req->path_copy, req->values, &allow);
    char why[160];
    if (found == 404) {
        snprintf(why, sizeof why, "no route is %.100s", url);
        *ok = answer_error(req, SERVE_ERR_NOT_FOUND, NULL, NULL, why);
    } else if (found == 405) {
        snprintf(why, sizeof why, "%.100s does not take %s", url,
                 req->method);
        *ok = answer_error(req, SERVE_ERR_METHOD_NOT_ALLOWED, "Allow",
                           allow.data ? allow.data : "", why);
    }
    strbuf_free(&allow);
    if (found != 200) {
        *ok = found == 500 ? MHD_NO : *ok;
        return true;
    }
    const char *token = req->srv->cfg.token;
    const char *auth = serve_req_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    if (token && req->route->changes && !auth) {
        *ok = answer_error(req, SERVE_ERR_UNAUTHORIZED,
                           MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer",
                           "this request changes something: it needs "
                           "'Authorization: Bearer TOKEN'");
        return true;
    }
    if (token && req->route->changes && !serve_token_ok(token, auth)) {
        *ok = answer_error(req, SERVE_ERR_FORBIDDEN, NULL, NULL,
                           "the bearer token is not the server's");
        return true;
    }
    const char *cl = serve_req_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > SERVE_MAX_BODY) {
        snprintf(why, sizeof why, "the body is %.30s bytes; at most %d are "
                 "taken", cl, SERVE_MAX_BODY);
        *ok = answer_error(req, SERVE_ERR_TOO_LARGE, NULL, NULL, why);
        return true;
    }
    return false;
}

/* The body is all there: the latency, the knobs, then the handler. */
static enum MHD_Result respond(serve_req_t *req)
{
    serve_t *s = req->srv;
    if (req->too_large) {
        char why[96];
        snprintf(why, sizeof why, "the body is over %d bytes", SERVE_MAX_BODY);
        return answer_error(req, SERVE_ERR_TOO_LARGE, NULL, NULL, why);
    }
    if (s->cfg.latency_ms > 0)
        sleep_ms(s->cfg.latency_ms);
    serve_resp_t resp;
    serve_resp_init(&resp);
    bool replaced;
    mig_status_t st = serve_knobs(s, now_ms(), &resp, &replaced);
    if (st == MIG_OK && !replaced)
        st = req->route->handler(req, &resp, req->route->data);
    if (st != MIG_OK)
        resp.set = false;           /* answered 500 */
    enum MHD_Result ok = queue(req, &resp);
    serve_resp_free(&resp);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *size, void **con_cls)
{
    (void)version;
    serve_req_t *req = *con_cls;
    if (!req) {
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        req->srv = cls;
        req->conn = conn;
        req->method = method;
        req->url = url;
        strbuf_init(&req->body);
        *con_cls = req;
        atomic_fetch_add(&req->srv->in_flight, 1);
        enum MHD_Result ok = MHD_YES;
        if (early_answer(req, url, &ok)) {
            req->answered = true;
            return ok;
        }
        return MHD_YES;
    }
    if (req->answered) {            /* the rest of an unwanted body */
        *size = 0;
        return MHD_YES;
    }
    if (*size) {
        if (!req->too_large && req->body.len + *size <= SERVE_MAX_BODY)
            strbuf_put(&req->body, data, *size);
        else
            req->too_large = true;
        *size = 0;
        return req->body.oom ? MHD_NO : MHD_YES;
    }
    req->answered = true;
    return respond(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode why)
{
    (void)conn, (void)why;
    serve_t *s = cls;
    serve_req_t *req = *con_cls;
    if (!req)
        return;
    free(req->path_copy);
    strbuf_free(&req->body);
    val_unref(req->note);
    free(req);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

/* ---- the server ---------------------------------------------------------- */

serve_t *serve_new(const serve_config_t *cfg)
{
    serve_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->cfg = *cfg;
    s->cfg.listen = NULL;
    s->cfg.token = cfg->token ? strdup(cfg->token) : NULL;
    s->listen_fd = -1;
    pthread_mutex_init(&s->knobs, NULL);
    if (cfg->token && !s->cfg.token) {
        serve_free(s);
        return NULL;
    }
    return s;
}

/* The listening socket for ADDR, or -1 with the reason in DIAGS. */
static int listen_on(const serve_addr_t *addr, diag_list_t *diags)
{
    int fd = socket(addr->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (const struct sockaddr *)&addr->sa, addr->len) != 0
        || listen(fd, SERVE_BACKLOG) != 0) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot listen there: %s",
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* "http://HOST:PORT" of the socket FD into S->url. */
static void name_url(serve_t *s, int fd)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    getsockname(fd, (struct sockaddr *)&sa, &len);
    if (sa.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&sa;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        port = ntohs(a->sin6_port);
        snprintf(s->url, sizeof s->url, "http://[%s]:%u", host, port);
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&sa;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        port = ntohs(a->sin_port);
        snprintf(s->url, sizeof s->url, "http://%s:%u", host, port);
    }
}

mig_status_t serve_start(serve_t *s, const serve_addr_t *addr,
                         diag_list_t *diags)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    int fd = listen_on(addr, diags);
    if (fd < 0)
        return MIG_EIO;
    name_url(s, fd);
    serve_rate_init(&s->rate, s->cfg.rate_limit, now_ms());
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION
                   | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC
                   | (addr->sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                              MHD_OPTION_LISTEN_SOCKET, fd,
                              MHD_OPTION_CONNECTION_LIMIT,
                              (unsigned)SERVE_MAX_CONNECTIONS,
                              MHD_OPTION_CONNECTION_TIMEOUT,
                              (unsigned)SERVE_TIMEOUT_S,
                              MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                              (size_t)SERVE_CONN_MEMORY,
                              MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                              MHD_OPTION_END);
    if (!s->mhd) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "the HTTP server "
                 "(libmicrohttpd) did not start");
        close(fd);
        return MIG_EIO;
    }
    s->listen_fd = fd;
    return MIG_OK;
}

const char *serve_url(const serve_t *s) { return s->url; }

int serve_wait(serve_t *s)
{
    (void)s;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    return sig;
}

unsigned serve_stop(serve_t *s)
{
    if (!s->mhd)
        return 0;
    /* No new connections; the listening socket is ours to close. */
    MHD_socket fd = MHD_quiesce_daemon(s->mhd);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    s->listen_fd = -1;
    atomic_store(&s->stopping, true);
    int64_t until = now_ms() + SERVE_DRAIN_MS;
    while (atomic_load(&s->in_flight) > 0 && now_ms() < until)
        sleep_ms(10);
    unsigned left = atomic_load(&s->in_flight);
    MHD_stop_daemon(s->mhd);
    s->mhd = NULL;
    return left;
}

void serve_free(serve_t *s)
{
    if (!s)
        return;
    serve_stop(s);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    pthread_mutex_destroy(&s->knobs);
    free((char *)s->cfg.token);
    free(s->routes);
    free(s);
}
