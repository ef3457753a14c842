/* test_value_json_plain.c: val_from_json's quick way for plain JSON
 * (interpreter/value_json_plain.c) against its full reader
 * (val_json_read_full): every text the quick way reads gives the value the
 * full reader gives (the same text written back: the same integers, key
 * order and bytes); plain texts at the bounds (15 digits, 64 levels) are
 * read the quick way, and every text just outside (a 16th digit, a 65th
 * level, an escape, a fraction, an exponent, -0, a key twice, a mark, a
 * stray byte, a cut) is left to the full reader, so val_from_json gives
 * exactly what it gave; then 20,000 seeded random texts and mutations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "interpreter_int.h"

typedef mig_status_t (*reader_fn)(src_t *, diag_list_t *, val_t **);

/* READ's outcome for the N bytes TEXT: its status, and the value written
 * as JSON or the first message in *OUT (malloc'd). */
static mig_status_t outcome(reader_fn read, const char *text, size_t n,
                            char **out)
{
    src_t *src = src_from_memory("t.json", text, n);
    assert_non_null(src);
    diag_list_t d;
    diag_list_init(&d);
    val_t *v = NULL;
    mig_status_t st = read(src, &d, &v);
    strbuf_t b;
    strbuf_init(&b);
    if (st == MIG_OK)
        assert_int_equal(val_to_json(v, &b, 0), MIG_OK);
    else
        strbuf_puts(&b, d.len ? d.items[0].message : "?");
    *out = strdup(b.data ? b.data : "");
    strbuf_free(&b);
    val_unref(v);
    diag_list_free(&d);
    src_free(src);
    return st;
}

/* Whether the quick way reads TEXT; when it does, the full reader gives
 * the same value; val_from_json gives what the full reader gives. */
static bool quick_agrees(const char *text, size_t n)
{
    char *want, *got;
    mig_status_t want_st = outcome(val_json_read_full, text, n, &want);
    val_t *v = NULL;
    bool quick = val_json_plain(text, n, &v);
    if (quick) {
        strbuf_t b;
        strbuf_init(&b);
        assert_int_equal(val_to_json(v, &b, 0), MIG_OK);
        if (want_st != MIG_OK || strcmp(want, b.data ? b.data : "") != 0)
            fail_msg("'%.*s': quick %s, full %s", (int)n, text,
                     b.data ? b.data : "", want);
        strbuf_free(&b);
        val_unref(v);
    }
    mig_status_t st = outcome(val_from_json, text, n, &got);
    if (st != want_st || strcmp(got, want) != 0)
        fail_msg("'%.*s': val_from_json %s, full %s", (int)n, text, got, want);
    free(want);
    free(got);
    return quick;
}
#define QUICK(t) assert_true(quick_agrees(t, sizeof(t) - 1))
#define FULL(t) assert_false(quick_agrees(t, sizeof(t) - 1))

/* TEXT nested in N lists. */
static char *nested(unsigned n, const char *inner)
{
    size_t len = strlen(inner);
    char *s = malloc(2 * n + len + 1);
    assert_non_null(s);
    memset(s, '[', n);
    memcpy(s + n, inner, len);
    memset(s + n + len, ']', n);
    s[2 * n + len] = '\0';
    return s;
}

static void test_plain_read_quickly(void **state)
{
    (void)state;
    QUICK("{\"kind\": \"tool\", \"name\": \"t1\", \"n\": 3, \"on\": true,\n"
          " \"off\": false, \"none\": null, \"list\": [1, -2, [], {}],\n"
          " \"inputSchema\": {\"type\": \"object\"}}");
    QUICK("{\"b\": 1, \"a\": 2}");              /* order kept */
    QUICK("\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
    QUICK(" \t\r\n7 \n");
    QUICK("0");
    QUICK("-1");
    QUICK("[]");
    QUICK("{}");
    QUICK("[ ]");
    QUICK("\"\"");
    QUICK("999999999999999");                   /* 15 digits */
    QUICK("-999999999999999");
    QUICK("{\"a\": {\"a\": 1}}");               /* one key in two maps */
    char *s = nested(64, "1");                  /* 64 levels */
    assert_true(quick_agrees(s, strlen(s)));
    free(s);
    s = nested(63, "{\"k\": 1}");
    assert_true(quick_agrees(s, strlen(s)));
    free(s);
}

static void test_the_rest_read_fully(void **state)
{
    (void)state;
    FULL("1000000000000000");                   /* 16 digits */
    FULL("12345678901234567890");               /* a warning: inexact */
    FULL("1.5");
    FULL("1e3");
    FULL("1E3");
    FULL("-0");
    FULL("01");
    FULL("-");
    FULL("\"a\\nb\"");
    FULL("{\"\\u0061\": 1, \"a\": 2}");         /* the same key, escaped */
    FULL("{\"a\": 1, \"a\": 2}");
    FULL("\xEF\xBB\xBF{}");                     /* a byte-order mark */
    FULL("[1,]");
    FULL("{\"a\": 1,}");
    FULL("[1 2]");
    FULL("{\"a\" 1}");
    FULL("{1: 2}");
    FULL("{\"a\": }");
    FULL("tru");
    FULL("truex");
    FULL("nul");
    FULL("[true1]");
    FULL("\"a\x01\"");
    FULL("\"\xFF\"");
    FULL("\"\xC3\"");
    FULL("\"abc");
    FULL("[1]x");
    FULL("[1] [2]");
    FULL("");
    FULL("  ");
    FULL("[");
    FULL("{\"a\":");
    FULL("[1\x00]");
    FULL("'a'");
    char *s = nested(65, "1");                  /* 65 levels */
    assert_false(quick_agrees(s, strlen(s)));
    free(s);
}

/* A seeded generator of texts from plain and not-so-plain pieces. */
static uint32_t seed = 12345;
static uint32_t rnd(uint32_t n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

static void gen(strbuf_t *b, int depth)
{
    static const char *const atoms[] = {
        "0", "7", "-3", "123456789012345", "1234567890123456", "1.5", "2e2",
        "-0", "true", "false", "null", "\"a\"", "\"\xC3\xA9\"", "\"a\\tb\"",
        "\"\"", "01", "tru", "\"\x01\"",
    };
    static const char *const keys[] = { "\"a\"", "\"b\"", "\"\\u0061\"", "\"c d\"", "1" };
    uint32_t k = rnd(depth > 4 ? 1 : 4);
    if (k == 1 || k == 2) {
        strbuf_putc(b, '[');
        for (uint32_t i = 0, n = rnd(4); i < n; i++) {
            if (i)
                strbuf_puts(b, rnd(20) ? "," : ",,");
            gen(b, depth + 1);
        }
        strbuf_putc(b, ']');
    } else if (k == 3) {
        strbuf_putc(b, '{');
        for (uint32_t i = 0, n = rnd(4); i < n; i++) {
            if (i)
                strbuf_putc(b, ',');
            strbuf_puts(b, keys[rnd(sizeof keys / sizeof *keys)]);
            strbuf_puts(b, rnd(20) ? ": " : " ");
            gen(b, depth + 1);
        }
        strbuf_putc(b, '}');
    } else {
        strbuf_puts(b, atoms[rnd(sizeof atoms / sizeof *atoms)]);
    }
}

static void test_random_texts(void **state)
{
    (void)state;
    unsigned quick = 0;
    for (int i = 0; i < 20000; i++) {
        strbuf_t b;
        strbuf_init(&b);
        gen(&b, 0);
        if (i % 2 && b.len) {                   /* a byte changed or cut */
            size_t at = rnd((uint32_t)b.len);
            if (rnd(2))
                b.data[at] = " \"{}[],:-1x\\"[rnd(12)];
            else
                b.len = at;
        }
        quick += quick_agrees(b.data ? b.data : "", b.len);
        strbuf_free(&b);
    }
    /* Both ways are taken: the generator is not all plain, nor none. */
    assert_true(quick > 2000 && quick < 18000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_read_quickly),
        cmocka_unit_test(test_the_rest_read_fully),
        cmocka_unit_test(test_random_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
