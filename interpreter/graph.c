/* graph.c: compiles a plan's AST into its execution graph (interpreter.h,
 * docs/graph.md): one node per statement (two for blocks: entry and exit),
 * edges for sequence, stage order, error handling, undo, loops and
 * branches, and a stable id for each node (docs/graph.md has the scheme).
 * graph_check.c checks the plan as a whole and orders the stages. Later
 * stages read the graph, never the AST it came from. */
#include "graph_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers --------------------------------------------------- */

static const char *const node_kind_names[] = {
#define GRAPH_NODE_NAME(e, s) s,
    GRAPH_NODE_KINDS(GRAPH_NODE_NAME)
#undef GRAPH_NODE_NAME
};

static const char *const edge_kind_names[] = {
#define GRAPH_EDGE_NAME(e, s) s,
    GRAPH_EDGE_KINDS(GRAPH_EDGE_NAME)
#undef GRAPH_EDGE_NAME
};

const char *graph_node_kind_name(graph_node_kind_t k)
{
    return k < GRAPH_NODE_KIND_COUNT ? node_kind_names[k] : "?";
}

const char *graph_edge_kind_name(graph_edge_kind_t k)
{
    return k < GRAPH_EDGE_KIND_COUNT ? edge_kind_names[k] : "?";
}

/* The source text of SPAN on one line (graph_put_source), in the graph's
 * arena. */
static const char *src_text(comp_t *c, const src_span_t *span)
{
    strbuf_t t;
    strbuf_init(&t);
    graph_put_source(&t, c->g->src->text + span->begin,
                     span->end - span->begin);
    char *out = t.oom ? NULL : arena_strndup(c->g->arena,
                                             t.data ? t.data : "", t.len);
    strbuf_free(&t);
    if (!out) {
        c->oom = true;
        return "";
    }
    return out;
}

static const char *fmt(comp_t *c, const char *a, const char *b,
                       const char *d)
{
    size_t la = strlen(a), lb = strlen(b), ld = strlen(d);
    char *s = arena_alloc(c->g->arena, la + lb + ld + 1);
    if (!s) {
        c->oom = true;
        return "";
    }
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, d, ld);
    return s;
}

/* ---- ids and nodes --------------------------------------------------- */

/* Claims the id PREFIX/COMP (COMP alone when PREFIX is empty), or the
 * first of COMP.2, COMP.3 ... still free, for node NODE (GRAPH_NONE
 * reserves it for a node made later). NODE may be the index the next
 * node made will have (c->g->n_nodes): then add_node, given the id, need
 * not look it up again (one probe of a table of megabytes, a cache miss
 * each, on a large plan). Returns the id. */
static const char *claim_id(comp_t *c, const char *prefix, const char *comp,
                            uint32_t node)
{
    const char *sep = *prefix ? "/" : "";
    const char *base = fmt(c, prefix, sep, comp);
    const char *id = base;
    char suffix[16];
    /* Every BASE.N below the one remembered is taken (ids are never given
     * back), so the search starts there: N names alike cost N claims, not
     * N^2 / 2. */
    uint32_t k = graph_smap_get(&c->suffixes, base);
    if (k == GRAPH_NONE)
        k = 2;
    bool suffixed = false;
    graph_smap_added_t added;
    while ((added = graph_smap_add(c->g->arena, &c->g->ids, id, node, false))
           == GRAPH_SMAP_THERE) {
        snprintf(suffix, sizeof suffix, ".%u", k++);
        id = fmt(c, base, suffix, "");
        suffixed = true;
        if (c->oom)
            return "";
    }
    if (added == GRAPH_SMAP_OOM
        || (suffixed && !graph_smap_put(c->g->arena, &c->suffixes, base, k)))
        c->oom = true;
    if (node != GRAPH_NONE) {
        assert(node == c->g->n_nodes);
        c->claimed = id;
    }
    return id;
}

/* Adds a node with the id ID (already claimed: for this node, or
 * reserved); returns its index. */
static uint32_t add_node(comp_t *c, graph_node_kind_t kind, const char *id,
                         const char *label, const ast_node_t *ast,
                         uint32_t stage, uint32_t scope)
{
    graph_t *g = c->g;
    if (c->oom || !graph_grow(g->arena, (void **)&g->nodes, &g->cap_nodes,
                        g->n_nodes, sizeof(gnode_t))) {
        c->oom = true;
        return GRAPH_NONE;
    }
    uint32_t i = g->n_nodes++;
    g->nodes[i] = (gnode_t){ .kind = kind, .id = id, .label = label,
                             .span = ast->span, .ast = ast, .stage = stage,
                             .scope = scope };
    if (id != c->claimed && !graph_smap_put(g->arena, &g->ids, id, i))
        c->oom = true;
    c->claimed = NULL;
    return i;
}

void graph_add_edge(comp_t *c, uint32_t from, uint32_t to,
                     graph_edge_kind_t kind)
{
    graph_t *g = c->g;
    if (c->oom || from == GRAPH_NONE || to == GRAPH_NONE)
        return;
    if (!graph_grow(g->arena, (void **)&g->edges, &g->cap_edges, g->n_edges,
              sizeof(graph_edge_t))) {
        c->oom = true;
        return;
    }
    g->edges[g->n_edges++] = (graph_edge_t){ from, to, kind };
}

/* ---- error classes: how specific a handler is ------------------------ */

/* NAME is NULL for the parent of a plan class declared without one. */
static uint32_t class_depth(const comp_t *c, const char *name, uint32_t guard)
{
    if (!name)
        return 0;
    if (strcmp(name, "*") == 0)
        return 0;
    error_class_t b = error_class_find(name);
    if (b != ERROR_NONE) {
        uint32_t depth = 1;
        while ((b = error_class_parent(b)) != ERROR_NONE)
            depth++;
        return depth;
    }
    uint32_t decl = graph_smap_get(&c->classes, name);
    if (decl == GRAPH_NONE || guard > 64)
        return 1;
    const ast_node_t *d = c->plan->items.items[decl];
    return 1 + class_depth(c, d->u.error_decl.parent.name, guard + 1);
}

/* A handler's rank: its most specific class's depth ('*' ranks 0). */
static uint32_t recover_rank(const comp_t *c, const ast_node_t *r)
{
    uint32_t best = 0;
    for (uint32_t i = 0; i < r->u.recover.classes.len; i++) {
        uint32_t d = class_depth(c, r->u.recover.classes.items[i].name, 0);
        if (d > best)
            best = d;
    }
    return best;
}

/* Adds error edges from FROM to the handler nodes H[0..N), most specific
 * first, ties in the order written; handlers ranked above 64 get none.
 * Each handler is ranked once (ranking looks classes up by name). */
static void add_error_edges(comp_t *c, uint32_t from, const uint32_t *h,
                            uint32_t n)
{
    uint32_t *ranks = arena_alloc(c->g->arena, (n ? n : 1) * sizeof(uint32_t));
    if (!ranks) {
        c->oom = true;
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        ranks[i] = recover_rank(c, c->g->nodes[h[i]].ast);
    for (uint32_t rank = 64; rank + 1 > 0; rank--)
        for (uint32_t i = 0; i < n; i++)
            if (ranks[i] == rank)
                graph_add_edge(c, from, h[i], GRAPH_EDGE_ERROR);
}

/* ---- statements ------------------------------------------------------ */

/* Where a block's statements go: their ids' prefix, their stage, their
 * scope, and the handlers found among them. */
typedef struct frame {
    const char *prefix;
    uint32_t stage, scope;
    uint32_t *handlers;
    uint32_t n_handlers, cap_handlers;
    smap_t *steps;              /* the stage's step names, or NULL */
} frame_t;

/* What compiling one statement gives: the node the flow enters by (NONE
 * when the statement is not in the flow: recover, hook) and the node the
 * flow leaves by (NONE when it never falls through: a decision). */
typedef struct link {
    uint32_t entry, tail;
} link_t;

typedef link_t (*stmt_fn)(comp_t *c, frame_t *f, const ast_node_t *n);

static uint32_t compile_block(comp_t *c, frame_t *f, const ast_list_t *body,
                              uint32_t from, graph_edge_kind_t first,
                              graph_edge_kind_t *pending);

/* Compiles BODY, a block that ends in a decision (a recover block), under
 * PREFIX and SCOPE, entered from FROM by a sequence edge. */
static void compile_sub(comp_t *c, const frame_t *outer, const char *prefix,
                        uint32_t scope, const ast_list_t *body, uint32_t from)
{
    frame_t f = { .prefix = prefix, .stage = outer->stage, .scope = scope,
                  .steps = outer->steps };
    graph_edge_kind_t pending;
    compile_block(c, &f, body, from, GRAPH_EDGE_SEQ, &pending);
}

static link_t simple(comp_t *c, frame_t *f, const ast_node_t *n,
                     graph_node_kind_t kind, const char *comp,
                     const char *label)
{
    const char *id = claim_id(c, f->prefix, comp, c->g->n_nodes);
    uint32_t i = add_node(c, kind, id, label, n, f->stage, f->scope);
    return (link_t){ i, i };
}

static link_t do_step(comp_t *c, frame_t *f, const ast_node_t *n)
{
    const char *name = n->u.step.name.name;
    if (f->steps) {
        uint32_t first = graph_smap_get(f->steps, name);
        if (first != GRAPH_NONE)
            graph_error_twice(c, &n->u.step.name.span, "step", name,
                     &c->g->nodes[first].ast->u.step.name.span);
    }
    const ast_node_t *call = n->u.step.call;
    const char *label = fmt(c, name, " = ",
                            src_text(c, &call->u.call.callee->span));
    link_t l = simple(c, f, n, GRAPH_STEP, name, label);
    if (f->steps && graph_smap_add(c->g->arena, f->steps, name, l.entry,
                                   false) == GRAPH_SMAP_OOM)
        c->oom = true;
    if (n->u.step.undo && !c->oom) {
        const ast_node_t *u = n->u.step.undo;
        const char *id = claim_id(c, c->g->nodes[l.entry].id, "undo",
                                  c->g->n_nodes);
        const char *ulabel = fmt(c, "undo ",
                                src_text(c, &u->u.call.callee->span), "");
        uint32_t ui = add_node(c, GRAPH_UNDO, id, ulabel, n, f->stage,
                               f->scope);
        if (ui != GRAPH_NONE)
            c->g->nodes[ui].span = u->span;
        graph_add_edge(c, l.entry, ui, GRAPH_EDGE_UNDO);
    }
    return l;
}

static link_t do_let(comp_t *c, frame_t *f, const ast_node_t *n)
{
    const char *name = n->u.binding.name.name;
    return simple(c, f, n, GRAPH_LET, fmt(c, "let.", name, ""),
                  fmt(c, "let ", name, ""));
}

static link_t do_checkpoint(comp_t *c, frame_t *f, const ast_node_t *n)
{
    const char *name = n->u.checkpoint.name.name;
    return simple(c, f, n, GRAPH_CHECKPOINT, fmt(c, "checkpoint.", name, ""),
                  fmt(c, "checkpoint ", name, ""));
}

static link_t do_snapshot(comp_t *c, frame_t *f, const ast_node_t *n)
{
    const char *name = n->u.snapshot.name.name;
    return simple(c, f, n, GRAPH_SNAPSHOT, fmt(c, "snapshot.", name, ""),
                  fmt(c, "snapshot ", name, ""));
}

static link_t do_verify(comp_t *c, frame_t *f, const ast_node_t *n)
{
    return simple(c, f, n, GRAPH_VERIFY, "verify",
                  fmt(c, "verify ", src_text(c, &n->u.verify.cond->span), ""));
}

static link_t do_decision(comp_t *c, frame_t *f, const ast_node_t *n)
{
    if (n->u.decision.what == AST_DECIDE_ROLLBACK)
        graph_check_rollback(c, &n->u.decision.target);
    link_t l = simple(c, f, n, GRAPH_DECISION,
                      ast_decision_name(n->u.decision.what),
                      src_text(c, &n->span));
    l.tail = GRAPH_NONE;
    return l;
}

static link_t do_foreach(comp_t *c, frame_t *f, const ast_node_t *n)
{
    const char *var = n->u.foreach.var.name;
    const char *id = claim_id(c, f->prefix, fmt(c, "foreach.", var, ""),
                              c->g->n_nodes);
    const char *join = claim_id(c, id, "join", GRAPH_NONE);
    uint32_t out = add_node(c, GRAPH_FANOUT, id,
                            fmt(c, "foreach ", var, fmt(c, " in ",
                                src_text(c, &n->u.foreach.iterable->span), "")),
                            n, f->stage, f->scope);
    uint32_t in;
    /* The fan-in is made after the body so that nodes stay in file order. */
    frame_t body = { .prefix = id, .stage = f->stage, .scope = out,
                     .steps = f->steps };
    graph_edge_kind_t pending = GRAPH_EDGE_LOOP;
    uint32_t tail = compile_block(c, &body, &n->u.foreach.body, out,
                                  GRAPH_EDGE_LOOP, &pending);
    in = add_node(c, GRAPH_FANIN, join, fmt(c, "end foreach ", var, ""), n,
                  f->stage, f->scope);
    if (tail != GRAPH_NONE)
        graph_add_edge(c, tail, in, GRAPH_EDGE_LOOP);
    return (link_t){ out, in };
}

static link_t do_retry(comp_t *c, frame_t *f, const ast_node_t *n)
{
    const char *id = claim_id(c, f->prefix, "retry", c->g->n_nodes);
    const char *exit_id = claim_id(c, id, "exit", GRAPH_NONE);
    const char *label = fmt(c, "retry ",
                            src_text(c, &n->u.retry.attempts->span), "");
    uint32_t enter = add_node(c, GRAPH_RETRY_ENTER, id, label, n, f->stage,
                              f->scope);
    frame_t body = { .prefix = id, .stage = f->stage, .scope = enter,
                     .steps = f->steps };
    graph_edge_kind_t pending = GRAPH_EDGE_SEQ;
    uint32_t tail = compile_block(c, &body, &n->u.retry.body, enter,
                                  GRAPH_EDGE_SEQ, &pending);
    uint32_t exit_ = add_node(c, GRAPH_RETRY_EXIT, exit_id, "end retry", n,
                              f->stage, f->scope);
    graph_add_edge(c, tail, exit_, GRAPH_EDGE_SEQ);
    return (link_t){ enter, exit_ };
}

static link_t do_if(comp_t *c, frame_t *f, const ast_node_t *n)
{
    const char *id = claim_id(c, f->prefix, "if", c->g->n_nodes);
    const char *join_id = claim_id(c, id, "join", GRAPH_NONE);
    uint32_t br = add_node(c, GRAPH_BRANCH, id,
                           fmt(c, "if ", src_text(c, &n->u.if_.cond->span), ""),
                           n, f->stage, f->scope);
    /* Both blocks are compiled before the join exists: edges to it are
     * made once it does, from the tails remembered here. */
    frame_t tb = { .prefix = fmt(c, id, "/then", ""), .stage = f->stage,
                   .scope = br, .steps = f->steps };
    frame_t eb = { .prefix = fmt(c, id, "/else", ""), .stage = f->stage,
                   .scope = br, .steps = f->steps };
    graph_edge_kind_t tk = GRAPH_EDGE_THEN, ek = GRAPH_EDGE_ELSE;
    uint32_t tt = compile_block(c, &tb, &n->u.if_.then_body, br,
                                GRAPH_EDGE_THEN, &tk);
    uint32_t et = compile_block(c, &eb, &n->u.if_.else_body, br,
                                GRAPH_EDGE_ELSE, &ek);
    uint32_t join = add_node(c, GRAPH_JOIN, join_id, "end if", n, f->stage,
                             f->scope);
    graph_add_edge(c, tt, join, tk);
    graph_add_edge(c, et, join, ek);
    return (link_t){ br, join };
}

static link_t do_recover(comp_t *c, frame_t *f, const ast_node_t *n)
{
    const ast_idents_t *cls = &n->u.recover.classes;
    const char *comp = "recover.", *label = "recover ";
    for (uint32_t i = 0; i < cls->len; i++) {
        const char *name = cls->items[i].name;
        comp = fmt(c, comp, i ? "+" : "", strcmp(name, "*") ? name : "any");
        label = fmt(c, label, i ? ", " : "", name);
    }
    link_t l = simple(c, f, n, GRAPH_RECOVER, comp, label);
    if (!graph_grow(c->g->arena, (void **)&f->handlers, &f->cap_handlers,
              f->n_handlers, sizeof(uint32_t))) {
        c->oom = true;
        return (link_t){ GRAPH_NONE, GRAPH_NONE };
    }
    f->handlers[f->n_handlers++] = l.entry;
    if (!n->u.recover.handler && l.entry != GRAPH_NONE)
        compile_sub(c, f, c->g->nodes[l.entry].id, l.entry,
                    &n->u.recover.body, l.entry);
    return (link_t){ GRAPH_NONE, GRAPH_NONE };
}

static link_t do_hook(comp_t *c, frame_t *f, const ast_node_t *n)
{
    static const char *const comps[] = { "on-failure", "on-success",
                                         "finally" };
    const char *word = ast_hook_name(n->u.hook.when);
    const char *id = claim_id(c, f->prefix, comps[n->u.hook.when],
                              c->g->n_nodes);
    const char *exit_id = claim_id(c, id, "exit", GRAPH_NONE);
    uint32_t enter = add_node(c, GRAPH_HOOK_ENTER, id, word, n, f->stage,
                              f->scope);
    frame_t body = { .prefix = id, .stage = f->stage, .scope = enter,
                     .steps = f->steps };
    graph_edge_kind_t pending = GRAPH_EDGE_SEQ;
    uint32_t tail = compile_block(c, &body, &n->u.hook.body, enter,
                                  GRAPH_EDGE_SEQ, &pending);
    uint32_t exit_ = add_node(c, GRAPH_HOOK_EXIT, exit_id,
                              fmt(c, "end ", word, ""), n, f->stage, f->scope);
    graph_add_edge(c, tail, exit_, GRAPH_EDGE_SEQ);
    return (link_t){ GRAPH_NONE, GRAPH_NONE };
}

static link_t do_stage(comp_t *c, frame_t *f, const ast_node_t *n);

static link_t do_nothing(comp_t *c, frame_t *f, const ast_node_t *n)
{
    (void)c, (void)f, (void)n;
    return (link_t){ GRAPH_NONE, GRAPH_NONE };
}

/* What each statement compiles to; plan items that make no node (param,
 * profile, lua, error, version ...) are left NULL. */
static const stmt_fn stmt_table[AST_KIND_COUNT] = {
    [AST_STAGE] = do_stage, [AST_HOOK] = do_hook, [AST_STEP] = do_step,
    [AST_LET] = do_let, [AST_CHECKPOINT] = do_checkpoint,
    [AST_SNAPSHOT] = do_snapshot,
    [AST_FOREACH] = do_foreach, [AST_RETRY] = do_retry,
    [AST_RECOVER] = do_recover, [AST_VERIFY] = do_verify, [AST_IF] = do_if,
    [AST_DECISION] = do_decision,
};

/* Compiles the statements of BODY in F, chaining them by sequence edges
 * from FROM (the first edge of kind FIRST). Returns the node the block
 * falls through from (FROM when it holds nothing in the flow, GRAPH_NONE
 * when it ends in a decision); *PENDING gets the kind the edge out of it
 * should have (FIRST while nothing was chained). Error edges go from the
 * block's scope to its handlers. */
static uint32_t compile_block(comp_t *c, frame_t *f, const ast_list_t *body,
                              uint32_t from, graph_edge_kind_t first,
                              graph_edge_kind_t *pending)
{
    uint32_t tail = from;
    *pending = first;
    for (uint32_t i = 0; i < body->len && !c->oom; i++) {
        const ast_node_t *n = body->items[i];
        stmt_fn fn = stmt_table[n->kind] ? stmt_table[n->kind] : do_nothing;
        link_t l = fn(c, f, n);
        if (l.entry == GRAPH_NONE)
            continue;
        if (tail != GRAPH_NONE) {
            graph_add_edge(c, tail, l.entry, *pending);
            *pending = GRAPH_EDGE_SEQ;
        }
        tail = l.tail;
    }
    if (f->scope != GRAPH_NONE && f->n_handlers)
        add_error_edges(c, f->scope, f->handlers, f->n_handlers);
    return tail;
}

/* ---- stages ---------------------------------------------------------- */

static link_t do_stage(comp_t *c, frame_t *f, const ast_node_t *n)
{
    (void)f;
    const char *name = n->u.stage.name.name;
    const char *id = claim_id(c, "", name, GRAPH_NONE);
    const char *enter_id = claim_id(c, id, "enter", c->g->n_nodes);
    const char *exit_id = claim_id(c, id, "exit", GRAPH_NONE);
    uint32_t enter = add_node(c, GRAPH_STAGE_ENTER, enter_id,
                              fmt(c, "stage ", name, ""), n, GRAPH_NONE,
                              GRAPH_NONE);
    if (c->oom)
        return (link_t){ GRAPH_NONE, GRAPH_NONE };
    c->g->nodes[enter].stage = enter;
    if (!graph_smap_put(c->g->arena, &c->g->ids, id, enter))
        c->oom = true;
    smap_t steps = { 0 };
    frame_t body = { .prefix = id, .stage = enter, .scope = enter,
                     .steps = &steps };
    graph_edge_kind_t pending;
    uint32_t tail = compile_block(c, &body, &n->u.stage.body, enter,
                                  GRAPH_EDGE_SEQ, &pending);
    uint32_t exit_ = add_node(c, GRAPH_STAGE_EXIT, exit_id,
                              fmt(c, "end of stage ", name, ""), n, enter,
                              enter);
    graph_add_edge(c, tail, exit_, GRAPH_EDGE_SEQ);
    c->stage_enter[c->n_stage_done] = enter;
    c->stage_exit[c->n_stage_done++] = exit_;
    return (link_t){ GRAPH_NONE, GRAPH_NONE };
}

static bool index_edges(graph_t *g)
{
    g->out = arena_alloc(g->arena, (g->n_edges + 1) * sizeof(graph_edge_t));
    g->out_start = arena_alloc(g->arena, (g->n_nodes + 2) * sizeof(uint32_t));
    if (!g->out || !g->out_start)
        return false;
    for (uint32_t e = 0; e < g->n_edges; e++)
        g->out_start[g->edges[e].from + 2]++;
    for (uint32_t i = 2; i < g->n_nodes + 2; i++)
        g->out_start[i] += g->out_start[i - 1];
    for (uint32_t e = 0; e < g->n_edges; e++)
        g->out[g->out_start[g->edges[e].from + 1]++] = g->edges[e];
    return true;
}

static const char *plan_name(comp_t *c)
{
    const char *text;
    uint32_t len;
    if (!ast_string_is_plain(c->plan->name, &text, &len))
        return "";
    char *s = arena_strndup(c->g->arena, text, len);
    if (!s)
        c->oom = true;
    return s ? s : "";
}

mig_status_t graph_compile(const ast_plan_t *plan, src_t *src,
                           diag_list_t *diags, graph_t **out)
{
    *out = NULL;
    arena_t *a = arena_new();
    graph_t *g = a ? arena_alloc(a, sizeof(*g)) : NULL;
    if (!g) {
        arena_free(a);
        return MIG_ENOMEM;
    }
    g->arena = a;
    g->src = src;
    g->plan = plan;
    comp_t c = { .g = g, .plan = plan, .diags = diags };
    size_t errors = diags->errors;
    g->name = plan_name(&c);
    graph_collect_plan(&c);
    frame_t top = { .prefix = "", .stage = GRAPH_NONE, .scope = GRAPH_NONE };
    graph_edge_kind_t pending;
    if (!c.oom)
        compile_block(&c, &top, &plan->items, GRAPH_NONE, GRAPH_EDGE_SEQ,
                      &pending);
    /* A recover in the plan body covers every stage, after its own. */
    for (uint32_t k = 0; k < c.n_stage_done && !c.oom; k++)
        add_error_edges(&c, c.stage_enter[k], top.handlers, top.n_handlers);
    if (!c.oom)
        graph_order_stages(&c);
    if (!c.oom && !index_edges(g))
        c.oom = true;
    if (c.oom || diags->out_of_memory) {
        arena_free(a);
        return MIG_ENOMEM;
    }
    if (diags->errors > errors) {
        arena_free(a);
        return MIG_EINVALID;
    }
    *out = g;
    return MIG_OK;
}

void graph_free(graph_t *g)
{
    if (g)
        arena_free(g->arena);
}

/* ---- reading a graph ------------------------------------------------- */

const char *graph_plan_name(const graph_t *g) { return g->name; }
const ast_plan_t *graph_plan(const graph_t *g) { return g->plan; }

const char *graph_class_parent(const graph_t *g, const char *cls)
{
    error_class_t b = error_class_find(cls);
    if (b != ERROR_NONE) {
        error_class_t p = error_class_parent(b);
        return p == ERROR_NONE ? NULL : error_class_name(p);
    }
    for (uint32_t i = 0; i < g->plan->items.len; i++) {
        const ast_node_t *d = g->plan->items.items[i];
        if (d->kind == AST_ERROR_DECL && strcmp(d->u.error_decl.name.name,
                                                cls) == 0)
            return d->u.error_decl.parent.name && *d->u.error_decl.parent.name
                ? d->u.error_decl.parent.name : NULL;
    }
    return NULL;
}
src_t *graph_src(const graph_t *g) { return g->src; }
uint32_t graph_node_count(const graph_t *g) { return g->n_nodes; }
uint32_t graph_edge_count(const graph_t *g) { return g->n_edges; }
uint32_t graph_stage_count(const graph_t *g) { return g->n_stages; }

uint32_t graph_find(const graph_t *g, const char *id)
{
    return graph_smap_get(&g->ids, id);
}

static const gnode_t *node(const graph_t *g, uint32_t i)
{
    assert(i < g->n_nodes);
    return &g->nodes[i];
}

graph_node_kind_t graph_node_kind(const graph_t *g, uint32_t i)
{
    return node(g, i)->kind;
}

const char *graph_node_id(const graph_t *g, uint32_t i)
{
    return node(g, i)->id;
}

const char *graph_node_label(const graph_t *g, uint32_t i)
{
    return node(g, i)->label;
}

const src_span_t *graph_node_span(const graph_t *g, uint32_t i)
{
    return &node(g, i)->span;
}

const ast_node_t *graph_node_ast(const graph_t *g, uint32_t i)
{
    return node(g, i)->ast;
}

uint32_t graph_node_stage(const graph_t *g, uint32_t i)
{
    return node(g, i)->stage;
}

uint32_t graph_node_scope(const graph_t *g, uint32_t i)
{
    return node(g, i)->scope;
}

graph_edge_t graph_edge(const graph_t *g, uint32_t i)
{
    assert(i < g->n_edges);
    return g->edges[i];
}

const graph_edge_t *graph_out(const graph_t *g, uint32_t i, uint32_t *n)
{
    assert(i < g->n_nodes);
    *n = g->out_start[i + 1] - g->out_start[i];
    return g->out + g->out_start[i];
}

uint32_t graph_stage_at(const graph_t *g, uint32_t k)
{
    assert(k < g->n_stages);
    return g->stages[k];
}

/* ---- walking the flow ------------------------------------------------ */

uint32_t graph_flow_next(const graph_t *g, uint32_t n)
{
    uint32_t k;
    const graph_edge_t *e = graph_out(g, n, &k);
    for (uint32_t i = 0; i < k; i++)
        if (e[i].kind == GRAPH_EDGE_SEQ || e[i].kind == GRAPH_EDGE_LOOP)
            return e[i].to;
    return GRAPH_NONE;
}

uint32_t graph_edge_to(const graph_t *g, uint32_t n, graph_edge_kind_t kind)
{
    uint32_t k;
    const graph_edge_t *e = graph_out(g, n, &k);
    for (uint32_t i = 0; i < k; i++)
        if (e[i].kind == kind)
            return e[i].to;
    return GRAPH_NONE;
}

uint32_t graph_end_of(const graph_t *g, uint32_t n, const char *what)
{
    const char *id = graph_node_id(g, n);
    if (graph_node_kind(g, n) == GRAPH_STAGE_ENTER)
        id = graph_node_ast(g, n)->u.stage.name.name;
    char buf[512];
    int len = snprintf(buf, sizeof buf, "%s/%s", id, what);
    if (len < 0 || (size_t)len >= sizeof buf) {
        char *big = malloc((size_t)len + 1);
        if (!big)
            return GRAPH_NONE;
        snprintf(big, (size_t)len + 1, "%s/%s", id, what);
        uint32_t end = graph_find(g, big);
        free(big);
        return end;
    }
    return graph_find(g, buf);
}
