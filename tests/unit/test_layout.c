/* test_layout.c: the layered layout of the designer layer (layout.c), on
 * plans that use every kind of node: every node is placed with its size
 * (tasks 100x80, events 36x36, gateways 50x50), no two boxes overlap and
 * every group holds what it should and nothing else, the flow runs
 * downward (each flow edge ends a layer lower, below its source's box),
 * the order within a layer runs left to right, undo steps stand beside
 * their step and handlers below the block they guard, and the same graph
 * gives the same layout, byte for byte. Every allocation failure of the
 * layout and of every export format is met with MIG_ENOMEM and nothing
 * leaked (the test is linked with malloc, calloc and realloc wrapped, so
 * that the N-th allocation can be made to fail). The BPMN diagram's index
 * of boxes answers as the scan it replaced. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpmn_int.h"

/* ---- failing allocations ----------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

/* When positive, the allocation that brings it to zero fails. */
static long countdown;

static bool fails(void)
{
    return countdown > 0 && --countdown == 0;
}

void *__wrap_malloc(size_t n)
{
    return fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fails() ? NULL : __real_realloc(p, n);
}

typedef struct compiled {
    src_t *src;
    arena_t *arena;
    diag_list_t diags;
    graph_t *graph;
    layout_t lay;
} compiled_t;

static void compile(compiled_t *c, const char *text)
{
    memset(c, 0, sizeof(*c));
    diag_list_init(&c->diags);
    c->src = src_from_memory("t.mig", text, strlen(text));
    c->arena = arena_new();
    assert_non_null(c->src);
    assert_non_null(c->arena);
    ast_plan_t *plan = NULL;
    assert_int_equal(grammar_parse(c->src, c->arena, &c->diags, &plan),
                     MIG_OK);
    assert_int_equal(graph_compile(plan, c->src, &c->diags, &c->graph),
                     MIG_OK);
    assert_int_equal(layout_build(c->graph, &c->lay), MIG_OK);
}

static void release(compiled_t *c)
{
    layout_free(&c->lay);
    graph_free(c->graph);
    arena_free(c->arena);
    src_free(c->src);
    diag_list_free(&c->diags);
}

/* ---- the plans ------------------------------------------------------- */

static const char nested_plan[] =
    "migration \"n\" {\n"
    "  let root = \"legacy\"\n"
    "  let dest = \"registry\"\n"
    "  recover ScriptError with report.script_error\n"
    "  stage discover { step found = legacy.scan(dir: root) }\n"
    "  stage migrate after discover {\n"
    "    checkpoint before\n"
    "    foreach tool in discover.found parallel 4 {\n"
    "      retry 3 on Transient {\n"
    "        step v2 = synapse.to_v2(tool)\n"
    "        step reg = registry.put(tool: v2) undo registry.delete(tool: v2)\n"
    "      }\n"
    "      recover ParamMismatch with adapt.params\n"
    "      recover Conflict { skip }\n"
    "      recover * {\n"
    "        if tool.optional { skip } else { fail \"no ${tool.name}\" }\n"
    "      }\n"
    "    }\n"
    "    verify true\n"
    "    if 1 < 2 { let a = 1 } else { let b = 2 }\n"
    "    if 2 < 3 { let c = 3 }\n"
    "    on failure rollback to before\n"
    "    finally { step note = log.info(message: \"done\") }\n"
    "  }\n"
    "  stage audit after discover { step seen = log.info(message: \"a\") }\n"
    "  stage archive after migrate, audit {\n"
    "    step moved = file.move(from: root, to: dest)\n"
    "      undo file.move(from: dest, to: root)\n"
    "    recover Conflict { rollback to before }\n"
    "  }\n"
    "  on success { step done = log.info(message: \"ok\") }\n"
    "  finally { step report = report.write(path: \"r\") }\n"
    "}\n";

static const char *const plans[] = {
    nested_plan,
    "migration \"empty\" { }\n",
    "migration \"lets\" { let a = 1 let b = a }\n",
    "migration \"bare\" { stage s { } }\n",
    "migration \"branches\" {\n"
    "  stage s {\n"
    "    step t = legacy.scan(dir: \"x\")\n"
    "    if len(t) == 0 { fail \"none\" }\n"
    "    else if len(t) == 1 { step one = log.info(message: \"1\") }\n"
    "    else { foreach x in t { step each = log.info(message: x) } }\n"
    "    if true { } else { step e = log.info(message: \"e\") }\n"
    "  }\n"
    "}\n",
};

/* ---- checks ---------------------------------------------------------- */

typedef struct rect {
    int32_t x, y, w, h;
} rect_t;

static rect_t node_rect(const layout_t *l, uint32_t i)
{
    return (rect_t){ l->nodes[i].x, l->nodes[i].y, l->nodes[i].w,
                     l->nodes[i].h };
}

static rect_t group_rect(const layout_t *l, uint32_t k)
{
    return (rect_t){ l->groups[k].x, l->groups[k].y, l->groups[k].w,
                     l->groups[k].h };
}

static bool overlaps(rect_t a, rect_t b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
           b.y < a.y + a.h;
}

static bool inside(rect_t a, rect_t outer)
{
    return a.x >= outer.x && a.y >= outer.y && a.x + a.w <= outer.x + outer.w &&
           a.y + a.h <= outer.y + outer.h;
}

/* Whether group K is group INNER or holds it, at any depth. */
static bool holds(const layout_t *l, uint32_t k, uint32_t inner)
{
    for (; inner != GRAPH_NONE; inner = l->groups[inner].parent)
        if (inner == k)
            return true;
    return false;
}

static void check_sizes(const graph_t *g, const layout_t *l)
{
    for (uint32_t i = 0; i < graph_node_count(g); i++) {
        const layout_node_t *n = &l->nodes[i];
        graph_node_kind_t k = graph_node_kind(g, i);
        assert_true(n->x >= 0 && n->y >= 0);
        assert_true(n->x + n->w <= l->w && n->y + n->h <= l->h);
        if (k == GRAPH_STEP || k == GRAPH_UNDO || k == GRAPH_VERIFY ||
            k == GRAPH_LET) {
            assert_int_equal(n->w, 100);
            assert_int_equal(n->h, 80);
        } else if (k == GRAPH_BRANCH || k == GRAPH_JOIN) {
            assert_int_equal(n->w, 50);
            assert_int_equal(n->h, 50);
        } else if (k != GRAPH_RECOVER ||
                   !graph_node_ast(g, i)->u.recover.handler) {
            assert_int_equal(n->w, 36);
            assert_int_equal(n->h, 36);
        } else {
            assert_int_equal(n->h, 80);     /* a handler's task */
        }
    }
}

static void check_no_overlap(const graph_t *g, const layout_t *l)
{
    uint32_t n = graph_node_count(g);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++)
            if (overlaps(node_rect(l, i), node_rect(l, j)))
                fail_msg("%s and %s overlap", graph_node_id(g, i),
                         graph_node_id(g, j));
    for (uint32_t k = 0; k < l->n_groups; k++) {
        rect_t gk = group_rect(l, k);
        assert_true(gk.x >= 0 && gk.y >= 0);
        if (l->groups[k].parent != GRAPH_NONE)
            assert_true(inside(gk, group_rect(l, l->groups[k].parent)));
        for (uint32_t i = 0; i < n; i++) {
            bool in = l->group_of[i] != GRAPH_NONE &&
                      holds(l, k, l->group_of[i]);
            if (in && !inside(node_rect(l, i), gk))
                fail_msg("%s sticks out of the group of %s",
                         graph_node_id(g, i),
                         graph_node_id(g, l->groups[k].owner));
            if (!in && overlaps(node_rect(l, i), gk))
                fail_msg("%s overlaps the group of %s", graph_node_id(g, i),
                         graph_node_id(g, l->groups[k].owner));
        }
        for (uint32_t m = 0; m < l->n_groups; m++)
            if (m != k && !holds(l, k, m) && !holds(l, m, k) &&
                overlaps(gk, group_rect(l, m)))
                fail_msg("the groups of %s and %s overlap",
                         graph_node_id(g, l->groups[k].owner),
                         graph_node_id(g, l->groups[m].owner));
    }
}

static bool is_flow(graph_edge_kind_t k)
{
    return k == GRAPH_EDGE_SEQ || k == GRAPH_EDGE_LOOP ||
           k == GRAPH_EDGE_THEN || k == GRAPH_EDGE_ELSE ||
           k == GRAPH_EDGE_AFTER;
}

static void check_downward(const graph_t *g, const layout_t *l)
{
    for (uint32_t e = 0; e < graph_edge_count(g); e++) {
        graph_edge_t ed = graph_edge(g, e);
        const layout_node_t *u = &l->nodes[ed.from], *v = &l->nodes[ed.to];
        if (is_flow(ed.kind) && (v->layer <= u->layer || v->y < u->y + u->h))
            fail_msg("%s -> %s goes up", graph_node_id(g, ed.from),
                     graph_node_id(g, ed.to));
        if (ed.kind == GRAPH_EDGE_UNDO &&
            (v->layer != u->layer || v->x < u->x + u->w))
            fail_msg("%s is not beside its step", graph_node_id(g, ed.to));
    }
}

/* Within each layer, order numbers the nodes 0.. from left to right. */
static void check_order(const graph_t *g, const layout_t *l)
{
    uint32_t n = graph_node_count(g);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t same = 0, before = 0;
        for (uint32_t j = 0; j < n; j++) {
            if (l->nodes[j].layer != l->nodes[i].layer)
                continue;
            same++;
            if (j != i && l->nodes[j].order == l->nodes[i].order)
                fail_msg("%s and %s share a place", graph_node_id(g, i),
                         graph_node_id(g, j));
            if (l->nodes[j].order < l->nodes[i].order) {
                before++;
                assert_true(l->nodes[j].x < l->nodes[i].x);
            }
        }
        assert_true(l->nodes[i].order < same);
        assert_int_equal(before, l->nodes[i].order);
    }
}

static void test_every_plan(void **state)
{
    (void)state;
    for (size_t p = 0; p < sizeof(plans) / sizeof(plans[0]); p++) {
        compiled_t c;
        compile(&c, plans[p]);
        check_sizes(c.graph, &c.lay);
        check_no_overlap(c.graph, &c.lay);
        check_downward(c.graph, &c.lay);
        check_order(c.graph, &c.lay);
        release(&c);
    }
}

static void test_same_layout_twice(void **state)
{
    (void)state;
    compiled_t a, b;
    compile(&a, nested_plan);
    compile(&b, nested_plan);
    uint32_t n = graph_node_count(a.graph);
    assert_memory_equal(a.lay.nodes, b.lay.nodes, n * sizeof(layout_node_t));
    assert_memory_equal(a.lay.group_of, b.lay.group_of, n * sizeof(uint32_t));
    assert_int_equal(a.lay.n_groups, b.lay.n_groups);
    assert_memory_equal(a.lay.groups, b.lay.groups,
                        a.lay.n_groups * sizeof(layout_group_t));
    layout_node_t *nodes = layout_compute(a.graph);
    assert_non_null(nodes);
    assert_memory_equal(nodes, a.lay.nodes, n * sizeof(layout_node_t));
    free(nodes);
    release(&a);
    release(&b);
}

static uint32_t node(const compiled_t *c, const char *id)
{
    uint32_t i = graph_find(c->graph, id);
    if (i == GRAPH_NONE)
        fail_msg("no node %s", id);
    return i;
}

static uint32_t group_of(const compiled_t *c, const char *id)
{
    uint32_t k = c->lay.group_of[node(c, id)];
    return k == GRAPH_NONE ? GRAPH_NONE : c->lay.groups[k].owner;
}

/* Stages, foreach and retry bodies and hooks are groups; a handler of such
 * a block stands beside its box, below its exit; a plan-level handler is a
 * group of its own; the flow's main line runs straight down. */
static void test_groups_and_places(void **state)
{
    (void)state;
    compiled_t c;
    compile(&c, nested_plan);
    const layout_t *l = &c.lay;
    uint32_t stage = node(&c, "migrate/enter");
    uint32_t fan = node(&c, "migrate/foreach.tool");
    uint32_t retry = node(&c, "migrate/foreach.tool/retry");
    assert_int_equal(group_of(&c, "migrate/checkpoint.before"), stage);
    assert_int_equal(group_of(&c, "migrate/exit"), stage);
    assert_int_equal(group_of(&c, "migrate/foreach.tool/join"), fan);
    assert_int_equal(group_of(&c, "migrate/foreach.tool/retry/reg"), retry);
    assert_int_equal(group_of(&c, "migrate/foreach.tool/retry/reg/undo"),
                     retry);
    assert_int_equal(group_of(&c, "migrate/finally/note"),
                     node(&c, "migrate/finally"));
    assert_int_equal(group_of(&c, "recover.ScriptError"),
                     node(&c, "recover.ScriptError"));
    assert_int_equal(group_of(&c, "let.root"), GRAPH_NONE);
    /* The foreach's handlers: in the stage, below the foreach's end, right
     * of its box, the first written leftmost. */
    const char *handlers[] = { "migrate/foreach.tool/recover.ParamMismatch",
                               "migrate/foreach.tool/recover.Conflict",
                               "migrate/foreach.tool/recover.any" };
    uint32_t join = node(&c, "migrate/foreach.tool/join");
    const layout_group_t *box = &l->groups[l->group_of[fan]];
    for (int h = 0; h < 3; h++) {
        uint32_t r = node(&c, handlers[h]);
        assert_int_equal(group_of(&c, handlers[h]), stage);
        assert_true(l->nodes[r].layer > l->nodes[join].layer);
        assert_true(l->nodes[r].x >= box->x + box->w);
        if (h > 0)
            assert_true(l->nodes[r].x > l->nodes[node(&c, handlers[h - 1])].x);
    }
    /* A stage's handler stands below the stage, and the stages after it
     * below that. */
    uint32_t ar = node(&c, "archive/recover.Conflict");
    assert_int_equal(group_of(&c, "archive/recover.Conflict"), GRAPH_NONE);
    assert_true(l->nodes[ar].layer > l->nodes[node(&c, "archive/exit")].layer);
    /* archive waits for migrate and audit: below both. */
    uint32_t archive = node(&c, "archive/enter");
    assert_true(l->nodes[archive].layer >
                l->nodes[node(&c, "migrate/exit")].layer);
    assert_true(l->nodes[archive].layer >
                l->nodes[node(&c, "audit/exit")].layer);
    /* The plan's lets come first, then the first stage. */
    assert_int_equal(l->nodes[node(&c, "let.root")].layer, 0);
    assert_int_equal(l->nodes[node(&c, "let.dest")].layer, 1);
    assert_int_equal(l->nodes[node(&c, "discover/enter")].layer, 2);
    /* The main line: a step under the node before it, centres aligned. */
    uint32_t cp = node(&c, "migrate/checkpoint.before");
    uint32_t en = node(&c, "migrate/enter");
    assert_int_equal(l->nodes[cp].x + l->nodes[cp].w / 2,
                     l->nodes[en].x + l->nodes[en].w / 2);
    release(&c);
}

/* Fails the first allocation of the layout, then the second, and so on
 * until one runs through: each gives MIG_ENOMEM and an empty layout (the
 * sanitizer build finds any leak); every export format likewise. */
static void test_out_of_memory(void **state)
{
    (void)state;
    compiled_t c;
    compile(&c, nested_plan);
    layout_free(&c.lay);
    for (long k = 1;; k++) {
        layout_t l;
        countdown = k;
        mig_status_t st = layout_build(c.graph, &l);
        bool failed = countdown == 0;
        countdown = 0;
        if (!failed) {
            assert_int_equal(st, MIG_OK);
            layout_free(&l);
            break;
        }
        assert_int_equal(st, MIG_ENOMEM);
        assert_null(l.nodes);
        assert_null(l.groups);
        countdown = k;
        layout_node_t *nodes = layout_compute(c.graph);
        countdown = 0;
        assert_null(nodes);
    }
    for (const export_format_t *f = export_formats(); f->name; f++)
        for (long k = 1;; k++) {
            strbuf_t b;
            strbuf_init(&b);
            countdown = k;
            mig_status_t st = f->write(c.graph, &b);
            bool failed = countdown == 0;
            countdown = 0;
            strbuf_free(&b);
            if (!failed) {
                assert_int_equal(st, MIG_OK);
                break;
            }
            if (st != MIG_ENOMEM)
                fail_msg("%s: allocation %ld failed, status %d", f->name, k,
                         (int)st);
        }
    release(&c);
}

/* ---- the lanes of the BPMN diagram ------------------------------------

 * The index the diagram asks for free lanes (designer/bpmn_lanes.c)
 * against the scan it replaced: for every container of the layouts of
 * plans of many shapes, and vertical lines at every edge and middle of
 * every box (and one unit either side), over spans from empty to the
 * whole drawing, bpmn_crossed says the same as a scan of every node (in
 * node order) and then every group: whether the line crosses an item
 * standing directly in the container, and the right edge of the first
 * that it crosses. */

/* Compiles TEXT and indexes its layout into *B (which borrows C's). */
static void lanes_open(compiled_t *c, bpmn_t *b, const char *text)
{
    compile(c, text);
    *b = (bpmn_t){ .g = c->graph, .lay = c->lay };
    assert_true(bpmn_lanes_build(b));
}

static void lanes_close(compiled_t *c, bpmn_t *b)
{
    bpmn_lanes_free(b);
    release(c);
}

static bool scan_crossed(const bpmn_t *b, uint32_t c, int32_t x, int32_t y0,
                         int32_t y1, int32_t *right)
{
    for (uint32_t i = 0; i < graph_node_count(b->g); i++) {
        box_t n = bpmn_node_box(b, i);
        if (b->lay.group_of[i] == c && n.x <= x && x <= n.x + n.w &&
            n.y < y1 && n.y + n.h > y0) {
            *right = n.x + n.w;
            return true;
        }
    }
    for (uint32_t k = 0; k < b->lay.n_groups; k++) {
        box_t g = bpmn_group_box(b, k);
        if (b->lay.groups[k].parent == c && g.x <= x && x <= g.x + g.w &&
            g.y < y1 && g.y + g.h > y0) {
            *right = g.x + g.w;
            return true;
        }
    }
    return false;
}

/* ---- the plans --------------------------------------------------------- */

/* A plan of the shapes that give the index work: lets at plan level (nodes
 * of the top container, before its groups), stages of different lengths
 * side by side and in a chain, an if without else, handlers, undo steps,
 * nested blocks. Written into BUF. */
static void shapes_plan(char *buf, size_t cap)
{
    size_t n = 0;
    n += (size_t)snprintf(buf + n, cap - n,
                          "migration \"lanes\" {\n  let a = 1\n  let b = a\n");
    for (int s = 0; s < 6; s++) {
        n += (size_t)snprintf(buf + n, cap - n, "  stage r%d {\n", s);
        for (int k = 0; k <= s; k++)
            n += (size_t)snprintf(buf + n, cap - n,
                                  "    step x%d = file.exists(path: \"%d\")\n",
                                  k, k);
        n += (size_t)snprintf(buf + n, cap - n, "  }\n");
    }
    for (int s = 0; s < 5; s++) {
        if (s == 0)
            n += (size_t)snprintf(buf + n, cap - n,
                                  "  stage c0 after r0 {\n");
        else
            n += (size_t)snprintf(buf + n, cap - n,
                                  "  stage c%d after r%d, c%d {\n", s, s,
                                  s - 1);
        n += (size_t)snprintf(buf + n, cap - n,
                              "    if a == %d { step t = file.exists(path: "
                              "\"t\") }\n"
                              "    foreach x in [\"p\"] {\n"
                              "      retry 2 { step e = exec.run(cmd: \"e\")"
                              " undo exec.run(cmd: \"u\") }\n"
                              "      recover Conflict { skip }\n"
                              "      recover * { fail \"f\" }\n"
                              "    }\n  }\n", s);
    }
    snprintf(buf + n, cap - n, "}\n");
}

static const char *const fixed_plans[] = {
    "migration \"empty\" { }\n",
    "migration \"branches\" {\n"
    "  stage s {\n"
    "    step t = file.exists(path: \"x\")\n"
    "    if t { fail \"none\" }\n"
    "    else if t { step one = file.exists(path: \"1\") }\n"
    "    else { foreach x in [\"a\"] { step each = file.exists(path: x) } }\n"
    "    if t { } else { step e = file.exists(path: \"e\") }\n"
    "    if t { step f = file.exists(path: \"f\") }\n"
    "  }\n"
    "}\n",
};

/* ---- the comparison ---------------------------------------------------- */

/* The x values worth asking at for box BX: its edges, its middle, and one
 * unit either side of each edge. */
static void xs_of(box_t bx, int32_t *xs)
{
    const int32_t v[] = { bx.x - 1, bx.x, bx.x + 1, bx.x + bx.w / 2,
                          bx.x + bx.w - 1, bx.x + bx.w, bx.x + bx.w + 1 };
    memcpy(xs, v, sizeof(v));
}

/* Compares the index with the scan for container C at every x of every
 * box and spans from Y0S: each box's top and bottom, one either side, and
 * the drawing's whole height; counts the questions and the hits. */
static void compare(const bpmn_t *b, uint32_t c, uint32_t *asked,
                    uint32_t *hits)
{
    uint32_t n = graph_node_count(b->g), items = n + b->lay.n_groups;
    for (uint32_t it = 0; it < items; it++) {
        box_t bx = it < n ? bpmn_node_box(b, it)
                          : bpmn_group_box(b, it - n);
        int32_t xs[7];
        xs_of(bx, xs);
        const int32_t ys[] = { 0, bx.y - 1, bx.y, bx.y + 1,
                               bx.y + bx.h - 1, bx.y + bx.h, bx.y + bx.h + 1,
                               b->lay.h + 2 * BPMN_OY };
        for (size_t xi = 0; xi < 7; xi++)
            for (size_t a = 0; a < 8; a++)
                for (size_t z = 0; z < 8; z++) {
                    int32_t want = -1, got = -1;
                    bool w = scan_crossed(b, c, xs[xi], ys[a], ys[z], &want);
                    bool g = bpmn_crossed(b, c, xs[xi], ys[a], ys[z], &got);
                    if (w != g || want != got)
                        fail_msg("container %u, x %d, y %d to %d: scan %d "
                                 "(right %d), index %d (right %d)",
                                 (unsigned)c, (int)xs[xi], (int)ys[a],
                                 (int)ys[z], w, (int)want, g, (int)got);
                    (*asked)++;
                    *hits += w;
                }
    }
}

static void compare_plan(const char *text, uint32_t *asked, uint32_t *hits)
{
    compiled_t c;
    bpmn_t b;
    lanes_open(&c, &b, text);
    compare(&b, GRAPH_NONE, asked, hits);
    for (uint32_t k = 0; k < b.lay.n_groups; k++)
        compare(&b, k, asked, hits);
    lanes_close(&c, &b);
}

static void test_index_matches_scan(void **state)
{
    (void)state;
    static char buf[16384];
    uint32_t asked = 0, hits = 0;
    shapes_plan(buf, sizeof buf);
    compare_plan(buf, &asked, &hits);
    for (size_t p = 0; p < sizeof fixed_plans / sizeof *fixed_plans; p++)
        compare_plan(fixed_plans[p], &asked, &hits);
    /* Not a comparison of nothing: many questions, many of them hits. */
    assert_true(asked > 100000);
    assert_true(hits > asked / 20);
}

/* A line down a column of boxes crosses several: the first is the first
 * node, though a group stands higher; among groups, the first group. */
static void test_first_of_several(void **state)
{
    (void)state;
    compiled_t c;
    bpmn_t b;
    lanes_open(&c, &b,
               "migration \"col\" {\n"
               "  stage s0 { step a = file.exists(path: \"x\") }\n"
               "  stage s1 after s0 { step a = file.exists(path: \"x\") }\n"
               "  stage s2 after s1 { step a = file.exists(path: \"x\") }\n"
               "}\n");
    box_t g0 = bpmn_group_box(&b, 0), g2 = bpmn_group_box(&b, 2);
    int32_t x = g0.x + 5, right = 0;
    assert_true(bpmn_crossed(&b, GRAPH_NONE, x, g0.y - 10,
                             g2.y + g2.h + 10, &right));
    assert_int_equal(right, g0.x + g0.w);
    /* From below the first box: the second. */
    assert_true(bpmn_crossed(&b, GRAPH_NONE, x, g0.y + g0.h,
                             g2.y + g2.h + 10, &right));
    assert_int_equal(right, bpmn_group_box(&b, 1).x +
                                bpmn_group_box(&b, 1).w);
    /* Right of every box, and inside a box but at the top: nothing. */
    assert_false(bpmn_crossed(&b, GRAPH_NONE, g0.x + g0.w + 1, 0,
                              g2.y + g2.h, &right));
    assert_false(bpmn_crossed(&b, 0, x, g0.y, g0.y + 1, &right));
    lanes_close(&c, &b);
    lanes_open(&c, &b,
               "migration \"lets\" {\n  let a = 1\n  let b = a\n"
               "  stage s0 { step a = file.exists(path: \"x\") }\n}\n");
    /* The line through the lets and the stage below them finds the last
     * let (a node) before the stage, whatever stands higher. */
    box_t last = bpmn_node_box(&b, 1), s = bpmn_group_box(&b, 0);
    assert_true(last.x <= s.x + s.w && s.x <= last.x + last.w);
    int32_t lx = last.x > s.x ? last.x : s.x;
    assert_true(bpmn_crossed(&b, GRAPH_NONE, lx, last.y + 1,
                             s.y + s.h, &right));
    assert_int_equal(right, last.x + last.w);
    lanes_close(&c, &b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_plan),
        cmocka_unit_test(test_same_layout_twice),
        cmocka_unit_test(test_groups_and_places),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_index_matches_scan),
        cmocka_unit_test(test_first_of_several),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
