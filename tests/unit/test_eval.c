/* test_eval.c: the expression evaluator (interpreter/eval.c) and its
 * builtin functions (eval_builtins.c): every literal, interpolation, names
 * and scopes, fields and indexes, every operator on the types it takes and
 * several it refuses, short-circuits, every builtin on good and bad input,
 * and the exact text and place of every runtime error. Each case is a
 * small plan whose lets are evaluated in order; the sanitizer build checks
 * that nothing leaks on any path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpreter.h"

/* Names every case may use; the expression under test is on line 9. */
#define PRELUDE                                                             \
    "let xs = [1, 2, 3]\n"                                                  \
    "let m = {a: 1, b: \"two\", c: [true]}\n"                               \
    "let s = \"h\\u{e9}llo\"\n"                                             \
    "let d = 90s\n"                                                         \
    "let n = null\n"                                                        \
    "let big = {k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6}\n"                \
    "let tools = [{name: \"lookup\", count: 2}]\n"

/* When set, bound as `deep` and `huge` before the plan's lets (borrowed). */
static val_t *preset_deep, *preset_big;

/* Parses a plan of PRELUDE and LETS, evaluates each let in order (binding
 * it), and describes the last one's value: its canonical text, or the one
 * error as "LINE:COL-LINE:COL: message" and " | hint" if there is one.
 * The result lives in a static buffer. */
static const char *run(const char *lets)
{
    static char out[8192];
    char text[8192];
    snprintf(text, sizeof(text), "migration \"t\" {\n" PRELUDE "%s\n}", lets);
    src_t *src = src_from_memory("t.mig", text, strlen(text));
    arena_t *arena = arena_new();
    diag_list_t diags;
    diag_list_init(&diags);
    ast_plan_t *plan = NULL;
    assert_int_equal(grammar_parse(src, arena, &diags, &plan), MIG_OK);
    eval_env_t *env = eval_env_new(NULL);
    assert_non_null(env);
    if (preset_deep)
        assert_int_equal(eval_env_set(env, "deep", preset_deep), MIG_OK);
    if (preset_big)
        assert_int_equal(eval_env_set(env, "huge", preset_big), MIG_OK);
    val_t *v = NULL;
    mig_status_t st = MIG_OK;
    for (uint32_t i = 0; i < plan->items.len && st == MIG_OK; i++) {
        const ast_node_t *let = plan->items.items[i];
        assert_int_equal(let->kind, AST_LET);
        val_unref(v);
        v = NULL;
        st = eval_expr(let->u.binding.value, env, src, &diags, &v);
        if (st == MIG_OK)
            assert_int_equal(eval_env_set(env, let->u.binding.name.name, v),
                             MIG_OK);
    }
    if (st == MIG_OK) {
        assert_int_equal(diags.len, 0);
        strbuf_t b;
        strbuf_init(&b);
        assert_int_equal(val_format(v, &b), MIG_OK);
        snprintf(out, sizeof(out), "%s", b.data);
        strbuf_free(&b);
        val_unref(v);
    } else {
        assert_int_equal(st, MIG_EINVALID);
        assert_null(v);
        assert_int_equal(diags.len, 1);
        const diag_t *d = &diags.items[0];
        assert_int_equal(d->severity, DIAG_ERROR);
        assert_true(d->has_span);
        assert_ptr_equal(d->src, src);
        snprintf(out, sizeof(out), "%u:%u-%u:%u: %s%s%s", d->span.line,
                 d->span.col, d->span.end_line, d->span.end_col, d->message,
                 d->hint ? " | " : "", d->hint ? d->hint : "");
    }
    eval_env_free(env);
    diag_list_free(&diags);
    arena_free(arena);
    src_free(src);
    return out;
}

/* The value of EXPR, written at line 9, column 9. */
static const char *ev(const char *expr)
{
    char lets[4096];
    snprintf(lets, sizeof(lets), "let v = %s", expr);
    return run(lets);
}

#define EV(expr, want) assert_string_equal(ev(expr), want)

/* ---- literals, names, fields, indexes ----------------------------------- */

static void literals(void **state)
{
    (void)state;
    EV("null", "null");
    EV("true", "true");
    EV("false", "false");
    EV("42", "42");
    EV("0.75", "0.75");
    EV("1.5e6", "1500000.0");
    EV("1h30m", "1h30m");
    EV("1.5s", "1s500ms");
    EV("\"a\\tb\"", "\"a\\tb\"");
    EV("\"\"", "\"\"");
    EV("[]", "[]");
    EV("[1, \"two\", 3s, [4], {five: 5},]",
       "[1, \"two\", 3s, [4], {\"five\": 5}]");
    EV("{}", "{}");
    EV("{b: 1, a: 2, \"max-size\": 3}",
       "{\"b\": 1, \"a\": 2, \"max-size\": 3}");
    EV("-5", "-5");
    EV("-2.5", "-2.5");
    EV("-0.0", "-0.0");
    EV("- -5", "5");
}

static void interpolation(void **state)
{
    (void)state;
    EV("\"x=${xs[0]}\"", "\"x=1\"");
    assert_string_equal(ev("\"${s}!\""), "\"héllo!\"");
    EV("\"${1.5} ${2.0} ${d} ${true} ${n}\"", "\"1.5 2.0 1m30s true null\"");
    EV("\"${xs} ${m}\"", "\"[1,2,3] {\\\"a\\\":1,\\\"b\\\":\\\"two\\\","
       "\\\"c\\\":[true]}\"");
    EV("\"${\"in\"}\"", "\"in\"");
    EV("\"tag: ${ \"v${xs[2]}\" }\"", "\"tag: v3\"");
    EV("\"${len(xs)} tools, first ${tools[0].name}\"",
       "\"3 tools, first lookup\"");
    EV("\"cost \\${x}\"", "\"cost ${x}\"");
    /* An error inside is reported where it is, and nothing leaks. */
    EV("\"a ${xs} ${nope} b\"", "9:20-9:24: undefined name 'nope'");
}

/* Under a scope that expects names left unbound (the dry run's), an
 * undefined name is reported without the hint that compares it with every
 * name in scope; elsewhere the hint stays. */
static void unbound_expected(void **state)
{
    (void)state;
    const char *text = "migration \"t\" { let v = tols }";
    src_t *src = src_from_memory("t.mig", text, strlen(text));
    arena_t *arena = arena_new();
    ast_plan_t *plan;
    diag_list_t diags;
    diag_list_init(&diags);
    assert_int_equal(grammar_parse(src, arena, &diags, &plan), MIG_OK);
    const ast_node_t *e = plan->items.items[0]->u.binding.value;
    for (int quiet = 0; quiet < 2; quiet++) {
        eval_env_t *top = eval_env_new(NULL);
        assert_non_null(top);
        if (quiet)
            eval_env_expect_unbound(top);
        val_t *tools = val_cstring("x");
        assert_int_equal(eval_env_set(top, "tools", tools), MIG_OK);
        val_unref(tools);
        eval_env_t *inner = eval_env_new(top);
        assert_non_null(inner);
        val_t *v = NULL;
        assert_int_equal(eval_expr(e, inner, src, &diags, &v), MIG_EINVALID);
        assert_null(v);
        assert_int_equal(diags.len, 1);
        assert_string_equal(diags.items[0].message, "undefined name 'tols'");
        if (quiet)
            assert_null(diags.items[0].hint);
        else
            assert_string_equal(diags.items[0].hint,
                                "did you mean 'tools'?");
        diag_list_free(&diags);
        diag_list_init(&diags);
        eval_env_free(inner);
        eval_env_free(top);
    }
    arena_free(arena);
    src_free(src);
}

static void names_and_scopes(void **state)
{
    (void)state;
    EV("xs", "[1, 2, 3]");
    EV("tols", "9:9-9:13: undefined name 'tols' | did you mean 'tools'?");
    EV("zzz", "9:9-9:12: undefined name 'zzz'");
    EV("x", "9:9-9:10: undefined name 'x' | did you mean 'xs'?");

    /* Scopes: inner bindings shadow outer ones; the parent is untouched. */
    eval_env_t *outer = eval_env_new(NULL), *inner = eval_env_new(outer);
    assert_non_null(outer);
    assert_non_null(inner);
    val_t *one = val_int(1), *two = val_int(2);
    assert_int_equal(eval_env_set(outer, "a", one), MIG_OK);
    assert_int_equal(eval_env_set(outer, "b", one), MIG_OK);
    assert_int_equal(eval_env_set(inner, "a", two), MIG_OK);
    assert_ptr_equal(eval_env_get(inner, "a"), two);
    assert_ptr_equal(eval_env_get(inner, "b"), one);
    assert_ptr_equal(eval_env_get(outer, "a"), one);
    assert_null(eval_env_get(inner, "c"));
    assert_int_equal(val_refcount(one), 3);
    assert_int_equal(eval_env_set(inner, "a", one), MIG_OK);   /* rebind */
    assert_int_equal(val_refcount(two), 1);
    eval_env_free(inner);
    eval_env_free(outer);
    eval_env_free(NULL);
    assert_int_equal(val_refcount(one), 1);
    val_unref(one);
    val_unref(two);
}

static void fields(void **state)
{
    (void)state;
    EV("m.a", "1");
    EV("m.c[0]", "true");
    EV("tools[0].name", "\"lookup\"");
    EV("m.z", "9:11-9:12: map has no key 'z' | its keys are 'a', 'b', 'c'");
    EV("big.k9", "9:13-9:15: map has no key 'k9' | its keys are 'k1', 'k2', "
       "'k3', 'k4', 'k5' and 1 more");
    EV("{}.a", "9:12-9:13: map has no key 'a' | the map is empty");
    EV("{only: 1}.a", "9:19-9:20: map has no key 'a' | its key is 'only'");
    EV("xs.len", "9:12-9:15: cannot read field 'len' of a list");
    EV("d.ms", "9:11-9:13: cannot read field 'ms' of a duration");
    EV("n.x", "9:11-9:12: cannot read field 'x' of null");
    EV("m.a.b", "9:13-9:14: cannot read field 'b' of a number");
}

static void indexes(void **state)
{
    (void)state;
    EV("xs[0]", "1");
    EV("xs[2]", "3");
    EV("xs[-1]", "3");
    EV("xs[-3]", "1");
    EV("xs[1.0]", "2");
    EV("xs[1 + 1]", "3");
    EV("m[\"b\"]", "\"two\"");
    EV("{\"max-size\": 10}[\"max-size\"]", "10");
    EV("xs[3]", "9:12-9:13: index 3 is out of range for a list of 3 items"
       " | valid indexes are 0 to 2, or -3 to -1 from the end");
    EV("xs[-4]", "9:12-9:14: index -4 is out of range for a list of 3 items"
       " | valid indexes are 0 to 2, or -3 to -1 from the end");
    EV("[][0]", "9:12-9:13: index 0 is out of range for a list of 0 items"
       " | the list is empty");
    EV("[7][1]", "9:13-9:14: index 1 is out of range for a list of 1 item"
       " | valid indexes are 0 to 0, or -1 to -1 from the end");
    EV("xs[3.0]", "9:12-9:15: index 3.0 is out of range for a list of 3 "
       "items | valid indexes are 0 to 2, or -3 to -1 from the end");
    EV("xs[0.5]", "9:12-9:15: a list index must be a whole number, "
       "found 0.5");
    EV("xs[\"a\"]", "9:12-9:15: a list index must be a number, found a "
       "string");
    EV("m[1]", "9:11-9:12: a map key must be a string, found a number");
    EV("m[\"q\"]", "9:11-9:14: map has no key 'q' | its keys are 'a', 'b', "
       "'c'");
    EV("s[0]", "9:9-9:10: cannot index a string | only lists (by number) "
       "and maps (by key) can be indexed");
    EV("xs[nope]", "9:12-9:16: undefined name 'nope'");
    EV("nope[0]", "9:9-9:13: undefined name 'nope'");
}

/* ---- operators ---------------------------------------------------------- */

static void precedence(void **state)
{
    (void)state;
    EV("1 + 2 * 3", "7");
    EV("(1 + 2) * 3", "9");
    EV("10 - 4 - 3", "3");
    EV("2 * 3 % 4", "2");
    EV("-xs[1] * 2", "-4");
    EV("not false and true", "true");
    EV("not 1 == 2", "true");
    EV("true or false and false", "true");
    EV("1 + 1 >= 2", "true");
    EV("\"a\" + \"b\" == \"ab\"", "true");
}

static void arithmetic(void **state)
{
    (void)state;
    /* numbers */
    EV("7 + 3", "10");
    EV("7 - 10", "-3");
    EV("6 * 7", "42");
    EV("6 / 3", "2");
    EV("7 / 2", "3.5");
    EV("1 / 3", "0.3333333333333333");
    EV("7 % 3", "1");
    EV("-7 % 3", "-1");
    EV("7 % -3", "1");
    EV("7.5 % 2", "1.5");
    EV("1.5 + 1.5", "3.0");
    EV("1 + 0.5", "1.5");
    EV("0.1 + 0.2", "0.30000000000000004");
    EV("9007199254740992 + 1", "9007199254740992.0");
    EV("9007199254740992 * 9007199254740992", "8.112963841460668e+31");
    EV("1 / 0", "9:13-9:14: division by zero");
    EV("1.5 / 0.0", "9:15-9:18: division by zero");
    EV("5 % 0", "9:13-9:14: modulo by zero");
    EV("1e308 * 10", "9:9-9:19: number out of range: the result is too "
       "large for a double");
    /* durations */
    EV("1m + 30s", "1m30s");
    EV("1m - 90s", "-30s");
    EV("d * 2", "3m");
    EV("2 * d", "3m");
    EV("d * 0.5", "45s");
    EV("d / 4", "22s500ms");
    EV("1s / 3", "333ms");
    EV("2s / 3", "667ms");
    EV("d / 0", "9:13-9:14: division by zero");
    EV("d * 1e300", "9:9-9:18: duration out of range: more than 2^53 "
       "milliseconds");
    EV("d + 1", "9:9-9:14: cannot apply '+' to a duration and a number");
    EV("d * d", "9:9-9:14: cannot apply '*' to a duration and a duration");
    EV("2 / d", "9:9-9:14: cannot apply '/' to a number and a duration");
    EV("d % 2", "9:9-9:14: cannot apply '%' to a duration and a number");
    /* strings and lists */
    EV("\"ab\" + \"cd\"", "\"abcd\"");
    EV("s + \"\"", "\"héllo\"");
    EV("xs + [4]", "[1, 2, 3, 4]");
    EV("[] + []", "[]");
    EV("xs + xs", "[1, 2, 3, 1, 2, 3]");
    EV("\"a\" - \"b\"", "9:9-9:18: cannot apply '-' to a string and a string");
    EV("\"n=\" + 1", "9:9-9:17: cannot apply '+' to a string and a number");
    EV("xs + 1", "9:9-9:15: cannot apply '+' to a list and a number");
    EV("m + m", "9:9-9:14: cannot apply '+' to a map and a map");
    EV("xs * 2", "9:9-9:15: cannot apply '*' to a list and a number");
    EV("true + 1", "9:9-9:17: cannot apply '+' to a bool and a number");
    EV("n + 1", "9:9-9:14: cannot apply '+' to null and a number");
    /* negation */
    EV("-d", "-1m30s");
    EV("-xs[0]", "-1");
    EV("-s", "9:10-9:11: cannot negate a string");
    EV("-true", "9:10-9:14: cannot negate a bool");
}

static void comparisons(void **state)
{
    (void)state;
    EV("1 < 2", "true");
    EV("2 <= 2", "true");
    EV("3 > 2.5", "true");
    EV("2 >= 3", "false");
    EV("1m > 59s", "true");
    EV("d <= 90s", "true");
    EV("\"abc\" < \"abd\"", "true");
    EV("\"Z\" < \"a\"", "true");
    EV("\"b\" >= \"ab\"", "true");
    EV("\"\\u{e9}\" > \"z\"", "true");
    EV("1 < \"2\"", "9:9-9:16: cannot compare a number with a string | "
       "'<' compares two numbers, two durations or two strings");
    EV("1s > 1", "9:9-9:15: cannot compare a duration with a number | "
       "'>' compares two numbers, two durations or two strings");
    EV("xs < xs", "9:9-9:16: cannot compare a list with a list | "
       "'<' compares two numbers, two durations or two strings");
    EV("true >= false", "9:9-9:22: cannot compare a bool with a bool | "
       "'>=' compares two numbers, two durations or two strings");
    /* == and != take any values */
    EV("1 == 1.0", "true");
    EV("1 == \"1\"", "false");
    EV("1s == 1000", "false");
    EV("1s == 1000ms", "true");
    EV("n == null", "true");
    EV("xs == [1, 2, 3]", "true");
    EV("m == {c: [true], b: \"two\", a: 1}", "true");
    EV("m != m", "false");
    EV("xs != [1]", "true");
}

static void logic(void **state)
{
    (void)state;
    EV("true and true", "true");
    EV("true and false", "false");
    EV("false or true", "true");
    EV("false or false", "false");
    EV("not true", "false");
    /* The right side is not evaluated when the left decides. */
    EV("false and nope", "false");
    EV("true or nope", "true");
    EV("false and 1", "false");
    EV("true and nope", "9:18-9:22: undefined name 'nope'");
    EV("false or nope", "9:18-9:22: undefined name 'nope'");
    /* No truthiness. */
    EV("s and true", "9:9-9:10: expected a bool, found a string | 'and' "
       "takes booleans; there is no truthiness: compare explicitly, such as "
       "'x != null'");
    EV("true and 1", "9:18-9:19: expected a bool, found a number | 'and' "
       "takes booleans; there is no truthiness: compare explicitly, such as "
       "'x != null'");
    EV("n or false", "9:9-9:10: expected a bool, found null | 'or' "
       "takes booleans; there is no truthiness: compare explicitly, such as "
       "'x != null'");
    EV("not xs", "9:13-9:15: expected a bool, found a list");
    EV("not n", "9:13-9:14: expected a bool, found null");
}

/* ---- calls -------------------------------------------------------------- */

static void calls(void **state)
{
    (void)state;
    EV("file.move(xs)", "9:9-9:18: 'file.move' is an action, not a "
       "function; actions run only in steps");
    EV("a.b.c()", "9:9-9:14: 'a.b.c' is an action, not a function; "
       "actions run only in steps");
    EV("lenn(xs)", "9:9-9:13: unknown function 'lenn' | did you mean "
       "'len'?");
    EV("frobnicate()", "9:9-9:19: unknown function 'frobnicate'");
    EV("xs(1)", "9:9-9:11: 'xs' is a list, not a function");
    EV("len(xs)(1)", "9:9-9:16: only a function can be called here");
    EV("len()", "9:9-9:14: len takes 1 argument, given 0 | len(value)");
    EV("len(xs, xs)", "9:9-9:20: len takes 1 argument, given 2 | "
       "len(value)");
    EV("replace(\"a\")", "9:9-9:21: replace takes 3 arguments, given 1 | "
       "replace(s, old, new)");
    EV("format()", "9:9-9:17: format takes at least 1 argument, given 0 | "
       "format(fmt, args...)");
    EV("len(value: xs)", "9:13-9:18: len takes no named arguments, given "
       "'value'");
    EV("len(nope)", "9:13-9:17: undefined name 'nope'");
    /* A let named like a builtin hides it. */
    assert_string_equal(run("let len = 3\nlet v = len(xs)"),
                        "10:9-10:12: 'len' is a number, not a function");
}

static void builtins_collections(void **state)
{
    (void)state;
    EV("len(xs)", "3");
    EV("len(m)", "3");
    EV("len(s)", "5");
    EV("len(\"\")", "0");
    EV("len([])", "0");
    EV("len(1)", "9:13-9:14: len: argument 1 must be a string, list or map,"
       " found a number");
    EV("len(n)", "9:13-9:14: len: argument 1 must be a string, list or map,"
       " found null");
    EV("keys(m)", "[\"a\", \"b\", \"c\"]");
    EV("keys({})", "[]");
    EV("range(3)", "[0, 1, 2]");
    EV("range(2, 4)", "[2, 3]");
    EV("range(0)", "[]");
    EV("range(5, 2)", "[]");
    EV("values(m)", "[1, \"two\", [true]]");
    EV("keys(xs)", "9:14-9:16: keys: argument 1 must be a map, found a "
       "list");
    EV("values(s)", "9:16-9:17: values: argument 1 must be a map, found a "
       "string");
    EV("contains(xs, 2)", "true");
    EV("contains(xs, 2.0)", "true");
    EV("contains(xs, \"2\")", "false");
    EV("contains(tools, {count: 2, name: \"lookup\"})", "true");
    EV("contains(m, \"b\")", "true");
    EV("contains(m, \"z\")", "false");
    EV("contains(s, \"\\u{e9}l\")", "true");
    EV("contains(s, \"\")", "true");
    EV("contains(s, \"lo!\")", "false");
    EV("contains(m, 1)", "9:21-9:22: contains: argument 2 must be a string,"
       " found a number");
    EV("contains(1, 1)", "9:18-9:19: contains: argument 1 must be a list, "
       "map or string, found a number");
    EV("default(n, 5)", "5");
    EV("default(0, 5)", "0");
    EV("default(false, true)", "false");
    EV("default(m.a, nope)", "9:22-9:26: undefined name 'nope'");
}

static void builtins_strings(void **state)
{
    (void)state;
    EV("lower(\"MiXeD \\u{c9}\")", "\"mixed É\"");
    assert_string_equal(ev("lower(\"MiXeD 1\")"), "\"mixed 1\"");
    assert_string_equal(ev("upper(s)"), "\"H\303\251LLO\"");
    EV("upper(1)", "9:15-9:16: upper: argument 1 must be a string, found a "
       "number");
    EV("lower(xs)", "9:15-9:17: lower: argument 1 must be a string, found a "
       "list");
    EV("replace(\"a-b-c\", \"-\", \"+\")", "\"a+b+c\"");
    EV("replace(\"aaa\", \"aa\", \"b\")", "\"ba\"");
    EV("replace(\"abc\", \"x\", \"y\")", "\"abc\"");
    EV("replace(\"abc\", \"b\", \"\")", "\"ac\"");
    EV("replace(\"abc\", \"\", \"y\")", "9:24-9:26: replace: argument 2 "
       "must not be empty");
    EV("replace(\"abc\", \"b\", 1)", "9:29-9:30: replace: argument 3 must "
       "be a string, found a number");
    EV("split(\"a,b,,c\", \",\")", "[\"a\", \"b\", \"\", \"c\"]");
    EV("split(\"abc\", \",\")", "[\"abc\"]");
    EV("split(\"\", \",\")", "[\"\"]");
    EV("split(\"a::b::\", \"::\")", "[\"a\", \"b\", \"\"]");
    EV("split(\"abc\", \"\")", "9:22-9:24: split: argument 2 must not be "
       "empty");
    EV("split(xs, \",\")", "9:15-9:17: split: argument 1 must be a string, "
       "found a list");
    EV("join([\"a\", \"b\"], \", \")", "\"a, b\"");
    EV("join([], \",\")", "\"\"");
    EV("join([1, 2.5, true, null, 1s, [1], \"x\"], \"|\")",
       "\"1|2.5|true|null|1s|[1]|x\"");
    EV("join(m, \",\")", "9:14-9:15: join: argument 1 must be a list, found "
       "a map");
    EV("join(xs, 1)", "9:18-9:19: join: argument 2 must be a string, found "
       "a number");
    EV("format(\"{} of {}\", 1, xs)", "\"1 of [1,2,3]\"");
    EV("format(\"none\")", "\"none\"");
    EV("format(\"{{}} {}\", s)", "\"{} héllo\"");
    EV("format(\"{} {}\", 1)", "9:9-9:27: format: 2 placeholders but 1 "
       "argument");
    EV("format(\"{}\", 1, 2)", "9:9-9:27: format: 1 placeholder but 2 "
       "arguments");
    EV("format(\"a { b\", 1)", "9:16-9:23: format: a lone '{' at byte 3 of "
       "the format | write '{}' for an argument, '{{' and '}}' for braces");
    EV("format(\"x}\")", "9:16-9:20: format: a lone '}' at byte 2 of the "
       "format | write '{}' for an argument, '{{' and '}}' for braces");
    EV("format(1)", "9:16-9:17: format: argument 1 must be a string, found "
       "a number");
}

static void builtins_conversions(void **state)
{
    (void)state;
    EV("type(n)", "\"null\"");
    EV("type(true)", "\"bool\"");
    EV("type(1.5)", "\"number\"");
    EV("type(s)", "\"string\"");
    EV("type(xs)", "\"list\"");
    EV("type(m)", "\"map\"");
    EV("type(d)", "\"duration\"");
    EV("str(1)", "\"1\"");
    EV("str(2.0)", "\"2.0\"");
    EV("str(d)", "\"1m30s\"");
    EV("str(n)", "\"null\"");
    EV("str(\"x\")", "\"x\"");
    EV("str(m)", "\"{\\\"a\\\":1,\\\"b\\\":\\\"two\\\",\\\"c\\\":[true]}\"");
    EV("json(m)", "\"{\\\"a\\\":1,\\\"b\\\":\\\"two\\\",\\\"c\\\":[true]}\"");
    EV("json(\"x\")", "\"\\\"x\\\"\"");
    EV("json(d)", "\"\\\"1m30s\\\"\"");
    EV("json(n)", "\"null\"");
    EV("yaml(m)", "\"a: 1\\nb: two\\nc:\\n- true\\n\"");
    EV("yaml(xs)", "\"- 1\\n- 2\\n- 3\\n\"");
}

static void builtins_semver(void **state)
{
    (void)state;
    EV("semver(\"1.2.3\", \"1.2.3\")", "0");
    EV("semver(\"1.2.3\", \"1.10.0\")", "-1");
    EV("semver(\"2.0.0\", \"1.99.99\")", "1");
    EV("semver(\"v1.2.3\", \"1.2.3\")", "0");
    EV("semver(\"1.0.0+build.5\", \"1.0.0+other\")", "0");
    EV("semver(\"1.0.0-rc.1\", \"1.0.0\")", "-1");
    EV("semver(\"1.0.0\", \"1.0.0-rc.1\")", "1");
    /* The precedence chain of the SemVer 2.0.0 specification. */
    EV("semver(\"1.0.0-alpha\", \"1.0.0-alpha.1\")", "-1");
    EV("semver(\"1.0.0-alpha.1\", \"1.0.0-alpha.beta\")", "-1");
    EV("semver(\"1.0.0-alpha.beta\", \"1.0.0-beta\")", "-1");
    EV("semver(\"1.0.0-beta\", \"1.0.0-beta.2\")", "-1");
    EV("semver(\"1.0.0-beta.2\", \"1.0.0-beta.11\")", "-1");
    EV("semver(\"1.0.0-beta.11\", \"1.0.0-rc.1\")", "-1");
    EV("semver(\"1.0.0-rc.1\", \"1.0.0-rc.1\")", "0");
    EV("semver(\"1.0.0-rc.1\", \"1.0.0-alpha\")", "1");
    static const char *const bad[] = {
        "1.2", "1.2.3.4", "01.2.3", "1.2.x", "", "1.2.3-", "1.2.3-01",
        "1.2.3+", "1.2.3-a..b", "1.2.3-a_b", " 1.2.3",
        "99999999999999999999.0.0",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char expr[128], want[512];
        snprintf(expr, sizeof(expr), "semver(\"1.0.0\", \"%s\")", bad[i]);
        snprintf(want, sizeof(want), "9:25-9:%zu: semver: argument 2 is not "
                 "a semantic version: '%s' | expected MAJOR.MINOR.PATCH, an "
                 "optional -PRERELEASE and +BUILD, such as 1.4.2 or "
                 "2.0.0-rc.1", 27 + strlen(bad[i]), bad[i]);
        assert_string_equal(ev(expr), want);
    }
    EV("semver(1, \"1.0.0\")", "9:16-9:17: semver: argument 1 must be a "
       "string, found a number");
}

/* The places of errors in expressions over several lines, and an
 * evaluation without any scope. */
static void places(void **state)
{
    (void)state;
    assert_string_equal(run("let v = [\n  1,\n  xs[1] +\n    \"a\",\n]"),
                        "11:3-12:8: cannot apply '+' to a number and a "
                        "string");
    assert_string_equal(run("let v = {\n  a: m.a,\n  b: m.nope,\n}"),
                        "11:8-11:12: map has no key 'nope' | its keys are "
                        "'a', 'b', 'c'");

    const char *text = "migration \"t\" { let v = x + 1 }";
    src_t *src = src_from_memory("t.mig", text, strlen(text));
    arena_t *arena = arena_new();
    diag_list_t diags;
    diag_list_init(&diags);
    ast_plan_t *plan;
    assert_int_equal(grammar_parse(src, arena, &diags, &plan), MIG_OK);
    const ast_node_t *e = plan->items.items[0]->u.binding.value;
    val_t *v = NULL;
    assert_int_equal(eval_expr(e, NULL, src, &diags, &v), MIG_EINVALID);
    assert_null(v);
    assert_int_equal(diags.len, 1);
    assert_string_equal(diags.items[0].message, "undefined name 'x'");
    assert_null(diags.items[0].hint);
    assert_int_equal(diags.items[0].span.col, 25);
    diag_list_free(&diags);
    arena_free(arena);
    src_free(src);
}

/* A value as deep as values may be cannot go into a list or map. */
static void depth_limit(void **state)
{
    (void)state;
    val_t *deep = val_list_new(0);
    assert_non_null(deep);
    for (int i = 1; i < VAL_MAX_DEPTH; i++) {
        val_t *outer = val_list_new(1);
        assert_non_null(outer);
        assert_int_equal(val_list_push_take(outer, deep), MIG_OK);
        deep = outer;
    }
    preset_deep = deep;
    EV("len(deep)", "1");
    EV("[deep]", "9:9-9:15: " VAL_TOO_DEEP);
    EV("{k: deep}", "9:9-9:18: " VAL_TOO_DEEP);
    EV("[1] + [deep]", "9:15-9:21: " VAL_TOO_DEEP);
    EV("len([1] + deep)", "2");
    EV("len([deep][0])", "9:13-9:19: " VAL_TOO_DEEP);
    preset_deep = NULL;
    val_unref(deep);
}

#define TOO_LARGE VAL_TOO_LARGE " | the size counts the bytes of every " \
    "string and key, and 16 for every value, a value held twice counting twice"

/* What an expression builds is at most VAL_MAX_SIZE: a string of that size
 * is made, one byte more is refused at the place; doubling a string, a
 * list or a nest of lists stops there. */
static void size_limit(void **state)
{
    (void)state;
    size_t len = VAL_MAX_SIZE - VAL_NODE_SIZE - 1;
    char *s = malloc(len);
    assert_non_null(s);
    memset(s, 'a', len);
    preset_big = val_string(s, len);
    free(s);
    assert_int_equal(val_size(preset_big), VAL_MAX_SIZE - 1);
    EV("len(\"${huge}x\")", "16777200");
    EV("len(\"${huge}xy\")", "9:13-9:24: " TOO_LARGE);
    EV("len(huge + \"x\")", "16777200");
    EV("len(huge + \"xy\")", "9:13-9:24: " TOO_LARGE);
    EV("len(\"x${huge}${huge}\")", "9:24-9:28: " TOO_LARGE);
    EV("len(replace(\"aa\", \"a\", huge))", "9:13-9:37: " TOO_LARGE);
    assert_string_equal(run("let sep = join(range(1000), \"\")\n"
                            "let v = join(range(100000), sep)"),
                        "10:9-10:33: " TOO_LARGE);
    EV("len(format(\"{}{}\", huge, huge))", "9:13-9:39: " TOO_LARGE);
    EV("len(split(huge, \"a\"))", "9:13-9:29: " TOO_LARGE);
    val_unref(preset_big);
    preset_big = NULL;
    /* Doubling: 19 doublings of a list of one item fit, the 20th not. */
    char lets[4096] = "let l = [1]\n";
    for (int i = 0; i < 19; i++)
        strcat(lets, "let l = l + l\n");
    strcat(lets, "let n = len(l)");
    assert_string_equal(run(lets), "524288");
    strcat(lets, "\nlet l = l + l\nlet l = l + l");
    assert_string_equal(run(lets), "30:9-30:14: " TOO_LARGE);
    /* A nest of lists that share their items counts each time. */
    strcpy(lets, "let l = [\"x\"]\n");
    for (int i = 0; i < 40; i++)
        strcat(lets, "let l = [l, l]\n");
    assert_string_equal(run(lets), "28:9-28:15: " TOO_LARGE);
    /* range() makes at most 1,000,000 numbers. */
    EV("len(range(1000000))", "1000000");
    EV("range(1000001)", "9:9-9:23: range: more than 1000000 numbers");
}

/* eval_to_text is what ${} inserts. */
static void to_text(void **state)
{
    (void)state;
    val_t *list = val_list_new(2), *map = val_map_new(1);
    assert_int_equal(val_list_push_take(list, val_cstring("a\"b")), MIG_OK);
    assert_int_equal(val_list_push_take(list, val_duration(1500)), MIG_OK);
    assert_int_equal(val_map_set_take(map, "k", 1, val_double(1)), MIG_OK);
    val_t *items[] = { val_null(), val_bool(true), val_int(-3),
                       val_double(0.5), val_cstring("plain \"text\""),
                       val_duration(5400000), list, map };
    static const char *const want[] = { "null", "true", "-3", "0.5",
                                        "plain \"text\"", "1h30m",
                                        "[\"a\\\"b\",\"1s500ms\"]",
                                        "{\"k\":1.0}" };
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        strbuf_t b;
        strbuf_init(&b);
        assert_int_equal(eval_to_text(items[i], &b), MIG_OK);
        assert_string_equal(b.data, want[i]);
        strbuf_free(&b);
        val_unref(items[i]);
    }
}

static void builtins_paths(void **state)
{
    (void)state;
    EV("basename(\"tools/a.json\")", "\"a.json\"");
    EV("basename(\"tools/sub/\")", "\"sub\"");
    EV("basename(\"a.json\")", "\"a.json\"");
    EV("basename(\"/\")", "\"/\"");
    EV("basename(\"\")", "\"\"");
    EV("dirname(\"tools/sub/a.json\")", "\"tools/sub\"");
    EV("dirname(\"tools//a.json\")", "\"tools\"");
    EV("dirname(\"a.json\")", "\".\"");
    EV("dirname(\"/a.json\")", "\"/\"");
    EV("dirname(\"/\")", "\"/\"");
    EV("dirname(\"\")", "\".\"");
    EV("ext(\"tools/a.json\")", "\".json\"");
    EV("ext(\"a.tar.gz\")", "\".gz\"");
    EV("ext(\"tools.d/README\")", "\"\"");
    EV("ext(\".bashrc\")", "\"\"");
    EV("ext(\"a.\")", "\".\"");
    EV("ext(\"dir/a.yaml/\")", "\".yaml\"");
    EV("basename(3)", "9:18-9:19: basename: argument 1 must be a string, "
       "found a number");
    EV("starts_with(\"mcp_tools.json\", \"mcp\")", "true");
    EV("starts_with(\"mc\", \"mcp\")", "false");
    EV("starts_with(\"x\", \"\")", "true");
    EV("ends_with(\"a.json\", \".json\")", "true");
    EV("ends_with(\"json\", \".json\")", "false");
    EV("ends_with(s, \"llo\")", "true");
    EV("ends_with(s, [1])", "9:22-9:25: ends_with: argument 2 must be a "
       "string, found a list");
    EV("matches(\"get_weather\", \"^[a-z_]+$\")", "true");
    EV("matches(\"Get Weather\", \"^[a-z_]+$\")", "false");
    EV("matches(\"v2.1\", \"\\\\d\")", "true");
    EV("matches(s, \"^h.llo$\")", "true");
    EV("matches(\"a\", \"(a\")", "9:22-9:26: matches: the pattern is not "
       "a valid regular expression: missing closing parenthesis at offset 2");
    EV("matches(\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\", "
       "\"^(a+)+$\")", "9:61-9:70: matches: the pattern could not be "
       "matched: match limit exceeded (the match limit is 1000000 steps)");
}

/* Every row of the table is documented and reachable by name. */
static void every_builtin_is_tested(void **state)
{
    (void)state;
    static const char *const names[] = {
        "basename", "contains", "default", "dirname", "ends_with", "ext",
        "format", "join", "json", "keys", "len", "lower", "matches",
        "replace", "secret_env", "semver", "split", "starts_with", "str",
        "type", "upper", "values", "yaml",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char expr[64], want[64];
        snprintf(expr, sizeof(expr), "%s(1, 2, 3, 4)", names[i]);
        snprintf(want, sizeof(want), "9:9-9:%zu: %s takes ",
                 9 + strlen(expr), names[i]);
        const char *got = ev(expr);
        if (strcmp(names[i], "format") == 0)
            assert_string_equal(got, "9:16-9:17: format: argument 1 must be "
                                "a string, found a number");
        else
            assert_memory_equal(got, want, strlen(want));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literals),
        cmocka_unit_test(interpolation),
        cmocka_unit_test(names_and_scopes),
        cmocka_unit_test(unbound_expected),
        cmocka_unit_test(fields),
        cmocka_unit_test(indexes),
        cmocka_unit_test(precedence),
        cmocka_unit_test(arithmetic),
        cmocka_unit_test(comparisons),
        cmocka_unit_test(logic),
        cmocka_unit_test(calls),
        cmocka_unit_test(builtins_collections),
        cmocka_unit_test(builtins_strings),
        cmocka_unit_test(builtins_conversions),
        cmocka_unit_test(builtins_semver),
        cmocka_unit_test(builtins_paths),
        cmocka_unit_test(every_builtin_is_tested),
        cmocka_unit_test(places),
        cmocka_unit_test(depth_limit),
        cmocka_unit_test(size_limit),
        cmocka_unit_test(to_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
