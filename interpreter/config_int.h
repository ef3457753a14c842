/* config_int.h: what the configuration's files share (config.c reads and
 * finds mig.yaml, config_schema.c checks it against the schema,
 * config_value.c makes the effective configuration and its diff). */
#ifndef MIG_CONFIG_INT_H
#define MIG_CONFIG_INT_H

#include "interpreter_int.h"

struct config {
    char *path;                 /* NULL: built in */
    char *dir;                  /* its folder, "" for the current one */
    src_t *src;
    val_t *root;                /* the document (a map once checked) */
    yaml_places_t places;
    config_param_t *params;     /* every layer's, defaults first */
    size_t n_params, cap_params;
    size_t *profile_first;      /* per profile: its first in PARAMS */
    size_t *profile_count;
};

/* A key renamed in a later version of the format: in a map of the kind
 * SCOPE ("top", "profile", "registry", "alert"), OLD still works, with a
 * warning that names NEW. The table ends with a row of NULLs. */
typedef struct config_deprecated {
    const char *scope, *old, *new_name;
} config_deprecated_t;

/* The built-in error classes' names, ended by NULL (config_schema.c). */
extern const char *const config_error_classes[];

/* The deprecations of this version of mig (config_schema.c). */
extern const config_deprecated_t config_deprecations[];

/* Checks C->root against the schema, every error and warning to DIAGS at
 * its place in C's file; DEPS are the deprecated keys to accept.
 * MIG_OK, MIG_EINVALID or MIG_ENOMEM. */
mig_status_t config_check(const config_t *c, const config_deprecated_t *deps,
                          diag_list_t *diags);
/* The value under KEY of MAP, a map of kind SCOPE, or under a deprecated
 * name of KEY (config_deprecations); NULL when neither is there. */
val_t *config_get(const val_t *map, const char *scope, const char *key);
/* The line of the node at JSON pointer PATH in C's file (its key's), or
 * 0 when unknown. */
uint32_t config_line(const config_t *c, const char *path);
/* Whether TEXT reads as a duration of the format (250ms, 30s, 5m, 1h30m);
 * its milliseconds to *MS. */
bool config_duration(const char *text, int64_t *ms);

/* Resolves reference V (config_is_ref) into *OUT, as config_resolve_refs
 * does, without a message: MIG_EINVALID with WHY naming the source that
 * failed (never a byte of the value), or MIG_ENOMEM. */
mig_status_t config_ref_resolve(const val_t *v, const char *dir, val_t **out,
                                strbuf_t *why);

#endif
