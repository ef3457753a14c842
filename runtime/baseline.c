/* baseline.c: the drift baseline a successful run leaves (docs/drift.md):
 * every registry the run wrote (the registry records among its managed
 * resources), each record's drift digest, and its canonical content kept
 * in the state store, written in the transaction that ends the run.
 * `mig drift` compares a registry with it. */
#define _GNU_SOURCE     /* memrchr */
#include <stdlib.h>
#include <string.h>

#include "sched_int.h"

mig_status_t (*resource_registry_records)(action_ctx_t *ctx, const char *db,
                                          val_t **out);

/* The registries among the resource ids of MANAGED (keys
 * "registry:DB#KIND/NAME"): a new map DB -> true (the store reads them
 * back by DB). */
static mig_status_t registries_of(const val_t *managed, val_t **out)
{
    val_t *dbs = val_map_new(4);
    mig_status_t st = dbs ? MIG_OK : MIG_ENOMEM;
    size_t pre = strlen("registry:");
    for (size_t i = 0; st == MIG_OK && i < val_len(managed); i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(managed, i), &len);
        const char *hash = len > pre ? memrchr(id, '#', len) : NULL;
        if (strncmp(id, "registry:", pre) != 0 || !hash)
            continue;
        st = val_map_set_take(dbs, id + pre, (size_t)(hash - id) - pre,
                              val_bool(true));
    }
    if (st != MIG_OK) {
        val_unref(dbs);
        dbs = NULL;
    }
    *out = dbs;
    return st;
}

/* Records registry DB as it is now for run ID of S: its records' digests
 * and their content (once per distinct content) into S. */
static mig_status_t record_db(store_t *s, action_ctx_t *ctx, int64_t id,
                              const char *db)
{
    val_t *recs = NULL;
    mig_status_t st = resource_registry_records(ctx, db, &recs);
    for (size_t i = 0; st == MIG_OK && i < val_len(recs); i++) {
        const val_t *r = val_list_get(recs, i);
        size_t len;
        const char *text = val_get_str(val_map_get(r, "text", 4), &len);
        /* The drift digest, the BLAKE2b of TEXT (runtime.h): not hashed
         * again. */
        const char *hex = val_get_str(val_map_get(r, "digest", 6), NULL);
        st = store_baseline_content_put(s, hex, text, len);
        store_baseline_t b = {
            .kind = val_get_str(val_map_get(r, "kind", 4), NULL),
            .name = val_get_str(val_map_get(r, "name", 4), NULL),
            .digest = hex };
        if (st == MIG_OK)
            st = store_baseline_put(s, id, db, &b);
    }
    if (st == MIG_OK)
        st = store_baseline_db(s, id, db, (int64_t)val_len(recs));
    val_unref(recs);
    return st;
}

mig_status_t run_baseline_record(run_t *r)
{
    if (!resource_registry_records)
        return MIG_OK;
    val_t *dbs = NULL;
    action_ctx_t *ctx = actx_new(ACTX_RUN, r->base_dir);
    mig_status_t st = ctx ? registries_of(r->managed, &dbs) : MIG_ENOMEM;
    /* Queued, a row in a multi-row statement each, written by the
     * store's writer thread while the next records are read. */
    bool was = store_defer(r->store, true);
    for (size_t i = 0; st == MIG_OK && i < val_len(dbs); i++)
        st = record_db(r->store, ctx, r->id,
                       val_get_str(val_map_key(dbs, i), NULL));
    store_defer(r->store, was);
    if (st != MIG_OK && st != MIG_ENOMEM && ctx && actx_error_message(ctx))
        diag_add(r->diags, DIAG_WARNING, NULL, NULL, "the drift baseline "
                 "of run %lld was not recorded: %s", (long long)r->id,
                 actx_error_message(ctx));
    val_unref(dbs);
    actx_free(ctx);
    return st;
}
