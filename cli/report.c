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
#include "report_int.h"

/* A live line is redrawn at most this often (ms), however fast items end. */
#define REPORT_REDRAW_MS 100
/* An item is shown by its value, cut to this many bytes. */
#define REPORT_ITEM_MAX 48

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
    report_undone_said(r);
    val_unref(r->undone);
    val_unref(r->loops);
    val_unref(r->stages);
    free(r->plan);
    free(r->error);
    free(r);
}

/* ---- names ---------------------------------------------------------------- */

/* The string under KEY of map M, or "" (not NULL: it is printed). */
const char *report_str(const val_t *m, const char *key)
{
    val_t *v = m ? val_map_get(m, key, strlen(key)) : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : "";
}

int64_t report_num(const val_t *m, const char *key)
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

void report_live_draw(cli_report_t *r, bool now)
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
void report_say(cli_report_t *r, const char *node, const char *item,
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
    report_live_draw(r, true);
}

/* Appends "CLASS: MESSAGE" of D, the message's first line only, each
 * clipped as diagnostics are (MIG_MAX_MESSAGE): a class or message of
 * megabytes (from a Lua module) prints as one short line that says how
 * much it left out; `mig log` keeps them whole. */
static void put_class_message(strbuf_t *b, const val_t *d)
{
    const char *c = report_str(d, "class"), *m = report_str(d, "message");
    strbuf_put_clipped(b, c, strlen(c), MIG_MAX_MESSAGE);
    strbuf_puts(b, ": ");
    strbuf_put_clipped(b, m, strcspn(m, "\n"), MIG_MAX_MESSAGE);
}

/* ": CLASS: MESSAGE" of D, the message's first line only (a Lua traceback
 * follows it: `mig log` keeps it whole), in a new string. */
char *report_why(const val_t *d)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, ": ");
    put_class_message(&b, d);
    return b.data ? b.data : strdup("");
}

void report_remember_error(cli_report_t *r, const char *where, const val_t *d)
{
    if (r->error)
        return;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "%s: ", where);
    put_class_message(&b, d);
    r->error = b.data;
}

void report_stage_start(cli_report_t *r, const char *node)
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
    report_live_draw(r, true);
}

/* The stage's last line: what it did and how long it took. */
void report_stage_end(cli_report_t *r, bool failed)
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
bool report_top_item(const char *item)
{
    return item && *item && !strchr(item, '/');
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
    } else if (report_top_item(item)) {
        /* Which failed and which were skipped, their events say. */
        r->st.ended++;
        r->all.ended++;
    }
    report_live_draw(r, false);
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
