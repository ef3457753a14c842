/* commands_run.c: the command table's rows (cli.h, cli_command_next) of
 * the commands that run a plan, take a run up again or undo it: run,
 * resume and rollback, with their options. */
#include "cli.h"

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
    { .name = "verbose", .short_name = 'v',
      .help = "print a line per undone item of a loop, too" },
    { .name = "json", .short_name = 'j',
      .help = "print the rollback's report as JSON" },
    CLI_CONFIG_OPTS
    { .name = "help", .short_name = 'h', .help = "show this help" },
    { 0 },
};

const cli_cmd_t cli_run_commands[] = {
    { .name = "run", .run = cmd_run, .operands = "FILE",
      .min_operands = 1, .max_operands = 1, .opts = run_opts,
      .summary = "run a plan, journaled, with rollback on failure",
      .help =
          "Checks FILE like 'mig check', resolves its parameters like 'mig plan',\n"
          "and runs it: stages in dependency order, foreach items up to their\n"
          "parallel bound (each after the items its 'after' names), retries,\n"
          "recover handlers and hooks. Every change is journaled in the state\n"
          "store before it is made, with what undoes it (docs/state.md);\n"
          "checkpoints record the managed files' digest. A second run on the\n"
          "same directory is refused while the first holds its lock.\n"
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
          "and changes nothing. The undone items of a loop are counted, a line\n"
          "per step every 10,000 items and at the end, not printed one by one\n"
          "(--verbose prints each; --json and 'mig log' list every record). A\n"
          "rollback that is interrupted is finished by running it again. A\n"
          "command (or an undo's command) in flight is stopped, then settled by\n"
          "its check: or --settle SEQ=done|not-run: one that never began is not\n"
          "undone.\n"
          "\n"
          "Exit status: 0 when every resource matches the checkpoint and every\n"
          "step was verified; 2 for a usage error; 5 when an undo failed or\n"
          "resources differ; 6 when refused (an irreversible step, or a\n"
          "resource changed since, without --force; a lock held by another\n"
          "run or process; a command in flight that cannot be settled); 7 when\n"
          "some undone steps could not be verified; 8 when the state store\n"
          "cannot be used or failed during the rollback, 9 when a signal\n"
          "stopped it between two undos (run it again to finish)." },
    { 0 },
};
