/* eval_fixture.h: what the evaluator's unit tests (test_eval.c,
 * test_eval_builtins.c) share: a small plan of PRELUDE and lets evaluated
 * in order, and EV(expr, want), the value (or the one error, with its
 * place) of an expression written at line 9, column 9. Include it after
 * cmocka.h. */
#ifndef MIG_EVAL_FIXTURE_H
#define MIG_EVAL_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "interpreter.h"

/* Names every case may use; the expression under test is on line 9. */
#define PRELUDE                                                             \
    "let xs = [1, 2, 3]\n"                                                  \
    "let m = {a: 1, b: \"two\", c: [true]}\n"                               \
    "let s = \"h\\u{e9}llo\"\n"                                             \
    "let d = 90s\n"                                                         \
    "let n = null\n"                                                        \
    "let big = {k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6}\n"                \
    "let tools = [{name: \"lookup\", count: 2}]\n"

/* When set, bound as `deep` and `huge` before the plan's lets (borrowed). */
static val_t *preset_deep, *preset_big;

/* Parses a plan of PRELUDE and LETS, evaluates each let in order (binding
 * it), and describes the last one's value: its canonical text, or the one
 * error as "LINE:COL-LINE:COL: message" and " | hint" if there is one.
 * The result lives in a static buffer. */
static inline const char *run(const char *lets)
{
    static char out[8192];
    char text[8192];
    snprintf(text, sizeof(text), "migration \"t\" {\n" PRELUDE "%s\n}", lets);
    src_t *src = src_from_memory("t.mig", text, strlen(text));
    arena_t *arena = arena_new();
    diag_list_t diags;
    diag_list_init(&diags);
    ast_plan_t *plan = NULL;
    assert_int_equal(grammar_parse(src, arena, &diags, &plan), MIG_OK);
    eval_env_t *env = eval_env_new(NULL);
    assert_non_null(env);
    if (preset_deep)
        assert_int_equal(eval_env_set(env, "deep", preset_deep), MIG_OK);
    if (preset_big)
        assert_int_equal(eval_env_set(env, "huge", preset_big), MIG_OK);
    val_t *v = NULL;
    mig_status_t st = MIG_OK;
    for (uint32_t i = 0; i < plan->items.len && st == MIG_OK; i++) {
        const ast_node_t *let = plan->items.items[i];
        assert_int_equal(let->kind, AST_LET);
        val_unref(v);
        v = NULL;
        st = eval_expr(let->u.binding.value, env, src, &diags, &v);
        if (st == MIG_OK)
            assert_int_equal(eval_env_set(env, let->u.binding.name.name, v),
                             MIG_OK);
    }
    if (st == MIG_OK) {
        assert_int_equal(diags.len, 0);
        strbuf_t b;
        strbuf_init(&b);
        assert_int_equal(val_format(v, &b), MIG_OK);
        snprintf(out, sizeof(out), "%s", b.data);
        strbuf_free(&b);
        val_unref(v);
    } else {
        assert_int_equal(st, MIG_EINVALID);
        assert_null(v);
        assert_int_equal(diags.len, 1);
        const diag_t *d = &diags.items[0];
        assert_int_equal(d->severity, DIAG_ERROR);
        assert_true(d->has_span);
        assert_ptr_equal(d->src, src);
        snprintf(out, sizeof(out), "%u:%u-%u:%u: %s%s%s", d->span.line,
                 d->span.col, d->span.end_line, d->span.end_col, d->message,
                 d->hint ? " | " : "", d->hint ? d->hint : "");
    }
    eval_env_free(env);
    diag_list_free(&diags);
    arena_free(arena);
    src_free(src);
    return out;
}

/* The value of EXPR, written at line 9, column 9. */
static inline const char *ev(const char *expr)
{
    char lets[4096];
    snprintf(lets, sizeof(lets), "let v = %s", expr);
    return run(lets);
}

#define EV(expr, want) assert_string_equal(ev(expr), want)

#endif
