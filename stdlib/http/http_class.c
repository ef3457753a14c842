/* http_class.c: how http.request turns what an endpoint answered into an
 * error class (docs/http.md, "Status to error class"): the status table,
 * the transport table, the body rules, Retry-After, and which headers are
 * credentials that are never shown. Pure functions, tested one by one
 * (tests/unit/test_http_class.c). */
#define _GNU_SOURCE     /* strptime, timegm, strcasestr */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"

/* ---- statuses ------------------------------------------------------------ */

/* A row covers the statuses LO..HI; the first row that covers a status
 * decides. ALT is the class chosen instead of CLS when the call names a
 * resource (404) or when the body names a validation failure (400, 422),
 * as WHEN says. */
typedef enum alt_when { ALT_NEVER, ALT_RESOURCE, ALT_VALIDATION } alt_when_t;

static const struct status_row {
    long lo, hi;
    const char *cls;
    alt_when_t when;
    const char *alt;
} status_rows[] = {
    { 408, 408, "Timeout", ALT_NEVER, NULL },
    { 429, 429, "Transient", ALT_NEVER, NULL },
    { 502, 504, "Transient", ALT_NEVER, NULL },
    { 500, 500, "Unavailable", ALT_NEVER, NULL },
    { 400, 400, "ParamMismatch", ALT_VALIDATION, "ValidationFailed" },
    { 422, 422, "ParamMismatch", ALT_VALIDATION, "ValidationFailed" },
    { 401, 401, "PolicyDenied", ALT_NEVER, NULL },
    { 403, 403, "PolicyDenied", ALT_NEVER, NULL },
    { 404, 404, "MethodNotFound", ALT_RESOURCE, "MissingDependency" },
    { 409, 409, "Conflict", ALT_NEVER, NULL },
    { 412, 412, "Conflict", ALT_NEVER, NULL },
    /* every other status the call does not expect */
    { 400, 499, "Permanent", ALT_NEVER, NULL },
    { 500, 599, "Unavailable", ALT_NEVER, NULL },
    { 100, 399, "Permanent", ALT_NEVER, NULL },
};

/* The string member KEY of map M, or NULL. */
static const char *str_member(const val_t *m, const char *key)
{
    val_t *v = m && val_type(m) == VAL_MAP ? val_map_get(m, key, strlen(key))
                                          : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

static bool says_validation(const char *s)
{
    return s && strcasestr(s, "validation");
}

bool http_names_validation(const val_t *json)
{
    if (!json || val_type(json) != VAL_MAP)
        return false;
    val_t *e = val_map_get(json, "error", 5);
    if (e && val_type(e) == VAL_STRING)
        return says_validation(val_get_str(e, NULL));
    return says_validation(str_member(e, "type"))
           || says_validation(str_member(e, "code"));
}

bool http_body_is_error(const val_t *json)
{
    val_t *e = json && val_type(json) == VAL_MAP
        ? val_map_get(json, "error", 5) : NULL;
    return e && val_type(e) != VAL_NULL
           && !(val_type(e) == VAL_BOOL && !val_get_bool(e));
}

const char *http_status_class(long status, bool resource, const val_t *json,
                              const val_t *classify)
{
    char key[24];
    int n = snprintf(key, sizeof key, "%ld", status);
    val_t *own = classify ? val_map_get(classify, key, (size_t)n) : NULL;
    if (own && val_type(own) == VAL_STRING)
        return val_get_str(own, NULL);
    for (size_t i = 0; i < sizeof status_rows / sizeof *status_rows; i++) {
        const struct status_row *r = &status_rows[i];
        if (status < r->lo || status > r->hi)
            continue;
        bool alt = (r->when == ALT_RESOURCE && resource)
                   || (r->when == ALT_VALIDATION
                       && http_names_validation(json));
        return alt ? r->alt : r->cls;
    }
    return "Permanent";         /* not a status HTTP defines */
}

/* ---- transfers that ended without an answer ------------------------------ */

#define HTTP_STR_(x) #x
#define HTTP_STR(x) HTTP_STR_(x)

static const struct transport_row {
    CURLcode rc;
    const char *cls;
    const char *reason;
} transport_rows[] = {
    { CURLE_COULDNT_CONNECT, "Unavailable", "the connection was refused" },
    { CURLE_COULDNT_RESOLVE_HOST, "Unavailable",
      "the host name could not be resolved (DNS)" },
    { CURLE_COULDNT_RESOLVE_PROXY, "Unavailable",
      "the proxy's name could not be resolved (DNS)" },
    { CURLE_OPERATION_TIMEDOUT, "Timeout", "no answer in time" },
    { CURLE_SSL_CONNECT_ERROR, "Unavailable", "the TLS handshake failed" },
    { CURLE_PEER_FAILED_VERIFICATION, "Unavailable",
      "TLS: the server's certificate was not verified" },
    { CURLE_SSL_CACERT_BADFILE, "Unavailable",
      "TLS: the CA bundle could not be read" },
    { CURLE_SSL_CERTPROBLEM, "Unavailable", "TLS: a certificate problem" },
    { CURLE_SSL_ISSUER_ERROR, "Unavailable",
      "TLS: the certificate's issuer was not verified" },
    { CURLE_SEND_ERROR, "Unavailable", "the connection broke while sending" },
    { CURLE_RECV_ERROR, "Unavailable",
      "the connection broke while receiving" },
    { CURLE_PARTIAL_FILE, "Unavailable",
      "the answer was cut short (fewer bytes than announced)" },
    { CURLE_GOT_NOTHING, "Unavailable",
      "the server closed the connection without an answer" },
    { CURLE_WEIRD_SERVER_REPLY, "Unavailable", "the answer is not HTTP" },
    { CURLE_BAD_CONTENT_ENCODING, "Unavailable",
      "the answer's compressed body is damaged" },
    { CURLE_HTTP2, "Unavailable", "an HTTP/2 error" },
    { CURLE_HTTP2_STREAM, "Unavailable", "an HTTP/2 stream error" },
    { CURLE_TOO_MANY_REDIRECTS, "Unavailable",
      "more redirects than the bound (" HTTP_STR(HTTP_MAX_REDIRECTS) ")" },
    { CURLE_UNSUPPORTED_PROTOCOL, "Unavailable",
      "the server answered in a way mig does not take (HTTP/0.9, or a "
      "redirect to a scheme other than http or https)" },
    { CURLE_OUT_OF_MEMORY, "Permanent",
      "a header line longer than libcurl takes (100 KiB), or out of "
      "memory" },
    { CURLE_URL_MALFORMAT, "InvalidConfig", "the URL is malformed" },
    { CURLE_ABORTED_BY_CALLBACK, "Timeout", "it was cancelled" },
};

const char *http_transport_class(CURLcode rc, const char **reason)
{
    for (size_t i = 0; i < sizeof transport_rows / sizeof *transport_rows;
         i++)
        if (transport_rows[i].rc == rc) {
            *reason = transport_rows[i].reason;
            return transport_rows[i].cls;
        }
    *reason = curl_easy_strerror(rc);
    return "Unavailable";
}

/* ---- Retry-After ------------------------------------------------------------ */

int64_t http_retry_after_ms(const char *value, time_t now)
{
    while (*value == ' ' || *value == '\t')
        value++;
    size_t n = strlen(value);
    while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
        n--;
    if (n == 0)
        return -1;
    size_t digits = strspn(value, "0123456789");
    if (digits == n) {
        int64_t s = 0;
        for (size_t i = 0; i < n; i++) {
            s = s * 10 + (value[i] - '0');
            if (s * 1000 >= HTTP_RETRY_AFTER_MAX_MS)
                return HTTP_RETRY_AFTER_MAX_MS;
        }
        return s * 1000;
    }
    /* An HTTP-date, in any of the three forms RFC 9110 (5.6.7) has a
     * recipient accept; always GMT. */
    static const char *const forms[] = {
        "%a, %d %b %Y %H:%M:%S GMT",    /* Sun, 06 Nov 1994 08:49:37 GMT */
        "%A, %d-%b-%y %H:%M:%S GMT",    /* Sunday, 06-Nov-94 08:49:37 GMT */
        "%a %b %e %H:%M:%S %Y",         /* Sun Nov  6 08:49:37 1994 */
    };
    char text[64];
    if (n >= sizeof text)
        return -1;
    memcpy(text, value, n);
    text[n] = '\0';
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        const char *end = strptime(text, forms[i], &tm);
        if (!end || *end)
            continue;
        time_t at = timegm(&tm);
        if (at == (time_t)-1)
            return -1;
        if (at <= now)
            return 0;
        int64_t ms = ((int64_t)at - (int64_t)now) * 1000;
        return ms > HTTP_RETRY_AFTER_MAX_MS ? HTTP_RETRY_AFTER_MAX_MS : ms;
    }
    return -1;
}

/* ---- credentials ------------------------------------------------------------- */

bool http_header_secret(const char *name, size_t len)
{
    static const char *const secret[] = {
        "authorization", "proxy-authorization", "cookie", "set-cookie",
    };
    for (size_t i = 0; i < sizeof secret / sizeof *secret; i++)
        if (strlen(secret[i]) == len && strncasecmp(secret[i], name, len) == 0)
            return true;
    return false;
}

val_t *http_masked_headers(const val_t *headers)
{
    size_t n = headers ? val_len(headers) : 0;
    val_t *m = val_map_new(n);
    for (size_t i = 0; m && i < n; i++) {
        size_t len;
        const char *name = val_get_str(val_map_key(headers, i), &len);
        val_t *v = http_header_secret(name, len) ? val_cstring("***")
                                                 : val_ref(val_map_value(
                                                       headers, i));
        if (!v || val_map_set_take(m, name, len, v) != MIG_OK) {
            val_unref(m);
            return NULL;
        }
    }
    return m;
}
