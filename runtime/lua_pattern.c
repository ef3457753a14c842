/* lua_pattern.c: the wall-clock limit of a call (docs/lua.md, "Limits"),
 * where the instruction limit cannot see: inside the string library's
 * pattern matching, which can backtrack in C for hours on a 40-byte
 * string. string.find, match, gmatch and gsub of every module run their
 * matching in a scratch Lua state of the module's own that holds nothing
 * else (the subject, the pattern, the standard functions). When the call's
 * deadline passes, an alarm (a POSIX timer aimed at this thread) jumps out
 * of the scratch state, which is then dropped whole, block by block,
 * without ever being touched again; the module's own state is never
 * interrupted, only stopped by its count hook at its next instruction
 * (lua_call.c). What the functions return and raise is what the standard
 * ones do: the standard functions run in the scratch state, and gmatch and
 * gsub with a function or a table are built on its find. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lualib.h>

#include "lua_int.h"

/* After the deadline, the alarm comes again every LUAB_ALARM_REPEAT_NS
 * until the call ends: one that arrived while the scratch state was
 * allocating (when jumping out is not safe) is followed by another. */
#define LUAB_ALARM_REPEAT_NS 10000000L

/* Subjects at least this long are kept in the scratch state for the rest
 * of the call, so that a loop of finds over one long string copies it
 * once. */
#define LUAB_PAT_KEEP 256

/* One allocation of the scratch state: every one is on a list, so that
 * the state can be dropped without lua_close. */
typedef struct block {
    struct block *prev, *next;
    size_t size;
    max_align_t align[];
} block_t;

/* The scratch stack holds the standard functions at these indexes. */
enum { PAT_FIND = 1, PAT_MATCH, PAT_GSUB, PAT_BASE = PAT_GSUB };

struct luab_pat {
    luab_module_t *m;
    lua_State *L;               /* NULL: none now */
    block_t *blocks;
    size_t held;                /* bytes of the blocks */
    sigjmp_buf jump;
    volatile sig_atomic_t running, in_alloc, pending;
    /* the kept subject: the module's string (anchored in its registry)
     * and the scratch state's copy, at stack index PAT_BASE + 1 */
    const char *kept;
    int kept_ref;
};

/* The module whose call the alarm of this thread watches. */
static _Thread_local luab_module_t *volatile watched;

/* ---- the clock and the alarm -------------------------------------------- */

uint64_t luab_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void drop_state(luab_pat_t *p);

/* The alarm: jumps out of the scratch state when it is matching; does
 * nothing otherwise (the count hook stops Lua code, and the module's C
 * functions other than the patterns are linear in what the memory limit
 * lets them hold). Async-signal-safe: it reads flags and jumps. */
static void on_alarm(int sig)
{
    (void)sig;
    luab_module_t *m = watched;
    luab_pat_t *p = m ? m->pat : NULL;
    if (!p || !p->running)
        return;
    if (p->in_alloc) {
        p->pending = 1;         /* the allocator jumps when it is done */
        return;
    }
    p->running = 0;
    siglongjmp(p->jump, 1);
}

/* Makes the bridge's timer, aimed at this thread, and installs the
 * handler (once per process). false when either cannot be had: then only
 * the count hook keeps the deadline. */
static bool timer_ready(lua_bridge_t *b)
{
    static bool installed;
    if (b->has_timer)
        return true;
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sa.sa_flags = SA_NODEFER | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGALRM, &sa, NULL) != 0)
            return false;
        installed = true;
    }
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGALRM;
    ev._sigev_un._tid = gettid();
    if (timer_create(CLOCK_MONOTONIC, &ev, &b->timer) != 0)
        return false;
    b->has_timer = true;
    return true;
}

/* Arms the alarm for M's deadline, once per call. */
static void arm(luab_module_t *m)
{
    if (m->armed || !m->deadline || !timer_ready(m->bridge))
        return;
    struct itimerspec it = {
        .it_value = { .tv_sec = (time_t)(m->deadline / 1000000000u),
                      .tv_nsec = (long)(m->deadline % 1000000000u) },
        .it_interval = { .tv_nsec = LUAB_ALARM_REPEAT_NS },
    };
    if (timer_settime(m->bridge->timer, TIMER_ABSTIME, &it, NULL) == 0)
        m->armed = true;
}

void luab_watch(luab_module_t *m)
{
    watched = m;
}

void luab_unwatch(luab_module_t *m)
{
    if (m->armed) {
        struct itimerspec off;
        memset(&off, 0, sizeof off);
        timer_settime(m->bridge->timer, 0, &off, NULL);
        m->armed = false;
    }
    watched = NULL;
    luab_pat_t *p = m->pat;
    if (p && p->kept) {
        /* The kept subject is for one call: let it be collected. */
        luaL_unref(m->L, LUA_REGISTRYINDEX, p->kept_ref);
        p->kept = NULL;
        if (p->L)
            lua_settop(p->L, PAT_BASE);
    }
}

/* ---- the scratch state -------------------------------------------------- */

/* The scratch state's allocator: its blocks on P's list, counted in the
 * module's memory (and refused past its limit). After an alarm that came
 * while it ran, it jumps out itself. */
static void *pat_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    luab_pat_t *p = ud;
    luab_module_t *m = p->m;
    block_t *b = ptr ? (block_t *)((char *)ptr - offsetof(block_t, align))
                     : NULL;
    size_t old = b ? b->size : 0;
    (void)osize;
    p->in_alloc = 1;
    /* No store to the list may move out of the flagged stretch. */
    atomic_signal_fence(memory_order_seq_cst);
    void *out = NULL;
    if (nsize == 0) {
        if (b) {
            if (b->prev)
                b->prev->next = b->next;
            else
                p->blocks = b->next;
            if (b->next)
                b->next->prev = b->prev;
            p->held -= old;
            m->used -= old;
            free(b);
        }
    } else if (nsize > old && (nsize - old > m->limit
                               || m->used > m->limit - (nsize - old))) {
        out = NULL;                     /* the module's memory limit */
    } else {
        block_t *prev = b ? b->prev : NULL, *next = b ? b->next : NULL;
        block_t *nb = realloc(b, sizeof *nb + nsize);
        if (!nb) {
            out = NULL;
        } else {
            if (!b) {
                prev = NULL;
                next = p->blocks;
            }
            nb->prev = prev;
            nb->next = next;
            if (prev)
                prev->next = nb;
            else
                p->blocks = nb;
            if (next)
                next->prev = nb;
            nb->size = nsize;
            p->held = p->held - old + nsize;
            m->used = m->used - old + nsize;
            out = nb->align;
        }
    }
    atomic_signal_fence(memory_order_seq_cst);
    p->in_alloc = 0;
    if (p->pending && p->running) {
        /* Out of the allocator, with the list whole: as safe as the
         * alarm's own jump, and the state is dropped all the same. */
        p->pending = 0;
        p->running = 0;
        siglongjmp(p->jump, 1);
    }
    return out;
}

/* Forgets the scratch state without running any of it: its memory is
 * freed block by block (it may have been stopped anywhere). */
static void drop_state(luab_pat_t *p)
{
    block_t *b = p->blocks;
    while (b) {
        block_t *next = b->next;
        free(b);
        b = next;
    }
    p->m->used -= p->held;
    p->blocks = NULL;
    p->held = 0;
    p->L = NULL;
    if (p->kept) {
        luaL_unref(p->m->L, LUA_REGISTRYINDEX, p->kept_ref);
        p->kept = NULL;
    }
}

static int pat_panic(lua_State *L)
{
    (void)L;
    abort();
}

/* Opens the string library and leaves find, match and gsub at their
 * indexes. */
static int pat_open(lua_State *L)
{
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
    lua_getfield(L, -1, "find");
    lua_getfield(L, -2, "match");
    lua_getfield(L, -3, "gsub");
    lua_remove(L, -4);
    return 3;
}

/* M's scratch state, made when missing; raises in L (the module's) when
 * it cannot be. Not inlined into scratch_call, whose sigsetjmp would make
 * its locals suspect. */
static __attribute__((noinline)) lua_State *pat_state(lua_State *L,
                                                      luab_module_t *m)
{
    if (!m->pat) {
        m->pat = calloc(1, sizeof *m->pat);
        if (!m->pat)
            luaL_error(L, "not enough memory");
        m->pat->m = m;
    }
    luab_pat_t *p = m->pat;
    if (p->L)
        return p->L;
    lua_State *S = lua_newstate(pat_alloc, p);
    if (!S) {
        drop_state(p);
        luaL_error(L, "not enough memory");
    }
    p->L = S;
    lua_atpanic(S, pat_panic);
    lua_pushcfunction(S, pat_open);
    if (lua_pcall(S, 0, 3, 0) != LUA_OK) {
        drop_state(p);
        luaL_error(L, "not enough memory");
    }
    return S;
}

void luab_pat_free(luab_module_t *m)
{
    if (!m->pat)
        return;
    if (m->pat->L) {
        m->pat->kept = NULL;    /* the module's state is closed already */
        drop_state(m->pat);
    }
    free(m->pat);
    m->pat = NULL;
}

/* Raises the limit that was hit again (the count hook's error object). */
static int raise_limit(lua_State *L, luab_module_t *m)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_LIMIT]);
    return lua_error(L);
}

/* Records that the deadline passed, here, and raises it. */
static int time_is_up(lua_State *L, luab_module_t *m)
{
    m->hit = LUAB_LIMIT_TIME;
    luab_where(L, m->hit_where, sizeof m->hit_where, NULL);
    return raise_limit(L, m);
}

/* Leaves the subject S (LEN bytes; argument 1 of L) kept in the scratch
 * state at PAT_BASE + 1 when it is long: kept already, or copied once now
 * in place of the one kept before. The scratch stack holds nothing above
 * the kept subject between calls. */
static void keep_subject(lua_State *L, luab_pat_t *p, const char *s,
                         size_t len)
{
    if (len < LUAB_PAT_KEEP || p->kept == s)
        return;
    if (p->kept) {
        luaL_unref(L, LUA_REGISTRYINDEX, p->kept_ref);
        p->kept = NULL;
    }
    lua_settop(p->L, PAT_BASE);
    lua_pushlstring(p->L, s, len);
    lua_pushvalue(L, 1);
    p->kept_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    p->kept = s;
}

/* A call of a standard function in the scratch state: its arguments. */
typedef struct std_call {
    int fn;                     /* PAT_FIND, PAT_MATCH or PAT_GSUB */
    const char *s, *pat;
    size_t len, plen;
    lua_Integer init;           /* 0: not given */
    int plain;                  /* find's 4th: -1 not given */
    const char *repl;           /* gsub's string replacement */
    size_t rlen;
    lua_Integer max;            /* gsub's 4th: -1 not given */
} std_call_t;

/* Runs C in the scratch state under the deadline, with the subject
 * argument 1 of L. Its K results are left on the scratch stack above
 * *BASE; a Lua error there is raised in L with the same message, and the
 * deadline passing there raises the time limit in L. Returns K. */
static int scratch_call(lua_State *L, const std_call_t *c, int *base)
{
    luab_module_t *m = luab_from(L);
    if (m->hit != LUAB_LIMIT_NONE)
        return raise_limit(L, m);
    if (m->deadline && luab_now_ns() >= m->deadline)
        return time_is_up(L, m);
    lua_State *S = pat_state(L, m);
    luab_pat_t *p = m->pat;
    arm(m);
    if (!lua_checkstack(S, 8))
        return luaL_error(L, "not enough memory");
    keep_subject(L, p, c->s, c->len);
    *base = lua_gettop(S);
    lua_pushvalue(S, c->fn);
    if (p->kept == c->s)
        lua_pushvalue(S, PAT_BASE + 1);
    else
        lua_pushlstring(S, c->s, c->len);
    lua_pushlstring(S, c->pat, c->plen);
    int n = 2;
    if (c->fn == PAT_GSUB) {
        lua_pushlstring(S, c->repl, c->rlen);
        n++;
        if (c->max >= 0) {
            lua_pushinteger(S, c->max);
            n++;
        }
    } else if (c->init || c->plain >= 0) {
        lua_pushinteger(S, c->init ? c->init : 1);
        n++;
        if (c->plain >= 0) {
            lua_pushboolean(S, c->plain);
            n++;
        }
    }
    if (sigsetjmp(p->jump, 0)) {
        /* The alarm stopped the matching: the scratch state may be in
         * any shape, so it is dropped unseen. */
        drop_state(p);
        return time_is_up(L, m);
    }
    p->running = 1;
    int st = lua_pcall(S, n, LUA_MULTRET, 0);
    p->running = 0;
    p->pending = 0;
    if (st != LUA_OK) {
        char msg[256];
        const char *e = lua_tostring(S, -1);
        snprintf(msg, sizeof msg, "%s", e ? e : "not enough memory");
        lua_settop(S, *base);
        return luaL_error(L, "%s", msg);
    }
    return lua_gettop(S) - *base;
}

/* Pushes onto L the K values of the scratch state S from index FROM:
 * integers, strings, or nil for anything else (a failed find's). */
static void pull(lua_State *L, lua_State *S, int from, int k)
{
    luaL_checkstack(L, k, "too many captures");
    for (int i = from; i < from + k; i++) {
        if (lua_type(S, i) == LUA_TNUMBER) {
            lua_pushinteger(L, lua_tointeger(S, i));
        } else if (lua_type(S, i) == LUA_TSTRING) {
            size_t len;
            const char *r = lua_tolstring(S, i, &len);
            lua_pushlstring(L, r, len);
        } else {
            lua_pushnil(L);
        }
    }
}

/* Runs C and pushes its results onto L. */
static int run_std(lua_State *L, const std_call_t *c)
{
    int base;
    int k = scratch_call(L, c, &base);
    lua_State *S = luab_from(L)->pat->L;
    pull(L, S, base + 1, k);
    lua_settop(S, base);
    return k;
}

/* ---- the functions ------------------------------------------------------ */

/* string.find(s, pattern [, init [, plain]]) */
static int str_find(lua_State *L)
{
    std_call_t c = { .fn = PAT_FIND, .plain = -1, .max = -1 };
    c.s = luaL_checklstring(L, 1, &c.len);
    c.pat = luaL_checklstring(L, 2, &c.plen);
    c.init = luaL_optinteger(L, 3, 0);
    if (!lua_isnone(L, 4))
        c.plain = lua_toboolean(L, 4);
    return run_std(L, &c);
}

/* string.match(s, pattern [, init]) */
static int str_match(lua_State *L)
{
    std_call_t c = { .fn = PAT_MATCH, .plain = -1, .max = -1 };
    c.s = luaL_checklstring(L, 1, &c.len);
    c.pat = luaL_checklstring(L, 2, &c.plen);
    c.init = luaL_optinteger(L, 3, 0);
    return run_std(L, &c);
}

/* Finds the first match of the pattern at 2 of L in the subject at 1
 * from position FROM (1-based), with the scratch state's find (anchored
 * at FROM when the pattern starts with '^'). The match is [*START, *END)
 * (0-based offsets); its captures are left on the scratch stack above
 * *BASE + 2, *K of them. false when there is no match (nothing left). */
static bool find_next(lua_State *L, size_t from, size_t *start, size_t *end,
                      int *base, int *k)
{
    std_call_t c = { .fn = PAT_FIND, .plain = -1, .max = -1 };
    c.s = lua_tolstring(L, 1, &c.len);
    c.pat = lua_tolstring(L, 2, &c.plen);
    c.init = (lua_Integer)from;
    int n = scratch_call(L, &c, base);
    lua_State *S = luab_from(L)->pat->L;
    if (n < 2) {
        lua_settop(S, *base);
        return false;
    }
    *start = (size_t)lua_tointeger(S, *base + 1) - 1;
    *end = (size_t)lua_tointeger(S, *base + 2);
    *k = n - 2;
    return true;
}

/* Pushes onto L the captures find_next left (or the whole match when
 * there are none) and empties the scratch stack; gives their number. */
static int take_captures(lua_State *L, const char *s, size_t start,
                         size_t end, int base, int k)
{
    lua_State *S = luab_from(L)->pat->L;
    if (k == 0)
        lua_pushlstring(L, s + start, end - start);
    else
        pull(L, S, base + 3, k);
    lua_settop(S, base);
    return k ? k : 1;
}

/* The iterator of gmatch: upvalues the subject, the pattern (its leading
 * '^' made literal, as gmatch reads it), the next position and the end
 * of the last match (0: none), both 1-based. */
static int gmatch_next(lua_State *L)
{
    lua_settop(L, 0);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, lua_upvalueindex(2));
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    size_t pos = (size_t)lua_tointeger(L, lua_upvalueindex(3));
    size_t last = (size_t)lua_tointeger(L, lua_upvalueindex(4));
    while (pos <= len + 1) {
        size_t start, end;
        int base, k;
        if (!find_next(L, pos, &start, &end, &base, &k))
            break;
        if (end + 1 == last) {
            /* The empty match where the last one ended: not again. */
            lua_settop(luab_from(L)->pat->L, base);
            pos++;
            continue;
        }
        lua_pushinteger(L, (lua_Integer)end + 1);
        lua_pushvalue(L, -1);
        lua_replace(L, lua_upvalueindex(3));
        lua_replace(L, lua_upvalueindex(4));
        return take_captures(L, s, start, end, base, k);
    }
    lua_pushinteger(L, (lua_Integer)len + 2);
    lua_replace(L, lua_upvalueindex(3));
    return 0;
}

/* string.gmatch(s, pattern [, init]) */
static int str_gmatch(lua_State *L)
{
    size_t len, plen;
    luaL_checklstring(L, 1, &len);
    const char *pat = luaL_checklstring(L, 2, &plen);
    lua_Integer init = luaL_optinteger(L, 3, 1);
    if (init < 0)
        init = init < -(lua_Integer)len ? 1 : (lua_Integer)len + init + 1;
    else if (init == 0)
        init = 1;
    if ((lua_Unsigned)init > len + 1)
        init = (lua_Integer)len + 2;    /* nothing left to match */
    lua_settop(L, 2);
    if (plen && pat[0] == '^') {
        lua_pushliteral(L, "%");
        lua_pushvalue(L, 2);
        lua_concat(L, 2);
        lua_replace(L, 2);
    }
    lua_pushinteger(L, init);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, gmatch_next, 4);
    return 1;
}

/* Adds to B the replacement of the match [START, END) of S whose K
 * captures are on top of L, right above B's slot, with the function or
 * table at 3; what is false or nil keeps the match. */
static void add_value(lua_State *L, luaL_Buffer *b, const char *s,
                      size_t start, size_t end, int k)
{
    if (lua_type(L, 3) == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        lua_insert(L, -k - 1);
        lua_call(L, k, 1);
    } else {
        lua_pop(L, k - 1);              /* the first capture is the key */
        lua_gettable(L, 3);
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s + start, end - start);
    } else if (!lua_isstring(L, -1)) {
        luaL_error(L, "invalid replacement value (a %s)",
                   luaL_typename(L, -1));
    } else {
        luaL_addvalue(b);
    }
}

/* string.gsub(s, pattern, repl [, n]) */
static int str_gsub(lua_State *L)
{
    size_t len, plen;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *pat = luaL_checklstring(L, 2, &plen);
    int tr = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)len + 1);
    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING
                     || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                     "string/function/table");
    if (tr == LUA_TNUMBER || tr == LUA_TSTRING) {
        std_call_t c = { .fn = PAT_GSUB, .s = s, .len = len, .pat = pat,
                         .plen = plen, .plain = -1,
                         .max = lua_isnoneornil(L, 4) ? -1 : max };
        c.repl = lua_tolstring(L, 3, &c.rlen);
        return run_std(L, &c);
    }
    /* A function or a table: the matching in the scratch state, the
     * replacements here, where they may run the module's code. Each
     * match found from SRC on is what the standard gsub would meet
     * trying SRC, SRC + 1, ... in turn. */
    bool anchor = plen && pat[0] == '^';
    lua_settop(L, 3);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t src = 0, last = (size_t)-1;
    lua_Integer n = 0;
    while (n < max) {
        size_t start, end;
        int base, k;
        if (!find_next(L, src + 1, &start, &end, &base, &k))
            break;
        if (end == last) {
            /* The empty match where the last one ended: a character is
             * copied instead. */
            lua_settop(luab_from(L)->pat->L, base);
            if (src >= len || anchor)
                break;
            luaL_addchar(&b, s[src++]);
            continue;
        }
        luaL_addlstring(&b, s + src, start - src);
        n++;
        k = take_captures(L, s, start, end, base, k);
        add_value(L, &b, s, start, end, k);
        src = last = end;
        if (anchor)
            break;
    }
    luaL_addlstring(&b, s + src, len - src);
    luaL_pushresult(&b);
    lua_pushinteger(L, n);
    return 2;
}

void luab_timer_free(lua_bridge_t *b)
{
    if (b->has_timer)
        timer_delete(b->timer);
    b->has_timer = false;
}

static const luaL_Reg pattern_funcs[] = {
    { "find", str_find }, { "match", str_match }, { "gmatch", str_gmatch },
    { "gsub", str_gsub }, { NULL, NULL },
};

void luab_open_patterns(lua_State *L)
{
    lua_getglobal(L, LUA_STRLIBNAME);
    luaL_setfuncs(L, pattern_funcs, 0);
    lua_pop(L, 1);
}
