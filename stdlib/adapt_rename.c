/* adapt_rename.c: adapt.params's renamed and removed parameters
 * (docs/recovery.md, "Renamed parameters" and "Removed parameters"): the
 * keys of an old call are given the names of the new schema's properties
 * by the plan's map, else by the evidence of adapt_evidence.c, the most
 * confident pair first, then one level into or out of an object; a guess
 * below ADAPT_CONF_MIN is never applied but named in the failure; a key nothing takes is dropped with its loss
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
    size_t *sub_of;         /* key i moved into prop_of[i]: the index of
                               its property there, or NONE */
    size_t **spread_to;     /* key i (a map) moved out: its keys' properties,
                               or NULL */
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
        const val_t *e = m->map ? val_map_get(m->map, key_at(m, i),
                                              strlen(key_at(m, i))) : NULL;
        const val_t *no = e && val_type(e) == VAL_MAP
            ? val_map_get(e, "refuse", 6) : NULL;
        if (m->prop_of[i] != NONE)
            continue;
        if (no && val_type(no) == VAL_STRING) {
            adapt_problem_text(r, "parameter '%s' cannot be translated (%s): "
                               "%s", key_at(m, i), r->map_name,
                               val_get_str(no, NULL));
            ok = false;
            continue;
        }
        if (drop) {
            m->dropped[i] = true;
            size_t mark = adapt_path_key(r, key_at(m, i), strlen(key_at(m, i)));
            adapt_change(r, "dropped (%s)", r->map_name);
            adapt_repair_name(r, "drop", key_at(m, i), NULL);
            adapt_path_pop(r, mark);
            continue;
        }
        if (!to || strcmp(to, key_at(m, i)) == 0)
            continue;
        size_t j = m->t->props ? val_map_index(m->t->props, to, strlen(to))
                               : NONE;
        if (j == NONE) {
            adapt_problem_text(r, "%s renames '%s' to '%s', but %s has no "
                               "such parameter (%s)", r->map_name,
                               key_at(m, i), to, m->t->name, names(m));
            ok = false;
            continue;
        }
        if (m->filled[j]) {
            adapt_problem_text(r, "%s renames '%s' to '%s', but the call "
                               "gives '%s' already", r->map_name,
                               key_at(m, i), to, to);
            ok = false;
            continue;
        }
        m->prop_of[i] = j;
        m->filled[j] = true;
        adapt_change(r, "'%s' -> '%s' (%s, %d%%)", key_at(m, i), to,
                     r->map_name, ADAPT_CONF_MAP);
        adapt_repair_name(r, "rename", key_at(m, i), to);
    }
    return ok;
}

/* Key I's value, with the plan's map's `values` applied to it (a string
 * it names becomes the new value; a change at NAME, LEN bytes): a new
 * reference; NULL with *OMIT when the map gives the value null (leave the
 * parameter out). */
static val_t *mapped_value(adapt_run_t *r, const match_t *m, size_t i,
                           const char *name, size_t len, bool *omit)
{
    *omit = false;
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
    *omit = val_type(to) == VAL_NULL;
    if (a.oom || b.oom)
        r->oom = true;
    else
        adapt_change(r, "%s -> %s (%s, %d%%)", a.data, *omit ? "left out"
                     : b.data, r->map_name, ADAPT_CONF_MAP);
    adapt_repair_value(r, "value", v, to);
    adapt_path_pop(r, mark);
    strbuf_free(&a);
    strbuf_free(&b);
    return *omit ? NULL : val_ref(to);
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
    return m->prop_of[i] == NONE && !m->dropped[i] && !m->spread_to[i];
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
        adapt_repair_name(r, "rename", key_at(m, bi), prop_at(m, bj));
    }
}

/* ---- nesting ------------------------------------------------------------ */

/* The properties of property J when it describes an object the call does
 * not give as something else, or NULL. */
static const val_t *inner_props(const match_t *m, size_t j)
{
    const val_t *ps = val_map_value(m->t->props, j);
    const val_t *in = val_type(ps) == VAL_MAP
        ? val_map_get(ps, "properties", 10) : NULL;
    if (!in || val_type(in) != VAL_MAP)
        return NULL;
    size_t len;
    const char *p = val_get_str(val_map_key(m->t->props, j), &len);
    const val_t *given = val_map_get(m->given, p, len);
    return !given || val_type(given) == VAL_MAP ? in : NULL;
}

/* Keys left over that a property one level down takes (moved into an
 * object): its evidence less ADAPT_CONF_MOVED, at ADAPT_CONF_MIN or more,
 * the best one only. A tie is a problem (returns false). */
static bool match_inside(adapt_run_t *r, match_t *m)
{
    for (size_t i = 0; i < m->n; i++) {
        if (!open_key(m, i))
            continue;
        size_t lk;
        const char *k = val_get_str(val_map_key(m->given, i), &lk);
        int best = ADAPT_CONF_MIN - 1;
        size_t bj = NONE, bq = 0;
        bool tie = false;
        adapt_evidence_t e, be = { 0 };
        for (size_t j = 0; j < m->np; j++) {
            const val_t *in = inner_props(m, j);
            const val_t *given = val_map_get(m->given, prop_at(m, j),
                                             strlen(prop_at(m, j)));
            for (size_t q = 0; in && q < val_len(in); q++) {
                size_t lq;
                const char *name = val_get_str(val_map_key(in, q), &lq);
                if (given && val_map_get(given, name, lq))
                    continue;
                adapt_evidence(k, lk, val_map_value(m->given, i), name, lq,
                               val_map_value(in, q), &e);
                int conf = e.conf - ADAPT_CONF_MOVED;
                tie = tie || (conf == best && bj != NONE);
                if (conf > best) {
                    best = conf;
                    bj = j;
                    bq = q;
                    be = e;
                    tie = false;
                }
            }
        }
        if (bj == NONE)
            continue;
        const val_t *in = inner_props(m, bj);
        const char *q = val_get_str(val_map_key(in, bq), NULL);
        if (tie) {
            adapt_problem_text(r, "parameter '%s' fits more than one "
                               "parameter inside the objects of %s equally "
                               "well (%d%%)", k, m->t->name, best);
            return false;
        }
        m->prop_of[i] = bj;
        m->sub_of[i] = bq;
        adapt_change(r, "'%s' -> '%s.%s' (moved into '%s'; %s, %d%%)", k,
                     prop_at(m, bj), q, prop_at(m, bj), be.why, best);
    }
    return true;
}

/* The property not given that the key K with the value V (from inside
 * the key OUTER) is most surely, at ADAPT_CONF_MIN or more after
 * ADAPT_CONF_MOVED, and not taken by another key of the same map (TAKEN,
 * N of them); NONE when there is none or two tie. */
static size_t spread_target(const match_t *m, const char *k, size_t lk,
                            const val_t *v, const size_t *taken, size_t n,
                            adapt_evidence_t *be)
{
    int best = ADAPT_CONF_MIN - 1;
    size_t bj = NONE;
    bool tie = false;
    for (size_t j = 0; j < m->np; j++) {
        bool used = m->filled[j];
        for (size_t t = 0; !used && t < n; t++)
            used = taken[t] == j;
        if (used)
            continue;
        adapt_evidence_t e;
        const char *p = prop_at(m, j);
        adapt_evidence(k, lk, v, p, strlen(p), val_map_value(m->t->props, j),
                       &e);
        int conf = e.conf - ADAPT_CONF_MOVED;
        tie = tie || (conf == best && bj != NONE);
        if (conf > best) {
            best = conf;
            bj = j;
            *be = e;
            tie = false;
        }
    }
    return tie ? NONE : bj;
}

/* Keys left over whose value is a map every key of which a property not
 * given takes (moved out of an object): spread into the call. Returns
 * false when memory ran out. */
static bool match_outside(adapt_run_t *r, match_t *m)
{
    for (size_t i = 0; i < m->n; i++) {
        const val_t *w = val_map_value(m->given, i);
        if (!open_key(m, i) || val_type(w) != VAL_MAP || val_len(w) == 0)
            continue;
        size_t *to = malloc(val_len(w) * sizeof *to);
        if (!to)
            return false;
        bool all = true;
        for (size_t s = 0; all && s < val_len(w); s++) {
            size_t ls;
            const char *sk = val_get_str(val_map_key(w, s), &ls);
            adapt_evidence_t e;
            to[s] = spread_target(m, sk, ls, val_map_value(w, s), to, s, &e);
            all = to[s] != NONE;
        }
        if (!all) {
            free(to);
            continue;
        }
        for (size_t s = 0; s < val_len(w); s++) {
            size_t ls;
            const char *sk = val_get_str(val_map_key(w, s), &ls);
            adapt_evidence_t e;
            spread_target(m, sk, ls, val_map_value(w, s), to, s, &e);
            m->filled[to[s]] = true;
            adapt_change(r, "'%s.%s' -> '%s' (moved out of '%s'; %s, %d%%)",
                         key_at(m, i), sk, prop_at(m, to[s]), key_at(m, i),
                         e.why, e.conf - ADAPT_CONF_MOVED);
        }
        m->spread_to[i] = to;
    }
    return true;
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

/* Lists into B the properties not given, with no evidence for key I and
 * no enum (a value in it is evidence), whose type holds its value
 * (adapt_type_holds: as it is, or as text). Returns how many. A key that
 * one of them, left to its default or left out, could be is not dropped:
 * which it is, is a person's call (`rows: 30` beside `limit`, default 5;
 * `rows: "lots"` too, which would be that limit broken). */
static size_t could_hold(const match_t *m, size_t i, strbuf_t *b)
{
    size_t count = 0;
    const val_t *v = val_map_value(m->given, i);
    for (size_t j = 0; j < m->np; j++) {
        const val_t *ps = val_map_value(m->t->props, j);
        if (m->filled[j] || ev_at(m, i, j)->conf != 0
            || val_type(ps) != VAL_MAP || val_map_get(ps, "enum", 4)
            || !adapt_type_holds(v, ps))
            continue;
        strbuf_printf(b, "%s'%s' (%d%%: the type only)", count++ ? ", " : "",
                      prop_at(m, j), ADAPT_CONF_TYPE);
    }
    return count;
}

/* The property not given that the name K (LK bytes) stands for (names
 * and description, ADAPT_CONF_MIN or more), the most confident first,
 * with that evidence in *E; NONE when there is none. UNFIT: only a
 * property whose type V does not fit (one it fits would have taken it).
 * Dropping such a key would lose what the call said of that property
 * (`days_count: "many"` is days, not nothing). */
static size_t named_by(const match_t *m, const char *k, size_t lk,
                       const val_t *v, bool unfit, adapt_evidence_t *e)
{
    size_t best = NONE;
    int best_conf = ADAPT_CONF_MIN - 1;
    for (size_t j = 0; j < m->np; j++) {
        const val_t *ps = val_map_value(m->t->props, j);
        if (m->filled[j] || (unfit && adapt_type_fits(v, ps)))
            continue;
        adapt_evidence_t n;
        memset(&n, 0, sizeof n);
        const char *p = prop_at(m, j);
        adapt_name_evidence(k, lk, p, strlen(p), ps, &n);
        adapt_evidence_done(&n);
        if (n.conf > best_conf) {
            best_conf = n.conf;
            best = j;
            *e = n;
        }
    }
    return best;
}

/* The same for key I: its own name (a property its value does not fit),
 * else, with INSIDE, a key of its map (that could not be moved out),
 * whose name goes to *INNER. */
static size_t named_unfit(const match_t *m, size_t i, bool inside,
                          const char **inner, adapt_evidence_t *e)
{
    size_t lk;
    const char *k = val_get_str(val_map_key(m->given, i), &lk);
    const val_t *v = val_map_value(m->given, i);
    size_t j = named_by(m, k, lk, v, true, e);
    for (size_t s = 0; inside && j == NONE && val_type(v) == VAL_MAP
                       && s < val_len(v); s++) {
        *inner = val_get_str(val_map_key(v, s), &lk);
        j = named_by(m, *inner, lk, val_map_value(v, s), false, e);
    }
    if (j == NONE)
        *inner = NULL;
    return j;
}

/* Decides what becomes of key I, which nothing took: a problem when it
 * has weak candidates, carries meaning or a property not given could
 * hold it (returns false), else dropped with its loss reported
 * (*DROP). */
static bool left_over(adapt_run_t *r, const match_t *m, const val_t *schema,
                      size_t i, bool *drop)
{
    size_t len;
    const char *k = val_get_str(val_map_key(m->given, i), &len);
    const val_t *v = val_map_value(m->given, i);
    const char *meaning = adapt_meaning(k, len), *inner = NULL;
    for (size_t s = 0; !meaning && val_type(v) == VAL_MAP && s < val_len(v);
         s++) {
        size_t ls;
        inner = val_get_str(val_map_key(v, s), &ls);
        meaning = adapt_meaning(inner, ls);
    }
    strbuf_t b, shown;
    strbuf_init(&b);
    strbuf_init(&shown);
    adapt_put_value(&shown, v);
    size_t weak = weak_candidates(m, schema, i, &b);
    adapt_evidence_t e = { 0 };
    const char *held = NULL;
    size_t unfit = weak ? NONE : named_unfit(m, i, !meaning, &held, &e);
    if (!weak && !meaning && unfit == NONE)
        weak = could_hold(m, i, &b);
    *drop = false;
    if (b.oom || shown.oom) {
        r->oom = true;
    } else if (unfit != NONE && held) {
        adapt_problem_text(r, "parameter '%s' holds '%s', which stands for "
                           "'%s' of %s (%s, %d%%), and cannot be moved out "
                           "of it: dropping it would lose what the call says "
                           "of it", k, held, prop_at(m, unfit), m->t->name,
                           e.why, e.conf);
    } else if (unfit != NONE) {
        adapt_problem_text(r, "parameter '%s' stands for '%s' of %s (%s, "
                           "%d%%), but its value %s does not fit it", k,
                           prop_at(m, unfit), m->t->name, e.why, e.conf,
                           shown.data);
    } else if (weak) {
        adapt_problem_text(r, "parameter '%s' matches no parameter of %s "
                           "(%s) with %d%% confidence or more; not applied: "
                           "%s", k, m->t->name, names(m), ADAPT_CONF_MIN,
                           b.data);
    } else if (meaning && inner) {
        adapt_problem_text(r, "parameter '%s' holds '%s', %s, and %s has no "
                           "parameter for it (%s): dropping it would change "
                           "what the call returns", k, inner, meaning,
                           m->t->name, names(m));
    } else if (meaning) {
        adapt_problem_text(r, "parameter '%s' is %s, and %s has no parameter "
                           "for it (%s): dropping it would change what the "
                           "call returns", k, meaning, m->t->name, names(m));
    } else {
        size_t mark = adapt_path_key(r, k, len);
        adapt_change(r, "dropped, %s lost (%s has no such parameter)",
                     shown.data, m->t->name);
        adapt_repair_name(r, "drop", k, NULL);
        adapt_path_pop(r, mark);
        *drop = true;
    }
    strbuf_free(&shown);
    strbuf_free(&b);
    return *drop;
}

/* Puts key I into NAMED when it moved: into its object (a copy of the
 * one the call gives, or a new one), or spread out of its own. */
static mig_status_t place_moved(const match_t *m, size_t i, val_t *named)
{
    const val_t *v = val_map_value(m->given, i);
    if (m->spread_to[i]) {
        mig_status_t st = MIG_OK;
        for (size_t s = 0; st == MIG_OK && s < val_len(v); s++) {
            const char *p = prop_at(m, m->spread_to[i][s]);
            st = val_map_set(named, p, strlen(p), val_map_value(v, s));
        }
        return st;
    }
    if (m->sub_of[i] == NONE)
        return MIG_OK;
    const char *p = prop_at(m, m->prop_of[i]);
    size_t lp = strlen(p), lq;
    const val_t *in = inner_props(m, m->prop_of[i]);
    const char *q = val_get_str(val_map_key(in, m->sub_of[i]), &lq);
    const val_t *had = val_map_get(named, p, lp);
    val_t *obj = had ? val_copy(had) : val_map_new(1);
    if (!obj || val_map_set(obj, q, lq, (val_t *)v) != MIG_OK) {
        val_unref(obj);
        return MIG_ENOMEM;
    }
    return val_map_set_take(named, p, lp, obj);
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
        if (m->sub_of[i] != NONE || m->spread_to[i])
            continue;       /* placed below, once the call's own are in */
        if (m->prop_of[i] != NONE)
            k = val_get_str(val_map_key(m->t->props, m->prop_of[i]), &len);
        else if (!drop && !keep && !left_over(r, m, schema, i, &drop))
            continue;
        bool omit = false;
        val_t *mv = drop ? NULL : mapped_value(r, m, i, k, len, &omit);
        if (!drop && !omit)
            st = mv ? val_map_set_take(named, k, len, mv) : MIG_ENOMEM;
    }
    for (size_t i = 0; st == MIG_OK && i < m->n; i++)
        st = place_moved(m, i, named);
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
    m.sub_of = malloc((m.n + 1) * sizeof *m.sub_of);
    m.spread_to = calloc(m.n + 1, sizeof *m.spread_to);
    m.dropped = calloc(m.n + 1, sizeof *m.dropped);
    m.filled = calloc(m.np + 1, sizeof *m.filled);
    m.ev = calloc(m.n * m.np + 1, sizeof *m.ev);
    mig_status_t st = MIG_ENOMEM;
    if (m.prop_of && m.sub_of && m.spread_to && m.dropped && m.filled
        && m.ev) {
        for (size_t i = 0; i < m.n; i++) {
            m.sub_of[i] = NONE;
            size_t len;
            const char *k = val_get_str(val_map_key(v, i), &len);
            m.prop_of[i] = t->props ? val_map_index(t->props, k, len) : NONE;
            if (m.prop_of[i] != NONE)
                m.filled[m.prop_of[i]] = true;
        }
        weigh_pairs(&m);
        st = MIG_OK;
        if (apply_map(r, &m) && match_names(r, &m) && match_inside(r, &m)) {
            st = match_outside(r, &m) ? MIG_OK : MIG_ENOMEM;
            if (st == MIG_OK)
                st = renamed(r, &m, schema, out);
        }
    }
    for (size_t i = 0; m.spread_to && i < m.n; i++)
        free(m.spread_to[i]);
    free(m.spread_to);
    free(m.sub_of);
    free(m.prop_of);
    free(m.dropped);
    free(m.filled);
    free(m.ev);
    return st;
}
