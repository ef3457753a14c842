/* graph_int.h: what the files of the graph compiler share (graph.c builds
 * the graph, graph_check.c checks the plan as a whole and orders stages):
 * the graph's layout and the compiler's working state. No other file, and
 * no other layer, sees it. */
#ifndef MIG_GRAPH_INT_H
#define MIG_GRAPH_INT_H

#include "interpreter_int.h"

/* One node: see the accessors in interpreter.h. */
typedef struct gnode {
    graph_node_kind_t kind;
    const char *id;
    const char *label;
    src_span_t span;
    const ast_node_t *ast;
    uint32_t stage, scope;
} gnode_t;


struct graph {
    arena_t *arena;
    src_t *src;
    const ast_plan_t *plan;
    const char *name;
    gnode_t *nodes;
    uint32_t n_nodes, cap_nodes;
    graph_edge_t *edges;
    uint32_t n_edges, cap_edges;
    graph_edge_t *out;          /* edges sorted by source, stable */
    uint32_t *out_start;        /* n_nodes + 1 offsets into OUT */
    uint32_t *stages;           /* stage order: stage-enter nodes */
    uint32_t n_stages;
    smap_t ids;
};

/* The compiler's working state. */
typedef struct comp {
    graph_t *g;
    const ast_plan_t *plan;
    diag_list_t *diags;
    bool oom;
    const ast_node_t **stage_ast;   /* stages in file order */
    uint32_t n_stage_ast;
    uint32_t *stage_enter, *stage_exit;
    smap_t stage_names;             /* name -> index into stage_ast */
    smap_t checkpoints;             /* name -> index into cps */
    smap_t classes;                 /* plan error class -> its plan item */
    smap_t suffixes;                /* id base -> the next .N to try */
    const char *claimed;            /* an id claimed for the next node */
    uint32_t n_stage_done;          /* stages compiled so far */
    const ast_ident_t **cps;        /* checkpoint names, first of each */
    uint32_t n_cps, cap_cps;
} comp_t;

/* Adds an edge (nothing when either end is GRAPH_NONE or memory ran out). */
void graph_add_edge(comp_t *c, uint32_t from, uint32_t to,
                    graph_edge_kind_t kind);

/* graph_check.c */
/* Reports WHAT NAME defined twice at SPAN, with a note at FIRST. */
void graph_error_twice(comp_t *c, const src_span_t *span, const char *what,
                       const char *name, const src_span_t *first);
/* Before compiling: collects stages (reporting duplicates), error
 * classes and checkpoints (reporting duplicates). */
void graph_collect_plan(comp_t *c);
/* Reports `rollback to T` when T names no checkpoint. */
void graph_check_rollback(comp_t *c, const ast_ident_t *t);
/* After compiling: resolves `after` (reporting unknown stages and
 * cycles), adds the after edges and fills the stage order. */
void graph_order_stages(comp_t *c);

#endif
