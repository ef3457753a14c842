/* gen_int.h: what the generator's files share (docs/gen.md). gen.c draws
 * the inventory (which family and variant each file is, how many records
 * it holds, which mismatch it carries) and writes its list; each
 * gen_FAMILY.c is a row that writes one file (or one folder) of its family
 * in the shapes of the real files docs/legacy-formats.md lists. Everything
 * is drawn from one seeded generator, so a seed gives the same bytes. */
#ifndef MIG_GEN_INT_H
#define MIG_GEN_INT_H

#include "stdlib_int.h"

/* The state of one generation. */
typedef struct gen {
    const gen_opts_t *o;
    gen_emit_fn emit;
    void *data;
    uint64_t rng;
    uint64_t next_id;       /* makes every tool name unique */
    uint64_t file_no;       /* files (or folders) written so far */
    char prior[80];         /* a name written earlier (for conflicts) */
    gen_summary_t *sum;
    strbuf_t list;          /* the .gen.tsv listing */
    strbuf_t path, body;    /* scratch for the file being written */
    strbuf_t name;          /* the tool name gen_tool_name gave last */
    mig_status_t st;
} gen_t;

/* What a family's writer is told about the file it writes. */
typedef struct gen_file {
    size_t n;               /* records it must hold (>= 1) */
    gen_mismatch_t mis;     /* the mismatch it carries, or GEN_MIS_NONE */
    const char *dir;        /* its folder under the output: "openai/000" */
} gen_file_t;

typedef struct gen_family {
    const char *kind;       /* "openai", "mcp", ... */
    /* Records per file the family's formats hold: from 1 to MAX (a format
     * of one record per file writes 1 whatever it is given). */
    size_t max_per_file;
    /* Writes one file (or folder) of F->n records (fewer when its variant
     * holds one), with gen_emit; returns how many records it wrote
     * (>= 1), 0 when G->st was set. */
    size_t (*write)(gen_t *g, const gen_file_t *f);
    /* The mismatches its files can carry (1u << GEN_MIS_x); a file drawn
     * with another is written without it. */
    unsigned mismatches;
} gen_family_t;

extern const gen_family_t gen_family_openai, gen_family_mcp,
    gen_family_plugin, gen_family_synapse, gen_family_rag, gen_family_sk;

/* ---- drawing (gen.c) ---------------------------------------------------- */

/* The next 64 random bits of G's stream. */
uint64_t gen_next(gen_t *g);
/* A number from 0 to N - 1 (N >= 1). */
size_t gen_below(gen_t *g, size_t n);
/* One of the N strings of LIST. */
const char *gen_pick(gen_t *g, const char *const *list, size_t n);
#define GEN_PICK(g, list) gen_pick(g, list, sizeof list / sizeof *list)

/* A new tool name: verb_noun_ID, unique in the generation; a names
 * mismatch (MIS) makes it one the normaliser must fit (spaces, dots, more
 * than 64 characters); a conflict mismatch, the first of a file (FIRST),
 * repeats a name written earlier. It lives in G until the next call ("",
 * and the next gen_emit fails with MIG_ENOMEM, when memory ran out). */
const char *gen_tool_name(gen_t *g, gen_mismatch_t mis, bool first);
/* A sentence describing a tool, appended to B. */
void gen_sentence(gen_t *g, strbuf_t *b);
/* The I-th parameter name of a tool whose names start at START (drawn
 * once per tool with gen_below(g, GEN_PARAM_NAMES)): distinct for I below
 * GEN_PARAM_NAMES. */
#define GEN_PARAM_NAMES 16
const char *gen_param_name(size_t start, size_t i);
/* A JSON Schema type for a parameter ("string", "integer", ...). */
const char *gen_param_type(gen_t *g);
/* A JSON Schema type as the quirks mismatch writes it ("str", "Integer",
 * "dict" ...), or TYPE itself without the mismatch. */
const char *gen_quirk_type(gen_t *g, gen_mismatch_t mis, const char *type);

/* Appends an input schema of N parameters as indented JSON (IND: the
 * indentation of its lines), in the spelling of MIS (quirks: types of
 * other languages, required inside a property, nullable). */
void gen_schema(gen_t *g, gen_mismatch_t mis, size_t n, const char *ind,
                strbuf_t *b);

/* Writes the file PATH (below the output) with the bytes of B, and lists
 * it in .gen.tsv with FORMAT (the reader that must read it; "-" for a file
 * that is read as part of another), the records it holds and MIS. */
void gen_emit(gen_t *g, const char *path, const strbuf_t *b,
              const char *format, size_t records, gen_mismatch_t mis);
/* Spoils B as the malformed mismatch does: JSON cut short, YAML and text
 * with git merge-conflict markers. */
void gen_spoil(gen_t *g, strbuf_t *b, bool json);

#endif
