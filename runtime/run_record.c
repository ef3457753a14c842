/* run_record.c: a run's record in the state store (runtime.h, run_plan):
 * the plan's digest, the checks before a resume, the new run's row with
 * its options, and its start or resumption, which loads the steps done and
 * settles the journal's records left in flight. run.c calls these in
 * order; sched_int.h declares them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sched_int.h"

static bool load_step(void *data, const store_step_t *st)
{
    run_t *r = data;
    /* A redrive runs again what failed or was skipped. */
    if (st->state == STORE_STEP_FAILED
        || (r->opts->failed_only && st->state == STORE_STEP_SKIPPED))
        return true;
    char *key = step_key(st->node, st->item);
    val_t *m = val_map_new(3);
    bool ok = key && m
        && val_map_set_take(m, "state", 5, val_cstring(
               store_step_state_name(st->state))) == MIG_OK
        && val_map_set_take(m, "attempts", 8, val_int(st->attempts)) == MIG_OK
        && (!st->result || val_map_set(m, "result", 6, st->result) == MIG_OK)
        && val_map_set(r->done, key, strlen(key), m) == MIG_OK;
    val_unref(m);
    free(key);
    if (!ok)
        r->fatal = true;
    return ok;
}

/* Settles a record left in flight by the process that died: an effect
 * already in place is recorded done; a self-undo step whose effect is
 * not is undone (it will run again); others are marked failed, so that a
 * rollback still applies their undo. */
static bool settle(void *data, const store_journal_t *rec)
{
    run_t *r = data;
    sched_claim_record(r, rec);
    for (size_t i = 0; rec->resources && i < val_len(rec->resources); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(rec->resources, i), &len);
        if (val_map_set(r->managed, p, len, val_bool(true)) != MIG_OK)
            r->fatal = true;
    }
    /* An undo begun stays so: the next rollback settles it. */
    if (rec->state != STORE_JOURNAL_INTENT)
        return true;
    const action_t *row = action_find(r->reg, rec->action);
    action_ctx_t *ctx = actx_new(ACTX_UNDO, r->base_dir);
    if (!ctx) {
        r->fatal = true;
        return false;
    }
    actx_set_host(ctx, &r->host);
    actx_set_action(ctx, row);
    store_journal_state_t to = STORE_JOURNAL_FAILED;
    const char *what = "failed: its undo still applies in a rollback";
    if (row && rec->kind == STORE_JOURNAL_SELF && rec->state == STORE_JOURNAL_INTENT) {
        val_t *yes = NULL;
        actx_begin(ctx, rec->action);
        /* Both may wait (a remote registry is asked over HTTP). */
        if (row->applied
            && sched_call_wait(ctx, &r->host, row->applied, rec->args, &yes)
                   == MIG_OK
            && yes && val_type(yes) == VAL_BOOL && val_get_bool(yes)) {
            to = STORE_JOURNAL_DONE;
            what = "done: its effect is in place";
            store_step_t st = { .node = rec->node, .item = rec->item,
                                .state = STORE_STEP_DONE, .attempts = 1,
                                .result = val_null(),
                                .ended_ms = store_now_ms() };
            if (store_step_put(r->store, r->id, &st) != MIG_OK)
                r->fatal = true;
            load_step(r, &st);
        } else if (row->undo) {
            actx_begin(ctx, rec->action);
            val_t *unused = NULL;
            if (sched_call_wait(ctx, &r->host, row->undo, rec->undo, &unused)
                == MIG_OK) {
                to = STORE_JOURNAL_UNDONE;
                what = "undone: it runs again";
            }
            val_unref(unused);
        }
        val_unref(yes);
    }
    if (store_journal_set(r->store, r->id, rec->seq, to) != MIG_OK)
        r->fatal = true;
    if (to != STORE_JOURNAL_UNDONE)
        sched_journal_after(r, ctx, rec->seq, rec->resources);
    actx_free(ctx);
    val_t *d = val_map_new(2);
    if (d) {
        val_map_set_take(d, "seq", 3, val_int(rec->seq));
        val_map_set_take(d, "settled", 7, val_cstring(what));
    }
    sched_event(r, "in-flight", graph_find(r->g, rec->node), rec->item, d);
    return true;
}

/* Sets *DATA when EV is the start of a rollback (and stops there). */
static bool began_rollback(void *data, const store_event_rec_t *ev)
{
    if (strcmp(ev->kind, "rollback-start") != 0)
        return true;
    *(bool *)data = true;
    return false;
}

/* The plan digest that resume compares (docs/state.md): the BLAKE2b of
 * the plan's tokens without layout or comments (grammar_layout_free_text),
 * so that `mig fmt` or a new comment never makes a resume refuse. False
 * when out of memory (SRC parsed, so it scans). */
bool run_plan_digest(src_t *src, char hex[BLOB_HEX])
{
    diag_list_t quiet;
    diag_list_init(&quiet);
    strbuf_t text;
    strbuf_init(&text);
    bool ok = grammar_layout_free_text(src, &quiet, &text) == MIG_OK;
    if (ok)
        blobs_hash(text.data ? text.data : "", text.len, hex);
    strbuf_free(&text);
    diag_list_free(&quiet);
    return ok;
}

/* Checks that run R->opts->resume may be resumed (interrupted, or failed
 * for a redrive; the same plan unless allowed), filling *OLD with it.
 * MIG_EINVALID (reported) when it may not. */
mig_status_t run_prepare_resume(run_t *r, const char *digest,
                                store_run_t *old)
{
    const run_options_t *o = r->opts;
    if (store_run_get(r->store, o->resume, old) != MIG_OK)
        return MIG_EINVALID;
    store_run_state_t live = store_run_liveness(r->store, old);
    if (live == STORE_RUN_RUNNING) {
        diag_add(r->diags, DIAG_ERROR, NULL, NULL, "run %" PRId64 " is still "
                 "running (pid %" PRId64 " on %s)", old->id, old->pid,
                 old->host ? old->host : "?");
        return MIG_EINVALID;
    }
    if (o->failed_only && live != STORE_RUN_FAILED) {
        diag_t *d = diag_add(r->diags, DIAG_ERROR, NULL, NULL, "run %" PRId64
                             " %s: --failed-only re-runs the failed items of a "
                             "run that failed and was not rolled back",
                             old->id, live == STORE_RUN_INTERRUPTED
                             ? "was interrupted"
                             : store_run_state_name(live));
        if (live == STORE_RUN_INTERRUPTED)
            diag_hint(r->diags, d, "resume it without --failed-only");
        return MIG_EINVALID;
    }
    if (!o->failed_only && live != STORE_RUN_INTERRUPTED) {
        diag_t *d = diag_add(r->diags, DIAG_ERROR, NULL, NULL, "run %" PRId64
                             " is not interrupted: it %s", old->id,
                             store_run_state_name(live));
        if (live == STORE_RUN_FAILED)
            diag_hint(r->diags, d, "to re-run its failed items: mig resume "
                      "--failed-only %" PRId64, old->id);
        return MIG_EINVALID;
    }
    bool rolling = false;
    if (store_event_each(r->store, old->id, began_rollback, &rolling)
        != MIG_OK)
        return MIG_EINVALID;
    if (rolling) {
        diag_t *d = diag_add(r->diags, DIAG_ERROR, NULL, NULL, "run %" PRId64
                             " was being rolled back when it stopped: it "
                             "cannot be resumed", old->id);
        diag_hint(r->diags, d, "finish the rollback with `mig rollback %"
                  PRId64 "`", old->id);
        return MIG_EINVALID;
    }
    if (old->plan_digest && strcmp(old->plan_digest, digest) != 0) {
        if (!o->allow_changed_plan) {
            diag_t *d = diag_add(r->diags, DIAG_ERROR, NULL, NULL, "the plan "
                                 "changed since run %" PRId64 " started",
                                 old->id);
            diag_hint(r->diags, d, "resume with --allow-changed-plan to go on "
                      "with the plan as it is now (the journal records it)");
            return MIG_EINVALID;
        }
    }
    return MIG_OK;
}

/* The digest of the effective configuration CONFIG into HEX: the
 * BLAKE2b of its canonical text (val_format), so that two runs with the
 * same settings have the same digest. MIG_OK or MIG_ENOMEM. */
static mig_status_t config_digest(const val_t *config, char hex[BLOB_HEX])
{
    strbuf_t text;
    strbuf_init(&text);
    mig_status_t st = val_format(config, &text);
    if (st == MIG_OK)
        blobs_hash(text.data ? text.data : "", text.len, hex);
    strbuf_free(&text);
    return st;
}

/* Puts the effective configuration CONFIG in OPTS with its digest. */
static mig_status_t record_config(val_t *opts, const val_t *config)
{
    char hex[BLOB_HEX];
    mig_status_t st = config_digest(config, hex);
    if (st == MIG_OK)
        st = val_map_set(opts, "config", 6, (val_t *)config);
    if (st == MIG_OK)
        st = val_map_set_take(opts, "config_digest", 13, val_cstring(hex));
    return st;
}

/* Records a new run of R (unless its folder is locked: then says so and
 * leaves R->id 0). HOLDER is scratch space for the lock's holder. */
mig_status_t run_record(run_t *r, const val_t *params, const char *digest,
                        const char *hostname, uint64_t seed,
                        store_lock_t *holder)
{
    const run_options_t *o = r->opts;
    /* Refuse before recording anything when someone holds the lock. */
    if (store_lock_get(r->store, r->lock_resource, holder) == MIG_OK
        && holder->expires_ms >= store_now_ms()) {
        sched_refuse_locked(r->diags, holder, 0);
        return MIG_OK;
    }
    store_lock_clear(holder);
    val_t *opts = val_map_new(3), *roots = val_list_new(r->roots.n);
    if (!opts || !roots) {
        val_unref(opts);
        val_unref(roots);
        return MIG_ENOMEM;
    }
    val_map_set_take(opts, "durability", 10, val_cstring(
                         o->durable_full ? "full" : "grouped"));
    val_map_set_take(opts, "seed", 4, val_int((int64_t)seed));
    /* The write roots, so that a rollback (which has no plan) locks them. */
    for (size_t i = 0; i < r->roots.n; i++)
        val_list_push_take(roots, val_cstring(r->roots.paths[i]));
    val_map_set_take(opts, "roots", 5, roots);
    if (o->config && record_config(opts, o->config) != MIG_OK) {
        val_unref(opts);
        return MIG_ENOMEM;
    }
    store_run_t rec = { .plan_path = (char *)(o->plan_path ? o->plan_path
                                              : r->src->name),
                        .plan_name = (char *)graph_plan_name(r->g),
                        .plan_digest = (char *)digest,
                        .profile = (char *)o->profile,
                        .params = (val_t *)params, .options = opts,
                        .host = (char *)hostname, .pid = getpid(),
                        .started_ms = store_now_ms() };
    mig_status_t st = store_run_create(r->store, &rec, &r->id);
    val_unref(opts);
    return st;
}

/* Records the start (or the resumption) of R: its events, and, for a
 * resume, the steps done and the records in flight. */
void run_begin(run_t *r, const store_run_t *old, const char *digest,
               const char *hostname, uint64_t seed)
{
    const run_options_t *o = r->opts;
    if (!o->resume) {
        val_t *d = val_map_new(3);
        if (d) {
            val_map_set_take(d, "plan", 4, val_cstring(graph_plan_name(r->g)));
            val_map_set_take(d, "seed", 4, val_int((int64_t)seed));
            char hex[BLOB_HEX];
            if (o->config && config_digest(o->config, hex) == MIG_OK)
                val_map_set_take(d, "config_digest", 13, val_cstring(hex));
        }
        sched_event(r, "run-start", GRAPH_NONE, NULL, d);
        return;
    }
    if (store_run_reopen(r->store, r->id, getpid(), hostname) != MIG_OK)
        r->fatal = true;
    if (old->plan_digest && strcmp(old->plan_digest, digest) != 0)
        sched_event(r, "plan-changed", GRAPH_NONE, NULL, NULL);
    val_t *d = val_map_new(1);
    if (d)
        val_map_set_take(d, "failed_only", 11, val_bool(o->failed_only));
    sched_event(r, "run-resume", GRAPH_NONE, NULL, d);
    if (store_step_each(r->store, r->id, load_step, r) != MIG_OK
        || store_journal_each(r->store, r->id, 0, 0, settle, r) != MIG_OK)
        r->fatal = true;
}
