/* load.c: how every command that reads a plan gets it: the file, its AST
 * and, when asked, its execution graph, with every diagnostic rendered and
 * the outcome already said as an exit code. */
#include "cli.h"

int cli_load_plan(const char *path, bool want_graph, cli_plan_t *p)
{
    *p = (cli_plan_t){ 0 };
    diag_list_t diags;
    diag_list_init(&diags);
    mig_status_t st = src_load(path, &diags, &p->src);
    if (st != MIG_OK) {
        /* src_load said why, as a diagnostic. */
        cli_render_diags(&diags);
        diag_list_free(&diags);
        return EXIT_USAGE;
    }
    p->arena = arena_new();
    st = p->arena ? grammar_parse(p->src, p->arena, &diags, &p->plan)
                  : MIG_ENOMEM;
    if (st == MIG_OK && want_graph)
        st = graph_compile(p->plan, p->src, &diags, &p->graph);
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (st == MIG_ENOMEM)
        fprintf(stderr, "mig: error: out of memory checking '%s'\n", path);
    return st == MIG_OK ? EXIT_CLEAN
         : st == MIG_EINVALID ? EXIT_INVALID : EXIT_USAGE;
}

void cli_plan_free(cli_plan_t *p)
{
    graph_free(p->graph);
    arena_free(p->arena);
    src_free(p->src);
    *p = (cli_plan_t){ 0 };
}
