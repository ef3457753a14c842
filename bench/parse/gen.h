/* gen.h: what the parts of bench_parse_gen share. gen.c holds the output
 * buffer, the PRNG, the statements, the stages and main; gen_expr.c holds
 * the word lists and the writers of expressions; gen_lua.c the Lua modules
 * the plan declares, and the stubs written beside it.
 *
 * The plan must pass all of `mig check` (interpreter/check*.c), not only
 * the parser, so the generator keeps track of what the checker does: the
 * type of every name it may use, which names are in scope, which stages
 * surely ran before the one being written, and which checkpoint a
 * rollback may aim at. Expressions are written for a wanted type. */
#ifndef BENCH_PARSE_GEN_H
#define BENCH_PARSE_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_MAX_LOCALS 32
#define GEN_NAME_MAX 48
#define GEN_MAX_AFTER 3
#define GEN_EXPR_DEPTH 3        /* expressions nested deeper are plain values */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct gen_buf {
    char *data;
    size_t len, cap;
} gen_buf_t;

/* The types the checker tells apart (ACTION_T_* in interpreter.h), and ANY
 * for a value it cannot know before running: a Lua function's result, a
 * loop variable, a field. A value of type ANY fits where any type is
 * wanted. */
typedef enum gen_type {
    GT_NUM, GT_STR, GT_BOOL, GT_LIST, GT_MAP, GT_DUR, GT_NULL, GT_ANY,
} gen_type_t;

/* A name in scope and the type of its value. */
typedef struct gen_local {
    char name[GEN_NAME_MAX];
    gen_type_t type;
} gen_local_t;

/* A stage written so far: its name, its `after` list (indexes), and the
 * one step of it that later stages read as STAGE.STEP. */
typedef struct gen_stage {
    char name[GEN_NAME_MAX];
    char step[GEN_NAME_MAX];
    gen_type_t step_type;
    uint32_t after[GEN_MAX_AFTER];
    unsigned n_after;
} gen_stage_t;

typedef struct gen {
    gen_buf_t out;
    uint64_t rng;
    int indent;
    unsigned serial;                    /* makes step and let names unique */
    /* The stage being written. */
    char stage[GEN_NAME_MAX];
    uint32_t after[GEN_MAX_AFTER];      /* its `after` stages (indexes) */
    unsigned n_after;
    /* What the statement being written sees: the checkpoint a rollback may
     * aim at ("" for none), the names bound in the enclosing blocks, the
     * innermost loop variable, and `err` in a recover block. Each nested
     * block gives back on leaving what it added (gen_scope_enter/leave). */
    char checkpoint[GEN_NAME_MAX];
    gen_local_t locals[GEN_MAX_LOCALS];
    int n_locals;
    const char *loop_var;
    bool in_recover;
    /* Stages written so far. */
    gen_stage_t *stages;
    size_t n_stages, cap_stages;
} gen_t;

/* What a nested block restores when it ends. */
typedef struct gen_saved {
    int n_locals;
    char checkpoint[GEN_NAME_MAX];
    const char *loop_var;
    bool in_recover;
} gen_saved_t;

/* A list of words to pick from. */
typedef struct gen_words {
    const char *const *items;
    size_t n;
} gen_words_t;

/* ---- gen.c: output and chance ------------------------------------------ */

/* Prints "bench_parse_gen: MSG" and exits with status 2. */
void gen_die(const char *msg);
/* Appends formatted text to g->out; dies when out of memory. */
void gen_emit(gen_t *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Starts a new line at the current indentation; a line left empty keeps no
 * indentation behind. */
void gen_nl(gen_t *g);
/* A number in [0, N), from the generator's own PRNG. */
unsigned gen_below(gen_t *g, unsigned n);
/* True with probability PCT percent. */
bool gen_chance(gen_t *g, unsigned pct);
const char *gen_pick(gen_t *g, const gen_words_t *w);
void gen_scope_enter(gen_t *g, gen_saved_t *s);
void gen_scope_leave(gen_t *g, const gen_saved_t *s);

/* An element of a local array, or a word of a shared list. */
#define PICK(g, arr) ((arr)[gen_below((g), COUNT(arr))])
#define WORD(g, list) gen_pick((g), &gen_##list)

/* ---- gen_expr.c: words and expressions --------------------------------- */

extern const gen_words_t gen_nouns, gen_verbs, gen_fields, gen_durations,
    gen_words, gen_texts;

/* Durations in increasing order, for backoffs whose max is not below
 * their base. */
extern const char *const gen_sorted_durations[];
extern const size_t gen_n_sorted_durations;

/* Precedence levels, lowest first (docs/language.md, "Operators"): each
 * writer below is given the lowest level its place accepts, and puts its
 * expression in parentheses when the expression binds less tightly. */
enum {
    GP_ANY, GP_OR, GP_AND, GP_NOT, GP_CMP, GP_ADD, GP_MUL, GP_NEG, GP_POST,
};

/* Each writes one expression at the end of g->out. DEPTH bounds the
 * nesting: at GEN_EXPR_DEPTH and beyond only plain values are written. */
void gen_value(gen_t *g, gen_type_t t, int depth, int prec);
/* A name (a local, a parameter, STAGE.STEP of a stage that ran before, the
 * loop variable, err), with a field or an index when that is what makes
 * it of type T. Never a constant. */
void gen_ref(gen_t *g, gen_type_t t);
void gen_string(gen_t *g, int depth);
/* A string that names a path: plain or interpolated. */
void gen_path(gen_t *g);
/* A duration longer than 0, for a timeout. */
void gen_timeout(gen_t *g);
/* The arguments of a call to a Lua function: any names, any types. */
void gen_lua_args(gen_t *g, int depth, unsigned n);
/* A condition: a bool that is not a constant (so `when`, `if` and
 * `verify` get no "always true" warning). */
void gen_cond(gen_t *g);

/* ---- gen_lua.c: the Lua modules ---------------------------------------- */

/* A Lua function a step calls, and the call that undoes it (NULL when it
 * changes nothing). */
typedef struct gen_lua_action {
    const char *name, *undo;
} gen_lua_action_t;

extern const gen_lua_action_t gen_lua_actions[];
extern const size_t gen_n_lua_actions;
/* Lua functions that expressions call, and recovery handlers. */
extern const gen_words_t gen_lua_exprs, gen_lua_handlers;

/* Writes the plan's `lua "lib/M.lua" as M` lines. */
void gen_lua_decls(gen_t *g);
/* Writes lib/M.lua for every module into DIR (the plan's directory, ""
 * for the current one), creating lib/. Dies on failure. */
void gen_lua_write(const char *dir);

/* ---- statements (gen_stmt.c) ------------------------------------------ */

/* Where the generator is: what the statement being written may refer to and
 * which statements the language allows there (see grammar/syntax.c). */
typedef struct gen_scope {
    int depth;                  /* 0: directly in a stage */
    bool in_recover;
} gen_scope_t;

/* The plan's own error classes, declared in its head (gen.c). */
typedef struct gen_class {
    const char *name, *parent;
} gen_class_t;
extern const gen_class_t gen_error_classes[];
extern const size_t gen_n_error_classes;

/* Writes MIN to MAX statements in scope S, one a line. */
void gen_block(gen_t *g, gen_scope_t s, unsigned min, unsigned max);
/* Single statements the plan's fixed parts use too. */
void gen_st_checkpoint(gen_t *g, gen_scope_t *s);
void gen_st_let(gen_t *g, gen_scope_t *s);
void gen_st_verify(gen_t *g, gen_scope_t *s);
/* Writes a step whose action is a Lua function LUA_PCT% of the time. */
void gen_write_step(gen_t *g, unsigned lua_pct);

#endif
