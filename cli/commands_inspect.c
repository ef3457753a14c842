/* commands_inspect.c: the command table's rows (cli.h, cli_command_next)
 * of the commands that read the runs in the state store: status, history,
 * log and report, with their options. */
#include "cli.h"

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

const cli_cmd_t cli_inspect_commands[] = {
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
    { 0 },
};
