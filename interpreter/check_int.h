/* check_int.h: what the files of the static checker share (check.c walks
 * plan items and statements, check_expr.c types expressions, check_call.c
 * resolves and checks calls, check_flow.c checks error classes,
 * checkpoints and retry policies): the checker's state and its scopes. No
 * other file sees it. */
#ifndef MIG_CHECK_INT_H
#define MIG_CHECK_INT_H

#include "interpreter_int.h"

#define CHECK_NONE UINT32_MAX

/* What a name in scope stands for. */
typedef enum cname_kind {
    CN_PARAM, CN_LET, CN_STEP, CN_VAR, CN_ERR,
} cname_kind_t;

typedef struct cname {
    const char *name;
    cname_kind_t kind;
    unsigned mask;              /* ACTION_T_* types its value may have */
    const src_span_t *span;     /* where it was bound */
} cname_t;

/* A block's names. STEPS marks the scope a step's name goes to: the
 * stage, a foreach body, a recover block or a hook (docs/checks.md). */
typedef struct cscope {
    struct cscope *parent;
    cname_t *names;
    uint32_t len, cap;
    smap_t index;               /* name -> its last entry in NAMES */
    bool steps;
} cscope_t;

/* Where a statement stands, as far as rollbacks care: its stage, the
 * innermost foreach around it, and the if branches it is in. */
typedef struct cplace {
    uint32_t stage;             /* index into stages, or CHECK_NONE */
    const ast_node_t *loop;     /* the innermost FOREACH, or NULL */
    const ast_node_t **ifs;     /* IF nodes, outermost first */
    uint8_t *branch;            /* 0 then, 1 else, per entry of IFS */
    uint32_t n_ifs;
} cplace_t;

/* One checkpoint, with where it stands. */
typedef struct ccheckpoint {
    const ast_node_t *node;
    cplace_t place;
} ccheckpoint_t;

/* One stage: its node, its `after` stages (indexes) and its steps that
 * other stages may read as STAGE.STEP (name -> index into STEP_NODES). */
typedef struct cstage {
    const ast_node_t *node;
    uint32_t *after;
    uint32_t n_after;
    smap_t steps;
    const ast_node_t **step_nodes;
    uint32_t n_steps, cap_steps;
} cstage_t;

/* An expression's type as far as the checker can tell, and its value
 * when it is a constant (a new reference; NULL when not known). */
typedef struct ctype {
    unsigned mask;
    val_t *value;
} ctype_t;

typedef struct chk {
    const ast_plan_t *plan;
    src_t *src;
    diag_list_t *diags;
    const action_registry_t *reg;
    unsigned flags;
    arena_t *arena;             /* everything the checker allocates */
    bool oom;
    const char *dir;            /* the plan's directory, ending in '/' */
    write_roots_t roots;        /* where the plan may change (resolved) */
    /* mig.yaml's settings, for registry("NAME"); NULL: none known */
    const struct config_settings *config;
    /* the plan's tables */
    cstage_t *stages;
    uint32_t n_stages;
    /* For check_runs_before (check_order.c), made on its first call
     * (arena), one entry per stage: its place in an order where `after`
     * stages come first (UINT32_MAX for a stage on a cycle), a mark and
     * the walk's stack; its number in a pre-order of the forest that hangs
     * each stage under its first `after` stage, and the size of its
     * subtree there (0 on a cycle); and 1 + a stage known to run before
     * it (0 for none). */
    uint32_t *rank, *seen, *walk, *pre, *size, *known;
    uint32_t walks;
    smap_t stage_names;         /* name -> index into stages */
    smap_t lua;                 /* alias -> index into plan items */
    smap_t classes;             /* declared class -> index into plan items */
    smap_t params;              /* name -> index into plan items */
    ccheckpoint_t *cps;
    uint32_t n_cps, cap_cps;
    smap_t cp_names;            /* name -> index into cps (the first) */
    /* where the walk is */
    cscope_t *scope;
    uint32_t stage;             /* index into stages, or CHECK_NONE */
    bool in_hook;               /* anywhere in a hook body */
    bool in_recover;            /* anywhere in a recover block */
} chk_t;

/* check.c */
/* Binds NAME in the current scope (or, for a step, the scope that takes
 * steps), reporting a name already bound there. */
void check_bind(chk_t *k, const ast_ident_t *id, cname_kind_t kind,
                unsigned mask);
/* The binding of NAME in scope, or NULL. */
const cname_t *check_lookup(const chk_t *k, const char *name);
/* Hints at D, the error that NAME (the AST_NAME E) is undefined, why it
 * is not there when the plan binds it elsewhere: further down, or in a
 * block E is not inside; or, for `err`, where it exists. False when there
 * is nothing to say (then a "did you mean" may be given). */
bool check_explain_unbound(chk_t *k, const ast_node_t *e, diag_t *d);
/* Every name in scope, for a "did you mean". */
void check_suggest_names(const chk_t *k, eval_suggest_t *s);
/* Adds an error or warning at SPAN; returns it for a hint. */
diag_t *check_error(chk_t *k, const src_span_t *span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
diag_t *check_warning(chk_t *k, const src_span_t *span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "a string", "a number or a duration": the types of MASK. Arena text. */
const char *check_types(chk_t *k, unsigned mask);
/* check_order.c */
/* Whether stage A surely runs before stage B (through `after`). Stages
 * are indexes into k->stages, all collected; true when out of memory (so
 * nothing more is reported). */
bool check_runs_before(chk_t *k, uint32_t a, uint32_t b);

/* check_expr.c */
/* Types expression E in the current scope, reporting what is wrong. */
ctype_t check_expr(chk_t *k, const ast_node_t *e);
/* Checks E and wants a value of a type in WANT: reports "WHAT must be
 * WANT, found ..." when it cannot be. Returns the value when constant. */
val_t *check_expr_want(chk_t *k, const ast_node_t *e, unsigned want,
                       const char *what);
/* The dotted name of E (NAME or FIELD of names) in the arena, or NULL. */
const char *check_dotted(chk_t *k, const ast_node_t *e);
/* Walks child E of a node; when the node itself will not be constant,
 * a constant child is evaluated now. *ALL_CONST is cleared unless E is
 * constant. Returns E's types. */
unsigned check_child(chk_t *k, const ast_node_t *e, bool *all_const,
                     bool parent_const_possible);

/* check_call.c */
/* Checks the call of a step (STEP is the STEP node, CALL its call or its
 * undo). Returns the action's row, or NULL for a Lua function or an
 * error. */
const action_t *check_step_call(chk_t *k, const ast_node_t *call,
                                bool *is_lua);
/* Checks the handler of `recover ... with HANDLER`. */
void check_handler(chk_t *k, const ast_node_t *handler);
/* The result types of calling CALL's callee, without reporting anything:
 * for a step's binding before the walk reaches it. */
unsigned check_call_result(chk_t *k, const ast_node_t *call);
/* Reports DOTTED, a name that is no action, handler or Lua function
 * (WHAT: "action", "recovery handler"), with "did you mean". */
void check_unknown_action(chk_t *k, const ast_node_t *callee,
                          const char *dotted, const char *what);
/* Resolves the dotted callee of CALL: a Lua function (*IS_LUA; its row
 * when the module's rows are loaded), an action (returned), or an error
 * reported. */
const action_t *check_resolve_action(chk_t *k, const ast_node_t *call,
                                     bool *is_lua);
/* Checks the arguments of CALL to A (NULL: unresolved) against its rows;
 * a Lua function (IS_LUA) takes any arguments, but not a name it never
 * reads. */
void check_call_args(chk_t *k, const ast_node_t *call, const action_t *a,
                     bool is_lua);
/* registry(NAME): NAME a plain string, one of mig.yaml's registries when
 * mig.yaml is known. */
void check_registry_call(chk_t *k, const ast_node_t *e);

/* check_flow.c */
/* Checks the plan's `error` declarations (before the walk). */
void check_classes_declared(chk_t *k);
/* Reports a class name that names no class. */
void check_class_ref(chk_t *k, const ast_ident_t *id);
/* Collects every checkpoint with its place (before the walk). */
void check_collect_checkpoints(chk_t *k);
/* Checks `rollback to TARGET` written at the current place. */
void check_rollback(chk_t *k, const ast_ident_t *target);
/* Checks a retry block's count, backoff and jitter. */
void check_retry_policy(chk_t *k, const ast_node_t *retry);

/* check_breaker.c */
/* Checks the plan's `breaker` items: settings (breaker_config.c), targets
 * against the actions, `per` against the action's arguments, one breaker
 * per target. After the Lua modules are known (k->lua). */
void check_breakers(chk_t *k);

/* check.c: reports NAME bound twice, with a note at the first binding. */
void check_twice(chk_t *k, const char *what, const ast_ident_t *id,
                 const src_span_t *first);

/* check_items.c: the plan's parameters, profiles and Lua modules (the
 * I-th item of the plan is L); the directory of the plan file, ending in
 * '/' ("" for the current). */
void check_params(chk_t *k);
void check_profiles(chk_t *k);
void check_lua(chk_t *k, uint32_t i, const ast_node_t *l);
const char *check_plan_dir(chk_t *k);

#endif
