/* store_open.c: opening the state store's SQLite file: finding out
 * whether it is a mig store this build can use, the pragmas, and bringing
 * its schema up to date through the ordered upgrade steps. Also closing
 * it. docs/state.md describes every table and column made here. */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MIG_VERSION
#error "MIG_VERSION must be defined (runtime/CMakeLists.txt)"
#endif

/* ---- the schema and its upgrades --------------------------------------- */

/* Step I takes a store from schema version I to I + 1; step 0 makes a
 * store from an empty file. Steps are only ever appended: a store written
 * by an older mig is brought up to date by the steps it has not had, in
 * one transaction. docs/state.md documents every column. */
static const char *const upgrades[] = {
    /* 0 -> 1 */
    "CREATE TABLE meta (\n"
    "  key   TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE runs (\n"
    "  id          INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  plan_path   TEXT NOT NULL,\n"
    "  plan_name   TEXT NOT NULL,\n"
    "  plan_digest TEXT NOT NULL,\n"
    "  profile     TEXT,\n"
    "  params      TEXT,\n"
    "  options     TEXT,\n"
    "  state       TEXT NOT NULL,\n"
    "  error       TEXT,\n"
    "  host        TEXT NOT NULL,\n"
    "  pid         INTEGER NOT NULL,\n"
    "  started_ms  INTEGER NOT NULL,\n"
    "  ended_ms    INTEGER NOT NULL DEFAULT 0,\n"
    "  parent      INTEGER REFERENCES runs(id)\n"
    ");\n"
    "CREATE TABLE steps (\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  run         INTEGER NOT NULL REFERENCES runs(id),\n"
    "  node        TEXT NOT NULL,\n"
    "  item        TEXT NOT NULL,\n"
    "  state       TEXT NOT NULL,\n"
    "  attempts    INTEGER NOT NULL,\n"
    "  result      TEXT,\n"
    "  error_class TEXT,\n"
    "  error       TEXT,\n"
    "  started_ms  INTEGER NOT NULL,\n"
    "  ended_ms    INTEGER NOT NULL,\n"
    "  UNIQUE (run, node, item)\n"
    ");\n"
    "CREATE INDEX steps_by_run ON steps(run, id);\n"
    "CREATE TABLE journal (\n"
    "  run        INTEGER NOT NULL REFERENCES runs(id),\n"
    "  seq        INTEGER NOT NULL,\n"
    "  node       TEXT NOT NULL,\n"
    "  item       TEXT NOT NULL,\n"
    "  action     TEXT NOT NULL,\n"
    "  kind       TEXT NOT NULL,\n"
    "  state      TEXT NOT NULL,\n"
    "  args       TEXT,\n"
    "  undo       TEXT,\n"
    "  resources  TEXT,\n"
    "  at_ms      INTEGER NOT NULL,\n"
    "  updated_ms INTEGER NOT NULL,\n"
    "  PRIMARY KEY (run, seq)\n"
    ");\n"
    "CREATE TABLE checkpoints (\n"
    "  id        INTEGER PRIMARY KEY,\n"
    "  run       INTEGER NOT NULL REFERENCES runs(id),\n"
    "  name      TEXT NOT NULL,\n"
    "  node      TEXT NOT NULL,\n"
    "  item      TEXT NOT NULL,\n"
    "  seq       INTEGER NOT NULL,\n"
    "  digest    TEXT NOT NULL,\n"
    "  resources TEXT,\n"
    "  at_ms     INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX checkpoints_by_name ON checkpoints(run, name, id);\n"
    "CREATE TABLE events (\n"
    "  run   INTEGER NOT NULL REFERENCES runs(id),\n"
    "  seq   INTEGER NOT NULL,\n"
    "  at_ms INTEGER NOT NULL,\n"
    "  kind  TEXT NOT NULL,\n"
    "  node  TEXT,\n"
    "  item  TEXT,\n"
    "  data  TEXT,\n"
    "  PRIMARY KEY (run, seq)\n"
    ");\n"
    "CREATE TABLE counters (\n"
    "  name  TEXT PRIMARY KEY,\n"
    "  value INTEGER NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE locks (\n"
    "  resource     TEXT PRIMARY KEY,\n"
    "  run          INTEGER REFERENCES runs(id),\n"
    "  pid          INTEGER,\n"
    "  host         TEXT,\n"
    "  since_ms     INTEGER NOT NULL,\n"
    "  heartbeat_ms INTEGER NOT NULL,\n"
    "  expires_ms   INTEGER NOT NULL,\n"
    "  fence        INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX locks_by_run ON locks(run);\n",
    /* 1 -> 2: each journal record's after-image, the state of what it
     * changed once its effect ended, which rollback checks first. */
    "ALTER TABLE journal ADD COLUMN after_image TEXT;\n",
    /* 2 -> 3: the processes a run's commands started (exec.run), so that
     * a resume or a rollback finds one still running after a crash. */
    "CREATE TABLE processes (\n"
    "  run         INTEGER NOT NULL REFERENCES runs(id),\n"
    "  seq         INTEGER NOT NULL,\n"
    "  role        TEXT NOT NULL,\n"
    "  pid         INTEGER NOT NULL,\n"
    "  pgid        INTEGER NOT NULL,\n"
    "  start_ticks INTEGER NOT NULL,\n"
    "  host        TEXT NOT NULL,\n"
    "  started_ms  INTEGER NOT NULL,\n"
    "  PRIMARY KEY (run, seq, role)\n"
    ") WITHOUT ROWID;\n",
    /* 3 -> 4: the evaluated arguments of a step that failed, so that what
     * it failed on (the file of a tools.read, the record of a
     * tools.normalize) is known afterwards (`mig report`). */
    "ALTER TABLE steps ADD COLUMN args TEXT;\n",
    /* drift: the baseline `mig drift` compares with: per registry a
     * successful run wrote, how many records it left, and per record its
     * drift digest, the name of the object (runtime/blobs.c) holding its
     * content. */
    "CREATE TABLE baseline_registries (\n"
    "  run     INTEGER NOT NULL REFERENCES runs(id),\n"
    "  db      TEXT NOT NULL,\n"
    "  records INTEGER NOT NULL,\n"
    "  PRIMARY KEY (run, db)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE baseline_records (\n"
    "  run    INTEGER NOT NULL REFERENCES runs(id),\n"
    "  db     TEXT NOT NULL,\n"
    "  kind   TEXT NOT NULL,\n"
    "  name   TEXT NOT NULL,\n"
    "  digest TEXT NOT NULL,\n"
    "  PRIMARY KEY (run, db, kind, name)\n"
    ") WITHOUT ROWID;\n",
    /* 5 -> 6: the audit trail (docs/audit.md): one row per operation that
     * changed state, each chained to the one before by its hash, and the
     * chain's head as last signed. Written compact: the schema's text is
     * kept in the file's first page while it fits. */
    "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, "
    "user TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, "
    "action TEXT NOT NULL, run INTEGER, plan_digest TEXT, config_digest TEXT, "
    "detail TEXT, outcome TEXT NOT NULL, key_id TEXT, prev TEXT NOT NULL, "
    "hash TEXT NOT NULL);\n"
    "CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "seq INTEGER NOT NULL, hash TEXT NOT NULL, key_id TEXT NOT NULL, "
    "signature TEXT NOT NULL, at_ms INTEGER NOT NULL);\n",
    /* 6 -> 7: metrics, what a running run's process alone knows, written
     * by it about once a second (docs/metrics.md): its foreach items in
     * flight and waiting, and how long its journal commits took. */
    "CREATE TABLE run_gauges (run INTEGER PRIMARY KEY REFERENCES runs(id), "
    "at_ms INTEGER NOT NULL, in_flight INTEGER NOT NULL, "
    "queued INTEGER NOT NULL, commits INTEGER NOT NULL, "
    "commit_sum_s REAL NOT NULL, commit_buckets TEXT NOT NULL);\n",
    /* 7 -> 8: the snapshots (docs/snapshots.md): one row each, its manifest
     * an object of the object store. A row is 'creating' from before its
     * first object is written until its manifest is kept, so that a prune
     * meanwhile leaves its objects alone. */
    "CREATE TABLE snapshots (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "name TEXT NOT NULL, note TEXT, plan_path TEXT NOT NULL, "
    "plan_name TEXT NOT NULL, run INTEGER REFERENCES runs(id), "
    "state TEXT NOT NULL, manifest TEXT, digest TEXT, "
    "entries INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, "
    "host TEXT NOT NULL, pid INTEGER NOT NULL, created_ms INTEGER NOT NULL);\n"
    "CREATE INDEX snapshots_by_name ON snapshots(name, id);\n",
    /* 8 -> 9: what an effect's answer said that its undo needs (the
     * ETag an endpoint gave a change, the Location of what it created:
     * actx_set_outcome), written with the record's outcome. */
    "ALTER TABLE journal ADD COLUMN outcome TEXT;\n",
    /* 9 -> 10: every firing of an alert of mig.yaml (docs/alerts.md): the
     * run, when, the condition, the JSON payload sent, and whether it was
     * delivered ('sent', 'failed' with the reason, 'none' without a
     * notifier). */
    "CREATE TABLE alerts (seq INTEGER PRIMARY KEY, "
    "run INTEGER NOT NULL REFERENCES runs(id), at_ms INTEGER NOT NULL, "
    "condition TEXT NOT NULL, payload TEXT NOT NULL, "
    "delivery TEXT NOT NULL, error TEXT);\n",
    /* 10 -> 11: the stretches of a run's journal a rollback marked
     * undone, one row each (store_journal_mark_undone): marking a record
     * by updating its row wrote the row again, the step's arguments with
     * it. A record in a stretch reads as 'undone' whatever its row says. */
    "CREATE TABLE journal_undone (run INTEGER NOT NULL REFERENCES runs(id), "
    "lo INTEGER NOT NULL, hi INTEGER NOT NULL, at_ms INTEGER NOT NULL, "
    "PRIMARY KEY (run, lo)) WITHOUT ROWID;\n",
    /* 11 -> 12: the content of the drift baseline's records, one row per
     * distinct content named by its drift digest, written with the
     * baseline's rows (a file each in objects/ before: baselines of
     * older runs are still read from there). */
    "CREATE TABLE baseline_objects (digest TEXT PRIMARY KEY, "
    "content TEXT NOT NULL);\n",
    /* 12 -> 13: values kept once (store_values.c): a map carried by a
     * step's result and by the next step's arguments (a descriptor, then
     * the put that stores it) is written once, under an id, and the rows
     * name it (result_refs, args_refs: name -> id; NULL when the column
     * holds its value whole, as every row written before did). */
    "CREATE TABLE value_objects (id INTEGER PRIMARY KEY, "
    "json TEXT NOT NULL);\n"
    "ALTER TABLE steps ADD COLUMN result_refs TEXT;\n"
    "ALTER TABLE journal ADD COLUMN args_refs TEXT;\n",
};

_Static_assert(sizeof(upgrades) / sizeof(upgrades[0]) == STORE_SCHEMA_VERSION,
               "one upgrade step per schema version");

/* ---- durability -------------------------------------------------------- */

static const char *const sync_pragmas[] = {
    [STORE_DURABLE_GROUPED] = "PRAGMA synchronous = NORMAL",
    [STORE_DURABLE_FULL] = "PRAGMA synchronous = FULL",
};

void store_set_durability(store_t *s, store_durability_t d)
{
    /* The pragma cannot change inside a transaction. */
    store_flush(s);
    s->durability = d;
    if (!(s->flags & STORE_READONLY))
        sqlite3_exec(s->db, sync_pragmas[d], NULL, NULL, NULL);
}

/* ---- the reserve ------------------------------------------------------- */

static int64_t query_int(sqlite3 *db, const char *sql, int *rc);

/* Makes the reserve file beside S (PATH-reserve, STORE_RESERVE_BYTES of
 * blocks really taken) unless it is there. A disk without that much room
 * is an error: a run started on it could not journal its rollback. */
static mig_status_t make_reserve(store_t *s, diag_list_t *diags)
{
    size_t n = strlen(s->path) + sizeof "-reserve";
    if (!(s->reserve = malloc(n))) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory opening '%s'",
                 s->path);
        return MIG_ENOMEM;
    }
    snprintf(s->reserve, n, "%s-reserve", s->path);
    struct stat st;
    if (stat(s->reserve, &st) == 0 && st.st_size >= STORE_RESERVE_BYTES)
        return MIG_OK;
    int fd = open(s->reserve, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = fd < 0 ? errno : posix_fallocate(fd, 0, STORE_RESERVE_BYTES);
    if (err == EINVAL || err == EOPNOTSUPP) {
        /* No fallocate on this file system: zeros, written out. */
        static const char zeros[65536];
        err = 0;
        for (off_t at = 0; !err && at < STORE_RESERVE_BYTES;
             at += (off_t)sizeof zeros)
            if (write(fd, zeros, sizeof zeros) != (ssize_t)sizeof zeros)
                err = errno ? errno : ENOSPC;
        if (!err && fsync(fd) != 0)
            err = errno;
    }
    if (fd >= 0)
        close(fd);
    if (!err)
        return MIG_OK;
    unlink(s->reserve);
    diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot keep the "
                         "reserve of the state store '%s' (%d MiB): %s",
                         s->path, STORE_RESERVE_BYTES >> 20, strerror(err));
    if (err == ENOSPC)
        diag_hint(diags, d, "free some disk space: mig keeps this much free "
                  "so that a run whose disk fills can still journal its "
                  "rollback");
    free(s->reserve);
    s->reserve = NULL;
    return MIG_EIO;
}

mig_status_t store_use_reserve(store_t *s)
{
    if (!store_full(s) || !s->reserve)
        return s->sticky;
    if (s->max_pages) {
        /* Test builds: the size limit grows by the reserve's pages, as
         * the disk's free space does when the file goes. */
        int rc;
        int64_t size = query_int(s->db, "PRAGMA page_size", &rc);
        char sql[80];
        snprintf(sql, sizeof sql, "PRAGMA max_page_count = %" PRId64,
                 s->max_pages + STORE_RESERVE_BYTES / (size > 0 ? size : 4096));
        sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    }
    unlink(s->reserve);
    free(s->reserve);
    s->reserve = NULL;
    s->sticky = MIG_OK;
    s->full = false;
    return MIG_OK;
}

/* ---- opening ----------------------------------------------------------- */

/* Creates the directories above PATH that are missing (mkdir -p of its
 * directory). 0, or -1 with errno set. */
static int make_parents(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return -1;
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; rc == 0; p++) {
            if (*p != '/' && *p != '\0')
                continue;
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST)
                rc = -1;
            *p = c;
            if (c == '\0')
                break;
        }
    }
    int saved = errno;
    free(dir);
    errno = saved;
    return rc;
}

/* One integer from SQL (a pragma, a count), or -1 with RC set. */
static int64_t query_int(sqlite3 *db, const char *sql, int *rc)
{
    sqlite3_stmt *q = NULL;
    int64_t v = -1;
    *rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (*rc == SQLITE_OK) {
        *rc = sqlite3_step(q);
        if (*rc == SQLITE_ROW) {
            v = sqlite3_column_int64(q, 0);
            *rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(q);
    return v;
}

/* The hint for a store that cannot be written where it is: by default
 * it lives in .mig/ beside the plan, which a read-only folder refuses. */
static void hint_unwritable(diag_list_t *diags, diag_t *d)
{
    diag_hint(diags, d, "the state store must be writable, and by default "
              "it is .mig/state.db beside the plan: run where you may write, "
              "or pass --state PATH to keep it elsewhere (docs/state.md)");
}

static mig_status_t open_error(store_t *s, diag_list_t *diags, int rc,
                               const char *what)
{
    if ((rc & 0xff) == SQLITE_CORRUPT) {
        /* Said as store_sql_report says it: damage found while opening
         * (in the schema's own pages, say) is damage all the same. */
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "the state store "
                             "'%s' is damaged: cannot %s the store (%s)",
                             s->path, what, sqlite3_errmsg(s->db));
        diag_hint(diags, d, "%s", STORE_DAMAGED_HINT);
        return MIG_EIO;
    }
    diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot %s '%s': %s",
                         what, s->path, sqlite3_errmsg(s->db));
    if ((rc & 0xff) == SQLITE_BUSY)
        diag_hint(diags, d, "another process held the state store for more "
                  "than %d seconds", STORE_BUSY_MS / 1000);
    else if (!(s->flags & STORE_READONLY)
             && ((rc & 0xff) == SQLITE_CANTOPEN
                 || (rc & 0xff) == SQLITE_READONLY
                 || (rc & 0xff) == SQLITE_PERM))
        hint_unwritable(diags, d);
    return (rc & 0xff) == SQLITE_NOMEM ? MIG_ENOMEM : MIG_EIO;
}

/* Brings the schema from version FROM up to STORE_SCHEMA_VERSION in one
 * transaction, reading the version again inside it (another process may
 * have done it meanwhile). */
static mig_status_t upgrade(store_t *s, diag_list_t *diags)
{
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return open_error(s, diags, rc, "set up the state store");
    int64_t from = query_int(s->db, "PRAGMA user_version", &rc);
    for (int64_t v = from; rc == SQLITE_OK && v < STORE_SCHEMA_VERSION; v++)
        rc = sqlite3_exec(s->db, upgrades[v], NULL, NULL, NULL);
    char now[32], sql[160];
    store_iso_time(store_now_ms(), now);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
    if (rc == SQLITE_OK && from < STORE_SCHEMA_VERSION)
        rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    sqlite3_stmt *q = NULL;
    if (rc == SQLITE_OK && from < STORE_SCHEMA_VERSION)
        rc = sqlite3_prepare_v2(s->db, "INSERT INTO meta(key, value) "
                                "VALUES ('schema_version', ?1), "
                                "('mig_version', ?2), ('created_at', ?3) "
                                "ON CONFLICT (key) DO UPDATE SET value = "
                                "excluded.value WHERE key <> 'created_at'",
                                -1, &q, NULL);
    if (q) {
        sqlite3_bind_int(q, 1, STORE_SCHEMA_VERSION);
        sqlite3_bind_text(q, 2, MIG_VERSION, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, now, -1, SQLITE_STATIC);
        rc = sqlite3_step(q);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(q);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        mig_status_t st = open_error(s, diags, rc, "set up the state store");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    return MIG_OK;
}

/* Whether S's file is a mig store this build can use (an empty database
 * being one to set up), with *VERSION its schema version. */
static mig_status_t identify(store_t *s, diag_list_t *diags, int64_t *version)
{
    int rc;
    *version = query_int(s->db, "PRAGMA user_version", &rc);
    if ((rc & 0xff) == SQLITE_NOTADB) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "'%s' is not a mig "
                             "state store: it is not an SQLite database",
                             s->path);
        diag_hint(diags, d, "pass --state with the path of a state store "
                  "(.mig/state.db)");
        return MIG_EINVALID;
    }
    if (rc != SQLITE_OK)
        return open_error(s, diags, rc, "read");
    int64_t tables = query_int(s->db, "SELECT count(*) FROM sqlite_schema "
                               "WHERE type = 'table' AND name NOT LIKE "
                               "'sqlite_%'", &rc);
    int64_t meta = rc != SQLITE_OK ? 0
        : query_int(s->db, "SELECT count(*) FROM sqlite_schema WHERE type = "
                    "'table' AND name = 'meta'", &rc);
    if (rc != SQLITE_OK)
        return open_error(s, diags, rc, "read");
    if (*version > STORE_SCHEMA_VERSION) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "'%s' was written "
                             "by a newer mig (state schema %" PRId64 "; this "
                             "mig reads up to %d)", s->path, *version,
                             STORE_SCHEMA_VERSION);
        diag_hint(diags, d, "use the newer mig, or pass --state to use "
                  "another store");
        return MIG_EINVALID;
    }
    if (tables > 0 && (!meta || *version == 0)) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "'%s' is not a mig state "
                 "store: it is an SQLite database with %s", s->path,
                 meta ? "a 'meta' table but no schema version"
                      : "other tables and no mig 'meta' table");
        return MIG_EINVALID;
    }
    if ((s->flags & STORE_READONLY) && *version < STORE_SCHEMA_VERSION) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, *version
                             ? "'%s' has an older state schema: a command "
                               "that writes (mig run) brings it up to date"
                             : "'%s' is empty: there are no runs here yet",
                             s->path);
        diag_hint(diags, d, "run a plan first, or pass --state with the path "
                  "of a state store");
        return MIG_EINVALID;
    }
    return MIG_OK;
}

/* The pragmas of a store opened for writing. */
static mig_status_t set_pragmas(store_t *s, diag_list_t *diags)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &q,
                                NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *mode = (const char *)sqlite3_column_text(q, 0);
        if (!mode || strcmp(mode, "wal") != 0) {
            diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot use '%s': its "
                     "file system does not allow SQLite's WAL mode (journal "
                     "mode %s)", s->path, mode ? mode : "?");
            sqlite3_finalize(q);
            return MIG_EIO;
        }
        rc = SQLITE_OK;
    }
    sqlite3_finalize(q);
    if (rc == SQLITE_OK)
        /* 64 MiB of pages rather than SQLite's 2 MiB, and temporary data
         * (the statement journal of marking a stretch of records undone)
         * in memory: docs/state.md. */
        rc = sqlite3_exec(s->db, "PRAGMA foreign_keys = ON; PRAGMA "
                          "cache_size = -65536; PRAGMA temp_store = MEMORY",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, sync_pragmas[s->durability], NULL, NULL, NULL);
    return rc == SQLITE_OK ? MIG_OK : open_error(s, diags, rc, "open");
}

/* Opens S's database file as FLAGS ask; a missing file is reported. */
static mig_status_t open_file(store_t *s, diag_list_t *diags)
{
    struct stat st;
    if (stat(s->path, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* SQLite's own word for it would be "disk I/O error". */
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot open the "
                             "state store '%s': it is a folder, and a state "
                             "store is a file", s->path);
        diag_hint(diags, d, "name the store's file, such as '%s/state.db'",
                  s->path);
        return MIG_EIO;
    }
    if (stat(s->path, &st) != 0) {
        int e = errno;
        if (e != ENOENT || !(s->flags & STORE_CREATE)) {
            diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, e == ENOENT
                                 ? "no state store at '%s': there are no "
                                   "runs here yet%s"
                                 : "cannot open the state store '%s': %s",
                                 s->path, e == ENOENT ? ""
                                                          : strerror(e));
            if (e == ENOENT)
                diag_hint(diags, d, "run a plan first, or pass --state with "
                          "the path of a state store");
            else if ((s->flags & STORE_CREATE)
                     && (e == EACCES || e == ENOTDIR))
                hint_unwritable(diags, d);
            return MIG_EIO;
        }
        if (make_parents(s->path) != 0) {
            e = errno;
            diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot "
                                 "create the directory of '%s': %s", s->path,
                                 strerror(e));
            if (e == EACCES || e == EPERM || e == EROFS || e == ENOTDIR)
                hint_unwritable(diags, d);
            return MIG_EIO;
        }
    }
    /* A store belongs to one thread: no mutex on its connection. */
    int oflags = SQLITE_OPEN_NOMUTEX | ((s->flags & STORE_READONLY)
        ? SQLITE_OPEN_READONLY
        : SQLITE_OPEN_READWRITE | ((s->flags & STORE_CREATE)
                                   ? SQLITE_OPEN_CREATE : 0));
    int rc = sqlite3_open_v2(s->path, &s->db, oflags, NULL);
    if (rc != SQLITE_OK) {
        if (!s->db) {
            diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory opening "
                     "'%s'", s->path);
            return MIG_ENOMEM;
        }
        return open_error(s, diags, rc, "open the state store");
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
#ifdef MIG_FAULT_HOOKS
    /* A full disk, for the tests: the database may not grow past this
     * many pages. */
    const char *cap = getenv("MIG_STORE_MAX_PAGES");
    if (cap && !(s->flags & STORE_READONLY)) {
        char sql[80];
        s->max_pages = strtoll(cap, NULL, 10);
        snprintf(sql, sizeof sql, "PRAGMA max_page_count = %" PRId64,
                 s->max_pages);
        sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    }
    /* The disk fills at a commit: the first N commits go through. */
    const char *after = getenv("MIG_STORE_FULL_AFTER");
    if (after && !(s->flags & STORE_READONLY))
        s->full_after = strtoll(after, NULL, 10);
#endif
    return MIG_OK;
}

mig_status_t store_open(const char *path, unsigned flags, diag_list_t *diags,
                        store_t **out)
{
    *out = NULL;
    store_t *s = calloc(1, sizeof(*s));
    if (!s || !(s->path = strdup(path))) {
        free(s);
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory opening '%s'",
                 path);
        return MIG_ENOMEM;
    }
    s->flags = flags;
    diag_list_init(&s->diags);
    for (int i = 0; i < STORE_JSON_SLOTS; i++)
        strbuf_init(&s->json[i]);
    int64_t version = 0;
    mig_status_t st = open_file(s, diags);
    if (st == MIG_OK)
        st = store_note_file(s, diags);
    if (st == MIG_OK)
        st = identify(s, diags, &version);
    if (st == MIG_OK && !(flags & STORE_READONLY))
        st = set_pragmas(s, diags);
    if (st == MIG_OK && !(flags & STORE_READONLY)
        && version < STORE_SCHEMA_VERSION)
        st = upgrade(s, diags);
    if (st == MIG_OK && (flags & STORE_CREATE))
        st = make_reserve(s, diags);
    if (st != MIG_OK) {
        store_close(s);
        return st;
    }
    s->version = STORE_SCHEMA_VERSION;
    *out = s;
    return MIG_OK;
}

void store_close(store_t *s)
{
    if (!s)
        return;
    if (s->db) {
        store_flush(s);
        for (int i = 0; i < STORE_SQL_COUNT; i++)
            sqlite3_finalize(s->stmt[i]);
        store_batch_free(s);
        store_values_forget(s);
        sqlite3_close(s->db);
    }
    for (int i = 0; i < STORE_JSON_SLOTS; i++)
        strbuf_free(&s->json[i]);
    store_checkpoint_hold_clear(s);
    diag_list_free(&s->diags);
    free(s->reserve);
    free(s->fence_resource);
    free(s->path);
    free(s);
}
