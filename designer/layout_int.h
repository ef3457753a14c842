/* layout_int.h: what the two halves of the layered layout share: layout.c
 * finds the groups, the layers and the order within them; layout_place.c
 * the coordinates. layout.c's opening comment tells the whole story. */
#ifndef MIG_LAYOUT_INT_H
#define MIG_LAYOUT_INT_H

#include "designer_int.h"

enum {
    LAY_GAP_X = 50,         /* between items side by side */
    LAY_GAP_Y = 40,         /* between rows */
    LAY_PAD_X = 20,         /* a box's margin left and right */
    LAY_PAD_TOP = 30,       /* a box's margin above, room for its label */
    LAY_PAD_BOTTOM = 20,    /* a box's margin below */
};

/* The working state. Items are nodes (0..n-1) and groups (n + k). */
typedef struct lay {
    const graph_t *g;
    layout_t *out;
    uint32_t n, ng;
    graph_edge_t *in;           /* edges by target, in edge order */
    uint32_t *in_start;         /* n + 1 offsets into IN */
    uint32_t *partner;          /* an exit's entry node, or NONE */
    uint32_t *exit_of;          /* an entry's exit node, or NONE */
    uint8_t *late;              /* in a block's handler: ranked after it */
    uint32_t *owns;             /* the group a node opens, or NONE */
    int32_t *rank;
    uint32_t *pos;              /* place in its layer */
    double *key;                /* per node: what it is ordered by */
    uint32_t *layer_start;      /* n_layers + 1 offsets into LAYER_NODES */
    uint32_t *layer_nodes;
    uint32_t n_layers;
    uint32_t *gfirst, *glast;   /* the layers a group spans */
    uint32_t *dstart, *dend;    /* boxes opening (closing) with it, it too */
    int32_t *row_y, *row_h;
    int32_t *top, *bottom;      /* per item: vertical extent */
    int32_t *left, *width;      /* per item: x within its container */
    uint32_t *tmp;              /* scratch, 2 n + 2 */
    int32_t *itmp, *itmp2;      /* scratch, n + 1 */
} lay_t;

/* ---- layout.c ---------------------------------------------------------- */

/* Whether edges of kind K rank: seq, loop, then, else. */
bool lay_is_flow(graph_edge_kind_t k);
/* Whether recover node R guards a stage, foreach or retry scope, so that
 * its flow hangs off that scope's box rather than making a box. */
bool lay_guards_block(const graph_t *g, uint32_t r);
/* The item holding ITEM (a group item), or GRAPH_NONE at the top. */
uint32_t lay_up(const lay_t *l, uint32_t item);
/* The node an item is known by: itself, or a group's opening node. */
uint32_t lay_item_node(const lay_t *l, uint32_t item);
/* Whether item A goes before item B, two items of one container. */
bool lay_item_before(const lay_t *l, uint32_t a, uint32_t b);
/* Sorts the N items of A (stable; TMP holds N) by BEFORE. */
void lay_sort_items(const lay_t *l, uint32_t *a, uint32_t *tmp, uint32_t n,
                    bool (*before)(const lay_t *, uint32_t, uint32_t));

/* ---- layout_place.c ---------------------------------------------------- */

/* Given layers and order: each group's span of layers, then the rows, and
 * every node's and group's y and height. */
void lay_place_rows(lay_t *l);
/* Then every item's x, box by box from the innermost; group widths. False
 * when out of memory. */
bool lay_place_columns(lay_t *l);

#endif
