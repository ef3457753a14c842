/* cmd_export.c: `mig export FILE --format F [-o OUT]`: the execution graph
 * in a format of the designer layer's table (docs/export.md), on standard
 * output or written to OUT in one step (a temporary file renamed over it),
 * so a failed export never leaves half a file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "designer.h"

/* Writes B to PATH through PATH.tmpPID (cli.h); EXIT_CLEAN or EXIT_USAGE
 * (said). `mig import -o` writes the same way. */
int cli_write_out(const char *path, const strbuf_t *b)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        fprintf(stderr, "mig: error: out of memory\n");
        return EXIT_USAGE;
    }
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    int e = ok ? 0 : errno;
    if (f && fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        fprintf(stderr, "mig: error: cannot write '%s': %s\n", path,
                strerror(e));
    }
    free(tmp);
    return ok ? EXIT_CLEAN : EXIT_USAGE;
}

int cmd_export(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *name = cli_value(cmd, args, "format");
    const export_format_t *fmt = export_find(name ? name : "json");
    if (!fmt) {
        fprintf(stderr, "mig export: unknown format '%s'; the formats are",
                name);
        for (const export_format_t *f = export_formats(); f->name; f++)
            fprintf(stderr, "%s %s", f == export_formats() ? "" : ",",
                    f->name);
        fputc('\n', stderr);
        return EXIT_USAGE;
    }
    cli_plan_t p;
    int rc = cli_load_plan(args->operands[0], CLI_LOAD_GRAPH, &p);
    if (rc == EXIT_CLEAN) {
        strbuf_t b;
        strbuf_init(&b);
        if (fmt->write(p.graph, &b) != MIG_OK || b.oom) {
            fprintf(stderr, "mig: error: out of memory exporting '%s'\n",
                    args->operands[0]);
            rc = EXIT_USAGE;
        } else if (cli_value(cmd, args, "output")) {
            rc = cli_write_out(cli_value(cmd, args, "output"), &b);
        } else {
            fwrite(b.data, 1, b.len, stdout);
        }
        strbuf_free(&b);
    }
    cli_plan_free(&p);
    return rc;
}
