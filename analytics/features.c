/* features.c: the features of a legacy tool (docs/analytics.md,
 * "Features"), computed from what tools.read gives: the same function
 * reads a journaled result (history, for training) and a fresh one (mig
 * analyze DIR), so a model sees the same numbers in both. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* ---- the tables ---------------------------------------------------------- */

enum { NUM, CAT };

static const struct {
    const char *name, *doc;
    int type;
} features[] = {
#define FEATURE_ROW(id, n, t, d) { .name = n, .type = t, .doc = d },
    ANALYZE_FEATURES(FEATURE_ROW)
#undef FEATURE_ROW
};

static const struct { const char *name, *text; } classes[] = {
#define CLASS_ROW(id, n, t) { n, t },
    ANALYZE_CLASSES(CLASS_ROW)
#undef CLASS_ROW
};

static const struct { const char *name; int64_t bound; } bands[] = {
#define BAND_ROW(id, n, b) { n, b },
    ANALYZE_BANDS(BAND_ROW)
#undef BAND_ROW
};

const char *analyze_feature_name(analyze_feature_t f)
{
    return features[f].name;
}

bool analyze_feature_is_cat(analyze_feature_t f)
{
    return features[f].type == CAT;
}

const char *analyze_feature_doc(analyze_feature_t f)
{
    return features[f].doc;
}

const char *analyze_class_name(int cls)
{
    return cls >= 0 && cls < ANALYZE_N_CLASSES ? classes[cls].name : "none";
}

const char *analyze_class_text(int cls)
{
    return cls >= 0 && cls < ANALYZE_N_CLASSES ? classes[cls].text : "none";
}

const char *analyze_band_name(int band)
{
    return band >= 0 && band < ANALYZE_N_BANDS ? bands[band].name : "none";
}

int analyze_band_of(int64_t ms)
{
    int b = 0;
    while (b < ANALYZE_N_BANDS - 1 && ms >= bands[b].bound)
        b++;
    return b;
}

/* ---- rows ---------------------------------------------------------------- */

bool an_set(val_t *m, const char *key, val_t *v)
{
    return v && val_map_set_take(m, key, strlen(key), v) == MIG_OK;
}

analyze_row_t *an_row_add(analyze_rows_t *rows)
{
    if (rows->n == rows->cap) {
        size_t cap = rows->cap ? 2 * rows->cap : 64;
        analyze_row_t *v = realloc(rows->v, cap * sizeof *v);
        if (!v)
            return NULL;
        rows->v = v;
        rows->cap = cap;
    }
    analyze_row_t *r = &rows->v[rows->n++];
    memset(r, 0, sizeof *r);
    for (int f = 0; f < ANALYZE_N_FEATURES; f++)
        r->x[f] = NAN;
    r->cls = r->band = ANALYZE_NONE;
    return r;
}

static void row_clear(analyze_row_t *r)
{
    free(r->file);
    free(r->place);
    free(r->kind);
    free(r->name);
    free(r->group);
    for (int f = 0; f < ANALYZE_N_FEATURES; f++)
        free(r->word[f]);
}

void analyze_rows_free(analyze_rows_t *rows)
{
    for (size_t i = 0; i < rows->n; i++)
        row_clear(&rows->v[i]);
    free(rows->v);
    memset(rows, 0, sizeof *rows);
}

/* A copy of S (NULL stays NULL); *OK becomes false when out of memory. */
static char *dup(const char *s, bool *ok)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *ok = false;
    return d;
}

mig_status_t an_row_copy(analyze_rows_t *rows, const analyze_row_t *from)
{
    analyze_row_t *r = an_row_add(rows);
    if (!r)
        return MIG_ENOMEM;
    bool ok = true;
    *r = *from;
    r->file = dup(from->file, &ok);
    r->place = dup(from->place, &ok);
    r->kind = dup(from->kind, &ok);
    r->name = dup(from->name, &ok);
    r->group = dup(from->group, &ok);
    for (int f = 0; f < ANALYZE_N_FEATURES; f++)
        r->word[f] = dup(from->word[f], &ok);
    return ok ? MIG_OK : MIG_ENOMEM;
}

/* ---- walking a schema ---------------------------------------------------- */

/* The type names of JSON Schema; any other is a dialect's. */
static const char *const json_types[] = {
    "string", "number", "integer", "boolean", "object", "array", "null",
};

typedef struct walk {
    double depth, width, enums, dialect, refs;
} walk_t;

static bool json_type(const char *t)
{
    for (size_t i = 0; i < sizeof json_types / sizeof *json_types; i++)
        if (strcmp(t, json_types[i]) == 0)
            return true;
    return false;
}

/* Counts in W what schema S holds at nesting LEVEL (its properties and
 * items one level deeper). Values nest at most VAL_MAX_HELD_DEPTH deep,
 * so the recursion is bounded. */
static void walk_schema(const val_t *s, double level, walk_t *w)
{
    if (val_type(s) != VAL_MAP)
        return;
    if (level > w->depth)
        w->depth = level;
    val_t *type = an_get(s, "type");
    if (type && val_type(type) == VAL_STRING && !json_type(val_get_str(type, NULL)))
        w->dialect++;
    for (size_t i = 0; type && val_type(type) == VAL_LIST && i < val_len(type); i++) {
        val_t *t = val_list_get(type, i);
        if (val_type(t) == VAL_STRING && !json_type(val_get_str(t, NULL)))
            w->dialect++;
    }
    val_t *req = an_get(s, "required");
    if (req && val_type(req) == VAL_BOOL)
        w->dialect++;
    if (an_get(s, "nullable"))
        w->dialect++;
    if (an_get(s, "enum"))
        w->enums++;
    val_t *props = an_get(s, "properties");
    if (props && val_type(props) == VAL_MAP) {
        if ((double)val_len(props) > w->width)
            w->width = (double)val_len(props);
        for (size_t i = 0; i < val_len(props); i++)
            walk_schema(val_map_value(props, i), level + 1, w);
    }
    val_t *items = an_get(s, "items");
    if (items)
        walk_schema(items, level + 1, w);
}

/* $ref keys anywhere in V. */
static double count_refs(const val_t *v)
{
    double n = 0;
    if (val_type(v) == VAL_MAP) {
        n += an_get(v, "$ref") ? 1 : 0;
        for (size_t i = 0; i < val_len(v); i++)
            n += count_refs(val_map_value(v, i));
    } else if (val_type(v) == VAL_LIST) {
        for (size_t i = 0; i < val_len(v); i++)
            n += count_refs(val_list_get(v, i));
    }
    return n;
}

/* The length of the list or map at KEY of M (0: none). */
static double len_at(const val_t *m, const char *key)
{
    val_t *v = an_get(m, key);
    return v && (val_type(v) == VAL_LIST || val_type(v) == VAL_MAP)
           ? (double)val_len(v) : 0;
}

/* ---- the features of a record -------------------------------------------- */

static bool name_fits(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
              || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

static void name_features(analyze_row_t *r, const char *name)
{
    double seps = 0, upper = 0;
    for (const char *p = name; *p; p++) {
        seps += *p == ' ' || *p == '.' || *p == '/';
        upper += *p >= 'A' && *p <= 'Z';
    }
    r->x[ANALYZE_F_NAME_LENGTH] = (double)strlen(name);
    r->x[ANALYZE_F_NAME_SEPARATORS] = seps;
    r->x[ANALYZE_F_NAME_UPPER] = upper;
    r->x[ANALYZE_F_NAME_FITS] = name_fits(name) ? 1 : 0;
}

/* The auth kind of AUTH as found: a string, or a map's type or scheme. */
static const char *auth_kind(const val_t *auth)
{
    if (auth && val_type(auth) == VAL_STRING)
        return val_get_str(auth, NULL);
    const char *t = an_str(auth, "type");
    return t ? t : an_str(auth, "scheme");
}

static bool record_features(analyze_row_t *r, const val_t *rec,
                            const char *kind)
{
    bool ok = true;
    const char *name = an_str(rec, "name");
    r->kind = dup(kind, &ok);
    r->name = dup(name, &ok);
    r->word[ANALYZE_F_KIND] = dup(kind, &ok);
    if (name)
        name_features(r, name);
    val_t *params = an_get(rec, "parameters");
    walk_t w = { 0 };
    if (params && val_type(params) == VAL_LIST) {
        r->x[ANALYZE_F_PARAMS] = (double)val_len(params);
    } else if (params && val_type(params) == VAL_MAP) {
        walk_schema(params, 0, &w);
        r->x[ANALYZE_F_PARAMS] = len_at(params, "properties");
        r->x[ANALYZE_F_REQUIRED] = len_at(params, "required");
    } else {
        r->x[ANALYZE_F_PARAMS] = 0;
    }
    if (!params || val_type(params) != VAL_MAP)
        r->x[ANALYZE_F_REQUIRED] = 0;
    r->x[ANALYZE_F_SCHEMA_DEPTH] = w.depth;
    r->x[ANALYZE_F_SCHEMA_WIDTH] = w.width;
    r->x[ANALYZE_F_ENUMS] = w.enums;
    r->x[ANALYZE_F_DIALECT] = w.dialect;
    r->x[ANALYZE_F_REFS] = count_refs(rec);
    const char *desc = an_str(rec, "description");
    r->x[ANALYZE_F_DESCRIPTION] = desc ? (double)strlen(desc) : 0;
    r->word[ANALYZE_F_AUTH] = dup(auth_kind(an_get(rec, "auth")), &ok);
    r->x[ANALYZE_F_DEPENDENCIES] = len_at(rec, "dependencies");
    r->x[ANALYZE_F_CONFIG_KEYS] = len_at(rec, "config");
    r->x[ANALYZE_F_PLACEHOLDERS] = len_at(rec, "placeholders");
    r->x[ANALYZE_F_EXTRA_KEYS] = len_at(rec, "extra");
    return ok;
}

/* The leading number of a version ("2.x": 2, "3.0.1": 3, "v1": 1), or
 * NAN. */
static double version_number(const char *v)
{
    if (!v)
        return NAN;
    while (*v && (*v < '0' || *v > '9'))
        v++;
    return *v ? strtod(v, NULL) : NAN;
}

/* The features every record of the file READ shares, into R. */
static bool file_features(analyze_row_t *r, const val_t *read, double records)
{
    bool ok = true;
    const char *format = an_str(read, "format");
    r->file = dup(an_str(read, "path"), &ok);
    r->word[ANALYZE_F_FORMAT] = dup(format, &ok);
    if (format) {
        const char *dot = strchr(format, '.');
        size_t n = dot ? (size_t)(dot - format) : strlen(format);
        r->word[ANALYZE_F_FAMILY] = strndup(format, n);
        ok = ok && r->word[ANALYZE_F_FAMILY];
    }
    r->x[ANALYZE_F_VERSION] = version_number(an_str(read, "version"));
    r->x[ANALYZE_F_FILE_RECORDS] = records;
    double errors = 0, warnings = 0;
    val_t *problems = an_get(read, "problems");
    for (size_t i = 0; problems && val_type(problems) == VAL_LIST
                       && i < val_len(problems); i++) {
        const char *sev = an_str(val_list_get(problems, i), "severity");
        errors += sev && strcmp(sev, "error") == 0;
        warnings += sev && strcmp(sev, "warning") == 0;
    }
    r->x[ANALYZE_F_FILE_ERRORS] = errors;
    r->x[ANALYZE_F_FILE_WARNINGS] = warnings;
    return ok;
}

char *an_place(const val_t *prov, bool *ok)
{
    val_t *ptr = an_get(prov, "pointer");
    val_t *line = an_get(prov, "line");
    strbuf_t b;
    strbuf_init(&b);
    if (ptr && val_type(ptr) == VAL_STRING)
        strbuf_printf(&b, "#%s", val_get_str(ptr, NULL));
    else if (line && val_is_int(line))
        strbuf_printf(&b, "line %lld", (long long)val_get_int(line));
    else
        return NULL;
    if (b.oom)
        *ok = false;
    return b.oom ? NULL : b.data;
}

/* A reader's lists and the kind of their records. */
static const struct { const char *list, *kind; } record_lists[] = {
    { "tools", "tool" }, { "servers", "server" }, { "backends", "rag" },
};

mig_status_t analyze_features(const val_t *read, analyze_rows_t *rows)
{
    double records = 0, position = 0;
    for (size_t l = 0; l < sizeof record_lists / sizeof *record_lists; l++)
        records += len_at(read, record_lists[l].list);
    if (records == 0) {
        analyze_row_t *r = an_row_add(rows);
        return r && file_features(r, read, 0) ? MIG_OK : MIG_ENOMEM;
    }
    for (size_t l = 0; l < sizeof record_lists / sizeof *record_lists; l++) {
        val_t *list = an_get(read, record_lists[l].list);
        for (size_t i = 0; list && val_type(list) == VAL_LIST
                           && i < val_len(list); i++) {
            val_t *rec = val_list_get(list, i);
            analyze_row_t *r = an_row_add(rows);
            bool ok = r && file_features(r, read, records)
                      && record_features(r, rec, record_lists[l].kind);
            val_t *prov = an_get(rec, "provenance");
            const char *file = an_str(prov, "file");
            if (r && ok && file && strcmp(file, r->file ? r->file : "")) {
                free(r->file);      /* a record read through another file */
                r->file = dup(file, &ok);
            }
            if (r) {
                r->place = an_place(prov, &ok);
                r->x[ANALYZE_F_POSITION] = position++;
            }
            if (!ok)
                return MIG_ENOMEM;
        }
    }
    return MIG_OK;
}

/* For sorting rows by file path, then by their order. */
typedef struct by_path {
    const char *file;
    size_t i;
} by_path_t;

static int cmp_path(const void *a, const void *b)
{
    const by_path_t *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* Adds the counts of CURRENT (name -> records) to BEFORE. */
static mig_status_t add_counts(val_t *before, const val_t *current)
{
    mig_status_t st = MIG_OK;
    for (size_t k = 0; st == MIG_OK && k < val_len(current); k++) {
        size_t n;
        const char *name = val_get_str(val_map_key(current, k), &n);
        val_t *c = val_map_get(before, name, n);
        st = val_map_set_take(before, name, n, val_int(
                 (c ? val_get_int(c) : 0)
                 + val_get_int(val_map_value(current, k))));
    }
    return st;
}

mig_status_t analyze_inventory(analyze_rows_t *rows, size_t from)
{
    size_t n = rows->n - from;
    by_path_t *order = malloc((n ? n : 1) * sizeof *order);
    /* name -> records of the files before the current one, and of it */
    val_t *before = val_map_new(64), *current = val_map_new(16);
    mig_status_t st = order && before && current ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < n; i++)
        order[i] = (by_path_t){ rows->v[from + i].file
                                ? rows->v[from + i].file : "", from + i };
    if (st == MIG_OK)
        qsort(order, n, sizeof *order, cmp_path);
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        analyze_row_t *r = &rows->v[order[i].i];
        if (i > 0 && strcmp(order[i].file, order[i - 1].file) != 0) {
            st = add_counts(before, current);
            val_unref(current);
            current = val_map_new(16);
            if (!current)
                st = MIG_ENOMEM;
        }
        if (st != MIG_OK || !r->name)
            continue;
        size_t len = strlen(r->name);
        val_t *c = val_map_get(before, r->name, len);
        r->x[ANALYZE_F_NAME_BEFORE] = c ? (double)val_get_int(c) : 0;
        val_t *here = val_map_get(current, r->name, len);
        st = val_map_set_take(current, r->name, len,
                              val_int((here ? val_get_int(here) : 0) + 1));
    }
    free(order);
    val_unref(before);
    val_unref(current);
    return st;
}
