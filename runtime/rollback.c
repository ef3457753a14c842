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

/* Paths in byte order (what val_compare does for strings, without its
 * generality: the digest sorts every managed path). */
static int cmp_keys(const void *a, const void *b)
{
    size_t lx, ly;
    const char *x = val_get_str(*(val_t *const *)a, &lx);
    const char *y = val_get_str(*(val_t *const *)b, &ly);
    int c = memcmp(x, y, lx < ly ? lx : ly);
    return c ? c : (lx > ly) - (lx < ly);
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

/* Self-undoing records are marked undone, and the marks committed, this
 * many at a time at most: a rollback interrupted redoes at most this many
 * undos (harmless), and one of 100,000 records commits 49 times rather
 * than 391. */
#define RB_STRETCH 2048

static bool pending(store_journal_state_t s)
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

/* ---- undoing one record ----------------------------------------------------- */

/* Undoing a record may queue the removals it makes to a remover
 * (runtime.h, actx_set_remover), which makes them on its thread while the
 * next records are read and undone. A record counts as undone, is marked
 * so and is reported, only once its removals are made (mark, below). */

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
    val_t *res = NULL;
    mig_status_t st;
    action_fn fn = row ? (plan ? row->run : row->undo) : NULL;
    if (!fn)
        st = actx_fail(ctx, "MethodNotFound", "no undo for %s in this build",
                       name);
    else
        st = fn(ctx, plan ? val_map_get(rec->undo, "args", 4) : rec->undo,
                &res);
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
    char *stop_node, *stop_item, *stop_action;  /* pass 1: irreversible */
    int64_t lo, hi;             /* records undone, not yet marked */
    action_ctx_t *ctxs[2];      /* undo_one's contexts */
    actx_remover_t *rm;         /* or NULL: removals made at once */
    val_t *done;                /* descriptions of LO..HI, to report */
    size_t n_pending, n_undone;
    bool failed, oom;
    bool rm_failed;             /* a queued removal failed (reported) */
} rb_t;

/* Pass 1 (dry runs, and the refusal): looks for a pending record that
 * cannot be undone, and lists what would be undone. */
static bool scan(void *data, const store_journal_t *rec)
{
    rb_t *b = data;
    if (!pending(rec->state))
        return true;
    b->n_pending++;
    if (rec->kind == STORE_JOURNAL_NONE && !b->e->force && !b->stop_node) {
        b->stop_node = strdup(rec->node);
        b->stop_item = strdup(rec->item);
        b->stop_action = strdup(rec->action);
        if (!b->stop_node || !b->stop_item || !b->stop_action)
            b->oom = true;
        return false;
    }
    if (b->e->dry_run && val_list_push_take(b->list, describe(rec)) != MIG_OK)
        b->oom = true;
    return !b->oom;
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
        st = store_journal_set_range(b->e->store, b->e->run, lo, b->hi,
                                     STORE_JOURNAL_UNDONE);
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
    /* Older records come later: the last state written is the oldest. */
    for (size_t i = 0; rec->resources && i < val_len(rec->resources); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(rec->resources, i), &len);
        if (val_map_set(b->want, p, len, val_map_value(rec->resources, i))
            != MIG_OK)
            b->oom = true;
    }
    if (b->oom || !pending(rec->state))
        return !b->oom;
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
    if (b->n_undone % RB_STRETCH == 0
        && (!mark(b) || store_flush(e->store) != MIG_OK))
        b->failed = true;
    return !b->failed && !b->oom;
}

/* Compares the managed resources with WANT (the checkpoint's states over
 * the states before first touches) into REP; whether all match. Each
 * state is read once and compared at once; when all match, the digest of
 * what is there is the expected one. */
static bool verify(const rollback_env_t *e, val_t *want, val_t *rep,
                   bool *ok)
{
    action_ctx_t *ctx = actx_new(ACTX_RUN, e->base_dir);
    val_t *differ = val_list_new(4);
    val_t *now = NULL;          /* made only when something differs */
    strbuf_t b;
    strbuf_init(&b);
    bool read = ctx && differ;
    for (size_t i = 0; read && i < val_len(want); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(want, i), &len);
        val_t *w = val_map_value(want, i);
        b.len = 0;
        if (actx_state(ctx, p, &b) != MIG_OK || b.oom) {
            read = false;
            break;
        }
        size_t wl;
        const char *ws = val_get_str(w, &wl);
        if (wl == b.len && memcmp(ws, b.data, wl) == 0)
            continue;
        val_t *x = val_map_new(3);
        if (!x || val_map_set_take(x, "path", 4, val_string(p, len)) != MIG_OK
            || val_map_set(x, "expected", 8, w) != MIG_OK
            || val_map_set_take(x, "actual", 6, val_string(b.data, b.len))
               != MIG_OK
            || val_list_push_take(differ, x) != MIG_OK)
            *ok = false;
    }
    strbuf_free(&b);
    bool matched = read && val_len(differ) == 0;
    char hw[BLOB_HEX], hn[BLOB_HEX];
    sched_digest(want, hw);
    if (read && !matched && sched_states(ctx, want, &now) == MIG_OK)
        sched_digest(now, hn);
    else
        memcpy(hn, hw, BLOB_HEX);
    *ok = *ok && differ
          && val_map_set_take(rep, "expected", 8, val_cstring(hw)) == MIG_OK
          && val_map_set_take(rep, "digest", 6, val_cstring(hn)) == MIG_OK
          && val_map_set(rep, "differ", 6, differ) == MIG_OK;
    if (!read)
        diag_add(e->diags, DIAG_ERROR, NULL, NULL, "after the rollback, the "
                 "managed resources could not be read: %s",
                 ctx && actx_error_message(ctx) ? actx_error_message(ctx)
                                                : "out of memory");
    else if (!matched)
        diag_add(e->diags, DIAG_ERROR, NULL, NULL, "after the rollback, %zu "
                 "managed resource%s differ%s from the checkpoint",
                 val_len(differ), val_len(differ) == 1 ? "" : "s",
                 val_len(differ) == 1 ? "s" : "");
    val_unref(now);
    val_unref(differ);
    actx_free(ctx);
    return matched;
}

mig_status_t rollback_apply(const rollback_env_t *e, const char *to,
                            val_t **report, run_result_t *result)
{
    *report = NULL;
    *result = RUN_REFUSED;
    store_checkpoint_t cp = { .item = "" };
    int64_t after = 0;
    if (to) {
        if (store_checkpoint_get(e->store, e->run, to, &cp) != MIG_OK) {
            diag_list_move(e->diags, store_diags(e->store));
            return MIG_OK;
        }
        after = cp.seq;
    }
    /* The checkpoint's states are the store's until its next call. */
    val_t *cp_states = to && cp.resources ? val_copy(cp.resources) : NULL;
    rb_t b = { .e = e, .list = val_list_new(16), .want = val_map_new(64) };
    val_t *rep = val_map_new(8);
    mig_status_t st = MIG_OK;
    bool ok = rep && b.list && b.want && (!to || !cp.resources || cp_states)
        && val_map_set_take(rep, "to", 2, to ? val_cstring(to) : val_null())
           == MIG_OK;
    if (!ok) {
        st = MIG_ENOMEM;
        goto done;
    }
    /* Pass 1: past an irreversible step only with force. */
    st = store_journal_each(e->store, e->run, after,
                            STORE_EACH_REVERSE | STORE_EACH_NO_VALUES, scan,
                            &b);
    if (st != MIG_OK || b.oom) {
        st = b.oom ? MIG_ENOMEM : st;
        goto done;
    }
    if (b.stop_node) {
        diag_t *d = diag_add(e->diags, DIAG_ERROR, NULL, NULL, "cannot roll "
                             "back past step %s%s%s (%s): it cannot be "
                             "undone", b.stop_node, *b.stop_item ? " item "
                             : "", b.stop_item, b.stop_action);
        diag_hint(e->diags, d, "roll back with --force to go past it, "
                  "leaving its effect in place");
        goto done;
    }
    if (e->dry_run) {
        ok = val_map_set(rep, "would_undo", 10, b.list) == MIG_OK;
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
    /* Pass 2: undo. */
    if (store_journal_each(e->store, e->run, after,
                           STORE_EACH_REVERSE | STORE_EACH_NO_ARGS, undo_each,
                           &b) != MIG_OK)
        b.failed = true;
    if (!mark(&b) || store_flush(e->store) != MIG_OK)
        b.failed = true;
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
    /* The checkpoint's states win over those before first touches. */
    for (size_t i = 0; cp_states && i < val_len(cp_states); i++) {
        size_t len;
        const char *p = val_get_str(val_map_key(cp_states, i), &len);
        if (val_map_set(b.want, p, len, val_map_value(cp_states, i))
            != MIG_OK)
            ok = false;
    }
    bool matched = verify(e, b.want, rep, &ok) && !b.failed;
    ok = ok && val_map_set_take(rep, "undone", 6,
                                val_int((int64_t)b.n_undone)) == MIG_OK
         && (!e->list || val_map_set(rep, "records", 7, b.list) == MIG_OK)
         && val_map_set_take(rep, "matched", 7, val_bool(matched)) == MIG_OK;
    val_t *dd = val_map_new(4);
    if (dd) {
        val_map_set_take(dd, "to", 2, val_cstring(to ? to : "the start"));
        val_map_set_take(dd, "undone", 6, val_int((int64_t)b.n_undone));
        val_map_set_take(dd, "matched", 7, val_bool(matched));
        val_t *differ = val_map_get(rep, "differ", 6);
        if (differ && val_len(differ))
            val_map_set(dd, "differ", 6, differ);
    }
    rb_event(e, "rollback-done", NULL, NULL, dd, true);
    *result = matched ? RUN_ROLLED_BACK : RUN_ROLLBACK_FAILED;
done:
    val_unref(b.list);
    val_unref(b.want);
    val_unref(cp_states);
    free(b.stop_node);
    free(b.stop_item);
    free(b.stop_action);
    if (!ok && st == MIG_OK)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        *report = rep;
    else
        val_unref(rep);
    return st;
}

/* ---- mig rollback ------------------------------------------------------------------ */

/* Locks the write roots RUN recorded (options.roots; a run recorded
 * before roots has none to lock) as roots_lock_take does, into *OUT. */
static mig_status_t lock_roots(const store_run_t *run, diag_list_t *diags,
                               roots_lock_t **out)
{
    *out = NULL;
    const val_t *l = run->options ? val_map_get(run->options, "roots", 5)
                                  : NULL;
    if (!l || val_type(l) != VAL_LIST)
        return MIG_OK;
    write_roots_t r = { .real = true };
    r.paths = calloc(val_len(l) + 1, sizeof(*r.paths));
    r.given = calloc(val_len(l) + 1, sizeof(*r.given));
    mig_status_t st = r.paths && r.given ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(l); i++) {
        const val_t *p = val_list_get(l, i);
        if (val_type(p) != VAL_STRING)
            continue;
        r.paths[r.n] = strdup(val_get_str(p, NULL));
        r.given[r.n] = strdup(val_get_str(p, NULL));
        r.n++;
        if (!r.paths[r.n - 1] || !r.given[r.n - 1])
            st = MIG_ENOMEM;
    }
    if (st == MIG_OK)
        st = roots_lock_take(&r, diags, out);
    roots_free(&r);
    return st;
}

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
    roots_lock_t *roots_lock = NULL;
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
        /* The write roots the run recorded, locked as the run held them. */
        st = lock_roots(&run, diags, &roots_lock);
        if (st == MIG_EINVALID) {
            store_lock_release(s, resource, fence);
            fence = 0;
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
                         .list = o->list,
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
    roots_lock_free(roots_lock);
    free(objects);
    free(resource);
    return st;
}
