/* actx_remove.c: removals made by a thread of their own (runtime.h,
 * actx_set_remover). A rollback spends most of its time removing what
 * the run created; queued to a remover, those removals are made one after
 * another, in the order queued, while the rollback reads and undoes the
 * next records of its journal. Only plain C strings cross to the thread:
 * no value, no context, no store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "actx_int.h"

/* One removal: the full path, and for messages the path as written and
 * the action, all in one allocation. */
typedef struct job {
    struct job *next;
    int64_t tag;
    const char *rel, *action;
    char full[];
} job_t;

struct actx_remover {
    uv_thread_t thread;
    uv_mutex_t lock;
    uv_cond_t work, idle;       /* a job was queued; the queue emptied */
    job_t *head, *tail;         /* guarded by LOCK, as is what follows */
    bool busy;                  /* the thread is making a removal */
    bool stop;
    /* The first failure: the removals queued after it are dropped. */
    bool failed;
    int64_t failed_tag;
    char *why;
    /* The commits left for the next wait (main thread only, no lock),
     * each with the tag of the first record it holds. */
    actx_commit_fn commits[ACTX_COMMITS];
    int64_t commit_tags[ACTX_COMMITS];
    size_t n_commits;
};

/* Makes the removal of JOB, in the thread. 0 or an errno value. */
static int remove_one(const job_t *job)
{
    strbuf_t full;
    strbuf_init(&full);
    strbuf_puts(&full, job->full);
    int e = full.oom ? ENOMEM : actx_fs_remove_tree(&full);
    strbuf_free(&full);
    return e;
}

/* The message of a failed removal, as actx_fail_errno words it. */
static char *failure_text(const job_t *job, int e)
{
    const char *cls = actx_errno_class(e), *msg = strerror(e);
    size_t n = strlen(cls) + strlen(job->action) + strlen(job->rel)
               + strlen(msg) + 32;
    char *why = malloc(n);
    if (why)
        snprintf(why, n, "%s: %s: cannot restore '%s': %s", cls, job->action,
                 job->rel, msg);
    return why;
}

static void run_thread(void *arg)
{
    actx_remover_t *r = arg;
    uv_mutex_lock(&r->lock);
    for (;;) {
        while (!r->head && !r->stop)
            uv_cond_wait(&r->work, &r->lock);
        if (!r->head)
            break;
        job_t *job = r->head;
        r->head = job->next;
        if (!r->head)
            r->tail = NULL;
        int e = 0;
        if (!r->failed) {
            r->busy = true;
            uv_mutex_unlock(&r->lock);
            e = remove_one(job);
            uv_mutex_lock(&r->lock);
            r->busy = false;
        }
        if (e && !r->failed) {
            r->failed = true;
            r->failed_tag = job->tag;
            r->why = failure_text(job, e);
        }
        free(job);
        if (!r->head)
            uv_cond_broadcast(&r->idle);
    }
    uv_mutex_unlock(&r->lock);
}

actx_remover_t *actx_remover_new(void)
{
    actx_remover_t *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    if (uv_mutex_init(&r->lock) != 0) {
        free(r);
        return NULL;
    }
    if (uv_cond_init(&r->work) != 0) {
        uv_mutex_destroy(&r->lock);
        free(r);
        return NULL;
    }
    if (uv_cond_init(&r->idle) != 0) {
        uv_cond_destroy(&r->work);
        uv_mutex_destroy(&r->lock);
        free(r);
        return NULL;
    }
    if (uv_thread_create(&r->thread, run_thread, r) != 0) {
        uv_cond_destroy(&r->idle);
        uv_cond_destroy(&r->work);
        uv_mutex_destroy(&r->lock);
        free(r);
        return NULL;
    }
    return r;
}

/* Waits, holding R's lock, until no removal is queued or being made. */
static void drained(actx_remover_t *r)
{
    while (r->head || r->busy)
        uv_cond_wait(&r->idle, &r->lock);
}

/* Calls the commits R was left, in the caller's thread; a failing one is
 * recorded as R's failure (the newest record's, when one failed before)
 * and drops the removals queued after it. */
static void commit_deferred(actx_remover_t *r)
{
    for (size_t i = 0; i < r->n_commits; i++) {
        char *w = NULL;
        if (r->commits[i](&w) == MIG_OK)
            continue;
        uv_mutex_lock(&r->lock);
        if (!r->failed || r->commit_tags[i] > r->failed_tag) {
            free(r->why);
            r->why = w ? w : strdup("Unavailable: a commit failed");
            w = NULL;
            r->failed_tag = r->commit_tags[i];
        }
        r->failed = true;
        uv_mutex_unlock(&r->lock);
        free(w);
    }
    r->n_commits = 0;
}

bool actx_defer_commit(action_ctx_t *c, actx_commit_fn fn)
{
    actx_remover_t *r = c->remover;
    if (!r)
        return c->has_host && c->host.defer_commit
               && c->host.defer_commit(c->host.data, fn);
    for (size_t i = 0; i < r->n_commits; i++)
        if (r->commits[i] == fn)
            return true;
    if (r->n_commits == ACTX_COMMITS)
        return false;
    r->commits[r->n_commits] = fn;
    r->commit_tags[r->n_commits++] = c->remover_tag;
    return true;
}

mig_status_t actx_remover_wait(actx_remover_t *r, int64_t *tag, char **why)
{
    *tag = 0;
    *why = NULL;
    uv_mutex_lock(&r->lock);
    drained(r);
    uv_mutex_unlock(&r->lock);
    /* After the removals: a failing commit drops none of them. */
    commit_deferred(r);
    uv_mutex_lock(&r->lock);
    bool failed = r->failed;
    if (failed) {
        *tag = r->failed_tag;
        *why = r->why ? strdup(r->why) : NULL;
    }
    uv_mutex_unlock(&r->lock);
    return failed ? MIG_EIO : MIG_OK;
}

void actx_remover_free(actx_remover_t *r)
{
    if (!r)
        return;
    uv_mutex_lock(&r->lock);
    drained(r);
    uv_mutex_unlock(&r->lock);
    commit_deferred(r);
    uv_mutex_lock(&r->lock);
    r->stop = true;
    uv_cond_signal(&r->work);
    uv_mutex_unlock(&r->lock);
    uv_thread_join(&r->thread);
    uv_cond_destroy(&r->idle);
    uv_cond_destroy(&r->work);
    uv_mutex_destroy(&r->lock);
    free(r->why);
    free(r);
}

void actx_set_remover(action_ctx_t *c, actx_remover_t *r, int64_t tag)
{
    c->remover = r;
    c->remover_tag = tag;
}

/* ---- what actx_restore asks of it ------------------------------------------ */

mig_status_t actx_remover_queue(action_ctx_t *c, const char *full,
                                const char *rel)
{
    actx_remover_t *r = c->remover;
    size_t lf = strlen(full) + 1, lr = strlen(rel) + 1;
    size_t la = strlen(c->action ? c->action : "?") + 1;
    job_t *job = malloc(sizeof(*job) + lf + lr + la);
    if (!job)
        return MIG_ENOMEM;
    memcpy(job->full, full, lf);
    job->rel = memcpy(job->full + lf, rel, lr);
    job->action = memcpy(job->full + lf + lr, c->action ? c->action : "?",
                         la);
    job->tag = c->remover_tag;
    job->next = NULL;
    uv_mutex_lock(&r->lock);
    if (r->tail)
        r->tail->next = job;
    else
        r->head = job;
    r->tail = job;
    uv_cond_signal(&r->work);
    uv_mutex_unlock(&r->lock);
    return MIG_OK;
}

mig_status_t actx_remover_settle(action_ctx_t *c)
{
    actx_remover_t *r = c->remover;
    uv_mutex_lock(&r->lock);
    drained(r);
    bool failed = r->failed;
    uv_mutex_unlock(&r->lock);
    if (!failed)
        return MIG_OK;
    return actx_fail(c, "Unavailable", "%s: not restored: a removal queued "
                     "before it failed", c->action ? c->action : "?");
}
