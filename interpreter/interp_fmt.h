/* interp_fmt.h: part of interpreter.h, the interpreter layer's one public
 * header, which includes every part: include interpreter.h, not this.
 * Here: the formatter: a plan laid out in the one canonical style
 * (docs/fmt.md). */
#ifndef MIG_INTERP_FMT_H
#define MIG_INTERP_FMT_H

#include "interp_graph.h"

/* ---- the formatter (docs/fmt.md) -------------------------------------- */

/* Appends SRC laid out in the one canonical style to OUT (the whole text,
 * with its final newline). Refuses, with MIG_EINVALID and the reason in
 * DIAGS, a plan that does not parse, or one whose formatted text would not
 * parse to the same tokens, comments, tree and graph (positions aside):
 * OUT is then left as it was. MIG_ENOMEM when memory ran out. */
mig_status_t fmt_plan(src_t *src, diag_list_t *diags, strbuf_t *out);
/* Whether graphs A and B are the same, source positions aside: nodes
 * (ids, kinds, stages, scopes, and labels but for their white space,
 * since a label quotes the source as laid out), edges and the stage
 * order. */
bool fmt_same_graph(const graph_t *a, const graph_t *b);

#endif
