/* adapt_int.h: what the adapt.* recovery strategies share (docs/recovery.md):
 * reading the failed call and the error's detail, the strategy's record
 * of changes and problems, the coercion table, fitting a value to a
 * schema, name matching, and the decisions they give. Pure functions over
 * values: they read the error and their arguments and return a decision;
 * the scheduler does the rest. */
#ifndef MIG_ADAPT_INT_H
#define MIG_ADAPT_INT_H

#include "stdlib_int.h"

/* ---- the strategies (handler_fn; adapt_params.c, adapt_method.c,
 * adapt_config.c) ------------------------------------------------------ */

mig_status_t adapt_params(action_ctx_t *ctx, const val_t *err,
                          const val_t *args, val_t **decision);
mig_status_t adapt_remap_method(action_ctx_t *ctx, const val_t *err,
                                const val_t *args, val_t **decision);
mig_status_t adapt_repair_config(action_ctx_t *ctx, const val_t *err,
                                 const val_t *args, val_t **decision);

/* ---- the failed call (adapt_run.c) -------------------------------------- */

/* What a strategy reads of the error and of its own arguments. Every
 * pointer is borrowed from ERR or ARGS. */
typedef struct adapt_call {
    const val_t *input;     /* the failed call's arguments (a map), or NULL */
    const val_t *detail;    /* the error's detail (a map), or NULL */
    const char *argument;   /* the plan's `argument`, else the detail's,
                               else the strategy's default */
    val_t *value;           /* input[argument], or NULL when absent */
    const val_t *schema;    /* the plan's `schema`, else the detail's, or
                               NULL */
    const char *schema_at;  /* where SCHEMA came from: "schema" (the
                               plan's argument) or "detail.schema" */
    const val_t *map;       /* the plan's `map` (a map), or NULL */
} adapt_call_t;

/* Fills C from ERR and ARGS (either may be NULL). DEF_ARGUMENT is the
 * strategy's default argument name ("params"). */
void adapt_call_read(adapt_call_t *c, const val_t *err, const val_t *args,
                     const char *def_argument);
/* A string field NAME of the detail, or NULL. */
const char *adapt_detail_str(const adapt_call_t *c, const char *name);

/* ---- a strategy's work (adapt_run.c) ------------------------------------ */

/* The changes a strategy made and the problems it met, one line each,
 * each line starting with the place in the call ("params.days: ..."). */
typedef struct adapt_run {
    action_ctx_t *ctx;
    const char *who;        /* "adapt.params", for its own errors */
    val_t *changes;         /* a list of strings */
    val_t *problems;        /* a list of strings */
    strbuf_t path;          /* the place being fitted: "config.auth" */
    const char *map_name;   /* what the lines call the map of renames:
                               "the plan's map" unless set otherwise */
    val_t *repairs;         /* the repairs kept (adapt_repairs_keep), a
                               list of maps, or NULL: none kept */
    const char *tool;       /* the tool the repairs are of, or NULL */
    size_t root_len;        /* the length of the path's root ("params") */
    size_t top_end;         /* the path's length at its last top key
                               (root_len: none), and that key: */
    const char *top;        /* borrowed from the value being fitted */
    size_t top_len;
    bool oom;
} adapt_run_t;

/* Starts R for the strategy WHO at the place ROOT (the argument's name).
 * MIG_OK or MIG_ENOMEM (then R is still safe to free). */
mig_status_t adapt_run_init(adapt_run_t *r, action_ctx_t *ctx,
                            const char *who, const char *root);
void adapt_run_free(adapt_run_t *r);
/* Appends a change / a problem: "PATH: " and the text. */
void adapt_change(adapt_run_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void adapt_problem(adapt_run_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends a problem without the place (a sentence of its own). */
void adapt_problem_text(adapt_run_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Extends the path by a map key (.name or ["a b"]) or a list index
 * ([0]); returns the old length for adapt_path_pop. */
size_t adapt_path_key(adapt_run_t *r, const char *key, size_t len);
size_t adapt_path_index(adapt_run_t *r, size_t i);
void adapt_path_pop(adapt_run_t *r, size_t mark);
/* Appends V's canonical text (val_format), cut after ADAPT_SHOWN bytes
 * with "..." so that a change line stays a line. */
#define ADAPT_SHOWN 60
void adapt_put_value(strbuf_t *b, const val_t *v);
/* adapt_change with FMT's one %s replaced by V's text (adapt_put_value). */
void adapt_change_value(adapt_run_t *r, const char *fmt, const val_t *v);
/* "a number", "a string", "null", ...: V's mig type, for messages. */
const char *adapt_a_type(const val_t *v);

/* The decisions, as new maps in *OUT (interpreter.h, handler_fn), with
 * R's changes. retry: input {ARGUMENT: VALUE} (VALUE borrowed). fail:
 * MESSAGE, or with MESSAGE NULL R's problems joined by "; ". MIG_OK or
 * MIG_ENOMEM (also when R ran out of memory before). */
mig_status_t adapt_retry(adapt_run_t *r, const char *argument,
                         val_t *value, val_t **out);
mig_status_t adapt_fail(adapt_run_t *r, const char *message, val_t **out);
/* Checks SCHEMA (from C) as a strategy's own argument: a valid schema
 * (interpreter.h, schema_check) that describes a map (its `type`, if any,
 * allows "object"). MIG_OK, or MIG_EINVALID reported through R's context
 * ("adapt.params: the schema is not valid: schema.properties.days: ..."),
 * or MIG_ENOMEM. */
mig_status_t adapt_check_schema(adapt_run_t *r, const adapt_call_t *c);
/* Validates VALUE against C's schema at R's root: the violations become
 * R's problems. MIG_OK, MIG_EINVALID (reported) or MIG_ENOMEM. */
mig_status_t adapt_validate(adapt_run_t *r, const adapt_call_t *c,
                            const val_t *value);

/* ---- repairs kept for `mig adapt learn` (adapt_repair.c) ------------- */

/* From now on R keeps its repairs as structures besides its change lines
 * (docs/recovery.md, "Learning from a run"), each a map with `kind` and,
 * when TOOL is not NULL, `tool`: {kind: "rename", from, to}, {kind:
 * "drop", from}, {kind: "value", param, from, to}, {kind: "default",
 * param, value}, {kind: "tool", from, to}. Only the parameters at the
 * top of the call are kept: a repair inside a nested map or a list is a
 * line only. adapt_retry puts them in its decision as `repairs`. MIG_OK
 * or MIG_ENOMEM. */
mig_status_t adapt_repairs_keep(adapt_run_t *r, const char *tool);
/* Keeps a repair of names: KIND "rename" (FROM -> TO), "drop" (FROM;
 * TO NULL) or "tool" (FROM -> TO). Nothing when R keeps none. */
void adapt_repair_name(adapt_run_t *r, const char *kind, const char *from,
                       const char *to);
/* Keeps a repair of the value of the parameter R's path is at, when that
 * is a parameter at the top of the call: KIND "value" (FROM -> TO) or
 * "default" (TO, FROM NULL). Nothing otherwise. */
void adapt_repair_value(adapt_run_t *r, const char *kind, const val_t *from,
                        const val_t *to);

/* ---- the target of adapt.params (adapt_params.c, adapt_rename.c) ------ */

/* What the messages say of the target: "weather.get" and its parameter
 * names "location, unit, days". */
typedef struct adapt_target {
    const char *name;
    const val_t *props;     /* the schema's properties (a map), or NULL */
    size_t n;               /* how many */
    strbuf_t names;
} adapt_target_t;

/* Fills T from C (its names.oom says when memory ran out); free
 * T->names. */
void adapt_target_init(adapt_target_t *t, const adapt_call_t *c);
/* Names the keys of the map V after the properties of T (SCHEMA's): the
 * plan's MAP (or NULL) first, then the evidence, most confident first;
 * a key left over is dropped with its loss reported, or is a problem
 * when it has candidates below ADAPT_CONF_MIN or carries meaning
 * (adapt_meaning). *OUT a new map, or NULL when a problem stops it (R's
 * problems say why). MIG_OK or MIG_ENOMEM. */
mig_status_t adapt_rename(adapt_run_t *r, const adapt_target_t *t,
                          const val_t *schema, const val_t *map,
                          const val_t *v, val_t **out);

/* adapt.params's work on C (schema valid) for the target T: the
 * parameters named (adapt_rename), fitted and validated into *FITTED (a
 * new map), or NULL when R's problems say why not. MIG_OK, MIG_ENOMEM or
 * MIG_EINVALID (reported). */
mig_status_t adapt_params_fit(adapt_run_t *r, const adapt_call_t *c,
                              const adapt_target_t *t, val_t **fitted);
/* Checks a map of renames (adapt.params's `map`, a mapping file's): for
 * each old name a new name, null, or {to, values}; MIG_EINVALID reported
 * as "WHO: map.NAME: ..." through R's context. */
mig_status_t adapt_check_map(adapt_run_t *r, const val_t *map);

/* ---- coercion (adapt_coerce.c) ------------------------------------------ */

/* Converts V to the schema type T ("integer", "string", ...) by the
 * coercion table (docs/recovery.md, "Coercion"): *OUT a new value, or
 * NULL when no row converts V to T. V already of type T is not this
 * function's business (NULL, except a whole number held as a double to
 * "integer"). MIG_OK or MIG_ENOMEM. */
mig_status_t adapt_coerce(const val_t *v, const char *t, val_t **out);
/* The type names SCHEMA's `type` allows (at most ADAPT_MAX_TYPES, in
 * order); 0 when it has none (any value fits). SCHEMA must be valid. */
#define ADAPT_MAX_TYPES 16
size_t adapt_types(const val_t *schema, const char *types[ADAPT_MAX_TYPES]);
/* Whether V is a list of one item where the N TYPES (one or more) name no
 * array: it stands for its item (docs/recovery.md, "A list for a single
 * value"). */
bool adapt_one_item(const val_t *v, const char *const *types, size_t n);
/* Whether V fits SCHEMA's type, or can be coerced to it, or is a list of
 * one item that does where no type is an array (only V itself and that
 * item are looked at). */
bool adapt_type_fits(const val_t *v, const val_t *schema);
/* Whether SCHEMA names a type V is as it is, or V is a text and a row
 * of the coercion table takes text to one of its types (a number, a
 * bool, a duration, a list: whether or not this text converts, since
 * legacy tools write those as text), or V is a list of one or more
 * items that each hold so where no type is an array (a single value as
 * a list, whether or not it has one item): no other coercion (anything
 * can be written as a string). */
bool adapt_type_holds(const val_t *v, const val_t *schema);

/* ---- fitting a value to a schema (adapt_fit.c) -------------------------- */

/* Fits V to SCHEMA (valid) at R's path, into *OUT (a new value, as far as
 * it could be fitted): coerces it to the schema's type, and inside maps
 * fills defaults, drops keys that additionalProperties false excludes,
 * notes required keys that are missing, and goes on into properties,
 * additionalProperties and items. Each change and problem goes to R.
 * MIG_OK or MIG_ENOMEM. */
mig_status_t adapt_fit(adapt_run_t *r, val_t *v, const val_t *schema,
                       val_t **out);

/* The enum value of SCHEMA that the text V plainly stands for, when V is
 * not one already: *OUT a new reference (and a change in R), or NULL
 * when there is no single one at ADAPT_CONF_MIN or more. MIG_OK. */
mig_status_t adapt_enum(adapt_run_t *r, const val_t *v, const val_t *schema,
                        val_t **out);
/* The index in the list E of the one enum value the text S (LV bytes)
 * plainly stands for, at ADAPT_CONF_MIN or more (its confidence in *CONF,
 * its evidence in *WHY); ADAPT_NO_MATCH when S is one already, when none
 * is, or when two tie. */
size_t adapt_enum_pick(const char *s, size_t lv, const val_t *e, int *conf,
                       const char **why);

/* ---- names (adapt_names.c) ---------------------------------------------- */

/* How well the name A matches the name B: ADAPT_NO_MATCH, or a rank
 * where lower is better: 0 when equal once lower-cased without _ - . and
 * spaces (cityName ~ city_name); with CONTAIN, 1 when one such form
 * contains the other and the shorter has 3 characters or more; 2 + the
 * edit distance of those forms when A is a likely typo of B by the rule
 * of the project's "did you mean" (at most two edits, and one for a name
 * of up to 3 characters). Normal forms longer than 64 bytes are never a
 * typo of anything; names longer than 128 bytes only match themselves. */
#define ADAPT_NO_MATCH ((size_t)-1)
size_t adapt_name_rank(const char *a, size_t la, const char *b, size_t lb,
                       bool contain);

/* ---- words (adapt_words.c) --------------------------------------------- */

/* Names and words longer than this are compared as they are only. */
#define ADAPT_WORD_MAX 64
/* The normal form of NAME (LEN bytes) into N (room for ADAPT_WORD_MAX
 * bytes): lower case, without '_', '-', '.' and spaces; its length, or
 * ADAPT_WORD_MAX when it does not fit. */
size_t adapt_normal_form(const char *name, size_t len, char *n);
/* 1 when the names A and B are one once each is replaced by the head of
 * its row in the synonym table (docs/recovery.md, "Synonyms and
 * abbreviations"): as a whole name (q ~ query) or word by word (max_temp
 * ~ maximumTemperature); 0 when not; -1 out of memory. */
int adapt_synonym(const char *a, size_t la, const char *b, size_t lb);
/* Whether the old tool OLD is the new TOOL called with the discriminator
 * VALUE: every word of VALUE is a word of OLD, every word of OLD is one of
 * TOOL or of VALUE, and OLD shares a word with TOOL (get_issue_comments ~
 * issue_read + "get_comments"; each word replaced by its synonym row's
 * head and a plural's 's' left out; at most 8 words a name). LOOSE: a
 * verb also stands for another of its kind (list ~ get, add ~ create:
 * list_sub_issues ~ issue_read + "get_sub_issues"). */
bool adapt_merged_name(const char *old, const char *tool, const char *value,
                       bool loose);
/* Whether every word of the name A (two or more) is a word of the name B,
 * which has more (read_file ~ read_text_file, browser_wait ~
 * browser_wait_for); words as adapt_merged_name's. */
bool adapt_words_within(const char *a, const char *b);
/* How alike the texts A (LA bytes) and B (LB bytes) are: the words both
 * hold, in percent of the words either holds (rounded down); words are
 * runs of ASCII letters and digits of 3 or more, lower-cased, each
 * replaced by its synonym row's head, a plural's 's' left out. -1 when
 * either holds no word, or more than ADAPT_TEXT_WORDS distinct ones. */
#define ADAPT_TEXT_WORDS 64
int adapt_text_overlap(const char *a, size_t la, const char *b, size_t lb);
/* What the parameter named NAME means to a call: "a bound on the
 * results" when its whole name is one (limit, per_page, ...), else what
 * a word of its name says by the table of meanings ("a pagination
 * cursor", "a sort order", "a filter"), or NULL. */
const char *adapt_meaning(const char *name, size_t len);
/* Whether TEXT holds NAME (3 bytes or more, in normal form) as a word. */
bool adapt_mentions(const char *text, size_t tlen, const char *name,
                    size_t len);

/* ---- evidence (adapt_evidence.c) ---------------------------------------- */

/* The confidence of each kind of evidence, in percent (docs/recovery.md,
 * "Confidence"); a guess is applied only at ADAPT_CONF_MIN or more. */
#define ADAPT_CONF_MAP 100
#define ADAPT_CONF_SAME 95
#define ADAPT_CONF_SYNONYM 90
#define ADAPT_CONF_CONTAINS 80
#define ADAPT_CONF_TYPO1 80
#define ADAPT_CONF_ENUM 75
#define ADAPT_CONF_TYPO2 70
#define ADAPT_CONF_DESCRIPTION 70
#define ADAPT_CONF_CONTAINS_SHORT 60
#define ADAPT_CONF_TYPE 20
#define ADAPT_CONF_MORE 5
#define ADAPT_CONF_MOVED 5
#define ADAPT_CONF_TOP 99
#define ADAPT_CONF_MIN 70

typedef struct adapt_evidence {
    int conf;               /* 0: nothing but perhaps the type */
    int best;
    const char *why;        /* the strongest evidence, for the lines */
    unsigned kinds;
    bool type_fits;
} adapt_evidence_t;

/* The evidence that the key K (LK bytes) with the value V stands for the
 * property P (LP bytes) with the schema PS: names (equal once normalised,
 * one holding the other, a likely typo, synonyms), PS's description
 * naming K, V in PS's enum. Nothing when V's type does not fit PS. */
void adapt_evidence(const char *k, size_t lk, const val_t *v, const char *p,
                    size_t lp, const val_t *ps, adapt_evidence_t *e);
/* The parts of it: the evidence of the names and of PS's description
 * added to E (zeroed by the caller; none when the two names mean
 * different things by adapt_meaning); one kind of evidence added; the
 * confidence computed from what was added. */
void adapt_name_evidence(const char *k, size_t lk, const char *p, size_t lp,
                         const val_t *ps, adapt_evidence_t *e);
void adapt_evidence_add(adapt_evidence_t *e, int conf, const char *why);
void adapt_evidence_done(adapt_evidence_t *e);

#endif
