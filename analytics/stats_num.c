/* stats_num.c: the figures `mig stats` is made of: nearest-rank
 * percentiles, named groups of durations and counts, and the helpers
 * that turn them into the values the CLI prints (docs/analytics.md). */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t analytics_percentile(int64_t *v, size_t n, unsigned p)
{
    assert(n > 0 && p > 0 && p <= 100);
    qsort(v, n, sizeof *v, cmp_i64);
    /* rank = ceil(p * n / 100), in integers so that 95% of 20 is 19. */
    size_t rank = ((size_t)p * n + 99) / 100;
    return v[rank ? rank - 1 : 0];
}

bool an_grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 8;
    void *q = realloc(*p, c * size);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

an_group_t *an_group(an_groups_t *gs, const char *name)
{
    for (size_t i = 0; i < gs->n; i++)
        if (strcmp(gs->g[i].name, name) == 0)
            return &gs->g[i];
    if (!an_grow((void **)&gs->g, &gs->cap, gs->n, sizeof *gs->g))
        return NULL;
    an_group_t *g = &gs->g[gs->n];
    *g = (an_group_t){ .name = strdup(name) };
    if (!g->name)
        return NULL;
    gs->n++;
    return g;
}

bool an_group_add(an_group_t *g, int64_t ms)
{
    if (!an_grow((void **)&g->v, &g->cap, g->n, sizeof *g->v))
        return false;
    g->v[g->n++] = ms;
    return true;
}

void an_groups_free(an_groups_t *gs)
{
    for (size_t i = 0; i < gs->n; i++) {
        free(gs->g[i].name);
        free(gs->g[i].v);
    }
    free(gs->g);
    memset(gs, 0, sizeof *gs);
}

static int cmp_group(const void *a, const void *b)
{
    return strcmp(((const an_group_t *)a)->name, ((const an_group_t *)b)->name);
}

void an_groups_sort(an_groups_t *gs)
{
    if (gs->n)
        qsort(gs->g, gs->n, sizeof *gs->g, cmp_group);
}

void an_put(val_t *m, const char *key, val_t *v, bool *ok)
{
    if (!*ok || !v) {
        val_unref(v);
        *ok = false;
        return;
    }
    if (val_map_set_take(m, key, strlen(key), v) != MIG_OK)
        *ok = false;
}

void an_put_int(val_t *m, const char *key, int64_t n, bool *ok)
{
    if (*ok)
        an_put(m, key, val_int(n), ok);
}

void an_put_str(val_t *m, const char *key, const char *s, bool *ok)
{
    if (*ok)
        an_put(m, key, s ? val_cstring(s) : val_null(), ok);
}

void an_put_share(val_t *m, const char *key, int64_t num, int64_t den,
                  bool *ok)
{
    if (*ok)
        an_put(m, key, den ? val_double(round((double)num / (double)den
                                              * 10000.0) / 10000.0)
                           : val_null(), ok);
}

void an_push(val_t *list, val_t *v, bool *ok)
{
    if (!*ok || !v) {
        val_unref(v);
        *ok = false;
        return;
    }
    if (val_list_push_take(list, v) != MIG_OK)
        *ok = false;
}

val_t *an_durations(an_groups_t *gs, const char *key)
{
    an_groups_sort(gs);
    val_t *list = val_list_new(gs->n);
    bool ok = list != NULL;
    for (size_t i = 0; ok && i < gs->n; i++) {
        an_group_t *g = &gs->g[i];
        val_t *m = val_map_new(6);
        ok = m != NULL;
        an_put_str(m, key, g->name, &ok);
        an_put_int(m, "count", (int64_t)g->n, &ok);
        if (g->n) {
            an_put_int(m, "p50_ms", analytics_percentile(g->v, g->n, 50), &ok);
            an_put_int(m, "p95_ms", analytics_percentile(g->v, g->n, 95), &ok);
            an_put_int(m, "max_ms", g->v[g->n - 1], &ok);
        } else {
            an_put(m, "p50_ms", val_null(), &ok);
            an_put(m, "p95_ms", val_null(), &ok);
            an_put(m, "max_ms", val_null(), &ok);
        }
        an_put_int(m, "failed", g->c[0], &ok);
        an_push(list, m, &ok);
    }
    if (!ok) {
        val_unref(list);
        return NULL;
    }
    return list;
}

val_t *an_get(const val_t *m, const char *key)
{
    return m && val_type(m) == VAL_MAP ? val_map_get(m, key, strlen(key))
                                       : NULL;
}

const char *an_str(const val_t *m, const char *key)
{
    val_t *v = an_get(m, key);
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

int64_t an_int(const val_t *m, const char *key)
{
    val_t *v = an_get(m, key);
    return v && val_is_int(v) ? val_get_int(v) : 0;
}

bool an_item_within(const char *a, const char *b)
{
    size_t n = strlen(b);
    return n == 0 || (strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/'));
}

const char *an_stage_of(const char *node, char *buf, size_t size)
{
    size_t n = strcspn(node, "/");
    if (n >= size)
        n = size - 1;
    memcpy(buf, node, n);
    buf[n] = '\0';
    return buf;
}
