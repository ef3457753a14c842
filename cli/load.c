/* load.c: how every command that reads a plan gets it: the file, its AST,
 * the static checks and the execution graph as asked, with every
 * diagnostic rendered and the outcome already said as an exit code. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static action_registry_t *actions;

static void free_actions(void)
{
    action_registry_free(actions);
    actions = NULL;
}

const action_registry_t *cli_actions(void)
{
    if (actions)
        return actions;
    actions = action_registry_new();
    if (!actions || stdlib_register(actions) != MIG_OK) {
        action_registry_free(actions);
        actions = NULL;
        fprintf(stderr, "mig: error: out of memory\n");
        return NULL;
    }
    atexit(free_actions);
    return actions;
}

/* The worse of two outcomes: out of memory over errors over clean. */
static mig_status_t worse(mig_status_t a, mig_status_t b)
{
    if (a == MIG_ENOMEM || b == MIG_ENOMEM)
        return MIG_ENOMEM;
    return a != MIG_OK ? a : b;
}

/* Loads the Lua modules of P's plan (from PATH) into a bridge, P->lua,
 * and a registry of P's own, P->actions: the standard library's actions,
 * then each module's functions. A `lua` item the checks will report is
 * skipped: an alias loaded before or taken by the standard library, a
 * path with ${...}, a file that cannot be read. What loading a module
 * finds wrong (a Lua syntax error, ...) goes to DIAGS. */
static mig_status_t load_lua(cli_plan_t *p, const char *path,
                             diag_list_t *diags)
{
    p->actions = action_registry_new();
    if (!p->actions || stdlib_register(p->actions) != MIG_OK)
        return MIG_ENOMEM;
    char *dir = cli_dir_of(path);
    const ast_list_t *items = &p->plan->items;
    /* The plan's own error classes, the ones its modules may raise. */
    const char **classes = calloc(items->len ? items->len : 1,
                                  sizeof *classes);
    if (!dir || !classes) {
        free(dir);
        free(classes);
        return MIG_ENOMEM;
    }
    size_t n_classes = 0;
    for (uint32_t i = 0; i < items->len; i++)
        if (items->items[i]->kind == AST_ERROR_DECL)
            classes[n_classes++] = items->items[i]->u.error_decl.name.name;
    lua_bridge_config_t cfg = { .base_dir = dir, .classes = classes,
                                .n_classes = n_classes };
    mig_status_t st = lua_bridge_new(&cfg, diags, &p->lua);
    free(dir);
    free(classes);
    if (st != MIG_OK)
        return st;
    for (uint32_t i = 0; i < items->len && st != MIG_ENOMEM; i++) {
        const ast_node_t *l = items->items[i];
        const char *file;
        uint32_t len;
        if (l->kind != AST_LUA || !ast_string_is_plain(l->u.lua.path, &file,
                                                       &len))
            continue;
        const char *alias = l->u.lua.alias.name;
        if (action_has_namespace(p->actions, alias, strlen(alias)))
            continue;
        char *name = strndup(file, len);
        if (!name)
            return MIG_ENOMEM;
        diag_list_t found;
        diag_list_init(&found);
        mig_status_t ls = lua_bridge_load(p->lua, alias, name, p->actions,
                                          &found);
        free(name);
        /* What the bridge says of the module as a whole is said at the
         * path the plan wrote. */
        for (size_t k = 0; k < found.len; k++)
            if (!found.items[k].src) {
                found.items[k].src = p->src;
                found.items[k].span = l->u.lua.path->span;
                found.items[k].has_span = true;
            }
        if (ls == MIG_EIO)      /* the checks say it cannot be read */
            diag_list_free(&found);
        else
            diag_list_move(diags, &found);
        if (ls != MIG_EIO)
            st = worse(st, ls);
    }
    return st;
}

int cli_load_plan(const char *path, unsigned flags, cli_plan_t *p)
{
    *p = (cli_plan_t){ 0 };
    diag_list_t diags;
    diag_list_init(&diags);
    mig_status_t st = src_load(path, &diags, &p->src);
    if (st != MIG_OK) {
        /* src_load said why, as a diagnostic. */
        cli_render_diags(&diags);
        diag_list_free(&diags);
        return EXIT_USAGE;
    }
    p->arena = arena_new();
    st = p->arena ? grammar_parse(p->src, p->arena, &diags, &p->plan)
                  : MIG_ENOMEM;
    /* The checks and the graph each report what they find; a plan that
     * fails one still gets the other, so one run shows every error. */
    mig_status_t parsed = st;
    if (parsed == MIG_OK && (flags & CLI_LOAD_CHECK)) {
        st = load_lua(p, path, &diags);
        if (st != MIG_ENOMEM)
            st = worse(st, check_plan(p->plan, p->src, p->actions,
                                      flags & CLI_LOAD_STRICT ? CHECK_STRICT
                                                              : 0, &diags));
    }
    if (parsed == MIG_OK && (flags & CLI_LOAD_GRAPH) && st != MIG_ENOMEM) {
        mig_status_t gst = graph_compile(p->plan, p->src, &diags, &p->graph);
        st = worse(st, gst);
        if (st != MIG_OK) {
            graph_free(p->graph);
            p->graph = NULL;
        }
    }
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (st == MIG_ENOMEM)
        fprintf(stderr, "mig: error: out of memory checking '%s'\n", path);
    return st == MIG_OK ? EXIT_CLEAN
         : st == MIG_EINVALID ? EXIT_INVALID : EXIT_USAGE;
}

void cli_plan_free(cli_plan_t *p)
{
    action_registry_free(p->actions);   /* its Lua rows belong to p->lua */
    lua_bridge_free(p->lua);
    graph_free(p->graph);
    arena_free(p->arena);
    src_free(p->src);
    *p = (cli_plan_t){ 0 };
}

char *cli_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash && strcmp(path, "-") ? (size_t)(slash - path) + 1 : 0;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}
