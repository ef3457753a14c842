/* registry_sqlite_int.h: what the SQLite store's two files share:
 * registry_sqlite.c (connections, batches, the schema, the records) and
 * registry_sqlite_state.c (the state hash: its schema step, the writer
 * mark, and reading the hashes). Nothing else includes it. */
#ifndef MIG_REGISTRY_SQLITE_INT_H
#define MIG_REGISTRY_SQLITE_INT_H

#include <sqlite3.h>

#include "registry_int.h"

/* The statements of a store, each prepared on first use and kept with
 * its connection: per kind (tools, servers, backends), a get, an insert,
 * a delete, a read by alias and a read of the state hash. */
enum { Q_GET, Q_PUT, Q_DELETE, Q_ALIAS, Q_STATE, Q_COUNT };
#define REG_KINDS 3

struct reg_store {
    sqlite3 *db;
    int version;            /* the file's schema version (older: read only) */
    sqlite3_stmt *q[REG_KINDS][Q_COUNT];
    bool kept;              /* kept open (registry_sqlite.c): close leaves it */
    bool wal;               /* set up for writing: WAL, synchronous NORMAL */
    bool full;              /* synchronous FULL (--durability full) */
    bool batch;             /* a transaction left open (commit_batches) */
    bool reading;           /* that transaction has only read (BEGIN) */
    int vouch;              /* the state hash's triggers are all there
                             * (1) or not (0); -1: not yet checked in the
                             * open transaction (registry_sqlite_state.c) */
};

/* Statement WHICH of KIND's table, prepared once (reset before it is
 * given); NULL when it cannot be prepared (SQLite's reason in S->db). */
sqlite3_stmt *registry_sqlite_statement(reg_store_t *s, const char *kind,
                                        int which);
/* Statement WHICH of KIND's table (registry_sqlite_statement) into *Q,
 * its ?1 bound to KEY (held until the statement is reset), stepped once:
 * what the step returned (SQLITE_ROW, SQLITE_DONE, an error), or *Q NULL
 * when it cannot be prepared. */
int registry_sqlite_lookup(reg_store_t *s, const char *kind, int which,
                           const char *key, sqlite3_stmt **q);
/* Before a read of S for C: opens a read batch (registry_sqlite.c,
 * "Batches"), so that the reads until the journal's next commit share
 * one read transaction. */
void registry_sqlite_read_batch(action_ctx_t *c, reg_store_t *s);
/* Fails C with InvalidConfig: "registry: WHAT: " and SQLite's reason. */
mig_status_t registry_sqlite_fail(action_ctx_t *c, sqlite3 *db,
                                  const char *what);

/* ---- the state hash (registry_sqlite_state.c) --------------------------- */

/* The upgrade step to version 3: the column and its triggers, SQL
 * appended to B. */
void registry_sqlite_upgrade_state(strbuf_t *b);
/* Marks DB's writes as mig's own (they keep their state hash). */
void registry_sqlite_writer(sqlite3 *db);
/* The get_state and get_states of reg_store_ops_t. */
mig_status_t registry_sqlite_get_state(action_ctx_t *c, reg_store_t *s,
                                       const char *kind, const char *name,
                                       char hex[BLOB_HEX], int *found);
mig_status_t registry_sqlite_get_states(action_ctx_t *c, reg_store_t *s,
                                        const char *kind,
                                        const char *const *names,
                                        const size_t *lens, size_t n,
                                        char (*hex)[BLOB_HEX], int *found);

#endif
