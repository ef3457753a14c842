/* store_process.c: the processes a run's commands started (exec.run),
 * kept so that a resume or a rollback after a crash can find a command
 * still running, stop it, and tell a command that began from one that
 * never did. docs/state.md, "processes". */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {
    [STORE_PROC_EFFECT] = "effect",
    [STORE_PROC_UNDO] = "undo",
};

void store_process_clear(store_process_t *p)
{
    free(p->host);
    memset(p, 0, sizeof(*p));
}

mig_status_t store_process_put(store_t *s, int64_t run,
                               const store_process_t *p)
{
    static const char what[] = "journal a command's process";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_PROCESS_PUT, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, p->seq);
    store_bind_str(q, 3, role_names[p->role]);
    sqlite3_bind_int64(q, 4, p->pid);
    sqlite3_bind_int64(q, 5, p->pgid);
    sqlite3_bind_int64(q, 6, p->start_ticks);
    store_bind_str(q, 7, p->host ? p->host : "");
    sqlite3_bind_int64(q, 8, p->started_ms ? p->started_ms : store_now_ms());
    st = store_write_step(s, q, fresh, what, NULL);
    return store_write_end(s, st);
}

mig_status_t store_process_get(store_t *s, int64_t run, int64_t seq,
                               store_proc_role_t role, store_process_t *p,
                               bool *found)
{
    memset(p, 0, sizeof(*p));
    *found = false;
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_PROCESS_GET, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, seq);
    store_bind_str(q, 3, role_names[role]);
    mig_status_t st = MIG_OK;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const char *host = store_column_text(q, 3);
        *p = (store_process_t){ .seq = seq, .role = role,
                                .pid = sqlite3_column_int64(q, 0),
                                .pgid = sqlite3_column_int64(q, 1),
                                .start_ticks = sqlite3_column_int64(q, 2),
                                .host = strdup(host ? host : ""),
                                .started_ms = sqlite3_column_int64(q, 4) };
        if (!p->host) {
            diag_add(&s->diags, DIAG_ERROR, NULL, NULL, "out of memory");
            st = MIG_ENOMEM;
        }
        *found = st == MIG_OK;
    } else if (rc != SQLITE_DONE) {
        st = store_sql_report(s, rc, "read a command's process",
                              sqlite3_errmsg(s->db));
    }
    store_stmt_done(q, fresh);
    return st;
}

mig_status_t store_process_delete(store_t *s, int64_t run, int64_t seq,
                                  store_proc_role_t role)
{
    static const char what[] = "forget a command's process";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q =
        store_write_prepare(s, STORE_SQL_PROCESS_DELETE, what, &fresh, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, seq);
    store_bind_str(q, 3, role_names[role]);
    st = store_write_step(s, q, fresh, what, NULL);
    return store_write_end(s, st);
}
