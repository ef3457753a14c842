/* test_registry_validate.c: every record a changing registry action
 * would store is validated against the V2 descriptor schema first
 * (docs/registry.md, "Validation"): a descriptor valid but for one field
 * and one invalid by one field, each required field missing, wrong
 * types, the violations named up to five (five, then six: "and 1
 * more"), the other kinds, a change of a record the store holds invalid;
 * nothing is written when one is refused, in a run or in a preview. */
#define DB "reg.db"
#include "registry_fixture.h"

#include <sqlite3.h>

#define REFUSED "registry.put: the tool 'echo' is not a valid V2 descriptor "

/* A put of REC (taken) fails with ValidationFailed and MSG, writes
 * nothing (the registry is not even created), and its error's details
 * list every violation: N of them. */
static void put_refused(fx_t *f, val_t *rec, const char *msg, size_t n)
{
    val_t *in = put_args(rec, false);
    run_fails(f, row("registry.put"), in, "ValidationFailed", msg);
    val_t *detail = actx_error_detail(f->run);
    assert_non_null(detail);
    assert_int_equal(val_len(val_map_get(detail, "errors", 6)), n);
    assert_false(there(DB));
    val_unref(in);
}

static val_t *echo(void)
{
    return tool("echo", "Echoes", "a.json");
}

static void valid_and_invalid_by_one_field(void **st)
{
    fx_t *f = *st;
    /* One field wrong: refused. */
    put_refused(f, with(echo(), "title", "5"),
                REFUSED "(1 problem): /title: expected string, found integer",
                1);
    /* The same descriptor with that field right: stored. */
    val_t *in = put_args(with(echo(), "title", "'Echo'"), false);
    val_t *out = run_ok(f, "registry.put", in);
    assert_string_equal(field(out, "outcome"), "added");
    val_unref(out);
    val_unref(in);
    assert_int_equal(count(f), 1);
}

static void each_required_field_missing(void **st)
{
    fx_t *f = *st;
    static const struct {
        const char *key, *msg;
    } rows[] = {
        { "description", "(root): the property 'description' is required" },
        { "inputSchema", "(root): the property 'inputSchema' is required" },
        { "provenance", "(root): the property 'provenance' is required" },
        { "provenance/file", "/provenance: the property 'file' is required" },
        { "provenance/pointer",
          "/provenance: the property 'pointer' is required" },
        { "provenance/format",
          "/provenance: the property 'format' is required" },
        { "provenance/digest",
          "/provenance: the property 'digest' is required" },
        { "inputSchema/type", "/inputSchema: the property 'type' is required" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char want[256];
        snprintf(want, sizeof want, REFUSED "(1 problem): %s", rows[i].msg);
        put_refused(f, with(echo(), rows[i].key, NULL), want, 1);
    }
}

static void wrong_types(void **st)
{
    fx_t *f = *st;
    static const struct {
        const char *key, *value, *msg;
    } rows[] = {
        { "description", "5", "/description: expected string, found integer" },
        { "inputSchema", "'x'", "/inputSchema: expected object, found string" },
        { "inputSchema/type", "'string'",
          "/inputSchema/type: must be \"object\"" },
        { "aliases", "[1]", "/aliases/0: expected string, found integer" },
        { "status", "'gone'",
          "/status: must be one of \"active\", \"deprecated\"" },
        { "annotations", "{'readOnlyHint': 'yes'}",
          "/annotations/readOnlyHint: expected boolean, found string" },
        { "provenance/digest", "'blake2b:00'",
          "/provenance/digest: must match the pattern ^blake2b:[0-9a-f]{64}$" },
        { "weird", "1", "(root): the property 'weird' is not allowed" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char want[256];
        snprintf(want, sizeof want, REFUSED "(1 problem): %s", rows[i].msg);
        put_refused(f, with(echo(), rows[i].key, rows[i].value), want, 1);
    }
}

/* Five violations are all named; a sixth is counted. */
static void named_up_to_five(void **st)
{
    fx_t *f = *st;
    val_t *rec = echo();
    char key[8];
    for (int i = 1; i <= 5; i++) {
        snprintf(key, sizeof key, "x%d", i);
        rec = with(rec, key, "1");
    }
    put_refused(f, val_copy(rec), REFUSED "(5 problems): "
                "(root): the property 'x1' is not allowed; "
                "(root): the property 'x2' is not allowed; "
                "(root): the property 'x3' is not allowed; "
                "(root): the property 'x4' is not allowed; "
                "(root): the property 'x5' is not allowed", 5);
    put_refused(f, with(rec, "x6", "1"), REFUSED "(6 problems): "
                "(root): the property 'x1' is not allowed; "
                "(root): the property 'x2' is not allowed; "
                "(root): the property 'x3' is not allowed; "
                "(root): the property 'x4' is not allowed; "
                "(root): the property 'x5' is not allowed; and 1 more", 6);
}

#define PROVENANCE "'provenance': {'file': 'a.json', 'pointer': '', " \
    "'format': 'mcp.servers', 'digest': 'blake2b:" \
    "0000000000000000000000000000000000000000000000000000000000000000'}"

static void other_kinds(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(json_value("{'kind': 'server', 'name': 'files', "
                              PROVENANCE "}"), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
    /* A server has no inputSchema. */
    in = put_args(json_value("{'kind': 'server', 'name': 'web', 'inputSchema': "
                       "{'type': 'object'}, " PROVENANCE "}"), false);
    run_fails(f, row("registry.put"), in, "ValidationFailed",
              "registry.put: the server 'web' is not a valid V2 descriptor "
              "(1 problem): (root): the property 'inputSchema' is not "
              "allowed");
    val_unref(in);
    in = put_args(json_value("{'kind': 'rag', 'name': 'docs', 'top_k': 0, "
                       PROVENANCE "}"), false);
    run_fails(f, row("registry.put"), in, "ValidationFailed",
              "registry.put: the rag 'docs' is not a valid V2 descriptor "
              "(1 problem): /top_k: must be at least 1, found 0");
    val_unref(in);
    in = put_args(json_value("{'kind': 'rag', 'name': 'docs', 'top_k': 1, "
                       PROVENANCE "}"), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
}

/* A record the store holds invalid (written before validation, or by
 * hand) is not stored again by a change: deprecate is refused and the
 * record stays as it was; delete, which stores nothing, goes. */
static void change_of_an_invalid_record(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(echo(), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(in_ws(DB), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE tools SET json = json_remove("
                                  "json, '$.provenance.format')", NULL, NULL,
                                  NULL), SQLITE_OK);
    sqlite3_close(db);
    char *before = state(f, "echo");
    in = args("db", DB, "name", "echo", "kind", "tool", NULL);
    run_fails(f, row("registry.deprecate"), in, "ValidationFailed",
              "registry.deprecate: the tool 'echo' is not a valid V2 "
              "descriptor (1 problem): /provenance: the property 'format' "
              "is required");
    char *after = state(f, "echo");
    assert_string_equal(after, before);
    free(after);
    free(before);
    val_t *out = run_ok(f, "registry.delete", in);
    assert_string_equal(field(out, "outcome"), "deleted");
    val_unref(out);
    val_unref(in);
}

/* The dry run refuses the same descriptor with the same message. */
static void refused_in_a_preview(void **st)
{
    (void)st;
    action_ctx_t *p = actx_new(ACTX_PREVIEW, ws);
    assert_non_null(p);
    val_t *in = put_args(with(echo(), "title", "5"), false);
    const action_t *a = row("registry.put");
    actx_begin(p, a->name);
    val_t *out = NULL;
    assert_int_equal(a->preview(p, in, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(p), "ValidationFailed");
    assert_string_equal(actx_error_message(p), REFUSED "(1 problem): /title: "
                        "expected string, found integer");
    assert_int_equal(val_len(actx_changes(p)), 0);
    assert_false(there(DB));
    val_unref(in);
    actx_free(p);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(valid_and_invalid_by_one_field), T(each_required_field_missing),
        T(wrong_types), T(named_up_to_five), T(other_kinds),
        T(change_of_an_invalid_record), T(refused_in_a_preview),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
