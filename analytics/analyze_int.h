/* analyze_int.h: what the prediction's files share inside analytics/:
 * small readers of values, the rows' storage, and the model's insides
 * (model.c trains and predicts, model_file.c saves and loads). */
#ifndef MIG_ANALYZE_INT_H
#define MIG_ANALYZE_INT_H

#include <math.h>

#include "stats_int.h"   /* an_get, an_str */

/* Sets KEY of map M to V, taking it; false when V is NULL (out of
 * memory) or the set fails (an_put's form that answers, for code that
 * stops at the first failure). */
bool an_set(val_t *m, const char *key, val_t *v);

/* Where a record is in its file, from M, its provenance or a report
 * record (both have pointer and line): "#POINTER", else "line N"; a new
 * string, or NULL when M says neither (or, with *OK false, when out of
 * memory). */
char *an_place(const val_t *m, bool *ok);

/* A new row at the end of ROWS, every feature missing and no label; NULL
 * when out of memory. */
analyze_row_t *an_row_add(analyze_rows_t *rows);
/* Copies row FROM into a new row of ROWS (its strings duplicated).
 * MIG_OK or MIG_ENOMEM. */
mig_status_t an_row_copy(analyze_rows_t *rows, const analyze_row_t *from);

/* The words of each CAT feature the model was trained on: a word's code
 * is its index. */
typedef struct an_vocab {
    char **words[ANALYZE_N_FEATURES];
    size_t n[ANALYZE_N_FEATURES];
} an_vocab_t;

/* The model: XGBoost's boosters for the class and the band (NULL: the
 * fallback), with what the model file keeps. */
struct analyze_model {
    void *cls_booster, *band_booster;   /* BoosterHandle */
    an_vocab_t vocab;
    int majority_cls, majority_band;
    size_t rows, runs;
    size_t per_class[ANALYZE_N_CLASSES];
    int64_t trained_ms;
    char digest[8 + BLOB_HEX];          /* "blake2b:" and hex */
};

/* Adds every CAT word of ROWS (labelled rows only when LABELLED) to V,
 * each once, in order of first sight. MIG_OK or MIG_ENOMEM. */
mig_status_t an_vocab_build(an_vocab_t *v, const analyze_rows_t *rows,
                            bool labelled);
void an_vocab_free(an_vocab_t *v);
/* Row R's features as floats, CAT ones coded by V (NAN: a word V lacks),
 * into X (ANALYZE_N_FEATURES). */
void an_encode(const an_vocab_t *v, const analyze_row_t *r, float *x);

/* The majority class and band of the labelled rows of ROWS (ties: the
 * lower index), with the count per class; *N the labelled rows. */
void an_majority(const analyze_rows_t *rows, int *cls, int *band,
                 size_t per_class[ANALYZE_N_CLASSES], size_t *n);

/* XGBoost's last error, into DIAGS; MIG_EINVALID. */
mig_status_t an_xgb_error(diag_list_t *diags, const char *what);

#endif
