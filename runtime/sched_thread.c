/* sched_thread.c: the call of a threaded row (action_t, `threaded`: pure,
 * reading only its arguments and the files they name) on a worker thread
 * of libuv's pool, while the loop thread goes on with the state store, the
 * registry and the other items' steps: the run's second core. Values'
 * reference counts are not atomic, so the two threads share no value: the
 * worker gets a deep copy of the arguments, made here on the loop thread,
 * and the call's context, which nothing else touches until the call has
 * ended; its result comes back whole, the copy released by the worker. What
 * the action keeps for later calls it hands to the loop thread
 * (actx_on_loop). docs/runtime.md, "Threads". */
#include <stdlib.h>

#include "sched_int.h"

/* One call on a worker: the request, what the worker reads, what it
 * gives. */
typedef struct offload {
    uv_work_t req;
    struct step_call *c;
    val_t *args;                /* the worker's copy of c->args */
    val_t *res;
    mig_status_t st;
} offload_t;

/* On the worker: the call, on the copy, which is released here: the
 * result's own references keep what it shares with the copy, and the
 * loop sees neither before the handover (libuv's queue orders it). */
static void work(uv_work_t *req)
{
    offload_t *o = req->data;
    o->st = o->c->row->run(o->c->ctx, o->args, &o->res);
    val_unref(o->args);
    o->args = NULL;
}

/* Back on the loop thread: what the action kept for the loop done, the
 * outcome recorded as any call's. */
static void worked(uv_work_t *req, int status)
{
    offload_t *o = req->data;
    struct step_call *c = o->c;
    mig_status_t st = o->st;
    val_t *res = o->res;
    (void)status;               /* never cancelled: uv_cancel is not used */
    free(o);
    actx_set_off_loop(c->ctx, false);
    sched_call_finished(c->ctx, st, res, c);
}

bool sched_offload(struct step_call *c)
{
    run_t *r = c->t->run;
    if (!c->row->threaded || !r->opts->threads || c->timeout_ms > 0)
        return false;
    offload_t *o = calloc(1, sizeof(*o));
    val_t *args = o ? val_copy_deep(c->args) : NULL;
    if (!args) {
        free(o);                /* a secret, or no memory: run here */
        return false;
    }
    *o = (offload_t){ .c = c, .args = args };
    o->req.data = o;
    actx_set_off_loop(c->ctx, true);
    if (uv_queue_work(r->loop, &o->req, work, worked) != 0) {
        actx_set_off_loop(c->ctx, false);
        val_unref(args);
        free(o);
        return false;
    }
    c->t->waiting = true;
    return true;
}
