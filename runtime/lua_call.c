/* lua_call.c: every entry into a module's Lua code: a protected call under
 * the limits, the count hook that enforces the instruction limit, and the
 * message handler that turns what Lua raised into a mig error: a class
 * (ScriptError, or the one given to mig.error), a message that starts
 * with the Lua file and line, and a traceback. None of this allocates
 * Lua memory, so a failure is described even when the memory limit is
 * what ended the call. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_int.h"

/* ---- the instruction limit ---------------------------------------------- */

void luab_hook(lua_State *L, lua_Debug *ar)
{
    luab_module_t *m = luab_from(L);
    if (!m->in_call)
        return;
    if (m->hit == LUAB_LIMIT_NONE) {
        m->spent += m->step;
        bool late = m->deadline && luab_now_ns() >= m->deadline;
        if (m->spent < m->budget && !late) {
            /* A thread whose count was shortened below (to stop it at
             * once) gets its normal step back. Only then: lua_sethook
             * walks the whole stack, which a deep recursion makes
             * quadratic. */
            if (lua_gethookcount(L) != (int)m->step)
                lua_sethook(L, luab_hook, LUA_MASKCOUNT, (int)m->step);
            return;
        }
        m->hit = m->spent >= m->budget ? LUAB_LIMIT_INSTRUCTIONS
                                       : LUAB_LIMIT_TIME;
        m->hit_where[0] = '\0';
        if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
            snprintf(m->hit_where, sizeof m->hit_where, "%s:%d",
                     ar->short_src, ar->currentline);
    }
    /* From now on every instruction raises again, so a pcall in the
     * module cannot catch the limit and go on. */
    lua_sethook(L, luab_hook, LUA_MASKCOUNT, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_LIMIT]);
    lua_error(L);
}

/* ---- describing an error ------------------------------------------------ */

/* Whether S (LEN bytes) starts with "FILE:N: " (FILE may hold colons,
 * as [string "..."] names do; the first ":N: " on the first line ends
 * it). *LINE gets N when FILE is the module's own (else 0), *BARE the
 * offset after the place. */
static bool placed(const luab_module_t *m, const char *s, size_t len,
                   int *line, size_t *bare)
{
    const char *end = memchr(s, '\n', len);
    if (!end)
        end = s + len;
    for (const char *colon = s; colon < end; colon++) {
        if (*colon != ':' || colon == s)
            continue;
        const char *p = colon + 1;
        int n = 0;
        while (p < end && isdigit((unsigned char)*p) && n < 100000000)
            n = n * 10 + (*p++ - '0');
        if (p == colon + 1 || p + 1 >= end || p[0] != ':' || p[1] != ' ')
            continue;
        size_t flen = (size_t)(colon - s);
        *line = flen == strlen(m->short_src)
                    && memcmp(s, m->short_src, flen) == 0 ? n : 0;
        *bare = (size_t)(p + 2 - s);
        return true;
    }
    return false;
}

/* A traceback shows at most LUAB_TRACE_ENDS Lua frames from each end of
 * the stack, looking at no more than LUAB_TRACE_SCAN levels (Lua or C)
 * from each end to find them. */
#define LUAB_TRACE_ENDS 10
#define LUAB_TRACE_SCAN 64

/* The deepest level of L's stack (0: only the running function). Each
 * lua_getstack walks the stack from the top, so the depth is found by
 * doubling then halving: O(D log D), where a walk level by level to the
 * bottom is O(D^2), minutes for a stack that overflowed. */
static int stack_depth(lua_State *L)
{
    lua_Debug ar;
    int have = 0, beyond = 1;
    while (lua_getstack(L, beyond, &ar)) {
        have = beyond;
        if (beyond > INT32_MAX / 2)
            return have;
        beyond *= 2;
    }
    while (have + 1 < beyond) {
        int mid = have + (beyond - have) / 2;
        if (lua_getstack(L, mid, &ar))
            have = mid;
        else
            beyond = mid;
    }
    return have;
}

/* Appends the frame at LEVEL of L if it is a Lua one; OUTERMOST: it is
 * the last Lua frame of the stack, the function mig called. */
static bool trace_frame(luab_module_t *m, lua_State *L, int level,
                        bool outermost)
{
    lua_Debug ar;
    if (!lua_getstack(L, level, &ar) || !lua_getinfo(L, "Slnt", &ar)
        || ar.what[0] == 'C')
        return false;
    strbuf_printf(&m->err, "\n\t%s:%d: in ", ar.short_src, ar.currentline);
    if (ar.namewhat[0] && ar.name)
        strbuf_printf(&m->err, "%s '%s'", ar.namewhat, ar.name);
    else if (ar.what[0] == 'm')
        strbuf_puts(&m->err, "main chunk");
    else if (outermost && m->calling && !ar.istailcall)
        strbuf_printf(&m->err, "function '%s'", m->calling);
    else
        strbuf_printf(&m->err, "function <%s:%d>", ar.short_src,
                      ar.linedefined);
    if (ar.istailcall)
        strbuf_puts(&m->err, "\n\t(...tail calls...)");
    return true;
}

/* Whether the frame at LEVEL of L is a Lua one. */
static bool is_lua_frame(lua_State *L, int level)
{
    lua_Debug ar;
    return lua_getstack(L, level, &ar) && lua_getinfo(L, "S", &ar)
        && ar.what[0] != 'C';
}

/* Appends the traceback of L: its Lua frames, the first and the last
 * LUAB_TRACE_ENDS of them when there are more, with how many levels were
 * left out between. */
static void traceback(luab_module_t *m, lua_State *L)
{
    int depth = stack_depth(L);
    /* The levels of the last Lua frames, outermost first. */
    int tail[LUAB_TRACE_ENDS], n_tail = 0;
    for (int level = depth; level >= 1 && level > depth - LUAB_TRACE_SCAN
         && n_tail < LUAB_TRACE_ENDS; level--)
        if (is_lua_frame(L, level))
            tail[n_tail++] = level;
    if (n_tail == 0)
        return;
    int outermost = tail[0], low = tail[n_tail - 1];
    strbuf_puts(&m->err, "\nstack traceback:");
    int shown = 0, level = 1;
    for (; level < low && level <= LUAB_TRACE_SCAN
         && shown < LUAB_TRACE_ENDS; level++)
        shown += trace_frame(m, L, level, false);
    if (level < low)
        strbuf_printf(&m->err, "\n\t...\t(skipping %d level%s)", low - level,
                      low - level == 1 ? "" : "s");
    for (int i = n_tail - 1; i >= 0; i--)
        trace_frame(m, L, tail[i], tail[i] == outermost);
}

/* Whether S is a name (an ASCII identifier): what an error class is. */
static bool is_name(const char *s, size_t len)
{
    if (len == 0 || len >= 64 || isdigit((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

/* Appends the text of the error object at IDX that is not a table. */
static void object_text(strbuf_t *b, lua_State *L, int idx)
{
    char num[DOUBLE_TEXT_MAX];
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        strbuf_put(b, s, len);
        break;
    }
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            strbuf_printf(b, "%lld", (long long)lua_tointeger(L, idx));
        } else {
            double_text(lua_tonumber(L, idx), num);
            strbuf_puts(b, num);
        }
        break;
    case LUA_TBOOLEAN:
        strbuf_puts(b, lua_toboolean(L, idx) ? "true" : "false");
        break;
    case LUA_TNIL:
        strbuf_puts(b, "nil");
        break;
    default:
        strbuf_printf(b, "(error object is a %s value)",
                      luaL_typename(L, idx));
    }
}

/* The message handler: records what the error at 1 says in M, with the
 * place of the innermost Lua function and the traceback, and returns the
 * object unchanged. A table with a string `class` (mig.error, or
 * error{class = ..., message = ...}) gives that class; anything else is a
 * ScriptError. */
int luab_msgh(lua_State *L)
{
    luab_module_t *m = luab_from(L);
    m->err.len = 0;
    if (m->err.data)
        m->err.data[0] = '\0';
    snprintf(m->err_class, sizeof m->err_class, "ScriptError");
    val_unref(m->err_detail);
    m->err_detail = NULL;
    if (m->hit != LUAB_LIMIT_NONE) {
        m->err_len = 0;                 /* luab_pcall writes the message */
        traceback(m, L);
        return 1;
    }
    strbuf_t text;
    strbuf_init(&text);
    if (lua_type(L, 1) == LUA_TTABLE) {
        size_t len = 0;
        lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_KEY_CLASS]);
        lua_rawget(L, 1);
        const char *cls = lua_type(L, -1) == LUA_TSTRING
            ? lua_tolstring(L, -1, &len) : NULL;
        if (cls && is_name(cls, len) && luab_class_known(m->bridge, cls, len))
            snprintf(m->err_class, sizeof m->err_class, "%s", cls);
        else if (cls && is_name(cls, len))
            strbuf_printf(&text, "(an error of class '%.*s', which is not "
                          "a class of the plan) ", (int)len, cls);
        else if (cls)
            strbuf_printf(&text, "(an error of class '%.*s', which is not a "
                          "name) ", (int)(len > 60 ? 60 : len), cls);
        lua_pop(L, 1);
        lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_KEY_MESSAGE]);
        lua_rawget(L, 1);
        if (lua_isnil(L, -1))
            strbuf_puts(&text, "(an error table without a message)");
        else
            object_text(&text, L, -1);
        lua_pop(L, 1);
        /* mig.error's detail, for the strategies (docs/recovery.md): a
         * detail that has no mig form is left out. */
        lua_pushliteral(L, "detail");
        lua_rawget(L, 1);
        if (!lua_isnil(L, -1)) {
            strbuf_t why;
            strbuf_init(&why);
            if (luab_to_val(L, lua_gettop(L), &why, &m->err_detail)
                != MIG_OK)
                m->err_detail = NULL;
            strbuf_free(&why);
        }
        lua_pop(L, 1);
    } else {
        object_text(&text, L, 1);
    }
    const char *s = text.data ? text.data : "";
    int line = 0;
    size_t bare = 0;
    if (placed(m, s, text.len, &line, &bare)) {
        strbuf_put(&m->err, s, text.len);
        m->err_line = line;
        m->err_bare = bare;
    } else {
        char where[LUA_IDSIZE + 24];
        luab_where(L, where, sizeof where, &line);
        if (where[0]) {
            strbuf_printf(&m->err, "%s: ", where);
            m->err_bare = m->err.len;
            size_t flen = strlen(m->short_src);
            m->err_line = strncmp(where, m->short_src, flen) == 0
                && where[flen] == ':' ? line : 0;
        }
        strbuf_put(&m->err, s, text.len);
    }
    if (text.oom)
        m->err.oom = true;
    strbuf_free(&text);
    m->err_len = m->err.len;
    traceback(m, L);
    return 1;
}

/* ---- the protected call -------------------------------------------------- */

static void reset_failure(luab_module_t *m)
{
    m->err.len = 0;
    m->err.oom = false;
    if (m->err.data)
        m->err.data[0] = '\0';
    m->err_class[0] = '\0';
    val_unref(m->err_detail);
    m->err_detail = NULL;
    m->err_len = m->err_bare = 0;
    m->err_line = 0;
}

void luab_fail(luab_module_t *m, const char *cls, const char *fmt, ...)
{
    reset_failure(m);
    snprintf(m->err_class, sizeof m->err_class, "%s", cls);
    va_list ap;
    va_start(ap, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof small) {
        char *big = malloc((size_t)n + 1);
        if (big) {
            va_start(ap, fmt);
            vsnprintf(big, (size_t)n + 1, fmt, ap);
            va_end(ap);
            strbuf_put(&m->err, big, (size_t)n);
            free(big);
        } else {
            m->err.oom = true;
        }
    } else if (n > 0) {
        strbuf_put(&m->err, small, (size_t)n);
    }
    m->err_len = m->err.len;
}

/* Replaces the message part of M's failure (keeping the traceback) with
 * the limit that was hit. */
static void limit_message(luab_module_t *m)
{
    strbuf_t trace;
    strbuf_init(&trace);
    if (m->err.len > m->err_len)
        strbuf_put(&trace, m->err.data + m->err_len, m->err.len - m->err_len);
    reset_failure(m);
    snprintf(m->err_class, sizeof m->err_class, "%s",
             m->hit == LUAB_LIMIT_TIME && m->time_by_step ? "Timeout"
                                                         : "ScriptError");
    if (m->hit == LUAB_LIMIT_INSTRUCTIONS)
        strbuf_printf(&m->err, "instruction limit (%llu) reached",
                      (unsigned long long)m->budget);
    else if (m->hit == LUAB_LIMIT_TIME)
        strbuf_printf(&m->err, "%s (%llu ms) reached", m->time_by_step
                      ? "the step's timeout" : "time limit",
                      (unsigned long long)m->time_ms);
    else
        strbuf_printf(&m->err, "memory limit (%zu bytes) reached",
                      m->limit);
    const char *where = m->hit_where;
    size_t flen = strlen(m->short_src);
    if (where[0]) {
        strbuf_printf(&m->err, " in %s", where);
        if (strncmp(where, m->short_src, flen) == 0 && where[flen] == ':')
            m->err_line = atoi(where + flen + 1);
    } else {
        strbuf_printf(&m->err, " in %s", m->short_src);
    }
    m->err_len = m->err.len;
    if (trace.len)
        strbuf_put(&m->err, trace.data, trace.len);
    if (trace.oom)
        m->err.oom = true;
    strbuf_free(&trace);
}

mig_status_t luab_pcall(luab_module_t *m, lua_CFunction body, void *data,
                        int nresults, const char *what, int64_t step_ms)
{
    lua_State *L = m->L;
    reset_failure(m);
    m->budget = m->bridge->instructions;
    m->step = m->budget < LUAB_HOOK_STEP ? (unsigned)m->budget
                                          : LUAB_HOOK_STEP;
    m->spent = 0;
    m->hit = LUAB_LIMIT_NONE;
    m->hit_where[0] = '\0';
    m->sys_oom = false;
    m->refused = NULL;
    m->calling = what;
    m->time_by_step = step_ms > 0 && (uint64_t)step_ms < m->bridge->time_ms;
    m->time_ms = m->time_by_step ? (uint64_t)step_ms : m->bridge->time_ms;
    m->deadline = luab_now_ns() + m->time_ms * 1000000u;
    lua_sethook(L, luab_hook, LUA_MASKCOUNT, (int)m->step);
    int base = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_MSGH]);
    lua_pushcfunction(L, body);
    lua_pushlightuserdata(L, data);
    m->in_call = true;
    luab_watch(m);
    int st = lua_pcall(L, 1, nresults, base + 1);
    luab_unwatch(m);
    m->in_call = false;
    m->deadline = 0;
    lua_remove(L, base + 1);
    if (st == LUA_OK)
        return MIG_OK;
    lua_settop(L, base);
    if (m->sys_oom && m->hit == LUAB_LIMIT_NONE)
        return MIG_ENOMEM;
    if (st == LUA_ERRMEM && m->hit == LUAB_LIMIT_NONE)
        m->hit = LUAB_LIMIT_MEMORY;     /* refused, then not retried */
    if (m->hit != LUAB_LIMIT_NONE) {
        limit_message(m);
    } else if (st == LUA_ERRERR || m->err_class[0] == '\0') {
        luab_fail(m, "ScriptError", "%s: the error could not be reported "
                  "(an error in the error handler)", m->short_src);
    }
    return m->err.oom ? MIG_ENOMEM : MIG_EINVALID;
}
