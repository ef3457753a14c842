/* test_metrics.c: the Prometheus text of metrics.c and the gauges and
 * commit timings of store_metrics.c (docs/metrics.md): label values and
 * HELP text escaped as the format says, values written as integers,
 * fractions and +Inf; a histogram's buckets cumulative up to +Inf; an
 * empty store gives every family with zero counts; a run's gauges come
 * back as written, the newest replacing the older; the commit timings
 * fall into the right buckets at their bounds; a run recorded running
 * whose process is gone counts as interrupted, and its gauges are left
 * out. */
#include "store_fixture.h"
#include <math.h>

#include "metrics.h"

static void test_escape(void **state)
{
    (void)state;
    strbuf_t b;
    strbuf_init(&b);
    const char *l[] = { "class", "a\"b\\c\nd", "x", "" };
    metrics_sample(&b, "m_total", l, 2, 3);
    metrics_family(&b, "m_total", "counter", "says \"hi\" \\ and\nmore");
    assert_string_equal(b.data,
                        "m_total{class=\"a\\\"b\\\\c\\nd\",x=\"\"} 3\n"
                        "# HELP m_total says \"hi\" \\\\ and\\nmore\n"
                        "# TYPE m_total counter\n");
    strbuf_free(&b);
}

static void test_values(void **state)
{
    (void)state;
    strbuf_t b;
    strbuf_init(&b);
    metrics_sample(&b, "a", NULL, 0, 0);
    metrics_sample(&b, "a", NULL, 0, 0.25);
    metrics_sample(&b, "a", NULL, 0, 9007199254740991.0);
    metrics_sample(&b, "a", NULL, 0, 1.0 / 0.0);
    metrics_sample(&b, "a", NULL, 0, -2);
    assert_string_equal(b.data, "a 0\na 0.25\na 9007199254740991\na +Inf\n"
                                "a -2\n");
    strbuf_free(&b);
}

/* The commit that took SECS, in a store's stats: the buckets it is in. */
static void test_commit_buckets(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    store_commits_t before, after;
    store_commit_stats(s, &before);
    /* At a bound (1ms) it is in that bucket; just past it, not. */
    store_commit_timed(s, 0.001);
    store_commit_timed(s, 0.0010001);
    store_commit_timed(s, 2.0);
    store_commit_stats(s, &after);
    assert_int_equal(after.count - before.count, 3);
    assert_int_equal(after.le[0] - before.le[0], 1);
    assert_int_equal(after.le[1] - before.le[1], 2);
    assert_int_equal(after.le[STORE_COMMIT_BUCKETS - 1]
                     - before.le[STORE_COMMIT_BUCKETS - 1], 2);
    assert_true(fabs(after.sum_s - before.sum_s - 2.0020001) < 1e-9);
    store_close(s);
}

static void test_gauges(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", getpid(), "h");
    store_gauges_t g = { .run = run, .at_ms = 5, .in_flight = 3,
                         .queued = 7, .commits = { .count = 4, .sum_s = 0.5,
                                                   .le = { 1, 2, 3, 4, 4, 4,
                                                           4, 4 } } };
    assert_int_equal(store_gauges_put(s, &g), MIG_OK);
    g.queued = 6;
    assert_int_equal(store_gauges_put(s, &g), MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    store_gauges_t got;
    bool found;
    assert_int_equal(store_gauges_get(s, run, &got, &found), MIG_OK);
    assert_true(found);
    assert_int_equal(got.queued, 6);
    assert_int_equal(got.in_flight, 3);
    assert_int_equal(got.commits.le[2], 3);
    assert_int_equal(store_gauges_get(s, run + 1, &got, &found), MIG_OK);
    assert_false(found);
    /* Damaged buckets are said, not read as zeros. */
    store_close(s);
    sql(path, "UPDATE run_gauges SET commit_buckets = '[1,2]'");
    s = open_store(0);
    assert_int_not_equal(store_gauges_get(s, run, &got, &found), MIG_OK);
    assert_non_null(strstr(last_diag(s), "commit buckets"));
    store_close(s);
}

static char *render(store_t *s)
{
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(metrics_render(s, &b), MIG_OK);
    return b.data;
}

static void test_empty_store(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    char *text = render(s);
    assert_non_null(strstr(text, "# TYPE mig_runs gauge\n"
                                 "mig_runs{state=\"running\"} 0\n"));
    assert_non_null(strstr(text, "mig_rollback_duration_seconds_bucket"
                                 "{le=\"+Inf\"} 0\n"
                                 "mig_rollback_duration_seconds_sum 0\n"
                                 "mig_rollback_duration_seconds_count 0\n"));
    assert_non_null(strstr(text, "# TYPE mig_items_in_flight gauge\n"
                                 "# HELP mig_queue_depth"));
    free(text);
    store_close(s);
}

/* A run whose process is gone (no lock: liveness says interrupted) is
 * counted so, and what it last wrote is not in flight. */
static void test_dead_run(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 999999, "h");
    store_gauges_t g = { .run = run, .in_flight = 2, .queued = 1,
                         .commits = { .count = 1, .sum_s = 0.25,
                                      .le = { 0, 0, 0, 0, 0, 0, 1, 1 } } };
    assert_int_equal(store_gauges_put(s, &g), MIG_OK);
    assert_int_equal(store_event(s, run, "rollback-start", NULL, NULL, NULL),
                     MIG_OK);
    val_t *d = json("{\"matched\": false}");
    assert_int_equal(store_event(s, run, "rollback-done", NULL, NULL, d),
                     MIG_OK);
    val_unref(d);
    assert_int_equal(store_flush(s), MIG_OK);
    char *text = render(s);
    assert_non_null(strstr(text, "mig_runs{state=\"running\"} 0\n"));
    assert_non_null(strstr(text, "mig_runs{state=\"interrupted\"} 1\n"));
    assert_null(strstr(text, "mig_items_in_flight{"));
    assert_non_null(strstr(text, "mig_journal_commit_seconds_bucket"
                                 "{le=\"0.1\"} 0\n"
                                 "mig_journal_commit_seconds_bucket"
                                 "{le=\"0.25\"} 1\n"));
    assert_non_null(strstr(text, "mig_rollbacks_total{matched=\"false\"} "
                                 "1\n"));
    assert_non_null(strstr(text, "mig_rollback_duration_seconds_count 1\n"));
    free(text);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_values),
        cmocka_unit_test_setup_teardown(test_commit_buckets, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(test_gauges, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_empty_store, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(test_dead_run, make_dir, remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
