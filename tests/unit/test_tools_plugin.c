/* test_tools_plugin.c: the HTTP-plugin readers (reader_plugin.c) as a
 * whole: ai-plugin.json with its OpenAPI document, Microsoft 365 Copilot
 * API plugins, the corpus's chatgpt_plugin and copilot_api_plugin files,
 * the public samples in tests/data/legacy, and malformed input of each
 * format (truncated, wrong types, empty, binary, BOM, CRLF, a missing
 * spec, duplicate keys). How one OpenAPI document becomes tools is
 * test_tools_openapi.c's. */
#include "plugin_fixture.h"

/* ---- the corpus ---------------------------------------------------------- */

/* Every file of the corpus's two folders: its format, its records, and
 * for those that cannot be read whole, the reason. */
static void corpus(void **state)
{
    (void)state;
    static const struct {
        const char *file, *format;
        size_t tools, servers;
        const char *why;    /* an error problem it must have, or NULL */
    } want[] = {
        { "chatgpt_plugin/Azure-Samples__openai-plugin-fastapi__ai-plugin.json",
          "plugin.ai_plugin", 0, 1, "is not next to the manifest" },
        { "chatgpt_plugin/Illia-the-coder__Ukr-Books-ChatGPT-Plugin__ai-plugin"
          ".json", "plugin.ai_plugin", 4, 1, "indented out of paths" },
        { "chatgpt_plugin/Illia-the-coder__Ukr-Books-ChatGPT-Plugin__openapi"
          ".yaml", "plugin.openapi", 4, 0, "indented out of paths" },
        { "chatgpt_plugin/TBD54566975__web5-chatgpt-plugin__ai-plugin.json",
          "plugin.ai_plugin", 3, 1, NULL },
        { "chatgpt_plugin/TBD54566975__web5-chatgpt-plugin__openapi.yaml",
          "plugin.openapi", 3, 0, NULL },
        { "chatgpt_plugin/anantn__hn-chatgpt-plugin__ai-plugin.json",
          "plugin.ai_plugin", 8, 1, NULL },
        { "chatgpt_plugin/anantn__hn-chatgpt-plugin__openapi.yaml",
          "plugin.openapi", 8, 0, NULL },
        { "chatgpt_plugin/cloudflare__chatgpt-plugin__ai-plugin.json",
          "plugin.ai_plugin", 1, 1, NULL },
        { "chatgpt_plugin/cloudflare__chatgpt-plugin__openapi.json",
          "plugin.openapi", 1, 0, NULL },
        { "chatgpt_plugin/microsoft__semantic-kernel__ai-plugin2.json",
          "plugin.ai_plugin", 0, 1, "is not next to the manifest" },
        { "chatgpt_plugin/openai__chatgpt-retrieval-plugin__ai-plugin.json",
          "plugin.ai_plugin", 1, 1, NULL },
        { "chatgpt_plugin/openai__chatgpt-retrieval-plugin__openapi.yaml",
          "plugin.openapi", 1, 0, NULL },
        { "chatgpt_plugin/openai__plugins-quickstart__ai-plugin.json",
          "plugin.ai_plugin", 3, 1, NULL },
        { "chatgpt_plugin/openai__plugins-quickstart__openapi.yaml",
          "plugin.openapi", 3, 0, NULL },
        { "chatgpt_plugin/replicate__replicate-models-chatgpt-plugin__ai-"
          "plugin.json", "plugin.ai_plugin", 1, 1, NULL },
        { "chatgpt_plugin/replicate__replicate-models-chatgpt-plugin__openapi"
          ".yaml", "plugin.openapi", 1, 0, NULL },
        { "chatgpt_plugin/solana-labs__chatgpt-plugin__ai-plugin.json",
          "plugin.ai_plugin", 3, 1, "broken $ref '#/components/schema/Asset'" },
        { "chatgpt_plugin/solana-labs__chatgpt-plugin__openapi.yaml",
          "plugin.openapi", 3, 0, "broken $ref '#/components/schema/Asset'" },
        { "chatgpt_plugin/solana-labs__chatgpt-plugin__prod__ai-plugin.json",
          "plugin.ai_plugin", 12, 1, NULL },
        { "chatgpt_plugin/solana-labs__chatgpt-plugin__prod__openapi.yaml",
          "plugin.openapi", 12, 0, NULL },
        { "copilot_api_plugin/microsoft__semantic-kernel__messages-apiplugin"
          ".json", "plugin.copilot", 2, 1, "is not next to the manifest" },
    };
    size_t n = sizeof want / sizeof *want;
    for (size_t i = 0; i < n; i++) {
        char path[300];
        snprintf(path, sizeof path, CORPUS "%s", want[i].file);
        val_t *r = expect_read(path, want[i].format, want[i].tools,
                               want[i].servers);
        bool errors = false;
        for (size_t j = 0; j < n_of(r, "problems"); j++)
            errors |= strcmp(str(item(r, "problems", j), "severity"),
                             "error") == 0;
        if (want[i].why)
            assert_true(has_problem(r, "error", want[i].why));
        else if (errors)
            fail_msg("%s: %s", path, json(get(r, "problems")));
        val_unref(r);
    }
    /* The folders hold exactly these files: one added is one to list. */
    val_t *s = call("tools.scan", "dir", CORPUS "chatgpt_plugin", NULL);
    assert_int_equal(val_len(s) + 1, n);
    for (size_t i = 0; i < val_len(s); i++)
        assert_memory_equal(str(val_list_get(s, i), "format"), "plugin.", 7);
    val_unref(s);
}

/* What the corpus's files say in detail. */
static void corpus_details(void **state)
{
    (void)state;
    val_t *r = read_path(CORPUS "chatgpt_plugin/openai__plugins-quickstart__"
                         "ai-plugin.json");
    assert_string_equal(str(item(r, "servers", 0), "name"), "todo");
    assert_string_equal(at_json(r, "servers/0/remotes"),
        "[{\"url\":\"http://localhost:5003\",\"transport\":\"http\"}]");
    assert_string_equal(at_json(r, "servers/0/extra/api/url"),
                        "\"http://localhost:5003/openapi.yaml\"");
    assert_string_equal(at_json(r, "servers/0/extra/spec"),
                        "\"" CORPUS "chatgpt_plugin/openai__plugins-quick"
                        "start__openapi.yaml\"");
    assert_string_equal(at_json(r, "tools/0/endpoint"),
        "{\"transport\":\"http\",\"url\":\"http://localhost:5003\","
        "\"method\":\"GET\",\"path\":\"/todos/{username}\","
        "\"server\":\"todo\"}");
    assert_string_equal(at_json(r, "tools/1/parameters"),
        "{\"type\":\"object\",\"properties\":{\"username\":{\"type\":"
        "\"string\",\"description\":\"The name of the user.\"},\"todo\":"
        "{\"type\":\"string\",\"description\":\"The todo to add to the "
        "list.\",\"required\":true}},\"required\":[\"username\",\"todo\"]}");
    assert_string_equal(at_json(r, "tools/1/config"),
        "{\"content_type\":\"application/json\",\"in\":{\"username\":"
        "\"path\",\"todo\":\"body\"}}");
    assert_string_equal(at_json(r, "tools/0/dependencies"), "[\"todo\"]");
    assert_string_equal(at_json(r, "tools/0/provenance/pointer"),
                        "\"/paths/~1todos~1{username}/get\"");
    assert_string_equal(at_json(r, "tools/0/provenance/format"),
                        "\"plugin.openapi\"");
    val_unref(r);
    /* The string "false", and user_http with has_user_authentication. */
    r = read_path(CORPUS "chatgpt_plugin/Azure-Samples__openai-plugin-fastapi"
                  "__ai-plugin.json");
    assert_true(has_problem(r, "warning", "api.is_user_authenticated is the "
                                          "string \"false\""));
    assert_string_equal(at_json(r, "servers/0/extra/auth"),
        "{\"type\":\"none\",\"scheme\":\"none\",\"user_authenticated\":"
        "false}");
    val_unref(r);
    r = read_path(CORPUS "chatgpt_plugin/openai__chatgpt-retrieval-plugin__"
                  "ai-plugin.json");
    assert_string_equal(at_json(r, "servers/0/extra/auth"),
        "{\"type\":\"bearer\",\"scheme\":\"user_http\",\"ref\":"
        "\"secret:retrieval\",\"authorization_type\":\"bearer\","
        "\"user_authenticated\":false}");
    assert_true(has_problem(r, "warning", "users are not authenticated"));
    /* The document's own security wins over the manifest's. */
    assert_string_equal(at_json(r, "tools/0/auth/ref"),
                        "\"secret:HTTPBearer\"");
    val_unref(r);
    /* A token's value is never copied: only its name. */
    r = read_path(CORPUS "chatgpt_plugin/microsoft__semantic-kernel__"
                  "ai-plugin2.json");
    assert_string_equal(at_json(r, "servers/0/extra/auth/verification_tokens"),
                        "[\"openAI\"]");
    val_unref(r);
    /* Duplicate YAML keys: read, the last kept, each said. */
    r = read_path(CORPUS "chatgpt_plugin/anantn__hn-chatgpt-plugin__"
                  "openapi.yaml");
    assert_true(has_problem(r, "warning", "duplicate key \"schema\""));
    assert_true(has_problem(r, "warning", "no servers: the base URL is "
                                          "unknown"));
    val_unref(r);
    /* The paired reading takes the base URL from the manifest. */
    r = read_path(CORPUS "chatgpt_plugin/anantn__hn-chatgpt-plugin__"
                  "ai-plugin.json");
    assert_true(has_problem(r, "warning", "anantn__hn-chatgpt-plugin__"
                "openapi.yaml: no servers: the base URL is taken from"));
    assert_true(has_problem(r, "warning", "anantn__hn-chatgpt-plugin__"
                "openapi.yaml: line 212: YAML: duplicate key \"schema\""));
    assert_string_equal(at_json(r, "tools/0/endpoint/url"),
                        "\"https://hn.kix.in\"");
    val_unref(r);
    /* A path template without its parameter; duplicate operationIds. */
    r = read_path(CORPUS "chatgpt_plugin/Illia-the-coder__Ukr-Books-ChatGPT-"
                  "Plugin__openapi.yaml");
    assert_true(has_problem(r, "warning", "the path template names {author} "
                                          "but no path parameter"));
    val_unref(r);
    r = read_path(CORPUS "chatgpt_plugin/solana-labs__chatgpt-plugin__"
                  "openapi.yaml");
    assert_true(has_problem(r, "warning", "duplicate operationId "
                                          "'query_account_info'"));
    assert_true(has_problem(r, "warning", "servers is inside info"));
    val_unref(r);
}

/* ---- public samples (tests/data/legacy/SOURCES.tsv files) ---------------- */

static void swagger_across_files(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "openapi/petstore-separate/spec/swagger.json",
                           "plugin.openapi", 4, 0);
    assert_string_equal(str(r, "version"), "2.0");
    assert_int_equal(n_of(r, "problems"), 0);
    /* parameters.json#/tagsParam and #/limitsParam, across files. */
    assert_string_equal(at_json(r, "tools/0/parameters/properties/limit"),
        "{\"description\":\"maximum number of results to return\","
        "\"type\":\"integer\",\"format\":\"int32\"}");
    /* Pet.json as a whole file. */
    assert_string_equal(at_json(r, "tools/0/output/items/required"),
                        "[\"id\",\"name\"]");
    assert_string_equal(at_json(r, "tools/0/endpoint/url"),
                        "\"http://petstore.swagger.io/api\"");
    /* A Swagger body parameter keeps its name; allOf keeps it whole. */
    assert_string_equal(str(item(r, "tools", 1), "name"), "addPet");
    assert_non_null(at(r, "tools/1/parameters/properties/pet/allOf"));
    assert_string_equal(at_json(r, "tools/1/parameters/required"),
                        "[\"pet\"]");
    val_unref(r);
    /* Its $ref targets are no tool definitions on their own. */
    r = read_path(DATA "openapi/petstore-separate/spec/Pet.json");
    assert_string_equal(str(r, "format"), "(null)");
    assert_true(has_problem(r, "error", "a JSON map that no reader "
                                        "recognises"));
    val_unref(r);
    r = expect_read(DATA "openapi/OAI__OpenAPI-Specification__petstore.yaml",
                    "plugin.openapi", 3, 0);
    assert_string_equal(at_json(r, "tools/2/config/in"),
                        "{\"petId\":\"path\"}");
    assert_string_equal(at_json(r, "tools/2/endpoint/url"),
                        "\"http://petstore.swagger.io/v1\"");
    val_unref(r);
}

static void openapi_31(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "openapi/OAI__OpenAPI-Specification__non-"
                           "oauth-scopes.json", "plugin.openapi", 1, 0);
    assert_string_equal(str(r, "version"), "3.1.0");
    assert_string_equal(str(item(r, "tools", 0), "name"), "get_users");
    assert_true(has_problem(r, "warning", "no operationId: named "
                                          "'get_users'"));
    assert_string_equal(at_json(r, "tools/0/auth/scopes"),
                        "[\"read:users\",\"public\"]");
    assert_string_equal(at_json(r, "tools/0/auth/type"), "\"bearer\"");
    val_unref(r);
    r = expect_read(DATA "openapi/OAI__OpenAPI-Specification__webhook-"
                    "example.json", "plugin.openapi", 0, 0);
    assert_true(has_problem(r, "error", "webhooks (calls the API makes) but "
                                        "no paths"));
    val_unref(r);
}

static void copilot_astronomy(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "copilot_api_plugin/astronomy-apiplugin.json",
                           "plugin.copilot", 2, 1);
    assert_string_equal(str(r, "version"), "v2.1");
    assert_string_equal(str(item(r, "servers", 0), "name"), "Astronomy");
    assert_string_equal(at_json(r, "servers/0/remotes"),
        "[{\"url\":\"https://api.nasa.gov/planetary\",\"transport\":"
        "\"http\"}]");
    assert_string_equal(at_json(r, "servers/0/extra/runtimes/0/spec/url"),
                        "\"astronomy-openapi.yml\"");
    assert_string_equal(at_json(r, "tools/0/auth"),
        "{\"type\":\"api-key\",\"scheme\":\"ApiKeyPluginVault\",\"ref\":"
        "\"secret:api_key_REGISTRATION_ID\",\"in\":\"query\",\"name\":"
        "\"api_key\"}");
    assert_string_equal(at_json(r, "tools/0/config/in"),
                        "{\"date\":\"query\",\"hd\":\"query\"}");
    assert_string_equal(at_json(r, "tools/0/provenance/pointer"),
                        "\"/functions/0\"");
    assert_string_equal(at_json(r, "tools/0/extra/openapi/pointer"),
                        "\"/paths/~1apod/get\"");
    /* The second runtime's document is not there. */
    assert_true(has_problem(r, "error", "'messages-openapi.yml' is not next "
                                        "to the manifest"));
    assert_true(has_problem(r, "warning", "function 'me_ListMessages': its "
                "runtime's OpenAPI document was not read"));
    assert_int_equal(val_type(at(r, "tools/1/parameters")), VAL_NULL);
    val_unref(r);
}

/* ---- ai-plugin.json ------------------------------------------------------ */

/* A manifest with AUTH (a JSON object) and API_EXTRA (members of api). */
static const char *manifest(const char *name, const char *auth,
                            const char *api_extra)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "{\"schema_version\": \"v1\", \"name_for_model\": \"demo\",\n"
             " \"name_for_human\": \"Demo\",\n"
             " \"description_for_model\": \"D\",\n"
             " \"description_for_human\": \"d\", \"auth\": %s,\n"
             " \"api\": {\"type\": \"openapi\", \"url\": "
             "\"https://example.com/.well-known/openapi.yaml\"%s},\n"
             " \"logo_url\": \"https://example.com/l.png\"}\n", auth,
             api_extra);
    return put_str(name, buf);
}

static const char *const small_spec =
    "openapi: 3.0.1\n"
    "info: {title: Demo, version: '1'}\n"
    "paths:\n"
    "  /items/{id}:\n"
    "    get:\n"
    "      operationId: getItem\n"
    "      parameters:\n"
    "        - {name: id, in: path, required: true, schema: {type: string}}\n"
    "      responses: {'200': {description: ok}}\n";

static void manifest_auth_types(void **state)
{
    (void)state;
    put_str("openapi.yaml", small_spec);
    static const struct {
        const char *auth, *want;
    } cases[] = {
        { "{\"type\": \"none\"}", "{\"type\":\"none\",\"scheme\":\"none\"}" },
        { "{\"type\": \"service_http\", \"authorization_type\": \"bearer\", "
          "\"verification_tokens\": {\"openai\": \"sk-VERYSECRET\"}}",
          "{\"type\":\"bearer\",\"scheme\":\"service_http\",\"ref\":"
          "\"secret:demo\",\"authorization_type\":\"bearer\","
          "\"verification_tokens\":[\"openai\"]}" },
        { "{\"type\": \"user_http\", \"authorization_type\": \"basic\"}",
          "{\"type\":\"basic\",\"scheme\":\"user_http\",\"ref\":"
          "\"secret:demo\",\"authorization_type\":\"basic\"}" },
        { "{\"type\": \"oauth\", \"client_url\": \"https://e/c\", "
          "\"authorization_url\": \"https://e/a\", \"scope\": \"r\"}",
          "{\"type\":\"oauth2\",\"scheme\":\"oauth\",\"ref\":\"secret:demo\","
          "\"client_url\":\"https://e/c\",\"authorization_url\":\"https://e/"
          "a\",\"scope\":\"r\"}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        val_t *r = expect_read(manifest("ai-plugin.json", cases[i].auth, ""),
                               "plugin.ai_plugin", 1, 1);
        assert_string_equal(at_json(r, "servers/0/extra/auth"), cases[i].want);
        /* Operations that declare no security take the manifest's. */
        assert_string_equal(at_json(r, "tools/0/auth"), cases[i].want);
        assert_null(strstr(json(r), "VERYSECRET"));
        val_unref(r);
    }
    /* oauth with nothing to go on; a type the format does not have. */
    val_t *r = read_path(manifest("ai-plugin.json", "{\"type\": \"oauth\"}",
                                  ""));
    assert_true(has_problem(r, "warning", "oauth without client_url"));
    val_unref(r);
    r = read_path(manifest("ai-plugin.json", "{\"type\": \"magic\"}", ""));
    assert_true(has_problem(r, "warning", "auth type 'magic' is none of"));
    val_unref(r);
}

static void manifest_user_auth_spellings(void **state)
{
    (void)state;
    put_str("openapi.yaml", small_spec);
    static const struct {
        const char *api, *want;
        bool warn;
    } cases[] = {
        { ", \"is_user_authenticated\": true", "true", false },
        { ", \"has_user_authentication\": false", "false", false },
        { ", \"is_user_authenticated\": \"false\"", "false", true },
        { ", \"has_user_authentication\": \"true\"", "true", true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        val_t *r = read_path(manifest("m.json", "{\"type\": \"none\"}",
                                      cases[i].api));
        assert_string_equal(at_json(r, "servers/0/extra/auth/user_authenticated"),
                            cases[i].want);
        assert_int_equal(has_problem(r, "warning", "not a boolean"),
                         cases[i].warn);
        val_unref(r);
    }
    val_t *r = read_path(manifest("m.json", "{\"type\": \"none\"}",
                                  ", \"is_user_authenticated\": true, "
                                  "\"has_user_authentication\": false"));
    assert_true(has_problem(r, "warning", "both user-auth spellings are "
                                          "given and disagree"));
    val_unref(r);
    r = read_path(manifest("m.json", "{\"type\": \"none\"}",
                           ", \"is_user_authenticated\": 3"));
    assert_true(has_problem(r, "warning", "api.is_user_authenticated is a "
                                          "number, not a boolean"));
    assert_null(at(r, "servers/0/extra/auth/user_authenticated"));
    val_unref(r);
}

/* The document is found by the URL's last segment, the manifest's own
 * prefix, or the usual names; when none is there, it is said. */
static void manifest_finds_spec(void **state)
{
    (void)state;
    mkdir(in_scratch("a"), 0755);
    put_str("a/acme__tool__ai-plugin.json",
            "{\"schema_version\": \"v1\", \"name_for_model\": \"acme\", "
            "\"auth\": {\"type\": \"none\"}, \"api\": {\"type\": \"openapi\","
            " \"url\": \"https://x/spec.yaml\"}}");
    put_str("a/acme__tool__openapi.yaml", small_spec);
    val_t *r = expect_read(in_scratch("a/acme__tool__ai-plugin.json"),
                           "plugin.ai_plugin", 1, 1);
    assert_non_null(strstr(at_json(r, "servers/0/extra/spec"),
                           "acme__tool__openapi.yaml"));
    val_unref(r);
    /* The URL's own segment first. */
    put_str("a/acme__tool__spec.yaml", small_spec);
    r = read_path(in_scratch("a/acme__tool__ai-plugin.json"));
    assert_non_null(strstr(at_json(r, "servers/0/extra/spec"), "spec.yaml"));
    val_unref(r);
    /* A relative api.url is a file beside the manifest. */
    mkdir(in_scratch("b"), 0755);
    mkdir(in_scratch("b/docs"), 0755);
    put_str("b/docs/api.yaml", small_spec);
    put_str("b/manifest.json",
            "{\"schema_version\": \"v1\", \"name_for_model\": \"b\", "
            "\"auth\": {\"type\": \"none\"}, \"api\": {\"type\": \"openapi\","
            " \"url\": \"docs/api.yaml\"}}");
    r = expect_read(in_scratch("b/manifest.json"), "plugin.ai_plugin", 1, 1);
    val_unref(r);
    /* None there: the server is read, the operations are said missing. */
    mkdir(in_scratch("c"), 0755);
    put_str("c/ai-plugin.json",
            "{\"schema_version\": \"v1\", \"name_for_model\": \"c\", "
            "\"auth\": {\"type\": \"none\"}, \"api\": {\"type\": \"openapi\","
            " \"url\": \"https://c.example/openapi.json\"}}");
    r = expect_read(in_scratch("c/ai-plugin.json"), "plugin.ai_plugin", 0, 1);
    assert_true(has_problem(r, "error", "the OpenAPI document 'https://c."
                "example/openapi.json' is not next to the manifest (tried "
                "openapi.json, openapi.yaml, openapi.yml, swagger.json, "
                "swagger.yaml)"));
    assert_int_equal(val_type(at(r, "servers/0/extra/spec")), VAL_NULL);
    val_unref(r);
    /* Something there that is no OpenAPI document. */
    put_str("c/openapi.json", "{\"hello\": 1}");
    r = expect_read(in_scratch("c/ai-plugin.json"), "plugin.ai_plugin", 0, 1);
    assert_true(has_problem(r, "error", "is not an OpenAPI 3 or Swagger 2 "
                                        "document"));
    val_unref(r);
}

static void manifest_variants(void **state)
{
    (void)state;
    put_str("openapi.yaml", small_spec);
    /* A plugin store's record: the manifest inside, the rest kept. */
    val_t *r = expect_read(put_str("store.json",
        "{\"id\": \"plugin-1\", \"domain\": \"x\", \"status\": \"approved\", "
        "\"manifest\": {\"schema_version\": \"v1\", \"name_for_model\": "
        "\"demo\", \"auth\": {\"type\": \"none\"}, \"api\": {\"type\": "
        "\"openapi\", \"url\": \"https://x/openapi.yaml\"}}}"),
        "plugin.ai_plugin", 1, 1);
    assert_string_equal(at_json(r, "servers/0/provenance/pointer"),
                        "\"/manifest\"");
    assert_string_equal(at_json(r, "servers/0/extra/status"), "\"approved\"");
    val_unref(r);
    /* api.type other than openapi. */
    r = expect_read(put_str("web.json",
        "{\"schema_version\": \"v1\", \"name_for_model\": \"w\", \"auth\": "
        "{\"type\": \"none\"}, \"api\": {\"type\": \"website\", \"url\": "
        "\"https://w/\"}}"), "plugin.ai_plugin", 0, 1);
    assert_true(has_problem(r, "error", "api.type is 'website', not openapi"));
    val_unref(r);
    /* No api at all. */
    r = expect_read(put_str("noapi.json",
        "{\"schema_version\": \"v1\", \"name_for_model\": \"n\"}"),
        "plugin.ai_plugin", 0, 1);
    assert_true(has_problem(r, "error", "no api"));
    assert_true(has_problem(r, "warning", "no auth: read as none"));
    val_unref(r);
}

/* ---- Copilot API plugins ------------------------------------------------- */

static void copilot_shapes(void **state)
{
    (void)state;
    mkdir(in_scratch("cp"), 0755);
    put_str("cp/spec.yaml",
        "openapi: 3.0.1\ninfo: {title: T, version: '1'}\n"
        "servers: [{url: 'https://graph.example'}]\n"
        "paths:\n"
        "  /a: {get: {operationId: opA,\n"
        "             responses: {'200': {description: ok}}}}\n"
        "  /b: {get: {operationId: opB}}\n");
    val_t *r = expect_read(put_str("cp/plugin.json",
        "{\"schema_version\": \"v2.2\", \"name_for_human\": \"Mail\", "
        "\"namespace\": \"mail\", \"description_for_model\": \"M\", "
        "\"functions\": [{\"name\": \"opA\", \"description\": \"Get "
        "the user\\u0026apos;s A\", \"capabilities\": {\"confirmation\": "
        "{\"type\": \"AdaptiveCard\"}}}, {\"name\": \"opB\"}, "
        "{\"name\": \"opC\"}, {\"description\": \"no name\"}], "
        "\"runtimes\": [{\"type\": \"OpenApi\", \"auth\": {\"type\": "
        "\"OAuthPluginVault\", \"reference_id\": \"vault-1\"}, \"spec\": "
        "{\"url\": \"spec.yaml\"}, \"run_for_functions\": [\"*\"]}]}"),
        "plugin.copilot", 3, 1);
    assert_string_equal(str(r, "version"), "v2.2");
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "description"), "Get the user&apos;s A");
    assert_string_equal(json(get(t, "auth")),
        "{\"type\":\"oauth2\",\"scheme\":\"OAuthPluginVault\",\"ref\":"
        "\"secret:vault-1\"}");
    assert_string_equal(at_json(t, "extra/capabilities/confirmation/type"),
                        "\"AdaptiveCard\"");
    assert_string_equal(at_json(t, "endpoint/url"),
                        "\"https://graph.example\"");
    /* A function without a description keeps its operation's (none). */
    assert_int_equal(val_type(at(r, "tools/1/description")), VAL_NULL);
    assert_true(has_problem(r, "warning", "function 'opC': its runtime's "
                "OpenAPI document has no operation of that operationId"));
    assert_true(has_problem(r, "error", "a function with no name: not read"));
    val_unref(r);
    /* A runtime that is not OpenApi; a function no runtime runs. */
    r = expect_read(put_str("cp/local.json",
        "{\"schema_version\": \"v2.1\", \"namespace\": \"l\", "
        "\"functions\": [{\"name\": \"f\", \"description\": \"F\"}, "
        "{\"name\": \"g\"}], \"runtimes\": [{\"type\": \"LocalPlugin\", "
        "\"run_for_functions\": [\"f\"]}]}"), "plugin.copilot", 2, 1);
    assert_true(has_problem(r, "warning", "runtime type 'LocalPlugin' is not "
                                          "OpenApi"));
    assert_true(has_problem(r, "warning", "function 'g': no runtime runs it"));
    val_unref(r);
    /* A reference_id written as a Teams Toolkit placeholder names the
     * reference without its braces; braces around nothing stay. */
    r = expect_read(put_str("cp/refs.json",
        "{\"schema_version\": \"v2.1\", \"namespace\": \"r\", "
        "\"functions\": [{\"name\": \"f\"}, {\"name\": \"g\"}], "
        "\"runtimes\": [{\"type\": \"OpenApi\", \"auth\": {\"type\": "
        "\"ApiKeyPluginVault\", \"reference_id\": \"${{R_KEY}}\"}, "
        "\"run_for_functions\": [\"f\"]}, {\"type\": \"OpenApi\", "
        "\"auth\": {\"type\": \"ApiKeyPluginVault\", \"reference_id\": "
        "\"{}\"}, \"run_for_functions\": [\"g\"]}]}"), "plugin.copilot", 2, 1);
    assert_string_equal(at_json(r, "tools/0/auth/ref"), "\"secret:R_KEY\"");
    assert_string_equal(at_json(r, "tools/1/auth/ref"), "\"secret:{}\"");
    val_unref(r);
    /* No functions at all. */
    r = expect_read(put_str("cp/none.json",
        "{\"schema_version\": \"v2.1\", \"name_for_human\": \"N\", "
        "\"runtimes\": []}"), "plugin.copilot", 0, 1);
    assert_true(has_problem(r, "error", "no functions list"));
    assert_true(has_problem(r, "warning", "no namespace"));
    val_unref(r);
}

/* ---- malformed input, each format ---------------------------------------- */

static const char *const good_manifest =
    "{\"schema_version\": \"v1\", \"name_for_model\": \"demo\",\r\n"
    " \"auth\": {\"type\": \"none\"},\r\n"
    " \"api\": {\"type\": \"openapi\", \"url\": \"https://e/openapi.yaml\"}}"
    "\r\n";
static const char *const good_copilot =
    "{\"schema_version\": \"v2.1\", \"namespace\": \"n\",\r\n"
    " \"functions\": [{\"name\": \"getItem\"}],\r\n"
    " \"runtimes\": [{\"type\": \"OpenApi\", \"spec\": {\"url\": "
    "\"openapi.yaml\"}}]}\r\n";

static void malformed(void **state)
{
    (void)state;
    put_str("openapi.yaml", small_spec);
    /* BOM and CRLF: read as usual. */
    char buf[1024];
    snprintf(buf, sizeof buf, "\xEF\xBB\xBF%s", good_manifest);
    val_t *r = expect_read(put_str("bom.json", buf), "plugin.ai_plugin", 1, 1);
    val_unref(r);
    snprintf(buf, sizeof buf, "\xEF\xBB\xBF%s", good_copilot);
    r = expect_read(put_str("bom2.json", buf), "plugin.copilot", 1, 1);
    val_unref(r);
    size_t n = 0;
    for (const char *s = small_spec; *s; s++) {
        if (*s == '\n')
            buf[n++] = '\r';
        buf[n++] = *s;
    }
    buf[n] = 0;
    r = expect_read(put_str("crlf.yaml", buf), "plugin.openapi", 1, 0);
    assert_string_equal(at_json(r, "tools/0/parameters/required"),
                        "[\"id\"]");
    val_unref(r);
    /* Truncated: no format, the parse error said. */
    const char *docs[] = { good_manifest, good_copilot, small_spec };
    for (int i = 0; i < 3; i++) {
        snprintf(buf, sizeof buf, "%.*s", (int)strlen(docs[i]) / 2, docs[i]);
        r = read_path(put_str(i == 2 ? "t.yaml" : "t.json", buf));
        if (i < 2) {
            assert_string_equal(str(r, "format"), "(null)");
            assert_int_equal(n_of(r, "problems"), 1);
        } else {
            /* Half a YAML document can still be one: no paths left. */
            assert_false(strcmp(str(r, "format"), "plugin.openapi") == 0 &&
                         n_of(r, "tools") > 0);
        }
        val_unref(r);
    }
    /* Empty and binary. */
    r = read_path(put_str("empty.json", ""));
    assert_string_equal(str(r, "format"), "(null)");
    assert_true(has_problem(r, "error", "an empty file"));
    val_unref(r);
    r = read_path(put_bytes("bin.json", "{\"openapi\": \"3.0.0\"\0\xff}", 22));
    assert_string_equal(str(r, "format"), "(null)");
    val_unref(r);
    /* Wrong types. */
    r = expect_read(put_str("w1.json",
        "{\"schema_version\": \"v1\", \"name_for_model\": \"w\", \"auth\": "
        "\"none\", \"api\": \"https://w/openapi.yaml\"}"),
        "plugin.ai_plugin", 0, 1);
    assert_true(has_problem(r, "error", "no api"));
    val_unref(r);
    r = expect_read(put_str("w2.yaml",
        "openapi: 3.0.0\ninfo: {title: T, version: '1'}\n"
        "paths: [/a, /b]\n"), "plugin.openapi", 0, 0);
    assert_true(has_problem(r, "error", "paths is not a map: no operations "
                                        "to read"));
    val_unref(r);
    r = expect_read(put_str("w3.yaml",
        "swagger: 2.0\ninfo: {title: T, version: 1}\n"
        "paths:\n  /a: [get]\n  /b: {get: {parameters: [{in: query}, "
        "{name: n}]}}\n"), "plugin.openapi", 1, 0);
    assert_string_equal(str(r, "version"), "2.0");
    assert_true(has_problem(r, "error", "path '/a' is a list, not a path "
                                        "item"));
    assert_true(has_problem(r, "error", "a parameter with no name"));
    assert_true(has_problem(r, "error", "a parameter with no 'in'"));
    val_unref(r);
    r = expect_read(put_str("w4.json",
        "{\"schema_version\": \"v2.1\", \"namespace\": \"n\", \"functions\":"
        " [{\"name\": 5}], \"runtimes\": \"none\"}"), "plugin.copilot", 0, 1);
    assert_true(has_problem(r, "error", "a function with no name"));
    val_unref(r);
    /* Duplicate keys in JSON: read leniently, the last kept, said. */
    r = expect_read(put_str("dup.json",
        "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"T\", \"version\": "
        "\"1\"}, \"paths\": {\"/a\": {\"get\": {\"operationId\": \"x\", "
        "\"operationId\": \"y\"}}}}"), "plugin.openapi", 1, 0);
    assert_string_equal(str(item(r, "tools", 0), "name"), "y");
    assert_true(has_problem(r, "warning", "duplicate key"));
    val_unref(r);
}

/* tools.scan says which file is which by content. */
static void scan_detects(void **state)
{
    (void)state;
    mkdir(in_scratch("s"), 0755);
    put_str("s/one.json", good_manifest);
    put_str("s/openapi.yaml", small_spec);
    put_str("s/two.json", good_copilot);
    put_str("s/other.json", "{\"openapi\": \"4.0\", \"paths\": {}}");
    val_t *l = call("tools.scan", "dir", in_scratch("s"), NULL);
    assert_int_equal(val_len(l), 4);
    const char *want[][2] = {
        { "one.json", "\"plugin.ai_plugin\"" },
        { "openapi.yaml", "\"plugin.openapi\"" },
        { "other.json", "null" },
        { "two.json", "\"plugin.copilot\"" },
    };
    for (size_t i = 0; i < 4; i++) {
        val_t *e = val_list_get(l, i);
        assert_non_null(strstr(str(e, "path"), want[i][0]));
        assert_string_equal(json(get(e, "format")), want[i][1]);
    }
    val_unref(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(corpus),
        cmocka_unit_test(corpus_details),
        cmocka_unit_test(swagger_across_files),
        cmocka_unit_test(openapi_31),
        cmocka_unit_test(copilot_astronomy),
        cmocka_unit_test(manifest_auth_types),
        cmocka_unit_test(manifest_user_auth_spellings),
        cmocka_unit_test(manifest_finds_spec),
        cmocka_unit_test(manifest_variants),
        cmocka_unit_test(copilot_shapes),
        cmocka_unit_test(malformed),
        cmocka_unit_test(scan_detects),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
