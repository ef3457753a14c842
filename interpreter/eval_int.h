/* eval_int.h: what the evaluator (eval.c) and its builtin functions
 * (eval_builtins.c) share and no other file sees: the evaluation context,
 * the diagnostics helpers, and the row type of the builtin table. */
#ifndef MIG_EVAL_INT_H
#define MIG_EVAL_INT_H

#include "interpreter_int.h"

/* ---- scopes (eval_env.c) ------------------------------------------------ */

typedef struct eval_binding {
    char *name;
    val_t *value;
} eval_binding_t;

struct eval_env {
    eval_env_t *parent;
    eval_binding_t *items;
    size_t len, cap;
    uint32_t *slots;            /* entry index + 1, 0 empty; or NULL */
    size_t nslots;              /* 0 or a power of two */
    eval_action_fn actions;     /* calls of actions, or NULL: see parent */
    void *actions_data;
    bool unbound_expected;      /* eval_env_expect_unbound, here or above */
    const val_t *registries;    /* registry("NAME")'s, or NULL: see parent */
};

/* The nearest scope of ENV that calls actions, or NULL. */
const eval_env_t *eval_env_actions(const eval_env_t *env);

/* Everything one evaluation needs besides the node. */
typedef struct eval_ctx {
    eval_env_t *env;
    src_t *src;
    diag_list_t *diags;
} eval_ctx_t;

/* Adds an error at SPAN (the sub-expression at fault); returns the entry
 * for a hint, or NULL when memory ran out (recorded in the list). */
diag_t *eval_error(eval_ctx_t *c, const src_span_t *span, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));
/* Reports that memory ran out at SPAN; returns MIG_ENOMEM. */
mig_status_t eval_oom(eval_ctx_t *c, const src_span_t *span);
/* Maps a failed val_list_push / val_map_set status to a diagnostic at
 * SPAN: MIG_ENOMEM as out of memory, MIG_EINVALID as too deep. */
mig_status_t eval_push_failed(eval_ctx_t *c, const src_span_t *span,
                              mig_status_t st);
/* Whether a value of SIZE (val_size) may be built at SPAN; reports
 * VAL_TOO_LARGE there when not. Checked before building what could
 * grow large, so that the excess is never made. */
bool eval_fits(eval_ctx_t *c, const src_span_t *span, uint64_t size);
/* Checks *V, just built at SPAN, against VAL_MAX_DEPTH and VAL_MAX_SIZE:
 * MIG_OK, or MIG_EINVALID, reported, with *V dropped. */
mig_status_t eval_bounded(eval_ctx_t *c, const src_span_t *span, val_t **v);
/* The type of V with its article, for messages: "null", "a bool",
 * "a number", "a string", "a list", "a map", "a duration", "a secret". */
const char *eval_a_type(const val_t *v);

/* ---- builtin functions (eval_builtins.c) -------------------------------- */

/* One call of a builtin: the evaluated positional arguments (borrowed),
 * and the nodes they came from, for the spans of messages. */
typedef struct eval_call {
    eval_ctx_t *ctx;
    const ast_node_t *node;     /* the CALL node */
    const char *name;
    val_t **args;
    size_t nargs;
} eval_call_t;

/* Computes the result into *OUT (a new reference). On failure reports at
 * the argument or call at fault and returns MIG_EINVALID or MIG_ENOMEM. */
typedef mig_status_t (*eval_builtin_fn)(eval_call_t *call, val_t **out);

#define EVAL_VARIADIC (-1)

/* What a builtin takes of secrets (docs/values.md, "Secrets"). */
typedef enum eval_secrets {
    EVAL_SECRETS_REFUSED = 0,   /* none: it reads its arguments */
    EVAL_SECRETS_HELD,          /* lists and maps holding them (it reads
                                 * only their shape), not a secret */
    EVAL_SECRETS_PASSED,        /* any: it passes them on unread */
} eval_secrets_t;

typedef struct eval_builtin {
    const char *name;
    int min_args, max_args;     /* max EVAL_VARIADIC: no limit */
    unsigned result;            /* ACTION_T_* mask of what it gives */
    eval_builtin_fn fn;
    const char *signature;      /* "replace(s, old, new)" */
    const char *doc;
    eval_secrets_t secrets;
    /* It reads the world (the environment): `mig check` never calls it,
     * even with constant arguments. */
    bool outside;
} eval_builtin_t;

/* Argument helpers the builtins' files share (eval_builtins.c).
 * eval_arg_error reports "NAME: argument N WHAT[, found A TYPE]" at
 * argument I (0-based) and returns MIG_EINVALID; eval_arg_is reports
 * when argument I is not of type T (a list, map or string); eval_made
 * sets *OUT to V (MIG_ENOMEM, reported, when V is NULL); eval_call_text
 * does it with B's text, freeing B. */
mig_status_t eval_arg_error(eval_call_t *call, size_t i, const char *what,
                            const val_t *found);
bool eval_arg_is(eval_call_t *call, size_t i, val_type_t t);
mig_status_t eval_call_made(eval_call_t *call, val_t *v, val_t **out);
mig_status_t eval_call_text(eval_call_t *call, strbuf_t *b, val_t **out);

/* The path and text helpers (eval_paths.c; docs/expressions.md). */
mig_status_t eval_fn_basename(eval_call_t *call, val_t **out);
mig_status_t eval_fn_dirname(eval_call_t *call, val_t **out);
mig_status_t eval_fn_ext(eval_call_t *call, val_t **out);
mig_status_t eval_fn_starts_with(eval_call_t *call, val_t **out);
mig_status_t eval_fn_ends_with(eval_call_t *call, val_t **out);
mig_status_t eval_fn_matches(eval_call_t *call, val_t **out);

/* secret_env(name) (eval_secret.c). */
mig_status_t eval_fn_secret_env(eval_call_t *call, val_t **out);
/* registry(NAME): the target of mig.yaml's registry NAME, from the
 * registries bound in the call's scope (eval_env_set_registries;
 * config_registry.c). */
mig_status_t eval_fn_registry(eval_call_t *call, val_t **out);

/* ---- secrets (eval_secret.c) -------------------------------------------- */

/* Reports at SPAN that a secret cannot be WHAT ("compared with '=='",
 * "passed to len()"), with the rule's hint: the evaluator's and the
 * checker's one message. Returns the entry, or NULL (out of memory). */
diag_t *eval_secret_refused(diag_list_t *diags, src_t *src,
                            const src_span_t *span, const char *what);
/* Refuses the arguments of CALL that POLICY does not take, at the first
 * one. MIG_OK, MIG_EINVALID or MIG_ENOMEM. */
mig_status_t eval_secret_args(eval_call_t *call, eval_secrets_t policy);
/* Binary operator E on L and R when either holds a secret (*HANDLED
 * true): + of text and a secret gives a secret; anything else is
 * refused. *HANDLED false: the operator's own rule applies. */
mig_status_t eval_secret_binary(eval_ctx_t *c, const ast_node_t *e,
                                const val_t *l, const val_t *r, val_t **out,
                                bool *handled);
/* Interpolation met V, which holds a secret, at SPAN: *ACC (NULL or a
 * secret) becomes *ACC, then B's text (B is emptied), then V. A list or
 * map holding a secret is refused. */
mig_status_t eval_secret_join(eval_ctx_t *c, const src_span_t *span,
                              val_t **acc, strbuf_t *b, const val_t *v);
/* The end of an interpolation that met a secret: *OUT gets ACC (taken)
 * then B's text. */
mig_status_t eval_secret_finish(eval_ctx_t *c, const src_span_t *span,
                                val_t *acc, strbuf_t *b, val_t **out);

/* The row for NAME, or NULL. */
const eval_builtin_t *eval_builtin_find(const char *name);
/* Checks the number and kind of the arguments of call E of B, reporting
 * a misfit at E. MIG_OK or MIG_EINVALID. */
mig_status_t eval_check_args(eval_ctx_t *c, const ast_node_t *e,
                             const eval_builtin_t *b);
/* Reports CALLEE, a NAME that names no builtin, with the closest builtin
 * as a "did you mean". Returns MIG_EINVALID. */
mig_status_t eval_unknown_function(eval_ctx_t *c, const ast_node_t *callee);
/* Every row, in the order of the table; *COUNT gets their number. */
const eval_builtin_t *eval_builtin_table(size_t *count);

#endif
