/* test_bounds.c: limits tested at their bound, not only with a bomb
 * (issue 14, "Tests that prove bounds"). The Lua bridge's defaults
 * (lua_bridge.h: LUA_BRIDGE_INSTRUCTIONS per call, LUA_BRIDGE_MEMORY per
 * module; docs/lua.md, "Sandbox and limits"): work just under the limit
 * runs, just over it is stopped. A limit moved, doubled or halved fails
 * here, where a runaway loop alone would still be stopped. The other
 * bounds are run and check cases (scripts/mutation.sh lists them all). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_lua_fixture.h"

/* A module that runs the code it is given. */
static const char *const RUN_MODULE =
    "local M = {}\n"
    "function M.run(a) return load(a[1])() end\n"
    "return M\n";

/* Runs CODE in a module of a bridge with the default limits. */
static mig_status_t run_default(const char *code, char *error, size_t n)
{
    fx_t f;
    fx_init(&f, NULL);
    assert_int_equal(fx_load(&f, "x", "adapters/x.lua", RUN_MODULE), MIG_OK);
    val_t *args = val_map_new(1), *out = NULL;
    assert_int_equal(val_map_set_take(args, "1", 1, val_cstring(code)),
                     MIG_OK);
    mig_status_t st = fx_call(&f, "x.run", args, &out);
    snprintf(error, n, "%s", st == MIG_OK ? "" : fx_error(&f));
    val_unref(args);
    val_unref(out);
    fx_free(&f);
    return st;
}

/* An empty numeric for loop costs one instruction an iteration (FORLOOP)
 * and a handful around it: a loop of the limit less 100 runs, one of the
 * limit and 100 more is stopped. The count hook fires every 1000
 * instructions, so any change of the limit by a step or more shows. */
static void instruction_limit_at_its_bound(void **state)
{
    (void)state;
    /* The documented value (docs/lua.md). */
    assert_int_equal(LUA_BRIDGE_INSTRUCTIONS, 10000000u);
    char code[128], error[1024];
    snprintf(code, sizeof code, "for i = 1, %u do end return 1",
             LUA_BRIDGE_INSTRUCTIONS - 100);
    assert_int_equal(run_default(code, error, sizeof error), MIG_OK);
    snprintf(code, sizeof code, "for i = 1, %u do end return 1",
             LUA_BRIDGE_INSTRUCTIONS + 100);
    assert_int_equal(run_default(code, error, sizeof error), MIG_EINVALID);
    char want[64];
    snprintf(want, sizeof want, "instruction limit (%u) reached",
             LUA_BRIDGE_INSTRUCTIONS);
    assert_non_null(strstr(error, want));
}

/* Strings of 1 MiB (less 64 bytes), kept in a table: 62 fit in a
 * module's state under the 64 MiB limit (the state itself takes some 30
 * KiB, and string.rep needs a second MiB while it builds each one), 65 do
 * not. */
static void memory_limit_at_its_bound(void **state)
{
    (void)state;
    assert_int_equal(LUA_BRIDGE_MEMORY, (size_t)64 << 20);  /* docs/lua.md */
    const char *fill = "local t = {} for i = 1, %u do "
                       "t[i] = string.rep('x', (1 << 20) - 64) end return #t";
    char code[160], error[1024];
    snprintf(code, sizeof code, fill, 62u);
    assert_int_equal(run_default(code, error, sizeof error), MIG_OK);
    snprintf(code, sizeof code, fill, 65u);
    assert_int_equal(run_default(code, error, sizeof error), MIG_EINVALID);
    char want[64];
    snprintf(want, sizeof want, "memory limit (%zu bytes) reached",
             LUA_BRIDGE_MEMORY);
    assert_non_null(strstr(error, want));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(instruction_limit_at_its_bound),
        cmocka_unit_test(memory_limit_at_its_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
