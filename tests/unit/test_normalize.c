/* test_normalize.c: tools.normalize's rules one by one (stdlib/tools/
 * normalize.c, normalize_schema.c; docs/registry.md, "Normalisation"):
 * each schema rule, the name rule at its bound, fields kept in config or
 * reported, the digest, servers and backends, and descriptors that stay
 * invalid. Records are built as docs/legacy-formats.md says readers give
 * them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize_int.h"
#include "json_fixture.h"

#define PROV "'provenance': {'file': 'a.json', 'pointer': '/0', " \
             "'format': 'openai.tools', 'digest': 'blake2b:" \
             "0000000000000000000000000000000000000000000000000000000000000000'}"


static char *text(const val_t *v)
{
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_to_json(v, &b, 0), MIG_OK);
    return b.data;
}

/* Normalises RECORD (JSON, ' for ") as KIND: the descriptor's member KEY
 * must be WANT (JSON, ' for "), the change lines joined by " | " CHANGES,
 * and the validation errors ERRORS ("" when valid). */
static void expect(const char *record, const char *kind, const char *key,
                   const char *want, const char *changes, const char *errors)
{
    val_t *rec = json_value(record), *d = NULL, *ch = NULL;
    val_t *errs = val_list_new(0);
    assert_int_equal(tools_normalize(rec, kind, &d, &ch, errs), MIG_OK);
    if (key) {
        val_t *w = json_value(want);
        val_t *g = val_map_get(d, key, strlen(key));
        char *got = g ? text(g) : strdup("null");
        char *exp = text(w);
        assert_string_equal(got, exp);
        free(got);
        free(exp);
        val_unref(w);
    }
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < val_len(ch); i++)
        strbuf_printf(&b, "%s%s", i ? " | " : "",
                      val_get_str(val_list_get(ch, i), NULL));
    assert_string_equal(b.data ? b.data : "", changes);
    b.len = 0;
    if (b.data)
        b.data[0] = '\0';
    for (size_t i = 0; i < val_len(errs); i++) {
        const val_t *e = val_list_get(errs, i);
        strbuf_printf(&b, "%s%s: %s", i ? " | " : "",
                      val_get_str(val_map_get(e, "pointer", 7), NULL),
                      val_get_str(val_map_get(e, "message", 7), NULL));
    }
    assert_string_equal(b.data ? b.data : "", errors);
    strbuf_free(&b);
    val_unref(errs);
    val_unref(d);
    val_unref(ch);
    val_unref(rec);
}

/* A tool record with PARAMS as its parameters: its inputSchema must be
 * WANT, the changes CHANGES. */
static void params(const char *p, const char *want, const char *changes)
{
    char rec[2048];
    snprintf(rec, sizeof rec, "{'name': 't', 'description': 'd', "
             "'parameters': %s, " PROV "}", p);
    expect(rec, NULL, "inputSchema", want, changes, "");
}

static void type_names(void **state)
{
    (void)state;
    params("{'type': 'dict', 'properties': {'a': {'type': 'String'}, "
           "'b': {'type': 'float'}, 'c': {'type': 'int'}, 'd': {'type': "
           "'bool'}, 'e': {'type': 'list', 'items': {'type': 'str'}}, "
           "'f': {'type': 'tuple'}, 'g': {'type': 'Object'}}}",
           "{'type': 'object', 'properties': {'a': {'type': 'string'}, "
           "'b': {'type': 'number'}, 'c': {'type': 'integer'}, 'd': "
           "{'type': 'boolean'}, 'e': {'type': 'array', 'items': {'type': "
           "'string'}}, 'f': {'type': 'array'}, 'g': {'type': 'object'}}}",
           "inputSchema: type 'dict' read as 'object' | "
           "inputSchema.properties.a: type 'String' read as 'string' | "
           "inputSchema.properties.b: type 'float' read as 'number' | "
           "inputSchema.properties.c: type 'int' read as 'integer' | "
           "inputSchema.properties.d: type 'bool' read as 'boolean' | "
           "inputSchema.properties.e: type 'list' read as 'array' | "
           "inputSchema.properties.e.items: type 'str' read as 'string' | "
           "inputSchema.properties.f: type 'tuple' read as 'array' | "
           "inputSchema.properties.g: type 'Object' read as 'object'");
    params("{'type': 'object', 'properties': {'u': {'type': 'uri'}, "
           "'x': {'type': 'any'}, 'e': {'type': ''}, 'q': {'type': "
           "'quux'}, 'l': {'type': ['String', 'null', 'string']}}}",
           "{'type': 'object', 'properties': {'u': {'type': 'string', "
           "'format': 'uri'}, 'x': {}, 'e': {}, 'q': {}, 'l': {'type': "
           "['string', 'null']}}}",
           "inputSchema.properties.u: type 'uri' read as 'string' (format "
           "uri) | inputSchema.properties.x: type 'any' read as any value | "
           "inputSchema.properties.e: an empty type (dropped: any value) | "
           "inputSchema.properties.q: unknown type 'quux' (dropped: any "
           "value) | inputSchema.properties.l: type 'String' read as "
           "'string'");
}

static void drafts(void **state)
{
    (void)state;
    params("{'type': 'object', 'properties': {'n': {'type': 'integer', "
           "'minimum': 0, 'exclusiveMinimum': true, 'maximum': 9, "
           "'exclusiveMaximum': false}, 'r': {'$ref': "
           "'#/definitions/r'}}, 'definitions': {'r': {'type': 'string', "
           "'nullable': true}}}",
           "{'type': 'object', 'properties': {'n': {'type': 'integer', "
           "'exclusiveMinimum': 0, 'maximum': 9}, 'r': {'$ref': "
           "'#/$defs/r'}}, '$defs': {'r': {'type': ['string', 'null']}}}",
           "inputSchema: definitions read as $defs (draft-07 to 2020-12) | "
           "inputSchema.properties.n: exclusiveMinimum: true with minimum "
           "read as exclusiveMinimum (draft-04 to 2020-12) | "
           "inputSchema.properties.n: exclusiveMaximum: false removed "
           "(draft-04's default) | inputSchema.properties.r: $ref "
           "#/definitions/r read as #/$defs/r | inputSchema.$defs.r: "
           "nullable: true read as type [\"string\", \"null\"]");
    params("{'type': 'object', 'properties': {'p': {'type': 'array', "
           "'items': [{'type': 'string'}, {'type': 'int'}], "
           "'additionalItems': false}}, '$schema': "
           "'http://json-schema.org/draft-07/schema#'}",
           "{'type': 'object', 'properties': {'p': {'type': 'array', "
           "'prefixItems': [{'type': 'string'}, {'type': 'integer'}], "
           "'items': false}}, '$schema': "
           "'https://json-schema.org/draft/2020-12/schema'}",
           "inputSchema.properties.p: items read as prefixItems (a tuple) | "
           "inputSchema.properties.p: additionalItems read as items (after "
           "the tuple) | inputSchema.properties.p.prefixItems[1]: type "
           "'int' read as 'integer' | inputSchema: $schema set to 2020-12");
    params("{'type': 'object', 'dependencies': {'a': ['b']}}",
           "{'type': 'object', 'dependentRequired': {'a': ['b']}}",
           "inputSchema: dependencies read as dependentRequired (draft-07 "
           "to 2020-12)");
}

static void required_inside(void **state)
{
    (void)state;
    params("{'type': 'object', 'properties': {'a': {'type': 'string', "
           "'required': true}, 'b': {'type': 'string', 'required': false}}}",
           "{'type': 'object', 'properties': {'a': {'type': 'string'}, "
           "'b': {'type': 'string'}}, 'required': ['a']}",
           "inputSchema.properties.a: required: true moved to the object's "
           "required list | inputSchema.properties.b: required: false "
           "removed (the default)");
    /* Added to a required list the schema already has (as the plugin
     * quickstart's OpenAPI document does), which the record as read
     * still holds: the record is left as it was. */
    const char *rec = "{'name': 't', 'description': 'd', 'parameters': "
        "{'type': 'object', 'required': ['a'], 'properties': {'a': {}, "
        "'b': {'required': true}}}, " PROV "}";
    val_t *r = json_value(rec), *d = NULL, *ch = NULL, *errs = val_list_new(0);
    assert_int_equal(tools_normalize(r, NULL, &d, &ch, errs), MIG_OK);
    char *got = text(val_map_get(val_map_get(d, "inputSchema", 11),
                                 "required", 8));
    assert_string_equal(got, "[\"a\",\"b\"]");
    free(got);
    got = text(val_map_get(val_map_get(r, "parameters", 10), "required", 8));
    assert_string_equal(got, "[\"a\"]");
    free(got);
    val_unref(errs);
    val_unref(d);
    val_unref(ch);
    val_unref(r);
    params("{'properties': {'a': {}}}",
           "{'properties': {'a': {}}, 'type': 'object'}",
           "inputSchema: type object added");
    params("null", "{'type': 'object', 'properties': {}}",
           "inputSchema: none given; an object schema with no properties");
    params("{'type': 'string'}",
           "{'type': 'object', 'properties': {'value': {'type': "
           "'string'}}, 'required': ['value']}",
           "inputSchema: not an object schema; wrapped as the required "
           "property 'value'");
}

static void names(void **state)
{
    (void)state;
    expect("{'name': 'get weather.now', 'description': '', " PROV "}",
           NULL, "name", "'get_weather_now'",
           "name: 'get weather.now' fitted to 'get_weather_now' (the "
           "original is kept in aliases) | inputSchema: none given; an "
           "object schema with no properties", "");
    expect("{'name': 'météo', 'description': '', " PROV "}", NULL,
           "aliases", "['météo']",
           "name: 'météo' fitted to 'm_t_o' (the original is kept in "
           "aliases) | inputSchema: none given; an object schema with no "
           "properties", "");
    /* 64 characters pass as they are; 65 are cut and hashed. */
    char rec[512], name[80];
    memset(name, 'a', 64);
    name[64] = '\0';
    snprintf(rec, sizeof rec, "{'name': '%s', 'description': '', 'parameters'"
             ": {'type': 'object'}, " PROV "}", name);
    expect(rec, NULL, "aliases", "null", "", "");
    name[64] = 'b';
    name[65] = '\0';
    snprintf(rec, sizeof rec, "{'name': '%s', 'description': '', 'parameters'"
             ": {'type': 'object'}, " PROV "}", name);
    val_t *r = json_value(rec), *d, *ch, *errs = val_list_new(0);
    assert_int_equal(tools_normalize(r, NULL, &d, &ch, errs), MIG_OK);
    const char *got = val_get_str(val_map_get(d, "name", 4), NULL);
    assert_int_equal(strlen(got), 64);
    assert_memory_equal(got, name, 55);
    assert_int_equal(got[55], '-');
    assert_int_equal(val_len(errs), 0);
    val_unref(r);
    val_unref(d);
    val_unref(ch);
    val_unref(errs);
    expect("{'description': 'x', " PROV "}", NULL, NULL, NULL,
           "name: none given (the descriptor cannot be valid) | "
           "inputSchema: none given; an object schema with no properties",
           ": the property 'name' is required");
}

static void kept_or_reported(void **state)
{
    (void)state;
    expect("{'name': 't', 'parameters': {'type': 'object'}, 'annotations': "
           "{'readOnlyHint': 'true', 'x-cost': 3}, 'extra': {'strict': "
           "true}, " PROV "}", NULL, "config",
           "{'extra': {'strict': true}, 'annotations': {'x-cost': 3}}",
           "description: none given, set to \"\" | extra: fields with no "
           "place in a descriptor (strict) kept in config.extra | "
           "annotations.readOnlyHint: not a boolean, read as true | "
           "annotations: hints MCP does not define (x-cost) kept in "
           "config.annotations", "");
    expect("{'name': 't', 'description': '', 'parameters': {'type': "
           "'object'}, 'endpoint': {'transport': 'http', 'method': 'post', "
           "'url': 'https://x'}, 'auth': {'type': 'apiKey', 'in': 'header', "
           "'name': 'X-Key', 'ref': 'env:X_KEY'}, " PROV "}", NULL, "auth",
           "{'type': 'api-key', 'in': 'header', 'name': 'X-Key', 'ref': "
           "'env:X_KEY', 'scheme': 'apiKey'}",
           "endpoint.method: 'post' read as 'POST' | auth.type: 'apiKey' "
           "read as 'api-key'", "");
    expect("{'name': 't', 'description': '', 'parameters': {'type': "
           "'object'}, 'endpoint': {'transport': 'grpc'}, 'version': 2, "
           PROV "}", NULL, "config", "{'endpoint': {'transport': 'grpc'}}",
           "version: the number 2 read as the string \"2\" | endpoint: "
           "unknown transport 'grpc' (kept in config.endpoint)", "");
}

static void digest_and_others(void **state)
{
    (void)state;
    /* The digest ignores key order and status. */
    val_t *a = json_value("{'name': 't', 'description': 'd', 'parameters': "
                    "{'type': 'object', 'properties': {'x': {}, 'y': {}}}, "
                    PROV "}");
    val_t *b = json_value("{" PROV ", 'parameters': {'properties': {'y': {}, "
                    "'x': {}}, 'type': 'object'}, 'description': 'd', "
                    "'name': 't'}");
    val_t *da, *db, *ca, *cb, *e = val_list_new(0);
    assert_int_equal(tools_normalize(a, NULL, &da, &ca, e), MIG_OK);
    assert_int_equal(tools_normalize(b, NULL, &db, &cb, e), MIG_OK);
    const char *ga = val_get_str(val_map_get(da, "digest", 6), NULL);
    assert_string_equal(ga, val_get_str(val_map_get(db, "digest", 6), NULL));
    assert_int_equal(strlen(ga), 8 + 64);
    char again[8 + BLOB_HEX];
    assert_int_equal(val_map_set_take(da, "status", 6,
                                      val_cstring("deprecated")), MIG_OK);
    assert_int_equal(tools_descriptor_digest(da, again), MIG_OK);
    assert_string_equal(again, ga);
    assert_int_equal(val_len(e), 0);
    val_unref(a);
    val_unref(b);
    val_unref(da);
    val_unref(db);
    val_unref(ca);
    val_unref(cb);
    val_unref(e);
    expect("{'name': 'fs', 'packages': [{'registry': 'npm'}], 'remotes': "
           "[], 'env': [{'name': 'TOKEN', 'secret': true}], 'weird': 1, "
           PROV "}", NULL, "kind", "'server'",
           "weird: no place in a server descriptor (dropped)", "");
    expect("{'name': 'kb', 'retriever': 'bm25', 'top_k': 5, 'placeholders': "
           "['${URL}'], 'extra': {'x': 1}, " PROV "}", NULL, "config",
           "{'extra': {'x': 1}}", "extra: fields with no place in a "
           "descriptor (x) kept in config.extra", "");
    expect("{'name': 'kb', 'top_k': 0, " PROV "}", "rag", NULL, NULL, "",
           "/top_k: must be at least 1, found 0");
    /* A kind the record names that is none of the three is not trusted. */
    expect("{'name': 'x', 'kind': 'gadget', 'description': '', 'parameters': "
           "{'type': 'object'}, " PROV "}", NULL, "kind", "'tool'",
           "kind: no place in a tool descriptor (dropped)", "");
}

/* What real files give that the descriptor cannot hold as it is: a
 * reference that is a template (a Copilot plugin's reference_id), a
 * backend's top_k left as a placeholder (private-gpt's settings.yaml). */
static void refs_and_placeholders(void **state)
{
    (void)state;
    /* A reference as given (JSON), the descriptor's member KEY, and the
     * change lines; at the bound, one character of name fits, none does
     * not. */
    static const char *const moved = " (kept in config.auth) | auth: fields "
                                     "with no place (ref) kept in "
                                     "config.auth";
    static const struct {
        const char *ref, *key, *want, *why;
    } rows[] = {
        { "'secret:{api_key_REGISTRATION_ID}'", "config",
          "{'auth': {'ref': 'secret:{api_key_REGISTRATION_ID}'}}",
          "auth.ref: 'secret:{api_key_REGISTRATION_ID}' is not env:NAME or "
          "secret:NAME" },
        { "7", "config", "{'auth': {'ref': 7}}",
          "auth.ref: a number, not env:NAME or secret:NAME" },
        { "'env:'", "config", "{'auth': {'ref': 'env:'}}",
          "auth.ref: 'env:' is not env:NAME or secret:NAME" },
        { "'secret:a'", "auth", "{'type': 'api-key', 'scheme': "
          "'ApiKeyPluginVault', 'ref': 'secret:a', 'in': 'query', 'name': "
          "'api_key'}", NULL },
        { "'env:A_B/c.d-e'", "auth", "{'type': 'api-key', 'scheme': "
          "'ApiKeyPluginVault', 'ref': 'env:A_B/c.d-e', 'in': 'query', "
          "'name': 'api_key'}", NULL },
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char rec[1024], why[512];
        snprintf(rec, sizeof rec, "{'name': 'apod', 'description': '', "
                 "'parameters': {'type': 'object'}, 'auth': {'type': "
                 "'api-key', 'scheme': 'ApiKeyPluginVault', 'ref': %s, 'in': "
                 "'query', 'name': 'api_key'}, " PROV "}", rows[i].ref);
        snprintf(why, sizeof why, "%s%s", rows[i].why ? rows[i].why : "",
                 rows[i].why ? moved : "");
        expect(rec, NULL, rows[i].key, rows[i].want, why, "");
    }
    /* The reference left out, the rest of the auth kept. */
    expect("{'name': 'apod', 'description': '', 'parameters': {'type': "
           "'object'}, 'auth': {'type': 'api-key', 'ref': 'env:'}, " PROV
           "}", NULL, "auth", "{'type': 'api-key'}",
           "auth.ref: 'env:' is not env:NAME or secret:NAME (kept in "
           "config.auth) | auth: fields with no place (ref) kept in "
           "config.auth", "");
    expect("{'name': 'kb', 'retriever': 'private-gpt', 'top_k': "
           "'${PGPT_RETRIEVAL_TOP_K:32}', 'placeholders': "
           "['${PGPT_RETRIEVAL_TOP_K:32}'], " PROV "}", "rag", "top_k", "null",
           "top_k: the placeholder '${PGPT_RETRIEVAL_TOP_K:32}' is not "
           "resolved (left out; config and placeholders keep it)", "");
    expect("{'name': 'kb', 'top_k': 1, " PROV "}", "rag", "top_k", "1", "",
           "");
}

/* Normalising never changes the record it reads (values are shared and
 * immutable): a required list that gains a name and a type list that gains
 * "null" are copies, and a name the list has already is not listed
 * twice. */
static void record_unchanged(void **state)
{
    (void)state;
    val_t *rec = json_value("{'name': 't', 'description': 'd', 'parameters': "
                      "{'type': 'object', 'required': ['a'], 'properties': "
                      "{'a': {'type': 'string', 'required': true}, 'b': "
                      "{'type': 'string', 'required': true}, 'c': {'type': "
                      "['string'], 'nullable': true}, 'd': {'type': [1], "
                      "'nullable': true}}}, " PROV "}");
    char *before = text(rec);
    val_t *d = NULL, *ch = NULL, *errs = val_list_new(0);
    assert_int_equal(tools_normalize(rec, NULL, &d, &ch, errs), MIG_OK);
    char *after = text(rec);
    assert_string_equal(after, before);
    char *schema = text(val_map_get(d, "inputSchema", 11));
    assert_string_equal(schema,
                        "{\"type\":\"object\",\"required\":[\"a\",\"b\"],"
                        "\"properties\":{\"a\":{\"type\":\"string\"},\"b\":"
                        "{\"type\":\"string\"},\"c\":{\"type\":[\"string\","
                        "\"null\"]},\"d\":{}}}");
    free(before);
    free(after);
    free(schema);
    val_unref(d);
    val_unref(ch);
    val_unref(errs);
    val_unref(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(type_names),
        cmocka_unit_test(drafts),
        cmocka_unit_test(required_inside),
        cmocka_unit_test(record_unchanged),
        cmocka_unit_test(refs_and_placeholders),
        cmocka_unit_test(names),
        cmocka_unit_test(kept_or_reported),
        cmocka_unit_test(digest_and_others),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
