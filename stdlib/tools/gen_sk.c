/* gen_sk.c: the generator's Semantic Kernel prompt functions (docs/gen.md),
 * one function each, as the corpus has them: a folder PLUGIN/NAME with
 * config.json (schema 1 with `completion`, or v1 with
 * `execution_settings` and `input_variables`) and the skprompt.txt it
 * pairs with, or one YAML prompt file. */
#include <string.h>

#include "gen_int.h"

enum { V_CONFIG_1, V_CONFIG_V1, V_YAML, V_COUNT };
static const char *const plugins[] = {
    "WriterPlugin", "SummarizePlugin", "QAPlugin", "FunPlugin",
    "CalendarPlugin", "EmailPlugin",
};
static const char *const vars[] = {
    "input", "audience", "tone", "language", "history", "question",
};

/* The template: an instruction over its variables (two of VARS from V). */
static void template(gen_t *g, size_t v, const char *ind, strbuf_t *b)
{
    strbuf_printf(b, "%sYou are a careful assistant for the %s team.\n%s\n"
                  "%sUse a {{$%s}} tone and write in {{$%s}}.\n%s\n"
                  "%s{{$input}}\n", ind, GEN_PICK(g, plugins), ind, ind,
                  vars[2 + v % 4], vars[(3 + v) % 4 + 2], ind, ind);
}

/* The declared variables input, A and C of a config.json: schema 1's
 * {name, description, defaultValue}, or v1's with `default` and
 * `is_required`. */
static void declared(bool schema1, const char *a, const char *c, strbuf_t *b)
{
    const char *const names[] = { "input", a, c };
    static const char *const v1_extra[] = {
        "\"is_required\": true", "\"default\": \"plain\"",
        "\"is_required\": false",
    };
    static const char *const schema1_default[] = { "", "plain", "" };
    for (size_t i = 0; i < 3; i++) {
        strbuf_printf(b, "%s\n%s{\"name\": \"%s\", \"description\": \"%s%s"
                      "\", ", i ? "," : "", schema1 ? "      " : "    ",
                      names[i], i ? "The " : "The text to work on",
                      i ? names[i] : "");
        if (schema1)
            strbuf_printf(b, "\"defaultValue\": \"%s\"}", schema1_default[i]);
        else
            strbuf_printf(b, "%s}", v1_extra[i]);
    }
}

static size_t write_sk(gen_t *g, const gen_file_t *f)
{
    unsigned long long no = (unsigned long long)g->file_no;
    const char *plugin = GEN_PICK(g, plugins);
    int v = (int)gen_below(g, V_COUNT);
    size_t tv = gen_below(g, 4);
    strbuf_t *b = &g->body;
    const char *nm = gen_tool_name(g, f->mis, true);
    const char *a = vars[2 + tv % 4], *c = vars[(3 + tv) % 4 + 2];
    b->len = 0;
    if (v == V_YAML) {
        strbuf_printf(b, "name: %s\ntemplate: |\n", nm);
        template(g, tv, "  ", b);
        strbuf_printf(b, "template_format: semantic-kernel\ndescription: ");
        gen_sentence(g, b);
        strbuf_printf(b, "\ninput_variables:\n  - name: input\n"
                      "    description: The text to work on.\n"
                      "    is_required: true\n  - name: %s\n"
                      "    description: The %s to use.\n    default: plain\n"
                      "  - name: %s\n    description: The %s to use.\n"
                      "output_variable:\n  description: The text written.\n"
                      "execution_settings:\n  default:\n    temperature: 0.%zu\n"
                      "    max_tokens: %zu\n", a, a, c, c, gen_below(g, 10),
                      (size_t)256 << gen_below(g, 3));
        if (f->mis == GEN_MIS_MALFORMED)
            gen_spoil(g, b, false);
        g->path.len = 0;
        strbuf_printf(&g->path, "%s/%s-%06llu/%s.yaml", f->dir, plugin, no, nm);
        gen_emit(g, g->path.data, b, "semantic_kernel.prompt_yaml", 1, f->mis);
    } else {
        template(g, tv, "", b);
        g->path.len = 0;
        strbuf_printf(&g->path, "%s/%s-%06llu/%s/skprompt.txt", f->dir,
                      plugin, no, nm);
        /* Beside its config.json the template gives no record; beside a
         * malformed one, it is read alone. */
        gen_emit(g, g->path.data, b, "semantic_kernel.prompt",
                 f->mis == GEN_MIS_MALFORMED, GEN_MIS_NONE);
        b->len = 0;
        strbuf_puts(b, "{\n  \"schema\": 1,\n");
        if (v == V_CONFIG_1)
            strbuf_puts(b, "  \"type\": \"completion\",\n");
        strbuf_puts(b, "  \"description\": \"");
        gen_sentence(g, b);
        size_t tokens = (size_t)256 << gen_below(g, 3), temp = gen_below(g, 10);
        if (v == V_CONFIG_1)
            strbuf_printf(b, "\",\n  \"completion\": {\n    \"max_tokens\": "
                          "%zu,\n    \"temperature\": 0.%zu,\n    \"top_p\": "
                          "0.0,\n    \"presence_penalty\": 0.0,\n"
                          "    \"frequency_penalty\": 0.0\n  },\n"
                          "  \"input\": {\n    \"parameters\": [", tokens, temp);
        else
            strbuf_printf(b, "\",\n  \"execution_settings\": {\n"
                          "    \"default\": {\"max_tokens\": %zu, "
                          "\"temperature\": 0.%zu}\n  },\n"
                          "  \"input_variables\": [", tokens, temp);
        declared(v == V_CONFIG_1, a, c, b);
        strbuf_puts(b, v == V_CONFIG_1 ? "\n    ]\n  }\n}\n" : "\n  ]\n}\n");
        if (f->mis == GEN_MIS_MALFORMED)
            gen_spoil(g, b, false);
        g->path.len = 0;
        strbuf_printf(&g->path, "%s/%s-%06llu/%s/config.json", f->dir,
                      plugin, no, nm);
        gen_emit(g, g->path.data, b, "semantic_kernel.config", 1, f->mis);
    }
    return g->st == MIG_OK ? 1 : 0;
}

const gen_family_t gen_family_sk = {
    .kind = "sk", .max_per_file = 1, .write = write_sk,
    .mismatches = (1u << GEN_MIS_MALFORMED) | (1u << GEN_MIS_CONFLICT) |
                  (1u << GEN_MIS_NAMES),
};
