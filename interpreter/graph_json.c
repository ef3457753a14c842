/* graph_json.c: the JSON form of an execution graph (docs/graph.md), the
 * file the exports, the golden tests and a designer read. Written by hand
 * so that the bytes depend only on the plan: nodes in graph order, one a
 * line, then the edges grouped by their source. */
#include "interpreter_int.h"

#include <string.h>

/* Appends S (LEN bytes) as a JSON string. Bytes that are not well-formed
 * UTF-8 become U+FFFD, so the output is always valid JSON. */
static void put_str(strbuf_t *b, const char *s, size_t len)
{
    strbuf_putc(b, '"');
    for (size_t i = 0; i < len;) {
        unsigned char ch = (unsigned char)s[i];
        size_t n = utf8_char_len((const unsigned char *)s + i, len - i);
        if (ch == '"' || ch == '\\') {
            strbuf_putc(b, '\\');
            strbuf_putc(b, (char)ch);
        } else if (ch == '\n') {
            strbuf_puts(b, "\\n");
        } else if (ch == '\t') {
            strbuf_puts(b, "\\t");
        } else if (ch < 0x20 || ch == 0x7f) {
            strbuf_printf(b, "\\u%04x", ch);
        } else if (ch >= 0x80 && n == 1) {
            strbuf_puts(b, "\\ufffd");
        } else {
            strbuf_put(b, s + i, n);
        }
        i += n;
    }
    strbuf_putc(b, '"');
}

static void put_cstr(strbuf_t *b, const char *s)
{
    put_str(b, s, strlen(s));
}

/* Appends the source text of SPAN as a JSON string, with each line break
 * and the indentation after it written as one space. */
static void put_src(strbuf_t *b, const graph_t *g, const src_span_t *span)
{
    const char *s = graph_src(g)->text + span->begin;
    size_t len = span->end - span->begin;
    strbuf_t t;
    strbuf_init(&t);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n' || s[i] == '\r') {
            while (t.len > 0 && (t.data[t.len - 1] == ' ' ||
                                 t.data[t.len - 1] == '\t'))
                t.len--;
            while (i + 1 < len && strchr(" \t\r\n", s[i + 1]))
                i++;
            strbuf_putc(&t, ' ');
        } else {
            strbuf_putc(&t, s[i]);
        }
    }
    if (t.oom)
        b->oom = true;
    put_str(b, t.data ? t.data : "", t.len);
    strbuf_free(&t);
}

/* Appends , "KEY": "source text of SPAN". */
static void put_text(strbuf_t *b, const graph_t *g, const char *key,
                     const src_span_t *span)
{
    strbuf_printf(b, ", \"%s\": ", key);
    put_src(b, g, span);
}

static void put_expr(strbuf_t *b, const graph_t *g, const char *key,
                     const ast_node_t *e)
{
    if (e)
        put_text(b, g, key, &e->span);
}

/* The span of a call's arguments, from the first to the last. */
static bool args_span(const ast_args_t *args, src_span_t *out)
{
    if (args->len == 0)
        return false;
    const ast_arg_t *first = &args->items[0];
    const ast_arg_t *last = &args->items[args->len - 1];
    *out = *first->name.name ? first->name.span : first->value->span;
    out->end = last->value->span.end;
    out->end_line = last->value->span.end_line;
    out->end_col = last->value->span.end_col;
    return true;
}

/* , "action": ..., "arguments": ... of CALL (a CALL node). */
static void put_call(strbuf_t *b, const graph_t *g, const ast_node_t *call,
                     const char *action, const char *arguments)
{
    src_span_t s;
    put_expr(b, g, action, call->u.call.callee);
    if (args_span(&call->u.call.args, &s))
        put_text(b, g, arguments, &s);
    else
        strbuf_printf(b, ", \"%s\": \"\"", arguments);
}

static void put_idents(strbuf_t *b, const char *key, const ast_idents_t *l)
{
    strbuf_printf(b, ", \"%s\": [", key);
    for (uint32_t i = 0; i < l->len; i++) {
        if (i)
            strbuf_puts(b, ", ");
        put_cstr(b, l->items[i].name);
    }
    strbuf_putc(b, ']');
}

/* ---- kind-specific properties ---------------------------------------- */

typedef void (*props_fn)(strbuf_t *b, const graph_t *g, const ast_node_t *n);

static void props_stage(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    (void)g;
    put_idents(b, "after", &n->u.stage.after);
}

static void props_step(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    put_call(b, g, n->u.step.call, "action", "arguments");
    put_expr(b, g, "undo", n->u.step.undo);
    put_expr(b, g, "timeout", n->u.step.timeout);
    put_expr(b, g, "when", n->u.step.when);
}

static void props_undo(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    put_call(b, g, n->u.step.undo, "action", "arguments");
}

static void props_checkpoint(strbuf_t *b, const graph_t *g,
                             const ast_node_t *n)
{
    (void)g;
    strbuf_puts(b, ", \"name\": ");
    put_cstr(b, n->u.checkpoint.name.name);
}

static void props_verify(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    put_expr(b, g, "condition", n->u.verify.cond);
    put_expr(b, g, "message", n->u.verify.message);
}

static void props_let(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    strbuf_puts(b, ", \"name\": ");
    put_cstr(b, n->u.binding.name.name);
    put_expr(b, g, "value", n->u.binding.value);
}

static void props_if(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    put_expr(b, g, "condition", n->u.if_.cond);
}

static void props_foreach(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    strbuf_puts(b, ", \"variable\": ");
    put_cstr(b, n->u.foreach.var.name);
    put_expr(b, g, "iterable", n->u.foreach.iterable);
    put_expr(b, g, "parallel", n->u.foreach.parallel);
}

static void props_retry(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    put_expr(b, g, "attempts", n->u.retry.attempts);
    strbuf_puts(b, ", \"backoff\": ");
    put_cstr(b, ast_backoff_name(n->u.retry.backoff));
    strbuf_puts(b, ", \"backoff_arguments\": {");
    const ast_args_t *args = &n->u.retry.backoff_args;
    for (uint32_t i = 0; i < args->len; i++) {
        strbuf_puts(b, i ? ", " : "");
        put_cstr(b, args->items[i].name.name);
        strbuf_puts(b, ": ");
        put_src(b, g, &args->items[i].value->span);
    }
    strbuf_puts(b, "}, \"jitter\": ");
    put_cstr(b, n->u.retry.jitter == AST_JITTER_UNSET
                    ? "none" : ast_jitter_name(n->u.retry.jitter));
    put_idents(b, "on", &n->u.retry.on);
}

static void props_recover(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    put_idents(b, "classes", &n->u.recover.classes);
    if (n->u.recover.handler)
        put_expr(b, g, "handler", n->u.recover.handler);
}

static void props_decision(strbuf_t *b, const graph_t *g,
                           const ast_node_t *n)
{
    strbuf_puts(b, ", \"decision\": ");
    put_cstr(b, ast_decision_name(n->u.decision.what));
    put_expr(b, g, "value", n->u.decision.value);
    if (n->u.decision.what == AST_DECIDE_ROLLBACK) {
        strbuf_puts(b, ", \"target\": ");
        put_cstr(b, n->u.decision.target.name);
    }
}

static void props_hook(strbuf_t *b, const graph_t *g, const ast_node_t *n)
{
    (void)g;
    strbuf_puts(b, ", \"when\": ");
    put_cstr(b, ast_hook_name(n->u.hook.when));
}

/* Which properties each kind of node writes; exits and joins have none. */
static const props_fn props_table[GRAPH_NODE_KIND_COUNT] = {
    [GRAPH_STAGE_ENTER] = props_stage, [GRAPH_STEP] = props_step,
    [GRAPH_UNDO] = props_undo, [GRAPH_CHECKPOINT] = props_checkpoint,
    [GRAPH_VERIFY] = props_verify, [GRAPH_LET] = props_let,
    [GRAPH_BRANCH] = props_if, [GRAPH_FANOUT] = props_foreach,
    [GRAPH_RETRY_ENTER] = props_retry, [GRAPH_RECOVER] = props_recover,
    [GRAPH_DECISION] = props_decision, [GRAPH_HOOK_ENTER] = props_hook,
};

/* ---- the document ---------------------------------------------------- */

static void put_node_ref(strbuf_t *b, const graph_t *g, uint32_t i)
{
    if (i == GRAPH_NONE)
        strbuf_puts(b, "null");
    else
        put_cstr(b, graph_node_id(g, i));
}

static void put_node(strbuf_t *b, const graph_t *g, uint32_t i)
{
    graph_node_kind_t kind = graph_node_kind(g, i);
    strbuf_puts(b, "    {\"id\": ");
    put_cstr(b, graph_node_id(g, i));
    strbuf_puts(b, ", \"kind\": ");
    put_cstr(b, graph_node_kind_name(kind));
    strbuf_puts(b, ", \"label\": ");
    put_cstr(b, graph_node_label(g, i));
    uint32_t st = graph_node_stage(g, i);
    strbuf_puts(b, ", \"stage\": ");
    if (st == GRAPH_NONE)
        strbuf_puts(b, "null");
    else
        put_cstr(b, graph_node_ast(g, st)->u.stage.name.name);
    strbuf_puts(b, ", \"scope\": ");
    put_node_ref(b, g, graph_node_scope(g, i));
    const src_span_t *s = graph_node_span(g, i);
    strbuf_printf(b, ", \"span\": {\"line\": %u, \"col\": %u, \"end_line\": "
                  "%u, \"end_col\": %u}", s->line, s->col, s->end_line,
                  s->end_col);
    if (props_table[kind])
        props_table[kind](b, g, graph_node_ast(g, i));
    strbuf_putc(b, '}');
}

mig_status_t graph_to_json(const graph_t *g, strbuf_t *b)
{
    strbuf_puts(b, "{\n  \"format\": \"mig-graph\",\n  \"version\": 1,\n"
                   "  \"plan\": ");
    put_cstr(b, graph_plan_name(g));
    strbuf_puts(b, ",\n  \"stages\": [");
    for (uint32_t k = 0; k < graph_stage_count(g); k++) {
        strbuf_puts(b, k ? ", " : "");
        put_cstr(b, graph_node_ast(g, graph_stage_at(g, k))->u.stage.name.name);
    }
    strbuf_puts(b, "],\n  \"nodes\": [");
    uint32_t n = graph_node_count(g);
    for (uint32_t i = 0; i < n; i++) {
        strbuf_puts(b, i ? ",\n" : "\n");
        put_node(b, g, i);
    }
    strbuf_puts(b, n ? "\n  ],\n  \"edges\": [" : "],\n  \"edges\": [");
    bool any = false;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t m;
        const graph_edge_t *e = graph_out(g, i, &m);
        for (uint32_t k = 0; k < m; k++) {
            strbuf_puts(b, any ? ",\n    {\"from\": " : "\n    {\"from\": ");
            any = true;
            put_cstr(b, graph_node_id(g, e[k].from));
            strbuf_puts(b, ", \"to\": ");
            put_cstr(b, graph_node_id(g, e[k].to));
            strbuf_puts(b, ", \"kind\": ");
            put_cstr(b, graph_edge_kind_name(e[k].kind));
            strbuf_putc(b, '}');
        }
    }
    strbuf_puts(b, any ? "\n  ]\n}\n" : "]\n}\n");
    return b->oom ? MIG_ENOMEM : MIG_OK;
}
