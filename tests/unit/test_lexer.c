/* test_lexer.c: the scanner driven directly, token by token, without the
 * parser: token kinds and values, spans (columns in characters), strings in
 * pieces, the nesting limit, and lexical errors with the scanner going on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar_int.h"
#include "parser.h"

#define MAX_TOKS 1024

typedef struct tok {
    int kind;
    src_span_t span;
    MIG_YYSTYPE val;
} tok_t;

/* One scan of one text: its tokens (the final MIG_YYEOF included) and
 * its diagnostics. Freed by the teardown even when a test fails. */
typedef struct lexed {
    src_t *src;
    arena_t *arena;
    diag_list_t diags;
    parse_ctx_t *ctx;
    tok_t toks[MAX_TOKS];
    size_t n;
} lexed_t;

static void lexed_clear(lexed_t *l)
{
    diag_list_free(&l->diags);
    arena_free(l->arena);
    src_free(l->src);
    free(l->ctx);
    memset(l, 0, sizeof(*l));
}

static int setup(void **state)
{
    lexed_t *l = calloc(1, sizeof(*l));
    diag_list_init(&l->diags);
    *state = l;
    return 0;
}

static int teardown(void **state)
{
    lexed_clear(*state);
    free(*state);
    return 0;
}

/* Scans LEN bytes of TEXT to the end; *state holds the result. */
static lexed_t *lex_n(void **state, const char *text, size_t len)
{
    lexed_t *l = *state;
    lexed_clear(l);
    l->src = src_from_memory("t.mig", text, len);
    l->arena = arena_new();
    l->ctx = calloc(1, sizeof(*l->ctx));
    l->ctx->src = l->src;
    l->ctx->arena = l->arena;
    l->ctx->diags = &l->diags;
    assert_true(lex_begin(l->ctx));
    for (;;) {
        assert_true(l->n < MAX_TOKS);
        tok_t *t = &l->toks[l->n++];
        t->kind = lex_scan(&t->val, &t->span, l->ctx->scanner);
        if (t->kind == MIG_YYEOF)
            break;
    }
    /* Once at the end, the scanner stays there. */
    MIG_YYSTYPE v;
    MIG_YYLTYPE loc;
    assert_int_equal(lex_scan(&v, &loc, l->ctx->scanner), MIG_YYEOF);
    lex_end(l->ctx);
    return l;
}

static lexed_t *lex(void **state, const char *text)
{
    return lex_n(state, text, strlen(text));
}

/* Checks the kinds of all tokens, the final MIG_YYEOF left implicit. */
static void check_kinds(const lexed_t *l, const int *kinds, size_t n)
{
    for (size_t i = 0; i < n && i < l->n; i++)
        if (l->toks[i].kind != kinds[i])
            fail_msg("token %zu: kind %d, expected %d", i, l->toks[i].kind,
                     kinds[i]);
    assert_int_equal(l->n, n + 1);
    assert_int_equal(l->toks[n].kind, MIG_YYEOF);
}
#define KINDS(l, ...) do { \
        static const int k_[] = { __VA_ARGS__ }; \
        check_kinds((l), k_, sizeof(k_) / sizeof(k_[0])); \
    } while (0)

static void check_span(const src_span_t *s, uint32_t begin, uint32_t end,
                       uint32_t line, uint32_t col, uint32_t end_line,
                       uint32_t end_col)
{
    assert_int_equal(s->begin, begin);
    assert_int_equal(s->end, end);
    assert_int_equal(s->line, line);
    assert_int_equal(s->col, col);
    assert_int_equal(s->end_line, end_line);
    assert_int_equal(s->end_col, end_col);
}

static void check_text(const tok_t *t, const char *want, size_t len)
{
    assert_int_equal(t->kind, STR_TEXT);
    assert_int_equal(t->val.text.len, len);
    assert_memory_equal(t->val.text.text, want, len);
    assert_int_equal(t->val.text.text[len], '\0');
}

/* Diagnostic I is an error with MESSAGE at LINE:COL (begin offset BEGIN),
 * and HINT (NULL for none). */
static void check_diag(const lexed_t *l, size_t i, uint32_t begin,
                       uint32_t line, uint32_t col, const char *message,
                       const char *hint)
{
    assert_true(i < l->diags.len);
    const diag_t *d = &l->diags.items[i];
    assert_int_equal(d->severity, DIAG_ERROR);
    assert_true(d->has_span);
    assert_ptr_equal(d->src, l->src);
    assert_string_equal(d->message, message);
    assert_int_equal(d->span.begin, begin);
    assert_int_equal(d->span.line, line);
    assert_int_equal(d->span.col, col);
    if (hint)
        assert_string_equal(d->hint, hint);
    else
        assert_null(d->hint);
}

/* ---- keywords and names ------------------------------------------------ */

static void keywords_in_order(void **state)
{
    lexed_t *l = lex(state,
        "migration version description requires writes param profile lua as error "
        "stage after breaker step undo timeout when let checkpoint snapshot foreach in "
        "parallel "
        "tolerate retry backoff jitter on deadline recover with verify if else "
        "finally skip fail "
        "rollback to and or not true false null");
    assert_int_equal(l->n, KW_NULL - KW_MIGRATION + 2);
    for (int k = KW_MIGRATION; k <= KW_NULL; k++)
        assert_int_equal(l->toks[k - KW_MIGRATION].kind, k);
    assert_int_equal(l->diags.len, 0);
}

static void identifiers(void **state)
{
    lexed_t *l = lex(state, "migrations Version _if if_ in2 x_9 _ stagestep A");
    static const char *const names[] = { "migrations", "Version", "_if", "if_",
                                         "in2", "x_9", "_", "stagestep", "A" };
    assert_int_equal(l->n, 10);
    for (size_t i = 0; i < 9; i++) {
        assert_int_equal(l->toks[i].kind, IDENT);
        assert_string_equal(l->toks[i].val.ident.name, names[i]);
    }
    /* The identifier carries its own span. */
    check_span(&l->toks[1].val.ident.span, 11, 18, 1, 12, 1, 19);
    check_span(&l->toks[1].span, 11, 18, 1, 12, 1, 19);
    assert_int_equal(l->diags.len, 0);
}

static void operators_and_punctuation(void **state)
{
    lexed_t *l = lex(state, "== != <= >= < > = + - * / % , : . ( ) [ ] { }");
    KINDS(l, EQ, NE, LE, GE, '<', '>', '=', '+', '-', '*', '/', '%', ',', ':',
          '.', '(', ')', '[', ']', '{', '}');
    check_span(&l->toks[3].span, 9, 11, 1, 10, 1, 12);
    assert_int_equal(l->diags.len, 0);
}

/* ---- numbers and durations --------------------------------------------- */

static void check_number(const tok_t *t, double value, bool is_integer)
{
    assert_int_equal(t->kind, NUMBER);
    assert_int_equal(t->val.node->kind, AST_NUMBER);
    assert_true(t->val.node->u.number.value == value);
    assert_int_equal(t->val.node->u.number.is_integer, is_integer);
}

static void numbers(void **state)
{
    lexed_t *l = lex(state, "0 42 007 3.25 1e3 2.5E-2 1.0 9007199254740992 "
                            "0000000000000000001");
    assert_int_equal(l->n, 10);
    check_number(&l->toks[0], 0, true);
    check_number(&l->toks[1], 42, true);
    check_number(&l->toks[2], 7, true);
    check_number(&l->toks[3], 3.25, false);
    check_number(&l->toks[4], 1000, false);     /* an exponent: not integer */
    check_number(&l->toks[5], 0.025, false);
    check_number(&l->toks[6], 1.0, false);      /* a point: not integer */
    check_number(&l->toks[7], 9007199254740992.0, true);    /* 2^53 exactly */
    check_number(&l->toks[8], 1, true);         /* long, but small */
    check_span(&l->toks[7].span, 29, 45, 1, 30, 1, 46);
    check_span(&l->toks[7].val.node->span, 29, 45, 1, 30, 1, 46);
    assert_int_equal(l->diags.len, 0);
}

static void number_errors(void **state)
{
    static const char dur_hint[] =
        "durations are written like 500ms, 30s, 5m, 2h or 1m30s";
    lexed_t *l = lex(state, "1e999 12abc 3.5x 1. 9007199254740993 "
                            "123456789012345678901234567890");
    KINDS(l, NUMBER, NUMBER, NUMBER, NUMBER, '.', NUMBER, NUMBER);
    check_number(&l->toks[0], 0, false);
    check_number(&l->toks[1], 0, true);     /* the bad one reads as 0 */
    check_number(&l->toks[2], 0, true);
    check_number(&l->toks[3], 1, true);
    assert_int_equal(l->diags.len, 5);
    check_diag(l, 0, 0, 1, 1, "number '1e999' is too large", NULL);
    check_diag(l, 1, 6, 1, 7, "invalid number or duration '12abc'", dur_hint);
    assert_int_equal(l->diags.items[1].span.end_col, 12);
    check_diag(l, 2, 12, 1, 13, "invalid number or duration '3.5x'", dur_hint);
    /* Past 2^53 an integer cannot be kept exactly: refused. */
    check_diag(l, 3, 20, 1, 21, "integer '9007199254740993' is larger than "
               "2^53, so it cannot be kept exactly", "write it as a string, or "
               "as a float like 9007199254740993.0 if an approximation will do");
    check_diag(l, 4, 37, 1, 38, "integer '123456789012345678901234567890' is "
               "larger than 2^53, so it cannot be kept exactly", "write it as a "
               "string, or as a float like 123456789012345678901234567890.0 if "
               "an approximation will do");
}

static void check_duration(const tok_t *t, int64_t ms)
{
    assert_int_equal(t->kind, DURATION);
    assert_int_equal(t->val.node->kind, AST_DURATION);
    assert_int_equal(t->val.node->u.duration.ms, ms);
}

static void durations(void **state)
{
    lexed_t *l = lex(state, "500ms 1.5s 1h30m 2m 1m30s 0ms 1s500ms 2h 0.25s "
                            "90s 1h1m1s1ms 2.50s 0.001s");
    assert_int_equal(l->n, 14);
    check_duration(&l->toks[0], 500);
    check_duration(&l->toks[1], 1500);
    check_duration(&l->toks[2], 5400000);
    check_duration(&l->toks[3], 120000);
    check_duration(&l->toks[4], 90000);
    check_duration(&l->toks[5], 0);
    check_duration(&l->toks[6], 1500);
    check_duration(&l->toks[7], 7200000);
    check_duration(&l->toks[8], 250);
    check_duration(&l->toks[9], 90000);
    check_duration(&l->toks[10], 3661001);
    check_duration(&l->toks[11], 2500);
    check_duration(&l->toks[12], 1);
    check_span(&l->toks[2].span, 11, 16, 1, 12, 1, 17);
    assert_int_equal(l->diags.len, 0);
}

static void duration_errors(void **state)
{
    static const char hint[] = "write durations like 500ms, 1.5s, 2h or 1h30m: "
        "units from the largest to the smallest, the smallest being 1ms";
    static const char num_hint[] =
        "durations are written like 500ms, 30s, 5m, 2h or 1m30s";
    lexed_t *l = lex(state, "0.5ms 1.0005s 99999999999999999999h 5d 1m30 "
                            "1m1h 1.5m30s 1s1s");
    KINDS(l, DURATION, DURATION, DURATION, NUMBER, NUMBER, DURATION, DURATION,
          DURATION);
    assert_int_equal(l->diags.len, 8);
    check_diag(l, 0, 0, 1, 1, "duration '0.5ms' is not a whole number of "
               "milliseconds", hint);
    check_duration(&l->toks[0], 0);
    check_diag(l, 1, 6, 1, 7, "duration '1.0005s' is not a whole number of "
               "milliseconds", hint);
    check_diag(l, 2, 14, 1, 15, "duration '99999999999999999999h' is too long",
               hint);
    check_duration(&l->toks[2], 0);
    check_diag(l, 3, 36, 1, 37, "invalid number or duration '5d'", num_hint);
    check_diag(l, 4, 39, 1, 40, "invalid number or duration '1m30'", num_hint);
    check_diag(l, 5, 44, 1, 45, "duration '1m1h' has its units out of order or "
               "repeated", hint);
    check_diag(l, 6, 49, 1, 50, "duration '1.5m30s' has a fraction before its "
               "last unit", hint);
    check_diag(l, 7, 57, 1, 58, "duration '1s1s' has its units out of order or "
               "repeated", hint);
}

/* ---- strings ----------------------------------------------------------- */

static void string_pieces(void **state)
{
    lexed_t *l = lex(state, "\"ab${x + 1}c\" \"\"");
    KINDS(l, STR_BEGIN, STR_TEXT, INTERP_BEGIN, IDENT, '+', NUMBER,
          INTERP_END, STR_TEXT, STR_END, STR_BEGIN, STR_END);
    check_text(&l->toks[1], "ab", 2);
    check_text(&l->toks[7], "c", 1);
    check_span(&l->toks[0].span, 0, 1, 1, 1, 1, 2);
    check_span(&l->toks[2].span, 3, 5, 1, 4, 1, 6);
    check_span(&l->toks[6].span, 10, 11, 1, 11, 1, 12);
    check_span(&l->toks[8].span, 12, 13, 1, 13, 1, 14);
    assert_int_equal(l->diags.len, 0);
}

static void string_escapes(void **state)
{
    lexed_t *l = lex(state, "\"\\n\\t\\r\\\"\\\\\\$\\u{e9}\\u{1F600}\\u{0}z\"");
    KINDS(l, STR_BEGIN, STR_TEXT, STR_TEXT, STR_TEXT, STR_TEXT, STR_TEXT,
          STR_TEXT, STR_TEXT, STR_TEXT, STR_TEXT, STR_TEXT, STR_END);
    check_text(&l->toks[1], "\n", 1);
    check_text(&l->toks[2], "\t", 1);
    check_text(&l->toks[3], "\r", 1);
    check_text(&l->toks[4], "\"", 1);
    check_text(&l->toks[5], "\\", 1);
    check_text(&l->toks[6], "$", 1);
    check_text(&l->toks[7], "\xC3\xA9", 2);
    check_text(&l->toks[8], "\xF0\x9F\x98\x80", 4);
    check_text(&l->toks[9], "\0", 1);   /* a NUL byte, counted */
    check_text(&l->toks[10], "z", 1);
    /* An escape's span covers its spelling. */
    check_span(&l->toks[8].span, 19, 28, 1, 20, 1, 29);
    assert_int_equal(l->diags.len, 0);
}

static void string_dollar_and_newline(void **state)
{
    /* A line break is part of a text run: one token for "x\ny". */
    lexed_t *l = lex(state, "\"a$b$\" \"x\ny\" \"$$\"");
    KINDS(l, STR_BEGIN, STR_TEXT, STR_TEXT, STR_TEXT, STR_TEXT, STR_END,
          STR_BEGIN, STR_TEXT, STR_END,
          STR_BEGIN, STR_TEXT, STR_TEXT, STR_END);
    check_text(&l->toks[1], "a", 1);
    check_text(&l->toks[2], "$", 1);
    check_text(&l->toks[3], "b", 1);
    check_text(&l->toks[4], "$", 1);
    check_text(&l->toks[7], "x\ny", 3);
    check_span(&l->toks[7].span, 8, 11, 1, 9, 2, 2);
    check_span(&l->toks[8].span, 11, 12, 2, 2, 2, 3);
    check_text(&l->toks[10], "$", 1);
    check_text(&l->toks[11], "$", 1);
    assert_int_equal(l->diags.len, 0);
}

static void string_crlf_and_controls(void **state)
{
    /* CRLF in a string reads as LF; a tab is text; other control
     * characters are refused. */
    lexed_t *l = lex(state, "\"a\r\nb\x01" "c\tz\r\"");
    KINDS(l, STR_BEGIN, STR_TEXT, STR_TEXT, STR_TEXT, STR_TEXT, STR_END);
    check_text(&l->toks[2], "\n", 1);
    check_span(&l->toks[2].span, 2, 4, 1, 3, 2, 1);
    check_text(&l->toks[3], "b", 1);
    check_text(&l->toks[4], "c\tz", 3);
    assert_int_equal(l->diags.len, 2);
    check_diag(l, 0, 5, 2, 2, "control character 0x01 in a string",
               "write it as an escape, like \\u{1}");
    check_diag(l, 1, 9, 2, 6, "control character 0x0d in a string",
               "write it as an escape, like \\u{d}");
}

static void string_nested(void **state)
{
    lexed_t *l = lex(state, "\"a${f(\"b${c}\")}d\" x");
    KINDS(l, STR_BEGIN, STR_TEXT, INTERP_BEGIN, IDENT, '(', STR_BEGIN,
          STR_TEXT, INTERP_BEGIN, IDENT, INTERP_END, STR_END, ')', INTERP_END,
          STR_TEXT, STR_END, IDENT);
    check_text(&l->toks[6], "b", 1);
    assert_string_equal(l->toks[8].val.ident.name, "c");
    check_text(&l->toks[13], "d", 1);
    check_span(&l->toks[15].span, 18, 19, 1, 19, 1, 20);
    assert_int_equal(l->diags.len, 0);
}

static void string_braces_in_interpolation(void **state)
{
    /* The '}' of a map closes the map, not the interpolation. */
    lexed_t *l = lex(state, "\"${ {k: {}} }!\" }");
    KINDS(l, STR_BEGIN, INTERP_BEGIN, '{', IDENT, ':', '{', '}', '}',
          INTERP_END, STR_TEXT, STR_END, '}');
    check_span(&l->toks[8].span, 12, 13, 1, 13, 1, 14);
    check_text(&l->toks[9], "!", 1);
    assert_int_equal(l->diags.len, 0);
}

static void string_utf8_text(void **state)
{
    lexed_t *l = lex(state, "\"\xC3\xA9\xF0\x9F\x98\x80 z\"");
    KINDS(l, STR_BEGIN, STR_TEXT, STR_END);
    check_text(&l->toks[1], "\xC3\xA9\xF0\x9F\x98\x80 z", 8);
    check_span(&l->toks[1].span, 1, 9, 1, 2, 1, 6);
    check_span(&l->toks[2].span, 9, 10, 1, 6, 1, 7);
}

/* ---- spans ------------------------------------------------------------- */

static void columns_count_characters(void **state)
{
    /* é is 2 bytes and 😀 4, each one column. */
    lexed_t *l = lex(state, "/* \xC3\xA9\xF0\x9F\x98\x80 */ x\n"
                            "  \"\xF0\x9F\x98\x80\" yy");
    KINDS(l, IDENT, STR_BEGIN, STR_TEXT, STR_END, IDENT);
    check_span(&l->toks[0].span, 13, 14, 1, 10, 1, 11);
    check_span(&l->toks[2].span, 18, 22, 2, 4, 2, 5);
    check_span(&l->toks[4].span, 24, 26, 2, 7, 2, 9);
}

static void crlf_lines(void **state)
{
    lexed_t *l = lex(state, "a\r\nbb\r\n\r\n  c\r\n");
    KINDS(l, IDENT, IDENT, IDENT);
    check_span(&l->toks[0].span, 0, 1, 1, 1, 1, 2);
    check_span(&l->toks[1].span, 3, 5, 2, 1, 2, 3);
    check_span(&l->toks[2].span, 11, 12, 4, 3, 4, 4);
}

static void byte_order_mark_skipped(void **state)
{
    lexed_t *l = lex(state, "\xEF\xBB\xBF" "ab cd");
    KINDS(l, IDENT, IDENT);
    check_span(&l->toks[0].span, 3, 5, 1, 1, 1, 3);
    check_span(&l->toks[1].span, 6, 8, 1, 4, 1, 6);
    assert_int_equal(l->diags.len, 0);
}

static void comments(void **state)
{
    lexed_t *l = lex(state, "# a comment { \" /*\n"
                            "x /* block\n"
                            "   # not a line comment \" ${ */ y # trailing\n"
                            "/**/z/* ** * / */");
    KINDS(l, IDENT, IDENT, IDENT);
    check_span(&l->toks[0].span, 19, 20, 2, 1, 2, 2);
    check_span(&l->toks[1].span, 62, 63, 3, 33, 3, 34);
    check_span(&l->toks[2].span, 79, 80, 4, 5, 4, 6);
    assert_int_equal(l->diags.len, 0);
}

/* ---- nesting ----------------------------------------------------------- */

static void nesting_limit(void **state)
{
    char text[MIG_MAX_NESTING + 8];
    memset(text, '(', MIG_MAX_NESTING + 1);
    strcpy(text + MIG_MAX_NESTING + 1, " x )");
    lexed_t *l = lex(state, text);
    assert_int_equal(l->n, MIG_MAX_NESTING + 1);
    for (size_t i = 0; i < MIG_MAX_NESTING; i++)
        assert_int_equal(l->toks[i].kind, '(');
    assert_int_equal(l->diags.len, 1);
    check_diag(l, 0, MIG_MAX_NESTING, 1, MIG_MAX_NESTING + 1,
               "nested too deeply: more than 256 levels of brackets, blocks "
               "and strings", NULL);
    assert_true(l->ctx->fatal);
}

static void nesting_counts_every_kind(void **state)
{
    /* 64 each of '{', '[', '(' (192 levels), then strings with ${, two
     * levels each: the 33rd string is one too many. */
    strbuf_t b;
    strbuf_init(&b);
    for (int i = 0; i < 64; i++)
        strbuf_puts(&b, "{[(");
    for (int i = 0; i < 33; i++)
        strbuf_puts(&b, "\"${");
    lexed_t *l = lex(state, b.data);
    assert_int_equal(l->n, 64 * 3 + 32 * 2 + 1);
    assert_int_equal(l->toks[l->n - 2].kind, INTERP_BEGIN);
    assert_int_equal(l->diags.len, 1);
    check_diag(l, 0, 64 * 3 + 32 * 3, 1, 64 * 3 + 32 * 3 + 1,
               "nested too deeply: more than 256 levels of brackets, blocks "
               "and strings", NULL);
    strbuf_free(&b);

    /* Closed brackets do not count. */
    strbuf_init(&b);
    for (int i = 0; i < 60; i++)
        strbuf_puts(&b, "(x) [y] {} \"${z}\" ");
    l = lex(state, b.data);
    assert_int_equal(l->diags.len, 0);
    assert_int_equal(l->n, 60 * 13 + 1);
    strbuf_free(&b);
}

/* ---- errors ------------------------------------------------------------ */

static void bad_bytes(void **state)
{
    lexed_t *l = lex_n(state, "a \xFF b\0c @ \x01 \x7f \xC3\xA9 \xC3(", 19);
    KINDS(l, IDENT, IDENT, IDENT, '(');
    assert_string_equal(l->toks[1].val.ident.name, "b");
    check_span(&l->toks[1].span, 4, 5, 1, 5, 1, 6);
    check_span(&l->toks[2].span, 6, 7, 1, 7, 1, 8);
    assert_int_equal(l->diags.len, 7);
    check_diag(l, 0, 2, 1, 3, "invalid UTF-8 byte 0xff", NULL);
    assert_int_equal(l->diags.items[0].span.end, 3);
    assert_int_equal(l->diags.items[0].span.end_col, 4);
    check_diag(l, 1, 5, 1, 6, "unexpected NUL byte", NULL);
    check_diag(l, 2, 8, 1, 9, "unexpected character '@'", NULL);
    check_diag(l, 3, 10, 1, 11, "unexpected control character 0x01", NULL);
    check_diag(l, 4, 12, 1, 13, "unexpected control character 0x7f", NULL);
    check_diag(l, 5, 14, 1, 15, "unexpected character '\xC3\xA9'", NULL);
    assert_int_equal(l->diags.items[5].span.end, 16);
    assert_int_equal(l->diags.items[5].span.end_col, 16);
    check_diag(l, 6, 17, 1, 17, "invalid UTF-8 byte 0xc3", NULL);
    check_span(&l->toks[3].span, 18, 19, 1, 18, 1, 19);
}

static void stray_bytes_take_one_column(void **state)
{
    /* Stray continuation bytes, a cut-short sequence and an overlong form:
     * each byte is one error and one column, as the renderer shows it. */
    lexed_t *l = lex(state, "a\x80\x80\x80 b \xE2\x82x \xC0\xAFy");
    KINDS(l, IDENT, IDENT, IDENT, IDENT);
    check_span(&l->toks[1].span, 5, 6, 1, 6, 1, 7);
    check_span(&l->toks[2].span, 9, 10, 1, 10, 1, 11);
    check_span(&l->toks[3].span, 13, 14, 1, 14, 1, 15);
    assert_int_equal(l->diags.len, 7);
    check_diag(l, 0, 1, 1, 2, "invalid UTF-8 byte 0x80", NULL);
    assert_int_equal(l->diags.items[0].span.end_col, 3);
    check_diag(l, 1, 2, 1, 3, "invalid UTF-8 byte 0x80", NULL);
    check_diag(l, 2, 3, 1, 4, "invalid UTF-8 byte 0x80", NULL);
    check_diag(l, 3, 7, 1, 8, "invalid UTF-8 byte 0xe2", NULL);
    check_diag(l, 4, 8, 1, 9, "invalid UTF-8 byte 0x82", NULL);
    check_diag(l, 5, 11, 1, 12, "invalid UTF-8 byte 0xc0", NULL);
    check_diag(l, 6, 12, 1, 13, "invalid UTF-8 byte 0xaf", NULL);
}

static void c_operators(void **state)
{
    lexed_t *l = lex(state, "a && b || !c");
    KINDS(l, IDENT, KW_AND, IDENT, KW_OR, KW_NOT, IDENT);
    assert_int_equal(l->diags.len, 3);
    check_diag(l, 0, 2, 1, 3, "'&&' is not an operator in mig", "write 'and'");
    check_diag(l, 1, 7, 1, 8, "'||' is not an operator in mig", "write 'or'");
    check_diag(l, 2, 10, 1, 11, "'!' is not an operator in mig", "write 'not'");
}

static void string_errors(void **state)
{
    static const char esc_hint[] =
        "the escapes are \\n \\t \\r \\\" \\\\ \\$ and \\u{HEX}";
    lexed_t *l = lex_n(state, "\"a\\qb\xFF\0c\\u{D800}\\u{110000}\\u{zz}\" d",
                       35);
    KINDS(l, STR_BEGIN, STR_TEXT, STR_TEXT, STR_TEXT, STR_TEXT, STR_TEXT,
          STR_TEXT, STR_END, IDENT);
    check_text(&l->toks[1], "a", 1);
    check_text(&l->toks[2], "b", 1);
    check_text(&l->toks[3], "c", 1);
    check_text(&l->toks[4], "\xEF\xBF\xBD", 3);   /* U+FFFD instead */
    check_text(&l->toks[5], "\xEF\xBF\xBD", 3);
    check_text(&l->toks[6], "{zz}", 4);
    assert_string_equal(l->toks[8].val.ident.name, "d");
    assert_int_equal(l->diags.len, 6);
    check_diag(l, 0, 2, 1, 3, "unknown escape '\\q' in a string", esc_hint);
    assert_int_equal(l->diags.items[0].span.end_col, 5);
    check_diag(l, 1, 5, 1, 6, "invalid UTF-8 byte 0xff in a string", NULL);
    check_diag(l, 2, 6, 1, 7, "NUL byte in a string; write \\u{0} if it is "
               "meant", NULL);
    check_diag(l, 3, 8, 1, 9, "'\\u{D800}' is not a Unicode scalar value", NULL);
    check_diag(l, 4, 16, 1, 17, "'\\u{110000}' is not a Unicode scalar value",
               NULL);
    check_diag(l, 5, 26, 1, 27, "malformed \\u escape", "write a code point in "
               "hexadecimal between braces, like \\u{e9} or \\u{1F600}");
}

static void unterminated_string(void **state)
{
    static const char hint[] = "strings may span lines, so the closing \" can "
                               "be missing anywhere after this one";
    lexed_t *l = lex(state, "x\n  \"abc\ndef");
    KINDS(l, IDENT, STR_BEGIN, STR_TEXT);
    assert_int_equal(l->diags.len, 1);
    check_diag(l, 0, 4, 2, 3, "unterminated string", hint);
    assert_true(l->ctx->fatal);

    /* Inside an interpolation, the innermost open string is the culprit. */
    l = lex(state, "\"a ${ f(\"b\n");
    KINDS(l, STR_BEGIN, STR_TEXT, INTERP_BEGIN, IDENT, '(', STR_BEGIN,
          STR_TEXT);
    assert_int_equal(l->diags.len, 1);
    check_diag(l, 0, 8, 1, 9, "unterminated string", hint);

    /* A backslash at the very end. */
    l = lex(state, "\"a\\");
    assert_int_equal(l->diags.len, 2);
    check_diag(l, 0, 2, 1, 3, "a '\\' at the end of the file is not an escape",
               "the escapes are \\n \\t \\r \\\" \\\\ \\$ and \\u{HEX}");
    check_diag(l, 1, 0, 1, 1, "unterminated string", hint);
}

static void unterminated_comment(void **state)
{
    lexed_t *l = lex(state, "x\n /* one\n two \"three\" ");
    KINDS(l, IDENT);
    assert_int_equal(l->diags.len, 1);
    check_diag(l, 0, 3, 2, 2, "unterminated comment",
               "a comment that starts with /* ends with */");
    assert_int_equal(l->diags.items[0].span.end_col, 4);
    assert_true(l->ctx->fatal);
}

static void error_cap_in_scanner(void **state)
{
    /* 60 stray characters: 50 errors, then a note where the 51st would be,
     * and the scan stops. */
    lexed_t *l = lex(state, "@ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ "
                            "@ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ @ "
                            "@ @ @ @ @ @ @ @ @ @ @ @ x");
    assert_int_equal(l->n, 1);
    assert_int_equal(l->toks[0].kind, MIG_YYEOF);
    assert_int_equal(l->diags.len, MIG_MAX_ERRORS + 1);
    assert_int_equal(l->diags.errors, MIG_MAX_ERRORS);
    check_diag(l, 49, 98, 1, 99, "unexpected character '@'", NULL);
    const diag_t *note = &l->diags.items[MIG_MAX_ERRORS];
    assert_int_equal(note->severity, DIAG_NOTE);
    assert_true(note->has_span);
    assert_int_equal(note->span.begin, 100);
    assert_int_equal(note->span.col, 101);
    assert_string_equal(note->message,
                        "too many errors (more than 50); stopping here");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(keywords_in_order),
        T(identifiers),
        T(operators_and_punctuation),
        T(numbers),
        T(number_errors),
        T(durations),
        T(duration_errors),
        T(string_pieces),
        T(string_escapes),
        T(string_dollar_and_newline),
        T(string_crlf_and_controls),
        T(string_nested),
        T(string_braces_in_interpolation),
        T(string_utf8_text),
        T(columns_count_characters),
        T(crlf_lines),
        T(byte_order_mark_skipped),
        T(comments),
        T(nesting_limit),
        T(nesting_counts_every_kind),
        T(bad_bytes),
        T(stray_bytes_take_one_column),
        T(c_operators),
        T(string_errors),
        T(unterminated_string),
        T(unterminated_comment),
        T(error_cap_in_scanner),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
