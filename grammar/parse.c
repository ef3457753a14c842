/* parse.c: the parser's entry point and the helpers its actions call:
 * building nodes with the depth limit, clause checks, backoff and jitter
 * tables, hook words, duplicate names. parser.y keeps the grammar, the
 * scanner bridge and the syntax-error messages, which need bison's own
 * types. */
#include "grammar_int.h"
#include "parser.h"

#include <stdlib.h>
#include <string.h>

diag_t *parse_error(parse_ctx_t *ctx, const src_span_t *span,
                    const char *fmt, ...)
{
    if (ctx->fatal)
        return NULL;
    if (ctx->diags->errors >= MIG_MAX_ERRORS) {
        diag_add(ctx->diags, DIAG_NOTE, ctx->src, span,
                 "too many errors (more than %d); stopping here",
                 MIG_MAX_ERRORS);
        ctx->fatal = true;
        return NULL;
    }
    va_list ap;
    va_start(ap, fmt);
    diag_t *d = diag_vadd(ctx->diags, DIAG_ERROR, ctx->src, span, fmt, ap);
    va_end(ap);
    if (!d) {
        ctx->oom = true;
        ctx->fatal = true;
    }
    return d;
}

/* ---- helpers for the actions ------------------------------------------- */

/* Sets N's depth from its children and refuses trees too deep to walk
 * safely. Returns N, or NULL (and stops the parse) past the limit. */
ast_node_t *parse_finish_expr(parse_ctx_t *ctx, ast_node_t *n)
{
    uint32_t d = 0;
#define KID(c) do { if ((c) && (c)->depth > d) d = (c)->depth; } while (0)
    switch (n->kind) {
    case AST_FIELD: KID(n->u.field.object); break;
    case AST_INDEX: KID(n->u.index.object); KID(n->u.index.index); break;
    case AST_CALL:
        KID(n->u.call.callee);
        for (uint32_t i = 0; i < n->u.call.args.len; i++)
            KID(n->u.call.args.items[i].value);
        break;
    case AST_UNARY: KID(n->u.unary.operand); break;
    case AST_BINARY: KID(n->u.binary.left); KID(n->u.binary.right); break;
    case AST_LIST:
        for (uint32_t i = 0; i < n->u.list.len; i++)
            KID(n->u.list.items[i]);
        break;
    case AST_MAP:
        for (uint32_t i = 0; i < n->u.map.len; i++)
            KID(n->u.map.items[i].value);
        break;
    case AST_STRING:
        for (uint32_t i = 0; i < n->u.string.n_parts; i++)
            KID(n->u.string.parts[i].expr);
        break;
    default:
        break;
    }
#undef KID
    n->depth = d + 1;
    if (n->depth > MIG_MAX_EXPR_DEPTH) {
        parse_error(ctx, &n->span, "nested too deeply: the expression has "
                    "more than %d levels", MIG_MAX_EXPR_DEPTH);
        ctx->fatal = true;
        return NULL;
    }
    return n;
}

ast_node_t *parse_binary(parse_ctx_t *ctx, ast_op_t op, ast_node_t *l,
                          ast_node_t *r, const src_span_t *loc)
{
    ast_node_t *n = ast_new(ctx->arena, AST_BINARY, loc);
    if (!n) {
        ctx->oom = ctx->fatal = true;
        return NULL;
    }
    n->u.binary.op = op;
    n->u.binary.left = l;
    n->u.binary.right = r;
    return parse_finish_expr(ctx, n);
}

ast_ident_t parse_keyword_name(parse_ctx_t *ctx, const src_span_t *loc)
{
    ast_ident_t id = { .span = *loc };
    id.name = arena_strndup(ctx->arena, ctx->src->text + loc->begin,
                            loc->end - loc->begin);
    if (!id.name) {
        ctx->oom = ctx->fatal = true;
        id.name = "";
    }
    return id;
}

bool parse_set_clause(parse_ctx_t *ctx, ast_node_t **slot, ast_node_t *v,
                       const char *what, const src_span_t *loc)
{
    if (*slot) {
        parse_error(ctx, loc, "this step has two '%s' clauses; the first is "
                    "at line %u", what, (*slot)->span.line);
        return !ctx->fatal;
    }
    *slot = v;
    return true;
}

/* The backoff kinds and the arguments each takes. */
static const struct {
    const char *name;
    ast_backoff_kind_t kind;
    const char *required[2];
    const char *optional[3];
    const char *example;
} backoffs[] = {
    { "fixed", AST_BACKOFF_FIXED, { "delay" }, { 0 }, "fixed(delay: 1s)" },
    { "linear", AST_BACKOFF_LINEAR, { "base" }, { "step", "max" },
      "linear(base: 1s, step: 1s, max: 10s)" },
    { "exponential", AST_BACKOFF_EXPONENTIAL, { "base" }, { "factor", "max" },
      "exponential(base: 200ms, factor: 2, max: 10s)" },
};

static bool in_names(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n && names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return true;
    return false;
}

void parse_set_backoff(parse_ctx_t *ctx, ast_node_t *retry,
                        const ast_ident_t *kind, ast_args_t args,
                        const src_span_t *loc)
{
    if (retry->u.retry.backoff != AST_BACKOFF_NONE) {
        parse_error(ctx, loc, "this retry already has a backoff");
        return;
    }
    size_t k;
    for (k = 0; k < sizeof(backoffs) / sizeof(backoffs[0]); k++)
        if (strcmp(backoffs[k].name, kind->name) == 0)
            break;
    if (k == sizeof(backoffs) / sizeof(backoffs[0])) {
        diag_t *d = parse_error(ctx, &kind->span, "unknown backoff '%s'",
                                kind->name);
        diag_hint(ctx->diags, d, "the backoffs are fixed, linear and exponential");
        return;
    }
    retry->u.retry.backoff = backoffs[k].kind;
    retry->u.retry.backoff_span = *loc;
    retry->u.retry.backoff_args = args;
    for (uint32_t i = 0; i < args.len; i++) {
        const ast_ident_t *name = &args.items[i].name;
        if (!name->name[0]) {
            diag_t *d = parse_error(ctx, &args.items[i].value->span,
                                    "backoff arguments are named");
            diag_hint(ctx->diags, d, "for example: %s", backoffs[k].example);
            continue;
        }
        if (!in_names(backoffs[k].required, 2, name->name) &&
            !in_names(backoffs[k].optional, 3, name->name)) {
            diag_t *d = parse_error(ctx, &name->span,
                                    "%s backoff takes no argument '%s'",
                                    backoffs[k].name, name->name);
            diag_hint(ctx->diags, d, "for example: %s", backoffs[k].example);
        }
    }
    for (size_t r = 0; r < 2 && backoffs[k].required[r]; r++) {
        bool found = false;
        for (uint32_t i = 0; i < args.len; i++)
            found |= strcmp(args.items[i].name.name, backoffs[k].required[r]) == 0;
        if (!found) {
            diag_t *d = parse_error(ctx, loc, "%s backoff needs '%s'",
                                    backoffs[k].name, backoffs[k].required[r]);
            diag_hint(ctx->diags, d, "for example: %s", backoffs[k].example);
        }
    }
}

void parse_set_jitter(parse_ctx_t *ctx, ast_node_t *retry,
                       const ast_ident_t *kind, const src_span_t *loc)
{
    static const struct { const char *name; ast_jitter_kind_t kind; } jitters[] = {
        { "none", AST_JITTER_NONE }, { "full", AST_JITTER_FULL },
        { "equal", AST_JITTER_EQUAL },
    };
    if (retry->u.retry.jitter != AST_JITTER_UNSET) {
        parse_error(ctx, loc, "this retry already has a jitter");
        return;
    }
    for (size_t i = 0; i < sizeof(jitters) / sizeof(jitters[0]); i++) {
        if (strcmp(jitters[i].name, kind->name) == 0) {
            retry->u.retry.jitter = jitters[i].kind;
            retry->u.retry.jitter_span = kind->span;
            return;
        }
    }
    diag_t *d = parse_error(ctx, &kind->span, "unknown jitter '%s'", kind->name);
    diag_hint(ctx->diags, d, "the jitters are none, full and equal");
}

void parse_set_retry_limit(parse_ctx_t *ctx, ast_node_t *retry, bool deadline,
                           ast_node_t *v, const src_span_t *loc)
{
    ast_node_t **slot = deadline ? &retry->u.retry.deadline
                                 : &retry->u.retry.timeout;
    src_span_t *at = deadline ? &retry->u.retry.deadline_span
                              : &retry->u.retry.timeout_span;
    const char *what = deadline ? "deadline" : "timeout";
    if (*slot) {
        parse_error(ctx, loc, "this retry has two '%s' clauses; the first "
                    "is at line %u, column %u", what, at->line, at->col);
        return;
    }
    *slot = v;
    *at = *loc;
    at->end = v->span.end;
    at->end_line = v->span.end_line;
    at->end_col = v->span.end_col;
}

static bool is_positional(const ast_arg_t *a)
{
    return !a->name.name[0] && a->name.span.begin == a->value->span.begin;
}

/* Lists up to this long are searched; longer ones get an index. */
#define UNIQUE_LINEAR_MAX 16

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot of NAME in LIST's index: where it is, or the empty slot it
 * would take. */
static uint32_t unique_slot(const ast_args_t *list, const char *name)
{
    uint32_t mask = list->nslots - 1, i = name_hash(name) & mask;
    while (list->slots[i]
           && strcmp(list->items[list->slots[i] - 1].name.name, name) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Makes LIST's index big enough for one more name, holding every named
 * item (the first of each name). False when out of memory. */
static bool unique_index(parse_ctx_t *ctx, ast_args_t *list)
{
    if (list->slots && (list->len + 1) * 2 <= list->nslots)
        return true;
    uint32_t n = 64;
    while (n < (list->len + 1) * 2)
        n *= 2;
    list->slots = arena_alloc(ctx->arena, n * sizeof(uint32_t));
    if (!list->slots)
        return false;
    memset(list->slots, 0, n * sizeof(uint32_t));
    list->nslots = n;
    for (uint32_t i = 0; i < list->len; i++) {
        if (is_positional(&list->items[i]))
            continue;
        uint32_t s = unique_slot(list, list->items[i].name.name);
        if (!list->slots[s])
            list->slots[s] = i + 1;
    }
    return true;
}

void parse_check_unique(parse_ctx_t *ctx, ast_args_t *list,
                        const ast_arg_t *arg, const char *what)
{
    if (is_positional(arg))
        return;
    const ast_ident_t *prev = NULL;
    if (list->len < UNIQUE_LINEAR_MAX) {
        for (uint32_t i = 0; i < list->len && !prev; i++)
            if (!is_positional(&list->items[i])
                && strcmp(list->items[i].name.name, arg->name.name) == 0)
                prev = &list->items[i].name;
    } else if (!unique_index(ctx, list)) {
        ctx->oom = ctx->fatal = true;
        return;
    } else {
        uint32_t s = unique_slot(list, arg->name.name);
        if (list->slots[s])
            prev = &list->items[list->slots[s] - 1].name;
        else
            list->slots[s] = list->len + 1;     /* ARG's index, once pushed */
    }
    if (prev)
        parse_error(ctx, &arg->name.span, "%s '%s' is given twice; the "
                    "first is at line %u, column %u", what, arg->name.name,
                    prev->span.line, prev->span.col);
}

bool parse_hook_kind(parse_ctx_t *ctx, const ast_ident_t *word,
                      ast_hook_when_t *out)
{
    if (strcmp(word->name, "failure") == 0) {
        *out = AST_HOOK_FAILURE;
        return true;
    }
    if (strcmp(word->name, "success") == 0) {
        *out = AST_HOOK_SUCCESS;
        return true;
    }
    diag_t *d = parse_error(ctx, &word->span,
                            "expected 'failure' or 'success' after 'on', found '%s'",
                            word->name);
    diag_hint(ctx->diags, d, "hooks are 'on failure { ... }', 'on success { ... }' and 'finally { ... }'");
    return false;
}

/* ---- entry point -------------------------------------------------------- */

mig_status_t grammar_parse(src_t *src, arena_t *arena, diag_list_t *diags,
                           ast_plan_t **out)
{
    *out = NULL;
    if (src->len > INT32_MAX) {
        diag_add(diags, DIAG_ERROR, src, NULL, "the file is too large to parse (the limit is 2 GiB)");
        return MIG_EINVALID;
    }
    parse_ctx_t *ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return MIG_ENOMEM;
    ctx->src = src;
    ctx->arena = arena;
    ctx->diags = diags;
    ctx->tok[0] = ctx->tok[1] = ctx->tok[2] = MIG_YYEMPTY;
    /* Until a token is read, "here" is the start of the file. */
    src_span_t start = { 0, 0, 1, 1, 1, 1 };
    ctx->tok_span[0] = ctx->tok_span[1] = ctx->tok_span[2] = start;
    ctx->plan = arena_alloc(arena, sizeof(*ctx->plan));
    size_t errors_before = diags->errors;
    if (!ctx->plan || !lex_begin(ctx)) {
        free(ctx);
        return MIG_ENOMEM;
    }
    int rc = mig_yyparse(ctx);
    lex_end(ctx);

    /* Bison returns 2 for its own stack exhaustion too; mig_yyerror has
     * reported that as nesting, so only a silent 2 is out of memory. */
    mig_status_t status;
    if (ctx->oom || diags->out_of_memory ||
        (rc == 2 && diags->errors == errors_before)) {
        status = MIG_ENOMEM;
    } else {
        if (rc == 0 && diags->errors == errors_before)
            syntax_check(ctx, ctx->plan);
        status = diags->errors == errors_before && rc == 0 ? MIG_OK : MIG_EINVALID;
        if (ctx->plan->name)
            *out = ctx->plan;
    }
    free(ctx);
    return status;
}
