/* test_lua_lib.c: the mig library that Lua modules see (runtime/lua_lib.c,
 * lua_schema.c; docs/lua.md "The mig library"): JSON and YAML through
 * mig's readers and writers, mig.schema.validate keyword by keyword,
 * mig.params read-only, durations, mig.type, mig.error's class, place and
 * detail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_lua_fixture.h"

static const char *const RUN_MODULE =
    "local M = {}\n"
    "function M.run(a) return load(a[1])() end\n"
    "function M.helper_fails() local function fail(m) "
    "mig.error('Conflict', m, 2) end\n"
    "  fail('taken')\n"                            /* line 4 */
    "end\n"
    "return M\n";

static int setup(void **state)
{
    fx_t *f = malloc(sizeof *f);
    fx_init(f, NULL);
    assert_int_equal(fx_load(f, "x", "lib/x.lua", RUN_MODULE), MIG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_free(*state);
    free(*state);
    return 0;
}

static mig_status_t run(fx_t *f, const char *code, val_t **out)
{
    val_t *args = val_map_new(1);
    assert_int_equal(val_map_set_take(args, "1", 1, val_cstring(code)),
                     MIG_OK);
    mig_status_t st = fx_call(f, "x.run", args, out);
    val_unref(args);
    return st;
}

static void expect_gives(fx_t *f, const char *code, const char *text)
{
    val_t *out = NULL;
    if (run(f, code, &out) != MIG_OK)
        fail_msg("'%s' failed: %s", code, fx_error(f));
    assert_string_equal(fx_text(out), text);
    val_unref(out);
}

/* CODE fails; the first line of its message ends with TAIL. */
static void expect_fails(fx_t *f, const char *code, const char *cls,
                         const char *tail)
{
    val_t *out = NULL;
    assert_int_equal(run(f, code, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), cls);
    const char *m = fx_error(f);
    size_t n = strcspn(m, "\n"), t = strlen(tail);
    if (n < t || memcmp(m + n - t, tail, t) != 0)
        fail_msg("'%.*s' does not end with '%s'", (int)n, m, tail);
}

static void json(void **state)
{
    fx_t *f = *state;
    expect_gives(f, "return mig.json.encode({b = 1, a = {1.5, 'x', mig.null, "
                    "true}, e = mig.list(), m = mig.map()})",
                 "\"{\\\"a\\\":[1.5,\\\"x\\\",null,true],\\\"b\\\":1,"
                 "\\\"e\\\":[],\\\"m\\\":{}}\"");
    expect_gives(f, "return mig.json.encode({d = mig.duration(90000)})",
                 "\"{\\\"d\\\":\\\"1m30s\\\"}\"");
    expect_gives(f, "return mig.json.encode({'\\u{e9}'}, {ascii = true})",
                 "\"[\\\"\\\\u00e9\\\"]\"");
    expect_gives(f, "return mig.json.encode({k = 1}, {pretty = true})",
                 "\"{\\n  \\\"k\\\": 1\\n}\"");
    expect_gives(f, "local v = mig.json.decode('{\"a\": [], \"b\": {}, "
                    "\"c\": null, \"i\": 2, \"f\": 2.0}') "
                    "return {mig.type(v.a), mig.type(v.b), v.c == mig.null, "
                    "math.type(v.i), math.type(v.f)}",
                 "[\"list\", \"map\", true, \"integer\", \"float\"]");
    expect_fails(f, "return mig.json.decode('{\"a\": }')", "ScriptError",
                 "mig.json.decode: line 1, column 7: expected a value, "
                 "found '}'");
    expect_fails(f, "return mig.json.encode({f = print})", "ScriptError",
                 "mig.json.encode: argument #1 has no mig form: at .f: a "
                 "function, which has no mig form");
    /* A caught decode error leaks nothing (checked under ASan). */
    expect_gives(f, "return (pcall(mig.json.decode, '[1, 2'))", "false");
}

static void yaml(void **state)
{
    fx_t *f = *state;
    expect_gives(f, "return mig.yaml.encode({name = 'x', tags = {'a', 'b'}, "
                    "none = mig.list()})",
                 "\"name: x\\nnone: []\\ntags:\\n- a\\n- b\\n\"");
    expect_gives(f, "return mig.yaml.decode('a: 1\\nb: [x, y]\\nc: ~\\n')",
                 "{\"a\": 1, \"b\": [\"x\", \"y\"], \"c\": null}");
    val_t *out = NULL;
    assert_int_equal(run(f, "return mig.yaml.decode('a: [1, 2')", &out),
                     MIG_EINVALID);
    assert_non_null(strstr(fx_error(f), "mig.yaml.decode: line "));
}

/* Validates VALUE (Lua) against SCHEMA (Lua) and gives {ok, errors}. */
static void expect_valid(fx_t *f, const char *value, const char *schema,
                         const char *text)
{
    char code[1024];
    snprintf(code, sizeof code, "local ok, errors = mig.schema.validate(%s, "
             "%s) return {ok, errors}", value, schema);
    expect_gives(f, code, text);
}

static void schema(void **state)
{
    fx_t *f = *state;
    expect_valid(f, "{name = 'x'}", "{type = 'object'}", "[true, []]");
    expect_valid(f, "5", "{type = 'string'}",
                 "[false, [\"$: expected string, found integer\"]]");
    expect_valid(f, "5.0", "{type = 'integer'}", "[true, []]");
    expect_valid(f, "5.5", "{type = {'integer', 'null'}}",
                 "[false, [\"$: expected integer or null, found number\"]]");
    expect_valid(f, "mig.duration(5)", "{type = 'duration'}", "[true, []]");
    expect_valid(f, "{}", "{required = {'name', 'kind'}}",
                 "[false, [\"$: the property 'name' is required\", \"$: the "
                 "property 'kind' is required\"]]");
    expect_valid(f, "{name = 1, extra = true}",
                 "{properties = {name = {type = 'string'}}, "
                 "additionalProperties = false}",
                 "[false, [\"$: the property 'extra' is not allowed\", "
                 "\"$.name: expected string, found integer\"]]");
    expect_valid(f, "{a = 1, b = 'x'}",
                 "{additionalProperties = {type = 'number'}}",
                 "[false, [\"$.b: expected number, found string\"]]");
    expect_valid(f, "{tags = {'a', 2, 'c'}}",
                 "{properties = {tags = {type = 'array', items = "
                 "{type = 'string'}}}}",
                 "[false, [\"$.tags[2]: expected string, found integer\"]]");
    expect_valid(f, "'purple'", "{enum = {'red', 'green', 1}}",
                 "[false, [\"$: must be one of \\\"red\\\", \\\"green\\\", "
                 "1\"]]");
    expect_valid(f, "1.0", "{enum = {1}}", "[true, []]");  /* by value */
    expect_valid(f, "'1'", "{enum = {1}}", "[false, [\"$: must be one of "
                 "1\"]]");
    expect_valid(f, "0", "{minimum = 1, maximum = 10}",
                 "[false, [\"$: must be at least 1, found 0\"]]");
    expect_valid(f, "10.5", "{minimum = 1, maximum = 10}",
                 "[false, [\"$: must be at most 10, found 10.5\"]]");
    expect_valid(f, "'h\\u{e9}'", "{minLength = 3, maxLength = 3}",
                 "[false, [\"$: must be at least 3 characters long, found "
                 "2\"]]");
    expect_valid(f, "{['a b'] = 'toolong'}",
                 "{properties = {['a b'] = {maxLength = 3}}}",
                 "[false, [\"$[\\\"a b\\\"]: must be at most 3 characters "
                 "long, found 7\"]]");
    /* Keywords mig does not know are ignored, as JSON Schema does. */
    expect_valid(f, "'x'", "{type = 'string', format = 'email', "
                 "description = 'd'}", "[true, []]");
    /* A schema that is itself wrong is an error, not a violation. */
    expect_fails(f, "return mig.schema.validate(1, {type = 'text'})",
                 "ScriptError", "mig.schema.validate: the schema is not "
                 "valid: $: 'type' names an unknown type (the types are "
                 "null, boolean, integer, number, string, array, object "
                 "and duration)");
    expect_fails(f, "return mig.schema.validate({}, {required = 'name'})",
                 "ScriptError", "mig.schema.validate: the schema is not "
                 "valid: $: 'required' must be a list of names");
    expect_fails(f, "return mig.schema.validate({1}, {items = {{}, {}}})",
                 "ScriptError", "mig.schema.validate: the schema is not "
                 "valid: $: 'items' must be one schema (a table); lists of "
                 "schemas are not supported");
    expect_fails(f, "return mig.schema.validate('x', {minLength = -1})",
                 "ScriptError", "mig.schema.validate: the schema is not "
                 "valid: $: 'minLength' must be a whole number, 0 or more");
}

static void params(void **state)
{
    fx_t *f = *state;
    expect_gives(f, "local n = 0 for k in pairs(mig.params) do n = n + 1 end "
                    "return {n, mig.params.source == nil}", "[0, true]");
    val_t *p = fx_json("{\"source\": \"legacy\", \"limits\": {\"max\": 3}}");
    lua_bridge_set_params(f->b, p);
    val_unref(p);
    expect_gives(f, "local keys = {} for k, v in pairs(mig.params) do "
                    "keys[#keys + 1] = k end "
                    "return {keys, mig.params.source, mig.params.limits.max}",
                 "[[\"source\", \"limits\"], \"legacy\", 3]");
    /* A table read from it is a copy: changing it changes no parameter. */
    expect_gives(f, "mig.params.limits.max = 99 return mig.params.limits.max",
                 "3");
    expect_fails(f, "mig.params.source = 'x'", "ScriptError",
                 "mig.params is read-only");
    /* Nor can rawset write into it (issue 16). */
    expect_fails(f, "rawset(mig.params, 'source', 'x') return "
                    "mig.params.source ~= 'legacy' and error('changed')",
                 "ScriptError", "bad argument #1 to 'rawset' (table "
                 "expected, got userdata)");
    expect_gives(f, "return {mig.params.source, mig.type(mig.params), "
                    "getmetatable(mig.params)}",
                 "[\"legacy\", \"userdata\", \"mig.params\"]");
}

static void durations_and_types(void **state)
{
    fx_t *f = *state;
    expect_gives(f, "local d = mig.duration(1500) return {d.ms, tostring(d), "
                    "d == mig.duration(1500), d < mig.duration(2000), "
                    "-d, d - mig.duration(500)}",
                 "[1500, \"1s500ms\", true, true, -1s500ms, 1s]");
    expect_gives(f, "return {mig.type(nil), mig.type(mig.null), "
                    "mig.type(true), mig.type(1), mig.type('s'), "
                    "mig.type({}), mig.type({1}), mig.type(mig.list()), "
                    "mig.type(mig.map({})), mig.type(mig.duration(1)), "
                    "mig.type(print)}",
                 "[\"null\", \"null\", \"bool\", \"number\", \"string\", "
                 "\"map\", \"list\", \"list\", \"map\", \"duration\", "
                 "\"function\"]");
    expect_fails(f, "return mig.duration(1.5)", "ScriptError",
                 "bad argument #1 to 'duration' (number has no integer "
                 "representation)");
    expect_gives(f, "return mig.registry == nil", "true");
}

/* The text of detail key KEY of the last error, "" when absent. */
static const char *detail_str(fx_t *f, const char *key)
{
    val_t *v = val_map_get(actx_error_detail(f->ctx), key, strlen(key));
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : "";
}

/* An error raised with a class (mig.error) says the module's own words:
 * its Lua place and traceback are in the detail (where, traceback). */
static void errors(void **state)
{
    fx_t *f = *state;
    expect_fails(f, "mig.error('Conflict', 'already there')", "Conflict",
                 "already there");
    assert_string_equal(fx_error(f), "already there");
    assert_non_null(strstr(detail_str(f, "where"), ":1"));
    assert_non_null(strstr(detail_str(f, "traceback"), "stack traceback:"));
    expect_fails(f, "mig.error('not a class', 'x')", "ScriptError",
                 "mig.error: the class must be a name such as 'Conflict', "
                 "not 'not a class'");
    /* Level 2: the place of the helper's caller. */
    val_t *out;
    assert_int_equal(fx_call(f, "x.helper_fails", NULL, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "Conflict");
    assert_string_equal(fx_error(f), "taken");
    assert_string_equal(detail_str(f, "where"), "lib/x.lua:4");
    /* No detail but the place unless one is given. */
    expect_fails(f, "mig.error('Conflict', 'x')", "Conflict", "x");
    assert_int_equal(val_len(actx_error_detail(f->ctx)), 2);
}

/* The error's detail (a table after the message) reaches the strategies
 * as a mig value; a level may follow it; error{...} carries one too. */
static void error_details(void **state)
{
    fx_t *f = *state;
    static const struct {
        const char *code, *cls, *tail, *detail;
    } cases[] = {
        { "mig.error('MissingDependency', 'needs geo', "
          "{missing = {'geo', 'auth'}})", "MissingDependency",
          "needs geo", "{\"missing\":[\"geo\",\"auth\"]}" },
        { "mig.error('ParamMismatch', 'bad', {argument = 'params', "
          "schema = {type = 'object', required = mig.list()}}, 0)",
          "ParamMismatch", "bad",
          "{\"argument\":\"params\",\"schema\":{\"required\":[],"
          "\"type\":\"object\"}}" },
        { "error({class = 'InvalidConfig', message = 'no endpoint', "
          "detail = {argument = 'config'}})", "InvalidConfig",
          "no endpoint", "{\"argument\":\"config\"}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        expect_fails(f, cases[i].code, cases[i].cls, cases[i].tail);
        val_t *d = val_copy(actx_error_detail(f->ctx));
        assert_non_null(d);
        assert_true(val_map_delete(d, "where", 5));
        val_map_delete(d, "traceback", 9);
        strbuf_t b;
        strbuf_init(&b);
        assert_int_equal(val_to_json(d, &b, 0), MIG_OK);
        assert_string_equal(b.data, cases[i].detail);
        strbuf_free(&b);
        val_unref(d);
    }
    /* A detail with no mig form (a function) is left out. */
    expect_fails(f, "mig.error('Conflict', 'odd', {f = print})", "Conflict",
                 "odd");
    assert_null(val_map_get(actx_error_detail(f->ctx), "f", 1));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(json), T(yaml), T(schema), T(params), T(durations_and_types),
        T(errors), T(error_details),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
