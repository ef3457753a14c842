/* test_graph_text.c: graph_put_source, the one-line source text that
 * labels show and the mig-graph JSON carries: comments go, white space
 * collapses outside strings only, line breaks in strings become \n, the
 * result reads back unchanged, and text that ends inside a string or a
 * comment is said to. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "interpreter.h"

/* The text of IN on one line; *CLOSED gets what graph_put_source said. */
static char *one_line(const char *in, bool *closed)
{
    strbuf_t b;
    strbuf_init(&b);
    *closed = graph_put_source(&b, in, strlen(in));
    strbuf_putc(&b, '\0');
    assert_false(b.oom);
    return b.data;
}

static void test_cases(void **state)
{
    (void)state;
    static const struct { const char *in, *want; } cases[] = {
        { "a", "a" },
        { "  a  +\n\t b  ", "a + b" },
        { "f(x: 1, # the first\n  y: 2)", "f(x: 1, y: 2)" },
        { "a/*c*/b", "a b" },
        { "a /* multi\nline */ + b", "a + b" },
        { "\"two  spaces\"", "\"two  spaces\"" },
        { "\"line\nbreak\"", "\"line\\nbreak\"" },
        { "\"crlf\r\nbreak\"", "\"crlf\\nbreak\"" },
        { "\"tab\tstays\"", "\"tab\tstays\"" },
        { "\"# not a comment /* nor this */\"",
          "\"# not a comment /* nor this */\"" },
        { "\"esc \\\" and \\\\\" + x", "\"esc \\\" and \\\\\" + x" },
        { "\"${ a  +  b # c\n }\"", "\"${ a + b }\"" },
        { "\"${ {k: \"v}\"} }\" + 1", "\"${ {k: \"v}\"} }\" + 1" },
        { "\"a ${ \"b ${ c }  d\" } e\"", "\"a ${ \"b ${ c }  d\" } e\"" },
        { "{ a: 1,\n  b: [1,\n 2] }", "{ a: 1, b: [1, 2] }" },
        { "$5 costs", "$5 costs" },
        /* A wrapped call or list (mig fmt's rule 8) reads as written on
         * one line; a space the author wrote inside brackets stays. */
        { "f(\n  x: 1,\n  y: [\n    2\n  ]\n) when b", "f(x: 1, y: [2]) when b" },
        { "f( x )", "f( x )" },
        { "f(  # why\n  x\n)", "f(x)" },
        { "# only a comment", "" },
        { "", "" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        bool closed;
        char *got = one_line(cases[k].in, &closed);
        if (strcmp(got, cases[k].want) != 0 || !closed)
            fail_msg("case %zu: '%s' gave '%s', want '%s'", k, cases[k].in,
                     got, cases[k].want);
        /* What it writes reads back unchanged. */
        char *again = one_line(got, &closed);
        assert_string_equal(again, got);
        assert_true(closed);
        free(again);
        free(got);
    }
}

static void test_unclosed(void **state)
{
    (void)state;
    static const char *const open[] = {
        "\"no end", "a /* no end", "\"${ a ", "\"${ \"inner\" ",
    };
    for (size_t k = 0; k < sizeof open / sizeof *open; k++) {
        bool closed;
        char *got = one_line(open[k], &closed);
        if (closed)
            fail_msg("'%s' was said to be closed", open[k]);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_unclosed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
