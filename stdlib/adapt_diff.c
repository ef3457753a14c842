/* adapt_diff.c: the change between two parameter schemas of one tool
 * (docs/recovery.md, "Interface diffs"), in the categories of
 * breaking-change tools: renamed, removed, added-required,
 * added-optional, type changed, enum values changed, moved into or out of
 * nesting, split and merged, each with its evidence and a confidence, and
 * the map adapt.params and adapt.translate apply. Tools are paired, and
 * merges behind a discriminator found, by adapt_diff_tools.c. */
#include <string.h>
#include <strings.h>

#include "adapt_diff.h"

#define NONE ((size_t)-1)
#define TIE ((size_t)-2)        /* two or more fit equally well */

/* ---- lines -------------------------------------------------------------- */

/* Sets KEY of M to the string S (skipped when NULL). */
static void put_str(diff_t *d, val_t *m, const char *key, const char *s)
{
    if (s && val_map_set_take(m, key, strlen(key), val_cstring(s)) != MIG_OK)
        d->oom = true;
}

val_t *diff_add(diff_t *d, const char *kind, const char *from,
                const char *to, const char *evidence, int conf,
                bool applied, const char *note)
{
    val_t *c = val_map_new(8);
    if (!c) {
        d->oom = true;
        return NULL;
    }
    put_str(d, c, "kind", kind);
    put_str(d, c, "tool", d->tool);
    put_str(d, c, "from", from);
    put_str(d, c, "to", to);
    put_str(d, c, "evidence", evidence);
    if (conf && val_map_set_take(c, "confidence", 10, val_int(conf))
        != MIG_OK)
        d->oom = true;
    if (val_map_set_take(c, "applied", 7, val_bool(applied)) != MIG_OK)
        d->oom = true;
    put_str(d, c, "note", note);
    if (val_list_push_take(d->changes, c) != MIG_OK) {
        d->oom = true;
        return NULL;
    }
    return c;
}

/* ---- what two properties share ------------------------------------------ */

static const val_t *kw(const val_t *s, const char *k)
{
    return s && val_type(s) == VAL_MAP ? val_map_get(s, k, strlen(k)) : NULL;
}

/* Whether a value of the old schema A can stand where the new B is
 * wanted: no type on either side, a type in common, integer and number,
 * or an array of the other's type (array <-> scalar). */
static bool types_meet(const val_t *a, const val_t *b)
{
    const char *ta[ADAPT_MAX_TYPES], *tb[ADAPT_MAX_TYPES];
    size_t na = adapt_types(a, ta), nb = adapt_types(b, tb);
    if (!na || !nb)
        return true;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++) {
            bool num = (!strcmp(ta[i], "integer") || !strcmp(ta[i], "number"))
                       && (!strcmp(tb[j], "integer")
                           || !strcmp(tb[j], "number"));
            if (num || !strcmp(ta[i], tb[j]))
                return true;
        }
    const val_t *ia = kw(a, "items"), *ib = kw(b, "items");
    return (ia && types_meet(ia, b)) || (ib && types_meet(a, ib));
}

/* Whether the enums of A and B share a text, in any case. */
static bool enums_meet(const val_t *a, const val_t *b)
{
    const val_t *ea = kw(a, "enum"), *eb = kw(b, "enum");
    for (size_t i = 0; ea && val_type(ea) == VAL_LIST && i < val_len(ea); i++)
        for (size_t j = 0; eb && val_type(eb) == VAL_LIST && j < val_len(eb);
             j++) {
            const val_t *x = val_list_get(ea, i), *y = val_list_get(eb, j);
            size_t lx, ly;
            if (val_type(x) == VAL_STRING && val_type(y) == VAL_STRING
                && strcasecmp(val_get_str(x, &lx), val_get_str(y, &ly)) == 0)
                return true;
        }
    return false;
}

/* Whether the enums of A and B, sharing no text, still correspond: two or
 * more of A's values, and more than half of them, each plainly stand for
 * a distinct value of B by the enum rule (sort: created, updated ~
 * orderBy: CREATED_AT, UPDATED_AT). */
static bool enums_correspond(const val_t *a, const val_t *b)
{
    const val_t *ea = kw(a, "enum"), *eb = kw(b, "enum");
    if (!ea || !eb || val_type(ea) != VAL_LIST || val_type(eb) != VAL_LIST
        || val_len(eb) > DIFF_MAX_PARAMS)
        return false;
    bool used[DIFF_MAX_PARAMS] = { false };
    size_t hits = 0;
    for (size_t i = 0; i < val_len(ea); i++) {
        const val_t *x = val_list_get(ea, i);
        size_t lx;
        const char *s = val_type(x) == VAL_STRING ? val_get_str(x, &lx)
                                                  : NULL;
        int conf = 0;
        const char *why = NULL;
        size_t at = s ? adapt_enum_pick(s, lx, eb, &conf, &why)
                      : ADAPT_NO_MATCH;
        if (at != ADAPT_NO_MATCH && !used[at]) {
            used[at] = true;
            hits++;
        }
    }
    return hits >= 2 && hits * 2 > val_len(ea);
}

/* Whether the descriptions of A and B are the same text, in any case. */
static bool descriptions_meet(const val_t *a, const val_t *b)
{
    const val_t *da = kw(a, "description"), *db = kw(b, "description");
    return da && db && val_type(da) == VAL_STRING
        && val_type(db) == VAL_STRING && val_len(da) >= 8
        && strcasecmp(val_get_str(da, NULL), val_get_str(db, NULL)) == 0;
}

void diff_evidence(const char *k, const val_t *ks, const char *p,
                   const val_t *ps, adapt_evidence_t *e)
{
    memset(e, 0, sizeof *e);
    e->type_fits = types_meet(ks, ps);
    if (!e->type_fits)
        return;
    adapt_name_evidence(k, strlen(k), p, strlen(p), ps, e);
    if (enums_meet(ks, ps))
        adapt_evidence_add(e, ADAPT_CONF_ENUM, "enum values overlap");
    else if (enums_correspond(ks, ps))
        adapt_evidence_add(e, ADAPT_CONF_ENUM, "enum values correspond");
    if (descriptions_meet(ks, ps))
        adapt_evidence_add(e, ADAPT_CONF_DESCRIPTION, "same description");
    adapt_evidence_done(e);
}

/* ---- the pairs ---------------------------------------------------------- */

typedef struct side {
    const val_t *schema;    /* the whole parameter schema */
    const val_t *props;     /* a map, or NULL */
    size_t n;
    size_t *pair;           /* to the other side's property, or NONE */
} side_t;

static const char *name_at(const side_t *s, size_t i)
{
    return val_get_str(val_map_key(s->props, i), NULL);
}

static const val_t *schema_at(const side_t *s, size_t i)
{
    return val_map_value(s->props, i);
}

static bool is_required(const val_t *schema, const char *name)
{
    const val_t *req = kw(schema, "required");
    for (size_t i = 0; req && val_type(req) == VAL_LIST && i < val_len(req);
         i++)
        if (val_type(val_list_get(req, i)) == VAL_STRING
            && strcmp(val_get_str(val_list_get(req, i), NULL), name) == 0)
            return true;
    return false;
}

/* Sets map[FROM] to V (taken). */
static void map_put(diff_t *d, const char *from, val_t *v)
{
    if (!v || val_map_set_take(d->map, from, strlen(from), v) != MIG_OK)
        d->oom = true;
}

/* Whether the old enum value S (LEN bytes) means every value ("all",
 * "any", "both", "every", in any case) and the new property B's
 * description names each of B's values: then leaving B out asks for
 * them all (list_issues' state: "all" -> "by default both open and
 * closed issues are returned when not provided"). */
static bool covers_all(const char *s, size_t len, const val_t *b)
{
    static const char *const every[] = { "all", "any", "both", "every" };
    bool word = false;
    for (size_t i = 0; !word && i < sizeof every / sizeof *every; i++)
        word = strlen(every[i]) == len && strncasecmp(every[i], s, len) == 0;
    const val_t *e = kw(b, "enum"), *d = kw(b, "description");
    if (!word || !d || val_type(d) != VAL_STRING || !e
        || val_type(e) != VAL_LIST || val_len(e) == 0)
        return false;
    size_t ld;
    const char *text = val_get_str(d, &ld);
    for (size_t i = 0; i < val_len(e); i++) {
        const val_t *x = val_list_get(e, i);
        size_t lx = 0;
        const char *v = val_type(x) == VAL_STRING ? val_get_str(x, &lx)
                                                  : NULL;
        if (!v || !adapt_mentions(text, ld, v, lx))
            return false;
    }
    return true;
}

/* The enum values of the old A and the new B: the removed ones each
 * paired with the new value they plainly are (into VALUES, a map), the
 * rest listed; a line when they differ. */
static void enum_change(diff_t *d, const char *name, const val_t *a,
                        const val_t *b, bool optional, val_t *values)
{
    const val_t *ea = kw(a, "enum"), *eb = kw(b, "enum");
    if (!ea || !eb || val_type(ea) != VAL_LIST || val_type(eb) != VAL_LIST
        || val_equal(ea, eb))
        return;
    strbuf_t note;
    strbuf_init(&note);
    bool lost = false;
    for (size_t i = 0; i < val_len(ea); i++) {
        const val_t *x = val_list_get(ea, i);
        bool kept = false;
        for (size_t j = 0; !kept && j < val_len(eb); j++)
            kept = val_equal(x, val_list_get(eb, j));
        if (kept || val_type(x) != VAL_STRING)
            continue;
        size_t lx;
        const char *s = val_get_str(x, &lx), *why = NULL;
        int conf = 0;
        size_t at = adapt_enum_pick(s, lx, eb, &conf, &why);
        strbuf_puts(&note, note.len ? "; " : "");
        val_format(x, &note);
        if (at == ADAPT_NO_MATCH && optional && covers_all(s, lx, b)) {
            strbuf_puts(&note, " -> left out (the new description says "
                        "leaving it out gives every value)");
            if (val_map_set_take(values, s, lx, val_null()) != MIG_OK)
                d->oom = true;
            continue;
        }
        if (at == ADAPT_NO_MATCH) {
            strbuf_puts(&note, " removed: a person must choose");
            lost = true;
            continue;
        }
        strbuf_puts(&note, " -> ");
        val_format(val_list_get(eb, at), &note);
        strbuf_printf(&note, " (%s, %d%%)", why, conf);
        if (val_map_set(values, s, lx, val_list_get(eb, at)) != MIG_OK)
            d->oom = true;
    }
    for (size_t j = 0; j < val_len(eb); j++) {
        const val_t *y = val_list_get(eb, j);
        bool old = false;
        for (size_t i = 0; !old && i < val_len(ea); i++)
            old = val_equal(y, val_list_get(ea, i));
        for (size_t i = 0; !old && i < val_len(values); i++)
            old = val_equal(y, val_map_value(values, i));
        if (old)
            continue;
        strbuf_puts(&note, note.len ? "; " : "");
        val_format(y, &note);
        strbuf_puts(&note, " added");
    }
    d->oom |= note.oom;
    diff_add(d, "enum values changed", name, name, NULL, 0, !lost,
             note.data ? note.data : "");
    strbuf_free(&note);
}

/* The map entry for the old name FROM going to TO with the value map
 * VALUES (taken): the new name, or {to, values}. */
static void map_rename(diff_t *d, const char *from, const char *to,
                       val_t *values)
{
    if (values && val_len(values) == 0) {
        val_unref(values);
        values = NULL;
    }
    if (!values && strcmp(from, to) == 0)
        return;
    if (!values) {
        map_put(d, from, val_cstring(to));
        return;
    }
    val_t *e = val_map_new(2);
    if (!e || val_map_set_take(e, "to", 2, val_cstring(to)) != MIG_OK
        || val_map_set_take(e, "values", 6, values) != MIG_OK) {
        d->oom = true;
        val_unref(e);
        return;
    }
    map_put(d, from, e);
}

/* A pair of the old property I and the new J: type and enum changes. */
static void pair_changes(diff_t *d, side_t *o, size_t i, side_t *n, size_t j)
{
    const char *from = name_at(o, i), *to = name_at(n, j);
    const val_t *a = schema_at(o, i), *b = schema_at(n, j);
    const char *ta[ADAPT_MAX_TYPES], *tb[ADAPT_MAX_TYPES];
    size_t na = adapt_types(a, ta), nb = adapt_types(b, tb);
    if (na && nb && (na != nb || strcmp(ta[0], tb[0]) != 0)) {
        strbuf_t t;
        strbuf_init(&t);
        strbuf_printf(&t, "%s -> %s%s", ta[0], tb[0],
                      types_meet(a, b) ? "" : ": values are coerced where "
                      "the coercion table allows, else refused");
        d->oom |= t.oom;
        diff_add(d, "type changed", from, to, NULL, 0, true, t.data);
        strbuf_free(&t);
    }
    val_t *values = val_map_new(2);
    if (!values)
        d->oom = true;
    else
        enum_change(d, to, a, b, !is_required(n->schema, to)
                                 && !kw(b, "default"), values);
    map_rename(d, from, to, values);
}

/* Pairs the properties left on both sides by evidence, the most confident
 * pair first, at ADAPT_CONF_MIN or more; ties are reported, not paired. */
/* The next path parameter of the operation text *AT ("GET /a/{x}"): its
 * name (*LEN bytes) and *AT past it; NULL when there is none. */
static const char *next_param(const char **at, size_t *len)
{
    const char *b = *at ? strchr(*at, '{') : NULL;
    const char *e = b ? strchr(b, '}') : NULL;
    if (!e)
        return NULL;
    *len = (size_t)(e - b - 1);
    *at = e + 1;
    return b + 1;
}

/* Pairs the path parameters of two operations of the same method and
 * path that stand at the same place under other names (GET /pets/{petId}
 * -> /pets/{id}), 95%. */
static void pair_path_params(diff_t *d, side_t *o, side_t *n)
{
    const char *a = d->op_old, *b = d->op_new, *x, *y;
    size_t lx, ly;
    while ((x = next_param(&a, &lx)) && (y = next_param(&b, &ly))) {
        size_t i = o->props ? val_map_index(o->props, x, lx) : NONE;
        size_t j = n->props ? val_map_index(n->props, y, ly) : NONE;
        if (i == NONE || j == NONE || o->pair[i] != NONE
            || n->pair[j] != NONE)
            continue;
        o->pair[i] = j;
        n->pair[j] = i;
        diff_add(d, "renamed", name_at(o, i), name_at(n, j), "the same place "
                 "in the path", ADAPT_CONF_SAME, true, NULL);
        pair_changes(d, o, i, n, j);
    }
}

static void pair_by_evidence(diff_t *d, side_t *o, side_t *n)
{
    for (;;) {
        int best = ADAPT_CONF_MIN - 1;
        size_t bi = NONE, bj = NONE, ties = 0;
        adapt_evidence_t be = { 0 };
        for (size_t i = 0; i < o->n; i++)
            for (size_t j = 0; o->pair[i] == NONE && j < n->n; j++) {
                if (n->pair[j] != NONE)
                    continue;
                adapt_evidence_t e;
                diff_evidence(name_at(o, i), schema_at(o, i), name_at(n, j),
                              schema_at(n, j), &e);
                if (e.conf > best) {
                    best = e.conf;
                    bi = i;
                    bj = j;
                    be = e;
                    ties = 0;
                } else if (e.conf == best && bi != NONE) {
                    ties += i == bi || j == bj;
                }
            }
        if (bi == NONE)
            return;
        if (ties) {
            o->pair[bi] = TIE;  /* perhaps a split; else left() says so */
            continue;
        }
        o->pair[bi] = bj;
        n->pair[bj] = bi;
        diff_add(d, "renamed", name_at(o, bi), name_at(n, bj), be.why, best,
                 true, NULL);
        pair_changes(d, o, bi, n, bj);
    }
}

/* ---- nesting, splits and merges ----------------------------------------- */

/* The property inside the object schema OBJ that NAME (schema S) is, at
 * ADAPT_CONF_MIN or more after ADAPT_CONF_MOVED: its index, with its
 * evidence in *E, or NONE. INTO says NAME is the old side (moved into
 * OBJ), else the new one (moved out of it). */
static size_t inner_match(const val_t *obj, const char *name, const val_t *s,
                          bool into, adapt_evidence_t *e)
{
    const val_t *in = kw(obj, "properties");
    for (size_t q = 0; in && val_type(in) == VAL_MAP && q < val_len(in);
         q++) {
        const char *qn = val_get_str(val_map_key(in, q), NULL);
        if (into)
            diff_evidence(name, s, qn, val_map_value(in, q), e);
        else
            diff_evidence(qn, val_map_value(in, q), name, s, e);
        if (e->conf - ADAPT_CONF_MOVED >= ADAPT_CONF_MIN)
            return q;
    }
    return NONE;
}

/* Reports a move: FROM to OUTER.INNER (INTO) or OUTER.INNER to FROM. */
static void moved(diff_t *d, const char *from, const char *outer,
                  const val_t *obj, size_t q, bool into,
                  const adapt_evidence_t *e)
{
    strbuf_t path;
    strbuf_init(&path);
    strbuf_printf(&path, "%s.%s", outer,
                  val_get_str(val_map_key(kw(obj, "properties"), q), NULL));
    d->oom |= path.oom;
    diff_add(d, into ? "moved into nesting" : "moved out of nesting",
             into ? from : path.data, into ? path.data : from, e->why,
             e->conf - ADAPT_CONF_MOVED, true, NULL);
    strbuf_free(&path);
}

/* Old properties left that a property of a new object takes (moved into
 * it), or new ones left that an old object held (moved out of it). */
static void moves(diff_t *d, side_t *o, side_t *n)
{
    adapt_evidence_t e;
    for (size_t i = 0; i < o->n; i++)
        for (size_t j = 0; o->pair[i] == NONE && j < n->n; j++) {
            size_t q = inner_match(schema_at(n, j), name_at(o, i),
                                   schema_at(o, i), true, &e);
            if (q == NONE)
                continue;
            moved(d, name_at(o, i), name_at(n, j), schema_at(n, j), q, true,
                  &e);
            o->pair[i] = j;
            n->pair[j] = n->pair[j] == NONE ? i : n->pair[j];
        }
    for (size_t j = 0; j < n->n; j++)
        for (size_t i = 0; n->pair[j] == NONE && i < o->n; i++) {
            size_t q = inner_match(schema_at(o, i), name_at(n, j),
                                   schema_at(n, j), false, &e);
            if (q == NONE)
                continue;
            moved(d, name_at(n, j), name_at(o, i), schema_at(o, i), q, false,
                  &e);
            n->pair[j] = i;
            o->pair[i] = o->pair[i] == NONE ? j : o->pair[i];
        }
}

/* Whether the name A holds the name B (normal forms, B 3 bytes or more). */
static bool holds(const char *a, const char *b)
{
    return strlen(b) >= 3 && adapt_name_rank(a, strlen(a), b, strlen(b), true)
                                 == 1 && strlen(a) > strlen(b);
}

/* An old property left that two or more new ones left hold in their names
 * (split: name -> first_name, last_name), or a new one whose name holds
 * two or more old ones (merged). Never applied: how a value divides or
 * joins is a person's call. */
static void splits_and_merges(diff_t *d, side_t *o, side_t *n)
{
    for (size_t i = 0; i < o->n; i++) {
        strbuf_t to;
        strbuf_init(&to);
        size_t count = 0;
        bool open = o->pair[i] == NONE || o->pair[i] == TIE;
        for (size_t j = 0; open && j < n->n; j++)
            if (n->pair[j] == NONE && holds(name_at(n, j), name_at(o, i)))
                strbuf_printf(&to, "%s%s", count++ ? ", " : "",
                              name_at(n, j));
        if (count >= 2) {
            diff_add(d, "split", name_at(o, i), to.data,
                     "one name holds the other", ADAPT_CONF_CONTAINS_SHORT,
                     false, "how the value divides is a person's call");
            for (size_t j = 0; j < n->n; j++)
                if (n->pair[j] == NONE && holds(name_at(n, j), name_at(o, i)))
                    n->pair[j] = i;
            o->pair[i] = 0;
        }
        d->oom |= to.oom;
        strbuf_free(&to);
    }
    for (size_t j = 0; j < n->n; j++) {
        strbuf_t from;
        strbuf_init(&from);
        size_t count = 0;
        for (size_t i = 0; n->pair[j] == NONE && i < o->n; i++)
            if ((o->pair[i] == NONE || o->pair[i] == TIE)
                && holds(name_at(n, j), name_at(o, i)))
                strbuf_printf(&from, "%s%s", count++ ? ", " : "",
                              name_at(o, i));
        if (count >= 2) {
            diff_add(d, "merged", from.data, name_at(n, j),
                     "one name holds the other", ADAPT_CONF_CONTAINS_SHORT,
                     false, "how the values join is a person's call");
            for (size_t i = 0; i < o->n; i++)
                if ((o->pair[i] == NONE || o->pair[i] == TIE)
                    && holds(name_at(n, j), name_at(o, i)))
                    o->pair[i] = j;
            n->pair[j] = 0;
        }
        d->oom |= from.oom;
        strbuf_free(&from);
    }
}

/* ---- the whole diff ----------------------------------------------------- */

/* Whether the description of the old property KS names two or more
 * values of the enum of a new property left unpaired (raw: "... in PNG
 * format ... a JPEG image" for type: png | jpeg): then its value becomes
 * one of them by a rule only a person knows. Writes the reason to WHY. */
static bool names_values(const val_t *ks, side_t *n, strbuf_t *why)
{
    const val_t *d = kw(ks, "description");
    size_t ld;
    const char *text = d && val_type(d) == VAL_STRING ? val_get_str(d, &ld)
                                                      : NULL;
    for (size_t j = 0; text && j < n->n; j++) {
        const val_t *e = kw(schema_at(n, j), "enum");
        size_t hits = 0;
        for (size_t v = 0; n->pair[j] == NONE && e && val_type(e) == VAL_LIST
                           && v < val_len(e); v++) {
            const val_t *x = val_list_get(e, v);
            size_t lx;
            const char *s = val_type(x) == VAL_STRING ? val_get_str(x, &lx)
                                                      : NULL;
            hits += s && adapt_mentions(text, ld, s, lx);
        }
        if (hits >= 2) {
            strbuf_printf(why, "its description names values of '%s', and "
                          "which one a value stands for is a person's call",
                          name_at(n, j));
            return true;
        }
    }
    return false;
}

/* What is left: removed old properties (dropped in the map unless they
 * carry meaning: adapt_meaning, or required by the old interface) and
 * added new ones (required without a default, or
 * not). SKIP names a new property not to report (a discriminator). */
static void left(diff_t *d, side_t *o, side_t *n, const val_t *oschema,
                 const val_t *nschema, const char *skip)
{
    for (size_t i = 0; i < o->n; i++) {
        if (o->pair[i] == TIE)
            diff_add(d, "renamed", name_at(o, i), NULL, NULL, 0, false,
                     "two or more new parameters fit it equally well: a "
                     "person must choose");
        if (o->pair[i] != NONE)
            continue;
        const char *k = name_at(o, i);
        const char *named = adapt_meaning(k, strlen(k)), *meaning = named;
        strbuf_t note;
        strbuf_init(&note);
        if (!meaning && is_required(oschema, k))
            meaning = "required by the old interface";
        if (!meaning && skip && o->n == 1)
            meaning = "all the old tool took, and the tool it was merged "
                      "into has no place for it";
        if (!meaning && names_values(schema_at(o, i), n, &note))
            meaning = note.data;
        strbuf_t text;
        strbuf_init(&text);
        if (meaning)
            strbuf_printf(&text, "%s: a call that gives it is refused",
                          meaning);
        else
            strbuf_puts(&text, "dropped from a call, its value lost");
        d->oom |= note.oom || text.oom;
        diff_add(d, "removed", k, NULL, NULL, 0, !meaning, text.data);
        /* a name of the table of meanings is refused by adapt.params's
         * own rule, with its own text; the other reasons only the two
         * schemas show travel in the map */
        val_t *no = !meaning ? val_null() : named ? NULL : val_map_new(1);
        if (no && meaning && val_map_set_take(no, "refuse", 6,
                                              val_cstring(meaning)) != MIG_OK)
            d->oom = true;
        if (no || !named)
            map_put(d, k, no);
        strbuf_free(&note);
        strbuf_free(&text);
    }
    for (size_t j = 0; j < n->n; j++) {
        const char *p = name_at(n, j);
        if (n->pair[j] != NONE || (skip && strcmp(p, skip) == 0))
            continue;
        const val_t *def = kw(schema_at(n, j), "default");
        bool req = is_required(nschema, p) && !def;
        strbuf_t note;
        strbuf_init(&note);
        if (req)
            strbuf_puts(&note, "no default: a call must give it");
        else if (def) {
            strbuf_puts(&note, "default ");
            val_format(def, &note);
        }
        d->oom |= note.oom;
        diff_add(d, req ? "added-required" : "added-optional", NULL, p, NULL,
                 0, !req, note.len ? note.data : NULL);
        strbuf_free(&note);
    }
}

mig_status_t diff_params(diff_t *d, const val_t *old, const val_t *new,
                         const char *skip)
{
    side_t o = { .schema = old, .props = kw(old, "properties") };
    side_t n = { .schema = new, .props = kw(new, "properties") };
    o.props = o.props && val_type(o.props) == VAL_MAP ? o.props : NULL;
    n.props = n.props && val_type(n.props) == VAL_MAP ? n.props : NULL;
    o.n = o.props ? val_len(o.props) : 0;
    n.n = n.props ? val_len(n.props) : 0;
    size_t po[DIFF_MAX_PARAMS], pn[DIFF_MAX_PARAMS];
    if (o.n > DIFF_MAX_PARAMS || n.n > DIFF_MAX_PARAMS)
        return MIG_EINVALID;
    o.pair = po;
    n.pair = pn;
    for (size_t i = 0; i < o.n; i++) {
        const char *k = name_at(&o, i);
        po[i] = n.props ? val_map_index(n.props, k, strlen(k)) : NONE;
    }
    for (size_t j = 0; j < n.n; j++) {
        const char *p = name_at(&n, j);
        pn[j] = o.props ? val_map_index(o.props, p, strlen(p)) : NONE;
    }
    for (size_t i = 0; i < o.n; i++)
        if (po[i] != NONE)
            pair_changes(d, &o, i, &n, po[i]);
    pair_path_params(d, &o, &n);
    splits_and_merges(d, &o, &n);
    pair_by_evidence(d, &o, &n);
    moves(d, &o, &n);
    left(d, &o, &n, old, new, skip);
    return d->oom ? MIG_ENOMEM : MIG_OK;
}
