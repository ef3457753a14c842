/* sched_retry.c: retry blocks (docs/language.md, "retry"), and mig.yaml's
 * default retry (docs/configuration.md, "retry"), which runs a step
 * outside any retry block as a block of its own. Each attempt is a task
 * of its own that runs the block from its first statement; the wait
 * between attempts is a timer of the loop, never a sleeping thread. A
 * block's attempt in progress is recorded in the store, so that a
 * resumed run goes on counting where it stopped. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sched_int.h"

typedef struct retry {
    task_t *t;
    uint32_t node, first, stop;
    uint32_t after;             /* where the block's task goes on after it */
    bool dflt;                  /* mig.yaml's default retry of step NODE */
    uint32_t attempts, attempt;
    int64_t next_ms;            /* the wait before the next attempt */
    int64_t attempt_ms;         /* `timeout`: each attempt's time, or 0 */
    int64_t deadline_at;        /* `deadline`: when attempts stop, or 0 */
    bool timer_open;
    uv_timer_t timer;
} retry_t;

static void retry_closed(uv_handle_t *h)
{
    free(h->data);
}

static void retry_free(retry_t *rs)
{
    if (rs->timer_open) {
        rs->timer.data = rs;
        uv_close((uv_handle_t *)&rs->timer, retry_closed);
    } else {
        free(rs);
    }
}

/* A wait is at most a year (longer is a mistake, not a policy). */
#define RETRY_MAX_WAIT_MS (86400000.0 * 365)

int64_t retry_policy_delay(const retry_policy_t *p, uint32_t n,
                           int64_t suggested, uint64_t *rng)
{
    double d = 0;
    switch (p->backoff) {
    case AST_BACKOFF_FIXED:
        d = p->delay;
        break;
    case AST_BACKOFF_LINEAR:
        d = fmin(p->base + (double)(n - 1) * p->step, p->max);
        break;
    case AST_BACKOFF_EXPONENTIAL:
        d = fmin(p->base * pow(p->factor, (double)(n - 1)), p->max);
        break;
    default:
        break;
    }
    if (!isfinite(d) || d < 0)
        d = isinf(d) && d > 0 ? RETRY_MAX_WAIT_MS : 0;
    d = fmin(d, RETRY_MAX_WAIT_MS);
    /* Jitter: a uniform draw in [0, 1) with 53 bits. */
    if (p->jitter == AST_JITTER_FULL || p->jitter == AST_JITTER_EQUAL) {
        double u = draw_unit(rng);
        d = p->jitter == AST_JITTER_FULL ? u * d : d / 2 + u * (d / 2);
    }
    int64_t ms = (int64_t)d;
    /* An action's suggestion (Retry-After) lengthens the wait, up to max. */
    if (suggested > ms)
        ms = (int64_t)fmin((double)suggested, fmin(p->max, RETRY_MAX_WAIT_MS));
    return ms;
}

/* The backoff argument NAME of retry node R in ms (a duration), or as a
 * number (FACTOR); DEF when absent. */
static double backoff_arg(task_t *t, const ast_node_t *r, const char *name,
                          double def, bool *ok)
{
    const ast_args_t *a = &r->u.retry.backoff_args;
    for (uint32_t i = 0; i < a->len; i++) {
        if (strcmp(a->items[i].name.name, name) != 0)
            continue;
        diag_list_t d;
        diag_list_init(&d);
        val_t *v = NULL;
        double x = def;
        task_t *was = t->run->evaluating;
        t->run->evaluating = t;
        mig_status_t st = eval_expr(a->items[i].value, t->env, t->run->src,
                                    &d, &v);
        t->run->evaluating = was;
        if (st
            != MIG_OK)
            *ok = false;
        else if (val_type(v) == VAL_DURATION)
            x = (double)val_get_ms(v);
        else if (val_type(v) == VAL_NUMBER)
            x = val_get_number(v);
        else
            *ok = false;
        val_unref(v);
        diag_list_free(&d);
        return x;
    }
    return def;
}

/* The policy of RS: mig.yaml's default, or its retry node's, the
 * arguments evaluated in T's scope. */
static retry_policy_t policy_of(task_t *t, const retry_t *rs, bool *ok)
{
    *ok = true;
    const config_run_defaults_t *d = t->run->opts->defaults;
    if (rs->dflt)
        return (retry_policy_t){ .backoff = d->backoff, .jitter = d->jitter,
                                 .delay = (double)d->base_ms,
                                 .base = (double)d->base_ms,
                                 .step = (double)d->base_ms, .factor = 2,
                                 .max = (double)d->max_ms };
    const ast_node_t *r = graph_node_ast(t->run->g, rs->node);
    retry_policy_t p = { .backoff = r->u.retry.backoff,
                         .jitter = r->u.retry.jitter, .factor = 2,
                         .max = INFINITY };
    p.delay = backoff_arg(t, r, "delay", 0, ok);
    p.base = backoff_arg(t, r, "base", 0, ok);
    p.step = backoff_arg(t, r, "step", p.base, ok);
    p.factor = backoff_arg(t, r, "factor", 2, ok);
    p.max = backoff_arg(t, r, "max", INFINITY, ok);
    return p;
}

static void attempt_done(task_t *c);

/* Records the state of RS's block (a default retry's step records
 * itself). */
static void record(retry_t *rs, store_step_state_t state, bool started)
{
    run_t *r = rs->t->run;
    store_step_t st = { .node = graph_node_id(r->g, rs->node),
                        .item = rs->t->item, .state = state,
                        .attempts = rs->attempt };
    if (started)
        st.started_ms = store_now_ms();
    else if (state == STORE_STEP_DONE)
        st.ended_ms = store_now_ms();
    /* Queued: a row of the next multi-row write, not a statement that
     * first writes out everything queued (two a block an item). */
    bool was = store_defer(r->store, true);
    if (!rs->dflt && store_step_put(r->store, r->id, &st) != MIG_OK)
        r->fatal = true;
    store_defer(r->store, was);
}

static void attempt_begin(retry_t *rs)
{
    task_t *t = rs->t;
    run_t *r = t->run;
    record(rs, STORE_STEP_RUNNING, true);
    eval_env_t *env = eval_env_new(t->env);
    task_t *c = env ? task_start(r, t, TASK_ATTEMPT, rs->node, rs->first,
                                 rs->stop, env, t->item, attempt_done, rs)
                    : NULL;
    if (!c) {
        r->fatal = true;
        bool was = task_enter(t);
        t->waiting = false;
        retry_free(rs);
        task_fail(t, rs->node, "Permanent", "out of memory");
        task_leave(t, was);
        return;
    }
    c->attempt = rs->attempt;
    c->raw = rs->dflt;  /* the step's handlers are asked after its attempts */
    /* The attempt's time: its own timeout, the block's deadline, and an
     * enclosing attempt's, whichever ends first. */
    int64_t now = store_now_ms(), dl = t->deadline_ms;
    if (rs->attempt_ms && (!dl || now + rs->attempt_ms < dl))
        dl = now + rs->attempt_ms;
    if (rs->deadline_at && (!dl || rs->deadline_at < dl))
        dl = rs->deadline_at;
    c->deadline_ms = dl;
    task_go(c);
}

static void retry_wake(uv_timer_t *h)
{
    attempt_begin(h->data);
}

/* Whether RS retries errors of class CLS. */
static bool retries(const run_t *r, const retry_t *rs, const char *cls)
{
    const config_run_defaults_t *d = r->opts->defaults;
    for (size_t i = 0; rs->dflt && i < d->n_retry_on; i++)
        if (sched_class_is(r, cls, d->retry_on[i]))
            return true;
    if (rs->dflt)
        return false;
    const ast_idents_t *on = &graph_node_ast(r->g, rs->node)->u.retry.on;
    for (uint32_t i = 0; i < on->len; i++)
        if (sched_class_is(r, cls, on->items[i].name))
            return true;
    return on->len == 0;
}

/* Whether another attempt can start before the block's deadline (the
 * wait before it is computed here, into RS->next_ms); when not, the error
 * E says so in its cause. */
static bool before_deadline(task_t *t, retry_t *rs, sched_err_t *e)
{
    run_t *r = t->run;
    bool ok;
    retry_policy_t p = policy_of(t, rs, &ok);
    /* The wait's own generator: the same wait for this item and attempt
     * in every run of the seed, whatever the other items do. */
    strbuf_t key;
    strbuf_init(&key);
    strbuf_printf(&key, "jitter\t%s\t%s\t%u", graph_node_id(r->g, rs->node),
                  t->item, rs->attempt);
    uint64_t rng = draw_state(r->seed, key.oom ? "" : key.data);
    strbuf_free(&key);
    rs->next_ms = retry_policy_delay(&p, rs->attempt, e->retry_after_ms,
                                     &rng);
    if (!rs->deadline_at || store_now_ms() + rs->next_ms < rs->deadline_at)
        return true;
    free(e->cause);
    e->cause = strdup("the retry block's deadline came before its next "
                      "attempt");
    return false;
}

static void attempt_done(task_t *c)
{
    retry_t *rs = c->owner;
    task_t *t = rs->t;
    run_t *r = t->run;
    bool was = task_enter(t);
    if (c->end == TASK_OK) {
        record(rs, STORE_STEP_DONE, false);
        t->node = rs->after;
        t->waiting = false;
        retry_free(rs);
    } else if (c->end == TASK_SKIPPED) {
        t->skip_reason = c->skip_reason;
        c->skip_reason = NULL;
        t->waiting = false;
        retry_free(rs);
        task_end(t, TASK_SKIPPED);
    } else if (!c->err.final && !r->stopping && !r->fatal
               && rs->attempt < rs->attempts
               && retries(r, rs, c->err.cls)
               && before_deadline(t, rs, &c->err)) {
        int64_t ms = rs->next_ms;
        val_t *d = val_map_new(4);
        if (d) {
            val_map_set_take(d, "attempt", 7, val_int(rs->attempt));
            val_map_set_take(d, "delay_ms", 8, val_int(ms));
            val_map_set_take(d, "class", 5, val_cstring(c->err.cls));
            val_map_set_take(d, "message", 7, val_cstring(c->err.message));
            sched_event_status(d, c->err.detail);
        }
        sched_event(r, "retry-wait", rs->node, t->item, d);
        rs->attempt++;
        /* The next attempt is recorded before the wait: a run that dies
         * while waiting resumes with it (at once). */
        record(rs, STORE_STEP_RUNNING, false);
        if (!rs->dflt && store_flush(r->store) != MIG_OK)
            r->fatal = true;
        sched_crash_point("retry-wait");
        if (!rs->timer_open) {
            uv_timer_init(r->loop, &rs->timer);
            rs->timer_open = true;
        }
        rs->timer.data = rs;
        uv_timer_start(&rs->timer, retry_wake, (uint64_t)ms, 0);
    } else {
        sched_err_t e = c->err;
        memset(&c->err, 0, sizeof(c->err));
        uint32_t n = rs->node;
        t->waiting = false;
        retry_free(rs);
        task_raise(t, n, &e);
    }
    task_free(c);
    task_leave(t, was);
}

/* Evaluates E, a retry clause WHAT, into *MS: a duration above zero
 * (else raised: InvalidConfig). */
static bool positive_duration(task_t *t, uint32_t n, const ast_node_t *e,
                              const char *what, int64_t *ms)
{
    val_t *v = sched_eval(t, n, e);
    if (!v)
        return false;
    bool ok = val_type(v) == VAL_DURATION && val_get_ms(v) > 0;
    if (ok)
        *ms = val_get_ms(v);
    else
        task_fail(t, n, "InvalidConfig", "the retry block's %s must be a "
                  "duration above zero", what);
    val_unref(v);
    return ok;
}

void retry_start(task_t *t, uint32_t n)
{
    run_t *r = t->run;
    const ast_node_t *s = graph_node_ast(r->g, n);
    val_t *v = sched_eval(t, n, s->u.retry.attempts);
    if (!v)
        return;
    if (!val_is_int(v) || val_get_int(v) < 1) {
        val_unref(v);
        task_fail(t, n, "InvalidConfig", "the number of attempts must be a "
                  "whole number of at least 1");
        return;
    }
    int64_t per = 0, deadline = 0;
    if ((s->u.retry.timeout
         && !positive_duration(t, n, s->u.retry.timeout, "timeout", &per))
        || (s->u.retry.deadline
            && !positive_duration(t, n, s->u.retry.deadline, "deadline",
                                  &deadline))) {
        val_unref(v);
        return;
    }
    retry_t *rs = calloc(1, sizeof(*rs));
    if (!rs) {
        val_unref(v);
        r->fatal = true;
        task_fail(t, n, "Permanent", "out of memory");
        return;
    }
    *rs = (retry_t){ .t = t, .node = n, .first = graph_flow_next(r->g, n),
                     .stop = graph_end_of(r->g, n, "exit"),
                     .attempts = (uint32_t)(val_get_int(v) > UINT32_MAX
                                            ? UINT32_MAX : val_get_int(v)),
                     .attempt = 1, .attempt_ms = per,
                     .deadline_at = deadline ? store_now_ms() + deadline : 0 };
    val_unref(v);
    rs->after = graph_flow_next(r->g, rs->stop);
    /* A resumed run goes on with the attempt it was in. */
    char *key = step_key(graph_node_id(r->g, n), t->item);
    val_t *rec = key && r->done ? val_map_get(r->done, key, strlen(key)) : NULL;
    val_t *at = rec ? val_map_get(rec, "attempts", 8) : NULL;
    if (at && val_is_int(at) && val_get_int(at) >= 1)
        rs->attempt = (uint32_t)val_get_int(at);
    if (rec)
        val_map_delete(r->done, key, strlen(key));
    free(key);
    t->waiting = true;
    attempt_begin(rs);
}

bool retry_default_applies(const task_t *t)
{
    const config_run_defaults_t *d = t->run->opts->defaults;
    if (!d || d->retry_attempts < 2)
        return false;
    for (; t; t = t->parent)
        if (t->kind == TASK_ATTEMPT)
            return false;
    return true;
}

void retry_default_start(task_t *t, uint32_t n)
{
    run_t *r = t->run;
    retry_t *rs = calloc(1, sizeof(*rs));
    if (!rs) {
        r->fatal = true;
        task_fail(t, n, "Permanent", "out of memory");
        return;
    }
    uint32_t next = graph_flow_next(r->g, n);
    *rs = (retry_t){ .t = t, .node = n, .first = n, .stop = next,
                     .after = next, .dflt = true,
                     .attempts = r->opts->defaults->retry_attempts,
                     .attempt = 1 };
    t->waiting = true;
    attempt_begin(rs);
}
