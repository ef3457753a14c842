/* interp_config.h: part of interpreter.h, the interpreter layer's one public
 * header, which includes every part: include interpreter.h, not this.
 * Here: the project configuration, mig.yaml (docs/configuration.md): its
 * settings once layered, its references and its registries. */
#ifndef MIG_INTERP_CONFIG_H
#define MIG_INTERP_CONFIG_H

#include "interp_check.h"

/* ---- the project configuration (mig.yaml; docs/configuration.md) ------ */

#define CONFIG_FILE_NAME "mig.yaml"
#define CONFIG_VERSION 1        /* the one format version this mig reads */

typedef struct config config_t;

/* Looks for mig.yaml for a plan in folder DIR ("" the current one): DIR,
 * then each folder above it, up to the first that holds a .git entry (the
 * repository's top) or the filesystem's root. *PATH gets the file found
 * (a new string) or NULL. MIG_OK or MIG_ENOMEM. */
mig_status_t config_find(const char *dir, char **path);
/* Reads the mig.yaml at PATH and checks it against the schema
 * (config_schema.c), reporting every error (bounded by the diagnostic
 * list) with file:line:col. MIG_OK with *OUT set; MIG_EINVALID with *OUT
 * set too, since the errors point into its source (free it once they are
 * shown); MIG_EIO (unreadable) or MIG_ENOMEM with *OUT NULL. */
mig_status_t config_load(const char *path, diag_list_t *diags,
                         config_t **out);
/* The configuration of no file: every setting built in. NULL when out
 * of memory. */
config_t *config_builtin(void);
void config_free(config_t *c);
/* The file (NULL for config_builtin) and its source, for messages. */
const char *config_path(const config_t *c);
src_t *config_src(const config_t *c);
/* Whether the file defines profiles.NAME; its profile names in file
 * order. */
bool config_has_profile(const config_t *c, const char *name);
size_t config_profile_count(const config_t *c);
const char *config_profile_name(const config_t *c, size_t i);

/* A parameter the configuration sets: in defaults.params (PROFILE NULL)
 * or in profiles.PROFILE.params. VALUE is borrowed; a secret reference
 * or a string with ${NAME} is kept unresolved (config_resolve_refs). */
typedef struct config_param {
    const char *name;
    val_t *value;
    src_span_t key, at;         /* the key's place and the value's */
} config_param_t;
size_t config_params(const config_t *c, const char *profile,
                     const config_param_t **out);

/* The run-wide defaults of defaults/profiles `retry`, `timeout` and
 * `breaker` (docs/configuration.md): what a run applies where the plan
 * says nothing of its own (a step outside any retry block, a step without
 * `timeout`, an action no `breaker` item covers). Zero: none. */
typedef struct config_run_defaults {
    uint32_t retry_attempts;    /* every attempt, the first included; 0: none */
    ast_backoff_kind_t backoff;
    int64_t base_ms, max_ms;    /* the first wait (fixed: every wait), cap */
    ast_jitter_kind_t jitter;
    /* The classes retried (built-in names, static strings). */
    const char *retry_on[ERROR_CLASS_COUNT];
    size_t n_retry_on;
    int64_t timeout_ms;         /* a step's, 0: none */
    uint32_t breaker_failures;  /* 0: no default breaker */
    int64_t breaker_window_ms, breaker_cooldown_ms;
} config_run_defaults_t;

/* mig.yaml's alerts (docs/alerts.md): the thresholds of each condition
 * (a zero window, times or span: the condition is not set) and where a
 * firing goes. */
typedef struct config_alerts {
    double failure_above;       /* failure_rate: share of failed steps */
    int64_t failure_window_ms;
    double slow_times;          /* slow_run: times the history's median */
    double recovery_below;      /* recovery_share: share of failures fixed */
    int64_t recovery_window_ms;
    int64_t breaker_open_ms;    /* breaker_open: longer_than */
    bool rollback_mismatch;
    const val_t *command;       /* notify.command: a list of strings */
    const char *webhook;        /* notify.webhook: a URL */
} config_alerts_t;

/* The settings of C for PROFILE (NULL: the defaults) once layered, each
 * with where it came from ("mig.yaml:3" or "built-in"): what a run uses,
 * `mig config show` prints and a run records. STATE_DIR is absolute or
 * relative to the working directory (the file's folder joined). */
typedef struct config_settings {
    char *state_dir;            /* the folder of state.db and objects/ */
    bool durable_full;          /* durability: full */
    int64_t concurrency;        /* a cap on every foreach; 0: none */
    /* write_roots and lua_path, each joined to the file's folder. */
    char **write_roots, **lua_paths;
    size_t n_write_roots, n_lua_paths;
    /* lua_grants: module MODULE also gets library LIBRARY (strings of the
     * configuration). */
    struct config_grant {
        const char *module, *library;
    } *lua_grants;
    size_t n_lua_grants;
    config_run_defaults_t run_defaults;
    /* The registries a plan names with registry("NAME"), once the
     * profile's are laid over the others (docs/configuration.md,
     * "registries"). */
    struct config_registry {
        const char *name;
        char *path;             /* embedded: joined to the file's folder */
        const char *url;        /* remote (then PATH is NULL) */
        const val_t *token;     /* a remote one's token as written (a
                                 * reference, unresolved), or NULL */
    } *registries;
    size_t n_registries;
    config_alerts_t alerts;
} config_settings_t;
/* Fills *OUT for PROFILE (which C need not define) and *EFFECTIVE, a new
 * list of {key, value, from} in the order docs/configuration.md lists the
 * keys: every setting, registry and alert, secrets as their masked
 * reference (EFFECTIVE NULL: only *OUT). MIG_OK or MIG_ENOMEM. Free OUT
 * with config_settings_clear. */
mig_status_t config_effective(const config_t *c, const char *profile,
                              config_settings_t *out, val_t **effective);
void config_settings_clear(config_settings_t *s);

/* Whether V (a value of the configuration) is an unresolved reference: a
 * map {secret: {...}} or a string holding ${NAME}. */
bool config_is_ref(const val_t *v);
/* The masked text of reference V ("secret:env:NAME", "secret:file:PATH",
 * "secret:command:ARGV0", or the string itself for ${NAME}), a new
 * string value; NULL when out of memory. */
val_t *config_ref_text(const val_t *v);
/* Resolves reference V of parameter NAME into *OUT, for a run
 * (docs/configuration.md, "Secrets"): a `secret:` reference by its source
 * (secret_resolve; a relative file path joined to DIR, the folder of
 * mig.yaml, and made absolute) into a new secret whose recipe names that
 * source; a string with ${NAME} into a new string (not a secret), each
 * ${NAME} the environment variable's value. When it cannot be resolved
 * (a variable not set, a file missing or readable by others, a command
 * failing): MIG_EINVALID with an error at AT in SRC that names the source,
 * never a byte of the value. MIG_ENOMEM. */
mig_status_t config_resolve_refs(const char *name, const val_t *v,
                                 const char *dir, src_t *src,
                                 const src_span_t *at, diag_list_t *diags,
                                 val_t **out);

/* The registries of S as registry("NAME") gives them to a plan in folder
 * PLAN_DIR ("" the current one): a new map NAME -> target, a remote
 * registry's URL, an embedded one's path relative to PLAN_DIR when the
 * registry lies in PLAN_DIR's folder or below the folders above it that
 * hold it, else absolute. NULL when out of memory. */
val_t *config_registry_targets(const config_settings_t *s,
                               const char *plan_dir);
/* The bearer tokens of the remote registries of S (made by
 * config_effective of C for PROFILE) as a run sends them
 * (docs/configuration.md, "registries"; config_tokens.c). */
typedef struct config_tokens config_tokens_t;
/* A new token set *OUT for a run, C, PROFILE and S borrowed (they must
 * outlive it): the tokens of the registries NAMED (a flag per registry
 * of S, as config_registry_named makes them; NULL: all) are resolved
 * now, each a secret whose recipe names its sources (a ${NAME} text
 * too); the others on first use (config_tokens_get). When a named one
 * cannot be resolved, or two registries of one URL (named or not) have
 * different tokens: MIG_EINVALID, each said at the token's place in C's
 * file, *OUT NULL. MIG_ENOMEM. */
mig_status_t config_registry_tokens(const config_t *c, const char *profile,
                                    const config_settings_t *s,
                                    const bool *named, diag_list_t *diags,
                                    config_tokens_t **out);
/* The token of the registry whose URL is URL (trailing slashes ignored)
 * into *TOK (borrowed from T, alive until it is freed), resolved now when
 * it is not yet; NULL when no registry of that URL has one. MIG_EINVALID
 * when it cannot be resolved, the reason appended to WHY as
 * "FILE:LINE:COL: the token of registry ..." (the place of the token in
 * C's file). MIG_ENOMEM. */
mig_status_t config_tokens_get(config_tokens_t *t, const char *url,
                               const val_t **tok, strbuf_t *why);
void config_tokens_free(config_tokens_t *t);
/* Which registries of S the plan in PLAN names, into *NAMED (a new
 * array of a flag per registry, the caller's to free): a
 * registry("NAME") whose NAME is a plain string literal, and a plain
 * string literal that is the registry's URL (trailing slashes ignored);
 * plain: without escapes or ${...} parts. MIG_OK, MIG_EINVALID (PLAN
 * does not scan, said in DIAGS) or MIG_ENOMEM (*NAMED NULL either
 * way). */
mig_status_t config_registry_named(src_t *plan, const config_settings_t *s,
                                   diag_list_t *diags, bool **named);
/* Binds the registries registry("NAME") finds (a map NAME -> target, as
 * config_registry_targets makes them; borrowed, kept alive by the
 * caller) in ENV, for the scopes under it. */
void eval_env_set_registries(eval_env_t *env, const val_t *targets);

/* What changed from the effective configuration A to B (lists as
 * config_effective makes them, or as a run recorded them): a new list of
 * {key, change ("added", "removed", "changed"), old, new} in key order
 * of A then B. NULL when out of memory. */
val_t *config_diff(const val_t *a, const val_t *b);

#endif
