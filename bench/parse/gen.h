/* gen.h: what the two halves of bench_parse_gen share. gen.c holds the
 * output buffer, the PRNG, the statements, the stages and main; gen_expr.c
 * holds the word lists and the writers of expressions. */
#ifndef BENCH_PARSE_GEN_H
#define BENCH_PARSE_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_MAX_LOCALS 32
#define GEN_NAME_MAX 48

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct gen_buf {
    char *data;
    size_t len, cap;
} gen_buf_t;

typedef struct gen {
    gen_buf_t out;
    uint64_t rng;
    int indent;
    /* The stage being written. */
    char stage[GEN_NAME_MAX];
    char checkpoint[GEN_NAME_MAX];      /* "" until the stage has one */
    char locals[GEN_MAX_LOCALS][GEN_NAME_MAX];
    int n_locals;
    const char *loop_var;               /* innermost foreach variable, or NULL */
    unsigned serial;                    /* makes step and let names unique */
    /* Stages written so far, for `after` and cross-stage references. */
    char (*stages)[GEN_NAME_MAX];
    char (*stage_steps)[GEN_NAME_MAX];  /* one step name per stage */
    size_t n_stages, cap_stages;
} gen_t;

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

/* An element of a local array, or a word of a shared list. */
#define PICK(g, arr) ((arr)[gen_below((g), COUNT(arr))])
#define WORD(g, list) gen_pick((g), &gen_##list)

/* ---- gen_expr.c: words and expressions --------------------------------- */

extern const gen_words_t gen_nouns, gen_verbs, gen_actions, gen_fields,
    gen_durations, gen_words, gen_texts;

/* Each writes one expression of its kind at the end of g->out. DEPTH bounds
 * the nesting: at 3 and beyond only plain values are written. */
void gen_ref(gen_t *g);             /* a local, a parameter, stage.step */
void gen_string(gen_t *g, int depth);
void gen_args(gen_t *g, int depth, unsigned n);
void gen_list(gen_t *g, int depth);
void gen_map(gen_t *g, int depth);
void gen_primary(gen_t *g, int depth);
void gen_expr(gen_t *g, int depth);
void gen_cond(gen_t *g);            /* what if, when and verify take */

#endif
