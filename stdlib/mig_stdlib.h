/* mig_stdlib.h: the public face of mig's standard library: the built-in
 * actions (file.*, exec.*, log.*, test.*) and recovery strategies
 * (adapt.*), each a row of a table. docs/actions.md describes every row.
 * It sits on runtime.h: actions touch the world through action_ctx_t.
 * (Not stdlib.h, which would hide the C library's.) */
#ifndef MIG_STDLIB_H
#define MIG_STDLIB_H

#include "runtime.h"
#include "store.h"

/* Adds every table of the standard library to R. MIG_OK or MIG_ENOMEM. */
mig_status_t stdlib_register(action_registry_t *r);

struct lua_bridge;
/* The registry PLAN (parsed from SRC; a partial tree of a parse with
 * errors will do) is checked against:
 * a new *ACTIONS with the standard library's rows, then each Lua module's
 * functions (ALIAS.fn), the modules loaded into a new bridge *LUA with
 * DIR (the plan's directory, "" for the current one) as their base. A
 * `lua` item the checks will report is skipped: an alias loaded before
 * or taken by the standard library, a path with ${...}, a file that
 * cannot be read. What loading finds wrong (a Lua syntax error, ...) goes
 * to DIAGS. CFG (NULL: none) is the project configuration: its lua_path
 * folders are where modules may load from besides DIR, and its lua_grants
 * give a module more libraries. Returns MIG_OK, MIG_EINVALID or
 * MIG_ENOMEM; the caller frees *ACTIONS (first) and *LUA
 * (lua_bridge_free) whatever it returns. */
mig_status_t stdlib_plan_modules(const ast_plan_t *plan, src_t *src,
                                 const char *dir, const config_t *cfg,
                                 diag_list_t *diags,
                                 action_registry_t **actions,
                                 struct lua_bridge **lua);
/* What `mig check` checks of PLAN (parsed from SRC without errors) in
 * folder DIR with the project configuration CFG (NULL: none), every
 * finding to DIAGS: CFG's parameters against the plan's
 * (params_check_config), the plan's modules (stdlib_plan_modules, into
 * *ACTIONS and *LUA, freed by the caller whatever this returns), then
 * check_plan_with FLAGS and CFG's write roots. `mig check` and `mig lsp`
 * both check through here. MIG_OK, MIG_EINVALID or MIG_ENOMEM. */
mig_status_t stdlib_check_plan(const ast_plan_t *plan, src_t *src,
                               const char *dir, const config_t *cfg,
                               unsigned flags, diag_list_t *diags,
                               action_registry_t **actions,
                               struct lua_bridge **lua);

/* ---- interface diffs (adapt_diff_tools.c) ------------------------------ */

/* The change from the interface OLD to NEW (docs/recovery.md, "Interface
 * diffs"): each a parameter schema, a tool (MCP inputSchema, Anthropic
 * input_schema, OpenAI parameters or function.parameters), a list of
 * tools or {tools: [...]}. *OUT gets a new map {changes: [{kind, tool?,
 * from?, to?, evidence?, confidence?, applied, note?}, ...], mapping:
 * {map: {...}} for two schemas or {tools: {OLD: {to, set?, map}}}}.
 * MIG_OK, MIG_ENOMEM, or MIG_EINVALID with WHY (an interface of no known
 * shape, more than 256 tools or properties). Pure. */
mig_status_t adapt_diff(const val_t *old, const val_t *new, val_t **out,
                        strbuf_t *why);

/* ---- learning from a run (adapt_learn.c) ------------------------------ */

/* The mapping that the repairs a run's strategies kept give
 * (docs/recovery.md, "Learning from a run"). EVENTS: the run's `adapted`
 * events, each {item, data: {handler, changes, repairs?}} (others are
 * ignored), taken in the order of their items (2 before 10, then as
 * given). *OUT gets a new map {mapping, kept, left_out, defaults}:
 * MAPPING in the shape `mig adapt diff` writes ({map: MAP} when no
 * repair named a tool, else {tools: {OLD: {to: NEW, map: MAP}}}), KEPT
 * how many repairs it holds, LEFT_OUT texts saying what was left out and
 * why (a parameter, a value or a tool repaired two ways by two items;
 * repairs of calls that name no tool beside ones that do), DEFAULTS how
 * many defaults were filled (not kept: the schema fills them again).
 * MIG_OK or MIG_ENOMEM. Pure. */
mig_status_t adapt_learn(const val_t *events, val_t **out);

/* ---- the per-file outcome report of a run (tools_report.c) ------------ */

/* The version of the report's JSON shape (docs/report.md); it grows when
 * a field changes meaning or goes, not when one is added. */
#define TOOLS_REPORT_VERSION 1
/* A reason or an error message longer than this many bytes is cut in
 * its middle, saying how many bytes were left out (strbuf_put_clipped). */
#define TOOLS_REPORT_REASON_MAX 240

/* The per-file outcome report of run RUN of S (docs/report.md, "The
 * JSON shape", all but "report" and "run", which the caller adds), built
 * from the journal alone: the files its tools.scan and tools.read steps
 * saw, the records each gave, and what its tools.normalize and
 * registry.put steps did with them, matched by the records' provenance,
 * never by step names. *OUT gets a new map {steps, files, totals,
 * unattributed, rollback}: files sorted by path. S is only read. Returns
 * MIG_OK, MIG_ENOMEM, or the store's error (its message in
 * store_diags). */
mig_status_t tools_report_build(store_t *s, int64_t run, val_t **out);
/* The same, each record also with `item` (the item of the last
 * tools.normalize or registry.put step that handled it) and
 * `duration_ms` (those steps' time, retries included), when a step
 * handled it: what the analytics' labels need (docs/analytics.md), not
 * part of `mig report`'s shape. */
mig_status_t tools_report_build_steps(store_t *s, int64_t run, val_t **out);

/* ---- synthetic legacy inventories (tools/gen*.c; docs/gen.md) ---------- */

/* The most records one generation writes, and the most a file holds. */
#define GEN_MAX_COUNT 1000000
#define GEN_MAX_PER_FILE 1000

/* The problems a generation can plant (docs/gen.md, "Mismatches"). */
#define GEN_MISMATCHES(X)                                                    \
    X(MALFORMED, "malformed")   /* JSON cut short, merge-conflict markers */ \
    X(CONFLICT, "conflict")     /* a name written before, other content */   \
    X(NAMES, "names")           /* names the normaliser must fit */          \
    X(QUIRKS, "quirks")         /* schema spellings the normaliser fixes */
typedef enum gen_mismatch {
    GEN_MIS_NONE = -1,
#define GEN_MIS_ENUM(id, name) GEN_MIS_##id,
    GEN_MISMATCHES(GEN_MIS_ENUM)
#undef GEN_MIS_ENUM
    GEN_MIS_COUNT
} gen_mismatch_t;

typedef struct gen_opts {
    const char *kind;       /* openai, mcp, plugin, synapse, rag, sk, mixed */
    uint64_t count;         /* records in all: 1 .. GEN_MAX_COUNT */
    uint64_t seed;
    size_t per_file;        /* most records a file holds (0: each family's
                               own; 1 .. GEN_MAX_PER_FILE) */
    double share[GEN_MIS_COUNT];  /* the share of files (0 .. 1) with each */
} gen_opts_t;

typedef struct gen_summary {
    uint64_t files;                 /* files written */
    uint64_t records;               /* records in them (O->count) */
    uint64_t by_kind[8];            /* records per family, in the order of
                                       gen_kinds() */
    uint64_t mismatched[GEN_MIS_COUNT];   /* files with each mismatch */
} gen_summary_t;

/* Receives each file: PATH relative to the output folder ("a/b.json"),
 * its bytes. Returns MIG_OK, or a status that stops the generation. */
typedef mig_status_t (*gen_emit_fn)(void *data, const char *path,
                                    const char *bytes, size_t len);

/* The kinds gen_tools knows, ended by NULL ("mixed" last). */
const char *const *gen_kinds(void);
/* The name of mismatch M ("malformed"). */
const char *gen_mismatch_name(gen_mismatch_t m);
/* Reads SPEC, "KIND:SHARE,KIND:SHARE" (a share from 0 to 1; KIND alone
 * means 0.1), into O->share (gen_tools checks that they add up to 1 at
 * most). MIG_EINVALID with the reason in DIAGS. */
mig_status_t gen_parse_mismatches(const char *spec, gen_opts_t *o,
                                  diag_list_t *diags);
/* Writes the inventory O describes through EMIT: the legacy files, then
 * .gen.tsv (path, format, records, mismatch: one line per file, what
 * tools.read gives for it). The same O gives the same bytes. MIG_EINVALID
 * (a kind, a count or a per-file number out of bounds: the reason in
 * DIAGS, nothing emitted), MIG_ENOMEM, or what EMIT returned. */
mig_status_t gen_tools(const gen_opts_t *o, gen_emit_fn emit, void *data,
                       gen_summary_t *sum, diag_list_t *diags);

/* ---- the V2 registry over HTTP (registry/registry_api.c) -------------- */

/* A page of GET /v2/KINDS lists this many records unless ?limit= says
 * otherwise, and at most REGISTRY_API_LIMIT_MAX (docs/registry-api.md). */
#define REGISTRY_API_LIMIT_DEFAULT 50
#define REGISTRY_API_LIMIT_MAX 500

struct serve;
typedef struct registry_api registry_api_t;

/* The registry's routes over DB (a registry path as a plan's db names
 * it, relative to the current directory), which the registry actions
 * serve: its records read, put, replaced and deleted by the actions'
 * own code (validation, digests, conflicts), one request at a time.
 * FULL syncs every write as `mig run --durability full` does. DB is
 * opened once to check it (a damaged registry, one of another schema
 * version, or a place where none can be created: MIG_EINVALID with the
 * registry's reason in DIAGS); nothing is written. MIG_ENOMEM. */
mig_status_t registry_api_new(const char *db, bool full, diag_list_t *diags,
                              registry_api_t **out);
/* Adds the routes (GET, PUT, DELETE /v2/tools/{name}, GET /v2/tools;
 * the same for servers and backends) to S. MIG_OK or MIG_ENOMEM. */
mig_status_t registry_api_routes(registry_api_t *api, struct serve *s);
/* Frees API; the server must be stopped first. */
void registry_api_free(registry_api_t *api);

/* ---- project templates (templates.c; docs/templates.md) ---------------- */

/* The templates of `mig new`, I from 0 to template_count() - 1: each
 * one's name and a line saying what it migrates (NULL past the last). */
size_t template_count(void);
const char *template_name(size_t i);
const char *template_summary(size_t i);
/* Writes the files of the project PROJECT (its name, for README.md)
 * from the template NAME through EMIT: plan.mig (the workflow, byte for
 * byte), its sample legacy files under legacy/, SOURCES.tsv (where they
 * come from), mig.yaml (its params the plan's own), README.md and
 * .gitignore. MIG_EINVALID (no such template: said in DIAGS, nothing
 * emitted), MIG_ENOMEM, or what EMIT returned. */
mig_status_t template_write(const char *name, const char *project,
                            gen_emit_fn emit, void *data, diag_list_t *diags);

/* ---- drift (registry/registry_drift*.c; docs/drift.md) ----------------- */

/* How the records NOW differ from THEN, both lists of {kind, name,
 * digest} maps (any order): a new list *OUT, by kind then name, of
 * {change, kind, name, then, now} maps: change "added" (in NOW only: no
 * then), "removed" (in THEN only: no now) or "changed" (the digests
 * differ); then and now are the digests. MIG_OK or MIG_ENOMEM. */
mig_status_t registry_drift_compare(const val_t *then, const val_t *now,
                                    val_t **out);
/* How registry DB (as the plan wrote it, read through C, whose base is
 * the plan's folder) differs from BASELINE, a list of {kind, name,
 * digest} maps (the store's baseline of the run; each digest names the
 * record's content, read with store_baseline_content from S and BLOBS;
 * S NULL: from BLOBS alone): a new map *OUT {db, records_then, records_now, changes}, the
 * changes those of registry_drift_compare, a changed one with `fields`
 * (and `fields_more`) as registry_diff gives them, and with
 * WITH_RECORDS each removed or changed one with `record`, the record as
 * the baseline kept it (without digest, created and updated, which a
 * registry.put sets). Changes nothing. Fails through C (InvalidConfig:
 * the registry or a kept object cannot be read) or MIG_ENOMEM. */
mig_status_t registry_drift(action_ctx_t *c, store_t *s, blobs_t *blobs,
                            const char *db, const val_t *baseline,
                            bool with_records, val_t **out);
/* Appends to OUT the plan that undoes DRIFTS (a list of registry_drift
 * results made WITH_RECORDS) of run RUN of the plan PLAN: a checkpoint,
 * then per change a registry.delete of the record there (added or
 * changed) and a registry.put of the kept one (removed or changed), and a rollback to
 * the checkpoint on failure. A db that NAMES (a map from db to a
 * registry name of mig.yaml; NULL: none) has is written
 * registry("NAME"); PROFILE (NULL: none), the mig.yaml profile that
 * gives those names their targets, is named in the comment on how to
 * run it. MIG_OK or MIG_ENOMEM. */
mig_status_t registry_drift_fix(const val_t *drifts, const char *plan,
                                int64_t run, const val_t *names,
                                const char *profile, strbuf_t *out);

/* ---- mig.yaml's remote registry tokens (registry/registry_remote.c) ---- */

/* A run's fill_args (runtime.h; docs/configuration.md, "registries"):
 * a registry action's call whose db is a remote registry's URL and that
 * gives no token of its own gets the one TOKENS (a config_tokens_t, as
 * config_registry_tokens makes it; NULL: none) has for that URL (less
 * trailing slashes), resolved now if it was not yet: *ARGS is replaced
 * by a copy with it, so that the journal keeps its recipe as for a
 * token the plan gives. MIG_OK; MIG_EINVALID when it cannot be resolved
 * (config_tokens_get: its place in mig.yaml and why, in WHY);
 * MIG_ENOMEM. */
mig_status_t stdlib_registry_fill(void *tokens, const action_t *row,
                                  val_t **args, strbuf_t *why);

/* The time each notifier of an alert has to finish (ms). */
#define ALERT_NOTIFY_MS 10000
/* Delivers PAYLOAD, the JSON of an alert's firing, to CFG's notifiers
 * (runtime.h, alert_notify_fn; docs/alerts.md): notify.command with it
 * on its standard input (exit 0 within ALERT_NOTIFY_MS), then
 * notify.webhook by a POST (a 2xx answer within ALERT_NOTIFY_MS). False,
 * with the reason of each that failed in WHY, when one failed. */
bool alert_notify(const config_alerts_t *cfg, const char *payload,
                  strbuf_t *why);

#endif
