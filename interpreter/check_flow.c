/* check_flow.c: the checks about how a run moves: error classes (declared
 * and referred to), rollbacks that aim at checkpoints the run cannot have
 * passed, and retry policies that make no sense. */
#include <stdio.h>
#include <string.h>

#include "check_int.h"

/* ---- error classes ------------------------------------------------------ */

static void suggest_classes(chk_t *k, eval_suggest_t *s)
{
    for (int c = 0; c < ERROR_CLASS_COUNT; c++)
        eval_suggest_consider(s, error_class_name((error_class_t)c));
    const ast_list_t *items = &k->plan->items;
    for (uint32_t i = 0; i < items->len; i++)
        if (items->items[i]->kind == AST_ERROR_DECL)
            eval_suggest_consider(s, items->items[i]->u.error_decl.name.name);
}

static bool class_known(chk_t *k, const char *name)
{
    return error_class_find(name) != ERROR_NONE
        || graph_smap_has(&k->classes, name);
}

void check_class_ref(chk_t *k, const ast_ident_t *id)
{
    if (strcmp(id->name, "*") == 0 || class_known(k, id->name))
        return;
    eval_suggest_t s;
    eval_suggest_init(&s, id->name);
    suggest_classes(k, &s);
    diag_t *d = check_error(k, &id->span, "unknown error class '%s'",
                            id->name);
    if (s.best)
        diag_hint(k->diags, d, "did you mean '%s'?", s.best);
    else
        diag_hint(k->diags, d, "declare it: error %s : Permanent", id->name);
}

/* Follows the parents of the declared class at item I; reports a cycle
 * that comes back to it. */
static void check_class_cycle(chk_t *k, uint32_t i)
{
    const ast_list_t *items = &k->plan->items;
    const ast_node_t *start = items->items[i];
    const ast_node_t *d = start;
    strbuf_t path;
    strbuf_init(&path);
    strbuf_puts(&path, start->u.error_decl.name.name);
    for (uint32_t steps = 0; steps <= k->classes.len; steps++) {
        const char *parent = d->u.error_decl.parent.name;
        uint32_t next = parent ? graph_smap_get(&k->classes, parent)
                               : GRAPH_NONE;
        if (next == GRAPH_NONE)
            break;
        strbuf_printf(&path, " : %s", parent);
        d = items->items[next];
        /* A cycle is reported once, at its first class in the file. */
        if (next < i)
            break;
        if (d == start) {
            check_error(k, &start->u.error_decl.name.span, "error class '%s' "
                        "is its own ancestor: %s",
                        start->u.error_decl.name.name,
                        path.oom ? "..." : path.data);
            break;
        }
    }
    strbuf_free(&path);
}

void check_classes_declared(chk_t *k)
{
    const ast_list_t *items = &k->plan->items;
    for (uint32_t i = 0; i < items->len && !k->oom; i++) {
        const ast_node_t *d = items->items[i];
        if (d->kind != AST_ERROR_DECL)
            continue;
        const ast_ident_t *name = &d->u.error_decl.name;
        uint32_t first = graph_smap_get(&k->classes, name->name);
        if (error_class_find(name->name) != ERROR_NONE) {
            diag_t *e = check_error(k, &name->span, "'%s' is a built-in error "
                                    "class", name->name);
            diag_hint(k->diags, e, "a plan's own classes need names of "
                      "their own");
        } else if (first != GRAPH_NONE) {
            check_error(k, &name->span, "error class '%s' is already "
                        "declared", name->name);
            diag_add(k->diags, DIAG_NOTE, k->src,
                     &items->items[first]->u.error_decl.name.span,
                     "'%s' was first declared here", name->name);
        } else if (!graph_smap_put(k->arena, &k->classes, name->name, i)) {
            k->oom = true;
        }
    }
    for (uint32_t i = 0; i < items->len && !k->oom; i++) {
        const ast_node_t *d = items->items[i];
        if (d->kind != AST_ERROR_DECL || !d->u.error_decl.parent.name)
            continue;
        if (!class_known(k, d->u.error_decl.parent.name))
            check_class_ref(k, &d->u.error_decl.parent);
        else if (graph_smap_get(&k->classes, d->u.error_decl.name.name) == i)
            check_class_cycle(k, i);
    }
}

/* ---- checkpoints -------------------------------------------------------- */

typedef struct cwalk {
    chk_t *k;
    uint32_t stage;
    const ast_node_t *loop;
    const ast_node_t *ifs[MIG_MAX_NESTING];
    uint8_t branch[MIG_MAX_NESTING];
    uint32_t n_ifs;
} cwalk_t;

static void collect_in(cwalk_t *w, const ast_list_t *body);

static void collect_one(cwalk_t *w, const ast_node_t *n)
{
    chk_t *k = w->k;
    switch (n->kind) {
    case AST_CHECKPOINT: {
        if (!graph_grow(k->arena, (void **)&k->cps, &k->cap_cps, k->n_cps,
                        sizeof(*k->cps))) {
            k->oom = true;
            return;
        }
        ccheckpoint_t *cp = &k->cps[k->n_cps];
        cp->node = n;
        cp->place = (cplace_t){ .stage = w->stage, .loop = w->loop,
                                .n_ifs = w->n_ifs };
        if (w->n_ifs) {
            cp->place.ifs = arena_alloc(k->arena, w->n_ifs * sizeof(*w->ifs));
            cp->place.branch = arena_alloc(k->arena, w->n_ifs);
            if (!cp->place.ifs || !cp->place.branch) {
                k->oom = true;
                return;
            }
            memcpy(cp->place.ifs, w->ifs, w->n_ifs * sizeof(*w->ifs));
            memcpy(cp->place.branch, w->branch, w->n_ifs);
        }
        const char *name = n->u.checkpoint.name.name;
        if (!graph_smap_has(&k->cp_names, name)
            && !graph_smap_put(k->arena, &k->cp_names, name, k->n_cps))
            k->oom = true;
        k->n_cps++;
        break;
    }
    case AST_FOREACH: {
        const ast_node_t *outer = w->loop;
        w->loop = n;
        collect_in(w, &n->u.foreach.body);
        w->loop = outer;
        break;
    }
    case AST_RETRY:
        collect_in(w, &n->u.retry.body);
        break;
    case AST_RECOVER:
        collect_in(w, &n->u.recover.body);
        break;
    case AST_HOOK:
        collect_in(w, &n->u.hook.body);
        break;
    case AST_IF:
        if (w->n_ifs >= MIG_MAX_NESTING)
            return;
        w->ifs[w->n_ifs] = n;
        w->branch[w->n_ifs++] = 0;
        collect_in(w, &n->u.if_.then_body);
        w->branch[w->n_ifs - 1] = 1;
        collect_in(w, &n->u.if_.else_body);
        w->n_ifs--;
        break;
    default:
        break;
    }
}

static void collect_in(cwalk_t *w, const ast_list_t *body)
{
    for (uint32_t i = 0; i < body->len && !w->k->oom; i++)
        collect_one(w, body->items[i]);
}

void check_collect_checkpoints(chk_t *k)
{
    cwalk_t *w = arena_alloc(k->arena, sizeof(*w));
    if (!w) {
        k->oom = true;
        return;
    }
    memset(w, 0, sizeof(*w));
    w->k = k;
    w->stage = CHECK_NONE;
    uint32_t stage = 0;
    const ast_list_t *items = &k->plan->items;
    for (uint32_t i = 0; i < items->len && !k->oom; i++) {
        const ast_node_t *n = items->items[i];
        w->stage = n->kind == AST_STAGE ? stage++ : CHECK_NONE;
        if (n->kind == AST_STAGE)
            collect_in(w, &n->u.stage.body);
        else
            collect_one(w, n);
    }
}

static bool inside(const src_span_t *outer, const src_span_t *inner)
{
    return inner->begin >= outer->begin && inner->end <= outer->end;
}

/* Whether AT lies in a statement of BODY. */
static bool in_body(const ast_list_t *body, const src_span_t *at)
{
    for (uint32_t i = 0; i < body->len; i++)
        if (inside(&body->items[i]->span, at))
            return true;
    return false;
}

void check_rollback(chk_t *k, const ast_ident_t *target)
{
    uint32_t i = graph_smap_get(&k->cp_names, target->name);
    if (i == GRAPH_NONE)
        return;                 /* graph_compile reports the unknown name */
    const ccheckpoint_t *cp = &k->cps[i];
    const cplace_t *p = &cp->place;
    uint32_t line = cp->node->span.line;
    if (p->loop && !inside(&p->loop->span, &target->span)) {
        diag_t *d = check_error(k, &target->span, "checkpoint '%s' is inside "
                                "a foreach, so it is passed once per item; it "
                                "cannot be rolled back to from outside that "
                                "loop", target->name);
        diag_hint(k->diags, d, "put the checkpoint before the foreach (line "
                  "%u) to roll the whole loop back", p->loop->span.line);
        return;
    }
    for (uint32_t j = 0; j < p->n_ifs; j++) {
        const ast_node_t *f = p->ifs[j];
        const ast_list_t *other = p->branch[j] ? &f->u.if_.then_body
                                               : &f->u.if_.else_body;
        if (in_body(other, &target->span)) {
            check_error(k, &target->span, "checkpoint '%s' cannot have been "
                        "passed: it is in the other branch of the 'if' at "
                        "line %u", target->name, f->span.line);
            return;
        }
    }
    uint32_t here = k->stage;
    if (p->stage == CHECK_NONE || here == CHECK_NONE || p->stage == here)
        return;
    const char *cs = k->stages[p->stage].node->u.stage.name.name;
    const char *hs = k->stages[here].node->u.stage.name.name;
    if (check_runs_before(k, here, p->stage)) {
        check_error(k, &target->span, "checkpoint '%s' (line %u) cannot have "
                    "been passed: its stage '%s' runs after stage '%s'",
                    target->name, line, cs, hs);
    } else if (!check_runs_before(k, p->stage, here)) {
        diag_t *d = check_warning(k, &target->span, "checkpoint '%s' may not "
                                  "have been passed: nothing makes stage '%s' "
                                  "run before stage '%s'", target->name, cs,
                                  hs);
        diag_hint(k->diags, d, "stage %s after %s { ... }", hs, cs);
    }
}

/* ---- retry policies ----------------------------------------------------- */

/* The backoff argument NAME of R, or NULL. */
static const ast_node_t *backoff_arg(const ast_node_t *r, const char *name)
{
    const ast_args_t *a = &r->u.retry.backoff_args;
    for (uint32_t i = 0; i < a->len; i++)
        if (strcmp(a->items[i].name.name, name) == 0)
            return a->items[i].value;
    return NULL;
}

/* Checks the backoff argument NAME (a duration) of R; its value in ms
 * when constant, else -1. */
static int64_t duration_arg(chk_t *k, const ast_node_t *r, const char *name,
                            bool positive)
{
    const ast_node_t *e = backoff_arg(r, name);
    if (!e)
        return -1;
    char what[64];
    snprintf(what, sizeof what, "the backoff's '%s'", name);
    val_t *v = check_expr_want(k, e, ACTION_T(DURATION), what);
    int64_t ms = v && val_type(v) == VAL_DURATION ? val_get_ms(v) : -1;
    if (v && val_type(v) == VAL_DURATION
        && (positive ? val_get_ms(v) <= 0 : val_get_ms(v) < 0)) {
        check_error(k, &e->span, "the backoff's '%s' must be %s 0", name,
                    positive ? "longer than" : "at least");
        ms = -1;
    }
    val_unref(v);
    return ms;
}

static void check_factor(chk_t *k, const ast_node_t *r)
{
    const ast_node_t *e = backoff_arg(r, "factor");
    if (!e)
        return;
    val_t *v = check_expr_want(k, e, ACTION_T(NUMBER), "the backoff's "
                               "'factor'");
    if (v && val_type(v) == VAL_NUMBER) {
        double f = val_get_number(v);
        if (f < 1) {
            diag_t *d = check_error(k, &e->span, "the backoff's 'factor' must "
                                    "be at least 1");
            diag_hint(k->diags, d, "a factor below 1 makes each wait "
                      "shorter than the one before");
        } else if (f == 1) {
            diag_t *d = check_warning(k, &e->span, "with a factor of 1 every "
                                      "wait is 'base'");
            diag_hint(k->diags, d, "say so: backoff fixed(delay: ...)");
        }
    }
    val_unref(v);
}

/* Checks the retry clause E (a timeout or a deadline: a duration longer
 * than 0); its value in ms when constant, else -1. */
static int64_t limit_arg(chk_t *k, const ast_node_t *e, const char *what)
{
    if (!e)
        return -1;
    char want[64];
    snprintf(want, sizeof want, "a retry's %s", what);
    val_t *v = check_expr_want(k, e, ACTION_T(DURATION), want);
    int64_t ms = v && val_type(v) == VAL_DURATION ? val_get_ms(v) : -1;
    if (v && val_type(v) == VAL_DURATION && ms <= 0) {
        check_error(k, &e->span, "a retry's %s must be longer than 0", what);
        ms = -1;
    }
    val_unref(v);
    return ms;
}

/* The per-attempt timeout and the deadline of the whole block: a deadline
 * shorter than one attempt's timeout cuts the first attempt short, which
 * is seldom meant. */
static void check_time_limits(chk_t *k, const ast_node_t *r)
{
    int64_t timeout = limit_arg(k, r->u.retry.timeout, "timeout");
    int64_t deadline = limit_arg(k, r->u.retry.deadline, "deadline");
    if (timeout <= 0 || deadline <= 0 || deadline >= timeout)
        return;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_put_duration(&b, deadline);
    strbuf_puts(&b, " is shorter than its timeout ");
    strbuf_put_duration(&b, timeout);
    diag_t *d = check_warning(k, &r->u.retry.deadline_span, "the retry's "
                              "deadline %s", b.oom ? "is shorter than its "
                              "timeout" : b.data);
    diag_hint(k->diags, d, "the deadline cuts the first attempt short, so "
              "the timeout never applies; raise the deadline or lower the "
              "timeout");
    strbuf_free(&b);
}

void check_retry_policy(chk_t *k, const ast_node_t *r)
{
    val_t *n = check_expr_want(k, r->u.retry.attempts, ACTION_T(NUMBER),
                               "the number of attempts");
    bool single = n && val_type(n) == VAL_NUMBER && val_get_number(n) == 1;
    val_unref(n);
    for (uint32_t i = 0; i < r->u.retry.on.len; i++)
        check_class_ref(k, &r->u.retry.on.items[i]);
    check_time_limits(k, r);
    ast_backoff_kind_t kind = r->u.retry.backoff;
    if (kind == AST_BACKOFF_NONE) {
        if (r->u.retry.jitter == AST_JITTER_FULL
            || r->u.retry.jitter == AST_JITTER_EQUAL)
            check_warning(k, &r->u.retry.jitter_span, "jitter spreads the "
                          "waits of a backoff, and this retry has none");
        return;
    }
    if (single)
        check_warning(k, &r->u.retry.backoff_span, "with 1 attempt the block "
                      "is never retried, so the backoff never applies");
    int64_t base = duration_arg(k, r, kind == AST_BACKOFF_FIXED ? "delay"
                                                                : "base", true);
    int64_t max = duration_arg(k, r, "max", true);
    duration_arg(k, r, "step", false);
    check_factor(k, r);
    if (base > 0 && max > 0 && max < base) {
        const ast_node_t *e = backoff_arg(r, "max");
        strbuf_t b;
        strbuf_init(&b);
        strbuf_put_duration(&b, max);
        strbuf_puts(&b, " is below its base ");
        strbuf_put_duration(&b, base);
        diag_t *d = check_error(k, &e->span, "the backoff's max %s",
                                b.oom ? "is below its base" : b.data);
        diag_hint(k->diags, d, "every wait would be cut to max; raise max "
                  "or lower base");
        strbuf_free(&b);
    }
}
