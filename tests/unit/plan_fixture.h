/* plan_fixture.h: a plan's text in a test (test_run.c, test_verify.c,
 * test_dryrun.c), parsed, checked and compiled, then
 * run with the standard library and the test's own action rows; every
 * step asserted. */
#ifndef MIG_PLAN_FIXTURE_H
#define MIG_PLAN_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "mig_stdlib.h"

/* A compiled plan and what holds it. */
typedef struct plan_fx {
    src_t *src;
    arena_t *arena;
    graph_t *graph;
    params_t *params;
} plan_fx_t;

/* Parses, checks and compiles TEXT as BASE/plan.mig with the actions of
 * R into FX (freed with plan_fx_free); the messages in DIAGS. */
__attribute__((unused))
static void plan_compile(const char *base, const char *text,
                         const action_registry_t *r, diag_list_t *diags,
                         plan_fx_t *fx)
{
    char name[128];
    snprintf(name, sizeof name, "%s/plan.mig", base);
    fx->src = src_from_memory(name, text, strlen(text));
    fx->arena = arena_new();
    ast_plan_t *plan = NULL;
    assert_int_equal(grammar_parse(fx->src, fx->arena, diags, &plan), MIG_OK);
    assert_int_equal(check_plan(plan, fx->src, r, 0, diags), MIG_OK);
    fx->graph = NULL;
    assert_int_equal(graph_compile(plan, fx->src, diags, &fx->graph), MIG_OK);
    fx->params = NULL;
    assert_int_equal(params_resolve(plan, fx->src, NULL, NULL, 0, diags,
                                    &fx->params), MIG_OK);
}

__attribute__((unused))
static void plan_fx_free(plan_fx_t *fx)
{
    params_free(fx->params);
    graph_free(fx->graph);
    arena_free(fx->arena);
    src_free(fx->src);
}

/* Runs TEXT as BASE/plan.mig with the N_ROWS ROWS besides the standard
 * library, options O (its plan_path set here); returns how it ended, the
 * messages in DIAGS. */
__attribute__((unused))
static run_result_t plan_run(const char *base, const char *text,
                             const action_t *rows, size_t n_rows,
                             run_options_t *o, diag_list_t *diags)
{
    action_registry_t *r = action_registry_new();
    assert_int_equal(stdlib_register(r), MIG_OK);
    if (n_rows)
        assert_int_equal(action_registry_add(r, rows, n_rows), MIG_OK);
    plan_fx_t fx;
    plan_compile(base, text, r, diags, &fx);
    val_t *pm = params_to_map(fx.params);
    assert_non_null(pm);
    o->plan_path = fx.src->name;
    int64_t id = 0;
    run_result_t res = RUN_REFUSED;
    assert_int_equal(run_plan(fx.graph, pm, r, base, o, diags, &id, &res),
                     MIG_OK);
    o->plan_path = NULL;
    val_unref(pm);
    plan_fx_free(&fx);
    action_registry_free(r);
    return res;
}

#endif
