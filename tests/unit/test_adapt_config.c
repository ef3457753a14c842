/* test_adapt_config.c: adapt.repair_config (stdlib/adapt_config.c,
 * docs/recovery.md "adapt.repair_config") called directly: defaults
 * filled, nested maps repaired, values coerced, keys the schema excludes
 * dropped and kept where it allows them, required keys missing, every
 * problem listed, validation after repair, nothing to adapt; the
 * configuration missing or not a map; where the schema and the argument
 * come from; and a malformed schema, which stops the strategy. */
#include "adapt_fixture.h"

#define C "adapt.repair_config"

#define AUTH                                                                 \
    "{'type': 'object', 'properties': {'token': {'type': 'string'}, "       \
    "'timeout': {'type': 'integer', 'default': 5}}, "                        \
    "'required': ['token'], 'additionalProperties': false}"

#define SERVICE                                                              \
    "{'type': 'object', 'properties': {"                                    \
    "'name': {'type': 'string'}, "                                           \
    "'timeout': {'type': 'integer', 'default': 30}, "                       \
    "'retries': {'type': 'integer', 'minimum': 0, 'default': 3}, "          \
    "'verbose': {'type': 'boolean', 'default': false}, "                    \
    "'auth': " AUTH "}, "                                                    \
    "'required': ['name'], 'additionalProperties': false}"

#define DETAIL "{'argument': 'config', 'schema': " SERVICE ", " \
               "'errors': ['$: the property name is required']}"

static void defaults(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, C, "{'config': {'name': 'svc'}}", DETAIL, NULL,
                     "{'config': {'name': 'svc', 'timeout': 30, "
                     "'retries': 3, 'verbose': false}}",
                     CHANGES("config.timeout: default 30",
                             "config.retries: default 3",
                             "config.verbose: default false"));
    /* A null where the type has no null takes the default. */
    afx_expect_retry(f, C, "{'config': {'name': 'svc', 'timeout': null, "
                     "'retries': 1, 'verbose': true}}", DETAIL, NULL,
                     "{'config': {'name': 'svc', 'timeout': 30, "
                     "'retries': 1, 'verbose': true}}",
                     CHANGES("config.timeout: null -> default 30"));
}

static void nested(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, C, "{'config': {'name': 'svc', 'timeout': 30, "
                     "'retries': 3, 'verbose': false, "
                     "'auth': {'token': 't', 'timout': '9'}}}", DETAIL, NULL,
                     "{'config': {'name': 'svc', 'timeout': 30, "
                     "'retries': 3, 'verbose': false, "
                     "'auth': {'token': 't', 'timeout': 5}}}",
                     CHANGES("config.auth.timout: dropped (not in the "
                             "schema)",
                             "config.auth.timeout: default 5"));
    afx_expect_retry(f, C, "{'config': {'name': 'svc', 'timeout': 30, "
                     "'retries': 3, 'verbose': false, "
                     "'auth': {'token': 7, 'timeout': '60'}}}", DETAIL, NULL,
                     "{'config': {'name': 'svc', 'timeout': 30, "
                     "'retries': 3, 'verbose': false, "
                     "'auth': {'token': '7', 'timeout': 60}}}",
                     CHANGES("config.auth.token: 7 -> \"7\" (string)",
                             "config.auth.timeout: \"60\" -> 60 (integer)"));
}

static void coercion(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, C, "{'config': {'name': 'svc', 'timeout': '45', "
                     "'retries': 2.0, 'verbose': 'False'}}", DETAIL, NULL,
                     "{'config': {'name': 'svc', 'timeout': 45, "
                     "'retries': 2, 'verbose': false}}",
                     CHANGES("config.timeout: \"45\" -> 45 (integer)",
                             "config.retries: 2.0 -> 2 (integer)",
                             "config.verbose: \"False\" -> false "
                             "(boolean)"));
}

static void drop(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, C, "{'config': {'name': 'svc', 'colour': 'red', "
                     "'timeout': 30, 'retries': 3, 'verbose': false}}",
                     DETAIL, NULL,
                     "{'config': {'name': 'svc', 'timeout': 30, "
                     "'retries': 3, 'verbose': false}}",
                     CHANGES("config.colour: dropped (not in the schema)"));
    /* A key that is no name is quoted in its place. */
    afx_expect_retry(f, C, "{'config': {'name': 'svc', 'the colour': 1, "
                     "'timeout': 30, 'retries': 3, 'verbose': false}}",
                     DETAIL, NULL,
                     "{'config': {'name': 'svc', 'timeout': 30, "
                     "'retries': 3, 'verbose': false}}",
                     CHANGES("config[\"the colour\"]: dropped (not in the "
                             "schema)"));
}

static void keep_when_allowed(void **state)
{
    afx_t *f = *state;
    /* JSON Schema's default: other keys are allowed, and kept. */
    afx_expect_retry(f, C, "{'config': {'colour': 'red'}}",
                     "{'schema': {'properties': {'size': {'type': "
                     "'integer', 'default': 1}}}}", NULL,
                     "{'config': {'colour': 'red', 'size': 1}}",
                     CHANGES("config.size: default 1"));
    /* A schema for the others: they are fitted to it. */
    afx_expect_retry(f, C, "{'config': {'colour': 'red', 'size': 2}}",
                     "{'schema': {'properties': {'size': {'type': "
                     "'integer'}}, 'additionalProperties': {'type': "
                     "'array'}}}", NULL,
                     "{'config': {'colour': ['red'], 'size': 2}}",
                     CHANGES("config.colour: \"red\" -> [\"red\"] "
                             "(array)"));
}

static void every_problem_listed(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, C, "{'config': {'retries': 'many', 'auth': {}, "
                    "'verbose': 'maybe'}}", DETAIL, NULL,
                    "config.retries: \"many\" is not an integer; "
                    "config.auth.token: missing (required, and the schema "
                    "gives no default); "
                    "config.verbose: \"maybe\" is not a boolean; "
                    "config.name: missing (required, and the schema gives "
                    "no default)",
                    CHANGES("config.auth.timeout: default 5",
                            "config.timeout: default 30"));
    /* A required key the properties do not describe. */
    afx_expect_fail(f, C, "{'config': {}}",
                    "{'schema': {'required': ['region']}}", NULL,
                    "config.region: missing (required, and the schema "
                    "gives no default)", NO_CHANGES);
}

static void validated_after_repair(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, C, "{'config': {'name': 'svc', 'retries': '-1'}}",
                    DETAIL, NULL,
                    "config.retries: must be at least 0, found -1",
                    CHANGES("config.retries: \"-1\" -> -1 (integer)",
                            "config.timeout: default 30",
                            "config.verbose: default false"));
}

static void nothing_to_adapt(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, C, "{'config': {'name': 'svc', 'timeout': 30, "
                    "'retries': 3, 'verbose': false}}", DETAIL, NULL,
                    "config: already fits its schema; nothing to adapt",
                    NO_CHANGES);
    afx_expect_fail(f, C, "{'config': {'name': 'svc', 'timeout': 30, "
                    "'retries': -2, 'verbose': false}}", DETAIL, NULL,
                    "config.retries: must be at least 0, found -2",
                    NO_CHANGES);
}

static void not_a_map(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, C, "{'config': ['name', 'svc']}", DETAIL, NULL,
                    "config: expected a map, found a list", NO_CHANGES);
    afx_expect_fail(f, C, "{'path': 'x.json'}", DETAIL, NULL,
                    "the call has no argument 'config'", NO_CHANGES);
}

static void schema_and_argument_sources(void **state)
{
    afx_t *f = *state;
    /* The detail names the argument; the plan's schema wins. */
    afx_expect_retry(f, C, "{'settings': {'name': 'svc'}}",
                     "{'argument': 'settings', 'schema': {'properties': "
                     "{'name': {'type': 'integer'}}}}",
                     "{'schema': {'properties': {'port': {'type': "
                     "'integer', 'default': 80}}}}",
                     "{'settings': {'name': 'svc', 'port': 80}}",
                     CHANGES("settings.port: default 80"));
    afx_expect_fail(f, C, "{'config': {}}", "{'argument': 'config'}", NULL,
                    "no configuration schema to repair by: give one "
                    "(adapt.repair_config(schema: ...)) or let the action's "
                    "error carry it (detail.schema)", NO_CHANGES);
}

static void malformed_schema(void **state)
{
    afx_t *f = *state;
    afx_expect_invalid(f, C, "{'config': {}}", NULL,
                       "{'schema': {'properties': {'auth': {'type': "
                       "'object', 'additionalProperties': 'no'}}}}",
                       "adapt.repair_config: the schema is not valid: "
                       "schema.properties.auth: 'additionalProperties' must "
                       "be a boolean or a schema");
    afx_expect_invalid(f, C, "{'config': {}}",
                       "{'schema': {'properties': {'n': {'minimum': 'one'}}}}",
                       NULL,
                       "adapt.repair_config: the schema is not valid: "
                       "detail.schema.properties.n: 'minimum' must be a "
                       "number");
    afx_expect_invalid(f, C, "{'config': {}}", "{'schema': [1]}", NULL,
                       "adapt.repair_config: the schema is not valid: "
                       "detail.schema: a schema must be a map");
}

/* The example of docs/recovery.md, "adapt.repair_config". */
#define DOC_SCHEMA                                                           \
    "{'schema': {'type': 'object', 'properties': {"                          \
    "'name': {'type': 'string'}, "                                           \
    "'timeout': {'type': 'integer', 'default': 30}, "                       \
    "'retries': {'type': 'integer', 'minimum': 0, 'default': 3}, "          \
    "'auth': " AUTH "}, "                                                    \
    "'required': ['name'], 'additionalProperties': false}}"

static void documented_example(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, C, "{'config': {'name': 'svc', 'retries': '2', "
                     "'colour': 'red', 'auth': {'token': 't', 'timout': 9}}}",
                     DOC_SCHEMA, NULL,
                     "{'config': {'name': 'svc', 'retries': 2, "
                     "'auth': {'token': 't', 'timeout': 5}, 'timeout': 30}}",
                     CHANGES("config.retries: \"2\" -> 2 (integer)",
                             "config.colour: dropped (not in the schema)",
                             "config.auth.timout: dropped (not in the "
                             "schema)",
                             "config.auth.timeout: default 5",
                             "config.timeout: default 30"));
    afx_expect_fail(f, C, "{'config': {'retries': 'many', 'auth': {}}}",
                    DOC_SCHEMA, NULL,
                    "config.retries: \"many\" is not an integer; "
                    "config.auth.token: missing (required, and the schema "
                    "gives no default); config.name: missing (required, "
                    "and the schema gives no default)",
                    CHANGES("config.auth.timeout: default 5",
                            "config.timeout: default 30"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, afx_setup, afx_teardown)
    const struct CMUnitTest tests[] = {
        T(defaults), T(nested), T(coercion), T(drop), T(keep_when_allowed),
        T(every_problem_listed), T(validated_after_repair),
        T(nothing_to_adapt), T(not_a_map), T(schema_and_argument_sources),
        T(malformed_schema), T(documented_example),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
