/* rollback_int.h: what a rollback's two passes share: rollback.c (pass
 * 1, the reports, rollback_apply) and rollback_undo.c (pass 2, the undo
 * walk). Nothing else includes it: the rest of the runtime sees a
 * rollback through sched_int.h (rollback_apply) and runtime.h. */
#ifndef MIG_ROLLBACK_INT_H
#define MIG_ROLLBACK_INT_H

#include "sched_int.h"

/* What the passes over the journal share. */
typedef struct rb {
    const rollback_env_t *e;
    actx_host_t host;
    val_t *list;                /* records undone (or that would be) */
    val_t *want;                /* path -> state before its first touch */
    val_t *want_seq;            /* path -> the record WANT's state is from */
    int64_t oldest_undeclared;  /* the oldest step that declares nothing */
    char *stop_node, *stop_item, *stop_action;  /* pass 1: irreversible */
    int64_t lo, hi;             /* records undone, not yet marked */
    action_ctx_t *ctxs[2];      /* undo_one's contexts */
    actx_remover_t *rm;         /* or NULL: removals made at once */
    val_t *done;                /* descriptions of LO..HI, to report */
    /* Pass 1: id -> the after-image the newest pending record that
     * touches it recorded (null: none), what the resource must still be
     * before it is undone; the pending steps whose effect cannot be
     * verified (descriptions with why); id -> node for the resources
     * of steps a forced rollback goes past. */
    val_t *last, *unverified, *forced;
    bool undeclared;            /* pass 1 met a step that declares nothing */
    /* Pass 1: the records a crash left in flight (sched_in_flight_keep),
     * newest first, settled before anything is undone. */
    settle_seqs_t in_flight;
    size_t n_pending, n_undone;
    int interrupted;            /* the stop signal that ended pass 2, or 0 */
    bool failed, oom;
    bool rm_failed;             /* a queued removal failed (reported) */
} rb_t;

/* ---- rollback.c ------------------------------------------------------------- */

/* Reports an event to the caller; KEEP also stores it (the events about
 * single records are not stored: the journal's states say the same, and
 * a rollback of 100,000 records should not write 100,000 events). Takes
 * D. */
void rollback_event(const rollback_env_t *e, const char *kind,
                    const char *node, const char *item, val_t *d, bool keep);
/* The short description of record REC for reports:
 * {seq, node, item, action, kind}. NULL when out of memory. */
val_t *rollback_describe(const store_journal_t *rec);

/* ---- rollback_undo.c -------------------------------------------------------- */

/* Waits for the removals queued for the records B->lo..B->hi, then marks
 * undone and reports those whose undo is complete: all, unless a removal
 * failed; then those newer than its record (the removals queued after it
 * were not made), and the failure is reported as that record's. */
bool rollback_mark(rb_t *b);
/* Pass 2 (a store_journal_each callback, DATA an rb_t): undoes each
 * pending record, newest first, and gathers the state every resource
 * had before the run first touched it. */
bool rollback_undo_each(void *data, const store_journal_t *rec);

#endif
