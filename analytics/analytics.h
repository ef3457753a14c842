/* analytics.h: what the journal says about the runs, turned into answers
 * (docs/analytics.md): statistics over the history (`mig stats`), the
 * bottlenecks of one run (`mig stats --run`), the HTML report,
 * recommendations for a plan (`mig advise`), and the prediction of what
 * becomes of legacy tools before they are migrated (`mig analyze`). The
 * layer sits on the standard library (the legacy readers, the per-file
 * report) and the state store, below cli/; it never prints: it gives
 * values the CLI prints as text or JSON. Prefixes: analytics_, analyze_. */
#ifndef MIG_ANALYTICS_H
#define MIG_ANALYTICS_H

#include "mig_stdlib.h"
#include "store.h"

/* ---- complexity bands (band.c) ------------------------------------------ */

/* What a record's band is computed from: its input schema (`parameters`
 * of a tools.read record, else `inputSchema` of a V2 descriptor, else
 * none) measured as docs/analytics.md, "Complexity band", says. */
typedef struct analytics_band_features {
    int64_t params;     /* keys of the schema's top-level "properties" */
    int64_t depth;      /* levels of "properties"/"items" nesting */
    int64_t refs;       /* "$ref" keys anywhere in the schema */
    int64_t enums;      /* "enum" keys anywhere in the schema */
    int64_t points;     /* params + 2 * (depth - 1, at least 0) + 3 * refs
                           + enums */
} analytics_band_features_t;

#define ANALYTICS_BANDS(X)                                                    \
    X(LOW, "low")                                                            \
    X(MEDIUM, "medium")                                                      \
    X(HIGH, "high")

typedef enum analytics_band {
#define ANALYTICS_BAND_ENUM(e, s) ANALYTICS_BAND_##e,
    ANALYTICS_BANDS(ANALYTICS_BAND_ENUM)
#undef ANALYTICS_BAND_ENUM
    ANALYTICS_BAND_COUNT
} analytics_band_t;

/* The bounds: a record of up to ANALYTICS_BAND_LOW_MAX points is low, up
 * to ANALYTICS_BAND_MEDIUM_MAX medium, above that high. */
#define ANALYTICS_BAND_LOW_MAX 4
#define ANALYTICS_BAND_MEDIUM_MAX 12

/* The band of RECORD (a record of tools.read, or a V2 descriptor: a map;
 * anything else is low with no features), its features into *F when F is
 * not NULL. Pure; a schema nested deeper than the value model allows is
 * measured as far as it goes. */
analytics_band_t analytics_band(const val_t *record,
                                analytics_band_features_t *f);
const char *analytics_band_name(analytics_band_t b);

/* ---- figures (stats_num.c) ----------------------------------------------- */

/* The P-th percentile (0 < P <= 100) of the N values V by nearest rank:
 * the value at rank ceil(P / 100 * N) of V sorted ascending (rank 1 is
 * the smallest). V is sorted in place. N must be at least 1. */
int64_t analytics_percentile(int64_t *v, size_t n, unsigned p);

/* ---- statistics over the history (stats_hist.c) ------------------------- */

/* The version of the JSON shape of `mig stats --json` (docs/analytics.md):
 * it grows when a field changes meaning or goes, not when one is added. */
#define ANALYTICS_STATS_VERSION 1

/* Which runs count: those started at or after SINCE_MS (0: all) of the
 * plan PLAN (NULL: every plan), which matches a run's plan name or its
 * plan path (absolute). */
typedef struct analytics_filter {
    int64_t since_ms;
    const char *plan;
} analytics_filter_t;

/* The statistics of the runs of S that F lets through, oldest first, into
 * *OUT: a new map of the shape of docs/analytics.md ("The JSON shape",
 * all but "stats" and "filter", which the caller adds). S is only read.
 * MIG_OK, MIG_ENOMEM, or the store's error (its message in
 * store_diags). */
mig_status_t analytics_stats(store_t *s, const analytics_filter_t *f,
                             val_t **out);

/* ---- one run's bottlenecks (critical.c, stats_run.c) ------------------- */

/* A step as the critical path sees it: where it ran (NODE, ITEM as the
 * steps table has them), when (Unix ms), and its STAGE (the first part
 * of NODE). Borrowed strings. */
typedef struct analytics_span {
    const char *node, *item;
    int64_t start_ms, end_ms;
} analytics_span_t;

/* Whether a step of stage B may wait for one of stage A (A == B, or B is
 * after A, directly or not): the plan's `after`. NULL: every stage may
 * wait for any other. */
typedef bool (*analytics_after_fn)(void *data, const char *a, const char *b);

/* The critical path through the N spans SP (in the order the steps were
 * first recorded): the span that ended last, then, going back, the span
 * that bounded each one's start: of the spans it may depend on (the same
 * item, an item around it, or one inside it, in a stage AFTER allows),
 * the one that ended last at or before it started. *PATH gets a new
 * array of *LEN span indexes, first to last. MIG_OK, or MIG_ENOMEM; N 0
 * gives an empty path. Pure. */
mig_status_t analytics_critical_path(const analytics_span_t *sp, size_t n,
                                     analytics_after_fn after, void *data,
                                     size_t **path, size_t *len);

/* Whether the foreach of node NODE allows LIMIT items at once; -1 when
 * not known (the plan is gone, or its bound is an expression). */
typedef int64_t (*analytics_limit_fn)(void *data, const char *node);

/* The most steps the answer of analytics_run lists under "spans" (the
 * longest), for the page's flame graph. */
#define ANALYTICS_SPANS_MAX 2000

/* What bounded run RUN of S (docs/analytics.md, "One run"): its critical
 * path, time in retry waits against time working, the concurrency each
 * foreach reached against what it allowed (LIMIT, NULL: not known), the
 * slowest actions and endpoints, the journal's commit time. AFTER and
 * LIMIT (with DATA) come from the plan when it can be read. *OUT gets a
 * new map. MIG_OK, MIG_ENOMEM, MIG_EINVALID (no such run), or the
 * store's error. */
mig_status_t analytics_run(store_t *s, int64_t run, analytics_after_fn after,
                           analytics_limit_fn limit, void *data, val_t **out);

/* ---- the HTML report (html.c) -------------------------------------------- */

/* Whether this mig was built with its charting library (npm was there
 * at build time); without it analytics_html fails. */
bool analytics_html_available(void);
/* Appends to OUT one self-contained HTML page (docs/analytics.md, "The
 * HTML report"): STATS (analytics_stats's map with "filter", or NULL)
 * drawn as charts, and RUN (analytics_run's map, or NULL) as a flame
 * graph and charts. The page holds its data as JSON (every '<', '>' and
 * '&' escaped, so no text of the data can end its script), Chart.js and
 * its own script and style: nothing is fetched when it is viewed.
 * MIG_OK; MIG_EINVALID when built without charts; MIG_ENOMEM (OUT's
 * oom). */
mig_status_t analytics_html(const val_t *stats, const val_t *run,
                            strbuf_t *out);

/* ---- recommendations (advise.c, advise_facts.c) ------------------------ */

/* The thresholds of the rules of `mig advise` (docs/analytics.md,
 * "mig advise"). */
/* parallel down: at least this share, in percent, of a foreach's calls
 * answered 429 (and at least one); the level suggested is half the
 * concurrency reached, at least 1. */
#define ANALYTICS_ADVISE_429_PCT 1
/* parallel up: no 429, the bound reached, items taking at least this
 * long (p50); the level suggested is twice the bound, at most
 * ANALYTICS_ADVISE_PARALLEL_MAX. */
#define ANALYTICS_ADVISE_SLOW_MS 100
#define ANALYTICS_ADVISE_PARALLEL_MAX 256
/* retry: a class that failed steps at least this often with no retry
 * gets one (when it is a Transient); retries of a class that succeeded
 * in less than ANALYTICS_ADVISE_RETRY_LOW_PCT percent of at least
 * ANALYTICS_ADVISE_MIN_EVIDENCE sequences are better dropped; a
 * recovery handler that succeeds in less than that share of at least
 * that many recoveries is named. */
#define ANALYTICS_ADVISE_MIN_EVIDENCE 3
#define ANALYTICS_ADVISE_RETRY_LOW_PCT 20
/* migrate first: at most this many tools, those with dependents. */
#define ANALYTICS_ADVISE_FIRST_MAX 5

/* The figures the rules rest on, gathered from the runs of the plan at
 * PLAN_PATH (absolute, as runs record it) in S: a new map {runs,
 * foreach: [{node, runs, items, item_p50_ms, calls, status_429,
 * reached, allowed}], classes: [{class, transient, failures, retried,
 * retried_ok}], recoveries (as analytics_stats gives them), stages:
 * [{stage, runs, failed, checkpoint}], dependencies: [{tool,
 * dependents}], missing_dependency}. G (NULL: not known) is the plan's
 * graph, for its checkpoints and its error classes; AFTER, LIMIT and
 * DATA as for analytics_run. MIG_OK, MIG_ENOMEM, or the store's
 * error. */
mig_status_t analytics_advise_facts(store_t *s, const char *plan_path,
                                    const graph_t *g, analytics_after_fn after,
                                    analytics_limit_fn limit, void *data,
                                    val_t **out);
/* The suggestions FACTS (the map above) support, into *OUT: a new list
 * of {rule, target, suggestion, evidence, figures}, in the order of the
 * rules (parallel, retry, recover, first, checkpoint). Pure; nothing is
 * applied. MIG_OK or MIG_ENOMEM. */
mig_status_t analytics_advise(const val_t *facts, val_t **out);

/* ---- complexity prediction (features*.c, analyze*.c, model*.c,
 * evaluate*.c; docs/analytics.md, "Prediction") ------------------------- */

/* The features of a tool, each a number (NAN: missing). A CAT feature is
 * a word (the format, the auth kind); the model codes it by its index in
 * the words it was trained on. FILE features are the same for every
 * record of a file. docs/analytics.md lists them with these words. */
#define ANALYZE_FEATURES(X)                                                   \
    X(FORMAT, "format", CAT, "the format tools.read found (openai.tools, synapse, ...)") \
    X(FAMILY, "family", CAT, "the format's family: the word before its first '.'") \
    X(VERSION, "version", NUM, "the format's version, its leading number (2 for 2.x)") \
    X(FILE_RECORDS, "file_records", NUM, "records the file gave (tools, servers, backends)") \
    X(FILE_ERRORS, "file_errors", NUM, "problems of severity error the reader reported") \
    X(FILE_WARNINGS, "file_warnings", NUM, "problems of severity warning the reader reported") \
    X(KIND, "kind", CAT, "the record's kind: tool, server or rag") \
    X(PARAMS, "params", NUM, "parameters: the top-level properties of its input schema") \
    X(REQUIRED, "required", NUM, "names in the input schema's top-level required list") \
    X(SCHEMA_DEPTH, "schema_depth", NUM, "levels of properties and items nested in the input schema") \
    X(SCHEMA_WIDTH, "schema_width", NUM, "the most properties of one object of the input schema") \
    X(REFS, "refs", NUM, "$ref keys anywhere in the record") \
    X(ENUMS, "enums", NUM, "enum keys in the input schema") \
    X(DIALECT, "dialect", NUM, "schema spellings outside JSON Schema: type names such as str or Integer, required: true in a property, nullable") \
    X(NAME_LENGTH, "name_length", NUM, "bytes of the record's name as found") \
    X(NAME_SEPARATORS, "name_separators", NUM, "spaces, dots and slashes in the name") \
    X(NAME_UPPER, "name_upper", NUM, "upper-case letters in the name") \
    X(NAME_FITS, "name_fits", NUM, "1 when the name fits the V2 rule ^[a-zA-Z0-9_-]{1,64}$ as it is, else 0") \
    X(DESCRIPTION, "description_length", NUM, "bytes of the description (0: none)") \
    X(AUTH, "auth", CAT, "the auth kind as found: its type or scheme (missing: none)") \
    X(DEPENDENCIES, "dependencies", NUM, "entries of the record's dependencies") \
    X(CONFIG_KEYS, "config_keys", NUM, "top-level keys of the record's config") \
    X(PLACEHOLDERS, "placeholders", NUM, "${...} and {{ }} placeholders (RAG backends)") \
    X(EXTRA_KEYS, "extra_keys", NUM, "source fields with no place in the record (its extra)") \
    X(POSITION, "position", NUM, "the record's place among its file's records (tools, servers, backends), 0 the first") \
    X(NAME_BEFORE, "name_before", NUM, "records of files before this one in the inventory (in path order) with the same name")

typedef enum analyze_feature {
#define ANALYZE_FEATURE_ENUM(id, name, type, doc) ANALYZE_F_##id,
    ANALYZE_FEATURES(ANALYZE_FEATURE_ENUM)
#undef ANALYZE_FEATURE_ENUM
    ANALYZE_N_FEATURES
} analyze_feature_t;

/* The outcome classes (docs/analytics.md, "Labels"). */
#define ANALYZE_CLASSES(X)                                                    \
    X(CLEAN, "clean", "migrates clean")                                      \
    X(RECOVERED, "recovered", "recovered automatically")                     \
    X(HUMAN, "human", "needs a human")

typedef enum analyze_class {
    ANALYZE_NONE = -1,      /* no label: the run never stored or refused it */
#define ANALYZE_CLASS_ENUM(id, name, text) ANALYZE_##id,
    ANALYZE_CLASSES(ANALYZE_CLASS_ENUM)
#undef ANALYZE_CLASS_ENUM
    ANALYZE_N_CLASSES
} analyze_class_t;

/* The duration bands: the time of the steps that handled a record
 * (tools.normalize, registry.put), retries and waits included, below
 * each bound in milliseconds (the last has none). */
#define ANALYZE_BANDS(X)                                                      \
    X(FAST, "under 100ms", 100)                                              \
    X(SECOND, "100ms to 1s", 1000)                                           \
    X(SLOW, "1s to 10s", 10000)                                              \
    X(LONG, "10s or more", INT64_MAX)

enum {
#define ANALYZE_BAND_ENUM(id, name, bound) ANALYZE_BAND_##id,
    ANALYZE_BANDS(ANALYZE_BAND_ENUM)
#undef ANALYZE_BAND_ENUM
    ANALYZE_N_BANDS
};

/* Training needs this many labelled rows; with fewer, --train keeps the
 * majority class and band of what there is (the fallback). */
#define ANALYZE_MIN_ROWS 50
/* --evaluate splits the groups of runs and inventories into at most
 * this many folds. */
#define ANALYZE_FOLDS 4
/* A prediction names at most this many reasons. */
#define ANALYZE_REASONS 3

const char *analyze_feature_name(analyze_feature_t f);
bool analyze_feature_is_cat(analyze_feature_t f);
const char *analyze_feature_doc(analyze_feature_t f);
const char *analyze_class_name(int cls);
const char *analyze_class_text(int cls);
const char *analyze_band_name(int band);
/* The band of a duration of MS milliseconds. */
int analyze_band_of(int64_t ms);

/* One row: a record of a legacy file (or the file itself when it gave
 * none), its features, and, from history, its label. */
typedef struct analyze_row {
    char *file;             /* the provenance's file, as the plan read it */
    char *place;            /* "#POINTER", "line N", or NULL: the file */
    char *kind, *name;      /* the record's, or NULL */
    double x[ANALYZE_N_FEATURES];       /* NAN: missing; CAT: unused */
    char *word[ANALYZE_N_FEATURES];     /* CAT features' words, or NULL */
    int cls, band;          /* the label, ANALYZE_NONE when there is none */
    int64_t run, duration_ms;
    char *group;            /* "PLANDIR\tINVENTORY": what the split keeps
                               together (history rows only) */
} analyze_row_t;

typedef struct analyze_rows {
    analyze_row_t *v;
    size_t n, cap;
    size_t runs;            /* runs the rows come from (history) */
} analyze_rows_t;

void analyze_rows_free(analyze_rows_t *rows);

/* Appends to ROWS one row per record of READ, a tools.read result (a
 * record of tools, servers and backends in that order), or one row for
 * the file when it gave none; features only, labels ANALYZE_NONE. Pure.
 * MIG_OK or MIG_ENOMEM. */
mig_status_t analyze_features(const val_t *read, analyze_rows_t *rows);
/* Sets the features that depend on the rest of the inventory
 * (name_before) of rows FROM .. ROWS->n - 1, one inventory read in path
 * order. MIG_OK or MIG_ENOMEM. */
mig_status_t analyze_inventory(analyze_rows_t *rows, size_t from);
/* Reads every legacy file under DIR (as tools.scan and tools.read do,
 * recursively, dot files left out) into ROWS with analyze_features and
 * analyze_inventory.
 * MIG_EINVALID with the reason in DIAGS (DIR cannot be listed),
 * MIG_ENOMEM. Changes nothing. */
mig_status_t analyze_scan(const char *dir, analyze_rows_t *rows,
                          diag_list_t *diags);
/* Appends to ROWS the labelled rows of every ended run of S
 * (docs/analytics.md, "Labels"): the features of each record a
 * tools.read step of the run read, as journaled, joined by provenance
 * with what became of it (tools_report_build) and the recover events of
 * its items. Records the run never stored or refused are left out. S is
 * only read. MIG_OK, MIG_ENOMEM, or the store's error (in store_diags). */
mig_status_t analyze_history(store_t *s, analyze_rows_t *rows);

/* A trained model (or the fallback). */
typedef struct analyze_model analyze_model_t;

/* Trains on the labelled rows of ROWS (ANALYZE_NONE left out): XGBoost
 * gradient-boosted trees for the class and for the band, or with fewer
 * than ANALYZE_MIN_ROWS the fallback (the majority class and band). NOW
 * (Unix ms) dates it. MIG_OK, MIG_ENOMEM, or MIG_EINVALID with XGBoost's
 * message in DIAGS. */
mig_status_t analyze_train(const analyze_rows_t *rows, int64_t now,
                           analyze_model_t **out, diag_list_t *diags);
void analyze_model_free(analyze_model_t *m);
/* The model as one JSON document (docs/analytics.md, "The model file"),
 * and back. Load: MIG_EINVALID with the reason in DIAGS (not a model
 * file of this version, a model XGBoost refuses), MIG_ENOMEM. */
mig_status_t analyze_model_to_json(const analyze_model_t *m, strbuf_t *out);
mig_status_t analyze_model_from_json(const char *text, size_t len,
                                     const char *name, analyze_model_t **out,
                                     diag_list_t *diags);
/* What the model is: a new map {kind ("xgboost" or "fallback"), trained
 * (ISO-8601 UTC), rows, runs, digest, classes (labelled rows per class),
 * majority}. NULL when out of memory. */
val_t *analyze_model_info(const analyze_model_t *m);

/* Predicts every row of ROWS: a new list *OUT, one map per row {file,
 * place, kind, name, class, probability, band, reasons: [{feature,
 * value, contribution}]} (reasons: XGBoost's contributions to the
 * predicted class, the largest first, at most ANALYZE_REASONS; the
 * fallback's reason is {feature: "fallback", value: "majority class of N
 * rows"}). MIG_OK, MIG_ENOMEM, MIG_EINVALID (XGBoost's error in DIAGS). */
mig_status_t analyze_predict(const analyze_model_t *m,
                             const analyze_rows_t *rows, val_t **out,
                             diag_list_t *diags);
/* The predictions of analyze_predict grouped by file, sorted by path: a
 * new list of {path, format, class, band, tools: [...]}: a file's class
 * is the worst of its records' (human over recovered over clean), its
 * band the longest. MIG_OK or MIG_ENOMEM. */
mig_status_t analyze_by_file(const analyze_rows_t *rows, const val_t *preds,
                             val_t **out);

/* The fold (0 .. *K - 1) of each row of ROWS, in FOLD (ROWS->n entries):
 * rows that share a run or a group (an inventory) are in one fold, so no
 * inventory and no run is on both sides of a split; the groups so joined
 * are sorted by name and dealt to min(ANALYZE_FOLDS, groups) folds in
 * turn. *K gets the number of folds (under 2: nothing to evaluate).
 * MIG_OK or MIG_ENOMEM. */
mig_status_t analyze_split(const analyze_rows_t *rows, int *fold, int *k);
/* Evaluates by the folds of analyze_split: each fold predicted by a model
 * trained on the others. A new map *OUT {rows, folds, groups, accuracy,
 * baseline {class, accuracy}, classes: [{class, precision, recall,
 * support}], confusion: {labels, matrix (actual x predicted)}, band
 * {accuracy, baseline}, inventories: [{inventory, rows, accuracy}] (by
 * name: the plan's folder and the folder read), misses: [{file, place,
 * name, actual, predicted}] (at most 20)}. MIG_EINVALID when the rows make fewer than 2 folds (the
 * reason in DIAGS). */
mig_status_t analyze_evaluate(const analyze_rows_t *rows, val_t **out,
                              diag_list_t *diags);

#endif
