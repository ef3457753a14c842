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
#define HTTP_IDLE_EASY 64                   /* easy handles kept for reuse */
#define HTTP_RETRY_AFTER_MAX_MS (86400LL * 1000)    /* a day */
#define HTTP_STATE_TIMEOUT_MS 10000         /* a remote record's state read */

typedef struct http_call http_call_t;
/* What a request made with http_send calls once its transfer ended:
 * X the call (to free with http_call_free), RC libcurl's result. */
typedef void (*http_then_fn)(http_call_t *x, CURLcode rc);

/* One request in flight (http.c makes it, http_answer.c reads what came
 * back into it). */
struct http_call {
    action_ctx_t *ctx;
    CURL *easy;                 /* from http_easy_get */
    const struct uv_loop_s *loop;   /* whose pool EASY goes back to */
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
    const char *unsent;         /* why a request was never sent, or NULL */
    bool oom;                   /* a header could not be kept */
    int64_t timeout_ms;
    char errbuf[CURL_ERROR_SIZE];
    http_then_fn then;          /* NULL: the step's call ends (actx_finish) */
    void *then_data;
};

/* ---- requests (http.c): the internal interface ------------------------------ */

/* The request ARGS describes (a map of http.request's arguments, method
 * given; also how another module that speaks HTTP itself, the remote
 * registry, makes its requests), made on C: X with its easy handle ready to send, or the
 * classed error on C (MIG_EINVALID) or MIG_ENOMEM. */
mig_status_t http_prepare(action_ctx_t *c, const val_t *args,
                          http_call_t **out);
/* Sends X on the loop of its context's host; THEN(X, RC) is called from
 * the loop once it ended (never from within this call), DATA kept in
 * X->then_data. MIG_OK or MIG_ENOMEM (THEN is never called; X is the
 * caller's to free). */
mig_status_t http_send(http_call_t *x, http_then_fn then, void *data);
void http_call_free(http_call_t *x);
/* Whether the method NAME only reads (GET, HEAD, OPTIONS). */
bool http_method_reads(const char *name);

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

/* ---- flows (http_flow.c): calls made of several requests ------------------ */

#define HTTP_REMOTE_PREFIX "remote:"    /* the id of a remote record */

/* A call that sends one request after another: the call's context, the
 * request in flight (cancelled by http_flow_cancel), and what the call
 * gives when http_flow_end ends it. */
typedef struct flow {
    action_ctx_t *c;
    http_call_t *x;             /* the request in flight, or NULL */
    val_t *args;                /* the call's arguments or record (ref) */
    val_t *result;              /* what the call gives when it ends */
    mig_status_t st;
    char *id;                   /* the remote record declared, or NULL */
    char *target;               /* an undo's URL */
    char *want;                 /* the state an undo leaves, or NULL */
    const char *after;          /* the state the change left, or NULL */
    const char *method;         /* an undo's method */
    bool resent;                /* an undo sent again (its ETag renewed) */
} flow_t;

/* A flow for a call of C with ARGS (referenced); NULL when out of
 * memory. */
flow_t *http_flow_new(action_ctx_t *c, const val_t *args);
void http_flow_free(flow_t *f);
/* Ends F's call (actx_finish) with F->st and F->result; frees F. */
void http_flow_end(flow_t *f);
/* The ON_CANCEL of a suspended flow (DATA): stops its request. */
void http_flow_cancel(action_ctx_t *c, void *data);
/* Sends the request ARGS (taken; NULL: out of memory) for F; THEN gets
 * it, F in its then_data. MIG_OK, or the failure on F's context. */
mig_status_t http_flow_send(flow_t *f, val_t *args, http_then_fn then);
/* The status of X's answer; 0 when the transfer ended without one. */
long http_answered(http_call_t *x, CURLcode rc);
/* The header NAME (lower case) of X's answer, or NULL. */
const char *http_answer_header(const http_call_t *x, const char *name);
/* Fails C (InvalidConfig) when the map M, the argument WHAT ("undo"),
 * has a key not among the N KEYS: "'K' is not a key of NOUN (KEYS...)"
 * (NOUN "an undo"). */
mig_status_t http_keys_known(action_ctx_t *c, const char *what,
                             const char *noun, const val_t *m,
                             const char *const *keys, size_t n);
/* The `timeout` of ARGS in ms: a duration, or the text the journal
 * keeps of one ("1m30s": h, m, s, ms); DEF when there is none, or the
 * text is not a duration above 0. */
int64_t http_timeout_of(const val_t *args, int64_t def);
/* The string KEY of map M (NULL ok), or NULL. */
const char *http_str_of(const val_t *m, const char *key);
/* HEADERS (a map, or NULL) without Content-Type, If-Match and
 * If-None-Match: a new map, or NULL when out of memory. */
val_t *http_plain_headers(const val_t *headers);
/* The arguments of a request for a record: {method, url, headers
 * (taken), resource: true, timeout (TIMEOUT_MS > 0), body (taken; NULL:
 * none)}; NULL when out of memory. */
val_t *http_args_of(const char *method, const char *url,
                         val_t *headers, int64_t timeout_ms, val_t *body);
/* The state text of an answer with STATUS and the N bytes BODY: "absent"
 * for 404 and 410, else "record:" and their BLAKE2b-256 for a 2xx; NULL
 * for any other status. */
const char *http_record_state(long status, const char *body, size_t n,
                              char buf[BLOB_HEX + 7]);
/* http_record_state of X's answer (its body scrubbed of the request's
 * secrets first); NULL also when there was no answer. */
const char *http_state_of(http_call_t *x, CURLcode rc,
                          char buf[BLOB_HEX + 7]);

/* ---- undo (http_undo.c, http_restore.c) and settling (http_check.c) -------- */

/* The URL of the record a call with undo reads before its change:
 * before:, else its url, except for a POST (NULL: none). */
const char *http_before_url(const val_t *args);
/* Fails C (InvalidConfig, MIG_EINVALID) when HEADERS, which WHAT (an
 * "undo", a "check") journals to send after a restart, hold a credential
 * header whose value is text rather than a secret. */
mig_status_t http_plain_credential(action_ctx_t *c, const char *what,
                                   const val_t *headers);
/* The undo's URL TEMPLATE with its placeholders filled: {location} by
 * LOCATION (an answer's header, or NULL) made absolute against BASE,
 * {json.PATH} by the member PATH (dotted) of JSON, a string or a whole
 * number, URL-encoded. A new string; NULL when a placeholder cannot be
 * filled (or out of memory). */
char *http_undo_url(const char *tmpl, const char *base, const char *location,
                    const val_t *json);
/* Makes the change X of a call that has an undo end through
 * http_undo_answered: its flow (to suspend the call with, and cancel
 * with http_flow_cancel), holding X; NULL when out of memory. */
flow_t *http_undo_flow(http_call_t *x, const val_t *args);

/* http.request's capture (action_t): checks undo: and before:, reads the
 * before-image (a GET, finishing later), keeps its bytes in the object
 * store and declares the record remote:URL; the undo record (*RECORD). */
mig_status_t http_capture(action_ctx_t *c, const val_t *args,
                          val_t **record);
/* The THEN of a request that has an undo: its result as http_outcome
 * gives it, the answer's ETag and the undo's URL kept as the call's
 * outcome (actx_set_outcome), the record read again for its after-image;
 * then the call finishes. */
void http_undo_answered(http_call_t *x, CURLcode rc);
/* http.request's undo: sends the undo request of RECORD (http_capture's),
 * conditional on the ETag the change's answer gave (actx_outcome). */
mig_status_t http_undo(action_ctx_t *c, const val_t *record, val_t **out);
/* Checks the check: argument of ARGS (docs/http.md, "Crashes"):
 * MIG_OK, or InvalidConfig on C. */
mig_status_t http_check_valid(action_ctx_t *c, const val_t *args);
/* http.request's applied (action_t): sends the check: of the journaled
 * ARGS and says (*OUT, a bool) whether the change is in place; without a
 * check, or with an answer it does not place, fails ("cannot tell"). */
mig_status_t http_applied(action_ctx_t *c, const val_t *args, val_t **out);

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
/* An easy handle for a request on LOOP (NULL: none): one of the pool of
 * LOOP's multi handle, reset by http_easy_put, or a new one; NULL when
 * out of memory. Using a handle again spares its making (its buffers,
 * caches and defaults); the connections are the multi handle's either
 * way. */
CURL *http_easy_get(const struct uv_loop_s *loop);
/* Gives EASY (from http_easy_get; NULL ok) back: reset (no option, no
 * pointer of the last request kept) into the pool of LOOP's multi handle
 * while that is open and holds fewer than HTTP_IDLE_EASY, else cleaned
 * up. The pool is cleaned up when the multi handle closes. */
void http_easy_put(const struct uv_loop_s *loop, CURL *easy);
/* Stops EASY, added by http_multi_add and not done: its DONE is called
 * soon from the loop with CURLE_ABORTED_BY_CALLBACK. */
void http_multi_cancel(CURL *easy);

#endif
