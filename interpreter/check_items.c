/* check_items.c: the static checker's plan items (check.c walks the rest):
 * parameters and their defaults, profiles, and Lua modules (their files,
 * aliases and the namespaces they may not take). docs/checks.md lists
 * every check with its message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_int.h"

/* ---- plan items --------------------------------------------------------- */

void check_params(chk_t *k)
{
    const ast_list_t *items = &k->plan->items;
    for (uint32_t i = 0; i < items->len && !k->oom; i++) {
        const ast_node_t *p = items->items[i];
        if (p->kind != AST_PARAM)
            continue;
        ctype_t t = check_expr(k, p->u.binding.value);
        unsigned mask = t.value ? 1u << val_type(t.value) : t.mask;
        /* A null default takes any type from a profile or --param. */
        if (t.value && val_type(t.value) == VAL_NULL)
            mask = ACTION_T_ANY;
        val_unref(t.value);
        uint32_t first = graph_smap_get(&k->params, p->u.binding.name.name);
        if (first != GRAPH_NONE) {
            check_twice(k, "parameter", &p->u.binding.name,
                        &items->items[first]->u.binding.name.span);
            continue;
        }
        if (!graph_smap_put(k->arena, &k->params, p->u.binding.name.name, i))
            k->oom = true;
        check_bind(k, &p->u.binding.name, CN_PARAM, mask);
    }
}

static void check_profile(chk_t *k, const ast_node_t *p)
{
    const ast_list_t *as = &p->u.profile.assigns;
    const char *pname = p->u.profile.name.name;
    for (uint32_t i = 0; i < as->len; i++) {
        const ast_node_t *a = as->items[i];
        const ast_ident_t *id = &a->u.binding.name;
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(as->items[j]->u.binding.name.name, id->name) == 0) {
                check_error(k, &id->span, "profile '%s' sets '%s' twice",
                            pname, id->name);
                diag_add(k->diags, DIAG_NOTE, k->src,
                         &as->items[j]->u.binding.name.span,
                         "'%s' was first set here", id->name);
                break;
            }
        ctype_t t = check_expr(k, a->u.binding.value);
        const cname_t *param = check_lookup(k, id->name);
        if (!param || param->kind != CN_PARAM) {
            eval_suggest_t s;
            eval_suggest_init(&s, id->name);
            for (uint32_t j = 0; j < k->plan->items.len; j++) {
                const ast_node_t *q = k->plan->items.items[j];
                if (q->kind == AST_PARAM)
                    eval_suggest_consider(&s, q->u.binding.name.name);
            }
            diag_t *d = check_error(k, &id->span, "profile '%s' sets '%s', "
                                    "which is not a parameter", pname,
                                    id->name);
            if (s.best)
                diag_hint(k->diags, d, "did you mean '%s'?", s.best);
        } else if (t.value && param->mask != ACTION_T_ANY
                   && !(param->mask & (1u << val_type(t.value)))) {
            check_error(k, &a->u.binding.value->span, "profile '%s' sets "
                        "'%s' to %s, but its default is %s", pname, id->name,
                        check_types(k, 1u << val_type(t.value)),
                        check_types(k, param->mask));
        } else if (!(t.mask & param->mask)) {
            check_error(k, &a->u.binding.value->span, "profile '%s' sets "
                        "'%s' to %s, but its default is %s", pname, id->name,
                        check_types(k, t.mask), check_types(k, param->mask));
        }
        val_unref(t.value);
    }
}

void check_profiles(chk_t *k)
{
    const ast_list_t *items = &k->plan->items;
    smap_t seen = { 0 };
    for (uint32_t i = 0; i < items->len && !k->oom; i++) {
        const ast_node_t *p = items->items[i];
        if (p->kind != AST_PROFILE)
            continue;
        uint32_t first = graph_smap_get(&seen, p->u.profile.name.name);
        if (first != GRAPH_NONE)
            check_twice(k, "profile", &p->u.profile.name,
                        &items->items[first]->u.profile.name.span);
        else if (!graph_smap_put(k->arena, &seen, p->u.profile.name.name, i))
            k->oom = true;
        check_profile(k, p);
    }
}

/* The directory of the plan file, ending in '/' ("" for the current). */
const char *check_plan_dir(chk_t *k)
{
    const char *name = k->src->name;
    const char *slash = strrchr(name, '/');
    if (!slash || strcmp(name, "-") == 0)
        return "";
    char *d = arena_strndup(k->arena, name, (size_t)(slash - name) + 1);
    if (!d)
        k->oom = true;
    return d ? d : "";
}

/* Whether NS is a namespace of the registry's own actions or handlers
 * (file, exec, adapt ...). Rows that carry data are made at run time: a
 * Lua module's functions (interpreter.h), loaded under its alias. */
static bool builtin_namespace(const chk_t *k, const char *ns)
{
    size_t len = strlen(ns);
    for (size_t i = 0; i < action_count(k->reg); i++) {
        const action_t *a = action_at(k->reg, i);
        if (!a->data && strncmp(a->name, ns, len) == 0 && a->name[len] == '.')
            return true;
    }
    for (size_t i = 0; i < action_handler_count(k->reg); i++) {
        const char *name = action_handler_at(k->reg, i)->name;
        if (strncmp(name, ns, len) == 0 && name[len] == '.')
            return true;
    }
    return false;
}

void check_lua(chk_t *k, uint32_t i, const ast_node_t *l)
{
    const ast_ident_t *alias = &l->u.lua.alias;
    uint32_t first = graph_smap_get(&k->lua, alias->name);
    if (first != GRAPH_NONE) {
        check_twice(k, "the Lua module name", alias,
                    &k->plan->items.items[first]->u.lua.alias.span);
        return;
    }
    if (builtin_namespace(k, alias->name)) {
        diag_t *d = check_error(k, &alias->span, "'%s' is already the name "
                                "of the standard library's %s.* actions",
                                alias->name, alias->name);
        diag_hint(k->diags, d, "choose another name: lua \"...\" as my_%s",
                  alias->name);
        return;
    }
    if (graph_smap_has(&k->params, alias->name)) {
        check_error(k, &alias->span, "'%s' is already a parameter",
                    alias->name);
        return;
    }
    if (!graph_smap_put(k->arena, &k->lua, alias->name, i))
        k->oom = true;
    const char *path;
    uint32_t len;
    if (!ast_string_is_plain(l->u.lua.path, &path, &len))
        return;                 /* syntax.c reports an interpolated path */
    strbuf_t full;
    strbuf_init(&full);
    if (path[0] != '/')
        strbuf_puts(&full, k->dir);
    strbuf_put(&full, path, len);
    struct stat sb;
    if (!full.oom && access(full.data, R_OK) != 0) {
        diag_t *d = check_error(k, &l->u.lua.path->span, "Lua module '%s' "
                                "cannot be read", path);
        diag_hint(k->diags, d, "the path is taken from the plan's "
                  "directory: %s", full.data);
    } else if (!full.oom && (stat(full.data, &sb) != 0
                             || !S_ISREG(sb.st_mode))) {
        check_error(k, &l->u.lua.path->span, "Lua module '%s' is not a "
                    "regular file", path);
    } else if (!full.oom && (uint64_t)sb.st_size > MIG_MAX_FILE) {
        check_error(k, &l->u.lua.path->span, "Lua module '%s' is too large "
                    "(mig reads files up to " MIG_MAX_FILE_TEXT ")", path);
    }
    if (full.oom)
        k->oom = true;
    strbuf_free(&full);
}
