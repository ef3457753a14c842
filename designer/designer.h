/* designer.h: the public face of mig's designer layer: the execution graph
 * written in the formats people draw and review plans with (the mig-graph
 * JSON, Graphviz DOT, Mermaid; docs/export.md describes each), and a
 * mig-graph JSON document read back into a plan. It sits on the layers
 * below and reads only the graph. */
#ifndef MIG_DESIGNER_H
#define MIG_DESIGNER_H

#include "mig_stdlib.h"

/* One export format: a row of the table export_formats(). */
typedef struct export_format {
    const char *name;           /* "dot", as given to --format */
    const char *doc;
    /* Appends G in this format to OUT; MIG_ENOMEM when OUT ran out. */
    mig_status_t (*write)(const graph_t *g, strbuf_t *out);
    /* The same with a run's state drawn on it (mig export --run): RUN maps
     * node ids to {status, items, attempts, duration_ms, error}
     * (docs/export.md, "A run on the graph"). NULL: the format cannot
     * show a run. */
    mig_status_t (*write_run)(const graph_t *g, const val_t *run,
                              strbuf_t *out);
} export_format_t;

/* Every format, ended by a row with name NULL. */
const export_format_t *export_formats(void);
/* The row named NAME, or NULL. */
const export_format_t *export_find(const char *name);

/* The mig-graph JSON (docs/export.md, designer/mig-graph.schema.json):
 * the plan header, nodes with their properties and layout hints, groups
 * and edges, two-space indented, one node, group or edge a line, ending in
 * a newline. The bytes depend only on the plan. `mig graph --json` prints
 * the same. */
mig_status_t export_json(const graph_t *g, strbuf_t *out);
mig_status_t export_json_run(const graph_t *g, const val_t *run,
                             strbuf_t *out);
mig_status_t export_dot(const graph_t *g, strbuf_t *out);
mig_status_t export_dot_run(const graph_t *g, const val_t *run,
                            strbuf_t *out);
mig_status_t export_mermaid(const graph_t *g, strbuf_t *out);
mig_status_t export_bpmn(const graph_t *g, strbuf_t *out);

/* Reads SRC, a mig-graph JSON document (as a designer saves it: nodes,
 * groups and properties count; labels, spans, layout, stage order and
 * edges are derived and only checked for dangling ids), and appends the
 * .mig plan it describes to OUT, formatted canonically: two-space indent,
 * one statement a line, comments none. Every error (malformed JSON at its
 * line:col; a wrong format or version, an unknown kind, a dangling id, a
 * property that is not valid mig source, a plan that would not compile)
 * goes to DIAGS naming its JSON path ("nodes[3].properties.action"), and
 * the plan is then not worth keeping. Returns MIG_OK, MIG_EINVALID or
 * MIG_ENOMEM. */
mig_status_t import_graph(src_t *src, diag_list_t *diags, strbuf_t *out);

#endif
