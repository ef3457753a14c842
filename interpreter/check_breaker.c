/* check_breaker.c: the static checks of `breaker "TARGET" { ... }` plan
 * items (docs/checks.md, "Circuit breakers"). The settings are read by
 * breaker_config.c, the same code that hands them to the runtime; here
 * the target is resolved against the actions and Lua modules, `per`
 * against the action's arguments, and a target has one breaker. */
#include <string.h>

#include "check_int.h"

/* Whether NS (LEN bytes) is the alias of one of the plan's Lua modules. */
static bool lua_alias(const chk_t *k, const char *ns, size_t len)
{
    char name[128];
    if (len >= sizeof name)
        return false;
    memcpy(name, ns, len);
    name[len] = '\0';
    return graph_smap_has(&k->lua, name);
}

/* Checks the namespace target "NS.*". */
static void check_namespace(chk_t *k, const ast_node_t *n, const char *t)
{
    size_t len = strlen(t) - 2;
    if (len > 0 && (action_has_namespace(k->reg, t, len) ||
                    lua_alias(k, t, len)))
        return;
    /* The nearest namespace, from the actions' names and the modules. */
    eval_suggest_t s;
    eval_suggest_init(&s, t);
    for (size_t i = 0; i < action_count(k->reg) && !k->oom; i++) {
        const char *name = action_at(k->reg, i)->name;
        const char *dot = strchr(name, '.');
        if (!dot)
            continue;
        size_t nl = (size_t)(dot - name);
        char *c = arena_alloc(k->arena, nl + 3);
        if (!c) {
            k->oom = true;
            return;
        }
        memcpy(c, name, nl);
        memcpy(c + nl, ".*", 3);
        eval_suggest_consider(&s, c);
    }
    diag_t *d = check_error(k, &n->u.breaker.target->span, "breaker target "
                            "'%s' names no group of actions", t);
    if (s.best)
        diag_hint(k->diags, d, "did you mean '%s'?", s.best);
    else
        diag_hint(k->diags, d, "a namespace is the part of an action's "
                  "name before the dot: \"file.*\" for file.write");
}

/* Checks the action target T; returns its row when the registry has one. */
static const action_t *check_action(chk_t *k, const ast_node_t *n,
                                    const char *t)
{
    const src_span_t *at = &n->u.breaker.target->span;
    const action_t *a = action_find(k->reg, t);
    if (a)
        return a;
    const char *dot = strchr(t, '.');
    /* A Lua module's functions are known only once it is loaded. */
    if (dot && lua_alias(k, t, (size_t)(dot - t)) &&
        !action_has_namespace(k->reg, t, (size_t)(dot - t)))
        return NULL;
    if (action_find_handler(k->reg, t)) {
        check_error(k, at, "breaker target '%s' is a recovery handler, not "
                    "an action", t);
        return NULL;
    }
    const char *best = action_suggest(k->reg, t);
    diag_t *d = check_error(k, at, "breaker target '%s' is not an action", t);
    if (best)
        diag_hint(k->diags, d, "did you mean '%s'?", best);
    else
        diag_hint(k->diags, d, "a breaker names an action (\"registry.put\") "
                  "or a namespace (\"file.*\")");
    return NULL;
}

/* Checks that `per` names an argument of A (a row with argument rows). */
static void check_per(chk_t *k, const breaker_item_t *b, const action_t *a)
{
    if (!b->per || !a->args)
        return;                 /* a Lua row takes any argument */
    if (a->target_of && strcmp(b->per_name, BREAKER_PER_ACTION) == 0)
        return;                 /* one breaker for the action */
    eval_suggest_t s;
    eval_suggest_init(&s, b->per_name);
    for (const action_arg_t *r = a->args; r->name; r++) {
        if (strcmp(r->name, b->per_name) == 0)
            return;
        eval_suggest_consider(&s, r->name);
    }
    strbuf_t names;
    strbuf_init(&names);
    for (const action_arg_t *r = a->args; r->name; r++)
        strbuf_printf(&names, "%s%s", r == a->args ? "" : ", ", r->name);
    diag_t *d = check_error(k, &b->per->value->span, "breaker setting 'per' "
                            "names '%s', which is not an argument of %s",
                            b->per_name, a->name);
    if (s.best)
        diag_hint(k->diags, d, "did you mean '%s'?", s.best);
    else if (names.data)
        diag_hint(k->diags, d, "the arguments of %s are %s", a->name,
                  names.data);
    if (names.oom)
        k->oom = true;
    strbuf_free(&names);
}

void check_breakers(chk_t *k)
{
    const ast_list_t *items = &k->plan->items;
    for (uint32_t i = 0; i < items->len && !k->oom; i++) {
        const ast_node_t *n = items->items[i];
        if (n->kind != AST_BREAKER)
            continue;
        breaker_item_t b;
        bool ok = breaker_read(n, k->src, k->diags, &b);
        if (!b.target)
            continue;
        const ast_node_t *first = breaker_earlier(k->plan, i);
        if (first) {
            breaker_report_twice(k->src, k->diags, n, first);
            continue;
        }
        size_t len = strlen(b.target);
        if (len >= 2 && strcmp(b.target + len - 2, ".*") == 0) {
            check_namespace(k, n, b.target);
        } else {
            const action_t *a = check_action(k, n, b.target);
            if (a && ok)
                check_per(k, &b, a);
        }
    }
}
