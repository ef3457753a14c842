/* test_file_actions.c: the changing file.* actions run and undone for real
 * in a scratch directory. For each one: capture keeps the before-images,
 * run changes the disk as it says, applied tells before from after, undo
 * gives back a tree identical to the one before (bytes, modes, links,
 * empty directories), a second undo changes nothing, and undoing a capture
 * whose run never happened changes nothing. Then the error classes, the
 * names paths are kept under, the dry run's refusal, and a restore that
 * fails half-way (a file-size limit standing in for a full disk, a damaged
 * object store) and is finished by a second try. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mig_stdlib.h"

static char root[64];           /* the scratch directory */
static char ws[96];             /* the plan's directory: root/ws */
static action_registry_t *reg;

typedef struct fx {
    blobs_t *blobs;
    actx_host_t host;
    action_ctx_t *run, *undo;
} fx_t;

/* ---- the scratch tree --------------------------------------------------- */

static const char *in_ws(const char *name)
{
    static char path[2][256];
    static int which;
    which ^= 1;
    snprintf(path[which], sizeof path[which], "%s/%s", ws, name);
    return path[which];
}

static void put_file(const char *name, const char *bytes, size_t len,
                     mode_t mode)
{
    FILE *f = fopen(in_ws(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    assert_int_equal(chmod(in_ws(name), mode), 0);
}

static void put_text(const char *name, const char *text)
{
    put_file(name, text, strlen(text), 0644);
}

static void put_dir(const char *name, mode_t mode)
{
    assert_int_equal(mkdir(in_ws(name), 0700), 0);
    assert_int_equal(chmod(in_ws(name), mode), 0);
}

static bool there(const char *name)
{
    struct stat st;
    return lstat(in_ws(name), &st) == 0;
}

static mode_t mode_of(const char *name)
{
    struct stat st;
    assert_int_equal(lstat(in_ws(name), &st), 0);
    return st.st_mode & 07777;
}

/* The bytes of NAME as a NUL-terminated string (malloc'd). */
static char *slurp(const char *name, size_t *len)
{
    FILE *f = fopen(in_ws(name), "rb");
    assert_non_null(f);
    strbuf_t b;
    strbuf_init(&b);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_put(&b, buf, n);
    fclose(f);
    strbuf_putc(&b, '\0');
    if (len)
        *len = b.len - 1;
    return b.data;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends a line per path under FULL (named REL): its type, mode, and
 * the BLAKE2b of its bytes or its link's target, directories walked in
 * byte order. Two trees are identical exactly when their texts are. */
static void tree_walk(const char *full, const char *rel, strbuf_t *out)
{
    struct stat st;
    if (lstat(full, &st) != 0) {
        strbuf_printf(out, "%s absent\n", rel);
        return;
    }
    if (S_ISLNK(st.st_mode)) {
        char target[512];
        ssize_t n = readlink(full, target, sizeof target - 1);
        assert_true(n >= 0);
        target[n] = '\0';
        strbuf_printf(out, "%s link -> %s\n", rel, target);
        return;
    }
    strbuf_printf(out, "%s %s %04o", rel, S_ISDIR(st.st_mode) ? "dir"
                  : "file", (unsigned)(st.st_mode & 07777));
    if (!S_ISDIR(st.st_mode)) {
        char hex[BLOB_HEX];
        assert_int_equal(blobs_hash_file(full, hex), MIG_OK);
        strbuf_printf(out, " %s\n", hex);
        return;
    }
    strbuf_putc(out, '\n');
    DIR *d = opendir(full);
    assert_non_null(d);
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            assert_true(n < 256);
            names[n++] = strdup(e->d_name);
        }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char cf[1024], cr[1024];
        snprintf(cf, sizeof cf, "%s/%s", full, names[i]);
        snprintf(cr, sizeof cr, "%s/%s", rel, names[i]);
        tree_walk(cf, cr, out);
        free(names[i]);
    }
}

/* The text of the tree NAME in the workspace ("." for all of it). */
static char *tree(const char *name)
{
    strbuf_t b;
    strbuf_init(&b);
    tree_walk(in_ws(name), ".", &b);
    return b.data;
}

/* ---- fixtures ----------------------------------------------------------- */

static int setup(void **state)
{
    snprintf(root, sizeof root, "/tmp/mig-file-actions-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    snprintf(ws, sizeof ws, "%s/ws", root);
    if (mkdir(ws, 0755) != 0)
        return -1;
    fx_t *f = calloc(1, sizeof(*f));
    char objects[128];
    snprintf(objects, sizeof objects, "%s/objects", root);
    diag_list_t d;
    diag_list_init(&d);
    if (!f || blobs_open(objects, &d, &f->blobs) != MIG_OK)
        return -1;
    diag_list_free(&d);
    f->host.blobs = f->blobs;
    f->run = actx_new(ACTX_RUN, ws);
    f->undo = actx_new(ACTX_UNDO, ws);
    if (!f->run || !f->undo)
        return -1;
    actx_set_host(f->run, &f->host);
    actx_set_host(f->undo, &f->host);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    actx_free(f->run);
    actx_free(f->undo);
    blobs_close(f->blobs);
    free(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", root, root);
    return system(cmd) == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
    (void)state;
    reg = action_registry_new();
    return reg && stdlib_register(reg) == MIG_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    action_registry_free(reg);
    return 0;
}

/* ---- calling actions ---------------------------------------------------- */

static const action_t *row(const char *name)
{
    const action_t *a = action_find(reg, name);
    assert_non_null(a);
    assert_int_equal(a->effect, ACTION_SELF_UNDO);
    assert_non_null(a->capture);
    assert_non_null(a->run);
    assert_non_null(a->undo);
    return a;
}

/* A map of string arguments: K1, V1, K2, V2, ..., NULL. */
static val_t *args(const char *k, ...)
{
    val_t *m = val_map_new(2);
    va_list ap;
    va_start(ap, k);
    for (; k; k = va_arg(ap, const char *)) {
        const char *v = va_arg(ap, const char *);
        assert_int_equal(val_map_set_take(m, k, strlen(k), val_cstring(v)),
                         MIG_OK);
    }
    va_end(ap);
    return m;
}

static bool applied(fx_t *f, const action_t *a, const val_t *in)
{
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->applied(f->run, in, &out), MIG_OK);
    assert_int_equal(val_type(out), VAL_BOOL);
    bool b = val_get_bool(out);
    val_unref(out);
    return b;
}

static val_t *capture(fx_t *f, const action_t *a, const val_t *in)
{
    val_t *rec = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->capture(f->run, in, &rec), MIG_OK);
    assert_non_null(rec);
    return rec;
}

static void undo(fx_t *f, const action_t *a, const val_t *rec)
{
    val_t *out = NULL;
    actx_begin(f->undo, a->name);
    mig_status_t st = a->undo(f->undo, rec, &out);
    if (st != MIG_OK)
        fail_msg("undo: %s: %s", actx_error_class(f->undo),
                 actx_error_message(f->undo));
    val_unref(out);
}

/* Runs A with IN, expecting a failure of class CLS and message MSG. */
static void run_fails(fx_t *f, const action_t *a, const val_t *in,
                      const char *cls, const char *msg)
{
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, in, &out), MIG_EINVALID);
    assert_null(out);
    assert_string_equal(actx_error_class(f->run), cls);
    assert_string_equal(actx_error_message(f->run), msg);
}

/* What applied says before and after run, in a cycle. */
enum { NOT_YET, ALREADY, NEVER };

/* The whole cycle, from the tree as it is: capture, applied (false, or
 * true for ALREADY), run, CHECK, applied again (true, or false for
 * NEVER), undo (the tree as it was), undo again (no change), and the undo
 * of a second capture whose run never happened (no change). Gives the
 * record. */
static val_t *cycle(fx_t *f, const char *name, val_t *in, void (*check)(void),
                    int applies)
{
    const action_t *a = row(name);
    char *before = tree(".");
    val_t *rec = capture(f, a, in);
    char *after_capture = tree(".");
    assert_string_equal(after_capture, before);   /* capture changes nothing */
    free(after_capture);
    assert_int_equal(applied(f, a, in), applies == ALREADY);
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    if (a->run(f->run, in, &out) != MIG_OK)
        fail_msg("run: %s: %s", actx_error_class(f->run),
                 actx_error_message(f->run));
    assert_false(actx_suspended(f->run));
    val_unref(out);
    if (check)
        check();
    assert_int_equal(applied(f, a, in), applies != NEVER);
    undo(f, a, rec);
    char *undone = tree(".");
    assert_string_equal(undone, before);
    free(undone);
    undo(f, a, rec);
    undone = tree(".");
    assert_string_equal(undone, before);
    free(undone);
    val_t *never = capture(f, a, in);
    undo(f, a, never);
    undone = tree(".");
    assert_string_equal(undone, before);
    free(undone);
    val_unref(never);
    free(before);
    val_unref(in);
    return rec;
}

/* The images of record REC. */
static val_t *images(const val_t *rec)
{
    val_t *v = val_map_get(rec, "images", 6);
    assert_non_null(v);
    assert_int_equal(val_type(v), VAL_LIST);
    return v;
}

static const char *field(const val_t *img, const char *key)
{
    val_t *v = val_map_get(img, key, strlen(key));
    assert_non_null(v);
    return val_get_str(v, NULL);
}

/* The state declared for PATH by the last capture of F. */
static const char *declared(fx_t *f, const char *path)
{
    val_t *v = val_map_get(actx_resources(f->run), path, strlen(path));
    return v ? val_get_str(v, NULL) : NULL;
}

/* A tree with a bit of everything: text, binary bytes, a dot file, an
 * empty directory, a symlink, odd modes. */
static void put_tree(const char *name)
{
    put_dir(name, 0750);
    char sub[128];
    snprintf(sub, sizeof sub, "%s/x.txt", name);
    put_file(sub, "x\n", 2, 0755);
    snprintf(sub, sizeof sub, "%s/.hidden", name);
    put_text(sub, "dot");
    snprintf(sub, sizeof sub, "%s/sub", name);
    put_dir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/sub/y.bin", name);
    put_file(sub, "\0\xff\x01zero", 7, 0600);
    snprintf(sub, sizeof sub, "%s/sub/empty", name);
    put_dir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/ro.txt", name);
    put_file(sub, "read only", 9, 0444);
    snprintf(sub, sizeof sub, "%s/link", name);
    assert_int_equal(symlink("x.txt", in_ws(sub)), 0);
}

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
        T(write_new_file), T(write_over_file), T(write_names_paths_once),
        T(write_errors), T(copy_file), T(copy_tree), T(copy_errors),
        T(move_file_and_tree), T(move_errors), T(delete_file_and_tree),
        T(delete_missing), T(mkdir_parents), T(mkdir_conflicts), T(states),
        T(dry_run_keeps_nothing), T(malformed_records),
        T(restore_fails_half_way), T(restore_refuses_damaged_blob),
        T(undo_clears_crash_leftovers), T(permission_denied),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
