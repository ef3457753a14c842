/* features_scan.c: the rows of a legacy inventory that has not been
 * migrated (mig analyze DIR): every file tools.scan lists, read by
 * tools.read, through the standard library's own rows and a read-only
 * context, so the features are those a run would journal. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* Calls the pure action NAME of R with ARGS (taken) in C; *OUT gets its
 * result. MIG_EINVALID with the action's error in DIAGS. */
static mig_status_t call(const action_registry_t *r, action_ctx_t *c,
                         const char *name, val_t *args, val_t **out,
                         diag_list_t *diags)
{
    const action_t *a = action_find(r, name);
    mig_status_t st = a && args ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK) {
        actx_begin(c, name);
        st = a->preview(c, args, out);
    }
    if (st == MIG_EINVALID)
        diag_add(diags, DIAG_ERROR, NULL, NULL, "%s",
                 actx_error_message(c) ? actx_error_message(c) : name);
    val_unref(args);
    return st;
}

static val_t *args_of(const char *key, const char *value)
{
    val_t *m = val_map_new(3);
    if (m && val_map_set_take(m, key, strlen(key), val_cstring(value))
                 != MIG_OK) {
        val_unref(m);
        return NULL;
    }
    return m;
}

static val_t *scan_args(const char *dir)
{
    val_t *m = args_of("dir", dir);
    if (m && (val_map_set_take(m, "glob", 4, val_cstring("*")) != MIG_OK
              || val_map_set_take(m, "recursive", 9, val_bool(true))
                     != MIG_OK)) {
        val_unref(m);
        return NULL;
    }
    return m;
}

mig_status_t analyze_scan(const char *dir, analyze_rows_t *rows,
                          diag_list_t *diags)
{
    action_registry_t *r = action_registry_new();
    action_ctx_t *c = actx_new(ACTX_PREVIEW, NULL);
    mig_status_t st = r && c ? stdlib_register(r) : MIG_ENOMEM;
    val_t *found = NULL;
    size_t first = rows->n;
    if (st == MIG_OK)
        st = call(r, c, "tools.scan", scan_args(dir), &found, diags);
    for (size_t i = 0; st == MIG_OK && i < val_len(found); i++) {
        const char *path = an_str(val_list_get(found, i), "path");
        val_t *read = NULL;
        st = path ? call(r, c, "tools.read", args_of("path", path), &read,
                         diags)
                  : MIG_ENOMEM;
        if (st == MIG_OK)
            st = analyze_features(read, rows);
        val_unref(read);
    }
    if (st == MIG_OK)
        st = analyze_inventory(rows, first);
    val_unref(found);
    actx_free(c);
    action_registry_free(r);
    return st;
}
