/* designer.h: the public face of mig's designer layer: the execution graph
 * written in the formats people draw and review plans with. For now the
 * mig-graph JSON (docs/graph.md), Graphviz DOT and Mermaid; docs/export.md
 * describes each. It sits on the layers below and reads only the graph. */
#ifndef MIG_DESIGNER_H
#define MIG_DESIGNER_H

#include "mig_stdlib.h"

/* One export format: a row of the table export_formats(). */
typedef struct export_format {
    const char *name;           /* "dot", as given to --format */
    const char *doc;
    /* Appends G in this format to OUT; MIG_ENOMEM when OUT ran out. */
    mig_status_t (*write)(const graph_t *g, strbuf_t *out);
} export_format_t;

/* Every format, ended by a row with name NULL. */
const export_format_t *export_formats(void);
/* The row named NAME, or NULL. */
const export_format_t *export_find(const char *name);

mig_status_t export_dot(const graph_t *g, strbuf_t *out);
mig_status_t export_mermaid(const graph_t *g, strbuf_t *out);

#endif
