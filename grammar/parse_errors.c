/* parse_errors.c: what a syntax error says, and how the parser recovers
 * from one. parser.y hands over the expected tokens and the token found
 * (as token numbers from parser.h); this file builds the message ("expected
 * '{' after the stage name, found 'step'"), picks the hint, suppresses
 * echoes of earlier errors, and sets the scanner up to skip the rest of a
 * broken expression. */
#include "grammar_int.h"
#include "parser.h"

#include <string.h>

/* True when the innermost open mode is a block (or nothing is open). */
bool parse_at_block_level(const parse_ctx_t *ctx)
{
    return ctx->n_modes == 0 || ctx->modes[ctx->n_modes - 1].kind == '{';
}

/* Called when a syntax error is reported, with the token found there. The
 * parser recovers at statement level, but it does not know brackets: left
 * alone, the '}' of a broken map would close the enclosing block. So the
 * rest of a broken expression, up to the bracket that closes it, is
 * swallowed here, unless the error token starts a statement: then the
 * expression's brackets were never closed, and are abandoned. */
void parse_begin_recovery(parse_ctx_t *ctx, int found)
{
    if (parse_at_block_level(ctx))
        return;
    if (parse_starts_statement(found) || found == MIG_YYEOF) {
        while (!parse_at_block_level(ctx) && ctx->modes[ctx->n_modes - 1].kind != '"')
            ctx->n_modes--;
        return;
    }
    ctx->swallowing = true;
}

/* Token kinds that end an expression's bracket or string. */
bool parse_is_closer(int tok)
{
    return tok == ')' || tok == ']' || tok == '}' || tok == STR_END ||
           tok == INTERP_END;
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
    { KW_SNAPSHOT, IDENT, "after the snapshot name", NULL },
    { KW_AS, IDENT, "after the module name", NULL },
    { ANY, KW_ROLLBACK, "after 'rollback'", "rollback to CHECKPOINT" },
    { KW_ROLLBACK, KW_TO, "after 'rollback to'",
      "rollback to CHECKPOINT, where CHECKPOINT is the name of a checkpoint" },
    { KW_ON, IDENT, "after 'on %s'", NULL },
    { ANY, KW_TOLERATE, "after 'tolerate'",
      "tolerate takes a plain number: a count of items (tolerate 2) or a "
      "share of them (tolerate 5%)" },
    { KW_TOLERATE, NUMBER, "after the tolerance",
      "foreach ITEM in LIST parallel N after NAMES tolerate N% { ... }" },
    { ANY, KW_BREAKER, "after 'breaker'",
      "a breaker names an action and its settings: "
      "breaker \"registry.put\" { failures: 5, cooldown: 30s }" },
    { ANY, KW_MIGRATION, "after 'migration'",
      "a plan starts with: migration \"NAME\" { ... }" },
};

/* How a token kind reads in a message. */
static const char *symbol_text(int k)
{
    switch (k) {
    case MIG_YYEOF: return "end of file";
    case IDENT: return "a name";
    case NUMBER: return "a number";
    case DURATION: return "a duration";
    case STR_BEGIN: return "a string";
    case STR_END: return "'\"'";
    case STR_TEXT: return "string text";
    case INTERP_BEGIN: return "'${'";
    case INTERP_END: return "'}'";
    default: return NULL;
    }
}

static void put_symbol(strbuf_t *b, int k)
{
    const char *t = symbol_text(k);
    if (t) {
        strbuf_puts(b, t);
        return;
    }
    /* Bison names characters "'{'", and keywords and operators by their
     * alias, bare: quote those the same way. */
    const char *name = parse_token_name(k);
    if (name[0] == '\'')
        strbuf_puts(b, name);
    else
        strbuf_printf(b, "'%s'", name);
}

static bool is_keyword(int k)
{
    return k >= KW_MIGRATION && k <= KW_NULL;
}

static bool starts_expression(int k)
{
    switch (k) {
    case IDENT: case NUMBER: case DURATION:
    case STR_BEGIN: case KW_NOT: case KW_TRUE:
    case KW_FALSE: case KW_NULL:
        return true;
    default:
        return k == '(' || k == '[' ||
               k == '{' || k == '-';
    }
}

bool parse_starts_statement(int k)
{
    switch (k) {
    case KW_VERSION: case KW_DESCRIPTION:
    case KW_REQUIRES: case KW_WRITES: case KW_PARAM:
    case KW_PROFILE: case KW_LUA: case KW_ERROR:
    case KW_BREAKER: case KW_STAGE: case KW_STEP: case KW_LET:
    case KW_CHECKPOINT: case KW_SNAPSHOT: case KW_FOREACH:
    case KW_RETRY: case KW_ON: case KW_RECOVER:
    case KW_VERIFY: case KW_IF: case KW_FINALLY:
    case KW_SKIP: case KW_FAIL: case KW_ROLLBACK:
        return true;
    default:
        return false;
    }
}

static bool has_token(const int *set, int n,
                       int k)
{
    for (int i = 0; i < n; i++)
        if (set[i] == k)
            return true;
    return false;
}

static bool is_operator(int k)
{
    switch (k) {
    case KW_AND: case KW_OR: case EQ:
    case NE: case LE: case GE:
        return true;
    default:
        return k == '<' || k == '>' ||
               k == '+' || k == '-' ||
               k == '*' || k == '/' ||
               k == '%' || k == '.' ||
               k == '[' || k == '(';
    }
}

/* Writes "X", "X or Y", "X, Y or Z": the expected tokens, with whole
 * families said as one phrase. Where a keyword may stand as a name (after
 * '.', as an argument name), keywords are names, not statements. After a
 * complete operand any operator could follow; the other tokens (',', ']',
 * ')') are the ones that help, so operators are named only when alone. */
static void put_expected(strbuf_t *b, const int *set, int n)
{
    bool names = has_token(set, n, IDENT) &&
                 has_token(set, n, KW_AS);
    bool exprs = has_token(set, n, IDENT) &&
                 has_token(set, n, NUMBER) &&
                 has_token(set, n, STR_BEGIN);
    bool stmts = !names && has_token(set, n, KW_STEP) &&
                 has_token(set, n, KW_LET);
    bool ops = has_token(set, n, KW_AND) &&
               has_token(set, n, '+');
    const char *words[16];
    int syms[16];
    int m = 0;
    if (stmts)
        words[m++] = "a statement";
    if (exprs)
        words[m++] = "an expression";
    else if (names)
        words[m++] = "a name";
    for (int i = 0; i < n && m < 16; i++) {
        int k = set[i];
        if ((stmts && parse_starts_statement(k)) || (exprs && starts_expression(k)) ||
            (names && (is_keyword(k) || k == IDENT)) ||
            (ops && is_operator(k)))
            continue;
        words[m] = NULL;
        syms[m++] = k;
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
}

/* True after a keyword that introduces a new name (let NAME, ...). */
static bool names_something(int tok)
{
    switch (tok) {
    case KW_LET: case KW_PARAM: case KW_STEP: case KW_FOREACH:
    case KW_CHECKPOINT: case KW_SNAPSHOT: case KW_PROFILE: case KW_STAGE:
    case KW_AS:
    case KW_ERROR:
        return true;
    default:
        return false;
    }
}

/* Words people write after a number for a unit of time, and mig's unit. */
static const struct {
    const char *word, *unit;
} unit_words[] = {
    { "ms", "ms" }, { "msec", "ms" }, { "msecs", "ms" },
    { "millisecond", "ms" }, { "milliseconds", "ms" },
    { "s", "s" }, { "sec", "s" }, { "secs", "s" }, { "second", "s" },
    { "seconds", "s" },
    { "m", "m" }, { "min", "m" }, { "mins", "m" }, { "minute", "m" },
    { "minutes", "m" },
    { "h", "h" }, { "hr", "h" }, { "hrs", "h" }, { "hour", "h" },
    { "hours", "h" },
};

/* mig's unit for the word at SPAN when it names a unit of time, or NULL. */
static const char *unit_word(const parse_ctx_t *ctx, const src_span_t *span)
{
    size_t n = span->end - span->begin;
    for (size_t i = 0; i < sizeof unit_words / sizeof *unit_words; i++)
        if (strlen(unit_words[i].word) == n &&
            memcmp(unit_words[i].word, ctx->src->text + span->begin, n) == 0)
            return unit_words[i].unit;
    return NULL;
}

/* Writes how the token at SPAN reads: 'step', 'foo', a string, end of file. */
static void put_found(parse_ctx_t *ctx, strbuf_t *b, int k,
                      const src_span_t *span)
{
    if (k == MIG_YYEOF || k == STR_BEGIN || k == MIG_YYerror ||
        span->end <= span->begin) {
        strbuf_puts(b, k == MIG_YYerror ? "an invalid token"
                       : k == STR_BEGIN ? "a string" : "end of file");
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

int parse_report_syntax_error(parse_ctx_t *ctx, const int *expected, int n,
                              int found, const src_span_t *at)
{
    if (ctx->fatal)
        return 0;
    const char *hint = NULL;

    /* Echoes are not news: a '}' left over after recovery from an earlier
     * error, or a token that only looks misplaced because the scanner just
     * dropped a bad character before it. */
    if (n == 1 && expected[0] == MIG_YYEOF && ctx->syntax_errors > 0)
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
        return -1;
    }
    diag_t *d = parse_error(ctx, at, "%s", b.data);
    strbuf_free(&b);

    /* What was left open is often the real mistake: at the end of the file,
     * or where a statement begins inside brackets or a map. */
    const lex_mode_t *open = ctx->n_modes ? &ctx->modes[ctx->n_modes - 1] : NULL;
    if (open && ctx->syntax_errors > 1 && open->span.begin < ctx->last_error)
        open = NULL;    /* recovery from an earlier error skipped past it */
    if (found == '}' && ctx->abandoned_by == at->end)
        open = &ctx->abandoned;     /* the '}' closed a block around it */
    ctx->last_error = at->begin;
    bool comparing = found == EQ || found == NE ||
                     found == LE || found == GE ||
                     found == '<' || found == '>';
    const lex_mode_t *map = open;
    /* A map that just closed, as in "retry { }"; when the token found is a
     * '}' itself, it closed something too, so look one further back. */
    const lex_mode_t *shut = &ctx->closed[found == '}' ? 1 : 0];
    if (ctx->tok[1] == '}' && shut->kind == 'm')
        map = shut;
    const char *unit = found == IDENT && ctx->tok[1] == NUMBER
        ? unit_word(ctx, at) : NULL;
    if (unit) {
        const src_span_t *num = &ctx->tok_span[1];
        diag_hint(ctx->diags, d, "a duration is one word, the number and its "
                  "unit together: write '%.*s%s'",
                  (int)(num->end - num->begin), ctx->src->text + num->begin,
                  unit);
    } else if (map && map->kind == 'm' &&
        (map->after == KW_PARALLEL || map->after == KW_RETRY)) {
        open = map;
        diag_hint(ctx->diags, d, "the '{' at line %u, column %u is read as a "
                  "map, the %s; write '%s N { ... }'", open->span.line,
                  open->span.col, open->after == KW_RETRY ? "number of attempts"
                  : "number of items to run at once",
                  open->after == KW_RETRY ? "retry" : "parallel");
    } else if (comparing && has_token(expected, n, KW_AND)) {
        diag_hint(ctx->diags, d, "comparisons do not chain: write "
                  "'a < b and b < c'");
    } else if (is_keyword(found) && names_something(ctx->tok[1]) &&
               has_token(expected, n, IDENT)) {
        diag_hint(ctx->diags, d, "'%.*s' is a reserved word; choose another name",
                  (int)(at->end - at->begin), ctx->src->text + at->begin);
    } else if (open && found == MIG_YYEOF && ctx->has_misclosed &&
               ctx->misclosed.span.begin > open->span.begin) {
        /* The innermost block left open, by the indentation. */
        diag_hint(ctx->diags, d, "the '{' at line %u, column %u is not "
                  "closed: the '}' at line %u, indented less than that "
                  "line, closes it in the place of an outer block",
                  ctx->misclosed.span.line, ctx->misclosed.span.col,
                  ctx->misclosed_line);
    } else if (open && (found == MIG_YYEOF ||
                        (open->kind == '(' && (parse_starts_statement(found) ||
                                               found == '}')))) {
        diag_hint(ctx->diags, d, "the '%.*s' at line %u, column %u is not closed",
                  (int)(open->span.end - open->span.begin),
                  ctx->src->text + open->span.begin,
                  open->span.line, open->span.col);
    } else if (hint) {
        diag_hint(ctx->diags, d, "%s", hint);
    }
    return 0;
}
