/* test_adapt_method.c: adapt.remap_method (stdlib/adapt_method.c,
 * docs/recovery.md "adapt.remap_method") called directly: a mapped name
 * retried under its new name, a name mapped to itself, a miss with a
 * suggestion from the map (by normalised name, then by edit distance) or
 * from the names the target has, a miss with none; a method that is not a
 * string or not there; the argument taken from the plan or the detail;
 * and a map whose new names are not strings, which stops the strategy. */
#include "adapt_fixture.h"

#define M "adapt.remap_method"

#define MAP "{'map': {'getWeather': 'weather.get', " \
            "'getForecast': 'weather.forecast'}}"
#define AVAILABLE "{'argument': 'method', 'method': 'getWetter', " \
                  "'available': ['weather.get', 'weather.forecast', " \
                  "'weather.alerts']}"

static void mapped(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, M, "{'api': 'x', 'method': 'getWeather', "
                     "'params': ['Paris']}", AVAILABLE, MAP,
                     "{'method': 'weather.get'}",
                     CHANGES("method: getWeather -> weather.get"));
    /* Without a detail, the argument is "method". */
    afx_expect_retry(f, M, "{'method': 'getForecast'}", NULL, MAP,
                     "{'method': 'weather.forecast'}",
                     CHANGES("method: getForecast -> weather.forecast"));
}

static void mapped_to_itself(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, M, "{'method': 'weather.get'}", NULL,
                    "{'map': {'weather.get': 'weather.get'}}",
                    "method: 'weather.get' maps to itself; nothing to adapt",
                    NO_CHANGES);
}

static void miss_suggests_from_the_map(void **state)
{
    afx_t *f = *state;
    /* By edit distance. */
    afx_expect_fail(f, M, "{'method': 'getWether'}", NULL, MAP,
                    "no mapping for method 'getWether' (did you mean "
                    "'getWeather', which maps to 'weather.get'?)",
                    NO_CHANGES);
    /* By normalised name first: case and separators do not count. */
    afx_expect_fail(f, M, "{'method': 'get_forecast'}", NULL, MAP,
                    "no mapping for method 'get_forecast' (did you mean "
                    "'getForecast', which maps to 'weather.forecast'?)",
                    NO_CHANGES);
    /* And a name the target has, when it is another. */
    afx_expect_fail(f, M, "{'method': 'getWether'}",
                    "{'available': ['weather.get', 'getWeathr']}", MAP,
                    "no mapping for method 'getWether' (did you mean "
                    "'getWeather', which maps to 'weather.get'? the target "
                    "has 'getWeathr')", NO_CHANGES);
}

static void miss_suggests_from_available(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, M, "{'method': 'weather.alert'}", AVAILABLE, MAP,
                    "no mapping for method 'weather.alert' (the target has "
                    "'weather.alerts')", NO_CHANGES);
    /* The same name twice is said once. */
    afx_expect_fail(f, M, "{'method': 'Weather.Get'}",
                    "{'available': ['weather.get', 'weather.forecast']}",
                    "{'map': {'weather_get': 'weather.get'}}",
                    "no mapping for method 'Weather.Get' (did you mean "
                    "'weather_get', which maps to 'weather.get'?)",
                    NO_CHANGES);
}

static void miss_without_suggestion(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, M, "{'method': 'listStations'}", AVAILABLE, MAP,
                    "no mapping for method 'listStations'; add it to "
                    "adapt.remap_method(map: {...})", NO_CHANGES);
}

static void method_not_a_string(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, M, "{'method': 42}", NULL, MAP,
                    "method: expected a string (the method's name), found "
                    "a number", NO_CHANGES);
    afx_expect_fail(f, M, "{'api': 'x'}", NULL, MAP,
                    "the call has no argument 'method'", NO_CHANGES);
}

static void argument_sources(void **state)
{
    afx_t *f = *state;
    /* The detail names the argument... */
    afx_expect_retry(f, M, "{'op': 'getWeather', 'method': 'POST'}",
                     "{'argument': 'op'}", MAP, "{'op': 'weather.get'}",
                     CHANGES("op: getWeather -> weather.get"));
    /* ... and the plan's wins over it. */
    afx_expect_retry(f, M, "{'op': 'x', 'tool': 'getForecast'}",
                     "{'argument': 'op'}",
                     "{'map': {'getForecast': 'weather.forecast'}, "
                     "'argument': 'tool'}",
                     "{'tool': 'weather.forecast'}",
                     CHANGES("tool: getForecast -> weather.forecast"));
}

static void malformed_map(void **state)
{
    afx_t *f = *state;
    afx_expect_invalid(f, M, "{'method': 'getWeather'}", NULL,
                       "{'map': {'getWeather': 'weather.get', 'getOld': "
                       "null}}",
                       "adapt.remap_method: map: the new name of 'getOld' "
                       "must be a string, found null");
    afx_expect_invalid(f, M, "{'method': 'getWeather'}", NULL, "{}",
                       "adapt.remap_method: map: expected a map of legacy "
                       "method names to new ones");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, afx_setup, afx_teardown)
    const struct CMUnitTest tests[] = {
        T(mapped), T(mapped_to_itself), T(miss_suggests_from_the_map),
        T(miss_suggests_from_available), T(miss_without_suggestion),
        T(method_not_a_string), T(argument_sources), T(malformed_map),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
