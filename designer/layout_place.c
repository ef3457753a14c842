/* layout_place.c: the coordinates of the layered layout (layout.c has
 * the whole story): one row per layer, tall enough for its nodes and for
 * the margins of the boxes opening and closing there; in each box, its
 * items (nodes and inner boxes) left to right in their order, each as far
 * left as the items beside it allow but not left of what leads into it. */
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "layout_int.h"

/* ---- rows ------------------------------------------------------------ */

/* The layers each group spans, and how many boxes open (close) on its
 * first (last) layer, itself and those inside it. */
static void group_spans(lay_t *l)
{
    for (uint32_t k = 0; k < l->ng; k++) {
        l->gfirst[k] = UINT32_MAX;
        l->glast[k] = 0;
        l->dstart[k] = l->dend[k] = 1;
    }
    for (uint32_t i = 0; i < l->n; i++)
        for (uint32_t it = lay_up(l, i); it != GRAPH_NONE;
             it = lay_up(l, it)) {
            uint32_t k = it - l->n, r = (uint32_t)l->rank[i];
            l->gfirst[k] = r < l->gfirst[k] ? r : l->gfirst[k];
            l->glast[k] = r > l->glast[k] ? r : l->glast[k];
        }
    for (uint32_t k = l->ng; k-- > 0;) {
        uint32_t p = l->out->groups[k].parent;
        if (p == GRAPH_NONE)
            continue;
        if (l->gfirst[k] == l->gfirst[p] && l->dstart[k] + 1 > l->dstart[p])
            l->dstart[p] = l->dstart[k] + 1;
        if (l->glast[k] == l->glast[p] && l->dend[k] + 1 > l->dend[p])
            l->dend[p] = l->dend[k] + 1;
    }
}

/* Places the rows, then every node and box vertically. */
void lay_place_rows(lay_t *l)
{
    group_spans(l);
    int32_t *tops = l->itmp, *bottoms = l->itmp2;
    for (uint32_t k = 0; k < l->n_layers; k++)
        tops[k] = bottoms[k] = 0;
    for (uint32_t i = 0; i < l->n; i++) {
        int32_t h = l->out->nodes[i].h, r = l->rank[i];
        l->row_h[r] = h > l->row_h[r] ? h : l->row_h[r];
    }
    for (uint32_t k = 0; k < l->ng; k++) {
        int32_t t = LAY_PAD_TOP * (int32_t)l->dstart[k];
        int32_t b = LAY_PAD_BOTTOM * (int32_t)l->dend[k];
        tops[l->gfirst[k]] = t > tops[l->gfirst[k]] ? t : tops[l->gfirst[k]];
        bottoms[l->glast[k]] = b > bottoms[l->glast[k]] ? b
                                                        : bottoms[l->glast[k]];
    }
    for (uint32_t k = 0; k < l->n_layers; k++)
        l->row_y[k] = k == 0 ? tops[0]
                             : l->row_y[k - 1] + l->row_h[k - 1] +
                                   bottoms[k - 1] + LAY_GAP_Y + tops[k];
    for (uint32_t i = 0; i < l->n; i++) {
        layout_node_t *nd = &l->out->nodes[i];
        nd->y = l->row_y[nd->layer] + (l->row_h[nd->layer] - nd->h) / 2;
        l->top[i] = nd->y;
        l->bottom[i] = nd->y + nd->h;
    }
    for (uint32_t k = 0; k < l->ng; k++) {
        layout_group_t *gr = &l->out->groups[k];
        gr->y = l->row_y[l->gfirst[k]] - LAY_PAD_TOP * (int32_t)l->dstart[k];
        gr->h = l->row_y[l->glast[k]] + l->row_h[l->glast[k]] +
                LAY_PAD_BOTTOM * (int32_t)l->dend[k] - gr->y;
        l->top[l->n + k] = gr->y;
        l->bottom[l->n + k] = gr->y + gr->h;
    }
}

/* ---- columns --------------------------------------------------------- */

/* The item holding node U directly in container C (an item, or NONE for
 * the top), or NONE when U is not in C. */
static uint32_t item_in(const lay_t *l, uint32_t u, uint32_t c)
{
    for (uint32_t it = u; it != GRAPH_NONE; it = lay_up(l, it))
        if (lay_up(l, it) == c)
            return it;
    return GRAPH_NONE;
}

/* The centre of node U measured from the left of item P holding it. */
static int32_t centre_in(const lay_t *l, uint32_t u, uint32_t p)
{
    int32_t x = l->width[u] / 2;
    for (uint32_t it = u; it != p && it != GRAPH_NONE; it = lay_up(l, it))
        x += l->left[it];
    return x;
}

/* Where item T of container C would like its left edge, under the node
 * leading into it from an item placed already (PLACED[item]); false when
 * none does. Flow edges win over undo, error and hook ties, then the
 * leftmost node. A block's handler wants to stand right of the block. */
static bool wanted_left(const lay_t *l, uint32_t c, uint32_t t,
                        const uint8_t *placed, int32_t *x)
{
    uint32_t v = lay_item_node(l, t), best = GRAPH_NONE, best_class = 2;
    if (graph_node_kind(l->g, v) == GRAPH_RECOVER &&
        lay_guards_block(l->g, v)) {
        uint32_t p = item_in(l, graph_node_scope(l->g, v), c);
        if (p != GRAPH_NONE && placed[p]) {
            *x = l->left[p] + l->width[p] + LAY_GAP_X;
            return true;
        }
    }
    for (uint32_t e = l->in_start[v]; e <= l->in_start[v + 1]; e++) {
        uint32_t u, cls;
        if (e < l->in_start[v + 1]) {
            u = l->in[e].from;
            cls = lay_is_flow(l->in[e].kind) ||
                  l->in[e].kind == GRAPH_EDGE_AFTER ? 0 : 1;
        } else if (graph_node_kind(l->g, v) == GRAPH_HOOK_ENTER &&
                   graph_node_scope(l->g, v) != GRAPH_NONE) {
            u = graph_node_scope(l->g, v);
            cls = 1;
        } else {
            break;
        }
        uint32_t p = item_in(l, u, c);
        if (l->rank[u] >= l->rank[v] || p == GRAPH_NONE || p == t ||
            !placed[p])
            continue;
        if (best == GRAPH_NONE || cls < best_class ||
            (cls == best_class && l->pos[u] < l->pos[best])) {
            best = u;
            best_class = cls;
        }
    }
    if (best == GRAPH_NONE && v > 0 && l->rank[v - 1] < l->rank[v]) {
        /* Reached by no edge (after a decision): under what precedes it. */
        uint32_t p = item_in(l, v - 1, c);
        if (p == GRAPH_NONE || p == t || !placed[p])
            return false;
        best = v - 1;
    } else if (best == GRAPH_NONE) {
        return false;
    }
    uint32_t p = item_in(l, best, c);
    *x = l->left[p] + centre_in(l, best, p) - centre_in(l, v, t);
    return true;
}

/* ---- packing ---------------------------------------------------------

 * Two items of a container are side by side when their vertical extents
 * [top, bottom) overlap. The extents' ends cut the container's height into
 * bands; two items are side by side exactly when they share a band. Each
 * band lists the items across it in their order, so the items side by
 * side with an item and before it are those before it in its bands' lists:
 * an item may be placed once it heads the list of every band it crosses,
 * and the right edge of what stands before it is the most any of its
 * bands has seen. The cost is the number of (item, band) pairs, which the
 * layout keeps near the number of items: a band lies within one row, and
 * a row holds few distinct extents. */

typedef struct pack {
    uint32_t n, n_bands;
    int32_t *cut;           /* the distinct ends of the extents, sorted */
    uint32_t *band0, *band1;    /* per item: its bands [band0, band1) */
    uint32_t *list_start;   /* per band: its list in LIST */
    uint32_t *list;         /* the items across each band, in order */
    uint32_t *head;         /* per band: its first item not yet placed */
    uint32_t *heads;        /* per item: how many bands it heads */
    int32_t *reach;         /* per band: right edge + gap placed so far */
    uint32_t *heap, n_heap; /* the items free to go, highest first */
} pack_t;

static void pack_free(pack_t *p)
{
    free(p->cut);
    free(p->band0);
    free(p->band1);
    free(p->list_start);
    free(p->list);
    free(p->head);
    free(p->heads);
    free(p->reach);
    free(p->heap);
}

static int cut_cmp(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

/* The index of the cut at Y, which is one. */
static uint32_t cut_index(const pack_t *p, int32_t y)
{
    const int32_t *at = bsearch(&y, p->cut, p->n_bands + 1, sizeof(y),
                                cut_cmp);
    assert(at);
    return (uint32_t)(at - p->cut);
}

/* Finds the bands of the N items ITEMS and lists the items across each.
 * False when out of memory. */
static bool pack_bands(const lay_t *l, pack_t *p, const uint32_t *items)
{
    uint32_t n = p->n, m = 0;
    p->cut = calloc(2 * (size_t)n + 1, sizeof(int32_t));
    p->band0 = calloc((size_t)n + 1, sizeof(uint32_t));
    p->band1 = calloc((size_t)n + 1, sizeof(uint32_t));
    p->heads = calloc((size_t)n + 1, sizeof(uint32_t));
    p->heap = calloc((size_t)n + 1, sizeof(uint32_t));
    if (!p->cut || !p->band0 || !p->band1 || !p->heads || !p->heap)
        return false;
    for (uint32_t j = 0; j < n; j++) {
        assert(l->top[items[j]] < l->bottom[items[j]]);
        p->cut[2 * j] = l->top[items[j]];
        p->cut[2 * j + 1] = l->bottom[items[j]];
    }
    qsort(p->cut, 2 * (size_t)n, sizeof(int32_t), cut_cmp);
    for (uint32_t k = 0; k < 2 * n; k++)
        if (m == 0 || p->cut[m - 1] != p->cut[k])
            p->cut[m++] = p->cut[k];
    p->n_bands = m - 1;
    p->list_start = calloc((size_t)m + 1, sizeof(uint32_t));
    p->head = calloc((size_t)m + 1, sizeof(uint32_t));
    p->reach = calloc((size_t)m + 1, sizeof(int32_t));
    if (!p->list_start || !p->head || !p->reach)
        return false;
    for (uint32_t j = 0; j < n; j++) {
        p->band0[j] = cut_index(p, l->top[items[j]]);
        p->band1[j] = cut_index(p, l->bottom[items[j]]);
        for (uint32_t s = p->band0[j]; s < p->band1[j]; s++)
            p->list_start[s + 1]++;
    }
    for (uint32_t s = 0; s < p->n_bands; s++)
        p->list_start[s + 1] += p->list_start[s];
    p->list = calloc((size_t)p->list_start[p->n_bands] + 1,
                     sizeof(uint32_t));
    if (!p->list)
        return false;
    for (uint32_t s = 0; s < p->n_bands; s++) {
        p->head[s] = p->list_start[s];
        p->reach[s] = INT32_MIN;
    }
    for (uint32_t j = 0; j < n; j++)    /* HEAD runs ahead while filling */
        for (uint32_t s = p->band0[j]; s < p->band1[j]; s++)
            p->list[p->head[s]++] = j;
    for (uint32_t s = 0; s < p->n_bands; s++)
        p->head[s] = p->list_start[s];
    return true;
}

/* Whether item J of the container goes before item K among those free to
 * go: the higher first. (Two items with one top are side by side, so never
 * free together; the order only makes the heap's order total.) */
static bool pack_higher(const lay_t *l, const uint32_t *items, uint32_t j,
                        uint32_t k)
{
    int32_t tj = l->top[items[j]], tk = l->top[items[k]];
    return tj != tk ? tj < tk : j < k;
}

static void heap_push(const lay_t *l, pack_t *p, const uint32_t *items,
                      uint32_t j)
{
    uint32_t at = p->n_heap++;
    while (at > 0 && pack_higher(l, items, j, p->heap[(at - 1) / 2])) {
        p->heap[at] = p->heap[(at - 1) / 2];
        at = (at - 1) / 2;
    }
    p->heap[at] = j;
}

static uint32_t heap_pop(const lay_t *l, pack_t *p, const uint32_t *items)
{
    uint32_t top = p->heap[0], last = p->heap[--p->n_heap], at = 0;
    for (;;) {
        uint32_t c = 2 * at + 1;
        if (c >= p->n_heap)
            break;
        if (c + 1 < p->n_heap &&
            pack_higher(l, items, p->heap[c + 1], p->heap[c]))
            c++;
        if (!pack_higher(l, items, p->heap[c], last))
            break;
        p->heap[at] = p->heap[c];
        at = c;
    }
    p->heap[at] = last;
    return top;
}

/* Band S has a new first item (when any is left), which is free to go
 * once it is the first of all of its bands. */
static void pack_head(const lay_t *l, pack_t *p, const uint32_t *items,
                      uint32_t s)
{
    if (p->head[s] == p->list_start[s + 1])
        return;
    uint32_t j = p->list[p->head[s]];
    if (++p->heads[j] == p->band1[j] - p->band0[j])
        heap_push(l, p, items, j);
}

/* Places the N items ITEMS of container C, sorted: of two items side by
 * side (sharing rows), the first in ITEMS goes left. Among the items free
 * to go next, the highest goes first, so that what leads into an item is
 * usually placed before it. *WIDTH gets the width they take, and they are
 * moved to start at MARGIN. False when out of memory. O(n log n) in the
 * items and their bands (above). */
static bool pack(lay_t *l, uint32_t c, const uint32_t *items, uint32_t n,
                 uint8_t *placed, int32_t margin, int32_t *width)
{
    pack_t p = { .n = n };
    int32_t lo_all = INT32_MAX, hi_all = INT32_MIN;
    *width = 0;
    if (n == 0)
        return true;
    if (!pack_bands(l, &p, items)) {
        pack_free(&p);
        return false;
    }
    for (uint32_t s = 0; s < p.n_bands; s++)
        pack_head(l, &p, items, s);
    for (uint32_t done = 0; done < n; done++) {
        uint32_t j = heap_pop(l, &p, items), t = items[j];
        int32_t lo = INT32_MIN, want;
        for (uint32_t s = p.band0[j]; s < p.band1[j]; s++)
            lo = p.reach[s] > lo ? p.reach[s] : lo;
        bool has_want = wanted_left(l, c, t, placed, &want);
        l->left[t] = has_want ? (want > lo ? want : lo)
                              : (lo == INT32_MIN ? 0 : lo);
        placed[t] = 1;
        int32_t right = l->left[t] + l->width[t] + LAY_GAP_X;
        for (uint32_t s = p.band0[j]; s < p.band1[j]; s++) {
            p.reach[s] = right > p.reach[s] ? right : p.reach[s];
            assert(p.list[p.head[s]] == j);
            p.head[s]++;
            pack_head(l, &p, items, s);
        }
        lo_all = l->left[t] < lo_all ? l->left[t] : lo_all;
        if (l->left[t] + l->width[t] > hi_all)
            hi_all = l->left[t] + l->width[t];
    }
    pack_free(&p);
    for (uint32_t j = 0; j < n; j++)
        l->left[items[j]] += margin - lo_all;
    *width = hi_all - lo_all;
    return true;
}

/* Places every item horizontally, box by box from the innermost, then
 * gives nodes and groups their absolute x. */
bool lay_place_columns(lay_t *l)
{
    uint32_t n_items = l->n + l->ng, nc = l->ng + 1, *start, *items;
    uint32_t *key = calloc((size_t)n_items + 1, sizeof(uint32_t));
    uint8_t *placed = calloc((size_t)n_items + 1, 1);
    if (!key || !placed) {
        free(key);
        free(placed);
        return false;
    }
    for (uint32_t it = 0; it < n_items; it++) {
        uint32_t c = lay_up(l, it);
        key[it] = c == GRAPH_NONE ? l->ng : c - l->n;
    }
    bool ok = export_bucket(key, n_items, nc, &start, &items);
    free(key);
    /* Inner boxes first (a group comes after the one holding it), the
     * top (container NG) last. */
    for (uint32_t j = 0; ok && j < nc; j++) {
        uint32_t c = j == l->ng ? l->ng : l->ng - 1 - j;
        uint32_t *a = items + start[c], m = start[c + 1] - start[c];
        int32_t w;
        lay_sort_items(l, a, l->tmp, m, lay_item_before);
        if (c == l->ng) {
            ok = pack(l, GRAPH_NONE, a, m, placed, 0, &w);
        } else {
            ok = pack(l, l->n + c, a, m, placed, LAY_PAD_X, &w);
            l->width[l->n + c] = w + 2 * LAY_PAD_X;
            l->out->groups[c].w = l->width[l->n + c];
        }
    }
    free(start);
    free(items);
    free(placed);
    if (!ok)
        return false;
    for (uint32_t k = 0; k < l->ng; k++) {
        uint32_t p = l->out->groups[k].parent;
        l->out->groups[k].x = l->left[l->n + k] +
                              (p == GRAPH_NONE ? 0 : l->out->groups[p].x);
    }
    for (uint32_t i = 0; i < l->n; i++) {
        uint32_t k = l->out->group_of[i];
        l->out->nodes[i].x = l->left[i] +
                             (k == GRAPH_NONE ? 0 : l->out->groups[k].x);
    }
    return true;
}
