/* dryrun_eval.c: how the dry run (dryrun.c) evaluates: expressions over
 * what it knows, pure actions called in them unless they read what an
 * earlier step would change, and what an unknown value is (a name left
 * unbound, a step's result known only when run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dryrun_int.h"

/* ---- evaluation --------------------------------------------------------- */

/* Whether a path argument P lies in, or holds, a target an earlier step
 * would change: P is a target, or a target followed by '/' starts P, or P
 * followed by '/' starts a target. Hash lookups, a few per '/' of P, so
 * that thousands of reads after thousands of changes stay linear. */
static bool touched(const dry_t *d, const char *p)
{
    size_t lp = strlen(p);
    if (val_map_get(d->touched, p, lp) || val_map_get(d->touched_dirs, p, lp))
        return true;
    for (size_t k = 0; k < lp; k++)
        if (p[k] == '/' && val_map_get(d->touched, p, k))
            return true;
    return false;
}

void dry_touch(dry_t *d, const val_t *target)
{
    size_t lt;
    const char *t = val_get_str(target, &lt);
    if (val_map_set_take(d->touched, t, lt, val_bool(true)) != MIG_OK)
        d->oom = true;
    for (size_t k = 0; k < lt; k++)
        if (t[k] == '/' &&
            val_map_set_take(d->touched_dirs, t, k, val_bool(true)) != MIG_OK)
            d->oom = true;
}

/* Whether the arguments ARGS (a bound map) read something touched. */
bool dry_reads_touched(const dry_t *d, const val_t *args)
{
    for (size_t i = 0; i < val_len(args); i++) {
        val_t *v = val_map_value(args, i);
        if (val_type(v) == VAL_STRING && touched(d, val_get_str(v, NULL)))
            return true;
    }
    return false;
}

/* Calls of pure actions in expressions: evaluated unless they read what
 * an earlier step would change. */
mig_status_t dry_call_action(void *data, const ast_node_t *call,
                                const char *name, val_t *const *args,
                                src_t *src, diag_list_t *diags, val_t **out)
{
    dry_t *d = data;
    const action_t *a = action_find(d->reg, name);
    if (!a || a->effect != ACTION_PURE || !a->preview) {
        d->unknown = true;      /* a Lua function: known only when run */
        return MIG_EINVALID;
    }
    val_t *bound;
    mig_status_t st = action_bind_args(d->reg, name, a->args, call, args, src,
                                       diags, &bound);
    if (st != MIG_OK)
        return st;
    if (dry_reads_touched(d, bound)) {
        val_unref(bound);
        d->unknown = true;
        return MIG_EINVALID;
    }
    actx_set_action(d->ctx, a);     /* a Lua row finds its function */
    actx_begin(d->ctx, name);
    *out = NULL;
    st = a->preview(d->ctx, bound, out);
    val_unref(bound);
    if (st == MIG_EINVALID) {
        diag_add(diags, DIAG_ERROR, src, &call->span, "%s: %s",
                 actx_error_class(d->ctx), actx_error_message(d->ctx));
        snprintf(d->expr_class, sizeof d->expr_class, "%s",
                 actx_error_class(d->ctx));
    }
    else if (st == MIG_OK && !*out)
        *out = val_null();
    return st;
}

/* Whether a failed evaluation's message MSG comes from a value the dry
 * run does not know: a name left unbound (a let or step whose value is
 * known only when run), or a key missing from a stage's map of results
 * (STAGE.STEP, where STEP's result is known only when run: any key that
 * names a step of the plan). A key that names no step is missing from a
 * known map: an error of the plan. */
static bool from_unknown(const dry_t *d, const char *msg)
{
    if (strncmp(msg, "undefined name", 14) == 0)
        return true;
    if (strncmp(msg, "map has no key '", 16) != 0)
        return false;
    const char *key = msg + 16, *end = strrchr(key, '\'');
    size_t len = end ? (size_t)(end - key) : strlen(key);
    return val_map_get(d->step_names, key, len) != NULL;
}

/* Evaluates E in ENV. Returns its value, or NULL when it cannot be known
 * in a dry run (then *WHY, if given, says so) or fails (reported, and
 * counted as a failure the run would meet). */
val_t *dry_eval(dry_t *d, const ast_node_t *e, eval_env_t *env,
                       const char **why)
{
    diag_list_t scratch;
    diag_list_init(&scratch);
    d->unknown = false;
    d->expr_class[0] = '\0';
    val_t *v = NULL;
    mig_status_t st = eval_expr(e, env, d->src, &scratch, &v);
    if (st == MIG_ENOMEM)
        d->oom = true;
    if (st != MIG_OK && why)
        *why = NULL;
    /* Any name the dry run could not bind makes the value unknown, and so
     * does a read of something an earlier step changes. */
    bool unknown = d->unknown;
    for (size_t i = 0; i < scratch.len && !unknown; i++)
        unknown = from_unknown(d, scratch.items[i].message);
    if (st == MIG_EINVALID && !unknown) {
        diag_list_move(d->diags, &scratch);
        d->n_failures++;
        if (why)
            *why = "fails";
    } else if (st == MIG_EINVALID && why) {
        *why = "unknown";
    }
    diag_list_free(&scratch);
    return st == MIG_OK ? v : NULL;
}
