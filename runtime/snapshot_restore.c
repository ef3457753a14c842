/* snapshot_restore.c: `mig snapshot restore` (snapshot.h). A restore is
 * a run of its own: each write root of the snapshot is one journal
 * record, action file.copy from the snapshot to the root, whose undo
 * record is the root's before-image kept first (actx_keep), so that `mig
 * rollback RUN` puts back what was there as it undoes any file step.
 * The record is journaled (committed) before the root changes; then the
 * root is made what the snapshot's image says (actx_restore), and at the
 * end the digest of every path's state now is compared with the
 * snapshot's. A dry run compares states and changes nothing. */
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snapshot_int.h"

/* ---- the states now ------------------------------------------------------- */

/* Adds the state of REL (through CTX) and, for a directory, of every
 * path under it but those of SKIP, to STATES. */
static mig_status_t states_now(action_ctx_t *ctx, const val_t *skip,
                               const char *rel, val_t *states, unsigned depth)
{
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = depth > 4096 ? MIG_EINVALID : actx_state(ctx, rel, &b);
    if (st == MIG_OK)
        st = b.oom ? MIG_ENOMEM : val_map_set_take(states, rel, strlen(rel),
                                                   val_string(b.data, b.len));
    bool dir = st == MIG_OK && strcmp(b.data, "dir") == 0;
    strbuf_free(&b);
    const char *full = dir ? actx_path(ctx, rel) : NULL;
    DIR *d = full ? opendir(full) : NULL;
    if (dir && !d)
        st = actx_fail(ctx, "Unavailable", "cannot list '%s'", rel);
    struct dirent *e;
    while (st == MIG_OK && d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        strbuf_t child;
        strbuf_init(&child);
        if (strcmp(rel, ".") != 0)
            strbuf_printf(&child, "%s/", rel);
        strbuf_puts(&child, e->d_name);
        if (child.oom)
            st = MIG_ENOMEM;
        else if (!skip || !val_map_get(skip, child.data, child.len))
            st = states_now(ctx, skip, child.data, states, depth + 1);
        strbuf_free(&child);
    }
    if (d)
        closedir(d);
    return st;
}

/* The states now of the roots ROOTS (as the manifest names them). */
static mig_status_t roots_now(action_ctx_t *ctx, const val_t *skip,
                              const val_t *roots, val_t **out)
{
    val_t *states = val_map_new(64);
    mig_status_t st = states ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(roots); i++)
        st = states_now(ctx, skip, val_get_str(val_list_get(roots, i), NULL),
                        states, 0);
    if (st != MIG_OK) {
        val_unref(states);
        return st;
    }
    *out = states;
    return MIG_OK;
}

/* {change, path}: CHANGE "create", "overwrite" or "delete". */
static mig_status_t add_change(val_t *list, const char *change,
                               const char *path, size_t len)
{
    val_t *c = val_map_new(2);
    if (!c || val_map_set_take(c, "change", 6, val_cstring(change)) != MIG_OK
        || val_map_set_take(c, "path", 4, val_string(path, len)) != MIG_OK) {
        val_unref(c);
        return MIG_ENOMEM;
    }
    return val_list_push_take(list, c);
}

static int cmp_path(const void *a, const void *b)
{
    const char *x = snap_str(*(val_t *const *)a, "path");
    const char *y = snap_str(*(val_t *const *)b, "path");
    return strcmp(x, y);
}

/* What a restore changes to make NOW the states WANT: a new list of
 * {change, path}, by path. */
static mig_status_t diff(const val_t *want, const val_t *now, val_t **out)
{
    val_t *list = val_list_new(0);
    mig_status_t st = list ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(want); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(want, i), &len);
        const val_t *n = val_map_get(now, p, len);
        const char *w = val_get_str(val_map_value(want, i), NULL);
        if (!n || strcmp(val_get_str(n, NULL), "absent") == 0)
            st = strcmp(w, "absent") ? add_change(list, "create", p, len)
                                     : MIG_OK;
        else if (strcmp(val_get_str(n, NULL), w) != 0)
            st = add_change(list, "overwrite", p, len);
    }
    for (size_t i = 0; st == MIG_OK && i < val_len(now); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(now, i), &len);
        if (!val_map_get(want, p, len)
            && strcmp(val_get_str(val_map_value(now, i), NULL), "absent"))
            st = add_change(list, "delete", p, len);
    }
    if (st == MIG_OK && val_len(list) > 1) {
        size_t n = val_len(list);
        val_t **items = malloc(n * sizeof(*items));
        val_t *sorted = items ? val_list_new(n) : NULL;
        st = sorted ? MIG_OK : MIG_ENOMEM;
        for (size_t i = 0; st == MIG_OK && i < n; i++)
            items[i] = val_list_get(list, i);
        if (st == MIG_OK)
            qsort(items, n, sizeof(*items), cmp_path);
        for (size_t i = 0; st == MIG_OK && i < n; i++)
            st = val_list_push(sorted, items[i]);
        free(items);
        val_unref(st == MIG_OK ? list : sorted);
        if (st == MIG_OK)
            list = sorted;
    }
    if (st != MIG_OK) {
        val_unref(list);
        return st;
    }
    *out = list;
    return MIG_OK;
}

/* ---- the restore ------------------------------------------------------------ */

typedef struct restore {
    const snapshot_restore_options_t *o;
    diag_list_t *diags;
    store_t *s;
    blobs_t *b;
    snapshot_t snap;
    val_t *manifest, *want, *report;
    val_t *now;                 /* the states under the roots restored */
    action_ctx_t *ctx;
    int64_t run, fence;
    char *lock;
    roots_lock_t *roots_lock;
} restore_t;

static mig_status_t put(val_t *m, const char *key, val_t *v)
{
    return v ? val_map_set_take(m, key, strlen(key), v) : MIG_ENOMEM;
}

/* Refuses a snapshot some object of which is missing or damaged: nothing
 * is changed. */
static mig_status_t check_objects(restore_t *x, bool *ok)
{
    val_t *v;
    mig_status_t st = snapshot_verify(x->b, &x->snap, &v);
    if (st != MIG_OK)
        return st;
    const val_t *problems = val_map_get(v, "problems", 8);
    *ok = val_len(problems) == 0;
    if (!*ok) {
        const val_t *p = val_list_get(problems, 0);
        diag_t *d = diag_add(x->diags, DIAG_ERROR, NULL, NULL, "snapshot %"
                             PRId64 " ('%s') cannot be restored: the object "
                             "%.12s... of '%s' is %s (%zu problem%s)",
                             x->snap.id, x->snap.name, snap_str(p, "object"),
                             snap_str(p, "path"), snap_str(p, "problem"),
                             val_len(problems),
                             val_len(problems) == 1 ? "" : "s");
        diag_hint(x->diags, d, "nothing was changed; `mig snapshot verify %"
                  PRId64 "` lists every problem", x->snap.id);
    }
    val_unref(v);
    return MIG_OK;
}

/* Records the restore as a new run and takes its locks: the write roots
 * first (a run in progress on them refuses it before anything is
 * recorded), then the workspace's. *OK false: refused (said). */
static mig_status_t begin_run(restore_t *x, bool *ok)
{
    *ok = false;
    const val_t *paths = val_map_get(x->manifest, "root_paths", 10);
    mig_status_t st = paths && val_type(paths) == VAL_LIST
        ? sched_lock_roots(paths, x->diags, &x->roots_lock) : MIG_EIO;
    if (st == MIG_EINVALID)
        return MIG_OK;
    store_lock_t holder = { 0 };
    x->lock = st == MIG_OK ? sched_lock_name(x->o->state_path) : NULL;
    if (st == MIG_OK && !x->lock)
        st = MIG_ENOMEM;
    if (st == MIG_OK && store_lock_get(x->s, x->lock, &holder) == MIG_OK
        && holder.expires_ms >= store_now_ms() && !x->o->break_lock) {
        sched_refuse_locked(x->diags, &holder, 0);
        store_lock_clear(&holder);
        return MIG_OK;
    }
    store_lock_clear(&holder);
    char host[256] = "", digest[BLOB_HEX + 16];
    gethostname(host, sizeof host - 1);
    /* Never the digest of a plan: `mig resume` of a restore is refused as
     * a changed plan. */
    snprintf(digest, sizeof digest, "snapshot:%s", x->snap.digest);
    val_t *opts = val_map_new(3);
    if (st == MIG_OK && (!opts || put(opts, "restore", val_int(x->snap.id))
                         || val_map_set(opts, "roots", 5, (val_t *)paths)))
        st = MIG_ENOMEM;
    store_run_t rec = { .plan_path = x->snap.plan_path,
                        .plan_name = x->snap.plan_name,
                        .plan_digest = digest, .options = opts, .host = host,
                        .pid = getpid(), .started_ms = store_now_ms() };
    if (st == MIG_OK)
        st = store_run_create(x->s, &rec, &x->run);
    val_unref(opts);
    if (st == MIG_OK)
        st = store_lock_acquire(x->s, x->lock, x->run, getpid(), host, 30000,
                                x->o->break_lock, &holder, &x->fence);
    if (st == MIG_EINVALID && holder.resource) {
        sched_refuse_locked(x->diags, &holder, x->run);
        store_lock_clear(&holder);
        st = store_run_finish(x->s, x->run, STORE_RUN_FAILED, "refused: the "
                              "workspace is locked");
        x->fence = 0;
        return st == MIG_OK ? store_flush(x->s) : st;
    }
    store_lock_clear(&holder);
    if (st == MIG_OK) {
        store_fence(x->s, x->lock, x->fence);
        st = store_flush(x->s);
    }
    *ok = st == MIG_OK;
    return st;
}

/* Whether P lies under ROOT ("." holds every relative path). */
static bool under(const char *p, const char *root)
{
    size_t n = strlen(root);
    if (strcmp(root, ".") == 0)
        return p[0] != '/' && strncmp(p, "../", 3) != 0;
    return strncmp(p, root, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

/* Declares every path under ROOT that the snapshot holds and the
 * before-images of its units do not (it is not there now): the record
 * says it was absent, so a rollback of the restore checks it is gone
 * again. */
static mig_status_t declare_new(restore_t *x, const char *root)
{
    const val_t *skip = val_map_get(x->manifest, "skip", 4);
    val_t *have = actx_resources(x->ctx);
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < val_len(x->want); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(x->want, i), &len);
        bool skipped = false;
        for (size_t k = 0; !skipped && k < val_len(skip); k++)
            skipped = under(p, val_get_str(val_map_key(skip, k), NULL));
        if (under(p, root) && !skipped && !val_map_get(have, p, len))
            st = resource_declare(x->ctx, p);
    }
    return st;
}

/* ---- units ------------------------------------------------------------------ */

/* A root is restored as units: paths whose whole tree the snapshot's
 * image replaces. A folder that holds a path the snapshot leaves alone
 * (the state store's) is never one: its entries are, each (or the
 * folders among them that hold it again), so that neither the restore
 * nor the undo of it (a before-image restored whole, removing what it
 * does not hold) touches the state store. */

/* Whether REL is a folder above a path of SKIP (or "." holding one). */
static bool above_skip(const val_t *skip, const char *rel)
{
    size_t n = strlen(rel);
    bool dot = strcmp(rel, ".") == 0;
    for (size_t i = 0; i < val_len(skip); i++) {
        const char *k = val_get_str(val_map_key(skip, i), NULL);
        if (dot ? k[0] != '/' && strncmp(k, "../", 3) != 0
                : strncmp(k, rel, n) == 0 && k[n] == '/')
            return true;
    }
    return false;
}

/* The entry of the folder image IMG whose path is PATH, or NULL. */
static const val_t *entry_of(const val_t *img, const char *path)
{
    const val_t *entries = img ? val_map_get(img, "entries", 7) : NULL;
    for (size_t i = 0; entries && i < val_len(entries); i++) {
        const char *p = snap_str(val_list_get(entries, i), "path");
        if (p && strcmp(p, path) == 0)
            return val_list_get(entries, i);
    }
    return NULL;
}

/* Adds the name of each entry of IMG (paths under REL) and of the folder
 * REL now to NAMES (a map, as keys). */
static mig_status_t names_of(restore_t *x, const val_t *img, const char *rel,
                             val_t *names)
{
    size_t n = strcmp(rel, ".") == 0 ? 0 : strlen(rel) + 1;
    const val_t *entries = img ? val_map_get(img, "entries", 7) : NULL;
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && entries && i < val_len(entries); i++) {
        const char *p = snap_str(val_list_get(entries, i), "path");
        if (p && strlen(p) > n)
            st = val_map_set_take(names, p + n, strlen(p + n),
                                  val_bool(true));
    }
    const char *full = actx_path(x->ctx, rel);
    DIR *d = full ? opendir(full) : NULL;
    struct dirent *e;
    while (st == MIG_OK && d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            st = val_map_set_take(names, e->d_name, strlen(e->d_name),
                                  val_bool(true));
    if (d)
        closedir(d);
    return st;
}

/* Adds to UNITS the units of REL, whose image in the snapshot is IMG
 * (NULL: it holds none): pairs [path, image to restore]. */
static mig_status_t units_of(restore_t *x, const val_t *img, const char *rel,
                             val_t *units, unsigned depth)
{
    const val_t *skip = val_map_get(x->manifest, "skip", 4);
    if (!above_skip(skip, rel) || depth > 4096) {
        val_t *pair = val_list_new(2), *target = NULL;
        if (!img && (target = val_map_new(2)) != NULL
            && (put(target, "path", val_cstring(rel))
                || put(target, "type", val_cstring("absent")))) {
            val_unref(target);
            target = NULL;
        }
        if (!pair || val_list_push_take(pair, val_cstring(rel)) != MIG_OK
            || val_list_push_take(pair, img ? val_ref((val_t *)img)
                                            : target) != MIG_OK) {
            val_unref(pair);
            return MIG_ENOMEM;
        }
        return val_list_push_take(units, pair);
    }
    val_t *names = val_map_new(16);
    strbuf_t child;
    strbuf_init(&child);
    mig_status_t st = names ? names_of(x, img, rel, names) : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(names); i++) {
        child.len = 0;
        if (strcmp(rel, ".") != 0)
            strbuf_printf(&child, "%s/", rel);
        strbuf_puts(&child, val_get_str(val_map_key(names, i), NULL));
        if (child.oom)
            st = MIG_ENOMEM;
        else if (!val_map_get(skip, child.data, child.len))
            st = units_of(x, entry_of(img, child.data), child.data, units,
                          depth + 1);
    }
    strbuf_free(&child);
    val_unref(names);
    return st;
}

/* Keeps the before-image of every unit of UNITS into the list BEFORE. */
static mig_status_t keep_units(restore_t *x, const val_t *units,
                               val_t *before)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < val_len(units); i++) {
        const char *path = val_get_str(val_list_get(val_list_get(units, i),
                                                    0), NULL);
        val_t *img = NULL;
        st = actx_keep(x->ctx, path, &img);
        if (st == MIG_OK)
            st = val_list_push_take(before, img);
    }
    return st;
}

/* The after-image of a root restored: the states of IDS (the record's
 * resources) into *OUT. Every path under ROOT is read once, into X->NOW,
 * which both gives the file resources' states here and, once every root
 * is restored, the digest compared with the snapshot's (apply): each
 * restored file is hashed once after the restore, not twice. */
static mig_status_t after_states(restore_t *x, const char *root,
                                 const val_t *ids, val_t **out)
{
    mig_status_t st = states_now(x->ctx, val_map_get(x->manifest, "skip", 4),
                                 root, x->now, 0);
    val_t *m = st == MIG_OK ? val_map_new(val_len(ids)) : NULL;
    if (st == MIG_OK && !m)
        st = MIG_ENOMEM;
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; st == MIG_OK && i < val_len(ids); i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(ids, i), &len);
        const val_t *known = val_map_get(x->now, id, len);
        if (known && !*resource_kind_of(id)->prefix) {
            st = val_map_set(m, id, len, (val_t *)known);
            continue;
        }
        b.len = 0;
        st = resource_state(x->ctx, id, &b);
        if (st == MIG_OK)
            st = b.oom ? MIG_ENOMEM
                : val_map_set_take(m, id, len, val_string(b.data ? b.data
                                                                 : "", b.len));
    }
    strbuf_free(&b);
    if (st != MIG_OK) {
        val_unref(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}

/* Journals and restores root I: MIG_OK, or the failure (said). */
static mig_status_t restore_root(restore_t *x, size_t i)
{
    const val_t *roots = val_map_get(x->manifest, "roots", 5);
    const val_t *images = val_map_get(x->manifest, "images", 6);
    const char *root = val_get_str(val_list_get(roots, i), NULL);
    actx_begin(x->ctx, "file.copy");
    val_t *units = val_list_new(1), *undo = val_map_new(1),
          *before = val_list_new(1), *args = val_map_new(2), *after = NULL;
    char from[300];
    snprintf(from, sizeof from, "snapshot:%s", x->snap.name);
    mig_status_t st = units && undo && before && args
        ? units_of(x, val_list_get(images, i), root, units, 0) : MIG_ENOMEM;
    if (st == MIG_OK)
        st = keep_units(x, units, before);
    if (st == MIG_OK)
        st = declare_new(x, root);
    if (st == MIG_OK && (put(undo, "images", val_ref(before))
                         || put(args, "from", val_cstring(from))
                         || put(args, "to", val_cstring(root))))
        st = MIG_ENOMEM;
    store_journal_t rec = { .node = "restore", .item = root,
                            .action = "file.copy", .kind = STORE_JOURNAL_SELF,
                            .args = args, .undo = undo,
                            .resources = actx_resources(x->ctx) };
    /* Journal first, effect second. */
    if (st == MIG_OK && (st = store_journal_intent(x->s, x->run, &rec))
        == MIG_OK)
        st = store_flush(x->s);
    mig_status_t eff = MIG_OK;
    for (size_t k = 0; st == MIG_OK && eff == MIG_OK && k < val_len(units);
         k++)
        eff = actx_restore(x->ctx, val_list_get(val_list_get(units, k), 1));
    if (st == MIG_OK && rec.seq && eff == MIG_OK
        && after_states(x, root, rec.resources, &after) == MIG_OK) {
        st = store_journal_after(x->s, x->run, rec.seq, after);
        val_unref(after);
    } else if (st == MIG_OK && rec.seq
               && resource_states(x->ctx, rec.resources, &after) == MIG_OK) {
        st = store_journal_after(x->s, x->run, rec.seq, after);
        val_unref(after);
    }
    if (st == MIG_OK)
        st = store_journal_set(x->s, x->run, rec.seq, eff == MIG_OK
                               ? STORE_JOURNAL_DONE : STORE_JOURNAL_FAILED);
    if (st == MIG_EINVALID || (st == MIG_OK && eff != MIG_OK)) {
        diag_t *d = diag_add(x->diags, DIAG_ERROR, NULL, NULL, "cannot "
                             "restore '%s' from snapshot '%s': %s", root,
                             x->snap.name, actx_error_message(x->ctx)
                             ? actx_error_message(x->ctx)
                             : "the state store failed");
        if (rec.seq)
            diag_hint(x->diags, d, "`mig rollback %" PRId64 "` puts back "
                      "what was there before the restore", x->run);
    }
    val_unref(units);
    val_unref(undo);
    val_unref(args);
    val_unref(before);
    return st == MIG_OK ? eff : st;
}

/* Restores every root, then compares the digest. */
static mig_status_t apply(restore_t *x, run_result_t *result)
{
    const val_t *roots = val_map_get(x->manifest, "roots", 5);
    mig_status_t st = MIG_OK;
    size_t i = 0;
    for (; st == MIG_OK && i < val_len(roots); i++)
        st = restore_root(x, i);
    char hex[BLOB_HEX] = "";
    /* X->NOW holds every path under the roots, read after each was
     * restored (after_states). */
    if (st == MIG_OK && i == val_len(roots))
        resource_digest(x->now, hex);
    bool matched = st == MIG_OK && strcmp(hex, x->snap.digest) == 0;
    if (st == MIG_EIO || st == MIG_ENOMEM)
        return st;
    *result = matched ? RUN_SUCCEEDED : RUN_FAILED;
    if (!matched && st == MIG_OK) {
        diag_t *d = diag_add(x->diags, DIAG_ERROR, NULL, NULL, "after the "
                             "restore, the files do not match snapshot '%s' "
                             "(digest %.12s..., expected %.12s...): "
                             "something changed them meanwhile",
                             x->snap.name, hex, x->snap.digest);
        diag_hint(x->diags, d, "`mig rollback %" PRId64 "` puts back what "
                  "was there before the restore", x->run);
    }
    if (put(x->report, "run", val_int(x->run))
        || put(x->report, "digest", val_cstring(hex))
        || put(x->report, "expected", val_cstring(x->snap.digest))
        || put(x->report, "matched", val_bool(matched)))
        return MIG_ENOMEM;
    st = store_run_finish(x->s, x->run, matched ? STORE_RUN_SUCCEEDED
                          : STORE_RUN_FAILED, matched ? NULL
                          : "the files do not match the snapshot");
    return st;
}

/* Opens what a restore reads, finds the snapshot and its manifest. *OK
 * false: refused (said). */
static mig_status_t prepare(restore_t *x, bool *ok)
{
    *ok = false;
    char *objects = blobs_dir_of(x->o->state_path);
    mig_status_t st = objects ? store_open(x->o->state_path, 0, x->diags,
                                           &x->s) : MIG_ENOMEM;
    if (st == MIG_OK)
        st = blobs_open(objects, x->diags, &x->b);
    free(objects);
    if (st == MIG_OK)
        st = snapshot_find(x->s, x->o->ref, &x->snap, x->diags);
    if (st == MIG_OK)
        st = snapshot_manifest(x->b, &x->snap, x->diags, &x->manifest);
    if (st == MIG_EIO && x->snap.id)
        return MIG_OK;          /* a damaged snapshot: refused */
    if (st == MIG_OK)
        st = check_objects(x, ok);
    if (st != MIG_OK || !*ok)
        return st;
    val_t *skip = val_map_get(x->manifest, "skip", 4);
    const char *base = snap_str(x->manifest, "base");
    if (!base || !skip || val_type(skip) != VAL_MAP)
        return MIG_EIO;
    if ((x->want = val_map_new(64)) == NULL
        || (x->report = val_map_new(6)) == NULL
        || (x->now = val_map_new(64)) == NULL)
        return MIG_ENOMEM;
    st = snapshot_states(val_map_get(x->manifest, "images", 6), x->want);
    if (st == MIG_OK)
        st = snap_context(x->b, base, skip, &x->ctx);
    return st;
}

mig_status_t snapshot_restore(const snapshot_restore_options_t *o,
                              diag_list_t *diags, val_t **report,
                              run_result_t *result, int64_t *run_id)
{
    *report = NULL;
    *result = RUN_REFUSED;
    *run_id = 0;
    restore_t x = { .o = o, .diags = diags };
    bool ok = false;
    val_t *now = NULL, *changes = NULL;
    mig_status_t st = prepare(&x, &ok);
    if (st == MIG_OK && ok)
        st = roots_now(x.ctx, val_map_get(x.manifest, "skip", 4),
                       val_map_get(x.manifest, "roots", 5), &now);
    if (st == MIG_OK && ok)
        st = diff(x.want, now, &changes);
    if (st == MIG_OK && ok
        && (put(x.report, "snapshot", val_cstring(x.snap.name))
            || val_map_set(x.report, "changes", 7, changes)))
        st = MIG_ENOMEM;
    if (st == MIG_OK && ok && o->dry_run)
        *result = RUN_SUCCEEDED;
    else if (st == MIG_OK && ok)
        st = begin_run(&x, &ok);
    /* A signal ends the process as it would end any other: the run is
     * left running, so shown interrupted, for `mig rollback`. */
    if (st == MIG_OK && ok && !o->dry_run)
        st = apply(&x, result);
    *run_id = x.run;
    if (x.fence)
        store_lock_release(x.s, x.lock, x.fence);
    if (x.s && st == MIG_OK && store_flush(x.s) != MIG_OK)
        st = MIG_EIO;
    if (st == MIG_OK && ok)
        *report = val_ref(x.report);
    if (x.s && store_diags(x.s)->len)
        diag_list_move(diags, store_diags(x.s));
    val_unref(now);
    val_unref(changes);
    val_unref(x.manifest);
    val_unref(x.want);
    val_unref(x.report);
    val_unref(x.now);
    actx_free(x.ctx);
    snapshot_clear(&x.snap);
    free(x.lock);
    roots_lock_free(x.roots_lock);
    store_close(x.s);
    blobs_close(x.b);
    return st;
}
