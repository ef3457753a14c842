/* adapt_diff.h: what adapt_diff.c (one tool's parameters) shares with
 * adapt_diff_tools.c (the tools of two interfaces) and adapt_translate.c.
 * Private to stdlib/. */
#ifndef MIG_ADAPT_DIFF_H
#define MIG_ADAPT_DIFF_H

#include "adapt_int.h"

/* The most parameters one schema may have for a diff. */
#define DIFF_MAX_PARAMS 256

typedef struct diff {
    val_t *changes;         /* a list of change maps (docs/recovery.md) */
    val_t *map;             /* the adapt.params map of the current tool */
    const char *tool;       /* the new tool's name, or NULL for one schema */
    const char *op_old;     /* the OpenAPI operations ("METHOD /path") of */
    const char *op_new;     /* the pair compared, or NULL */
    bool oom;
} diff_t;

/* Appends a change {kind, tool, from, to, evidence, confidence, applied,
 * note} (NULL fields and a 0 confidence left out); returns it (borrowed)
 * or NULL, with D->oom set, when memory ran out. */
val_t *diff_add(diff_t *d, const char *kind, const char *from,
                const char *to, const char *evidence, int conf,
                bool applied, const char *note);
/* The evidence that the old property K (schema KS) is the new P (PS):
 * names, synonyms, P's description naming K, enums that overlap, the
 * same description; nothing when their types cannot meet. */
void diff_evidence(const char *k, const val_t *ks, const char *p,
                   const val_t *ps, adapt_evidence_t *e);
/* Appends the changes from the parameter schema OLD to NEW to D->changes
 * and the map entries to D->map. SKIP (or NULL) is a new property not to
 * report as added (the discriminator of a merge). MIG_OK, MIG_ENOMEM, or
 * MIG_EINVALID when a schema has more than DIFF_MAX_PARAMS properties. */
mig_status_t diff_params(diff_t *d, const val_t *old, const val_t *new,
                         const char *skip);

/* The parameter schema of the tool TOOL of the interface IFACE (for one
 * schema or one tool, TOOL NULL: that one), or of its oneOf/anyOf schema
 * whose property P is V when P is not NULL; NULL when IFACE has no such
 * tool. */
const val_t *diff_schema_of(const val_t *iface, const char *tool,
                            const char *p, const val_t *v);

/* ---- OpenAPI documents (adapt_openapi.c) ---------------------------------- */

/* The most $refs resolved one inside another, and in all, for one OpenAPI
 * document (docs/recovery.md, "OpenAPI documents"). */
#define OPENAPI_MAX_REF_DEPTH 16
#define OPENAPI_MAX_REFS 4096

/* Whether V is an OpenAPI (or Swagger) document: a map with a string
 * "openapi" or "swagger". */
bool adapt_is_openapi(const val_t *v);
/* The tools of the OpenAPI 3.x document DOC: a new list of {name,
 * operation: "METHOD /path", inputSchema} in the document's order, the
 * schemas' local $refs resolved. MIG_OK, MIG_ENOMEM, or MIG_EINVALID with
 * WHY (another version, no paths, a $ref not followed). */
mig_status_t adapt_openapi_tools(const val_t *doc, val_t **out,
                                 strbuf_t *why);
/* V itself (a new reference), or the tools of V when it is an OpenAPI
 * document; as adapt_openapi_tools. */
mig_status_t adapt_iface_of(const val_t *v, val_t **out, strbuf_t *why);

#endif
