/* analyze_labels.c: the training rows from the history of runs
 * (docs/analytics.md, "Labels"). Each record a run's tools.read step
 * read, with its features computed from the journaled result, is joined
 * by its provenance (file and place) with what became of it, as the
 * per-file report finds it, and with the recover events of its items. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* What a record's outcome (docs/report.md, "Outcomes") says of its
 * class; the success outcomes are clean or recovered by its items'
 * recover events. */
static const struct { const char *outcome; int cls; } outcome_class[] = {
    { "stored", ANALYZE_CLEAN }, { "kept", ANALYZE_CLEAN },
    { "replaced", ANALYZE_CLEAN }, { "conflict", ANALYZE_HUMAN },
    { "skipped", ANALYZE_HUMAN }, { "rejected", ANALYZE_HUMAN },
    { "failed", ANALYZE_HUMAN }, { "not-reached", ANALYZE_NONE },
    /* a file's outcomes, for a file that gave no record */
    { "migrated", ANALYZE_CLEAN }, { "partial", ANALYZE_HUMAN },
};

static int class_of(const char *outcome)
{
    for (size_t i = 0; outcome && i < sizeof outcome_class
                                      / sizeof *outcome_class; i++)
        if (strcmp(outcome, outcome_class[i].outcome) == 0)
            return outcome_class[i].cls;
    return ANALYZE_NONE;
}

typedef struct run_scan {
    val_t *reads;       /* "NODE\tITEM" of each tools.read step done */
    val_t *recovered;   /* items a recover handler took an error of */
    val_t *ended;       /* items that failed or were skipped */
    analyze_rows_t rows;        /* this run's rows, features only */
    mig_status_t st;
} run_scan_t;

static char *key2(const char *a, const char *b)
{
    strbuf_t k;
    strbuf_init(&k);
    strbuf_printf(&k, "%s\t%s", a ? a : "", b ? b : "");
    if (k.oom)
        strbuf_free(&k);
    return k.data;
}

static bool mark(val_t *set, const char *key)
{
    return key && val_map_set_take(set, key, strlen(key), val_bool(true))
                      == MIG_OK;
}

static bool on_event(void *data, const store_event_rec_t *ev)
{
    run_scan_t *rs = data;
    bool ok = true;
    if (strcmp(ev->kind, "step-done") == 0 && ev->node
        && an_str(ev->data, "action")
        && strcmp(an_str(ev->data, "action"), "tools.read") == 0) {
        char *k = key2(ev->node, ev->item);
        ok = mark(rs->reads, k);
        free(k);
    } else if (strcmp(ev->kind, "recover") == 0) {
        ok = mark(rs->recovered, ev->item ? ev->item : "");
    } else if (strcmp(ev->kind, "item-failed") == 0
               || strcmp(ev->kind, "item-skipped") == 0) {
        ok = mark(rs->ended, ev->item ? ev->item : "");
    }
    if (!ok)
        rs->st = MIG_ENOMEM;
    return ok;
}

static bool on_step(void *data, const store_step_t *st)
{
    run_scan_t *rs = data;
    if (st->state != STORE_STEP_DONE)
        return true;
    char *k = key2(st->node, st->item);
    bool read = k && val_map_get(rs->reads, k, strlen(k));
    free(k);
    if (!k)
        rs->st = MIG_ENOMEM;
    else if (read)
        rs->st = analyze_features(st->result, &rs->rows);
    return rs->st == MIG_OK;
}

/* Whether SET holds ITEM or an item around it ("2" holds "2/0"): a
 * recover handler took an error of it, or it failed. */
static bool held(const val_t *set, const char *item)
{
    if (!item)
        return false;
    size_t n = strlen(item);
    for (;;) {
        if (val_map_get(set, item, n))
            return true;
        if (n == 0)
            return false;
        while (n > 0 && item[n - 1] != '/')
            n--;
        if (n > 0)
            n--;
    }
}

/* The report's records and files by "FILE\tPLACE" ("FILE\t" for the
 * file itself): a new map to their report maps (borrowed from REP). */
static val_t *index_report(const val_t *rep)
{
    val_t *idx = val_map_new(64);
    val_t *files = an_get(rep, "files");
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; idx && files && i < val_len(files); i++) {
        val_t *f = val_list_get(files, i);
        const char *path = an_str(f, "path");
        b.len = 0;
        strbuf_printf(&b, "%s\t", path ? path : "");
        bool ok = !b.oom && val_map_set(idx, b.data, b.len, f) == MIG_OK;
        val_t *recs = an_get(f, "records");
        for (size_t j = 0; ok && recs && j < val_len(recs); j++) {
            char *place = an_place(val_list_get(recs, j), &ok);
            b.len = 0;
            strbuf_printf(&b, "%s\t%s", path ? path : "", place ? place : "");
            free(place);
            ok = ok && !b.oom && val_map_set(idx, b.data, b.len,
                                             val_list_get(recs, j)) == MIG_OK;
        }
        if (!ok) {
            val_unref(idx);
            idx = NULL;
        }
    }
    strbuf_free(&b);
    return idx;
}

/* The folder the files of ROWS share (their paths' longest common
 * directory), for the group of the run. New string, or NULL. */
static char *common_dir(const analyze_rows_t *rows)
{
    if (rows->n == 0)
        return strdup("");
    const char *first = rows->v[0].file ? rows->v[0].file : "";
    size_t n = strlen(first);
    for (size_t i = 1; i < rows->n; i++) {
        const char *p = rows->v[i].file ? rows->v[i].file : "";
        size_t k = 0;
        while (k < n && p[k] == first[k])
            k++;
        n = k;
    }
    /* Back to a whole folder: what precedes the last '/' of the part
     * they share (a single file: its folder). */
    while (n > 0 && first[n - 1] != '/')
        n--;
    while (n > 0 && first[n - 1] == '/')
        n--;
    return strndup(first, n);
}

/* Labels RS's rows from the report REP of run R and moves the labelled
 * ones into OUT. */
static mig_status_t label_run(run_scan_t *rs, const store_run_t *r,
                              const val_t *rep, analyze_rows_t *out)
{
    val_t *idx = index_report(rep);
    char *dir = common_dir(&rs->rows);
    const char *slash = r->plan_path ? strrchr(r->plan_path, '/') : NULL;
    strbuf_t g, k;
    strbuf_init(&g);
    strbuf_init(&k);
    if (slash)
        strbuf_put(&g, r->plan_path, (size_t)(slash - r->plan_path));
    strbuf_printf(&g, "\t%s", dir ? dir : "");
    mig_status_t st = idx && dir && !g.oom ? MIG_OK : MIG_ENOMEM;
    size_t before = out->n;
    for (size_t i = 0; st == MIG_OK && i < rs->rows.n; i++) {
        analyze_row_t *row = &rs->rows.v[i];
        k.len = 0;
        strbuf_printf(&k, "%s\t%s", row->file ? row->file : "",
                      row->place ? row->place : "");
        val_t *rec = k.oom ? NULL : val_map_get(idx, k.data, k.len);
        row->cls = class_of(an_str(rec, "outcome"));
        /* Not stored because its item failed after a step handled it
         * (a step the report does not follow, between normalize and
         * put): a person must look at it. */
        if (row->cls == ANALYZE_NONE && held(rs->ended, an_str(rec, "item")))
            row->cls = ANALYZE_HUMAN;
        /* A file rejected for giving no record, though its reader saw no
         * error (a prompt whose record its config.json gives): not a
         * tool that needs anyone. */
        const char *o = an_str(rec, "outcome");
        if (!row->place && o && strcmp(o, "rejected") == 0
            && !(row->x[ANALYZE_F_FILE_ERRORS] > 0))
            row->cls = ANALYZE_NONE;
        if (row->cls == ANALYZE_NONE)
            continue;
        val_t *ms = an_get(rec, "duration_ms");
        row->duration_ms = ms && val_is_int(ms) ? val_get_int(ms) : 0;
        row->band = analyze_band_of(row->duration_ms);
        if (row->cls == ANALYZE_CLEAN
            && held(rs->recovered, an_str(rec, "item")))
            row->cls = ANALYZE_RECOVERED;
        row->run = r->id;
        free(row->group);
        row->group = strdup(g.data);
        st = row->group ? an_row_copy(out, row) : MIG_ENOMEM;
    }
    if (k.oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK && out->n > before)
        out->runs++;
    strbuf_free(&g);
    strbuf_free(&k);
    free(dir);
    val_unref(idx);
    return st;
}

static mig_status_t history_run(store_t *s, const store_run_t *r,
                                analyze_rows_t *out)
{
    run_scan_t rs = { .reads = val_map_new(16),
                      .recovered = val_map_new(8), .ended = val_map_new(8) };
    rs.st = rs.reads && rs.recovered && rs.ended ? MIG_OK : MIG_ENOMEM;
    mig_status_t st = rs.st;
    if (st == MIG_OK)
        st = store_event_each(s, r->id, on_event, &rs);
    if (st == MIG_OK)
        st = rs.st;
    if (st == MIG_OK)
        st = store_step_each(s, r->id, on_step, &rs);
    if (st == MIG_OK)
        st = rs.st;
    val_t *rep = NULL;
    if (st == MIG_OK && rs.rows.n > 0)
        st = analyze_inventory(&rs.rows, 0);
    if (st == MIG_OK && rs.rows.n > 0)
        st = tools_report_build_steps(s, r->id, &rep);
    if (st == MIG_OK && rs.rows.n > 0)
        st = label_run(&rs, r, rep, out);
    val_unref(rep);
    val_unref(rs.reads);
    val_unref(rs.recovered);
    val_unref(rs.ended);
    analyze_rows_free(&rs.rows);
    return st;
}

mig_status_t analyze_history(store_t *s, analyze_rows_t *rows)
{
    store_run_t *runs = NULL;
    size_t n = 0;
    mig_status_t st = store_run_list(s, 0, &runs, &n);
    /* Oldest first, so that the rows come in the order of the runs. */
    for (size_t i = n; st == MIG_OK && i > 0; i--)
        if (runs[i - 1].state != STORE_RUN_RUNNING)
            st = history_run(s, &runs[i - 1], rows);
    store_runs_free(runs, n);
    return st;
}
