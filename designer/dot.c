/* dot.c: the execution graph as Graphviz DOT. Each stage is a cluster;
 * node shapes tell kinds apart; error edges are red and dashed, undo
 * (compensation) edges blue and dotted, so a review sees at a glance where
 * failures go and what can be undone. docs/export.md shows an example. */
#include <string.h>

#include "designer_int.h"

/* Per node kind, in the order of GRAPH_NODE_KINDS: the shape. */
static const char *const shapes[GRAPH_NODE_KIND_COUNT] = {
    [GRAPH_STAGE_ENTER] = "oval", [GRAPH_STAGE_EXIT] = "oval",
    [GRAPH_STEP] = "box", [GRAPH_UNDO] = "box",
    [GRAPH_CHECKPOINT] = "doublecircle", [GRAPH_VERIFY] = "hexagon",
    [GRAPH_SNAPSHOT] = "cylinder",
    [GRAPH_LET] = "note", [GRAPH_BRANCH] = "diamond",
    [GRAPH_JOIN] = "point", [GRAPH_FANOUT] = "trapezium",
    [GRAPH_FANIN] = "invtrapezium", [GRAPH_RETRY_ENTER] = "component",
    [GRAPH_RETRY_EXIT] = "point", [GRAPH_RECOVER] = "octagon",
    [GRAPH_DECISION] = "cds", [GRAPH_HOOK_ENTER] = "house",
    [GRAPH_HOOK_EXIT] = "invhouse",
};

/* Per edge kind: its attributes. */
static const char *const edge_attrs[GRAPH_EDGE_KIND_COUNT] = {
    [GRAPH_EDGE_SEQ] = "",
    [GRAPH_EDGE_AFTER] = " [style=bold, color=gray40, label=\"after\"]",
    [GRAPH_EDGE_ERROR] = " [style=dashed, color=red, fontcolor=red, "
                         "label=\"error\"]",
    [GRAPH_EDGE_UNDO] = " [style=dotted, color=blue, fontcolor=blue, "
                        "label=\"undo\"]",
    [GRAPH_EDGE_LOOP] = " [color=gray30]",
    [GRAPH_EDGE_THEN] = " [label=\"then\"]",
    [GRAPH_EDGE_ELSE] = " [label=\"else\"]",
};

/* Appends S as a DOT string literal. */
static void quote(strbuf_t *out, const char *s)
{
    strbuf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            strbuf_putc(out, '\\');
        if (*s == '\n')
            strbuf_puts(out, "\\n");
        else
            strbuf_putc(out, *s);
    }
    strbuf_putc(out, '"');
}

static void node_line(const graph_t *g, uint32_t n, strbuf_t *out,
                      const char *indent)
{
    graph_node_kind_t k = graph_node_kind(g, n);
    strbuf_puts(out, indent);
    quote(out, graph_node_id(g, n));
    strbuf_printf(out, " [shape=%s, label=", shapes[k]);
    quote(out, k == GRAPH_JOIN || k == GRAPH_RETRY_EXIT
               ? "" : graph_node_label(g, n));
    if (k == GRAPH_JOIN || k == GRAPH_RETRY_EXIT)
        strbuf_puts(out, ", width=0.1");
    strbuf_puts(out, "];\n");
}

static void cluster_open(const graph_t *g, uint32_t k, uint32_t enter,
                         strbuf_t *out)
{
    strbuf_printf(out, "  subgraph \"cluster_%u\" {\n    label=", k);
    quote(out, graph_node_label(g, enter));
    strbuf_puts(out, ";\n    style=rounded;\n    color=gray60;\n");
}

static void cluster_close(strbuf_t *out)
{
    strbuf_puts(out, "  }\n");
}

/* Fill colours of the states a node can have in a run. */
static const struct { const char *status, *color; } run_colors[] = {
    { "done", "palegreen" }, { "failed", "salmon" },
    { "skipped", "gray85" }, { "running", "khaki" },
};

/* Paints the nodes that have a state in RUN: a DOT node statement given
 * again adds attributes to the node. */
static void paint(const graph_t *g, const val_t *run, strbuf_t *out)
{
    for (uint32_t n = 0; n < graph_node_count(g); n++) {
        const char *id = graph_node_id(g, n);
        val_t *st = val_map_get(run, id, strlen(id));
        val_t *status = st ? val_map_get(st, "status", 6) : NULL;
        if (!status)
            continue;
        const char *color = "white";
        for (size_t i = 0; i < sizeof run_colors / sizeof *run_colors; i++)
            if (strcmp(run_colors[i].status, val_get_str(status, NULL)) == 0)
                color = run_colors[i].color;
        strbuf_puts(out, "  ");
        quote(out, id);
        strbuf_printf(out, " [style=filled, fillcolor=%s, tooltip=", color);
        strbuf_t tip;
        strbuf_init(&tip);
        strbuf_puts(&tip, val_get_str(status, NULL));
        val_t *err = val_map_get(st, "error", 5);
        if (err && val_type(err) == VAL_STRING) {
            /* The first line: a Lua traceback does not fit a tooltip. */
            const char *e = val_get_str(err, NULL);
            strbuf_puts(&tip, ": ");
            strbuf_put(&tip, e, strcspn(e, "\n"));
        }
        quote(out, tip.data ? tip.data : "");
        strbuf_free(&tip);
        strbuf_puts(out, "];\n");
    }
}

mig_status_t export_dot(const graph_t *g, strbuf_t *out)
{
    return export_dot_run(g, NULL, out);
}

mig_status_t export_dot_run(const graph_t *g, const val_t *run, strbuf_t *out)
{
    strbuf_puts(out, "digraph ");
    quote(out, graph_plan_name(g));
    strbuf_puts(out, " {\n  rankdir=TB;\n  compound=true;\n"
                     "  node [fontname=\"Helvetica\", fontsize=10];\n"
                     "  edge [fontname=\"Helvetica\", fontsize=9];\n");
    static const export_drawing_t drawing = {
        .node = node_line, .open = cluster_open, .close = cluster_close,
    };
    if (export_nodes_by_stage(g, &drawing, out) != MIG_OK)
        return MIG_ENOMEM;
    for (uint32_t e = 0; e < graph_edge_count(g); e++) {
        graph_edge_t ed = graph_edge(g, e);
        strbuf_puts(out, "  ");
        quote(out, graph_node_id(g, ed.from));
        strbuf_puts(out, " -> ");
        quote(out, graph_node_id(g, ed.to));
        strbuf_printf(out, "%s;\n", edge_attrs[ed.kind]);
    }
    if (run)
        paint(g, run, out);
    strbuf_puts(out, "}\n");
    return out->oom ? MIG_ENOMEM : MIG_OK;
}
