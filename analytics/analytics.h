/* analytics.h: the public face of mig's analytics layer: what the history
 * of runs says and predicts. It sits on the standard library (the legacy
 * readers, the per-file report) and the state store, below cli/, which
 * prints what it builds. docs/analytics.md describes it. */
#ifndef MIG_ANALYTICS_H
#define MIG_ANALYTICS_H

#include "mig_stdlib.h"
#include "store.h"

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
