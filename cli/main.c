/* main.c: mig's entry point. Every subcommand is one row of cli_commands;
 * usage, help and option checks all come from that table. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
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

static const cli_opt_t export_opts[] = {
    { .name = "format", .short_name = 'f', .arg = "FORMAT",
      .help = "json (the default), dot, mermaid or bpmn" },
    { .name = "output", .short_name = 'o', .arg = "OUT",
      .help = "write to OUT (replaced in one step) instead of stdout" },
    { .name = "run", .arg = "RUN",
      .help = "draw run RUN (a number or 'last') on the graph (json, dot)" },
    { .name = "state", .arg = "PATH",
      .help = "the state store of --run (default: .mig/state.db here or above)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t import_opts[] = {
    { .name = "output", .short_name = 'o', .arg = "OUT",
      .help = "write the plan to OUT (replaced in one step) instead of stdout" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

/* The options `mig run` and `mig resume` share. */
#define RUN_SHARED_OPTS                                                        \
    { .name = "break-lock",                                                  \
      .help = "take over an expired lock (the journal records it)" },        \
    { .name = "force",                                                       \
      .help = "let a rollback go past irreversible steps and overwrite "     \
              "changed resources" },                                         \
    { .name = "inject", .arg = "SPEC", .repeat = true,                       \
      .help = "make calls fail on purpose: TARGET:CLASS[:COUNT]" },          \
    { .name = "inject-rate", .arg = "SHARE", .repeat = true,                 \
      .help = "fail a share (0 to 1) of all calls; SHARE:CLASS sets the "    \
              "class; several make a mix" },                                 \
    { .name = "quiet", .short_name = 'q',                                    \
      .help = "print nothing but errors (on stderr)" },                      \
    { .name = "verbose", .short_name = 'v',                                  \
      .help = "print a line per step of every item, too" },                  \
    { .name = "json", .short_name = 'j',                                     \
      .help = "print only the run's summary, as JSON (docs/cli.md)" },

/* What resume and rollback are told of a command a crash left running. */
#define SETTLE_OPT                                                             \
    { .name = "settle", .arg = "SEQ=WHAT", .repeat = true,                   \
      .help = "say what the command of journal record SEQ, running when "   \
              "mig stopped, did: done (took effect) or not-run (left "      \
              "nothing)" },

static const cli_opt_t run_opts[] = {
    { .name = "profile", .short_name = 'p', .arg = "NAME",
      .help = "use the values of the plan's profile NAME" },
    { .name = "param", .arg = "NAME=VALUE", .repeat = true,
      .help = "set a parameter (typed by its default)" },
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db beside the plan)" },
    { .name = "durability", .arg = "MODE",
      .help = "grouped (the default: commits shared by steps) or full" },
    { .name = "seed", .arg = "N",
      .help = "seed the run's random choices (jitter, --inject-rate), "
              "drawn per item and attempt, to repeat a run" },
    RUN_SHARED_OPTS
    CLI_CONFIG_OPTS
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t resume_opts[] = {
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above)" },
    { .name = "failed-only",
      .help = "re-run only the failed and skipped items of a failed run" },
    { .name = "allow-changed-plan",
      .help = "go on although the plan changed (the journal records it)" },
    SETTLE_OPT
    RUN_SHARED_OPTS
    CLI_CONFIG_OPTS
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t rollback_opts[] = {
    { .name = "to", .arg = "CHECKPOINT",
      .help = "undo back to this checkpoint (default: the whole run)" },
    { .name = "dry-run", .short_name = 'n',
      .help = "print what would be undone, in order; change nothing" },
    { .name = "force",
      .help = "go past irreversible steps; overwrite changed resources" },
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above)" },
    { .name = "break-lock",
      .help = "take over an expired lock (the journal records it)" },
    SETTLE_OPT
    { .name = "json", .short_name = 'j',
      .help = "print the rollback's report as JSON" },
    CLI_CONFIG_OPTS
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t status_opts[] = {
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above)" },
    { .name = "json", .short_name = 'j',
      .help = "print the run as one JSON object (docs/cli.md)" },
    { .name = "watch", .short_name = 'w',
      .help = "follow the run live until it ends (its exit status)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t history_opts[] = {
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above)" },
    { .name = "limit", .arg = "N",
      .help = "show the newest N runs only (0, the default: all)" },
    { .name = "json", .short_name = 'j',
      .help = "print the runs as a JSON array (docs/cli.md)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t log_opts[] = {
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above)" },
    { .name = "json", .short_name = 'j',
      .help = "print one JSON object per event, one a line (docs/cli.md)" },
    { .name = "brief", .short_name = 'b',
      .help = "leave out times, lock events and the seed, to compare runs" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t report_opts[] = {
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above)" },
    { .name = "json", .short_name = 'j',
      .help = "print the report as JSON (docs/report.md)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t gen_opts[] = {
    { .name = "kind", .short_name = 'k', .arg = "KIND",
      .help = "openai, mcp, plugin, synapse, rag, sk or mixed (the default)" },
    { .name = "count", .short_name = 'n', .arg = "N",
      .help = "how many records in all, from 1 to 1000000 (required)" },
    { .name = "seed", .arg = "S",
      .help = "the seed (default 0): the same seed writes the same bytes" },
    { .name = "out", .short_name = 'o', .arg = "DIR",
      .help = "the folder to write (default: legacy)" },
    { .name = "mismatches", .arg = "LIST",
      .help = "plant problems in a share of the files: "
              "malformed,conflict,names,quirks each as KIND:SHARE" },
    { .name = "files-per", .arg = "N",
      .help = "records per file where a format holds several, 1 to 1000 "
              "(default: drawn per file)" },
    { .name = "force",
      .help = "replace what DIR holds instead of refusing" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t serve_opts[] = {
    { .name = "state", .arg = "PATH",
      .help = "serve the HTTP API of this state store's runs (docs/api.md)" },
    { .name = "registry", .arg = "PATH",
      .help = "the registry to serve: a SQLite database (.db) or a folder" },
    { .name = "listen", .arg = "HOST:PORT",
      .help = "where to listen (default 127.0.0.1:8470; port 0: any free one)" },
    { .name = "token-file", .arg = "FILE",
      .help = "the bearer token requests that change something must carry" },
    { .name = "durability", .arg = "MODE",
      .help = "grouped (the default) or full: sync every write, as "
              "'mig run --durability full'" },
    { .name = "latency", .arg = "DURATION",
      .help = "wait this long before every answer (0ms to 60s)" },
    { .name = "fail-rate", .arg = "SHARE",
      .help = "answer a seeded share (0 to 1) of requests with --fail-status" },
    { .name = "fail-status", .arg = "CODE",
      .help = "429 or 503 (the default), for --fail-rate" },
    { .name = "retry-after", .arg = "SECS",
      .help = "the Retry-After of --fail-rate's answers (default 1)" },
    { .name = "seed", .arg = "N",
      .help = "the seed --fail-rate draws from (default 0)" },
    { .name = "rate-limit", .arg = "N/s",
      .help = "answer 429 with Retry-After past N requests a second" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t new_opts[] = {
    { .name = "template", .short_name = 't', .arg = "NAME",
      .help = "synapse, rag, plugin, mcp, openai or mixed" },
    { .name = "list", .short_name = 'l',
      .help = "list the templates, a line each" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t drift_opts[] = {
    { .name = "profile", .short_name = 'p', .arg = "NAME",
      .help = "compare with the last successful run made with profile NAME" },
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: mig.yaml's state, else .mig/state.db beside the plan)" },
    { .name = "json", .short_name = 'j',
      .help = "print the drift as JSON (docs/drift.md)" },
    { .name = "fix",
      .help = "write a plan that brings the registries back (never run)" },
    { .name = "output", .short_name = 'o', .arg = "OUT",
      .help = "with --fix: write the plan to OUT, beside PLAN, not stdout" },
    CLI_CONFIG_OPTS
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t config_opts[] = {
    { .name = "profile", .short_name = 'p', .arg = "NAME",
      .help = "show the settings of profile NAME" },
    { .name = "param", .arg = "NAME=VALUE", .repeat = true,
      .help = "with a PLAN: set a parameter, as 'mig run' does" },
    CLI_CONFIG_OPTS
    { .name = "state", .arg = "PATH",
      .help = "for diff: the state store (default: as for 'mig status')" },
    { .name = "json", .short_name = 'j',
      .help = "print as JSON (docs/configuration.md)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t help_opts[] = {
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t adapt_opts[] = {
    { .name = "json", .short_name = 'j',
      .help = "print the changes and the mapping as one JSON object" },
    { .name = "output", .short_name = 'o', .arg = "MAPPING",
      .help = "also write the mapping as YAML to MAPPING (in one step)" },
    { .name = "state", .arg = "PATH",
      .help = "learn: the state store (default: .mig/state.db here or above)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t help_cmd_opts[] = {
    { .name = "json", .short_name = 'j',
      .help = "with 'actions': print the actions and handlers as JSON" },
    { .name = "man",
      .help = "print the man page mig(1), in roff, for every command" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t audit_opts[] = {
    { .name = "output", .short_name = 'o', .arg = "FILE",
      .help = "keygen: the key file to write (default: "
              "~/.config/" AUDIT_KEY_DEFAULT ")" },
    { .name = "key", .arg = "FILE",
      .help = "verify: the trusted key (a key file or its .pub; default: "
              "$" AUDIT_KEY_ENV ", then ~/.config/" AUDIT_KEY_DEFAULT ")" },
    { .name = "since", .arg = "TIME",
      .help = "export: entries from TIME on (2026-12-07, "
              "2026-12-07T10:00:00Z, or an age: 12h, 30d)" },
    { .name = "json", .short_name = 'j',
      .help = "export: one JSON object per entry, one a line" },
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t doctor_opts[] = {
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above)" },
    { .name = "json", .short_name = 'j',
      .help = "print the findings as one JSON object (docs/doctor.md)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t metrics_opts[] = {
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t stats_opts[] = {
    { .name = "since", .arg = "TIME",
      .help = "only runs started from TIME on (2026-12-07, "
              "2026-12-07T10:00:00Z, or an age: 12h, 30d)" },
    { .name = "plan", .arg = "PLAN",
      .help = "only the runs of PLAN: its name, or its file" },
    { .name = "run", .arg = "RUN",
      .help = "the bottlenecks of run RUN (a number or 'last') instead" },
    { .name = "html", .arg = "FILE",
      .help = "write one self-contained HTML page with charts to FILE" },
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above)" },
    { .name = "json", .short_name = 'j',
      .help = "print the figures as one JSON object (docs/analytics.md)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t advise_opts[] = {
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db beside the plan)" },
    { .name = "json", .short_name = 'j',
      .help = "print the suggestions and their figures as JSON "
              "(docs/analytics.md)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t analyze_opts[] = {
    { .name = "train",
      .help = "train the model on the history of runs and save it" },
    { .name = "evaluate",
      .help = "measure the model on runs and inventories held out" },
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above)" },
    { .name = "model", .arg = "PATH",
      .help = "the model file (default: analyze-model.json beside the store)" },
    { .name = "json", .short_name = 'j',
      .help = "print JSON (docs/analytics.md)" },
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

static const cli_opt_t snapshot_opts[] = {
    { .name = "name", .arg = "NAME",
      .help = "create: the snapshot's name (default: when it was taken)" },
    { .name = "note", .arg = "TEXT", .help = "create: a note kept with it" },
    { .name = "dry-run", .short_name = 'n',
      .help = "restore, prune: say what would change; change nothing" },
    { .name = "older-than", .arg = "AGE",
      .help = "prune: forget snapshots older than AGE (30d, 12h, 90m, 10s)" },
    { .name = "keep-last", .arg = "N",
      .help = "prune: never forget the N newest snapshots" },
    { .name = "break-lock",
      .help = "restore: take over the workspace's expired lock" },
    { .name = "state", .arg = "PATH",
      .help = "the state store (default: .mig/state.db here or above; "
              "create PLAN: beside the plan)" },
    { .name = "json", .short_name = 'j', .help = "print JSON" },
    CLI_CONFIG_OPTS
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
    { .name = "run", .run = cmd_run, .operands = "FILE",
      .min_operands = 1, .max_operands = 1, .opts = run_opts,
      .summary = "run a plan, journaled, with rollback on failure",
      .help =
          "Checks FILE like 'mig check', resolves its parameters like 'mig plan',\n"
          "and runs it: stages in dependency order, foreach items up to their\n"
          "parallel bound, retries, recover handlers and hooks. Every change is\n"
          "journaled in the state store before it is made, with what undoes it\n"
          "(docs/state.md); checkpoints record the managed files' digest. A\n"
          "second run on the same directory is refused while the first holds\n"
          "its lock.\n"
          "\n"
          "The plan's mig.yaml (docs/configuration.md), found in its folder or\n"
          "above, is checked before anything runs; its state folder holds the\n"
          "state store and objects (unless --state), its durability and\n"
          "concurrency apply (unless --durability), and its parameters and the\n"
          "profile's lie under the plan's profile block and --param. The run\n"
          "records the effective configuration and its digest.\n"
          "\n"
          "On a terminal each stage is a progress line (items done of all,\n"
          "failures, rate, time left); piped, a line per stage and per step\n"
          "outside loops. Failures, retries and decisions are always shown,\n"
          "items by their value; --verbose adds a line per item step, --quiet\n"
          "prints nothing, --json only the summary. A failed run's error is\n"
          "repeated on stderr. FILE must be a file, not '-'.\n"
          "\n"
          "--inject TARGET:CLASS[:COUNT] makes calls fail on purpose, to see the\n"
          "plan recover: calls of an action (file.write), of a namespace\n"
          "(file.*) or of a node ('mig graph' shows the ids), COUNT times or\n"
          "every time. --inject-rate SHARE[:CLASS] fails that share of all\n"
          "calls (default class Transient), drawn from --seed (0 without it);\n"
          "give it several times for a mix of classes.\n"
          "Injected failures are journaled like real ones.\n"
          "\n"
          "SIGINT, SIGTERM or SIGHUP stop the run gracefully: the steps in\n"
          "flight end, nothing new starts, nothing is rolled back, and the run\n"
          "is recorded interrupted (resume or roll it back); a second signal\n"
          "stops mig at once.\n"
          "\n"
          "Exit status: 0 when the run succeeded; 1 when the plan or its\n"
          "mig.yaml has errors, or a reference of mig.yaml a parameter\n"
          "takes, or a remote registry's token, cannot be resolved; 2 for a usage error; 3 when the run failed and nothing was rolled back;\n"
          "4 when it failed and was rolled back (every managed resource\n"
          "verified to match the checkpoint); 5 when a rollback failed or left\n"
          "resources that differ; 6 when the run was refused (the directory is\n"
          "locked, or another process acts for the run); 7 when it was rolled\n"
          "back but some undone steps could not be verified; 8 when the state\n"
          "store cannot be used (missing, damaged, deleted or replaced, its disk\n"
          "full, held by a stopped process); 9 when a signal stopped the run." },
    { .name = "resume", .run = cmd_resume, .operands = "RUN",
      .min_operands = 1, .max_operands = 1, .opts = resume_opts,
      .summary = "finish an interrupted run, or re-run a run's failed items",
      .help =
          "Continues run RUN (a number, or 'last') of an interrupted process\n"
          "from its journal: steps that finished are not run again, a step that\n"
          "was in flight is checked (done if its effect is in place, else undone\n"
          "and run again). A command in flight is stopped if it still runs,\n"
          "then settled by its check:, or by --settle SEQ=done|not-run; without\n"
          "either, mig refuses and says what to run. The plan must be the one\n"
          "the run started with, unless --allow-changed-plan. A run that began\n"
          "rolling back is not resumed. With --failed-only, re-runs the failed\n"
          "and skipped items of a run that failed and was not rolled back.\n"
          "--inject and --inject-rate work as for 'mig run' (the rate draws\n"
          "from the seed recorded with the run), counting from the resume.\n"
          "One process acts for a run at a time: a resume of a run another\n"
          "process is resuming or rolling back is refused.\n"
          "\n"
          "Exit status: as for 'mig run'; 6 also when a command in flight\n"
          "cannot be settled, or the run began rolling back." },
    { .name = "rollback", .run = cmd_rollback, .operands = "RUN",
      .min_operands = 1, .max_operands = 1, .opts = rollback_opts,
      .summary = "undo a run, whole or back to a checkpoint",
      .help =
          "Applies the undo records of run RUN (a number, or 'last') written\n"
          "after CHECKPOINT (--to; default: every record), newest first, then\n"
          "compares the managed resources with their state at the checkpoint\n"
          "and its stored digest, naming those that differ. A resource changed\n"
          "since the run left it (by a newer run, or outside mig) is refused\n"
          "before anything is undone, unless --force. A step that cannot be\n"
          "undone stops the rollback unless --force. A step undone by the\n"
          "plan's undo call without 'manages: [...]' cannot be verified, and\n"
          "is listed as such. --dry-run prints what would be undone, in order,\n"
          "and changes nothing. A rollback that is interrupted is finished by\n"
          "running it again. A command (or an undo's command) in flight is\n"
          "stopped, then settled by its check: or --settle SEQ=done|not-run:\n"
          "one that never began is not undone.\n"
          "\n"
          "Exit status: 0 when every resource matches the checkpoint and every\n"
          "step was verified; 2 for a usage error; 5 when an undo failed or\n"
          "resources differ; 6 when refused (an irreversible step, or a\n"
          "resource changed since, without --force; a lock held by another\n"
          "run or process; a command in flight that cannot be settled); 7 when\n"
          "some undone steps could not be verified; 8 when the state store\n"
          "cannot be used or failed during the rollback, 9 when a signal\n"
          "stopped it between two undos (run it again to finish)." },
    { .name = "status", .run = cmd_status, .operands = "[RUN]",
      .min_operands = 0, .max_operands = 1, .opts = status_opts,
      .summary = "show where a run stands: state, times, steps, checkpoints",
      .help =
          "Shows run RUN (a run id, or 'last'; default: the newest run) of the\n"
          "state store: its plan, its state (a run recorded running whose\n"
          "process is gone or whose lock expired shows as interrupted, with the\n"
          "commands that resume or undo it), profile, host and pid, start and\n"
          "end (UTC), duration, how many steps are done, failed and skipped,\n"
          "its checkpoints with the start of their digest, and its error. With\n"
          "--json, the same as one JSON object (docs/cli.md). The store is\n"
          "--state PATH, else .mig/state.db in this directory or the nearest\n"
          "one above it. Nothing is changed.\n"
          "\n"
          "With --watch it follows the run from another terminal, reading the\n"
          "store every 0.5 s: each stage with its steps done and failed, and\n"
          "for the running one its foreach items in flight and queued, their\n"
          "rate over the last 10 s and the ETA, and the 3 newest errors;\n"
          "redrawn in place on a terminal, a line per change otherwise\n"
          "(MIG_PROGRESS=live or plain forces one). It ends when the run ends.\n"
          "\n"
          "Exit status: 0 when the run was shown, whatever its state; 2 for a\n"
          "usage error or no such run; 8 when there is no state store or it\n"
          "cannot be read (damaged). With --watch, the status of the command\n"
          "that ended the run: 0 succeeded, 3 failed, 4 rolled back, 5\n"
          "rollback failed, 7 unverified, 9 interrupted." },
    { .name = "history", .run = cmd_history, .operands = "",
      .min_operands = 0, .max_operands = 0, .opts = history_opts,
      .summary = "list the runs of the state store, newest first",
      .help =
          "Prints one line per run of the state store, newest first: its id,\n"
          "state (as 'mig status' shows it), plan, start (UTC), duration and\n"
          "step counts, under a title line. --limit N shows the newest N only;\n"
          "--json prints a JSON array of the runs (docs/cli.md). The store is\n"
          "found as for 'mig status'.\n"
          "\n"
          "Exit status: 0 when the runs were listed (none is fine); 2 for a\n"
          "usage error; 8 when there is no state store or it cannot be read." },
    { .name = "log", .run = cmd_log, .operands = "RUN",
      .min_operands = 1, .max_operands = 1, .opts = log_opts,
      .summary = "print the events of a run in order",
      .help =
          "Prints the events of run RUN (a run id, or 'last') in the order they\n"
          "were recorded, one a line: the time (UTC, to the millisecond), the\n"
          "kind (docs/state.md lists them), the node and [item] when the event\n"
          "is about one, and the event's data as compact JSON. With --json,\n"
          "one JSON object per event, one a line, so the output can be read as\n"
          "it comes (docs/cli.md). The store is found as for 'mig status'.\n"
          "\n"
          "With --brief, what differs between two runs that did the same is left\n"
          "out, so that their logs can be compared: the times, the lock events\n"
          "(their pids and hosts), and the seed of run-start (with --json, the\n"
          "\"at\" and \"seq\" fields too).\n"
          "\n"
          "Exit status: 0 when the events were printed; 2 for a usage error or no\n"
          "such run; 8 when there is no state store or it cannot be read." },
    { .name = "report", .run = cmd_report, .operands = "RUN",
      .min_operands = 1, .max_operands = 1, .opts = report_opts,
      .summary = "report what became of each legacy file a run read",
      .help =
          "Prints the per-file outcome report of run RUN (a run id, or 'last'),\n"
          "for a change request: a header (plan, run, outcome, times, totals),\n"
          "then every input file its tools.scan and tools.read steps saw, by\n"
          "path, with its format and version, the records it gave, and its\n"
          "outcome: migrated, partial, rejected, skipped, failed (with the error\n"
          "class and message) or not-reached; then each record (kind and name)\n"
          "with its outcome: stored, kept, replaced, conflict, skipped, rejected,\n"
          "failed or not-reached, and why. At the end, for a rolled-back run,\n"
          "that the registry no longer holds those records and the rollback's\n"
          "verdict. Records are followed by their provenance through\n"
          "tools.normalize and registry.put, whatever the steps are called.\n"
          "Reasons longer than 240 bytes are cut, saying how much was left out.\n"
          "The text is Markdown; --json prints the versioned shape of\n"
          "docs/report.md. The store is found as for 'mig status'. Nothing is\n"
          "changed.\n"
          "\n"
          "Exit status: 0 when the report was printed, whatever the run's\n"
          "outcome (a run with no tools.* steps says so); 2 for a usage error or\n"
          "no such run; 8 when there is no state store or it cannot be read." },
    { .name = "export", .run = cmd_export, .operands = "FILE",
      .min_operands = 1, .max_operands = 1, .opts = export_opts,
      .summary = "write the execution graph as JSON, DOT, Mermaid or BPMN",
      .help =
          "Parses FILE, compiles its execution graph (as 'mig graph' does) and\n"
          "writes it in FORMAT: json, the mig-graph JSON that 'mig import' reads; dot,\n"
          "for Graphviz, stages as clusters, error and undo edges styled apart;\n"
          "mermaid, a flowchart for Markdown reviews; bpmn, BPMN 2.0 XML with its\n"
          "diagram, for BPMN modelers. docs/export.md shows each.\n"
          "\n"
          "Exit status: 0 when the plan is clean, 1 when it has errors, 2 for a\n"
          "usage error or a file that cannot be read or written; 8 when the\n"
          "state store of --run is missing or cannot be read." },
    { .name = "import", .run = cmd_import, .operands = "GRAPH.json",
      .min_operands = 1, .max_operands = 1, .opts = import_opts,
      .summary = "print the .mig plan a mig-graph JSON document describes",
      .help =
          "Reads GRAPH.json (\"-\" reads standard input), a mig-graph document as\n"
          "'mig export -f json' writes it and a visual designer saves it, and\n"
          "prints the plan it describes: the header, then each statement from\n"
          "its node's properties, in the blocks its groups make, formatted the\n"
          "one way (two-space indent, one statement a line, no comments).\n"
          "Labels, spans, layout, the stage order and the edges are derived:\n"
          "only their ids are checked. Every error names its JSON path\n"
          "(nodes[3].properties.action), and the plan is compiled before it is\n"
          "printed, so what is printed builds. docs/export.md has the format.\n"
          "\n"
          "Exit status: 0 when the plan was printed, 1 when the document has\n"
          "errors, 2 for a usage error or a file that cannot be read or written." },
    { .name = "adapt", .run = cmd_adapt,
      .operands = "diff OLD NEW | learn RUN",
      .min_operands = 2, .max_operands = 3, .opts = adapt_opts,
      .summary = "show how two interfaces of a tool differ, as a mapping",
      .help =
          "Compares OLD with NEW, two JSON or YAML files (.yaml, .yml) each\n"
          "holding a tool's parameter schema, a tool (MCP inputSchema,\n"
          "Anthropic input_schema, OpenAI parameters), a list of tools\n"
          "({tools: [...]} too) or an OpenAPI 3.x document (each operation a\n"
          "tool). Prints one line per change: renamed,\n"
          "removed, added-required, added-optional, type changed, enum\n"
          "values changed, moved into or out of nesting, split, merged, tool\n"
          "renamed, removed or added, tools merged behind a discriminator;\n"
          "each with its evidence and confidence, and '; needs a person'\n"
          "where mig will not decide. -o writes the mapping that\n"
          "adapt.params(map: ...) and adapt.translate apply, to review and\n"
          "edit. Exit status 0 when every change is applied automatically,\n"
          "10 when one needs a person, 1 when a file is not an interface.\n"
          "\n"
          "'learn RUN' (a run id, or 'last'; the store is found as for 'mig\n"
          "log') writes the repairs that run's adapt.params and\n"
          "adapt.remap_method made as the same mapping (-o MAPPING, else to\n"
          "stdout), for adapt.translate(map: ...) to apply up front next\n"
          "time. A parameter, value or tool two items repaired two ways is\n"
          "left out, said in the output. Exit status 0 when written, 10 when\n"
          "written with something left out, 6 when the run made no repairs\n"
          "(nothing written), 2 for no such run, 8 when the store cannot be\n"
          "read." },
    { .name = "help", .run = cmd_help, .operands = "[COMMAND | ACTION]",
      .min_operands = 0, .max_operands = 1, .opts = help_cmd_opts,
      .summary = "show help for mig, one of its commands or an action",
      .help = "Without COMMAND, lists the commands; with it, shows its usage.\n"
              "'mig help actions' lists every action and recovery handler\n"
              "(--json: as JSON), and 'mig help ACTION' shows one of them\n"
              "(mig help file.write). --man prints the man page mig(1)." },
    { .name = "completions", .run = cmd_completions, .operands = "SHELL",
      .min_operands = 1, .max_operands = 1, .opts = help_opts,
      .summary = "print shell completions for mig (bash, zsh or fish)",
      .help =
          "Prints the completion script of SHELL (bash, zsh or fish) for mig's\n"
          "commands, options and file arguments, written from the same table\n"
          "as this help. 'make install' installs all three; by hand:\n"
          "\n"
          "  mig completions bash > ~/.local/share/bash-completion/completions/mig\n"
          "  mig completions zsh > ~/.zfunc/_mig       (a folder in $fpath)\n"
          "  mig completions fish > ~/.config/fish/completions/mig.fish\n"
          "\n"
          "Exit status: 0, or 2 for a shell mig has no completions for." },
    { .name = "lsp", .run = cmd_lsp, .operands = "",
      .min_operands = 0, .max_operands = 0, .opts = help_opts,
      .summary = "serve the Language Server Protocol on stdin and stdout",
      .help =
          "Runs a language server for .mig plans over standard input and\n"
          "output (JSON-RPC with Content-Length framing), for editors:\n"
          "diagnostics as you type (the messages of 'mig check', the plan's\n"
          "Lua modules loaded), hover, completion, go to definition,\n"
          "references, document symbols, formatting as 'mig fmt' does it, and\n"
          "rename of a step or checkpoint (docs/lsp.md). Nothing but protocol\n"
          "messages is written to standard output.\n"
          "\n"
          "Exit status: 0 after the client's 'shutdown' then 'exit', 1 when\n"
          "input ended or 'exit' came without 'shutdown'." },
    { .name = "gen", .run = cmd_gen, .operands = "tools",
      .min_operands = 1, .max_operands = 1, .opts = gen_opts,
      .summary = "write a synthetic legacy inventory to rehearse a plan on",
      .help =
          "Writes N legacy tool records of KIND into DIR, as files in the real\n"
          "shapes of each format docs/legacy-formats.md lists (several tools a\n"
          "file where the format holds several; plugins as ai-plugin.json with\n"
          "its OpenAPI document; MCP servers with their tools; Synapse agents;\n"
          "RAG configurations; Semantic Kernel functions), so that a plan can be\n"
          "rehearsed at scale before the real run. The same seed writes the\n"
          "same bytes. --mismatches plants problems in a share of the files:\n"
          "malformed (cut short, merge-conflict markers), conflict (a name\n"
          "written before, with other content), names (names the normaliser\n"
          "fits) and quirks (schema spellings the normaliser fixes).\n"
          "DIR/.gen.tsv lists every file with the format tools.read gives it and\n"
          "its records (docs/gen.md). The files are written beside DIR and\n"
          "moved into place at the end: a failure leaves DIR as it was.\n"
          "\n"
          "Exit status: 0 when the files were written; 2 for a usage error (a\n"
          "kind, count or share out of bounds) or a file that cannot be\n"
          "written; 6 when DIR is not empty and --force was not given." },
    { .name = "serve", .run = cmd_serve, .operands = "",
      .min_operands = 0, .max_operands = 0, .opts = serve_opts,
      .summary = "serve a V2 registry and the runs' API over HTTP",
      .help =
          "Serves the registry PATH (--registry; as a plan's db names one),\n"
          "the HTTP API of the state store --state PATH, or both, over HTTP\n"
          "until SIGINT, SIGTERM or SIGHUP.\n"
          "\n"
          "The API (docs/api.md): GET /v1/runs, /v1/runs/{id} (as 'mig status\n"
          "--json'), /v1/runs/{id}/events (Server-Sent Events, following a\n"
          "running run), /v1/runs/{id}/checkpoints, POST\n"
          "/v1/runs/{id}/rollback and /v1/runs/{id}/resume (this mig's own\n"
          "rollback and resume, run in a child process), GET /v1/snapshots\n"
          "(as 'mig snapshot list --json'), POST /v1/snapshots,\n"
          "/v1/snapshots/prune and /v1/snapshots/{id}/restore (this mig's own\n"
          "snapshot create, prune and restore, in a child process), GET\n"
          "/v1/health ('mig doctor --json'; 503 when something needs\n"
          "attention) and GET /metrics (as 'mig metrics', and the server's own\n"
          "requests). Every request that changes something appends one entry\n"
          "to the audit trail of the state store (--state, else found as for\n"
          "'mig status', else .mig/state.db here), as its token's holder at\n"
          "the peer's address.\n"
          "\n"
          "The registry: GET, PUT and DELETE\n"
          "/v2/tools/{name}, GET /v2/tools?cursor=&limit= (pages of at most\n"
          "500), and the same under /v2/servers and /v2/backends, with ETags\n"
          "(the record's digest), If-Match and If-None-Match: *, and JSON\n"
          "error bodies (docs/registry-api.md). Every write is the registry\n"
          "actions' own: the record is validated (422 with each problem's\n"
          "JSON pointer), digested and stored as registry.put stores it, one\n"
          "request at a time. Prints one line, 'mig serve: listening on\n"
          "http://HOST:PORT', when it listens (port 0 picks a free port).\n"
          "\n"
          "It listens on loopback unless --listen says otherwise, and refuses\n"
          "to listen beyond loopback without --token-file. With a token, a\n"
          "request that changes something needs 'Authorization: Bearer\n"
          "TOKEN' (401 without, 403 with another); reads need none. Bodies\n"
          "of more than 1 MiB are refused (413); at most 64 connections are\n"
          "open at once, and one silent for 10 s is closed. On a signal it\n"
          "stops accepting, lets the requests in flight finish (30 s at\n"
          "most) and closes the registry.\n"
          "\n"
          "For rehearsals: --latency delays every answer; --fail-rate answers\n"
          "that share of requests with --fail-status and Retry-After:\n"
          "--retry-after, the same requests for the same --seed; --rate-limit\n"
          "N/s answers 429 with Retry-After past N requests a second.\n"
          "\n"
          "Exit status: 0 when stopped by a signal; 2 for a usage error, a\n"
          "registry that cannot be opened (damaged, another schema version,\n"
          "no folder to create it in), or an address it cannot listen on; 6\n"
          "when refused: beyond loopback without a token; 8 when the state\n"
          "store cannot be opened or made; 9 when requests still running 30 s\n"
          "after the signal were cut short." },
    { .name = "new", .run = cmd_new, .operands = "[DIR]",
      .min_operands = 0, .max_operands = 1, .opts = new_opts,
      .summary = "make a migration project from a template",
      .help =
          "Makes the folder DIR, a ready migration project from the template\n"
          "NAME: plan.mig (the workflow of workflows/, byte for byte), sample\n"
          "legacy files under legacy/ (mig's example data, with SOURCES.tsv\n"
          "saying where each comes from), a mig.yaml with the plan's own\n"
          "parameters and the profiles development, staging and production,\n"
          "a README.md saying how to run it, and a .gitignore for .mig/. The\n"
          "plan runs as it is on the samples. The templates are built into\n"
          "mig; --list shows them (docs/templates.md).\n"
          "\n"
          "DIR must not exist, or be an empty folder. The files are written\n"
          "into a new folder beside it (DIR.new-PID), renamed into place at\n"
          "the end: a failure leaves nothing behind.\n"
          "\n"
          "Exit status: 0 when the project was made (or listed); 2 for a\n"
          "usage error (no or an unknown template, no DIR, DIR is a file) or\n"
          "a file that cannot be written; 6 when DIR is a folder that is not\n"
          "empty (nothing is written)." },
    { .name = "drift", .run = cmd_drift, .operands = "PLAN",
      .min_operands = 1, .max_operands = 1, .opts = drift_opts,
      .summary = "list what changed in a registry since the last successful run",
      .help =
          "Compares every registry that PLAN's last successful run wrote with\n"
          "the state that run left: at the end of each successful run mig\n"
          "records each record's digest and keeps its content in the object\n"
          "store. Lists the records added, removed and changed since, by kind\n"
          "and name, a changed one with the fields that differ, by JSON\n"
          "pointer, old -> new (the times and digest the registry sets are\n"
          "left out). A failed or rolled-back run is never the baseline; with\n"
          "--profile NAME, the last successful run made with that profile is,\n"
          "else the last made without one. mig.yaml is read as for run: its\n"
          "profiles and its state folder. Embedded registries only (a SQLite\n"
          "file or a folder); remote registries are not compared yet.\n"
          "\n"
          "--fix writes a plan (to stdout, or with -o OUT to a file beside\n"
          "PLAN) that puts back every changed and removed record as the run\n"
          "left it and deletes every added one, after a checkpoint a failure\n"
          "rolls back to, naming a registry of mig.yaml registry(\"NAME\").\n"
          "It is never run by drift: review it, then 'mig run' it (with the\n"
          "--profile that maps the names). docs/drift.md describes the text\n"
          "and the JSON.\n"
          "\n"
          "Exit status: 0 when nothing drifted, 10 when something did (with\n"
          "--fix too), 1 when PLAN has errors or a registry cannot be read, 2\n"
          "for a usage error (an unknown profile), 6 when PLAN has no\n"
          "successful run to compare with, 8 when the state store cannot be\n"
          "used." },
    { .name = "audit", .run = cmd_audit,
      .operands = "keygen | verify | export", .min_operands = 1,
      .max_operands = 1, .opts = audit_opts,
      .summary = "keep and check the tamper-evident trail of what changed",
      .help =
          "Every command that changes state (run, resume, rollback) appends\n"
          "an entry to the audit trail in the state store: who (user, host,\n"
          "pid), what, when, the plan's digest and the outcome. Each entry\n"
          "holds the BLAKE2b hash of its contents and of the entry before it;\n"
          "with a signing key (--key for verify; $" AUDIT_KEY_ENV ", else\n"
          "~/.config/" AUDIT_KEY_DEFAULT ", for the commands that append) the\n"
          "newest entry is signed with Ed25519 (docs/audit.md).\n"
          "\n"
          "  keygen   writes a new key pair: FILE (mode 0600) and FILE.pub\n"
          "  verify   checks every entry and the signed head; names the first\n"
          "           entry modified, deleted, inserted or moved, and a tail\n"
          "           cut off behind the signed head\n"
          "  export   prints the entries, one a line (--json: JSON Lines)\n"
          "\n"
          "Exit status: 0 when done (verify: the trail is intact); 2 for a\n"
          "usage error or a key that cannot be used; 6 when keygen would\n"
          "overwrite a key; 8 when the state store cannot be read; 10 when\n"
          "verify found the trail tampered with." },
    { .name = "doctor", .run = cmd_doctor, .operands = "",
      .min_operands = 0, .max_operands = 0, .opts = doctor_opts,
      .summary = "check the health of a state store and what it needs",
      .help =
          "Checks the state store and prints one line per finding, each that\n"
          "needs attention with what to do (docs/doctor.md): SQLite's\n"
          "integrity check of the file; interrupted runs, with the commands\n"
          "that settle each; locks held, and whether their holders still run;\n"
          "the object store against the journal (before-images missing or\n"
          "damaged, and orphans with their size); the free disk space against\n"
          "what the largest rollback writes back; the registries the runs\n"
          "wrote, which must be there and open; and the plans of the runs,\n"
          "which must still be there and load with their Lua modules, and\n"
          "the mig.yaml each finds now, which must load and validate. --json\n"
          "prints the findings as one JSON object. Nothing is changed.\n"
          "\n"
          "Exit status: 0 when nothing needs attention; 2 for a usage error; 8\n"
          "when the state store cannot be opened; 10 when a finding needs\n"
          "attention." },
    { .name = "snapshot", .run = cmd_snapshot,
      .operands = "create [PLAN] | list | show SNAPSHOT | verify SNAPSHOT | "
                  "restore SNAPSHOT | prune",
      .min_operands = 1, .max_operands = 2, .opts = snapshot_opts,
      .summary = "take, verify, restore and prune full copies of a plan's "
                 "files",
      .help =
          "A snapshot is a full copy of every file, folder and symbolic link\n"
          "under a plan's write roots (its folder, its `writes` folders and\n"
          "mig.yaml's write_roots; the state store's folder left out), kept\n"
          "in the object store beside the state store, where the files share\n"
          "their bytes with the before-images of runs (docs/snapshots.md).\n"
          "\n"
          "  create [PLAN]     takes a snapshot of PLAN's write roots, or\n"
          "                    without PLAN of those the newest run\n"
          "                    recorded; refused while a run holds them\n"
          "  list, show SNAP   what is kept (SNAP: an id, or a name: the\n"
          "                    newest of that name)\n"
          "  verify SNAP       re-hashes every object and the manifest, and\n"
          "                    recomputes the digest; names what is missing\n"
          "                    or damaged\n"
          "  restore SNAP      makes the roots what the snapshot holds, as a\n"
          "                    run of its own (`mig rollback RUN` undoes it),\n"
          "                    then compares the digest; --dry-run lists the\n"
          "                    paths it would create, overwrite or delete\n"
          "  prune             forgets the snapshots older than --older-than\n"
          "                    AGE that are not among the --keep-last N\n"
          "                    newest (neither given: none), then removes\n"
          "                    every object nothing references (safe\n"
          "                    while runs go on)\n"
          "\n"
          "A plan takes one with the statement `snapshot NAME`.\n"
          "\n"
          "Exit status: 0 when done; 1 when PLAN has errors; 2 for a usage\n"
          "error or no such snapshot; 3 when a restore failed or its digest\n"
          "differs (`mig rollback RUN` undoes it); 6 when refused (a run\n"
          "holds the roots, the snapshot is damaged: nothing changed); 8 when\n"
          "the state store cannot be used; 10 when verify found a problem." },
    { .name = "config", .run = cmd_config,
      .operands = "show [PLAN] | diff RUN_A RUN_B",
      .min_operands = 1, .max_operands = 3, .opts = config_opts,
      .summary = "show the effective configuration, or what changed between "
                 "runs",
      .help =
          "'mig config show [PLAN]' reads the project configuration (mig.yaml\n"
          "in PLAN's folder or the nearest one above it, up to the folder that\n"
          "holds .git; without PLAN, from the current folder; --config FILE\n"
          "names it, --no-config reads none), checks it, and prints every\n"
          "setting as it applies with --profile NAME, each with where its value\n"
          "came from: FILE:LINE of mig.yaml, \"built-in\", PLAN:LINE of the\n"
          "plan (a parameter's default or its profile block) or \"--param\".\n"
          "The layers, each over the one before: built-in settings, mig.yaml's\n"
          "defaults, its profiles.NAME, the plan's own profile NAME block, then\n"
          "--param. Secret references are shown masked (secret:env:NAME),\n"
          "resolved only by 'mig run'. --json prints {file, settings: [{key, value,\n"
          "from}]} (docs/configuration.md).\n"
          "\n"
          "'mig config diff RUN_A RUN_B' compares the configurations two runs\n"
          "recorded (runs are ids or 'last'; the store as for 'mig status'),\n"
          "key by key: '+ KEY: VALUE' added, '- KEY: VALUE' removed, '~ KEY:\n"
          "OLD -> NEW' changed; --json prints [{key, change, old, new}].\n"
          "\n"
          "Exit status: 0 when shown, or for diff when the two are the same; 10\n"
          "when diff finds a difference; 1 when mig.yaml has errors; 2 for a\n"
          "usage error (an unknown profile or parameter, no such run); 8 when\n"
          "the state store cannot be read." },
    { .name = "metrics", .run = cmd_metrics, .operands = "",
      .min_operands = 0, .max_operands = 0, .opts = metrics_opts,
      .summary = "print the state store's metrics for Prometheus",
      .help =
          "Prints the metrics of the state store in the Prometheus text\n"
          "format 0.0.4 (docs/metrics.md): runs by state, steps by state and\n"
          "their attempts, retries by error class, recoveries by class and\n"
          "strategy, recovery decisions, breaker transitions and the states\n"
          "of the running runs' breakers, rollbacks and their durations, and\n"
          "what each running run writes about once a second: its foreach\n"
          "items in flight, its queue depth and its journal commit latency.\n"
          "The store is found as for 'mig status'; 'mig serve --state'\n"
          "answers the same at GET /metrics. Nothing is changed.\n"
          "\n"
          "Exit status: 0 when printed; 2 for a usage error; 8 when there is\n"
          "no state store or it cannot be read." },
    { .name = "stats", .run = cmd_stats, .operands = "",
      .min_operands = 0, .max_operands = 0, .opts = stats_opts,
      .summary = "figures over the history of runs, or one run's bottlenecks",
      .help =
          "Reads every run of the state store (found as for 'mig status';\n"
          "--since and --plan choose which) and prints: the share of records\n"
          "migrated by legacy format, by kind and by complexity band; the\n"
          "durations of stages and actions (p50, p95 and max, percentiles by\n"
          "nearest rank); retries by error class; recoveries by class and\n"
          "handler with the share that succeeded; rollbacks and whether they\n"
          "verified; and a row per run, oldest first (docs/analytics.md).\n"
          "\n"
          "--run RUN prints what bounded that run instead: its critical path\n"
          "(the chain of steps that set its wall time), time waiting in retries\n"
          "against time working, the concurrency each foreach reached against\n"
          "what it allowed, and the slowest actions and endpoints.\n"
          "\n"
          "--json prints the same as one JSON object; --html FILE writes one\n"
          "self-contained page with charts (with --run, of that run). Nothing\n"
          "is changed.\n"
          "\n"
          "Exit status: 0 when printed; 2 for a usage error (a bad --since, no\n"
          "such run) or a page that cannot be written; 8 when the state store\n"
          "cannot be read." },
    { .name = "advise", .run = cmd_advise, .operands = "PLAN",
      .min_operands = 1, .max_operands = 1, .opts = advise_opts,
      .summary = "suggest changes to a plan from the history of its runs",
      .help =
          "Reads the runs of PLAN in its state store and suggests changes,\n"
          "each with the figure it rests on (docs/analytics.md): a 'parallel'\n"
          "level for a foreach, from its calls answered 429 (lower) or its\n"
          "slow items that filled every slot without a 429 (higher); a retry\n"
          "for a transient error class that failed steps unretried, or no\n"
          "retry for a class whose retries hardly ever succeeded; recover\n"
          "handlers that rarely recover; the tools to migrate first because\n"
          "others depend on them; a checkpoint before the stage that failed\n"
          "most. Nothing is applied: the plan is only read.\n"
          "\n"
          "Exit status: 0 when the advice was printed (none included); 1 when\n"
          "PLAN has errors; 2 for a usage error or a file that cannot be read;\n"
          "8 when the state store is missing or cannot be read." },
    { .name = "analyze", .run = cmd_analyze, .operands = "[DIR]",
      .min_operands = 0, .max_operands = 1, .opts = analyze_opts,
      .summary = "predict which legacy tools will migrate clean, and how long",
      .help =
          "'mig analyze DIR' reads every legacy file under DIR as tools.scan\n"
          "and tools.read do and predicts, per tool and per file, the outcome\n"
          "class (clean: migrates clean; recovered: a recover handler fixes it;\n"
          "human: it fails, is refused or skipped) and the duration band (under\n"
          "100ms, 100ms to 1s, 1s to 10s, 10s or more), with the probability and\n"
          "the 3 features that drove it most (XGBoost's contributions). A file's\n"
          "class is the worst of its tools'. Nothing is changed.\n"
          "\n"
          "'mig analyze --train' reads the history of the state store (found as\n"
          "for 'mig status'): the features of every record a run's tools.read\n"
          "read, joined by provenance with its outcome, and trains gradient-\n"
          "boosted trees on them; with fewer than 50 labelled tools the model is\n"
          "the fallback, the majority class and band, and says so. The model is\n"
          "saved as analyze-model.json beside the store (--model PATH elsewhere),\n"
          "with the training data's digest, its date and row count.\n"
          "\n"
          "'mig analyze --evaluate' splits the history by run and by inventory\n"
          "(never by row) into up to 4 folds, predicts each with a model trained\n"
          "on the others, and prints the accuracy, the majority-class baseline,\n"
          "precision and recall per class, the confusion matrix and the first\n"
          "20 misses. docs/analytics.md lists the features and the JSON.\n"
          "\n"
          "Exit status: 0 when done; 2 for a usage error, a folder that cannot\n"
          "be listed, no model or a model of another mig, a history too small\n"
          "to evaluate (fewer than 2 inventories); 8 when the state store cannot\n"
          "be read." },
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

/* Says on stderr that there is no command NAME, with the closest one
 * ("did you mean 'check'?") when one is close. */
static void no_such_command(const char *name)
{
    eval_suggest_t s;
    eval_suggest_init(&s, name);
    for (const cli_cmd_t *c = cli_commands; c->name; c++)
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
    for (const cli_cmd_t *c = cli_commands; c->name; c++)
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
