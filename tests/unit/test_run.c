/* test_run.c: the scheduler and the run around it (runtime.h, run_plan;
 * docs/runtime.md), driven by small plans in a scratch directory: the
 * order of steps, lets, when and verify; results across stages; foreach
 * with its parallel bound (a probe action counts the calls in flight);
 * retry blocks; recover blocks and each decision; hooks and their order;
 * step timeouts; rollback decisions; and a run refused by a lock. The
 * events of each run are kept as text lines "kind node [item]". */
#define _XOPEN_SOURCE 700  /* realpath */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "mig_stdlib.h"
#include "store.h"

#define SCRATCH_NAME "run"
#include "scratch_fixture.h"
#include "plan_fixture.h"

static bool exists(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- a probe: an action that waits 1 ms and counts calls in flight ---- */

static int in_flight, max_in_flight, calls;

typedef struct probe {
    uv_timer_t timer;
    action_ctx_t *ctx;
} probe_t;

static void probe_closed(uv_handle_t *h)
{
    free(h->data);
}

static void probe_fire(uv_timer_t *h)
{
    probe_t *p = h->data;
    in_flight--;
    action_ctx_t *ctx = p->ctx;
    h->data = p;
    uv_close((uv_handle_t *)h, probe_closed);
    actx_finish(ctx, MIG_OK, val_int(calls));
}

static mig_status_t probe_run(action_ctx_t *c, const val_t *args, val_t **out)
{
    (void)args, (void)out;
    probe_t *p = calloc(1, sizeof(*p));
    assert_non_null(p);
    p->ctx = c;
    calls++;
    if (++in_flight > max_in_flight)
        max_in_flight = in_flight;
    uv_timer_init(actx_host(c)->loop, &p->timer);
    p->timer.data = p;
    uv_timer_start(&p->timer, probe_fire, 1, 0);
    actx_suspend(c, NULL, NULL);
    return MIG_OK;
}

static const action_arg_t no_args[] = { { 0 } };

static const action_t probe_rows[] = {
    { .name = "probe.wait", .effect = ACTION_PURE, .args = no_args,
      .result = ACTION_T(NUMBER), .preview = probe_run, .run = probe_run,
      .doc = "Waits 1 ms; counts the calls in flight." },
};

/* ---- running a plan ------------------------------------------------------ */

static strbuf_t events;

static void on_event(void *data, const char *kind, const char *node,
                     const char *item, const val_t *d)
{
    (void)data, (void)d;
    strbuf_printf(&events, "%s %s%s%s\n", kind, node ? node : "-",
                  item && *item ? " " : "", item && *item ? item : "");
}

/* Parses, checks and runs TEXT as DIR/plan.mig; returns how it ended.
 * The events are in EVENTS, the messages in DIAGS. */
static run_result_t run(const char *text, diag_list_t *diags)
{
    strbuf_free(&events);
    strbuf_init(&events);
    run_options_t o = { .has_seed = true, .seed = 7, .on_event = on_event };
    return plan_run(dir, text, probe_rows, 1, &o, diags);
}

/* Whether the events hold LINE (a whole line). */
static bool saw(const char *line)
{
    size_t n = strlen(line);
    for (const char *p = events.data; p && (p = strstr(p, line)); p++)
        if ((p == events.data || p[-1] == '\n') && p[n] == '\n')
            return true;
    return false;
}

/* How many lines of the events start with PREFIX. */
static int count(const char *prefix)
{
    int k = 0;
    size_t n = strlen(prefix);
    for (const char *p = events.data; p && *p; p = strchr(p, '\n') + 1) {
        if (strncmp(p, prefix, n) == 0)
            k++;
        if (!strchr(p, '\n'))
            break;
    }
    return k;
}

/* The position of LINE in the events, or -1. */
static long where(const char *line)
{
    const char *p = events.data ? strstr(events.data, line) : NULL;
    return p ? p - events.data : -1;
}

/* ---- the tests ------------------------------------------------------------ */

static void test_steps_lets_when_verify_in_order(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    run_result_t res = run(
        "migration \"m\" {\n"
        "  param name = \"a\"\n"
        "  stage one {\n"
        "    let path = \"${name}.txt\"\n"
        "    step w = file.write(path: path, content: \"x\")\n"
        "    step no = file.write(path: \"never.txt\", content: \"y\") when false\n"
        "    verify file.exists(path: path) else \"not written\"\n"
        "  }\n"
        "  stage two after one {\n"
        "    step r = file.read(path: \"a.txt\")\n"
        "    verify r == \"x\" and one.no == null\n"
        "  }\n"
        "}\n", &d);
    assert_int_equal(res, RUN_SUCCEEDED);
    assert_true(exists("a.txt"));
    assert_false(exists("never.txt"));
    assert_true(saw("step-not-run one/no"));
    assert_true(where("step-done one/w") < where("step-done two/r"));
    assert_true(where("stage-done one/enter") < where("stage-start two/enter"));
    diag_list_free(&d);
}

static void test_verify_false_fails_the_stage(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    run_result_t res = run(
        "migration \"m\" {\n"
        "  stage one {\n"
        "    verify 1 + 1 == 3 else \"arithmetic is broken\"\n"
        "  }\n"
        "  stage two after one { step w = file.write(path: \"b.txt\", content: \"x\") }\n"
        "}\n", &d);
    assert_int_equal(res, RUN_FAILED);
    assert_true(saw("stage-failed one/enter"));
    assert_false(exists("b.txt"));      /* later stages do not start */
    assert_int_equal(count("stage-start"), 1);
    diag_list_free(&d);
}

static void test_foreach_keeps_to_its_parallel_bound(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    in_flight = max_in_flight = calls = 0;
    run_result_t res = run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    foreach i in range(9) parallel 3 {\n"
        "      step a = probe.wait()\n"
        "      step b = probe.wait()\n"
        "    }\n"
        "  }\n"
        "}\n", &d);
    assert_int_equal(res, RUN_SUCCEEDED);
    assert_int_equal(calls, 18);
    assert_int_equal(max_in_flight, 3);
    assert_int_equal(in_flight, 0);
    assert_int_equal(count("step-done s/foreach.i/b "), 9);
    /* Without parallel: one item at a time. */
    in_flight = max_in_flight = calls = 0;
    res = run("migration \"m\" {\n"
              "  stage s { foreach i in range(4) { step a = probe.wait() } }\n"
              "}\n", &d);
    assert_int_equal(res, RUN_SUCCEEDED);
    assert_int_equal(max_in_flight, 1);
    diag_list_free(&d);
}

static void test_retry_runs_the_block_again(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    run_result_t res = run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    retry 3 backoff fixed(delay: 1ms) on Transient {\n"
        "      step c = test.count(name: \"tries\")\n"
        "      step f = test.fail(times: 2, class: \"Unavailable\")\n"
        "    }\n"
        "  }\n"
        "}\n", &d);
    assert_int_equal(res, RUN_SUCCEEDED);
    assert_int_equal(count("retry-wait s/retry"), 2);
    assert_int_equal(count("step-done s/retry/c"), 3);  /* the whole block */
    /* Two attempts are not enough; a class not listed is not retried. */
    res = run("migration \"m\" {\n"
              "  stage s { retry 2 { step f = test.fail(times: 2) } }\n"
              "}\n", &d);
    assert_int_equal(res, RUN_FAILED);
    assert_int_equal(count("retry-wait"), 1);
    res = run("migration \"m\" {\n"
              "  stage s { retry 5 on Transient {\n"
              "    step f = test.fail(times: 2, class: \"Conflict\") } }\n"
              "}\n", &d);
    assert_int_equal(res, RUN_FAILED);
    assert_int_equal(count("retry-wait"), 0);
    diag_list_free(&d);
}

static void test_recover_skip_lets_the_loop_finish(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    run_result_t res = run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    foreach i in range(4) parallel 2 {\n"
        "      step f = test.fail(class: \"Conflict\") when i == 1\n"
        "      step w = file.write(path: \"f${i}.txt\", content: \"x\")\n"
        "      recover Conflict { skip \"item ${i} is taken\" }\n"
        "    }\n"
        "  }\n"
        "}\n", &d);
    assert_int_equal(res, RUN_SUCCEEDED);
    assert_true(saw("item-skipped s/foreach.i 1"));
    assert_true(exists("f0.txt") && exists("f2.txt") && exists("f3.txt"));
    assert_false(exists("f1.txt"));
    diag_list_free(&d);
}

static void test_recover_decisions(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    /* retry: the failed step runs again, as its next attempt. */
    run_result_t res = run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    step f = test.fail(times: 1, class: \"Conflict\")\n"
        "    recover Conflict { retry }\n"
        "  }\n"
        "}\n", &d);
    assert_int_equal(res, RUN_SUCCEEDED);
    assert_true(saw("decision s/f"));
    /* The most specific handler wins; `fail` is not retried around it. */
    res = run("migration \"m\" {\n"
              "  stage s {\n"
              "    retry 3 {\n"
              "      step f = test.fail(times: 1, class: \"Timeout\")\n"
              "      recover Transient { skip }\n"
              "      recover Timeout { fail \"gave up\" }\n"
              "    }\n"
              "  }\n"
              "}\n", &d);
    assert_int_equal(res, RUN_FAILED);
    assert_int_equal(count("retry-wait"), 0);
    assert_int_equal(count("recover"), 1);
    /* skip outside a foreach: the step is skipped and the block goes on. */
    res = run("migration \"m\" {\n"
              "  stage s {\n"
              "    step f = test.fail(class: \"Conflict\")\n"
              "    verify f == null\n"
              "    step w = file.write(path: \"after.txt\", content: \"x\")\n"
              "    recover * { skip }\n"
              "  }\n"
              "}\n", &d);
    assert_int_equal(res, RUN_SUCCEEDED);
    assert_true(exists("after.txt"));
    diag_list_free(&d);
}

/* Inner blocks are asked before outer ones, even with '*'; the plan's
 * handlers cover every stage, after the stage's own. */
static void test_handlers_inner_before_outer(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    run_result_t res = run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    foreach i in range(2) {\n"
        "      step f = test.fail(class: \"Conflict\")\n"
        "      recover * { skip \"inner\" }\n"
        "    }\n"
        "    recover Conflict { fail \"outer\" }\n"
        "  }\n"
        "}\n", &d);
    assert_int_equal(res, RUN_SUCCEEDED);
    assert_int_equal(count("item-skipped"), 2);
    res = run("migration \"m\" {\n"
              "  stage s {\n"
              "    step f = test.fail(class: \"Timeout\")\n"
              "    step w = file.write(path: \"went-on.txt\", content: \"x\")\n"
              "    recover Conflict { fail \"not mine\" }\n"
              "  }\n"
              "  recover Transient { skip }\n"
              "}\n", &d);
    assert_int_equal(res, RUN_SUCCEEDED);
    assert_true(exists("went-on.txt"));
    assert_true(saw("recover s/f"));
    diag_list_free(&d);
}

/* `err` in a recover block: class, message, node, span, attempt, input. */
static void test_err_carries_where_and_what(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    run_result_t res = run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    step f = test.fail(class: \"Conflict\")\n"
        "    recover Conflict {\n"
        "      step w = file.write(path: \"err.txt\", content: \"${err.class} "
        "${err.node} ${err.span.line}:${err.span.col} ${err.attempt} "
        "${err.input.class}\")\n"
        "      skip\n"
        "    }\n"
        "  }\n"
        "}\n", &d);
    assert_int_equal(res, RUN_SUCCEEDED);
    char path[128], text[128] = "";
    snprintf(path, sizeof path, "%s/err.txt", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(text, sizeof text, f));
    fclose(f);
    assert_string_equal(text, "Conflict s/f 3:5 1 Conflict");
    diag_list_free(&d);
}

static void test_rollback_decision_restores_the_files(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    run_result_t res = run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    step keep = file.write(path: \"before.txt\", content: \"x\")\n"
        "    checkpoint c\n"
        "    step a = file.write(path: \"a.txt\", content: \"x\")\n"
        "    step f = test.fail(class: \"Conflict\")\n"
        "    recover Conflict { rollback to c }\n"
        "  }\n"
        "}\n", &d);
    assert_int_equal(res, RUN_ROLLED_BACK);
    assert_true(exists("before.txt"));
    assert_false(exists("a.txt"));
    assert_true(saw("rollback-done -"));
    diag_list_free(&d);
}

static void test_hooks_run_in_their_order(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    run_result_t res = run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    step f = test.fail(class: \"Conflict\")\n"
        "    finally { step l1 = log.info(message: \"stage finally\") }\n"
        "    on failure { step l2 = log.info(message: \"stage failed\") }\n"
        "    on success { step l3 = log.info(message: \"never\") }\n"
        "  }\n"
        "  on failure { step l4 = log.info(message: \"plan failed\") }\n"
        "  finally { step l5 = log.info(message: \"plan finally\") }\n"
        "}\n", &d);
    assert_int_equal(res, RUN_FAILED);
    long f = where("hook-start s/on-failure"), g = where("hook-start s/finally");
    long h = where("hook-start on-failure"), i = where("hook-start finally");
    assert_true(f >= 0 && g > f && h > g && i > h);
    assert_int_equal(where("hook-start s/on-success"), -1);
    diag_list_free(&d);
}

static void test_timeout_cancels_the_step(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    run_result_t res = run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    step nap = test.sleep(duration: 10s) timeout 20ms\n"
        "    recover Timeout { skip \"too slow\" }\n"
        "  }\n"
        "}\n", &d);
    assert_int_equal(res, RUN_SUCCEEDED);
    assert_true(saw("step-failed s/nap"));
    assert_true(saw("recover s/nap"));
    diag_list_free(&d);
}

static void test_a_held_lock_refuses_the_run(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    char path[128];
    snprintf(path, sizeof path, "%s/.mig/state.db", dir);
    store_t *s = NULL;
    assert_int_equal(store_open(path, STORE_CREATE, &d, &s), MIG_OK);
    store_run_t r = { .plan_path = "x", .plan_name = "other",
                      .plan_digest = "0", .host = "elsewhere", .pid = 1 };
    int64_t id, fence;
    assert_int_equal(store_run_create(s, &r, &id), MIG_OK);
    char res_name[128];
    char *real = realpath(dir, NULL);
    snprintf(res_name, sizeof res_name, "workspace:%s/.mig", real);
    free(real);
    assert_int_equal(store_lock_acquire(s, res_name, id, 1, "elsewhere",
                                        60000, false, NULL, &fence), MIG_OK);
    store_close(s);
    run_result_t res = run("migration \"m\" {\n"
                           "  stage s { step w = file.write(path: \"w.txt\", "
                           "content: \"x\") }\n"
                           "}\n", &d);
    assert_int_equal(res, RUN_REFUSED);
    assert_false(exists("w.txt"));
    bool found = false;
    for (size_t i = 0; i < d.len; i++)
        found = found || strstr(d.items[i].message, "is locked by run 1 "
                                "(pid 1 on elsewhere)");
    assert_true(found);
    diag_list_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_steps_lets_when_verify_in_order,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_verify_false_fails_the_stage,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_foreach_keeps_to_its_parallel_bound,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_retry_runs_the_block_again,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_recover_skip_lets_the_loop_finish,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_recover_decisions,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_handlers_inner_before_outer,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_err_carries_where_and_what,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_rollback_decision_restores_the_files,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_hooks_run_in_their_order,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_timeout_cancels_the_step,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_a_held_lock_refuses_the_run,
                                        make_dir, remove_dir),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    strbuf_free(&events);
    return rc;
}
