/* test_breaker.c: the circuit breaker's state machine (runtime/breaker.h)
 * through every transition, with the clock driven by the test: closed
 * stays closed while failures are spread wider than the window; N within
 * it open the breaker; open refuses until the cooldown; then one probe
 * (half-open) while the others wait; the probe's success closes it, its
 * failure opens it again for a new cooldown. Also: which rule covers an
 * action (its own before its namespace's), one breaker per value of the
 * `per` argument, one per target of a row that names its targets
 * (http.request's host) unless `per: "action"`. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "breaker.h"

static breaker_t *find(breakers_t *b, const char *action, val_t *args)
{
    bool oom = false;
    breaker_t *k = breakers_find(b, action, args, NULL, &oom);
    assert_false(oom);
    return k;
}

static void fail_at(breaker_t *k, int64_t now, int want_to)
{
    int to;
    assert_true(breaker_allow(k, now, &to));
    breaker_record(k, true, now, &to);
    assert_int_equal(to, want_to);
}

static void test_every_transition(void **state)
{
    (void)state;
    breakers_t *b = breakers_new();
    assert_int_equal(breakers_add(b, "x.call", 3, 1000, 500, NULL), MIG_OK);
    breaker_t *k = find(b, "x.call", NULL);
    assert_non_null(k);
    assert_int_equal(breaker_state(k), BREAKER_CLOSED);
    /* Three failures spread over more than the window: still closed. */
    fail_at(k, 0, -1);
    fail_at(k, 600, -1);
    fail_at(k, 1200, -1);
    assert_int_equal(breaker_state(k), BREAKER_CLOSED);
    /* A success does not reset the count: failures within the window. */
    int to;
    assert_true(breaker_allow(k, 1300, &to));
    breaker_record(k, false, 1300, &to);
    assert_int_equal(to, -1);
    fail_at(k, 1500, BREAKER_OPEN);    /* 600, 1200, 1500: within 1000 */
    assert_int_equal(breaker_open_until(k), 2000);
    /* Open: refused until the cooldown has passed. */
    assert_false(breaker_allow(k, 1999, &to));
    assert_int_equal(to, -1);
    /* Then one probe; the others are refused while it is out. */
    assert_true(breaker_allow(k, 2000, &to));
    assert_int_equal(to, BREAKER_HALF_OPEN);
    assert_false(breaker_allow(k, 2001, &to));
    /* The probe fails: open again, for a new cooldown. */
    breaker_record(k, true, 2010, &to);
    assert_int_equal(to, BREAKER_OPEN);
    assert_int_equal(breaker_open_until(k), 2510);
    assert_false(breaker_allow(k, 2500, &to));
    /* The next probe succeeds: closed, with its count cleared. */
    assert_true(breaker_allow(k, 2510, &to));
    assert_int_equal(to, BREAKER_HALF_OPEN);
    breaker_record(k, false, 2520, &to);
    assert_int_equal(to, BREAKER_CLOSED);
    fail_at(k, 2530, -1);
    fail_at(k, 2540, -1);
    assert_int_equal(breaker_state(k), BREAKER_CLOSED);
    fail_at(k, 2550, BREAKER_OPEN);
    breakers_free(b);
}

static void test_one_failure_opens_when_failures_is_1(void **state)
{
    (void)state;
    breakers_t *b = breakers_new();
    assert_int_equal(breakers_add(b, "x.call", 1, 1000, 50, NULL), MIG_OK);
    breaker_t *k = find(b, "x.call", NULL);
    fail_at(k, 10, BREAKER_OPEN);
    breakers_free(b);
}

static void test_rules_and_keys(void **state)
{
    (void)state;
    breakers_t *b = breakers_new();
    assert_int_equal(breakers_add(b, "net.*", 2, 1000, 100, NULL), MIG_OK);
    assert_int_equal(breakers_add(b, "net.get", 2, 1000, 100, "url"),
                     MIG_OK);
    /* No rule: no breaker. */
    assert_null(find(b, "file.write", NULL));
    /* net.post falls under net.*; net.get has its own rule, per url. */
    breaker_t *post = find(b, "net.post", NULL);
    assert_string_equal(breaker_name(post), "net.*");
    val_t *a = val_map_new(1), *c = val_map_new(1);
    val_map_set_take(a, "url", 3, val_cstring("https://a"));
    val_map_set_take(c, "url", 3, val_cstring("https://c"));
    breaker_t *ka = find(b, "net.get", a), *kc = find(b, "net.get", c);
    assert_ptr_not_equal(ka, kc);
    assert_ptr_equal(find(b, "net.get", a), ka);
    assert_string_equal(breaker_name(ka), "net.get url=https://a");
    fail_at(ka, 0, -1);
    fail_at(ka, 1, BREAKER_OPEN);
    assert_int_equal(breaker_state(kc), BREAKER_CLOSED);
    int to;
    assert_true(breaker_allow(kc, 2, &to));
    val_unref(a);
    val_unref(c);
    breakers_free(b);
}

/* A row's target_of (interpreter.h): the "host" argument. */
static mig_status_t host_of(const val_t *args, strbuf_t *out)
{
    val_t *h = val_map_get(args, "host", 4);
    strbuf_puts(out, h ? val_get_str(h, NULL) : "?");
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

static breaker_t *find_target(breakers_t *b, const char *action, val_t *args)
{
    bool oom = false;
    breaker_t *k = breakers_find(b, action, args, host_of, &oom);
    assert_false(oom);
    return k;
}

static void test_per_target_by_default(void **state)
{
    (void)state;
    breakers_t *b = breakers_new();
    assert_int_equal(breakers_add(b, "web.get", 1, 1000, 500, NULL), MIG_OK);
    assert_int_equal(breakers_add(b, "web.put", 1, 1000, 500,
                                  BREAKER_PER_ACTION), MIG_OK);
    assert_int_equal(breakers_add(b, "web.del", 1, 1000, 500, "url"),
                     MIG_OK);
    val_t *a = val_map_new(2), *c = val_map_new(2);
    val_map_set_take(a, "host", 4, val_cstring("http://a:80"));
    val_map_set_take(a, "url", 3, val_cstring("http://a/1"));
    val_map_set_take(c, "host", 4, val_cstring("http://c:80"));
    val_map_set_take(c, "url", 3, val_cstring("http://a/1"));
    /* Without per: one breaker per target; a's opening leaves c's. */
    breaker_t *ka = find_target(b, "web.get", a);
    breaker_t *kc = find_target(b, "web.get", c);
    assert_string_equal(breaker_name(ka), "web.get http://a:80");
    assert_string_equal(breaker_name(kc), "web.get http://c:80");
    fail_at(ka, 0, BREAKER_OPEN);
    assert_int_equal(breaker_state(kc), BREAKER_CLOSED);
    /* per: "action": one for every target. */
    breaker_t *pa = find_target(b, "web.put", a);
    assert_ptr_equal(find_target(b, "web.put", c), pa);
    assert_string_equal(breaker_name(pa), "web.put");
    /* per names an argument: it wins over the target. */
    breaker_t *da = find_target(b, "web.del", a);
    assert_ptr_equal(find_target(b, "web.del", c), da);
    assert_string_equal(breaker_name(da), "web.del url=http://a/1");
    /* A row without targets: one breaker, as before. */
    assert_string_equal(breaker_name(find(b, "web.get", a)), "web.get");
    val_unref(a);
    val_unref(c);
    breakers_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_one_failure_opens_when_failures_is_1),
        cmocka_unit_test(test_rules_and_keys),
        cmocka_unit_test(test_per_target_by_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
