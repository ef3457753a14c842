/* check_order.c: whether one stage surely runs before another, through
 * `after` (check_runs_before), for the checks of STAGE.STEP reads and of
 * rollbacks (check_expr.c, check_flow.c). The stages are ranked once; each
 * question is then answered by a short walk, cut short by labels made with
 * the ranks, so that plans of 200,000 stages, or a chain of 10,000 stages
 * that all read the first one's step, cost time in proportion to their
 * size, not to its square. */
#include <stdlib.h>
#include <string.h>

#include "check_int.h"

/* Ranks the stages (Kahn's algorithm over `after`): a stage's `after`
 * stages all have smaller ranks; stages on a cycle keep UINT32_MAX. ORDER
 * receives the ranked stages by rank; returns how many there are. */
static uint32_t rank_stages(chk_t *k, uint32_t *order)
{
    uint32_t n = k->n_stages;
    uint32_t *missing = malloc((n + 1) * sizeof(uint32_t));
    uint32_t *first = calloc(n + 2, sizeof(uint32_t));
    uint32_t total = 0;
    for (uint32_t s = 0; s < n; s++)
        total += k->stages[s].n_after;
    uint32_t *dependents = malloc(((size_t)total + 1) * sizeof(uint32_t));
    uint32_t len = 0;
    if (missing && first && dependents) {
        for (uint32_t s = 0; s < n; s++) {
            k->rank[s] = UINT32_MAX;
            missing[s] = k->stages[s].n_after;
            for (uint32_t i = 0; i < k->stages[s].n_after; i++)
                first[k->stages[s].after[i] + 2]++;
        }
        for (uint32_t s = 2; s < n + 2; s++)
            first[s] += first[s - 1];
        for (uint32_t s = 0; s < n; s++)
            for (uint32_t i = 0; i < k->stages[s].n_after; i++)
                dependents[first[k->stages[s].after[i] + 1]++] = s;
        for (uint32_t s = 0; s < n; s++)
            if (!missing[s])
                order[len++] = s;
        for (uint32_t at = 0; at < len; at++) {
            uint32_t s = order[at];
            k->rank[s] = at;
            for (uint32_t d = first[s]; d < first[s + 1]; d++)
                if (--missing[dependents[d]] == 0)
                    order[len++] = dependents[d];
        }
    } else {
        k->oom = true;
    }
    free(missing);
    free(first);
    free(dependents);
    return len;
}

/* Labels the ranked stages for check_runs_before's shortcut. Each ranked
 * stage hangs under its first ranked `after` stage (its parent, ranked
 * lower), which makes a forest; each stage gets its number in a pre-order
 * of that forest (PRE) and the size of its subtree (SIZE), so that "A is
 * an ancestor of B in the forest", which implies "A runs before B", is
 * two comparisons. ORDER holds the LEN ranked stages by rank; stages on a
 * cycle get SIZE 0 and PRE UINT32_MAX: nobody's ancestor, nor descendant. */
static void label_stages(chk_t *k, const uint32_t *order, uint32_t len)
{
    uint32_t *parent = k->walk;         /* free until the first walk */
    for (uint32_t s = 0; s < k->n_stages; s++) {
        k->size[s] = 0;
        k->pre[s] = UINT32_MAX;         /* outside every stage's range */
    }
    for (uint32_t at = 0; at < len; at++) {
        const cstage_t *t = &k->stages[order[at]];
        parent[order[at]] = UINT32_MAX;
        for (uint32_t i = 0; i < t->n_after; i++)
            if (k->rank[t->after[i]] != UINT32_MAX) {
                parent[order[at]] = t->after[i];
                break;
            }
    }
    /* Subtree sizes, children first (a child ranks above its parent). */
    for (uint32_t at = len; at-- > 0;) {
        uint32_t s = order[at];
        k->size[s]++;
        if (parent[s] != UINT32_MAX)
            k->size[parent[s]] += k->size[s];
    }
    /* Pre-order numbers, parents first: each stage takes the next free
     * number in its parent's range (k->seen holds it, for now) and leaves
     * the rest of its own range to its children. */
    uint32_t *next_free = k->seen, roots = 0;
    for (uint32_t at = 0; at < len; at++) {
        uint32_t s = order[at];
        if (parent[s] == UINT32_MAX) {
            k->pre[s] = roots;
            roots += k->size[s];
        } else {
            k->pre[s] = next_free[parent[s]];
            next_free[parent[s]] += k->size[s];
        }
        next_free[s] = k->pre[s] + 1;
    }
}

/* Makes the tables check_runs_before uses (in the arena); false when out
 * of memory. */
static bool order_stages(chk_t *k)
{
    uint32_t n = k->n_stages + 1;
    k->rank = arena_alloc(k->arena, n * sizeof(uint32_t));
    k->seen = arena_alloc(k->arena, n * sizeof(uint32_t));
    k->walk = arena_alloc(k->arena, n * sizeof(uint32_t));
    k->pre = arena_alloc(k->arena, n * sizeof(uint32_t));
    k->size = arena_alloc(k->arena, n * sizeof(uint32_t));
    k->known = arena_alloc(k->arena, n * sizeof(uint32_t));
    uint32_t *order = malloc(n * sizeof(uint32_t));
    if (!k->rank || !k->seen || !k->walk || !k->pre || !k->size || !k->known
        || !order) {
        free(order);
        k->rank = NULL;
        k->oom = true;
        return false;
    }
    uint32_t len = rank_stages(k, order);
    if (!k->oom)
        label_stages(k, order, len);
    free(order);
    /* arena memory starts zeroed: no walk has marked a stage, nothing is
     * known yet */
    memset(k->seen, 0, n * sizeof(uint32_t));
    if (k->oom)
        k->rank = NULL;
    return !k->oom;
}

/* Whether stage A is stage P, or an ancestor of P in the forest, or known
 * from an earlier walk to run before P. */
static bool shortcut(const chk_t *k, uint32_t a, uint32_t p)
{
    return p == a || k->known[p] == a + 1
           || (k->size[a] && k->pre[a] <= k->pre[p]
               && k->pre[p] < k->pre[a] + k->size[a]);
}

/* Walks back from B through `after`, skipping every stage ranked below
 * A (nothing before it can lead to A), and stops at the first stage the
 * shortcut settles: so the usual questions (a stage a few steps back, or
 * the head of a long chain) cost a few steps, and no table of all pairs
 * (N^2 for N stages) is made. A positive answer is remembered at B, so
 * asking it again, or asking it of a stage after B, is quick. */
bool check_runs_before(chk_t *k, uint32_t a, uint32_t b)
{
    if (!k->rank && !order_stages(k))
        return true;
    if (a != b && shortcut(k, a, b))
        return true;
    uint32_t mark = ++k->walks, n = 0, floor = k->rank[a];
    if (floor == UINT32_MAX)
        floor = 0;              /* A is on a cycle: no pruning */
    k->walk[n++] = b;
    while (n) {
        const cstage_t *t = &k->stages[k->walk[--n]];
        for (uint32_t i = 0; i < t->n_after; i++) {
            uint32_t p = t->after[i];
            if (shortcut(k, a, p)) {
                k->known[b] = a + 1;
                return true;
            }
            if (k->seen[p] == mark
                || (k->rank[p] != UINT32_MAX && k->rank[p] < floor))
                continue;
            k->seen[p] = mark;
            k->walk[n++] = p;
        }
    }
    return false;
}
