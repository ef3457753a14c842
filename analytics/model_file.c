/* model_file.c: the model file (docs/analytics.md, "The model file"):
 * one JSON document with what the model was trained on (rows, runs, the
 * training data's digest, the date), the words of its CAT features, and
 * XGBoost's own JSON of each booster, kept as a string. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xgboost/c_api.h>

#include "analyze_int.h"

/* The version of the file's shape; a file of another is refused. */
#define MODEL_FILE_VERSION 1

static val_t *iso_time(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char buf[40];
    if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ",
                                        &tm))
        return val_cstring("?");
    return val_cstring(buf);
}

val_t *analyze_model_info(const analyze_model_t *m)
{
    val_t *o = val_map_new(8), *per = val_map_new(ANALYZE_N_CLASSES);
    bool ok = o && per;
    for (int c = 0; ok && c < ANALYZE_N_CLASSES; c++)
        ok = an_set(per, analyze_class_name(c), val_int((int64_t)m->per_class[c]));
    ok = ok && an_set(o, "kind", val_cstring(m->cls_booster ? "xgboost"
                                                         : "fallback"))
         && an_set(o, "trained", iso_time(m->trained_ms))
         && an_set(o, "rows", val_int((int64_t)m->rows))
         && an_set(o, "runs", val_int((int64_t)m->runs))
         && an_set(o, "digest", val_cstring(m->digest))
         && an_set(o, "classes", val_ref(per))
         && an_set(o, "majority", val_cstring(analyze_class_name(m->majority_cls)));
    val_unref(per);
    if (!ok) {
        val_unref(o);
        return NULL;
    }
    return o;
}

/* Booster B as XGBoost's JSON text, a string value; null for none. */
static val_t *booster_text(void *b)
{
    if (!b)
        return val_null();
    bst_ulong len;
    const char *bytes;
    if (XGBoosterSaveModelToBuffer(b, "{\"format\": \"json\"}", &len, &bytes)
        != 0)
        return NULL;
    return val_string(bytes, (size_t)len);
}

static val_t *vocab_value(const an_vocab_t *v)
{
    val_t *m = val_map_new(4);
    for (int f = 0; m && f < ANALYZE_N_FEATURES; f++) {
        if (!analyze_feature_is_cat(f))
            continue;
        val_t *l = val_list_new(v->n[f]);
        for (size_t i = 0; l && i < v->n[f]; i++)
            if (val_list_push_take(l, val_cstring(v->words[f][i])) != MIG_OK) {
                val_unref(l);
                l = NULL;
            }
        if (!an_set(m, analyze_feature_name(f), l)) {
            val_unref(m);
            return NULL;
        }
    }
    return m;
}

mig_status_t analyze_model_to_json(const analyze_model_t *m, strbuf_t *out)
{
    val_t *o = val_map_new(12), *feats = val_list_new(ANALYZE_N_FEATURES);
    bool ok = o && feats;
    for (int f = 0; ok && f < ANALYZE_N_FEATURES; f++)
        ok = val_list_push_take(feats, val_cstring(analyze_feature_name(f)))
             == MIG_OK;
    ok = ok && an_set(o, "mig_analyze_model", val_int(MODEL_FILE_VERSION))
         && an_set(o, "info", analyze_model_info(m))
         && an_set(o, "trained_ms", val_int(m->trained_ms))
         && an_set(o, "majority_band", val_int(m->majority_band))
         && an_set(o, "features", val_ref(feats))
         && an_set(o, "words", vocab_value(&m->vocab))
         && an_set(o, "class_booster", booster_text(m->cls_booster))
         && an_set(o, "band_booster", booster_text(m->band_booster));
    mig_status_t st = ok ? val_to_json(o, out, VAL_JSON_PRETTY) : MIG_ENOMEM;
    if (st == MIG_OK)
        strbuf_putc(out, '\n');
    val_unref(feats);
    val_unref(o);
    return st == MIG_OK && out->oom ? MIG_ENOMEM : st;
}

/* ---- loading ------------------------------------------------------------- */

static mig_status_t bad(diag_list_t *diags, const char *name, const char *why)
{
    diag_add(diags, DIAG_ERROR, NULL, NULL,
             "'%s' is not a model of this mig: %s", name, why);
    return MIG_EINVALID;
}

static int64_t int_at(const val_t *m, const char *key)
{
    val_t *v = an_get(m, key);
    return v && val_is_int(v) ? val_get_int(v) : -1;
}

static mig_status_t load_booster(const val_t *doc, const char *key,
                                 void **out, diag_list_t *diags)
{
    *out = NULL;
    val_t *v = an_get(doc, key);
    if (!v || val_type(v) == VAL_NULL)
        return MIG_OK;
    size_t len;
    const char *text = val_type(v) == VAL_STRING ? val_get_str(v, &len)
                                                 : NULL;
    if (!text || XGBoosterCreate(NULL, 0, out) != 0
        || XGBoosterLoadModelFromBuffer(*out, text, (bst_ulong)len) != 0)
        return an_xgb_error(diags, key);
    return MIG_OK;
}

/* Reads the features, their words and the counts of DOC into M. */
static mig_status_t load_fields(const val_t *doc, analyze_model_t *m,
                                const char *name, diag_list_t *diags)
{
    val_t *feats = an_get(doc, "features"), *info = an_get(doc, "info");
    bool same = feats && val_type(feats) == VAL_LIST
                && val_len(feats) == ANALYZE_N_FEATURES;
    for (int f = 0; same && f < ANALYZE_N_FEATURES; f++) {
        const char *s = val_type(val_list_get(feats, f)) == VAL_STRING
                        ? val_get_str(val_list_get(feats, f), NULL) : "";
        same = strcmp(s, analyze_feature_name(f)) == 0;
    }
    if (!same)
        return bad(diags, name, "its features are not this mig's "
                               "(train it again with mig analyze --train)");
    m->trained_ms = int_at(doc, "trained_ms");
    m->majority_band = (int)int_at(doc, "majority_band");
    m->rows = (size_t)int_at(info, "rows");
    m->runs = (size_t)int_at(info, "runs");
    const char *dg = an_str(info, "digest"), *maj = an_str(info, "majority");
    snprintf(m->digest, sizeof m->digest, "%s", dg ? dg : "");
    m->majority_cls = -1;
    for (int c = 0; c < ANALYZE_N_CLASSES; c++) {
        int64_t n = int_at(an_get(info, "classes"), analyze_class_name(c));
        m->per_class[c] = n > 0 ? (size_t)n : 0;
        if (maj && strcmp(maj, analyze_class_name(c)) == 0)
            m->majority_cls = c;
    }
    if (m->majority_cls < 0 || m->majority_band < 0
        || m->majority_band >= ANALYZE_N_BANDS)
        return bad(diags, name, "its majority class or band is missing");
    val_t *words = an_get(doc, "words");
    for (int f = 0; f < ANALYZE_N_FEATURES; f++) {
        val_t *l = an_get(words, analyze_feature_name(f));
        size_t n = l && val_type(l) == VAL_LIST ? val_len(l) : 0;
        m->vocab.words[f] = n ? calloc(n, sizeof (char *)) : NULL;
        if (n && !m->vocab.words[f])
            return MIG_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            val_t *w = val_list_get(l, i);
            if (val_type(w) != VAL_STRING)
                return bad(diags, name, "a feature's word is not a string");
            if (!(m->vocab.words[f][i] = strdup(val_get_str(w, NULL))))
                return MIG_ENOMEM;
            m->vocab.n[f]++;
        }
    }
    return MIG_OK;
}

mig_status_t analyze_model_from_json(const char *text, size_t len,
                                     const char *name, analyze_model_t **out,
                                     diag_list_t *diags)
{
    *out = NULL;
    src_t *src = src_from_memory(name, text, len);
    val_t *doc = NULL;
    diag_list_t json;
    diag_list_init(&json);
    mig_status_t st = src ? val_from_json(src, &json, &doc) : MIG_ENOMEM;
    if (st == MIG_EINVALID && json.len && json.items[0].has_span)
        diag_add(diags, DIAG_ERROR, NULL, NULL,
                 "'%s' is not a model of this mig: %u:%u: %s", name,
                 json.items[0].span.line, json.items[0].span.col,
                 json.items[0].message);
    else if (st == MIG_EINVALID)
        bad(diags, name, json.len ? json.items[0].message : "not JSON");
    diag_list_free(&json);
    if (st == MIG_OK && int_at(doc, "mig_analyze_model") != MODEL_FILE_VERSION)
        st = bad(diags, name, "no \"mig_analyze_model\": 1");
    analyze_model_t *m = st == MIG_OK ? calloc(1, sizeof *m) : NULL;
    if (st == MIG_OK && !m)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        st = load_fields(doc, m, name, diags);
    if (st == MIG_OK)
        st = load_booster(doc, "class_booster", &m->cls_booster, diags);
    if (st == MIG_OK)
        st = load_booster(doc, "band_booster", &m->band_booster, diags);
    if (st == MIG_OK && !m->cls_booster != !m->band_booster)
        st = bad(diags, name, "it has one booster of two");
    val_unref(doc);
    src_free(src);
    if (st != MIG_OK) {
        analyze_model_free(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}
