/* model.c: the prediction's model (docs/analytics.md, "The model"):
 * gradient-boosted trees through XGBoost's C API, one booster for the
 * outcome class and one for the duration band, trained on the history's
 * labelled rows; below ANALYZE_MIN_ROWS rows, the majority class and band
 * (the fallback). Predictions carry their reasons: XGBoost's per-row
 * feature contributions (pred_contribs) to the class predicted. */
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

#include "analyze_int.h"

/* The boosters' settings: small trees, one thread (the same model from
 * the same rows, and a machine shared with the runs), XGBoost quiet. */
static const struct { const char *key, *value; } params[] = {
    { "objective", "multi:softprob" }, { "max_depth", "4" },
    { "eta", "0.3" }, { "min_child_weight", "1" }, { "nthread", "1" },
    { "seed", "0" }, { "verbosity", "0" }, { "tree_method", "exact" },
};
#define ROUNDS 40

mig_status_t an_xgb_error(diag_list_t *diags, const char *what)
{
    diag_add(diags, DIAG_ERROR, NULL, NULL, "%s: XGBoost: %s", what,
             XGBGetLastError());
    return MIG_EINVALID;
}

/* ---- the words of CAT features ------------------------------------------- */

static long word_index(const an_vocab_t *v, int f, const char *w)
{
    for (size_t i = 0; w && i < v->n[f]; i++)
        if (strcmp(v->words[f][i], w) == 0)
            return (long)i;
    return -1;
}

mig_status_t an_vocab_build(an_vocab_t *v, const analyze_rows_t *rows,
                            bool labelled)
{
    for (size_t i = 0; i < rows->n; i++) {
        const analyze_row_t *r = &rows->v[i];
        if (labelled && r->cls == ANALYZE_NONE)
            continue;
        for (int f = 0; f < ANALYZE_N_FEATURES; f++) {
            if (!r->word[f] || word_index(v, f, r->word[f]) >= 0)
                continue;
            char **w = realloc(v->words[f], (v->n[f] + 1) * sizeof *w);
            if (!w)
                return MIG_ENOMEM;
            v->words[f] = w;
            if (!(w[v->n[f]] = strdup(r->word[f])))
                return MIG_ENOMEM;
            v->n[f]++;
        }
    }
    return MIG_OK;
}

void an_vocab_free(an_vocab_t *v)
{
    for (int f = 0; f < ANALYZE_N_FEATURES; f++) {
        for (size_t i = 0; i < v->n[f]; i++)
            free(v->words[f][i]);
        free(v->words[f]);
    }
    memset(v, 0, sizeof *v);
}

void an_encode(const an_vocab_t *v, const analyze_row_t *r, float *x)
{
    for (int f = 0; f < ANALYZE_N_FEATURES; f++) {
        if (analyze_feature_is_cat(f)) {
            long i = word_index(v, f, r->word[f]);
            x[f] = i >= 0 ? (float)i : NAN;
        } else {
            x[f] = (float)r->x[f];
        }
    }
}

void an_majority(const analyze_rows_t *rows, int *cls, int *band,
                 size_t per_class[ANALYZE_N_CLASSES], size_t *n)
{
    size_t per_band[ANALYZE_N_BANDS] = { 0 };
    memset(per_class, 0, ANALYZE_N_CLASSES * sizeof *per_class);
    *n = 0;
    for (size_t i = 0; i < rows->n; i++) {
        if (rows->v[i].cls == ANALYZE_NONE)
            continue;
        per_class[rows->v[i].cls]++;
        per_band[rows->v[i].band]++;
        (*n)++;
    }
    *cls = *band = 0;
    for (int c = 1; c < ANALYZE_N_CLASSES; c++)
        if (per_class[c] > per_class[*cls])
            *cls = c;
    for (int b = 1; b < ANALYZE_N_BANDS; b++)
        if (per_band[b] > per_band[*band])
            *band = b;
}

/* ---- training ------------------------------------------------------------ */

/* The labelled rows of ROWS coded by V: *X (N x ANALYZE_N_FEATURES), the
 * class in CLS, the band in BAND. MIG_OK or MIG_ENOMEM. */
static mig_status_t matrix(const an_vocab_t *v, const analyze_rows_t *rows,
                           bool labelled, float **x, float **cls,
                           float **band, size_t *n)
{
    *n = 0;
    *x = malloc((rows->n ? rows->n : 1) * ANALYZE_N_FEATURES * sizeof **x);
    *cls = malloc((rows->n ? rows->n : 1) * sizeof **cls);
    *band = malloc((rows->n ? rows->n : 1) * sizeof **band);
    if (!*x || !*cls || !*band)
        return MIG_ENOMEM;
    for (size_t i = 0; i < rows->n; i++) {
        const analyze_row_t *r = &rows->v[i];
        if (labelled && r->cls == ANALYZE_NONE)
            continue;
        an_encode(v, r, *x + *n * ANALYZE_N_FEATURES);
        (*cls)[*n] = (float)r->cls;
        (*band)[*n] = (float)r->band;
        (*n)++;
    }
    return MIG_OK;
}

/* A booster trained on D with NUM_CLASS classes, labels Y. */
static mig_status_t boost(DMatrixHandle d, const float *y, size_t n,
                          int num_class, BoosterHandle *out,
                          diag_list_t *diags)
{
    char k[16];
    snprintf(k, sizeof k, "%d", num_class);
    if (XGDMatrixSetFloatInfo(d, "label", y, (bst_ulong)n) != 0
        || XGBoosterCreate(&d, 1, out) != 0)
        return an_xgb_error(diags, "training");
    bool ok = XGBoosterSetParam(*out, "num_class", k) == 0;
    for (size_t i = 0; ok && i < sizeof params / sizeof *params; i++)
        ok = XGBoosterSetParam(*out, params[i].key, params[i].value) == 0;
    for (int i = 0; ok && i < ROUNDS; i++)
        ok = XGBoosterUpdateOneIter(*out, i, d) == 0;
    return ok ? MIG_OK : an_xgb_error(diags, "training");
}

/* The digest of the training data: BLAKE2b-256 over each labelled row's
 * run, file, place, class, band and features, a line each. */
static mig_status_t digest(const analyze_rows_t *rows, char *out)
{
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < rows->n; i++) {
        const analyze_row_t *r = &rows->v[i];
        if (r->cls == ANALYZE_NONE)
            continue;
        strbuf_printf(&b, "%lld\t%s\t%s\t%d\t%d", (long long)r->run,
                      r->file ? r->file : "", r->place ? r->place : "",
                      r->cls, r->band);
        for (int f = 0; f < ANALYZE_N_FEATURES; f++)
            if (r->word[f])
                strbuf_printf(&b, "\t%s", r->word[f]);
            else
                strbuf_printf(&b, "\t%.17g", r->x[f]);
        strbuf_putc(&b, '\n');
    }
    if (b.oom) {
        strbuf_free(&b);
        return MIG_ENOMEM;
    }
    char hex[BLOB_HEX];
    blobs_hash(b.data ? b.data : "", b.len, hex);
    snprintf(out, 8 + BLOB_HEX, "blake2b:%s", hex);
    strbuf_free(&b);
    return MIG_OK;
}

void analyze_model_free(analyze_model_t *m)
{
    if (!m)
        return;
    if (m->cls_booster)
        XGBoosterFree(m->cls_booster);
    if (m->band_booster)
        XGBoosterFree(m->band_booster);
    an_vocab_free(&m->vocab);
    free(m);
}

mig_status_t analyze_train(const analyze_rows_t *rows, int64_t now,
                           analyze_model_t **out, diag_list_t *diags)
{
    *out = NULL;
    analyze_model_t *m = calloc(1, sizeof *m);
    if (!m)
        return MIG_ENOMEM;
    m->trained_ms = now;
    m->runs = rows->runs;
    an_majority(rows, &m->majority_cls, &m->majority_band, m->per_class,
                &m->rows);
    mig_status_t st = digest(rows, m->digest);
    bool enough = m->rows >= ANALYZE_MIN_ROWS;  /* else the fallback */
    if (st == MIG_OK && enough)
        st = an_vocab_build(&m->vocab, rows, true);
    float *x = NULL, *cls = NULL, *band = NULL;
    size_t n = 0;
    DMatrixHandle d = NULL;
    if (st == MIG_OK && enough)
        st = matrix(&m->vocab, rows, true, &x, &cls, &band, &n);
    if (st == MIG_OK && n > 0
        && XGDMatrixCreateFromMat(x, (bst_ulong)n, ANALYZE_N_FEATURES, NAN,
                                  &d) != 0)
        st = an_xgb_error(diags, "training");
    if (st == MIG_OK && d)
        st = boost(d, cls, n, ANALYZE_N_CLASSES, &m->cls_booster, diags);
    if (st == MIG_OK && d)
        st = boost(d, band, n, ANALYZE_N_BANDS, &m->band_booster, diags);
    if (d)
        XGDMatrixFree(d);
    free(x);
    free(cls);
    free(band);
    if (st != MIG_OK) {
        analyze_model_free(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}

/* ---- predicting ---------------------------------------------------------- */

static const char *const shape_config[] = {
    "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
    "\"iteration_end\": 0, \"strict_shape\": true}",
    "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, "
    "\"iteration_end\": 0, \"strict_shape\": true}",
};

/* Feature F of row R as the reasons show it: its word, its number, or
 * null when missing. */
static val_t *feature_value(const analyze_row_t *r, int f)
{
    if (analyze_feature_is_cat(f))
        return r->word[f] ? val_cstring(r->word[f]) : val_null();
    if (r->x[f] != r->x[f])
        return val_null();
    double v = r->x[f];
    return v == (double)(int64_t)v ? val_int((int64_t)v) : val_double(v);
}

/* The reasons of a prediction of class CLS for row R, from its
 * contributions C (ANALYZE_N_FEATURES + 1 per class, CLS's first): the
 * features that pushed towards CLS most, largest first. */
static val_t *reasons(const analyze_row_t *r, const float *c)
{
    val_t *l = val_list_new(ANALYZE_REASONS);
    bool used[ANALYZE_N_FEATURES] = { false };
    for (int k = 0; l && k < ANALYZE_REASONS; k++) {
        int best = -1;
        for (int f = 0; f < ANALYZE_N_FEATURES; f++)
            if (!used[f] && c[f] > 0 && (best < 0 || c[f] > c[best]))
                best = f;
        if (best < 0)
            break;
        used[best] = true;
        val_t *m = val_map_new(3);
        bool ok = m && an_set(m, "feature", val_cstring(analyze_feature_name(best)))
                  && an_set(m, "value", feature_value(r, best))
                  && an_set(m, "contribution",
                         val_double((double)(int)(c[best] * 1000 + 0.5)
                                    / 1000));
        if (!ok || val_list_push_take(l, m) != MIG_OK) {
            val_unref(ok ? NULL : m);
            val_unref(l);
            return NULL;
        }
    }
    return l;
}

static val_t *fallback_reasons(const analyze_model_t *m)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "majority class of %zu labelled rows (fewer than %d "
                  "to train on)", m->rows, ANALYZE_MIN_ROWS);
    val_t *l = val_list_new(1), *r = val_map_new(3);
    bool ok = !b.oom && l && r && an_set(r, "feature", val_cstring("fallback"))
              && an_set(r, "value", val_cstring(b.data))
              && an_set(r, "contribution", val_null())
              && val_list_push(l, r) == MIG_OK;
    strbuf_free(&b);
    val_unref(r);
    if (!ok) {
        val_unref(l);
        return NULL;
    }
    return l;
}

static int argmax(const float *p, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (p[i] > p[best])
            best = i;
    return best;
}

/* One prediction's map; P the class probabilities (NULL: the
 * fallback's), B the band's, C the contributions. */
static val_t *prediction(const analyze_model_t *m, const analyze_row_t *r,
                         const float *p, const float *b, const float *c)
{
    int cls = p ? argmax(p, ANALYZE_N_CLASSES) : m->majority_cls;
    int band = b ? argmax(b, ANALYZE_N_BANDS) : m->majority_band;
    double prob = p ? (double)p[cls]
                    : m->rows ? (double)m->per_class[cls] / (double)m->rows
                              : 0;
    val_t *o = val_map_new(8);
    bool ok = o && an_set(o, "file", r->file ? val_cstring(r->file) : val_null())
              && an_set(o, "place", r->place ? val_cstring(r->place) : val_null())
              && an_set(o, "kind", r->kind ? val_cstring(r->kind) : val_null())
              && an_set(o, "name", r->name ? val_cstring(r->name) : val_null())
              && an_set(o, "class", val_cstring(analyze_class_name(cls)))
              && an_set(o, "probability",
                     val_double((double)(int)(prob * 1000 + 0.5) / 1000))
              && an_set(o, "band", val_cstring(analyze_band_name(band)))
              && an_set(o, "reasons",
                     p ? reasons(r, c + cls * (ANALYZE_N_FEATURES + 1))
                       : fallback_reasons(m));
    if (!ok) {
        val_unref(o);
        return NULL;
    }
    return o;
}

/* Runs booster B on D with shape config TYPE: *OUT (borrowed until the
 * next call on B). */
static mig_status_t run_booster(void *b, DMatrixHandle d, int type,
                                const float **out, diag_list_t *diags)
{
    bst_ulong const *shape;
    bst_ulong dim;
    if (XGBoosterPredictFromDMatrix(b, d, shape_config[type], &shape, &dim,
                                    out) != 0)
        return an_xgb_error(diags, "prediction");
    return MIG_OK;
}

/* Copies N floats of SRC (borrowed from XGBoost) into a new array. */
static float *keep(const float *src, size_t n)
{
    float *d = malloc((n ? n : 1) * sizeof *d);
    if (d && n)
        memcpy(d, src, n * sizeof *d);
    return d;
}

/* The boosters' outputs for the rows in D: class probabilities, band
 * probabilities and contributions, new arrays. */
static mig_status_t run_all(const analyze_model_t *m, DMatrixHandle d,
                            size_t n, float **p, float **b, float **c,
                            diag_list_t *diags)
{
    const float *out;
    mig_status_t st = run_booster(m->cls_booster, d, 0, &out, diags);
    if (st == MIG_OK && !(*p = keep(out, n * ANALYZE_N_CLASSES)))
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        st = run_booster(m->cls_booster, d, 1, &out, diags);
    if (st == MIG_OK && !(*c = keep(out, n * ANALYZE_N_CLASSES
                                           * (ANALYZE_N_FEATURES + 1))))
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        st = run_booster(m->band_booster, d, 0, &out, diags);
    if (st == MIG_OK && !(*b = keep(out, n * ANALYZE_N_BANDS)))
        st = MIG_ENOMEM;
    return st;
}

mig_status_t analyze_predict(const analyze_model_t *m,
                             const analyze_rows_t *rows, val_t **out,
                             diag_list_t *diags)
{
    *out = NULL;
    val_t *l = val_list_new(rows->n);
    float *x = NULL, *y1 = NULL, *y2 = NULL, *p = NULL, *b = NULL, *c = NULL;
    size_t n = 0;
    DMatrixHandle d = NULL;
    mig_status_t st = l ? MIG_OK : MIG_ENOMEM;
    bool boosted = m->cls_booster && rows->n > 0;
    if (st == MIG_OK && boosted)
        st = matrix(&m->vocab, rows, false, &x, &y1, &y2, &n);
    if (st == MIG_OK && boosted
        && XGDMatrixCreateFromMat(x, (bst_ulong)n, ANALYZE_N_FEATURES, NAN,
                                  &d) != 0)
        st = an_xgb_error(diags, "prediction");
    if (st == MIG_OK && boosted)
        st = run_all(m, d, n, &p, &b, &c, diags);
    for (size_t i = 0; st == MIG_OK && i < rows->n; i++) {
        val_t *o = prediction(m, &rows->v[i],
                              boosted ? p + i * ANALYZE_N_CLASSES : NULL,
                              boosted ? b + i * ANALYZE_N_BANDS : NULL,
                              boosted ? c + i * ANALYZE_N_CLASSES
                                                * (ANALYZE_N_FEATURES + 1)
                                      : NULL);
        st = o ? val_list_push_take(l, o) : MIG_ENOMEM;
    }
    if (d)
        XGDMatrixFree(d);
    free(x);
    free(y1);
    free(y2);
    free(p);
    free(b);
    free(c);
    if (st != MIG_OK) {
        val_unref(l);
        return st;
    }
    *out = l;
    return MIG_OK;
}
