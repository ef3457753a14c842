/* test_file_restore.c: what the file actions keep and give back, beyond
 * one action at a time: the states of paths, the names paths are kept
 * under, the dry run's refusal, malformed undo records, and a restore
 * that fails half-way (a file-size limit standing in for a full disk, a
 * damaged object store, a crash's leftovers, a permission refused) and is
 * finished by a second try. */

#include "file_fixture.h"

/* ---- states and images -------------------------------------------------- */

static void states(void **state)
{
    fx_t *f = *state;
    put_text("s.txt", "abc");
    put_dir("d", 0755);
    assert_int_equal(symlink("s.txt", in_ws("l")), 0);
    static const struct {
        const char *path, *state;
    } cases[] = {
        { "s.txt", "file:bddd813c634239723171ef3fee98579b"
                   "94964e3bb1cb3e427262c8c068d52319" },
        { "d", "dir" },
        { "l", "symlink:s.txt" },
        { "nothing", "absent" },
        { "s.txt/under", "absent" },
    };
    /* One name per path, whatever way it is written. */
    static const struct {
        const char *written, *name;
    } names[] = {
        { "./d//s.txt", "d/s.txt" }, { "d/../s.txt", "s.txt" },
        { "d/./", "d" }, { ".", "." }, { "d/..", "." },
        { "../x/./y", "../x/y" }, { "a/b/../../../c", "../c" },
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        val_t *img = NULL;
        actx_begin(f->run, "file.write");
        assert_int_equal(actx_keep(f->run, names[i].written, &img), MIG_OK);
        assert_string_equal(field(img, "path"), names[i].name);
        assert_non_null(declared(f, names[i].name));
        val_unref(img);
    }
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        strbuf_t b;
        strbuf_init(&b);
        assert_int_equal(actx_state(f->run, cases[i].path, &b), MIG_OK);
        assert_string_equal(b.data, cases[i].state);
        strbuf_free(&b);
    }
}

static void dry_run_keeps_nothing(void **state)
{
    fx_t *f = *state;
    action_ctx_t *c = actx_new(ACTX_PREVIEW, ws);
    actx_set_host(c, &f->host);
    actx_begin(c, "file.write");
    val_t *img = NULL;
    assert_int_equal(actx_keep(c, "x", &img), MIG_EINVALID);
    assert_null(img);
    assert_string_equal(actx_error_class(c), "PolicyDenied");
    assert_string_equal(actx_error_message(c), "file.write tried to keep the "
                        "before-image of 'x' during a dry run; a dry run "
                        "changes nothing");
    val_t *absent = val_map_new(2);
    val_map_set_take(absent, "path", 4, val_cstring("x"));
    val_map_set_take(absent, "type", 4, val_cstring("absent"));
    assert_int_equal(actx_restore(c, absent), MIG_EINVALID);
    assert_string_equal(actx_error_class(c), "PolicyDenied");
    val_unref(absent);
    actx_free(c);
}

static void malformed_records(void **state)
{
    fx_t *f = *state;
    const action_t *a = row("file.delete");
    val_t *rec = val_map_new(1), *out = NULL;
    actx_begin(f->undo, a->name);
    actx_set_action(f->undo, a);    /* the runtime sets the row it calls */
    assert_ptr_equal(actx_action(f->undo), a);
    assert_int_equal(a->undo(f->undo, rec, &out), MIG_EINVALID);
    assert_string_equal(actx_error_message(f->undo), "file.delete: a malformed "
                        "undo record (no images)");
    val_t *imgs = val_list_new(1), *img = val_map_new(2);
    val_map_set_take(img, "path", 4, val_cstring("x"));
    val_map_set_take(img, "type", 4, val_cstring("socket"));
    val_list_push_take(imgs, img);
    val_map_set_take(rec, "images", 6, imgs);
    assert_int_equal(a->undo(f->undo, rec, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->undo), "InvalidConfig");
    assert_string_equal(actx_error_message(f->undo), "file.delete: a malformed "
                        "before-image (an unknown type)");
    val_unref(rec);
}

/* ---- failures half-way -------------------------------------------------- */

static void set_file_limit(rlim_t bytes)
{
    struct rlimit r;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &r), 0);
    r.rlim_cur = bytes;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &r), 0);
}

/* The disk fills while a restore writes: the restore fails with a classed
 * error, leaves neither a half-written file nor a temporary one, and a
 * second try finishes it. (A file-size limit makes writes fail as a full
 * disk would.) */
static void restore_fails_half_way(void **state)
{
    fx_t *f = *state;
    size_t n = 256 * 1024;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(i * 7);
    put_dir("dir", 0755);
    put_file("dir/big.bin", big, n, 0640);
    put_text("dir/small.txt", "small");
    char *before = tree(".");
    const action_t *a = row("file.delete");
    val_t *in = args("path", "dir", NULL);
    val_t *rec = capture(f, a, in);
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, in, &out), MIG_OK);
    assert_false(there("dir"));
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit saved;
    getrlimit(RLIMIT_FSIZE, &saved);
    set_file_limit(64 * 1024);
    actx_begin(f->undo, a->name);
    mig_status_t st = a->undo(f->undo, rec, &out);
    setrlimit(RLIMIT_FSIZE, &saved);
    assert_int_equal(st, MIG_EINVALID);
    assert_string_equal(actx_error_class(f->undo), "Unavailable");
    assert_string_equal(actx_error_message(f->undo), "file.delete: cannot "
                        "restore 'dir/big.bin': File too large");
    assert_false(there("dir/big.bin"));
    assert_false(there("dir/.big.bin.mig-tmp"));
    undo(f, a, rec);
    char *after = tree(".");
    assert_string_equal(after, before);
    free(after);
    /* Keeping fails the same way, and leaves nothing in the store. */
    put_file("other.bin", big, n - 1, 0644);
    val_t *in2 = args("path", "other.bin", NULL);
    set_file_limit(64 * 1024);
    val_t *rec2 = NULL;
    actx_begin(f->run, a->name);
    st = a->capture(f->run, in2, &rec2);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, SIG_DFL);
    assert_int_equal(st, MIG_EINVALID);
    assert_null(rec2);
    assert_string_equal(actx_error_class(f->run), "Unavailable");
    assert_string_equal(actx_error_message(f->run), "file.delete: cannot "
                        "keep 'other.bin': File too large");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s/objects' -name 'tmp-*')\"",
             root);
    assert_int_equal(system(cmd), 0);
    val_unref(in2);
    val_unref(in);
    val_unref(rec);
    free(before);
    free(big);
}

/* A damaged before-image is refused, not restored; the path is left as
 * it was. */
static void restore_refuses_damaged_blob(void **state)
{
    fx_t *f = *state;
    put_text("f.txt", "the old bytes");
    const action_t *a = row("file.delete");
    val_t *in = args("path", "f.txt", NULL);
    val_t *rec = capture(f, a, in), *out = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, in, &out), MIG_OK);
    const char *hex = field(val_list_get(images(rec), 0), "blob");
    char path[256];
    snprintf(path, sizeof path, "%s/objects/%.2s/%s", root, hex, hex + 2);
    assert_int_equal(chmod(path, 0644), 0);
    FILE *b = fopen(path, "r+");
    fputs("THE", b);
    fclose(b);
    actx_begin(f->undo, a->name);
    assert_int_equal(a->undo(f->undo, rec, &out), MIG_EINVALID);
    char want[256];
    snprintf(want, sizeof want, "file.delete: cannot restore 'f.txt': its "
             "before-image (blob %.12s) is missing or damaged in the object "
             "store", hex);
    assert_string_equal(actx_error_class(f->undo), "Unavailable");
    assert_string_equal(actx_error_message(f->undo), want);
    assert_false(there("f.txt"));
    assert_false(there(".f.txt.mig-tmp"));
    val_unref(rec);
    val_unref(in);
}

/* What a copy that died half-way left beside its target is cleared by
 * the undo (its temporary name is one per path). */
static void undo_clears_crash_leftovers(void **state)
{
    fx_t *f = *state;
    put_tree("src");
    char *before = tree(".");
    const action_t *a = row("file.copy");
    val_t *in = args("from", "src", "to", "dst", NULL);
    val_t *rec = capture(f, a, in);
    put_dir(".dst.mig-tmp", 0755);
    put_text(".dst.mig-tmp/half.txt", "half");
    undo(f, a, rec);
    char *after = tree(".");
    assert_string_equal(after, before);
    free(after);
    free(before);
    val_unref(rec);
    val_unref(in);
}

/* Permission refused is PolicyDenied. As root, the check runs in a child
 * that gives up root first, so that permissions apply. */
static void permission_denied(void **state)
{
    (void)state;
    put_dir("locked", 0555);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        action_ctx_t *c = actx_new(ACTX_RUN, ws);
        const action_t *a = action_find(reg, "file.write");
        val_t *in = args("path", "locked/x.txt", "content", "x", NULL), *out;
        actx_begin(c, a->name);
        int bad = a->run(c, in, &out) != MIG_EINVALID ||
                  strcmp(actx_error_class(c), "PolicyDenied") != 0 ||
                  strcmp(actx_error_message(c), "file.write: cannot write "
                         "'locked/x.txt': Permission denied") != 0;
        if (bad)
            fprintf(stderr, "child: %s: %s\n", actx_error_class(c),
                    actx_error_message(c));
        _exit(bad);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_false(there("locked/x.txt"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(states), T(dry_run_keeps_nothing), T(malformed_records),
        T(restore_fails_half_way), T(restore_refuses_damaged_blob),
        T(undo_clears_crash_leftovers), T(permission_denied),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
