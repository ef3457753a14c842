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

/* ---- 1. finalizers -------------------------------------------------------- */

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
    expect_gives(f, "return {mig.list(), mig.map({a = 1})}", "[[], {\"a\": 1}]");
}

/* ---- 2. the traceback of a deep stack -------------------------------------- */

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

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(list_map_metatables_locked), T(deep_stack_traceback),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
