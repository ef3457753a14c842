/* schema_comb.c: the combinators allOf, anyOf and oneOf (docs/schema.md,
 * "Combinators"), rows of schema_kw.c's keyword table. When no schema of
 * an anyOf/oneOf fits, the message says why: the schema the value's
 * discriminator picks is walked as if it stood alone, else the schema
 * that came closest is named with its first violation, so that a repair
 * checked against a whole new schema learns what to change. */
#include <string.h>

#include "schema_int.h"

mig_status_t schema_all_of(vctx_t *c, const val_t *v, const val_t *l,
                           const val_t *schema)
{
    (void)schema;
    mig_status_t st = schema_list_shape(c, "allOf", l);
    for (size_t i = 0; st == MIG_OK && i < val_len(l); i++)
        st = schema_walk(c, v, val_list_get(l, i));
    return st;
}

/* ---- the discriminator -------------------------------------------------- */

/* The one value property NAME of the schema S fixes (its `const`, or an
 * `enum` of one value), or NULL. */
static const val_t *fixed_value(const val_t *s, const char *name, size_t len)
{
    const val_t *props = val_type(s) == VAL_MAP ? schema_kw(s, "properties")
                                                : NULL;
    const val_t *p = props && val_type(props) == VAL_MAP
        ? val_map_get(props, name, len) : NULL;
    if (!p || val_type(p) != VAL_MAP)
        return NULL;
    const val_t *k = schema_kw(p, "const"), *e = schema_kw(p, "enum");
    if (!k && e && val_type(e) == VAL_LIST && val_len(e) == 1)
        k = val_list_get(e, 0);
    return k && val_type(k) == VAL_STRING ? k : NULL;
}

/* The discriminator of the schemas L: the first property of the first
 * schema that every schema fixes to a string of its own (no two alike).
 * Its name into *NAME and *LEN; false when there is none. */
static bool discriminator(const val_t *l, const char **name, size_t *len)
{
    const val_t *first = val_list_get(l, 0);
    const val_t *props = val_type(first) == VAL_MAP
        ? schema_kw(first, "properties") : NULL;
    if (val_len(l) < 2 || !props || val_type(props) != VAL_MAP)
        return false;
    for (size_t p = 0; p < val_len(props); p++) {
        const char *k = val_get_str(val_map_key(props, p), len);
        bool all = true;
        for (size_t i = 0; all && i < val_len(l); i++) {
            const val_t *a = fixed_value(val_list_get(l, i), k, *len);
            all = a != NULL;
            for (size_t j = 0; all && j < i; j++)
                all = !val_equal(a, fixed_value(val_list_get(l, j), k, *len));
        }
        if (all) {
            *name = k;
            return true;
        }
    }
    return false;
}

/* Reports why V, a map holding the discriminator NAME, fits none of L:
 * the schema its value picks is walked, reporting; a value no schema
 * picks is reported at the discriminator. Sets *DONE when it reported. */
static mig_status_t by_discriminator(vctx_t *c, const val_t *v,
                                     const val_t *l, const char *oneword,
                                     bool *done)
{
    const char *name;
    size_t len;
    *done = false;
    if (val_type(v) != VAL_MAP || !discriminator(l, &name, &len))
        return MIG_OK;
    const val_t *given = val_map_get(v, name, len);
    if (!given)
        return MIG_OK;
    *done = true;
    for (size_t i = 0; i < val_len(l); i++)
        if (val_equal(given, fixed_value(val_list_get(l, i), name, len)))
            return schema_walk(c, v, val_list_get(l, i));
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < val_len(l) && b.len < 200; i++) {
        strbuf_puts(&b, i ? ", " : "");
        val_format(fixed_value(val_list_get(l, i), name, len), &b);
    }
    size_t mark = schema_path_push(c, name, len);
    schema_violation(c, "must be one of %s (the property that picks one of "
                     "the %zu schemas of '%s')", b.data ? b.data : "?",
                     val_len(l), oneword);
    schema_path_pop(c, mark);
    c->oom |= b.oom;
    strbuf_free(&b);
    return MIG_OK;
}

/* ---- the closest schema ------------------------------------------------- */

/* Runs the schema S on V recording its violations in a list of its own:
 * their count into *N and the first one's text into FIRST. */
static mig_status_t first_violation(vctx_t *c, const val_t *v,
                                    const val_t *s, size_t *n,
                                    strbuf_t *first)
{
    val_t *saved = c->errors, *mine = val_list_new(2);
    size_t failed = c->failed;
    if (!mine)
        return MIG_ENOMEM;
    c->errors = mine;
    mig_status_t st = schema_walk(c, v, s);
    c->errors = saved;
    *n = c->failed - failed;
    c->failed = failed;
    first->len = 0;
    const val_t *e = val_len(mine) ? val_list_get(mine, 0) : NULL;
    if (e && val_type(e) == VAL_MAP)
        strbuf_printf(first, "%s: %s",
                      val_get_str(val_map_get(e, "pointer", 7), NULL),
                      val_get_str(val_map_get(e, "message", 7), NULL));
    else if (e)
        strbuf_puts(first, val_get_str(e, NULL));
    val_unref(mine);
    if (st == MIG_OK && first->oom)
        st = MIG_ENOMEM;
    return st;
}

/* The violation for V fitting none of L: the closest schema (fewest
 * violations, the first of equals) with its first violation. */
static mig_status_t none_fits(vctx_t *c, const val_t *v, const val_t *l,
                              const char *oneword, const char *how)
{
    size_t best = (size_t)-1, at = 0, n = 0;
    strbuf_t first, why;
    strbuf_init(&first);
    strbuf_init(&why);
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && c->errors && i < val_len(l); i++) {
        st = first_violation(c, v, val_list_get(l, i), &n, &first);
        if (st == MIG_OK && n < best && first.len) {
            best = n;
            at = i;
            why.len = 0;
            strbuf_put(&why, first.data, first.len);
        }
    }
    if (st == MIG_OK && why.len)
        schema_violation(c, "must match %s of the %zu schemas of '%s', "
                         "matches none; the closest, schema %zu (counted "
                         "from 0), says %s%s", how, val_len(l), oneword, at,
                         why.data, best > 1 ? " (and more)" : "");
    else if (st == MIG_OK)
        schema_violation(c, "must match %s of the %zu schemas of '%s', "
                         "matches none", how, val_len(l), oneword);
    c->oom |= why.oom;
    strbuf_free(&first);
    strbuf_free(&why);
    return st;
}

/* anyOf (ONE false) and oneOf (ONE true). */
static mig_status_t some_of(vctx_t *c, const val_t *v, const val_t *l,
                            bool one)
{
    const char *name = one ? "oneOf" : "anyOf";
    const char *how = one ? "exactly one" : "at least one";
    mig_status_t st = schema_list_shape(c, name, l);
    size_t fits = 0, first = 0, second = 0;
    for (size_t i = 0; st == MIG_OK && i < val_len(l); i++) {
        bool ok;
        st = schema_try(c, v, val_list_get(l, i), &ok);
        if (ok && fits++ == 0)
            first = i;
        else if (ok && fits == 2)
            second = i;
        if (ok && !one)
            break;
    }
    if (st != MIG_OK)
        return st;
    if (fits == 0) {
        bool done;
        st = by_discriminator(c, v, l, name, &done);
        if (st == MIG_OK && !done)
            st = none_fits(c, v, l, name, how);
    } else if (one && fits > 1) {
        schema_violation(c, "must match exactly one of the %zu schemas of "
                         "'oneOf', matches %zu (schemas %zu and %zu, counted "
                         "from 0)", val_len(l), fits, first, second);
    }
    return st;
}

mig_status_t schema_any_of(vctx_t *c, const val_t *v, const val_t *l,
                           const val_t *schema)
{
    (void)schema;
    return some_of(c, v, l, false);
}

mig_status_t schema_one_of(vctx_t *c, const val_t *v, const val_t *l,
                           const val_t *schema)
{
    (void)schema;
    return some_of(c, v, l, true);
}
