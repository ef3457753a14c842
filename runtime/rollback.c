/* rollback.c: undoing a run back to a checkpoint, or whole (runtime.h,
 * rollback_run; sched_int.h, rollback_apply). Pass 1 reads the journal
 * newest first: what would be undone, what may stop it, the states to
 * expect. Pass 2, the undo walk (rollback_undo.c), applies the undo
 * records written after the checkpoint newest first; each is marked
 * undone in the journal as it goes, so a rollback that is itself
 * interrupted is finished by running it again. Then the managed resources
 * are compared with their state at the checkpoint (rollback_verify.c): a
 * rollback that does not bring them back exactly says which ones differ. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollback_int.h"

/* ---- the records ----------------------------------------------------------- */

bool rollback_pending(store_journal_state_t s)
{
    return s == STORE_JOURNAL_INTENT || s == STORE_JOURNAL_DONE
        || s == STORE_JOURNAL_FAILED || s == STORE_JOURNAL_UNDOING;
}

/* Reports an event to the caller; KEEP also stores it (the events about
 * single records are not stored: the journal's states say the same, and
 * a rollback of 100,000 records should not write 100,000 events). */
void rollback_event(const rollback_env_t *e, const char *kind,
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
val_t *rollback_describe(const store_journal_t *rec)
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

/* rollback_describe(REC) with "paths": the paths it touches (the keys
 * of its resources, when read), for the list of a dry run. */
static val_t *describe_paths(const store_journal_t *rec)
{
    val_t *m = rollback_describe(rec);
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

/* ---- the rollback ------------------------------------------------------------- */

/* Notes in B that the effect of REC cannot be verified, and WHY. */
static void unverifiable(rb_t *b, const store_journal_t *rec, const char *why)
{
    val_t *d = rollback_describe(rec);
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
    rollback_event(e, "rollback-not-needed", NULL, NULL, d, true);
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
    rollback_event(e, "in-flight", rec->node, rec->item, d, true);
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
    rollback_event(e, "rollback-start", NULL, NULL, d, true);
    /* Committed before anything is undone: a run that began rolling back
     * is never resumed (run.c, prepare_resume). */
    if (store_flush(e->store) != MIG_OK)
        b.failed = true;
    /* Pass 2: undo. */
    if (store_journal_each(e->store, e->run, after,
                           STORE_EACH_REVERSE | STORE_EACH_NO_ARGS
                           | STORE_EACH_NO_RESOURCES | STORE_EACH_NO_AFTER,
                           rollback_undo_each,
                           &b) != MIG_OK)
        b.failed = true;
    if (!rollback_mark(&b) || store_flush(e->store) != MIG_OK)
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
        rollback_event(e, "interrupted", NULL, NULL, dd, true);
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
    rollback_event(e, "rollback-done", NULL, NULL, dd, true);
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
