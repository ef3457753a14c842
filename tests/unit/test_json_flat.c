/* test_json_flat.c: val_from_json_flat (interpreter/value_json_flat.c),
 * the state store's short way for flat objects: every text it takes gives
 * what val_from_json gives (the same value and order, written back the
 * same), and every text outside its subset, at each of its bounds, is
 * left to val_from_json with nothing read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "json_fixture.h"

/* V written back as JSON, in a new string. */
static char *written(const val_t *v)
{
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_to_json(v, &b, 0), MIG_OK);
    return b.data;
}

/* TEXT is taken, and reads as val_from_json reads it. */
static void takes(const char *text)
{
    val_t *flat = NULL;
    assert_int_equal(val_from_json_flat(text, strlen(text), &flat), MIG_OK);
    assert_non_null(flat);
    val_t *full = json_parse(text);
    assert_int_equal(val_type(flat), VAL_MAP);
    assert_int_equal(val_len(flat), val_len(full));
    assert_true(val_equal(flat, full));
    char *a = written(flat), *b = written(full);
    assert_string_equal(a, b);
    free(a);
    free(b);
    for (size_t i = 0; i < val_len(flat); i++)
        assert_int_equal(val_type(val_map_value(flat, i)),
                         val_type(val_map_value(full, i)));
    val_unref(flat);
    val_unref(full);
}

/* TEXT (LEN bytes) is left to val_from_json: MIG_EINVALID, nothing read. */
static void leaves_n(const char *text, size_t len)
{
    val_t *v = (val_t *)1;
    assert_int_equal(val_from_json_flat(text, len, &v), MIG_EINVALID);
    assert_null(v);
}

static void leaves(const char *text)
{
    leaves_n(text, strlen(text));
}

static void test_flat_objects_read_as_val_from_json(void **state)
{
    (void)state;
    takes("{}");
    takes(" { } ");
    takes("{\"registry:/r.db#tools/a\":\"absent\"}");
    takes("{\"db\":\"reg.db\",\"kind\":\"tools\",\"name\":\"a\","
          "\"before\":null}");
    takes("{ \"a\" : \"x\" ,\n\t\"b\":true,\"c\":false,\"d\":null }\r\n");
    takes("{\"z\":1,\"a\":2}");                  /* order kept */
    takes("{\"n\":0,\"m\":-0,\"k\":-12,\"e\":\"\"}");
    takes("{\"\":\"empty key\"}");
    /* The longest integer taken: 15 digits (below 2^53). */
    takes("{\"i\":999999999999999,\"j\":-999999999999999}");
}

static void test_other_texts_left_to_val_from_json(void **state)
{
    (void)state;
    /* Not an object, or not a whole one. */
    leaves("");
    leaves("   ");
    leaves("[]");
    leaves("\"a\"");
    leaves("null");
    leaves("{");
    leaves("{\"a\"");
    leaves("{\"a\":");
    leaves("{\"a\":\"x\"");
    leaves("{\"a\":\"x\",}");
    leaves("{\"a\":\"x\"}}");
    leaves("{\"a\":\"x\"} x");
    leaves("{\"a\" \"x\"}");
    leaves("{a:\"x\"}");
    leaves("{\"a\":\"x\" \"b\":\"y\"}");
    leaves_n("{\"a\":\"x\"}", 8);                /* cut inside */
    leaves_n("{\"a\":\"x\0\"}", 10);             /* a NUL byte */
    leaves("\xef\xbb\xbf{}");                    /* a byte-order mark */
    /* Nested values, escapes, bytes beyond printable ASCII. */
    leaves("{\"a\":{}}");
    leaves("{\"a\":[1]}");
    leaves("{\"a\":\"x\\\"y\"}");
    leaves("{\"a\\u0041\":\"x\"}");
    leaves("{\"a\":\"caf\xc3\xa9\"}");
    leaves("{\"a\":\"tab\there\"}");
    leaves("{\"a\":\"del\x7f\"}");
    /* Numbers other than short integers. */
    leaves("{\"i\":1000000000000000}");           /* 16 digits */
    leaves("{\"i\":-1000000000000000}");
    leaves("{\"i\":1.5}");
    leaves("{\"i\":1e3}");
    leaves("{\"i\":1E3}");
    leaves("{\"i\":01}");
    leaves("{\"i\":-}");
    leaves("{\"i\":+1}");
    /* Words that are not JSON's. */
    leaves("{\"a\":nul}");
    leaves("{\"a\":truex}");
    leaves("{\"a\":True}");
    /* A duplicate key: val_from_json's error to say. */
    leaves("{\"a\":\"x\",\"a\":\"y\"}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flat_objects_read_as_val_from_json),
        cmocka_unit_test(test_other_texts_left_to_val_from_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
