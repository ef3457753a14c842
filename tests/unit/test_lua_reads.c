/* test_lua_reads.c: the argument names a Lua function reads, found in its
 * source when its module loads (runtime/lua_reads.c), which mig check
 * holds named arguments against. Names come from PARAM.NAME,
 * PARAM["NAME"] (and PARAM[N] is allowed); strings and comments are not
 * code; any other use of the parameter, a vararg function or one with
 * another number of parameters gives no names (any argument). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_lua_fixture.h"

static const char *const MODULE =
    "local M = {}\n"
    "function M.plain(args) return args.text or args[1], args.file end\n"
    "function M.quoted(args)\n"
    "  local s = \"args.fake\" .. 'args(x)' -- args.comment and args(x)\n"
    "  --[[ args.long\n"
    "       comment ]]\n"
    "  local t = [[ args.long string ]]\n"
    "  return args [ \"spaced\" ] , args.\n"
    "    wrapped, s, t, M.args, x.args\n"
    "end\n"
    "function M.none(args) return 42 end\n"
    "function M.passed(args) return M.plain(args) end\n"
    "function M.keyed(args) local k = 'text' return args[k] end\n"
    "function M.method(args) return args:upper() end\n"
    "function M.assigned(args) args = {} return args.text end\n"
    "function M.vararg(...) return ... end\n"
    "function M.two(a, b) return a.x end\n"
    "function M.zero() return 1 end\n"
    "M.effects = {}\n"
    "return M\n";

static int setup(void **state)
{
    fx_t *f = malloc(sizeof *f);
    assert_non_null(f);
    fx_init(f, NULL);
    assert_int_equal(fx_load(f, "m", "m.lua", MODULE), MIG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_free(*state);
    free(*state);
    return 0;
}

/* The names row NAME reads, comma-separated, or "any" (no reads). */
static const char *reads(fx_t *f, const char *name)
{
    static char buf[256];
    const action_t *a = action_find(f->r, name);
    assert_non_null(a);
    if (!a->reads)
        return "any";
    buf[0] = '\0';
    for (const action_arg_t *r = a->reads; r->name; r++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s",
                 r == a->reads ? "" : ",", r->name);
    return buf;
}

static void names_read(void **state)
{
    fx_t *f = *state;
    assert_string_equal(reads(f, "m.plain"), "text,file");
    /* Strings and comments are not code; a space, a line break and a
     * quoted key are; M.args and x.args are other tables' fields. */
    assert_string_equal(reads(f, "m.quoted"), "spaced,wrapped");
    assert_string_equal(reads(f, "m.none"), "");
}

static void any_when_it_escapes(void **state)
{
    fx_t *f = *state;
    static const char *const any[] = {
        "m.passed", "m.keyed", "m.method", "m.assigned", "m.vararg",
        "m.two", "m.zero",
    };
    for (size_t i = 0; i < sizeof any / sizeof *any; i++)
        assert_string_equal(reads(f, any[i]), "any");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(names_read), T(any_when_it_escapes),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
