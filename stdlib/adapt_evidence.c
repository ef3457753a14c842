/* adapt_evidence.c: how sure adapt.params is that a key of an old call
 * stands for a parameter of the new schema (docs/recovery.md,
 * "Confidence"). Each kind of evidence has a fixed confidence; the
 * strongest counts, and each further kind adds ADAPT_CONF_MORE. The type
 * alone is never evidence: a key whose name and value share nothing with
 * a parameter gets 0 however well the type fits. */
#include <string.h>
#include <strings.h>

#include "adapt_int.h"

/* The property's description, or NULL. */
static const char *description(const val_t *ps, size_t *len)
{
    const val_t *d = ps && val_type(ps) == VAL_MAP
        ? val_map_get(ps, "description", 11) : NULL;
    return d && val_type(d) == VAL_STRING ? val_get_str(d, len) : NULL;
}

/* Whether V is a string that one of PS's enum values equals, in any
 * case. */
static bool in_enum(const val_t *v, const val_t *ps)
{
    const val_t *e = val_type(ps) == VAL_MAP ? val_map_get(ps, "enum", 4)
                                             : NULL;
    if (!e || val_type(e) != VAL_LIST || val_type(v) != VAL_STRING)
        return false;
    size_t lv;
    const char *s = val_get_str(v, &lv);
    for (size_t i = 0; i < val_len(e); i++) {
        size_t le;
        const val_t *x = val_list_get(e, i);
        const char *t = val_type(x) == VAL_STRING ? val_get_str(x, &le) : NULL;
        if (t && le == lv && strncasecmp(s, t, lv) == 0)
            return true;
    }
    return false;
}

/* Whether the name B is the name A (3 characters or more) with a
 * plural's 's', case and separators aside: day ~ days, tag ~ tags. */
static bool plural_of(const char *a, size_t la, const char *b, size_t lb)
{
    char na[ADAPT_WORD_MAX], nb[ADAPT_WORD_MAX];
    size_t n = adapt_normal_form(a, la, na);
    size_t m = adapt_normal_form(b, lb, nb);
    return n >= 3 && n < ADAPT_WORD_MAX && m == n + 1 && nb[n] == 's'
           && memcmp(na, nb, n) == 0;
}

void adapt_evidence_add(adapt_evidence_t *e, int conf, const char *why)
{
    if (e->kinds++ == 0 || conf > e->best) {
        e->best = conf;
        e->why = why;
    }
}

void adapt_evidence_done(adapt_evidence_t *e)
{
    e->conf = e->kinds ? e->best + ADAPT_CONF_MORE * (int)(e->kinds - 1) : 0;
    if (e->conf > ADAPT_CONF_TOP)
        e->conf = ADAPT_CONF_TOP;
}

void adapt_name_evidence(const char *k, size_t lk, const char *p, size_t lp,
                         const val_t *ps, adapt_evidence_t *e)
{
    /* Names that mean different things to a call are never one: a page
     * cursor is no page size (page ~ perPage), a cursor no search text;
     * and a likely typo joins only names of the same meaning or none (a
     * page number is no "tags"). */
    const char *mk = adapt_meaning(k, lk), *mp = adapt_meaning(p, lp);
    if (mk && mp && strcmp(mk, mp) != 0)
        return;
    size_t rank = adapt_name_rank(k, lk, p, lp, true);
    size_t shorter = lk < lp ? lk : lp;
    if (rank == 0)
        adapt_evidence_add(e, ADAPT_CONF_SAME, "same name");
    else if (rank == 1 && shorter <= 3
             && (plural_of(k, lk, p, lp) || plural_of(p, lp, k, lk)))
        adapt_evidence_add(e, ADAPT_CONF_CONTAINS, "one is the other's "
                           "plural");
    else if (rank == 1)
        adapt_evidence_add(e, shorter > 3 ? ADAPT_CONF_CONTAINS
                                          : ADAPT_CONF_CONTAINS_SHORT,
                           "one name holds the other");
    else if (rank != ADAPT_NO_MATCH && (mk == NULL) == (mp == NULL))
        adapt_evidence_add(e, rank == 3 ? ADAPT_CONF_TYPO1 : ADAPT_CONF_TYPO2,
                           "likely typo");
    if (rank != 0 && adapt_synonym(k, lk, p, lp) > 0)
        adapt_evidence_add(e, ADAPT_CONF_SYNONYM, "synonym");
    size_t ld;
    const char *d = description(ps, &ld);
    if (d && adapt_mentions(d, ld, k, lk))
        adapt_evidence_add(e, ADAPT_CONF_DESCRIPTION,
                           "the description names it");
}

void adapt_evidence(const char *k, size_t lk, const val_t *v, const char *p,
                    size_t lp, const val_t *ps, adapt_evidence_t *e)
{
    memset(e, 0, sizeof *e);
    e->type_fits = adapt_type_fits(v, ps);
    if (!e->type_fits)
        return;
    adapt_name_evidence(k, lk, p, lp, ps, e);
    if (in_enum(v, ps))
        adapt_evidence_add(e, ADAPT_CONF_ENUM, "its value is in the enum");
    adapt_evidence_done(e);
}
