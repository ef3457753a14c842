/* layout.c: the layered layout of an execution graph (designer_int.h),
 * which the mig-graph JSON carries as layout hints and the BPMN export
 * draws. Sugiyama-style, the flow running top to bottom:
 *
 * 1. Layers: the longest path along the flow (seq, loop, then, else, and
 *    after, from the whole of a stage to the stages after it). Error and
 *    undo edges do not rank: an undo stands in its step's layer; a hook,
 *    and a handler making a group of its own, start one layer below the
 *    scope they belong to; a handler of a stage, foreach or retry block
 *    one layer below the block's exit, to the right of its box (where
 *    BPMN draws the flow of a boundary event). An edge that would go back
 *    up is ignored (a compiled graph has none).
 * 2. Groups: stages, foreach and retry bodies, hooks, and handlers that
 *    guard no such block are boxes (designer_int.h says which).
 * 3. Order: barycenter sweeps, down and up; each layer is sorted so that a
 *    group's nodes stay together and sibling groups keep one order in
 *    every layer they share.
 * 4. Coordinates: one row per layer, tall enough for its nodes and for the
 *    margins of the boxes that open or close there; in each box its items
 *    (nodes and inner boxes) go left to right in their order, each as far
 *    left as the items beside it allow but not left of the node leading
 *    into it, so the main flow runs straight down and branches, handlers
 *    and undo steps stand to its right.
 *
 * Node sizes follow BPMN: tasks 100x80, events 36x36, gateways 50x50; a
 * handler that calls a function (recover C with F) is its task, and when
 * it makes a group of its own, its catch event and its task side by side. */
#include <stdlib.h>
#include <string.h>

#include "layout_int.h"

enum {
    SWEEPS = 3,         /* down, up, down: the last leans handlers right */
    HANDLER_W = 166,    /* catch event, gap, task */
};

typedef struct lsize {
    int32_t w, h;
} lsize_t;

#define TASK { 100, 80 }
#define EVENT { 36, 36 }
#define GATEWAY { 50, 50 }

static const lsize_t sizes[GRAPH_NODE_KIND_COUNT] = {
    [GRAPH_STAGE_ENTER] = EVENT, [GRAPH_STAGE_EXIT] = EVENT,
    [GRAPH_STEP] = TASK, [GRAPH_UNDO] = TASK, [GRAPH_CHECKPOINT] = EVENT,
    [GRAPH_SNAPSHOT] = TASK,
    [GRAPH_VERIFY] = TASK, [GRAPH_LET] = TASK, [GRAPH_BRANCH] = GATEWAY,
    [GRAPH_JOIN] = GATEWAY, [GRAPH_FANOUT] = EVENT, [GRAPH_FANIN] = EVENT,
    [GRAPH_RETRY_ENTER] = EVENT, [GRAPH_RETRY_EXIT] = EVENT,
    [GRAPH_RECOVER] = EVENT, [GRAPH_DECISION] = EVENT,
    [GRAPH_HOOK_ENTER] = EVENT, [GRAPH_HOOK_EXIT] = EVENT,
};

/* ---- small helpers --------------------------------------------------- */

bool lay_is_flow(graph_edge_kind_t k)
{
    return k == GRAPH_EDGE_SEQ || k == GRAPH_EDGE_LOOP ||
           k == GRAPH_EDGE_THEN || k == GRAPH_EDGE_ELSE;
}

/* Whether recover node R guards a stage, foreach or retry scope, so that
 * its flow hangs off that scope's box rather than making a box. */
bool lay_guards_block(const graph_t *g, uint32_t r)
{
    uint32_t s = graph_node_scope(g, r);
    if (s == GRAPH_NONE)
        return false;
    graph_node_kind_t k = graph_node_kind(g, s);
    return k == GRAPH_STAGE_ENTER || k == GRAPH_FANOUT ||
           k == GRAPH_RETRY_ENTER;
}

static bool opens_group(const graph_t *g, uint32_t i)
{
    switch (graph_node_kind(g, i)) {
    case GRAPH_STAGE_ENTER: case GRAPH_FANOUT: case GRAPH_RETRY_ENTER:
    case GRAPH_HOOK_ENTER:
        return true;
    case GRAPH_RECOVER:
        return !lay_guards_block(g, i);
    default:
        return false;
    }
}

static lsize_t node_size(const graph_t *g, uint32_t i)
{
    graph_node_kind_t k = graph_node_kind(g, i);
    if (k == GRAPH_RECOVER && graph_node_ast(g, i)->u.recover.handler)
        return (lsize_t){ lay_guards_block(g, i) ? 100 : HANDLER_W, 80 };
    return sizes[k];
}

/* The item holding ITEM (a group item), or GRAPH_NONE at the top. */
uint32_t lay_up(const lay_t *l, uint32_t item)
{
    uint32_t k = item < l->n ? l->out->group_of[item]
                             : l->out->groups[item - l->n].parent;
    return k == GRAPH_NONE ? GRAPH_NONE : l->n + k;
}

/* The node an item is known by in ties: itself, or a group's owner. */
uint32_t lay_item_node(const lay_t *l, uint32_t item)
{
    return item < l->n ? item : l->out->groups[item - l->n].owner;
}

/* Whether item A goes before item B, two items of one container: the
 * flow of blocks' handlers after the rest, then by their keys, a group's
 * being its opening node's (a block goes where the flow enters it), then
 * in node order. */
bool lay_item_before(const lay_t *l, uint32_t a, uint32_t b)
{
    uint32_t na = lay_item_node(l, a), nb = lay_item_node(l, b);
    if (l->late[na] != l->late[nb])
        return l->late[nb];
    if (l->key[na] != l->key[nb])
        return l->key[na] < l->key[nb];
    return na < nb;
}

static uint32_t item_depth(const lay_t *l, uint32_t item)
{
    uint32_t d = 0;
    for (; item != GRAPH_NONE; item = lay_up(l, item))
        d++;
    return d;
}

/* Whether node A goes before node B in their layer: by the items in
 * which their chains of groups part. */
static bool node_before(const lay_t *l, uint32_t a, uint32_t b)
{
    uint32_t da = item_depth(l, a), db = item_depth(l, b);
    for (; da > db; da--)
        a = lay_up(l, a);
    for (; db > da; db--)
        b = lay_up(l, b);
    if (a == b)         /* cannot happen for two nodes; keep a total order */
        return false;
    while (lay_up(l, a) != lay_up(l, b)) {
        a = lay_up(l, a);
        b = lay_up(l, b);
    }
    return lay_item_before(l, a, b);
}

/* Sorts the N items of A (stable merge sort; TMP holds N) by BEFORE. */
void lay_sort_items(const lay_t *l, uint32_t *a, uint32_t *tmp, uint32_t n,
                    bool (*before)(const lay_t *, uint32_t, uint32_t))
{
    for (uint32_t w = 1; w < n; w *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * w) {
            uint32_t mid = lo + w < n ? lo + w : n;
            uint32_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = before(l, a[j], a[i]) ? a[j++] : a[i++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof(*a));
    }
}

/* ---- structure: incoming edges, block pairs, groups ------------------ */

static void index_in_edges(lay_t *l)
{
    uint32_t m = graph_edge_count(l->g);
    for (uint32_t e = 0; e < m; e++)
        l->in_start[graph_edge(l->g, e).to + 1]++;
    for (uint32_t i = 0; i < l->n; i++)
        l->in_start[i + 1] += l->in_start[i];
    memcpy(l->tmp, l->in_start, l->n * sizeof(uint32_t));
    for (uint32_t e = 0; e < m; e++) {
        graph_edge_t ed = graph_edge(l->g, e);
        l->in[l->tmp[ed.to]++] = ed;
    }
}

static bool is_entry(graph_node_kind_t k)
{
    return k == GRAPH_STAGE_ENTER || k == GRAPH_FANOUT ||
           k == GRAPH_RETRY_ENTER || k == GRAPH_HOOK_ENTER ||
           k == GRAPH_BRANCH;
}

static bool is_exit(graph_node_kind_t k)
{
    return k == GRAPH_STAGE_EXIT || k == GRAPH_FANIN ||
           k == GRAPH_RETRY_EXIT || k == GRAPH_HOOK_EXIT || k == GRAPH_JOIN;
}

/* Pairs each exit node with its entry: blocks nest like brackets in node
 * order, and both ends share the block's statement. */
static void pair_blocks(lay_t *l)
{
    uint32_t *stack = l->tmp, top = 0;
    for (uint32_t i = 0; i < l->n; i++) {
        graph_node_kind_t k = graph_node_kind(l->g, i);
        l->partner[i] = GRAPH_NONE;
        l->exit_of[i] = GRAPH_NONE;
        if (is_entry(k)) {
            stack[top++] = i;
        } else if (is_exit(k)) {
            const ast_node_t *a = graph_node_ast(l->g, i);
            uint32_t t = top;
            while (t > 0 && graph_node_ast(l->g, stack[t - 1]) != a)
                t--;
            if (t > 0) {
                l->partner[i] = stack[t - 1];
                l->exit_of[stack[t - 1]] = i;
                top = t - 1;
            }
        }
    }
}

/* The group a node whose scope is S stands in. */
static uint32_t group_in_scope(const lay_t *l, uint32_t s)
{
    if (s == GRAPH_NONE)
        return GRAPH_NONE;
    return l->owns[s] != GRAPH_NONE ? l->owns[s] : l->out->group_of[s];
}

/* Finds the groups and the group of every node, in node order (a node's
 * scope and an exit's entry come before it). */
static bool find_groups(lay_t *l)
{
    const graph_t *g = l->g;
    uint32_t ng = 0;
    for (uint32_t i = 0; i < l->n; i++)
        ng += opens_group(g, i);
    l->out->groups = calloc((size_t)ng + 1, sizeof(layout_group_t));
    if (!l->out->groups)
        return false;
    for (uint32_t i = 0; i < l->n; i++) {
        uint32_t s = graph_node_scope(g, i), *at = &l->out->group_of[i];
        l->owns[i] = GRAPH_NONE;
        if (opens_group(g, i)) {
            layout_group_t *gr = &l->out->groups[l->ng];
            gr->owner = i;
            gr->parent = graph_node_kind(g, i) == GRAPH_STAGE_ENTER
                             ? GRAPH_NONE : group_in_scope(l, s);
            l->owns[i] = l->ng++;
            *at = l->owns[i];
        } else if (l->partner[i] != GRAPH_NONE &&
                   l->owns[l->partner[i]] != GRAPH_NONE) {
            *at = l->owns[l->partner[i]];
        } else if (graph_node_kind(g, i) == GRAPH_RECOVER && s < i &&
                   l->owns[s] != GRAPH_NONE) {
            *at = l->out->groups[l->owns[s]].parent;   /* beside S's box */
        } else {
            *at = group_in_scope(l, s);
        }
    }
    l->out->n_groups = l->ng;
    return true;
}

/* ---- layers ---------------------------------------------------------- */

/* Node I's layer within its stage (or the plan's body), from the nodes
 * before it: those come first in node order. */
static int32_t local_rank(const lay_t *l, uint32_t i)
{
    const graph_t *g = l->g;
    uint32_t unit = graph_node_stage(g, i), s = graph_node_scope(g, i);
    int32_t r = -1;
    for (uint32_t e = l->in_start[i]; e < l->in_start[i + 1]; e++) {
        uint32_t u = l->in[e].from;
        if (lay_is_flow(l->in[e].kind) && u < i &&
            graph_node_stage(g, u) == unit && l->rank[u] + 1 > r)
            r = l->rank[u] + 1;
    }
    if (r >= 0)
        return r;
    switch (graph_node_kind(g, i)) {
    case GRAPH_STAGE_ENTER:
        return 0;
    case GRAPH_UNDO:
        for (uint32_t e = l->in_start[i]; e < l->in_start[i + 1]; e++)
            if (l->in[e].kind == GRAPH_EDGE_UNDO && l->in[e].from < i)
                return l->rank[l->in[e].from];
        break;
    case GRAPH_RECOVER:
        if (lay_guards_block(g, i) && l->exit_of[s] != GRAPH_NONE)
            return l->rank[l->exit_of[s]] + 1;
        return s == GRAPH_NONE || s >= i ? 0 : l->rank[s] + 1;
    case GRAPH_HOOK_ENTER:
        return s == GRAPH_NONE || s >= i ? 0 : l->rank[s] + 1;
    default:
        break;
    }
    /* Reached by no edge (after a decision): below what is written
     * before it, or else at the top of its scope. */
    if (i > 0 && graph_node_stage(g, i - 1) == unit &&
        l->late[i - 1] == l->late[i] &&
        l->out->group_of[i - 1] == l->out->group_of[i])
        return l->rank[i - 1] + 1;
    return s == GRAPH_NONE || s >= i ? 0 : l->rank[s] + 1;
}

/* Whether node I runs in the plan's own flow (a plan-level let), before
 * the first stages. */
static bool in_plan_flow(const graph_t *g, uint32_t i)
{
    graph_node_kind_t k = graph_node_kind(g, i);
    return graph_node_stage(g, i) == GRAPH_NONE &&
           graph_node_scope(g, i) == GRAPH_NONE && k != GRAPH_HOOK_ENTER &&
           k != GRAPH_HOOK_EXIT && k != GRAPH_RECOVER;
}

/* Marks the nodes of the handlers of stage, foreach and retry blocks
 * (the recover node and its block), which are ranked below the block's
 * exit, so after everything else. */
static void mark_late(lay_t *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        uint32_t s = graph_node_scope(l->g, i);
        l->late[i] = (graph_node_kind(l->g, i) == GRAPH_RECOVER &&
                      lay_guards_block(l->g, i)) ||
                     (s != GRAPH_NONE && s < i && l->late[s]);
    }
}

/* Ranks every node: within its stage first (handlers of blocks last),
 * then each stage below the whole of the stages it runs after, in the
 * stage order. */
static void rank_nodes(lay_t *l)
{
    const graph_t *g = l->g;
    int32_t *height = l->itmp, *off = l->itmp2, plan_h = 0;
    mark_late(l);
    for (uint8_t pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < l->n; i++)
            if (l->late[i] == pass)
                l->rank[i] = local_rank(l, i);
    for (uint32_t i = 0; i < l->n; i++) {
        height[i] = 0;
        off[i] = -1;
    }
    for (uint32_t i = 0; i < l->n; i++) {
        uint32_t st = graph_node_stage(g, i);
        if (st != GRAPH_NONE && l->rank[i] + 1 > height[st])
            height[st] = l->rank[i] + 1;
        else if (st == GRAPH_NONE && in_plan_flow(g, i) &&
                 l->rank[i] + 1 > plan_h)
            plan_h = l->rank[i] + 1;
    }
    for (uint32_t k = 0; k < graph_stage_count(g); k++) {
        uint32_t e = graph_stage_at(g, k);
        int32_t o = -1;
        for (uint32_t j = l->in_start[e]; j < l->in_start[e + 1]; j++) {
            uint32_t s = graph_node_stage(g, l->in[j].from);
            if (l->in[j].kind == GRAPH_EDGE_AFTER && s != GRAPH_NONE &&
                off[s] >= 0 && off[s] + height[s] > o)
                o = off[s] + height[s];
        }
        off[e] = o < 0 ? plan_h : o;
    }
    for (uint32_t i = 0; i < l->n; i++) {
        uint32_t st = graph_node_stage(g, i);
        if (st != GRAPH_NONE)
            l->rank[i] += off[st] < 0 ? plan_h : off[st];
    }
}

static bool build_layers(lay_t *l)
{
    uint32_t nl = 0;
    for (uint32_t i = 0; i < l->n; i++)
        if ((uint32_t)l->rank[i] + 1 > nl)
            nl = (uint32_t)l->rank[i] + 1;
    l->n_layers = nl;
    l->layer_start = calloc((size_t)nl + 1, sizeof(uint32_t));
    l->row_y = calloc((size_t)nl + 1, sizeof(int32_t));
    l->row_h = calloc((size_t)nl + 1, sizeof(int32_t));
    if (!l->layer_start || !l->row_y || !l->row_h)
        return false;
    for (uint32_t i = 0; i < l->n; i++)
        l->layer_start[l->rank[i] + 1]++;
    for (uint32_t k = 0; k < nl; k++)
        l->layer_start[k + 1] += l->layer_start[k];
    memcpy(l->tmp, l->layer_start, nl * sizeof(uint32_t));
    for (uint32_t i = 0; i < l->n; i++)
        l->layer_nodes[l->tmp[l->rank[i]]++] = i;
    return true;
}

/* ---- order ----------------------------------------------------------- */

/* The mean place of node V's neighbours in the layers above (DOWN) or
 * below. Going down, a node reached only by an undo or error edge, or a
 * hook, leans half a place right of what it belongs to, and one reached
 * by no edge (after a decision) goes under the node written before it.
 * Otherwise its own place. */
static double barycenter(const lay_t *l, uint32_t v, bool down)
{
    double sum = 0, side = 0;
    uint32_t n = 0, n_side = 0;
    if (down) {
        for (uint32_t e = l->in_start[v]; e < l->in_start[v + 1]; e++) {
            uint32_t u = l->in[e].from;
            if (l->rank[u] >= l->rank[v])
                continue;
            graph_edge_kind_t k = l->in[e].kind;
            if (lay_is_flow(k) || k == GRAPH_EDGE_AFTER) {
                sum += l->pos[u];
                n++;
            } else {
                side += l->pos[u];
                n_side++;
            }
        }
        uint32_t s = graph_node_scope(l->g, v);
        if (graph_node_kind(l->g, v) == GRAPH_HOOK_ENTER && s != GRAPH_NONE &&
            l->rank[s] < l->rank[v]) {
            side += l->pos[s];
            n_side++;
        }
    } else {
        uint32_t m;
        const graph_edge_t *out = graph_out(l->g, v, &m);
        for (uint32_t e = 0; e < m; e++)
            if ((lay_is_flow(out[e].kind) ||
                 out[e].kind == GRAPH_EDGE_AFTER) &&
                l->rank[out[e].to] > l->rank[v]) {
                sum += l->pos[out[e].to];
                n++;
            }
    }
    if (n)
        return sum / n;
    if (n_side)
        return side / n_side + 0.5;
    if (down && v > 0 && l->rank[v - 1] < l->rank[v])
        return l->pos[v - 1];
    return l->pos[v];
}

static void sort_layer(lay_t *l, uint32_t k)
{
    uint32_t *a = l->layer_nodes + l->layer_start[k];
    uint32_t m = l->layer_start[k + 1] - l->layer_start[k];
    lay_sort_items(l, a, l->tmp, m, node_before);
    for (uint32_t j = 0; j < m; j++)
        l->pos[a[j]] = j;
}

/* Orders every layer: first in node order (the plan as written), then by
 * the sweeps, then once more with the final keys, so that the order of the
 * items in each box is the order of their nodes in every layer. */
static void order_layers(lay_t *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        l->key[i] = (double)i;
    for (uint32_t k = 0; k < l->n_layers; k++)
        sort_layer(l, k);
    for (uint32_t i = 0; i < l->n; i++)
        l->key[i] = l->pos[i];
    for (uint32_t s = 0; s < SWEEPS; s++) {
        bool down = s % 2 == 0;
        for (uint32_t j = 0; j < l->n_layers; j++) {
            uint32_t k = down ? j : l->n_layers - 1 - j;
            for (uint32_t p = l->layer_start[k]; p < l->layer_start[k + 1];
                 p++) {
                uint32_t v = l->layer_nodes[p];
                l->key[v] = barycenter(l, v, down);
            }
            sort_layer(l, k);
        }
    }
    for (uint32_t k = 0; k < l->n_layers; k++)
        sort_layer(l, k);
}

/* ---- the whole --------------------------------------------------------- */

static void lay_free(lay_t *l)
{
    free(l->in);
    free(l->in_start);
    free(l->partner);
    free(l->exit_of);
    free(l->late);
    free(l->owns);
    free(l->rank);
    free(l->pos);
    free(l->key);
    free(l->layer_start);
    free(l->layer_nodes);
    free(l->gfirst);
    free(l->glast);
    free(l->dstart);
    free(l->dend);
    free(l->row_y);
    free(l->row_h);
    free(l->top);
    free(l->bottom);
    free(l->left);
    free(l->width);
    free(l->tmp);
    free(l->itmp);
    free(l->itmp2);
}

/* Allocates what depends on the node count alone. */
static bool lay_alloc(lay_t *l)
{
    size_t n = l->n + 1, m = graph_edge_count(l->g) + 1;
    l->in = calloc(m, sizeof(graph_edge_t));
    l->in_start = calloc(n, sizeof(uint32_t));
    l->partner = calloc(n, sizeof(uint32_t));
    l->exit_of = calloc(n, sizeof(uint32_t));
    l->late = calloc(n, 1);
    l->owns = calloc(n, sizeof(uint32_t));
    l->rank = calloc(n, sizeof(int32_t));
    l->pos = calloc(n, sizeof(uint32_t));
    l->layer_nodes = calloc(n, sizeof(uint32_t));
    l->tmp = calloc(2 * n, sizeof(uint32_t));
    l->itmp = calloc(n, sizeof(int32_t));
    l->itmp2 = calloc(n, sizeof(int32_t));
    return l->in && l->in_start && l->partner && l->exit_of && l->late &&
           l->owns && l->rank &&
           l->pos && l->layer_nodes && l->tmp && l->itmp && l->itmp2;
}

/* Allocates what depends on the groups too. */
static bool lay_alloc_items(lay_t *l)
{
    size_t items = (size_t)l->n + l->ng + 1, ng = (size_t)l->ng + 1;
    l->key = calloc(items, sizeof(double));
    l->top = calloc(items, sizeof(int32_t));
    l->bottom = calloc(items, sizeof(int32_t));
    l->left = calloc(items, sizeof(int32_t));
    l->width = calloc(items, sizeof(int32_t));
    l->gfirst = calloc(ng, sizeof(uint32_t));
    l->glast = calloc(ng, sizeof(uint32_t));
    l->dstart = calloc(ng, sizeof(uint32_t));
    l->dend = calloc(ng, sizeof(uint32_t));
    return l->key && l->top && l->bottom && l->left && l->width &&
           l->gfirst && l->glast && l->dstart && l->dend;
}

/* The extent of everything drawn. */
static void extent(layout_t *out, uint32_t n)
{
    out->w = out->h = 0;
    for (uint32_t i = 0; i < n; i++) {
        const layout_node_t *nd = &out->nodes[i];
        out->w = nd->x + nd->w > out->w ? nd->x + nd->w : out->w;
        out->h = nd->y + nd->h > out->h ? nd->y + nd->h : out->h;
    }
    for (uint32_t k = 0; k < out->n_groups; k++) {
        const layout_group_t *gr = &out->groups[k];
        out->w = gr->x + gr->w > out->w ? gr->x + gr->w : out->w;
        out->h = gr->y + gr->h > out->h ? gr->y + gr->h : out->h;
    }
}

mig_status_t layout_build(const graph_t *g, layout_t *out)
{
    *out = (layout_t){ 0 };
    lay_t l = { .g = g, .out = out, .n = graph_node_count(g) };
    out->nodes = calloc((size_t)l.n + 1, sizeof(layout_node_t));
    out->group_of = calloc((size_t)l.n + 1, sizeof(uint32_t));
    bool ok = out->nodes && out->group_of && lay_alloc(&l);
    if (ok) {
        index_in_edges(&l);
        pair_blocks(&l);
        ok = find_groups(&l) && lay_alloc_items(&l);
    }
    if (ok) {
        rank_nodes(&l);
        ok = build_layers(&l);
    }
    if (ok) {
        for (uint32_t i = 0; i < l.n; i++) {
            lsize_t s = node_size(g, i);
            out->nodes[i] = (layout_node_t){ .layer = (uint32_t)l.rank[i],
                                             .w = s.w, .h = s.h };
            l.width[i] = s.w;
        }
        order_layers(&l);
        for (uint32_t i = 0; i < l.n; i++)
            out->nodes[i].order = l.pos[i];
        lay_place_rows(&l);
        ok = lay_place_columns(&l);
    }
    lay_free(&l);
    if (!ok) {
        layout_free(out);
        return MIG_ENOMEM;
    }
    extent(out, l.n);
    return MIG_OK;
}

void layout_free(layout_t *l)
{
    free(l->nodes);
    free(l->group_of);
    free(l->groups);
    *l = (layout_t){ 0 };
}

layout_node_t *layout_compute(const graph_t *g)
{
    layout_t l;
    if (layout_build(g, &l) != MIG_OK)
        return NULL;
    layout_node_t *nodes = l.nodes;
    l.nodes = NULL;
    layout_free(&l);
    return nodes;
}
