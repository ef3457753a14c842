/* test_faults.c: fault injection (runtime.h, faults_new and faults_hit;
 * docs/runtime.md, "Fault injection"): the specs and the rate read, every
 * mistake reported with its exact message; which calls a rule matches (an
 * action, a namespace, a node id), counting, the first rule with calls
 * left winning; and the rate's exact hits for a seed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "runtime.h"

static const char *const plan_classes[] = { "BadSchema", "RegistryDown" };

/* faults_new over the N SPECS and RATE with seed 1 and the plan classes
 * above; the diagnostics are left in DIAGS. */
static mig_status_t make(const char *const *specs, size_t n, const char *rate,
                         diag_list_t *diags, faults_t **out)
{
    diag_list_init(diags);
    return faults_new(specs, n, rate ? &rate : NULL, rate ? 1 : 0, 1,
                      plan_classes, 2, diags, out);
}

/* Asserts that the one spec SPEC (or, with IS_RATE, the rate) is refused
 * with MESSAGE and HINT (NULL: none). */
static void refused(const char *spec, bool is_rate, const char *message,
                    const char *hint)
{
    diag_list_t diags;
    faults_t *f = (faults_t *)1;
    mig_status_t st = is_rate ? make(NULL, 0, spec, &diags, &f)
                              : make(&spec, 1, NULL, &diags, &f);
    assert_int_equal(st, MIG_EINVALID);
    assert_null(f);
    assert_int_equal(diags.errors, 1);
    assert_string_equal(diags.items[0].message, message);
    if (hint)
        assert_string_equal(diags.items[0].hint, hint);
    else
        assert_null(diags.items[0].hint);
    diag_list_free(&diags);
}

/* ---- reading ------------------------------------------------------------- */

static void test_specs_that_read(void **state)
{
    (void)state;
    const char *specs[] = {
        "file.write:Unavailable", "file.*:Timeout:3",
        "migrate/foreach.tool/retry/put:Conflict:1", "test.sleep:BadSchema",
        "x:Transient:18446744073709551615",
    };
    diag_list_t diags;
    faults_t *f = NULL;
    assert_int_equal(make(specs, 5, "0.25:RegistryDown", &diags, &f), MIG_OK);
    assert_non_null(f);
    assert_int_equal(diags.len, 0);
    faults_free(f);
    diag_list_free(&diags);
    /* Neither: a run without faults. */
    assert_int_equal(make(NULL, 0, NULL, &diags, &f), MIG_OK);
    const char *cls = NULL, *why = NULL;
    assert_false(faults_hit(f, "file.write", "s/w", "s/w\t\t1", &cls, &why));
    faults_free(f);
    diag_list_free(&diags);
    faults_free(NULL);
}

static void test_a_malformed_spec(void **state)
{
    (void)state;
    static const char hint[] =
        "TARGET is an action (file.write), a namespace (file.*) or a node id "
        "(migrate/foreach.tool/put): --inject 'file.write:Unavailable:2'";
    refused("file.write", false,
            "--inject 'file.write': expected TARGET:CLASS[:COUNT]", hint);
    refused(":Timeout", false,
            "--inject ':Timeout': expected TARGET:CLASS[:COUNT]", hint);
    refused("file.write:", false,
            "--inject 'file.write:': expected TARGET:CLASS[:COUNT]", hint);
    refused("file.write:Timeout:2:3", false,
            "--inject 'file.write:Timeout:2:3': expected TARGET:CLASS[:COUNT]",
            hint);
    refused("", false, "--inject '': expected TARGET:CLASS[:COUNT]", hint);
}

static void test_an_unknown_class(void **state)
{
    (void)state;
    refused("file.write:Unavialable", false,
            "--inject 'file.write:Unavialable': unknown error class "
            "'Unavialable'", "did you mean 'Unavailable'?");
    /* Classes are written as declared; the plan's own are suggested. */
    refused("file.write:timeout", false,
            "--inject 'file.write:timeout': unknown error class 'timeout'",
            "did you mean 'Timeout'?");
    refused("file.write:BadSchem", false,
            "--inject 'file.write:BadSchem': unknown error class 'BadSchem'",
            "did you mean 'BadSchema'?");
    refused("file.write:Oops", false,
            "--inject 'file.write:Oops': unknown error class 'Oops'",
            "the classes are Transient, Timeout, Unavailable, Permanent, "
            "ParamMismatch, MethodNotFound, MissingDependency, InvalidConfig, "
            "Conflict, ValidationFailed, PolicyDenied, ExpressionError, ScriptError; the "
            "plan's: BadSchema, RegistryDown");
}

static void test_a_count_that_is_not_a_whole_number(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "0", "-1", "1.5", "two", "", "+2", "18446744073709551616",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char spec[64], message[160];
        snprintf(spec, sizeof spec, "file.write:Timeout:%s", bad[i]);
        snprintf(message, sizeof message, "--inject '%s': COUNT must be a "
                 "whole number of calls, 1 or more, not '%s'", spec, bad[i]);
        refused(spec, false, message, NULL);
    }
}

static void test_a_share_outside_0_to_1(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "1.5", "-0.1", "2", "nan", "1e-1", "0x1p-1", "", ".", "0.1.2", "10%",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char message[160];
        snprintf(message, sizeof message, "--inject-rate '%s': SHARE must be "
                 "a number from 0 to 1, not '%s'", bad[i], bad[i]);
        refused(bad[i], true, message, "0.1 fails one call in ten, 1 every "
                "call");
    }
    refused("0.1:Timeoot", true, "--inject-rate '0.1:Timeoot': unknown error "
            "class 'Timeoot'", "did you mean 'Timeout'?");
    refused("0.1:", true, "--inject-rate '0.1:': expected SHARE[:CLASS]",
            "--inject-rate 0.1 fails one call in ten with Transient; "
            "--inject-rate 0.1:Timeout with Timeout");
    refused("0.1:Timeout:2", true, "--inject-rate '0.1:Timeout:2': expected "
            "SHARE[:CLASS]", "--inject-rate 0.1 fails one call in ten with "
            "Transient; --inject-rate 0.1:Timeout with Timeout");
}

/* Every mistake is reported, not only the first. */
static void test_every_mistake_is_reported(void **state)
{
    (void)state;
    const char *specs[] = { "a", "b:Timeout", "c:Nope:0" };
    diag_list_t diags;
    faults_t *f = NULL;
    assert_int_equal(make(specs, 3, "7", &diags, &f), MIG_EINVALID);
    assert_null(f);
    assert_int_equal(diags.errors, 4);
    assert_string_equal(diags.items[0].message,
                        "--inject 'a': expected TARGET:CLASS[:COUNT]");
    assert_string_equal(diags.items[1].message,
                        "--inject 'c:Nope:0': unknown error class 'Nope'");
    assert_string_equal(diags.items[2].message,
                        "--inject 'c:Nope:0': COUNT must be a whole number of "
                        "calls, 1 or more, not '0'");
    assert_string_equal(diags.items[3].message,
                        "--inject-rate '7': SHARE must be a number from 0 to "
                        "1, not '7'");
    diag_list_free(&diags);
}

/* ---- matching ------------------------------------------------------------ */

/* Whether F fails the call of ACTION by NODE; *CLS and *WHY as hit. The
 * calls share one name, so that the rate draws them as rate_hits does. */
static bool hit(faults_t *f, const char *action, const char *node,
                const char **cls, const char **why)
{
    *cls = *why = NULL;
    return faults_hit(f, action, node, "s/nap\t\t1", cls, why);
}

static faults_t *rules(const char *const *specs, size_t n)
{
    diag_list_t diags;
    faults_t *f = NULL;
    assert_int_equal(make(specs, n, NULL, &diags, &f), MIG_OK);
    diag_list_free(&diags);
    return f;
}

static void test_an_action_every_time(void **state)
{
    (void)state;
    const char *specs[] = { "file.write:Unavailable" };
    faults_t *f = rules(specs, 1);
    const char *cls, *why;
    for (int i = 0; i < 5; i++) {
        assert_true(hit(f, "file.write", "s/put", &cls, &why));
        assert_string_equal(cls, "Unavailable");
        assert_string_equal(why, "file.write:Unavailable");
    }
    /* Another action, a longer name, a namespace of its own: untouched. */
    assert_false(hit(f, "file.read", "s/get", &cls, &why));
    assert_false(hit(f, "file.writer", "s/put", &cls, &why));
    assert_false(hit(f, "file", "s/put", &cls, &why));
    /* A call in an expression has no node; the action still matches. */
    assert_true(hit(f, "file.write", NULL, &cls, &why));
    faults_free(f);
}

static void test_a_namespace(void **state)
{
    (void)state;
    const char *specs[] = { "file.*:Timeout:3" };
    faults_t *f = rules(specs, 1);
    const char *cls, *why;
    assert_false(hit(f, "test.sleep", "s/nap", &cls, &why));
    assert_false(hit(f, "files.copy", "s/c", &cls, &why));
    assert_false(hit(f, "file", "s/c", &cls, &why));
    assert_true(hit(f, "file.write", "s/put", &cls, &why));
    assert_string_equal(cls, "Timeout");
    assert_string_equal(why, "file.*:Timeout:3");
    assert_true(hit(f, "file.read", NULL, &cls, &why));
    assert_true(hit(f, "file.copy", "s/c", &cls, &why));
    /* Three calls failed: the rule is spent. */
    assert_false(hit(f, "file.write", "s/put", &cls, &why));
    assert_null(cls);
    faults_free(f);
}

static void test_a_node_id(void **state)
{
    (void)state;
    const char *specs[] = { "migrate/foreach.tool/retry/put:Conflict:2" };
    faults_t *f = rules(specs, 1);
    const char *cls, *why;
    /* The same action from another node, a node whose id starts alike. */
    assert_false(hit(f, "file.write", "migrate/foreach.tool/put", &cls, &why));
    assert_false(hit(f, "file.write", "migrate/foreach.tool/retry/put.2",
                     &cls, &why));
    assert_false(hit(f, "file.write", NULL, &cls, &why));
    assert_true(hit(f, "file.write", "migrate/foreach.tool/retry/put", &cls,
                    &why));
    assert_string_equal(cls, "Conflict");
    assert_string_equal(why, "migrate/foreach.tool/retry/put:Conflict:2");
    /* Whatever the node calls (an item of a foreach: the same id). */
    assert_true(hit(f, "registry.put", "migrate/foreach.tool/retry/put", &cls,
                    &why));
    assert_false(hit(f, "file.write", "migrate/foreach.tool/retry/put", &cls,
                     &why));
    faults_free(f);
}

/* Several rules match: the first that has calls left wins, and only it
 * counts the call. */
static void test_the_first_rule_with_calls_left_wins(void **state)
{
    (void)state;
    const char *specs[] = {
        "s/put:Conflict:1", "file.write:Timeout:2", "file.*:BadSchema",
    };
    faults_t *f = rules(specs, 3);
    const char *cls, *why;
    static const char *const want[][2] = {
        { "Conflict", "s/put:Conflict:1" },
        { "Timeout", "file.write:Timeout:2" },
        { "Timeout", "file.write:Timeout:2" },
        { "BadSchema", "file.*:BadSchema" },
        { "BadSchema", "file.*:BadSchema" },
    };
    for (size_t i = 0; i < 5; i++) {
        assert_true(hit(f, "file.write", "s/put", &cls, &why));
        assert_string_equal(cls, want[i][0]);
        assert_string_equal(why, want[i][1]);
    }
    faults_free(f);
    /* The second rule was not counted while the first matched. */
    f = rules(specs, 3);
    assert_true(hit(f, "file.write", "s/put", &cls, &why));
    assert_true(hit(f, "file.write", "s/other", &cls, &why));
    assert_string_equal(why, "file.write:Timeout:2");
    assert_true(hit(f, "file.write", "s/other", &cls, &why));
    assert_string_equal(why, "file.write:Timeout:2");
    assert_true(hit(f, "file.write", "s/put", &cls, &why));
    assert_string_equal(why, "file.*:BadSchema");
    faults_free(f);
}

/* ---- the rate ------------------------------------------------------------ */

/* The hits of --inject-rate RATE seeded with SEED over N calls named
 * CALL, as a text of '1' (failed) and '0'. */
static void rate_hits_of(const char *rate, uint64_t seed, const char *call,
                         char *out, size_t n)
{
    diag_list_t diags;
    diag_list_init(&diags);
    faults_t *f = NULL;
    assert_int_equal(faults_new(NULL, 0, &rate, 1, seed, NULL, 0, &diags,
                                &f), MIG_OK);
    const char *cls, *why;
    for (size_t i = 0; i < n; i++)
        out[i] = faults_hit(f, "test.sleep", "s/nap", call, &cls, &why)
                 ? '1' : '0';
    out[n] = '\0';
    faults_free(f);
    diag_list_free(&diags);
}

/* The same for the calls of step s/nap outside a foreach, attempt 1. */
static void rate_hits(const char *rate, uint64_t seed, char *out, size_t n)
{
    rate_hits_of(rate, seed, "s/nap\t\t1", out, n);
}

static void test_the_rate_for_a_seed(void **state)
{
    (void)state;
    char hits[21], again[21];
    /* The n-th call named CALL draws the n-th number of CALL's generator
     * (draw.c: its state is FNV-1a of the name xor the seed, put through
     * one splitmix64 step; each draw is u = (next >> 11) / 2^53, and the
     * call fails when u < SHARE). These sequences were computed apart
     * from mig, from the reference FNV-1a and splitmix64. */
    rate_hits("0.5", 42, hits, 20);
    assert_string_equal(hits, "11100110111000111111");
    rate_hits("0.5", 42, again, 20);
    assert_string_equal(again, hits);
    rate_hits("0.25:Timeout", 7, hits, 20);
    assert_string_equal(hits, "00011000000001011010");
    /* Another seed, other calls. */
    rate_hits("0.5", 43, again, 20);
    assert_string_equal(again, "01111001000000101100");
    /* Another item, other calls. */
    rate_hits_of("0.5", 42, "s/nap\t3\t1", again, 20);
    assert_string_equal(again, "01001100010110000100");
}

/* Regression (--seed did not reproduce a parallel run): a call's draw
 * depends on its own name and count only, not on the calls of other
 * items made between, so items that run in another order fail the same
 * calls. */
static void test_the_rate_does_not_depend_on_the_order(void **state)
{
    (void)state;
    const char *rate = "0.5";
    diag_list_t diags;
    diag_list_init(&diags);
    char alone[21], mixed[21];
    rate_hits_of(rate, 42, "s/nap\t3\t1", alone, 20);
    faults_t *f = NULL;
    assert_int_equal(faults_new(NULL, 0, &rate, 1, 42, NULL, 0, &diags, &f),
                     MIG_OK);
    const char *cls, *why;
    for (size_t i = 0; i < 20; i++) {
        /* Calls of two other items between each call of item 3. */
        faults_hit(f, "test.sleep", "s/nap", "s/nap\t1\t1", &cls, &why);
        faults_hit(f, "test.sleep", "s/nap", "s/nap\t2\t1", &cls, &why);
        mixed[i] = faults_hit(f, "test.sleep", "s/nap", "s/nap\t3\t1", &cls,
                              &why) ? '1' : '0';
    }
    mixed[20] = '\0';
    assert_string_equal(mixed, alone);
    faults_free(f);
    diag_list_free(&diags);
}

static void test_share_0_never_1_always(void **state)
{
    (void)state;
    char hits[201];
    for (uint64_t seed = 0; seed < 5; seed++) {
        rate_hits("0", seed, hits, 200);
        assert_null(strchr(hits, '1'));
        rate_hits("0.0", seed, hits, 200);
        assert_null(strchr(hits, '1'));
        rate_hits("1", seed, hits, 200);
        assert_null(strchr(hits, '0'));
        rate_hits("1.000", seed, hits, 200);
        assert_null(strchr(hits, '0'));
    }
}

/* The rate's class and reason; a rule goes first, and the rate draws for
 * every call all the same, so its hits do not move when rules are
 * added. */
static void test_rules_before_the_rate(void **state)
{
    (void)state;
    char alone[21];
    rate_hits("0.5", 42, alone, 20);
    const char *specs[] = { "file.write:Conflict:3" };
    diag_list_t diags;
    diag_list_init(&diags);
    faults_t *f = NULL;
    const char *rate = "0.5:BadSchema";
    assert_int_equal(faults_new(specs, 1, &rate, 1, 42, plan_classes, 2,
                                &diags, &f), MIG_OK);
    const char *cls, *why;
    for (size_t i = 0; i < 20; i++) {
        bool h = hit(f, i < 3 ? "file.write" : "test.sleep", "s/x", &cls,
                     &why);
        if (i < 3) {
            assert_true(h);
            assert_string_equal(why, "file.write:Conflict:3");
        } else if (alone[i] == '1') {
            assert_true(h);
            assert_string_equal(cls, "BadSchema");
            assert_string_equal(why, "--inject-rate 0.5:BadSchema");
        } else {
            assert_false(h);
        }
    }
    faults_free(f);
    diag_list_free(&diags);
    /* Without a class, Transient. */
    const char *one = "1";
    assert_int_equal(faults_new(NULL, 0, &one, 1, 9, NULL, 0, &diags, &f),
                     MIG_OK);
    assert_true(hit(f, "a.b", NULL, &cls, &why));
    assert_string_equal(cls, "Transient");
    assert_string_equal(why, "--inject-rate 1");
    faults_free(f);
    diag_list_free(&diags);
}

/* Several rates share one draw per call: the first takes the draws
 * below its share, the next the following range, so a mix fails each
 * call at most once, and the first rate's hits are those it has alone. */
static void test_a_mix_of_rates(void **state)
{
    (void)state;
    char first[201], both[201];
    rate_hits("0.25", 42, first, 200);
    diag_list_t diags;
    diag_list_init(&diags);
    faults_t *f = NULL;
    const char *rates[] = { "0.25", "0.5:Timeout" };
    assert_int_equal(faults_new(NULL, 0, rates, 2, 42, NULL, 0, &diags, &f),
                     MIG_OK);
    char wide[201];
    rate_hits("0.75", 42, wide, 200);
    const char *cls, *why;
    size_t n_timeout = 0;
    for (size_t i = 0; i < 200; i++) {
        bool h = hit(f, "a.b", NULL, &cls, &why);
        both[i] = h ? (strcmp(cls, "Transient") == 0 ? 'T' : 'O') : '0';
        /* Transient exactly where 0.25 alone fails; a hit of either
         * exactly where 0.75 alone fails. */
        assert_int_equal(both[i] == 'T', first[i] == '1');
        assert_int_equal(h, wide[i] == '1');
        if (both[i] == 'O') {
            assert_string_equal(why, "--inject-rate 0.5:Timeout");
            n_timeout++;
        }
    }
    assert_true(n_timeout > 60 && n_timeout < 140);
    faults_free(f);
    diag_list_free(&diags);
    /* More than every call is refused. */
    const char *over[] = { "0.75", "0.5:Timeout" };
    assert_int_equal(faults_new(NULL, 0, over, 2, 1, NULL, 0, &diags, &f),
                     MIG_EINVALID);
    assert_int_equal(diags.len, 1);
    assert_string_equal(diags.items[0].message, "--inject-rate: the shares "
                        "add up to 1.25, more than every call");
    diag_list_free(&diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_specs_that_read),
        cmocka_unit_test(test_a_malformed_spec),
        cmocka_unit_test(test_an_unknown_class),
        cmocka_unit_test(test_a_count_that_is_not_a_whole_number),
        cmocka_unit_test(test_a_share_outside_0_to_1),
        cmocka_unit_test(test_every_mistake_is_reported),
        cmocka_unit_test(test_an_action_every_time),
        cmocka_unit_test(test_a_namespace),
        cmocka_unit_test(test_a_node_id),
        cmocka_unit_test(test_the_first_rule_with_calls_left_wins),
        cmocka_unit_test(test_the_rate_for_a_seed),
        cmocka_unit_test(test_the_rate_does_not_depend_on_the_order),
        cmocka_unit_test(test_share_0_never_1_always),
        cmocka_unit_test(test_rules_before_the_rate),
        cmocka_unit_test(test_a_mix_of_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
