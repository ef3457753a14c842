/* test_store_batch.c: the state store's deferred writes (store.h,
 * store_defer; runtime/store_batch.c): queued rows read back as if
 * written one by one, in order, across the multi-row statements' sizes;
 * a queued write that fails later fails the commit and the store, with
 * the single-row write's message; a rollback forgets what was queued;
 * the commits effects left (store_defer_commit) are made before the
 * store's own, and one that fails fails it. */
#include "store_fixture.h"

/* ---- helpers ----------------------------------------------------------- */

static bool see_step(void *data, const store_step_t *st)
{
    seen_t *w = data;
    strbuf_t b;
    strbuf_init(&b);
    if (st->result)
        val_to_json(st->result, &b, 0);
    seen_add(w, "%s[%s]=%s/%u/%s/%s/%" PRId64 "-%" PRId64 " ", st->node,
             st->item, store_step_state_name(st->state), st->attempts,
             b.data ? b.data : "-", st->error ? st->error : "-",
             st->started_ms, st->ended_ms);
    strbuf_free(&b);
    return w->n != w->stop_after;
}

static bool see_journal(void *data, const store_journal_t *rec)
{
    seen_t *w = data;
    strbuf_t b;
    strbuf_init(&b);
    if (rec->undo)
        val_to_json(rec->undo, &b, 0);
    seen_add(w, "%" PRId64 ":%s[%s]:%s:%s ", rec->seq, rec->node, rec->item,
             store_journal_state_name(rec->state), b.data ? b.data : "-");
    strbuf_free(&b);
    return true;
}

/* Queues N intents of RUN (items "0".."N-1"), checking their positions
 * FIRST, FIRST + 1, ... */
static void queue_intents(store_t *s, int64_t run, int n, int64_t first)
{
    val_t *undo = json("{\"images\": [{\"path\": \"a\", \"type\": "
                       "\"absent\"}]}");
    for (int i = 0; i < n; i++) {
        char item[16];
        snprintf(item, sizeof item, "%d", i);
        store_journal_t rec = { .node = "w", .item = item,
                                .action = "file.write",
                                .kind = STORE_JOURNAL_SELF, .undo = undo };
        assert_int_equal(store_journal_intent(s, run, &rec), MIG_OK);
        assert_int_equal(rec.seq, first + i);
    }
    val_unref(undo);
}

/* A new store with run 1 and its intents 1 and 2 committed, deferring
 * writes from now on (*RUN gets the run). */
static store_t *deferring_store(int64_t *run)
{
    store_t *s = open_store(STORE_CREATE);
    *run = new_run(s, "p", 1, "h");
    queue_intents(s, *run, 2, 1);
    assert_int_equal(store_flush(s), MIG_OK);
    store_defer(s, true);
    return s;
}

/* The journal of RUN as see_journal tells it, read by the store opened
 * again, into W: records 1 and 2 still intents. */
static void journal_reopened(int64_t run, seen_t *w)
{
    store_t *s = open_store(0);
    assert_int_equal(store_journal_each(s, run, 0, 0, see_journal, w),
                     MIG_OK);
    assert_memory_equal(w->text, "1:w[0]:intent:", 14);
    assert_non_null(strstr(w->text, "2:w[1]:intent:"));
    store_close(s);
}

/* ---- reading back ------------------------------------------------------- */

/* store_defer says what it was, so that a writer (an event, a retry
 * block's record) can queue its rows and put the store back as found. */
static void test_defer_gives_back(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    assert_false(store_defer(s, true));
    assert_true(store_defer(s, true));
    assert_true(store_defer(s, false));
    assert_false(store_defer(s, false));
    store_close(s);
}

/* 100 intents, their states, steps and events, queued: nothing is in the
 * file before the commit, and everything is after it, as written one by
 * one (100 rows take statements of 64, 32 and 4 rows). */
static void test_queued_rows_commit_together(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    queue_intents(s, run, 100, 1);
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(count_rows("journal"), 100);

    val_t *res = json("{\"ok\": true}");
    for (int i = 0; i < 100; i++) {
        char item[16];
        snprintf(item, sizeof item, "%d", i);
        assert_int_equal(store_journal_set(s, run, i + 1, i % 2
                                           ? STORE_JOURNAL_FAILED
                                           : STORE_JOURNAL_DONE), MIG_OK);
        store_step_t st = { .node = "w", .item = item,
                            .state = STORE_STEP_DONE, .attempts = 1,
                            .result = i == 0 ? res : NULL,
                            .started_ms = i, .ended_ms = i + 1 };
        assert_int_equal(store_step_put(s, run, &st), MIG_OK);
        assert_int_equal(store_event(s, run, "step-done", "w", item, res),
                         MIG_OK);
    }
    assert_true(store_pending(s));
    assert_int_equal(count_rows("steps"), 0);
    assert_int_equal(count_rows("events"), 0);
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(count_rows("steps"), 100);
    assert_int_equal(count_rows("events"), 100);
    store_defer(s, false);

    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_journal_each(s, run, 97, 0, see_journal, &w),
                     MIG_OK);
    assert_string_equal(w.text,
        "98:w[97]:failed:{\"images\":[{\"path\":\"a\",\"type\":\"absent\"}]} "
        "99:w[98]:done:{\"images\":[{\"path\":\"a\",\"type\":\"absent\"}]} "
        "100:w[99]:failed:{\"images\":[{\"path\":\"a\",\"type\":\"absent\"}]} ");
    w = (seen_t){ .stop_after = 2 };
    assert_int_equal(store_step_each(s, run, see_step, &w), MIG_OK);
    assert_string_equal(w.text, "w[0]=done/1/{\"ok\":true}/-/0-1 "
                        "w[1]=done/1/-/-/1-2 ");
    w = (seen_t){ .stop_after = -1 };
    assert_int_equal(store_event_each(s, run, see_event, &w), MIG_OK);
    assert_int_equal(w.n, 100);
    assert_memory_equal(w.text, "1:step-done:w:0:{\"ok\":true} "
                        "2:step-done:w:1:{\"ok\":true} ", 52);
    val_unref(res);
    store_close(s);
}

/* Queued and immediate writes keep one order: the events' positions run
 * on across both, and a read sees what was queued before it. */
static void test_order_across_queued_and_immediate(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    assert_int_equal(store_event(s, run, "a", NULL, NULL, NULL), MIG_OK);
    store_defer(s, true);
    assert_int_equal(store_event(s, run, "b", NULL, NULL, NULL), MIG_OK);
    queue_intents(s, run, 2, 1);
    store_defer(s, false);
    assert_int_equal(store_event(s, run, "c", NULL, NULL, NULL), MIG_OK);
    assert_int_equal(store_journal_last(s, run), 2);
    store_defer(s, true);
    assert_int_equal(store_event(s, run, "d", NULL, NULL, NULL), MIG_OK);
    queue_intents(s, run, 1, 3);
    store_defer(s, false);
    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_event_each(s, run, see_event, &w), MIG_OK);
    assert_string_equal(w.text, "1:a:NULL:NULL:NULL 2:b:NULL:NULL:NULL "
                        "3:c:NULL:NULL:NULL 4:d:NULL:NULL:NULL ");
    assert_int_equal(store_journal_last(s, run), 3);
    store_close(s);     /* commits what is queued */
    assert_int_equal(count_rows("events"), 4);
    assert_int_equal(count_rows("journal"), 3);
}

/* Two changes of one step, or of one record's state, in one batch: the
 * later one wins, as with two statements. */
static void test_later_change_wins(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    queue_intents(s, run, 1, 1);
    store_defer(s, true);
    store_step_t st = { .node = "n", .item = "0", .state = STORE_STEP_RUNNING,
                        .attempts = 1, .started_ms = 10 };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    st = (store_step_t){ .node = "n", .item = "0", .state = STORE_STEP_FAILED,
                         .attempts = 2, .error = "slow", .ended_ms = 20 };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    assert_int_equal(store_journal_set(s, run, 1, STORE_JOURNAL_FAILED),
                     MIG_OK);
    assert_int_equal(store_journal_set(s, run, 1, STORE_JOURNAL_DONE),
                     MIG_OK);
    store_defer(s, false);
    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_step_each(s, run, see_step, &w), MIG_OK);
    assert_string_equal(w.text, "n[0]=failed/2/-/slow/10-20 ");
    w = (seen_t){ .stop_after = -1 };
    assert_int_equal(store_journal_each(s, run, 0, 0, see_journal, &w),
                     MIG_OK);
    assert_string_equal(w.text, "1:w[0]:done:{\"images\":[{\"path\":\"a\","
                        "\"type\":\"absent\"}]} ");
    store_close(s);
}

/* ---- failures ------------------------------------------------------------ */

/* A queued change of a record that is not there: taken at once, refused
 * at the commit with the message of the single-row write; the
 * transaction is rolled back and every later write fails. */
static void test_missing_record_fails_the_commit(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = deferring_store(&run);
    assert_int_equal(store_event(s, run, "x", NULL, NULL, NULL), MIG_OK);
    assert_int_equal(store_journal_set(s, run, 2, STORE_JOURNAL_DONE), MIG_OK);
    assert_int_equal(store_journal_set(s, run, 9, STORE_JOURNAL_DONE), MIG_OK);
    assert_int_equal(store_event(s, run, "y", NULL, NULL, NULL), MIG_OK);
    assert_int_equal(store_flush(s), MIG_EINVALID);
    assert_string_equal(last_diag(s), "run 1 has no journal record 9");
    assert_false(store_pending(s));
    size_t n = store_diags(s)->len;
    assert_int_equal(store_event(s, run, "z", NULL, NULL, NULL),
                     MIG_EINVALID);
    assert_int_equal(store_flush(s), MIG_EINVALID);
    assert_int_equal(store_diags(s)->len, n);
    store_close(s);
    assert_int_equal(count_rows("events"), 0);
    seen_t w = { .stop_after = -1 };
    journal_reopened(run, &w);
}

/* A queued step of a run that does not exist fails at the read that
 * writes it out, with SQLite's message, and fails the store. */
static void test_constraint_fails_the_store(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    store_step_t st = { .node = "x", .item = "", .state = STORE_STEP_DONE };
    assert_int_equal(store_step_put(s, 77, &st), MIG_OK);
    store_defer(s, false);
    assert_int_equal(store_journal_last(s, run), 0);   /* the read fails */
    char msg[200];
    snprintf(msg, sizeof msg, "cannot record a step in '%s': FOREIGN KEY "
             "constraint failed", path);
    assert_string_equal(last_diag(s), msg);
    assert_int_equal(store_step_put(s, run, &st), MIG_EINVALID);
    store_close(s);
    assert_int_equal(count_rows("steps"), 0);
}

/* A result longer than SQLite takes (its length limit, 1e9 bytes by
 * default, lowered to 10,000 here) fails the queued write and the store
 * with SQLite's message: never a row written with no result. */
static void test_result_too_long_fails_the_store(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    assert_int_equal(store_flush(s), MIG_OK);
    sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, 10000);
    store_defer(s, true);
    char text[20000];
    memset(text, 'x', sizeof text);
    val_t *fits = val_string(text, 5000);
    val_t *res = val_string(text, sizeof text);
    store_step_t st = { .node = "x", .item = "", .state = STORE_STEP_DONE,
                        .result = fits };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(count_rows("steps"), 1);
    st.item = "1";
    st.result = res;
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    assert_int_equal(store_flush(s), MIG_EIO);
    char msg[200];
    snprintf(msg, sizeof msg, "cannot record a step in '%s': string or blob "
             "too big", path);
    assert_string_equal(last_diag(s), msg);
    val_unref(fits);
    val_unref(res);
    store_close(s);
    assert_int_equal(count_rows("steps"), 1);
}

/* The same, written at once rather than queued. */
static void test_result_too_long_fails_at_once(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    assert_int_equal(store_flush(s), MIG_OK);
    sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, 10000);
    char text[20000];
    memset(text, 'x', sizeof text);
    val_t *res = val_string(text, sizeof text);
    store_step_t st = { .node = "x", .item = "", .state = STORE_STEP_DONE,
                        .result = res };
    assert_int_equal(store_step_put(s, run, &st), MIG_EIO);
    char msg[200];
    snprintf(msg, sizeof msg, "cannot write a value in '%s': string or "
             "blob too big", path);
    assert_string_equal(last_diag(s), msg);
    val_unref(res);
    store_close(s);
    assert_int_equal(count_rows("steps"), 0);
}

/* A queued write begins its transaction as any write does: with the
 * lock taken over by another run, the fence check refuses it at once. */
static void test_queued_write_checks_the_fence(void **state)
{
    (void)state;
    store_t *a = open_store(STORE_CREATE);
    store_t *b = open_store(0);
    int64_t r1 = new_run(a, "one", 101, "host-a");
    int64_t r2 = new_run(a, "two", 202, "host-b");
    int64_t fa = 0, fb = 0;
    assert_int_equal(store_lock_acquire(a, "/ws", r1, 101, "host-a", -1, false,
                                        NULL, &fa), MIG_OK);
    store_fence(a, "/ws", fa);
    store_defer(a, true);
    assert_int_equal(store_event(a, r1, "queued", NULL, NULL, NULL), MIG_OK);
    assert_int_equal(store_flush(a), MIG_OK);
    assert_int_equal(store_lock_acquire(b, "/ws", r2, 202, "host-b", 60000,
                                        true, NULL, &fb), MIG_OK);
    assert_int_equal(store_event(a, r1, "late", NULL, NULL, NULL),
                     MIG_EINVALID);
    static const char lost[] = "lost its lock on /ws: run 2 (pid 202 on "
                               "host-b) took it over at ";
    assert_memory_equal(last_diag(a), lost, sizeof lost - 1);
    store_step_t st = { .node = "x", .item = "", .state = STORE_STEP_DONE };
    assert_int_equal(store_step_put(a, r1, &st), MIG_EINVALID);
    store_defer(a, false);
    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_event_each(b, r1, see_event, &w), MIG_OK);
    assert_string_equal(w.text, "1:lock-taken:NULL:NULL:{\"resource\":\"/ws\","
                        "\"fence\":1,\"pid\":101,\"host\":\"host-a\"} "
                        "2:queued:NULL:NULL:NULL 3:lock-broken:NULL:NULL:"
                        "{\"resource\":\"/ws\",\"fence\":2,\"by_run\":2,"
                        "\"by_pid\":202,\"by_host\":\"host-b\"} ");
    store_close(a);
    store_close(b);
}

/* With every write committed at once, a queued one is too. */
static void test_full_durability_commits_at_once(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    store_set_durability(s, STORE_DURABLE_FULL);
    store_defer(s, true);
    queue_intents(s, run, 3, 1);
    assert_false(store_pending(s));
    assert_int_equal(count_rows("journal"), 3);
    store_defer(s, false);
    store_close(s);
}

/* ---- the commits of effects (store_defer_commit) ------------------------ */

static int hook_calls;
static int64_t rows_at_hook;

/* Counts its calls and the journal rows another connection sees then. */
static mig_status_t hook_counts(char **why)
{
    (void)why;
    hook_calls++;
    rows_at_hook = count_rows("journal");
    return MIG_OK;
}

static mig_status_t hook_fails(char **why)
{
    hook_calls++;
    *why = strdup("Unavailable: registry: the commit failed: disk I/O error");
    return MIG_EIO;
}

static mig_status_t hook_2(char **why) { (void)why; return MIG_OK; }
static mig_status_t hook_3(char **why) { (void)why; return MIG_OK; }
static mig_status_t hook_4(char **why) { (void)why; return MIG_OK; }

/* A commit an effect left is made before the store's own (the journal's
 * rows are not there yet when it runs), once however often it was
 * given, and for that commit only; with nothing queued it is made all
 * the same. */
static void test_effects_commit_first(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    queue_intents(s, run, 3, 1);
    hook_calls = 0;
    rows_at_hook = -1;
    assert_true(store_defer_commit(s, hook_counts));
    assert_true(store_defer_commit(s, hook_counts));
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(hook_calls, 1);
    assert_int_equal(rows_at_hook, 0);
    assert_int_equal(count_rows("journal"), 3);
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(hook_calls, 1);
    assert_false(store_pending(s));
    assert_true(store_defer_commit(s, hook_counts));
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(hook_calls, 2);
    assert_int_equal(rows_at_hook, 3);
    store_defer(s, false);
    store_close(s);
}

/* At most STORE_COMMIT_HOOKS (4) functions are held until the next
 * commit: a fifth is refused (its caller commits at once), one held
 * already is not; after the commit there is room again. */
static void test_effects_commit_bound(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    hook_calls = 0;
    assert_true(store_defer_commit(s, hook_counts));
    assert_true(store_defer_commit(s, hook_2));
    assert_true(store_defer_commit(s, hook_3));
    assert_true(store_defer_commit(s, hook_4));
    assert_false(store_defer_commit(s, hook_fails));
    assert_true(store_defer_commit(s, hook_3));
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(hook_calls, 1);
    assert_true(store_defer_commit(s, hook_counts));
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(hook_calls, 2);
    store_close(s);
}

/* A commit of effects that fails fails the store's commit: nothing
 * queued since the last commit is written (the journal stays as that
 * commit left it: record 1 an intent, record 3 not there), the reason
 * goes to the diagnostics with what to do, and the store is failed. The
 * other commits are still made. */
static void test_effects_commit_failing(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = deferring_store(&run);
    assert_int_equal(store_journal_set(s, run, 1, STORE_JOURNAL_DONE), MIG_OK);
    queue_intents(s, run, 1, 3);
    hook_calls = 0;
    assert_true(store_defer_commit(s, hook_fails));
    assert_true(store_defer_commit(s, hook_counts));
    assert_int_equal(store_flush(s), MIG_EIO);
    assert_int_equal(hook_calls, 2);
    assert_string_equal(last_diag(s), "cannot commit what the steps since "
                        "the journal's last commit changed: Unavailable: "
                        "registry: the commit failed: disk I/O error");
    diag_list_t *d = store_diags(s);
    assert_string_equal(d->items[d->len - 1].hint, "their journal records "
                        "stay pending, as after a crash: `mig resume` runs "
                        "them again, `mig rollback` undoes them");
    assert_false(store_pending(s));
    assert_int_equal(store_flush(s), MIG_EIO);
    assert_int_equal(store_event(s, run, "z", NULL, NULL, NULL), MIG_EIO);
    store_defer(s, false);
    store_close(s);
    assert_int_equal(count_rows("journal"), 2);
    seen_t w = { .stop_after = -1 };
    journal_reopened(run, &w);
    assert_null(strstr(w.text, "3:w["));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, make_dir, remove_dir)
        T(test_defer_gives_back),
        T(test_queued_rows_commit_together),
        T(test_order_across_queued_and_immediate),
        T(test_later_change_wins),
        T(test_missing_record_fails_the_commit),
        T(test_constraint_fails_the_store),
        T(test_result_too_long_fails_the_store),
        T(test_result_too_long_fails_at_once),
        T(test_queued_write_checks_the_fence),
        T(test_full_durability_commits_at_once),
        T(test_effects_commit_first),
        T(test_effects_commit_bound),
        T(test_effects_commit_failing),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
