/* test_registry_batch.c: what makes a SQLite registry's rollback cheap
 * (registry_sqlite.c "Batches", registry_store.c "reading a state
 * without parsing"; runtime.h actx_defer_commit): an undo given a remover
 * leaves its change in one open transaction, committed when the remover
 * is waited for (or freed), and a commit that fails is told as the
 * failure of the first record it held; a record's state is the same
 * whether its stored bytes are parsed or taken as they are, and they are
 * taken as they are only when known canonical; a run's puts (a host
 * that defers commits) share one transaction, committed when the
 * runtime asks, or by a rollback's wait when a run left it open. */
#define DB "reg.db"
#include "registry_fixture.h"

/* Puts tool NAME into DB; the undo record its capture kept. */
static val_t *put_one(fx_t *f, const char *name)
{
    const action_t *a = row("registry.put");
    val_t *in = put_args(tool(name, "A tool", "a.json"), false);
    val_t *rec = capture(f, a, in);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
    return rec;
}

/* The first column of the first row of SQL on DB, read by another
 * connection (another program: it sees only what is committed), as a
 * new string with its length in *LEN (NULL ok). */
static char *other_reads(const char *sql, size_t *len)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(in_ws(DB), &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    size_t n = (size_t)sqlite3_column_bytes(q, 0);
    char *text = strndup((const char *)sqlite3_column_text(q, 0), n);
    assert_non_null(text);
    if (len)
        *len = n;
    sqlite3_finalize(q);
    sqlite3_close(db);
    return text;
}

/* How many tools another connection sees in DB. */
static int committed_tools(void)
{
    char *n = other_reads("SELECT count(*) FROM tools", NULL);
    int count = atoi(n);
    free(n);
    return count;
}

/* Runs SQL on DB through another connection. */
static void exec_other(const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(in_ws(DB), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Undoes three puts with a remover: none is committed until the remover
 * is waited for, then all are, in one transaction. */
static void undos_committed_at_the_wait(void **st)
{
    fx_t *f = *st;
    const action_t *a = row("registry.put");
    val_t *recs[3] = { put_one(f, "a1"), put_one(f, "a2"), put_one(f, "a3") };
    assert_int_equal(committed_tools(), 3);
    actx_remover_t *r = actx_remover_new();
    assert_non_null(r);
    for (int i = 2; i >= 0; i--) {
        actx_set_remover(f->undo, r, 10 + i);
        undo(f, a, recs[i]);
    }
    /* This process sees its own undos; another one not yet. */
    assert_int_equal(count(f), 0);
    assert_int_equal(committed_tools(), 3);
    int64_t tag = -1;
    char *why = NULL;
    assert_int_equal(actx_remover_wait(r, &tag, &why), MIG_OK);
    assert_null(why);
    assert_int_equal(committed_tools(), 0);
    /* The next stretch opens a transaction of its own; freeing the
     * remover commits it too. */
    val_t *again = put_one(f, "b1");
    actx_set_remover(f->undo, r, 20);
    undo(f, a, again);
    assert_int_equal(committed_tools(), 1);
    actx_remover_free(r);
    assert_int_equal(committed_tools(), 0);
    actx_set_remover(f->undo, NULL, 0);
    val_unref(again);
    for (int i = 0; i < 3; i++)
        val_unref(recs[i]);
}

/* Without a remover (a run's own undo, mig settle) an undo commits at
 * once, as before. */
static void undo_without_remover_commits_at_once(void **st)
{
    fx_t *f = *st;
    val_t *rec = put_one(f, "solo");
    undo(f, row("registry.put"), rec);
    assert_int_equal(committed_tools(), 0);
    val_unref(rec);
}

/* The commits a remover was left, as actx_remover_wait calls them. */
static int calls_ok, calls_bad;

static mig_status_t commit_ok(char **why)
{
    (void)why;
    calls_ok++;
    return MIG_OK;
}

static mig_status_t commit_bad(char **why)
{
    calls_bad++;
    *why = strdup("Unavailable: registry: the commit failed: disk I/O error");
    return MIG_EIO;
}

static mig_status_t commit_2(char **why) { (void)why; return MIG_OK; }
static mig_status_t commit_3(char **why) { (void)why; return MIG_OK; }
static mig_status_t commit_4(char **why) { (void)why; return MIG_OK; }

/* A commit given twice is called once; a failing one is the failure of
 * the first record it held (its tag), with its reason; at most
 * ACTX_COMMITS (4) functions are held, the fifth commits at once; with
 * no remover nothing is deferred. */
static void deferred_commits(void **st)
{
    fx_t *f = *st;
    assert_false(actx_defer_commit(f->undo, commit_ok));
    actx_remover_t *r = actx_remover_new();
    assert_non_null(r);
    calls_ok = calls_bad = 0;
    actx_set_remover(f->undo, r, 41);
    assert_true(actx_defer_commit(f->undo, commit_ok));
    actx_set_remover(f->undo, r, 40);
    assert_true(actx_defer_commit(f->undo, commit_ok));
    assert_true(actx_defer_commit(f->undo, commit_bad));
    assert_true(actx_defer_commit(f->undo, commit_2));
    assert_true(actx_defer_commit(f->undo, commit_3));
    assert_false(actx_defer_commit(f->undo, commit_4));
    int64_t tag = 0;
    char *why = NULL;
    assert_int_equal(actx_remover_wait(r, &tag, &why), MIG_EIO);
    assert_int_equal(calls_ok, 1);
    assert_int_equal(calls_bad, 1);
    assert_int_equal(tag, 40);
    assert_string_equal(why, "Unavailable: registry: the commit failed: "
                        "disk I/O error");
    free(why);
    /* Called once: the next wait calls nothing, and tells the failure
     * again. */
    assert_int_equal(actx_remover_wait(r, &tag, &why), MIG_EIO);
    assert_int_equal(calls_ok, 1);
    assert_int_equal(calls_bad, 1);
    free(why);
    actx_set_remover(f->undo, NULL, 0);
    actx_remover_free(r);
}

/* A host that defers commits as a run's does (runtime.h, actx_host_t
 * defer_commit: the journal's next commit calls them): the one given. */
static actx_commit_fn held;
static bool hold_commit(void *data, actx_commit_fn fn)
{
    (void)data;
    held = fn;
    return true;
}

static bool refuse_commit(void *data, actx_commit_fn fn)
{
    (void)data, (void)fn;
    return false;
}

/* F's run context with its host deferring commits through DEFER (NULL:
 * never). */
static void run_defers(fx_t *f, bool (*defer)(void *, actx_commit_fn))
{
    f->host.defer_commit = defer;
    actx_set_host(f->run, &f->host);
    held = NULL;
}

/* In a run, puts go into one transaction: this process sees them,
 * another one only once the function the host was given commits them;
 * the next put opens a new one. */
static void run_puts_committed_when_asked(void **st)
{
    fx_t *f = *st;
    run_defers(f, hold_commit);
    val_t *recs[3] = { put_one(f, "b1"), put_one(f, "b2"), put_one(f, "b3") };
    assert_int_equal(count(f), 3);
    assert_int_equal(committed_tools(), 0);
    assert_non_null(held);
    char *why = NULL;
    assert_int_equal(held(&why), MIG_OK);
    assert_null(why);
    assert_int_equal(committed_tools(), 3);
    val_t *more = put_one(f, "b4");
    assert_int_equal(committed_tools(), 3);
    assert_int_equal(held(&why), MIG_OK);
    assert_int_equal(committed_tools(), 4);
    run_defers(f, NULL);
    for (int i = 0; i < 3; i++)
        val_unref(recs[i]);
    val_unref(more);
}

/* A host that cannot defer, or none that defers: each put commits at
 * once. */
static void run_puts_committed_at_once(void **st)
{
    fx_t *f = *st;
    run_defers(f, refuse_commit);
    val_t *a = put_one(f, "c1");
    assert_int_equal(committed_tools(), 1);
    run_defers(f, NULL);
    val_t *b = put_one(f, "c2");
    assert_int_equal(committed_tools(), 2);
    val_unref(a);
    val_unref(b);
}

/* A run's own rollback undoes puts whose transaction the run left open
 * (its journal not committed since): the undo writes into it and asks
 * for its commit again, so that the rollback's wait commits it, the
 * puts and the undo with them, before the rollback marks anything. */
static void run_batch_committed_by_a_rollback_wait(void **st)
{
    fx_t *f = *st;
    run_defers(f, hold_commit);
    val_t *keep = put_one(f, "d1"), *gone = put_one(f, "d2");
    assert_int_equal(committed_tools(), 0);
    actx_remover_t *r = actx_remover_new();
    assert_non_null(r);
    actx_set_remover(f->undo, r, 7);
    undo(f, row("registry.put"), gone);
    int64_t tag = 0;
    char *why = NULL;
    assert_int_equal(actx_remover_wait(r, &tag, &why), MIG_OK);
    assert_null(why);
    assert_int_equal(committed_tools(), 1);
    actx_set_remover(f->undo, NULL, 0);
    actx_remover_free(r);
    run_defers(f, NULL);
    val_unref(keep);
    val_unref(gone);
}

/* The state of "registry:reg.db#tool/NAME", told EXPECT (malloc'd). */
static char *state_expecting(fx_t *f, const char *name, const val_t *expect)
{
    char id[128];
    snprintf(id, sizeof id, "registry:" DB "#tool/%s", name);
    strbuf_t b;
    strbuf_init(&b);
    actx_begin(f->run, "test");
    assert_int_equal(resource_state_expect(f->run, id, expect, &b), MIG_OK);
    strbuf_putc(&b, '\0');
    return b.data;
}

/* A row another program wrote in another form (compact) has the state of its canonical form: its bytes are parsed, with
 * or without the state expected; bytes are taken as they are only when
 * their own hash is expected. */
static void state_of_a_row_written_elsewhere(void **st)
{
    fx_t *f = *st;
    val_unref(put_one(f, "echo"));
    char *canonical = state(f, "echo");
    assert_int_equal(strncmp(canonical, "record:", 7), 0);
    const char *compact = "{\"kind\":\"tool\",\"name\":\"echo\"}";
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE tools SET json = '%s' WHERE name = "
             "'echo'", compact);
    exec_other(sql);
    /* Its canonical form: what a put of that record stores. */
    val_t *rec = json_value(compact);
    strbuf_t text;
    strbuf_init(&text);
    assert_int_equal(val_to_json(rec, &text, VAL_JSON_PRETTY), MIG_OK);
    strbuf_putc(&text, '\n');
    char hex[BLOB_HEX], want[BLOB_HEX + 8];
    blobs_hash(text.data, text.len, hex);
    snprintf(want, sizeof want, "record:%s", hex);
    char *now = state(f, "echo");
    assert_string_equal(now, want);
    free(now);
    val_t *expect = val_list_new(2);
    assert_int_equal(val_list_push_take(expect, val_cstring(canonical)),
                     MIG_OK);
    assert_int_equal(val_list_push_take(expect, val_null()), MIG_OK);
    now = state_expecting(f, "echo", expect);
    assert_string_equal(now, want);
    free(now);
    /* The hash of the compact bytes, expected: taken as it is (a caller
     * passes only states, hashes of canonical texts). */
    blobs_hash(compact, strlen(compact), hex);
    snprintf(want, sizeof want, "record:%s", hex);
    assert_int_equal(val_list_push_take(expect, val_cstring(want)), MIG_OK);
    now = state_expecting(f, "echo", expect);
    assert_string_equal(now, want);
    free(now);
    /* Absent is absent either way. */
    now = state_expecting(f, "none", expect);
    assert_string_equal(now, "absent");
    free(now);
    val_unref(expect);
    val_unref(rec);
    strbuf_free(&text);
    free(canonical);
}

/* The state of a record this process put, read back, is the hash of the
 * bytes it stored: their canonical JSON. */
static void state_of_a_put_is_its_canonical_json(void **st)
{
    fx_t *f = *st;
    val_unref(put_one(f, "echo"));
    size_t len;
    char *text = other_reads("SELECT json FROM tools", &len);
    char hex[BLOB_HEX], want[BLOB_HEX + 8];
    blobs_hash(text, len, hex);
    snprintf(want, sizeof want, "record:%s", hex);
    free(text);
    char *now = state(f, "echo");
    assert_string_equal(now, want);
    free(now);
}

/* Another program adds tool NAME to DB (committed at once). */
static void other_adds(const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO tools(name, json, digest, status) "
             "VALUES('%s', '{\"kind\": \"tool\", \"name\": \"%s\"}', 'd', "
             "'active')", name, name);
    exec_other(sql);
}

/* Whether the state of tool NAME is a record's (not absent). */
static bool has_state(fx_t *f, const char *name)
{
    char *now = state(f, name);
    bool there = strncmp(now, "record:", 7) == 0;
    assert_true(there || strcmp(now, "absent") == 0);
    free(now);
    return there;
}

/* Commits what the host was given (held), as the journal's next commit
 * does. */
static void commit_held(void)
{
    assert_non_null(held);
    char *why = NULL;
    assert_int_equal(held(&why), MIG_OK);
    assert_null(why);
}

/* With a host that defers commits, the state reads share one read
 * transaction (a rollback checking or verifying every record): they see
 * the database as at the first of them, until the commit the host was
 * given ends it. Without one, each read is its own and sees what another
 * program committed since. */
static void state_reads_share_a_read_transaction(void **st)
{
    fx_t *f = *st;
    val_unref(put_one(f, "r1"));
    run_defers(f, hold_commit);
    assert_false(has_state(f, "r2"));
    assert_non_null(held);
    other_adds("r2");
    assert_false(has_state(f, "r2"));
    assert_true(has_state(f, "r1"));
    commit_held();
    assert_true(has_state(f, "r2"));
    commit_held();
    run_defers(f, NULL);
    other_adds("r3");
    assert_true(has_state(f, "r3"));
    other_adds("r4");
    assert_true(has_state(f, "r4"));
}

/* A write after reads of a read transaction begins its own: it sees and
 * keeps what another program committed after the reads began (turning
 * the read transaction into a write one would fail then). */
static void a_write_after_reads_begins_its_own(void **st)
{
    fx_t *f = *st;
    val_t *first = put_one(f, "w");
    run_defers(f, hold_commit);
    assert_false(has_state(f, "w1"));
    other_adds("w0");
    val_t *rec = put_one(f, "w1");
    assert_true(has_state(f, "w0"));
    assert_int_equal(committed_tools(), 2);
    commit_held();
    assert_int_equal(committed_tools(), 3);
    val_unref(first);
    run_defers(f, NULL);
    val_unref(rec);
}

/* A kept connection's file is checked (by its identity) when a
 * transaction begins on it, not at each call while it is open: a file
 * replaced meanwhile is found at the first call after the commit. */
static void file_checked_when_a_transaction_begins(void **st)
{
    fx_t *f = *st;
    run_defers(f, hold_commit);
    val_unref(put_one(f, "echo"));
    commit_held();
    assert_true(has_state(f, "echo"));
    replace_db();
    assert_true(has_state(f, "echo"));
    assert_false(has_state(f, "zeta"));
    commit_held();
    assert_true(has_state(f, "zeta"));
    assert_false(has_state(f, "echo"));
    commit_held();
    run_defers(f, NULL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(undos_committed_at_the_wait),
        T(undo_without_remover_commits_at_once),
        T(deferred_commits),
        T(run_puts_committed_when_asked),
        T(run_puts_committed_at_once),
        T(run_batch_committed_by_a_rollback_wait),
        T(state_of_a_row_written_elsewhere),
        T(state_of_a_put_is_its_canonical_json),
        T(state_reads_share_a_read_transaction),
        T(a_write_after_reads_begins_its_own),
        T(file_checked_when_a_transaction_begins),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
