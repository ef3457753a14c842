/* test_alerts.c: the alert engine (runtime/alerts.h) with constructed
 * runs and the clock driven by the test: each condition fires when its
 * threshold is passed and not just under it (failure_rate, recovery_share
 * over their windows, slow_run against the history, breaker_open longer
 * than its span, rollback_mismatch); at most once per condition per
 * window, again once the window has passed; a breaker that closes stops
 * counting; the median of the history. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "alerts.h"

typedef struct firings {
    char names[16][64];
    val_t *details[16];
    size_t n;
} firings_t;

static void on_fire(void *data, const char *condition, val_t *detail)
{
    firings_t *f = data;
    assert_true(f->n < 16);
    snprintf(f->names[f->n], sizeof f->names[0], "%s", condition);
    f->details[f->n++] = detail;
}

static void clear(firings_t *f)
{
    for (size_t i = 0; i < f->n; i++)
        val_unref(f->details[i]);
    memset(f, 0, sizeof(*f));
}

static void event(alerts_t *a, const char *kind, int64_t now)
{
    alerts_event(a, kind, NULL, now);
}

/* An event with detail {KEY: VALUE (taken)}. */
static void event_with(alerts_t *a, const char *kind, const char *key,
                       val_t *value, int64_t now)
{
    val_t *d = val_map_new(1);
    assert_int_equal(val_map_set_take(d, key, strlen(key), value), MIG_OK);
    alerts_event(a, kind, d, now);
    val_unref(d);
}

static double number(const val_t *d, const char *key)
{
    return val_get_number(val_map_get(d, key, strlen(key)));
}

/* failure_rate above 0.5 in 1m: 1 of 2 failed (0.5) is not above; 2 of 3
 * is, and fires once; more failures within the window do not fire again;
 * once the window has passed since the firing, it fires again. */
static void test_failure_rate(void **state)
{
    (void)state;
    config_alerts_t c = { .failure_above = 0.5, .failure_window_ms = 60000 };
    firings_t f = { 0 };
    alerts_t *a = alerts_new(&c, 0, 0, on_fire, &f);
    event(a, "step-done", 1000);
    event(a, "step-failed", 2000);
    assert_int_equal(f.n, 0);                   /* 0.5: just under */
    event(a, "step-failed", 3000);              /* 2 of 3 */
    assert_int_equal(f.n, 1);
    assert_string_equal(f.names[0], "failure_rate");
    assert_true(number(f.details[0], "value") > 0.66);
    assert_true(number(f.details[0], "threshold") == 0.5);
    assert_int_equal((int)number(f.details[0], "window_ms"), 60000);
    event(a, "step-failed", 4000);
    event(a, "step-failed", 62999);             /* within the window */
    assert_int_equal(f.n, 1);
    /* 63000: the window since the firing has passed; in the last minute
     * 4 of 4 failed (the done at 1000 and failed at 2000 fell out). */
    event(a, "step-failed", 63000);
    assert_int_equal(f.n, 2);
    alerts_free(a);
    clear(&f);
    /* Old failures leave the window: 2 failures then 3 done more than a
     * minute later is 0 of 3. */
    a = alerts_new(&c, 0, 0, on_fire, &f);
    event(a, "step-done", 0);
    event(a, "step-done", 0);
    event(a, "step-done", 0);
    event(a, "step-failed", 1000);
    event(a, "step-failed", 2000);              /* 2 of 5: under */
    assert_int_equal(f.n, 0);
    event(a, "step-done", 70000);
    event(a, "step-done", 70001);
    event(a, "step-failed", 70002);             /* 1 of 3: under */
    assert_int_equal(f.n, 0);
    alerts_free(a);
}

/* recovery_share below 0.5 in 5m: checked at each decision and at the
 * end; 1 fixed of 2 failed (0.5) is not below; 1 of 3 is. */
static void test_recovery_share(void **state)
{
    (void)state;
    config_alerts_t c = { .recovery_below = 0.5,
                          .recovery_window_ms = 300000 };
    firings_t f = { 0 };
    alerts_t *a = alerts_new(&c, 0, 0, on_fire, &f);
    event(a, "step-failed", 10);
    event(a, "step-failed", 20);
    event_with(a, "decision", "decision", val_cstring("retry"), 30);
    assert_int_equal(f.n, 0);                   /* 1 of 2: just under */
    event_with(a, "decision", "decision", val_cstring("fail"), 40);
    assert_int_equal(f.n, 0);                   /* a fail fixes nothing */
    event(a, "step-failed", 50);
    alerts_end(a, 60);                          /* 1 of 3 */
    assert_int_equal(f.n, 1);
    assert_string_equal(f.names[0], "recovery_share");
    assert_true(number(f.details[0], "value") < 0.34);
    alerts_free(a);
    clear(&f);
    /* No failure: nothing to share, nothing fires. */
    a = alerts_new(&c, 0, 0, on_fire, &f);
    event(a, "step-done", 10);
    alerts_end(a, 20);
    assert_int_equal(f.n, 0);
    alerts_free(a);
}

/* slow_run 2 times a history of 1s: at 2s it is not slower; past it, it
 * fires once in the run; without history it never fires. */
static void test_slow_run(void **state)
{
    (void)state;
    config_alerts_t c = { .slow_times = 2 };
    firings_t f = { 0 };
    alerts_t *a = alerts_new(&c, 1000, 1000, on_fire, &f);
    alerts_tick(a, 3000);                       /* 2000ms: just under */
    assert_int_equal(f.n, 0);
    alerts_tick(a, 3001);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.names[0], "slow_run");
    assert_int_equal((int)number(f.details[0], "history_ms"), 1000);
    alerts_tick(a, 900000);                     /* once in the run */
    alerts_end(a, 900001);
    assert_int_equal(f.n, 1);
    alerts_free(a);
    clear(&f);
    a = alerts_new(&c, 0, 0, on_fire, &f);
    alerts_tick(a, 1000000);
    assert_int_equal(f.n, 0);
    alerts_free(a);
}

/* breaker_open longer than 10s: open for 10s is not longer; 10s and 1ms
 * is; a breaker that closed does not count; two breakers fire apart;
 * one breaker fires again only after another 10s. */
static void test_breaker_open(void **state)
{
    (void)state;
    config_alerts_t c = { .breaker_open_ms = 10000 };
    firings_t f = { 0 };
    alerts_t *a = alerts_new(&c, 0, 0, on_fire, &f);
    event_with(a, "breaker-open", "breaker", val_cstring("test.sleep"), 1000);
    event_with(a, "breaker-half-open", "breaker", val_cstring("test.sleep"),
               5000);
    event_with(a, "breaker-open", "breaker", val_cstring("test.sleep"), 5001);
    alerts_tick(a, 11000);                      /* open 10s: just under */
    assert_int_equal(f.n, 0);
    alerts_tick(a, 11001);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.names[0], "breaker_open");
    assert_string_equal(val_get_str(val_map_get(f.details[0], "breaker", 7),
                                    NULL), "test.sleep");
    alerts_tick(a, 21000);                      /* within 10s of the firing */
    assert_int_equal(f.n, 1);
    alerts_tick(a, 21001);
    assert_int_equal(f.n, 2);
    event_with(a, "breaker-closed", "breaker", val_cstring("test.sleep"),
               21002);
    event_with(a, "breaker-open", "breaker", val_cstring("file.write"),
               21003);
    alerts_tick(a, 40000);                      /* only file.write is open */
    assert_int_equal(f.n, 3);
    assert_string_equal(val_get_str(val_map_get(f.details[2], "breaker", 7),
                                    NULL), "file.write");
    alerts_free(a);
    clear(&f);
}

/* rollback_mismatch: a rollback whose verification matched does not
 * fire, one that did not does, with what differs; off, neither fires. */
static void test_rollback_mismatch(void **state)
{
    (void)state;
    config_alerts_t c = { .rollback_mismatch = true };
    firings_t f = { 0 };
    alerts_t *a = alerts_new(&c, 0, 0, on_fire, &f);
    event_with(a, "rollback-done", "matched", val_bool(true), 10);
    assert_int_equal(f.n, 0);
    event_with(a, "rollback-done", "matched", val_bool(false), 20);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.names[0], "rollback_mismatch");
    assert_non_null(val_map_get(f.details[0], "differ", 6));
    alerts_free(a);
    clear(&f);
    c.rollback_mismatch = false;
    a = alerts_new(&c, 0, 0, on_fire, &f);
    event_with(a, "rollback-done", "matched", val_bool(false), 20);
    assert_int_equal(f.n, 0);
    alerts_free(a);
}

/* Nothing set: no event fires anything. */
static void test_nothing_set(void **state)
{
    (void)state;
    config_alerts_t c = { 0 };
    firings_t f = { 0 };
    alerts_t *a = alerts_new(&c, 0, 0, on_fire, &f);
    event(a, "step-failed", 1);
    event_with(a, "breaker-open", "breaker", val_cstring("x"), 2);
    alerts_tick(a, 100000000);
    alerts_end(a, 100000001);
    assert_int_equal(f.n, 0);
    alerts_free(a);
}

static void test_median(void **state)
{
    (void)state;
    int64_t odd[] = { 30, 10, 20 }, even[] = { 40, 10, 30, 20 };
    assert_int_equal(alerts_median(odd, 3), 20);
    assert_int_equal(alerts_median(even, 4), 25);
    assert_int_equal(alerts_median(NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failure_rate),
        cmocka_unit_test(test_recovery_share),
        cmocka_unit_test(test_slow_run),
        cmocka_unit_test(test_breaker_open),
        cmocka_unit_test(test_rollback_mismatch),
        cmocka_unit_test(test_nothing_set),
        cmocka_unit_test(test_median),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
