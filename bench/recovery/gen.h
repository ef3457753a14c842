/* gen.h: what the recovery benchmark's generator (gen.c) and its draws
 * of the kinds of mismatch (gen_kinds.c) share: the V2 endpoint's
 * methods, a tool and what it gets wrong. */
#ifndef MIG_BENCH_RECOVERY_GEN_H
#define MIG_BENCH_RECOVERY_GEN_H

#include <stdbool.h>
#include <stddef.h>

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
} tool_t;

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

#endif
