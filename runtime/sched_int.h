/* sched_int.h: what the scheduler's files share (sched.c: tasks, flow,
 * errors and handlers; sched_step.c: steps and checkpoints; sched_call.c:
 * a step's action called; run.c: the run around them; run_record.c: its
 * record; rollback.c). Not part of the runtime's public face. */
#ifndef MIG_SCHED_INT_H
#define MIG_SCHED_INT_H

#include <uv.h>

#include "store.h"

typedef struct run run_t;
typedef struct task task_t;

/* A classed error on its way out: what raised it and where. */
typedef struct sched_err {
    char *cls;
    char *message;
    uint32_t node;              /* the node that raised it */
    char *item;
    uint32_t attempt;
    val_t *input;               /* the failed step's arguments, or NULL */
    val_t *detail;              /* what the action said (actx_error_detail) */
    char *cause;                /* "while handling ...": an earlier error */
    int64_t retry_after_ms;     /* the call's suggested wait, or -1 */
    bool final;                 /* no other handler is asked */
    bool decided;               /* the plan's `fail`: never tolerated */
} sched_err_t;

void sched_err_clear(sched_err_t *e);

/* How a task ended. */
typedef enum task_end {
    TASK_OK,
    TASK_SKIPPED,       /* a skip ended the item */
    TASK_FAILED,        /* ERR says why */
} task_end_t;

/* What a task is running. */
typedef enum task_kind {
    TASK_STAGE,         /* a stage body */
    TASK_ITEM,          /* one item of a foreach */
    TASK_ATTEMPT,       /* one attempt of a retry block */
    TASK_HOOK,          /* a hook body */
    TASK_HANDLER,       /* a recover block */
} task_kind_t;

/* A block being run: the nodes from FIRST along the flow until STOP, in
 * ENV, for one item. A task waits (for an action, the journal, a timer, or
 * child tasks) by returning from task_go with WAITING set, and is resumed
 * by whoever it waited for calling task_go again. */
struct task {
    run_t *run;
    task_t *parent;
    task_kind_t kind;
    uint32_t scope;             /* the scope node whose block this is */
    uint32_t node;              /* the node to run next */
    uint32_t stop;
    eval_env_t *env;            /* the scope of the block running */
    /* The task's own scope, where its steps are bound: ENV, or below the
     * scopes of the if blocks being run (task_go opens one at an if's
     * branch and ends it at its join). */
    eval_env_t *base_env;
    char *item;                 /* "" outside a foreach */
    size_t index;               /* TASK_ITEM: its place in the loop's list */
    uint32_t attempt;           /* of the innermost retry (1 outside) */
    bool raw;                   /* its errors are not handled inside it: a
                                 * default retry's attempt */
    int64_t deadline_ms;        /* when a retry attempt's time ends, or 0 */
    bool waiting;
    bool running;               /* inside task_go */
    bool done, ended;           /* ended: ON_END was called */
    task_end_t end;
    sched_err_t err;
    char *skip_reason;
    void (*on_end)(task_t *t);  /* called once when the task ends */
    void *owner;                /* what ON_END needs (a loop, a retry) */
    /* A step in progress (sched_step.c). */
    struct step_call *call;
    /* The retry decision of a handler: run the failed node again. */
    uint32_t redo_node;
    /* "node\titem" -> the arguments a handler's retry gave the step
     * (sched_override): they stay for the rest of the task. */
    val_t *overrides;
    uint32_t recoveries;        /* handler decisions taken for this item */
    uint32_t redos;             /* `retry` decisions for the step redone */
    uint32_t handler_scope;     /* the scope of the handler running */
    /* A recover block's decision (TASK_HANDLER). */
    ast_decision_kind_t decision;
    val_t *decision_value;
    char *decision_target;
};

/* A run in progress. */
struct run {
    const graph_t *g;
    src_t *src;
    const action_registry_t *reg;
    store_t *store;
    blobs_t *blobs;
    uv_loop_t *loop;
    actx_host_t host;
    const run_options_t *opts;
    int64_t id;
    const char *base_dir;
    const char *state_path;     /* the state store's file */
    eval_env_t *stages_env;     /* stage name -> map of its step results */
    eval_env_t *plan_env;       /* parameters and plan-level lets */
    val_t *stage_results;       /* the running stage's map */
    val_t *done;                /* "node\titem" -> step record (resume) */
    val_t *managed;             /* path -> true: every resource touched */
    val_t *consumed;            /* records of DONE already used */
    /* Steps whose intents wait for the journal's commit. */
    task_t **flush_wait;
    size_t n_flush_wait, cap_flush_wait;
    uv_idle_t flusher;
    uv_timer_t tick;            /* periodic commit and lock heartbeat */
    int64_t last_heartbeat;
    uint64_t seed;              /* the run's seed (draw.c: its draws) */
    task_t *evaluating;         /* whose expression is being evaluated */
    bool stopping;              /* a failure: start nothing new */
    bool fatal;                 /* the store failed or memory ran out */
    int interrupted;            /* the signal that stops the run, or 0:
                                   start nothing new, recover nothing,
                                   roll nothing back (run.c) */
    uv_async_t wake;            /* the signal handler wakes the loop */
    bool rolled_back, rollback_failed, rollback_unverified;
    bool failed;                /* the plan failed */
    char *error;                /* why, for the run's record */
    char *expr_class;           /* the class of an action that failed in
                                 * the expression being evaluated */
    /* The node and item whose expression sched_eval is evaluating
     * (GRAPH_NONE: none), for the log lines of the actions it calls. */
    uint32_t eval_node;
    const char *eval_item;
    char *rollback_to;          /* a decision's target, done at stage end */
    uint32_t in_flight;         /* tasks alive */
    diag_list_t *diags;
    struct breakers *breakers;  /* the plan's circuit breakers, or NULL */
    struct alerts *alerts;      /* mig.yaml's alerts, or NULL */
    char *lock_resource;
    int64_t fence;
    write_roots_t roots;        /* where the plan may change (resolved) */
    val_t *written;             /* path -> who writes it (sched_paths.c) */
    roots_lock_t *roots_lock;   /* held from the store's lock to the end */
    uint32_t n_done, n_failed, n_skipped;
    /* Foreach items started and not ended, and not started yet, for the
     * gauges the tick writes (store_gauges_put; docs/metrics.md). */
    int64_t items_in_flight, items_queued;
    int64_t last_gauges;
};

/* ---- sched.c ------------------------------------------------------------ */

/* Starts a task running the block from FIRST to STOP in ENV (taken) for
 * ITEM (copied); ON_END is called when it ends. NULL when out of memory
 * (then run->fatal is set). */
task_t *task_start(run_t *r, task_t *parent, task_kind_t kind, uint32_t scope,
                   uint32_t first, uint32_t stop, eval_env_t *env,
                   const char *item, void (*on_end)(task_t *t), void *owner);
/* Runs T until it waits or ends; when it has ended, calls its ON_END
 * (which may free it). */
void task_go(task_t *t);
/* Ends T (its ON_END comes from task_go). */
void task_end(task_t *t, task_end_t end);
/* Wakes T after a wait: runs it unless it is running already (the wait
 * ended before the call that began it returned). */
void task_resume(task_t *t);
/* Around a callback that changes T from outside its loop: enter returns
 * whether T was running; leave goes on with T unless it was. */
bool task_enter(task_t *t);
void task_leave(task_t *t, bool was);
/* Ends T's current node with the error E (moved), raised by node N:
 * handlers are asked, outward from N's scope to T's. */
void task_raise(task_t *t, uint32_t n, sched_err_t *e);
/* Raises an error of CLASS from node N of T, with a formatted message. */
void task_fail(task_t *t, uint32_t n, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void task_free(task_t *t);
/* Ends the scopes of the if blocks T is inside (a task that stops
 * there): T's env is its own scope again. */
void task_unwind(task_t *t);
/* Records an event (store and the caller's callback). */
void sched_event(run_t *r, const char *kind, uint32_t node, const char *item,
                 val_t *data);
/* Puts the status of an answer (an error DETAIL's integer "status", as
 * http.request gives) into the event data D, so that `mig log` shows it
 * beside each failed attempt; nothing when there is none. */
void sched_event_status(val_t *d, const val_t *detail);
/* Runs every stage and the plan's hooks; returns when the loop is done. */
void sched_run(run_t *r);
/* The error E as a map {class, message, node, span, item, attempt, input,
 * cause} (events, `err`); NULL when out of memory. */
val_t *sched_err_detail(const run_t *r, const sched_err_t *e);
/* Whether an error of class CLS is one of WANT ('*': every class),
 * through the built-in and the plan's own hierarchy. */
bool sched_class_is(const run_t *r, const char *cls, const char *want);
/* Records the lines CTX logged (actx_logged) as `log` events of node N
 * and ITEM (GRAPH_NONE, NULL: of none). */
void sched_log_lines(run_t *r, const action_ctx_t *ctx, uint32_t n,
                     const char *item);
/* Evaluates E in T's scope; on failure raises it from node N and
 * returns NULL: ExpressionError (or the class of the action the
 * expression called that failed), with the evaluator's place, message
 * and hint. */
val_t *sched_eval(task_t *t, uint32_t n, const ast_node_t *e);

/* sched_eval in ENV (below T's scope) instead of T's scope: a foreach's
 * `after`, evaluated per item before the item's task exists. */
val_t *sched_eval_in(task_t *t, uint32_t n, const ast_node_t *e,
                     eval_env_t *env);

/* ---- sched_paths.c ---------------------------------------------------------- */

/* Before the call of ROW with ARGS by step N of T changes anything: every
 * path it changes must lie in the plan's write roots (PolicyDenied), and
 * a path it writes whole must not be written in this run by a call the
 * plan does not order with it, an item of the same foreach, unless ARGS
 * say replace: true (Conflict). The paths it writes whole are claimed for
 * T. False when it may not go on (T's error raised). */
bool sched_claim_paths(task_t *t, uint32_t n, const action_t *row,
                       const val_t *args);
/* On resume: claims the paths the journal record REC (done, or in flight
 * when the process died) wrote whole, as sched_claim_paths did for its
 * step, so that the resumed run's writes are checked against them. */
void sched_claim_record(run_t *r, const store_journal_t *rec);

/* ---- sched_foreach.c ------------------------------------------------------ */

/* Runs the foreach opened by node N of T. */
void foreach_start(task_t *t, uint32_t n);
/* Makes T (of an item of a foreach, or a task within one) wait until the
 * items of that loop named by ON (a list of strings: item[BY], or the
 * item itself when it is a string) have run, starting those not started
 * yet; then T's failed statement is retried. When one of them is not
 * among the loop's items, failed, was skipped, is T's own item, or waits
 * (through others) for T's item, T's error fails with why instead. */
void sched_after(task_t *t, const val_t *on, const char *by);

/* ---- sched_recover.c, sched_hook.c ----------------------------------------- */

/* Carries out in T the decision WHAT of the handler of its error (VALUE
 * and TARGET taken): a retry (VALUE: argument overrides, merged over the
 * failed call's), a skip, a fail (BY_PLAN: written in the plan, so never
 * tolerated) or a rollback. */
void sched_apply_decision(task_t *t, ast_decision_kind_t what, val_t *value,
                          char *target, bool by_plan);
/* The handler of T's error failed with E (moved): both are reported. */
void sched_handler_failed(task_t *t, sched_err_t *e);
/* A Lua hook of T failed with E (taken): E, with the error it was
 * handling as its cause, goes on outward from the block where the hook's
 * `recover` stands, as a step's error would (the handlers of the
 * enclosing blocks are asked, not those of that block). */
void sched_hook_raised(task_t *t, sched_err_t *e);
/* The argument overrides a handler's retry gave step N in T's item (or
 * NULL), borrowed. */
val_t *sched_override(const task_t *t, uint32_t n);
/* A new map: BASE (a map; NULL: empty) with each entry of OVER (a map)
 * put over it. NULL when out of memory. */
val_t *sched_merge(const val_t *base, const val_t *over);
/* Asks the handler NAME of recover node H (a Lua hook, or the strategy
 * ROW when not NULL) for its decision about T's error, and carries it
 * out. */
void sched_call_handler(task_t *t, uint32_t h, const char *name,
                        const action_handler_t *row);
/* The error E as the value `err` has in a recover block; NULL when out of
 * memory. */
val_t *sched_err_value(const run_t *r, const sched_err_t *e);

/* ---- sched_retry.c --------------------------------------------------------- */

/* Runs the retry block opened by node N of T. */
void retry_start(task_t *t, uint32_t n);
/* Whether a step of T gets mig.yaml's default retry (run_options_t): one
 * of two attempts or more is set, and T runs in no retry block. */
bool retry_default_applies(const task_t *t);
/* Runs step N of T with mig.yaml's default retry: the step alone is the
 * block, its errors of the retried classes cause another attempt, and
 * only the last one goes on to the plan's handlers. Nothing of the
 * attempts is recorded but the step's own record (a resume starts its
 * attempts again). */
void retry_default_start(task_t *t, uint32_t n);

/* A retry block's wait policy, in milliseconds (docs/language.md,
 * "retry", gives the formulas). */
typedef struct retry_policy {
    ast_backoff_kind_t backoff;
    double delay;               /* fixed */
    double base, step, factor;  /* linear, exponential */
    double max;                 /* INFINITY: no cap */
    ast_jitter_kind_t jitter;
} retry_policy_t;

/* The wait after the N-th failed attempt (N >= 1) of P: the backoff's
 * value, capped at max, then jittered with a draw from *RNG, a generator
 * of draw.c (runtime.h; the scheduler names it by the retry node, the
 * item and N, so each wait is the same in every run of a seed) (full: a
 * uniform share of it; equal: half of it plus a uniform share of the
 * other half); a longer SUGGESTED wait (from the failed call; -1: none)
 * replaces it, capped at max. */
int64_t retry_policy_delay(const retry_policy_t *p, uint32_t n,
                           int64_t suggested, uint64_t *rng);

/* ---- run.c ---------------------------------------------------------------- */

/* What actions get from a run (runtime.h, actx_host_t): the object store,
 * the loop, whether files are synced, the store's counters. */
actx_host_t sched_host(store_t *s, blobs_t *blobs, uv_loop_t *loop, bool sync);
/* Rolls the run back to checkpoint TO (NULL: its start) now, nothing else
 * running, recording the result in R. */
void sched_rollback(run_t *r, const char *to);

/* ---- run_record.c ------------------------------------------------------------ */

/* The plan digest that resume compares (docs/state.md): the BLAKE2b of the
 * plan's tokens without layout or comments, into HEX. False when out of
 * memory (SRC parsed, so it scans). */
bool run_plan_digest(src_t *src, char hex[BLOB_HEX]);
/* Checks that run R->opts->resume may be resumed (interrupted, or failed
 * for a redrive; the same plan unless allowed), filling *OLD with it.
 * MIG_EINVALID (reported) when it may not. */
mig_status_t run_prepare_resume(run_t *r, const char *digest,
                                store_run_t *old);
/* Records a new run of R (unless its folder is locked: then says so and
 * leaves R->id 0). HOLDER is scratch space for the lock's holder. */
mig_status_t run_record(run_t *r, const val_t *params, const char *digest,
                        const char *hostname, uint64_t seed,
                        store_lock_t *holder);
/* Records the start (or the resumption) of R: its events, and, for a
 * resume, the steps done and the records in flight (R->fatal set when
 * they cannot be read). */
void run_begin(run_t *r, const store_run_t *old, const char *digest,
               const char *hostname, uint64_t seed);
/* ---- run_alert.c ------------------------------------------------------------- */

/* Starts R's alert engine when its options carry alerts (the plan's run
 * history read for slow_run). MIG_OK or MIG_ENOMEM (R->alerts NULL then). */
mig_status_t run_alerts_start(run_t *r);
/* Feeds the event KIND (DETAIL) to R's alert engine, if any. */
void run_alerts_event(run_t *r, const char *kind, const val_t *detail);
/* The event callback of an in-run rollback: R's alerts, then the run's
 * own callback (run_options_t). */
void run_alerts_rollback_event(void *r, const char *kind, const char *node,
                               const char *item, const val_t *detail);

/* ---- run_signal.c ------------------------------------------------------------ */

/* "SIGTERM", for the signals that stop a run gracefully. */
const char *sched_signal_name(int sig);
/* Catches SIGINT, SIGTERM and SIGHUP for R while its loop turns (a signal
 * ignored when mig started, as under nohup, stays ignored): the first
 * sets R->interrupted and R->stopping through R->wake, a second stops the
 * process at once. R->loop must be set. */
void sched_catch_signals(run_t *r);
/* Puts back what sched_catch_signals replaced and closes R->wake (the
 * loop must turn once more to finish closing it). */
void sched_release_signals(run_t *r);
/* The same for a process with no loop of its own (mig rollback): after
 * sched_catch_stop_signals, sched_stop_signal gives the first stop
 * signal caught (0: none), and a second stops the process at once;
 * sched_release_stop_signals puts back what was replaced. */
void sched_catch_stop_signals(void);
int sched_stop_signal(void);
void sched_release_stop_signals(void);

/* ---- baseline.c ------------------------------------------------------------- */

/* Records the drift baseline of R, which succeeded: every registry among
 * its managed resources as it is now (resource_registry_records), in the
 * open transaction of R's store, which the run's end commits. A failure
 * is said in R's diagnostics as a warning: the run still succeeded, and
 * `mig drift` says its baseline is missing. */
mig_status_t run_baseline_record(run_t *r);

/* ---- run_lock.c -------------------------------------------------------------- */

/* The name of the lock a run takes: "workspace:" and the real path of the
 * directory that holds the state store STATE_PATH. NULL when that
 * directory cannot be resolved (errno) or memory ran out. */
char *sched_lock_name(const char *state_path);
/* Locks the write roots L (a list of absolute, resolved folders, as a
 * run records them in its options) as roots_lock_take does, into *OUT:
 * what a rollback and a snapshot's restore hold. Returns like
 * roots_lock_take. */
mig_status_t sched_lock_roots(const val_t *l, diag_list_t *diags,
                              roots_lock_t **out);
/* Reports to DIAGS that the lock H is held by someone else: another run
 * (who, since when, and what to do), or another process of run SELF
 * itself (one process acts for a run at a time). */
void sched_refuse_locked(diag_list_t *diags, const store_lock_t *h,
                         int64_t self);
/* Whether run BEFORE->id is still as BEFORE read it (state, end, pid):
 * checked once its lock is held, so that a resume or rollback that read
 * the run before another process acted on it stops. False (reported to
 * DIAGS, or to the store's diagnostics) when not. */
bool sched_run_unchanged(store_t *s, const store_run_t *before,
                         diag_list_t *diags);

/* ---- rollback.c ------------------------------------------------------------- */

/* What a rollback needs: the store and the run, and how to undo. */
typedef struct rollback_env {
    store_t *store;
    blobs_t *blobs;
    const action_registry_t *reg;
    const char *base_dir;
    int64_t run;
    bool force, dry_run;
    bool list;                  /* keep the records undone for the report */
    /* The run's own rollback (a plan's decision): a checkpoint the run
     * never reached means nothing to undo, not an error. */
    bool in_run;
    run_event_fn on_event;
    void *data;
    diag_list_t *diags;
    const val_t *answers;       /* --settle: see settle_env_t */
} rollback_env_t;

/* Whether a record in state S has an effect that may be in place, and so
 * is undone by a rollback (intent, done, failed, undoing). */
bool rollback_pending(store_journal_state_t s);
/* Undoes the records of E->run after checkpoint TO (NULL: all), newest
 * first, then compares the managed resources with the checkpoint. *REPORT
 * and *RESULT as rollback_run says; with E->in_run, a checkpoint never
 * reached gives RUN_FAILED and the event rollback-not-needed. */
mig_status_t rollback_apply(const rollback_env_t *e, const char *to,
                            val_t **report, run_result_t *result);

/* ---- rollback_verify.c ---------------------------------------------------------- */

/* Before a rollback of E undoes anything: LAST maps each resource it
 * would restore to a list: the after-image the run recorded last (null:
 * none, or not to be trusted), then the states before of the records it
 * would undo. A resource is changed since when a newer run's pending
 * record touches it, or when it has an after-image and its state now is
 * none of the states of its list. Adds `changed`
 * ([{path, recorded, actual, by}]) to REP; *REFUSE, unless E->force,
 * when some changed or could not be read (each named in E->diags).
 * MIG_OK, or the store's failure (MIG_EINVALID, MIG_EIO), MIG_ENOMEM. */
mig_status_t rollback_check_changed(const rollback_env_t *e,
                                    const val_t *last, val_t *rep,
                                    bool *refuse);
/* After the undo: compares each resource of WANT (id -> the state to
 * find: the checkpoint's, else the state before the run first touched
 * it) with its state now, and, with CP (NULL for a whole-run rollback),
 * the digest of the checkpoint's resources now with the digest CP
 * stored. Adds expected, digest and differ ([{path, expected, actual,
 * forced}], FORCED mapping the ids of steps forced past to their node)
 * to REP. Whether all match; *OK false when memory ran out. */
bool rollback_verify(const rollback_env_t *e, const store_checkpoint_t *cp,
                     const val_t *want, const val_t *forced, val_t *rep,
                     bool *ok);

/* ---- sched_step.c -------------------------------------------------------- */

/* Runs step node N of T (may wait). Ends by moving T on or raising. */
void step_start(task_t *t, uint32_t n);
/* Binds the step NAME to V (borrowed) where it belongs: in the scope of
 * the nearest stage, item, hook or recover block around T (a retry
 * attempt's steps outlive the attempt), and in the stage's results when
 * it stands outside any foreach and hook. Sets run->fatal when out of
 * memory. */
void sched_bind_step(task_t *t, const char *name, val_t *v);
/* Binds to null the steps of BODY, an if block T does not take
 * (graph_block_steps): as a step skipped by `when`, they hold null. */
void sched_bind_untaken(task_t *t, const ast_list_t *body);
/* Calls of pure actions in expressions (eval_action_fn; DATA the run). */
mig_status_t sched_call_action(void *data, const ast_node_t *call,
                               const char *name, val_t *const *args,
                               src_t *src, diag_list_t *diags, val_t **out);
/* Journals the after-image of record SEQ of R: the state now of each
 * resource of RESOURCES (a map whose keys are ids), once its effect has
 * ended (done or failed; a step's outcome, or a record a resume
 * settles). A resource that cannot be read gets none: rollback then
 * cannot tell whether it changed since. Reads through CTX, whose error
 * it may set: the caller has read it already. */
void sched_journal_after(run_t *r, action_ctx_t *ctx, int64_t seq,
                         const val_t *resources);
/* Records checkpoint node N of T. */
void checkpoint_record(task_t *t, uint32_t n);
/* Takes snapshot node N of T (snapshot.c): a full copy of the run's
 * write roots, recorded with the run (docs/snapshots.md). */
void snapshot_record(task_t *t, uint32_t n);
/* Moves T past node N (a checkpoint, a snapshot: nodes that record
 * something and go on), and says whether a resumed run did N for T's
 * item already: then it is not done again. */
bool sched_pass(task_t *t, uint32_t n);
/* Commits the journal and wakes the steps that waited for it. */
void sched_flush(run_t *r);
/* Stops a step in progress (the run is stopping). */
void step_cancel(task_t *t);
void step_free(struct step_call *c);
/* "node\titem": the key of a step in run->done. */
char *step_key(const char *node, const char *item);

/* ---- sched_call.c -------------------------------------------------------- */

/* One step's call of its action, from step_start (sched_step.c) to its
 * outcome (sched_call.c). */
struct step_call {
    task_t *t;
    uint32_t node;
    const action_t *row;
    const char *name;           /* the action's name (the row's) */
    val_t *args;
    action_ctx_t *ctx;
    int64_t seq;                /* the journal record, or 0 */
    val_t *resources;           /* what the record declares (its ids), or
                                 * NULL: its after-image is journaled */
    int64_t timeout_ms;         /* 0: none */
    bool by_deadline;           /* the timeout is the retry attempt's */
    uv_timer_t *timer;
    bool timed_out;
    bool ran;                   /* the action's run was called */
    int64_t started_ms;
    struct breaker *breaker;    /* the breaker that let the call through */
};
/* Binds step N's result V (borrowed) where the step belongs
 * (sched_step.c). */
void sched_bind_result(task_t *t, uint32_t n, val_t *v);
/* Runs the action of C (its intent, if any, committed); the outcome is
 * sched_call_finished's, at once or when the action ends. */
void sched_call_run(struct step_call *c);
/* The end of C's call (an actx finish callback; DATA is C): records the
 * outcome, binds the result and moves C's task on or raises. */
void sched_call_finished(action_ctx_t *ctx, mig_status_t st, val_t *res,
                         void *data);
/* Whether the call of ACTION named WHERE (a node id, or an action and its
 * place) for ITEM in its ATTEMPT must fail on purpose (runtime.h,
 * faults_hit); *CLS and *WHY then say how. */
bool sched_fault_hit(run_t *r, const char *action, const char *node,
                     const char *where, const char *item, uint32_t attempt,
                     const char **cls, const char **why);

/* ---- settle.c: commands in flight at a crash -------------------------------- */

/* The host's started callback (runtime.h, actx_host_t.started; DATA the
 * store): journals the process; then, while a group is open for the
 * store (sched_group.c), queues GO to it; otherwise commits and lets it
 * begin at once (GO(GO_DATA, true)). */
mig_status_t sched_host_started(void *data, int64_t run, int64_t seq,
                                int role, int64_t pid, int64_t pgid,
                                bool (*go)(void *, bool), void *go_data);
/* Calls FN (a row's run, undo or applied) with CTX and ARGS and, when it
 * suspends, turns HOST's loop until it has finished. *RES gets its
 * result. */
mig_status_t sched_call_wait(action_ctx_t *ctx, const actx_host_t *host,
                             action_fn fn, const val_t *args, val_t **res);

/* What settling a call needs. ANSWERS (may be NULL) maps journal
 * positions, as text, to what the user said of them (--settle SEQ=done
 * or SEQ=not-run). */
typedef struct settle_env {
    store_t *store;
    const actx_host_t *host;
    const action_registry_t *reg;
    const char *base_dir;
    int64_t run;
    const val_t *answers;
    const char *command;        /* "mig resume 3": what the user runs again */
    diag_list_t *diags;
} settle_env_t;

typedef enum settle_verdict {
    SETTLE_NOT_RUN,     /* it never began, or its effect is not in place */
    SETTLE_DONE,        /* its effect is in place */
    SETTLE_ASK,         /* mig cannot tell: the user must say */
    SETTLE_FAILED,      /* the store failed, or out of memory */
} settle_verdict_t;

/* Settles the call of ROW (which reports its start) with ARGS that
 * journal record SEQ left in flight in ROLE (0: the step's effect, 1: its
 * undo): no process journaled means it never began; otherwise what is
 * left of its process group is stopped (SIGTERM, SIGKILL 2s later), then
 * the user's answer or ROW's applied (exec.run's check:) decides. *WHY
 * gets how it was settled, or why it cannot be (malloc'd; may be NULL
 * when out of memory). */
settle_verdict_t sched_settle(const settle_env_t *e, int64_t seq, int role,
                              const action_t *row, const val_t *args,
                              char **why);

/* Called for each record settled by sched_settle_all: REC (with its
 * values), the ROLE settled, the verdict V (SETTLE_DONE or
 * SETTLE_NOT_RUN) and how it was reached. */
typedef void (*settle_fn)(void *data, const store_journal_t *rec, int role,
                          settle_verdict_t v, const char *why);

/* Settles every record of E->run after AFTER that a crash left in flight
 * and whose call reports its start: the INTENT ones (role 0) and, with
 * UNDOING set, the undos begun (role 1). Marks each in the journal: a
 * step's effect done or not-run, an undo undone (or, not begun, to run
 * again), and calls FN for it. Stops at the first that cannot be settled,
 * reporting it to E->diags with the commands that answer (SETTLE_ASK).
 * SETTLE_DONE when all were settled; SETTLE_FAILED when the store failed
 * or memory ran out. */
settle_verdict_t sched_settle_all(const settle_env_t *e, int64_t after,
                                  bool undoing, settle_fn fn, void *data);
/* The positions of the records in flight that a pass over the journal
 * found (sched_in_flight_keep); free SEQS. */
typedef struct settle_seqs {
    int64_t *seqs;
    size_t n, cap;
} settle_seqs_t;
/* Adds REC's position (a record read without values) to G when it is
 * one sched_settle_all settles: an INTENT whose action (in REG) reports
 * its start, or, with UNDOING, a plan's undo begun. False when memory ran
 * out. */
bool sched_in_flight_keep(settle_seqs_t *g, const action_registry_t *reg,
                          const store_journal_t *rec, bool undoing);
/* sched_settle_all for the N records at SEQS (each in flight, oldest or
 * newest first as the caller found them), gathered by the caller's own
 * pass over the journal (a rollback's first). Returns like it. */
settle_verdict_t sched_settle_seqs(const settle_env_t *e,
                                   const int64_t *seqs, size_t n,
                                   settle_fn fn, void *data);

/* Settles the commands that the crash of run R (a resume) left in flight,
 * before anything of the resume is recorded: a step whose effect is in
 * place is recorded done (null result); one that never began or left
 * nothing runs again. False when one cannot be settled (reported, with
 * what to run) or the store failed (R->fatal). */
bool sched_settle_resume(run_t *r);

/* ---- sched_group.c: one commit for the starts of one turn ------------------ */

/* The starts queued while a group is open (sched_flush runs the calls
 * whose intents one commit made durable), each let begin once the
 * commit they share has made their process records durable. */
typedef struct sched_group {
    store_t *store;
    struct sched_start {
        bool (*go)(void *data, bool journaled);
        void *data;
    } *v;
    size_t n, cap;
    struct sched_group *outer;  /* the group open before this one */
} sched_group_t;

/* Opens G (the caller's, live until sched_group_close) for the starts
 * of S, inside any group already open. */
void sched_group_open(sched_group_t *g, store_t *s);
/* Queues GO(GO_DATA) to the innermost open group when it is S's: true.
 * False when no group of S is open, or out of memory: the caller commits
 * and lets it begin now. The caller has written the start's row into
 * S's open transaction. */
bool sched_group_take(store_t *s, bool (*go)(void *, bool), void *go_data);
/* Closes G: when it holds starts, commits S (the crash point
 * "process-journaled", once for the group), then calls each GO in the
 * order queued, with true (followed by "process-running", once a GO) or,
 * when the commit failed, with false: that effect must not begin, and
 * its action ends its call. Returns the commit's status (MIG_OK for an
 * empty group). */
mig_status_t sched_group_close(sched_group_t *g);

/* ---- crash points (tests) ------------------------------------------------- */

/* Called at each point where a crash matters (each commit of the
 * journal, before and after each effect and each undo); see
 * run_crash_points in runtime.h. */
void sched_crash_point(const char *where);


/* ---- sched_order.c: the order of a foreach's items under `after` ---------- */

/* Which items of a loop of N wait for which, and which may start next. */
typedef struct sched_order sched_order_t;

/* A new order of N items, none waiting; NULL when out of memory. */
sched_order_t *sched_order_new(size_t n);
void sched_order_free(sched_order_t *o);

/* Item ITEM waits for item ON to end before it starts. Pairs are added in
 * list order of ITEM (never a lower ITEM after a higher one), before
 * sched_order_seal; the same pair twice is allowed. False when out of
 * memory. */
bool sched_order_wait(sched_order_t *o, size_t item, size_t on);

/* Ends the adding: MIG_OK, or MIG_EINVALID when items wait for one
 * another in a cycle (*CYCLE, the caller frees it, gets the N_CYCLE items
 * of one, each waiting for the next and the last for the first), or
 * MIG_ENOMEM. */
mig_status_t sched_order_seal(sched_order_t *o, size_t **cycle,
                              size_t *n_cycle);

/* The first item in list order, among those not taken yet, whose items
 * waited for have all ended (sched_order_ended), taken now; SIZE_MAX when
 * none is free yet. Each item is taken once. */
size_t sched_order_take(sched_order_t *o);

/* Item ITEM has ended (done, failed or skipped): the items waiting for it
 * may start once their other items have ended. Called once per item. */
void sched_order_ended(sched_order_t *o, size_t item);

#endif
