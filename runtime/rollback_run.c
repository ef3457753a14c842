/* rollback_run.c: `mig rollback` (runtime.h, rollback_run): opens the
 * run's state store, takes the run's lock and the locks of its write
 * roots, catches the stop signals, then lets rollback_apply (rollback.c)
 * undo and verify, and records how the run ended. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sched_int.h"

/* ---- mig rollback ------------------------------------------------------------------ */

/* Locks the write roots RUN recorded (options.roots; a run recorded
 * before roots has none to lock) as roots_lock_take does, into *OUT. */
static mig_status_t lock_roots(const store_run_t *run, diag_list_t *diags,
                               roots_lock_t **out)
{
    *out = NULL;
    const val_t *l = run->options ? val_map_get(run->options, "roots", 5)
                                  : NULL;
    if (!l || val_type(l) != VAL_LIST)
        return MIG_OK;
    return sched_lock_roots(l, diags, out);
}

mig_status_t rollback_run(const action_registry_t *r, const char *base_dir,
                          const rollback_options_t *o, diag_list_t *diags,
                          val_t **report, run_result_t *result)
{
    *report = NULL;
    *result = RUN_REFUSED;
    store_t *s = NULL;
    blobs_t *blobs = NULL;
    store_run_t run = { 0 };
    store_lock_t holder = { 0 };
    char *objects = NULL;
    char *resource = NULL;
    int64_t fence = 0;
    roots_lock_t *roots_lock = NULL;
    mig_status_t st = store_open(o->state_path, 0, diags, &s);
    if (st != MIG_OK) {
        if (st != MIG_ENOMEM)
            st = MIG_EIO;       /* the state store cannot be used */
        goto out;
    }
    if ((st = store_run_get(s, o->run, &run)) != MIG_OK)
        goto out;
    store_run_state_t live = store_run_liveness(s, &run);
    if (live == STORE_RUN_RUNNING) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "run %" PRId64 " is still "
                 "running (pid %" PRId64 " on %s): wait for it to end",
                 run.id, run.pid, run.host ? run.host : "?");
        goto out;
    }
    objects = blobs_dir_of(o->state_path);
    if (!objects) {
        st = MIG_ENOMEM;
        goto out;
    }
    if ((st = blobs_open(objects, diags, &blobs)) != MIG_OK)
        goto out;
    if (!o->dry_run) {
        /* The lock of the workspace: the run's own (taken again), or a
         * free one. */
        char host[256] = "";
        gethostname(host, sizeof host - 1);
        resource = sched_lock_name(o->state_path);
        st = resource ? MIG_OK : MIG_ENOMEM;
        if (st == MIG_OK)
            st = store_lock_acquire(s, resource, run.id, getpid(), host, 30000,
                                    o->break_lock, &holder, &fence);
        if (st == MIG_EINVALID && holder.resource) {
            sched_refuse_locked(diags, &holder, run.id);
            st = MIG_OK;
            goto out;
        }
        if (st != MIG_OK)
            goto out;
        if (!sched_run_unchanged(s, &run, diags)) {
            /* Another process acted on the run since it was read. */
            store_lock_release(s, resource, fence);
            goto out;
        }
        /* The write roots the run recorded, locked as the run held them. */
        st = lock_roots(&run, diags, &roots_lock);
        if (st == MIG_EINVALID) {
            store_lock_release(s, resource, fence);
            fence = 0;
            st = MIG_OK;
            goto out;
        }
        if (st != MIG_OK)
            goto out;
        store_fence(s, resource, fence);
    }
    rollback_env_t e = { .store = s, .blobs = blobs, .reg = r,
                         .base_dir = base_dir, .run = run.id,
                         .force = o->force, .dry_run = o->dry_run,
                         .list = o->list,
                         .on_event = o->on_event, .data = o->data,
                         .diags = diags, .answers = o->settle };
    if (!o->dry_run)
        sched_catch_stop_signals();
    st = rollback_apply(&e, o->to, report, result);
    if (!o->dry_run)
        sched_release_stop_signals();
    if (!o->dry_run && st == MIG_OK && *result != RUN_REFUSED
        && *result != RUN_INTERRUPTED)
        st = store_run_finish(s, run.id, *result == RUN_ROLLED_BACK
                              ? STORE_RUN_ROLLED_BACK
                              : *result == RUN_UNVERIFIED
                              ? STORE_RUN_ROLLED_BACK_UNVERIFIED
                              : STORE_RUN_ROLLBACK_FAILED, NULL);
    if (!o->dry_run && fence)
        store_lock_release(s, resource, fence);
    if (st == MIG_OK && store_flush(s) != MIG_OK)
        st = MIG_EINVALID;
out:
    if (st == MIG_EINVALID && s && store_failure(s)
        && store_failure(s) != MIG_ENOMEM)
        st = MIG_EIO;           /* the store failed on the way */
    if (s && store_diags(s)->len)
        diag_list_move(diags, store_diags(s));
    store_run_clear(&run);
    store_lock_clear(&holder);
    store_close(s);
    blobs_close(blobs);
    roots_lock_free(roots_lock);
    free(objects);
    free(resource);
    return st;
}
