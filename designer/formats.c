/* formats.c: the table of export formats behind `mig export --format`. */
#include <string.h>

#include "designer.h"

static const export_format_t formats[] = {
    { .name = "json", .write = graph_to_json,
      .doc = "the mig-graph JSON (docs/graph.md)" },
    { .name = "dot", .write = export_dot,
      .doc = "Graphviz DOT: stages as clusters, error and undo edges apart" },
    { .name = "mermaid", .write = export_mermaid,
      .doc = "a Mermaid flowchart, for Markdown reviews" },
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
