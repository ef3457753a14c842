/* params_int.h: what params.c (the parameters' defaults, profiles and
 * mig.yaml's layers) and params_cli.c (--param NAME=VALUE) share.
 * Nothing else includes it. */
#ifndef MIG_PARAMS_INT_H
#define MIG_PARAMS_INT_H

#include "eval_int.h"
#include "config_int.h"

typedef struct param {
    char *name;                 /* a copy: P may outlive the AST */
    val_t *value;
    val_t *def;                 /* the default, which types the value */
    param_origin_t origin;
    char *where;                /* params_where */
    bool unresolved;            /* a reference of mig.yaml, masked */
    /* When unresolved: the reference as written, the configuration it is
     * in (borrowed: it outlives P's use for a run) and its place. */
    val_t *ref;
    const config_t *cfg;
    src_span_t ref_at;
} param_t;

struct params {
    param_t *items;
    size_t len, cap;
    char *profile;
};

/* At most this many names in a hint that lists them ("... and 3 more"). */
#define PARAMS_HINT_NAMES 5
/* At most this many characters of a value or a text in a message. */
#define PARAMS_SNIPPET 60

/* "'a', 'b', 'c'" or "'a', ..., 'e' and 3 more", built one name at a time. */
typedef struct names {
    strbuf_t b;
    size_t n;
} names_t;

/* ---- params.c ---------------------------------------------------------- */

/* Sets where T's value comes from: "FILE:LINE" (FILE NULL: TEXT alone).
 * MIG_OK or MIG_ENOMEM. */
mig_status_t params_set_where(param_t *t, const char *file, uint32_t line,
                              const char *text);
/* The parameter NAME[0..LEN) of P, or NULL. */
param_t *params_find(const params_t *p, const char *name, size_t len);
/* Adds NAME to L (names_t, zeroed first). */
void params_names_add(names_t *l, const char *name);
/* Sets D's hint to "did you mean 'x'?" when S found a close name, else to
 * "LEAD 'a', 'b'" with the names of L, or to NONE when L is empty; frees
 * L's text. */
void params_names_hint(diag_list_t *diags, diag_t *d, const eval_suggest_t *s,
                       names_t *l, const char *lead, const char *none);
/* Whether V may replace DEF: a null default takes any value; otherwise the
 * types must be the same (an integer and a double are both numbers). */
bool params_same_type(const val_t *def, const val_t *v);

/* ---- params_cli.c ------------------------------------------------------ */

/* Reads TEXT for a parameter whose default is DEF into *OUT: a string
 * default takes TEXT as it is; others take JSON or a plan literal; a null
 * default takes TEXT as a string when it is neither. *OUT is NULL when
 * TEXT does not fit (the type is checked by the caller). */
mig_status_t params_read_value(const char *name, const val_t *def,
                               const char *text, diag_list_t *diags,
                               val_t **out);
/* Applies one "NAME=VALUE" from the command line. */
mig_status_t params_apply_override(params_t *p, const char *arg,
                                   diag_list_t *diags);

#endif
