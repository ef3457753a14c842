/* mig_graph_props.c: the parts of the mig-graph JSON that say what a plan
 * holds rather than how it is drawn: the plan header and the properties of
 * each kind of node, every expression as its source text
 * (source_text.c). What is written here is what `mig import` reads back
 * (import.c), so the two change together; docs/export.md lists both. */
#include <string.h>

#include "mig_graph_int.h"

/* ---- small writers --------------------------------------------------- */

/* "KEY": with the separator before it (none for the first member). */
static void key(strbuf_t *b, bool *first, const char *k)
{
    strbuf_printf(b, "%s\"%s\": ", *first ? "" : ", ", k);
    *first = false;
}

static void put_text(strbuf_t *b, const graph_t *g, bool *first,
                     const char *k, const ast_node_t *e)
{
    if (!e)
        return;
    key(b, first, k);
    mgraph_put_json_span(b, graph_src(g), &e->span);
}

static void put_name(strbuf_t *b, bool *first, const char *k,
                     const char *name)
{
    key(b, first, k);
    mgraph_put_json_cstr(b, name);
}

static void put_idents(strbuf_t *b, bool *first, const char *k,
                       const ast_idents_t *l)
{
    key(b, first, k);
    strbuf_putc(b, '[');
    for (uint32_t i = 0; i < l->len; i++) {
        strbuf_puts(b, i ? ", " : "");
        mgraph_put_json_cstr(b, l->items[i].name);
    }
    strbuf_putc(b, ']');
}

/* A plain string literal as a JSON string; null when STR is NULL (or has
 * ${...}, which the parser refuses where this is used). */
static void put_plain(strbuf_t *b, const ast_node_t *str)
{
    const char *text;
    uint32_t len;
    if (str && ast_string_is_plain(str, &text, &len))
        mgraph_put_json_str(b, text, len);
    else
        strbuf_puts(b, "null");
}

/* "arguments": [{"name": N, "value": TEXT}, ...]: a positional argument
 * has no "name". */
static void put_args(strbuf_t *b, const graph_t *g, bool *first,
                     const ast_args_t *args)
{
    key(b, first, "arguments");
    strbuf_putc(b, '[');
    for (uint32_t i = 0; i < args->len; i++) {
        const ast_arg_t *a = &args->items[i];
        strbuf_puts(b, i ? ", {" : "{");
        bool f = true;
        if (*a->name.name)
            put_name(b, &f, "name", a->name.name);
        put_text(b, g, &f, "value", a->value);
        strbuf_putc(b, '}');
    }
    strbuf_putc(b, ']');
}

/* "action": NAME, "arguments": [...] of CALL (a CALL node): the action
 * as the dotted name it is, however it was spaced. */
static void put_call(strbuf_t *b, const graph_t *g, bool *first,
                     const ast_node_t *call)
{
    strbuf_t name;
    strbuf_init(&name);
    if (ast_dotted_name(call->u.call.callee, &name)) {
        key(b, first, "action");
        mgraph_put_json_str(b, name.data, name.len);
    } else {
        put_text(b, g, first, "action", call->u.call.callee);
    }
    if (name.oom)
        b->oom = true;
    strbuf_free(&name);
    put_args(b, g, first, &call->u.call.args);
}

/* ---- kind-specific properties ---------------------------------------- */

typedef void (*props_fn)(strbuf_t *b, const graph_t *g, const ast_node_t *n,
                         bool *first);

static void props_stage(strbuf_t *b, const graph_t *g, const ast_node_t *n,
                        bool *first)
{
    (void)g;
    put_name(b, first, "name", n->u.stage.name.name);
    put_idents(b, first, "after", &n->u.stage.after);
}

static void props_step(strbuf_t *b, const graph_t *g, const ast_node_t *n,
                       bool *first)
{
    put_name(b, first, "name", n->u.step.name.name);
    put_call(b, g, first, n->u.step.call);
    if (n->u.step.undo) {
        key(b, first, "undo");
        bool f = true;
        strbuf_putc(b, '{');
        put_call(b, g, &f, n->u.step.undo);
        strbuf_putc(b, '}');
    }
    put_text(b, g, first, "timeout", n->u.step.timeout);
    put_text(b, g, first, "when", n->u.step.when);
}

static void props_checkpoint(strbuf_t *b, const graph_t *g,
                             const ast_node_t *n, bool *first)
{
    (void)g;
    put_name(b, first, "name", n->u.checkpoint.name.name);
}

static void props_snapshot(strbuf_t *b, const graph_t *g,
                           const ast_node_t *n, bool *first)
{
    (void)g;
    put_name(b, first, "name", n->u.snapshot.name.name);
}

static void props_verify(strbuf_t *b, const graph_t *g, const ast_node_t *n,
                         bool *first)
{
    put_text(b, g, first, "condition", n->u.verify.cond);
    put_text(b, g, first, "message", n->u.verify.message);
}

static void props_let(strbuf_t *b, const graph_t *g, const ast_node_t *n,
                      bool *first)
{
    put_name(b, first, "name", n->u.binding.name.name);
    put_text(b, g, first, "value", n->u.binding.value);
}

static void props_if(strbuf_t *b, const graph_t *g, const ast_node_t *n,
                     bool *first)
{
    put_text(b, g, first, "condition", n->u.if_.cond);
}

static void props_foreach(strbuf_t *b, const graph_t *g, const ast_node_t *n,
                          bool *first)
{
    put_name(b, first, "variable", n->u.foreach.var.name);
    put_text(b, g, first, "iterable", n->u.foreach.iterable);
    put_text(b, g, first, "parallel", n->u.foreach.parallel);
    put_text(b, g, first, "after", n->u.foreach.after);
    const ast_node_t *t = n->u.foreach.tolerate;
    if (t) {
        /* "5%" or "2": the number as written, then its '%' */
        strbuf_t text;
        strbuf_init(&text);
        strbuf_put(&text, graph_src(g)->text + t->span.begin,
                   t->span.end - t->span.begin);
        if (n->u.foreach.tolerate_percent)
            strbuf_putc(&text, '%');
        key(b, first, "tolerate");
        if (text.oom)
            b->oom = true;
        else
            mgraph_put_json_str(b, text.data, text.len);
        strbuf_free(&text);
    }
}

static void props_retry(strbuf_t *b, const graph_t *g, const ast_node_t *n,
                        bool *first)
{
    put_text(b, g, first, "attempts", n->u.retry.attempts);
    if (n->u.retry.backoff != AST_BACKOFF_NONE) {
        key(b, first, "backoff");
        strbuf_puts(b, "{\"kind\": ");
        mgraph_put_json_cstr(b, ast_backoff_name(n->u.retry.backoff));
        strbuf_puts(b, ", \"arguments\": {");
        const ast_args_t *args = &n->u.retry.backoff_args;
        for (uint32_t i = 0; i < args->len; i++) {
            strbuf_puts(b, i ? ", " : "");
            mgraph_put_json_cstr(b, args->items[i].name.name);
            strbuf_puts(b, ": ");
            mgraph_put_json_span(b, graph_src(g),
                                 &args->items[i].value->span);
        }
        strbuf_puts(b, "}}");
    }
    if (n->u.retry.jitter != AST_JITTER_UNSET)
        put_name(b, first, "jitter", ast_jitter_name(n->u.retry.jitter));
    put_text(b, g, first, "timeout", n->u.retry.timeout);
    put_text(b, g, first, "deadline", n->u.retry.deadline);
    put_idents(b, first, "on", &n->u.retry.on);
}

static void props_recover(strbuf_t *b, const graph_t *g, const ast_node_t *n,
                          bool *first)
{
    put_idents(b, first, "classes", &n->u.recover.classes);
    put_text(b, g, first, "handler", n->u.recover.handler);
}

static void props_decision(strbuf_t *b, const graph_t *g,
                           const ast_node_t *n, bool *first)
{
    put_name(b, first, "decision", ast_decision_name(n->u.decision.what));
    put_text(b, g, first, "value", n->u.decision.value);
    if (n->u.decision.what == AST_DECIDE_ROLLBACK)
        put_name(b, first, "target", n->u.decision.target.name);
}

static void props_hook(strbuf_t *b, const graph_t *g, const ast_node_t *n,
                       bool *first)
{
    (void)g;
    put_name(b, first, "when", ast_hook_name(n->u.hook.when));
}

/* Which properties each kind of node writes. Exits, joins and undo nodes
 * have none: the statement they belong to says everything (a step's undo
 * call is the step's "undo"). */
static const props_fn props_table[GRAPH_NODE_KIND_COUNT] = {
    [GRAPH_STAGE_ENTER] = props_stage, [GRAPH_STEP] = props_step,
    [GRAPH_CHECKPOINT] = props_checkpoint, [GRAPH_VERIFY] = props_verify,
    [GRAPH_SNAPSHOT] = props_snapshot,
    [GRAPH_LET] = props_let, [GRAPH_BRANCH] = props_if,
    [GRAPH_FANOUT] = props_foreach, [GRAPH_RETRY_ENTER] = props_retry,
    [GRAPH_RECOVER] = props_recover, [GRAPH_DECISION] = props_decision,
    [GRAPH_HOOK_ENTER] = props_hook,
};

void mgraph_put_props(strbuf_t *b, const graph_t *g, uint32_t i)
{
    props_fn fn = props_table[graph_node_kind(g, i)];
    bool first = true;
    strbuf_putc(b, '{');
    if (fn)
        fn(b, g, graph_node_ast(g, i), &first);
    strbuf_putc(b, '}');
}

/* ---- the plan header ------------------------------------------------- */

/* Appends the items of the plan of KIND through EACH as a JSON list, one
 * item a line, under the header's six-space indent. */
static void put_items(strbuf_t *b, const graph_t *g, ast_kind_t kind,
                      void (*each)(strbuf_t *, const graph_t *,
                                   const ast_node_t *))
{
    const ast_list_t *items = &graph_plan(g)->items;
    bool any = false;
    strbuf_putc(b, '[');
    for (uint32_t i = 0; i < items->len; i++) {
        if (items->items[i]->kind != kind)
            continue;
        strbuf_puts(b, any ? ",\n      " : "\n      ");
        any = true;
        each(b, g, items->items[i]);
    }
    strbuf_puts(b, any ? "\n    ]" : "]");
}

static void param_item(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    bool first = true;
    strbuf_putc(b, '{');
    put_name(b, &first, "name", n->u.binding.name.name);
    put_text(b, g, &first, "default", n->u.binding.value);
    strbuf_putc(b, '}');
}

static void profile_item(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    bool first = true;
    strbuf_putc(b, '{');
    put_name(b, &first, "name", n->u.profile.name.name);
    key(b, &first, "assignments");
    strbuf_putc(b, '[');
    const ast_list_t *l = &n->u.profile.assigns;
    for (uint32_t i = 0; i < l->len; i++) {
        bool f = true;
        strbuf_puts(b, i ? ", {" : "{");
        put_name(b, &f, "name", l->items[i]->u.binding.name.name);
        put_text(b, g, &f, "value", l->items[i]->u.binding.value);
        strbuf_putc(b, '}');
    }
    strbuf_puts(b, "]}");
}

static void lua_item(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    (void)g;
    strbuf_puts(b, "{\"path\": ");
    put_plain(b, n->u.lua.path);
    strbuf_puts(b, ", \"alias\": ");
    mgraph_put_json_cstr(b, n->u.lua.alias.name);
    strbuf_putc(b, '}');
}

static void error_item(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    (void)g;
    const char *parent = n->u.error_decl.parent.name;
    strbuf_puts(b, "{\"name\": ");
    mgraph_put_json_cstr(b, n->u.error_decl.name.name);
    strbuf_puts(b, ", \"parent\": ");
    if (parent && *parent)
        mgraph_put_json_cstr(b, parent);
    else
        strbuf_puts(b, "null");
    strbuf_putc(b, '}');
}

/* A breaker: its target and its settings as mig source (a map). */
static void breaker_item(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    bool first = true;
    strbuf_puts(b, "{\"target\": ");
    put_plain(b, n->u.breaker.target);
    first = false;
    put_text(b, g, &first, "settings", n->u.breaker.config);
    strbuf_putc(b, '}');
}

/* The plan's KEY meta item (version, description), or NULL. */
static const ast_node_t *meta(const graph_t *g, ast_meta_key_t k)
{
    const ast_list_t *items = &graph_plan(g)->items;
    for (uint32_t i = 0; i < items->len; i++)
        if (items->items[i]->kind == AST_META &&
            items->items[i]->u.meta.key == k)
            return items->items[i];
    return NULL;
}

void mgraph_put_plan(strbuf_t *b, const graph_t *g)
{
    strbuf_puts(b, "{\n    \"name\": ");
    mgraph_put_json_cstr(b, graph_plan_name(g));
    static const ast_meta_key_t once[] = { AST_META_VERSION,
                                           AST_META_DESCRIPTION };
    for (size_t k = 0; k < sizeof once / sizeof *once; k++) {
        const ast_node_t *m = meta(g, once[k]);
        strbuf_printf(b, ",\n    \"%s\": ", ast_meta_name(once[k]));
        put_plain(b, m ? m->u.meta.value : NULL);
    }
    /* `requires` may be given more than once. */
    strbuf_puts(b, ",\n    \"requires\": [");
    const ast_list_t *items = &graph_plan(g)->items;
    bool any = false;
    for (uint32_t i = 0; i < items->len; i++) {
        const ast_node_t *m = items->items[i];
        if (m->kind == AST_META && m->u.meta.key == AST_META_REQUIRES) {
            strbuf_puts(b, any ? ", " : "");
            any = true;
            put_plain(b, m->u.meta.value);
        }
    }
    strbuf_puts(b, "]");
    /* Only plans that declare write roots have the list, so the documents
     * of every other plan read as they did before `writes`. */
    any = false;
    for (uint32_t i = 0; i < items->len; i++) {
        const ast_node_t *m = items->items[i];
        if (m->kind == AST_META && m->u.meta.key == AST_META_WRITES) {
            strbuf_puts(b, any ? ", " : ",\n    \"writes\": [");
            any = true;
            put_plain(b, m->u.meta.value);
        }
    }
    strbuf_puts(b, any ? "],\n    \"params\": " : ",\n    \"params\": ");
    put_items(b, g, AST_PARAM, param_item);
    strbuf_puts(b, ",\n    \"profiles\": ");
    put_items(b, g, AST_PROFILE, profile_item);
    strbuf_puts(b, ",\n    \"lua\": ");
    put_items(b, g, AST_LUA, lua_item);
    strbuf_puts(b, ",\n    \"errors\": ");
    put_items(b, g, AST_ERROR_DECL, error_item);
    /* Only plans that declare breakers have the list, so the documents of
     * every other plan read as they did before breakers were added. */
    if (ast_count(graph_plan(g), AST_BREAKER)) {
        strbuf_puts(b, ",\n    \"breakers\": ");
        put_items(b, g, AST_BREAKER, breaker_item);
    }
    strbuf_puts(b, "\n  }");
}
