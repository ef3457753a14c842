/* runtime.h: the public face of mig's runtime layer. For now it is the
 * context every action's functions get (action_ctx_t, declared opaque in
 * interpreter.h) and the dry run behind `mig plan`; the scheduler, the
 * journal and rollback join it here. It sits on interpreter.h.
 *
 * An action touches the world only through its context: the files it
 * reads, the files it changes, the changes a preview says it would make,
 * and the error it fails with. A context made for a preview is read-only:
 * every function that would change something refuses, so a dry run cannot
 * write even when an action's preview tries to by mistake. */
#ifndef MIG_RUNTIME_H
#define MIG_RUNTIME_H

#include <sys/stat.h>

#include "interpreter.h"

typedef enum actx_mode {
    ACTX_PREVIEW,   /* a dry run: read, and say what would change */
    ACTX_RUN,       /* run the action */
    ACTX_UNDO,      /* reverse it */
} actx_mode_t;

/* A context for calls of ACTION (its name, for messages) in MODE, with
 * relative paths taken from BASE_DIR (copied; "" or NULL: the current
 * directory). NULL when out of memory. */
action_ctx_t *actx_new(actx_mode_t mode, const char *base_dir);
void actx_free(action_ctx_t *ctx);
/* Prepares CTX for a call of ACTION: clears the error and the changes of
 * the call before. */
void actx_begin(action_ctx_t *ctx, const char *action);
actx_mode_t actx_mode(const action_ctx_t *ctx);

/* ---- paths and reading ------------------------------------------------ */

/* PATH taken from the base directory (unless absolute), in a buffer the
 * context owns until the next call of actx_path. NULL when out of memory
 * (reported). */
const char *actx_path(action_ctx_t *ctx, const char *path);
/* Reads the whole file PATH (relative to the base) into OUT. Fails with a
 * classed error (MissingDependency for a missing file, Unavailable for
 * other I/O errors) and MIG_EINVALID. */
mig_status_t actx_read_file(action_ctx_t *ctx, const char *path,
                            strbuf_t *out);
/* stat(2) of PATH (relative to the base): 0, or -1 with errno set. */
int actx_stat(action_ctx_t *ctx, const char *path, struct stat *st);
/* The names in directory DIR that match the glob PATTERN (fnmatch), sorted
 * bytewise, as a new list of strings DIR/NAME (as written: relative stays
 * relative). Fails like actx_read_file. */
mig_status_t actx_list_dir(action_ctx_t *ctx, const char *dir,
                           const char *pattern, val_t **out);

/* ---- changing things (refused in a preview) --------------------------- */

/* Each fails with a PolicyDenied error in a preview context ("a dry run
 * changes nothing"), and with a classed error when the system call fails.
 * actx_write_file replaces PATH atomically (a temporary file renamed over
 * it). */
mig_status_t actx_write_file(action_ctx_t *ctx, const char *path,
                             const char *data, size_t len);
mig_status_t actx_remove(action_ctx_t *ctx, const char *path);
mig_status_t actx_rename(action_ctx_t *ctx, const char *from, const char *to);
mig_status_t actx_mkdir(action_ctx_t *ctx, const char *path);

/* ---- previews and errors ---------------------------------------------- */

/* Records, in a preview, that the call would make the change CHANGE
 * ("create", "overwrite", "delete", "move", "mkdir", "run", ...) to TARGET,
 * with DETAIL text ("312 bytes"). MIG_OK or MIG_ENOMEM. */
mig_status_t actx_would(action_ctx_t *ctx, const char *change,
                        const char *target, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The changes recorded since actx_begin: a list of maps
 * {change, target, detail}, borrowed. */
val_t *actx_changes(const action_ctx_t *ctx);

/* Fails the call with an error of class CLASS (docs/language.md, "Error
 * classes") and a message. Returns MIG_EINVALID (MIG_ENOMEM when the
 * message could not be kept). */
mig_status_t actx_fail(action_ctx_t *ctx, const char *cls, const char *fmt,
                       ...) __attribute__((format(printf, 3, 4)));
/* The error of the last failed call: its class and message, or NULL. */
const char *actx_error_class(const action_ctx_t *ctx);
const char *actx_error_message(const action_ctx_t *ctx);

/* ---- the dry run (mig plan) --------------------------------------------- */

/* Walks G in the order a run would, with the parameters P, changing
 * nothing: evaluates lets, conditions and arguments where their inputs are
 * known, computes pure steps, and asks every other step's action for a
 * preview in a read-only context with paths taken from BASE_DIR. A read
 * of a target an earlier step would change is left for the run. Failures
 * the run would certainly meet (a verify whose inputs are known and false,
 * a type error, a failing preview) go to DIAGS. *OUT gets the description
 * of the ordered plan (docs/plan.md). Returns MIG_OK, MIG_EINVALID (a
 * failure is foreseen; *OUT is set all the same) or MIG_ENOMEM. */
mig_status_t dryrun_plan(const graph_t *g, const params_t *p,
                         const action_registry_t *r, const char *base_dir,
                         diag_list_t *diags, val_t **out);

#endif
