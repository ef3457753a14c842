/* sched_group.c: group commit of the starts of one turn. An effect that
 * reports its start (exec.run's process, http.request's change) is
 * journaled as begun and committed before it may begin (actx_started).
 * The calls that sched_flush runs together, once their intents share one
 * commit, start together too: their starts are queued while they run,
 * share ONE more commit, and only then is each let begin, in order.
 * docs/runtime.md, "Journal first, effect second", says why this keeps
 * every promise of a commit per start. */
#include <stdlib.h>

#include "sched_int.h"

/* The gathering open now (the innermost, when a call turned the loop
 * inside another's flush), or NULL: starts are then committed one by
 * one. The loop has one thread, and a gathering lives within one call of
 * sched_flush, so one pointer is all the state there is. */
static sched_group_t *gathering;

void sched_group_open(sched_group_t *g, store_t *s)
{
    *g = (sched_group_t){ .store = s, .outer = gathering };
    gathering = g;
}

bool sched_group_take(store_t *s, bool (*go)(void *, bool), void *go_data)
{
    sched_group_t *g = gathering;
    if (!g || g->store != s)
        return false;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        struct sched_start *v = realloc(g->v, cap * sizeof(*v));
        if (!v)
            return false;
        g->v = v;
        g->cap = cap;
    }
    g->v[g->n++] = (struct sched_start){ .go = go, .data = go_data };
    return true;
}

mig_status_t sched_group_close(sched_group_t *g)
{
    gathering = g->outer;
    mig_status_t st = MIG_OK;
    if (g->n) {
        st = store_flush(g->store);
        if (st == MIG_OK)
            sched_crash_point("process-journaled");
    }
    /* A GO may finish its call, and so start other steps: those wait for
     * the next turn's commit (the gathering is closed). */
    for (size_t i = 0; i < g->n; i++) {
        g->v[i].go(g->v[i].data, st == MIG_OK);
        if (st == MIG_OK)
            sched_crash_point("process-running");
    }
    free(g->v);
    g->v = NULL;
    g->n = g->cap = 0;
    return st;
}
