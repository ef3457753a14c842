/* grammar_int.h: what the scanner and the parser share. Not for other
 * layers: they see grammar.h only. */
#ifndef MIG_GRAMMAR_INT_H
#define MIG_GRAMMAR_INT_H

#include "grammar.h"

/* One open bracket, block, string or interpolation, innermost last. */
typedef struct lex_mode {
    char kind;          /* '{' block or map, '(' paren or bracket, '$' ${...}, '"' string */
    int after;          /* the token before it, for hints */
    src_span_t span;    /* where it opened (its own text: "{", "(", "[", ...) */
} lex_mode_t;

typedef struct parse_ctx {
    src_t *src;
    arena_t *arena;
    diag_list_t *diags;
    void *scanner;              /* yyscan_t */
    ast_plan_t *plan;

    /* scanner position: the next byte to read */
    uint32_t offset, line, col;
    lex_mode_t modes[MIG_MAX_NESTING + 1];
    uint32_t n_modes;
    lex_mode_t closed[2];       /* the braces closed last, newest first */
    int str_after;              /* the token before the string closed last */
    lex_mode_t abandoned;       /* a '(' or '[' a '}' left open ... */
    uint32_t abandoned_by;      /* ... and where that '}' ended */
    /* The first block whose '}' stands on its own line indented less than
     * the line that opened it: at the end of the file, the block most
     * likely left open (that '}' closed it in the place of an outer one). */
    bool has_misclosed;
    lex_mode_t misclosed;
    uint32_t misclosed_line;    /* the line of that '}' */
    bool eof_reported;
    src_span_t comment_start;   /* where the open block comment began */
    /* grammar_tokens only: the comments are recorded here (NULL when
     * parsing, which skips them) */
    token_list_t *comments;

    /* the last three tokens the parser received, newest first, for
     * messages like "expected '{' after the stage name" */
    int tok[3];
    src_span_t tok_span[3];

    uint32_t syntax_errors;     /* reported by the parser, not the scanner */
    uint32_t last_error;        /* offset of the last one */
    bool swallowing;            /* dropping the rest of a broken expression */
    bool fatal;                 /* stop at once: too deep, too many errors, OOM */
    bool oom;
} parse_ctx_t;

/* Starts the scanner on ctx->src (ctx->src, arena and diags must be set;
 * the position fields are initialised here). False when out of memory. */
bool lex_begin(parse_ctx_t *ctx);
void lex_end(parse_ctx_t *ctx);
/* Records the comment from FIRST's start to LAST's end in ctx->comments,
 * when that is set (a failed append sets ctx->oom). */
void lex_comment(parse_ctx_t *ctx, const src_span_t *first,
                 const src_span_t *last);

/* Reports an error at SPAN; sets ctx->fatal when the error budget is spent.
 * Returns the entry for a hint (may be NULL). */
diag_t *parse_error(parse_ctx_t *ctx, const src_span_t *span,
                    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- helpers for the parser's actions (parse.c) ---- */

/* Sets N's depth from its children and refuses trees too deep to walk
 * safely. Returns N, or NULL (and stops the parse) past the limit. */
ast_node_t *parse_finish_expr(parse_ctx_t *ctx, ast_node_t *n);
/* A BINARY node; NULL when out of memory or too deep. */
ast_node_t *parse_binary(parse_ctx_t *ctx, ast_op_t op, ast_node_t *l,
                         ast_node_t *r, const src_span_t *loc);
/* A keyword standing as a name: its text, copied into the arena. */
ast_ident_t parse_keyword_name(parse_ctx_t *ctx, const src_span_t *loc);
/* Sets a step clause once; a second is an error. False to stop. */
bool parse_set_clause(parse_ctx_t *ctx, ast_node_t **slot, ast_node_t *v,
                      const char *what, const src_span_t *loc);
/* Checks and sets a retry's backoff (its kind and named arguments). */
void parse_set_backoff(parse_ctx_t *ctx, ast_node_t *retry,
                       const ast_ident_t *kind, ast_args_t args,
                       const src_span_t *loc);
void parse_set_jitter(parse_ctx_t *ctx, ast_node_t *retry,
                      const ast_ident_t *kind, const src_span_t *loc);
/* Sets a retry's timeout (DEADLINE false) or deadline to V, with the
 * clause's span from its keyword at LOC to V's end; a second is an error. */
void parse_set_retry_limit(parse_ctx_t *ctx, ast_node_t *retry, bool deadline,
                           ast_node_t *v, const src_span_t *loc);
/* "failure" or "success" after 'on'; anything else is reported. */
bool parse_hook_kind(parse_ctx_t *ctx, const ast_ident_t *word,
                     ast_hook_when_t *out);
/* Named arguments and map keys are given once each. */
void parse_check_unique(parse_ctx_t *ctx, const ast_args_t *list,
                        const ast_arg_t *arg, const char *what);

/* ---- syntax errors and recovery (parse_errors.c) ---- */

/* Reports a syntax error: EXPECTED holds the N token numbers the parser
 * could take, FOUND the one it got at AT. Returns 0, or -1 when out of
 * memory. */
int parse_report_syntax_error(parse_ctx_t *ctx, const int *expected, int n,
                              int found, const src_span_t *at);
/* After an error: skip the rest of a broken expression, or abandon its
 * brackets when FOUND starts a statement. */
void parse_begin_recovery(parse_ctx_t *ctx, int found);
bool parse_at_block_level(const parse_ctx_t *ctx);
bool parse_is_closer(int tok);
bool parse_starts_statement(int tok);
/* How bison names a token: "stage" for keywords, "'{'" for characters. */
const char *parse_token_name(int tok);

/* Checks the context rules the grammar leaves open (which statements may
 * stand where, clause arguments, plain strings). Runs on a tree that
 * parsed cleanly; reports to ctx's diagnostics. */
void syntax_check(parse_ctx_t *ctx, ast_plan_t *plan);

#endif
