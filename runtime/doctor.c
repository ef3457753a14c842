/* doctor.c: the runtime's health checks (doctor.h; docs/doctor.md): the
 * state store's integrity, interrupted runs, locks whose holders are gone,
 * the object store against the journal (missing, damaged and orphaned
 * before-images), and the free disk space a rollback would need. The CLI
 * adds the check of the plans themselves (cmd_doctor.c). */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "doctor.h"
#include "sched_int.h"
#include "snapshot.h"

/* ---- findings ---------------------------------------------------------- */

mig_status_t doctor_add(val_t *findings, const char *check, bool attention,
                        const char *fix, const char *fmt, ...)
{
    char msg[4400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    val_t *m = val_map_new(4);
    if (!m || val_map_set_take(m, "check", 5, val_cstring(check)) != MIG_OK
        || val_map_set_take(m, "severity", 8, val_cstring(attention
                            ? "attention" : "ok")) != MIG_OK
        || val_map_set_take(m, "message", 7, val_cstring(msg)) != MIG_OK
        || val_map_set_take(m, "fix", 3, fix ? val_cstring(fix)
                            : val_null()) != MIG_OK) {
        val_unref(m);
        return MIG_ENOMEM;
    }
    return val_list_push_take(findings, m);
}

/* ---- the before-images the journal refers to ----------------------------- */

/* One reference of a journal record to an object (its undo's "blob"). */
typedef struct ref {
    char hex[BLOB_HEX];
    int64_t run, seq;
    bool undoable;              /* the record may still be undone */
    bool found;
    int64_t size;
} ref_t;

typedef struct doctor {
    store_t *s;
    val_t *out;
    mig_status_t st;
    ref_t *refs;
    size_t n, cap;
    int64_t run;                /* the run whose journal is walked */
    int64_t seq;                /* the record whose undo is read */
    bool undoable;
    int interrupted;
    /* A registry record's id for each registry the runs wrote (its DB once,
     * the first id seen), map DB -> [id, run]. */
    val_t *registries;
} doctor_t;

static void add_ref(doctor_t *d, const char *hex, size_t len)
{
    if (len != BLOB_HEX - 1)
        return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        ref_t *r = realloc(d->refs, cap * sizeof(*r));
        if (!r) {
            d->st = MIG_ENOMEM;
            return;
        }
        d->refs = r;
        d->cap = cap;
    }
    ref_t *r = &d->refs[d->n++];
    memset(r, 0, sizeof(*r));
    memcpy(r->hex, hex, BLOB_HEX);
    r->run = d->run;
    r->undoable = d->undoable;
}

/* A "blob" of the undo record of journal record D->seq. */
static void collect(void *data, const char *hex)
{
    doctor_t *d = data;
    size_t before = d->n;
    add_ref(d, hex, strlen(hex));
    if (d->n > before)
        d->refs[d->n - 1].seq = d->seq;
}

#define REGISTRY_PREFIX "registry:"

/* Notes the registries of the resources of a record (ids
 * "registry:DB#KIND/NAME"), each DB once. */
static void note_registries(doctor_t *d, const val_t *resources)
{
    const size_t plen = sizeof REGISTRY_PREFIX - 1;
    for (size_t i = 0; resources && i < val_len(resources); i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(resources, i), &len);
        const char *hash = len > plen ? strrchr(id, '#') : NULL;
        if (!hash || strncmp(id, REGISTRY_PREFIX, plen) != 0
            || val_map_get(d->registries, id + plen,
                           (size_t)(hash - id) - plen))
            continue;
        val_t *pair = val_list_new(2);
        if (!pair || val_list_push_take(pair, val_string(id, len)) != MIG_OK
            || val_list_push_take(pair, val_int(d->run)) != MIG_OK
            || val_map_set_take(d->registries, id + plen,
                                (size_t)(hash - id) - plen, pair) != MIG_OK)
            d->st = MIG_ENOMEM;
    }
}

static bool journal_rec(void *data, const store_journal_t *rec)
{
    doctor_t *d = data;
    note_registries(d, rec->resources);
    d->undoable = rec->state == STORE_JOURNAL_INTENT
                  || rec->state == STORE_JOURNAL_DONE
                  || rec->state == STORE_JOURNAL_FAILED
                  || rec->state == STORE_JOURNAL_UNDOING;
    d->seq = rec->seq;
    snapshot_value_blobs(rec->undo, collect, d);
    return d->st == MIG_OK;
}

/* A record of a drift baseline (docs/drift.md) names the object that
 * keeps its content: referenced, though no rollback needs it. */
static bool baseline_db(void *data, const char *db, int64_t records)
{
    (void)db;
    (void)records;
    return ((doctor_t *)data)->st == MIG_OK;
}

static bool baseline_rec(void *data, const char *db,
                         const store_baseline_t *rec)
{
    doctor_t *d = data;
    (void)db;
    d->undoable = false;
    add_ref(d, rec->digest, strlen(rec->digest));
    return d->st == MIG_OK;
}

/* An object a snapshot needs (docs/snapshots.md): referenced, though no
 * rollback does (`mig snapshot verify` checks them). */
static void snapshot_ref(void *data, const char *hex)
{
    doctor_t *d = data;
    d->run = 0;
    d->undoable = false;
    add_ref(d, hex, strlen(hex));
}

/* Adds the objects of every snapshot of the store, whose object store is
 * OBJECTS. A manifest that cannot be read adds nothing. */
static void snapshot_refs(doctor_t *d, const char *objects)
{
    snapshot_t *all = NULL;
    size_t n = 0;
    blobs_t *b = NULL;
    diag_list_t ignored;
    diag_list_init(&ignored);
    if (snapshot_list(d->s, &all, &n) == MIG_OK && n
        && blobs_open(objects, &ignored, &b) == MIG_OK)
        for (size_t i = 0; d->st == MIG_OK && i < n; i++)
            snapshot_objects(b, &all[i], &ignored, snapshot_ref, d);
    diag_list_free(&ignored);
    blobs_close(b);
    snapshots_free(all, n);
}

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(((const ref_t *)a)->hex, ((const ref_t *)b)->hex);
}

/* ---- the checks -------------------------------------------------------- */

typedef struct problems {
    int n;
    char first[512];
} problems_t;

/* One row of the integrity check: it may hold several problems, a line
 * each, under a "*** in database main ***" title that is not one. */
static bool note_problem(void *data, const char *row)
{
    problems_t *p = data;
    for (const char *line = row; *line;) {
        size_t len = strcspn(line, "\n");
        if (strncmp(line, "*** ", 4) != 0 && len && !p->n++)
            snprintf(p->first, sizeof p->first, "%.*s", (int)len, line);
        line += len + (line[len] == '\n');
    }
    return true;
}

static void check_store(doctor_t *d, const char *path)
{
    problems_t p = { 0 };
    store_integrity(d->s, note_problem, &p);
    if (!p.n)
        d->st = doctor_add(d->out, "store", false, NULL, "the state store "
                           "'%s' passed SQLite's integrity check", path);
    else
        d->st = doctor_add(d->out, "store", true, STORE_DAMAGED_HINT, "the "
                           "state store '%s' is damaged (%d problem%s): %s",
                           path, p.n, p.n == 1 ? "" : "s", p.first);
}

static void check_runs(doctor_t *d, store_run_t *runs, size_t n)
{
    for (size_t i = 0; d->st == MIG_OK && i < n; i++) {
        const store_run_t *r = &runs[i];
        if (store_run_liveness(d->s, r) != STORE_RUN_INTERRUPTED)
            continue;
        char fix[160];
        snprintf(fix, sizeof fix, "finish it with `mig resume %" PRId64 "`, "
                 "or undo it with `mig rollback %" PRId64 "`", r->id, r->id);
        d->interrupted++;
        d->st = doctor_add(d->out, "runs", true, fix, "run %" PRId64 " (%s) "
                           "was interrupted: its process (pid %" PRId64
                           " on %s) is gone", r->id, r->plan_name, r->pid,
                           r->host);
    }
    if (d->st == MIG_OK && !d->interrupted)
        d->st = doctor_add(d->out, "runs", false, NULL, "%zu run%s, none "
                           "interrupted", n, n == 1 ? "" : "s");
}

static bool lock_row(void *data, const store_lock_t *l, bool alive)
{
    doctor_t *d = data;
    char fix[4400];
    snprintf(fix, sizeof fix, "`mig resume %" PRId64 "` or `mig rollback %"
             PRId64 "` takes it back; another run takes it over with "
             "--break-lock once it has expired", l->run, l->run);
    d->st = doctor_add(d->out, "locks", !alive, alive ? NULL : fix,
                       "the lock on %s is held by run %" PRId64 " (pid %"
                       PRId64 " on %s), %s", l->resource, l->run, l->pid,
                       l->host ? l->host : "?", alive ? "which is running"
                       : "whose process is gone or whose lock expired");
    return d->st == MIG_OK;
}

static void check_locks(doctor_t *d)
{
    size_t before = val_len(d->out);
    store_lock_each(d->s, lock_row, d);
    if (d->st == MIG_OK && val_len(d->out) == before)
        d->st = doctor_add(d->out, "locks", false, NULL, "no locks held");
}

/* Marks every reference to HEX found, of SIZE bytes; false when none. */
static bool mark(doctor_t *d, const char *hex, int64_t size)
{
    ref_t key;
    snprintf(key.hex, sizeof key.hex, "%s", hex);
    ref_t *r = d->n ? bsearch(&key, d->refs, d->n, sizeof(*r), cmp_ref)
                    : NULL;
    if (!r)
        return false;
    while (r > d->refs && strcmp(r[-1].hex, hex) == 0)
        r--;
    for (; r < d->refs + d->n && strcmp(r->hex, hex) == 0; r++)
        r->found = true, r->size = size;
    return true;
}

typedef struct scan {
    int64_t objects, orphans, orphan_bytes, damaged;
} scan_t;

/* One file of the object store: DIR/FAN/NAME. */
static void scan_file(doctor_t *d, scan_t *sc, const char *path,
                      const char *fan, const char *name)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    char hex[BLOB_HEX], got[BLOB_HEX];
    snprintf(hex, sizeof hex, "%s%s", fan, name);
    sc->objects++;
    if (!fan[0] || strlen(hex) != BLOB_HEX - 1 || !mark(d, hex, st.st_size)) {
        sc->orphans++;
        sc->orphan_bytes += st.st_size;
        return;
    }
    if (blobs_hash_file(path, got) == MIG_OK && strcmp(got, hex) == 0)
        return;
    ref_t key, *r;
    memcpy(key.hex, hex, BLOB_HEX);
    r = bsearch(&key, d->refs, d->n, sizeof(*r), cmp_ref);
    char fix[4400];
    snprintf(fix, sizeof fix, "restore %s from a backup of the object store: "
             "undoing run %" PRId64 "'s journal record %" PRId64 " fails "
             "without it", path, r->run, r->seq);
    sc->damaged++;
    if (!r->run) {      /* only a snapshot's */
        d->st = doctor_add(d->out, "objects", true, "`mig snapshot verify` "
                           "names the snapshots that need it; they cannot "
                           "be restored without it", "the object %.12s... "
                           "(held by a snapshot) is damaged: its bytes do "
                           "not match its name", hex);
        return;
    }
    d->st = doctor_add(d->out, "objects", true, fix, "the object %.12s... "
                       "(the before-image of run %" PRId64 "'s journal "
                       "record %" PRId64 ") is damaged: its bytes do not "
                       "match its name", hex, r->run, r->seq);
}

/* Walks DIR (the object store): DIR/ab/cdef... and DIR/tmp-*. */
static void scan_objects(doctor_t *d, const char *dir, scan_t *sc)
{
    DIR *top = opendir(dir);
    struct dirent *e;
    while (top && d->st == MIG_OK && (e = readdir(top))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        DIR *in = strlen(e->d_name) == 2 ? opendir(sub) : NULL;
        if (!in) {
            scan_file(d, sc, sub, "", e->d_name);   /* tmp-*: unfinished */
            continue;
        }
        struct dirent *f;
        while (d->st == MIG_OK && (f = readdir(in))) {
            char p[4096 + 260];
            if (f->d_name[0] == '.')
                continue;
            snprintf(p, sizeof p, "%s/%s", sub, f->d_name);
            scan_file(d, sc, p, e->d_name, f->d_name);
        }
        closedir(in);
    }
    if (top)
        closedir(top);
}

static void check_objects(doctor_t *d, const char *dir)
{
    scan_t sc = { 0 };
    scan_objects(d, dir, &sc);
    int missing = 0;
    for (size_t i = 0; d->st == MIG_OK && i < d->n; i++) {
        const ref_t *r = &d->refs[i];
        if (r->found || !r->undoable)
            continue;
        missing++;
        char fix[4400];
        snprintf(fix, sizeof fix, "restore %s/%.2s/%s from a backup of the "
                 "object store: undoing run %" PRId64 "'s journal record %"
                 PRId64 " fails without it", dir, r->hex, r->hex + 2, r->run,
                 r->seq);
        d->st = doctor_add(d->out, "objects", true, fix, "the object %.12s... "
                           "(the before-image of run %" PRId64 "'s journal "
                           "record %" PRId64 ") is missing", r->hex, r->run,
                           r->seq);
    }
    if (d->st == MIG_OK && sc.orphans)
        d->st = doctor_add(d->out, "objects", true, "no journal record or "
                           "snapshot needs them: `mig snapshot prune` "
                           "removes them (safe while a run is in progress: "
                           "docs/snapshots.md)", "%" PRId64
                           " object%s in %s (%" PRId64
                           " bytes) %s not referenced by any journal record "
                           "or snapshot",
                           sc.orphans, sc.orphans == 1 ? "" : "s", dir,
                           sc.orphan_bytes, sc.orphans == 1 ? "is" : "are");
    if (d->st == MIG_OK && !missing && !sc.orphans && !sc.damaged)
        d->st = doctor_add(d->out, "objects", false, NULL, "%" PRId64
                           " object%s in %s, each referenced and intact",
                           sc.objects, sc.objects == 1 ? "" : "s", dir);
}

/* The free bytes where the files of run R are (its plan's folder, else
 * the state store's), into *FREE; the folder into WHERE. */
static bool free_space(const store_run_t *r, const char *state_path,
                       char *where, size_t cap, int64_t *free_bytes)
{
    const char *p = r && r->plan_path ? r->plan_path : state_path;
    const char *slash = strrchr(p, '/');
    snprintf(where, cap, "%.*s", slash ? (int)(slash - p) : 1,
             slash ? p : ".");
#ifdef MIG_FAULT_HOOKS
    /* The tests' small disk. */
    const char *fake = getenv("MIG_DOCTOR_FREE_BYTES");
    if (fake) {
        *free_bytes = strtoll(fake, NULL, 10);
        return true;
    }
#endif
    struct statvfs vfs;
    if (statvfs(where, &vfs) != 0 && statvfs(state_path, &vfs) != 0)
        return false;
    *free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
    return true;
}

static void check_disk(doctor_t *d, store_run_t *runs, size_t n,
                       const char *state_path)
{
    int64_t need = 0;
    const store_run_t *worst = NULL;
    for (size_t i = 0; i < n; i++) {
        int64_t sum = 0;
        for (size_t k = 0; k < d->n; k++)
            if (d->refs[k].run == runs[i].id && d->refs[k].undoable)
                sum += d->refs[k].size;
        if (sum > need)
            need = sum, worst = &runs[i];
    }
    char where[4096];
    int64_t avail = 0;
    if (!free_space(worst, state_path, where, sizeof where, &avail)) {
        d->st = doctor_add(d->out, "disk", true, "check that the folder "
                           "exists and can be read", "cannot tell the free "
                           "space of %s: %s", where, strerror(errno));
        return;
    }
    if (!worst) {
        d->st = doctor_add(d->out, "disk", false, NULL, "%" PRId64 " bytes "
                           "free in %s; no rollback has before-images to "
                           "write back", avail, where);
        return;
    }
    char fix[4400];
    snprintf(fix, sizeof fix, "free at least %" PRId64 " byte%s in %s "
             "before rolling back run %" PRId64, need - avail,
             need - avail == 1 ? "" : "s", where, worst->id);
    d->st = doctor_add(d->out, "disk", avail < need, avail < need ? fix : NULL,
                       "%" PRId64 " bytes free in %s; the largest rollback "
                       "(run %" PRId64 ") writes back up to %" PRId64
                       " bytes", avail, where, worst->id, need);
}

/* The folder of run R's plan, where the paths it wrote are taken from,
 * in a new string. */
static char *plan_dir(const store_run_t *r)
{
    const char *p = r && r->plan_path ? r->plan_path : "";
    const char *slash = strrchr(p, '/');
    return strndup(p, slash ? (size_t)(slash - p) : 0);
}

/* Each registry the runs wrote: still there, and one of its records can
 * be read (the registry's own code opens it, as a rollback would). */
static void check_registries(doctor_t *d, store_run_t *runs, size_t n)
{
    for (size_t i = 0; d->st == MIG_OK && i < val_len(d->registries); i++) {
        const char *db = val_get_str(val_map_key(d->registries, i), NULL);
        const val_t *pair = val_map_value(d->registries, i);
        const char *id = val_get_str(val_list_get(pair, 0), NULL);
        int64_t run = val_get_int(val_list_get(pair, 1));
        const store_run_t *r = NULL;
        for (size_t k = 0; k < n && !r; k++)
            r = runs[k].id == run ? &runs[k] : NULL;
        char *dir = plan_dir(r);
        action_ctx_t *c = dir ? actx_new(ACTX_PREVIEW, dir) : NULL;
        if (!c) {
            free(dir);
            d->st = MIG_ENOMEM;
            return;
        }
        actx_begin(c, "doctor");
        struct stat sb;
        strbuf_t b;
        strbuf_init(&b);
        char fix[4400];
        if (actx_stat(c, db, &sb) != 0) {
            snprintf(fix, sizeof fix, "put it back from a backup (in %s): "
                     "`mig rollback %" PRId64 "` cannot undo or verify its "
                     "records without it", dir, run);
            d->st = doctor_add(d->out, "registry", true, fix, "the registry "
                               "%s that run %" PRId64 " wrote is gone", db,
                               run);
        } else if (resource_state(c, id, &b) != MIG_OK) {
            snprintf(fix, sizeof fix, "check that %s (in %s) is the "
                     "registry the run wrote and can be read; put it back "
                     "from a backup if it is damaged", db, dir);
            d->st = doctor_add(d->out, "registry", true, fix, "the registry "
                               "%s that run %" PRId64 " wrote cannot be "
                               "opened: %s", db, run, actx_error_message(c));
        } else {
            d->st = doctor_add(d->out, "registry", false, NULL, "the "
                               "registry %s that run %" PRId64 " wrote "
                               "opens", db, run);
        }
        strbuf_free(&b);
        actx_free(c);
        free(dir);
    }
}

mig_status_t doctor_check(store_t *s, const char *state_path,
                          val_t *findings)
{
    doctor_t d = { .s = s, .out = findings, .registries = val_map_new(4) };
    if (!d.registries)
        return MIG_ENOMEM;
    check_store(&d, state_path);
    store_run_t *runs = NULL;
    size_t n = 0;
    if (d.st == MIG_OK && store_run_list(s, 0, &runs, &n) != MIG_OK)
        d.st = doctor_add(findings, "runs", true, STORE_DAMAGED_HINT, "the "
                          "runs of '%s' cannot be read", state_path);
    if (d.st == MIG_OK)
        check_runs(&d, runs, n);
    if (d.st == MIG_OK)
        check_locks(&d);
    for (size_t i = 0; d.st == MIG_OK && i < n; i++) {
        d.run = runs[i].id;
        store_journal_each(s, d.run, 0, STORE_EACH_NO_ARGS
                           | STORE_EACH_NO_AFTER, journal_rec, &d);
        if (d.st == MIG_OK)
            store_baseline_each(s, d.run, baseline_db, baseline_rec, &d);
    }
    char *objects = blobs_dir_of(state_path);
    if (d.st == MIG_OK && !objects)
        d.st = MIG_ENOMEM;
    if (d.st == MIG_OK)
        snapshot_refs(&d, objects);
    if (d.n)    /* no array at all when no record keeps a before-image */
        qsort(d.refs, d.n, sizeof(*d.refs), cmp_ref);
    if (d.st == MIG_OK)
        check_objects(&d, objects);
    if (d.st == MIG_OK)
        check_disk(&d, runs, n, state_path);
    if (d.st == MIG_OK)
        check_registries(&d, runs, n);
    val_unref(d.registries);
    free(objects);
    free(d.refs);
    store_runs_free(runs, n);
    return d.st;
}
