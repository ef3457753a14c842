/* formats.c: the table of export formats behind `mig export --format`,
 * and the walk the drawing formats share. */
#include <stdlib.h>
#include <string.h>

#include "designer_int.h"

static const export_format_t formats[] = {
    { .name = "json", .write = export_json, .write_run = export_json_run,
      .doc = "the mig-graph JSON, for visual designers (docs/export.md)" },
    { .name = "dot", .write = export_dot, .write_run = export_dot_run,
      .doc = "Graphviz DOT: stages as clusters, error and undo edges apart" },
    { .name = "mermaid", .write = export_mermaid,
      .doc = "a Mermaid flowchart, for Markdown reviews" },
    { .name = "bpmn", .write = export_bpmn,
      .doc = "BPMN 2.0 XML with its diagram, for BPMN modelers" },
    { 0 },
};

const export_format_t *export_formats(void) { return formats; }

const export_format_t *export_find(const char *name)
{
    for (const export_format_t *f = formats; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

bool export_bucket(const uint32_t *key, uint32_t n, uint32_t n_keys,
                   uint32_t **start, uint32_t **items)
{
    uint32_t *st = calloc((size_t)n_keys + 2, sizeof(uint32_t));
    uint32_t *it = calloc((size_t)n + 1, sizeof(uint32_t));
    *start = *items = NULL;
    if (!st || !it) {
        free(st);
        free(it);
        return false;
    }
    for (uint32_t i = 0; i < n; i++)
        if (key[i] != GRAPH_NONE)
            st[key[i] + 2]++;
    for (uint32_t k = 0; k < n_keys; k++)
        st[k + 2] += st[k + 1];
    for (uint32_t i = 0; i < n; i++)
        if (key[i] != GRAPH_NONE)
            it[st[key[i] + 1]++] = i;
    *start = st;
    *items = it;
    return true;
}

mig_status_t export_nodes_by_stage(const graph_t *g,
                                   const export_drawing_t *d, strbuf_t *out)
{
    /* Each stage's nodes in graph order, bucketed by their stage's entry
     * node: one pass, whatever the number of stages. */
    uint32_t n = graph_node_count(g), *start = NULL, *nodes = NULL;
    uint32_t *stage = calloc((size_t)n + 1, sizeof(uint32_t));
    if (!stage)
        return MIG_ENOMEM;
    for (uint32_t i = 0; i < n; i++)
        stage[i] = graph_node_stage(g, i);
    bool ok = export_bucket(stage, n, n, &start, &nodes);
    free(stage);
    if (!ok)
        return MIG_ENOMEM;
    for (uint32_t j = 0; j < n; j++)
        if (graph_node_stage(g, j) == GRAPH_NONE)
            d->node(g, j, out, "  ");
    for (uint32_t k = 0; k < graph_stage_count(g); k++) {
        uint32_t enter = graph_stage_at(g, k);
        d->open(g, k, enter, out);
        for (uint32_t j = start[enter]; j < start[enter + 1]; j++)
            d->node(g, nodes[j], out, "    ");
        d->close(out);
    }
    free(start);
    free(nodes);
    return MIG_OK;
}
