/* dryrun_int.h: what the files of the dry run share (dryrun.c walks the
 * graph and describes it; dryrun_eval.c evaluates what it can know;
 * dryrun_fail.c decides what a foreseen failure means: a failure, or one
 * a recover block or a tolerate absorbs). Not part of the runtime's
 * public face. */
#ifndef MIG_DRYRUN_INT_H
#define MIG_DRYRUN_INT_H

#include "runtime.h"

typedef struct dry {
    const graph_t *g;
    src_t *src;
    const action_registry_t *reg;
    action_ctx_t *ctx;
    diag_list_t *diags;
    const char *base_dir;
    write_roots_t roots;        /* where the plan may change (resolved) */
    bool oom;
    bool unknown;               /* the last evaluation met something unknown */
    /* The class of the action that failed in the last evaluation ("":
     * none; the evaluation's own failure is an ExpressionError). */
    char expr_class[64];
    val_t *touched;             /* targets earlier steps would change: true */
    val_t *touched_dirs;        /* their beginnings a '/' follows: true */
    val_t *step_names;          /* the names of the plan's steps: true */
    val_t **stage_maps;         /* per stage (by order index): step results */
    eval_env_t *stages_env;     /* binds each stage name to its map */
    /* Where a step's result is bound: the scope of the stage or loop item
     * being walked (a step of an if or retry block outlives the block). */
    eval_env_t *steps;
    uint32_t n_changes, n_failures;
    uint32_t n_tolerated;       /* foreseen failures a tolerate absorbs */
    uint32_t n_handled;         /* foreseen failures a recover takes */
    uint32_t in_items;          /* how many loop items the walk is inside */
    uint32_t unsure;            /* how many branches known only when run */
    uint32_t item_statements;   /* statements described inside items */
    uint64_t not_described;     /* loop items left out past the bound */
    /* The hook-enter nodes by scope, found once: those of scope S (a
     * stage-enter node, or node_count for the plan's) are hooks[first[S]]
     * to hooks[first[S + 1] - 1], in node order. */
    uint32_t *hook_first, *hook_nodes;
} dry_t;

/* Sets KEY of MAP to V (consumed; NULL: out of memory, noted in D). */
void dry_put(dry_t *d, val_t *map, const char *key, val_t *v);
void dry_put_str(dry_t *d, val_t *map, const char *key, const char *s);

/* A failure of class CLS foreseen at node N, its messages from index
 * FROM of D's list on, M the node's description: counted as a failure of
 * the dry run, unless a recover block around N would take it in a run
 * (then its errors become warnings, a note names the handler, M gets
 * "handled_by", and it counts as handled). */
void dry_foreseen_failure(dry_t *d, uint32_t n, const char *cls,
                          size_t from, val_t *m);
/* Foreseen failures of the N_ITEMS items of foreach F (item i's: FAILS[i]
 * failures, its messages from DIAGS[i] to DIAGS[i+1]), M the foreach's
 * description: when F's `tolerate` lets that many items fail, as the run
 * would, they become warnings with a note, M gets "tolerated", and they
 * count as tolerated instead of failures. */
void dry_tolerate_items(dry_t *d, const ast_node_t *f, val_t *m,
                        size_t n_items, const uint32_t *fails,
                        const size_t *diags);

/* ---- dryrun_eval.c ---- */

/* Whether the arguments ARGS (a bound map) read something an earlier
 * step would change: a string that names a target in D's touched list, a
 * path inside one, or a folder holding one. */
bool dry_reads_touched(const dry_t *d, const val_t *args);
/* Records TARGET (a string) as changed by an earlier step: itself, and
 * each of its beginnings that a '/' follows (D's touched and touched_dirs
 * sets), for dry_reads_touched. Sets D->oom when it cannot. */
void dry_touch(dry_t *d, const val_t *target);
/* Calls of pure actions in expressions (eval_action_fn; DATA the dry
 * run): evaluated unless they read what an earlier step would change. */
mig_status_t dry_call_action(void *data, const ast_node_t *call,
                             const char *name, val_t *const *args,
                             src_t *src, diag_list_t *diags, val_t **out);
/* Evaluates E in ENV. Returns its value, or NULL when it cannot be known
 * in a dry run (then *WHY, if given, is "unknown") or fails (reported,
 * counted as a failure the run would meet, and *WHY is "fails"). */
val_t *dry_eval(dry_t *d, const ast_node_t *e, eval_env_t *env,
                const char **why);

#endif
