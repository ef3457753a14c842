/* test_registry_drift.c: how a registry differs from a run's baseline
 * (docs/drift.md): the digest comparison's added, removed and changed
 * sets (empty on either side, identical, unsorted input); the baseline
 * of a real store (the records' drift digests leave out what the
 * registry sets itself, so a record put again is no drift), a changed
 * record's field-level diff and the kept record; and the fix plan's
 * steps and literals. */
#define DB "reg.db"
#include "registry_fixture.h"
#include "registry_int.h"

#include <sqlite3.h>

/* Runs SQL on the registry's database, behind mig's back. */
static void behind(const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(in_ws(DB), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);
}

/* A list of {kind, name, digest} maps from "KIND/NAME=DIGEST" words. */
static val_t *records(const char *spec)
{
    val_t *l = val_list_new(4);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
        char *slash = strchr(w, '/'), *eq = strchr(w, '=');
        assert_non_null(slash);
        assert_non_null(eq);
        *slash = *eq = '\0';
        val_t *m = val_map_new(3);
        assert_int_equal(val_map_set_take(m, "kind", 4, val_cstring(w)), MIG_OK);
        assert_int_equal(val_map_set_take(m, "name", 4, val_cstring(slash + 1)),
                         MIG_OK);
        assert_int_equal(val_map_set_take(m, "digest", 6, val_cstring(eq + 1)),
                         MIG_OK);
        assert_int_equal(val_list_push_take(l, m), MIG_OK);
    }
    return l;
}

/* The changes of THEN against NOW as "CHANGE KIND/NAME THEN>NOW" lines
 * ("-" for a digest left out). */
static char *compared(const char *then, const char *now)
{
    val_t *a = records(then), *b = records(now), *out = NULL;
    assert_int_equal(registry_drift_compare(a, b, &out), MIG_OK);
    strbuf_t s;
    strbuf_init(&s);
    for (size_t i = 0; i < val_len(out); i++) {
        const val_t *c = val_list_get(out, i);
        val_t *t = val_map_get(c, "then", 4), *n = val_map_get(c, "now", 3);
        strbuf_printf(&s, "%s %s/%s %s>%s\n", field(c, "change"),
                      field(c, "kind"), field(c, "name"),
                      t ? val_get_str(t, NULL) : "-",
                      n ? val_get_str(n, NULL) : "-");
    }
    strbuf_putc(&s, '\0');
    val_unref(a);
    val_unref(b);
    val_unref(out);
    return s.data;
}

static void compare_sets(void **st)
{
    (void)st;
    /* Unsorted input; kinds order before names. */
    char *s = compared("tool/c=1 tool/a=1 server/a=1 tool/b=1",
                       "tool/d=1 tool/b=1 tool/c=2 rag/a=1");
    assert_string_equal(s, "added rag/a ->1\n"
                           "removed server/a 1>-\n"
                           "removed tool/a 1>-\n"
                           "changed tool/c 1>2\n"
                           "added tool/d ->1\n");
    free(s);
}

static void compare_empty_and_identical(void **st)
{
    (void)st;
    char *s = compared("", "");
    assert_string_equal(s, "");
    free(s);
    s = compared("", "tool/a=1 tool/b=2");
    assert_string_equal(s, "added tool/a ->1\nadded tool/b ->2\n");
    free(s);
    s = compared("tool/a=1 tool/b=2", "");
    assert_string_equal(s, "removed tool/a 1>-\nremoved tool/b 2>-\n");
    free(s);
    s = compared("tool/b=2 tool/a=1", "tool/a=1 tool/b=2");
    assert_string_equal(s, "");
    free(s);
}

/* The baseline of DB now, its contents kept in F's object store: a list
 * of {kind, name, digest}, as the run's end records it. */
static val_t *baseline(fx_t *f)
{
    val_t *now = NULL;
    actx_begin(f->run, "test");
    assert_non_null(resource_registry_records);
    assert_int_equal(resource_registry_records(f->run, DB, &now), MIG_OK);
    val_t *l = val_list_new(val_len(now));
    for (size_t i = 0; i < val_len(now); i++) {
        const val_t *r = val_list_get(now, i);
        size_t len;
        const char *text = val_get_str(val_map_get(r, "text", 4), &len);
        char hex[BLOB_HEX];
        assert_int_equal(blobs_put(f->blobs, text, len, hex), MIG_OK);
        /* The object is named by the digest. */
        assert_string_equal(hex, field(r, "digest"));
        val_t *m = val_copy(r);
        assert_true(val_map_delete(m, "text", 4));
        assert_int_equal(val_list_push_take(l, m), MIG_OK);
    }
    val_unref(now);
    return l;
}

/* registry_drift of DB against BASE: its changes (new). */
static val_t *drift(fx_t *f, const val_t *base, bool with_records)
{
    val_t *out = NULL;
    actx_begin(f->run, "test");
    assert_int_equal(registry_drift(f->run, NULL, f->blobs, DB, base,
                                    with_records, &out), MIG_OK);
    assert_string_equal(field(out, "db"), DB);
    val_t *ch = val_ref(val_map_get(out, "changes", 7));
    val_unref(out);
    return ch;
}

static void put(fx_t *f, val_t *rec, bool replace)
{
    val_t *in = put_args(rec, replace);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
}

static void drift_of_a_store(void **st)
{
    fx_t *f = *st;
    /* No registry at all: an empty baseline, no drift. */
    val_t *base = baseline(f);
    assert_int_equal(val_len(base), 0);
    val_t *ch = drift(f, base, false);
    assert_int_equal(val_len(ch), 0);
    val_unref(ch);
    val_unref(base);
    put(f, tool("echo", "Echoes", "a.json"), false);
    put(f, tool("ping", "Pings", "a.json"), false);
    base = baseline(f);
    assert_int_equal(val_len(base), 2);
    /* Identical. */
    ch = drift(f, base, false);
    assert_int_equal(val_len(ch), 0);
    val_unref(ch);
    /* What the registry sets itself (digest, created, updated) is no
     * drift; the status is. */
    behind("UPDATE tools SET json = json_set(json, '$.digest', 'x', "
           "'$.created', '1999-01-01T00:00:00Z', '$.updated', "
           "'1999-01-02T00:00:00Z') WHERE name = 'echo'");
    ch = drift(f, base, false);
    assert_int_equal(val_len(ch), 0);
    val_unref(ch);
    behind("UPDATE tools SET json = json_set(json, '$.status', 'deprecated') "
           "WHERE name = 'echo'");
    ch = drift(f, base, false);
    assert_int_equal(val_len(ch), 1);
    assert_string_equal(field(val_list_get(ch, 0), "change"), "changed");
    assert_string_equal(field(val_list_get(val_map_get(val_list_get(ch, 0),
                                                       "fields", 6), 0),
                              "pointer"), "/status");
    val_unref(ch);
    behind("UPDATE tools SET json = json_set(json, '$.status', 'active') "
           "WHERE name = 'echo'");
    /* Removed and put back: the same drift digest. */
    val_t *del = args("db", DB, "name", "ping", NULL);
    val_unref(run_ok(f, "registry.delete", del));
    val_unref(del);
    put(f, tool("ping", "Pings", "a.json"), false);
    ch = drift(f, base, false);
    assert_int_equal(val_len(ch), 0);
    val_unref(ch);
    /* One edited, one removed, one added. */
    put(f, tool("echo", "Repeats", "a.json"), true);
    del = args("db", DB, "name", "ping", NULL);
    val_unref(run_ok(f, "registry.delete", del));
    val_unref(del);
    put(f, tool("zap", "Zaps", "b.json"), false);
    ch = drift(f, base, true);
    assert_int_equal(val_len(ch), 3);
    const val_t *c = val_list_get(ch, 0);
    assert_string_equal(field(c, "change"), "changed");
    assert_string_equal(field(c, "name"), "echo");
    val_t *fields = val_map_get(c, "fields", 6);
    assert_int_equal(val_len(fields), 1);
    assert_string_equal(field(val_list_get(fields, 0), "pointer"),
                        "/description");
    assert_string_equal(field(val_list_get(fields, 0), "old"), "\"Echoes\"");
    assert_string_equal(field(val_list_get(fields, 0), "new"), "\"Repeats\"");
    /* The kept record is the baseline's. */
    assert_string_equal(field(val_map_get(c, "record", 6), "description"),
                        "Echoes");
    c = val_list_get(ch, 1);
    assert_string_equal(field(c, "change"), "removed");
    assert_string_equal(field(c, "name"), "ping");
    assert_string_equal(field(val_map_get(c, "record", 6), "description"),
                        "Pings");
    assert_null(val_map_get(c, "fields", 6));
    c = val_list_get(ch, 2);
    assert_string_equal(field(c, "change"), "added");
    assert_string_equal(field(c, "name"), "zap");
    assert_null(val_map_get(c, "record", 6));
    val_unref(ch);
    /* Without records asked for, none is given. */
    ch = drift(f, base, false);
    assert_null(val_map_get(val_list_get(ch, 0), "record", 6));
    val_unref(ch);
    val_unref(base);
}

/* A baseline whose object is gone: InvalidConfig, saying so. */
/* The drift text of each record as registry_records_now gives it: taken
 * from the stored bytes of records this process put (known canonical),
 * parsed for rows another program wrote; the same text either way, that
 * of registry_drift_text on the record as stored, and the same digest. */
static void drift_text_from_bytes(void **st)
{
    fx_t *f = *st;
    put(f, with(with(tool("a", "x\n  \"created\": \"quoted\",\n  \"z\": 1",
                          "a.json"), "aliases", "[\"A a\", \"\u00e9\"]"),
                "version", "\"2.0\""), false);
    put(f, with(tool("b", "é😀 tab\t", "b.json"), "inputSchema",
                "{\"type\": \"object\", \"properties\": {\"q\": {\"type\": "
                "\"string\"}, \"a\": {\"type\": \"integer\"}}}"), false);
    put(f, tool("c", "", "c.json"), false);
    /* Written by another program: compact, not canonical. */
    behind("INSERT INTO tools(name, json, digest, status) VALUES('d', "
           "'{\"name\":\"d\",\"kind\":\"tool\","
           "\"updated\":\"x\",\"description\":\"by hand\"}', '', 'active')");
    /* Its bytes canonical, but not known to be (a row mig did not write
     * in this process), and naming another record than its row. */
    behind("INSERT INTO tools(name, json, digest, status) VALUES('e', "
           "'{\n  \"kind\": \"tool\",\n  "
           "\"name\": \"other\"\n}\n', '', 'active')");
    val_t *now = NULL;
    actx_begin(f->run, "test");
    assert_int_equal(registry_records_now(f->run, DB, &now), MIG_OK);
    assert_int_equal(val_len(now), 5);
    static const char *const names[] = { "a", "b", "c", "d", "other" };
    static const char *const rows[] = { "a", "b", "c", "d", "e" };
    static const bool known[] = { true, true, true, false, false };
    for (size_t i = 0; i < 5; i++) {
        const val_t *e = val_list_get(now, i);
        assert_string_equal(field(e, "name"), names[i]);
        char *text = NULL;
        size_t len = 0;
        const reg_store_ops_t *ops;
        reg_store_t *s;
        assert_int_equal(registry_open_db(f->run, DB, REG_READ, &ops, &s),
                         MIG_OK);
        assert_int_equal(ops->get_text(f->run, s, "tool", rows[i], &text,
                                       &len), MIG_OK);
        ops->close(s);
        char hex[BLOB_HEX];
        blobs_hash(text, len, hex);
        assert_int_equal(registry_known_canonical(hex), known[i]);
        val_t *rec = NULL;
        assert_int_equal(registry_parse_text(f->run, text, len, rows[i], &rec),
                         MIG_OK);
        free(text);
        strbuf_t b;
        strbuf_init(&b);
        assert_int_equal(registry_drift_text(rec, &b), MIG_OK);
        strbuf_putc(&b, '\0');
        assert_string_equal(field(e, "text"), b.data);
        assert_null(strstr(b.data, "\n  \"created\""));
        assert_null(strstr(b.data, "\n  \"updated\""));
        blobs_hash(b.data, b.len - 1, hex);
        assert_string_equal(field(e, "digest"), hex);
        strbuf_free(&b);
        val_unref(rec);
    }
    val_unref(now);
}

static void lost_object(void **st)
{
    fx_t *f = *st;
    put(f, tool("echo", "Echoes", "a.json"), false);
    val_t *base = records("tool/echo="
        "0000000000000000000000000000000000000000000000000000000000000000");
    val_t *out = NULL;
    actx_begin(f->run, "test");
    assert_int_equal(registry_drift(f->run, NULL, f->blobs, DB, base, false,
                                    &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->run), "InvalidConfig");
    assert_non_null(strstr(actx_error_message(f->run), "is kept neither in "
                           "the state store nor in the object store as "
                           "000000000000"));
    val_unref(base);
}

/* DRIFTS with one registry DB that has three changes of tool echo
 * (changed, removed, added), the first two keeping REC. */
static val_t *three_changes(const char *db, val_t *rec)
{
    val_t *chs = val_list_new(3);
    const char *kinds[] = { "changed", "removed", "added" };
    for (size_t i = 0; i < 3; i++) {
        val_t *c = val_map_new(4);
        assert_int_equal(val_map_set_take(c, "change", 6,
                                          val_cstring(kinds[i])), MIG_OK);
        assert_int_equal(val_map_set_take(c, "kind", 4, val_cstring("tool")),
                         MIG_OK);
        assert_int_equal(val_map_set_take(c, "name", 4, val_cstring("echo")),
                         MIG_OK);
        if (i < 2)
            assert_int_equal(val_map_set_take(c, "record", 6, val_ref(rec)),
                             MIG_OK);
        assert_int_equal(val_list_push_take(chs, c), MIG_OK);
    }
    val_t *r = val_map_new(2);
    assert_int_equal(val_map_set_take(r, "db", 2, val_cstring(db)), MIG_OK);
    assert_int_equal(val_map_set_take(r, "changes", 7, chs), MIG_OK);
    return r;
}

/* Fails unless TEXT parses as a plan. */
static void parses(const char *text)
{
    diag_list_t d;
    diag_list_init(&d);
    src_t *src = src_from_memory("fix.mig", text, strlen(text));
    arena_t *a = arena_new();
    ast_plan_t *plan = NULL;
    assert_int_equal(grammar_parse(src, a, &d, &plan), MIG_OK);
    assert_int_equal(d.errors, 0);
    arena_free(a);
    src_free(src);
    diag_list_free(&d);
}

static void fix_plan(void **st)
{
    (void)st;
    val_t *rec = with(tool("echo", "a \"${x}\"\nb", "a.json"), "n",
                      "[1, 2.5, true, null, {}]");
    val_t *drifts = val_list_new(1);
    assert_int_equal(val_list_push_take(drifts, three_changes("reg.db", rec)),
                     MIG_OK);
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(registry_drift_fix(drifts, "plan.mig", 7, NULL, NULL,
                                        &b), MIG_OK);
    strbuf_putc(&b, '\0');
    const char *want[] = {
        "its registries as its run 7 left them.",
        "    checkpoint before_fix\n"
        "    # changed since the run: tool echo\n"
        "    step remove_1 = registry.delete(db: \"reg.db\", kind: \"tool\", "
        "name: \"echo\")\n"
        "    step restore_1 = registry.put(\n"
        "      db: \"reg.db\",\n"
        "      record: {\n"
        "        \"name\": \"echo\",\n",
        /* Strings as mig reads them back: no interpolation. */
        "        \"description\": \"a \\\"\\${x}\\\"\\nb\",\n",
        "        \"n\": [\n          1,\n          2.5,\n          true,\n"
        "          null,\n          {}\n        ]\n      }\n    )\n",
        "    # removed since the run: tool echo\n"
        "    step restore_2 = registry.put(\n",
        "    # added since the run: tool echo\n"
        "    step remove_3 = registry.delete(db: \"reg.db\", kind: \"tool\", "
        "name: \"echo\")\n  }\n\n  on failure rollback to before_fix\n}\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr(b.data, want[i]))
            fail_msg("missing:\n%s\nin:\n%s", want[i], b.data);
    /* It parses as a plan. */
    parses(b.data);
    strbuf_free(&b);
    val_unref(drifts);
    val_unref(rec);
}

/* A registry of mig.yaml is written registry("NAME"), the others as
 * their path; the profile that gives the names is named in how to run
 * it (docs/drift.md, "The fix"). */
static void fix_plan_named(void **st)
{
    (void)st;
    val_t *rec = tool("echo", "Echoes", "a.json");
    val_t *drifts = val_list_new(2);
    assert_int_equal(val_list_push_take(drifts, three_changes("../st/r.db",
                                                              rec)), MIG_OK);
    assert_int_equal(val_list_push_take(drifts, three_changes("other.db",
                                                              rec)), MIG_OK);
    val_t *names = val_map_new(2);
    assert_int_equal(val_map_set_take(names, "../st/r.db", 10,
                                      val_cstring("main")), MIG_OK);
    assert_int_equal(val_map_set_take(names, "x.db", 4, val_cstring("x")),
                     MIG_OK);
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(registry_drift_fix(drifts, "plan.mig", 7, names,
                                        "staging", &b), MIG_OK);
    strbuf_putc(&b, '\0');
    const char *want[] = {
        "# `mig run --profile staging` from this folder;",
        "    step remove_1 = registry.delete(db: registry(\"main\"), kind: "
        "\"tool\", name: \"echo\")\n"
        "    step restore_1 = registry.put(\n"
        "      db: registry(\"main\"),\n",
        "    step remove_3 = registry.delete(db: registry(\"main\"), kind: ",
        "    step remove_4 = registry.delete(db: \"other.db\", kind: ",
        "    step restore_5 = registry.put(\n      db: \"other.db\",\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr(b.data, want[i]))
            fail_msg("missing:\n%s\nin:\n%s", want[i], b.data);
    assert_null(strstr(b.data, "\"../st/r.db\""));
    assert_null(strstr(b.data, "registry(\"x\")"));
    parses(b.data);
    /* Without a profile, the comment says plain `mig run`. */
    b.len = 0;
    assert_int_equal(registry_drift_fix(drifts, "plan.mig", 7, names, NULL,
                                        &b), MIG_OK);
    strbuf_putc(&b, '\0');
    assert_non_null(strstr(b.data, "# `mig run` from this folder;"));
    strbuf_free(&b);
    val_unref(names);
    val_unref(drifts);
    val_unref(rec);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(compare_sets), T(compare_empty_and_identical), T(drift_of_a_store),
        T(lost_object), T(fix_plan), T(fix_plan_named), T(drift_text_from_bytes),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
