/* test_settle.c: commands a crash left in flight (runtime/settle.c,
 * runtime/store_process.c): the processes table and its upgrade, the
 * journal's not-run state, and sched_settle's verdicts: never began, a
 * process group still running is stopped, another host, the user's
 * answer, the action's check, and a check that cannot tell. */
#include "store_fixture.h"

#include <signal.h>

#include "sched_int.h"
#include "store_versions.h"

/* ---- the store ------------------------------------------------------------ */

static void test_process_rows(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    store_process_t got;
    bool found = true;
    assert_int_equal(store_process_get(s, run, 1, STORE_PROC_EFFECT, &got,
                                       &found), MIG_OK);
    assert_false(found);
    store_process_t p = { .seq = 1, .role = STORE_PROC_EFFECT, .pid = 42,
                          .pgid = 42, .start_ticks = 7, .host = "h1",
                          .started_ms = 5 };
    assert_int_equal(store_process_put(s, run, &p), MIG_OK);
    p.role = STORE_PROC_UNDO;
    p.pid = p.pgid = 43;
    assert_int_equal(store_process_put(s, run, &p), MIG_OK);
    p.pid = p.pgid = 44;                        /* replaces the undo's */
    assert_int_equal(store_process_put(s, run, &p), MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(store_process_get(s, run, 1, STORE_PROC_EFFECT, &got,
                                       &found), MIG_OK);
    assert_true(found);
    assert_int_equal(got.pid, 42);
    assert_int_equal(got.pgid, 42);
    assert_int_equal(got.start_ticks, 7);
    assert_string_equal(got.host, "h1");
    assert_int_equal(got.started_ms, 5);
    store_process_clear(&got);
    assert_int_equal(store_process_get(s, run, 1, STORE_PROC_UNDO, &got,
                                       &found), MIG_OK);
    assert_int_equal(got.pid, 44);
    store_process_clear(&got);
    assert_int_equal(store_process_delete(s, run, 1, STORE_PROC_UNDO), MIG_OK);
    assert_int_equal(store_process_get(s, run, 1, STORE_PROC_UNDO, &got,
                                       &found), MIG_OK);
    assert_false(found);
    store_close(s);
}

/* A store of schema 2 (no processes table, no steps.args) is upgraded on
 * open. */
static void test_upgrade_from_2(void **state)
{
    (void)state;
    store_close(open_store(STORE_CREATE));
    sql(path, "DROP TABLE processes; ALTER TABLE steps DROP COLUMN args; "
        "DROP TABLE baseline_registries; DROP TABLE baseline_records; "
        STORE_UNDO_FROM_6 "PRAGMA user_version = 2");
    store_t *s = open_store(STORE_CREATE);
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    int64_t run = new_run(s, "p", 1, "h");
    store_process_t p = { .seq = 1, .pid = 9, .pgid = 9, .host = "h" };
    assert_int_equal(store_process_put(s, run, &p), MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    store_close(s);
}

static bool state_of(void *data, const store_journal_t *rec)
{
    *(store_journal_state_t *)data = rec->state;
    return true;
}

static void test_not_run_state(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    store_journal_t rec = { .node = "a/x", .item = "", .action = "exec.run",
                            .kind = STORE_JOURNAL_PLAN };
    assert_int_equal(store_journal_intent(s, run, &rec), MIG_OK);
    assert_int_equal(store_journal_set(s, run, rec.seq, STORE_JOURNAL_NOT_RUN),
                     MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    store_journal_state_t st = STORE_JOURNAL_INTENT;
    assert_int_equal(store_journal_each(s, run, 0, STORE_EACH_NO_VALUES,
                                        state_of, &st), MIG_OK);
    assert_int_equal(st, STORE_JOURNAL_NOT_RUN);
    assert_string_equal(store_journal_state_name(st), "not-run");
    store_close(s);
}

/* ---- settling --------------------------------------------------------------- */

/* What the fake action's applied says: 1 in place, 0 not, -1 fails. */
static int verdict;
static int applied_calls;

static mig_status_t fake_applied(action_ctx_t *c, const val_t *args,
                                 val_t **out)
{
    (void)args;
    applied_calls++;
    if (verdict < 0)
        return actx_fail(c, "Unavailable", "its check '%s' exited with "
                         "status 3", "probe");
    *out = val_bool(verdict == 1);
    return MIG_OK;
}

static const action_t fake = { .name = "fake.run", .applied = fake_applied,
                               .reports_start = true };

typedef struct fx {
    store_t *s;
    int64_t run;
    uv_loop_t loop;
    actx_host_t host;
    settle_env_t env;
} fx_t;

static void fx_open(fx_t *f, const val_t *answers)
{
    f->s = open_store(STORE_CREATE);
    f->run = new_run(f->s, "p", 1, "h");
    assert_int_equal(uv_loop_init(&f->loop), 0);
    f->host = sched_host(f->s, NULL, &f->loop, false);
    f->env = (settle_env_t){ .store = f->s, .host = &f->host,
                             .base_dir = dir, .run = f->run,
                             .answers = answers, .command = "mig resume 1" };
    applied_calls = 0;
}

static void fx_close(fx_t *f)
{
    assert_int_equal(uv_loop_close(&f->loop), 0);
    store_close(f->s);
}

/* Journals process PID (group PGID) for record 1, on HOST. */
static void put(fx_t *f, pid_t pid, const char *host, int64_t ticks)
{
    store_process_t p = { .seq = 1, .role = STORE_PROC_EFFECT, .pid = pid,
                          .pgid = pid, .start_ticks = ticks,
                          .host = (char *)host };
    assert_int_equal(store_process_put(f->s, f->run, &p), MIG_OK);
    assert_int_equal(store_flush(f->s), MIG_OK);
}

static const char *here(void)
{
    static char h[256];
    gethostname(h, sizeof h - 1);
    return h;
}

static settle_verdict_t settle(fx_t *f, char **why)
{
    return sched_settle(&f->env, 1, 0, &fake, NULL, why);
}

static void test_never_began(void **state)
{
    (void)state;
    fx_t f;
    fx_open(&f, NULL);
    char *why;
    assert_int_equal(settle(&f, &why), SETTLE_NOT_RUN);
    assert_string_equal(why, "its command never started");
    assert_int_equal(applied_calls, 0);
    free(why);
    fx_close(&f);
}

/* A process group of its own that sleeps, ignoring SIGTERM when STUBBORN;
 * its pid. SIGTERM is ignored before the group is made: the caller waits
 * for the group, and then sends it, so a child slow to be scheduled
 * (a loaded machine) cannot be told SIGTERM while it still obeys it. */
static pid_t sleeper(bool stubborn)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (stubborn)
            signal(SIGTERM, SIG_IGN);
        setsid();
        execl("/bin/sleep", "sleep", "30", (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* A group still running is stopped before its check is asked: SIGTERM,
 * or SIGKILL 2s later when it ignores SIGTERM. */
static void test_running_is_stopped(void **state)
{
    (void)state;
    for (int stubborn = 0; stubborn < 2; stubborn++) {
        fx_t f;
        fx_open(&f, NULL);
        pid_t pid = sleeper(stubborn);
        while (getpgid(pid) != pid)
            ;                       /* its group is its own */
        put(&f, pid, here(), 0);
        verdict = 1;
        char *why;
        assert_int_equal(settle(&f, &why), SETTLE_DONE);
        assert_string_equal(why, "its check says its effect is in place");
        assert_int_equal(applied_calls, 1);
        free(why);
        /* Dead before the check was asked (a zombie until reaped here). */
        int st;
        assert_int_equal(waitpid(pid, &st, WNOHANG), pid);
        assert_true(WIFSIGNALED(st));
        assert_int_equal(WTERMSIG(st), stubborn ? SIGKILL : SIGTERM);
        fx_close(&f);
    }
}

static void test_other_host_asks(void **state)
{
    (void)state;
    fx_t f;
    fx_open(&f, NULL);
    put(&f, 12345, "elsewhere", 0);
    char *why;
    assert_int_equal(settle(&f, &why), SETTLE_ASK);
    assert_string_equal(why, "its command (pid 12345) ran on elsewhere, and "
                        "mig cannot see that host's processes");
    assert_int_equal(applied_calls, 0);
    free(why);
    fx_close(&f);
}

/* The user's answer wins over the check, even for another host. */
static void test_answers(void **state)
{
    (void)state;
    const char *says[] = { "done", "not-run" };
    const settle_verdict_t want[] = { SETTLE_DONE, SETTLE_NOT_RUN };
    const char *why_want[] = { "you said its effect is in place",
                               "you said its effect is not in place" };
    for (int i = 0; i < 2; i++) {
        val_t *a = val_map_new(1);
        val_map_set_take(a, "1", 1, val_cstring(says[i]));
        fx_t f;
        fx_open(&f, a);
        put(&f, 12345, "elsewhere", 0);
        char *why;
        assert_int_equal(settle(&f, &why), want[i]);
        assert_string_equal(why, why_want[i]);
        assert_int_equal(applied_calls, 0);
        free(why);
        fx_close(&f);
        val_unref(a);
    }
}

/* A gone process (or a pid now another process's): the check decides;
 * a check that cannot tell asks. */
static void test_check_decides(void **state)
{
    (void)state;
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    int st;
    waitpid(pid, &st, 0);                   /* PID is free now */
    const int says[] = { 1, 0, -1 };
    const settle_verdict_t want[] = { SETTLE_DONE, SETTLE_NOT_RUN, SETTLE_ASK };
    const char *why_want[] = {
        "its check says its effect is in place",
        "its check says its effect is not in place",
        "mig cannot tell whether it finished: its check 'probe' exited with "
        "status 3",
    };
    for (int i = 0; i < 3; i++) {
        fx_t f;
        fx_open(&f, NULL);
        put(&f, pid, here(), 0);
        verdict = says[i];
        char *why;
        assert_int_equal(settle(&f, &why), want[i]);
        assert_string_equal(why, why_want[i]);
        free(why);
        fx_close(&f);
    }
    /* This test's own pid, journaled with another start time: another
     * process took the pid, so the command is gone and not signalled. */
    fx_t f;
    fx_open(&f, NULL);
    put(&f, getpid(), here(), 1);
    verdict = 0;
    char *why;
    assert_int_equal(settle(&f, &why), SETTLE_NOT_RUN);
    free(why);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, make_dir, remove_dir)
        T(test_process_rows),
        T(test_upgrade_from_2),
        T(test_not_run_state),
        T(test_never_began),
        T(test_running_is_stopped),
        T(test_other_host_asks),
        T(test_answers),
        T(test_check_decides),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
