/* syntax.c: the context rules of the language, checked on a tree that
 * parsed cleanly. The grammar accepts any statement in any block, which
 * keeps error recovery simple; this pass says precisely where a statement
 * may not stand ("'param' is allowed only at plan level"). Name resolution
 * and types are the interpreter's business, not this file's. */
#include "grammar_int.h"

#include <string.h>

/* Where a block sits. */
typedef enum scope {
    SCOPE_PLAN,       /* the migration body */
    SCOPE_STAGE,      /* directly in a stage */
    SCOPE_NESTED,     /* in foreach, retry, if, or deeper */
} scope_t;

typedef struct walk {
    parse_ctx_t *ctx;
    scope_t scope;
    bool in_foreach;
    bool in_recover;
    bool in_hook;           /* any hook */
    bool in_failure_hook;   /* on failure, where rollback may stand */
} walk_t;

static void check_block(walk_t w, const ast_list_t *body);

static const char *stmt_word(const ast_node_t *n)
{
    switch (n->kind) {
    case AST_META: return ast_meta_name(n->u.meta.key);
    case AST_HOOK: return ast_hook_name(n->u.hook.when);
    case AST_DECISION: return ast_decision_name(n->u.decision.what);
    case AST_ERROR_DECL: return "error";
    default: return ast_kind_name(n->kind);
    }
}

static void refuse(walk_t *w, const ast_node_t *n, const char *where,
                   const char *hint)
{
    const char *word = stmt_word(n);
    diag_t *d = parse_error(w->ctx, &n->span, "'%s' is %s", word, where);
    if (hint)
        diag_hint(w->ctx->diags, d, "%s", hint);
}

static void require_plain(walk_t *w, const ast_node_t *str, const char *what)
{
    const char *text;
    uint32_t len;
    if (!ast_string_is_plain(str, &text, &len))
        parse_error(w->ctx, &str->span, "%s must be a plain string, "
                    "without ${...}", what);
}

/* True when BODY cannot fall through its end: it holds a decision (what
 * follows one is reported as never run), or ends in an if whose branches
 * all end in decisions. */
static bool ends_in_decision(const ast_list_t *body)
{
    if (body->len == 0)
        return false;
    for (uint32_t i = 0; i < body->len; i++)
        if (body->items[i]->kind == AST_DECISION)
            return true;
    const ast_node_t *last = body->items[body->len - 1];
    if (last->kind == AST_IF)
        return last->u.if_.has_else && ends_in_decision(&last->u.if_.then_body) &&
               ends_in_decision(&last->u.if_.else_body);
    return false;
}

/* A count written as a literal (retry N, parallel N) must be a whole
 * number from 1; counts computed from parameters are checked at run time. */
static void check_count(walk_t *w, const ast_node_t *e, const char *what)
{
    if (e->kind == AST_UNARY && e->u.unary.op == AST_OP_NEG &&
        e->u.unary.operand->kind == AST_NUMBER) {
        parse_error(w->ctx, &e->span, "%s must be at least 1", what);
        return;
    }
    if (e->kind != AST_NUMBER)
        return;
    if (!e->u.number.is_integer)
        parse_error(w->ctx, &e->span, "%s must be a whole number", what);
    else if (e->u.number.value < 1)
        parse_error(w->ctx, &e->span, "%s must be at least 1", what);
}

/* tolerate N is a whole number of items, tolerate N% a share from 0 to
 * 100 (the grammar takes a plain number, so neither can be negative). */
static void check_tolerance(walk_t *w, const ast_node_t *e, bool percent)
{
    if (percent && e->u.number.value > 100) {
        diag_t *d = parse_error(w->ctx, &e->span, "a tolerance in percent "
                                "must be from 0 to 100");
        diag_hint(w->ctx->diags, d, "tolerate 100%% lets every item fail; "
                  "to allow a number of items, leave out the %%");
    } else if (!percent && !e->u.number.is_integer) {
        diag_t *d = parse_error(w->ctx, &e->span, "a tolerance in items must "
                                "be a whole number");
        diag_hint(w->ctx->diags, d, "for a share of the items, write a "
                  "percentage: tolerate %.*s%%", (int)(e->span.end -
                  e->span.begin), w->ctx->src->text + e->span.begin);
    }
}

static void check_plan_only(walk_t *w, const ast_node_t *n)
{
    if (w->scope != SCOPE_PLAN)
        refuse(w, n, "allowed only at plan level",
               "declare it in the migration body, outside any stage");
}

/* Statements that act belong in a stage, not in the plan's body. */
static void check_in_stage(walk_t *w, const ast_node_t *n)
{
    if (w->scope == SCOPE_PLAN)
        refuse(w, n, "not allowed at plan level", "put it inside a stage");
}

static void check_decision(walk_t *w, const ast_node_t *n)
{
    switch (n->u.decision.what) {
    case AST_DECIDE_RETRY:
        if (!w->in_recover)
            refuse(w, n, "a decision allowed only in a recover block",
                   "to retry a group of steps, wrap them: retry 3 { ... }");
        break;
    case AST_DECIDE_SKIP:
        if (!w->in_recover && !w->in_foreach)
            refuse(w, n, "allowed only in a foreach body or a recover block",
                   "skip gives up on the current item and goes on with the next");
        break;
    case AST_DECIDE_ROLLBACK:
        if (!w->in_recover && !w->in_failure_hook)
            refuse(w, n, "allowed only in a recover block or an 'on failure' hook",
                   "on failure rollback to CHECKPOINT");
        break;
    case AST_DECIDE_FAIL:
        check_in_stage(w, n);
        break;
    }
}

static void check_hook(walk_t *w, const ast_node_t *n)
{
    if (w->scope == SCOPE_NESTED || w->in_hook || w->in_recover) {
        refuse(w, n, "allowed only at plan or stage level",
               "hooks run when a whole stage or plan ends, so they sit "
               "directly in one");
        return;
    }
    walk_t inner = *w;
    inner.in_hook = true;
    inner.in_failure_hook = n->u.hook.when == AST_HOOK_FAILURE;
    inner.scope = SCOPE_NESTED;
    check_block(inner, &n->u.hook.body);
}

static void check_stmt(walk_t *w, const ast_node_t *n)
{
    walk_t inner = *w;
    inner.scope = SCOPE_NESTED;
    switch (n->kind) {
    case AST_META:
        check_plan_only(w, n);
        require_plain(w, n->u.meta.value, ast_meta_name(n->u.meta.key));
        break;
    case AST_PARAM:
    case AST_PROFILE:
    case AST_ERROR_DECL:
        check_plan_only(w, n);
        break;
    case AST_LUA:
        check_plan_only(w, n);
        require_plain(w, n->u.lua.path, "a Lua module path");
        break;
    case AST_BREAKER:
        check_plan_only(w, n);
        require_plain(w, n->u.breaker.target, "the target of a breaker");
        break;
    case AST_STAGE:
        check_plan_only(w, n);
        inner.scope = SCOPE_STAGE;
        check_block(inner, &n->u.stage.body);
        break;
    case AST_HOOK:
        check_hook(w, n);
        break;
    case AST_LET:
        break;
    case AST_STEP:
    case AST_CHECKPOINT:
    case AST_SNAPSHOT:
    case AST_VERIFY:
        check_in_stage(w, n);
        break;
    case AST_FOREACH:
        check_in_stage(w, n);
        if (n->u.foreach.parallel)
            check_count(w, n->u.foreach.parallel, "the number of items run at once");
        if (n->u.foreach.tolerate)
            check_tolerance(w, n->u.foreach.tolerate,
                            n->u.foreach.tolerate_percent);
        inner.in_foreach = true;
        check_block(inner, &n->u.foreach.body);
        break;
    case AST_RETRY:
        check_in_stage(w, n);
        check_count(w, n->u.retry.attempts, "the number of attempts");
        check_block(inner, &n->u.retry.body);
        break;
    case AST_IF:
        check_in_stage(w, n);
        check_block(inner, &n->u.if_.then_body);
        check_block(inner, &n->u.if_.else_body);
        break;
    case AST_RECOVER:
        if (w->in_recover) {
            refuse(w, n, "not allowed inside another recover block",
                   "a recovery handler decides; it does not recover itself");
            break;
        }
        if (!n->u.recover.handler) {
            if (!ends_in_decision(&n->u.recover.body)) {
                diag_t *d = parse_error(w->ctx, &n->span, "this recover block "
                                        "can end without a decision");
                diag_hint(w->ctx->diags, d, "end it with retry, skip, fail "
                          "or rollback to CHECKPOINT");
            }
            inner.in_recover = true;
            check_block(inner, &n->u.recover.body);
        }
        break;
    case AST_DECISION:
        check_decision(w, n);
        break;
    default:
        break;
    }
}

static void check_block(walk_t w, const ast_list_t *body)
{
    for (uint32_t i = 0; i < body->len && !w.ctx->fatal; i++) {
        const ast_node_t *n = body->items[i];
        check_stmt(&w, n);
        if (n->kind == AST_DECISION && i + 1 < body->len) {
            const ast_node_t *next = body->items[i + 1];
            diag_t *d = parse_error(w.ctx, &next->span, "this is never run: "
                                    "the '%s' before it always ends the block",
                                    ast_decision_name(n->u.decision.what));
            diag_hint(w.ctx->diags, d, "a decision (retry, skip, fail, "
                      "rollback to) is the last statement of its block");
        }
    }
}

/* Version and description say one thing each; requires and writes may
 * be repeated. */
static void check_meta_once(parse_ctx_t *ctx, const ast_plan_t *plan)
{
    const ast_node_t *seen[2] = { 0 };
    for (uint32_t i = 0; i < plan->items.len; i++) {
        const ast_node_t *n = plan->items.items[i];
        if (n->kind != AST_META || n->u.meta.key == AST_META_REQUIRES
            || n->u.meta.key == AST_META_WRITES)
            continue;
        if (seen[n->u.meta.key]) {
            parse_error(ctx, &n->span, "'%s' is given twice; the first is at "
                        "line %u", ast_meta_name(n->u.meta.key),
                        seen[n->u.meta.key]->span.line);
        } else {
            seen[n->u.meta.key] = n;
        }
    }
}

void syntax_check(parse_ctx_t *ctx, ast_plan_t *plan)
{
    walk_t w = { .ctx = ctx, .scope = SCOPE_PLAN };
    walk_t top = w;
    require_plain(&top, plan->name, "the migration name");
    check_block(w, &plan->items);
    check_meta_once(ctx, plan);
}
