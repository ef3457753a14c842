/* run_lock.c: the lock a run, a resume or a rollback takes on its
 * workspace (docs/runtime.md, "Locks"; docs/state.md, "locks"): its name,
 * what a refusal says, and the check that the run did not change while
 * the command took the lock (one process per run). */
#define _XOPEN_SOURCE 700  /* realpath */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sched_int.h"

/* The lock's resource: the directory the state store manages. */
char *sched_lock_name(const char *state_path)
{
    char buf[PATH_MAX];
    char *dir = strdup(state_path);
    if (!dir)
        return NULL;
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    const char *real = realpath(slash ? (*dir ? dir : "/") : ".", buf);
    char *name = NULL;
    if (real) {
        size_t n = strlen(real) + 11;
        name = malloc(n);
        if (name)
            snprintf(name, n, "workspace:%s", real);
    }
    free(dir);
    return name;
}

void sched_refuse_locked(diag_list_t *diags, const store_lock_t *h,
                         int64_t self)
{
    char since[32] = "?";
    time_t t = (time_t)(h->since_ms / 1000);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (h->run == self) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "run %" PRId64
                             " is already being resumed or rolled back by "
                             "pid %" PRId64 " on %s (since %s): one process "
                             "acts for a run at a time", self, h->pid,
                             h->host ? h->host : "?", since);
        diag_hint(diags, d, "wait for that process to end, then see `mig "
                  "status %" PRId64 "`", self);
        return;
    }
    bool expired = h->expires_ms < store_now_ms();
    char me[256] = "";
    gethostname(me, sizeof me - 1);
    bool gone = h->host && strcmp(h->host, me) == 0 && h->pid > 0
                && kill((pid_t)h->pid, 0) == -1 && errno == ESRCH;
    diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "%s is locked by "
                         "run %" PRId64 " (pid %" PRId64 " on %s) since %s%s",
                         h->resource, h->run, h->pid, h->host ? h->host : "?",
                         since, expired ? "; the lock has expired" : "");
    if (!gone && store_process_stopped(h->pid, h->host))
        diag_hint(diags, d, "its process is stopped (kill -STOP, Ctrl-Z, a "
                  "debugger): continue it with `kill -CONT %" PRId64 "`, or "
                  "end it with `kill %" PRId64 "`; %s", h->pid, h->pid,
                  expired ? "or take the lock over with --break-lock"
                  : "a lock expires 30s after its holder's last heartbeat, "
                    "then --break-lock takes it over");
    else if (gone)
        diag_hint(diags, d, "its process is gone, so run %" PRId64 " was "
                  "interrupted: finish it with `mig resume %" PRId64 "` or "
                  "undo it with `mig rollback %" PRId64 "`%s", h->run, h->run,
                  h->run, expired ? ", or take the lock over with "
                  "--break-lock" : "");
    else
        diag_hint(diags, d, expired
                  ? "take it over with --break-lock (the journal records it)"
                  : "wait for that run to end; a lock expires 30s after its "
                    "holder's last heartbeat");
}

bool sched_run_unchanged(store_t *s, const store_run_t *before,
                         diag_list_t *diags)
{
    store_run_t now = { 0 };
    if (store_run_get(s, before->id, &now) != MIG_OK)
        return false;
    bool same = now.state == before->state && now.ended_ms == before->ended_ms
                && now.pid == before->pid;
    if (!same) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "run %" PRId64
                             " changed while this command started: another "
                             "process %s it (now %s)", now.id,
                             now.state == STORE_RUN_RUNNING ? "resumed"
                                                            : "finished",
                             store_run_state_name(now.state));
        diag_hint(diags, d, "see `mig status %" PRId64 "`", now.id);
    }
    store_run_clear(&now);
    return same;
}

mig_status_t roots_of_list(const val_t *l, write_roots_t *out)
{
    *out = (write_roots_t){ .real = true };
    out->paths = calloc(val_len(l) + 1, sizeof(*out->paths));
    out->given = calloc(val_len(l) + 1, sizeof(*out->given));
    mig_status_t st = out->paths && out->given ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(l); i++) {
        const val_t *p = val_list_get(l, i);
        if (val_type(p) != VAL_STRING)
            continue;
        out->paths[out->n] = strdup(val_get_str(p, NULL));
        out->given[out->n] = strdup(val_get_str(p, NULL));
        out->n++;
        if (!out->paths[out->n - 1] || !out->given[out->n - 1])
            st = MIG_ENOMEM;
    }
    if (st != MIG_OK)
        roots_free(out);
    return st;
}

mig_status_t sched_lock_roots(const val_t *l, diag_list_t *diags,
                              roots_lock_t **out)
{
    *out = NULL;
    write_roots_t r;
    mig_status_t st = roots_of_list(l, &r);
    if (st == MIG_OK)
        st = roots_lock_take(&r, diags, out);
    roots_free(&r);
    return st;
}
