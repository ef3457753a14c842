/* test_exec_actions.c: the actions that finish later, on a private libuv
 * loop as the scheduler would drive them. exec.run: output captured,
 * non-zero status, timeout (and a command that ignores SIGTERM), a list
 * run without a shell, env, dir, a missing program, output cut at 1 MiB,
 * cancel, a child left running with the pipes open, the gate that holds
 * a command until its process is journaled (at once, or after a group
 * commit, or never when that commit fails; http.request's change too),
 * the check that settles it after a crash. test.sleep, and
 * cancelled. test.fail by attempt. test.count through a fake counter,
 * undone twice and undone without its run. Every call must close every
 * handle it opened: the loop is closed after each test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "mig_stdlib.h"

static action_registry_t *reg;

typedef struct fx {
    uv_loop_t loop;
    actx_host_t host;
    action_ctx_t *ctx;
    char dir[64];
    /* What the call finished with. */
    bool finished;
    unsigned finishes;
    mig_status_t st;
    val_t *result;
    /* The fake counter of test.count. */
    int64_t counter;
    bool counter_broken;
    /* The fake journal of processes (actx_host_t.started). */
    int64_t started_pid, started_pgid;
    bool journal_broken, ran_before_go;
    /* A group commit (runtime/sched_group.c): the GO queued, not called. */
    bool queue;
    bool (*go)(void *, bool);
    void *go_data;
} fx_t;

static void nap_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Journals the process, unless broken; sees that the command is held
 * behind its gate meanwhile (it would create "ran" at once). */
static mig_status_t fake_started(void *data, int64_t run, int64_t seq,
                                 int role, int64_t pid, int64_t pgid,
                                 bool (*go)(void *, bool), void *go_data)
{
    fx_t *f = data;
    assert_int_equal(run, 1);
    assert_int_equal(seq, 5);
    assert_int_equal(role, 0);
    f->started_pid = pid;
    f->started_pgid = pgid;
    nap_ms(200);
    char p[128];
    snprintf(p, sizeof p, "%s/ran", f->dir);
    f->ran_before_go = access(p, F_OK) == 0;
    if (f->journal_broken)
        return MIG_EIO;
    if (f->queue) {
        f->go = go;
        f->go_data = go_data;
        return MIG_OK;
    }
    go(go_data, true);
    return MIG_OK;
}

static mig_status_t fake_counter_add(void *data, const char *name,
                                     int64_t delta, int64_t *value)
{
    fx_t *f = data;
    if (f->counter_broken || strcmp(name, "hits") != 0)
        return MIG_EIO;
    f->counter += delta;
    *value = f->counter;
    return MIG_OK;
}

static void on_finish(action_ctx_t *c, mig_status_t st, val_t *result,
                      void *data)
{
    (void)c;
    fx_t *f = data;
    f->finished = true;
    f->finishes++;
    f->st = st;
    val_unref(f->result);
    f->result = result;
}

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof(*f));
    if (!f || uv_loop_init(&f->loop) != 0)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/mig-exec-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->host = (actx_host_t){ .loop = &f->loop,
                             .counter_add = fake_counter_add,
                             .started = fake_started, .data = f };
    f->ctx = actx_new(ACTX_RUN, f->dir);
    if (!f->ctx)
        return -1;
    actx_set_host(f->ctx, &f->host);
    actx_on_finish(f->ctx, on_finish, f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    /* Nothing may be left open on the loop. */
    int closed = uv_loop_close(&f->loop);
    actx_free(f->ctx);
    val_unref(f->result);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rm = system(cmd);
    free(f);
    return closed == 0 && rm == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
    (void)state;
    reg = action_registry_new();
    return reg && stdlib_register(reg) == MIG_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    action_registry_free(reg);
    return 0;
}

/* ---- calling ------------------------------------------------------------ */

/* Starts ACTION with IN (taken): run must suspend. */
static void start(fx_t *f, const char *action, val_t *in)
{
    const action_t *a = action_find(reg, action);
    assert_non_null(a);
    assert_non_null(a->run);
    actx_begin(f->ctx, action);
    actx_set_action(f->ctx, a);
    f->finished = false;
    val_t *out = NULL;
    mig_status_t st = a->run(f->ctx, in, &out);
    if (st != MIG_OK)
        fail_msg("run: %s: %s", actx_error_class(f->ctx),
                 actx_error_message(f->ctx));
    assert_null(out);
    assert_true(actx_suspended(f->ctx));
    val_unref(in);
}

static uint64_t now_ms(fx_t *f)
{
    uv_update_time(&f->loop);
    return uv_now(&f->loop);
}

/* Runs the loop until it has nothing left: the call has finished once and
 * closed all it opened. */
static void finish(fx_t *f)
{
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_true(f->finished);
    assert_int_equal(f->finishes, 1);
    assert_false(actx_suspended(f->ctx));
    f->finishes = 0;
}

static val_t *map_of(const char *k, ...)
{
    val_t *m = val_map_new(2);
    va_list ap;
    va_start(ap, k);
    for (; k; k = va_arg(ap, const char *))
        assert_int_equal(val_map_set_take(m, k, strlen(k),
                                          va_arg(ap, val_t *)), MIG_OK);
    va_end(ap);
    return m;
}

static val_t *strs(const char *first, ...)
{
    val_t *l = val_list_new(4);
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        val_list_push_take(l, val_cstring(s));
    va_end(ap);
    return l;
}

static const char *result_str(fx_t *f, const char *key)
{
    assert_non_null(f->result);
    val_t *v = val_map_get(f->result, key, strlen(key));
    assert_non_null(v);
    return val_get_str(v, NULL);
}

static void expect_error(fx_t *f, const char *cls, const char *msg)
{
    assert_int_equal(f->st, MIG_EINVALID);
    assert_null(f->result);
    assert_string_equal(actx_error_class(f->ctx), cls);
    assert_string_equal(actx_error_message(f->ctx), msg);
}

/* ---- exec.run ----------------------------------------------------------- */

static void exec_ok(void **state)
{
    fx_t *f = *state;
    start(f, "exec.run", map_of("cmd", val_cstring("echo hello; "
                                                   "echo oops >&2"), NULL));
    finish(f);
    assert_int_equal(f->st, MIG_OK);
    assert_int_equal(val_get_int(val_map_get(f->result, "status", 6)), 0);
    assert_string_equal(result_str(f, "stdout"), "hello\n");
    assert_string_equal(result_str(f, "stderr"), "oops\n");
    assert_null(actx_error_class(f->ctx));
}

static void exec_nonzero(void **state)
{
    fx_t *f = *state;
    start(f, "exec.run", map_of("cmd", val_cstring(
        "for i in 1 2 3 4 5 6 7; do echo line $i >&2; done; exit 3"), NULL));
    finish(f);
    expect_error(f, "Unavailable", "exec.run: 'for i in 1 2 3 4 5 6 7; do "
                 "echo line $i >&2; done; exit 3' exited with status 3; its "
                 "stderr ends with:\n  line 3\n  line 4\n  line 5\n  line 6\n"
                 "  line 7");
    start(f, "exec.run", map_of("cmd", val_cstring("exit 1"), NULL));
    finish(f);
    expect_error(f, "Unavailable", "exec.run: 'exit 1' exited with status 1 "
                 "(no output on stderr)");
    start(f, "exec.run", map_of("cmd", val_cstring("kill -9 $$"), NULL));
    finish(f);
    expect_error(f, "Unavailable", "exec.run: 'kill -9 $$' was killed by "
                 "signal 9 (no output on stderr)");
}

static void exec_timeout(void **state)
{
    fx_t *f = *state;
    uint64_t t0 = now_ms(f);
    start(f, "exec.run", map_of("cmd", val_cstring("sleep 20"),
                                "timeout", val_duration(200), NULL));
    finish(f);
    uint64_t took = now_ms(f) - t0;
    expect_error(f, "Timeout", "exec.run: 'sleep 20' did not finish within "
                 "200ms; it was stopped");
    assert_true(took >= 200);
    assert_true(took < 2000);   /* SIGTERM was enough */
}

/* A command that ignores SIGTERM gets SIGKILL 2 s later. */
static void exec_timeout_kill(void **state)
{
    fx_t *f = *state;
    uint64_t t0 = now_ms(f);
    start(f, "exec.run", map_of("cmd", val_cstring("trap '' TERM; sleep 20"),
                                "timeout", val_duration(100), NULL));
    finish(f);
    uint64_t took = now_ms(f) - t0;
    expect_error(f, "Timeout", "exec.run: 'trap '' TERM; sleep 20' did not "
                 "finish within 100ms; it was stopped");
    assert_true(took >= 2100);
    assert_true(took < 10000);
}

static void exec_list_env_dir(void **state)
{
    fx_t *f = *state;
    /* A list is run as it is: no shell splits or expands it. */
    start(f, "exec.run", map_of("cmd", strs("printf", "[%s]", "a b", "$HOME",
                                            NULL), NULL));
    finish(f);
    assert_int_equal(f->st, MIG_OK);
    assert_string_equal(result_str(f, "stdout"), "[a b][$HOME]");
    setenv("MIG_TEST_GONE", "still here", 1);
    start(f, "exec.run", map_of(
        "cmd", val_cstring("echo \"$MIG_TEST_VAR-$MIG_TEST_N-"
                           "${MIG_TEST_GONE-unset}\""),
        "env", map_of("MIG_TEST_VAR", val_cstring("hi"),
                      "MIG_TEST_N", val_int(3),
                      "MIG_TEST_GONE", val_null(), NULL), NULL));
    finish(f);
    assert_string_equal(result_str(f, "stdout"), "hi-3-unset\n");
    unsetenv("MIG_TEST_GONE");
    /* dir is taken from the base; without it, the base itself. */
    char sub[128];
    snprintf(sub, sizeof sub, "%s/sub", f->dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    start(f, "exec.run", map_of("cmd", val_cstring("pwd"),
                                "dir", val_cstring("sub"), NULL));
    finish(f);
    char want[160];
    snprintf(want, sizeof want, "%s\n", sub);
    assert_string_equal(result_str(f, "stdout"), want);
    start(f, "exec.run", map_of("cmd", strs("pwd", NULL), NULL));
    finish(f);
    snprintf(want, sizeof want, "%s\n", f->dir);
    assert_string_equal(result_str(f, "stdout"), want);
}

static void exec_cannot_start(void **state)
{
    fx_t *f = *state;
    start(f, "exec.run", map_of("cmd", strs("/nonexistent/prog", "x", NULL),
                                NULL));
    finish(f);
    expect_error(f, "MissingDependency", "exec.run: cannot run "
                 "'/nonexistent/prog x': no such file or directory");
    /* Failures found before anything starts are returned at once. */
    const action_t *a = action_find(reg, "exec.run");
    val_t *in = map_of("cmd", val_cstring("true"), "dir",
                       val_cstring("nowhere"), NULL), *out = NULL;
    actx_begin(f->ctx, "exec.run");
    assert_int_equal(a->run(f->ctx, in, &out), MIG_EINVALID);
    assert_false(actx_suspended(f->ctx));
    assert_string_equal(actx_error_class(f->ctx), "MissingDependency");
    assert_string_equal(actx_error_message(f->ctx), "exec.run: the directory "
                        "'nowhere' is not there");
    val_unref(in);
    in = map_of("cmd", val_list_new(0), NULL);
    assert_int_equal(a->run(f->ctx, in, &out), MIG_EINVALID);
    assert_string_equal(actx_error_message(f->ctx), "exec.run: the command "
                        "is an empty list");
    val_unref(in);
    in = map_of("cmd", val_cstring("true"), "env",
                map_of("A=B", val_cstring("x"), NULL), NULL);
    assert_int_equal(a->run(f->ctx, in, &out), MIG_EINVALID);
    assert_string_equal(actx_error_message(f->ctx), "exec.run: 'A=B' cannot "
                        "name an environment variable");
    val_unref(in);
    /* Without a loop (no run), nothing is started. */
    action_ctx_t *bare = actx_new(ACTX_RUN, f->dir);
    in = map_of("cmd", val_cstring("true"), NULL);
    actx_begin(bare, "exec.run");
    assert_int_equal(a->run(bare, in, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(bare), "Unavailable");
    val_unref(in);
    actx_free(bare);
}

static void exec_output_cut(void **state)
{
    fx_t *f = *state;
    start(f, "exec.run", map_of("cmd", val_cstring(
        "head -c 1500000 /dev/zero | tr '\\0' a; printf '\\377' >&2"), NULL));
    finish(f);
    assert_int_equal(f->st, MIG_OK);
    size_t len;
    val_t *out = val_map_get(f->result, "stdout", 6);
    const char *s = val_get_str(out, &len);
    const char *tail = "\n[truncated]\n";
    assert_int_equal(len, 1024 * 1024 + strlen(tail));
    assert_string_equal(s + 1024 * 1024, tail);
    assert_int_equal(s[0], 'a');
    /* Bytes that are not UTF-8 become U+FFFD. */
    assert_string_equal(result_str(f, "stderr"), "\xEF\xBF\xBD");
}

static void cancel_later(uv_timer_t *t)
{
    actx_cancel(t->data);
    uv_close((uv_handle_t *)t, NULL);
}

/* Cancels F's call after MS, from the loop. */
static void cancel_after(fx_t *f, uv_timer_t *t, uint64_t ms)
{
    uv_timer_init(&f->loop, t);
    t->data = f->ctx;
    uv_timer_start(t, cancel_later, ms, 0);
}

static void exec_cancel(void **state)
{
    fx_t *f = *state;
    uv_timer_t t;
    uint64_t t0 = now_ms(f);
    start(f, "exec.run", map_of("cmd", val_cstring("sleep 20"), NULL));
    cancel_after(f, &t, 100);
    finish(f);
    expect_error(f, "Timeout", "exec.run: 'sleep 20' was cancelled; it was "
                 "stopped");
    assert_true(now_ms(f) - t0 < 2000);
    actx_cancel(f->ctx);        /* finished: nothing to stop */
}

/* A command that leaves a child holding its output open still finishes
 * soon after it exits. */
static void exec_left_running(void **state)
{
    fx_t *f = *state;
    uint64_t t0 = now_ms(f);
    start(f, "exec.run", map_of("cmd", val_cstring("sleep 3 & echo started"),
                                NULL));
    finish(f);
    assert_int_equal(f->st, MIG_OK);
    assert_string_equal(result_str(f, "stdout"), "started\n");
    assert_true(now_ms(f) - t0 < 2500);
}

/* ---- test.* ------------------------------------------------------------- */

static void sleep_and_cancel(void **state)
{
    fx_t *f = *state;
    uint64_t t0 = now_ms(f);
    start(f, "test.sleep", map_of("duration", val_duration(150), NULL));
    finish(f);
    assert_int_equal(f->st, MIG_OK);
    assert_int_equal(val_type(f->result), VAL_NULL);
    assert_true(now_ms(f) - t0 >= 150);
    uv_timer_t t;
    t0 = now_ms(f);
    start(f, "test.sleep", map_of("duration", val_duration(10000), NULL));
    cancel_after(f, &t, 50);
    finish(f);
    expect_error(f, "Timeout", "test.sleep: stopped before 10s had passed");
    assert_true(now_ms(f) - t0 < 5000);
}

static void fail_by_attempt(void **state)
{
    fx_t *f = *state;
    const action_t *a = action_find(reg, "test.fail");
    val_t *in = map_of("times", val_int(2), "class",
                       val_cstring("Unavailable"), NULL), *out = NULL;
    char want[128];
    for (uint32_t attempt = 1; attempt <= 2; attempt++) {
        actx_begin(f->ctx, a->name);
        actx_set_attempt(f->ctx, attempt);
        assert_int_equal(actx_attempt(f->ctx), attempt);
        assert_int_equal(a->run(f->ctx, in, &out), MIG_EINVALID);
        assert_string_equal(actx_error_class(f->ctx), "Unavailable");
        snprintf(want, sizeof want, "test.fail: failing on purpose (attempt "
                 "%u, fails 2 time(s))", attempt);
        assert_string_equal(actx_error_message(f->ctx), want);
    }
    actx_begin(f->ctx, a->name);
    actx_set_attempt(f->ctx, 3);
    assert_int_equal(a->run(f->ctx, in, &out), MIG_OK);
    assert_int_equal(val_type(out), VAL_NULL);
    assert_null(actx_error_class(f->ctx));
    val_unref(in);
    /* A context nobody numbered is on its first attempt. */
    action_ctx_t *fresh = actx_new(ACTX_RUN, NULL);
    in = map_of("times", val_int(1), "class", val_cstring("Transient"), NULL);
    actx_begin(fresh, a->name);
    assert_int_equal(actx_attempt(fresh), 1);
    assert_int_equal(a->run(fresh, in, &out), MIG_EINVALID);
    assert_string_equal(actx_error_message(fresh), "test.fail: failing on "
                        "purpose (attempt 1, fails 1 time(s))");
    val_unref(in);
    actx_free(fresh);
}

static void count_and_undo(void **state)
{
    fx_t *f = *state;
    const action_t *a = action_find(reg, "test.count");
    assert_null(a->applied);
    val_t *in = map_of("name", val_cstring("hits"), NULL), *rec = NULL,
          *out = NULL;
    f->counter = 5;
    actx_begin(f->ctx, a->name);
    assert_int_equal(a->capture(f->ctx, in, &rec), MIG_OK);
    assert_int_equal(f->counter, 5);            /* capture changes nothing */
    assert_int_equal(val_get_int(val_map_get(rec, "before", 6)), 5);
    assert_int_equal(a->run(f->ctx, in, &out), MIG_OK);
    assert_int_equal(val_get_int(out), 6);
    assert_int_equal(f->counter, 6);
    val_unref(out);
    for (int i = 0; i < 2; i++) {               /* undone twice: once */
        assert_int_equal(a->undo(f->ctx, rec, &out), MIG_OK);
        assert_int_equal(f->counter, 5);
        val_unref(out);
    }
    val_unref(rec);
    /* Undo of a capture whose run never happened changes nothing. */
    assert_int_equal(a->capture(f->ctx, in, &rec), MIG_OK);
    assert_int_equal(a->undo(f->ctx, rec, &out), MIG_OK);
    assert_int_equal(f->counter, 5);
    val_unref(out);
    val_unref(rec);
    /* The store refusing is Unavailable. */
    f->counter_broken = true;
    actx_begin(f->ctx, a->name);
    assert_int_equal(a->run(f->ctx, in, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "Unavailable");
    assert_string_equal(actx_error_message(f->ctx), "test.count: cannot "
                        "change the counter 'hits' in the state store");
    val_unref(in);
}

/* ---- the gate and the check (docs/actions.md, "Run at most once") ------ */

static bool ran(fx_t *f)
{
    char p[128];
    snprintf(p, sizeof p, "%s/ran", f->dir);
    return access(p, F_OK) == 0;
}

/* A journaled call's command waits behind its gate until its process is
 * journaled; then it runs, in a process group of its own. */
static void exec_gate_opens(void **state)
{
    fx_t *f = *state;
    actx_set_record(f->ctx, 1, 5, 0);
    start(f, "exec.run", map_of("cmd", val_cstring("touch ran"), NULL));
    finish(f);
    assert_int_equal(f->st, MIG_OK);
    assert_true(f->started_pid > 0);
    assert_int_equal(f->started_pgid, f->started_pid);
    assert_false(f->ran_before_go);
    assert_true(ran(f));
    assert_true(actx_began(f->ctx));
    actx_set_record(f->ctx, 0, 0, 0);
}

/* When the journal cannot hold the process, the command never runs: the
 * host says so at once, or (QUEUED) a group commit that failed calls the
 * GO with false. */
static void gate_refused(fx_t *f, bool queued)
{
    f->journal_broken = !queued;
    f->queue = queued;
    actx_set_record(f->ctx, 1, 5, 0);
    start(f, "exec.run", map_of("cmd", strs("touch", "ran", NULL), NULL));
    if (queued)
        assert_false(f->go(f->go_data, false));
    finish(f);
    expect_error(f, "Unavailable", "exec.run: 'touch ran' did not start: the "
                 "journal could not record its process");
    assert_false(actx_began(f->ctx));
    nap_ms(200);
    assert_false(ran(f));
    actx_set_record(f->ctx, 0, 0, 0);
}

/* A start queued to a group commit: the command waits behind its gate
 * until the GO comes after the call has suspended, then runs. */
static void exec_gate_queued(void **state)
{
    fx_t *f = *state;
    f->queue = true;
    actx_set_record(f->ctx, 1, 5, 0);
    start(f, "exec.run", map_of("cmd", val_cstring("touch ran"), NULL));
    assert_non_null(f->go);
    assert_true(actx_start_pending(f->ctx));
    assert_false(actx_began(f->ctx));
    nap_ms(200);
    uv_run(&f->loop, UV_RUN_NOWAIT);
    assert_false(ran(f));
    assert_true(f->go(f->go_data, true));
    assert_false(actx_start_pending(f->ctx));
    finish(f);
    assert_int_equal(f->st, MIG_OK);
    assert_true(ran(f));
    assert_true(actx_began(f->ctx));
    actx_set_record(f->ctx, 0, 0, 0);
}

static void exec_gate_stays_shut(void **state)
{
    gate_refused(*state, false);
}

static void exec_gate_queued_refused(void **state)
{
    gate_refused(*state, true);
}

/* http.request's change queued to a group commit that failed: the call
 * ends, not begun, and says why; nothing is sent (no endpoint listens:
 * a request sent would end with another message). A call that is not
 * journaled sends at once and is never queued. */
static void http_queued_refused(void **state)
{
    fx_t *f = *state;
    f->queue = true;
    actx_set_record(f->ctx, 1, 5, 0);
    start(f, "http.request", map_of("method", val_cstring("PUT"),
                                    "url", val_cstring("http://127.0.0.1:9/r"),
                                    "body", val_cstring("x"), NULL));
    assert_non_null(f->go);
    assert_true(actx_start_pending(f->ctx));
    assert_false(f->finished);
    assert_false(f->go(f->go_data, false));
    finish(f);
    expect_error(f, "Unavailable", "http.request: PUT http://127.0.0.1:9/r "
                 "was not sent: the journal could not record it");
    assert_false(actx_began(f->ctx));
    assert_false(actx_start_pending(f->ctx));
    actx_set_record(f->ctx, 0, 0, 0);
}

/* Calls exec.run's applied with ARGS (taken). */
static void check_with(fx_t *f, val_t *args)
{
    const action_t *a = action_find(reg, "exec.run");
    actx_begin(f->ctx, "exec.run");
    f->finished = false;
    val_t *out = NULL;
    f->st = a->applied(f->ctx, args, &out);
    val_unref(args);
    if (f->st == MIG_OK && actx_suspended(f->ctx))
        finish(f);
}

static void exec_check(void **state)
{
    fx_t *f = *state;
    check_with(f, map_of("cmd", val_cstring("x"), "check",
                         val_cstring("true"), NULL));
    assert_int_equal(f->st, MIG_OK);
    assert_true(val_get_bool(f->result));
    check_with(f, map_of("cmd", val_cstring("x"), "check",
                         strs("test", "-e", "nothing", NULL), NULL));
    assert_int_equal(f->st, MIG_OK);
    assert_false(val_get_bool(f->result));
    check_with(f, map_of("cmd", val_cstring("x"), "check",
                         val_cstring("echo hmm >&2; exit 3"), NULL));
    expect_error(f, "Unavailable", "its check 'echo hmm >&2; exit 3' exited "
                 "with status 3, neither 0 (in place) nor 1 (not in place); "
                 "its stderr ends with:\n  hmm");
    check_with(f, map_of("cmd", val_cstring("x"), "check",
                         val_cstring("sleep 5"), "timeout",
                         val_duration(100), NULL));
    expect_error(f, "Timeout", "its check 'sleep 5' did not finish within "
                 "100ms; it was stopped");
    check_with(f, map_of("cmd", val_cstring("x"), NULL));
    assert_int_equal(f->st, MIG_EINVALID);
    assert_string_equal(actx_error_message(f->ctx), "it has no check: "
                        "argument that would tell");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(exec_ok), T(exec_nonzero), T(exec_timeout), T(exec_timeout_kill),
        T(exec_list_env_dir), T(exec_cannot_start), T(exec_output_cut),
        T(exec_cancel), T(exec_left_running), T(sleep_and_cancel),
        T(fail_by_attempt), T(count_and_undo), T(exec_gate_opens),
        T(exec_gate_stays_shut), T(exec_gate_queued),
        T(exec_gate_queued_refused), T(http_queued_refused), T(exec_check),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
