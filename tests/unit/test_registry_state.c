/* test_registry_state.c: the SQLite registry's state hash (schema 3,
 * docs/registry.md "The state hash") as a rollback reads it: the states
 * of many records read together (registry_records_states) are the states
 * read one by one (registry_record_state); a record another program
 * wrote has no hash and is left to be read one by one; a name with no
 * record, or a database that is not there, is absent; an id that is no
 * record's, or a remote one, is left out; and the scan steps over at most
 * REGISTRY_STATES_SKIP_MIN rows of other records beyond one per name. */
#define DB "reg.db"
#include "registry_fixture.h"
#include "registry_int.h"

/* Runs SQL on the registry's database, behind mig's back. */
static void behind(const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(in_ws(DB), &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_close(db);
}

static void put(fx_t *f, const char *name)
{
    val_t *in = put_args(tool(name, "A tool", "t.json"), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
}

/* The id of tool NAME of DB, a new string. */
static val_t *id_of(const char *db, const char *name)
{
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(registry_make_id(db, "tool", name, &b), MIG_OK);
    val_t *v = val_string(b.data, b.len);
    strbuf_free(&b);
    return v;
}

/* The states registry_records_states gives for tools NAMES (spaces
 * between) of DB, as a new map. */
static val_t *together(fx_t *f, const char *db, const char *names)
{
    val_t *ids = val_list_new(4), *out = val_map_new(4);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", names);
    for (char *w = strtok(buf, " "); w; w = strtok(NULL, " "))
        assert_int_equal(val_list_push_take(ids, id_of(db, w)), MIG_OK);
    actx_begin(f->run, "test");
    assert_int_equal(registry_records_states(f->run, ids, out), MIG_OK);
    val_unref(ids);
    return out;
}

/* The state of tool NAME of DB in STATES, or NULL when left out. */
static const char *state_in(const val_t *states, const char *db,
                            const char *name)
{
    val_t *id = id_of(db, name);
    size_t len;
    const char *s = val_get_str(id, &len);
    val_t *v = val_map_get(states, s, len);
    val_unref(id);
    return v ? val_get_str(v, NULL) : NULL;
}

/* The state of tool NAME read one by one. */
static char *one_by_one(fx_t *f, const char *name)
{
    val_t *id = id_of(DB, name);
    strbuf_t b;
    strbuf_init(&b);
    actx_begin(f->run, "test");
    assert_int_equal(registry_record_state(f->run, val_get_str(id, NULL),
                                           NULL, &b), MIG_OK);
    strbuf_putc(&b, '\0');
    val_unref(id);
    return b.data;
}

static void states_as_one_by_one(void **st)
{
    fx_t *f = *st;
    put(f, "b");
    put(f, "a");
    put(f, "c");
    behind("INSERT INTO tools(name, json, digest, status) SELECT 'd', json, "
           "digest, status FROM tools WHERE name = 'a'");
    val_t *m = together(f, DB, "c a missing d b");
    static const char *const kept[] = { "a", "b", "c" };
    for (size_t i = 0; i < 3; i++) {
        char *s = one_by_one(f, kept[i]);
        assert_non_null(state_in(m, DB, kept[i]));
        assert_string_equal(state_in(m, DB, kept[i]), s);
        assert_non_null(strstr(s, "record:"));
        free(s);
    }
    assert_string_equal(state_in(m, DB, "missing"), "absent");
    /* Written by another program: no hash, left out; one by one, its
     * text is hashed (the same text as a's). */
    assert_null(state_in(m, DB, "d"));
    char *d = one_by_one(f, "d"), *a = one_by_one(f, "a");
    assert_string_equal(d, a);
    free(d);
    free(a);
    assert_int_equal(val_len(m), 4);
    val_unref(m);
    /* An UPDATE by another program clears the hash: left out. */
    behind("UPDATE tools SET status = status WHERE name = 'b'");
    m = together(f, DB, "a b");
    assert_null(state_in(m, DB, "b"));
    assert_non_null(state_in(m, DB, "a"));
    val_unref(m);
}

static void states_absent_and_left_out(void **st)
{
    fx_t *f = *st;
    /* No database at all: every record absent. */
    val_t *m = together(f, "none.db", "a b");
    assert_string_equal(state_in(m, "none.db", "a"), "absent");
    assert_string_equal(state_in(m, "none.db", "b"), "absent");
    val_unref(m);
    /* Ids that are no record's, and a remote registry's: left out. */
    put(f, "a");
    val_t *ids = val_list_new(3), *out = val_map_new(2);
    assert_int_equal(val_list_push_take(ids, val_cstring("registry:x")),
                     MIG_OK);
    assert_int_equal(val_list_push_take(ids, val_cstring(
        "registry:reg.db#nokind/a")), MIG_OK);
    assert_int_equal(val_list_push_take(ids, val_cstring(
        "registry:http://127.0.0.1:9/r#tool/a")), MIG_OK);
    assert_int_equal(val_list_push_take(ids, id_of(DB, "a")), MIG_OK);
    actx_begin(f->run, "test");
    assert_int_equal(registry_records_states(f->run, ids, out), MIG_OK);
    assert_int_equal(val_len(out), 1);
    assert_non_null(state_in(out, DB, "a"));
    val_unref(ids);
    val_unref(out);
    /* The triggers not all there: nothing vouched for, all left out. */
    behind("DROP TRIGGER backends_state_insert");
    m = together(f, DB, "a");
    assert_int_equal(val_len(m), 0);
    val_unref(m);
}

/* Tools a and z put, and K rows of other records between them. */
static void between(fx_t *f, int k)
{
    put(f, "a");
    put(f, "z");
    char sql[256];
    snprintf(sql, sizeof sql, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL "
             "SELECT i + 1 FROM c WHERE i < %d) INSERT INTO tools(name, json, "
             "digest, status) SELECT printf('m%%05d', i), '{}', '', 'active' "
             "FROM c", k);
    behind(sql);
}

/* Asked for a and z (2 names): 2 + REGISTRY_STATES_SKIP_MIN rows between
 * them are stepped over, z found; one more, z is left out. */
static void scan_bound_at(void **st)
{
    fx_t *f = *st;
    between(f, 2 + REGISTRY_STATES_SKIP_MIN);
    val_t *m = together(f, DB, "z a");
    assert_non_null(state_in(m, DB, "a"));
    assert_non_null(state_in(m, DB, "z"));
    val_unref(m);
}

static void scan_bound_past(void **st)
{
    fx_t *f = *st;
    between(f, 2 + REGISTRY_STATES_SKIP_MIN + 1);
    val_t *m = together(f, DB, "z a");
    assert_non_null(state_in(m, DB, "a"));
    assert_null(state_in(m, DB, "z"));
    val_unref(m);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(states_as_one_by_one), T(states_absent_and_left_out),
        T(scan_bound_at), T(scan_bound_past),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
