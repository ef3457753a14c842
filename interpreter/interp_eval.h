/* interp_eval.h: part of interpreter.h, the interpreter layer's one public
 * header, which includes every part: include interpreter.h, not this.
 * Here: the expression evaluator and its scopes, the built-in error
 * classes, and "did you mean" (docs/expressions.md). */
#ifndef MIG_INTERP_EVAL_H
#define MIG_INTERP_EVAL_H

#include "interp_graph.h"

/* ---- expressions -------------------------------------------------------- */

/* A scope: names bound to values, with a parent scope looked up after it.
 * docs/expressions.md states the rules the evaluator follows. */
typedef struct eval_env eval_env_t;

/* A new empty scope over PARENT (NULL for the outermost). PARENT must
 * outlive it. NULL when out of memory. */
eval_env_t *eval_env_new(eval_env_t *parent);
/* Frees ENV and the references it holds (not its parent). NULL ok. */
void eval_env_free(eval_env_t *env);
/* Frees ENV as eval_env_free does and returns its parent: the scope of
 * a block that ends. */
eval_env_t *eval_env_pop(eval_env_t *env);
/* Binds NAME to VALUE in ENV itself, adding a reference (a name bound
 * again gets the new value). MIG_OK or MIG_ENOMEM. */
mig_status_t eval_env_set(eval_env_t *env, const char *name, val_t *value);
/* The value of NAME in ENV or the nearest parent binding it, borrowed;
 * NULL when no scope binds it. */
val_t *eval_env_get(const eval_env_t *env, const char *name);

/* Calls of actions in expressions (`file.exists(path: p)`) go to a
 * function the runtime sets on a scope; its children see it too. FN gets
 * the CALL node, the action's dotted NAME and the evaluated arguments in
 * the order written (borrowed), and returns like eval_expr. Without one, a
 * call of a dotted name is an error ("actions run only in steps"). */
typedef mig_status_t (*eval_action_fn)(void *data, const ast_node_t *call,
                                       const char *name,
                                       val_t *const *args, src_t *src,
                                       diag_list_t *diags, val_t **out);
void eval_env_set_actions(eval_env_t *env, eval_action_fn fn, void *data);
/* Says that names left unbound in ENV and the scopes over it are expected
 * (the dry run binds only what it knows): an undefined name is reported
 * without a "did you mean" hint, which would compare it with every name
 * in scope. Set it before any child scope is made. */
void eval_env_expect_unbound(eval_env_t *env);

/* Evaluates expression E in ENV (NULL: no names bound) into *OUT, a new
 * reference. Every runtime error is reported to DIAGS (with SRC, at the
 * span of the sub-expression at fault) and gives MIG_EINVALID; MIG_ENOMEM
 * when memory ran out. *OUT is set only on MIG_OK, and nothing is leaked
 * on failure. */
mig_status_t eval_expr(const ast_node_t *e, eval_env_t *env, src_t *src,
                       diag_list_t *diags, val_t **out);

/* Appends V as "${...}" inserts it into a string: a string as it is,
 * other scalars in their canonical text (1500, 1m30s, true, null), lists
 * and maps as compact JSON. MIG_ENOMEM when OUT ran out. */
mig_status_t eval_to_text(const val_t *v, strbuf_t *out);

/* ---- error classes ------------------------------------------------------ */

/* X(ENUM, "Name", PARENT): the built-in error classes (docs/language.md,
 * "Error classes"), each under its parent (NONE for a root). A plan adds
 * classes of its own with `error NAME : PARENT`. */
#define ERROR_CLASSES(X)                                                     \
    X(TRANSIENT, "Transient", NONE)                                         \
    X(TIMEOUT, "Timeout", TRANSIENT)                                        \
    X(UNAVAILABLE, "Unavailable", TRANSIENT)                                \
    X(PERMANENT, "Permanent", NONE)                                         \
    X(PARAM_MISMATCH, "ParamMismatch", PERMANENT)                           \
    X(METHOD_NOT_FOUND, "MethodNotFound", PERMANENT)                        \
    X(MISSING_DEPENDENCY, "MissingDependency", PERMANENT)                   \
    X(INVALID_CONFIG, "InvalidConfig", PERMANENT)                           \
    X(CONFLICT, "Conflict", PERMANENT)                                      \
    X(VALIDATION_FAILED, "ValidationFailed", PERMANENT)                     \
    X(POLICY_DENIED, "PolicyDenied", PERMANENT)                             \
    X(EXPRESSION_ERROR, "ExpressionError", PERMANENT)                       \
    X(SCRIPT_ERROR, "ScriptError", NONE)

typedef enum error_class {
#define ERROR_CLASS_ENUM(e, s, p) ERROR_##e,
    ERROR_CLASSES(ERROR_CLASS_ENUM)
#undef ERROR_CLASS_ENUM
    ERROR_CLASS_COUNT,
    ERROR_NONE = ERROR_CLASS_COUNT
} error_class_t;

/* ---- "did you mean" (eval_builtins.c) --------------------------------- */

/* Looks for the candidate closest to NAME by edit distance (at most 2,
 * and at most a third of NAME), or else one that NAME abbreviates or that
 * abbreviates NAME (a common beginning of 3 bytes or more: "dir" and
 * "directory"); every "did you mean" of mig comes from here. Feed
 * every candidate to eval_suggest_consider; BEST is then the suggestion,
 * or NULL when none is close enough to be worth a "did you mean". */
#define EVAL_SUGGEST_PREFIX 3   /* the rank of an abbreviation */
typedef struct eval_suggest {
    const char *name;
    const char *best;
    size_t dist;
} eval_suggest_t;

void eval_suggest_init(eval_suggest_t *s, const char *name);
void eval_suggest_consider(eval_suggest_t *s, const char *candidate);

/* The built-in class named NAME, or ERROR_NONE. */
error_class_t error_class_find(const char *name);
const char *error_class_name(error_class_t c);
/* The parent of C, or ERROR_NONE for a root. */
error_class_t error_class_parent(error_class_t c);

#endif
