/* test_adapt_params.c: adapt.params (stdlib/adapt_params.c,
 * docs/recovery.md "adapt.params") called directly: positional to named,
 * renames by normalised name, containment, edit distance and type alone,
 * ambiguity, keys that fit nothing, the coercion table each way and its
 * failures, defaults, required parameters missing, validation, nothing to
 * adapt; where the schema and the argument come from; and a malformed
 * schema, which stops the strategy itself. */
#include "adapt_fixture.h"

#define P "adapt.params"

/* weather.get's parameters, as the error's detail carries them. */
#define WEATHER                                                              \
    "{'argument': 'params', 'method': 'weather.get', 'schema': "             \
    "{'type': 'object', 'properties': {"                                    \
    "'location': {'type': 'string'}, "                                       \
    "'unit': {'type': 'string', 'enum': ['metric', 'imperial'], "           \
    "'default': 'metric'}, "                                                 \
    "'days': {'type': 'integer', 'minimum': 1, 'maximum': 16, "             \
    "'default': 1}}, "                                                       \
    "'required': ['location']}}"

/* A detail for the same method with SCHEMA. */
#define DETAIL(schema)                                                       \
    "{'argument': 'params', 'method': 'weather.get', 'schema': " schema "}"

/* ---- positional to named ------------------------------------------------ */

static void positional_to_named(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, P, "{'method': 'getWeather', 'params': ['Paris', "
                     "'imperial', '3']}", WEATHER, NULL,
                     "{'params': {'location': 'Paris', 'unit': 'imperial', "
                     "'days': 3}}",
                     CHANGES("params: positional to named (location, unit, "
                             "days)",
                             "params.days: \"3\" -> 3 (integer)"));
    /* Fewer items than parameters: the rest from their defaults. */
    afx_expect_retry(f, P, "{'params': ['Paris']}", WEATHER, NULL,
                     "{'params': {'location': 'Paris', 'unit': 'metric', "
                     "'days': 1}}",
                     CHANGES("params: positional to named (location)",
                             "params.unit: default \"metric\"",
                             "params.days: default 1"));
}

static void too_many_positional(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, P, "{'params': ['Paris', 'metric', 3, true]}",
                    WEATHER, NULL,
                    "params: 4 positional parameters, but weather.get takes "
                    "3 (location, unit, days)", NO_CHANGES);
}

/* ---- renamed parameters ------------------------------------------------- */

#define CITY_SCHEMA                                                          \
    "{'type': 'object', 'properties': {"                                    \
    "'city_name': {'type': 'string'}, "                                      \
    "'country_code': {'type': 'string', 'default': 'FR'}}, "                \
    "'required': ['city_name']}"

static void rename_by_normal_name(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, P, "{'params': {'cityName': 'Paris', "
                     "'Country-Code': 'DE'}}", DETAIL(CITY_SCHEMA), NULL,
                     "{'params': {'city_name': 'Paris', "
                     "'country_code': 'DE'}}",
                     CHANGES("params: 'cityName' -> 'city_name' (same name, 95%)",
                             "params: 'Country-Code' -> 'country_code' "
                             "(same name, 95%)"));
}

static void rename_by_containment(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, P, "{'params': {'city': 'Paris'}}",
                     DETAIL(CITY_SCHEMA), NULL,
                     "{'params': {'city_name': 'Paris', "
                     "'country_code': 'FR'}}",
                     CHANGES("params: 'city' -> 'city_name' (one name holds "
                             "the other, 80%)",
                             "params.country_code: default \"FR\""));
    /* Containment needs 3 characters: 'ci' is no name for city_name; the
     * type alone is only named as a candidate, never applied. */
    afx_expect_fail(f, P, "{'params': {'ci': 'Paris'}}",
                    DETAIL(CITY_SCHEMA), NULL,
                    "parameter 'ci' matches no parameter of weather.get "
                    "(city_name, country_code) with 70% confidence or more; "
                    "not applied: 'city_name' (20%: the type only)",
                    NO_CHANGES);
    /* A name of 3 characters held by another is below the threshold: a
     * candidate (60%), not a rename. */
    afx_expect_fail(f, P, "{'params': {'cit': 'Paris'}}",
                    DETAIL(CITY_SCHEMA), NULL,
                    "parameter 'cit' matches no parameter of weather.get "
                    "(city_name, country_code) with 70% confidence or more; "
                    "not applied: 'city_name' (60%: one name holds the "
                    "other)", NO_CHANGES);
}

static void rename_by_edit_distance(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, P, "{'params': {'locaton': 'Paris', 'days': 2}}",
                     WEATHER, NULL,
                     "{'params': {'location': 'Paris', 'days': 2, "
                     "'unit': 'metric'}}",
                     CHANGES("params: 'locaton' -> 'location' (likely typo, "
                             "80%)",
                             "params.unit: default \"metric\""));
    /* Three edits are too many. */
    afx_expect_fail(f, P, "{'params': {'lcaotn': 'Paris', 'days': 2, "
                    "'unit': 'metric', 'x': 1}}", WEATHER, NULL,
                    "parameter 'lcaotn' matches no parameter of weather.get "
                    "(location, unit, days) with 70% confidence or more; "
                    "not applied: 'location' (20%: the type only); "
                    "parameter 'x' matches no parameter of weather.get "
                    "(location, unit, days) with 70% confidence or more; "
                    "not applied: 'location' (20%: the type only)",
                    NO_CHANGES);
}

static void rename_needs_the_type_to_fit(void **state)
{
    afx_t *f = *state;
    /* days_count holds days, and "3" becomes an integer. */
    afx_expect_retry(f, P, "{'params': {'location': 'Paris', "
                     "'days_count': '3'}}", WEATHER, NULL,
                     "{'params': {'location': 'Paris', 'days': 3, "
                     "'unit': 'metric'}}",
                     CHANGES("params: 'days_count' -> 'days' (one name holds "
                             "the other, 80%)",
                             "params.days: \"3\" -> 3 (integer)",
                             "params.unit: default \"metric\""));
    /* "many" cannot be an integer: the name alone does not rename, and
     * the key is not dropped either (days would take its default where
     * the call said something else of it): refused. */
    afx_expect_fail(f, P, "{'params': {'location': 'Paris', "
                    "'days_count': 'many'}}", WEATHER, NULL,
                    "parameter 'days_count' stands for 'days' of weather.get "
                    "(one name holds the other, 80%), but its value \"many\" "
                    "does not fit it", NO_CHANGES);
}

/* The type alone never renames (issue 19): one key and one parameter
 * left of the same type used to be matched; now the parameter is named
 * as a candidate below the threshold, and the call fails. */
static void never_by_type_alone(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, P, "{'params': {'where': 'Paris', 'unit': 'metric', "
                    "'days': 2}}", WEATHER, NULL,
                    "parameter 'where' matches no parameter of weather.get "
                    "(location, unit, days) with 70% confidence or more; "
                    "not applied: 'location' (20%: the type only)",
                    NO_CHANGES);
    /* Nor when the type does not fit: then the key has no candidate, and
     * 'where' names a filter, which is not dropped. */
    afx_expect_fail(f, P, "{'params': {'where': [1, 2], 'location': 'x'}}",
                    WEATHER, NULL,
                    "parameter 'where' is a filter, and weather.get has no "
                    "parameter for it (location, unit, days): dropping it "
                    "would change what the call returns", NO_CHANGES);
}

static void ambiguous_names(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, P, "{'params': {'city': 'Paris'}}",
                    DETAIL("{'properties': {'city_name': {'type': 'string'}, "
                           "'city_code': {'type': 'string'}}}"), NULL,
                    "parameter 'city' fits both 'city_name' and 'city_code' "
                    "of weather.get equally well (80%)", NO_CHANGES);
    afx_expect_fail(f, P, "{'params': {'lokation': 'a', 'locasion': 'b'}}",
                    WEATHER, NULL,
                    "parameters 'lokation' and 'locasion' both fit "
                    "'location' of weather.get equally well (80%)",
                    NO_CHANGES);
    /* A better match is no tie: city_name is equal once normalised. */
    afx_expect_retry(f, P, "{'params': {'CityName': 'Paris'}}",
                     DETAIL("{'properties': {'city_name': {'type': "
                            "'string'}, 'city_names': {'type': 'string'}}}"),
                     NULL, "{'params': {'city_name': 'Paris'}}",
                     CHANGES("params: 'CityName' -> 'city_name' (same "
                             "name, 95%)"));
}

static void unmatched_keys_kept_when_allowed(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, P, "{'params': {'location': 'Paris', 'trace': "
                     "true}}",
                     DETAIL("{'properties': {'location': {'type': "
                            "'string'}, 'days': {'type': 'integer', "
                            "'default': 1}}, 'additionalProperties': true}"),
                     NULL, "{'params': {'location': 'Paris', 'trace': true, "
                     "'days': 1}}", CHANGES("params.days: default 1"));
}

/* ---- coercion ----------------------------------------------------------- */

#define TYPES                                                                \
    DETAIL("{'properties': {'n': {'type': 'integer'}, "                     \
           "'x': {'type': 'number'}, 's': {'type': 'string'}, "             \
           "'b': {'type': 'boolean'}, 'c': {'type': 'boolean'}, "           \
           "'t': {'type': 'string'}, "                                      \
           "'w': {'type': 'integer'}, "                                     \
           "'tags': {'type': 'array', 'items': {'type': 'integer'}}, "      \
           "'maybe': {'type': ['integer', 'null']}}}")

static void coercions(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, P, "{'params': {'n': ' 42 ', 'x': '2.5', 's': 7, "
                     "'b': 'TRUE', 'c': 0, 't': false, 'w': 3.0, "
                     "'tags': '5', 'maybe': null}}", TYPES, NULL,
                     "{'params': {'n': 42, 'x': 2.5, 's': '7', 'b': true, "
                     "'c': false, 't': 'false', 'w': 3, 'tags': [5], "
                     "'maybe': null}}",
                     CHANGES("params.n: \" 42 \" -> 42 (integer)",
                             "params.x: \"2.5\" -> 2.5 (number)",
                             "params.s: 7 -> \"7\" (string)",
                             "params.b: \"TRUE\" -> true (boolean)",
                             "params.c: 0 -> false (boolean)",
                             "params.t: false -> \"false\" (string)",
                             "params.w: 3.0 -> 3 (integer)",
                             "params.tags: \"5\" -> [\"5\"] (array)",
                             "params.tags[0]: \"5\" -> 5 (integer)"));
    afx_expect_retry(f, P, "{'params': {'n': '1e3', 's': 2.5, "
                     "'tags': ['1', 2]}}", TYPES, NULL,
                     "{'params': {'n': 1000, 's': '2.5', 'tags': [1, 2]}}",
                     CHANGES("params.n: \"1e3\" -> 1000 (integer)",
                             "params.s: 2.5 -> \"2.5\" (string)",
                             "params.tags[0]: \"1\" -> 1 (integer)"));
}

static void coercion_failures(void **state)
{
    afx_t *f = *state;
    /* Every value that cannot be coerced is listed, in order. */
    afx_expect_fail(f, P, "{'params': {'n': 'three', 'x': '2.5.1', "
                    "'b': 'yes', 'c': 2, 'w': '3.5', 's': [1, 2], "
                    "'tags': [1, 'x'], 'maybe': 'none'}}", TYPES, NULL,
                    "params.n: \"three\" is not an integer; "
                    "params.x: \"2.5.1\" is not a number; "
                    "params.b: \"yes\" is not a boolean; "
                    "params.c: 2 is not a boolean; "
                    "params.w: \"3.5\" is not an integer; "
                    "params.s: [1, 2] is not a string; "
                    "params.tags[1]: \"x\" is not an integer; "
                    "params.maybe: \"none\" is not an integer or null",
                    NO_CHANGES);
    /* A number with a fraction is no integer either. */
    afx_expect_fail(f, P, "{'params': {'n': 2.5}}", TYPES, NULL,
                    "params.n: 2.5 is not an integer", NO_CHANGES);
}

static void duration_coercion(void **state)
{
    afx_t *f = *state;
    const char *schema = DETAIL("{'properties': {'timeout': {'type': "
                                "'duration'}, 'every': {'type': "
                                "'string'}}}");
    val_t *d = NULL;
    assert_int_equal(afx_call(f, P, "{'params': {'timeout': '1m30s', "
                              "'every': 'x'}}", schema, NULL, &d), MIG_OK);
    afx_kind(d, "retry");
    afx_changes(d, CHANGES("params.timeout: \"1m30s\" -> 1m30s (duration)"));
    val_t *t = val_map_get(val_map_get(val_map_get(d, "input", 5), "params",
                                       6), "timeout", 7);
    assert_int_equal(val_type(t), VAL_DURATION);
    assert_int_equal(val_get_ms(t), 90000);
    val_unref(d);
    /* The plan's rules: units in order, whole milliseconds. */
    afx_expect_fail(f, P, "{'params': {'timeout': '30s1m'}}", schema, NULL,
                    "params.timeout: \"30s1m\" is not a duration",
                    NO_CHANGES);
    afx_expect_fail(f, P, "{'params': {'timeout': '0.5ms'}}", schema, NULL,
                    "params.timeout: \"0.5ms\" is not a duration",
                    NO_CHANGES);
    afx_expect_fail(f, P, "{'params': {'timeout': 30}}", schema, NULL,
                    "params.timeout: 30 is not a duration", NO_CHANGES);
    /* ... and a duration becomes its text. */
    val_t *in = afx_json("{'params': {'every': null}}");
    val_t *params = val_copy(val_map_get(in, "params", 6));
    assert_int_equal(val_map_set_take(params, "every", 5,
                                      val_duration(200)), MIG_OK);
    assert_int_equal(val_map_set_take(in, "params", 6, params), MIG_OK);
    val_t *det = afx_json(schema);
    assert_int_equal(afx_call_values(f, P, in, det, NULL, &d), MIG_OK);
    afx_retry_is(d, "{'params': {'every': '200ms'}}",
                 CHANGES("params.every: 200ms -> \"200ms\" (string)"));
    val_unref(d);
    val_unref(det);
    val_unref(in);
}

/* ---- defaults, required, validation ------------------------------------- */

static void required_missing(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, P, "{'params': {'unit': 'imperial'}}", WEATHER, NULL,
                    "params.location: missing (required, and the schema "
                    "gives no default)",
                    CHANGES("params.days: default 1"));
    /* No parameters at all: read as none given. */
    afx_expect_fail(f, P, "{'method': 'getWeather'}", WEATHER, NULL,
                    "params.location: missing (required, and the schema "
                    "gives no default)",
                    CHANGES("params.unit: default \"metric\"",
                            "params.days: default 1"));
}

static void null_takes_the_default(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, P, "{'params': {'location': 'Paris', 'unit': null}}",
                     WEATHER, NULL,
                     "{'params': {'location': 'Paris', 'unit': 'metric', "
                     "'days': 1}}",
                     CHANGES("params.unit: null -> default \"metric\"",
                             "params.days: default 1"));
}

static void violations_after_fitting(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, P, "{'params': {'location': 'Paris', 'days': '30', "
                    "'unit': 'kelvin'}}", WEATHER, NULL,
                    "params.days: must be at most 16, found 30; "
                    "params.unit: must be one of \"metric\", \"imperial\"",
                    CHANGES("params.days: \"30\" -> 30 (integer)"));
}

static void nothing_to_adapt(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, P, "{'params': {'location': 'Paris', 'unit': "
                    "'metric', 'days': 2}}", WEATHER, NULL,
                    "the parameters already fit weather.get (location, "
                    "unit, days); nothing to adapt", NO_CHANGES);
    /* Nothing to change, but not valid: the violations say why. */
    afx_expect_fail(f, P, "{'params': {'location': 'Paris', 'unit': "
                    "'metric', 'days': 0}}", WEATHER, NULL,
                    "params.days: must be at least 1, found 0", NO_CHANGES);
}

static void not_parameters(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, P, "{'params': 'Paris'}", WEATHER, NULL,
                    "params: expected a list (positional) or a map (named) "
                    "of parameters, found a string", NO_CHANGES);
}

/* ---- where the schema and the argument come from ------------------------ */

static void schema_and_argument_sources(void **state)
{
    afx_t *f = *state;
    /* The plan's schema and argument win over the detail's. */
    afx_expect_retry(f, P, "{'query': {'city': 'Paris'}}", WEATHER,
                     "{'schema': " CITY_SCHEMA ", 'argument': 'query'}",
                     "{'query': {'city_name': 'Paris', "
                     "'country_code': 'FR'}}",
                     CHANGES("query: 'city' -> 'city_name' (one name holds "
                             "the other, 80%)",
                             "query.country_code: default \"FR\""));
    /* The detail's argument, and the input's method in messages. */
    afx_expect_fail(f, P, "{'method': 'getWeather', 'args': [1, 2, 3]}",
                    "{'argument': 'args', 'schema': {'properties': "
                    "{'a': {}}}}", NULL,
                    "args: 3 positional parameters, but getWeather takes 1 "
                    "(a)", NO_CHANGES);
    afx_expect_fail(f, P, "{'params': [1, 2]}", "{'schema': {}}", NULL,
                    "params: 2 positional parameters, but the schema takes "
                    "0 (no parameters)", NO_CHANGES);
    afx_expect_fail(f, P, "{'params': [1]}", NULL, NULL,
                    "no parameter schema to adapt to: give one "
                    "(adapt.params(schema: ...)) or let the action's error "
                    "carry it (detail.schema)", NO_CHANGES);
}

static void malformed_schema(void **state)
{
    afx_t *f = *state;
    afx_expect_invalid(f, P, "{'params': [1]}",
                       DETAIL("{'properties': {'days': {'type': 'int'}}}"),
                       NULL,
                       "adapt.params: the schema is not valid: "
                       "detail.schema.properties.days: 'type' names an "
                       "unknown type (the types are null, boolean, "
                       "integer, number, string, array, object and "
                       "duration)");
    afx_expect_invalid(f, P, "{'params': [1]}", WEATHER,
                       "{'schema': {'required': 'location'}}",
                       "adapt.params: the schema is not valid: schema: "
                       "'required' must be a list of names");
    afx_expect_invalid(f, P, "{'params': [1]}", NULL,
                       "{'schema': {'type': 'array'}}",
                       "adapt.params: the schema is not valid: schema: "
                       "'type' must allow \"object\" (the schema describes "
                       "a map)");
    /* Everywhere, even where no value reaches. */
    afx_expect_invalid(f, P, "{'params': [1]}", NULL,
                       "{'schema': {'properties': {'a': {'items': "
                       "{'properties': {'b': 3}}}}}}",
                       "adapt.params: the schema is not valid: "
                       "schema.properties.a.items.properties.b: a schema "
                       "must be a map");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, afx_setup, afx_teardown)
    const struct CMUnitTest tests[] = {
        T(positional_to_named), T(too_many_positional),
        T(rename_by_normal_name), T(rename_by_containment),
        T(rename_by_edit_distance), T(rename_needs_the_type_to_fit),
        T(never_by_type_alone), T(ambiguous_names),
        T(unmatched_keys_kept_when_allowed), T(coercions),
        T(coercion_failures), T(duration_coercion), T(required_missing),
        T(null_takes_the_default), T(violations_after_fitting),
        T(nothing_to_adapt), T(not_parameters),
        T(schema_and_argument_sources), T(malformed_schema),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
