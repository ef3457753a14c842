/* main.c: mig's entry point. Every subcommand is one row of the command
 * table, kept in groups (commands_*.c, listed in groups below);
 * usage, help and option checks all come from that table. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const cli_opt_t cli_help_opts[] = {
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

/* mig itself. */
static const cli_cmd_t main_commands[] = {
    { .name = "version", .run = cmd_version, .operands = "",
      .min_operands = 0, .max_operands = 0, .opts = cli_help_opts,
      .summary = "print mig's version",
      .help = "Prints the version of mig." },
    { 0 },
};

/* The groups of the command table, in the order help lists them. */
static const cli_cmd_t *const groups[] = {
    cli_plan_commands, cli_run_commands, cli_inspect_commands,
    cli_tool_commands, cli_ops_commands, main_commands,
};

const cli_cmd_t *cli_command_next(const cli_cmd_t *c)
{
    size_t n = sizeof groups / sizeof *groups, g = 0;
    if (c && c[1].name)
        return c + 1;
    if (c) {
        /* C is the last row of its group: go on with the next. */
        while (g < n) {
            const cli_cmd_t *end = groups[g++];
            while (end->name)
                end++;
            if (end == c + 1)
                break;
        }
    }
    for (; g < n; g++)
        if (groups[g]->name)
            return groups[g];
    return NULL;
}

static const cli_cmd_t *find_command(const char *name)
{
    CLI_EACH_COMMAND(c)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* Says on stderr that there is no command NAME, with the closest one
 * ("did you mean 'check'?") when one is close. */
static void no_such_command(const char *name)
{
    eval_suggest_t s;
    eval_suggest_init(&s, name);
    CLI_EACH_COMMAND(c)
        eval_suggest_consider(&s, c->name);
    fprintf(stderr, "mig: no such command '%s'\n", name);
    if (s.best)
        fprintf(stderr, "hint: did you mean 'mig %s'?\n", s.best);
    fprintf(stderr, "Run 'mig help' for the list.\n");
}

static void print_overview(FILE *out)
{
    fprintf(out, "usage: mig COMMAND [OPTIONS] [ARGS]\n\n"
                 "mig runs migration plans written in .mig files.\n\n"
                 "commands:\n");
    CLI_EACH_COMMAND(c)
        fprintf(out, "  %-12s %s\n", c->name, c->summary);
    fprintf(out, "\nRun 'mig help COMMAND' for a command's options, and "
                 "'mig help actions'\nfor the actions a plan can call.\n");
}

int cmd_help(const cli_cmd_t *cmd, const cli_args_t *args)
{
    if (cli_value(cmd, args, "man")) {
        cli_print_man(stdout);
        return EXIT_CLEAN;
    }
    if (args->n_operands == 0) {
        print_overview(stdout);
        return EXIT_CLEAN;
    }
    const char *name = args->operands[0];
    if (strcmp(name, "actions") == 0)
        return cli_value(cmd, args, "json") ? cli_print_actions_json(stdout)
                                            : cli_print_actions(stdout);
    /* Actions are NAMESPACE.NAME; commands have no dot. */
    if (strchr(name, '.'))
        return cli_print_action(stdout, name);
    const cli_cmd_t *c = find_command(name);
    if (!c) {
        no_such_command(name);
        return EXIT_USAGE;
    }
    cli_print_help(c, stdout);
    return EXIT_CLEAN;
}

int cmd_version(const cli_cmd_t *cmd, const cli_args_t *args)
{
    (void)cmd;
    (void)args;
    printf("mig %s\n", MIG_VERSION);
    return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
    /* A run allocates and frees many small values per step: keep freed
     * memory at the top of the heap instead of returning it to the
     * system after every step (measured: a brk call per step). */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    if (argc < 2) {
        print_overview(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        name = "help";
    else if (strcmp(name, "--version") == 0)
        name = "version";
    const cli_cmd_t *cmd = find_command(name);
    if (!cmd) {
        no_such_command(argv[1]);
        return EXIT_USAGE;
    }
    cli_args_t args;
    int rc = cli_parse(cmd, argc - 1, argv + 1, &args);
    if (rc >= 0)
        return rc;
    if ((rc = cli_config_use(cmd, &args)) != EXIT_CLEAN)
        return rc;
    return cmd->run(cmd, &args);
}
