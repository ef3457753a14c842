/* commands_plan.c: the command table's rows (cli.h, cli_command_next) of
 * the commands that read a plan without running it: check, graph, fmt and
 * plan, with their options. */
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
    { .name = "json", .short_name = 'j',
      .help = "print every plan's result and diagnostics as JSON "
              "(docs/cli.md)" },
    CLI_CONFIG_OPTS
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t fmt_opts[] = {
    { .name = "check", .short_name = 'c',
      .help = "write nothing; list the files that would change" },
    { .name = "diff", .short_name = 'd',
      .help = "write nothing; print what would change as a unified diff" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t graph_opts[] = {
    { .name = "json", .short_name = 'j',
      .help = "print the mig-graph JSON of 'mig export' (docs/export.md)" },
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
    CLI_CONFIG_OPTS
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

const cli_cmd_t cli_plan_commands[] = {
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
          "line saying what it holds; warnings do not make it unclean. The\n"
          "plan's mig.yaml (docs/configuration.md) is checked first, and the\n"
          "parameters it sets against the plan's.\n"
          "\n"
          "Exit status: 0 when every plan is clean, 1 when a plan or its\n"
          "mig.yaml has errors, 2 for a usage error or a file that cannot be\n"
          "read." },
    { .name = "graph", .run = cmd_graph, .operands = "FILE",
      .min_operands = 1, .max_operands = 1, .opts = graph_opts,
      .summary = "print the execution graph a plan compiles to",
      .help =
          "Parses FILE (\"-\" reads standard input), compiles it into its execution\n"
          "graph (without the checks of 'mig check', so a plan in progress can\n"
          "be drawn) and prints an outline: each node's id, kind and label, indented\n"
          "by the blocks that hold it, with its edges under it. With --json, prints\n"
          "the mig-graph JSON that 'mig export -f json' writes (docs/export.md).\n"
          "\n"
          "Exit status: 0 when the plan is clean, 1 when it has errors, 2 for a\n"
          "usage error or a file that cannot be read." },
    { .name = "fmt", .run = cmd_fmt, .operands = "[FILE...]",
      .min_operands = 0, .max_operands = -1, .opts = fmt_opts,
      .summary = "lay plans out in the one canonical style",
      .help =
          "Rewrites each FILE in place in mig's one layout (docs/fmt.md):\n"
          "indentation, spacing, aligned '=' in runs of params, lets and steps,\n"
          "blank lines around stages; comments and line breaks stay where they\n"
          "are, and a line wider than 100 columns has its call, list or map\n"
          "laid out one item per line. \"-\" (or no FILE) reads standard input\n"
          "and writes standard output. Before writing, mig parses the result\n"
          "again and refuses unless it has the same tokens, comments, syntax\n"
          "tree and execution graph as the file. A file already in style is\n"
          "left untouched. With --check, writes nothing and lists the files\n"
          "that would change; with --diff, writes nothing and prints the\n"
          "changes as a unified diff.\n"
          "\n"
          "Exit status: 0 when every file is (or now is) in style, 10 with\n"
          "--check when a file would change, 1 when a plan has syntax errors\n"
          "(that file is left alone), 2 for a usage error or a file that\n"
          "cannot be read or written." },
    { .name = "plan", .run = cmd_plan, .operands = "FILE",
      .min_operands = 1, .max_operands = 1, .opts = plan_opts,
      .summary = "show what running a plan would do, changing nothing",
      .help =
          "Checks FILE like 'mig check', resolves its parameters (defaults, then\n"
          "mig.yaml's defaults and profile, then the plan's --profile block,\n"
          "then each --param; docs/configuration.md), and walks the plan in the\n"
          "order a run would without changing anything: lets, conditions and\n"
          "arguments are evaluated where their inputs are known, pure actions\n"
          "(file.read, file.list ..., and pure Lua functions) run, and every\n"
          "other step's action says what it would change. A read of something\n"
          "an earlier step would change is left for the run. Prints the\n"
          "ordered plan: stages, steps with their previews, retry policies,\n"
          "handlers, checkpoints and hooks, and mig.yaml's run-wide retry,\n"
          "timeout and breaker where set; --json prints it in the form of\n"
          "docs/plan.md.\n"
          "A change of a V2 registry record says add, keep, replace, conflict\n"
          "or delete, and for a replace or a conflict lists the fields that\n"
          "differ, by JSON pointer, old -> new (docs/registry.md, \"Preview\").\n"
          "\n"
          "A dry run cannot write: actions get a read-only context. It\n"
          "describes up to 10,000 statements inside the items of loops; the\n"
          "items past that are counted, not described.\n"
          "\n"
          "A failure foreseen where a recover block matches its class, or\n"
          "within what a foreach's 'tolerate' lets fail, is a warning, as the\n"
          "run would go on.\n"
          "\n"
          "Exit status: 0 when the plan is clean and nothing foreseen fails, 1\n"
          "when it has errors or the dry run foresees a failure, 2 for a usage\n"
          "error (an unknown profile or parameter, a value of the wrong type)\n"
          "or a file that cannot be read." },
    { 0 },
};
