/* store_lock.c: the locks of the state store: taking one (breaking an
 * expired one when asked), its heartbeat, letting it go, and the fence a
 * run sets so that every transaction checks it still holds its lock. The
 * lock rows keep their fence when released, so a token is never handed
 * out twice. docs/state.md, "Locks". */
#include "store_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- locks ------------------------------------------------------------- */

void store_lock_clear(store_lock_t *l)
{
    free(l->resource);
    free(l->host);
    memset(l, 0, sizeof(*l));
}

void store_fence(store_t *s, const char *resource, int64_t fence)
{
    free(s->fence_resource);
    s->fence_resource = NULL;
    s->fence = fence;
    if (resource && !(s->fence_resource = strdup(resource))) {
        /* Going on unfenced would be unsafe: fail the store instead. */
        diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "out of memory setting "
                 "the fence of '%s'", s->path);
        s->sticky = MIG_ENOMEM;
    }
}

/* A map of string and integer entries for a lock event: KEYS[i] is a
 * string entry when STRS[i] is set, else the integer INTS[i]. NULL when
 * out of memory. */
static val_t *lock_data(const char *const *keys, const char *const *strs,
                        const int64_t *ints, size_t n)
{
    val_t *m = val_map_new(n);
    for (size_t i = 0; m && i < n; i++) {
        val_t *v = strs[i] ? val_cstring(strs[i]) : val_int(ints[i]);
        if (!v || val_map_set_take(m, keys[i], strlen(keys[i]), v) != MIG_OK) {
            val_unref(m);
            m = NULL;
        }
    }
    return m;
}

/* The events of a taken lock: "lock-taken" in RUN, or, when HOLDER's
 * expired lock was broken, "lock-broken" in both runs. */
static mig_status_t lock_events(store_t *s, const char *resource, int64_t run,
                                int64_t pid, const char *host, int64_t fence,
                                const store_lock_t *broken)
{
    mig_status_t st = MIG_ENOMEM;
    val_t *mine, *theirs = NULL;
    if (!broken) {
        static const char *const k[] = { "resource", "fence", "pid", "host" };
        const char *str[] = { resource, NULL, NULL, host ? host : "" };
        int64_t ints[] = { 0, fence, pid, 0 };
        mine = lock_data(k, str, ints, 4);
        if (mine)
            st = store_event_write(s, run, "lock-taken", NULL, NULL, mine, 0);
        val_unref(mine);
        return st;
    }
    char expired[32];
    store_iso_time(broken->expires_ms, expired);
    static const char *const k1[] = { "resource", "fence", "from_run",
                                      "from_pid", "from_host", "expired_at" };
    const char *s1[] = { resource, NULL, NULL, NULL,
                         broken->host ? broken->host : "", expired };
    int64_t i1[] = { 0, fence, broken->run, broken->pid, 0, 0 };
    static const char *const k2[] = { "resource", "fence", "by_run", "by_pid",
                                      "by_host" };
    const char *s2[] = { resource, NULL, NULL, NULL, host ? host : "" };
    int64_t i2[] = { 0, fence, run, pid, 0 };
    mine = lock_data(k1, s1, i1, 6);
    theirs = lock_data(k2, s2, i2, 5);
    if (mine && theirs) {
        st = store_event_write(s, run, "lock-broken", NULL, NULL, mine, 0);
        if (st == MIG_OK)
            st = store_event_write(s, broken->run, "lock-broken", NULL,
                                   NULL, theirs, 1);
    }
    val_unref(mine);
    val_unref(theirs);
    return st;
}

/* Ends the transaction of a take that wrote nothing or failed without
 * failing the store. */
static void abandon(store_t *s, const char *what)
{
    if (s->in_txn && !s->sticky) {
        store_exec(s, STORE_SQL_ROLLBACK, what);
        s->in_txn = false;
    }
}

mig_status_t store_lock_acquire(store_t *s, const char *resource, int64_t run,
                                int64_t pid, const char *host, int64_t ttl_ms,
                                bool brk, store_lock_t *holder, int64_t *fence)
{
    static const char what[] = "take the lock";
    *fence = 0;
    mig_status_t st = store_flush(s);
    bool same = s->fence_resource && strcmp(s->fence_resource, resource) == 0;
    if (st == MIG_OK)
        st = store_write_begin(s, what, !same);
    store_lock_t cur = { 0 };
    bool found = false;
    if (st == MIG_OK)
        st = store_lock_read(s, resource, &cur, &found);
    if (st != MIG_OK) {
        abandon(s, what);
        return st;
    }
    int64_t now = store_now_ms();
    bool other = found && cur.run != 0 && cur.run != run;
    /* One process per run: RUN's own lock held by another process that
     * is alive (as store_run_liveness decides, but read inside this
     * transaction, so that of a resume and a rollback started together
     * only one takes it) is refused, --break-lock or not. */
    bool twin = found && cur.run == run && cur.pid != pid
                && cur.expires_ms >= now
                && store_process_alive(cur.pid, cur.host);
    if (twin || (other && (cur.expires_ms >= now || !brk))) {
        /* Held, or expired without leave to break it: refused, nothing
         * written. */
        if (holder)
            *holder = cur;      /* the caller clears it */
        else
            store_lock_clear(&cur);
        abandon(s, what);
        return MIG_EINVALID;
    }
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, found ? STORE_SQL_LOCK_TAKE
                                          : STORE_SQL_LOCK_INSERT, &fresh);
    st = q ? MIG_OK : s->sticky ? s->sticky : MIG_EIO;
    if (q) {
        store_bind_str(q, 1, resource);
        sqlite3_bind_int64(q, 2, run);
        sqlite3_bind_int64(q, 3, pid);
        store_bind_str(q, 4, host);
        sqlite3_bind_int64(q, 5, now);
        sqlite3_bind_int64(q, 6, now + ttl_ms);
        int64_t f = 1;
        st = store_write_step(s, q, fresh, what, &f);
        if (st == MIG_OK)
            st = lock_events(s, resource, run, pid, host, f,
                             other ? &cur : NULL);
        if (st == MIG_OK && (st = store_flush(s)) == MIG_OK)
            *fence = f;
    }
    store_lock_clear(&cur);
    if (st != MIG_OK)
        abandon(s, what);   /* a constraint (RUN unknown): take nothing */
    return st;
}

mig_status_t store_lock_heartbeat(store_t *s, const char *resource,
                                  int64_t fence, int64_t ttl_ms)
{
    static const char what[] = "renew the lock";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_LOCK_HEARTBEAT, what, &fresh, &st);
    if (!q)
        return st;
    int64_t now = store_now_ms();
    store_bind_str(q, 1, resource);
    sqlite3_bind_int64(q, 2, fence);
    sqlite3_bind_int64(q, 3, now);
    sqlite3_bind_int64(q, 4, now + ttl_ms);
    st = store_write_step(s, q, fresh, what, NULL);
    if (st == MIG_OK && sqlite3_changes(s->db) == 0) {
        /* Commit what is pending all the same: it was written under a
         * lock that was still ours (or with no fence asked for). */
        store_lost_lock(s, resource, fence);
        store_flush(s);
        return MIG_EINVALID;
    }
    return st == MIG_OK ? store_flush(s) : st;
}

mig_status_t store_lock_release(store_t *s, const char *resource,
                                int64_t fence)
{
    static const char what[] = "release the lock";
    mig_status_t st = store_flush(s);
    bool fresh;
    sqlite3_stmt *q = st != MIG_OK ? NULL
        : store_write_prepare(s, STORE_SQL_LOCK_RELEASE, what, &fresh, &st);
    if (!q)
        return st;
    store_bind_str(q, 1, resource);
    sqlite3_bind_int64(q, 2, fence);
    st = store_write_step(s, q, fresh, what, NULL);
    if (st == MIG_OK && sqlite3_changes(s->db) == 0) {
        store_lost_lock(s, resource, fence);
        store_flush(s);
        return MIG_EINVALID;
    }
    if (st == MIG_OK)
        st = store_flush(s);
    /* A run that let its lock go is no longer fenced by it. */
    if (st == MIG_OK && s->fence_resource && s->fence == fence
        && strcmp(s->fence_resource, resource) == 0)
        store_fence(s, NULL, 0);
    return st;
}
