/* analyze.c: the per-file view of a prediction (mig analyze DIR): the
 * predictions of analyze_predict grouped by file, a file's class the
 * worst of its records' and its band the longest. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* The index of S in the names NAME(0 .. N - 1) gives, or -1. */
static int index_of(const char *s, const char *(*name)(int), int n)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, name(i)) == 0)
            return i;
    return -1;
}

typedef struct by_file {
    const char *path;
    size_t first;       /* the row where it was first seen */
} by_file_t;

static int cmp_file(const void *a, const void *b)
{
    const by_file_t *x = a, *y = b;
    return strcmp(x->path, y->path);
}

/* A file's map from its rows FROM .. (those with its path) of ROWS and
 * PREDS. */
static val_t *file_value(const analyze_rows_t *rows, const val_t *preds,
                         const char *path)
{
    val_t *f = val_map_new(6), *tools = val_list_new(4);
    int cls = 0, band = 0;
    const char *format = NULL;
    bool ok = f && tools;
    for (size_t i = 0; ok && i < rows->n; i++) {
        const char *p = rows->v[i].file ? rows->v[i].file : "";
        if (strcmp(p, path) != 0)
            continue;
        val_t *pred = val_list_get(preds, i);
        int c = index_of(an_str(pred, "class"), analyze_class_name,
                         ANALYZE_N_CLASSES);
        int b = index_of(an_str(pred, "band"), analyze_band_name,
                         ANALYZE_N_BANDS);
        cls = c > cls ? c : cls;
        band = b > band ? b : band;
        format = rows->v[i].word[ANALYZE_F_FORMAT];
        ok = val_list_push(tools, pred) == MIG_OK;
    }
    ok = ok && an_set(f, "path", val_cstring(path))
         && an_set(f, "format", format ? val_cstring(format) : val_null())
         && an_set(f, "class", val_cstring(analyze_class_name(cls)))
         && an_set(f, "band", val_cstring(analyze_band_name(band)))
         && an_set(f, "tools", val_ref(tools));
    val_unref(tools);
    if (!ok) {
        val_unref(f);
        return NULL;
    }
    return f;
}

mig_status_t analyze_by_file(const analyze_rows_t *rows, const val_t *preds,
                             val_t **out)
{
    *out = NULL;
    by_file_t *files = malloc((rows->n ? rows->n : 1) * sizeof *files);
    val_t *l = val_list_new(16);
    if (!files || !l) {
        free(files);
        val_unref(l);
        return MIG_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < rows->n; i++)
        files[n++] = (by_file_t){ rows->v[i].file ? rows->v[i].file : "", i };
    qsort(files, n, sizeof *files, cmp_file);
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        if (i > 0 && strcmp(files[i].path, files[i - 1].path) == 0)
            continue;
        val_t *f = file_value(rows, preds, files[i].path);
        st = f ? val_list_push_take(l, f) : MIG_ENOMEM;
    }
    free(files);
    if (st != MIG_OK) {
        val_unref(l);
        return st;
    }
    *out = l;
    return MIG_OK;
}
