/* snapshot.c: taking snapshots, reading them back and verifying them
 * (snapshot.h; docs/snapshots.md). A snapshot is the before-image
 * (actx_keep) of each write root, taken whole, with the state store's
 * own folder left out: the same objects and images a run's undo records
 * use, so the two share every byte. The images, with where they were
 * taken, make the manifest, kept as an object itself; the state store's
 * row names it and holds the digest of every path's state. Restoring is
 * in snapshot_restore.c, retention in snapshot_prune.c. */
#define _XOPEN_SOURCE 700  /* realpath */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "snapshot_int.h"

/* ---- snapshots as read ------------------------------------------------- */

void snapshot_clear(snapshot_t *snap)
{
    free(snap->name);
    free(snap->note);
    free(snap->plan_path);
    free(snap->plan_name);
    free(snap->manifest);
    free(snap->digest);
    free(snap->host);
    memset(snap, 0, sizeof(*snap));
}

void snapshots_free(snapshot_t *snaps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        snapshot_clear(&snaps[i]);
    free(snaps);
}

/* A copy of T (NULL stays NULL); false when memory ran out. */
static bool dup_str(char **out, const char *t)
{
    *out = t ? strdup(t) : NULL;
    return !t || *out;
}

mig_status_t snap_copy(const store_snapshot_t *in, snapshot_t *out)
{
    *out = (snapshot_t){ .id = in->id, .run = in->run,
                         .complete = in->complete, .entries = in->entries,
                         .bytes = in->bytes, .pid = in->pid,
                         .created_ms = in->created_ms };
    if (dup_str(&out->name, in->name) && dup_str(&out->note, in->note)
        && dup_str(&out->plan_path, in->plan_path)
        && dup_str(&out->plan_name, in->plan_name)
        && dup_str(&out->manifest, in->manifest)
        && dup_str(&out->digest, in->digest)
        && dup_str(&out->host, in->host))
        return MIG_OK;
    snapshot_clear(out);
    return MIG_ENOMEM;
}

typedef struct listing {
    snapshot_t *items;
    size_t n, cap;
    mig_status_t st;
} listing_t;

static bool list_one(void *data, const store_snapshot_t *snap)
{
    listing_t *l = data;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        snapshot_t *p = realloc(l->items, cap * sizeof(*p));
        if (!p) {
            l->st = MIG_ENOMEM;
            return false;
        }
        l->items = p;
        l->cap = cap;
    }
    l->st = snap_copy(snap, &l->items[l->n]);
    if (l->st == MIG_OK)
        l->n++;
    return l->st == MIG_OK;
}

mig_status_t snapshot_list(store_t *s, snapshot_t **out, size_t *n)
{
    listing_t l = { 0 };
    mig_status_t st = store_snapshot_each(s, list_one, &l);
    if (st == MIG_OK)
        st = l.st;
    if (st != MIG_OK) {
        snapshots_free(l.items, l.n);
        return st;
    }
    *out = l.items;
    *n = l.n;
    return MIG_OK;
}

mig_status_t snapshot_find(store_t *s, const char *ref, snapshot_t *out,
                           diag_list_t *diags)
{
    *out = (snapshot_t){ 0 };
    snapshot_t *all;
    size_t n;
    mig_status_t st = snapshot_list(s, &all, &n);
    if (st != MIG_OK)
        return st;
    char *end;
    errno = 0;
    long long id = strtoll(ref, &end, 10);
    bool numeric = *ref && !*end && !errno;
    /* Newest first: a name taken twice (a plan's `snapshot` at each run)
     * names the latest. An id wins over a name that looks like one. */
    snapshot_t *hit = NULL;
    for (size_t i = n; numeric && !hit && i > 0; i--)
        if (all[i - 1].id == id)
            hit = &all[i - 1];
    for (size_t i = n; !hit && i > 0; i--)
        if (strcmp(all[i - 1].name, ref) == 0)
            hit = &all[i - 1];
    if (hit && !hit->complete) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "snapshot %" PRId64 " ('%s') "
                 "is not complete: it is being taken, or its taker (pid %"
                 PRId64 " on %s) stopped before the end", hit->id, hit->name,
                 hit->pid, hit->host);
        st = MIG_EINVALID;
        *out = *hit;            /* there, but not to be used */
        memset(hit, 0, sizeof(*hit));
    } else if (hit) {
        *out = *hit;
        memset(hit, 0, sizeof(*hit));
    } else {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "no snapshot "
                             "'%s' in this state store", ref);
        diag_hint(diags, d, n ? "see `mig snapshot list`"
                              : "there are none yet: `mig snapshot create`");
        st = MIG_EINVALID;
    }
    snapshots_free(all, n);
    return st;
}

/* ---- what a snapshot holds ------------------------------------------------ */

/* The state (actx_state's text) of the path an image says. */
static mig_status_t image_state(const val_t *img, strbuf_t *b)
{
    const char *type = snap_str(img, "type");
    if (!type)
        return MIG_EINVALID;
    b->len = 0;
    if (strcmp(type, "file") == 0 && snap_str(img, "blob"))
        strbuf_printf(b, "file:%s", snap_str(img, "blob"));
    else if (strcmp(type, "symlink") == 0 && snap_str(img, "target"))
        strbuf_printf(b, "symlink:%s", snap_str(img, "target"));
    else if (strcmp(type, "dir") == 0 || strcmp(type, "absent") == 0)
        strbuf_puts(b, type);
    else
        return MIG_EINVALID;
    return b->oom ? MIG_ENOMEM : MIG_OK;
}

static mig_status_t add_states(const val_t *img, val_t *states, strbuf_t *b,
                               unsigned depth)
{
    const char *path = snap_str(img, "path");
    if (!path || depth > 4096)
        return MIG_EINVALID;
    mig_status_t st = image_state(img, b);
    if (st == MIG_OK)
        st = val_map_set_take(states, path, strlen(path),
                              val_string(b->data, b->len));
    const val_t *entries = val_map_get(img, "entries", 7);
    for (size_t i = 0; st == MIG_OK && entries
                       && val_type(entries) == VAL_LIST
                       && i < val_len(entries); i++)
        st = add_states(val_list_get(entries, i), states, b, depth + 1);
    return st;
}

mig_status_t snapshot_states(const val_t *images, val_t *states)
{
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = val_type(images) == VAL_LIST ? MIG_OK : MIG_EINVALID;
    for (size_t i = 0; st == MIG_OK && i < val_len(images); i++)
        st = add_states(val_list_get(images, i), states, &b, 0);
    strbuf_free(&b);
    return st;
}

const char *snap_str(const val_t *m, const char *key)
{
    const val_t *v = val_type(m) == VAL_MAP ? val_map_get(m, key, strlen(key))
                                            : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* Calls FN for the blob of every file under IMG. */
static void each_blob(const val_t *img, void (*fn)(void *data,
                                                   const char *path,
                                                   const char *hex),
                      void *data, unsigned depth)
{
    const char *blob = snap_str(img, "blob");
    if (blob)
        fn(data, snap_str(img, "path"), blob);
    const val_t *entries = val_type(img) == VAL_MAP
        ? val_map_get(img, "entries", 7) : NULL;
    for (size_t i = 0; depth < 4096 && entries && val_type(entries)
                       == VAL_LIST && i < val_len(entries); i++)
        each_blob(val_list_get(entries, i), fn, data, depth + 1);
}

void snap_each_blob(const val_t *manifest,
                    void (*fn)(void *data, const char *path, const char *hex),
                    void *data)
{
    const val_t *images = val_map_get(manifest, "images", 6);
    for (size_t i = 0; images && val_type(images) == VAL_LIST
                       && i < val_len(images); i++)
        each_blob(val_list_get(images, i), fn, data, 0);
}

/* ---- the manifest --------------------------------------------------------- */

mig_status_t snapshot_manifest(blobs_t *b, const snapshot_t *snap,
                               diag_list_t *diags, val_t **out)
{
    *out = NULL;
    strbuf_t text;
    strbuf_init(&text);
    mig_status_t st = snap->manifest ? blobs_get(b, snap->manifest, &text)
                                     : MIG_EIO;
    if (st == MIG_ENOMEM) {
        strbuf_free(&text);
        return st;
    }
    val_t *m = NULL;
    if (st == MIG_OK) {
        src_t *src = src_from_memory("manifest", text.data ? text.data : "",
                                     text.len);
        diag_list_t ignored;
        diag_list_init(&ignored);
        st = src ? val_from_json(src, &ignored, &m) : MIG_ENOMEM;
        diag_list_free(&ignored);
        src_free(src);
        const char *format = m ? snap_str(m, "format") : NULL;
        const val_t *images = m ? val_map_get(m, "images", 6) : NULL;
        if (st == MIG_OK && (!format || strcmp(format, SNAP_FORMAT) != 0
                             || !images || val_type(images) != VAL_LIST))
            st = MIG_EINVALID;
    }
    strbuf_free(&text);
    if (st == MIG_ENOMEM) {
        val_unref(m);
        return st;
    }
    if (st != MIG_OK) {
        val_unref(m);
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "the manifest of "
                             "snapshot %" PRId64 " ('%s'), object %.12s..., "
                             "is missing or damaged in the object store",
                             snap->id, snap->name, snap->manifest
                             ? snap->manifest : "?");
        diag_hint(diags, d, "`mig snapshot verify %" PRId64 "` says what "
                  "else is; the snapshot cannot be restored", snap->id);
        return MIG_EIO;
    }
    *out = m;
    return MIG_OK;
}

typedef struct objects_of {
    void (*fn)(void *data, const char *hex);
    void *data;
} objects_of_t;

static void object_of(void *data, const char *path, const char *hex)
{
    (void)path;
    objects_of_t *o = data;
    o->fn(o->data, hex);
}

mig_status_t snapshot_objects(blobs_t *b, const snapshot_t *snap,
                              diag_list_t *diags,
                              void (*fn)(void *data, const char *hex),
                              void *data)
{
    if (!snap->complete)
        return MIG_OK;
    fn(data, snap->manifest);
    val_t *m;
    mig_status_t st = snapshot_manifest(b, snap, diags, &m);
    if (st != MIG_OK)
        return st;
    objects_of_t o = { fn, data };
    snap_each_blob(m, object_of, &o);
    val_unref(m);
    return MIG_OK;
}

/* ---- verify ----------------------------------------------------------------- */

typedef struct verify {
    blobs_t *b;
    val_t *problems, *seen;
    int64_t objects, bytes;
    mig_status_t st;
} verify_t;

static void problem(verify_t *v, const char *path, const char *hex,
                    const char *what)
{
    val_t *p = val_map_new(3);
    if (!p || val_map_set_take(p, "path", 4, val_cstring(path)) != MIG_OK
        || val_map_set_take(p, "object", 6, val_cstring(hex)) != MIG_OK
        || val_map_set_take(p, "problem", 7, val_cstring(what)) != MIG_OK
        || val_list_push_take(v->problems, p) != MIG_OK)
        v->st = MIG_ENOMEM;
}

/* Re-hashes the object HEX that PATH holds (each object once). */
static void verify_blob(void *data, const char *path, const char *hex)
{
    verify_t *v = data;
    if (v->st != MIG_OK || val_map_get(v->seen, hex, strlen(hex)))
        return;
    if (val_map_set_take(v->seen, hex, strlen(hex), val_bool(true))
        != MIG_OK) {
        v->st = MIG_ENOMEM;
        return;
    }
    char *file = blobs_path(v->b, hex);
    struct stat sb;
    char got[BLOB_HEX];
    v->objects++;
    if (!file || stat(file, &sb) != 0)
        problem(v, path, hex, "missing");
    else if (blobs_hash_file(file, got) != MIG_OK || strcmp(got, hex) != 0)
        problem(v, path, hex, "damaged");
    else
        v->bytes += sb.st_size;
    free(file);
}

mig_status_t snapshot_verify(blobs_t *b, const snapshot_t *snap,
                             val_t **report)
{
    *report = NULL;
    verify_t v = { .b = b, .problems = val_list_new(0),
                   .seen = val_map_new(64) };
    val_t *r = val_map_new(6), *m = NULL, *states = val_map_new(64);
    if (!v.problems || !v.seen || !r || !states)
        v.st = MIG_ENOMEM;
    diag_list_t ignored;
    diag_list_init(&ignored);
    bool digest_ok = false;
    if (v.st == MIG_OK && snapshot_manifest(b, snap, &ignored, &m)
        != MIG_OK) {
        char *file = snap->manifest ? blobs_path(b, snap->manifest) : NULL;
        struct stat sb;
        problem(&v, "", snap->manifest ? snap->manifest : "",
                file && stat(file, &sb) == 0 ? "damaged" : "missing");
        free(file);
    } else if (v.st == MIG_OK) {
        v.objects++;
        snap_each_blob(m, verify_blob, &v);
        char hex[BLOB_HEX];
        if (v.st == MIG_OK && snapshot_states(val_map_get(m, "images", 6),
                                              states) == MIG_OK) {
            resource_digest(states, hex);
            digest_ok = snap->digest && strcmp(hex, snap->digest) == 0;
        }
    }
    diag_list_free(&ignored);
    if (v.st == MIG_OK
        && (val_map_set_take(r, "snapshot", 8, val_cstring(snap->name))
            != MIG_OK
            || val_map_set_take(r, "objects", 7, val_int(v.objects)) != MIG_OK
            || val_map_set_take(r, "bytes", 5, val_int(v.bytes)) != MIG_OK
            || val_map_set_take(r, "digest", 6, val_bool(digest_ok))
               != MIG_OK
            || val_map_set(r, "problems", 8, v.problems) != MIG_OK))
        v.st = MIG_ENOMEM;
    val_unref(m);
    val_unref(states);
    val_unref(v.problems);
    val_unref(v.seen);
    if (v.st != MIG_OK) {
        val_unref(r);
        return v.st;
    }
    *report = r;
    return MIG_OK;
}

/* ---- taking one -------------------------------------------------------------- */

char *snap_rel(const char *base, const char *abs)
{
    size_t n = strlen(base);
    while (n > 1 && base[n - 1] == '/')
        n--;
    if (strncmp(abs, base, n) == 0 && abs[n] == '\0')
        return strdup(".");
    if (strncmp(abs, base, n) == 0 && abs[n] == '/')
        return strdup(abs + n + 1);
    return strdup(abs);
}

char *snap_real_dir(const char *path, bool parent)
{
    char buf[PATH_MAX];
    char *dir = strdup(path && *path ? path : ".");
    if (!dir)
        return NULL;
    char *slash = parent ? strrchr(dir, '/') : NULL;
    if (slash)
        *slash = '\0';
    const char *real = realpath(parent && !slash ? "." : *dir ? dir : "/",
                                buf);
    free(dir);
    return real ? strdup(real) : NULL;
}

/* Whether root I of R lies inside another root of R (taken with it). */
static bool inside_another(const write_roots_t *r, size_t i)
{
    for (size_t k = 0; k < r->n; k++) {
        size_t n = strlen(r->paths[k]);
        if (k != i && strncmp(r->paths[i], r->paths[k], n) == 0
            && (r->paths[i][n] == '/' || (n == 1 && r->paths[k][0] == '/')
                || (r->paths[i][n] == '\0' && k < i)))
            return true;
    }
    return false;
}

/* The manifest of SPEC's roots, kept with actx_keep in CTX (its base the
 * plan's folder BASE): {format, plan, base, roots (as named), root_paths
 * (absolute), skip, images}. */
static mig_status_t keep_roots(action_ctx_t *ctx, const snapshot_spec_t *spec,
                               const char *base, val_t *skip,
                               diag_list_t *diags, val_t **out)
{
    val_t *m = val_map_new(7), *roots = val_list_new(spec->roots->n),
          *paths = val_list_new(spec->roots->n),
          *images = val_list_new(spec->roots->n);
    mig_status_t st = m && roots && paths && images ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < spec->roots->n; i++) {
        if (inside_another(spec->roots, i))
            continue;
        char *rel = snap_rel(base, spec->roots->paths[i]);
        val_t *img = NULL;
        st = rel ? actx_keep(ctx, rel, &img) : MIG_ENOMEM;
        if (st == MIG_EINVALID)
            diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot take the "
                     "snapshot: %s", actx_error_message(ctx));
        if (st == MIG_OK)
            st = val_list_push_take(images, img);
        if (st == MIG_OK)
            st = val_list_push_take(roots, val_cstring(rel));
        if (st == MIG_OK)
            st = val_list_push_take(paths,
                                    val_cstring(spec->roots->paths[i]));
        free(rel);
    }
    if (st == MIG_OK
        && (val_map_set_take(m, "format", 6, val_cstring(SNAP_FORMAT))
            != MIG_OK
            || val_map_set_take(m, "plan", 4, val_cstring(spec->plan_path))
               != MIG_OK
            || val_map_set_take(m, "base", 4, val_cstring(base)) != MIG_OK
            || val_map_set(m, "roots", 5, roots) != MIG_OK
            || val_map_set(m, "root_paths", 10, paths) != MIG_OK
            || val_map_set(m, "skip", 4, skip) != MIG_OK
            || val_map_set(m, "images", 6, images) != MIG_OK))
        st = MIG_ENOMEM;
    val_unref(roots);
    val_unref(paths);
    val_unref(images);
    if (st != MIG_OK) {
        val_unref(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}

/* Adds the size of the file of blob HEX to the total DATA. */
static void add_size(void *data, const char *path, const char *hex)
{
    (void)path;
    int64_t *total = ((void **)data)[0];
    blobs_t *b = ((void **)data)[1];
    char *file = blobs_path(b, hex);
    struct stat sb;
    if (file && stat(file, &sb) == 0)
        *total += sb.st_size;
    free(file);
}

/* The default name of a snapshot: when it was taken, "2026-12-07T19:05:00Z". */
static void default_name(int64_t ms, char buf[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, 32, "%" PRId64, ms);
}

mig_status_t snap_context(blobs_t *b, const char *base, const val_t *skip,
                          action_ctx_t **out)
{
    size_t n = strlen(base);
    char *dir = malloc(n + 2);
    if (!dir)
        return MIG_ENOMEM;
    memcpy(dir, base, n);
    strcpy(dir + n, n && base[n - 1] == '/' ? "" : "/");
    action_ctx_t *ctx = actx_new(ACTX_RUN, dir);
    free(dir);
    if (!ctx)
        return MIG_ENOMEM;
    actx_host_t host = { .blobs = b };
    actx_set_host(ctx, &host);
    actx_set_skip(ctx, skip);
    actx_begin(ctx, "snapshot");
    *out = ctx;
    return MIG_OK;
}

mig_status_t snap_skip(const char *base, const char *state_path, val_t **out)
{
    char *dir = snap_real_dir(state_path, true);
    char *rel = dir ? snap_rel(base, dir) : NULL;
    val_t *skip = rel ? val_map_new(1) : NULL;
    mig_status_t st = skip ? val_map_set_take(skip, rel, strlen(rel),
                                              val_bool(true)) : MIG_ENOMEM;
    free(dir);
    free(rel);
    if (st != MIG_OK) {
        val_unref(skip);
        return st;
    }
    *out = skip;
    return MIG_OK;
}

/* Keeps the manifest M as an object and fills SNAP's manifest, digest,
 * entries and bytes (in BUF, HEX). */
static mig_status_t seal(blobs_t *b, const val_t *m, store_snapshot_t *snap,
                         char manifest[BLOB_HEX], char digest[BLOB_HEX])
{
    val_t *states = val_map_new(64);
    strbuf_t text;
    strbuf_init(&text);
    mig_status_t st = states ? snapshot_states(val_map_get(m, "images", 6),
                                               states) : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_to_json(m, &text, 0);
    if (st == MIG_OK)
        st = blobs_put(b, text.data, text.len, manifest);
    if (st == MIG_OK) {
        resource_digest(states, digest);
        snap->manifest = manifest;
        snap->digest = digest;
        snap->entries = (int64_t)val_len(states);
        void *sizes[2] = { &snap->bytes, b };
        snap_each_blob(m, add_size, sizes);
    }
    strbuf_free(&text);
    val_unref(states);
    return st;
}

mig_status_t snapshot_take(store_t *s, blobs_t *b, const snapshot_spec_t *spec,
                           diag_list_t *diags, snapshot_t *out)
{
    char host[256] = "", name[32];
    gethostname(host, sizeof host - 1);
    store_snapshot_t row = { .note = spec->note, .plan_path = spec->plan_path,
                             .plan_name = spec->plan_name, .run = spec->run,
                             .host = host, .pid = getpid(),
                             .created_ms = snap_now_ms() };
    default_name(row.created_ms, name);
    row.name = spec->name ? spec->name : name;
    char *base = snap_real_dir(spec->base_dir, false);
    val_t *skip = NULL, *m = NULL;
    action_ctx_t *ctx = NULL;
    mig_status_t st = base ? snap_skip(base, spec->state_path, &skip)
                           : MIG_EIO;
    if (!base)
        diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot take a snapshot of "
                 "'%s': %s", spec->base_dir, strerror(errno));
    /* Recorded and committed before the first object is written: a prune
     * meanwhile leaves alone what is written from now on. */
    if (st == MIG_OK && (st = store_snapshot_begin(s, &row)) == MIG_OK)
        st = store_flush(s);
    if (st == MIG_OK)
        st = snap_context(b, base, skip, &ctx);
    if (st == MIG_OK)
        st = keep_roots(ctx, spec, base, skip, diags, &m);
    char manifest[BLOB_HEX], digest[BLOB_HEX];
    if (st == MIG_OK && (st = seal(b, m, &row, manifest, digest)) == MIG_EIO)
        diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot keep the manifest "
                 "of the snapshot in '%s': %s", blobs_dir(b),
                 strerror(errno));
    if (st == MIG_OK && (st = store_snapshot_finish(s, &row)) == MIG_OK)
        st = store_flush(s);
    row.complete = st == MIG_OK;
    if (st == MIG_OK && out)
        st = snap_copy(&row, out);
    actx_free(ctx);
    val_unref(m);
    val_unref(skip);
    free(base);
    return st;
}

mig_status_t snapshot_create(const snapshot_spec_t *spec, diag_list_t *diags,
                             snapshot_t *out)
{
    store_t *s = NULL;
    blobs_t *b = NULL;
    roots_lock_t *lock = NULL;
    char *objects = blobs_dir_of(spec->state_path);
    mig_status_t st = objects ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = store_open(spec->state_path, STORE_CREATE, diags, &s);
    if (st == MIG_OK)
        st = blobs_open(objects, diags, &b);
    /* No run may change the files while they are copied. */
    if (st == MIG_OK)
        st = roots_lock_take(spec->roots, diags, &lock);
    if (st == MIG_OK)
        st = snapshot_take(s, b, spec, diags, out);
    if (s && store_diags(s)->len)
        diag_list_move(diags, store_diags(s));
    roots_lock_free(lock);
    store_close(s);
    blobs_close(b);
    free(objects);
    return st;
}

/* ---- a plan's `snapshot NAME` ------------------------------------------------ */

void snapshot_record(task_t *t, uint32_t n)
{
    run_t *r = t->run;
    if (sched_pass(t, n))
        return;
    const char *name = graph_node_ast(r->g, n)->u.snapshot.name.name;
    /* The run holds its write roots: no other run changes them while the
     * files are copied. Every write so far is committed first. */
    snapshot_spec_t spec = { .name = name, .plan_path = r->opts->plan_path
                             ? r->opts->plan_path : r->src->name,
                             .plan_name = graph_plan_name(r->g),
                             .base_dir = r->base_dir, .roots = &r->roots,
                             .state_path = r->state_path, .run = r->id };
    diag_list_t diags;
    diag_list_init(&diags);
    snapshot_t sn = { 0 };
    mig_status_t st = store_flush(r->store);
    if (st == MIG_OK)
        st = snapshot_take(r->store, r->blobs, &spec, &diags, &sn);
    if (st != MIG_OK) {
        task_fail(t, n, "Unavailable", "snapshot '%s': %s", name, diags.len
                  ? diags.items[0].message : "the state store failed");
        diag_list_free(&diags);
        if (store_failure(r->store))
            r->fatal = true;
        return;
    }
    diag_list_free(&diags);
    store_step_t rec = { .node = graph_node_id(r->g, n), .item = t->item,
                         .state = STORE_STEP_DONE, .attempts = 1,
                         .ended_ms = store_now_ms() };
    if (store_step_put(r->store, r->id, &rec) != MIG_OK)
        r->fatal = true;
    val_t *d = val_map_new(4);
    if (d) {
        val_map_set_take(d, "name", 4, val_cstring(name));
        val_map_set_take(d, "snapshot", 8, val_int(sn.id));
        val_map_set_take(d, "digest", 6, val_cstring(sn.digest));
        val_map_set_take(d, "entries", 7, val_int(sn.entries));
    }
    sched_event(r, "snapshot", n, t->item, d);
    snapshot_clear(&sn);
}
