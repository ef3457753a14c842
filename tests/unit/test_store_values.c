/* test_store_values.c: values kept once in the state store
 * (runtime/store_values.c; docs/state.md, "value_objects"): a map carried
 * by a step's result and by a journal record's arguments is written once,
 * under an id, the rows naming it; maps below
 * STORE_VALUE_MIN bytes stay whole; every reader gets the values back as
 * they were; the rows hold their values until the writer thread has
 * written them; a name whose value is gone is damage, said so; a value
 * kept by a transaction rolled back is written again, not named. */
#include "store_fixture.h"

/* ---- helpers ----------------------------------------------------------- */

/* A map {"s": "xxx..."} whose size (val_size) is exactly SIZE. */
static val_t *map_of_size(uint64_t size)
{
    val_t *empty = json("{\"s\": \"\"}");
    uint64_t base = val_size(empty);
    val_unref(empty);
    assert_true(size >= base && size - base < 1000);
    char text[1024];
    size_t n = (size_t)(size - base);
    memcpy(text, "{\"s\": \"", 7);
    memset(text + 7, 'x', n);
    strcpy(text + 7 + n, "\"}");
    val_t *v = json(text);
    assert_int_equal(val_size(v), size);
    return v;
}

/* A descriptor as tools.normalize gives one: over 256 bytes of JSON. */
static val_t *descriptor(const char *name)
{
    char text[1024];
    snprintf(text, sizeof text, "{\"kind\": \"tool\", \"name\": \"%s\", "
             "\"description\": \"Translates the product records by its "
             "id.\", \"inputSchema\": {\"type\": \"object\", \"properties\":"
             " {}}, \"provenance\": {\"file\": \"legacy/mcp/000/server/"
             "manifest.json\", \"pointer\": \"/tools/0\", \"format\": "
             "\"mcp.bundle\"}, \"status\": \"active\"}", name);
    return json(text);
}

/* Text of one cell, read by a connection of its own; "NULL" for SQL
 * NULL. */
static void cell(const char *query, char *out, size_t cap)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, query, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    const char *t = (const char *)sqlite3_column_text(q, 0);
    snprintf(out, cap, "%s", t ? t : "NULL");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* V's compact JSON, as the store writes it. */
static void json_of(const val_t *v, char *out, size_t cap)
{
    strbuf_t b;
    strbuf_init(&b);
    val_to_json(v, &b, VAL_JSON_SEALED);
    snprintf(out, cap, "%s", b.data);
    strbuf_free(&b);
}

/* Puts a done step NODE of RUN with RESULT. */
static void put_step(store_t *s, int64_t run, const char *node, val_t *result)
{
    store_step_t st = { .node = node, .item = "0", .state = STORE_STEP_DONE,
                        .attempts = 1, .result = result, .ended_ms = 5 };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
}

/* Journals an intent of RUN with ARGS; its position. */
static int64_t put_intent(store_t *s, int64_t run, val_t *args)
{
    store_journal_t rec = { .node = "put", .item = "0",
                            .action = "registry.put",
                            .kind = STORE_JOURNAL_SELF, .args = args };
    assert_int_equal(store_journal_intent(s, run, &rec), MIG_OK);
    return rec.seq;
}

/* Checks that step ST's result is the one test_rows_hold_their_values
 * made for it (its node names its descriptor). */
static bool see_name(void *data, const store_step_t *st)
{
    seen_t *w = data;
    const val_t *d = key(st->result, "descriptor");
    size_t len;
    const char *name = val_get_str(key(d, "name"), &len);
    assert_int_equal(len, strlen(st->node));
    assert_memory_equal(name, st->node, len);
    assert_int_equal(val_len(key(st->result, "changes")), 0);
    w->n++;
    return true;
}

typedef struct got {
    val_t *v;
} got_t;

static bool got_result(void *data, const store_step_t *st)
{
    got_t *g = data;
    g->v = val_ref(st->result);
    return false;
}

static bool got_args(void *data, const store_journal_t *rec)
{
    got_t *g = data;
    g->v = val_ref(rec->args);
    return false;
}

/* The result of RUN's first step and the args of its first record, read
 * by the store opened again, must be WANT_RESULT and WANT_ARGS exactly
 * (the same JSON, keys in their order). */
static void reads_back(int64_t run, const val_t *want_result,
                       const val_t *want_args)
{
    store_t *s = open_store(0);
    got_t g = { 0 };
    assert_int_equal(store_step_each(s, run, got_result, &g), MIG_OK);
    strbuf_t a, b;
    strbuf_init(&a);
    strbuf_init(&b);
    val_to_json(g.v, &a, 0);
    val_to_json(want_result, &b, 0);
    assert_string_equal(a.data, b.data);
    val_unref(g.v);
    g.v = NULL;
    if (want_args) {
        assert_int_equal(store_journal_each(s, run, 0, 0, got_args, &g),
                         MIG_OK);
        a.len = b.len = 0;
        val_to_json(g.v, &a, 0);
        val_to_json(want_args, &b, 0);
        assert_string_equal(a.data, b.data);
        val_unref(g.v);
    }
    strbuf_free(&a);
    strbuf_free(&b);
    store_close(s);
}

/* ---- kept once ------------------------------------------------------------ */

/* A normalised descriptor in a step's result, then in the next step's
 * arguments (the same value): one row of value_objects, both rows naming
 * its id, and both read back whole. */
static void test_kept_once(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    val_t *d = descriptor("create_event");
    val_t *result = json("{\"changes\": [\"a change\"]}");
    assert_int_equal(val_map_set(result, "descriptor", 10, d), MIG_OK);
    val_t *args = json("{\"db\": \"registry.db\"}");
    assert_int_equal(val_map_set(args, "record", 6, d), MIG_OK);
    assert_int_equal(val_map_set_take(args, "replace", 7, val_bool(false)),
                     MIG_OK);
    put_step(s, run, "v2", result);
    put_intent(s, run, args);
    assert_int_equal(store_flush(s), MIG_OK);
    store_close(s);

    char got[2048], want[2048];
    assert_int_equal(count_rows("value_objects"), 1);
    cell("SELECT id || ' ' || json FROM value_objects", got, sizeof got);
    json_of(d, want + 2, sizeof want - 2);
    memcpy(want, "1 ", 2);
    assert_string_equal(got, want);
    cell("SELECT result FROM steps", got, sizeof got);
    assert_string_equal(got, "{\"changes\":[\"a change\"],"
                        "\"descriptor\":null}");
    cell("SELECT result_refs FROM steps", got, sizeof got);
    assert_string_equal(got, "{\"descriptor\":1}");
    cell("SELECT args FROM journal", got, sizeof got);
    assert_string_equal(got, "{\"db\":\"registry.db\",\"record\":null,"
                        "\"replace\":false}");
    cell("SELECT args_refs FROM journal", got, sizeof got);
    assert_string_equal(got, "{\"record\":1}");
    reads_back(run, result, args);
    val_unref(d);
    val_unref(result);
    val_unref(args);
}

/* A value is kept once however many rows carry it; two values of the
 * same content are two (kept by the value, not by its content). */
static void test_kept_by_value(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    val_t *a = json("{\"x\": 1}"), *b = json("{\"x\": 1}");
    val_t *da = descriptor("same"), *db = descriptor("same");
    assert_int_equal(val_map_set(a, "d", 1, da), MIG_OK);
    assert_int_equal(val_map_set(b, "d", 1, db), MIG_OK);
    put_step(s, run, "one", a);
    put_step(s, run, "two", a);
    put_step(s, run, "three", b);
    assert_int_equal(store_flush(s), MIG_OK);
    char got[256];
    assert_int_equal(count_rows("value_objects"), 2);
    cell("SELECT group_concat(result_refs, ' ') FROM steps", got,
         sizeof got);
    assert_string_equal(got, "{\"d\":1} {\"d\":1} {\"d\":2}");
    store_close(s);
    reads_back(run, a, NULL);
    val_unref(a);
    val_unref(b);
    val_unref(da);
    val_unref(db);
}

/* The bound: a map of size (val_size) STORE_VALUE_MIN - 1 stays in its
 * row; one of STORE_VALUE_MIN is kept. A list, a string or a map at the
 * top (not an entry) is never kept. */
static void test_only_large_map_entries(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    val_t *below = map_of_size(STORE_VALUE_MIN - 1);
    val_t *at = map_of_size(STORE_VALUE_MIN);
    val_t *r1 = json("{}"), *r2 = json("{}");
    assert_int_equal(val_map_set(r1, "m", 1, below), MIG_OK);
    assert_int_equal(val_map_set(r2, "m", 1, at), MIG_OK);
    put_step(s, run, "below", r1);
    put_step(s, run, "at", r2);
    put_step(s, run, "top", at);
    val_t *list = val_list_new(1);
    assert_int_equal(val_list_push(list, at), MIG_OK);
    val_t *r3 = json("{}");
    assert_int_equal(val_map_set(r3, "l", 1, list), MIG_OK);
    put_step(s, run, "list", r3);
    assert_int_equal(store_flush(s), MIG_OK);
    char got[1024];
    assert_int_equal(count_rows("value_objects"), 1);
    cell("SELECT result_refs IS NULL FROM steps WHERE node = 'below'", got,
         sizeof got);
    assert_string_equal(got, "1");
    cell("SELECT result_refs IS NULL FROM steps WHERE node = 'at'", got,
         sizeof got);
    assert_string_equal(got, "0");
    cell("SELECT count(*) FROM steps WHERE result_refs IS NULL", got,
         sizeof got);
    assert_string_equal(got, "3");
    store_close(s);
    reads_back(run, r1, NULL);
    val_unref(below);
    val_unref(at);
    val_unref(r1);
    val_unref(r2);
    val_unref(r3);
    val_unref(list);
}

/* A secret inside a kept map is kept sealed (its recipe, never its
 * bytes) and reads back a sealed secret. */
static void test_kept_secret_sealed(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    val_t *source = json("{\"env\": \"MIG_TEST_TOKEN\"}");
    val_t *secret = val_secret_new("hunter2", 7, source);
    val_t *d = descriptor("with_secret");
    assert_int_equal(val_map_set(d, "token", 5, secret), MIG_OK);
    val_t *args = json("{}");
    assert_int_equal(val_map_set(args, "record", 6, d), MIG_OK);
    put_step(s, run, "v2", args);
    assert_int_equal(store_flush(s), MIG_OK);
    store_close(s);
    char got[2048];
    cell("SELECT instr(json, 'hunter2') = 0 AND instr(json, "
         "'MIG_TEST_TOKEN') > 0 FROM value_objects", got, sizeof got);
    assert_string_equal(got, "1");
    s = open_store(0);
    got_t g = { 0 };
    assert_int_equal(store_step_each(s, run, got_result, &g), MIG_OK);
    const val_t *t = key(key(g.v, "record"), "token");
    assert_int_equal(val_type(t), VAL_SECRET);
    assert_true(val_secret_sealed(t));
    val_unref(g.v);
    store_close(s);
    val_unref(source);
    val_unref(secret);
    val_unref(d);
    val_unref(args);
}

/* A step put again (running, then done) with a result that keeps
 * nothing leaves no name of the first behind. */
static void test_replaced_step_forgets_names(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    val_t *d = descriptor("first");
    val_t *r = json("{}");
    assert_int_equal(val_map_set(r, "d", 1, d), MIG_OK);
    put_step(s, run, "v2", r);
    assert_int_equal(store_flush(s), MIG_OK);
    val_t *small = json("{\"d\": {\"x\": 1}}");
    put_step(s, run, "v2", small);
    assert_int_equal(store_flush(s), MIG_OK);
    char got[256];
    cell("SELECT result_refs IS NULL FROM steps", got, sizeof got);
    assert_string_equal(got, "1");
    store_close(s);
    reads_back(run, small, NULL);
    val_unref(d);
    val_unref(r);
    val_unref(small);
}

/* ---- written by the writer thread ---------------------------------------- */

/* 100 steps queued, each result released by its maker at once: the rows
 * hold their values until written (by the writer thread, given batches
 * of 8 and more while the loop goes on), and every result reads back
 * whole, its descriptor kept once. */
static void test_rows_hold_their_values(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    char name[32];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "tool_%03d", i);
        val_t *r = json("{\"changes\": []}");
        val_t *d = descriptor(name);
        assert_int_equal(val_map_set_take(r, "descriptor", 10, d), MIG_OK);
        store_step_t st = { .node = name, .item = "", .attempts = 1,
                            .state = STORE_STEP_DONE, .result = r };
        assert_int_equal(store_step_put(s, run, &st), MIG_OK);
        val_unref(r);
    }
    assert_non_null(s->writer);
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(count_rows("value_objects"), 100);
    assert_int_equal(count_rows("steps WHERE result_refs IS NOT NULL"), 100);
    store_close(s);
    s = open_store(0);
    seen_t w = { .stop_after = -1 };
    assert_int_equal(store_step_each(s, run, see_name, &w), MIG_OK);
    assert_int_equal(w.n, 100);
    store_close(s);
}

/* Rows dropped before they were written (the store failed) release the
 * values they held (the sanitizer build finds a leak otherwise). */
static void test_dropped_rows_release(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    val_t *r = json("{}");
    val_t *d = descriptor("dropped");
    assert_int_equal(val_map_set_take(r, "d", 1, d), MIG_OK);
    put_step(s, run, "v2", r);
    put_intent(s, run, r);
    assert_int_equal(store_fail(s, MIG_EIO), MIG_EIO);
    assert_int_equal(val_refcount(r), 1);
    val_unref(r);
    store_close(s);
    assert_int_equal(count_rows("value_objects"), 0);
}

/* ---- rollback and damage ------------------------------------------------ */

/* A map kept by a transaction that was rolled back (its commit failed:
 * a full disk, the reserve then used) is written again by the next one
 * that carries it, not named: the name would lead nowhere. */
static void test_rolled_back_kept_again(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    val_t *d = descriptor("again");
    val_t *r = json("{}");
    assert_int_equal(val_map_set(r, "d", 1, d), MIG_OK);
    put_step(s, run, "first", r);
    s->full_after = 1;
    s->commits = 1;                     /* this commit fails: disk full */
    assert_int_equal(store_flush(s), MIG_EIO);
    assert_true(store_full(s));
    assert_int_equal(store_use_reserve(s), MIG_OK);
    s->full_after = 0;
    /* A commit in between: the rolled-back transaction's number is now
     * below the last committed one's. */
    val_t *small = json("{\"x\": 1}");
    put_intent(s, run, small);
    val_unref(small);
    assert_int_equal(store_flush(s), MIG_OK);
    put_step(s, run, "second", r);
    assert_int_equal(store_flush(s), MIG_OK);
    assert_int_equal(count_rows("value_objects"), 1);
    store_close(s);
    reads_back(run, r, NULL);
    val_unref(d);
    val_unref(r);
}

/* A row naming a value the store does not hold: the store is damaged,
 * said with the column and the id; nothing is read as if whole. */
static void test_missing_value_is_damage(void **state)
{
    (void)state;
    int64_t run;
    store_t *s = open_deferring(&run);
    val_t *d = descriptor("lost");
    val_t *r = json("{}");
    assert_int_equal(val_map_set(r, "d", 1, d), MIG_OK);
    put_step(s, run, "v2", r);
    put_intent(s, run, r);
    assert_int_equal(store_flush(s), MIG_OK);
    store_close(s);
    sql(path, "DELETE FROM value_objects");
    char want[512];
    s = open_store(0);
    got_t g = { 0 };
    assert_int_equal(store_step_each(s, run, got_result, &g), MIG_EIO);
    assert_null(g.v);
    snprintf(want, sizeof want, "the state store '%s' is damaged: "
             "result_refs names the kept value 1, which it does not hold",
             path);
    assert_string_equal(last_diag(s), want);
    assert_int_equal(store_journal_each(s, run, 0, 0, got_args, &g),
                     MIG_EIO);
    snprintf(want, sizeof want, "the state store '%s' is damaged: "
             "args_refs names the kept value 1, which it does not hold",
             path);
    assert_string_equal(last_diag(s), want);
    /* The passes that leave the arguments out do not need it. */
    assert_int_equal(store_journal_each(s, run, 0, STORE_EACH_NO_ARGS,
                                        got_args, &g), MIG_OK);
    store_close(s);
    val_unref(d);
    val_unref(r);
}

/* Rows written whole (with full durability nothing is queued; a store
 * before schema 13 had no names) read as before. */
static void test_whole_rows_read(void **state)
{
    (void)state;
    store_t *s = open_store(STORE_CREATE);
    store_set_durability(s, STORE_DURABLE_FULL);
    int64_t run = new_run(s, "p", 1, "h");
    val_t *d = descriptor("whole");
    val_t *r = json("{}");
    assert_int_equal(val_map_set(r, "d", 1, d), MIG_OK);
    put_step(s, run, "v2", r);
    put_intent(s, run, r);
    store_close(s);
    assert_int_equal(count_rows("value_objects"), 0);
    reads_back(run, r, r);
    val_unref(d);
    val_unref(r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, make_dir, remove_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_kept_once),
        T(test_kept_by_value),
        T(test_only_large_map_entries),
        T(test_kept_secret_sealed),
        T(test_replaced_step_forgets_names),
        T(test_rows_hold_their_values),
        T(test_dropped_rows_release),
        T(test_rolled_back_kept_again),
        T(test_missing_value_is_damage),
        T(test_whole_rows_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
