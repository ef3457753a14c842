/* http_int.h: what the files of http.request share (docs/http.md): the
 * status and transport tables (http_class.c), the loop's libcurl multi
 * handle (http_multi.c) and the action itself (http.c). */
#ifndef MIG_HTTP_INT_H
#define MIG_HTTP_INT_H

#include <curl/curl.h>
#include <time.h>

#include "stdlib_int.h"

/* The limits, each documented in docs/http.md "Limits". */
#define HTTP_MAX_BODY (16 * 1024 * 1024)    /* a response body's bytes */
#define HTTP_MAX_HEADERS (256 * 1024)       /* a response's header bytes */
#define HTTP_DETAIL_BODY 4096               /* body bytes an error keeps */
#define HTTP_MAX_REDIRECTS 10
#define HTTP_TIMEOUT_MS 30000               /* without timeout: */
#define HTTP_CONNECT_MS 10000               /* at most, to connect */
#define HTTP_MAX_HOST_CONNS 64              /* open to one host at once */
#define HTTP_MAX_CONNS 256                  /* kept open in all */
#define HTTP_LINGER_MS 50                   /* idle before the pool closes */
#define HTTP_RETRY_AFTER_MAX_MS (86400LL * 1000)    /* a day */

/* One request in flight (http.c makes it, http_answer.c reads what came
 * back into it). */
typedef struct http_call {
    action_ctx_t *ctx;
    CURL *easy;
    CURLU *url;                 /* the easy handle's URL (CURLOPT_CURLU) */
    val_t *args;                /* the call's (referenced) */
    val_t *secrets;             /* revealed into its headers (a list) */
    struct curl_slist *send_headers;
    strbuf_t send_body;
    char method[8];
    char *shown_url;            /* for messages: no user:password */
    strbuf_t body;              /* the answer's, at most HTTP_MAX_BODY */
    val_t *headers;             /* the answer's: lower-case name -> value */
    strbuf_t status_line;       /* "HTTP/1.1 409 Conflict" */
    size_t header_bytes;
    bool body_cut, headers_cut; /* the answer passed a bound: stopped */
    bool cancelled;
    bool oom;                   /* a header could not be kept */
    int64_t timeout_ms;
    char errbuf[CURL_ERROR_SIZE];
} http_call_t;

/* ---- the answer (http_answer.c) ------------------------------------------ */

/* libcurl's CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION, DATA the
 * call: they keep the body and the headers, and stop the transfer past
 * HTTP_MAX_BODY or HTTP_MAX_HEADERS. */
size_t http_on_body(char *p, size_t size, size_t n, void *data);
size_t http_on_header(char *p, size_t size, size_t n, void *data);
/* What the call X gives once its transfer ended with RC: MIG_OK and the
 * result {status, headers, body, json} (*RESULT), or the classed error
 * on X's context (with its detail, and a suggested delay from
 * Retry-After) and MIG_EINVALID; MIG_ENOMEM. */
mig_status_t http_outcome(http_call_t *x, CURLcode rc, val_t **result);

/* ---- classes (http_class.c) --------------------------------------------- */

/* The class of an answer with STATUS that the call does not expect
 * (docs/http.md, "Status to error class"): CLASSIFY (a map "404" ->
 * class name, or NULL) first, then the status table; RESOURCE chooses
 * MissingDependency over MethodNotFound for a 404, JSON (the body parsed,
 * or NULL) chooses ValidationFailed over ParamMismatch for a 400 or 422
 * by http_names_validation. Never NULL. */
const char *http_status_class(long status, bool resource, const val_t *json,
                              const val_t *classify);
/* Whether JSON, a response's body, names a validation failure: an object
 * whose member "error" is a string, or an object whose "type" or "code"
 * is a string, that holds "validation" in any case. */
bool http_names_validation(const val_t *json);
/* Whether JSON, the body of a 2xx status the call expects, says that the
 * call failed all the same: an object with an "error" member that is
 * neither null nor false. */
bool http_body_is_error(const val_t *json);
/* The class of a transfer that ended without an answer (libcurl's RC) and
 * a short reason ("the connection was refused"). */
const char *http_transport_class(CURLcode rc, const char **reason);
/* The wait a Retry-After value VALUE asks for, NOW being the time: a
 * number of seconds (digits only) or an HTTP-date (IMF-fixdate, RFC 850
 * or asctime form) in ms, at most HTTP_RETRY_AFTER_MAX_MS, 0 for a date
 * past; -1 when VALUE is neither. */
int64_t http_retry_after_ms(const char *value, time_t now);
/* Whether the header NAME (LEN bytes, any case) carries a credential
 * (Authorization, Proxy-Authorization, Cookie, Set-Cookie): its value is
 * written as "***" wherever mig shows or keeps it. */
bool http_header_secret(const char *name, size_t len);
/* HEADERS (a map name -> value) with each secret header's value "***":
 * a new map, or NULL when out of memory. */
val_t *http_masked_headers(const val_t *headers);

/* ---- the loop's multi handle (http_multi.c) ------------------------------ */

/* Called once from the loop when a transfer added by http_multi_add ends:
 * RC is libcurl's result (CURLE_ABORTED_BY_CALLBACK when it was
 * cancelled). The easy handle is no longer in the multi handle. */
typedef void (*http_done_fn)(void *data, CURLcode rc);

/* Adds EASY (its options set; the caller keeps it and frees it after
 * DONE) to the multi handle of LOOP, made on first use and closed once
 * HTTP_LINGER_MS pass without a transfer. DONE(DATA) is called later,
 * from the loop, never from within this call. MIG_OK or MIG_ENOMEM (then
 * DONE is never called). */
mig_status_t http_multi_add(struct uv_loop_s *loop, CURL *easy,
                            http_done_fn done, void *data);
/* Stops EASY, added by http_multi_add and not done: its DONE is called
 * soon from the loop with CURLE_ABORTED_BY_CALLBACK. */
void http_multi_cancel(CURL *easy);

/* ---- requests of other modules (http.c) ---------------------------------- */

/* A request as http.request would send it, for a module that speaks
 * HTTP itself (the remote registry, registry/registry_remote.c): ARGS
 * are http.request's arguments, bound (method, url, headers, body,
 * expect, resource, timeout); *OUT the call, its easy handle ready for
 * http_multi_add (or, where no loop runs, curl_easy_perform), its
 * answer read by http_outcome; free it with http_call_free. Fails on C
 * like http.request (InvalidConfig for a bad URL or header). */
mig_status_t http_call_new(action_ctx_t *c, const val_t *args,
                           http_call_t **out);
void http_call_free(http_call_t *x);

#endif
