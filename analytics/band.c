/* band.c: the complexity band of a tool record (docs/analytics.md,
 * "Complexity band"): low, medium or high, from a few counts over its
 * input schema. `mig stats` groups success rates by it; the prediction
 * of `mig analyze` may use the same features. */
#include <string.h>

#include "analytics.h"

static const char *const band_names[] = {
#define ANALYTICS_BAND_NAME(e, s) s,
    ANALYTICS_BANDS(ANALYTICS_BAND_NAME)
#undef ANALYTICS_BAND_NAME
};

const char *analytics_band_name(analytics_band_t b)
{
    return b < ANALYTICS_BAND_COUNT ? band_names[b] : "?";
}

static val_t *get(const val_t *m, const char *key)
{
    return m && val_type(m) == VAL_MAP ? val_map_get(m, key, strlen(key))
                                       : NULL;
}

/* Counts the "$ref" and "enum" keys of V and every value inside it. */
static void count_keys(const val_t *v, analytics_band_features_t *f)
{
    if (val_type(v) == VAL_LIST) {
        for (size_t i = 0; i < val_len(v); i++)
            count_keys(val_list_get(v, i), f);
        return;
    }
    if (val_type(v) != VAL_MAP)
        return;
    for (size_t i = 0; i < val_len(v); i++) {
        const char *k = val_get_str(val_map_key(v, i), NULL);
        if (strcmp(k, "$ref") == 0)
            f->refs++;
        else if (strcmp(k, "enum") == 0)
            f->enums++;
        count_keys(val_map_value(v, i), f);
    }
}

/* The levels of "properties" and "items" nesting in schema S: 0 for a
 * schema without either, 1 for a flat object or a list of scalars, one
 * more for each object or list inside; the members of anyOf, oneOf and
 * allOf and a schema of additionalProperties count where they stand. */
static int64_t depth(const val_t *s)
{
    if (!s || val_type(s) != VAL_MAP)
        return 0;
    int64_t inner = 0;
    const val_t *props = get(s, "properties");
    for (size_t i = 0; props && val_type(props) == VAL_MAP
                       && i < val_len(props); i++) {
        int64_t d = depth(val_map_value(props, i));
        inner = d > inner ? d : inner;
    }
    const val_t *items = get(s, "items");
    if (items && val_type(items) == VAL_LIST)
        for (size_t i = 0; i < val_len(items); i++) {
            int64_t d = depth(val_list_get(items, i));
            inner = d > inner ? d : inner;
        }
    else if (items) {
        int64_t d = depth(items);
        inner = d > inner ? d : inner;
    }
    static const char *const same_level[] = { "anyOf", "oneOf", "allOf",
                                              "additionalProperties" };
    int64_t here = 0;
    for (size_t k = 0; k < sizeof same_level / sizeof *same_level; k++) {
        const val_t *m = get(s, same_level[k]);
        for (size_t i = 0; m && val_type(m) == VAL_LIST && i < val_len(m); i++) {
            int64_t d = depth(val_list_get(m, i));
            here = d > here ? d : here;
        }
        if (m && val_type(m) == VAL_MAP) {
            int64_t d = depth(m);
            here = d > here ? d : here;
        }
    }
    int64_t mine = (props || items) ? 1 + inner : 0;
    return mine > here ? mine : here;
}

analytics_band_t analytics_band(const val_t *record,
                                analytics_band_features_t *out)
{
    analytics_band_features_t f = { 0 };
    const val_t *schema = get(record, "parameters");
    if (!schema || val_type(schema) != VAL_MAP)
        schema = get(record, "inputSchema");
    if (schema && val_type(schema) == VAL_MAP) {
        const val_t *props = get(schema, "properties");
        f.params = props && val_type(props) == VAL_MAP
                   ? (int64_t)val_len(props) : 0;
        f.depth = depth(schema);
        count_keys(schema, &f);
    }
    f.points = f.params + 2 * (f.depth > 1 ? f.depth - 1 : 0) + 3 * f.refs
               + f.enums;
    if (out)
        *out = f;
    return f.points <= ANALYTICS_BAND_LOW_MAX ? ANALYTICS_BAND_LOW
           : f.points <= ANALYTICS_BAND_MEDIUM_MAX ? ANALYTICS_BAND_MEDIUM
                                                   : ANALYTICS_BAND_HIGH;
}
