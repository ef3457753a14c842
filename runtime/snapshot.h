/* snapshot.h: snapshots (docs/snapshots.md): full copies of every file
 * under a plan's write roots, kept in the object store beside the state
 * store and deduplicated with the before-images, each described by a
 * manifest (itself an object) and a row of the state store. Taken by
 * `mig snapshot create` or a plan's `snapshot NAME`; verified, restored
 * (as a run of its own, which `mig rollback` undoes) and pruned by age
 * and count. The functions here are what the CLI and the HTTP API call;
 * nothing here prints. */
#ifndef MIG_SNAPSHOT_H
#define MIG_SNAPSHOT_H

#include "store.h"

/* A snapshot as read from the store (a copy: snapshot_clear). */
typedef struct snapshot {
    int64_t id;
    char *name, *note;          /* NOTE NULL for none */
    char *plan_path, *plan_name;
    int64_t run;                /* the run whose `snapshot` took it, or 0 */
    bool complete;              /* false: being taken, or its taker died */
    char *manifest;             /* the manifest's object, NULL until complete */
    char *digest;               /* over the states of every path it holds */
    int64_t entries, bytes;     /* paths held, and the bytes of their files */
    char *host;
    int64_t pid, created_ms;
} snapshot_t;

void snapshot_clear(snapshot_t *snap);
void snapshots_free(snapshot_t *snaps, size_t n);

/* What a snapshot holds: every file, directory and symbolic link under
 * the write roots ROOTS (resolved, absolute) of the plan PLAN_PATH
 * (absolute; its folder BASE_DIR names the paths: "a.txt", "../out/b"),
 * except the folder of the state store STATE_PATH (it holds the
 * snapshots). A root inside another is taken with it. */
typedef struct snapshot_spec {
    const char *name;           /* NULL: "snapshot-ID" */
    const char *note;           /* or NULL */
    const char *plan_path, *plan_name;
    const char *base_dir;       /* the plan's folder */
    const write_roots_t *roots;
    const char *state_path;
    int64_t run;                /* the run taking it (its `snapshot`), or 0 */
} snapshot_spec_t;

/* Takes the snapshot SPEC says into the store S and the object store B
 * (both open): records it 'creating' and commits, keeps every path's
 * bytes, keeps the manifest, marks it complete and commits. *OUT (may be
 * NULL) gets it. The caller holds the write roots (a run's lock, or
 * snapshot_create's). Failures go to DIAGS (MIG_EIO: a file or the store
 * could not be read or written; MIG_EINVALID: a path that cannot be
 * kept, such as a socket); the row stays 'creating' and prune forgets
 * it. */
mig_status_t snapshot_take(store_t *s, blobs_t *b, const snapshot_spec_t *spec,
                           diag_list_t *diags, snapshot_t *out);
/* `mig snapshot create`: opens (creating) the state store at
 * SPEC->state_path and its object store, takes the lock of the write
 * roots (refused while a run holds them: MIG_EINVALID, said in DIAGS),
 * then snapshot_take. */
mig_status_t snapshot_create(const snapshot_spec_t *spec, diag_list_t *diags,
                             snapshot_t *out);

/* Every snapshot of S, oldest first: *OUT an array of *N (free with
 * snapshots_free). */
mig_status_t snapshot_list(store_t *s, snapshot_t **out, size_t *n);
/* The snapshot REF names (its id, or its name: the newest of that name)
 * into *OUT; MIG_EINVALID ("no snapshot REF", in DIAGS) when none does
 * (*OUT zeroed), or when it is not complete (said; *OUT holds it, its id
 * not 0). The caller clears *OUT either way. */
mig_status_t snapshot_find(store_t *s, const char *ref, snapshot_t *out,
                           diag_list_t *diags);
/* The manifest of SNAP (complete) from the object store B, read and
 * checked (its bytes hash to its name): {format, plan, base, roots:
 * [...], skip: [...], images: [...]} (docs/snapshots.md). MIG_EIO (in
 * DIAGS) when missing, damaged or not a manifest. */
mig_status_t snapshot_manifest(blobs_t *b, const snapshot_t *snap,
                               diag_list_t *diags, val_t **out);
/* The state of every path in the images IMAGES (a list of before-image
 * values, runtime.h actx_keep) added to the map STATES: what the
 * snapshot's digest is computed over (resource_digest). */
mig_status_t snapshot_states(const val_t *images, val_t *states);

/* `mig snapshot verify`: re-hashes every object SNAP names and its
 * manifest, and recomputes its digest. *REPORT gets {snapshot, objects,
 * bytes, digest: matched?, problems: [{path, object, problem: "missing"
 * | "damaged"}...]} (path "" for the manifest). MIG_OK whatever it
 * found; MIG_ENOMEM. */
mig_status_t snapshot_verify(blobs_t *b, const snapshot_t *snap,
                             val_t **report);

/* ---- restore (snapshot_restore.c) ------------------------------------- */

typedef struct snapshot_restore_options {
    const char *state_path;
    const char *ref;            /* the snapshot: id or name */
    bool dry_run;               /* say what would change; change nothing */
    bool break_lock;
    run_event_fn on_event;      /* NULL for none; gets DATA */
    void *data;
} snapshot_restore_options_t;

/* `mig snapshot restore`: makes every write root of the snapshot what it
 * holds, as a run of its own (*RUN_ID): journaled before anything
 * changes, each root's before-image kept, so that `mig rollback RUN`
 * puts back what was there; then the digest of what is there now is
 * compared with the snapshot's. *REPORT gets {snapshot, run, changes:
 * [{change, path}...], digest, expected, matched} (dry run: {snapshot,
 * changes} and no run). *RESULT: RUN_SUCCEEDED (matched), RUN_FAILED
 * (the digest differs, or a change failed: the run is left for `mig
 * rollback`), RUN_REFUSED (locked, or the snapshot is damaged: nothing
 * changed). Returns like rollback_run. */
mig_status_t snapshot_restore(const snapshot_restore_options_t *o,
                              diag_list_t *diags, val_t **report,
                              run_result_t *result, int64_t *run_id);

/* ---- retention (snapshot_prune.c) ------------------------------------- */

typedef struct snapshot_prune_options {
    const char *state_path;
    int64_t older_than_ms;      /* -1: no bound by age */
    int64_t keep_last;          /* the newest this many stay; -1: none */
    bool dry_run;
} snapshot_prune_options_t;

/* `mig snapshot prune`: forgets every complete snapshot older than
 * O->older_than_ms that is not among the O->keep_last newest (and every
 * one whose taker died before it was complete), then removes each object
 * nothing references any more: not a snapshot kept, not a journal record
 * (a before-image, whatever the record's state), not a checkpoint, not a
 * drift baseline, and not written since the oldest run still unfinished
 * (or snapshot being taken) began. Safe while runs go on in other
 * processes (docs/snapshots.md, "Pruning"). *REPORT gets {snapshots:
 * [names], objects, bytes, kept} (with dry_run: what would go). MIG_OK,
 * MIG_EIO (the store or the object store), MIG_ENOMEM. */
mig_status_t snapshot_prune(const snapshot_prune_options_t *o,
                            diag_list_t *diags, val_t **report);

/* Calls FN with the name of every object snapshot SNAP needs: its
 * manifest and the bytes of every file it holds (for mig doctor and
 * prune). MIG_OK, or the manifest's failure (in DIAGS). */
mig_status_t snapshot_objects(blobs_t *b, const snapshot_t *snap,
                              diag_list_t *diags,
                              void (*fn)(void *data, const char *hex),
                              void *data);

/* Calls FN with every string under a key "blob" of V, at any depth (a
 * before-image's objects: a folder's image holds its entries'). */
void snapshot_value_blobs(const val_t *v,
                          void (*fn)(void *data, const char *hex),
                          void *data);

#endif
