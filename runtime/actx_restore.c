/* actx_restore.c: putting back a before-image that actx_keep made
 * (runtime.h, actx_restore): a file's bytes from the object store, a
 * symlink, a directory with its entries (the others removed), or nothing
 * where nothing was; each written beside its place and renamed into it.
 * The rollback calls it through an undo. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actx_int.h"

/* ---- restoring them ----------------------------------------------------- */

typedef mig_status_t (*restore_fn)(action_ctx_t *c, const val_t *img,
                                   const char *rel, strbuf_t *full,
                                   unsigned depth);

static mig_status_t restore_at(action_ctx_t *c, const val_t *img,
                               unsigned depth);

static mig_status_t malformed(action_ctx_t *c, const char *why)
{
    return actx_fail(c, "InvalidConfig", "%s: a malformed before-image "
                     "(%s)", c->action, why);
}

/* The string field KEY of IMG, or NULL. */
static const char *img_str(const val_t *img, const char *key)
{
    val_t *v = val_map_get(img, key, strlen(key));
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* The mode field of IMG into *MODE; false when it is not one. */
static bool img_mode(const val_t *img, mode_t *mode)
{
    val_t *v = val_map_get(img, "mode", 4);
    if (!v || !val_is_int(v) || val_get_int(v) < 0 ||
        val_get_int(v) > 07777)
        return false;
    *mode = (mode_t)val_get_int(v);
    return true;
}

/* Fails for errno E while restoring REL (MIG_ENOMEM for ENOMEM). */
static mig_status_t restore_fail(action_ctx_t *c, int e, const char *rel)
{
    return e == ENOMEM ? MIG_ENOMEM : actx_fail_errno(c, e, "restore", rel);
}

/* Renames the finished TMP over FULL (whose lstat is ST, THERE when it
 * exists), removing a directory there first. */
static int put_in_place(strbuf_t *tmp, strbuf_t *full, bool there,
                        const struct stat *st)
{
    if (there && S_ISDIR(st->st_mode)) {
        int e = actx_fs_remove_tree(full);
        if (e)
            return e;
    }
    return rename(tmp->data, full->data) == 0 ? 0 : errno;
}

static mig_status_t restore_absent(action_ctx_t *c, const val_t *img,
                                   const char *rel, strbuf_t *full,
                                   unsigned depth)
{
    int e = actx_fs_remove_tree(full);
    return e ? restore_fail(c, e, rel) : MIG_OK;
}

/* Writes blob BLOB into the new file TMP, with MODE (synced when the
 * host asks); on failure TMP is removed. */
static mig_status_t write_blob(action_ctx_t *c, const char *blob, mode_t mode,
                               const char *rel, strbuf_t *tmp)
{
    int fd = open(tmp->data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return restore_fail(c, errno, rel);
    mig_status_t st = blobs_copy_out(c->host.blobs, blob, fd);
    int e = st == MIG_EIO ? errno : 0;
    if (st == MIG_OK && (fchmod(fd, mode) != 0
                         || (c->host.sync_files && fsync(fd) != 0)))
        e = errno;
    if (close(fd) != 0 && !e && st == MIG_OK)
        e = errno;
    if (st == MIG_OK && !e)
        return MIG_OK;
    unlink(tmp->data);
    if (st == MIG_ENOMEM)
        return st;
    if (st == MIG_EIO && (e == EBADMSG || e == ENOENT || e == EINVAL))
        return actx_fail(c, "Unavailable", "%s: cannot restore '%s': its "
                         "before-image (blob %.12s) is missing or damaged in "
                         "the object store", c->action, rel, blob);
    return restore_fail(c, e, rel);
}

static mig_status_t restore_file(action_ctx_t *c, const val_t *img,
                                 const char *rel, strbuf_t *full,
                                 unsigned depth)
{
    const char *blob = img_str(img, "blob");
    mode_t mode;
    if (!blob || !img_mode(img, &mode))
        return malformed(c, "a file without blob or mode");
    struct stat sb;
    bool there = lstat(full->data, &sb) == 0;
    char hex[BLOB_HEX];
    if (there && S_ISREG(sb.st_mode) && (sb.st_mode & 07777) == mode &&
        blobs_hash_file(full->data, hex) == MIG_OK && !strcmp(hex, blob))
        return MIG_OK;          /* restored already */
    strbuf_t tmp;
    strbuf_init(&tmp);
    int e = actx_fs_tmp_name(full->data, &tmp);
    if (!e)
        e = actx_fs_make_parents(full->data);
    if (!e)
        e = actx_fs_remove_tree(&tmp);
    mig_status_t st = e ? restore_fail(c, e, rel)
                        : write_blob(c, blob, mode, rel, &tmp);
    if (st == MIG_OK && (e = put_in_place(&tmp, full, there, &sb)) != 0) {
        unlink(tmp.data);
        st = restore_fail(c, e, rel);
    }
    strbuf_free(&tmp);
    return st;
}

static mig_status_t restore_symlink(action_ctx_t *c, const val_t *img,
                                    const char *rel, strbuf_t *full,
                                    unsigned depth)
{
    const char *target = img_str(img, "target");
    if (!target)
        return malformed(c, "a symlink without target");
    struct stat sb;
    bool there = lstat(full->data, &sb) == 0;
    strbuf_t tmp;
    strbuf_init(&tmp);
    int e = 0;
    if (there && S_ISLNK(sb.st_mode)) {
        e = actx_fs_readlink(full->data, &tmp);
        if (!e && !strcmp(tmp.data ? tmp.data : "", target)) {
            strbuf_free(&tmp);
            return MIG_OK;      /* restored already */
        }
    }
    e = actx_fs_tmp_name(full->data, &tmp);
    if (!e)
        e = actx_fs_make_parents(full->data);
    if (!e)
        e = actx_fs_remove_tree(&tmp);
    if (!e && symlink(target, tmp.data) != 0)
        e = errno;
    else if (!e && (e = put_in_place(&tmp, full, there, &sb)) != 0)
        unlink(tmp.data);
    strbuf_free(&tmp);
    return e ? restore_fail(c, e, rel) : MIG_OK;
}

/* The name of the entry CHILD of directory PARENT (both as written), or
 * NULL when CHILD is not one. */
static const char *entry_name(const char *parent, const char *child)
{
    size_t n = strlen(parent);
    if (strcmp(parent, ".") == 0)
        n = 0;
    else if (strncmp(parent, child, n) != 0)
        return NULL;
    else if (n && parent[n - 1] != '/' && child[n++] != '/')
        return NULL;
    const char *name = child + n;
    if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
        !strcmp(name, ".."))
        return NULL;
    return name;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Removes the entries of directory FULL (REL as written) that are not
 * among the N sorted names WANT, nor paths C leaves alone. */
static int remove_others(action_ctx_t *c, const char *rel, strbuf_t *full,
                         const char **want, size_t n)
{
    char **names;
    size_t have;
    int e = actx_fs_list(full->data, &names, &have);
    size_t flen = full->len;
    strbuf_t child;
    strbuf_init(&child);
    for (size_t i = 0; !e && i < have; i++) {
        if (bsearch(&names[i], want, n, sizeof(*want), cmp_name))
            continue;
        if (c->skip) {
            child.len = 0;
            if (strcmp(rel, ".") != 0)
                strbuf_printf(&child, "%s/", rel);
            strbuf_puts(&child, names[i]);
            if (child.oom) {
                e = ENOMEM;
                break;
            }
            if (actx_skipped(c, child.data))
                continue;
        }
        strbuf_putc(full, '/');
        strbuf_puts(full, names[i]);
        e = full->oom ? ENOMEM : actx_fs_remove_tree(full);
        actx_truncate(full, flen);
    }
    strbuf_free(&child);
    actx_fs_list_free(names, have);
    return e;
}

/* Makes FULL a directory (writable by us while we work). */
static int make_dir_there(strbuf_t *full)
{
    struct stat sb;
    if (lstat(full->data, &sb) == 0 && S_ISDIR(sb.st_mode))
        return (sb.st_mode & 0700) == 0700 ||
               chmod(full->data, (sb.st_mode & 07777) | 0700) == 0
               ? 0 : errno;
    int e = actx_fs_remove_tree(full);
    if (!e)
        e = actx_fs_make_parents(full->data);
    if (!e && mkdir(full->data, 0700) != 0)
        e = errno;
    return e;
}

static mig_status_t restore_dir(action_ctx_t *c, const val_t *img,
                                const char *rel, strbuf_t *full,
                                unsigned depth)
{
    mode_t mode;
    val_t *entries = val_map_get(img, "entries", 7);
    if (!img_mode(img, &mode) || !entries || val_type(entries) != VAL_LIST)
        return malformed(c, "a directory without mode or entries");
    if (depth >= ACTX_KEEP_MAX_DEPTH)
        return malformed(c, "directories nest too deep");
    size_t n = val_len(entries);
    const char **want = malloc((n ? n : 1) * sizeof(*want));
    if (!want)
        return MIG_ENOMEM;
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        val_t *entry = val_list_get(entries, i);
        const char *path = val_type(entry) == VAL_MAP
            ? img_str(entry, "path") : NULL;
        if (!path || !(want[i] = entry_name(rel, path)))
            st = malformed(c, "an entry outside its directory");
    }
    if (st == MIG_OK && n > 1)
        qsort(want, n, sizeof(*want), cmp_name);
    int e = st == MIG_OK ? make_dir_there(full) : 0;
    if (!e && st == MIG_OK)
        e = remove_others(c, rel, full, want, n);
    free(want);
    if (e)
        st = restore_fail(c, e, rel);
    for (size_t i = 0; st == MIG_OK && i < n; i++)
        st = restore_at(c, val_list_get(entries, i), depth + 1);
    if (st == MIG_OK && chmod(full->data, mode) != 0)
        st = restore_fail(c, errno, rel);
    return st;
}

static const struct {
    const char *type;
    restore_fn restore;
} restorers[] = {
    { "absent", restore_absent },
    { "file", restore_file },
    { "symlink", restore_symlink },
    { "dir", restore_dir },
};

static mig_status_t restore_at(action_ctx_t *c, const val_t *img,
                               unsigned depth)
{
    const char *rel = val_type(img) == VAL_MAP ? img_str(img, "path") : NULL;
    const char *type = rel ? img_str(img, "type") : NULL;
    if (!type)
        return malformed(c, "no path or type");
    restore_fn fn = NULL;
    for (size_t i = 0; !fn && i < sizeof restorers / sizeof *restorers; i++)
        if (!strcmp(restorers[i].type, type))
            fn = restorers[i].restore;
    if (!fn)
        return malformed(c, "an unknown type");
    strbuf_t full;
    strbuf_init(&full);
    mig_status_t st = actx_fs_full(c, rel, &full) ? MIG_ENOMEM
                    : fn(c, img, rel, &full, depth);
    strbuf_free(&full);
    return st;
}

/* Queues to C's remover what restoring REL to "absent" removes: the
 * path, after what a write stopped half-way left beside it (unless the
 * effect finished). */
static mig_status_t queue_absent(action_ctx_t *c, const char *rel)
{
    strbuf_t full, tmp;
    strbuf_init(&full);
    strbuf_init(&tmp);
    if (rel[0] != '/')
        strbuf_puts(&full, c->base);
    strbuf_puts(&full, rel);
    mig_status_t st = full.oom ? MIG_ENOMEM : MIG_OK;
    if (st == MIG_OK && !c->effect_done)
        st = actx_fs_tmp_name(full.data, &tmp) ? MIG_ENOMEM
           : actx_remover_queue(c, tmp.data, rel);
    if (st == MIG_OK)
        st = actx_remover_queue(c, full.data, rel);
    strbuf_free(&full);
    strbuf_free(&tmp);
    return st;
}

mig_status_t actx_restore(action_ctx_t *c, const val_t *image)
{
    const char *rel = val_type(image) == VAL_MAP ? img_str(image, "path")
                                                  : NULL;
    mig_status_t st = actx_may_change(c, "restore", rel ? rel : "?");
    if (st != MIG_OK)
        return st;
    if (!c->has_host || !c->host.blobs)
        return actx_fail(c, "Unavailable", "%s: there is no object store "
                         "to restore '%s' from", c->action, rel ? rel : "?");
    if (!rel)
        return malformed(c, "no path or type");
    const char *type = img_str(image, "type");
    if (c->remover && type && strcmp(type, "absent") == 0)
        return queue_absent(c, rel);
    if (c->effect_done)
        return restore_at(c, image, 0);
    /* What a copy or a write that stopped half-way left beside it. */
    strbuf_t full, tmp;
    strbuf_init(&full);
    strbuf_init(&tmp);
    int e = actx_fs_full(c, rel, &full);
    if (!e)
        e = actx_fs_tmp_name(full.data, &tmp);
    if (!e)
        e = actx_fs_remove_tree(&tmp);
    strbuf_free(&full);
    strbuf_free(&tmp);
    if (e)
        return restore_fail(c, e, rel);
    return restore_at(c, image, 0);
}
