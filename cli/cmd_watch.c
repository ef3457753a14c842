/* cmd_watch.c: `mig status --watch [RUN]` (docs/cli.md): follows a run
 * from another terminal by reading the state store every WATCH_POLL_MS:
 * its events (stages begun and ended, steps done and failed, recent
 * errors) and the gauges its process writes (items in flight, queue
 * depth: docs/metrics.md). On a terminal the block is redrawn in place;
 * otherwise a line is printed for each change. It ends when the run
 * ends, with the exit status the run's own command had. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* How often the store is read. */
#define WATCH_POLL_MS 500
/* The rate and ETA are measured over this window. */
#define WATCH_WINDOW_MS 10000
/* The errors shown (the newest). */
#define WATCH_ERRORS 3
/* The most stages followed (more are counted in the last). */
#define WATCH_STAGES 64

typedef struct watch_stage {
    char name[64];
    const char *state;          /* "running", "done", "failed" */
    int64_t done, failed;
} watch_stage_t;

typedef struct watch {
    int64_t run, after;         /* the last event read */
    watch_stage_t stages[WATCH_STAGES];
    size_t n_stages;
    char errors[WATCH_ERRORS][256];
    size_t n_errors;            /* ever seen */
    bool changed;
    bool live;
    int drawn;                  /* lines drawn last time (live) */
    int64_t sample_ms[2], sample_left[2];   /* the window's ends */
    bool oom;
} watch_t;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The stage of NODE ("migrate/foreach.t/put" is in migrate), made when
 * new. */
static watch_stage_t *stage_of(watch_t *w, const char *node)
{
    size_t len = strcspn(node ? node : "", "/");
    for (size_t i = 0; i < w->n_stages; i++)
        if (strlen(w->stages[i].name) == len
            && strncmp(w->stages[i].name, node, len) == 0)
            return &w->stages[i];
    if (w->n_stages == WATCH_STAGES)
        return &w->stages[WATCH_STAGES - 1];
    watch_stage_t *s = &w->stages[w->n_stages++];
    snprintf(s->name, sizeof s->name, "%.*s", (int)len, node ? node : "");
    s->state = "running";
    return s;
}

/* Keeps "KIND NODE[ITEM]: CLASS: MESSAGE" as the newest error. */
static void note_error(watch_t *w, const store_event_rec_t *ev)
{
    const val_t *cls = ev->data ? val_map_get(ev->data, "class", 5) : NULL;
    const val_t *msg = ev->data ? val_map_get(ev->data, "message", 7) : NULL;
    char *slot = w->errors[w->n_errors++ % WATCH_ERRORS];
    snprintf(slot, 256, "%s %s%s%s%s: %s: %s", ev->kind,
             ev->node ? ev->node : "", ev->item && *ev->item ? "[" : "",
             ev->item ? ev->item : "", ev->item && *ev->item ? "]" : "",
             cls && val_type(cls) == VAL_STRING ? val_get_str(cls, NULL) : "?",
             msg && val_type(msg) == VAL_STRING ? val_get_str(msg, NULL) : "");
}

/* Plain mode: a line for what happened, as it is read. */
static void say(const watch_t *w, const char *fmt, const char *a,
                const char *b)
{
    if (w->live)
        return;
    printf(fmt, a, b);
    putchar('\n');
}

static bool read_event(void *data, const store_event_rec_t *ev)
{
    watch_t *w = data;
    w->after = ev->seq;
    w->changed = true;
    const char *k = ev->kind;
    if (strcmp(k, "stage-start") == 0) {
        watch_stage_t *s = stage_of(w, ev->node);
        s->state = "running";
        say(w, "stage %s: started%s", s->name, "");
    } else if (strcmp(k, "stage-done") == 0
               || strcmp(k, "stage-failed") == 0) {
        watch_stage_t *s = stage_of(w, ev->node);
        s->state = k[6] == 'd' ? "done" : "failed";
        say(w, "stage %s: %s", s->name, s->state);
    } else if (strcmp(k, "step-done") == 0) {
        stage_of(w, ev->node)->done++;
    } else if (strcmp(k, "step-failed") == 0 || strcmp(k, "item-failed") == 0
               || strcmp(k, "undo-failed") == 0) {
        if (k[1] == 't')
            stage_of(w, ev->node)->failed++;
        note_error(w, ev);
        say(w, "error: %s%s", w->errors[(w->n_errors - 1) % WATCH_ERRORS],
            "");
    }
    return true;
}

/* Appends " 2.5/s, ETA 12s" for LEFT items left now, from the window. */
static void put_rate(watch_t *w, int64_t left, strbuf_t *b)
{
    int64_t now = mono_ms();
    if (!w->sample_ms[0] || now - w->sample_ms[1] >= WATCH_WINDOW_MS) {
        w->sample_ms[0] = w->sample_ms[1] ? w->sample_ms[1] : now;
        w->sample_left[0] = w->sample_ms[1] ? w->sample_left[1] : left;
    }
    w->sample_ms[1] = now;
    w->sample_left[1] = left;
    double secs = (double)(now - w->sample_ms[0]) / 1000.0;
    double rate = secs > 0 ? (double)(w->sample_left[0] - left) / secs : 0;
    if (rate <= 0) {
        strbuf_puts(b, ", rate -, ETA -");
        return;
    }
    strbuf_printf(b, ", %.1f items/s, ETA ", rate);
    cli_put_duration(b, (int64_t)((double)left / rate * 1000.0) / 1000
                            * 1000);
}

/* The progress of stage S: "2 done, 1 failed[, 1 in flight, 3 queued,
 * RATE, ETA]" (the gauges G for the running stage). */
static void put_stage(watch_t *w, const watch_stage_t *s,
                      const store_gauges_t *g, bool gauges, strbuf_t *b)
{
    strbuf_printf(b, "%" PRId64 " done, %" PRId64 " failed", s->done,
                  s->failed);
    if (gauges && strcmp(s->state, "running") == 0) {
        strbuf_printf(b, ", %" PRId64 " in flight, %" PRId64 " queued",
                      g->in_flight, g->queued);
        put_rate(w, g->in_flight + g->queued, b);
    }
}

/* Draws the block (live) or prints the running stage's line when it
 * changed (plain). */
static void show(watch_t *w, const store_run_t *r, store_run_state_t live,
                 const store_gauges_t *g, bool gauges)
{
    strbuf_t b;
    strbuf_init(&b);
    if (w->live) {
        if (w->drawn)
            strbuf_printf(&b, "\033[%dA\033[J", w->drawn);
        strbuf_printf(&b, "run %" PRId64 " of \"%s\": %s, ", r->id,
                      r->plan_name, store_run_state_name(live));
        cli_put_duration(&b, (r->ended_ms ? r->ended_ms : store_now_ms())
                                 - r->started_ms);
        strbuf_putc(&b, '\n');
        int lines = 1;
        for (size_t i = 0; i < w->n_stages; i++, lines++) {
            const watch_stage_t *s = &w->stages[i];
            strbuf_printf(&b, "  stage %-16s %-8s ", s->name, s->state);
            put_stage(w, s, g, gauges, &b);
            strbuf_putc(&b, '\n');
        }
        size_t n = w->n_errors < WATCH_ERRORS ? w->n_errors : WATCH_ERRORS;
        if (n) {
            strbuf_puts(&b, "recent errors:\n");
            lines++;
        }
        for (size_t i = 0; i < n; i++, lines++)
            strbuf_printf(&b, "  %s\n", w->errors[(w->n_errors - n + i)
                                                  % WATCH_ERRORS]);
        w->drawn = lines;
    } else {
        for (size_t i = 0; w->changed && i < w->n_stages; i++) {
            const watch_stage_t *s = &w->stages[i];
            if (strcmp(s->state, "running") != 0)
                continue;
            strbuf_printf(&b, "stage %s: ", s->name);
            put_stage(w, s, g, gauges, &b);
            strbuf_putc(&b, '\n');
        }
    }
    w->changed = false;
    if (!b.oom && b.len)
        fputs(b.data, stdout);
    w->oom |= b.oom;
    strbuf_free(&b);
    fflush(stdout);
}

/* The exit status of the command that left a run in STATE (docs/cli.md,
 * "Exit status"). */
static int state_exit(store_run_state_t st)
{
    static const int codes[] = {
        [STORE_RUN_SUCCEEDED] = EXIT_CLEAN,
        [STORE_RUN_FAILED] = EXIT_RUN_FAILED,
        [STORE_RUN_ROLLED_BACK] = EXIT_ROLLED_BACK,
        [STORE_RUN_ROLLBACK_FAILED] = EXIT_ROLLBACK_FAILED,
        [STORE_RUN_ROLLED_BACK_UNVERIFIED] = EXIT_UNVERIFIED,
        [STORE_RUN_INTERRUPTED] = EXIT_INTERRUPTED,
    };
    return codes[st];
}

int cli_status_watch(store_t *s, int64_t id)
{
    watch_t w = { .run = id, .changed = true,
                  .live = cli_report_mode(false, false) == REPORT_LIVE };
    for (;;) {
        store_run_t r;
        mig_status_t st = store_run_get(s, id, &r);
        if (st != MIG_OK)
            return cli_store_exit(st);
        store_run_state_t live = store_run_liveness(s, &r);
        if (!w.after && !w.live)
            printf("run %" PRId64 " of \"%s\": %s\n", id, r.plan_name,
                   store_run_state_name(live));
        /* Events committed before the run's end are all read once it is
         * seen ended: the run commits them first. */
        st = store_event_each_after(s, id, w.after, read_event, &w);
        store_gauges_t g;
        bool gauges = false;
        if (st == MIG_OK)
            st = store_gauges_get(s, id, &g, &gauges);
        if (st == MIG_OK)
            show(&w, &r, live, &g, gauges && live == STORE_RUN_RUNNING);
        if (st == MIG_OK && w.oom)
            st = MIG_ENOMEM;
        if (st != MIG_OK || live != STORE_RUN_RUNNING) {
            if (st == MIG_OK)
                printf("run %" PRId64 " ended: %s\n", id,
                       store_run_state_name(live));
            store_run_clear(&r);
            return st == MIG_OK ? state_exit(live) : cli_store_exit(st);
        }
        store_run_clear(&r);
        struct timespec ts = { .tv_sec = 0,
                               .tv_nsec = WATCH_POLL_MS * 1000000L };
        nanosleep(&ts, NULL);
    }
}
