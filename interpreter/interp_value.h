/* interp_value.h: part of interpreter.h, the interpreter layer's one public
 * header, which includes every part: include interpreter.h, not this.
 * Here: the value model: the one value type that the evaluator, the runtime,
 * Lua and the JSON and YAML readers and writers share, with its secrets
 * (docs/values.md). */
#ifndef MIG_INTERP_VALUE_H
#define MIG_INTERP_VALUE_H

#include "grammar.h"

/* ---- the value type --------------------------------------------------- */

/* A value: null, bool, number, string, list, map, duration or secret
 * (docs/values.md, "Secrets": bytes mig passes on but never shows). Values are
 * reference-counted heap objects (null, true and false are static and
 * never freed). The count is not atomic: a value belongs to one thread.
 *
 * Ownership: a function that returns val_t * returns a new reference the
 * caller must release with val_unref, unless its contract says
 * "borrowed". A function whose name ends in _take consumes the reference
 * it is given, even when it fails. Others add their own reference.
 *
 * Sharing: a list or map may be changed only while the caller holds its
 * only reference (val_refcount() == 1, checked by assert). Once shared, a
 * value is immutable; val_copy gives a private copy to change. */
typedef struct val val_t;

#define VAL_TYPES(X)                                                         \
    X(NULL, "null")                                                          \
    X(BOOL, "bool")                                                          \
    X(NUMBER, "number")                                                      \
    X(STRING, "string")                                                      \
    X(LIST, "list")                                                          \
    X(MAP, "map")                                                            \
    X(DURATION, "duration")                                                  \
    X(SECRET, "secret")

typedef enum val_type {
#define VAL_TYPE_ENUM(name, text) VAL_##name,
    VAL_TYPES(VAL_TYPE_ENUM)
#undef VAL_TYPE_ENUM
} val_type_t;

/* A value that a plan reads (JSON, YAML, Lua) or an expression builds
 * nests at most this deep; the readers and the evaluator refuse deeper
 * ones with VAL_TOO_DEEP, at the place. */
#define VAL_MAX_DEPTH 1000
#define VAL_TOO_DEEP "nested too deeply: more than 1000 levels of lists and maps"
/* Lists and maps themselves hold values up to this deep, which leaves
 * room for the records mig wraps around a plan's values (a journal row, a
 * dry run's description, a report); a push or set that would go deeper
 * fails. Every walk over a value may therefore recurse. */
#define VAL_MAX_HELD_DEPTH (4 * VAL_MAX_DEPTH)
/* The size of a value as limits count it (val_size): VAL_NODE_SIZE for
 * every value, plus the bytes of every string and map key; a value held
 * twice counts twice, so the size bounds every text made from it. */
#define VAL_NODE_SIZE 16
/* The largest value (val_size) an expression builds, and the most that
 * the aliases of one YAML document may stand for. */
#define VAL_MAX_SIZE ((uint64_t)16 << 20)
#define VAL_TOO_LARGE "value too large: more than 16 MiB"
/* Integers are exact up to 2^53 in magnitude; beyond, a number is a double. */
#define VAL_INT_LIMIT INT64_C(9007199254740992)
/* "No such index" from val_map_index. */
#define VAL_NPOS ((size_t)-1)

/* ---- constructors (each returns a new reference) ---------------------- */

/* Never NULL: static singletons. */
val_t *val_null(void);
val_t *val_bool(bool b);
/* An integer when |N| <= 2^53, otherwise the nearest double. NULL when out
 * of memory. */
val_t *val_int(int64_t n);
/* A double (even when D is whole: 1.0 stays a double). NULL when out of
 * memory, and NULL when D is NaN or infinite: those are never values, so
 * callers that compute D check isfinite() first to report it. */
val_t *val_double(double d);
/* A string of LEN bytes, copied; S must be valid UTF-8 (see
 * val_utf8_valid; asserted) and may hold NUL bytes. NULL when out of
 * memory. */
val_t *val_string(const char *s, size_t len);
val_t *val_cstring(const char *s);
/* A duration of MS milliseconds (negative allowed). NULL when out of
 * memory. */
val_t *val_duration(int64_t ms);
/* An empty list or map with room for HINT items. NULL when out of memory. */
val_t *val_list_new(size_t hint);
val_t *val_map_new(size_t hint);
/* A shallow copy: a new list or map holding new references to V's items
 * (its depth and order kept); for any other type, a new reference to V.
 * NULL when out of memory. */
val_t *val_copy(const val_t *v);

/* ---- references -------------------------------------------------------- */

/* Adds a reference; returns V. V may be NULL. */
val_t *val_ref(val_t *v);
/* Drops a reference, freeing V (and what only it held) at zero. NULL ok. */
void val_unref(val_t *v);
/* The reference count (UINT32_MAX for the static singletons). */
uint32_t val_refcount(const val_t *v);

/* ---- inspection -------------------------------------------------------- */

val_type_t val_type(const val_t *v);
/* "null", "bool", "number", "string", "list", "map", "duration",
 * "secret". */
const char *val_type_name(val_type_t t);
/* True for a number held as an integer (exact, |n| <= 2^53). */
bool val_is_int(const val_t *v);
/* The payloads. Each requires V to be of the type named (asserted). */
bool val_get_bool(const val_t *v);
int64_t val_get_int(const val_t *v);      /* V an integer (val_is_int) */
double val_get_number(const val_t *v);    /* any number, as a double */
int64_t val_get_ms(const val_t *v);       /* a duration */
/* The bytes of a string, NUL-terminated (LEN, if not NULL, gets the length;
 * the string may hold NUL bytes itself). Borrowed: valid while V lives. */
const char *val_get_str(const val_t *v, size_t *len);
/* Bytes of a string, items of a list, entries of a map; 0 otherwise (a
 * secret's length is not told). */
size_t val_len(const val_t *v);
/* The size of V (VAL_NODE_SIZE), in O(1); saturates near UINT64_MAX. */
uint64_t val_size(const val_t *v);

/* ---- lists ------------------------------------------------------------- */

/* Appends ITEM. Returns MIG_OK, MIG_ENOMEM, or MIG_EINVALID when LIST would
 * nest deeper than VAL_MAX_DEPTH or ITEM is LIST itself. LIST must be
 * unshared. push adds a reference to ITEM; push_take consumes the
 * caller's, also on failure. */
mig_status_t val_list_push(val_t *list, val_t *item);
mig_status_t val_list_push_take(val_t *list, val_t *item);
/* Item I, borrowed; NULL when I is out of range. */
val_t *val_list_get(const val_t *list, size_t i);

/* ---- maps -------------------------------------------------------------- */

/* Maps have string keys (any bytes, NUL included), keep insertion order,
 * and find a key in O(1) on average. */

/* Sets KEY (LEN bytes, valid UTF-8) to VALUE: an existing key keeps its
 * place and gets the new value; a new key goes last. Returns like
 * val_list_push; MAP must be unshared. set adds a reference to VALUE;
 * set_take consumes the caller's, also on failure. */
mig_status_t val_map_set(val_t *map, const char *key, size_t len,
                         val_t *value);
mig_status_t val_map_set_take(val_t *map, const char *key, size_t len,
                              val_t *value);
/* Like val_map_set_take, but KEY is a string value that a new entry keeps
 * itself instead of a copy of its bytes, so that many maps can share one
 * key (a reader's, the Lua bridge's). Consumes both references, also on
 * failure. */
mig_status_t val_map_set_key_take(val_t *map, val_t *key, val_t *value);
/* The value under KEY, borrowed; NULL when absent. */
val_t *val_map_get(const val_t *map, const char *key, size_t len);
/* The position of KEY in insertion order, or VAL_NPOS. */
size_t val_map_index(const val_t *map, const char *key, size_t len);
/* The key (a string value) and the value of entry I (I < val_len(MAP)),
 * borrowed. */
val_t *val_map_key(const val_t *map, size_t i);
val_t *val_map_value(const val_t *map, size_t i);
/* Removes KEY, keeping the order of the rest (O(n)). Returns whether KEY
 * was there. MAP must be unshared. */
bool val_map_delete(val_t *map, const char *key, size_t len);

/* ---- equality, order, text --------------------------------------------- */

/* Deep equality. Numbers compare by value (1 == 1.0, -0.0 == 0); a
 * duration never equals a number; maps are equal when they hold the same
 * keys with equal values, in any order; secrets when their recipes are
 * (the evaluator refuses == on them: this is mig's own bookkeeping). */
bool val_equal(const val_t *a, const val_t *b);
/* A total order consistent with val_equal: <0, 0 or >0. Values of
 * different types order by type: null < bool < number < duration < string
 * < list < map < secret. false < true; numbers by value; durations by
 * length; strings bytewise (code point order); lists element by element,
 * then the shorter first; maps by size, then entry by entry in key order;
 * secrets by their recipes (never their bytes). */
int val_compare(const val_t *a, const val_t *b);
/* Appends the canonical text of V: JSON-like, deterministic, one line,
 * maps in insertion order, durations bare (1m30s), doubles with a
 * fractional part or exponent (1.0, 1e+300). MIG_ENOMEM when OUT ran out. */
mig_status_t val_format(const val_t *v, strbuf_t *out);
/* Whether S is well-formed UTF-8 (no overlongs, surrogates, or code points
 * above U+10FFFF). NUL bytes are allowed. */
bool val_utf8_valid(const char *s, size_t len);

/* Appends "/" and KEY (LEN bytes) to the JSON pointer B, escaped as RFC
 * 6901 says ("~" as "~0", "/" as "~1"). */
void val_pointer_key(strbuf_t *b, const char *key, size_t len);

/* ---- JSON ---------------------------------------------------------------- */

/* Reads the whole of SRC as one JSON value (RFC 8259; a UTF-8 byte-order
 * mark is skipped). On MIG_OK *OUT is set (warnings, such as an integer
 * that lost precision, may have been added to DIAGS). On malformed input
 * returns MIG_EINVALID with one error at the exact place (a duplicate key
 * adds a note at the first one); MIG_ENOMEM when memory ran out. */
mig_status_t val_from_json(src_t *src, diag_list_t *diags, val_t **out);
/* The quick way of val_from_json (value_json_plain.c): when the N bytes S
 * are plain JSON (that file says what that is), true and *OUT the value
 * the full reader gives; false otherwise, also when memory ran out (the
 * full reader, val_from_json, then reads S and reports what is wrong).
 * The state store reads its values this way first (store_query.c). */
bool val_json_plain(const char *s, size_t n, val_t **out);
/* The full reader, on jansson, whatever SRC holds: val_from_json without
 * its quick way (for a caller that tried val_json_plain already, and for
 * the tests that compare the two). */
mig_status_t val_json_read_full(src_t *src, diag_list_t *diags,
                                val_t **out);

enum {
    VAL_JSON_PRETTY = 1u << 0,  /* two-space indent, one item a line */
    VAL_JSON_ASCII = 1u << 1,   /* non-ASCII as \u and 4 hex digits */
    /* A secret as {"$secret": RECIPE} (its sources, never its bytes), for
     * the state store, which reads it back sealed (val_secret_unseal);
     * without the flag a secret is written "***". */
    VAL_JSON_SEALED = 1u << 2,
    /* Every map's entries in the byte order of their keys (a key that
     * starts another first), not as inserted: canonical JSON (the
     * registry's records and digests). A secret's recipe is not sorted. */
    VAL_JSON_SORTED = 1u << 3,
};
/* Appends V as JSON (no trailing newline). Durations become strings in
 * their canonical text, secrets "***" (see VAL_JSON_SEALED). MIG_ENOMEM
 * when OUT ran out. */
mig_status_t val_to_json(const val_t *v, strbuf_t *out, unsigned flags);

/* ---- YAML ---------------------------------------------------------------- */

/* Reads SRC as one YAML document (YAML 1.2 core schema; see
 * docs/values.md). An empty stream is null; a second document is an
 * error. Returns like val_from_json. */
mig_status_t val_from_yaml(src_t *src, diag_list_t *diags, val_t **out);
/* Reads every document of SRC into a list (empty for an empty stream). */
mig_status_t val_from_yaml_stream(src_t *src, diag_list_t *diags,
                                  val_t **out);
/* Like val_from_yaml_stream (a list of every document), for the legacy
 * readers only (docs/legacy-formats.md, "Reading files leniently"): an
 * unknown tag keeps its node as the map {"$tag": "!!python/tuple",
 * "$value": NODE}, a plain scalar with '_' between digits ("250_000") is
 * the number without them, and a duplicate key keeps its last value; each
 * is a warning in DIAGS. */
mig_status_t val_from_yaml_lenient(src_t *src, diag_list_t *diags,
                                   val_t **out);
/* Appends V as one YAML document, block style, ending in a newline.
 * Durations become strings in their canonical text; strings that a YAML
 * reader could take for something else are quoted; shared values are
 * written in full (no anchors). MIG_ENOMEM when memory ran out,
 * MIG_EINVALID for a string longer than libyaml takes (2 GiB). */
mig_status_t val_to_yaml(const val_t *v, strbuf_t *out);

/* ---- secrets (secret.c; docs/values.md, "Secrets") -------------------- */

/* A secret holds bytes that mig passes to an action but never shows: every
 * printer of values (val_format, val_to_json, val_to_yaml, eval_to_text)
 * writes it as SECRET_MASK, the state store keeps only where it came from
 * (its recipe), and the evaluator refuses what would reveal it (compare,
 * convert, index, use as a key). Text joined with a secret (interpolation,
 * +) is a secret. Its bytes leave mig only through val_secret_reveal,
 * called where they go out: a command's arguments and environment, a
 * request's headers.
 *
 * Its RECIPE says how to get the bytes again (a resume, a rollback): a
 * list of parts, each a string (text joined to it, not secret) or a
 * source, a map of one entry:
 *   {"env": NAME}          the environment variable NAME;
 *   {"file": PATH}         the file PATH (secret_file's rules);
 *   {"command": [ARGV...]} the output of a command (secret_command's).
 * A secret read back from the store is sealed: it has its recipe but not
 * its bytes until val_secret_reveal fetches them from its sources. */
#define SECRET_MASK "***"
/* The most bytes a secret read from a file or a command may have. */
#define SECRET_MAX_BYTES 65536
/* How long a command that gives a secret may run (secret_command). */
#define SECRET_COMMAND_MS 10000

/* A new secret of the LEN bytes at BYTES (copied; any bytes but NUL),
 * fetched from SOURCE (a source map as above, borrowed: checked by
 * assert). The C API for whatever resolves secrets (secret_env,
 * secret_file, secret_command; a configuration's `secret:` references).
 * NULL when out of memory. */
val_t *val_secret_new(const char *bytes, size_t len, val_t *source);
/* A secret of the text of A then B (each a string or a secret, one at
 * least a secret): what interpolation and + give. Sealed when either is.
 * NULL when out of memory. */
val_t *val_secret_concat(const val_t *a, const val_t *b);
/* Whether V is a secret or a list or map that holds one (at any depth),
 * in O(1). */
bool val_holds_secret(const val_t *v);
/* The recipe of secret V (borrowed). */
val_t *val_secret_recipe(const val_t *v);
/* Whether secret V is sealed (its bytes not fetched yet). */
bool val_secret_sealed(const val_t *v);
/* The bytes of secret V, for the one place they leave mig: *BYTES (NUL-
 * terminated, borrowed while V lives) and *LEN. A sealed V fetches them
 * from its sources first (and keeps them); when a source fails (the
 * variable is gone, the file unreadable) returns MIG_EINVALID with WHY
 * naming it, never the bytes. MIG_ENOMEM when out of memory. */
mig_status_t val_secret_reveal(const val_t *v, const char **bytes,
                               size_t *len, strbuf_t *why);
/* Replaces in *V (a value read from JSON written with VAL_JSON_SEALED)
 * every map {"$secret": RECIPE} whose recipe is well formed by a sealed
 * secret, copying the lists and maps on the way (*V is released and
 * replaced when anything changed). MIG_OK or MIG_ENOMEM. */
mig_status_t val_secret_unseal(val_t **v);

/* The resolvers: each gives a new secret *OUT whose recipe names its
 * source, or MIG_EINVALID with WHY saying what is wrong (naming the
 * variable, file or program; never a byte of the value), or MIG_ENOMEM.
 * An empty value is refused, as is one holding a NUL byte. */
/* The environment variable NAME. */
mig_status_t secret_env(const char *name, val_t **out, strbuf_t *why);
/* The whole file PATH less one trailing newline ("\n" or "\r\n"); a
 * regular file of at most SECRET_MAX_BYTES, not readable by others (mode
 * o+r is refused: chmod o-r PATH). */
mig_status_t secret_file(const char *path, val_t **out, strbuf_t *why);
/* The standard output, less one trailing newline, of the command ARGV (a
 * list of strings, run without a shell, found on PATH; stdin /dev/null,
 * stderr discarded): it must exit 0 within TIMEOUT_MS (<= 0:
 * SECRET_COMMAND_MS; killed after) and write at most SECRET_MAX_BYTES. */
mig_status_t secret_command(const val_t *argv, int64_t timeout_ms,
                            val_t **out, strbuf_t *why);
/* The secret from SOURCE, a source map as above, by its resolver (a
 * command with the default time). MIG_EINVALID for a map that is no
 * source. */
mig_status_t secret_resolve(const val_t *source, val_t **out, strbuf_t *why);

#endif
