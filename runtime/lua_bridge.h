/* lua_bridge.h: the Lua bridge, the only way Lua enters mig. A plan's
 * `lua "PATH" as NAME` modules are loaded into sandboxed Lua 5.4 states
 * (one per module), and each function of a module becomes a row of the
 * action registry (NAME.fn) whose functions convert the arguments to Lua,
 * call it under the limits and convert the result back. The same
 * functions serve as recovery hooks (lua_bridge_hook). docs/lua.md is the
 * user's description of everything declared here.
 *
 * It sits on runtime.h (action_ctx_t, actx_fail) and knows nothing of the
 * scheduler: a run calls Lua only through the rows and lua_bridge_hook. A
 * bridge and everything made from it belong to one thread. */
#ifndef MIG_LUA_BRIDGE_H
#define MIG_LUA_BRIDGE_H

#include "runtime.h"

typedef struct lua_bridge lua_bridge_t;

/* The defaults of the limits (docs/lua.md, "Limits"). */
#define LUA_BRIDGE_INSTRUCTIONS 10000000u       /* per call */
#define LUA_BRIDGE_MEMORY ((size_t)64 << 20)    /* per module state */
#define LUA_BRIDGE_TIME_MS 5000u                /* per call, wall clock */

/* What a bridge is made with. Zero fields take the defaults; every
 * string is copied. */
typedef struct lua_bridge_config {
    /* The most VM instructions one call may run (the module's main chunk
     * counts as a call too). */
    uint64_t instructions;
    /* The most bytes one module's Lua state may hold, all its calls
     * together. */
    size_t memory;
    /* The most wall-clock time one call may take, in milliseconds (the
     * main chunk counts as a call). A call of a row whose context has a
     * shorter time limit (a step's timeout, actx_set_time_limit) gets
     * that one, and fails with the class Timeout when it is hit. */
    uint64_t time_ms;
    /* Seeds math.random in every module, so that runs are reproducible. */
    uint64_t seed;
    /* Libraries granted beyond the sandbox, by name: "io", "os", "debug"
     * or "package" (which also gives require). */
    const char *const *grants;
    size_t n_grants;
    /* Where module paths start: the plan's directory ("" or NULL: the
     * current directory). Modules load only from inside it (symbolic
     * links followed) or inside one of MODULE_PATHS. */
    const char *base_dir;
    /* More directories modules may load from (a configuration's module
     * paths); a path that leads into one of them (absolute, or relative
     * to BASE_DIR) is accepted. Each must exist. */
    const char *const *module_paths;
    size_t n_module_paths;
    /* The error classes the plan declares (`error NAME : PARENT`): with
     * the built-in ones, the only classes a module may raise with
     * mig.error or error{class = ...}. */
    const char *const *classes;
    size_t n_classes;
    /* Libraries granted to one module only (mig.yaml's lua_grants): the
     * module loaded as ALIAS also gets LIBRARY ("io", "os", "debug" or
     * "package"). An unknown library is an error as for GRANTS. */
    const struct lua_bridge_grant {
        const char *alias, *library;
    } *module_grants;
    size_t n_module_grants;
} lua_bridge_config_t;

/* A new bridge with CFG (NULL: every default). An unknown grant is an
 * error in DIAGS (with a "did you mean") and MIG_EINVALID; MIG_ENOMEM
 * when out of memory. *OUT is set only on MIG_OK. */
mig_status_t lua_bridge_new(const lua_bridge_config_t *cfg,
                            diag_list_t *diags, lua_bridge_t **out);
/* Closes every module's state and frees the rows. Any registry the rows
 * were added to must not be used for them afterwards (free it first).
 * NULL ok. */
void lua_bridge_free(lua_bridge_t *b);

/* Loads the module at PATH (relative to the base directory unless
 * absolute) under the name ALIAS. PATH must end in ".lua" and name a
 * regular file inside the base directory or a module path, once every
 * symbolic link and ".." is resolved; otherwise the load is refused
 * (MIG_EINVALID) with a message that quotes nothing of the file. The
 * module is read as text (a precompiled chunk is refused), its main
 * chunk runs in a new sandboxed state under the limits, and one row is
 * added to R per field of the table it returns whose key is a name:
 *   - a function (or a value with a __call metamethod) gives ALIAS.KEY,
 *     with the effect the module's `effects` table declares (pure when
 *     it says nothing; docs/lua.md, "Effects"), args NULL (any
 *     arguments: action_bind_args binds them) and result
 *     ACTION_T_ANY; data points to the bridge's record of the function;
 *   - any other value (but the `effects` table) gives a row that is not
 *     callable: result 0, a doc saying what the value is, and functions
 *     that fail with a ScriptError. interpreter/check.c reports calls of
 *     it.
 * The rows belong to B and live as long as it. Errors go to DIAGS, at
 * the Lua file and line where there is one: a syntax error, an error or
 * a limit hit in the main chunk, a result that is not a table, a wrong
 * `effects` table, ALIAS already loaded or already a namespace of R.
 * Returns MIG_OK, MIG_EIO when the file cannot be read (reported, with
 * nothing added), MIG_EINVALID (nothing added), or MIG_ENOMEM. */
mig_status_t lua_bridge_load(lua_bridge_t *b, const char *alias,
                             const char *path, action_registry_t *r,
                             diag_list_t *diags);

/* Whether NAME ("alias.fn") is a callable function of a loaded module. */
bool lua_bridge_has(const lua_bridge_t *b, const char *name);

/* The run's parameters that Lua reads as mig.params: a map, or NULL for
 * none (an empty table; so is any value that is not a map). A reference
 * is added. */
void lua_bridge_set_params(lua_bridge_t *b, val_t *params);

/* Seeds math.random again, in every module loaded and to be loaded: for
 * a run whose seed is known only after the plan was loaded. */
void lua_bridge_set_seed(lua_bridge_t *b, uint64_t seed);

/* Where mig.log.info/warn/error (and print) go: FN gets the level
 * ("info", "warn", "error"), the module's alias, the Lua position of the
 * call ("adapters/x.lua:12", or "" when unknown) and the message. The
 * default puts each line in the log of the call in progress (actx_log:
 * the runtime records it as a `log` event of the step or the handler);
 * outside a call, lines are dropped. */
typedef void (*lua_bridge_log_fn)(void *data, const char *level,
                                  const char *module, const char *where,
                                  const char *message);
void lua_bridge_set_log(lua_bridge_t *b, lua_bridge_log_fn fn, void *data);

/* Calls the function NAME ("alias.fn") as a recovery hook: its one
 * argument is the table of CONTEXT's entries (a map, or NULL: none) with
 * `err` set to ERR (a map: {class, message, node, attempt, input}, as the
 * caller has it). The hook returns its decision, a string or a table
 * (docs/lua.md, "Recovery hooks"), which is checked and given as a new map
 * *DECISION:
 *   {decision: "retry", input?: map}   {decision: "skip", reason?: string}
 *   {decision: "fail", message?: string}
 *   {decision: "rollback", to: string}
 * Everything that goes wrong (NAME unknown or not callable, a Lua error,
 * a limit, a malformed decision) fails CTX with its class and a message
 * that says what was wrong, and gives MIG_EINVALID; MIG_ENOMEM when out
 * of memory. */
mig_status_t lua_bridge_hook(lua_bridge_t *b, const char *name,
                             const val_t *err, const val_t *context,
                             action_ctx_t *ctx, val_t **decision);

#endif
