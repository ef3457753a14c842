/* adapt_params.c: adapt.params (docs/recovery.md, "adapt.params"), the
 * strategy for ParamMismatch. It fits the failed call's parameters to the
 * target's parameter schema: positional ones are named in the order of
 * the schema's properties, renamed and removed ones are settled by
 * adapt_rename.c, then the values are fitted (coerced, enum values
 * remapped, defaults filled) and validated. */
#include <stdlib.h>
#include <string.h>

#include "adapt_int.h"

void adapt_target_init(adapt_target_t *t, const adapt_call_t *c)
{
    t->name = adapt_detail_str(c, "method");
    val_t *m = c->input ? val_map_get(c->input, "method", 6) : NULL;
    if (!t->name && m && val_type(m) == VAL_STRING)
        t->name = val_get_str(m, NULL);
    if (!t->name)
        t->name = "the schema";
    t->props = val_map_get(c->schema, "properties", 10);
    t->n = t->props ? val_len(t->props) : 0;
    strbuf_init(&t->names);
    for (size_t i = 0; i < t->n; i++)
        strbuf_printf(&t->names, "%s%s", i ? ", " : "",
                      val_get_str(val_map_key(t->props, i), NULL));
    if (t->n == 0)
        strbuf_puts(&t->names, "no parameters");
}

/* ---- positional to named ------------------------------------------------ */

/* Names the items of the list V by the properties, in order. */
static mig_status_t positional(adapt_run_t *r, const adapt_target_t *t,
                               const val_t *v, val_t **out)
{
    size_t n = val_len(v), np = t->n;
    *out = NULL;
    if (n > np) {
        adapt_problem(r, "%zu positional parameter%s, but %s takes %zu (%s)",
                      n, n == 1 ? "" : "s", t->name, np,
                      t->names.data ? t->names.data : "");
        return MIG_OK;
    }
    val_t *m = val_map_new(n);
    strbuf_t used;
    strbuf_init(&used);
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(t->props, i), &len);
        strbuf_printf(&used, "%s%s", i ? ", " : "", k);
        st = val_map_set(m, k, len, val_list_get(v, i));
    }
    if (st == MIG_OK && used.oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        adapt_change(r, "positional to named (%s)", n ? used.data : "none");
    strbuf_free(&used);
    if (st != MIG_OK)
        val_unref(m);
    else
        *out = m;
    return st;
}

/* ---- the strategy ------------------------------------------------------- */

/* The call's parameters as a map named by the schema, into *OUT (NULL
 * when that already failed: the problems say why). */
static mig_status_t named_params(adapt_run_t *r, const adapt_call_t *c,
                                 const adapt_target_t *t, val_t **out)
{
    *out = NULL;
    const val_t *v = c->value;
    if (!v || val_type(v) == VAL_NULL)
        return (*out = val_map_new(0)) ? MIG_OK : MIG_ENOMEM;
    if (val_type(v) == VAL_LIST)
        return positional(r, t, v, out);
    if (val_type(v) == VAL_MAP)
        return adapt_rename(r, t, c->schema, c->map, v, out);
    adapt_problem(r, "expected a list (positional) or a map (named) of "
                  "parameters, found %s", adapt_a_type(v));
    return MIG_OK;
}

mig_status_t adapt_params_fit(adapt_run_t *r, const adapt_call_t *c,
                              const adapt_target_t *t, val_t **fitted)
{
    val_t *named = NULL;
    *fitted = NULL;
    mig_status_t st = named_params(r, c, t, &named);
    if (st == MIG_OK && named && val_len(r->problems) == 0)
        st = adapt_fit(r, named, c->schema, fitted);
    if (st == MIG_OK && *fitted && val_len(r->problems) == 0)
        st = adapt_validate(r, c, *fitted);
    val_unref(named);
    if (st != MIG_OK || val_len(r->problems) > 0) {
        val_unref(*fitted);
        *fitted = NULL;
    }
    return st;
}

/* Fits, checks and decides, once the strategy can run. */
static mig_status_t decide(adapt_run_t *r, const adapt_call_t *c,
                           const adapt_target_t *t, val_t **decision)
{
    val_t *fitted = NULL;
    mig_status_t st = adapt_params_fit(r, c, t, &fitted);
    if (st == MIG_OK && val_len(r->problems) > 0) {
        st = adapt_fail(r, NULL, decision);
    } else if (st == MIG_OK && val_len(r->changes) == 0) {
        strbuf_t b;
        strbuf_init(&b);
        strbuf_printf(&b, "the parameters already fit %s (%s); nothing to "
                      "adapt", t->name, t->names.data ? t->names.data : "");
        st = b.oom ? MIG_ENOMEM : adapt_fail(r, b.data, decision);
        strbuf_free(&b);
    } else if (st == MIG_OK) {
        st = adapt_retry(r, c->argument, fitted, decision);
    }
    val_unref(fitted);
    return st;
}

/* The plan's map must name, for each old name, a new name (a string),
 * null, {to: NAME, values: {OLD: NEW}}, or {refuse: TEXT} (the interface
 * diff's: a call that gives it fails); anything else stops the strategy
 * (MIG_EINVALID, reported through R's context). */
mig_status_t adapt_check_map(adapt_run_t *r, const val_t *map)
{
    for (size_t i = 0; map && i < val_len(map); i++) {
        const val_t *e = val_map_value(map, i);
        const val_t *to = val_type(e) == VAL_MAP ? val_map_get(e, "to", 2)
                                                 : NULL;
        const val_t *vals = val_type(e) == VAL_MAP
            ? val_map_get(e, "values", 6) : NULL;
        const val_t *no = val_type(e) == VAL_MAP
            ? val_map_get(e, "refuse", 6) : NULL;
        bool ok = val_type(e) == VAL_STRING || val_type(e) == VAL_NULL
                  || (val_type(e) == VAL_MAP
                      && (!to || val_type(to) == VAL_STRING)
                      && (!vals || val_type(vals) == VAL_MAP)
                      && val_len(e) == (size_t)(!!to + !!vals))
                  || (no && val_type(no) == VAL_STRING && val_len(e) == 1);
        if (!ok)
            return actx_fail(r->ctx, "InvalidConfig", "%s: map.%s: "
                             "expected a new name, null (drop it), {to: "
                             "NAME, values: {OLD: NEW}} or {refuse: TEXT}, "
                             "found %s", r->who,
                             val_get_str(val_map_key(map, i), NULL),
                             adapt_a_type(e));
    }
    return MIG_OK;
}

mig_status_t adapt_params(action_ctx_t *ctx, const val_t *err,
                          const val_t *args, val_t **decision)
{
    *decision = NULL;
    adapt_call_t c;
    adapt_call_read(&c, err, args, "params");
    adapt_run_t r;
    mig_status_t st = adapt_run_init(&r, ctx, "adapt.params", c.argument);
    if (st == MIG_OK)
        st = adapt_check_map(&r, c.map);
    if (st == MIG_OK && !c.schema)
        st = adapt_fail(&r, "no parameter schema to adapt to: give one "
                        "(adapt.params(schema: ...)) or let the action's "
                        "error carry it (detail.schema)", decision);
    else if (st == MIG_OK)
        st = adapt_check_schema(&r, &c);
    if (st == MIG_OK && !*decision) {
        adapt_target_t t;
        adapt_target_init(&t, &c);
        st = t.names.oom ? MIG_ENOMEM
             : adapt_repairs_keep(&r, c.schema && strcmp(t.name, "the schema")
                                      ? t.name : NULL);
        if (st == MIG_OK)
            st = decide(&r, &c, &t, decision);
        strbuf_free(&t.names);
    }
    if (st == MIG_OK && r.oom) {
        val_unref(*decision);
        *decision = NULL;
        st = MIG_ENOMEM;
    }
    adapt_run_free(&r);
    return st;
}
