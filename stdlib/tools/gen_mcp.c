/* gen_mcp.c: the generator's MCP files (docs/gen.md), in the shapes of
 * docs/legacy-formats.md's mcp.* formats: a tools/list result (a server
 * repository's tools.json), one Tool (github-mcp-server's toolsnaps), the
 * Docker catalog's tools.json, a JSON-RPC reply, and an MCP bundle's
 * manifest.json (a server with its tools). */
#include <stdio.h>
#include <string.h>

#include "gen_int.h"

enum { V_TOOLS_LIST, V_TOOL, V_DOCKER, V_JSONRPC, V_BUNDLE, V_COUNT };
static const char *const formats[V_COUNT] = {
    "mcp.tools_list", "mcp.tool", "mcp.docker_tools", "mcp.jsonrpc",
    "mcp.bundle",
};

/* One Tool object {name, title, description, inputSchema, annotations}
 * at indentation IND. */
static void tool(gen_t *g, const gen_file_t *f, bool first, const char *ind,
                 strbuf_t *b)
{
    const char *nm = gen_tool_name(g, f->mis, first);
    strbuf_printf(b, "{\n%s  \"name\": \"%s\",\n%s  \"description\": \"",
                  ind, nm, ind);
    gen_sentence(g, b);
    strbuf_printf(b, "\",\n%s  \"inputSchema\": ", ind);
    char deeper[32];
    snprintf(deeper, sizeof deeper, "%s  ", ind);
    gen_schema(g, f->mis, gen_below(g, 5), deeper, b);
    if (gen_below(g, 2)) {
        bool ro = gen_below(g, 2);
        strbuf_printf(b, ",\n%s  \"annotations\": {\"title\": \"%s\", "
                      "\"readOnlyHint\": %s, \"destructiveHint\": %s, "
                      "\"openWorldHint\": true}", ind, nm,
                      ro ? "true" : "false", ro ? "false" : "true");
    }
    strbuf_printf(b, "\n%s}", ind);
}

/* One tool of the Docker catalog: arguments instead of a schema. */
static void docker_tool(gen_t *g, const gen_file_t *f, bool first,
                        strbuf_t *b)
{
    const char *nm = gen_tool_name(g, f->mis, first);
    strbuf_printf(b, "  {\n    \"name\": \"%s\",\n    \"description\": \"",
                  nm);
    gen_sentence(g, b);
    strbuf_puts(b, "\",\n    \"arguments\": [");
    size_t start = gen_below(g, GEN_PARAM_NAMES), n = 1 + gen_below(g, 4);
    for (size_t i = 0; i < n; i++) {
        const char *type = gen_param_type(g);
        strbuf_printf(b, "%s\n      {\n        \"name\": \"%s\",\n"
                      "        \"type\": \"%s\",\n", i ? "," : "",
                      gen_param_name(start, i), type);
        if (strcmp(type, "array") == 0)
            strbuf_puts(b, "        \"items\": {\"type\": \"string\"},\n");
        strbuf_printf(b, "        \"desc\": \"The %s to use\"%s\n      }",
                      gen_param_name(start, i),
                      i ? ",\n        \"optional\": true" : "");
    }
    strbuf_puts(b, "\n    ]\n  }");
}

/* An MCP bundle's manifest.json: a server, its tools without schemas. */
static void bundle(gen_t *g, const gen_file_t *f, strbuf_t *b)
{
    unsigned long long no = (unsigned long long)g->file_no;
    strbuf_printf(b, "{\n  \"manifest_version\": \"0.2\",\n"
                  "  \"name\": \"server-%llu\",\n"
                  "  \"display_name\": \"Server %llu\",\n"
                  "  \"version\": \"1.%llu.0\",\n"
                  "  \"description\": \"Tools of the %s service.\",\n"
                  "  \"author\": {\"name\": \"Platform team\"},\n"
                  "  \"server\": {\n    \"type\": \"node\",\n"
                  "    \"entry_point\": \"server/index.js\",\n"
                  "    \"mcp_config\": {\n      \"command\": \"node\",\n"
                  "      \"args\": [\"${__dirname}/server/index.js\"],\n"
                  "      \"env\": {\"API_KEY\": \"${user_config.api_key}\"}\n"
                  "    }\n  },\n  \"tools\": [", no, no, no % 10,
                  GEN_PICK(g, ((const char *const[]){ "billing", "support",
                                                      "catalog", "ops" })));
    for (size_t i = 0; i < f->n; i++) {
        const char *nm = gen_tool_name(g, f->mis, i == 0);
        strbuf_printf(b, "%s\n    {\"name\": \"%s\", \"description\": \"",
                      i ? "," : "", nm);
        gen_sentence(g, b);
        strbuf_puts(b, "\"}");
    }
    strbuf_puts(b, "\n  ],\n  \"user_config\": {\n    \"api_key\": {"
                "\"type\": \"string\", \"title\": \"API key\", "
                "\"sensitive\": true, \"required\": true}\n  },\n"
                "  \"license\": \"MIT\"\n}\n");
}

static size_t write_mcp(gen_t *g, const gen_file_t *f)
{
    strbuf_t *b = &g->body;
    b->len = 0;
    int v = (int)gen_below(g, V_COUNT);
    size_t n = v == V_TOOL ? 1 : f->n;
    const char *name = "tools.json";
    switch (v) {
    case V_TOOL:
        tool(g, f, true, "", b);
        strbuf_putc(b, '\n');
        name = "snap";
        break;
    case V_DOCKER:
        strbuf_puts(b, "[\n");
        for (size_t i = 0; i < n; i++) {
            docker_tool(g, f, i == 0, b);
            strbuf_puts(b, i + 1 < n ? ",\n" : "\n");
        }
        strbuf_puts(b, "]\n");
        break;
    case V_BUNDLE:
        bundle(g, f, b);
        name = "manifest.json";
        break;
    default:
        strbuf_puts(b, v == V_JSONRPC
                    ? "{\n  \"jsonrpc\": \"2.0\",\n  \"id\": 1,\n  \"result\": "
                      "{\n  \"tools\": [" : "{\n  \"tools\": [");
        for (size_t i = 0; i < n; i++) {
            strbuf_puts(b, i ? ",\n    " : "\n    ");
            tool(g, f, i == 0, "    ", b);
        }
        strbuf_puts(b, v == V_JSONRPC ? "\n  ]\n  }\n}\n" : "\n  ]\n}\n");
    }
    if (f->mis == GEN_MIS_MALFORMED)
        gen_spoil(g, b, true);
    g->path.len = 0;
    if (v == V_TOOL)
        strbuf_printf(&g->path, "%s/tool-%06llu.snap", f->dir,
                      (unsigned long long)g->file_no);
    else
        strbuf_printf(&g->path, "%s/server-%06llu/%s", f->dir,
                      (unsigned long long)g->file_no, name);
    /* Docker tools and bundles have no schema for quirks to spoil. */
    bool plain = (v == V_DOCKER || v == V_BUNDLE) && f->mis == GEN_MIS_QUIRKS;
    gen_emit(g, g->path.data, b, formats[v], n, plain ? GEN_MIS_NONE : f->mis);
    return n;
}

const gen_family_t gen_family_mcp = {
    .kind = "mcp", .max_per_file = 10, .write = write_mcp,
    .mismatches = (1u << GEN_MIS_MALFORMED) | (1u << GEN_MIS_CONFLICT) |
                  (1u << GEN_MIS_NAMES) | (1u << GEN_MIS_QUIRKS),
};
