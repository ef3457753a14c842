/* cmd_lsp.c: `mig lsp`, the language server over standard input and
 * output (lsp/lsp.h). Standard output carries the protocol only. */
#include "cli.h"
#include "lsp.h"

int cmd_lsp(const cli_cmd_t *cmd, const cli_args_t *args)
{
    (void)cmd;
    (void)args;
    mig_status_t st = lsp_serve(stdin, stdout);
    if (st == MIG_ENOMEM) {
        fprintf(stderr, "mig: error: out of memory\n");
        return EXIT_USAGE;
    }
    return st == MIG_OK ? EXIT_CLEAN : EXIT_INVALID;
}
