/* cmd_stats.c: `mig stats` (docs/analytics.md): the statistics of the
 * history, or with --run the bottlenecks of one run, as aligned tables,
 * JSON, or an HTML page. The analytics layer computes them; this file
 * only prints. */
#define _DEFAULT_SOURCE     /* realpath */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analytics.h"
#include "cli.h"


#define TABLE(b, rows, cols) \
    cli_put_table(b, rows, cols, sizeof(cols) / sizeof(*cols), 2)

static const cli_col_t rate_cols[] = {
    { "", "", CLI_COL_TEXT },   /* the group's name: set per table */
    { "records", "records", CLI_COL_INT },
    { "migrated", "migrated", CLI_COL_INT },
    { "failed", "failed", CLI_COL_INT },
    { "not reached", "not_reached", CLI_COL_INT },
    { "rate", "rate", CLI_COL_SHARE },
};

static const cli_col_t format_cols[] = {
    { "format", "format", CLI_COL_TEXT }, { "files", "files", CLI_COL_INT },
    { "records", "records", CLI_COL_INT },
    { "migrated", "migrated", CLI_COL_INT },
    { "failed", "failed", CLI_COL_INT },
    { "not reached", "not_reached", CLI_COL_INT },
    { "rate", "rate", CLI_COL_SHARE },
};

static const cli_col_t trend_cols[] = {
    { "run", "run", CLI_COL_INT }, { "started", "started_ms", CLI_COL_TIME },
    { "plan", "plan", CLI_COL_TEXT }, { "state", "state", CLI_COL_TEXT },
    { "duration", "duration_ms", CLI_COL_MS },
    { "records", "records", CLI_COL_INT },
    { "migrated", "migrated", CLI_COL_INT }, { "rate", "rate", CLI_COL_SHARE },
    { "retries", "retries", CLI_COL_INT },
    { "recoveries", "recoveries", CLI_COL_INT },
    { "rollback", "rollback", CLI_COL_TEXT },
};

static const cli_col_t recovery_cols[] = {
    { "class", "class", CLI_COL_TEXT }, { "handler", "handler", CLI_COL_TEXT },
    { "count", "count", CLI_COL_INT }, { "retry", "retry", CLI_COL_INT },
    { "skip", "skip", CLI_COL_INT }, { "fail", "fail", CLI_COL_INT },
    { "rollback", "rollback", CLI_COL_INT },
    { "succeeded", "succeeded", CLI_COL_INT },
    { "share", "share", CLI_COL_SHARE },
};

static const cli_col_t class_cols[] = {
    { "class", "class", CLI_COL_TEXT }, { "waits", "waits", CLI_COL_INT },
};

static const cli_col_t rollback_cols[] = {
    { "run", "run", CLI_COL_INT }, { "to", "to", CLI_COL_TEXT },
    { "undone", "undone", CLI_COL_INT }, { "outcome", "outcome", CLI_COL_TEXT },
};

/* A table of durations whose first column is KEY, titled TITLE. */
static void put_durations(strbuf_t *b, const val_t *rows, const char *key)
{
    const cli_col_t cols[] = {
        { key, key, CLI_COL_TEXT }, { "count", "count", CLI_COL_INT },
        { "p50", "p50_ms", CLI_COL_MS }, { "p95", "p95_ms", CLI_COL_MS },
        { "max", "max_ms", CLI_COL_MS }, { "failed", "failed", CLI_COL_INT },
    };
    TABLE(b, rows, cols);
}

/* "Title" and the table of rate groups ROWS whose name is at KEY. */
static void put_rates(strbuf_t *b, const char *title, const val_t *rows,
                      const char *key)
{
    cli_col_t cols[sizeof rate_cols / sizeof *rate_cols];
    memcpy(cols, rate_cols, sizeof cols);
    cols[0].title = cols[0].key = key;
    strbuf_printf(b, "\n%s\n", title);
    TABLE(b, rows, cols);
}

static void put_share(strbuf_t *b, const val_t *v)
{
    if (v && val_type(v) != VAL_NULL)
        strbuf_printf(b, "%.1f%%", val_get_number(v) * 100.0);
    else
        strbuf_putc(b, '-');
}

/* The text of the statistics V (docs/analytics.md, "What it shows"). */
static void put_stats(strbuf_t *b, const val_t *v)
{
    const val_t *rec = cli_at(v, "records");
    strbuf_printf(b, "%" PRId64 " run%s\n\nRecords: %" PRId64 " of %" PRId64
                  " migrated (", cli_int_at(v, "runs"),
                  cli_int_at(v, "runs") == 1 ? "" : "s", cli_int_at(rec, "migrated"),
                  cli_int_at(rec, "total") - cli_int_at(rec, "not_reached"));
    put_share(b, cli_at(rec, "rate"));
    strbuf_printf(b, "), %" PRId64 " failed, %" PRId64 " not reached\n",
                  cli_int_at(rec, "failed"), cli_int_at(rec, "not_reached"));
    strbuf_puts(b, "\nBy legacy format\n");
    TABLE(b, cli_at(v, "by_format"), format_cols);
    put_rates(b, "By kind", cli_at(v, "by_kind"), "kind");
    put_rates(b, "By complexity band", cli_at(v, "by_band"), "band");
    strbuf_puts(b, "\nDurations per stage\n");
    put_durations(b, cli_at(v, "stages"), "stage");
    strbuf_puts(b, "\nDurations per action\n");
    put_durations(b, cli_at(v, "actions"), "action");
    const val_t *rt = cli_at(v, "retries");
    strbuf_printf(b, "\nRetries: %" PRId64 " wait%s, ", cli_int_at(rt, "waits"),
                  cli_int_at(rt, "waits") == 1 ? "" : "s");
    cli_put_duration(b, cli_int_at(rt, "wait_ms"));
    strbuf_printf(b, " waiting; %" PRId64 " step%s took more than one "
                  "attempt\n", cli_int_at(rt, "steps_retried"),
                  cli_int_at(rt, "steps_retried") == 1 ? "" : "s");
    if (val_len(cli_at(rt, "by_class")))
        TABLE(b, cli_at(rt, "by_class"), class_cols);
    strbuf_printf(b, "\nRecoveries: %zu class and handler pair%s\n",
                  val_len(cli_at(v, "recoveries")),
                  val_len(cli_at(v, "recoveries")) == 1 ? "" : "s");
    if (val_len(cli_at(v, "recoveries")))
        TABLE(b, cli_at(v, "recoveries"), recovery_cols);
    const val_t *rb = cli_at(v, "rollbacks");
    strbuf_printf(b, "\nRollbacks: %" PRId64 " (%" PRId64 " verified, %"
                  PRId64 " unverified, %" PRId64 " not needed)\n",
                  cli_int_at(rb, "total"), cli_int_at(rb, "verified"),
                  cli_int_at(rb, "unverified"), cli_int_at(rb, "not_needed"));
    if (cli_int_at(rb, "total"))
        TABLE(b, cli_at(rb, "runs"), rollback_cols);
    strbuf_puts(b, "\nTrend (oldest first)\n");
    TABLE(b, cli_at(v, "trend"), trend_cols);
}

/* The options of the filter, read: EXIT_CLEAN, or EXIT_USAGE said. PLAN
 * may name a plan file: then its absolute path is kept in ABS. */
static int read_filter(const cli_cmd_t *cmd, const cli_args_t *a,
                       analytics_filter_t *f, char abs[PATH_MAX])
{
    *f = (analytics_filter_t){ 0 };
    const char *since = cli_value(cmd, a, "since");
    if (since && !cli_parse_since(since, &f->since_ms)) {
        fprintf(stderr, "mig stats: error: --since takes a UTC time "
                "(2026-12-07 or 2026-12-07T10:00:00Z) or an age (90m, 12h, "
                "30d), not '%s'\n", since);
        return EXIT_USAGE;
    }
    f->plan = cli_value(cmd, a, "plan");
    /* A plan file given by its path matches the path runs recorded. */
    struct stat sb;
    if (f->plan && stat(f->plan, &sb) == 0 && S_ISREG(sb.st_mode)
        && realpath(f->plan, abs))
        f->plan = abs;
    return EXIT_CLEAN;
}

/* The document of `mig stats --json`: "stats" (the shape's version), the
 * filter, then V's keys in their order. NULL when out of memory. */
static val_t *stats_document(const analytics_filter_t *f, const val_t *v)
{
    val_t *m = val_map_new(16), *fl = val_map_new(2);
    char t[40];
    cli_iso_time(f->since_ms, false, t);
    bool ok = m && fl
              && val_map_set_take(m, "stats", 5,
                                  val_int(ANALYTICS_STATS_VERSION)) == MIG_OK
              && val_map_set_take(fl, "since", 5, f->since_ms
                                  ? val_cstring(t) : val_null()) == MIG_OK
              && val_map_set_take(fl, "plan", 4, f->plan
                                  ? cli_json_text(f->plan) : val_null())
                     == MIG_OK
              && val_map_set(m, "filter", 6, fl) == MIG_OK;
    for (size_t i = 0; ok && i < val_len(v); i++) {
        size_t n;
        const char *k = val_get_str(val_map_key(v, i), &n);
        ok = val_map_set(m, k, n, val_map_value(v, i)) == MIG_OK;
    }
    val_unref(fl);
    if (!ok) {
        val_unref(m);
        return NULL;
    }
    return m;
}

/* Writes the page of STATS and RUN (either NULL) to PATH in one step:
 * EXIT_CLEAN, or EXIT_USAGE said on stderr. */
static int write_html(const char *path, const val_t *stats, const val_t *run)
{
    if (!analytics_html_available()) {
        fprintf(stderr, "mig stats: error: this mig was built without its "
                "charting library (npm was missing at build time), so it "
                "cannot write --html\nhint: install npm (scripts/deps.sh) "
                "and build mig again\n");
        return EXIT_USAGE;
    }
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = analytics_html(stats, run, &b);
    int rc = st == MIG_OK ? cli_write_out(path, &b) : EXIT_USAGE;
    if (st != MIG_OK)
        fprintf(stderr, "mig stats: error: out of memory\n");
    else if (rc == EXIT_CLEAN)
        printf("mig stats: wrote %s\n", path);
    strbuf_free(&b);
    return rc;
}

static mig_status_t print_stats_text(const val_t *v)
{
    strbuf_t b;
    strbuf_init(&b);
    put_stats(&b, v);
    return cli_print_buf(&b);
}

/* --run RUN: the bottlenecks of one run. */
static int run_stats(const cli_cmd_t *cmd, const cli_args_t *args,
                     const char *which)
{
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s;
    int64_t id;
    int rc = cli_open_run(cmd, args, which, &s, &id, &diags);
    if (rc != EXIT_CLEAN)
        return cli_finish_store(s, &diags, rc);
    store_run_t r;
    mig_status_t st = store_run_get(s, id, &r);
    if (st != MIG_OK)
        return cli_finish_status(s, &diags, st);
    stats_plan_t p;
    stats_plan_load(&p, &r);
    val_t *v = NULL;
    st = analytics_run(s, id, p.g ? stats_plan_after : NULL,
                       p.g ? stats_plan_limit : NULL, &p, &v);
    const char *html = cli_value(cmd, args, "html");
    if (st == MIG_OK && html)
        rc = write_html(html, NULL, v);
    else if (st == MIG_OK && cli_value(cmd, args, "json"))
        st = cli_print_json(v, true);
    else if (st == MIG_OK) {
        strbuf_t b;
        strbuf_init(&b);
        stats_put_run(&b, v, p.g != NULL);
        st = cli_print_buf(&b);
    }
    val_unref(v);
    stats_plan_free(&p);
    store_run_clear(&r);
    return st == MIG_OK && rc != EXIT_CLEAN ? cli_finish_store(s, &diags, rc)
                                            : cli_finish_status(s, &diags, st);
}

int cmd_stats(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *which = cli_value(cmd, args, "run");
    if (which && (cli_value(cmd, args, "since") || cli_value(cmd, args, "plan"))) {
        fprintf(stderr, "mig stats: error: --run reads one run: --since and "
                "--plan choose runs of the history, not with --run\n");
        return EXIT_USAGE;
    }
    if (which)
        return run_stats(cmd, args, which);
    analytics_filter_t f;
    char abs[PATH_MAX];
    int rc = read_filter(cmd, args, &f, abs);
    if (rc != EXIT_CLEAN)
        return rc;
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    rc = cli_open_store(cmd, args, STORE_READONLY, &s, &diags);
    if (rc != EXIT_CLEAN)
        return cli_finish_store(s, &diags, rc);
    val_t *v = NULL, *doc = NULL;
    mig_status_t st = analytics_stats(s, &f, &v);
    if (st == MIG_OK && (cli_value(cmd, args, "json")
                         || cli_value(cmd, args, "html"))
        && !(doc = stats_document(&f, v)))
        st = MIG_ENOMEM;
    const char *html = cli_value(cmd, args, "html");
    if (st == MIG_OK && html) {
        /* the newest run of the history drawn too */
        val_t *run = NULL;
        const val_t *trend = val_map_get(v, "trend", 5);
        size_t n = trend ? val_len(trend) : 0;
        if (n) {
            int64_t id = cli_int_at(val_list_get(trend, n - 1), "run");
            stats_plan_t p = { 0 };
            store_run_t r;
            st = store_run_get(s, id, &r);
            if (st == MIG_OK) {
                stats_plan_load(&p, &r);
                st = analytics_run(s, id, p.g ? stats_plan_after : NULL,
                                   p.g ? stats_plan_limit : NULL, &p, &run);
                stats_plan_free(&p);
                store_run_clear(&r);
            }
        }
        if (st == MIG_OK)
            rc = write_html(html, doc, run);
        val_unref(run);
    } else if (st == MIG_OK && cli_value(cmd, args, "json"))
        st = cli_print_json(doc, true);
    else if (st == MIG_OK)
        st = print_stats_text(v);
    val_unref(doc);
    val_unref(v);
    return st == MIG_OK && rc != EXIT_CLEAN ? cli_finish_store(s, &diags, rc)
                                            : cli_finish_status(s, &diags, st);
}
