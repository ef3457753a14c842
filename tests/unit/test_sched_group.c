/* test_sched_group.c: one commit for the starts of one turn
 * (runtime/sched_group.c, sched_host_started in runtime/settle.c): with a
 * group open, a start is journaled and queued, nothing begins before the
 * group's commit, the whole group costs one commit, each GO then comes in
 * order with its row durable (another connection reads it), a failed
 * commit calls every GO with false, and without a group a start commits
 * and begins at once, as before. */
#include "store_fixture.h"

#include "sched_int.h"

/* What the GOs saw. */
typedef struct goes {
    int calls;
    int order[8];               /* the seqs, in the order called */
    bool journaled[8];
    bool durable[8];            /* its row was read by another connection */
    int64_t run;
} goes_t;

typedef struct go_arg {
    goes_t *g;
    int64_t seq;
} go_arg_t;

/* Whether another connection reads the process row of SEQ. */
static bool row_durable(int64_t run, int64_t seq)
{
    store_t *o = open_store(STORE_READONLY);
    store_process_t p;
    bool found = false;
    assert_int_equal(store_process_get(o, run, seq, STORE_PROC_EFFECT, &p,
                                       &found), MIG_OK);
    store_process_clear(&p);
    store_close(o);
    return found;
}

static bool go(void *data, bool journaled)
{
    go_arg_t *a = data;
    goes_t *g = a->g;
    assert_true(g->calls < 8);
    g->order[g->calls] = (int)a->seq;
    g->journaled[g->calls] = journaled;
    g->durable[g->calls] = row_durable(g->run, a->seq);
    g->calls++;
    return journaled;
}

static uint64_t commits(store_t *s)
{
    store_commits_t c;
    store_commit_stats(s, &c);
    return c.count;
}

/* A new store with a run, committed; G is cleared for that run. */
static store_t *group_store(goes_t *g)
{
    store_t *s = open_store(STORE_CREATE);
    *g = (goes_t){ .run = new_run(s, "p", 1, "h") };
    assert_int_equal(store_flush(s), MIG_OK);
    return s;
}

static void start(store_t *s, go_arg_t *a)
{
    assert_int_equal(sched_host_started(s, a->g->run, a->seq, 0, 0, 0, go,
                                        a), MIG_OK);
}

/* Three starts in a group: none begins before the close; the close makes
 * one commit, then calls the three GOs in order, each row durable by
 * then; the crash points are one "process-journaled" and three
 * "process-running". */
static void test_group_shares_one_commit(void **state)
{
    (void)state;
    goes_t g;
    store_t *s = group_store(&g);
    go_arg_t a[3] = { { &g, 3 }, { &g, 1 }, { &g, 2 } };
    uint64_t c0 = commits(s), p0 = run_crash_points();
    sched_group_t grp;
    sched_group_open(&grp, s);
    for (int i = 0; i < 3; i++)
        start(s, &a[i]);
    assert_int_equal(g.calls, 0);
    assert_int_equal(commits(s), c0);
    assert_false(row_durable(g.run, 3));    /* written, not committed */
    assert_int_equal(sched_group_close(&grp), MIG_OK);
    assert_int_equal(commits(s), c0 + 1);
    assert_int_equal(g.calls, 3);
    int want[3] = { 3, 1, 2 };
    for (int i = 0; i < 3; i++) {
        assert_int_equal(g.order[i], want[i]);
        assert_true(g.journaled[i]);
        assert_true(g.durable[i]);
    }
    assert_int_equal(run_crash_points() - p0, 1 + 3);
    store_close(s);
}

/* Without a group, each start commits and begins at once: a commit and
 * two crash points a start. */
static void test_no_group_commits_each(void **state)
{
    (void)state;
    goes_t g;
    store_t *s = group_store(&g);
    go_arg_t a[2] = { { &g, 1 }, { &g, 2 } };
    uint64_t c0 = commits(s), p0 = run_crash_points();
    start(s, &a[0]);
    assert_int_equal(g.calls, 1);
    assert_true(g.durable[0]);
    start(s, &a[1]);
    assert_int_equal(g.calls, 2);
    assert_int_equal(commits(s), c0 + 2);
    assert_int_equal(run_crash_points() - p0, 2 * 2);
    store_close(s);
}

/* An empty group commits nothing and calls nothing; a group open for
 * another store does not take this store's starts. */
static void test_empty_and_other_store(void **state)
{
    (void)state;
    goes_t g;
    store_t *s = group_store(&g);
    uint64_t c0 = commits(s);
    sched_group_t grp;
    sched_group_open(&grp, s);
    assert_int_equal(sched_group_close(&grp), MIG_OK);
    assert_int_equal(commits(s), c0);
    int other;
    sched_group_open(&grp, (store_t *)&other);
    go_arg_t a = { &g, 1 };
    start(s, &a);                       /* not the group's store: at once */
    assert_int_equal(g.calls, 1);
    assert_true(g.durable[0]);
    assert_int_equal(sched_group_close(&grp), MIG_OK);
    assert_int_equal(g.calls, 1);
    store_close(s);
}

/* A group inside a group (a call that turned the loop inside a flush):
 * the inner one's starts are its own; the outer's wait for its close. */
static void test_nested_groups(void **state)
{
    (void)state;
    goes_t g;
    store_t *s = group_store(&g);
    go_arg_t a[2] = { { &g, 1 }, { &g, 2 } };
    sched_group_t outer, inner;
    sched_group_open(&outer, s);
    start(s, &a[0]);
    sched_group_open(&inner, s);
    start(s, &a[1]);
    assert_int_equal(sched_group_close(&inner), MIG_OK);
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.order[0], 2);
    assert_int_equal(sched_group_close(&outer), MIG_OK);
    assert_int_equal(g.calls, 2);
    assert_int_equal(g.order[1], 1);
    assert_true(g.durable[1]);
    store_close(s);
}

/* The group's commit fails (a full disk): every GO is called with false,
 * in order, and no crash point says a process runs. */
static void test_failed_commit_starts_nothing(void **state)
{
    (void)state;
    goes_t g;
    store_t *s = group_store(&g);
    s->full_after = 1;
    s->commits = 1;                     /* the next commit fails */
    go_arg_t a[2] = { { &g, 1 }, { &g, 2 } };
    uint64_t p0 = run_crash_points();
    sched_group_t grp;
    sched_group_open(&grp, s);
    start(s, &a[0]);
    start(s, &a[1]);
    assert_int_equal(sched_group_close(&grp), MIG_EIO);
    assert_int_equal(g.calls, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(g.order[i], i + 1);
        assert_false(g.journaled[i]);
        assert_false(g.durable[i]);
    }
    assert_int_equal(run_crash_points() - p0, 0);
    store_close(s);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, make_dir, remove_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_group_shares_one_commit),
        T(test_no_group_commits_each),
        T(test_empty_and_other_store),
        T(test_nested_groups),
        T(test_failed_commit_starts_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
