/* written.h: whether the recovery benchmark's set shows each mismatch it
 * counts (written.c), for bench_recovery_check. */
#ifndef MIG_BENCH_RECOVERY_WRITTEN_H
#define MIG_BENCH_RECOVERY_WRITTEN_H

#include <stddef.h>

#include "interpreter.h"

/* The first kind EXPECTED (expected.json) counts for a tool whose legacy
 * call in TOOLS (tools.json) does not show it, with the tool's index in
 * *AT; NULL when every counted kind is written. */
const char *recovery_unwritten(const val_t *tools, const val_t *expected,
                               size_t *at);

#endif
