/* registry_sqlite_state.c: the SQLite store's state hash (schema
 * version 3, docs/registry.md "The state hash"): the column and the
 * triggers that keep it honest, the mark of mig's own writes, and the
 * reads of one hash or of many (what a rollback compares). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry_sqlite_int.h"

/* ---- The state hash ----------------------------------------------------------
 * Version 3: beside its text, a record's state hash (`state_hash`: the
 * BLAKE2b-256 of `json`, hex), written by mig's put in the same INSERT, so
 * that a rollback compares it rather than reading and hashing each
 * record's text again. The column is worth that only if no other write
 * can leave it standing beside a text it is not the hash of: so a trigger
 * on every INSERT and UPDATE of a record clears it (the record is then
 * read and hashed as before) unless the write is mig's own, told by a
 * function only mig's connections answer yes to (WRITER_SQL: SQLite's
 * sqlite_compileoption_used, which mig's connections overload, writer_fn;
 * any other program's answers no). A plain SQL UPDATE of the text, of the
 * hash or of both, or an INSERT of a row, clears it; a file whose triggers
 * are not all there is not vouched for (vouch_check). Rows of a file
 * upgraded from version 2 have none until mig puts them again. */
#define WRITER_OPTION "MIG_REGISTRY_WRITER"
#define WRITER_SQL "sqlite_compileoption_used('" WRITER_OPTION "')"
#define STATE_TRIGGERS 6    /* an insert and an update one per kind */

void registry_sqlite_upgrade_state(strbuf_t *b)
{
    for (size_t i = 0; registry_kind_at(i); i++) {
        const char *t = registry_kind_table(registry_kind_at(i));
        strbuf_printf(b, "ALTER TABLE %s ADD COLUMN state_hash TEXT;", t);
        static const char *const ops[] = { "INSERT", "UPDATE" };
        for (size_t k = 0; k < 2; k++)
            strbuf_printf(b, "CREATE TRIGGER %s_state_%s AFTER %s ON %s "
                          "WHEN NEW.state_hash IS NOT NULL AND NOT "
                          WRITER_SQL " BEGIN UPDATE %s SET state_hash = NULL "
                          "WHERE rowid = NEW.rowid; END;", t,
                          k ? "update" : "insert", ops[k], t, t);
    }
}

/* sqlite_compileoption_used on mig's connections: SQLite's own answer,
 * and yes for WRITER_OPTION. */
static void writer_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *opt = (const char *)sqlite3_value_text(argv[0]);
    sqlite3_result_int(ctx, opt && (strcmp(opt, WRITER_OPTION) == 0
                                    || sqlite3_compileoption_used(opt)));
}

void registry_sqlite_writer(sqlite3 *db)
{
    sqlite3_create_function(db, "sqlite_compileoption_used", 1,
                            SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            writer_fn, NULL, NULL);
}

/* Whether DB's state hashes can be vouched for: its schema has the
 * column and every trigger that keeps it. */
static bool vouch(sqlite3 *db)
{
    sqlite3_stmt *q = NULL;
    bool ok = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master "
                                 "WHERE type = 'trigger' AND name GLOB "
                                 "'*_state_*' AND instr(sql, 'SET state_hash "
                                 "= NULL') AND instr(sql, '" WRITER_OPTION
                                 "')", -1, &q, NULL)
              == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW
              && sqlite3_column_int(q, 0) == STATE_TRIGGERS;
    sqlite3_finalize(q);
    return ok;
}

/* Whether S's hashes can be vouched for now: checked once in the
 * transaction open on S (a batch: the schema cannot change under it),
 * and before each statement outside one (another program may have
 * dropped a trigger since the last). */
static bool vouched(reg_store_t *s)
{
    if (s->vouch < 0 || sqlite3_get_autocommit(s->db))
        s->vouch = s->version >= 3 && vouch(s->db);
    return s->vouch > 0;
}

/* The state hash kept with KIND NAME, when S vouches for it. */
mig_status_t registry_sqlite_get_state(action_ctx_t *c, reg_store_t *s,
                                       const char *kind, const char *name,
                                       char hex[BLOB_HEX], int *found)
{
    *found = REG_STATE_NONE;
    registry_sqlite_read_batch(c, s);
    if (!vouched(s))
        return MIG_OK;
    sqlite3_stmt *q;
    int rc = registry_sqlite_lookup(s, kind, Q_STATE, name, &q);
    if (!q)
        return registry_sqlite_fail(c, s->db, "get");
    mig_status_t st = MIG_OK;
    if (rc == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(q, 0);
        if (h && sqlite3_column_bytes(q, 0) == BLOB_HEX - 1) {
            memcpy(hex, h, BLOB_HEX);
            *found = REG_STATE_KEPT;
        }
    } else if (rc == SQLITE_DONE)
        *found = REG_STATE_ABSENT;
    else
        st = registry_sqlite_fail(c, s->db, "get");
    sqlite3_reset(q);
    return st;
}

/* A name of get_states, as they are sorted, and where it was. */
typedef struct sorted_name {
    const char *name;
    size_t len, at;
} sorted_name_t;

/* Bytewise, as SQLite's BINARY collation orders the names. */
static int cmp_names(const void *a, const void *b)
{
    const sorted_name_t *x = a, *y = b;
    int c = memcmp(x->name, y->name, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The state hashes of the records NAMES of KIND: one scan of the names'
 * index from the first of them, sorted, merged with the rows. */
mig_status_t registry_sqlite_get_states(action_ctx_t *c, reg_store_t *s,
                                        const char *kind,
                                        const char *const *names,
                                        const size_t *lens, size_t n,
                                        char (*hex)[BLOB_HEX], int *found)
{
    for (size_t i = 0; i < n; i++)
        found[i] = REG_STATE_NONE;
    if (!n)
        return MIG_OK;
    registry_sqlite_read_batch(c, s);
    if (!vouched(s))
        return MIG_OK;
    sorted_name_t *v = malloc(n * sizeof *v);
    if (!v)
        return MIG_ENOMEM;
    for (size_t i = 0; i < n; i++)
        v[i] = (sorted_name_t){ names[i], lens[i], i };
    qsort(v, n, sizeof *v, cmp_names);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT name, state_hash FROM %s WHERE name >= "
             "?1 ORDER BY name", registry_kind_table(kind));
    sqlite3_stmt *q = NULL;
    int rc = SQLITE_ERROR;
    size_t i = 0, skip = n + REGISTRY_STATES_SKIP_MIN;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, v[0].name, (int)v[0].len, SQLITE_STATIC);
        rc = sqlite3_step(q);
    }
    /* Each found only once the scan has ended well (a failed step leaves
     * them all to be read one by one). */
    int *got = calloc(n, sizeof *got);
    while (got && i < n && rc == SQLITE_ROW) {
        sorted_name_t row = { (const char *)sqlite3_column_text(q, 0),
                              (size_t)sqlite3_column_bytes(q, 0), 0 };
        int cmp = row.name ? cmp_names(&v[i], &row) : 1;
        if (cmp < 0) {          /* no such record */
            got[v[i++].at] = REG_STATE_ABSENT;
            continue;
        }
        if (cmp == 0) {
            const char *h = (const char *)sqlite3_column_text(q, 1);
            if (h && sqlite3_column_bytes(q, 1) == BLOB_HEX - 1) {
                memcpy(hex[v[i].at], h, BLOB_HEX);
                got[v[i].at] = REG_STATE_KEPT;
            }
            i++;
        } else if (!skip--)
            break;              /* the rest read one by one */
        rc = sqlite3_step(q);
    }
    /* Past the last row: the names left have no record. */
    for (; got && rc == SQLITE_DONE && i < n; i++)
        got[v[i].at] = REG_STATE_ABSENT;
    for (size_t k = 0; got && (rc == SQLITE_ROW || rc == SQLITE_DONE)
                       && k < n; k++)
        found[k] = got[k];
    sqlite3_finalize(q);
    free(v);
    if (!got)
        return MIG_ENOMEM;
    free(got);
    return MIG_OK;
}
