/* test_api.c: test.api and test.config, a simulated endpoint and a
 * configuration check for demos, for tests of the recovery strategies and
 * for bench/recovery. They fail the way a real V2 registry does when a
 * legacy call does not fit it, with the error details the strategies read
 * (docs/recovery.md, "Error details"): MethodNotFound for a method the API
 * does not have, ParamMismatch for parameters that do not fit the
 * method's schema, InvalidConfig for a configuration that does not fit
 * its schema. They change nothing. */
#include <string.h>

#include "stdlib_int.h"

/* Fails C with CLS and MESSAGE, and the detail {argument: ARGUMENT} plus
 * the N pairs of KEYS and VALUES (borrowed; a NULL value is left out). */
static mig_status_t fail_detail(action_ctx_t *c, const char *cls,
                                const char *message, const char *argument,
                                const char *const *keys, val_t *const *values,
                                size_t n)
{
    mig_status_t st = actx_fail(c, cls, "%s", message);
    val_t *d = val_map_new(n + 1);
    bool ok = d && val_map_set_take(d, "argument", 8, val_cstring(argument))
                       == MIG_OK;
    for (size_t i = 0; ok && i < n; i++)
        ok = !values[i]
             || val_map_set(d, keys[i], strlen(keys[i]), values[i]) == MIG_OK;
    if (!ok) {
        val_unref(d);
        return MIG_ENOMEM;
    }
    actx_set_error_detail(c, d);
    return st;
}

/* Checks VALUE against SCHEMA: *ERRORS gets a new list of the violations
 * (empty when it fits), TEXT their text joined by "; ". A SCHEMA that is
 * not a valid schema fails C (InvalidConfig). */
static mig_status_t violations(action_ctx_t *c, const char *who,
                               const val_t *value, const val_t *schema,
                               val_t **errors, strbuf_t *text)
{
    strbuf_t why;
    strbuf_init(&why);
    *errors = val_list_new(0);
    mig_status_t st = *errors ? schema_validate(value, schema, *errors, &why)
                              : MIG_ENOMEM;
    if (st == MIG_EINVALID)
        st = actx_fail(c, "InvalidConfig", "%s: the schema is not valid: %s",
                       who, why.data ? why.data : "");
    for (size_t i = 0; st == MIG_OK && i < val_len(*errors); i++)
        strbuf_printf(text, "%s%s", i ? "; " : "",
                      val_get_str(val_list_get(*errors, i), NULL));
    if (st == MIG_OK && text->oom)
        st = MIG_ENOMEM;
    strbuf_free(&why);
    return st;
}

/* ---- test.api ------------------------------------------------------------ */

static mig_status_t test_api_preview(action_ctx_t *c, const val_t *args,
                                     val_t **out)
{
    (void)out;
    return actx_would(c, "call", stdlib_arg_str(args, "method"),
                      "a simulated endpoint");
}

static mig_status_t test_api_run(action_ctx_t *c, const val_t *args,
                                 val_t **out)
{
    val_t *methods = val_map_get(stdlib_arg(args, "api"), "methods", 7);
    if (!methods || val_type(methods) != VAL_MAP)
        return actx_fail(c, "InvalidConfig", "test.api: the api has no "
                         "'methods' map (method name -> parameter schema)");
    const char *method = stdlib_arg_str(args, "method");
    val_t *schema = val_map_get(methods, method, strlen(method));
    val_t *params = stdlib_arg(args, "params");
    if (!schema) {
        val_t *names = val_list_new(val_len(methods));
        strbuf_t b;
        strbuf_init(&b);
        strbuf_printf(&b, "test.api: no method '%s' (it has: ", method);
        for (size_t i = 0; names && i < val_len(methods); i++) {
            val_t *k = val_map_key(methods, i);
            strbuf_printf(&b, "%s%s", i ? ", " : "", val_get_str(k, NULL));
            if (val_list_push(names, k) != MIG_OK) {
                val_unref(names);
                names = NULL;
            }
        }
        strbuf_putc(&b, ')');
        static const char *const keys[] = { "method", "available" };
        val_t *m = val_cstring(method);
        val_t *values[] = { m, names };
        mig_status_t st = !names || !m || b.oom ? MIG_ENOMEM
            : fail_detail(c, "MethodNotFound", b.data, "method", keys,
                          values, 2);
        val_unref(m);
        val_unref(names);
        strbuf_free(&b);
        return st;
    }
    static const char *const keys[] = { "method", "schema", "errors" };
    val_t *m = val_cstring(method);
    if (!m)
        return MIG_ENOMEM;
    mig_status_t st;
    strbuf_t b;
    strbuf_init(&b);
    if (val_type(params) != VAL_MAP) {
        strbuf_printf(&b, "test.api: %s takes its parameters by name (a "
                      "map), not %s", method,
                      val_type(params) == VAL_LIST ? "a list"
                          : val_type_name(val_type(params)));
        val_t *values[] = { m, schema, NULL };
        st = b.oom ? MIG_ENOMEM : fail_detail(c, "ParamMismatch", b.data,
                                              "params", keys, values, 3);
    } else {
        val_t *errors = NULL;
        strbuf_t text;
        strbuf_init(&text);
        st = violations(c, "test.api", params, schema, &errors, &text);
        if (st == MIG_OK && val_len(errors)) {
            strbuf_printf(&b, "test.api: the parameters do not fit %s: %s",
                          method, text.data);
            val_t *values[] = { m, schema, errors };
            st = b.oom ? MIG_ENOMEM : fail_detail(c, "ParamMismatch", b.data,
                                                  "params", keys, values, 3);
        } else if (st == MIG_OK) {
            val_t *r = val_map_new(2);
            if (!r || val_map_set(r, "method", 6, m) != MIG_OK
                || val_map_set(r, "params", 6, params) != MIG_OK) {
                val_unref(r);
                st = MIG_ENOMEM;
            } else {
                *out = r;
            }
        }
        val_unref(errors);
        strbuf_free(&text);
    }
    val_unref(m);
    strbuf_free(&b);
    return st;
}

/* ---- test.config ----------------------------------------------------------- */

static mig_status_t test_config_preview(action_ctx_t *c, const val_t *args,
                                        val_t **out)
{
    (void)out;
    return actx_would(c, "check", "config", "%zu key(s) against a schema",
                      val_len(stdlib_arg(args, "config")));
}

static mig_status_t test_config_run(action_ctx_t *c, const val_t *args,
                                    val_t **out)
{
    val_t *schema = stdlib_arg(args, "schema");
    val_t *config = stdlib_arg(args, "config");
    val_t *errors = NULL;
    strbuf_t text, b;
    strbuf_init(&text);
    strbuf_init(&b);
    mig_status_t st = violations(c, "test.config", config, schema, &errors,
                                 &text);
    if (st == MIG_OK && val_len(errors)) {
        strbuf_printf(&b, "test.config: the configuration does not fit its "
                      "schema: %s", text.data);
        static const char *const keys[] = { "schema", "errors" };
        val_t *values[] = { schema, errors };
        st = b.oom ? MIG_ENOMEM : fail_detail(c, "InvalidConfig", b.data,
                                              "config", keys, values, 2);
    } else if (st == MIG_OK) {
        *out = val_ref(config);
    }
    val_unref(errors);
    strbuf_free(&text);
    strbuf_free(&b);
    return st;
}

/* ---- the table ---------------------------------------------------------- */

static const action_arg_t api_args[] = {
    { .name = "api", .types = ACTION_T(MAP), .required = true,
      .doc = "the endpoint: {methods: {NAME: parameter schema}}" },
    { .name = "method", .types = ACTION_T(STRING), .required = true,
      .doc = "the method to call" },
    { .name = "params", .types = ACTION_T(MAP) | ACTION_T(LIST),
      .def = "{}", .doc = "its parameters, by name" },
    { 0 },
};

static const action_arg_t config_args[] = {
    { .name = "schema", .types = ACTION_T(MAP), .required = true,
      .doc = "what the configuration must fit (a JSON Schema)" },
    { .name = "config", .types = ACTION_T_ANY, .required = true,
      .doc = "the configuration" },
    { 0 },
};

const action_t stdlib_test_api_actions[] = {
    { .name = "test.api", .effect = ACTION_PURE, .args = api_args,
      .result = ACTION_T(MAP), .preview = test_api_preview,
      .run = test_api_run,
      .doc = "A simulated endpoint: calls METHOD of API with PARAMS and "
             "gives {method, params}; fails with MethodNotFound or "
             "ParamMismatch, with the details the strategies read, when "
             "the call does not fit." },
    { .name = "test.config", .effect = ACTION_PURE, .args = config_args,
      .result = ACTION_T_ANY, .preview = test_config_preview,
      .run = test_config_run,
      .doc = "Gives CONFIG when it fits SCHEMA; fails with InvalidConfig, "
             "with the details adapt.repair_config reads, when not." },
};

const size_t stdlib_test_api_count =
    sizeof stdlib_test_api_actions / sizeof *stdlib_test_api_actions;
