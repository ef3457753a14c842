/* settle.c: commands that were running when mig died (exec.run; docs/
 * actions.md, "Run at most once"). A command's process is journaled
 * before it may begin (sched_host_started); a resume or a rollback that
 * finds its record in flight stops what is left of its process group,
 * then settles it by the step's check: or by what the user says, and
 * never guesses. */
#define _GNU_SOURCE     /* vasprintf */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sched_int.h"

#define SETTLE_KILL_MS 2000     /* SIGTERM, then SIGKILL this later */
#define SETTLE_GONE_MS 5000     /* after SIGKILL, wait this long at most */
#define SETTLE_POLL_MS 10

/* ---- processes ------------------------------------------------------------ */

/* Fields of /proc/PID/stat: the state (field 3), the process group (5)
 * and the start time in clock ticks since boot (22). False when there is
 * no such process, or no /proc. */
static bool proc_stat(int64_t pid, char *state, int64_t *pgrp,
                      int64_t *ticks)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%" PRId64 "/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');    /* the name may hold anything */
    long long pg = 0;
    unsigned long long t = 0;
    if (!p || sscanf(p + 1, " %c %*d %lld %*d %*d %*d %*u %*u %*u %*u %*u "
                     "%*u %*u %*d %*d %*d %*d %*d %*d %llu", state, &pg, &t)
                  != 3)
        return false;
    *pgrp = pg;
    *ticks = (int64_t)t;
    return true;
}

/* PID's start time, 0 when it has none: no such process, or no process
 * at all (PID 0: a call journaled as begun that starts none, such as an
 * HTTP request, which must not read /proc for it). */
static int64_t start_ticks(int64_t pid)
{
    char state;
    int64_t pgrp, ticks;
    return pid > 0 && proc_stat(pid, &state, &pgrp, &ticks) ? ticks : 0;
}

/* This machine's name, read once per process (a call journaled as begun
 * records it: one HTTP request each). */
static char *host_name(void)
{
    static char host[256];
    static bool known;
    if (!known) {
        gethostname(host, sizeof host - 1);
        known = true;
    }
    return host;
}

mig_status_t sched_host_started(void *data, int64_t run, int64_t seq,
                                int role, int64_t pid, int64_t pgid,
                                bool (*go)(void *, bool), void *go_data)
{
    store_t *s = data;
    store_process_t p = { .seq = seq, .role = (store_proc_role_t)role,
                          .pid = pid, .pgid = pgid,
                          .start_ticks = start_ticks(pid), .host = host_name(),
                          .started_ms = store_now_ms() };
    mig_status_t st = store_process_put(s, run, &p);
    if (st == MIG_OK && sched_group_take(s, go, go_data))
        return MIG_OK;  /* it begins after the group's commit */
    if (st == MIG_OK)
        st = store_flush(s);
    if (st != MIG_OK)
        return st;
    sched_crash_point("process-journaled");
    go(go_data, true);
    sched_crash_point("process-running");
    return MIG_OK;
}

/* Whether a process of group P that is not a zombie is left. With /proc,
 * its entries are read; a group leader whose pid now names another
 * process (another start time) means the group is gone. Without /proc,
 * kill(2) says. */
static bool group_alive(const store_process_t *p)
{
    char state;
    int64_t pgrp, ticks;
    if (proc_stat(p->pgid, &state, &pgrp, &ticks) && p->start_ticks
        && ticks != p->start_ticks)
        return false;       /* the pid is another process's now */
    DIR *d = opendir("/proc");
    if (!d)
        return kill(-(pid_t)p->pgid, 0) == 0 || errno == EPERM;
    bool alive = false;
    struct dirent *e;
    while (!alive && (e = readdir(d))) {
        char *end;
        long long pid = strtoll(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        alive = proc_stat(pid, &state, &pgrp, &ticks) && pgrp == p->pgid
                && state != 'Z' && state != 'X';
    }
    closedir(d);
    return alive;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Waits up to MS for group P to be gone; whether it is. */
static bool wait_gone(const store_process_t *p, int ms)
{
    for (int waited = 0; waited < ms; waited += SETTLE_POLL_MS) {
        if (!group_alive(p))
            return true;
        sleep_ms(SETTLE_POLL_MS);
    }
    return !group_alive(p);
}

/* Stops what is left of group P: SIGTERM, SIGKILL SETTLE_KILL_MS later.
 * Whether nothing is left. */
static bool stop_group(const store_process_t *p)
{
    if (!group_alive(p))
        return true;
    kill(-(pid_t)p->pgid, SIGTERM);
    if (wait_gone(p, SETTLE_KILL_MS))
        return true;
    kill(-(pid_t)p->pgid, SIGKILL);
    return wait_gone(p, SETTLE_GONE_MS);
}

/* ---- calls ------------------------------------------------------------------ */

typedef struct call_wait {
    bool done;
    mig_status_t st;
    val_t *res;
} call_wait_t;

static void call_done(action_ctx_t *ctx, mig_status_t st, val_t *res,
                      void *data)
{
    (void)ctx;
    call_wait_t *w = data;
    w->done = true;
    w->st = st;
    w->res = res;
}

mig_status_t sched_call_wait(action_ctx_t *ctx, const actx_host_t *host,
                             action_fn fn, const val_t *args, val_t **res)
{
    *res = NULL;
    mig_status_t st = fn(ctx, args, res);
    if (st != MIG_OK || !actx_suspended(ctx))
        return st;
    call_wait_t w = { 0 };
    actx_on_finish(ctx, call_done, &w);
    while (!w.done && uv_run(host->loop, UV_RUN_ONCE))
        ;
    if (!w.done)
        return actx_fail(ctx, "Unavailable", "the call never finished");
    *res = w.res;
    return w.st;
}

/* ---- settling ---------------------------------------------------------------- */

static char *text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *text(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* What the user said of record SEQ: SETTLE_DONE, SETTLE_NOT_RUN, or
 * SETTLE_ASK when nothing. */
static settle_verdict_t answer(const val_t *answers, int64_t seq)
{
    char key[32];
    int n = snprintf(key, sizeof key, "%" PRId64, seq);
    val_t *v = answers ? val_map_get(answers, key, (size_t)n) : NULL;
    const char *a = v && val_type(v) == VAL_STRING ? val_get_str(v, NULL)
                                                   : "";
    return strcmp(a, "done") == 0 ? SETTLE_DONE
         : strcmp(a, "not-run") == 0 ? SETTLE_NOT_RUN : SETTLE_ASK;
}

/* Asks ROW's applied whether the effect of the call with ARGS is in
 * place. */
static settle_verdict_t ask_check(const settle_env_t *e, const action_t *row,
                                  const val_t *args, char **why)
{
    action_ctx_t *ctx = actx_new(ACTX_UNDO, e->base_dir);
    if (!ctx)
        return SETTLE_FAILED;
    actx_set_host(ctx, e->host);
    actx_set_action(ctx, row);
    actx_begin(ctx, row->name);
    val_t *yes = NULL;
    mig_status_t st = row->applied
        ? sched_call_wait(ctx, e->host, row->applied, args, &yes)
        : actx_fail(ctx, "Unavailable", "%s cannot tell", row->name);
    settle_verdict_t v = SETTLE_ASK;
    if (st == MIG_ENOMEM)
        v = SETTLE_FAILED;
    else if (st == MIG_OK && yes && val_type(yes) == VAL_BOOL)
        v = val_get_bool(yes) ? SETTLE_DONE : SETTLE_NOT_RUN;
    if (v == SETTLE_DONE)
        *why = text("its check says its effect is in place");
    else if (v == SETTLE_NOT_RUN)
        *why = text("its check says its effect is not in place");
    else if (v == SETTLE_ASK)
        *why = text("mig cannot tell whether it finished: %s",
                    actx_error_message(ctx) ? actx_error_message(ctx) : "?");
    val_unref(yes);
    actx_free(ctx);
    return v;
}

settle_verdict_t sched_settle(const settle_env_t *e, int64_t seq, int role,
                              const action_t *row, const val_t *args,
                              char **why)
{
    *why = NULL;
    store_process_t p;
    bool found;
    if (store_process_get(e->store, e->run, seq, (store_proc_role_t)role, &p,
                          &found) != MIG_OK)
        return SETTLE_FAILED;
    if (!found) {
        *why = text("its command never started");
        return SETTLE_NOT_RUN;
    }
    bool here = strcmp(p.host, host_name()) == 0;
    settle_verdict_t v = SETTLE_ASK;
    /* A call that began without a process of its own (an HTTP request:
     * pid 0) has nothing to stop; it is settled the same way. */
    if (here && p.pgid > 0 && !stop_group(&p))
        *why = text("its command's process group %" PRId64 " could not be "
                    "stopped", p.pgid);
    else if ((v = answer(e->answers, seq)) != SETTLE_ASK)
        *why = text(v == SETTLE_DONE ? "you said its effect is in place"
                                     : "you said its effect is not in place");
    else if (!here)
        *why = text("its command (pid %" PRId64 ") ran on %s, and mig cannot "
                    "see that host's processes", p.pid, p.host);
    else
        v = ask_check(e, row, args, why);
    store_process_clear(&p);
    return v;
}

/* ---- every record in flight -------------------------------------------------- */

/* Whether REC is in flight: see sched_in_flight_keep. */
static bool in_flight(const action_registry_t *reg,
                      const store_journal_t *rec, bool undoing)
{
    if (rec->state == STORE_JOURNAL_INTENT) {
        const action_t *row = action_find(reg, rec->action);
        return row && row->reports_start;
    }
    return undoing && rec->state == STORE_JOURNAL_UNDOING
        && rec->kind == STORE_JOURNAL_PLAN;
}

bool sched_in_flight_keep(settle_seqs_t *g, const action_registry_t *reg,
                          const store_journal_t *rec, bool undoing)
{
    if (!in_flight(reg, rec, undoing))
        return true;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 8;
        int64_t *s = realloc(g->seqs, cap * sizeof(*s));
        if (!s)
            return false;
        g->seqs = s;
        g->cap = cap;
    }
    g->seqs[g->n++] = rec->seq;
    return true;
}

typedef struct gather {
    const settle_env_t *e;
    bool undoing;
    settle_seqs_t found;
    bool oom;
} gather_t;

/* Keeps the positions of the records to settle (read without values). */
static bool gather(void *data, const store_journal_t *rec)
{
    gather_t *g = data;
    g->oom = !sched_in_flight_keep(&g->found, g->e->reg, rec, g->undoing);
    return !g->oom;
}

typedef struct one {
    const settle_env_t *e;
    settle_fn fn;
    void *data;
    settle_verdict_t v;
} one_t;

/* Reports that record REC (role ROLE) cannot be settled, for WHY. */
static void ask(const settle_env_t *e, const store_journal_t *rec, int role,
                const char *action, const char *why)
{
    diag_t *d = diag_add(e->diags, DIAG_ERROR, NULL, NULL, "%sstep %s%s%s "
                         "(%s) was in flight when mig stopped: %s",
                         role ? "the undo of " : "", rec->node,
                         *rec->item ? " item " : "", rec->item, action,
                         why ? why : "out of memory");
    diag_hint(e->diags, d, "see whether its effect is in place, then say "
              "so: `%s --settle %" PRId64 "=done` if it is, `%s --settle %"
              PRId64 "=not-run` if it left nothing (a check: argument lets "
              "mig tell by itself)", e->command, rec->seq, e->command,
              rec->seq);
}

/* Settles the record REC (read with its values; the first after the
 * position asked). */
static bool settle_one(void *data, const store_journal_t *rec)
{
    one_t *o = data;
    const settle_env_t *e = o->e;
    int role = rec->state == STORE_JOURNAL_UNDOING;
    const char *name = rec->action;
    const val_t *args = rec->args;
    if (role) {
        val_t *a = rec->undo ? val_map_get(rec->undo, "action", 6) : NULL;
        name = a && val_type(a) == VAL_STRING ? val_get_str(a, NULL) : "";
        args = rec->undo ? val_map_get(rec->undo, "args", 4) : NULL;
    }
    const action_t *row = action_find(e->reg, name);
    if (!row || !row->reports_start) {
        o->v = SETTLE_DONE;     /* an undo run again, as any other */
        return false;
    }
    char *why = NULL;
    settle_verdict_t v = sched_settle(e, rec->seq, role, row, args, &why);
    mig_status_t st = MIG_OK;
    if (v == SETTLE_ASK)
        ask(e, rec, role, name, why);
    else if (v == SETTLE_DONE)
        st = store_journal_set(e->store, e->run, rec->seq, role
                               ? STORE_JOURNAL_UNDONE : STORE_JOURNAL_DONE);
    else if (v == SETTLE_NOT_RUN)
        st = role ? store_process_delete(e->store, e->run, rec->seq, 1)
                  : store_journal_set(e->store, e->run, rec->seq,
                                      STORE_JOURNAL_NOT_RUN);
    if (st != MIG_OK)
        v = SETTLE_FAILED;
    if ((v == SETTLE_DONE || v == SETTLE_NOT_RUN) && o->fn)
        o->fn(o->data, rec, role, v, why);
    o->v = v == SETTLE_DONE || v == SETTLE_NOT_RUN ? SETTLE_DONE : v;
    free(why);
    return false;
}

settle_verdict_t sched_settle_seqs(const settle_env_t *e,
                                   const int64_t *seqs, size_t n,
                                   settle_fn fn, void *data)
{
    settle_verdict_t v = SETTLE_DONE;
    for (size_t i = 0; i < n && v == SETTLE_DONE; i++) {
        one_t o = { .e = e, .fn = fn, .data = data, .v = SETTLE_FAILED };
        if (store_journal_each(e->store, e->run, seqs[i] - 1, 0, settle_one,
                               &o) != MIG_OK)
            o.v = SETTLE_FAILED;
        v = o.v;
    }
    if (v == SETTLE_DONE && store_flush(e->store) != MIG_OK)
        v = SETTLE_FAILED;
    return v;
}

settle_verdict_t sched_settle_all(const settle_env_t *e, int64_t after,
                                  bool undoing, settle_fn fn, void *data)
{
    gather_t g = { .e = e, .undoing = undoing };
    settle_verdict_t v = SETTLE_FAILED;
    if (store_journal_each(e->store, e->run, after, STORE_EACH_NO_VALUES,
                           gather, &g) == MIG_OK && !g.oom)
        v = sched_settle_seqs(e, g.found.seqs, g.found.n, fn, data);
    free(g.found.seqs);
    return v;
}

/* ---- a resume ----------------------------------------------------------------- */

/* A step that a crash left in flight, settled before the resume goes on
 * (sched_settle_all): one whose effect is in place is done, with a null
 * result; one that never began or left nothing runs again. */
static void settled(void *data, const store_journal_t *rec, int role,
                    settle_verdict_t v, const char *why)
{
    run_t *r = data;
    if (role)
        return;
    if (v == SETTLE_DONE) {
        store_step_t st = { .node = rec->node, .item = rec->item,
                            .state = STORE_STEP_DONE, .attempts = 1,
                            .result = val_null(), .ended_ms = store_now_ms() };
        if (store_step_put(r->store, r->id, &st) != MIG_OK)
            r->fatal = true;
    }
    val_t *d = val_map_new(2);
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "%s: %s", v == SETTLE_DONE ? "done" : "not run",
                  why ? why : "?");
    if (v != SETTLE_DONE)
        strbuf_puts(&b, "; it runs again");
    if (d) {
        val_map_set_take(d, "seq", 3, val_int(rec->seq));
        val_map_set_take(d, "settled", 7, val_cstring(b.data ? b.data : ""));
    }
    strbuf_free(&b);
    sched_event(r, "in-flight", graph_find(r->g, rec->node), rec->item, d);
}

bool sched_settle_resume(run_t *r)
{
    char command[48];
    snprintf(command, sizeof command, "mig resume %" PRId64, r->id);
    settle_env_t e = { .store = r->store, .host = &r->host, .reg = r->reg,
                       .base_dir = r->base_dir, .run = r->id,
                       .answers = r->opts->settle, .command = command,
                       .diags = r->diags };
    settle_verdict_t v = sched_settle_all(&e, 0, false, settled, r);
    if (v == SETTLE_FAILED)
        r->fatal = true;
    return v == SETTLE_DONE;
}
