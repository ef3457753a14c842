/* cmd_check.c: `mig check FILE...`, which parses plans, compiles each into
 * its execution graph (for the checks that need the whole plan), and
 * reports. */
#include <stdlib.h>

#include "cli.h"
#include "interpreter.h"

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
static int check_one(const char *path, bool tree, bool quiet, bool syntax_only)
{
    diag_list_t diags;
    diag_list_init(&diags);
    src_t *src = NULL;
    mig_status_t st = src_load(path, &diags, &src);
    if (st != MIG_OK) {
        cli_render_diags(&diags);
        diag_list_free(&diags);
        return EXIT_USAGE;
    }
    arena_t *arena = arena_new();
    ast_plan_t *plan = NULL;
    graph_t *graph = NULL;
    st = arena ? grammar_parse(src, arena, &diags, &plan) : MIG_ENOMEM;
    if (st == MIG_OK && !syntax_only)
        st = graph_compile(plan, src, &diags, &graph);
    cli_render_diags(&diags);
    int rc = EXIT_CLEAN;
    if (st == MIG_ENOMEM) {
        fprintf(stderr, "mig: error: out of memory checking '%s'\n", path);
        rc = EXIT_USAGE;
    } else if (st != MIG_OK) {
        rc = EXIT_INVALID;
    } else if (tree) {
        char *out;
        size_t len;
        if (ast_dump(plan, &out, &len) != MIG_OK) {
            fprintf(stderr, "mig: error: out of memory printing '%s'\n", path);
            rc = EXIT_USAGE;
        } else {
            fwrite(out, 1, len, stdout);
            free(out);
        }
    } else if (!quiet) {
        print_summary(src, plan);
    }
    graph_free(graph);
    arena_free(arena);
    src_free(src);
    diag_list_free(&diags);
    return rc;
}

int cmd_check(const cli_cmd_t *cmd, const cli_args_t *args)
{
    bool tree = cli_value(cmd, args, "tree") != NULL;
    bool quiet = cli_value(cmd, args, "quiet") != NULL;
    bool syntax_only = cli_value(cmd, args, "syntax-only") != NULL;
    int worst = EXIT_CLEAN;
    for (int i = 0; i < args->n_operands; i++) {
        int rc = check_one(args->operands[i], tree, quiet, syntax_only);
        if (rc > worst)
            worst = rc;
    }
    fflush(stdout);
    return worst;
}
