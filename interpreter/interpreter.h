/* interpreter.h: the public face of mig's interpreter layer. For now it is
 * the value model: the one value type that the evaluator, the runtime, Lua
 * and the JSON and YAML readers and writers share. Name resolution, the
 * evaluator and the execution graph will join it here. It sits on
 * grammar.h, the layer below (status codes, sources, diagnostics, strbuf).
 * docs/values.md is the user's description of everything declared here. */
#ifndef MIG_INTERPRETER_H
#define MIG_INTERPRETER_H

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

enum {
    VAL_JSON_PRETTY = 1u << 0,  /* two-space indent, one item a line */
    VAL_JSON_ASCII = 1u << 1,   /* \uXXXX escapes for everything non-ASCII */
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

/* ---- execution graph -------------------------------------------------- */

/* The compiled form of a plan: the only thing the runtime, the journal and
 * the exports see (they never walk the AST). Nodes are numbered 0..n-1 in
 * a deterministic order (the plan read top to bottom); every node has a
 * stable id derived from the plan's structure (docs/graph.md), so the
 * journal and a designer can name it across edits of the plan. A graph
 * owns an arena holding everything in it; graph_free releases it at once.
 * It also keeps pointers into the AST and the source it was compiled
 * from: both must outlive it. */
typedef struct graph graph_t;

/* X(ENUM, "name"): every kind of node, with its name in the JSON form. */
#define GRAPH_NODE_KINDS(X)                                                   \
    X(STAGE_ENTER, "stage-enter")                                            \
    X(STAGE_EXIT, "stage-exit")                                              \
    X(STEP, "step")                                                          \
    X(UNDO, "undo")              /* a step's compensation call */            \
    X(CHECKPOINT, "checkpoint")                                              \
    X(SNAPSHOT, "snapshot")      /* snapshot NAME: a full copy, kept */     \
    X(VERIFY, "verify")                                                      \
    X(LET, "let")                                                            \
    X(BRANCH, "if")                                                          \
    X(JOIN, "if-join")                                                       \
    X(FANOUT, "foreach")                                                     \
    X(FANIN, "foreach-join")                                                 \
    X(RETRY_ENTER, "retry")                                                  \
    X(RETRY_EXIT, "retry-exit")                                              \
    X(RECOVER, "recover")                                                    \
    X(DECISION, "decision")                                                  \
    X(HOOK_ENTER, "hook")                                                    \
    X(HOOK_EXIT, "hook-exit")

typedef enum graph_node_kind {
#define GRAPH_NODE_ENUM(e, s) GRAPH_##e,
    GRAPH_NODE_KINDS(GRAPH_NODE_ENUM)
#undef GRAPH_NODE_ENUM
    GRAPH_NODE_KIND_COUNT
} graph_node_kind_t;

/* X(ENUM, "name"): every kind of edge. */
#define GRAPH_EDGE_KINDS(X)                                                   \
    X(SEQ, "seq")       /* runs next, in the same block */                    \
    X(AFTER, "after")   /* stage exit -> the entry of a stage after it */     \
    X(ERROR, "error")   /* scope -> its handlers, most specific first */      \
    X(UNDO, "undo")     /* step -> its compensation */                        \
    X(LOOP, "loop")     /* fan-out -> body, body end -> fan-in */             \
    X(THEN, "then")     /* branch -> its then block */                        \
    X(ELSE, "else")     /* branch -> its else block */

typedef enum graph_edge_kind {
#define GRAPH_EDGE_ENUM(e, s) GRAPH_EDGE_##e,
    GRAPH_EDGE_KINDS(GRAPH_EDGE_ENUM)
#undef GRAPH_EDGE_ENUM
    GRAPH_EDGE_KIND_COUNT
} graph_edge_kind_t;

/* "No such node": from the lookups, and as a node's stage or scope. */
#define GRAPH_NONE UINT32_MAX

typedef struct graph_edge {
    uint32_t from, to;
    graph_edge_kind_t kind;
} graph_edge_t;

/* Compiles PLAN (parsed from SRC without errors) into a graph. Reports the
 * errors only the graph sees (unknown or cyclic `after`, duplicate stage,
 * step and checkpoint names, `rollback to` an unknown checkpoint) to DIAGS
 * with SRC as their file. Returns MIG_OK with *OUT set, MIG_EINVALID (*OUT
 * NULL) when there were errors, or MIG_ENOMEM. */
mig_status_t graph_compile(const ast_plan_t *plan, src_t *src,
                           diag_list_t *diags, graph_t **out);
/* Frees G and everything it owns (not the AST or the source). NULL ok. */
void graph_free(graph_t *g);

/* The plan's name, and the source the graph came from (borrowed). */
const char *graph_plan_name(const graph_t *g);
/* The plan the graph was compiled from (borrowed: the caller's AST), for
 * the plan-level items that make no node (params, profiles, lua, errors). */
const ast_plan_t *graph_plan(const graph_t *g);
/* The parent of error class CLS, built in or declared by the plan
 * (`error NAME : PARENT`), or NULL for a root or an unknown class. */
const char *graph_class_parent(const graph_t *g, const char *cls);
src_t *graph_src(const graph_t *g);

uint32_t graph_node_count(const graph_t *g);
/* The node whose id is ID, or GRAPH_NONE. */
uint32_t graph_find(const graph_t *g, const char *id);
/* Node I's properties (I < graph_node_count; asserted). Strings are
 * borrowed from G. */
graph_node_kind_t graph_node_kind(const graph_t *g, uint32_t i);
const char *graph_node_id(const graph_t *g, uint32_t i);
const char *graph_node_label(const graph_t *g, uint32_t i);
const src_span_t *graph_node_span(const graph_t *g, uint32_t i);
/* The statement the node came from, whose expressions the runtime
 * evaluates: the STEP for a step and for its undo node (u.step.undo), the
 * FOREACH for fan-out and fan-in, the STAGE for stage entry and exit, and
 * so on. Never NULL. */
const ast_node_t *graph_node_ast(const graph_t *g, uint32_t i);
/* The entry node of the node's stage (a stage entry gives itself), or
 * GRAPH_NONE at plan level. */
uint32_t graph_node_stage(const graph_t *g, uint32_t i);
/* The innermost scope holding the node: the entry node of a stage,
 * foreach, retry, if, recover block or hook, or GRAPH_NONE at plan level.
 * Follow it again for the scopes further out. */
uint32_t graph_node_scope(const graph_t *g, uint32_t i);
const char *graph_node_kind_name(graph_node_kind_t k);

/* Every edge, in a deterministic order. */
uint32_t graph_edge_count(const graph_t *g);
graph_edge_t graph_edge(const graph_t *g, uint32_t i);
/* The edges leaving node I, in the order they were made (error edges most
 * specific handler first); *N gets their number. Borrowed from G. */
const graph_edge_t *graph_out(const graph_t *g, uint32_t i, uint32_t *n);
const char *graph_edge_kind_name(graph_edge_kind_t k);

/* Appends the mig source S (LEN bytes: an expression, a call, a name) as
 * one line that means the same: comments are dropped, each run of white
 * space between tokens becomes one space (none at either end), and a line
 * break inside a string becomes the escape \n. Text written this way
 * reads back unchanged. Labels show expressions so, and the mig-graph JSON
 * carries them so. Returns false when S ends inside a string, a ${...} or
 * a block comment (what was appended is then not meaningful). */
bool graph_put_source(strbuf_t *out, const char *s, size_t len);

/* Walking the flow (the dry run and the scheduler): the node after N
 * along a sequence or loop edge; the first node of an edge of KIND out of
 * N; the node that closes the block N opens (WHAT "join" for a foreach or
 * an if, "exit" for a stage, a retry or a hook). GRAPH_NONE when there is
 * none. */
uint32_t graph_flow_next(const graph_t *g, uint32_t n);
uint32_t graph_edge_to(const graph_t *g, uint32_t n, graph_edge_kind_t kind);
uint32_t graph_end_of(const graph_t *g, uint32_t n, const char *what);

/* Calls FN(DATA, NAME) for every step that BODY, a block of an if,
 * binds in the enclosing scope: its own steps and those of the if and
 * retry blocks inside it, not those of a foreach body or a recover block
 * (docs/checks.md, "How names resolve"). The run and the dry run bind
 * them to null when the if does not take BODY, so that the rest of the
 * stage reads them as the checker lets it. */
void graph_block_steps(const ast_list_t *body,
                       void (*fn)(void *data, const char *name), void *data);

/* The stages in an order they may run in: each after the stages it names
 * in `after`, ties in file order. Entries are stage-enter node indexes. */
uint32_t graph_stage_count(const graph_t *g);
uint32_t graph_stage_at(const graph_t *g, uint32_t k);

/* ---- expressions -------------------------------------------------------- */

/* A scope: names bound to values, with a parent scope looked up after it.
 * docs/expressions.md states the rules the evaluator follows. */
typedef struct eval_env eval_env_t;

/* A new empty scope over PARENT (NULL for the outermost). PARENT must
 * outlive it. NULL when out of memory. */
eval_env_t *eval_env_new(eval_env_t *parent);
/* Frees ENV and the references it holds (not its parent). NULL ok. */
void eval_env_free(eval_env_t *env);
/* Frees ENV as eval_env_free does and returns its parent: the scope of
 * a block that ends. */
eval_env_t *eval_env_pop(eval_env_t *env);
/* Binds NAME to VALUE in ENV itself, adding a reference (a name bound
 * again gets the new value). MIG_OK or MIG_ENOMEM. */
mig_status_t eval_env_set(eval_env_t *env, const char *name, val_t *value);
/* The value of NAME in ENV or the nearest parent binding it, borrowed;
 * NULL when no scope binds it. */
val_t *eval_env_get(const eval_env_t *env, const char *name);

/* Calls of actions in expressions (`file.exists(path: p)`) go to a
 * function the runtime sets on a scope; its children see it too. FN gets
 * the CALL node, the action's dotted NAME and the evaluated arguments in
 * the order written (borrowed), and returns like eval_expr. Without one, a
 * call of a dotted name is an error ("actions run only in steps"). */
typedef mig_status_t (*eval_action_fn)(void *data, const ast_node_t *call,
                                       const char *name,
                                       val_t *const *args, src_t *src,
                                       diag_list_t *diags, val_t **out);
void eval_env_set_actions(eval_env_t *env, eval_action_fn fn, void *data);
/* Says that names left unbound in ENV and the scopes over it are expected
 * (the dry run binds only what it knows): an undefined name is reported
 * without a "did you mean" hint, which would compare it with every name
 * in scope. Set it before any child scope is made. */
void eval_env_expect_unbound(eval_env_t *env);

/* Evaluates expression E in ENV (NULL: no names bound) into *OUT, a new
 * reference. Every runtime error is reported to DIAGS (with SRC, at the
 * span of the sub-expression at fault) and gives MIG_EINVALID; MIG_ENOMEM
 * when memory ran out. *OUT is set only on MIG_OK, and nothing is leaked
 * on failure. */
mig_status_t eval_expr(const ast_node_t *e, eval_env_t *env, src_t *src,
                       diag_list_t *diags, val_t **out);

/* Appends V as "${...}" inserts it into a string: a string as it is,
 * other scalars in their canonical text (1500, 1m30s, true, null), lists
 * and maps as compact JSON. MIG_ENOMEM when OUT ran out. */
mig_status_t eval_to_text(const val_t *v, strbuf_t *out);

/* ---- error classes ------------------------------------------------------ */

/* X(ENUM, "Name", PARENT): the built-in error classes (docs/language.md,
 * "Error classes"), each under its parent (NONE for a root). A plan adds
 * classes of its own with `error NAME : PARENT`. */
#define ERROR_CLASSES(X)                                                     \
    X(TRANSIENT, "Transient", NONE)                                         \
    X(TIMEOUT, "Timeout", TRANSIENT)                                        \
    X(UNAVAILABLE, "Unavailable", TRANSIENT)                                \
    X(PERMANENT, "Permanent", NONE)                                         \
    X(PARAM_MISMATCH, "ParamMismatch", PERMANENT)                           \
    X(METHOD_NOT_FOUND, "MethodNotFound", PERMANENT)                        \
    X(MISSING_DEPENDENCY, "MissingDependency", PERMANENT)                   \
    X(INVALID_CONFIG, "InvalidConfig", PERMANENT)                           \
    X(CONFLICT, "Conflict", PERMANENT)                                      \
    X(VALIDATION_FAILED, "ValidationFailed", PERMANENT)                     \
    X(POLICY_DENIED, "PolicyDenied", PERMANENT)                             \
    X(EXPRESSION_ERROR, "ExpressionError", PERMANENT)                       \
    X(SCRIPT_ERROR, "ScriptError", NONE)

typedef enum error_class {
#define ERROR_CLASS_ENUM(e, s, p) ERROR_##e,
    ERROR_CLASSES(ERROR_CLASS_ENUM)
#undef ERROR_CLASS_ENUM
    ERROR_CLASS_COUNT,
    ERROR_NONE = ERROR_CLASS_COUNT
} error_class_t;

/* ---- "did you mean" (eval_builtins.c) --------------------------------- */

/* Looks for the candidate closest to NAME by edit distance (at most 2,
 * and at most a third of NAME), or else one that NAME abbreviates or that
 * abbreviates NAME (a common beginning of 3 bytes or more: "dir" and
 * "directory"); every "did you mean" of mig comes from here. Feed
 * every candidate to eval_suggest_consider; BEST is then the suggestion,
 * or NULL when none is close enough to be worth a "did you mean". */
#define EVAL_SUGGEST_PREFIX 3   /* the rank of an abbreviation */
typedef struct eval_suggest {
    const char *name;
    const char *best;
    size_t dist;
} eval_suggest_t;

void eval_suggest_init(eval_suggest_t *s, const char *name);
void eval_suggest_consider(eval_suggest_t *s, const char *candidate);

/* The built-in class named NAME, or ERROR_NONE. */
error_class_t error_class_find(const char *name);
const char *error_class_name(error_class_t c);
/* The parent of C, or ERROR_NONE for a root. */
error_class_t error_class_parent(error_class_t c);

/* ---- actions ------------------------------------------------------------ */

/* Every action a step can call (the stdlib's in C, later Lua's) is one row
 * of a table registered in an action_registry_t. The interpreter checks
 * calls against the rows before anything runs; the runtime calls their
 * functions. docs/actions.md lists the rows of the standard library. */

/* X(ENUM, "name", "what it means"): what running an action does to the
 * state a plan manages, and so how a step that calls it is undone. */
#define ACTION_EFFECTS(X)                                                     \
    X(PURE, "pure", "reads only; may also be called in expressions")         \
    X(SELF_UNDO, "self-undo", "changes state and records how to undo it")    \
    X(PLAN_UNDO, "plan-undo", "changes state; undone only by the step's undo") \
    X(IRREVERSIBLE, "irreversible", "changes state for good")

typedef enum action_effect {
#define ACTION_EFFECT_ENUM(e, s, d) ACTION_##e,
    ACTION_EFFECTS(ACTION_EFFECT_ENUM)
#undef ACTION_EFFECT_ENUM
} action_effect_t;

/* Type masks for arguments and results: one bit per val_type_t. */
#define ACTION_T(type) (1u << VAL_##type)
/* Any value but a secret: a secret goes only where a row says so (an
 * argument's .secrets). */
#define ACTION_T_ANY 0x7fu

/* One argument of an action. Positional arguments fill the rows in order;
 * named ones go to the row of that name. */
typedef struct action_arg {
    const char *name;
    unsigned types;         /* ACTION_T_* mask of the values accepted */
    bool required;
    /* A path the call changes: it must lie in the plan's write roots
     * (roots.c), checked by mig check when the plan spells it out, by the
     * dry run and by the run before the call. */
    bool writes;
    /* A path the call writes whole (file.write's path, the `to` of copy
     * and move): two calls the plan does not order (items of one
     * foreach) writing it in one run are a Conflict, unless the call's
     * `replace` argument is true (docs/runtime.md, "Same-path writes"). */
    bool replaces;
    const char *def;        /* default as JSON text, or NULL (no value) */
    const char *doc;
    /* It takes secrets (docs/values.md, "Secrets"): a secret where it
     * takes a string, and lists and maps that hold secrets. The action
     * reads their bytes only with val_secret_reveal, where they leave
     * mig. Without it, a value that is or holds a secret is refused. */
    bool secrets;
} action_arg_t;

/* The context an action's functions get from the runtime: where relative
 * paths start, what it may read and, outside a dry run, change, and where
 * it reports an error or a preview. Defined by the runtime (runtime.h). */
typedef struct action_ctx action_ctx_t;

/* ARGS is a map holding every argument of the row that has a value (given,
 * or its default), checked against the row. A function returns MIG_OK
 * (setting *RESULT to a new reference where it gives one), or reports
 * through CTX and returns MIG_EINVALID / MIG_ENOMEM. */
typedef mig_status_t (*action_fn)(action_ctx_t *ctx, const val_t *args,
                                  val_t **result);
/* Appends what a call with the bound arguments ARGS reaches (action_t,
 * target_of); MIG_OK or MIG_ENOMEM. */
typedef mig_status_t (*action_target_fn)(const val_t *args, strbuf_t *out);
/* `per: "action"` in a breaker: one breaker for the whole action, even
 * for a row that keeps one per target by default (action_t, target_of). */
#define BREAKER_PER_ACTION "action"

typedef struct action {
    const char *name;       /* "file.write": namespace, dot, name */
    action_effect_t effect;
    const action_arg_t *args;   /* ended by a row with name NULL */
    unsigned result;        /* ACTION_T_* mask of what it gives */
    /* Says what the call would do without doing it: a pure action
     * computes its result; others record the changes they would make
     * (runtime.h, actx_would). Gets a read-only context. */
    action_fn preview;
    /* SELF_UNDO actions only, called before run with the same ARGS:
     * keeps what the call will change (runtime.h, actx_keep) and gives as
     * *RESULT the undo record, a value the journal stores before run is
     * called and hands back to undo. Changes nothing. */
    action_fn capture;
    /* Does it. May finish later (runtime.h, actx_suspend). */
    action_fn run;
    /* Reverses run: ARGS is the record capture gave. Idempotent: undoing
     * twice, or undoing a call whose run never happened, leaves the state
     * as capture found it. */
    action_fn undo;
    /* Whether the effect of run with ARGS is already in place (*RESULT a
     * bool): asked on resume for a step that was in flight when the
     * process died. NULL: such a step is undone and run again. */
    action_fn applied;
    /* Its run calls actx_started before its effect can begin (exec.run):
     * a journal record of it that has no process never began, so it has
     * nothing to undo and runs again on resume; one that has a process is
     * settled by applied (docs/actions.md, "Run at most once"). */
    bool reports_start;
    const char *doc;
    /* The row's own data, for rows made at run time (a Lua module's
     * functions): its functions reach it through actx_action. */
    void *data;
    /* A row that takes any arguments (ARGS NULL: a Lua function's) may
     * still say which names it reads (ended by a row with name NULL):
     * `mig check` reports a named argument not among them. NULL: any. */
    const action_arg_t *reads;
    /* For a row whose calls differ in effect (http.request: a GET reads,
     * a PUT changes): the effect of one call, ARGS its bound arguments.
     * `mig check` passes only what it knows before the run: the literal
     * strings, the defaults, and null for any other argument the call
     * gives (its value unknown), so an argument that is absent or null
     * may be anything: the function then answers EFFECT. NULL: every
     * call has EFFECT. */
    action_effect_t (*effect_of)(const struct action *row,
                                 const val_t *args);
    /* The target a call reaches, for circuit breakers (docs/language.md,
     * "breaker"): a breaker on this row without `per` keeps one breaker
     * per target (http.request: "scheme://host:port" of its url).
     * Appends it to OUT, ARGS the call's bound arguments. NULL: one
     * breaker for the action. */
    action_target_fn target_of;
    /* What the journal and the step's record keep of a call's arguments
     * ARGS, as a new value (http.request: credentials as "***", the body
     * as its digest); NULL when out of memory. NULL (no function): the
     * arguments as they are. */
    val_t *(*journal_args)(const val_t *args);
} action_t;

/* The effect of a call of A with the bound arguments ARGS (A's effect_of,
 * or its effect). */
action_effect_t action_call_effect(const action_t *a, const val_t *args);

/* A recovery strategy's function (recover CLASS with NAME). ERR is the
 * error as a recover block sees it (docs/recovery.md, "The error"):
 * {class, message, node, item, attempt, span, input, detail}, INPUT being
 * the failed call's arguments and DETAIL what the action said of the
 * error (a map, or null). ARGS are the arguments written in `with
 * NAME(...)`, bound to the row with their defaults. It gives *DECISION,
 * a new map, one of:
 *   {decision: "retry", input: MAP, changes: [TEXT...]}: call the failed
 *     step again, each argument named in INPUT replaced by its value;
 *   {decision: "fail", message: TEXT, changes: [TEXT...]}: the error
 *     cannot be repaired, and why (the item fails with its class);
 *   {decision: "after", on: [NAME...], by: KEY}: run the items of the
 *     enclosing foreach that NAME (item[KEY], or the item itself when it
 *     is a string) first, then call again (adapt.resolve_dependency).
 * CHANGES (may be empty) say what was changed, one line each: the journal
 * keeps them and `mig log` shows them. Returns MIG_OK; MIG_EINVALID,
 * reported through CTX (actx_fail), when the strategy cannot run at all
 * (its own arguments are wrong: then both errors are reported); or
 * MIG_ENOMEM. */
typedef mig_status_t (*handler_fn)(action_ctx_t *ctx, const val_t *err,
                                   const val_t *args, val_t **decision);

/* A recovery strategy: a row with the arguments a plan may give it and
 * its function. */
typedef struct action_handler {
    const char *name;       /* "adapt.params" */
    const action_arg_t *args;
    handler_fn run;
    const char *doc;
} action_handler_t;

typedef struct action_registry action_registry_t;

/* A new empty registry; NULL when out of memory. */
action_registry_t *action_registry_new(void);
void action_registry_free(action_registry_t *r);
/* Adds the N rows of TABLE (borrowed: it must outlive R, a static table).
 * A name already present is a programming error (asserted). MIG_OK or
 * MIG_ENOMEM. Each row's defaults are read once, here. */
mig_status_t action_registry_add(action_registry_t *r, const action_t *table,
                                 size_t n);
mig_status_t action_registry_add_handlers(action_registry_t *r,
                                          const action_handler_t *table,
                                          size_t n);
/* The row named NAME, or NULL. */
const action_t *action_find(const action_registry_t *r, const char *name);
const action_handler_t *action_find_handler(const action_registry_t *r,
                                            const char *name);
/* Whether some action or handler is named NS.something. */
bool action_has_namespace(const action_registry_t *r, const char *ns,
                          size_t len);
/* The rows, sorted by name (for docs and `mig help actions`). */
size_t action_count(const action_registry_t *r);
const action_t *action_at(const action_registry_t *r, size_t i);
size_t action_handler_count(const action_registry_t *r);
const action_handler_t *action_handler_at(const action_registry_t *r,
                                          size_t i);
/* The registered action or handler name closest to NAME, for a "did you
 * mean", or NULL when none is close. */
const char *action_suggest(const action_registry_t *r, const char *name);
/* The default of argument row A (of a registered table), borrowed; NULL
 * when it has none. */
val_t *action_arg_default(const action_registry_t *r, const action_arg_t *a);
const char *action_effect_name(action_effect_t e);
/* "a string", "a number or a duration", "any value": for messages. */
void action_types_text(unsigned types, strbuf_t *out);

/* Checks CALL (an AST_CALL) against the argument rows ARGS, knowing of each
 * of its arguments, in the order written, only the types it may have
 * (TYPES[i], an ACTION_T_* mask; ACTION_T_ANY when unknown). Reports an
 * unknown name (with "did you mean"), a missing required argument, too
 * many positional ones, or a type that cannot fit, at the argument in SRC.
 * WHAT names the callee in messages ("file.write"). MIG_OK, MIG_EINVALID
 * or MIG_ENOMEM. */
mig_status_t action_check_call(const char *what, const action_arg_t *args,
                               const ast_node_t *call, const unsigned *types,
                               src_t *src, diag_list_t *diags);
/* Binds the evaluated arguments VALUES of CALL (borrowed, in the order
 * written) to the rows ARGS like action_check_call, and fills in defaults,
 * into a new map *OUT in the order of the rows. ARGS NULL (a row that
 * takes any arguments: a Lua function's) binds a named argument under its
 * name and the Nth positional one under "N" (R is not used then); a name
 * given twice is an error at its place. */
mig_status_t action_bind_args(const action_registry_t *r, const char *what,
                              const action_arg_t *args,
                              const ast_node_t *call, val_t *const *values,
                              src_t *src, diag_list_t *diags, val_t **out);

/* ---- write roots (roots.c) ---------------------------------------------- */

/* The folders a plan may change: its own folder, then each folder its
 * `writes` items name (relative to the plan's folder, or absolute), in
 * the order given (docs/language.md, "writes"). Reads are not bounded. */
typedef struct roots_memo roots_memo_t;
typedef struct write_roots {
    char **paths;               /* absolute, normalized: "/a/b" */
    char **given;               /* as the plan wrote them ("." first) */
    size_t n;
    bool real;                  /* resolved through symbolic links */
    roots_memo_t *memo;         /* roots_remember's, or NULL */
} write_roots_t;

/* The roots of PLAN, whose folder is DIR ("" or relative: from the
 * working directory), into *OUT (roots_free it). Lexical: no file is
 * looked at. MIG_OK or MIG_ENOMEM. */
mig_status_t roots_of_plan(const ast_plan_t *plan, const char *dir,
                           write_roots_t *out);
/* Adds the N folders PATHS (absolute, or relative to the working
 * directory: mig.yaml's write_roots) to R, before it is resolved; each is
 * named in messages as written. MIG_OK or MIG_ENOMEM. */
mig_status_t roots_add_all(write_roots_t *r, const char *const *paths,
                           size_t n);
/* Resolves each root through symbolic links (the longest part of it that
 * exists), as roots_contain then resolves each path: what the run uses,
 * so that a link inside a root cannot lead a write out of it. */
mig_status_t roots_resolve(write_roots_t *r);
/* From now on R remembers what it finds out about the files (the working
 * directory, which names exist, where links lead), so that each path
 * shares the work done for the folders above it: a path costs one look
 * at each folder not seen before, not a resolution from "/". Only for a
 * caller during which nothing changes the files: the static checks, not
 * a run. roots_free frees it. MIG_OK or MIG_ENOMEM. */
mig_status_t roots_remember(write_roots_t *r);
void roots_free(write_roots_t *r);
/* *INSIDE: whether PATH (relative to DIR, or absolute) lies in one of the
 * roots R (a root itself included), after ".." is taken back and, when R
 * was resolved, the part of PATH that exists is resolved through
 * symbolic links. MIG_OK or MIG_ENOMEM. */
mig_status_t roots_contain(const write_roots_t *r, const char *dir,
                           const char *path, bool *inside);
/* PATH (relative to DIR, or absolute) as roots_contain compares it: one
 * absolute name, resolved through symbolic links when R was. NULL when
 * out of memory. */
char *roots_path(const write_roots_t *r, const char *dir, const char *path);
/* Appends the roots to OUT for a message, as the plan wrote them: "the
 * plan's folder, '../shared'". */
mig_status_t roots_text(const write_roots_t *r, strbuf_t *out);
/* The first argument of a call to an action whose rows are ROWS, bound
 * to ARGS (a map), that names a path the call changes (a row with
 * .writes) outside the roots R: *ARG gets the row's name and *PATH the
 * path (borrowed from ARGS), both NULL when every one lies in R. MIG_OK
 * or MIG_ENOMEM. */
mig_status_t roots_check_args(const write_roots_t *r, const char *dir,
                              const action_arg_t *rows, const val_t *args,
                              const char **arg, const char **path);

/* ---- static checks ------------------------------------------------------ */

enum {
    CHECK_STRICT = 1u << 0,     /* warnings about undo become errors */
};

/* Checks PLAN (parsed from SRC without errors) beyond its syntax, without
 * running it: every name resolves (parameters, lets, steps, stages,
 * checkpoints' stages, error classes, Lua modules, actions and handlers,
 * with "did you mean"), no name is bound twice in a scope, calls fit their
 * action's arguments, side-effecting steps can be undone, rollbacks aim at
 * checkpoints that can have been passed, retry policies make sense, and
 * the types that are visible without running fit. ACTIONS is the registry
 * calls are checked against. Lua module paths are taken from the plan
 * file's directory. Reports to DIAGS; returns MIG_OK when there were no
 * errors (warnings allowed), MIG_EINVALID, or MIG_ENOMEM. The whole-plan
 * checks of graph_compile (stage order, duplicate stages, steps and
 * checkpoints) are not repeated here. docs/checks.md lists every check. */
/* check_plan with the settings SET of mig.yaml (NULL: none known): its
 * write_roots are write roots too, and the name of each registry("NAME")
 * must be one of its registries. */
struct config_settings;
mig_status_t check_plan_with(const ast_plan_t *plan, src_t *src,
                             const action_registry_t *actions, unsigned flags,
                             const struct config_settings *set,
                             diag_list_t *diags);
mig_status_t check_plan(const ast_plan_t *plan, src_t *src,
                        const action_registry_t *actions, unsigned flags,
                        diag_list_t *diags);

/* ---- parameters and profiles ------------------------------------------ */

/* The values a run's parameters take (docs/language.md, "param"): each
 * declared parameter's default, replaced by the chosen profile's
 * assignment, replaced by a --param override. */
#define PARAM_ORIGINS(X)                                                      \
    X(DEFAULT, "default")                                                    \
    X(PROFILE, "profile")                                                    \
    X(CLI, "--param")                                                        \
    X(CONFIG, "mig.yaml")

typedef enum param_origin {
#define PARAM_ORIGIN_ENUM(e, s) PARAM_FROM_##e,
    PARAM_ORIGINS(PARAM_ORIGIN_ENUM)
#undef PARAM_ORIGIN_ENUM
} param_origin_t;

typedef struct params params_t;

/* Resolves the parameters of PLAN (parsed from SRC without errors).
 * Defaults are evaluated in file order, each seeing the parameters
 * declared before it. PROFILE (NULL: none) names a profile of the plan;
 * its assignments replace defaults. OVERRIDES are N_OVERRIDES texts
 * "NAME=VALUE" from the command line, applied in order (a later one wins);
 * VALUE is read as the type of the parameter's default (docs/cli.md).
 * Errors (an unknown profile or parameter, with "did you mean"; a value
 * of the wrong type; a default that fails to evaluate) go to DIAGS, those
 * about the command line without a file. Returns MIG_OK with *OUT set,
 * MIG_EINVALID, or MIG_ENOMEM. */
mig_status_t params_resolve(const ast_plan_t *plan, src_t *src,
                            const char *profile,
                            const char *const *overrides, size_t n_overrides,
                            diag_list_t *diags, params_t **out);
/* params_resolve with the project configuration CFG (NULL: none) layered
 * in (docs/configuration.md, "Layering"): the plan's defaults, then CFG's
 * defaults.params, then its profiles.PROFILE.params, then the plan's
 * profile PROFILE, then OVERRIDES. PROFILE may name a profile of CFG,
 * of the plan or of both; one of neither is an error listing both. A
 * CFG parameter the plan does not declare, or of another type than its
 * default, is an error at its place in CFG's file. */
struct config;
mig_status_t params_resolve_config(const ast_plan_t *plan, src_t *src,
                                   const struct config *cfg,
                                   const char *profile,
                                   const char *const *overrides,
                                   size_t n_overrides, diag_list_t *diags,
                                   params_t **out);
/* Checks that every parameter CFG sets, in its defaults and in each of
 * its profiles, is one PLAN declares, of its default's type; each error
 * at its place in CFG's file. MIG_OK, MIG_EINVALID or MIG_ENOMEM. */
mig_status_t params_check_config(const ast_plan_t *plan, src_t *src,
                                 const struct config *cfg,
                                 diag_list_t *diags);
void params_free(params_t *p);
/* Reads TEXT as a literal written in a plan (8, 2.5, 30s, ["a"],
 * { size: 5 }) into *OUT, a new value (NULL when it is not one): parsed
 * as the default of a one-line plan, so it follows the plan's own rules
 * (how --param and `mig serve --latency` read values). MIG_OK or
 * MIG_ENOMEM. */
mig_status_t params_read_literal(const char *text, val_t **out);
/* Where parameter I's value was written: "PLAN:LINE" for a default or a
 * plan profile, "MIGYAML:LINE" for the configuration, "--param" for the
 * command line (file names as given). A string of P. */
const char *params_where(const params_t *p, size_t i);
/* Whether parameter I holds a reference of mig.yaml, unresolved: its
 * value is then the masked text, and a run must not go on with it
 * (config_resolve_refs). */
bool params_unresolved(const params_t *p, size_t i);
/* Resolves every parameter of P that holds a reference of mig.yaml
 * (config_resolve_refs): its value becomes the secret or the text, and
 * it is no longer unresolved. Every failure is reported. The
 * configuration P was resolved with must still be alive. MIG_OK,
 * MIG_EINVALID or MIG_ENOMEM. */
mig_status_t params_resolve_refs(params_t *p, diag_list_t *diags);
/* The parameters in declaration order. Strings and values are borrowed
 * from P. */
size_t params_count(const params_t *p);
const char *params_name(const params_t *p, size_t i);
val_t *params_value(const params_t *p, size_t i);
param_origin_t params_origin(const params_t *p, size_t i);
/* The profile P was resolved with, or NULL. */
const char *params_profile(const params_t *p);
const char *param_origin_name(param_origin_t o);
/* The parameters as a new list of maps {name, value, from} (`from` being
 * param_origin_name), in declaration order: what `mig plan` shows.
 * NULL when out of memory. */
val_t *params_to_value(const params_t *p);
/* The parameters as a new map name -> value (what a run records and
 * binds). NULL when out of memory. */
val_t *params_to_map(const params_t *p);
/* Binds every parameter in ENV. MIG_OK or MIG_ENOMEM. */
mig_status_t params_bind(const params_t *p, eval_env_t *env);

/* ---- circuit breakers --------------------------------------------------- */

/* The plan's `breaker` items (docs/language.md, "breaker"), for the
 * runtime: a new list *OUT of maps {target, failures, window_ms,
 * cooldown_ms, per}, in file order, with defaults filled (window_ms 60000;
 * per null when not given). TARGET is the string written ("registry.put",
 * "file.*"); the numbers are integers. PLAN must have parsed from SRC
 * without errors; whether targets name registered actions is check_plan's
 * business, not this function's. Settings that are wrong (unknown, not
 * literal, of the wrong type or range, missing) and a second breaker for
 * one target are reported to DIAGS: then MIG_EINVALID and *OUT is NULL.
 * MIG_OK, MIG_EINVALID or MIG_ENOMEM. */
mig_status_t breaker_configs(const ast_plan_t *plan, src_t *src,
                             diag_list_t *diags, val_t **out);

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

/* ---- the formatter (docs/fmt.md) -------------------------------------- */

/* Appends SRC laid out in the one canonical style to OUT (the whole text,
 * with its final newline). Refuses, with MIG_EINVALID and the reason in
 * DIAGS, a plan that does not parse, or one whose formatted text would not
 * parse to the same tokens, comments, tree and graph (positions aside):
 * OUT is then left as it was. MIG_ENOMEM when memory ran out. */
mig_status_t fmt_plan(src_t *src, diag_list_t *diags, strbuf_t *out);
/* Whether graphs A and B are the same, source positions aside: nodes
 * (ids, kinds, stages, scopes, and labels but for their white space,
 * since a label quotes the source as laid out), edges and the stage
 * order. */
bool fmt_same_graph(const graph_t *a, const graph_t *b);

/* ---- the project configuration (mig.yaml; docs/configuration.md) ------ */

#define CONFIG_FILE_NAME "mig.yaml"
#define CONFIG_VERSION 1        /* the one format version this mig reads */

typedef struct config config_t;

/* Looks for mig.yaml for a plan in folder DIR ("" the current one): DIR,
 * then each folder above it, up to the first that holds a .git entry (the
 * repository's top) or the filesystem's root. *PATH gets the file found
 * (a new string) or NULL. MIG_OK or MIG_ENOMEM. */
mig_status_t config_find(const char *dir, char **path);
/* Reads the mig.yaml at PATH and checks it against the schema
 * (config_schema.c), reporting every error (bounded by the diagnostic
 * list) with file:line:col. MIG_OK with *OUT set; MIG_EINVALID with *OUT
 * set too, since the errors point into its source (free it once they are
 * shown); MIG_EIO (unreadable) or MIG_ENOMEM with *OUT NULL. */
mig_status_t config_load(const char *path, diag_list_t *diags,
                         config_t **out);
/* The configuration of no file: every setting built in. NULL when out
 * of memory. */
config_t *config_builtin(void);
void config_free(config_t *c);
/* The file (NULL for config_builtin) and its source, for messages. */
const char *config_path(const config_t *c);
src_t *config_src(const config_t *c);
/* Whether the file defines profiles.NAME; its profile names in file
 * order. */
bool config_has_profile(const config_t *c, const char *name);
size_t config_profile_count(const config_t *c);
const char *config_profile_name(const config_t *c, size_t i);

/* A parameter the configuration sets: in defaults.params (PROFILE NULL)
 * or in profiles.PROFILE.params. VALUE is borrowed; a secret reference
 * or a string with ${NAME} is kept unresolved (config_resolve_refs). */
typedef struct config_param {
    const char *name;
    val_t *value;
    src_span_t key, at;         /* the key's place and the value's */
} config_param_t;
size_t config_params(const config_t *c, const char *profile,
                     const config_param_t **out);

/* The run-wide defaults of defaults/profiles `retry`, `timeout` and
 * `breaker` (docs/configuration.md): what a run applies where the plan
 * says nothing of its own (a step outside any retry block, a step without
 * `timeout`, an action no `breaker` item covers). Zero: none. */
typedef struct config_run_defaults {
    uint32_t retry_attempts;    /* every attempt, the first included; 0: none */
    ast_backoff_kind_t backoff;
    int64_t base_ms, max_ms;    /* the first wait (fixed: every wait), cap */
    ast_jitter_kind_t jitter;
    /* The classes retried (built-in names, static strings). */
    const char *retry_on[ERROR_CLASS_COUNT];
    size_t n_retry_on;
    int64_t timeout_ms;         /* a step's, 0: none */
    uint32_t breaker_failures;  /* 0: no default breaker */
    int64_t breaker_window_ms, breaker_cooldown_ms;
} config_run_defaults_t;

/* mig.yaml's alerts (docs/alerts.md): the thresholds of each condition
 * (a zero window, times or span: the condition is not set) and where a
 * firing goes. */
typedef struct config_alerts {
    double failure_above;       /* failure_rate: share of failed steps */
    int64_t failure_window_ms;
    double slow_times;          /* slow_run: times the history's median */
    double recovery_below;      /* recovery_share: share of failures fixed */
    int64_t recovery_window_ms;
    int64_t breaker_open_ms;    /* breaker_open: longer_than */
    bool rollback_mismatch;
    const val_t *command;       /* notify.command: a list of strings */
    const char *webhook;        /* notify.webhook: a URL */
} config_alerts_t;

/* The settings of C for PROFILE (NULL: the defaults) once layered, each
 * with where it came from ("mig.yaml:3" or "built-in"): what a run uses,
 * `mig config show` prints and a run records. STATE_DIR is absolute or
 * relative to the working directory (the file's folder joined). */
typedef struct config_settings {
    char *state_dir;            /* the folder of state.db and objects/ */
    bool durable_full;          /* durability: full */
    int64_t concurrency;        /* a cap on every foreach; 0: none */
    /* write_roots and lua_path, each joined to the file's folder. */
    char **write_roots, **lua_paths;
    size_t n_write_roots, n_lua_paths;
    /* lua_grants: module MODULE also gets library LIBRARY (strings of the
     * configuration). */
    struct config_grant {
        const char *module, *library;
    } *lua_grants;
    size_t n_lua_grants;
    config_run_defaults_t run_defaults;
    /* The registries a plan names with registry("NAME"), once the
     * profile's are laid over the others (docs/configuration.md,
     * "registries"). */
    struct config_registry {
        const char *name;
        char *path;             /* embedded: joined to the file's folder */
        const char *url;        /* remote (then PATH is NULL) */
        const val_t *token;     /* a remote one's token as written (a
                                 * reference, unresolved), or NULL */
    } *registries;
    size_t n_registries;
    config_alerts_t alerts;
} config_settings_t;
/* Fills *OUT for PROFILE (which C need not define) and *EFFECTIVE, a new
 * list of {key, value, from} in the order docs/configuration.md lists the
 * keys: every setting, registry and alert, secrets as their masked
 * reference (EFFECTIVE NULL: only *OUT). MIG_OK or MIG_ENOMEM. Free OUT
 * with config_settings_clear. */
mig_status_t config_effective(const config_t *c, const char *profile,
                              config_settings_t *out, val_t **effective);
void config_settings_clear(config_settings_t *s);

/* Whether V (a value of the configuration) is an unresolved reference: a
 * map {secret: {...}} or a string holding ${NAME}. */
bool config_is_ref(const val_t *v);
/* The masked text of reference V ("secret:env:NAME", "secret:file:PATH",
 * "secret:command:ARGV0", or the string itself for ${NAME}), a new
 * string value; NULL when out of memory. */
val_t *config_ref_text(const val_t *v);
/* Resolves reference V of parameter NAME into *OUT, for a run
 * (docs/configuration.md, "Secrets"): a `secret:` reference by its source
 * (secret_resolve; a relative file path joined to DIR, the folder of
 * mig.yaml, and made absolute) into a new secret whose recipe names that
 * source; a string with ${NAME} into a new string (not a secret), each
 * ${NAME} the environment variable's value. When it cannot be resolved
 * (a variable not set, a file missing or readable by others, a command
 * failing): MIG_EINVALID with an error at AT in SRC that names the source,
 * never a byte of the value. MIG_ENOMEM. */
mig_status_t config_resolve_refs(const char *name, const val_t *v,
                                 const char *dir, src_t *src,
                                 const src_span_t *at, diag_list_t *diags,
                                 val_t **out);

/* The registries of S as registry("NAME") gives them to a plan in folder
 * PLAN_DIR ("" the current one): a new map NAME -> target, a remote
 * registry's URL, an embedded one's path relative to PLAN_DIR when the
 * registry lies in PLAN_DIR's folder or below the folders above it that
 * hold it, else absolute. NULL when out of memory. */
val_t *config_registry_targets(const config_settings_t *s,
                               const char *plan_dir);
/* The bearer tokens of S's remote registries (S made by config_effective
 * of C for PROFILE), resolved for a run (docs/configuration.md,
 * "registries"): a new map *OUT from each URL (less trailing slashes) to
 * its token, a secret whose recipe names its sources (a ${NAME} text
 * too). When one cannot be resolved, or two registries of one URL have
 * different tokens: MIG_EINVALID, each said at the token's place in C's
 * file, *OUT NULL. MIG_ENOMEM. */
mig_status_t config_registry_tokens(const config_t *c, const char *profile,
                                    const config_settings_t *s,
                                    diag_list_t *diags, val_t **out);
/* Binds the registries registry("NAME") finds (a map NAME -> target, as
 * config_registry_targets makes them; borrowed, kept alive by the
 * caller) in ENV, for the scopes under it. */
void eval_env_set_registries(eval_env_t *env, const val_t *targets);

/* What changed from the effective configuration A to B (lists as
 * config_effective makes them, or as a run recorded them): a new list of
 * {key, change ("added", "removed", "changed"), old, new} in key order
 * of A then B. NULL when out of memory. */
val_t *config_diff(const val_t *a, const val_t *b);

#endif
