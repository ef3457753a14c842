/* test_serve_reply.c: the answers of serve_route.c that are not JSON
 * (runtime/serve.h): a text answer keeps its bytes, status and content
 * type, and a second answer replaces the first; a streamed answer that
 * was never handed to a connection (a handler that failed after making
 * it, an answer replaced) has its data freed exactly once, by
 * serve_resp_free; a JSON answer after a text one is JSON again. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "serve_int.h"

static int freed;

static void count_free(void *data)
{
    freed++;
    free(data);
}

static bool never(void *data, strbuf_t *out)
{
    (void)data, (void)out;
    return false;
}

static void test_text(void **state)
{
    (void)state;
    serve_resp_t r;
    serve_resp_init(&r);
    assert_int_equal(serve_reply_text(&r, 200, "text/plain; version=0.0.4",
                                      "a 1\nb", 5), MIG_OK);
    assert_true(r.set);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, 5);
    assert_memory_equal(r.body.data, "a 1\nb", 5);
    assert_string_equal(r.content_type, "text/plain; version=0.0.4");
    assert_int_equal(serve_reply_text(&r, 201, "text/x", "z", 1), MIG_OK);
    assert_int_equal(r.body.len, 1);
    assert_string_equal(r.content_type, "text/x");
    serve_resp_free(&r);
}

static void test_stream_not_handed(void **state)
{
    (void)state;
    freed = 0;
    serve_resp_t r;
    serve_resp_init(&r);
    assert_int_equal(serve_reply_stream(&r, 200, "text/event-stream", never,
                                        malloc(8), count_free), MIG_OK);
    assert_true(r.set);
    assert_non_null(r.stream);
    assert_string_equal(r.content_type, "text/event-stream");
    assert_int_equal(freed, 0);
    serve_resp_free(&r);
    assert_int_equal(freed, 1);
}

static void test_stream_handed(void **state)
{
    (void)state;
    freed = 0;
    serve_resp_t r;
    serve_resp_init(&r);
    void *data = malloc(8);
    assert_int_equal(serve_reply_stream(&r, 200, "text/event-stream", never,
                                        data, count_free), MIG_OK);
    /* What serve.c does when the connection takes the stream over. */
    r.stream_free = NULL;
    serve_resp_free(&r);
    assert_int_equal(freed, 0);
    count_free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_stream_not_handed),
        cmocka_unit_test(test_stream_handed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
