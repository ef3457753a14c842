/* mermaid.c: the execution graph as a Mermaid flowchart, for plans
 * reviewed in Markdown. Each stage is a subgraph; error edges are dotted
 * and labelled "error", undo (compensation) edges labelled "undo". Mermaid
 * ids must be plain words, so nodes are n0, n1 ... in graph order and the
 * stable id is kept in a comment line above each. */
#include "designer_int.h"

/* Per node kind: the opening and closing of its Mermaid shape. */
static const char *const shapes[GRAPH_NODE_KIND_COUNT][2] = {
    [GRAPH_STAGE_ENTER] = { "([", "])" }, [GRAPH_STAGE_EXIT] = { "([", "])" },
    [GRAPH_STEP] = { "[", "]" }, [GRAPH_UNDO] = { "[/", "/]" },
    [GRAPH_CHECKPOINT] = { "((", "))" }, [GRAPH_VERIFY] = { "{{", "}}" },
    [GRAPH_SNAPSHOT] = { "[(", ")]" },
    [GRAPH_LET] = { "[", "]" }, [GRAPH_BRANCH] = { "{", "}" },
    [GRAPH_JOIN] = { "((", "))" }, [GRAPH_FANOUT] = { "[/", "\\]" },
    [GRAPH_FANIN] = { "[\\", "/]" }, [GRAPH_RETRY_ENTER] = { "[[", "]]" },
    [GRAPH_RETRY_EXIT] = { "((", "))" }, [GRAPH_RECOVER] = { "{{", "}}" },
    [GRAPH_DECISION] = { ">", "]" }, [GRAPH_HOOK_ENTER] = { "[/", "/]" },
    [GRAPH_HOOK_EXIT] = { "[\\", "\\]" },
};

/* Per edge kind: the arrow. */
static const char *const arrows[GRAPH_EDGE_KIND_COUNT] = {
    [GRAPH_EDGE_SEQ] = "-->", [GRAPH_EDGE_AFTER] = "==>|after|",
    [GRAPH_EDGE_ERROR] = "-.->|error|", [GRAPH_EDGE_UNDO] = "-.->|undo|",
    [GRAPH_EDGE_LOOP] = "-->", [GRAPH_EDGE_THEN] = "-->|then|",
    [GRAPH_EDGE_ELSE] = "-->|else|",
};

/* Appends S as a quoted Mermaid label: quotes and the characters Mermaid
 * reads as markup become entity codes. */
static void label(strbuf_t *out, const char *s)
{
    strbuf_putc(out, '"');
    for (; *s; s++) {
        switch (*s) {
        case '"': strbuf_puts(out, "#quot;"); break;
        case '#': strbuf_puts(out, "#35;"); break;
        case '<': strbuf_puts(out, "#lt;"); break;
        case '>': strbuf_puts(out, "#gt;"); break;
        case '\n': strbuf_putc(out, ' '); break;
        default: strbuf_putc(out, *s);
        }
    }
    strbuf_putc(out, '"');
}

static void node_line(const graph_t *g, uint32_t n, strbuf_t *out,
                      const char *indent)
{
    graph_node_kind_t k = graph_node_kind(g, n);
    strbuf_printf(out, "%s%%%% %s\n%sn%u%s", indent, graph_node_id(g, n),
                  indent, n, shapes[k][0]);
    label(out, k == GRAPH_JOIN || k == GRAPH_RETRY_EXIT
               ? " " : graph_node_label(g, n));
    strbuf_printf(out, "%s\n", shapes[k][1]);
}

static void subgraph_open(const graph_t *g, uint32_t k, uint32_t enter,
                          strbuf_t *out)
{
    strbuf_printf(out, "  subgraph s%u[", k);
    label(out, graph_node_label(g, enter));
    strbuf_puts(out, "]\n");
}

static void subgraph_close(strbuf_t *out)
{
    strbuf_puts(out, "  end\n");
}

mig_status_t export_mermaid(const graph_t *g, strbuf_t *out)
{
    strbuf_puts(out, "flowchart TD\n");
    static const export_drawing_t drawing = {
        .node = node_line, .open = subgraph_open, .close = subgraph_close,
    };
    if (export_nodes_by_stage(g, &drawing, out) != MIG_OK)
        return MIG_ENOMEM;
    for (uint32_t e = 0; e < graph_edge_count(g); e++) {
        graph_edge_t ed = graph_edge(g, e);
        strbuf_printf(out, "  n%u %s n%u\n", ed.from, arrows[ed.kind], ed.to);
    }
    return out->oom ? MIG_ENOMEM : MIG_OK;
}
