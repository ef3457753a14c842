/* http.c: http.request (docs/http.md), a request to an HTTP endpoint
 * sent through the run's libcurl multi handle (http_multi.c), so that
 * many are in flight on the loop's one thread. A request that reads (GET,
 * HEAD, OPTIONS) changes nothing and is not journaled; one that changes
 * (POST, PUT, PATCH, DELETE) is journaled as begun before a byte is sent
 * (actx_started, no process), so a crash in its flight is settled by the
 * user rather than sent again on a guess. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "http_int.h"

/* The methods, and whether each only reads. */
static const struct method {
    const char *name;
    bool reads;
    bool body;                  /* it may send a body */
} methods[] = {
    { "GET", true, false },    { "HEAD", true, false },
    { "OPTIONS", true, false }, { "POST", false, true },
    { "PUT", false, true },    { "PATCH", false, true },
    { "DELETE", false, true },
};

static const struct method *method_of(const char *name)
{
    for (size_t i = 0; name && i < sizeof methods / sizeof *methods; i++)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    return NULL;
}

bool http_method_reads(const char *name)
{
    const struct method *m = method_of(name);
    return m && m->reads;
}

/* A call that only reads is pure: not journaled, nothing to undo. An
 * unknown method (mig check cannot see it) counts as a change; a change
 * that gives its own undo: keeps its before-image (self-undo). */
static action_effect_t http_effect_of(const action_t *row, const val_t *args)
{
    const struct method *m = method_of(stdlib_arg_str(args, "method"));
    if (m && m->reads)
        return ACTION_PURE;
    return stdlib_arg(args, "undo") ? ACTION_SELF_UNDO : row->effect;
}

/* ---- the URL ------------------------------------------------------------- */

/* The parsed URL of ARGS (the query argument added), or NULL with the
 * error on C. */
static CURLU *parse_url(action_ctx_t *c, const val_t *args)
{
    const char *url = stdlib_arg_str(args, "url");
    CURLU *u = curl_url();
    if (!u)
        return NULL;
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, 0);
    char *scheme = NULL;
    if (rc == CURLUE_OK)
        rc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
    bool web = rc == CURLUE_OK && (strcmp(scheme, "http") == 0
                                   || strcmp(scheme, "https") == 0);
    curl_free(scheme);
    if (rc != CURLUE_OK || !web) {
        curl_url_cleanup(u);
        actx_fail(c, "InvalidConfig", "http.request: '%s' is not an http:// "
                  "or https:// URL%s%s", url, rc != CURLUE_OK ? ": " : "",
                  rc != CURLUE_OK ? curl_url_strerror(rc) : "");
        return NULL;
    }
    val_t *q = stdlib_arg(args, "query");
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; q && i < val_len(q); i++) {
        val_t *v = val_map_value(q, i);
        size_t n = val_type(v) == VAL_LIST ? val_len(v) : 1;
        for (size_t j = 0; j < n; j++) {
            b.len = 0;
            strbuf_puts(&b, val_get_str(val_map_key(q, i), NULL));
            strbuf_putc(&b, '=');
            eval_to_text(val_type(v) == VAL_LIST ? val_list_get(v, j) : v,
                         &b);
            if (b.oom || curl_url_set(u, CURLUPART_QUERY, b.data,
                                      CURLU_APPENDQUERY | CURLU_URLENCODE)
                             != CURLUE_OK) {
                strbuf_free(&b);
                curl_url_cleanup(u);
                return NULL;
            }
        }
    }
    strbuf_free(&b);
    return u;
}

/* The URL of U for messages: without a user and password. */
static char *shown_url(CURLU *u)
{
    char *s = NULL, *out = NULL;
    if (curl_url_get(u, CURLUPART_USER, &s, 0) == CURLUE_NO_USER
        && curl_url_get(u, CURLUPART_PASSWORD, &s, 0) == CURLUE_NO_PASSWORD) {
        /* Nothing to take out (the usual URL): no copy to make. */
        if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
            out = strdup(s);
        curl_free(s);
        return out;
    }
    curl_free(s);
    s = NULL;
    CURLU *v = curl_url_dup(u);
    if (v && curl_url_set(v, CURLUPART_USER, NULL, 0) == CURLUE_OK
        && curl_url_set(v, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK
        && curl_url_get(v, CURLUPART_URL, &s, 0) == CURLUE_OK)
        out = strdup(s);
    curl_free(s);
    curl_url_cleanup(v);
    return out;
}

/* The breaker target of a call: "scheme://host:port" of its url. */
static mig_status_t http_target_of(const val_t *args, strbuf_t *out)
{
    const char *url = stdlib_arg_str(args, "url");
    CURLU *u = curl_url();
    if (!u)
        return MIG_ENOMEM;
    char *scheme = NULL, *host = NULL, *port = NULL;
    if (url && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK
        && curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK
        && curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK
        && curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT)
               == CURLUE_OK)
        strbuf_printf(out, "%s://%s:%s", scheme, host, port);
    else
        strbuf_puts(out, url ? url : "");   /* fails at the call itself */
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

/* ---- the other arguments --------------------------------------------------- */

/* Whether NAME (LEN bytes) is an HTTP header name (a token). */
static bool header_name_ok(const char *name, size_t len)
{
    if (!len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)name[i])
            && !strchr("!#$%&'*+-.^_`|~", name[i]))
            return false;
    return true;
}

/* Whether the request headers of ARGS name NAME (any case). */
static bool has_header(const val_t *args, const char *name)
{
    val_t *h = stdlib_arg(args, "headers");
    for (size_t i = 0; h && i < val_len(h); i++)
        if (strcasecmp(val_get_str(val_map_key(h, i), NULL), name) == 0)
            return true;
    return false;
}

/* Appends "NAME: VALUE" to X's headers. */
static bool add_header(http_call_t *x, const char *line)
{
    struct curl_slist *l = curl_slist_append(x->send_headers, line);
    if (l)
        x->send_headers = l;
    return l != NULL;
}

/* The request headers of ARGS, each value as text (eval_to_text: the
 * value accessors every action uses), a secret's bytes revealed here,
 * where they leave mig, and kept on X's secrets so that the answer is
 * scrubbed of them. A credential's value is never in a message. */
static mig_status_t make_headers(action_ctx_t *c, http_call_t *x,
                                 const val_t *args)
{
    val_t *h = stdlib_arg(args, "headers");
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = MIG_OK;
    for (size_t i = 0; h && i < val_len(h) && st == MIG_OK; i++) {
        size_t len;
        const char *name = val_get_str(val_map_key(h, i), &len);
        b.len = 0;
        strbuf_put(&b, name, len);
        size_t at = b.len;
        strbuf_puts(&b, ": ");
        val_t *v = val_map_value(h, i);
        if (val_type(v) != VAL_SECRET && val_holds_secret(v)) {
            /* its text would send "***" for the secret */
            st = actx_fail(c, "InvalidConfig", "http.request: the value of "
                           "header '%s' holds a secret inside a list or a "
                           "map: give the secret (or text joined to it) as "
                           "the value", name);
            break;
        }
        st = val_type(v) == VAL_SECRET
            ? stdlib_reveal(c, "http.request", v, "a header's value",
                            x->secrets, &b)
            : eval_to_text(v, &b);
        if (st == MIG_OK && b.oom)
            st = MIG_ENOMEM;
        if (st != MIG_OK)
            break;
        bool value_ok = !memchr(b.data + at, '\r', b.len - at)
                        && !memchr(b.data + at, '\n', b.len - at)
                        && strlen(b.data) == b.len;
        if (!header_name_ok(name, len))
            st = actx_fail(c, "InvalidConfig", "http.request: '%s' cannot "
                           "name a header", name);
        else if (!value_ok)
            st = actx_fail(c, "InvalidConfig", "http.request: the value of "
                           "header '%s' holds a line break or a NUL byte",
                           name);
        else if (b.len == at + 2)   /* an empty value: libcurl's "Name;" */
            b.data[at] = ';', b.data[at + 1] = '\0';
        if (st == MIG_OK && !add_header(x, b.data))
            st = MIG_ENOMEM;
        if (b.data)
            explicit_bzero(b.data, b.len);
    }
    /* libcurl would wait for a 100 Continue before a large body. */
    if (st == MIG_OK && !add_header(x, "Expect:"))
        st = MIG_ENOMEM;
    strbuf_free(&b);
    return st;
}

/* The body of ARGS into X (a string as it is, any other value as JSON),
 * with its Content-Type unless the headers give one. */
static mig_status_t make_body(action_ctx_t *c, http_call_t *x,
                              const val_t *args, const struct method *m)
{
    val_t *body = stdlib_arg(args, "body");
    if (!body || val_type(body) == VAL_NULL)
        return MIG_OK;          /* null: no body */
    if (!m->body)
        return actx_fail(c, "InvalidConfig", "http.request: a %s request "
                         "sends no body", m->name);
    bool text = val_type(body) == VAL_STRING;
    mig_status_t st = MIG_OK;
    if (text) {
        size_t len;
        const char *s = val_get_str(body, &len);
        strbuf_put(&x->send_body, s, len);
    } else {
        st = val_to_json(body, &x->send_body, 0);
    }
    if (st == MIG_OK && x->send_body.oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK && !has_header(args, "content-type")
        && !add_header(x, text ? "Content-Type: text/plain; charset=utf-8"
                               : "Content-Type: application/json"))
        st = MIG_ENOMEM;
    return st;
}

/* Checks `expect` and `classify`: statuses are whole numbers 100-599, a
 * class is a name (a built-in class, or one of the plan's). */
static mig_status_t check_statuses(action_ctx_t *c, const val_t *args)
{
    val_t *e = stdlib_arg(args, "expect");
    for (size_t i = 0; e && i < val_len(e); i++) {
        val_t *s = val_list_get(e, i);
        if (!val_is_int(s) || val_get_int(s) < 100 || val_get_int(s) > 599)
            return actx_fail(c, "InvalidConfig", "http.request: expect: "
                             "item %zu is not a status (a whole number from "
                             "100 to 599)", i + 1);
    }
    val_t *k = stdlib_arg(args, "classify");
    for (size_t i = 0; k && i < val_len(k); i++) {
        const char *key = val_get_str(val_map_key(k, i), NULL);
        char *end;
        long n = strtol(key, &end, 10);
        if (*end || end - key != 3 || n < 100 || n > 599)
            return actx_fail(c, "InvalidConfig", "http.request: classify: "
                             "'%s' is not a status (100 to 599)", key);
        val_t *v = val_map_value(k, i);
        const char *cls = val_type(v) == VAL_STRING ? val_get_str(v, NULL)
                                                    : "";
        bool name = isupper((unsigned char)*cls);
        for (const char *p = cls; name && *p; p++)
            name = isalnum((unsigned char)*p) || *p == '_';
        if (!name)
            return actx_fail(c, "InvalidConfig", "http.request: classify: "
                             "%s must give an error class's name, such as "
                             "\"MissingDependency\"", key);
    }
    return MIG_OK;
}

/* ---- the call ----------------------------------------------------------------- */

void http_call_free(http_call_t *x)
{
    http_easy_put(x->loop, x->easy);    /* before the URL it points to */
    curl_url_cleanup(x->url);
    for (struct curl_slist *l = x->send_headers; l; l = l->next)
        explicit_bzero(l->data, strlen(l->data));   /* a secret's bytes */
    curl_slist_free_all(x->send_headers);
    val_unref(x->secrets);
    strbuf_free(&x->send_body);
    strbuf_free(&x->body);
    strbuf_free(&x->status_line);
    val_unref(x->headers);
    val_unref(x->args);
    free(x->shown_url);
    free(x);
}

static void on_done(void *data, CURLcode rc)
{
    http_call_t *x = data;
    if (x->then) {
        x->then(x, rc);
        return;
    }
    val_t *result = NULL;
    mig_status_t st = http_outcome(x, rc, &result);
    action_ctx_t *c = x->ctx;
    http_call_free(x);
    actx_finish(c, st, result);
}

static void on_cancel(action_ctx_t *c, void *data)
{
    (void)c;
    http_call_t *x = data;
    x->cancelled = true;
    http_multi_cancel(x->easy);
}

mig_status_t http_send(http_call_t *x, http_then_fn then, void *data)
{
    x->then = then;
    x->then_data = data;
    const actx_host_t *host = actx_host(x->ctx);
    return http_multi_add(host->loop, x->easy, on_done, x);
}

/* The GO of actx_started: the request is sent once JOURNALED (whether it
 * could be). A GO that came after http_run suspended the call (a group
 * commit's) ends the call itself when the request was not sent. */
static bool send_now(void *data, bool journaled)
{
    http_call_t *x = data;
    if (journaled && http_send(x, x->then, x->then_data) == MIG_OK)
        return true;
    if (actx_suspended(x->ctx)) {
        x->unsent = journaled ? "out of memory"
                              : "the journal could not record it";
        on_done(x, CURLE_SEND_ERROR);
    }
    return false;
}

/* Sets the options of X's easy handle for the request of ARGS to U. */
static mig_status_t set_options(action_ctx_t *c, http_call_t *x,
                                const val_t *args, CURLU *u,
                                const struct method *m)
{
    CURL *e = x->easy;
    const char *ca = stdlib_arg_str(args, "ca");
    struct stat sb;
    if (ca && (!actx_path(c, ca) || stat(actx_path(c, ca), &sb) != 0))
        return actx_fail(c, "MissingDependency", "http.request: the CA "
                         "bundle '%s' is not there", ca);
    if (ca)
        curl_easy_setopt(e, CURLOPT_CAINFO, actx_path(c, ca));
    curl_easy_setopt(e, CURLOPT_CURLU, u);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)HTTP_MAX_REDIRECTS);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "mig");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)x->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(x->timeout_ms < HTTP_CONNECT_MS ? x->timeout_ms
                                                            : HTTP_CONNECT_MS));
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->send_headers);
    if (strcmp(m->name, "HEAD") == 0)
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    else if (strcmp(m->name, "GET") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m->name);
    val_t *body = stdlib_arg(args, "body");
    bool has_body = body && val_type(body) != VAL_NULL;
    if (m->body && (has_body || strcmp(m->name, "DELETE"))) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)x->send_body.len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS,
                         x->send_body.data ? x->send_body.data : "");
    }
    return MIG_OK;
}

mig_status_t http_prepare(action_ctx_t *c, const val_t *args,
                          http_call_t **out)
{
    *out = NULL;
    const char *mname = stdlib_arg_str(args, "method");
    const struct method *m = method_of(mname);
    if (!m)
        return actx_fail(c, "InvalidConfig", "http.request: '%s' is not a "
                         "method mig sends (GET, HEAD, OPTIONS, POST, PUT, "
                         "PATCH, DELETE)", mname ? mname : "");
    mig_status_t st = check_statuses(c, args);
    if (st != MIG_OK)
        return st;
    CURLU *u = parse_url(c, args);
    if (!u)
        return actx_error_class(c) ? MIG_EINVALID : MIG_ENOMEM;
    http_call_t *x = calloc(1, sizeof(*x));
    if (!x) {
        curl_url_cleanup(u);
        return MIG_ENOMEM;
    }
    x->url = u;                 /* freed with the call, after its handle */
    const actx_host_t *host = actx_host(c);
    x->loop = host ? host->loop : NULL;
    if (!(x->easy = http_easy_get(x->loop)) || !(x->shown_url = shown_url(u))
        || !(x->headers = val_map_new(8)) || !(x->secrets = val_list_new(0))) {
        http_call_free(x);
        return MIG_ENOMEM;
    }
    x->ctx = c;
    x->args = val_ref((val_t *)args);
    snprintf(x->method, sizeof x->method, "%s", m->name);
    val_t *t = stdlib_arg(args, "timeout");
    x->timeout_ms = !t ? HTTP_TIMEOUT_MS : val_type(t) == VAL_DURATION
        ? val_get_ms(t) : http_timeout_of(args, 0);  /* journaled: text */
    if (x->timeout_ms <= 0)
        st = actx_fail(c, "InvalidConfig", "http.request: timeout must be "
                       "longer than 0");
    if (st == MIG_OK)
        st = make_headers(c, x, args);
    if (st == MIG_OK)
        st = make_body(c, x, args, m);
    if (st == MIG_OK)
        st = set_options(c, x, args, u, m);
    if (st != MIG_OK) {
        http_call_free(x);
        return st;
    }
    *out = x;
    return MIG_OK;
}

static mig_status_t http_run(action_ctx_t *c, const val_t *args, val_t **out)
{
    (void)out;
    const actx_host_t *host = actx_host(c);
    if (actx_mode(c) == ACTX_PREVIEW || !host || !host->loop)
        return actx_fail(c, "Unavailable", "http.request: requests are sent "
                         "only in a run, with its event loop");
    const char *method = stdlib_arg_str(args, "method");
    if (http_method_reads(method) && (stdlib_arg(args, "undo")
                                      || stdlib_arg(args, "before")
                                      || stdlib_arg(args, "check")))
        return actx_fail(c, "InvalidConfig", "http.request: a %s changes "
                         "nothing: undo:, before: and check: are for POST, "
                         "PUT, PATCH and DELETE", method);
    if (stdlib_arg(args, "before") && !stdlib_arg(args, "undo"))
        return actx_fail(c, "InvalidConfig", "http.request: before: names "
                         "the record an undo restores: give undo: too");
    http_call_t *x;
    mig_status_t st = http_check_valid(c, args);
    if (st == MIG_OK)
        st = http_prepare(c, args, &x);
    if (st != MIG_OK)
        return st;
    /* A change that has an undo keeps what its answer says for it. */
    flow_t *flow = NULL;
    if (stdlib_arg(args, "undo") && !(flow = http_undo_flow(x, args))) {
        http_call_free(x);
        return MIG_ENOMEM;
    }
    /* A request that changes something is journaled as begun before it
     * is sent; one that reads is sent at once (not journaled). */
    st = actx_started(c, 0, 0, send_now, x);
    if (st != MIG_OK || (!actx_began(c) && !actx_start_pending(c))) {
        if (flow)
            http_flow_free(flow);      /* and X */
        else
            http_call_free(x);
        return st == MIG_ENOMEM ? MIG_ENOMEM
            : actx_fail(c, "Unavailable", "http.request: %s was not sent: %s",
                        args ? stdlib_arg_str(args, "url") : "",
                        st != MIG_OK ? "the journal could not record it"
                                     : "out of memory");
    }
    if (flow)
        actx_suspend(c, http_flow_cancel, flow);
    else
        actx_suspend(c, on_cancel, x);
    return MIG_OK;
}

static mig_status_t http_preview(action_ctx_t *c, const val_t *args,
                                 val_t **out)
{
    (void)out;
    const struct method *m = method_of(stdlib_arg_str(args, "method"));
    if (!m || m->reads)
        return MIG_OK;          /* reads: nothing would change */
    val_t *body = stdlib_arg(args, "body");
    const char *url = stdlib_arg_str(args, "url");
    return actx_would(c, "request", url ? url : "?", "%s%s",
                      m->name, body ? " with a body" : "");
}

/* What the journal keeps of a request (docs/http.md, "What is
 * journaled"): its method and URL (without a password), its headers with
 * credentials as "***", and its body as a BLAKE2b digest and a size; the
 * other arguments as they are. */
static val_t *http_journal_args(const val_t *args)
{
    val_t *j = val_map_new(val_len(args) + 1);
    mig_status_t st = j ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(args); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(args, i), &len);
        val_t *v = val_map_value(args, i);
        if (strcmp(k, "headers") == 0) {
            st = val_map_set_take(j, k, len, http_masked_headers(v));
        } else if (strcmp(k, "body") == 0) {
            strbuf_t b;
            strbuf_init(&b);
            if (val_type(v) == VAL_STRING)
                strbuf_puts(&b, val_get_str(v, NULL));
            else
                val_to_json(v, &b, 0);
            char hex[BLOB_HEX];
            blobs_hash(b.data ? b.data : "", b.len, hex);
            st = b.oom ? MIG_ENOMEM
                : val_map_set_take(j, "body_digest", 11, val_cstring(hex));
            if (st == MIG_OK)
                st = val_map_set_take(j, "body_bytes", 10,
                                      val_int((int64_t)b.len));
            strbuf_free(&b);
        } else if (strcmp(k, "url") == 0 && val_type(v) == VAL_STRING) {
            CURLU *u = curl_url();
            char *shown = u && curl_url_set(u, CURLUPART_URL,
                                            val_get_str(v, NULL), 0)
                                   == CURLUE_OK ? shown_url(u) : NULL;
            st = val_map_set_take(j, k, len, shown ? val_cstring(shown)
                                                   : val_ref(v));
            free(shown);
            curl_url_cleanup(u);
        } else {
            st = val_map_set(j, k, len, v);
        }
    }
    if (st != MIG_OK) {
        val_unref(j);
        return NULL;
    }
    return j;
}

/* ---- the table ------------------------------------------------------------------ */

static const action_arg_t http_request_args[] = {
    { .name = "method", .types = ACTION_T(STRING), .def = "\"GET\"",
      .doc = "GET, HEAD or OPTIONS (these read: not journaled, nothing to "
             "undo), or POST, PUT, PATCH, DELETE (these change: journaled "
             "before they are sent)" },
    { .name = "url", .types = ACTION_T(STRING), .required = true,
      .doc = "an http:// or https:// URL" },
    { .name = "headers", .types = ACTION_T(MAP), .secrets = true,
      .doc = "request headers, name -> value, a value a string or a secret "
             "(Authorization, Cookie, Proxy-Authorization and every secret "
             "are shown as ***)" },
    { .name = "query", .types = ACTION_T(MAP),
      .doc = "query parameters added to the URL, URL-encoded (a list "
             "repeats the name)" },
    { .name = "body", .types = ACTION_T_ANY,
      .doc = "a string sent as it is (text/plain), or any other value sent "
             "as JSON (application/json)" },
    { .name = "timeout", .types = ACTION_T(DURATION),
      .doc = "the whole request's time, redirects included (default 30s; "
             "connecting at most 10s); past it, a Timeout error" },
    { .name = "expect", .types = ACTION_T(LIST),
      .doc = "the statuses that count as success (default: 200 to 299)" },
    { .name = "classify", .types = ACTION_T(MAP),
      .doc = "status -> error class, over the table in docs/http.md "
             "({\"404\": \"MissingDependency\"})" },
    { .name = "resource", .types = ACTION_T(BOOL), .def = "false",
      .doc = "the URL names a resource: a 404 is MissingDependency rather "
             "than MethodNotFound" },
    { .name = "schema", .types = ACTION_T(MAP),
      .doc = "the target's parameter schema: a ParamMismatch carries it "
             "for adapt.params, with argument \"body\"" },
    { .name = "ca", .types = ACTION_T(STRING),
      .doc = "a CA bundle (PEM) that verifies the server, instead of the "
             "system's; TLS is always verified" },
    { .name = "before", .types = ACTION_T(STRING),
      .doc = "with undo: the URL whose record is read (GET) and kept before "
             "the change (default: url, except for a POST), restored by the "
             "undo and verified by a rollback" },
    { .name = "undo", .types = ACTION_T(MAP), .secrets = true,
      .doc = "the request that undoes this one: {method, url, headers, "
             "body}; its body defaults to the before-image, its url to "
             "before (a POST's: its answer's Location); sent with If-Match "
             "of the change's ETag (docs/http.md, \"Undo\")" },
    { .name = "check", .types = ACTION_T(MAP), .secrets = true,
      .doc = "how a crash in the request's flight is settled: {url, method, "
             "headers, done, not_done, holds}, a GET whose answer says "
             "whether the change is in place" },
    { 0 },
};

const action_t stdlib_http_actions[] = {
    { .name = "http.request", .effect = ACTION_PLAN_UNDO,
      .args = http_request_args, .result = ACTION_T(MAP),
      .preview = http_preview, .run = http_run, .reports_start = true,
      .capture = http_capture, .undo = http_undo, .applied = http_applied,
      .effect_of = http_effect_of, .target_of = http_target_of,
      .journal_args = http_journal_args,
      .doc = "Sends an HTTP request; gives {status, headers, body, json} "
             "(json null when the body is not JSON). A status it does not "
             "expect is an error classed by docs/http.md's table; "
             "Retry-After is honoured by retry." },
};

const size_t stdlib_http_count =
    sizeof stdlib_http_actions / sizeof *stdlib_http_actions;
