/* test_lua_sandbox.c: the sandbox and the limits of the Lua bridge
 * (runtime/lua_sandbox.c, lua_call.c; docs/lua.md "Sandbox and limits").
 * Escape attempts that must all fail; each limit hit, with the message
 * that names it and the Lua line; modules and bridges that share nothing;
 * errors with their Lua file:line and traceback; recovery hooks returning
 * each decision, and malformed ones; and what loading a module reports. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_lua_fixture.h"

#define INSTRUCTIONS 200000u
#define MEMORY ((size_t)4 << 20)

/* A module that runs the code it is given, in its own state. */
static const char *const RUN_MODULE =
    "local M = {}\n"
    "function M.run(a) return load(a[1])() end\n"
    "return M\n";

static int setup(void **state)
{
    fx_t *f = malloc(sizeof *f);
    static const char *const classes[] = { "SchemaDrift" };
    lua_bridge_config_t cfg = { .instructions = INSTRUCTIONS,
                                .memory = MEMORY, .seed = 42,
                                .classes = classes, .n_classes = 1 };
    fx_init(f, &cfg);
    assert_int_equal(fx_load(f, "x", "adapters/x.lua", RUN_MODULE), MIG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_free(*state);
    free(*state);
    return 0;
}

/* Runs CODE in module x; *OUT gets the result. */
static mig_status_t run(fx_t *f, const char *code, val_t **out)
{
    val_t *args = val_map_new(1);
    assert_int_equal(val_map_set_take(args, "1", 1, val_cstring(code)),
                     MIG_OK);
    mig_status_t st = fx_call(f, "x.run", args, out);
    val_unref(args);
    return st;
}

/* The name Lua gives a chunk loaded from the string CODE. */
static const char *chunk_name(const char *code)
{
    static char name[128];
    size_t n = strcspn(code, "\n");
    bool cut = code[n] != '\0' || n >= 45;
    snprintf(name, sizeof name, "[string \"%.*s%s\"]", (int)(n > 45 ? 45 : n),
             code, cut ? "..." : "");
    return name;
}

/* The first line of the last error. */
static const char *first_line(const fx_t *f)
{
    static char line[1024];
    const char *m = fx_error(f);
    size_t n = strcspn(m, "\n");
    snprintf(line, sizeof line, "%.*s", (int)n, m);
    return line;
}

/* CODE must fail with a ScriptError whose first line is MESSAGE. */
static void expect_fails(fx_t *f, const char *code, const char *message)
{
    val_t *out = NULL;
    mig_status_t st = run(f, code, &out);
    if (st == MIG_OK)
        fail_msg("'%s' ran and gave %s", code, fx_text(out));
    assert_int_equal(st, MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "ScriptError");
    assert_string_equal(first_line(f), message);
}

/* CODE must run and give TEXT. */
static void expect_gives(fx_t *f, const char *code, const char *text)
{
    val_t *out = NULL;
    if (run(f, code, &out) != MIG_OK)
        fail_msg("'%s' failed: %s", code, fx_error(f));
    assert_string_equal(fx_text(out), text);
    val_unref(out);
}

/* ---- escapes ----------------------------------------------------------- */

static void no_os_io_debug_package(void **state)
{
    fx_t *f = *state;
    expect_fails(f, "os.execute('touch /tmp/mig-lua-escaped')",
                 "[string \"os.execute('touch /tmp/mig-lua-escaped')\"]:1: "
                 "attempt to index a nil value (global 'os')");
    assert_int_equal(access("/tmp/mig-lua-escaped", F_OK), -1);
    expect_fails(f, "return io.open('/etc/passwd'):read('a')",
                 "[string \"return io.open('/etc/passwd'):read('a')\"]:1: "
                 "attempt to index a nil value (global 'io')");
    expect_fails(f, "debug.sethook()",
                 "[string \"debug.sethook()\"]:1: attempt to index a nil "
                 "value (global 'debug')");
    expect_fails(f, "return debug.getregistry()",
                 "[string \"return debug.getregistry()\"]:1: attempt to "
                 "index a nil value (global 'debug')");
    expect_fails(f, "return package.loadlib('libc.so.6', 'system')",
                 "[string \"return package.loadlib('libc.so.6', 'system')"
                 "...\"]:1: attempt to index a nil value (global 'package')");
    expect_fails(f, "return require 'io'",
                 "[string \"return require 'io'\"]:1: attempt to call a nil "
                 "value (global 'require')");
    expect_fails(f, "return dofile('/etc/passwd')",
                 "[string \"return dofile('/etc/passwd')\"]:1: attempt to "
                 "call a nil value (global 'dofile')");
    expect_fails(f, "return loadfile('/etc/passwd')",
                 "[string \"return loadfile('/etc/passwd')\"]:1: attempt to "
                 "call a nil value (global 'loadfile')");
    /* Not hidden under another name either. */
    expect_gives(f, "return {_G['o'..'s'] == nil, _G['i'..'o'] == nil, "
                    "rawget(_G, 'debug') == nil, rawget(_G, 'package') == nil}",
                 "[true, true, true, true]");
}

static void no_bytecode(void **state)
{
    fx_t *f = *state;
    expect_fails(f, "return load(string.dump(print))",
                 "[string \"return load(string.dump(print))\"]:1: attempt to "
                 "call a nil value (field 'dump')");
    /* A hand-made binary chunk is refused by load... */
    expect_gives(f, "local fn, err = load('\\27LuaT\\0\\25\\147\\r\\n\\26\\n') "
                    "return {fn == nil, err}",
                 "[true, \"attempt to load a binary chunk (mode is 't')\"]");
    /* ... whatever mode is asked for, and through a reader function. */
    expect_fails(f, "return load('\\27Lua', 'x', 'b')",
                 "[string \"return load('\\27Lua', 'x', 'b')\"]:1: load: "
                 "binary chunks are not allowed in mig's sandbox (mode 'b')");
    expect_gives(f, "local parts = {'\\27Lua', 'T'} local i = 0 "
                    "local fn, err = load(function() i = i + 1 return "
                    "parts[i] end) return {fn == nil, err}",
                 "[true, \"attempt to load a binary chunk (mode is 't')\"]");
    /* Text still loads, with the environment given. */
    expect_gives(f, "return load('return x', 'chunk', 't', {x = 5})()", "5");
}

static void no_collectgarbage_abuse(void **state)
{
    fx_t *f = *state;
    expect_fails(f, "collectgarbage('stop')",
                 "[string \"collectgarbage('stop')\"]:1: collectgarbage("
                 "'stop') is not allowed in mig's sandbox; only 'count' and "
                 "'collect' are");
    expect_fails(f, "collectgarbage('generational')",
                 "[string \"collectgarbage('generational')\"]:1: "
                 "collectgarbage('generational') is not allowed in mig's "
                 "sandbox; only 'count' and 'collect' are");
    expect_fails(f, "collectgarbage('incremental', 1000, 1000)",
                 "[string \"collectgarbage('incremental', 1000, 1000)\"]:1: "
                 "collectgarbage('incremental') is not allowed in mig's "
                 "sandbox; only 'count' and 'collect' are");
    expect_gives(f, "return {math.type(collectgarbage('count')), "
                    "collectgarbage()}", "[\"float\", 0]");
}

/* The metatable that all strings share cannot be reached, so no module
 * can change how strings behave, for itself, other modules or mig. */
static void string_metatable_locked(void **state)
{
    fx_t *f = *state;
    assert_int_equal(fx_load(f, "y", "adapters/y.lua",
                             "return { up = function(a) "
                             "return ('x'):upper() .. a[1]:rep(2) end }\n"),
                     MIG_OK);
    expect_fails(f, "getmetatable('').__index = function() return "
                    "function() return 'pwned' end end",
                 "[string \"getmetatable('').__index = function() return "
                 "...\"]:1: attempt to index a boolean value");
    expect_gives(f, "return getmetatable('')", "false");
    expect_fails(f, "return setmetatable('', {})",
                 "[string \"return setmetatable('', {})\"]:1: bad argument "
                 "#1 to 'setmetatable' (table expected, got string)");
    /* Changing the string library itself stays in the module. */
    expect_gives(f, "string.upper = function() return 'pwned' end "
                    "return ('a'):upper()", "\"pwned\"");
    val_t *args = fx_json("{\"1\": \"ab\"}"), *out;
    assert_int_equal(fx_call(f, "y.up", args, &out), MIG_OK);
    assert_string_equal(fx_text(out), "\"Xabab\"");
    val_unref(out);
    val_unref(args);
    /* mig's own values keep their metatables. */
    expect_gives(f, "return {getmetatable(mig.null), "
                    "getmetatable(mig.duration(1))}",
                 "[\"mig.null\", \"mig.duration\"]");
    expect_fails(f, "mig.params.x = 1",
                 "[string \"mig.params.x = 1\"]:1: mig.params is read-only");
}

/* Each module has its own state: its globals, even set with rawset on
 * _G, are not another module's. A module's globals last across its own
 * calls (its state is reused). */
static void modules_share_nothing(void **state)
{
    fx_t *f = *state;
    assert_int_equal(fx_load(f, "y", "adapters/y.lua",
                             "return { peek = function() return "
                             "{shared == nil, rawget(_G, 'planted') == nil, "
                             "math.pi == 3.141592653589793} end }\n"),
                     MIG_OK);
    expect_gives(f, "shared = 1 rawset(_G, 'planted', true) math.pi = 3 "
                    "setmetatable(_G, {__index = function() return 1 end}) "
                    "return shared", "1");
    expect_gives(f, "return {shared, planted, math.pi}", "[1, true, 3]");
    val_t *out;
    assert_int_equal(fx_call(f, "y.peek", NULL, &out), MIG_OK);
    assert_string_equal(fx_text(out), "[true, true, true]");
    val_unref(out);
}

/* Two bridges (two runs) loading the same file share nothing either. */
static void bridges_share_nothing(void **state)
{
    fx_t *f = *state;
    expect_gives(f, "leaked = 'from run 1' return leaked", "\"from run 1\"");
    fx_t g;
    fx_init(&g, NULL);
    assert_int_equal(fx_load(&g, "x", "adapters/x.lua", RUN_MODULE), MIG_OK);
    val_t *args = fx_json("{\"1\": \"return leaked == nil\"}"), *out;
    assert_int_equal(fx_call(&g, "x.run", args, &out), MIG_OK);
    assert_string_equal(fx_text(out), "true");
    val_unref(out);
    val_unref(args);
    fx_free(&g);
}

/* ---- limits -------------------------------------------------------------- */

static void instruction_limit(void **state)
{
    fx_t *f = *state;
    char want[512];
    snprintf(want, sizeof want, "instruction limit (%u) reached in "
             "[string \"while true do end\"]:1", INSTRUCTIONS);
    expect_fails(f, "while true do end", want);
    /* In the module's own file, with the traceback down to the call. */
    assert_int_equal(fx_load(f, "spin", "adapters/spin.lua",
                             "local M = {}\n"
                             "local function forever()\n"
                             "  local n = 0\n"
                             "  while true do n = n + 1 end\n"
                             "end\n"
                             "function M.go() forever() end\n"
                             "return M\n"), MIG_OK);
    val_t *out;
    assert_int_equal(fx_call(f, "spin.go", NULL, &out), MIG_EINVALID);
    snprintf(want, sizeof want, "instruction limit (%u) reached in "
             "adapters/spin.lua:4\nstack traceback:\n"
             "\tadapters/spin.lua:4: in upvalue 'forever'\n"
             "\tadapters/spin.lua:6: in function 'spin.go'", INSTRUCTIONS);
    assert_string_equal(fx_error(f), want);
    /* A pcall cannot catch the limit and go on... */
    snprintf(want, sizeof want, "instruction limit (%u) reached in "
             "[string \"while true do pcall(function() while true do "
             "...\"]:1", INSTRUCTIONS);
    expect_fails(f, "while true do pcall(function() while true do end end) "
                    "end", want);
    /* ... nor a coroutine, or many short-lived ones. */
    snprintf(want, sizeof want, "instruction limit (%u) reached in "
             "[string \"coroutine.wrap(function() while true do end e..."
             "\"]:1", INSTRUCTIONS);
    expect_fails(f, "coroutine.wrap(function() while true do end end)()",
                 want);
    val_t *o = NULL;
    assert_int_equal(run(f, "while true do coroutine.wrap(function() "
                            "for i = 1, 50 do end end)() end", &o),
                     MIG_EINVALID);
    assert_non_null(strstr(fx_error(f), "instruction limit ("));
    /* The limit is per call: the module works again afterwards. */
    expect_gives(f, "local n = 0 for i = 1, 1000 do n = n + i end return n",
                 "500500");
}

/* With 1 MiB for the module and the default instruction limit, each
 * bomb meets the memory limit first. */
static void memory_limit(void **state)
{
    (void)state;
    fx_t g, *f = &g;
    lua_bridge_config_t cfg = { .memory = (size_t)1 << 20 };
    fx_init(f, &cfg);
    assert_int_equal(fx_load(f, "x", "adapters/x.lua", RUN_MODULE), MIG_OK);
    static const char *const bombs[] = {
        "return string.rep('x', 1 << 30)",
        "local t = {} for i = 1, 1e9 do t[i] = i end",
        "local t = {} for i = 1, 1e9 do t['k' .. i] = true end",
        "local s = 'x' while true do s = s .. s end",
        "local t = {} while true do t[#t + 1] = {} end",
        "return table.concat({string.rep('y', 600000), "
        "string.rep('z', 600000)})",
    };
    for (size_t i = 0; i < sizeof bombs / sizeof *bombs; i++) {
        char want[512];
        snprintf(want, sizeof want, "memory limit (1048576 bytes) reached in "
                 "%s:1", chunk_name(bombs[i]));
        expect_fails(f, bombs[i], want);
    }
    /* Memory that the module refuses itself (pcall) is no limit hit. */
    expect_gives(f, "return (pcall(string.rep, 'x', 1 << 30))", "false");
    /* The state is still usable. */
    expect_gives(f, "return #string.rep('ab', 1000)", "2000");
    fx_free(f);
}

/* Lua runs finalizers (__gc) with hooks off, where no limit could stop
 * one: a module cannot make one. A __gc added to a metatable afterwards
 * does not make a finalizer, so closing the state still comes back. */
static void no_finalizers(void **state)
{
    fx_t *f = *state;
    const char *gc = "setmetatable({}, {__gc = function() while true do "
                     "end end})";
    char want[256];
    snprintf(want, sizeof want, "%s:1: setmetatable: a __gc metamethod is "
             "not allowed in mig's sandbox (the limits cannot stop a "
             "finalizer)", chunk_name(gc));
    expect_fails(f, gc, want);
    expect_gives(f, "local mt = {} kept = setmetatable({}, mt) "
                    "mt.__gc = function() while true do end end "
                    "collectgarbage() return 2", "2");
    expect_gives(f, "return getmetatable(setmetatable({}, {__index = {a = 1}})"
                    ").__index.a", "1");
}

static void seeded_random(void **state)
{
    fx_t *f = *state;
    const char *draw = "return {math.random(1000000), math.random(1000000)}";
    val_t *a, *b;
    assert_int_equal(run(f, "math.randomseed() " "return {math.random(1000000),"
                            " math.random(1000000)}", &a), MIG_OK);
    assert_int_equal(run(f, "math.randomseed() " "return {math.random(1000000),"
                            " math.random(1000000)}", &b), MIG_OK);
    assert_true(val_equal(a, b));       /* no seed: the bridge's, not time */
    fx_t g;
    lua_bridge_config_t cfg = { .seed = 42 };
    fx_init(&g, &cfg);
    assert_int_equal(fx_load(&g, "x", "adapters/x.lua", RUN_MODULE), MIG_OK);
    val_t *args = val_map_new(1), *c;
    assert_int_equal(val_map_set_take(args, "1", 1, val_cstring(draw)),
                     MIG_OK);
    assert_int_equal(fx_call(&g, "x.run", args, &c), MIG_OK);
    assert_true(val_equal(a, c));       /* same seed, same draws */
    lua_bridge_set_seed(g.b, 43);
    val_t *d;
    assert_int_equal(fx_call(&g, "x.run", args, &d), MIG_OK);
    assert_false(val_equal(c, d));
    val_unref(a);
    val_unref(b);
    val_unref(c);
    val_unref(d);
    val_unref(args);
    fx_free(&g);
}

/* print and mig.log go to the bridge's log function, never to stdout. */
typedef struct logged {
    char text[512];
} logged_t;

static void log_to(void *data, const char *level, const char *module,
                   const char *where, const char *message)
{
    logged_t *l = data;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s %s %s %s;", level, module,
             where, message);
}

static void logging(void **state)
{
    fx_t *f = *state;
    expect_gives(f, "print('dropped without a log function') return 1", "1");
    logged_t l = { "" };
    lua_bridge_set_log(f->b, log_to, &l);
    expect_gives(f, "print('hello', 1, {a = true})\n"
                    "mig.log.warn('careful')\nmig.log.error(mig.null, 2.5, "
                    "mig.list())\nreturn 0", "0");
    assert_string_equal(l.text,
                        "info x [string \"print('hello', 1, {a = true})...\"]"
                        ":1 hello 1 {\"a\":true};"
                        "warn x [string \"print('hello', 1, {a = true})...\"]"
                        ":2 careful;"
                        "error x [string \"print('hello', 1, {a = true})...\"]"
                        ":3 null 2.5 [];");
}

/* ---- errors ---------------------------------------------------------------- */

static const char *const FAILING =
    "local M = {}\n"                                            /* 1 */
    "local function check(t)\n"                                 /* 2 */
    "  return t.name:upper()\n"                                 /* 3 */
    "end\n"                                                     /* 4 */
    "function M.nil_field(a) local r = check(a) return r end\n" /* 5 */
    "function M.raise(a) error('no tool named ' .. a[1]) end\n" /* 6 */
    "function M.classed(a)\n"                                   /* 7 */
    "  mig.error('Conflict', 'already there: ' .. a[1])\n"      /* 8 */
    "end\n"                                                     /* 9 */
    "function M.table_error()\n"                                /* 10 */
    "  error({class = 'SchemaDrift', message = 'dims differ'})\n" /* 11 */
    "end\n"                                                     /* 12 */
    "function M.bad_class() error({class = 'not a name'}) end\n" /* 13 */
    "M.VERSION = '1.0'\n"                                       /* 14 */
    "return M\n";

static void lua_errors(void **state)
{
    fx_t *f = *state;
    assert_int_equal(fx_load(f, "e", "adapters/e.lua", FAILING), MIG_OK);
    val_t *args = fx_json("{\"1\": \"search\"}"), *out;
    assert_int_equal(fx_call(f, "e.nil_field", args, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "ScriptError");
    assert_string_equal(fx_error(f),
                        "adapters/e.lua:3: attempt to index a nil value "
                        "(field 'name')\nstack traceback:\n"
                        "\tadapters/e.lua:3: in upvalue 'check'\n"
                        "\tadapters/e.lua:5: in function 'e.nil_field'");
    assert_int_equal(fx_call(f, "e.raise", args, &out), MIG_EINVALID);
    assert_string_equal(fx_error(f),
                        "adapters/e.lua:6: no tool named search\nstack "
                        "traceback:\n\tadapters/e.lua:6: in function "
                        "'e.raise'");
    assert_int_equal(fx_call(f, "e.classed", args, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "Conflict");
    /* The module's words; its place and traceback in the detail. */
    assert_string_equal(fx_error(f), "already there: search");
    val_t *d = actx_error_detail(f->ctx);
    assert_string_equal(val_get_str(val_map_get(d, "where", 5), NULL),
                        "adapters/e.lua:8");
    assert_string_equal(val_get_str(val_map_get(d, "traceback", 9), NULL),
                        "stack traceback:\n\tadapters/e.lua:8: in function "
                        "'e.classed'");
    assert_int_equal(fx_call(f, "e.table_error", args, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "SchemaDrift");
    assert_string_equal(first_line(f), "dims differ");
    assert_int_equal(fx_call(f, "e.bad_class", args, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "ScriptError");
    assert_string_equal(first_line(f), "adapters/e.lua:13: (an error of "
                        "class 'not a name', which is not a name) (an error "
                        "table without a message)");
    /* A field that is not a function has a row that cannot be called. */
    const action_t *row = action_find(f->r, "e.VERSION");
    assert_non_null(row);
    assert_int_equal(row->result, 0);
    assert_string_equal(row->doc, "the module's field 'VERSION' is a string, "
                        "not a function");
    assert_int_equal(fx_call(f, "e.VERSION", args, &out), MIG_EINVALID);
    assert_string_equal(fx_error(f), "e.VERSION cannot be called: the "
                        "module's field 'VERSION' is a string, not a "
                        "function");
    assert_false(lua_bridge_has(f->b, "e.VERSION"));
    assert_true(lua_bridge_has(f->b, "e.raise"));
    val_unref(args);
}

/* ---- recovery hooks ---------------------------------------------------------- */

static const char *const HOOKS =
    "local M = {}\n"
    "function M.echo(a)\n"
    "  return {decision = 'retry', input = {class = a.err.class,\n"
    "    attempt = a.err.attempt, item = a.item, node = a.err.node,\n"
    "    input = a.err.input}}\n"
    "end\n"
    "function M.decide(a) return a.item end\n"
    "function M.raise(a) error('the hook broke') end\n"
    "return M\n";

static void hooks(void **state)
{
    fx_t *f = *state;
    assert_int_equal(fx_load(f, "h", "adapters/h.lua", HOOKS), MIG_OK);
    val_t *err = fx_json("{\"class\": \"ParamMismatch\", \"message\": \"m\", "
                         "\"node\": \"migrate/step:v2\", \"attempt\": 2, "
                         "\"input\": {\"tool\": \"t\"}}");
    val_t *ctx = fx_json("{\"item\": \"search\"}");
    val_t *d;
    assert_int_equal(lua_bridge_hook(f->b, "h.echo", err, ctx, f->ctx, &d),
                     MIG_OK);
    assert_string_equal(fx_text(d),
                        "{\"decision\": \"retry\", \"input\": {\"attempt\": 2, "
                        "\"class\": \"ParamMismatch\", \"input\": {\"tool\": "
                        "\"t\"}, \"item\": \"search\", \"node\": "
                        "\"migrate/step:v2\"}}");
    val_unref(d);
    val_unref(ctx);

    /* Each decision, as a string or a table: what the hook returns is the
     * item of the context here. */
    static const struct { const char *ret, *want; } ok[] = {
        { "\"retry\"", "{\"decision\": \"retry\"}" },
        { "\"skip\"", "{\"decision\": \"skip\"}" },
        { "\"fail\"", "{\"decision\": \"fail\"}" },
        { "{\"decision\": \"retry\", \"input\": {\"strict\": false}}",
          "{\"decision\": \"retry\", \"input\": {\"strict\": false}}" },
        { "{\"decision\": \"skip\", \"reason\": \"deprecated\"}",
          "{\"decision\": \"skip\", \"reason\": \"deprecated\"}" },
        { "{\"decision\": \"fail\", \"message\": \"cannot convert\"}",
          "{\"decision\": \"fail\", \"message\": \"cannot convert\"}" },
        { "{\"decision\": \"rollback\", \"to\": \"before_migrate\"}",
          "{\"decision\": \"rollback\", \"to\": \"before_migrate\"}" },
        { "{\"decision\": \"skip\", \"reason\": null}",
          "{\"decision\": \"skip\"}" },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char json[256];
        snprintf(json, sizeof json, "{\"item\": %s}", ok[i].ret);
        ctx = fx_json(json);
        assert_int_equal(lua_bridge_hook(f->b, "h.decide", err, ctx, f->ctx,
                                         &d), MIG_OK);
        assert_string_equal(fx_text(d), ok[i].want);
        val_unref(d);
        val_unref(ctx);
    }

    static const struct { const char *ret, *why; } bad[] = {
        { "\"retyr\"", "'retyr' is not a decision; did you mean 'retry'? "
          "(retry, skip, fail or rollback)" },
        { "\"rollback\"", "a 'rollback' decision needs its checkpoint: "
          "{decision = \"rollback\", to = \"CHECKPOINT\"}" },
        { "{\"decision\": \"rollback\"}", "a 'rollback' decision needs 'to':"
          " {decision = \"rollback\", to = \"CHECKPOINT\"}" },
        { "{\"decision\": \"rollback\", \"to\": \"\"}", "the checkpoint of "
          "a 'rollback' decision is empty" },
        { "{\"decision\": \"skip\", \"reason\": 5}", "the 'reason' of a "
          "'skip' decision must be a string, not a number" },
        { "{\"decision\": \"retry\", \"input\": [1]}", "the 'input' of a "
          "'retry' decision must be a map, not a list" },
        { "{\"decision\": \"skip\", \"to\": \"x\"}", "'to' is not a field of "
          "a 'skip' decision (it takes 'reason')" },
        { "{\"reason\": \"x\"}", "the table has no 'decision' field; a hook "
          "returns \"retry\", \"skip\", \"fail\", or a table such as "
          "{decision = \"rollback\", to = \"CHECKPOINT\"}" },
        { "{\"decision\": true}", "its 'decision' must be a string: "
          "\"retry\", \"skip\", \"fail\" or \"rollback\"" },
        { "null", "it returned nothing; a hook returns \"retry\", \"skip\", "
          "\"fail\", or a table such as {decision = \"rollback\", to = "
          "\"CHECKPOINT\"}" },
        { "42", "it returned a number; a hook returns \"retry\", \"skip\", "
          "\"fail\", or a table such as {decision = \"rollback\", to = "
          "\"CHECKPOINT\"}" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char json[256], want[512];
        snprintf(json, sizeof json, "{\"item\": %s}", bad[i].ret);
        ctx = fx_json(json);
        d = NULL;
        assert_int_equal(lua_bridge_hook(f->b, "h.decide", err, ctx, f->ctx,
                                         &d), MIG_EINVALID);
        assert_null(d);
        assert_string_equal(actx_error_class(f->ctx), "ScriptError");
        snprintf(want, sizeof want, "h.decide returned a malformed decision:"
                 " %s", bad[i].why);
        assert_string_equal(fx_error(f), want);
        val_unref(ctx);
    }

    /* A hook that raises, an unknown hook, a field that is no function. */
    assert_int_equal(lua_bridge_hook(f->b, "h.raise", err, NULL, f->ctx, &d),
                     MIG_EINVALID);
    assert_string_equal(first_line(f), "adapters/h.lua:8: the hook broke");
    assert_int_equal(lua_bridge_hook(f->b, "h.nothing", err, NULL, f->ctx,
                                     &d), MIG_EINVALID);
    assert_string_equal(fx_error(f), "'h.nothing' is not a function of a "
                        "loaded Lua module");
    val_unref(err);
}

/* ---- loading ----------------------------------------------------------------- */

/* Loads TEXT as module "bad" and checks the one error it reports: MESSAGE
 * at LINE:COL (0: no place). */
static void expect_load_error(fx_t *f, const char *text, mig_status_t st,
                              unsigned line, unsigned col,
                              const char *message)
{
    size_t before = f->diags.len;
    assert_int_equal(fx_load(f, "bad", "adapters/bad.lua", text), st);
    assert_int_equal(f->diags.len, before + 1);
    const diag_t *d = &f->diags.items[before];
    assert_int_equal(d->severity, DIAG_ERROR);
    assert_non_null(d->src);
    assert_non_null(strstr(d->src->name, "adapters/bad.lua"));
    assert_int_equal(d->has_span, line != 0);
    if (line) {
        assert_int_equal(d->span.line, line);
        assert_int_equal(d->span.col, col);
    }
    assert_string_equal(d->message, message);
    assert_null(action_find(f->r, "bad.f"));
}

static void load_errors(void **state)
{
    fx_t *f = *state;
    expect_load_error(f, "local M = {}\nfunction M.f(a)\n  local x = = 1\n"
                         "end\nreturn M\n", MIG_EINVALID, 3, 13,
                      "unexpected symbol near '='");
    expect_load_error(f, "local M = {}\nlocal cfg = nil\nM.n = cfg.n\n"
                         "return M\n", MIG_EINVALID, 3, 1,
                      "attempt to index a nil value (local 'cfg')");
    expect_load_error(f, "return 42\n", MIG_EINVALID, 0, 0,
                      "a module must return a table of its functions; this "
                      "one returns number");
    expect_load_error(f, "local M = {}\n", MIG_EINVALID, 0, 0,
                      "a module must return a table of its functions; this "
                      "one returns nothing");
    char want[256];
    snprintf(want, sizeof want, "instruction limit (%u) reached in "
             "adapters/bad.lua:2", INSTRUCTIONS);
    expect_load_error(f, "local M = {}\nwhile true do end\nreturn M\n",
                      MIG_EINVALID, 2, 1, want);
    expect_load_error(f, "\x1bLuaT\x00\x19\x93\r\n\x1a\n", MIG_EINVALID, 0, 0,
                      "attempt to load a binary chunk (mode is 't')");
    expect_load_error(f, "return { f = function() end, effects = 'pure' }\n",
                      MIG_EINVALID, 0, 0,
                      "the module's 'effects' must be a table from function "
                      "names to effects, not a string");
    expect_load_error(f, "return { f = function() end, "
                         "effects = { g = 'pure' } }\n", MIG_EINVALID, 0, 0,
                      "effects: 'g' is not a function of the module");
    expect_load_error(f, "return { f = function() end, "
                         "effects = { f = 'impure' } }\n", MIG_EINVALID, 0, 0,
                      "effects.f: 'impure' is not an effect (pure, self-undo,"
                      " plan-undo or irreversible)");
    expect_load_error(f, "return { f = function() end, "
                         "effects = { f = 'self-undo' } }\n", MIG_EINVALID,
                      0, 0, "effects.f is self-undo, but the module has no "
                      "function f_undo to undo it");
    /* A missing file is an I/O error; an alias loaded twice is refused. */
    size_t before = f->diags.len;
    assert_int_equal(lua_bridge_load(f->b, "gone", "adapters/gone.lua", f->r,
                                     &f->diags), MIG_EIO);
    assert_int_equal(f->diags.len, before + 1);
    assert_int_equal(lua_bridge_load(f->b, "x", "adapters/x.lua", f->r,
                                     &f->diags), MIG_EINVALID);
    assert_string_equal(fx_last_diag(f), "the Lua module name 'x' is already "
                        "loaded");
}

/* The effects a module declares become its rows' effects; a self-undo
 * function captures and undoes through its companions. */
static void effects(void **state)
{
    fx_t *f = *state;
    assert_int_equal(fx_load(f, "fx", "adapters/fx.lua",
                             "local M = {}\n"
                             "local undone = {}\n"
                             "function M.put(a) return 'put ' .. a.name end\n"
                             "function M.put_capture(a) return {was = a.name} "
                             "end\n"
                             "function M.put_undo(r) undone[#undone + 1] = "
                             "r.was end\n"
                             "function M.undone() return undone end\n"
                             "function M.wipe() end\n"
                             "function M.shell() end\n"
                             "function M.peek() end\n"
                             "M.effects = { put = 'self-undo', wipe = "
                             "'irreversible', shell = 'plan-undo' }\n"
                             "return M\n"), MIG_OK);
    static const struct { const char *name; action_effect_t e; } want[] = {
        { "fx.put", ACTION_SELF_UNDO }, { "fx.wipe", ACTION_IRREVERSIBLE },
        { "fx.shell", ACTION_PLAN_UNDO }, { "fx.peek", ACTION_PURE },
        { "fx.put_undo", ACTION_PURE },
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const action_t *row = action_find(f->r, want[i].name);
        assert_non_null(row);
        assert_int_equal(row->effect, want[i].e);
        assert_int_equal(row->capture != NULL, want[i].e == ACTION_SELF_UNDO);
        assert_int_equal(row->undo != NULL, want[i].e == ACTION_SELF_UNDO);
    }
    assert_null(action_find(f->r, "fx.effects"));
    const action_t *put = action_find(f->r, "fx.put");
    val_t *args = fx_json("{\"name\": \"search\"}"), *record, *out;
    actx_begin(f->ctx, "fx.put");
    actx_set_action(f->ctx, put);
    assert_int_equal(put->capture(f->ctx, args, &record), MIG_OK);
    assert_string_equal(fx_text(record), "{\"was\": \"search\"}");
    assert_int_equal(put->run(f->ctx, args, &out), MIG_OK);
    assert_string_equal(fx_text(out), "\"put search\"");
    val_unref(out);
    out = NULL;
    assert_int_equal(put->undo(f->ctx, record, &out), MIG_OK);
    assert_null(out);
    assert_int_equal(fx_call(f, "fx.undone", NULL, &out), MIG_OK);
    assert_string_equal(fx_text(out), "[\"search\"]");
    val_unref(out);
    /* An effectful function's preview says it would be called. */
    const action_t *wipe = action_find(f->r, "fx.wipe");
    action_ctx_t *pc = actx_new(ACTX_PREVIEW, f->dir);
    actx_begin(pc, "fx.wipe");
    actx_set_action(pc, wipe);
    out = NULL;
    assert_int_equal(wipe->preview(pc, args, &out), MIG_OK);
    assert_null(out);
    assert_string_equal(fx_text(actx_changes(pc)),
                        "[{\"change\": \"call\", \"target\": \"fx.wipe\", "
                        "\"detail\": \"a Lua function (irreversible): what it "
                        "changes is known when it runs\"}]");
    actx_free(pc);
    val_unref(record);
    val_unref(args);
}

static void grants(void **state)
{
    (void)state;
    static const char *const granted[] = { "os" };
    lua_bridge_config_t cfg = { .grants = granted, .n_grants = 1 };
    fx_t g;
    fx_init(&g, &cfg);
    assert_int_equal(fx_load(&g, "x", "adapters/x.lua", RUN_MODULE), MIG_OK);
    val_t *args = fx_json("{\"1\": \"return {type(os.time), io == nil}\"}");
    val_t *out;
    assert_int_equal(fx_call(&g, "x.run", args, &out), MIG_OK);
    assert_string_equal(fx_text(out), "[\"function\", true]");
    val_unref(out);
    val_unref(args);
    fx_free(&g);
    /* An unknown library is refused, with the closest name. */
    static const char *const typo[] = { "oss" };
    diag_list_t d;
    diag_list_init(&d);
    lua_bridge_t *b;
    cfg = (lua_bridge_config_t){ .grants = typo, .n_grants = 1 };
    assert_int_equal(lua_bridge_new(&cfg, &d, &b), MIG_EINVALID);
    assert_string_equal(d.items[0].message, "unknown Lua library 'oss' in "
                        "the libraries granted to Lua modules");
    assert_string_equal(d.items[0].hint, "did you mean 'os'?");
    diag_list_free(&d);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(no_os_io_debug_package), T(no_bytecode), T(no_collectgarbage_abuse),
        T(string_metatable_locked), T(modules_share_nothing),
        T(bridges_share_nothing), T(instruction_limit), T(memory_limit),
        T(no_finalizers),
        T(seeded_random), T(logging), T(lua_errors), T(hooks),
        T(load_errors), T(effects), T(grants),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
