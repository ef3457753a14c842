/* check_call.c: the checker's view of calls (check_int.h): resolving a
 * dotted callee to an action, a recovery handler or a Lua function, with
 * "did you mean"; checking the arguments against the action's rows and the
 * names a Lua function reads; registry("NAME") against mig.yaml. The walk
 * that types a call's value is check_expr.c's (walk_call). */
#include <stdio.h>
#include <string.h>

#include "check_int.h"
#include "eval_int.h"


/* Types the arguments of CALL into TYPES (one per argument). */
static unsigned *arg_types(chk_t *k, const ast_node_t *call)
{
    uint32_t n = call->u.call.args.len;
    unsigned *types = arena_alloc(k->arena, (n ? n : 1) * sizeof(unsigned));
    if (!types) {
        k->oom = true;
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        bool c = true;
        types[i] = check_child(k, call->u.call.args.items[i].value, &c,
                               false);
    }
    return types;
}

/* Reports DOTTED, a name that is no action, handler or Lua function. */
void check_unknown_action(chk_t *k, const ast_node_t *callee,
                          const char *dotted, const char *what)
{
    const char *best = action_suggest(k->reg, dotted);
    diag_t *d = check_error(k, &callee->span, "unknown %s '%s'", what, dotted);
    if (best)
        diag_hint(k->diags, d, "did you mean '%s'?", best);
    else if (!strchr(dotted, '.'))
        diag_hint(k->diags, d, "actions have dotted names, such as "
                  "file.write; Lua functions are called as MODULE.NAME");
    else
        diag_hint(k->diags, d, "'mig help actions' lists the actions; a Lua "
                  "module's functions need 'lua \"FILE\" as %.*s'",
                  (int)(strchr(dotted, '.') - dotted), dotted);
}

/* The row of DOTTED, a function of the Lua module ALIAS, when the
 * registry holds the module's rows (the CLI loads a plan's modules before
 * checking it; without them any ALIAS.NAME is accepted and NULL returned).
 * An unknown function, or a field of the module that is not a function
 * (a row whose result is 0, lua_bridge.h), is reported; NULL then. */
static const action_t *lua_function(chk_t *k, const ast_node_t *callee,
                                    const char *dotted, const char *alias)
{
    size_t alen = strlen(alias);
    if (!action_has_namespace(k->reg, alias, alen))
        return NULL;
    const action_t *a = action_find(k->reg, dotted);
    if (a && a->result == 0) {
        check_error(k, &callee->span, "'%s' cannot be called: %s", dotted,
                    a->doc);
        return NULL;
    }
    if (a)
        return a;
    eval_suggest_t s;
    eval_suggest_init(&s, dotted);
    strbuf_t names;
    strbuf_init(&names);
    size_t n = 0;
    for (size_t i = 0; i < action_count(k->reg); i++) {
        const action_t *row = action_at(k->reg, i);
        if (strncmp(row->name, alias, alen) != 0 || row->name[alen] != '.'
            || row->result == 0)
            continue;
        eval_suggest_consider(&s, row->name);
        if (n++ < 8)
            strbuf_printf(&names, "%s%s", n > 1 ? ", " : "",
                          row->name + alen + 1);
    }
    diag_t *d = check_error(k, &callee->span, "unknown function '%s': the "
                            "Lua module '%s' has no function '%s'", dotted,
                            alias, dotted + alen + 1);
    if (s.best)
        diag_hint(k->diags, d, "did you mean '%s'?", s.best);
    else if (n)
        diag_hint(k->diags, d, "its functions are %s%s",
                  names.data ? names.data : "", n > 8 ? ", ..." : "");
    if (names.oom)
        k->oom = true;
    strbuf_free(&names);
    return NULL;
}

/* Resolves the dotted callee of CALL: a Lua function (*IS_LUA; its row
 * when the module's rows are loaded), an action (returned), or an error
 * reported as WHAT ("action", "handler"). */
const action_t *check_resolve_action(chk_t *k, const ast_node_t *call,
                                     bool *is_lua)
{
    const ast_node_t *callee = call->u.call.callee;
    const ast_node_t *root = ast_dotted_root(callee);
    const char *dotted = check_dotted(k, callee);
    *is_lua = false;
    if (!root || !dotted) {
        if (!k->oom)
            check_error(k, &callee->span, "only a function can be called "
                        "here");
        return NULL;
    }
    const cname_t *bound = check_lookup(k, root->u.name.name);
    if (bound) {
        static const char *const kinds[] = {
            [CN_PARAM] = "a parameter", [CN_LET] = "a let binding",
            [CN_STEP] = "a step's result", [CN_VAR] = "a loop variable",
            [CN_ERR] = "the error being handled",
        };
        diag_t *d = check_error(k, &callee->span, "'%s' cannot be called: "
                                "'%s' is %s, not a group of actions", dotted,
                                root->u.name.name, kinds[bound->kind]);
        const char *best = action_suggest(k->reg, dotted);
        if (best)
            diag_hint(k->diags, d, "did you mean '%s'?", best);
        return NULL;
    }
    if (graph_smap_has(&k->lua, root->u.name.name)) {
        if (callee->kind == AST_FIELD && callee->u.field.object == root) {
            *is_lua = true;
            return lua_function(k, callee, dotted, root->u.name.name);
        }
        check_error(k, &callee->span, "a Lua module's function is called "
                    "as MODULE.NAME, not '%s'", dotted);
        return NULL;
    }
    const action_t *a = action_find(k->reg, dotted);
    if (a && !a->run) {
        /* A row without a function would pass here and fail at run. */
        diag_t *d = check_error(k, &callee->span, "action '%s' cannot run: "
                                "this build of mig has no code for it",
                                dotted);
        diag_hint(k->diags, d, "'mig help actions' lists the actions");
        return NULL;
    }
    if (a)
        return a;
    if (action_find_handler(k->reg, dotted)) {
        diag_t *d = check_error(k, &callee->span, "'%s' is a recovery "
                                "handler, not an action", dotted);
        diag_hint(k->diags, d, "use it in a recover: recover CLASS with %s",
                  dotted);
        return NULL;
    }
    check_unknown_action(k, callee, dotted, "action");
    return NULL;
}

/* Checks the arguments of CALL against A's rows. */
static void check_args(chk_t *k, const ast_node_t *call, const char *what,
                       const action_arg_t *rows)
{
    unsigned *types = arg_types(k, call);
    if (types && action_check_call(what, rows, call, types, k->src,
                                   k->diags) == MIG_ENOMEM)
        k->oom = true;
}

/* The named arguments of CALL that A (a row taking any arguments, whose
 * READS says what it reads) never reads: each an error at its name, with
 * "did you mean", else the names it reads. */
static void check_reads(chk_t *k, const ast_node_t *call, const action_t *a)
{
    for (uint32_t i = 0; i < call->u.call.args.len; i++) {
        const ast_ident_t *name = &call->u.call.args.items[i].name;
        if (!name->name || !name->name[0])
            continue;               /* positional: PARAM[N] */
        eval_suggest_t s;
        eval_suggest_init(&s, name->name);
        const action_arg_t *r = a->reads;
        for (; r->name && strcmp(r->name, name->name) != 0; r++)
            eval_suggest_consider(&s, r->name);
        if (r->name)
            continue;
        diag_t *d = check_error(k, &name->span, "%s reads no argument '%s'",
                                a->name, name->name);
        if (s.best) {
            diag_hint(k->diags, d, "did you mean '%s'?", s.best);
            continue;
        }
        strbuf_t b;
        strbuf_init(&b);
        for (r = a->reads; r->name; r++)
            strbuf_printf(&b, "%s'%s'", r == a->reads ? "" : ", ", r->name);
        if (b.oom)
            k->oom = true;
        else if (b.len)
            diag_hint(k->diags, d, "it reads %s", b.data);
        else
            diag_hint(k->diags, d, "it reads no named argument");
        strbuf_free(&b);
    }
}

/* Checks the arguments of CALL to A (NULL: unresolved) against its rows;
 * a Lua function (IS_LUA) takes any arguments, but not a name it never
 * reads (check_reads). */
void check_call_args(chk_t *k, const ast_node_t *call, const action_t *a,
                     bool is_lua)
{
    if (a && !is_lua)
        check_args(k, call, a->name, a->args);
    else
        arg_types(k, call);
    if (a && a->reads)
        check_reads(k, call, a);
}

const action_t *check_step_call(chk_t *k, const ast_node_t *call,
                                bool *is_lua)
{
    const ast_node_t *callee = call->u.call.callee;
    *is_lua = false;
    if (callee->kind == AST_NAME && !check_lookup(k, callee->u.name.name)
        && eval_builtin_find(callee->u.name.name)) {
        diag_t *d = check_error(k, &callee->span, "'%s' is a function, not "
                                "an action", callee->u.name.name);
        diag_hint(k->diags, d, "compute it with let: let NAME = %s(...)",
                  callee->u.name.name);
        arg_types(k, call);
        return NULL;
    }
    const action_t *a = check_resolve_action(k, call, is_lua);
    check_call_args(k, call, a, *is_lua);
    return a;
}

unsigned check_call_result(chk_t *k, const ast_node_t *call)
{
    const char *dotted = check_dotted(k, call->u.call.callee);
    const action_t *a = dotted ? action_find(k->reg, dotted) : NULL;
    return a ? a->result : ACTION_T_ANY;
}

void check_handler(chk_t *k, const ast_node_t *handler)
{
    const ast_node_t *callee = handler->kind == AST_CALL
        ? handler->u.call.callee : handler;
    const ast_node_t *root = ast_dotted_root(callee);
    const char *dotted = check_dotted(k, callee);
    if (!root || !dotted)
        return;
    if (graph_smap_has(&k->lua, root->u.name.name)
        && callee->kind == AST_FIELD && callee->u.field.object == root) {
        lua_function(k, callee, dotted, root->u.name.name);
        if (handler->kind == AST_CALL)
            arg_types(k, handler);
        return;
    }
    const action_handler_t *h = action_find_handler(k->reg, dotted);
    if (h && !h->run) {
        /* Like an action without code: it would fail only when run. */
        diag_t *d = check_error(k, &callee->span, "recovery handler '%s' "
                                "cannot run: this build of mig has no code "
                                "for it", dotted);
        diag_hint(k->diags, d, "'mig help actions' lists the recovery "
                  "handlers");
        return;
    }
    if (h) {
        if (handler->kind == AST_CALL)
            check_args(k, handler, h->name, h->args);
        else if (h->args && h->args[0].name) {
            for (const action_arg_t *a = h->args; a->name; a++)
                if (a->required) {
                    diag_t *d = check_error(k, &callee->span, "%s needs the "
                                            "argument '%s'", h->name, a->name);
                    diag_hint(k->diags, d, "recover CLASS with %s(%s: ...)",
                              h->name, a->name);
                    break;
                }
        }
        return;
    }
    if (action_find(k->reg, dotted)) {
        diag_t *d = check_error(k, &callee->span, "'%s' is an action, not a "
                                "recovery handler", dotted);
        diag_hint(k->diags, d, "to run steps when an error happens, write a "
                  "recover block: recover CLASS { ... }");
        return;
    }
    check_unknown_action(k, callee, dotted, "recovery handler");
}

/* registry(NAME) (docs/configuration.md, "registries"): NAME a string
 * as written, one of mig.yaml's registries (when mig.yaml is known),
 * since the run resolves it from there. */
void check_registry_call(chk_t *k, const ast_node_t *e)
{
    const ast_node_t *arg = e->u.call.args.items[0].value;
    const char *name;
    uint32_t len;
    if (arg->kind != AST_STRING || !ast_string_is_plain(arg, &name, &len)) {
        diag_t *d = check_error(k, &arg->span, "registry() takes the "
                                "registry's name as a plain string");
        diag_hint(k->diags, d, "write the name of one of mig.yaml's "
                  "registries: registry(\"main\")");
        return;
    }
    const config_settings_t *set = k->config;
    if (!set)
        return;
    eval_suggest_t sg;
    eval_suggest_init(&sg, name);
    strbuf_t names;
    strbuf_init(&names);
    for (size_t i = 0; i < set->n_registries; i++) {
        const char *r = set->registries[i].name;
        if (strlen(r) == len && memcmp(r, name, len) == 0) {
            strbuf_free(&names);
            return;
        }
        eval_suggest_consider(&sg, r);
        strbuf_printf(&names, "%s'%s'", i ? ", " : "", r);
    }
    diag_t *d = check_error(k, &arg->span, "no registry '%.*s' in mig.yaml",
                            (int)len, name);
    if (sg.best)
        diag_hint(k->diags, d, "did you mean '%s'? mig.yaml's registries are "
                  "%s", sg.best, names.data);
    else if (names.data)
        diag_hint(k->diags, d, "mig.yaml's registries are %s", names.data);
    else
        diag_hint(k->diags, d, "mig.yaml configures no registries: add one "
                  "under 'registries:' (docs/configuration.md)");
    if (names.oom)
        k->oom = true;
    strbuf_free(&names);
}

/* A call in an expression. */
