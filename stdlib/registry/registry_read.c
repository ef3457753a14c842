/* registry_read.c: the registry's reading actions (registry.c's table):
 * registry.get (by name or alias), registry.list (by status, when given)
 * and registry.count, over a store (registry_store.c) or a remote
 * registry (registry_remote*.c). They are pure: a dry run calls them too,
 * reading what earlier previews would leave. */
#include <string.h>

#include "registry_int.h"


mig_status_t registry_get(action_ctx_t *c, const val_t *args, val_t **out)
{
    const char *db = stdlib_arg_str(args, "db");
    const char *name = stdlib_arg_str(args, "name");
    const char *kind = registry_kind_arg(c, "registry.get", args);
    if (!kind)
        return MIG_EINVALID;
    /* The server finds aliases too; a dry run reads through the store
     * row, which sees what earlier previews would leave. */
    if (registry_remote_db(db) && actx_mode(c) != ACTX_PREVIEW)
        return registry_remote_get(c, "registry.get", args, kind, true, out);
    val_t *rec = NULL;
    mig_status_t st = registry_get_record(c, db, kind, name, &rec);
    if (st == MIG_OK && !rec)
        st = registry_find_alias(c, db, kind, name, &rec);
    if (st == MIG_OK && !rec)
        st = actx_fail(c, "MissingDependency", "registry.get: no %s named "
                       "'%s' in %s", kind, name, db);
    if (st == MIG_OK)
        *out = rec;
    return st;
}

mig_status_t registry_list(action_ctx_t *c, const val_t *args, val_t **out)
{
    const char *kind = registry_kind_arg(c, "registry.list", args);
    const char *status = stdlib_arg_str(args, "status");
    if (!kind)
        return MIG_EINVALID;
    if (registry_remote_db(stdlib_arg_str(args, "db"))
        && actx_mode(c) != ACTX_PREVIEW)
        return registry_remote_list(c, "registry.list", args, kind, status,
                                    false, true, out);
    val_t *all;
    mig_status_t st = registry_list_records(c, stdlib_arg_str(args, "db"), kind, &all);
    if (st != MIG_OK || !status) {
        if (st == MIG_OK)
            *out = all;
        return st;
    }
    val_t *l = val_list_new(val_len(all));
    st = l ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(all); i++) {
        const char *s = stdlib_arg_str(val_list_get(all, i), "status");
        if (s && strcmp(s, status) == 0)
            st = val_list_push(l, val_list_get(all, i));
    }
    val_unref(all);
    if (st != MIG_OK) {
        val_unref(l);
        return st;
    }
    *out = l;
    return MIG_OK;
}

mig_status_t registry_count(action_ctx_t *c, const val_t *args,
                            val_t **out)
{
    const char *kind = registry_kind_arg(c, "registry.count", args);
    if (!kind)
        return MIG_EINVALID;
    if (registry_remote_db(stdlib_arg_str(args, "db"))
        && actx_mode(c) != ACTX_PREVIEW)
        return registry_remote_list(c, "registry.count", args, kind, NULL,
                                    true, true, out);
    val_t *all;
    mig_status_t st = registry_list_records(c, stdlib_arg_str(args, "db"), kind, &all);
    if (st == MIG_OK) {
        *out = val_int((int64_t)val_len(all));
        val_unref(all);
    }
    return st;
}
