/* adapt_config.c: adapt.repair_config (docs/recovery.md,
 * "adapt.repair_config"), the strategy for InvalidConfig. It repairs a
 * configuration map by its schema, all the way down: defaults for
 * missing keys, coerced values, keys the schema excludes dropped; then
 * validates the result. Each change is a line, and every problem is
 * listed, not just the first. */
#include "adapt_int.h"

/* Repairs the configuration, once the strategy can run. */
static mig_status_t repair(adapt_run_t *r, const adapt_call_t *c,
                           val_t **decision)
{
    if (!c->value) {
        adapt_problem_text(r, "the call has no argument '%s'", c->argument);
        return adapt_fail(r, NULL, decision);
    }
    if (val_type(c->value) != VAL_MAP) {
        adapt_problem(r, "expected a map, found %s", adapt_a_type(c->value));
        return adapt_fail(r, NULL, decision);
    }
    val_t *fitted = NULL;
    mig_status_t st = adapt_fit(r, c->value, c->schema, &fitted);
    if (st == MIG_OK && val_len(r->problems) == 0)
        st = adapt_validate(r, c, fitted);
    if (st == MIG_OK && val_len(r->problems) > 0) {
        st = adapt_fail(r, NULL, decision);
    } else if (st == MIG_OK && val_len(r->changes) == 0) {
        adapt_problem(r, "already fits its schema; nothing to adapt");
        st = adapt_fail(r, NULL, decision);
    } else if (st == MIG_OK) {
        st = adapt_retry(r, c->argument, fitted, decision);
    }
    val_unref(fitted);
    return st;
}

mig_status_t adapt_repair_config(action_ctx_t *ctx, const val_t *err,
                                 const val_t *args, val_t **decision)
{
    *decision = NULL;
    adapt_call_t c;
    adapt_call_read(&c, err, args, "config");
    adapt_run_t r;
    mig_status_t st = adapt_run_init(&r, ctx, "adapt.repair_config",
                                     c.argument);
    if (st == MIG_OK && !c.schema)
        st = adapt_fail(&r, "no configuration schema to repair by: give one "
                        "(adapt.repair_config(schema: ...)) or let the "
                        "action's error carry it (detail.schema)", decision);
    else if (st == MIG_OK)
        st = adapt_check_schema(&r, &c);
    if (st == MIG_OK && !*decision)
        st = repair(&r, &c, decision);
    if (st == MIG_OK && r.oom) {
        val_unref(*decision);
        *decision = NULL;
        st = MIG_ENOMEM;
    }
    adapt_run_free(&r);
    return st;
}
