/* actx_fs.c: whole file trees for the action context: removing one,
 * copying one, the temporary names atomic replacements are made under,
 * and the copy, move and recursive delete that file.* actions call
 * (runtime.h). Before-images (actx_run.c, actx_restore.c) restore
 * through the same helpers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actx_int.h"

#define COPY_CHUNK 65536

/* Gives B back its first LEN bytes. */
static void truncate_to(strbuf_t *b, size_t len)
{
    b->len = len;
    if (b->data)
        b->data[len] = '\0';
}

/* Appends "/NAME" to B. 0 or ENOMEM. */
static int push_name(strbuf_t *b, const char *name)
{
    if (b->len && b->data[b->len - 1] != '/')
        strbuf_putc(b, '/');
    strbuf_puts(b, name);
    return b->oom ? ENOMEM : 0;
}

int actx_fs_full(action_ctx_t *c, const char *rel, strbuf_t *out)
{
    if (c->remover && actx_remover_settle(c) != MIG_OK)
        return EIO;
    truncate_to(out, 0);
    if (rel[0] != '/')
        strbuf_puts(out, c->base);
    strbuf_puts(out, rel);
    return out->oom ? ENOMEM : 0;
}

int actx_fs_tmp_name(const char *full, strbuf_t *out)
{
    truncate_to(out, 0);
    const char *slash = strrchr(full, '/');
    const char *name = slash ? slash + 1 : full;
    strbuf_put(out, full, (size_t)(name - full));
    strbuf_printf(out, ".%s.mig-tmp", name);
    return out->oom ? ENOMEM : 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void actx_fs_list_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int actx_fs_list(const char *full, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(full);
    if (!d)
        return errno;
    char **v = NULL;
    size_t len = 0, cap = 0;
    int e = 0;
    struct dirent *ent;
    for (errno = 0; (ent = readdir(d)); errno = 0) {
        const char *s = ent->d_name;
        if (!strcmp(s, ".") || !strcmp(s, ".."))
            continue;
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **grown = realloc(v, ncap * sizeof(*v));
            if (!grown) {
                e = ENOMEM;
                break;
            }
            v = grown;
            cap = ncap;
        }
        if (!(v[len] = strdup(s))) {
            e = ENOMEM;
            break;
        }
        len++;
    }
    if (!e && errno)
        e = errno;
    closedir(d);
    if (e) {
        actx_fs_list_free(v, len);
        return e;
    }
    if (len > 1)
        qsort(v, len, sizeof(*v), cmp_name);
    *names = v;
    *n = len;
    return 0;
}

int actx_fs_readlink(const char *full, strbuf_t *out)
{
    truncate_to(out, 0);
    for (size_t size = 256;; size *= 2) {
        char *buf = malloc(size);
        if (!buf)
            return ENOMEM;
        ssize_t n = readlink(full, buf, size);
        if (n < 0 || (size_t)n < size) {
            int e = n < 0 ? errno : 0;
            if (!e)
                strbuf_put(out, buf, (size_t)n);
            free(buf);
            return e ? e : out->oom ? ENOMEM : 0;
        }
        free(buf);              /* may have been cut: try a larger one */
        if (size > 65536)
            return ENAMETOOLONG;
    }
}

int actx_fs_remove_tree(strbuf_t *full)
{
    /* Most paths are files: try that first (a directory gives EISDIR). */
    if (unlink(full->data) == 0 || errno == ENOENT || errno == ENOTDIR)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return errno;
    struct stat st;
    if (lstat(full->data, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? 0 : errno;
    if (!S_ISDIR(st.st_mode))
        return unlink(full->data) == 0 || errno == ENOENT ? 0 : errno;
    /* Its entries can be removed only while it is writable. */
    if ((st.st_mode & 0700) != 0700 &&
        chmod(full->data, (st.st_mode & 07777) | 0700) != 0)
        return errno;
    char **names;
    size_t n;
    int e = actx_fs_list(full->data, &names, &n);
    size_t len = full->len;
    for (size_t i = 0; !e && i < n; i++) {
        e = push_name(full, names[i]);
        if (!e)
            e = actx_fs_remove_tree(full);
        truncate_to(full, len);
    }
    actx_fs_list_free(names, n);
    if (!e && rmdir(full->data) != 0 && errno != ENOENT)
        e = errno;
    return e;
}

int actx_fs_make_parents(const char *full)
{
    char *dir = strdup(full);
    if (!dir)
        return ENOMEM;
    char *slash = strrchr(dir, '/');
    int e = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        struct stat st;
        if (stat(dir, &st) != 0) {
            e = actx_fs_make_parents(dir);
            if (!e && mkdir(dir, 0755) != 0 && errno != EEXIST)
                e = errno;
        } else if (!S_ISDIR(st.st_mode)) {
            e = ENOTDIR;
        }
    }
    free(dir);
    return e;
}

/* Copies the bytes of regular file SRC to the new file DST with MODE. */
static int copy_file(const char *src, const char *dst, mode_t mode)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return errno;
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    char *buf = out >= 0 ? malloc(COPY_CHUNK) : NULL;
    int e = out < 0 ? errno : !buf ? ENOMEM : 0;
    while (!e) {
        ssize_t n = read(in, buf, COPY_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = n < 0 ? errno : 0;
            break;
        }
        for (ssize_t off = 0; !e && off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno != EINTR)
                e = errno;
            else if (w > 0)
                off += w;
        }
    }
    free(buf);
    if (!e && fchmod(out, mode) != 0)
        e = errno;
    if (out >= 0 && close(out) != 0 && !e)
        e = errno;
    close(in);
    return e;
}

int actx_fs_copy_tree(strbuf_t *src, strbuf_t *dst)
{
    struct stat st;
    if (lstat(src->data, &st) != 0)
        return errno;
    mode_t mode = st.st_mode & 07777;
    if (S_ISREG(st.st_mode))
        return copy_file(src->data, dst->data, mode);
    if (S_ISLNK(st.st_mode)) {
        strbuf_t target;
        strbuf_init(&target);
        int e = actx_fs_readlink(src->data, &target);
        if (!e && symlink(target.data ? target.data : "", dst->data) != 0)
            e = errno;
        strbuf_free(&target);
        return e;
    }
    if (!S_ISDIR(st.st_mode))
        return ENOTSUP;         /* a device, a fifo, a socket */
    if (mkdir(dst->data, 0700) != 0)
        return errno;
    char **names;
    size_t n;
    int e = actx_fs_list(src->data, &names, &n);
    size_t slen = src->len, dlen = dst->len;
    for (size_t i = 0; !e && i < n; i++) {
        e = push_name(src, names[i]);
        if (!e)
            e = push_name(dst, names[i]);
        if (!e)
            e = actx_fs_copy_tree(src, dst);
        truncate_to(src, slen);
        truncate_to(dst, dlen);
    }
    actx_fs_list_free(names, n);
    if (!e && chmod(dst->data, mode) != 0)
        e = errno;
    return e;
}

/* ---- copy, move, delete (runtime.h) ------------------------------------ */

/* Whether TO lies inside the directory FROM (both as written). */
static bool inside(const char *from, const char *to)
{
    size_t n = strlen(from);
    while (n > 1 && from[n - 1] == '/')
        n--;
    return strncmp(from, to, n) == 0 && (to[n] == '/' || to[n] == '\0');
}

/* Fails the call for errno E while doing VERB with FROM and TO. */
static mig_status_t fail_pair(action_ctx_t *c, int e, const char *verb,
                              const char *from, const char *to)
{
    if (e == ENOMEM)
        return MIG_ENOMEM;
    return actx_fail(c, actx_errno_class(e), "%s: cannot %s '%s' to '%s': %s",
                     c->action, verb, from, to, strerror(e));
}

/* Puts the finished copy TMP in the place of TO: a directory at TO, or
 * one replacing something else, is removed first (rename cannot replace
 * it); a file or link is replaced atomically. */
static int replace_with(strbuf_t *tmp, strbuf_t *to)
{
    struct stat st_to, st_tmp;
    if (lstat(to->data, &st_to) == 0 && lstat(tmp->data, &st_tmp) == 0 &&
        (S_ISDIR(st_to.st_mode) || S_ISDIR(st_tmp.st_mode))) {
        int e = actx_fs_remove_tree(to);
        if (e)
            return e;
    }
    return rename(tmp->data, to->data) == 0 ? 0 : errno;
}

/* Copies FULL_FROM to FULL_TO through the temporary name beside TO. */
static int copy_via_tmp(strbuf_t *from, strbuf_t *to)
{
    strbuf_t tmp;
    strbuf_init(&tmp);
    int e = actx_fs_tmp_name(to->data, &tmp);
    if (!e)
        e = actx_fs_remove_tree(&tmp);     /* an earlier try's */
    if (!e)
        e = actx_fs_copy_tree(from, &tmp);
    if (!e)
        e = replace_with(&tmp, to);
    if (e && tmp.data)
        actx_fs_remove_tree(&tmp);
    strbuf_free(&tmp);
    return e;
}

/* The checks copy and move share: the preview refusal, FROM there, TO not
 * inside FROM. MIG_OK with the full paths in F and T. */
static mig_status_t pair_start(action_ctx_t *c, const char *verb,
                               const char *from, const char *to, strbuf_t *f,
                               strbuf_t *t)
{
    mig_status_t st = actx_may_change(c, verb, from);
    if (st != MIG_OK)
        return st;
    if (actx_fs_full(c, from, f) || actx_fs_full(c, to, t))
        return MIG_ENOMEM;
    struct stat sf;
    if (lstat(f->data, &sf) != 0)
        return fail_pair(c, errno, verb, from, to);
    if (S_ISDIR(sf.st_mode) && inside(f->data, t->data) &&
        strcmp(f->data, t->data) != 0)
        return actx_fail(c, "Conflict", "%s: cannot %s '%s' into itself "
                         "('%s')", c->action, verb, from, to);
    return MIG_OK;
}

mig_status_t actx_copy(action_ctx_t *c, const char *from, const char *to)
{
    strbuf_t f, t;
    strbuf_init(&f);
    strbuf_init(&t);
    mig_status_t st = pair_start(c, "copy", from, to, &f, &t);
    if (st == MIG_OK) {
        int e = copy_via_tmp(&f, &t);
        if (e)
            st = fail_pair(c, e, "copy", from, to);
    }
    strbuf_free(&f);
    strbuf_free(&t);
    return st;
}

mig_status_t actx_move(action_ctx_t *c, const char *from, const char *to)
{
    strbuf_t f, t;
    strbuf_init(&f);
    strbuf_init(&t);
    mig_status_t st = pair_start(c, "move", from, to, &f, &t);
    if (st == MIG_OK && strcmp(f.data, t.data) != 0 && inside(t.data, f.data))
        st = actx_fail(c, "Conflict", "%s: cannot move '%s' over '%s', "
                       "which holds it", c->action, from, to);
    if (st == MIG_OK && strcmp(f.data, t.data) != 0) {
        struct stat sf, sto;
        int e = 0;
        /* rename replaces a file or an empty directory of the same kind
         * only; anything else at TO goes first. */
        if (lstat(f.data, &sf) == 0 && lstat(t.data, &sto) == 0 &&
            (S_ISDIR(sto.st_mode) || S_ISDIR(sf.st_mode)))
            e = actx_fs_remove_tree(&t);
        if (!e && rename(f.data, t.data) != 0)
            e = errno;
        if (e == EXDEV) {       /* another file system: copy, then remove */
            e = copy_via_tmp(&f, &t);
            if (!e)
                e = actx_fs_remove_tree(&f);
        }
        if (e)
            st = fail_pair(c, e, "move", from, to);
    }
    strbuf_free(&f);
    strbuf_free(&t);
    return st;
}

mig_status_t actx_remove_tree(action_ctx_t *c, const char *path)
{
    mig_status_t st = actx_may_change(c, "delete", path);
    if (st != MIG_OK)
        return st;
    strbuf_t full;
    strbuf_init(&full);
    int e = actx_fs_full(c, path, &full);
    struct stat sb;
    if (!e && lstat(full.data, &sb) != 0)
        e = errno;
    if (!e)
        e = actx_fs_remove_tree(&full);
    strbuf_free(&full);
    if (e == ENOMEM)
        return MIG_ENOMEM;
    return e ? actx_fail_errno(c, e, "delete", path) : MIG_OK;
}
