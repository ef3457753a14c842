/* cmd_status.c: the commands that read the state store and change
 * nothing: `mig status [RUN]` (one run: its state as liveness says,
 * times, step counts, checkpoints, error), `mig history` (one line per
 * run, newest first) and `mig log RUN` (its events in order; --brief
 * without what differs between runs, for tests). Each prints for a person
 * or, with --json, in the forms of docs/cli.md. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define DIGEST_SHOWN 12     /* hex digits of a checkpoint digest in text */
#define KIND_WIDTH 12       /* the event kind's column in `mig log` */

/* ---- shared pieces ----------------------------------------------------- */

/* (cli.h) */
void cli_iso_time(int64_t ms, bool with_ms, char buf[40])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(buf, 40, "@%" PRId64, ms);
        return;
    }
    size_t n = strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, 40 - n, with_ms ? ".%03dZ" : "Z", (int)(ms % 1000));
}

/* (cli.h) */
void cli_put_duration(strbuf_t *b, int64_t ms)
{
    strbuf_put_duration(b, ms >= 60000 ? (ms + 500) / 1000 * 1000 : ms);
}

#define STEP_COUNT_ROW(e, s) +1
enum { N_STEP_STATES = 0 STORE_STEP_STATES(STEP_COUNT_ROW) };
#undef STEP_COUNT_ROW

typedef struct step_counts {
    int64_t n[N_STEP_STATES];
} step_counts_t;

static bool count_step(void *data, const store_step_t *st)
{
    step_counts_t *c = data;
    c->n[st->state]++;
    return true;
}

/* "12 done, 1 failed, 2 skipped" (the states that occur; "none"). */
static void put_counts(strbuf_t *b, const step_counts_t *c)
{
    static const struct { store_step_state_t st; const char *word; } shown[] = {
        { STORE_STEP_DONE, "done" }, { STORE_STEP_FAILED, "failed" },
        { STORE_STEP_SKIPPED, "skipped" },
        { STORE_STEP_RUNNING, "unfinished" },
    };
    size_t before = b->len;
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
        if (c->n[shown[i].st])
            strbuf_printf(b, "%s%" PRId64 " %s", b->len > before ? ", " : "",
                          c->n[shown[i].st], shown[i].word);
    if (b->len == before)
        strbuf_puts(b, "none");
}

/* (cli.h) */
int cli_finish_store(store_t *s, diag_list_t *diags, int rc)
{
    fflush(stdout);
    if (s)
        diag_list_move(diags, store_diags(s));
    if (diags->out_of_memory && rc == EXIT_CLEAN)
        rc = EXIT_USAGE;
    cli_render_diags(diags);
    diag_list_free(diags);
    store_close(s);
    return rc;
}


/* ---- a run as JSON ----------------------------------------------------- */

static bool put(val_t *m, const char *key, val_t *v)
{
    return v && val_map_set_take(m, key, strlen(key), v) == MIG_OK;
}

static val_t *str_or_null(const char *s)
{
    return s ? val_cstring(s) : val_null();
}

static val_t *time_or_null(int64_t ms)
{
    char buf[40];
    if (!ms)
        return val_null();
    cli_iso_time(ms, true, buf);
    return val_cstring(buf);
}

static val_t *ref_or_null(val_t *v)
{
    return v ? val_ref(v) : val_null();
}

static val_t *counts_value(const step_counts_t *c)
{
    val_t *m = val_map_new(N_STEP_STATES);
    for (int i = 0; m && i < N_STEP_STATES; i++)
        if (!put(m, store_step_state_name(i), val_int(c->n[i]))) {
            val_unref(m);
            return NULL;
        }
    return m;
}

typedef struct cp_list {
    val_t *list;
    bool oom;
} cp_list_t;

static bool add_checkpoint(void *data, const store_checkpoint_t *cp)
{
    cp_list_t *l = data;
    val_t *m = val_map_new(6);
    bool ok = m && put(m, "name", val_cstring(cp->name))
              && put(m, "node", val_cstring(cp->node))
              && put(m, "item", val_cstring(cp->item))
              && put(m, "seq", val_int(cp->seq))
              && put(m, "digest", val_cstring(cp->digest))
              && put(m, "at", time_or_null(cp->at_ms));
    if (!ok || val_list_push_take(l->list, m) != MIG_OK) {
        if (ok)
            m = NULL;   /* taken by the failed push */
        val_unref(m);
        l->oom = true;
        return false;
    }
    return true;
}

/* (cli.h) */
val_t *cli_checkpoints_value(store_t *s, int64_t run, mig_status_t *st)
{
    cp_list_t cps = { .list = val_list_new(4) };
    *st = cps.list ? store_checkpoint_each(s, run, add_checkpoint, &cps)
                   : MIG_ENOMEM;
    if (*st == MIG_OK && cps.oom)
        *st = MIG_ENOMEM;
    if (*st == MIG_OK)
        return cps.list;
    val_unref(cps.list);
    return NULL;
}

/* (cli.h) */
int cli_finish_status(store_t *s, diag_list_t *diags, mig_status_t st)
{
    if (st == MIG_ENOMEM)
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
    return cli_finish_store(s, diags, cli_store_exit(st));
}

/* The firings of mig.yaml's alerts (docs/alerts.md): a list of {alert,
 * at, delivery, error, payload} into LIST. */
static bool add_alert(void *data, const store_alert_t *a)
{
    cp_list_t *l = data;
    char at[40];
    cli_iso_time(a->at_ms, true, at);
    val_t *payload = NULL;
    diag_list_t d;
    diag_list_init(&d);
    src_t *src = src_from_memory("alert", a->payload, strlen(a->payload));
    if (!src || val_from_json(src, &d, &payload) != MIG_OK)
        payload = val_null();
    diag_list_free(&d);
    src_free(src);
    val_t *m = val_map_new(5);
    if (!m || !put(m, "alert", val_cstring(a->condition))
        || !put(m, "at", val_cstring(at))
        || !put(m, "delivery", val_cstring(a->delivery))
        || !put(m, "error", str_or_null(a->error))
        || !put(m, "payload", payload)
        || val_list_push_take(l->list, m) != MIG_OK) {
        l->oom = true;
        return false;
    }
    return true;
}

/* "  alert       failure_rate at TIME, sent" per firing, into B. */
static bool text_alert(void *data, const store_alert_t *a)
{
    strbuf_t *b = data;
    char at[40];
    cli_iso_time(a->at_ms, false, at);
    strbuf_printf(b, "  alert       %s at %s, %s%s%s\n", a->condition, at,
                  a->delivery, a->error ? ": " : "", a->error ? a->error : "");
    return true;
}

/* (cli.h) */
val_t *cli_run_value(store_t *s, const store_run_t *r,
                     store_run_state_t live, bool full, mig_status_t *st)
{
    step_counts_t c = { 0 };
    *st = store_step_each(s, r->id, count_step, &c);
    if (*st != MIG_OK)
        return NULL;
    val_t *m = val_map_new(20);
    int64_t ms = r->ended_ms ? r->ended_ms - r->started_ms : 0;
    bool ok = m && put(m, "id", val_int(r->id))
        && put(m, "plan", val_cstring(r->plan_name))
        && put(m, "plan_path", val_cstring(r->plan_path))
        && (!full || put(m, "plan_digest", val_cstring(r->plan_digest)))
        && put(m, "state", val_cstring(store_run_state_name(live)))
        && put(m, "recorded_state", val_cstring(store_run_state_name(r->state)))
        && put(m, "profile", str_or_null(r->profile))
        && (!full || put(m, "params", ref_or_null(r->params)))
        && (!full || put(m, "options", ref_or_null(r->options)))
        && put(m, "host", val_cstring(r->host))
        && put(m, "pid", val_int(r->pid))
        && put(m, "started", time_or_null(r->started_ms))
        && put(m, "ended", time_or_null(r->ended_ms))
        && put(m, "duration_ms", r->ended_ms ? val_int(ms) : val_null())
        && put(m, "parent", r->parent ? val_int(r->parent) : val_null())
        && put(m, "steps", counts_value(&c));
    if (ok && full) {
        val_t *cps = cli_checkpoints_value(s, r->id, st);
        ok = cps && val_map_set_take(m, "checkpoints", 11, cps) == MIG_OK;
        cp_list_t al = { .list = val_list_new(0) };
        if (ok && al.list)
            *st = store_alert_each(s, r->id, add_alert, &al);
        if (!al.list || *st != MIG_OK || al.oom)
            ok = false;
        else if (val_len(al.list))  /* only when some fired */
            ok = val_map_set(m, "alerts", 6, al.list) == MIG_OK;
        val_unref(al.list);
    }
    ok = ok && put(m, "error", str_or_null(r->error));
    if (!ok) {
        val_unref(m);
        if (*st == MIG_OK)
            *st = MIG_ENOMEM;
        return NULL;
    }
    return m;
}

/* (cli.h) */
mig_status_t cli_print_json(const val_t *v, bool pretty)
{
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = val_to_json(v, &b, pretty ? VAL_JSON_PRETTY : 0);
    if (st == MIG_OK && !b.oom)
        printf("%s\n", b.data);
    strbuf_free(&b);
    return st == MIG_OK && !b.oom ? MIG_OK : MIG_ENOMEM;
}

/* ---- mig status -------------------------------------------------------- */

static bool text_checkpoint(void *data, const store_checkpoint_t *cp)
{
    strbuf_t *b = data;
    strbuf_printf(b, "  checkpoint  %s", cp->name);
    if (cp->item && *cp->item)
        strbuf_printf(b, " [item %s]", cp->item);
    strbuf_printf(b, ": journal %" PRId64 ", digest %.*s\n", cp->seq,
                  DIGEST_SHOWN, cp->digest);
    return true;
}

static mig_status_t print_status(store_t *s, const store_run_t *r,
                                 store_run_state_t live)
{
    step_counts_t c = { 0 };
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = store_step_each(s, r->id, count_step, &c);
    char started[40], ended[40];
    cli_iso_time(r->started_ms, false, started);
    cli_iso_time(r->ended_ms, false, ended);
    strbuf_printf(&b, "run %" PRId64 " of \"%s\"\n", r->id, r->plan_name);
    strbuf_printf(&b, "  plan        %s\n", r->plan_path);
    strbuf_printf(&b, "  state       %s\n", store_run_state_name(live));
    strbuf_printf(&b, "  profile     %s\n", r->profile ? r->profile : "none");
    val_t *cd = r->options ? val_map_get(r->options, "config_digest", 13)
                           : NULL;
    if (cd && val_type(cd) == VAL_STRING)
        strbuf_printf(&b, "  config      %.*s\n", DIGEST_SHOWN,
                      val_get_str(cd, NULL));
    strbuf_printf(&b, "  host        %s, pid %" PRId64 "\n", r->host, r->pid);
    strbuf_printf(&b, "  started     %s\n", started);
    strbuf_printf(&b, "  ended       %s\n", r->ended_ms ? ended : "-");
    strbuf_puts(&b, "  duration    ");
    if (r->ended_ms)
        cli_put_duration(&b, r->ended_ms - r->started_ms);
    else if (live == STORE_RUN_RUNNING) {
        cli_put_duration(&b, store_now_ms() - r->started_ms);
        strbuf_puts(&b, " so far");
    } else
        strbuf_puts(&b, "-");
    strbuf_puts(&b, "\n  steps       ");
    put_counts(&b, &c);
    strbuf_putc(&b, '\n');
    if (st == MIG_OK)
        st = store_checkpoint_each(s, r->id, text_checkpoint, &b);
    if (st == MIG_OK)
        st = store_alert_each(s, r->id, text_alert, &b);
    if (r->parent)
        strbuf_printf(&b, "  parent      run %" PRId64 "\n", r->parent);
    if (r->error)
        strbuf_printf(&b, "  error       %s\n", r->error);
    if (live == STORE_RUN_INTERRUPTED)
        strbuf_printf(&b, "interrupted: resume with `mig resume %" PRId64 "` "
                      "or undo with `mig rollback %" PRId64 "`\n", r->id,
                      r->id);
    if (st == MIG_OK && b.oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        fputs(b.data, stdout);
    strbuf_free(&b);
    return st;
}

int cmd_status(const cli_cmd_t *cmd, const cli_args_t *args)
{
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s;
    int64_t id;
    int rc = cli_open_run(cmd, args,
                          args->n_operands ? args->operands[0] : "last", &s,
                          &id, &diags);
    if (rc != EXIT_CLEAN)
        return cli_finish_store(s, &diags, rc);
    if (cli_value(cmd, args, "watch")) {
        if (cli_value(cmd, args, "json")) {
            diag_add(&diags, DIAG_ERROR, NULL, NULL, "--watch draws the "
                     "run as it goes; it has no --json");
            return cli_finish_store(s, &diags, EXIT_USAGE);
        }
        return cli_finish_store(s, &diags, cli_status_watch(s, id));
    }
    store_run_t r;
    mig_status_t st = store_run_get(s, id, &r);
    if (st == MIG_OK) {
        store_run_state_t live = store_run_liveness(s, &r);
        if (cli_value(cmd, args, "json")) {
            val_t *v = cli_run_value(s, &r, live, true, &st);
            if (v)
                st = cli_print_json(v, true);
            val_unref(v);
        } else {
            st = print_status(s, &r, live);
        }
        store_run_clear(&r);
    }
    return cli_finish_status(s, &diags, st);
}

/* ---- mig history ------------------------------------------------------- */

/* One row of the history table, as its cells. */
enum { COL_RUN, COL_STATE, COL_PLAN, COL_STARTED, COL_DURATION, COL_STEPS,
       N_COLS };

static const char *const col_titles[N_COLS] = {
    "RUN", "STATE", "PLAN", "STARTED", "DURATION", "STEPS",
};

/* Fills the cells of R (strings in B, at the offsets OFF). */
static mig_status_t history_row(store_t *s, const store_run_t *r, strbuf_t *b,
                                size_t off[N_COLS])
{
    step_counts_t c = { 0 };
    mig_status_t st = store_step_each(s, r->id, count_step, &c);
    char started[40];
    cli_iso_time(r->started_ms, false, started);
    store_run_state_t live = store_run_liveness(s, r);
    off[COL_RUN] = b->len;
    strbuf_printf(b, "%" PRId64, r->id);
    strbuf_putc(b, '\0');
    off[COL_STATE] = b->len;
    strbuf_puts(b, store_run_state_name(live));
    strbuf_putc(b, '\0');
    off[COL_PLAN] = b->len;
    strbuf_puts(b, r->plan_name);
    strbuf_putc(b, '\0');
    off[COL_STARTED] = b->len;
    strbuf_puts(b, started);
    strbuf_putc(b, '\0');
    off[COL_DURATION] = b->len;
    if (r->ended_ms)
        cli_put_duration(b, r->ended_ms - r->started_ms);
    else
        strbuf_puts(b, "-");
    strbuf_putc(b, '\0');
    off[COL_STEPS] = b->len;
    put_counts(b, &c);
    strbuf_putc(b, '\0');
    return st == MIG_OK && b->oom ? MIG_ENOMEM : st;
}

/* Prints the table: a title line, then a row per run, columns as wide as
 * their widest cell (the run ids aligned right). */
static mig_status_t print_history(store_t *s, const store_run_t *runs,
                                  size_t n)
{
    strbuf_t b;
    strbuf_init(&b);
    size_t *off = calloc(n ? n : 1, sizeof(size_t[N_COLS]));
    int width[N_COLS];
    mig_status_t st = off ? MIG_OK : MIG_ENOMEM;
    for (int c = 0; c < N_COLS; c++)
        width[c] = (int)strlen(col_titles[c]);
    for (size_t i = 0; st == MIG_OK && i < n; i++)
        st = history_row(s, &runs[i], &b, off + i * N_COLS);
    for (size_t i = 0; st == MIG_OK && i < n; i++)
        for (int c = 0; c < N_COLS; c++) {
            int w = (int)strlen(b.data + off[i * N_COLS + c]);
            if (w > width[c])
                width[c] = w;
        }
    if (st == MIG_OK) {
        printf("%*s", width[COL_RUN], col_titles[COL_RUN]);
        for (int c = 1; c < N_COLS; c++)
            printf("  %-*s", c == N_COLS - 1 ? 0 : width[c], col_titles[c]);
        putchar('\n');
        for (size_t i = 0; i < n; i++) {
            const size_t *o = off + i * N_COLS;
            printf("%*s", width[COL_RUN], b.data + o[COL_RUN]);
            for (int c = 1; c < N_COLS; c++)
                printf("  %-*s", c == N_COLS - 1 ? 0 : width[c],
                       b.data + o[c]);
            putchar('\n');
        }
    }
    free(off);
    strbuf_free(&b);
    return st;
}

/* The value of --limit: a count of runs, 0 for all. */
static bool read_limit(const char *text, size_t *limit, diag_list_t *diags)
{
    *limit = 0;
    if (!text)
        return true;
    char *end;
    long long v = text[0] >= '0' && text[0] <= '9' ? strtoll(text, &end, 10)
                                                   : -1;
    if (v < 0 || *end) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "--limit takes a number of "
                 "runs (0 for all), not '%s'", text);
        return false;
    }
    *limit = (size_t)v;
    return true;
}

int cmd_history(const cli_cmd_t *cmd, const cli_args_t *args)
{
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    size_t limit;
    if (!read_limit(cli_value(cmd, args, "limit"), &limit, &diags))
        return cli_finish_store(s, &diags, EXIT_USAGE);
    int rc = cli_open_store(cmd, args, STORE_READONLY, &s, &diags);
    if (rc != EXIT_CLEAN)
        return cli_finish_store(s, &diags, rc);
    store_run_t *runs = NULL;
    size_t n = 0;
    mig_status_t st = store_run_list(s, limit, &runs, &n);
    bool json = cli_value(cmd, args, "json") != NULL;
    if (st == MIG_OK && json) {
        val_t *list = val_list_new(n);
        for (size_t i = 0; list && st == MIG_OK && i < n; i++) {
            val_t *v = cli_run_value(s, &runs[i],
                                 store_run_liveness(s, &runs[i]), false, &st);
            if (v && val_list_push_take(list, v) != MIG_OK)
                st = MIG_ENOMEM;
        }
        if (!list)
            st = MIG_ENOMEM;
        if (st == MIG_OK)
            st = cli_print_json(list, true);
        val_unref(list);
    } else if (st == MIG_OK && n == 0) {
        puts("no runs yet");
    } else if (st == MIG_OK) {
        st = print_history(s, runs, n);
    }
    store_runs_free(runs, n);
    return cli_finish_status(s, &diags, st);
}

/* ---- mig log ----------------------------------------------------------- */

typedef struct log_out {
    bool json;
    bool brief;                 /* --brief: only what runs share */
    strbuf_t b;
    mig_status_t st;
    /* Without --brief: the run's journal records by step, "NODE\tITEM" ->
     * a list of {seq, action, kind, state, paths}, shown under the
     * step's step-done or step-failed event. */
    val_t *journal;
} log_out_t;

/* Adds journal record REC to O->journal (store_journal_each). */
static bool gather_record(void *data, const store_journal_t *rec)
{
    log_out_t *o = data;
    strbuf_t k;
    strbuf_init(&k);
    strbuf_printf(&k, "%s\t%s", rec->node, rec->item ? rec->item : "");
    val_t *list = k.oom ? NULL : val_map_get(o->journal, k.data, k.len);
    val_t *m = val_map_new(5);
    val_t *paths = val_list_new(rec->resources ? val_len(rec->resources) : 0);
    bool ok = !k.oom && m && paths;
    for (size_t i = 0; ok && rec->resources && i < val_len(rec->resources); i++)
        ok = val_list_push(paths, val_map_key(rec->resources, i)) == MIG_OK;
    ok = ok && put(m, "seq", val_int(rec->seq))
         && put(m, "action", val_cstring(rec->action))
         && put(m, "kind", val_cstring(store_journal_kind_name(rec->kind)))
         && put(m, "state", val_cstring(store_journal_state_name(rec->state)))
         && put(m, "paths", val_ref(paths));
    if (ok && !list) {
        ok = (list = val_list_new(1))
             && val_map_set_take(o->journal, k.data, k.len, list) == MIG_OK;
    }
    ok = ok && val_list_push(list, m) == MIG_OK;
    val_unref(m);
    val_unref(paths);
    strbuf_free(&k);
    if (!ok)
        o->st = MIG_ENOMEM;
    return ok;
}

/* The journal records of EV's step (a step-done or step-failed event),
 * borrowed; NULL when none. */
static val_t *records_of(const log_out_t *o, const store_event_rec_t *ev)
{
    if (!o->journal || !ev->node || (strcmp(ev->kind, "step-done") != 0
                                     && strcmp(ev->kind, "step-failed") != 0))
        return NULL;
    strbuf_t k;
    strbuf_init(&k);
    strbuf_printf(&k, "%s\t%s", ev->node, ev->item ? ev->item : "");
    val_t *list = k.oom ? NULL : val_map_get(o->journal, k.data, k.len);
    strbuf_free(&k);
    return list;
}

/* "    journal 3  file.write (self, done): a.json, b.json" per record. */
static void print_records(const val_t *list)
{
    for (size_t i = 0; list && i < val_len(list); i++) {
        const val_t *r = val_list_get(list, i);
        const val_t *paths = val_map_get(r, "paths", 5);
        printf("    journal %" PRId64 "  %s (%s, %s)",
               val_get_int(val_map_get(r, "seq", 3)),
               val_get_str(val_map_get(r, "action", 6), NULL),
               val_get_str(val_map_get(r, "kind", 4), NULL),
               val_get_str(val_map_get(r, "state", 5), NULL));
        for (size_t j = 0; paths && j < val_len(paths); j++)
            printf("%s%s", j ? ", " : ": ",
                   val_get_str(val_list_get(paths, j), NULL));
        putchar('\n');
    }
}

/* What `mig log --brief` leaves out (docs/cli.md): whole events, or
 * fields of an event's data, that differ between two runs that did the
 * same thing. The times are always left out. */
static const struct brief_rule {
    const char *kind;
    bool drop;                  /* the whole event */
    const char *fields[2];      /* else these fields of its data */
} brief_rules[] = {
    { .kind = "lock-taken", .drop = true },     /* pid, host, fence */
    { .kind = "lock-broken", .drop = true },
    /* The seed is drawn unless --seed; the configuration's digest is
     * compared by `mig config diff`. */
    { .kind = "run-start", .fields = { "seed", "config_digest" } },
    { .kind = "breaker-open", .fields = { "until_ms" } },   /* a time */
};

static const struct brief_rule *brief_rule(const char *kind)
{
    for (size_t i = 0; i < sizeof brief_rules / sizeof brief_rules[0]; i++)
        if (strcmp(brief_rules[i].kind, kind) == 0)
            return &brief_rules[i];
    return NULL;
}

/* The data of EV as --brief shows it: a new reference to it, or to a copy
 * without the fields its rule leaves out; NULL for none (or, with *OOM
 * set, out of memory). */
static val_t *brief_data(const store_event_rec_t *ev, bool *oom)
{
    const struct brief_rule *r = brief_rule(ev->kind);
    if (!ev->data)
        return NULL;
    if (!r || val_type(ev->data) != VAL_MAP)
        return val_ref(ev->data);
    val_t *d = val_copy(ev->data);
    if (!d) {
        *oom = true;
        return NULL;
    }
    for (size_t i = 0; i < 2 && r->fields[i]; i++)
        val_map_delete(d, r->fields[i], strlen(r->fields[i]));
    return d;
}

/* (cli.h) */
val_t *cli_event_value(const store_event_rec_t *ev, val_t *data, bool brief)
{
    val_t *m = val_map_new(6);
    bool ok = m && (brief || put(m, "seq", val_int(ev->seq)))
              && (brief || put(m, "at", time_or_null(ev->at_ms)))
              && put(m, "kind", val_cstring(ev->kind))
              && put(m, "node", str_or_null(ev->node))
              && put(m, "item", str_or_null(ev->item))
              && put(m, "data", data ? val_ref(data) : val_null());
    if (!ok) {
        val_unref(m);
        return NULL;
    }
    return m;
}

static bool json_event(log_out_t *o, const store_event_rec_t *ev,
                       val_t *data)
{
    val_t *m = cli_event_value(ev, data, o->brief);
    bool ok = m != NULL;
    val_t *records = records_of(o, ev);
    if (ok && records)
        ok = put(m, "journal", val_ref(records));
    o->st = ok ? cli_print_json(m, false) : MIG_ENOMEM;
    val_unref(m);
    return o->st == MIG_OK;
}

/* One line: time (not with --brief), kind, node[item], data as compact
 * JSON. */
static bool print_event(void *data, const store_event_rec_t *ev)
{
    log_out_t *o = data;
    const struct brief_rule *rule = o->brief ? brief_rule(ev->kind) : NULL;
    if (rule && rule->drop)
        return true;
    bool oom = false;
    val_t *d = o->brief ? brief_data(ev, &oom) : ev->data;
    if (oom) {
        o->st = MIG_ENOMEM;
        return false;
    }
    bool ok;
    if (o->json) {
        ok = json_event(o, ev, d);
    } else {
        strbuf_t *b = &o->b;
        b->len = 0;
        if (!o->brief) {
            char at[40];
            cli_iso_time(ev->at_ms, true, at);
            strbuf_printf(b, "%s  ", at);
        }
        strbuf_printf(b, "%-*s", KIND_WIDTH, ev->kind);
        if (ev->node || (ev->item && *ev->item))
            strbuf_printf(b, "  %s", ev->node ? ev->node : "");
        if (ev->item && *ev->item)
            strbuf_printf(b, "[%s]", ev->item);
        bool empty = d && val_type(d) == VAL_MAP && val_len(d) == 0;
        if (d && !empty) {
            strbuf_puts(b, "  ");
            val_to_json(d, b, 0);
        }
        while (b->len && b->data[b->len - 1] == ' ')
            b->len--;
        ok = !b->oom;
        if (ok) {
            printf("%.*s\n", (int)b->len, b->data);
            print_records(records_of(o, ev));
        } else {
            o->st = MIG_ENOMEM;
        }
    }
    if (o->brief)
        val_unref(d);
    return ok;
}

int cmd_log(const cli_cmd_t *cmd, const cli_args_t *args)
{
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s;
    int64_t id;
    int rc = cli_open_run(cmd, args, args->operands[0], &s, &id, &diags);
    if (rc != EXIT_CLEAN)
        return cli_finish_store(s, &diags, rc);
    log_out_t o = { .json = cli_value(cmd, args, "json") != NULL,
                    .brief = cli_value(cmd, args, "brief") != NULL };
    strbuf_init(&o.b);
    mig_status_t st = MIG_OK;
    if (!o.brief) {
        st = (o.journal = val_map_new(64))
             ? store_journal_each(s, id, 0, STORE_EACH_NO_ARGS, gather_record,
                                  &o)
             : MIG_ENOMEM;
        if (st == MIG_OK)
            st = o.st;
    }
    if (st == MIG_OK)
        st = store_event_each(s, id, print_event, &o);
    if (st == MIG_OK)
        st = o.st;
    val_unref(o.journal);
    strbuf_free(&o.b);
    return cli_finish_status(s, &diags, st);
}
