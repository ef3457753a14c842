/* file_fixture.h: what the file actions' tests share (test_file_actions.c,
 * test_file_restore.c): a scratch tree and its digest, the fixtures,
 * and calling an action's capture, run, applied and undo. */
#ifndef MIG_FILE_FIXTURE_H
#define MIG_FILE_FIXTURE_H

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

__attribute__((unused))
static const char *in_ws(const char *name)
{
    static char path[2][256];
    static int which;
    which ^= 1;
    snprintf(path[which], sizeof path[which], "%s/%s", ws, name);
    return path[which];
}

__attribute__((unused))
static void put_file(const char *name, const char *bytes, size_t len,
                     mode_t mode)
{
    FILE *f = fopen(in_ws(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    assert_int_equal(chmod(in_ws(name), mode), 0);
}

__attribute__((unused))
static void put_text(const char *name, const char *text)
{
    put_file(name, text, strlen(text), 0644);
}

__attribute__((unused))
static void put_dir(const char *name, mode_t mode)
{
    assert_int_equal(mkdir(in_ws(name), 0700), 0);
    assert_int_equal(chmod(in_ws(name), mode), 0);
}

__attribute__((unused))
static bool there(const char *name)
{
    struct stat st;
    return lstat(in_ws(name), &st) == 0;
}

__attribute__((unused))
static mode_t mode_of(const char *name)
{
    struct stat st;
    assert_int_equal(lstat(in_ws(name), &st), 0);
    return st.st_mode & 07777;
}

/* The bytes of NAME as a NUL-terminated string (malloc'd). */
__attribute__((unused))
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

__attribute__((unused))
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends a line per path under FULL (named REL): its type, mode, and
 * the BLAKE2b of its bytes or its link's target, directories walked in
 * byte order. Two trees are identical exactly when their texts are. */
__attribute__((unused))
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

__attribute__((unused))
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

__attribute__((unused))
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

__attribute__((unused))
static int group_setup(void **state)
{
    (void)state;
    reg = action_registry_new();
    return reg && stdlib_register(reg) == MIG_OK ? 0 : -1;
}

__attribute__((unused))
static int group_teardown(void **state)
{
    (void)state;
    action_registry_free(reg);
    return 0;
}

/* ---- calling actions ---------------------------------------------------- */

__attribute__((unused))
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
__attribute__((unused))
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

__attribute__((unused))
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

__attribute__((unused))
static val_t *capture(fx_t *f, const action_t *a, const val_t *in)
{
    val_t *rec = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->capture(f->run, in, &rec), MIG_OK);
    assert_non_null(rec);
    return rec;
}

__attribute__((unused))
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
__attribute__((unused))
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
__attribute__((unused))
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
__attribute__((unused))
static val_t *images(const val_t *rec)
{
    val_t *v = val_map_get(rec, "images", 6);
    assert_non_null(v);
    assert_int_equal(val_type(v), VAL_LIST);
    return v;
}

__attribute__((unused))
static const char *field(const val_t *img, const char *key)
{
    val_t *v = val_map_get(img, key, strlen(key));
    assert_non_null(v);
    return val_get_str(v, NULL);
}

/* The state declared for PATH by the last capture of F. */
__attribute__((unused))
static const char *declared(fx_t *f, const char *path)
{
    val_t *v = val_map_get(actx_resources(f->run), path, strlen(path));
    return v ? val_get_str(v, NULL) : NULL;
}

/* A tree with a bit of everything: text, binary bytes, a dot file, an
 * empty directory, a symlink, odd modes. */
__attribute__((unused))
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

#endif
