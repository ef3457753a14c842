/* lua_sandbox.c: a module's Lua state as the sandbox makes it (docs/lua.md,
 * "Sandbox and limits"): the safe libraries opened one by one, the unsafe
 * parts of them taken out, the granted libraries, the mig library, and the
 * two limits: a custom allocator that holds the state to its memory, and
 * the count hook (lua_call.c) that holds each call to its instructions. */
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "lua_int.h"

/* ---- memory --------------------------------------------------------------- */

/* "file:line" of the innermost Lua function of L with a line. */
void luab_where(lua_State *L, char *buf, size_t size, int *line)
{
    lua_Debug ar;
    buf[0] = '\0';
    if (line)
        *line = 0;
    for (int level = 0; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
            continue;
        snprintf(buf, size, "%s:%d", ar.short_src, ar.currentline);
        if (line)
            *line = ar.currentline;
        return;
    }
}

/* The allocator of every module's state: realloc, refusing any growth past
 * the module's limit. Lua answers a refusal with an emergency collection
 * and one more try of the same request; if that succeeds, the refusal was
 * no limit hit after all. Shrinking never fails, as Lua requires. */
static void *luab_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    luab_module_t *m = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        m->used -= old;
        return NULL;
    }
    if (nsize > old && (nsize - old > m->limit
                        || m->used - old > m->limit - (nsize - old))) {
        if (m->in_call && m->hit == LUAB_LIMIT_NONE) {
            m->hit = LUAB_LIMIT_MEMORY;
            /* Reading the stack allocates nothing; the running function
             * has saved its place, as it does before anything that may
             * raise an error. */
            luab_where(m->L, m->hit_where, sizeof m->hit_where, NULL);
        }
        m->refused = ptr;
        m->refused_osize = osize;
        m->refused_nsize = nsize;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p) {
        if (nsize > old)
            m->sys_oom = true;
        return nsize > old ? NULL : ptr;
    }
    if (m->hit == LUAB_LIMIT_MEMORY && ptr == m->refused
        && osize == m->refused_osize && nsize == m->refused_nsize)
        m->hit = LUAB_LIMIT_NONE;       /* the retry after a collection */
    m->refused = NULL;
    m->refused_nsize = 0;
    m->used = m->used - old + nsize;
    return p;
}

/* An error outside any protected call is a bug in the bridge: every entry
 * into Lua goes through luab_pcall or lua_load. */
static int luab_panic(lua_State *L)
{
    (void)L;
    abort();
}

/* ---- the base library, trimmed ------------------------------------------- */

/* load(chunk [, name [, mode [, env]]]) in text mode only: a binary chunk
 * is refused whatever MODE says; a MODE that allows text ("t", "bt")
 * loads text, one that allows only binary chunks ("b") is an error. The
 * original is upvalue 1; ENV is passed on only when given, since load
 * treats an absent ENV and nil apart. */
static int luab_load(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checkany(L, 1);
    if (n >= 3 && !lua_isnil(L, 3)) {
        const char *mode = luaL_checkstring(L, 3);
        if (strchr(mode, 'b') && !strchr(mode, 't'))
            return luaL_error(L, "load: binary chunks are not allowed in "
                              "mig's sandbox (mode '%s')", mode);
    }
    bool has_env = n >= 4;
    lua_settop(L, 4);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushliteral(L, "t");
    if (has_env)
        lua_pushvalue(L, 4);
    lua_call(L, has_env ? 4 : 3, LUA_MULTRET);
    return lua_gettop(L) - 4;
}

/* collectgarbage: only "count" (how much the state holds) and "collect"
 * (a full collection); the options that stop or tune the collector would
 * let a module grow or slow in ways the limits do not see. */
static int luab_collectgarbage(lua_State *L)
{
    const char *opt = luaL_optstring(L, 1, "collect");
    if (strcmp(opt, "count") == 0) {
        int kb = lua_gc(L, LUA_GCCOUNT);
        int rest = lua_gc(L, LUA_GCCOUNTB);
        lua_pushnumber(L, (lua_Number)kb + (lua_Number)rest / 1024.0);
        return 1;
    }
    if (strcmp(opt, "collect") == 0) {
        lua_gc(L, LUA_GCCOLLECT);
        lua_pushinteger(L, 0);
        return 1;
    }
    return luaL_error(L, "collectgarbage('%s') is not allowed in mig's "
                      "sandbox; only 'count' and 'collect' are", opt);
}

/* setmetatable(t, mt) refusing a metatable with __gc: Lua runs
 * finalizers with hooks off, so the instruction limit could not stop one
 * that never ends. (A __gc added to MT later does not make T finalized.)
 * The original is upvalue 1. */
static int luab_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        lua_rawget(L, 2);
        bool gc = !lua_isnil(L, -1);
        lua_pop(L, 1);
        if (gc)
            return luaL_error(L, "setmetatable: a __gc metamethod is not "
                              "allowed in mig's sandbox (the limits cannot "
                              "stop a finalizer)");
    }
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

/* The message handler a module gives xpcall, wrapped (the handler is
 * upvalue 1): not run once a limit was hit. Lua runs the message handler
 * of an error raised by a hook (every limit's) with hooks off, where no
 * limit could stop it; the error goes on unchanged instead. */
static int luab_xpcall_msgh(lua_State *L)
{
    if (luab_from(L)->hit != LUAB_LIMIT_NONE)
        return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int luab_xpcall_done(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    return lua_gettop(L);
}

/* xpcall(f, msgh, ...) with MSGH wrapped (luab_xpcall_msgh); the
 * original is upvalue 1. Yields inside F go through. */
static int luab_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, luab_xpcall_msgh, 1);
    lua_replace(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_callk(L, n, LUA_MULTRET, 0, luab_xpcall_done);
    return lua_gettop(L);
}

static const char *const removed_base[] = { "dofile", "loadfile", "warn" };

static void open_base(lua_State *L)
{
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    for (size_t i = 0; i < sizeof removed_base / sizeof *removed_base; i++) {
        lua_pushnil(L);
        lua_setfield(L, -2, removed_base[i]);
    }
    lua_getfield(L, -1, "load");
    lua_pushcclosure(L, luab_load, 1);
    lua_setfield(L, -2, "load");
    lua_pushcfunction(L, luab_collectgarbage);
    lua_setfield(L, -2, "collectgarbage");
    lua_getfield(L, -1, "setmetatable");
    lua_pushcclosure(L, luab_setmetatable, 1);
    lua_setfield(L, -2, "setmetatable");
    lua_getfield(L, -1, "xpcall");
    lua_pushcclosure(L, luab_xpcall, 1);
    lua_setfield(L, -2, "xpcall");
    lua_pop(L, 1);
}

/* ---- string, math, coroutine, the rest ----------------------------------- */

/* string without string.dump (no bytecode can be made), its pattern
 * functions under the wall-clock limit (lua_pattern.c), and the metatable
 * that all strings share locked: getmetatable("") gives false, so no
 * module can change how strings behave, even in its own state. */
static void open_string(lua_State *L)
{
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    luab_open_patterns(L);
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* math.randomseed() without an argument seeds from the bridge's seed
 * rather than the clock, so runs stay reproducible. The original is
 * upvalue 1. */
static int luab_randomseed(lua_State *L)
{
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    if (n == 0) {
        lua_pushinteger(L, (lua_Integer)luab_from(L)->bridge->seed);
        lua_pushinteger(L, 0);
        n = 2;
    }
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

static void open_math(lua_State *L)
{
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    lua_getfield(L, -1, "randomseed");
    lua_pushvalue(L, -1);
    luab_from(L)->refs[LUAB_REF_RANDOMSEED] = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushcclosure(L, luab_randomseed, 1);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
}

/* coroutine.create and coroutine.wrap charge the call's budget with one
 * hook step: a new thread counts its instructions afresh, so a loop of
 * short-lived coroutines could otherwise run up to a step each unseen.
 * The original is upvalue 1. */
static int luab_co_charged(lua_State *L)
{
    luab_module_t *m = luab_from(L);
    if (m->in_call)
        m->spent += LUAB_HOOK_STEP;
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

static void open_coroutine(lua_State *L)
{
    static const char *const charged[] = { "create", "wrap" };
    luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
    for (size_t i = 0; i < 2; i++) {
        lua_getfield(L, -1, charged[i]);
        lua_pushcclosure(L, luab_co_charged, 1);
        lua_setfield(L, -2, charged[i]);
    }
    lua_pop(L, 1);
}

static const struct {
    const char *name;
    lua_CFunction open;
} grant_libs[] = {
#define LUAB_GRANT_ROW(e, s, f) { s, f },
    LUAB_GRANTS(LUAB_GRANT_ROW)
#undef LUAB_GRANT_ROW
};

/* Everything the state holds before the module's chunk runs. */
static int open_body(lua_State *L)
{
    luab_module_t *m = lua_touserdata(L, 1);
    open_base(L);
    open_string(L);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    lua_pop(L, 1);
    open_math(L);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_pop(L, 1);
    open_coroutine(L);
    bool granted[LUAB_GRANT_COUNT];
    memcpy(granted, m->bridge->grants, sizeof granted);
    for (size_t i = 0; i < m->bridge->n_module_grants; i++)
        if (strcmp(m->bridge->module_grants[i].alias, m->alias) == 0)
            granted[m->bridge->module_grants[i].grant] = true;
    for (size_t i = 0; i < LUAB_GRANT_COUNT; i++)
        if (granted[i]) {
            luaL_requiref(L, grant_libs[i].name, grant_libs[i].open, 1);
            lua_pop(L, 1);
        }
    luab_open_values(L, m);
    luab_open_mig(L);
    return 0;
}

mig_status_t luab_open(luab_module_t *m, strbuf_t *err)
{
    m->limit = m->bridge->memory;
    m->L = lua_newstate(luab_alloc, m);
    if (!m->L) {
        if (m->sys_oom)
            return MIG_ENOMEM;
        strbuf_printf(err, "the memory limit (%zu bytes) is too small to "
                      "open a Lua state", m->limit);
        return MIG_EINVALID;
    }
    lua_State *L = m->L;
    *(luab_module_t **)lua_getextraspace(L) = m;
    lua_atpanic(L, luab_panic);
    for (size_t i = 0; i < LUAB_REF_COUNT; i++)
        m->refs[i] = LUA_NOREF;
    lua_pushcfunction(L, open_body);
    lua_pushlightuserdata(L, m);
    int st = lua_pcall(L, 1, 0, 0);
    if (st != LUA_OK) {
        lua_pop(L, 1);
        if (m->sys_oom)
            return MIG_ENOMEM;
        strbuf_printf(err, "the memory limit (%zu bytes) is too small to "
                      "open a Lua state", m->limit);
        return MIG_EINVALID;
    }
    luab_seed(m, m->bridge->seed);
    lua_sethook(L, luab_hook, LUA_MASKCOUNT, LUAB_HOOK_STEP);
    return MIG_OK;
}

/* Calls math.randomseed(SEED, 0) through the original function, which
 * the module cannot have replaced. */
static int seed_body(lua_State *L)
{
    const uint64_t *seed = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, luab_from(L)->refs[LUAB_REF_RANDOMSEED]);
    lua_pushinteger(L, (lua_Integer)*seed);
    lua_pushinteger(L, 0);
    lua_call(L, 2, 0);
    return 0;
}

void luab_seed(luab_module_t *m, uint64_t seed)
{
    lua_pushcfunction(m->L, seed_body);
    lua_pushlightuserdata(m->L, &seed);
    if (lua_pcall(m->L, 1, 0, 0) != LUA_OK)
        lua_pop(m->L, 1);       /* out of memory: the old seed stays */
}
