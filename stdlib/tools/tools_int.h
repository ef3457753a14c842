/* tools_int.h: the legacy readers (docs/legacy-formats.md). A reader is a
 * row: a format's name, a detect function that says how sure it is that a
 * loaded file is its format, and a read function that turns the file into
 * records. tools.c loads a file once (tools_file_t), asks every row, and
 * reads it with the surest; tools.scan and tools.read are its actions.
 * Readers never fail a step for a bad file: what they notice goes into
 * the output's problems, and a file no reader takes is said to be none. */
#ifndef MIG_TOOLS_INT_H
#define MIG_TOOLS_INT_H

#include "stdlib_int.h"

/* The largest legacy file read: 16 MiB. A bigger one is reported as no
 * tool definition (docs/legacy-formats.md, "Reading files leniently"). */
#define TOOLS_FILE_MAX (16u << 20)

/* A file as every reader sees it, loaded once by tools_file_load. */
typedef struct tools_file {
    const char *path;       /* as the plan gave it */
    const char *bytes;      /* the bytes, a UTF-8 BOM skipped, NUL-ended */
    size_t len;
    bool bom;               /* it started with a UTF-8 BOM */
    bool crlf;              /* it has CRLF line ends */
    bool binary;            /* NUL bytes or invalid UTF-8: no reader takes it */
    /* "json", "jsonl", "yaml" or "text": how it was parsed. "jsonl" when
     * every non-blank line is a JSON value and there are two or more;
     * "yaml" when JSON failed and lenient YAML (docs/legacy-formats.md,
     * "Reading files") took it; "text" when neither did. NULL when the
     * file could not be read, is binary, or starts like JSON ('{', '[')
     * but is neither JSON nor YAML (its error is in load_problems). */
    const char *syntax;
    val_t *doc;             /* the parsed document (YAML: the first), or
                               NULL ("jsonl", "text") */
    val_t *docs;            /* "jsonl": every line's value; multi-document
                               YAML: every document; else NULL */
    unsigned *lines;        /* "jsonl": the line of each of DOCS; else NULL */
    val_t *load_problems;   /* list of problem maps from loading (lenient
                               reading's warnings, a parse error) */
    char digest[8 + BLOB_HEX];  /* "blake2b:" and the hex of the raw bytes */
    action_ctx_t *ctx;      /* to read files next to it (tools_file_sibling) */
    bool oom;               /* loading ran out of memory (tools_file_load
                               then gives MIG_ENOMEM) */
} tools_file_t;

/* What a reader fills: lists of records and problems. */
typedef struct tools_out {
    val_t *tools, *servers, *backends, *problems;
    const char *version;    /* the format's version as found, or NULL
                               (a static string or one owned by the file) */
    bool oom;
} tools_out_t;

typedef struct tools_reader {
    const char *format;     /* "openai.tools", "mcp.server_json", ... */
    const char *family;     /* "openai", "mcp", "plugin", "agent", "rag",
                               "synapse" */
    /* How sure the reader is that F is its format, 0 (not) to 100; pure,
     * cheap, and by content only (never by the file's name). */
    int (*detect)(const tools_file_t *f);
    /* Reads F into OUT. MIG_OK even for a file with problems (they go to
     * OUT's problems); MIG_ENOMEM only. */
    mig_status_t (*read)(const tools_file_t *f, tools_out_t *out);
    const char *doc;        /* one line for docs and `mig help` */
} tools_reader_t;

/* Each family's rows, listed once in tools.c's table. */
extern const tools_reader_t tools_readers_openai[];
extern const size_t tools_readers_openai_count;
extern const tools_reader_t tools_readers_mcp[];
extern const size_t tools_readers_mcp_count;
extern const tools_reader_t tools_readers_synapse[];
extern const size_t tools_readers_synapse_count;
extern const tools_reader_t tools_readers_plugin[];
extern const size_t tools_readers_plugin_count;
extern const tools_reader_t tools_readers_agent[];
extern const size_t tools_readers_agent_count;
extern const tools_reader_t tools_readers_rag[];
extern const size_t tools_readers_rag_count;

/* ---- loading (tools_file.c) ---------------------------------------------- */

/* Loads PATH (relative to the plan's folder, through CTX) into F: reads
 * it within the file-size limit, skips a BOM, notes CRLF and binary
 * content, parses it as above and hashes it. A file that cannot be read
 * at all gives MIG_OK with F->syntax NULL and one error in
 * F->load_problems. MIG_ENOMEM only. */
mig_status_t tools_file_load(action_ctx_t *ctx, const char *path,
                             tools_file_t *f);
void tools_file_free(tools_file_t *f);
/* Loads the file NAME next to F (a relative reference such as an OpenAPI
 * document named by an ai-plugin.json, or "skprompt.txt"), or gives
 * MIG_EINVALID when there is none. */
mig_status_t tools_file_sibling(const tools_file_t *f, const char *name,
                                tools_file_t *out);

/* ---- building records (tools_out.c) -------------------------------------- */

void tools_out_init(tools_out_t *out);
void tools_out_free(tools_out_t *out);
/* Appends a problem {severity: "warning"|"error", message, pointer, line
 * (0: unknown, left out)} to OUT. */
void tools_problem(tools_out_t *out, const char *severity,
                   const char *pointer, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A new provenance map {file, pointer, line?, format, format_version?,
 * digest} for the record at POINTER of F. */
val_t *tools_provenance(const tools_file_t *f, const char *format,
                        const char *version, const char *pointer,
                        unsigned line);
/* Appends a JSON-pointer token (escaped: '~' as ~0, '/' as ~1) or an
 * index to the pointer in B. */
void tools_pointer_key(strbuf_t *b, const char *key, size_t len);
void tools_pointer_index(strbuf_t *b, size_t i);
/* Takes REC (a record map: kind-specific keys, plus provenance) into the
 * list for KIND ("tool", "server", "rag"). */
void tools_add_take(tools_out_t *out, const char *kind, val_t *rec);

/* A new tool record: every key of a tool record (above) null but
 * `extra`, an empty map. NULL when out of memory. */
val_t *tools_tool_new(void);
/* Sets KEY of REC (unshared) to V, taking it; a NULL V or no memory sets
 * OUT->oom. */
void tools_set(tools_out_t *out, val_t *rec, const char *key, val_t *v);
/* A new endpoint map {transport: TRANSPORT}; NULL when out of memory
 * (tools_set then notes it). */
val_t *tools_endpoint(const char *transport);
/* Sets KEY of map DST (unshared) to the member FROM of SRC, when SRC has
 * one; a NULL DST or no memory sets OUT->oom. */
void tools_copy(tools_out_t *out, val_t *dst, const char *key,
                const val_t *src, const char *from);
/* Copies every member of map SRC whose key is not in KNOWN (ended by
 * NULL) into REC's `extra`, so that nothing of the source is lost. */
void tools_extra(tools_out_t *out, val_t *rec, const val_t *src,
                 const char *const *known);

/* Small readers of parsed documents: the member KEY of map M when it is
 * of TYPE, else NULL (borrowed). */
val_t *tools_get(const val_t *m, const char *key, val_type_t type);
/* The member KEY of M of any type, or NULL (also when M is no map). */
val_t *tools_member(const val_t *m, const char *key);
const char *tools_get_str(const val_t *m, const char *key);

#endif
