/* mig_stdlib.h: the public face of mig's standard library: the built-in
 * actions (file.*, exec.*, log.*, test.*) and recovery strategies
 * (adapt.*), each a row of a table. docs/actions.md describes every row.
 * It sits on runtime.h: actions touch the world through action_ctx_t.
 * (Not stdlib.h, which would hide the C library's.) */
#ifndef MIG_STDLIB_H
#define MIG_STDLIB_H

#include "runtime.h"

/* Adds every table of the standard library to R. MIG_OK or MIG_ENOMEM. */
mig_status_t stdlib_register(action_registry_t *r);

#endif
