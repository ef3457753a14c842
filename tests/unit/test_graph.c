/* test_graph.c: graph_compile and its JSON form (export_json, in the
 * designer layer): the same plan gives the same bytes every time, ids
 * follow the documented scheme in a nested plan, editing one stage leaves
 * another stage's ids alone, the accessors agree with the JSON, the
 * graph-level errors come with their text, and graph_block_steps names
 * the steps an if block binds in the scope around it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "designer.h"
#include "interpreter.h"

/* A compiled plan and everything it holds on to. */
typedef struct compiled {
    src_t *src;
    arena_t *arena;
    diag_list_t diags;
    graph_t *graph;
    mig_status_t status;
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
    assert_int_equal(grammar_parse(c->src, c->arena, &c->diags, &plan), MIG_OK);
    c->status = graph_compile(plan, c->src, &c->diags, &c->graph);
}

static void release(compiled_t *c)
{
    graph_free(c->graph);
    arena_free(c->arena);
    src_free(c->src);
    diag_list_free(&c->diags);
}

static char *to_json(const graph_t *g)
{
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(export_json(g, &b), MIG_OK);
    return b.data;
}

static const char nested_plan[] =
    "migration \"n\" {\n"
    "  stage discover { step found = legacy.scan(dir: \"x\") }\n"
    "  stage migrate after discover {\n"
    "    checkpoint before\n"
    "    foreach tool in discover.found parallel 4 {\n"
    "      retry 3 on Transient {\n"
    "        step v2 = synapse.to_v2(tool)\n"
    "        step reg = registry.put(tool: v2) undo registry.delete(tool: v2)\n"
    "      }\n"
    "      recover * with synapse.recover\n"
    "      recover Conflict { skip }\n"
    "    }\n"
    "    verify true\n"
    "    verify false else \"no\"\n"
    "    if 1 < 2 { let a = 1 } else { let b = 2 }\n"
    "    on failure rollback to before\n"
    "  }\n"
    "  finally { step report = report.write(path: \"r\") }\n"
    "}\n";

static void test_same_bytes_twice(void **state)
{
    (void)state;
    compiled_t a, b;
    compile(&a, nested_plan);
    compile(&b, nested_plan);
    assert_int_equal(a.status, MIG_OK);
    assert_int_equal(b.status, MIG_OK);
    char *ja = to_json(a.graph), *jb = to_json(b.graph);
    assert_string_equal(ja, jb);
    free(ja);
    free(jb);
    release(&a);
    release(&b);
}

static void expect_id(const graph_t *g, const char *id, graph_node_kind_t kind)
{
    uint32_t i = graph_find(g, id);
    if (i == GRAPH_NONE)
        fail_msg("no node '%s'", id);
    assert_string_equal(graph_node_id(g, i), id);
    assert_int_equal(graph_node_kind(g, i), kind);
}

static void test_nested_ids(void **state)
{
    (void)state;
    compiled_t c;
    compile(&c, nested_plan);
    assert_int_equal(c.status, MIG_OK);
    const graph_t *g = c.graph;
    static const struct { const char *id; graph_node_kind_t kind; } want[] = {
        { "discover/enter", GRAPH_STAGE_ENTER },
        { "discover/found", GRAPH_STEP },
        { "migrate/checkpoint.before", GRAPH_CHECKPOINT },
        { "migrate/foreach.tool", GRAPH_FANOUT },
        { "migrate/foreach.tool/join", GRAPH_FANIN },
        { "migrate/foreach.tool/retry", GRAPH_RETRY_ENTER },
        { "migrate/foreach.tool/retry/exit", GRAPH_RETRY_EXIT },
        { "migrate/foreach.tool/retry/reg", GRAPH_STEP },
        { "migrate/foreach.tool/retry/reg/undo", GRAPH_UNDO },
        { "migrate/foreach.tool/recover.any", GRAPH_RECOVER },
        { "migrate/foreach.tool/recover.Conflict/skip", GRAPH_DECISION },
        { "migrate/verify", GRAPH_VERIFY },
        { "migrate/verify.2", GRAPH_VERIFY },
        { "migrate/if", GRAPH_BRANCH },
        { "migrate/if/then/let.a", GRAPH_LET },
        { "migrate/if/else/let.b", GRAPH_LET },
        { "migrate/if/join", GRAPH_JOIN },
        { "migrate/on-failure", GRAPH_HOOK_ENTER },
        { "migrate/on-failure/rollback", GRAPH_DECISION },
        { "migrate/exit", GRAPH_STAGE_EXIT },
        { "finally", GRAPH_HOOK_ENTER },
        { "finally/report", GRAPH_STEP },
        { "finally/exit", GRAPH_HOOK_EXIT },
    };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++)
        expect_id(g, want[k].id, want[k].kind);
    assert_int_equal(graph_find(g, "migrate/nothing"), GRAPH_NONE);
    /* The stage's own path names its entry. */
    assert_int_equal(graph_find(g, "migrate"), graph_find(g, "migrate/enter"));

    /* Scopes and stages: reg is in the retry, in the foreach, in migrate. */
    uint32_t reg = graph_find(g, "migrate/foreach.tool/retry/reg");
    uint32_t s1 = graph_node_scope(g, reg);
    uint32_t s2 = graph_node_scope(g, s1);
    uint32_t s3 = graph_node_scope(g, s2);
    assert_string_equal(graph_node_id(g, s1), "migrate/foreach.tool/retry");
    assert_string_equal(graph_node_id(g, s2), "migrate/foreach.tool");
    assert_string_equal(graph_node_id(g, s3), "migrate/enter");
    assert_int_equal(graph_node_scope(g, s3), GRAPH_NONE);
    assert_int_equal(graph_node_stage(g, reg), graph_find(g, "migrate/enter"));
    assert_int_equal(graph_node_stage(g, graph_find(g, "finally")), GRAPH_NONE);
    assert_int_equal(graph_node_ast(g, reg)->kind, AST_STEP);
    assert_int_equal(graph_node_span(g, reg)->line, 8);

    /* Edges: the step's undo, and the foreach's handlers, Conflict before *. */
    uint32_t n;
    const graph_edge_t *e = graph_out(g, reg, &n);
    assert_int_equal(n, 2);
    assert_int_equal(e[0].kind, GRAPH_EDGE_UNDO);
    assert_int_equal(e[0].to,
                     graph_find(g, "migrate/foreach.tool/retry/reg/undo"));
    assert_int_equal(e[1].kind, GRAPH_EDGE_SEQ);
    e = graph_out(g, graph_find(g, "migrate/foreach.tool"), &n);
    assert_int_equal(n, 3);
    assert_int_equal(e[0].kind, GRAPH_EDGE_LOOP);
    assert_int_equal(e[1].to,
                     graph_find(g, "migrate/foreach.tool/recover.Conflict"));
    assert_int_equal(e[2].to,
                     graph_find(g, "migrate/foreach.tool/recover.any"));

    /* Stage order. */
    assert_int_equal(graph_stage_count(g), 2);
    assert_int_equal(graph_stage_at(g, 0), graph_find(g, "discover/enter"));
    assert_int_equal(graph_stage_at(g, 1), graph_find(g, "migrate/enter"));
    release(&c);
}

/* Every id of the nodes of stage NAME, one a line. */
static char *stage_ids(const graph_t *g, const char *name)
{
    strbuf_t b;
    strbuf_init(&b);
    uint32_t st = graph_find(g, name);
    assert_int_not_equal(st, GRAPH_NONE);
    for (uint32_t i = 0; i < graph_node_count(g); i++)
        if (graph_node_stage(g, i) == st)
            strbuf_printf(&b, "%s\n", graph_node_id(g, i));
    assert_false(b.oom);
    return b.data;
}

static void test_unrelated_edit_keeps_ids(void **state)
{
    (void)state;
    static const char before[] =
        "migration \"e\" {\n"
        "  stage a { step x = f() }\n"
        "  stage b after a {\n"
        "    verify true\n"
        "    foreach t in [1] { retry 2 { step y = g(t) } }\n"
        "  }\n"
        "}\n";
    /* Stage a gains statements, including ones b also has, and b moves. */
    static const char after[] =
        "migration \"e\" {\n"
        "  # a comment that shifts every line\n"
        "  stage a {\n"
        "    verify 1 == 1\n"
        "    step x = f()\n"
        "    foreach t in [2] { retry 3 { step z = h(t) } }\n"
        "    step w = k()\n"
        "  }\n"
        "\n"
        "  stage b after a {\n"
        "    verify true\n"
        "    foreach t in [1] { retry 2 { step y = g(t) } }\n"
        "  }\n"
        "}\n";
    compiled_t c1, c2;
    compile(&c1, before);
    compile(&c2, after);
    assert_int_equal(c1.status, MIG_OK);
    assert_int_equal(c2.status, MIG_OK);
    char *ids1 = stage_ids(c1.graph, "b"), *ids2 = stage_ids(c2.graph, "b");
    assert_string_equal(ids1, ids2);
    assert_string_equal(ids1, "b/enter\nb/verify\nb/foreach.t\n"
                              "b/foreach.t/retry\nb/foreach.t/retry/y\n"
                              "b/foreach.t/retry/exit\nb/foreach.t/join\n"
                              "b/exit\n");
    free(ids1);
    free(ids2);
    release(&c1);
    release(&c2);
}

/* Compiles TEXT expecting errors; the messages, one a line, must be WANT. */
static void expect_errors(const char *text, const char *want)
{
    compiled_t c;
    compile(&c, text);
    assert_int_equal(c.status, MIG_EINVALID);
    assert_null(c.graph);
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < c.diags.len; i++)
        strbuf_printf(&b, "%u:%u: %s\n", c.diags.items[i].span.line,
                      c.diags.items[i].span.col, c.diags.items[i].message);
    assert_string_equal(b.data, want);
    strbuf_free(&b);
    release(&c);
}

static void test_errors(void **state)
{
    (void)state;
    expect_errors("migration \"x\" {\n"
                  "  stage a after b { step p = f() }\n"
                  "  stage b after a { step q = f() }\n"
                  "}\n",
                  "2:9: stages form a cycle: a -> b -> a\n");
    expect_errors("migration \"x\" {\n"
                  "  stage a after nope { step p = f() }\n"
                  "}\n",
                  "2:17: stage 'a' is after 'nope', which is not a stage "
                  "of this plan\n");
    expect_errors("migration \"x\" {\n"
                  "  stage a { checkpoint c step p = f() }\n"
                  "  on failure rollback to d\n"
                  "}\n",
                  "3:26: 'rollback to d': there is no checkpoint 'd' in "
                  "this plan\n");
}

/* A plan of N stages written last-first, each after the next one in the
 * file, and with CYCLE the last after the one before it too: the cycle
 * search goes N deep. */
static char *reversed_chain(uint32_t n, bool cycle)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "migration \"deep\" {\n");
    for (uint32_t i = 0; i + 1 < n; i++)
        strbuf_printf(&b, "  stage s%u after s%u { step x = f() }\n", i, i + 1);
    strbuf_printf(&b, "  stage s%u ", n - 1);
    if (cycle)
        strbuf_printf(&b, "after s%u ", n - 2);
    strbuf_puts(&b, "{ step x = f() }\n}\n");
    assert_false(b.oom);
    return b.data;
}

/* 50,000 stages each after the next (the recursive search overflowed the
 * C stack there): ordered last-first, and a cycle at the far end is
 * found and reported once, from the first of its stages in the file. */
static void test_deep_after_chain(void **state)
{
    (void)state;
    enum { N = 50000 };
    compiled_t c;
    char *text = reversed_chain(N, false);
    compile(&c, text);
    assert_int_equal(c.status, MIG_OK);
    assert_int_equal(graph_stage_count(c.graph), N);
    assert_string_equal(graph_node_id(c.graph, graph_stage_at(c.graph, 0)),
                        "s49999/enter");
    assert_string_equal(graph_node_id(c.graph,
                                      graph_stage_at(c.graph, N - 1)),
                        "s0/enter");
    release(&c);
    free(text);
    text = reversed_chain(N, true);
    compile(&c, text);
    assert_int_equal(c.status, MIG_EINVALID);
    assert_int_equal(c.diags.len, 1);
    assert_int_equal(c.diags.items[0].span.line, N);
    assert_string_equal(c.diags.items[0].message,
                        "stages form a cycle: s49998 -> s49999 -> s49998");
    release(&c);
    free(text);
}

/* Appends NAME and a space to the strbuf DATA. */
static void note_step(void *data, const char *name)
{
    strbuf_printf(data, "%s ", name);
}

static void test_block_steps(void **state)
{
    (void)state;
    compiled_t c;
    compile(&c, "migration \"b\" {\n"
                "  stage s {\n"
                "    if true {\n"
                "      step a = f()\n"
                "      let l = 1\n"
                "      retry 2 { step r = f() retry 2 { step rr = f() } }\n"
                "      if false { step t = f() } else { step e = f() }\n"
                "      foreach i in [1] { step each = f() }\n"
                "      step z = f()\n"
                "      recover * { step rec = f() skip }\n"
                "    } else { step other = f() }\n"
                "  }\n"
                "}\n");
    assert_int_equal(c.status, MIG_OK);
    const ast_node_t *branch = graph_node_ast(c.graph,
                                              graph_find(c.graph, "s/if"));
    assert_non_null(branch);
    assert_int_equal(branch->kind, AST_IF);
    strbuf_t b;
    strbuf_init(&b);
    graph_block_steps(&branch->u.if_.then_body, note_step, &b);
    /* Not the foreach's step, nor the recover block's, nor the else's. */
    assert_string_equal(b.data, "a r rr t e z ");
    b.len = 0;
    graph_block_steps(&branch->u.if_.else_body, note_step, &b);
    assert_string_equal(b.data, "other ");
    strbuf_free(&b);
    /* An empty block names nothing. */
    ast_list_t empty = { 0 };
    strbuf_init(&b);
    graph_block_steps(&empty, note_step, &b);
    assert_null(b.data);
    release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bytes_twice),
        cmocka_unit_test(test_nested_ids),
        cmocka_unit_test(test_unrelated_edit_keeps_ids),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_deep_after_chain),
        cmocka_unit_test(test_block_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
