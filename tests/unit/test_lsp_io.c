/* test_lsp_io.c: the language server's message framing (lsp/lsp_io.c):
 * the limits at their bounds, malformed headers, and a message that
 * arrives a byte at a time through a pipe. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lsp.h"

/* Reads one message from the bytes TEXT (LEN of them). */
static lsp_read_t read_from(const char *text, size_t len, char **body,
                            size_t *blen, const char **why)
{
    FILE *f = fmemopen((void *)text, len, "r");
    assert_non_null(f);
    lsp_read_t r = lsp_read_message(f, body, blen, why);
    fclose(f);
    return r;
}

static void test_plain_and_lf(void **state)
{
    (void)state;
    char *body;
    size_t len;
    const char *why;
    const char crlf[] = "Content-Length: 2\r\nContent-Type: x\r\n\r\n{}";
    assert_int_equal(read_from(crlf, sizeof crlf - 1, &body, &len, &why),
                     LSP_READ_OK);
    assert_int_equal(len, 2);
    assert_string_equal(body, "{}");
    free(body);
    const char lf[] = "content-length:3\n\n[1]";
    assert_int_equal(read_from(lf, sizeof lf - 1, &body, &len, &why),
                     LSP_READ_OK);
    assert_string_equal(body, "[1]");
    free(body);
}

/* A header line of exactly LSP_MAX_HEADER_LINE bytes is read; one more
 * makes the block malformed. */
static void test_header_line_bound(void **state)
{
    (void)state;
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = LSP_MAX_HEADER_LINE + (size_t)extra;
        char *text = malloc(n + 64);
        memcpy(text, "X-Pad: ", 7);
        memset(text + 7, 'a', n - 7);
        int k = sprintf(text + n, "\r\nContent-Length: 2\r\n\r\n{}");
        char *body;
        size_t len;
        const char *why;
        lsp_read_t r = read_from(text, n + (size_t)k, &body, &len, &why);
        if (extra == 0) {
            assert_int_equal(r, LSP_READ_OK);
            free(body);
        } else {
            assert_int_equal(r, LSP_READ_BAD);
            assert_string_equal(why, "a header line is too long");
        }
        free(text);
    }
}

/* LSP_MAX_HEADERS header lines are read; one more is malformed. */
static void test_header_count_bound(void **state)
{
    (void)state;
    for (int extra = 0; extra <= 1; extra++) {
        strbuf_t b;
        strbuf_init(&b);
        for (int i = 1; i < LSP_MAX_HEADERS + extra; i++)
            strbuf_printf(&b, "X-%d: y\r\n", i);
        strbuf_puts(&b, "Content-Length: 2\r\n\r\n{}");
        char *body;
        size_t len;
        const char *why;
        lsp_read_t r = read_from(b.data, b.len, &body, &len, &why);
        if (extra == 0) {
            assert_int_equal(r, LSP_READ_OK);
            free(body);
        } else {
            assert_int_equal(r, LSP_READ_BAD);
            assert_string_equal(why, "too many header lines");
        }
        strbuf_free(&b);
    }
}

/* A length of LSP_MAX_MESSAGE is accepted (the stream then ends before
 * the body: EOF); one more is refused with the body unread; a number
 * past any size saturates. */
static void test_length_bound(void **state)
{
    (void)state;
    char text[128];
    char *body;
    size_t len;
    const char *why;
    int n = sprintf(text, "Content-Length: %u\r\n\r\n{}", LSP_MAX_MESSAGE);
    assert_int_equal(read_from(text, (size_t)n, &body, &len, &why),
                     LSP_READ_EOF);
    n = sprintf(text, "Content-Length: %u\r\n\r\n{}", LSP_MAX_MESSAGE + 1);
    assert_int_equal(read_from(text, (size_t)n, &body, &len, &why),
                     LSP_READ_TOO_LONG);
    assert_int_equal(len, LSP_MAX_MESSAGE + 1);
    n = sprintf(text, "Content-Length: 99999999999999999999999999\r\n\r\n");
    assert_int_equal(read_from(text, (size_t)n, &body, &len, &why),
                     LSP_READ_TOO_LONG);
    assert_true(len > LSP_MAX_MESSAGE);
}

static void test_malformed(void **state)
{
    (void)state;
    static const struct { const char *text, *why; } cases[] = {
        { "Content-Length: 2x\r\n\r\n{}", "Content-Length is not a number" },
        { "Content-Length: -2\r\n\r\n{}", "Content-Length is not a number" },
        { "Content-Length:\r\n\r\n{}", "Content-Length is not a number" },
        { "Content-Type: a\r\n\r\n{}", "the header has no Content-Length" },
        { "garbage\r\n\r\n", "a header line has no ':'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *body;
        size_t len;
        const char *why;
        assert_int_equal(read_from(cases[i].text, strlen(cases[i].text),
                                   &body, &len, &why), LSP_READ_BAD);
        assert_string_equal(why, cases[i].why);
    }
    /* a stream that ends inside the body, or inside the header */
    char *body;
    size_t len;
    const char *why;
    const char short_body[] = "Content-Length: 10\r\n\r\n{}";
    assert_int_equal(read_from(short_body, sizeof short_body - 1, &body, &len,
                               &why), LSP_READ_EOF);
    const char no_body[] = "Content-Length: 10\r\n";
    assert_int_equal(read_from(no_body, sizeof no_body - 1, &body, &len, &why),
                     LSP_READ_EOF);
}

/* A message written a byte at a time into a pipe is read whole. */
static void test_partial_reads(void **state)
{
    (void)state;
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    static const char msg[] = "Content-Length: 17\r\n\r\n{\"jsonrpc\":\"2.0\"}";
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        for (size_t i = 0; i < sizeof msg - 1; i++) {
            if (write(fd[1], msg + i, 1) != 1)
                _exit(1);
            usleep(200);
        }
        _exit(0);
    }
    close(fd[1]);
    FILE *in = fdopen(fd[0], "r");
    char *body;
    size_t len;
    const char *why;
    assert_int_equal(lsp_read_message(in, &body, &len, &why), LSP_READ_OK);
    assert_string_equal(body, "{\"jsonrpc\":\"2.0\"}");
    free(body);
    assert_int_equal(lsp_read_message(in, &body, &len, &why), LSP_READ_EOF);
    fclose(in);
    int status;
    waitpid(pid, &status, 0);
    assert_int_equal(status, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_lf),
        cmocka_unit_test(test_header_line_bound),
        cmocka_unit_test(test_header_count_bound),
        cmocka_unit_test(test_length_bound),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_partial_reads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
