/* test_tools_spec_samples.c: the MCP readers and the normaliser on the
 * Model Context Protocol specification's own examples (tests/data/legacy/
 * mcp_spec, Apache-2.0, sources in its SOURCES.tsv): the only real files
 * of a JSON-RPC tools/list response and of a tools/list page found; every
 * tool read makes a valid V2 descriptor. */
#include "tools_fixture.h"

#define SPEC "tests/data/legacy/mcp_spec/"

/* tools.normalize of tool I of R: the descriptor (valid, or the action
 * fails and so does the test), in a new reference. */
static val_t *descriptor_of(const val_t *r, size_t i)
{
    const action_t *a = action_find(reg, "tools.normalize");
    assert_non_null(a);
    val_t *args = val_map_new(2);
    assert_int_equal(val_map_set(args, "record", 6, item(r, "tools", i)),
                     MIG_OK);
    assert_int_equal(val_map_set_take(args, "kind", 4, val_cstring("tool")),
                     MIG_OK);
    actx_begin(ctx, "tools.normalize");
    val_t *out = NULL;
    mig_status_t st = a->run(ctx, args, &out);
    val_unref(args);
    if (st != MIG_OK)
        print_error("%s\n", actx_error_message(ctx));
    assert_int_equal(st, MIG_OK);
    val_t *d = val_ref(get(out, "descriptor"));
    val_unref(out);
    return d;
}

/* The JSON-RPC response: one tool, its title and icons kept; the page's
 * nextCursor said (the other pages are not in the file). */
static void jsonrpc_response(void **state)
{
    (void)state;
    val_t *r = expect_read(SPEC "ListToolsResultResponse__list-tools-result-"
                           "response.json", "mcp.jsonrpc", 1, 0);
    assert_string_equal(str(r, "version"), "2.0");
    const val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "get_weather");
    assert_string_equal(str(t, "title"), "Weather Information Provider");
    assert_string_equal(str(get(t, "provenance"), "pointer"),
                        "/result/tools/0");
    assert_non_null(get(get(t, "extra"), "icons"));
    assert_true(has_problem(r, "warning", "a page of a longer list "
                                          "(nextCursor is set)"));
    assert_int_equal(n_of(r, "problems"), 1);
    val_t *d = descriptor_of(r, 0);
    assert_string_equal(json(get(d, "inputSchema")),
                        "{\"type\":\"object\",\"properties\":{\"location\":"
                        "{\"type\":\"string\",\"description\":\"City name or "
                        "zip code\"}},\"required\":[\"location\"]}");
    val_unref(d);
    val_unref(r);
}

/* The same page as a bare tools/list result. */
static void tools_list_page(void **state)
{
    (void)state;
    val_t *r = expect_read(SPEC "ListToolsResult__tools-list-with-cursor-and-"
                           "ttl.json", "mcp.tools_list", 1, 0);
    assert_string_equal(str(r, "version"), "tools/list");
    assert_string_equal(str(item(r, "tools", 0), "name"), "get_weather");
    assert_true(has_problem(r, "warning", "a page of a longer list"));
    val_unref(r);
}

/* One Tool declaring draft-07: the descriptor's schema is 2020-12. */
static void draft07_tool(void **state)
{
    (void)state;
    val_t *r = expect_read(SPEC "Tool__with-explicit-draft-07-input-schema."
                           "json", "mcp.tool", 1, 0);
    assert_int_equal(n_of(r, "problems"), 0);
    val_t *d = descriptor_of(r, 0);
    assert_string_equal(str(get(d, "inputSchema"), "$schema"),
                        "https://json-schema.org/draft/2020-12/schema");
    assert_string_equal(json(get(get(d, "inputSchema"), "required")),
                        "[\"a\",\"b\"]");
    val_unref(d);
    val_unref(r);
}

/* One Tool whose input is a oneOf of two shapes: kept as it is. */
static void composition_tool(void **state)
{
    (void)state;
    val_t *r = expect_read(SPEC "Tool__tool-with-composition-input-schema."
                           "json", "mcp.tool", 1, 0);
    val_t *d = descriptor_of(r, 0);
    assert_string_equal(str(d, "title"), "Resource Finder");
    assert_int_equal(n_of(get(d, "inputSchema"), "oneOf"), 2);
    val_unref(d);
    val_unref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jsonrpc_response),
        cmocka_unit_test(tools_list_page),
        cmocka_unit_test(draft07_tool),
        cmocka_unit_test(composition_tool),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
