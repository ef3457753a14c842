/* adapt_method.c: adapt.remap_method (docs/recovery.md,
 * "adapt.remap_method"), the strategy for MethodNotFound. A plan gives a
 * table from legacy method names to new ones; a name in the table is
 * called by its new name, and a name that is not gets a suggestion: the
 * closest legacy name of the table, or the closest name the target says
 * it has. It never guesses a call: a suggestion is a failure's hint. */
#include <string.h>

#include "adapt_int.h"

/* The closest of the N names that GET gives to NAME (LEN bytes) by
 * adapt_name_rank without containment, or NULL. Ties go to the first. */
static const char *closest(const char *name, size_t len, const val_t *from,
                           val_t *(*get)(const val_t *, size_t), size_t n)
{
    const char *best = NULL;
    size_t best_rank = ADAPT_NO_MATCH;
    for (size_t i = 0; i < n; i++) {
        const val_t *cand = get(from, i);
        if (val_type(cand) != VAL_STRING)
            continue;
        size_t lc;
        const char *s = val_get_str(cand, &lc);
        size_t rank = adapt_name_rank(name, len, s, lc, false);
        if (rank < best_rank) {
            best_rank = rank;
            best = s;
        }
    }
    return best;
}

/* "no mapping for method 'getWether' (did you mean 'getWeather', which
 * maps to 'weather.get'?)", "... (the target has 'weather.get')", or a
 * hint to extend the table. */
static mig_status_t no_mapping(adapt_run_t *r, const adapt_call_t *c,
                               const val_t *map, const char *name,
                               size_t len, val_t **decision)
{
    const char *key = closest(name, len, map, val_map_key, val_len(map));
    const val_t *avail = c->detail ? val_map_get(c->detail, "available", 9)
                                   : NULL;
    const char *near = avail && val_type(avail) == VAL_LIST
        ? closest(name, len, avail, val_list_get, val_len(avail)) : NULL;
    const char *to = key ? val_get_str(val_map_get(map, key, strlen(key)),
                                       NULL)
                         : NULL;
    if (near && to && strcmp(near, to) == 0)
        near = NULL;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "no mapping for %s '%s'", c->argument, name);
    if (key)
        strbuf_printf(&b, " (did you mean '%s', which maps to '%s'?%s", key,
                      to, near ? "" : ")");
    if (near)
        strbuf_printf(&b, "%sthe target has '%s')", key ? " " : " (", near);
    if (!key && !near)
        strbuf_printf(&b, "; add it to adapt.remap_method(map: {...})");
    mig_status_t st = b.oom ? MIG_ENOMEM : adapt_fail(r, b.data, decision);
    strbuf_free(&b);
    return st;
}

/* Checks the strategy's own table: every new name a string. */
static mig_status_t check_map(adapt_run_t *r, const val_t *map)
{
    for (size_t i = 0; i < val_len(map); i++)
        if (val_type(val_map_value(map, i)) != VAL_STRING)
            return actx_fail(r->ctx, "InvalidConfig", "adapt.remap_method: "
                             "map: the new name of '%s' must be a string, "
                             "found %s",
                             val_get_str(val_map_key(map, i), NULL),
                             adapt_a_type(val_map_value(map, i)));
    return MIG_OK;
}

static mig_status_t remap(adapt_run_t *r, const adapt_call_t *c,
                          const val_t *map, val_t **decision)
{
    if (!c->value) {
        adapt_problem_text(r, "the call has no argument '%s'", c->argument);
        return adapt_fail(r, NULL, decision);
    }
    if (val_type(c->value) != VAL_STRING) {
        adapt_problem(r, "expected a string (the method's name), found %s",
                      adapt_a_type(c->value));
        return adapt_fail(r, NULL, decision);
    }
    size_t len;
    const char *name = val_get_str(c->value, &len);
    val_t *to = val_map_get(map, name, len);
    if (!to)
        return no_mapping(r, c, map, name, len, decision);
    if (val_equal(to, c->value)) {
        adapt_problem(r, "'%s' maps to itself; nothing to adapt", name);
        return adapt_fail(r, NULL, decision);
    }
    adapt_change(r, "%s -> %s", name, val_get_str(to, NULL));
    adapt_repair_name(r, "tool", name, val_get_str(to, NULL));
    return adapt_retry(r, c->argument, to, decision);
}

mig_status_t adapt_remap_method(action_ctx_t *ctx, const val_t *err,
                                const val_t *args, val_t **decision)
{
    *decision = NULL;
    adapt_call_t c;
    adapt_call_read(&c, err, args, "method");
    const val_t *map = args ? val_map_get(args, "map", 3) : NULL;
    if (!map || val_type(map) != VAL_MAP)
        return actx_fail(ctx, "InvalidConfig", "adapt.remap_method: map: "
                         "expected a map of legacy method names to new ones");
    adapt_run_t r;
    mig_status_t st = adapt_run_init(&r, ctx, "adapt.remap_method",
                                     c.argument);
    if (st == MIG_OK)
        st = adapt_repairs_keep(&r, NULL);
    if (st == MIG_OK)
        st = check_map(&r, map);
    if (st == MIG_OK)
        st = remap(&r, &c, map, decision);
    if (st == MIG_OK && r.oom) {
        val_unref(*decision);
        *decision = NULL;
        st = MIG_ENOMEM;
    }
    adapt_run_free(&r);
    return st;
}
