/* test_bpmn_lanes.c: the index the BPMN diagram asks for free lanes
 * (designer/bpmn_lanes.c) against the scan it replaced: for every
 * container of the layouts of plans of many shapes, and vertical lines at
 * every edge and middle of every box (and one unit either side), over
 * spans from empty to the whole drawing, bpmn_crossed says the same as a
 * scan of every node (in node order) and then every group: whether the
 * line crosses an item standing directly in the container, and the right
 * edge of the first that it crosses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpmn_int.h"

typedef struct compiled {
    src_t *src;
    arena_t *arena;
    diag_list_t diags;
    graph_t *graph;
    bpmn_t b;
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
    c->b.g = c->graph;
    assert_int_equal(layout_build(c->graph, &c->b.lay), MIG_OK);
    assert_true(bpmn_lanes_build(&c->b));
}

static void release(compiled_t *c)
{
    bpmn_lanes_free(&c->b);
    layout_free(&c->b.lay);
    graph_free(c->graph);
    arena_free(c->arena);
    src_free(c->src);
    diag_list_free(&c->diags);
}

/* ---- the scan the index replaced ----------------------------------------- */

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
    compile(&c, text);
    compare(&c.b, GRAPH_NONE, asked, hits);
    for (uint32_t k = 0; k < c.b.lay.n_groups; k++)
        compare(&c.b, k, asked, hits);
    release(&c);
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
    compile(&c,
            "migration \"col\" {\n"
            "  stage s0 { step a = file.exists(path: \"x\") }\n"
            "  stage s1 after s0 { step a = file.exists(path: \"x\") }\n"
            "  stage s2 after s1 { step a = file.exists(path: \"x\") }\n"
            "}\n");
    box_t g0 = bpmn_group_box(&c.b, 0), g2 = bpmn_group_box(&c.b, 2);
    int32_t x = g0.x + 5, right = 0;
    assert_true(bpmn_crossed(&c.b, GRAPH_NONE, x, g0.y - 10,
                             g2.y + g2.h + 10, &right));
    assert_int_equal(right, g0.x + g0.w);
    /* From below the first box: the second. */
    assert_true(bpmn_crossed(&c.b, GRAPH_NONE, x, g0.y + g0.h,
                             g2.y + g2.h + 10, &right));
    assert_int_equal(right, bpmn_group_box(&c.b, 1).x +
                                bpmn_group_box(&c.b, 1).w);
    /* Right of every box, and inside a box but at the top: nothing. */
    assert_false(bpmn_crossed(&c.b, GRAPH_NONE, g0.x + g0.w + 1, 0,
                              g2.y + g2.h, &right));
    assert_false(bpmn_crossed(&c.b, 0, x, g0.y, g0.y + 1, &right));
    release(&c);
    compile(&c,
            "migration \"lets\" {\n  let a = 1\n  let b = a\n"
            "  stage s0 { step a = file.exists(path: \"x\") }\n}\n");
    /* The line through the lets and the stage below them finds the last
     * let (a node) before the stage, whatever stands higher. */
    box_t last = bpmn_node_box(&c.b, 1), s = bpmn_group_box(&c.b, 0);
    assert_true(last.x <= s.x + s.w && s.x <= last.x + last.w);
    int32_t lx = last.x > s.x ? last.x : s.x;
    assert_true(bpmn_crossed(&c.b, GRAPH_NONE, lx, last.y + 1,
                             s.y + s.h, &right));
    assert_int_equal(right, last.x + last.w);
    release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_matches_scan),
        cmocka_unit_test(test_first_of_several),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
