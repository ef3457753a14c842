/* serve.h: mig's one HTTP server (`mig serve`, docs/registry-api.md):
 * libmicrohttpd underneath (no HTTP parsing of ours), a table of routes
 * above it. A layer above the runtime adds its routes as rows (the V2
 * registry's: stdlib/registry/registry_api.c; later runs, metrics and
 * events), and the server gives every row the same rules: the bearer
 * token for requests that change something, bounded bodies, headers and
 * connections, timeouts against slow clients, JSON error bodies of one
 * table, and the rehearsal knobs (latency, a seeded share of failures, a
 * rate limit). It never prints: what goes wrong is said in a diag list. */
#ifndef MIG_SERVE_H
#define MIG_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "interpreter.h"

/* ---- limits (docs/registry-api.md, "Limits") ----------------------------- */

/* A request body of more bytes is answered 413 (at once when its
 * Content-Length says so, else as soon as the excess arrives). */
#define SERVE_MAX_BODY (1024 * 1024)
/* Each connection's memory: the request line and headers must fit in it
 * with room to spare, else libmicrohttpd answers 431 itself. */
#define SERVE_CONN_MEMORY (64 * 1024)
/* Connections open at once; the next waits in the system's listen queue
 * (SERVE_BACKLOG long) until one closes. */
#define SERVE_MAX_CONNECTIONS 64
#define SERVE_BACKLOG 128
/* Seconds a connection may stay silent (a slow client, an idle one)
 * before it is closed. */
#define SERVE_TIMEOUT_S 10
/* On SIGINT or SIGTERM, the requests in flight get this long to finish. */
#define SERVE_DRAIN_MS 30000
/* A token file holds one token of at most this many bytes. */
#define SERVE_TOKEN_MAX 4096
/* --listen when none is given. */
#define SERVE_DEFAULT_LISTEN "127.0.0.1:8470"

/* ---- errors: one table (docs/registry-api.md, "Errors") ------------------ */

/* X(ID, STATUS, TYPE): every error a route or the server answers with,
 * its HTTP status and the "type" of its JSON body. */
#define SERVE_ERRORS(X)                                                      \
    X(BAD_REQUEST, 400, "bad_request")                                       \
    X(UNAUTHORIZED, 401, "unauthorized")                                     \
    X(FORBIDDEN, 403, "forbidden")                                           \
    X(NOT_FOUND, 404, "not_found")                                           \
    X(METHOD_NOT_ALLOWED, 405, "method_not_allowed")                         \
    X(CONFLICT, 409, "conflict")                                             \
    X(PRECONDITION_FAILED, 412, "precondition_failed")                       \
    X(TOO_LARGE, 413, "payload_too_large")                                   \
    X(VALIDATION_FAILED, 422, "validation_failed")                           \
    X(RATE_LIMITED, 429, "rate_limited")                                     \
    X(INTERNAL, 500, "internal")                                             \
    X(UNAVAILABLE, 503, "unavailable")

typedef enum serve_error {
#define SERVE_ERROR_ENUM(id, status, type) SERVE_ERR_##id,
    SERVE_ERRORS(SERVE_ERROR_ENUM)
#undef SERVE_ERROR_ENUM
    SERVE_ERR_COUNT
} serve_error_t;

int serve_error_status(serve_error_t e);
const char *serve_error_type(serve_error_t e);

/* ---- routes -------------------------------------------------------------- */

typedef struct serve serve_t;
typedef struct serve_req serve_req_t;
typedef struct serve_resp serve_resp_t;

/* A route's handler: reads REQ, answers in RESP (serve_reply_*), with
 * DATA the row's data. Handlers run on the connection's own thread, any
 * number at once: a handler that needs them one at a time holds its own
 * lock. MIG_OK, or MIG_ENOMEM (answered 500). */
typedef mig_status_t (*serve_fn)(serve_req_t *req, serve_resp_t *resp,
                                 const void *data);

/* The most {NAME} segments a route's path has. */
#define SERVE_MAX_PARAMS 4

typedef struct serve_route {
    const char *method;     /* "GET", "PUT", "DELETE", "POST" */
    /* "/v2/tools/{name}": literal segments, and {NAME} segments that
     * match one non-empty segment, given by serve_req_param. */
    const char *path;
    /* It changes something: with a token set, it needs
     * "Authorization: Bearer TOKEN" (401 without, 403 with another). */
    bool changes;
    serve_fn handler;
    const void *data;
} serve_route_t;

/* The request's method, a {NAME} segment of its path (NULL when the
 * route has none of that name), a query parameter or a header (case
 * does not matter; NULL when not given), and its body (*LEN bytes, not
 * NUL-terminated in general; "" when none). */
const char *serve_req_method(const serve_req_t *req);
const char *serve_req_param(const serve_req_t *req, const char *name);
const char *serve_req_query(const serve_req_t *req, const char *key);
const char *serve_req_header(const serve_req_t *req, const char *name);
const char *serve_req_body(const serve_req_t *req, size_t *len);
/* The request's path as sent (no query), and the route's ("/v2/tools/
 * {name}"). */
const char *serve_req_path(const serve_req_t *req);
const char *serve_req_route(const serve_req_t *req);
/* The peer's address ("127.0.0.1", "::1") into HOST, and its port. */
void serve_req_peer(const serve_req_t *req, char host[64], unsigned *port);
/* Appends the server's own metrics in the Prometheus text format
 * (docs/metrics.md): the answers given so far by status, and the
 * requests in flight. */
void serve_req_metrics(const serve_req_t *req, strbuf_t *out);

/* What a handler says of the change behind its answer, for the audit
 * hook: a map (docs/audit.md, "Requests to mig serve": the command it
 * ran as {action, run, outcome, detail}); REQ takes the reference (a
 * second note replaces the first). serve_req_note gives it, or NULL when
 * the handler left none (a request refused before it ran, a registry
 * write). */
void serve_req_set_note(serve_req_t *req, val_t *note);
const val_t *serve_req_note(const serve_req_t *req);

/* Called for every request to a route that changes something, once its
 * answer is made and before it is sent, whatever the answer (a request
 * refused for its token too): STATUS is the answer's. How the audit
 * trail hears of them (docs/api.md, "Audit"). Runs on the request's
 * thread, any number at once. */
typedef void (*serve_audit_fn)(void *data, const serve_req_t *req,
                               int status);

/* Answers STATUS with BODY as JSON (compact, a final newline). MIG_OK or
 * MIG_ENOMEM. */
mig_status_t serve_reply_json(serve_resp_t *resp, int status,
                              const val_t *body);
/* Answers STATUS with no body (204). */
void serve_reply_empty(serve_resp_t *resp, int status);
/* Answers STATUS with BODY (LEN bytes) of CONTENT_TYPE (such as
 * "text/plain; version=0.0.4"). MIG_OK or MIG_ENOMEM. */
mig_status_t serve_reply_text(serve_resp_t *resp, int status,
                              const char *content_type, const char *body,
                              size_t len);

/* A streamed body's producer: appends to OUT what there is now (nothing
 * is fine: the server waits SERVE_STREAM_POLL_MS and asks again), and
 * returns true while more may come, false once it has appended the last.
 * Called on the connection's thread, one call at a time. */
typedef bool (*serve_stream_fn)(void *data, strbuf_t *out);
/* While nothing comes, how long the server waits before asking again. */
#define SERVE_STREAM_POLL_MS 200
/* Answers STATUS with a body of CONTENT_TYPE that FN makes as it goes
 * (Server-Sent Events: docs/api.md), sent chunk by chunk, to its end, the
 * client's going away, or the server's stop (serve_stop ends every
 * stream first). DATA (taken) is freed with FREE_FN once the answer is
 * over, whatever ends it. MIG_OK or MIG_ENOMEM (DATA freed). */
mig_status_t serve_reply_stream(serve_resp_t *resp, int status,
                                const char *content_type, serve_stream_fn fn,
                                void *data, void (*free_fn)(void *data));
/* Adds the header NAME: VALUE to the answer. MIG_OK or MIG_ENOMEM. */
mig_status_t serve_reply_header(serve_resp_t *resp, const char *name,
                                const char *value);
/* Answers error E: its status and the body
 * {"error": {"type", "message", "detail"}} (DETAIL borrowed; NULL: {}).
 * MIG_OK or MIG_ENOMEM. */
mig_status_t serve_reply_error(serve_resp_t *resp, serve_error_t e,
                               const val_t *detail, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- the server ---------------------------------------------------------- */

/* How it listens and the rehearsal knobs (docs/registry-api.md,
 * "Rehearsal knobs"). Zero is "none" for every knob. */
typedef struct serve_config {
    const char *listen;         /* HOST:PORT, [V6]:PORT; NULL: the default */
    const char *token;          /* the bearer token, or NULL */
    int64_t latency_ms;         /* added before every answer */
    double fail_rate;           /* share (0..1) of answers replaced ... */
    int fail_status;            /* ... by this status (429 or 503) */
    int64_t retry_after_s;      /* Retry-After of those answers */
    uint64_t seed;              /* which answers: drawn from the seed */
    uint32_t rate_limit;        /* requests a second; past it 429 */
} serve_config_t;

/* An address to listen on, parsed: HOST (a numeric IPv4 address,
 * "localhost", or a numeric IPv6 address in brackets) and PORT (0 to
 * 65535; 0 lets the system choose). */
typedef struct serve_addr {
    struct sockaddr_storage sa;
    socklen_t len;
    bool loopback;              /* 127.0.0.0/8 or ::1 */
} serve_addr_t;

/* Parses TEXT as HOST:PORT into *OUT. MIG_OK, or MIG_EINVALID with the
 * reason in WHY. Changes nothing else. */
mig_status_t serve_listen_parse(const char *text, serve_addr_t *out,
                                strbuf_t *why);

/* A server as CFG says (copied; strings too), no routes yet, not
 * listening. NULL when out of memory. */
serve_t *serve_new(const serve_config_t *cfg);
/* Has FN (with DATA) called for every request that changes something
 * (serve_audit_fn). */
void serve_set_audit(serve_t *s, serve_audit_fn fn, void *data);
/* Adds the N rows of ROUTES (borrowed: a static table). A method and
 * path added twice is a programming error (asserted). MIG_OK or
 * MIG_ENOMEM. */
mig_status_t serve_add_routes(serve_t *s, const serve_route_t *routes,
                              size_t n);
/* Listens at ADDR and serves on threads of its own. SIGINT, SIGTERM and
 * SIGHUP are blocked in the calling thread first (the server's threads
 * inherit that), for serve_wait to take. MIG_OK, or MIG_EIO with the
 * reason (the address in use ...) in DIAGS. */
mig_status_t serve_start(serve_t *s, const serve_addr_t *addr,
                         diag_list_t *diags);
/* "http://HOST:PORT" it listens on (the port chosen when 0 was asked),
 * valid until serve_free. */
const char *serve_url(const serve_t *s);
/* Waits for SIGINT, SIGTERM or SIGHUP; gives its number. */
int serve_wait(serve_t *s);
/* Stops accepting connections, lets the requests in flight finish (at
 * most SERVE_DRAIN_MS), then closes every connection and ends the
 * threads. Gives the number of requests that were still running when
 * the drain ran out (0 normally). */
unsigned serve_stop(serve_t *s);
void serve_free(serve_t *s);

/* ---- parts, for the unit tests (test_serve.c) ---------------------------- */

/* What the route table says of METHOD PATH: 200 with *ROUTE set and the
 * {NAME} segments' values in VALUES (pointers into a copy the caller
 * frees: *COPY), 404 when no row's path matches, 405 when rows match
 * but not the method (ALLOW gets "GET, PUT" ...). */
int serve_find_route(const serve_t *s, const char *method, const char *path,
                     const serve_route_t **route, char **copy,
                     const char *values[SERVE_MAX_PARAMS], strbuf_t *allow);
/* Whether the Authorization header AUTH carries TOKEN as a bearer
 * token, compared in constant time (both hashed, then sodium_memcmp). */
bool serve_token_ok(const char *token, const char *auth);

/* A token bucket: RATE requests a second, bursts of at most RATE. */
typedef struct serve_rate {
    uint32_t rate;
    double tokens;
    int64_t at_ms;              /* when TOKENS was last brought up to date */
} serve_rate_t;
void serve_rate_init(serve_rate_t *r, uint32_t rate, int64_t now_ms);
/* Takes a token at NOW_MS: true, or false with *RETRY_S the whole
 * seconds (at least 1) until one is there. */
bool serve_rate_take(serve_rate_t *r, int64_t now_ms, int64_t *retry_s);
/* Whether answer number N (0, 1, ... in the order requests reach the
 * knobs) is replaced by a failure, for SEED and RATE. */
bool serve_fail_drawn(uint64_t seed, uint64_t n, double rate);

#endif
