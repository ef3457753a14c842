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
static void mig_yyerror(MIG_YYLTYPE *loc, parse_ctx_t *ctx, const char *msg);

#define OOM() do { ctx->oom = true; ctx->fatal = true; YYABORT; } while (0)
#define NEW(var, kind, loc) do { if (!((var) = ast_new(ctx->arena, (kind), &(loc)))) OOM(); } while (0)
#define PUSH(ok) do { if (!(ok)) OOM(); } while (0)
#define DONE(n) do { if (!parse_finish_expr(ctx, (n))) YYABORT; } while (0)

}

%token KW_MIGRATION "migration" KW_VERSION "version"
%token KW_DESCRIPTION "description" KW_REQUIRES "requires" KW_WRITES "writes"
%token KW_PARAM "param" KW_PROFILE "profile" KW_LUA "lua" KW_AS "as"
%token KW_ERROR "error" KW_STAGE "stage" KW_AFTER "after"
%token KW_BREAKER "breaker"
%token KW_STEP "step" KW_UNDO "undo" KW_TIMEOUT "timeout" KW_WHEN "when"
%token KW_LET "let" KW_CHECKPOINT "checkpoint" KW_SNAPSHOT "snapshot"
%token KW_FOREACH "foreach" KW_IN "in" KW_PARALLEL "parallel"
%token KW_TOLERATE "tolerate"
%token KW_RETRY "retry" KW_BACKOFF "backoff" KW_JITTER "jitter" KW_ON "on"
%token KW_DEADLINE "deadline"
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
%type <node> Foreach ForeachOrder ForeachHead
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
|   S_WRITES String        { NEW($$, AST_META, @$); $$->u.meta.key = AST_META_WRITES; $$->u.meta.value = $2; }
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
|   S_BREAKER String '{' MapEntries '}' {
        NEW($$, AST_BREAKER, @$);
        $$->u.breaker.target = $2;
        NEW($$->u.breaker.config, AST_MAP, @3);
        $$->u.breaker.config->span.end = @5.end;
        $$->u.breaker.config->span.end_line = @5.end_line;
        $$->u.breaker.config->span.end_col = @5.end_col;
        $$->u.breaker.config->u.map = $4;
        DONE($$->u.breaker.config);
    }
|   S_BREAKER Callee '{' MapEntries '}' {
        /* A bare action name reads naturally but is not the syntax:
         * say so once, and drop the item. */
        strbuf_t name;
        strbuf_init(&name);
        ast_dotted_name($2, &name);
        diag_t *d = parse_error(ctx, &@2, "the target of a breaker is a "
                                "string: an action or a namespace in quotes");
        diag_hint(ctx->diags, d, "write breaker \"%s\" { ... }",
                  name.data ? name.data : "");
        strbuf_free(&name);
        $$ = NULL;
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
|   S_SNAPSHOT Ident { NEW($$, AST_SNAPSHOT, @$); $$->u.snapshot.name = $2; }
|   Foreach
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
        if (!parse_hook_kind(ctx, &$2, &when)) {
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
        if (!parse_hook_kind(ctx, &$2, &when)) {
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
|   StepClauses KW_UNDO Call        { $$ = $1; if (!parse_set_clause(ctx, &$$->u.step.undo, $3, "undo", &@2)) YYABORT; }
|   StepClauses KW_TIMEOUT Expr     { $$ = $1; if (!parse_set_clause(ctx, &$$->u.step.timeout, $3, "timeout", &@2)) YYABORT; }
|   StepClauses KW_WHEN Expr        { $$ = $1; if (!parse_set_clause(ctx, &$$->u.step.when, $3, "when", &@2)) YYABORT; }
;

/* foreach VAR in LIST [parallel N] [after NAMES] [tolerate N | tolerate N%]
 * { ... }: the tolerance is a plain number, so its '%' is never the
 * operator; NAMES is an expression evaluated per item (docs/language.md). */
Foreach:
    ForeachOrder Block                   { $$ = $1; $$->span = @$; $$->u.foreach.body = $2; }
|   ForeachOrder KW_TOLERATE NUMBER Block {
        $$ = $1;
        $$->span = @$;
        $$->u.foreach.tolerate = $3;
        $$->u.foreach.body = $4;
    }
|   ForeachOrder KW_TOLERATE NUMBER '%' Block {
        $$ = $1;
        $$->span = @$;
        $$->u.foreach.tolerate = $3;
        $$->u.foreach.tolerate_percent = true;
        $$->u.foreach.body = $5;
    }
;

ForeachOrder:
    ForeachHead
|   ForeachHead KW_AFTER Expr           { $$ = $1; $$->u.foreach.after = $3; }
;

ForeachHead:
    S_FOREACH Ident KW_IN Expr {
        NEW($$, AST_FOREACH, @$);
        $$->u.foreach.var = $2;
        $$->u.foreach.iterable = $4;
    }
|   S_FOREACH Ident KW_IN Expr KW_PARALLEL Expr {
        NEW($$, AST_FOREACH, @$);
        $$->u.foreach.var = $2;
        $$->u.foreach.iterable = $4;
        $$->u.foreach.parallel = $6;
    }
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
        parse_set_backoff(ctx, $$, &$3, $5, &at);
    }
|   RetryClauses KW_JITTER IDENT    { $$ = $1; parse_set_jitter(ctx, $$, &$3, &@2); }
|   RetryClauses KW_TIMEOUT Expr    {
        $$ = $1;
        parse_set_retry_limit(ctx, $$, false, $3, &@2);
    }
|   RetryClauses KW_DEADLINE Expr   {
        $$ = $1;
        parse_set_retry_limit(ctx, $$, true, $3, &@2);
    }
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
S_WRITES: KW_WRITES { yyerrok; };
S_PARAM: KW_PARAM { yyerrok; };
S_PROFILE: KW_PROFILE { yyerrok; };
S_LUA: KW_LUA { yyerrok; };
S_ERROR: KW_ERROR { yyerrok; };
S_BREAKER: KW_BREAKER { yyerrok; };
S_STAGE: KW_STAGE { yyerrok; };
S_LET: KW_LET { yyerrok; };
S_CHECKPOINT: KW_CHECKPOINT { yyerrok; };
S_SNAPSHOT: KW_SNAPSHOT { yyerrok; };
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
    KW_MIGRATION { $$ = parse_keyword_name(ctx, &@1); } | KW_VERSION { $$ = parse_keyword_name(ctx, &@1); }
|   KW_DESCRIPTION { $$ = parse_keyword_name(ctx, &@1); } | KW_REQUIRES { $$ = parse_keyword_name(ctx, &@1); }
|   KW_WRITES { $$ = parse_keyword_name(ctx, &@1); }
|   KW_PARAM { $$ = parse_keyword_name(ctx, &@1); } | KW_PROFILE { $$ = parse_keyword_name(ctx, &@1); }
|   KW_LUA { $$ = parse_keyword_name(ctx, &@1); } | KW_AS { $$ = parse_keyword_name(ctx, &@1); }
|   KW_ERROR { $$ = parse_keyword_name(ctx, &@1); } | KW_STAGE { $$ = parse_keyword_name(ctx, &@1); }
|   KW_BREAKER { $$ = parse_keyword_name(ctx, &@1); }
|   KW_AFTER { $$ = parse_keyword_name(ctx, &@1); } | KW_STEP { $$ = parse_keyword_name(ctx, &@1); }
|   KW_UNDO { $$ = parse_keyword_name(ctx, &@1); } | KW_TIMEOUT { $$ = parse_keyword_name(ctx, &@1); }
|   KW_WHEN { $$ = parse_keyword_name(ctx, &@1); } | KW_LET { $$ = parse_keyword_name(ctx, &@1); }
|   KW_CHECKPOINT { $$ = parse_keyword_name(ctx, &@1); } | KW_FOREACH { $$ = parse_keyword_name(ctx, &@1); }
|   KW_SNAPSHOT { $$ = parse_keyword_name(ctx, &@1); }
|   KW_IN { $$ = parse_keyword_name(ctx, &@1); } | KW_PARALLEL { $$ = parse_keyword_name(ctx, &@1); }
|   KW_TOLERATE { $$ = parse_keyword_name(ctx, &@1); } | KW_DEADLINE { $$ = parse_keyword_name(ctx, &@1); }
|   KW_RETRY { $$ = parse_keyword_name(ctx, &@1); } | KW_BACKOFF { $$ = parse_keyword_name(ctx, &@1); }
|   KW_JITTER { $$ = parse_keyword_name(ctx, &@1); } | KW_ON { $$ = parse_keyword_name(ctx, &@1); }
|   KW_RECOVER { $$ = parse_keyword_name(ctx, &@1); } | KW_WITH { $$ = parse_keyword_name(ctx, &@1); }
|   KW_VERIFY { $$ = parse_keyword_name(ctx, &@1); } | KW_IF { $$ = parse_keyword_name(ctx, &@1); }
|   KW_ELSE { $$ = parse_keyword_name(ctx, &@1); } | KW_FINALLY { $$ = parse_keyword_name(ctx, &@1); }
|   KW_SKIP { $$ = parse_keyword_name(ctx, &@1); } | KW_FAIL { $$ = parse_keyword_name(ctx, &@1); }
|   KW_ROLLBACK { $$ = parse_keyword_name(ctx, &@1); } | KW_TO { $$ = parse_keyword_name(ctx, &@1); }
|   KW_AND { $$ = parse_keyword_name(ctx, &@1); } | KW_OR { $$ = parse_keyword_name(ctx, &@1); }
|   KW_NOT { $$ = parse_keyword_name(ctx, &@1); } | KW_TRUE { $$ = parse_keyword_name(ctx, &@1); }
|   KW_FALSE { $$ = parse_keyword_name(ctx, &@1); } | KW_NULL { $$ = parse_keyword_name(ctx, &@1); }
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
        parse_check_unique(ctx, &$$, &$3, "argument");
        PUSH(ast_args_push(ctx->arena, &$$, $3));
    }
;

Arg:
    Expr                { $$.name.name = ""; $$.name.span = @1; $$.value = $1; }
|   AnyName ':' Expr    { $$.name = $1; $$.value = $3; }
;

Expr:
    Expr KW_OR Expr         { if (!($$ = parse_binary(ctx, AST_OP_OR, $1, $3, &@$))) YYABORT; }
|   Expr KW_AND Expr        { if (!($$ = parse_binary(ctx, AST_OP_AND, $1, $3, &@$))) YYABORT; }
|   Expr EQ Expr            { if (!($$ = parse_binary(ctx, AST_OP_EQ, $1, $3, &@$))) YYABORT; }
|   Expr NE Expr            { if (!($$ = parse_binary(ctx, AST_OP_NE, $1, $3, &@$))) YYABORT; }
|   Expr '<' Expr           { if (!($$ = parse_binary(ctx, AST_OP_LT, $1, $3, &@$))) YYABORT; }
|   Expr LE Expr            { if (!($$ = parse_binary(ctx, AST_OP_LE, $1, $3, &@$))) YYABORT; }
|   Expr '>' Expr           { if (!($$ = parse_binary(ctx, AST_OP_GT, $1, $3, &@$))) YYABORT; }
|   Expr GE Expr            { if (!($$ = parse_binary(ctx, AST_OP_GE, $1, $3, &@$))) YYABORT; }
|   Expr '+' Expr           { if (!($$ = parse_binary(ctx, AST_OP_ADD, $1, $3, &@$))) YYABORT; }
|   Expr '-' Expr           { if (!($$ = parse_binary(ctx, AST_OP_SUB, $1, $3, &@$))) YYABORT; }
|   Expr '*' Expr           { if (!($$ = parse_binary(ctx, AST_OP_MUL, $1, $3, &@$))) YYABORT; }
|   Expr '/' Expr           { if (!($$ = parse_binary(ctx, AST_OP_DIV, $1, $3, &@$))) YYABORT; }
|   Expr '%' Expr           { if (!($$ = parse_binary(ctx, AST_OP_MOD, $1, $3, &@$))) YYABORT; }
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
        parse_check_unique(ctx, &$$, &$3, "key");
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
        if (parse_at_block_level(ctx)) {
            ctx->swallowing = false;
            if (!parse_is_closer(tok))
                break;      /* the expression ended before this token */
        } else if (parse_starts_statement(tok)) {
            parse_begin_recovery(ctx, tok);
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

/* ---- syntax errors ------------------------------------------------------- */

/* The token number of a symbol kind (the inverse of YYTRANSLATE); errors
 * are rare, so a search is fine. */
static int symbol_token(yysymbol_kind_t sym)
{
    for (int t = 0; t <= YYMAXUTOK; t++)
        if (YYTRANSLATE(t) == sym && sym != YYSYMBOL_YYUNDEF)
            return t;
    return MIG_YYEMPTY;
}

const char *parse_token_name(int tok)
{
    return yysymbol_name(YYTRANSLATE(tok));
}

/* Reports the error (parse_errors.c), then sets recovery up. */
static int yyreport_syntax_error(const yypcontext_t *pctx, parse_ctx_t *ctx)
{
    yysymbol_kind_t syms[YYNTOKENS];
    int expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(pctx, syms, YYNTOKENS);
    if (n < 0)
        n = 0;
    for (int i = 0; i < n; i++)
        expected[i] = symbol_token(syms[i]);
    int found = symbol_token(yypcontext_token(pctx));
    int rc = parse_report_syntax_error(ctx, expected, n, found,
                                       yypcontext_location(pctx));
    parse_begin_recovery(ctx, found);
    return rc < 0 ? YYENOMEM : 0;
}
