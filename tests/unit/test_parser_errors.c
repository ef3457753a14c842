/* test_parser_errors.c: grammar_parse on text that is wrong: error
 * recovery that reports each error, the exact text and place of syntax,
 * clause and context errors, statuses, unterminated tokens, the error cap
 * and the nesting limit (parser_fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_fixture.h"

/* ---- errors ------------------------------------------------------------ */

static void recovery_reports_each_error(void **state)
{
    fx_t *f = parse(state, "migration \"x\" {\n"
                           "  param = 1\n"
                           "  stage a { step s = f() }\n"
                           "  stage b { step t = g(1,, 2) }\n"
                           "  stage c { let y = 1 }\n"
                           "  let z = )\n"
                           "  let ok = 1\n"
                           "}\n");
    assert_int_equal(f->status, MIG_EINVALID);
    assert_int_equal(f->diags.len, 3);
    assert_int_equal(f->diags.errors, 3);
    check_error(f, 0, 2, 9, "expected a name after 'param', found '='", NULL);
    check_error(f, 1, 4, 26, "expected an expression or ')' after ',', found "
                "','", NULL);
    check_error(f, 2, 6, 11, "expected an expression after '=', found ')'", NULL);
    /* The partial tree keeps the good statements. */
    assert_non_null(f->plan);
    assert_int_equal(ast_count(f->plan, AST_STEP), 1);
    assert_int_equal(ast_count(f->plan, AST_STAGE), 3);
    assert_int_equal(ast_count(f->plan, AST_LET), 2);
}

static void syntax_messages(void **state)
{
    one_error(state, "migraton \"x\" {}", 1, 1,
              "expected 'migration', found 'migraton'",
              "a plan starts with: migration \"NAME\" { ... }");
    one_error(state, "migration x {}", 1, 11,
              "expected a string after 'migration', found 'x'",
              "a plan starts with: migration \"NAME\" { ... }");
    one_error(state, "migration \"x\" { stage s { step a f() } }", 1, 34,
              "expected '=' after the step name, found 'f'", "a step names its "
              "result and calls an action: step NAME = ACTION(ARGS)");
    one_error(state, "migration \"x\" { param p 1 }", 1, 25,
              "expected '=' after the parameter name, found '1'",
              "a parameter has a default value: param NAME = VALUE");
    one_error(state, "migration \"x\" { stage s { foreach i of x {} } }", 1, 37,
              "expected 'in' after the loop variable, found 'of'",
              "foreach ITEM in LIST { ... }");
    one_error(state, "migration \"x\" { stage s { rollback x } }", 1, 36,
              "expected 'to' after 'rollback', found 'x'", "rollback to CHECKPOINT");
    one_error(state, "migration \"x\" { stage s { recover E { rollback to 5 } } }",
              1, 51, "expected a name after 'rollback to', found '5'",
              "rollback to CHECKPOINT, where CHECKPOINT is the name of a checkpoint");
    one_error(state, "migration \"x\" { on falure {} }", 1, 20,
              "expected 'failure' or 'success' after 'on', found 'falure'",
              "hooks are 'on failure { ... }', 'on success { ... }' and "
              "'finally { ... }'");
    one_error(state, "migration \"x\" { on success x }", 1, 28,
              "expected 'rollback' or '{' after 'on success', found 'x'", NULL);
    one_error(state, "migration \"x\" { stage s { checkpoint c d } }", 1, 40,
              "expected a statement or '}' after the checkpoint name, found 'd'",
              NULL);
    one_error(state, "migration \"x\" { let a = 1 } trailing", 1, 29,
              "expected end of file after '}', found 'trailing'", NULL);
    one_error(state, "migration \"x\" { let a = \"a\" \"b\" }", 1, 29,
              "expected a statement or '}' after the string, found a string",
              NULL);
    one_error(state, "migration \"x\" { let a = \"${ }\" }", 1, 29,
              "expected an expression after '${', found '}'", NULL);
    /* At the end of the file, the hint names what is still open. */
    one_error(state, "migration \"x\" {\n  stage s {\n    let a = 1", 3, 14,
              "expected a statement or '}' after '1', found end of file",
              "the '{' at line 2, column 11 is not closed");
    one_error(state, "migration \"x\" { let a = f(1 + ", 1, 30,
              "expected an expression after '+', found end of file",
              "the '(' at line 1, column 26 is not closed");
}

static void clause_errors(void **state)
{
    one_error(state, "migration \"x\" { stage s { step a = f() timeout 1s timeout 2s } }",
              1, 51, "this step has two 'timeout' clauses; the first is at line 1", NULL);
    one_error(state, "migration \"x\" { stage s { step a = f(b: 1, 2) } }", 1, 44,
              "positional argument after a named one",
              "put positional arguments first: f(a, b, name: c)");
    one_error(state, "migration \"x\" { let m = {\"${a}\": 1} }", 1, 26,
              "a map key cannot use ${...}; build the map with a function instead",
              NULL);
    one_error(state, "migration \"x\" { let m = {\"a\\u{0}\": 1} }", 1, 26,
              "a map key cannot hold a NUL byte", NULL);
    fx_t *f = parse(state, "migration \"x\" { stage s { retry 3 backoff fixed(1s) {} } }");
    assert_int_equal(f->diags.len, 2);
    check_error(f, 0, 1, 49, "backoff arguments are named",
                "for example: fixed(delay: 1s)");
    check_error(f, 1, 1, 35, "fixed backoff needs 'delay'",
                "for example: fixed(delay: 1s)");
    one_error(state, "migration \"x\" { stage s { retry 3 backoff fixed(delay: 1s, max: 2s) {} } }",
              1, 60, "fixed backoff takes no argument 'max'",
              "for example: fixed(delay: 1s)");
    one_error(state, "migration \"x\" { stage s { retry 3 backoff linear(step: 1s) {} } }",
              1, 35, "linear backoff needs 'base'",
              "for example: linear(base: 1s, step: 1s, max: 10s)");
    one_error(state, "migration \"x\" { stage s { retry 3 backoff foo() {} } }", 1, 43,
              "unknown backoff 'foo'", "the backoffs are fixed, linear and exponential");
    one_error(state, "migration \"x\" { stage s { retry 3 backoff fixed(delay: 1s, delay: 2s) {} } }",
              1, 60, "argument 'delay' is given twice; the first is at line 1, "
              "column 49", NULL);
    one_error(state, "migration \"x\" { stage s { retry 3 backoff fixed(delay: 1s) "
              "backoff fixed(delay: 1s) {} } }", 1, 60,
              "this retry already has a backoff", NULL);
    one_error(state, "migration \"x\" { stage s { retry 3 jitter half {} } }", 1, 42,
              "unknown jitter 'half'", "the jitters are none, full and equal");
    one_error(state, "migration \"x\" { stage s { retry 3 jitter full jitter none {} } }",
              1, 47, "this retry already has a jitter", NULL);
    one_error(state, "migration \"x\" { stage s { retry 3 on A on B {} } }", 1, 40,
              "this retry already has an 'on' clause; list every class in one", NULL);
}

static void context_rules(void **state)
{
    static const char stage_hint[] = "put it inside a stage";
    static const char plan_hint[] = "declare it in the migration body, outside any stage";
    fx_t *f = one_error(state, "migration \"x\" { stage s { param p = 1 } }", 1, 27,
                        "'param' is allowed only at plan level", plan_hint);
    /* A context error leaves a whole tree behind. */
    assert_non_null(f->plan);
    assert_int_equal(ast_count(f->plan, AST_PARAM), 1);
    one_error(state, "migration \"x\" { stage s { version \"1\" } }", 1, 27,
              "'version' is allowed only at plan level", plan_hint);
    one_error(state, "migration \"x\" { step a = f() }", 1, 17,
              "'step' is not allowed at plan level", stage_hint);
    one_error(state, "migration \"x\" { fail }", 1, 17,
              "'fail' is not allowed at plan level", stage_hint);
    one_error(state, "migration \"x\" { stage s { retry } }", 1, 27,
              "'retry' is a decision allowed only in a recover block",
              "to retry a group of steps, wrap them: retry 3 { ... }");
    one_error(state, "migration \"x\" { stage s { skip } }", 1, 27,
              "'skip' is allowed only in a foreach body or a recover block",
              "skip gives up on the current item and goes on with the next");
    one_error(state, "migration \"x\" { stage s { rollback to c } }", 1, 27,
              "'rollback' is allowed only in a recover block or an 'on failure' hook",
              "on failure rollback to CHECKPOINT");
    one_error(state, "migration \"x\" { stage s { if x { on failure {} } } }", 1, 34,
              "'on failure' is allowed only at plan or stage level",
              "hooks run when a whole stage or plan ends, so they sit directly in one");
    one_error(state, "migration \"x\" { on success rollback to c }", 1, 28,
              "'rollback' is allowed only in a recover block or an 'on failure' hook",
              "on failure rollback to CHECKPOINT");
    one_error(state, "migration \"x\" { stage s { recover E { let a = 1 } } }", 1, 27,
              "this recover block can end without a decision",
              "end it with retry, skip, fail or rollback to CHECKPOINT");
    one_error(state, "migration \"x\" { stage s { recover E { if a { fail } } } }", 1, 27,
              "this recover block can end without a decision",
              "end it with retry, skip, fail or rollback to CHECKPOINT");
    f = parse(state, "migration \"x\" { stage s { recover E { recover F { fail } } } }");
    assert_int_equal(f->diags.len, 2);
    check_error(f, 1, 1, 39, "'recover' is not allowed inside another recover block",
                "a recovery handler decides; it does not recover itself");
    one_error(state, "migration \"x\" {\n version \"1\"\n version \"2\"\n}", 3, 2,
              "'version' is given twice; the first is at line 2", NULL);
    one_error(state, "migration \"x${a}\" { }", 1, 11,
              "the migration name must be a plain string, without ${...}", NULL);
    one_error(state, "migration \"x\" { lua \"${a}\" as m }", 1, 21,
              "a Lua module path must be a plain string, without ${...}", NULL);
    one_error(state, "migration \"x\" { stage s { retry 0 {} } }", 1, 33,
              "the number of attempts must be at least 1", NULL);
    one_error(state, "migration \"x\" { stage s { foreach i in l parallel 2.5 {} } }",
              1, 51, "the number of items run at once must be a whole number", NULL);
    one_error(state, "migration \"x\" { stage s { recover E { fail let a = 1 } } }",
              1, 44, "this is never run: the 'fail' before it always ends the block",
              "a decision (retry, skip, fail, rollback to) is the last statement "
              "of its block");
    one_error(state, "migration \"x\" { let m = {a: 1, a: 2} }", 1, 32,
              "key 'a' is given twice; the first is at line 1, column 26", NULL);
    one_error(state, "migration \"x\" { let c = f(x: 1, x: 2) }", 1, 33,
              "argument 'x' is given twice; the first is at line 1, column 27", NULL);
    /* Two requires are fine; rules hold at every depth. */
    parse_ok(state, "migration \"x\" { requires \"a\" requires \"b\" stage s { "
             "foreach i in l { if c { skip } } on failure { rollback to c } } }");
}

static void statuses(void **state)
{
    fx_t *f = parse(state, "migraton");
    assert_int_equal(f->status, MIG_EINVALID);
    assert_null(f->plan);
    assert_int_equal(f->diags.errors, 1);
    f = parse(state, "migration \"x\" { stage s { param p = 1 } }");
    assert_int_equal(f->status, MIG_EINVALID);
    assert_non_null(f->plan);
    f = parse(state, "migration \"x\" { let a = 1 @ }");
    assert_int_equal(f->status, MIG_EINVALID);
    assert_int_equal(f->diags.len, 1);
    check_error(f, 0, 1, 27, "unexpected character '@'", NULL);
    /* A diagnostic list that already holds errors does not spoil a parse. */
    f = *state;
    fx_clear(f);
    diag_add(&f->diags, DIAG_ERROR, NULL, NULL, "earlier");
    f->src = src_from_memory("t.mig", "migration \"x\" {}", 16);
    f->arena = arena_new();
    assert_int_equal(grammar_parse(f->src, f->arena, &f->diags, &f->plan), MIG_OK);
    assert_int_equal(f->diags.len, 1);
}

static void unterminated_at_parse(void **state)
{
    fx_t *f = one_error(state, "migration \"x\" {\n let a = \"abc\n}\n", 2, 10,
                        "unterminated string", "strings may span lines, so the "
                        "closing \" can be missing anywhere after this one");
    assert_int_equal(f->status, MIG_EINVALID);
    one_error(state, "migration \"x\" {\n let a = 1 /* x\n}\n", 2, 12,
              "unterminated comment", "a comment that starts with /* ends with */");
}

static void error_cap(void **state)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "migration \"x\" {\n");
    for (int i = 0; i < 60; i++)
        strbuf_puts(&b, "  let x = 1 +\n");
    strbuf_puts(&b, "  @ @ @\n}\n");
    fx_t *f = parse(state, b.data);
    strbuf_free(&b);
    assert_int_equal(f->status, MIG_EINVALID);
    assert_int_equal(f->diags.len, MIG_MAX_ERRORS + 1);
    assert_int_equal(f->diags.errors, MIG_MAX_ERRORS);
    check_error(f, 0, 3, 3, "expected an expression after '+', found 'let'", NULL);
    check_error(f, MIG_MAX_ERRORS - 1, 52, 3,
                "expected an expression after '+', found 'let'", NULL);
    /* The note stands where the 51st error would have. */
    const diag_t *note = &f->diags.items[MIG_MAX_ERRORS];
    assert_int_equal(note->severity, DIAG_NOTE);
    assert_true(note->has_span);
    assert_int_equal(note->span.line, 53);
    assert_int_equal(note->span.col, 3);
    assert_ptr_equal(note->src, f->src);
    assert_string_equal(note->message,
                        "too many errors (more than 50); stopping here");
}

static void nesting_through_parser(void **state)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "migration \"x\" { let v = ");
    for (int i = 0; i < MIG_MAX_NESTING - 1; i++)
        strbuf_putc(&b, '[');
    strbuf_putc(&b, '1');
    for (int i = 0; i < MIG_MAX_NESTING - 1; i++)
        strbuf_putc(&b, ']');
    strbuf_puts(&b, " }");
    parse_ok(state, b.data);     /* 255 brackets and the plan's brace: fine */
    b.len = 0;
    strbuf_puts(&b, "migration \"x\" { let v = ");
    for (int i = 0; i < 999; i++)
        strbuf_puts(&b, "-");
    strbuf_puts(&b, "x }");
    parse_ok(state, b.data);     /* 1000 levels: fine */
    b.len = 0;
    strbuf_puts(&b, "migration \"x\" { let v = ");
    for (int i = 0; i < 1000; i++)
        strbuf_puts(&b, "-");
    strbuf_puts(&b, "x }");
    one_error(state, b.data, 1, 25,
              "nested too deeply: the expression has more than 1000 levels", NULL);
    strbuf_free(&b);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(recovery_reports_each_error),
        T(syntax_messages),
        T(clause_errors),
        T(context_rules),
        T(statuses),
        T(unterminated_at_parse),
        T(error_cap),
        T(nesting_through_parser),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
