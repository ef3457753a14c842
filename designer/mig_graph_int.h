/* mig_graph_int.h: what the files of the mig-graph JSON share: the writer
 * (mig_graph.c, mig_graph_props.c), the JSON strings it writes
 * (source_text.c) and the reader that turns it back into a plan
 * (import*.c). docs/export.md is the user's description of the format. */
#ifndef MIG_GRAPH_INT_H
#define MIG_GRAPH_INT_H

#include "designer_int.h"

/* The version of the mig-graph format this mig writes and reads. */
#define MGRAPH_VERSION 1

/* X(ENUM, "name"): every kind of group (a block of the plan). */
#define MGRAPH_GROUP_KINDS(X)                                                 \
    X(STAGE, "stage")       /* a stage: its entry, body and exit */           \
    X(FOREACH, "foreach")   /* the body of a foreach */                       \
    X(RETRY, "retry")       /* the body of a retry scope */                   \
    X(THEN, "then")         /* the then branch of an if */                    \
    X(ELSE, "else")         /* the else branch of an if */                    \
    X(RECOVER, "recover")   /* the block of a recover handler */              \
    X(HOOK, "hook")         /* the body of on failure / on success / finally */

typedef enum mgraph_group_kind {
#define MGRAPH_GROUP_ENUM(e, s) MGRAPH_GROUP_##e,
    MGRAPH_GROUP_KINDS(MGRAPH_GROUP_ENUM)
#undef MGRAPH_GROUP_ENUM
    MGRAPH_GROUP_KIND_COUNT
} mgraph_group_kind_t;

/* "stage", "foreach", ...; "?" out of range. */
const char *mgraph_group_kind_name(mgraph_group_kind_t k);
/* The node kind that opens a group of kind K (a stage's is its entry). */
graph_node_kind_t mgraph_group_opener(mgraph_group_kind_t k);

/* ---- source text (source_text.c) ------------------------------------- */

/* Appends S (LEN bytes) as a JSON string. Bytes that are not well-formed
 * UTF-8 become U+FFFD, so the output is always valid JSON. */
void mgraph_put_json_str(strbuf_t *out, const char *s, size_t len);
void mgraph_put_json_cstr(strbuf_t *out, const char *s);
/* Appends the source text of SPAN of SRC as a JSON string, on one line
 * (graph_put_source). */
void mgraph_put_json_span(strbuf_t *out, const src_t *src,
                          const src_span_t *span);

/* ---- the writer's per-kind parts (mig_graph_props.c) -------------------- */

/* Appends the "plan" member's value: the plan header (name, version,
 * description, requires, params, profiles, lua modules, error classes). */
void mgraph_put_plan(strbuf_t *out, const graph_t *g);
/* Appends node I's "properties" object. */
void mgraph_put_props(strbuf_t *out, const graph_t *g, uint32_t i);

#endif
