/* test_http_answer.c: how what an endpoint or a command sent becomes a
 * string value (stdlib_put_lossy, stdlib/stdlib.c): valid UTF-8 kept byte
 * for byte, in one run or around bad bytes; each byte that is not UTF-8
 * (a stray continuation, a lead without its continuations, an overlong or
 * surrogate form, a sequence cut by the end) one U+FFFD, at the start, in
 * the middle and at the end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http_int.h"

#define FFFD "\xEF\xBF\xBD"

/* stdlib_put_lossy of the N bytes IN, appended after "<", gives WANT
 * after it, and the whole buffer is UTF-8. */
static void lossy_is(const char *in, size_t n, const char *want,
                     size_t want_len)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "<");
    stdlib_put_lossy(&b, in, n);
    assert_false(b.oom);
    assert_int_equal(b.len, 1 + want_len);
    assert_memory_equal(b.data + 1, want, want_len);
    assert_true(val_utf8_valid(b.data, b.len));
    strbuf_free(&b);
}
#define LOSSY(in, want) lossy_is(in, sizeof(in) - 1, want, sizeof(want) - 1)

static void test_valid_kept(void **state)
{
    (void)state;
    lossy_is("", 0, "", 0);
    LOSSY("{\"a\": 1}", "{\"a\": 1}");
    LOSSY("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    LOSSY("a\0b", "a\0b");      /* NUL is UTF-8 */
}

static void test_bad_bytes(void **state)
{
    (void)state;
    LOSSY("\x80", FFFD);
    LOSSY("\x80" "abc", FFFD "abc");
    LOSSY("ab\xFF" "cd", "ab" FFFD "cd");
    LOSSY("abc\xC3", "abc" FFFD);                   /* cut by the end */
    LOSSY("\xE2\x82", FFFD FFFD);                   /* lead, continuation */
    LOSSY("\xC0\xAF", FFFD FFFD);                   /* overlong */
    LOSSY("\xED\xA0\x80", FFFD FFFD FFFD);          /* a surrogate */
    LOSSY("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* past U+10FFFF */
    LOSSY("x\xC3\xA9\xFEy\xFE\xFEz",
          "x\xC3\xA9" FFFD "y" FFFD FFFD "z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_kept),
        cmocka_unit_test(test_bad_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
