/* test_eval.c: the expression evaluator (interpreter/eval.c): every
 * literal, interpolation, names and scopes, fields and indexes, every
 * operator on the types it takes and several it refuses, short-circuits,
 * calls, the limits, and the exact text and place of every runtime error.
 * Each case is a small plan whose lets are evaluated in order
 * (eval_fixture.h); the sanitizer build checks that nothing leaks on any
 * path. The builtin functions are test_eval_builtins.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpreter.h"
#include "eval_fixture.h"

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
        cmocka_unit_test(places),
        cmocka_unit_test(depth_limit),
        cmocka_unit_test(size_limit),
        cmocka_unit_test(to_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
