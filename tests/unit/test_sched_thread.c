/* test_sched_thread.c: threaded rows' calls on worker threads
 * (runtime/sched_thread.c, action_t `threaded`, docs/runtime.md
 * "Threads"): with the run's threads on, each call of such a row runs off
 * the loop's thread, on a deep copy of its arguments; what it hands to
 * the loop (actx_on_loop) runs there before its result is used; the
 * results are those of the same run with every call on the loop's
 * thread. A call with a timeout, one whose arguments hold a secret, and a
 * row that is not threaded stay on the loop's thread. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCRATCH_NAME "thread"
#include "scratch_fixture.h"
#include "plan_fixture.h"

#define N_CALLS 40              /* items 0 .. 39; the timed call is 100 */

static pthread_t loop_thread;
/* By the call's n: where it ran (1 loop, 2 worker), whether its handed
 * work ran on the loop (1) and before the sink used its result. */
static int ran_on[101], later_on[101];
static bool later_before_use[101];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static strbuf_t sunk;           /* what the sink got, a line per call */

static int where(void)
{
    return pthread_equal(pthread_self(), loop_thread) ? 1 : 2;
}

static void later(void *data)
{
    later_on[(intptr_t)data] = where();
}

/* probe.threaded(n, data): {n, data} back; its n noted where it ran. */
static mig_status_t threaded_run(action_ctx_t *c, const val_t *args,
                                 val_t **out)
{
    intptr_t n = (intptr_t)val_get_int(val_map_get(args, "n", 1));
    assert_true(n >= 0 && n <= 100);
    pthread_mutex_lock(&lock);
    ran_on[n] = where();
    pthread_mutex_unlock(&lock);
    val_t *m = val_map_new(2);
    assert_int_equal(val_map_set(m, "n", 1, val_map_get(args, "n", 1)),
                     MIG_OK);
    assert_int_equal(val_map_set(m, "data", 4, val_map_get(args, "data", 4)),
                     MIG_OK);
    *out = m;
    return actx_on_loop(c, later, (void *)n);
}

/* probe.sink(got): on the loop; notes GOT and that its n's handed work
 * had run. */
static mig_status_t sink_run(action_ctx_t *c, const val_t *args, val_t **out)
{
    (void)c;
    const val_t *got = val_map_get(args, "got", 3);
    intptr_t n = (intptr_t)val_get_int(val_map_get(got, "n", 1));
    later_before_use[n] = later_on[n] != 0;
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_format(got, &b), MIG_OK);
    strbuf_printf(&sunk, "%s\n", b.data);
    strbuf_free(&b);
    *out = val_null();
    return MIG_OK;
}

static const action_arg_t threaded_args[] = {
    { .name = "n", .types = ACTION_T(NUMBER), .required = true },
    { .name = "data", .types = ACTION_T(MAP), .secrets = true }, { 0 },
};
static const action_arg_t sink_args[] = {
    { .name = "got", .types = ACTION_T(MAP), .required = true }, { 0 },
};

static const action_t probe_rows[] = {
    { .name = "probe.threaded", .effect = ACTION_PURE, .args = threaded_args,
      .result = ACTION_T(MAP), .preview = threaded_run, .run = threaded_run,
      .threaded = true, .doc = "Gives {n, data} back." },
    { .name = "probe.unthreaded", .effect = ACTION_PURE,
      .args = threaded_args, .result = ACTION_T(MAP),
      .preview = threaded_run, .run = threaded_run,
      .doc = "probe.threaded, not threaded." },
    { .name = "probe.sink", .effect = ACTION_PURE, .args = sink_args,
      .result = ACTION_T(NULL), .preview = sink_run, .run = sink_run,
      .doc = "Notes what it got." },
};

static const char plan[] =
    "migration \"t\" {\n"
    "  stage one {\n"
    "    foreach k in range(40) parallel 8 {\n"
    "      step w = probe.threaded(n: k, data: {k: k, tags: [\"a\", k]})\n"
    "      step s = probe.sink(got: w)\n"
    "    }\n"
    "    step slow = probe.threaded(n: 100, data: {}) timeout 10s\n"
    "    step hid = probe.threaded(n: 99, data: {pw: secret_env(\"MIG_T_PW\")})\n"
    "    step plain = probe.unthreaded(n: 98, data: {})\n"
    "  }\n"
    "}\n";

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs PLAN with the run's threads THREADS; the sink's lines, sorted, in
 * a new string. */
static char *run(bool threads)
{
    memset(ran_on, 0, sizeof ran_on);
    memset(later_on, 0, sizeof later_on);
    memset(later_before_use, 0, sizeof later_before_use);
    strbuf_free(&sunk);
    strbuf_init(&sunk);
    diag_list_t diags;
    diag_list_init(&diags);
    run_options_t o = { .has_seed = true, .seed = 7, .threads = threads };
    assert_int_equal(plan_run(dir, plan, probe_rows, 3, &o, &diags),
                     RUN_SUCCEEDED);
    diag_list_free(&diags);
    /* The lines in order, whatever order the items ended in. */
    char *text = strdup(sunk.data ? sunk.data : "");
    char *lines[N_CALLS];
    size_t k = 0;
    for (char *s = strtok(text, "\n"); s && k < N_CALLS; s = strtok(NULL, "\n"))
        lines[k++] = s;
    assert_int_equal(k, N_CALLS);
    strbuf_t out;
    strbuf_init(&out);
    qsort(lines, k, sizeof *lines, cmp_lines);
    for (size_t i = 0; i < k; i++)
        strbuf_printf(&out, "%s\n", lines[i]);
    free(text);
    return out.data;
}

static void calls_run_off_the_loop(void **state)
{
    (void)state;
    loop_thread = pthread_self();
    setenv("MIG_T_PW", "hunter2", 1);
    char *alone = run(false);
    for (int n = 0; n < N_CALLS; n++) {
        assert_int_equal(ran_on[n], 1);
        assert_int_equal(later_on[n], 1);
        assert_true(later_before_use[n]);
    }
    char *threaded = run(true);
    for (int n = 0; n < N_CALLS; n++) {
        assert_int_equal(ran_on[n], 2);         /* a worker */
        assert_int_equal(later_on[n], 1);       /* handed to the loop */
        assert_true(later_before_use[n]);       /* before its use */
    }
    /* A timeout, a secret in the arguments, a row not threaded: here. */
    assert_int_equal(ran_on[100], 1);
    assert_int_equal(ran_on[99], 1);
    assert_int_equal(ran_on[98], 1);
    assert_string_equal(threaded, alone);
    assert_non_null(strstr(alone, "\n{\"n\": 39, \"data\": {\"k\": 39, "
                                  "\"tags\": [\"a\", 39]}}\n"));
    free(alone);
    free(threaded);
    strbuf_free(&sunk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(calls_run_off_the_loop, make_dir,
                                        remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
