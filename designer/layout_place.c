/* layout_place.c: the coordinates of the layered layout (layout.c has
 * the whole story): one row per layer, tall enough for its nodes and for
 * the margins of the boxes opening and closing there; in each box, its
 * items (nodes and inner boxes) left to right in their order, each as far
 * left as the items beside it allow but not left of what leads into it. */
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

static bool overlap(const lay_t *l, uint32_t a, uint32_t b)
{
    return l->top[a] < l->bottom[b] && l->top[b] < l->bottom[a];
}

/* Places the N items ITEMS of container C, sorted: of two items side by
 * side (sharing rows), the first in ITEMS goes left. Among the items free
 * to go next, the highest goes first, so that what leads into an item is
 * usually placed before it. Gives the width they take and moves them to
 * start at MARGIN. WAIT (N entries) is scratch. */
static int32_t pack(lay_t *l, uint32_t c, const uint32_t *items, uint32_t n,
                    uint8_t *placed, uint32_t *wait, int32_t margin)
{
    int32_t lo_all = INT32_MAX, hi_all = INT32_MIN;
    for (uint32_t j = 0; j < n; j++) {
        wait[j] = 0;
        for (uint32_t q = 0; q < j; q++)
            wait[j] += overlap(l, items[q], items[j]);
    }
    for (uint32_t done = 0; done < n; done++) {
        uint32_t j = n;
        for (uint32_t q = 0; q < n; q++)
            if (!placed[items[q]] && wait[q] == 0 &&
                (j == n || l->top[items[q]] < l->top[items[j]]))
                j = q;
        uint32_t t = items[j];
        int32_t lo = INT32_MIN, want;
        for (uint32_t q = 0; q < n; q++) {
            uint32_t p = items[q];
            if (q < j && overlap(l, p, t) &&
                l->left[p] + l->width[p] + LAY_GAP_X > lo)
                lo = l->left[p] + l->width[p] + LAY_GAP_X;
            if (q > j && overlap(l, p, t))
                wait[q]--;
        }
        bool has_want = wanted_left(l, c, t, placed, &want);
        l->left[t] = has_want ? (want > lo ? want : lo)
                              : (lo == INT32_MIN ? 0 : lo);
        placed[t] = 1;
        lo_all = l->left[t] < lo_all ? l->left[t] : lo_all;
        if (l->left[t] + l->width[t] > hi_all)
            hi_all = l->left[t] + l->width[t];
    }
    if (n == 0)
        return 0;
    for (uint32_t j = 0; j < n; j++)
        l->left[items[j]] += margin - lo_all;
    return hi_all - lo_all;
}

/* Places every item horizontally, box by box from the innermost, then
 * gives nodes and groups their absolute x. */
bool lay_place_columns(lay_t *l)
{
    uint32_t n_items = l->n + l->ng, nc = l->ng + 1;
    uint32_t *start = calloc((size_t)nc + 1, sizeof(uint32_t));
    uint32_t *items = calloc((size_t)n_items + 1, sizeof(uint32_t));
    uint8_t *placed = calloc((size_t)n_items + 1, 1);
    uint32_t *wait = calloc((size_t)n_items + 1, sizeof(uint32_t));
    if (!start || !items || !placed || !wait) {
        free(wait);
        free(start);
        free(items);
        free(placed);
        return false;
    }
    for (uint32_t it = 0; it < n_items; it++) {
        uint32_t c = lay_up(l, it);
        start[(c == GRAPH_NONE ? l->ng : c - l->n) + 1]++;
    }
    for (uint32_t c = 0; c < nc; c++)
        start[c + 1] += start[c];
    memcpy(l->tmp, start, nc * sizeof(uint32_t));
    for (uint32_t it = 0; it < n_items; it++) {
        uint32_t c = lay_up(l, it);
        items[l->tmp[c == GRAPH_NONE ? l->ng : c - l->n]++] = it;
    }
    /* Inner boxes first (a group comes after the one holding it), the
     * top (container NG) last. */
    for (uint32_t j = 0; j < nc; j++) {
        uint32_t c = j == l->ng ? l->ng : l->ng - 1 - j;
        uint32_t *a = items + start[c], m = start[c + 1] - start[c];
        lay_sort_items(l, a, l->tmp, m, lay_item_before);
        if (c == l->ng) {
            pack(l, GRAPH_NONE, a, m, placed, wait, 0);
        } else {
            int32_t w = pack(l, l->n + c, a, m, placed, wait, LAY_PAD_X);
            l->width[l->n + c] = w + 2 * LAY_PAD_X;
            l->out->groups[c].w = l->width[l->n + c];
        }
    }
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
    free(start);
    free(items);
    free(placed);
    free(wait);
    return true;
}
