/* test_stats.c: the statistics of `mig stats` (analytics/stats_*.c,
 * band.c) on a small fixed history written with the store API, its
 * times set by hand, against answers computed by hand
 * (docs/analytics.md). */
#include "store_fixture.h"

#include "analytics.h"

/* ---- percentiles ------------------------------------------------------------ */

static void percentile_nearest_rank(void **state)
{
    (void)state;
    int64_t five[] = { 5, 1, 4, 2, 3 };
    assert_int_equal(analytics_percentile(five, 5, 50), 3);    /* rank 3 */
    assert_int_equal(analytics_percentile(five, 5, 95), 5);    /* rank 5 */
    assert_int_equal(analytics_percentile(five, 5, 20), 1);    /* rank 1 */
    assert_int_equal(analytics_percentile(five, 5, 21), 2);    /* rank 2 */
    int64_t one[] = { 7 };
    assert_int_equal(analytics_percentile(one, 1, 50), 7);
    assert_int_equal(analytics_percentile(one, 1, 100), 7);
    int64_t v[21];
    for (int i = 0; i < 21; i++)
        v[i] = 21 - i;      /* 21 .. 1 */
    /* 95% of 20 values is rank 19 exactly; of 21, 19.95: rank 20. */
    assert_int_equal(analytics_percentile(v, 20, 95), 19 + 1);
    assert_int_equal(analytics_percentile(v, 21, 95), 20);
    assert_int_equal(analytics_percentile(v, 21, 100), 21);
    int64_t two[] = { 40, 10 };
    assert_int_equal(analytics_percentile(two, 2, 50), 10);    /* rank 1 */
    assert_int_equal(analytics_percentile(two, 2, 51), 40);    /* rank 2 */
}

/* ---- complexity bands --------------------------------------------------------- */

/* A tool record whose parameters have N scalar properties. */
static val_t *flat(int n)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "{'name': 't', 'parameters': {'type': 'object', "
                "'properties': {");
    for (int i = 0; i < n; i++)
        strbuf_printf(&b, "%s'p%d': {'type': 'string'}", i ? ", " : "", i);
    strbuf_puts(&b, "}}}");
    val_t *v = json_value(b.data);
    strbuf_free(&b);
    return v;
}

static analytics_band_t band_of(val_t *rec, analytics_band_features_t *f)
{
    analytics_band_t b = analytics_band(rec, f);
    val_unref(rec);
    return b;
}

static void band_bounds(void **state)
{
    (void)state;
    analytics_band_features_t f;
    assert_int_equal(band_of(flat(4), &f), ANALYTICS_BAND_LOW);
    assert_int_equal(f.points, ANALYTICS_BAND_LOW_MAX);
    assert_int_equal(f.params, 4);
    assert_int_equal(f.depth, 1);
    assert_int_equal(band_of(flat(5), &f), ANALYTICS_BAND_MEDIUM);
    assert_int_equal(f.points, ANALYTICS_BAND_LOW_MAX + 1);
    assert_int_equal(band_of(flat(12), &f), ANALYTICS_BAND_MEDIUM);
    assert_int_equal(f.points, ANALYTICS_BAND_MEDIUM_MAX);
    assert_int_equal(band_of(flat(13), &f), ANALYTICS_BAND_HIGH);
    assert_int_equal(band_of(flat(0), &f), ANALYTICS_BAND_LOW);
    assert_int_equal(f.points, 0);
    assert_string_equal(analytics_band_name(ANALYTICS_BAND_MEDIUM), "medium");
}

static void band_features(void **state)
{
    (void)state;
    analytics_band_features_t f;
    /* Two properties, one an object holding a list of objects (depth 4:
     * the top, filter, rows, its items), a $ref and two enums:
     * 2 + 2 * 3 + 3 + 2 = 13, high. */
    assert_int_equal(band_of(json_value(
        "{'parameters': {'properties': {"
        "'mode': {'enum': ['a', 'b']},"
        "'filter': {'type': 'object', 'properties': {"
        "  'rows': {'type': 'array', 'items': {'properties': {"
        "    'k': {'$ref': '#/$defs/k'}, 'o': {'enum': [1]}}}}}}}}}"), &f),
        ANALYTICS_BAND_HIGH);
    assert_int_equal(f.params, 2);
    assert_int_equal(f.depth, 4);
    assert_int_equal(f.refs, 1);
    assert_int_equal(f.enums, 2);
    assert_int_equal(f.points, 2 + 2 * 3 + 3 + 2);
    /* A V2 descriptor is measured by its inputSchema; anyOf members count
     * at their own level. */
    assert_int_equal(band_of(json_value(
        "{'inputSchema': {'anyOf': [{'properties': {'a': {}}}, "
        "{'$ref': '#/x'}]}}"), &f), ANALYTICS_BAND_LOW);
    assert_int_equal(f.depth, 1);
    assert_int_equal(f.refs, 1);
    assert_int_equal(f.params, 0);
    /* Not a map, or no schema: low, nothing counted. */
    assert_int_equal(band_of(json_value("[1, 2]"), &f), ANALYTICS_BAND_LOW);
    assert_int_equal(f.points, 0);
    assert_int_equal(band_of(json_value("{'parameters': null}"), &f),
                     ANALYTICS_BAND_LOW);
    assert_int_equal(f.depth, 0);
}

/* ---- a history -------------------------------------------------------------------- */

static int64_t run_of(store_t *s, const char *name)
{
    store_run_t r = { .plan_path = "/plans/p.mig", .plan_name = (char *)name,
                      .plan_digest = "d", .host = "h", .pid = 1,
                      .started_ms = 1 };
    int64_t id = 0;
    assert_int_equal(store_run_create(s, &r, &id), MIG_OK);
    return id;
}

static void event(store_t *s, int64_t run, const char *kind, const char *node,
                  const char *item, const char *data)
{
    val_t *d = data ? json_value(data) : NULL;
    assert_int_equal(store_event(s, run, kind, node, item, d), MIG_OK);
    val_unref(d);
}

static void step(store_t *s, int64_t run, const char *node, const char *item,
                 store_step_state_t state, uint32_t attempts, int64_t from,
                 int64_t to)
{
    store_step_t st = { .node = node, .item = item, .state = state,
                        .attempts = attempts, .started_ms = from,
                        .ended_ms = to };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
}

/* Run 1 of "alpha" (1000 to 5000): stage s1 takes 400ms; steps x.one
 * 10ms, x.two 20, 40 (failed) and 50ms; waits of 100ms (Transient) and
 * 300ms (Timeout); Transient recovered twice by h.one (item 1 then
 * failed), a Conflict skipped by h.two. Run 2 of "alpha" (10000 to
 * 12000): s1 fails after 900ms, x.one 30ms, rolled back and verified.
 * Run 3 of "beta" (20000 to 20500): s2 100ms, a rollback that did not
 * verify. */
static void write_history(void)
{
    store_t *s = open_store(STORE_CREATE);
    int64_t r1 = run_of(s, "alpha");
    event(s, r1, "stage-start", "s1/enter", NULL, NULL);            /* 1 */
    event(s, r1, "step-done", "s1/a", "", "{'action': 'x.one'}");
    /* item 0 failed before its recovery, which then succeeded */
    event(s, r1, "item-failed", "s1/f/g", "0", "{'class': 'Transient'}");
    event(s, r1, "retry-wait", "s1/f/r", "0",
          "{'attempt': 1, 'delay_ms': 100, 'class': 'Transient'}");
    event(s, r1, "retry-wait", "s1/f/r", "1",
          "{'attempt': 1, 'delay_ms': 300, 'class': 'Timeout'}");
    event(s, r1, "recover", "s1/f", "0",
          "{'class': 'Transient', 'handler': 'h.one'}");             /* 6 */
    event(s, r1, "decision", "s1/f", "0", "{'decision': 'retry'}");
    event(s, r1, "recover", "s1/f", "1",
          "{'class': 'Transient', 'handler': 'h.one'}");
    event(s, r1, "decision", "s1/f", "1", "{'decision': 'retry'}");
    event(s, r1, "item-failed", "s1/f", "1", "{'class': 'Transient'}");
    event(s, r1, "recover", "s1/f", "2",
          "{'class': 'Conflict', 'handler': 'h.two'}");              /* 11 */
    event(s, r1, "decision", "s1/f", "2", "{'decision': 'skip'}");
    event(s, r1, "step-done", "s1/f/b", "0", "{'action': 'x.two'}");
    event(s, r1, "step-failed", "s1/f/b", "1", "{'action': 'x.two'}");
    event(s, r1, "stage-done", "s1/enter", NULL, NULL);              /* 15 */
    step(s, r1, "s1/a", "", STORE_STEP_DONE, 1, 1000, 1010);
    step(s, r1, "s1/f/b", "0", STORE_STEP_DONE, 2, 1010, 1030);
    step(s, r1, "s1/f/b", "1", STORE_STEP_FAILED, 1, 1010, 1050);
    step(s, r1, "s1/f/b", "2", STORE_STEP_DONE, 1, 1010, 1060);
    step(s, r1, "s1/f/r", "0", STORE_STEP_DONE, 3, 1010, 1060);  /* a scope */
    assert_int_equal(store_run_finish(s, r1, STORE_RUN_SUCCEEDED, NULL),
                     MIG_OK);
    int64_t r2 = run_of(s, "alpha");
    event(s, r2, "stage-start", "s1/enter", NULL, NULL);
    event(s, r2, "step-done", "s1/a", "", "{'action': 'x.one'}");
    event(s, r2, "stage-failed", "s1/enter", NULL, "{'class': 'Permanent'}");
    event(s, r2, "rollback-done", NULL, NULL,
          "{'to': 'cp', 'undone': 3, 'matched': true}");
    step(s, r2, "s1/a", "", STORE_STEP_DONE, 1, 10000, 10030);
    assert_int_equal(store_run_finish(s, r2, STORE_RUN_ROLLED_BACK, "x"),
                     MIG_OK);
    int64_t r3 = run_of(s, "beta");
    event(s, r3, "stage-start", "s2/enter", NULL, NULL);
    event(s, r3, "stage-done", "s2/enter", NULL, NULL);
    event(s, r3, "rollback-done", NULL, NULL,
          "{'to': 'cp', 'undone': 1, 'matched': false}");
    assert_int_equal(store_run_finish(s, r3, STORE_RUN_ROLLED_BACK_UNVERIFIED,
                                      "y"), MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    store_close(s);
    sql(path, "UPDATE runs SET started_ms = 1000, ended_ms = 5000 WHERE id = 1;"
              "UPDATE runs SET started_ms = 10000, ended_ms = 12000 WHERE id = 2;"
              "UPDATE runs SET started_ms = 20000, ended_ms = 20500 WHERE id = 3;"
              "UPDATE events SET at_ms = 1000 WHERE run = 1 AND seq = 1;"
              "UPDATE events SET at_ms = 1400 WHERE run = 1 AND seq = 15;"
              "UPDATE events SET at_ms = 10000 WHERE run = 2 AND seq = 1;"
              "UPDATE events SET at_ms = 10900 WHERE run = 2 AND seq = 3;"
              "UPDATE events SET at_ms = 20000 WHERE run = 3 AND seq = 1;"
              "UPDATE events SET at_ms = 20100 WHERE run = 3 AND seq = 2;");
}

static val_t *stats(int64_t since, const char *plan)
{
    store_t *s = open_store(STORE_READONLY);
    analytics_filter_t f = { .since_ms = since, .plan = plan };
    val_t *v = NULL;
    assert_int_equal(analytics_stats(s, &f, &v), MIG_OK);
    store_close(s);
    return v;
}

static void durations(void **state)
{
    (void)state;
    write_history();
    val_t *v = stats(0, NULL);
    assert_json(key(v, "runs"), "3");
    assert_json(key(v, "stages"),
                "[{\"stage\":\"s1\",\"count\":2,\"p50_ms\":400,\"p95_ms\":900,"
                "\"max_ms\":900,\"failed\":1},"
                "{\"stage\":\"s2\",\"count\":1,\"p50_ms\":100,\"p95_ms\":100,"
                "\"max_ms\":100,\"failed\":0}]");
    assert_json(key(v, "actions"),
                "[{\"action\":\"x.one\",\"count\":2,\"p50_ms\":10,\"p95_ms\":30,"
                "\"max_ms\":30,\"failed\":0},"
                "{\"action\":\"x.two\",\"count\":3,\"p50_ms\":40,\"p95_ms\":50,"
                "\"max_ms\":50,\"failed\":1}]");
    val_unref(v);
}

static void retries_and_recoveries(void **state)
{
    (void)state;
    write_history();
    val_t *v = stats(0, NULL);
    assert_json(key(v, "retries"),
                "{\"waits\":2,\"wait_ms\":400,\"steps_retried\":1,"
                "\"by_class\":[{\"class\":\"Timeout\",\"waits\":1},"
                "{\"class\":\"Transient\",\"waits\":1}]}");
    assert_json(key(v, "recoveries"),
                "[{\"class\":\"Conflict\",\"handler\":\"h.two\",\"count\":1,"
                "\"retry\":0,\"skip\":1,\"fail\":0,\"rollback\":0,"
                "\"succeeded\":0,\"share\":0.0},"
                "{\"class\":\"Transient\",\"handler\":\"h.one\",\"count\":2,"
                "\"retry\":2,\"skip\":0,\"fail\":0,\"rollback\":0,"
                "\"succeeded\":1,\"share\":0.5}]");
    val_unref(v);
}

static void rollbacks_and_trend(void **state)
{
    (void)state;
    write_history();
    val_t *v = stats(0, NULL);
    assert_json(key(v, "rollbacks"),
                "{\"total\":2,\"verified\":1,\"unverified\":1,\"not_needed\":0,"
                "\"runs\":[{\"run\":2,\"to\":\"cp\",\"undone\":3,"
                "\"outcome\":\"verified\"},{\"run\":3,\"to\":\"cp\","
                "\"undone\":1,\"outcome\":\"unverified\"}]}");
    assert_json(key(v, "trend"),
                "[{\"run\":1,\"plan\":\"alpha\",\"started_ms\":1000,"
                "\"state\":\"succeeded\",\"duration_ms\":4000,\"records\":0,"
                "\"migrated\":0,\"rate\":null,\"retries\":2,\"recoveries\":3,"
                "\"rollback\":null},"
                "{\"run\":2,\"plan\":\"alpha\",\"started_ms\":10000,"
                "\"state\":\"rolled-back\",\"duration_ms\":2000,\"records\":0,"
                "\"migrated\":0,\"rate\":null,\"retries\":0,\"recoveries\":0,"
                "\"rollback\":\"verified\"},"
                "{\"run\":3,\"plan\":\"beta\",\"started_ms\":20000,"
                "\"state\":\"rolled-back-unverified\",\"duration_ms\":500,"
                "\"records\":0,\"migrated\":0,\"rate\":null,\"retries\":0,"
                "\"recoveries\":0,\"rollback\":\"unverified\"}]");
    /* No records in these runs: every band is listed, with no rate. */
    assert_json(key(v, "by_band"),
                "[{\"band\":\"low\",\"records\":0,\"migrated\":0,\"failed\":0,"
                "\"not_reached\":0,\"rate\":null},"
                "{\"band\":\"medium\",\"records\":0,\"migrated\":0,\"failed\":0,"
                "\"not_reached\":0,\"rate\":null},"
                "{\"band\":\"high\",\"records\":0,\"migrated\":0,\"failed\":0,"
                "\"not_reached\":0,\"rate\":null}]");
    val_unref(v);
}

/* --since at its bound (a run started at SINCE counts, one a millisecond
 * before does not) and --plan by name and by path. */
static void filter(void **state)
{
    (void)state;
    write_history();
    val_t *v = stats(10000, NULL);
    assert_json(key(v, "runs"), "2");
    assert_json(key(v, "stages"),
                "[{\"stage\":\"s1\",\"count\":1,\"p50_ms\":900,\"p95_ms\":900,"
                "\"max_ms\":900,\"failed\":1},"
                "{\"stage\":\"s2\",\"count\":1,\"p50_ms\":100,\"p95_ms\":100,"
                "\"max_ms\":100,\"failed\":0}]");
    val_unref(v);
    v = stats(10001, NULL);
    assert_json(key(v, "runs"), "1");
    val_unref(v);
    v = stats(9999, "alpha");
    assert_json(key(v, "runs"), "1");
    assert_json(key(v, "retries"), "{\"waits\":0,\"wait_ms\":0,"
                "\"steps_retried\":0,\"by_class\":[]}");
    val_unref(v);
    v = stats(0, "/plans/p.mig");
    assert_json(key(v, "runs"), "3");
    val_unref(v);
    v = stats(0, "gamma");
    assert_json(key(v, "runs"), "0");
    assert_json(key(v, "stages"), "[]");
    assert_json(key(v, "trend"), "[]");
    val_unref(v);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, make_dir, remove_dir)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percentile_nearest_rank),
        cmocka_unit_test(band_bounds),
        cmocka_unit_test(band_features),
        T(durations),
        T(retries_and_recoveries),
        T(rollbacks_and_trend),
        T(filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
