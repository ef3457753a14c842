/* adapt.c: the recovery strategies that repair a failed call by adapting
 * it (recover CLASS with adapt.NAME). Here are their rows, so that plans
 * are checked against them; the strategies themselves come with the
 * runtime's recovery handlers. */
#include "stdlib_int.h"

static const action_arg_t params_args[] = {
    { .name = "schema", .types = ACTION_T(MAP),
      .doc = "the target's parameter schema; by default the one the error "
             "carries" },
    { 0 },
};

static const action_arg_t remap_args[] = {
    { .name = "map", .types = ACTION_T(MAP), .required = true,
      .doc = "legacy method name -> new method name" },
    { 0 },
};

static const action_arg_t config_args[] = {
    { .name = "schema", .types = ACTION_T(MAP), .required = true,
      .doc = "the configuration's schema: keys, types and defaults" },
    { 0 },
};

const action_handler_t stdlib_adapt_handlers[] = {
    { .name = "adapt.params", .args = params_args,
      .doc = "Fits the arguments to the target's parameters (positional to "
             "named, renamed ones by name and type, coerced types, "
             "defaults), then retries." },
    { .name = "adapt.remap_method", .args = remap_args,
      .doc = "Calls the new name of a legacy method, then retries." },
    { .name = "adapt.repair_config", .args = config_args,
      .doc = "Fills defaults, coerces types and drops unknown keys of a "
             "configuration, reporting each change, then retries." },
    { .name = "adapt.resolve_dependency", .args = NULL,
      .doc = "Runs the missing dependency's own migration first when it is "
             "in the same run, then retries; otherwise fails with what is "
             "missing." },
};

const size_t stdlib_adapt_count =
    sizeof stdlib_adapt_handlers / sizeof *stdlib_adapt_handlers;
