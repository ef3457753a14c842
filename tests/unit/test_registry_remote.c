/* test_registry_remote.c: the registry actions on a remote registry
 * (stdlib/registry/registry_remote*.c; docs/registry.md, "Remote
 * registries") against `mig serve`'s own routes served in this process
 * on loopback: which db is remote (the URL schemes at their edges); a
 * remote record's state leaves out what the server sets (digest,
 * created, updated) but not its status; registry.put's whole cycle
 * (capture, applied, run, undo twice) for an added and a replaced
 * record, its state noted from the answers (actx_note_state) and equal
 * to a fresh read; a Conflict (409) with its detail; an undo over a
 * record changed since, refused with Conflict naming it and left as it
 * is; registry.delete's cycle and a delete of nothing; and the same
 * calls through a loop, suspended (the capture too) and finished from
 * it. */
#define DB "unused.db"
#include "registry_fixture.h"

#include <uv.h>

#include "registry_remote.h"
#include "serve.h"

static char srv_dir[64];
static serve_t *srv;
static registry_api_t *api;
static char url[128];

static int server_setup(void **state)
{
    if (group_setup(state) != 0)
        return -1;
    snprintf(srv_dir, sizeof srv_dir, "/tmp/mig-remote-XXXXXX");
    if (!mkdtemp(srv_dir))
        return -1;
    char db[128];
    snprintf(db, sizeof db, "%s/reg.db", srv_dir);
    diag_list_t d;
    diag_list_init(&d);
    serve_config_t cfg = { 0 };
    serve_addr_t addr;
    strbuf_t why;
    strbuf_init(&why);
    bool ok = (srv = serve_new(&cfg))
        && registry_api_new(db, false, &d, &api) == MIG_OK
        && registry_api_routes(api, srv) == MIG_OK
        && serve_listen_parse("127.0.0.1:0", &addr, &why) == MIG_OK
        && serve_start(srv, &addr, &d) == MIG_OK;
    strbuf_free(&why);
    diag_list_free(&d);
    if (ok)
        snprintf(url, sizeof url, "%s", serve_url(srv));
    return ok ? 0 : -1;
}

static int server_teardown(void **state)
{
    serve_stop(srv);
    registry_api_free(api);
    serve_free(srv);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", srv_dir);
    return system(cmd) == 0 ? group_teardown(state) : -1;
}

/* registry.put's arguments for the server: RECORD (taken), replace. */
static val_t *rput(val_t *record, bool replace)
{
    val_t *m = args("db", url, NULL);
    assert_int_equal(val_map_set_take(m, "record", 6, record), MIG_OK);
    assert_int_equal(val_map_set_take(m, "replace", 7, val_bool(replace)),
                     MIG_OK);
    return m;
}

/* The id of tool NAME of the server. */
static const char *rid(const char *name)
{
    static char id[256];
    snprintf(id, sizeof id, "registry:%s#tool/%s", url, name);
    return id;
}

/* The state of tool NAME read now, in a fresh call (malloc'd). */
static char *rstate(action_ctx_t *c, const char *name)
{
    strbuf_t b;
    strbuf_init(&b);
    actx_begin(c, "test");
    assert_int_equal(resource_state(c, rid(name), &b), MIG_OK);
    strbuf_putc(&b, '\0');
    return b.data;
}

/* The description of tool NAME on the server, or "gone" (malloc'd). */
static char *description(fx_t *f, const char *name)
{
    val_t *in = args("db", url, "name", name, NULL);
    const action_t *a = action_find(reg, "registry.get");
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    mig_status_t st = a->run(f->run, in, &out);
    char *d = strdup(st == MIG_OK ? field(out, "description") : "gone");
    val_unref(out);
    val_unref(in);
    return d;
}

static void test_remote_db(void **state)
{
    (void)state;
    const struct { const char *db; bool remote; } rows[] = {
        { "http://127.0.0.1:1", true }, { "https://r.example", true },
        { "http://", true }, { "http:/x", false }, { "https:", false },
        { "HTTP://x", false }, { "ftp://x", false }, { "reg.db", false },
        { "state/http://x", false }, { "", false }, { NULL, false },
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        assert_int_equal(registry_remote_db(rows[i].db), rows[i].remote);
}

/* The URLs of records and collections: under the server's URL, or under
 * the API's root when the db names it. */
static void test_urls(void **state)
{
    (void)state;
    const struct { const char *db, *kind, *name, *url; } rows[] = {
        { "http://h:1", "tool", "x", "http://h:1/v2/tools/x" },
        { "http://h:1/", "tool", "x", "http://h:1/v2/tools/x" },
        { "http://h:1//", "server", "s", "http://h:1/v2/servers/s" },
        { "https://h/v2", "rag", "r", "https://h/v2/backends/r" },
        { "https://h/v2/", "tool", NULL, "https://h/v2/tools" },
        { "https://h/api", "tool", NULL, "https://h/api/v2/tools" },
        { "https://h/xv2", "tool", "x", "https://h/xv2/v2/tools/x" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        strbuf_t b;
        strbuf_init(&b);
        assert_int_equal(remote_url(rows[i].db, rows[i].kind, rows[i].name,
                                    &b), MIG_OK);
        assert_string_equal(b.data, rows[i].url);
        strbuf_free(&b);
    }
}

/* What a put leaves and an undo puts back may differ only in what the
 * server sets: the state leaves those out, and only those. */
static void test_state_text(void **state)
{
    (void)state;
    val_t *a = with(tool("s", "S", "s.json"), "created", "\"2026-01-01T00:00:00Z\"");
    a = with(a, "updated", "\"2026-01-01T00:00:00Z\"");
    a = with(a, "digest", "\"blake2b:00\"");
    val_t *b = with(with(with(val_copy(a), "created", "\"2027-01-01T00:00:00Z\""),
                         "updated", "\"2027-02-02T00:00:00Z\""),
                    "digest", "\"blake2b:11\"");
    val_t *c = with(val_copy(a), "status", "\"deprecated\"");
    strbuf_t sa, sb, sc, sn;
    strbuf_init(&sa);
    strbuf_init(&sb);
    strbuf_init(&sc);
    strbuf_init(&sn);
    assert_int_equal(remote_state_text(a, &sa), MIG_OK);
    assert_int_equal(remote_state_text(b, &sb), MIG_OK);
    assert_int_equal(remote_state_text(c, &sc), MIG_OK);
    assert_int_equal(remote_state_text(NULL, &sn), MIG_OK);
    assert_string_equal(sa.data, sb.data);
    assert_string_not_equal(sa.data, sc.data);
    assert_string_equal(sn.data, "absent");
    assert_int_equal(strncmp(sa.data, "record:", 7), 0);
    assert_int_equal(strlen(sa.data), 7 + 64);
    strbuf_free(&sa);
    strbuf_free(&sb);
    strbuf_free(&sc);
    strbuf_free(&sn);
    val_unref(a);
    val_unref(b);
    val_unref(c);
}

/* registry.put of a new record, then of other content over it: each
 * through capture, applied, run, undo (twice), the states noted from
 * the answers equal to a fresh read. */
static void test_put_cycle(void **state)
{
    fx_t *f = *state;
    const action_t *a = row("registry.put");
    val_t *in = rput(tool("p1", "P one", "p.json"), false);
    char *before = rstate(f->run, "p1");
    assert_string_equal(before, "absent");
    val_t *rec = capture(f, a, in);
    /* The undo record: nothing before, the ETag the put leaves after. */
    assert_int_equal(val_type(val_map_get(rec, "before", 6)), VAL_NULL);
    const char *after = field(rec, "after");
    assert_int_equal(after[0], '"');
    assert_int_equal(strncmp(after + 1, "blake2b:", 8), 0);
    /* The resource is declared with the state the capture read. */
    val_t *res = actx_resources(f->run);
    assert_string_equal(val_get_str(val_map_get(res, rid("p1"),
                                                strlen(rid("p1"))), NULL),
                        "absent");
    assert_false(applied(f, a, in));
    val_t *out = run_ok(f, "registry.put", in);
    assert_string_equal(field(out, "outcome"), "added");
    /* The after-image is the state the PUT's answer gave: a fresh read
     * (another call) gives the same. */
    strbuf_t noted;
    strbuf_init(&noted);
    assert_int_equal(resource_state(f->run, rid("p1"), &noted), MIG_OK);
    char *now = rstate(f->run, "p1");
    assert_string_equal(noted.data, now);
    assert_string_not_equal(now, "absent");
    strbuf_free(&noted);
    val_unref(out);
    assert_true(applied(f, a, in));
    undo(f, a, rec);
    char *gone = rstate(f->run, "p1");
    assert_string_equal(gone, before);
    undo(f, a, rec);                    /* undone twice: undone once */
    free(gone);
    gone = rstate(f->run, "p1");
    assert_string_equal(gone, before);
    assert_false(applied(f, a, in));
    val_unref(run_ok(f, "registry.put", in));
    /* Other content over it, replace: true. */
    val_t *in2 = rput(tool("p1", "P two", "p2.json"), true);
    val_t *rec2 = capture(f, a, in2);
    assert_string_equal(field(val_map_get(rec2, "before", 6), "description"),
                        "P one");
    out = run_ok(f, "registry.put", in2);
    assert_string_equal(field(out, "outcome"), "replaced");
    val_unref(out);
    undo(f, a, rec2);
    char *back = description(f, "p1");
    assert_string_equal(back, "P one");
    char *s = rstate(f->run, "p1");
    assert_string_equal(s, now);        /* as the first put left it */
    free(s);
    free(back);
    free(before);
    free(now);
    free(gone);
    val_unref(rec);
    val_unref(rec2);
    val_unref(in);
    val_unref(in2);
}

/* Other content without replace: the server's 409, a Conflict whose
 * detail carries the status; the same content: kept, no request. */
static void test_put_conflict(void **state)
{
    fx_t *f = *state;
    const action_t *a = row("registry.put");
    val_t *in = rput(tool("c1", "C one", "c.json"), false);
    val_unref(capture(f, a, in));
    val_unref(run_ok(f, "registry.put", in));
    val_t *same = capture(f, a, in);
    val_t *out = run_ok(f, "registry.put", in);
    assert_string_equal(field(out, "outcome"), "kept");
    val_unref(out);
    val_unref(same);
    val_t *other = rput(tool("c1", "C other", "o.json"), false);
    val_unref(capture(f, a, other));
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, other, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->run), "Conflict");
    assert_non_null(strstr(actx_error_message(f->run), "answered 409 Conflict: "
                           "registry.put: tool 'c1'"));
    val_t *d = actx_error_detail(f->run);
    assert_int_equal(val_get_int(val_map_get(d, "status", 6)), 409);
    char *desc = description(f, "c1");
    assert_string_equal(desc, "C one");
    free(desc);
    val_unref(in);
    val_unref(other);
}

/* An undo over a record someone changed since is refused (Conflict
 * naming it, with its ETag and the expected one) and leaves it. */
static void test_undo_refuses(void **state)
{
    fx_t *f = *state;
    const action_t *a = row("registry.put");
    val_t *in = rput(tool("u1", "U mine", "u.json"), false);
    val_t *rec = capture(f, a, in);
    val_unref(run_ok(f, "registry.put", in));
    val_t *theirs = rput(tool("u1", "U theirs", "t.json"), true);
    val_unref(capture(f, a, theirs));
    val_unref(run_ok(f, "registry.put", theirs));
    actx_begin(f->undo, a->name);
    val_t *out = NULL;
    assert_int_equal(a->undo(f->undo, rec, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->undo), "Conflict");
    char msg[512];
    snprintf(msg, sizeof msg, "registry undo: the undo leaves %s as it is: "
             "it was changed since mig changed it", rid("u1"));
    assert_non_null(strstr(actx_error_message(f->undo), msg));
    val_t *d = actx_error_detail(f->undo);
    assert_string_equal(field(d, "record"), rid("u1"));
    assert_string_equal(field(d, "expected"), field(rec, "after"));
    assert_string_not_equal(field(d, "etag"), field(rec, "after"));
    char *desc = description(f, "u1");
    assert_string_equal(desc, "U theirs");
    free(desc);
    val_unref(rec);
    val_unref(in);
    val_unref(theirs);
}

static void test_delete_cycle(void **state)
{
    fx_t *f = *state;
    const action_t *a = row("registry.delete");
    val_t *put = rput(tool("d1", "D one", "d.json"), false);
    val_unref(capture(f, row("registry.put"), put));
    val_unref(run_ok(f, "registry.put", put));
    char *before = rstate(f->run, "d1");
    val_t *in = args("db", url, "name", "d1", NULL);
    val_t *rec = capture(f, a, in);
    assert_int_equal(val_type(val_map_get(rec, "after", 5)), VAL_NULL);
    assert_false(applied(f, a, in));
    val_t *out = run_ok(f, "registry.delete", in);
    assert_string_equal(field(out, "outcome"), "deleted");
    val_unref(out);
    assert_true(applied(f, a, in));
    undo(f, a, rec);
    undo(f, a, rec);
    char *now = rstate(f->run, "d1");
    assert_string_equal(now, before);
    /* Deleting what is not there. */
    val_t *none = args("db", url, "name", "nobody", NULL);
    val_t *r2 = capture(f, a, none);
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, none, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->run), "MissingDependency");
    undo(f, a, r2);                     /* nothing was deleted */
    val_unref(r2);
    val_unref(none);
    free(now);
    free(before);
    val_unref(rec);
    val_unref(in);
    val_unref(put);
}

/* ---- through a loop --------------------------------------------------------- */

typedef struct waited {
    bool done;
    mig_status_t st;
    val_t *res;
} waited_t;

static void on_finish(action_ctx_t *c, mig_status_t st, val_t *res, void *data)
{
    (void)c;
    waited_t *w = data;
    w->done = true;
    w->st = st;
    w->res = res;
}

/* Calls FN in C, which has a loop: it must suspend, and finish from the
 * loop; gives its result. */
static val_t *suspended(action_ctx_t *c, uv_loop_t *loop, action_fn fn,
                        const val_t *in)
{
    waited_t w = { 0 };
    val_t *out = NULL;
    actx_begin(c, "test");
    assert_int_equal(fn(c, in, &out), MIG_OK);
    assert_true(actx_suspended(c));
    actx_on_finish(c, on_finish, &w);
    while (!w.done)
        uv_run(loop, UV_RUN_ONCE);
    if (w.st != MIG_OK)
        fail_msg("%s: %s", actx_error_class(c), actx_error_message(c));
    return w.res;
}

static void test_through_loop(void **state)
{
    fx_t *f = *state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    actx_host_t host = f->host;
    host.loop = &loop;
    action_ctx_t *c = actx_new(ACTX_RUN, ws);
    actx_set_host(c, &host);
    const action_t *a = row("registry.put");
    val_t *in = rput(tool("l1", "L one", "l.json"), false);
    val_t *rec = suspended(c, &loop, a->capture, in);
    assert_int_equal(val_type(val_map_get(rec, "before", 6)), VAL_NULL);
    val_t *out = suspended(c, &loop, a->run, in);
    assert_string_equal(field(out, "outcome"), "added");
    val_unref(out);
    val_t *yes = suspended(c, &loop, a->applied, in);
    assert_true(val_get_bool(yes));
    val_unref(yes);
    val_t *n = args("db", url, NULL);
    out = suspended(c, &loop, action_find(reg, "registry.count")->run, n);
    assert_true(val_get_int(out) >= 1);
    val_unref(out);
    val_unref(suspended(c, &loop, a->undo, rec));
    char *gone = rstate(f->run, "l1");
    assert_string_equal(gone, "absent");
    free(gone);
    actx_free(c);
    uv_run(&loop, UV_RUN_DEFAULT);      /* the multi handle lingers, then goes */
    assert_int_equal(uv_loop_close(&loop), 0);
    val_unref(n);
    val_unref(rec);
    val_unref(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remote_db),
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_state_text),
        cmocka_unit_test_setup_teardown(test_put_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undo_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_through_loop, setup, teardown),
    };
    return cmocka_run_group_tests(tests, server_setup, server_teardown);
}
