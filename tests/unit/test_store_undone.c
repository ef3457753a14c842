/* test_store_undone.c: the journal's undone marks (store.h,
 * store_journal_mark_undone): a stretch of records marked undone in one
 * row of journal_undone, read as UNDONE by store_journal_each in both
 * directions while the records' own rows are not written again; the
 * stretches that cannot be marked; the marks kept across a reopen; and a
 * store of the schema before them, upgraded with its journal's states. */
#include "store_fixture.h"
#include "store_versions.h"

/* The state of each record store_journal_each gives, "SEQ:STATE ". */
static bool see_state(void *data, const store_journal_t *rec)
{
    seen_t *w = data;
    seen_add(w, "%" PRId64 ":%s ", rec->seq,
             store_journal_state_name(rec->state));
    return true;
}

/* The states of RUN's records after AFTER, FLAGS as store_journal_each's,
 * into W (cleared). */
static void states(store_t *s, int64_t run, int64_t after, unsigned flags,
                   seen_t *w)
{
    *w = (seen_t){ .stop_after = -1 };
    assert_int_equal(store_journal_each(s, run, after, flags, see_state, w),
                     MIG_OK);
}

/* One column of SQL by hand on the store's file: "v1,v2,..." of QUERY. */
static void column(const char *query, char *out, size_t cap)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, query, -1, &q, NULL), SQLITE_OK);
    out[0] = '\0';
    while (sqlite3_step(q) == SQLITE_ROW) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", len ? "," : "",
                 (const char *)sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* Marked stretches read as undone, forward and newest first, from any
 * position, and in no other run; the records' rows keep their states. */
static void test_marks_read_undone(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    int64_t other = new_run(s, "q", 1, "h");
    for (int64_t i = 1; i <= 7; i++)
        journal(s, run, "a", i);
    journal(s, other, "x", 1);
    journal(s, other, "y", 2);
    for (int64_t i = 1; i <= 7; i++)
        assert_int_equal(store_journal_set(s, run, i, STORE_JOURNAL_DONE),
                         MIG_OK);
    assert_int_equal(store_journal_mark_undone(s, run, 6, 7), MIG_OK);
    assert_int_equal(store_journal_mark_undone(s, run, 2, 3), MIG_OK);
    assert_int_equal(store_journal_mark_undone(s, run, 5, 5), MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    seen_t w;
    states(s, run, 0, 0, &w);
    assert_string_equal(w.text, "1:done 2:undone 3:undone 4:done 5:undone "
                        "6:undone 7:undone ");
    states(s, run, 0, STORE_EACH_REVERSE | STORE_EACH_NO_VALUES, &w);
    assert_string_equal(w.text, "7:undone 6:undone 5:undone 4:done "
                        "3:undone 2:undone 1:done ");
    states(s, run, 3, STORE_EACH_REVERSE, &w);
    assert_string_equal(w.text, "7:undone 6:undone 5:undone 4:done ");
    states(s, other, 0, 0, &w);
    assert_string_equal(w.text, "1:intent 2:intent ");
    /* Kept across a reopen. */
    store_close(s);
    s = open_store(0);
    states(s, run, 0, 0, &w);
    assert_string_equal(w.text, "1:done 2:undone 3:undone 4:done 5:undone "
                        "6:undone 7:undone ");
    store_close(s);
    /* The marks are rows of their own: no record's row was written
     * again (it holds the step's arguments). */
    char got[256];
    column("SELECT state FROM journal WHERE run = 1 ORDER BY seq", got,
           sizeof got);
    assert_string_equal(got, "done,done,done,done,done,done,done");
    column("SELECT lo || '-' || hi FROM journal_undone WHERE run = 1 "
           "ORDER BY lo", got, sizeof got);
    assert_string_equal(got, "2-3,5-5,6-7");
}

/* A stretch with a record missing, past the end, before the start, or
 * backwards is refused with the same message, and nothing is marked. */
static void test_marks_refused(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    for (int64_t i = 1; i <= 3; i++)
        journal(s, run, "a", i);
    assert_int_equal(store_flush(s), MIG_OK);
    static const int64_t bad[][2] = { { 2, 4 }, { 0, 1 }, { 3, 2 },
                                      { 4, 4 } };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(store_journal_mark_undone(s, run, bad[i][0],
                                                   bad[i][1]), MIG_EINVALID);
        char msg[96];
        snprintf(msg, sizeof msg, "run 1 lacks journal records between %"
                 PRId64 " and %" PRId64, bad[i][0], bad[i][1]);
        assert_string_equal(last_diag(s), msg);
    }
    assert_int_equal(store_journal_mark_undone(s, 9, 1, 1), MIG_EINVALID);
    assert_string_equal(last_diag(s), "run 9 lacks journal records between "
                        "1 and 1");
    store_close(s);
    char got[64];
    column("SELECT count(*) FROM journal_undone", got, sizeof got);
    assert_string_equal(got, "0");
}

/* A store of the schema before the marks: its records undone the old way
 * (their rows' state) read undone after the upgrade, and new marks are
 * added beside them. */
static void test_marks_after_upgrade(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    for (int64_t i = 1; i <= 4; i++)
        journal(s, run, "a", i);
    assert_int_equal(store_journal_set(s, run, 4, STORE_JOURNAL_UNDONE),
                     MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    store_close(s);
    sql(path, STORE_UNDO_FROM_6 "PRAGMA user_version = 5; UPDATE meta SET "
        "value = '5' WHERE key = 'schema_version'");
    s = open_store(0);
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    seen_t w;
    states(s, run, 0, STORE_EACH_REVERSE, &w);
    assert_string_equal(w.text, "4:undone 3:intent 2:intent 1:intent ");
    assert_int_equal(store_journal_mark_undone(s, run, 2, 3), MIG_OK);
    states(s, run, 0, 0, &w);
    assert_string_equal(w.text, "1:intent 2:undone 3:undone 4:undone ");
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, make_dir, remove_dir)
        T(test_marks_read_undone),
        T(test_marks_refused),
        T(test_marks_after_upgrade),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
