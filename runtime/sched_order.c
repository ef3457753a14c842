/* sched_order.c: the order of a foreach's items under `after NAMES`
 * (docs/language.md, "after"). sched_foreach.c gives the pairs "item I
 * waits for item J" when the loop starts; this file finds a cycle among
 * them, and then answers which item may start next: among the items not
 * taken yet, the first in list order whose named items have all ended.
 * An item that waits is not taken, so it holds no place of `parallel`. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sched_int.h"

struct sched_order {
    size_t n;                   /* items */
    /* The pairs, by the waiting item: item I waits for on[from[I]] up to
     * on[from[I + 1]] (duplicates count twice, and end twice). */
    size_t *from, *on, n_on, cap_on;
    size_t last;                /* the item of the last pair added */
    /* The other way: item J is waited for by by[to[J]] up to by[to[J+1]]. */
    size_t *to, *by;
    size_t *blockers;           /* per item: pairs whose item has not ended */
    size_t *heap, n_heap;       /* the items free to start, lowest first */
};

sched_order_t *sched_order_new(size_t n)
{
    sched_order_t *o = calloc(1, sizeof(*o));
    if (!o)
        return NULL;
    o->n = n;
    o->from = calloc(n + 1, sizeof(*o->from));
    o->blockers = calloc(n ? n : 1, sizeof(*o->blockers));
    if (!o->from || !o->blockers) {
        sched_order_free(o);
        return NULL;
    }
    return o;
}

void sched_order_free(sched_order_t *o)
{
    if (!o)
        return;
    free(o->from);
    free(o->on);
    free(o->to);
    free(o->by);
    free(o->blockers);
    free(o->heap);
    free(o);
}

bool sched_order_wait(sched_order_t *o, size_t item, size_t on)
{
    assert(item < o->n && on < o->n && item >= o->last && !o->to);
    if (o->n_on == o->cap_on) {
        size_t cap = o->cap_on ? o->cap_on * 2 : 64;
        size_t *grown = realloc(o->on, cap * sizeof(*grown));
        if (!grown)
            return false;
        o->on = grown;
        o->cap_on = cap;
    }
    o->on[o->n_on++] = on;
    o->from[item + 1]++;
    o->last = item;
    o->blockers[item]++;
    return true;
}

/* ---- the items free to start: a binary heap of indexes, lowest first ---- */

static void heap_push(sched_order_t *o, size_t i)
{
    size_t k = o->n_heap++;
    while (k && o->heap[(k - 1) / 2] > i) {
        o->heap[k] = o->heap[(k - 1) / 2];
        k = (k - 1) / 2;
    }
    o->heap[k] = i;
}

static size_t heap_pop(sched_order_t *o)
{
    size_t top = o->heap[0], x = o->heap[--o->n_heap], k = 0;
    for (;;) {
        size_t c = 2 * k + 1;
        if (c >= o->n_heap)
            break;
        if (c + 1 < o->n_heap && o->heap[c + 1] < o->heap[c])
            c++;
        if (o->heap[c] >= x)
            break;
        o->heap[k] = o->heap[c];
        k = c;
    }
    if (o->n_heap)
        o->heap[k] = x;
    return top;
}

/* ---- the cycle check ------------------------------------------------------ */

/* Kahn's walk over copies of the counts: whether every item can start
 * some time. When not, *CYCLE (the caller frees it) gets N_CYCLE items
 * that wait for one another, each for the next, the last for the first. */
static bool acyclic(const sched_order_t *o, size_t **cycle, size_t *n_cycle)
{
    size_t *left = malloc((o->n ? o->n : 1) * sizeof(*left));
    size_t *todo = malloc((o->n ? o->n : 1) * sizeof(*todo));
    if (!left || !todo) {
        free(left);
        free(todo);
        return false;
    }
    memcpy(left, o->blockers, o->n * sizeof(*left));
    size_t n_todo = 0, seen = 0;
    for (size_t i = 0; i < o->n; i++)
        if (!left[i])
            todo[n_todo++] = i;
    while (n_todo) {
        size_t j = todo[--n_todo];
        seen++;
        for (size_t k = o->to[j]; k < o->to[j + 1]; k++)
            if (!--left[o->by[k]])
                todo[n_todo++] = o->by[k];
    }
    if (seen == o->n) {
        free(left);
        free(todo);
        return true;
    }
    /* Every item left waits for at least one other item left: walking
     * from the first along such pairs must come back to an item already
     * walked. STEP (the array todo, used again) numbers the items walked,
     * from 1. */
    size_t *step = todo, at = 0;
    memset(step, 0, o->n * sizeof(*step));
    while (left[at] == 0)
        at++;
    size_t count = 0;
    while (!step[at]) {
        step[at] = ++count;
        size_t next = at;
        for (size_t k = o->from[at]; k < o->from[at + 1]; k++)
            if (left[o->on[k]]) {
                next = o->on[k];
                break;
            }
        at = next;
    }
    /* The cycle: from AT, walked at STEP[AT], to the last one walked. */
    size_t len = count - step[at] + 1, *c = malloc(len * sizeof(*c));
    if (c) {
        for (size_t i = 0; i < o->n; i++)
            if (step[i] >= step[at])
                c[step[i] - step[at]] = i;
    }
    *cycle = c;
    *n_cycle = c ? len : 0;
    free(left);
    free(todo);
    return false;
}

mig_status_t sched_order_seal(sched_order_t *o, size_t **cycle,
                              size_t *n_cycle)
{
    *cycle = NULL;
    *n_cycle = 0;
    /* FROM: counts to offsets. */
    for (size_t i = 0; i < o->n; i++)
        o->from[i + 1] += o->from[i];
    o->to = calloc(o->n + 1, sizeof(*o->to));
    o->by = malloc((o->n_on ? o->n_on : 1) * sizeof(*o->by));
    o->heap = malloc((o->n ? o->n : 1) * sizeof(*o->heap));
    if (!o->to || !o->by || !o->heap)
        return MIG_ENOMEM;
    for (size_t k = 0; k < o->n_on; k++)
        o->to[o->on[k] + 1]++;
    for (size_t j = 0; j < o->n; j++)
        o->to[j + 1] += o->to[j];
    size_t *fill = calloc(o->n ? o->n : 1, sizeof(*fill));
    if (!fill)
        return MIG_ENOMEM;
    for (size_t i = 0; i < o->n; i++)
        for (size_t k = o->from[i]; k < o->from[i + 1]; k++)
            o->by[o->to[o->on[k]] + fill[o->on[k]]++] = i;
    free(fill);
    if (!acyclic(o, cycle, n_cycle))
        return *cycle ? MIG_EINVALID : MIG_ENOMEM;
    /* In list order, the free items already form a heap. */
    for (size_t i = 0; i < o->n; i++)
        if (!o->blockers[i])
            o->heap[o->n_heap++] = i;
    return MIG_OK;
}

size_t sched_order_take(sched_order_t *o)
{
    return o->n_heap ? heap_pop(o) : SIZE_MAX;
}

void sched_order_ended(sched_order_t *o, size_t item)
{
    for (size_t k = o->to[item]; k < o->to[item + 1]; k++)
        if (!--o->blockers[o->by[k]])
            heap_push(o, o->by[k]);
}
