/* rollback_undo.c: a rollback's pass 2, the undo walk (rollback.c,
 * rollback_apply): each pending record undone, newest first, through its
 * action's undo (or a plan's undo call, run as an action), the records
 * marked undone in the journal in stretches once their queued removals
 * are made, and what failed reported as the record's. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rollback_int.h"

/* Self-undoing records are marked undone, and the marks committed, this
 * many at a time at most: a rollback interrupted redoes at most this many
 * undos (harmless), and one of 100,000 records commits 49 times rather
 * than 391. */
#define RB_STRETCH 2048

/* ---- undoing one record ----------------------------------------------------- */

/* Undoing a record may queue the removals it makes to a remover
 * (runtime.h, actx_set_remover), which makes them on its thread while the
 * next records are read and undone. A record counts as undone, is marked
 * so and is reported, only once its removals are made (rollback_mark,
 * below). */

static const char *str_of(const val_t *m, const char *key)
{
    val_t *v = m ? val_map_get(m, key, strlen(key)) : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : "";
}

/* Applies the undo of REC with the context CTXS[0] (an undo) or CTXS[1]
 * (a plan's undo call, run as an action), made on first use and reused;
 * on failure *WHY says what went wrong. */
static mig_status_t undo_one(const rollback_env_t *e, const actx_host_t *host,
                             action_ctx_t **ctxs, actx_remover_t *rm,
                             const store_journal_t *rec, char **why)
{
    bool plan = rec->kind == STORE_JOURNAL_PLAN;
    const char *name = plan ? str_of(rec->undo, "action") : rec->action;
    const action_t *row = action_find(e->reg, name);
    action_ctx_t *ctx = ctxs[plan];
    if (!ctx && !(ctx = ctxs[plan] = actx_new(plan ? ACTX_RUN : ACTX_UNDO,
                                              e->base_dir)))
        return MIG_ENOMEM;
    actx_set_host(ctx, host);
    actx_set_action(ctx, row);
    actx_set_attempt(ctx, 1);
    /* A done record's effect finished: nothing of it is half made. */
    actx_set_effect_done(ctx, rec->state == STORE_JOURNAL_DONE);
    /* A plan's undo call runs after the removals queued (rollback_undo_each). */
    actx_set_remover(ctx, plan ? NULL : rm, rec->seq);
    actx_begin(ctx, name);
    /* A command an undo starts is journaled as the record's (role 1). */
    actx_set_record(ctx, e->run, plan ? rec->seq : 0, 1);
    /* What the effect's answer said, for an undo that needs it (an
     * endpoint's ETag: docs/http.md, "Undo"). */
    if (!plan && rec->outcome)
        actx_set_outcome(ctx, val_ref(rec->outcome));
    val_t *res = NULL;
    mig_status_t st;
    action_fn fn = row ? (plan ? row->run : row->undo) : NULL;
    if (!fn)
        st = actx_fail(ctx, "MethodNotFound", "no undo for %s in this build",
                       name);
    else
        st = sched_call_wait(ctx, host, fn, plan ? val_map_get(rec->undo,
                                                               "args", 4)
                                                 : rec->undo, &res);
    val_unref(res);
    if (st != MIG_OK) {
        const char *m = actx_error_message(ctx);
        const char *c = actx_error_class(ctx);
        size_t n = strlen(m ? m : "") + strlen(c ? c : "") + 16;
        *why = malloc(n);
        if (*why)
            snprintf(*why, n, "%s: %s", c ? c : "Unavailable", m ? m : "");
    }
    return st;
}

/* ---- pass 2: the undo walk ---------------------------------------------------- */

/* Reports RB's undo of REC failing for WHY ("Class: message"). */
static void undo_failed(rb_t *b, const store_journal_t *rec, const char *why)
{
    const rollback_env_t *e = b->e;
    val_t *f = rollback_describe(rec);
    if (f)
        val_map_set_take(f, "error", 5, val_cstring(why ? why
                                                        : "out of memory"));
    diag_add(e->diags, DIAG_ERROR, NULL, NULL, "the undo of step %s (%s) "
             "failed: %s", rec->node, rec->action, why ? why : "out of memory");
    rollback_event(e, "undo-failed", rec->node, rec->item, f, true);
}

typedef struct failed_removal {
    rb_t *b;
    const char *why;
    bool found;
} failed_removal_t;

static bool report_removal(void *data, const store_journal_t *rec)
{
    failed_removal_t *f = data;
    f->found = true;
    undo_failed(f->b, rec, f->why);
    return false;
}

/* Reports the removal queued for record SEQ failing for WHY. */
static void removal_failed(rb_t *b, int64_t seq, const char *why)
{
    failed_removal_t f = { .b = b, .why = why };
    store_journal_each(b->e->store, b->e->run, seq - 1, STORE_EACH_NO_VALUES,
                       report_removal, &f);
    if (!f.found)
        diag_add(b->e->diags, DIAG_ERROR, NULL, NULL, "the undo of journal "
                 "record %" PRId64 " failed: %s", seq, why ? why : "?");
    b->failed = b->rm_failed = true;
}

/* Reports the records of B->done from SEQ LO up as undone. */
static void report_done(rb_t *b, int64_t lo)
{
    const rollback_env_t *e = b->e;
    for (size_t i = 0; b->done && i < val_len(b->done); i++) {
        val_t *d = val_list_get(b->done, i);
        if (val_get_int(val_map_get(d, "seq", 3)) < lo)
            continue;
        if (e->list && val_list_push(b->list, d) != MIG_OK)
            b->oom = true;
        rollback_event(e, "undo",
                       val_get_str(val_map_get(d, "node", 4), NULL),
                       val_get_str(val_map_get(d, "item", 4), NULL),
                       val_ref(d), false);
    }
    val_unref(b->done);
    b->done = NULL;
}

/* Waits for the removals queued for the records B->lo..B->hi, then marks
 * undone and reports those whose undo is complete: all, unless a removal
 * failed; then those newer than its record (the removals queued after it
 * were not made), and the failure is reported as that record's. */
bool rollback_mark(rb_t *b)
{
    int64_t tag = 0;
    char *why = NULL;
    bool removed = !b->rm || b->rm_failed
                   || actx_remover_wait(b->rm, &tag, &why) == MIG_OK;
    int64_t lo = b->lo;
    if (!removed && lo && tag >= lo && tag <= b->hi) {
        b->n_undone -= (size_t)(tag - lo + 1);
        lo = tag + 1;
    }
    report_done(b, lo);
    mig_status_t st = MIG_OK;
    if (lo && lo <= b->hi)
        st = store_journal_mark_undone(b->e->store, b->e->run, lo, b->hi);
    b->lo = b->hi = 0;
    if (!removed)
        removal_failed(b, tag, why);
    free(why);
    return st == MIG_OK && removed;
}

/* Pass 2: undoes each pending record, newest first, and gathers the state
 * every resource had before the run first touched it. */
bool rollback_undo_each(void *data, const store_journal_t *rec)
{
    rb_t *b = data;
    const rollback_env_t *e = b->e;
    if (!rollback_pending(rec->state))
        return true;
    /* mig rollback stops between two undos at a stop signal; a run's own
     * rollback never starts once its run was interrupted (run.c). */
    if (!e->in_run && (b->interrupted = sched_stop_signal()) != 0)
        return false;
    if (rec->kind == STORE_JOURNAL_NONE) {
        if (!rollback_mark(b)
            || store_journal_set(e->store, e->run, rec->seq,
                                 STORE_JOURNAL_FORCED) != MIG_OK)
            b->failed = true;
        rollback_event(e, "undo-forced", rec->node, rec->item,
                       rollback_describe(rec), true);
        return !b->failed;
    }
    bool plan = rec->kind == STORE_JOURNAL_PLAN;
    /* A plan's undo call may not be safe twice: the journal says it
     * started before it runs. Self-undoing records are marked undone in
     * stretches (an undo done twice is harmless). */
    if ((b->lo && (rec->seq != b->lo - 1 || plan) && !rollback_mark(b))
        || (plan && (store_journal_set(e->store, e->run, rec->seq,
                                       STORE_JOURNAL_UNDOING) != MIG_OK
                     || store_flush(e->store) != MIG_OK))) {
        b->failed = true;
        return false;
    }
    sched_crash_point("before-undo");
    char *why = NULL;
    if (undo_one(e, &b->host, b->ctxs, b->rm, rec, &why) != MIG_OK) {
        /* A removal queued before it failing is the failure to report. */
        rollback_mark(b);
        if (!b->rm_failed)
            undo_failed(b, rec, why);
        b->failed = true;
        free(why);
        return false;
    }
    if (plan) {
        if (store_journal_set(e->store, e->run, rec->seq,
                              STORE_JOURNAL_UNDONE) != MIG_OK) {
            b->failed = true;
            return false;
        }
    } else {
        b->hi = b->lo ? b->hi : rec->seq;
        b->lo = rec->seq;
    }
    sched_crash_point("after-undo");
    b->n_undone++;
    if (e->list || e->on_event) {
        /* Reported once its removals are made (mark). */
        val_t *d = rollback_describe(rec);
        if (!d || (!b->done && !(b->done = val_list_new(64)))
            || val_list_push_take(b->done, d) != MIG_OK)
            b->oom = true;
        if (plan)
            report_done(b, 0);
    }
    if (b->n_undone % RB_STRETCH == 0) {
        if (!rollback_mark(b) || store_flush(e->store) != MIG_OK)
            b->failed = true;
        sched_crash_point("after-mark");    /* the stretch is committed */
    }
    return !b->failed && !b->oom;
}
