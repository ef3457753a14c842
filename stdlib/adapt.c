/* adapt.c: the recovery strategies that repair a failed call by adapting
 * it (recover CLASS with adapt.NAME; docs/recovery.md): their rows, so
 * that plans are checked against them and the scheduler calls them. The
 * strategies are pure functions over the error and their arguments
 * (adapt_params.c, adapt_method.c, adapt_config.c, adapt_depend.c). */
#include "adapt_int.h"

static const action_arg_t params_args[] = {
    { .name = "schema", .types = ACTION_T(MAP),
      .doc = "the target's parameter schema (JSON Schema, an object's); "
             "by default the one the error carries" },
    { .name = "argument", .types = ACTION_T(STRING),
      .doc = "the call's argument holding the parameters; by default the "
             "one the error names, else \"params\"" },
    { .name = "map", .types = ACTION_T(MAP),
      .doc = "old parameter name -> new name, null (drop it), or {to: "
             "NAME, values: {OLD: NEW}}; applied before any guess" },
    { 0 },
};

static const action_arg_t remap_args[] = {
    { .name = "map", .types = ACTION_T(MAP), .required = true,
      .doc = "legacy method name -> new method name" },
    { .name = "argument", .types = ACTION_T(STRING),
      .doc = "the call's argument holding the method's name; by default "
             "the one the error names, else \"method\"" },
    { 0 },
};

static const action_arg_t config_args[] = {
    { .name = "schema", .types = ACTION_T(MAP),
      .doc = "the configuration's schema (JSON Schema): keys, types and "
             "defaults; by default the one the error carries" },
    { .name = "argument", .types = ACTION_T(STRING),
      .doc = "the call's argument holding the configuration; by default "
             "the one the error names, else \"config\"" },
    { 0 },
};

static const action_arg_t depend_args[] = {
    { .name = "by", .types = ACTION_T(STRING), .def = "\"name\"",
      .doc = "the key of the foreach's items that names them (an item that "
             "is a string is its own name)" },
    { 0 },
};

const action_handler_t stdlib_adapt_handlers[] = {
    { .name = "adapt.params", .args = params_args, .run = adapt_params,
      .doc = "Fits the parameters to the target's schema (positional to "
             "named, renamed ones by the plan's map, names, synonyms, "
             "descriptions and enums, never by type alone; removed ones "
             "dropped unless they carry meaning; coerced types, enum "
             "values, defaults), then retries." },
    { .name = "adapt.remap_method", .args = remap_args,
      .run = adapt_remap_method,
      .doc = "Calls the new name of a legacy method, then retries; "
             "suggests the closest name when none is mapped." },
    { .name = "adapt.repair_config", .args = config_args,
      .run = adapt_repair_config,
      .doc = "Fills defaults, coerces types and drops unknown keys of a "
             "configuration by its schema, reporting each change, then "
             "retries." },
    { .name = "adapt.resolve_dependency", .args = depend_args,
      .run = adapt_resolve_dependency,
      .doc = "Runs the items of the same foreach that the error says are "
             "missing first, then retries; otherwise fails with what is "
             "missing and why it cannot run." },
};

const size_t stdlib_adapt_count =
    sizeof stdlib_adapt_handlers / sizeof *stdlib_adapt_handlers;
