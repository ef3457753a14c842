/* registry_fixture.h: what the registry's tests share (test_registry.c
 * for the SQLite store, test_registry_dir.c for the folder store): the
 * file actions' fixture, a tool descriptor, and the whole cycle of a
 * changing registry action. Define DB, the registry's path, first. */
#ifndef MIG_REGISTRY_FIXTURE_H
#define MIG_REGISTRY_FIXTURE_H

#include "file_fixture.h"
#include "json_fixture.h"

#include <sqlite3.h>

/* A tool descriptor named NAME with DESCRIPTION, read from FILE: valid,
 * every required field given and no other. */
__attribute__((unused))
static val_t *tool(const char *name, const char *description,
                   const char *file)
{
    val_t *schema = val_map_new(1), *prov = val_map_new(4), *m = val_map_new(5);
    assert_int_equal(val_map_set_take(schema, "type", 4, val_cstring("object")),
                     MIG_OK);
    assert_int_equal(val_map_set_take(prov, "file", 4, val_cstring(file)),
                     MIG_OK);
    assert_int_equal(val_map_set_take(prov, "pointer", 7, val_cstring("/0")),
                     MIG_OK);
    assert_int_equal(val_map_set_take(prov, "format", 6,
                                      val_cstring("openai.tools")), MIG_OK);
    assert_int_equal(val_map_set_take(prov, "digest", 6, val_cstring(
        "blake2b:00000000000000000000000000000000"
        "00000000000000000000000000000000")), MIG_OK);
    /* Keys out of order: the store sorts them. */
    assert_int_equal(val_map_set_take(m, "name", 4, val_cstring(name)), MIG_OK);
    assert_int_equal(val_map_set_take(m, "kind", 4, val_cstring("tool")),
                     MIG_OK);
    assert_int_equal(val_map_set_take(m, "description", 11,
                                      val_cstring(description)), MIG_OK);
    assert_int_equal(val_map_set_take(m, "inputSchema", 11, schema), MIG_OK);
    assert_int_equal(val_map_set_take(m, "provenance", 10, prov), MIG_OK);
    return m;
}

/* REC (taken) with KEY set to the value of JSON TEXT, or removed (TEXT
 * NULL); KEY "a/b" reaches into the map a. */
__attribute__((unused))
static val_t *with(val_t *rec, const char *key, const char *text)
{
    const char *slash = strchr(key, '/');
    if (slash) {
        val_t *in = val_map_get(rec, key, (size_t)(slash - key));
        assert_non_null(in);
        val_t *copy = with(val_copy(in), slash + 1, text);
        assert_int_equal(val_map_set_take(rec, key, (size_t)(slash - key),
                                          copy), MIG_OK);
        return rec;
    }
    if (text)
        assert_int_equal(val_map_set_take(rec, key, strlen(key), json_value(text)),
                         MIG_OK);
    else
        assert_true(val_map_delete(rec, key, strlen(key)));
    return rec;
}

/* registry.put's arguments: db, RECORD (taken), replace. */
__attribute__((unused))
static val_t *put_args(val_t *record, bool replace)
{
    val_t *m = args("db", DB, NULL);
    assert_int_equal(val_map_set_take(m, "record", 6, record), MIG_OK);
    assert_int_equal(val_map_set_take(m, "replace", 7, val_bool(replace)),
                     MIG_OK);
    return m;
}

/* Replaces DB behind mig's back with another registry, written by
 * another program, holding the one tool "zeta": moved over it the way
 * docs/registry.md asks, the three files together (the new one has no
 * WAL, so the old WAL goes). */
__attribute__((unused))
static void replace_db(void)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(in_ws("new.db"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES('schema_version', '1');"
        "CREATE TABLE tools(name TEXT PRIMARY KEY, json TEXT NOT NULL,"
        " digest TEXT NOT NULL, status TEXT NOT NULL);"
        "INSERT INTO tools VALUES('zeta', '{\"kind\": \"tool\", \"name\": "
        "\"zeta\"}', 'd', 'active');", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    char wal[512], shm[512];
    snprintf(wal, sizeof wal, "%s-wal", in_ws(DB));
    snprintf(shm, sizeof shm, "%s-shm", in_ws(DB));
    assert_int_equal(rename(in_ws("new.db"), in_ws(DB)), 0);
    unlink(wal);
    unlink(shm);
}

/* The state of tool NAME as rollback verification sees it (malloc'd). */
__attribute__((unused))
static char *state(fx_t *f, const char *name)
{
    char id[128];
    snprintf(id, sizeof id, "registry:" DB "#tool/%s", name);
    strbuf_t b;
    strbuf_init(&b);
    actx_begin(f->run, "test");
    assert_int_equal(resource_state(f->run, id, &b), MIG_OK);
    strbuf_putc(&b, '\0');
    return b.data;
}

/* The state of tool NAME the last call knows without reading the store
 * (actx_known_state: what its after-image takes), malloc'd, or NULL. */
__attribute__((unused))
static char *known_state(fx_t *f, const char *name)
{
    char id[128];
    snprintf(id, sizeof id, "registry:" DB "#tool/%s", name);
    const char *s = actx_known_state(f->run, id);
    return s ? strdup(s) : NULL;
}

/* Runs the changing action NAME with IN and checks that it knows the
 * state it left tool RECORD in, and that it is the state read back from
 * the store (state, after a new actx_begin); gives that state. */
__attribute__((unused))
static char *run_knowing(fx_t *f, const char *name, const char *record,
                         const val_t *in)
{
    const action_t *a = action_find(reg, name);
    assert_non_null(a);
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, in, &out), MIG_OK);
    val_unref(out);
    char *known = known_state(f, record);
    assert_non_null(known);
    char *read = state(f, record);
    assert_string_equal(known, read);
    free(known);
    return read;
}

/* Runs A with IN; gives its result (new). */
__attribute__((unused))
static val_t *run_ok(fx_t *f, const char *name, const val_t *in)
{
    const action_t *a = action_find(reg, name);
    assert_non_null(a);
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    if (a->run(f->run, in, &out) != MIG_OK)
        fail_msg("%s: %s: %s", name, actx_error_class(f->run),
                 actx_error_message(f->run));
    assert_non_null(out);
    return out;
}

/* Runs the changing action NAME with IN, its outcome OUTCOME, through
 * the whole cycle: capture changes nothing, applied false before (unless
 * OUTCOME is "kept") and true after, undo puts the record back to its
 * state before exactly, a second undo changes nothing; then runs it again
 * so the change stays. */
__attribute__((unused))
static void cycle_change(fx_t *f, const char *name, const char *record,
                         const val_t *in, const char *outcome)
{
    const action_t *a = row(name);
    char *before = state(f, record);
    val_t *rec = capture(f, a, in);
    char *now = state(f, record);
    assert_string_equal(now, before);
    free(now);
    assert_int_equal(applied(f, a, in), strcmp(outcome, "kept") == 0);
    val_t *out = run_ok(f, name, in);
    assert_string_equal(field(out, "outcome"), outcome);
    val_unref(out);
    assert_true(applied(f, a, in));
    undo(f, a, rec);
    now = state(f, record);
    assert_string_equal(now, before);
    free(now);
    undo(f, a, rec);
    now = state(f, record);
    assert_string_equal(now, before);
    free(now);
    val_unref(rec);
    free(before);
    val_unref(run_ok(f, name, in));
}

/* The name of the tool registry.get finds by NAME (a record's name or
 * one of its aliases), malloc'd, or NULL after checking the miss's
 * MissingDependency and its message. */
__attribute__((unused))
static char *found_as(fx_t *f, const char *name)
{
    val_t *in = args("db", DB, "name", name, "kind", "tool", NULL);
    const action_t *a = action_find(reg, "registry.get");
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    mig_status_t st = a->run(f->run, in, &out);
    val_unref(in);
    if (st != MIG_OK) {
        char want[160];
        snprintf(want, sizeof want, "registry.get: no tool named '%s' in "
                 DB, name);
        assert_int_equal(st, MIG_EINVALID);
        assert_string_equal(actx_error_class(f->run), "MissingDependency");
        assert_string_equal(actx_error_message(f->run), want);
        return NULL;
    }
    char *found = strdup(field(out, "name"));
    val_unref(out);
    return found;
}

/* Asserts that registry.get of NAME finds the tool WANT (NULL: none). */
#define assert_found_as(f, name, want)                                      \
    do {                                                                    \
        char *found_ = found_as((f), (name));                               \
        if ((want) == NULL)                                                 \
            assert_null(found_);                                            \
        else                                                                \
            assert_string_equal(found_ ? found_ : "(none)",                 \
                                (want) ? (want) : "");                      \
        free(found_);                                                       \
    } while (0)

/* Puts tool NAME with the aliases ALIASES (JSON text; NULL: none),
 * replacing what is there. */
__attribute__((unused))
static void put_aliased(fx_t *f, const char *name, const char *aliases)
{
    val_t *rec = tool(name, "x", "a.json");
    if (aliases)
        rec = with(rec, "aliases", aliases);
    val_t *in = put_args(rec, true);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
}

/* registry.get by alias, the same in every store: found, missed, the
 * first record by name when two list it, and an alias changed or removed
 * by a later put, or gone with its record, no longer found. */
__attribute__((unused))
static void alias_lookups(fx_t *f)
{
    put_aliased(f, "b", "[\"x\"]");
    put_aliased(f, "a", "[\"x\", \"a-old\"]");
    assert_found_as(f, "x", "a");
    assert_found_as(f, "a-old", "a");
    assert_found_as(f, "b", "b");
    assert_found_as(f, "nope", NULL);
    put_aliased(f, "a", "[\"a-new\"]");
    assert_found_as(f, "a-old", NULL);
    assert_found_as(f, "a-new", "a");
    assert_found_as(f, "x", "b");
    val_t *in = args("db", DB, "name", "b", "kind", "tool", NULL);
    val_unref(run_ok(f, "registry.delete", in));
    val_unref(in);
    assert_found_as(f, "x", NULL);
    put_aliased(f, "a", NULL);
    assert_found_as(f, "a-new", NULL);
    assert_found_as(f, "a", "a");
}

__attribute__((unused))
static int64_t count(fx_t *f)
{
    val_t *in = args("db", DB, "kind", "tool", NULL);
    val_t *out = run_ok(f, "registry.count", in);
    int64_t n = val_get_int(out);
    val_unref(out);
    val_unref(in);
    return n;
}

#endif
