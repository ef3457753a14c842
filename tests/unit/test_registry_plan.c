/* test_registry_plan.c: what the dry run shows of a registry change
 * (docs/registry.md, "Preview"): per record add, keep, replace, conflict
 * or delete, as a change; for a replace or a conflict the fields that
 * differ, by JSON pointer in byte order, old -> new; values of 60
 * characters whole, of 61 cut saying so; 20 fields listed, a 21st
 * counted; pointers escaped; nothing written. */
#define DB "reg.db"
#include "registry_fixture.h"

/* The preview of ACTION with IN (taken) in a new preview context: its
 * status must be WANT; gives the one change it recorded (new). */
static val_t *preview(const char *action, val_t *in, mig_status_t want)
{
    action_ctx_t *p = actx_new(ACTX_PREVIEW, ws);
    assert_non_null(p);
    const action_t *a = row(action);
    actx_begin(p, a->name);
    val_t *out = NULL;
    mig_status_t st = a->preview(p, in, &out);
    if (st != want)
        fail_msg("%s: %d: %s", action, st, actx_error_message(p));
    val_t *ch = actx_changes(p);
    assert_int_equal(val_len(ch), 1);
    val_t *c = val_ref(val_list_get(ch, 0));
    val_unref(out);
    val_unref(in);
    actx_free(p);
    return c;
}

/* Stores REC (taken). */
static void stored(fx_t *f, val_t *rec)
{
    val_t *in = put_args(rec, true);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
}

/* Field I of change C is OP at POINTER, OLD -> NEW (NULL: absent). */
static void field_is(const val_t *c, size_t i, const char *op,
                     const char *pointer, const char *old, const char *new)
{
    val_t *fs = val_map_get(c, "fields", 6);
    assert_non_null(fs);
    assert_true(i < val_len(fs));
    const val_t *f = val_list_get(fs, i);
    assert_string_equal(field(f, "op"), op);
    assert_string_equal(field(f, "pointer"), pointer);
    if (old)
        assert_string_equal(field(f, "old"), old);
    else
        assert_null(val_map_get(f, "old", 3));
    if (new)
        assert_string_equal(field(f, "new"), new);
    else
        assert_null(val_map_get(f, "new", 3));
}

static val_t *echo(void)
{
    return tool("echo", "Echoes", "a.json");
}

static void add_keep_replace(void **st)
{
    fx_t *f = *st;
    val_t *c = preview("registry.put", put_args(echo(), false), MIG_OK);
    assert_string_equal(field(c, "change"), "create");
    assert_string_equal(field(c, "target"), "registry:reg.db#tool/echo");
    assert_string_equal(field(c, "record"), "add");
    assert_int_equal(strncmp(field(c, "detail"), "add, blake2b:", 13), 0);
    assert_null(val_map_get(c, "fields", 6));
    val_unref(c);
    assert_false(there(DB));            /* a preview writes nothing */
    stored(f, echo());
    c = preview("registry.put", put_args(echo(), false), MIG_OK);
    assert_string_equal(field(c, "change"), "keep");
    assert_string_equal(field(c, "record"), "keep");
    assert_string_equal(field(c, "detail"), "keep, the same content");
    val_unref(c);
    /* One field changed, one added, one removed, one changed inside a
     * map; in byte order of their pointers. */
    val_t *next = with(with(with(with(echo(), "description", "'Repeats'"),
                                 "title", "'Echo'"),
                            "inputSchema", NULL),
                       "provenance/file", "'b.yaml'");
    next = with(next, "inputSchema", "{'type': 'object', 'required': []}");
    c = preview("registry.put", put_args(next, true), MIG_OK);
    assert_string_equal(field(c, "change"), "overwrite");
    assert_string_equal(field(c, "record"), "replace");
    assert_int_equal(val_len(val_map_get(c, "fields", 6)), 4);
    field_is(c, 0, "change", "/description", "\"Echoes\"", "\"Repeats\"");
    field_is(c, 1, "add", "/inputSchema/required", NULL, "[]");
    field_is(c, 2, "change", "/provenance/file", "\"a.json\"", "\"b.yaml\"");
    field_is(c, 3, "add", "/title", NULL, "\"Echo\"");
    assert_null(val_map_get(c, "fields_more", 11));
    val_unref(c);
    /* Back: the title is removed. */
    stored(f, with(echo(), "title", "'Echo'"));
    c = preview("registry.put", put_args(echo(), true), MIG_OK);
    assert_int_equal(val_len(val_map_get(c, "fields", 6)), 1);
    field_is(c, 0, "remove", "/title", "\"Echo\"", NULL);
    val_unref(c);
}

/* A conflict fails the preview as the run would, and still says which
 * fields differ. */
static void conflict_shows_fields(void **st)
{
    fx_t *f = *st;
    stored(f, echo());
    /* Sorted by pointer, not in the order the records hold them. */
    val_t *next = with(with(with(echo(), "version", "'2'"), "annotations",
                            "{'readOnlyHint': true}"),
                       "description", "'Says'");
    val_t *c = preview("registry.put", put_args(next, false), MIG_EINVALID);
    assert_string_equal(field(c, "change"), "conflict");
    assert_string_equal(field(c, "record"), "conflict");
    assert_string_equal(field(c, "detail"), "conflict, the records differ "
                        "and replace is not true");
    assert_int_equal(val_len(val_map_get(c, "fields", 6)), 3);
    field_is(c, 0, "add", "/annotations", NULL, "{\"readOnlyHint\":true}");
    field_is(c, 1, "change", "/description", "\"Echoes\"", "\"Says\"");
    field_is(c, 2, "add", "/version", NULL, "\"2\"");
    val_unref(c);
}

/* Values of 60 characters are shown whole, of 61 cut after 60 (a
 * character of two bytes counting once). */
static void long_values_cut(void **st)
{
    fx_t *f = *st;
    stored(f, echo());
    char d[80], j[90];
    /* 57 letters and an é, quoted: 60 characters. */
    memset(d, 'a', 57);
    strcpy(d + 57, "\xc3\xa9");
    snprintf(j, sizeof j, "'%s'", d);
    val_t *c = preview("registry.put",
                       put_args(with(echo(), "description", j), true), MIG_OK);
    char want[128];
    snprintf(want, sizeof want, "\"%s\"", d);
    field_is(c, 0, "change", "/description", "\"Echoes\"", want);
    val_unref(c);
    /* 58 letters and an é: 61; cut before the closing quote. */
    memset(d, 'a', 58);
    strcpy(d + 58, "\xc3\xa9");
    snprintf(j, sizeof j, "'%s'", d);
    c = preview("registry.put",
                put_args(with(echo(), "description", j), true), MIG_OK);
    snprintf(want, sizeof want, "\"%s... (61 characters)", d);
    field_is(c, 0, "change", "/description", "\"Echoes\"", want);
    val_unref(c);
}

/* A record with N keys k00.. in config, the key "a/b~c" among them. */
static val_t *with_config(size_t n)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "{'a/b~c': 0");
    for (size_t i = 1; i < n; i++)
        strbuf_printf(&b, ", 'k%02zu': %zu", i, i);
    strbuf_puts(&b, "}");
    val_t *rec = with(echo(), "config", b.data);
    strbuf_free(&b);
    return rec;
}

static void twenty_fields_listed(void **st)
{
    fx_t *f = *st;
    stored(f, with(echo(), "config", "{}"));
    val_t *c = preview("registry.put", put_args(with_config(20), true),
                       MIG_OK);
    assert_int_equal(val_len(val_map_get(c, "fields", 6)), 20);
    assert_null(val_map_get(c, "fields_more", 11));
    field_is(c, 0, "add", "/config/a~1b~0c", NULL, "0");
    field_is(c, 19, "add", "/config/k19", NULL, "19");
    val_unref(c);
    c = preview("registry.put", put_args(with_config(21), true), MIG_OK);
    assert_int_equal(val_len(val_map_get(c, "fields", 6)), 20);
    field_is(c, 19, "add", "/config/k19", NULL, "19");
    assert_int_equal(val_get_int(val_map_get(c, "fields_more", 11)), 1);
    val_unref(c);
}

/* Deprecate and alias replace the record (their fields shown, the times
 * the registry sets left out); delete deletes it; a change already made
 * is kept. */
static void changes_of_a_record(void **st)
{
    fx_t *f = *st;
    stored(f, echo());
    val_t *in = args("db", DB, "name", "echo", "kind", "tool", NULL);
    val_t *c = preview("registry.deprecate", val_ref(in), MIG_OK);
    assert_string_equal(field(c, "change"), "overwrite");
    assert_string_equal(field(c, "record"), "replace");
    assert_string_equal(field(c, "detail"), "replace, deprecated");
    assert_int_equal(val_len(val_map_get(c, "fields", 6)), 1);
    field_is(c, 0, "change", "/status", "\"active\"", "\"deprecated\"");
    val_unref(c);
    val_t *al = args("db", DB, "name", "echo", "alias", "Echo Tool", "kind",
                     "tool", NULL);
    c = preview("registry.alias", val_ref(al), MIG_OK);
    assert_string_equal(field(c, "detail"), "replace, aliased");
    field_is(c, 0, "add", "/aliases", NULL, "[\"Echo Tool\"]");
    val_unref(c);
    val_unref(run_ok(f, "registry.alias", al));
    c = preview("registry.alias", al, MIG_OK);
    assert_string_equal(field(c, "change"), "keep");
    assert_string_equal(field(c, "detail"), "keep");
    val_unref(c);
    c = preview("registry.delete", in, MIG_OK);
    assert_string_equal(field(c, "change"), "delete");
    assert_string_equal(field(c, "record"), "delete");
    assert_string_equal(field(c, "detail"), "delete");
    assert_null(val_map_get(c, "fields", 6));
    val_unref(c);
    assert_int_equal(count(f), 1);      /* previews changed nothing */
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(add_keep_replace), T(conflict_shows_fields), T(long_values_cut),
        T(twenty_fields_listed), T(changes_of_a_record),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
