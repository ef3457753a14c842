/* doctor.h: the health checks of a state store and its object store
 * (`mig doctor`, docs/doctor.md). Each check adds findings; a finding
 * that needs attention says what to do. Nothing is changed. */
#ifndef MIG_DOCTOR_H
#define MIG_DOCTOR_H

#include "store.h"

/* Runs every check of the runtime's on S, opened from STATE_PATH (its
 * object store is the folder objects beside it), and appends to FINDINGS
 * (a list) one map per finding: {check, severity, message, fix}, where
 * CHECK is "store", "runs", "locks", "objects", "disk" or "registry"
 * (each registry the runs wrote: there, and opened by the registry's own
 * code, which the standard library must have set up), SEVERITY
 * "attention" (FIX says what to do) or "ok" (FIX null). Checks that
 * cannot be made (the store cannot be read) are findings too. MIG_OK, or
 * MIG_ENOMEM. */
mig_status_t doctor_check(store_t *s, const char *state_path,
                          val_t *findings);

/* Appends the finding {check, severity, message, fix} to FINDINGS:
 * ATTENTION says which severity; FIX NULL for none. The message is
 * printf-formatted. MIG_OK or MIG_ENOMEM. */
mig_status_t doctor_add(val_t *findings, const char *check, bool attention,
                        const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
