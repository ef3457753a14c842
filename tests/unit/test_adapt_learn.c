/* test_adapt_learn.c: the repairs the strategies keep as structures
 * (stdlib/adapt_repair.c, in adapt.params's and adapt.remap_method's
 * retry decisions), adapt_learn (stdlib/adapt_learn.c) turning a run's
 * adapted events into a mapping, and adapt.translate(map: ...) applying
 * such a mapping (docs/recovery.md, "Learning from a run"). */
#include "adapt_fixture.h"

#define ISSUES                                                               \
    "{'argument': 'params', 'method': 'issues.list', 'schema': "             \
    "{'type': 'object', 'properties': {'query': {'type': 'string'}, "       \
    "'state': {'type': 'string', 'enum': ['OPEN', 'CLOSED']}, "             \
    "'first': {'type': 'integer', 'default': 30}, "                         \
    "'filter': {'type': 'object', 'properties': {'label': {'type': "        \
    "'string', 'enum': ['BUG', 'UI']}}}}, "                                  \
    "'additionalProperties': false}}"

/* Calls strategy NAME and checks that its decision's `repairs` is WANT
 * (JSON, compared as canonical text; NULL: the decision has none). */
static void repairs_are(afx_t *f, const char *name, const char *input,
                        const char *detail, const char *args,
                        const char *want)
{
    val_t *d = NULL;
    assert_int_equal(afx_call(f, name, input, detail, args, &d), MIG_OK);
    assert_non_null(d);
    const val_t *got = val_map_get(d, "repairs", 7);
    if (!want) {
        if (got)
            fail_msg("unexpected repairs: %s", afx_text(got));
    } else {
        afx_value_is(got, want);
    }
    val_unref(d);
}

/* ---- what the strategies keep ------------------------------------------- */

static void params_repairs(void **state)
{
    afx_t *f = *state;
    /* A synonym, an enum value remapped, a key dropped, a default: each
     * kept, the value under the new name. */
    repairs_are(f, "adapt.params", "{'params': {'q': 'crash', 'status': "
                "'open', 'pretty': true}}", ISSUES, NULL,
                "[{'kind': 'rename', 'tool': 'issues.list', 'from': 'q', "
                "'to': 'query'}, {'kind': 'rename', 'tool': 'issues.list', "
                "'from': 'status', 'to': 'state'}, {'kind': 'drop', 'tool': "
                "'issues.list', 'from': 'pretty'}, {'kind': 'value', 'tool': "
                "'issues.list', 'param': 'state', 'from': 'open', 'to': "
                "'OPEN'}, {'kind': 'default', 'tool': 'issues.list', "
                "'param': 'first', 'value': 30}]");
    /* The plan's map: its renames, drops and values are kept too. */
    repairs_are(f, "adapt.params", "{'params': {'find': 'x', 'after': 'c', "
                "'state': 'shut'}}", ISSUES, "{'map': {'find': 'query', "
                "'after': null, 'state': {'values': {'shut': 'CLOSED'}}}}",
                "[{'kind': 'rename', 'tool': 'issues.list', 'from': 'find', "
                "'to': 'query'}, {'kind': 'drop', 'tool': 'issues.list', "
                "'from': 'after'}, {'kind': 'value', 'tool': 'issues.list', "
                "'param': 'state', 'from': 'shut', 'to': 'CLOSED'}, "
                "{'kind': 'default', 'tool': 'issues.list', 'param': "
                "'first', 'value': 30}]");
    /* Inside a nested map or moved into one: a line, not a repair kept
     * (the mapping has no place for it). */
    repairs_are(f, "adapt.params", "{'params': {'filter': {'label': 'bug'}, "
                "'first': 5}}", ISSUES, NULL, NULL);
    repairs_are(f, "adapt.params", "{'params': {'label': 'UI', 'first': 5}}",
                ISSUES, NULL, NULL);
    /* Positional to named and coercions are not repairs to keep. */
    repairs_are(f, "adapt.params", "{'params': ['bug', 'OPEN', '3']}",
                ISSUES, NULL, NULL);
    /* A target the call does not name: the repairs have no tool. */
    repairs_are(f, "adapt.params", "{'params': {'q': 'x', 'first': 1}}",
                "{'schema': {'type': 'object', 'properties': {'query': "
                "{'type': 'string'}, 'first': {'type': 'integer'}}, "
                "'additionalProperties': false}}", NULL,
                "[{'kind': 'rename', 'from': 'q', 'to': 'query'}]");
    /* A decision to fail keeps nothing, whatever it changed first. */
    repairs_are(f, "adapt.params", "{'params': {'q': 'x', 'sort': 'asc'}}",
                ISSUES, NULL, NULL);
}

static void method_repairs(void **state)
{
    afx_t *f = *state;
    repairs_are(f, "adapt.remap_method", "{'method': 'listIssues'}",
                "{'argument': 'method'}",
                "{'map': {'listIssues': 'issues.list'}}",
                "[{'kind': 'tool', 'from': 'listIssues', 'to': "
                "'issues.list'}]");
    repairs_are(f, "adapt.remap_method", "{'method': 'gone'}",
                "{'argument': 'method'}", "{'map': {'listIssues': 'x'}}",
                NULL);
}

/* ---- adapt_learn -------------------------------------------------------- */

/* An adapted event of ITEM with the repairs REPAIRS (JSON). */
#define EV(item, repairs)                                                    \
    "{'item': '" item "', 'data': {'handler': 'adapt.params', 'changes': " \
    "['x'], 'repairs': " repairs "}}"
#define R(kind, tool, rest)                                                  \
    "{'kind': '" kind "', 'tool': '" tool "', " rest "}"
#define TOOL_R(from, to) "{'kind': 'tool', 'from': '" from "', 'to': '" to "'}"

/* adapt_learn of EVENTS (JSON): its mapping must be WANT (JSON), with
 * KEPT repairs, exactly the texts LEFT_OUT (CHANGES(...)) and DEFAULTS. */
static void learned(const char *events, const char *want, int64_t kept,
                    const char *const *left_out, int64_t defaults)
{
    val_t *ev = afx_json(events), *out = NULL;
    assert_int_equal(adapt_learn(ev, &out), MIG_OK);
    afx_value_is(val_map_get(out, "mapping", 7), want);
    const val_t *l = val_map_get(out, "left_out", 8);
    size_t n = 0;
    for (; left_out[n]; n++) {
        assert_true(n < val_len(l));
        assert_string_equal(val_get_str(val_list_get(l, n), NULL),
                            left_out[n]);
    }
    assert_int_equal(val_len(l), n);
    assert_int_equal(val_get_int(val_map_get(out, "kept", 4)), kept);
    assert_int_equal(val_get_int(val_map_get(out, "defaults", 8)), defaults);
    val_unref(out);
    val_unref(ev);
}

static void learn_tools(void **state)
{
    (void)state;
    /* Item 1 called the old name: its repairs are filed under it; item 0
     * called the new one. Values join their rename; defaults are only
     * counted. */
    const char *events =
        "[" EV("1", "[" TOOL_R("listIssues", "issues.list") "]") ", "
        EV("1", "[" R("rename", "issues.list", "'from': 'status', 'to': "
                      "'state'") ", "
                R("value", "issues.list", "'param': 'state', 'from': "
                  "'open', 'to': 'OPEN'") ", "
                R("drop", "issues.list", "'from': 'pretty'") ", "
                R("default", "issues.list", "'param': 'first', 'value': "
                  "30") "]") ", "
        EV("0", "[" R("value", "issues.list", "'param': 'state', 'from': "
                      "'shut', 'to': 'CLOSED'") "]") "]";
    learned(events, "{'tools': {'listIssues': {'to': 'issues.list', 'map': "
            "{'status': {'to': 'state', 'values': {'open': 'OPEN'}}, "
            "'pretty': null}}, 'issues.list': {'to': 'issues.list', 'map': "
            "{'state': {'values': {'shut': 'CLOSED'}}}}}}", 5, NO_CHANGES, 1);
    /* A tool renamed and nothing else: kept with an empty map. */
    learned("[" EV("0", "[" TOOL_R("getWeather", "weather.get") "]") "]",
            "{'tools': {'getWeather': {'to': 'weather.get', 'map': {}}}}", 1,
            NO_CHANGES, 0);
}

static void learn_conflicts(void **state)
{
    (void)state;
    /* Items 10 and 2 rename 'find' two ways, and the value 'open' two
     * ways: both left out, item 2 named first (items in order, not as
     * they ended); what they agree on stays. */
    learned("[" EV("10", "[" R("rename", "t", "'from': 'find', 'to': 'label'")
                   ", " R("rename", "t", "'from': 'status', 'to': 'state'")
                   ", " R("value", "t", "'param': 'state', 'from': 'open', "
                          "'to': 'CLOSED'") "]") ", "
            EV("2", "[" R("rename", "t", "'from': 'find', 'to': 'query'")
                  ", " R("rename", "t", "'from': 'status', 'to': 'state'")
                  ", " R("value", "t", "'param': 'state', 'from': 'open', "
                         "'to': 'OPEN'") ", "
                  R("value", "t", "'param': 'state', 'from': 'x', "
                    "'to': 'CLOSED'") "]") "]",
            "{'tools': {'t': {'to': 't', 'map': {'status': {'to': 'state', "
            "'values': {'x': 'CLOSED'}}}}}}", 2,
            CHANGES("t: parameter 'find' became 'query' (item 2) and "
                    "'label' (item 10): a person must choose",
                    "t: value 'open' of parameter 'status' became 'OPEN' "
                    "(item 2) and 'CLOSED' (item 10): a person must choose"),
            0);
    /* Dropped by one item, renamed by another and by a third: said once. */
    learned("[" EV("0", "[" R("drop", "t", "'from': 'q'") "]") ", "
            EV("1", "[" R("rename", "t", "'from': 'q', 'to': 'query'") "]")
            ", " EV("2", "[" R("rename", "t", "'from': 'q', 'to': 'x'") "]")
            "]", "{'tools': {}}", 0,
            CHANGES("t: parameter 'q' became dropped (item 0) and 'query' "
                    "(item 1): a person must choose"), 0);
    /* One old tool called as two new ones: the tool is left out. */
    learned("[" EV("0", "[" TOOL_R("old", "a") "]") ", "
            EV("1", "[" TOOL_R("old", "b") "]") ", "
            EV("1", "[" R("rename", "b", "'from': 'q', 'to': 'query'") "]")
            "]", "{'tools': {}}", 0,
            CHANGES("tool 'old' was called as 'a' (item 0) and as 'b' "
                    "(item 1): a person must choose"), 0);
}

static void learn_bare_and_empty(void **state)
{
    (void)state;
    /* No repair names a tool: the mapping of two schemas. */
    learned("[" EV("0", "[{'kind': 'rename', 'from': 'q', 'to': 'query'}]")
            "]", "{'map': {'q': 'query'}}", 1, NO_CHANGES, 0);
    /* Beside repairs that name one: left out, and said. */
    learned("[" EV("0", "[{'kind': 'drop', 'from': 'x'}]") ", "
            EV("1", "[" R("drop", "t", "'from': 'y'") "]") "]",
            "{'tools': {'t': {'to': 't', 'map': {'y': null}}}}", 1,
            CHANGES("1 repair of calls that name no tool: a "
                    "mapping of tools has no place for them"), 0);
    /* Nothing to learn: events without repairs, other shapes, none. */
    learned("[{'item': '0', 'data': {'handler': 'adapt.repair_config', "
            "'changes': ['x']}}, 3, {'data': {}}]", "{'map': {}}", 0,
            NO_CHANGES, 0);
    learned("[" EV("0", "[" R("default", "t", "'param': 'p', 'value': 1")
            "]") "]", "{'map': {}}", 0, NO_CHANGES, 1);
    learned("[]", "{'map': {}}", 0, NO_CHANGES, 0);
}

/* ---- adapt.translate(map: ...) ------------------------------------------ */

#define NEW_TOOLS                                                            \
    "[{'name': 'issues.list', 'inputSchema': {'type': 'object', "           \
    "'properties': {'query': {'type': 'string'}, 'state': {'enum': "        \
    "['OPEN', 'CLOSED']}}, 'additionalProperties': false}}]"

/* adapt.translate on ARGS: its `call` must be WANT (JSON), or, WANT NULL,
 * it fails with InvalidConfig and MSG. */
static void mapped_call(afx_t *f, const char *args, const char *want,
                        const char *msg)
{
    const action_t *a = action_find(f->reg, "adapt.translate");
    assert_non_null(a);
    val_t *in = afx_json(args), *out = NULL;
    mig_status_t st = a->run(f->ctx, in, &out);
    if (!want) {
        assert_int_equal(st, MIG_EINVALID);
        assert_string_equal(actx_error_class(f->ctx), "InvalidConfig");
        assert_string_equal(actx_error_message(f->ctx), msg);
    } else {
        assert_int_equal(st, MIG_OK);
        afx_value_is(val_map_get(out, "call", 4), want);
    }
    val_unref(out);
    val_unref(in);
}

static void translate_by_map(void **state)
{
    afx_t *f = *state;
    const char *map = "{'tools': {'listIssues': {'to': 'issues.list', "
                      "'map': {'q': 'query', 'status': {'to': 'state', "
                      "'values': {'open': 'OPEN'}}, 'pretty': null}}}}";
    char args[1024];
    snprintf(args, sizeof args, "{'map': %s, 'to': %s, 'call': {'name': "
             "'listIssues', 'arguments': {'q': 'bug', 'status': 'open', "
             "'pretty': true}}}", map, NEW_TOOLS);
    mapped_call(f, args, "{'name': 'issues.list', 'arguments': {'query': "
                "'bug', 'state': 'OPEN'}}", NULL);
    /* A tool the mapping does not name keeps its name. */
    snprintf(args, sizeof args, "{'map': %s, 'to': %s, 'call': {'name': "
             "'issues.list', 'arguments': {'query': 'x'}}}", map, NEW_TOOLS);
    mapped_call(f, args, "{'name': 'issues.list', 'arguments': {'query': "
                "'x'}}", NULL);
    /* Two schemas: {map: ...}. */
    mapped_call(f, "{'map': {'map': {'q': 'query'}}, 'to': {'type': "
                "'object', 'properties': {'query': {'type': 'string'}}}, "
                "'call': {'q': 'x'}}", "{'query': 'x'}", NULL);
    /* Mistakes. */
    mapped_call(f, "{'map': {'map': {}}, 'from': {}, 'to': {}, 'call': {}}",
                NULL, "adapt.translate: give the old interface (from:) or a "
                "mapping (map:), not both");
    mapped_call(f, "{'to': {}, 'call': {}}", NULL, "adapt.translate: give "
                "the old interface (from:) or a mapping (map:), not neither");
    mapped_call(f, "{'map': {'tools': []}, 'to': {}, 'call': {}}", NULL,
                "adapt.translate: map: expected a mapping, {map: {...}} or "
                "{tools: {OLD: {to: NEW, map: {...}}}}");
    mapped_call(f, "{'map': {'map': {}, 'tools': {}}, 'to': {}, 'call': {}}",
                NULL, "adapt.translate: map: expected a mapping, {map: "
                "{...}} or {tools: {OLD: {to: NEW, map: {...}}}}");
    mapped_call(f, "{'map': {'tools': {'a': {'to': 'b', 'set': {'m': 1, "
                "'n': 2}}}}, 'to': {}, 'call': {}}", NULL, "adapt.translate: "
                "map.tools.a: expected {to: NEW, set: {NAME: VALUE}, map: "
                "{...}} (set and map optional)");
    mapped_call(f, "{'map': {'tools': {'a': {'to': 'b', 'extra': 1}}}, "
                "'to': {}, 'call': {}}", NULL, "adapt.translate: "
                "map.tools.a: expected {to: NEW, set: {NAME: VALUE}, map: "
                "{...}} (set and map optional)");
    mapped_call(f, "{'map': {'tools': {'a': {'to': 'b', 'map': {'q': 3}}}}, "
                "'to': {}, 'call': {}}", NULL, "adapt.translate: map.q: "
                "expected a new name, null (drop it), {to: NAME, values: "
                "{OLD: NEW}} or {refuse: TEXT}, found a number");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, afx_setup, afx_teardown)
    const struct CMUnitTest tests[] = {
        T(params_repairs), T(method_repairs), T(learn_tools),
        T(learn_conflicts), T(learn_bare_and_empty), T(translate_by_map),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
