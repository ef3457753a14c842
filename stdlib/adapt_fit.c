/* adapt_fit.c: fits a value to a schema for adapt.params and
 * adapt.repair_config (docs/recovery.md, "Fitting a value to a schema"):
 * coercion to the schema's type, a list of one item for a scalar, enum
 * values remapped (adapt_enum.c), and inside maps defaults, dropped keys
 * and missing required ones, all the way down. Every change and every
 * problem is a line with its place ("config.auth.timeout: default 30"). */
#include <string.h>

#include "adapt_int.h"

/* "an integer", "a string", ...: a schema type with its article. */
static const char *a_schema_type(const char *t)
{
    static const struct { const char *name, *text; } names[] = {
        { "null", "null" }, { "boolean", "a boolean" },
        { "integer", "an integer" }, { "number", "a number" },
        { "string", "a string" }, { "array", "an array" },
        { "object", "an object" }, { "duration", "a duration" },
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i].name, t) == 0)
            return names[i].text;
    return t;
}

static bool has_type(const char *const *types, size_t n, const char *t)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(types[i], t) == 0)
            return true;
    return false;
}

/* Records "PATH: OLD -> NEW (T)". */
static void coerced(adapt_run_t *r, const val_t *old, const val_t *made,
                    const char *t)
{
    strbuf_t a, b;
    strbuf_init(&a);
    strbuf_init(&b);
    adapt_put_value(&a, old);
    adapt_put_value(&b, made);
    if (a.oom || b.oom)
        r->oom = true;
    else
        adapt_change(r, "%s -> %s (%s)", a.data, b.data, t);
    strbuf_free(&a);
    strbuf_free(&b);
}

/* Records "PATH: VALUE is not an integer or null". */
static void not_coercible(adapt_run_t *r, const val_t *v,
                          const char *const *types, size_t n)
{
    strbuf_t b;
    strbuf_init(&b);
    adapt_put_value(&b, v);
    strbuf_puts(&b, " is not ");
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&b, i + 1 == n ? " or " : ", ");
        strbuf_puts(&b, a_schema_type(types[i]));
    }
    if (b.oom)
        r->oom = true;
    else
        adapt_problem(r, "%s", b.data);
    strbuf_free(&b);
}

/* ---- maps --------------------------------------------------------------- */

static val_t *kw(const val_t *schema, const char *k)
{
    return val_map_get(schema, k, strlen(k));
}

static bool is_required(const val_t *req, const char *k, size_t len)
{
    for (size_t i = 0; req && i < val_len(req); i++) {
        size_t l;
        const char *s = val_get_str(val_list_get(req, i), &l);
        if (l == len && memcmp(s, k, len) == 0)
            return true;
    }
    return false;
}

/* Records "PATH: default VALUE" (or "null -> default VALUE" when it
 * replaces a null). */
static void defaulted(adapt_run_t *r, const val_t *def, bool was_null)
{
    adapt_change_value(r, was_null ? "null -> default %s" : "default %s",
                       def);
    adapt_repair_value(r, "default", NULL, def);
}

/* Whether null may stand for the property SUB: its type allows null, or
 * it has none. */
static bool null_fits(const val_t *sub)
{
    const char *types[ADAPT_MAX_TYPES];
    size_t n = adapt_types(sub, types);
    return n == 0 || has_type(types, n, "null");
}

/* Entry I of the map V, fitted into OUT (a new map) under the object
 * SCHEMA's rules. */
static mig_status_t fit_entry(adapt_run_t *r, const val_t *v, size_t i,
                              const val_t *schema, val_t *out)
{
    const val_t *props = kw(schema, "properties");
    const val_t *extra = kw(schema, "additionalProperties");
    size_t len;
    const char *k = val_get_str(val_map_key(v, i), &len);
    val_t *child = val_map_value(v, i);
    const val_t *sub = props ? val_map_get(props, k, len) : NULL;
    size_t mark = adapt_path_key(r, k, len);
    mig_status_t st = MIG_OK;
    if (!sub && extra && val_type(extra) == VAL_BOOL
        && !val_get_bool(extra)) {
        adapt_change(r, "dropped (not in the schema)");
    } else if (sub && val_type(child) == VAL_NULL && kw(sub, "default")
               && !null_fits(sub)) {
        defaulted(r, kw(sub, "default"), true);
        st = val_map_set(out, k, len, kw(sub, "default"));
    } else {
        if (!sub && extra && val_type(extra) == VAL_MAP)
            sub = extra;
        val_t *fitted = NULL;
        st = sub ? adapt_fit(r, child, sub, &fitted) : MIG_OK;
        if (st == MIG_OK)
            st = val_map_set_take(out, k, len, sub ? fitted : val_ref(child));
    }
    adapt_path_pop(r, mark);
    return st;
}

/* Fits the map V to the object SCHEMA into *OUT (a new map): its entries
 * in their order, then the defaults of missing properties in the
 * schema's order; a missing required key without a default is a
 * problem. */
static mig_status_t fit_map(adapt_run_t *r, const val_t *v,
                            const val_t *schema, val_t **out)
{
    const val_t *props = kw(schema, "properties");
    const val_t *req = kw(schema, "required");
    val_t *m = val_map_new(val_len(v) + (props ? val_len(props) : 0));
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(v); i++)
        st = fit_entry(r, v, i, schema, m);
    for (size_t i = 0; st == MIG_OK && props && i < val_len(props); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(props, i), &len);
        if (val_map_get(v, k, len))
            continue;
        const val_t *def = kw(val_map_value(props, i), "default");
        size_t mark = adapt_path_key(r, k, len);
        if (def) {
            defaulted(r, def, false);
            st = val_map_set(m, k, len, (val_t *)def);
        } else if (is_required(req, k, len)) {
            adapt_problem(r, "missing (required, and the schema gives no "
                          "default)");
        }
        adapt_path_pop(r, mark);
    }
    /* Required names the properties do not describe. */
    for (size_t i = 0; st == MIG_OK && req && i < val_len(req); i++) {
        size_t len;
        const char *k = val_get_str(val_list_get(req, i), &len);
        if (val_map_get(v, k, len) || (props && val_map_get(props, k, len)))
            continue;
        size_t mark = adapt_path_key(r, k, len);
        adapt_problem(r, "missing (required, and the schema gives no "
                      "default)");
        adapt_path_pop(r, mark);
    }
    if (st != MIG_OK) {
        val_unref(m);
        m = NULL;
    }
    *out = m;
    return st;
}

/* Fits each item of the list V to ITEMS into *OUT (a new list). */
static mig_status_t fit_list(adapt_run_t *r, const val_t *v,
                             const val_t *items, val_t **out)
{
    val_t *l = val_list_new(val_len(v));
    mig_status_t st = l ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(v); i++) {
        size_t mark = adapt_path_index(r, i);
        val_t *item = NULL;
        st = adapt_fit(r, val_list_get(v, i), items, &item);
        if (st == MIG_OK)
            st = val_list_push_take(l, item);
        adapt_path_pop(r, mark);
    }
    if (st != MIG_OK) {
        val_unref(l);
        l = NULL;
    }
    *out = l;
    return st;
}

/* ---- any value ---------------------------------------------------------- */

/* Goes into V (already of the schema's type, or of no type the schema
 * names): a map's entries under an object schema, a list's items. */
static mig_status_t fit_inside(adapt_run_t *r, val_t *v, const val_t *schema,
                               val_t **out)
{
    bool object = kw(schema, "properties") || kw(schema, "required")
                  || kw(schema, "additionalProperties");
    if (val_type(v) == VAL_MAP && object)
        return fit_map(r, v, schema, out);
    if (val_type(v) == VAL_LIST && kw(schema, "items"))
        return fit_list(r, v, kw(schema, "items"), out);
    *out = val_ref(v);
    return MIG_OK;
}

mig_status_t adapt_fit(adapt_run_t *r, val_t *v, const val_t *schema,
                       val_t **out)
{
    *out = NULL;
    const char *types[ADAPT_MAX_TYPES];
    size_t n = adapt_types(schema, types);
    if (adapt_one_item(v, types, n)) {
        strbuf_t a;
        strbuf_init(&a);
        adapt_put_value(&a, v);
        if (a.oom)
            r->oom = true;
        else
            adapt_change(r, "%s -> its one item (a list where %s is "
                         "wanted)", a.data, a_schema_type(types[0]));
        strbuf_free(&a);
        v = val_list_get(v, 0);
    }
    bool fits = n == 0;
    for (size_t i = 0; !fits && i < n; i++)
        fits = schema_is_type(v, types[i]);
    val_t *made = NULL;
    mig_status_t st = MIG_OK;
    if (fits) {
        /* A whole number held as a double becomes an integer where only
         * "integer" describes it. */
        if (n && val_type(v) == VAL_NUMBER && !val_is_int(v)
            && has_type(types, n, "integer") && !has_type(types, n, "number"))
            st = adapt_coerce(v, "integer", &made);
        if (made)
            coerced(r, v, made, "integer");
    } else {
        for (size_t i = 0; st == MIG_OK && !made && i < n; i++) {
            st = adapt_coerce(v, types[i], &made);
            if (made)
                coerced(r, v, made, types[i]);
        }
        if (st == MIG_OK && !made) {
            not_coercible(r, v, types, n);
            *out = val_ref(v);
            return MIG_OK;
        }
    }
    val_t *remapped = NULL;
    if (st == MIG_OK)
        st = adapt_enum(r, made ? made : v, schema, &remapped);
    if (remapped) {
        val_unref(made);
        made = remapped;
    }
    if (st != MIG_OK) {
        val_unref(made);
        return st;
    }
    if (!made)
        return fit_inside(r, v, schema, out);
    st = fit_inside(r, made, schema, out);
    val_unref(made);
    return st;
}
