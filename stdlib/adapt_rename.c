/* adapt_rename.c: adapt.params's renamed and removed parameters
 * (docs/recovery.md, "Renamed parameters" and "Removed parameters"): the
 * keys of an old call are given the names of the new schema's properties
 * by the plan's map, else by the evidence of adapt_evidence.c, the most
 * confident pair first; a guess below ADAPT_CONF_MIN is never applied but
 * named in the failure; a key nothing takes is dropped with its loss
 * reported, unless its name says it carries meaning. */
#include <stdlib.h>
#include <string.h>

#include "adapt_int.h"

#define NONE ((size_t)-1)

/* The matching of the keys of a named call to the properties. */
typedef struct match {
    const val_t *given;     /* the call's map */
    const adapt_target_t *t;
    const val_t *map;       /* the plan's map, or NULL */
    size_t n, np;
    size_t *prop_of;        /* key i -> property, or NONE */
    bool *dropped;          /* key i dropped by the plan's map */
    bool *filled;           /* property j given */
    adapt_evidence_t *ev;   /* ev[i * np + j] */
} match_t;

static const char *key_at(const match_t *m, size_t i)
{
    return val_get_str(val_map_key(m->given, i), NULL);
}

static const char *prop_at(const match_t *m, size_t j)
{
    return val_get_str(val_map_key(m->t->props, j), NULL);
}

static const char *names(const match_t *m)
{
    return m->t->names.data ? m->t->names.data : "";
}

/* ---- the plan's map ----------------------------------------------------- */

/* The new name the plan's map gives key I (a map entry's "to", or a
 * string), or NULL; *DROP when it maps the key to null. */
static const char *mapped_name(const match_t *m, size_t i, bool *drop)
{
    size_t len;
    const char *k = val_get_str(val_map_key(m->given, i), &len);
    const val_t *e = m->map ? val_map_get(m->map, k, len) : NULL;
    *drop = e && val_type(e) == VAL_NULL;
    if (e && val_type(e) == VAL_MAP)
        e = val_map_get(e, "to", 2);
    return e && val_type(e) == VAL_STRING ? val_get_str(e, NULL) : NULL;
}

/* Applies the plan's map to the keys it names; false when it names a
 * property the schema does not have (a problem). */
static bool apply_map(adapt_run_t *r, match_t *m)
{
    bool ok = true;
    for (size_t i = 0; i < m->n; i++) {
        bool drop;
        const char *to = mapped_name(m, i, &drop);
        if (m->prop_of[i] != NONE)
            continue;
        if (drop) {
            m->dropped[i] = true;
            size_t mark = adapt_path_key(r, key_at(m, i), strlen(key_at(m, i)));
            adapt_change(r, "dropped (the plan's map)");
            adapt_path_pop(r, mark);
            continue;
        }
        if (!to || strcmp(to, key_at(m, i)) == 0)
            continue;
        size_t j = m->t->props ? val_map_index(m->t->props, to, strlen(to))
                               : NONE;
        if (j == NONE) {
            adapt_problem_text(r, "the plan's map renames '%s' to '%s', but "
                               "%s has no such parameter (%s)", key_at(m, i),
                               to, m->t->name, names(m));
            ok = false;
            continue;
        }
        if (m->filled[j]) {
            adapt_problem_text(r, "the plan's map renames '%s' to '%s', but "
                               "the call gives '%s' already", key_at(m, i),
                               to, to);
            ok = false;
            continue;
        }
        m->prop_of[i] = j;
        m->filled[j] = true;
        adapt_change(r, "'%s' -> '%s' (the plan's map, %d%%)", key_at(m, i),
                     to, ADAPT_CONF_MAP);
    }
    return ok;
}

/* Key I's value, with the plan's map's `values` applied to it (a string
 * it names becomes the new value; a change at NAME, LEN bytes): a new
 * reference. */
static val_t *mapped_value(adapt_run_t *r, const match_t *m, size_t i,
                           const char *name, size_t len)
{
    size_t lk;
    const char *k = val_get_str(val_map_key(m->given, i), &lk);
    val_t *v = val_map_value(m->given, i);
    const val_t *e = m->map ? val_map_get(m->map, k, lk) : NULL;
    const val_t *values = e && val_type(e) == VAL_MAP
        ? val_map_get(e, "values", 6) : NULL;
    size_t lv;
    const char *s = val_type(v) == VAL_STRING ? val_get_str(v, &lv) : NULL;
    val_t *to = values && val_type(values) == VAL_MAP && s
        ? val_map_get(values, s, lv) : NULL;
    if (!to)
        return val_ref(v);
    strbuf_t a, b;
    strbuf_init(&a);
    strbuf_init(&b);
    adapt_put_value(&a, v);
    adapt_put_value(&b, to);
    size_t mark = adapt_path_key(r, name, len);
    if (a.oom || b.oom)
        r->oom = true;
    else
        adapt_change(r, "%s -> %s (the plan's map, %d%%)", a.data, b.data,
                     ADAPT_CONF_MAP);
    adapt_path_pop(r, mark);
    strbuf_free(&a);
    strbuf_free(&b);
    return val_ref(to);
}

/* ---- by evidence -------------------------------------------------------- */

static adapt_evidence_t *ev_at(const match_t *m, size_t i, size_t j)
{
    return &m->ev[i * m->np + j];
}

static void weigh_pairs(match_t *m)
{
    for (size_t i = 0; i < m->n; i++)
        for (size_t j = 0; j < m->np; j++) {
            size_t lk, lp;
            const char *k = val_get_str(val_map_key(m->given, i), &lk);
            const char *p = val_get_str(val_map_key(m->t->props, j), &lp);
            adapt_evidence(k, lk, val_map_value(m->given, i), p, lp,
                           val_map_value(m->t->props, j), ev_at(m, i, j));
        }
}

static bool open_key(const match_t *m, size_t i)
{
    return m->prop_of[i] == NONE && !m->dropped[i];
}

/* Matches keys to properties, the most confident pair first, while it is
 * ADAPT_CONF_MIN or more. Two equally confident candidates for one key,
 * or two keys for one property, is a problem (returns false). */
static bool match_names(adapt_run_t *r, match_t *m)
{
    for (;;) {
        int best = ADAPT_CONF_MIN - 1;
        size_t bi = NONE, bj = 0;
        for (size_t i = 0; i < m->n; i++)
            for (size_t j = 0; open_key(m, i) && j < m->np; j++)
                if (!m->filled[j] && ev_at(m, i, j)->conf > best) {
                    best = ev_at(m, i, j)->conf;
                    bi = i;
                    bj = j;
                }
        if (bi == NONE)
            return true;
        for (size_t j = bj + 1; j < m->np; j++)
            if (!m->filled[j] && ev_at(m, bi, j)->conf == best) {
                adapt_problem_text(r, "parameter '%s' fits both '%s' and "
                                   "'%s' of %s equally well (%d%%)",
                                   key_at(m, bi), prop_at(m, bj),
                                   prop_at(m, j), m->t->name, best);
                return false;
            }
        for (size_t i = bi + 1; i < m->n; i++)
            if (open_key(m, i) && ev_at(m, i, bj)->conf == best) {
                adapt_problem_text(r, "parameters '%s' and '%s' both fit "
                                   "'%s' of %s equally well (%d%%)",
                                   key_at(m, bi), key_at(m, i),
                                   prop_at(m, bj), m->t->name, best);
                return false;
            }
        m->prop_of[bi] = bj;
        m->filled[bj] = true;
        adapt_change(r, "'%s' -> '%s' (%s, %d%%)", key_at(m, bi),
                     prop_at(m, bj), ev_at(m, bi, bj)->why, best);
    }
}

/* ---- keys left over ----------------------------------------------------- */

/* Whether property J is required and has no default. */
static bool needed(const match_t *m, const val_t *schema, size_t j)
{
    const val_t *req = val_map_get(schema, "required", 8);
    const val_t *ps = val_map_value(m->t->props, j);
    if (val_type(ps) == VAL_MAP && val_map_get(ps, "default", 7))
        return false;
    for (size_t i = 0; req && val_type(req) == VAL_LIST && i < val_len(req);
         i++)
        if (strcmp(val_get_str(val_list_get(req, i), NULL), prop_at(m, j))
            == 0)
            return true;
    return false;
}

/* Lists into B the candidates for key I below ADAPT_CONF_MIN: properties
 * not given with some evidence, and required ones without a default that
 * only the type fits, most confident first. Returns how many. */
static size_t weak_candidates(const match_t *m, const val_t *schema,
                              size_t i, strbuf_t *b)
{
    size_t count = 0;
    for (int conf = ADAPT_CONF_MIN - 1; conf >= ADAPT_CONF_TYPE; conf--)
        for (size_t j = 0; j < m->np; j++) {
            const adapt_evidence_t *e = ev_at(m, i, j);
            bool by_type = conf == ADAPT_CONF_TYPE && e->conf == 0
                           && e->type_fits && needed(m, schema, j);
            if (m->filled[j] || !(e->conf == conf || by_type))
                continue;
            strbuf_printf(b, "%s'%s' (%d%%: %s)", count++ ? ", " : "",
                          prop_at(m, j), conf,
                          by_type ? "the type only" : e->why);
        }
    return count;
}

/* Decides what becomes of key I, which nothing took: a problem when it
 * has weak candidates or carries meaning (returns false), else dropped
 * with its loss reported (*DROP). */
static bool left_over(adapt_run_t *r, const match_t *m, const val_t *schema,
                      size_t i, bool *drop)
{
    size_t len;
    const char *k = val_get_str(val_map_key(m->given, i), &len);
    const char *meaning = adapt_meaning(k, len);
    strbuf_t b;
    strbuf_init(&b);
    size_t weak = weak_candidates(m, schema, i, &b);
    *drop = false;
    if (b.oom) {
        r->oom = true;
    } else if (weak) {
        adapt_problem_text(r, "parameter '%s' matches no parameter of %s "
                           "(%s) with %d%% confidence or more; not applied: "
                           "%s", k, m->t->name, names(m), ADAPT_CONF_MIN,
                           b.data);
    } else if (meaning) {
        adapt_problem_text(r, "parameter '%s' is %s, and %s has no parameter "
                           "for it (%s): dropping it would change what the "
                           "call returns", k, meaning, m->t->name, names(m));
    } else {
        strbuf_t v;
        strbuf_init(&v);
        adapt_put_value(&v, val_map_value(m->given, i));
        size_t mark = adapt_path_key(r, k, len);
        if (v.oom)
            r->oom = true;
        else
            adapt_change(r, "dropped, %s lost (%s has no such parameter)",
                         v.data, m->t->name);
        adapt_path_pop(r, mark);
        strbuf_free(&v);
        *drop = true;
    }
    strbuf_free(&b);
    return *drop;
}

/* The call's map with the matched keys renamed, in its order. Keys that
 * match nothing stay when the schema allows other keys in so many words
 * (additionalProperties true or a schema); otherwise left_over decides. */
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
        bool drop = m->dropped[i];
        if (m->prop_of[i] != NONE)
            k = val_get_str(val_map_key(m->t->props, m->prop_of[i]), &len);
        else if (!drop && !keep && !left_over(r, m, schema, i, &drop))
            continue;
        if (!drop)
            st = val_map_set_take(named, k, len,
                                  mapped_value(r, m, i, k, len));
    }
    if (st != MIG_OK) {
        val_unref(named);
        named = NULL;
    }
    *out = named;
    return st;
}

mig_status_t adapt_rename(adapt_run_t *r, const adapt_target_t *t,
                          const val_t *schema, const val_t *map,
                          const val_t *v, val_t **out)
{
    match_t m = { .given = v, .t = t, .map = map, .n = val_len(v),
                  .np = t->n };
    *out = NULL;
    m.prop_of = malloc((m.n + 1) * sizeof *m.prop_of);
    m.dropped = calloc(m.n + 1, sizeof *m.dropped);
    m.filled = calloc(m.np + 1, sizeof *m.filled);
    m.ev = calloc(m.n * m.np + 1, sizeof *m.ev);
    mig_status_t st = MIG_ENOMEM;
    if (m.prop_of && m.dropped && m.filled && m.ev) {
        for (size_t i = 0; i < m.n; i++) {
            size_t len;
            const char *k = val_get_str(val_map_key(v, i), &len);
            m.prop_of[i] = t->props ? val_map_index(t->props, k, len) : NONE;
            if (m.prop_of[i] != NONE)
                m.filled[m.prop_of[i]] = true;
        }
        weigh_pairs(&m);
        st = MIG_OK;
        if (apply_map(r, &m) && match_names(r, &m))
            st = renamed(r, &m, schema, out);
    }
    free(m.prop_of);
    free(m.dropped);
    free(m.filled);
    free(m.ev);
    return st;
}
