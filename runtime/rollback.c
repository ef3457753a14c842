/* rollback.c: undoing a run back to a checkpoint, or whole (runtime.h,
 * rollback_run; sched_int.h, rollback_apply). The undo records written
 * after the checkpoint are applied newest first; each is marked undone
 * in the journal as it goes, so a rollback that is itself interrupted is
 * finished by running it again. Then the managed resources are compared
 * with their state at the checkpoint: a rollback that does not bring them
 * back exactly says which ones differ. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sched_int.h"

/* ---- the records ----------------------------------------------------------- */

/* Self-undoing records are marked undone, and the marks committed, this
 * many at a time at most: a rollback interrupted redoes at most this many
 * undos (harmless), and one of 100,000 records commits 49 times rather
 * than 391. */
#define RB_STRETCH 2048

bool rollback_pending(store_journal_state_t s)
{
    return s == STORE_JOURNAL_INTENT || s == STORE_JOURNAL_DONE
        || s == STORE_JOURNAL_FAILED || s == STORE_JOURNAL_UNDOING;
}

/* Reports an event to the caller; KEEP also stores it (the events about
 * single records are not stored: the journal's states say the same, and
 * a rollback of 100,000 records should not write 100,000 events). */
static void rb_event(const rollback_env_t *e, const char *kind,
                     const char *node, const char *item, val_t *d, bool keep)
{
    if (keep)
        store_event(e->store, e->run, kind, node, item, d);
    if (e->on_event)
        e->on_event(e->data, kind, node, item, d);
    val_unref(d);
}

/* The short description of record REC for reports:
 * {seq, node, item, action, kind}. NULL when out of memory. */
static val_t *describe(const store_journal_t *rec)
{
    val_t *m = val_map_new(5);
    if (m && (val_map_set_take(m, "seq", 3, val_int(rec->seq)) != MIG_OK
              || val_map_set_take(m, "node", 4, val_cstring(rec->node))
                 != MIG_OK
              || val_map_set_take(m, "item", 4, val_cstring(rec->item))
                 != MIG_OK
              || val_map_set_take(m, "action", 6, val_cstring(rec->action))
                 != MIG_OK
              || val_map_set_take(m, "kind", 4, val_cstring(
                     store_journal_kind_name(rec->kind))) != MIG_OK)) {
        val_unref(m);
        m = NULL;
    }
    return m;
}

/* describe(REC) with "paths": the paths it touches (the keys of its
 * resources, when read), for the list of a dry run. */
static val_t *describe_paths(const store_journal_t *rec)
{
    val_t *m = describe(rec);
    val_t *paths = m ? val_list_new(rec->resources ? val_len(rec->resources)
                                                   : 0)
                     : NULL;
    for (size_t i = 0; paths && rec->resources
                       && i < val_len(rec->resources); i++)
        if (val_list_push(paths, val_map_key(rec->resources, i)) != MIG_OK) {
            val_unref(paths);
            paths = NULL;
        }
    if (!paths || val_map_set_take(m, "paths", 5, paths) != MIG_OK) {
        val_unref(m);
        return NULL;
    }
    return m;
}

/* ---- undoing one record ----------------------------------------------------- */

/* Undoing a record may queue the removals it makes to a remover
 * (runtime.h, actx_set_remover), which makes them on its thread while the
 * next records are read and undone. A record counts as undone, is marked
 * so and is reported, only once its removals are made (mark, below). */

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
    /* A plan's undo call runs after the removals queued (undo_each). */
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

/* ---- the rollback ------------------------------------------------------------- */

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

/* Notes in B that the effect of REC cannot be verified, and WHY. */
static void unverifiable(rb_t *b, const store_journal_t *rec, const char *why)
{
    val_t *d = describe(rec);
    if (!d || val_map_set_take(d, "why", 3, val_cstring(why)) != MIG_OK
        || val_list_push_take(b->unverified, d) != MIG_OK)
        b->oom = true;
}

/* Pass 1: looks for a pending record that cannot be undone, gathers
 * the states the resources of the pending records may have before they
 * are undone (B->last: id -> [the after-image or null, the states before
 * of each pending record]), the state each resource had before the run
 * first touched it (B->want) and the steps that cannot be verified, and
 * lists what would be undone (dry runs). */
static bool scan(void *data, const store_journal_t *rec)
{
    rb_t *b = data;
    if (!b->e->dry_run
        && !sched_in_flight_keep(&b->in_flight, b->e->reg, rec, true)) {
        b->oom = true;
        return false;
    }
    /* Past an irreversible step (refused): only what is in flight. */
    if (b->stop_node)
        return true;
    /* Older records come later: the last state written is the oldest. */
    for (size_t i = 0; rec->resources && i < val_len(rec->resources); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(rec->resources, i), &len);
        if (val_map_set(b->want, p, len, val_map_value(rec->resources, i))
            != MIG_OK
            || val_map_set_take(b->want_seq, p, len, val_int(rec->seq))
               != MIG_OK)
            b->oom = true;
    }
    if (rec->kind != STORE_JOURNAL_SELF
        && (!rec->resources || !val_len(rec->resources)))
        b->oldest_undeclared = rec->seq;
    if (b->oom || !rollback_pending(rec->state))
        return !b->oom;
    b->n_pending++;
    if (rec->kind == STORE_JOURNAL_NONE && !b->e->force && !b->stop_node) {
        b->stop_node = strdup(rec->node);
        b->stop_item = strdup(rec->item);
        b->stop_action = strdup(rec->action);
        if (!b->stop_node || !b->stop_item || !b->stop_action)
            b->oom = true;
        return !b->oom;
    }
    size_t n = rec->resources ? val_len(rec->resources) : 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(rec->resources, i), &len);
        val_t *after = rec->after ? val_map_get(rec->after, id, len) : NULL;
        val_t *states = val_map_get(b->last, id, len);
        /* Newest first: the first after-image met is the last one; it
         * says nothing when a newer step that declares nothing may have
         * changed the resource since. */
        if (!states && ((states = val_list_new(2)) == NULL
                        || val_list_push_take(states, after
                                              && !b->undeclared
                                              ? val_ref(after) : val_null())
                           != MIG_OK
                        || val_map_set_take(b->last, id, len, states)
                           != MIG_OK))
            b->oom = true;
        /* A rollback cut short left some records undone but not marked:
         * their states before are states it may find. */
        val_t *before = val_map_value(rec->resources, i);
        if (states && val_list_push(states, before) != MIG_OK)
            b->oom = true;
        if (rec->kind == STORE_JOURNAL_NONE
            && val_map_set_take(b->forced, id, len, val_cstring(rec->node))
               != MIG_OK)
            b->oom = true;
    }
    if ((rec->kind == STORE_JOURNAL_PLAN || rec->kind == STORE_JOURNAL_NONE)
        && !n)
        b->undeclared = true;
    if (rec->kind == STORE_JOURNAL_PLAN && !n)
        unverifiable(b, rec, "its undo call declares nothing it manages "
                     "(give the step manages: [...])");
    else if (rec->kind == STORE_JOURNAL_NONE && !n)
        unverifiable(b, rec, "it cannot be undone and declares nothing it "
                     "manages: its effect is left in place, unknown");
    if (b->e->dry_run && val_list_push_take(b->list, describe_paths(rec)) != MIG_OK)
        b->oom = true;
    return !b->oom;
}

/* Frees what pass 1 (scan) gathered in B, and forgets it. */
static void scan_clear(rb_t *b)
{
    val_unref(b->list);
    val_unref(b->want);
    val_unref(b->want_seq);
    val_unref(b->last);
    val_unref(b->unverified);
    val_unref(b->forced);
    free(b->stop_node);
    free(b->stop_item);
    free(b->stop_action);
    free(b->in_flight.seqs);
    const rollback_env_t *e = b->e;
    *b = (rb_t){ .e = e };
}

/* Pass 1 over the records of B->e->run after AFTER, newest first, into B
 * (cleared first). MIG_OK, or the store's failure, or MIG_ENOMEM. */
static mig_status_t scan_pass(rb_t *b, int64_t after)
{
    scan_clear(b);
    b->list = val_list_new(16);
    b->want = val_map_new(64);
    b->want_seq = val_map_new(64);
    b->last = val_map_new(64);
    b->unverified = val_list_new(4);
    b->forced = val_map_new(4);
    if (!b->list || !b->want || !b->want_seq || !b->last || !b->unverified
        || !b->forced)
        return MIG_ENOMEM;
    mig_status_t st = store_journal_each(b->e->store, b->e->run, after,
                                         STORE_EACH_REVERSE
                                         | STORE_EACH_NO_ARGS
                                         | STORE_EACH_NO_UNDO, scan, b);
    return st != MIG_OK ? st : b->oom ? MIG_ENOMEM : MIG_OK;
}

/* Reports RB's undo of REC failing for WHY ("Class: message"). */
static void undo_failed(rb_t *b, const store_journal_t *rec, const char *why)
{
    const rollback_env_t *e = b->e;
    val_t *f = describe(rec);
    if (f)
        val_map_set_take(f, "error", 5, val_cstring(why ? why
                                                        : "out of memory"));
    diag_add(e->diags, DIAG_ERROR, NULL, NULL, "the undo of step %s (%s) "
             "failed: %s", rec->node, rec->action, why ? why : "out of memory");
    rb_event(e, "undo-failed", rec->node, rec->item, f, true);
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
        rb_event(e, "undo", val_get_str(val_map_get(d, "node", 4), NULL),
                 val_get_str(val_map_get(d, "item", 4), NULL), val_ref(d),
                 false);
    }
    val_unref(b->done);
    b->done = NULL;
}

/* Waits for the removals queued for the records B->lo..B->hi, then marks
 * undone and reports those whose undo is complete: all, unless a removal
 * failed; then those newer than its record (the removals queued after it
 * were not made), and the failure is reported as that record's. */
static bool mark(rb_t *b)
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
static bool undo_each(void *data, const store_journal_t *rec)
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
        if (!mark(b)
            || store_journal_set(e->store, e->run, rec->seq,
                                 STORE_JOURNAL_FORCED) != MIG_OK)
            b->failed = true;
        rb_event(e, "undo-forced", rec->node, rec->item, describe(rec), true);
        return !b->failed;
    }
    bool plan = rec->kind == STORE_JOURNAL_PLAN;
    /* A plan's undo call may not be safe twice: the journal says it
     * started before it runs. Self-undoing records are marked undone in
     * stretches (an undo done twice is harmless). */
    if ((b->lo && (rec->seq != b->lo - 1 || plan) && !mark(b))
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
        mark(b);
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
        val_t *d = describe(rec);
        if (!d || (!b->done && !(b->done = val_list_new(64)))
            || val_list_push_take(b->done, d) != MIG_OK)
            b->oom = true;
        if (plan)
            report_done(b, 0);
    }
    if (b->n_undone % RB_STRETCH == 0) {
        if (!mark(b) || store_flush(e->store) != MIG_OK)
            b->failed = true;
        sched_crash_point("after-mark");    /* the stretch is committed */
    }
    return !b->failed && !b->oom;
}

/* Whether run E->run recorded a checkpoint named NAME. */
typedef struct named {
    const char *name;
    bool found;
} named_t;

static bool is_named(void *data, const store_checkpoint_t *cp)
{
    named_t *n = data;
    n->found = strcmp(cp->name, n->name) == 0;
    return !n->found;
}

/* A run's own rollback to checkpoint TO, which the run never reached:
 * nothing was done after it, so there is nothing to undo (the run ends
 * failed, not rolled back). Says so in an event and *REP. */
static mig_status_t not_reached(const rollback_env_t *e, const char *to,
                                val_t **rep, run_result_t *result)
{
    val_t *d = val_map_new(2);
    if (!d || val_map_set_take(d, "to", 2, val_cstring(to)) != MIG_OK
        || val_map_set_take(d, "undone", 6, val_int(0)) != MIG_OK
        || !(*rep = val_copy(d))) {
        val_unref(d);
        return MIG_ENOMEM;
    }
    rb_event(e, "rollback-not-needed", NULL, NULL, d, true);
    *result = RUN_FAILED;
    return MIG_OK;
}

/* The states B->want that say what the run found: a resource first
 * declared by a record newer than a step that declares nothing is left
 * out (that step may have made it, so the state before the declaring
 * record is not the state before the run). The checkpoint's states are
 * put over them. A new map, or NULL when out of memory. */
static val_t *expected(const rb_t *b, const val_t *cp_states)
{
    val_t *m = val_map_new(val_len(b->want)
                           + (cp_states ? val_len(cp_states) : 0));
    for (size_t i = 0; m && i < val_len(b->want); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(b->want, i), &len);
        if (b->oldest_undeclared
            && val_get_int(val_map_get(b->want_seq, p, len))
               > b->oldest_undeclared)
            continue;
        if (val_map_set(m, p, len, val_map_value(b->want, i)) != MIG_OK) {
            val_unref(m);
            return NULL;
        }
    }
    for (size_t i = 0; m && cp_states && i < val_len(cp_states); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(cp_states, i), &len);
        if (val_map_set(m, p, len, val_map_value(cp_states, i)) != MIG_OK) {
            val_unref(m);
            return NULL;
        }
    }
    return m;
}

/* Adds to REP and to the event data DD what the rollback found: how
 * many were undone, whether all matched, what differs, what could not be
 * verified, what was changed since (forced over). */
static bool tell(rb_t *b, val_t *rep, val_t *dd, bool matched)
{
    const rollback_env_t *e = b->e;
    bool ok = val_map_set_take(rep, "undone", 6,
                               val_int((int64_t)b->n_undone)) == MIG_OK
        && (!e->list || val_map_set(rep, "records", 7, b->list) == MIG_OK)
        && val_map_set_take(rep, "matched", 7, val_bool(matched)) == MIG_OK
        && val_map_set(rep, "unverified", 10, b->unverified) == MIG_OK;
    if (dd) {
        val_map_set_take(dd, "undone", 6, val_int((int64_t)b->n_undone));
        val_map_set_take(dd, "matched", 7, val_bool(matched));
        static const char *const lists[] = { "differ", "unverified",
                                             "changed" };
        for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
            val_t *l = val_map_get(rep, lists[i], strlen(lists[i]));
            if (l && val_len(l))
                val_map_set(dd, lists[i], strlen(lists[i]), l);
        }
    }
    return ok;
}

/* Collects the names of a run's checkpoints, each once, in order. */
static bool checkpoint_name(void *data, const store_checkpoint_t *cp)
{
    val_t *names = data;
    for (size_t i = 0; i < val_len(names); i++)
        if (strcmp(val_get_str(val_list_get(names, i), NULL), cp->name) == 0)
            return true;
    return val_list_push_take(names, val_cstring(cp->name)) == MIG_OK;
}

/* Hints at D, the error that run E->run has no checkpoint TO, what it
 * has: the closest name ("did you mean"), else the names it passed (at
 * most eight), or that it passed none. */
static void hint_checkpoints(const rollback_env_t *e, const char *to,
                             diag_t *d)
{
    val_t *names = val_list_new(4);
    if (!names || store_checkpoint_each(e->store, e->run, checkpoint_name,
                                        names) != MIG_OK) {
        val_unref(names);
        return;
    }
    size_t n = val_len(names);
    eval_suggest_t sg;
    eval_suggest_init(&sg, to);
    for (size_t i = 0; i < n; i++)
        eval_suggest_consider(&sg, val_get_str(val_list_get(names, i), NULL));
    strbuf_t b;
    strbuf_init(&b);
    if (sg.best) {
        strbuf_printf(&b, "did you mean '%s'?", sg.best);
    } else if (n == 0) {
        strbuf_printf(&b, "run %" PRId64 " passed no checkpoint: roll it "
                      "back whole, without --to", e->run);
    } else {
        strbuf_printf(&b, "run %" PRId64 " passed %s", e->run,
                      n == 1 ? "the checkpoint " : "the checkpoints ");
        for (size_t i = 0; i < n && i < 8; i++)
            strbuf_printf(&b, "%s'%s'", i ? ", " : "",
                          val_get_str(val_list_get(names, i), NULL));
        if (n > 8)
            strbuf_printf(&b, " and %zu more", n - 8);
    }
    if (!b.oom)
        diag_hint(e->diags, d, "%s", b.data);
    strbuf_free(&b);
    val_unref(names);
}

/* Reports a record settled before the rollback (sched_settle_all). */
static void rb_settled(void *data, const store_journal_t *rec, int role,
                       settle_verdict_t v, const char *why)
{
    const rollback_env_t *e = data;
    val_t *d = val_map_new(2);
    char buf[512];
    snprintf(buf, sizeof buf, "%s%s: %s", role ? "its undo " : "",
             v == SETTLE_DONE ? (role ? "undone" : "done") : "not run",
             why ? why : "?");
    if (d) {
        val_map_set_take(d, "seq", 3, val_int(rec->seq));
        val_map_set_take(d, "settled", 7, val_cstring(buf));
    }
    rb_event(e, "in-flight", rec->node, rec->item, d, true);
}

/* Stops and settles the commands (and undos) a crash left running, the
 * records pass 1 found in flight (B->in_flight, newest first: settled
 * oldest first), before anything is undone; false when one cannot be
 * settled (reported) or the store failed (*ST). */
static bool rb_settle(const rb_t *b, const char *to, mig_status_t *st)
{
    const rollback_env_t *e = b->e;
    int64_t *seqs = b->in_flight.seqs;
    for (size_t i = 0, j = b->in_flight.n; i + 1 < j; i++, j--) {
        int64_t t = seqs[i];
        seqs[i] = seqs[j - 1];
        seqs[j - 1] = t;
    }
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        *st = MIG_ENOMEM;
        return false;
    }
    char command[300];
    snprintf(command, sizeof command, "mig rollback %" PRId64 "%s%s", e->run,
             to ? " --to " : "", to ? to : "");
    actx_host_t host = sched_host(e->store, e->blobs, &loop, false);
    settle_env_t se = { .store = e->store, .host = &host, .reg = e->reg,
                        .base_dir = e->base_dir, .run = e->run,
                        .answers = e->answers, .command = command,
                        .diags = e->diags };
    settle_verdict_t v = sched_settle_seqs(&se, seqs, b->in_flight.n,
                                           rb_settled, (void *)e);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    if (v == SETTLE_FAILED) {
        diag_list_move(e->diags, store_diags(e->store));
        *st = MIG_EINVALID;
    }
    return v == SETTLE_DONE;
}

mig_status_t rollback_apply(const rollback_env_t *e, const char *to,
                            val_t **report, run_result_t *result)
{
    *report = NULL;
    *result = RUN_REFUSED;
    store_checkpoint_t cp = { .item = "" };
    int64_t after = 0;
    if (to) {
        named_t nm = { .name = to };
        if (e->in_run
            && store_checkpoint_each(e->store, e->run, is_named, &nm) == MIG_OK
            && !nm.found)
            return not_reached(e, to, report, result);
        mig_status_t got = store_checkpoint_get(e->store, e->run, to, &cp);
        if (got != MIG_OK) {
            size_t at = e->diags->len;
            diag_list_move(e->diags, store_diags(e->store));
            if (got == MIG_EINVALID && e->diags->len > at)
                hint_checkpoints(e, to, &e->diags->items[at]);
            return MIG_OK;
        }
        after = cp.seq;
    }
    /* The checkpoint's states and digest are the store's until its next
     * call. */
    val_t *cp_states = to && cp.resources ? val_copy(cp.resources) : NULL;
    char *cp_digest = to && cp.digest ? strdup(cp.digest) : NULL;
    store_checkpoint_t kept = { .name = to, .digest = cp_digest,
                                .resources = cp_states };
    rb_t b = { .e = e };
    val_t *rep = val_map_new(10);
    mig_status_t st = MIG_OK;
    bool ok = rep
        && (!to || !cp.resources || cp_states) && (!to || cp_digest)
        && val_map_set_take(rep, "to", 2, to ? val_cstring(to) : val_null())
           == MIG_OK;
    if (!ok) {
        st = MIG_ENOMEM;
        goto done;
    }
    /* Pass 1: past an irreversible step only with force. It finds the
     * commands a crash left running too: they are stopped and settled
     * before anything is undone, and pass 1 is made again over the states
     * they were given. */
    st = scan_pass(&b, after);
    if (st == MIG_OK && b.in_flight.n) {
        if (!rb_settle(&b, to, &st))
            goto done;
        st = scan_pass(&b, after);
    }
    if (st != MIG_OK)
        goto done;
    if (b.stop_node) {
        diag_t *d = diag_add(e->diags, DIAG_ERROR, NULL, NULL, "cannot roll "
                             "back past step %s%s%s (%s): it cannot be "
                             "undone", b.stop_node, *b.stop_item ? " item "
                             : "", b.stop_item, b.stop_action);
        diag_hint(e->diags, d, "roll back with --force to go past it, "
                  "leaving its effect in place");
        goto done;
    }
    /* Nothing is undone over a change someone made since (without
     * force). */
    bool refuse = false;
    if ((st = rollback_check_changed(e, b.last, rep, &refuse)) != MIG_OK)
        goto done;
    if (refuse)
        goto done;
    if (e->dry_run) {
        ok = val_map_set(rep, "would_undo", 10, b.list) == MIG_OK
             && val_map_set(rep, "unverified", 10, b.unverified) == MIG_OK;
        *result = RUN_SUCCEEDED;
        goto done;
    }
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        st = MIG_ENOMEM;
        goto done;
    }
    b.host = sched_host(e->store, e->blobs, &loop, false);
    b.rm = actx_remover_new();      /* NULL: the removals are made at once */
    val_t *d = val_map_new(1);
    if (d)
        val_map_set_take(d, "to", 2, val_cstring(to ? to : "the start"));
    rb_event(e, "rollback-start", NULL, NULL, d, true);
    /* Committed before anything is undone: a run that began rolling back
     * is never resumed (run.c, prepare_resume). */
    if (store_flush(e->store) != MIG_OK)
        b.failed = true;
    /* Pass 2: undo. */
    if (store_journal_each(e->store, e->run, after,
                           STORE_EACH_REVERSE | STORE_EACH_NO_ARGS
                           | STORE_EACH_NO_RESOURCES | STORE_EACH_NO_AFTER,
                           undo_each,
                           &b) != MIG_OK)
        b.failed = true;
    if (!mark(&b) || store_flush(e->store) != MIG_OK)
        b.failed = true;
    sched_crash_point("after-mark");        /* nothing left to mark */
    actx_remover_free(b.rm);
    val_unref(b.done);
    actx_free(b.ctxs[0]);
    actx_free(b.ctxs[1]);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    if (b.oom) {
        st = MIG_ENOMEM;
        goto done;
    }
    if (store_failure(e->store)) {
        /* The journal cannot follow (a full disk ...): the rollback stops
         * here, one outcome, no comparison of a half-undone state. */
        diag_t *dg = diag_add(e->diags, DIAG_ERROR, NULL, NULL, "the rollback "
                             "of run %" PRId64 " stopped after %zu undo%s: "
                             "its state store failed", e->run, b.n_undone,
                             b.n_undone == 1 ? "" : "s");
        diag_hint(e->diags, dg, "fix what the store's error says, then `mig "
                  "rollback %" PRId64 "` finishes it", e->run);
        st = MIG_EIO;
        goto done;
    }
    if (b.interrupted) {
        /* Stopped between two undos, each journaled: nothing to compare
         * yet; running the rollback again finishes it. */
        const char *sig = sched_signal_name(b.interrupted);
        diag_t *dg = diag_add(e->diags, DIAG_ERROR, NULL, NULL, "the rollback "
                              "of run %" PRId64 " was stopped by %s after %zu "
                              "undo%s", e->run, sig, b.n_undone,
                              b.n_undone == 1 ? "" : "s");
        diag_hint(e->diags, dg, "nothing was compared yet: `mig rollback %"
                  PRId64 "` finishes it", e->run);
        val_t *dd = val_map_new(2);
        if (dd)
            val_map_set_take(dd, "signal", 6, val_cstring(sig));
        rb_event(e, "interrupted", NULL, NULL, dd, true);
        *result = RUN_INTERRUPTED;
        goto done;
    }
    /* The checkpoint's states win over those before first touches. */
    val_t *want = expected(&b, cp_states);
    if (!want) {
        st = MIG_ENOMEM;
        goto done;
    }
    bool matched = rollback_verify(e, to ? &kept : NULL, want, b.forced,
                                   rep, &ok) && !b.failed;
    val_unref(want);
    bool verified = val_len(b.unverified) == 0;
    val_t *dd = val_map_new(6);
    if (dd)
        val_map_set_take(dd, "to", 2, val_cstring(to ? to : "the start"));
    ok = ok && tell(&b, rep, dd, matched && verified);
    rb_event(e, "rollback-done", NULL, NULL, dd, true);
    *result = !matched ? RUN_ROLLBACK_FAILED
            : !verified ? RUN_UNVERIFIED : RUN_ROLLED_BACK;
done:
    scan_clear(&b);
    val_unref(cp_states);
    free(cp_digest);
    if (!ok && st == MIG_OK)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        *report = rep;
    else
        val_unref(rep);
    return st;
}
