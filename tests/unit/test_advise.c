/* test_advise.c: the rules of `mig advise` (analytics/advise.c) at their
 * thresholds, on figures written by hand, and the figures themselves
 * (advise_facts.c) gathered from runs written with the store API
 * (docs/analytics.md, "mig advise"). */
#include "store_fixture.h"

#include "analytics.h"

/* The suggestions for FACTS (JSON with ' for "), as "rule:target:
 * suggestion | evidence" lines. */
static char *advise(const char *facts)
{
    val_t *f = json_value(facts);
    val_t *list = NULL;
    assert_int_equal(analytics_advise(f, &list), MIG_OK);
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < val_len(list); i++) {
        const val_t *s = val_list_get(list, i);
        const char *k[] = { "rule", "target", "suggestion", "evidence" };
        for (size_t j = 0; j < 4; j++)
            strbuf_printf(&b, "%s%s", j ? (j == 3 ? " | " : ":") : "",
                          val_get_str(val_map_get(s, k[j], strlen(k[j])),
                                      NULL));
        strbuf_putc(&b, '\n');
    }
    val_unref(list);
    val_unref(f);
    char *out = strdup(b.data ? b.data : "");
    strbuf_free(&b);
    return out;
}

static void expect(const char *facts, const char *expected)
{
    char *got = advise(facts);
    assert_string_equal(got, expected);
    free(got);
}

#define FE(calls, limited, reached, allowed, p50)                              \
    "{'foreach': [{'node': 's/foreach.f', 'runs': 1, 'items': 10, "           \
    "'item_p50_ms': " #p50 ", 'calls': " #calls ", 'status_429': " #limited   \
    ", 'reached': " #reached ", 'allowed': " #allowed "}]}"

static void parallel_down(void **state)
{
    (void)state;
    /* 1% of 200 calls is 2: at 2 the rule speaks, at 1 it does not */
    expect(FE(200, 2, 8, 8, 5),
           "parallel:s/foreach.f:parallel 4 | 2 of 200 calls (1.0%) were "
           "answered 429 (rate limited) with up to 8 items at once\n");
    expect(FE(200, 1, 8, 8, 5), "");
    /* never below one */
    expect(FE(10, 5, 1, 1, 5),
           "parallel:s/foreach.f:parallel 1 | 5 of 10 calls (50.0%) were "
           "answered 429 (rate limited) with up to 1 items at once\n");
}

static void parallel_up(void **state)
{
    (void)state;
    expect(FE(40, 0, 4, 4, 100),
           "parallel:s/foreach.f:parallel 8 | items took 100ms (p50), the "
           "bound of 4 was reached, and none of 40 calls was answered 429\n");
    expect(FE(40, 0, 4, 4, 99), "");        /* items fast enough */
    expect(FE(40, 0, 3, 4, 500), "");       /* a slot was always free */
    expect(FE(40, 0, 200, 200, 500),
           "parallel:s/foreach.f:parallel 256 | items took 500ms (p50), the "
           "bound of 200 was reached, and none of 40 calls was answered 429\n");
    expect(FE(40, 0, 256, 256, 500), "");   /* at the most already */
    expect(FE(40, 0, 4, null, 500), "");    /* the bound is not known */
}

#define CL(cls, tr, fail, retried, good)                                       \
    "{'classes': [{'class': '" cls "', 'transient': " #tr ", 'failures': "   \
    #fail ", 'retried': " #retried ", 'retried_ok': " #good "}]}"

static void retry_rules(void **state)
{
    (void)state;
    expect(CL("Timeout", true, 3, 0, 0),
           "retry:Timeout:retry 3 backoff exponential(base: 200ms, factor: 2, "
           "max: 10s) jitter full on Timeout | 3 steps failed with Timeout and "
           "none was retried\n");
    expect(CL("Timeout", true, 2, 0, 0), "");
    expect(CL("Conflict", false, 9, 0, 0), "");     /* not transient */
    /* 20% of 5 is 1: below it (0) the retries are not worth it */
    expect(CL("Unavailable", true, 9, 5, 0),
           "retry:Unavailable:stop retrying Unavailable: handle it with a "
           "recover block | 0 of 5 retried steps (0.0%) succeeded after "
           "retrying Unavailable\n");
    expect(CL("Unavailable", true, 9, 5, 1), "");
    expect(CL("Unavailable", true, 9, 2, 0), "");   /* too few to say */
}

#define RV(count, good)                                                        \
    "{'recoveries': [{'class': 'ParamMismatch', 'handler': 'adapt.params', "  \
    "'count': " #count ", 'retry': " #count ", 'skip': 0, 'fail': 0, "        \
    "'rollback': 0, 'succeeded': " #good ", 'share': 0.0}]}"

static void recover_rule(void **state)
{
    (void)state;
    expect(RV(10, 1),
           "recover:adapt.params:review `recover ParamMismatch with "
           "adapt.params`: it rarely recovers | 1 of 10 recoveries (10.0%) of "
           "ParamMismatch by adapt.params ended with the item done\n");
    expect(RV(10, 2), "");
    expect(RV(2, 0), "");
}

static void first_and_checkpoint(void **state)
{
    (void)state;
    expect("{'dependencies': [{'tool': 'ledger', 'dependents': 2}, "
           "{'tool': 'x', 'dependents': 0}], 'missing_dependency': 1}",
           "first:ledger:migrate ledger first | 2 other records depend on "
           "it; 1 step failed with MissingDependency\n");
    expect("{'stages': [{'stage': 'a', 'runs': 4, 'failed': 1, "
           "'checkpoint': false}, {'stage': 'b', 'runs': 4, 'failed': 3, "
           "'checkpoint': false}]}",
           "checkpoint:b:checkpoint before_b as the first statement of stage "
           "b, and `on failure rollback to before_b` | stage b failed in 3 of "
           "4 runs, the most of any stage, with no checkpoint before it\n");
    expect("{'stages': [{'stage': 'b', 'runs': 4, 'failed': 3, "
           "'checkpoint': true}]}", "");
    expect("{'stages': [{'stage': 'b', 'runs': 4, 'failed': 0, "
           "'checkpoint': false}]}", "");
    expect("{}", "");
}

/* ---- the figures, from the store ----------------------------------------- */

static void ev(store_t *s, int64_t run, const char *kind, const char *node,
               const char *item, const char *data)
{
    val_t *d = data ? json_value(data) : NULL;
    assert_int_equal(store_event(s, run, kind, node, item, d), MIG_OK);
    val_unref(d);
}

/* Two retry sequences of Timeout (one ends with the step done, one
 * not), a Conflict never retried, a MissingDependency, and a read whose
 * tools depend on "ledger". */
static void facts_from_runs(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    ev(s, run, "step-failed", "s/r/x", "0", "{'action': 'a.x', "
       "'class': 'Timeout'}");
    ev(s, run, "retry-wait", "s/r", "0", "{'class': 'Timeout', 'delay_ms': 1}");
    ev(s, run, "step-failed", "s/r/x", "0", "{'action': 'a.x', "
       "'class': 'Timeout'}");
    ev(s, run, "retry-wait", "s/r", "0", "{'class': 'Timeout', 'delay_ms': 1}");
    ev(s, run, "step-done", "s/r/x", "0", "{'action': 'a.x'}");
    ev(s, run, "step-failed", "s/r/x", "1", "{'action': 'a.x', "
       "'class': 'Timeout'}");
    ev(s, run, "retry-wait", "s/r", "1", "{'class': 'Timeout', 'delay_ms': 1}");
    ev(s, run, "step-failed", "s/c", "", "{'action': 'a.c', "
       "'class': 'Conflict'}");
    ev(s, run, "step-failed", "s/d", "", "{'action': 'a.c', "
       "'class': 'MissingDependency'}");
    ev(s, run, "step-done", "s/read", "", "{'action': 'tools.read'}");
    val_t *res = json_value("{'tools': [{'name': 'a', 'dependencies': "
                            "['ledger']}, {'name': 'b', 'dependencies': "
                            "['ledger', 'auth']}, {'name': 'c', "
                            "'dependencies': ['ledger']}]}");
    store_step_t st = { .node = "s/read", .item = "", .state = STORE_STEP_DONE,
                        .attempts = 1, .result = res, .started_ms = 1,
                        .ended_ms = 2 };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    val_unref(res);
    assert_int_equal(store_run_finish(s, run, STORE_RUN_FAILED, "x"), MIG_OK);
    int64_t other = new_run(s, "q", 1, "h");    /* another plan */
    ev(s, other, "step-failed", "s/c", "", "{'action': 'a.c', "
       "'class': 'Conflict'}");
    assert_int_equal(store_flush(s), MIG_OK);
    val_t *f = NULL;
    /* new_run records both with the same path: tell them apart */
    store_close(s);
    sql(path, "UPDATE runs SET plan_path = '/plans/q.mig' WHERE id = 2");
    s = open_store(STORE_READONLY);
    assert_int_equal(analytics_advise_facts(s, "/plans/p.mig", NULL, NULL,
                                            NULL, NULL, &f), MIG_OK);
    store_close(s);
    assert_json(val_map_get(f, "runs", 4), "1");
    assert_json(val_map_get(f, "classes", 7),
                "[{\"class\":\"Timeout\",\"transient\":true,\"failures\":3,"
                "\"retried\":2,\"retried_ok\":1},"
                "{\"class\":\"Conflict\",\"transient\":false,\"failures\":1,"
                "\"retried\":0,\"retried_ok\":0},"
                "{\"class\":\"MissingDependency\",\"transient\":false,"
                "\"failures\":1,\"retried\":0,\"retried_ok\":0}]");
    assert_json(val_map_get(f, "dependencies", 12),
                "[{\"tool\":\"ledger\",\"dependents\":3},"
                "{\"tool\":\"auth\",\"dependents\":1}]");
    assert_json(val_map_get(f, "missing_dependency", 18), "1");
    val_unref(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parallel_down),
        cmocka_unit_test(parallel_up),
        cmocka_unit_test(retry_rules),
        cmocka_unit_test(recover_rule),
        cmocka_unit_test(first_and_checkpoint),
        cmocka_unit_test_setup_teardown(facts_from_runs, make_dir, remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
