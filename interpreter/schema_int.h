/* schema_int.h: what schema.c (the walk, the core keywords) shares with
 * schema_kw.c (the other 2020-12 keywords and $ref). Private to
 * interpreter/. */
#ifndef MIG_SCHEMA_INT_H
#define MIG_SCHEMA_INT_H

#include "interpreter_int.h"

/* How deep $ref may nest while one value is checked (docs/schema.md). */
#define SCHEMA_REF_DEPTH 128

typedef struct vctx {
    val_t *errors;      /* NULL while checking a schema alone or trying */
    strbuf_t *why;
    strbuf_t path;
    unsigned flags;
    bool oom;
    size_t failed;      /* violations met, counted even when ERRORS is NULL */
    const val_t *root;  /* the document "#" refers to */
    const char *base;   /* the folder of cross-file refs, or NULL */
    val_t *docs;        /* map: file name -> the schema read from it */
    unsigned depth;     /* $ref nesting: the refs followed, and their values */
    struct { const val_t *target, *value; } refs[SCHEMA_REF_DEPTH];
} vctx_t;

/* Records a violation at the current path (a "PATH: message" string, or
 * with SCHEMA_POINTER a map {pointer, message}); counts it in FAILED. */
void schema_violation(vctx_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Says the schema at the current path is wrong; MIG_EINVALID. */
mig_status_t schema_bad(vctx_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The keyword K of SCHEMA (a map), or NULL. */
val_t *schema_kw(const val_t *schema, const char *k);
/* Checks V against SCHEMA (a map or a boolean) at the current path. */
mig_status_t schema_walk(vctx_t *c, const val_t *v, const val_t *schema);
/* schema_walk on CHILD with the path extended by KEY (LEN bytes) or, KEY
 * NULL, by the index I. */
mig_status_t schema_descend(vctx_t *c, const val_t *child,
                            const val_t *schema, const char *key, size_t len,
                            size_t i);
/* Extends the path by the map key KEY (LEN bytes), as a JSON pointer
 * token with SCHEMA_POINTER; returns the old length for schema_path_pop. */
size_t schema_path_push(vctx_t *c, const char *key, size_t len);
void schema_path_pop(vctx_t *c, size_t mark);
/* Runs SCHEMA on V without recording violations; *OK says whether V
 * fits. */
mig_status_t schema_try(vctx_t *c, const val_t *v, const val_t *schema,
                        bool *ok);
/* NAME's value L must be a non-empty list of schemas (allOf, anyOf,
 * oneOf, prefixItems); MIG_EINVALID otherwise. */
mig_status_t schema_list_shape(vctx_t *c, const char *name, const val_t *l);
/* The combinators (schema_comb.c), keyword rows of schema_kw.c: V
 * against the list of schemas L. */
mig_status_t schema_all_of(vctx_t *c, const val_t *v, const val_t *l,
                           const val_t *schema);
mig_status_t schema_any_of(vctx_t *c, const val_t *v, const val_t *l,
                           const val_t *schema);
mig_status_t schema_one_of(vctx_t *c, const val_t *v, const val_t *l,
                           const val_t *schema);
/* D as messages write it: whole numbers without a fraction. */
void schema_number_text(double d, char buf[DOUBLE_TEXT_MAX]);
/* The keywords of schema_kw.c on V: const, the combinators, if/then/else,
 * $ref, prefixItems, contains, uniqueItems, propertyNames,
 * dependentRequired, multipleOf, pattern. */
mig_status_t schema_kw_more(vctx_t *c, const val_t *v, const val_t *schema);
/* The index of the first item "items" applies to (after prefixItems). */
size_t schema_prefix_len(const val_t *schema);
/* Sets *FOUND to whether KEY matches the pattern PAT (a string value);
 * a pattern that is not valid is an error in the schema. */
mig_status_t schema_pattern(vctx_t *c, const val_t *pat, const char *key,
                            size_t len, bool *found);
/* The shape of schema_kw.c's keywords in SCHEMA, and every sub-schema they
 * hold through CHECK_SUB (schema_check's walk: SUB under the keyword KW
 * and NAME, LEN bytes; NAME NULL and LEN not 0 for the index LEN - 1). */
mig_status_t schema_kw_shape(vctx_t *c, const val_t *schema,
                             mig_status_t (*check_sub)(vctx_t *, const val_t *,
                                                       const char *,
                                                       const char *, size_t));

#endif
