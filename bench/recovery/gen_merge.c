/* gen_merge.c: the tools merged behind a discriminator of the recovery
 * benchmark's generator (gen.c): the V2 tools several old ones became
 * (the endpoint's side), a tool's draw of one old tool (vocab.h,
 * vocab_merges), its legacy call and the call it must be translated to,
 * and the two interfaces the plan's adapt.translate diffs (old.json,
 * new.json). The translated call is computed here from the tables,
 * never by running the strategies. */
#include <string.h>

#include "gen.h"
#include "vocab.h"

/* A parameter of a merged V2 tool; ONLY: the discriminator value whose
 * branch has it (a oneOf tool), or NULL: every value's. */
typedef struct merged_param {
    const char *name;
    ptype_t type;
    const char *def;            /* the default as JSON, or NULL */
    const char *only;
} merged_param_t;

#define MERGED_MAX_PARAMS 6
#define MERGED_MAX_VALUES 6

/* The V2 tools. ONE_OF: the schema is a oneOf of one branch per value
 * (its discriminator a `const`, each branch closed, its parameters
 * without a default required); else one schema with the discriminator's
 * `enum`, only the discriminator required. */
static const struct merged_tool {
    const char *name, *field;
    bool one_of;
    const char *values[MERGED_MAX_VALUES];
    merged_param_t params[MERGED_MAX_PARAMS];
} merged_tools[] = {
    { "task", "action", false,
      { "create", "update", "close", "list", "get_comments" },
      { { "title", T_STRING, NULL, NULL },
        { "task_id", T_STRING, NULL, NULL },
        { "limit", T_INTEGER, "20", NULL } } },
    { "contact", "operation", true, { "create", "get", "delete", "search" },
      { { "name", T_STRING, NULL, "create" },
        { "email", T_STRING, "\"\"", "create" },
        { "contact_id", T_STRING, NULL, "get" },
        { "contact_id", T_STRING, NULL, "delete" },
        { "query", T_STRING, NULL, "search" },
        { "limit", T_INTEGER, "10", "search" } } },
    { "label", "method", false, { "add", "remove", "list" },
      { { "issue_id", T_STRING, NULL, NULL },
        { "name", T_STRING, NULL, NULL } } },
};
#define N_MERGED (sizeof merged_tools / sizeof *merged_tools)

static const char *const json_types[] = { "string", "integer", "boolean",
                                          "array", "object" };

static const struct merged_tool *merged_of(const struct vocab_merge *row)
{
    for (size_t k = 0; k < N_MERGED; k++)
        if (strcmp(merged_tools[k].name, row->tool) == 0)
            return &merged_tools[k];
    return NULL;
}

void draw_merge(tool_t *t)
{
    t->merge = below(N_VOCAB_MERGES);
    const struct vocab_merge *row = &vocab_merges[t->merge];
    bool meaning = false;
    for (size_t p = 0; p < MERGE_MAX_PARAMS && row->params[p].old; p++)
        meaning = meaning || !row->params[p].new;
    if (!row->value)
        t->bad = BAD_MERGE_GONE;
    else if (meaning && below(4) == 0)
        t->bad = BAD_MERGE_MEANING;
    else
        t->faults |= F_MERGED;
    for (size_t p = 0; p < MERGE_MAX_PARAMS; p++)
        t->values[p] = 1 + (int)below(90);
}

const char *merge_method(const tool_t *t, bool legacy)
{
    return legacy ? vocab_merges[t->merge].old : vocab_merges[t->merge].tool;
}

/* The value of parameter P of T's row (number I), as JSON. */
static void merge_value(FILE *f, const tool_t *t, size_t i, size_t p)
{
    const struct vocab_merge *row = &vocab_merges[t->merge];
    if (row->params[p].type == 'i')
        fprintf(f, "%d", t->values[p]);
    else
        fprintf(f, "\"%s-%zu\"", row->params[p].new ? row->params[p].new
                                                    : row->params[p].old, i);
}

/* Whether the parameter PA of the V2 tool M is in the branch of VALUE. */
static bool in_branch(const merged_param_t *pa, const char *value)
{
    return !pa->only || strcmp(pa->only, value) == 0;
}

void write_merge_params(FILE *f, const tool_t *t, size_t i, bool legacy)
{
    const struct vocab_merge *row = &vocab_merges[t->merge];
    const struct merged_tool *m = merged_of(row);
    bool first = true;
    fputc('{', f);
    for (size_t p = 0; p < MERGE_MAX_PARAMS && row->params[p].old; p++) {
        /* A parameter the V2 tool has no place for is given only by a
         * call that must be refused for it. */
        if (!row->params[p].new && (!legacy || t->bad != BAD_MERGE_MEANING))
            continue;
        fprintf(f, "%s\"%s\": ", first ? "" : ", ",
                legacy ? row->params[p].old : row->params[p].new);
        merge_value(f, t, i, p);
        first = false;
    }
    /* What the translation adds: the discriminator, and the defaults of
     * the value's parameters the call does not give. */
    for (size_t q = 0; !legacy && m && q < MERGED_MAX_PARAMS
                       && m->params[q].name; q++) {
        const merged_param_t *pa = &m->params[q];
        bool given = false;
        for (size_t p = 0; p < MERGE_MAX_PARAMS && row->params[p].old; p++)
            given = given || (row->params[p].new
                              && strcmp(row->params[p].new, pa->name) == 0);
        if (pa->def && !given && in_branch(pa, row->value))
            fprintf(f, ", \"%s\": %s", pa->name, pa->def);
    }
    if (!legacy)
        fprintf(f, "%s\"%s\": \"%s\"", first ? "" : ", ", m->field,
                row->value);
    fputc('}', f);
}

/* The properties of M's parameters in the branch of VALUE (NULL: all),
 * after the discriminator's, and the required list after it. */
static void write_props(FILE *f, const struct merged_tool *m,
                        const char *value)
{
    for (size_t q = 0; q < MERGED_MAX_PARAMS && m->params[q].name; q++) {
        const merged_param_t *pa = &m->params[q];
        if (value && !in_branch(pa, value))
            continue;
        fprintf(f, ", \"%s\": {\"type\": \"%s\"", pa->name,
                json_types[pa->type]);
        if (pa->def)
            fprintf(f, ", \"default\": %s", pa->def);
        fputc('}', f);
    }
    fprintf(f, "}, \"required\": [\"%s\"", m->field);
    for (size_t q = 0; value && q < MERGED_MAX_PARAMS && m->params[q].name;
         q++)
        if (in_branch(&m->params[q], value) && !m->params[q].def)
            fprintf(f, ", \"%s\"", m->params[q].name);
    fputs("], \"additionalProperties\": false", f);
}

/* The parameter schema of the V2 tool M. */
static void write_merged_schema(FILE *f, const struct merged_tool *m)
{
    if (!m->one_of) {
        fprintf(f, "{\"type\": \"object\", \"properties\": {\"%s\": "
                "{\"type\": \"string\", \"enum\": [", m->field);
        for (size_t v = 0; v < MERGED_MAX_VALUES && m->values[v]; v++)
            fprintf(f, "%s\"%s\"", v ? ", " : "", m->values[v]);
        fputs("]}", f);
        write_props(f, m, NULL);
        fputc('}', f);
        return;
    }
    fputs("{\"type\": \"object\", \"oneOf\": [", f);
    for (size_t v = 0; v < MERGED_MAX_VALUES && m->values[v]; v++) {
        fprintf(f, "%s{\"properties\": {\"%s\": {\"const\": \"%s\"}",
                v ? ", " : "", m->field, m->values[v]);
        write_props(f, m, m->values[v]);
        fputc('}', f);
    }
    fputs("]}", f);
}

void write_merged_methods(FILE *f, bool as_tools)
{
    for (size_t k = 0; k < N_MERGED; k++) {
        if (as_tools)
            fprintf(f, ",\n  {\"name\": \"%s\", \"inputSchema\": ",
                    merged_tools[k].name);
        else
            fprintf(f, ",\n  \"%s\": ", merged_tools[k].name);
        write_merged_schema(f, &merged_tools[k]);
        if (as_tools)
            fputc('}', f);
    }
}

void write_old_tools(FILE *f, bool names_only)
{
    for (size_t r = 0; r < N_VOCAB_MERGES; r++) {
        const struct vocab_merge *row = &vocab_merges[r];
        if (names_only) {
            fprintf(f, "%s\"%s\"", r ? ", " : "", row->old);
            continue;
        }
        fprintf(f, "%s\n  {\"name\": \"%s\", \"inputSchema\": {\"type\": "
                "\"object\", \"properties\": {", r ? "," : "", row->old);
        for (size_t p = 0; p < MERGE_MAX_PARAMS && row->params[p].old; p++)
            fprintf(f, "%s\"%s\": {\"type\": \"%s\"}", p ? ", " : "",
                    row->params[p].old,
                    row->params[p].type == 'i' ? "integer" : "string");
        fprintf(f, "}, \"required\": [\"%s\"]}}", row->params[0].old);
    }
}
