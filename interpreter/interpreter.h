/* interpreter.h: the public face of mig's interpreter layer, the one header
 * the layers above include. It sits on grammar.h, the layer below (status
 * codes, sources, diagnostics, strbuf), and is made of parts, one header
 * each under interpreter/: the value model (interp_value.h; docs/values.md),
 * the execution graph (interp_graph.h), the evaluator and the error classes
 * (interp_eval.h), actions and write roots (interp_action.h), checks,
 * parameters and breakers (interp_check.h), regexes and schemas
 * (interp_schema.h), the formatter (interp_fmt.h) and mig.yaml
 * (interp_config.h). */
#ifndef MIG_INTERPRETER_H
#define MIG_INTERPRETER_H

#include "grammar.h"

/* The parts, in the order each needs the ones before it. */
#include "interp_value.h"
#include "interp_graph.h"
#include "interp_eval.h"
#include "interp_action.h"
#include "interp_check.h"
#include "interp_schema.h"
#include "interp_fmt.h"
#include "interp_config.h"

#endif
