/* schema_action.c: schema.validate, JSON Schema 2020-12 as a pure action
 * (docs/schema.md; the validator is interpreter/schema.c). A value that
 * does not fit is a result, not an error: {valid: false, errors: [...]};
 * a schema that is itself wrong fails the call with InvalidConfig. */
#include <string.h>

#include "stdlib_int.h"

static mig_status_t validate_run(action_ctx_t *c, const val_t *args,
                                 val_t **out)
{
    *out = NULL;
    const val_t *value = stdlib_arg(args, "value");
    const val_t *schema = stdlib_arg(args, "schema");
    const char *base = stdlib_arg_str(args, "base");
    const char *dir = actx_path(c, base ? base : ".");
    if (!dir)
        return MIG_ENOMEM;
    val_t *errors = val_list_new(0);
    val_t *res = val_map_new(2);
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = errors && res ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = schema_validate_from(value ? value : val_null(), schema, "",
                                  dir, SCHEMA_POINTER, errors, &why);
    if (st == MIG_EINVALID)
        st = actx_fail(c, "InvalidConfig", "schema.validate: the schema is "
                       "not valid: %s", why.data ? why.data : "?");
    if (st == MIG_OK) {
        val_t *ok = val_bool(val_len(errors) == 0);
        if (!ok || val_map_set_take(res, "valid", 5, ok) != MIG_OK
            || val_map_set(res, "errors", 6, errors) != MIG_OK)
            st = MIG_ENOMEM;
    }
    strbuf_free(&why);
    val_unref(errors);
    if (st == MIG_OK)
        *out = res;
    else
        val_unref(res);
    return st;
}

static const action_arg_t validate_args[] = {
    { .name = "value", .types = ACTION_T_ANY, .required = true,
      .doc = "the value to check" },
    { .name = "schema", .types = ACTION_T(MAP) | ACTION_T(BOOL),
      .required = true,
      .doc = "a JSON Schema 2020-12 (the keywords of docs/schema.md)" },
    { .name = "base", .types = ACTION_T(STRING),
      .doc = "the folder a $ref to another file is read from (default: the "
             "plan's folder)" },
    { 0 },
};

const action_t stdlib_schema_actions[] = {
    { .name = "schema.validate", .effect = ACTION_PURE,
      .args = validate_args, .result = ACTION_T(MAP),
      .preview = validate_run, .run = validate_run,
      .doc = "Checks VALUE against SCHEMA: {valid, errors: [{pointer, "
             "message}]}; a schema that is not valid fails with "
             "InvalidConfig." },
};

const size_t stdlib_schema_count =
    sizeof stdlib_schema_actions / sizeof *stdlib_schema_actions;
