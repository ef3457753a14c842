/* plan_fixture.h: running a plan's text in a test (test_run.c,
 * test_sched_thread.c, test_verify.c): parsed, checked, compiled and run with the
 * standard library and the test's own action rows, every step asserted. */
#ifndef MIG_PLAN_FIXTURE_H
#define MIG_PLAN_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "mig_stdlib.h"

/* Runs TEXT as BASE/plan.mig with the N_ROWS ROWS besides the standard
 * library, options O (its plan_path set here); returns how it ended, the
 * messages in DIAGS. */
__attribute__((unused))
static run_result_t plan_run(const char *base, const char *text,
                             const action_t *rows, size_t n_rows,
                             run_options_t *o, diag_list_t *diags)
{
    char name[128];
    snprintf(name, sizeof name, "%s/plan.mig", base);
    src_t *src = src_from_memory(name, text, strlen(text));
    arena_t *a = arena_new();
    ast_plan_t *plan = NULL;
    action_registry_t *r = action_registry_new();
    assert_int_equal(stdlib_register(r), MIG_OK);
    if (n_rows)
        assert_int_equal(action_registry_add(r, rows, n_rows), MIG_OK);
    assert_int_equal(grammar_parse(src, a, diags, &plan), MIG_OK);
    assert_int_equal(check_plan(plan, src, r, 0, diags), MIG_OK);
    graph_t *g = NULL;
    assert_int_equal(graph_compile(plan, src, diags, &g), MIG_OK);
    params_t *p = NULL;
    assert_int_equal(params_resolve(plan, src, NULL, NULL, 0, diags, &p),
                     MIG_OK);
    val_t *pm = params_to_map(p);
    assert_non_null(pm);
    o->plan_path = name;
    int64_t id = 0;
    run_result_t res = RUN_REFUSED;
    assert_int_equal(run_plan(g, pm, r, base, o, diags, &id, &res), MIG_OK);
    o->plan_path = NULL;
    val_unref(pm);
    params_free(p);
    graph_free(g);
    action_registry_free(r);
    arena_free(a);
    src_free(src);
    return res;
}

#endif
