/* test_http_class.c: how http.request classes what an endpoint answered
 * (stdlib/http/http_class.c, docs/http.md): every row of the status table
 * and the edges of its ranges, 404 for a resource, the ValidationFailed
 * rule on the body, classify over the table, the error in a 2xx body,
 * the transport table, Retry-After in both forms with bad values and its
 * bound, and which headers are masked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http_int.h"

/* JSON text as a value (NULL text: NULL). */
static val_t *json(const char *text)
{
    if (!text)
        return NULL;
    src_t *src = src_from_memory("t", text, strlen(text));
    diag_list_t d;
    diag_list_init(&d);
    val_t *v = NULL;
    assert_int_equal(val_from_json(src, &d, &v), MIG_OK);
    diag_list_free(&d);
    src_free(src);
    return v;
}

static void class_is(long status, bool resource, const char *body,
                     const char *classify, const char *want)
{
    val_t *j = json(body), *k = json(classify);
    const char *got = http_status_class(status, resource, j, k);
    if (strcmp(got, want) != 0)
        fail_msg("status %ld: %s, expected %s", status, got, want);
    val_unref(j);
    val_unref(k);
}

static void test_status_table(void **state)
{
    (void)state;
    static const struct { long status; const char *cls; } rows[] = {
        { 408, "Timeout" }, { 429, "Transient" }, { 502, "Transient" },
        { 503, "Transient" }, { 504, "Transient" }, { 500, "Unavailable" },
        { 400, "ParamMismatch" }, { 422, "ParamMismatch" },
        { 401, "PolicyDenied" }, { 403, "PolicyDenied" },
        { 404, "MethodNotFound" }, { 409, "Conflict" }, { 412, "Conflict" },
        /* the other statuses, at the edges of their ranges */
        { 402, "Permanent" }, { 407, "Permanent" }, { 410, "Permanent" },
        { 411, "Permanent" }, { 413, "Permanent" }, { 421, "Permanent" },
        { 423, "Permanent" }, { 428, "Permanent" }, { 430, "Permanent" },
        { 499, "Permanent" }, { 501, "Unavailable" }, { 505, "Unavailable" },
        { 599, "Unavailable" }, { 100, "Permanent" }, { 200, "Permanent" },
        { 304, "Permanent" }, { 399, "Permanent" }, { 600, "Permanent" },
        { 99, "Permanent" }, { 0, "Permanent" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        class_is(rows[i].status, false, NULL, NULL, rows[i].cls);
}

static void test_resource_and_validation(void **state)
{
    (void)state;
    class_is(404, true, NULL, NULL, "MissingDependency");
    class_is(400, true, NULL, NULL, "ParamMismatch");   /* 404 only */
    class_is(409, true, NULL, NULL, "Conflict");
    /* The rule: "error" a string, or its "type" or "code", naming
     * validation in any case. */
    class_is(422, false, "{\"error\": {\"type\": \"validation_error\"}}",
             NULL, "ValidationFailed");
    class_is(400, false, "{\"error\": {\"code\": \"VALIDATION\"}}", NULL,
             "ValidationFailed");
    class_is(400, false, "{\"error\": \"Validation failed: name\"}", NULL,
             "ValidationFailed");
    class_is(400, false, "{\"error\": {\"type\": \"bad_params\"}}", NULL,
             "ParamMismatch");
    class_is(400, false, "{\"error\": {\"message\": \"validation\"}}", NULL,
             "ParamMismatch");
    class_is(400, false, "{\"type\": \"validation\"}", NULL,
             "ParamMismatch");
    class_is(400, false, "{\"error\": {\"type\": 7}}", NULL, "ParamMismatch");
    class_is(400, false, "[\"validation\"]", NULL, "ParamMismatch");
    class_is(400, false, "\"validation\"", NULL, "ParamMismatch");
    /* Only 400 and 422 read the body. */
    class_is(409, false, "{\"error\": \"validation\"}", NULL, "Conflict");
    class_is(500, false, "{\"error\": \"validation\"}", NULL, "Unavailable");
}

static void test_classify(void **state)
{
    (void)state;
    class_is(404, false, NULL, "{\"404\": \"MissingDependency\"}",
             "MissingDependency");
    class_is(503, false, NULL, "{\"503\": \"QuotaExceeded\"}",
             "QuotaExceeded");
    class_is(422, false, "{\"error\": \"validation\"}",
             "{\"422\": \"Conflict\"}", "Conflict");
    class_is(404, false, NULL, "{\"403\": \"Conflict\"}", "MethodNotFound");
    class_is(404, false, NULL, "{\"404\": 7}", "MethodNotFound");
}

static void test_error_in_a_body(void **state)
{
    (void)state;
    static const struct { const char *body; bool error; } cases[] = {
        { "{\"error\": {\"type\": \"x\"}}", true },
        { "{\"error\": \"x\"}", true },
        { "{\"error\": {}}", true },
        { "{\"error\": true}", true },
        { "{\"error\": 0}", true },
        { "{\"error\": null}", false },
        { "{\"error\": false}", false },
        { "{\"errors\": [1]}", false },
        { "[{\"error\": 1}]", false },
        { "{}", false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        val_t *j = json(cases[i].body);
        if (http_body_is_error(j) != cases[i].error)
            fail_msg("%s", cases[i].body);
        val_unref(j);
    }
    assert_false(http_body_is_error(NULL));
    assert_false(http_names_validation(NULL));
}

static void test_transport(void **state)
{
    (void)state;
    const char *why;
    assert_string_equal(http_transport_class(CURLE_COULDNT_CONNECT, &why),
                        "Unavailable");
    assert_string_equal(why, "the connection was refused");
    assert_string_equal(http_transport_class(CURLE_COULDNT_RESOLVE_HOST,
                                             &why), "Unavailable");
    assert_string_equal(why, "the host name could not be resolved (DNS)");
    assert_string_equal(http_transport_class(CURLE_OPERATION_TIMEDOUT, &why),
                        "Timeout");
    assert_string_equal(http_transport_class(CURLE_PEER_FAILED_VERIFICATION,
                                             &why), "Unavailable");
    assert_string_equal(why, "TLS: the server's certificate was not verified");
    assert_string_equal(http_transport_class(CURLE_SSL_CONNECT_ERROR, &why),
                        "Unavailable");
    assert_string_equal(http_transport_class(CURLE_PARTIAL_FILE, &why),
                        "Unavailable");
    assert_string_equal(http_transport_class(CURLE_OUT_OF_MEMORY, &why),
                        "Permanent");
    assert_string_equal(http_transport_class(CURLE_TOO_MANY_REDIRECTS, &why),
                        "Unavailable");
    assert_string_equal(why, "more redirects than the bound (10)");
    /* A code the table does not name: Unavailable, libcurl's words. */
    assert_string_equal(http_transport_class(CURLE_FTP_ACCEPT_FAILED, &why),
                        "Unavailable");
    assert_string_equal(why, curl_easy_strerror(CURLE_FTP_ACCEPT_FAILED));
}

static void test_retry_after_seconds(void **state)
{
    (void)state;
    time_t now = 1000000;
    assert_int_equal(http_retry_after_ms("0", now), 0);
    assert_int_equal(http_retry_after_ms("1", now), 1000);
    assert_int_equal(http_retry_after_ms(" 120\t", now), 120000);
    assert_int_equal(http_retry_after_ms("007", now), 7000);
    /* The bound, a day: N-1, N, N+1, and far past it. */
    assert_int_equal(http_retry_after_ms("86399", now), 86399000);
    assert_int_equal(http_retry_after_ms("86400", now),
                     HTTP_RETRY_AFTER_MAX_MS);
    assert_int_equal(http_retry_after_ms("86401", now),
                     HTTP_RETRY_AFTER_MAX_MS);
    assert_int_equal(http_retry_after_ms("99999999999999999999999", now),
                     HTTP_RETRY_AFTER_MAX_MS);
    /* Not a number of seconds, nor a date: -1 (ignored). */
    static const char *const bad[] = {
        "", "  ", "-1", "+1", "1.5", "1s", "soon", "1 2", "0x10",
        "Sun, 06 Nov 1994 08:49:37",            /* no GMT */
        "Sun, 32 Nov 1994 08:49:37 GMT",        /* no such day */
        "Sun, 06 Nov 1994 08:49:37 GMT later",  /* more after it */
        "06 Nov 1994 08:49:37 GMT",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (http_retry_after_ms(bad[i], now) != -1)
            fail_msg("'%s' was taken", bad[i]);
}

static void test_retry_after_dates(void **state)
{
    (void)state;
    /* Sun, 06 Nov 1994 08:49:37 GMT, in its three forms. */
    time_t at = 784111777;
    assert_int_equal(http_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT",
                                         at - 10), 10000);
    assert_int_equal(http_retry_after_ms("Sunday, 06-Nov-94 08:49:37 GMT",
                                         at - 10), 10000);
    assert_int_equal(http_retry_after_ms("Sun Nov  6 08:49:37 1994",
                                         at - 10), 10000);
    /* Now or past: no wait. */
    assert_int_equal(http_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT",
                                         at), 0);
    assert_int_equal(http_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT",
                                         at + 3600), 0);
    /* The bound: a day ahead is the most. */
    assert_int_equal(http_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT",
                                         at - 86399), 86399000);
    assert_int_equal(http_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT",
                                         at - 86401),
                     HTTP_RETRY_AFTER_MAX_MS);
}

static void test_masking(void **state)
{
    (void)state;
    static const char *const secret[] = {
        "Authorization", "authorization", "AUTHORIZATION",
        "Proxy-Authorization", "Cookie", "cookie", "Set-Cookie",
    };
    for (size_t i = 0; i < sizeof secret / sizeof *secret; i++)
        assert_true(http_header_secret(secret[i], strlen(secret[i])));
    static const char *const plain[] = {
        "Authorization2", "X-Authorization", "Cookies", "Authorizatio",
        "Content-Type", "", "Proxy",
    };
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
        assert_false(http_header_secret(plain[i], strlen(plain[i])));
    /* A length shorter than the text: only those bytes are the name. */
    assert_true(http_header_secret("Cookie: x", 6));
    val_t *h = json("{\"Authorization\": \"Bearer t\", \"X-A\": \"1\", "
                    "\"cookie\": \"id=2\", \"N\": 3}");
    val_t *m = http_masked_headers(h);
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_to_json(m, &b, 0), MIG_OK);
    assert_string_equal(b.data, "{\"Authorization\":\"***\",\"X-A\":\"1\","
                                "\"cookie\":\"***\",\"N\":3}");
    strbuf_free(&b);
    val_unref(m);
    val_unref(h);
    m = http_masked_headers(NULL);
    assert_int_equal(val_len(m), 0);
    val_unref(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_table),
        cmocka_unit_test(test_resource_and_validation),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_error_in_a_body),
        cmocka_unit_test(test_transport),
        cmocka_unit_test(test_retry_after_seconds),
        cmocka_unit_test(test_retry_after_dates),
        cmocka_unit_test(test_masking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
