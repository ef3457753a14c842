/* run_signal.c: the signals that stop a run gracefully (docs/runtime.md,
 * "Signals"): the first one makes the run start nothing new, let the steps
 * in flight end (journaled), roll nothing back and end recorded as
 * interrupted; a second one stops the process at once, as the signal would
 * have. run.c catches them around the run's loop; mig rollback, which
 * turns no loop of its own, asks sched_stop_signal between two undos. */
#include <signal.h>

#include "sched_int.h"

static const struct { int sig; const char *name; } stop_signals[] = {
    { SIGINT, "SIGINT" }, { SIGTERM, "SIGTERM" }, { SIGHUP, "SIGHUP" },
};
#define N_STOP_SIGNALS (sizeof stop_signals / sizeof stop_signals[0])

/* Set by the handler (the first signal), read by the loop's wake-up. */
static volatile sig_atomic_t stop_signal;
static uv_async_t *volatile stop_wake;

const char *sched_signal_name(int sig)
{
    for (size_t i = 0; i < N_STOP_SIGNALS; i++)
        if (stop_signals[i].sig == sig)
            return stop_signals[i].name;
    return "a signal";
}

static void on_stop_signal(int sig)
{
    if (stop_signal) {
        /* The second: at once, as if mig had not caught it. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
    if (stop_wake)
        uv_async_send(stop_wake);      /* async-signal-safe */
}

/* The loop's wake-up after the first signal: the run stops starting
 * anything (sched.c, run.c read R->interrupted). */
static void woken(uv_async_t *h)
{
    run_t *r = h->data;
    if (stop_signal && !r->interrupted) {
        r->interrupted = stop_signal;
        r->stopping = true;
        val_t *d = val_map_new(1);
        if (d)
            val_map_set_take(d, "signal", 6, val_cstring(
                sched_signal_name(r->interrupted)));
        sched_event(r, "interrupted", GRAPH_NONE, NULL, d);
    }
}

/* What catching the stop signals replaced (one run at a time). */
static struct sigaction old[N_STOP_SIGNALS];

void sched_catch_signals(run_t *r)
{
    stop_signal = 0;
    r->wake.data = r;
    uv_async_init(r->loop, &r->wake, woken);
    uv_unref((uv_handle_t *)&r->wake);     /* no reason to turn the loop */
    stop_wake = &r->wake;
    struct sigaction sa = { .sa_handler = on_stop_signal };
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_STOP_SIGNALS; i++) {
        sigaction(stop_signals[i].sig, NULL, &old[i]);
        if (old[i].sa_handler != SIG_IGN)
            sigaction(stop_signals[i].sig, &sa, NULL);
    }
}

void sched_release_signals(run_t *r)
{
    for (size_t i = 0; i < N_STOP_SIGNALS; i++)
        sigaction(stop_signals[i].sig, &old[i], NULL);
    stop_wake = NULL;
    uv_close((uv_handle_t *)&r->wake, NULL);
}

/* What sched_catch_stop_signals replaced. */
static struct sigaction old_plain[N_STOP_SIGNALS];

void sched_catch_stop_signals(void)
{
    stop_signal = 0;
    stop_wake = NULL;
    struct sigaction sa = { .sa_handler = on_stop_signal };
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_STOP_SIGNALS; i++) {
        sigaction(stop_signals[i].sig, NULL, &old_plain[i]);
        if (old_plain[i].sa_handler != SIG_IGN)
            sigaction(stop_signals[i].sig, &sa, NULL);
    }
}

int sched_stop_signal(void)
{
    return (int)stop_signal;
}

void sched_release_stop_signals(void)
{
    for (size_t i = 0; i < N_STOP_SIGNALS; i++)
        sigaction(stop_signals[i].sig, &old_plain[i], NULL);
}
