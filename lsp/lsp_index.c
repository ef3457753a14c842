/* lsp_index.c: every place a plan defines or uses a name (stages, steps,
 * lets, checkpoints, snapshots, params, foreach variables, Lua modules,
 * error classes), found by one walk over the AST, for definition,
 * references, rename, hover and symbols. Uses are tied to their
 * definition by name within the kind the syntax allows there; step, stage
 * and checkpoint names are unique in a plan (graph_compile), so this is
 * exact for them; a let or foreach variable is tied to the nearest
 * earlier one of its name; a snapshot's name taken again, to the first
 * statement that takes it. */
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"

static const struct {
    const char *name;
    int symbol;
} kinds[] = {
#define LSP_KIND_ROW(e, s, k) { s, k },
    LSP_NAME_KINDS(LSP_KIND_ROW)
#undef LSP_KIND_ROW
};

const char *lsp_kind_name(lsp_kind_t k)
{
    return kinds[k].name;
}

int lsp_kind_symbol(lsp_kind_t k)
{
    return kinds[k].symbol;
}

typedef struct walk {
    lsp_doc_t *doc;
    int32_t stage;      /* the stage being walked, or -1 */
    bool defs;          /* the first pass: definitions only */
} walk_t;

/* The table's kind for K: lets and foreach variables share one. */
static lsp_kind_t table_kind(lsp_kind_t k)
{
    return k == LSP_KIND_VAR ? LSP_KIND_LET : k;
}

static size_t hash(lsp_kind_t kind, const char *name, size_t len)
{
    size_t h = 2166136261u ^ (size_t)kind;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h;
}

/* The slot of (KIND, NAME): the one holding it, or the empty one where
 * it would go. */
static size_t slot_of(const lsp_index_t *x, lsp_kind_t kind, const char *name,
                      size_t len)
{
    size_t mask = x->n_slots - 1, i = hash(kind, name, len) & mask;
    for (;; i = (i + 1) & mask) {
        int32_t k = x->slots[i];
        if (k < 0)
            return i;
        const lsp_occ_t *o = &x->items[k];
        if (table_kind(o->kind) == kind && strncmp(o->name, name, len) == 0
            && o->name[len] == '\0')
            return i;
    }
}

/* Enters definition K in the table (the first of its name wins, the
 * latest for lets and variables). */
static void table_put(lsp_index_t *x, int32_t k)
{
    const lsp_occ_t *o = &x->items[k];
    lsp_kind_t kind = table_kind(o->kind);
    size_t i = slot_of(x, kind, o->name, strlen(o->name));
    if (x->slots[i] < 0)
        x->n_defs++;
    if (x->slots[i] < 0 || kind == LSP_KIND_LET)
        x->slots[i] = k;
}

/* Keeps the table at most half full. */
static bool table_grow(lsp_index_t *x)
{
    if (x->n_slots && (x->n_defs + 1) * 2 <= x->n_slots)
        return true;
    size_t n = x->n_slots ? x->n_slots * 2 : 256;
    int32_t *slots = malloc(n * sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < n; i++)
        slots[i] = -1;
    free(x->slots);
    x->slots = slots;
    x->n_slots = n;
    x->n_defs = 0;
    for (size_t k = 0; k < x->len; k++)
        if (x->items[k].def)
            table_put(x, (int32_t)k);
    return true;
}

static int32_t add(walk_t *w, lsp_kind_t kind, const ast_ident_t *id,
                   bool def, int32_t target, const ast_node_t *node)
{
    lsp_index_t *x = &w->doc->index;
    if (!id->name || !*id->name || id->span.end <= id->span.begin)
        return -1;
    if (x->len == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        lsp_occ_t *p = realloc(x->items, cap * sizeof *p);
        if (!p) {
            x->oom = true;
            return -1;
        }
        x->items = p;
        x->cap = cap;
    }
    if (def && !table_grow(x)) {
        x->oom = true;
        return -1;
    }
    x->items[x->len] = (lsp_occ_t){ .kind = kind, .name = id->name,
        .begin = id->span.begin, .end = id->span.end, .def = def,
        .target = def ? -1 : target, .stage = w->stage, .node = node };
    if (def)
        table_put(x, (int32_t)x->len);
    return (int32_t)x->len++;
}

int32_t lsp_index_find(const lsp_doc_t *d, lsp_kind_t kind, const char *name,
                       size_t len)
{
    const lsp_index_t *x = &d->index;
    if (!x->n_slots)
        return -1;
    int32_t k = x->slots[slot_of(x, table_kind(kind), name, len)];
    return k >= 0 && x->items[k].kind == kind ? k : -1;
}

/* The value a bare NAME stands for: the latest let or foreach variable
 * of that name written before it, else a step, a param, a Lua module or
 * a stage (the order in which the checker resolves names). */
static int32_t find_value(const walk_t *w, const char *name, uint32_t at)
{
    const lsp_doc_t *d = w->doc;
    size_t len = strlen(name);
    int32_t k = d->index.n_slots
              ? d->index.slots[slot_of(&d->index, LSP_KIND_LET, name, len)]
              : -1;
    if (k >= 0 && d->index.items[k].begin < at)
        return k;
    static const lsp_kind_t order[] = { LSP_KIND_STEP, LSP_KIND_PARAM,
                                        LSP_KIND_LUA, LSP_KIND_STAGE };
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        k = lsp_index_find(d, order[i], name, len);
        if (k >= 0)
            return k;
    }
    return -1;
}

static void walk_expr(walk_t *w, const ast_node_t *e);

static void use(walk_t *w, lsp_kind_t kind, const ast_ident_t *id)
{
    if (!id->name)
        return;
    int32_t t = lsp_index_find(w->doc, kind, id->name, strlen(id->name));
    if (t >= 0)
        add(w, kind, id, false, t, NULL);
}

static void walk_args(walk_t *w, const ast_args_t *args)
{
    for (uint32_t i = 0; i < args->len; i++)
        walk_expr(w, args->items[i].value);
}

static void walk_expr(walk_t *w, const ast_node_t *e)
{
    if (!e)
        return;
    switch (e->kind) {
    case AST_NAME: {
        if (!e->u.name.name)
            break;
        int32_t t = find_value(w, e->u.name.name, e->span.begin);
        if (t >= 0)
            add(w, w->doc->index.items[t].kind, &e->u.name, false, t, NULL);
        break;
    }
    case AST_FIELD: {
        const ast_node_t *o = e->u.field.object;
        walk_expr(w, o);
        /* stage.step: the step of that stage */
        if (o && o->kind == AST_NAME && o->u.name.name) {
            int32_t t = find_value(w, o->u.name.name, o->span.begin);
            if (t >= 0 && w->doc->index.items[t].kind == LSP_KIND_STAGE)
                use(w, LSP_KIND_STEP, &e->u.field.field);
        }
        break;
    }
    case AST_INDEX:
        walk_expr(w, e->u.index.object);
        walk_expr(w, e->u.index.index);
        break;
    case AST_CALL:
        walk_expr(w, e->u.call.callee);
        walk_args(w, &e->u.call.args);
        break;
    case AST_UNARY:
        walk_expr(w, e->u.unary.operand);
        break;
    case AST_BINARY:
        walk_expr(w, e->u.binary.left);
        walk_expr(w, e->u.binary.right);
        break;
    case AST_LIST:
        for (uint32_t i = 0; i < e->u.list.len; i++)
            walk_expr(w, e->u.list.items[i]);
        break;
    case AST_MAP:
        walk_args(w, &e->u.map);
        break;
    case AST_STRING:
        for (uint32_t i = 0; i < e->u.string.n_parts; i++)
            walk_expr(w, e->u.string.parts[i].expr);
        break;
    default:
        break;
    }
}

static void walk_body(walk_t *w, const ast_list_t *body);

static void walk_classes(walk_t *w, const ast_idents_t *ids)
{
    for (uint32_t i = 0; i < ids->len; i++)
        use(w, LSP_KIND_ERROR, &ids->items[i]);
}

/* Adds the definitions of one statement; its uses come in a second pass
 * (walk_uses), once every name is known. */
static void walk_stmt(walk_t *w, const ast_node_t *s)
{
    bool defs = w->defs;
    switch (s->kind) {
    case AST_STEP:
        if (defs) {
            add(w, LSP_KIND_STEP, &s->u.step.name, true, -1, s);
        } else {
            walk_expr(w, s->u.step.call);
            walk_expr(w, s->u.step.undo);
            walk_expr(w, s->u.step.timeout);
            walk_expr(w, s->u.step.when);
        }
        break;
    case AST_LET:
        /* lets are defined in the use pass, so that a use sees only the
         * ones written before it */
        if (!defs) {
            walk_expr(w, s->u.binding.value);
            add(w, LSP_KIND_LET, &s->u.binding.name, true, -1, s);
        }
        break;
    case AST_CHECKPOINT:
        if (defs)
            add(w, LSP_KIND_CHECKPOINT, &s->u.checkpoint.name, true, -1, s);
        break;
    case AST_SNAPSHOT:
        /* A name may be taken again (docs/language.md): the first
         * statement defines it, the later ones refer to it. */
        if (defs && s->u.snapshot.name.name) {
            const char *n = s->u.snapshot.name.name;
            int32_t first = lsp_index_find(w->doc, LSP_KIND_SNAPSHOT, n,
                                           strlen(n));
            add(w, LSP_KIND_SNAPSHOT, &s->u.snapshot.name, first < 0, first,
                s);
        }
        break;
    case AST_FOREACH:
        if (!defs) {
            walk_expr(w, s->u.foreach.iterable);
            walk_expr(w, s->u.foreach.parallel);
            add(w, LSP_KIND_VAR, &s->u.foreach.var, true, -1, s);
            walk_expr(w, s->u.foreach.after);   /* the item is bound */
        }
        walk_body(w, &s->u.foreach.body);
        break;
    case AST_RETRY:
        if (!defs) {
            walk_classes(w, &s->u.retry.on);
            walk_expr(w, s->u.retry.attempts);
            walk_expr(w, s->u.retry.timeout);
            walk_expr(w, s->u.retry.deadline);
        }
        walk_body(w, &s->u.retry.body);
        break;
    case AST_RECOVER:
        if (!defs) {
            walk_classes(w, &s->u.recover.classes);
            walk_expr(w, s->u.recover.handler);
        }
        walk_body(w, &s->u.recover.body);
        break;
    case AST_VERIFY:
        if (!defs) {
            walk_expr(w, s->u.verify.cond);
            walk_expr(w, s->u.verify.message);
        }
        break;
    case AST_IF:
        if (!defs)
            walk_expr(w, s->u.if_.cond);
        walk_body(w, &s->u.if_.then_body);
        walk_body(w, &s->u.if_.else_body);
        break;
    case AST_DECISION:
        if (!defs) {
            walk_expr(w, s->u.decision.value);
            if (s->u.decision.what == AST_DECIDE_ROLLBACK)
                use(w, LSP_KIND_CHECKPOINT, &s->u.decision.target);
        }
        break;
    case AST_PARAM:
        if (defs)
            add(w, LSP_KIND_PARAM, &s->u.binding.name, true, -1, s);
        else
            walk_expr(w, s->u.binding.value);
        break;
    case AST_PROFILE:
        for (uint32_t i = 0; !defs && i < s->u.profile.assigns.len; i++) {
            const ast_node_t *a = s->u.profile.assigns.items[i];
            use(w, LSP_KIND_PARAM, &a->u.binding.name);
            walk_expr(w, a->u.binding.value);
        }
        break;
    case AST_LUA:
        if (defs)
            add(w, LSP_KIND_LUA, &s->u.lua.alias, true, -1, s);
        break;
    case AST_ERROR_DECL:
        if (defs)
            add(w, LSP_KIND_ERROR, &s->u.error_decl.name, true, -1, s);
        else if (s->u.error_decl.parent.name)
            use(w, LSP_KIND_ERROR, &s->u.error_decl.parent);
        break;
    case AST_STAGE: {
        int32_t self = defs ? add(w, LSP_KIND_STAGE, &s->u.stage.name, true,
                                  -1, s)
                            : s->u.stage.name.name
                            ? lsp_index_find(w->doc, LSP_KIND_STAGE,
                                             s->u.stage.name.name,
                                             strlen(s->u.stage.name.name))
                            : -1;
        for (uint32_t i = 0; !defs && i < s->u.stage.after.len; i++)
            use(w, LSP_KIND_STAGE, &s->u.stage.after.items[i]);
        int32_t outer = w->stage;
        w->stage = self;
        walk_body(w, &s->u.stage.body);
        w->stage = outer;
        break;
    }
    case AST_HOOK:
        walk_body(w, &s->u.hook.body);
        break;
    case AST_META:
        if (!defs)
            walk_expr(w, s->u.meta.value);
        break;
    case AST_BREAKER:
        if (!defs)
            walk_expr(w, s->u.breaker.config);
        break;
    default:
        break;
    }
}

static void walk_body(walk_t *w, const ast_list_t *body)
{
    for (uint32_t i = 0; i < body->len; i++)
        if (body->items[i])
            walk_stmt(w, body->items[i]);
}

mig_status_t lsp_index_build(lsp_doc_t *d)
{
    walk_t w = { .doc = d, .stage = -1, .defs = true };
    walk_body(&w, &d->plan->items);
    w.defs = false;
    walk_body(&w, &d->plan->items);
    return d->index.oom ? MIG_ENOMEM : MIG_OK;
}

int32_t lsp_index_at(const lsp_doc_t *d, size_t off)
{
    for (size_t i = 0; i < d->index.len; i++) {
        const lsp_occ_t *o = &d->index.items[i];
        if (o->begin <= off && off <= o->end)
            return (int32_t)i;
    }
    return -1;
}

int32_t lsp_index_def(const lsp_doc_t *d, int32_t occ)
{
    if (occ < 0)
        return -1;
    const lsp_occ_t *o = &d->index.items[occ];
    return o->def ? occ : o->target;
}
