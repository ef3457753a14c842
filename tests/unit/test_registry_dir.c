/* test_registry_dir.c: the registry.* actions over the folder store (a
 * path not ending in .db): records as tools/NAME.json in canonical JSON,
 * each change undone exactly, the same order as the SQLite store, a
 * damaged record file and a path that is no folder refused, and a name
 * that is no record name never read as a path. */
#define DB "reg"
#include "registry_fixture.h"

static void put_writes_canonical_files(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(tool("echo", "Echoes", "a.json"), false);
    cycle_change(f, "registry.put", "echo", in, "added");
    cycle_change(f, "registry.put", "echo", in, "kept");
    val_unref(in);
    char *json = slurp("reg/tools/echo.json", NULL);
    assert_int_equal(strncmp(json, "{\n  \"created\": ", 15), 0);
    assert_non_null(strstr(json, "\"description\": \"Echoes\",\n  \"digest\""));
    assert_non_null(strstr(json, "\n  \"status\": \"active\",\n"));
    assert_int_equal(json[strlen(json) - 1], '\n');
    assert_int_equal(json[strlen(json) - 2], '}');
    free(json);
    assert_false(there("reg/tools/.echo.json.mig-tmp"));
    assert_int_equal(count(f), 1);
}

static void conflict_replace_and_changes(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(tool("echo", "Echoes", "a.json"), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
    in = put_args(tool("echo", "Repeats", "b.yaml"), false);
    run_fails(f, row("registry.put"), in, "Conflict",
              "registry.put: tool 'echo' in reg, from a.json#/0, differs "
              "from the one given, from b.yaml#/0 (replace: true replaces "
              "it)");
    val_unref(in);
    in = put_args(tool("echo", "Repeats", "b.yaml"), true);
    cycle_change(f, "registry.put", "echo", in, "replaced");
    val_unref(in);
    in = args("db", DB, "name", "echo", "kind", "tool", NULL);
    cycle_change(f, "registry.deprecate", "echo", in, "deprecated");
    val_t *al = args("db", DB, "name", "echo", "alias", "Echo Tool", "kind",
                     "tool", NULL);
    cycle_change(f, "registry.alias", "echo", al, "aliased");
    val_unref(al);
    val_t *g = args("db", DB, "name", "Echo Tool", "kind", "tool", NULL);
    val_t *rec = run_ok(f, "registry.get", g);
    assert_string_equal(field(rec, "description"), "Repeats");
    assert_string_equal(field(rec, "status"), "deprecated");
    val_unref(rec);
    val_unref(g);
    cycle_change(f, "registry.delete", "echo", in, "deleted");
    assert_false(there("reg/tools/echo.json"));
    assert_int_equal(count(f), 0);
    val_unref(in);
}

/* By alias as the SQLite store (test_registry_alias.c): the folder store
 * reads every record for it (docs/registry.md, "The stores"). */
static void alias_lookups_scanned(void **st)
{
    alias_lookups(*st);
}

/* Ordered by name as SQLite orders it, not as the file names sort. */
static void list_by_name(void **st)
{
    fx_t *f = *st;
    static const char *const names[] = { "a-b", "a", "B" };
    for (size_t i = 0; i < 3; i++) {
        val_t *in = put_args(tool(names[i], "x", "a.json"), false);
        val_unref(run_ok(f, "registry.put", in));
        val_unref(in);
    }
    val_t *in = args("db", DB, "kind", "tool", NULL);
    val_t *l = run_ok(f, "registry.list", in);
    assert_int_equal(val_len(l), 3);
    assert_string_equal(field(val_list_get(l, 0), "name"), "B");
    assert_string_equal(field(val_list_get(l, 1), "name"), "a");
    assert_string_equal(field(val_list_get(l, 2), "name"), "a-b");
    val_unref(l);
    val_unref(in);
}

static void damaged_file_named(void **st)
{
    fx_t *f = *st;
    put_dir("reg", 0755);
    put_dir("reg/tools", 0755);
    put_text("reg/tools/echo.json", "{\"name\": \"echo\", trunc");
    val_t *in = args("db", DB, "name", "echo", "kind", "tool", NULL);
    const action_t *a = row("registry.delete");
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, in, &out), MIG_EINVALID);
    char want[512];
    snprintf(want, sizeof want, "registry: the record 'echo' is damaged: "
             "'%s/tools/echo.json' is not JSON", in_ws(DB));
    assert_string_equal(actx_error_message(f->run), want);
    val_unref(in);
    /* A file where the folder should be. */
    put_text("plain", "not a folder\n");
    in = args("db", "plain", "name", "echo", "kind", "tool", NULL);
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, in, &out), MIG_EINVALID);
    snprintf(want, sizeof want, "registry: '%s' is not a folder (a SQLite "
             "registry is a path ending in .db)", in_ws("plain"));
    assert_string_equal(actx_error_message(f->run), want);
    val_unref(in);
}

/* A name that is no record name is never a path: ../secret.json beside
 * the registry is not read. */
static void names_are_not_paths(void **st)
{
    fx_t *f = *st;
    put_dir("reg", 0755);
    put_dir("reg/tools", 0755);
    put_text("secret.json", "{\"name\": \"secret\", \"kind\": \"tool\"}");
    val_t *in = args("db", DB, "name", "../../secret", "kind", "tool", NULL);
    run_fails(f, row("registry.delete"), in, "MissingDependency",
              "registry.delete: no tool named '../../secret' in reg");
    val_unref(in);
    assert_true(there("secret.json"));
}

/* A put into a folder knows the state it left the record in: the hash
 * of the file's bytes as written, the state read back from the folder;
 * a delete leaves it "absent". */
static void put_knows_its_state(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(tool("echo", "Echoes", "a.json"), false);
    char *added = run_knowing(f, "registry.put", "echo", in);
    assert_int_equal(strncmp(added, "record:", 7), 0);
    val_unref(in);
    in = args("db", DB, "name", "echo", "kind", "tool", NULL);
    char *gone = run_knowing(f, "registry.delete", "echo", in);
    assert_string_equal(gone, "absent");
    val_unref(in);
    free(added);
    free(gone);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(put_writes_canonical_files), T(conflict_replace_and_changes),
        T(alias_lookups_scanned),
        T(list_by_name), T(damaged_file_named), T(names_are_not_paths),
        T(put_knows_its_state),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
