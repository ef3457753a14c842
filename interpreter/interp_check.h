/* interp_check.h: part of interpreter.h, the interpreter layer's one public
 * header, which includes every part: include interpreter.h, not this.
 * Here: what is read from a plan before it runs: its static checks
 * (docs/checks.md), its parameters and profiles, its circuit breakers. */
#ifndef MIG_INTERP_CHECK_H
#define MIG_INTERP_CHECK_H

#include "interp_action.h"

/* ---- static checks ------------------------------------------------------ */

enum {
    CHECK_STRICT = 1u << 0,     /* warnings about undo become errors */
};

/* Checks PLAN (parsed from SRC without errors) beyond its syntax, without
 * running it: every name resolves (parameters, lets, steps, stages,
 * checkpoints' stages, error classes, Lua modules, actions and handlers,
 * with "did you mean"), no name is bound twice in a scope, calls fit their
 * action's arguments, side-effecting steps can be undone, rollbacks aim at
 * checkpoints that can have been passed, retry policies make sense, and
 * the types that are visible without running fit. ACTIONS is the registry
 * calls are checked against. Lua module paths are taken from the plan
 * file's directory. Reports to DIAGS; returns MIG_OK when there were no
 * errors (warnings allowed), MIG_EINVALID, or MIG_ENOMEM. The whole-plan
 * checks of graph_compile (stage order, duplicate stages, steps and
 * checkpoints) are not repeated here. docs/checks.md lists every check. */
/* check_plan with the settings SET of mig.yaml (NULL: none known): its
 * write_roots are write roots too, and the name of each registry("NAME")
 * must be one of its registries. */
struct config_settings;
mig_status_t check_plan_with(const ast_plan_t *plan, src_t *src,
                             const action_registry_t *actions, unsigned flags,
                             const struct config_settings *set,
                             diag_list_t *diags);
mig_status_t check_plan(const ast_plan_t *plan, src_t *src,
                        const action_registry_t *actions, unsigned flags,
                        diag_list_t *diags);

/* ---- parameters and profiles ------------------------------------------ */

/* The values a run's parameters take (docs/language.md, "param"): each
 * declared parameter's default, replaced by the chosen profile's
 * assignment, replaced by a --param override. */
#define PARAM_ORIGINS(X)                                                      \
    X(DEFAULT, "default")                                                    \
    X(PROFILE, "profile")                                                    \
    X(CLI, "--param")                                                        \
    X(CONFIG, "mig.yaml")

typedef enum param_origin {
#define PARAM_ORIGIN_ENUM(e, s) PARAM_FROM_##e,
    PARAM_ORIGINS(PARAM_ORIGIN_ENUM)
#undef PARAM_ORIGIN_ENUM
} param_origin_t;

typedef struct params params_t;

/* Resolves the parameters of PLAN (parsed from SRC without errors).
 * Defaults are evaluated in file order, each seeing the parameters
 * declared before it. PROFILE (NULL: none) names a profile of the plan;
 * its assignments replace defaults. OVERRIDES are N_OVERRIDES texts
 * "NAME=VALUE" from the command line, applied in order (a later one wins);
 * VALUE is read as the type of the parameter's default (docs/cli.md).
 * Errors (an unknown profile or parameter, with "did you mean"; a value
 * of the wrong type; a default that fails to evaluate) go to DIAGS, those
 * about the command line without a file. Returns MIG_OK with *OUT set,
 * MIG_EINVALID, or MIG_ENOMEM. */
mig_status_t params_resolve(const ast_plan_t *plan, src_t *src,
                            const char *profile,
                            const char *const *overrides, size_t n_overrides,
                            diag_list_t *diags, params_t **out);
/* params_resolve with the project configuration CFG (NULL: none) layered
 * in (docs/configuration.md, "Layering"): the plan's defaults, then CFG's
 * defaults.params, then its profiles.PROFILE.params, then the plan's
 * profile PROFILE, then OVERRIDES. PROFILE may name a profile of CFG,
 * of the plan or of both; one of neither is an error listing both. A
 * CFG parameter the plan does not declare, or of another type than its
 * default, is an error at its place in CFG's file. */
struct config;
mig_status_t params_resolve_config(const ast_plan_t *plan, src_t *src,
                                   const struct config *cfg,
                                   const char *profile,
                                   const char *const *overrides,
                                   size_t n_overrides, diag_list_t *diags,
                                   params_t **out);
/* Checks that every parameter CFG sets, in its defaults and in each of
 * its profiles, is one PLAN declares, of its default's type; each error
 * at its place in CFG's file. MIG_OK, MIG_EINVALID or MIG_ENOMEM. */
mig_status_t params_check_config(const ast_plan_t *plan, src_t *src,
                                 const struct config *cfg,
                                 diag_list_t *diags);
void params_free(params_t *p);
/* Reads TEXT as a literal written in a plan (8, 2.5, 30s, ["a"],
 * { size: 5 }) into *OUT, a new value (NULL when it is not one): parsed
 * as the default of a one-line plan, so it follows the plan's own rules
 * (how --param and `mig serve --latency` read values). MIG_OK or
 * MIG_ENOMEM. */
mig_status_t params_read_literal(const char *text, val_t **out);
/* Where parameter I's value was written: "PLAN:LINE" for a default or a
 * plan profile, "MIGYAML:LINE" for the configuration, "--param" for the
 * command line (file names as given). A string of P. */
const char *params_where(const params_t *p, size_t i);
/* Whether parameter I holds a reference of mig.yaml, unresolved: its
 * value is then the masked text, and a run must not go on with it
 * (config_resolve_refs). */
bool params_unresolved(const params_t *p, size_t i);
/* Resolves every parameter of P that holds a reference of mig.yaml
 * (config_resolve_refs): its value becomes the secret or the text, and
 * it is no longer unresolved. Every failure is reported. The
 * configuration P was resolved with must still be alive. MIG_OK,
 * MIG_EINVALID or MIG_ENOMEM. */
mig_status_t params_resolve_refs(params_t *p, diag_list_t *diags);
/* The parameters in declaration order. Strings and values are borrowed
 * from P. */
size_t params_count(const params_t *p);
const char *params_name(const params_t *p, size_t i);
val_t *params_value(const params_t *p, size_t i);
param_origin_t params_origin(const params_t *p, size_t i);
/* The profile P was resolved with, or NULL. */
const char *params_profile(const params_t *p);
const char *param_origin_name(param_origin_t o);
/* The parameters as a new list of maps {name, value, from} (`from` being
 * param_origin_name), in declaration order: what `mig plan` shows.
 * NULL when out of memory. */
val_t *params_to_value(const params_t *p);
/* The parameters as a new map name -> value (what a run records and
 * binds). NULL when out of memory. */
val_t *params_to_map(const params_t *p);
/* Binds every parameter in ENV. MIG_OK or MIG_ENOMEM. */
mig_status_t params_bind(const params_t *p, eval_env_t *env);

/* ---- circuit breakers --------------------------------------------------- */

/* The plan's `breaker` items (docs/language.md, "breaker"), for the
 * runtime: a new list *OUT of maps {target, failures, window_ms,
 * cooldown_ms, per}, in file order, with defaults filled (window_ms 60000;
 * per null when not given). TARGET is the string written ("registry.put",
 * "file.*"); the numbers are integers. PLAN must have parsed from SRC
 * without errors; whether targets name registered actions is check_plan's
 * business, not this function's. Settings that are wrong (unknown, not
 * literal, of the wrong type or range, missing) and a second breaker for
 * one target are reported to DIAGS: then MIG_EINVALID and *OUT is NULL.
 * MIG_OK, MIG_EINVALID or MIG_ENOMEM. */
mig_status_t breaker_configs(const ast_plan_t *plan, src_t *src,
                             diag_list_t *diags, val_t **out);

#endif
