/* runner.c: the Lua bridge benchmark (bench/lua/run.sh, results in
 * bench/RESULTS.md). CALLS calls of ADAPTER's to_v2 on a legacy tool of
 * ten fields, made two ways in the same process, ROUNDS times each:
 *
 *   bridge  as the runtime makes them: the tool is a mig map; the row of
 *           bench.to_v2 (lua_bridge_load) converts it to a Lua table,
 *           calls the function under the limits in its sandboxed state,
 *           and converts the table it returns back into a mig map;
 *   floor   the same function in a plain lua_State (luaL_openlibs) called
 *           with lua_pcall, the tool's table built by hand with
 *           lua_createtable/lua_setfield from C data, and the result
 *           walked once with lua_next (every key and value looked at).
 *
 * Prints calls per second (median and best round) for each, and the ratio
 * of the bridge's time to the floor's. With --target R it exits 1 when
 * the median ratio is above R.
 *
 * usage: bench_lua_runner [-n CALLS] [-r ROUNDS] [--target R] ADAPTER.lua */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lua_bridge.h"

/* ---- the tool, as C data ---------------------------------------------------- */

typedef struct param {
    const char *name, *type, *help;
    bool required;
} param_t;

static const param_t params[] = {
    { "query", "str", "what to search for", true },
    { "limit", "int", "how many results, at most", false },
    { "lang", "str", "the language of the results", false },
};
static const char *const tags[] = { "search", "docs", "legacy" };

#define NPARAMS (sizeof params / sizeof *params)
#define NTAGS (sizeof tags / sizeof *tags)

/* The tool's ten fields. */
static const struct {
    const char *tool_name, *desc, *version, *entry, *owner;
    bool deprecated;
    int64_t timeout_ms;
    double rating;
} tool = {
    "Search_Docs", "Searches the product documentation.", "1.4.0",
    "search.run", "docs-team", false, 30000, 4.5,
};

static void die(const char *what)
{
    fprintf(stderr, "bench_lua_runner: %s\n", what);
    exit(2);
}

/* ---- the tool as a mig map ----------------------------------------------------- */

static void put(val_t *m, const char *k, val_t *v)
{
    if (!v || val_map_set_take(m, k, strlen(k), v) != MIG_OK)
        die("out of memory");
}

static val_t *tool_value(void)
{
    val_t *t = val_map_new(10), *ps = val_list_new(NPARAMS),
          *ts = val_list_new(NTAGS);
    if (!t || !ps || !ts)
        die("out of memory");
    for (size_t i = 0; i < NPARAMS; i++) {
        val_t *p = val_map_new(4);
        if (!p)
            die("out of memory");
        put(p, "name", val_cstring(params[i].name));
        put(p, "type", val_cstring(params[i].type));
        put(p, "help", val_cstring(params[i].help));
        put(p, "required", val_bool(params[i].required));
        if (val_list_push_take(ps, p) != MIG_OK)
            die("out of memory");
    }
    for (size_t i = 0; i < NTAGS; i++)
        if (val_list_push_take(ts, val_cstring(tags[i])) != MIG_OK)
            die("out of memory");
    put(t, "tool_name", val_cstring(tool.tool_name));
    put(t, "desc", val_cstring(tool.desc));
    put(t, "version", val_cstring(tool.version));
    put(t, "entry", val_cstring(tool.entry));
    put(t, "params", ps);
    put(t, "deprecated", val_bool(tool.deprecated));
    put(t, "tags", ts);
    put(t, "timeout_ms", val_int(tool.timeout_ms));
    put(t, "owner", val_cstring(tool.owner));
    put(t, "rating", val_double(tool.rating));
    val_t *args = val_map_new(1);
    if (!args)
        die("out of memory");
    put(args, "1", t);
    return args;
}

/* ---- the tool as a Lua table, by hand ---------------------------------------------- */

static void push_tool(lua_State *L)
{
    lua_createtable(L, 1, 0);               /* the arguments: {tool} */
    lua_createtable(L, 0, 10);
    lua_pushstring(L, tool.tool_name);
    lua_setfield(L, -2, "tool_name");
    lua_pushstring(L, tool.desc);
    lua_setfield(L, -2, "desc");
    lua_pushstring(L, tool.version);
    lua_setfield(L, -2, "version");
    lua_pushstring(L, tool.entry);
    lua_setfield(L, -2, "entry");
    lua_createtable(L, (int)NPARAMS, 0);
    for (size_t i = 0; i < NPARAMS; i++) {
        lua_createtable(L, 0, 4);
        lua_pushstring(L, params[i].name);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, params[i].type);
        lua_setfield(L, -2, "type");
        lua_pushstring(L, params[i].help);
        lua_setfield(L, -2, "help");
        lua_pushboolean(L, params[i].required);
        lua_setfield(L, -2, "required");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "params");
    lua_pushboolean(L, tool.deprecated);
    lua_setfield(L, -2, "deprecated");
    lua_createtable(L, (int)NTAGS, 0);
    for (size_t i = 0; i < NTAGS; i++) {
        lua_pushstring(L, tags[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "tags");
    lua_pushinteger(L, tool.timeout_ms);
    lua_setfield(L, -2, "timeout_ms");
    lua_pushstring(L, tool.owner);
    lua_setfield(L, -2, "owner");
    lua_pushnumber(L, tool.rating);
    lua_setfield(L, -2, "rating");
    lua_rawseti(L, -2, 1);
}

/* Looks at every key and value of the value at the top, as reading the
 * result must; returns how many scalars were seen. */
static size_t walk(lua_State *L)
{
    if (lua_type(L, -1) != LUA_TTABLE) {
        size_t len;
        if (lua_type(L, -1) == LUA_TSTRING)
            (void)lua_tolstring(L, -1, &len);
        return 1;
    }
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING)
            (void)lua_tostring(L, -2);
        n += walk(L);
        lua_pop(L, 1);
    }
    return n;
}

/* ---- timing ---------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static volatile size_t sink;

/* One round through the bridge: seconds for CALLS calls. */
static double bridge_round(const action_t *row, action_ctx_t *ctx,
                           const val_t *args, long calls)
{
    double t0 = now();
    for (long i = 0; i < calls; i++) {
        actx_begin(ctx, row->name);
        actx_set_action(ctx, row);
        val_t *out = NULL;
        if (row->run(ctx, args, &out) != MIG_OK) {
            fprintf(stderr, "bench_lua_runner: %s\n",
                    actx_error_message(ctx));
            exit(2);
        }
        sink += val_len(out);
        val_unref(out);
    }
    return now() - t0;
}

/* One round through the plain C API. */
static double floor_round(lua_State *L, int fn, long calls)
{
    double t0 = now();
    for (long i = 0; i < calls; i++) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, fn);
        push_tool(L);
        if (lua_pcall(L, 1, 1, 0) != LUA_OK)
            die(lua_tostring(L, -1));
        sink += walk(L);
        lua_pop(L, 1);
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    long calls = 100000, rounds = 5;
    double target = 0;
    const char *adapter = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            calls = atol(argv[++i]);
        else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            rounds = atol(argv[++i]);
        else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc)
            target = atof(argv[++i]);
        else if (argv[i][0] != '-' && !adapter)
            adapter = argv[i];
        else
            die("usage: bench_lua_runner [-n CALLS] [-r ROUNDS] [--target R] "
                "ADAPTER.lua");
    }
    if (!adapter || calls < 1 || rounds < 1 || rounds > 100)
        die("usage: bench_lua_runner [-n CALLS] [-r ROUNDS] [--target R] "
            "ADAPTER.lua");

    /* The bridge, with its default limits, as mig check and mig run make
     * it; the adapter's folder is where modules may load from. */
    diag_list_t diags;
    diag_list_init(&diags);
    lua_bridge_t *b;
    action_registry_t *r = action_registry_new();
    action_ctx_t *ctx = actx_new(ACTX_RUN, "");
    char folder[4096];
    const char *slash = strrchr(adapter, '/');
    snprintf(folder, sizeof folder, "%.*s", slash ? (int)(slash - adapter) + 1
                                                  : 1, slash ? adapter : ".");
    const char *const paths[] = { folder };
    lua_bridge_config_t cfg = { .module_paths = paths, .n_module_paths = 1 };
    if (!r || !ctx || lua_bridge_new(&cfg, &diags, &b) != MIG_OK)
        die("cannot make a bridge");
    if (lua_bridge_load(b, "bench", adapter, r, &diags) != MIG_OK)
        die(diags.len ? diags.items[0].message : "cannot load the adapter");
    const action_t *row = action_find(r, "bench.to_v2");
    if (!row)
        die("the adapter has no to_v2");
    val_t *args = tool_value();

    /* The answer is right before it is fast. */
    val_t *out = NULL;
    actx_begin(ctx, row->name);
    actx_set_action(ctx, row);
    if (row->run(ctx, args, &out) != MIG_OK)
        die(actx_error_message(ctx));
    const val_t *name = val_map_get(out, "name", 4);
    const val_t *schema = val_map_get(out, "input_schema", 12);
    const val_t *req = schema ? val_map_get(schema, "required", 8) : NULL;
    if (!name || strcmp(val_get_str(name, NULL), "search_docs") != 0 || !req
        || val_type(req) != VAL_LIST || val_len(req) != 1 || val_len(out) != 11)
        die("the bridge's result is not the expected V2 entry");
    val_unref(out);

    lua_State *L = luaL_newstate();
    if (!L)
        die("cannot open a Lua state");
    luaL_openlibs(L);
    if (luaL_dofile(L, adapter) != LUA_OK || !lua_istable(L, -1))
        die("the floor cannot load the adapter");
    lua_getfield(L, -1, "to_v2");
    int fn = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, fn);
    push_tool(L);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK || walk(L) != 22)
        die("the floor's result is not the expected V2 entry");
    lua_pop(L, 1);

    /* Interleaved rounds, so that both meet the machine in the same state. */
    double bt[100], ft[100];
    for (long i = 0; i < rounds; i++) {
        bt[i] = bridge_round(row, ctx, args, calls);
        ft[i] = floor_round(L, fn, calls);
    }
    double bs[100], fs[100];
    memcpy(bs, bt, sizeof(double) * (size_t)rounds);
    memcpy(fs, ft, sizeof(double) * (size_t)rounds);
    qsort(bs, (size_t)rounds, sizeof(double), cmp_double);
    qsort(fs, (size_t)rounds, sizeof(double), cmp_double);
    double bmed = bs[rounds / 2], fmed = fs[rounds / 2];
    printf("%-8s %12s %14s %14s %10s\n", "path", "calls", "calls/s median",
           "calls/s best", "us/call");
    printf("%-8s %12ld %14.0f %14.0f %10.3f\n", "floor", calls, calls / fmed,
           calls / fs[0], fmed / calls * 1e6);
    printf("%-8s %12ld %14.0f %14.0f %10.3f\n", "bridge", calls, calls / bmed,
           calls / bs[0], bmed / calls * 1e6);
    double ratio = bmed / fmed;
    printf("ratio %.2f (bridge time / floor time, medians of %ld rounds; "
           "best %.2f)\n", ratio, rounds, bs[0] / fs[0]);

    val_unref(args);
    lua_close(L);
    action_registry_free(r);
    lua_bridge_free(b);
    actx_free(ctx);
    diag_list_free(&diags);
    if (target > 0 && ratio > target) {
        printf("FAIL: the ratio is above the target %.2f\n", target);
        return 1;
    }
    if (target > 0)
        printf("PASS: the ratio is at most the target %.2f\n", target);
    return 0;
}
