/* adapt_enum.c: enum values remapped while a value is fitted to its
 * schema (docs/recovery.md, "Enum values"): a text that is not one of
 * the schema's enum values becomes the one value it plainly stands for
 * (the same in another case, the same once separators are left out, a
 * synonym, one holding the other, a likely typo), by the confidence
 * table of adapt_evidence.c. A value with no such single match is left
 * as it is, for the validation to refuse: a dropped value needs a
 * person (or the plan's map). */
#include <string.h>
#include <strings.h>

#include "adapt_int.h"

/* How sure it is that the text V (LV bytes) is the enum value E. */
static int value_conf(const char *v, size_t lv, const char *e, size_t le,
                      const char **why)
{
    if (lv == le && strncasecmp(v, e, lv) == 0) {
        *why = "case";
        return ADAPT_CONF_SAME;
    }
    size_t rank = adapt_name_rank(v, lv, e, le, true);
    size_t shorter = lv < le ? lv : le;
    int conf = 0;
    if (rank == 0) {
        *why = "same once normalised";
        conf = ADAPT_CONF_SAME;
    } else if (adapt_synonym(v, lv, e, le) > 0) {
        *why = "synonym";
        conf = ADAPT_CONF_SYNONYM;
    } else if (rank == 1) {
        *why = "one holds the other";
        conf = shorter > 3 ? ADAPT_CONF_CONTAINS : ADAPT_CONF_CONTAINS_SHORT;
    } else if (rank != ADAPT_NO_MATCH) {
        *why = "likely typo";
        conf = rank == 3 ? ADAPT_CONF_TYPO1 : ADAPT_CONF_TYPO2;
    }
    return conf;
}

size_t adapt_enum_pick(const char *s, size_t lv, const val_t *e, int *conf,
                       const char **why)
{
    int best = ADAPT_CONF_MIN - 1;
    size_t at = ADAPT_NO_MATCH, ties = 0;
    for (size_t i = 0; i < val_len(e); i++) {
        const val_t *x = val_list_get(e, i);
        if (val_type(x) != VAL_STRING)
            continue;
        size_t le;
        const char *t = val_get_str(x, &le), *w = NULL;
        if (le == lv && memcmp(t, s, lv) == 0)
            return ADAPT_NO_MATCH;      /* already one of them */
        int c = value_conf(s, lv, t, le, &w);
        if (c > best) {
            best = c;
            at = i;
            *why = w;
            ties = 0;
        } else if (c == best && at != ADAPT_NO_MATCH) {
            ties++;
        }
    }
    *conf = best;
    return ties ? ADAPT_NO_MATCH : at;
}

mig_status_t adapt_enum(adapt_run_t *r, const val_t *v, const val_t *schema,
                        val_t **out)
{
    *out = NULL;
    const val_t *e = val_type(schema) == VAL_MAP
        ? val_map_get(schema, "enum", 4) : NULL;
    if (!e || val_type(e) != VAL_LIST || val_type(v) != VAL_STRING)
        return MIG_OK;
    size_t lv;
    const char *s = val_get_str(v, &lv), *why = NULL;
    int best;
    size_t at = adapt_enum_pick(s, lv, e, &best, &why);
    if (at == ADAPT_NO_MATCH)
        return MIG_OK;
    strbuf_t a, b;
    strbuf_init(&a);
    strbuf_init(&b);
    adapt_put_value(&a, v);
    adapt_put_value(&b, val_list_get(e, at));
    if (a.oom || b.oom)
        r->oom = true;
    else
        adapt_change(r, "%s -> %s (enum value: %s, %d%%)", a.data, b.data,
                     why, best);
    adapt_repair_value(r, "value", v, val_list_get(e, at));
    strbuf_free(&a);
    strbuf_free(&b);
    *out = val_ref(val_list_get(e, at));
    return MIG_OK;
}
