/* adapt_depend.c: adapt.resolve_dependency (docs/recovery.md). The
 * strategy reads what is missing from the error's detail ({missing:
 * [NAME...]}) and decides `after`: the scheduler runs the items of the
 * same foreach that go by those names first, then the failed call again
 * (runtime/sched_foreach.c, sched_after), or fails saying what is missing
 * and why it cannot be run. */
#include "stdlib_int.h"

mig_status_t adapt_resolve_dependency(action_ctx_t *c, const val_t *err,
                                      const val_t *args, val_t **out)
{
    (void)c;
    val_t *detail = val_map_get(err, "detail", 6);
    val_t *missing = detail && val_type(detail) == VAL_MAP
        ? val_map_get(detail, "missing", 7) : NULL;
    bool names = missing && val_type(missing) == VAL_LIST
                 && val_len(missing) > 0;
    for (size_t i = 0; names && i < val_len(missing); i++)
        names = val_type(val_list_get(missing, i)) == VAL_STRING;
    val_t *d = val_map_new(3);
    if (!d)
        return MIG_ENOMEM;
    mig_status_t st;
    if (!names) {
        st = val_map_set_take(d, "decision", 8, val_cstring("fail"));
        if (st == MIG_OK)
            st = val_map_set_take(d, "message", 7, val_cstring(
                "adapt.resolve_dependency: the error does not say what is "
                "missing (its detail has no 'missing' list of names)"));
        if (st == MIG_OK)
            st = val_map_set_take(d, "changes", 7, val_list_new(0));
    } else {
        const char *by = stdlib_arg_str(args, "by");
        st = val_map_set_take(d, "decision", 8, val_cstring("after"));
        if (st == MIG_OK)
            st = val_map_set(d, "on", 2, missing);
        if (st == MIG_OK)
            st = val_map_set_take(d, "by", 2, val_cstring(by ? by : "name"));
    }
    if (st != MIG_OK) {
        val_unref(d);
        return st;
    }
    *out = d;
    return MIG_OK;
}
