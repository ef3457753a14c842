/* store_audit.c: the audit trail's rows in the state store (the tables
 * audit and audit_head, docs/state.md). What an entry holds, how it is
 * chained and signed, and how the chain is verified are runtime/audit.c's
 * and audit_verify.c's; this file only reads and writes the rows. */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

/* Copies column COL of Q (text, or "" for NULL) into DST of CAP bytes. */
static void copy_col(sqlite3_stmt *q, int col, char *dst, size_t cap)
{
    const char *t = store_column_text(q, col);
    snprintf(dst, cap, "%s", t ? t : "");
}

/* The write transaction begun (not fenced: the trail is written whoever
 * holds a lock), then the cached statement ID; NULL with *ST set when
 * either failed. */
static sqlite3_stmt *write_prepare(store_t *s, store_stmt_id_t id,
                                   const char *what, bool *fresh,
                                   mig_status_t *st)
{
    *st = store_write_begin(s, what, false);
    sqlite3_stmt *q = *st == MIG_OK ? store_stmt(s, id, fresh) : NULL;
    if (!q && *st == MIG_OK)
        *st = s->sticky ? s->sticky : MIG_EIO;
    return q;
}

mig_status_t store_audit_tail(store_t *s, int64_t *seq, char hash[65])
{
    *seq = 0;
    hash[0] = '\0';
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q = write_prepare(s, STORE_SQL_AUDIT_TAIL, "append to the "
                                    "audit trail", &fresh, &st);
    if (!q)
        return st;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(q, 0);
        copy_col(q, 1, hash, 65);
    } else if (rc != SQLITE_DONE) {
        st = store_sql_fail(s, rc, "read the audit trail");
    }
    store_stmt_done(q, fresh);
    return st;
}

mig_status_t store_audit_put(store_t *s, const store_audit_t *e)
{
    static const char what[] = "append to the audit trail";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q = write_prepare(s, STORE_SQL_AUDIT_INSERT, what, &fresh,
                                    &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, e->seq);
    sqlite3_bind_int64(q, 2, e->at_ms);
    store_bind_str(q, 3, e->user);
    store_bind_str(q, 4, e->host);
    sqlite3_bind_int64(q, 5, e->pid);
    store_bind_str(q, 6, e->action);
    if (e->run)
        sqlite3_bind_int64(q, 7, e->run);
    else
        sqlite3_bind_null(q, 7);
    store_bind_str(q, 8, e->plan_digest);
    store_bind_str(q, 9, e->config_digest);
    store_bind_str(q, 10, e->detail);
    store_bind_str(q, 11, e->outcome);
    store_bind_str(q, 12, e->key_id);
    store_bind_str(q, 13, e->prev);
    store_bind_str(q, 14, e->hash);
    return store_write_step(s, q, fresh, what, NULL);
}

mig_status_t store_audit_head_put(store_t *s, const store_audit_head_t *h)
{
    static const char what[] = "sign the audit trail's head";
    bool fresh;
    mig_status_t st;
    sqlite3_stmt *q = write_prepare(s, STORE_SQL_AUDIT_HEAD_PUT, what, &fresh,
                                    &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, h->seq);
    store_bind_str(q, 2, h->hash);
    store_bind_str(q, 3, h->key_id);
    store_bind_str(q, 4, h->signature);
    sqlite3_bind_int64(q, 5, h->at_ms);
    return store_write_step(s, q, fresh, what, NULL);
}

mig_status_t store_audit_head_get(store_t *s, store_audit_head_t *h,
                                  bool *found)
{
    memset(h, 0, sizeof(*h));
    *found = false;
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_AUDIT_HEAD_GET, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    mig_status_t st = MIG_OK;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        h->seq = sqlite3_column_int64(q, 0);
        copy_col(q, 1, h->hash, sizeof h->hash);
        copy_col(q, 2, h->key_id, sizeof h->key_id);
        copy_col(q, 3, h->signature, sizeof h->signature);
        h->at_ms = sqlite3_column_int64(q, 4);
        *found = true;
    } else if (rc != SQLITE_DONE) {
        st = store_sql_report(s, rc, "read the audit trail's head",
                              sqlite3_errmsg(s->db));
    }
    store_stmt_done(q, fresh);
    return st;
}

mig_status_t store_audit_each(store_t *s, int64_t since_ms,
                              bool (*fn)(void *data, const store_audit_t *e),
                              void *data)
{
    bool fresh;
    sqlite3_stmt *q = store_stmt(s, STORE_SQL_AUDIT_EACH, &fresh);
    if (!q)
        return s->sticky ? s->sticky : MIG_EIO;
    sqlite3_bind_int64(q, 1, since_ms);
    int rc;
    s->iterating++;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        store_audit_t e = {
            .seq = sqlite3_column_int64(q, 0),
            .at_ms = sqlite3_column_int64(q, 1),
            .user = store_column_text(q, 2), .host = store_column_text(q, 3),
            .pid = sqlite3_column_int64(q, 4),
            .action = store_column_text(q, 5),
            .run = sqlite3_column_int64(q, 6),
            .plan_digest = store_column_text(q, 7),
            .config_digest = store_column_text(q, 8),
            .detail = store_column_text(q, 9),
            .outcome = store_column_text(q, 10),
            .key_id = store_column_text(q, 11),
            .prev = store_column_text(q, 12), .hash = store_column_text(q, 13),
        };
        if (!fn(data, &e))
            break;
    }
    s->iterating--;
    mig_status_t st = MIG_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = store_sql_report(s, rc, "read the audit trail",
                              sqlite3_errmsg(s->db));
    store_stmt_done(q, fresh);
    return st;
}
