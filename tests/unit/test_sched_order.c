/* test_sched_order.c: the order of a foreach's items under `after`
 * (runtime/sched_order.c): the first free item in list order is taken,
 * an item waits until every item it names has ended (a pair given twice
 * ends twice), each item is taken once, an empty loop is fine, and a
 * cycle is found and given in the order its items wait for one another,
 * whichever item it starts at, a cycle of one included. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "sched_int.h"

/* An order of N items with the N_PAIRS pairs PAIRS (item, on), sealed
 * with status WANT; its cycle in *CYCLE and *N_CYCLE. */
static sched_order_t *seal_pairs(size_t n, const size_t (*pairs)[2],
                                 size_t n_pairs, mig_status_t want,
                                 size_t **cycle, size_t *n_cycle)
{
    sched_order_t *o = sched_order_new(n);
    assert_non_null(o);
    for (size_t k = 0; k < n_pairs; k++)
        assert_true(sched_order_wait(o, pairs[k][0], pairs[k][1]));
    assert_int_equal(sched_order_seal(o, cycle, n_cycle), want);
    return o;
}

/* A sealed order of N items with the N_PAIRS pairs PAIRS: no cycle. */
static sched_order_t *sealed(size_t n, const size_t (*pairs)[2],
                             size_t n_pairs)
{
    size_t *cycle = NULL, n_cycle = 0;
    sched_order_t *o = seal_pairs(n, pairs, n_pairs, MIG_OK, &cycle,
                                  &n_cycle);
    assert_null(cycle);
    assert_int_equal(n_cycle, 0);
    return o;
}

static void list_order_without_pairs(void **state)
{
    (void)state;
    sched_order_t *o = sealed(3, NULL, 0);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(sched_order_take(o), i);
    assert_int_equal(sched_order_take(o), SIZE_MAX);
    sched_order_free(o);
    o = sealed(0, NULL, 0);                     /* an empty loop */
    assert_int_equal(sched_order_take(o), SIZE_MAX);
    sched_order_free(o);
}

static void waits_until_its_items_end(void **state)
{
    (void)state;
    /* 0 waits for 2; 1 waits for 0 and 3; 3 for nothing */
    static const size_t pairs[][2] = { { 0, 2 }, { 1, 0 }, { 1, 3 } };
    sched_order_t *o = sealed(4, pairs, 3);
    assert_int_equal(sched_order_take(o), 2);
    assert_int_equal(sched_order_take(o), 3);
    assert_int_equal(sched_order_take(o), SIZE_MAX);    /* 0, 1 wait */
    sched_order_ended(o, 3);
    assert_int_equal(sched_order_take(o), SIZE_MAX);    /* 1 waits for 0 */
    sched_order_ended(o, 2);
    assert_int_equal(sched_order_take(o), 0);
    assert_int_equal(sched_order_take(o), SIZE_MAX);
    sched_order_ended(o, 0);
    assert_int_equal(sched_order_take(o), 1);
    assert_int_equal(sched_order_take(o), SIZE_MAX);
    sched_order_free(o);
}

/* Items freed late come before later items still free: the lowest index
 * first, among 100 items that all wait for item 50; and among items freed
 * in the reverse of their order. */
static void first_free_in_list_order(void **state)
{
    (void)state;
    size_t pairs[98][2];
    for (size_t i = 0; i < 98; i++) {
        pairs[i][0] = i < 50 ? i : i + 2;       /* 0..49, 52..99 */
        pairs[i][1] = 50;
    }
    sched_order_t *o = sealed(100, (const size_t (*)[2])pairs, 98);
    assert_int_equal(sched_order_take(o), 50);
    assert_int_equal(sched_order_take(o), 51);
    assert_int_equal(sched_order_take(o), SIZE_MAX);
    sched_order_ended(o, 50);
    for (size_t i = 0; i < 100; i++)
        if (i != 50 && i != 51)
            assert_int_equal(sched_order_take(o), i);
    assert_int_equal(sched_order_take(o), SIZE_MAX);
    sched_order_free(o);
    /* freed in the reverse order: item I waits for item 9 - I */
    size_t rev[5][2];
    for (size_t i = 0; i < 5; i++) {
        rev[i][0] = i;
        rev[i][1] = 9 - i;
    }
    o = sealed(10, (const size_t (*)[2])rev, 5);
    for (size_t i = 5; i < 10; i++)
        assert_int_equal(sched_order_take(o), i);
    for (size_t i = 5; i < 10; i++)
        sched_order_ended(o, i);                /* frees 4, 3, 2, 1, 0 */
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(sched_order_take(o), i);
    sched_order_free(o);
}

static void the_same_pair_twice(void **state)
{
    (void)state;
    static const size_t pairs[][2] = { { 0, 1 }, { 0, 1 } };
    sched_order_t *o = sealed(2, pairs, 2);
    assert_int_equal(sched_order_take(o), 1);
    sched_order_ended(o, 1);                    /* both pairs end */
    assert_int_equal(sched_order_take(o), 0);
    sched_order_free(o);
}

/* The cycle of PAIRS among N items is WANT (N_WANT items). */
static void expect_cycle(size_t n, const size_t (*pairs)[2], size_t n_pairs,
                         const size_t *want, size_t n_want)
{
    size_t *cycle = NULL, n_cycle = 0;
    sched_order_t *o = seal_pairs(n, pairs, n_pairs, MIG_EINVALID, &cycle,
                                  &n_cycle);
    assert_int_equal(n_cycle, n_want);
    for (size_t k = 0; k < n_want; k++)
        assert_int_equal(cycle[k], want[k]);
    free(cycle);
    sched_order_free(o);
}

static void cycles(void **state)
{
    (void)state;
    /* 0 waits for 1, which is in the cycle 1 -> 2 -> 3 -> 1; 4 is free */
    static const size_t tail[][2] = { { 0, 1 }, { 1, 2 }, { 2, 3 },
                                      { 3, 1 } };
    static const size_t want_tail[] = { 1, 2, 3 };
    expect_cycle(5, tail, 4, want_tail, 3);
    /* two items */
    static const size_t two[][2] = { { 0, 1 }, { 1, 0 } };
    static const size_t want_two[] = { 0, 1 };
    expect_cycle(2, two, 2, want_two, 2);
    /* itself, after an item that is free */
    static const size_t self[][2] = { { 1, 0 }, { 1, 1 } };
    static const size_t want_self[] = { 1 };
    expect_cycle(2, self, 2, want_self, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(list_order_without_pairs),
        cmocka_unit_test(waits_until_its_items_end),
        cmocka_unit_test(first_free_in_list_order),
        cmocka_unit_test(the_same_pair_twice),
        cmocka_unit_test(cycles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
