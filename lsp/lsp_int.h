/* lsp_int.h: what the language server's files share: an open document
 * (its text, its last analysis, its index of names), positions in LSP's
 * terms (0-based lines, UTF-16 code units) and the JSON helpers. */
#ifndef MIG_LSP_INT_H
#define MIG_LSP_INT_H

#include <jansson.h>

#include "lsp.h"
#include "interpreter.h"
#include "mig_stdlib.h"
#include "lua_bridge.h"

/* X(ENUM, "what", LSP SymbolKind): the names a plan defines. */
#define LSP_NAME_KINDS(X)                                                    \
    X(STAGE, "stage", 2)          /* Module */                               \
    X(STEP, "step", 13)           /* Variable */                             \
    X(LET, "let", 13)                                                        \
    X(CHECKPOINT, "checkpoint", 24) /* Event */                              \
    X(SNAPSHOT, "snapshot", 24)                                              \
    X(PARAM, "param", 14)         /* Constant */                             \
    X(VAR, "foreach variable", 13)                                           \
    X(LUA, "Lua module", 2)                                                  \
    X(ERROR, "error class", 5)    /* Class */

typedef enum lsp_kind {
#define LSP_KIND_ENUM(e, s, k) LSP_KIND_##e,
    LSP_NAME_KINDS(LSP_KIND_ENUM)
#undef LSP_KIND_ENUM
    LSP_KIND_COUNT
} lsp_kind_t;

const char *lsp_kind_name(lsp_kind_t k);
int lsp_kind_symbol(lsp_kind_t k);

/* One place a name is written: its definition (DEF) or a use of the
 * definition numbered TARGET. */
typedef struct lsp_occ {
    lsp_kind_t kind;
    const char *name;           /* in the analysis' arena */
    uint32_t begin, end;        /* byte offsets in the document */
    bool def;
    int32_t target;             /* index of the definition, -1: DEF */
    int32_t stage;              /* the enclosing stage's definition, or -1 */
    const ast_node_t *node;     /* STEP/LET/PARAM: the statement */
} lsp_occ_t;

/* The occurrences in document order of their walk, and a hash table of
 * the definitions by (kind, name): the first of each, except for lets
 * and foreach variables (both under LET), where the latest wins. */
typedef struct lsp_index {
    lsp_occ_t *items;
    size_t len, cap;
    int32_t *slots;             /* -1: empty */
    size_t n_slots, n_defs;     /* N_SLOTS a power of two */
    bool oom;
} lsp_index_t;

/* An open document and its last analysis. */
typedef struct lsp_doc {
    char *uri;
    char *path;                 /* the file path the URI names */
    int64_t version;
    strbuf_t text;
    uint32_t *lines;            /* byte offset of each line's start */
    uint32_t n_lines;
    /* The analysis of TEXT: the parse (PLAN may be a partial tree, or
     * NULL), the registry it was checked against, its Lua modules, the
     * mig.yaml it was checked with (kept while its errors are shown). */
    src_t *src;
    arena_t *arena;
    ast_plan_t *plan;
    bool parsed_ok;
    action_registry_t *actions;
    lua_bridge_t *lua;
    config_t *config;           /* the plan's mig.yaml, or NULL */
    lsp_index_t index;
    struct lsp_doc *next;
} lsp_doc_t;

/* ---- documents (lsp_doc.c) ------------------------------------------- */

/* A new document for URI with TEXT; NULL when out of memory. */
lsp_doc_t *lsp_doc_new(const char *uri, const char *text, size_t len,
                       int64_t version);
void lsp_doc_free(lsp_doc_t *d);
/* Replaces [BEGIN, END) of D's text with LEN bytes of TEXT. */
mig_status_t lsp_doc_splice(lsp_doc_t *d, size_t begin, size_t end,
                            const char *text, size_t len);
/* Rebuilds D's line table after its text changed. */
mig_status_t lsp_doc_lines(lsp_doc_t *d);
/* The byte offset of an LSP position (line, UTF-16 character), clamped
 * to the line's end and the text's end. */
size_t lsp_doc_offset(const lsp_doc_t *d, int64_t line, int64_t character);
/* The LSP position {line, character} of byte offset OFF. */
json_t *lsp_doc_position(const lsp_doc_t *d, size_t off);
/* {start, end} of bytes [BEGIN, END). */
json_t *lsp_doc_range(const lsp_doc_t *d, size_t begin, size_t end);
/* Parses, checks and indexes D's text again; fills DIAGS with what
 * `mig check` would say of it. MIG_ENOMEM or MIG_OK. */
mig_status_t lsp_doc_analyze(lsp_doc_t *d, diag_list_t *diags);

/* ---- the index of names (lsp_index.c) ---------------------------------- */

/* Indexes every definition and use of a name in D->plan into D->index. */
mig_status_t lsp_index_build(lsp_doc_t *d);
/* The occurrence at byte offset OFF (its end counts as inside), or -1. */
int32_t lsp_index_at(const lsp_doc_t *d, size_t off);
/* The definition an occurrence stands for (itself for a definition). */
int32_t lsp_index_def(const lsp_doc_t *d, int32_t occ);
/* The first definition of KIND named NAME (LEN bytes), or -1. */
int32_t lsp_index_find(const lsp_doc_t *d, lsp_kind_t kind, const char *name,
                       size_t len);

/* ---- requests (lsp_features.c, lsp_complete.c) ------------------------- */

/* Each returns the result of the request (json null when there is none),
 * or NULL with *ERR set to a message for an error response. */
json_t *lsp_hover(lsp_doc_t *d, size_t off);
json_t *lsp_definition(lsp_doc_t *d, size_t off);
json_t *lsp_references(lsp_doc_t *d, size_t off, bool with_decl);
json_t *lsp_symbols(lsp_doc_t *d);
json_t *lsp_rename(lsp_doc_t *d, size_t off, const char *new_name,
                   const char **err);
json_t *lsp_completion(lsp_doc_t *d, size_t off);
/* The edits that lay D out as `mig fmt` does (fmt_plan): one replacing
 * the whole text, or none when it is laid out already. A plan mig fmt
 * refuses (one that does not parse) gives NULL with *ERR its reason
 * (valid until the next call). */
json_t *lsp_format(lsp_doc_t *d, const char **err);

/* The identifier characters around OFF: [*BEGIN, *END), maybe empty. */
void lsp_word_at(const lsp_doc_t *d, size_t off, size_t *begin, size_t *end);

/* The place in its .lua file where the Lua function CALL calls
 * (`alias.fn(...)`) is defined, as a Location; NULL when CALL is not such
 * a call or the definition cannot be found (lsp_lua.c). */
json_t *lsp_lua_definition(lsp_doc_t *d, const ast_node_t *call);

/* ---- the plan's state store (lsp_store.c) ------------------------------- */

/* The snapshots of the state store of D's plan, complete ones, by name:
 * a map NAME -> {count, id, created_ms} (how many times the name was
 * taken, the newest's id and time), in the order the names were first
 * taken; empty when the plan has no store or it cannot be read; NULL when
 * out of memory. */
val_t *lsp_store_snapshots(const lsp_doc_t *d);
/* Appends to B what INFO (a value of that map) says for a person. */
void lsp_snapshot_describe(const val_t *info, strbuf_t *b);

/* {uri, range} of bytes [BEGIN, END) of D. */
json_t *lsp_location(const lsp_doc_t *d, size_t begin, size_t end);

#endif
