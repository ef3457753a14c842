/* lua_int.h: what the files of the Lua bridge share and nothing else sees:
 * a module's state and its limits (lua_sandbox.c), protected calls and the
 * errors they give (lua_call.c), value conversion (lua_values.c), the mig
 * library (lua_lib.c, lua_schema.c), and the bridge with its rows
 * (lua_bridge.c). Internal names start with luab_. */
#ifndef MIG_LUA_INT_H
#define MIG_LUA_INT_H

#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "lua_bridge.h"

/* The count hook fires every LUAB_HOOK_STEP instructions at most; each
 * firing charges that many to the call's budget. */
#define LUAB_HOOK_STEP 1000u

/* X(ENUM, "name", opener): the libraries a configuration may grant. */
#define LUAB_GRANTS(X)                                                       \
    X(IO, "io", luaopen_io)                                                  \
    X(OS, "os", luaopen_os)                                                  \
    X(DEBUG, "debug", luaopen_debug)                                         \
    X(PACKAGE, "package", luaopen_package)

enum {
#define LUAB_GRANT_ENUM(e, s, f) LUAB_GRANT_##e,
    LUAB_GRANTS(LUAB_GRANT_ENUM)
#undef LUAB_GRANT_ENUM
    LUAB_GRANT_COUNT
};

/* Which limit ended a call, if any. */
typedef enum luab_limit {
    LUAB_LIMIT_NONE,
    LUAB_LIMIT_INSTRUCTIONS,
    LUAB_LIMIT_MEMORY,
    LUAB_LIMIT_TIME,
} luab_limit_t;

/* Registry slots every state keeps (lua_rawgeti(L, LUA_REGISTRYINDEX,
 * m->refs[...])), made when the state is opened. */
typedef enum luab_ref {
    LUAB_REF_LIST,          /* the marker metatable of lists */
    LUAB_REF_MAP,           /* ... of maps */
    LUAB_REF_DURATION,      /* the metatable of durations */
    LUAB_REF_SECRET,        /* the metatable of secrets */
    LUAB_REF_NULL,          /* the mig.null userdata */
    LUAB_REF_BOX,           /* the metatable of C resources held by Lua */
    LUAB_REF_MSGH,          /* the message handler */
    LUAB_REF_KEY_CLASS,     /* the string "class" */
    LUAB_REF_KEY_MESSAGE,   /* the string "message" */
    LUAB_REF_LIMIT,         /* the error object a limit raises */
    LUAB_REF_FNS,           /* the module's functions, by index */
    LUAB_REF_RANDOMSEED,    /* the original math.randomseed */
    LUAB_REF_COUNT
} luab_ref_t;

typedef struct luab_module luab_module_t;
typedef struct luab_scratch luab_scratch_t;
typedef struct luab_pat luab_pat_t;

/* One field of a module's table: a row of the registry. */
typedef struct luab_fn {
    luab_module_t *mod;
    char *name;                 /* "alias.key", the row's name */
    const char *key;            /* "key", inside NAME */
    int index;                  /* in the state's LUAB_REF_FNS table; 0:
                                 * not callable */
    int undo, capture;          /* indexes of KEY_undo, KEY_capture, or 0 */
    action_effect_t effect;     /* as the module's `effects` declares */
    char *doc;
    action_arg_t *reads;        /* luab_fn_reads; NULL: any arguments */
} luab_fn_t;

struct luab_module {
    lua_bridge_t *bridge;
    lua_State *L;
    char *alias;
    char *path;                 /* as written in the plan: the chunk name */
    src_t *src;                 /* the file (owned by the bridge) */
    int refs[LUAB_REF_COUNT];
    const void *p_list, *p_map, *p_duration, *p_null, *p_secret;
    /* the limits: memory */
    size_t used, limit;
    bool sys_oom;               /* malloc failed under the limit */
    const void *refused;        /* the last refused request, to tell Lua's */
    size_t refused_osize, refused_nsize;    /* retry after a GC */
    /* ... and instructions, for the call in progress */
    bool in_call;
    uint64_t budget, spent;
    unsigned step;              /* instructions between two hook calls */
    /* ... and wall-clock time: the call's deadline (luab_now_ns; 0: none),
     * its length, whether it is a step's timeout, whether the alarm is
     * armed for it (lua_pattern.c) */
    uint64_t deadline, time_ms;
    bool time_by_step, armed;
    luab_pat_t *pat;            /* the scratch state of the patterns */
    luab_limit_t hit;
    char hit_where[LUA_IDSIZE + 24];
    /* the failure of the last call: its class; ERR holds the message
     * (ERR_LEN bytes, starting "file:N: " when it has a place) followed by
     * the traceback; ERR_LINE is N when the place is in the module's own
     * file, ERR_BARE the offset of the message after the place. */
    const char *calling;        /* the function called, for tracebacks */
    char short_src[LUA_IDSIZE]; /* the module's file as Lua names it */
    char err_class[64];
    val_t *err_detail;          /* mig.error's DETAIL, or NULL */
    strbuf_t err;
    size_t err_len, err_bare;
    int err_line;
    luab_scratch_t *scratch;    /* what luab_to_val reuses */
    /* the rows */
    luab_fn_t *fns;
    action_t *rows;
    size_t n_fns;
};

struct lua_bridge {
    uint64_t instructions;
    size_t memory;
    uint64_t time_ms;
    timer_t timer;              /* the alarm of lua_pattern.c */
    bool has_timer;
    uint64_t seed;
    bool grants[LUAB_GRANT_COUNT];
    /* Per module: ALIAS gets library GRANT too (module_grants). */
    struct luab_module_grant {
        char *alias;
        size_t grant;
    } *module_grants;
    size_t n_module_grants;
    char *base_dir;             /* ends in '/' unless empty */
    char **roots;               /* where modules may load from: the base
                                 * directory and the module paths, each
                                 * resolved (realpath), ending in '/' */
    size_t n_roots;
    char **classes;             /* the plan's own error classes */
    size_t n_classes;
    val_t *params;
    lua_bridge_log_fn log;
    void *log_data;
    action_ctx_t *call_ctx;     /* the call in progress (log_to_call) */
    luab_module_t **mods;
    size_t n_mods, cap_mods;
    src_t **srcs;               /* every file read, kept for diagnostics */
    size_t n_srcs, cap_srcs;
};

/* The module whose state L (or a thread of it) is. */
static inline luab_module_t *luab_from(lua_State *L)
{
    return *(luab_module_t **)lua_getextraspace(L);
}

/* ---- lua_sandbox.c ------------------------------------------------------ */

/* Opens M's state: the sandboxed libraries, the granted ones, the mig
 * library, the registry slots, the hook. MIG_OK; MIG_EINVALID when the
 * memory limit is too small to open it (said in ERR); MIG_ENOMEM. */
mig_status_t luab_open(luab_module_t *m, strbuf_t *err);
/* Seeds math.random of M's state with SEED. */
void luab_seed(luab_module_t *m, uint64_t seed);
/* "file:line" of the innermost Lua function running in L, or "" . */
void luab_where(lua_State *L, char *buf, size_t size, int *line);

/* ---- lua_call.c --------------------------------------------------------- */

/* Calls BODY(L) with DATA as its one (light userdata) argument in M's
 * state, protected, under the limits, with the message handler. On
 * MIG_OK, BODY's NRESULTS results are on the stack. On MIG_EINVALID the
 * failure is in M (err_class, err, trace, err_line). MIG_ENOMEM when C
 * memory ran out. WHAT names the function called, for tracebacks. */
mig_status_t luab_pcall(luab_module_t *m, lua_CFunction body, void *data,
                        int nresults, const char *what, int64_t step_ms);
/* M's failure as one text: the message and the traceback. */
static inline const char *luab_failure(const luab_module_t *m)
{
    return m->err.data ? m->err.data : "";
}
/* Records a failure of class CLS made by mig itself (a value that cannot
 * convert, a malformed decision), replacing the last one. */
void luab_fail(luab_module_t *m, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The message handler of every protected call. */
int luab_msgh(lua_State *L);
/* The count hook. */
void luab_hook(lua_State *L, lua_Debug *ar);

/* ---- lua_values.c ------------------------------------------------------- */

/* Pushes V onto L as a Lua value (docs/lua.md, "Values"). Raises a Lua
 * error when memory runs out: call it only in a protected call. */
void luab_push(lua_State *L, const val_t *v);
/* Pushes the arguments ARGS (a map) as the one table a function gets: a
 * key "N" (a positional argument) becomes the integer key N. */
void luab_push_args(lua_State *L, const val_t *args);
/* A key of a Lua table, ranked so that what is reported about a table
 * with several faults is the same from run to run, whatever order Lua's
 * hash gives: integer keys by value, then strings by bytes, then floats
 * by value, then the other types (false before true). S points into the
 * Lua string, alive as long as the table holds the key. */
typedef struct luab_key {
    int rank;
    lua_Integer i;
    double d;
    const char *s;
    size_t len;
} luab_key_t;
luab_key_t luab_key(lua_State *L, int idx);
int luab_key_cmp(const luab_key_t *a, const luab_key_t *b);
/* Frees what luab_to_val keeps between conversions. NULL ok. */
void luab_scratch_free(luab_scratch_t *s);
/* Pushes a duration of MS milliseconds. */
void luab_push_duration(lua_State *L, int64_t ms);

/* Converts the Lua value at IDX of L into a new value *OUT, without
 * running Lua code or raising a Lua error. A value that has no mig form
 * (a function, a cycle, invalid UTF-8, ...) gives MIG_EINVALID with the
 * reason, and where in the value it is, in WHY; MIG_ENOMEM. */
mig_status_t luab_to_val(lua_State *L, int idx, strbuf_t *why, val_t **out);

/* A block of C resources that Lua owns while a library function runs, so
 * that a Lua error (out of memory) in the middle frees them: its __gc
 * releases whatever is still in it. */
typedef struct luab_box {
    val_t *vals[3];
    strbuf_t buf;
    src_t *src;
    diag_list_t diags;
} luab_box_t;
/* Pushes a new empty box (raises when out of memory). */
luab_box_t *luab_box_new(lua_State *L);
/* Releases what B holds now (it stays usable). */
void luab_box_clear(luab_box_t *b);
int luab_box_gc(lua_State *L);

/* ---- lua_lib.c ---------------------------------------------------------- */

/* Opens the mig library as the global `mig` (and `print`). */
void luab_open_mig(lua_State *L);
/* Makes the metatables and values the conversions use, into M's refs. */
void luab_open_values(lua_State *L, luab_module_t *m);
/* mig.type's answer for the value at IDX. */
const char *luab_type(lua_State *L, int idx);

/* ---- lua_bridge.c ------------------------------------------------------- */

/* Whether NAME (LEN bytes) is an error class a module may raise: a
 * built-in one or one of the plan's. */
bool luab_class_known(const lua_bridge_t *b, const char *name, size_t len);
/* The known class closest to NAME, for a "did you mean", or NULL. */
const char *luab_class_near(const lua_bridge_t *b, const char *name,
                            size_t len);

/* The functions of a module's rows (lua_bridge.h, lua_bridge_load). */
mig_status_t luab_row_run(action_ctx_t *ctx, const val_t *args,
                          val_t **result);
mig_status_t luab_row_preview(action_ctx_t *ctx, const val_t *args,
                              val_t **result);
mig_status_t luab_row_capture(action_ctx_t *ctx, const val_t *args,
                              val_t **result);
mig_status_t luab_row_undo(action_ctx_t *ctx, const val_t *record,
                           val_t **result);
mig_status_t luab_row_dead(action_ctx_t *ctx, const val_t *args,
                           val_t **result);

/* ---- lua_load.c --------------------------------------------------------- */

/* Opens M's state, runs its main chunk and reads the fields of the table
 * it returns into M's rows (lua_bridge_load says what is reported).
 * M->bridge, alias, path, src and short_src are set. */
mig_status_t luab_load_module(luab_module_t *m, diag_list_t *diags);

/* ---- lua_pattern.c ------------------------------------------------------ */

/* The monotonic clock, in nanoseconds. */
uint64_t luab_now_ns(void);
/* Replaces string.find, match, gmatch and gsub of L (the string table)
 * with the ones that run their matching under the deadline. */
void luab_open_patterns(lua_State *L);
/* Around each protected call of M: the alarm watches M's deadline from
 * luab_watch until luab_unwatch, which disarms it. */
void luab_watch(luab_module_t *m);
void luab_unwatch(luab_module_t *m);
/* Frees M's scratch state (after M's own state is closed). */
void luab_pat_free(luab_module_t *m);
/* Deletes B's timer, if it made one. */
void luab_timer_free(lua_bridge_t *b);

/* ---- lua_hook.c --------------------------------------------------------- */

/* Checks V, what hook F returned, as a decision, and gives it as a new map
 * *OUT {decision, input?, reason?, message?, to?}. A malformed one is a
 * failure of F's module (MIG_EINVALID) that says what is wrong. */
mig_status_t luab_decision(luab_fn_t *f, const val_t *v, val_t **out);

/* ---- lua_schema.c ------------------------------------------------------- */

/* Validates VALUE against SCHEMA (the JSON-Schema subset of docs/lua.md),
 * appending a message "PATH: what is wrong" to ERRORS (a list) for each
 * violation. A schema that is itself wrong gives MIG_EINVALID, said in
 * WHY; MIG_ENOMEM. */
mig_status_t luab_schema_validate(const val_t *value, const val_t *schema,
                                  val_t *errors, strbuf_t *why);

/* ---- lua_reads.c ------------------------------------------------------- */

/* Sets F->reads (a row list ended by a NULL name, owned by F) to the
 * argument names F's function reads, when its source shows them all:
 * its one parameter used only as PARAM.NAME, PARAM["NAME"] or PARAM[N].
 * Otherwise F->reads stays NULL (any argument may be read). MIG_OK or
 * MIG_ENOMEM. */
mig_status_t luab_fn_reads(luab_module_t *m, luab_fn_t *f);
void luab_fn_reads_free(luab_fn_t *f);

#endif
