/* test_http_pool.c: the easy handles http.request uses again
 * (stdlib/http/http_multi.c, http_easy_get and http_easy_put): a handle
 * given back comes out again, reset, and carries a new request; the pool
 * holds HTTP_IDLE_EASY handles, no more; without a loop or once the loop's
 * multi handle closed, a handle is made anew and given back by cleaning it
 * up (the sanitizer build checks that none is left). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <uv.h>

#include "http_int.h"

/* A URL on 127.0.0.1 that nothing listens on: a port the kernel gave
 * and took back. */
static void refused_url(char *buf, size_t n)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    snprintf(buf, n, "http://127.0.0.1:%u/", ntohs(a.sin_port));
}

static void on_done(void *data, CURLcode rc)
{
    *(CURLcode *)data = rc;
}

/* Sends EASY to a refused port on LOOP and waits for its end: its
 * libcurl result. */
static CURLcode send_refused(uv_loop_t *loop, CURL *easy)
{
    char url[64];
    refused_url(url, sizeof url);
    curl_easy_setopt(easy, CURLOPT_URL, url);
    CURLcode rc = CURL_LAST;
    assert_int_equal(http_multi_add(loop, easy, on_done, &rc), MIG_OK);
    while (rc == CURL_LAST)
        uv_run(loop, UV_RUN_ONCE);
    return rc;
}

/* Runs LOOP until the multi handle closed (HTTP_LINGER_MS idle). */
static void close_loop(uv_loop_t *loop)
{
    uv_run(loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(loop), 0);
}

static void test_reused(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    CURL *e = http_easy_get(&loop);
    assert_non_null(e);
    assert_int_equal(send_refused(&loop, e), CURLE_COULDNT_CONNECT);
    http_easy_put(&loop, e);
    CURL *again = http_easy_get(&loop);
    assert_ptr_equal(again, e);
    /* Reset: no option of the last request, not even its URL. */
    char *url = (char *)"set";
    curl_easy_getinfo(again, CURLINFO_PRIVATE, &url);
    assert_null(url);
    assert_int_equal(curl_easy_perform(again), CURLE_URL_MALFORMAT);
    /* And it carries a request of its own. */
    assert_int_equal(send_refused(&loop, again), CURLE_COULDNT_CONNECT);
    http_easy_put(&loop, again);
    close_loop(&loop);
}

static void test_bound(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    CURL *first = http_easy_get(&loop);
    assert_int_equal(send_refused(&loop, first), CURLE_COULDNT_CONNECT);
    CURL *h[HTTP_IDLE_EASY + 1];
    h[0] = first;
    for (size_t i = 1; i <= HTTP_IDLE_EASY; i++)
        assert_non_null(h[i] = curl_easy_init());
    /* HTTP_IDLE_EASY - 1 handles, then the HTTP_IDLE_EASY-th: all kept;
     * the one past the bound is cleaned up. */
    for (size_t i = 0; i <= HTTP_IDLE_EASY; i++)
        http_easy_put(&loop, h[i]);
    for (size_t i = HTTP_IDLE_EASY; i-- > 0;) {
        CURL *e = http_easy_get(&loop);
        assert_ptr_equal(e, h[i]);
        curl_easy_cleanup(e);
    }
    CURL *fresh = http_easy_get(&loop);    /* the pool is empty: a new one */
    assert_non_null(fresh);
    curl_easy_cleanup(fresh);
    close_loop(&loop);
}

static void test_without_a_pool(void **state)
{
    (void)state;
    CURL *e = http_easy_get(NULL);          /* no loop: a new handle */
    assert_non_null(e);
    http_easy_put(NULL, e);                 /* cleaned up */
    http_easy_put(NULL, NULL);
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    e = http_easy_get(&loop);               /* no multi handle yet */
    assert_non_null(e);
    assert_int_equal(send_refused(&loop, e), CURLE_COULDNT_CONNECT);
    http_easy_put(&loop, e);                /* kept, until the pool closes */
    close_loop(&loop);
    uv_loop_t other;
    assert_int_equal(uv_loop_init(&other), 0);
    CURL *n = http_easy_get(&other);        /* another loop's: a new one */
    assert_non_null(n);
    http_easy_put(&other, n);               /* no multi handle: cleaned up */
    assert_int_equal(uv_loop_close(&other), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reused),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_without_a_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
