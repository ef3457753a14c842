/* commands_ops.c: the command table's rows (cli.h, cli_command_next) of
 * the commands that operate a project's store and settings: drift, audit,
 * doctor, snapshot, config, metrics, stats, advise and analyze, with their
 * options. */
#include "audit.h"
#include "cli.h"

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

const cli_cmd_t cli_ops_commands[] = {
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
    { 0 },
};
