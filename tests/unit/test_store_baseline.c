/* test_store_baseline.c: the drift baseline in the state store
 * (store_baseline.c; docs/state.md): a store of the schema before it is
 * upgraded and takes baselines; registries and their records come back
 * by db, then kind and name, a walk stops when asked; the last
 * successful run of a plan is found by path and profile, never a failed,
 * rolled-back or running one; a record's content is read from the store
 * (kept once per digest), else from the object store (a baseline of a
 * store before schema 12), else not at all. */
#include "store_fixture.h"
#include "store_versions.h"

/* What a walk saw: "db=N" and "db kind/name digest" lines. */
typedef struct walk {
    strbuf_t seen;
    int stop_after;     /* 0: never stop */
    int n;
} walk_t;

static bool on_db(void *data, const char *db, int64_t records)
{
    walk_t *w = data;
    strbuf_printf(&w->seen, "%s=%lld\n", db, (long long)records);
    return !w->stop_after || ++w->n < w->stop_after;
}

static bool on_rec(void *data, const char *db, const store_baseline_t *r)
{
    walk_t *w = data;
    strbuf_printf(&w->seen, "%s %s/%s %s\n", db, r->kind, r->name, r->digest);
    return !w->stop_after || ++w->n < w->stop_after;
}

static void put(store_t *s, int64_t run, const char *db, const char *kind,
                const char *name, const char *digest)
{
    store_baseline_t b = { .kind = kind, .name = name, .digest = digest };
    assert_int_equal(store_baseline_put(s, run, db, &b), MIG_OK);
}

static char *walk(store_t *s, int64_t run, bool records, int stop_after)
{
    walk_t w = { .stop_after = stop_after };
    strbuf_init(&w.seen);
    strbuf_putc(&w.seen, '\0');
    w.seen.len = 0;
    assert_int_equal(store_baseline_each(s, run, on_db, records ? on_rec
                                                                : NULL, &w),
                     MIG_OK);
    return w.seen.data;
}

static void test_upgrade_from_4(void **state)
{
    (void)state;
    store_close(open_store(STORE_CREATE));
    sql(path, "DROP TABLE baseline_registries; DROP TABLE baseline_records; "
        STORE_UNDO_FROM_6 "PRAGMA user_version = 4");
    store_t *s = open_store(STORE_CREATE);
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    int64_t run = new_run(s, "p", 1, "h");
    assert_int_equal(store_baseline_db(s, run, "registry.db", 1), MIG_OK);
    put(s, run, "registry.db", "tool", "echo", "ab");
    assert_int_equal(store_flush(s), MIG_OK);
    char *seen = walk(s, run, true, 0);
    assert_string_equal(seen, "registry.db=1\nregistry.db tool/echo ab\n");
    free(seen);
    store_close(s);
}

static void test_each_in_order(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t run = new_run(s, "p", 1, "h");
    int64_t other = new_run(s, "p", 1, "h");
    /* Written out of order; an empty registry; another run's rows. */
    put(s, run, "reg", "tool", "b", "02");
    put(s, run, "reg", "tool", "a", "01");
    put(s, run, "reg", "server", "z", "03");
    assert_int_equal(store_baseline_db(s, run, "reg", 3), MIG_OK);
    assert_int_equal(store_baseline_db(s, run, "empty.db", 0), MIG_OK);
    assert_int_equal(store_baseline_db(s, other, "reg", 1), MIG_OK);
    put(s, other, "reg", "tool", "c", "04");
    /* Recorded again: replaced, not doubled. */
    put(s, run, "reg", "tool", "a", "05");
    assert_int_equal(store_flush(s), MIG_OK);
    char *seen = walk(s, run, true, 0);
    assert_string_equal(seen, "empty.db=0\nreg=3\nreg server/z 03\n"
                              "reg tool/a 05\nreg tool/b 02\n");
    free(seen);
    seen = walk(s, run, false, 0);
    assert_string_equal(seen, "empty.db=0\nreg=3\n");
    free(seen);
    /* A walk stops when a callback says so. */
    seen = walk(s, run, true, 3);
    assert_string_equal(seen, "empty.db=0\nreg=3\nreg server/z 03\n");
    free(seen);
    seen = walk(s, 99, true, 0);
    assert_string_equal(seen, "");
    free(seen);
    store_close(s);
}

static void test_last_succeeded(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    int64_t id = -1;
    assert_int_equal(store_run_last_succeeded(s, "/plans/p.mig", NULL, &id),
                     MIG_OK);
    assert_int_equal(id, 0);
    int64_t ok1 = new_run(s, "p", 1, "h");
    assert_int_equal(store_run_finish(s, ok1, STORE_RUN_SUCCEEDED, NULL),
                     MIG_OK);
    int64_t failed = new_run(s, "p", 1, "h");
    assert_int_equal(store_run_finish(s, failed, STORE_RUN_FAILED, "x"),
                     MIG_OK);
    int64_t undone = new_run(s, "p", 1, "h");
    assert_int_equal(store_run_finish(s, undone, STORE_RUN_ROLLED_BACK, "x"),
                     MIG_OK);
    new_run(s, "p", 1, "h");           /* still running */
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(store_run_last_succeeded(s, "/plans/p.mig", NULL, &id),
                     MIG_OK);
    assert_int_equal(id, ok1);
    /* Another plan, another profile: none. */
    assert_int_equal(store_run_last_succeeded(s, "/plans/q.mig", NULL, &id),
                     MIG_OK);
    assert_int_equal(id, 0);
    assert_int_equal(store_run_last_succeeded(s, "/plans/p.mig", "production",
                                              &id), MIG_OK);
    assert_int_equal(id, 0);
    store_run_t r = { .plan_path = "/plans/p.mig", .plan_name = "p",
                      .plan_digest = "abc", .profile = "production",
                      .host = "h", .pid = 1, .started_ms = 1 };
    int64_t prod = 0;
    assert_int_equal(store_run_create(s, &r, &prod), MIG_OK);
    assert_int_equal(store_run_finish(s, prod, STORE_RUN_SUCCEEDED, NULL),
                     MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(store_run_last_succeeded(s, "/plans/p.mig", "production",
                                              &id), MIG_OK);
    assert_int_equal(id, prod);
    assert_int_equal(store_run_last_succeeded(s, "/plans/p.mig", NULL, &id),
                     MIG_OK);
    assert_int_equal(id, ok1);
    store_close(s);
}

/* The content named HEX as S and BLOBS give it: "" after a failure. */
static char *content(store_t *s, blobs_t *b, const char *hex,
                     mig_status_t want)
{
    strbuf_t out;
    strbuf_init(&out);
    assert_int_equal(store_baseline_content(s, b, hex, &out), want);
    char *text = strndup(out.data ? out.data : "", want ? 0 : out.len);
    strbuf_free(&out);
    return text;
}

static void test_content(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    char objects[160];
    snprintf(objects, sizeof objects, "%s/.mig/objects", dir);
    diag_list_t d;
    diag_list_init(&d);
    blobs_t *b = NULL;
    assert_int_equal(blobs_open(objects, &d, &b), MIG_OK);
    static const char rec[] = "{\"kind\":\"tool\",\"name\":\"echo\"}";
    static const char old[] = "{\"kind\":\"tool\",\"name\":\"old\"}";
    char hex[BLOB_HEX], old_hex[BLOB_HEX];
    blobs_hash(rec, strlen(rec), hex);
    /* Kept twice (two runs' baselines): one row. */
    assert_int_equal(store_baseline_content_put(s, hex, rec, strlen(rec)),
                     MIG_OK);
    assert_int_equal(store_baseline_content_put(s, hex, rec, strlen(rec)),
                     MIG_OK);
    /* An older baseline's content: a file of the object store only. */
    assert_int_equal(blobs_put(b, old, strlen(old), old_hex), MIG_OK);
    assert_int_equal(store_flush(s), MIG_OK);
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
                                        "baseline_objects", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 1);
    sqlite3_finalize(q);
    sqlite3_close(db);
    char *got = content(s, b, hex, MIG_OK);
    assert_string_equal(got, rec);
    free(got);
    got = content(s, NULL, hex, MIG_OK);        /* no object store needed */
    assert_string_equal(got, rec);
    free(got);
    got = content(s, b, old_hex, MIG_OK);
    assert_string_equal(got, old);
    free(got);
    /* In neither place; the old one without its object store. */
    got = content(s, b, "00000000000000000000000000000000000000000000000"
                  "00000000000000000", MIG_EIO);
    free(got);
    got = content(s, NULL, old_hex, MIG_EIO);
    free(got);
    store_close(s);
    s = open_store(STORE_READONLY);
    got = content(s, NULL, hex, MIG_OK);
    assert_string_equal(got, rec);
    free(got);
    store_close(s);
    blobs_close(b);
    diag_list_free(&d);
}

/* While the store defers (as a run's end does), the baseline's rows are
 * queued: none is in the file before the commit; after it, 100 records
 * (statements of 64, 32 and 4 rows) read back as written one by one, a
 * record put twice keeps the later digest, and a content kept twice is
 * one row. */
static void test_queued(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    char name[16], text[64], hex[BLOB_HEX];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "t%03d", i);
        snprintf(text, sizeof text, "{\"name\":\"%s\"}", name);
        blobs_hash(text, strlen(text), hex);
        put(s, run, "r.db", "tool", name, i == 7 ? "old" : hex);
        assert_int_equal(store_baseline_content_put(s, hex, text,
                                                    strlen(text)), MIG_OK);
    }
    put(s, run, "r.db", "tool", "t007", "new");
    assert_int_equal(store_baseline_content_put(s, hex, text, strlen(text)),
                     MIG_OK);
    assert_int_equal(store_baseline_db(s, run, "r.db", 100), MIG_OK);
    assert_int_equal(count_rows("baseline_records"), 0);
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(count_rows("baseline_records"), 100);
    assert_int_equal(count_rows("baseline_objects"), 100);
    char *seen = walk(s, run, true, 0);
    assert_memory_equal(seen, "r.db=100\nr.db tool/t000 ", 24);
    assert_non_null(strstr(seen, "r.db tool/t007 new\n"));
    free(seen);
    char *got = content(s, NULL, hex, MIG_OK);
    assert_string_equal(got, text);
    free(got);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, make_dir, remove_dir)
        T(test_upgrade_from_4),
        T(test_each_in_order),
        T(test_last_succeeded),
        T(test_content),
        T(test_queued),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
