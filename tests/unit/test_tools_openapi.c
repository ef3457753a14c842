/* test_tools_openapi.c: one OpenAPI 3.0/3.1 or Swagger 2.0 document
 * becoming tools (reader_openapi.c, reader_openapi_ref.c): parameters
 * and request bodies merged into one input schema, $ref within the
 * document and across files, cycles, the bounds of resolution at their
 * limits, base URLs, and the checks of paths (a path template without its
 * parameter, duplicate operationIds, operations that are not maps). */
#include "plugin_fixture.h"

static void inputs_merged(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("merge.yaml",
        "openapi: 3.0.3\n"
        "info: {title: T, version: '2'}\n"
        "servers:\n"
        "  - url: 'https://{region}.example.com/v1'\n"
        "    variables: {region: {default: eu}}\n"
        "paths:\n"
        "  /users/{id}:\n"
        "    parameters:\n"
        "      - {name: id, in: path, schema: {type: integer}}\n"
        "      - {name: trace, in: header, schema: {type: string}}\n"
        "    put:\n"
        "      operationId: updateUser\n"
        "      summary: Update\n"
        "      description: Updates a user\n"
        "      parameters:\n"
        "        - {name: trace, in: header, required: true, "
        "description: Trace id, schema: {type: string, format: uuid}}\n"
        "        - {name: dry, in: query, schema: {type: boolean}}\n"
        "      requestBody:\n"
        "        required: true\n"
        "        content:\n"
        "          text/plain: {schema: {type: string}}\n"
        "          application/json:\n"
        "            schema:\n"
        "              type: object\n"
        "              required: [name]\n"
        "              properties: {name: {type: string}, "
        "age: {type: integer}}\n"
        "      responses:\n"
        "        '404': {description: no}\n"
        "        '200':\n"
        "          description: ok\n"
        "          content:\n"
        "            application/json: {schema: {type: object}}\n"
        "      security: []\n"
        "      tags: [users]\n"
        "      x-owner: ops\n"
        "  /health:\n"
        "    servers: [{url: 'https://health.example.com'}]\n"
        "    get: {operationId: health}\n"
        "    head:\n"
        "      operationId: ping\n"
        "      servers: [{url: 'https://ping.example.com/{v}', "
        "variables: {v: {default: v9}}}]\n"), "plugin.openapi", 3, 0);
    /* A path's and an operation's own servers win. */
    assert_string_equal(at_json(r, "tools/1/endpoint/url"),
                        "\"https://health.example.com\"");
    assert_string_equal(at_json(r, "tools/2/endpoint/url"),
                        "\"https://ping.example.com/v9\"");
    val_t *t = item(r, "tools", 0);
    assert_string_equal(json(get(t, "parameters")),
        "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
        "\"trace\":{\"type\":\"string\",\"format\":\"uuid\",\"description\":"
        "\"Trace id\"},\"dry\":{\"type\":\"boolean\"},\"name\":{\"type\":"
        "\"string\"},\"age\":{\"type\":\"integer\"}},\"required\":[\"id\","
        "\"trace\",\"name\"]}");
    assert_string_equal(json(get(t, "config")),
        "{\"content_type\":\"application/json\",\"in\":{\"id\":\"path\","
        "\"trace\":\"header\",\"dry\":\"query\",\"name\":\"body\",\"age\":"
        "\"body\"}}");
    assert_string_equal(json(get(t, "output")), "{\"type\":\"object\"}");
    assert_string_equal(json(get(t, "endpoint")),
        "{\"transport\":\"http\",\"url\":\"https://eu.example.com/v1\","
        "\"method\":\"PUT\",\"path\":\"/users/{id}\",\"server\":null}");
    assert_string_equal(json(get(t, "auth")), "{\"type\":\"none\"}");
    assert_string_equal(str(t, "title"), "Update");
    assert_string_equal(str(t, "description"), "Updates a user");
    assert_string_equal(str(t, "version"), "2");
    assert_string_equal(json(get(t, "extra")),
                        "{\"tags\":[\"users\"],\"x-owner\":\"ops\"}");
    assert_int_equal(n_of(r, "problems"), 0);
    val_unref(r);
}

/* A body whose properties clash with a parameter, or that is no plain
 * object, goes under "body". */
static void body_under_body(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("clash.json",
        "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"T\", \"version\": "
        "\"1\"}, \"servers\": [{\"url\": \"https://e\"}], \"paths\": {"
        "\"/a/{id}\": {\"post\": {\"operationId\": \"a\", \"parameters\": "
        "[{\"name\": \"id\", \"in\": \"path\", \"required\": true, "
        "\"schema\": {\"type\": \"string\"}}], \"requestBody\": {\"content\":"
        " {\"application/json\": {\"schema\": {\"type\": \"object\", "
        "\"properties\": {\"id\": {\"type\": \"integer\"}}}}}}}},"
        "\"/b\": {\"post\": {\"operationId\": \"b\", \"requestBody\": "
        "{\"required\": true, \"content\": {\"application/vnd.api+json\": "
        "{\"schema\": {\"type\": \"array\", \"items\": {\"type\": "
        "\"string\"}}}}}}},"
        "\"/c\": {\"post\": {\"operationId\": \"c\", \"parameters\": "
        "[{\"name\": \"body\", \"in\": \"query\", \"schema\": {}}], "
        "\"requestBody\": {\"content\": {\"application/json\": {\"schema\": "
        "{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}}}}}}"
        "}}"), "plugin.openapi", 3, 0);
    assert_string_equal(at_json(r, "tools/0/parameters/properties"),
        "{\"id\":{\"type\":\"string\"},\"body\":{\"type\":\"object\","
        "\"properties\":{\"id\":{\"type\":\"integer\"}}}}");
    assert_string_equal(at_json(r, "tools/0/parameters/required"),
                        "[\"id\"]");
    assert_string_equal(at_json(r, "tools/1/parameters"),
        "{\"type\":\"object\",\"properties\":{\"body\":{\"type\":\"array\","
        "\"items\":{\"type\":\"string\"}}},\"required\":[\"body\"]}");
    assert_string_equal(at_json(r, "tools/1/config/content_type"),
                        "\"application/vnd.api+json\"");
    assert_non_null(at(r, "tools/2/parameters/properties/requestBody/oneOf"));
    assert_true(has_problem(r, "warning", "a parameter is named 'body': the "
                "request body is read as 'requestBody'"));
    val_unref(r);
}

/* $ref within the document, to a parameter, a request body and a
 * response; one that comes back to itself; one that goes nowhere. */
static void refs_and_cycles(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("refs.yaml",
        "openapi: 3.0.0\n"
        "info: {title: T, version: '1'}\n"
        "servers: [{url: 'https://e'}]\n"
        "paths:\n"
        "  /tree:\n"
        "    post:\n"
        "      operationId: putTree\n"
        "      parameters: [{$ref: '#/components/parameters/Depth'}]\n"
        "      requestBody: {$ref: '#/components/requestBodies/Tree'}\n"
        "      responses:\n"
        "        '201': {$ref: '#/components/responses/Done'}\n"
        "  /bad:\n"
        "    get:\n"
        "      operationId: bad\n"
        "      parameters:\n"
        "        - {name: q, in: query,\n"
        "           schema: {$ref: '#/components/schema/Q'}}\n"
        "      responses: {'200': {description: ok}}\n"
        "components:\n"
        "  parameters:\n"
        "    Depth: {name: depth, in: query, schema: {type: integer}}\n"
        "  requestBodies:\n"
        "    Tree:\n"
        "      required: true\n"
        "      content: {application/json: {schema: "
        "{$ref: '#/components/schemas/Node'}}}\n"
        "  responses:\n"
        "    Done:\n"
        "      description: done\n"
        "      content: {application/json: {schema: "
        "{$ref: '#/components/schemas/Node'}}}\n"
        "  schemas:\n"
        "    Node:\n"
        "      type: object\n"
        "      properties:\n"
        "        value: {type: string}\n"
        "        children: {type: array, items: "
        "{$ref: '#/components/schemas/Node'}}\n"), "plugin.openapi", 2, 0);
    assert_string_equal(at_json(r, "tools/0/parameters"),
        "{\"type\":\"object\",\"properties\":{\"depth\":{\"type\":"
        "\"integer\"},\"value\":{\"type\":\"string\"},\"children\":{\"type\":"
        "\"array\",\"items\":{\"$ref\":\"#/$defs/Node\"}}},\"$defs\":{\"Node\":"
        "{\"type\":\"object\",\"properties\":{\"value\":{\"type\":\"string\"},"
        "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/"
        "Node\"}}}}}}");
    assert_string_equal(at_json(r, "tools/0/output/$defs/Node/properties/"
                                   "children/items"),
                        "{\"$ref\":\"#/$defs/Node\"}");
    assert_true(has_problem(r, "warning", "$ref '#/components/schemas/Node' "
                "refers back to itself: kept once as #/$defs/Node"));
    assert_string_equal(at_json(r, "tools/1/parameters/properties/q"), "{}");
    assert_true(has_problem(r, "error", "broken $ref '#/components/schema/Q': "
                "no such place in the document; read as {} (any value)"));
    val_unref(r);
}

/* Files next to the document: found, missing, not JSON or YAML; another
 * host's is not fetched. */
static void refs_across_files(void **state)
{
    (void)state;
    mkdir(in_scratch("x"), 0755);
    mkdir(in_scratch("x/schemas"), 0755);
    put_str("x/schemas/common.yaml",
            "Id: {type: string, pattern: '^[a-z]+$'}\n"
            "Pair: {type: object, properties: {a: {$ref: '#/Id'}, "
            "b: {$ref: 'other.json#/B'}}}\n");
    put_str("x/schemas/other.json", "{\"B\": {\"type\": \"number\"}}");
    put_str("x/notes.txt", "\x01\x02 not a document");
    val_t *r = expect_read(put_str("x/api.yaml",
        "swagger: '2.0'\n"
        "info: {title: T, version: '1'}\n"
        "host: api.example.com\n"
        "basePath: /v2\n"
        "schemes: [https, http]\n"
        "paths:\n"
        "  /p:\n"
        "    post:\n"
        "      operationId: p\n"
        "      parameters:\n"
        "        - {name: pair, in: body, schema: "
        "{$ref: 'schemas/common.yaml#/Pair'}}\n"
        "        - {name: gone, in: query, type: string}\n"
        "        - {name: file, in: formData, type: file}\n"
        "      responses:\n"
        "        '200': {description: ok, schema: "
        "{$ref: './schemas/missing.yaml#/X'}}\n"
        "        default: {description: e, schema: "
        "{$ref: 'notes.txt#/E'}}\n"
        "  /q:\n"
        "    get:\n"
        "      operationId: q\n"
        "      responses:\n"
        "        '200': {description: ok, schema: "
        "{$ref: 'https://elsewhere.example/s.json#/S'}}\n"),
        "plugin.openapi", 2, 0);
    assert_string_equal(at_json(r, "tools/0/parameters"),
        "{\"type\":\"object\",\"properties\":{\"gone\":{\"type\":\"string\"},"
        "\"file\":{\"type\":\"file\"},\"a\":{\"type\":\"string\",\"pattern\":"
        "\"^[a-z]+$\"},\"b\":{\"type\":\"number\"}}}");
    assert_string_equal(at_json(r, "tools/0/config/in"),
        "{\"gone\":\"query\",\"file\":\"formData\",\"a\":\"body\",\"b\":"
        "\"body\"}");
    assert_string_equal(at_json(r, "tools/0/endpoint/url"),
                        "\"https://api.example.com/v2\"");
    assert_string_equal(at_json(r, "tools/0/output"), "{}");
    assert_true(has_problem(r, "error", "broken $ref './schemas/missing.yaml"
                "#/X': the file './schemas/missing.yaml' is not next to the "
                "document"));
    assert_string_equal(at_json(r, "tools/1/output"),
                        "{\"$ref\":\"https://elsewhere.example/s.json#/S\"}");
    assert_true(has_problem(r, "warning", "names another host: not fetched"));
    val_unref(r);
    /* The default response is read only when there is no 2xx. */
    r = read_path(put_str("x/d.yaml",
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n"
        "  /d: {get: {responses: {default: {description: e, schema: "
        "{$ref: 'notes.txt#/E'}}}}}\n"));
    assert_true(has_problem(r, "error", "broken $ref 'notes.txt#/E': the "
                "file 'notes.txt' is not next to the document or is not JSON "
                "or YAML"));
    assert_string_equal(str(item(r, "tools", 0), "name"), "get_d");
    assert_true(has_problem(r, "warning", "no servers (host): the base URL "
                                          "is unknown"));
    val_unref(r);
}

/* A chain of references nests up to OPENAPI_REF_DEPTH (64) deep. */
static const char *ref_chain(int n)
{
    static char buf[16384];
    int k = snprintf(buf, sizeof buf,
                     "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"T\", "
                     "\"version\": \"1\"}, \"paths\": {\"/a\": {\"get\": {"
                     "\"operationId\": \"a\", \"parameters\": [{\"name\": "
                     "\"x\", \"in\": \"query\", \"schema\": {\"$ref\": "
                     "\"#/components/schemas/S1\"}}]}}}, \"components\": "
                     "{\"schemas\": {");
    for (int i = 1; i <= n; i++)
        k += snprintf(buf + k, sizeof buf - (size_t)k,
                      i < n ? "\"S%d\": {\"$ref\": \"#/components/schemas/"
                              "S%d\"}, "
                            : "\"S%d\": {\"type\": \"string\"}", i, i + 1);
    snprintf(buf + k, sizeof buf - (size_t)k, "}}}");
    return put_str("chain.json", buf);
}

static void ref_depth_bound(void **state)
{
    (void)state;
    /* 64 references: S1 .. S64, the last a schema. */
    val_t *r = read_path(ref_chain(OPENAPI_REF_DEPTH));
    assert_string_equal(at_json(r, "tools/0/parameters/properties/x"),
                        "{\"type\":\"string\"}");
    assert_false(has_problem(r, "error", "nest deeper"));
    val_unref(r);
    r = read_path(ref_chain(OPENAPI_REF_DEPTH + 1));
    assert_string_equal(at_json(r, "tools/0/parameters/properties/x"), "{}");
    assert_true(has_problem(r, "error", "references nest deeper than 64 or "
                                        "expand more than 20000 times"));
    val_unref(r);
}

/* One schema expands at most OPENAPI_REF_EXPANSIONS (20000) references:
 * a parameter whose allOf holds N of them. */
static const char *ref_fan(const char *name, int n)
{
    size_t cap = (size_t)n * 48 + 512;
    char *buf = malloc(cap);
    assert_non_null(buf);
    int k = snprintf(buf, cap,
                     "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"T\", "
                     "\"version\": \"1\"}, \"paths\": {\"/a\": {\"get\": {"
                     "\"operationId\": \"a\", \"parameters\": [{\"name\": "
                     "\"x\", \"in\": \"query\", \"schema\": {\"allOf\": [");
    for (int i = 0; i < n; i++)
        k += snprintf(buf + k, cap - (size_t)k, "%s{\"$ref\": \"#/components/"
                      "schemas/S\"}", i ? ", " : "");
    snprintf(buf + k, cap - (size_t)k, "]}}]}}}, \"components\": "
             "{\"schemas\": {\"S\": {\"type\": \"string\"}}}}");
    const char *p = put_str(name, buf);
    free(buf);
    return p;
}

static void ref_expansion_bound(void **state)
{
    (void)state;
    val_t *r = read_path(ref_fan("fan1.json", OPENAPI_REF_EXPANSIONS));
    assert_int_equal(n_of(r, "problems"), 1);   /* no servers */
    assert_string_equal(at_json(r, "tools/0/parameters/properties/x/allOf/"
                                   "19999"), "{\"type\":\"string\"}");
    val_unref(r);
    r = read_path(ref_fan("fan2.json", OPENAPI_REF_EXPANSIONS + 1));
    assert_string_equal(at_json(r, "tools/0/parameters/properties/x/allOf/"
                                   "20000"), "{}");
    assert_string_equal(at_json(r, "tools/0/parameters/properties/x/allOf/"
                                   "19999"), "{\"type\":\"string\"}");
    assert_true(has_problem(r, "error", "expand more than 20000 times"));
    val_unref(r);
}

/* A resolved value nests at most OPENAPI_VALUE_DEPTH (256) levels: a
 * parameter list (1), a parameter (2), its schema (3), and N - 3 more
 * `items`. */
static const char *deep_schema(const char *name, int n)
{
    static char buf[16384];
    int k = snprintf(buf, sizeof buf,
                     "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"T\", "
                     "\"version\": \"1\"}, \"paths\": {\"/a\": {\"get\": {"
                     "\"operationId\": \"a\", \"parameters\": [{\"name\": "
                     "\"x\", \"in\": \"query\", \"schema\": ");
    for (int i = 3; i < n; i++)
        k += snprintf(buf + k, sizeof buf - (size_t)k, "{\"items\": ");
    k += snprintf(buf + k, sizeof buf - (size_t)k, "{\"type\": \"string\"}");
    for (int i = 3; i < n; i++)
        k += snprintf(buf + k, sizeof buf - (size_t)k, "}");
    snprintf(buf + k, sizeof buf - (size_t)k, "}]}}}}");
    return put_str(name, buf);
}

static void value_depth_bound(void **state)
{
    (void)state;
    val_t *r = read_path(deep_schema("deep1.json", OPENAPI_VALUE_DEPTH));
    assert_string_equal(str(r, "format"), "plugin.openapi");
    assert_false(has_problem(r, "error", "nests deeper"));
    val_unref(r);
    r = read_path(deep_schema("deep2.json", OPENAPI_VALUE_DEPTH + 1));
    assert_true(has_problem(r, "error", "a schema nests deeper than 256 "
                                        "levels"));
    assert_int_equal(n_of(r, "tools"), 1);
    val_unref(r);
}

/* A path template without its parameter, a parameter not in the
 * template, an operation that is not a map, duplicate operationIds,
 * names fitted from method and path. */
static void paths_checked(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("paths.yaml",
        "openapi: 3.0.0\ninfo: {title: T, version: '1'}\n"
        "servers: [{url: /rel}]\n"
        "paths:\n"
        "  /u/{uid}/posts/{pid}:\n"
        "    get:\n"
        "      operationId: dup\n"
        "      parameters: [{name: uid, in: path, schema: {type: string}},\n"
        "                   {name: zzz, in: path, schema: {type: string}}]\n"
        "  /v:\n"
        "    get: {operationId: dup}\n"
        "    post: just a string\n"
        "  /v2/items.json:\n"
        "    delete: {}\n"
        "  /empty: {summary: nothing here}\n"
        "  x-note: {}\n"), "plugin.openapi", 3, 0);
    assert_string_equal(at_json(r, "tools/0/parameters/required"),
                        "[\"uid\",\"zzz\",\"pid\"]");
    assert_true(has_problem(r, "warning", "the path template names {pid} but "
                "no path parameter declares it: read as a required string"));
    assert_true(has_problem(r, "warning", "path parameter 'zzz' is not in "
                                          "the path template"));
    assert_true(has_problem(r, "warning", "duplicate operationId 'dup'"));
    assert_true(has_problem(r, "error", "post /v is a string, not an "
                                        "operation: not read"));
    assert_string_equal(str(item(r, "tools", 2), "name"),
                        "delete_v2_items_json");
    assert_true(has_problem(r, "warning", "path '/empty' has no operations"));
    assert_true(has_problem(r, "warning", "the server URL '/rel' is "
                                          "relative: kept as it is"));
    assert_string_equal(at_json(r, "tools/0/endpoint/url"), "\"/rel\"");
    val_unref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inputs_merged),
        cmocka_unit_test(body_under_body),
        cmocka_unit_test(refs_and_cycles),
        cmocka_unit_test(refs_across_files),
        cmocka_unit_test(ref_depth_bound),
        cmocka_unit_test(ref_expansion_bound),
        cmocka_unit_test(value_depth_bound),
        cmocka_unit_test(paths_checked),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
