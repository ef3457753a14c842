/* adapt_fixture.h: what the tests of the adapt.* strategies share
 * (test_adapt_params.c, test_adapt_method.c, test_adapt_config.c,
 * test_adapt_depend.c). Each calls a strategy's function, found by name
 * in a registry the standard library filled, on an error made from JSON
 * texts, and checks the whole decision: its kind, the exact input given
 * back (in canonical text, so that types and order count), every change
 * line and the exact message. In the JSON texts a ' stands for a " to
 * keep them readable. */
#ifndef MIG_ADAPT_FIXTURE_H
#define MIG_ADAPT_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mig_stdlib.h"
#include "json_fixture.h"

typedef struct afx {
    action_registry_t *reg;
    action_ctx_t *ctx;
} afx_t;

static inline int afx_setup(void **state)
{
    afx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->reg = action_registry_new();
    assert_non_null(f->reg);
    assert_int_equal(stdlib_register(f->reg), MIG_OK);
    f->ctx = actx_new(ACTX_RUN, ".");
    assert_non_null(f->ctx);
    *state = f;
    return 0;
}

static inline int afx_teardown(void **state)
{
    afx_t *f = *state;
    actx_free(f->ctx);
    action_registry_free(f->reg);
    free(f);
    return 0;
}

/* TEXT as JSON, with ' read as ". NULL gives NULL. */
static inline val_t *afx_json(const char *text)
{
    return text ? json_value(text) : NULL;
}

/* The canonical text of V, a new string. */
static inline char *afx_text(const val_t *v)
{
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_format(v, &b), MIG_OK);
    char *s = strdup(b.data ? b.data : "");
    strbuf_free(&b);
    assert_non_null(s);
    return s;
}

/* The error a recover block sees: {class, message, input, detail}, with
 * INPUT and DETAIL as values (borrowed; DETAIL NULL: null). */
static inline val_t *afx_error_of(const char *cls, val_t *input,
                                  val_t *detail)
{
    val_t *err = val_map_new(4);
    assert_non_null(err);
    assert_int_equal(val_map_set_take(err, "class", 5, val_cstring(cls)),
                     MIG_OK);
    assert_int_equal(val_map_set_take(err, "message", 7,
                                      val_cstring("failed")), MIG_OK);
    assert_int_equal(val_map_set(err, "input", 5, input), MIG_OK);
    assert_int_equal(val_map_set(err, "detail", 6,
                                 detail ? detail : val_null()), MIG_OK);
    return err;
}

/* Calls strategy NAME with the error made of INPUT and DETAIL (values,
 * borrowed) and the arguments ARGS (a map, borrowed; NULL: none).
 * Returns its status; *DECISION is what it gave. */
static inline mig_status_t afx_call_values(afx_t *f, const char *name,
                                           val_t *input, val_t *detail,
                                           val_t *args, val_t **decision)
{
    const action_handler_t *h = action_find_handler(f->reg, name);
    assert_non_null(h);
    assert_non_null(h->run);
    val_t *err = afx_error_of("ParamMismatch", input, detail);
    val_t *none = val_map_new(0);
    assert_non_null(none);
    actx_begin(f->ctx, name);
    *decision = NULL;
    mig_status_t st = h->run(f->ctx, err, args ? args : none, decision);
    val_unref(none);
    val_unref(err);
    return st;
}

/* afx_call_values with JSON texts. */
static inline mig_status_t afx_call(afx_t *f, const char *name,
                                    const char *input, const char *detail,
                                    const char *args, val_t **decision)
{
    val_t *in = afx_json(input), *det = afx_json(detail);
    val_t *a = afx_json(args);
    mig_status_t st = afx_call_values(f, name, in, det, a, decision);
    val_unref(in);
    val_unref(det);
    val_unref(a);
    return st;
}

/* Checks that D's changes are exactly the NULL-ended WANT. */
static inline void afx_changes(const val_t *d, const char *const *want)
{
    const val_t *changes = val_map_get(d, "changes", 7);
    assert_non_null(changes);
    size_t n = 0;
    for (; want[n]; n++) {
        const val_t *c = val_list_get(changes, n);
        if (!c)
            fail_msg("missing change %zu: %s", n, want[n]);
        assert_string_equal(val_get_str(c, NULL), want[n]);
    }
    if (val_len(changes) != n)
        fail_msg("unexpected change: %s",
                 val_get_str(val_list_get(changes, n), NULL));
}

/* Checks that D is {decision: KIND, ...}. */
static inline void afx_kind(const val_t *d, const char *kind)
{
    assert_non_null(d);
    const val_t *k = val_map_get(d, "decision", 8);
    assert_non_null(k);
    if (strcmp(val_get_str(k, NULL), kind) != 0) {
        char *t = afx_text(d);
        fail_msg("expected %s, got %s", kind, t);
    }
}

/* Checks that GOT is WANT (JSON), compared as canonical text, so that
 * types and order count. */
static inline void afx_value_is(const val_t *got, const char *want)
{
    assert_non_null(got);
    val_t *w = afx_json(want);
    char *g = afx_text(got), *e = afx_text(w);
    assert_string_equal(g, e);
    free(g);
    free(e);
    val_unref(w);
}

/* Checks a retry giving the input WANT_INPUT (JSON, compared as canonical
 * text) with exactly the change lines WANT. */
static inline void afx_retry_is(const val_t *d, const char *want_input,
                                const char *const *want)
{
    afx_kind(d, "retry");
    afx_value_is(val_map_get(d, "input", 5), want_input);
    afx_changes(d, want);
}

/* Checks a fail with exactly MESSAGE and the change lines WANT. */
static inline void afx_fail_is(const val_t *d, const char *message,
                               const char *const *want)
{
    afx_kind(d, "fail");
    assert_string_equal(val_get_str(val_map_get(d, "message", 7), NULL),
                        message);
    afx_changes(d, want);
}

static inline void afx_expect_retry(afx_t *f, const char *name,
                                    const char *input, const char *detail,
                                    const char *args, const char *want_input,
                                    const char *const *want)
{
    val_t *d = NULL;
    assert_int_equal(afx_call(f, name, input, detail, args, &d), MIG_OK);
    afx_retry_is(d, want_input, want);
    val_unref(d);
}

static inline void afx_expect_fail(afx_t *f, const char *name,
                                   const char *input, const char *detail,
                                   const char *args, const char *message,
                                   const char *const *want)
{
    val_t *d = NULL;
    assert_int_equal(afx_call(f, name, input, detail, args, &d), MIG_OK);
    afx_fail_is(d, message, want);
    val_unref(d);
}

/* The strategy cannot run: MIG_EINVALID, no decision, an InvalidConfig
 * error with exactly MESSAGE. */
static inline void afx_expect_invalid(afx_t *f, const char *name,
                                      const char *input, const char *detail,
                                      const char *args, const char *message)
{
    val_t *d = NULL;
    assert_int_equal(afx_call(f, name, input, detail, args, &d),
                     MIG_EINVALID);
    assert_null(d);
    assert_string_equal(actx_error_class(f->ctx), "InvalidConfig");
    assert_string_equal(actx_error_message(f->ctx), message);
}

/* The change lines as a NULL-ended array: CHANGES("a", "b"), or
 * NO_CHANGES. */
#define CHANGES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NO_CHANGES ((const char *const[]){ NULL })

#endif
