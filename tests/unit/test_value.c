/* test_value.c: the value type itself (interpreter/value.c, value_text.c):
 * constructors and reference counts, numbers and their limits, strings
 * with NUL bytes, lists, insertion-ordered maps and their hash index,
 * equality, order, copies and the canonical text form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpreter_int.h"

/* The canonical text of V, in a static buffer. */
static const char *fmt(const val_t *v)
{
    static char out[4096];
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_format(v, &b), MIG_OK);
    snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
    strbuf_free(&b);
    return out;
}

/* Checks and releases V's canonical text. */
static void expect_fmt(val_t *v, const char *want)
{
    assert_non_null(v);
    assert_string_equal(fmt(v), want);
    val_unref(v);
}

/* ---- constructors, types, references ----------------------------------- */

static void constructors_and_types(void **state)
{
    (void)state;
    static const struct { val_type_t t; const char *name; } names[] = {
        { VAL_NULL, "null" }, { VAL_BOOL, "bool" }, { VAL_NUMBER, "number" },
        { VAL_STRING, "string" }, { VAL_LIST, "list" }, { VAL_MAP, "map" },
        { VAL_DURATION, "duration" },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        assert_string_equal(val_type_name(names[i].t), names[i].name);
    assert_string_equal(val_type_name((val_type_t)99), "?");

    assert_int_equal(val_type(val_null()), VAL_NULL);
    assert_true(val_get_bool(val_bool(true)));
    assert_false(val_get_bool(val_bool(false)));
    val_t *i = val_int(-42), *d = val_double(2.5), *s = val_cstring("hé");
    val_t *ms = val_duration(-1500), *l = val_list_new(0), *m = val_map_new(3);
    assert_true(val_is_int(i));
    assert_int_equal(val_get_int(i), -42);
    assert_false(val_is_int(d));
    assert_true(val_get_number(d) == 2.5);
    assert_true(val_get_number(i) == -42.0);
    size_t len;
    assert_string_equal(val_get_str(s, &len), "hé");
    assert_int_equal(len, 3);
    assert_int_equal(val_len(s), 3);
    assert_int_equal(val_get_ms(ms), -1500);
    assert_int_equal(val_type(ms), VAL_DURATION);
    assert_int_equal(val_len(l), 0);
    assert_int_equal(val_len(m), 0);
    assert_int_equal(val_len(i), 0);
    assert_false(val_is_int(s));
    val_unref(i);
    val_unref(d);
    val_unref(s);
    val_unref(ms);
    val_unref(l);
    val_unref(m);
}

static void singletons_are_immortal(void **state)
{
    (void)state;
    assert_ptr_equal(val_null(), val_null());
    assert_ptr_equal(val_bool(true), val_bool(true));
    assert_ptr_not_equal(val_bool(true), val_bool(false));
    assert_int_equal(val_refcount(val_null()), UINT32_MAX);
    val_ref(val_null());
    val_unref(val_null());
    val_unref(val_bool(false));
    assert_int_equal(val_refcount(val_null()), UINT32_MAX);
    assert_int_equal(val_refcount(val_bool(false)), UINT32_MAX);
    assert_null(val_ref(NULL));
    val_unref(NULL);
}

static void refcounts(void **state)
{
    (void)state;
    val_t *s = val_cstring("x");
    assert_int_equal(val_refcount(s), 1);
    assert_ptr_equal(val_ref(s), s);
    assert_int_equal(val_refcount(s), 2);
    val_unref(s);
    assert_int_equal(val_refcount(s), 1);

    /* push adds a reference, push_take hands one over. */
    val_t *l = val_list_new(0);
    assert_int_equal(val_list_push(l, s), MIG_OK);
    assert_int_equal(val_refcount(s), 2);
    assert_int_equal(val_list_push_take(l, val_ref(s)), MIG_OK);
    assert_int_equal(val_refcount(s), 3);

    /* set adds a reference; replacing a value drops the old one's. */
    val_t *m = val_map_new(0);
    assert_int_equal(val_map_set(m, "k", 1, s), MIG_OK);
    assert_int_equal(val_refcount(s), 4);
    assert_int_equal(val_map_set_take(m, "k", 1, val_int(1)), MIG_OK);
    assert_int_equal(val_refcount(s), 3);

    /* Freeing a container drops what it holds. */
    val_unref(l);
    assert_int_equal(val_refcount(s), 1);
    val_unref(m);
    val_unref(s);
}

static void take_consumes_on_failure(void **state)
{
    (void)state;
    val_t *l = val_list_new(0);
    val_t *s = val_cstring("kept");
    val_ref(s);
    /* A list cannot hold itself: refused, and the reference is consumed. */
    assert_int_equal(val_list_push(l, l), MIG_EINVALID);
    assert_int_equal(val_refcount(l), 1);
    val_t *m = val_map_new(0);
    assert_int_equal(val_map_set(m, "self", 4, m), MIG_EINVALID);
    assert_int_equal(val_refcount(m), 1);
    assert_int_equal(val_list_push_take(l, s), MIG_OK);
    assert_int_equal(val_refcount(s), 2);
    val_unref(l);
    assert_int_equal(val_refcount(s), 1);
    val_unref(s);
    val_unref(m);
}

/* ---- numbers ----------------------------------------------------------- */

static void integer_limits(void **state)
{
    (void)state;
    val_t *v = val_int(VAL_INT_LIMIT);
    assert_true(val_is_int(v));
    assert_string_equal(fmt(v), "9007199254740992");
    val_unref(v);
    v = val_int(-VAL_INT_LIMIT);
    assert_true(val_is_int(v));
    assert_string_equal(fmt(v), "-9007199254740992");
    val_unref(v);
    /* Beyond 2^53 a number is a double, rounded to the nearest. */
    v = val_int(VAL_INT_LIMIT + 1);
    assert_false(val_is_int(v));
    assert_true(val_get_number(v) == 9007199254740992.0);
    assert_string_equal(fmt(v), "9007199254740992.0");
    val_unref(v);
    expect_fmt(val_int(INT64_MAX), "9.223372036854776e+18");
    expect_fmt(val_int(INT64_MIN), "-9.223372036854776e+18");
    expect_fmt(val_int(0), "0");
}

static void doubles_and_their_text(void **state)
{
    (void)state;
    static const struct { double d; const char *text; } cases[] = {
        { 1.0, "1.0" }, { 0.1, "0.1" }, { -0.0, "-0.0" }, { 0.0, "0.0" },
        { 1e300, "1e+300" }, { -1.5e-7, "-1.5e-7" }, { 100.0, "100.0" },
        { 0.1 + 0.2, "0.30000000000000004" }, { 1.0 / 3, "0.3333333333333333" },
        { 5e-324, "5e-324" }, { 1.7976931348623157e308, "1.7976931348623157e+308" },
        { 123456789012345.0, "123456789012345.0" }, { 1e15, "1e+15" },
        { 1e16, "1e+16" }, { 2.5, "2.5" }, { 1e-5, "1e-5" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        val_t *v = val_double(cases[i].d);
        assert_false(val_is_int(v));
        assert_string_equal(fmt(v), cases[i].text);
        /* The text reads back to the same double. */
        assert_true(strtod(cases[i].text, NULL) == cases[i].d);
        val_unref(v);
    }
    /* NaN and the infinities are never values. */
    assert_null(val_double(NAN));
    assert_null(val_double(INFINITY));
    assert_null(val_double(-INFINITY));
}

static void number_equality(void **state)
{
    (void)state;
    val_t *one = val_int(1), *one_d = val_double(1.0), *half = val_double(1.5);
    val_t *zero = val_int(0), *neg_zero = val_double(-0.0);
    val_t *ms = val_duration(1), *ms2 = val_duration(1), *two = val_int(2);
    /* 1 and 1.0 are the same number (and stay distinguishable). */
    assert_true(val_equal(one, one_d));
    assert_int_equal(val_compare(one, one_d), 0);
    assert_true(val_is_int(one) && !val_is_int(one_d));
    assert_true(val_equal(zero, neg_zero));
    assert_false(val_equal(one, half));
    assert_true(val_compare(one, half) < 0);
    assert_true(val_compare(half, two) < 0);
    assert_true(val_compare(two, one_d) > 0);
    /* A duration is not a number, even of the same size. */
    assert_false(val_equal(one, ms));
    assert_true(val_equal(ms, ms2));
    assert_true(val_compare(one, ms) < 0);
    val_unref(one);
    val_unref(one_d);
    val_unref(half);
    val_unref(zero);
    val_unref(neg_zero);
    val_unref(ms);
    val_unref(ms2);
    val_unref(two);
}

static void int_literals(void **state)
{
    (void)state;
    static const struct {
        const char *digits;
        int base;
        bool neg, exact;
        const char *text;
    } cases[] = {
        { "0009007199254740992", 10, false, true, "9007199254740992" },
        { "9007199254740993", 10, false, false, "9007199254740992.0" },
        { "9007199254740994", 10, true, true, "-9007199254740994.0" },
        { "18446744073709551616", 10, false, true, "1.8446744073709552e+19" },
        { "123456789012345678901234567890", 10, false, false, "1.2345678901234568e+29" },
        { "20000000000000", 16, false, true, "9007199254740992" },
        { "20000000000001", 16, false, false, "9007199254740992.0" },
        { "1000000000000000000000", 16, false, true, "1.9342813113834067e+25" },
        { "FFFFFFFFFFFFFFFFF", 16, false, false, "2.9514790517935283e+20" },
        { "400000000000000000000", 8, false, true, "4.611686018427388e+18" },
        { "1000000000000000000000000", 8, false, true, "4.722366482869645e+21" },
        { "1000000000000000000000001", 8, false, false, "4.722366482869645e+21" },
        { "17", 8, false, true, "15" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        val_t *v;
        bool exact;
        assert_true(val_int_literal(cases[i].digits, strlen(cases[i].digits),
                                    cases[i].base, cases[i].neg, &v, &exact));
        assert_non_null(v);
        assert_string_equal(fmt(v), cases[i].text);
        assert_int_equal(exact, cases[i].exact);
        val_unref(v);
    }
    char huge[400];
    memset(huge, '9', 399);
    huge[399] = '\0';
    val_t *v = NULL;
    bool exact;
    assert_false(val_int_literal(huge, 399, 10, false, &v, &exact));
    assert_null(v);
}

/* ---- strings ----------------------------------------------------------- */

static void strings_with_nul(void **state)
{
    (void)state;
    val_t *a = val_string("a\0b", 3), *c = val_string("a\0c", 3);
    val_t *ab = val_string("ab", 2), *abc = val_string("abc", 3);
    val_t *e = val_cstring("é"), *z = val_cstring("z"), *empty = val_string(NULL, 0);
    size_t len;
    const char *s = val_get_str(a, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "a\0b", 4);   /* and NUL-terminated */
    assert_false(val_equal(a, c));
    assert_true(val_compare(a, c) < 0);
    assert_true(val_compare(a, ab) < 0);   /* "a\0" < "ab" bytewise */
    assert_true(val_compare(ab, abc) < 0); /* a prefix sorts first */
    assert_true(val_compare(e, z) > 0);    /* code point order */
    assert_int_equal(val_len(empty), 0);
    assert_string_equal(val_get_str(empty, NULL), "");
    assert_string_equal(fmt(a), "\"a\\u0000b\"");
    val_unref(a);
    val_unref(c);
    val_unref(ab);
    val_unref(abc);
    val_unref(e);
    val_unref(z);
    val_unref(empty);
}

static void utf8_validation(void **state)
{
    (void)state;
    static const struct { const char *s; size_t n; bool ok; } cases[] = {
        { "plain", 5, true }, { "a\0b", 3, true }, { "\xC3\xA9", 2, true },
        { "\xE2\x82\xAC", 3, true }, { "\xF0\x9F\x98\x80", 4, true },
        { "\xF4\x8F\xBF\xBF", 4, true }, { "\xED\x9F\xBF", 3, true },
        { "\x80", 1, false }, { "\xC0\x80", 2, false }, { "\xC1\xBF", 2, false },
        { "\xE0\x80\x80", 3, false }, { "\xED\xA0\x80", 3, false },
        { "\xF4\x90\x80\x80", 4, false }, { "\xE2\x82", 2, false },
        { "\xF5\x80\x80\x80", 4, false }, { "\xC3\x28", 2, false },
        { "\xFF", 1, false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(val_utf8_valid(cases[i].s, cases[i].n), cases[i].ok);
}

/* ---- lists ------------------------------------------------------------- */

static void list_basics(void **state)
{
    (void)state;
    val_t *l = val_list_new(1);
    for (int i = 0; i < 100; i++)
        assert_int_equal(val_list_push_take(l, val_int(i)), MIG_OK);
    assert_int_equal(val_len(l), 100);
    assert_int_equal(val_get_int(val_list_get(l, 99)), 99);
    assert_null(val_list_get(l, 100));
    val_unref(l);
    l = val_list_new(0);
    val_list_push_take(l, val_null());
    val_list_push_take(l, val_bool(true));
    val_list_push_take(l, val_cstring("s"));
    val_list_push_take(l, val_list_new(0));
    val_list_push_take(l, val_map_new(0));
    val_list_push_take(l, val_duration(90000));
    expect_fmt(l, "[null, true, \"s\", [], {}, 1m30s]");
}

static void depth_bound(void **state)
{
    (void)state;
    /* A chain of VAL_MAX_HELD_DEPTH lists is fine (room for mig's records
     * around a value of VAL_MAX_DEPTH); one more level is refused. */
    val_t *v = val_list_new(0);
    for (int depth = 1; depth < VAL_MAX_HELD_DEPTH; depth++) {
        val_t *outer = val_list_new(0);
        assert_int_equal(val_list_push_take(outer, v), MIG_OK);
        v = outer;
    }
    assert_int_equal(val_depth(v), VAL_MAX_HELD_DEPTH);
    val_t *too = val_list_new(0);
    assert_int_equal(val_list_push(too, v), MIG_EINVALID);
    val_t *m = val_map_new(0);
    assert_int_equal(val_map_set(m, "k", 1, v), MIG_EINVALID);
    assert_int_equal(val_len(too), 0);
    assert_int_equal(val_len(m), 0);
    assert_int_equal(val_refcount(v), 1);
    /* Equality and the text walk it (recursion bounded by the limit). */
    val_t *c = val_copy(v);
    assert_true(val_equal(v, c));
    assert_int_equal(val_compare(v, c), 0);
    val_unref(c);
    val_unref(too);
    val_unref(m);
    val_unref(v);
}

/* ---- maps -------------------------------------------------------------- */

/* The keys of M in order, joined by ','. */
static const char *keys_of(const val_t *m)
{
    static char out[4096];
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < val_len(m) && n < sizeof(out) - 64; i++) {
        const char *k = val_get_str(val_map_key(m, i), NULL);
        n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "," : "", k);
    }
    return out;
}

static void map_order_and_replacement(void **state)
{
    (void)state;
    val_t *m = val_map_new(0);
    val_map_set_take(m, "b", 1, val_int(1));
    val_map_set_take(m, "a", 1, val_int(2));
    val_map_set_take(m, "c", 1, val_int(3));
    assert_string_equal(keys_of(m), "b,a,c");
    /* Setting an existing key replaces its value in place. */
    val_map_set_take(m, "a", 1, val_cstring("new"));
    assert_string_equal(fmt(m), "{\"b\": 1, \"a\": \"new\", \"c\": 3}");
    assert_int_equal(val_map_index(m, "c", 1), 2);
    assert_int_equal(val_map_index(m, "z", 1), VAL_NPOS);
    assert_null(val_map_get(m, "z", 1));
    assert_null(val_map_get(m, "", 0));
    /* Deleting keeps the order of the rest; a key set again goes last. */
    assert_true(val_map_delete(m, "b", 1));
    assert_false(val_map_delete(m, "b", 1));
    val_map_set_take(m, "b", 1, val_int(4));
    assert_string_equal(fmt(m), "{\"a\": \"new\", \"c\": 3, \"b\": 4}");
    /* Keys are bytes: NUL inside a key is its own key. */
    val_map_set_take(m, "k\0x", 3, val_int(5));
    val_map_set_take(m, "k\0y", 3, val_int(6));
    val_map_set_take(m, "k", 1, val_int(7));
    assert_int_equal(val_len(m), 6);
    assert_int_equal(val_get_int(val_map_get(m, "k\0y", 3)), 6);
    assert_int_equal(val_get_int(val_map_get(m, "k", 1)), 7);
    val_unref(m);
}

static void map_hash_index(void **state)
{
    (void)state;
    enum { N = 20000 };
    val_t *m = val_map_new(0);
    char key[32];
    for (int i = 0; i < N; i++) {
        int n = snprintf(key, sizeof(key), "key-%d", i);
        assert_int_equal(val_map_set_take(m, key, (size_t)n, val_int(i)), MIG_OK);
    }
    assert_int_equal(val_len(m), N);
    for (int i = 0; i < N; i++) {
        int n = snprintf(key, sizeof(key), "key-%d", i);
        assert_int_equal(val_map_index(m, key, (size_t)n), (size_t)i);
        assert_int_equal(val_get_int(val_map_value(m, (size_t)i)), i);
    }
    assert_null(val_map_get(m, "key-20000", 9));
    /* Replace in the middle: same place, new value. */
    val_map_set_take(m, "key-777", 7, val_cstring("x"));
    assert_int_equal(val_map_index(m, "key-777", 7), 777);
    assert_int_equal(val_len(m), N);
    /* Delete every other key below 1000; the index follows. */
    for (int i = 0; i < 1000; i += 2) {
        int n = snprintf(key, sizeof(key), "key-%d", i);
        assert_true(val_map_delete(m, key, (size_t)n));
    }
    assert_int_equal(val_len(m), N - 500);
    assert_int_equal(val_map_index(m, "key-1", 5), 0);
    assert_int_equal(val_map_index(m, "key-999", 7), 499);
    assert_int_equal(val_map_index(m, "key-1000", 8), 500);
    assert_int_equal(val_map_index(m, "key-0", 5), VAL_NPOS);
    assert_string_equal(val_get_str(val_map_get(m, "key-777", 7), NULL), "x");
    /* A shallow copy keeps order and index. */
    val_t *c = val_copy(m);
    assert_int_equal(val_map_index(c, "key-19999", 9), N - 501);
    assert_true(val_equal(c, m));
    val_unref(c);
    val_unref(m);
}

static void map_equality_and_order(void **state)
{
    (void)state;
    /* Maps are equal with the same entries in any order; val_compare agrees,
     * for small maps (selection) and large ones (sorted). */
    for (int n = 3; n <= 40; n += 37) {
        val_t *a = val_map_new(0), *b = val_map_new(0);
        char key[16];
        for (int i = 0; i < n; i++) {
            int k = snprintf(key, sizeof(key), "k%02d", i);
            val_map_set_take(a, key, (size_t)k, val_int(i));
            k = snprintf(key, sizeof(key), "k%02d", n - 1 - i);
            val_map_set_take(b, key, (size_t)k, val_int(n - 1 - i));
        }
        assert_true(val_equal(a, b));
        assert_int_equal(val_compare(a, b), 0);
        /* Change the value under the largest key: b is now greater. */
        int k = snprintf(key, sizeof(key), "k%02d", n - 1);
        val_map_set_take(b, key, (size_t)k, val_int(1000));
        assert_false(val_equal(a, b));
        assert_true(val_compare(a, b) < 0);
        assert_true(val_compare(b, a) > 0);
        /* A different smallest key decides before any value. */
        val_map_delete(a, "k00", 3);
        val_map_set_take(a, "a", 1, val_int(-5));
        assert_true(val_compare(a, b) < 0);
        val_unref(a);
        val_unref(b);
    }
    val_t *small = val_map_new(0), *big = val_map_new(0);
    val_map_set_take(small, "z", 1, val_int(1));
    val_map_set_take(big, "a", 1, val_int(1));
    val_map_set_take(big, "b", 1, val_int(1));
    assert_true(val_compare(small, big) < 0);   /* size first */
    val_unref(small);
    val_unref(big);
}

static int sort_compare(const void *a, const void *b)
{
    return val_compare(*(val_t *const *)a, *(val_t *const *)b);
}

static void order_across_types(void **state)
{
    (void)state;
    val_t *l1 = val_list_new(0), *l2 = val_list_new(0);
    val_list_push_take(l1, val_int(1));
    val_list_push_take(l2, val_int(1));
    val_list_push_take(l2, val_int(0));
    val_t *m = val_map_new(0);
    val_map_set_take(m, "a", 1, val_null());
    val_t *vals[] = {
        m, l2, val_cstring("b"), val_duration(5), val_double(2.5), val_int(-3),
        val_bool(true), val_cstring(""), l1, val_bool(false), val_null(),
        val_duration(-5), val_int(7),
    };
    size_t n = sizeof(vals) / sizeof(vals[0]);
    qsort(vals, n, sizeof(val_t *), sort_compare);
    val_t *sorted = val_list_new(n);
    for (size_t i = 0; i < n; i++)
        val_list_push_take(sorted, vals[i]);
    expect_fmt(sorted, "[null, false, true, -3, 2.5, 7, -5ms, 5ms, \"\", \"b\", "
                       "[1], [1, 0], {\"a\": null}]");
}

static void copies_are_shallow(void **state)
{
    (void)state;
    val_t *inner = val_list_new(0);
    val_list_push_take(inner, val_int(1));
    val_t *l = val_list_new(0);
    val_list_push(l, inner);
    val_t *c = val_copy(l);
    assert_ptr_not_equal(c, l);
    assert_ptr_equal(val_list_get(c, 0), inner);
    assert_int_equal(val_refcount(inner), 3);
    /* The copy is private: changing it leaves the original alone. */
    val_list_push_take(c, val_cstring("more"));
    assert_string_equal(fmt(l), "[[1]]");
    assert_string_equal(fmt(c), "[[1], \"more\"]");
    /* A copy of a scalar is the same value, one more reference. */
    val_t *s = val_cstring("s");
    val_t *sc = val_copy(s);
    assert_ptr_equal(sc, s);
    assert_int_equal(val_refcount(s), 2);
    val_unref(sc);
    val_unref(s);
    val_unref(c);
    val_unref(l);
    val_unref(inner);
}

/* ---- text -------------------------------------------------------------- */

static void durations_as_text(void **state)
{
    (void)state;
    static const struct { int64_t ms; const char *text; } cases[] = {
        { 0, "0s" }, { 1, "1ms" }, { 250, "250ms" }, { 1000, "1s" },
        { 90000, "1m30s" }, { 3600000, "1h" }, { 5400500, "1h30m500ms" },
        { 86400000, "24h" }, { -2000, "-2s" }, { -90500, "-1m30s500ms" },
        { INT64_MAX, "2562047788015h12m55s807ms" },
        { INT64_MIN, "-2562047788015h12m55s808ms" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        strbuf_t b;
        strbuf_init(&b);
        strbuf_put_duration(&b, cases[i].ms);
        assert_string_equal(b.data, cases[i].text);
        strbuf_free(&b);
        expect_fmt(val_duration(cases[i].ms), cases[i].text);
    }
}

static void canonical_form(void **state)
{
    (void)state;
    val_t *m = val_map_new(0);
    val_t *l = val_list_new(0);
    val_list_push_take(l, val_int(1));
    val_list_push_take(l, val_double(1.0));
    val_list_push_take(l, val_cstring("tab\there \"q\" \\ \x01 é"));
    val_map_set_take(m, "list", 4, l);
    val_map_set_take(m, "", 0, val_null());
    val_map_set_take(m, "time", 4, val_duration(1500));
    val_map_set_take(m, "nested", 6, val_map_new(0));
    expect_fmt(m, "{\"list\": [1, 1.0, \"tab\\there \\\"q\\\" \\\\ \\u0001 é\"], "
                  "\"\": null, \"time\": 1s500ms, \"nested\": {}}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(constructors_and_types),
        cmocka_unit_test(singletons_are_immortal),
        cmocka_unit_test(refcounts),
        cmocka_unit_test(take_consumes_on_failure),
        cmocka_unit_test(integer_limits),
        cmocka_unit_test(doubles_and_their_text),
        cmocka_unit_test(number_equality),
        cmocka_unit_test(int_literals),
        cmocka_unit_test(strings_with_nul),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(list_basics),
        cmocka_unit_test(depth_bound),
        cmocka_unit_test(map_order_and_replacement),
        cmocka_unit_test(map_hash_index),
        cmocka_unit_test(map_equality_and_order),
        cmocka_unit_test(order_across_types),
        cmocka_unit_test(copies_are_shallow),
        cmocka_unit_test(durations_as_text),
        cmocka_unit_test(canonical_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
