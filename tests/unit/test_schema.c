/* test_schema.c: the shared JSON-Schema subset (interpreter/schema.c,
 * interpreter.h "schemas") in mig's words: paths from a root of the
 * caller's, list items counted from 0, maps called maps; the same check in
 * Lua's words (mig.schema.validate's keyword-by-keyword tests are in
 * test_lua_lib.c); schema_check walking every sub-schema; the type
 * helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "interpreter.h"
#include "json_fixture.h"


/* Validates VALUE against SCHEMA at ROOT with FLAGS; the violations joined
 * by " | " must be WANT. */
static void expect(const char *value, const char *schema, const char *root,
                   unsigned flags, const char *want)
{
    val_t *v = json_value(value), *s = json_value(schema), *errors = val_list_new(0);
    strbuf_t why, got;
    strbuf_init(&why);
    strbuf_init(&got);
    assert_int_equal(schema_validate_at(v, s, root, flags, errors, &why),
                     MIG_OK);
    for (size_t i = 0; i < val_len(errors); i++)
        strbuf_printf(&got, "%s%s", i ? " | " : "",
                      val_get_str(val_list_get(errors, i), NULL));
    assert_string_equal(got.data ? got.data : "", want);
    strbuf_free(&why);
    strbuf_free(&got);
    val_unref(errors);
    val_unref(v);
    val_unref(s);
}

static void paths_and_words(void **state)
{
    (void)state;
    const char *tags = "{'properties': {'tags': {'type': 'array', "
                       "'items': {'type': 'string'}}}}";
    expect("{'tags': ['a', 2]}", tags, "config", 0,
           "config.tags[1]: expected string, found integer");
    expect("{'tags': ['a', 2]}", tags, "$", SCHEMA_LUA,
           "$.tags[2]: expected string, found integer");
    expect("{'a b': 1, 'x': 2}", "{'properties': {'a b': {'type': "
           "'string'}}, 'additionalProperties': false}", "params", 0,
           "params[\"a b\"]: expected string, found integer | params: the "
           "property 'x' is not allowed");
    expect("{}", "{'required': ['name']}", "params", 0,
           "params: the property 'name' is required");
    expect("{'name': 'x'}", "{'required': ['name']}", "params", 0, "");

    /* schema_validate: "$", items from 0. */
    val_t *v = json_value("[1, 'x']"), *s = json_value("{'items': {'type': 'integer'}}");
    val_t *errors = val_list_new(0);
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(schema_validate(v, s, errors, &why), MIG_OK);
    assert_int_equal(val_len(errors), 1);
    assert_string_equal(val_get_str(val_list_get(errors, 0), NULL),
                        "$[1]: expected integer, found string");
    val_unref(errors);
    val_unref(s);
    /* A wrong schema, in each language's words. */
    s = json_value("{'items': [{}]}");
    errors = val_list_new(0);
    assert_int_equal(schema_validate(v, s, errors, &why), MIG_EINVALID);
    assert_string_equal(why.data, "$: 'items' must be one schema (a map); "
                        "lists of schemas are not supported");
    why.len = 0;
    assert_int_equal(schema_validate_at(v, s, "$", SCHEMA_LUA, errors, &why),
                     MIG_EINVALID);
    assert_string_equal(why.data, "$: 'items' must be one schema (a table); "
                        "lists of schemas are not supported");
    strbuf_free(&why);
    val_unref(errors);
    val_unref(s);
    val_unref(v);
}

/* schema_check on SCHEMA: MIG_OK when WANT is NULL, else MIG_EINVALID
 * saying WANT. */
static void check(const char *schema, const char *want)
{
    val_t *s = json_value(schema);
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = schema_check(s, "schema", 0, &why);
    if (!want) {
        assert_int_equal(st, MIG_OK);
    } else {
        assert_int_equal(st, MIG_EINVALID);
        assert_string_equal(why.data, want);
    }
    strbuf_free(&why);
    val_unref(s);
}

static void check_walks_everything(void **state)
{
    (void)state;
    check("{'type': ['object', 'null'], 'properties': {'a': {'type': "
          "'integer', 'minimum': 0}, 'b': {'items': {'enum': [1, 2]}}}, "
          "'required': ['a'], 'additionalProperties': {'type': 'string'}, "
          "'description': 'unknown keywords are ignored'}", NULL);
    check("{'properties': {'a': {'properties': {'b': {'type': 'text'}}}}}",
          "schema.properties.a.properties.b: 'type' names an unknown type "
          "(the types are null, boolean, integer, number, string, array, "
          "object and duration)");
    check("{'items': {'maxLength': -1}}",
          "schema.items: 'maxLength' must be a whole number, 0 or more");
    check("{'additionalProperties': {'enum': 3}}",
          "schema.additionalProperties: 'enum' must be a list of values");
    check("{'required': ['a', 1]}",
          "schema: 'required' must be a list of names");
    check("{'properties': {'odd key': []}}",
          "schema.properties[\"odd key\"]: a schema must be a map");
    check("{'type': []}", "schema: 'type' must be a type name or a list of "
          "them");
}

static void type_helpers(void **state)
{
    (void)state;
    val_t *two = val_double(2.0), *half = val_double(2.5);
    val_t *three = val_int(3), *d = val_duration(5);
    assert_true(schema_is_type(two, "integer"));
    assert_true(schema_is_type(two, "number"));
    assert_false(schema_is_type(half, "integer"));
    assert_true(schema_is_type(d, "duration"));
    assert_false(schema_is_type(d, "number"));
    assert_string_equal(schema_type_of(three), "integer");
    assert_string_equal(schema_type_of(two), "number");
    assert_string_equal(schema_type_of(d), "duration");
    strbuf_t p;
    strbuf_init(&p);
    strbuf_puts(&p, "c");
    schema_path_key(&p, "name_1", 6);
    schema_path_key(&p, "1st", 3);
    schema_path_key(&p, "", 0);
    assert_string_equal(p.data, "c.name_1[\"1st\"][\"\"]");
    strbuf_free(&p);
    val_unref(two);
    val_unref(half);
    val_unref(three);
    val_unref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths_and_words),
        cmocka_unit_test(check_walks_everything),
        cmocka_unit_test(type_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
