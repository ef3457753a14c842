/* reader_plugin.h: what the plugin family's two files share
 * (docs/legacy-formats.md, "HTTP plugins"). reader_openapi.c turns an
 * OpenAPI 3.x or Swagger 2.0 document into tool records; reader_plugin.c
 * reads the manifests that name such a document (ai-plugin.json, the
 * Microsoft 365 Copilot API plugin) and its rows join tools.c's table. */
#ifndef MIG_READER_PLUGIN_H
#define MIG_READER_PLUGIN_H

#include "tools_int.h"

/* Bounds of $ref resolution: how deep references may nest, how many may
 * be expanded for one schema (a tool's input or output; a guard against
 * documents whose references multiply), and how many other files one
 * document's references may name. */
#define OPENAPI_REF_DEPTH 64
#define OPENAPI_REF_EXPANSIONS 20000
#define OPENAPI_REF_FILES 16
/* How deep a resolved value may nest (maps and lists, counted from what
 * is resolved: a parameter list is 1, a parameter 2, its schema 3), well
 * within VAL_MAX_DEPTH once it sits in a record. */
#define OPENAPI_VALUE_DEPTH 256

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

/* ---- between reader_openapi.c and reader_openapi_ref.c ------------------- */

/* A document $refs may point into: the one read, or one loaded beside it. */
typedef struct openapi_doc {
    const tools_file_t *file;
    tools_file_t own;       /* loaded here (not the one read) */
} openapi_doc_t;

typedef struct openapi {
    tools_out_t *out;
    const openapi_opts_t *o;
    const char *version;
    bool v2;                        /* Swagger 2.0 */
    openapi_doc_t docs[OPENAPI_REF_FILES + 1];
    size_t n_docs;
    char *stack[OPENAPI_REF_DEPTH]; /* the refs being expanded, "doc#ptr" */
    size_t depth;
    size_t expansions;              /* for the schema being built */
    bool budget_told;
    size_t level;                   /* how deep the value being resolved is */
    bool deep_told;
    /* The schema being built: recursive refs kept under $defs. */
    val_t *defs;        /* name -> schema */
    val_t *def_names;   /* "doc#ptr" -> name */
    val_t *pending;     /* list of ["doc#ptr", doc index] still to expand */
    const char *where;  /* the pointer problems name */
} openapi_t;

/* A problem of the document (OPTS's label prefixed). */
void openapi_problem(openapi_t *a, const char *sev, const char *ptr,
                     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sets KEY of map M to V, taking it; NULL or no memory sets oom. */
void openapi_set(openapi_t *a, val_t *m, const char *key, val_t *v);
/* The value at JSON pointer PTR (a URI fragment) in V, or NULL. */
const val_t *openapi_pointer_get(const val_t *v, const char *ptr);
/* A new copy of V (in document DOC of A) with every $ref resolved, the
 * problems reported at A->where; NULL for a NULL V or no memory. */
val_t *openapi_resolve(openapi_t *a, int doc, const val_t *v);
/* Begins a schema of its own (no $defs yet); ends it, putting the
 * recursive references met into ROOT's $defs (ROOT an unshared map). */
void openapi_scope_begin(openapi_t *a);
void openapi_scope_end(openapi_t *a, val_t *root);

#endif
