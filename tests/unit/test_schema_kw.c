/* test_schema_kw.c: each JSON Schema 2020-12 keyword of docs/schema.md on
 * a value that fits and one that does not (interpreter/schema.c and
 * schema_kw.c), $ref local, cross-file and cyclic, JSON-pointer paths,
 * schemas that are themselves wrong, and the regex wrapper's limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interpreter.h"
#include "json_fixture.h"


/* VALUE against SCHEMA (refs to files in BASE): the violations joined by
 * " | " must be WANT; with WANT NULL the schema must be refused saying
 * BAD. */
static void run(const char *value, const char *schema, const char *base,
                unsigned flags, const char *want, const char *bad)
{
    val_t *v = json_value(value), *s = json_value(schema), *errors = val_list_new(0);
    strbuf_t why, got;
    strbuf_init(&why);
    strbuf_init(&got);
    const char *root = flags & SCHEMA_POINTER ? "" : "$";
    mig_status_t st = schema_validate_from(v, s, root, base, flags, errors,
                                           &why);
    if (!want) {
        assert_int_equal(st, MIG_EINVALID);
        assert_string_equal(why.data, bad);
    } else {
        assert_int_equal(st, MIG_OK);
        for (size_t i = 0; i < val_len(errors); i++) {
            const val_t *e = val_list_get(errors, i);
            if (val_type(e) == VAL_MAP)
                strbuf_printf(&got, "%s%s: %s", i ? " | " : "",
                              val_get_str(val_map_get(e, "pointer", 7), NULL),
                              val_get_str(val_map_get(e, "message", 7), NULL));
            else
                strbuf_printf(&got, "%s%s", i ? " | " : "",
                              val_get_str(e, NULL));
        }
        assert_string_equal(got.data ? got.data : "", want);
    }
    strbuf_free(&why);
    strbuf_free(&got);
    val_unref(errors);
    val_unref(v);
    val_unref(s);
}

#define OK(value, schema) run(value, schema, NULL, 0, "", NULL)
#define FAILS(value, schema, want) run(value, schema, NULL, 0, want, NULL)
#define REFUSED(value, schema, bad) run(value, schema, NULL, 0, NULL, bad)

static void types_and_values(void **state)
{
    (void)state;
    OK("1", "{'type': ['string', 'integer']}");
    FAILS("null", "{'type': ['string', 'integer']}",
          "$: expected string or integer, found null");
    OK("'a'", "{'const': 'a'}");
    FAILS("'b'", "{'const': 'a'}", "$: must be \"a\"");
    FAILS("1", "{'const': '1'}", "$: must be \"1\"");
    OK("true", "true");
    FAILS("1", "false", "$: no value is allowed here (the schema is false)");
    OK("{'a': 1}", "{'format': 'uri', 'properties': {'a': {'format': 'x'}}}");
    OK("'not a uri'", "{'type': 'string', 'format': 'uri'}");
}

static void numbers(void **state)
{
    (void)state;
    const char *ex = "{'exclusiveMinimum': 0, 'exclusiveMaximum': 10}";
    OK("1", ex);
    OK("9.5", ex);
    FAILS("0", ex, "$: must be more than 0, found 0");
    FAILS("10", ex, "$: must be less than 10, found 10");
    OK("0", "{'minimum': 0, 'maximum': 0}");
    FAILS("0.5", "{'maximum': 0.25}", "$: must be at most 0.25, found 0.5");
    OK("7.5", "{'multipleOf': 2.5}");
    OK("0.3", "{'multipleOf': 0.1}");
    FAILS("7", "{'multipleOf': 2}", "$: must be a multiple of 2");
    REFUSED("1", "{'multipleOf': 0}",
            "$: 'multipleOf' must be a number more than 0");
    REFUSED("1", "{'exclusiveMinimum': true, 'minimum': 0}",
            "$: 'exclusiveMinimum' must be a number (true or false is "
            "draft-04's form; tools.normalize converts it)");
}

static void strings(void **state)
{
    (void)state;
    OK("'ab'", "{'minLength': 2, 'maxLength': 2}");
    FAILS("'a'", "{'minLength': 2}",
          "$: must be at least 2 characters long, found 1");
    FAILS("'abc'", "{'maxLength': 2}",
          "$: must be at most 2 characters long, found 3");
    OK("'get_weather'", "{'pattern': '^[a-z_]+$'}");
    OK("'x-1y'", "{'pattern': '[0-9]'}");
    FAILS("'Get'", "{'pattern': '^[a-z_]+$'}",
          "$: must match the pattern ^[a-z_]+$");
    OK("'é'", "{'pattern': '^.$'}");
    REFUSED("'a'", "{'pattern': '(a'}",
            "$: '(a': the pattern is not a valid regular expression: "
            "missing closing parenthesis at offset 2");
    REFUSED("'a'", "{'pattern': 3}", "$: 'pattern' must be a string");
}

static void arrays(void **state)
{
    (void)state;
    const char *tuple = "{'prefixItems': [{'type': 'string'}, {'type': "
                        "'integer'}], 'items': false}";
    OK("['a', 1]", tuple);
    OK("['a']", tuple);
    FAILS("[1, 1]", tuple, "$[0]: expected string, found integer");
    FAILS("['a', 1, 2]", tuple,
          "$[2]: no value is allowed here (the schema is false)");
    OK("[1, 2]", "{'minItems': 2, 'maxItems': 2}");
    FAILS("[1]", "{'minItems': 2}", "$: must have at least 2 items, found 1");
    FAILS("[1, 2, 3]", "{'maxItems': 2}",
          "$: must have at most 2 items, found 3");
    OK("[1, 2]", "{'uniqueItems': true}");
    OK("[1, 1]", "{'uniqueItems': false}");
    FAILS("[1, {'a': 1}, {'a': 1}]", "{'uniqueItems': true}",
          "$: the items must be unique; items 1 and 2 are equal");
    const char *has = "{'contains': {'type': 'string'}}";
    OK("[1, 'a']", has);
    FAILS("[1, 2]", has, "$: must contain at least 1 item matching "
          "'contains', found 0");
    const char *two = "{'contains': {'type': 'string'}, 'minContains': 2, "
                      "'maxContains': 2}";
    OK("['a', 'b', 1]", two);
    FAILS("['a', 1]", two, "$: must contain at least 2 items matching "
          "'contains', found 1");
    FAILS("['a', 'b', 'c']", two, "$: must contain at most 2 items matching "
          "'contains', found 3");
    REFUSED("[]", "{'uniqueItems': 1}",
            "$: 'uniqueItems' must be true or false");
}

static void objects(void **state)
{
    (void)state;
    const char *pp = "{'properties': {'id': {'type': 'integer'}}, "
                     "'patternProperties': {'^x-': {'type': 'string'}}, "
                     "'additionalProperties': false}";
    OK("{'id': 1, 'x-a': 'b'}", pp);
    FAILS("{'x-a': 2}", pp, "$[\"x-a\"]: expected string, found integer");
    FAILS("{'y': 2}", pp, "$: the property 'y' is not allowed");
    const char *names = "{'propertyNames': {'pattern': '^[a-z]+$'}}";
    OK("{'abc': 1}", names);
    FAILS("{'aB': 1}", names, "$.aB: must match the pattern ^[a-z]+$");
    OK("{'a': 1}", "{'minProperties': 1, 'maxProperties': 1}");
    FAILS("{}", "{'minProperties': 1}",
          "$: must have at least 1 properties, found 0");
    FAILS("{'a': 1, 'b': 2}", "{'maxProperties': 1}",
          "$: must have at most 1 properties, found 2");
    const char *dep = "{'dependentRequired': {'card': ['cvv']}}";
    OK("{'card': 1, 'cvv': 2}", dep);
    OK("{'cvv': 2}", dep);
    FAILS("{'card': 1}", dep, "$: the property 'cvv' is required when "
          "'card' is present");
    REFUSED("{}", "{'dependentRequired': {'a': 'b'}}",
            "$: 'dependentRequired' must map names to lists of names");
    REFUSED("{}", "{'patternProperties': {'[': {}}}",
            "$: '[': the pattern is not a valid regular expression: missing "
            "terminating ] for character class at offset 1");
}

static void combinators(void **state)
{
    (void)state;
    const char *any = "{'anyOf': [{'type': 'string'}, {'minimum': 3}]}";
    OK("'a'", any);
    OK("4", any);
    FAILS("1", any, "$: must match at least one of the 2 schemas of 'anyOf', "
          "matches none; the closest, schema 0 (counted from 0), says $: "
          "expected string, found integer");
    /* oneOf with an enum inside (issue 19). */
    const char *one = "{'oneOf': [{'enum': ['red', 'green']}, {'enum': "
                      "['green', 'blue']}]}";
    OK("'red'", one);
    OK("'blue'", one);
    FAILS("'green'", one, "$: must match exactly one of the 2 schemas of "
          "'oneOf', matches 2 (schemas 0 and 1, counted from 0)");
    FAILS("'pink'", one, "$: must match exactly one of the 2 schemas of "
          "'oneOf', matches none; the closest, schema 0 (counted from 0), "
          "says $: must be one of \"red\", \"green\"");
    const char *all = "{'allOf': [{'type': 'integer'}, {'minimum': 2}]}";
    OK("2", all);
    FAILS("1.5", all, "$: expected integer, found number | $: must be at "
          "least 2, found 1.5");
    OK("1", "{'not': {'type': 'string'}}");
    FAILS("'a'", "{'not': {'type': 'string'}}",
          "$: must not match the schema of 'not'");
    const char *cond = "{'if': {'properties': {'kind': {'const': 'http'}}}, "
                       "'then': {'required': ['url']}, 'else': "
                       "{'required': ['command']}}";
    OK("{'kind': 'http', 'url': 'u'}", cond);
    OK("{'kind': 'stdio', 'command': 'c'}", cond);
    FAILS("{'kind': 'http'}", cond, "$: the property 'url' is required");
    FAILS("{'kind': 'stdio'}", cond,
          "$: the property 'command' is required");
    OK("1", "{'if': {'type': 'string'}}");
    REFUSED("1", "{'anyOf': []}",
            "$: 'anyOf' must be a non-empty list of schemas");
    REFUSED("1", "{'oneOf': [1]}",
            "$: 'oneOf' must be a non-empty list of schemas");
    REFUSED("1", "{'not': 'x'}", "$: 'not' must be a schema");
}

/* oneOf/anyOf that fit nothing say why (issue 19): the closest schema's
 * first violation, or the schema a discriminator picks, walked as if it
 * stood alone; an enum inside a oneOf is checked at its own place. */
static void combinators_why(void **state)
{
    (void)state;
    /* The closest schema is the one with the fewest violations. */
    const char *two = "{'anyOf': [{'type': 'object', 'required': ['a', "
                      "'b']}, {'type': 'object', 'properties': {'state': "
                      "{'enum': ['OPEN', 'CLOSED']}}}]}";
    OK("{'state': 'OPEN'}", two);
    FAILS("{'state': 'open'}", two, "$: must match at least one of the 2 "
          "schemas of 'anyOf', matches none; the closest, schema 1 "
          "(counted from 0), says $.state: must be one of \"OPEN\", "
          "\"CLOSED\"");
    FAILS("{'x': 1}", "{'oneOf': [{'required': ['a', 'b']}, {'required': "
          "['a', 'b', 'c']}]}", "$: must match exactly one of the 2 schemas "
          "of 'oneOf', matches none; the closest, schema 0 (counted from "
          "0), says $: the property 'a' is required (and more)");
    /* Tools merged behind a discriminator: the schema its value picks. */
    const char *merged = "{'oneOf': [{'properties': {'method': {'const': "
                         "'list'}, 'state': {'enum': ['OPEN', 'CLOSED']}}, "
                         "'required': ['method']}, {'properties': {'method':"
                         " {'const': 'get'}, 'id': {'type': 'integer'}}, "
                         "'required': ['method', 'id']}]}";
    OK("{'method': 'list', 'state': 'OPEN'}", merged);
    OK("{'method': 'get', 'id': 3}", merged);
    FAILS("{'method': 'list', 'state': 'open'}", merged,
          "$.state: must be one of \"OPEN\", \"CLOSED\"");
    FAILS("{'method': 'get'}", merged, "$: the property 'id' is required");
    FAILS("{'method': 'delete'}", merged, "$.method: must be one of "
          "\"list\", \"get\" (the property that picks one of the 2 "
          "schemas of 'oneOf')");
    run("{'method': 'list', 'state': 1}", merged, NULL, SCHEMA_POINTER,
        "/state: must be one of \"OPEN\", \"CLOSED\"", NULL);
    run("{'method': 'put'}", merged, NULL, SCHEMA_POINTER, "/method: must "
        "be one of \"list\", \"get\" (the property that picks one of "
        "the 2 schemas of 'oneOf')", NULL);
    /* Without the discriminator: the closest schema. */
    FAILS("{'id': 3}", merged, "$: must match exactly one of the 2 schemas "
          "of 'oneOf', matches none; the closest, schema 0 (counted from "
          "0), says $: the property 'method' is required");
    /* An enum of one value is a discriminator too; two schemas fixing the
     * same value are not. */
    FAILS("{'kind': 'c'}", "{'anyOf': [{'properties': {'kind': {'enum': "
          "['a']}}}, {'properties': {'kind': {'const': 'b'}}}]}",
          "$.kind: must be one of \"a\", \"b\" (the property that picks "
          "one of the 2 schemas of 'anyOf')");
    FAILS("{'kind': 'c'}", "{'anyOf': [{'properties': {'kind': {'const': "
          "'a'}}}, {'properties': {'kind': {'const': 'a'}}}]}",
          "$: must match at least one of the 2 schemas of 'anyOf', matches "
          "none; the closest, schema 0 (counted from 0), says $.kind: must "
          "be \"a\"");
    /* Nested: a oneOf inside a property inside an allOf, and an allOf
     * inside a oneOf's schema. */
    const char *nested = "{'allOf': [{'properties': {'filter': {'oneOf': "
                         "[{'type': 'string', 'enum': ['all', 'none']}, "
                         "{'type': 'array', 'items': {'type': 'string'}}]}}}"
                         ", {'required': ['filter']}]}";
    OK("{'filter': 'all'}", nested);
    OK("{'filter': ['a', 'b']}", nested);
    FAILS("{'filter': 'some'}", nested, "$.filter: must match exactly one "
          "of the 2 schemas of 'oneOf', matches none; the closest, schema 0 "
          "(counted from 0), says $.filter: must be one of \"all\", "
          "\"none\"");
    run("{'filter': [1]}", nested, NULL, SCHEMA_POINTER, "/filter: must "
        "match exactly one of the 2 schemas of 'oneOf', matches none; the "
        "closest, schema 1 (counted from 0), says /filter/0: expected "
        "string, found integer", NULL);
    FAILS("{}", nested, "$: the property 'filter' is required");
    const char *inner = "{'oneOf': [{'allOf': [{'type': 'integer'}, "
                        "{'maximum': 9}]}, {'type': 'string'}]}";
    OK("9", inner);
    FAILS("10", inner, "$: must match exactly one of the 2 schemas of "
          "'oneOf', matches none; the closest, schema 0 (counted from 0), "
          "says $: must be at most 9, found 10");
    /* Inside a not or another combinator's try, nothing is reported. */
    OK("'x'", "{'not': {'oneOf': [{'type': 'integer'}]}}");
}

static void refs(void **state)
{
    (void)state;
    const char *defs = "{'$defs': {'pos': {'type': 'integer', 'minimum': "
                       "1}}, 'properties': {'a': {'$ref': '#/$defs/pos'}, "
                       "'b': {'$ref': '#/definitions/n'}}, 'definitions': "
                       "{'n': {'type': 'null'}}}";
    OK("{'a': 1, 'b': null}", defs);
    FAILS("{'a': 0, 'b': 1}", defs, "$.a: must be at least 1, found 0 | "
          "$.b: expected null, found integer");
    /* Recursion that descends the value is allowed. */
    const char *tree = "{'type': 'object', 'properties': {'kids': {'type': "
                       "'array', 'items': {'$ref': '#'}}}}";
    OK("{'kids': [{'kids': []}, {}]}", tree);
    FAILS("{'kids': [{'kids': [1]}]}", tree,
          "$.kids[0].kids[0]: expected object, found integer");
    /* JSON pointer escapes. */
    OK("1", "{'$ref': '#/$defs/a~1b', '$defs': {'a/b': {'type': "
       "'integer'}}}");
    REFUSED("1", "{'$ref': '#/$defs/none'}", "$: '$ref' #/$defs/none "
            "points to nothing");
    REFUSED("1", "{'$ref': '#'}", "$: '$ref' # loops back to itself");
    REFUSED("1", "{'$defs': {'a': {'$ref': '#/$defs/b'}, 'b': {'$ref': "
            "'#/$defs/a'}}, '$ref': '#/$defs/a'}",
            "$: '$ref' #/$defs/a loops back to itself");
    REFUSED("1", "{'$ref': '#anchor'}", "$: '$ref' #anchor: only JSON "
            "pointers (#/...) are supported after '#', not anchors");
    REFUSED("1", "{'$ref': 'other.json'}", "$: '$ref' names the file "
            "'other.json', but this schema has no folder to find it in");
    REFUSED("1", "{'$ref': '../x.json'}", "$: '$ref' may name only a file "
            "next to the schema (letters, digits, '.', '_' and '-'), not "
            "'../x.json'");
}

static void refs_across_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/mig-schema-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/common.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"$defs\": {\"id\": {\"type\": \"string\", \"pattern\": \"^t\"},"
          " \"again\": {\"$ref\": \"#/$defs/id\"}}}", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/bad.json", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"$defs\": ", f);
    fclose(f);
    const char *s = "{'properties': {'a': {'$ref': 'common.json#/$defs/id'},"
                    " 'b': {'$ref': 'common.json#/$defs/again'}}}";
    run("{'a': 't1', 'b': 't2'}", s, dir, 0, "", NULL);
    run("{'a': 'x', 'b': 'y'}", s, dir, SCHEMA_POINTER,
        "/a: must match the pattern ^t | /b: must match the pattern ^t",
        NULL);
    run("1", "{'$ref': 'missing.json'}", dir, 0, NULL, "$: '$ref' names the "
        "file 'missing.json', which cannot be read as a schema");
    run("1", "{'$ref': 'bad.json#/$defs'}", dir, 0, NULL, "$: '$ref' names "
        "the file 'bad.json', which cannot be read as a schema");
    unlink(path);
    snprintf(path, sizeof path, "%s/common.json", dir);
    unlink(path);
    rmdir(dir);
}

static void pointers(void **state)
{
    (void)state;
    run("{'a/b': [0, 'x'], 'c~': 1}", "{'properties': {'a/b': {'items': "
        "{'type': 'integer'}}, 'c~': {'type': 'string'}}}", NULL,
        SCHEMA_POINTER, "/a~1b/1: expected integer, found string | /c~0: "
        "expected string, found integer", NULL);
}

static void schema_alone(void **state)
{
    (void)state;
    strbuf_t why;
    strbuf_init(&why);
    val_t *s = json_value("{'anyOf': [{'type': 'string'}, {'items': {'type': "
                    "'text'}}], 'prefixItems': [true], 'if': false, "
                    "'$ref': '#/x', '$defs': {'a': {}}}");
    assert_int_equal(schema_check(s, "schema", 0, &why), MIG_EINVALID);
    assert_string_equal(why.data, "schema.anyOf[1].items: 'type' names "
                        "an unknown type (the types are null, boolean, "
                        "integer, number, string, array, object and "
                        "duration)");
    val_unref(s);
    why.len = 0;
    s = json_value("{'$defs': {'a': {'pattern': '('}}}");
    assert_int_equal(schema_check(s, "schema", 0, &why), MIG_EINVALID);
    assert_string_equal(why.data, "schema[\"\\$defs\"].a: '(': the pattern is not "
                        "a valid regular expression: missing closing "
                        "parenthesis at offset 1");
    val_unref(s);
    strbuf_free(&why);
}

static void regex_limits(void **state)
{
    (void)state;
    strbuf_t why;
    strbuf_init(&why);
    bool found;
    /* A catastrophic pattern stops at the match limit. */
    const char *evil = "^(a+)+$";
    char text[64];
    memset(text, 'a', 40);
    text[40] = 'b';
    assert_int_equal(regex_search(evil, strlen(evil), text, 41, &found,
                                  &why), MIG_EINVALID);
    assert_string_equal(why.data, "the pattern could not be matched: match "
                        "limit exceeded (the match limit is 1000000 steps)");
    why.len = 0;
    /* The longest pattern is taken, one more byte is not. */
    char *pat = malloc(REGEX_PATTERN_MAX + 2);
    assert_non_null(pat);
    memset(pat, 'a', REGEX_PATTERN_MAX + 1);
    assert_int_equal(regex_search(pat, REGEX_PATTERN_MAX, "a", 1, &found,
                                  &why), MIG_OK);
    assert_false(found);
    assert_int_equal(regex_search(pat, REGEX_PATTERN_MAX + 1, "a", 1, &found,
                                  &why), MIG_EINVALID);
    assert_string_equal(why.data, "the pattern is 4097 bytes long; the most "
                        "is 4096");
    free(pat);
    why.len = 0;
    assert_int_equal(regex_search("a", 1, "\xff", 1, &found, &why),
                     MIG_EINVALID);
    assert_string_equal(why.data, "a pattern and its text must be UTF-8");
    /* More patterns than the cache holds: each still matches. */
    for (int i = 0; i < REGEX_CACHE_SIZE + 2; i++) {
        char p[16], t[16];
        snprintf(p, sizeof p, "^n%d$", i);
        snprintf(t, sizeof t, "n%d", i);
        assert_int_equal(regex_search(p, strlen(p), t, strlen(t), &found,
                                      &why), MIG_OK);
        assert_true(found);
    }
    strbuf_free(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(types_and_values),
        cmocka_unit_test(numbers),
        cmocka_unit_test(strings),
        cmocka_unit_test(arrays),
        cmocka_unit_test(objects),
        cmocka_unit_test(combinators),
        cmocka_unit_test(combinators_why),
        cmocka_unit_test(refs),
        cmocka_unit_test(refs_across_files),
        cmocka_unit_test(pointers),
        cmocka_unit_test(schema_alone),
        cmocka_unit_test(regex_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
