/* lsp_store.c: what the language server reads of the plan's state store
 * (docs/lsp.md): the snapshots taken so far, offered as names after
 * `snapshot` and described when a snapshot's name is hovered. The store
 * is the one `mig run` would use for the plan (mig.yaml's `state`, else
 * .mig/state.db beside the plan), opened read-only for the request; a
 * plan with no store, or one that cannot be read, has no snapshots. */
#define _POSIX_C_SOURCE 200809L     /* gmtime_r, strndup */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lsp_int.h"
#include "snapshot.h"

/* The path of the state store of D's plan (malloc'd), or NULL when out
 * of memory or D has no file path. */
static char *state_path(const lsp_doc_t *d)
{
    if (!d->path)
        return NULL;
    config_settings_t set = { 0 };
    const char *dir = NULL;
    if (d->config && config_effective(d->config, NULL, &set, NULL) == MIG_OK)
        dir = set.state_dir;
    strbuf_t b;
    strbuf_init(&b);
    if (dir) {
        strbuf_printf(&b, "%s/state.db", dir);
    } else {
        const char *slash = strrchr(d->path, '/');
        strbuf_put(&b, d->path, slash ? (size_t)(slash - d->path) + 1 : 0);
        strbuf_puts(&b, ".mig/state.db");
    }
    config_settings_clear(&set);
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    return b.data;
}

/* Counts SNAP into BY, the map of lsp_store_snapshots. */
static mig_status_t count_one(val_t *by, const snapshot_t *snap)
{
    size_t len = strlen(snap->name);
    val_t *info = val_map_get(by, snap->name, len);
    int64_t count = info ? val_get_int(val_map_get(info, "count", 5)) : 0;
    val_t *m = val_map_new(3);
    if (!m || val_map_set_take(m, "count", 5, val_int(count + 1)) != MIG_OK
        || val_map_set_take(m, "id", 2, val_int(snap->id)) != MIG_OK
        || val_map_set_take(m, "created_ms", 10, val_int(snap->created_ms))
               != MIG_OK) {
        val_unref(m);
        return MIG_ENOMEM;
    }
    return val_map_set_take(by, snap->name, len, m);
}

val_t *lsp_store_snapshots(const lsp_doc_t *d)
{
    val_t *by = val_map_new(8);
    char *path = by ? state_path(d) : NULL;
    struct stat sb;
    if (!path || stat(path, &sb) != 0) {
        free(path);
        return by;
    }
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    snapshot_t *all = NULL;
    size_t n = 0;
    mig_status_t st = MIG_OK;
    if (store_open(path, STORE_READONLY, &diags, &s) == MIG_OK
        && snapshot_list(s, &all, &n) == MIG_OK) {
        /* Oldest first: the newest of a name is the last counted. */
        for (size_t i = 0; st == MIG_OK && i < n; i++)
            if (all[i].complete)
                st = count_one(by, &all[i]);
    }
    snapshots_free(all, n);
    store_close(s);
    diag_list_free(&diags);
    free(path);
    if (st != MIG_OK) {
        val_unref(by);
        return NULL;
    }
    return by;
}

void lsp_snapshot_describe(const val_t *info, strbuf_t *b)
{
    int64_t count = val_get_int(val_map_get(info, "count", 5));
    time_t t = (time_t)(val_get_int(val_map_get(info, "created_ms", 10))
                        / 1000);
    struct tm tm;
    char at[32] = "?";
    if (gmtime_r(&t, &tm))
        strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strbuf_printf(b, "in the state store: taken %" PRId64 " time%s, the "
                  "newest snapshot %" PRId64 " at %s", count,
                  count == 1 ? "" : "s",
                  val_get_int(val_map_get(info, "id", 2)), at);
}
