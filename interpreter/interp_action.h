/* interp_action.h: part of interpreter.h, the interpreter layer's one public
 * header, which includes every part: include interpreter.h, not this.
 * Here: the actions a step can call, as rows of a registry, with their
 * arguments, effects, undo and handlers, and the write roots a plan may
 * change (docs/actions.md). */
#ifndef MIG_INTERP_ACTION_H
#define MIG_INTERP_ACTION_H

#include "interp_eval.h"

/* ---- actions ------------------------------------------------------------ */

/* Every action a step can call (the stdlib's in C, later Lua's) is one row
 * of a table registered in an action_registry_t. The interpreter checks
 * calls against the rows before anything runs; the runtime calls their
 * functions. docs/actions.md lists the rows of the standard library. */

/* X(ENUM, "name", "what it means"): what running an action does to the
 * state a plan manages, and so how a step that calls it is undone. */
#define ACTION_EFFECTS(X)                                                     \
    X(PURE, "pure", "reads only; may also be called in expressions")         \
    X(SELF_UNDO, "self-undo", "changes state and records how to undo it")    \
    X(PLAN_UNDO, "plan-undo", "changes state; undone only by the step's undo") \
    X(IRREVERSIBLE, "irreversible", "changes state for good")

typedef enum action_effect {
#define ACTION_EFFECT_ENUM(e, s, d) ACTION_##e,
    ACTION_EFFECTS(ACTION_EFFECT_ENUM)
#undef ACTION_EFFECT_ENUM
} action_effect_t;

/* Type masks for arguments and results: one bit per val_type_t. */
#define ACTION_T(type) (1u << VAL_##type)
/* Any value but a secret: a secret goes only where a row says so (an
 * argument's .secrets). */
#define ACTION_T_ANY 0x7fu

/* One argument of an action. Positional arguments fill the rows in order;
 * named ones go to the row of that name. */
typedef struct action_arg {
    const char *name;
    unsigned types;         /* ACTION_T_* mask of the values accepted */
    bool required;
    /* A path the call changes: it must lie in the plan's write roots
     * (roots.c), checked by mig check when the plan spells it out, by the
     * dry run and by the run before the call. */
    bool writes;
    /* A path the call writes whole (file.write's path, the `to` of copy
     * and move): two calls the plan does not order (items of one
     * foreach) writing it in one run are a Conflict, unless the call's
     * `replace` argument is true (docs/runtime.md, "Same-path writes"). */
    bool replaces;
    const char *def;        /* default as JSON text, or NULL (no value) */
    const char *doc;
    /* It takes secrets (docs/values.md, "Secrets"): a secret where it
     * takes a string, and lists and maps that hold secrets. The action
     * reads their bytes only with val_secret_reveal, where they leave
     * mig. Without it, a value that is or holds a secret is refused. */
    bool secrets;
} action_arg_t;

/* The context an action's functions get from the runtime: where relative
 * paths start, what it may read and, outside a dry run, change, and where
 * it reports an error or a preview. Defined by the runtime (runtime.h). */
typedef struct action_ctx action_ctx_t;

/* ARGS is a map holding every argument of the row that has a value (given,
 * or its default), checked against the row. A function returns MIG_OK
 * (setting *RESULT to a new reference where it gives one), or reports
 * through CTX and returns MIG_EINVALID / MIG_ENOMEM. */
typedef mig_status_t (*action_fn)(action_ctx_t *ctx, const val_t *args,
                                  val_t **result);
/* Appends what a call with the bound arguments ARGS reaches (action_t,
 * target_of); MIG_OK or MIG_ENOMEM. */
typedef mig_status_t (*action_target_fn)(const val_t *args, strbuf_t *out);
/* `per: "action"` in a breaker: one breaker for the whole action, even
 * for a row that keeps one per target by default (action_t, target_of). */
#define BREAKER_PER_ACTION "action"

typedef struct action {
    const char *name;       /* "file.write": namespace, dot, name */
    action_effect_t effect;
    const action_arg_t *args;   /* ended by a row with name NULL */
    unsigned result;        /* ACTION_T_* mask of what it gives */
    /* Says what the call would do without doing it: a pure action
     * computes its result; others record the changes they would make
     * (runtime.h, actx_would). Gets a read-only context. */
    action_fn preview;
    /* SELF_UNDO actions only, called before run with the same ARGS:
     * keeps what the call will change (runtime.h, actx_keep) and gives as
     * *RESULT the undo record, a value the journal stores before run is
     * called and hands back to undo. Changes nothing. */
    action_fn capture;
    /* Does it. May finish later (runtime.h, actx_suspend). */
    action_fn run;
    /* Reverses run: ARGS is the record capture gave. Idempotent: undoing
     * twice, or undoing a call whose run never happened, leaves the state
     * as capture found it. */
    action_fn undo;
    /* Whether the effect of run with ARGS is already in place (*RESULT a
     * bool): asked on resume for a step that was in flight when the
     * process died. NULL: such a step is undone and run again. */
    action_fn applied;
    /* Its run calls actx_started before its effect can begin (exec.run):
     * a journal record of it that has no process never began, so it has
     * nothing to undo and runs again on resume; one that has a process is
     * settled by applied (docs/actions.md, "Run at most once"). */
    bool reports_start;
    const char *doc;
    /* The row's own data, for rows made at run time (a Lua module's
     * functions): its functions reach it through actx_action. */
    void *data;
    /* A row that takes any arguments (ARGS NULL: a Lua function's) may
     * still say which names it reads (ended by a row with name NULL):
     * `mig check` reports a named argument not among them. NULL: any. */
    const action_arg_t *reads;
    /* For a row whose calls differ in effect (http.request: a GET reads,
     * a PUT changes): the effect of one call, ARGS its bound arguments.
     * `mig check` passes only what it knows before the run: the literal
     * strings, the defaults, and null for any other argument the call
     * gives (its value unknown), so an argument that is absent or null
     * may be anything: the function then answers EFFECT. NULL: every
     * call has EFFECT. */
    action_effect_t (*effect_of)(const struct action *row,
                                 const val_t *args);
    /* The target a call reaches, for circuit breakers (docs/language.md,
     * "breaker"): a breaker on this row without `per` keeps one breaker
     * per target (http.request: "scheme://host:port" of its url).
     * Appends it to OUT, ARGS the call's bound arguments. NULL: one
     * breaker for the action. */
    action_target_fn target_of;
    /* What the journal and the step's record keep of a call's arguments
     * ARGS, as a new value (http.request: credentials as "***", the body
     * as its digest); NULL when out of memory. NULL (no function): the
     * arguments as they are. */
    val_t *(*journal_args)(const val_t *args);
} action_t;

/* The effect of a call of A with the bound arguments ARGS (A's effect_of,
 * or its effect). */
action_effect_t action_call_effect(const action_t *a, const val_t *args);

/* A recovery strategy's function (recover CLASS with NAME). ERR is the
 * error as a recover block sees it (docs/recovery.md, "The error"):
 * {class, message, node, item, attempt, span, input, detail}, INPUT being
 * the failed call's arguments and DETAIL what the action said of the
 * error (a map, or null). ARGS are the arguments written in `with
 * NAME(...)`, bound to the row with their defaults. It gives *DECISION,
 * a new map, one of:
 *   {decision: "retry", input: MAP, changes: [TEXT...]}: call the failed
 *     step again, each argument named in INPUT replaced by its value;
 *   {decision: "fail", message: TEXT, changes: [TEXT...]}: the error
 *     cannot be repaired, and why (the item fails with its class);
 *   {decision: "after", on: [NAME...], by: KEY}: run the items of the
 *     enclosing foreach that NAME (item[KEY], or the item itself when it
 *     is a string) first, then call again (adapt.resolve_dependency).
 * CHANGES (may be empty) say what was changed, one line each: the journal
 * keeps them and `mig log` shows them. Returns MIG_OK; MIG_EINVALID,
 * reported through CTX (actx_fail), when the strategy cannot run at all
 * (its own arguments are wrong: then both errors are reported); or
 * MIG_ENOMEM. */
typedef mig_status_t (*handler_fn)(action_ctx_t *ctx, const val_t *err,
                                   const val_t *args, val_t **decision);

/* A recovery strategy: a row with the arguments a plan may give it and
 * its function. */
typedef struct action_handler {
    const char *name;       /* "adapt.params" */
    const action_arg_t *args;
    handler_fn run;
    const char *doc;
} action_handler_t;

typedef struct action_registry action_registry_t;

/* A new empty registry; NULL when out of memory. */
action_registry_t *action_registry_new(void);
void action_registry_free(action_registry_t *r);
/* Adds the N rows of TABLE (borrowed: it must outlive R, a static table).
 * A name already present is a programming error (asserted). MIG_OK or
 * MIG_ENOMEM. Each row's defaults are read once, here. */
mig_status_t action_registry_add(action_registry_t *r, const action_t *table,
                                 size_t n);
mig_status_t action_registry_add_handlers(action_registry_t *r,
                                          const action_handler_t *table,
                                          size_t n);
/* The row named NAME, or NULL. */
const action_t *action_find(const action_registry_t *r, const char *name);
const action_handler_t *action_find_handler(const action_registry_t *r,
                                            const char *name);
/* Whether some action or handler is named NS.something. */
bool action_has_namespace(const action_registry_t *r, const char *ns,
                          size_t len);
/* The rows, sorted by name (for docs and `mig help actions`). */
size_t action_count(const action_registry_t *r);
const action_t *action_at(const action_registry_t *r, size_t i);
size_t action_handler_count(const action_registry_t *r);
const action_handler_t *action_handler_at(const action_registry_t *r,
                                          size_t i);
/* The registered action or handler name closest to NAME, for a "did you
 * mean", or NULL when none is close. */
const char *action_suggest(const action_registry_t *r, const char *name);
/* The default of argument row A (of a registered table), borrowed; NULL
 * when it has none. */
val_t *action_arg_default(const action_registry_t *r, const action_arg_t *a);
const char *action_effect_name(action_effect_t e);
/* "a string", "a number or a duration", "any value": for messages. */
void action_types_text(unsigned types, strbuf_t *out);

/* Checks CALL (an AST_CALL) against the argument rows ARGS, knowing of each
 * of its arguments, in the order written, only the types it may have
 * (TYPES[i], an ACTION_T_* mask; ACTION_T_ANY when unknown). Reports an
 * unknown name (with "did you mean"), a missing required argument, too
 * many positional ones, or a type that cannot fit, at the argument in SRC.
 * WHAT names the callee in messages ("file.write"). MIG_OK, MIG_EINVALID
 * or MIG_ENOMEM. */
mig_status_t action_check_call(const char *what, const action_arg_t *args,
                               const ast_node_t *call, const unsigned *types,
                               src_t *src, diag_list_t *diags);
/* Binds the evaluated arguments VALUES of CALL (borrowed, in the order
 * written) to the rows ARGS like action_check_call, and fills in defaults,
 * into a new map *OUT in the order of the rows. ARGS NULL (a row that
 * takes any arguments: a Lua function's) binds a named argument under its
 * name and the Nth positional one under "N" (R is not used then); a name
 * given twice is an error at its place. */
mig_status_t action_bind_args(const action_registry_t *r, const char *what,
                              const action_arg_t *args,
                              const ast_node_t *call, val_t *const *values,
                              src_t *src, diag_list_t *diags, val_t **out);

/* ---- write roots (roots.c) ---------------------------------------------- */

/* The folders a plan may change: its own folder, then each folder its
 * `writes` items name (relative to the plan's folder, or absolute), in
 * the order given (docs/language.md, "writes"). Reads are not bounded. */
typedef struct roots_memo roots_memo_t;
typedef struct write_roots {
    char **paths;               /* absolute, normalized: "/a/b" */
    char **given;               /* as the plan wrote them ("." first) */
    size_t n;
    bool real;                  /* resolved through symbolic links */
    roots_memo_t *memo;         /* roots_remember's or roots_keep's */
} write_roots_t;

/* The roots of PLAN, whose folder is DIR ("" or relative: from the
 * working directory), into *OUT (roots_free it). Lexical: no file is
 * looked at. MIG_OK or MIG_ENOMEM. */
mig_status_t roots_of_plan(const ast_plan_t *plan, const char *dir,
                           write_roots_t *out);
/* Adds the N folders PATHS (absolute, or relative to the working
 * directory: mig.yaml's write_roots) to R, before it is resolved; each is
 * named in messages as written. MIG_OK or MIG_ENOMEM. */
mig_status_t roots_add_all(write_roots_t *r, const char *const *paths,
                           size_t n);
/* Resolves each root through symbolic links (the longest part of it that
 * exists), as roots_contain then resolves each path: what the run uses,
 * so that a link inside a root cannot lead a write out of it. */
mig_status_t roots_resolve(write_roots_t *r);
/* From now on R remembers what it finds out about the files (the working
 * directory, which names exist, where links lead), so that each path
 * shares the work done for the folders above it: a path costs one look
 * at each folder not seen before, not a resolution from "/". Only for a
 * caller during which nothing changes the files: the static checks, not
 * a run. roots_free frees it. MIG_OK or MIG_ENOMEM. */
mig_status_t roots_remember(write_roots_t *r);
/* From now on R keeps, for each path whose whole name exists when it is
 * resolved, where it led and the file it named (device and inode): the
 * same path asked again costs one stat, and its resolution is used again
 * while that stat finds the same file; a path that names another file
 * now, or none, or that did not exist, is resolved again. For a run,
 * where the files may change under it (docs/language.md, "writes", says
 * what this allows). One or the other of roots_remember and roots_keep:
 * the first called is kept. roots_free frees it. MIG_OK or MIG_ENOMEM. */
mig_status_t roots_keep(write_roots_t *r);
void roots_free(write_roots_t *r);
/* *INSIDE: whether PATH (relative to DIR, or absolute) lies in one of the
 * roots R (a root itself included), after ".." is taken back and, when R
 * was resolved, the part of PATH that exists is resolved through
 * symbolic links. MIG_OK or MIG_ENOMEM. */
mig_status_t roots_contain(const write_roots_t *r, const char *dir,
                           const char *path, bool *inside);
/* PATH (relative to DIR, or absolute) as roots_contain compares it: one
 * absolute name, resolved through symbolic links when R was. NULL when
 * out of memory. */
char *roots_path(const write_roots_t *r, const char *dir, const char *path);
/* Appends the roots to OUT for a message, as the plan wrote them: "the
 * plan's folder, '../shared'". */
mig_status_t roots_text(const write_roots_t *r, strbuf_t *out);
/* The first argument of a call to an action whose rows are ROWS, bound
 * to ARGS (a map), that names a path the call changes (a row with
 * .writes) outside the roots R: *ARG gets the row's name and *PATH the
 * path (borrowed from ARGS), both NULL when every one lies in R. MIG_OK
 * or MIG_ENOMEM. */
mig_status_t roots_check_args(const write_roots_t *r, const char *dir,
                              const action_arg_t *rows, const val_t *args,
                              const char **arg, const char **path);

#endif
