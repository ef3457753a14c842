/* test_registry_preview.c: the registry as a dry run sees it
 * (registry_preview.c): after the preview of a put, delete, deprecate or
 * alias in a preview context, the reads of that context (get, count,
 * list, and the next preview's own) see the record as the change would
 * leave it, sorted by name among the store's; the store itself is never
 * touched, and a run context keeps nothing pending. */
#define DB "reg.db"
#include "registry_fixture.h"

/* Calls the preview of action NAME with IN in the preview context P;
 * gives its result (new, or NULL when it gives none). */
static val_t *preview_ok(action_ctx_t *p, const char *name, const val_t *in)
{
    const action_t *a = action_find(reg, name);
    assert_non_null(a);
    val_t *out = NULL;
    actx_begin(p, a->name);
    if (a->preview(p, in, &out) != MIG_OK)
        fail_msg("%s: %s: %s", name, actx_error_class(p),
                 actx_error_message(p));
    return out;
}

/* The preview of action NAME with IN fails with CLS and MSG. */
static void preview_fails(action_ctx_t *p, const char *name, const val_t *in,
                          const char *cls, const char *msg)
{
    const action_t *a = action_find(reg, name);
    val_t *out = NULL;
    actx_begin(p, a->name);
    assert_int_equal(a->preview(p, in, &out), MIG_EINVALID);
    assert_null(out);
    assert_string_equal(actx_error_class(p), cls);
    assert_string_equal(actx_error_message(p), msg);
}

/* The names registry.list gives in P (status STATUS, or NULL: all),
 * joined by spaces, in NAMES. */
static void names(action_ctx_t *p, const char *status, char *out, size_t cap)
{
    val_t *in = status ? args("db", DB, "kind", "tool", "status", status, NULL)
                       : args("db", DB, "kind", "tool", NULL);
    val_t *l = preview_ok(p, "registry.list", in);
    out[0] = '\0';
    for (size_t i = 0; i < val_len(l); i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? " " : "",
                 field(val_list_get(l, i), "name"));
    val_unref(l);
    val_unref(in);
}

/* registry.count in the preview context P: the fixture's count with P
 * as its context (registry.count's preview and run are one function). */
static int64_t preview_count(fx_t *f, action_ctx_t *p)
{
    fx_t in_p = *f;
    in_p.run = p;
    return count(&in_p);
}

static void reads_see_earlier_previews(void **st)
{
    fx_t *f = *st;
    val_t *in = put_args(tool("mid", "In the store", "a.json"), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(in);
    char *stored = state(f, "mid");
    action_ctx_t *p = actx_new(ACTX_PREVIEW, ws);
    assert_non_null(p);
    /* Nothing previewed yet: the store as it is. */
    assert_int_equal(preview_count(f, p), 1);
    /* Two puts, one sorting before the stored record, one after. */
    in = put_args(tool("zed", "Put last", "b.json"), false);
    val_unref(preview_ok(p, "registry.put", in));
    val_unref(in);
    in = put_args(tool("abc", "Put first", "c.json"), false);
    val_unref(preview_ok(p, "registry.put", in));
    val_unref(in);
    char buf[256];
    names(p, NULL, buf, sizeof buf);
    assert_string_equal(buf, "abc mid zed");
    assert_int_equal(preview_count(f, p), 3);
    val_t *g = args("db", DB, "name", "zed", "kind", "tool", NULL);
    val_t *rec = preview_ok(p, "registry.get", g);
    assert_string_equal(field(rec, "description"), "Put last");
    assert_string_equal(field(rec, "status"), "active");
    assert_int_equal(strncmp(field(rec, "digest"), "blake2b:", 8), 0);
    val_unref(rec);
    /* A put of other content under a pending name is a Conflict. */
    in = put_args(tool("zed", "Other", "d.json"), false);
    preview_fails(p, "registry.put", in, "Conflict", "registry.put: tool "
                  "'zed' in reg.db, from b.json#/0, differs from the one "
                  "given, from d.json#/0 (replace: true replaces it)");
    val_unref(in);
    /* Deprecate, alias, delete: each read sees them. */
    val_t *dep = args("db", DB, "name", "abc", "kind", "tool", NULL);
    val_unref(preview_ok(p, "registry.deprecate", dep));
    names(p, "deprecated", buf, sizeof buf);
    assert_string_equal(buf, "abc");
    val_t *al = args("db", DB, "name", "zed", "alias", "last", "kind", "tool",
                     NULL);
    val_unref(preview_ok(p, "registry.alias", al));
    val_t *ga = args("db", DB, "name", "last", "kind", "tool", NULL);
    rec = preview_ok(p, "registry.get", ga);
    assert_string_equal(field(rec, "name"), "zed");
    val_unref(rec);
    val_t *del = args("db", DB, "name", "mid", "kind", "tool", NULL);
    val_unref(preview_ok(p, "registry.delete", del));
    preview_fails(p, "registry.get", del, "MissingDependency",
                  "registry.get: no tool named 'mid' in reg.db");
    preview_fails(p, "registry.delete", del, "MissingDependency",
                  "registry.delete: no tool named 'mid' in reg.db");
    names(p, NULL, buf, sizeof buf);
    assert_string_equal(buf, "abc zed");
    assert_int_equal(preview_count(f, p), 2);
    /* The store was never touched, and a run's reads see only it. */
    char *now = state(f, "mid");
    assert_string_equal(now, stored);
    assert_int_equal(count(f), 1);
    free(now);
    free(stored);
    val_unref(g);
    val_unref(dep);
    val_unref(al);
    val_unref(ga);
    val_unref(del);
    actx_free(p);
}

static void only_a_preview_keeps_pending(void **st)
{
    fx_t *f = *st;
    assert_int_equal(actx_pending_set(f->run, "registry:reg.db#tool/x",
                                      val_null()), MIG_OK);
    assert_null(actx_pending(f->run));
    action_ctx_t *p = actx_new(ACTX_PREVIEW, ws);
    assert_null(actx_pending(p));
    /* A put of content already in the store is kept: nothing pending. */
    val_t *in = put_args(tool("same", "Same", "a.json"), false);
    val_unref(run_ok(f, "registry.put", in));
    val_unref(preview_ok(p, "registry.put", in));
    assert_null(actx_pending(p));
    val_unref(in);
    actx_free(p);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(reads_see_earlier_previews), T(only_a_preview_keeps_pending),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
