/* test_registry_alias.c: registry.get by alias over the SQLite store
 * (registry_sqlite.c, docs/registry.md "The stores"): one lookup in the
 * alias index, which triggers keep with every write of a record, by mig
 * or by another program; a registry of schema version 1 read as it is
 * (its aliases scanned) and upgraded on its first write; an upgrade that
 * fails leaves the file as it was; a newer version refused. */
#define DB "reg.db"
#include "registry_fixture.h"
#include "registry_int.h"

#include <sqlite3.h>

/* Runs SQL on the registry file FILE, as another program would. */
static void sql_in(const char *file, const char *text)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(in_ws(file), &db), SQLITE_OK);
    char *err = NULL;
    if (sqlite3_exec(db, text, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", text, err);
    sqlite3_close(db);
}

static void sql(const char *text)
{
    sql_in(DB, text);
}

/* The one value SQL QUERY gives on the registry file, as text (static). */
static const char *one(const char *query)
{
    static char out[256];
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(in_ws(DB), &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, query, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    const char *t = (const char *)sqlite3_column_text(q, 0);
    snprintf(out, sizeof out, "%s", t ? t : "NULL");
    sqlite3_finalize(q);
    sqlite3_close(db);
    return out;
}

/* REGISTRY_SQLITE_VERSION as text (static). */
static const char *current(void)
{
    static char v[16];
    snprintf(v, sizeof v, "%d", REGISTRY_SQLITE_VERSION);
    return v;
}

/* The alias index's rows, "ALIAS>NAME" joined by spaces, in order. */
static const char *index_rows(void)
{
    return one("SELECT coalesce(group_concat(alias || '>' || name, ' '), '')"
               " FROM (SELECT alias, name FROM aliases WHERE kind = 'tool'"
               " ORDER BY alias, name)");
}

static void found_missed_changed_removed(void **st)
{
    alias_lookups(*st);
    assert_string_equal(index_rows(), "");
}

/* What the index holds after each change, and that a read by alias uses
 * it: a row planted in the index alone is what get finds. */
static void index_kept_with_the_records(void **st)
{
    fx_t *f = *st;
    put_aliased(f, "a", "[\"x\", \"y\"]");
    put_aliased(f, "b", "[\"x\"]");
    assert_string_equal(index_rows(), "x>a x>b y>a");
    put_aliased(f, "a", "[\"z\"]");
    assert_string_equal(index_rows(), "x>b z>a");
    val_t *al = args("db", DB, "name", "b", "alias", "w", "kind", "tool", NULL);
    val_unref(run_ok(f, "registry.alias", al));
    val_unref(al);
    assert_string_equal(index_rows(), "w>b x>b z>a");
    sql("INSERT INTO aliases VALUES('tool', 'planted', 'a')");
    assert_found_as(f, "planted", "a");
    assert_string_equal(one("SELECT value FROM meta WHERE key = "
                            "'schema_version'"), current());
}

/* Another program's writes keep the index too (the triggers), and only
 * the strings of a list are aliases, as registry.get has always read
 * them. */
static void written_by_another_program(void **st)
{
    fx_t *f = *st;
    put_aliased(f, "a", NULL);
    sql("UPDATE tools SET json = '{\"kind\": \"tool\", \"name\": \"a\", "
        "\"aliases\": [\"by-hand\", 7]}' WHERE name = 'a'");
    assert_found_as(f, "by-hand", "a");
    sql("INSERT INTO tools(name, json, digest, status) VALUES('s', "
        "'{\"aliases\": \"scalar\"}', 'd', 'active'), ('o', "
        "'{\"aliases\": {\"k\": \"member\"}}', 'd', 'active'), "
        "('n', 'not JSON \"aliases\"', 'd', 'active')");
    assert_found_as(f, "scalar", NULL);
    assert_found_as(f, "member", NULL);
    assert_string_equal(index_rows(), "by-hand>a");
    sql("DELETE FROM tools WHERE name = 'a'");
    assert_found_as(f, "by-hand", NULL);
    assert_string_equal(index_rows(), "");
}

/* A registry as a mig of schema version 1 wrote it. */
static void write_version_1(void)
{
    sql("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE tools(name TEXT PRIMARY KEY, json TEXT NOT NULL,"
        " digest TEXT NOT NULL, status TEXT NOT NULL);"
        "CREATE TABLE servers(name TEXT PRIMARY KEY, json TEXT NOT NULL,"
        " digest TEXT NOT NULL, status TEXT NOT NULL);"
        "CREATE TABLE backends(name TEXT PRIMARY KEY, json TEXT NOT NULL,"
        " digest TEXT NOT NULL, status TEXT NOT NULL);"
        "INSERT INTO meta VALUES('schema_version', '1');"
        "INSERT INTO tools VALUES('old', '{\"kind\": \"tool\", \"name\": "
        "\"old\", \"aliases\": [\"Old Tool\"]}', 'd', 'active'),"
        "('zz', '{\"kind\": \"tool\", \"name\": \"zz\", \"aliases\": "
        "[\"Old Tool\", \"zed\"]}', 'd', 'active'),"
        "('bad', 'not JSON', 'd', 'active');"
        "INSERT INTO servers VALUES('srv', '{\"kind\": \"server\", \"name\":"
        " \"srv\", \"aliases\": [\"Server\"]}', 'd', 'active');");
}

static void version_1_read_then_upgraded(void **st)
{
    fx_t *f = *st;
    write_version_1();
    /* Read as it is: aliases scanned, nothing written. */
    assert_found_as(f, "Old Tool", "old");
    assert_found_as(f, "zed", "zz");
    assert_found_as(f, "missing", NULL);
    assert_string_equal(one("SELECT value FROM meta WHERE key = "
                            "'schema_version'"), "1");
    assert_string_equal(one("SELECT count(*) FROM sqlite_master WHERE name "
                            "= 'aliases'"), "0");
    /* The first write upgrades it, the records there indexed. */
    put_aliased(f, "new", "[\"New Tool\"]");
    assert_string_equal(one("SELECT value FROM meta WHERE key = "
                            "'schema_version'"), current());
    assert_string_equal(index_rows(), "New Tool>new Old Tool>old "
                                      "Old Tool>zz zed>zz");
    assert_string_equal(one("SELECT alias || '>' || name FROM aliases "
                            "WHERE kind = 'rag' OR kind = 'server'"),
                        "Server>srv");
    assert_found_as(f, "Old Tool", "old");
    assert_found_as(f, "New Tool", "new");
    assert_found_as(f, "zed", "zz");
}

/* An upgrade that cannot be done (a table of its name is there) is
 * refused and leaves the file at version 1, as it was. */
static void failed_upgrade_changes_nothing(void **st)
{
    fx_t *f = *st;
    write_version_1();
    sql("CREATE TABLE aliases(x)");
    val_t *in = put_args(tool("new", "x", "a.json"), false);
    char want[512];
    snprintf(want, sizeof want, "registry: '%s' is not a registry database "
             "or is damaged: table aliases already exists", in_ws(DB));
    run_fails(f, row("registry.put"), in, "InvalidConfig", want);
    val_unref(in);
    assert_string_equal(one("SELECT value FROM meta WHERE key = "
                            "'schema_version'"), "1");
    assert_string_equal(one("SELECT count(*) FROM sqlite_master WHERE type "
                            "= 'trigger'"), "0");
    assert_string_equal(one("SELECT count(*) FROM tools"), "3");
    assert_found_as(f, "Old Tool", "old");
}

/* The version after the one this mig knows is refused by a reader (a
 * writer: test_registry.c, damaged_and_newer). */
static void newer_version_refused(void **st)
{
    fx_t *f = *st;
    char text[160], want[512];
    snprintf(text, sizeof text, "CREATE TABLE meta(key TEXT PRIMARY KEY, "
             "value TEXT NOT NULL); INSERT INTO meta VALUES('schema_version',"
             " '%d');", REGISTRY_SQLITE_VERSION + 1);
    sql_in("newer.db", text);
    val_t *in = args("db", "newer.db", "name", "x", "kind", "tool", NULL);
    snprintf(want, sizeof want, "registry: '%s' has schema version %d; this "
             "mig knows version %d", in_ws("newer.db"),
             REGISTRY_SQLITE_VERSION + 1, REGISTRY_SQLITE_VERSION);
    run_fails(f, action_find(reg, "registry.get"), in, "InvalidConfig", want);
    val_unref(in);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(found_missed_changed_removed), T(index_kept_with_the_records),
        T(written_by_another_program), T(version_1_read_then_upgraded),
        T(failed_upgrade_changes_nothing), T(newer_version_refused),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
