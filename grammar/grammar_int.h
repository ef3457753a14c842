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
    lex_mode_t abandoned;       /* a '(' or '[' a '}' left open ... */
    uint32_t abandoned_by;      /* ... and where that '}' ended */
    bool eof_reported;
    src_span_t comment_start;   /* where the open block comment began */

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

/* Reports an error at SPAN; sets ctx->fatal when the error budget is spent.
 * Returns the entry for a hint (may be NULL). */
diag_t *parse_error(parse_ctx_t *ctx, const src_span_t *span,
                    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Checks the context rules the grammar leaves open (which statements may
 * stand where, clause arguments, plain strings). Runs on a tree that
 * parsed cleanly; reports to ctx's diagnostics. */
void syntax_check(parse_ctx_t *ctx, ast_plan_t *plan);

#endif
