/* test_http_undo.c: the pieces of http.request's undo that need no
 * endpoint (stdlib/http/http_undo.c, http_flow.c, http_check.c;
 * docs/http.md, "Undo" and "Crashes"): the undo URL's placeholders, the
 * state text of an answer at the edges of its statuses, which URL a call
 * reads before its change, and every check: refused, at the bounds of a
 * status. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http_int.h"
#include "json_fixture.h"

/* http_undo_url of TMPL against the request http://h/api/items, the
 * answer's LOCATION and JSON (text); WANT NULL: it cannot be filled. */
static void url_is(const char *tmpl, const char *location,
                   const char *answer, const char *want)
{
    val_t *j = answer ? json_parse(answer) : NULL;
    char *got = http_undo_url(tmpl, "http://h/api/items", location, j);
    if (want && (!got || strcmp(got, want) != 0))
        fail_msg("%s: %s, expected %s", tmpl, got ? got : "NULL", want);
    if (!want && got)
        fail_msg("%s: %s, expected none", tmpl, got);
    free(got);
    val_unref(j);
}

static void test_undo_url(void **state)
{
    (void)state;
    url_is("http://h/api/items/7", NULL, NULL, "http://h/api/items/7");
    url_is("{location}", "/api/items/9", NULL, "http://h/api/items/9");
    url_is("{location}", "9", NULL, "http://h/api/9");
    url_is("{location}", "https://o/x", NULL, "https://o/x");
    url_is("{location}", NULL, NULL, NULL);
    url_is("http://h/api/items/{json.id}", NULL, "{\"id\": \"a b/c\"}",
           "http://h/api/items/a%20b%2Fc");
    url_is("http://h/{json.item.id}", NULL, "{\"item\": {\"id\": 42}}",
           "http://h/42");
    url_is("http://h/{json.id}", NULL, "{\"id\": 4.5}", NULL);
    url_is("http://h/{json.id}", NULL, "{\"id\": null}", NULL);
    url_is("http://h/{json.id}", NULL, "{\"ID\": 1}", NULL);
    url_is("http://h/{json.id}", NULL, "[1]", NULL);
    url_is("http://h/{json.id}", NULL, NULL, NULL);
    url_is("http://h/{etag}", NULL, "{}", NULL);
    url_is("http://h/{json.}", NULL, "{}", NULL);
    url_is("http://h/{open", NULL, NULL, "http://h/{open");
}

static void test_record_state(void **state)
{
    (void)state;
    char buf[BLOB_HEX + 7], hex[BLOB_HEX];
    blobs_hash("{}", 2, hex);
    for (long s = 200; s <= 299; s += 99) {
        const char *got = http_record_state(s, "{}", 2, buf);
        assert_non_null(got);
        assert_memory_equal(got, "record:", 7);
        assert_string_equal(got + 7, hex);
    }
    assert_string_equal(http_record_state(404, "x", 1, buf), "absent");
    assert_string_equal(http_record_state(410, NULL, 0, buf), "absent");
    assert_null(http_record_state(199, "x", 1, buf));
    assert_null(http_record_state(300, "x", 1, buf));
    assert_null(http_record_state(405, "x", 1, buf));
    assert_null(http_record_state(409, "x", 1, buf));
    assert_null(http_record_state(500, "x", 1, buf));
}

static void test_before_url(void **state)
{
    (void)state;
    val_t *a = json_parse("{\"method\": \"PUT\", \"url\": \"http://h/a\"}");
    assert_string_equal(http_before_url(a), "http://h/a");
    val_unref(a);
    a = json_parse("{\"method\": \"POST\", \"url\": \"http://h/a\"}");
    assert_null(http_before_url(a));
    val_unref(a);
    a = json_parse("{\"method\": \"POST\", \"url\": \"http://h/a\", "
             "\"before\": \"http://h/b\"}");
    assert_string_equal(http_before_url(a), "http://h/b");
    val_unref(a);
}

/* The timeout of arguments as a run has them (a duration) and as the
 * journal keeps them (text), at the edges of what is one. */
static void test_timeout_of(void **state)
{
    (void)state;
    static const struct { const char *text; int64_t ms; } cases[] = {
        { "5s", 5000 }, { "1m30s", 90000 }, { "250ms", 250 },
        { "2h", 7200000 }, { "1h1m1s1ms", 3661001 }, { "1ms", 1 },
        { "0s", -1 }, { "", -1 }, { "5", -1 }, { "5x", -1 }, { "s", -1 },
        { "5s ", -1 }, { "99999999999999999999h", -1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        val_t *a = val_map_new(1);
        assert_int_equal(val_map_set_take(a, "timeout", 7,
                                          val_cstring(cases[i].text)), MIG_OK);
        int64_t got = http_timeout_of(a, -1);
        if (got != cases[i].ms)
            fail_msg("'%s': %lld, expected %lld", cases[i].text,
                     (long long)got, (long long)cases[i].ms);
        val_unref(a);
    }
    val_t *a = val_map_new(1);
    assert_int_equal(val_map_set_take(a, "timeout", 7, val_duration(1500)),
                     MIG_OK);
    assert_int_equal(http_timeout_of(a, -1), 1500);
    val_unref(a);
    a = val_map_new(0);
    assert_int_equal(http_timeout_of(a, 7), 7);
    val_unref(a);
}

/* http_check_valid of the arguments ARGS (JSON text): WANT NULL when
 * they pass, else the message's ending. */
static void check_is(const char *args, const char *want)
{
    action_ctx_t *c = actx_new(ACTX_RUN, NULL);
    assert_non_null(c);
    actx_begin(c, "http.request");
    val_t *a = json_parse(args);
    mig_status_t st = http_check_valid(c, a);
    if (!want) {
        if (st != MIG_OK)
            fail_msg("%s: refused: %s", args, actx_error_message(c));
    } else {
        assert_int_equal(st, MIG_EINVALID);
        assert_string_equal(actx_error_class(c), "InvalidConfig");
        const char *m = actx_error_message(c);
        if (!strstr(m, want))
            fail_msg("%s: '%s' lacks '%s'", args, m, want);
    }
    val_unref(a);
    actx_free(c);
}

static void test_check_valid(void **state)
{
    (void)state;
    check_is("{}", NULL);
    check_is("{\"check\": {\"url\": \"http://h/a\"}}", NULL);
    check_is("{\"check\": {\"url\": \"http://h/a\", \"method\": \"HEAD\", "
             "\"done\": [100, 599], \"not_done\": [404], \"holds\": {\"v\": 2}, "
             "\"headers\": {\"X-A\": \"1\"}}}", NULL);
    check_is("{\"check\": {\"url\": \"http://h/a\", \"done\": [99]}}",
             "done and not_done must be lists of statuses (100 to 599)");
    check_is("{\"check\": {\"url\": \"http://h/a\", \"not_done\": [600]}}",
             "done and not_done must be lists of statuses (100 to 599)");
    check_is("{\"check\": {\"url\": \"http://h/a\", \"done\": 200}}",
             "done and not_done must be lists");
    check_is("{\"check\": {\"url\": \"http://h/a\", \"done\": [200.5]}}",
             "done and not_done must be lists");
    check_is("{\"check\": {\"method\": \"GET\"}}", "check: url is required");
    check_is("{\"check\": {\"url\": \"http://h/a\", \"method\": \"PUT\"}}",
             "method must be \"GET\" or \"HEAD\"");
    check_is("{\"check\": {\"url\": \"http://h/a\", \"method\": 1}}",
             "method must be \"GET\" or \"HEAD\"");
    check_is("{\"check\": {\"url\": \"http://h/a\", \"holds\": [1]}}",
             "headers and holds must be maps");
    check_is("{\"check\": {\"url\": \"http://h/a\", \"headers\": \"x\"}}",
             "headers and holds must be maps");
    check_is("{\"check\": {\"url\": \"http://h/a\", \"status\": 200}}",
             "'status' is not a key of a check");
    check_is("{\"check\": {\"url\": \"http://h/a\", \"headers\": "
             "{\"proxy-authorization\": \"Basic x\"}}}",
             "the header 'proxy-authorization' is journaled");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_undo_url),
        cmocka_unit_test(test_record_state),
        cmocka_unit_test(test_before_url),
        cmocka_unit_test(test_check_valid),
        cmocka_unit_test(test_timeout_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
