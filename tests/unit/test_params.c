/* test_params.c: params_resolve (interpreter/params.c): defaults, one
 * seeing those before it; a profile's values; --param overrides read as
 * the type of the default; where each value came from; every error with
 * its exact text, hint and place; and, where malloc can be replaced, every
 * allocation failure ending in MIG_ENOMEM with nothing leaked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpreter.h"

static const char plan_text[] =
    "migration \"p\" {\n"
    "  param source = \"legacy\"\n"
    "  param archive = \"${source}/archive\"\n"
    "  param concurrency = 4\n"
    "  param ratio = 0.5\n"
    "  param dry = false\n"
    "  param wait = 2s\n"
    "  param tags = [\"a\"]\n"
    "  param limits = { cpu: 2 }\n"
    "  param extra = null\n"
    "  profile production {\n"
    "    concurrency = 16\n"
    "    source = \"${archive}/prod\"\n"
    "    ratio = 2\n"
    "    extra = [1]\n"
    "  }\n"
    "  profile staging { concurrency = 2 }\n"
    "  stage s { step x = f() }\n"
    "}\n";

typedef struct fixture {
    src_t *src;
    arena_t *arena;
    ast_plan_t *plan;
    diag_list_t diags;
    params_t *p;
} fixture_t;

static void parse(fixture_t *f, const char *text)
{
    memset(f, 0, sizeof(*f));
    diag_list_init(&f->diags);
    f->src = src_from_memory("p.mig", text, strlen(text));
    assert_non_null(f->src);
    f->arena = arena_new();
    assert_non_null(f->arena);
    assert_int_equal(grammar_parse(f->src, f->arena, &f->diags, &f->plan),
                     MIG_OK);
}

/* Parses TEXT (NULL: plan_text) and resolves its parameters. */
static mig_status_t resolve_in(fixture_t *f, const char *text,
                               const char *profile, const char *const *over,
                               size_t n)
{
    parse(f, text ? text : plan_text);
    return params_resolve(f->plan, f->src, profile, over, n, &f->diags,
                          &f->p);
}

static mig_status_t resolve(fixture_t *f, const char *profile,
                            const char *const *over, size_t n)
{
    return resolve_in(f, NULL, profile, over, n);
}

static void release(fixture_t *f)
{
    params_free(f->p);
    diag_list_free(&f->diags);
    arena_free(f->arena);
    src_free(f->src);
}

/* The canonical text of parameter NAME's value; *O gets its origin. */
static const char *text_of(fixture_t *f, const char *name, param_origin_t *o)
{
    static char buf[256];
    for (size_t i = 0; i < params_count(f->p); i++) {
        if (strcmp(params_name(f->p, i), name) != 0)
            continue;
        strbuf_t b;
        strbuf_init(&b);
        assert_int_equal(val_format(params_value(f->p, i), &b), MIG_OK);
        snprintf(buf, sizeof buf, "%s", b.data);
        strbuf_free(&b);
        if (o)
            *o = params_origin(f->p, i);
        return buf;
    }
    fail_msg("no parameter %s", name);
    return NULL;
}

/* Resolves with OVER (one override, or none), expects MIG_OK, and checks
 * NAME's value text and that it came from the command line. */
static void want_value(const char *over, const char *name,
                       const char *text)
{
    fixture_t f;
    const char *list[] = { over };
    assert_int_equal(resolve(&f, NULL, list, 1), MIG_OK);
    param_origin_t o;
    assert_string_equal(text_of(&f, name, &o), text);
    assert_int_equal(o, PARAM_FROM_CLI);
    assert_int_equal(f.diags.len, 0);
    release(&f);
}

/* Diagnostic I of F as "LINE:COL: message | hint" (no place: "-:").
 * The result lives in a static buffer. */
static const char *describe(const fixture_t *f, size_t i)
{
    static char buf[1024];
    assert_true(i < f->diags.len);
    const diag_t *d = &f->diags.items[i];
    int n = d->src ? snprintf(buf, sizeof buf, "%u:%u: ", d->span.line,
                              d->span.col)
                   : snprintf(buf, sizeof buf, "-: ");
    snprintf(buf + n, sizeof buf - (size_t)n, "%s%s%s", d->message,
             d->hint ? " | " : "", d->hint ? d->hint : "");
    return buf;
}

/* Resolves TEXT (NULL: plan_text) with PROFILE and OVER (or none) and
 * expects MIG_EINVALID with exactly one error, described as WANT. */
static void want_error_in(const char *text, const char *profile,
                          const char *over, const char *want)
{
    fixture_t f;
    const char *list[] = { over };
    assert_int_equal(resolve_in(&f, text, profile, list, over ? 1 : 0),
                     MIG_EINVALID);
    assert_null(f.p);
    assert_int_equal(f.diags.errors, 1);
    assert_string_equal(describe(&f, 0), want);
    release(&f);
}

static void want_error(const char *profile, const char *over,
                       const char *want)
{
    want_error_in(NULL, profile, over, want);
}

/* ---- defaults ----------------------------------------------------------- */

static void test_defaults_of_every_type(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(resolve(&f, NULL, NULL, 0), MIG_OK);
    assert_int_equal(params_count(f.p), 9);
    assert_string_equal(params_name(f.p, 0), "source");
    assert_string_equal(params_name(f.p, 8), "extra");
    param_origin_t o;
    assert_string_equal(text_of(&f, "source", &o), "\"legacy\"");
    assert_int_equal(o, PARAM_FROM_DEFAULT);
    assert_string_equal(text_of(&f, "concurrency", NULL), "4");
    assert_string_equal(text_of(&f, "ratio", NULL), "0.5");
    assert_string_equal(text_of(&f, "dry", NULL), "false");
    assert_string_equal(text_of(&f, "wait", NULL), "2s");
    assert_string_equal(text_of(&f, "tags", NULL), "[\"a\"]");
    assert_string_equal(text_of(&f, "limits", NULL), "{\"cpu\": 2}");
    assert_string_equal(text_of(&f, "extra", &o), "null");
    assert_int_equal(o, PARAM_FROM_DEFAULT);
    assert_null(params_profile(f.p));
    assert_int_equal(f.diags.len, 0);
    release(&f);
}

static void test_default_sees_earlier_params(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(resolve(&f, NULL, NULL, 0), MIG_OK);
    assert_string_equal(text_of(&f, "archive", NULL), "\"legacy/archive\"");
    release(&f);
}

/* params_to_map: every parameter by name, with its final value. */
static void test_params_as_a_map(void **state)
{
    (void)state;
    fixture_t f;
    const char *over[] = { "archive=elsewhere" };
    assert_int_equal(resolve(&f, NULL, over, 1), MIG_OK);
    val_t *m = params_to_map(f.p);
    assert_non_null(m);
    assert_int_equal(val_len(m), params_count(f.p));
    for (size_t i = 0; i < params_count(f.p); i++)
        assert_true(val_equal(val_map_get(m, params_name(f.p, i),
                                          strlen(params_name(f.p, i))),
                              params_value(f.p, i)));
    assert_string_equal(val_get_str(val_map_get(m, "archive", 7), NULL),
                        "elsewhere");
    val_unref(m);
    release(&f);
}

static void test_duplicate_param_keeps_the_first(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(resolve_in(&f, "migration \"d\" {\n  param a = 1\n"
                                "  param a = \"two\"\n  param b = a + 1\n}\n",
                                NULL, NULL, 0), MIG_OK);
    assert_int_equal(params_count(f.p), 2);
    assert_string_equal(text_of(&f, "a", NULL), "1");
    assert_string_equal(text_of(&f, "b", NULL), "2");
    release(&f);
}

static void test_origin_names(void **state)
{
    (void)state;
    assert_string_equal(param_origin_name(PARAM_FROM_DEFAULT), "default");
    assert_string_equal(param_origin_name(PARAM_FROM_PROFILE), "profile");
    assert_string_equal(param_origin_name(PARAM_FROM_CLI), "--param");
}

static void test_bind(void **state)
{
    (void)state;
    fixture_t f;
    const char *over[] = { "concurrency=9" };
    assert_int_equal(resolve(&f, NULL, over, 1), MIG_OK);
    eval_env_t *env = eval_env_new(NULL);
    assert_non_null(env);
    assert_int_equal(params_bind(f.p, env), MIG_OK);
    assert_string_equal(val_get_str(eval_env_get(env, "archive"), NULL),
                        "legacy/archive");
    assert_true(val_get_number(eval_env_get(env, "concurrency")) == 9);
    assert_int_equal(val_type(eval_env_get(env, "extra")), VAL_NULL);
    eval_env_free(env);
    release(&f);
}

/* ---- profiles ----------------------------------------------------------- */

static void test_profile_replaces_defaults(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(resolve(&f, "staging", NULL, 0), MIG_OK);
    param_origin_t o;
    assert_string_equal(text_of(&f, "concurrency", &o), "2");
    assert_int_equal(o, PARAM_FROM_PROFILE);
    assert_string_equal(text_of(&f, "source", &o), "\"legacy\"");
    assert_int_equal(o, PARAM_FROM_DEFAULT);
    assert_string_equal(params_profile(f.p), "staging");
    release(&f);
}

/* Assignments see every default, also one declared after the parameter
 * they set (source uses archive); an integer replaces a double; a null
 * default takes any type; a default computed from a parameter the profile
 * sets is not computed again. */
static void test_profile_sees_defaults(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(resolve(&f, "production", NULL, 0), MIG_OK);
    param_origin_t o;
    assert_string_equal(text_of(&f, "concurrency", &o), "16");
    assert_int_equal(o, PARAM_FROM_PROFILE);
    assert_string_equal(text_of(&f, "source", NULL),
                        "\"legacy/archive/prod\"");
    assert_string_equal(text_of(&f, "ratio", NULL), "2");
    assert_string_equal(text_of(&f, "extra", &o), "[1]");
    assert_int_equal(o, PARAM_FROM_PROFILE);
    assert_string_equal(text_of(&f, "archive", &o), "\"legacy/archive\"");
    assert_int_equal(o, PARAM_FROM_DEFAULT);
    assert_string_equal(params_profile(f.p), "production");
    release(&f);
}

/* ---- overrides ---------------------------------------------------------- */

static void test_override_string_is_verbatim(void **state)
{
    (void)state;
    want_value("source=a b=c", "source", "\"a b=c\"");
    want_value("source=\"quoted\"", "source", "\"\\\"quoted\\\"\"");
    want_value("source=${x}", "source", "\"${x}\"");
    want_value("source=", "source", "\"\"");
    want_value("source=h\xc3\xa9", "source", "\"h\xc3\xa9\"");
}

static void test_override_number(void **state)
{
    (void)state;
    want_value("concurrency=32", "concurrency", "32");
    want_value("concurrency=-3", "concurrency", "-3");
    want_value("concurrency=2.5", "concurrency", "2.5");
    want_value("ratio=1e3", "ratio", "1000.0");
    want_value("ratio=7", "ratio", "7");
    want_value("ratio= 0.25 ", "ratio", "0.25");
}

/* Beyond 2^53 an integer is the nearest double, with the reader's warning
 * (docs/values.md), said without a file. */
static void test_override_number_beyond_2_53(void **state)
{
    (void)state;
    fixture_t f;
    const char *over[] = { "concurrency=9007199254740993" };
    assert_int_equal(resolve(&f, NULL, over, 1), MIG_OK);
    assert_string_equal(text_of(&f, "concurrency", NULL),
                        "9007199254740992.0");
    assert_int_equal(f.diags.warnings, 1);
    assert_null(f.diags.items[0].src);
    assert_string_equal(f.diags.items[0].message,
                        "--param 'concurrency': integer 9007199254740993 "
                        "cannot be held exactly: it is read as "
                        "9007199254740992.0");
    release(&f);
}

static void test_override_bool(void **state)
{
    (void)state;
    want_value("dry=true", "dry", "true");
    want_value("dry=false", "dry", "false");
}

static void test_override_duration(void **state)
{
    (void)state;
    want_value("wait=1m30s", "wait", "1m30s");
    want_value("wait=500ms", "wait", "500ms");
    want_value("wait=2h", "wait", "2h");
    want_value("wait=1h2m3s4ms", "wait", "1h2m3s4ms");
    want_value("wait=1.5s", "wait", "1s500ms");
}

static void test_override_list(void **state)
{
    (void)state;
    want_value("tags=[\"x\", \"y\"]", "tags", "[\"x\", \"y\"]");
    want_value("tags=[]", "tags", "[]");
    want_value("tags=[\"\\u00e9\", 1, null]", "tags",
                 "[\"\xc3\xa9\", 1, null]");
    want_value("tags=[5s, \"\\u{e9}\"]", "tags", "[5s, \"\xc3\xa9\"]");
    /* JSON strings are not interpolated. */
    want_value("tags=[\"${source}\"]", "tags", "[\"${source}\"]");
}

static void test_override_map(void **state)
{
    (void)state;
    want_value("limits={\"cpu\": 4, \"max-rows\": [10]}", "limits",
                 "{\"cpu\": 4, \"max-rows\": [10]}");
    want_value("limits={ cpu: 4, pause: 2s }", "limits",
                 "{\"cpu\": 4, \"pause\": 2s}");
}

/* A null default takes JSON or a plan literal, and any other text as a
 * string; a literal is never an expression to compute. */
static void test_override_null_default(void **state)
{
    (void)state;
    want_value("extra=[1, 2]", "extra", "[1, 2]");
    want_value("extra={\"a\": true}", "extra", "{\"a\": true}");
    want_value("extra=12", "extra", "12");
    want_value("extra=30s", "extra", "30s");
    want_value("extra=null", "extra", "null");
    want_value("extra=plain words", "extra", "\"plain words\"");
    want_value("extra=\"x\"", "extra", "\"x\"");
    want_value("extra=2024-01-31", "extra", "\"2024-01-31\"");
    want_value("extra=1 + 1", "extra", "\"1 + 1\"");
    want_value("extra=source", "extra", "\"source\"");
    want_value("extra=", "extra", "\"\"");
}

static void test_override_beats_profile(void **state)
{
    (void)state;
    fixture_t f;
    const char *over[] = { "concurrency=3" };
    assert_int_equal(resolve(&f, "production", over, 1), MIG_OK);
    param_origin_t o;
    assert_string_equal(text_of(&f, "concurrency", &o), "3");
    assert_int_equal(o, PARAM_FROM_CLI);
    assert_string_equal(text_of(&f, "ratio", &o), "2");
    assert_int_equal(o, PARAM_FROM_PROFILE);
    release(&f);
    /* The profile made extra a list; an override is still read as the
     * default's type. */
    const char *text[] = { "extra=plain" };
    assert_int_equal(resolve(&f, "production", text, 1), MIG_OK);
    assert_string_equal(text_of(&f, "extra", &o), "\"plain\"");
    assert_int_equal(o, PARAM_FROM_CLI);
    release(&f);
}

static void test_later_override_wins(void **state)
{
    (void)state;
    fixture_t f;
    const char *over[] = { "concurrency=1", "source=x", "concurrency=2" };
    assert_int_equal(resolve(&f, NULL, over, 3), MIG_OK);
    assert_string_equal(text_of(&f, "concurrency", NULL), "2");
    assert_string_equal(text_of(&f, "source", NULL), "\"x\"");
    release(&f);
}

/* ---- errors ------------------------------------------------------------- */

static void test_error_unknown_profile(void **state)
{
    (void)state;
    want_error("qa", NULL, "-: unknown profile 'qa' | the plan's "
                 "profiles are 'production', 'staging'");
    /* An abbreviation of 3 bytes or more is close enough; 2 is not. */
    want_error("prod", NULL, "-: unknown profile 'prod' | did you mean "
                 "'production'?");
    want_error("pr", NULL, "-: unknown profile 'pr' | the plan's "
                 "profiles are 'production', 'staging'");
    want_error("prodution", NULL, "-: unknown profile 'prodution' | did "
                 "you mean 'production'?");
    want_error("stagin", NULL, "-: unknown profile 'stagin' | did you "
                 "mean 'staging'?");
    want_error_in("migration \"n\" {\n  param a = 1\n}\n", "qa", NULL,
                    "-: unknown profile 'qa' | the plan has no profiles");
}

static void test_error_profile_sets_unknown_param(void **state)
{
    (void)state;
    want_error_in("migration \"u\" {\n  param concurrency = 4\n"
                    "  profile production { concurency = 8 }\n}\n",
                    "production", NULL,
                    "3:24: profile 'production' sets 'concurency', which "
                    "is not a parameter | did you mean 'concurrency'?");
    want_error_in("migration \"u\" {\n  param concurrency = 4\n"
                    "  profile production { zzz = 8 }\n}\n",
                    "production", NULL,
                    "3:24: profile 'production' sets 'zzz', which is not a "
                    "parameter");
}

static void test_error_profile_wrong_type(void **state)
{
    (void)state;
    want_error_in("migration \"t\" {\n  param concurrency = 8\n"
                    "  profile production { concurrency = \"32\" }\n}\n",
                    "production", NULL,
                    "3:38: profile 'production' sets 'concurrency' to a "
                    "string, but its default is a number");
    want_error_in("migration \"t\" {\n  param wait = 2s\n"
                    "  profile p { wait = null }\n}\n", "p", NULL,
                    "3:22: profile 'p' sets 'wait' to null, but its default "
                    "is a duration");
}

static void test_error_default_fails(void **state)
{
    (void)state;
    want_error_in("migration \"f\" {\n  param a = [1]\n"
                    "  param b = a[3]\n  param c = b\n}\n", NULL, NULL,
                    "3:15: index 3 is out of range for a list of 1 item | "
                    "valid indexes are 0 to 0, or -1 to -1 from the end");
}

static void test_error_no_equals(void **state)
{
    (void)state;
    want_error(NULL, "concurrency", "-: --param 'concurrency': expected "
                 "NAME=VALUE | give it a value: --param concurrency=VALUE");
    want_error(NULL, "x", "-: --param 'x': expected NAME=VALUE | for "
                 "example: --param source=VALUE");
    want_error(NULL, "", "-: --param '': expected NAME=VALUE | for "
                 "example: --param source=VALUE");
}

static void test_error_unknown_param(void **state)
{
    (void)state;
    want_error(NULL, "concurency=3", "-: --param 'concurency': the plan "
                 "has no parameter 'concurency' | did you mean "
                 "'concurrency'?");
    want_error(NULL, "zzzzzz=3", "-: --param 'zzzzzz': the plan has no "
                 "parameter 'zzzzzz' | its parameters are 'source', "
                 "'archive', 'concurrency', 'ratio', 'dry' and 4 more");
    want_error(NULL, "=3", "-: --param '': the plan has no parameter '' "
                 "| its parameters are 'source', 'archive', 'concurrency', "
                 "'ratio', 'dry' and 4 more");
    want_error_in("migration \"n\" {\n  param a = 1\n  param b = 2\n}\n",
                    NULL, "zzz=1", "-: --param 'zzz': the plan has no "
                    "parameter 'zzz' | its parameters are 'a', 'b'");
    want_error_in("migration \"n\" {\n}\n", NULL, "zzz=1", "-: --param "
                    "'zzz': the plan has no parameter 'zzz' | the plan has "
                    "no parameters");
}

static void test_error_not_a_number(void **state)
{
    (void)state;
    want_error(NULL, "concurrency=abc", "-: --param 'concurrency': "
                 "expected a number (the default is 4), found 'abc'");
    want_error(NULL, "concurrency=", "-: --param 'concurrency': expected "
                 "a number (the default is 4), found ''");
    want_error(NULL, "concurrency=\"4\"", "-: --param 'concurrency': "
                 "expected a number (the default is 4), found '\"4\"'");
    want_error(NULL, "concurrency=1e400", "-: --param 'concurrency': "
                 "expected a number (the default is 4), found '1e400'");
}

static void test_error_not_a_bool(void **state)
{
    (void)state;
    want_error(NULL, "dry=yes", "-: --param 'dry': expected a bool (the "
                 "default is false), found 'yes' | a bool is true or false");
    want_error(NULL, "dry=True", "-: --param 'dry': expected a bool (the "
                 "default is false), found 'True' | a bool is true or false");
}

static void test_error_not_a_duration(void **state)
{
    (void)state;
    const char *hint = " | a duration has a unit: 500ms, 30s, 1m30s, 2h";
    const char *bad[] = { "30", "1s1m", "1m1m", "5d", "\"30s\"" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char over[64], want[256];
        snprintf(over, sizeof over, "wait=%s", bad[i]);
        snprintf(want, sizeof want, "-: --param 'wait': expected a duration "
                 "(the default is 2s), found '%s'%s", bad[i], hint);
        want_error(NULL, over, want);
    }
}

static void test_error_not_a_list_or_map(void **state)
{
    (void)state;
    want_error(NULL, "tags=x", "-: --param 'tags': expected a list (the "
                 "default is [\"a\"]), found 'x' | write it as JSON or as in "
                 "a plan, quoted for the shell: --param 'tags=[\"a\", "
                 "\"b\"]'");
    want_error(NULL, "tags={}", "-: --param 'tags': expected a list (the "
                 "default is [\"a\"]), found '{}' | write it as JSON or as "
                 "in a plan, quoted for the shell: --param 'tags=[\"a\", "
                 "\"b\"]'");
    want_error(NULL, "limits=[1]", "-: --param 'limits': expected a map "
                 "(the default is {\"cpu\": 2}), found '[1]' | write it as "
                 "JSON or as in a plan, quoted for the shell: --param "
                 "'limits={\"key\": 1}'");
}

/* A value is a literal, read whole: never an expression to compute, and
 * nothing around it. */
static void test_error_not_a_literal(void **state)
{
    (void)state;
    const char *bad[] = {
        "1 + 2", "source", "len([1])", "-concurrency", "1 } stage x {",
        "1 # a comment", "1\nparam w = 2",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char over[64], want[256];
        snprintf(over, sizeof over, "concurrency=%s", bad[i]);
        snprintf(want, sizeof want, "-: --param 'concurrency': expected a "
                 "number (the default is 4), found '%s'",
                 i == 6 ? "1\\nparam w = 2" : bad[i]);
        want_error(NULL, over, want);
    }
}

static void test_error_invalid_utf8(void **state)
{
    (void)state;
    want_error(NULL, "source=a\xff", "-: --param 'source': expected a "
                 "string (the default is \"legacy\"), found 'a\\xff' | the "
                 "value is not valid UTF-8");
    want_error(NULL, "extra=\xc3", "-: --param 'extra': expected a string "
                 "(the default is null), found '\\xc3' | the value is not "
                 "valid UTF-8");
}

/* Long texts are cut in messages; control characters are escaped. */
static void test_error_text_is_cut(void **state)
{
    (void)state;
    char over[200] = "concurrency=";
    memset(over + strlen(over), 'x', 100);
    want_error(NULL, over, "-: --param 'concurrency': expected a number "
                 "(the default is 4), found 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
    want_error(NULL, "concurrency=a\tb\x01", "-: --param 'concurrency': "
                 "expected a number (the default is 4), found "
                 "'a\\tb\\x01'");
}

/* Past the defaults, every error is reported, not only the first. */
static void test_every_error_is_reported(void **state)
{
    (void)state;
    fixture_t f;
    const char *over[] = { "concurrency=x", "nope=1", "dry=true", "tags" };
    assert_int_equal(resolve(&f, "qa", over, 4), MIG_EINVALID);
    assert_null(f.p);
    assert_int_equal(f.diags.errors, 4);
    assert_string_equal(describe(&f, 0), "-: unknown profile 'qa' | the "
                        "plan's profiles are 'production', 'staging'");
    assert_string_equal(describe(&f, 1), "-: --param 'concurrency': "
                        "expected a number (the default is 4), found 'x'");
    assert_string_equal(describe(&f, 2), "-: --param 'nope': the plan has "
                        "no parameter 'nope' | its parameters are 'source', "
                        "'archive', 'concurrency', 'ratio', 'dry' and 4 more");
    assert_string_equal(describe(&f, 3), "-: --param 'tags': expected "
                        "NAME=VALUE | give it a value: --param tags=VALUE");
    release(&f);
}

/* ---- allocation failures ------------------------------------------------ */

/* Where glibc's allocator can be replaced (not under a sanitizer, which
 * has its own), the Nth allocation fails: every N must end in MIG_OK or
 * MIG_ENOMEM, and the blocks live afterwards must be those live before. */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define PARAMS_FAULTS 1
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static long fail_at = -1, n_allocs, n_live;

static bool fail_now(void)
{
    return fail_at >= 0 && n_allocs++ == fail_at;
}

void *malloc(size_t n)
{
    void *p = fail_now() ? NULL : __libc_malloc(n);
    n_live += p != NULL;
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = fail_now() ? NULL : __libc_calloc(n, size);
    n_live += p != NULL;
    return p;
}

void *realloc(void *old, size_t n)
{
    if (fail_now())
        return NULL;
    void *p = __libc_realloc(old, n);
    n_live += !old && p;
    return p;
}

void free(void *p)
{
    n_live -= p != NULL;
    __libc_free(p);
}

/* All diagnostics of F, one "describe" a line. */
static void all_diags(const fixture_t *f, char *out, size_t size)
{
    size_t n = 0;
    out[0] = 0;
    for (size_t i = 0; i < f->diags.len && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "%s\n", describe(f, i));
}
#endif

/* The values given here are all JSON: a value read as a plan literal goes
 * through the flex scanner, which exits when an allocation fails. A JSON
 * reader that takes its out-of-memory for bad input (jansson does, in its
 * lexer) must still give the result of a run without the failure. */
static void test_every_allocation_failure(void **state)
{
    (void)state;
#ifdef PARAMS_FAULTS
    const char *over[] = {
        "concurrency=5", "tags=[1, \"x\"]", "limits={\"a\": [true]}",
        "source=s", "nope=1", "dry", "dry=1", "extra=null",
    };
    static char clean[4096], got[4096];
    fixture_t f;
    assert_int_equal(resolve(&f, "production", over, 8), MIG_EINVALID);
    all_diags(&f, clean, sizeof clean);
    release(&f);
    bool finished = false;
    for (long n = 0; !finished; n++) {
        parse(&f, plan_text);
        long live = n_live;
        n_allocs = 0;
        fail_at = n;
        mig_status_t st = params_resolve(f.plan, f.src, "production", over,
                                         8, &f.diags, &f.p);
        fail_at = -1;
        finished = n_allocs <= n;
        assert_null(f.p);
        if (st != MIG_ENOMEM) {
            assert_int_equal(st, MIG_EINVALID);
            all_diags(&f, got, sizeof got);
            assert_string_equal(got, clean);
        }
        assert_true(st == MIG_EINVALID || !finished);
        diag_list_free(&f.diags);
        assert_int_equal(n_live, live);
        release(&f);
    }
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_of_every_type),
        cmocka_unit_test(test_default_sees_earlier_params),
        cmocka_unit_test(test_params_as_a_map),
        cmocka_unit_test(test_duplicate_param_keeps_the_first),
        cmocka_unit_test(test_origin_names),
        cmocka_unit_test(test_bind),
        cmocka_unit_test(test_profile_replaces_defaults),
        cmocka_unit_test(test_profile_sees_defaults),
        cmocka_unit_test(test_override_string_is_verbatim),
        cmocka_unit_test(test_override_number),
        cmocka_unit_test(test_override_number_beyond_2_53),
        cmocka_unit_test(test_override_bool),
        cmocka_unit_test(test_override_duration),
        cmocka_unit_test(test_override_list),
        cmocka_unit_test(test_override_map),
        cmocka_unit_test(test_override_null_default),
        cmocka_unit_test(test_override_beats_profile),
        cmocka_unit_test(test_later_override_wins),
        cmocka_unit_test(test_error_unknown_profile),
        cmocka_unit_test(test_error_profile_sets_unknown_param),
        cmocka_unit_test(test_error_profile_wrong_type),
        cmocka_unit_test(test_error_default_fails),
        cmocka_unit_test(test_error_no_equals),
        cmocka_unit_test(test_error_unknown_param),
        cmocka_unit_test(test_error_not_a_number),
        cmocka_unit_test(test_error_not_a_bool),
        cmocka_unit_test(test_error_not_a_duration),
        cmocka_unit_test(test_error_not_a_list_or_map),
        cmocka_unit_test(test_error_not_a_literal),
        cmocka_unit_test(test_error_invalid_utf8),
        cmocka_unit_test(test_error_text_is_cut),
        cmocka_unit_test(test_every_error_is_reported),
        cmocka_unit_test(test_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
