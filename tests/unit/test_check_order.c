/* test_check_order.c: check_runs_before (interpreter/check_order.c), the
 * question "does stage A surely run before stage B?" behind the checks of
 * STAGE.STEP reads and rollbacks. Its shortcuts (a forest over the first
 * `after` stage, answers remembered per stage) must give the answer a
 * plain search gives, for every pair, asked in any order: on chains,
 * diamonds, cycles and random plans. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "check_int.h"

/* A checker state holding only stages and their `after` lists. */
typedef struct order {
    chk_t k;
    arena_t *arena;
} order_t;

static void order_init(order_t *o, uint32_t n)
{
    memset(o, 0, sizeof(*o));
    o->arena = arena_new();
    assert_non_null(o->arena);
    o->k.arena = o->arena;
    o->k.stages = arena_alloc(o->arena, (n ? n : 1) * sizeof(cstage_t));
    assert_non_null(o->k.stages);
    o->k.n_stages = n;
    for (uint32_t s = 0; s < n; s++) {
        o->k.stages[s].after = arena_alloc(o->arena, 8 * sizeof(uint32_t));
        assert_non_null(o->k.stages[s].after);
    }
}

/* Stage S runs after stage P (at most 8 per stage). */
static void after(order_t *o, uint32_t s, uint32_t p)
{
    cstage_t *t = &o->k.stages[s];
    assert_true(t->n_after < 8);
    t->after[t->n_after++] = p;
}

/* The plain answer: a search from B through `after` reaches A. */
static bool reference(const order_t *o, uint32_t a, uint32_t b)
{
    uint32_t n = o->k.n_stages;
    bool *seen = calloc(n, sizeof(bool));
    uint32_t *stack = malloc((n + 1) * sizeof(uint32_t));
    assert_true(seen && stack);
    uint32_t len = 0;
    bool found = false;
    stack[len++] = b;
    while (len && !found) {
        const cstage_t *t = &o->k.stages[stack[--len]];
        for (uint32_t i = 0; i < t->n_after; i++) {
            uint32_t p = t->after[i];
            if (p == a)
                found = true;
            if (!seen[p]) {
                seen[p] = true;
                stack[len++] = p;
            }
        }
    }
    free(seen);
    free(stack);
    return found;
}

/* Asks every pair of O once, in an order shuffled by SEED, and compares
 * each answer with the plain one; returns how many answers were true. */
static uint32_t every_pair(order_t *o, uint64_t seed)
{
    uint32_t n = o->k.n_stages, yes = 0, pairs = n * n;
    uint32_t *q = malloc(pairs * sizeof(uint32_t));
    assert_non_null(q);
    for (uint32_t i = 0; i < pairs; i++)
        q[i] = i;
    uint64_t x = seed | 1;
    for (uint32_t i = pairs; i > 1; i--) {
        x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
        uint32_t j = (uint32_t)((x * 0x2545F4914F6CDD1Dull) >> 33) % i;
        uint32_t t = q[i - 1];
        q[i - 1] = q[j];
        q[j] = t;
    }
    for (uint32_t i = 0; i < pairs; i++) {
        uint32_t a = q[i] / n, b = q[i] % n;
        bool want = reference(o, a, b);
        bool got = check_runs_before(&o->k, a, b);
        if (got != want)
            fail_msg("stage %u before stage %u: got %d, want %d", a, b, got,
                     want);
        yes += got;
    }
    free(q);
    assert_false(o->k.oom);
    return yes;
}

static void order_free(order_t *o)
{
    arena_free(o->arena);
}

/* A chain 0 <- 1 <- ... <- N-1: every earlier stage runs before every
 * later one, the head before the tail at once, and never the reverse. */
static void test_chain(void **state)
{
    (void)state;
    enum { N = 2000 };
    order_t o;
    order_init(&o, N);
    for (uint32_t s = 1; s < N; s++)
        after(&o, s, s - 1);
    for (uint32_t s = 1; s < N; s++) {
        assert_true(check_runs_before(&o.k, 0, s));
        assert_false(check_runs_before(&o.k, s, 0));
    }
    assert_true(check_runs_before(&o.k, N - 2, N - 1));
    assert_false(check_runs_before(&o.k, N - 1, N - 2));
    assert_false(check_runs_before(&o.k, 7, 7));
    order_free(&o);
}

/* A small plan and questions about it, asked in the order given (so
 * that an answer remembered by one is there for the next): N stages, the
 * `after` pairs (stage, stage it runs after), then (a, b, whether a runs
 * before b); PAIRS is how many of all N*N pairs are true. */
typedef struct ask {
    uint32_t a, b;
    bool want;
} ask_t;

static void small_plan(uint32_t n, const uint32_t (*edges)[2], size_t n_edges,
                       const ask_t *asks, size_t n_asks, uint32_t pairs)
{
    order_t o;
    order_init(&o, n);
    for (size_t i = 0; i < n_edges; i++)
        after(&o, edges[i][0], edges[i][1]);
    for (size_t i = 0; i < n_asks; i++)
        if (check_runs_before(&o.k, asks[i].a, asks[i].b) != asks[i].want)
            fail_msg("stage %u before stage %u: want %d", asks[i].a,
                     asks[i].b, asks[i].want);
    assert_int_equal(every_pair(&o, n), pairs);
    order_free(&o);
}

#define SMALL_PLAN(n, edges, asks, pairs) \
    small_plan((n), (edges), sizeof(edges) / sizeof(*(edges)), (asks), \
               sizeof(asks) / sizeof(*(asks)), (pairs))

/* A stage reached only through a second `after` stage (not in the forest)
 * is found by the walk, then remembered; a remembered answer for one
 * stage says nothing of another. 0 head, 1 side, 2 other; 3 after 0, 1;
 * 4 after 3; 5 after 4. */
static void test_second_after(void **state)
{
    (void)state;
    static const uint32_t edges[][2] = { { 3, 0 }, { 3, 1 }, { 4, 3 },
                                         { 5, 4 } };
    static const ask_t asks[] = {
        { 1, 4, true }, { 1, 5, true }, { 1, 4, true }, { 2, 4, false },
        { 2, 5, false }, { 0, 1, false }, { 1, 0, false }, { 0, 5, true },
        { 5, 1, false },
    };
    SMALL_PLAN(6, edges, asks, 9);
}

/* A diamond: 0; 1 and 2 after 0; 3 after 1, 2. */
static void test_diamond(void **state)
{
    (void)state;
    static const uint32_t edges[][2] = { { 1, 0 }, { 2, 0 }, { 3, 1 },
                                         { 3, 2 } };
    static const ask_t asks[] = {
        { 2, 3, true }, { 1, 3, true }, { 0, 3, true }, { 1, 2, false },
        { 2, 1, false }, { 3, 0, false },
    };
    SMALL_PLAN(4, edges, asks, 5);
}

/* Stages on a cycle are not ranked: 1 and 2 run after each other (and
 * each before itself), 3 after the cycle; 0 runs before none of them,
 * though stage 0 and the cycle's stages share the first numbers. */
static void test_cycle(void **state)
{
    (void)state;
    static const uint32_t edges[][2] = { { 1, 2 }, { 2, 1 }, { 3, 1 },
                                         { 4, 0 } };
    static const ask_t asks[] = {
        { 0, 2, false }, { 0, 1, false }, { 0, 3, false }, { 1, 2, true },
        { 2, 1, true }, { 1, 1, true }, { 2, 3, true }, { 3, 1, false },
        { 0, 4, true }, { 4, 4, false },
    };
    SMALL_PLAN(5, edges, asks, 7);
}

/* Random plans, as the generator and hand-written plans shape them:
 * each stage after up to three stages among the last WINDOW before it,
 * some after none, and a few after a later stage (which may close a
 * cycle). Every pair is compared with the plain search. */
static void random_plan(uint32_t n, uint32_t window, uint64_t seed)
{
    order_t o;
    order_init(&o, n);
    uint64_t x = seed;
    for (uint32_t s = 1; s < n; s++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t r = (uint32_t)(x >> 33);
        uint32_t k = r % 4;
        for (uint32_t i = 0; i < k; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t back = 1 + (uint32_t)(x >> 33) % (s < window ? s : window);
            after(&o, s, s - back);
        }
        if (r % 97 == 0)
            after(&o, s, (uint32_t)(x >> 40) % n);
    }
    uint32_t yes = every_pair(&o, seed);
    assert_true(yes > 0);
    assert_true(yes < n * n);
    order_free(&o);
}

static void test_random_plans(void **state)
{
    (void)state;
    random_plan(60, 3, 11);
    random_plan(120, 16, 12);
    random_plan(150, 150, 13);
    random_plan(200, 2, 14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_second_after),
        cmocka_unit_test(test_diamond),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_random_plans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
