/* adapt_repair.c: the repairs a strategy made, kept as structures besides
 * its change lines, so that `mig adapt learn` can turn the repairs of a
 * run into a mapping (adapt_learn.c; docs/recovery.md, "Learning from a
 * run"). The sites that rename, drop, remap or default a parameter call
 * here; a strategy that does not keep repairs (R->repairs NULL) gets
 * nothing kept. The journal holds them in the `adapted` event. */
#include <string.h>

#include "adapt_int.h"

mig_status_t adapt_repairs_keep(adapt_run_t *r, const char *tool)
{
    r->tool = tool;
    if (!r->repairs)
        r->repairs = val_list_new(0);
    return r->repairs ? MIG_OK : MIG_ENOMEM;
}

/* A new repair map {kind, tool?}, or NULL (R->oom set). */
static val_t *repair(adapt_run_t *r, const char *kind)
{
    val_t *m = val_map_new(5);
    if (m && (val_map_set_take(m, "kind", 4, val_cstring(kind)) != MIG_OK
              || (r->tool && val_map_set_take(m, "tool", 4,
                                              val_cstring(r->tool))
                             != MIG_OK))) {
        val_unref(m);
        m = NULL;
    }
    r->oom |= !m;
    return m;
}

/* Sets M[KEY] to V (taken; NULL is out of memory) unless M is NULL. */
static void put(adapt_run_t *r, val_t *m, const char *key, val_t *v)
{
    if (m && (!v || val_map_set_take(m, key, strlen(key), v) != MIG_OK))
        r->oom = true;
}

/* Appends M (taken) to R's repairs. */
static void keep(adapt_run_t *r, val_t *m)
{
    if (!m || r->oom || val_list_push_take(r->repairs, m) != MIG_OK)
        r->oom = true;
    if (r->oom)
        val_unref(m);
}

void adapt_repair_name(adapt_run_t *r, const char *kind, const char *from,
                       const char *to)
{
    if (!r->repairs)
        return;
    val_t *m = repair(r, kind);
    put(r, m, "from", val_cstring(from));
    if (to)
        put(r, m, "to", val_cstring(to));
    keep(r, m);
}

void adapt_repair_value(adapt_run_t *r, const char *kind, const val_t *from,
                        const val_t *to)
{
    /* At the top of the call: the path is the root and one key. */
    if (!r->repairs || r->top_end == r->root_len
        || r->path.len != r->top_end)
        return;
    val_t *m = repair(r, kind);
    put(r, m, "param", val_string(r->top, r->top_len));
    if (from)
        put(r, m, "from", val_ref((val_t *)from));
    put(r, m, from ? "to" : "value", val_ref((val_t *)to));
    keep(r, m);
}
