/* cmd_metrics.c: `mig metrics` (docs/metrics.md): the state store's
 * metrics in the Prometheus text format (runtime/metrics.h), printed once,
 * for a textfile collector or a look by hand. `mig serve --state` answers
 * the same at GET /metrics. */
#include <stdio.h>

#include "cli.h"
#include "metrics.h"

int cmd_metrics(const cli_cmd_t *cmd, const cli_args_t *args)
{
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    int rc = cli_open_store(cmd, args, STORE_READONLY, &s, &diags);
    if (rc != EXIT_CLEAN)
        return cli_finish_store(s, &diags, rc);
    strbuf_t out;
    strbuf_init(&out);
    mig_status_t st = metrics_render(s, &out);
    if (st == MIG_OK)
        fwrite(out.data, 1, out.len, stdout);
    strbuf_free(&out);
    return cli_finish_status(s, &diags, st);
}
