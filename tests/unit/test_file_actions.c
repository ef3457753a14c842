/* test_file_actions.c: the changing file.* actions run and undone for real
 * in a scratch directory. For each one: capture keeps the before-images,
 * run changes the disk as it says, applied tells before from after, undo
 * gives back a tree identical to the one before (bytes, modes, links,
 * empty directories), a second undo changes nothing, and undoing a capture
 * whose run never happened changes nothing. Then each action's error
 * classes. (States, images and restores that fail half-way are in
 * test_file_restore.c.) */

#include "file_fixture.h"

/* ---- file.write --------------------------------------------------------- */

static void check_new_txt(void)
{
    char *s = slurp("new.txt", NULL);
    assert_string_equal(s, "hello\n");
    free(s);
    assert_int_equal(mode_of("new.txt"), 0644);
}

static void write_new_file(void **state)
{
    fx_t *f = *state;
    val_t *rec = cycle(f, "file.write", args("path", "new.txt", "content",
                                            "hello\n", NULL),
                       check_new_txt, NOT_YET);
    assert_int_equal(val_len(images(rec)), 1);
    val_t *img = val_list_get(images(rec), 0);
    assert_string_equal(field(img, "path"), "new.txt");
    assert_string_equal(field(img, "type"), "absent");
    assert_false(there("new.txt"));
    assert_false(there(".new.txt.mig-tmp"));
    val_unref(rec);
}

static void check_conf(void)
{
    char *s = slurp("conf.json", NULL);
    assert_string_equal(s, "{\n  \"a\": 1\n}\n");
    free(s);
}

static void write_over_file(void **state)
{
    fx_t *f = *state;
    put_file("conf.json", "old bytes", 9, 0600);
    val_t *in = args("path", "conf.json", NULL);
    val_t *content = val_map_new(1);
    val_map_set_take(content, "a", 1, val_int(1));
    val_map_set_take(in, "content", 7, content);
    val_t *rec = cycle(f, "file.write", in, check_conf, NOT_YET);
    val_t *img = val_list_get(images(rec), 0);
    assert_string_equal(field(img, "type"), "file");
    char hex[BLOB_HEX];
    blobs_hash("old bytes", 9, hex);
    assert_string_equal(field(img, "blob"), hex);
    assert_int_equal(val_get_int(val_map_get(img, "mode", 4)), 0600);
    /* Declared with its state before the call. */
    char want_state[80];
    snprintf(want_state, sizeof want_state, "file:%s", hex);
    assert_string_equal(declared(f, "conf.json"), want_state);
    assert_int_equal(mode_of("conf.json"), 0600);
    val_unref(rec);
}

static void write_names_paths_once(void **state)
{
    fx_t *f = *state;
    put_dir("sub", 0755);
    val_t *rec = cycle(f, "file.write", args("path", "./sub//conf.txt",
                                            "content", "x", NULL),
                       NULL, NOT_YET);
    assert_string_equal(field(val_list_get(images(rec), 0), "path"),
                        "sub/conf.txt");
    assert_string_equal(declared(f, "sub/conf.txt"), "absent");
    assert_int_equal(val_len(actx_resources(f->run)), 1);
    val_unref(rec);
}

static void write_errors(void **state)
{
    fx_t *f = *state;
    const action_t *a = row("file.write");
    put_dir("adir", 0755);
    val_t *in = args("path", "adir", "content", "x", NULL);
    val_t *rec = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->capture(f->run, in, &rec), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->run), "Conflict");
    assert_string_equal(actx_error_message(f->run),
                        "file.write: 'adir' is a directory");
    /* run does not stat first: the rename onto the directory fails. */
    run_fails(f, a, in, "Conflict",
              "file.write: cannot write 'adir': Is a directory");
    val_unref(in);
    in = args("path", "nodir/x", "content", "x", NULL);
    run_fails(f, a, in, "MissingDependency",
              "file.write: cannot write 'nodir/x': No such file or directory");
    assert_false(applied(f, a, in));
    val_unref(in);
}

/* ---- file.copy ---------------------------------------------------------- */

static void check_copied_file(void)
{
    char *s = slurp("b.txt", NULL);
    assert_string_equal(s, "alpha");
    free(s);
    assert_int_equal(mode_of("b.txt"), 0755);
}

static void copy_file(void **state)
{
    fx_t *f = *state;
    put_file("a.txt", "alpha", 5, 0755);
    val_unref(cycle(f, "file.copy", args("from", "a.txt", "to", "b.txt", NULL),
                    check_copied_file, NOT_YET));
    /* Over a file that is there, and over a directory. */
    put_file("b.txt", "older", 5, 0600);
    val_unref(cycle(f, "file.copy", args("from", "a.txt", "to", "b.txt", NULL),
                    check_copied_file, NOT_YET));
    assert_int_equal(mode_of("b.txt"), 0600);
    assert_int_equal(unlink(in_ws("b.txt")), 0);
    put_tree("b.txt");
    val_unref(cycle(f, "file.copy", args("from", "a.txt", "to", "b.txt", NULL),
                    check_copied_file, NOT_YET));
}

static void check_copied_tree(void)
{
    char *src = tree("src"), *dst = tree("dst");
    assert_string_equal(dst, src);
    free(src);
    free(dst);
    assert_false(there(".dst.mig-tmp"));
}

static void copy_tree(void **state)
{
    fx_t *f = *state;
    put_tree("src");
    val_t *rec = cycle(f, "file.copy", args("from", "src", "to", "dst", NULL),
                       check_copied_tree, NEVER);
    assert_string_equal(field(val_list_get(images(rec), 0), "type"),
                        "absent");
    val_unref(rec);
    /* Over a directory that holds other things: they go, and come back. */
    put_dir("dst", 0700);
    put_text("dst/other.txt", "other");
    put_tree("dst/deeper");
    rec = cycle(f, "file.copy", args("from", "src", "to", "dst", NULL),
                check_copied_tree, NEVER);
    val_t *img = val_list_get(images(rec), 0);
    assert_string_equal(field(img, "type"), "dir");
    assert_int_equal(val_len(val_map_get(img, "entries", 7)), 2);
    /* Every path under it is declared, the directory first. */
    val_t *res = actx_resources(f->run);
    assert_string_equal(val_get_str(val_map_key(res, 0), NULL), "dst");
    assert_string_equal(declared(f, "dst"), "dir");
    assert_string_equal(declared(f, "dst/deeper/link"), "symlink:x.txt");
    assert_string_equal(declared(f, "dst/deeper/sub/empty"), "dir");
    char hex[BLOB_HEX], state_text[80];
    blobs_hash("other", 5, hex);
    snprintf(state_text, sizeof state_text, "file:%s", hex);
    assert_string_equal(declared(f, "dst/other.txt"), state_text);
    val_unref(rec);
}

static void copy_errors(void **state)
{
    fx_t *f = *state;
    const action_t *a = row("file.copy");
    put_tree("src");
    val_t *in = args("from", "src", "to", "src/inner", NULL);
    run_fails(f, a, in, "Conflict",
              "file.copy: cannot copy 'src' into itself ('src/inner')");
    val_unref(in);
    in = args("from", "nope", "to", "b", NULL);
    run_fails(f, a, in, "MissingDependency",
              "file.copy: cannot copy 'nope' to 'b': No such file or "
              "directory");
    assert_false(applied(f, a, in));
    val_unref(in);
    /* A directory copy is never taken as applied: it is made again. */
    in = args("from", "src", "to", "dst", NULL);
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, in, &out), MIG_OK);
    assert_false(applied(f, a, in));
    val_unref(in);
    val_unref(out);
}

/* ---- file.move ---------------------------------------------------------- */

static void check_moved_file(void)
{
    assert_false(there("a.txt"));
    char *s = slurp("moved/b.txt", NULL);
    assert_string_equal(s, "alpha");
    free(s);
}

static void check_moved_tree(void)
{
    assert_false(there("src"));
    assert_true(there("dst/sub/y.bin"));
    assert_false(there("dst/old.txt"));
    assert_int_equal(mode_of("dst/ro.txt"), 0444);
}

static void move_file_and_tree(void **state)
{
    fx_t *f = *state;
    put_file("a.txt", "alpha", 5, 0640);
    put_dir("moved", 0755);
    val_t *rec = cycle(f, "file.move", args("from", "a.txt", "to",
                                           "moved/b.txt", NULL),
                       check_moved_file, NOT_YET);
    /* Both ends are kept, TO first, so undo puts FROM back first. */
    assert_string_equal(field(val_list_get(images(rec), 0), "path"),
                        "moved/b.txt");
    assert_string_equal(field(val_list_get(images(rec), 1), "path"),
                        "a.txt");
    val_unref(rec);
    put_tree("src");
    put_dir("dst", 0755);
    put_text("dst/old.txt", "old");
    val_unref(cycle(f, "file.move", args("from", "src", "to", "dst", NULL),
                    check_moved_tree, NOT_YET));
}

static void move_errors(void **state)
{
    fx_t *f = *state;
    const action_t *a = row("file.move");
    put_tree("d");
    val_t *in = args("from", "d/sub", "to", "d", NULL);
    run_fails(f, a, in, "Conflict",
              "file.move: cannot move 'd/sub' over 'd', which holds it");
    val_unref(in);
    in = args("from", "d", "to", "d/sub/deeper", NULL);
    run_fails(f, a, in, "Conflict",
              "file.move: cannot move 'd' into itself ('d/sub/deeper')");
    val_unref(in);
    in = args("from", "gone", "to", "x", NULL);
    run_fails(f, a, in, "MissingDependency",
              "file.move: cannot move 'gone' to 'x': No such file or "
              "directory");
    val_unref(in);
    assert_true(there("d/sub/y.bin"));
}

/* ---- file.delete -------------------------------------------------------- */

static void check_deleted(void)
{
    assert_false(there("victim"));
}

static void delete_file_and_tree(void **state)
{
    fx_t *f = *state;
    put_file("victim", "bytes\n", 6, 0604);
    val_unref(cycle(f, "file.delete", args("path", "victim", NULL),
                    check_deleted, NOT_YET));
    /* A tree with a read-only directory in it. */
    assert_int_equal(unlink(in_ws("victim")), 0);
    put_tree("victim");
    put_dir("victim/locked", 0755);
    put_text("victim/locked/in.txt", "in");
    assert_int_equal(chmod(in_ws("victim/locked"), 0555), 0);
    val_unref(cycle(f, "file.delete", args("path", "victim", NULL),
                    check_deleted, NOT_YET));
    assert_int_equal(mode_of("victim/locked"), 0555);
    /* A symlink is deleted as a link, its target left alone. */
    assert_int_equal(symlink("victim/x.txt", in_ws("alias")), 0);
    val_t *rec = cycle(f, "file.delete", args("path", "alias", NULL), NULL,
                       NOT_YET);
    val_t *img = val_list_get(images(rec), 0);
    assert_string_equal(field(img, "type"), "symlink");
    assert_string_equal(field(img, "target"), "victim/x.txt");
    val_unref(rec);
}

static void delete_missing(void **state)
{
    fx_t *f = *state;
    const action_t *a = row("file.delete");
    val_t *in = args("path", "gone", NULL);
    run_fails(f, a, in, "MissingDependency",
              "file.delete: cannot delete 'gone': No such file or directory");
    assert_true(applied(f, a, in));     /* absent: nothing left to do */
    val_unref(in);
}

/* ---- file.mkdir --------------------------------------------------------- */

static void check_made(void)
{
    assert_int_equal(mode_of("a/b/c"), 0755);
}

static void mkdir_parents(void **state)
{
    fx_t *f = *state;
    put_dir("a", 0700);
    put_text("a/keep.txt", "keep");
    val_t *rec = cycle(f, "file.mkdir", args("path", "a/b/c", NULL),
                       check_made, NOT_YET);
    /* The first directory it creates, kept as absent: undo removes that
     * one with what is in it, and nothing above. */
    assert_int_equal(val_len(images(rec)), 1);
    val_t *img = val_list_get(images(rec), 0);
    assert_string_equal(field(img, "path"), "a/b");
    assert_string_equal(field(img, "type"), "absent");
    assert_true(there("a/keep.txt"));
    val_unref(rec);
    /* There already: nothing kept, nothing changed, applied at once. */
    put_dir("ready", 0711);
    rec = cycle(f, "file.mkdir", args("path", "ready", NULL), NULL, ALREADY);
    assert_int_equal(val_len(images(rec)), 0);
    assert_int_equal(mode_of("ready"), 0711);
    val_unref(rec);
    /* A trailing slash names the same directory. */
    rec = cycle(f, "file.mkdir", args("path", "x/y/", NULL), NULL, NOT_YET);
    assert_string_equal(field(val_list_get(images(rec), 0), "path"), "x");
    val_unref(rec);
}

static void mkdir_conflicts(void **state)
{
    fx_t *f = *state;
    const action_t *a = row("file.mkdir");
    put_text("f.txt", "a file");
    val_t *in = args("path", "f.txt", NULL);
    run_fails(f, a, in, "Conflict",
              "file.mkdir: 'f.txt' is there and is not a directory");
    val_unref(in);
    in = args("path", "f.txt/sub/deeper", NULL);
    val_t *rec = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->capture(f->run, in, &rec), MIG_EINVALID);
    assert_string_equal(actx_error_message(f->run),
                        "file.mkdir: 'f.txt' is there and is not a directory");
    assert_false(applied(f, a, in));
    val_unref(in);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(write_new_file), T(write_over_file), T(write_names_paths_once),
        T(write_errors), T(copy_file), T(copy_tree), T(copy_errors),
        T(move_file_and_tree), T(move_errors), T(delete_file_and_tree),
        T(delete_missing), T(mkdir_parents), T(mkdir_conflicts),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
