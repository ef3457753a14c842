/* parser.y: the grammar of .mig plans, from tokens to the AST (ast.h).
 * A pure bison parser with locations, LAC and messages of our own
 * (report_syntax_error). It recovers at statement level, so one run reports
 * every error. Context rules that a grammar would state clumsily (which
 * statement may stand where) are checked afterwards in syntax.c. */

%require "3.8"
%define api.pure full
%define api.prefix {mig_yy}
%define api.location.type {src_span_t}
%define parse.error custom
%define parse.lac full
%locations
%param {parse_ctx_t *ctx}

/* Conflicts are fixed with precedence or by reshaping rules, never by
 * raising this number. */
%expect 0

%code requires {
#include "grammar_int.h"
#include <stdarg.h>
}

%union {
    ast_ident_t ident;
    ast_node_t *node;
    ast_list_t list;
    ast_idents_t idents;
    ast_args_t args;
    ast_arg_t arg;
    struct { char *text; uint32_t len; } text;
}

%code provides {
int lex_scan(MIG_YYSTYPE *yylval_param, MIG_YYLTYPE *yylloc_param,
             void *yyscanner);
}

%code {
#include <stdlib.h>
#include <string.h>

#define YYMAXDEPTH 20000

/* A span runs from its first symbol's start to its last symbol's end; an
 * empty rule gets an empty span where the previous symbol ended. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                       \
    do {                                                                  \
        if (N) {                                                          \
            (Cur).begin = YYRHSLOC(Rhs, 1).begin;                         \
            (Cur).line = YYRHSLOC(Rhs, 1).line;                           \
            (Cur).col = YYRHSLOC(Rhs, 1).col;                             \
            (Cur).end = YYRHSLOC(Rhs, N).end;                             \
            (Cur).end_line = YYRHSLOC(Rhs, N).end_line;                   \
            (Cur).end_col = YYRHSLOC(Rhs, N).end_col;                     \
        } else {                                                          \
            (Cur).begin = (Cur).end = YYRHSLOC(Rhs, 0).end;               \
            (Cur).line = (Cur).end_line = YYRHSLOC(Rhs, 0).end_line;      \
            (Cur).col = (Cur).end_col = YYRHSLOC(Rhs, 0).end_col;         \
        }                                                                 \
    } while (0)

static int mig_yylex(MIG_YYSTYPE *val, MIG_YYLTYPE *loc, parse_ctx_t *ctx);
static bool starts_statement(yysymbol_kind_t k);
static void begin_recovery(parse_ctx_t *ctx, yysymbol_kind_t found);
static void mig_yyerror(MIG_YYLTYPE *loc, parse_ctx_t *ctx, const char *msg);

#define OOM() do { ctx->oom = true; ctx->fatal = true; YYABORT; } while (0)
#define NEW(var, kind, loc) do { if (!((var) = ast_new(ctx->arena, (kind), &(loc)))) OOM(); } while (0)
#define PUSH(ok) do { if (!(ok)) OOM(); } while (0)
#define DONE(n) do { if (!finish_expr(ctx, (n))) YYABORT; } while (0)

static ast_node_t *finish_expr(parse_ctx_t *ctx, ast_node_t *n);
static ast_ident_t keyword_name(parse_ctx_t *ctx, const src_span_t *loc);
static ast_node_t *binary(parse_ctx_t *ctx, ast_op_t op, ast_node_t *l,
                          ast_node_t *r, const src_span_t *loc);
static bool set_clause(parse_ctx_t *ctx, ast_node_t **slot, ast_node_t *v,
                       const char *what, const src_span_t *loc);
static void set_backoff(parse_ctx_t *ctx, ast_node_t *retry,
                        const ast_ident_t *kind, ast_args_t args,
                        const src_span_t *loc);
static void set_jitter(parse_ctx_t *ctx, ast_node_t *retry,
                       const ast_ident_t *kind, const src_span_t *loc);
static bool hook_kind(parse_ctx_t *ctx, const ast_ident_t *word,
                      ast_hook_when_t *out);
static void check_unique(parse_ctx_t *ctx, const ast_args_t *list,
                         const ast_arg_t *arg, const char *what);
}

%token KW_MIGRATION "migration" KW_VERSION "version"
%token KW_DESCRIPTION "description" KW_REQUIRES "requires"
%token KW_PARAM "param" KW_PROFILE "profile" KW_LUA "lua" KW_AS "as"
%token KW_ERROR "error" KW_STAGE "stage" KW_AFTER "after"
%token KW_STEP "step" KW_UNDO "undo" KW_TIMEOUT "timeout" KW_WHEN "when"
%token KW_LET "let" KW_CHECKPOINT "checkpoint"
%token KW_FOREACH "foreach" KW_IN "in" KW_PARALLEL "parallel"
%token KW_RETRY "retry" KW_BACKOFF "backoff" KW_JITTER "jitter" KW_ON "on"
%token KW_RECOVER "recover" KW_WITH "with" KW_VERIFY "verify"
%token KW_IF "if" KW_ELSE "else" KW_FINALLY "finally"
%token KW_SKIP "skip" KW_FAIL "fail" KW_ROLLBACK "rollback" KW_TO "to"
%token KW_AND "and" KW_OR "or" KW_NOT "not"
%token KW_TRUE "true" KW_FALSE "false" KW_NULL "null"
%token EQ "==" NE "!=" LE "<=" GE ">="
%token <ident> IDENT "name"
%token <node> NUMBER "number" DURATION "duration"
%token STR_BEGIN "string" STR_END "end of string"
%token <text> STR_TEXT "string text"
%token INTERP_BEGIN "${" INTERP_END "} of ${"

%type <node> Stmt Hook Decision If Step StepClauses Retry RetryClauses
%type <node> Recover Handler Callee Call Expr Postfix Primary String StrParts
%type <list> Stmts Block Assigns ExprList Exprs
%type <idents> IdentList ClassList
%type <args> Args ArgList MapEntries MapEntryList
%type <arg> Arg MapEntry
%type <ident> Ident AnyName Class Keyword

%left KW_OR
%left KW_AND
%precedence KW_NOT
%nonassoc EQ NE '<' LE '>' GE
%left '+' '-'
%left '*' '/' '%'
%precedence UMINUS

%%

Plan:
    KW_MIGRATION String '{' Stmts '}' {
        ctx->plan->name = $2;
        ctx->plan->span = @$;
        ctx->plan->items = $4;
    }
;

Stmts:
    %empty          { $$ = (ast_list_t){ 0 }; }
|   Stmts Stmt      { $$ = $1; if ($2) PUSH(ast_list_push(ctx->arena, &$$, $2)); }
|   Stmts error     { $$ = $1; }
;

Block:
    '{' Stmts '}'   { $$ = $2; }
;

Stmt:
    S_VERSION String       { NEW($$, AST_META, @$); $$->u.meta.key = AST_META_VERSION; $$->u.meta.value = $2; }
|   S_DESCRIPTION String   { NEW($$, AST_META, @$); $$->u.meta.key = AST_META_DESCRIPTION; $$->u.meta.value = $2; }
|   S_REQUIRES String      { NEW($$, AST_META, @$); $$->u.meta.key = AST_META_REQUIRES; $$->u.meta.value = $2; }
|   S_PARAM Ident '=' Expr {
        NEW($$, AST_PARAM, @$);
        $$->u.binding.name = $2;
        $$->u.binding.value = $4;
    }
|   S_PROFILE Ident '{' Assigns '}' {
        NEW($$, AST_PROFILE, @$);
        $$->u.profile.name = $2;
        $$->u.profile.assigns = $4;
    }
|   S_LUA String KW_AS Ident {
        NEW($$, AST_LUA, @$);
        $$->u.lua.path = $2;
        $$->u.lua.alias = $4;
    }
|   S_ERROR Ident              { NEW($$, AST_ERROR_DECL, @$); $$->u.error_decl.name = $2; }
|   S_ERROR Ident ':' Ident    {
        NEW($$, AST_ERROR_DECL, @$);
        $$->u.error_decl.name = $2;
        $$->u.error_decl.parent = $4;
    }
|   S_STAGE Ident Block {
        NEW($$, AST_STAGE, @$);
        $$->u.stage.name = $2;
        $$->u.stage.body = $3;
    }
|   S_STAGE Ident KW_AFTER IdentList Block {
        NEW($$, AST_STAGE, @$);
        $$->u.stage.name = $2;
        $$->u.stage.after = $4;
        $$->u.stage.body = $5;
    }
|   Hook
|   Step
|   S_LET Ident '=' Expr {
        NEW($$, AST_LET, @$);
        $$->u.binding.name = $2;
        $$->u.binding.value = $4;
    }
|   S_CHECKPOINT Ident { NEW($$, AST_CHECKPOINT, @$); $$->u.checkpoint.name = $2; }
|   S_FOREACH Ident KW_IN Expr Block {
        NEW($$, AST_FOREACH, @$);
        $$->u.foreach.var = $2;
        $$->u.foreach.iterable = $4;
        $$->u.foreach.body = $5;
    }
|   S_FOREACH Ident KW_IN Expr KW_PARALLEL Expr Block {
        NEW($$, AST_FOREACH, @$);
        $$->u.foreach.var = $2;
        $$->u.foreach.iterable = $4;
        $$->u.foreach.parallel = $6;
        $$->u.foreach.body = $7;
    }
|   Retry
|   Recover
|   S_VERIFY Expr { NEW($$, AST_VERIFY, @$); $$->u.verify.cond = $2; }
|   S_VERIFY Expr KW_ELSE Expr {
        NEW($$, AST_VERIFY, @$);
        $$->u.verify.cond = $2;
        $$->u.verify.message = $4;
    }
|   If
|   Decision
;

Hook:
    S_ON AnyName Block {
        ast_hook_when_t when;
        if (!hook_kind(ctx, &$2, &when)) {
            $$ = NULL;
        } else {
            NEW($$, AST_HOOK, @$);
            $$->u.hook.when = when;
            $$->u.hook.body = $3;
        }
    }
|   S_ON AnyName KW_ROLLBACK KW_TO Ident {
        ast_hook_when_t when;
        ast_node_t *d;
        if (!hook_kind(ctx, &$2, &when)) {
            $$ = NULL;
        } else {
            NEW($$, AST_HOOK, @$);
            $$->u.hook.when = when;
            src_span_t dspan = @3;
            dspan.end = @5.end;
            dspan.end_line = @5.end_line;
            dspan.end_col = @5.end_col;
            NEW(d, AST_DECISION, dspan);
            d->u.decision.what = AST_DECIDE_ROLLBACK;
            d->u.decision.target = $5;
            PUSH(ast_list_push(ctx->arena, &$$->u.hook.body, d));
        }
    }
|   S_FINALLY Block {
        NEW($$, AST_HOOK, @$);
        $$->u.hook.when = AST_HOOK_FINALLY;
        $$->u.hook.body = $2;
    }
;

Step:
    S_STEP Ident '=' Call StepClauses {
        $$ = $5;
        $$->span = @$;
        $$->u.step.name = $2;
        $$->u.step.call = $4;
    }
;

StepClauses:
    %empty                          { NEW($$, AST_STEP, @$); }
|   StepClauses KW_UNDO Call        { $$ = $1; if (!set_clause(ctx, &$$->u.step.undo, $3, "undo", &@2)) YYABORT; }
|   StepClauses KW_TIMEOUT Expr     { $$ = $1; if (!set_clause(ctx, &$$->u.step.timeout, $3, "timeout", &@2)) YYABORT; }
|   StepClauses KW_WHEN Expr        { $$ = $1; if (!set_clause(ctx, &$$->u.step.when, $3, "when", &@2)) YYABORT; }
;

Retry:
    S_RETRY Expr RetryClauses Block {
        $$ = $3;
        $$->span = @$;
        $$->u.retry.attempts = $2;
        $$->u.retry.body = $4;
    }
;

RetryClauses:
    %empty                      { NEW($$, AST_RETRY, @$); }
|   RetryClauses KW_BACKOFF IDENT '(' Args ')' {
        $$ = $1;
        src_span_t at = @2;
        at.end = @6.end;
        at.end_line = @6.end_line;
        at.end_col = @6.end_col;
        set_backoff(ctx, $$, &$3, $5, &at);
    }
|   RetryClauses KW_JITTER IDENT    { $$ = $1; set_jitter(ctx, $$, &$3, &@2); }
|   RetryClauses KW_ON ClassList    {
        $$ = $1;
        if ($$->u.retry.on.len)
            parse_error(ctx, &@2, "this retry already has an 'on' clause; list every class in one");
        $$->u.retry.on = $3;
    }
;

Recover:
    S_RECOVER ClassList KW_WITH Handler {
        NEW($$, AST_RECOVER, @$);
        $$->u.recover.classes = $2;
        $$->u.recover.handler = $4;
    }
|   S_RECOVER ClassList Block {
        NEW($$, AST_RECOVER, @$);
        $$->u.recover.classes = $2;
        $$->u.recover.body = $3;
    }
;

Handler:
    Callee
|   Call
;

If:
    S_IF Expr Block {
        NEW($$, AST_IF, @$);
        $$->u.if_.cond = $2;
        $$->u.if_.then_body = $3;
    }
|   S_IF Expr Block KW_ELSE Block {
        NEW($$, AST_IF, @$);
        $$->u.if_.cond = $2;
        $$->u.if_.then_body = $3;
        $$->u.if_.else_body = $5;
        $$->u.if_.has_else = true;
    }
|   S_IF Expr Block KW_ELSE If {
        NEW($$, AST_IF, @$);
        $$->u.if_.cond = $2;
        $$->u.if_.then_body = $3;
        $$->u.if_.has_else = true;
        PUSH(ast_list_push(ctx->arena, &$$->u.if_.else_body, $5));
    }
;

Decision:
    S_RETRY                { NEW($$, AST_DECISION, @$); $$->u.decision.what = AST_DECIDE_RETRY; }
|   S_RETRY KW_WITH Expr   { NEW($$, AST_DECISION, @$); $$->u.decision.what = AST_DECIDE_RETRY; $$->u.decision.value = $3; }
|   S_SKIP                 { NEW($$, AST_DECISION, @$); $$->u.decision.what = AST_DECIDE_SKIP; }
|   S_SKIP Expr            { NEW($$, AST_DECISION, @$); $$->u.decision.what = AST_DECIDE_SKIP; $$->u.decision.value = $2; }
|   S_FAIL                 { NEW($$, AST_DECISION, @$); $$->u.decision.what = AST_DECIDE_FAIL; }
|   S_FAIL Expr            { NEW($$, AST_DECISION, @$); $$->u.decision.what = AST_DECIDE_FAIL; $$->u.decision.value = $2; }
|   S_ROLLBACK KW_TO Ident {
        NEW($$, AST_DECISION, @$);
        $$->u.decision.what = AST_DECIDE_ROLLBACK;
        $$->u.decision.target = $3;
    }
;

/* The keywords that start a statement. Shifting one proves the parser is
 * back on its feet after an error, so errors are reported again from here
 * (yyerrok); doing that in the error rule itself would loop, since that
 * rule is reduced before the bad token is consumed. */
S_VERSION: KW_VERSION { yyerrok; };
S_DESCRIPTION: KW_DESCRIPTION { yyerrok; };
S_REQUIRES: KW_REQUIRES { yyerrok; };
S_PARAM: KW_PARAM { yyerrok; };
S_PROFILE: KW_PROFILE { yyerrok; };
S_LUA: KW_LUA { yyerrok; };
S_ERROR: KW_ERROR { yyerrok; };
S_STAGE: KW_STAGE { yyerrok; };
S_LET: KW_LET { yyerrok; };
S_CHECKPOINT: KW_CHECKPOINT { yyerrok; };
S_FOREACH: KW_FOREACH { yyerrok; };
S_VERIFY: KW_VERIFY { yyerrok; };
S_ON: KW_ON { yyerrok; };
S_FINALLY: KW_FINALLY { yyerrok; };
S_STEP: KW_STEP { yyerrok; };
S_RETRY: KW_RETRY { yyerrok; };
S_RECOVER: KW_RECOVER { yyerrok; };
S_IF: KW_IF { yyerrok; };
S_SKIP: KW_SKIP { yyerrok; };
S_FAIL: KW_FAIL { yyerrok; };
S_ROLLBACK: KW_ROLLBACK { yyerrok; };

Assigns:
    %empty                      { $$ = (ast_list_t){ 0 }; }
|   Assigns Ident '=' Expr      {
        ast_node_t *a;
        $$ = $1;
        src_span_t at = @2;
        at.end = @4.end;
        at.end_line = @4.end_line;
        at.end_col = @4.end_col;
        NEW(a, AST_ASSIGN, at);
        a->u.binding.name = $2;
        a->u.binding.value = $4;
        PUSH(ast_list_push(ctx->arena, &$$, a));
    }
|   Assigns error               { $$ = $1; }
;

Ident:
    IDENT
;

IdentList:
    Ident                   { $$ = (ast_idents_t){ 0 }; PUSH(ast_idents_push(ctx->arena, &$$, $1)); }
|   IdentList ',' Ident     { $$ = $1; PUSH(ast_idents_push(ctx->arena, &$$, $3)); }
;

Class:
    IDENT
|   '*'     { $$.name = "*"; $$.span = @1; }
;

ClassList:
    Class                   { $$ = (ast_idents_t){ 0 }; PUSH(ast_idents_push(ctx->arena, &$$, $1)); }
|   ClassList ',' Class     { $$ = $1; PUSH(ast_idents_push(ctx->arena, &$$, $3)); }
;

/* A name after '.', before ':' in an argument or a map: keywords are
 * allowed there, so `file.move(to: x)` and `tool.version` read naturally. */
AnyName:
    IDENT
|   Keyword
;

Keyword:
    KW_MIGRATION { $$ = keyword_name(ctx, &@1); } | KW_VERSION { $$ = keyword_name(ctx, &@1); }
|   KW_DESCRIPTION { $$ = keyword_name(ctx, &@1); } | KW_REQUIRES { $$ = keyword_name(ctx, &@1); }
|   KW_PARAM { $$ = keyword_name(ctx, &@1); } | KW_PROFILE { $$ = keyword_name(ctx, &@1); }
|   KW_LUA { $$ = keyword_name(ctx, &@1); } | KW_AS { $$ = keyword_name(ctx, &@1); }
|   KW_ERROR { $$ = keyword_name(ctx, &@1); } | KW_STAGE { $$ = keyword_name(ctx, &@1); }
|   KW_AFTER { $$ = keyword_name(ctx, &@1); } | KW_STEP { $$ = keyword_name(ctx, &@1); }
|   KW_UNDO { $$ = keyword_name(ctx, &@1); } | KW_TIMEOUT { $$ = keyword_name(ctx, &@1); }
|   KW_WHEN { $$ = keyword_name(ctx, &@1); } | KW_LET { $$ = keyword_name(ctx, &@1); }
|   KW_CHECKPOINT { $$ = keyword_name(ctx, &@1); } | KW_FOREACH { $$ = keyword_name(ctx, &@1); }
|   KW_IN { $$ = keyword_name(ctx, &@1); } | KW_PARALLEL { $$ = keyword_name(ctx, &@1); }
|   KW_RETRY { $$ = keyword_name(ctx, &@1); } | KW_BACKOFF { $$ = keyword_name(ctx, &@1); }
|   KW_JITTER { $$ = keyword_name(ctx, &@1); } | KW_ON { $$ = keyword_name(ctx, &@1); }
|   KW_RECOVER { $$ = keyword_name(ctx, &@1); } | KW_WITH { $$ = keyword_name(ctx, &@1); }
|   KW_VERIFY { $$ = keyword_name(ctx, &@1); } | KW_IF { $$ = keyword_name(ctx, &@1); }
|   KW_ELSE { $$ = keyword_name(ctx, &@1); } | KW_FINALLY { $$ = keyword_name(ctx, &@1); }
|   KW_SKIP { $$ = keyword_name(ctx, &@1); } | KW_FAIL { $$ = keyword_name(ctx, &@1); }
|   KW_ROLLBACK { $$ = keyword_name(ctx, &@1); } | KW_TO { $$ = keyword_name(ctx, &@1); }
|   KW_AND { $$ = keyword_name(ctx, &@1); } | KW_OR { $$ = keyword_name(ctx, &@1); }
|   KW_NOT { $$ = keyword_name(ctx, &@1); } | KW_TRUE { $$ = keyword_name(ctx, &@1); }
|   KW_FALSE { $$ = keyword_name(ctx, &@1); } | KW_NULL { $$ = keyword_name(ctx, &@1); }
;

Callee:
    IDENT                   { NEW($$, AST_NAME, @$); $$->u.name = $1; }
|   Callee '.' AnyName      {
        NEW($$, AST_FIELD, @$);
        $$->u.field.object = $1;
        $$->u.field.field = $3;
        DONE($$);
    }
;

Call:
    Callee '(' Args ')' {
        NEW($$, AST_CALL, @$);
        $$->u.call.callee = $1;
        $$->u.call.args = $3;
        DONE($$);
    }
;

Args:
    %empty          { $$ = (ast_args_t){ 0 }; }
|   ArgList
|   ArgList ','
;

ArgList:
    Arg             { $$ = (ast_args_t){ 0 }; PUSH(ast_args_push(ctx->arena, &$$, $1)); }
|   ArgList ',' Arg {
        $$ = $1;
        if (!$3.name.name[0] && $$.items[$$.len - 1].name.name[0]) {
            diag_t *d = parse_error(ctx, &@3, "positional argument after a named one");
            diag_hint(ctx->diags, d, "put positional arguments first: f(a, b, name: c)");
        }
        check_unique(ctx, &$$, &$3, "argument");
        PUSH(ast_args_push(ctx->arena, &$$, $3));
    }
;

Arg:
    Expr                { $$.name.name = ""; $$.name.span = @1; $$.value = $1; }
|   AnyName ':' Expr    { $$.name = $1; $$.value = $3; }
;

Expr:
    Expr KW_OR Expr         { if (!($$ = binary(ctx, AST_OP_OR, $1, $3, &@$))) YYABORT; }
|   Expr KW_AND Expr        { if (!($$ = binary(ctx, AST_OP_AND, $1, $3, &@$))) YYABORT; }
|   Expr EQ Expr            { if (!($$ = binary(ctx, AST_OP_EQ, $1, $3, &@$))) YYABORT; }
|   Expr NE Expr            { if (!($$ = binary(ctx, AST_OP_NE, $1, $3, &@$))) YYABORT; }
|   Expr '<' Expr           { if (!($$ = binary(ctx, AST_OP_LT, $1, $3, &@$))) YYABORT; }
|   Expr LE Expr            { if (!($$ = binary(ctx, AST_OP_LE, $1, $3, &@$))) YYABORT; }
|   Expr '>' Expr           { if (!($$ = binary(ctx, AST_OP_GT, $1, $3, &@$))) YYABORT; }
|   Expr GE Expr            { if (!($$ = binary(ctx, AST_OP_GE, $1, $3, &@$))) YYABORT; }
|   Expr '+' Expr           { if (!($$ = binary(ctx, AST_OP_ADD, $1, $3, &@$))) YYABORT; }
|   Expr '-' Expr           { if (!($$ = binary(ctx, AST_OP_SUB, $1, $3, &@$))) YYABORT; }
|   Expr '*' Expr           { if (!($$ = binary(ctx, AST_OP_MUL, $1, $3, &@$))) YYABORT; }
|   Expr '/' Expr           { if (!($$ = binary(ctx, AST_OP_DIV, $1, $3, &@$))) YYABORT; }
|   Expr '%' Expr           { if (!($$ = binary(ctx, AST_OP_MOD, $1, $3, &@$))) YYABORT; }
|   KW_NOT Expr {
        NEW($$, AST_UNARY, @$);
        $$->u.unary.op = AST_OP_NOT;
        $$->u.unary.operand = $2;
        DONE($$);
    }
|   '-' Expr %prec UMINUS {
        NEW($$, AST_UNARY, @$);
        $$->u.unary.op = AST_OP_NEG;
        $$->u.unary.operand = $2;
        DONE($$);
    }
|   Postfix
;

Postfix:
    Primary
|   Postfix '.' AnyName {
        NEW($$, AST_FIELD, @$);
        $$->u.field.object = $1;
        $$->u.field.field = $3;
        DONE($$);
    }
|   Postfix '[' Expr ']' {
        NEW($$, AST_INDEX, @$);
        $$->u.index.object = $1;
        $$->u.index.index = $3;
        DONE($$);
    }
|   Postfix '(' Args ')' {
        NEW($$, AST_CALL, @$);
        $$->u.call.callee = $1;
        $$->u.call.args = $3;
        DONE($$);
    }
;

Primary:
    NUMBER
|   DURATION
|   String
|   KW_NULL         { NEW($$, AST_NULL, @$); }
|   KW_TRUE         { NEW($$, AST_BOOL, @$); $$->u.boolean = true; }
|   KW_FALSE        { NEW($$, AST_BOOL, @$); $$->u.boolean = false; }
|   IDENT           { NEW($$, AST_NAME, @$); $$->u.name = $1; }
|   '(' Expr ')'    { $$ = $2; $$->span = @$; }
|   '[' ExprList ']' {
        NEW($$, AST_LIST, @$);
        $$->u.list = $2;
        DONE($$);
    }
|   '{' MapEntries '}' {
        NEW($$, AST_MAP, @$);
        $$->u.map = $2;
        DONE($$);
    }
;

ExprList:
    %empty          { $$ = (ast_list_t){ 0 }; }
|   Exprs
|   Exprs ','
;

Exprs:
    Expr            { $$ = (ast_list_t){ 0 }; PUSH(ast_list_push(ctx->arena, &$$, $1)); }
|   Exprs ',' Expr  { $$ = $1; PUSH(ast_list_push(ctx->arena, &$$, $3)); }
;

MapEntries:
    %empty          { $$ = (ast_args_t){ 0 }; }
|   MapEntryList
|   MapEntryList ','
;

MapEntryList:
    MapEntry                    { $$ = (ast_args_t){ 0 }; PUSH(ast_args_push(ctx->arena, &$$, $1)); }
|   MapEntryList ',' MapEntry   {
        $$ = $1;
        check_unique(ctx, &$$, &$3, "key");
        PUSH(ast_args_push(ctx->arena, &$$, $3));
    }
;

MapEntry:
    AnyName ':' Expr    { $$.name = $1; $$.value = $3; }
|   String ':' Expr     {
        const char *text;
        uint32_t len;
        if (!ast_string_is_plain($1, &text, &len)) {
            parse_error(ctx, &@1, "a map key cannot use ${...}; build the map with a function instead");
            text = "";
            len = 0;
        } else if (memchr(text, '\0', len)) {
            parse_error(ctx, &@1, "a map key cannot hold a NUL byte");
        }
        $$.name.name = text;
        $$.name.span = @1;
        $$.value = $3;
    }
;

String:
    STR_BEGIN StrParts STR_END  { $$ = $2; $$->span = @$; DONE($$); }
;

StrParts:
    %empty                          { NEW($$, AST_STRING, @$); }
|   StrParts STR_TEXT               { $$ = $1; PUSH(ast_string_push(ctx->arena, $$, $2.text, $2.len, NULL)); }
|   StrParts INTERP_BEGIN Expr INTERP_END {
        $$ = $1;
        PUSH(ast_string_push(ctx->arena, $$, NULL, 0, $3));
    }
;

%%

/* ---- the scanner bridge ---------------------------------------------- */

/* Hands the parser its next token and remembers the last three, which the
 * error messages use for context. */
/* True when the innermost open mode is a block (or nothing is open). */
static bool at_block_level(const parse_ctx_t *ctx)
{
    return ctx->n_modes == 0 || ctx->modes[ctx->n_modes - 1].kind == '{';
}

/* Called when a syntax error is reported, with the token found there. The
 * parser recovers at statement level, but it does not know brackets: left
 * alone, the '}' of a broken map would close the enclosing block. So the
 * rest of a broken expression, up to the bracket that closes it, is
 * swallowed here, unless the error token starts a statement: then the
 * expression's brackets were never closed, and are abandoned. */
static void begin_recovery(parse_ctx_t *ctx, yysymbol_kind_t found)
{
    if (at_block_level(ctx))
        return;
    if (starts_statement(found) || found == YYSYMBOL_YYEOF) {
        while (!at_block_level(ctx) && ctx->modes[ctx->n_modes - 1].kind != '"')
            ctx->n_modes--;
        return;
    }
    ctx->swallowing = true;
}

/* Token kinds that end an expression's bracket or string. */
static bool is_closer(int tok)
{
    return tok == ')' || tok == ']' || tok == '}' || tok == STR_END ||
           tok == INTERP_END;
}

/* Scans one token and remembers it. */
static int next_token(MIG_YYSTYPE *val, MIG_YYLTYPE *loc, parse_ctx_t *ctx)
{
    int tok = lex_scan(val, loc, ctx->scanner);
    ctx->tok[2] = ctx->tok[1];
    ctx->tok_span[2] = ctx->tok_span[1];
    ctx->tok[1] = ctx->tok[0];
    ctx->tok_span[1] = ctx->tok_span[0];
    ctx->tok[0] = tok;
    if (tok != MIG_YYEOF)
        ctx->tok_span[0] = *loc;
    return tok;
}

static int mig_yylex(MIG_YYSTYPE *val, MIG_YYLTYPE *loc, parse_ctx_t *ctx)
{
    int tok = next_token(val, loc, ctx);
    while (ctx->swallowing && tok != MIG_YYEOF) {
        if (at_block_level(ctx)) {
            ctx->swallowing = false;
            if (!is_closer(tok))
                break;      /* the expression ended before this token */
        } else if (starts_statement(YYTRANSLATE(tok))) {
            begin_recovery(ctx, YYTRANSLATE(tok));
            ctx->swallowing = false;
            break;
        }
        tok = next_token(val, loc, ctx);
    }
    return tok;
}

/* Bison calls this only when its own stack is exhausted: a deep chain of
 * prefix operators, since brackets and blocks are bounded in the scanner. */
static void mig_yyerror(MIG_YYLTYPE *loc, parse_ctx_t *ctx, const char *msg)
{
    (void)msg;
    if (!ctx->fatal) {
        parse_error(ctx, loc, "nested too deeply: the expression has too "
                    "many levels of operators");
        ctx->fatal = true;
    }
}

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

/* ---- messages for syntax errors ---------------------------------------- */

/* Context for "expected X after CONTEXT": the token before the error, and
 * the one before that where it tells more (ANY matches every token). */
#define ANY (-1)
static const struct {
    int before, last;
    const char *phrase;
    const char *hint;
} contexts[] = {
    { KW_STAGE, IDENT, "after the stage name",
      "a stage body is a block: stage NAME { ... }" },
    { KW_STEP, IDENT, "after the step name",
      "a step names its result and calls an action: step NAME = ACTION(ARGS)" },
    { KW_PARAM, IDENT, "after the parameter name",
      "a parameter has a default value: param NAME = VALUE" },
    { KW_LET, IDENT, "after the name", "let NAME = EXPRESSION" },
    { KW_FOREACH, IDENT, "after the loop variable",
      "foreach ITEM in LIST { ... }" },
    { KW_PROFILE, IDENT, "after the profile name",
      "a profile overrides parameters: profile NAME { PARAM = VALUE ... }" },
    { KW_CHECKPOINT, IDENT, "after the checkpoint name", NULL },
    { KW_AS, IDENT, "after the module name", NULL },
    { ANY, KW_ROLLBACK, "after 'rollback'", "rollback to CHECKPOINT" },
    { KW_ROLLBACK, KW_TO, "after 'rollback to'",
      "rollback to CHECKPOINT, where CHECKPOINT is the name of a checkpoint" },
    { KW_ON, IDENT, "after 'on %s'", NULL },
    { ANY, KW_MIGRATION, "after 'migration'",
      "a plan starts with: migration \"NAME\" { ... }" },
};

/* How a token kind reads in a message. */
static const char *symbol_text(yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_YYEOF: return "end of file";
    case YYSYMBOL_IDENT: return "a name";
    case YYSYMBOL_NUMBER: return "a number";
    case YYSYMBOL_DURATION: return "a duration";
    case YYSYMBOL_STR_BEGIN: return "a string";
    case YYSYMBOL_STR_END: return "'\"'";
    case YYSYMBOL_STR_TEXT: return "string text";
    case YYSYMBOL_INTERP_BEGIN: return "'${'";
    case YYSYMBOL_INTERP_END: return "'}'";
    default: return NULL;
    }
}

static void put_symbol(strbuf_t *b, yysymbol_kind_t k)
{
    const char *t = symbol_text(k);
    if (t) {
        strbuf_puts(b, t);
        return;
    }
    /* Bison names characters "'{'", and keywords and operators by their
     * alias, bare: quote those the same way. */
    const char *name = yysymbol_name(k);
    if (name[0] == '\'')
        strbuf_puts(b, name);
    else
        strbuf_printf(b, "'%s'", name);
}

static bool is_keyword(yysymbol_kind_t k)
{
    return k >= YYSYMBOL_KW_MIGRATION && k <= YYSYMBOL_KW_NULL;
}

static bool starts_expression(yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_IDENT: case YYSYMBOL_NUMBER: case YYSYMBOL_DURATION:
    case YYSYMBOL_STR_BEGIN: case YYSYMBOL_KW_NOT: case YYSYMBOL_KW_TRUE:
    case YYSYMBOL_KW_FALSE: case YYSYMBOL_KW_NULL:
        return true;
    default:
        return k == YYTRANSLATE('(') || k == YYTRANSLATE('[') ||
               k == YYTRANSLATE('{') || k == YYTRANSLATE('-');
    }
}

static bool starts_statement(yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_KW_VERSION: case YYSYMBOL_KW_DESCRIPTION:
    case YYSYMBOL_KW_REQUIRES: case YYSYMBOL_KW_PARAM:
    case YYSYMBOL_KW_PROFILE: case YYSYMBOL_KW_LUA: case YYSYMBOL_KW_ERROR:
    case YYSYMBOL_KW_STAGE: case YYSYMBOL_KW_STEP: case YYSYMBOL_KW_LET:
    case YYSYMBOL_KW_CHECKPOINT: case YYSYMBOL_KW_FOREACH:
    case YYSYMBOL_KW_RETRY: case YYSYMBOL_KW_ON: case YYSYMBOL_KW_RECOVER:
    case YYSYMBOL_KW_VERIFY: case YYSYMBOL_KW_IF: case YYSYMBOL_KW_FINALLY:
    case YYSYMBOL_KW_SKIP: case YYSYMBOL_KW_FAIL: case YYSYMBOL_KW_ROLLBACK:
        return true;
    default:
        return false;
    }
}

static bool has_symbol(const yysymbol_kind_t *set, int n,
                       yysymbol_kind_t k)
{
    for (int i = 0; i < n; i++)
        if (set[i] == k)
            return true;
    return false;
}

static bool is_operator(yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_KW_AND: case YYSYMBOL_KW_OR: case YYSYMBOL_EQ:
    case YYSYMBOL_NE: case YYSYMBOL_LE: case YYSYMBOL_GE:
        return true;
    default:
        return k == YYTRANSLATE('<') || k == YYTRANSLATE('>') ||
               k == YYTRANSLATE('+') || k == YYTRANSLATE('-') ||
               k == YYTRANSLATE('*') || k == YYTRANSLATE('/') ||
               k == YYTRANSLATE('%') || k == YYTRANSLATE('.') ||
               k == YYTRANSLATE('[') || k == YYTRANSLATE('(');
    }
}

/* Writes "X", "X or Y", "X, Y or Z": the expected tokens, with whole
 * families said as one phrase. Where a keyword may stand as a name (after
 * '.', as an argument name), keywords are names, not statements. After a
 * complete operand any operator could follow; the other tokens (',', ']',
 * ')') are the ones that help, so operators are named only when alone. */
static void put_expected(strbuf_t *b, const yysymbol_kind_t *set, int n)
{
    bool names = has_symbol(set, n, YYSYMBOL_IDENT) &&
                 has_symbol(set, n, YYSYMBOL_KW_AS);
    bool exprs = has_symbol(set, n, YYSYMBOL_IDENT) &&
                 has_symbol(set, n, YYSYMBOL_NUMBER) &&
                 has_symbol(set, n, YYSYMBOL_STR_BEGIN);
    bool stmts = !names && has_symbol(set, n, YYSYMBOL_KW_STEP) &&
                 has_symbol(set, n, YYSYMBOL_KW_LET);
    bool ops = has_symbol(set, n, YYSYMBOL_KW_AND) &&
               has_symbol(set, n, YYTRANSLATE('+'));
    const char *words[16];
    yysymbol_kind_t syms[16];
    int m = 0, others = 0;
    if (stmts)
        words[m++] = "a statement";
    if (exprs)
        words[m++] = "an expression";
    else if (names)
        words[m++] = "a name";
    for (int i = 0; i < n && m < 16; i++) {
        yysymbol_kind_t k = set[i];
        if ((stmts && starts_statement(k)) || (exprs && starts_expression(k)) ||
            (names && (is_keyword(k) || k == YYSYMBOL_IDENT)) ||
            (ops && is_operator(k)))
            continue;
        words[m] = NULL;
        syms[m++] = k;
        others++;
    }
    if (ops && m == 0)
        words[m++] = "an operator";
    if (m > 6)
        m = 6;
    for (int i = 0; i < m; i++) {
        if (i)
            strbuf_puts(b, i == m - 1 ? " or " : ", ");
        if (words[i])
            strbuf_puts(b, words[i]);
        else
            put_symbol(b, syms[i]);
    }
    (void)others;
}

/* True after a keyword that introduces a new name (let NAME, ...). */
static bool names_something(int tok)
{
    switch (tok) {
    case KW_LET: case KW_PARAM: case KW_STEP: case KW_FOREACH:
    case KW_CHECKPOINT: case KW_PROFILE: case KW_STAGE: case KW_AS:
    case KW_ERROR:
        return true;
    default:
        return false;
    }
}

/* Writes how the token at SPAN reads: 'step', 'foo', a string, end of file. */
static void put_found(parse_ctx_t *ctx, strbuf_t *b, yysymbol_kind_t k,
                      const src_span_t *span)
{
    if (k == YYSYMBOL_YYEOF || k == YYSYMBOL_STR_BEGIN || k == YYSYMBOL_YYerror ||
        span->end <= span->begin) {
        strbuf_puts(b, k == YYSYMBOL_YYerror ? "an invalid token"
                       : k == YYSYMBOL_STR_BEGIN ? "a string" : "end of file");
        return;
    }
    size_t n = span->end - span->begin;
    strbuf_putc(b, '\'');
    strbuf_put(b, ctx->src->text + span->begin, n > 40 ? 40 : n);
    strbuf_puts(b, n > 40 ? "...'" : "'");
}

static void put_context(parse_ctx_t *ctx, strbuf_t *b, const char **hint)
{
    int last = ctx->tok[1], before = ctx->tok[2];
    if (last == MIG_YYEMPTY) {
        *hint = "a plan starts with: migration \"NAME\" { ... }";
        return;
    }
    if (last == MIG_YYEOF)
        return;
    for (size_t i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++) {
        if ((contexts[i].last == ANY || contexts[i].last == last) &&
            (contexts[i].before == ANY || contexts[i].before == before)) {
            strbuf_putc(b, ' ');
            if (strstr(contexts[i].phrase, "%s")) {
                const src_span_t *s = &ctx->tok_span[1];
                strbuf_printf(b, contexts[i].phrase, "");
                b->len--;   /* the phrase ends in "%s'": put the word back */
                strbuf_put(b, ctx->src->text + s->begin, s->end - s->begin);
                strbuf_putc(b, '\'');
            } else {
                strbuf_puts(b, contexts[i].phrase);
            }
            *hint = contexts[i].hint;
            return;
        }
    }
    const src_span_t *s = &ctx->tok_span[1];
    size_t n = s->end - s->begin;
    if (last == STR_END) {
        strbuf_puts(b, " after the string");
    } else if (n > 0 && n <= 40) {
        strbuf_puts(b, " after '");
        strbuf_put(b, ctx->src->text + s->begin, n);
        strbuf_putc(b, '\'');
    }
}

static int describe_syntax_error(const yypcontext_t *pctx, parse_ctx_t *ctx);

/* Reports the error, then sets the scanner up for recovery. */
static int yyreport_syntax_error(const yypcontext_t *pctx,
                                 parse_ctx_t *ctx)
{
    int rc = describe_syntax_error(pctx, ctx);
    begin_recovery(ctx, yypcontext_token(pctx));
    return rc;
}

static int describe_syntax_error(const yypcontext_t *pctx, parse_ctx_t *ctx)
{
    if (ctx->fatal)
        return 0;
    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(pctx, expected, YYNTOKENS);
    if (n < 0)
        n = 0;
    yysymbol_kind_t found = yypcontext_token(pctx);
    const src_span_t *at = yypcontext_location(pctx);
    const char *hint = NULL;

    /* Echoes are not news: a '}' left over after recovery from an earlier
     * error, or a token that only looks misplaced because the scanner just
     * dropped a bad character before it. */
    if (n == 1 && expected[0] == YYSYMBOL_YYEOF && ctx->syntax_errors > 0)
        return 0;
    if (ctx->diags->len > 0) {
        const diag_t *last = &ctx->diags->items[ctx->diags->len - 1];
        if (last->has_span && last->span.begin >= ctx->tok_span[1].end &&
            last->span.begin <= at->begin && ctx->tok[1] != MIG_YYEMPTY)
            return 0;
    }
    ctx->syntax_errors++;

    strbuf_t b;
    strbuf_init(&b);
    if (n > 0) {
        strbuf_puts(&b, "expected ");
        put_expected(&b, expected, n);
    } else {
        strbuf_puts(&b, "unexpected token");
    }
    put_context(ctx, &b, &hint);
    strbuf_puts(&b, ", found ");
    put_found(ctx, &b, found, at);
    if (b.oom) {
        strbuf_free(&b);
        ctx->oom = ctx->fatal = true;
        return YYENOMEM;
    }
    diag_t *d = parse_error(ctx, at, "%s", b.data);
    strbuf_free(&b);

    /* What was left open is often the real mistake: at the end of the file,
     * or where a statement begins inside brackets or a map. */
    const lex_mode_t *open = ctx->n_modes ? &ctx->modes[ctx->n_modes - 1] : NULL;
    if (open && ctx->syntax_errors > 1 && open->span.begin < ctx->last_error)
        open = NULL;    /* recovery from an earlier error skipped past it */
    if (found == YYTRANSLATE('}') && ctx->abandoned_by == at->end)
        open = &ctx->abandoned;     /* the '}' closed a block around it */
    ctx->last_error = at->begin;
    bool comparing = found == YYSYMBOL_EQ || found == YYSYMBOL_NE ||
                     found == YYSYMBOL_LE || found == YYSYMBOL_GE ||
                     found == YYTRANSLATE('<') || found == YYTRANSLATE('>');
    const lex_mode_t *map = open;
    /* A map that just closed, as in "retry { }"; when the token found is a
     * '}' itself, it closed something too, so look one further back. */
    const lex_mode_t *shut = &ctx->closed[found == YYTRANSLATE('}') ? 1 : 0];
    if (ctx->tok[1] == '}' && shut->kind == 'm')
        map = shut;
    if (map && map->kind == 'm' &&
        (map->after == KW_PARALLEL || map->after == KW_RETRY)) {
        open = map;
        diag_hint(ctx->diags, d, "the '{' at line %u, column %u is read as a "
                  "map, the %s; write '%s N { ... }'", open->span.line,
                  open->span.col, open->after == KW_RETRY ? "number of attempts"
                  : "number of items to run at once",
                  open->after == KW_RETRY ? "retry" : "parallel");
    } else if (comparing && has_symbol(expected, n, YYSYMBOL_KW_AND)) {
        diag_hint(ctx->diags, d, "comparisons do not chain: write "
                  "'a < b and b < c'");
    } else if (is_keyword(found) && names_something(ctx->tok[1]) &&
               has_symbol(expected, n, YYSYMBOL_IDENT)) {
        diag_hint(ctx->diags, d, "'%.*s' is a reserved word; choose another name",
                  (int)(at->end - at->begin), ctx->src->text + at->begin);
    } else if (open && (found == YYSYMBOL_YYEOF ||
                        (open->kind == '(' && (starts_statement(found) ||
                                               found == YYTRANSLATE('}'))))) {
        diag_hint(ctx->diags, d, "the '%.*s' at line %u, column %u is not closed",
                  (int)(open->span.end - open->span.begin),
                  ctx->src->text + open->span.begin,
                  open->span.line, open->span.col);
    } else if (hint) {
        diag_hint(ctx->diags, d, "%s", hint);
    }
    return 0;
}

/* ---- helpers for the actions ------------------------------------------- */

/* Sets N's depth from its children and refuses trees too deep to walk
 * safely. Returns N, or NULL (and stops the parse) past the limit. */
static ast_node_t *finish_expr(parse_ctx_t *ctx, ast_node_t *n)
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

static ast_node_t *binary(parse_ctx_t *ctx, ast_op_t op, ast_node_t *l,
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
    return finish_expr(ctx, n);
}

static ast_ident_t keyword_name(parse_ctx_t *ctx, const src_span_t *loc)
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

static bool set_clause(parse_ctx_t *ctx, ast_node_t **slot, ast_node_t *v,
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

static void set_backoff(parse_ctx_t *ctx, ast_node_t *retry,
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

static void set_jitter(parse_ctx_t *ctx, ast_node_t *retry,
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

/* Named arguments and map keys are given once each. */
static void check_unique(parse_ctx_t *ctx, const ast_args_t *list,
                         const ast_arg_t *arg, const char *what)
{
    if (!arg->name.name[0] && arg->name.span.begin == arg->value->span.begin)
        return;     /* positional */
    for (uint32_t i = 0; i < list->len; i++) {
        const ast_ident_t *prev = &list->items[i].name;
        if (strcmp(prev->name, arg->name.name) == 0 &&
            !(prev->name[0] == '\0' && prev->span.begin == list->items[i].value->span.begin)) {
            parse_error(ctx, &arg->name.span, "%s '%s' is given twice; the "
                        "first is at line %u, column %u", what, arg->name.name,
                        prev->span.line, prev->span.col);
            return;
        }
    }
}

static bool hook_kind(parse_ctx_t *ctx, const ast_ident_t *word,
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
