/* test_store.c: the state store (runtime/store*.c) against its contract
 * in store.h: opening, the schema version and what is refused, runs,
 * steps, the journal, checkpoints, events, counters, locks and their
 * values through JSON (locks, liveness and durability are in
 * test_store_locks.c). Each test works in a directory of its own. */
#include "store_fixture.h"

/* ---- opening and the schema -------------------------------------------- */

static void test_create_open_reopen(void **state)
{
    (void)state;
    char missing[160];
    snprintf(missing, sizeof missing, "%s/nowhere/state.db", dir);
    char msg[256];
    snprintf(msg, sizeof msg, "no state store at '%s': there are no runs "
             "here yet", missing);
    open_fails(missing, 0, MIG_EIO, msg);
    open_fails(missing, STORE_READONLY, MIG_EIO, msg);

    store_t *s = open_store(STORE_CREATE);     /* makes DIR/.mig too */
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    assert_false(store_pending(s));
    assert_int_equal(store_run_last(s), 0);
    int64_t id = new_run(s, "first", 1, "h");
    store_close(s);

    s = open_store(0);
    assert_int_equal(store_run_last(s), id);
    store_close(s);
    s = open_store(STORE_CREATE);              /* CREATE on an existing one */
    assert_int_equal(store_run_last(s), id);
    store_close(s);

    /* The meta table says what made it. */
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT value FROM meta "
                     "WHERE key = 'schema_version'), (SELECT value FROM meta "
                     "WHERE key = 'mig_version'), (SELECT value FROM meta "
                     "WHERE key = 'created_at'), (SELECT user_version FROM "
                     "pragma_user_version), (SELECT journal_mode FROM "
                     "pragma_journal_mode)", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    char version[16];
    snprintf(version, sizeof version, "%d", STORE_SCHEMA_VERSION);
    assert_string_equal(sqlite3_column_text(q, 0), version);
    assert_true(strlen((const char *)sqlite3_column_text(q, 1)) > 0);
    assert_int_equal(strlen((const char *)sqlite3_column_text(q, 2)), 20);
    assert_int_equal(sqlite3_column_int(q, 3), STORE_SCHEMA_VERSION);
    assert_string_equal(sqlite3_column_text(q, 4), "wal");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void test_newer_schema_refused(void **state)
{
    (void)state;
    store_close(open_store(STORE_CREATE));
    char pragma[64], msg[256];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d",
             STORE_SCHEMA_VERSION + 1);
    sql(path, pragma);
    snprintf(msg, sizeof msg, "'%s' was written by a newer mig (state schema "
             "%d; this mig reads up to %d)", path, STORE_SCHEMA_VERSION + 1,
             STORE_SCHEMA_VERSION);
    open_fails(path, 0, MIG_EINVALID, msg);
    open_fails(path, STORE_READONLY, MIG_EINVALID, msg);
    open_fails(path, STORE_CREATE, MIG_EINVALID, msg);
}

static void test_foreign_files_refused(void **state)
{
    (void)state;
    char p[160], msg[320];
    snprintf(p, sizeof p, "%s/notes.txt", dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("these are not the tables you are looking for\n", f);
    fclose(f);
    snprintf(msg, sizeof msg, "'%s' is not a mig state store: it is not an "
             "SQLite database", p);
    open_fails(p, 0, MIG_EINVALID, msg);
    open_fails(p, STORE_CREATE, MIG_EINVALID, msg);

    snprintf(p, sizeof p, "%s/other.db", dir);
    sql(p, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
    snprintf(msg, sizeof msg, "'%s' is not a mig state store: it is an SQLite "
             "database with other tables and no mig 'meta' table", p);
    open_fails(p, STORE_CREATE, MIG_EINVALID, msg);
    open_fails(p, STORE_READONLY, MIG_EINVALID, msg);
}

/* ---- runs -------------------------------------------------------------- */

static void test_runs(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    val_t *params = json("{\"source\": \"legacy\", \"n\": 8}");
    store_run_t r = { .plan_path = "/plans/a.mig", .plan_name = "alpha",
                      .plan_digest = "d1", .profile = "production",
                      .params = params, .host = "box", .pid = 42,
                      .started_ms = 5000 };
    int64_t a = 0, b = 0;
    assert_int_equal(store_run_create(s, &r, &a), MIG_OK);
    r = (store_run_t){ .plan_path = "/plans/b.mig", .plan_name = "beta",
                       .plan_digest = "d2", .host = "box", .pid = 43,
                       .parent = a };
    assert_int_equal(store_run_create(s, &r, &b), MIG_OK);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    assert_int_equal(store_run_last(s), 2);

    store_run_t got;
    assert_int_equal(store_run_get(s, a, &got), MIG_OK);
    assert_string_equal(got.plan_path, "/plans/a.mig");
    assert_string_equal(got.plan_name, "alpha");
    assert_string_equal(got.plan_digest, "d1");
    assert_string_equal(got.profile, "production");
    assert_true(val_equal(got.params, params));
    assert_null(got.options);
    assert_int_equal(got.state, STORE_RUN_RUNNING);
    assert_null(got.error);
    assert_string_equal(got.host, "box");
    assert_int_equal(got.pid, 42);
    assert_int_equal(got.started_ms, 5000);
    assert_int_equal(got.ended_ms, 0);
    assert_int_equal(got.parent, 0);
    store_run_clear(&got);
    assert_int_equal(store_run_get(s, b, &got), MIG_OK);
    assert_null(got.profile);
    assert_int_equal(got.parent, a);
    assert_true(got.started_ms > 5000);     /* 0 given: now */
    store_run_clear(&got);

    assert_int_equal(store_run_finish(s, a, STORE_RUN_FAILED, "it broke"),
                     MIG_OK);
    assert_int_equal(store_run_get(s, a, &got), MIG_OK);
    assert_int_equal(got.state, STORE_RUN_FAILED);
    assert_string_equal(got.error, "it broke");
    assert_true(got.ended_ms >= got.started_ms);
    store_run_clear(&got);
    assert_int_equal(store_run_reopen(s, a, 99, "other"), MIG_OK);
    assert_int_equal(store_run_get(s, a, &got), MIG_OK);
    assert_int_equal(got.state, STORE_RUN_RUNNING);
    assert_null(got.error);
    assert_int_equal(got.ended_ms, 0);
    assert_int_equal(got.pid, 99);
    assert_string_equal(got.host, "other");
    store_run_clear(&got);

    store_run_t *list;
    size_t n;
    assert_int_equal(store_run_list(s, 0, &list, &n), MIG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].plan_name, "beta");     /* newest first */
    assert_string_equal(list[1].plan_name, "alpha");
    store_runs_free(list, n);
    assert_int_equal(store_run_list(s, 1, &list, &n), MIG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, b);
    store_runs_free(list, n);

    char msg[200];
    assert_int_equal(store_run_get(s, 9, &got), MIG_EINVALID);
    snprintf(msg, sizeof msg, "no run 9 in '%s'", path);
    assert_string_equal(last_diag(s), msg);
    assert_int_equal(store_run_finish(s, 9, STORE_RUN_SUCCEEDED, NULL),
                     MIG_EINVALID);
    assert_string_equal(last_diag(s), "no run 9");
    /* Not a failure of the store: it goes on. */
    assert_int_equal(store_run_finish(s, b, STORE_RUN_SUCCEEDED, NULL),
                     MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    val_unref(params);
    store_close(s);

    assert_string_equal(store_run_state_name(STORE_RUN_ROLLBACK_FAILED),
                        "rollback-failed");
    assert_string_equal(store_step_state_name(STORE_STEP_SKIPPED), "skipped");
    assert_string_equal(store_journal_kind_name(STORE_JOURNAL_NONE),
                        "irreversible");
    assert_string_equal(store_journal_state_name(STORE_JOURNAL_FORCED),
                        "forced");
}

/* ---- steps ------------------------------------------------------------- */

static bool see_step(void *data, const store_step_t *st)
{
    seen_t *w = data;
    strbuf_t b;
    strbuf_init(&b);
    if (st->result)
        val_to_json(st->result, &b, 0);
    seen_add(w, "%s[%s]=%s/%u/%s/%s/%s/%" PRId64 "-%" PRId64 " ", st->node,
             st->item, store_step_state_name(st->state), st->attempts,
             b.data ? b.data : "-", st->error_class ? st->error_class : "-",
             st->error ? st->error : "-", st->started_ms, st->ended_ms);
    strbuf_free(&b);
    return w->n != w->stop_after;
}

static void test_steps(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    int64_t other = new_run(s, "q", 1, "h");
    val_t *res = json("{\"ok\": true}");
    store_step_t st = { .node = "migrate.v2", .item = "0",
                        .state = STORE_STEP_RUNNING, .attempts = 1,
                        .started_ms = 10 };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    st = (store_step_t){ .node = "discover.found", .item = "",
                         .state = STORE_STEP_DONE, .attempts = 1,
                         .result = res, .started_ms = 5, .ended_ms = 6 };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    st = (store_step_t){ .node = "migrate.v2", .item = "1",
                         .state = STORE_STEP_SKIPPED, .attempts = 2,
                         .error_class = "ParamMismatch", .error = "bad",
                         .started_ms = 11, .ended_ms = 12 };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    st = (store_step_t){ .node = "x", .item = NULL, .state = STORE_STEP_DONE };
    assert_int_equal(store_step_put(s, other, &st), MIG_OK);
    /* Replaced in place: the order is the first put's; a zero start keeps
     * the one recorded. */
    st = (store_step_t){ .node = "migrate.v2", .item = "0",
                         .state = STORE_STEP_FAILED, .attempts = 3,
                         .error_class = "Timeout", .error = "slow",
                         .ended_ms = 20 };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);

    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_step_each(s, run, see_step, &w), MIG_OK);
    assert_string_equal(w.text,
                        "migrate.v2[0]=failed/3/-/Timeout/slow/10-20 "
                        "discover.found[]=done/1/{\"ok\":true}/-/-/5-6 "
                        "migrate.v2[1]=skipped/2/-/ParamMismatch/bad/11-12 ");
    w = (seen_t){ .stop_after = 1 };
    assert_int_equal(store_step_each(s, run, see_step, &w), MIG_OK);
    assert_int_equal(w.n, 1);
    w = (seen_t){ .stop_after = -1 };
    assert_int_equal(store_step_each(s, other, see_step, &w), MIG_OK);
    assert_string_equal(w.text, "x[]=done/0/-/-/-/0-0 ");

    /* A step of a run that does not exist: refused, the store goes on. */
    st = (store_step_t){ .node = "x", .item = "", .state = STORE_STEP_DONE };
    assert_int_equal(store_step_put(s, 77, &st), MIG_EINVALID);
    char msg[200];
    snprintf(msg, sizeof msg, "cannot record a step in '%s': FOREIGN KEY "
             "constraint failed", path);
    assert_string_equal(last_diag(s), msg);
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    val_unref(res);
    store_close(s);
}

/* ---- the journal ------------------------------------------------------- */

static bool see_journal(void *data, const store_journal_t *rec)
{
    seen_t *w = data;
    seen_add(w, "%" PRId64 ":%s[%s]:%s:%s:%s ", rec->seq, rec->node, rec->item,
             rec->action, store_journal_kind_name(rec->kind),
             store_journal_state_name(rec->state));
    return w->n != w->stop_after;
}

/* Marks each record undone while walking, and walks again inside. */
static bool undo_each(void *data, const store_journal_t *rec)
{
    seen_t *w = data;
    seen_t inner = { .stop_after = -1 };
    assert_int_equal(store_journal_each(w->s, w->run, rec->seq - 1, 0,
                                        see_journal, &inner), MIG_OK);
    assert_int_equal(store_journal_set(w->s, w->run, rec->seq,
                                       STORE_JOURNAL_UNDONE), MIG_OK);
    seen_add(w, "%" PRId64 "(%d) ", rec->seq, inner.n);
    return true;
}

static void test_journal(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    int64_t other = new_run(s, "q", 1, "h");
    journal(s, run, "a", 1);
    journal(s, run, "b", 2);
    journal(s, other, "x", 1);              /* positions are per run */
    journal(s, run, "c", 3);
    store_journal_t none = { .node = "d", .item = "2", .action = "exec.run",
                             .kind = STORE_JOURNAL_NONE };
    assert_int_equal(store_journal_intent(s, run, &none), MIG_OK);
    assert_int_equal(none.seq, 4);
    assert_int_equal(store_journal_set(s, run, 2, STORE_JOURNAL_DONE), MIG_OK);
    assert_int_equal(store_journal_set(s, run, 4, STORE_JOURNAL_FAILED),
                     MIG_OK);
    assert_int_equal(store_journal_last(s, run), 4);
    assert_int_equal(store_journal_last(s, other), 1);
    assert_int_equal(store_journal_last(s, 55), 0);

    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_journal_each(s, run, 0, 0, see_journal, &w),
                     MIG_OK);
    assert_string_equal(w.text, "1:a[]:file.write:self:intent "
                        "2:b[]:file.write:self:done "
                        "3:c[]:file.write:self:intent "
                        "4:d[2]:exec.run:irreversible:failed ");
    w = (seen_t){ .stop_after = -1 };
    assert_int_equal(store_journal_each(s, run, 2, 0, see_journal, &w),
                     MIG_OK);
    assert_string_equal(w.text, "3:c[]:file.write:self:intent "
                        "4:d[2]:exec.run:irreversible:failed ");
    w = (seen_t){ .stop_after = -1 };
    assert_int_equal(store_journal_each(s, run, 1, STORE_EACH_REVERSE,
                                        see_journal, &w),
                     MIG_OK);
    assert_string_equal(w.text, "4:d[2]:exec.run:irreversible:failed "
                        "3:c[]:file.write:self:intent "
                        "2:b[]:file.write:self:done ");
    w = (seen_t){ .stop_after = 2 };
    assert_int_equal(store_journal_each(s, run, 0, STORE_EACH_REVERSE,
                                        see_journal, &w),
                     MIG_OK);
    assert_int_equal(w.n, 2);

    /* A callback may write and walk the journal again. */
    w = (seen_t){ .stop_after = -1, .s = s, .run = run };
    assert_int_equal(store_journal_each(s, run, 0, STORE_EACH_REVERSE,
                                        undo_each, &w),
                     MIG_OK);
    assert_string_equal(w.text, "4(1) 3(2) 2(3) 1(4) ");
    w = (seen_t){ .stop_after = -1 };
    assert_int_equal(store_journal_each(s, run, 3, 0, see_journal, &w),
                     MIG_OK);
    assert_string_equal(w.text, "4:d[2]:exec.run:irreversible:undone ");

    assert_int_equal(store_journal_set(s, run, 9, STORE_JOURNAL_DONE),
                     MIG_EINVALID);
    assert_string_equal(last_diag(s), "run 1 has no journal record 9");
    assert_int_equal(store_flush(s), MIG_OK);
    store_close(s);
}

/* What store_journal_each reads of a record's outcome, as JSON. */
static bool see_outcome(void *data, const store_journal_t *rec)
{
    seen_t *w = data;
    strbuf_t b;
    strbuf_init(&b);
    if (rec->outcome)
        val_to_json(rec->outcome, &b, 0);
    seen_add(w, "%" PRId64 ":%s ", rec->seq, rec->outcome ? b.data : "-");
    strbuf_free(&b);
    return true;
}

/* An effect's outcome (what its undo needs, store_journal_outcome) is
 * kept with its record, read back with the undo, and missing where none
 * was written; a record that is not there is refused. */
static void test_journal_outcome(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    journal(s, run, "a", 1);
    journal(s, run, "b", 2);
    val_t *o = json("{\"etag\": \"\\\"7\\\"\", \"url\": \"http://h/r/1\"}");
    store_defer(s, true);           /* written at once all the same */
    assert_int_equal(store_journal_set(s, run, 2, STORE_JOURNAL_DONE), MIG_OK);
    assert_int_equal(store_journal_outcome(s, run, 2, o), MIG_OK);
    store_defer(s, false);
    assert_int_equal(store_flush(s), MIG_OK);
    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_journal_each(s, run, 0, 0, see_outcome, &w),
                     MIG_OK);
    assert_string_equal(w.text, "1:- 2:{\"etag\":\"\\\"7\\\"\","
                                "\"url\":\"http://h/r/1\"} ");
    w = (seen_t){ .stop_after = -1 };
    assert_int_equal(store_journal_each(s, run, 0, STORE_EACH_NO_UNDO,
                                        see_outcome, &w), MIG_OK);
    assert_string_equal(w.text, "1:- 2:- ");
    assert_int_equal(store_journal_outcome(s, run, 3, o), MIG_EINVALID);
    assert_string_equal(last_diag(s), "run 1 has no journal record 3");
    val_unref(o);
    store_close(s);
}

/* Which values store_journal_each gave a record: a letter each (args,
 * undo, resources, after, outcome), '-' for one left NULL. */
static bool see_values(void *data, const store_journal_t *rec)
{
    seen_t *w = data;
    seen_add(w, "%c%c%c%c%c ", rec->args ? 'a' : '-', rec->undo ? 'u' : '-',
             rec->resources ? 'r' : '-', rec->after ? 'f' : '-',
             rec->outcome ? 'o' : '-');
    return true;
}

/* store_journal_each gives the values its flags ask for, each whole, and
 * NULL for those they leave out (STORE_JOURNAL_READ, which does not read
 * them), forward and newest first alike. */
static void test_journal_each_values(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    val_t *args = json("{\"path\": \"a.txt\"}");
    val_t *undo = json("{\"path\": \"a.txt\", \"before\": null}");
    val_t *res = json("{\"a.txt\": \"absent\"}");
    val_t *after = json("{\"a.txt\": \"dir\"}");
    val_t *out = json("{\"etag\": \"7\"}");
    store_journal_t rec = { .node = "w", .item = "", .action = "file.write",
                            .kind = STORE_JOURNAL_SELF, .args = args,
                            .undo = undo, .resources = res };
    assert_int_equal(store_journal_intent(s, run, &rec), MIG_OK);
    assert_int_equal(store_journal_after(s, run, rec.seq, after), MIG_OK);
    assert_int_equal(store_journal_outcome(s, run, rec.seq, out), MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    static const struct {
        unsigned flags;
        const char *want;
    } cases[] = {
        { 0, "aurfo " },
        { STORE_EACH_REVERSE, "aurfo " },
        { STORE_EACH_NO_ARGS, "-urfo " },
        { STORE_EACH_NO_VALUES, "----- " },
        { STORE_EACH_NO_VALUES | STORE_EACH_REVERSE, "----- " },
        { STORE_EACH_NO_UNDO, "a-rf- " },
        { STORE_EACH_NO_RESOURCES, "au-fo " },
        { STORE_EACH_NO_AFTER, "aur-o " },
        /* What a rollback's two passes read (rollback.c). */
        { STORE_EACH_REVERSE | STORE_EACH_NO_ARGS | STORE_EACH_NO_UNDO,
          "--rf- " },
        { STORE_EACH_REVERSE | STORE_EACH_NO_ARGS | STORE_EACH_NO_RESOURCES
          | STORE_EACH_NO_AFTER, "-u--o " },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        seen_t w = { .stop_after = -1 };
        assert_int_equal(store_journal_each(s, run, 0, cases[i].flags,
                                            see_values, &w), MIG_OK);
        assert_string_equal(w.text, cases[i].want);
    }
    /* The values read are the ones written. */
    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_journal_each(s, run, 0, 0, see_outcome, &w),
                     MIG_OK);
    assert_string_equal(w.text, "1:{\"etag\":\"7\"} ");
    val_unref(args);
    val_unref(undo);
    val_unref(res);
    val_unref(after);
    val_unref(out);
    store_close(s);
}

/* ---- checkpoints ------------------------------------------------------- */

static bool see_checkpoint(void *data, const store_checkpoint_t *cp)
{
    seen_t *w = data;
    seen_add(w, "%s[%s]@%" PRId64 ":%s:%zu ", cp->name, cp->item, cp->seq,
             cp->digest, cp->resources ? val_len(cp->resources) : 0);
    return true;
}

static void checkpoint(store_t *s, int64_t run, const char *name,
                       const char *item, int64_t seq, const char *digest)
{
    val_t *res = json("{\"a.txt\": \"file:0011\", \"b\": \"absent\"}");
    store_checkpoint_t cp = { .name = name, .node = "migrate.cp", .item = item,
                              .seq = seq, .digest = digest, .resources = res,
                              .at_ms = 100 + seq };
    assert_int_equal(store_checkpoint_put(s, run, &cp), MIG_OK);
    val_unref(res);
}

static void test_checkpoints(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    checkpoint(s, run, "before", "", 1, "d1");
    checkpoint(s, run, "each", "0", 2, "d2");
    checkpoint(s, run, "each", "1", 3, "d3");
    checkpoint(s, run, "before", "", 4, "d4");     /* the latest wins */

    store_checkpoint_t cp = { 0 };
    assert_int_equal(store_checkpoint_get(s, run, "before", &cp), MIG_OK);
    assert_int_equal(cp.seq, 4);
    assert_string_equal(cp.digest, "d4");
    assert_string_equal(cp.name, "before");
    assert_string_equal(cp.node, "migrate.cp");
    assert_string_equal(cp.item, "");
    assert_int_equal(cp.at_ms, 104);
    assert_json(cp.resources, "{\"a.txt\":\"file:0011\",\"b\":\"absent\"}");
    /* The item's own first; else the latest of any item. */
    cp = (store_checkpoint_t){ .item = "0" };
    assert_int_equal(store_checkpoint_get(s, run, "each", &cp), MIG_OK);
    assert_int_equal(cp.seq, 2);
    cp = (store_checkpoint_t){ .item = "7" };
    assert_int_equal(store_checkpoint_get(s, run, "each", &cp), MIG_OK);
    assert_int_equal(cp.seq, 3);
    cp = (store_checkpoint_t){ 0 };
    assert_int_equal(store_checkpoint_get(s, run, "each", &cp), MIG_OK);
    assert_string_equal(cp.item, "1");
    assert_int_equal(store_checkpoint_get(s, run, "nope", &cp), MIG_EINVALID);
    assert_string_equal(last_diag(s), "run 1 has no checkpoint 'nope'");

    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_checkpoint_each(s, run, see_checkpoint, &w),
                     MIG_OK);
    assert_string_equal(w.text, "before[]@1:d1:2 each[0]@2:d2:2 "
                        "each[1]@3:d3:2 before[]@4:d4:2 ");
    store_close(s);
}

/* ---- events and counters ----------------------------------------------- */

static void test_events_and_counters(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    int64_t before = store_now_ms();
    val_t *d = json("{\"plan\": \"p\", \"seed\": 7}");
    assert_int_equal(store_event(s, run, "run-start", NULL, NULL, d), MIG_OK);
    assert_int_equal(store_event(s, run, "step-done", "migrate.v2", "3", NULL),
                     MIG_OK);
    assert_int_equal(store_event(s, run, "stage-done", "migrate", NULL, NULL),
                     MIG_OK);
    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_event_each(s, run, see_event, &w), MIG_OK);
    assert_string_equal(w.text, "1:run-start:NULL:NULL:{\"plan\":\"p\","
                        "\"seed\":7} 2:step-done:migrate.v2:3:NULL "
                        "3:stage-done:migrate:NULL:NULL ");
    val_unref(d);
    assert_true(before > 1600000000000);       /* Unix milliseconds */

    int64_t v = -1;
    assert_int_equal(store_counter_add(s, "calls", 1, &v), MIG_OK);
    assert_int_equal(v, 1);
    assert_int_equal(store_counter_add(s, "calls", 5, &v), MIG_OK);
    assert_int_equal(v, 6);
    assert_int_equal(store_counter_add(s, "other", 2, &v), MIG_OK);
    assert_int_equal(v, 2);
    assert_int_equal(store_counter_add(s, "calls", -6, &v), MIG_OK);
    assert_int_equal(v, 0);
    store_close(s);
}

/* ---- values through JSON ----------------------------------------------- */

static void test_values_round_trip(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    const char *text = "{\"s\": \"h\\u00e9llo \\\"q\\\"\\n\", \"i\": -42, "
                       "\"big\": 9007199254740992, \"f\": 1.5, \"g\": 2.0, "
                       "\"t\": true, \"n\": null, \"l\": [1, [2, {}], []], "
                       "\"m\": {\"k\": \"v\"}}";
    val_t *v = json(text);
    store_run_t r = { .plan_path = "p", .plan_name = "p", .plan_digest = "d",
                      .host = "h", .params = v, .options = v };
    int64_t run;
    assert_int_equal(store_run_create(s, &r, &run), MIG_OK);
    store_step_t st = { .node = "n", .item = "", .state = STORE_STEP_DONE,
                        .result = v };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    store_journal_t rec = { .node = "n", .item = "", .action = "a",
                            .kind = STORE_JOURNAL_PLAN, .args = v, .undo = v,
                            .resources = v };
    assert_int_equal(store_journal_intent(s, run, &rec), MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    store_close(s);

    s = open_store(STORE_READONLY);
    store_run_t got;
    assert_int_equal(store_run_get(s, run, &got), MIG_OK);
    assert_true(val_equal(got.params, v));
    assert_true(val_equal(got.options, v));
    assert_int_equal(val_type(val_map_get(got.params, "g", 1)), VAL_NUMBER);
    assert_false(val_is_int(val_map_get(got.params, "g", 1)));
    store_run_clear(&got);
    store_close(s);

    /* A duration is written as its text and comes back a string. */
    s = open_store(0);
    val_t *m = val_map_new(1);
    assert_int_equal(val_map_set_take(m, "wait", 4, val_duration(90000)),
                     MIG_OK);
    st = (store_step_t){ .node = "d", .item = "", .state = STORE_STEP_DONE,
                         .result = m };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_step_each(s, run, see_step, &w), MIG_OK);
    assert_non_null(strstr(w.text, "d[]=done/0/{\"wait\":\"1m30s\"}/"));
    val_unref(m);
    val_unref(v);
    store_close(s);
}

/* PRAGMA NAME's value on S's connection. */
static int64_t pragma_of(store_t *s, const char *name)
{
    char sql[64];
    sqlite3_stmt *q;
    snprintf(sql, sizeof sql, "PRAGMA %s", name);
    assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* A store opened to write keeps 64 MiB of pages (not SQLite's 2 MiB) and
 * its temporary data in memory (docs/state.md). */
static void test_cache_and_temp_store(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    assert_int_equal(pragma_of(s, "cache_size"), -65536);
    assert_int_equal(pragma_of(s, "temp_store"), 2);
    assert_int_equal(pragma_of(s, "foreign_keys"), 1);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, make_dir, remove_dir)
        T(test_cache_and_temp_store),
        T(test_create_open_reopen),
        T(test_newer_schema_refused),
        T(test_foreign_files_refused),
        T(test_runs),
        T(test_steps),
        T(test_journal),
        T(test_journal_outcome),
        T(test_journal_each_values),
        T(test_checkpoints),
        T(test_events_and_counters),
        T(test_values_round_trip),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
