/* test_store_locks.c: the state store's locks and fences, the liveness
 * of runs, grouped and full durability, read-only opening, and the
 * errors that make a store fail for good (store.h). Each test works in a
 * directory of its own. */
#include "store_fixture.h"
#include "sched_int.h"

#include <signal.h>
#include <sys/prctl.h>

/* ---- locks ------------------------------------------------------------- */

static void test_locks(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t r1 = new_run(s, "one", 101, "host-a");
    int64_t r2 = new_run(s, "two", 202, "host-b");
    int64_t fence = 0;
    store_lock_t holder = { 0 };
    assert_int_equal(store_lock_acquire(s, "/work", r1, 101, "host-a", 60000,
                                        false, &holder, &fence), MIG_OK);
    assert_int_equal(fence, 1);
    assert_null(holder.resource);
    assert_false(store_pending(s));            /* committed at once */

    /* A second run is refused and told who holds it, break or not. */
    for (int brk = 0; brk < 2; brk++) {
        int64_t f2 = 99;
        assert_int_equal(store_lock_acquire(s, "/work", r2, 202, "host-b",
                                            60000, brk, &holder, &f2),
                         MIG_EINVALID);
        assert_int_equal(f2, 0);
        assert_string_equal(holder.resource, "/work");
        assert_int_equal(holder.run, r1);
        assert_int_equal(holder.pid, 101);
        assert_string_equal(holder.host, "host-a");
        assert_int_equal(holder.fence, 1);
        assert_true(holder.expires_ms > store_now_ms());
        store_lock_clear(&holder);
    }
    assert_int_equal(store_diags(s)->len, 0);  /* a refusal is no error */
    /* A run that does not exist takes nothing, and no holder is named. */
    assert_int_equal(store_lock_acquire(s, "/other", 99, 1, "h", 60000, false,
                                        &holder, &fence), MIG_EINVALID);
    assert_null(holder.resource);
    assert_int_equal(fence, 0);
    char msg[200];
    snprintf(msg, sizeof msg, "cannot take the lock in '%s': FOREIGN KEY "
             "constraint failed", path);
    assert_string_equal(last_diag(s), msg);
    assert_false(store_pending(s));

    store_lock_t l;
    assert_int_equal(store_lock_get(s, "/work", &l), MIG_OK);
    assert_int_equal(l.run, r1);
    assert_true(l.since_ms <= l.heartbeat_ms);
    assert_int_equal(l.expires_ms, l.heartbeat_ms + 60000);
    store_lock_clear(&l);
    assert_int_equal(store_lock_get(s, "/elsewhere", &l), MIG_EINVALID);
    assert_int_equal(store_lock_heartbeat(s, "/work", 1, 60000), MIG_OK);

    /* Expired (a heartbeat that set it in the past): refused without
     * --break-lock, taken over with it. */
    assert_int_equal(store_lock_heartbeat(s, "/work", 1, -5000), MIG_OK);
    assert_int_equal(store_lock_acquire(s, "/work", r2, 202, "host-b", 60000,
                                        false, &holder, &fence),
                     MIG_EINVALID);
    store_lock_clear(&holder);
    assert_int_equal(store_lock_acquire(s, "/work", r2, 202, "host-b", 60000,
                                        true, &holder, &fence), MIG_OK);
    assert_int_equal(fence, 2);
    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_event_each(s, r1, see_event, &w), MIG_OK);
    assert_string_equal(w.text, "1:lock-taken:NULL:NULL:{\"resource\":"
                        "\"/work\",\"fence\":1,\"pid\":101,\"host\":"
                        "\"host-a\"} 2:lock-broken:NULL:NULL:{\"resource\":"
                        "\"/work\",\"fence\":2,\"by_run\":2,\"by_pid\":202,"
                        "\"by_host\":\"host-b\"} ");
    w = (seen_t){ .stop_after = -1 };
    assert_int_equal(store_event_each(s, r2, see_event, &w), MIG_OK);
    static const char broken[] = "1:lock-broken:NULL:NULL:{\"resource\":"
        "\"/work\",\"fence\":2,\"from_run\":1,\"from_pid\":101,"
        "\"from_host\":\"host-a\",\"expired_at\":\"";
    assert_memory_equal(w.text, broken, sizeof broken - 1);
    /* ... then the time, as 2024-05-01T12:00:00Z. */
    assert_string_equal(w.text + sizeof broken - 1 + 20, "\"} ");
    assert_int_equal(w.n, 1);

    /* The old holder's fence is stale now. */
    assert_int_equal(store_lock_heartbeat(s, "/work", 1, 60000), MIG_EINVALID);
    assert_true(strstr(last_diag(s), "lost its lock on /work: run 2 (pid 202 "
                       "on host-b) took it over at ") == last_diag(s));
    assert_int_equal(store_lock_release(s, "/work", 1), MIG_EINVALID);
    assert_int_equal(store_lock_heartbeat(s, "/work", 2, 60000), MIG_OK);
    /* The same run's process takes it again: a new fence. (Another
     * process of that run is refused while this one may be alive:
     * test_one_process_per_run.) */
    assert_int_equal(store_lock_acquire(s, "/work", r2, 202, "host-b", 60000,
                                        false, &holder, &fence), MIG_OK);
    assert_int_equal(fence, 3);
    assert_int_equal(store_lock_release(s, "/work", 3), MIG_OK);
    assert_int_equal(store_lock_get(s, "/work", &l), MIG_EINVALID);
    /* A released lock is free for anyone, and its fence goes on growing. */
    assert_int_equal(store_lock_acquire(s, "/work", r1, 101, "host-a", 60000,
                                        false, &holder, &fence), MIG_OK);
    assert_int_equal(fence, 4);
    store_close(s);
}

/* Two handles on one file: B breaks A's expired lock; A's next write
 * fails, and so does every write after it. */
static void test_fence_stops_writes(void **state)
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
    assert_int_equal(store_event(a, r1, "step-done", "n", "", NULL), MIG_OK);
    assert_int_equal(store_flush(a), MIG_OK);
    assert_int_equal(store_lock_acquire(b, "/ws", r2, 202, "host-b", 60000,
                                        true, NULL, &fb), MIG_OK);
    assert_int_equal(fb, fa + 1);

    assert_int_equal(store_event(a, r1, "step-done", "m", "", NULL),
                     MIG_EINVALID);
    const char *msg = last_diag(a);
    static const char lost[] = "lost its lock on /ws: run 2 (pid 202 on "
                               "host-b) took it over at ";
    assert_memory_equal(msg, lost, sizeof lost - 1);
    assert_int_equal(strlen(msg), sizeof lost - 1 + 20);
    assert_int_equal(msg[sizeof lost - 1 + 10], 'T');
    size_t n = store_diags(a)->len;
    assert_int_equal(store_journal_set(a, r1, 1, STORE_JOURNAL_DONE),
                     MIG_EINVALID);
    assert_int_equal(store_flush(a), MIG_EINVALID);
    assert_int_equal(store_diags(a)->len, n);  /* failing fast, no new noise */
    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_event_each(b, r1, see_event, &w), MIG_OK);
    assert_int_equal(w.n, 3);   /* lock-taken, step-done n, lock-broken */
    store_close(a);
    store_close(b);
}

/* ---- liveness ---------------------------------------------------------- */

static void test_liveness(void **state)
{
    (void)state;
    char me[256] = "";
    assert_int_equal(gethostname(me, sizeof me - 1), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0)
        _exit(0);
    assert_int_equal(waitpid(child, NULL, 0), child);

    store_t *s = open_store(STORE_CREATE);
    int64_t alive = new_run(s, "alive", getpid(), me);
    int64_t dead = new_run(s, "dead", child, me);
    int64_t remote = new_run(s, "remote", child, "some-other-host");
    int64_t expired = new_run(s, "expired", getpid(), me);
    int64_t unlocked = new_run(s, "unlocked", getpid(), me);
    int64_t done = new_run(s, "done", child, me);
    int64_t f;
    assert_int_equal(store_lock_acquire(s, "a", alive, getpid(), me, 60000,
                                        false, NULL, &f), MIG_OK);
    assert_int_equal(store_lock_acquire(s, "b", dead, child, me, 60000, false,
                                        NULL, &f), MIG_OK);
    assert_int_equal(store_lock_acquire(s, "c", remote, child,
                                        "some-other-host", 60000, false, NULL,
                                        &f), MIG_OK);
    assert_int_equal(store_lock_acquire(s, "d", expired, getpid(), me, -1,
                                        false, NULL, &f), MIG_OK);
    assert_int_equal(store_lock_acquire(s, "e", done, child, me, 60000, false,
                                        NULL, &f), MIG_OK);
    assert_int_equal(store_run_finish(s, done, STORE_RUN_SUCCEEDED, NULL),
                     MIG_OK);
    struct { int64_t id; store_run_state_t want; } expect[] = {
        { alive, STORE_RUN_RUNNING },
        { dead, STORE_RUN_INTERRUPTED },       /* its process is gone */
        { remote, STORE_RUN_RUNNING },         /* cannot tell: trusted */
        { expired, STORE_RUN_INTERRUPTED },
        { unlocked, STORE_RUN_INTERRUPTED },
        { done, STORE_RUN_SUCCEEDED },
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        store_run_t r;
        assert_int_equal(store_run_get(s, expect[i].id, &r), MIG_OK);
        assert_string_equal(store_run_state_name(store_run_liveness(s, &r)),
                            store_run_state_name(expect[i].want));
        store_run_clear(&r);
    }
    store_close(s);
}

/* One process per run: a second process taking a run's own lock (a
 * rollback while a resume goes on) is refused while the holder lives and
 * its lock is fresh, --break-lock or not; a dead holder's or an expired
 * lock is taken over (the resume of an interrupted run). */
static void test_one_process_per_run(void **state)
{
    (void)state;
    char me[256] = "";
    assert_int_equal(gethostname(me, sizeof me - 1), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0)
        _exit(0);
    assert_int_equal(waitpid(child, NULL, 0), child);
    pid_t other = getppid();     /* alive, and not this process */

    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "one", getpid(), me);
    int64_t f1 = 0, f2 = 0;
    store_lock_t holder = { 0 };
    assert_int_equal(store_lock_acquire(s, "/work", run, getpid(), me, 60000,
                                        false, &holder, &f1), MIG_OK);
    for (int brk = 0; brk < 2; brk++) {
        assert_int_equal(store_lock_acquire(s, "/work", run, other, me, 60000,
                                            brk, &holder, &f2), MIG_EINVALID);
        assert_int_equal(f2, 0);
        assert_int_equal(holder.run, run);
        assert_int_equal(holder.pid, getpid());
        assert_int_equal(holder.fence, f1);
        store_lock_clear(&holder);
    }
    /* The same process takes it again. */
    assert_int_equal(store_lock_acquire(s, "/work", run, getpid(), me, 60000,
                                        false, &holder, &f2), MIG_OK);
    assert_int_equal(f2, f1 + 1);
    /* Its holder gone (the child's pid, reaped): taken over. */
    assert_int_equal(store_lock_release(s, "/work", f2), MIG_OK);
    assert_int_equal(store_lock_acquire(s, "/work", run, child, me, 60000,
                                        false, &holder, &f1), MIG_OK);
    assert_int_equal(store_lock_acquire(s, "/work", run, other, me, 60000,
                                        false, &holder, &f2), MIG_OK);
    assert_int_equal(f2, f1 + 1);
    /* Expired, its holder alive: taken over. */
    assert_int_equal(store_lock_heartbeat(s, "/work", f2, -1), MIG_OK);
    assert_int_equal(store_lock_acquire(s, "/work", run, getpid(), me, 60000,
                                        false, &holder, &f1), MIG_OK);
    assert_int_equal(f1, f2 + 1);
    assert_null(holder.resource);
    assert_int_equal(store_diags(s)->len, 0);
    store_close(s);
}

/* A resume or rollback reads its run, then takes the lock: the run read
 * must still be as it was (state, end, pid), else another process acted
 * on it meanwhile and the command stops, saying so. */
static void test_run_unchanged(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "one", 101, "h");
    store_run_t before;
    assert_int_equal(store_run_get(s, run, &before), MIG_OK);
    diag_list_t d;
    diag_list_init(&d);
    assert_true(sched_run_unchanged(s, &before, &d));
    assert_int_equal(d.len, 0);
    /* Resumed by another process (a new pid). */
    assert_int_equal(store_run_reopen(s, run, 202, "h"), MIG_OK);
    assert_false(sched_run_unchanged(s, &before, &d));
    assert_int_equal(d.len, 1);
    assert_string_equal(d.items[0].message, "run 1 changed while this "
                        "command started: another process resumed it (now "
                        "running)");
    assert_string_equal(d.items[0].hint, "see `mig status 1`");
    /* Finished by another process. */
    store_run_clear(&before);
    assert_int_equal(store_run_get(s, run, &before), MIG_OK);
    assert_int_equal(store_run_finish(s, run, STORE_RUN_ROLLED_BACK, NULL),
                     MIG_OK);
    assert_false(sched_run_unchanged(s, &before, &d));
    assert_string_equal(d.items[1].message, "run 1 changed while this "
                        "command started: another process finished it (now "
                        "rolled-back)");
    store_run_clear(&before);
    diag_list_free(&d);
    store_close(s);
}

/* ---- transactions and durability --------------------------------------- */

static int count_events(store_t *s, int64_t run)
{
    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_event_each(s, run, see_event, &w), MIG_OK);
    return w.n;
}

static void test_flush_groups_writes(void **state)
{
    (void)state;
    store_t *a = open_store(STORE_CREATE);
    int64_t run = new_run(a, "p", 1, "h");
    assert_int_equal(store_flush(a), MIG_OK);
    store_t *b = open_store(STORE_READONLY);
    assert_false(store_pending(a));
    for (int i = 0; i < 5; i++)
        assert_int_equal(store_event(a, run, "tick", NULL, NULL, NULL), MIG_OK);
    assert_true(store_pending(a));
    assert_int_equal(count_events(a, run), 5);     /* a sees its own */
    assert_int_equal(count_events(b, run), 0);     /* no one else does */
    assert_int_equal(store_flush(a), MIG_OK);
    assert_false(store_pending(a));
    assert_int_equal(count_events(b, run), 5);
    assert_int_equal(store_flush(a), MIG_OK);      /* nothing pending: fine */

    store_set_durability(a, STORE_DURABLE_FULL);
    assert_int_equal(store_event(a, run, "tick", NULL, NULL, NULL), MIG_OK);
    assert_false(store_pending(a));
    assert_int_equal(count_events(b, run), 6);
    journal(a, run, "n", 1);
    assert_false(store_pending(a));
    store_set_durability(a, STORE_DURABLE_GROUPED);
    journal(a, run, "n", 2);
    assert_true(store_pending(a));
    /* Closing commits what is pending. */
    store_close(a);
    assert_int_equal(store_journal_last(b, run), 2);
    store_close(b);
}

static void test_read_only(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    journal(s, run, "a", 1);
    store_close(s);
    s = open_store(STORE_READONLY);
    store_run_t r;
    assert_int_equal(store_run_get(s, run, &r), MIG_OK);
    assert_string_equal(r.plan_name, "p");
    store_run_clear(&r);
    assert_int_equal(store_journal_last(s, run), 1);
    assert_int_equal(store_event(s, run, "x", NULL, NULL, NULL), MIG_EINVALID);
    char msg[200];
    snprintf(msg, sizeof msg, "cannot record an event in '%s': it was opened "
             "read-only", path);
    assert_string_equal(last_diag(s), msg);
    store_close(s);
}

/* A full disk (a page limit standing in for it) fails the write with the
 * path and SQLite's message, and every write after it fails at once. */
static void test_io_error_is_sticky(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(sqlite3_exec(s->db, "PRAGMA max_page_count = 40", NULL,
                                  NULL, NULL), SQLITE_OK);
    char big[4000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    val_t *args = val_cstring(big);
    mig_status_t st = MIG_OK;
    int i;
    for (i = 0; i < 1000 && st == MIG_OK; i++) {
        store_journal_t rec = { .node = "n", .item = "", .action = "a",
                                .kind = STORE_JOURNAL_SELF, .args = args };
        st = store_journal_intent(s, run, &rec);
    }
    assert_int_equal(st, MIG_EIO);
    assert_true(i < 1000);
    char msg[200];
    snprintf(msg, sizeof msg, "cannot journal an intent in '%s': database or "
             "disk is full", path);
    assert_string_equal(last_diag(s), msg);
    assert_string_equal(store_diags(s)->items[store_diags(s)->len - 1].hint,
                        "free some disk space, then see `mig status` (a run "
                        "that fills its disk stops going forward; its `on "
                        "failure` block still runs, on the space mig keeps "
                        "in reserve)");
    size_t n = store_diags(s)->len;
    assert_false(store_pending(s));         /* rolled back */
    assert_int_equal(store_event(s, run, "x", NULL, NULL, NULL), MIG_EIO);
    assert_int_equal(store_flush(s), MIG_EIO);
    assert_int_equal(store_diags(s)->len, n);
    /* Reads still work: nothing of the failed transaction is there. */
    assert_int_equal(store_journal_last(s, run), 0);
    val_unref(args);
    store_close(s);
}

/* A store whose file is deleted or replaced while open fails, for good,
 * at the next transaction it begins or commits, and says which. */
static void test_file_deleted_or_replaced(void **state)
{
    (void)state;
    for (int replace = 0; replace < 2; replace++) {
        store_t *s = open_store(STORE_CREATE);
        int64_t run = new_run(s, "one", 1, "h");
        assert_int_equal(store_event(s, run, "a", NULL, NULL, NULL), MIG_OK);
        assert_int_equal(store_flush(s), MIG_OK);
        char moved[160], wal[160];
        snprintf(moved, sizeof moved, "%s.old", path);
        snprintf(wal, sizeof wal, "%s-wal", path);
        if (replace) {
            /* Between transactions, another store made in its place: found
             * as the next one begins. */
            assert_int_equal(rename(path, moved), 0);
            store_t *other = open_store(STORE_CREATE);
            store_close(other);
            assert_int_equal(store_event(s, run, "b", NULL, NULL, NULL),
                             MIG_EIO);
        } else {
            /* Inside a transaction: found before it commits. */
            assert_int_equal(store_event(s, run, "b", NULL, NULL, NULL),
                             MIG_OK);
            assert_true(store_pending(s));
            assert_int_equal(unlink(path), 0);
            unlink(wal);
            assert_int_equal(store_flush(s), MIG_EIO);
            assert_false(store_pending(s));
        }
        char msg[240];
        if (replace)
            snprintf(msg, sizeof msg, "the state store '%s' was replaced by "
                     "another file while in use: its journal is not there",
                     path);
        else
            snprintf(msg, sizeof msg, "the state store '%s' was deleted "
                     "while in use (No such file or directory): its journal "
                     "is lost", path);
        assert_string_equal(last_diag(s), msg);
        size_t n = store_diags(s)->len;
        assert_int_equal(store_event(s, run, "c", NULL, NULL, NULL), MIG_EIO);
        assert_int_equal(store_lock_heartbeat(s, "/work", 1, 1000), MIG_EIO);
        assert_int_equal(store_flush(s), MIG_EIO);
        assert_int_equal(store_diags(s)->len, n);     /* said once */
        store_close(s);
        unlink(path);
        unlink(moved);
    }
}

/* A store kept in a write transaction by a process that is stopped: a
 * write of another connection fails once the busy timeout has passed,
 * naming the run and process that hold the lock, saying it is stopped
 * and what to do; with no lock held, saying how to find the process. */
static void test_busy_names_the_holder(void **state)
{
    (void)state;
    char me[256] = "";
    assert_int_equal(gethostname(me, sizeof me - 1), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        /* Gone with this test, even if it fails before killing it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        pause();
        _exit(0);
    }
    assert_int_equal(kill(child, SIGSTOP), 0);
    int ws;
    assert_int_equal(waitpid(child, &ws, WUNTRACED), child);
    assert_true(WIFSTOPPED(ws));

    store_t *holder = open_store(STORE_CREATE);
    store_t *other = open_store(0);
    sqlite3_busy_timeout(other->db, 50);        /* not 5s, for the test */
    for (int locked = 0; locked < 2; locked++) {
        int64_t run = new_run(holder, "held", child, me);
        int64_t fence;
        if (locked)
            assert_int_equal(store_lock_acquire(holder, "/work", run, child,
                                                me, 60000, false, NULL,
                                                &fence), MIG_OK);
        /* The holder's transaction stays open (as while its process is
         * stopped between two commits). */
        assert_int_equal(store_event(holder, run, "x", NULL, NULL, NULL),
                         MIG_OK);
        assert_true(store_pending(holder));
        int64_t f2;
        assert_int_equal(store_lock_acquire(other, "/work", run, getpid(),
                                            me, 60000, true, NULL, &f2),
                         MIG_EIO);
        char msg[300], hint[400];
        snprintf(msg, sizeof msg, "cannot take the lock in '%s': database is "
                 "locked", path);
        if (locked)
            snprintf(hint, sizeof hint, "run %" PRId64 "'s process (pid %d on "
                     "%s) is stopped in the middle of a write: continue it "
                     "with `kill -CONT %d`, or end it with `kill %d` and then "
                     "try again", run, (int)child, me, (int)child,
                     (int)child);
        else
            snprintf(hint, sizeof hint, "another process has kept the state "
                     "store in a write transaction for more than 5 seconds, "
                     "and no run holds a lock: find it with `fuser %s` and "
                     "let it end", path);
        assert_string_equal(last_diag(other), msg);
        const char *said = store_diags(other)->items[store_diags(other)->len
                                                     - 1].hint;
        assert_non_null(said);
        assert_string_equal(said, hint);
        assert_int_equal(store_flush(holder), MIG_OK);
        store_close(other);
        other = open_store(0);
        sqlite3_busy_timeout(other->db, 50);
    }
    store_close(other);
    store_close(holder);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, make_dir, remove_dir)
        T(test_locks),
        T(test_fence_stops_writes),
        T(test_liveness),
        T(test_one_process_per_run),
        T(test_run_unchanged),
        T(test_flush_groups_writes),
        T(test_read_only),
        T(test_io_error_is_sticky),
        T(test_file_deleted_or_replaced),
        T(test_busy_names_the_holder),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
