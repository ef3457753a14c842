/* gen_synapse.c: the generator's Synapse agent files (docs/gen.md), both
 * versions of docs/legacy-formats.md's definition: version 1 with a host,
 * a token variable and `args` written NAME: TYPE = DEFAULT; version 2
 * with a transport, named or positional calling, an auth map, `requires`
 * and methods keyed by name with their hints. */
#include <string.h>

#include "gen_int.h"

/* A parameter type in each version's words, and a default for it. */
static const struct {
    const char *v1, *v2, *def;
} types[] = {
    { "str", "string", "\"all\"" },
    { "str", "string", "null" },
    { "int", "integer", "30" },
    { "float", "number", "0.5" },
    { "bool", "boolean", "false" },
    { "list[str]", "\"list[string]\"", "null" },
    { "dict", "object", "null" },
};
#define N_TYPES (sizeof types / sizeof *types)

static void v1_method(gen_t *g, const gen_file_t *f, size_t i, strbuf_t *b)
{
    const char *nm = gen_tool_name(g, f->mis, i == 0);
    strbuf_printf(b, "  - method: %s\n    doc: ", nm);
    gen_sentence(g, b);
    size_t start = gen_below(g, GEN_PARAM_NAMES), n = gen_below(g, 5);
    strbuf_puts(b, n ? "\n    args:\n" : "\n    args: []\n");
    size_t need = n ? gen_below(g, n + 1) : 0;  /* required ones first */
    for (size_t k = 0; k < n; k++) {
        size_t t = gen_below(g, N_TYPES);
        strbuf_printf(b, "      - %s: %s", gen_param_name(start, k),
                      types[t].v1);
        if (k >= need)
            strbuf_printf(b, " = %s", types[t].def);
        strbuf_putc(b, '\n');
    }
    strbuf_printf(b, "    returns: %s\n", gen_below(g, 2) ? "dict" : "list[dict]");
}

static void v2_method(gen_t *g, const gen_file_t *f, size_t i, strbuf_t *b)
{
    const char *nm = gen_tool_name(g, f->mis, i == 0);
    strbuf_printf(b, "  %s:\n    summary: ", nm);
    gen_sentence(g, b);
    bool ro = gen_below(g, 2);
    strbuf_printf(b, "\n    readonly: %s\n", ro ? "true" : "false");
    if (!ro)
        strbuf_printf(b, "    destructive: %s\n    idempotent: %s\n",
                      gen_below(g, 2) ? "true" : "false",
                      gen_below(g, 2) ? "true" : "false");
    if (gen_below(g, 3) == 0)
        strbuf_printf(b, "    timeout: %zus\n", 5 + gen_below(g, 56));
    size_t start = gen_below(g, GEN_PARAM_NAMES), n = gen_below(g, 5);
    strbuf_puts(b, n ? "    params:\n" : "    params: []\n");
    for (size_t k = 0; k < n; k++) {
        size_t t = gen_below(g, N_TYPES);
        strbuf_printf(b, "      - {name: %s, type: %s", gen_param_name(start, k),
                      types[t].v2);
        if (gen_below(g, 3) == 0)
            strbuf_printf(b, ", default: %s", types[t].def);
        else if (gen_below(g, 4) == 0)
            strbuf_puts(b, ", required: false");
        strbuf_puts(b, "}\n");
    }
    strbuf_printf(b, "    returns: {type: %s}\n",
                  gen_below(g, 2) ? "object" : "array");
}

static const char *const agents[] = {
    "billing", "ledger", "support", "inventory", "shipping", "identity",
    "search", "notify",
};

static size_t write_synapse(gen_t *g, const gen_file_t *f)
{
    unsigned long long no = (unsigned long long)g->file_no;
    const char *agent = GEN_PICK(g, agents);
    bool v2 = gen_below(g, 2);
    strbuf_t *b = &g->body;
    b->len = 0;
    if (!v2) {
        strbuf_printf(b, "# A Synapse 1 agent file: POST {host}/{agent}/"
                      "{method} with the arguments as a JSON array.\n"
                      "synapse: 1\nagent: %s_%llu\ndescription: The %s agent's "
                      "methods.\nhost: http://%s-%llu.internal:8300\n",
                      agent, no, agent, agent, no);
        if (gen_below(g, 4))
            strbuf_printf(b, "auth:\n  token_env: %s_TOKEN\n",
                          gen_below(g, 2) ? "AGENT" : "SYNAPSE");
        strbuf_puts(b, "tools:\n");
        for (size_t i = 0; i < f->n; i++)
            v1_method(g, f, i, b);
    } else {
        bool stdio = gen_below(g, 5) == 0;
        strbuf_printf(b, "synapse: \"2.%zu\"\nagent: {name: %s_%llu, version: "
                      "%zu.%zu.0}\n", gen_below(g, 3), agent, no,
                      1 + gen_below(g, 4), gen_below(g, 10));
        if (stdio)
            strbuf_printf(b, "transport: {type: stdio, command: [python, -m, "
                          "agents.%s]}\n", agent);
        else
            strbuf_printf(b, "transport: {type: http, url: http://%s-%llu."
                          "internal:8300/v2/%s}\n", agent, no, agent);
        strbuf_printf(b, "calling: %s\n", gen_below(g, 3) ? "positional"
                                                          : "named");
        if (gen_below(g, 2))
            strbuf_puts(b, "auth: {type: bearer, secret: AGENT_TOKEN}\n");
        else
            strbuf_puts(b, "auth: {type: api-key, secret: AGENT_KEY, "
                        "header: X-Api-Key}\n");
        if (gen_below(g, 2))
            strbuf_printf(b, "requires: [%s]\n", GEN_PICK(g, agents));
        strbuf_puts(b, "tools:\n");
        for (size_t i = 0; i < f->n; i++)
            v2_method(g, f, i, b);
    }
    if (f->mis == GEN_MIS_MALFORMED)
        gen_spoil(g, b, false);
    g->path.len = 0;
    strbuf_printf(&g->path, "%s/%s-%06llu.v%d.yaml", f->dir, agent, no,
                  v2 ? 2 : 1);
    gen_emit(g, g->path.data, b, "synapse", f->n, f->mis);
    return f->n;
}

const gen_family_t gen_family_synapse = {
    .kind = "synapse", .max_per_file = 10, .write = write_synapse,
    .mismatches = (1u << GEN_MIS_MALFORMED) | (1u << GEN_MIS_CONFLICT) |
                  (1u << GEN_MIS_NAMES),
};
