/* floor.c: the floor of the migration benchmark (bench/migrate/run.sh):
 * what plan.mig does with nothing around it. It calls the same functions
 * (the rows of tools.scan, tools.read and tools.normalize, whose
 * normaliser validates every descriptor against the V2 schema) in a plain
 * loop, and inserts every descriptor's canonical JSON into SQLite in one
 * transaction: no plan, no scheduler, no journal, no checkpoint, no undo.
 *
 * usage: bench_migrate_floor DIR SOURCE DB
 *   DIR is the folder SOURCE (the generated files) and DB are relative
 *   to; prints "N records" (tools and backends stored). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "mig_stdlib.h"
#include "registry_int.h"

static action_registry_t *reg;
static action_ctx_t *ctx;

/* Runs action NAME's row on ARGS (taken); the result, or NULL when it
 * failed (said on stderr). */
static val_t *call(const char *name, val_t *args)
{
    const action_t *a = action_find(reg, name);
    val_t *out = NULL;
    actx_begin(ctx, name);
    mig_status_t st = a && args ? a->run(ctx, args, &out) : MIG_ENOMEM;
    val_unref(args);
    if (st != MIG_OK) {
        fprintf(stderr, "floor: %s: %s\n", name,
                actx_error_message(ctx) ? actx_error_message(ctx) : "failed");
        return NULL;
    }
    return out;
}

static val_t *args2(const char *k1, val_t *v1, const char *k2, val_t *v2)
{
    val_t *m = val_map_new(2);
    if (m && k1)
        val_map_set_take(m, k1, strlen(k1), v1);
    if (m && k2)
        val_map_set_take(m, k2, strlen(k2), v2);
    return m;
}

/* Normalises each record of LIST as KIND and inserts it with Q (bound to
 * KIND's table); the number stored, or -1. */
static long put_all(const val_t *list, const char *kind, sqlite3_stmt *q)
{
    long n = 0;
    for (size_t i = 0; i < val_len(list); i++) {
        val_t *res = call("tools.normalize",
                          args2("record", val_ref(val_list_get(list, i)),
                                "kind", val_cstring(kind)));
        if (!res)
            return -1;
        const val_t *d = val_map_get(res, "descriptor", 10);
        strbuf_t b;
        strbuf_init(&b);
        const char *name = val_get_str(val_map_get(d, "name", 4), NULL);
        const char *dg = val_get_str(val_map_get(d, "digest", 6), NULL);
        bool ok = registry_canonical(d, &b) == MIG_OK;
        sqlite3_bind_text(q, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 2, b.data ? b.data : "", (int)b.len,
                          SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 3, dg ? dg : "", -1, SQLITE_TRANSIENT);
        ok = ok && sqlite3_step(q) == SQLITE_DONE;
        sqlite3_reset(q);
        strbuf_free(&b);
        val_unref(res);
        if (!ok)
            return -1;
        n++;
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_migrate_floor DIR SOURCE DB\n");
        return 2;
    }
    reg = action_registry_new();
    ctx = actx_new(ACTX_RUN, argv[1]);
    if (!reg || !ctx || stdlib_register(reg) != MIG_OK)
        return 2;
    char db_path[4096];
    snprintf(db_path, sizeof db_path, "%s/%s", argv[1], argv[3]);
    sqlite3 *db = NULL;
    sqlite3_stmt *tq = NULL, *bq = NULL;
    if (sqlite3_open(db_path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "CREATE TABLE tools(name TEXT PRIMARY KEY, json TEXT"
                     " NOT NULL, digest TEXT NOT NULL, status TEXT NOT NULL);"
                     "CREATE TABLE backends(name TEXT PRIMARY KEY, json TEXT "
                     "NOT NULL, digest TEXT NOT NULL, status TEXT NOT NULL);"
                     "BEGIN IMMEDIATE;", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO tools VALUES(?1, ?2, ?3, "
                           "'active')", -1, &tq, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO backends VALUES(?1, ?2, ?3, "
                           "'active')", -1, &bq, NULL) != SQLITE_OK) {
        fprintf(stderr, "floor: %s: %s\n", db_path, sqlite3_errmsg(db));
        return 2;
    }
    val_t *scan = args2("dir", val_cstring(argv[2]), "recursive",
                        val_bool(true));
    if (scan)
        val_map_set_take(scan, "glob", 4, val_cstring("*"));
    val_t *found = call("tools.scan", scan);
    long total = found ? 0 : -1;
    for (size_t i = 0; total >= 0 && i < val_len(found); i++) {
        const val_t *row = val_list_get(found, i);
        const val_t *fmt = val_map_get(row, "format", 6);
        if (val_type(fmt) == VAL_STRING &&
            strcmp(val_get_str(fmt, NULL), "plugin.openapi") == 0)
            continue;   /* read through its ai-plugin.json, as plan.mig does */
        val_t *read = call("tools.read",
                           args2("path", val_ref(val_map_get(row, "path", 4)),
                                 NULL, NULL));
        long t = read ? put_all(val_map_get(read, "tools", 5), "tool", tq) : -1;
        long b = t >= 0 ? put_all(val_map_get(read, "backends", 8), "rag", bq)
                        : -1;
        total = t < 0 || b < 0 ? -1 : total + t + b;
        val_unref(read);
    }
    val_unref(found);
    sqlite3_finalize(tq);
    sqlite3_finalize(bq);
    if (total < 0 || sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "floor: failed (%s)\n", sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_close(db);
    printf("%ld records\n", total);
    actx_free(ctx);
    action_registry_free(reg);
    return 0;
}
