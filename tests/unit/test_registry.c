/* test_registry.c: the registry.* actions over the SQLite store: a put
 * added, kept, in conflict, replaced; delete, deprecate and alias; each
 * change undone exactly (the record's state as rollback verification sees
 * it, runtime.h "managed resources") and answering applied; reads by
 * name and alias; a damaged database and one of a newer schema refused;
 * a descriptor noted valid (tools.normalize's) validated once. */
#define DB "reg.db"
#include "registry_fixture.h"
#include "normalize_int.h"
#include "registry_int.h"

#include <sqlite3.h>

static void put_added_kept_undone(void **st)
{
    fx_t *f = *st;
    char *absent = state(f, "echo");
    assert_string_equal(absent, "absent");
    free(absent);
    val_t *in = put_args(tool("echo", "Echoes", "a.json"), false);
    cycle_change(f, "registry.put", "echo", in, "added");
    assert_int_equal(count(f), 1);
    /* The same content again is kept, the record untouched. */
    char *before = state(f, "echo");
    cycle_change(f, "registry.put", "echo", in, "kept");
    char *after = state(f, "echo");
    assert_string_equal(after, before);
    assert_int_equal(strncmp(after, "record:", 7), 0);
    free(before);
    free(after);
    val_unref(in);
    /* The stored JSON is canonical: keys sorted, two-space indent. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(in_ws(DB), &db), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT json, status FROM tools "
                                        "WHERE name = 'echo'", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    const char *json = (const char *)sqlite3_column_text(q, 0);
    assert_int_equal(strncmp(json, "{\n  \"created\": ", 15), 0);
    assert_non_null(strstr(json, "\"description\": \"Echoes\",\n  \"digest\""));
    assert_int_equal(json[strlen(json) - 1], '\n');
    assert_string_equal((const char *)sqlite3_column_text(q, 1), "active");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void put_conflict_and_replace(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(tool("echo", "Echoes", "a.json"), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
    in = put_args(tool("echo", "Repeats", "b.yaml"), false);
    run_fails(f, row("registry.put"), in, "Conflict",
              "registry.put: tool 'echo' in reg.db, from a.json#/0, differs "
              "from the one given, from b.yaml#/0 (replace: true replaces "
              "it)");
    val_unref(in);
    in = put_args(tool("echo", "Repeats", "b.yaml"), true);
    cycle_change(f, "registry.put", "echo", in, "replaced");
    val_unref(in);
    val_t *g = args("db", DB, "name", "echo", "kind", "tool", NULL);
    val_t *rec = run_ok(f, "registry.get", g);
    assert_string_equal(field(rec, "description"), "Repeats");
    val_unref(rec);
    val_unref(g);
    assert_int_equal(count(f), 1);
}

static void delete_deprecate_alias(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(tool("echo", "Echoes", "a.json"), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
    in = args("db", DB, "name", "echo", "kind", "tool", NULL);
    cycle_change(f, "registry.deprecate", "echo", in, "deprecated");
    cycle_change(f, "registry.deprecate", "echo", in, "kept");
    val_t *al = args("db", DB, "name", "echo", "alias", "Echo Tool", "kind",
                     "tool", NULL);
    cycle_change(f, "registry.alias", "echo", al, "aliased");
    val_unref(al);
    /* Read by its alias; listed by status. */
    val_t *g = args("db", DB, "name", "Echo Tool", "kind", "tool", NULL);
    val_t *rec = run_ok(f, "registry.get", g);
    assert_string_equal(field(rec, "name"), "echo");
    assert_string_equal(field(rec, "status"), "deprecated");
    val_unref(rec);
    val_unref(g);
    val_t *l = args("db", DB, "kind", "tool", "status", "active", NULL);
    val_t *out = run_ok(f, "registry.list", l);
    assert_int_equal(val_len(out), 0);
    val_unref(out);
    val_unref(l);
    l = args("db", DB, "kind", "tool", "status", "deprecated", NULL);
    out = run_ok(f, "registry.list", l);
    assert_int_equal(val_len(out), 1);
    val_unref(out);
    val_unref(l);
    cycle_change(f, "registry.delete", "echo", in, "deleted");
    assert_int_equal(count(f), 0);
    run_fails(f, row("registry.delete"), in, "MissingDependency",
              "registry.delete: no tool named 'echo' in reg.db");
    val_unref(in);
}

static void alias_conflict(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(tool("echo", "Echoes", "a.json"), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
    in = put_args(tool("say", "Says", "a.json"), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
    in = args("db", DB, "name", "echo", "alias", "say", "kind", "tool", NULL);
    run_fails(f, row("registry.alias"), in, "Conflict",
              "registry.alias: 'say' is the name of another record");
    val_unref(in);
}

static void bad_records(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(tool("no spaces", "x", "a.json"), false);
    run_fails(f, row("registry.put"), in, "ValidationFailed",
              "registry.put: the record's name must match "
              "^[a-zA-Z0-9_-]{1,64}$");
    val_unref(in);
    /* 64 characters fit, 65 do not. */
    char name[66];
    memset(name, 'a', 65);
    name[64] = '\0';
    in = put_args(tool(name, "x", "a.json"), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
    name[64] = 'a', name[65] = '\0';
    in = put_args(tool(name, "x", "a.json"), false);
    run_fails(f, row("registry.put"), in, "ValidationFailed",
              "registry.put: the record's name must match "
              "^[a-zA-Z0-9_-]{1,64}$");
    val_unref(in);
    val_t *rec = tool("echo", "x", "a.json");
    assert_int_equal(val_map_set_take(rec, "kind", 4, val_cstring("widget")),
                     MIG_OK);
    in = put_args(rec, false);
    run_fails(f, row("registry.put"), in, "ValidationFailed",
              "registry.put: the record's kind must be \"tool\", \"server\" "
              "or \"rag\"");
    val_unref(in);
    in = args("db", DB, "name", "echo", "kind", "widget", NULL);
    run_fails(f, row("registry.delete"), in, "InvalidConfig",
              "registry.delete: 'widget' is no record kind (tool, server, "
              "rag)");
    val_unref(in);
    in = args("db", "", "name", "echo", "kind", "tool", NULL);
    run_fails(f, row("registry.delete"), in, "InvalidConfig",
              "registry: the registry must be named by a path (a SQLite "
              "database ending in .db, or a folder) or an http:// or "
              "https:// URL");
    val_unref(in);
}

/* A descriptor noted valid (as tools.normalize notes what it
 * validated) is stored without being validated again when nothing is
 * there; an equal copy, and the noted one replacing a record, are
 * validated. Noted here not valid, so that a skipped validation shows. */
static void noted_valid_validated_once(void **st)
{
    fx_t *f = *st;
    val_t *d = with(tool("noted", "x", "a.json"), "description", "42");
    char digest[8 + BLOB_HEX];
    assert_int_equal(tools_descriptor_digest(d, digest), MIG_OK);
    registry_note_valid(d, "tool", digest);
    val_t *in = put_args(val_ref(d), false);
    val_t *out = run_ok(f, "registry.put", in);
    assert_string_equal(stdlib_arg_str(out, "outcome"), "added");
    assert_string_equal(stdlib_arg_str(out, "digest"), digest);
    val_unref(out);
    val_unref(in);
    in = put_args(with(val_copy(d), "name", "\"copied\""), false);
    run_fails(f, row("registry.put"), in, "ValidationFailed",
              "registry.put: the tool 'copied' is not a valid V2 descriptor "
              "(1 problem): /description: expected string, found integer");
    val_unref(in);
    in = put_args(val_ref(d), true);
    run_fails(f, row("registry.put"), in, "ValidationFailed",
              "registry.put: the tool 'noted' is not a valid V2 descriptor "
              "(1 problem): /description: expected string, found integer");
    val_unref(in);
    val_unref(d);
}

/* The last REGISTRY_VALID_KEPT descriptors noted are known, by identity
 * and kind; the one noted before them is not. */
static void noted_valid_kept(void **st)
{
    (void)st;
    val_t *v[REGISTRY_VALID_KEPT + 1];
    char digest[32];
    for (int i = 0; i <= REGISTRY_VALID_KEPT; i++) {
        char name[16];
        snprintf(name, sizeof name, "t%d", i);
        snprintf(digest, sizeof digest, "blake2b:%d", i);
        v[i] = tool(name, "x", "a.json");
        registry_note_valid(v[i], "tool", digest);
    }
    assert_null(registry_known_valid(v[0], "tool"));
    assert_string_equal(registry_known_valid(v[1], "tool"), "blake2b:1");
    snprintf(digest, sizeof digest, "blake2b:%d", REGISTRY_VALID_KEPT);
    assert_string_equal(registry_known_valid(v[REGISTRY_VALID_KEPT], "tool"),
                        digest);
    assert_null(registry_known_valid(v[1], "server"));
    assert_null(registry_known_valid(NULL, "tool"));
    for (int i = 0; i <= REGISTRY_VALID_KEPT; i++)
        val_unref(v[i]);
}

static void damaged_and_newer(void **st)
{
    fx_t *f = *st;
    put_text(DB, "this is not a database, it is a text file of some length "
                 "that SQLite will not take for one................\n");
    char *before = slurp(DB, NULL);
    val_t *in = put_args(tool("echo", "Echoes", "a.json"), false);
    const action_t *a = row("registry.put");
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, in, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->run), "InvalidConfig");
    assert_non_null(strstr(actx_error_message(f->run),
                           "is not a registry database or is damaged"));
    char *after = slurp(DB, NULL);
    assert_string_equal(after, before);     /* nothing written */
    free(before);
    free(after);
    /* A registry of a newer schema version is refused, not changed. */
    assert_int_equal(unlink(in_ws(DB)), 0);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(in_ws(DB), &db), SQLITE_OK);
    char text[160];
    snprintf(text, sizeof text, "CREATE TABLE meta(key TEXT PRIMARY KEY, "
             "value TEXT NOT NULL); INSERT INTO meta VALUES('schema_version',"
             " '%d');", REGISTRY_SQLITE_VERSION + 1);
    assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, in, &out), MIG_EINVALID);
    char want[512];
    snprintf(want, sizeof want, "registry: '%s' has schema version %d; this "
             "mig knows version %d", in_ws(DB), REGISTRY_SQLITE_VERSION + 1,
             REGISTRY_SQLITE_VERSION);
    assert_string_equal(actx_error_message(f->run), want);
    val_unref(in);
}

/* The digest a put gives and stores is the documented one
 * (docs/registry.md, "The digest"): BLAKE2b-256 of the compact canonical
 * JSON, keys sorted, no whitespace; the same tools.normalize gives, so a
 * plan can compare what it put with what is there (workflows/). */
static void put_digest_is_compact_canonical(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(tool("echo", "Echoes", "a.json"), false);
    val_t *out = run_ok(f, "registry.put", in);
    val_unref(in);
    static const char text[] =
        "{\"description\":\"Echoes\",\"inputSchema\":{\"type\":\"object\"},"
        "\"kind\":\"tool\",\"name\":\"echo\",\"provenance\":{\"digest\":"
        "\"blake2b:0000000000000000000000000000000000000000000000000000000000000000\","
        "\"file\":\"a.json\",\"format\":\"openai.tools\",\"pointer\":\"/0\"}}";
    char hex[BLOB_HEX], want[8 + BLOB_HEX];
    blobs_hash(text, sizeof text - 1, hex);
    snprintf(want, sizeof want, "blake2b:%s", hex);
    assert_string_equal(field(out, "digest"), want);
    val_unref(out);
    in = args("db", DB, "name", "echo", NULL);
    val_t *rec = run_ok(f, "registry.get", in);
    assert_string_equal(field(rec, "digest"), want);
    val_unref(rec);
    val_unref(in);
}

/* A run's put, and a change that stores, knows the state it left the
 * record in: "record:" and the hash of the bytes stored, equal to the
 * state read back from the store (what the step's after-image is taken
 * from, rather than reading the record again); "absent" after a delete.
 * A put that keeps the record stores nothing and knows nothing; an undo
 * leaves the state to be read from the store (rollback verifies it). */
static void change_knows_its_state(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(tool("echo", "Echoes", "a.json"), false);
    char *added = run_knowing(f, "registry.put", "echo", in);
    assert_int_equal(strncmp(added, "record:", 7), 0);
    val_unref(run_ok(f, "registry.put", in));
    assert_null(known_state(f, "echo"));
    val_unref(in);
    in = put_args(tool("echo", "Repeats", "b.yaml"), true);
    char *replaced = run_knowing(f, "registry.put", "echo", in);
    assert_string_not_equal(replaced, added);
    val_unref(in);
    in = args("db", DB, "name", "echo", "kind", "tool", NULL);
    val_t *rec = capture(f, row("registry.deprecate"), in);
    char *deprecated = run_knowing(f, "registry.deprecate", "echo", in);
    assert_string_not_equal(deprecated, replaced);
    actx_begin(f->run, "registry.deprecate");
    val_t *out = NULL;
    assert_int_equal(row("registry.deprecate")->undo(f->run, rec, &out),
                     MIG_OK);
    val_unref(out);
    assert_null(known_state(f, "echo"));
    val_unref(rec);
    char *gone = run_knowing(f, "registry.delete", "echo", in);
    assert_string_equal(gone, "absent");
    val_unref(in);
    free(added);
    free(replaced);
    free(deprecated);
    free(gone);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(noted_valid_validated_once),
        T(noted_valid_kept),
        T(put_added_kept_undone), T(put_conflict_and_replace),
        T(delete_deprecate_alias), T(alias_conflict), T(bad_records),
        T(damaged_and_newer), T(put_digest_is_compact_canonical),
        T(change_knows_its_state),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
