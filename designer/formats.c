/* formats.c: the table of export formats behind `mig export --format`,
 * and the walk the drawing formats share. */
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

void export_nodes_by_stage(const graph_t *g, const export_drawing_t *d,
                           strbuf_t *out)
{
    uint32_t n = graph_node_count(g);
    for (uint32_t i = 0; i < n; i++)
        if (graph_node_stage(g, i) == GRAPH_NONE)
            d->node(g, i, out, "  ");
    for (uint32_t k = 0; k < graph_stage_count(g); k++) {
        uint32_t enter = graph_stage_at(g, k);
        d->open(g, k, enter, out);
        for (uint32_t i = 0; i < n; i++)
            if (graph_node_stage(g, i) == enter)
                d->node(g, i, out, "    ");
        d->close(out);
    }
}
