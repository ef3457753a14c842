/* normalize_int.h: what tools.normalize's files share (normalize.c builds
 * descriptors, normalize_schema.c fits JSON Schema to 2020-12). */
#ifndef MIG_NORMALIZE_INT_H
#define MIG_NORMALIZE_INT_H

#include "tools_int.h"

/* The changes of one normalisation: a list of strings, one per change or
 * loss ("inputSchema.properties.n: type 'float' read as 'number'"). */
typedef struct norm_changes {
    val_t *lines;
    bool oom;
} norm_changes_t;

/* Appends one change line. */
void norm_change(norm_changes_t *ch, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Fits IN (a schema as found: any draft, other languages' type names) to
 * JSON Schema 2020-12 (docs/registry.md, "Normalisation"), as a new value
 * in *OUT, each change a line of CH whose place starts with WHERE
 * ("inputSchema"). With OBJECT, the result is an object schema (null
 * gives one with no properties; another type is wrapped as the property
 * "value"). MIG_OK or MIG_ENOMEM. */
mig_status_t norm_schema(const val_t *in, const char *where, bool object,
                         norm_changes_t *ch, val_t **out);

/* Makes REC (a reader's record) a V2 descriptor of KIND ("tool",
 * "server", "rag"; NULL: REC's "kind", else told by its keys): *DESCRIPTOR
 * and *CHANGES (a list of lines) are new values; what keeps the
 * descriptor from being valid is appended to ERRORS ({pointer, message}
 * maps), the descriptor given anyway. MIG_OK or MIG_ENOMEM. */
mig_status_t tools_normalize(const val_t *rec, const char *kind,
                             val_t **descriptor, val_t **changes,
                             val_t *errors);
/* "blake2b:" and the hex of D's canonical JSON (keys sorted by their
 * bytes, no whitespace) without digest, created, updated and status. */
mig_status_t tools_descriptor_digest(const val_t *d, char out[8 + BLOB_HEX]);

#endif
