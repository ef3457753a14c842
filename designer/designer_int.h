/* designer_int.h: what the drawing formats of the designer layer share
 * (dot.c, mermaid.c): the walk that writes nodes grouped by stage. */
#ifndef MIG_DESIGNER_INT_H
#define MIG_DESIGNER_INT_H

#include "designer.h"

/* How a format writes a node and opens and closes a stage's group. */
typedef struct export_drawing {
    void (*node)(const graph_t *g, uint32_t n, strbuf_t *out,
                 const char *indent);
    /* Opens group K (the K-th stage to run, entered by node ENTER). */
    void (*open)(const graph_t *g, uint32_t k, uint32_t enter,
                 strbuf_t *out);
    void (*close)(strbuf_t *out);
} export_drawing_t;

/* Writes every node of G through D: plan-level nodes first, indented by
 * two spaces, then each stage's nodes in a group, in the order stages run,
 * indented by four. Nodes keep graph order within each. */
void export_nodes_by_stage(const graph_t *g, const export_drawing_t *d,
                           strbuf_t *out);

#endif
