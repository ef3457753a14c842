/* test_breaker_config.c: breaker_configs (interpreter/breaker_config.c),
 * what the runtime reads its circuit breakers from: one map per breaker
 * item in file order, defaults filled, and every wrong setting reported
 * with its exact text and place, giving MIG_EINVALID and no list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "interpreter.h"

typedef struct fixture {
    src_t *src;
    arena_t *arena;
    ast_plan_t *plan;
    diag_list_t diags;
    val_t *out;
} fixture_t;

/* Parses TEXT (which must parse cleanly) and reads its breakers. */
static mig_status_t configs(fixture_t *f, const char *text)
{
    memset(f, 0, sizeof(*f));
    diag_list_init(&f->diags);
    f->src = src_from_memory("b.mig", text, strlen(text));
    assert_non_null(f->src);
    f->arena = arena_new();
    assert_non_null(f->arena);
    assert_int_equal(grammar_parse(f->src, f->arena, &f->diags, &f->plan),
                     MIG_OK);
    return breaker_configs(f->plan, f->src, &f->diags, &f->out);
}

static void done(fixture_t *f)
{
    val_unref(f->out);
    diag_list_free(&f->diags);
    arena_free(f->arena);
    src_free(f->src);
}

/* The canonical text of V, compared with WANT. */
static void assert_text(const val_t *v, const char *want)
{
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_format(v, &b), MIG_OK);
    assert_string_equal(b.data, want);
    strbuf_free(&b);
}

static void assert_error(const fixture_t *f, size_t i, uint32_t line,
                         uint32_t col, const char *message)
{
    assert_true(i < f->diags.len);
    const diag_t *d = &f->diags.items[i];
    assert_int_equal(d->severity, DIAG_ERROR);
    assert_string_equal(d->message, message);
    assert_int_equal(d->span.line, line);
    assert_int_equal(d->span.col, col);
}

static void test_settings_and_defaults(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(configs(&f,
        "migration \"b\" {\n"
        "  param n = 1\n"
        "  breaker \"registry.put\" { failures: 5, window: 2m, cooldown: 30s, per: \"db\" }\n"
        "  stage s { step x = f() }\n"
        "  breaker \"file.*\" { cooldown: 1500ms, failures: 3 }\n"
        "}\n"), MIG_OK);
    assert_int_equal(f.diags.len, 0);
    assert_int_equal(val_type(f.out), VAL_LIST);
    assert_int_equal(val_len(f.out), 2);
    assert_text(val_list_get(f.out, 0),
                "{\"target\": \"registry.put\", \"failures\": 5, "
                "\"window_ms\": 120000, \"cooldown_ms\": 30000, "
                "\"per\": \"db\"}");
    /* window defaults to 1m, per to null; keys keep one order. */
    assert_text(val_list_get(f.out, 1),
                "{\"target\": \"file.*\", \"failures\": 3, "
                "\"window_ms\": 60000, \"cooldown_ms\": 1500, "
                "\"per\": null}");
    done(&f);
}

static void test_no_breakers(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(configs(&f, "migration \"b\" { stage s { step x = f() } }"),
                     MIG_OK);
    assert_int_equal(val_type(f.out), VAL_LIST);
    assert_int_equal(val_len(f.out), 0);
    done(&f);
}

static void test_wrong_settings(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(configs(&f,
        "migration \"b\" {\n"
        "  param n = 1\n"
        "  breaker \"a.b\" { failures: n, cooldown: 0s, windw: 1m }\n"
        "  breaker \"a.c\" { failures: 1.5, window: 3 }\n"
        "}\n"), MIG_EINVALID);
    assert_null(f.out);
    assert_int_equal(f.diags.errors, 6);
    assert_error(&f, 0, 3, 29, "breaker setting 'failures' must be a literal "
                 "value: breakers are set up before anything runs, so it "
                 "cannot use names or computations");
    assert_error(&f, 1, 3, 42, "breaker setting 'cooldown' must be longer "
                 "than 0");
    assert_error(&f, 2, 3, 46, "unknown breaker setting 'windw'");
    assert_string_equal(f.diags.items[2].hint, "did you mean 'window'?");
    assert_error(&f, 3, 4, 29, "breaker setting 'failures' must be a whole "
                 "number of at least 1");
    assert_error(&f, 4, 4, 42, "breaker setting 'window' must be a duration, "
                 "found a number");
    assert_error(&f, 5, 4, 17, "breaker \"a.c\" needs 'cooldown': how long "
                 "the breaker stays open before one probe call is let "
                 "through");
    done(&f);
}

static void test_missing_and_twice(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(configs(&f,
        "migration \"b\" {\n"
        "  breaker \"a.b\" { failures: 2, cooldown: 1s }\n"
        "  breaker \"a.b\" { failures: 3, cooldown: 1s }\n"
        "  breaker \"a.c\" { failures: 3 }\n"
        "}\n"), MIG_EINVALID);
    assert_null(f.out);
    assert_int_equal(f.diags.errors, 2);
    assert_error(&f, 0, 3, 11, "a breaker for 'a.b' is already declared");
    assert_int_equal(f.diags.items[1].severity, DIAG_NOTE);
    assert_int_equal(f.diags.items[1].span.line, 2);
    assert_error(&f, 2, 4, 17, "breaker \"a.c\" needs 'cooldown': how long "
                 "the breaker stays open before one probe call is let "
                 "through");
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings_and_defaults),
        cmocka_unit_test(test_no_breakers),
        cmocka_unit_test(test_wrong_settings),
        cmocka_unit_test(test_missing_and_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
