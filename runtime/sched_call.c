/* sched_call.c: the call of a step's action (sched_int.h), once its
 * intent is journaled (sched_step.c): the circuit breaker that may refuse
 * it, the run with its timeout and injected faults, and its outcome,
 * journaled with the after-image of what it changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "breaker.h"
#include "sched_int.h"

/* ---- circuit breakers ------------------------------------------------------ */

/* Journals that breaker K of step N moved to state TO (-1: it did not). */
static void breaker_moved(task_t *t, uint32_t n, breaker_t *k, int to)
{
    if (to < 0)
        return;
    static const char *const kinds[] = {
        [BREAKER_CLOSED] = "breaker-closed", [BREAKER_OPEN] = "breaker-open",
        [BREAKER_HALF_OPEN] = "breaker-half-open",
    };
    val_t *d = val_map_new(2);
    if (d) {
        val_map_set_take(d, "breaker", 7, val_cstring(breaker_name(k)));
        if (to == BREAKER_OPEN)
            val_map_set_take(d, "until_ms", 8,
                             val_int(breaker_open_until(k)));
    }
    sched_event(t->run, kinds[to], n, t->item, d);
}

/* Whether the breaker of call C lets it through now (else fails the call
 * with Unavailable, at once). */
static bool breaker_lets(struct step_call *c)
{
    task_t *t = c->t;
    run_t *r = t->run;
    bool oom = false;
    breaker_t *k = breakers_find(r->breakers, c->name, c->args,
                                 c->row->target_of, &oom);
    if (oom)
        r->fatal = true;
    if (!k)
        return true;
    int to;
    int64_t now = store_now_ms();
    bool ok = breaker_allow(k, now, &to);
    breaker_moved(t, c->node, k, to);
    if (ok) {
        c->breaker = k;
        return true;
    }
    actx_fail(c->ctx, "Unavailable", "the circuit breaker of %s is open: "
              "the call failed at once (a probe goes through once its "
              "cooldown has passed)", breaker_name(k));
    return false;
}

/* ---- outcome -------------------------------------------------------------- */

void sched_journal_after(run_t *r, action_ctx_t *ctx, int64_t seq,
                         const val_t *resources)
{
    if (!seq || !resources || !val_len(resources))
        return;
    val_t *after = val_map_new(val_len(resources));
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; after && i < val_len(resources); i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(resources, i), &len);
        b.len = 0;
        if (resource_state(ctx, id, &b) == MIG_OK && !b.oom
            && val_map_set_take(after, id, len, val_string(b.data ? b.data
                                                           : "", b.len))
               != MIG_OK)
            r->fatal = true;
    }
    strbuf_free(&b);
    if (!after || store_journal_after(r->store, r->id, seq, after) != MIG_OK)
        r->fatal = true;
    val_unref(after);
}

void sched_call_finished(action_ctx_t *ctx, mig_status_t st, val_t *res,
                         void *data)
{
    struct step_call *c = data;
    task_t *t = c->t;
    run_t *r = t->run;
    uint32_t n = c->node;
    bool was = task_enter(t);
    t->waiting = false;
    if (c->seq)
        sched_crash_point("after-effect");
    sched_log_lines(r, ctx, n, t->item);
    /* The call's attempt: the retry block's, plus the handler retries. */
    uint32_t attempt = t->attempt + (t->redo_node == n ? t->redos : 0);
    store_step_t rec = { .node = graph_node_id(r->g, n), .item = t->item,
                         .attempts = attempt, .started_ms = c->started_ms,
                         .ended_ms = store_now_ms() };
    if (c->breaker) {
        /* Transient failures count against the breaker; a call that was
         * wrong (Permanent) says nothing of the target's health. */
        const char *cls = c->timed_out ? "Timeout" : actx_error_class(ctx);
        bool failed = st != MIG_OK || c->timed_out;
        int to;
        breaker_record(c->breaker, failed && (!cls || sched_class_is(
                           r, cls, "Transient")), rec.ended_ms, &to);
        breaker_moved(t, n, c->breaker, to);
        c->breaker = NULL;
    }
    if (st == MIG_OK && !c->timed_out) {
        if (!res)
            res = val_null();
        /* The outcome joins the next commit; queued, it costs a row in
         * three multi-row statements rather than three statements. */
        store_defer(r->store, true);
        if (c->seq && store_journal_set(r->store, r->id, c->seq,
                                        STORE_JOURNAL_DONE) != MIG_OK)
            r->fatal = true;
        /* What the answer said for the undo joins the same commit. */
        if (c->seq && actx_outcome(ctx)
            && store_journal_outcome(r->store, r->id, c->seq,
                                     actx_outcome(ctx)) != MIG_OK)
            r->fatal = true;
        sched_journal_after(r, ctx, c->seq, c->resources);
        rec.state = STORE_STEP_DONE;
        rec.result = res;
        if (store_step_put(r->store, r->id, &rec) != MIG_OK)
            r->fatal = true;
        r->n_done++;
        val_t *d = val_map_new(1);
        if (d)
            val_map_set_take(d, "action", 6, val_cstring(c->name));
        sched_event(r, "step-done", n, t->item, d);
        store_defer(r->store, false);
        sched_bind_result(t, n, res);
        if (t->redo_node == n) {
            t->redo_node = GRAPH_NONE;
            t->redos = 0;
        }
        t->node = graph_flow_next(r->g, n);
    } else {
        if (st == MIG_ENOMEM)
            r->fatal = true;
        sched_err_t e = { .node = n, .attempt = attempt };
        const char *cls = actx_error_class(ctx);
        const char *msg = actx_error_message(ctx);
        char buf[256];
        if (c->timed_out) {
            cls = "Timeout";
            const char *step = graph_node_ast(r->g, n)->u.step.name.name;
            if (c->by_deadline)
                snprintf(buf, sizeof buf, "step '%s' was stopped: the time "
                         "of its retry attempt ran out", step);
            else
                snprintf(buf, sizeof buf, "step '%s' took longer than "
                         "%lldms", step, (long long)c->timeout_ms);
            msg = buf;
        }
        e.cls = strdup(cls ? cls : "Unavailable");
        e.message = strdup(msg ? msg : "the action failed");
        e.item = strdup(t->item);
        e.input = val_ref(c->args);
        e.detail = val_ref(actx_error_detail(ctx));
        e.retry_after_ms = actx_suggested_delay(ctx);
        /* A call that never began (a fault injected, a breaker open, a
         * command that never started) has nothing to undo. */
        bool began = c->ran && (!c->row->reports_start || actx_began(ctx));
        if (c->seq && store_journal_set(r->store, r->id, c->seq, began
                                        ? STORE_JOURNAL_FAILED
                                        : STORE_JOURNAL_NOT_RUN) != MIG_OK)
            r->fatal = true;
        sched_journal_after(r, ctx, c->seq, c->resources);
        rec.state = STORE_STEP_FAILED;
        rec.error_class = e.cls;
        rec.error = e.message;
        /* what it failed on, for `mig report` */
        val_t *kept = c->row->journal_args ? c->row->journal_args(c->args)
                                           : val_ref(c->args);
        rec.args = kept;
        if (!kept || store_step_put(r->store, r->id, &rec) != MIG_OK)
            r->fatal = true;
        val_unref(kept);
        val_t *d = val_map_new(3);
        if (d) {
            val_map_set_take(d, "action", 6, val_cstring(c->name));
            val_map_set_take(d, "class", 5, val_cstring(e.cls));
            val_map_set_take(d, "message", 7, val_cstring(e.message));
            val_map_set_take(d, "attempt", 7, val_int(attempt));
            sched_event_status(d, e.detail);
        }
        sched_event(r, "step-failed", n, t->item, d);
        task_raise(t, n, &e);
    }
    val_unref(res);
    step_free(c);
    t->call = NULL;
    task_leave(t, was);
}

void sched_event_status(val_t *d, const val_t *detail)
{
    val_t *s = detail && val_type(detail) == VAL_MAP
        ? val_map_get(detail, "status", 6) : NULL;
    if (s && val_is_int(s))
        val_map_set(d, "status", 6, s);
}

static void call_timeout(uv_timer_t *h)
{
    struct step_call *c = h->data;
    c->timed_out = true;
    actx_cancel(c->ctx);
}

/* Whether the call of ACTION named WHERE (a node id, or an action and its
 * place) for ITEM in its ATTEMPT must fail on purpose (runtime.h,
 * faults_hit): the call's name is all three, so that its draw is the same
 * in every run of the seed. */
bool sched_fault_hit(run_t *r, const char *action, const char *node,
                     const char *where, const char *item, uint32_t attempt,
                     const char **cls, const char **why)
{
    if (!r->opts->faults)
        return false;
    strbuf_t name;
    strbuf_init(&name);
    strbuf_printf(&name, "%s\t%s\t%u", where, item, attempt);
    bool hit = faults_hit(r->opts->faults, action, node,
                          name.oom ? where : name.data, cls, why);
    strbuf_free(&name);
    return hit;
}

/* Runs the action of C (its intent, if any, committed). */
void sched_call_run(struct step_call *c)
{
    task_t *t = c->t;
    run_t *r = t->run;
    if (c->seq)
        sched_crash_point("before-effect");
    actx_begin(c->ctx, c->name);
    actx_set_action(c->ctx, c->row);
    uint32_t attempt = t->attempt + (t->redo_node == c->node ? t->redos : 0);
    actx_set_attempt(c->ctx, attempt);
    val_t *res = NULL;
    c->started_ms = store_now_ms();
    const char *cls, *why;
    mig_status_t st;
    /* A retry attempt's time (its timeout, the block's deadline) bounds
     * the step's own timeout. */
    int64_t left = t->deadline_ms ? t->deadline_ms - c->started_ms : 0;
    if (t->deadline_ms && (c->timeout_ms <= 0 || left < c->timeout_ms)) {
        c->timeout_ms = left > 0 ? left : 0;
        c->by_deadline = true;
    }
    if (t->deadline_ms && left <= 0)
        st = actx_fail(c->ctx, "Timeout", "step '%s' did not start: the time "
                       "of its retry attempt ran out",
                       graph_node_ast(r->g, c->node)->u.step.name.name);
    else if (r->breakers && !breaker_lets(c))
        st = MIG_EINVALID;
    else if (sched_fault_hit(r, c->name, graph_node_id(r->g, c->node),
                             graph_node_id(r->g, c->node), t->item, attempt,
                             &cls, &why))
        st = actx_fail(c->ctx, cls, "injected fault (%s)", why);
    else if (c->row->run) {
        actx_set_time_limit(c->ctx, c->timeout_ms);
        c->ran = true;
        actx_set_record(c->ctx, r->id, c->seq, 0);
        st = c->row->run(c->ctx, c->args, &res);
    }
    else
        st = actx_fail(c->ctx, "MethodNotFound", "%s cannot run in this build",
                       c->name);
    if (st == MIG_OK && actx_suspended(c->ctx)) {
        actx_on_finish(c->ctx, sched_call_finished, c);
        t->waiting = true;
        if (c->timeout_ms > 0 && (c->timer = malloc(sizeof(*c->timer)))) {
            uv_timer_init(r->loop, c->timer);
            c->timer->data = c;
            uv_timer_start(c->timer, call_timeout, (uint64_t)c->timeout_ms,
                           0);
        }
        return;
    }
    sched_call_finished(c->ctx, st, res, c);
}
