/* cmd_import.c: `mig import GRAPH.json [-o OUT]`: a mig-graph JSON
 * document (as `mig export -f json` writes it and a visual designer saves
 * it) printed back as a .mig plan (designer.h, docs/export.md), on
 * standard output or written to OUT in one step. */
#include "cli.h"
#include "designer.h"

int cmd_import(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *path = args->operands[0];
    diag_list_t diags;
    diag_list_init(&diags);
    src_t *src = NULL;
    mig_status_t st = src_load(path, &diags, &src);
    if (st != MIG_OK) {
        cli_render_diags(&diags);
        diag_list_free(&diags);
        return EXIT_USAGE;
    }
    strbuf_t b;
    strbuf_init(&b);
    st = import_graph(src, &diags, &b);
    cli_render_diags(&diags);
    int rc = st == MIG_OK ? EXIT_CLEAN
           : st == MIG_EINVALID ? EXIT_INVALID : EXIT_USAGE;
    if (st == MIG_ENOMEM)
        fprintf(stderr, "mig: error: out of memory importing '%s'\n", path);
    else if (st == MIG_OK && cli_value(cmd, args, "output"))
        rc = cli_write_out(cli_value(cmd, args, "output"), &b);
    else if (st == MIG_OK)
        fwrite(b.data, 1, b.len, stdout);
    strbuf_free(&b);
    src_free(src);
    diag_list_free(&diags);
    fflush(stdout);
    return rc;
}
