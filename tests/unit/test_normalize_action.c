/* test_normalize_action.c: the action tools.normalize through its row
 * (stdlib/tools/normalize_action.c): the result's shape, a kind that is
 * none of the three, a descriptor that stays invalid (InvalidConfig with
 * its reasons in the detail), and `name:`, the rename a plan gives on a
 * Conflict (the original name first in aliases, then the record's own
 * aliases; the new name fitted like any other; the same name is no
 * change). */
#include "tools_fixture.h"
#include "json_fixture.h"

#define PROV "'provenance': {'file': 'a.json', 'pointer': '/0', " \
             "'format': 'openai.tools', 'digest': 'blake2b:" \
             "0000000000000000000000000000000000000000000000000000000000000000'}"

/* tools.normalize of RECORD (JSON, ' for ") with KIND and NAME when not
 * NULL: the result, or NULL when the action failed (its error in ctx). */
static val_t *normalize(const char *record, const char *kind,
                        const char *name)
{
    const action_t *a = action_find(reg, "tools.normalize");
    assert_non_null(a);
    val_t *args = val_map_new(3);
    assert_int_equal(val_map_set_take(args, "record", 6, json_value(record)),
                     MIG_OK);
    if (kind)
        assert_int_equal(val_map_set_take(args, "kind", 4, val_cstring(kind)),
                         MIG_OK);
    if (name)
        assert_int_equal(val_map_set_take(args, "name", 4, val_cstring(name)),
                         MIG_OK);
    actx_begin(ctx, "tools.normalize");
    val_t *out = NULL;
    mig_status_t st = a->run(ctx, args, &out);
    val_unref(args);
    if (st != MIG_OK) {
        assert_null(out);
        return NULL;
    }
    assert_non_null(out);
    return out;
}

static const val_t *descriptor(const val_t *r)
{
    return get(r, "descriptor");
}

/* The change lines of R joined by " | ". */
static const char *changes(const val_t *r)
{
    static char buf[1024];
    buf[0] = '\0';
    const val_t *ch = get(r, "changes");
    for (size_t i = 0; i < val_len(ch); i++) {
        if (i)
            strcat(buf, " | ");
        strncat(buf, val_get_str(val_list_get(ch, i), NULL),
                sizeof buf - strlen(buf) - 4);
    }
    return buf;
}

static void test_result_shape(void **state)
{
    (void)state;
    val_t *r = normalize("{'name': 'get_time', 'description': 'Now.', "
                         PROV "}", "tool", NULL);
    assert_non_null(r);
    assert_string_equal(str(descriptor(r), "name"), "get_time");
    assert_string_equal(str(descriptor(r), "kind"), "tool");
    assert_null(get(descriptor(r), "aliases"));
    assert_string_equal(changes(r), "inputSchema: none given; an object "
                                    "schema with no properties");
    val_unref(r);
}

static void test_kind_not_one_of_three(void **state)
{
    (void)state;
    assert_null(normalize("{'name': 'x', " PROV "}", "agent", NULL));
    assert_string_equal(actx_error_class(ctx), "InvalidConfig");
    assert_string_equal(actx_error_message(ctx),
                        "tools.normalize: kind must be \"tool\", \"server\" "
                        "or \"rag\", not \"agent\"");
}

static void test_invalid_descriptor_fails(void **state)
{
    (void)state;
    assert_null(normalize("{'description': 'no name', " PROV "}", "tool",
                          NULL));
    assert_string_equal(actx_error_class(ctx), "InvalidConfig");
    assert_non_null(strstr(actx_error_message(ctx),
                           "tools.normalize: the descriptor of '?' is not "
                           "valid: "));
    val_t *detail = actx_error_detail(ctx);
    assert_non_null(detail);
    assert_true(n_of(detail, "errors") >= 1);
    assert_non_null(get(detail, "descriptor"));
}

/* The rename: the new name, the old one first in aliases, one line. */
static void test_name_renames(void **state)
{
    (void)state;
    val_t *r = normalize("{'name': 'query', 'description': 'q', "
                         "'parameters': {'type': 'object'}, " PROV "}",
                         "tool", "retrieval_query");
    assert_non_null(r);
    assert_string_equal(str(descriptor(r), "name"), "retrieval_query");
    assert_string_equal(json(get(descriptor(r), "aliases")), "[\"query\"]");
    assert_string_equal(changes(r), "name: 'query' renamed "
                                    "'retrieval_query' (the original is kept "
                                    "in aliases)");
    val_unref(r);
}

/* The record's own aliases follow its name; a server is renamed too. */
static void test_name_keeps_aliases(void **state)
{
    (void)state;
    val_t *r = normalize("{'name': 'q', 'aliases': ['old q'], "
                         "'transport': 'http', " PROV "}", "server", "q2");
    assert_non_null(r);
    assert_string_equal(str(descriptor(r), "name"), "q2");
    assert_string_equal(json(get(descriptor(r), "aliases")),
                        "[\"q\",\"old q\"]");
    val_unref(r);
}

/* A new name outside the name rule is fitted like any other, and both
 * lines say so. */
static void test_name_fitted(void **state)
{
    (void)state;
    val_t *r = normalize("{'name': 'query', 'description': 'q', " PROV "}",
                         "tool", "retrieval.query");
    assert_non_null(r);
    assert_string_equal(str(descriptor(r), "name"), "retrieval_query");
    assert_string_equal(json(get(descriptor(r), "aliases")),
                        "[\"query\",\"retrieval.query\"]");
    assert_non_null(strstr(changes(r), "name: 'query' renamed "
                                       "'retrieval.query' (the original is "
                                       "kept in aliases) | name: "
                                       "'retrieval.query' fitted to "
                                       "'retrieval_query'"));
    val_unref(r);
}

/* Renamed to its own name: nothing changes, no alias, no line. */
static void test_same_name_no_change(void **state)
{
    (void)state;
    val_t *plain = normalize("{'name': 'query', 'description': 'q', " PROV
                             "}", "tool", NULL);
    val_t *same = normalize("{'name': 'query', 'description': 'q', " PROV
                            "}", "tool", "query");
    assert_non_null(plain);
    assert_non_null(same);
    char *want = strdup(json(descriptor(plain)));
    assert_string_equal(json(descriptor(same)), want);
    free(want);
    assert_null(get(descriptor(same), "aliases"));
    assert_string_equal(changes(same), "inputSchema: none given; an object "
                                       "schema with no properties");
    val_unref(plain);
    val_unref(same);
}

/* A record without a name gets one; there is no original to keep. */
static void test_name_given_to_nameless(void **state)
{
    (void)state;
    val_t *r = normalize("{'description': 'q', " PROV "}", "tool", "named");
    assert_non_null(r);
    assert_string_equal(str(descriptor(r), "name"), "named");
    assert_null(get(descriptor(r), "aliases"));
    assert_non_null(strstr(changes(r), "name: '' renamed 'named'"));
    val_unref(r);
}

/* An empty new name leaves the descriptor without one: invalid. */
static void test_empty_name_invalid(void **state)
{
    (void)state;
    assert_null(normalize("{'name': 'query', 'description': 'q', " PROV "}",
                          "tool", ""));
    assert_string_equal(actx_error_class(ctx), "InvalidConfig");
}

/* A descriptor that came out valid is noted valid (stdlib_int.h,
 * registry_note_valid), itself and with its digest, so that a
 * registry.put of it does not validate it again; an equal copy is not
 * the one noted; one that is not valid (no name) is not noted. */
static void test_valid_ones_noted(void **state)
{
    (void)state;
    val_t *r = normalize("{'name': 'noted', 'description': 'd', " PROV "}",
                         NULL, NULL);
    assert_non_null(r);
    const val_t *d = descriptor(r);
    const char *known = registry_known_valid(d, "tool");
    assert_non_null(known);
    assert_string_equal(known, val_get_str(get(d, "digest"), NULL));
    assert_null(registry_known_valid(d, "rag"));
    val_t *copy = val_copy(d);
    assert_null(registry_known_valid(copy, "tool"));
    val_unref(copy);
    val_unref(r);
    assert_null(normalize("{'description': 'x', " PROV "}", NULL, NULL));
    const val_t *bad = get(actx_error_detail(ctx), "descriptor");
    assert_non_null(bad);
    assert_null(registry_known_valid(bad, "tool"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_shape),
        cmocka_unit_test(test_valid_ones_noted),
        cmocka_unit_test(test_kind_not_one_of_three),
        cmocka_unit_test(test_invalid_descriptor_fails),
        cmocka_unit_test(test_name_renames),
        cmocka_unit_test(test_name_keeps_aliases),
        cmocka_unit_test(test_name_fitted),
        cmocka_unit_test(test_same_name_no_change),
        cmocka_unit_test(test_name_given_to_nameless),
        cmocka_unit_test(test_empty_name_invalid),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
