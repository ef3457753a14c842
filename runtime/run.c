/* run.c: a run around the scheduler (runtime.h, run_plan): the state
 * store, the lock and its heartbeat, the stages in order with their hooks,
 * and the plan's hooks. The run's record and resuming from the journal are
 * in run_record.c. */
#define _XOPEN_SOURCE 700  /* realpath */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "breaker.h"
#include "lua_bridge.h"
#include "sched_int.h"

/* A lock lives this long after its last heartbeat. */
#define RUN_LOCK_TTL_MS 30000
#define RUN_HEARTBEAT_MS 5000
/* Outcomes and events are committed at least this often. */
#define RUN_TICK_MS 200
/* The gauges (items in flight, queue depth, commit latency) are written
 * this often, in the commit the tick makes. */
#define RUN_GAUGES_MS 1000

const char *run_result_name(run_result_t res)
{
    static const char *const names[] = {
#define RUN_RESULT_NAME(e, s) s,
        RUN_RESULTS(RUN_RESULT_NAME)
#undef RUN_RESULT_NAME
    };
    return names[res];
}

/* ---- crash points --------------------------------------------------------- */

static uint64_t crash_count, crash_at, crash_named;
static const char *crash_name;     /* MIG_CRASH_AT=NAME[:K] */
static size_t crash_name_len;
static int crash_init;

/* MIG_CRASH_AT is K (the K-th crash point of the process) or NAME[:K]
 * (the K-th point called NAME, default the first). */
static void crash_read(void)
{
    const char *k = getenv("MIG_CRASH_AT");
    crash_init = 1;
    if (!k || !*k)
        return;
    if (*k >= '0' && *k <= '9') {
        crash_at = strtoull(k, NULL, 10);
        return;
    }
    const char *colon = strchr(k, ':');
    crash_name = k;
    crash_name_len = colon ? (size_t)(colon - k) : strlen(k);
    crash_at = colon ? strtoull(colon + 1, NULL, 10) : 1;
}

void sched_crash_point(const char *where)
{
    if (!crash_init)
        crash_read();
    ++crash_count;
    if (crash_name) {
        if (strlen(where) == crash_name_len
            && memcmp(where, crash_name, crash_name_len) == 0
            && ++crash_named == crash_at)
            kill(getpid(), SIGKILL);
        return;
    }
    if (crash_count == crash_at && crash_at)
        kill(getpid(), SIGKILL);
}

uint64_t run_crash_points(void)
{
    return crash_count;
}

/* ---- the loop ----------------------------------------------------------------- */

/* Records R's gauges (docs/metrics.md) in the open transaction; false
 * when the store failed. */
static bool write_gauges(run_t *r, int64_t now)
{
    store_gauges_t g = { .run = r->id, .at_ms = now,
                         .in_flight = r->items_in_flight,
                         .queued = r->items_queued };
    store_commit_stats(r->store, &g.commits);
    r->last_gauges = now;
    return store_gauges_put(r->store, &g) == MIG_OK;
}

static void tick(uv_timer_t *h)
{
    run_t *r = h->data;
    int64_t now = store_now_ms();
    if (r->id && now - r->last_gauges >= RUN_GAUGES_MS
        && !write_gauges(r, now))
        r->fatal = true;
    if (store_pending(r->store) && store_flush(r->store) != MIG_OK)
        r->fatal = true;
    if (r->alerts)
        alerts_tick(r->alerts, now);
    if (r->lock_resource && now - r->last_heartbeat >= RUN_HEARTBEAT_MS) {
        r->last_heartbeat = now;
        if (store_lock_heartbeat(r->store, r->lock_resource, r->fence,
                                 RUN_LOCK_TTL_MS) != MIG_OK) {
            /* Someone broke the lock: stop at once, touching nothing. */
            r->fatal = true;
            r->stopping = true;
        }
    }
}

/* Turns the loop until T has ended. */
static void drive(run_t *r, task_t *t)
{
    while (!t->ended) {
        if (uv_run(r->loop, UV_RUN_ONCE) == 0 && !t->ended) {
            diag_add(r->diags, DIAG_ERROR, NULL, NULL, "internal error: the "
                     "scheduler has nothing to wait for, yet a task is not "
                     "done (node %s)", graph_node_id(r->g, t->node));
            r->fatal = true;
            break;
        }
    }
}

/* Runs the block from FIRST to STOP as a task of KIND in a new scope over
 * ENV, to its end. Returns how it ended; *ERR (if not NULL) gets its
 * error. */
static task_end_t run_block(run_t *r, task_kind_t kind, uint32_t scope,
                            uint32_t first, uint32_t stop, eval_env_t *env,
                            eval_env_t **keep, sched_err_t *err)
{
    eval_env_t *inner = eval_env_new(env);
    task_t *t = inner ? task_start(r, NULL, kind, scope, first, stop, inner,
                                   "", NULL, NULL)
                      : NULL;
    if (!t) {
        r->fatal = true;
        return TASK_FAILED;
    }
    task_go(t);
    drive(r, t);
    task_end_t end = t->ended ? t->end : TASK_FAILED;
    if (err) {
        *err = t->err;
        memset(&t->err, 0, sizeof(t->err));
    }
    if (keep) {
        task_unwind(t);
        *keep = t->env;
        t->env = NULL;
    }
    task_free(t);
    return end;
}

static void event_error(run_t *r, const char *kind, uint32_t node,
                        const sched_err_t *e)
{
    val_t *d = val_map_new(3);
    if (d && e->cls) {
        val_map_set_take(d, "class", 5, val_cstring(e->cls));
        val_map_set_take(d, "message", 7, val_cstring(e->message));
        if (e->node != GRAPH_NONE)
            val_map_set_take(d, "node", 4, val_cstring(
                graph_node_id(r->g, e->node)));
        if (e->item && *e->item)
            val_map_set_take(d, "item", 4, val_cstring(e->item));
        if (e->cause)
            val_map_set_take(d, "cause", 5, val_cstring(e->cause));
    }
    sched_event(r, kind, node, NULL, d);
}

/* Runs the hooks standing in SCOPE (a stage entry, or GRAPH_NONE for the
 * plan): on failure or on success, then finally, each in the order
 * written. Returns whether one failed. */
static bool run_hooks(run_t *r, uint32_t scope, bool failed, eval_env_t *env)
{
    bool hook_failed = false;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t n = 0; n < graph_node_count(r->g); n++) {
            if (graph_node_kind(r->g, n) != GRAPH_HOOK_ENTER
                || graph_node_scope(r->g, n) != scope)
                continue;
            ast_hook_when_t w = graph_node_ast(r->g, n)->u.hook.when;
            bool fits = pass == 0
                ? (w == AST_HOOK_FAILURE && failed)
                  || (w == AST_HOOK_SUCCESS && !failed)
                : w == AST_HOOK_FINALLY;
            if (!fits)
                continue;
            sched_event(r, "hook-start", n, NULL, NULL);
            sched_err_t e = { 0 };
            task_end_t end = run_block(r, TASK_HOOK, n, graph_flow_next(r->g, n),
                                       graph_end_of(r->g, n, "exit"), env,
                                       NULL, &e);
            if (end == TASK_FAILED) {
                hook_failed = true;
                event_error(r, "hook-failed", n, &e);
            }
            sched_err_clear(&e);
        }
    }
    return hook_failed;
}

void sched_rollback(run_t *r, const char *to)
{
    if (store_flush(r->store) != MIG_OK) {
        r->fatal = true;
        r->rollback_failed = true;
        return;
    }
    rollback_env_t e = { .store = r->store, .blobs = r->blobs, .reg = r->reg,
                         .base_dir = r->base_dir, .run = r->id,
                         .force = r->opts->force, .in_run = true,
                         .on_event = run_alerts_rollback_event,
                         .data = r, .diags = r->diags };
    val_t *report = NULL;
    run_result_t res = RUN_ROLLBACK_FAILED;
    mig_status_t st = rollback_apply(&e, to, &report, &res);
    val_unref(report);
    /* A checkpoint never reached: the run simply failed (RUN_FAILED). */
    if (st != MIG_OK || res == RUN_ROLLBACK_FAILED || res == RUN_REFUSED)
        r->rollback_failed = true;
    else if (res == RUN_UNVERIFIED)
        r->rollback_unverified = true;
    else if (res == RUN_ROLLED_BACK)
        r->rolled_back = true;
}

void sched_run(run_t *r)
{
    bool failed = false;
    sched_err_t plan_err = { 0 };
    /* Plan-level lets, in order, before any stage. */
    for (uint32_t n = 0; n < graph_node_count(r->g) && !failed; n++) {
        if (graph_node_kind(r->g, n) != GRAPH_LET
            || graph_node_scope(r->g, n) != GRAPH_NONE)
            continue;
        const ast_node_t *s = graph_node_ast(r->g, n);
        diag_list_t d;
        diag_list_init(&d);
        val_t *v = NULL;
        if (eval_expr(s->u.binding.value, r->plan_env, r->src, &d, &v)
            == MIG_OK) {
            if (eval_env_set(r->plan_env, s->u.binding.name.name, v) != MIG_OK)
                r->fatal = true;
        } else {
            /* Located as a step's expression error is (sched_eval). */
            failed = true;
            /* ExpressionError, or the class of the action it called. */
            plan_err.cls = r->expr_class ? r->expr_class
                                         : strdup("ExpressionError");
            r->expr_class = NULL;
            strbuf_t b;
            strbuf_init(&b);
            if (d.len)
                strbuf_printf(&b, "%s:%u:%u: %s", r->src->name,
                              d.items[0].has_span ? d.items[0].span.line : 0,
                              d.items[0].has_span ? d.items[0].span.col : 0,
                              d.items[0].message);
            plan_err.message = strdup(d.len && !b.oom ? b.data
                                                       : "out of memory");
            strbuf_free(&b);
            plan_err.node = n;
            event_error(r, "plan-failed", n, &plan_err);
        }
        val_unref(v);
        diag_list_free(&d);
    }
    for (uint32_t k = 0; k < graph_stage_count(r->g) && !failed; k++) {
        if (r->interrupted) {
            failed = true;      /* no stage starts after a signal */
            break;
        }
        uint32_t enter = graph_stage_at(r->g, k);
        const char *name = graph_node_ast(r->g, enter)->u.stage.name.name;
        r->stage_results = val_map_new(8);
        if (!r->stage_results) {
            r->fatal = true;
            break;
        }
        sched_event(r, "stage-start", enter, NULL, NULL);
        sched_err_t e = { 0 };
        eval_env_t *env = NULL;
        task_end_t end = run_block(r, TASK_STAGE, enter,
                                   graph_flow_next(r->g, enter),
                                   graph_end_of(r->g, enter, "exit"),
                                   r->plan_env, &env, &e);
        bool stage_failed = end == TASK_FAILED || r->fatal;
        if (stage_failed)
            event_error(r, "stage-failed", enter, &e);
        else
            sched_event(r, "stage-done", enter, NULL, NULL);
        if (r->rollback_to && !r->interrupted) {
            char *to = r->rollback_to;
            r->rollback_to = NULL;
            sched_rollback(r, to);
            free(to);
        }
        if (!r->fatal && !r->interrupted && run_hooks(r, enter, stage_failed,
                                   env ? env : r->plan_env))
            stage_failed = true;
        eval_env_free(env);
        if (eval_env_set(r->stages_env, name, r->stage_results) != MIG_OK)
            r->fatal = true;
        val_unref(r->stage_results);
        r->stage_results = NULL;
        if (stage_failed) {
            failed = true;
            sched_err_clear(&plan_err);
            plan_err = e;
        } else {
            sched_err_clear(&e);
        }
    }
    r->failed = failed || r->fatal;
    if (store_full(r->store) && !r->rollback_failed
        && store_use_reserve(r->store) == MIG_OK) {
        /* The store's disk filled: nothing goes forward any more, but with
         * the reserve's space the plan's `on failure` block runs and its
         * rollback is journaled. */
        r->fatal = false;
        r->failed = true;
        sched_err_clear(&plan_err);
        plan_err.cls = strdup("Unavailable");
        plan_err.message = strdup("the disk of the state store is full");
    }
    if (!r->fatal && !r->interrupted
        && run_hooks(r, GRAPH_NONE, r->failed, r->plan_env))
        r->failed = true;
    if (r->failed && plan_err.message && !r->error) {
        char buf[2048];
        snprintf(buf, sizeof buf, "%s: %s%s%s", plan_err.cls,
                 plan_err.message, plan_err.cause ? " (" : "",
                 plan_err.cause ? plan_err.cause : "");
        if (plan_err.cause)
            strncat(buf, ")", sizeof buf - strlen(buf) - 1);
        r->error = strdup(buf);
    }
    sched_err_clear(&plan_err);
}

/* ---- setting a run up ---------------------------------------------------------- */

/* PATH joined to DIR ("" or NULL: as it is), in a new string. */
static char *join_path(const char *dir, const char *path)
{
    size_t a = dir ? strlen(dir) : 0, b = strlen(path);
    char *s = malloc(a + b + 2);
    if (!s)
        return NULL;
    if (a && path[0] != '/') {
        memcpy(s, dir, a);
        if (dir[a - 1] != '/')
            s[a++] = '/';
    } else {
        a = 0;
    }
    memcpy(s + a, path, b + 1);
    return s;
}

static mig_status_t counter_add(void *data, const char *name, int64_t delta,
                                int64_t *value)
{
    return store_counter_add(data, name, delta, value);
}

static bool defer_commit(void *data, actx_commit_fn fn)
{
    return store_defer_commit(data, fn);
}

actx_host_t sched_host(store_t *s, blobs_t *blobs, uv_loop_t *loop, bool sync)
{
    return (actx_host_t){ .blobs = blobs, .loop = loop, .sync_files = sync,
                          .counter_add = counter_add,
                          .started = sched_host_started,
                          .defer_commit = defer_commit, .data = s };
}

/* Records how R ended (*RESULT gets it); false when that could not be
 * recorded. */
static bool end_run(run_t *r, run_result_t *result)
{
    *result = r->rollback_failed ? RUN_ROLLBACK_FAILED
            : r->rollback_unverified ? RUN_UNVERIFIED
            : r->rolled_back ? RUN_ROLLED_BACK
            : r->interrupted && r->failed && !r->fatal ? RUN_INTERRUPTED
            : r->failed || r->fatal ? RUN_FAILED : RUN_SUCCEEDED;
    static const store_run_state_t states[] = {
        [RUN_SUCCEEDED] = STORE_RUN_SUCCEEDED, [RUN_FAILED] = STORE_RUN_FAILED,
        [RUN_ROLLED_BACK] = STORE_RUN_ROLLED_BACK,
        [RUN_ROLLBACK_FAILED] = STORE_RUN_ROLLBACK_FAILED,
        [RUN_UNVERIFIED] = STORE_RUN_ROLLED_BACK_UNVERIFIED,
        [RUN_REFUSED] = STORE_RUN_FAILED,
        [RUN_INTERRUPTED] = STORE_RUN_INTERRUPTED,
    };
    if (*result == RUN_INTERRUPTED) {
        char why[64];
        snprintf(why, sizeof why, "interrupted by %s",
                 sched_signal_name(r->interrupted));
        free(r->error);
        r->error = strdup(why);
    }
    val_t *d = val_map_new(4);
    if (d) {
        val_map_set_take(d, "result", 6, val_cstring(run_result_name(*result)));
        val_map_set_take(d, "steps_done", 10, val_int(r->n_done));
        val_map_set_take(d, "items_failed", 12, val_int(r->n_failed));
        val_map_set_take(d, "items_skipped", 13, val_int(r->n_skipped));
    }
    if (r->alerts)
        alerts_end(r->alerts, store_now_ms());
    sched_event(r, "run-done", GRAPH_NONE, NULL, d);
    if (*result == RUN_SUCCEEDED)
        run_baseline_record(r);
    bool kept = !(r->fatal && r->diags->errors);
    if (!write_gauges(r, store_now_ms()))
        kept = false;
    if (store_run_finish(r->store, r->id, states[*result], r->error) != MIG_OK
        || store_flush(r->store) != MIG_OK)
        kept = false;
    store_lock_release(r->store, r->lock_resource, r->fence);
    return kept;
}

mig_status_t run_plan(const graph_t *g, const val_t *params,
                      const action_registry_t *reg, const char *base_dir,
                      const run_options_t *o, diag_list_t *diags,
                      int64_t *run_id, run_result_t *result)
{
    *run_id = 0;
    *result = RUN_REFUSED;
    run_t r = { .g = g, .src = graph_src(g), .reg = reg, .opts = o,
                .base_dir = base_dir ? base_dir : "", .diags = diags,
                .eval_node = GRAPH_NONE };
    char *state = o->state_path ? strdup(o->state_path)
                                : join_path(base_dir, ".mig/state.db");
    char *objects = state ? blobs_dir_of(state) : NULL;
    r.state_path = state;
    char hostname[256] = "";
    gethostname(hostname, sizeof hostname - 1);
    char digest[BLOB_HEX];
    bool digest_ok = run_plan_digest(r.src, digest);
    uv_loop_t loop;
    bool loop_ok = false;
    mig_status_t st = MIG_ENOMEM;
    store_run_t old = { 0 };
    store_lock_t holder = { 0 };
    r.stages_env = eval_env_new(NULL);
    r.plan_env = r.stages_env ? eval_env_new(r.stages_env) : NULL;
    r.done = val_map_new(16);
    r.managed = val_map_new(16);
    r.consumed = val_list_new(16);
    r.written = val_map_new(16);
    if (!digest_ok || !state || !objects || !r.plan_env || !r.done
        || !r.managed || !r.consumed || !r.written)
        goto out;
    eval_env_set_actions(r.stages_env, sched_call_action, &r);
    eval_env_set_registries(r.stages_env, o->registries);
    for (size_t i = 0; params && i < val_len(params); i++)
        if (eval_env_set(r.plan_env, val_get_str(val_map_key(params, i), NULL),
                         val_map_value(params, i)) != MIG_OK)
            goto out;
    st = store_open(state, STORE_CREATE, diags, &r.store);
    if (st == MIG_OK)
        st = blobs_open(objects, diags, &r.blobs);
    if (st != MIG_OK) {
        if (st != MIG_ENOMEM)
            st = MIG_EIO;       /* the state store cannot be used */
        goto out;
    }
    store_set_durability(r.store, o->durable_full ? STORE_DURABLE_FULL
                                                  : STORE_DURABLE_GROUPED);
    if (uv_loop_init(&loop) != 0) {
        st = MIG_ENOMEM;
        goto out;
    }
    loop_ok = true;
    r.loop = &loop;
    r.host = sched_host(r.store, r.blobs, &loop, o->durable_full);
    r.lock_resource = sched_lock_name(state);
    if (!r.lock_resource) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "%s: %s", state,
                 strerror(errno));
        st = MIG_EINVALID;
        goto out;
    }
    /* The plan's circuit breakers, and mig.yaml's default breaker for
     * the actions they do not cover. */
    val_t *breakers = NULL;
    const config_run_defaults_t *dflt = o->defaults;
    st = breaker_configs(graph_plan(g), r.src, diags, &breakers);
    if (st == MIG_OK && (val_len(breakers) || (dflt && dflt->breaker_failures))
        && (!(r.breakers = breakers_new())
            || breakers_add_all(r.breakers, breakers) != MIG_OK
            || (dflt && dflt->breaker_failures
                && breakers_add(r.breakers, BREAKER_ANY,
                                dflt->breaker_failures,
                                dflt->breaker_window_ms,
                                dflt->breaker_cooldown_ms, NULL) != MIG_OK)))
        st = MIG_ENOMEM;
    val_unref(breakers);
    /* The write roots, resolved through symbolic links. */
    if (st == MIG_OK)
        st = roots_of_plan(graph_plan(g), r.base_dir, &r.roots);
    if (st == MIG_OK)
        st = roots_add_all(&r.roots, o->extra_roots, o->n_extra_roots);
    if (st == MIG_OK)
        st = roots_resolve(&r.roots);
    /* Each changed path resolved once while it names the same file
     * (docs/language.md, "writes"), not a realpath per step. */
    if (st == MIG_OK)
        st = roots_keep(&r.roots);
    if (st != MIG_OK)
        goto out;
    /* The seed is recorded as a number, so it stays below 2^53. */
    uint64_t seed = o->has_seed ? o->seed
        : (((uint64_t)store_now_ms() << 16) ^ (uint64_t)getpid())
          & (((uint64_t)1 << 53) - 1);
    if (o->resume) {
        st = run_prepare_resume(&r, digest, &old);
        if (st != MIG_OK) {
            st = diags->out_of_memory ? MIG_ENOMEM : MIG_OK;
            goto out;
        }
        r.id = old.id;
        val_t *sd = old.options ? val_map_get(old.options, "seed", 4) : NULL;
        if (sd && val_is_int(sd) && !o->has_seed)
            seed = (uint64_t)val_get_int(sd);
    } else {
        st = run_record(&r, params, digest, hostname, seed, &holder);
        if (st != MIG_OK || !r.id)
            goto out;
    }
    *run_id = r.id;
    st = store_lock_acquire(r.store, r.lock_resource, r.id, getpid(),
                            hostname, RUN_LOCK_TTL_MS, o->break_lock, &holder,
                            &r.fence);
    if (st == MIG_EINVALID && holder.resource) {
        sched_refuse_locked(diags, &holder, r.id);
        if (!o->resume)
            store_run_finish(r.store, r.id, STORE_RUN_FAILED,
                             "refused: the workspace is locked");
        st = MIG_OK;
        goto out;
    }
    if (st != MIG_OK)
        goto out;
    if (o->resume && !sched_run_unchanged(r.store, &old, diags)) {
        /* Another process acted on the run since it was read. */
        store_lock_release(r.store, r.lock_resource, r.fence);
        goto out;
    }
    /* The write roots, locked for every mig on the machine. */
    st = roots_lock_take(&r.roots, diags, &r.roots_lock);
    if (st == MIG_EINVALID) {
        store_lock_release(r.store, r.lock_resource, r.fence);
        if (!o->resume)
            store_run_finish(r.store, r.id, STORE_RUN_FAILED,
                             "refused: a write root is locked");
        store_flush(r.store);
        st = MIG_OK;
        goto out;
    }
    if (st != MIG_OK)
        goto out;
    store_fence(r.store, r.lock_resource, r.fence);
    if (o->resume && !sched_settle_resume(&r)) {
        /* The run stays interrupted; nothing of it ran. */
        store_lock_release(r.store, r.lock_resource, r.fence);
        st = r.fatal ? MIG_EINVALID : MIG_OK;
        goto out;
    }
    r.last_heartbeat = store_now_ms();
    r.seed = seed;
    if (o->lua) {
        /* Lua sees the run's parameters, and its math.random repeats with
         * the run's seed. */
        lua_bridge_set_params(o->lua, (val_t *)params);
        lua_bridge_set_seed(o->lua, seed);
    }
    run_begin(&r, &old, digest, hostname, seed);
    if (run_alerts_start(&r) != MIG_OK)
        r.fatal = true;
    if (store_flush(r.store) != MIG_OK)
        r.fatal = true;
    sched_catch_signals(&r);
    uv_idle_init(&loop, &r.flusher);
    r.flusher.data = &r;
    uv_timer_init(&loop, &r.tick);
    r.tick.data = &r;
    uv_timer_start(&r.tick, tick, RUN_TICK_MS, RUN_TICK_MS);
    uv_unref((uv_handle_t *)&r.tick);
    if (!r.fatal)
        sched_run(&r);
    else
        r.failed = true;
    uv_timer_stop(&r.tick);
    uv_close((uv_handle_t *)&r.tick, NULL);
    uv_close((uv_handle_t *)&r.flusher, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    st = end_run(&r, result) ? MIG_OK : MIG_EINVALID;
    sched_release_signals(&r);
out:
    if (st == MIG_EINVALID && r.store && store_failure(r.store)
        && store_failure(r.store) != MIG_ENOMEM)
        st = MIG_EIO;           /* the store failed on the way */
    if (r.store && store_diags(r.store)->len)
        diag_list_move(diags, store_diags(r.store));
    store_run_clear(&old);
    store_lock_clear(&holder);
    if (loop_ok) {
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
    }
    store_close(r.store);
    blobs_close(r.blobs);
    eval_env_free(r.plan_env);
    eval_env_free(r.stages_env);
    val_unref(r.done);
    val_unref(r.managed);
    val_unref(r.consumed);
    val_unref(r.written);
    free(r.flush_wait);
    breakers_free(r.breakers);
    alerts_free(r.alerts);
    roots_lock_free(r.roots_lock);
    roots_free(&r.roots);
    free(r.lock_resource);
    free(r.rollback_to);
    free(r.error);
    free(r.expr_class);
    free(state);
    free(objects);
    return st;
}
