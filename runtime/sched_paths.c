/* sched_paths.c: what the scheduler checks of the paths a step is about
 * to change, before it journals anything (sched_int.h,
 * sched_claim_paths): that they lie in the plan's write roots
 * (docs/language.md, "writes"), and that no call the plan does not order
 * with this one writes the same path in the run (docs/runtime.md,
 * "Same-path writes"). */
#include <stdlib.h>
#include <string.h>

#include "sched_int.h"

/* Whether every path the call of ROW with ARGS changes lies in the plan's
 * write roots (interpreter.h, roots_check_args); if not, raises
 * PolicyDenied from node N of T. */
static bool within_roots(task_t *t, uint32_t n, const action_t *row,
                         const val_t *args)
{
    run_t *r = t->run;
    const char *arg, *path;
    if (roots_check_args(&r->roots, r->base_dir, row->args, args, &arg,
                         &path) != MIG_OK) {
        r->fatal = true;
        task_fail(t, n, "Permanent", "out of memory");
        return false;
    }
    if (!arg)
        return true;
    strbuf_t roots;
    strbuf_init(&roots);
    roots_text(&r->roots, &roots);
    task_fail(t, n, "PolicyDenied", "%s: %s '%s' is outside the plan's write "
              "roots (%s); a plan changes files only there: declare the "
              "folder with writes \"DIR\"", row->name, arg, path,
              roots.data ? roots.data : "");
    strbuf_free(&roots);
    return false;
}

/* Where node N runs for ITEM ("2/0": an index per enclosing foreach,
 * outermost first) among the items of loops, into OUT: for each foreach
 * around N, outermost first, "NODE#INDEX" and a tab; "" outside every
 * foreach. */
static void loop_chain(const run_t *r, uint32_t n, const char *item,
                       strbuf_t *out)
{
    uint32_t loops[64];
    size_t k = 0;
    for (uint32_t s = graph_node_scope(r->g, n); s != GRAPH_NONE && k < 64;
         s = graph_node_scope(r->g, s))
        if (graph_node_kind(r->g, s) == GRAPH_FANOUT)
            loops[k++] = s;
    while (k--) {
        size_t len = strcspn(item, "/");
        strbuf_printf(out, "%u#%.*s\t", loops[k], (int)len, item);
        item += item[len] ? len + 1 : len;
    }
}

/* Whether two writes, from the loop chains A and B (loop_chain), may run
 * in either order: at the first place where the chains differ, both are
 * items of the same foreach. A chain that is the start of the other (a
 * step before or after an inner loop, in the same item) and chains that
 * part at different loops (loops one after the other) are ordered. */
static bool unordered(const char *a, const char *b)
{
    while (*a != '\n' && *b != '\n') {
        size_t ka = strcspn(a, "\t"), kb = strcspn(b, "\t");
        if (ka != kb || memcmp(a, b, ka) != 0) {
            size_t na = strcspn(a, "#"), nb = strcspn(b, "#");
            return na == nb && memcmp(a, b, na) == 0;
        }
        a += ka + 1;
        b += kb + 1;
    }
    return false;
}

/* Claims for T (step N) the path P that the call of ROW writes whole in
 * argument ARG: false (Conflict raised) when a call the plan does not
 * order with it wrote it in this run. */
static bool claim(task_t *t, uint32_t n, const action_t *row,
                  const char *arg, const char *p)
{
    run_t *r = t->run;
    char *name = roots_path(&r->roots, r->base_dir, p);
    strbuf_t who;
    strbuf_init(&who);
    loop_chain(r, n, t->item, &who);
    strbuf_printf(&who, "\n%s\n%s", graph_node_id(r->g, n), t->item);
    if (!name || who.oom) {
        free(name);
        strbuf_free(&who);
        r->fatal = true;
        task_fail(t, n, "Permanent", "out of memory");
        return false;
    }
    size_t len = strlen(name);
    const val_t *had = val_map_get(r->written, name, len);
    const char *before = had ? val_get_str(had, NULL) : NULL;
    bool ok = !before || !unordered(before, who.data);
    if (!ok) {
        const char *node = strchr(before, '\n') + 1;
        const char *item = strchr(node, '\n') + 1;
        task_fail(t, n, "Conflict", "%s: %s '%s' is written by item %s too "
                  "(step %.*s), and the plan does not order the two: one "
                  "would overwrite the other in whatever order they ran; "
                  "give each item a path of its own, or say replace: true "
                  "if the last write may win", row->name, arg, p, item,
                  (int)(item - node - 1), node);
    } else if (val_map_set_take(r->written, name, len,
                                val_string(who.data, who.len)) != MIG_OK) {
        r->fatal = true;
        ok = false;
        task_fail(t, n, "Permanent", "out of memory");
    }
    free(name);
    strbuf_free(&who);
    return ok;
}

/* Whether ARGS of a call to ROW say replace: true. */
static bool replacing(const val_t *args)
{
    const val_t *rep = val_map_get(args, "replace", 7);
    return rep && val_type(rep) == VAL_BOOL && val_get_bool(rep);
}

void sched_claim_record(run_t *r, const store_journal_t *rec)
{
    uint32_t n = rec->node ? graph_find(r->g, rec->node) : GRAPH_NONE;
    const action_t *row = rec->action ? action_find(r->reg, rec->action)
                                      : NULL;
    if (n == GRAPH_NONE || !row || !rec->args || replacing(rec->args)
        || (rec->state != STORE_JOURNAL_DONE
            && rec->state != STORE_JOURNAL_INTENT))
        return;
    for (const action_arg_t *a = row->args; a && a->name; a++) {
        const val_t *v = a->replaces
            ? val_map_get(rec->args, a->name, strlen(a->name)) : NULL;
        if (!v || val_type(v) != VAL_STRING)
            continue;
        char *name = roots_path(&r->roots, r->base_dir, val_get_str(v, NULL));
        strbuf_t who;
        strbuf_init(&who);
        loop_chain(r, n, rec->item ? rec->item : "", &who);
        strbuf_printf(&who, "\n%s\n%s", rec->node, rec->item ? rec->item : "");
        if (!name || who.oom
            || val_map_set_take(r->written, name, strlen(name),
                                val_string(who.data, who.len)) != MIG_OK)
            r->fatal = true;
        free(name);
        strbuf_free(&who);
    }
}

bool sched_claim_paths(task_t *t, uint32_t n, const action_t *row,
                       const val_t *args)
{
    if (!within_roots(t, n, row, args))
        return false;
    if (replacing(args))
        return true;
    for (const action_arg_t *a = row->args; a && a->name; a++) {
        const val_t *v = a->replaces
            ? val_map_get(args, a->name, strlen(a->name)) : NULL;
        if (v && val_type(v) == VAL_STRING
            && !claim(t, n, row, a->name, val_get_str(v, NULL)))
            return false;
    }
    return true;
}
