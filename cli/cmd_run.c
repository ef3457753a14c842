/* cmd_run.c: `mig run`, `mig resume` and `mig rollback`: the commands
 * that change things. Each shows what happens as it happens (report.c)
 * and exits with a status that says how the run ended (docs/cli.md). */
#define _XOPEN_SOURCE 700   /* realpath */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "store.h"

/* ---- shared -------------------------------------------------------------- */

static int exit_for(run_result_t r)
{
    static const int codes[] = {
        [RUN_SUCCEEDED] = EXIT_CLEAN, [RUN_FAILED] = EXIT_RUN_FAILED,
        [RUN_ROLLED_BACK] = EXIT_ROLLED_BACK,
        [RUN_ROLLBACK_FAILED] = EXIT_ROLLBACK_FAILED,
        [RUN_UNVERIFIED] = EXIT_UNVERIFIED,
        [RUN_REFUSED] = EXIT_REFUSED, [RUN_INTERRUPTED] = EXIT_INTERRUPTED,
    };
    return codes[r];
}


/* ---- fault injection ------------------------------------------------------ */

/* The seed of --inject-rate in `mig run` without --seed (docs/runtime.md,
 * "Fault injection"): fixed, so that the same command fails the same
 * calls. */
#define FAULTS_DEFAULT_SEED 0

/* Reports an --inject TARGET that is neither an action of P's registry,
 * nor a namespace "ns.*", nor a node id of its graph: a typo there would
 * otherwise inject nothing without a word. */
static bool check_target(const cli_plan_t *p, const char *spec,
                         diag_list_t *diags)
{
    size_t len = strcspn(spec, ":");
    char *target = strndup(spec, len);
    if (!target) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
        return false;
    }
    bool ok = (len >= 2 && strcmp(target + len - 2, ".*") == 0)
              || action_find(p->actions, target)
              || graph_find(p->graph, target) != GRAPH_NONE;
    if (!ok) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "--inject '%s': "
                             "'%s' is no action and no node of this plan",
                             spec, target);
        const char *best = action_suggest(p->actions, target);
        /* A node id one or two edits away is a likelier typo. */
        size_t best_d = 3;
        for (uint32_t i = 0; i < graph_node_count(p->graph); i++) {
            const char *id = graph_node_id(p->graph, i);
            size_t dist = diag_distance(target, len, id, strlen(id));
            if (dist < best_d && dist * 3 <= len + 2) {
                best = id;
                best_d = dist;
            }
        }
        if (best)
            diag_hint(diags, d, "did you mean '%s'?", best);
        else
            diag_hint(diags, d, "'mig help actions' lists the actions and "
                      "'mig graph FILE' the node ids");
    }
    free(target);
    return ok;
}

/* Reads --inject and --inject-rate of ARGS into *OUT (NULL when neither
 * is given), with the rate's generator seeded with SEED and the classes
 * the plan P declares. EXIT_CLEAN, or EXIT_USAGE with the reasons said. */
static int read_faults(const cli_cmd_t *cmd, const cli_args_t *args,
                       const cli_plan_t *p, uint64_t seed, faults_t **out)
{
    *out = NULL;
    const char *const *specs;
    size_t n = cli_values(cmd, args, "inject", &specs);
    const char *const *rates;
    size_t n_rates = cli_values(cmd, args, "inject-rate", &rates);
    if (!n && !n_rates)
        return EXIT_CLEAN;
    const ast_list_t *items = &p->plan->items;
    const char **classes = malloc((items->len + 1) * sizeof(*classes));
    diag_list_t diags;
    diag_list_init(&diags);
    size_t n_classes = 0;
    mig_status_t st = classes ? MIG_OK : MIG_ENOMEM;
    for (uint32_t i = 0; classes && i < items->len; i++)
        if (items->items[i]->kind == AST_ERROR_DECL)
            classes[n_classes++] = items->items[i]->u.error_decl.name.name;
    if (st == MIG_OK)
        st = faults_new(specs, n, rates, n_rates, seed, classes, n_classes,
                        &diags, out);
    bool targets_ok = true;
    for (size_t i = 0; st == MIG_OK && i < n; i++)
        targets_ok = check_target(p, specs[i], &diags) && targets_ok;
    if (st == MIG_OK && !targets_ok)
        st = MIG_EINVALID;
    if (st == MIG_ENOMEM)
        diag_add(&diags, DIAG_ERROR, NULL, NULL, "out of memory");
    cli_render_diags(&diags);
    diag_list_free(&diags);
    free(classes);
    if (st != MIG_OK) {
        faults_free(*out);
        *out = NULL;
        return EXIT_USAGE;
    }
    return EXIT_CLEAN;
}

/* ---- the audit trail -------------------------------------------------------- */

/* The options of CMD that change what it may do, as the detail of its
 * audit entry (docs/audit.md): break-lock, force, allow-changed-plan,
 * failed-only, to, each when given. NULL when none is (or no memory). */
static val_t *audit_detail(const cli_cmd_t *cmd, const cli_args_t *args)
{
    static const char *const flags[] = {
        "break-lock", "force", "allow-changed-plan", "failed-only", "to",
    };
    val_t *m = val_map_new(4);
    for (size_t i = 0; m && i < sizeof flags / sizeof *flags; i++) {
        bool has = false;
        for (int o = 0; cmd->opts[o].name && !has; o++)
            has = strcmp(cmd->opts[o].name, flags[i]) == 0;
        const char *v = has ? cli_value(cmd, args, flags[i]) : NULL;
        if (v && val_map_set_take(m, flags[i], strlen(flags[i]), *v
                                  ? val_cstring(v) : val_bool(true)) != MIG_OK)
            break;
    }
    if (m && val_len(m) == 0) {
        val_unref(m);
        m = NULL;
    }
    return m;
}

/* Appends the entry of CMD about run ID, which ended with exit code RC,
 * to the trail of the store at STATE (NULL: DIR/.mig/state.db). */
static void audit(const cli_cmd_t *cmd, const cli_args_t *args,
                  const struct audit_key *key, const char *state,
                  const char *dir, int64_t id, int rc)
{
    char *made = NULL;
    if (!state && dir && (made = malloc(strlen(dir) + sizeof ".mig/state.db")))
        sprintf(made, "%s.mig/state.db", dir);
    val_t *detail = audit_detail(cmd, args);
    cli_audit_record(state ? state : made, key, cmd->name, id, rc, detail);
    val_unref(detail);
    free(made);
}

/* Runs G (loaded from PATH) with O, shown as CMD's --quiet, --verbose
 * and --json ask. */
static int run_and_report(const cli_cmd_t *cmd, const cli_args_t *args,
                          cli_plan_t *p, const char *path, const val_t *params,
                          run_options_t *o, const char *what)
{
    struct audit_key *key = NULL;
    int krc = cli_audit_key(cmd->name, &key);
    if (krc != EXIT_CLEAN)
        return krc;
    /* The plan's folder as rollback and resume will see it (from the
     * recorded absolute path), so that a path an action joins to it is
     * the same one in each, whatever the current folder. */
    char real[PATH_MAX];
    o->plan_path = realpath(path, real) ? real : path;
    char *dir = cli_plan_dir(path);
    /* The default store, .mig/state.db beside the plan, is named in
     * messages as the user would write it, from the current folder. */
    char *own_state = NULL;
    if (!o->state_path) {
        char *rel = cli_dir_of(path);
        size_t n = rel ? strlen(rel) + sizeof ".mig/state.db" : 0;
        if (n && (own_state = malloc(n)))
            snprintf(own_state, n, "%s.mig/state.db", rel);
        free(rel);
        o->state_path = own_state;
    }
    cli_report_t *rep = cli_report_new(p->graph, cli_report_mode(
        cli_value(cmd, args, "quiet") != NULL,
        cli_value(cmd, args, "json") != NULL),
        cli_value(cmd, args, "verbose") != NULL);
    o->on_event = cli_report_event;
    o->on_items = cli_report_items;
    o->data = rep;
    diag_list_t diags;
    diag_list_init(&diags);
    int64_t id = 0;
    run_result_t res = RUN_REFUSED;
    o->lua = p->lua;
    mig_status_t st = dir && rep ? run_plan(p->graph, params, p->actions, dir,
                                            o, &diags, &id, &res)
                                 : MIG_ENOMEM;
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (getenv("MIG_CRASH_COUNT"))
        fprintf(stderr, "mig: crash points: %" PRIu64 "\n",
                run_crash_points());
    int rc = st == MIG_OK ? exit_for(res) : cli_store_exit(st);
    if (st == MIG_ENOMEM)
        fprintf(stderr, "mig: error: out of memory\n");
    else if (st == MIG_OK)
        cli_report_end(rep, cmd->name, id, what, res, rc);
    cli_report_free(rep);
    if (st != MIG_ENOMEM)
        audit(cmd, args, key, o->state_path, dir, id, rc);
    audit_key_free(key);
    free(dir);
    if (own_state)
        o->state_path = NULL;
    free(own_state);
    return rc;
}

/* ---- mig run ---------------------------------------------------------------- */

/* Sets O's registries, what registry("NAME") gives a run of the plan at
 * PATH, from SET (of P's mig.yaml for PROFILE) into *KEEP (a new map,
 * NULL for none, the caller's to drop), and the remote registries'
 * tokens into *TOKENS (likewise, config_tokens_free), which O's
 * fill_args gives the registry actions that name no token of their
 * own: those of the registries the plan names resolved now, the others
 * on first use. Returns an exit code, the reasons said. */
static int run_registries(const cli_plan_t *p, const config_settings_t *set,
                          const char *profile, const char *path,
                          run_options_t *o, val_t **keep,
                          config_tokens_t **tokens)
{
    char *dir = cli_dir_of(path);
    *keep = dir ? config_registry_targets(set, dir) : NULL;
    free(dir);
    diag_list_t diags;
    diag_list_init(&diags);
    bool *named = NULL;
    mig_status_t st = *keep ? config_registry_named(p->src, set, &diags,
                                                    &named)
                            : MIG_ENOMEM;
    if (st == MIG_OK)
        st = config_registry_tokens(p->config, profile, set, named, &diags,
                                    tokens);
    free(named);
    if (st == MIG_ENOMEM)
        diag_add(&diags, DIAG_ERROR, NULL, NULL, "out of memory");
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (st != MIG_OK)
        return st == MIG_ENOMEM ? EXIT_USAGE : EXIT_INVALID;
    o->registries = *keep;
    o->fill_args = stdlib_registry_fill;
    o->fill_data = *tokens;
    return EXIT_CLEAN;
}

/* The parameters and settings of a run of P from its configuration
 * (docs/configuration.md, "Layering"): *PMAP the parameters, O's state
 * path (mig.yaml's state unless --state), durability (unless
 * --durability), concurrency and the effective configuration *CONFIG it
 * records. Returns an exit code, the reasons said. */
static int run_config(const cli_cmd_t *cmd, const cli_args_t *args,
                      cli_plan_t *p, run_options_t *o, config_settings_t *set,
                      val_t **pmap, val_t **config)
{
    const char *const *overrides;
    size_t n_over = cli_values(cmd, args, "param", &overrides);
    diag_list_t diags;
    diag_list_init(&diags);
    params_t *params = NULL;
    val_t *eff = NULL;
    mig_status_t st = params_resolve_config(p->plan, p->src, p->config,
                                            o->profile, overrides, n_over,
                                            &diags, &params);
    int rc = st == MIG_OK ? EXIT_CLEAN : EXIT_USAGE;
    if (st == MIG_OK)
        st = config_effective(p->config, o->profile, set, &eff);
    /* The configuration is recorded with its references as written
     * (masked), before they are resolved into the parameters. */
    if (st == MIG_OK && !(*config = cli_config_with_params(eff, params)))
        st = MIG_ENOMEM;
    if (st == MIG_OK && (st = params_resolve_refs(params, &diags)) != MIG_OK
        && st != MIG_ENOMEM)
        rc = EXIT_INVALID;
    if (st == MIG_OK && !(*pmap = params_to_map(params)))
        st = MIG_ENOMEM;
    if (st == MIG_ENOMEM) {
        diag_add(&diags, DIAG_ERROR, NULL, NULL, "out of memory");
        rc = EXIT_USAGE;
    }
    cli_render_diags(&diags);
    diag_list_free(&diags);
    params_free(params);
    val_unref(eff);
    if (rc != EXIT_CLEAN)
        return rc;
    if (!o->state_path && set->state_dir) {
        size_t n = strlen(set->state_dir);
        char *sp = malloc(n + sizeof "/state.db");
        if (!sp) {
            fprintf(stderr, "mig run: error: out of memory\n");
            return EXIT_USAGE;
        }
        memcpy(sp, set->state_dir, n);
        memcpy(sp + n, "/state.db", sizeof "/state.db");
        free(set->state_dir);           /* SET owns the path from now on */
        o->state_path = set->state_dir = sp;
    }
    if (!cli_value(cmd, args, "durability"))
        o->durable_full = set->durable_full;
    o->max_parallel = set->concurrency;
    o->defaults = &set->run_defaults;
    o->alerts = &set->alerts;
    o->notify = alert_notify;
    o->extra_roots = (const char *const *)set->write_roots;
    o->n_extra_roots = set->n_write_roots;
    o->config = *config;
    return EXIT_CLEAN;
}

int cmd_run(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *path = args->operands[0];
    /* Resume and rollback read the plan again, by the path recorded. */
    if (strcmp(path, "-") == 0) {
        fprintf(stderr, "mig run: error: the plan must be a file, not standard "
                "input: 'mig resume' and 'mig rollback' read it again\n"
                "hint: save it to a file and run that; 'mig check -' and "
                "'mig plan -' read standard input\n");
        return EXIT_USAGE;
    }
    run_options_t o = {
        .state_path = cli_value(cmd, args, "state"),
        .profile = cli_value(cmd, args, "profile"),
        .break_lock = cli_value(cmd, args, "break-lock") != NULL,
        .force = cli_value(cmd, args, "force") != NULL,
    };
    const char *dur = cli_value(cmd, args, "durability");
    if (dur && strcmp(dur, "full") != 0 && strcmp(dur, "grouped") != 0) {
        fprintf(stderr, "mig run: error: --durability takes 'grouped' or "
                "'full', not '%s'\n", dur);
        return EXIT_USAGE;
    }
    o.durable_full = dur && strcmp(dur, "full") == 0;
    const char *seed = cli_value(cmd, args, "seed");
    if (seed && !(o.has_seed = cli_parse_seed(seed, &o.seed))) {
        fprintf(stderr, "mig run: error: --seed takes a whole number from 0 "
                "to 2^53 - 1, not '%s'\n", seed);
        return EXIT_USAGE;
    }
    cli_plan_t p;
    int rc = cli_load_plan(path, CLI_LOAD_CHECK | CLI_LOAD_GRAPH, &p);
    if (rc != EXIT_CLEAN) {
        cli_plan_free(&p);
        return rc;
    }
    val_t *pmap = NULL, *config = NULL;
    config_settings_t set = { 0 };
    val_t *registries = NULL;
    config_tokens_t *tokens = NULL;
    rc = run_config(cmd, args, &p, &o, &set, &pmap, &config);
    if (rc == EXIT_CLEAN)
        rc = run_registries(&p, &set, o.profile, path, &o, &registries,
                            &tokens);
    if (rc == EXIT_CLEAN)
        rc = read_faults(cmd, args, &p,
                         o.has_seed ? o.seed : FAULTS_DEFAULT_SEED, &o.faults);
    if (rc == EXIT_CLEAN)
        rc = run_and_report(cmd, args, &p, path, pmap, &o, "ended");
    faults_free(o.faults);
    val_unref(registries);
    config_tokens_free(tokens);
    val_unref(pmap);
    val_unref(config);
    config_settings_clear(&set);
    cli_plan_free(&p);
    return rc;
}

/* ---- the run a command names ------------------------------------------ */

/* Finds the state store of CMD (--state, or here and above) into *STATE
 * and reads its run named by TEXT ("3" or "last") into *OUT. Resume and
 * rollback write, so a store of an older schema is brought up to date
 * here (docs/state.md, "Versions"), not refused as a reader would. */
static int read_run(const cli_cmd_t *cmd, const cli_args_t *a,
                    const char *text, char **state, store_run_t *out)
{
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    int64_t id = 0;
    int rc = cli_state_path(cmd, a, 0, state, &diags);
    mig_status_t st = rc == EXIT_CLEAN
        ? store_open(*state, 0, &diags, &s) : MIG_OK;
    if (st != MIG_OK)
        rc = st == MIG_ENOMEM ? EXIT_USAGE : EXIT_STORE;
    if (rc == EXIT_CLEAN)
        rc = cli_run_id(s, text, &id, &diags);
    if (rc == EXIT_CLEAN && (st = store_run_get(s, id, out)) != MIG_OK)
        rc = cli_store_exit(st);
    if (s)
        diag_list_move(&diags, store_diags(s));
    cli_render_diags(&diags);
    diag_list_free(&diags);
    store_close(s);
    if (rc != EXIT_CLEAN) {
        free(*state);
        *state = NULL;
    }
    return rc;
}

/* ---- --settle ------------------------------------------------------------ */

/* Reads every --settle SEQ=done|not-run of ARGS into *OUT, a map from SEQ
 * (as written, digits) to the answer; NULL when none is given.
 * EXIT_CLEAN, or EXIT_USAGE with the reason said. */
static int read_settle(const cli_cmd_t *cmd, const cli_args_t *args,
                       val_t **out)
{
    *out = NULL;
    const char *const *v;
    size_t n = cli_values(cmd, args, "settle", &v);
    if (!n)
        return EXIT_CLEAN;
    val_t *m = val_map_new(n);
    if (!m) {
        fprintf(stderr, "mig %s: error: out of memory\n", cmd->name);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(v[i], '=');
        size_t digits = eq ? strspn(v[i], "0123456789") : 0;
        const char *what = eq ? eq + 1 : "";
        if (!eq || digits == 0 || v[i] + digits != eq || v[i][0] == '0'
            || (strcmp(what, "done") != 0 && strcmp(what, "not-run") != 0)) {
            fprintf(stderr, "mig %s: error: --settle takes SEQ=done or "
                    "SEQ=not-run (SEQ a journal record's number), not '%s'\n",
                    cmd->name, v[i]);
            val_unref(m);
            return EXIT_USAGE;
        }
        if (val_map_set_take(m, v[i], digits, val_cstring(what)) != MIG_OK) {
            fprintf(stderr, "mig %s: error: out of memory\n", cmd->name);
            val_unref(m);
            return EXIT_USAGE;
        }
    }
    *out = m;
    return EXIT_CLEAN;
}

/* ---- mig resume --------------------------------------------------------------------- */

int cmd_resume(const cli_cmd_t *cmd, const cli_args_t *args)
{
    char *state = NULL;
    store_run_t run = { 0 };
    int rc = read_run(cmd, args, args->operands[0], &state, &run);
    if (rc != EXIT_CLEAN)
        return rc;
    run_options_t o = {
        .state_path = state, .profile = run.profile, .resume = run.id,
        .break_lock = cli_value(cmd, args, "break-lock") != NULL,
        .force = cli_value(cmd, args, "force") != NULL,
        .allow_changed_plan = cli_value(cmd, args, "allow-changed-plan") != NULL,
        .failed_only = cli_value(cmd, args, "failed-only") != NULL,
    };
    val_t *settle = NULL;
    rc = read_settle(cmd, args, &settle);
    o.settle = settle;
    cli_plan_t p = { 0 };
    if (rc == EXIT_CLEAN)
        rc = cli_load_plan(run.plan_path, CLI_LOAD_CHECK | CLI_LOAD_GRAPH, &p);
    /* The rate draws from the seed recorded with the run. */
    val_t *seed = run.options ? val_map_get(run.options, "seed", 4) : NULL;
    if (rc == EXIT_CLEAN)
        rc = read_faults(cmd, args, &p, seed && val_is_int(seed)
                         ? (uint64_t)val_get_int(seed) : FAULTS_DEFAULT_SEED,
                         &o.faults);
    /* mig.yaml's write roots, concurrency and run-wide defaults, for the
     * run's profile. */
    config_settings_t set = { 0 };
    if (rc == EXIT_CLEAN && config_effective(p.config, run.profile, &set,
                                             NULL) != MIG_OK) {
        fprintf(stderr, "mig resume: error: out of memory\n");
        rc = EXIT_USAGE;
    }
    o.extra_roots = (const char *const *)set.write_roots;
    o.n_extra_roots = set.n_write_roots;
    o.max_parallel = set.concurrency;
    o.defaults = &set.run_defaults;
    o.alerts = &set.alerts;
    o.notify = alert_notify;
    val_t *registries = NULL;
    config_tokens_t *tokens = NULL;
    if (rc == EXIT_CLEAN)
        rc = run_registries(&p, &set, run.profile, run.plan_path, &o,
                            &registries, &tokens);
    if (rc == EXIT_CLEAN)
        rc = run_and_report(cmd, args, &p, run.plan_path, run.params, &o,
                            "resumed");
    val_unref(registries);
    config_tokens_free(tokens);
    config_settings_clear(&set);
    faults_free(o.faults);
    val_unref(settle);
    cli_plan_free(&p);
    store_run_clear(&run);
    free(state);
    return rc;
}

/* ---- mig rollback ------------------------------------------------------------------------ */

/* One record a rollback would undo (docs/cli.md, "mig rollback"): its
 * journal position, step, action and kind, then the paths it touched. */
static void print_undo(const cli_report_t *r, const val_t *x)
{
    strbuf_t b;
    strbuf_init(&b);
    val_t *seq = val_map_get(x, "seq", 3);
    val_t *node = val_map_get(x, "node", 4), *item = val_map_get(x, "item", 4);
    const char *id = node ? val_get_str(node, NULL) : "";
    strbuf_printf(&b, "  %" PRId64 "  %s (%s, %s)",
                  seq ? val_get_int(seq) : 0, cli_report_label(r, id),
                  val_get_str(val_map_get(x, "action", 6), NULL),
                  val_get_str(val_map_get(x, "kind", 4), NULL));
    cli_report_item(r, id, item ? val_get_str(item, NULL) : NULL, &b);
    val_t *paths = val_map_get(x, "paths", 5);
    for (size_t i = 0; paths && i < val_len(paths); i++)
        strbuf_printf(&b, "%s%s", i ? ", " : ": ",
                      val_get_str(val_list_get(paths, i), NULL));
    printf("%s\n", b.data ? b.data : "");
    strbuf_free(&b);
}

/* Whether the mig.yaml of the plan at PATH is valid: EXIT_CLEAN, or the
 * exit code of cli_config_load with its errors said. */
static int config_valid(const char *path)
{
    diag_list_t diags;
    diag_list_init(&diags);
    config_t *cfg = NULL;
    int rc = cli_config_load(path, &diags, &cfg);
    cli_render_diags(&diags);
    diag_list_free(&diags);
    config_free(cfg);
    return rc;
}

int cmd_rollback(const cli_cmd_t *cmd, const cli_args_t *args)
{
    char *state = NULL;
    store_run_t run = { 0 };
    int rc = read_run(cmd, args, args->operands[0], &state, &run);
    if (rc != EXIT_CLEAN)
        return rc;
    bool dry = cli_value(cmd, args, "dry-run") != NULL;
    bool json = cli_value(cmd, args, "json") != NULL;
    val_t *settle = NULL;
    struct audit_key *key = NULL;
    if ((rc = read_settle(cmd, args, &settle)) != EXIT_CLEAN
        || (!dry && (rc = cli_audit_key(cmd->name, &key)) != EXIT_CLEAN)) {
        val_unref(settle);
        store_run_clear(&run);
        free(state);
        return rc;
    }
    /* An invalid mig.yaml stops the rollback before it touches anything,
     * plan or none. */
    if ((rc = config_valid(run.plan_path)) != EXIT_CLEAN) {
        val_unref(settle);
        store_run_clear(&run);
        free(state);
        return rc;
    }
    /* The plan gives the graph's labels and its Lua modules' undo
     * functions; a rollback of the standard actions works without it. */
    cli_plan_t p = { 0 };
    if (access(run.plan_path, R_OK) == 0
        && cli_load_plan(run.plan_path, CLI_LOAD_CHECK | CLI_LOAD_GRAPH, &p)
           != EXIT_CLEAN)
        cli_plan_free(&p), memset(&p, 0, sizeof p);
    const action_registry_t *actions = p.actions ? p.actions : cli_actions();
    cli_report_t *pr = cli_report_new(p.graph, cli_report_mode(json || dry,
                                                               false),
                                      cli_value(cmd, args, "verbose") != NULL);
    rollback_options_t o = {
        .state_path = state, .run = run.id, .to = cli_value(cmd, args, "to"),
        .force = cli_value(cmd, args, "force") != NULL, .dry_run = dry,
        .list = json,
        .break_lock = cli_value(cmd, args, "break-lock") != NULL,
        .settle = settle, .on_event = cli_report_event, .data = pr,
    };
    char *dir = cli_dir_of(run.plan_path);
    diag_list_t diags;
    diag_list_init(&diags);
    val_t *report = NULL;
    run_result_t res = RUN_REFUSED;
    mig_status_t st = dir && actions && pr
                      ? rollback_run(actions, dir, &o, &diags, &report, &res)
                      : MIG_ENOMEM;
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (st == MIG_OK && report && json) {
        strbuf_t b;
        strbuf_init(&b);
        val_to_json(report, &b, VAL_JSON_PRETTY);
        printf("%s\n", b.data ? b.data : "{}");
        strbuf_free(&b);
    } else if (st == MIG_OK && report && dry && res != RUN_REFUSED) {
        val_t *w = val_map_get(report, "would_undo", 10);
        printf("rolling back run %" PRId64 " to %s would undo %zu step%s, "
               "newest first:\n", run.id, o.to ? o.to : "its start",
               val_len(w), val_len(w) == 1 ? "" : "s");
        for (size_t i = 0; i < val_len(w); i++)
            print_undo(pr, val_list_get(w, i));
        cli_report_unverified(pr, val_map_get(report, "unverified", 10));
        puts("Nothing was changed.");
    }
    cli_report_free(pr);
    val_unref(report);
    val_unref(settle);
    free(dir);
    cli_plan_free(&p);
    if (st != MIG_OK)
        rc = cli_store_exit(st);
    else if (dry)
        rc = res == RUN_REFUSED ? EXIT_REFUSED : EXIT_CLEAN;
    else
        rc = res == RUN_ROLLED_BACK ? EXIT_CLEAN : exit_for(res);
    if (!dry && st != MIG_ENOMEM)
        audit(cmd, args, key, state, NULL, run.id, rc);
    audit_key_free(key);
    store_run_clear(&run);
    free(state);
    return rc;
}
