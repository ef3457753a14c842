/* evaluate.c: `mig analyze --evaluate` (docs/analytics.md, "Evaluation"):
 * the history's rows split by run and by inventory, never by row, each
 * fold predicted by a model trained on the others, and the figures
 * compared with always predicting the training folds' majority class. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* ---- the split ----------------------------------------------------------- */

/* Union-find over the distinct runs and groups of the rows. */
typedef struct uf {
    size_t *parent;
    char **names;       /* a group's name, or NULL for a run */
    int64_t *runs;
    size_t n;
} uf_t;

static size_t uf_find(uf_t *u, size_t i)
{
    while (u->parent[i] != i)
        i = u->parent[i] = u->parent[u->parent[i]];
    return i;
}

static void uf_join(uf_t *u, size_t a, size_t b)
{
    a = uf_find(u, a);
    b = uf_find(u, b);
    if (a != b)
        u->parent[a] = b;
}

/* The node of run RUN (GROUP NULL) or of group GROUP, added when new. */
static size_t uf_node(uf_t *u, int64_t run, const char *group)
{
    for (size_t i = 0; i < u->n; i++)
        if (group ? u->names[i] && strcmp(u->names[i], group) == 0
                  : !u->names[i] && u->runs[i] == run)
            return i;
    u->parent[u->n] = u->n;
    u->names[u->n] = (char *)group;
    u->runs[u->n] = run;
    return u->n++;
}

typedef struct comp {
    const char *name;   /* the smallest group name in it */
    size_t root;
} comp_t;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const comp_t *)a)->name, ((const comp_t *)b)->name);
}

mig_status_t analyze_split(const analyze_rows_t *rows, int *fold, int *k)
{
    size_t cap = 2 * rows->n + 1;
    uf_t u = { .parent = malloc(cap * sizeof *u.parent),
               .names = malloc(cap * sizeof *u.names),
               .runs = malloc(cap * sizeof *u.runs) };
    size_t *row_node = malloc((rows->n + 1) * sizeof *row_node);
    comp_t *comps = malloc(cap * sizeof *comps);
    if (!u.parent || !u.names || !u.runs || !row_node || !comps) {
        free(u.parent), free(u.names), free(u.runs), free(row_node);
        free(comps);
        return MIG_ENOMEM;
    }
    for (size_t i = 0; i < rows->n; i++) {
        const analyze_row_t *r = &rows->v[i];
        size_t g = uf_node(&u, r->run, r->group ? r->group : "");
        uf_join(&u, uf_node(&u, r->run, NULL), g);
        row_node[i] = g;
    }
    /* The components, each named by its smallest group. */
    size_t nc = 0;
    for (size_t i = 0; i < u.n; i++) {
        if (!u.names[i])
            continue;
        size_t root = uf_find(&u, i), c = 0;
        while (c < nc && comps[c].root != root)
            c++;
        if (c == nc)
            comps[nc++] = (comp_t){ .name = u.names[i], .root = root };
        else if (strcmp(u.names[i], comps[c].name) < 0)
            comps[c].name = u.names[i];
    }
    qsort(comps, nc, sizeof *comps, by_name);
    *k = nc < ANALYZE_FOLDS ? (int)nc : ANALYZE_FOLDS;
    for (size_t i = 0; i < rows->n; i++) {
        size_t root = uf_find(&u, row_node[i]), c = 0;
        while (comps[c].root != root)
            c++;
        fold[i] = (int)(c % (size_t)(*k ? *k : 1));
    }
    free(u.parent), free(u.names), free(u.runs), free(row_node), free(comps);
    return MIG_OK;
}

/* ---- the figures --------------------------------------------------------- */

typedef struct tally {
    size_t confusion[ANALYZE_N_CLASSES][ANALYZE_N_CLASSES];
    size_t n, right, base_right, band_right, band_base_right;
    val_t *misses;
    val_t *groups;      /* group -> [rows, right] */
} tally_t;

#define MAX_MISSES 20

static int class_named(const char *s)
{
    for (int c = 0; s && c < ANALYZE_N_CLASSES; c++)
        if (strcmp(s, analyze_class_name(c)) == 0)
            return c;
    return ANALYZE_NONE;
}

static int band_named(const char *s)
{
    for (int b = 0; s && b < ANALYZE_N_BANDS; b++)
        if (strcmp(s, analyze_band_name(b)) == 0)
            return b;
    return ANALYZE_NONE;
}

static mig_status_t miss(tally_t *t, const analyze_row_t *r, int pred)
{
    if (val_len(t->misses) >= MAX_MISSES)
        return MIG_OK;
    val_t *m = val_map_new(6);
    bool ok = m && an_set(m, "file", val_cstring(r->file ? r->file : ""))
              && an_set(m, "place", r->place ? val_cstring(r->place) : val_null())
              && an_set(m, "name", r->name ? val_cstring(r->name) : val_null())
              && an_set(m, "actual", val_cstring(analyze_class_name(r->cls)))
              && an_set(m, "predicted", val_cstring(analyze_class_name(pred)));
    if (!ok) {
        val_unref(m);
        return MIG_ENOMEM;
    }
    return val_list_push_take(t->misses, m);
}

/* Adds a row of GROUP to T's count, RIGHT when predicted right. */
static mig_status_t count_group(tally_t *t, const char *group, bool right)
{
    size_t len = strlen(group);
    val_t *c = val_map_get(t->groups, group, len);
    int64_t n = c ? val_get_int(val_list_get(c, 0)) : 0;
    int64_t ok = c ? val_get_int(val_list_get(c, 1)) : 0;
    val_t *l = val_list_new(2);
    if (!l || val_list_push_take(l, val_int(n + 1)) != MIG_OK
        || val_list_push_take(l, val_int(ok + right)) != MIG_OK) {
        val_unref(l);
        return MIG_ENOMEM;
    }
    return val_map_set_take(t->groups, group, len, l);
}

/* Trains on the labelled rows of ROWS outside fold F, predicts those in
 * it, and counts into T. */
static mig_status_t one_fold(const analyze_rows_t *rows, const int *fold,
                             int f, tally_t *t, diag_list_t *diags)
{
    analyze_rows_t train = { 0 }, test = { 0 };
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < rows->n; i++)
        if (rows->v[i].cls != ANALYZE_NONE)
            st = an_row_copy(fold[i] == f ? &test : &train, &rows->v[i]);
    analyze_model_t *m = NULL;
    val_t *preds = NULL;
    if (st == MIG_OK)
        st = analyze_train(&train, 0, &m, diags);
    if (st == MIG_OK)
        st = analyze_predict(m, &test, &preds, diags);
    for (size_t i = 0; st == MIG_OK && i < test.n; i++) {
        const analyze_row_t *r = &test.v[i];
        val_t *p = val_list_get(preds, i);
        int pc = class_named(an_str(p, "class"));
        int pb = band_named(an_str(p, "band"));
        t->confusion[r->cls][pc]++;
        t->n++;
        t->right += pc == r->cls;
        t->base_right += m->majority_cls == r->cls;
        t->band_right += pb == r->band;
        t->band_base_right += m->majority_band == r->band;
        if (pc != r->cls)
            st = miss(t, r, pc);
        if (st == MIG_OK)
            st = count_group(t, r->group ? r->group : "", pc == r->cls);
    }
    val_unref(preds);
    analyze_model_free(m);
    analyze_rows_free(&train);
    analyze_rows_free(&test);
    return st;
}

static val_t *share(size_t a, size_t b)
{
    return b ? val_double((double)(int64_t)((double)a / (double)b * 10000
                                            + 0.5) / 10000)
             : val_null();
}

static val_t *per_class(const tally_t *t)
{
    val_t *l = val_list_new(ANALYZE_N_CLASSES);
    for (int c = 0; l && c < ANALYZE_N_CLASSES; c++) {
        size_t predicted = 0, actual = 0;
        for (int o = 0; o < ANALYZE_N_CLASSES; o++) {
            predicted += t->confusion[o][c];
            actual += t->confusion[c][o];
        }
        val_t *m = val_map_new(4);
        bool ok = m && an_set(m, "class", val_cstring(analyze_class_name(c)))
                  && an_set(m, "precision", share(t->confusion[c][c], predicted))
                  && an_set(m, "recall", share(t->confusion[c][c], actual))
                  && an_set(m, "support", val_int((int64_t)actual));
        if (!ok || val_list_push_take(l, m) != MIG_OK) {
            val_unref(ok ? NULL : m);
            val_unref(l);
            return NULL;
        }
    }
    return l;
}

static val_t *confusion(const tally_t *t)
{
    val_t *m = val_map_new(2), *labels = val_list_new(ANALYZE_N_CLASSES),
          *rows = val_list_new(ANALYZE_N_CLASSES);
    bool ok = m && labels && rows;
    for (int a = 0; ok && a < ANALYZE_N_CLASSES; a++) {
        val_t *row = val_list_new(ANALYZE_N_CLASSES);
        ok = row && val_list_push_take(labels, val_cstring(
                        analyze_class_name(a))) == MIG_OK;
        for (int p = 0; ok && p < ANALYZE_N_CLASSES; p++)
            ok = val_list_push_take(row, val_int((int64_t)t->confusion[a][p]))
                 == MIG_OK;
        ok = ok && val_list_push_take(rows, row) == MIG_OK;
        if (!ok)
            val_unref(row);
    }
    ok = ok && an_set(m, "labels", val_ref(labels))
         && an_set(m, "matrix", val_ref(rows));
    val_unref(labels);
    val_unref(rows);
    if (!ok) {
        val_unref(m);
        return NULL;
    }
    return m;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct groups of ROWS (0 when out of memory). */
static size_t count_groups(const analyze_rows_t *rows)
{
    const char **g = malloc((rows->n ? rows->n : 1) * sizeof *g);
    if (!g)
        return 0;
    for (size_t i = 0; i < rows->n; i++)
        g[i] = rows->v[i].group ? rows->v[i].group : "";
    qsort(g, rows->n, sizeof *g, by_str);
    size_t n = 0;
    for (size_t i = 0; i < rows->n; i++)
        n += i == 0 || strcmp(g[i], g[i - 1]) != 0;
    free(g);
    return n;
}

/* The accuracy of each inventory: [{inventory, rows, accuracy}], by
 * name. A group is "PLANDIR\tFOLDER": the folder it read under the
 * plan's, the plan's own folder when it read its own. */
static val_t *by_group(const tally_t *t)
{
    val_t *l = val_list_new(val_len(t->groups));
    const char **names = malloc((val_len(t->groups) + 1) * sizeof *names);
    size_t n = val_len(t->groups);
    for (size_t i = 0; names && i < n; i++)
        names[i] = val_get_str(val_map_key(t->groups, i), NULL);
    if (names)
        qsort(names, n, sizeof *names, by_str);
    for (size_t i = 0; l && names && i < n; i++) {
        val_t *c = val_map_get(t->groups, names[i], strlen(names[i]));
        const char *tab = strchr(names[i], '\t');
        strbuf_t b;
        strbuf_init(&b);
        if (tab && tab[1])
            strbuf_printf(&b, "%.*s/%s", (int)(tab - names[i]), names[i],
                          tab + 1);
        else
            strbuf_put(&b, names[i], tab ? (size_t)(tab - names[i])
                                         : strlen(names[i]));
        val_t *m = val_map_new(3);
        int64_t rows = val_get_int(val_list_get(c, 0));
        bool ok = !b.oom && m
                  && an_set(m, "inventory", val_string(b.data ? b.data : "",
                                                    b.len))
                  && an_set(m, "rows", val_int(rows))
                  && an_set(m, "accuracy", share((size_t)val_get_int(
                                                  val_list_get(c, 1)),
                                              (size_t)rows));
        strbuf_free(&b);
        if (!ok || val_list_push_take(l, m) != MIG_OK) {
            val_unref(ok ? NULL : m);
            val_unref(l);
            l = NULL;
        }
    }
    free(names);
    return l;
}

static val_t *result(const analyze_rows_t *rows, int k, tally_t *t)
{
    val_t *o = val_map_new(10), *band = val_map_new(2);
    bool ok = o && band
              && an_set(band, "accuracy", share(t->band_right, t->n))
              && an_set(band, "baseline", share(t->band_base_right, t->n))
              && an_set(o, "rows", val_int((int64_t)t->n))
              && an_set(o, "folds", val_int(k))
              && an_set(o, "groups", val_int((int64_t)count_groups(rows)))
              && an_set(o, "accuracy", share(t->right, t->n))
              && an_set(o, "baseline", share(t->base_right, t->n))
              && an_set(o, "classes", per_class(t))
              && an_set(o, "confusion", confusion(t))
              && an_set(o, "band", val_ref(band))
              && an_set(o, "inventories", by_group(t))
              && an_set(o, "misses", val_ref(t->misses));
    val_unref(band);
    if (!ok) {
        val_unref(o);
        return NULL;
    }
    return o;
}

mig_status_t analyze_evaluate(const analyze_rows_t *rows, val_t **out,
                              diag_list_t *diags)
{
    *out = NULL;
    int *fold = malloc((rows->n ? rows->n : 1) * sizeof *fold), k = 0;
    tally_t t = { .misses = val_list_new(MAX_MISSES),
                  .groups = val_map_new(16) };
    mig_status_t st = fold && t.misses && t.groups
                      ? analyze_split(rows, fold, &k)
                                       : MIG_ENOMEM;
    if (st == MIG_OK && k < 2) {
        diag_add(diags, DIAG_ERROR, NULL, NULL,
                 "the history has %d inventor%s: an evaluation needs runs "
                 "of 2 or more, so that each is predicted by a model that "
                 "never saw it", k, k == 1 ? "y" : "ies");
        st = MIG_EINVALID;
    }
    for (int f = 0; st == MIG_OK && f < k; f++)
        st = one_fold(rows, fold, f, &t, diags);
    if (st == MIG_OK && !(*out = result(rows, k, &t)))
        st = MIG_ENOMEM;
    free(fold);
    val_unref(t.misses);
    val_unref(t.groups);
    return st;
}
