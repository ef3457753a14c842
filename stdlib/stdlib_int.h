/* stdlib_int.h: what the files of the standard library share: each
 * module's table, and small readers of an action's argument map. */
#ifndef MIG_STDLIB_INT_H
#define MIG_STDLIB_INT_H

#include "mig_stdlib.h"

/* Each module's rows (file.c, exec.c, log.c, test.c, test_api.c,
 * schema_action.c, tools/normalize.c, adapt.c, registry/registry.c). */
extern const action_t stdlib_file_actions[];
extern const size_t stdlib_file_count;
extern const action_t stdlib_exec_actions[];
extern const size_t stdlib_exec_count;
extern const action_t stdlib_log_actions[];
extern const size_t stdlib_log_count;
extern const action_t stdlib_test_actions[];
extern const size_t stdlib_test_count;
extern const action_t stdlib_schema_actions[];
extern const size_t stdlib_schema_count;
extern const action_t stdlib_normalize_actions[];
extern const size_t stdlib_normalize_count;
extern const action_t stdlib_test_api_actions[];
extern const size_t stdlib_test_api_count;
extern const action_t stdlib_tools_actions[];   /* tools/tools.c */
extern const size_t stdlib_tools_count;
extern const action_t stdlib_registry_actions[];
extern const size_t stdlib_registry_count;
extern const action_t stdlib_translate_actions[];  /* adapt_translate.c */
extern const size_t stdlib_translate_count;
extern const action_t stdlib_http_actions[];    /* http/http.c */
extern const size_t stdlib_http_count;
extern const action_handler_t stdlib_adapt_handlers[];
extern const size_t stdlib_adapt_count;

/* adapt.resolve_dependency's function (adapt_depend.c; interpreter.h,
 * handler_fn). */
mig_status_t adapt_resolve_dependency(action_ctx_t *c, const val_t *err,
                                      const val_t *args, val_t **out);

/* The state of the registry record ID ("registry:DB#KIND/NAME"), the
 * function of the registry's row of the resource table (runtime.h,
 * resource_registry_state; registry/registry_store.c); EXPECT as
 * resource_state_expect says. */
mig_status_t registry_record_state(action_ctx_t *c, const char *id,
                                   const val_t *expect, strbuf_t *out);
/* The states of the registry records among IDS read together, into OUT
 * (resource_registry_states; registry/registry_store.c). */
mig_status_t registry_records_states(action_ctx_t *c, const val_t *ids,
                                     val_t *out);
/* The records of registry DB now (resource_registry_records;
 * registry/registry_drift.c). */
mig_status_t registry_records_now(action_ctx_t *c, const char *db,
                                  val_t **out);

/* The state of the remote record ID ("remote:URL"), the function of the
 * remote row of the resource table (runtime.h, resource_remote_state;
 * http/http_restore.c). */
mig_status_t http_remote_state(action_ctx_t *c, const char *id,
                               strbuf_t *out);

/* Validates D, a descriptor of KIND ("tool", "server", "rag") as it is,
 * against the embedded V2 descriptor schema (docs/registry.md),
 * appending each violation to ERRORS as a map {pointer, message} (JSON
 * pointers, "" for the whole descriptor), in the order met. MIG_OK (ERRORS
 * may have grown or not) or MIG_ENOMEM (registry/registry_validate.c). */
mig_status_t registry_validate(const val_t *d, const char *kind,
                               val_t *errors);
/* Descriptors known valid, so that a record is validated once on its
 * way from tools.normalize to registry.put (registry_validate.c). A
 * noted descriptor is held (a reference kept), so it stays as it is:
 * a shared value never changes (interpreter.h). */
#define REGISTRY_VALID_KEPT 64
/* Notes that D, a descriptor of KIND whose content digest
 * (tools_descriptor_digest) is DIGEST, passed registry_validate as the
 * registry stores it (with created and updated set, its status or
 * none): the last REGISTRY_VALID_KEPT noted are kept (this process
 * only; a reference to each is held until it is dropped from them, so D
 * is shared from now on). A KIND that is no record kind, or a DIGEST
 * too long for one, is not noted. */
void registry_note_valid(val_t *d, const char *kind, const char *digest);
/* The content digest of D when D itself (the same value, not an equal
 * one) is among the descriptors noted valid as KIND; else NULL. */
const char *registry_known_valid(const val_t *d, const char *kind);
/* How many violations a message names before "and N more". */
#define REGISTRY_VIOLATIONS_SHOWN 5
/* Appends the violations ERRORS (of registry_validate) to OUT for a
 * message: "/a: what; /b: what", the first REGISTRY_VIOLATIONS_SHOWN, then
 * "; and N more". MIG_OK or MIG_ENOMEM. */
mig_status_t registry_violations_text(const val_t *errors, strbuf_t *out);

/* The argument NAME of ARGS (a map bound by action_bind_args), borrowed,
 * or NULL when it has no value. */
val_t *stdlib_arg(const val_t *args, const char *name);
/* The string argument NAME, or NULL. */
const char *stdlib_arg_str(const val_t *args, const char *name);
/* The bytes a file action writes for CONTENT: a string as it is, any
 * other value as indented JSON and a newline. */
mig_status_t stdlib_content(const val_t *content, strbuf_t *out);
/* Appends the N bytes B as valid UTF-8 (each bad byte becomes U+FFFD):
 * what a command or an endpoint sent, as a string value may hold it. */
void stdlib_put_lossy(strbuf_t *out, const char *b, size_t n);
/* The bytes of secret V appended to B: here they leave mig (a command's
 * argument or environment, a request's header). V joins SECRETS (a list),
 * so that what comes back is scrubbed of them (stdlib_scrub). A sealed
 * secret whose source is gone fails on C as ACTION's InvalidConfig, WHAT
 * naming the place ("a value of env"). */
mig_status_t stdlib_reveal(action_ctx_t *c, const char *action,
                           const val_t *v, const char *what, val_t *secrets,
                           strbuf_t *b);
/* Replaces in B every occurrence of the bytes of each secret of SECRETS
 * (a list of revealed secrets) by "***": what a command echoes, or an
 * endpoint answers, of a secret given to it is not kept. When B was CUT
 * (a bound reached), a secret's beginning at its end goes too. Out of
 * memory, B is emptied rather than left holding a secret. */
void stdlib_scrub(strbuf_t *b, const val_t *secrets, bool cut);

/* ---- exec.run's process (exec_args.c) ------------------------------------ */

/* The argv of CMD (a string, a secret, or a list of words): /bin/sh -c CMD
 * for a string or secret, the words of a list; GATED, behind the gate
 * (/bin/sh -c GATE mig-exec ARGV...). Secrets are revealed into it and
 * pushed on SECRETS (a list). *OUT is a NULL-ended array for
 * exec_free_words; failures are reported through C. */
mig_status_t exec_argv(action_ctx_t *c, const val_t *cmd, bool gated,
                       val_t *secrets, char ***out);
/* The environment: mig's own, with ENV's entries set (a null value
 * removes the variable; secrets revealed and pushed on SECRETS). */
mig_status_t exec_env(action_ctx_t *c, const val_t *env, val_t *secrets,
                      char ***out);
/* The working directory: DIR from the base (NULL: the base). */
mig_status_t exec_cwd(action_ctx_t *c, const char *dir, char **out);
void exec_free_words(char **v);
/* 0 when the program PROG can be run with the environment ENV, else the
 * errno that running it would meet. */
int exec_find_program(const char *prog, char **env);

#endif
