/* cmd_graph.c: `mig graph FILE [--json]`, which compiles a plan into its
 * execution graph (interpreter.h) and prints it: an indented outline for
 * people, or the mig-graph JSON that `mig export -f json` writes
 * (designer.h, docs/export.md). */
#include <stdlib.h>

#include "cli.h"
#include "designer.h"

/* How many scopes hold node I. */
static unsigned depth_of(const graph_t *g, uint32_t i)
{
    unsigned d = 0;
    for (uint32_t s = graph_node_scope(g, i); s != GRAPH_NONE;
         s = graph_node_scope(g, s))
        d++;
    return d;
}

/* The outline: the stage order, then each node (indented by its scopes)
 * with its kind and label, and its edges under it. */
static void print_outline(const graph_t *g, strbuf_t *b)
{
    strbuf_printf(b, "migration \"%s\"\nstages:", graph_plan_name(g));
    for (uint32_t k = 0; k < graph_stage_count(g); k++)
        strbuf_printf(b, " %s", graph_node_ast(g, graph_stage_at(g, k))
                                    ->u.stage.name.name);
    strbuf_putc(b, '\n');
    for (uint32_t i = 0; i < graph_node_count(g); i++) {
        unsigned d = depth_of(g, i) * 2;
        strbuf_printf(b, "%*s%s [%s] %s\n", (int)d, "", graph_node_id(g, i),
                      graph_node_kind_name(graph_node_kind(g, i)),
                      graph_node_label(g, i));
        uint32_t n;
        const graph_edge_t *e = graph_out(g, i, &n);
        for (uint32_t k = 0; k < n; k++)
            strbuf_printf(b, "%*s  -%s-> %s\n", (int)d, "",
                          graph_edge_kind_name(e[k].kind),
                          graph_node_id(g, e[k].to));
    }
}

int cmd_graph(const cli_cmd_t *cmd, const cli_args_t *args)
{
    bool json = cli_value(cmd, args, "json") != NULL;
    const char *path = args->operands[0];
    cli_plan_t p;
    int rc = cli_load_plan(path, CLI_LOAD_GRAPH, &p);
    if (rc == EXIT_CLEAN) {
        strbuf_t b;
        strbuf_init(&b);
        mig_status_t st = MIG_OK;
        if (json)
            st = export_json(p.graph, &b);
        else
            print_outline(p.graph, &b);
        if (st != MIG_OK || b.oom) {
            fprintf(stderr, "mig: error: out of memory printing '%s'\n", path);
            rc = EXIT_USAGE;
        } else {
            fwrite(b.data, 1, b.len, stdout);
        }
        strbuf_free(&b);
    }
    cli_plan_free(&p);
    fflush(stdout);
    return rc;
}
