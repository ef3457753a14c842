/* test_serve.c: the server's rules that are C logic (runtime/serve.h),
 * without a socket: routes matched by method and path with their {NAME}
 * segments, 404 and 405 (with Allow); the bearer token compared whole
 * (longer, shorter, another scheme); the token bucket of --rate-limit at
 * its bound (N pass, the N+1st waits, a token back after 1/N s); the
 * seeded draw of --fail-rate (reproducible, near its share, 0 and 1 at
 * the ends); HOST:PORT read, loopback told apart; the error table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "serve.h"

static mig_status_t nothing(serve_req_t *req, serve_resp_t *resp,
                            const void *data)
{
    (void)req, (void)resp, (void)data;
    return MIG_OK;
}

static const serve_route_t routes[] = {
    { .method = "GET", .path = "/v2/tools", .handler = nothing },
    { .method = "GET", .path = "/v2/tools/{name}", .handler = nothing },
    { .method = "PUT", .path = "/v2/tools/{name}", .changes = true,
      .handler = nothing },
    { .method = "DELETE", .path = "/v2/tools/{name}", .changes = true,
      .handler = nothing },
    { .method = "GET", .path = "/v2/runs/{run}/steps/{step}",
      .handler = nothing },
};

/* The status serve_find_route gives for METHOD PATH; ROUTE the row found
 * (or NULL), V0 and V1 its values, ALLOW what 405 lists. */
static int find(serve_t *s, const char *method, const char *path,
                const serve_route_t **route, char v0[64], char v1[64],
                char allow[64])
{
    char *copy = NULL;
    const char *values[SERVE_MAX_PARAMS] = { 0 };
    strbuf_t a;
    strbuf_init(&a);
    int st = serve_find_route(s, method, path, route, &copy, values, &a);
    snprintf(v0, 64, "%s", values[0] ? values[0] : "");
    snprintf(v1, 64, "%s", values[1] ? values[1] : "");
    snprintf(allow, 64, "%s", a.data ? a.data : "");
    strbuf_free(&a);
    free(copy);
    return st;
}

static void test_routes(void **state)
{
    (void)state;
    serve_config_t cfg = { 0 };
    serve_t *s = serve_new(&cfg);
    assert_non_null(s);
    size_t n = sizeof routes / sizeof *routes;
    assert_int_equal(serve_add_routes(s, routes, n), MIG_OK);
    const serve_route_t *r;
    char v0[64], v1[64], allow[64];
    assert_int_equal(find(s, "GET", "/v2/tools", &r, v0, v1, allow), 200);
    assert_ptr_equal(r, &routes[0]);
    assert_int_equal(find(s, "PUT", "/v2/tools/echo", &r, v0, v1, allow), 200);
    assert_ptr_equal(r, &routes[2]);
    assert_string_equal(v0, "echo");
    assert_true(r->changes);
    assert_int_equal(find(s, "GET", "/v2/runs/12/steps/put", &r, v0, v1,
                          allow), 200);
    assert_ptr_equal(r, &routes[4]);
    assert_string_equal(v0, "12");
    assert_string_equal(v1, "put");
    /* A path no row has. */
    assert_int_equal(find(s, "GET", "/v2/widgets", &r, v0, v1, allow), 404);
    assert_null(r);
    assert_int_equal(find(s, "GET", "/v2/tools/", &r, v0, v1, allow), 404);
    assert_int_equal(find(s, "GET", "/v2/tools/a/b", &r, v0, v1, allow), 404);
    assert_int_equal(find(s, "GET", "/v2", &r, v0, v1, allow), 404);
    assert_int_equal(find(s, "GET", "/v2/toolsx", &r, v0, v1, allow), 404);
    assert_int_equal(find(s, "GET", "", &r, v0, v1, allow), 404);
    /* A path some rows have, but not with this method. */
    assert_int_equal(find(s, "POST", "/v2/tools/echo", &r, v0, v1, allow),
                     405);
    assert_null(r);
    assert_string_equal(allow, "GET, PUT, DELETE");
    assert_int_equal(find(s, "PUT", "/v2/tools", &r, v0, v1, allow), 405);
    assert_string_equal(allow, "GET");
    serve_free(s);
}

static void test_token(void **state)
{
    (void)state;
    assert_true(serve_token_ok("s3cret", "Bearer s3cret"));
    assert_true(serve_token_ok("s3cret", "bearer s3cret"));
    assert_false(serve_token_ok("s3cret", "Bearer s3cre"));
    assert_false(serve_token_ok("s3cret", "Bearer s3crett"));
    assert_false(serve_token_ok("s3cret", "Bearer S3cret"));
    assert_false(serve_token_ok("s3cret", "Bearer "));
    assert_false(serve_token_ok("s3cret", "Basic s3cret"));
    assert_false(serve_token_ok("s3cret", "s3cret"));
    assert_false(serve_token_ok("s3cret", "Bearer  s3cret"));
    assert_false(serve_token_ok("s3cret", NULL));
}

static void test_rate(void **state)
{
    (void)state;
    serve_rate_t r;
    int64_t retry = -1;
    serve_rate_init(&r, 5, 1000);
    /* A burst of 5 passes at once; the 6th waits a whole second (the
     * first token comes back after 200 ms, said in whole seconds). */
    for (int i = 0; i < 5; i++)
        assert_true(serve_rate_take(&r, 1000, &retry));
    assert_false(serve_rate_take(&r, 1000, &retry));
    assert_int_equal(retry, 1);
    assert_false(serve_rate_take(&r, 1199, &retry));
    assert_true(serve_rate_take(&r, 1200, &retry));
    assert_false(serve_rate_take(&r, 1200, &retry));
    /* After a long pause the bucket holds 5 again, not more. */
    for (int i = 0; i < 5; i++)
        assert_true(serve_rate_take(&r, 60000, &retry));
    assert_false(serve_rate_take(&r, 60000, &retry));
    /* One a second: the next token is a second away. */
    serve_rate_init(&r, 1, 0);
    assert_true(serve_rate_take(&r, 0, &retry));
    assert_false(serve_rate_take(&r, 1, &retry));
    assert_int_equal(retry, 1);
    assert_true(serve_rate_take(&r, 1000, &retry));
    /* The clock going back takes nothing away. */
    serve_rate_init(&r, 2, 5000);
    assert_true(serve_rate_take(&r, 4000, &retry));
    assert_true(serve_rate_take(&r, 4000, &retry));
    assert_false(serve_rate_take(&r, 4000, &retry));
}

static void test_fail_draw(void **state)
{
    (void)state;
    int hits = 0, same = 0, differ = 0;
    for (uint64_t n = 0; n < 10000; n++) {
        bool a = serve_fail_drawn(7, n, 0.1);
        hits += a;
        same += a == serve_fail_drawn(7, n, 0.1);
        differ += a != serve_fail_drawn(8, n, 0.1);
        assert_false(serve_fail_drawn(7, n, 0));
        assert_true(serve_fail_drawn(7, n, 1));
    }
    assert_int_equal(same, 10000);
    assert_in_range(hits, 900, 1100);
    assert_true(differ > 0);
}

/* Parses TEXT: the status, and with MIG_OK whether it is loopback. */
static mig_status_t listen_at(const char *text, bool *loopback)
{
    serve_addr_t a;
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = serve_listen_parse(text, &a, &why);
    if (st == MIG_OK)
        *loopback = a.loopback;
    else
        assert_non_null(why.data);
    strbuf_free(&why);
    return st;
}

static void test_listen(void **state)
{
    (void)state;
    bool lo = false;
    assert_int_equal(listen_at("127.0.0.1:8470", &lo), MIG_OK);
    assert_true(lo);
    assert_int_equal(listen_at("127.1.2.3:0", &lo), MIG_OK);
    assert_true(lo);
    assert_int_equal(listen_at("localhost:65535", &lo), MIG_OK);
    assert_true(lo);
    assert_int_equal(listen_at("[::1]:80", &lo), MIG_OK);
    assert_true(lo);
    assert_int_equal(listen_at("0.0.0.0:80", &lo), MIG_OK);
    assert_false(lo);
    assert_int_equal(listen_at("128.0.0.1:80", &lo), MIG_OK);
    assert_false(lo);
    assert_int_equal(listen_at("[::]:80", &lo), MIG_OK);
    assert_false(lo);
    assert_int_equal(listen_at("127.0.0.1:65536", &lo), MIG_EINVALID);
    assert_int_equal(listen_at("127.0.0.1:-1", &lo), MIG_EINVALID);
    assert_int_equal(listen_at("127.0.0.1:", &lo), MIG_EINVALID);
    assert_int_equal(listen_at("127.0.0.1", &lo), MIG_EINVALID);
    assert_int_equal(listen_at(":80", &lo), MIG_EINVALID);
    assert_int_equal(listen_at("example.com:80", &lo), MIG_EINVALID);
    assert_int_equal(listen_at("::1:80", &lo), MIG_EINVALID);
}

static void test_errors(void **state)
{
    (void)state;
    static const struct { serve_error_t e; int status; const char *type; }
    want[] = {
        { SERVE_ERR_BAD_REQUEST, 400, "bad_request" },
        { SERVE_ERR_UNAUTHORIZED, 401, "unauthorized" },
        { SERVE_ERR_FORBIDDEN, 403, "forbidden" },
        { SERVE_ERR_NOT_FOUND, 404, "not_found" },
        { SERVE_ERR_METHOD_NOT_ALLOWED, 405, "method_not_allowed" },
        { SERVE_ERR_CONFLICT, 409, "conflict" },
        { SERVE_ERR_PRECONDITION_FAILED, 412, "precondition_failed" },
        { SERVE_ERR_TOO_LARGE, 413, "payload_too_large" },
        { SERVE_ERR_VALIDATION_FAILED, 422, "validation_failed" },
        { SERVE_ERR_RATE_LIMITED, 429, "rate_limited" },
        { SERVE_ERR_INTERNAL, 500, "internal" },
        { SERVE_ERR_UNAVAILABLE, 503, "unavailable" },
    };
    assert_int_equal(sizeof want / sizeof *want, SERVE_ERR_COUNT);
    for (size_t i = 0; i < SERVE_ERR_COUNT; i++) {
        assert_int_equal(serve_error_status(want[i].e), want[i].status);
        assert_string_equal(serve_error_type(want[i].e), want[i].type);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_rate),
        cmocka_unit_test(test_fail_draw),
        cmocka_unit_test(test_listen),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
