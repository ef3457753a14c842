/* registry_sqlite.c: the SQLite store of the V2 registry (a path ending
 * in .db): a table per record kind (tools, servers, backends) holding the
 * descriptor's canonical JSON beside its name, digest and status, an
 * index of the records' aliases kept by triggers, and a meta table with
 * the schema version: an older one is upgraded when the file is first
 * written, a newer one refused. A connection that writes is kept open for
 * the next call (see "Connections kept open"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "registry_sqlite_int.h"

/* ---- Connections kept open ------------------------------------------------
 * A run puts thousands of records, one call each. Opening the database,
 * checking its schema and closing it for every call cost two synced
 * commits a record; so a connection stays open (one that only reads
 * too, when the file can be opened for writing: a rollback reads every
 * record it undoes), a writing one in WAL mode
 * with synchronous = NORMAL (a commit survives a killed process; the
 * state store's journal, committed before each put, says what to check
 * after a power cut: docs/registry.md), and is found again by its path
 * and inode (a file deleted or replaced since is opened anew; a
 * descriptor held on the file keeps its inode from being reused by a new
 * file at that path). At exit
 * every kept connection is closed, which checkpoints its WAL into the
 * file and removes the WAL. */
#define REG_KEPT 8
static struct kept {
    char *path;
    int fd;                 /* held on the file, so its inode stays its own */
    dev_t dev;
    ino_t ino;
    reg_store_t *s;
} kept[REG_KEPT];
static size_t n_kept;

/* Commits the transaction S was left with (a rollback's batch); a
 * failed commit is rolled back, and its reason goes to *WHY. */
static mig_status_t end_batch(reg_store_t *s, char **why)
{
    if (!s->batch)
        return MIG_OK;
    s->batch = s->reading = false;
    if (sqlite3_exec(s->db, "COMMIT;", NULL, NULL, NULL) == SQLITE_OK)
        return MIG_OK;
    const char *m = sqlite3_errmsg(s->db);
    size_t n = strlen(m) + 64;
    if (why && (*why = malloc(n)) != NULL)
        snprintf(*why, n, "Unavailable: registry: the commit failed: %s", m);
    sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
    return MIG_EIO;
}

/* Closes S's statements and connection (committing its batch first), and
 * frees it. */
static void store_free(reg_store_t *s)
{
    end_batch(s, NULL);
    for (int k = 0; k < REG_KINDS; k++)
        for (int w = 0; w < Q_COUNT; w++)
            sqlite3_finalize(s->q[k][w]);
    sqlite3_close(s->db);
    free(s);
}

static void close_kept(size_t i)
{
    store_free(kept[i].s);
    close(kept[i].fd);
    free(kept[i].path);
    memmove(&kept[i], &kept[i + 1], (n_kept - i - 1) * sizeof *kept);
    n_kept--;
}

static void close_all_kept(void)
{
    while (n_kept)
        close_kept(n_kept - 1);
}

/* The kept connection to the file at ABS, or NULL (a kept one whose file
 * is gone or replaced is closed). The file's identity is checked (a
 * stat of ABS) when no transaction is open on the connection: one left
 * open (a batch, below) was begun on the file checked then, and the
 * calls until its commit use it as it is, without a stat each (a
 * rollback's state reads and undos, a run's puts, between two commits of
 * the journal). */
static reg_store_t *find_kept(const char *abs)
{
    for (size_t i = 0; i < n_kept; i++) {
        if (strcmp(kept[i].path, abs) != 0)
            continue;
        struct stat st;
        if (kept[i].s->batch
            || (stat(abs, &st) == 0 && st.st_dev == kept[i].dev
                && st.st_ino == kept[i].ino))
            return kept[i].s;
        close_kept(i);
        return NULL;
    }
    return NULL;
}

/* ---- Batches: many writes in one transaction -------------------------------
 * A commit per record was most of what a run's puts and a rollback's
 * undos cost. So a write given a context that may defer its commit
 * (runtime.h, actx_defer_commit) opens a transaction on the kept
 * connection and leaves it open; the writes after it go into the same
 * one, and commit_batches commits it when the runtime asks:
 * - in a run, right before the journal's next commit, the one that
 *   records those puts done (a crash before it leaves them intents
 *   whose effect is not there: run again on resume, nothing to undo);
 * - in a rollback, which undoes its run's puts newest first, before the
 *   journal marks a stretch of them undone (until then a crash leaves
 *   them pending, to be undone again: an undo done twice is done once).
 * A write in a batch a run left open (a run's own rollback) asks for the
 * commit again, so that the rollback's wait commits it. */
static mig_status_t commit_batches(char **why)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; i < n_kept; i++) {
        char *w = NULL;
        if (end_batch(kept[i].s, &w) != MIG_OK && st == MIG_OK) {
            st = MIG_EIO;
            *why = w;
            w = NULL;
        }
        free(w);
    }
    return st;
}

/* Opens a batch on S, unless one is open, when C may defer its commit
 * (and S is kept); otherwise the write commits itself. A batch that has
 * only read (read_batch) is committed first: a write begins its own
 * transaction (BEGIN IMMEDIATE, which waits for another writer), never
 * turns a read one into a write one (which fails at once when another
 * process wrote since the read began). */
static void begin_batch(action_ctx_t *c, reg_store_t *s)
{
    if (s->reading)
        end_batch(s, NULL);
    if (!s->kept || (!s->batch && !sqlite3_get_autocommit(s->db))
        || !actx_defer_commit(c, commit_batches) || s->batch)
        return;
    s->batch = sqlite3_exec(s->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL)
               == SQLITE_OK;
    if (s->batch)       /* checked as this transaction sees the schema */
        s->vouch = -1;
}

/* Before a read of S for C: opens a read batch (BEGIN), unless a batch
 * is open, when C may defer its commit (and S is kept), so that the
 * reads until the journal's next commit (a rollback reads the state of
 * every record it checks or verifies) share one read transaction rather
 * than take and drop SQLite's locks for each. Otherwise each read is its
 * own transaction, as before. */
void registry_sqlite_read_batch(action_ctx_t *c, reg_store_t *s)
{
    if (!s->kept || s->batch || !sqlite3_get_autocommit(s->db)
        || !actx_defer_commit(c, commit_batches))
        return;
    s->batch = s->reading = sqlite3_exec(s->db, "BEGIN;", NULL, NULL, NULL)
                            == SQLITE_OK;
    if (s->batch)       /* checked as this transaction sees the schema */
        s->vouch = -1;
}

/* Keeps S (open on ABS) for the next calls; when it cannot, S stays a
 * connection closed after use. */
static void keep(const char *abs, reg_store_t *s)
{
    static bool registered;
    struct stat st;
    char *path = strdup(abs);
    int fd = path ? open(abs, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0 || fstat(fd, &st) != 0 ||
        (!registered && atexit(close_all_kept))) {
        if (fd >= 0)
            close(fd);
        free(path);
        return;
    }
    registered = true;
    if (n_kept == REG_KEPT)
        close_kept(0);
    kept[n_kept++] = (struct kept){ .path = path, .fd = fd, .dev = st.st_dev,
                                    .ino = st.st_ino, .s = s };
    s->kept = true;
}

static bool sqlite_fits(const char *path)
{
    size_t n = strlen(path);
    return n > 3 && strcmp(path + n - 3, ".db") == 0;
}

mig_status_t registry_sqlite_fail(action_ctx_t *c, sqlite3 *db,
                                  const char *what)
{
    return actx_fail(c, "InvalidConfig", "registry: %s: %s", what,
                     db ? sqlite3_errmsg(db) : "out of memory");
}

/* ---- The schema and its upgrades ------------------------------------------
 * Version 1 is the records' tables and meta; each later version is one
 * step in upgrades[], applied in order in the one transaction that sets
 * a file up for writing, so a file of an older version is upgraded on
 * its first write (docs/registry.md, "The stores"). A file only read is
 * read as its version is: one older than REGISTRY_SQLITE_VERSION has no
 * alias index, and a read by alias scans its records instead. */
static const char *const base_sql =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tools(name TEXT PRIMARY KEY, json TEXT NOT NULL,"
    " digest TEXT NOT NULL, status TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS servers(name TEXT PRIMARY KEY, json TEXT NOT NULL,"
    " digest TEXT NOT NULL, status TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS backends(name TEXT PRIMARY KEY, json TEXT NOT NULL,"
    " digest TEXT NOT NULL, status TEXT NOT NULL);"
    "INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '1');";

/* The strings of the list `aliases` in the JSON text of the column X of
 * a record row, as the rows of a json_each: a row whose text is not JSON
 * has none, and one whose text never spells "aliases" is not parsed
 * (most records have none). Filter with ALIAS_ROWS. */
#define ALIASES_OF(x)                                                      \
    "json_each(CASE WHEN instr(" x ", '\"aliases\"') AND json_valid(" x ")" \
    " THEN " x " ELSE '{}' END, '$.aliases')"
/* The rows of ALIASES_OF that are strings of a list (not a scalar or an
 * object's members given for `aliases`). */
#define ALIAS_ROWS(j) j ".type = 'text' AND typeof(" j ".key) = 'integer'"

/* Version 2, the alias index: a row (kind, alias, name) for each string
 * of each record's aliases, kept by triggers on every insert, update and
 * delete of a record (whoever writes it, in that write's transaction),
 * and filled from the records there. */
static void upgrade_aliases(strbuf_t *b)
{
    strbuf_puts(b, "CREATE TABLE aliases(kind TEXT NOT NULL, alias TEXT NOT "
                "NULL, name TEXT NOT NULL, PRIMARY KEY(kind, alias, name)) "
                "WITHOUT ROWID;"
                "CREATE INDEX aliases_by_name ON aliases(kind, name);");
    for (size_t i = 0; registry_kind_at(i); i++) {
        const char *k = registry_kind_at(i), *t = registry_kind_table(k);
        /* The statements that index the record NEW. */
        char add[512];
        snprintf(add, sizeof add, "INSERT OR IGNORE INTO aliases(kind, alias, "
                 "name) SELECT '%s', j.value, NEW.name FROM "
                 ALIASES_OF("NEW.json") " AS j WHERE " ALIAS_ROWS("j") ";", k);
        strbuf_printf(b, "CREATE TRIGGER %s_aliases_insert AFTER INSERT ON %s "
                      "BEGIN DELETE FROM aliases WHERE kind = '%s' AND name = "
                      "NEW.name; %s END;", t, t, k, add);
        strbuf_printf(b, "CREATE TRIGGER %s_aliases_update AFTER UPDATE ON %s "
                      "BEGIN DELETE FROM aliases WHERE kind = '%s' AND name = "
                      "OLD.name; %s END;", t, t, k, add);
        strbuf_printf(b, "CREATE TRIGGER %s_aliases_delete AFTER DELETE ON %s "
                      "BEGIN DELETE FROM aliases WHERE kind = '%s' AND name = "
                      "OLD.name; END;", t, t, k);
        strbuf_printf(b, "INSERT OR IGNORE INTO aliases(kind, alias, name) "
                      "SELECT '%s', j.value, r.name FROM %s AS r, "
                      ALIASES_OF("r.json") " AS j WHERE " ALIAS_ROWS("j") ";",
                      k, t);
    }
}

/* The upgrade steps: upgrades[i] takes a file from version i + 1 to
 * i + 2, appending its SQL to the buffer it is given. */
static void (*const upgrades[])(strbuf_t *b) = {
    upgrade_aliases, registry_sqlite_upgrade_state };
static_assert(sizeof upgrades / sizeof *upgrades
              == REGISTRY_SQLITE_VERSION - 1, "one upgrade step a version");

/* The schema version DB holds, or -1 when it has no meta table or no
 * version in it (not a registry, or damaged). */
static int schema_version(sqlite3 *db)
{
    sqlite3_stmt *q = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = "
                           "'schema_version'", -1, &q, NULL) == SQLITE_OK
        && sqlite3_step(q) == SQLITE_ROW)
        version = atoi((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return version;
}

/* The refusal of the file ABS: of a VERSION newer than this mig's, or
 * (VERSION < 1) no registry or damaged, with SQLite's reason. */
static mig_status_t refuse(action_ctx_t *c, sqlite3 *db, const char *abs,
                           int version)
{
    if (version > REGISTRY_SQLITE_VERSION)
        return actx_fail(c, "InvalidConfig", "registry: '%s' has schema "
                         "version %d; this mig knows version %d", abs,
                         version, REGISTRY_SQLITE_VERSION);
    return actx_fail(c, "InvalidConfig", "registry: '%s' is not a registry "
                     "database or is damaged: %s", abs, sqlite3_errmsg(db));
}

/* Sets DB (the file ABS) up for writing in one transaction: the tables
 * of version 1 where missing, then each upgrade step after the version it
 * holds; *VERSION gets REGISTRY_SQLITE_VERSION. Refused (nothing written)
 * as refuse says. */
static mig_status_t set_up(action_ctx_t *c, sqlite3 *db, const char *abs,
                           int *version)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) != SQLITE_OK)
        return refuse(c, db, abs, -1);
    int v = sqlite3_exec(db, base_sql, NULL, NULL, NULL) == SQLITE_OK
        ? schema_version(db) : -1;
    strbuf_t b;
    strbuf_init(&b);
    for (int at = v; at >= 1 && at < REGISTRY_SQLITE_VERSION; at++)
        upgrades[at - 1](&b);
    if (v >= 1 && v < REGISTRY_SQLITE_VERSION)
        strbuf_printf(&b, "UPDATE meta SET value = '%d' WHERE key = "
                      "'schema_version';", REGISTRY_SQLITE_VERSION);
    mig_status_t st = b.oom ? MIG_ENOMEM : MIG_OK;
    if (st == MIG_OK && (v < 1 || v > REGISTRY_SQLITE_VERSION
                         || (b.data && sqlite3_exec(db, b.data, NULL, NULL,
                                                    NULL) != SQLITE_OK)))
        st = refuse(c, db, abs, v > REGISTRY_SQLITE_VERSION ? v : -1);
    strbuf_free(&b);
    if (st != MIG_OK) {
        sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
        return st;
    }
    if (sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        return registry_sqlite_fail(c, db, abs);
    *version = REGISTRY_SQLITE_VERSION;
    return MIG_OK;
}

/* Checks the schema of DB (the file ABS), setting it up first when WRITE
 * (set_up); *VERSION gets the version it holds. A reader takes any
 * version from 1 to this mig's; other files are refused as refuse says. */
static mig_status_t check_schema(action_ctx_t *c, sqlite3 *db,
                                 const char *abs, bool write, int *version)
{
    int v = schema_version(db);
    if (v == REGISTRY_SQLITE_VERSION
        || (!write && v >= 1 && v < REGISTRY_SQLITE_VERSION)) {
        *version = v;
        return MIG_OK;
    }
    if (!write || v > REGISTRY_SQLITE_VERSION)
        return refuse(c, db, abs, v);
    return set_up(c, db, abs, version);
}

/* S, opened to write for C: under --durability full every commit is
 * synced (synchronous FULL) as the run's own files are; NORMAL otherwise,
 * the state store's grouped durability. Once FULL, a kept connection
 * stays so. */
static void sync_as_run(action_ctx_t *c, reg_store_t *s)
{
    if (s->wal && !s->full && actx_durable(c))
        s->full = sqlite3_exec(s->db, "PRAGMA synchronous = FULL;", NULL,
                               NULL, NULL) == SQLITE_OK;
}

/* *S, a kept connection to ABS opened to read a file of an older schema,
 * now to write: the file is upgraded (set_up) and the statements that
 * read by alias prepared anew; *S NULL when that fails (reported). */
static mig_status_t upgrade_kept(action_ctx_t *c, const char *abs,
                                 reg_store_t **s)
{
    mig_status_t st = set_up(c, (*s)->db, abs, &(*s)->version);
    for (int k = 0; k < REG_KINDS; k++)
        for (int w = Q_ALIAS; w <= Q_STATE; w++) {
            sqlite3_finalize((*s)->q[k][w]);
            (*s)->q[k][w] = NULL;
        }
    (*s)->vouch = -1;
    if (st == MIG_OK)
        sync_as_run(c, *s);
    else
        *s = NULL;
    return st;
}

static mig_status_t sqlite_open(action_ctx_t *c, const char *abs,
                                reg_mode_t mode, reg_store_t **out)
{
    *out = find_kept(abs);
    if (*out && mode != REG_READ && !(*out)->wal)
        (*out)->wal = sqlite3_exec((*out)->db, "PRAGMA journal_mode = WAL; "
                                   "PRAGMA synchronous = NORMAL;", NULL,
                                   NULL, NULL) == SQLITE_OK;
    if (*out && mode != REG_READ && (*out)->version < REGISTRY_SQLITE_VERSION)
        return upgrade_kept(c, abs, out);
    if (*out) {
        if (mode != REG_READ)
            sync_as_run(c, *out);
        return MIG_OK;
    }
    sqlite3 *db = NULL;
    /* A reader opens the file for writing when it can, to be kept (it
     * writes nothing); else read-only. */
    int flags = mode == REG_CREATE ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
              : SQLITE_OPEN_READWRITE;
    int rc = sqlite3_open_v2(abs, &db, flags, NULL);
    if (rc != SQLITE_OK && mode == REG_READ && rc != SQLITE_CANTOPEN) {
        sqlite3_close(db);
        db = NULL;
        rc = sqlite3_open_v2(abs, &db, SQLITE_OPEN_READONLY, NULL);
    }
    bool writable = rc == SQLITE_OK && !sqlite3_db_readonly(db, "main");
    if (rc == SQLITE_CANTOPEN && mode != REG_CREATE) {
        sqlite3_close(db);
        return MIG_OK;
    }
    if (rc != SQLITE_OK) {
        mig_status_t st = registry_sqlite_fail(c, db, abs);
        sqlite3_close(db);
        return st;
    }
    sqlite3_busy_timeout(db, 5000);
    /* This connection's writes are mig's own: they keep their state hash
     * (upgrade_state). */
    registry_sqlite_writer(db);
    /* A rollback reads and removes records all over a large file: 64 MiB
     * of pages kept rather than SQLite's 2 MiB (docs/state.md). */
    sqlite3_exec(db, "PRAGMA cache_size = -65536; PRAGMA temp_store = "
                 "MEMORY", NULL, NULL, NULL);
    bool wal = mode != REG_READ &&
        sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = "
                     "NORMAL;", NULL, NULL, NULL) == SQLITE_OK;
    int version = 0;
    mig_status_t st = check_schema(c, db, abs, mode != REG_READ, &version);
    reg_store_t *s = st == MIG_OK ? calloc(1, sizeof *s) : NULL;
    if (st == MIG_OK && !s)
        st = MIG_ENOMEM;
    if (st != MIG_OK) {
        sqlite3_close(db);
        return st;
    }
    s->db = db;
    s->version = version;
    s->kept = false;
    s->wal = wal;
    s->vouch = -1;
    if (mode != REG_READ)
        sync_as_run(c, s);
    if (writable)
        keep(abs, s);
    *out = s;
    return MIG_OK;
}

static void sqlite_close(reg_store_t *s)
{
    if (s && !s->kept)
        store_free(s);
}

/* Statement WHICH of KIND's table, prepared once (reset before it is
 * given); NULL when it cannot be prepared (SQLite's reason in S->db). */
sqlite3_stmt *registry_sqlite_statement(reg_store_t *s, const char *kind,
                                        int which)
{
    static const char *const tables[REG_KINDS] = { "tools", "servers",
                                                   "backends" };
    const char *table = registry_kind_table(kind);
    int k = 0;
    while (k < REG_KINDS && strcmp(tables[k], table))
        k++;
    assert(k < REG_KINDS);
    if (s->q[k][which]) {
        sqlite3_reset(s->q[k][which]);
        sqlite3_clear_bindings(s->q[k][which]);
        return s->q[k][which];
    }
    char sql[512];
    if (which == Q_GET)
        snprintf(sql, sizeof sql, "SELECT json FROM %s WHERE name = ?1", table);
    else if (which == Q_ALIAS && s->version >= 2)
        snprintf(sql, sizeof sql, "SELECT r.name, r.json FROM aliases AS a "
                 "JOIN %s AS r ON r.name = a.name WHERE a.kind = '%s' AND "
                 "a.alias = ?1 ORDER BY a.name LIMIT 1", table, kind);
    else if (which == Q_ALIAS)      /* a file of version 1, only read */
        snprintf(sql, sizeof sql, "SELECT r.name, r.json FROM %s AS r, "
                 ALIASES_OF("r.json") " AS j WHERE " ALIAS_ROWS("j")
                 " AND j.value = ?1 ORDER BY r.name LIMIT 1", table);
    else if (which == Q_PUT)        /* written at version 3 only */
        snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO %s(name, json, "
                 "digest, status, state_hash) VALUES(?1, ?2, ?3, ?4, ?5)",
                 table);
    else if (which == Q_STATE)      /* read when vouched for only */
        snprintf(sql, sizeof sql, "SELECT state_hash FROM %s WHERE name = ?1",
                 table);
    else
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE name = ?1", table);
    if (sqlite3_prepare_v2(s->db, sql, -1, &s->q[k][which], NULL) != SQLITE_OK)
        return NULL;
    return s->q[k][which];
}

int registry_sqlite_lookup(reg_store_t *s, const char *kind, int which,
                           const char *key, sqlite3_stmt **q)
{
    if (!(*q = registry_sqlite_statement(s, kind, which)))
        return SQLITE_ERROR;
    sqlite3_bind_text(*q, 1, key, -1, SQLITE_STATIC);
    return sqlite3_step(*q);
}

static mig_status_t sqlite_get_text(action_ctx_t *c, reg_store_t *s,
                                    const char *kind, const char *name,
                                    char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    registry_sqlite_read_batch(c, s);
    sqlite3_stmt *q;
    int rc = registry_sqlite_lookup(s, kind, Q_GET, name, &q);
    if (!q)
        return registry_sqlite_fail(c, s->db, "get");
    mig_status_t st = MIG_OK;
    if (rc == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(q, 0);
        *len = (size_t)sqlite3_column_bytes(q, 0);
        *out = text ? strndup(text, *len) : strdup("");
        st = *out ? MIG_OK : MIG_ENOMEM;
    } else if (rc != SQLITE_DONE)
        st = registry_sqlite_fail(c, s->db, "get");
    sqlite3_reset(q);
    return st;
}

static mig_status_t sqlite_get(action_ctx_t *c, reg_store_t *s,
                               const char *kind, const char *name,
                               val_t **out)
{
    *out = NULL;
    char *text;
    size_t len;
    mig_status_t st = sqlite_get_text(c, s, kind, name, &text, &len);
    if (st == MIG_OK && text)
        st = registry_parse_text(c, text, len, name, out);
    free(text);
    return st;
}

static mig_status_t sqlite_set(action_ctx_t *c, reg_store_t *s,
                               const char *kind, const char *name,
                               const val_t *rec, char hash[BLOB_HEX])
{
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = rec ? registry_canonical(rec, &b) : MIG_OK;
    sqlite3_stmt *q = st == MIG_OK
        ? registry_sqlite_statement(s, kind, rec ? Q_PUT : Q_DELETE) : NULL;
    if (st == MIG_OK && !q)
        st = registry_sqlite_fail(c, s->db, "set");
    if (st == MIG_OK)
        begin_batch(c, s);
    if (st == MIG_OK) {
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        if (rec) {
            const char *dg = stdlib_arg_str(rec, "digest");
            const char *status = stdlib_arg_str(rec, "status");
            /* The text's hash: its state hash (upgrade_state). */
            blobs_hash(b.data ? b.data : "", b.len, hash);
            sqlite3_bind_text(q, 2, b.data ? b.data : "", (int)b.len,
                              SQLITE_STATIC);
            sqlite3_bind_text(q, 3, dg ? dg : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 4, status ? status : "active", -1,
                              SQLITE_STATIC);
            sqlite3_bind_text(q, 5, hash, -1, SQLITE_STATIC);
        }
        if (sqlite3_step(q) != SQLITE_DONE)
            st = registry_sqlite_fail(c, s->db, "set");
        else if (rec)
            registry_note_canonical(hash);
    }
    if (q)
        sqlite3_reset(q);     /* bindings point into B */
    strbuf_free(&b);
    return st;
}

/* The first record of KIND, by name, whose aliases list ALIAS: one
 * lookup in the alias index (a scan of the records in a file of version
 * 1, which is only read). */
static mig_status_t sqlite_get_alias(action_ctx_t *c, reg_store_t *s,
                                     const char *kind, const char *alias,
                                     val_t **out)
{
    *out = NULL;
    sqlite3_stmt *q;
    int rc = registry_sqlite_lookup(s, kind, Q_ALIAS, alias, &q);
    if (!q)
        return registry_sqlite_fail(c, s->db, "get");
    mig_status_t st = MIG_OK;
    if (rc == SQLITE_ROW)
        st = registry_parse_text(c, (const char *)sqlite3_column_text(q, 1),
                       (size_t)sqlite3_column_bytes(q, 1),
                       (const char *)sqlite3_column_text(q, 0), out);
    else if (rc != SQLITE_DONE)
        st = registry_sqlite_fail(c, s->db, "get");
    sqlite3_reset(q);
    return st;
}

/* The row Q is on (name, json) as a new value in *OUT: the record parsed
 * (PARSE), or {name, text} unparsed. */
static mig_status_t row_value(action_ctx_t *c, sqlite3_stmt *q, bool parse,
                              val_t **out)
{
    const char *name = (const char *)sqlite3_column_text(q, 0);
    const char *text = (const char *)sqlite3_column_text(q, 1);
    size_t len = (size_t)sqlite3_column_bytes(q, 1);
    if (parse)
        return registry_parse_text(c, text, len, name, out);
    val_t *m = val_map_new(2);
    mig_status_t st = m ? val_map_set_take(m, "name", 4, val_cstring(name))
                        : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(m, "text", 4, val_string(text ? text : "", len));
    if (st != MIG_OK) {
        val_unref(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}

/* Every row Q (name, json; its parameters bound) gives, as row_value
 * makes it, as a new list in *OUT; Q is finalized. */
static mig_status_t rows_to_list(action_ctx_t *c, reg_store_t *s,
                                 sqlite3_stmt *q, bool parse, val_t **out)
{
    val_t *l = val_list_new(8);
    mig_status_t st = l ? MIG_OK : MIG_ENOMEM;
    int rc = SQLITE_DONE;
    while (st == MIG_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        val_t *v;
        st = row_value(c, q, parse, &v);
        if (st == MIG_OK)
            st = val_list_push_take(l, v);
    }
    if (st == MIG_OK && rc != SQLITE_DONE)
        st = registry_sqlite_fail(c, s->db, "list");
    sqlite3_finalize(q);
    if (st != MIG_OK) {
        val_unref(l);
        return st;
    }
    *out = l;
    return MIG_OK;
}

/* Every row of KIND, by name, parsed (PARSE) or not (rows_to_list). */
static mig_status_t list_rows(action_ctx_t *c, reg_store_t *s,
                              const char *kind, bool parse, val_t **out)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT name, json FROM %s ORDER BY name",
             registry_kind_table(kind));
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return registry_sqlite_fail(c, s->db, "list");
    return rows_to_list(c, s, q, parse, out);
}

static mig_status_t sqlite_list_text(action_ctx_t *c, reg_store_t *s,
                                     const char *kind, val_t **out)
{
    return list_rows(c, s, kind, false, out);
}

static mig_status_t sqlite_list(action_ctx_t *c, reg_store_t *s,
                                const char *kind, val_t **out)
{
    return list_rows(c, s, kind, true, out);
}

/* Names compare bytewise (SQLite's BINARY collation), as list sorts. */
static mig_status_t sqlite_list_page(action_ctx_t *c, reg_store_t *s,
                                     const char *kind, const char *after,
                                     size_t limit, val_t **out)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT name, json FROM %s WHERE name > ?1 "
             "ORDER BY name LIMIT ?2", registry_kind_table(kind));
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return registry_sqlite_fail(c, s->db, "list");
    sqlite3_bind_text(q, 1, after ? after : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)limit);
    return rows_to_list(c, s, q, true, out);
}

const reg_store_ops_t registry_sqlite_ops = {
    .name = "sqlite", .fits = sqlite_fits, .open = sqlite_open,
    .close = sqlite_close, .get = sqlite_get, .get_text = sqlite_get_text,
    .get_state = registry_sqlite_get_state,
    .get_states = registry_sqlite_get_states,
    .get_alias = sqlite_get_alias, .set = sqlite_set,
    .list_text = sqlite_list_text,
    .list = sqlite_list, .list_page = sqlite_list_page,
};
