/* serve_events.c: GET /v1/runs/{id}/events of the HTTP API (docs/api.md):
 * a run's events as Server-Sent Events, those recorded already and then,
 * while the run runs, each one as it is committed, read from the state
 * store by polling (serve.h calls the producer again every
 * SERVE_STREAM_POLL_MS while it has nothing). The stream ends with an
 * `end` event once the run has ended and every event was sent. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "serve.h"

/* At most this many events go in one chunk; the rest in the next. */
#define EVENTS_PER_CHUNK 256
/* A comment line is sent after this long without an event, so that the
 * connection is not idle (the server closes one silent for 10 s) and a
 * client that went away is noticed. */
#define EVENTS_KEEPALIVE_MS 5000

struct cli_events {
    char *state;
    int64_t run, after;         /* the last event sent */
    store_t *s;                 /* read-only, opened at the first call */
    int64_t quiet_since;        /* when the last bytes were made */
    size_t n;                   /* events in this chunk */
    strbuf_t *out;
    mig_status_t st;
};

cli_events_t *cli_events_new(const char *state, int64_t run, int64_t after)
{
    cli_events_t *ev = calloc(1, sizeof *ev);
    if (!ev || !(ev->state = strdup(state))) {
        free(ev);
        return NULL;
    }
    ev->run = run;
    ev->after = after;
    ev->quiet_since = store_now_ms();
    return ev;
}

void cli_events_free(void *data)
{
    cli_events_t *ev = data;
    store_close(ev->s);
    free(ev->state);
    free(ev);
}

/* Appends one event: its id (seq), its kind as the event's name, its
 * JSON (as `mig log --json` prints it) as the data. */
static bool put_event(void *data, const store_event_rec_t *rec)
{
    cli_events_t *ev = data;
    val_t *v = cli_event_value(rec, rec->data, false);
    if (!v) {
        ev->st = MIG_ENOMEM;
        return false;
    }
    strbuf_printf(ev->out, "id: %" PRId64 "\nevent: %s\ndata: ", rec->seq,
                  rec->kind);
    ev->st = val_to_json(v, ev->out, 0);
    strbuf_puts(ev->out, "\n\n");
    val_unref(v);
    ev->after = rec->seq;
    return ev->st == MIG_OK && ++ev->n < EVENTS_PER_CHUNK;
}

/* Appends the `end` event: the run's id and state as shown. */
static void put_end(cli_events_t *ev, store_run_state_t state)
{
    strbuf_printf(ev->out, "event: end\ndata: {\"run\":%" PRId64 ","
                  "\"state\":\"%s\"}\n\n", ev->run,
                  store_run_state_name(state));
}

bool cli_events_next(void *data, strbuf_t *out)
{
    cli_events_t *ev = data;
    diag_list_t diags;
    diag_list_init(&diags);
    if (!ev->s && store_open(ev->state, STORE_READONLY, &diags, &ev->s)
                      != MIG_OK) {
        diag_list_free(&diags);
        return false;               /* the store went: the stream ends */
    }
    diag_list_free(&diags);
    ev->out = out;
    ev->n = 0;
    ev->st = MIG_OK;
    if (store_event_each_after(ev->s, ev->run, ev->after, put_event, ev)
        != MIG_OK || ev->st != MIG_OK)
        return false;
    int64_t now = store_now_ms();
    if (ev->n) {
        ev->quiet_since = now;
        return true;
    }
    /* Nothing new: has the run ended? Its last events were committed
     * before its end, so one more read after seeing it ended finds them. */
    store_run_t r;
    if (store_run_get(ev->s, ev->run, &r) != MIG_OK)
        return false;
    store_run_state_t live = store_run_liveness(ev->s, &r);
    store_run_clear(&r);
    if (live != STORE_RUN_RUNNING) {
        if (store_event_each_after(ev->s, ev->run, ev->after, put_event, ev)
            != MIG_OK || ev->st != MIG_OK)
            return false;
        if (ev->n)
            return true;
        put_end(ev, live);
        return false;
    }
    if (now - ev->quiet_since >= EVENTS_KEEPALIVE_MS) {
        strbuf_puts(out, ": keep-alive\n\n");
        ev->quiet_since = now;
    }
    return true;
}
