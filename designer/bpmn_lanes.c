/* bpmn_lanes.c: what the diagram's flows ask while they look for a free
 * lane (bpmn_di.c): which item of a container (a node, or a group standing
 * directly in it) a vertical line crosses. Asked once or more per flow, a
 * scan of every item would make the diagram quadratic in the plan's size,
 * so the items' boxes are indexed once: a segment tree over their x edges
 * (every container's kept apart), each tree node listing the boxes that
 * span its whole x range. Those boxes share an x, so the layout has them
 * one above the other (it never lets two items of a container overlap):
 * sorted by top, a y range meets a run of them, and a small min tree over
 * each list gives the first item of the run. A question costs O(log^2 n);
 * building the index O(n log n). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "bpmn_int.h"

/* An x edge of an item's box, in its container. */
typedef struct lane_x {
    uint32_t c;
    int32_t x;
} lane_x_t;

struct bpmn_lanes {
    lane_x_t *xs;           /* the distinct edges, sorted by container, x */
    uint32_t n_xs, size;    /* SIZE: leaves, a power of two >= 2 N_XS */
    uint32_t *start;        /* per tree node (2 SIZE + 1): its list */
    uint32_t *key;          /* the lists: item keys, by top */
    int32_t *top, *bottom;  /* beside KEY: the item's vertical extent */
    uint32_t *min;          /* per list at START S, M long: a min tree of
                             * its keys at MIN[2 S .. 2 S + 2 M) */
};

/* An item's key: node I is I, group K is N + K, so that the smallest key
 * is the first item in the order nodes, then groups. */
static box_t item_box(const bpmn_t *b, uint32_t key)
{
    uint32_t n = graph_node_count(b->g);
    return key < n ? bpmn_node_box(b, key) : bpmn_group_box(b, key - n);
}

static uint32_t item_container(const bpmn_t *b, uint32_t key)
{
    uint32_t n = graph_node_count(b->g);
    return key < n ? b->lay.group_of[key] : b->lay.groups[key - n].parent;
}

static int x_cmp(const void *pa, const void *pb)
{
    const lane_x_t *a = pa, *b = pb;
    if (a->c != b->c)
        return a->c < b->c ? -1 : 1;
    return (a->x > b->x) - (a->x < b->x);
}

/* The index of edge (C, X) in L->xs, which holds it. */
static uint32_t x_index(const bpmn_lanes_t *l, uint32_t c, int32_t x)
{
    lane_x_t k = { c, x };
    const lane_x_t *p = bsearch(&k, l->xs, l->n_xs, sizeof(k), x_cmp);
    assert(p);
    return (uint32_t)(p - l->xs);
}

/* The tree's units are the edges (2 I) and the open gaps between two
 * edges (2 I + 1). The unit of the point X in container C, or false when
 * no box of C can hold it. */
static bool x_unit(const bpmn_lanes_t *l, uint32_t c, int32_t x,
                   uint32_t *u)
{
    lane_x_t k = { c, x };
    uint32_t lo = 0, hi = l->n_xs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (x_cmp(&l->xs[mid], &k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < l->n_xs && x_cmp(&l->xs[lo], &k) == 0) {
        *u = 2 * lo;
        return true;
    }
    if (lo == 0 || lo == l->n_xs || l->xs[lo - 1].c != c ||
        l->xs[lo].c != c)
        return false;
    *u = 2 * lo - 1;
    return true;
}

/* Calls VISIT(L, NODE, KEY) for the tree nodes covering units [A, B]. */
static void cover(bpmn_lanes_t *l, uint32_t a, uint32_t b, uint32_t key,
                  void (*visit)(bpmn_lanes_t *, uint32_t, uint32_t))
{
    for (uint32_t lo = a + l->size, hi = b + l->size + 1; lo < hi;
         lo /= 2, hi /= 2) {
        if (lo & 1)
            visit(l, lo++, key);
        if (hi & 1)
            visit(l, --hi, key);
    }
}

static void count_one(bpmn_lanes_t *l, uint32_t node, uint32_t key)
{
    (void)key;
    l->start[node + 1]++;
}

static void put_one(bpmn_lanes_t *l, uint32_t node, uint32_t key)
{
    l->key[l->start[node]++] = key;
}

/* An item with its top, sorted by top then key (top_cmp): putting the
 * items in the lists in this order sorts every list. */
typedef struct lane_item {
    int32_t top;
    uint32_t key;
} lane_item_t;

static int top_cmp(const void *pa, const void *pb)
{
    const lane_item_t *a = pa, *b = pb;
    if (a->top != b->top)
        return a->top < b->top ? -1 : 1;
    return (a->key > b->key) - (a->key < b->key);
}

/* The units of item KEY's box: from its left edge to its right. */
static void item_units(const bpmn_t *b, uint32_t key, uint32_t *a,
                       uint32_t *z)
{
    box_t bx = item_box(b, key);
    uint32_t c = item_container(b, key);
    *a = 2 * x_index(b->lanes, c, bx.x);
    *z = 2 * x_index(b->lanes, c, bx.x + bx.w);
}

/* Counts, then fills the lists (ORDER: the items by top), their extents
 * and their min trees. False when out of memory. */
static bool fill(const bpmn_t *b, const lane_item_t *order, uint32_t n_items)
{
    bpmn_lanes_t *l = b->lanes;
    uint32_t nodes = 2 * l->size, a, z;
    l->start = calloc((size_t)nodes + 1, sizeof(uint32_t));
    if (!l->start)
        return false;
    for (uint32_t j = 0; j < n_items; j++) {
        item_units(b, order[j].key, &a, &z);
        cover(l, a, z, order[j].key, count_one);
    }
    for (uint32_t v = 0; v < nodes; v++)
        l->start[v + 1] += l->start[v];
    size_t total = (size_t)l->start[nodes] + 1;
    l->key = calloc(total, sizeof(uint32_t));
    l->top = calloc(total, sizeof(int32_t));
    l->bottom = calloc(total, sizeof(int32_t));
    l->min = calloc(2 * total, sizeof(uint32_t));
    if (!l->key || !l->top || !l->bottom || !l->min)
        return false;
    for (uint32_t j = 0; j < n_items; j++) {
        item_units(b, order[j].key, &a, &z);
        cover(l, a, z, order[j].key, put_one);
    }
    for (uint32_t v = nodes; v > 0; v--)    /* put_one moved each start */
        l->start[v] = l->start[v - 1];
    l->start[0] = 0;
    for (uint32_t v = 0; v < nodes; v++) {
        uint32_t s = l->start[v], m = l->start[v + 1] - s;
        for (uint32_t j = 0; j < m; j++) {
            box_t bx = item_box(b, l->key[s + j]);
            l->top[s + j] = bx.y;
            l->bottom[s + j] = bx.y + bx.h;
            l->min[2 * s + m + j] = l->key[s + j];
            /* Boxes sharing an x never overlap: the run below holds. */
            assert(j == 0 || l->bottom[s + j - 1] <= l->top[s + j]);
        }
        for (uint32_t j = m; j-- > 1;) {
            uint32_t x = l->min[2 * s + 2 * j], y = l->min[2 * s + 2 * j + 1];
            l->min[2 * s + j] = x < y ? x : y;
        }
    }
    return true;
}

bool bpmn_lanes_build(bpmn_t *b)
{
    uint32_t n = graph_node_count(b->g), n_items = n + b->lay.n_groups;
    bpmn_lanes_t *l = calloc(1, sizeof(*l));
    lane_item_t *order = calloc((size_t)n_items + 1, sizeof(lane_item_t));
    b->lanes = l;
    if (l)
        l->xs = calloc(2 * (size_t)n_items + 1, sizeof(lane_x_t));
    if (!l || !order || !l->xs) {
        free(order);
        return false;
    }
    for (uint32_t k = 0; k < n_items; k++) {
        box_t bx = item_box(b, k);
        uint32_t c = item_container(b, k);
        l->xs[2 * k] = (lane_x_t){ c, bx.x };
        l->xs[2 * k + 1] = (lane_x_t){ c, bx.x + bx.w };
        order[k] = (lane_item_t){ bx.y, k };
    }
    qsort(l->xs, 2 * (size_t)n_items, sizeof(lane_x_t), x_cmp);
    for (uint32_t k = 0; k < 2 * n_items; k++)
        if (l->n_xs == 0 || x_cmp(&l->xs[l->n_xs - 1], &l->xs[k]) != 0)
            l->xs[l->n_xs++] = l->xs[k];
    for (l->size = 1; l->size < 2 * l->n_xs; l->size *= 2)
        ;
    qsort(order, n_items, sizeof(lane_item_t), top_cmp);
    bool ok = fill(b, order, n_items);
    free(order);
    return ok;
}

void bpmn_lanes_free(bpmn_t *b)
{
    bpmn_lanes_t *l = b->lanes;
    if (!l)
        return;
    free(l->xs);
    free(l->start);
    free(l->key);
    free(l->top);
    free(l->bottom);
    free(l->min);
    free(l);
    b->lanes = NULL;
}

/* The first index of list [S, S + M) whose VALS entry is at least V
 * (ABOVE false) or above V (ABOVE true); the list is sorted by it. */
static uint32_t first_from(const int32_t *vals, uint32_t s, uint32_t m,
                           int32_t v, bool above)
{
    uint32_t lo = 0, hi = m;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (above ? vals[s + mid] > v : vals[s + mid] >= v)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* The smallest key at [A, Z) of the list at S, M long. */
static uint32_t list_min(const bpmn_lanes_t *l, uint32_t s, uint32_t m,
                         uint32_t a, uint32_t z)
{
    uint32_t best = UINT32_MAX;
    for (a += m, z += m; a < z; a /= 2, z /= 2) {
        if (a & 1) {
            uint32_t v = l->min[2 * s + a++];
            best = v < best ? v : best;
        }
        if (z & 1) {
            uint32_t v = l->min[2 * s + --z];
            best = v < best ? v : best;
        }
    }
    return best;
}

bool bpmn_crossed(const bpmn_t *b, uint32_t c, int32_t x, int32_t y0,
                  int32_t y1, int32_t *right)
{
    const bpmn_lanes_t *l = b->lanes;
    uint32_t u, best = UINT32_MAX;
    if (!x_unit(l, c, x, &u))
        return false;
    for (uint32_t v = u + l->size; v >= 1; v /= 2) {
        uint32_t s = l->start[v], m = l->start[v + 1] - s;
        /* Boxes with top < Y1, then of those the ones with bottom > Y0:
         * the tops and the bottoms rise together along the list. */
        uint32_t z = first_from(l->top, s, m, y1, false);
        uint32_t a = first_from(l->bottom, s, z, y0, true);
        if (a < z) {
            uint32_t k = list_min(l, s, m, a, z);
            best = k < best ? k : best;
        }
    }
    if (best == UINT32_MAX)
        return false;
    box_t bx = item_box(b, best);
    *right = bx.x + bx.w;
    return true;
}
