/* report_show.c: what each event of a run shows (docs/cli.md, "What a run
 * prints"): one function per event kind, the table of the kinds a run shows,
 * and cli_report_event, which report.c's reporter is handed as the run's
 * run_event_fn. The lines themselves are said through report_int.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_int.h"

/* ---- one function per event kind --------------------------------------- */

/* What an event shows: R, the event's NODE, ITEM and data D, and EACH:
 * whether lines about a single item's success are wanted (outside loops,
 * or with --verbose). */
typedef void (*show_fn)(cli_report_t *r, const char *node, const char *item,
                        const val_t *d, bool each);

static void show_run_start(cli_report_t *r, const char *node, const char *item,
                           const val_t *d, bool each)
{
    (void)node, (void)item, (void)each;
    free(r->plan);
    r->plan = strdup(report_str(d, "plan"));
    report_say(r, NULL, NULL, NULL, "run of \"%s\"", report_str(d, "plan"));
}

static void show_run_resume(cli_report_t *r, const char *node,
                            const char *item, const val_t *d, bool each)
{
    (void)node, (void)item, (void)each;
    val_t *f = val_map_get(d, "failed_only", 11);
    report_say(r, NULL, NULL, NULL, "resuming%s", f && val_get_bool(f)
                                           ? " the failed items" : "");
}

static void show_stage_start(cli_report_t *r, const char *node,
                             const char *item, const val_t *d, bool each)
{
    (void)item, (void)d, (void)each;
    report_stage_start(r, node);
}

static void show_stage_done(cli_report_t *r, const char *node,
                            const char *item, const val_t *d, bool each)
{
    (void)node, (void)item, (void)d, (void)each;
    report_stage_end(r, false);
}

/* A plan-level let that failed at run (the run stops before any stage). */
static void show_plan_failed(cli_report_t *r, const char *node,
                             const char *item, const val_t *d, bool each)
{
    (void)item, (void)each;
    char *w = report_why(d);
    report_say(r, NULL, NULL, w, "  %s failed", cli_report_label(r, node));
    free(w);
    report_remember_error(r, cli_report_label(r, node), d);
}

/* A stage that failed: said as a failed plan-level let is, then ended. */
static void show_stage_failed(cli_report_t *r, const char *node,
                              const char *item, const val_t *d, bool each)
{
    show_plan_failed(r, node, item, d, each);
    report_stage_end(r, true);
}

static void show_step_done(cli_report_t *r, const char *node, const char *item,
                           const val_t *d, bool each)
{
    (void)d;
    r->st.steps++;
    r->all.steps++;
    /* On a terminal the stage's line counts them, unless --verbose. */
    if (each && (r->mode != REPORT_LIVE || r->verbose))
        report_say(r, node, item, NULL, "  ok      %s",
                   cli_report_label(r, node));
}

static void show_log(cli_report_t *r, const char *node, const char *item,
                     const val_t *d, bool each)
{
    /* What the plan says (log.*): warnings and errors always, info of
     * loop items with --verbose. */
    char tail[1024];
    snprintf(tail, sizeof tail, ": %s", report_str(d, "message"));
    if (each || strcmp(report_str(d, "level"), "info") != 0)
        report_say(r, node, item, tail, "  %-7s %s", report_str(d, "level"),
            cli_report_label(r, node));
}

static void show_step_not_run(cli_report_t *r, const char *node,
                              const char *item, const val_t *d, bool each)
{
    (void)d;
    if (each)
        report_say(r, node, item, ": its condition is false", "  -       %s",
            cli_report_label(r, node));
}

static void show_step_failed(cli_report_t *r, const char *node,
                             const char *item, const val_t *d, bool each)
{
    (void)each;
    char *w = report_why(d);
    report_say(r, node, item, w, "  failed  %s", cli_report_label(r, node));
    free(w);
}

static void show_retry_wait(cli_report_t *r, const char *node,
                            const char *item, const val_t *d, bool each)
{
    r->st.retried++;
    r->all.retried++;
    if (!each)
        return;
    char tail[128], status[32] = "";
    if (val_map_get(d, "status", 6))   /* an HTTP answer's (docs/http.md) */
        snprintf(status, sizeof status, " (status %" PRId64 ")",
                 report_num(d, "status"));
    snprintf(tail, sizeof tail, ": attempt %" PRId64 " failed%s, next in %"
             PRId64 "ms", report_num(d, "attempt"), status,
             report_num(d, "delay_ms"));
    report_say(r, node, item, tail, "  retry   %s", cli_report_label(r, node));
}

static void show_item_failed(cli_report_t *r, const char *node,
                             const char *item, const val_t *d, bool each)
{
    (void)each;
    if (report_top_item(item)) {
        r->st.failed++;
        r->all.failed++;
    }
    val_t *tol = val_map_get(d, "tolerated", 9);
    char *w = report_why(d);
    report_say(r, node, item, w, "  failed item%s",
        tol && val_get_bool(tol) ? " (tolerated)" : "");
    free(w);
}

static void show_item_skipped(cli_report_t *r, const char *node,
                              const char *item, const val_t *d, bool each)
{
    (void)each;
    if (report_top_item(item)) {
        r->st.skipped++;
        r->all.skipped++;
    }
    char tail[512];
    snprintf(tail, sizeof tail, ": %s", report_str(d, "reason"));
    report_say(r, node, item, tail, "  skipped item");
}

static void show_recover(cli_report_t *r, const char *node, const char *item,
                         const val_t *d, bool each)
{
    (void)each;
    char *w = report_why(d);  /* ": CLASS: MESSAGE", shown without the ':' */
    report_say(r, node, item, w && *w ? w + 1 : w, "  recover");
    free(w);
}

static void show_decision(cli_report_t *r, const char *node, const char *item,
                          const val_t *d, bool each)
{
    (void)each;
    report_say(r, node, item, NULL, "  decided %s", report_str(d, "decision"));
}

static void show_checkpoint(cli_report_t *r, const char *node,
                            const char *item, const val_t *d, bool each)
{
    (void)node, (void)item, (void)each;
    report_say(r, NULL, NULL, NULL, "  checkpoint %s: %" PRId64 " resource%s, "
        "digest %.12s", report_str(d, "name"), report_num(d, "resources"),
        report_num(d, "resources") == 1 ? "" : "s", report_str(d, "digest"));
}

static void show_hook_start(cli_report_t *r, const char *node,
                            const char *item, const val_t *d, bool each)
{
    (void)item, (void)d, (void)each;
    report_say(r, NULL, NULL, NULL, "  %s", cli_report_label(r, node));
}

static void show_in_flight(cli_report_t *r, const char *node,
                           const char *item, const val_t *d, bool each)
{
    (void)each;
    char tail[128];
    snprintf(tail, sizeof tail, ": %s", report_str(d, "settled"));
    report_say(r, node, item, tail, "  in flight at the crash: %s",
        cli_report_label(r, node));
}

static void show_interrupted(cli_report_t *r, const char *node,
                             const char *item, const val_t *d, bool each)
{
    (void)node, (void)item, (void)each;
    report_say(r, NULL, NULL, NULL, "interrupted by %s: letting the steps in "
               "flight end, starting nothing new (a second signal stops at "
               "once)", report_str(d, "signal"));
}

static void show_rollback_start(cli_report_t *r, const char *node,
                                const char *item, const val_t *d, bool each)
{
    (void)node, (void)item, (void)each;
    report_say(r, NULL, NULL, NULL, "rolling back to %s", report_str(d, "to"));
}

/* One undo of a rollback: WORD (undone, forced), the step, its action. */
static void undo_line(cli_report_t *r, const char *node, const char *item,
                      const val_t *d, const char *word)
{
    report_say(r, node, item, NULL, "  %s  %s (%s)", word,
               cli_report_label(r, node), report_str(d, "action"));
}

/* Undone loop items are said a line per step every this many (and at
 * the end), not a line each: a rollback of 100,000 items prints a few
 * lines, and `mig log` or --json list every record. */
#define REPORT_UNDONE_EVERY 10000

void report_undone_said(cli_report_t *r)
{
    for (size_t i = 0; r->undone && i < val_len(r->undone); i++) {
        const char *node = val_get_str(val_map_key(r->undone, i), NULL);
        const val_t *x = val_map_value(r->undone, i);
        int64_t n = report_num(x, "n");
        report_say(r, NULL, NULL, NULL, "  undone  %s (%s): %" PRId64
                   " item%s", cli_report_label(r, node),
                   report_str(x, "action"), n, n == 1 ? "" : "s");
    }
    val_unref(r->undone);
    r->undone = NULL;
    r->undone_n = 0;
}

/* Counts an undone loop item of NODE (ACTION) in R; false when out of
 * memory (the item is then said on its own). */
static bool count_undone(cli_report_t *r, const char *node,
                         const char *action)
{
    if (!r->undone && !(r->undone = val_map_new(4)))
        return false;
    size_t len = strlen(node);
    val_t *x = val_map_get(r->undone, node, len);
    if (!x && ((x = val_map_new(2)) == NULL
               || val_map_set_take(x, "action", 6, val_cstring(action))
                  != MIG_OK
               || val_map_set_take(r->undone, node, len, x) != MIG_OK))
        return false;
    if (val_map_set_take(x, "n", 1, val_int(report_num(x, "n") + 1))
        != MIG_OK)
        return false;
    if (++r->undone_n == REPORT_UNDONE_EVERY)
        report_undone_said(r);
    return true;
}

static void show_undo(cli_report_t *r, const char *node, const char *item,
                      const val_t *d, bool each)
{
    if (each || !count_undone(r, node ? node : "", report_str(d, "action"))) {
        report_undone_said(r);      /* the lines stay in the undos' order */
        undo_line(r, node, item, d, "undone");
    }
}

static void show_undo_forced(cli_report_t *r, const char *node,
                             const char *item, const val_t *d, bool each)
{
    (void)each;
    undo_line(r, node, item, d, "forced");
}

/* The list under KEY of map M (NULL when none). */
static const val_t *list_of(const val_t *m, const char *key)
{
    val_t *v = m ? val_map_get(m, key, strlen(key)) : NULL;
    return v && val_type(v) == VAL_LIST ? v : NULL;
}

void cli_report_unverified(const cli_report_t *r, const val_t *unv)
{
    size_t n = unv && val_type(unv) == VAL_LIST ? val_len(unv) : 0;
    if (n)
        printf("%zu of them could not be verified afterwards:\n", n);
    for (size_t i = 0; i < n; i++) {
        const val_t *x = val_list_get(unv, i);
        strbuf_t b;
        strbuf_init(&b);
        strbuf_printf(&b, "  %s", cli_report_label(r, report_str(x, "node")));
        cli_report_item(r, report_str(x, "node"), report_str(x, "item"), &b);
        strbuf_printf(&b, " (%s): %s", report_str(x, "action"),
                      report_str(x, "why"));
        printf("%s\n", b.data ? b.data : "");
        strbuf_free(&b);
    }
}

static void show_rollback_not_needed(cli_report_t *r, const char *node,
                                     const char *item, const val_t *d,
                                     bool each)
{
    (void)node, (void)item, (void)each;
    report_say(r, NULL, NULL, NULL, "no rollback to %s: the run failed before "
               "it reached that checkpoint, so nothing was done after it",
               report_str(d, "to"));
}

/* The end of a rollback (docs/runtime.md, "What a rollback verifies"):
 * a match is said only when every resource was compared and matched and
 * every step undone could be verified. */
static void show_rollback_done(cli_report_t *r, const char *node,
                               const char *item, const val_t *d, bool each)
{
    (void)node, (void)item, (void)each;
    val_t *m = val_map_get(d, "matched", 7);
    const val_t *diff = list_of(d, "differ"), *unv = list_of(d, "unverified");
    const val_t *chg = list_of(d, "changed");
    size_t n_unv = unv ? val_len(unv) : 0;
    char verdict[96];
    if (m && val_get_bool(m))
        snprintf(verdict, sizeof verdict,
                 "the managed resources match the checkpoint");
    else if ((diff && val_len(diff)) || !n_unv)
        snprintf(verdict, sizeof verdict,
                 "the managed resources DIFFER from the checkpoint");
    else
        snprintf(verdict, sizeof verdict, "NOT VERIFIED: %zu step%s could "
                 "not be checked", n_unv, n_unv == 1 ? "" : "s");
    report_say(r, NULL, NULL, NULL, "rolled back to %s: %" PRId64 " undone; %s",
        report_str(d, "to"), report_num(d, "undone"), verdict);
    for (size_t i = 0; diff && i < val_len(diff); i++) {
        const val_t *x = val_list_get(diff, i);
        const char *found = *report_str(x, "actual")
                            ? report_str(x, "actual") : "nothing";
        if (*report_str(x, "forced"))
            report_say(r, NULL, NULL, NULL, "  not restored: %s (step %s was "
                       "forced past; expected %s, found %s)",
                       report_str(x, "path"),
                       cli_report_label(r, report_str(x, "forced")),
                       report_str(x, "expected"), found);
        else
            report_say(r, NULL, NULL, NULL, "  differs: %s (expected %s, found "
                       "%s)", report_str(x, "path"),
                       report_str(x, "expected"), found);
    }
    for (size_t i = 0; i < n_unv; i++) {
        const val_t *x = val_list_get(unv, i);
        char tail[512];
        snprintf(tail, sizeof tail, " (%s): %s", report_str(x, "action"),
                 report_str(x, "why"));
        report_say(r, report_str(x, "node"), report_str(x, "item"), tail,
                   "  unverified: %s",
                   cli_report_label(r, report_str(x, "node")));
    }
    for (size_t i = 0; chg && i < val_len(chg); i++) {
        const val_t *x = val_list_get(chg, i);
        int64_t by = report_num(x, "by");
        if (by)
            report_say(r, NULL, NULL, NULL, "  overwritten: %s, changed since "
                       "by run %" PRId64, report_str(x, "path"), by);
        else
            report_say(r, NULL, NULL, NULL, "  overwritten: %s, changed since "
                       "outside mig", report_str(x, "path"));
    }
}

/* An alert fired (docs/alerts.md): said on standard error, whatever the
 * report's mode, with its delivery; a failed one as a warning. */
static void show_alert(cli_report_t *r, const char *node, const char *item,
                       const val_t *d, bool each)
{
    (void)r, (void)node, (void)item, (void)each;
    const val_t *x = val_map_get(d, "detail", 6);
    strbuf_t b;
    strbuf_init(&b);
    if (x && val_map_get(x, "value", 5)) {
        strbuf_puts(&b, " (");
        val_format(val_map_get(x, "value", 5), &b);
        strbuf_puts(&b, " against ");
        val_format(val_map_get(x, "threshold", 9), &b);
        strbuf_puts(&b, ")");
    }
    if (strcmp(report_str(d, "delivery"), "failed") == 0)
        fprintf(stderr, "mig: warning: alert %s fired%s; its delivery failed: "
                "%s\n", report_str(d, "alert"), b.data ? b.data : "",
                report_str(d, "error"));
    else
        fprintf(stderr, "mig: alert %s fired%s%s\n", report_str(d, "alert"),
                b.data ? b.data : "",
                strcmp(report_str(d, "delivery"), "sent") == 0 ? ", sent"
                                                               : "");
    strbuf_free(&b);
}

/* The event kinds a run shows (docs/state.md lists them all); the others
 * are for `mig log`. */
static const struct shown {
    const char *kind;
    show_fn show;
} shown[] = {
    { .kind = "run-start", .show = show_run_start },
    { .kind = "run-resume", .show = show_run_resume },
    { .kind = "stage-start", .show = show_stage_start },
    { .kind = "stage-done", .show = show_stage_done },
    { .kind = "plan-failed", .show = show_plan_failed },
    { .kind = "stage-failed", .show = show_stage_failed },
    { .kind = "step-done", .show = show_step_done },
    { .kind = "log", .show = show_log },
    { .kind = "step-not-run", .show = show_step_not_run },
    { .kind = "step-failed", .show = show_step_failed },
    { .kind = "retry-wait", .show = show_retry_wait },
    { .kind = "item-failed", .show = show_item_failed },
    { .kind = "item-skipped", .show = show_item_skipped },
    { .kind = "recover", .show = show_recover },
    { .kind = "decision", .show = show_decision },
    { .kind = "checkpoint", .show = show_checkpoint },
    { .kind = "hook-start", .show = show_hook_start },
    { .kind = "in-flight", .show = show_in_flight },
    { .kind = "interrupted", .show = show_interrupted },
    { .kind = "rollback-start", .show = show_rollback_start },
    { .kind = "undo", .show = show_undo },
    { .kind = "undo-forced", .show = show_undo_forced },
    { .kind = "rollback-not-needed", .show = show_rollback_not_needed },
    { .kind = "rollback-done", .show = show_rollback_done },
    { .kind = "alert", .show = show_alert },
};

void cli_report_event(void *data, const char *kind, const char *node,
                      const char *item, const val_t *d)
{
    cli_report_t *r = data;
    /* Per-item lines of success wait for --verbose: a loop of 5,000
     * items prints its stage's line, not 10,000 lines. */
    bool each = !(item && *item) || r->verbose;
    if (r->undone && strcmp(kind, "undo") != 0)
        report_undone_said(r);
    for (size_t i = 0; i < sizeof shown / sizeof *shown; i++) {
        if (strcmp(shown[i].kind, kind) == 0) {
            shown[i].show(r, node, item, d, each);
            break;
        }
    }
    report_live_draw(r, false);
}
