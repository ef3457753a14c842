/* mig_stdlib.h: the public face of mig's standard library: the built-in
 * actions (file.*, exec.*, log.*, test.*) and recovery strategies
 * (adapt.*), each a row of a table. docs/actions.md describes every row.
 * It sits on runtime.h: actions touch the world through action_ctx_t.
 * (Not stdlib.h, which would hide the C library's.) */
#ifndef MIG_STDLIB_H
#define MIG_STDLIB_H

#include "runtime.h"

/* Adds every table of the standard library to R. MIG_OK or MIG_ENOMEM. */
mig_status_t stdlib_register(action_registry_t *r);

struct lua_bridge;
/* The registry PLAN (parsed from SRC; a partial tree of a parse with
 * errors will do) is checked against:
 * a new *ACTIONS with the standard library's rows, then each Lua module's
 * functions (ALIAS.fn), the modules loaded into a new bridge *LUA with
 * DIR (the plan's directory, "" for the current one) as their base. A
 * `lua` item the checks will report is skipped: an alias loaded before
 * or taken by the standard library, a path with ${...}, a file that
 * cannot be read. What loading finds wrong (a Lua syntax error, ...) goes
 * to DIAGS. Returns MIG_OK, MIG_EINVALID or MIG_ENOMEM; the caller frees
 * *ACTIONS (first) and *LUA (lua_bridge_free) whatever it returns. */
mig_status_t stdlib_plan_modules(const ast_plan_t *plan, src_t *src,
                                 const char *dir, diag_list_t *diags,
                                 action_registry_t **actions,
                                 struct lua_bridge **lua);

#endif
