/* test_status_cli.c: `mig status`, `mig history` and `mig log` end to
 * end. A state store is filled through the store API (three runs: one
 * succeeded, one failed, one whose process is gone), its clocks pinned
 * with SQL, and the mig built beside this test is run on it; the test
 * checks the exact output and exit status of each command, as the case
 * runner does (stdout and stderr as they interleave, then "exit: N"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "json_fixture.h"
#include "store.h"

static char dir[64];
static char ws[128];            /* DIR/ws: where the runs ran */
static char state[160];         /* DIR/ws/.mig/state.db */
static char deep[160];          /* DIR/ws/a/b: a store is found above */
static char mig[PATH_MAX + 16];

#define T0 INT64_C(1714564800000)   /* 2024-05-01T12:00:00Z */
#define T1 INT64_C(1714638600000)   /* 2024-05-02T08:30:00Z */
#define T2 INT64_C(1714694400000)   /* 2024-05-03T00:00:00Z */

/* ---- the fixture ------------------------------------------------------- */

static val_t *json(const char *text)
{
    return json_parse(text);
}

static void step(store_t *s, int64_t run, const char *node, const char *item,
                 store_step_state_t st)
{
    store_step_t rec = { .node = node, .item = item, .state = st,
                         .attempts = 1 };
    assert_int_equal(store_step_put(s, run, &rec), MIG_OK);
}

static void checkpoint(store_t *s, int64_t run, const char *name,
                       const char *item, int64_t seq, const char *digest,
                       int64_t at)
{
    store_checkpoint_t cp = { .name = name, .node = "migrate.before",
                              .item = item, .seq = seq, .digest = digest,
                              .at_ms = at };
    assert_int_equal(store_checkpoint_put(s, run, &cp), MIG_OK);
}

static void event(store_t *s, int64_t run, const char *kind, const char *node,
                  const char *item, const char *data)
{
    val_t *d = data ? json(data) : NULL;
    assert_int_equal(store_event(s, run, kind, node, item, d), MIG_OK);
    val_unref(d);
}

static void fill_store(void)
{
    diag_list_t d;
    diag_list_init(&d);
    store_t *s;
    assert_int_equal(store_open(state, STORE_CREATE, &d, &s), MIG_OK);
    val_t *params = json("{\"source\": \"legacy\"}");
    val_t *options = json("{\"durability\": \"grouped\", \"seed\": 7}");
    store_run_t r = { .plan_path = "/plans/alpha.mig", .plan_name = "alpha",
                      .plan_digest = "d-alpha", .params = params,
                      .options = options, .host = "box", .pid = 101,
                      .started_ms = T0 };
    int64_t one, two, three;
    assert_int_equal(store_run_create(s, &r, &one), MIG_OK);
    step(s, one, "discover.found", "", STORE_STEP_DONE);
    step(s, one, "migrate.v2", "0", STORE_STEP_DONE);
    step(s, one, "migrate.v2", "1", STORE_STEP_DONE);
    checkpoint(s, one, "before", "", 0, "0123456789abcdef0123", T0 + 1000);
    assert_int_equal(store_run_finish(s, one, STORE_RUN_SUCCEEDED, NULL),
                     MIG_OK);

    r = (store_run_t){ .plan_path = "/plans/beta.mig", .plan_name = "beta",
                       .plan_digest = "d-beta", .profile = "production",
                       .host = "box", .pid = 202, .started_ms = T1,
                       .parent = one };
    assert_int_equal(store_run_create(s, &r, &two), MIG_OK);
    step(s, two, "a", "", STORE_STEP_DONE);
    step(s, two, "b", "", STORE_STEP_FAILED);
    step(s, two, "c", "", STORE_STEP_SKIPPED);
    assert_int_equal(store_run_finish(s, two, STORE_RUN_FAILED,
                                      "registry.put: conflict"), MIG_OK);

    /* Recorded running, with no lock: its process is gone. */
    r = (store_run_t){ .plan_path = "/plans/alpha.mig", .plan_name = "alpha",
                       .plan_digest = "d-alpha", .host = "box", .pid = 4242,
                       .started_ms = T2 };
    assert_int_equal(store_run_create(s, &r, &three), MIG_OK);
    step(s, three, "migrate.v2", "1", STORE_STEP_DONE);
    step(s, three, "migrate.v2", "0", STORE_STEP_RUNNING);
    checkpoint(s, three, "before", "", 2, "0123456789abcdef0123", T2 + 50);
    checkpoint(s, three, "each", "1", 3, "fedcba9876543210fedc", T2 + 60);
    event(s, three, "run-start", NULL, NULL,
          "{\"plan\": \"alpha\", \"seed\": 7}");
    event(s, three, "stage-start", "migrate", NULL, NULL);
    event(s, three, "step-done", "migrate.v2", "1", "{\"attempts\": 2}");
    event(s, three, "item-failed", "migrate.v2", "0",
          "{\"class\": \"Timeout\", \"message\": \"slow\"}");
    event(s, three, "checkpoint", "migrate.before", "", "{}");
    assert_int_equal(store_flush(s), MIG_OK);
    store_close(s);
    val_unref(params);
    val_unref(options);
    diag_list_free(&d);

    /* Pin the times the store took from its clock. */
    sqlite3 *db;
    char sql[256];
    assert_int_equal(sqlite3_open(state, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "UPDATE runs SET ended_ms = started_ms + "
             "CASE id WHEN 1 THEN 190250 ELSE 1250 END WHERE id < 3; "
             "UPDATE events SET at_ms = %lld + seq * 125", (long long)T2);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static int setup(void **st)
{
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/mig-status-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(ws, sizeof ws, "%s/ws", dir);
    snprintf(state, sizeof state, "%s/.mig/state.db", ws);
    snprintf(deep, sizeof deep, "%s/a", ws);
    if (mkdir(ws, 0777) || mkdir(deep, 0777))
        return -1;
    snprintf(deep, sizeof deep, "%s/a/b", ws);
    if (mkdir(deep, 0777))
        return -1;
    fill_store();
    /* The mig of this build: BUILD/cli/mig beside BUILD/tests/. */
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    *strrchr(self, '/') = '\0';
    snprintf(mig, sizeof mig, "%s/../cli/mig", self);
    if (access(mig, X_OK) != 0) {
        fprintf(stderr, "test_status_cli: no mig at %s: build it first\n",
                mig);
        return -1;
    }
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- running mig ------------------------------------------------------- */

/* Runs mig with ARGS (NULL-ended) in CWD; returns its stdout and stderr
 * as they interleave, then "exit: N\n" (to free). */
static char *run_mig(const char *cwd, const char *const *args)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char *argv[16] = { mig };
        for (int i = 0; args[i] && i < 14; i++)
            argv[i + 1] = (char *)args[i];
        dup2(fd[1], 1);
        dup2(fd[1], 2);
        close(fd[0]);
        close(fd[1]);
        setenv("NO_COLOR", "1", 1);
        if (chdir(cwd) == 0)
            execv(mig, argv);
        _exit(127);
    }
    close(fd[1]);
    strbuf_t b;
    strbuf_init(&b);
    char buf[4096];
    ssize_t n;
    while ((n = read(fd[0], buf, sizeof buf)) > 0)
        strbuf_put(&b, buf, (size_t)n);
    close(fd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    strbuf_printf(&b, "exit: %d\n", WEXITSTATUS(status));
    assert_false(b.oom);
    return b.data;
}

#define MIG(cwd, ...) run_mig(cwd, (const char *const[]){ __VA_ARGS__, NULL })

static void expect(char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        fprintf(stderr, "--- expected\n%s--- got\n%s", want, got);
    assert_string_equal(got, want);
    free(got);
}

/* ---- mig status -------------------------------------------------------- */

static void test_status_newest_found_above(void **st)
{
    (void)st;
    expect(MIG(deep, "status"),
           "run 3 of \"alpha\"\n"
           "  plan        /plans/alpha.mig\n"
           "  state       interrupted\n"
           "  profile     none\n"
           "  host        box, pid 4242\n"
           "  started     2024-05-03T00:00:00Z\n"
           "  ended       -\n"
           "  duration    -\n"
           "  steps       1 done, 1 unfinished\n"
           "  checkpoint  before: journal 2, digest 0123456789ab\n"
           "  checkpoint  each [item 1]: journal 3, digest fedcba987654\n"
           "interrupted: resume with `mig resume 3` or undo with "
           "`mig rollback 3`\n"
           "exit: 0\n");
}

static void test_status_of_a_run(void **st)
{
    (void)st;
    expect(MIG(dir, "status", "--state", state, "2"),
           "run 2 of \"beta\"\n"
           "  plan        /plans/beta.mig\n"
           "  state       failed\n"
           "  profile     production\n"
           "  host        box, pid 202\n"
           "  started     2024-05-02T08:30:00Z\n"
           "  ended       2024-05-02T08:30:01Z\n"
           "  duration    1s250ms\n"
           "  steps       1 done, 1 failed, 1 skipped\n"
           "  parent      run 1\n"
           "  error       registry.put: conflict\n"
           "exit: 0\n");
    expect(MIG(ws, "status", "1"),
           "run 1 of \"alpha\"\n"
           "  plan        /plans/alpha.mig\n"
           "  state       succeeded\n"
           "  profile     none\n"
           "  host        box, pid 101\n"
           "  started     2024-05-01T12:00:00Z\n"
           "  ended       2024-05-01T12:03:10Z\n"
           "  duration    3m10s\n"
           "  steps       3 done\n"
           "  checkpoint  before: journal 0, digest 0123456789ab\n"
           "exit: 0\n");
}

static void test_status_json(void **st)
{
    (void)st;
    expect(MIG(ws, "status", "--json", "last"),
           "{\n"
           "  \"id\": 3,\n"
           "  \"plan\": \"alpha\",\n"
           "  \"plan_path\": \"/plans/alpha.mig\",\n"
           "  \"plan_digest\": \"d-alpha\",\n"
           "  \"state\": \"interrupted\",\n"
           "  \"recorded_state\": \"running\",\n"
           "  \"profile\": null,\n"
           "  \"params\": null,\n"
           "  \"options\": null,\n"
           "  \"host\": \"box\",\n"
           "  \"pid\": 4242,\n"
           "  \"started\": \"2024-05-03T00:00:00.000Z\",\n"
           "  \"ended\": null,\n"
           "  \"duration_ms\": null,\n"
           "  \"parent\": null,\n"
           "  \"steps\": {\n"
           "    \"running\": 1,\n"
           "    \"done\": 1,\n"
           "    \"failed\": 0,\n"
           "    \"skipped\": 0\n"
           "  },\n"
           "  \"checkpoints\": [\n"
           "    {\n"
           "      \"name\": \"before\",\n"
           "      \"node\": \"migrate.before\",\n"
           "      \"item\": \"\",\n"
           "      \"seq\": 2,\n"
           "      \"digest\": \"0123456789abcdef0123\",\n"
           "      \"at\": \"2024-05-03T00:00:00.050Z\"\n"
           "    },\n"
           "    {\n"
           "      \"name\": \"each\",\n"
           "      \"node\": \"migrate.before\",\n"
           "      \"item\": \"1\",\n"
           "      \"seq\": 3,\n"
           "      \"digest\": \"fedcba9876543210fedc\",\n"
           "      \"at\": \"2024-05-03T00:00:00.060Z\"\n"
           "    }\n"
           "  ],\n"
           "  \"error\": null\n"
           "}\n"
           "exit: 0\n");
    char *got = MIG(ws, "status", "-j", "1");
    assert_non_null(strstr(got, "  \"params\": {\n    \"source\": \"legacy\"\n"
                           "  },\n  \"options\": {\n    \"durability\": "
                           "\"grouped\",\n    \"seed\": 7\n  },\n"));
    assert_non_null(strstr(got, "  \"ended\": \"2024-05-01T12:03:10.250Z\",\n"
                           "  \"duration_ms\": 190250,\n"));
    free(got);
}

/* ---- mig history ------------------------------------------------------- */

static void test_history(void **st)
{
    (void)st;
    expect(MIG(deep, "history"),
           "RUN  STATE        PLAN   STARTED               DURATION  STEPS\n"
           "  3  interrupted  alpha  2024-05-03T00:00:00Z  -         "
           "1 done, 1 unfinished\n"
           "  2  failed       beta   2024-05-02T08:30:00Z  1s250ms   "
           "1 done, 1 failed, 1 skipped\n"
           "  1  succeeded    alpha  2024-05-01T12:00:00Z  3m10s     "
           "3 done\n"
           "exit: 0\n");
    expect(MIG(ws, "history", "--limit", "1", "--json"),
           "[\n"
           "  {\n"
           "    \"id\": 3,\n"
           "    \"plan\": \"alpha\",\n"
           "    \"plan_path\": \"/plans/alpha.mig\",\n"
           "    \"state\": \"interrupted\",\n"
           "    \"recorded_state\": \"running\",\n"
           "    \"profile\": null,\n"
           "    \"host\": \"box\",\n"
           "    \"pid\": 4242,\n"
           "    \"started\": \"2024-05-03T00:00:00.000Z\",\n"
           "    \"ended\": null,\n"
           "    \"duration_ms\": null,\n"
           "    \"parent\": null,\n"
           "    \"steps\": {\n"
           "      \"running\": 1,\n"
           "      \"done\": 1,\n"
           "      \"failed\": 0,\n"
           "      \"skipped\": 0\n"
           "    },\n"
           "    \"error\": null\n"
           "  }\n"
           "]\n"
           "exit: 0\n");
}

/* ---- mig log ----------------------------------------------------------- */

static void test_log(void **st)
{
    (void)st;
    expect(MIG(ws, "log", "3"),
           "2024-05-03T00:00:00.125Z  run-start     {\"plan\":\"alpha\","
           "\"seed\":7}\n"
           "2024-05-03T00:00:00.250Z  stage-start   migrate\n"
           "2024-05-03T00:00:00.375Z  step-done     migrate.v2[1]  "
           "{\"attempts\":2}\n"
           "2024-05-03T00:00:00.500Z  item-failed   migrate.v2[0]  "
           "{\"class\":\"Timeout\",\"message\":\"slow\"}\n"
           "2024-05-03T00:00:00.625Z  checkpoint    migrate.before\n"
           "exit: 0\n");
    expect(MIG(ws, "log", "--json", "last"),
           "{\"seq\":1,\"at\":\"2024-05-03T00:00:00.125Z\",\"kind\":"
           "\"run-start\",\"node\":null,\"item\":null,\"data\":{\"plan\":"
           "\"alpha\",\"seed\":7}}\n"
           "{\"seq\":2,\"at\":\"2024-05-03T00:00:00.250Z\",\"kind\":"
           "\"stage-start\",\"node\":\"migrate\",\"item\":null,\"data\":null}\n"
           "{\"seq\":3,\"at\":\"2024-05-03T00:00:00.375Z\",\"kind\":"
           "\"step-done\",\"node\":\"migrate.v2\",\"item\":\"1\",\"data\":"
           "{\"attempts\":2}}\n"
           "{\"seq\":4,\"at\":\"2024-05-03T00:00:00.500Z\",\"kind\":"
           "\"item-failed\",\"node\":\"migrate.v2\",\"item\":\"0\",\"data\":"
           "{\"class\":\"Timeout\",\"message\":\"slow\"}}\n"
           "{\"seq\":5,\"at\":\"2024-05-03T00:00:00.625Z\",\"kind\":"
           "\"checkpoint\",\"node\":\"migrate.before\",\"item\":\"\","
           "\"data\":{}}\n"
           "exit: 0\n");
    expect(MIG(ws, "log", "1"), "exit: 0\n");     /* no events: nothing */
}

/* ---- errors ------------------------------------------------------------ */

static void test_errors(void **st)
{
    (void)st;
    char want[1024];
    snprintf(want, sizeof want,
             "mig: error: no state store here: no .mig/state.db in %s or any "
             "directory above it\n"
             "hint: run the command where the plan ran, or pass --state PATH\n"
             "exit: 8\n", dir);
    expect(MIG(dir, "status"), want);
    expect(MIG(dir, "history", "-j"), want);
    snprintf(want, sizeof want, "mig: error: no run 9 in '%s'\n"
             "hint: `mig history` lists the runs\nexit: 2\n", state);
    expect(MIG(deep, "status", "9"), want);
    expect(MIG(deep, "log", "9"), want);
    expect(MIG(ws, "status", "3x"),
           "mig: error: RUN is a run id (1, 2, ...) or 'last', not '3x'\n"
           "hint: `mig history` lists the runs\nexit: 2\n");
    expect(MIG(ws, "log"),
           "mig log: missing RUN\nusage: mig log [OPTIONS] RUN\n"
           "Run 'mig help log' for more.\nexit: 2\n");
    expect(MIG(ws, "history", "--limit", "some"),
           "mig: error: --limit takes a number of runs (0 for all), not "
           "'some'\nexit: 2\n");
    char notes[160];
    snprintf(notes, sizeof notes, "%s/notes.txt", dir);
    FILE *f = fopen(notes, "w");
    assert_non_null(f);
    fputs("not a store\n", f);
    fclose(f);
    snprintf(want, sizeof want, "mig: error: '%s' is not a mig state store: "
             "it is not an SQLite database\nhint: pass --state with the path "
             "of a state store (.mig/state.db)\nexit: 8\n", notes);
    expect(MIG(ws, "status", "--state", notes), want);
    snprintf(want, sizeof want, "mig: error: no state store at '%s/none.db': "
             "there are no runs here yet\nhint: run a plan first, or pass "
             "--state with the path of a state store\nexit: 8\n", dir);
    char none[160];
    snprintf(none, sizeof none, "%s/none.db", dir);
    expect(MIG(ws, "history", "--state", none), want);
}

static void test_empty_store(void **st)
{
    (void)st;
    char empty[160];
    snprintf(empty, sizeof empty, "%s/empty.db", dir);
    diag_list_t d;
    diag_list_init(&d);
    store_t *s;
    assert_int_equal(store_open(empty, STORE_CREATE, &d, &s), MIG_OK);
    store_close(s);
    diag_list_free(&d);
    expect(MIG(ws, "history", "--state", empty), "no runs yet\nexit: 0\n");
    expect(MIG(ws, "history", "--state", empty, "--json"), "[]\nexit: 0\n");
    expect(MIG(ws, "status", "--state", empty),
           "mig: error: there are no runs in this state store yet\n"
           "hint: 'mig run PLAN' starts one\nexit: 2\n");
}

/* A damaged store is said to be damaged, with what to do, by every
 * command that reads it, and exits 8; never "no runs yet". */
static void test_damaged_store(void **st)
{
    (void)st;
    char bad[160], cmd[400];
    snprintf(bad, sizeof bad, "%s/damaged.db", dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", state, bad);
    assert_int_equal(system(cmd), 0);
    /* Every byte past the first page garbled: the schema's own pages
     * too (it no longer fits in the first), so each command finds the
     * damage as it opens the store. */
    FILE *f = fopen(bad, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size > 8192);
    assert_int_equal(fseek(f, 4096, SEEK_SET), 0);
    for (long i = 4096; i < size; i++)
        fputc(0x5a, f);
    fclose(f);
    static const char hint[] = "hint: copy the file aside before anything "
        "else touches it; `sqlite3 FILE .recover` may save what can still "
        "be read. To start afresh, move it away (its runs can then no longer "
        "be resumed or rolled back)\nexit: 8\n";
    static const struct { const char *cmd, *run, *what; } cases[] = {
        { "status", NULL, "read the store" },
        { "status", "1", "read the store" },
        { "history", NULL, "read the store" },
        { "log", "last", "read the store" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[1024];
        snprintf(want, sizeof want, "mig: error: the state store '%s' is "
                 "damaged: cannot %s (database disk image is malformed)\n%s",
                 bad, cases[i].what, hint);
        expect(cases[i].run ? MIG(ws, cases[i].cmd, "--state", bad,
                                  cases[i].run)
                            : MIG(ws, cases[i].cmd, "--state", bad), want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_newest_found_above),
        cmocka_unit_test(test_status_of_a_run),
        cmocka_unit_test(test_status_json),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_log),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_empty_store),
        cmocka_unit_test(test_damaged_store),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
