/* cmd_check.c: `mig check FILE...`, which parses plans, checks each
 * without running it (names, calls, types, undo, rollbacks, retry
 * policies), compiles its execution graph (for the checks that need the
 * whole plan), and reports. */
#include <stdlib.h>

#include "cli.h"

/* One line on what a clean plan holds. */
static void print_summary(const src_t *src, const ast_plan_t *plan)
{
    static const struct { ast_kind_t kind; const char *one, *many; } counted[] = {
        { AST_PARAM, "param", "params" },
        { AST_STAGE, "stage", "stages" },
        { AST_STEP, "step", "steps" },
        { AST_CHECKPOINT, "checkpoint", "checkpoints" },
    };
    const char *name;
    uint32_t len;
    if (!ast_string_is_plain(plan->name, &name, &len))
        name = "?";
    printf("%s: ok: migration \"%s\"", src->name, name);
    for (size_t i = 0; i < sizeof(counted) / sizeof(counted[0]); i++) {
        uint32_t n = ast_count(plan, counted[i].kind);
        printf("%s %u %s", i ? "," : ":", n, n == 1 ? counted[i].one
                                                    : counted[i].many);
    }
    putchar('\n');
}

/* Checks one file; returns its exit code. */
static int check_one(const char *path, bool tree, bool quiet, unsigned flags)
{
    cli_plan_t p;
    int rc = cli_load_plan(path, flags, &p);
    if (rc == EXIT_CLEAN && tree) {
        char *out;
        size_t len;
        if (ast_dump(p.plan, &out, &len) != MIG_OK) {
            fprintf(stderr, "mig: error: out of memory printing '%s'\n", path);
            rc = EXIT_USAGE;
        } else {
            fwrite(out, 1, len, stdout);
            free(out);
        }
    } else if (rc == EXIT_CLEAN && !quiet) {
        print_summary(p.src, p.plan);
    }
    cli_plan_free(&p);
    return rc;
}

int cmd_check(const cli_cmd_t *cmd, const cli_args_t *args)
{
    bool tree = cli_value(cmd, args, "tree") != NULL;
    bool quiet = cli_value(cmd, args, "quiet") != NULL;
    unsigned flags = CLI_LOAD_CHECK | CLI_LOAD_GRAPH;
    if (cli_value(cmd, args, "syntax-only"))
        flags = 0;
    else if (cli_value(cmd, args, "strict"))
        flags |= CLI_LOAD_STRICT;
    int worst = EXIT_CLEAN;
    for (int i = 0; i < args->n_operands; i++) {
        int rc = check_one(args->operands[i], tree, quiet, flags);
        if (rc > worst)
            worst = rc;
    }
    fflush(stdout);
    return worst;
}
