/* rag_int.h: what the RAG-backend readers share (reader_rag.c reads the
 * formats, rag_record.c builds their records): one backend record per
 * file, kind "rag" (docs/registry.md, "Server and backend descriptors";
 * docs/legacy-formats.md, "RAG backends"). */
#ifndef MIG_RAG_INT_H
#define MIG_RAG_INT_H

#include "tools_int.h"

/* A new backend record for F read as FORMAT (version VERSION or NULL):
 * `name` the file's name without its folder and extension, every other
 * key of a backend record null, `placeholders` the ${VAR} and {{ }}
 * placeholders of F's document (each text once, in document order),
 * `config` the document with literal secrets replaced (a warning each),
 * `extra` an empty map, and `provenance`. NULL (OUT->oom set) when out
 * of memory. */
val_t *rag_record_new(const tools_file_t *f, tools_out_t *out,
                      const char *format, const char *version);

/* The member at PATH ("a/b/c", map keys only) of M, of any type, or
 * NULL (borrowed). */
val_t *rag_at(const val_t *m, const char *path);

/* Sets KEY of map REC to a copy of V when V is not NULL. */
void rag_put(tools_out_t *out, val_t *rec, const char *key, const val_t *v);
void rag_put_str(tools_out_t *out, val_t *rec, const char *key,
                 const char *s);
/* Sets REC's `top_k` from V at POINTER: a positive integer as it is, a
 * string holding a ${...} or {{ }} placeholder as it is (listed in
 * placeholders), anything else left null with a warning (the value stays
 * in `config`). */
void rag_put_top_k(tools_out_t *out, val_t *rec, const val_t *v,
                   const char *pointer);
/* A new map {K1: V1, K2: V2, ...} of the non-NULL values V (borrowed),
 * ended by a NULL key; NULL (no map) when every value is NULL. */
val_t *rag_map(tools_out_t *out, ...);

/* An auth reference for the credential value V (a Haystack secret
 * {type: env_var, env_vars}, or a string holding ${VAR}): {type:
 * "api-key", scheme: SCHEME, ref: "env:VAR"}; a literal string gives
 * no ref (its value is never copied). NULL when V is none of these. */
val_t *rag_auth(tools_out_t *out, const val_t *v, const char *scheme);

/* For a file loaded as plain text (F->syntax "text") because it is a
 * Jinja or Helm template, its first YAML document read again with each
 * value that starts with {{ }} quoted (*VALUES of them) and each line
 * that is only a {% %} tag left out (*TAGS); a new reference. NULL when
 * F is no such file or is no YAML map even so (rag_template.c). OUT, when
 * not NULL, gets lenient YAML's warnings. */
val_t *rag_template_doc(const tools_file_t *f, tools_out_t *out,
                        size_t *values, size_t *tags);

/* Whether S holds a ${...} placeholder. */
bool rag_is_placeholder(const char *s);

#endif
