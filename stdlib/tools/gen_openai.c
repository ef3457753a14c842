/* gen_openai.c: the generator's OpenAI files (docs/gen.md), in the shapes
 * of docs/legacy-formats.md's openai.* formats: Teams AI's bare lists of
 * functions, lists of tools, the Berkeley leaderboard's JSON Lines, a
 * chat request body, and functions keyed by name. */
#include <stdio.h>
#include <string.h>

#include "gen_int.h"

/* One function {name, description, parameters} at indentation IND. */
static void function(gen_t *g, const gen_file_t *f, bool first,
                     const char *ind, strbuf_t *b)
{
    const char *nm = gen_tool_name(g, f->mis, first);
    strbuf_printf(b, "{\n%s  \"name\": \"%s\",\n%s  \"description\": \"", ind,
                  nm, ind);
    gen_sentence(g, b);
    strbuf_printf(b, "\",\n%s  \"parameters\": ", ind);
    char deeper[32];
    snprintf(deeper, sizeof deeper, "%s  ", ind);
    gen_schema(g, f->mis, gen_below(g, 5), deeper, b);
    strbuf_printf(b, "\n%s}", ind);
}

/* The variants, each a format of docs/legacy-formats.md. */
enum { V_FUNCTIONS, V_TOOLS, V_BFCL, V_REQUEST, V_KEYED, V_COUNT };
static const char *const formats[V_COUNT] = {
    "openai.functions", "openai.tools", "openai.jsonl", "openai.request",
    "openai.keyed",
};

static size_t write_openai(gen_t *g, const gen_file_t *f)
{
    strbuf_t *b = &g->body;
    b->len = 0;
    int v = (int)gen_below(g, V_COUNT);
    if (v == V_BFCL && f->n < 2)
        v = V_FUNCTIONS;            /* JSON Lines need two lines */
    size_t n = f->n;
    switch (v) {
    case V_BFCL: {
        /* A test record a line, each with one to three functions. */
        size_t line = 0;
        for (size_t i = 0; i < n; line++) {
            size_t k = line == 0 ? 1 : 1 + gen_below(g, 3);
            if (k > n - i)
                k = n - i;
            strbuf_printf(b, "{\"id\": \"live_relevance_%llu-%zu-0\", "
                          "\"question\": [[{\"role\": \"user\", \"content\": "
                          "\"Can you help me with record %zu?\"}]], "
                          "\"function\": [", (unsigned long long)g->file_no,
                          line, i);
            for (size_t j = 0; j < k; j++, i++) {
                strbuf_t one;
                strbuf_init(&one);
                function(g, f, i == 0, "", &one);
                /* one line: the function without its line breaks */
                for (size_t c = 0; c < one.len; c++)
                    if (one.data[c] != '\n')
                        strbuf_putc(b, one.data[c]);
                if (one.oom)
                    b->oom = true;
                strbuf_free(&one);
                strbuf_puts(b, j + 1 < k ? ", " : "");
            }
            strbuf_puts(b, "]}\n");
        }
        break;
    }
    case V_KEYED:
        strbuf_puts(b, "{");
        for (size_t i = 0; i < n; i++) {
            /* the key is the name; the function says it again */
            size_t at = b->len;
            function(g, f, i == 0, "  ", b);
            const char *q = b->oom ? NULL : strstr(b->data + at, "\"name\": \"");
            const char *e = q ? strchr(q + 9, '"') : NULL;
            if (!e) {
                b->oom = true;
                break;
            }
            strbuf_t key;
            strbuf_init(&key);
            strbuf_printf(&key, "%s\n  \"%.*s\": ", i ? "," : "",
                          (int)(e - q - 9), q + 9);
            strbuf_puts(&key, b->data + at);
            b->len = at;
            strbuf_put(b, key.data, key.len);
            if (key.oom)
                b->oom = true;
            strbuf_free(&key);
        }
        strbuf_puts(b, "\n}\n");
        break;
    default: {
        const char *open = v == V_REQUEST
            ? "{\n  \"model\": \"gpt-4o-mini\",\n  \"messages\": [\n"
              "    {\"role\": \"system\", \"content\": \"You are a helpful "
              "assistant.\"},\n    {\"role\": \"user\", \"content\": "
              "\"What is due this week?\"}\n  ],\n  \"tool_choice\": "
              "\"auto\",\n  \"tools\": [" : "[";
        const char *ind = v == V_REQUEST ? "    " : "  ";
        strbuf_puts(b, open);
        for (size_t i = 0; i < n; i++) {
            strbuf_printf(b, "%s\n%s", i ? "," : "", ind);
            if (v == V_FUNCTIONS) {
                function(g, f, i == 0, ind, b);
            } else {
                char deeper[16];
                snprintf(deeper, sizeof deeper, "%s  ", ind);
                strbuf_printf(b, "{\n%s\"type\": \"function\",\n%s"
                              "\"function\": ", deeper, deeper);
                function(g, f, i == 0, deeper, b);
                strbuf_printf(b, "\n%s}", ind);
            }
        }
        strbuf_puts(b, v == V_REQUEST ? "\n  ]\n}\n" : "\n]\n");
    }
    }
    if (f->mis == GEN_MIS_MALFORMED)
        gen_spoil(g, b, true);
    g->path.len = 0;
    strbuf_printf(&g->path, "%s/functions-%06llu.%s", f->dir,
                  (unsigned long long)g->file_no,
                  v == V_BFCL ? "jsonl" : "json");
    gen_emit(g, g->path.data, b, formats[v], n, f->mis);
    return n;
}

const gen_family_t gen_family_openai = {
    .kind = "openai", .max_per_file = 12, .write = write_openai,
    .mismatches = (1u << GEN_MIS_MALFORMED) | (1u << GEN_MIS_CONFLICT) |
                  (1u << GEN_MIS_NAMES) | (1u << GEN_MIS_QUIRKS),
};
