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

/* ---- digests ------------------------------------------------------------- */

static int cmp_keys(const void *a, const void *b)
{
    const val_t *x = *(val_t *const *)a, *y = *(val_t *const *)b;
    return val_compare(x, y);
}

void sched_digest(const val_t *states, char hex[BLOB_HEX])
{
    size_t n = val_len(states);
    val_t **keys = malloc((n ? n : 1) * sizeof(*keys));
    strbuf_t b;
    strbuf_init(&b);
    if (keys) {
        for (size_t i = 0; i < n; i++)
            keys[i] = val_map_key(states, i);
        qsort(keys, n, sizeof(*keys), cmp_keys);
        for (size_t i = 0; i < n; i++) {
            size_t len;
            const char *k = val_get_str(keys[i], &len);
            strbuf_put(&b, k, len);
            strbuf_putc(&b, '\0');
            strbuf_puts(&b, val_get_str(val_map_get(states, k, len), NULL));
            strbuf_putc(&b, '\n');
        }
    }
    if (!keys || b.oom)
        memset(hex, '0', BLOB_HEX - 1), hex[BLOB_HEX - 1] = '\0';
    else
        blobs_hash(b.data ? b.data : "", b.len, hex);
    strbuf_free(&b);
    free(keys);
}

mig_status_t sched_states(action_ctx_t *ctx, const val_t *paths, val_t **out)
{
    val_t *m = val_map_new(val_len(paths));
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(paths); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(paths, i), &len);
        b.len = 0;
        st = actx_state(ctx, p, &b);
        if (st == MIG_OK)
            st = b.oom ? MIG_ENOMEM
                : val_map_set_take(m, p, len, val_string(b.data ? b.data : "",
                                                         b.len));
    }
    strbuf_free(&b);
    if (st != MIG_OK) {
        val_unref(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}

/* ---- the records ----------------------------------------------------------- */

typedef struct rb {
    const rollback_env_t *e;
    val_t *recs;                /* maps, newest first */
    bool oom;
} rb_t;

static bool collect(void *data, const store_journal_t *rec)
{
    rb_t *b = data;
    val_t *m = val_map_new(8);
    bool ok = m
        && val_map_set_take(m, "seq", 3, val_int(rec->seq)) == MIG_OK
        && val_map_set_take(m, "node", 4, val_cstring(rec->node)) == MIG_OK
        && val_map_set_take(m, "item", 4, val_cstring(rec->item)) == MIG_OK
        && val_map_set_take(m, "action", 6, val_cstring(rec->action)) == MIG_OK
        && val_map_set_take(m, "kind", 4, val_cstring(
               store_journal_kind_name(rec->kind))) == MIG_OK
        && val_map_set_take(m, "state", 5, val_int(rec->state)) == MIG_OK
        && val_map_set(m, "undo", 4, rec->undo ? rec->undo : val_null())
               == MIG_OK
        && val_map_set(m, "resources", 9, rec->resources ? rec->resources
                                                         : val_null())
               == MIG_OK
        && val_list_push(b->recs, m) == MIG_OK;
    val_unref(m);
    if (!ok)
        b->oom = true;
    return ok;
}

static const char *str_of(const val_t *m, const char *key)
{
    val_t *v = val_map_get(m, key, strlen(key));
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : "";
}

static bool pending(const val_t *rec)
{
    int64_t s = val_get_int(val_map_get(rec, "state", 5));
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

/* The short description of record REC for reports. */
static val_t *describe(const val_t *rec)
{
    val_t *m = val_map_new(5);
    if (!m)
        return NULL;
    static const char *const keys[] = { "seq", "node", "item", "action",
                                        "kind" };
    for (size_t i = 0; i < 5; i++)
        if (val_map_set(m, keys[i], strlen(keys[i]),
                        val_map_get(rec, keys[i], strlen(keys[i]))) != MIG_OK) {
            val_unref(m);
            return NULL;
        }
    return m;
}

/* ---- undoing one record ----------------------------------------------------- */

typedef struct wait {
    bool done;
    mig_status_t st;
} wait_t;

static void undo_finished(action_ctx_t *ctx, mig_status_t st, val_t *res,
                          void *data)
{
    (void)ctx;
    wait_t *w = data;
    w->done = true;
    w->st = st;
    val_unref(res);
}

/* Applies the undo of REC; on failure *WHY says what went wrong. */
static mig_status_t undo_one(const rollback_env_t *e, const actx_host_t *host,
                             const val_t *rec, char **why)
{
    const char *kind = str_of(rec, "kind");
    val_t *undo = val_map_get(rec, "undo", 4);
    bool plan = strcmp(kind, "plan") == 0;
    const char *name = plan ? str_of(undo, "action") : str_of(rec, "action");
    const action_t *row = action_find(e->reg, name);
    action_ctx_t *ctx = actx_new(plan ? ACTX_RUN : ACTX_UNDO, e->base_dir);
    if (!ctx)
        return MIG_ENOMEM;
    actx_set_host(ctx, host);
    actx_set_action(ctx, row);
    actx_set_attempt(ctx, 1);
    actx_begin(ctx, name);
    val_t *res = NULL;
    mig_status_t st;
    action_fn fn = row ? (plan ? row->run : row->undo) : NULL;
    if (!fn)
        st = actx_fail(ctx, "MethodNotFound", "no undo for %s in this build",
                       name);
    else
        st = fn(ctx, plan ? val_map_get(undo, "args", 4) : undo, &res);
    if (st == MIG_OK && actx_suspended(ctx)) {
        wait_t w = { 0 };
        actx_on_finish(ctx, undo_finished, &w);
        while (!w.done && uv_run(host->loop, UV_RUN_ONCE))
            ;
        st = w.done ? w.st : actx_fail(ctx, "Unavailable", "the undo of %s "
                                       "never finished", name);
    }
    val_unref(res);
    if (st != MIG_OK) {
        const char *m = actx_error_message(ctx);
        const char *c = actx_error_class(ctx);
        size_t n = strlen(m ? m : "") + strlen(c ? c : "") + 8;
        *why = malloc(n);
        if (*why)
            snprintf(*why, n, "%s: %s", c ? c : "Unavailable", m ? m : "");
    }
    actx_free(ctx);
    return st;
}

/* Marks the records *LO..*HI undone (none when *LO is 0). */
static mig_status_t mark(const rollback_env_t *e, int64_t *lo, int64_t *hi)
{
    if (!*lo)
        return MIG_OK;
    mig_status_t st = store_journal_set_range(e->store, e->run, *lo, *hi,
                                              STORE_JOURNAL_UNDONE);
    *lo = *hi = 0;
    return st;
}

static mig_status_t counter_add(void *data, const char *name, int64_t delta,
                                int64_t *value)
{
    return store_counter_add(data, name, delta, value);
}

/* ---- the rollback ------------------------------------------------------------- */

/* The state every managed resource must have once the records of B are
 * undone: the checkpoint's (CP, may be NULL), and for resources first
 * touched later, their state before that first touch. */
static val_t *expected_states(const rb_t *b, const val_t *cp)
{
    val_t *m = cp ? val_copy(cp) : val_map_new(16);
    for (size_t i = val_len(b->recs); m && i-- > 0;) {
        val_t *res = val_map_get(val_list_get(b->recs, i), "resources", 9);
        for (size_t j = 0; j < val_len(res); j++) {
            size_t len;
            const char *p = val_get_str(val_map_key(res, j), &len);
            if (!val_map_get(m, p, len)
                && val_map_set(m, p, len, val_map_value(res, j)) != MIG_OK) {
                val_unref(m);
                return NULL;
            }
        }
    }
    return m;
}

static bool put(val_t *m, const char *k, val_t *v)
{
    return v && val_map_set_take(m, k, strlen(k), v) == MIG_OK;
}

mig_status_t rollback_apply(const rollback_env_t *e, const char *to,
                            val_t **report, run_result_t *result)
{
    *report = NULL;
    *result = RUN_REFUSED;
    store_checkpoint_t cp = { 0 };
    int64_t after = 0;
    if (to) {
        cp.item = "";
        if (store_checkpoint_get(e->store, e->run, to, &cp) != MIG_OK) {
            diag_list_move(e->diags, store_diags(e->store));
            return MIG_OK;
        }
        after = cp.seq;
    }
    rb_t b = { .e = e, .recs = val_list_new(16) };
    val_t *rep = val_map_new(8);
    val_t *cp_states = to && cp.resources ? val_copy(cp.resources) : NULL;
    val_t *list = val_list_new(16);
    if (!b.recs || !rep || !list || (to && cp.resources && !cp_states)
        || store_journal_each(e->store, e->run, after,
                              STORE_EACH_REVERSE | STORE_EACH_NO_ARGS,
                              collect, &b)
           != MIG_OK || b.oom) {
        val_unref(b.recs);
        val_unref(rep);
        val_unref(list);
        val_unref(cp_states);
        return b.oom || !rep ? MIG_ENOMEM : MIG_EINVALID;
    }
    mig_status_t st = MIG_OK;
    bool ok = put(rep, "to", to ? val_cstring(to) : val_null());
    /* Past an irreversible step only with force. */
    for (size_t i = 0; i < val_len(b.recs) && !e->force; i++) {
        val_t *r = val_list_get(b.recs, i);
        if (pending(r) && strcmp(str_of(r, "kind"), "irreversible") == 0) {
            diag_t *d = diag_add(e->diags, DIAG_ERROR, NULL, NULL, "cannot "
                                 "roll back past step %s%s%s (%s): it cannot "
                                 "be undone", str_of(r, "node"),
                                 *str_of(r, "item") ? " item " : "",
                                 str_of(r, "item"), str_of(r, "action"));
            diag_hint(e->diags, d, "roll back with --force to go past it, "
                      "leaving its effect in place");
            goto done;
        }
    }
    if (e->dry_run) {
        for (size_t i = 0; i < val_len(b.recs) && ok; i++)
            if (pending(val_list_get(b.recs, i)))
                ok = val_list_push_take(list, describe(val_list_get(b.recs, i)))
                     == MIG_OK;
        ok = ok && put(rep, "would_undo", val_ref(list));
        *result = RUN_SUCCEEDED;
        goto done;
    }
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        st = MIG_ENOMEM;
        goto done;
    }
    actx_host_t host = { .blobs = e->blobs, .loop = &loop,
                         .counter_add = counter_add, .data = e->store };
    val_t *d = val_map_new(1);
    if (d)
        put(d, "to", to ? val_cstring(to) : val_cstring("the start"));
    rb_event(e, "rollback-start", NULL, NULL, d, true);
    bool failed = false;
    size_t n_undone = 0;
    int64_t lo = 0, hi = 0;     /* records undone, not yet marked */
    for (size_t i = 0; i < val_len(b.recs) && !failed; i++) {
        val_t *r = val_list_get(b.recs, i);
        if (!pending(r))
            continue;
        int64_t seq = val_get_int(val_map_get(r, "seq", 3));
        const char *kind = str_of(r, "kind");
        if (strcmp(kind, "irreversible") == 0) {
            store_journal_set(e->store, e->run, seq, STORE_JOURNAL_FORCED);
            rb_event(e, "undo-forced", str_of(r, "node"), str_of(r, "item"),
                     describe(r), true);
            continue;
        }
        if (strcmp(kind, "plan") == 0) {
            /* Not idempotent: the journal says it started before it runs. */
            if (store_journal_set(e->store, e->run, seq, STORE_JOURNAL_UNDOING)
                    != MIG_OK
                || store_flush(e->store) != MIG_OK) {
                failed = true;
                break;
            }
        }
        sched_crash_point("before-undo");
        char *why = NULL;
        mig_status_t us = undo_one(e, &host, r, &why);
        if (us != MIG_OK) {
            failed = true;
            val_t *f = describe(r);
            if (f)
                put(f, "error", val_cstring(why ? why : "out of memory"));
            diag_add(e->diags, DIAG_ERROR, NULL, NULL, "the undo of step %s "
                     "(%s) failed: %s", str_of(r, "node"), str_of(r, "action"),
                     why ? why : "out of memory");
            rb_event(e, "undo-failed", str_of(r, "node"), str_of(r, "item"),
                     f, true);
            free(why);
            break;
        }
        /* Self-undoing records are marked in stretches (an undo done
         * twice is harmless); a plan undo at once. */
        if (lo && (seq != lo - 1 || strcmp(kind, "plan") == 0)
            && mark(e, &lo, &hi) != MIG_OK) {
            failed = true;
            break;
        }
        if (strcmp(kind, "plan") == 0) {
            if (store_journal_set(e->store, e->run, seq, STORE_JOURNAL_UNDONE)
                != MIG_OK) {
                failed = true;
                break;
            }
        } else {
            hi = lo ? hi : seq;
            lo = seq;
        }
        sched_crash_point("after-undo");
        n_undone++;
        ok = ok && val_list_push_take(list, describe(r)) == MIG_OK;
        rb_event(e, "undo", str_of(r, "node"), str_of(r, "item"),
                 describe(r), false);
        if (n_undone % 256 == 0 && (mark(e, &lo, &hi) != MIG_OK
                                    || store_flush(e->store) != MIG_OK))
            failed = true;
    }
    if (mark(e, &lo, &hi) != MIG_OK || store_flush(e->store) != MIG_OK)
        failed = true;
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    /* Compare what is there with what the checkpoint saw. */
    val_t *want = expected_states(&b, cp_states);
    action_ctx_t *ctx = actx_new(ACTX_RUN, e->base_dir);
    val_t *now = NULL;
    val_t *differ = val_list_new(4);
    if (!want || !ctx || !differ || sched_states(ctx, want, &now) != MIG_OK) {
        failed = true;
    } else {
        for (size_t i = 0; i < val_len(want); i++) {
            size_t len;
            const char *p = val_get_str(val_map_key(want, i), &len);
            val_t *w = val_map_value(want, i), *h = val_map_get(now, p, len);
            if (h && val_equal(w, h))
                continue;
            val_t *x = val_map_new(3);
            if (!x || !put(x, "path", val_string(p, len))
                || !put(x, "expected", val_ref(w))
                || !put(x, "actual", h ? val_ref(h) : val_null())
                || val_list_push_take(differ, x) != MIG_OK)
                ok = false;
        }
        char hw[BLOB_HEX], hn[BLOB_HEX];
        sched_digest(want, hw);
        sched_digest(now, hn);
        ok = ok && put(rep, "expected", val_cstring(hw))
             && put(rep, "digest", val_cstring(hn));
    }
    bool matched = !failed && differ && val_len(differ) == 0;
    ok = ok && put(rep, "undone", val_ref(list))
         && put(rep, "matched", val_bool(matched))
         && put(rep, "differ", differ ? val_ref(differ) : val_list_new(0));
    val_t *dd = val_map_new(3);
    if (dd) {
        put(dd, "to", to ? val_cstring(to) : val_cstring("the start"));
        put(dd, "undone", val_int((int64_t)n_undone));
        put(dd, "matched", val_bool(matched));
        if (differ && val_len(differ))
            put(dd, "differ", val_ref(differ));
    }
    rb_event(e, "rollback-done", NULL, NULL, dd, true);
    if (!failed && !matched)
        diag_add(e->diags, DIAG_ERROR, NULL, NULL, "after the rollback, %zu "
                 "managed resource%s differ%s from the checkpoint",
                 val_len(differ), val_len(differ) == 1 ? "" : "s",
                 val_len(differ) == 1 ? "s" : "");
    *result = matched ? RUN_ROLLED_BACK : RUN_ROLLBACK_FAILED;
    val_unref(want);
    val_unref(now);
    val_unref(differ);
    actx_free(ctx);
done:
    val_unref(b.recs);
    val_unref(list);
    val_unref(cp_states);
    if (!ok && st == MIG_OK)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        *report = rep;
    else
        val_unref(rep);
    return st;
}

/* ---- mig rollback ------------------------------------------------------------------ */

mig_status_t rollback_run(const action_registry_t *r, const char *base_dir,
                          const rollback_options_t *o, diag_list_t *diags,
                          val_t **report, run_result_t *result)
{
    *report = NULL;
    *result = RUN_REFUSED;
    store_t *s = NULL;
    blobs_t *blobs = NULL;
    store_run_t run = { 0 };
    store_lock_t holder = { 0 };
    char *objects = NULL;
    char *resource = NULL;
    int64_t fence = 0;
    mig_status_t st = store_open(o->state_path, 0, diags, &s);
    if (st != MIG_OK)
        goto out;
    if ((st = store_run_get(s, o->run, &run)) != MIG_OK)
        goto out;
    store_run_state_t live = store_run_liveness(s, &run);
    if (live == STORE_RUN_RUNNING) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "run %" PRId64 " is still "
                 "running (pid %" PRId64 " on %s): wait for it to end",
                 run.id, run.pid, run.host ? run.host : "?");
        goto out;
    }
    size_t n = strlen(base_dir ? base_dir : "") + 16;
    objects = malloc(n);
    if (!objects) {
        st = MIG_ENOMEM;
        goto out;
    }
    snprintf(objects, n, "%s%s.mig/objects", base_dir ? base_dir : "",
             base_dir && *base_dir && base_dir[strlen(base_dir) - 1] != '/'
             ? "/" : "");
    if ((st = blobs_open(objects, diags, &blobs)) != MIG_OK)
        goto out;
    if (!o->dry_run) {
        /* The lock of the workspace: the run's own (taken again), or a
         * free one. */
        char host[256] = "";
        gethostname(host, sizeof host - 1);
        resource = sched_lock_name(o->state_path);
        st = resource ? MIG_OK : MIG_ENOMEM;
        if (st == MIG_OK)
            st = store_lock_acquire(s, resource, run.id, getpid(), host, 30000,
                                    o->break_lock, &holder, &fence);
        if (st == MIG_EINVALID) {
            diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "%s is locked "
                                 "by run %" PRId64 " (pid %" PRId64 " on %s)",
                                 resource, holder.run, holder.pid,
                                 holder.host ? holder.host : "?");
            diag_hint(diags, d, "wait for it to end, or take an expired lock "
                      "over with --break-lock");
            st = MIG_OK;
            goto out;
        }
        if (st != MIG_OK)
            goto out;
        store_fence(s, resource, fence);
    }
    rollback_env_t e = { .store = s, .blobs = blobs, .reg = r,
                         .base_dir = base_dir, .run = run.id,
                         .force = o->force, .dry_run = o->dry_run,
                         .on_event = o->on_event, .data = o->data,
                         .diags = diags };
    st = rollback_apply(&e, o->to, report, result);
    if (!o->dry_run && st == MIG_OK && *result != RUN_REFUSED)
        st = store_run_finish(s, run.id, *result == RUN_ROLLED_BACK
                              ? STORE_RUN_ROLLED_BACK
                              : STORE_RUN_ROLLBACK_FAILED, NULL);
    if (!o->dry_run && fence)
        store_lock_release(s, resource, fence);
    if (st == MIG_OK && store_flush(s) != MIG_OK)
        st = MIG_EINVALID;
out:
    if (s && store_diags(s)->len)
        diag_list_move(diags, store_diags(s));
    store_run_clear(&run);
    store_lock_clear(&holder);
    store_close(s);
    blobs_close(blobs);
    free(objects);
    free(resource);
    return st;
}
