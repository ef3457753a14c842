/* test_tools_report.c: the per-file outcome report (stdlib/tools_report.c,
 * docs/report.md) over journals written by hand: files from tools.scan
 * and tools.read, records followed by provenance through
 * tools.normalize and registry.put whatever the nodes are called, each
 * outcome, skips by an enclosing item, rollbacks, the reason's bound;
 * and the store's side of it: a failed step keeps its arguments (schema
 * 4, upgraded from 3). */
#include "journal_fixture.h"

#include "mig_stdlib.h"
#include "store_versions.h"

/* A step with no times (the report does not read them). */
static void step(const char *node, const char *item, const char *action,
                 store_step_state_t state, const char *result,
                 const char *args, const char *cls, const char *msg)
{
    journal_step(node, item, action, state, result, args, cls, msg, 0, 0);
}

static void put_record(const char *node, const char *item, const char *record,
                       store_journal_state_t state)
{
    journal_put(node, item, record, state);
}

static val_t *build(void)
{
    assert_int_equal(store_flush(s), MIG_OK);
    val_t *rep = NULL;
    assert_int_equal(tools_report_build(s, run, &rep), MIG_OK);
    assert_non_null(rep);
    return rep;
}

static val_t *at(const val_t *m, const char *key)
{
    return val_map_get(m, key, strlen(key));
}

static const char *str(const val_t *m, const char *key)
{
    val_t *v = at(m, key);
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* File I of REP, which must be WANT. */
static val_t *file_at(const val_t *rep, size_t i, const char *want)
{
    val_t *f = val_list_get(at(rep, "files"), i);
    assert_non_null(f);
    assert_string_equal(str(f, "path"), want);
    return f;
}

static val_t *record_at(const val_t *f, size_t i)
{
    val_t *r = val_list_get(at(f, "records"), i);
    assert_non_null(r);
    return r;
}

#define PROV(file, ptr)                                                       \
    "{\"file\": \"" file "\", \"pointer\": \"" ptr "\", \"format\": "         \
    "\"openai.tools\"}"
#define TOOL(name, file, ptr)                                                 \
    "{\"kind\": \"tool\", \"name\": \"" name "\", \"provenance\": "           \
    PROV(file, ptr) "}"

static const char scan_result[] =
    "[{\"path\": \"in/a.json\", \"format\": \"openai.tools\", \"reason\": null},"
    " {\"path\": \"in/b.txt\", \"format\": null, \"reason\": \"plain text "
    "that no reader recognises\"},"
    " {\"path\": \"in/c.json\", \"format\": \"mcp.tool\", \"reason\": null}]";

static const char read_a[] =
    "{\"path\": \"in/a.json\", \"format\": \"openai.tools\", \"version\": "
    "\"v1\", \"digest\": \"blake2b:00\", \"problems\": [], \"servers\": [], "
    "\"backends\": [], \"tools\": [" TOOL("one", "in/a.json", "/0") ", "
    TOOL("two", "in/a.json", "/1") "]}";

/* The steps are named nothing like their actions: the report follows the
 * actions and the data. */
static void test_partial_rejected_not_reached(void **state)
{
    (void)state;
    step("x/q", "", "tools.scan", STORE_STEP_DONE, scan_result, NULL, NULL,
         NULL);
    step("x/each/q", "0", "tools.read", STORE_STEP_DONE, read_a, NULL, NULL,
         NULL);
    step("x/each/inner/z", "0/0", "tools.normalize", STORE_STEP_DONE,
         "{\"descriptor\": " TOOL("one_v2", "in/a.json", "/0") "}", NULL,
         NULL, NULL);
    put_record("x/each/inner/w", "0/0", TOOL("one_v2", "in/a.json", "/0"),
               STORE_JOURNAL_DONE);
    step("x/each/inner/w", "0/0", "registry.put", STORE_STEP_DONE,
         "{\"outcome\": \"added\"}", NULL, NULL, NULL);
    step("x/each/inner/z", "0/1", "tools.normalize", STORE_STEP_FAILED, NULL,
         "{\"record\": " TOOL("two", "in/a.json", "/1") "}", "InvalidConfig",
         "tools.normalize: the descriptor of 'two' is not valid");
    val_t *rep = build();
    assert_int_equal(val_get_int(at(rep, "steps")), 5);
    assert_int_equal(val_len(at(rep, "files")), 3);
    val_t *a = file_at(rep, 0, "in/a.json");
    assert_string_equal(str(a, "outcome"), "partial");
    assert_string_equal(str(a, "reason"), "1 of 2 records migrated, "
                        "1 rejected");
    assert_string_equal(str(a, "version"), "v1");
    assert_string_equal(str(record_at(a, 0), "outcome"), "stored");
    assert_string_equal(str(record_at(a, 0), "pointer"), "/0");
    /* The name as found, and the one the registry has (fitted). */
    assert_string_equal(str(record_at(a, 0), "name"), "one");
    assert_string_equal(str(record_at(a, 0), "v2_name"), "one_v2");
    val_t *two = record_at(a, 1);
    assert_string_equal(str(two, "name"), "two");
    assert_json(at(two, "v2_name"), "null");  /* never a descriptor */
    assert_string_equal(str(two, "outcome"), "rejected");
    assert_string_equal(str(two, "reason"), "tools.normalize: the "
                        "descriptor of 'two' is not valid");
    assert_string_equal(str(at(two, "error"), "class"), "InvalidConfig");
    val_t *b = file_at(rep, 1, "in/b.txt");
    assert_string_equal(str(b, "outcome"), "rejected");
    assert_string_equal(str(b, "reason"), "plain text that no reader "
                        "recognises");
    val_t *c = file_at(rep, 2, "in/c.json");
    assert_string_equal(str(c, "outcome"), "not-reached");
    assert_string_equal(str(c, "format"), "mcp.tool");
    assert_json(at(at(rep, "totals"), "files"), "{\"total\":3,\"migrated\":0,"
                "\"partial\":1,\"rejected\":1,\"skipped\":0,\"failed\":0,"
                "\"not-reached\":1}");
    assert_json(at(rep, "rollback"), "null");
    val_unref(rep);
}

/* A Conflict in item 1/0 whose item 1 a handler skipped; one in item 2/0
 * that nobody handled; kept and replaced records migrate. */
static void test_conflict_skipped_or_failed(void **state)
{
    (void)state;
    step("r", "1", "tools.read", STORE_STEP_DONE,
         "{\"path\": \"b.yaml\", \"format\": \"synapse\", \"tools\": ["
         TOOL("t", "b.yaml", "/tools/0") "]}", NULL, NULL, NULL);
    step("p", "1/0", "registry.put", STORE_STEP_FAILED, NULL,
         "{\"record\": " TOOL("t", "b.yaml", "/tools/0") "}", "Conflict",
         "registry.put: tool 't' differs");
    store_step_t skip = { .node = "loop", .item = "1",
                          .state = STORE_STEP_SKIPPED, .error_class = "skip",
                          .error = "defined elsewhere" };
    assert_int_equal(store_step_put(s, run, &skip), MIG_OK);
    step("p", "2/0", "registry.put", STORE_STEP_FAILED, NULL,
         "{\"record\": " TOOL("u", "c.yaml", "/tools/0") "}", "Conflict",
         "registry.put: tool 'u' differs");
    put_record("p", "3/0", TOOL("k", "d.yaml", "/0"), STORE_JOURNAL_DONE);
    step("p", "3/0", "registry.put", STORE_STEP_DONE,
         "{\"outcome\": \"kept\"}", NULL, NULL, NULL);
    put_record("p", "3/1", TOOL("l", "d.yaml", "/1"), STORE_JOURNAL_DONE);
    step("p", "3/1", "registry.put", STORE_STEP_DONE,
         "{\"outcome\": \"replaced\"}", NULL, NULL, NULL);
    val_t *rep = build();
    val_t *b = file_at(rep, 0, "b.yaml");
    assert_string_equal(str(b, "outcome"), "skipped");
    assert_string_equal(str(b, "reason"), "defined elsewhere");
    assert_string_equal(str(record_at(b, 0), "outcome"), "skipped");
    assert_string_equal(str(at(record_at(b, 0), "error"), "class"),
                        "Conflict");
    val_t *c = file_at(rep, 1, "c.yaml");
    assert_string_equal(str(c, "outcome"), "failed");
    assert_string_equal(str(record_at(c, 0), "outcome"), "conflict");
    assert_string_equal(str(record_at(c, 0), "reason"),
                        "registry.put: tool 'u' differs");
    assert_string_equal(str(at(c, "error"), "class"), "Conflict");
    /* Known only by provenance: the format comes from it. */
    assert_string_equal(str(c, "format"), "openai.tools");
    val_t *d = file_at(rep, 2, "d.yaml");
    assert_string_equal(str(d, "outcome"), "migrated");
    assert_json(at(d, "reason"), "null");
    assert_string_equal(str(record_at(d, 0), "outcome"), "kept");
    assert_string_equal(str(record_at(d, 1), "outcome"), "replaced");
    val_unref(rep);
}

/* A read that failed is the file's failure, with its class; skipped when
 * its item was. */
static void test_read_failed(void **state)
{
    (void)state;
    /* b.json is seen first; the report lists by path all the same. */
    step("r", "1", "tools.read", STORE_STEP_FAILED, NULL,
         "{\"path\": \"b.json\"}", "Timeout", "took too long");
    step("r", "0", "tools.read", STORE_STEP_FAILED, NULL,
         "{\"path\": \"a.json\"}", "Unavailable", "injected fault");
    store_step_t skip = { .node = "loop", .item = "1",
                          .state = STORE_STEP_SKIPPED, .error_class = "skip",
                          .error = "slow file" };
    assert_int_equal(store_step_put(s, run, &skip), MIG_OK);
    val_t *rep = build();
    val_t *a = file_at(rep, 0, "a.json");
    assert_string_equal(str(a, "outcome"), "failed");
    assert_string_equal(str(a, "reason"), "Unavailable: injected fault");
    assert_string_equal(str(at(a, "error"), "message"), "injected fault");
    val_t *b = file_at(rep, 1, "b.json");
    assert_string_equal(str(b, "outcome"), "skipped");
    assert_string_equal(str(b, "reason"), "slow file");
    val_unref(rep);
}

/* Records undone by a rollback say so, and the rollback's event is
 * given as it was recorded. */
static void test_rolled_back(void **state)
{
    (void)state;
    put_record("p", "0", TOOL("t", "a.json", "/0"), STORE_JOURNAL_UNDONE);
    step("p", "0", "registry.put", STORE_STEP_DONE, "{\"outcome\": "
         "\"added\"}", NULL, NULL, NULL);
    val_t *d = json("{\"to\": \"cp\", \"undone\": 1, \"matched\": true}");
    assert_int_equal(store_event(s, run, "rollback-done", NULL, NULL, d),
                     MIG_OK);
    val_unref(d);
    val_t *rep = build();
    val_t *a = file_at(rep, 0, "a.json");
    assert_string_equal(str(a, "outcome"), "migrated");
    assert_true(val_get_bool(at(a, "rolled_back")));
    assert_true(val_get_bool(at(record_at(a, 0), "rolled_back")));
    assert_json(at(rep, "rollback"), "{\"event\":\"rollback-done\",\"data\":"
                "{\"to\":\"cp\",\"undone\":1,\"matched\":true}}");
    val_unref(rep);
}

/* A run of other actions has no steps to follow and no files; a put of a
 * record without provenance is counted, not placed. */
static void test_no_tools_and_unattributed(void **state)
{
    (void)state;
    step("w", "", "file.write", STORE_STEP_DONE, "null", NULL, NULL, NULL);
    val_t *rep = build();
    assert_int_equal(val_get_int(at(rep, "steps")), 0);
    assert_int_equal(val_len(at(rep, "files")), 0);
    val_unref(rep);
    put_record("p", "", "{\"kind\": \"tool\", \"name\": \"x\"}",
               STORE_JOURNAL_DONE);
    step("p", "", "registry.put", STORE_STEP_DONE, "{\"outcome\": "
         "\"added\"}", NULL, NULL, NULL);
    rep = build();
    assert_int_equal(val_get_int(at(rep, "steps")), 1);
    assert_int_equal(val_get_int(at(rep, "unattributed")), 1);
    assert_int_equal(val_len(at(rep, "files")), 0);
    val_unref(rep);
}

/* A reason of TOOLS_REPORT_REASON_MAX bytes is shown whole; one byte
 * more and it is cut, saying so. */
static void test_reason_bound(void **state)
{
    (void)state;
    char why[TOOLS_REPORT_REASON_MAX + 2];
    memset(why, 'x', sizeof why - 1);
    why[sizeof why - 1] = '\0';
    store_step_t skip = { .node = "loop", .item = "0",
                          .state = STORE_STEP_SKIPPED, .error_class = "skip",
                          .error = why };
    assert_int_equal(store_step_put(s, run, &skip), MIG_OK);
    step("r", "0", "tools.read", STORE_STEP_FAILED, NULL,
         "{\"path\": \"long.json\"}", "Unavailable", "x");
    why[TOOLS_REPORT_REASON_MAX] = '\0';    /* exactly the bound */
    skip.item = "1";
    assert_int_equal(store_step_put(s, run, &skip), MIG_OK);
    step("r", "1", "tools.read", STORE_STEP_FAILED, NULL,
         "{\"path\": \"max.json\"}", "Unavailable", "x");
    val_t *rep = build();
    const char *cut = str(file_at(rep, 0, "long.json"), "reason");
    assert_true(strlen(cut) <= TOOLS_REPORT_REASON_MAX);
    assert_non_null(strstr(cut, "bytes left out"));
    const char *whole = str(file_at(rep, 1, "max.json"), "reason");
    assert_int_equal(strlen(whole), TOOLS_REPORT_REASON_MAX);
    assert_null(strstr(whole, "left out"));
    val_unref(rep);
}

/* ---- the store: a failed step's arguments --------------------------------- */

static bool args_of(void *data, const store_step_t *st)
{
    strbuf_t *b = data;
    strbuf_printf(b, "%s=", st->node);
    if (st->args)
        val_to_json(st->args, b, 0);
    else
        strbuf_puts(b, "NULL");
    strbuf_putc(b, ' ');
    return true;
}

/* Kept for a failed step, dropped for the other states, written alone
 * or in a deferred batch alike. */
static void test_step_args(void **state)
{
    (void)state;
    val_t *a = json("{\"path\": \"x\"}");
    for (int defer = 0; defer < 2; defer++) {
        store_defer(s, defer);
        store_step_t st = { .node = defer ? "d-failed" : "failed", .item = "",
                            .state = STORE_STEP_FAILED, .args = a };
        assert_int_equal(store_step_put(s, run, &st), MIG_OK);
        st.node = defer ? "d-done" : "done";
        st.state = STORE_STEP_DONE;
        assert_int_equal(store_step_put(s, run, &st), MIG_OK);
        st.node = defer ? "d-skipped" : "skipped";
        st.state = STORE_STEP_SKIPPED;
        assert_int_equal(store_step_put(s, run, &st), MIG_OK);
        assert_int_equal(store_flush(s), MIG_OK);
    }
    store_defer(s, false);
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(store_step_each(s, run, args_of, &b), MIG_OK);
    assert_string_equal(b.data, "failed={\"path\":\"x\"} done=NULL "
                        "skipped=NULL d-failed={\"path\":\"x\"} d-done=NULL "
                        "d-skipped=NULL ");
    strbuf_free(&b);
    val_unref(a);
}

/* A store of schema 3 (steps without args) is upgraded on open. */
static void test_upgrade_from_3(void **state)
{
    (void)state;
    store_close(s);
    sql(path, "ALTER TABLE steps DROP COLUMN args; DROP TABLE "
        "baseline_registries; DROP TABLE baseline_records; "
        STORE_UNDO_FROM_6 "PRAGMA user_version = 3");
    s = open_store(STORE_CREATE);
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    val_t *a = json("{\"path\": \"y\"}");
    store_step_t st = { .node = "n", .item = "", .state = STORE_STEP_FAILED,
                        .args = a };
    assert_int_equal(store_step_put(s, run, &st), MIG_OK);
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(store_step_each(s, run, args_of, &b), MIG_OK);
    assert_string_equal(b.data, "n={\"path\":\"y\"} ");
    strbuf_free(&b);
    val_unref(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_partial_rejected_not_reached,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_skipped_or_failed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_failed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rolled_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_tools_and_unattributed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reason_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_step_args, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_from_3, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
