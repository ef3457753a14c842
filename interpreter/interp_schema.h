/* interp_schema.h: part of interpreter.h, the interpreter layer's one public
 * header, which includes every part: include interpreter.h, not this.
 * Here: matching values: the one regex dialect (docs/expressions.md,
 * "Regular expressions") and JSON Schema 2020-12 (docs/schema.md). */
#ifndef MIG_INTERP_SCHEMA_H
#define MIG_INTERP_SCHEMA_H

#include "interp_value.h"

/* ---- regular expressions ------------------------------------------------ */

/* The one regex dialect of mig (interpreter/regex.c; docs/expressions.md,
 * "Regular expressions"): PCRE2 with UTF and Unicode properties, searched
 * anywhere in the text (anchor with ^ and $). Compiled patterns are kept
 * in a cache of REGEX_CACHE_SIZE; a match gives up after REGEX_MATCH_LIMIT
 * backtracking steps or REGEX_DEPTH_LIMIT nested ones. */
#define REGEX_PATTERN_MAX 4096
#define REGEX_CACHE_SIZE 64
#define REGEX_MATCH_LIMIT 1000000
#define REGEX_DEPTH_LIMIT 10000

/* Sets *FOUND to whether PAT (PLEN bytes) matches somewhere in S (SLEN
 * bytes). Thread-safe. MIG_OK; MIG_EINVALID with WHY saying why (the
 * pattern is not valid or too long, either is not UTF-8, a limit was
 * reached); MIG_ENOMEM. */
mig_status_t regex_search(const char *pat, size_t plen, const char *s,
                          size_t slen, bool *found, strbuf_t *why);

/* ---- schemas ------------------------------------------------------------ */

/* JSON Schema 2020-12 over values (interpreter/schema.c, schema_kw.c;
 * docs/schema.md names the keywords): type (JSON Schema's type names and
 * mig's "duration"; "integer" is a number with no fraction), enum, const,
 * the object, array, number and string keywords, the combinators,
 * if/then/else and $ref. format is an annotation; other keywords are
 * ignored, as JSON Schema ignores what it does not know. schema.validate,
 * Lua's mig.schema.validate and the adapt.* recovery strategies share
 * it. */
enum {
    /* Lua's words: list items counted from 1 ($.tags[1]) and the schema's
     * maps called tables in messages. Without it items count from 0, as
     * mig indexes lists, and a map is a map. */
    SCHEMA_LUA = 1u << 0,
    /* Paths as JSON pointers ("" for the root, then /name, /0, ~0 and ~1
     * escaped), each violation a map {pointer, message} instead of a
     * string: schema.validate's form. */
    SCHEMA_POINTER = 1u << 1,
};

/* Validates VALUE against SCHEMA, appending to ERRORS (an unshared list)
 * one string "PATH: what is wrong" per violation, in the order met (PATH
 * starts at ROOT: "$", "config"; then .name, ["a b"], [0]). Keywords are
 * checked as the walk uses them: a keyword of the wrong kind there is an
 * error in the schema, not a violation: MIG_EINVALID, with "PATH: what is
 * wrong with it" written to WHY (violations already appended stay).
 * MIG_OK (ERRORS may be empty or not) or MIG_ENOMEM. */
mig_status_t schema_validate_at(const val_t *value, const val_t *schema,
                                const char *root, unsigned flags,
                                val_t *errors, strbuf_t *why);
/* schema_validate_at that may follow a $ref to a file in the folder BASE
 * (NULL: none; only plain file names, JSON or YAML, each read once). */
mig_status_t schema_validate_from(const val_t *value, const val_t *schema,
                                  const char *root, const char *base,
                                  unsigned flags, val_t *errors,
                                  strbuf_t *why);
/* schema_validate_at with ROOT "$" and no flags. */
mig_status_t schema_validate(const val_t *value, const val_t *schema,
                             val_t *errors, strbuf_t *why);
/* Checks SCHEMA itself, everywhere (every sub-schema of properties,
 * additionalProperties and items, whether a value would reach it or not),
 * with the messages of schema_validate_at; the place is a path into the
 * schema from ROOT ("schema.properties.days"). MIG_OK, MIG_EINVALID (WHY
 * says what is wrong) or MIG_ENOMEM. */
mig_status_t schema_check(const val_t *schema, const char *root,
                          unsigned flags, strbuf_t *why);
/* Whether V is of the schema type named T (one of the names above). */
bool schema_is_type(const val_t *v, const char *t);
/* V's schema type name: "integer" for a number held as an integer,
 * "number" for a double, "array" for a list, "object" for a map, ... */
const char *schema_type_of(const val_t *v);
/* Appends KEY (LEN bytes) to a path the way schema messages write it:
 * ".name" for a name of letters, digits and _ not starting with a digit,
 * otherwise ["the key"] quoted as a .mig string. */
void schema_path_key(strbuf_t *path, const char *key, size_t len);

#endif
