/* report.c: what `mig run`, `mig resume` and `mig rollback` show while a
 * run goes and when it ends (docs/cli.md, "What a run prints"): a line per
 * event worth reading, a live progress line per stage on a terminal, the
 * summary, and the error of a failed run on stderr. It reads the events of
 * the journal (run_event_fn) and the items of each foreach (run_items_fn). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* A live line is redrawn at most this often (ms), however fast items end. */
#define REPORT_REDRAW_MS 100
/* An item is shown by its value, cut to this many bytes. */
#define REPORT_ITEM_MAX 48

/* What one stage did, for its line and the summary. */
typedef struct tally {
    size_t total, ended, failed, skipped, retried, steps;
} tally_t;

/* Appends "N items: N done, N failed, N skipped" of T, and ", N not run"
 * when a failure stopped the loop before every item started. */
static void put_items(strbuf_t *b, const tally_t *t)
{
    size_t bad = t->failed + t->skipped;
    strbuf_printf(b, "%zu item%s: %zu done, %zu failed, %zu skipped",
                  t->total, t->total == 1 ? "" : "s",
                  t->ended > bad ? t->ended - bad : 0, t->failed, t->skipped);
    if (t->ended < t->total)
        strbuf_printf(b, ", %zu not run", t->total - t->ended);
}

/* Items that ended well: the rest failed or were skipped. */
static size_t done_of(const tally_t *t)
{
    size_t bad = t->failed + t->skipped;
    return t->ended > bad ? t->ended - bad : 0;
}

struct cli_report {
    const graph_t *g;           /* NULL: a rollback without its plan */
    cli_report_mode_t mode;
    bool verbose;
    val_t *loops;               /* "FOREACH@KEY" -> the items of that loop */
    const char *stage;          /* the stage running's label, or NULL */
    const char *stage_id;       /* ... and its name */
    char *plan;                 /* the plan's name, from run-start */
    int64_t stage_ms, run_ms, drawn_ms;
    bool live_shown;            /* a live line is on the screen */
    tally_t st, all;            /* this stage's, the run's */
    val_t *stages;              /* with --json: one map per stage ended */
    char *error;                /* the first failure of the run, or NULL */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

cli_report_mode_t cli_report_mode(bool quiet, bool json)
{
    if (json)
        return REPORT_JSON;
    if (quiet)
        return REPORT_QUIET;
    /* MIG_PROGRESS=live or plain overrides the terminal test (for tests,
     * and for a terminal that cannot redraw a line). */
    const char *force = getenv("MIG_PROGRESS");
    if (force && strcmp(force, "live") == 0)
        return REPORT_LIVE;
    if (force && strcmp(force, "plain") == 0)
        return REPORT_PLAIN;
    const char *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !(term && strcmp(term, "dumb") == 0)
           ? REPORT_LIVE : REPORT_PLAIN;
}

cli_report_t *cli_report_new(const graph_t *g, cli_report_mode_t mode,
                             bool verbose)
{
    cli_report_t *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    *r = (cli_report_t){ .g = g, .mode = mode, .verbose = verbose,
                         .loops = val_map_new(8), .run_ms = now_ms(),
                         .stages = val_list_new(8) };
    if (!r->loops || !r->stages) {
        cli_report_free(r);
        return NULL;
    }
    return r;
}

void cli_report_free(cli_report_t *r)
{
    if (!r)
        return;
    val_unref(r->loops);
    val_unref(r->stages);
    free(r->plan);
    free(r->error);
    free(r);
}

/* ---- names ---------------------------------------------------------------- */

/* The string under KEY of map M, or "" (not NULL: it is printed). */
static const char *str(const val_t *m, const char *key)
{
    val_t *v = m ? val_map_get(m, key, strlen(key)) : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : "";
}

static int64_t num(const val_t *m, const char *key)
{
    val_t *v = m ? val_map_get(m, key, strlen(key)) : NULL;
    return v && val_is_int(v) ? val_get_int(v) : 0;
}

const char *cli_report_label(const cli_report_t *r, const char *id)
{
    uint32_t n = r->g && id ? graph_find(r->g, id) : GRAPH_NONE;
    return n != GRAPH_NONE ? graph_node_label(r->g, n) : id ? id : "";
}

/* The foreach that runs node N once per item: N itself, or the nearest
 * foreach around it; GRAPH_NONE when there is none. */
static uint32_t loop_of(const graph_t *g, uint32_t n)
{
    while (n != GRAPH_NONE && graph_node_kind(g, n) != GRAPH_FANOUT)
        n = graph_node_scope(g, n);
    return n;
}

/* Appends a short text for item value V: a string as it is; a map by its
 * "path", "name", "id" or "file" (the first that is a string); anything
 * else as compact JSON. Cut to REPORT_ITEM_MAX bytes with "...". */
static void put_value(strbuf_t *b, const val_t *v)
{
    static const char *const keys[] = { "path", "name", "id", "file" };
    for (size_t i = 0; val_type(v) == VAL_MAP && i < 4; i++) {
        val_t *k = val_map_get(v, keys[i], strlen(keys[i]));
        if (k && val_type(k) == VAL_STRING) {
            v = k;
            break;
        }
    }
    strbuf_t t;
    strbuf_init(&t);
    if (val_type(v) == VAL_STRING)
        strbuf_puts(&t, val_get_str(v, NULL));
    else
        val_to_json(v, &t, 0);
    size_t len = t.data ? t.len : 0;
    if (len > REPORT_ITEM_MAX) {
        /* Cut at a character's start, not inside one. */
        size_t cut = REPORT_ITEM_MAX - 3;
        while (cut && ((unsigned char)t.data[cut] & 0xC0) == 0x80)
            cut--;
        strbuf_put(b, t.data, cut);
        strbuf_puts(b, "...");
    } else if (len) {
        strbuf_put(b, t.data, len);
    }
    strbuf_free(&t);
}

/* Appends the value of item KEY ("2", or "1/3/0" in nested loops) of the
 * foreach LOOP, outer values first ("a.json > v1"); false when a value is
 * not known (a rollback without the plan, a loop the run never started). */
static bool put_item(const cli_report_t *r, uint32_t loop, const char *key,
                     strbuf_t *b)
{
    if (loop == GRAPH_NONE)
        return false;
    const char *slash = strrchr(key, '/');
    size_t plen = slash ? (size_t)(slash - key) : 0;
    const char *id = graph_node_id(r->g, loop);
    strbuf_t k;
    strbuf_init(&k);
    strbuf_printf(&k, "%s@%.*s", id, (int)plen, key);
    val_t *items = k.data ? val_map_get(r->loops, k.data, k.len) : NULL;
    strbuf_free(&k);
    char *end;
    unsigned long long i = strtoull(slash ? slash + 1 : key, &end, 10);
    val_t *v = items && !*end ? val_list_get(items, (size_t)i) : NULL;
    if (!v)
        return false;
    if (slash) {
        char *outer = strndup(key, plen);
        bool ok = outer && put_item(r, loop_of(r->g, graph_node_scope(r->g,
                                                                       loop)),
                                    outer, b);
        free(outer);
        if (!ok)
            return false;
        strbuf_puts(b, " > ");
    }
    put_value(b, v);
    return true;
}

void cli_report_item(const cli_report_t *r, const char *node, const char *item,
                     strbuf_t *b)
{
    if (!item || !*item)
        return;
    uint32_t n = r->g && node ? graph_find(r->g, node) : GRAPH_NONE;
    strbuf_puts(b, " [");
    size_t start = b->len;
    if (n == GRAPH_NONE || !put_item(r, loop_of(r->g, n), item, b)) {
        b->len = start;
        strbuf_puts(b, item);
    }
    strbuf_putc(b, ']');
}

/* ---- the live line ------------------------------------------------------ */

/* "migrate  1200/5000 items  2 failed  240/s  ETA 16s": what a stage has
 * done after MS ms; the rate and ETA once a second has passed. */
static void live_text(const char *stage, const tally_t *t, int64_t ms,
                      strbuf_t *b)
{
    strbuf_printf(b, "%s  ", stage);
    if (t->total) {
        size_t ended = t->ended;
        strbuf_printf(b, "%zu/%zu items", ended, t->total);
        if (t->failed)
            strbuf_printf(b, "  %zu failed", t->failed);
        if (t->skipped)
            strbuf_printf(b, "  %zu skipped", t->skipped);
        if (t->retried)
            strbuf_printf(b, "  %zu retried", t->retried);
        if (ms >= 1000 && ended) {
            double rate = (double)ended * 1000.0 / (double)ms;
            strbuf_printf(b, "  %.0f/s", rate);
            if (ended < t->total) {
                strbuf_puts(b, "  ETA ");
                strbuf_put_duration(b, (int64_t)((double)(t->total - ended)
                                                 / rate * 1000.0));
            }
        }
    } else {
        strbuf_printf(b, "%zu step%s", t->steps, t->steps == 1 ? "" : "s");
    }
}

/* Takes the live line off the screen, so a line can be printed there. */
static void live_clear(cli_report_t *r)
{
    if (r->live_shown) {
        fputs("\r\033[K", stdout);
        r->live_shown = false;
    }
}

static void live_draw(cli_report_t *r, bool now)
{
    if (r->mode != REPORT_LIVE || !r->stage)
        return;
    int64_t t = now_ms();
    if (!now && t - r->drawn_ms < REPORT_REDRAW_MS)
        return;
    r->drawn_ms = t;
    strbuf_t b;
    strbuf_init(&b);
    live_text(r->stage, &r->st, t - r->stage_ms, &b);
    fprintf(stdout, "\r\033[K%s", b.data ? b.data : "");
    fflush(stdout);
    r->live_shown = true;
    strbuf_free(&b);
}

/* ---- lines ------------------------------------------------------------------- */

/* Whether lines are printed at all (not --quiet, not --json). */
static bool lines(const cli_report_t *r)
{
    return r->mode == REPORT_PLAIN || r->mode == REPORT_LIVE;
}

/* Prints a line made of FMT ... then the item [ITEM] of NODE, then TAIL,
 * above the live line. */
static void say(cli_report_t *r, const char *node, const char *item,
                const char *tail, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void say(cli_report_t *r, const char *node, const char *item,
                const char *tail, const char *fmt, ...)
{
    if (!lines(r))
        return;
    strbuf_t b;
    strbuf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    char head[512];
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    strbuf_puts(&b, head);
    cli_report_item(r, node, item, &b);
    if (tail)
        strbuf_puts(&b, tail);
    live_clear(r);
    printf("%s\n", b.data ? b.data : "");
    /* Someone may be watching the file (tail -f, a test waiting for a
     * line): a line is out when it is said. */
    fflush(stdout);
    strbuf_free(&b);
    live_draw(r, true);
}

/* Appends "CLASS: MESSAGE" of D, the message's first line only, each
 * clipped as diagnostics are (MIG_MAX_MESSAGE): a class or message of
 * megabytes (from a Lua module) prints as one short line that says how
 * much it left out; `mig log` keeps them whole. */
static void put_class_message(strbuf_t *b, const val_t *d)
{
    const char *c = str(d, "class"), *m = str(d, "message");
    strbuf_put_clipped(b, c, strlen(c), MIG_MAX_MESSAGE);
    strbuf_puts(b, ": ");
    strbuf_put_clipped(b, m, strcspn(m, "\n"), MIG_MAX_MESSAGE);
}

/* ": CLASS: MESSAGE" of D, the message's first line only (a Lua traceback
 * follows it: `mig log` keeps it whole), in a new string. */
static char *why(const val_t *d)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, ": ");
    put_class_message(&b, d);
    return b.data ? b.data : strdup("");
}

static void remember_error(cli_report_t *r, const char *where, const val_t *d)
{
    if (r->error)
        return;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "%s: ", where);
    put_class_message(&b, d);
    r->error = b.data;
}

static void stage_start(cli_report_t *r, const char *node)
{
    r->stage = cli_report_label(r, node);
    uint32_t n = r->g && node ? graph_find(r->g, node) : GRAPH_NONE;
    r->stage_id = n != GRAPH_NONE
        ? graph_node_ast(r->g, n)->u.stage.name.name : node;
    r->stage_ms = now_ms();
    r->st = (tally_t){ 0 };
    if (r->mode == REPORT_PLAIN) {
        printf("%s\n", r->stage);
        fflush(stdout);
    }
    live_draw(r, true);
}

/* The stage's last line: what it did and how long it took. */
static void stage_end(cli_report_t *r, bool failed)
{
    if (!r->stage)
        return;
    int64_t ms = now_ms() - r->stage_ms;
    const tally_t *t = &r->st;
    if (r->mode == REPORT_JSON) {
        val_t *m = val_map_new(8);
        if (m) {
            val_map_set_take(m, "stage", 5, val_cstring(r->stage_id));
            val_map_set_take(m, "state", 5, val_cstring(failed ? "failed"
                                                               : "done"));
            val_map_set_take(m, "items", 5, val_int((int64_t)t->total));
            val_map_set_take(m, "items_done", 10,
                             val_int((int64_t)done_of(t)));
            val_map_set_take(m, "items_failed", 12, val_int((int64_t)t->failed));
            val_map_set_take(m, "items_skipped", 13,
                             val_int((int64_t)t->skipped));
            val_map_set_take(m, "steps", 5, val_int((int64_t)t->steps));
            val_map_set_take(m, "retries", 7, val_int((int64_t)t->retried));
            val_map_set_take(m, "duration_ms", 11, val_int(ms));
            val_list_push_take(r->stages, m);
        }
    } else if (lines(r) && (t->total || r->mode == REPORT_LIVE)) {
        strbuf_t b;
        strbuf_init(&b);
        if (r->mode == REPORT_LIVE)
            strbuf_printf(&b, "%s%s: ", r->stage, failed ? " FAILED" : "");
        else
            strbuf_puts(&b, "  ");
        if (t->total)
            put_items(&b, t);
        else
            strbuf_printf(&b, "%zu step%s", t->steps,
                          t->steps == 1 ? "" : "s");
        strbuf_puts(&b, " in ");
        strbuf_put_duration(&b, ms);
        live_clear(r);
        printf("%s\n", b.data ? b.data : "");
        fflush(stdout);
        strbuf_free(&b);
    }
    r->stage = NULL;
}

/* An event is about one item of a loop that started in this run when its
 * item has no "/" (a top-level item of the stage's loops). */
static bool top_item(const char *item)
{
    return item && *item && !strchr(item, '/');
}

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
    r->plan = strdup(str(d, "plan"));
    say(r, NULL, NULL, NULL, "run of \"%s\"", str(d, "plan"));
}

static void show_run_resume(cli_report_t *r, const char *node,
                            const char *item, const val_t *d, bool each)
{
    (void)node, (void)item, (void)each;
    val_t *f = val_map_get(d, "failed_only", 11);
    say(r, NULL, NULL, NULL, "resuming%s", f && val_get_bool(f)
                                           ? " the failed items" : "");
}

static void show_stage_start(cli_report_t *r, const char *node,
                             const char *item, const val_t *d, bool each)
{
    (void)item, (void)d, (void)each;
    stage_start(r, node);
}

static void show_stage_done(cli_report_t *r, const char *node,
                            const char *item, const val_t *d, bool each)
{
    (void)node, (void)item, (void)d, (void)each;
    stage_end(r, false);
}

/* A plan-level let that failed at run (the run stops before any stage). */
static void show_plan_failed(cli_report_t *r, const char *node,
                             const char *item, const val_t *d, bool each)
{
    (void)item, (void)each;
    char *w = why(d);
    say(r, NULL, NULL, w, "  %s failed", cli_report_label(r, node));
    free(w);
    remember_error(r, cli_report_label(r, node), d);
}

static void show_stage_failed(cli_report_t *r, const char *node,
                              const char *item, const val_t *d, bool each)
{
    (void)item, (void)each;
    char *w = why(d);
    say(r, NULL, NULL, w, "  %s failed", cli_report_label(r, node));
    free(w);
    remember_error(r, cli_report_label(r, node), d);
    stage_end(r, true);
}

static void show_step_done(cli_report_t *r, const char *node, const char *item,
                           const val_t *d, bool each)
{
    (void)d;
    r->st.steps++;
    r->all.steps++;
    /* On a terminal the stage's line counts them, unless --verbose. */
    if (each && (r->mode != REPORT_LIVE || r->verbose))
        say(r, node, item, NULL, "  ok      %s", cli_report_label(r, node));
}

static void show_log(cli_report_t *r, const char *node, const char *item,
                     const val_t *d, bool each)
{
    /* What the plan says (log.*): warnings and errors always, info of
     * loop items with --verbose. */
    char tail[1024];
    snprintf(tail, sizeof tail, ": %s", str(d, "message"));
    if (each || strcmp(str(d, "level"), "info") != 0)
        say(r, node, item, tail, "  %-7s %s", str(d, "level"),
            cli_report_label(r, node));
}

static void show_step_not_run(cli_report_t *r, const char *node,
                              const char *item, const val_t *d, bool each)
{
    (void)d;
    if (each)
        say(r, node, item, ": its condition is false", "  -       %s",
            cli_report_label(r, node));
}

static void show_step_failed(cli_report_t *r, const char *node,
                             const char *item, const val_t *d, bool each)
{
    (void)each;
    char *w = why(d);
    say(r, node, item, w, "  failed  %s", cli_report_label(r, node));
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
                 num(d, "status"));
    snprintf(tail, sizeof tail, ": attempt %" PRId64 " failed%s, next in %"
             PRId64 "ms", num(d, "attempt"), status, num(d, "delay_ms"));
    say(r, node, item, tail, "  retry   %s", cli_report_label(r, node));
}

static void show_item_failed(cli_report_t *r, const char *node,
                             const char *item, const val_t *d, bool each)
{
    (void)each;
    if (top_item(item)) {
        r->st.failed++;
        r->all.failed++;
    }
    val_t *tol = val_map_get(d, "tolerated", 9);
    char *w = why(d);
    say(r, node, item, w, "  failed item%s",
        tol && val_get_bool(tol) ? " (tolerated)" : "");
    free(w);
}

static void show_item_skipped(cli_report_t *r, const char *node,
                              const char *item, const val_t *d, bool each)
{
    (void)each;
    if (top_item(item)) {
        r->st.skipped++;
        r->all.skipped++;
    }
    char tail[512];
    snprintf(tail, sizeof tail, ": %s", str(d, "reason"));
    say(r, node, item, tail, "  skipped item");
}

static void show_recover(cli_report_t *r, const char *node, const char *item,
                         const val_t *d, bool each)
{
    (void)each;
    char *w = why(d);       /* ": CLASS: MESSAGE", shown without the ':' */
    say(r, node, item, w && *w ? w + 1 : w, "  recover");
    free(w);
}

static void show_decision(cli_report_t *r, const char *node, const char *item,
                          const val_t *d, bool each)
{
    (void)each;
    say(r, node, item, NULL, "  decided %s", str(d, "decision"));
}

static void show_checkpoint(cli_report_t *r, const char *node,
                            const char *item, const val_t *d, bool each)
{
    (void)node, (void)item, (void)each;
    say(r, NULL, NULL, NULL, "  checkpoint %s: %" PRId64 " resource%s, "
        "digest %.12s", str(d, "name"), num(d, "resources"),
        num(d, "resources") == 1 ? "" : "s", str(d, "digest"));
}

static void show_hook_start(cli_report_t *r, const char *node,
                            const char *item, const val_t *d, bool each)
{
    (void)item, (void)d, (void)each;
    say(r, NULL, NULL, NULL, "  %s", cli_report_label(r, node));
}

static void show_in_flight(cli_report_t *r, const char *node,
                           const char *item, const val_t *d, bool each)
{
    (void)each;
    char tail[128];
    snprintf(tail, sizeof tail, ": %s", str(d, "settled"));
    say(r, node, item, tail, "  in flight at the crash: %s",
        cli_report_label(r, node));
}

static void show_interrupted(cli_report_t *r, const char *node,
                             const char *item, const val_t *d, bool each)
{
    (void)node, (void)item, (void)each;
    say(r, NULL, NULL, NULL, "interrupted by %s: letting the steps in flight "
        "end, starting nothing new (a second signal stops at once)",
        str(d, "signal"));
}

static void show_rollback_start(cli_report_t *r, const char *node,
                                const char *item, const val_t *d, bool each)
{
    (void)node, (void)item, (void)each;
    say(r, NULL, NULL, NULL, "rolling back to %s", str(d, "to"));
}

/* One undo of a rollback: WORD (undone, forced), the step, its action. */
static void undo_line(cli_report_t *r, const char *node, const char *item,
                      const val_t *d, const char *word)
{
    say(r, node, item, NULL, "  %s  %s (%s)", word, cli_report_label(r, node),
        str(d, "action"));
}

static void show_undo(cli_report_t *r, const char *node, const char *item,
                      const val_t *d, bool each)
{
    (void)each;
    undo_line(r, node, item, d, "undone");
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
        strbuf_printf(&b, "  %s", cli_report_label(r, str(x, "node")));
        cli_report_item(r, str(x, "node"), str(x, "item"), &b);
        strbuf_printf(&b, " (%s): %s", str(x, "action"), str(x, "why"));
        printf("%s\n", b.data ? b.data : "");
        strbuf_free(&b);
    }
}

static void show_rollback_not_needed(cli_report_t *r, const char *node,
                                     const char *item, const val_t *d,
                                     bool each)
{
    (void)node, (void)item, (void)each;
    say(r, NULL, NULL, NULL, "no rollback to %s: the run failed before it "
        "reached that checkpoint, so nothing was done after it",
        str(d, "to"));
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
    say(r, NULL, NULL, NULL, "rolled back to %s: %" PRId64 " undone; %s",
        str(d, "to"), num(d, "undone"), verdict);
    for (size_t i = 0; diff && i < val_len(diff); i++) {
        const val_t *x = val_list_get(diff, i);
        const char *found = *str(x, "actual") ? str(x, "actual") : "nothing";
        if (*str(x, "forced"))
            say(r, NULL, NULL, NULL, "  not restored: %s (step %s was forced "
                "past; expected %s, found %s)", str(x, "path"),
                cli_report_label(r, str(x, "forced")), str(x, "expected"),
                found);
        else
            say(r, NULL, NULL, NULL, "  differs: %s (expected %s, found %s)",
                str(x, "path"), str(x, "expected"), found);
    }
    for (size_t i = 0; i < n_unv; i++) {
        const val_t *x = val_list_get(unv, i);
        char tail[512];
        snprintf(tail, sizeof tail, " (%s): %s", str(x, "action"),
                 str(x, "why"));
        say(r, str(x, "node"), str(x, "item"), tail, "  unverified: %s",
            cli_report_label(r, str(x, "node")));
    }
    for (size_t i = 0; chg && i < val_len(chg); i++) {
        const val_t *x = val_list_get(chg, i);
        int64_t by = num(x, "by");
        if (by)
            say(r, NULL, NULL, NULL, "  overwritten: %s, changed since by run "
                "%" PRId64, str(x, "path"), by);
        else
            say(r, NULL, NULL, NULL, "  overwritten: %s, changed since outside "
                "mig", str(x, "path"));
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
    if (strcmp(str(d, "delivery"), "failed") == 0)
        fprintf(stderr, "mig: warning: alert %s fired%s; its delivery failed: "
                "%s\n", str(d, "alert"), b.data ? b.data : "",
                str(d, "error"));
    else
        fprintf(stderr, "mig: alert %s fired%s%s\n", str(d, "alert"),
                b.data ? b.data : "", strcmp(str(d, "delivery"), "sent") == 0
                ? ", sent" : "");
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
    for (size_t i = 0; i < sizeof shown / sizeof *shown; i++) {
        if (strcmp(shown[i].kind, kind) == 0) {
            shown[i].show(r, node, item, d, each);
            break;
        }
    }
    live_draw(r, false);
}

void cli_report_items(void *data, const char *node, const char *item,
                      const val_t *items)
{
    cli_report_t *r = data;
    if (items) {
        strbuf_t k;
        strbuf_init(&k);
        strbuf_printf(&k, "%s@%s", node, item);
        /* A loop started again (a retry block around it) replaces its
         * items in the count. */
        val_t *old = k.data ? val_map_get(r->loops, k.data, k.len) : NULL;
        size_t again = old && !*item ? val_len(old) : 0;
        if (!*item) {
            r->st.total += val_len(items) - (again <= r->st.total ? again : 0);
            r->all.total += val_len(items) - (again <= r->all.total ? again
                                                                    : 0);
        }
        if (k.data)
            val_map_set(r->loops, k.data, k.len, (val_t *)items);
        strbuf_free(&k);
    } else if (top_item(item)) {
        /* Which failed and which were skipped, their events say. */
        r->st.ended++;
        r->all.ended++;
    }
    live_draw(r, false);
}

void cli_report_end(cli_report_t *r, const char *cmd, int64_t id,
                    const char *what, run_result_t res, int code)
{
    live_clear(r);
    int64_t ms = now_ms() - r->run_ms;
    const tally_t *t = &r->all;
    if (r->mode == REPORT_JSON) {
        val_t *m = val_map_new(12);
        if (m) {
            val_map_set_take(m, "run", 3, id ? val_int(id) : val_null());
            val_map_set_take(m, "plan", 4, r->plan ? val_cstring(r->plan)
                                                   : val_null());
            val_map_set_take(m, "result", 6, val_cstring(
                res == RUN_REFUSED ? "refused" : run_result_name(res)));
            val_map_set_take(m, "exit", 4, val_int(code));
            val_map_set_take(m, "items", 5, val_int((int64_t)t->total));
            val_map_set_take(m, "items_done", 10,
                             val_int((int64_t)done_of(t)));
            val_map_set_take(m, "items_failed", 12,
                             val_int((int64_t)t->failed));
            val_map_set_take(m, "items_skipped", 13,
                             val_int((int64_t)t->skipped));
            val_map_set_take(m, "steps", 5, val_int((int64_t)t->steps));
            val_map_set_take(m, "retries", 7, val_int((int64_t)t->retried));
            val_map_set_take(m, "duration_ms", 11, val_int(ms));
            val_map_set(m, "stages", 6, r->stages);
            val_map_set_take(m, "error", 5, r->error ? val_cstring(r->error)
                                                     : val_null());
            strbuf_t b;
            strbuf_init(&b);
            val_to_json(m, &b, VAL_JSON_PRETTY);
            printf("%s\n", b.data ? b.data : "{}");
            strbuf_free(&b);
            val_unref(m);
        }
    } else if (lines(r) && id && res != RUN_REFUSED) {
        if (t->total) {
            strbuf_t b;
            strbuf_init(&b);
            put_items(&b, t);
            strbuf_printf(&b, "; %zu step%s in ", t->steps,
                          t->steps == 1 ? "" : "s");
            strbuf_put_duration(&b, ms);
            printf("%s\n", b.data ? b.data : "");
            strbuf_free(&b);
        }
        printf("run %" PRId64 " %s: %s\n", id, what, run_result_name(res));
        if (res == RUN_INTERRUPTED)
            printf("finish it with `mig resume %" PRId64 "`, or undo it with "
                   "`mig rollback %" PRId64 "`\n", id, id);
    }
    fflush(stdout);
    /* A failed run says why on stderr too, where scripts and CI look. */
    if (id && res != RUN_SUCCEEDED && res != RUN_REFUSED) {
        fprintf(stderr, "mig %s: error: run %" PRId64 " %s%s%s\n", cmd, id,
                res == RUN_FAILED ? "failed"
                : res == RUN_ROLLED_BACK ? "failed and was rolled back"
                : res == RUN_INTERRUPTED ? "was interrupted by a signal"
                : res == RUN_UNVERIFIED ? "failed and was rolled back, but "
                                          "some steps could not be verified"
                : "failed and its rollback failed",
                r->error ? ": " : "", r->error ? r->error : "");
        fprintf(stderr, "hint: 'mig log %" PRId64 "' shows every event", id);
        if (res == RUN_FAILED)
            fprintf(stderr, "; 'mig resume --failed-only %" PRId64 "' runs the "
                    "failed items again, 'mig rollback %" PRId64 "' undoes "
                    "the run", id, id);
        fputc('\n', stderr);
    }
}
