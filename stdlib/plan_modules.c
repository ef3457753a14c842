/* plan_modules.c: the registry a plan is checked and run against: the
 * standard library's actions, then the functions of the plan's Lua
 * modules. `mig check` (cli/load.c) and `mig lsp` both load a plan's
 * modules through here, so both see the same rows and messages. */
#include <stdlib.h>
#include <string.h>

#include "mig_stdlib.h"
#include "lua_bridge.h"

static mig_status_t worse(mig_status_t a, mig_status_t b)
{
    if (a == MIG_ENOMEM || b == MIG_ENOMEM)
        return MIG_ENOMEM;
    return a != MIG_OK ? a : b;
}

/* Loads the `lua` item L of the plan (from SRC) into B and R; what the
 * bridge says of the module as a whole is said at the path the plan
 * wrote. */
static mig_status_t load_one(const ast_node_t *l, src_t *src, lua_bridge_t *b,
                             action_registry_t *r, diag_list_t *diags)
{
    const char *file;
    uint32_t len;
    if (!ast_string_is_plain(l->u.lua.path, &file, &len))
        return MIG_OK;
    const char *alias = l->u.lua.alias.name;
    if (action_has_namespace(r, alias, strlen(alias)))
        return MIG_OK;
    char *name = strndup(file, len);
    if (!name)
        return MIG_ENOMEM;
    diag_list_t found;
    diag_list_init(&found);
    mig_status_t ls = lua_bridge_load(b, alias, name, r, &found);
    free(name);
    for (size_t k = 0; k < found.len; k++)
        if (!found.items[k].src) {
            found.items[k].src = src;
            found.items[k].span = l->u.lua.path->span;
            found.items[k].has_span = true;
        }
    if (ls == MIG_EIO) {        /* the checks say it cannot be read */
        diag_list_free(&found);
        return MIG_OK;
    }
    diag_list_move(diags, &found);
    return ls;
}

/* A new bridge for the modules of a plan in DIR raising CLASSES, with the
 * module paths and grants of CFG (NULL: none). */
static mig_status_t new_bridge(const char *dir, const config_t *cfg,
                               const char **classes, size_t n_classes,
                               diag_list_t *diags, lua_bridge_t **lua)
{
    config_settings_t set = { 0 };
    if (cfg && config_effective(cfg, NULL, &set, NULL) != MIG_OK)
        return MIG_ENOMEM;
    /* config_grant_t and lua_bridge_grant have the same two strings. */
    struct lua_bridge_grant *grants = set.n_lua_grants
        ? calloc(set.n_lua_grants, sizeof *grants) : NULL;
    mig_status_t st = set.n_lua_grants && !grants ? MIG_ENOMEM : MIG_OK;
    for (size_t i = 0; grants && i < set.n_lua_grants; i++)
        grants[i] = (struct lua_bridge_grant){ set.lua_grants[i].module,
                                               set.lua_grants[i].library };
    lua_bridge_config_t bc = {
        .base_dir = dir, .classes = classes, .n_classes = n_classes,
        .module_paths = (const char *const *)set.lua_paths,
        .n_module_paths = set.n_lua_paths,
        .module_grants = grants, .n_module_grants = set.n_lua_grants };
    if (st == MIG_OK)
        st = lua_bridge_new(&bc, diags, lua);
    free(grants);
    config_settings_clear(&set);
    return st;
}

mig_status_t stdlib_plan_modules(const ast_plan_t *plan, src_t *src,
                                 const char *dir, const config_t *cfg,
                                 diag_list_t *diags,
                                 action_registry_t **actions,
                                 lua_bridge_t **lua)
{
    *actions = action_registry_new();
    *lua = NULL;
    if (!*actions || stdlib_register(*actions) != MIG_OK)
        return MIG_ENOMEM;
    const ast_list_t *items = &plan->items;
    /* The plan's own error classes, the ones its modules may raise. */
    const char **classes = calloc(items->len ? items->len : 1,
                                  sizeof *classes);
    if (!classes)
        return MIG_ENOMEM;
    size_t n_classes = 0;
    for (uint32_t i = 0; i < items->len; i++)
        if (items->items[i] && items->items[i]->kind == AST_ERROR_DECL)
            classes[n_classes++] = items->items[i]->u.error_decl.name.name;
    mig_status_t st = new_bridge(dir, cfg, classes, n_classes, diags, lua);
    free(classes);
    if (st != MIG_OK)
        return st;
    for (uint32_t i = 0; i < items->len && st != MIG_ENOMEM; i++)
        if (items->items[i] && items->items[i]->kind == AST_LUA
            && items->items[i]->u.lua.path && items->items[i]->u.lua.alias.name)
            st = worse(st, load_one(items->items[i], src, *lua, *actions,
                                    diags));
    return st;
}

mig_status_t stdlib_check_plan(const ast_plan_t *plan, src_t *src,
                               const char *dir, const config_t *cfg,
                               unsigned flags, diag_list_t *diags,
                               action_registry_t **actions,
                               struct lua_bridge **lua)
{
    *actions = NULL;
    *lua = NULL;
    mig_status_t st = cfg ? params_check_config(plan, src, cfg, diags)
                          : MIG_OK;
    if (st != MIG_ENOMEM)
        st = worse(st, stdlib_plan_modules(plan, src, dir, cfg, diags,
                                           actions, lua));
    /* mig.yaml's write roots are the plan's too, and its registries are
     * the ones registry("NAME") may name. */
    config_settings_t set = { 0 };
    if (st != MIG_ENOMEM && cfg
        && config_effective(cfg, NULL, &set, NULL) != MIG_OK)
        st = MIG_ENOMEM;
    if (st != MIG_ENOMEM)
        st = worse(st, check_plan_with(plan, src, *actions, flags,
                                       cfg ? &set : NULL, diags));
    config_settings_clear(&set);
    return st;
}
