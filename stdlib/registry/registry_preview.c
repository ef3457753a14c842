/* registry_preview.c: the V2 registry as a dry run sees it: a store's
 * records with the changes that earlier previewed steps of the plan would
 * make (put, delete, deprecate, alias), kept in the preview context under
 * each record's resource id (runtime.h, actx_pending), as a dry run's
 * file reads see the files earlier steps would write. */
#include <stdlib.h>
#include <string.h>

#include "registry_int.h"

mig_status_t registry_preview_set(action_ctx_t *c, const char *db,
                                  const char *kind, const char *name,
                                  val_t *rec)
{
    strbuf_t id;
    strbuf_init(&id);
    mig_status_t st = registry_make_id(db, kind, name, &id);
    if (st == MIG_OK)
        st = actx_pending_set(c, id.data, rec);
    strbuf_free(&id);
    return st;
}

mig_status_t registry_pending_get(action_ctx_t *c, const char *db,
                                  const char *kind, const char *name,
                                  bool *found, val_t **out)
{
    *found = false;
    const val_t *pending = actx_pending(c);
    if (!pending)
        return MIG_OK;
    strbuf_t id;
    strbuf_init(&id);
    mig_status_t st = registry_make_id(db, kind, name, &id);
    val_t *v = st == MIG_OK ? val_map_get(pending, id.data, id.len) : NULL;
    strbuf_free(&id);
    if (v) {
        *found = true;
        *out = val_type(v) == VAL_NULL ? NULL : val_copy(v);
        if (val_type(v) != VAL_NULL && !*out)
            st = MIG_ENOMEM;
    }
    return st;
}

bool registry_pending_any(action_ctx_t *c, const char *db, const char *kind)
{
    const val_t *pending = actx_pending(c);
    if (!pending || !val_len(pending))
        return false;
    strbuf_t prefix;
    strbuf_init(&prefix);
    bool any = registry_make_id(db, kind, "", &prefix) != MIG_OK;
    for (size_t i = 0; !any && i < val_len(pending); i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(pending, i), &len);
        any = len > prefix.len && memcmp(id, prefix.data, prefix.len) == 0;
    }
    strbuf_free(&prefix);
    return any;
}

static int by_name(const void *a, const void *b)
{
    const char *x = stdlib_arg_str(*(val_t *const *)a, "name");
    const char *y = stdlib_arg_str(*(val_t *const *)b, "name");
    return strcmp(x ? x : "", y ? y : "");
}

/* The pending records of KIND in DB: a new map name -> record (null:
 * removed), or NULL with *ST MIG_ENOMEM. */
static val_t *pending_of(action_ctx_t *c, const char *db, const char *kind,
                         mig_status_t *st)
{
    const val_t *pending = actx_pending(c);
    strbuf_t prefix;
    strbuf_init(&prefix);
    *st = registry_make_id(db, kind, "", &prefix);
    val_t *m = val_map_new(8);
    if (!m)
        *st = MIG_ENOMEM;
    for (size_t i = 0; *st == MIG_OK && i < val_len(pending); i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(pending, i), &len);
        if (len > prefix.len && memcmp(id, prefix.data, prefix.len) == 0)
            *st = val_map_set(m, id + prefix.len, len - prefix.len,
                              val_map_value(pending, i));
    }
    strbuf_free(&prefix);
    if (*st != MIG_OK) {
        val_unref(m);
        return NULL;
    }
    return m;
}

mig_status_t registry_pending_list(action_ctx_t *c, const char *db,
                                   const char *kind, val_t **list)
{
    if (!actx_pending(c))
        return MIG_OK;
    mig_status_t st;
    val_t *mine = pending_of(c, db, kind, &st);
    if (!mine || !val_len(mine)) {
        val_unref(mine);
        return st;
    }
    size_t n = val_len(*list), cap = n + val_len(mine);
    val_t **items = malloc((cap ? cap : 1) * sizeof(*items));
    size_t k = 0;
    st = items ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; items && i < n; i++) {
        val_t *r = val_list_get(*list, i);
        const char *name = stdlib_arg_str(r, "name");
        if (!name || !val_map_get(mine, name, strlen(name)))
            items[k++] = r;
    }
    for (size_t i = 0; items && i < val_len(mine); i++)
        if (val_type(val_map_value(mine, i)) != VAL_NULL)
            items[k++] = val_map_value(mine, i);
    if (items)
        qsort(items, k, sizeof(*items), by_name);
    val_t *out = items ? val_list_new(k) : NULL;
    if (items && !out)
        st = MIG_ENOMEM;
    for (size_t i = 0; out && st == MIG_OK && i < k; i++)
        st = val_list_push(out, items[i]);
    free(items);
    val_unref(mine);
    if (st != MIG_OK) {
        val_unref(out);
        return st;
    }
    val_unref(*list);
    *list = out;
    return MIG_OK;
}
