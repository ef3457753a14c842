/* graph_check.c: what the graph compiler (graph.c) checks about the plan as
 * a whole: unique stage, step and checkpoint names, `after` naming real
 * stages without cycles, and the order stages may run in. */
#include "graph_int.h"

#include <string.h>

/* ---- diagnostics ----------------------------------------------------- */

void graph_error_twice(comp_t *c, const src_span_t *span, const char *what,
                     const char *name, const src_span_t *first)
{
    diag_add(c->diags, DIAG_ERROR, c->g->src, span, "%s '%s' is defined "
             "twice; the first is at line %u", what, name, first->line);
    diag_add(c->diags, DIAG_NOTE, c->g->src, first, "the first '%s' is here",
             name);
}

/* The name among N (GET gives the K-th) closest to NAME, if close enough
 * to be a likely typo (at most two edits); NULL otherwise. Ties go to the
 * first. */
static const char *closest(const char *name,
                           const char *(*get)(const comp_t *, uint32_t),
                           const comp_t *c, uint32_t n)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (uint32_t k = 0; k < n; k++) {
        const char *cand = get(c, k);
        size_t dist = diag_distance(name, strlen(name), cand, strlen(cand));
        if (dist < best_d) {
            best_d = dist;
            best = cand;
        }
    }
    return best && best_d <= 2 && best_d < strlen(name) ? best : NULL;
}

static const char *stage_name(const comp_t *c, uint32_t k)
{
    return c->stage_ast[k]->u.stage.name.name;
}

static const char *cp_name(const comp_t *c, uint32_t k)
{
    return c->cps[k]->name;
}

/* Reports `rollback to T` when T names no checkpoint of the plan. */
void graph_check_rollback(comp_t *c, const ast_ident_t *t)
{
    if (graph_smap_get(&c->checkpoints, t->name) == GRAPH_NONE) {
        diag_t *d = diag_add(c->diags, DIAG_ERROR, c->g->src, &t->span,
                             "'rollback to %s': there is no checkpoint '%s' "
                             "in this plan", t->name, t->name);
        const char *best = closest(t->name, cp_name, c, c->n_cps);
        if (best)
            diag_hint(c->diags, d, "did you mean '%s'?", best);
        else
            diag_hint(c->diags, d, "mark the point with 'checkpoint %s' in "
                      "a stage", t->name);
    }
}

static void unknown_stage(comp_t *c, const ast_node_t *stage,
                          const ast_ident_t *dep)
{
    diag_t *d = diag_add(c->diags, DIAG_ERROR, c->g->src, &dep->span,
                         "stage '%s' is after '%s', which is not a stage of "
                         "this plan", stage->u.stage.name.name, dep->name);
    const char *best = closest(dep->name, stage_name, c, c->n_stage_ast);
    if (best)
        diag_hint(c->diags, d, "did you mean '%s'?", best);
}

/* The stages' `after` lists resolved, once: the known stages that stage
 * K runs after are DEPS[FIRST[K]..FIRST[K+1]) (indexes into stage_ast),
 * in the order written. */
typedef struct deps {
    uint32_t *first, *deps;
} deps_t;

/* Reports the cycle STACK[S..DEPTH] (each stage after the next one, the
 * last after STACK[S]) once, in the order the stages would run, from the
 * first in the file. */
static void report_cycle(comp_t *c, const uint32_t *stack, uint32_t s,
                         uint32_t depth)
{
    uint32_t len = depth - s + 1, start = 0;
    for (uint32_t q = 1; q < len; q++)
        if (stack[s + q] < stack[s + start])
            start = q;
    strbuf_t b;
    strbuf_init(&b);
    for (uint32_t q = 0; q <= len; q++) {
        uint32_t at = stack[s + (start + len - q) % len];
        strbuf_printf(&b, "%s%s", q ? " -> " : "",
                      c->stage_ast[at]->u.stage.name.name);
    }
    const ast_node_t *first = c->stage_ast[stack[s + start]];
    diag_t *d = diag_add(c->diags, DIAG_ERROR, c->g->src,
                         &first->u.stage.name.span,
                         "stages form a cycle: %s", b.oom ? "?" : b.data);
    diag_hint(c->diags, d, "a stage runs after the stages in its 'after' "
              "list; remove one of these to break the cycle");
    strbuf_free(&b);
}

/* Depth-first search from stage K for cycles, without recursion (a plan
 * may hold 200,000 stages, each after the next): STACK holds the path and
 * EDGE, for each stage on it, how many of its dependencies are done.
 * COLOR: 0 unseen, 1 on the path, 2 done. */
static void find_cycles(comp_t *c, const deps_t *d, uint32_t k,
                        uint8_t *color, uint32_t *stack, uint32_t *edge)
{
    uint32_t depth = 0;
    color[k] = 1;
    stack[0] = k;
    edge[0] = d->first[k];
    for (;;) {
        uint32_t at = stack[depth];
        if (edge[depth] == d->first[at + 1]) {
            color[at] = 2;
            if (depth-- == 0)
                return;
            continue;
        }
        uint32_t j = d->deps[edge[depth]++];
        if (color[j] == 0) {
            color[j] = 1;
            stack[++depth] = j;
            edge[depth] = d->first[j];
        } else if (color[j] == 1) {
            uint32_t s = depth;
            while (stack[s] != j)
                s--;
            report_cycle(c, stack, s, depth);
        }
    }
}

/* Resolves `after`, reports unknown stages and cycles, adds the after
 * edges and computes the stage order (ties in file order). */
/* A min-heap of stage indexes (the ready stages, first in the file on
 * top), so that ordering N stages costs O(N log N). */
static void heap_push(uint32_t *h, uint32_t *len, uint32_t k)
{
    uint32_t i = (*len)++;
    while (i && h[(i - 1) / 2] > k) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = k;
}

static uint32_t heap_pop(uint32_t *h, uint32_t *len)
{
    uint32_t top = h[0], last = h[--*len], i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, m = l + 1 < *len && h[l + 1] < h[l] ? l + 1 : l;
        if (l >= *len || h[m] >= last)
            break;
        h[i] = h[m];
        i = m;
    }
    if (*len)
        h[i] = last;
    return top;
}

void graph_order_stages(comp_t *c)
{
    uint32_t n = c->n_stage_ast;
    graph_t *g = c->g;
    uint32_t total = 0;
    for (uint32_t k = 0; k < n; k++)
        total += c->stage_ast[k]->u.stage.after.len;
    uint8_t *color = arena_alloc(g->arena, n + 1);
    uint32_t *stack = arena_alloc(g->arena, (n + 1) * sizeof(uint32_t));
    uint32_t *edge = arena_alloc(g->arena, (n + 1) * sizeof(uint32_t));
    uint32_t *missing = arena_alloc(g->arena, (n + 1) * sizeof(uint32_t));
    uint32_t *first = arena_alloc(g->arena, (n + 2) * sizeof(uint32_t));
    uint32_t *dependents = arena_alloc(g->arena,
                                       (total + 1) * sizeof(uint32_t));
    deps_t d = {
        .first = arena_alloc(g->arena, (n + 1) * sizeof(uint32_t)),
        .deps = arena_alloc(g->arena, (total + 1) * sizeof(uint32_t)),
    };
    g->stages = arena_alloc(g->arena, (n + 1) * sizeof(uint32_t));
    if (!color || !stack || !edge || !missing || !first || !dependents
        || !d.first || !d.deps || !g->stages) {
        c->oom = true;
        return;
    }
    uint32_t len = 0;
    for (uint32_t k = 0; k < n; k++) {
        const ast_idents_t *after = &c->stage_ast[k]->u.stage.after;
        d.first[k] = len;
        for (uint32_t i = 0; i < after->len; i++) {
            uint32_t j = graph_smap_get(&c->stage_names, after->items[i].name);
            if (j == GRAPH_NONE) {
                unknown_stage(c, c->stage_ast[k], &after->items[i]);
                continue;
            }
            graph_add_edge(c, c->stage_exit[j], c->stage_enter[k],
                           GRAPH_EDGE_AFTER);
            d.deps[len++] = j;
        }
        missing[k] = len - d.first[k];
    }
    d.first[n] = len;
    for (uint32_t k = 0; k < n; k++)
        if (color[k] == 0)
            find_cycles(c, &d, k, color, stack, edge);
    /* Kahn's algorithm, always taking the first ready stage in the file;
     * DEPENDENTS[FIRST[j]..FIRST[j+1]) are the stages after stage j. */
    for (uint32_t i = 0; i < len; i++)
        first[d.deps[i] + 2]++;
    for (uint32_t j = 2; j < n + 2; j++)
        first[j] += first[j - 1];
    for (uint32_t k = 0; k < n; k++)
        for (uint32_t i = d.first[k]; i < d.first[k + 1]; i++)
            dependents[first[d.deps[i] + 1]++] = k;
    /* STACK serves as the heap of ready stages: each stage enters it once,
     * when its last dependency is taken (stages in a cycle never do). */
    uint32_t ready = 0;
    for (uint32_t k = 0; k < n; k++)
        if (!missing[k])
            heap_push(stack, &ready, k);
    while (ready) {
        uint32_t k = heap_pop(stack, &ready);
        g->stages[g->n_stages++] = c->stage_enter[k];
        for (uint32_t i = first[k]; i < first[k + 1]; i++)
            if (--missing[dependents[i]] == 0)
                heap_push(stack, &ready, dependents[i]);
    }
}

/* ---- the whole plan -------------------------------------------------- */

/* The blocks nested in statement N (at most two). */
static uint32_t blocks_of(const ast_node_t *n, const ast_list_t *out[2])
{
    switch (n->kind) {
    case AST_STAGE: out[0] = &n->u.stage.body; return 1;
    case AST_HOOK: out[0] = &n->u.hook.body; return 1;
    case AST_FOREACH: out[0] = &n->u.foreach.body; return 1;
    case AST_RETRY: out[0] = &n->u.retry.body; return 1;
    case AST_RECOVER: out[0] = &n->u.recover.body; return 1;
    case AST_IF:
        out[0] = &n->u.if_.then_body;
        out[1] = &n->u.if_.else_body;
        return 2;
    default: return 0;
    }
}

/* Collects the checkpoints of BODY and below, reporting duplicates. */
static void collect_checkpoints(comp_t *c, const ast_list_t *body)
{
    for (uint32_t i = 0; i < body->len && !c->oom; i++) {
        const ast_node_t *n = body->items[i];
        if (n->kind == AST_CHECKPOINT) {
            const ast_ident_t *name = &n->u.checkpoint.name;
            uint32_t first = graph_smap_get(&c->checkpoints, name->name);
            if (first != GRAPH_NONE) {
                graph_error_twice(c, &name->span, "checkpoint", name->name,
                         &c->cps[first]->span);
            } else if (!graph_grow(c->g->arena, (void **)&c->cps, &c->cap_cps,
                             c->n_cps, sizeof(*c->cps)) ||
                       !graph_smap_put(c->g->arena, &c->checkpoints, name->name,
                                 c->n_cps)) {
                c->oom = true;
            } else {
                c->cps[c->n_cps++] = name;
            }
        }
        const ast_list_t *sub[2];
        uint32_t nb = blocks_of(n, sub);
        for (uint32_t b = 0; b < nb; b++)
            collect_checkpoints(c, sub[b]);
    }
}

/* Collects stages (reporting duplicate names) and error classes. */
void graph_collect_plan(comp_t *c)
{
    const ast_list_t *items = &c->plan->items;
    arena_t *a = c->g->arena;
    c->stage_ast = arena_alloc(a, (items->len + 1) * sizeof(*c->stage_ast));
    c->stage_enter = arena_alloc(a, (items->len + 1) * sizeof(uint32_t));
    c->stage_exit = arena_alloc(a, (items->len + 1) * sizeof(uint32_t));
    if (!c->stage_ast || !c->stage_enter || !c->stage_exit) {
        c->oom = true;
        return;
    }
    for (uint32_t i = 0; i < items->len && !c->oom; i++) {
        const ast_node_t *n = items->items[i];
        if (n->kind == AST_ERROR_DECL) {
            if (!graph_smap_put(a, &c->classes, n->u.error_decl.name.name, i))
                c->oom = true;
        } else if (n->kind == AST_STAGE) {
            const ast_ident_t *name = &n->u.stage.name;
            uint32_t first = graph_smap_get(&c->stage_names, name->name);
            if (first != GRAPH_NONE)
                graph_error_twice(c, &name->span, "stage", name->name,
                         &c->stage_ast[first]->u.stage.name.span);
            else if (!graph_smap_put(a, &c->stage_names, name->name,
                                     c->n_stage_ast))
                c->oom = true;
            c->stage_ast[c->n_stage_ast++] = n;
        }
    }
    collect_checkpoints(c, items);
}

/* Indexes the edges by their source, keeping their order. */

void graph_block_steps(const ast_list_t *body,
                       void (*fn)(void *data, const char *name), void *data)
{
    for (uint32_t i = 0; i < body->len; i++) {
        const ast_node_t *s = body->items[i];
        if (s->kind == AST_STEP) {
            fn(data, s->u.step.name.name);
        } else if (s->kind == AST_RETRY) {
            graph_block_steps(&s->u.retry.body, fn, data);
        } else if (s->kind == AST_IF) {
            graph_block_steps(&s->u.if_.then_body, fn, data);
            graph_block_steps(&s->u.if_.else_body, fn, data);
        }
    }
}
