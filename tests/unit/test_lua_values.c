/* test_lua_values.c: mig values through Lua and back (runtime/lua_values.c,
 * docs/lua.md "Values"). Every kind of value, and every edge the issue
 * names, makes the round trip through a Lua function that returns its
 * argument and comes back identical: same types (integers stay integers,
 * floats floats, empty lists lists), same bytes, same entries. Lua sees
 * each value as documented; and each Lua value that has no mig form is
 * refused with a message that says what and where. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "test_lua_fixture.h"

static const char *const ID_MODULE =
    "local M = {}\n"
    "function M.id(a) return a[1] end\n"
    "function M.run(a) return load(a[1])() end\n"
    "return M\n";

static int setup(void **state)
{
    fx_t *f = malloc(sizeof *f);
    fx_init(f, NULL);
    assert_int_equal(fx_load(f, "t", "lib/t.lua", ID_MODULE), MIG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_free(*state);
    free(*state);
    return 0;
}

/* A and B are the same value: same types all the way down (an integer is
 * not a float, -0.0 is not 0.0), same bytes, same entries. */
static void assert_identical(const val_t *a, const val_t *b)
{
    assert_int_equal(val_type(a), val_type(b));
    switch (val_type(a)) {
    case VAL_NULL:
        break;
    case VAL_BOOL:
        assert_int_equal(val_get_bool(a), val_get_bool(b));
        break;
    case VAL_NUMBER:
        assert_int_equal(val_is_int(a), val_is_int(b));
        if (val_is_int(a)) {
            assert_int_equal(val_get_int(a), val_get_int(b));
        } else {
            double x = val_get_number(a), y = val_get_number(b);
            assert_memory_equal(&x, &y, sizeof x);
        }
        break;
    case VAL_STRING: {
        size_t la, lb;
        const char *sa = val_get_str(a, &la), *sb = val_get_str(b, &lb);
        assert_int_equal(la, lb);
        assert_memory_equal(sa, sb, la);
        break;
    }
    case VAL_DURATION:
        assert_int_equal(val_get_ms(a), val_get_ms(b));
        break;
    case VAL_SECRET:            /* the same secret, not a copy */
        assert_ptr_equal(a, b);
        break;
    case VAL_LIST:
        assert_int_equal(val_len(a), val_len(b));
        for (size_t i = 0; i < val_len(a); i++)
            assert_identical(val_list_get(a, i), val_list_get(b, i));
        break;
    case VAL_MAP:
        assert_int_equal(val_len(a), val_len(b));
        for (size_t i = 0; i < val_len(a); i++) {
            size_t len;
            const char *k = val_get_str(val_map_key(a, i), &len);
            const val_t *other = val_map_get(b, k, len);
            assert_non_null(other);
            assert_identical(val_map_value(a, i), other);
        }
        break;
    }
    assert_true(val_equal(a, b));
}

/* Sends V (taken) to Lua and back, and checks it came back identical. */
static void round_trip(fx_t *f, val_t *v)
{
    assert_non_null(v);
    val_t *args = val_map_new(1);
    assert_int_equal(val_map_set(args, "1", 1, v), MIG_OK);
    val_t *out;
    mig_status_t st = fx_call(f, "t.id", args, &out);
    if (st != MIG_OK)
        fail_msg("%s: %s", fx_text(v), fx_error(f));
    assert_identical(v, out);
    val_unref(out);
    val_unref(args);
    val_unref(v);
}

static val_t *str(const char *s, size_t len)
{
    return val_string(s, len);
}

static void scalars(void **state)
{
    fx_t *f = *state;
    round_trip(f, val_null());
    round_trip(f, val_bool(true));
    round_trip(f, val_bool(false));
    round_trip(f, val_int(0));
    round_trip(f, val_int(-42));
    round_trip(f, val_int(VAL_INT_LIMIT));
    round_trip(f, val_int(-VAL_INT_LIMIT));
    round_trip(f, val_double(1.0));         /* a whole float stays a float */
    round_trip(f, val_double(-0.0));
    round_trip(f, val_double(0.1));
    round_trip(f, val_double(1e300));
    round_trip(f, val_double(5e-324));
    round_trip(f, val_double(-2.5));
    round_trip(f, val_duration(0));
    round_trip(f, val_duration(1500));
    round_trip(f, val_duration(-2000));
    round_trip(f, val_duration(INT64_C(86400000) * 365));
}

static void strings(void **state)
{
    fx_t *f = *state;
    round_trip(f, str("", 0));
    round_trip(f, str("plain", 5));
    round_trip(f, str("a\0b\0", 4));                 /* embedded NULs */
    round_trip(f, str("h\xc3\xa9llo \xe2\x9c\x93", 11)); /* é, ✓ */
    round_trip(f, str("\xf0\x9f\x90\x8d", 4));       /* 🐍, 4 bytes */
    round_trip(f, str("\xe6\x97\xa5\xe6\x9c\xac", 6)); /* 日本 */
    char big[70000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + i % 26);
    round_trip(f, str(big, sizeof big));
}

static void lists_and_maps(void **state)
{
    fx_t *f = *state;
    round_trip(f, val_list_new(0));                 /* empty list */
    round_trip(f, val_map_new(0));                  /* empty map */
    round_trip(f, fx_json("[[]]"));
    round_trip(f, fx_json("[{}]"));
    round_trip(f, fx_json("{\"a\": [], \"b\": {}}"));
    round_trip(f, fx_json("[1, 1.0, \"1\", null, true, [null], {\"x\": null}]"));
    val_t *keys = fx_json("{\"\": \"empty key\", \"caf\\u00e9\": 2, "
                          "\"1\": \"a numeral key\"}");
    assert_int_equal(val_map_set_take(keys, "k\0ey", 4, val_int(1)), MIG_OK);
    round_trip(f, keys);
    round_trip(f, fx_json("{\"name\": \"search\", \"tags\": [\"a\", \"b\"], "
                          "\"params\": [{\"name\": \"q\", \"required\": true}], "
                          "\"limits\": {\"max\": 10, \"ratio\": 0.5}}"));
    /* A list of nulls keeps its length: nil would end a Lua sequence. */
    round_trip(f, fx_json("[null, null, null]"));
    /* Durations inside containers. */
    val_t *l = val_list_new(2);
    assert_int_equal(val_list_push_take(l, val_duration(250)), MIG_OK);
    val_t *m = val_map_new(1);
    assert_int_equal(val_map_set_take(m, "timeout", 7, val_duration(30000)),
                     MIG_OK);
    assert_int_equal(val_list_push_take(l, m), MIG_OK);
    round_trip(f, l);
}

/* As deep as a value may nest (VAL_MAX_DEPTH, counting the map of
 * arguments it is passed in), there and back. */
static void deepest_value(void **state)
{
    fx_t *f = *state;
    val_t *inner = val_list_new(0);
    for (int i = 1; i < VAL_MAX_DEPTH - 1; i++) {
        val_t *outer = (i % 2) ? val_list_new(1) : val_map_new(1);
        mig_status_t st = val_type(outer) == VAL_LIST
            ? val_list_push_take(outer, inner)
            : val_map_set_take(outer, "k", 1, inner);
        assert_int_equal(st, MIG_OK);
        inner = outer;
    }
    round_trip(f, inner);
}

/* Runs CODE (a chunk's text) in the module and returns what it gives. */
static mig_status_t run(fx_t *f, const char *code, val_t **out)
{
    val_t *args = val_map_new(1);
    assert_int_equal(val_map_set_take(args, "1", 1, val_cstring(code)),
                     MIG_OK);
    mig_status_t st = fx_call(f, "t.run", args, out);
    val_unref(args);
    return st;
}

static void expect_run(fx_t *f, const char *code, const char *text)
{
    val_t *out;
    if (run(f, code, &out) != MIG_OK)
        fail_msg("%s: %s", code, fx_error(f));
    assert_string_equal(fx_text(out), text);
    val_unref(out);
}

/* What Lua sees of each kind of value. */
static void seen_from_lua(void **state)
{
    fx_t *f = *state;
    fx_file(f, "lib/see.lua",
            "return { see = function(a)\n"
            "  return { math.type(a.i), math.type(a.f), mig.type(a.l),\n"
            "    mig.type(a.el), mig.type(a.m), mig.type(a.em),\n"
            "    a.n == mig.null, mig.type(a.n), mig.type(a.d), a.d.ms,\n"
            "    tostring(a.d), #a.s, a.l[1], #a.l, a[1], a[2],\n"
            "    getmetatable(a) == nil, a.i // 1 }\n"
            "end }\n");
    assert_int_equal(lua_bridge_load(f->b, "see", "lib/see.lua", f->r,
                                     &f->diags), MIG_OK);
    val_t *args = fx_json("{\"i\": 3, \"f\": 3.0, \"l\": [\"x\", \"y\"], "
                          "\"el\": [], \"m\": {\"k\": 1}, \"em\": {}, "
                          "\"n\": null, \"s\": \"h\\u00e9\\u0000\", "
                          "\"1\": \"first\", \"2\": \"second\"}");
    assert_int_equal(val_map_set_take(args, "d", 1, val_duration(90000)),
                     MIG_OK);
    val_t *out;
    assert_int_equal(fx_call(f, "see.see", args, &out), MIG_OK);
    assert_string_equal(fx_text(out),
                        "[\"integer\", \"float\", \"list\", \"list\", \"map\", "
                        "\"map\", true, \"null\", \"duration\", 90000, "
                        "\"1m30s\", 4, \"x\", 2, \"first\", \"second\", true, "
                        "3]");
    val_unref(out);
    val_unref(args);
}

/* Lua values made in Lua, as mig gets them. */
static void made_in_lua(void **state)
{
    fx_t *f = *state;
    expect_run(f, "return nil", "null");
    expect_run(f, "return mig.null", "null");
    expect_run(f, "return {}", "{}");                   /* unmarked: a map */
    expect_run(f, "return mig.list()", "[]");
    expect_run(f, "return mig.map()", "{}");
    expect_run(f, "return mig.list{1, 2}", "[1, 2]");
    expect_run(f, "return {1, 2.5, 'x'}", "[1, 2.5, \"x\"]");
    expect_run(f, "return {3, 2, 1}", "[3, 2, 1]");
    /* Keys come back in byte order, whatever order Lua keeps them in. */
    expect_run(f, "return {b = 1, a = 2, c = {z = 1, y = 2}}",
               "{\"a\": 2, \"b\": 1, \"c\": {\"y\": 2, \"z\": 1}}");
    expect_run(f, "local t = {} t[3] = 'c' t[1] = 'a' t[2] = 'b' return t",
               "[\"a\", \"b\", \"c\"]");
    expect_run(f, "return {x = mig.null}", "{\"x\": null}");
    expect_run(f, "return mig.duration(1500)", "1s500ms");
    expect_run(f, "return mig.duration(1000) + mig.duration(500)", "1s500ms");
    expect_run(f, "return 2^53", "9007199254740992.0");
    expect_run(f, "return math.tointeger(2^53)", "9007199254740992");
    expect_run(f, "return 'a\\0b'", "\"a\\u0000b\"");
    /* A table with a metatable of its own is read raw: no __index, no
     * __pairs of the module's runs. */
    expect_run(f, "return setmetatable({a = 1}, {__index = function() "
                  "error('ran') end, __pairs = function() error('ran') end})",
               "{\"a\": 1}");
    /* The same table twice is no cycle. */
    expect_run(f, "local t = {1} return {t, t}", "[[1], [1]]");
}

static void expect_refused(fx_t *f, const char *code, const char *message)
{
    val_t *out = NULL;
    assert_int_equal(run(f, code, &out), MIG_EINVALID);
    assert_null(out);
    assert_string_equal(actx_error_class(f->ctx), "ScriptError");
    assert_string_equal(fx_error(f), message);
}

static void refused(void **state)
{
    fx_t *f = *state;
    const char *pre = "t.run returned a value that mig cannot hold: ";
    char want[512];
#define REFUSED(code, why)                                                  \
    snprintf(want, sizeof want, "%s%s", pre, why);                           \
    expect_refused(f, code, want)
    REFUSED("local t = {} t.self = t return t",
            "at .self: a table that contains itself (a cycle)");
    REFUSED("local t = {a = {}} t.a.b = {t} return t",
            "at .a.b[1]: a table that contains itself (a cycle)");
    REFUSED("local t = {} local x = t for i = 1, 1001 do x[1] = {} "
            "x = x[1] end return t",
            "at [1][1][1][1][1][1][1][1]...[1][1][1][1][1][1][1][1]"
            ": nested too deeply: more than 1000 levels of lists and maps");
    REFUSED("return {ok = true, run = print}",
            "at .run: a function, which has no mig form");
    REFUSED("return {co = coroutine.create(print)}",
            "at .co: a thread, which has no mig form");
    REFUSED("return {name = 'caf\\xe9'}",
            "at .name: a string that is not valid UTF-8");
    REFUSED("return {['\\xff'] = 1}", "a key that is not valid UTF-8");
    REFUSED("return {n = math.maxinteger}",
            "at .n: the integer 9223372036854775807 is beyond what mig holds "
            "exactly (2^53); use a float or a string");
    REFUSED("return {x = 0/0}", "at .x: NaN, which is not a number mig holds");
    REFUSED("return {x = 1/0}", "at .x: inf, which is not a number mig holds");
    REFUSED("return {1, 2, name = 'x'}",
            "a table with both list items (integer keys) and map keys "
            "(strings)");
    REFUSED("local t = {1, 2, 3} t[2] = nil return {items = t}",
            "at .items: a list with a hole: it has no item 2 (a list's keys "
            "are 1..N)");
    REFUSED("return {[0] = 'zero'}",
            "a list with the key 0 (a list's keys are 1..N)");
    REFUSED("return {[1.5] = 'x'}", "a table with the float key 1.5");
    REFUSED("return {[true] = 'x'}",
            "a table with a key of type boolean; keys are strings (maps) or "
            "1..N (lists)");
    REFUSED("return mig.list{a = 1}",
            "a list (mig.list) with a string key 'a'");
    REFUSED("return mig.map{1}",
            "a map with an integer key (it is marked mig.map); a map's keys "
            "are strings");
    REFUSED("return {['a b'] = {print}}",
            "at [\"a b\"][1]: a function, which has no mig form");
#undef REFUSED
}

/* Positional and named arguments as action_bind_args binds them for a
 * Lua function's row (its args NULL). */
static void arguments(void **state)
{
    fx_t *f = *state;
    fx_file(f, "lib/args.lua",
            "return { show = function(a)\n"
            "  local keys = {}\n"
            "  for k in pairs(a) do keys[#keys + 1] = math.type(k) or k end\n"
            "  table.sort(keys)\n"
            "  return { keys = keys, first = a[1], second = a[2],\n"
            "           name = a.name }\n"
            "end }\n");
    assert_int_equal(lua_bridge_load(f->b, "args", "lib/args.lua", f->r,
                                     &f->diags), MIG_OK);
    src_t *src = src_from_memory("<args>", "x", 1);
    ast_node_t *call = calloc(1, sizeof *call);
    ast_arg_t items[3] = {
        { .name = { .name = NULL } },
        { .name = { .name = "name" } },
        { .name = { .name = NULL } },
    };
    call->kind = AST_CALL;
    call->u.call.args.items = items;
    call->u.call.args.len = 3;
    val_t *values[3] = { val_cstring("one"), val_int(7), val_cstring("two") };
    val_t *bound;
    assert_int_equal(action_bind_args(NULL, "args.show", NULL, call, values,
                                      src, &f->diags, &bound), MIG_OK);
    assert_string_equal(fx_text(bound),
                        "{\"1\": \"one\", \"name\": 7, \"2\": \"two\"}");
    val_t *out;
    assert_int_equal(fx_call(f, "args.show", bound, &out), MIG_OK);
    assert_string_equal(fx_text(out),
                        "{\"first\": \"one\", \"keys\": [\"integer\", "
                        "\"integer\", \"name\"], \"name\": 7, \"second\": "
                        "\"two\"}");
    val_unref(out);
    val_unref(bound);
    /* A name given twice is an error at its place. */
    items[2].name.name = "name";
    size_t errors = f->diags.errors;
    assert_int_equal(action_bind_args(NULL, "args.show", NULL, call, values,
                                      src, &f->diags, &bound), MIG_EINVALID);
    assert_int_equal(f->diags.errors, errors + 1);
    assert_string_equal(fx_last_diag(f),
                        "argument 'name' of args.show is given twice");
    for (int i = 0; i < 3; i++)
        val_unref(values[i]);
    free(call);
    src_free(src);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(scalars), T(strings), T(lists_and_maps), T(deepest_value),
        T(seen_from_lua), T(made_in_lua), T(refused), T(arguments),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
