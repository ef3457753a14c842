/* reader_plugin.h: what the plugin family's two files share
 * (docs/legacy-formats.md, "HTTP plugins"). reader_openapi.c turns an
 * OpenAPI 3.x or Swagger 2.0 document into tool records; reader_plugin.c
 * reads the manifests that name such a document (ai-plugin.json, the
 * Microsoft 365 Copilot API plugin) and its rows join tools.c's table. */
#ifndef MIG_READER_PLUGIN_H
#define MIG_READER_PLUGIN_H

#include "tools_int.h"

/* Bounds of $ref resolution, per document read: how deep references may
 * nest, how many may be expanded in all (a guard against documents whose
 * references multiply), and how many other files they may name. */
#define OPENAPI_REF_DEPTH 64
#define OPENAPI_REF_EXPANSIONS 20000
#define OPENAPI_REF_FILES 16

/* How a manifest asks for a document's operations. */
typedef struct openapi_opts {
    const char *server;     /* the plugin's server record's name, or NULL */
    const val_t *auth;      /* auth for operations that declare no
                               security (a manifest's), or NULL */
    const char *api_url;    /* the manifest's api.url: its origin is the
                               base URL when the document has none; NULL */
    const char *label;      /* prefixed to problems ("openapi.yaml: ")
                               when the document is not the file read */
} openapi_opts_t;

/* The document's version as found ("3.0.1", "3.1.0", "2.0"), or NULL when
 * DOC is neither OpenAPI 3 nor Swagger 2. BUF holds a number's text. */
const char *openapi_version(const val_t *doc, char buf[16]);

/* Reads every operation of SPEC (a loaded file whose document
 * openapi_version recognises) into OUT's tools, one record each, named by
 * operationId (else method and path). Problems go to OUT's problems.
 * MIG_OK, or MIG_ENOMEM. */
mig_status_t openapi_read(const tools_file_t *spec, tools_out_t *out,
                          const openapi_opts_t *o);

#endif
