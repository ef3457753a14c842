/* test_value_json.c: JSON to values and back (interpreter/value_json.c,
 * value_json_emit.c). Every error is checked by its exact text and its
 * exact span: file:line:col-line:col, columns in characters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpreter_int.h"

/* A string literal and its length (it may hold NUL bytes). */
#define S(lit) lit, sizeof(lit) - 1

static char rendered[8192];

/* Renders DIAGS one a line: "NAME:L:C-L:C: severity: message", then
 * "hint: ..." when there is one. */
static const char *render(const diag_list_t *d)
{
    static const char *const sev[] = { "error", "warning", "note" };
    size_t n = 0;
    rendered[0] = '\0';
    for (size_t i = 0; i < d->len && n < sizeof(rendered) - 512; i++) {
        const diag_t *x = &d->items[i];
        n += (size_t)snprintf(rendered + n, sizeof(rendered) - n,
                              "%s:%u:%u-%u:%u: %s: %s\n",
                              x->src ? x->src->name : "-", x->span.line,
                              x->span.col, x->span.end_line, x->span.end_col,
                              sev[x->severity], x->message);
        if (x->hint)
            n += (size_t)snprintf(rendered + n, sizeof(rendered) - n,
                                  "hint: %s\n", x->hint);
    }
    return rendered;
}

/* Reads TEXT as t.json; returns the status, sets *OUT (or NULL) and leaves
 * the rendered diagnostics in `rendered`. */
static mig_status_t read_json(const char *text, size_t len, val_t **out)
{
    src_t *src = src_from_memory("t.json", text, len);
    assert_non_null(src);
    diag_list_t d;
    diag_list_init(&d);
    *out = NULL;
    mig_status_t st = val_from_json(src, &d, out);
    render(&d);
    diag_list_free(&d);
    src_free(src);
    return st;
}

/* TEXT must fail; returns the rendered diagnostics. */
static const char *json_error(const char *text, size_t len)
{
    val_t *v;
    assert_int_equal(read_json(text, len, &v), MIG_EINVALID);
    assert_null(v);
    return rendered;
}

static const char *fmt(const val_t *v)
{
    static char out[8192];
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_format(v, &b), MIG_OK);
    snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
    strbuf_free(&b);
    return out;
}

/* TEXT must read cleanly to a value whose canonical text is WANT. */
static void expect_read(const char *text, size_t len, const char *want)
{
    val_t *v;
    assert_int_equal(read_json(text, len, &v), MIG_OK);
    assert_string_equal(rendered, "");
    assert_string_equal(fmt(v), want);
    val_unref(v);
}

static const char *to_json(const val_t *v, unsigned flags)
{
    static char out[8192];
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_to_json(v, &b, flags), MIG_OK);
    snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
    strbuf_free(&b);
    return out;
}

/* ---- reading ----------------------------------------------------------- */

static void scalars_and_numbers(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        { "null", "null" }, { "true", "true" }, { "false", "false" },
        { "0", "0" }, { "-0", "0" }, { "-0.0", "-0.0" }, { "1.0", "1.0" },
        { "1.5", "1.5" }, { "1e2", "100.0" }, { "1E+2", "100.0" },
        { "-12", "-12" }, { "0.1", "0.1" }, { "1e-400", "0.0" },
        { "\"s\"", "\"s\"" }, { "[]", "[]" }, { "{}", "{}" },
        { " \t\r\n[ 1 ,\n 2 ] \n", "[1, 2]" },
        { "{\"b\": 1, \"a\": {\"c\": [true, null]}}",
          "{\"b\": 1, \"a\": {\"c\": [true, null]}}" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_read(cases[i].in, strlen(cases[i].in), cases[i].out);
    /* Integer-ness follows the text: -0 is the integer 0, 1.0 a double. */
    val_t *v;
    assert_int_equal(read_json(S("[-0, 1.0, 7]"), &v), MIG_OK);
    assert_true(val_is_int(val_list_get(v, 0)));
    assert_false(val_is_int(val_list_get(v, 1)));
    assert_true(val_is_int(val_list_get(v, 2)));
    val_unref(v);
}

static void big_integers(void **state)
{
    (void)state;
    val_t *v;
    assert_int_equal(read_json(S("[9007199254740992, -9007199254740992]"), &v), MIG_OK);
    assert_string_equal(rendered, "");
    assert_true(val_is_int(val_list_get(v, 0)) && val_is_int(val_list_get(v, 1)));
    val_unref(v);

    /* 2^53 + 1 cannot be held: a double, with a warning at the number. */
    assert_int_equal(read_json(S("[1,\n 9007199254740993]"), &v), MIG_OK);
    assert_string_equal(rendered,
        "t.json:2:2-2:18: warning: integer 9007199254740993 cannot be held "
        "exactly: it is read as 9007199254740992.0\n"
        "hint: integers are exact up to 2^53 (9007199254740992); keep longer "
        "ones in strings\n");
    assert_string_equal(fmt(v), "[1, 9007199254740992.0]");
    val_unref(v);

    /* Beyond 64 bits still reads (jansson alone would refuse it). */
    assert_int_equal(read_json(S("-123456789012345678901234567890"), &v), MIG_OK);
    assert_string_equal(rendered,
        "t.json:1:1-1:32: warning: integer -123456789012345678901234567890 "
        "cannot be held exactly: it is read as -1.2345678901234568e+29\n"
        "hint: integers are exact up to 2^53 (9007199254740992); keep longer "
        "ones in strings\n");
    val_unref(v);

    /* Exact beyond 2^53 (a power of two): a double, no warning. */
    expect_read(S("18446744073709551616"), "1.8446744073709552e+19");
    expect_read(S("[1e300, -1e300, 1.7976931348623157e308]"),
                 "[1e+300, -1e+300, 1.7976931348623157e+308]");
}

static void unicode_escapes(void **state)
{
    (void)state;
    val_t *v;
    assert_int_equal(read_json(S("[\"\\u00e9\", \"\\ud83d\\ude00\", \"caf\xC3\xA9\", "
                                 "\"a\\u0000b\", \"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"), &v),
                     MIG_OK);
    size_t len;
    const char *s = val_get_str(val_list_get(v, 0), &len);
    assert_int_equal(len, 2);
    assert_memory_equal(s, "\xC3\xA9", 2);
    s = val_get_str(val_list_get(v, 1), &len);
    assert_int_equal(len, 4);
    assert_memory_equal(s, "\xF0\x9F\x98\x80", 4);
    s = val_get_str(val_list_get(v, 2), &len);
    assert_memory_equal(s, "caf\xC3\xA9", 5);
    s = val_get_str(val_list_get(v, 3), &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "a\0b", 3);
    s = val_get_str(val_list_get(v, 4), &len);
    assert_int_equal(len, 8);
    assert_memory_equal(s, "\"\\/\b\f\n\r\t", 8);
    val_unref(v);

    static const char surrogate_hint[] =
        "hint: an escape \\uD800-\\uDBFF must be followed by one "
        "\\uDC00-\\uDFFF, together one character\n";
    static const char escape_hint[] =
        "hint: the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX\n";
    static const struct { const char *in, *msg, *hint; } errors[] = {
        { "[\"ok\", \"x\\ud800\"]",
          "t.json:1:10-1:16: error: lone surrogate '\\ud800' in a string\n",
          surrogate_hint },
        { "\"\\uDC00\"",
          "t.json:1:2-1:8: error: lone surrogate '\\uDC00' in a string\n",
          surrogate_hint },
        { "\"\\ud800\\u0041\"",
          "t.json:1:2-1:14: error: invalid surrogate '\\ud800\\u0041' in a "
          "string\n", surrogate_hint },
        { "\"\\\\ud800 \\ud800\"",
          "t.json:1:10-1:16: error: lone surrogate '\\ud800' in a string\n",
          surrogate_hint },
        { "\"a\\x41\"",
          "t.json:1:3-1:5: error: invalid escape '\\x' in a string\n",
          escape_hint },
        { "\"\\u12x4\"",
          "t.json:1:2-1:7: error: invalid escape '\\u12x' in a string\n",
          escape_hint },
    };
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        char want[512];
        snprintf(want, sizeof(want), "%s%s", errors[i].msg, errors[i].hint);
        assert_string_equal(json_error(errors[i].in, strlen(errors[i].in)), want);
    }
    assert_string_equal(json_error(S("[\"a\x01\"]")),
        "t.json:1:4-1:5: error: control character U+0001 in a string\n"
        "hint: write it as \\u0001\n");
    assert_string_equal(json_error(S("\"one\ntwo\"")),
        "t.json:1:5-2:1: error: unescaped newline in a string\n"
        "hint: write a newline as \\n, or close the string before the line ends\n");
    assert_string_equal(json_error(S("[\"\xC3\xA9\xFF\"]")),
        "t.json:1:4-1:5: error: invalid UTF-8 byte 0xff\n");
    assert_string_equal(json_error(S("\"\xC0\x80\"")),
        "t.json:1:2-1:3: error: invalid UTF-8 byte 0xc0\n");
    assert_string_equal(json_error(S("{\"a\\u0000\": 1}")),
        "t.json:1:2-1:11: error: a key may not contain \\u0000\n");
}

static void nan_and_infinity(void **state)
{
    (void)state;
    static const char hint[] = "hint: write null, or the text as a string\n";
    static const struct { const char *in, *msg; } cases[] = {
        { "NaN", "t.json:1:1-1:4: error: 'NaN' is not a number: NaN and "
                 "Infinity cannot be values\n" },
        { "[1, Infinity]", "t.json:1:5-1:13: error: 'Infinity' is not a "
                           "number: NaN and Infinity cannot be values\n" },
        { "{\"a\": -Infinity}", "t.json:1:7-1:16: error: '-Infinity' is not "
                                "a number: NaN and Infinity cannot be values\n" },
        { "[nan]", "t.json:1:2-1:5: error: 'nan' is not a number: NaN and "
                   "Infinity cannot be values\n" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char want[512];
        snprintf(want, sizeof(want), "%s%s", cases[i].msg, hint);
        assert_string_equal(json_error(cases[i].in, strlen(cases[i].in)), want);
    }
    assert_string_equal(json_error(S("[1e400]")),
        "t.json:1:2-1:7: error: number '1e400' is too large\n"
        "hint: numbers are doubles: at most about 1.8e308\n");
    assert_string_equal(json_error(S("-1e400")),
        "t.json:1:1-1:7: error: number '-1e400' is too large\n"
        "hint: numbers are doubles: at most about 1.8e308\n");
}

static void duplicate_keys(void **state)
{
    (void)state;
    assert_string_equal(json_error(S("{\n  \"name\": 1,\n  \"kind\": 2,\n  \"name\": 3\n}")),
        "t.json:4:3-4:9: error: duplicate key \"name\" (first at 2:3)\n"
        "t.json:2:3-2:9: note: the first \"name\" is here\n");
    /* Equal after decoding; keys of nested objects do not count. */
    assert_string_equal(json_error(S("{\"x\": {\"a\": 1}, \"a\": [{\"a\": 2}], "
                                     "\"\\u0061\": 3}")),
        "t.json:1:34-1:42: error: duplicate key \"a\" (first at 1:17)\n"
        "t.json:1:17-1:20: note: the first \"a\" is here\n");
    /* In a nested object, after a string value that looks like a key. */
    assert_string_equal(json_error(S("[{\"k\": \"k\"}, {\"é\": \"k\", \"k\": 1, \"é\": 2}]")),
        "t.json:1:33-1:36: error: duplicate key \"é\" (first at 1:15)\n"
        "t.json:1:15-1:18: note: the first \"é\" is here\n");
    /* Same spelling in sibling objects is fine. */
    expect_read(S("[{\"a\": 1}, {\"a\": 2}]"), "[{\"a\": 1}, {\"a\": 2}]");
}

static void malformed_input(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        { "[1, tru]", "t.json:1:5-1:8: error: unknown word 'tru'\n"
                      "hint: the words of JSON are true, false and null\n" },
        { "{\"a\" 1}", "t.json:1:6-1:7: error: expected ':' after the key, found '1'\n" },
        { "[1, 2", "t.json:1:6-1:6: error: expected ',' or ']', found the end of the input\n" },
        { "[1,]", "t.json:1:4-1:5: error: expected a value, found ']'\n"
                  "hint: JSON allows no comma before ']'\n" },
        { "{\"a\": 1,}", "t.json:1:9-1:10: error: expected a string key or '}', found '}'\n"
                         "hint: JSON allows no comma before '}'\n" },
        { "{a: 1}", "t.json:1:2-1:3: error: expected a string key or '}', found 'a'\n"
                    "hint: keys are strings in double quotes\n" },
        { "{'a': 1}", "t.json:1:2-1:3: error: expected a string key or '}', found \"'\"\n"
                      "hint: JSON strings take double quotes\n" },
        { "[1 2]", "t.json:1:4-1:5: error: expected ',' or ']', found '2'\n" },
        { "{\"a\": 1 \"b\": 2}", "t.json:1:9-1:12: error: expected ',' or '}', found '\"b\"'\n" },
        { "[1}", "t.json:1:3-1:4: error: expected ',' or ']', found '}'\n" },
        { "[1,,2]", "t.json:1:4-1:5: error: expected a value, found ','\n" },
        { "1 2", "t.json:1:3-1:4: error: unexpected '2' after the JSON value\n"
                 "hint: a JSON document holds exactly one value\n" },
        { "\"abc", "t.json:1:1-1:2: error: unterminated string\n" },
        { "01", "t.json:1:1-1:3: error: invalid number '01'\n" },
        { "[1.x]", "t.json:1:2-1:5: error: invalid number '1.x'\n" },
        { "[-]", "t.json:1:2-1:3: error: invalid number '-'\n" },
        { "[1.5.3]", "t.json:1:5-1:6: error: expected ',' or ']', found '.'\n" },
        { "// c\n1", "t.json:1:1-1:2: error: unexpected character '/'\n"
                     "hint: JSON has no comments\n" },
        { "", "t.json:1:1-1:1: error: expected a value, found the end of the input\n"
              "hint: the input is empty\n" },
        { " \n ", "t.json:2:2-2:2: error: expected a value, found the end of the input\n"
                  "hint: the input is empty\n" },
        { "{\"a\":", "t.json:1:6-1:6: error: expected a value, found the end of the input\n" },
        /* Columns count characters: a tab is one, so is é. */
        { "{\n\t\"é\": [1,\n\t  \"ü\" tru]}",
          "t.json:3:8-3:11: error: expected ',' or ']', found 'tru'\n" },
        /* CRLF line ends: '\r' ends no line, '\n' does. */
        { "[1,\r\n2,\r\nx]", "t.json:3:1-3:2: error: unknown word 'x'\n"
                             "hint: the words of JSON are true, false and null\n" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(json_error(cases[i].in, strlen(cases[i].in)), cases[i].out);
}

/* N opening brackets of KIND ("[" or "{\"k\":"), then TAIL, then N closing. */
static char *nested(size_t n, const char *open, const char *tail)
{
    size_t lo = strlen(open);
    char *s = malloc(n * (lo + 1) + strlen(tail) + 1);
    size_t w = 0;
    for (size_t i = 0; i < n; i++, w += lo)
        memcpy(s + w, open, lo);
    strcpy(s + w, tail);
    w += strlen(tail);
    for (size_t i = 0; i < n; i++)
        s[w++] = open[0] == '[' ? ']' : '}';
    s[w] = '\0';
    return s;
}

static void deep_nesting(void **state)
{
    (void)state;
    val_t *v;
    char *s = nested(VAL_MAX_DEPTH, "[", "");
    assert_int_equal(read_json(s, strlen(s), &v), MIG_OK);
    assert_int_equal(val_depth(v), VAL_MAX_DEPTH);
    val_unref(v);
    free(s);

    s = nested(VAL_MAX_DEPTH + 1, "[", "");
    assert_string_equal(json_error(s, strlen(s)),
        "t.json:1:1001-1:1002: error: nested too deeply: more than 1000 "
        "levels of lists and maps\n");
    free(s);

    s = nested(VAL_MAX_DEPTH + 1, "{\"k\":", "1");
    assert_string_equal(json_error(s, strlen(s)),
        "t.json:1:5001-1:5002: error: nested too deeply: more than 1000 "
        "levels of lists and maps\n");
    free(s);

    /* Hostile depth never reaches jansson's recursion. */
    s = nested(200000, "[", "");
    assert_string_equal(json_error(s, strlen(s)),
        "t.json:1:1001-1:1002: error: nested too deeply: more than 1000 "
        "levels of lists and maps\n");
    free(s);

    /* An error before the too-deep bracket is the one reported... */
    s = nested(VAL_MAX_DEPTH + 5, "[", "");
    s[3] = 'x';
    assert_string_equal(json_error(s, strlen(s)),
        "t.json:1:4-1:5: error: unknown word 'x'\n"
        "hint: the words of JSON are true, false and null\n");
    free(s);

    /* ... and so is a bracket out of place right at the limit. */
    char *t = malloc(VAL_MAX_DEPTH + 8);
    memset(t, '[', VAL_MAX_DEPTH);
    strcpy(t + VAL_MAX_DEPTH, "1[]");
    assert_string_equal(json_error(t, strlen(t)),
        "t.json:1:1002-1:1003: error: expected ',' or ']', found '['\n");
    strcpy(t + VAL_MAX_DEPTH, "1,[");
    assert_string_equal(json_error(t, strlen(t)),
        "t.json:1:1003-1:1004: error: nested too deeply: more than 1000 "
        "levels of lists and maps\n");
    free(t);
}

static void byte_order_mark(void **state)
{
    (void)state;
    expect_read(S("\xEF\xBB\xBF{\"a\": 1}"), "{\"a\": 1}");
    /* Columns start after the mark, byte offsets include it. */
    assert_string_equal(json_error(S("\xEF\xBB\xBF[1,]")),
        "t.json:1:4-1:5: error: expected a value, found ']'\n"
        "hint: JSON allows no comma before ']'\n");
    src_t *src = src_from_memory("t.json", S("\xEF\xBB\xBF[1,]"));
    diag_list_t d;
    diag_list_init(&d);
    val_t *v = NULL;
    assert_int_equal(val_from_json(src, &d, &v), MIG_EINVALID);
    assert_int_equal(d.items[0].span.begin, 6);
    assert_int_equal(d.items[0].span.end, 7);
    diag_list_free(&d);
    src_free(src);
}

/* ---- writing and round trips ------------------------------------------- */

static void writer_escapes_and_flags(void **state)
{
    (void)state;
    val_t *l = val_list_new(0);
    val_list_push_take(l, val_string(S("q\" b\\ / \b\f\n\r\t \x01\x1f\x7f a\0b")));
    val_list_push_take(l, val_cstring("é😀"));
    val_list_push_take(l, val_duration(90000));
    val_list_push_take(l, val_double(-0.0));
    val_list_push_take(l, val_double(1e21));
    assert_string_equal(to_json(l, 0),
        "[\"q\\\" b\\\\ / \\b\\f\\n\\r\\t \\u0001\\u001f\x7f a\\u0000b\","
        "\"é😀\",\"1m30s\",-0.0,1e+21]");
    assert_string_equal(to_json(l, VAL_JSON_ASCII),
        "[\"q\\\" b\\\\ / \\b\\f\\n\\r\\t \\u0001\\u001f\x7f a\\u0000b\","
        "\"\\u00e9\\ud83d\\ude00\",\"1m30s\",-0.0,1e+21]");
    val_unref(l);
}

static void pretty_output(void **state)
{
    (void)state;
    val_t *v;
    assert_int_equal(read_json(S("{\"z\":[1,{\"y\":[]},{}],\"a\":\"s\",\"m\":{\"k\":null}}"), &v),
                     MIG_OK);
    assert_string_equal(to_json(v, VAL_JSON_PRETTY),
        "{\n"
        "  \"z\": [\n"
        "    1,\n"
        "    {\n"
        "      \"y\": []\n"
        "    },\n"
        "    {}\n"
        "  ],\n"
        "  \"a\": \"s\",\n"
        "  \"m\": {\n"
        "    \"k\": null\n"
        "  }\n"
        "}");
    /* Pretty text reads back to the same value. */
    char *text = strdup(to_json(v, VAL_JSON_PRETTY));
    assert_non_null(text);
    val_t *back;
    assert_int_equal(read_json(text, strlen(text), &back), MIG_OK);
    free(text);
    assert_true(val_equal(v, back));
    val_unref(back);
    val_unref(v);
}

/* VAL_JSON_SORTED: every map's keys in byte order (a key that starts
 * another first, upper case before lower), in lists too, on the stack up
 * to 16 entries and from malloc past that. */
static void sorted_keys(void **state)
{
    (void)state;
    val_t *v;
    assert_int_equal(read_json(S("{\"b\":1,\"a-b\":[{\"z\":1,\"y\":2}],"
                                 "\"a\":{},\"B\":{\"d\":0,\"c\":0},\"ab\":2}"),
                               &v), MIG_OK);
    assert_string_equal(to_json(v, VAL_JSON_SORTED),
        "{\"B\":{\"c\":0,\"d\":0},\"a\":{},\"a-b\":[{\"y\":2,\"z\":1}],"
        "\"ab\":2,\"b\":1}");
    assert_string_equal(to_json(v, VAL_JSON_SORTED | VAL_JSON_PRETTY),
        "{\n  \"B\": {\n    \"c\": 0,\n    \"d\": 0\n  },\n  \"a\": {},\n"
        "  \"a-b\": [\n    {\n      \"y\": 2,\n      \"z\": 1\n    }\n  ],\n"
        "  \"ab\": 2,\n  \"b\": 1\n}");
    /* Unsorted, as inserted. */
    assert_string_equal(to_json(v, 0),
        "{\"b\":1,\"a-b\":[{\"z\":1,\"y\":2}],\"a\":{},\"B\":{\"d\":0,"
        "\"c\":0},\"ab\":2}");
    val_unref(v);
    /* 16 and 17 entries, inserted from the last key to the first. */
    for (int n = 16; n <= 17; n++) {
        val_t *m = val_map_new(0);
        char key[8], want[512] = "{";
        for (int i = n - 1; i >= 0; i--) {
            snprintf(key, sizeof key, "k%02d", i);
            assert_int_equal(val_map_set_take(m, key, 3, val_int(i)), MIG_OK);
        }
        for (int i = 0; i < n; i++)
            snprintf(want + strlen(want), sizeof want - strlen(want),
                     "%s\"k%02d\":%d", i ? "," : "", i, i);
        strcat(want, "}");
        assert_string_equal(to_json(m, VAL_JSON_SORTED), want);
        val_unref(m);
    }
}

static void round_trips(void **state)
{
    (void)state;
    /* JSON -> value -> JSON keeps the text when it is already canonical. */
    static const char *const texts[] = {
        "null", "true", "0", "-7", "9007199254740992", "1.0", "-0.0", "0.1",
        "1e+300", "1.5e-7", "123456789012345.0", "\"\"", "\"a\\u0000b\"",
        "\"é\\n\\\"\"", "[]", "{}", "[1,[2,[3,[]]],{\"\":{}}]",
        "{\"b\":1,\"a\":2,\"c\":{\"z\":[true,false,null],\"y\":\"x\"}}",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        val_t *v;
        assert_int_equal(read_json(texts[i], strlen(texts[i]), &v), MIG_OK);
        assert_string_equal(to_json(v, 0), texts[i]);
        val_unref(v);
    }
    /* Other spellings come back canonical, as the same values. */
    static const struct { const char *in, *out; } spelled[] = {
        { "1E2", "100.0" }, { "-0", "0" }, { "[ 1 , 2 ]", "[1,2]" },
        { "\"\\u00e9\\/\"", "\"é/\"" }, { "0.10", "0.1" },
        { "9007199254740993", "9007199254740992.0" }, { "1e300", "1e+300" },
        { "1E-05", "1e-5" },
    };
    for (size_t i = 0; i < sizeof(spelled) / sizeof(spelled[0]); i++) {
        val_t *v, *back;
        assert_int_equal(read_json(spelled[i].in, strlen(spelled[i].in), &v), MIG_OK);
        const char *out = to_json(v, 0);
        assert_string_equal(out, spelled[i].out);
        assert_int_equal(read_json(out, strlen(out), &back), MIG_OK);
        assert_true(val_equal(v, back));
        val_unref(v);
        val_unref(back);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scalars_and_numbers),
        cmocka_unit_test(big_integers),
        cmocka_unit_test(unicode_escapes),
        cmocka_unit_test(nan_and_infinity),
        cmocka_unit_test(duplicate_keys),
        cmocka_unit_test(malformed_input),
        cmocka_unit_test(deep_nesting),
        cmocka_unit_test(byte_order_mark),
        cmocka_unit_test(writer_escapes_and_flags),
        cmocka_unit_test(pretty_output),
        cmocka_unit_test(sorted_keys),
        cmocka_unit_test(round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
