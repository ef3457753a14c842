/* gen.h: what the recovery benchmark's generator (gen.c) and its draws
 * of the kinds of mismatch (gen_kinds.c) share: the V2 endpoint's
 * methods, a tool and what it gets wrong. */
#ifndef MIG_BENCH_RECOVERY_GEN_H
#define MIG_BENCH_RECOVERY_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MAX_PARAMS 5

typedef enum ptype {
    T_STRING, T_INTEGER, T_BOOLEAN,
    T_ARRAY,                    /* a list of strings */
    T_OBJECT,                   /* a map of one boolean, INNER */
} ptype_t;

typedef struct param {
    const char *name;
    ptype_t type;
    const char *def;            /* the default as JSON, or NULL: none */
    const char *const *enums;   /* T_STRING: its enum, or NULL */
    const char *inner;          /* T_OBJECT: its one property */
} param_t;

typedef struct method {
    const char *name, *legacy, *typo;
    param_t params[MAX_PARAMS];
} method_t;

/* What a tool gets wrong; several at once are common. */
enum {
    F_POSITIONAL = 1 << 0,      /* params as a list */
    F_RENAMED = 1 << 1,         /* a parameter under an old name (vocab.h) */
    F_TEXT = 1 << 2,            /* a number or bool as text */
    F_OMITTED = 1 << 3,         /* a parameter with a default left out */
    F_METHOD = 1 << 4,          /* the legacy method name */
    F_CONFIG_MISSING = 1 << 5,  /* configuration keys left out */
    F_CONFIG_TYPE = 1 << 6,     /* configuration values as text */
    F_CONFIG_UNKNOWN = 1 << 7,  /* keys the schema does not know */
    F_DEPENDENCY = 1 << 8,      /* needs a tool later in the list */
    F_ENUM = 1 << 9,            /* an enum value under an old name */
    F_LIST = 1 << 10,           /* a single value as a list of one */
    F_SCALAR = 1 << 11,         /* a list's one item given alone */
    F_NESTED = 1 << 12,         /* V2 nests it; given at the top */
    F_FLATTENED = 1 << 13,      /* V2 takes it at the top; given nested */
    F_DROPPED = 1 << 14,        /* a removed parameter without meaning */
    F_MERGED = 1 << 15,         /* an old tool merged into a V2 tool
                                   behind a discriminator (gen_merge.c) */
};

/* What cannot be repaired (at most one per tool). */
typedef enum bad {
    BAD_NONE,
    BAD_METHOD,                 /* a misspelt legacy name: no mapping */
    BAD_VALUE,                  /* a number that is no number */
    BAD_REMOVED,                /* a removed parameter that carries
                                   meaning (vocab.h): not dropped */
    BAD_ENUM,                   /* an enum value the V2 enum dropped */
    BAD_LIST,                   /* two values where V2 takes one */
    BAD_ENDPOINT,               /* the configuration has no endpoint */
    BAD_GHOST,                  /* needs a tool nobody migrates */
    BAD_MERGE_GONE,             /* an old tool the merged V2 tool has no
                                   discriminator value for */
    BAD_MERGE_MEANING,          /* an old tool merged, with a parameter
                                   that carries meaning the V2 tool has no
                                   place for */
} bad_t;

typedef struct tool {
    const method_t *m;
    unsigned faults;
    bad_t bad;
    int values[MAX_PARAMS];     /* integer or bool values, enum indexes;
                                   strings derive */
    bool omit[MAX_PARAMS];      /* F_OMITTED: left out, its default used */
    size_t renamed;             /* F_RENAMED: the parameter written under
                                   an old name, or MAX_PARAMS */
    size_t rename_row;          /* its row of vocab_params */
    size_t enum_param, value_row;   /* F_ENUM, BAD_ENUM: the parameter
                                   and its row of vocab_values */
    size_t listed;              /* F_LIST, BAD_LIST: the parameter */
    size_t flat;                /* F_FLATTENED: the parameter given inside
                                   a container */
    size_t nested;              /* F_SCALAR, F_NESTED: the method's array
                                   or object parameter */
    size_t container, removed;  /* rows of vocab_containers, vocab_removed */
    int timeout_ms, retries;
    bool enabled;
    int config_missing;         /* which key F_CONFIG_MISSING leaves out */
    size_t deps[2];
    size_t n_deps;
    bool doomed;                /* bad, or depends on a doomed tool */
    size_t merge;               /* F_MERGED, BAD_MERGE_*: its row of
                                   vocab_merges, else NO_MERGE */
} tool_t;

#define NO_MERGE ((size_t)-1)

/* The number of parameters of M, of enum values of PA. */
size_t n_params(const method_t *m);
size_t n_enums(const param_t *pa);
/* A number below N from the generator's seeded PRNG. */
unsigned below(unsigned n);

/* gen_kinds.c: whether the mismatch FAULT can be drawn for T's method;
 * what T cannot have repaired, among the kinds its method allows; the
 * parameters, values and vocabulary rows of T's mismatches, drawn after
 * its omitted parameter. */
bool fault_applies(const tool_t *t, unsigned fault);
bad_t draw_bad(const tool_t *t);
void draw_places(tool_t *t);

/* gen_merge.c: draws T's old tool of vocab_merges (F_MERGED, or the bad
 * kind it is); the method T calls (LEGACY: the old tool, else the V2
 * tool it must be translated to) and its parameters, the V2 ones being
 * those the translation must give (the discriminator set, the defaults
 * of its value's parameters filled); the V2 tools' schemas after the
 * other methods' (AS_TOOLS: as {name, inputSchema} items of a list,
 * else as entries of api.json's map of methods); the old tools (for
 * old.json, or NAMES_ONLY their names, for retired.json). */
void draw_merge(tool_t *t);
const char *merge_method(const tool_t *t, bool legacy);
void write_merge_params(FILE *f, const tool_t *t, size_t i, bool legacy);
void write_merged_methods(FILE *f, bool as_tools);
void write_old_tools(FILE *f, bool names_only);

#endif
