/* test_lua_bounds.c: what no Lua module may do to mig (docs/lua.md,
 * "Sandbox and limits"): hang it through a finalizer, a deep stack's
 * traceback or a pattern that backtracks in C; load a file from outside
 * the plan's folder; get around mig.params being read-only, or raise an
 * error of a class the plan does not have. Each case is a regression
 * test of issue 16. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <lualib.h>

#include "test_lua_fixture.h"

#define INSTRUCTIONS 200000u
#define MEMORY ((size_t)8 << 20)

/* A module that runs the code it is given, in its own state. */
static const char *const RUN_MODULE =
    "local M = {}\n"
    "function M.run(a) return load(a[1])() end\n"
    "return M\n";

static int setup(void **state)
{
    fx_t *f = malloc(sizeof *f);
    lua_bridge_config_t cfg = { .instructions = INSTRUCTIONS,
                                .memory = MEMORY, .seed = 42 };
    fx_init(f, &cfg);
    assert_int_equal(fx_load(f, "x", "x.lua", RUN_MODULE), MIG_OK);
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

/* The first line of the last error. */
static const char *first_line(const fx_t *f)
{
    static char line[1024];
    const char *m = fx_error(f);
    size_t n = strcspn(m, "\n");
    snprintf(line, sizeof line, "%.*s", (int)n, m);
    return line;
}

/* CODE must fail with a ScriptError whose first line contains PART. */
static void expect_fails(fx_t *f, const char *code, const char *part)
{
    val_t *out = NULL;
    mig_status_t st = run(f, code, &out);
    if (st == MIG_OK)
        fail_msg("'%s' ran and gave %s", code, fx_text(out));
    assert_int_equal(st, MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "ScriptError");
    if (!strstr(first_line(f), part))
        fail_msg("'%s' failed with '%s', not '%s'", code, first_line(f),
                 part);
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

/* Seconds of CPU time this process used (a busy machine does not make
 * it grow). */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- 1. finalizers ------------------------------------------------------ */

/* The metatables of lists and maps are locked like those of durations
 * and null: a module that reached one could give it a __gc, which Lua
 * runs with hooks off, and every list made afterwards would hang mig
 * when collected. */
static void list_map_metatables_locked(void **state)
{
    fx_t *f = *state;
    expect_gives(f, "return {getmetatable(mig.list()), getmetatable(mig.map()),"
                    " getmetatable(mig.json.decode('[]'))}",
                 "[\"mig.list\", \"mig.map\", \"mig.list\"]");
    expect_fails(f, "local lm = getmetatable(mig.list()) "
                    "lm.__gc = function() while true do end end "
                    "for i = 1, 1000 do mig.list() end collectgarbage()",
                 "attempt to index a string value (local 'lm')");
    expect_fails(f, "setmetatable(mig.map(), {})",
                 "cannot change a protected metatable");
    /* Marking still works, and a marked table converts as before. */
    expect_gives(f, "return {mig.list(), mig.map({a = 1})}",
                 "[[], {\"a\": 1}]");
}

/* A message handler given to xpcall runs with hooks off when the error
 * came from a hook (every limit's): it is not run for a limit, so a
 * handler that never ends cannot hang mig. Otherwise xpcall is as ever. */
static void xpcall_handler_after_a_limit(void **state)
{
    fx_t *f = *state;
    expect_fails(f, "xpcall(function() error('x') end, "
                    "function() while true do end end)",
                 "instruction limit (200000) reached in [string \"");
    expect_fails(f, "xpcall(function() while true do end end, "
                    "function() while true do end end)",
                 "instruction limit (200000) reached in [string \"");
    expect_gives(f, "return {xpcall(function() error('x', 0) end, "
                    "function(m) return 'handled ' .. m end)}",
                 "[false, \"handled x\"]");
    expect_gives(f, "return {xpcall(function(a, b) return a + b end, print, "
                    "1, 2)}", "[true, 3]");
    expect_gives(f, "local co = coroutine.wrap(function() "
                    "return xpcall(function() coroutine.yield(1) return 2 "
                    "end, print) end) return {co(), co()}", "[1, true, 2]");
    expect_fails(f, "xpcall(print)", "bad argument #2 to 'xpcall' "
                 "(function expected, got no value)");
}

/* ---- 2. the traceback of a deep stack ----------------------------------- */

/* A stack overflow tens of thousands of frames deep is reported at once:
 * the traceback shows the first and the last frames, not every one, and
 * finding them costs no walk per frame. */
static void deep_stack_traceback(void **state)
{
    (void)state;
    lua_bridge_config_t cfg = { .memory = (size_t)256 << 20 };
    fx_t g;
    fx_init(&g, &cfg);
    assert_int_equal(fx_load(&g, "d", "d.lua",
                             "local M = {}\n"
                             "local function down(n)\n"
                             "  return down(n + 1) + 1\n"
                             "end\n"
                             "function M.go() local r = down(1) return r end\n"
                             "return M\n"), MIG_OK);
    double t0 = now_s();
    val_t *out = NULL;
    assert_int_equal(fx_call(&g, "d.go", NULL, &out), MIG_EINVALID);
    double took = now_s() - t0;
    const char *m = fx_error(&g);
    assert_non_null(strstr(m, "stack overflow"));
    assert_non_null(strstr(m, "\nstack traceback:\n\td.lua:3: in upvalue "
                              "'down'"));
    assert_non_null(strstr(m, "\n\t...\t(skipping "));
    assert_non_null(strstr(m, " levels)\n"));
    if (!strstr(m, "\n\td.lua:5: in function 'd.go'"))
        fail_msg("%s", m);
    size_t lines = 0;
    for (const char *p = m; *p; p++)
        lines += *p == '\n';
    assert_true(lines <= 24);
    if (took > 2.0)
        fail_msg("the stack overflow took %.2f s to report", took);
    print_message("stack overflow reported in %.3f s\n", took);
    fx_free(&g);
}


/* ---- 3. the wall-clock limit -------------------------------------------- */

#define TIME_MS 300u

/* Patterns that backtrack in C for hours: no instruction runs meanwhile. */
#define SUBJECT "string.rep('a', 40)"
#define SLOW "'a*a*a*a*a*a*a*a*a*a*a*b'"

/* A fixture whose calls may take TIME_MS of wall-clock time, and as many
 * instructions as they like. */
static void timed_init(fx_t *g)
{
    lua_bridge_config_t cfg = { .instructions = (uint64_t)1 << 40,
                                .time_ms = TIME_MS, .seed = 42 };
    fx_init(g, &cfg);
    assert_int_equal(fx_load(g, "x", "x.lua", RUN_MODULE), MIG_OK);
}

/* Wall-clock seconds since an arbitrary start. */
static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CODE must be stopped by the time limit, at its line 1, soon after it. */
static void expect_stopped(fx_t *g, const char *code)
{
    double t0 = wall_s();
    expect_fails(g, code, "time limit (300 ms) reached in [string \"");
    double took = wall_s() - t0;
    if (took > 5.0)
        fail_msg("'%s' was stopped after %.2f s", code, took);
}

/* Every pattern function, in every form, stops at the deadline; so does
 * Lua code that runs no instruction limit would stop. A pcall cannot
 * catch the limit and go on, and the next call runs afresh. */
static void time_limit_stops_patterns(void **state)
{
    (void)state;
    fx_t g;
    timed_init(&g);
    expect_stopped(&g, "return string.find(" SUBJECT ", " SLOW ")");
    expect_stopped(&g, "return (" SUBJECT "):match(" SLOW ")");
    expect_stopped(&g, "for w in (" SUBJECT "):gmatch(" SLOW ") do end");
    expect_stopped(&g, "return (" SUBJECT "):gsub(" SLOW ", 'x')");
    expect_stopped(&g, "return (" SUBJECT "):gsub(" SLOW ", "
                       "function(c) return c end)");
    expect_stopped(&g, "return (" SUBJECT "):gsub(" SLOW ", {})");
    expect_stopped(&g, "local ok = pcall(string.find, " SUBJECT ", " SLOW ") "
                       "while true do end");
    expect_stopped(&g, "local ok = pcall(string.find, " SUBJECT ", " SLOW ") "
                       "return string.find('ab', 'b')");
    expect_stopped(&g, "while true do end");
    expect_stopped(&g, "local co = coroutine.wrap(function() "
                       "string.find(" SUBJECT ", " SLOW ") end) co()");
    /* A long subject, kept for the call, and patterns after a stop. */
    expect_gives(&g, "local s = string.rep('ab', 1000) local n = 0 "
                     "for i = 1, 200 do n = n + select(2, s:find('b', i)) end "
                     "return {n, s:find('ba', 1000, true)}",
                 "[20200, 1000, 1001]");
    expect_gives(&g, "return {('hello world'):find('o w')}", "[5, 7]");
    fx_free(&g);
}

/* A step's timeout shorter than the limit stops the call as a Timeout;
 * a recovery hook and a module's main chunk have the limit too. */
static void time_limit_everywhere(void **state)
{
    (void)state;
    fx_t g;
    timed_init(&g);
    val_t *args = val_map_new(1), *out = NULL;
    assert_int_equal(val_map_set_take(args, "1", 1, val_cstring(
        "return string.find(" SUBJECT ", " SLOW ")")), MIG_OK);
    const action_t *row = action_find(g.r, "x.run");
    actx_begin(g.ctx, "x.run");
    actx_set_action(g.ctx, row);
    actx_set_time_limit(g.ctx, 100);
    assert_int_equal(row->run(g.ctx, args, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(g.ctx), "Timeout");
    assert_non_null(strstr(fx_error(&g), "the step's timeout (100 ms) "
                                         "reached in [string \""));
    /* At the bound: a timeout shorter than the limit by 1 ms is the
     * step's; one as long as the limit, or longer, leaves the limit. */
    actx_set_time_limit(g.ctx, TIME_MS - 1);
    assert_int_equal(row->run(g.ctx, args, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(g.ctx), "Timeout");
    assert_non_null(strstr(fx_error(&g), "the step's timeout (299 ms)"));
    const int64_t longer[] = { TIME_MS, TIME_MS + 1, 60000 };
    for (size_t i = 0; i < 3; i++) {
        actx_set_time_limit(g.ctx, longer[i]);
        assert_int_equal(row->run(g.ctx, args, &out), MIG_EINVALID);
        assert_string_equal(actx_error_class(g.ctx), "ScriptError");
        assert_non_null(strstr(fx_error(&g), "time limit (300 ms) reached"));
    }
    actx_set_time_limit(g.ctx, 0);
    val_unref(args);

    assert_int_equal(fx_load(&g, "h", "h.lua",
                             "local M = {}\n"
                             "function M.decide(a)\n"
                             "  string.find(string.rep('a', 40), "
                             SLOW ")\n"
                             "  return 'skip'\n"
                             "end\n"
                             "return M\n"), MIG_OK);
    val_t *err = fx_json("{\"class\": \"Conflict\", \"message\": \"m\"}");
    val_t *decision = NULL;
    actx_begin(g.ctx, "h.decide");
    assert_int_equal(lua_bridge_hook(g.b, "h.decide", err, NULL, g.ctx,
                                     &decision), MIG_EINVALID);
    assert_null(decision);
    assert_string_equal(actx_error_class(g.ctx), "ScriptError");
    assert_non_null(strstr(fx_error(&g), "time limit (300 ms) reached in "
                                         "h.lua:3"));
    val_unref(err);

    assert_int_equal(fx_load(&g, "c", "c.lua",
                             "string.find(string.rep('a', 40), " SLOW ")\n"
                             "return {}\n"), MIG_EINVALID);
    assert_string_equal(fx_last_diag(&g), "time limit (300 ms) reached in "
                        "c.lua:1");
    fx_free(&g);
}

/* The pattern functions give what the standard ones give, errors
 * included: each expression is run in the sandbox and in a plain Lua
 * state, and the texts of what they give are compared. */
static const char *const SAME[] = {
    "('hello world'):find('o')", "('hello world'):find('o', 6)",
    "('hello world'):find('o', -3)", "('hello'):find('l+')",
    "('hello'):find('')", "('hello'):find('', 10)", "('hello'):find('', 6)",
    "('a.b'):find('.', 1, true)", "('a+b'):find('+', 1, true)",
    "('key = value'):find('(%w+)%s*=%s*(%w+)')",
    "('key = value'):match('(%w+)%s*=%s*(%w+)')",
    "('hello'):match('()ll()')", "('hello'):match('^h')",
    "('hello'):match('^e')", "('hello'):match('o$')",
    "('THE (quick) fox'):find('%((%a+)%)')", "('f(a(b)c)'):match('%b()')",
    "('THE (quick) fox'):find('%f[%a]%a+', 5)",
    "('hello'):match('.-l')", "('hello'):match('x*')",
    "('hello'):gsub('l', 'L')", "('hello'):gsub('l', 'L', 1)",
    "('hello world'):gsub('(%w+)', '<%1>')",
    "('hello world'):gsub('%w+', '%0 %0', 1)",
    "('abc'):gsub('', '-')", "('abc'):gsub('x*', '-')",
    "('hello'):gsub('^h', 'H')", "('hello'):gsub('^e', 'E')",
    "('abc'):gsub('%w', '%2')", "('abc'):gsub('(', 'x')",
    "('abc'):gsub('%', 'x')", "('abc'):gsub('[a', 'x')",
    "('abc'):gsub('.', {a = 1, b = true})",
    "('abc'):gsub('.', {a = 'A', b = false})",
    "('abc'):gsub('(.)()', {})",
    "('abc'):gsub('.', function(c) return c:upper() end)",
    "('abc'):gsub('.', function(c) if c == 'b' then return nil end "
    "return c .. c end)",
    "('abc'):gsub('(.)(.)', function(a, b) return b .. a end)",
    "('abc'):gsub('x*', function() return '-' end)",
    "('abc'):gsub('', function() return '-' end)",
    "('abc'):gsub('^', function() return '-' end)",
    "('abc'):gsub('^a', function() return '-' end)",
    "('abc'):gsub('^x', function() return '-' end)",
    "('abc'):gsub('.', function() return '-' end, 2)",
    "('abc'):gsub('.', function() return {} end)",
    "('abc'):gsub('()', function(p) return p end)",
    "('hello world from lua'):gsub('(%w+) (%w+)', function(a, b) "
    "return b .. ' ' .. a end)",
    "('abc'):gsub('.', 1)", "(123):gsub('2', 'x')",
    "('abc'):gsub('.')", "('abc'):gsub('.', nil)",
    "string.find()", "string.find('a')", "string.find('a', 'a', 'x')",
    "string.match('a', 'a', 1.5)",
    "(function() local t = {} for w in ('one two  three'):gmatch('%a+') "
    "do t[#t + 1] = w end return table.concat(t, ',') end)()",
    "(function() local t = {} for k, v in ('a=1, b=2'):gmatch("
    "'(%w+)=(%w+)') do t[#t + 1] = k .. v end return table.concat(t, ',') "
    "end)()",
    "(function() local t = {} for w in ('abc'):gmatch('') do "
    "t[#t + 1] = '[' .. w .. ']' end return table.concat(t) end)()",
    "(function() local t = {} for w in ('abc'):gmatch('x*') do "
    "t[#t + 1] = '[' .. w .. ']' end return table.concat(t) end)()",
    "(function() local t = {} for w in ('^a^b'):gmatch('^.') do "
    "t[#t + 1] = w end return table.concat(t, ',') end)()",
    "(function() local t = {} for p in ('abcabc'):gmatch('()b') do "
    "t[#t + 1] = p end return table.concat(t, ',') end)()",
    "(function() local t = {} for w in ('abcdef'):gmatch('..', 3) do "
    "t[#t + 1] = w end return table.concat(t, ',') end)()",
    "(function() local t = {} for w in ('abcdef'):gmatch('.', -2) do "
    "t[#t + 1] = w end return table.concat(t, ',') end)()",
    "(function() local t = {} for w in ('abc'):gmatch('.', 10) do "
    "t[#t + 1] = w end return #t end)()",
    "(function() local t = {} for w in ('abc'):gmatch('.', -10) do "
    "t[#t + 1] = w end return #t end)()",
    "(function() local it = ('ab'):gmatch('.') it() it() return "
    "{it(), it()} end)()",
    "('x'):rep(300):find('x', 299)", "('x'):rep(300):gsub('x', 'y', 3)",
    "('x'):rep(255):find('x', 255)", "('x'):rep(256):find('x', 256)",
    "('x'):rep(257):find('x$')",
    "string.gmatch('a', '(')()",
};

/* The text of what EXPR gives in L (pcall'd), by Lua code that runs the
 * same in both states. */
static const char *const SHOW =
    "local r = table.pack(pcall(function() return EXPR end)) "
    "local out = {} "
    "for i = 1, r.n do local v = r[i] "
    "  if type(v) == 'table' then v = 'table' end "
    "  out[#out + 1] = (math.type(v) or type(v)) .. ':' .. tostring(v) end "
    "return table.concat(out, '|')";

static char *show_code(const char *expr)
{
    const char *at = strstr(SHOW, "EXPR");
    size_t n = strlen(SHOW) + strlen(expr) + 1;
    char *code = malloc(n);
    assert_non_null(code);
    snprintf(code, n, "%.*s%s%s", (int)(at - SHOW), SHOW, expr, at + 4);
    return code;
}

static void patterns_as_standard(void **state)
{
    fx_t *f = *state;
    lua_State *plain = luaL_newstate();
    assert_non_null(plain);
    luaL_openlibs(plain);
    for (size_t i = 0; i < sizeof SAME / sizeof *SAME; i++) {
        char *code = show_code(SAME[i]);
        assert_int_equal(luaL_loadstring(plain, code), LUA_OK);
        assert_int_equal(lua_pcall(plain, 0, 1, 0), LUA_OK);
        const char *want = lua_tostring(plain, -1);
        val_t *out = NULL;
        if (run(f, code, &out) != MIG_OK)
            fail_msg("'%s' failed: %s", SAME[i], fx_error(f));
        const char *got = val_get_str(out, NULL);
        if (strcmp(got, want) != 0)
            fail_msg("%s\n  sandbox:  %s\n  standard: %s", SAME[i], got,
                     want);
        val_unref(out);
        lua_pop(plain, 1);
        free(code);
    }
    lua_close(plain);
}

/* ---- 8. oddities -------------------------------------------------------- */

/* load's mode "bt" (text or binary) loads text; binary is still refused,
 * and a mode that allows only binary is an error. */
static void load_mode_bt(void **state)
{
    fx_t *f = *state;
    expect_gives(f, "return load('return 41 + 1', 'chunk', 'bt')()", "42");
    expect_gives(f, "local fn, err = load('\\27LuaT\\0', 'x', 'bt') "
                    "return {fn == nil, err}",
                 "[true, \"attempt to load a binary chunk (mode is 't')\"]");
    expect_fails(f, "return load('return 1', 'x', 'b')",
                 "load: binary chunks are not allowed in mig's sandbox "
                 "(mode 'b')");
}

/* A table with many values (or keys) that have no mig form reports the
 * one at the least key, whatever order Lua's hash walks them in; so does
 * a module's `effects` table with many wrong entries. */
static void value_errors_name_the_least_key(void **state)
{
    fx_t *f = *state;
    for (int round = 0; round < 3; round++) {
        expect_fails(f, "local t = {} for i = 50, 1, -1 do "
                        "t['k' .. i] = print end return t",
                     "returned a value that mig cannot hold: at .k1: a "
                     "function, which has no mig form");
        expect_fails(f, "local t = {} for i = 50, 1, -1 do "
                        "t[i + 0.5] = 1 end return t",
                     "returned a value that mig cannot hold: a table with "
                     "the float key 1.5");
        expect_fails(f, "local t = {z = {}} for i = 50, 1, -1 do "
                        "t.z['k' .. i] = print end t.a = {x = 1} return t",
                     "at .z.k1: a function, which has no mig form");
        expect_fails(f, "local t = mig.list() for i = 50, 1, -1 do "
                        "t['k' .. i] = 1 end return t",
                     "a list (mig.list) with a string key 'k1'");
    }
    /* A bad key is the table's fault, not the entry read before it. */
    expect_fails(f, "return {a = 1, [true] = 2}",
                 "returned a value that mig cannot hold: a table with a key "
                 "of type boolean");
    fx_t g;
    fx_init(&g, NULL);
    assert_int_equal(fx_load(&g, "e", "e.lua",
                             "local M = {}\n"
                             "for i = 50, 1, -1 do M['f' .. i] = print end\n"
                             "M.effects = {}\n"
                             "for i = 50, 1, -1 do\n"
                             "  M.effects['g' .. i] = 'pure'\n"
                             "  M.effects['f' .. i] = 'bogus'\n"
                             "end\n"
                             "return M\n"), MIG_EINVALID);
    assert_string_equal(fx_last_diag(&g), "effects.f1: 'bogus' is not an "
                        "effect (pure, self-undo, plan-undo or "
                        "irreversible)");
    fx_free(&g);
}

/* mig.error and error{class = ...} raise only classes the plan has: a
 * built-in one or one it declares. */
static void undeclared_classes(void **state)
{
    fx_t *f = *state;
    expect_fails(f, "mig.error('SchemaDrift', 'dims differ')",
                 "mig.error: 'SchemaDrift' is not an error class: a built-in "
                 "one or one the plan declares (error SchemaDrift : PARENT)");
    expect_fails(f, "mig.error('Conflit', 'x')",
                 "is not an error class: a built-in one or one the plan "
                 "declares (error Conflit : PARENT); did you mean "
                 "'Conflict'?");
    expect_fails(f, "error({class = 'SchemaDrift', message = 'dims differ'})",
                 "(an error of class 'SchemaDrift', which is not a class of "
                 "the plan) dims differ");
    val_t *out = NULL;
    assert_int_equal(run(f, "mig.error('Conflict', 'taken')", &out),
                     MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "Conflict");
    fx_t g;
    static const char *const classes[] = { "SchemaDrift" };
    lua_bridge_config_t cfg = { .classes = classes, .n_classes = 1 };
    fx_init(&g, &cfg);
    assert_int_equal(fx_load(&g, "x", "x.lua", RUN_MODULE), MIG_OK);
    const char *codes[] = { "mig.error('SchemaDrift', 'dims differ')",
                            "error({class = 'SchemaDrift', message = 'd'})" };
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(run(&g, codes[i], &out), MIG_EINVALID);
        assert_string_equal(actx_error_class(g.ctx), "SchemaDrift");
    }
    fx_free(&g);
}

/* ---- 7. confinement ----------------------------------------------------- */

/* Modules load only from the plan's folder (every ".." and symbolic link
 * resolved) and the module paths given; a file that is not a Lua module
 * is refused before it is read, and nothing of it is quoted. */
static void modules_stay_in_the_folder(void **state)
{
    fx_t *f = *state;
    char out[128], path[256], cmd[512];
    snprintf(out, sizeof out, "%s-out", f->dir);
    assert_int_equal(mkdir(out, 0777), 0);
    snprintf(path, sizeof path, "%s/o.lua", out);
    FILE *o = fopen(path, "w");
    assert_non_null(o);
    fputs("return { f = function() return 1 end }\n", o);
    fclose(o);
    const char *base = strrchr(f->dir, '/') + 1;
    char rel[256];
    snprintf(rel, sizeof rel, "../%s-out/o.lua", base);
    static const char *const outside = "is outside the plan's folder: "
                                       "modules load only from there";
    assert_int_equal(lua_bridge_load(f->b, "o1", rel, f->r, &f->diags),
                     MIG_EINVALID);
    assert_non_null(strstr(fx_last_diag(f), outside));
    assert_int_equal(lua_bridge_load(f->b, "o2", path, f->r, &f->diags),
                     MIG_EINVALID);
    assert_non_null(strstr(fx_last_diag(f), outside));
    /* A symbolic link in the folder that leads out of it. */
    char link[256];
    snprintf(link, sizeof link, "%s/link.lua", f->dir);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(lua_bridge_load(f->b, "o3", "link.lua", f->r, &f->diags),
                     MIG_EINVALID);
    assert_non_null(strstr(fx_last_diag(f), outside));
    /* What is not a Lua module, quoted nowhere. */
    assert_int_equal(lua_bridge_load(f->b, "pw", "../../../../etc/passwd",
                                     f->r, &f->diags), MIG_EINVALID);
    assert_string_equal(fx_last_diag(f), "'../../../../etc/passwd' is not a "
                        "Lua module: a module is a file whose name ends in "
                        ".lua");
    assert_int_equal(lua_bridge_load(f->b, "d", ".", f->r, &f->diags),
                     MIG_EINVALID);
    snprintf(cmd, sizeof cmd, "%s/dir.lua", f->dir);
    assert_int_equal(mkdir(cmd, 0777), 0);
    assert_int_equal(lua_bridge_load(f->b, "d", "dir.lua", f->r, &f->diags),
                     MIG_EINVALID);
    assert_string_equal(fx_last_diag(f), "'dir.lua' is not a regular file, "
                        "so it is not a Lua module");
    for (size_t i = 0; i < f->diags.len; i++)
        assert_null(strstr(f->diags.items[i].message, "root:"));
    /* A ".." that stays inside is fine. */
    assert_int_equal(fx_load(f, "in", "sub/in.lua",
                             "return { f = function() return 2 end }\n"),
                     MIG_OK);
    assert_int_equal(lua_bridge_load(f->b, "in2", "sub/../sub/in.lua", f->r,
                                     &f->diags), MIG_OK);
    /* A module path lets the outside folder in, by either path. */
    fx_t g;
    const char *const paths[] = { out };
    lua_bridge_config_t cfg = { .module_paths = paths, .n_module_paths = 1 };
    fx_init(&g, &cfg);
    assert_int_equal(lua_bridge_load(g.b, "o2", path, g.r, &g.diags), MIG_OK);
    fx_free(&g);
    /* A module path that does not exist is an error. */
    const char *const gone[] = { "/nonexistent/mig-modules" };
    cfg = (lua_bridge_config_t){ .module_paths = gone, .n_module_paths = 1 };
    diag_list_t d;
    diag_list_init(&d);
    lua_bridge_t *b = NULL;
    assert_int_equal(lua_bridge_new(&cfg, &d, &b), MIG_EINVALID);
    assert_null(b);
    assert_string_equal(d.items[0].message, "the Lua module path "
                        "'/nonexistent/mig-modules' cannot be used: No such "
                        "file or directory");
    diag_list_free(&d);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
    assert_int_equal(system(cmd), 0);
}

/* The traceback shows every Lua frame up to 20 of them; from 21 on, the
 * first and the last 10 with how many levels lie between. */
static void traceback_bound(void **state)
{
    fx_t *f = *state;
    assert_int_equal(fx_load(f, "r", "r.lua",
                             "local M = {}\n"
                             "local function down(n)\n"
                             "  if n == 0 then error('bottom') end\n"
                             "  local r = down(n - 1) return r\n"
                             "end\n"
                             "function M.go(a) local r = down(a[1]) return r "
                             "end\n"
                             "return M\n"), MIG_OK);
    /* down(N) makes N + 1 frames of down, under M.go: N + 2 in all. */
    const struct { int n; int frames; const char *gap; } cases[] = {
        { 18, 20, NULL },
        { 19, 21, "\n\t...\t(skipping 1 level)\n" },
        { 20, 22, "\n\t...\t(skipping 2 levels)\n" },
    };
    for (size_t i = 0; i < 3; i++) {
        val_t *args = val_map_new(1), *out = NULL;
        assert_int_equal(val_map_set_take(args, "1", 1,
                                          val_int(cases[i].n)), MIG_OK);
        assert_int_equal(fx_call(f, "r.go", args, &out), MIG_EINVALID);
        val_unref(args);
        const char *m = fx_error(f);
        int frames = 0;
        for (const char *p = strstr(m, "\n\t"); p; p = strstr(p + 1, "\n\t"))
            frames += strncmp(p, "\n\t...", 5) != 0;
        int want = cases[i].frames > 20 ? 20 : cases[i].frames;
        if (frames != want)
            fail_msg("down(%d): %d frames shown, not %d:\n%s", cases[i].n,
                     frames, want, m);
        if (cases[i].gap)
            assert_non_null(strstr(m, cases[i].gap));
        else
            assert_null(strstr(m, "\n\t..."));
        assert_non_null(strstr(m, "\tr.lua:6: in function 'r.go'"));
    }
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(list_map_metatables_locked), T(deep_stack_traceback),
        T(traceback_bound), T(xpcall_handler_after_a_limit),
        T(time_limit_stops_patterns), T(time_limit_everywhere),
        T(patterns_as_standard), T(load_mode_bt),
        T(value_errors_name_the_least_key), T(undeclared_classes),
        T(modules_stay_in_the_folder),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
