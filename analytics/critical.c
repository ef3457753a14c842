/* critical.c: the critical path through a run (docs/analytics.md, "The
 * critical path"): from the step that ended last, back through the step
 * that ended last before each one started, to the first. Pure: it sees
 * spans of time, not the store, so that the tests can build runs. */
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

typedef struct by_end {
    int64_t end;
    size_t i;
} by_end_t;

static int cmp_end(const void *a, const void *b)
{
    const by_end_t *x = a, *y = b;
    if (x->end != y->end)
        return (x->end > y->end) - (x->end < y->end);
    return (x->i > y->i) - (x->i < y->i);
}

/* Whether span J may have held up span K: J's stage is K's, or one K's
 * stage runs after. */
static bool may_wait(const analytics_span_t *sp, size_t j, size_t k,
                     analytics_after_fn after, void *data)
{
    char a[128], b[128];
    an_stage_of(sp[j].node, a, sizeof a);
    an_stage_of(sp[k].node, b, sizeof b);
    return strcmp(a, b) == 0 || !after || after(data, a, b);
}

static bool related(const analytics_span_t *x, const analytics_span_t *y)
{
    return an_item_within(x->item, y->item) || an_item_within(y->item, x->item);
}

/* The span that bounded the start of span K: of the spans that ended at
 * or before it started (and sort before it: a span never bounds itself,
 * so the walk ends), in a stage it may wait for, the one that ended
 * last; among those that ended at that moment, one of K's item, an item
 * around it or inside it before another item's, then the latest
 * recorded. SIZE_MAX when none. E is SP sorted by end. */
static size_t bound_of(const analytics_span_t *sp, const by_end_t *e, size_t n,
                       size_t k, analytics_after_fn after, void *data)
{
    /* The first entry of E that ended after K started. */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].end <= sp[k].start_ms)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t best = SIZE_MAX;
    for (size_t p = lo; p-- > 0;) {
        size_t j = e[p].i;
        if (best != SIZE_MAX && e[p].end < sp[best].end_ms)
            break;              /* past the moment the best one ended */
        if (j == k || (e[p].end == sp[k].end_ms && j > k))
            continue;
        if (!may_wait(sp, j, k, after, data))
            continue;
        if (best == SIZE_MAX)
            best = j;
        else if (!related(&sp[best], &sp[k]) && related(&sp[j], &sp[k]))
            best = j;
    }
    return best;
}

mig_status_t analytics_critical_path(const analytics_span_t *sp, size_t n,
                                     analytics_after_fn after, void *data,
                                     size_t **path, size_t *len)
{
    *path = NULL;
    *len = 0;
    if (n == 0)
        return MIG_OK;
    by_end_t *e = malloc(n * sizeof *e);
    size_t *chain = malloc(n * sizeof *chain);
    if (!e || !chain) {
        free(e);
        free(chain);
        return MIG_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        e[i] = (by_end_t){ .end = sp[i].end_ms, .i = i };
    qsort(e, n, sizeof *e, cmp_end);
    size_t m = 0;
    /* Each step goes to a span that sorts strictly before (by end, then
     * by order), so the walk ends after at most N spans. */
    for (size_t k = e[n - 1].i; k != SIZE_MAX && m < n;
         k = bound_of(sp, e, n, k, after, data))
        chain[m++] = k;
    for (size_t i = 0; i < m / 2; i++) {
        size_t t = chain[i];
        chain[i] = chain[m - 1 - i];
        chain[m - 1 - i] = t;
    }
    free(e);
    *path = chain;
    *len = m;
    return MIG_OK;
}
