/* cmd_check.c: `mig check FILE...`, which parses plans, checks each
 * without running it (names, calls, types, undo, rollbacks, retry
 * policies), compiles its execution graph (for the checks that need the
 * whole plan), and reports. */
#include <stdlib.h>
#include <string.h>

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

/* Checks PATH for `mig check --json`: appends {file, ok, exit, plan,
 * params, stages, steps, checkpoints, diagnostics} to LIST. Returns its
 * exit code. */
static int check_json(const char *path, unsigned flags, val_t *list)
{
    static const struct { ast_kind_t kind; const char *key; } counted[] = {
        { AST_PARAM, "params" }, { AST_STAGE, "stages" },
        { AST_STEP, "steps" }, { AST_CHECKPOINT, "checkpoints" },
    };
    val_t *diags = val_list_new(4);
    val_t *m = val_map_new(10);
    if (!diags || !m) {
        val_unref(diags);
        val_unref(m);
        fprintf(stderr, "mig: error: out of memory checking '%s'\n", path);
        return EXIT_USAGE;
    }
    cli_render_json(diags);
    cli_plan_t p;
    int rc = cli_load_plan(path, flags, &p);
    cli_render_json(NULL);
    const char *name;
    uint32_t len;
    val_map_set_take(m, "file", 4, cli_json_text(p.src ? p.src->name : path));
    val_map_set_take(m, "ok", 2, val_bool(rc == EXIT_CLEAN));
    val_map_set_take(m, "exit", 4, val_int(rc));
    val_map_set_take(m, "plan", 4, p.plan && ast_string_is_plain(p.plan->name,
                                                                 &name, &len)
                     ? val_string(name, len) : val_null());
    for (size_t i = 0; i < sizeof counted / sizeof *counted; i++)
        val_map_set_take(m, counted[i].key, strlen(counted[i].key),
                         p.plan ? val_int(ast_count(p.plan, counted[i].kind))
                                : val_null());
    val_map_set_take(m, "diagnostics", 11, diags);
    if (val_list_push_take(list, m) != MIG_OK)
        rc = EXIT_USAGE;
    cli_plan_free(&p);
    return rc;
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
    val_t *json = cli_value(cmd, args, "json") ? val_list_new(4) : NULL;
    if (cli_value(cmd, args, "json") && !json) {
        fprintf(stderr, "mig: error: out of memory\n");
        return EXIT_USAGE;
    }
    int worst = EXIT_CLEAN;
    for (int i = 0; i < args->n_operands; i++) {
        int rc = json ? check_json(args->operands[i], flags, json)
                      : check_one(args->operands[i], tree, quiet, flags);
        if (rc > worst)
            worst = rc;
    }
    if (json) {
        strbuf_t b;
        strbuf_init(&b);
        if (val_to_json(json, &b, VAL_JSON_PRETTY) == MIG_OK && !b.oom)
            printf("%s\n", b.data);
        else
            worst = EXIT_USAGE;
        strbuf_free(&b);
        val_unref(json);
    }
    fflush(stdout);
    return worst;
}
