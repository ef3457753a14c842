/* actx.c: the context through which an action reads and changes files
 * (runtime.h). A preview context refuses every change, which is what makes
 * a dry run read-only by construction rather than by the good manners of
 * each action. */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actx_int.h"

action_ctx_t *actx_new(actx_mode_t mode, const char *base_dir)
{
    action_ctx_t *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->mode = mode;
    size_t len = base_dir ? strlen(base_dir) : 0;
    c->base = malloc(len + 2);
    c->changes = val_list_new(0);
    c->resources = val_map_new(0);
    if (!c->base || !c->changes || !c->resources) {
        actx_free(c);
        return NULL;
    }
    memcpy(c->base, base_dir ? base_dir : "", len);
    if (len && base_dir[len - 1] != '/')
        c->base[len++] = '/';
    c->base[len] = '\0';
    c->action = "action";
    c->retry_after_ms = -1;
    strbuf_init(&c->path);
    return c;
}

void actx_free(action_ctx_t *c)
{
    if (!c)
        return;
    free(c->base);
    strbuf_free(&c->path);
    val_unref(c->changes);
    val_unref(c->resources);
    free(c->written);
    val_unref(c->known);
    val_unref(c->outcome);
    free(c->err_class);
    free(c->err_message);
    val_unref(c->err_detail);
    val_unref(c->logged);
    val_unref(c->pending);
    free(c);
}

void actx_begin(action_ctx_t *c, const char *action)
{
    c->action = action;
    free(c->written);
    c->written = NULL;
    val_unref(c->known);
    val_unref(c->outcome);
    c->known = c->outcome = NULL;
    free(c->err_class);
    free(c->err_message);
    c->err_class = c->err_message = NULL;
    val_unref(c->err_detail);
    c->err_detail = NULL;
    val_unref(c->logged);
    c->logged = NULL;
    if (val_len(c->changes) || val_refcount(c->changes) > 1) {
        val_t *fresh = val_list_new(0);
        if (fresh) {
            val_unref(c->changes);
            c->changes = fresh;
        }
    }
    if (val_len(c->resources) || val_refcount(c->resources) > 1) {
        val_t *fresh = val_map_new(0);
        if (fresh) {
            val_unref(c->resources);
            c->resources = fresh;
        }
    }
    c->suspended = c->cancelled = false;
    c->began = false;
    c->start_queued = false;
    c->retry_after_ms = -1;
    c->on_cancel = NULL;
    c->cancel_data = NULL;
}

actx_mode_t actx_mode(const action_ctx_t *c) { return c->mode; }

mig_status_t actx_set_state(action_ctx_t *c, const char *id,
                            const char *state)
{
    if (!c->known && !(c->known = val_map_new(2)))
        return MIG_ENOMEM;
    return val_map_set_take(c->known, id, strlen(id), val_cstring(state));
}

const char *actx_known_state(const action_ctx_t *c, const char *id)
{
    val_t *v = c->known ? val_map_get(c->known, id, strlen(id)) : NULL;
    return v ? val_get_str(v, NULL) : NULL;
}

void actx_set_outcome(action_ctx_t *c, val_t *outcome)
{
    val_unref(c->outcome);
    c->outcome = outcome;
}

val_t *actx_outcome(const action_ctx_t *c) { return c->outcome; }

mig_status_t actx_pending_set(action_ctx_t *c, const char *id, val_t *v)
{
    if (c->mode != ACTX_PREVIEW)
        return MIG_OK;
    if (!c->pending && !(c->pending = val_map_new(8)))
        return MIG_ENOMEM;
    return val_map_set(c->pending, id, strlen(id), v ? v : val_null());
}

const val_t *actx_pending(const action_ctx_t *c) { return c->pending; }
val_t *actx_changes(const action_ctx_t *c) { return c->changes; }
const char *actx_error_class(const action_ctx_t *c) { return c->err_class; }
const char *actx_error_message(const action_ctx_t *c)
{
    return c->err_message;
}

void actx_set_error_detail(action_ctx_t *c, val_t *detail)
{
    val_unref(c->err_detail);
    c->err_detail = detail;
}

val_t *actx_error_detail(const action_ctx_t *c) { return c->err_detail; }
val_t *actx_logged(const action_ctx_t *c) { return c->logged; }

mig_status_t actx_log(action_ctx_t *c, const char *level, const char *message)
{
    if (!c->logged && !(c->logged = val_list_new(1)))
        return MIG_ENOMEM;
    val_t *line = val_map_new(2);
    if (!line
        || val_map_set_take(line, "level", 5, val_cstring(level)) != MIG_OK
        || val_map_set_take(line, "message", 7,
                            val_cstring(message)) != MIG_OK) {
        val_unref(line);
        return MIG_ENOMEM;
    }
    return val_list_push_take(c->logged, line) == MIG_OK ? MIG_OK
                                                        : MIG_ENOMEM;
}

/* ---- errors ------------------------------------------------------------ */

mig_status_t actx_fail(action_ctx_t *c, const char *cls, const char *fmt, ...)
{
    strbuf_t b;
    strbuf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof small) {
        char *big = malloc((size_t)n + 1);
        if (big) {
            va_start(ap, fmt);
            vsnprintf(big, (size_t)n + 1, fmt, ap);
            va_end(ap);
            strbuf_puts(&b, big);
            free(big);
        }
    } else if (n > 0) {
        strbuf_puts(&b, small);
    }
    free(c->err_class);
    free(c->err_message);
    val_unref(c->err_detail);
    c->err_detail = NULL;
    c->err_class = strdup(cls);
    c->err_message = b.oom ? NULL : strdup(b.data ? b.data : "");
    strbuf_free(&b);
    return c->err_class && c->err_message ? MIG_EINVALID : MIG_ENOMEM;
}

/* actx_int.h: the error class of errno E. */
const char *actx_errno_class(int e)
{
    return e == ENOENT || e == ENOTDIR ? "MissingDependency"
         : e == EACCES || e == EPERM || e == EROFS ? "PolicyDenied"
         : e == EEXIST || e == ENOTEMPTY || e == EISDIR ? "Conflict"
         : "Unavailable";
}

/* actx_int.h: the class that fits errno E for an operation on PATH. */
mig_status_t actx_fail_errno(action_ctx_t *c, int e, const char *what,
                             const char *path)
{
    return actx_fail(c, actx_errno_class(e), "%s: cannot %s '%s': %s",
                     c->action, what, path, strerror(e));
}

/* ---- paths and reading ------------------------------------------------- */

const char *actx_path(action_ctx_t *c, const char *path)
{
    if (c->remover && actx_remover_settle(c) != MIG_OK)
        return NULL;
    c->path.len = 0;
    if (c->path.data)
        c->path.data[0] = '\0';
    if (path[0] != '/')
        strbuf_puts(&c->path, c->base);
    strbuf_puts(&c->path, path);
    return c->path.oom ? NULL : c->path.data;
}

int actx_stat(action_ctx_t *c, const char *path, struct stat *st)
{
    const char *p = actx_path(c, path);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    return stat(p, st);
}

mig_status_t actx_read_file(action_ctx_t *c, const char *path, strbuf_t *out)
{
    const char *p = actx_path(c, path);
    if (!p)
        return MIG_ENOMEM;
    char *text;
    size_t len;
    int e = 0;
    switch (src_read_whole(p, &text, &len, &e)) {
    case SRC_READ_OK:
        break;
    case SRC_READ_NOMEM:
        return MIG_ENOMEM;
    case SRC_READ_NOT_FILE:
        return actx_fail(c, "InvalidConfig", "%s: '%s' is not a regular file",
                         c->action, path);
    case SRC_READ_TOO_LARGE:
        return actx_fail(c, "InvalidConfig", "%s: '%s' is too large (mig "
                         "reads files up to " MIG_MAX_FILE_TEXT ")",
                         c->action, path);
    case SRC_READ_OPEN:
    case SRC_READ_IO:
        return actx_fail_errno(c, e, "read", path);
    }
    if (!out->data) {
        /* An empty buffer takes the text as it is, not a second copy. */
        out->data = text;
        out->len = len;
        out->cap = len + 2;
        return MIG_OK;
    }
    strbuf_put(out, text, len);
    free(text);
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

mig_status_t actx_list_dir(action_ctx_t *c, const char *dir,
                           const char *pattern, val_t **out)
{
    *out = NULL;
    const char *p = actx_path(c, dir);
    if (!p)
        return MIG_ENOMEM;
    DIR *d = opendir(p);
    if (!d)
        return actx_fail_errno(c, errno, "list", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    mig_status_t st = MIG_OK;
    struct dirent *e;
    while (st == MIG_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.' || fnmatch(pattern, e->d_name, FNM_PERIOD))
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **grown = realloc(names, ncap * sizeof(*names));
            if (!grown) {
                st = MIG_ENOMEM;
                break;
            }
            names = grown;
            cap = ncap;
        }
        if (!(names[n] = strdup(e->d_name))) {
            st = MIG_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_str);
    val_t *list = st == MIG_OK ? val_list_new(n) : NULL;
    if (st == MIG_OK && !list)
        st = MIG_ENOMEM;
    size_t dlen = strlen(dir);
    bool slash = dlen && dir[dlen - 1] != '/';
    for (size_t i = 0; i < n; i++) {
        if (st == MIG_OK) {
            strbuf_t b;
            strbuf_init(&b);
            strbuf_printf(&b, "%s%s%s", dir, slash ? "/" : "", names[i]);
            val_t *s = b.oom || !val_utf8_valid(b.data, b.len)
                ? NULL : val_string(b.data, b.len);
            if (!b.oom && !val_utf8_valid(b.data, b.len))
                st = actx_fail(c, "InvalidConfig", "%s: the name of a file "
                               "in '%s' is not valid UTF-8", c->action, dir);
            else if (!s || val_list_push_take(list, s) != MIG_OK)
                st = MIG_ENOMEM;
            strbuf_free(&b);
        }
        free(names[i]);
    }
    free(names);
    if (st != MIG_OK) {
        val_unref(list);
        return st;
    }
    *out = list;
    return MIG_OK;
}

/* ---- changing things --------------------------------------------------- */

/* actx_int.h: refuses a change in a preview context. Every change goes
 * through here, so the state of the last file written is forgotten. */
mig_status_t actx_may_change(action_ctx_t *c, const char *what,
                             const char *path)
{
    free(c->written);
    c->written = NULL;
    if (c->mode != ACTX_PREVIEW)
        return MIG_OK;
    return actx_fail(c, "PolicyDenied", "%s tried to %s '%s' during a dry "
                     "run; a dry run changes nothing", c->action, what, path);
}

mig_status_t actx_write_file(action_ctx_t *c, const char *path,
                             const char *data, size_t len)
{
    mig_status_t st = actx_may_change(c, "write", path);
    if (st != MIG_OK)
        return st;
    const char *p = actx_path(c, path);
    if (!p)
        return MIG_ENOMEM;
    strbuf_t tmp;
    strbuf_init(&tmp);
    if (actx_fs_tmp_name(p, &tmp) != 0) {
        strbuf_free(&tmp);
        return MIG_ENOMEM;
    }
    int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int e = fd < 0 ? errno : 0;
    for (size_t off = 0; fd >= 0 && off < len && !e;) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno != EINTR)
            e = errno;
        else if (n > 0)
            off += (size_t)n;
    }
    if (fd >= 0 && !e && c->host.sync_files && fsync(fd) != 0)
        e = errno;
    if (fd >= 0 && close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp.data, actx_path(c, path)) != 0)
        e = errno;
    if (e && fd >= 0)
        unlink(tmp.data);
    strbuf_free(&tmp);
    if (e)
        return actx_fail_errno(c, e, "write", path);
    char hex[BLOB_HEX];
    blobs_hash(data, len, hex);
    if ((c->written = strdup(path)))
        snprintf(c->written_state, sizeof c->written_state, "file:%s", hex);
    return MIG_OK;
}

mig_status_t actx_remove(action_ctx_t *c, const char *path)
{
    mig_status_t st = actx_may_change(c, "delete", path);
    if (st != MIG_OK)
        return st;
    const char *p = actx_path(c, path);
    if (!p)
        return MIG_ENOMEM;
    return remove(p) == 0 ? MIG_OK
                          : actx_fail_errno(c, errno, "delete", path);
}

mig_status_t actx_rename(action_ctx_t *c, const char *from, const char *to)
{
    mig_status_t st = actx_may_change(c, "move", from);
    if (st != MIG_OK)
        return st;
    char *f = actx_path(c, from) ? strdup(c->path.data) : NULL;
    const char *t = f ? actx_path(c, to) : NULL;
    int e = !t ? ENOMEM : rename(f, t) == 0 ? 0 : errno;
    free(f);
    if (e == ENOMEM)
        return MIG_ENOMEM;
    return e ? actx_fail_errno(c, e, "move", from) : MIG_OK;
}

mig_status_t actx_mkdir(action_ctx_t *c, const char *path)
{
    mig_status_t st = actx_may_change(c, "create the directory", path);
    if (st != MIG_OK)
        return st;
    const char *p = actx_path(c, path);
    if (!p)
        return MIG_ENOMEM;
    return mkdir(p, 0755) == 0 ? MIG_OK
                               : actx_fail_errno(c, errno, "create", path);
}

/* ---- previews ---------------------------------------------------------- */

mig_status_t actx_would(action_ctx_t *c, const char *change,
                        const char *target, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    val_t *m = val_map_new(3);
    val_t *ch = val_cstring(change), *tg = val_cstring(target),
          *dt = val_cstring(detail);
    mig_status_t st = m && ch && tg && dt ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set(m, "change", 6, ch);
    if (st == MIG_OK)
        st = val_map_set(m, "target", 6, tg);
    if (st == MIG_OK)
        st = val_map_set(m, "detail", 6, dt);
    val_unref(ch);
    val_unref(tg);
    val_unref(dt);
    if (st == MIG_OK)
        return val_list_push_take(c->changes, m);
    val_unref(m);
    return st;
}

mig_status_t actx_would_set(action_ctx_t *c, const char *key, val_t *value)
{
    size_t n = val_len(c->changes);
    assert(n > 0);
    val_t *last = n ? val_list_get(c->changes, n - 1) : NULL;
    if (!last || !value) {
        val_unref(value);
        return MIG_ENOMEM;
    }
    return val_map_set_take(last, key, strlen(key), value);
}
