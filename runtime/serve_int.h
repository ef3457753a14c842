/* serve_int.h: what the server's two files share: serve.c (the daemon,
 * a request's life from its first byte to its answer) and serve_route.c
 * (the route table, answers, the token, the knobs). */
#ifndef MIG_SERVE_INT_H
#define MIG_SERVE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "serve.h"

struct MHD_Daemon;
struct MHD_Connection;

struct serve {
    serve_config_t cfg;         /* its strings owned */
    const serve_route_t **routes;
    size_t n_routes, cap_routes;
    struct MHD_Daemon *mhd;
    int listen_fd;
    char url[96];
    /* The knobs' state, under KNOBS. */
    pthread_mutex_t knobs;
    serve_rate_t rate;
    uint64_t drawn;             /* answers the fail draw has seen */
    atomic_uint in_flight;      /* requests begun and not completed */
    atomic_bool stopping;       /* serve_stop began: streams end */
    serve_audit_fn audit;
    void *audit_data;
    /* Answers given, by status (100 to 599; others at 0). */
    atomic_uint_least64_t answered[600];
};

/* One answer being made. */
struct serve_resp {
    int status;
    strbuf_t body;              /* empty: no body */
    char **headers;             /* NAME, VALUE, NAME, VALUE ... */
    size_t n_headers;
    bool set;                   /* a serve_reply_* was called */
    char *content_type;         /* NULL: application/json */
    serve_stream_fn stream;     /* a streamed body (serve_reply_stream) */
    void *stream_data;
    void (*stream_free)(void *data);
};

struct serve_req {
    serve_t *srv;
    struct MHD_Connection *conn;
    const char *method;
    const serve_route_t *route;
    char *path_copy;            /* owns VALUES' strings */
    const char *values[SERVE_MAX_PARAMS];
    strbuf_t body;
    bool too_large;             /* more than SERVE_MAX_BODY arrived */
    bool answered;              /* an answer was queued before the body */
    const char *url;            /* the path as sent */
    val_t *note;                /* serve_req_set_note's, or NULL */
};

void serve_resp_init(serve_resp_t *r);
void serve_resp_free(serve_resp_t *r);

/* What the knobs make of the next answer, at NOW_MS: 0 (answer it), or
 * the status that replaces it (429 past the rate limit, or the drawn
 * failure's) with RESP made and its Retry-After set. MIG_ENOMEM is
 * answered 500 by the caller. */
mig_status_t serve_knobs(serve_t *s, int64_t now_ms, serve_resp_t *resp,
                         bool *replaced);

#endif
