/* bpmn_int.h: what the files of the BPMN export share: bpmn.c writes the
 * document (ids, the flows, the process), bpmn_model.c the flow elements
 * of each kind of node, bpmn_di.c the diagram (a shape for every element,
 * an edge for every flow) from the layout. docs/export.md, "BPMN",
 * describes the mapping. */
#ifndef MIG_BPMN_INT_H
#define MIG_BPMN_INT_H

#include "designer_int.h"

/* X(ENUM, "Prefix"): what a BPMN element stands for; its id is the prefix,
 * an underscore and the node's id made an NCName (bpmn_put_id). */
#define BPMN_ROLES(X)                                                         \
    X(STAGE, "Stage")       /* a stage's sub-process */                      \
    X(FOREACH, "Foreach")   /* a foreach's multi-instance sub-process */     \
    X(RETRY, "Retry")       /* a retry scope's sub-process */                \
    X(HOOK, "Hook")         /* a hook's event sub-process */                 \
    X(HANDLER, "Handler")   /* an error event sub-process */                 \
    X(START, "Start")       /* the start event of one of those */            \
    X(END, "End")           /* an end event: a block's exit, a decision */   \
    X(TASK, "Task")         /* a step, undo, verify, let, handler call */    \
    X(EVENT, "Event")       /* a checkpoint's signal throw event */          \
    X(GATEWAY, "Gateway")   /* an if and its join */                         \
    X(CATCH, "Catch")       /* a handler's error (boundary) event */         \
    X(COMP, "Comp")         /* a step's compensation boundary event */       \
    X(ASSOC, "Assoc")       /* that event's association to the undo task */  \
    X(SIGNAL, "Signal")     /* a checkpoint's signal */                      \
    X(PLAN, "Plan")         /* the process's own start and end events */

typedef enum bpmn_role {
#define BPMN_ROLE_ENUM(e, s) BPMN_##e,
    BPMN_ROLES(BPMN_ROLE_ENUM)
#undef BPMN_ROLE_ENUM
} bpmn_role_t;

/* An element: its role and the node it comes from (for BPMN_PLAN, 0 the
 * start event and 1 the end event; for a sub-process, its opening node). */
typedef struct bpmn_ref {
    bpmn_role_t role;
    uint32_t node;
} bpmn_ref_t;

/* A sequence flow: from a graph edge (seq, loop, then, else, after) or
 * made by the export (the process's start and end, a handler's call). */
typedef struct bpmn_flow {
    bpmn_ref_t from, to;
    graph_edge_kind_t kind;     /* SEQ for the flows the export makes */
    uint32_t container;         /* the group it is drawn in, or NONE */
} bpmn_flow_t;

/* The spatial index of the diagram's items (bpmn_lanes.c). */
typedef struct bpmn_lanes bpmn_lanes_t;

typedef struct bpmn {
    const graph_t *g;
    layout_t lay;
    strbuf_t *out;
    bpmn_flow_t *flows;
    uint32_t n_flows, cap_flows;
    uint32_t *slot;     /* per boundary handler: its place on its scope */
    uint32_t *n_slots;  /* per scope: how many boundary handlers it has */
    uint32_t *step_of;  /* per undo node: its step, else NONE */
    uint32_t *flow_in, *flow_out;   /* per node: its flow edges */
    uint32_t *group_exit;   /* per group: its exit node, or NONE */
    /* What each container holds, by container key (bpmn_container_key):
     * its nodes and its groups in their order, its flows in flow order. */
    uint32_t *cnode_start, *cnodes;
    uint32_t *cgroup_start, *cgroups;
    uint32_t *cflow_start, *cflows;
    uint32_t *after_in;     /* per node: `after` flows into its stage */
    uint32_t *else_flow;    /* per node: its first else flow, or NONE */
    /* The first flow from the process's start to an element, and from an
     * element to its end; NONE when there is none. */
    uint32_t plan_flow[2];
    bpmn_lanes_t *lanes;
    const char **lua;       /* the names of the plan's Lua modules */
    uint32_t n_lua;
    bool oom;
} bpmn_t;

/* A box of the diagram. */
typedef struct box {
    int32_t x, y, w, h;
} box_t;

/* Room the diagram leaves above and left of the layout, for the
 * process's start event. */
enum { BPMN_OX = 40, BPMN_OY = 100 };

static inline bpmn_ref_t bpmn_ref(bpmn_role_t role, uint32_t node)
{
    return (bpmn_ref_t){ role, node };
}

/* ---- ids, text and XML (bpmn.c) ---------------------------------------- */

/* Appends node id S as an NCName (bpmn.c says how). */
void bpmn_put_ncname(strbuf_t *out, const char *s);
/* Appends REF's id. */
void bpmn_put_id(strbuf_t *out, const graph_t *g, bpmn_ref_t ref);
/* The element standing for node I as a flow node, and the sub-process
 * of group K. */
bpmn_ref_t bpmn_node_ref(const graph_t *g, uint32_t i);
bpmn_ref_t bpmn_group_ref(const bpmn_t *b, uint32_t k);
/* Appends the id of sequence flow F. */
void bpmn_put_flow_id(strbuf_t *out, const graph_t *g, const bpmn_flow_t *f);
/* Appends S (LEN bytes) escaped for XML text and attribute values; bytes
 * that are not well-formed UTF-8, and characters XML 1.0 forbids, become
 * U+FFFD. */
void bpmn_put_xml(strbuf_t *out, const char *s, size_t len);
void bpmn_put_xml_cstr(strbuf_t *out, const char *s);
/* Appends the source text of SPAN on one line (graph_put_source),
 * escaped. */
void bpmn_put_source(bpmn_t *b, const src_span_t *span);
/* Appends DEPTH levels of indentation. */
void bpmn_indent(bpmn_t *b, int depth);
/* Appends ` NAME="ID"` for REF. */
void bpmn_put_id_attr(bpmn_t *b, const char *name, bpmn_ref_t ref);
/* Opens element bpmn:TAG with REF's id and, unless NULL, NAME; leaves the
 * start tag open for more attributes. */
void bpmn_open(bpmn_t *b, int depth, const char *tag, bpmn_ref_t ref,
               const char *name);
/* Writes a bpmn:documentation element holding the source text of SPAN. */
void bpmn_documentation(bpmn_t *b, int depth, const src_span_t *span);

/* ---- elements (bpmn.c) ------------------------------------------------- */

/* The role of the sub-process that node OWNER opens. */
bpmn_role_t bpmn_group_role(const graph_t *g, uint32_t owner);
/* Whether recover node R hangs off its scope's sub-process as a boundary
 * event (else it is an event sub-process: it opens a layout group). */
bool bpmn_is_boundary(const bpmn_t *b, uint32_t r);
/* The group of the layout whose sub-process REF is, or NONE. */
uint32_t bpmn_group_of_ref(const bpmn_t *b, bpmn_ref_t ref);

/* bpmn_model.c: writes what container C (a layout group, or NONE for the
 * process) holds, at DEPTH: its nodes' elements, its groups' sub-processes
 * (each holding its own), its flows, and its associations. */
void bpmn_write_container(bpmn_t *b, uint32_t c, int depth);

/* The container key of group C (a group, or NONE for the process): C, or
 * the number of groups for the process. */
uint32_t bpmn_container_key(const bpmn_t *b, uint32_t c);

/* bpmn_di.c: appends the bpmndi:BPMNDiagram of the process PROCESS_ID. */
void bpmn_write_diagram(bpmn_t *b, const char *process_id);
/* The diagram's box of node I's layout and of group K. */
box_t bpmn_node_box(const bpmn_t *b, uint32_t i);
box_t bpmn_group_box(const bpmn_t *b, uint32_t k);

/* bpmn_lanes.c: indexes the boxes of every node and group (b->lanes) for
 * bpmn_crossed; false when out of memory. bpmn_lanes_free releases it. */
bool bpmn_lanes_build(bpmn_t *b);
void bpmn_lanes_free(bpmn_t *b);
/* Whether the box of an item of container C (a node or a group standing
 * directly in it) is crossed by the vertical line at X between Y0 and Y1
 * (strictly inside the box's height, anywhere on its width, edges
 * included); *RIGHT gets the right edge of the first such item, nodes in
 * node order before groups in group order. O(log^2 n). */
bool bpmn_crossed(const bpmn_t *b, uint32_t c, int32_t x, int32_t y0,
                  int32_t y1, int32_t *right);

#endif
