/* snapshot_prune.c: retention (`mig snapshot prune`, snapshot.h): which
 * snapshots go, then which objects nothing needs any more, removed so
 * that a run going on in another process never loses one. The rule
 * (docs/snapshots.md, "Pruning"):
 *
 *  - an object is referenced when a snapshot kept, any journal record (a
 *    before-image in its undo, whatever its state), a checkpoint's state
 *    ("file:HEX") or a drift baseline names it;
 *  - the cutoff is the start of the oldest run still unfinished (or of
 *    the oldest snapshot being taken), or now, less a second: a run
 *    writes (or touches, blobs_put*) every object it keeps after it
 *    started and before it journals it, so an object changed since the
 *    cutoff may be about to be referenced, and stays;
 *  - an object is removed by renaming it aside, then looking at its time
 *    again: touched meanwhile, it is renamed back. A run that touches it
 *    after the rename does not find it and writes it anew. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot_int.h"

/* Objects changed less than this long before the cutoff are left too:
 * the clocks of file times and of the store may differ by a tick. */
#define GC_MARGIN_MS 1000

/* ---- references ------------------------------------------------------------ */

typedef struct refs {
    char (*hex)[BLOB_HEX];
    size_t n, cap;
    mig_status_t st;
} refs_t;

static void ref_add(void *data, const char *hex)
{
    refs_t *r = data;
    if (r->st != MIG_OK || !hex || strlen(hex) != BLOB_HEX - 1)
        return;
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        char (*p)[BLOB_HEX] = realloc(r->hex, cap * sizeof(*p));
        if (!p) {
            r->st = MIG_ENOMEM;
            return;
        }
        r->hex = p;
        r->cap = cap;
    }
    memcpy(r->hex[r->n++], hex, BLOB_HEX);
}

void snapshot_value_blobs(const val_t *v,
                          void (*fn)(void *data, const char *hex), void *data)
{
    if (!v)
        return;
    if (val_type(v) == VAL_LIST)
        for (size_t i = 0; i < val_len(v); i++)
            snapshot_value_blobs(val_list_get(v, i), fn, data);
    if (val_type(v) != VAL_MAP)
        return;
    for (size_t i = 0; i < val_len(v); i++) {
        size_t klen;
        const char *k = val_get_str(val_map_key(v, i), &klen);
        const val_t *x = val_map_value(v, i);
        if (klen == 4 && memcmp(k, "blob", 4) == 0
            && val_type(x) == VAL_STRING)
            fn(data, val_get_str(x, NULL));
        else
            snapshot_value_blobs(x, fn, data);
    }
}

static bool journal_ref(void *data, const store_journal_t *rec)
{
    snapshot_value_blobs(rec->undo, ref_add, data);
    return ((refs_t *)data)->st == MIG_OK;
}

static bool baseline_db(void *data, const char *db, int64_t records)
{
    (void)db;
    (void)records;
    return ((refs_t *)data)->st == MIG_OK;
}

static bool baseline_ref(void *data, const char *db,
                         const store_baseline_t *rec)
{
    (void)db;
    ref_add(data, rec->digest);
    return ((refs_t *)data)->st == MIG_OK;
}

static bool checkpoint_ref(void *data, const store_checkpoint_t *cp)
{
    for (size_t i = 0; cp->resources && i < val_len(cp->resources); i++) {
        const val_t *v = val_map_value(cp->resources, i);
        const char *state = val_type(v) == VAL_STRING ? val_get_str(v, NULL)
                                                      : "";
        if (strncmp(state, "file:", 5) == 0)
            ref_add(data, state + 5);
    }
    return ((refs_t *)data)->st == MIG_OK;
}

static int cmp_hex(const void *a, const void *b)
{
    return memcmp(a, b, BLOB_HEX);
}

/* Every object the runs RUNS of S and the snapshots KEEP (N_KEEP) need,
 * sorted, into R. MIG_EIO (said) when a kept snapshot's manifest cannot
 * be read: then nothing can be known unreferenced. */
static mig_status_t collect(store_t *s, blobs_t *b, const store_run_t *runs,
                            size_t n_runs, const snapshot_t *keep,
                            size_t n_keep, diag_list_t *diags, refs_t *r)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < n_runs; i++) {
        st = store_journal_each(s, runs[i].id, 0, STORE_EACH_NO_ARGS
                                | STORE_EACH_NO_RESOURCES
                                | STORE_EACH_NO_AFTER, journal_ref, r);
        if (st == MIG_OK)
            st = store_baseline_each(s, runs[i].id, baseline_db,
                                     baseline_ref, r);
        if (st == MIG_OK)
            st = store_checkpoint_each(s, runs[i].id, checkpoint_ref, r);
        if (st == MIG_OK)
            st = r->st;
    }
    for (size_t i = 0; st == MIG_OK && i < n_keep; i++)
        if (keep[i].complete && (st = snapshot_objects(b, &keep[i], diags,
                                                       ref_add, r)) == MIG_OK)
            st = r->st;
    if (st == MIG_OK && r->n)
        qsort(r->hex, r->n, sizeof(*r->hex), cmp_hex);
    return st;
}

/* ---- which snapshots go ---------------------------------------------------- */

/* The time retention measures ages from: now, or in test builds
 * $MIG_SNAPSHOT_NOW_MS, so that the tests can stand at a boundary to the
 * millisecond. */
static int64_t age_now(void)
{
#ifdef MIG_FAULT_HOOKS
    const char *fake = getenv("MIG_SNAPSHOT_NOW_MS");
    if (fake && *fake)
        return strtoll(fake, NULL, 10);
#endif
    return snap_now_ms();
}

/* Marks in GO[i] every snapshot of ALL (oldest first) that O lets go:
 * complete ones older than the bound and not among the newest keep_last,
 * and unfinished ones whose taker is gone. */
static void choose(const snapshot_prune_options_t *o, const snapshot_t *all,
                   size_t n, bool *go)
{
    int64_t now = age_now(), newer = 0;
    if (o->older_than_ms < 0 && o->keep_last < 0)
        return;                 /* no bound: only the objects go */
    for (size_t i = n; i > 0; i--) {
        const snapshot_t *sn = &all[i - 1];
        if (!sn->complete) {
            go[i - 1] = !store_process_alive(sn->pid, sn->host);
            continue;
        }
        bool young = o->older_than_ms >= 0
                     && now - sn->created_ms <= o->older_than_ms;
        bool among_last = o->keep_last >= 0 && newer < o->keep_last;
        newer++;
        go[i - 1] = !young && !among_last;
    }
}

/* ---- removing objects -------------------------------------------------------- */

typedef struct sweep {
    const refs_t *refs;
    int64_t cutoff_ms;
    bool dry_run;
    int64_t objects, bytes;
    unsigned long serial;
} sweep_t;

static int64_t mtime_ms(const struct stat *sb)
{
    return (int64_t)sb->st_mtim.tv_sec * 1000 + sb->st_mtim.tv_nsec / 1000000;
}

/* Removes PATH (HEX its name, or "" for a temporary file) unless it is
 * referenced or changed since the cutoff. */
static void sweep_one(sweep_t *w, const char *dir, const char *path,
                      const char *hex)
{
    struct stat sb;
    if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)
        || mtime_ms(&sb) >= w->cutoff_ms)
        return;
    if (*hex && bsearch(hex, w->refs->hex, w->refs->n, sizeof(*w->refs->hex),
                        cmp_hex))
        return;
    if (w->dry_run) {
        w->objects++;
        w->bytes += sb.st_size;
        return;
    }
    char aside[4200];
    snprintf(aside, sizeof aside, "%s/gc-%ld-%lu", dir, (long)getpid(),
             w->serial++);
    if (rename(path, aside) != 0)
        return;                 /* gone already: another prune */
    /* Touched by a run between the look above and the rename: back. */
    if (lstat(aside, &sb) == 0 && mtime_ms(&sb) >= w->cutoff_ms) {
        rename(aside, path);
        return;
    }
    if (unlink(aside) == 0) {
        w->objects++;
        w->bytes += sb.st_size;
    }
}

/* Walks the object store DIR: DIR/ab/cdef... and DIR/tmp-* (what a
 * process that died while writing an object left). */
static void sweep(sweep_t *w, const char *dir)
{
    DIR *top = opendir(dir);
    struct dirent *e;
    while (top && (e = readdir(top))) {
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        if (strncmp(e->d_name, "tmp-", 4) == 0) {
            sweep_one(w, dir, sub, "");
            continue;
        }
        DIR *in = strlen(e->d_name) == 2 ? opendir(sub) : NULL;
        struct dirent *f;
        while (in && (f = readdir(in))) {
            char p[4096 + 260], hex[BLOB_HEX];
            if (f->d_name[0] == '.' || strlen(f->d_name) != BLOB_HEX - 3)
                continue;
            snprintf(p, sizeof p, "%s/%s", sub, f->d_name);
            memcpy(hex, e->d_name, 2);
            memcpy(hex + 2, f->d_name, BLOB_HEX - 2);   /* with the NUL */
            sweep_one(w, dir, p, hex);
        }
        if (in)
            closedir(in);
    }
    if (top)
        closedir(top);
}

/* ---- prune --------------------------------------------------------------------- */

/* The cutoff: the oldest start of an unfinished run of RUNS or of a
 * snapshot being taken among ALL (not let go), or now, less the margin. */
static int64_t cutoff_of(const store_run_t *runs, size_t n_runs,
                         const snapshot_t *all, size_t n, const bool *go)
{
    int64_t t = snap_now_ms();
    for (size_t i = 0; i < n_runs; i++)
        if (runs[i].ended_ms == 0 && runs[i].started_ms < t)
            t = runs[i].started_ms;
    for (size_t i = 0; i < n; i++)
        if (!all[i].complete && !go[i] && all[i].created_ms < t)
            t = all[i].created_ms;
    return t - GC_MARGIN_MS;
}

/* Forgets the snapshots marked GO (unless a dry run) and lists their
 * names in NAMES. */
static mig_status_t forget(store_t *s, const snapshot_t *all, size_t n,
                           const bool *go, bool dry_run, val_t *names)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        if (!go[i])
            continue;
        if (!dry_run)
            st = store_snapshot_delete(s, all[i].id);
        if (st == MIG_OK)
            st = val_list_push_take(names, val_cstring(all[i].name));
    }
    /* Committed before any object goes: a crash between leaves objects
     * nobody references, which the next prune removes. */
    if (st == MIG_OK && !dry_run)
        st = store_flush(s);
    return st;
}

/* The snapshots of ALL not marked GO, copied into *KEEP (shallow: owned
 * by ALL). */
static snapshot_t *kept_of(const snapshot_t *all, size_t n, const bool *go,
                           size_t *n_keep)
{
    snapshot_t *keep = malloc((n ? n : 1) * sizeof(*keep));
    *n_keep = 0;
    for (size_t i = 0; keep && i < n; i++)
        if (!go[i])
            keep[(*n_keep)++] = all[i];
    return keep;
}

mig_status_t snapshot_prune(const snapshot_prune_options_t *o,
                            diag_list_t *diags, val_t **report)
{
    *report = NULL;
    store_t *s = NULL;
    blobs_t *b = NULL;
    snapshot_t *all = NULL, *keep = NULL;
    store_run_t *runs = NULL;
    size_t n = 0, n_runs = 0, n_keep = 0;
    bool *go = NULL;
    refs_t refs = { 0 };
    val_t *names = val_list_new(0), *r = val_map_new(4);
    char *objects = blobs_dir_of(o->state_path);
    mig_status_t st = objects && names && r ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = store_open(o->state_path, 0, diags, &s);
    if (st == MIG_OK)
        st = blobs_open(objects, diags, &b);
    if (st == MIG_OK)
        st = snapshot_list(s, &all, &n);
    if (st == MIG_OK && !(go = calloc(n ? n : 1, sizeof(*go))))
        st = MIG_ENOMEM;
    if (st == MIG_OK) {
        choose(o, all, n, go);
        st = forget(s, all, n, go, o->dry_run, names);
    }
    /* The runs are read after the snapshots are forgotten and before the
     * references: a run that starts later touches its objects after the
     * cutoff. */
    if (st == MIG_OK)
        st = store_run_list(s, 0, &runs, &n_runs);
    sweep_t w = { .refs = &refs, .dry_run = o->dry_run };
    if (st == MIG_OK) {
        w.cutoff_ms = cutoff_of(runs, n_runs, all, n, go);
        keep = kept_of(all, n, go, &n_keep);
        st = keep ? collect(s, b, runs, n_runs, keep, n_keep, diags, &refs)
                  : MIG_ENOMEM;
    }
    if (st == MIG_OK)
        sweep(&w, objects);
    if (st == MIG_OK
        && (val_map_set(r, "snapshots", 9, names) != MIG_OK
            || val_map_set_take(r, "objects", 7, val_int(w.objects)) != MIG_OK
            || val_map_set_take(r, "bytes", 5, val_int(w.bytes)) != MIG_OK
            || val_map_set_take(r, "kept", 4, val_int((int64_t)n_keep))
               != MIG_OK))
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        *report = val_ref(r);
    if (s && store_diags(s)->len)
        diag_list_move(diags, store_diags(s));
    if (st == MIG_EINVALID)
        st = MIG_EIO;
    val_unref(names);
    val_unref(r);
    free(refs.hex);
    free(keep);
    free(go);
    snapshots_free(all, n);
    store_runs_free(runs, n_runs);
    store_close(s);
    blobs_close(b);
    free(objects);
    return st;
}
