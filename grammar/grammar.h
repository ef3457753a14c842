/* grammar.h: the public face of mig's front end. Source files, spans,
 * diagnostics, the arena that owns an AST, the AST itself, and the parser.
 * It is the lowest layer: it includes nothing of mig's. */
#ifndef MIG_GRAMMAR_H
#define MIG_GRAMMAR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- status ---------------------------------------------------------- */

/* What every fallible function in mig returns; details go to a diag_list_t. */
typedef enum mig_status {
    MIG_OK = 0,
    MIG_EINVALID,   /* the input had errors; they are in the diagnostics */
    MIG_EIO,        /* a file could not be read or written */
    MIG_ENOMEM,     /* an allocation failed */
} mig_status_t;

/* Nesting beyond this many brackets or blocks is refused by the parser. */
#define MIG_MAX_NESTING 256
/* Expressions deeper than this (long operator chains) are refused, so that
 * every later walk over the tree can recurse safely. */
#define MIG_MAX_EXPR_DEPTH 1000
/* A file stops being parsed after this many errors, and a diagnostic list
 * keeps no more errors than this (nor warnings). */
#define MIG_MAX_ERRORS 50
/* A message (or hint) longer than this many bytes keeps its start and end
 * with "[... N bytes left out ...]" between them: whatever value a message
 * quotes, it stays one readable line (strbuf_put_clipped). */
#define MIG_MAX_MESSAGE 400
/* Every file mig reads whole (a plan, a Lua module, the files of
 * file.read, file.read_json and file.read_yaml, a document mig import
 * reads) is read up to this many bytes, checked while reading, so a
 * stream that never ends costs no more (docs/language.md, Limits). */
#define MIG_MAX_FILE ((size_t)64 << 20)
#define MIG_MAX_FILE_TEXT "64 MiB"

/* ---- arena ----------------------------------------------------------- */

/* A bump allocator: everything in it is freed at once by arena_free. */
typedef struct arena arena_t;

arena_t *arena_new(void);
void arena_free(arena_t *a);
/* What arena objects are aligned to: enough for pointers, 64-bit integers
 * and doubles, all an arena holds (max_align_t's 16 would pad every small
 * object). */
#define ARENA_ALIGN 8
/* Returns zeroed memory aligned to ARENA_ALIGN, or NULL when out of
 * memory. */
void *arena_alloc(arena_t *a, size_t size);
/* Copies LEN bytes and appends a NUL; NULL when out of memory. */
char *arena_strndup(arena_t *a, const char *s, size_t len);
/* Bytes handed out so far (for statistics and benchmarks). */
size_t arena_used(const arena_t *a);

/* ---- source files and spans ----------------------------------------- */

/* A region of a source file: byte offsets [begin, end), and the line and
 * column (1-based, columns counted in characters) of both ends; the end
 * position is the one just past the last character. */
typedef struct src_span {
    uint32_t begin, end;
    uint32_t line, col;
    uint32_t end_line, end_col;
} src_span_t;

/* A whole source file in memory. TEXT is followed by two NUL bytes (the
 * scanner reads it in place) but may hold NUL bytes itself; LEN is
 * authoritative. While a parse runs, the scanner briefly writes a NUL
 * after the token it has just read. */
typedef struct src {
    char *name;
    char *text;
    size_t len;
    uint32_t *line_starts;   /* built on first use by src_line */
    uint32_t n_lines;
} src_t;

typedef struct diag_list diag_list_t;

/* Why src_read_whole did not read a file. */
typedef enum src_read {
    SRC_READ_OK = 0,
    SRC_READ_OPEN,       /* open failed; *ERR holds the errno */
    SRC_READ_IO,         /* read failed; *ERR holds the errno */
    SRC_READ_NOMEM,
    SRC_READ_NOT_FILE,   /* a device, FIFO, socket or directory */
    SRC_READ_TOO_LARGE,  /* more than MIG_MAX_FILE bytes */
} src_read_t;

/* Reads PATH whole (NULL: standard input, which may be any stream) into a
 * new malloc'd buffer *OUT of *LEN bytes followed by two NUL bytes. A PATH
 * that is not a regular file is refused before a byte is read (a FIFO
 * without a writer does not block), and reading stops past MIG_MAX_FILE
 * bytes; *OUT is set only on SRC_READ_OK. */
src_read_t src_read_whole(const char *path, char **out, size_t *len, int *err);
/* Reads PATH whole. On failure reports to DIAGS and returns MIG_EIO or
 * MIG_ENOMEM; *OUT is set only on success. "-" reads standard input. The
 * limits are src_read_whole's. */
mig_status_t src_load(const char *path, diag_list_t *diags, src_t **out);
/* Makes a source from memory (copied). NULL when out of memory. */
src_t *src_from_memory(const char *name, const char *text, size_t len);
void src_free(src_t *s);
/* Finds line LINE (1-based): its first byte and its length without the
 * newline. Returns false when the line does not exist or memory ran out. */
bool src_line(src_t *s, uint32_t line, const char **start, size_t *len);

/* Length in bytes of the UTF-8 character at P, AVAIL bytes being there:
 * a well-formed sequence (no overlong forms, no surrogates) counts whole;
 * any other byte counts as one character of its own. The scanner's columns
 * and the renderer's carets both count with this. */
size_t utf8_char_len(const unsigned char *p, size_t avail);

/* ---- diagnostics ----------------------------------------------------- */

typedef enum diag_severity {
    DIAG_ERROR,
    DIAG_WARNING,
    DIAG_NOTE,
} diag_severity_t;

typedef struct diag {
    diag_severity_t severity;
    src_t *src;          /* NULL for messages about no file in particular */
    src_span_t span;
    bool has_span;
    char *message;
    char *hint;          /* NULL or a suggestion printed after the excerpt */
} diag_t;

/* A list keeps at most MIG_MAX_ERRORS errors and as many warnings; the
 * ones past that are counted (ERRORS and WARNINGS count them all) but not
 * kept, nor the notes that follow them, so a plan with 10,000 faults
 * costs no more than one with 50. */
struct diag_list {
    diag_t *items;
    size_t len, cap;
    size_t errors, warnings;
    size_t dropped_errors, dropped_warnings;
    bool dropping;       /* the last error or warning was not kept */
    bool out_of_memory;  /* a message was lost because memory ran out */
};

void diag_list_init(diag_list_t *l);
void diag_list_free(diag_list_t *l);
/* Appends every message of FROM (with its hint) to TO, then empties
 * FROM. */
void diag_list_move(diag_list_t *to, diag_list_t *from);
/* Adds a message. SRC may be NULL and SPAN NULL. Returns the new entry (to
 * attach a hint to), or NULL when memory ran out (recorded in the list). */
diag_t *diag_add(diag_list_t *l, diag_severity_t sev, src_t *src,
                 const src_span_t *span, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
diag_t *diag_vadd(diag_list_t *l, diag_severity_t sev, src_t *src,
                  const src_span_t *span, const char *fmt, va_list ap);
/* Sets D's hint; D may be NULL (then nothing happens). */
void diag_hint(diag_list_t *l, diag_t *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- string builder -------------------------------------------------- */

/* A growable byte buffer. After any failed append, OOM stays set and
 * further appends do nothing, so callers check once at the end. */
typedef struct strbuf {
    char *data;
    size_t len, cap;
    bool oom;
} strbuf_t;

void strbuf_init(strbuf_t *b);
void strbuf_free(strbuf_t *b);
void strbuf_put(strbuf_t *b, const char *s, size_t n);
void strbuf_puts(strbuf_t *b, const char *s);
void strbuf_putc(strbuf_t *b, char c);
/* Appends S (N bytes): whole when N <= MAX, else its first and last bytes
 * (cut at UTF-8 character boundaries) with "[... K bytes left out ...]"
 * between them, MAX bytes or a few less in all. */
void strbuf_put_clipped(strbuf_t *b, const char *s, size_t n, size_t max);
void strbuf_printf(strbuf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* strbuf_printf with the arguments in AP (used up). */
void strbuf_vprintf(strbuf_t *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends S quoted as a .mig string literal, escapes included. */
void strbuf_put_quoted(strbuf_t *b, const char *s, size_t n);
/* Appends MS milliseconds the way a plan writes a duration: 1h30m, 250ms,
 * 0s, -2s (units from the largest down, each only when not zero). */
void strbuf_put_duration(strbuf_t *b, int64_t ms);

/* Room for any double written by double_text, NUL included. */
#define DOUBLE_TEXT_MAX 32
/* Writes D (finite) as the fewest significant digits that read back to the
 * same double, keeping it visibly a float: 1.0, 0.1, 1e+300, 1e-5 (the
 * exponent as JavaScript writes it). Returns the length. */
size_t double_text(double d, char buf[DOUBLE_TEXT_MAX]);

/* Levenshtein distance between A and B, for "did you mean" hints; names
 * longer than 64 bytes are never close (SIZE_MAX). */
size_t diag_distance(const char *a, size_t la, const char *b, size_t lb);

#include "ast.h"

/* ---- parsing --------------------------------------------------------- */

/* Parses SRC into an AST owned by ARENA. Reports every error it can find
 * (recovering at statement level) to DIAGS. Returns MIG_OK with *OUT set,
 * MIG_EINVALID when there were errors (*OUT may still hold a partial tree,
 * or NULL), or MIG_ENOMEM. */
mig_status_t grammar_parse(src_t *src, arena_t *arena, diag_list_t *diags,
                           ast_plan_t **out);

/* ---- tokens: what the formatter and the plan digest read ------------- */

typedef enum token_class {
    TOKEN_KEYWORD,  /* a reserved word other than true, false and null */
    TOKEN_VALUE,    /* a name, number, duration, true, false or null */
    TOKEN_STRING,   /* a whole string literal, its ${...} parts included */
    TOKEN_PUNCT,    /* an operator or a bracket */
    TOKEN_COMMENT,  /* # to the end of the line, or a block comment */
} token_class_t;

/* One token: its class and where its text is in the source. */
typedef struct token {
    token_class_t cls;
    src_span_t span;
} token_t;

/* A malloc'd array of tokens in source order. */
typedef struct token_list {
    token_t *items;
    size_t len, cap;
} token_list_t;

/* Scans SRC (which must parse without errors, or the scan reports what the
 * parser would) into OUT, comments included, in source order. Returns
 * MIG_OK, MIG_EINVALID (lexical errors, in DIAGS) or MIG_ENOMEM; OUT is
 * emptied first and is the caller's to free with token_list_free either
 * way. */
mig_status_t grammar_tokens(src_t *src, diag_list_t *diags, token_list_t *out);
void token_list_free(token_list_t *l);

/* Appends to OUT the text of SRC's tokens, comments left out, each as its
 * length, ':' and its bytes: the same for two plans that differ only in
 * layout and comments, and different for any other change. The plan
 * digest that resume compares is taken over it (docs/fmt.md). Returns as
 * grammar_tokens does. */
mig_status_t grammar_layout_free_text(src_t *src, diag_list_t *diags,
                                      strbuf_t *out);

#endif
