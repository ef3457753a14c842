/* cli.h: what the subcommand files share: the command table's row, the
 * option parser that reads it, exit codes, and the diagnostic renderer.
 * Only cli/ prints; the layers below report into a diag_list_t. */
#ifndef MIG_CLI_H
#define MIG_CLI_H

#include <stdio.h>

#include "grammar.h"
#include "interpreter.h"
#include "mig_stdlib.h"
#include "lua_bridge.h"
#include "store.h"

/* Exit codes: the one table every command uses (docs/cli.md, "Exit
 * status"). A command returns the code of what happened; none invents its
 * own number. */
enum {
    EXIT_CLEAN = 0,           /* the command did what was asked */
    EXIT_INVALID = 1,         /* a plan, document or configuration has errors */
    EXIT_USAGE = 2,           /* bad command line, or an input file unreadable */
    EXIT_RUN_FAILED = 3,      /* a run failed; nothing was rolled back */
    EXIT_ROLLED_BACK = 4,     /* failed, rolled back, verified to match */
    EXIT_ROLLBACK_FAILED = 5, /* an undo failed, or resources differ */
    EXIT_REFUSED = 6,         /* locked, changed plan, irreversible, changed
                                 resource, no such checkpoint ... */
    EXIT_UNVERIFIED = 7,      /* rolled back, but some steps not verifiable */
    EXIT_STORE = 8,           /* the state store cannot be used: missing,
                                 damaged, replaced, disk full, busy */
    EXIT_INTERRUPTED = 9,     /* stopped by a signal; resume or roll back */
    EXIT_ATTENTION = 10,      /* a check found something (drift, doctor) */
};

#define CLI_MAX_OPTS 16

typedef struct cli_opt {
    const char *name;       /* long name, without "--" */
    char short_name;        /* 0 for none */
    const char *arg;        /* NULL for a flag, else the argument's name */
    const char *help;
    bool repeat;            /* every use is kept (cli_values), not the last */
} cli_opt_t;

/* An option given twice keeps the last value (cli_value), unless its row
 * says .repeat: then every value is also kept, in the order given, in
 * REPEATED (pointers into argv, no allocation): option I's values are
 * REPEATED[FIRST[I]] .. REPEATED[FIRST[I] + COUNT[I] - 1]. A repeatable
 * flag keeps "" for each use, so the count says how often it was given.
 * More than CLI_MAX_REPEATED uses in all is a usage error. */
#define CLI_MAX_REPEATED 256

typedef struct cli_args {
    const char *values[CLI_MAX_OPTS];   /* per option: NULL, "" for a flag */
    char **operands;
    int n_operands;
    const char *repeated[CLI_MAX_REPEATED];
    size_t first[CLI_MAX_OPTS], count[CLI_MAX_OPTS];
} cli_args_t;

typedef struct cli_cmd cli_cmd_t;
struct cli_cmd {
    const char *name;
    int (*run)(const cli_cmd_t *cmd, const cli_args_t *args);
    const char *operands;   /* usage words after the options, e.g. "FILE..." */
    int min_operands, max_operands;     /* max -1: no limit */
    const char *summary;    /* one line for `mig help` */
    const char *help;       /* paragraphs for `mig help CMD` */
    const cli_opt_t *opts;  /* ended by a row with name NULL */
};

/* The table of every subcommand, in groups of rows, one file each, every
 * group ended by a row with name NULL: commands_plan.c, commands_run.c,
 * commands_inspect.c, commands_tools.c, commands_ops.c, and main.c's own
 * (version). main.c lists the groups in order; help, `mig help CMD`, the
 * completions and the man page all walk them through cli_command_next. */
extern const cli_cmd_t cli_plan_commands[], cli_run_commands[],
    cli_inspect_commands[], cli_tool_commands[], cli_ops_commands[];
/* The command after C in the table (the first for NULL), over every
 * group in order; NULL after the last. */
const cli_cmd_t *cli_command_next(const cli_cmd_t *c);
/* Walks every command C of the table in order. */
#define CLI_EACH_COMMAND(c)                                                   \
    for (const cli_cmd_t *c = cli_command_next(NULL); c;                     \
         c = cli_command_next(c))
/* The options of a command that takes none but --help (main.c). */
extern const cli_opt_t cli_help_opts[];

/* Parses ARGV (ARGV[0] is the subcommand) against CMD's options. Returns
 * -1 when the command should run, else the exit code to return at once
 * (after printing help, or a usage error). */
int cli_parse(const cli_cmd_t *cmd, int argc, char **argv, cli_args_t *out);
/* Index of option NAME in CMD's table; the name must be there. */
int cli_opt_index(const cli_cmd_t *cmd, const char *name);
static inline const char *cli_value(const cli_cmd_t *cmd, const cli_args_t *a,
                                    const char *name)
{
    return a->values[cli_opt_index(cmd, name)];
}
/* Every value of the repeatable option NAME (its row has .repeat), in
 * the order given: *OUT gets an array of them, the count is returned
 * (0: not given). The array lives in A and the strings in the ARGV given
 * to cli_parse; nothing is to be freed. */
size_t cli_values(const cli_cmd_t *cmd, const cli_args_t *a, const char *name,
                  const char *const **out);
void cli_print_help(const cli_cmd_t *cmd, FILE *out);
/* Prints every action and recovery handler of cli_actions() with its
 * arguments, effect and doc (`mig help actions`); returns an exit code. */
int cli_print_actions(FILE *out);
/* The same as a JSON array, one object per row: name, kind ("action" or
 * "handler"), effect (null for a handler), doc, and args (each: name,
 * types, required, default as JSON text or null, doc). */
int cli_print_actions_json(FILE *out);
/* Prints action or handler NAME as `mig help actions` shows it; when there
 * is none, says so on stderr with the closest name. Returns an exit code. */
int cli_print_action(FILE *out, const char *name);

/* Prints the fields in which a registry record differs, a line each at
 * INDENT: the `fields` (and `fields_more`) of change C as registry_diff
 * gives them ("changed /description: OLD -> NEW"); `mig plan`, `mig
 * drift`. */
void cli_print_fields(const val_t *c, int indent);

/* Renders every diagnostic in L to stderr the one way mig shows them:
 * file:line:col, the source line, a caret under the span, the hint. */
void cli_render_diags(const diag_list_t *l);
/* From now on cli_render_diags appends each diagnostic to LIST (a list
 * value) as {severity, file, line, col, end_line, end_col, message, hint}
 * instead of printing it; NULL goes back to printing. */
void cli_render_json(val_t *list);
/* S as a string value for JSON output: a byte that is not part of valid
 * UTF-8 (a file name's, say) becomes '?'. NULL when out of memory. */
val_t *cli_json_text(const char *s);

/* A plan as the commands read it. Everything is NULL until loaded. */
typedef struct cli_plan {
    src_t *src;
    arena_t *arena;         /* owns the AST */
    ast_plan_t *plan;
    graph_t *graph;         /* only when asked for */
    /* With CLI_LOAD_CHECK: the plan's Lua modules, loaded in LUA, and the
     * registry the plan is checked against: the standard library's
     * actions and the modules' functions (NAME.fn rows). */
    lua_bridge_t *lua;
    action_registry_t *actions;
    /* With CLI_LOAD_CHECK: the project configuration of the plan
     * (cli_config_use; config_builtin() when there is none). */
    config_t *config;
} cli_plan_t;

/* What cli_load_plan does past parsing. */
enum {
    CLI_LOAD_CHECK = 1u << 0,   /* the static checks (check_plan) */
    CLI_LOAD_STRICT = 1u << 1,  /* ... with CHECK_STRICT */
    CLI_LOAD_GRAPH = 1u << 2,   /* compile the execution graph */
};

/* Loads PATH ("-": standard input), parses it and does what FLAGS ask
 * (the checks load the plan's Lua modules first, with the bridge's
 * default limits, so that calls of their functions are checked);
 * renders every diagnostic to stderr. Returns EXIT_CLEAN, EXIT_INVALID
 * (the plan has errors) or EXIT_USAGE (unreadable, or out of memory: said
 * on stderr). Free P with cli_plan_free whatever it returned. */
int cli_load_plan(const char *path, unsigned flags, cli_plan_t *p);
void cli_plan_free(cli_plan_t *p);

/* The registry of every action mig knows (the standard library's), made
 * on first use; NULL (said on stderr) when out of memory. */
const action_registry_t *cli_actions(void);

/* The directory of PATH, for the paths a plan names ("" for the
 * current), in a new string; NULL when out of memory. */
char *cli_dir_of(const char *path);
/* The plan folder of PATH as an absolute path (the folder of its
 * realpath, with a final '/'), which the paths a plan's actions give are
 * joined to, the same in a run, its preview, resume and rollback,
 * whatever the current folder; cli_dir_of's answer when PATH cannot be
 * resolved. A new string, or NULL when out of memory. */
char *cli_plan_dir(const char *path);

/* Writes B to PATH in one step (PATH.tmpPID renamed over it), so a failed
 * write never leaves half a file (cmd_export.c). EXIT_CLEAN, or EXIT_USAGE
 * with the reason said on stderr. */
int cli_write_out(const char *path, const strbuf_t *b);

/* A folder written in one step (outdir.c; `mig gen`, `mig new`): the
 * files go into DIR.WHAT-PID beside DIR, which is renamed into place at
 * the end, so a failure leaves DIR as it was. */
typedef struct cli_outdir {
    char dir[4096];         /* DIR without its trailing slashes */
    strbuf_t path;          /* the folder being filled, then "/FILE" */
    size_t root_len;        /* its length before "/FILE" */
    bool exists, made;      /* DIR was there; the new folder is */
    char error[512];        /* why a write failed */
} cli_outdir_t;

/* Checks DIR for command CMD ("mig gen"): a file there is EXIT_USAGE; a
 * folder that is not empty, unless FORCE, EXIT_REFUSED ("nothing
 * written", then HINT); then makes the new folder beside it. Says why
 * on stderr; EXIT_CLEAN when the files may be written. cli_outdir_end
 * whatever it returned. */
int cli_outdir_begin(cli_outdir_t *o, const char *cmd, const char *dir,
                     const char *what, bool force, const char *hint);
/* A gen_emit_fn: writes PATH (relative, its folders made) into the
 * cli_outdir_t DATA; MIG_EIO with the reason in its error. */
mig_status_t cli_outdir_write(void *data, const char *path, const char *bytes,
                              size_t len);
/* Puts the new folder in DIR's place (what DIR held is removed). Returns
 * EXIT_CLEAN, or EXIT_USAGE said on stderr. */
int cli_outdir_commit(cli_outdir_t *o, const char *cmd);
/* Removes the new folder unless it was committed, and frees O. */
void cli_outdir_end(cli_outdir_t *o);

/* Opens the state store for CMD, whose table must have a "state" option:
 * --state PATH when given, else .mig/state.db in the current directory or
 * the nearest parent that has one (with STORE_CREATE and none found,
 * .mig/state.db here). FLAGS go to store_open. Returns EXIT_CLEAN with
 * *OUT set, or EXIT_STORE with the reason in DIAGS ("no state store
 * here", a file that is not a store, a damaged one ...) for the caller to
 * render (EXIT_USAGE when out of memory). */
int cli_open_store(const cli_cmd_t *cmd, const cli_args_t *a, unsigned flags,
                   store_t **out, diag_list_t *diags);
/* The path cli_open_store would open, found the same way, in a new
 * string *PATH (for the commands that hand the path to the runtime).
 * Returns like cli_open_store. */
int cli_state_path(const cli_cmd_t *cmd, const cli_args_t *a, unsigned flags,
                   char **path, diag_list_t *diags);
/* The exit code of a state store call (or of run_plan, rollback_run)
 * that returned ST: EXIT_CLEAN, EXIT_STORE for MIG_EIO (the store cannot
 * be used), else EXIT_USAGE. */
int cli_store_exit(mig_status_t st);
/* The state store of the commands that take a PLAN (drift, advise): CMD's
 * --state PATH when given, else state.db in STATE_DIR (mig.yaml's `state`
 * folder, NULL: none), else .mig/state.db in PLAN's folder, into OUT
 * (initialised here; its oom says when out of memory). */
void cli_state_beside(const cli_cmd_t *cmd, const cli_args_t *a,
                      const char *plan, const char *state_dir, strbuf_t *out);
/* Reads the RUN operand TEXT: a run id ("3") or "last", the newest run.
 * Returns EXIT_CLEAN with *ID set to a run that exists in S, EXIT_USAGE
 * (no such run, none yet) or EXIT_STORE (S cannot be read) with the
 * reason in DIAGS (S's own messages moved there). */
int cli_run_id(store_t *s, const char *text, int64_t *id, diag_list_t *diags);
/* Opens the store of CMD read-only (cli_open_store) and reads the RUN
 * operand TEXT in it (cli_run_id): what the commands that read one run
 * begin with. Returns like them; *S is set (or NULL) either way, for
 * cli_finish_store. */
int cli_open_run(const cli_cmd_t *cmd, const cli_args_t *a, const char *text,
                 store_t **s, int64_t *id, diag_list_t *diags);

/* What the commands that read a run share (cmd_status.c). */
/* MS (Unix milliseconds) as UTC ISO-8601: "2024-05-01T12:00:00Z", or with
 * WITH_MS "2024-05-01T12:00:00.250Z". */
void cli_iso_time(int64_t ms, bool with_ms, char buf[40]);
/* Appends a duration for a person: exact below a minute (1s250ms), whole
 * seconds above (3m10s). */
void cli_put_duration(strbuf_t *b, int64_t ms);
/* The JSON object of docs/cli.md (`mig status --json`) for run R of S,
 * whose state is LIVE; with FULL also its parameters, options and
 * checkpoints (status), else not (history, report). NULL with *ST set on
 * failure. */
val_t *cli_run_value(store_t *s, const store_run_t *r,
                     store_run_state_t live, bool full, mig_status_t *st);
/* The JSON object of event EV (`mig log --json`, the API's events):
 * {seq, at, kind, node, item, data}, DATA (borrowed; NULL: null) as its
 * data; BRIEF leaves out seq and at. NULL when out of memory. */
val_t *cli_event_value(const store_event_rec_t *ev, val_t *data, bool brief);
/* `mig status --watch` (cmd_watch.c): follows run ID of S until it
 * ends, printing as it goes; returns the exit status of the command that
 * ended it (EXIT_CLEAN for succeeded, EXIT_RUN_FAILED ...), or
 * EXIT_STORE when S cannot be read. */
int cli_status_watch(store_t *s, int64_t id);
/* The checkpoints RUN of S passed, in order, as `mig status --json` has
 * them: [{name, node, item, seq, digest, at}]. NULL with *ST set on
 * failure. */
val_t *cli_checkpoints_value(store_t *s, int64_t run, mig_status_t *st);
/* Prints V as JSON and a newline (PRETTY or one line). MIG_OK or
 * MIG_ENOMEM (nothing printed). */
mig_status_t cli_print_json(const val_t *v, bool pretty);
/* What every command that reads a store ends with: stdout flushed, S's
 * diagnostics moved to DIAGS and rendered, S closed (NULL ok), the exit
 * code RC returned (EXIT_USAGE instead of EXIT_CLEAN when DIAGS ran out
 * of memory). */
int cli_finish_store(store_t *s, diag_list_t *diags, int rc);
/* cli_finish_store with the exit code of store status ST
 * (cli_store_exit), "out of memory" said for MIG_ENOMEM. */
int cli_finish_status(store_t *s, diag_list_t *diags, mig_status_t st);

/* What a run shows (report.c; docs/cli.md, "What a run prints"). */
typedef enum cli_report_mode {
    REPORT_PLAIN,   /* a line per event worth reading: for pipes and files */
    REPORT_LIVE,    /* a terminal: a progress line per stage, redrawn */
    REPORT_QUIET,   /* --quiet: nothing on stdout; a failure on stderr */
    REPORT_JSON,    /* --json: one summary object at the end */
} cli_report_mode_t;

typedef struct cli_report cli_report_t;

/* The mode for --quiet and --json: else live when stdout is a terminal
 * (TERM not "dumb"), plain when not; MIG_PROGRESS=live or plain forces
 * one (tests drive the live line through it). */
cli_report_mode_t cli_report_mode(bool quiet, bool json);
/* A report on the run of G (NULL: labels are node ids); VERBOSE adds a
 * line per step of every item. NULL when out of memory. */
cli_report_t *cli_report_new(const graph_t *g, cli_report_mode_t mode,
                             bool verbose);
void cli_report_free(cli_report_t *r);
/* The run_event_fn and run_items_fn to give the runtime, with the report
 * as their data. */
void cli_report_event(void *data, const char *kind, const char *node,
                      const char *item, const val_t *detail);
void cli_report_items(void *data, const char *node, const char *item,
                      const val_t *items);
/* The label of node ID ("put = file.write"), or the id. */
const char *cli_report_label(const cli_report_t *r, const char *id);
/* Appends " [VALUE]" for item ITEM of node NODE: the item's value when the
 * run told it (a file name: "[legacy/a.json]"), else its key ("[2]");
 * nothing for NULL or "". */
void cli_report_item(const cli_report_t *r, const char *node, const char *item,
                     strbuf_t *b);
/* Prints, for a rollback's dry run, the steps of UNV (its report's
 * "unverified" list) that could not be verified afterwards, and why. */
void cli_report_unverified(const cli_report_t *r, const val_t *unv);
/* Ends the report of run ID of command CMD ("run", "resume"), which WHAT
 * ("ended", "resumed") with RES and exit code CODE: the summary (lines or
 * JSON), and for a run that failed, its first error on stderr. */
void cli_report_end(cli_report_t *r, const char *cmd, int64_t id,
                    const char *what, run_result_t res, int code);

/* Reads S, a whole number from LO to HI (digits only), into *OUT; false
 * (OUT untouched) when it is not one. */
bool cli_parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* Reads an age: a whole number and a unit, s, m, h or d ("90m", "30d";
 * --since of audit export, --older-than of snapshot prune), into *MS;
 * false when it is not one. */
bool cli_parse_age(const char *s, int64_t *ms);
/* Reads a seed (--seed of run, gen and serve): a whole number from 0 to
 * 2^53 - 1 (it is recorded as a number of the state store's JSON). */
bool cli_parse_seed(const char *s, uint64_t *out);
/* The project configuration (cmd_config.c; docs/configuration.md). */
/* The options every command that reads mig.yaml has: --config FILE and
 * --no-config. */
#define CLI_CONFIG_OPTS                                                        \
    { .name = "config", .arg = "FILE",                                       \
      .help = "the project configuration (default: mig.yaml in the plan's " \
              "folder or above)" },                                          \
    { .name = "no-config",                                                   \
      .help = "read no mig.yaml: every setting built in" },
/* Says which mig.yaml the next cli_load_plan calls read: CMD's --config
 * FILE, none with --no-config, else the one found from each plan's
 * folder (config_find). EXIT_CLEAN, or EXIT_USAGE when both are given. */
int cli_config_use(const cli_cmd_t *cmd, const cli_args_t *a);
/* The configuration of the plan at PLAN_PATH (NULL: the current folder),
 * as cli_config_use said, read and checked: EXIT_CLEAN with *OUT set
 * (config_builtin() when there is none), EXIT_INVALID (errors in DIAGS),
 * EXIT_USAGE (unreadable, or out of memory). */
int cli_config_load(const char *plan_path, diag_list_t *diags,
                    config_t **out);
/* EFF (a list from config_effective) with its params rows replaced by the
 * plan's parameters P, each {key: "params.NAME", value, from:
 * params_where}: what `mig config show PLAN` prints and a run records. A
 * new list; NULL when out of memory. */
val_t *cli_config_with_params(const val_t *eff, const params_t *p);

/* The subcommands. */
int cmd_check(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_graph(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_fmt(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_plan(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_export(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_import(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_adapt(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_run(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_resume(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_rollback(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_status(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_history(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_log(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_report(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_help(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_version(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_completions(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_lsp(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_gen(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_serve(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_drift(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_new(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_audit(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_doctor(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_metrics(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_analyze(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_snapshot(const cli_cmd_t *cmd, const cli_args_t *args);

/* The audit trail of the commands that change state (cmd_audit.c;
 * docs/audit.md). cli_audit_key finds this process's signing key before
 * the command CMD starts: EXIT_CLEAN with *KEY set (NULL: none), or
 * EXIT_USAGE with the reason said (a key named that cannot be used).
 * cli_audit_record appends the entry of ACTION about RUN (0: none) that
 * ended with exit code CODE, with DETAIL (a map, borrowed; NULL: none),
 * to the store at STATE_PATH; a store that was never made gets none (the
 * command changed nothing), and a failure is a warning on stderr. */
struct audit_key;
/* A command that `mig serve` runs for a request appends no entry of its
 * own: the server appends the request's one entry, with the command's
 * action and outcome. The server sets this variable to its pid in the
 * child's environment; it counts only in a process whose parent has that
 * pid (so it is not inherited further). */
#define CLI_AUDIT_PARENT_ENV "MIG_AUDIT_PARENT"
int cli_audit_key(const char *cmd, struct audit_key **key);
void cli_audit_record(const char *state_path, const struct audit_key *key,
                      const char *action, int64_t run, int code,
                      val_t *detail);
/* What exit code CODE says in an audit entry's outcome ("succeeded",
 * "refused" ...; "unknown" for a code of no row). */
const char *cli_outcome_name(int code);

/* The HTTP API on `mig serve --state` (serve_api.c, serve_events.c;
 * docs/api.md): its routes over the state store STATE (a path), the
 * commands that change something run as this mig's own rollback and
 * resume in a child process. */
struct serve;
typedef struct cli_api cli_api_t;
/* NULL when out of memory. */
cli_api_t *cli_api_new(const char *state);
void cli_api_free(cli_api_t *api);
/* Adds the API's routes to S. MIG_OK or MIG_ENOMEM. */
mig_status_t cli_api_routes(cli_api_t *api, struct serve *s);
/* The state store's path. */
const char *cli_api_state(const cli_api_t *api);
/* A Server-Sent Events stream of the events of RUN in STATE, after
 * event AFTER, following the run while it runs (serve_events.c): the
 * producer and its data (free with cli_events_free). NULL when out of
 * memory. */
typedef struct cli_events cli_events_t;
cli_events_t *cli_events_new(const char *state, int64_t run, int64_t after);
bool cli_events_next(void *data, strbuf_t *out);
void cli_events_free(void *data);
/* The snapshots of S, oldest first, each the JSON object `mig snapshot
 * list --json` prints (docs/snapshots.md; cmd_snapshot.c), into *OUT:
 * MIG_OK, MIG_ENOMEM or the store's failure. */
mig_status_t cli_snapshots_value(store_t *s, val_t **out);

int cmd_config(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_stats(const cli_cmd_t *cmd, const cli_args_t *args);
int cmd_advise(const cli_cmd_t *cmd, const cli_args_t *args);

/* Aligned tables (table.c; mig stats, mig advise). A column shows the
 * value at KEY of each row: TEXT as it is (control characters as
 * spaces), INT, SHARE (0.8 as 80.0%), MS (a duration: 1s250ms) or TIME
 * (Unix ms as UTC ISO-8601); null or missing as "-". Numbers align
 * right, text left. */
typedef enum cli_col_kind {
    CLI_COL_TEXT, CLI_COL_INT, CLI_COL_SHARE, CLI_COL_MS, CLI_COL_TIME,
} cli_col_kind_t;
typedef struct cli_col {
    const char *title, *key;
    cli_col_kind_t kind;
} cli_col_t;
#define CLI_MAX_COLS 16
/* Appends ROWS (a list of maps) to B as a table of the N_COLS (at most
 * CLI_MAX_COLS) columns COLS under a line of their titles, each line
 * indented by INDENT spaces. Out of memory sets B's oom. */
void cli_put_table(strbuf_t *b, const val_t *rows, const cli_col_t *cols,
                   size_t n_cols, int indent);
/* The value at KEY of M (borrowed; NULL when M is no map or has none),
 * and the integer there (0 when none). */
const val_t *cli_at(const val_t *m, const char *key);
int64_t cli_int_at(const val_t *m, const char *key);
/* Prints B to stdout and frees it: MIG_OK, or MIG_ENOMEM (nothing
 * printed) when B ran out of memory. */
mig_status_t cli_print_buf(strbuf_t *b);
/* The plan a run recorded, read again quietly for `mig stats --run`
 * (cmd_stats_run.c): G is NULL when it cannot be (gone, or no longer
 * compiles). PARAMS and OPTIONS are borrowed from the run. */
typedef struct stats_plan {
    src_t *src;
    arena_t *arena;
    ast_plan_t *plan;
    graph_t *g;
    uint32_t *stages, n_stages;     /* stage entry nodes */
    bool *reach;                    /* [i * n + j]: stage j after stage i */
    const val_t *params, *options;
} stats_plan_t;
void stats_plan_load(stats_plan_t *p, const store_run_t *r);
/* Works out which stage comes after which in P->G (a graph P loaded, or
 * one the caller keeps: stats_plan_free frees G only when P loaded it). */
void stats_plan_index(stats_plan_t *p);
void stats_plan_free(stats_plan_t *p);
/* An analytics_after_fn and an analytics_limit_fn over a stats_plan_t
 * with a graph: stage B after stage A, directly or not; a foreach's
 * bound as written (a number, or a parameter's value as the run
 * recorded it; no `parallel`: 1), under mig.yaml's concurrency. */
bool stats_plan_after(void *data, const char *a, const char *b);
int64_t stats_plan_limit(void *data, const char *node);
/* Appends the text of analytics_run's answer V; PLAN_READ false says
 * the plan could not be read. */
void stats_put_run(strbuf_t *b, const val_t *v, bool plan_read);

/* Reads a time given on the command line (--since of audit export and
 * stats): an ISO-8601 UTC date or time (2026-12-07 or
 * 2026-12-07T10:00:00Z) or an age (90m, 12h, 30d). *MS gets Unix ms;
 * false when TEXT is neither. */
bool cli_parse_since(const char *text, int64_t *ms);

/* Prints the man page mig(1) in roff, from the command table (`mig help
 * --man`, cmd_completions.c). */
void cli_print_man(FILE *out);

#endif
