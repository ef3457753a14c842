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
extern const action_handler_t stdlib_adapt_handlers[];
extern const size_t stdlib_adapt_count;

/* adapt.resolve_dependency's function (adapt_depend.c; interpreter.h,
 * handler_fn). */
mig_status_t adapt_resolve_dependency(action_ctx_t *c, const val_t *err,
                                      const val_t *args, val_t **out);

/* The state of the registry record ID ("registry:DB#KIND/NAME"), the
 * function of the registry's row of the resource table (runtime.h,
 * resource_registry_state; registry/registry.c). */
mig_status_t registry_record_state(action_ctx_t *c, const char *id,
                                   strbuf_t *out);

/* The argument NAME of ARGS (a map bound by action_bind_args), borrowed,
 * or NULL when it has no value. */
val_t *stdlib_arg(const val_t *args, const char *name);
/* The string argument NAME, or NULL. */
const char *stdlib_arg_str(const val_t *args, const char *name);
/* The bytes a file action writes for CONTENT: a string as it is, any
 * other value as indented JSON and a newline. */
mig_status_t stdlib_content(const val_t *content, strbuf_t *out);

#endif
