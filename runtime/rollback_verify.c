/* rollback_verify.c: what a rollback checks through the resource
 * interface (runtime.h, "managed resources"; sched_int.h). Before it
 * undoes anything: whether a resource it would restore changed since
 * the run left it (a later run's record, or a state other than the
 * after-image), which is refused without --force. After: whether every
 * managed resource is back to its state at the checkpoint, the
 * checkpoint's stored digest read back and compared. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sched_int.h"

/* At most this many changed resources are named one by one in the
 * diagnostics (the report lists them all). */
#define RB_CHANGED_SHOWN 10

/* ---- reading the states -------------------------------------------------- */

/* A context that reads the states of E's resources: one that may defer
 * its commit to the journal's (sched_host, no loop: a remote record is
 * read by one request after another), so that a store that keeps its
 * records in a database reads them all in one transaction (the
 * registry's SQLite store, docs/registry.md), ended by reader_end. NULL
 * when out of memory. */
static action_ctx_t *reader_new(const rollback_env_t *e)
{
    action_ctx_t *ctx = actx_new(ACTX_RUN, e->base_dir);
    actx_host_t host = sched_host(e->store, e->blobs, NULL, false);
    if (ctx)
        actx_set_host(ctx, &host);
    return ctx;
}

/* Ends what CTX (reader_new) read in (the commit hooks of E's store,
 * store_flush) and frees it. MIG_OK, or the store's failure. */
static mig_status_t reader_end(const rollback_env_t *e, action_ctx_t *ctx)
{
    actx_free(ctx);
    return store_flush(e->store) == MIG_OK ? MIG_OK
         : store_failure(e->store) ? store_failure(e->store) : MIG_EIO;
}

/* ---- changed since the run left them ------------------------------------- */

/* A later run's records that touch resources of LAST: BY gets id -> the
 * newest such run (its id). */
typedef struct later {
    const val_t *last;
    val_t *by;
    int64_t run;
    bool oom;
} later_t;

static bool later_record(void *data, const store_journal_t *rec)
{
    later_t *l = data;
    /* A record forced past left its effect in place, as a pending one
     * may have. */
    if (!rollback_pending(rec->state) && rec->state != STORE_JOURNAL_FORCED)
        return true;
    for (size_t i = 0; rec->resources && i < val_len(rec->resources); i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(rec->resources, i), &len);
        if (val_map_get(l->last, id, len) && !val_map_get(l->by, id, len)
            && val_map_set_take(l->by, id, len, val_int(l->run)) != MIG_OK)
            l->oom = true;
    }
    return !l->oom;
}

/* Fills L->by from every run newer than E->run, newest first. */
static mig_status_t later_runs(const rollback_env_t *e, later_t *l)
{
    store_run_t *runs = NULL;
    size_t n = 0;
    mig_status_t st = store_run_list(e->store, 0, &runs, &n);
    for (size_t i = 0; st == MIG_OK && i < n && runs[i].id > e->run; i++) {
        l->run = runs[i].id;
        st = store_journal_each(e->store, runs[i].id, 0, STORE_EACH_NO_ARGS
                                | STORE_EACH_NO_UNDO | STORE_EACH_NO_AFTER,
                                later_record, l);
        if (st == MIG_OK && l->oom)
            st = MIG_ENOMEM;
    }
    store_runs_free(runs, n);
    return st;
}

/* {path, recorded, actual, by}: RECORDED the after-image (NULL: none),
 * BY the run that changed it (0: not a run of this store). */
static val_t *changed_entry(const char *id, size_t len, const val_t *recorded,
                            const char *actual, size_t alen, int64_t by)
{
    val_t *x = val_map_new(4);
    if (x && (val_map_set_take(x, "path", 4, val_string(id, len)) != MIG_OK
              || val_map_set_take(x, "recorded", 8, recorded
                                  && val_type(recorded) == VAL_STRING
                                  ? val_ref((val_t *)recorded) : val_null())
                 != MIG_OK
              || val_map_set_take(x, "actual", 6, val_string(actual, alen))
                 != MIG_OK
              || val_map_set_take(x, "by", 2, by ? val_int(by) : val_null())
                 != MIG_OK)) {
        val_unref(x);
        x = NULL;
    }
    return x;
}

/* Says in E's diagnostics that resource X (a changed entry) changed. */
static void say_changed(const rollback_env_t *e, const val_t *x)
{
    const char *id = val_get_str(val_map_get(x, "path", 4), NULL);
    val_t *by = val_map_get(x, "by", 2);
    val_t *rec = val_map_get(x, "recorded", 8);
    const char *act = val_get_str(val_map_get(x, "actual", 6), NULL);
    diag_t *d;
    if (val_is_int(by)) {
        d = diag_add(e->diags, DIAG_ERROR, NULL, NULL, "%s was changed by "
                     "run %" PRId64 " after run %" PRId64 " changed it: "
                     "rolling back would undo run %" PRId64 "'s change too",
                     id, val_get_int(by), e->run, val_get_int(by));
        diag_hint(e->diags, d, "roll back run %" PRId64 " first, or pass "
                  "--force to overwrite it", val_get_int(by));
    } else {
        d = diag_add(e->diags, DIAG_ERROR, NULL, NULL, "%s was changed "
                     "outside mig after run %" PRId64 " changed it (mig left "
                     "%.17s, it is now %.17s)", id, e->run,
                     rec && val_type(rec) == VAL_STRING
                     ? val_get_str(rec, NULL) : "?", act);
        diag_hint(e->diags, d, "keep a copy of the change if it matters, "
                  "then pass --force to overwrite it");
    }
}

mig_status_t rollback_check_changed(const rollback_env_t *e,
                                    const val_t *last, val_t *rep,
                                    bool *refuse)
{
    *refuse = false;
    later_t l = { .last = last, .by = val_map_new(8) };
    val_t *changed = val_list_new(4);
    action_ctx_t *ctx = reader_new(e);
    mig_status_t st = l.by && changed && ctx ? later_runs(e, &l) : MIG_ENOMEM;
    /* The states read together where their kind can; the rest one by
     * one below. */
    val_t *together = NULL;
    if (st == MIG_OK)
        st = resource_states_together(ctx, last, &together);
    strbuf_t now;
    strbuf_init(&now);
    for (size_t i = 0; st == MIG_OK && i < val_len(last); i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(last, i), &len);
        const val_t *states = val_map_value(last, i);
        const val_t *after = val_list_get(states, 0);
        val_t *by = val_map_get(l.by, id, len);
        val_t *known = val_map_get(together, id, len);
        now.len = 0;
        mig_status_t got = MIG_OK;
        if (known)
            strbuf_puts(&now, val_get_str(known, NULL));
        else
            got = resource_state_expect(ctx, id, states, &now);
        if (got != MIG_OK || now.oom) {
            if (now.oom) {
                st = MIG_ENOMEM;
                break;
            }
            /* Unknown is not unchanged: refused, unless forced. */
            if (!e->force) {
                diag_t *d = diag_add(e->diags, DIAG_ERROR, NULL, NULL,
                                     "%s cannot be read, so whether it "
                                     "changed since run %" PRId64 " changed "
                                     "it cannot be told: %s", id, e->run,
                                     actx_error_message(ctx));
                diag_hint(e->diags, d, "make it readable, or pass --force "
                          "to roll back without checking it");
                *refuse = true;
            }
            continue;
        }
        /* No after-image (a step cut short by a crash, or a newer step
         * that declares nothing): only a later run can be named as
         * having changed it. A state before a pending record is what an
         * interrupted rollback leaves: not a change either. */
        bool differs = after && val_type(after) == VAL_STRING;
        for (size_t k = 0; differs && k < val_len(states); k++) {
            const val_t *s = val_list_get(states, k);
            differs = val_type(s) != VAL_STRING
                || !resource_same(id, val_get_str(s, NULL),
                                  now.data ? now.data : "");
        }
        if (!by && !differs)
            continue;
        val_t *x = changed_entry(id, len, after, now.data ? now.data : "",
                                 now.len, by ? val_get_int(by) : 0);
        if (!x || val_list_push_take(changed, x) != MIG_OK)
            st = MIG_ENOMEM;
    }
    strbuf_free(&now);
    val_unref(together);
    /* Forced over: the run that made the change is told, in its own
     * log, that its change is gone. */
    for (size_t i = 0; st == MIG_OK && e->force && !e->dry_run
                       && i < val_len(changed); i++) {
        const val_t *x = val_list_get(changed, i);
        val_t *by = val_map_get(x, "by", 2);
        val_t *d = val_is_int(by) ? val_map_new(2) : NULL;
        if (d && val_map_set(d, "path", 4, val_map_get(x, "path", 4)) == MIG_OK
            && val_map_set_take(d, "rollback_of", 11, val_int(e->run))
               == MIG_OK)
            store_event(e->store, val_get_int(by), "resource-overwritten",
                        NULL, NULL, d);
        val_unref(d);
    }
    if (st == MIG_OK && val_len(changed) && !e->force) {
        *refuse = true;
        for (size_t i = 0; i < val_len(changed) && i < RB_CHANGED_SHOWN; i++)
            say_changed(e, val_list_get(changed, i));
        if (val_len(changed) > RB_CHANGED_SHOWN)
            diag_add(e->diags, DIAG_ERROR, NULL, NULL, "and %zu more "
                     "resource%s changed since run %" PRId64 " changed %s",
                     val_len(changed) - RB_CHANGED_SHOWN,
                     val_len(changed) - RB_CHANGED_SHOWN == 1 ? "" : "s",
                     e->run, val_len(changed) - RB_CHANGED_SHOWN == 1
                     ? "it" : "them");
    }
    if (st == MIG_OK
        && val_map_set(rep, "changed", 7, changed) != MIG_OK)
        st = MIG_ENOMEM;
    val_unref(changed);
    val_unref(l.by);
    mig_status_t ended = reader_end(e, ctx);
    return st == MIG_OK ? ended : st;
}

/* ---- back to the checkpoint -------------------------------------------------- */

/* {path, expected, actual} and, for a resource of a step forced past,
 * forced: its node. NULL when out of memory. */
static val_t *differ_entry(const char *id, size_t len, val_t *want,
                           val_t *now, const val_t *forced)
{
    val_t *x = val_map_new(4);
    val_t *f = forced ? val_map_get(forced, id, len) : NULL;
    if (x && (val_map_set_take(x, "path", 4, val_string(id, len)) != MIG_OK
              || val_map_set(x, "expected", 8, want) != MIG_OK
              || val_map_set(x, "actual", 6, now) != MIG_OK
              || (f && val_map_set(x, "forced", 6, f) != MIG_OK))) {
        val_unref(x);
        x = NULL;
    }
    return x;
}

/* The entries of NOW whose ids are keys of CP, as a new map. */
static val_t *restrict_to(const val_t *now, const val_t *cp)
{
    val_t *m = val_map_new(val_len(cp));
    for (size_t i = 0; m && i < val_len(cp); i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(cp, i), &len);
        val_t *v = val_map_get(now, id, len);
        if (v && val_map_set(m, id, len, v) != MIG_OK) {
            val_unref(m);
            m = NULL;
        }
    }
    return m;
}

bool rollback_verify(const rollback_env_t *e, const store_checkpoint_t *cp,
                     const val_t *want, const val_t *forced, val_t *rep,
                     bool *ok)
{
    action_ctx_t *ctx = reader_new(e);
    val_t *differ = val_list_new(4);
    val_t *now = NULL;
    bool read = ctx && differ && resource_states(ctx, want, &now) == MIG_OK;
    for (size_t i = 0; read && i < val_len(want); i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(want, i), &len);
        val_t *w = val_map_value(want, i);
        val_t *n = val_map_get(now, id, len);
        if (resource_same(id, val_get_str(w, NULL), val_get_str(n, NULL)))
            continue;
        val_t *x = differ_entry(id, len, w, n, forced);
        if (!x || val_list_push_take(differ, x) != MIG_OK)
            *ok = false;
    }
    /* The digest stored at the checkpoint, read back: the states of its
     * resources now must give it again. */
    char hw[BLOB_HEX], hn[BLOB_HEX];
    bool digest_ok = true;
    if (read && cp) {
        /* A checkpoint without resources recorded none: its digest is the
         * empty map's. */
        val_t *empty = cp->resources ? NULL : val_map_new(0);
        val_t *at_cp = restrict_to(now, cp->resources ? cp->resources : empty);
        snprintf(hw, sizeof hw, "%s", cp->digest ? cp->digest : "");
        if (at_cp)
            resource_digest(at_cp, hn);
        else
            *ok = false, memcpy(hn, hw, BLOB_HEX);
        digest_ok = strcmp(hw, hn) == 0;
        val_unref(at_cp);
        val_unref(empty);
    } else {
        resource_digest(want, hw);
        if (read)
            resource_digest(now, hn);
        else
            memcpy(hn, hw, BLOB_HEX);
    }
    bool matched = read && val_len(differ) == 0 && digest_ok;
    *ok = *ok && differ
          && val_map_set_take(rep, "expected", 8, val_cstring(hw)) == MIG_OK
          && val_map_set_take(rep, "digest", 6, val_cstring(hn)) == MIG_OK
          && val_map_set(rep, "differ", 6, differ) == MIG_OK;
    if (!read)
        diag_add(e->diags, DIAG_ERROR, NULL, NULL, "after the rollback, the "
                 "managed resources could not be read: %s",
                 ctx && actx_error_message(ctx) ? actx_error_message(ctx)
                                                : "out of memory");
    else if (val_len(differ))
        diag_add(e->diags, DIAG_ERROR, NULL, NULL, "after the rollback, %zu "
                 "managed resource%s differ%s from the checkpoint",
                 val_len(differ), val_len(differ) == 1 ? "" : "s",
                 val_len(differ) == 1 ? "s" : "");
    else if (!digest_ok)
        diag_add(e->diags, DIAG_ERROR, NULL, NULL, "after the rollback, the "
                 "digest of the managed resources is %.12s, not the %.12s "
                 "stored at checkpoint '%s'", hn, hw, cp->name);
    val_unref(now);
    val_unref(differ);
    /* A store that failed to end the reads is reported by its caller. */
    return reader_end(e, ctx) == MIG_OK && matched;
}
