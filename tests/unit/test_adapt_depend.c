/* test_adapt_depend.c: adapt.resolve_dependency (stdlib/adapt_depend.c,
 * docs/recovery.md "adapt.resolve_dependency") called directly: what the
 * error's detail says is missing becomes an `after` decision naming those
 * items and the key that names them; an error whose detail does not say
 * (no detail, no list, an empty list, a name that is not a string) is a
 * fail decision that says so. Waiting for the items themselves is the
 * scheduler's (tests/cases/run/resolve_dependency, depend_cycle). */
#include "adapt_fixture.h"

#define D "adapt.resolve_dependency"

/* Checks that the decision is `after` on the names ON (JSON) by BY. */
static void expect_after(afx_t *f, const char *detail, const char *args,
                         const char *on, const char *by)
{
    val_t *d = NULL;
    assert_int_equal(afx_call(f, D, "{'name': 'a'}", detail, args, &d),
                     MIG_OK);
    afx_kind(d, "after");
    char *got = afx_text(val_map_get(d, "on", 2));
    val_t *want = afx_json(on);
    char *want_text = afx_text(want);
    assert_string_equal(got, want_text);
    assert_string_equal(val_get_str(val_map_get(d, "by", 2), NULL), by);
    free(got);
    free(want_text);
    val_unref(want);
    val_unref(d);
}

static void names_what_is_missing(void **state)
{
    afx_t *f = *state;
    expect_after(f, "{'missing': ['geo', 'auth']}", "{'by': 'name'}",
                 "['geo', 'auth']", "name");
    /* Another key names the items. */
    expect_after(f, "{'missing': ['t-7'], 'other': 1}", "{'by': 'id'}",
                 "['t-7']", "id");
    /* Without the argument (a call outside a plan), "name". */
    expect_after(f, "{'missing': ['x']}", NULL, "['x']", "name");
}

static void an_error_that_does_not_say(void **state)
{
    afx_t *f = *state;
    static const char *const details[] = {
        NULL, "{'argument': 'requires'}", "{'missing': 'geo'}",
        "{'missing': []}", "{'missing': ['geo', 3]}",
    };
    for (size_t i = 0; i < sizeof details / sizeof *details; i++)
        afx_expect_fail(f, D, "{'name': 'a'}", details[i], "{'by': 'name'}",
                        "adapt.resolve_dependency: the error does not say "
                        "what is missing (its detail has no 'missing' list "
                        "of names)", NO_CHANGES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(names_what_is_missing, afx_setup,
                                        afx_teardown),
        cmocka_unit_test_setup_teardown(an_error_that_does_not_say,
                                        afx_setup, afx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
