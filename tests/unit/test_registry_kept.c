/* test_registry_kept.c: the SQLite registry's kept connections
 * (registry_sqlite.c, docs/registry.md "The stores"): a written database
 * is in WAL mode; a database deleted or replaced (with its WAL) behind
 * mig's back is opened anew, not read through the connection kept on the
 * old file;
 * more databases than are kept all still work. */
#define DB "reg.db"
#include "registry_fixture.h"

/* Whether tool NAME is in registry DBNAME, through registry.get. */
static bool has(fx_t *f, const char *dbname, const char *name)
{
    val_t *in = args("db", dbname, "name", name, "kind", "tool", NULL);
    const action_t *a = action_find(reg, "registry.get");
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    bool found = a->run(f->run, in, &out) == MIG_OK;
    if (!found && getenv("KEPT_DEBUG"))
        print_error("%s\n", actx_error_message(f->run));
    val_unref(out);
    val_unref(in);
    return found;
}

static void put_in(fx_t *f, const char *dbname, const char *name)
{
    val_t *in = args("db", dbname, NULL);
    assert_int_equal(val_map_set_take(in, "record", 6,
                                      tool(name, "A tool", "a.json")), MIG_OK);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
}

static void written_in_wal_mode(void **st)
{
    fx_t *f = *st;
    put_in(f, DB, "echo");
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(in_ws(DB), &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q,
                                        NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void deleted_behind_its_back(void **st)
{
    fx_t *f = *st;
    put_in(f, DB, "echo");
    assert_true(has(f, DB, "echo"));
    assert_int_equal(unlink(in_ws(DB)), 0);
    unlink(in_ws("reg.db-wal"));
    unlink(in_ws("reg.db-shm"));
    assert_false(has(f, DB, "echo"));
    put_in(f, DB, "other");
    assert_int_equal(count(f), 1);
    assert_false(has(f, DB, "echo"));
}

static void replaced_behind_its_back(void **st)
{
    fx_t *f = *st;
    put_in(f, DB, "echo");
    replace_db();
    assert_true(has(f, DB, "zeta"));
    assert_false(has(f, DB, "echo"));
}

/* More databases than the connections kept (8): each still reads and
 * writes its own records. */
static void more_databases_than_kept(void **st)
{
    fx_t *f = *st;
    char name[16];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 9; i++) {
            snprintf(name, sizeof name, "r%d.db", i);
            put_in(f, name, round ? "second" : "first");
        }
    for (int i = 0; i < 9; i++) {
        snprintf(name, sizeof name, "r%d.db", i);
        assert_true(has(f, name, "first"));
        assert_true(has(f, name, "second"));
    }
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(written_in_wal_mode), T(deleted_behind_its_back),
        T(replaced_behind_its_back), T(more_databases_than_kept),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
