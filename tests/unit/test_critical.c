/* test_critical.c: the critical path (analytics/critical.c) on
 * constructed runs — a chain, a fan-out, a retry-dominated run, a
 * concurrency bound — and `mig stats --run`'s figures (stats_run.c) on a
 * run written with the store API (docs/analytics.md, "One run"). */
#include "store_fixture.h"

#include "analytics.h"

#define SP(n, i, a, b) { .node = n, .item = i, .start_ms = a, .end_ms = b }

/* The path through SP as "node[item] node[item] ...". */
static void path_is(const analytics_span_t *sp, size_t n,
                    analytics_after_fn after, const char *expected)
{
    size_t *p, len;
    assert_int_equal(analytics_critical_path(sp, n, after, NULL, &p, &len),
                     MIG_OK);
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < len; i++)
        strbuf_printf(&b, "%s%s[%s]", i ? " " : "", sp[p[i]].node,
                      sp[p[i]].item);
    assert_string_equal(b.data ? b.data : "", expected);
    strbuf_free(&b);
    free(p);
}

static void chain(void **state)
{
    (void)state;
    analytics_span_t sp[] = {
        SP("s/a", "", 0, 10), SP("s/b", "", 10, 30), SP("s/c", "", 30, 35),
    };
    path_is(sp, 3, NULL, "s/a[] s/b[] s/c[]");
    path_is(sp, 0, NULL, "");
    path_is(sp, 1, NULL, "s/a[]");
}

/* Stage t does not come after s: a step of t that ended last before
 * s/c began is no bound of it when the plan says so. */
static bool t_independent(void *data, const char *a, const char *b)
{
    (void)data;
    return !(strcmp(a, "t") == 0 && strcmp(b, "s") == 0);
}

static void stages_after(void **state)
{
    (void)state;
    analytics_span_t sp[] = {
        SP("s/a", "", 0, 10), SP("s/b", "", 10, 28), SP("t/x", "", 0, 30),
        SP("s/c", "", 30, 35),
    };
    path_is(sp, 4, NULL, "t/x[] s/c[]");
    path_is(sp, 4, t_independent, "s/a[] s/b[] s/c[]");
}

static void fan_out(void **state)
{
    (void)state;
    analytics_span_t sp[] = {
        SP("s/scan", "", 0, 10),
        SP("s/foreach.f/a", "0", 10, 20), SP("s/foreach.f/a", "1", 10, 15),
        SP("s/foreach.f/b", "1", 15, 25), SP("s/foreach.f/b", "0", 20, 60),
        SP("s/join", "", 60, 70),
    };
    path_is(sp, 6, NULL,
            "s/scan[] s/foreach.f/a[0] s/foreach.f/b[0] s/join[]");
    /* At a tie, a step of the same item (or one around it) wins over a
     * step of another item that ended at the same moment. */
    analytics_span_t tie[] = {
        SP("s/foreach.f/a", "0", 0, 10), SP("s/foreach.f/a", "1", 0, 10),
        SP("s/foreach.f/b", "0", 10, 20),
    };
    path_is(tie, 3, NULL, "s/foreach.f/a[0] s/foreach.f/b[0]");
}

/* One item at a time: each item waited for the one before (a slot). */
static void slots(void **state)
{
    (void)state;
    analytics_span_t sp[] = {
        SP("s/scan", "", 0, 5), SP("s/foreach.f/a", "0", 5, 20),
        SP("s/foreach.f/a", "1", 20, 30), SP("s/foreach.f/a", "2", 30, 31),
    };
    path_is(sp, 4, NULL, "s/scan[] s/foreach.f/a[0] s/foreach.f/a[1] "
                         "s/foreach.f/a[2]");
}

/* Steps of no length at the same moment: the walk ends, each at most
 * once. */
static void zero_length(void **state)
{
    (void)state;
    analytics_span_t sp[] = {
        SP("s/a", "", 5, 5), SP("s/b", "", 5, 5), SP("s/c", "", 5, 5),
    };
    path_is(sp, 3, NULL, "s/a[] s/b[] s/c[]");
}

/* ---- a run in the store --------------------------------------------------- */

static void step(store_t *s, int64_t run, const char *node, const char *item,
                 uint32_t attempts, int64_t from, int64_t to, const char *action)
{
    store_step_t st = { .node = node, .item = item, .state = STORE_STEP_DONE,
                        .attempts = attempts, .started_ms = from,
                        .ended_ms = to };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    char data[128];
    snprintf(data, sizeof data, "{\"action\": \"%s\"}", action);
    val_t *d = json(data);
    assert_int_equal(store_event(s, run, "step-done", node, item, d), MIG_OK);
    val_unref(d);
}

static int64_t limit_two(void *data, const char *node)
{
    (void)data;
    return strcmp(node, "s/foreach.f") == 0 || strcmp(node, "s/foreach.g") == 0
           ? 2 : -1;
}

/* A retry-dominated run (1000 to 1700): s/a 0-50ms, then s/r/x, whose
 * last attempt (the third) ran 600-610ms after two waits of 250ms, then
 * three items of a foreach (two at once), and an http.request. */
static val_t *retry_run(void)
{
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "r", 1, "h");
    step(s, run, "s/a", "", 1, 1000, 1050, "x.one");
    val_t *w = json("{\"attempt\": 1, \"delay_ms\": 250, \"class\": \"Timeout\"}");
    assert_int_equal(store_event(s, run, "retry-wait", "s/r", "", w), MIG_OK);
    assert_int_equal(store_event(s, run, "retry-wait", "s/r", "", w), MIG_OK);
    val_unref(w);
    step(s, run, "s/r/x", "", 3, 1600, 1610, "x.two");
    step(s, run, "s/foreach.f/y", "0", 1, 1610, 1620, "x.three");
    step(s, run, "s/foreach.f/y", "1", 1, 1610, 1620, "x.three");
    step(s, run, "s/foreach.f/y", "2", 1, 1620, 1630, "x.three");
    val_t *limited = json("{\"action\": \"x.three\", \"class\": "
                          "\"Unavailable\", \"status\": 429}");
    assert_int_equal(store_event(s, run, "step-failed", "s/foreach.f/y", "2",
                                 limited), MIG_OK);
    val_unref(limited);
    limited = json("{\"action\": \"x.one\", \"status\": 429}");
    assert_int_equal(store_event(s, run, "step-failed", "s/a", "", limited),
                     MIG_OK);           /* outside the foreach */
    val_unref(limited);
    /* three items of no length in one millisecond: as many at once as
     * the bound lets run (2), not 3, nor 0 */
    for (int i = 0; i < 3; i++)
        step(s, run, "s/foreach.g/z", i == 0 ? "0" : i == 1 ? "1" : "2", 1,
             1630, 1630, "x.four");
    val_t *args = json("{\"url\": \"https://user@api.example.com:8443/v1?q=1\"}");
    store_journal_t rec = { .node = "s/h", .item = "", .action = "http.request",
                            .kind = STORE_JOURNAL_NONE, .args = args };
    assert_int_equal(store_journal_intent(s, run, &rec), MIG_OK);
    val_unref(args);
    step(s, run, "s/h", "", 1, 1630, 1690, "http.request");
    assert_int_equal(store_run_finish(s, run, STORE_RUN_SUCCEEDED, NULL),
                     MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    store_close(s);
    sql(path, "UPDATE runs SET started_ms = 1000, ended_ms = 1700");
    s = open_store(STORE_READONLY);
    val_t *v = NULL;
    assert_int_equal(analytics_run(s, run, NULL, limit_two, NULL, &v), MIG_OK);
    store_close(s);
    return v;
}

static void retry_dominated(void **state)
{
    (void)state;
    val_t *v = retry_run();
    assert_json(key(v, "wall_ms"), "700");
    const val_t *cp = key(v, "critical_path");
    assert_json(val_list_get(key(cp, "steps"), 1),
                "{\"node\":\"s/r/x\",\"item\":\"\",\"action\":\"x.two\","
                "\"start_ms\":600,\"duration_ms\":10,\"wait_before_ms\":550,"
                "\"link\":\"same item\",\"attempts\":3,\"retry_wait_ms\":500}");
    /* s/a, s/r/x, item 1 (of the two that ended as item 2 began, the
     * later recorded), item 2 (another item: it waited for a slot), the
     * last item of foreach.g (no length), s/h */
    assert_int_equal(val_len(key(cp, "steps")), 6);
    assert_json(val_list_get(key(cp, "steps"), 3),
                "{\"node\":\"s/foreach.f/y\",\"item\":\"2\",\"action\":"
                "\"x.three\",\"start_ms\":620,\"duration_ms\":10,"
                "\"wait_before_ms\":0,\"link\":\"other item\",\"attempts\":1,"
                "\"retry_wait_ms\":0}");
    /* 50 + 10 + 10 + 10 + 60 working; 550 waiting; 10 after the last */
    assert_json(key(cp, "work_ms"), "140");
    assert_json(key(cp, "wait_ms"), "550");
    assert_json(key(cp, "tail_ms"), "10");
    assert_json(key(v, "time"),
                "{\"work_ms\":150,\"retry_wait_ms\":500,\"retry_waits\":2}");
    val_unref(v);
}

static void concurrency_and_endpoints(void **state)
{
    (void)state;
    val_t *v = retry_run();
    /* items 0 and 1 ran together; 2 began as they ended */
    assert_json(key(v, "concurrency"),
                "[{\"foreach\":\"s/foreach.f\",\"items\":3,"
                "\"item_p50_ms\":10,\"calls\":3,\"status_429\":1,"
                "\"reached\":2,\"allowed\":2},"
                "{\"foreach\":\"s/foreach.g\",\"items\":3,"
                "\"item_p50_ms\":0,\"calls\":3,\"status_429\":0,"
                "\"reached\":2,\"allowed\":2}]");
    assert_json(key(v, "endpoints"),
                "[{\"host\":\"api.example.com:8443\",\"count\":1,"
                "\"total_ms\":60,\"p50_ms\":60,\"p95_ms\":60,\"max_ms\":60,"
                "\"failed\":0}]");
    const val_t *slow = key(v, "slowest_actions");
    assert_int_equal(val_len(slow), 5);
    assert_json(val_list_get(slow, 0),
                "{\"action\":\"http.request\",\"count\":1,\"total_ms\":60,"
                "\"p50_ms\":60,\"p95_ms\":60,\"max_ms\":60,\"failed\":0}");
    /* a history made by hand: no process timed its commits */
    assert_json(key(v, "journal_commits"), "null");
    val_unref(v);
}

static void no_such_run(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    val_t *v = (val_t *)1;
    assert_int_equal(analytics_run(s, 9, NULL, NULL, NULL, &v), MIG_EINVALID);
    assert_null(v);
    assert_int_equal(strncmp(last_diag(s), "no run 9 in '", 13), 0);
    store_close(s);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, make_dir, remove_dir)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain),
        cmocka_unit_test(stages_after),
        cmocka_unit_test(fan_out),
        cmocka_unit_test(slots),
        cmocka_unit_test(zero_length),
        T(retry_dominated),
        T(concurrency_and_endpoints),
        T(no_such_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
