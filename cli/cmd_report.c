/* cmd_report.c: `mig report RUN [--json]`, the per-file outcome report
 * of a run (docs/report.md): every input file with its format, the
 * records it gave and what became of them, as Markdown for a change
 * request or as versioned JSON. tools_report_build (stdlib) finds it all
 * in the journal; this file only prints. */
#include <inttypes.h>
#include <string.h>

#include "cli.h"

/* The value at KEY of M (borrowed), or NULL when M is no map or has
 * none; the string or integer there, or NULL or 0. */
static val_t *at(const val_t *m, const char *key)
{
    return m && val_type(m) == VAL_MAP ? val_map_get(m, key, strlen(key))
                                       : NULL;
}

static const char *str_at(const val_t *m, const char *key)
{
    val_t *v = at(m, key);
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* The outcome of a file or a record: always set by tools_report_build. */
static const char *outcome_at(const val_t *m)
{
    const char *o = str_at(m, "outcome");
    return o ? o : "?";
}

static int64_t int_at(const val_t *m, const char *key)
{
    val_t *v = at(m, key);
    return v && val_is_int(v) ? val_get_int(v) : 0;
}

static bool true_at(const val_t *m, const char *key)
{
    val_t *v = at(m, key);
    return v && val_type(v) == VAL_BOOL && val_get_bool(v);
}

/* The length of the list or map at KEY of M; 0 when there is none. */
static size_t len_at(const val_t *m, const char *key)
{
    val_t *v = at(m, key);
    return v && (val_type(v) == VAL_LIST || val_type(v) == VAL_MAP)
           ? val_len(v) : 0;
}

/* S in a Markdown table cell or a list line: '|' escaped, line ends and
 * tabs as spaces, "-" for none. */
static void put_cell(strbuf_t *b, const char *s)
{
    if (!s || !*s) {
        strbuf_putc(b, '-');
        return;
    }
    for (; *s; s++) {
        if (*s == '|')
            strbuf_puts(b, "\\|");
        else if (*s == '\n' || *s == '\r' || *s == '\t')
            strbuf_putc(b, ' ');
        else
            strbuf_putc(b, *s);
    }
}

/* "N word, N word" for every outcome of the counts map C (its keys in
 * order, "total" left out) that is not zero; "none" when all are. */
static void put_counts(strbuf_t *b, const val_t *c)
{
    size_t before = b->len;
    for (size_t i = 0; c && i < val_len(c); i++) {
        const char *k = val_get_str(val_map_key(c, i), NULL);
        int64_t n = val_get_int(val_map_value(c, i));
        if (strcmp(k, "total") != 0 && n)
            strbuf_printf(b, "%s%" PRId64 " %s", b->len > before ? ", " : "",
                          n, k);
    }
    if (b->len == before)
        strbuf_puts(b, "none");
}

/* The header: the run and the totals. */
static void put_header(strbuf_t *b, const store_run_t *r,
                       store_run_state_t live, const val_t *rep)
{
    char t[40];
    strbuf_printf(b, "# Migration report: run %" PRId64 " of \"%s\"\n\n",
                  r->id, r->plan_name);
    strbuf_puts(b, "| | |\n| --- | --- |\n| plan | ");
    put_cell(b, r->plan_path);
    strbuf_printf(b, " |\n| run | %" PRId64 " |\n| outcome | %s |\n", r->id,
                  store_run_state_name(live));
    cli_iso_time(r->started_ms, false, t);
    strbuf_printf(b, "| started | %s |\n| ended | ", t);
    cli_iso_time(r->ended_ms, false, t);
    strbuf_puts(b, r->ended_ms ? t : "-");
    strbuf_puts(b, " |\n| duration | ");
    if (r->ended_ms)
        cli_put_duration(b, r->ended_ms - r->started_ms);
    else
        strbuf_putc(b, '-');
    strbuf_puts(b, " |\n");
    if (r->error) {
        strbuf_puts(b, "| error | ");
        put_cell(b, r->error);
        strbuf_puts(b, " |\n");
    }
    const val_t *tot = at(rep, "totals");
    const val_t *files = at(tot, "files"), *records = at(tot, "records");
    strbuf_printf(b, "\n**Files: %" PRId64 "** (", int_at(files, "total"));
    put_counts(b, files);
    strbuf_printf(b, "). **Records: %" PRId64 "** (", int_at(records,
                                                             "total"));
    put_counts(b, records);
    strbuf_puts(b, ").\n");
    int64_t lost = int_at(rep, "unattributed");
    if (lost)
        strbuf_printf(b, "\n%" PRId64 " step%s handled a record without "
                      "provenance: not shown under any file.\n", lost,
                      lost == 1 ? "" : "s");
}

/* The table of files, one row each. */
static void put_files(strbuf_t *b, const val_t *files)
{
    strbuf_puts(b, "\n## Files\n\n| file | format | version | records | "
                "outcome | reason |\n| --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < val_len(files); i++) {
        const val_t *f = val_list_get(files, i);
        strbuf_puts(b, "| ");
        put_cell(b, str_at(f, "path"));
        strbuf_puts(b, " | ");
        put_cell(b, str_at(f, "format"));
        strbuf_puts(b, " | ");
        put_cell(b, str_at(f, "version"));
        strbuf_printf(b, " | %zu | %s%s | ", len_at(f, "records"),
                      outcome_at(f),
                      true_at(f, "rolled_back") ? ", rolled back"
                                                         : "");
        put_cell(b, str_at(f, "reason"));
        strbuf_puts(b, " |\n");
    }
}

/* A section per file that gave records: a line per record. */
static void put_records(strbuf_t *b, const val_t *files)
{
    bool title = false;
    for (size_t i = 0; i < val_len(files); i++) {
        const val_t *f = val_list_get(files, i);
        const val_t *recs = at(f, "records");
        if (!len_at(f, "records"))
            continue;
        if (!title)
            strbuf_puts(b, "\n## Records\n");
        title = true;
        strbuf_puts(b, "\n### ");
        put_cell(b, str_at(f, "path"));
        strbuf_printf(b, ": %s\n\n", outcome_at(f));
        for (size_t j = 0; j < val_len(recs); j++) {
            const val_t *r = val_list_get(recs, j);
            const char *ptr = str_at(r, "pointer"), *why = str_at(r, "reason");
            strbuf_printf(b, "- %s `", str_at(r, "kind") ? str_at(r, "kind")
                                                         : "record");
            put_cell(b, str_at(r, "name"));
            strbuf_putc(b, '`');
            const char *v2 = str_at(r, "v2_name");
            if (v2 && (!str_at(r, "name") || strcmp(v2, str_at(r, "name"))))
                strbuf_printf(b, " as `%s`", v2);
            if (ptr)
                strbuf_printf(b, " (#%s)", ptr);
            else if (int_at(r, "line"))
                strbuf_printf(b, " (line %" PRId64 ")", int_at(r, "line"));
            strbuf_printf(b, ": %s", outcome_at(r));
            if (true_at(r, "rolled_back"))
                strbuf_puts(b, ", rolled back");
            if (why) {
                strbuf_puts(b, ": ");
                put_cell(b, why);
            }
            strbuf_putc(b, '\n');
        }
    }
}

/* The end: what a rollback of the run means for the records, and its
 * verdict; or how to go on with an interrupted run. */
static void put_end(strbuf_t *b, const store_run_t *r, store_run_state_t live,
                    const val_t *rep)
{
    const val_t *rb = at(rep, "rollback");
    const val_t *d = at(rb, "data");
    const char *ev = str_at(rb, "event");
    if (live == STORE_RUN_INTERRUPTED)
        strbuf_printf(b, "\n## Interrupted\n\nThe run was interrupted: "
                      "`mig resume %" PRId64 "` goes on with the files not "
                      "reached, `mig rollback %" PRId64 "` undoes it.\n",
                      r->id, r->id);
    if (!ev)
        return;
    strbuf_puts(b, "\n## Rollback\n\n");
    if (strcmp(ev, "rollback-not-needed") == 0) {
        strbuf_printf(b, "The run failed before its checkpoint '%s': nothing "
                      "was undone.\n", str_at(d, "to") ? str_at(d, "to")
                                                       : "?");
        return;
    }
    strbuf_printf(b, "The run was rolled back (%" PRId64 " change%s undone): "
                  "the registry no longer holds the records listed as "
                  "stored, kept or replaced above.\n\nVerification: ",
                  int_at(d, "undone"), int_at(d, "undone") == 1 ? "" : "s");
    size_t differ = len_at(d, "differ"), unv = len_at(d, "unverified");
    if (true_at(d, "matched"))
        strbuf_puts(b, "every managed resource matches the checkpoint.\n");
    else if (differ)
        strbuf_printf(b, "%zu resource%s differ%s from the checkpoint "
                      "(`mig log %" PRId64 "` names them).\n", differ,
                      differ == 1 ? "" : "s", differ == 1 ? "s" : "", r->id);
    else if (unv)
        strbuf_printf(b, "%zu undone step%s could not be verified.\n", unv,
                      unv == 1 ? "" : "s");
    else
        strbuf_printf(b, "not verified (%s).\n", store_run_state_name(live));
}

static mig_status_t print_text(const store_run_t *r, store_run_state_t live,
                               const val_t *rep)
{
    strbuf_t b;
    strbuf_init(&b);
    put_header(&b, r, live, rep);
    const val_t *files = at(rep, "files");
    if (int_at(rep, "steps") == 0)
        strbuf_printf(&b, "\nRun %" PRId64 " has no tools.* or registry.put "
                      "steps: there are no files to report.\n", r->id);
    else if (!len_at(rep, "files"))
        strbuf_puts(&b, "\nIts tools.* steps saw no files.\n");
    else {
        put_files(&b, files);
        put_records(&b, files);
    }
    put_end(&b, r, live, rep);
    mig_status_t st = b.oom ? MIG_ENOMEM : MIG_OK;
    if (st == MIG_OK)
        fputs(b.data, stdout);
    strbuf_free(&b);
    return st;
}

/* The JSON document: "report" (the shape's version), "run" (as `mig
 * status --json` gives it, without params, options and checkpoints),
 * then REP's keys in their order. */
static mig_status_t print_json(store_t *s, const store_run_t *r,
                               store_run_state_t live, const val_t *rep)
{
    mig_status_t st = MIG_OK;
    val_t *m = val_map_new(8);
    val_t *run = cli_run_value(s, r, live, false, &st);
    bool ok = m && run
              && val_map_set_take(m, "report", 6, val_int(TOOLS_REPORT_VERSION))
                     == MIG_OK
              && val_map_set(m, "run", 3, run) == MIG_OK;
    for (size_t i = 0; ok && i < val_len(rep); i++) {
        size_t n;
        const char *k = val_get_str(val_map_key(rep, i), &n);
        ok = val_map_set(m, k, n, val_map_value(rep, i)) == MIG_OK;
    }
    if (ok)
        st = cli_print_json(m, true);
    else if (st == MIG_OK)
        st = MIG_ENOMEM;
    val_unref(run);
    val_unref(m);
    return st;
}

int cmd_report(const cli_cmd_t *cmd, const cli_args_t *args)
{
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s;
    int64_t id;
    int rc = cli_open_run(cmd, args, args->operands[0], &s, &id, &diags);
    if (rc != EXIT_CLEAN)
        return cli_finish_store(s, &diags, rc);
    store_run_t r;
    val_t *rep = NULL;
    mig_status_t st = store_run_get(s, id, &r);
    if (st == MIG_OK) {
        store_run_state_t live = store_run_liveness(s, &r);
        st = tools_report_build(s, id, &rep);
        if (st == MIG_OK)
            st = cli_value(cmd, args, "json") ? print_json(s, &r, live, rep)
                                              : print_text(&r, live, rep);
        store_run_clear(&r);
    }
    val_unref(rep);
    return cli_finish_status(s, &diags, st);
}
