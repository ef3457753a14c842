/* adapt_params.c: adapt.params (docs/recovery.md, "adapt.params"), the
 * strategy for ParamMismatch. It fits the failed call's parameters to the
 * target's parameter schema: positional ones are named in the order of
 * the schema's properties, renamed ones are matched by name and type,
 * then the values are fitted (coerced, defaults filled) and validated. */
#include <stdlib.h>
#include <string.h>

#include "adapt_int.h"

/* What the messages say of the target: "weather.get" and its parameter
 * names "location, unit, days". */
typedef struct target {
    const char *name;
    const val_t *props;     /* the schema's properties (a map), or NULL */
    size_t n;               /* how many */
    strbuf_t names;
} target_t;

static void target_init(target_t *t, const adapt_call_t *c)
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
static mig_status_t positional(adapt_run_t *r, const target_t *t,
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

/* ---- renamed parameters ------------------------------------------------- */

#define NONE ((size_t)-1)

/* The matching of the keys of a named call to the properties. */
typedef struct match {
    const val_t *given;     /* the call's map */
    const target_t *t;
    size_t n, np;
    size_t *prop_of;        /* key i -> property, or NONE */
    bool *filled;           /* property j given */
    size_t *rank;           /* rank[i * np + j]: adapt_name_rank, or NONE */
} match_t;

static const char *key_at(const match_t *m, size_t i)
{
    return val_get_str(val_map_key(m->given, i), NULL);
}

static const char *prop_at(const match_t *m, size_t j)
{
    return val_get_str(val_map_key(m->t->props, j), NULL);
}

/* Ranks every pair of a key and a property whose type the key's value
 * fits. */
static void rank_pairs(match_t *m)
{
    for (size_t i = 0; i < m->n; i++)
        for (size_t j = 0; j < m->np; j++) {
            size_t lk, lp;
            const char *k = val_get_str(val_map_key(m->given, i), &lk);
            const char *p = val_get_str(val_map_key(m->t->props, j), &lp);
            bool fits = adapt_type_fits(val_map_value(m->given, i),
                                        val_map_value(m->t->props, j));
            m->rank[i * m->np + j] = fits ? adapt_name_rank(k, lk, p, lp,
                                                            true)
                                          : NONE;
        }
}

/* Matches keys to properties, best pair first. Two equally good
 * candidates for one key, or two keys for one property, is a problem
 * (returns false). */
static bool match_names(adapt_run_t *r, match_t *m)
{
    for (;;) {
        size_t best = NONE, bi = 0, bj = 0;
        for (size_t i = 0; i < m->n; i++)
            for (size_t j = 0; m->prop_of[i] == NONE && j < m->np; j++)
                if (!m->filled[j] && m->rank[i * m->np + j] < best) {
                    best = m->rank[i * m->np + j];
                    bi = i;
                    bj = j;
                }
        if (best == NONE)
            return true;
        for (size_t j = bj + 1; j < m->np; j++)
            if (!m->filled[j] && m->rank[bi * m->np + j] == best) {
                adapt_problem_text(r, "parameter '%s' fits both '%s' and "
                                   "'%s' of %s equally well", key_at(m, bi),
                                   prop_at(m, bj), prop_at(m, j),
                                   m->t->name);
                return false;
            }
        for (size_t i = bi + 1; i < m->n; i++)
            if (m->prop_of[i] == NONE && m->rank[i * m->np + bj] == best) {
                adapt_problem_text(r, "parameters '%s' and '%s' both fit "
                                   "'%s' of %s equally well", key_at(m, bi),
                                   key_at(m, i), prop_at(m, bj), m->t->name);
                return false;
            }
        m->prop_of[bi] = bj;
        m->filled[bj] = true;
        adapt_change(r, "'%s' -> '%s'", key_at(m, bi), prop_at(m, bj));
    }
}

/* One key left and one property left, of a type that fits: they match. */
static void match_type(adapt_run_t *r, match_t *m)
{
    size_t keys = 0, props = 0, ki = 0, pj = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->prop_of[i] == NONE) {
            keys++;
            ki = i;
        }
    for (size_t j = 0; j < m->np; j++)
        if (!m->filled[j]) {
            props++;
            pj = j;
        }
    if (keys == 1 && props == 1
        && adapt_type_fits(val_map_value(m->given, ki),
                           val_map_value(m->t->props, pj))) {
        m->prop_of[ki] = pj;
        m->filled[pj] = true;
        adapt_change(r, "'%s' -> '%s' (by type)", key_at(m, ki),
                     prop_at(m, pj));
    }
}

/* The call's map with the matched keys renamed, in its order. Keys that
 * match nothing stay when the schema allows other keys in so many words
 * (additionalProperties true or a schema); otherwise each is a problem. */
static mig_status_t renamed(adapt_run_t *r, match_t *m, const val_t *schema,
                            val_t **out)
{
    const val_t *extra = val_map_get(schema, "additionalProperties", 20);
    bool keep = extra && (val_type(extra) == VAL_MAP || val_get_bool(extra));
    val_t *named = val_map_new(m->n);
    mig_status_t st = named ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < m->n; i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(m->given, i), &len);
        if (m->prop_of[i] != NONE)
            k = val_get_str(val_map_key(m->t->props, m->prop_of[i]), &len);
        else if (!keep) {
            adapt_problem_text(r, "parameter '%s' fits no parameter of %s "
                               "(%s)", k, m->t->name,
                               m->t->names.data ? m->t->names.data : "");
            continue;
        }
        st = val_map_set(named, k, len, val_map_value(m->given, i));
    }
    if (st != MIG_OK) {
        val_unref(named);
        named = NULL;
    }
    *out = named;
    return st;
}

/* Names the keys of the map V after the properties they stand for. */
static mig_status_t rename(adapt_run_t *r, const target_t *t,
                           const val_t *schema, const val_t *v, val_t **out)
{
    match_t m = { .given = v, .t = t, .n = val_len(v),
                  .np = t->n };
    *out = NULL;
    m.prop_of = malloc((m.n + 1) * sizeof *m.prop_of);
    m.filled = calloc(m.np + 1, sizeof *m.filled);
    m.rank = malloc((m.n * m.np + 1) * sizeof *m.rank);
    mig_status_t st = MIG_ENOMEM;
    if (m.prop_of && m.filled && m.rank) {
        for (size_t i = 0; i < m.n; i++) {
            size_t len;
            const char *k = val_get_str(val_map_key(v, i), &len);
            m.prop_of[i] = t->props ? val_map_index(t->props, k, len) : NONE;
            if (m.prop_of[i] != NONE)
                m.filled[m.prop_of[i]] = true;
        }
        rank_pairs(&m);
        st = MIG_OK;
        if (match_names(r, &m)) {
            match_type(r, &m);
            st = renamed(r, &m, schema, out);
        }
    }
    free(m.prop_of);
    free(m.filled);
    free(m.rank);
    return st;
}

/* ---- the strategy ------------------------------------------------------- */

/* The call's parameters as a map named by the schema, into *OUT (NULL
 * when that already failed: the problems say why). */
static mig_status_t named_params(adapt_run_t *r, const adapt_call_t *c,
                                 const target_t *t, val_t **out)
{
    *out = NULL;
    const val_t *v = c->value;
    if (!v || val_type(v) == VAL_NULL)
        return (*out = val_map_new(0)) ? MIG_OK : MIG_ENOMEM;
    if (val_type(v) == VAL_LIST)
        return positional(r, t, v, out);
    if (val_type(v) == VAL_MAP)
        return rename(r, t, c->schema, v, out);
    adapt_problem(r, "expected a list (positional) or a map (named) of "
                  "parameters, found %s", adapt_a_type(v));
    return MIG_OK;
}

/* Fits, checks and decides, once the strategy can run. */
static mig_status_t decide(adapt_run_t *r, const adapt_call_t *c,
                           const target_t *t, val_t **decision)
{
    val_t *named = NULL, *fitted = NULL;
    mig_status_t st = named_params(r, c, t, &named);
    if (st == MIG_OK && named && val_len(r->problems) == 0)
        st = adapt_fit(r, named, c->schema, &fitted);
    if (st == MIG_OK && fitted && val_len(r->problems) == 0)
        st = adapt_validate(r, c, fitted);
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
    val_unref(named);
    val_unref(fitted);
    return st;
}

mig_status_t adapt_params(action_ctx_t *ctx, const val_t *err,
                          const val_t *args, val_t **decision)
{
    *decision = NULL;
    adapt_call_t c;
    adapt_call_read(&c, err, args, "params");
    adapt_run_t r;
    mig_status_t st = adapt_run_init(&r, ctx, "adapt.params", c.argument);
    if (st == MIG_OK && !c.schema)
        st = adapt_fail(&r, "no parameter schema to adapt to: give one "
                        "(adapt.params(schema: ...)) or let the action's "
                        "error carry it (detail.schema)", decision);
    else if (st == MIG_OK)
        st = adapt_check_schema(&r, &c);
    if (st == MIG_OK && !*decision) {
        target_t t;
        target_init(&t, &c);
        st = t.names.oom ? MIG_ENOMEM : decide(&r, &c, &t, decision);
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
