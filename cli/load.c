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

/* Loads the Lua modules of P's plan (from PATH) into P->lua, and the
 * registry the plan is checked against into P->actions
 * (stdlib_plan_modules). */
static mig_status_t load_lua(cli_plan_t *p, const char *path,
                             diag_list_t *diags)
{
    char *dir = cli_dir_of(path);
    if (!dir)
        return MIG_ENOMEM;
    mig_status_t st = stdlib_plan_modules(p->plan, p->src, dir, p->config,
                                          diags,
                                          &p->actions, &p->lua);
    free(dir);
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
        /* The configuration first: an invalid one stops everything. */
        int crc = cli_config_load(path, &diags, &p->config);
        if (crc != EXIT_CLEAN) {
            cli_render_diags(&diags);
            diag_list_free(&diags);
            return crc;
        }
        st = params_check_config(p->plan, p->src, p->config, &diags);
        mig_status_t lst = st == MIG_ENOMEM ? st : load_lua(p, path, &diags);
        st = worse(st, lst);
        /* mig.yaml's write roots are the plan's too, and its registries
         * are the ones registry("NAME") may name. */
        config_settings_t set = { 0 };
        if (st != MIG_ENOMEM
            && config_effective(p->config, NULL, &set, NULL) != MIG_OK)
            st = MIG_ENOMEM;
        if (st != MIG_ENOMEM)
            st = worse(st, check_plan_with(
                p->plan, p->src, p->actions,
                flags & CLI_LOAD_STRICT ? CHECK_STRICT : 0, &set, &diags));
        config_settings_clear(&set);
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
    config_free(p->config);
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
