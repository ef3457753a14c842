/* actx_run.c: what an action context adds for running and undoing
 * (runtime.h, "running and undoing", "calls that finish later"): the
 * states of resources, before-images kept in the object store (restored
 * from it by actx_restore.c), the resources a call declares, and the
 * bookkeeping of a call that finishes from a callback of the event loop.
 * The scheduler journals what capture gives; this file only makes it. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actx_int.h"

/* ---- set by the runtime ------------------------------------------------- */

void actx_set_action(action_ctx_t *c, const action_t *row) { c->row = row; }
const action_t *actx_action(const action_ctx_t *c) { return c->row; }

void actx_set_host(action_ctx_t *c, const actx_host_t *host)
{
    c->has_host = host != NULL;
    if (host)
        c->host = *host;
}

const actx_host_t *actx_host(const action_ctx_t *c)
{
    return c->has_host ? &c->host : NULL;
}

void actx_set_attempt(action_ctx_t *c, uint32_t attempt)
{
    c->attempt = attempt;
}

void actx_set_time_limit(action_ctx_t *c, int64_t ms)
{
    c->time_limit_ms = ms > 0 ? ms : 0;
}

int64_t actx_time_limit(const action_ctx_t *c)
{
    return c->time_limit_ms;
}

void actx_set_effect_done(action_ctx_t *c, bool done)
{
    c->effect_done = done;
}

void actx_set_record(action_ctx_t *c, int64_t run, int64_t seq, int role)
{
    c->rec_run = run;
    c->rec_seq = seq;
    c->rec_role = role;
}

mig_status_t actx_started(action_ctx_t *c, int64_t pid, int64_t pgid,
                          bool (*go)(void *data, bool journaled), void *data)
{
    mig_status_t st = MIG_OK;
    c->began = false;
    c->go = go;
    c->go_data = data;
    c->start_queued = true;     /* until GO is called */
    if (c->rec_seq && c->has_host && c->host.started)
        st = c->host.started(c->host.data, c->rec_run, c->rec_seq,
                             c->rec_role, pid, pgid, actx_go, c);
    else
        actx_go(c, true);
    if (st != MIG_OK)
        c->start_queued = false;    /* GO is never called */
    return st;
}

bool actx_go(void *data, bool journaled)
{
    action_ctx_t *c = data;
    c->start_queued = false;
    c->began = c->go(c->go_data, journaled) && journaled;
    return c->began;
}

bool actx_start_pending(const action_ctx_t *c)
{
    return c->start_queued;
}

bool actx_began(const action_ctx_t *c)
{
    return c->began;
}

bool actx_durable(const action_ctx_t *c)
{
    return c->host.sync_files;
}

/* A context nobody numbered is on its first try. */
uint32_t actx_attempt(const action_ctx_t *c)
{
    return c->attempt ? c->attempt : 1;
}

val_t *actx_resources(const action_ctx_t *c) { return c->resources; }

/* ---- names -------------------------------------------------------------- */

/* PATH as its one name (malloc'd, or NULL): "." components and empty
 * ones (doubled or trailing slashes) dropped, ".." taken back over the
 * name before it when there is one; "" and "." give ".". Absolute paths
 * stay absolute. */
static char *norm_path(const char *path)
{
    size_t len = strlen(path);
    char *out = malloc(len + 2);
    if (!out)
        return NULL;
    bool abs = path[0] == '/';
    size_t n = abs ? 1 : 0, floor = n;     /* FLOOR: ".." cannot go back */
    if (abs)
        out[0] = '/';
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *end = strchr(p, '/');
        size_t k = end ? (size_t)(end - p) : strlen(p);
        if (k == 0 || (k == 1 && p[0] == '.')) {
            /* nothing: "." or an empty name */
        } else if (k == 2 && p[0] == '.' && p[1] == '.' && n > floor) {
            while (n > floor && out[n - 1] != '/')
                n--;
            if (n > floor)
                n--;            /* the slash before the name */
            else if (!abs)
                n = floor;
        } else if (k == 2 && p[0] == '.' && p[1] == '.' && abs) {
            /* "/.." is "/" */
        } else {
            if (n > (abs ? 1 : 0))
                out[n++] = '/';
            memcpy(out + n, p, k);
            n += k;
            if (k == 2 && p[0] == '.' && p[1] == '.')
                floor = n;      /* a leading "..": nothing to take back */
        }
        p += k;
    }
    if (n == 0)
        out[n++] = '.';
    out[n] = '\0';
    return out;
}

/* Gives B back its first LEN bytes. */
void actx_truncate(strbuf_t *b, size_t len)
{
    b->len = len;
    if (b->data)
        b->data[len] = '\0';
}

/* Appends the entry NAME to the relative name REL of its directory
 * ("." has nothing before its entries). 0 or ENOMEM. */
static int push_rel(strbuf_t *rel, const char *name)
{
    if (rel->len == 1 && rel->data[0] == '.')
        actx_truncate(rel, 0);
    else if (rel->len && rel->data[rel->len - 1] != '/')
        strbuf_putc(rel, '/');
    strbuf_puts(rel, name);
    return rel->oom ? ENOMEM : 0;
}

/* Undoes push_rel: REL was the directory's name SAVED (LEN bytes). */
static void pop_rel(strbuf_t *rel, bool dot, size_t len)
{
    if (dot) {
        actx_truncate(rel, 0);
        strbuf_putc(rel, '.');
    }
    actx_truncate(rel, len);
}

/* ---- states ------------------------------------------------------------- */

/* Appends the state of the path REL (full path FULL) to OUT. */
static mig_status_t state_of(action_ctx_t *c, const char *rel,
                             const char *full, strbuf_t *out)
{
    struct stat st;
    if (lstat(full, &st) != 0) {
        if (errno != ENOENT && errno != ENOTDIR)
            return actx_fail_errno(c, errno, "read", rel);
        strbuf_puts(out, "absent");
    } else if (S_ISDIR(st.st_mode)) {
        strbuf_puts(out, "dir");
    } else if (S_ISLNK(st.st_mode)) {
        strbuf_t target;
        strbuf_init(&target);
        int e = actx_fs_readlink(full, &target);
        if (!e)
            strbuf_printf(out, "symlink:%s", target.data ? target.data : "");
        strbuf_free(&target);
        if (e)
            return e == ENOMEM ? MIG_ENOMEM
                               : actx_fail_errno(c, e, "read", rel);
    } else if (S_ISREG(st.st_mode)) {
        char hex[BLOB_HEX];
        mig_status_t s = blobs_hash_file(full, hex);
        if (s == MIG_ENOMEM)
            return s;
        if (s != MIG_OK)
            return actx_fail_errno(c, errno, "read", rel);
        strbuf_printf(out, "file:%s", hex);
    } else {
        strbuf_puts(out, "special");
    }
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

mig_status_t actx_state(action_ctx_t *c, const char *path, strbuf_t *out)
{
    if (c->written && strcmp(c->written, path) == 0) {
        strbuf_puts(out, c->written_state);
        return out->oom ? MIG_ENOMEM : MIG_OK;
    }
    strbuf_t full;
    strbuf_init(&full);
    mig_status_t st = actx_fs_full(c, path, &full) ? MIG_ENOMEM
                    : state_of(c, path, full.data, out);
    strbuf_free(&full);
    return st;
}

/* Declares REL a resource with its state STATE before the call; a path
 * declared already keeps its first state. */
static mig_status_t declare(action_ctx_t *c, const char *rel,
                            const strbuf_t *state)
{
    size_t len = strlen(rel);
    if (val_map_get(c->resources, rel, len))
        return MIG_OK;
    if (state->oom)
        return MIG_ENOMEM;
    return val_map_set_take(c->resources, rel, len,
                            val_string(state->data, state->len));
}

/* ---- keeping before-images ---------------------------------------------- */

/* Sets KEY of MAP to the new value V (taken); MIG_ENOMEM for a NULL V. */
static mig_status_t set_take(val_t *map, const char *key, val_t *v)
{
    if (!v)
        return MIG_ENOMEM;
    return val_map_set_take(map, key, strlen(key), v);
}

static mig_status_t keep_at(action_ctx_t *c, strbuf_t *rel, strbuf_t *full,
                            unsigned depth, val_t **out);

void actx_set_skip(action_ctx_t *c, const val_t *skip) { c->skip = skip; }

/* Whether REL is one of the paths C leaves alone (actx_set_skip). */
bool actx_skipped(const action_ctx_t *c, const char *rel)
{
    return c->skip && val_map_get(c->skip, rel, strlen(rel));
}

/* Keeps every entry of the directory REL into the list ENTRIES of IMG. */
static mig_status_t keep_entries(action_ctx_t *c, strbuf_t *rel,
                                 strbuf_t *full, unsigned depth, val_t *img)
{
    if (depth >= ACTX_KEEP_MAX_DEPTH)
        return actx_fail(c, "Conflict", "%s: cannot keep '%s': directories "
                         "nest deeper than %d levels", c->action, rel->data,
                         ACTX_KEEP_MAX_DEPTH);
    char **names;
    size_t n;
    int e = actx_fs_list(full->data, &names, &n);
    if (e)
        return e == ENOMEM ? MIG_ENOMEM : actx_fail_errno(c, e, "list",
                                                          rel->data);
    val_t *list = val_list_new(n);
    mig_status_t st = list ? MIG_OK : MIG_ENOMEM;
    size_t rlen = rel->len, flen = full->len;
    bool dot = strcmp(rel->data, ".") == 0;
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        if (!val_utf8_valid(names[i], strlen(names[i]))) {
            st = actx_fail(c, "InvalidConfig", "%s: cannot keep '%s': the "
                           "name of an entry is not valid UTF-8", c->action,
                           rel->data);
            break;
        }
        val_t *child = NULL;
        strbuf_putc(full, '/');
        strbuf_puts(full, names[i]);
        if (push_rel(rel, names[i]) || full->oom)
            st = MIG_ENOMEM;
        else if (!actx_skipped(c, rel->data))
            st = keep_at(c, rel, full, depth + 1, &child);
        pop_rel(rel, dot, rlen);
        actx_truncate(full, flen);
        if (st == MIG_OK && child)
            st = val_list_push_take(list, child);
    }
    actx_fs_list_free(names, n);
    if (st == MIG_OK)
        return set_take(img, "entries", list);
    val_unref(list);
    return st;
}

/* Each kind of path kept: fills IMG (path and type set) and STATE (the
 * resource's state text) for the path REL, full path FULL, stat SB. */
typedef mig_status_t (*keep_fn)(action_ctx_t *c, strbuf_t *rel,
                                strbuf_t *full, const struct stat *sb,
                                unsigned depth, val_t *img, strbuf_t *state);

static mig_status_t keep_absent(action_ctx_t *c, strbuf_t *rel,
                                strbuf_t *full, const struct stat *sb,
                                unsigned depth, val_t *img, strbuf_t *state)
{
    strbuf_puts(state, "absent");
    return MIG_OK;
}

static mig_status_t keep_file(action_ctx_t *c, strbuf_t *rel, strbuf_t *full,
                              const struct stat *sb, unsigned depth,
                              val_t *img, strbuf_t *state)
{
    char hex[BLOB_HEX];
    mig_status_t st = blobs_put_file(c->host.blobs, full->data, hex);
    if (st == MIG_EIO)
        return actx_fail_errno(c, errno, "keep", rel->data);
    if (st == MIG_OK)
        st = set_take(img, "blob", val_cstring(hex));
    if (st == MIG_OK)
        st = set_take(img, "mode", val_int(sb->st_mode & 07777));
    if (st == MIG_OK)
        strbuf_printf(state, "file:%s", hex);
    return st;
}

static mig_status_t keep_symlink(action_ctx_t *c, strbuf_t *rel,
                                 strbuf_t *full, const struct stat *sb,
                                 unsigned depth, val_t *img, strbuf_t *state)
{
    strbuf_t target;
    strbuf_init(&target);
    int e = actx_fs_readlink(full->data, &target);
    const char *t = target.data ? target.data : "";
    mig_status_t st = e == ENOMEM ? MIG_ENOMEM
        : e ? actx_fail_errno(c, e, "keep", rel->data)
        : !val_utf8_valid(t, target.len)
        ? actx_fail(c, "InvalidConfig", "%s: cannot keep '%s': its symlink "
                    "target is not valid UTF-8", c->action, rel->data)
        : set_take(img, "target", val_string(t, target.len));
    strbuf_printf(state, "symlink:%s", t);
    strbuf_free(&target);
    return st;
}

static mig_status_t keep_dir(action_ctx_t *c, strbuf_t *rel, strbuf_t *full,
                             const struct stat *sb, unsigned depth,
                             val_t *img, strbuf_t *state)
{
    strbuf_puts(state, "dir");
    mig_status_t st = set_take(img, "mode", val_int(sb->st_mode & 07777));
    /* Declared before what it holds: resources read top down. */
    if (st == MIG_OK)
        st = declare(c, rel->data, state);
    if (st == MIG_OK)
        st = keep_entries(c, rel, full, depth, img);
    return st;
}

/* The kind of path ST is, or NULL for one that cannot be kept. */
static const char *kind_of(const struct stat *sb)
{
    return S_ISREG(sb->st_mode) ? "file" : S_ISDIR(sb->st_mode) ? "dir"
         : S_ISLNK(sb->st_mode) ? "symlink" : NULL;
}

static const struct {
    const char *type;
    keep_fn keep;
} keepers[] = {
    { "absent", keep_absent },
    { "file", keep_file },
    { "symlink", keep_symlink },
    { "dir", keep_dir },
};

/* Keeps the path REL (full path FULL) and, for a directory, all under
 * it: *OUT gets its image, and REL is declared with its state. */
static mig_status_t keep_at(action_ctx_t *c, strbuf_t *rel, strbuf_t *full,
                            unsigned depth, val_t **out)
{
    *out = NULL;
    struct stat sb;
    const char *type = "absent";
    if (lstat(full->data, &sb) != 0) {
        if (errno != ENOENT && errno != ENOTDIR)
            return actx_fail_errno(c, errno, "keep", rel->data);
    } else if (!(type = kind_of(&sb))) {
        return actx_fail(c, "Conflict", "%s: cannot keep '%s': it is not a "
                         "file, a directory or a symlink", c->action,
                         rel->data);
    }
    keep_fn keep = NULL;
    for (size_t i = 0; !keep && i < sizeof keepers / sizeof *keepers; i++)
        if (!strcmp(keepers[i].type, type))
            keep = keepers[i].keep;
    val_t *img = val_map_new(5);
    mig_status_t st = img ? set_take(img, "path", val_cstring(rel->data))
                          : MIG_ENOMEM;
    if (st == MIG_OK)
        st = set_take(img, "type", val_cstring(type));
    strbuf_t state;
    strbuf_init(&state);
    if (st == MIG_OK)
        st = keep(c, rel, full, &sb, depth, img, &state);
    if (st == MIG_OK)
        st = declare(c, rel->data, &state);
    strbuf_free(&state);
    if (st != MIG_OK) {
        val_unref(img);
        return st;
    }
    *out = img;
    return MIG_OK;
}

mig_status_t actx_keep(action_ctx_t *c, const char *path, val_t **image)
{
    *image = NULL;
    mig_status_t st = actx_may_change(c, "keep the before-image of", path);
    if (st != MIG_OK)
        return st;
    if (!c->has_host || !c->host.blobs)
        return actx_fail(c, "Unavailable", "%s: there is no object store "
                         "to keep '%s' in", c->action, path);
    char *name = norm_path(path);
    strbuf_t rel, full;
    strbuf_init(&rel);
    strbuf_init(&full);
    if (name)
        strbuf_puts(&rel, name);
    if (!name || rel.oom || actx_fs_full(c, name, &full))
        st = MIG_ENOMEM;
    else
        st = keep_at(c, &rel, &full, 0, image);
    free(name);
    strbuf_free(&rel);
    strbuf_free(&full);
    return st;
}

/* ---- calls that finish later -------------------------------------------- */

void actx_suspend(action_ctx_t *c,
                  void (*on_cancel)(action_ctx_t *ctx, void *data),
                  void *data)
{
    assert(!c->suspended);
    c->suspended = true;
    c->cancelled = false;
    c->on_cancel = on_cancel;
    c->cancel_data = data;
}

bool actx_suspended(const action_ctx_t *c) { return c->suspended; }

/* The runtime's callback may free C: nothing touches it afterwards. */
void actx_finish(action_ctx_t *c, mig_status_t st, val_t *result)
{
    assert(c->suspended);
    c->suspended = false;
    c->on_cancel = NULL;
    c->cancel_data = NULL;
    if (c->on_done)
        c->on_done(c, st, result, c->done_data);
    else
        val_unref(result);
}

void actx_on_finish(action_ctx_t *c, actx_done_fn fn, void *data)
{
    c->on_done = fn;
    c->done_data = data;
}

/* Asks once; a call that is not waiting has nothing to stop. */
void actx_cancel(action_ctx_t *c)
{
    if (!c->suspended || c->cancelled)
        return;
    c->cancelled = true;
    if (c->on_cancel)
        c->on_cancel(c, c->cancel_data);
}

void actx_suggest_delay(action_ctx_t *c, int64_t ms)
{
    c->retry_after_ms = ms < 0 ? 0 : ms;
}

int64_t actx_suggested_delay(const action_ctx_t *c)
{
    return c->retry_after_ms;
}
