/* interp_graph.h: part of interpreter.h, the interpreter layer's one public
 * header, which includes every part: include interpreter.h, not this.
 * Here: the execution graph a plan compiles into: its nodes, edges and
 * stages, the only thing the runtime, the journal and the exports see
 * (docs/graph.md). */
#ifndef MIG_INTERP_GRAPH_H
#define MIG_INTERP_GRAPH_H

#include "interp_value.h"

/* ---- execution graph -------------------------------------------------- */

/* The compiled form of a plan: the only thing the runtime, the journal and
 * the exports see (they never walk the AST). Nodes are numbered 0..n-1 in
 * a deterministic order (the plan read top to bottom); every node has a
 * stable id derived from the plan's structure (docs/graph.md), so the
 * journal and a designer can name it across edits of the plan. A graph
 * owns an arena holding everything in it; graph_free releases it at once.
 * It also keeps pointers into the AST and the source it was compiled
 * from: both must outlive it. */
typedef struct graph graph_t;

/* X(ENUM, "name"): every kind of node, with its name in the JSON form. */
#define GRAPH_NODE_KINDS(X)                                                   \
    X(STAGE_ENTER, "stage-enter")                                            \
    X(STAGE_EXIT, "stage-exit")                                              \
    X(STEP, "step")                                                          \
    X(UNDO, "undo")              /* a step's compensation call */            \
    X(CHECKPOINT, "checkpoint")                                              \
    X(SNAPSHOT, "snapshot")      /* snapshot NAME: a full copy, kept */     \
    X(VERIFY, "verify")                                                      \
    X(LET, "let")                                                            \
    X(BRANCH, "if")                                                          \
    X(JOIN, "if-join")                                                       \
    X(FANOUT, "foreach")                                                     \
    X(FANIN, "foreach-join")                                                 \
    X(RETRY_ENTER, "retry")                                                  \
    X(RETRY_EXIT, "retry-exit")                                              \
    X(RECOVER, "recover")                                                    \
    X(DECISION, "decision")                                                  \
    X(HOOK_ENTER, "hook")                                                    \
    X(HOOK_EXIT, "hook-exit")

typedef enum graph_node_kind {
#define GRAPH_NODE_ENUM(e, s) GRAPH_##e,
    GRAPH_NODE_KINDS(GRAPH_NODE_ENUM)
#undef GRAPH_NODE_ENUM
    GRAPH_NODE_KIND_COUNT
} graph_node_kind_t;

/* X(ENUM, "name"): every kind of edge. */
#define GRAPH_EDGE_KINDS(X)                                                   \
    X(SEQ, "seq")       /* runs next, in the same block */                    \
    X(AFTER, "after")   /* stage exit -> the entry of a stage after it */     \
    X(ERROR, "error")   /* scope -> its handlers, most specific first */      \
    X(UNDO, "undo")     /* step -> its compensation */                        \
    X(LOOP, "loop")     /* fan-out -> body, body end -> fan-in */             \
    X(THEN, "then")     /* branch -> its then block */                        \
    X(ELSE, "else")     /* branch -> its else block */

typedef enum graph_edge_kind {
#define GRAPH_EDGE_ENUM(e, s) GRAPH_EDGE_##e,
    GRAPH_EDGE_KINDS(GRAPH_EDGE_ENUM)
#undef GRAPH_EDGE_ENUM
    GRAPH_EDGE_KIND_COUNT
} graph_edge_kind_t;

/* "No such node": from the lookups, and as a node's stage or scope. */
#define GRAPH_NONE UINT32_MAX

typedef struct graph_edge {
    uint32_t from, to;
    graph_edge_kind_t kind;
} graph_edge_t;

/* Compiles PLAN (parsed from SRC without errors) into a graph. Reports the
 * errors only the graph sees (unknown or cyclic `after`, duplicate stage,
 * step and checkpoint names, `rollback to` an unknown checkpoint) to DIAGS
 * with SRC as their file. Returns MIG_OK with *OUT set, MIG_EINVALID (*OUT
 * NULL) when there were errors, or MIG_ENOMEM. */
mig_status_t graph_compile(const ast_plan_t *plan, src_t *src,
                           diag_list_t *diags, graph_t **out);
/* Frees G and everything it owns (not the AST or the source). NULL ok. */
void graph_free(graph_t *g);

/* The plan's name, and the source the graph came from (borrowed). */
const char *graph_plan_name(const graph_t *g);
/* The plan the graph was compiled from (borrowed: the caller's AST), for
 * the plan-level items that make no node (params, profiles, lua, errors). */
const ast_plan_t *graph_plan(const graph_t *g);
/* The parent of error class CLS, built in or declared by the plan
 * (`error NAME : PARENT`), or NULL for a root or an unknown class. */
const char *graph_class_parent(const graph_t *g, const char *cls);
src_t *graph_src(const graph_t *g);

uint32_t graph_node_count(const graph_t *g);
/* The node whose id is ID, or GRAPH_NONE. */
uint32_t graph_find(const graph_t *g, const char *id);
/* Node I's properties (I < graph_node_count; asserted). Strings are
 * borrowed from G. */
graph_node_kind_t graph_node_kind(const graph_t *g, uint32_t i);
const char *graph_node_id(const graph_t *g, uint32_t i);
const char *graph_node_label(const graph_t *g, uint32_t i);
const src_span_t *graph_node_span(const graph_t *g, uint32_t i);
/* The statement the node came from, whose expressions the runtime
 * evaluates: the STEP for a step and for its undo node (u.step.undo), the
 * FOREACH for fan-out and fan-in, the STAGE for stage entry and exit, and
 * so on. Never NULL. */
const ast_node_t *graph_node_ast(const graph_t *g, uint32_t i);
/* The entry node of the node's stage (a stage entry gives itself), or
 * GRAPH_NONE at plan level. */
uint32_t graph_node_stage(const graph_t *g, uint32_t i);
/* The innermost scope holding the node: the entry node of a stage,
 * foreach, retry, if, recover block or hook, or GRAPH_NONE at plan level.
 * Follow it again for the scopes further out. */
uint32_t graph_node_scope(const graph_t *g, uint32_t i);
const char *graph_node_kind_name(graph_node_kind_t k);

/* Every edge, in a deterministic order. */
uint32_t graph_edge_count(const graph_t *g);
graph_edge_t graph_edge(const graph_t *g, uint32_t i);
/* The edges leaving node I, in the order they were made (error edges most
 * specific handler first); *N gets their number. Borrowed from G. */
const graph_edge_t *graph_out(const graph_t *g, uint32_t i, uint32_t *n);
const char *graph_edge_kind_name(graph_edge_kind_t k);

/* Appends the mig source S (LEN bytes: an expression, a call, a name) as
 * one line that means the same: comments are dropped, each run of white
 * space between tokens becomes one space (none at either end), and a line
 * break inside a string becomes the escape \n. Text written this way
 * reads back unchanged. Labels show expressions so, and the mig-graph JSON
 * carries them so. Returns false when S ends inside a string, a ${...} or
 * a block comment (what was appended is then not meaningful). */
bool graph_put_source(strbuf_t *out, const char *s, size_t len);

/* Walking the flow (the dry run and the scheduler): the node after N
 * along a sequence or loop edge; the first node of an edge of KIND out of
 * N; the node that closes the block N opens (WHAT "join" for a foreach or
 * an if, "exit" for a stage, a retry or a hook). GRAPH_NONE when there is
 * none. */
uint32_t graph_flow_next(const graph_t *g, uint32_t n);
uint32_t graph_edge_to(const graph_t *g, uint32_t n, graph_edge_kind_t kind);
uint32_t graph_end_of(const graph_t *g, uint32_t n, const char *what);

/* Calls FN(DATA, NAME) for every step that BODY, a block of an if,
 * binds in the enclosing scope: its own steps and those of the if and
 * retry blocks inside it, not those of a foreach body or a recover block
 * (docs/checks.md, "How names resolve"). The run and the dry run bind
 * them to null when the if does not take BODY, so that the rest of the
 * stage reads them as the checker lets it. */
void graph_block_steps(const ast_list_t *body,
                       void (*fn)(void *data, const char *name), void *data);

/* The stages in an order they may run in: each after the stages it names
 * in `after`, ties in file order. Entries are stage-enter node indexes. */
uint32_t graph_stage_count(const graph_t *g);
uint32_t graph_stage_at(const graph_t *g, uint32_t k);

#endif
