/* parser_fixture.h: what the parser's unit tests (test_parser.c,
 * test_parser_errors.c) share: a fixture that parses a text into a tree
 * and its diagnostics, one per case; parse_ok for a clean parse with its
 * dump; check_error and one_error for errors at their exact places.
 * Include it after cmocka.h. */
#ifndef MIG_PARSER_FIXTURE_H
#define MIG_PARSER_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"

/* One parse: its source, arena, diagnostics, tree and status, and the
 * tree's dump (parse_ok). */
typedef struct fx {
    src_t *src;
    arena_t *arena;
    diag_list_t diags;
    ast_plan_t *plan;
    mig_status_t status;
    char *dump;
} fx_t;

/* Frees what F holds and zeroes it, for the next parse. */
static inline void fx_clear(fx_t *f)
{
    free(f->dump);
    diag_list_free(&f->diags);
    arena_free(f->arena);
    src_free(f->src);
    memset(f, 0, sizeof(*f));
}

/* cmocka's setup and teardown: one fixture per case, in *STATE. */
static inline int setup(void **state)
{
    fx_t *f = calloc(1, sizeof(*f));
    diag_list_init(&f->diags);
    *state = f;
    return 0;
}

static inline int teardown(void **state)
{
    fx_clear(*state);
    free(*state);
    return 0;
}

/* Parses TEXT into the fixture (cleared first), whatever comes of it. */
static inline fx_t *parse(void **state, const char *text)
{
    fx_t *f = *state;
    fx_clear(f);
    f->src = src_from_memory("t.mig", text, strlen(text));
    f->arena = arena_new();
    f->status = grammar_parse(f->src, f->arena, &f->diags, &f->plan);
    return f;
}

/* Parses TEXT, which must be clean, and dumps the tree into f->dump. */
static inline fx_t *parse_ok(void **state, const char *text)
{
    fx_t *f = parse(state, text);
    for (size_t i = 0; i < f->diags.len; i++)
        print_error("unexpected: %u:%u: %s\n", f->diags.items[i].span.line,
                    f->diags.items[i].span.col, f->diags.items[i].message);
    assert_int_equal(f->diags.len, 0);
    assert_int_equal(f->status, MIG_OK);
    assert_non_null(f->plan);
    size_t len;
    assert_int_equal(ast_dump(f->plan, &f->dump, &len), MIG_OK);
    return f;
}

/* Failures are reported at the caller's line. */
#define check_error(...) check_error_at(__FILE__, __LINE__, __VA_ARGS__)
static inline void check_error_at(const char *file, int at, const fx_t *f,
                                  size_t i, uint32_t line, uint32_t col,
                                  const char *message, const char *hint)
{
    _assert_true(i < f->diags.len, "i < f->diags.len", file, at);
    const diag_t *d = &f->diags.items[i];
    _assert_int_equal(d->severity, DIAG_ERROR, file, at);
    _assert_string_equal(d->message, message, file, at);
    _assert_true(d->has_span, "has_span", file, at);
    _assert_int_equal(d->span.line, line, file, at);
    _assert_int_equal(d->span.col, col, file, at);
    if (hint) {
        _assert_true(d->hint != NULL, "has a hint", file, at);
        _assert_string_equal(d->hint, hint, file, at);
    } else {
        _assert_true(d->hint == NULL, "has no hint", file, at);
    }
}

/* TEXT fails with exactly one error, MESSAGE at LINE:COL with HINT. */
#define one_error(...) one_error_at(__FILE__, __LINE__, __VA_ARGS__)
static inline fx_t *one_error_at(const char *file, int at, void **state,
                                 const char *text, uint32_t line, uint32_t col,
                                 const char *message, const char *hint)
{
    fx_t *f = parse(state, text);
    _assert_int_equal(f->status, MIG_EINVALID, file, at);
    if (f->diags.len != 1)
        for (size_t i = 0; i < f->diags.len; i++)
            print_error("got: %s\n", f->diags.items[i].message);
    _assert_int_equal(f->diags.len, 1, file, at);
    check_error_at(file, at, f, 0, line, col, message, hint);
    return f;
}

#endif
