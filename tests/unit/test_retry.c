/* test_retry.c: the waits of retry blocks (sched_int.h,
 * retry_policy_delay; docs/language.md, "retry"): the exact sequence of
 * every backoff without jitter, the exact sequence with full and equal
 * jitter for a given seed (the same seed gives the same waits, another
 * seed others), the cap, and a wait an action suggests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "sched_int.h"

/* The waits after failed attempts 1..N of P, from a generator seeded with
 * SEED, into OUT. */
static void waits(const retry_policy_t *p, uint64_t seed, int64_t *out,
                  uint32_t n)
{
    uint64_t rng = seed;
    for (uint32_t i = 0; i < n; i++)
        out[i] = retry_policy_delay(p, i + 1, -1, &rng);
}

static void test_fixed(void **state)
{
    (void)state;
    retry_policy_t p = { .backoff = AST_BACKOFF_FIXED, .delay = 1000,
                         .max = INFINITY };
    int64_t w[4];
    waits(&p, 1, w, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(w[i], 1000);
}

static void test_linear_from_the_language_reference(void **state)
{
    (void)state;
    /* linear(base: 500ms, step: 500ms, max: 2s), six attempts: the five
     * waits are 500ms, 1s, 1.5s, 2s and 2s. */
    retry_policy_t p = { .backoff = AST_BACKOFF_LINEAR, .base = 500,
                         .step = 500, .max = 2000 };
    int64_t w[5], want[5] = { 500, 1000, 1500, 2000, 2000 };
    waits(&p, 1, w, 5);
    assert_memory_equal(w, want, sizeof want);
}

static void test_exponential(void **state)
{
    (void)state;
    retry_policy_t p = { .backoff = AST_BACKOFF_EXPONENTIAL, .base = 200,
                         .factor = 2, .max = 5000 };
    int64_t w[7], want[7] = { 200, 400, 800, 1600, 3200, 5000, 5000 };
    waits(&p, 1, w, 7);
    assert_memory_equal(w, want, sizeof want);
    /* Without a cap the waits keep growing, up to a year. */
    p.max = INFINITY;
    p.factor = 10;
    uint64_t rng = 1;
    assert_int_equal(retry_policy_delay(&p, 3, -1, &rng), 20000);
    assert_int_equal(retry_policy_delay(&p, 60, -1, &rng),
                     (int64_t)(86400000.0 * 365));
}

static void test_no_backoff_means_at_once(void **state)
{
    (void)state;
    retry_policy_t p = { .backoff = AST_BACKOFF_NONE, .max = INFINITY,
                         .jitter = AST_JITTER_FULL };
    uint64_t rng = 3;
    assert_int_equal(retry_policy_delay(&p, 1, -1, &rng), 0);
}

static void test_full_jitter_for_seed_42(void **state)
{
    (void)state;
    retry_policy_t p = { .backoff = AST_BACKOFF_EXPONENTIAL, .base = 200,
                         .factor = 2, .max = 5000,
                         .jitter = AST_JITTER_FULL };
    int64_t w[6], again[6], other[6];
    waits(&p, 42, w, 6);
    /* The exact waits for seed 42 (splitmix64, 53-bit uniform draws),
     * computed apart from mig with the formula of docs/language.md. */
    int64_t want[6] = { 148, 63, 222, 550, 121, 4341 };
    assert_memory_equal(w, want, sizeof want);
    waits(&p, 42, again, 6);
    assert_memory_equal(w, again, sizeof w);
    waits(&p, 43, other, 6);
    assert_memory_not_equal(w, other, sizeof w);
    int64_t cap[6] = { 200, 400, 800, 1600, 3200, 5000 };
    for (int i = 0; i < 6; i++)
        assert_true(w[i] >= 0 && w[i] <= cap[i]);
}

static void test_equal_jitter_for_seed_42(void **state)
{
    (void)state;
    retry_policy_t p = { .backoff = AST_BACKOFF_EXPONENTIAL, .base = 200,
                         .factor = 2, .max = 5000,
                         .jitter = AST_JITTER_EQUAL };
    int64_t w[6];
    waits(&p, 42, w, 6);
    int64_t want[6] = { 174, 231, 511, 1075, 1660, 4670 };
    assert_memory_equal(w, want, sizeof want);
    int64_t cap[6] = { 200, 400, 800, 1600, 3200, 5000 };
    for (int i = 0; i < 6; i++)
        assert_true(w[i] >= cap[i] / 2 && w[i] <= cap[i]);
}

static void test_a_suggested_wait_is_honoured_within_max(void **state)
{
    (void)state;
    retry_policy_t p = { .backoff = AST_BACKOFF_FIXED, .delay = 100,
                         .max = 3000 };
    uint64_t rng = 1;
    assert_int_equal(retry_policy_delay(&p, 1, 2500, &rng), 2500);
    assert_int_equal(retry_policy_delay(&p, 1, 9000, &rng), 3000);
    assert_int_equal(retry_policy_delay(&p, 1, 50, &rng), 100);
    assert_int_equal(retry_policy_delay(&p, 1, -1, &rng), 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_linear_from_the_language_reference),
        cmocka_unit_test(test_exponential),
        cmocka_unit_test(test_no_backoff_means_at_once),
        cmocka_unit_test(test_full_jitter_for_seed_42),
        cmocka_unit_test(test_equal_jitter_for_seed_42),
        cmocka_unit_test(test_a_suggested_wait_is_honoured_within_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
