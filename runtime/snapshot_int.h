/* snapshot_int.h: what snapshot.c (taking, reading, verifying),
 * snapshot_restore.c and snapshot_prune.c share. Not part of the
 * runtime's public face. */
#ifndef MIG_SNAPSHOT_INT_H
#define MIG_SNAPSHOT_INT_H

#include "sched_int.h"
#include "snapshot.h"

/* The manifest's "format": a later layout gets a new one. */
#define SNAP_FORMAT "mig-snapshot-1"

/* The string KEY of the map M, or NULL. */
const char *snap_str(const val_t *m, const char *key);
/* A copy of the row IN into *OUT: MIG_OK or MIG_ENOMEM. */
mig_status_t snap_copy(const store_snapshot_t *in, snapshot_t *out);
/* Calls FN with the path and object of every file the manifest holds. */
void snap_each_blob(const val_t *manifest,
                    void (*fn)(void *data, const char *path, const char *hex),
                    void *data);
/* ABS as the paths of a snapshot name it: "." for BASE itself, relative
 * below BASE, else absolute. A new string, NULL when out of memory. */
char *snap_rel(const char *base, const char *abs);
/* PATH (with PARENT: the folder it is in) resolved through symbolic
 * links, absolute; a new string, NULL (errno set) when it cannot be. */
char *snap_real_dir(const char *path, bool parent);
/* {PATH: true} for the folder of STATE_PATH as snap_rel names it from
 * BASE: what a snapshot leaves out. */
mig_status_t snap_skip(const char *base, const char *state_path, val_t **out);
/* A context that keeps and restores under BASE with the objects of B,
 * leaving SKIP alone (borrowed: it must outlive the context). */
mig_status_t snap_context(blobs_t *b, const char *base, const val_t *skip,
                          action_ctx_t **out);
/* The clock snapshots are stamped with (the store's). */
#define snap_now_ms store_now_ms

#endif
