/* test_tools_mcp.c: the MCP reader (reader_mcp.c) on each of its shapes,
 * on the corpus's mcp files, on the public samples kept in
 * tests/data/legacy (Docker catalog, registry pre-release spelling,
 * Smithery), and on malformed input (truncated, wrong types, empty,
 * binary, BOM, CRLF). */
#include "tools_fixture.h"

#define CORPUS "../shared/corpus/mcp/"
#define DATA "tests/data/legacy/"

static void tool_object(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("tool.json",
        "{\"name\": \"get_me\", \"title\": \"Me\", \"description\": \"Who\",\n"
        " \"inputSchema\": {\"type\": \"object\"}, \"outputSchema\": "
        "{\"type\": \"object\"},\n \"annotations\": {\"readOnlyHint\": true},"
        " \"_meta\": {\"ui\": 1}}"), "mcp.tool", 1, 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "title"), "Me");
    assert_string_equal(json(get(t, "parameters")), "{\"type\":\"object\"}");
    assert_string_equal(json(get(t, "output")), "{\"type\":\"object\"}");
    assert_string_equal(json(get(t, "annotations")), "{\"readOnlyHint\":true}");
    assert_string_equal(json(get(t, "extra")), "{\"_meta\":{\"ui\":1}}");
    assert_string_equal(str(get(t, "provenance"), "format"), "mcp.tool");
    val_unref(r);
}

static void tools_list_and_jsonrpc(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("list.json",
        "{\"tools\": [{\"name\": \"a\", \"inputSchema\": {\"type\": \"object\"}},"
        " {\"name\": \"b\", \"inputSchema\": {\"type\": \"object\"}}],"
        " \"nextCursor\": \"abc\"}"), "mcp.tools_list", 2, 0);
    assert_string_equal(str(r, "version"), "tools/list");
    assert_true(has_problem(r, "warning", "nextCursor is set"));
    assert_string_equal(str(get(item(r, "tools", 1), "provenance"), "pointer"),
                        "/tools/1");
    val_unref(r);
    r = expect_read(put_str("rpc.json",
        "{\"jsonrpc\": \"2.0\", \"id\": 1, \"result\": {\"tools\": ["
        "{\"name\": \"a\", \"inputSchema\": {\"type\": \"object\"}}]}}"),
        "mcp.jsonrpc", 1, 0);
    assert_string_equal(str(r, "version"), "2.0");
    assert_string_equal(str(get(item(r, "tools", 0), "provenance"), "pointer"),
                        "/result/tools/0");
    val_unref(r);
    /* A tools/list request or an error response holds no tools. */
    r = read_path(put_str("req.json", "{\"jsonrpc\": \"2.0\", \"id\": 1, "
                          "\"method\": \"tools/list\"}"));
    assert_int_equal(val_type(get(r, "format")), VAL_NULL);
    assert_true(has_problem(r, "error", "keys: jsonrpc, id, method"));
    val_unref(r);
}

static void corpus(void **state)
{
    (void)state;
    static const struct {
        const char *file, *format;
        size_t tools, servers;
    } want[] = {
        { "Abilash-Sivasith__handrolled-mcp-server-python__tools.json", "mcp.tools_list", 4, 0 },
        { "anthropics__mcpb__file-manager-python-package__manifest.json", "mcp.bundle", 3, 1 },
        { "anthropics__mcpb__hello-world-node__manifest.json", "mcp.bundle", 1, 1 },
        { "github__github-mcp-server__create_issue.snap", "mcp.tool", 1, 0 },
        { "github__github-mcp-server__delete_repository.snap", "mcp.tool", 1, 0 },
        { "github__github-mcp-server__get_file_contents_typed.snap", "mcp.tool", 1, 0 },
        { "github__github-mcp-server__get_me.snap", "mcp.tool", 1, 0 },
        { "github__github-mcp-server__projects_write.snap", "mcp.tool", 1, 0 },
        { "github__github-mcp-server__server.json", "mcp.server_json", 0, 1 },
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char path[256];
        snprintf(path, sizeof path, CORPUS "%s", want[i].file);
        val_t *r = expect_read(path, want[i].format, want[i].tools,
                               want[i].servers);
        assert_false(has_problem(r, "error", ""));
        val_unref(r);
    }
    /* server.json: the schema's date, the placeholder, the secret header. */
    val_t *r = read_path(CORPUS "github__github-mcp-server__server.json");
    assert_string_equal(str(r, "version"), "2025-12-11");
    assert_true(has_problem(r, "warning", "'version' is a placeholder left "
                            "unresolved: '${VERSION}'"));
    val_t *s = item(r, "servers", 0);
    assert_string_equal(str(s, "transport"), "stdio");
    assert_int_equal(n_of(s, "remotes"), 1);
    val_unref(r);
    /* A bundle: DXT's version key; its tools depend on its server. */
    r = read_path(CORPUS "anthropics__mcpb__file-manager-python-package__manifest.json");
    assert_string_equal(str(r, "version"), "0.1");
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(get(t, "endpoint"), "server"),
                        str(item(r, "servers", 0), "name"));
    assert_true(has_problem(r, "warning", "no input schema"));
    val_unref(r);
    r = read_path(CORPUS "anthropics__mcpb__hello-world-node__manifest.json");
    s = item(r, "servers", 0);
    assert_string_equal(json(get(s, "env")),
        "[{\"name\":\"API_KEY\",\"secret\":true},{\"name\":\"DEBUG\",\"secret\":false}]");
    val_unref(r);
}

static void registry_prerelease(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "mcp_registry/publisher__server.json",
                           "mcp.server_json", 0, 1);
    assert_string_equal(str(r, "version"), "pre-release");
    val_t *s = item(r, "servers", 0);
    assert_string_equal(str(s, "version"), "0.0.1-<publisher_version>");
    val_t *p = item(s, "packages", 1);
    assert_string_equal(str(p, "registryType"), "docker>");
    assert_string_equal(str(p, "runtimeHint"), "docker");
    assert_int_equal(val_type(get(val_list_get(get(p, "runtimeArguments"), 0),
                                  "isRequired")), VAL_BOOL);
    assert_string_equal(json(get(s, "env")),
        "[{\"name\":\"API_KEY\",\"secret\":false,\"description\":\"API Key to "
        "access the server\"},{\"name\":\"API_KEY\",\"secret\":false,"
        "\"description\":\"API Key to access the server\"}]");
    assert_true(has_problem(r, "warning", "'name' is a placeholder"));
    val_unref(r);
}

static void docker_catalog(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "docker_mcp/buildkite__server.yaml",
                           "mcp.docker_server", 0, 1);
    val_t *s = item(r, "servers", 0);
    assert_string_equal(json(get(s, "env")),
                        "[{\"name\":\"BUILDKITE_API_TOKEN\",\"secret\":true}]");
    assert_string_equal(str(item(s, "packages", 0), "identifier"), "mcp/buildkite");
    val_unref(r);
    r = expect_read(DATA "docker_mcp/astro-docs__server.yaml",
                    "mcp.docker_server", 0, 1);
    s = item(r, "servers", 0);
    assert_string_equal(str(s, "transport"), "streamable-http");
    assert_string_equal(str(item(s, "remotes", 0), "url"),
                        "https://mcp.docs.astro.build/mcp");
    val_unref(r);
    val_unref(expect_read(DATA "docker_mcp/alfresco__server.yaml",
                          "mcp.docker_server", 0, 1));
    /* tools.json: optional inverts required. */
    r = expect_read(DATA "docker_mcp/buildkite__tools.json", "mcp.docker_tools",
                    24, 0);
    val_t *t = item(r, "tools", 1);
    assert_string_equal(str(t, "name"), "create_build");
    assert_string_equal(json(get(get(t, "parameters"), "required")),
        "[\"branch\",\"commit\",\"message\",\"org_slug\",\"pipeline_slug\"]");
    assert_string_equal(json(get(get(get(t, "parameters"), "properties"), "branch")),
                        "{\"type\":\"string\",\"description\":\"The branch to build\"}");
    assert_true(has_problem(r, "warning", "optional: true"));
    val_unref(r);
    r = expect_read(DATA "docker_mcp/astro-docs__tools.json", "mcp.docker_tools",
                    1, 0);
    assert_string_equal(json(get(get(item(r, "tools", 0), "parameters"), "required")),
                        "[\"query\"]");
    val_unref(r);
    val_unref(expect_read(DATA "docker_mcp/alfresco__tools.json", "mcp.tools_list",
                          10, 0));
}

static void smithery(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "smithery/ADEOSec__mcp-shodan__smithery.yaml",
                           "mcp.smithery", 0, 1);
    val_t *s = item(r, "servers", 0);
    assert_string_equal(str(s, "name"), "smithery");
    assert_string_equal(str(s, "transport"), "stdio");
    assert_string_equal(json(get(s, "env")),
        "[{\"name\":\"apiKey\",\"secret\":true,\"required\":true,\"description\":"
        "\"Shodan API Key for authentication with the Shodan service.\"}]");
    assert_true(has_problem(r, "warning", "named after its folder"));
    val_unref(r);
    r = expect_read(put_str("smithery.yaml",
        "runtime: typescript\nstartCommand:\n  type: http\n"), "mcp.smithery", 0, 1);
    assert_string_equal(str(item(r, "servers", 0), "transport"), "streamable-http");
    assert_string_equal(str(r, "version"), "typescript");
    val_unref(r);
}

/* ---- malformed input ----------------------------------------------------- */

static void malformed(void **state)
{
    (void)state;
    /* Truncated. */
    val_t *r = read_path(put_str("t.snap", "{\"name\": \"a\", \"inputSchema\": {"));
    assert_int_equal(val_type(get(r, "format")), VAL_NULL);
    assert_true(has_problem(r, "error", "not valid JSON"));
    val_unref(r);
    /* Wrong types: a tool that is a string, one with no name, a number as
     * its description. */
    r = expect_read(put_str("w.json",
        "{\"tools\": [\"x\", {\"inputSchema\": {}}, {\"name\": \"b\", "
        "\"description\": 3, \"inputSchema\": {\"type\": \"object\"}}]}"),
        "mcp.tools_list", 1, 0);
    assert_true(has_problem(r, "error", "a string, not a tool"));
    assert_true(has_problem(r, "error", "a tool with no name"));
    assert_true(has_problem(r, "warning", "'b': description is not a string"));
    val_unref(r);
    /* A server.json whose packages are not a list is not one. */
    r = read_path(put_str("s.json", "{\"name\": \"x\", \"packages\": 5}"));
    assert_int_equal(val_type(get(r, "format")), VAL_NULL);
    val_unref(r);
    /* Empty, binary. */
    r = read_path(put_str("e.json", "  \n"));
    assert_true(has_problem(r, "error", "an empty file"));
    val_unref(r);
    r = read_path(put_bytes("b.json", "\x89PNG\r\n\x1a\n\0\0", 10));
    assert_true(has_problem(r, "error", "binary content"));
    assert_int_equal(n_of(r, "tools"), 0);
    val_unref(r);
    /* BOM and CRLF, in YAML. */
    r = expect_read(put_str("bom.yaml",
        "\xEF\xBB\xBFname: x\r\ntype: server\r\nimage: mcp/x\r\nabout:\r\n"
        "  title: X\r\n"), "mcp.docker_server", 0, 1);
    assert_string_equal(str(item(r, "servers", 0), "title"), "X");
    val_unref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tool_object),
        cmocka_unit_test(tools_list_and_jsonrpc),
        cmocka_unit_test(corpus),
        cmocka_unit_test(registry_prerelease),
        cmocka_unit_test(docker_catalog),
        cmocka_unit_test(smithery),
        cmocka_unit_test(malformed),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
