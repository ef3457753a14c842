/* cmd_config.c: the project configuration for the commands (which
 * mig.yaml they read: --config, --no-config, else the one found from the
 * plan's folder) and `mig config show` and `mig config diff`
 * (docs/configuration.md, docs/cli.md). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* What cli_config_use said: a file, none, or the one found. */
static const char *given_config;
static bool no_config;
/* The last configuration that had errors, which DIAGS point into. */
static config_t *failed;

static void free_failed(void)
{
    config_free(failed);
    failed = NULL;
}

/* Whether CMD's table has option NAME. */
static bool has_opt(const cli_cmd_t *cmd, const char *name)
{
    for (int i = 0; cmd->opts[i].name; i++)
        if (strcmp(cmd->opts[i].name, name) == 0)
            return true;
    return false;
}

int cli_config_use(const cli_cmd_t *cmd, const cli_args_t *a)
{
    if (!has_opt(cmd, "config"))
        return EXIT_CLEAN;
    given_config = cli_value(cmd, a, "config");
    no_config = cli_value(cmd, a, "no-config") != NULL;
    if (given_config && no_config) {
        fprintf(stderr, "mig %s: error: --config and --no-config exclude "
                "each other\n", cmd->name);
        return EXIT_USAGE;
    }
    return EXIT_CLEAN;
}

int cli_config_load(const char *plan_path, diag_list_t *diags,
                    config_t **out)
{
    *out = NULL;
    char *found = NULL;
    mig_status_t st = MIG_OK;
    if (!given_config && !no_config) {
        char *dir = plan_path && strcmp(plan_path, "-") != 0
                    ? cli_dir_of(plan_path) : strdup("");
        st = dir ? config_find(dir, &found) : MIG_ENOMEM;
        free(dir);
    }
    const char *path = given_config ? given_config : found;
    if (st == MIG_OK && path)
        st = config_load(path, diags, out);
    else if (st == MIG_OK && !(*out = config_builtin()))
        st = MIG_ENOMEM;
    if (st == MIG_EINVALID) {
        /* Its errors point into it: it is kept until they are shown. */
        if (!failed)
            atexit(free_failed);
        config_free(failed);
        failed = *out;
        *out = NULL;
    }
    free(found);
    if (st == MIG_ENOMEM)
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
    return st == MIG_OK ? EXIT_CLEAN : st == MIG_EINVALID ? EXIT_INVALID
                                                          : EXIT_USAGE;
}

/* ---- mig config show ------------------------------------------------------ */

val_t *cli_config_with_params(const val_t *eff, const params_t *p)
{
    val_t *out = val_list_new(val_len(eff) + params_count(p));
    for (size_t i = 0; out && i < val_len(eff); i++) {
        const val_t *row = val_list_get(eff, i);
        const char *key = val_get_str(val_map_get(row, "key", 3), NULL);
        if (strncmp(key, "params.", 7) != 0
            && val_list_push(out, (val_t *)row) != MIG_OK) {
            val_unref(out);
            out = NULL;
        }
    }
    strbuf_t key;
    strbuf_init(&key);
    for (size_t i = 0; out && i < params_count(p); i++) {
        key.len = 0;
        strbuf_printf(&key, "params.%s", params_name(p, i));
        val_t *row = val_map_new(3);
        bool ok = row && !key.oom
            && val_map_set_take(row, "key", 3, val_cstring(key.data)) == MIG_OK
            && val_map_set(row, "value", 5, params_value(p, i)) == MIG_OK
            && val_map_set_take(row, "from", 4,
                                val_cstring(params_where(p, i))) == MIG_OK
            && val_list_push(out, row) == MIG_OK;
        val_unref(row);
        if (!ok) {
            val_unref(out);
            out = NULL;
        }
    }
    strbuf_free(&key);
    return out;
}

static void print_effective(const val_t *eff, const config_t *cfg)
{
    printf("# configuration: %s\n",
           config_path(cfg) ? config_path(cfg) : "none (built-in settings)");
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < val_len(eff); i++) {
        const val_t *row = val_list_get(eff, i);
        b.len = 0;
        val_format(val_map_get(row, "value", 5), &b);
        printf("%-28s %-30s # %s\n",
               val_get_str(val_map_get(row, "key", 3), NULL),
               b.data ? b.data : "",
               val_get_str(val_map_get(row, "from", 4), NULL));
    }
    strbuf_free(&b);
}

/* The effective configuration of CFG for PROFILE, with the parameters of
 * plan P when there is one (P NULL: mig.yaml's own): a new list in *OUT,
 * or an exit code with the reasons said. */
static int effective(const cli_cmd_t *cmd, const cli_args_t *args,
                     const cli_plan_t *p, const config_t *cfg,
                     const char *profile, val_t **out)
{
    *out = NULL;
    config_settings_t set;
    val_t *eff = NULL;
    if (config_effective(cfg, profile, &set, &eff) != MIG_OK) {
        fprintf(stderr, "mig: error: out of memory\n");
        return EXIT_USAGE;
    }
    config_settings_clear(&set);
    if (!p) {
        if (profile && !config_has_profile(cfg, profile)) {
            fprintf(stderr, "mig %s: error: unknown profile '%s'\n",
                    cmd->name, profile);
            val_unref(eff);
            return EXIT_USAGE;
        }
        *out = eff;
        return EXIT_CLEAN;
    }
    const char *const *overrides;
    size_t n_over = cli_values(cmd, args, "param", &overrides);
    diag_list_t diags;
    diag_list_init(&diags);
    params_t *params = NULL;
    mig_status_t st = params_resolve_config(p->plan, p->src, cfg, profile,
                                            overrides, n_over, &diags,
                                            &params);
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (st == MIG_OK && !(*out = cli_config_with_params(eff, params)))
        st = MIG_ENOMEM;
    params_free(params);
    val_unref(eff);
    if (st == MIG_ENOMEM)
        fprintf(stderr, "mig: error: out of memory\n");
    return st == MIG_OK ? EXIT_CLEAN : EXIT_USAGE;
}

static int config_show(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *plan = args->n_operands > 1 ? args->operands[1] : NULL;
    const char *profile = cli_value(cmd, args, "profile");
    const char *const *given;
    if (!plan && cli_values(cmd, args, "param", &given)) {
        fprintf(stderr, "mig config: error: --param sets a parameter of a "
                "plan: give the plan, mig config show PLAN --param ...\n");
        return EXIT_USAGE;
    }
    cli_plan_t p = { 0 };
    config_t *own = NULL;
    int rc = EXIT_CLEAN;
    diag_list_t diags;
    diag_list_init(&diags);
    if (plan)
        rc = cli_load_plan(plan, CLI_LOAD_CHECK, &p);
    else
        rc = cli_config_load(NULL, &diags, &own);
    cli_render_diags(&diags);
    diag_list_free(&diags);
    const config_t *cfg = plan ? p.config : own;
    val_t *eff = NULL;
    if (rc == EXIT_CLEAN)
        rc = effective(cmd, args, plan ? &p : NULL, cfg, profile, &eff);
    if (rc == EXIT_CLEAN && cli_value(cmd, args, "json")) {
        val_t *doc = val_map_new(2);
        val_t *file = config_path(cfg) ? cli_json_text(config_path(cfg))
                                       : val_null();
        if (doc && file && val_map_set_take(doc, "file", 4, file) == MIG_OK
            && val_map_set(doc, "settings", 8, eff) == MIG_OK)
            rc = cli_print_json(doc, true) == MIG_OK ? EXIT_CLEAN : EXIT_USAGE;
        else
            rc = EXIT_USAGE;
        val_unref(doc);
    } else if (rc == EXIT_CLEAN) {
        print_effective(eff, cfg);
    }
    val_unref(eff);
    config_free(own);
    cli_plan_free(&p);
    return rc;
}

/* ---- mig config diff --------------------------------------------------------- */

/* The effective configuration run TEXT of S recorded into *OUT (a new
 * reference; an empty list for a run recorded before mig.yaml was read,
 * which recorded none). Returns an exit code. */
static int recorded(store_t *s, const char *text, val_t **out,
                    int64_t *id, diag_list_t *diags)
{
    *out = NULL;
    int rc = cli_run_id(s, text, id, diags);
    store_run_t run = { 0 };
    mig_status_t st = rc == EXIT_CLEAN ? store_run_get(s, *id, &run) : MIG_OK;
    if (rc == EXIT_CLEAN && st != MIG_OK)
        rc = cli_store_exit(st);
    val_t *cfg = run.options ? val_map_get(run.options, "config", 6) : NULL;
    if (rc == EXIT_CLEAN && !(*out = cfg ? val_ref(cfg) : val_list_new(0)))
        rc = EXIT_USAGE;
    store_run_clear(&run);
    return rc;
}

static void print_change(const val_t *c)
{
    strbuf_t old, now;
    strbuf_init(&old);
    strbuf_init(&now);
    val_format(val_map_get(c, "old", 3), &old);
    val_format(val_map_get(c, "new", 3), &now);
    const char *change = val_get_str(val_map_get(c, "change", 6), NULL);
    const char *key = val_get_str(val_map_get(c, "key", 3), NULL);
    if (strcmp(change, "added") == 0)
        printf("+ %s: %s\n", key, now.data ? now.data : "");
    else if (strcmp(change, "removed") == 0)
        printf("- %s: %s\n", key, old.data ? old.data : "");
    else
        printf("~ %s: %s -> %s\n", key, old.data ? old.data : "",
               now.data ? now.data : "");
    strbuf_free(&old);
    strbuf_free(&now);
}

static int config_diff_runs(const cli_cmd_t *cmd, const cli_args_t *args)
{
    if (args->n_operands != 3) {
        fprintf(stderr, "mig config: error: 'diff' takes two runs: mig "
                "config diff RUN_A RUN_B\n");
        return EXIT_USAGE;
    }
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    val_t *a = NULL, *b = NULL;
    int64_t ida = 0, idb = 0;
    int rc = cli_open_store(cmd, args, STORE_READONLY, &s, &diags);
    if (rc == EXIT_CLEAN)
        rc = recorded(s, args->operands[1], &a, &ida, &diags);
    if (rc == EXIT_CLEAN)
        rc = recorded(s, args->operands[2], &b, &idb, &diags);
    val_t *d = rc == EXIT_CLEAN ? config_diff(a, b) : NULL;
    if (rc == EXIT_CLEAN && !d)
        rc = EXIT_USAGE;
    if (rc == EXIT_CLEAN && cli_value(cmd, args, "json")) {
        if (cli_print_json(d, true) != MIG_OK)
            rc = EXIT_USAGE;
    } else if (rc == EXIT_CLEAN) {
        printf("configuration of run %" PRId64 " -> run %" PRId64 ": %s\n",
               ida, idb, val_len(d) ? "changed" : "the same");
        for (size_t i = 0; i < val_len(d); i++)
            print_change(val_list_get(d, i));
    }
    if (rc == EXIT_CLEAN && val_len(d))
        rc = EXIT_ATTENTION;
    val_unref(a);
    val_unref(b);
    val_unref(d);
    return cli_finish_store(s, &diags, rc);
}

int cmd_config(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *sub = args->operands[0];
    if (strcmp(sub, "show") == 0) {
        if (args->n_operands > 2) {
            fprintf(stderr, "mig config: error: 'show' takes at most one "
                    "plan\n");
            return EXIT_USAGE;
        }
        return config_show(cmd, args);
    }
    if (strcmp(sub, "diff") == 0)
        return config_diff_runs(cmd, args);
    fprintf(stderr, "mig config: error: no such subcommand '%s'\n"
            "hint: 'mig config show [PLAN]' or 'mig config diff RUN_A "
            "RUN_B'\n", sub);
    return EXIT_USAGE;
}
