/* stats_hist.c: `mig stats` over the history (docs/analytics.md): every
 * run the filter lets through is read from the state store, oldest first
 * (its events, its steps, and the per-file report of tools_report_build),
 * and folded into success rates by legacy format, record kind and
 * complexity band, durations per stage and per action, retries,
 * recoveries, rollbacks, and a row per run for the trend. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

/* The counters of a rate group (formats, kinds, bands). */
enum { R_RECORDS, R_MIGRATED, R_FAILED, R_NOT_REACHED, R_FILES };
/* The counters of a recovery group: how often, and each decision. */
enum { V_COUNT, V_SUCCEEDED, V_RETRY, V_SKIP, V_FAIL, V_ROLLBACK };

/* A recovery of the run being read, until its outcome is known. */
typedef struct recov {
    char *class, *handler, *node, *item;
    const char *decision;       /* static text, or NULL: none recorded */
    int64_t seq;                /* of its decision */
} recov_t;

/* An item or stage that ended without success in that run. */
typedef struct ending {
    int64_t seq;
    char *item;                 /* an item, or NULL for a stage */
    char stage[128];
} ending_t;

typedef struct hist {
    store_t *s;
    an_groups_t stages, actions, formats, kinds, bands, classes, recov;
    int64_t waits, wait_ms, retried;
    int64_t rb_verified, rb_unverified, rb_not_needed;
    val_t *rollbacks, *trend;
    /* the run being read */
    int64_t run;
    val_t *action_of, *stage_at, *band_of;
    recov_t *rv;
    size_t n_rv, cap_rv;
    ending_t *en;
    size_t n_en, cap_en;
    int64_t run_waits, run_recov;
    const char *rollback;       /* "verified", ... or NULL */
    bool ok;                    /* false: out of memory */
} hist_t;

static void run_reset(hist_t *h)
{
    for (size_t i = 0; i < h->n_rv; i++) {
        free(h->rv[i].class);
        free(h->rv[i].handler);
        free(h->rv[i].node);
        free(h->rv[i].item);
    }
    for (size_t i = 0; i < h->n_en; i++)
        free(h->en[i].item);
    h->n_rv = h->n_en = 0;
    val_unref(h->action_of);
    val_unref(h->stage_at);
    val_unref(h->band_of);
    h->action_of = h->stage_at = h->band_of = NULL;
    h->run_waits = h->run_recov = 0;
    h->rollback = NULL;
}

/* ---- events -------------------------------------------------------------- */

static void on_stage(hist_t *h, const store_event_rec_t *ev)
{
    char stage[128];
    an_stage_of(ev->node ? ev->node : "", stage, sizeof stage);
    if (strcmp(ev->kind, "stage-start") == 0) {
        an_put_int(h->stage_at, stage, ev->at_ms, &h->ok);
        return;
    }
    val_t *at = an_get(h->stage_at, stage);
    if (!at)
        return;
    an_group_t *g = an_group(&h->stages, stage);
    if (!g || !an_group_add(g, ev->at_ms - val_get_int(at))) {
        h->ok = false;
        return;
    }
    if (strcmp(ev->kind, "stage-failed") == 0) {
        g->c[0]++;
        if (an_grow((void **)&h->en, &h->cap_en, h->n_en, sizeof *h->en)) {
            ending_t *e = &h->en[h->n_en++];
            *e = (ending_t){ .seq = ev->seq };
            memcpy(e->stage, stage, sizeof stage);
        } else
            h->ok = false;
    }
    val_map_delete(h->stage_at, stage, strlen(stage));
}

static void on_recover(hist_t *h, const store_event_rec_t *ev)
{
    if (!an_grow((void **)&h->rv, &h->cap_rv, h->n_rv, sizeof *h->rv)) {
        h->ok = false;
        return;
    }
    const char *cls = an_str(ev->data, "class"), *hd = an_str(ev->data,
                                                              "handler");
    recov_t *r = &h->rv[h->n_rv];
    *r = (recov_t){ .class = strdup(cls ? cls : "?"),
                    .handler = strdup(hd ? hd : "?"),
                    .node = strdup(ev->node ? ev->node : ""),
                    .item = strdup(ev->item ? ev->item : "") };
    h->n_rv++;
    if (!r->class || !r->handler || !r->node || !r->item)
        h->ok = false;
    h->run_recov++;
}

/* The decisions a handler ends in, with their counter. */
static const struct { const char *name; int counter; } decisions[] = {
    { "retry", V_RETRY }, { "skip", V_SKIP }, { "fail", V_FAIL },
    { "rollback", V_ROLLBACK },
};

static void on_decision(hist_t *h, const store_event_rec_t *ev)
{
    const char *d = an_str(ev->data, "decision");
    for (size_t i = h->n_rv; d && i-- > 0;) {
        recov_t *r = &h->rv[i];
        if (r->decision || strcmp(r->node, ev->node ? ev->node : "") != 0
            || strcmp(r->item, ev->item ? ev->item : "") != 0)
            continue;
        r->seq = ev->seq;
        for (size_t k = 0; k < sizeof decisions / sizeof *decisions; k++)
            if (strncmp(d, decisions[k].name, strlen(decisions[k].name)) == 0)
                r->decision = decisions[k].name;
        if (!r->decision)
            r->decision = "fail";
        return;
    }
}

static void on_item_end(hist_t *h, const store_event_rec_t *ev)
{
    if (!an_grow((void **)&h->en, &h->cap_en, h->n_en, sizeof *h->en)) {
        h->ok = false;
        return;
    }
    ending_t *e = &h->en[h->n_en];
    *e = (ending_t){ .seq = ev->seq, .item = strdup(ev->item ? ev->item : "") };
    if (!e->item)
        h->ok = false;
    else
        h->n_en++;
}

static void on_retry_wait(hist_t *h, const store_event_rec_t *ev)
{
    const char *cls = an_str(ev->data, "class");
    an_group_t *g = an_group(&h->classes, cls ? cls : "?");
    if (!g) {
        h->ok = false;
        return;
    }
    g->c[0]++;
    h->waits++;
    h->run_waits++;
    h->wait_ms += an_int(ev->data, "delay_ms");
}

static void on_rollback(hist_t *h, const store_event_rec_t *ev)
{
    bool needed = strcmp(ev->kind, "rollback-done") == 0;
    val_t *m = an_get(ev->data, "matched");
    bool matched = m && val_type(m) == VAL_BOOL && val_get_bool(m);
    h->rollback = !needed ? "not-needed" : matched ? "verified" : "unverified";
    if (!needed)
        h->rb_not_needed++;
    else if (matched)
        h->rb_verified++;
    else
        h->rb_unverified++;
    val_t *r = val_map_new(4);
    bool ok = r != NULL;
    an_put_int(r, "run", h->run, &ok);
    an_put_str(r, "to", an_str(ev->data, "to"), &ok);
    an_put_int(r, "undone", an_int(ev->data, "undone"), &ok);
    an_put_str(r, "outcome", h->rollback, &ok);
    an_push(h->rollbacks, r, &ok);
    if (!ok)
        h->ok = false;
}

static bool on_event(void *data, const store_event_rec_t *ev)
{
    hist_t *h = data;
    const char *k = ev->kind;
    const char *action = an_str(ev->data, "action");
    if (action && ev->node && strncmp(k, "step-", 5) == 0)
        an_put_str(h->action_of, ev->node, action, &h->ok);
    if (strncmp(k, "stage-", 6) == 0)
        on_stage(h, ev);
    else if (strcmp(k, "recover") == 0)
        on_recover(h, ev);
    else if (strcmp(k, "decision") == 0)
        on_decision(h, ev);
    else if (strcmp(k, "item-failed") == 0 || strcmp(k, "item-skipped") == 0)
        on_item_end(h, ev);
    else if (strcmp(k, "retry-wait") == 0)
        on_retry_wait(h, ev);
    else if (strcmp(k, "rollback-done") == 0
             || strcmp(k, "rollback-not-needed") == 0)
        on_rollback(h, ev);
    return h->ok;
}

/* A recovery succeeded when it decided to retry and, after its decision,
 * neither its item nor one around it ended failed or skipped, nor did
 * its stage fail. */
static bool recovered(const hist_t *h, const recov_t *r)
{
    if (!r->decision || strcmp(r->decision, "retry") != 0)
        return false;
    char stage[128];
    an_stage_of(r->node, stage, sizeof stage);
    for (size_t i = 0; i < h->n_en; i++) {
        const ending_t *e = &h->en[i];
        if (e->seq <= r->seq)
            continue;
        if (e->item ? an_item_within(r->item, e->item)
                    : strcmp(e->stage, stage) == 0)
            return false;
    }
    return true;
}

static void fold_recoveries(hist_t *h)
{
    for (size_t i = 0; h->ok && i < h->n_rv; i++) {
        const recov_t *r = &h->rv[i];
        strbuf_t key;
        strbuf_init(&key);
        strbuf_printf(&key, "%s\t%s", r->class, r->handler);
        an_group_t *g = key.oom ? NULL : an_group(&h->recov, key.data);
        strbuf_free(&key);
        if (!g) {
            h->ok = false;
            return;
        }
        g->c[V_COUNT]++;
        for (size_t k = 0; r->decision && k < sizeof decisions
                                               / sizeof *decisions; k++)
            if (strcmp(r->decision, decisions[k].name) == 0)
                g->c[decisions[k].counter]++;
        if (recovered(h, r))
            g->c[V_SUCCEEDED]++;
    }
}

/* ---- steps ---------------------------------------------------------------- */

/* The key that joins a record of a read with the report's: its file,
 * pointer and line. */
static void record_key(strbuf_t *b, const char *file, const char *pointer,
                       int64_t line)
{
    strbuf_printf(b, "%s\n%s\n%" PRId64, file ? file : "",
                  pointer ? pointer : "", line);
}

/* Notes the band of every record of a tools.read result. */
static void bands_of_read(hist_t *h, const val_t *result)
{
    static const char *const lists[] = { "tools", "servers", "backends" };
    for (size_t l = 0; l < 3; l++) {
        const val_t *recs = an_get(result, lists[l]);
        for (size_t i = 0; recs && val_type(recs) == VAL_LIST
                           && i < val_len(recs); i++) {
            const val_t *rec = val_list_get(recs, i);
            const val_t *prov = an_get(rec, "provenance");
            strbuf_t key;
            strbuf_init(&key);
            record_key(&key, an_str(prov, "file"), an_str(prov, "pointer"),
                       an_int(prov, "line"));
            analytics_band_t b = analytics_band(rec, NULL);
            if (key.oom)
                h->ok = false;
            else
                an_put_str(h->band_of, key.data, analytics_band_name(b),
                           &h->ok);
            strbuf_free(&key);
        }
    }
}

static bool on_step(void *data, const store_step_t *st)
{
    hist_t *h = data;
    const char *action = an_str(h->action_of, st->node);
    if (!action)
        return true;            /* a scope (retry, foreach), not a step */
    if (st->attempts > 1)
        h->retried++;
    if (st->ended_ms > 0
        && (st->state == STORE_STEP_DONE || st->state == STORE_STEP_FAILED)) {
        an_group_t *g = an_group(&h->actions, action);
        if (!g || !an_group_add(g, st->ended_ms - st->started_ms))
            h->ok = false;
        else if (st->state == STORE_STEP_FAILED)
            g->c[0]++;
    }
    if (strcmp(action, "tools.read") == 0 && st->result)
        bands_of_read(h, st->result);
    return h->ok;
}

/* ---- the report's files and records -------------------------------------- */

/* Counts one record of OUTCOME in G. */
static void count_record(an_group_t *g, const char *outcome)
{
    g->c[R_RECORDS]++;
    if (strcmp(outcome, "stored") == 0 || strcmp(outcome, "kept") == 0
        || strcmp(outcome, "replaced") == 0)
        g->c[R_MIGRATED]++;
    else if (strcmp(outcome, "not-reached") == 0)
        g->c[R_NOT_REACHED]++;
    else
        g->c[R_FAILED]++;
}

/* Folds the report's FILES in; RUN[R_...] counts the run's records. */
static void fold_files(hist_t *h, const val_t *files, int64_t *run)
{
    for (size_t i = 0; h->ok && files && i < val_len(files); i++) {
        const val_t *f = val_list_get(files, i);
        const char *format = an_str(f, "format");
        an_group_t *fg = an_group(&h->formats, format ? format : "(none)");
        if (!fg) {
            h->ok = false;
            return;
        }
        fg->c[R_FILES]++;
        const val_t *recs = an_get(f, "records");
        for (size_t j = 0; recs && j < val_len(recs); j++) {
            const val_t *r = val_list_get(recs, j);
            const char *outcome = an_str(r, "outcome");
            const char *kind = an_str(r, "kind");
            outcome = outcome ? outcome : "failed";
            strbuf_t key;
            strbuf_init(&key);
            record_key(&key, an_str(f, "path"), an_str(r, "pointer"),
                       an_int(r, "line"));
            const char *band = key.oom ? NULL : an_str(h->band_of, key.data);
            strbuf_free(&key);
            an_group_t *kg = an_group(&h->kinds, kind ? kind : "record");
            an_group_t *bg = band ? an_group(&h->bands, band) : NULL;
            if (!kg || (band && !bg)) {
                h->ok = false;
                return;
            }
            count_record(fg, outcome);
            count_record(kg, outcome);
            if (bg)
                count_record(bg, outcome);
            an_group_t one = { 0 };
            count_record(&one, outcome);
            for (size_t k = 0; k < AN_COUNTERS; k++)
                run[k] += one.c[k];
        }
    }
}

/* ---- one run ---------------------------------------------------------------- */

static mig_status_t read_run(hist_t *h, const store_run_t *r)
{
    h->run = r->id;
    h->action_of = val_map_new(16);
    h->stage_at = val_map_new(4);
    h->band_of = val_map_new(16);
    if (!h->action_of || !h->stage_at || !h->band_of)
        return MIG_ENOMEM;
    mig_status_t st = store_event_each(h->s, r->id, on_event, h);
    if (st == MIG_OK && h->ok)
        st = store_step_each(h->s, r->id, on_step, h);
    if (st == MIG_OK && h->ok)
        fold_recoveries(h);
    val_t *rep = NULL;
    if (st == MIG_OK && h->ok)
        st = tools_report_build(h->s, r->id, &rep);
    int64_t c[AN_COUNTERS] = { 0 };
    if (st == MIG_OK && h->ok)
        fold_files(h, an_get(rep, "files"), c);
    val_unref(rep);
    if (st != MIG_OK)
        return st;
    val_t *t = val_map_new(12);
    bool ok = h->ok && t;
    an_put_int(t, "run", r->id, &ok);
    an_put_str(t, "plan", r->plan_name, &ok);
    an_put_int(t, "started_ms", r->started_ms, &ok);
    an_put_str(t, "state", store_run_state_name(store_run_liveness(h->s, r)),
               &ok);
    an_put(t, "duration_ms", r->ended_ms ? val_int(r->ended_ms - r->started_ms)
                                         : val_null(), &ok);
    an_put_int(t, "records", c[R_RECORDS], &ok);
    an_put_int(t, "migrated", c[R_MIGRATED], &ok);
    an_put_share(t, "rate", c[R_MIGRATED], c[R_RECORDS] - c[R_NOT_REACHED],
                 &ok);
    an_put_int(t, "retries", h->run_waits, &ok);
    an_put_int(t, "recoveries", h->run_recov, &ok);
    an_put_str(t, "rollback", h->rollback, &ok);
    an_push(h->trend, t, &ok);
    return ok ? MIG_OK : MIG_ENOMEM;
}

static bool wanted(const store_run_t *r, const analytics_filter_t *f)
{
    if (f && r->started_ms < f->since_ms)
        return false;
    return !f || !f->plan || (r->plan_name && strcmp(r->plan_name, f->plan) == 0)
           || (r->plan_path && strcmp(r->plan_path, f->plan) == 0);
}

/* ---- the value ---------------------------------------------------------------- */

/* The rate groups of GS as a list of {KEY, files (with FILES), records,
 * migrated, failed, not_reached, rate}: sorted by name, or (ALL not NULL)
 * the N_ALL groups ALL names, in that order, empty ones included. */
static val_t *rates(an_groups_t *gs, const char *key, bool files,
                    const char *const *all, size_t n_all, bool *ok)
{
    if (!all)
        an_groups_sort(gs);
    size_t n = all ? n_all : gs->n;
    val_t *list = val_list_new(n);
    *ok = *ok && list;
    for (size_t i = 0; *ok && i < n; i++) {
        const an_group_t *g = all ? an_group(gs, all[i]) : &gs->g[i];
        val_t *m = g ? val_map_new(7) : NULL;
        *ok = m != NULL;
        if (!*ok)
            break;
        an_put_str(m, key, g->name, ok);
        if (files)
            an_put_int(m, "files", g->c[R_FILES], ok);
        an_put_int(m, "records", g->c[R_RECORDS], ok);
        an_put_int(m, "migrated", g->c[R_MIGRATED], ok);
        an_put_int(m, "failed", g->c[R_FAILED], ok);
        an_put_int(m, "not_reached", g->c[R_NOT_REACHED], ok);
        an_put_share(m, "rate", g->c[R_MIGRATED],
                     g->c[R_RECORDS] - g->c[R_NOT_REACHED], ok);
        an_push(list, m, ok);
    }
    return list;
}

static val_t *totals(const an_groups_t *kinds, bool *ok)
{
    int64_t c[AN_COUNTERS] = { 0 };
    for (size_t i = 0; i < kinds->n; i++)
        for (size_t k = 0; k < AN_COUNTERS; k++)
            c[k] += kinds->g[i].c[k];
    val_t *m = val_map_new(5);
    *ok = *ok && m;
    an_put_int(m, "total", c[R_RECORDS], ok);
    an_put_int(m, "migrated", c[R_MIGRATED], ok);
    an_put_int(m, "failed", c[R_FAILED], ok);
    an_put_int(m, "not_reached", c[R_NOT_REACHED], ok);
    an_put_share(m, "rate", c[R_MIGRATED], c[R_RECORDS] - c[R_NOT_REACHED], ok);
    return m;
}

static val_t *retries(hist_t *h, bool *ok)
{
    val_t *m = val_map_new(4), *by = val_list_new(h->classes.n);
    *ok = *ok && m && by;
    an_groups_sort(&h->classes);
    an_put_int(m, "waits", h->waits, ok);
    an_put_int(m, "wait_ms", h->wait_ms, ok);
    an_put_int(m, "steps_retried", h->retried, ok);
    for (size_t i = 0; *ok && i < h->classes.n; i++) {
        val_t *c = val_map_new(2);
        *ok = c != NULL;
        an_put_str(c, "class", h->classes.g[i].name, ok);
        an_put_int(c, "waits", h->classes.g[i].c[0], ok);
        an_push(by, c, ok);
    }
    an_put(m, "by_class", by, ok);
    return m;
}

static val_t *recoveries(hist_t *h, bool *ok)
{
    an_groups_sort(&h->recov);
    val_t *list = val_list_new(h->recov.n);
    *ok = *ok && list;
    for (size_t i = 0; *ok && i < h->recov.n; i++) {
        const an_group_t *g = &h->recov.g[i];
        const char *tab = strchr(g->name, '\t');
        val_t *m = val_map_new(9);
        *ok = m && tab;
        an_put(m, "class", tab ? val_string(g->name, (size_t)(tab - g->name))
                               : NULL, ok);
        an_put_str(m, "handler", tab ? tab + 1 : NULL, ok);
        an_put_int(m, "count", g->c[V_COUNT], ok);
        for (size_t k = 0; k < sizeof decisions / sizeof *decisions; k++)
            an_put_int(m, decisions[k].name, g->c[decisions[k].counter], ok);
        an_put_int(m, "succeeded", g->c[V_SUCCEEDED], ok);
        an_put_share(m, "share", g->c[V_SUCCEEDED], g->c[V_COUNT], ok);
        an_push(list, m, ok);
    }
    return list;
}

static val_t *rollbacks(hist_t *h, bool *ok)
{
    val_t *m = val_map_new(5);
    *ok = *ok && m;
    an_put_int(m, "total", (int64_t)val_len(h->rollbacks), ok);
    an_put_int(m, "verified", h->rb_verified, ok);
    an_put_int(m, "unverified", h->rb_unverified, ok);
    an_put_int(m, "not_needed", h->rb_not_needed, ok);
    an_put(m, "runs", *ok ? val_ref(h->rollbacks) : NULL, ok);
    return m;
}

static val_t *build(hist_t *h, int64_t runs)
{
    static const char *const band_order[] = {
#define ANALYTICS_BAND_STR(e, s) s,
        ANALYTICS_BANDS(ANALYTICS_BAND_STR)
#undef ANALYTICS_BAND_STR
    };
    val_t *m = val_map_new(12);
    bool ok = m != NULL;
    an_put_int(m, "runs", runs, &ok);
    an_put(m, "records", totals(&h->kinds, &ok), &ok);
    an_put(m, "by_format", rates(&h->formats, "format", true, NULL, 0, &ok),
           &ok);
    an_put(m, "by_kind", rates(&h->kinds, "kind", false, NULL, 0, &ok), &ok);
    an_put(m, "by_band", rates(&h->bands, "band", false, band_order,
                               ANALYTICS_BAND_COUNT, &ok), &ok);
    an_put(m, "stages", ok ? an_durations(&h->stages, "stage") : NULL, &ok);
    an_put(m, "actions", ok ? an_durations(&h->actions, "action") : NULL, &ok);
    an_put(m, "retries", retries(h, &ok), &ok);
    an_put(m, "recoveries", recoveries(h, &ok), &ok);
    an_put(m, "rollbacks", rollbacks(h, &ok), &ok);
    an_put(m, "trend", ok ? val_ref(h->trend) : NULL, &ok);
    if (!ok) {
        val_unref(m);
        return NULL;
    }
    return m;
}

mig_status_t analytics_stats(store_t *s, const analytics_filter_t *f,
                             val_t **out)
{
    *out = NULL;
    store_run_t *runs;
    size_t n;
    mig_status_t st = store_run_list(s, 0, &runs, &n);
    if (st != MIG_OK)
        return st;
    hist_t h = { .s = s, .ok = true, .rollbacks = val_list_new(0),
                 .trend = val_list_new(n) };
    if (!h.rollbacks || !h.trend)
        st = MIG_ENOMEM;
    int64_t counted = 0;
    for (size_t i = n; st == MIG_OK && i-- > 0;) {   /* oldest first */
        if (!wanted(&runs[i], f))
            continue;
        st = read_run(&h, &runs[i]);
        if (st == MIG_OK && !h.ok)
            st = MIG_ENOMEM;
        run_reset(&h);
        counted++;
    }
    if (st == MIG_OK && !(*out = build(&h, counted)))
        st = MIG_ENOMEM;
    run_reset(&h);
    free(h.rv);
    free(h.en);
    an_groups_t *all[] = { &h.stages, &h.actions, &h.formats, &h.kinds,
                           &h.bands, &h.classes, &h.recov };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        an_groups_free(all[i]);
    val_unref(h.rollbacks);
    val_unref(h.trend);
    store_runs_free(runs, n);
    return st;
}
