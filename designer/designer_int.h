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

/* Groups items 0..N-1 by their keys KEY[i] < N_KEYS (GRAPH_NONE: in no
 * group), keeping their order within a group: the items of key K are
 * (*ITEMS)[(*START)[K] .. (*START)[K + 1]). A counting sort, linear in N
 * and N_KEYS, so that writers list what each container holds without a
 * scan of everything per container. *START and *ITEMS are malloc'd; false
 * (both NULL) when out of memory. */
bool export_bucket(const uint32_t *key, uint32_t n, uint32_t n_keys,
                   uint32_t **start, uint32_t **items);

/* Writes every node of G through D: plan-level nodes first, indented by
 * two spaces, then each stage's nodes in a group, in the order stages run,
 * indented by four. Nodes keep graph order within each. Linear in the
 * nodes and stages. MIG_OK, or MIG_ENOMEM with nothing of the stages
 * written. */
mig_status_t export_nodes_by_stage(const graph_t *g,
                                   const export_drawing_t *d, strbuf_t *out);

/* ---- layout (layout.c) ---------------------------------------------------

 * A layered layout of the graph, computed by mig so that a designer (and
 * the BPMN diagram) can draw it without a layout engine of its own: each
 * node gets a layer (its rank along the flow, top to bottom), an order
 * within the layer, and a box in a plain coordinate space (origin top
 * left, y grows down, units of one pixel at 100%). Deterministic: the same
 * graph gives the same layout. */
typedef struct layout_node {
    uint32_t layer, order;
    int32_t x, y, w, h;
} layout_node_t;

/* The layout of every node of G, indexed by node: a malloc'd array of
 * graph_node_count(G) entries, or NULL when out of memory. */
layout_node_t *layout_compute(const graph_t *g);

/* The groups of a layout: boxes around blocks, each holding its nodes and
 * the groups inside it and overlapping nothing else. A stage, a foreach, a
 * retry scope and a hook each make one, opened by their entry node (which
 * stands in it, with their exit); so does a recover handler that guards no
 * such block (at plan level, or in a hook or an if). A handler of a stage,
 * foreach or retry scope makes none: it and its block stand below and right
 * of the box of the scope it guards, in the box holding that one, the way
 * BPMN draws an error boundary event's flow. */
typedef struct layout_group {
    uint32_t owner;     /* the node that opens it */
    uint32_t parent;    /* the group holding it (an index), or GRAPH_NONE */
    int32_t x, y, w, h;
} layout_group_t;

/* A layout with its groups (layout_build). */
typedef struct layout {
    layout_node_t *nodes;   /* per node, as layout_compute gives them */
    uint32_t *group_of;     /* per node: the group it stands in, or NONE */
    layout_group_t *groups; /* each after the group holding it */
    uint32_t n_groups;
    int32_t w, h;           /* the extent of the whole drawing */
} layout_t;

/* Computes the layout of G with its groups into *OUT: MIG_OK, or
 * MIG_ENOMEM with *OUT empty. layout_free releases what it holds. */
mig_status_t layout_build(const graph_t *g, layout_t *out);
void layout_free(layout_t *l);

#endif
