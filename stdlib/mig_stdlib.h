/* mig_stdlib.h: the public face of mig's standard library: the built-in
 * actions (file.*, exec.*, log.*, test.*) and recovery strategies
 * (adapt.*), each a row of a table. docs/actions.md describes every row.
 * It sits on runtime.h: actions touch the world through action_ctx_t.
 * (Not stdlib.h, which would hide the C library's.) */
#ifndef MIG_STDLIB_H
#define MIG_STDLIB_H

#include "runtime.h"
#include "store.h"

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

/* ---- the per-file outcome report of a run (tools_report.c) ------------ */

/* The version of the report's JSON shape (docs/report.md); it grows when
 * a field changes meaning or goes, not when one is added. */
#define TOOLS_REPORT_VERSION 1
/* A reason or an error message longer than this many bytes is cut in
 * its middle, saying how many bytes were left out (strbuf_put_clipped). */
#define TOOLS_REPORT_REASON_MAX 240

/* The per-file outcome report of run RUN of S (docs/report.md, "The
 * JSON shape", all but "report" and "run", which the caller adds), built
 * from the journal alone: the files its tools.scan and tools.read steps
 * saw, the records each gave, and what its tools.normalize and
 * registry.put steps did with them, matched by the records' provenance,
 * never by step names. *OUT gets a new map {steps, files, totals,
 * unattributed, rollback}: files sorted by path. S is only read. Returns
 * MIG_OK, MIG_ENOMEM, or the store's error (its message in
 * store_diags). */
mig_status_t tools_report_build(store_t *s, int64_t run, val_t **out);

#endif
