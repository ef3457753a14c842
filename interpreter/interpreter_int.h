/* interpreter_int.h: what the files of the interpreter layer share and no
 * other layer sees: the layout of values, and the text helpers the JSON and
 * YAML readers and writers have in common. */
#ifndef MIG_INTERPRETER_INT_H
#define MIG_INTERPRETER_INT_H

#include "interpreter.h"

/* ---- value layout ------------------------------------------------------ */

/* The static singletons carry this count and are never freed; a count that
 * reaches it sticks there (the value then lives until exit). */
#define VAL_IMMORTAL UINT32_MAX

enum {
    VAL_F_INT = 1u << 0,     /* a number held as int64 (|n| <= 2^53) */
    VAL_F_HASHED = 1u << 1,  /* a string's hash is cached */
    VAL_F_SECRETS = 1u << 2, /* a list or map holds a secret, at any depth */
};

struct val {
    uint32_t refs;
    uint8_t type;            /* val_type_t */
    uint8_t flags;
};

typedef struct val_num {
    val_t h;
    union {
        int64_t i;
        double d;
    } u;
} val_num_t;

typedef struct val_dur {
    val_t h;
    int64_t ms;
} val_dur_t;

typedef struct val_str {
    val_t h;
    uint32_t hash;           /* valid with VAL_F_HASHED */
    size_t len;
    char data[];             /* LEN bytes and a NUL */
} val_str_t;

typedef struct val_list {
    val_t h;
    uint32_t depth;          /* 1 + the deepest item's depth (an upper bound) */
    uint64_t size;           /* val_size, kept as items come and go */
    size_t len, cap;
    val_t **items;
} val_list_t;

typedef struct val_entry {
    val_t *key;              /* a string */
    val_t *value;
} val_entry_t;

typedef struct val_map {
    val_t h;
    uint32_t depth;
    uint32_t nslots;         /* 0 (linear search) or a power of two */
    uint64_t size;           /* val_size, kept as entries come and go */
    size_t len, cap;
    val_entry_t *entries;    /* in insertion order */
    uint32_t *slots;         /* open addressing: entry index + 1, 0 empty */
} val_map_t;

typedef struct val_secret {
    val_t h;
    val_t *recipe;           /* a list of parts (interpreter.h) */
    char *data;              /* LEN bytes and a NUL, malloc'd and wiped
                              * when freed; NULL while sealed */
    size_t len;
} val_secret_t;

/* Frees what secret V holds (not V itself), wiping its bytes. */
void val_secret_release(val_t *v);
/* Whether V is a secret's source: {env: NAME}, {file: PATH} (non-empty
 * strings without NUL) or {command: LIST} (secret.c). */
bool secret_source_valid(const val_t *v);

/* Depth of a value: 0 for scalars. */
uint32_t val_depth(const val_t *v);

/* Sets KEY (a string value) to VALUE in MAP, like val_map_set_take, but
 * keeps KEY itself for a new entry instead of copying its bytes. Consumes
 * both references, also on failure. */
mig_status_t val_map_set_key_take(val_t *map, val_t *key, val_t *value);

/* Readers share one string value among equal keys: documents repeat the
 * same few keys in every object. CACHE is a map (key -> null) owned by the
 * reader; keys up to VAL_INTERN_LEN bytes are kept, VAL_INTERN_MAX of them.
 * Returns a new reference to a string for S, or NULL when out of memory. */
#define VAL_INTERN_LEN 64
#define VAL_INTERN_MAX 4096
val_t *val_intern(val_t *cache, const char *s, size_t len);

/* ---- circuit breakers (breaker_config.c) ------------------------------ */

/* One `breaker "TARGET" { ... }` item, read: its settings with defaults
 * filled. TARGET and PER are borrowed from the tree. */
typedef struct breaker_item {
    const ast_node_t *node;     /* the BREAKER node */
    const char *target;         /* "registry.put" or "file.*" */
    int64_t failures, window_ms, cooldown_ms;
    const ast_arg_t *per;       /* the `per` entry, or NULL */
    const char *per_name;       /* its text, or NULL */
} breaker_item_t;

/* Reads breaker node N (from a plan that parsed cleanly, so its target is
 * a plain string) into *OUT, reporting to DIAGS every setting that is
 * unknown (with "did you mean"), not a literal, of the wrong type, out of
 * range or missing. Returns whether there was nothing to report. */
bool breaker_read(const ast_node_t *n, src_t *src, diag_list_t *diags,
                  breaker_item_t *out);
/* The first breaker item of PLAN before item I with the same target as
 * item I (a BREAKER), or NULL. */
const ast_node_t *breaker_earlier(const ast_plan_t *plan, uint32_t i);
/* Reports breaker N as a second one for its target, with a note at
 * FIRST. */
void breaker_report_twice(src_t *src, diag_list_t *diags,
                          const ast_node_t *n, const ast_node_t *first);

/* ---- string-keyed tables in an arena (smap.c) ------------------------- */

/* A string-keyed hash table in an arena (the graph's ids, the checker's
 * names): open addressing, at most half full, each key's hash and value
 * in its slot beside it, so that a probe reads one slot and compares
 * strings only when hashes match. */
typedef struct smap_slot {
    const char *key;            /* NULL: the slot is free */
    uint32_t hash, val;
} smap_slot_t;
typedef struct smap {
    smap_slot_t *slots;         /* one cache line holds four */
    uint32_t cap, len;
} smap_t;

/* What graph_smap_add did. */
typedef enum graph_smap_added {
    GRAPH_SMAP_NEW, GRAPH_SMAP_THERE, GRAPH_SMAP_OOM,
} graph_smap_added_t;

/* String-keyed tables. get gives GRAPH_NONE for a missing key; put keeps
 * KEY (it must live as long as the graph) and returns false when out of
 * memory. */
uint32_t graph_smap_get(const smap_t *m, const char *key);
bool graph_smap_has(const smap_t *m, const char *key);
bool graph_smap_put(arena_t *a, smap_t *m, const char *key, uint32_t val);
/* Adds KEY with VAL when it is not there (GRAPH_SMAP_NEW); when it is,
 * gives GRAPH_SMAP_THERE and sets its value to VAL only when REPLACE;
 * GRAPH_SMAP_OOM when out of memory. One probe, where has-then-put takes
 * two. */
graph_smap_added_t graph_smap_add(arena_t *a, smap_t *m, const char *key,
                                  uint32_t val, bool replace);
/* The hash the tables use for KEY, and get with it already computed: for
 * one name looked up in many tables (the scopes around a statement). */
uint32_t graph_smap_hash(const char *key);
uint32_t graph_smap_get_hashed(const smap_t *m, const char *key, uint32_t h);
/* Grows the arena array *P (*CAP items of SIZE bytes, LEN used) to hold
 * one more item; false when out of memory. */
bool graph_grow(arena_t *a, void **p, uint32_t *cap, uint32_t len,
                size_t size);

/* ---- text helpers (value_text.c) -------------------------------------- */

/* Room for any number's text. */
#define VAL_NUM_TEXT 40

/* Writes the canonical text of number V into BUF: an integer in decimal;
 * a double as the shortest text that reads back to it, with a '.' or an
 * exponent so it still reads as a double ("1.0", "0.1", "1e+300",
 * "1e-5", "-0.0"). Returns the length. */
size_t val_number_text(const val_t *v, char buf[VAL_NUM_TEXT]);

/* Grows the malloc'd array *ITEMS of LEN items of SIZE bytes, *CAP
 * allotted, so that one more fits (doubling). False when out of memory;
 * the array is unchanged then. The one growth rule of this layer. */
bool val_grow(void **items, size_t *cap, size_t len, size_t size);

/* Appends S as a JSON string literal with quotes. ASCII_ONLY escapes every
 * non-ASCII character as \uXXXX (surrogate pairs above U+FFFF). */
void val_json_quote(strbuf_t *b, const char *s, size_t len, bool ascii_only);
/* Appends at most MAX characters of S for a message, control characters
 * escaped, "..." when cut. */
void val_snippet(strbuf_t *b, const char *s, size_t len, size_t max);

/* Reads an integer literal of DIGITS (no sign, no prefix, leading zeros
 * allowed) in BASE 8, 10 or 16, negated when NEG. Sets *OUT to a value:
 * an integer when it fits 2^53, otherwise the nearest double. *EXACT
 * tells whether the double holds the literal exactly. NULL *OUT means out
 * of memory; false is returned when the number is too large for a double. */
bool val_int_literal(const char *digits, size_t len, int base, bool neg,
                     val_t **out, bool *exact);

/* A cursor that turns byte offsets (or character counts, which libyaml
 * gives) into src_span_t places the way the .mig scanner counts them:
 * lines from 1 at each '\n', columns from 1 in characters, a leading
 * byte-order mark not counted. Moving forward is incremental, and so is
 * moving back within the current line; further back restarts at the top. */
typedef struct val_loc {
    const char *text;
    size_t len, start;       /* START: the first byte after a BOM */
    size_t off, chars;       /* position: byte offset, characters from START */
    uint32_t line, col;
    size_t line_off, line_chars;   /* where the current line starts */
} val_loc_t;

void val_loc_init(val_loc_t *l, const src_t *src);
/* Moves to byte offset OFF (clamped to the text). */
void val_loc_seek(val_loc_t *l, size_t off);
/* Moves to the character CHARS counted from START. */
void val_loc_seek_chars(val_loc_t *l, size_t chars);
/* The span of bytes [BEGIN, END). */
src_span_t val_loc_span(val_loc_t *l, size_t begin, size_t end);
/* The span of characters [BEGIN, END) counted from START. */
src_span_t val_loc_span_chars(val_loc_t *l, size_t begin, size_t end);

/* Length of a byte-order mark at the start of SRC: 3 or 0. */
size_t val_bom_len(const src_t *src);

/* ---- YAML (value_yaml.c, value_yaml_scalar.c) ------------------------------------------------ */

/* Where each node of a YAML document is (val_from_yaml_places): its JSON
 * pointer (RFC 6901: "" the document, "/profiles/staging/params/x",
 * "/write_roots/0"), the place of its key in a map (of the node itself
 * in a list, or for the document), and of its value. What the
 * configuration (config.c) names in its messages. */
typedef struct yaml_place {
    char *path;
    src_span_t key, value;
} yaml_place_t;

typedef struct yaml_places {
    yaml_place_t *items;
    size_t len, cap;
} yaml_places_t;

/* Reads SRC like val_from_yaml, and every node's place into *PLACES (to
 * free with yaml_places_free; empty when not MIG_OK). */
mig_status_t val_from_yaml_places(src_t *src, diag_list_t *diags,
                                  val_t **out, yaml_places_t *places);
/* Appends one place; MIG_OK or MIG_ENOMEM. */
mig_status_t yaml_places_add(yaml_places_t *p, const char *path,
                             const src_span_t *key, const src_span_t *value);
/* The place of PATH, or NULL. */
const yaml_place_t *yaml_places_find(const yaml_places_t *p, const char *path);
void yaml_places_free(yaml_places_t *p);


/* What a plain (unquoted, untagged) YAML scalar is under the YAML 1.2 core
 * schema. */
typedef enum val_yaml_kind {
    VAL_Y_STR,
    VAL_Y_NULL,              /* "", ~, null, Null, NULL */
    VAL_Y_TRUE,              /* true, True, TRUE */
    VAL_Y_FALSE,
    VAL_Y_INT10,             /* [-+]?[0-9]+ */
    VAL_Y_INT8,              /* 0o[0-7]+ */
    VAL_Y_INT16,             /* 0x[0-9a-fA-F]+ */
    VAL_Y_FLOAT,             /* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
    VAL_Y_NONFINITE,         /* [-+]?.inf and .nan in their three spellings */
} val_yaml_kind_t;

val_yaml_kind_t val_yaml_plain_kind(const char *s, size_t len);
/* The lenient mode's YAML 1.1 numbers (value_yaml_scalar.c): TEXT, a
 * plain scalar of LEN bytes with one '_' between two digits ("250_000"),
 * is the kind of the text without them, given in *BARE (a NUL-ended copy
 * the caller frees); VAL_Y_STR (and *BARE NULL) when it is no such
 * number. */
val_yaml_kind_t val_yaml_underscored(const char *text, size_t len,
                                     char **bare);

/* Reports the out-of-memory error every reader gives; returns MIG_ENOMEM. */
mig_status_t val_oom(diag_list_t *diags, const src_t *src);

#endif
