/* test_adapt_openapi.c: OpenAPI 3.x documents as interfaces of the diff
 * and adapt.translate (stdlib/adapt_openapi.c; docs/recovery.md, "OpenAPI
 * documents"): each operation's tool (its name, parameters, request
 * body, $refs resolved), the bounds on $refs at N-1, N and N+1, every
 * document refused and why, operations renamed under the same method and
 * path, and a call translated from one document to the next. In the JSON
 * texts a ' stands for a ". */
#include "adapt_fixture.h"
#include "adapt_diff.h"

/* The tools of the OpenAPI document DOC in canonical text must be WANT. */
static void tools_are(const char *doc, const char *want)
{
    val_t *d = json_value(doc), *t = NULL;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(adapt_openapi_tools(d, &t, &why), MIG_OK);
    char *got = afx_text(t);
    assert_string_equal(got, want);
    free(got);
    strbuf_free(&why);
    val_unref(t);
    val_unref(d);
}

/* The document DOC (a strbuf's text, ' for ") must be refused with WHY. */
static void doc_refused(const char *doc, const char *want)
{
    val_t *d = json_value(doc), *t = NULL;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(adapt_openapi_tools(d, &t, &why), MIG_EINVALID);
    assert_null(t);
    assert_string_equal(why.data, want);
    strbuf_free(&why);
    val_unref(d);
}

#define DOC(paths, components)                                               \
    "{'openapi': '3.0.3', 'info': {'title': 't', 'version': '1'}, "          \
    "'paths': {" paths "}, 'components': {" components "}}"

static void operations(void **state)
{
    (void)state;
    /* The path item's parameters and the operation's (the operation's
     * win), a cookie left out, the JSON body's properties side by side,
     * nullable written as a null type, a parameter by $ref. */
    tools_are(DOC("'/pets/{petId}': {'parameters': [{'name': 'petId', "
                  "'in': 'path', 'schema': {'type': 'string'}}, {'name': "
                  "'v', 'in': 'query', 'schema': {'type': 'string'}}], "
                  "'put': {'operationId': 'updatePet', 'parameters': "
                  "[{'name': 'v', 'in': 'query', 'description': 'the "
                  "version', 'required': true, 'schema': {'type': "
                  "'integer'}}, {'name': 's', 'in': 'cookie'}, {'$ref': "
                  "'#/components/parameters/Trace'}], 'requestBody': "
                  "{'content': {'application/json': {'schema': {'$ref': "
                  "'#/components/schemas/Pet'}}}}}}",
                  "'parameters': {'Trace': {'name': 'X-Trace', 'in': "
                  "'header', 'schema': {'type': 'string'}}}, 'schemas': "
                  "{'Pet': {'type': 'object', 'required': ['name'], "
                  "'properties': {'name': {'type': 'string'}, 'tag': "
                  "{'type': 'string', 'nullable': true}}}}"),
              "[{\"name\": \"updatePet\", \"operation\": \"PUT "
              "/pets/{petId}\", \"inputSchema\": {\"type\": \"object\", "
              "\"properties\": {\"petId\": {\"type\": \"string\"}, \"v\": "
              "{\"type\": \"integer\", \"description\": \"the version\"}, "
              "\"X-Trace\": {\"type\": \"string\"}, \"name\": {\"type\": "
              "\"string\"}, \"tag\": {\"type\": [\"string\", \"null\"]}}, "
              "\"required\": [\"petId\", \"v\", \"name\"]}}]");
    /* No operationId: METHOD /path; a body without properties, or one
     * whose property a parameter's name takes, is kept whole as 'body';
     * a +json media type is JSON. */
    tools_are(DOC("'/tags': {'post': {'requestBody': {'required': true, "
                  "'content': {'application/merge-patch+json': {'schema': "
                  "{'type': 'array', 'items': {'type': 'string'}}}}}}, "
                  "'get': {'parameters': [{'name': 'q', 'in': 'query'}], "
                  "'requestBody': {'content': {'application/json': "
                  "{'schema': {'properties': {'q': {}}}}}}}}", ""),
              "[{\"name\": \"GET /tags\", \"operation\": \"GET /tags\", "
              "\"inputSchema\": {\"type\": \"object\", \"properties\": "
              "{\"q\": {}, \"body\": {\"properties\": {\"q\": {}}}}}}, "
              "{\"name\": \"POST /tags\", \"operation\": \"POST /tags\", "
              "\"inputSchema\": {\"type\": \"object\", \"properties\": "
              "{\"body\": {\"type\": \"array\", \"items\": {\"type\": "
              "\"string\"}}}, \"required\": [\"body\"]}}]");
    /* A schema that refers to itself stands for any value where it
     * comes back. */
    tools_are(DOC("'/n': {'post': {'operationId': 'n', 'requestBody': "
                  "{'content': {'application/json': {'schema': {'$ref': "
                  "'#/components/schemas/Node'}}}}}}",
                  "'schemas': {'Node': {'properties': {'next': {'$ref': "
                  "'#/components/schemas/Node'}}}}"),
              "[{\"name\": \"n\", \"operation\": \"POST /n\", "
              "\"inputSchema\": {\"type\": \"object\", \"properties\": "
              "{\"next\": {}}}}]");
}

/* A document whose one parameter's schema is a chain of N $refs. */
static char *chain(size_t n)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, DOC("'/c': {'get': {'operationId': 'c', 'parameters': "
                        "[{'name': 'x', 'in': 'query', 'schema': {'$ref': "
                        "'#/components/schemas/S0'}}]}}", "'schemas': {"));
    b.len -= 2;                                 /* reopen 'schemas' */
    for (size_t i = 0; i < n; i++)
        if (i + 1 < n)
            strbuf_printf(&b, "%s'S%zu': {'$ref': '#/components/schemas/"
                          "S%zu'}", i ? ", " : "", i, i + 1);
        else
            strbuf_printf(&b, "%s'S%zu': {'type': 'string'}", i ? ", " : "",
                          i);
    strbuf_puts(&b, "}}}");
    assert_false(b.oom);
    return b.data;
}

/* A document whose body is an allOf of N $refs. */
static char *many(size_t n)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "{'openapi': '3.1.0', 'paths': {'/m': {'post': "
                "{'operationId': 'm', 'requestBody': {'content': "
                "{'application/json': {'schema': {'allOf': [");
    for (size_t i = 0; i < n; i++)
        strbuf_printf(&b, "%s{'$ref': '#/components/schemas/X'}",
                      i ? ", " : "");
    strbuf_puts(&b, "]}}}}}}}, 'components': {'schemas': {'X': {'type': "
                "'object'}}}}");
    assert_false(b.oom);
    return b.data;
}

static void bounds(void **state)
{
    (void)state;
    char *d = chain(OPENAPI_MAX_REF_DEPTH - 1);
    tools_are(d, "[{\"name\": \"c\", \"operation\": \"GET /c\", "
              "\"inputSchema\": {\"type\": \"object\", \"properties\": "
              "{\"x\": {\"type\": \"string\"}}}}]");
    free(d);
    d = chain(OPENAPI_MAX_REF_DEPTH);
    tools_are(d, "[{\"name\": \"c\", \"operation\": \"GET /c\", "
              "\"inputSchema\": {\"type\": \"object\", \"properties\": "
              "{\"x\": {\"type\": \"string\"}}}}]");
    free(d);
    d = chain(OPENAPI_MAX_REF_DEPTH + 1);
    doc_refused(d, "#/components/schemas/S15: $ref '#/components/schemas/"
                "S16' is nested more than 16 references deep");
    free(d);
    val_t *t = NULL;
    strbuf_t why;
    strbuf_init(&why);
    size_t ns[] = { OPENAPI_MAX_REFS - 1, OPENAPI_MAX_REFS };
    for (size_t i = 0; i < 2; i++) {
        d = many(ns[i]);
        val_t *v = json_value(d);
        assert_int_equal(adapt_openapi_tools(v, &t, &why), MIG_OK);
        const val_t *s = val_map_get(val_list_get(t, 0), "inputSchema", 11);
        const val_t *body = val_map_get(val_map_get(s, "properties", 10),
                                        "body", 4);
        assert_int_equal(val_len(val_map_get(body, "allOf", 5)), ns[i]);
        val_unref(t);
        val_unref(v);
        free(d);
    }
    strbuf_free(&why);
    d = many(OPENAPI_MAX_REFS + 1);
    doc_refused(d, "#/paths/~1m/post: $ref '#/components/schemas/X' is one "
                "more than the 4096 references a document may follow");
    free(d);
}

static void refused_documents(void **state)
{
    (void)state;
    doc_refused("{'swagger': '2.0', 'paths': {}}", "an OpenAPI document of "
                "version '2.0': only 3.x documents are read");
    doc_refused("{'openapi': '4.0.0', 'paths': {}}", "an OpenAPI document "
                "of version '4.0.0': only 3.x documents are read");
    doc_refused("{'openapi': '3.0.0'}", "the OpenAPI document has no "
                "'paths' map");
    doc_refused(DOC("'/a': {'get': {'parameters': [{'$ref': "
                    "'other.yaml#/P'}]}}", ""), "#/paths/~1a/get: $ref "
                "'other.yaml#/P' is not a local reference "
                "(#/components/...); only those are followed");
    doc_refused(DOC("'/a': {'get': {'parameters': [{'$ref': "
                    "'#/components/parameters/Nope'}]}}", ""),
                "#/paths/~1a/get: $ref '#/components/parameters/Nope' "
                "points at nothing in the document");
    /* The diff says the same of a document it is given. */
    val_t *o = json_value("{'openapi': '2.5', 'paths': {}}");
    val_t *n = json_value("[]"), *d = NULL;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(adapt_diff(o, n, &d, &why), MIG_EINVALID);
    assert_null(d);
    assert_string_equal(why.data, "an OpenAPI document of version '2.5': "
                        "only 3.x documents are read");
    strbuf_free(&why);
    val_unref(o);
    val_unref(n);
}

#define V1 DOC("'/pets/{petId}': {'get': {'operationId': 'showPetById', "  \
               "'parameters': [{'name': 'petId', 'in': 'path', 'schema': "  \
               "{'type': 'string'}}, {'name': 'fields', 'in': 'query', "    \
               "'schema': {'type': 'string'}}]}}, '/pets': {'get': "        \
               "{'operationId': 'listPets', 'parameters': [{'name': "       \
               "'status', 'in': 'query', 'schema': {'enum': ['available', " \
               "'sold']}}]}}", "")
#define V2 DOC("'/pets/{id}': {'get': {'operationId': 'getPet', "          \
               "'parameters': [{'name': 'id', 'in': 'path', 'schema': "     \
               "{'type': 'string'}}, {'name': 'field', 'in': 'query', "     \
               "'schema': {'type': 'string'}}]}}, '/animals': {'get': "     \
               "{'operationId': 'listPets', 'parameters': [{'name': "       \
               "'status', 'in': 'query', 'schema': {'enum': ['AVAILABLE', " \
               "'SOLD']}}]}}", "")

static void renamed_operations(void **state)
{
    (void)state;
    val_t *o = json_value(V1), *n = json_value(V2), *d = NULL;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(adapt_diff(o, n, &d, &why), MIG_OK);
    char *got = afx_text(d);
    /* The same operationId on another path is the same tool (the name
     * first); another operationId on the same method and path is a
     * rename, 95%, and its path parameter at the same place too. */
    assert_string_equal(got, "{\"changes\": [{\"kind\": \"enum values "
        "changed\", \"tool\": \"listPets\", \"from\": \"status\", \"to\": "
        "\"status\", \"applied\": true, \"note\": \"\\\"available\\\" -> "
        "\\\"AVAILABLE\\\" (case, 95%); \\\"sold\\\" -> \\\"SOLD\\\" (case, "
        "95%)\"}, {\"kind\": \"tool renamed\", \"tool\": \"getPet\", "
        "\"from\": \"showPetById\", \"to\": \"getPet\", \"evidence\": \"the "
        "same operation\", \"confidence\": 95, \"applied\": true, \"note\": "
        "\"GET /pets/{id}\"}, {\"kind\": \"renamed\", \"tool\": \"getPet\", "
        "\"from\": \"petId\", \"to\": \"id\", \"evidence\": \"the same place "
        "in the path\", \"confidence\": 95, \"applied\": true}, {\"kind\": "
        "\"renamed\", \"tool\": "
        "\"getPet\", \"from\": \"fields\", \"to\": \"field\", \"evidence\": "
        "\"one name holds the other\", \"confidence\": 80, \"applied\": "
        "true}], \"mapping\": {\"tools\": {\"listPets\": {\"to\": "
        "\"listPets\", \"map\": {\"status\": {\"to\": \"status\", \"values\": "
        "{\"available\": \"AVAILABLE\", \"sold\": \"SOLD\"}}}}, "
        "\"showPetById\": {\"to\": \"getPet\", \"map\": {\"petId\": \"id\", "
        "\"fields\": \"field\"}}}}}");
    free(got);
    strbuf_free(&why);
    val_unref(d);
    val_unref(o);
    val_unref(n);
}

/* adapt.translate between two documents: the operation renamed, its
 * parameter renamed; a document not read fails with InvalidConfig. */
static void translate(void **state)
{
    afx_t *f = *state;
    const action_t *a = action_find(f->reg, "adapt.translate");
    assert_non_null(a);
    val_t *in = json_value("{'from': " V1 ", 'to': " V2 ", 'call': "
                           "{'name': 'showPetById', 'arguments': {'petId': "
                           "'7', 'fields': 'name'}}}"), *out = NULL;
    assert_int_equal(a->run(f->ctx, in, &out), MIG_OK);
    char *got = afx_text(out);
    assert_string_equal(got, "{\"call\": {\"name\": \"getPet\", "
        "\"arguments\": {\"id\": \"7\", \"field\": \"name\"}}, "
        "\"changes\": [\"call: 'showPetById' -> 'getPet' (tool renamed)\", "
        "\"call: 'petId' -> 'id' (the interface diff, 100%)\", \"call: "
        "'fields' -> 'field' (the interface diff, 100%)\"]}");
    free(got);
    val_unref(out);
    val_unref(in);
    in = json_value("{'from': {'swagger': '2.0'}, 'to': " V2 ", 'call': "
                    "{'name': 'x', 'arguments': {}}}");
    out = NULL;
    assert_int_not_equal(a->run(f->ctx, in, &out), MIG_OK);
    assert_null(out);
    assert_string_equal(actx_error_class(f->ctx), "InvalidConfig");
    assert_string_equal(actx_error_message(f->ctx), "adapt.translate: an "
                        "OpenAPI document of version '2.0': only 3.x "
                        "documents are read");
    val_unref(in);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, afx_setup, afx_teardown)
    const struct CMUnitTest tests[] = {
        T(operations), T(bounds), T(refused_documents),
        T(renamed_operations), T(translate),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
