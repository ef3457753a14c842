/* dryrun_fail.c: what a failure the dry run foresees means (dryrun_int.h):
 * the run would stop there, unless the plan absorbs it as the run would,
 * by a recover block that matches its class or by a foreach's `tolerate`
 * (docs/plan.md, "Failures foreseen"). */
#include <math.h>
#include <string.h>

#include "dryrun_int.h"

/* Whether error class CLS is one of WANT ('*': every class), through the
 * built-in and the plan's own hierarchy (as sched_class_is). */
static bool class_is(const dry_t *d, const char *cls, const char *want)
{
    if (strcmp(want, "*") == 0)
        return true;
    for (int guard = 0; cls && guard < 64; guard++) {
        if (strcmp(cls, want) == 0)
            return true;
        cls = graph_class_parent(d->g, cls);
    }
    return false;
}

/* The recover block that a run would hand an error of class CLS raised
 * at node N to (the innermost scope with a matching one), or GRAPH_NONE. */
static uint32_t handler_of(const dry_t *d, uint32_t n, const char *cls)
{
    for (uint32_t s = graph_node_scope(d->g, n); s != GRAPH_NONE;
         s = graph_node_scope(d->g, s)) {
        uint32_t k;
        const graph_edge_t *e = graph_out(d->g, s, &k);
        for (uint32_t i = 0; i < k; i++) {
            if (e[i].kind != GRAPH_EDGE_ERROR)
                continue;
            const ast_idents_t *cl =
                &graph_node_ast(d->g, e[i].to)->u.recover.classes;
            for (uint32_t j = 0; j < cl->len; j++)
                if (class_is(d, cls, cl->items[j].name))
                    return e[i].to;
        }
    }
    return GRAPH_NONE;
}

/* A failure of class CLS foreseen at node N, its messages from index
 * FROM of the list on: when a recover block would take it, the run does
 * not stop there but lets the handler decide, so it is not a failure of
 * the dry run: its errors become warnings, a note names the handler, and
 * it counts as handled (M's "handled_by": the recover's node). Else it
 * counts as a failure. */
void dry_foreseen_failure(dry_t *d, uint32_t n, const char *cls,
                             size_t from, val_t *m)
{
    uint32_t h = handler_of(d, n, cls);
    if (h == GRAPH_NONE) {
        d->n_failures++;
        return;
    }
    for (size_t i = from; i < d->diags->len; i++) {
        diag_t *x = &d->diags->items[i];
        if (x->severity == DIAG_ERROR) {
            x->severity = DIAG_WARNING;
            d->diags->errors--;
            d->diags->warnings++;
        }
    }
    d->n_handled++;
    dry_put_str(d, m, "handled_by", graph_node_id(d->g, h));
    diag_add(d->diags, DIAG_NOTE, d->src, graph_node_span(d->g, h),
             "in a run, this recover takes the %s error and decides", cls);
}

/* The items of a foreach over N that `tolerate` lets fail, as the run
 * counts them (sched_foreach.c). */
static size_t tolerance(const ast_node_t *f, size_t n)
{
    double v = f->u.foreach.tolerate->u.number.value;
    return f->u.foreach.tolerate_percent ? (size_t)floor(v / 100.0 * (double)n)
                                         : (size_t)v;
}

/* Foreseen failures of the items of foreach F (each item's: FAILS[i],
 * and the messages DIAGS[i] to DIAGS[i+1]): when `tolerate` lets that
 * many items fail, the run goes on as the run would, so they are not
 * failures of the dry run: their errors become warnings, a note says
 * why, and they count as tolerated. */
void dry_tolerate_items(dry_t *d, const ast_node_t *f, val_t *m,
                           size_t n_items, const uint32_t *fails,
                           const size_t *diags)
{
    size_t failed = 0;
    uint32_t sum = 0;
    for (size_t i = 0; i < n_items; i++) {
        failed += fails[i] > 0;
        sum += fails[i];
    }
    size_t allowed = tolerance(f, n_items);
    if (!failed || failed > allowed)
        return;
    for (size_t i = diags[0]; i < diags[n_items]; i++) {
        diag_t *x = &d->diags->items[i];
        if (x->severity != DIAG_ERROR)
            continue;
        x->severity = DIAG_WARNING;
        d->diags->errors--;
        d->diags->warnings++;
    }
    d->n_failures -= sum;
    d->n_tolerated += sum;
    dry_put(d, m, "tolerated", val_int((int64_t)failed));
    val_t *as_written = val_map_get(m, "tolerate", 8);
    diag_add(d->diags, DIAG_NOTE, d->src, &f->u.foreach.tolerate->span,
             "'tolerate %s' lets %zu of the %zu items fail, and %zu would: "
             "the run goes on", val_get_str(as_written, NULL), allowed,
             n_items, failed);
}

