/* test_eval_builtins.c: the evaluator's builtin functions
 * (interpreter/eval_builtins.c, eval_paths.c): every builtin on good and
 * bad input, with the exact text and place of each error, and every row
 * of the table reachable by name. Each case is an expression of a small
 * plan (eval_fixture.h). */
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
        cmocka_unit_test(builtins_collections),
        cmocka_unit_test(builtins_strings),
        cmocka_unit_test(builtins_conversions),
        cmocka_unit_test(builtins_semver),
        cmocka_unit_test(builtins_paths),
        cmocka_unit_test(every_builtin_is_tested),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
