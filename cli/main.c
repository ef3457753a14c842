/* main.c: mig's entry point. Every subcommand is one row of cli_commands;
 * usage, help and option checks all come from that table. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_opt_t check_opts[] = {
    { .name = "tree", .short_name = 't',
      .help = "print the outline of each plan as parsed" },
    { .name = "quiet", .short_name = 'q',
      .help = "print nothing for clean plans" },
    { .name = "syntax-only", .short_name = 's',
      .help = "check the syntax and placement rules only" },
    { .name = "strict",
      .help = "make a step that cannot be undone an error, not a warning" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t graph_opts[] = {
    { .name = "json", .short_name = 'j',
      .help = "print the graph as JSON (docs/graph.md)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t plan_opts[] = {
    { .name = "profile", .short_name = 'p', .arg = "NAME",
      .help = "use the values of the plan's profile NAME" },
    { .name = "param", .arg = "NAME=VALUE", .repeat = true,
      .help = "set a parameter (typed by its default)" },
    { .name = "show-params",
      .help = "print the parameters and where each value came from" },
    { .name = "json", .short_name = 'j',
      .help = "print as JSON (docs/plan.md)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t export_opts[] = {
    { .name = "format", .short_name = 'f', .arg = "FORMAT",
      .help = "json (the default), dot or mermaid" },
    { .name = "output", .short_name = 'o', .arg = "OUT",
      .help = "write to OUT (replaced in one step) instead of stdout" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t help_opts[] = {
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

const cli_cmd_t cli_commands[] = {
    { .name = "check", .run = cmd_check, .operands = "FILE...",
      .min_operands = 1, .max_operands = -1, .opts = check_opts,
      .summary = "check plans for errors without running them",
      .help =
          "Parses each FILE (\"-\" reads standard input), checks it without\n"
          "running it, compiles its execution graph, and reports every error\n"
          "with its place, the source line and a hint where one helps: syntax,\n"
          "where statements may stand, undefined names, calls that do not fit\n"
          "their action, visible type errors, steps that cannot be undone,\n"
          "rollbacks to checkpoints that cannot have been passed, retry\n"
          "policies that make no sense, unknown or cyclic stages, duplicate\n"
          "names (docs/checks.md lists every check). A clean plan gets one\n"
          "line saying what it holds; warnings do not make it unclean.\n"
          "\n"
          "Exit status: 0 when every plan is clean, 1 when a plan has errors,\n"
          "2 for a usage error or a file that cannot be read." },
    { .name = "graph", .run = cmd_graph, .operands = "FILE",
      .min_operands = 1, .max_operands = 1, .opts = graph_opts,
      .summary = "print the execution graph a plan compiles to",
      .help =
          "Parses FILE (\"-\" reads standard input), compiles it into its execution\n"
          "graph (without the checks of 'mig check', so a plan in progress can\n"
          "be drawn) and prints an outline: each node's id, kind and label, indented\n"
          "by the blocks that hold it, with its edges under it. With --json, prints\n"
          "the graph in the JSON form of docs/graph.md.\n"
          "\n"
          "Exit status: 0 when the plan is clean, 1 when it has errors, 2 for a\n"
          "usage error or a file that cannot be read." },
    { .name = "plan", .run = cmd_plan, .operands = "FILE",
      .min_operands = 1, .max_operands = 1, .opts = plan_opts,
      .summary = "show what running a plan would do, changing nothing",
      .help =
          "Checks FILE like 'mig check', resolves its parameters (defaults, then\n"
          "the --profile, then each --param), and walks the plan in the order a\n"
          "run would without changing anything: lets, conditions and arguments\n"
          "are evaluated where their inputs are known, pure actions (file.read,\n"
          "file.list ...) run, and every other step's action says what it would\n"
          "change. A read of something an earlier step would change is left for\n"
          "the run. Prints the ordered plan: stages, steps with their previews,\n"
          "retry policies, handlers, checkpoints and hooks; --json prints it in\n"
          "the form of docs/plan.md.\n"
          "\n"
          "A dry run cannot write: actions get a read-only context.\n"
          "\n"
          "Exit status: 0 when the plan is clean and nothing foreseen fails, 1\n"
          "when it has errors or the dry run foresees a failure, 2 for a usage\n"
          "error (an unknown profile or parameter, a value of the wrong type)\n"
          "or a file that cannot be read." },
    { .name = "export", .run = cmd_export, .operands = "FILE",
      .min_operands = 1, .max_operands = 1, .opts = export_opts,
      .summary = "write the execution graph as JSON, DOT or Mermaid",
      .help =
          "Parses FILE, compiles its execution graph (as 'mig graph' does) and\n"
          "writes it in FORMAT: json, the mig-graph JSON of docs/graph.md; dot,\n"
          "for Graphviz, stages as clusters, error and undo edges styled apart;\n"
          "mermaid, a flowchart for Markdown reviews. docs/export.md shows each.\n"
          "\n"
          "Exit status: 0 when the plan is clean, 1 when it has errors, 2 for a\n"
          "usage error or a file that cannot be read or written." },
    { .name = "help", .run = cmd_help, .operands = "[COMMAND]",
      .min_operands = 0, .max_operands = 1, .opts = help_opts,
      .summary = "show help for mig or one of its commands",
      .help = "Without COMMAND, lists the commands; with it, shows its usage.\n"
              "'mig help actions' lists every action and recovery handler." },
    { .name = "version", .run = cmd_version, .operands = "",
      .min_operands = 0, .max_operands = 0, .opts = help_opts,
      .summary = "print mig's version",
      .help = "Prints the version of mig." },
    { 0 },
};

static const cli_cmd_t *find_command(const char *name)
{
    for (const cli_cmd_t *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static void print_overview(FILE *out)
{
    fprintf(out, "usage: mig COMMAND [OPTIONS] [ARGS]\n\n"
                 "mig runs migration plans written in .mig files.\n\n"
                 "commands:\n");
    for (const cli_cmd_t *c = cli_commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fprintf(out, "\nRun 'mig help COMMAND' for a command's options, and "
                 "'mig help actions'\nfor the actions a plan can call.\n");
}

int cmd_help(const cli_cmd_t *cmd, const cli_args_t *args)
{
    (void)cmd;
    if (args->n_operands == 0) {
        print_overview(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(args->operands[0], "actions") == 0)
        return cli_print_actions(stdout);
    const cli_cmd_t *c = find_command(args->operands[0]);
    if (!c) {
        fprintf(stderr, "mig: no such command '%s'\n", args->operands[0]);
        print_overview(stderr);
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
        fprintf(stderr, "mig: no such command '%s'\n"
                        "Run 'mig help' for the list.\n", argv[1]);
        return EXIT_USAGE;
    }
    cli_args_t args;
    int rc = cli_parse(cmd, argc - 1, argv + 1, &args);
    if (rc >= 0)
        return rc;
    return cmd->run(cmd, &args);
}
