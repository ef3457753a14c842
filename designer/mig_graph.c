/* mig_graph.c: the mig-graph JSON (docs/export.md), the execution graph as
 * a visual designer reads it: the plan header, the nodes with their
 * properties and layout hints, the groups (the plan's blocks) and the
 * edges. Written by hand so that the bytes depend only on the plan: one
 * node, group or edge a line. `mig export -f json` and `mig graph --json`
 * print it; import.c reads it back into a plan. */
#include <stdlib.h>
#include <string.h>

#include "mig_graph_int.h"

static const char *const group_kind_names[] = {
#define MGRAPH_GROUP_NAME(e, s) s,
    MGRAPH_GROUP_KINDS(MGRAPH_GROUP_NAME)
#undef MGRAPH_GROUP_NAME
};

/* The node kind opening each kind of group. */
static const graph_node_kind_t group_openers[MGRAPH_GROUP_KIND_COUNT] = {
    [MGRAPH_GROUP_STAGE] = GRAPH_STAGE_ENTER,
    [MGRAPH_GROUP_FOREACH] = GRAPH_FANOUT,
    [MGRAPH_GROUP_RETRY] = GRAPH_RETRY_ENTER,
    [MGRAPH_GROUP_THEN] = GRAPH_BRANCH, [MGRAPH_GROUP_ELSE] = GRAPH_BRANCH,
    [MGRAPH_GROUP_RECOVER] = GRAPH_RECOVER,
    [MGRAPH_GROUP_HOOK] = GRAPH_HOOK_ENTER,
};

const char *mgraph_group_kind_name(mgraph_group_kind_t k)
{
    return k < MGRAPH_GROUP_KIND_COUNT ? group_kind_names[k] : "?";
}

graph_node_kind_t mgraph_group_opener(mgraph_group_kind_t k)
{
    return group_openers[k];
}

/* ---- groups ---------------------------------------------------------- */

/* A group: a block of the plan, opened by a node. Groups are numbered in
 * the order of their openers, so a group comes after the one holding it. */
typedef struct mgroup {
    uint32_t opener;
    mgraph_group_kind_t kind;
    uint32_t parent;            /* a group index, or GRAPH_NONE */
    bool boxed;                 /* whether the box below holds anything */
    int32_t x0, y0, x1, y1;
} mgroup_t;

typedef struct groups {
    mgroup_t *items;
    uint32_t n;
    uint32_t *first;    /* per node: the first group it opens, or NONE */
    uint32_t *member;   /* per node: the group it is drawn in, or NONE */
    uint32_t *mstart;   /* per group: where its members start in MNODES */
    uint32_t *mnodes;   /* the members of every group, in node order */
} groups_t;

/* Room around the nodes of a group's box, in layout units. */
#define GROUP_PAD 20

static void groups_free(groups_t *gs)
{
    free(gs->items);
    free(gs->first);
    free(gs->member);
    free(gs->mstart);
    free(gs->mnodes);
}

/* Lists each group's members (gs->member) in node order: group K's are
 * mnodes[mstart[K] .. mstart[K + 1]). False when out of memory. */
static bool members_index(const graph_t *g, groups_t *gs)
{
    return export_bucket(gs->member, graph_node_count(g), gs->n,
                         &gs->mstart, &gs->mnodes);
}

/* How many groups node I opens (an if: one per branch that holds a
 * statement, the then branch always). */
static uint32_t opens(const graph_t *g, uint32_t i, mgraph_group_kind_t *k)
{
    const ast_node_t *a = graph_node_ast(g, i);
    switch (graph_node_kind(g, i)) {
    case GRAPH_STAGE_ENTER: *k = MGRAPH_GROUP_STAGE; return 1;
    case GRAPH_FANOUT: *k = MGRAPH_GROUP_FOREACH; return 1;
    case GRAPH_RETRY_ENTER: *k = MGRAPH_GROUP_RETRY; return 1;
    case GRAPH_HOOK_ENTER: *k = MGRAPH_GROUP_HOOK; return 1;
    case GRAPH_BRANCH:
        *k = MGRAPH_GROUP_THEN;
        return a->u.if_.else_body.len ? 2 : 1;
    case GRAPH_RECOVER:
        *k = MGRAPH_GROUP_RECOVER;
        return a->u.recover.handler ? 0 : 1;
    default:
        return 0;
    }
}

/* The statements of every if's else branch, each with its if, sorted so
 * that a lookup is a binary search (an else holding thousands of
 * statements would make a scan of it per node quadratic). */
typedef struct else_stmt {
    const ast_node_t *if_, *stmt;
} else_stmt_t;

static int else_cmp(const void *pa, const void *pb)
{
    const else_stmt_t *a = pa, *b = pb;
    uintptr_t ai = (uintptr_t)a->if_, bi = (uintptr_t)b->if_;
    uintptr_t as = (uintptr_t)a->stmt, bs = (uintptr_t)b->stmt;
    if (ai != bi)
        return ai < bi ? -1 : 1;
    return as < bs ? -1 : as > bs;
}

/* The else statements of G's ifs, sorted (else_cmp); *N gets their
 * number. NULL when out of memory. */
static else_stmt_t *else_stmts(const graph_t *g, uint32_t *n)
{
    uint32_t total = 0, nn = graph_node_count(g);
    for (uint32_t i = 0; i < nn; i++)
        if (graph_node_kind(g, i) == GRAPH_BRANCH)
            total += graph_node_ast(g, i)->u.if_.else_body.len;
    else_stmt_t *e = calloc((size_t)total + 1, sizeof(*e));
    if (!e)
        return NULL;
    *n = 0;
    for (uint32_t i = 0; i < nn; i++) {
        const ast_node_t *a = graph_node_ast(g, i);
        if (graph_node_kind(g, i) != GRAPH_BRANCH)
            continue;
        for (uint32_t k = 0; k < a->u.if_.else_body.len; k++)
            e[(*n)++] = (else_stmt_t){ a, a->u.if_.else_body.items[k] };
    }
    qsort(e, *n, sizeof(*e), else_cmp);
    return e;
}

/* Whether statement S stands directly in the else branch of IF_. */
static bool in_else(const else_stmt_t *e, uint32_t n, const ast_node_t *if_,
                    const ast_node_t *s)
{
    else_stmt_t key = { if_, s };
    return bsearch(&key, e, n, sizeof(*e), else_cmp) != NULL;
}

/* The group node I is drawn in: a stage's entry in its own stage, any
 * other node in the block its scope opens (for an if, the branch its
 * statement stands in). */
static uint32_t member_of(const graph_t *g, const groups_t *gs,
                          const else_stmt_t *e, uint32_t n_e, uint32_t i)
{
    if (graph_node_kind(g, i) == GRAPH_STAGE_ENTER)
        return gs->first[i];
    uint32_t s = graph_node_scope(g, i);
    if (s == GRAPH_NONE)
        return GRAPH_NONE;
    if (graph_node_kind(g, s) == GRAPH_BRANCH &&
        in_else(e, n_e, graph_node_ast(g, s), graph_node_ast(g, i)))
        return gs->first[s] + 1;
    return gs->first[s];
}

/* Finds every group of G. MIG_OK or MIG_ENOMEM. */
static mig_status_t groups_find(const graph_t *g, groups_t *gs)
{
    uint32_t n = graph_node_count(g), total = 0;
    mgraph_group_kind_t k;
    for (uint32_t i = 0; i < n; i++)
        total += opens(g, i, &k);
    *gs = (groups_t){
        .items = calloc(total + 1, sizeof(mgroup_t)),
        .first = calloc((size_t)n + 1, sizeof(uint32_t)),
        .member = calloc((size_t)n + 1, sizeof(uint32_t)),
    };
    if (!gs->items || !gs->first || !gs->member) {
        groups_free(gs);
        return MIG_ENOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t m = opens(g, i, &k);
        gs->first[i] = m ? gs->n : GRAPH_NONE;
        for (uint32_t j = 0; j < m; j++)
            gs->items[gs->n++] = (mgroup_t){ .opener = i,
                                             .kind = k + j }; /* then, else */
    }
    uint32_t n_e = 0;
    else_stmt_t *e = else_stmts(g, &n_e);
    if (!e) {
        groups_free(gs);
        return MIG_ENOMEM;
    }
    for (uint32_t i = 0; i < n; i++)
        gs->member[i] = member_of(g, gs, e, n_e, i);
    free(e);
    if (!members_index(g, gs)) {
        groups_free(gs);
        return MIG_ENOMEM;
    }
    for (uint32_t k2 = 0; k2 < gs->n; k2++) {
        mgroup_t *gr = &gs->items[k2];
        gr->parent = gr->kind == MGRAPH_GROUP_STAGE
                         ? GRAPH_NONE : gs->member[gr->opener];
    }
    return MIG_OK;
}

/* Grows GR's box to hold [X0, X1) x [Y0, Y1). */
static void box_add(mgroup_t *gr, int32_t x0, int32_t y0, int32_t x1,
                    int32_t y1)
{
    if (!gr->boxed) {
        *gr = (mgroup_t){ .opener = gr->opener, .kind = gr->kind,
                          .parent = gr->parent, .boxed = true,
                          .x0 = x0, .y0 = y0, .x1 = x1, .y1 = y1 };
        return;
    }
    gr->x0 = x0 < gr->x0 ? x0 : gr->x0;
    gr->y0 = y0 < gr->y0 ? y0 : gr->y0;
    gr->x1 = x1 > gr->x1 ? x1 : gr->x1;
    gr->y1 = y1 > gr->y1 ? y1 : gr->y1;
}

/* Each group's box: its members' boxes and its groups', with a margin.
 * Groups inside come later in the array, so one backward pass does. */
static void groups_boxes(const graph_t *g, groups_t *gs,
                         const layout_node_t *lay)
{
    for (uint32_t i = 0; i < graph_node_count(g); i++)
        if (gs->member[i] != GRAPH_NONE) {
            const layout_node_t *l = &lay[i];
            box_add(&gs->items[gs->member[i]], l->x, l->y, l->x + l->w,
                    l->y + l->h);
        }
    for (uint32_t k = gs->n; k-- > 0;) {
        mgroup_t *gr = &gs->items[k];
        if (!gr->boxed)
            continue;
        gr->x0 -= GROUP_PAD;
        gr->y0 -= GROUP_PAD;
        gr->x1 += GROUP_PAD;
        gr->y1 += GROUP_PAD;
        if (gr->parent != GRAPH_NONE)
            box_add(&gs->items[gr->parent], gr->x0, gr->y0, gr->x1, gr->y1);
    }
}

/* Appends group K's id as a JSON string: the path its block's nodes are
 * named under ("migrate", "migrate/foreach.tool", "migrate/if/then"),
 * then a slash and a star, which no node id holds (docs/export.md). */
static void put_group_id(strbuf_t *b, const graph_t *g, const groups_t *gs,
                         uint32_t k)
{
    const mgroup_t *gr = &gs->items[k];
    strbuf_t t;
    strbuf_init(&t);
    if (gr->kind == MGRAPH_GROUP_STAGE)
        strbuf_puts(&t, graph_node_ast(g, gr->opener)->u.stage.name.name);
    else
        strbuf_puts(&t, graph_node_id(g, gr->opener));
    if (gr->kind == MGRAPH_GROUP_THEN || gr->kind == MGRAPH_GROUP_ELSE)
        strbuf_printf(&t, "/%s", mgraph_group_kind_name(gr->kind));
    strbuf_puts(&t, "/*");
    if (t.oom)
        b->oom = true;
    mgraph_put_json_str(b, t.data ? t.data : "", t.len);
    strbuf_free(&t);
}

static void put_group(strbuf_t *b, const graph_t *g, const groups_t *gs,
                      uint32_t k)
{
    const mgroup_t *gr = &gs->items[k];
    strbuf_puts(b, "    {\"id\": ");
    put_group_id(b, g, gs, k);
    strbuf_puts(b, ", \"kind\": ");
    mgraph_put_json_cstr(b, mgraph_group_kind_name(gr->kind));
    strbuf_puts(b, ", \"label\": ");
    mgraph_put_json_cstr(b, gr->kind == MGRAPH_GROUP_THEN ||
                                    gr->kind == MGRAPH_GROUP_ELSE
                                ? mgraph_group_kind_name(gr->kind)
                                : graph_node_label(g, gr->opener));
    strbuf_puts(b, ", \"node\": ");
    mgraph_put_json_cstr(b, graph_node_id(g, gr->opener));
    strbuf_puts(b, ", \"parent\": ");
    if (gr->parent == GRAPH_NONE)
        strbuf_puts(b, "null");
    else
        put_group_id(b, g, gs, gr->parent);
    strbuf_puts(b, ", \"members\": [");
    for (uint32_t j = gs->mstart[k]; j < gs->mstart[k + 1]; j++) {
        strbuf_puts(b, j > gs->mstart[k] ? ", " : "");
        mgraph_put_json_cstr(b, graph_node_id(g, gs->mnodes[j]));
    }
    strbuf_puts(b, "], \"layout\": ");
    if (gr->boxed)
        strbuf_printf(b, "{\"x\": %d, \"y\": %d, \"w\": %d, \"h\": %d}",
                      (int)gr->x0, (int)gr->y0, (int)(gr->x1 - gr->x0),
                      (int)(gr->y1 - gr->y0));
    else
        strbuf_puts(b, "null");
    strbuf_putc(b, '}');
}

/* ---- nodes and edges ------------------------------------------------- */

/* A node's state in a run (export_json_run): {"status", "items",
 * "attempts", "duration_ms", "error"}, written in that order. */
static void put_run(strbuf_t *b, const val_t *st)
{
    static const char *const keys[] = { "status", "items", "attempts",
                                        "duration_ms", "error" };
    strbuf_puts(b, ", \"run\": {");
    bool first = true;
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        val_t *v = val_map_get(st, keys[k], strlen(keys[k]));
        if (!v)
            continue;
        strbuf_printf(b, "%s\"%s\": ", first ? "" : ", ", keys[k]);
        val_to_json(v, b, 0);
        first = false;
    }
    strbuf_putc(b, '}');
}

static void put_node(strbuf_t *b, const graph_t *g, uint32_t i,
                     const layout_node_t *l, const val_t *run)
{
    strbuf_puts(b, "    {\"id\": ");
    mgraph_put_json_cstr(b, graph_node_id(g, i));
    strbuf_puts(b, ", \"kind\": ");
    mgraph_put_json_cstr(b, graph_node_kind_name(graph_node_kind(g, i)));
    strbuf_puts(b, ", \"label\": ");
    mgraph_put_json_cstr(b, graph_node_label(g, i));
    const src_span_t *s = graph_node_span(g, i);
    strbuf_printf(b, ", \"span\": {\"line\": %u, \"col\": %u, \"end_line\": "
                  "%u, \"end_col\": %u}, \"properties\": ", s->line, s->col,
                  s->end_line, s->end_col);
    mgraph_put_props(b, g, i);
    strbuf_printf(b, ", \"layout\": {\"x\": %d, \"y\": %d, \"w\": %d, "
                  "\"h\": %d, \"layer\": %u, \"order\": %u}", (int)l->x,
                  (int)l->y, (int)l->w, (int)l->h, l->layer, l->order);
    const char *id = graph_node_id(g, i);
    val_t *st = run ? val_map_get(run, id, strlen(id)) : NULL;
    if (st)
        put_run(b, st);
    strbuf_putc(b, '}');
}

static void put_edges(strbuf_t *b, const graph_t *g)
{
    bool any = false;
    strbuf_puts(b, "  \"edges\": [");
    for (uint32_t i = 0; i < graph_node_count(g); i++) {
        uint32_t m;
        const graph_edge_t *e = graph_out(g, i, &m);
        for (uint32_t k = 0; k < m; k++) {
            strbuf_puts(b, any ? ",\n    {\"from\": " : "\n    {\"from\": ");
            any = true;
            mgraph_put_json_cstr(b, graph_node_id(g, e[k].from));
            strbuf_puts(b, ", \"to\": ");
            mgraph_put_json_cstr(b, graph_node_id(g, e[k].to));
            strbuf_puts(b, ", \"kind\": ");
            mgraph_put_json_cstr(b, graph_edge_kind_name(e[k].kind));
            strbuf_putc(b, '}');
        }
    }
    strbuf_puts(b, any ? "\n  ]\n" : "]\n");
}

/* ---- the document ---------------------------------------------------- */

mig_status_t export_json(const graph_t *g, strbuf_t *b)
{
    return export_json_run(g, NULL, b);
}

mig_status_t export_json_run(const graph_t *g, const val_t *run, strbuf_t *b)
{
    uint32_t n = graph_node_count(g);
    groups_t gs;
    layout_node_t *lay = layout_compute(g);
    if ((!lay && n) || groups_find(g, &gs) != MIG_OK) {
        free(lay);
        return MIG_ENOMEM;
    }
    if (n)
        groups_boxes(g, &gs, lay);
    strbuf_printf(b, "{\n  \"format\": \"mig-graph\",\n  \"version\": %d,\n"
                  "  \"plan\": ", MGRAPH_VERSION);
    mgraph_put_plan(b, g);
    strbuf_puts(b, ",\n  \"stages\": [");
    for (uint32_t k = 0; k < graph_stage_count(g); k++) {
        strbuf_puts(b, k ? ", " : "");
        mgraph_put_json_cstr(b, graph_node_ast(g, graph_stage_at(g, k))
                                    ->u.stage.name.name);
    }
    strbuf_puts(b, "],\n  \"nodes\": [");
    for (uint32_t i = 0; i < n; i++) {
        strbuf_puts(b, i ? ",\n" : "\n");
        put_node(b, g, i, &lay[i], run);
    }
    strbuf_puts(b, n ? "\n  ],\n  \"groups\": [" : "],\n  \"groups\": [");
    for (uint32_t k = 0; k < gs.n; k++) {
        strbuf_puts(b, k ? ",\n" : "\n");
        put_group(b, g, &gs, k);
    }
    strbuf_puts(b, gs.n ? "\n  ],\n" : "],\n");
    put_edges(b, g);
    strbuf_puts(b, "}\n");
    groups_free(&gs);
    free(lay);
    return b->oom ? MIG_ENOMEM : MIG_OK;
}
