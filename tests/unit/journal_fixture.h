/* journal_fixture.h: journals written by hand, as the scheduler writes
 * them, for the tests of what reads a run back (test_tools_report.c,
 * test_analyze.c): a store per test with one run, steps with their
 * step-done or step-failed events, and journaled registry puts. */
#ifndef MIG_JOURNAL_FIXTURE_H
#define MIG_JOURNAL_FIXTURE_H

#include "store_fixture.h"

static store_t *s;
static int64_t run;

static int setup(void **state)
{
    if (make_dir(state) != 0)
        return -1;
    s = open_store(STORE_CREATE);
    run = new_run(s, "p", 1, "h");
    return 0;
}

static int teardown(void **state)
{
    store_close(s);
    s = NULL;
    return remove_dir(state);
}

/* Records a step of ACTION at NODE[ITEM], from T0 to T1 (ms), as the
 * scheduler does: its row (RESULT when done, ARGS when failed: JSON
 * texts or NULL; CLS and MSG its error) and its step-done or step-failed
 * event. */
__attribute__((unused))
static void journal_step(const char *node, const char *item,
                         const char *action, store_step_state_t state,
                         const char *result, const char *args,
                         const char *cls, const char *msg, int64_t t0,
                         int64_t t1)
{
    val_t *res = result ? json(result) : NULL, *a = args ? json(args) : NULL;
    store_step_t st = { .node = node, .item = item, .state = state,
                        .attempts = 1, .result = res, .args = a,
                        .error_class = cls, .error = msg,
                        .started_ms = t0, .ended_ms = t1 };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    val_t *d = val_map_new(1);
    val_map_set_take(d, "action", 6, val_cstring(action));
    assert_int_equal(store_event(s, run, state == STORE_STEP_DONE
                                 ? "step-done" : "step-failed", node, item, d),
                     MIG_OK);
    val_unref(d);
    val_unref(res);
    val_unref(a);
}

/* Journals a registry.put at NODE[ITEM] of the record RECORD (JSON) and
 * leaves it in STATE. */
__attribute__((unused))
static void journal_put(const char *node, const char *item,
                        const char *record, store_journal_state_t state)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "{\"db\": \"r.db\", \"record\": %s}", record);
    val_t *args = json(b.data);
    store_journal_t rec = { .node = node, .item = item,
                            .action = "registry.put",
                            .kind = STORE_JOURNAL_SELF, .args = args };
    assert_int_equal(store_journal_intent(s, run, &rec), MIG_OK);
    assert_int_equal(store_journal_set(s, run, rec.seq, state), MIG_OK);
    val_unref(args);
    strbuf_free(&b);
}

#endif
