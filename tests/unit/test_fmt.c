/* test_fmt.c: the formatter (interpreter/fmt.c), the token scan it reads
 * (grammar/tokens.c) and the layout-free text of the plan digest: the
 * canonical layout rule by rule, idempotence, comments kept, refusal of a
 * plan that does not parse (nothing written), graph equality, and the
 * wrapping of lines wider than 100 columns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpreter.h"

/* Formats TEXT; returns the status, the result in *OUT (malloc'd). */
static mig_status_t fmt_text(const char *text, char **out, diag_list_t *d)
{
    src_t *src = src_from_memory("t.mig", text, strlen(text));
    assert_non_null(src);
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = fmt_plan(src, d, &b);
    strbuf_putc(&b, '\0');
    *out = b.data;
    src_free(src);
    return st;
}

static void expect_fmt(const char *in, const char *want)
{
    diag_list_t d;
    diag_list_init(&d);
    char *out = NULL;
    assert_int_equal(fmt_text(in, &out, &d), MIG_OK);
    assert_string_equal(out, want);
    free(out);
    /* idempotent: the result formats to itself */
    assert_int_equal(fmt_text(want, &out, &d), MIG_OK);
    assert_string_equal(out, want);
    free(out);
    assert_int_equal(d.len, 0);
    diag_list_free(&d);
}

static void test_indent_and_spacing(void **state)
{
    (void)state;
    expect_fmt("migration \"m\"{\nstage s{\nstep a=f( x:1,y :[1,2] )\n"
               "let b=-a+b[0]*(2-1)\nlet c={k:1,e:{}}\n"
               "foreach p in a parallel 2 tolerate 5%{\n"
               "verify len(a)>0 else \"n ${ a }\"\n}\n}\n}\n",
               "migration \"m\" {\n"
               "  stage s {\n"
               "    step a = f(x: 1, y: [1, 2])\n"
               "    let b = -a + b[0] * (2 - 1)\n"
               "    let c = { k: 1, e: {} }\n"
               "    foreach p in a parallel 2 tolerate 5% {\n"
               "      verify len(a) > 0 else \"n ${ a }\"\n"
               "    }\n"
               "  }\n"
               "}\n");
}

static void test_clauses_and_keyword_fields(void **state)
{
    (void)state;
    /* a clause on its own line goes one level in; a keyword after '.' is
     * a field name, so log.error( is a call; a map key named timeout is
     * no clause */
    expect_fmt("migration \"m\" {\nstage s {\n"
               "step a = f(x: 1)\nundo g()\n"
               "step b = log.error (message: \"x\")\n"
               "let m = {\na: 1,\ntimeout: 2,\n}\n}\n}\n",
               "migration \"m\" {\n"
               "  stage s {\n"
               "    step a = f(x: 1)\n"
               "      undo g()\n"
               "    step b = log.error(message: \"x\")\n"
               "    let m = {\n"
               "      a: 1,\n"
               "      timeout: 2,\n"
               "    }\n"
               "  }\n"
               "}\n");
}

/* foreach ... after NAMES: spaced like the other clauses; on a line of
 * its own one level in, its block with it (as for parallel) */
static void test_foreach_after(void **state)
{
    (void)state;
    expect_fmt("migration \"m\"{\nstage s{\n"
               "foreach t in ts parallel 2 after   t.needs tolerate 5%{\n"
               "skip\n}\n"
               "foreach t in ts parallel 2\nafter [t.a,\"b\"]{\nskip\n}\n}\n}\n",
               "migration \"m\" {\n"
               "  stage s {\n"
               "    foreach t in ts parallel 2 after t.needs tolerate 5% {\n"
               "      skip\n"
               "    }\n"
               "    foreach t in ts parallel 2\n"
               "      after [t.a, \"b\"] {\n"
               "        skip\n"
               "      }\n"
               "  }\n"
               "}\n");
}

static void test_alignment(void **state)
{
    (void)state;
    /* runs of params, of lets, of steps and of version/description
     * align; a blank line or another statement ends a run; an error
     * declaration's ':' has a space each side (a map's has one after) */
    expect_fmt("migration \"m\" {\nversion \"1\"\ndescription \"d\"\n"
               "param a = 1\nparam long_name = 2\n\nparam z = 3\n"
               "error E:Transient\n"
               "stage s {\nlet x = 1\nlet yy = 2\nstep q = f()\n"
               "step qq = f(m: {k: 1})\nlet zzz = 3\n}\n}\n",
               "migration \"m\" {\n"
               "  version     \"1\"\n"
               "  description \"d\"\n"
               "  param a         = 1\n"
               "  param long_name = 2\n"
               "\n"
               "  param z = 3\n"
               "  error E : Transient\n"
               "\n"
               "  stage s {\n"
               "    let x  = 1\n"
               "    let yy = 2\n"
               "    step q  = f()\n"
               "    step qq = f(m: { k: 1 })\n"
               "    let zzz = 3\n"
               "  }\n"
               "}\n");
}

static void test_blank_lines_and_comments(void **state)
{
    (void)state;
    /* at most one blank line; none inside a block's braces; one around
     * each stage, before the comments that lead into it; comments stay
     * where they were, trailing ones one space after their line */
    expect_fmt("# top\nmigration \"m\" {\n\n\nparam a = 1    # why\n"
               "# about s\nstage s {\n\n  let x = 1 /* inline */ + 2\n\n\n"
               "  /* two\n     lines */\n  let y = 2\n\n}\n"
               "stage t after s {\n}\non failure {\n}\n}\n",
               "# top\n"
               "migration \"m\" {\n"
               "  param a = 1 # why\n"
               "\n"
               "  # about s\n"
               "  stage s {\n"
               "    let x = 1 /* inline */ + 2\n"
               "\n"
               "    /* two\n     lines */\n"
               "    let y = 2\n"
               "  }\n"
               "\n"
               "  stage t after s {\n"
               "  }\n"
               "\n"
               "  on failure {\n"
               "  }\n"
               "}\n");
}

static void test_multiline_string_verbatim(void **state)
{
    (void)state;
    /* a string's bytes are never touched, its line breaks included */
    expect_fmt("migration \"m\" {\n      let s = \"a\n   b  \"\n}\n",
               "migration \"m\" {\n  let s = \"a\n   b  \"\n}\n");
}

static void test_refuses_syntax_error(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    char *out = NULL;
    assert_int_equal(fmt_text("migration \"m\" {\n  param = 1\n}\n", &out, &d),
                     MIG_EINVALID);
    assert_string_equal(out, "");   /* nothing appended */
    assert_true(d.errors > 0);
    assert_true(d.items[0].has_span);
    assert_int_equal(d.items[0].span.line, 2);
    free(out);
    diag_list_free(&d);
}

static void test_tokens(void **state)
{
    (void)state;
    const char *text = "migration \"a ${ \"b\" } c\" { # x\n let v = 1 }";
    src_t *src = src_from_memory("t.mig", text, strlen(text));
    diag_list_t d;
    diag_list_init(&d);
    token_list_t t = { 0 };
    assert_int_equal(grammar_tokens(src, &d, &t), MIG_OK);
    static const token_class_t want[] = {
        TOKEN_KEYWORD, TOKEN_STRING, TOKEN_PUNCT, TOKEN_COMMENT,
        TOKEN_KEYWORD, TOKEN_VALUE, TOKEN_PUNCT, TOKEN_VALUE, TOKEN_PUNCT };
    assert_int_equal(t.len, sizeof(want) / sizeof(*want));
    for (size_t i = 0; i < t.len; i++)
        assert_int_equal(t.items[i].cls, want[i]);
    /* the string is one token, its interpolation and inner string inside */
    assert_int_equal(t.items[1].span.end - t.items[1].span.begin,
                     strlen("\"a ${ \"b\" } c\""));
    assert_int_equal(t.items[3].span.end - t.items[3].span.begin, 3);
    token_list_free(&t);
    src_free(src);
    diag_list_free(&d);
}

/* The layout-free text of TEXT, in a new string. */
static char *layout_free(const char *text)
{
    src_t *src = src_from_memory("t.mig", text, strlen(text));
    diag_list_t d;
    diag_list_init(&d);
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(grammar_layout_free_text(src, &d, &b), MIG_OK);
    strbuf_putc(&b, '\0');
    src_free(src);
    diag_list_free(&d);
    return b.data;
}

static void test_layout_free_text(void **state)
{
    (void)state;
    char *a = layout_free("migration \"m\" { let x = f(a: 1) }");
    char *b = layout_free("# c\nmigration \"m\" {\n  let x=f( a:1 ) /* c */\n}\n");
    char *c = layout_free("migration \"m\" { let x = f(a: 2) }");
    char *e = layout_free("migration \"m\" { let x = f(a: \"1\") }");
    char *g = layout_free("migration \"m\" { let xy = f(a: 1) }");
    assert_string_equal(a, b);          /* layout and comments: same */
    assert_string_not_equal(a, c);      /* a value changed */
    assert_string_not_equal(a, e);      /* a number became a string */
    assert_string_not_equal(a, g);      /* a name changed */
    /* tokens cannot run together: "ab" "c" is not "a" "bc" */
    char *h = layout_free("migration \"m\" { let ab = c }");
    char *k = layout_free("migration \"m\" { let a = bc }");
    assert_string_not_equal(h, k);
    free(a), free(b), free(c), free(e), free(g), free(h), free(k);
}

static graph_t *compile(const char *text, src_t **src, arena_t **arena)
{
    diag_list_t d;
    diag_list_init(&d);
    *src = src_from_memory("t.mig", text, strlen(text));
    *arena = arena_new();
    ast_plan_t *plan = NULL;
    graph_t *g = NULL;
    assert_int_equal(grammar_parse(*src, *arena, &d, &plan), MIG_OK);
    assert_int_equal(graph_compile(plan, *src, &d, &g), MIG_OK);
    diag_list_free(&d);
    return g;
}

static void test_same_graph(void **state)
{
    (void)state;
    src_t *s1, *s2, *s3;
    arena_t *a1, *a2, *a3;
    graph_t *g1 = compile("migration \"m\" { stage s { step a = f(x: 1) } }",
                          &s1, &a1);
    graph_t *g2 = compile("migration \"m\" {\n stage s {\n  step a = f( x:1 )\n }\n}",
                          &s2, &a2);
    graph_t *g3 = compile("migration \"m\" { stage s { step a = g(x: 1) } }",
                          &s3, &a3);
    assert_true(fmt_same_graph(g1, g2));    /* positions and spaces aside */
    assert_false(fmt_same_graph(g1, g3));   /* the action changed */
    graph_free(g1), graph_free(g2), graph_free(g3);
    arena_free(a1), arena_free(a2), arena_free(a3);
    src_free(s1), src_free(s2), src_free(s3);
}

/* A plan whose one let is `let a = f(x: 1, y: "XXX")` with as many X as
 * make that line WIDTH columns wide (PRE and POST around the string). */
static char *plan_with_line(size_t width, const char *pre, const char *post)
{
    const char *head = "migration \"m\" {\n  let a = f(x: 1, y: \"";
    size_t fixed = strlen("  let a = f(x: 1, y: \"") + strlen(pre) +
                   strlen("\")");
    assert_true(width > fixed);
    size_t n = width - fixed;
    char *p = malloc(strlen(head) + strlen(pre) + n + strlen(post) + 32);
    assert_non_null(p);
    strcpy(p, head);
    strcat(p, pre);
    char *x = p + strlen(p);
    memset(x, 'X', n);
    strcpy(x + n, post);
    strcat(p, "\")\n}\n");
    return p;
}

static void test_wrap_at_the_width(void **state)
{
    (void)state;
    char *fits = plan_with_line(100, "", "");   /* 100 columns: as it is */
    expect_fmt(fits, fits);
    char *wide = plan_with_line(101, "", "");   /* 101: one item a line */
    char *want = malloc(strlen(wide) + 64);
    assert_non_null(want);
    const char *y = strstr(wide, "y: ");
    sprintf(want, "migration \"m\" {\n  let a = f(\n    x: 1,\n    %.*s\n  )\n}\n",
            (int)(strchr(y, ')') - y), y);
    expect_fmt(wide, want);
    free(fits), free(wide), free(want);
}

/* A string over lines counts to its first line break: a line that is
 * wide only after it (110 columns there) does not wrap, one 101 columns
 * wide before it does. */
static void test_wrap_multiline_string(void **state)
{
    (void)state;
    char *late = plan_with_line(80, "", "\n" "01234567890123456789012345678901234"
                                "56789012345678901234567890123456789012345678901234"
                                "5678901234567890123456789");
    expect_fmt(late, late);
    char *early = plan_with_line(103, "", "\nend"); /* 101 to the break */
    diag_list_t d;
    diag_list_init(&d);
    char *out = NULL;
    assert_int_equal(fmt_text(early, &out, &d), MIG_OK);
    assert_non_null(strstr(out, "  let a = f(\n    x: 1,\n    y: \"XXX"));
    assert_non_null(strstr(out, "\nend\"\n  )\n}\n"));
    expect_fmt(out, out);
    free(out), free(late), free(early);
    diag_list_free(&d);
}

/* Lists nested as deep as the parser takes, on one line: each round of
 * wrapping moves one level out, and it ends; the result is stable. */
static void test_wrap_deep_nesting(void **state)
{
    (void)state;
    enum { DEPTH = MIG_MAX_NESTING - 8 };
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "migration \"m\" {\n  let a = ");
    for (int i = 0; i < DEPTH; i++)
        strbuf_puts(&b, "[1, ");
    strbuf_puts(&b, "2");
    for (int i = 0; i < DEPTH; i++)
        strbuf_puts(&b, "]");
    strbuf_puts(&b, "\n}\n");
    strbuf_putc(&b, '\0');
    diag_list_t d;
    diag_list_init(&d);
    char *out = NULL;
    assert_int_equal(fmt_text(b.data, &out, &d), MIG_OK);
    /* the outer lists are one item a line: "[1, [" is on no line */
    assert_null(strstr(out, "[1, ["));
    assert_non_null(strstr(out, "  let a = [\n    1,\n    [\n      1,\n"));
    expect_fmt(out, out);
    free(out);
    strbuf_free(&b);
    diag_list_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_indent_and_spacing),
        cmocka_unit_test(test_clauses_and_keyword_fields),
        cmocka_unit_test(test_foreach_after),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_blank_lines_and_comments),
        cmocka_unit_test(test_multiline_string_verbatim),
        cmocka_unit_test(test_refuses_syntax_error),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_layout_free_text),
        cmocka_unit_test(test_same_graph),
        cmocka_unit_test(test_wrap_at_the_width),
        cmocka_unit_test(test_wrap_multiline_string),
        cmocka_unit_test(test_wrap_deep_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
