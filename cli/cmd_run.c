/* cmd_run.c: `mig run`, `mig resume` and `mig rollback`: the commands
 * that change things. Each prints what happens as it happens, one line
 * per event of the journal (docs/state.md), and exits with a status that
 * says how the run ended (docs/cli.md). */
#define _XOPEN_SOURCE 700   /* realpath */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "store.h"

/* ---- printing events ----------------------------------------------------- */

typedef struct printer {
    const graph_t *g;           /* NULL for a rollback without its plan */
    bool quiet;
} printer_t;

/* The string under KEY of map M, or "" (not NULL: it is printed). */
static const char *str(const val_t *m, const char *key)
{
    val_t *v = m ? val_map_get(m, key, strlen(key)) : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : "";
}

/* Prints the first line of a message (a Lua traceback follows it: `mig
 * log` keeps it whole), clipped as diagnostics are (MIG_MAX_MESSAGE): a
 * class or message of megabytes (from a Lua module) prints as one short
 * line that says how much it left out. */
static void first_line(const char *s)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_put_clipped(&b, s, strcspn(s, "\n"), MIG_MAX_MESSAGE);
    if (b.data)
        fputs(b.data, stdout);
    strbuf_free(&b);
}

static int64_t num(const val_t *m, const char *key)
{
    val_t *v = m ? val_map_get(m, key, strlen(key)) : NULL;
    return v && val_is_int(v) ? val_get_int(v) : 0;
}

/* The label of node ID ("put = file.write"), or the id. */
static const char *label(const printer_t *p, const char *id)
{
    uint32_t n = p->g && id ? graph_find(p->g, id) : GRAPH_NONE;
    return n != GRAPH_NONE ? graph_node_label(p->g, n) : id ? id : "";
}

static void item_suffix(const char *item)
{
    if (item && *item)
        printf(" [%s]", item);
}

static void on_event(void *data, const char *kind, const char *node,
                     const char *item, const val_t *d)
{
    const printer_t *p = data;
    if (p->quiet)
        return;
    if (strcmp(kind, "run-start") == 0) {
        printf("run of \"%s\"\n", str(d, "plan"));
    } else if (strcmp(kind, "run-resume") == 0) {
        printf("resuming%s\n", val_map_get(d, "failed_only", 11)
               && val_get_bool(val_map_get(d, "failed_only", 11))
               ? " the failed items" : "");
    } else if (strcmp(kind, "stage-start") == 0) {
        printf("%s\n", label(p, node));
    } else if (strcmp(kind, "plan-failed") == 0) {
        printf("  %s failed: ", label(p, node));
        first_line(str(d, "class"));
        fputs(": ", stdout);
        first_line(str(d, "message"));
        putchar('\n');
    } else if (strcmp(kind, "stage-failed") == 0) {
        printf("  %s failed: ", label(p, node));
        first_line(str(d, "class"));
        fputs(": ", stdout);
        first_line(str(d, "message"));
        putchar('\n');
    } else if (strcmp(kind, "step-done") == 0) {
        printf("  ok      %s", label(p, node));
        item_suffix(item);
        putchar('\n');
    } else if (strcmp(kind, "step-not-run") == 0) {
        printf("  -       %s", label(p, node));
        item_suffix(item);
        puts(": its condition is false");
    } else if (strcmp(kind, "step-failed") == 0) {
        printf("  failed  %s", label(p, node));
        item_suffix(item);
        fputs(": ", stdout);
        first_line(str(d, "class"));
        fputs(": ", stdout);
        first_line(str(d, "message"));
        putchar('\n');
    } else if (strcmp(kind, "retry-wait") == 0) {
        printf("  retry   %s", label(p, node));
        item_suffix(item);
        printf(": attempt %" PRId64 " failed, next in %" PRId64 "ms\n",
               num(d, "attempt"), num(d, "delay_ms"));
    } else if (strcmp(kind, "item-failed") == 0) {
        val_t *tol = val_map_get(d, "tolerated", 9);
        printf("  failed item");
        item_suffix(item);
        printf("%s: ", tol && val_get_bool(tol) ? " (tolerated)" : "");
        first_line(str(d, "class"));
        fputs(": ", stdout);
        first_line(str(d, "message"));
        putchar('\n');
    } else if (strcmp(kind, "item-skipped") == 0) {
        printf("  skipped item");
        item_suffix(item);
        printf(": %s\n", str(d, "reason"));
    } else if (strcmp(kind, "recover") == 0) {
        printf("  recover");
        item_suffix(item);
        putchar(' ');
        first_line(str(d, "class"));
        fputs(": ", stdout);
        first_line(str(d, "message"));
        putchar('\n');
    } else if (strcmp(kind, "decision") == 0) {
        printf("  decided %s", str(d, "decision"));
        item_suffix(item);
        putchar('\n');
    } else if (strcmp(kind, "checkpoint") == 0) {
        const char *dg = str(d, "digest");
        printf("  checkpoint %s: %" PRId64 " resource%s, digest %.12s\n",
               str(d, "name"), num(d, "resources"),
               num(d, "resources") == 1 ? "" : "s", dg);
    } else if (strcmp(kind, "hook-start") == 0) {
        printf("  %s\n", label(p, node));
    } else if (strcmp(kind, "in-flight") == 0) {
        printf("  in flight at the crash: %s", label(p, node));
        item_suffix(item);
        printf(": %s\n", str(d, "settled"));
    } else if (strcmp(kind, "rollback-start") == 0) {
        printf("rolling back to %s\n", str(d, "to"));
    } else if (strcmp(kind, "undo") == 0 || strcmp(kind, "undo-forced") == 0) {
        printf("  %s  %s (%s)", strcmp(kind, "undo") == 0 ? "undone"
                                                           : "forced",
               label(p, node), str(d, "action"));
        item_suffix(item);
        putchar('\n');
    } else if (strcmp(kind, "rollback-done") == 0) {
        val_t *m = val_map_get(d, "matched", 7);
        printf("rolled back to %s: %" PRId64 " undone; the managed resources "
               "%s\n", str(d, "to"), num(d, "undone"),
               m && val_get_bool(m) ? "match the checkpoint"
                                    : "DIFFER from the checkpoint");
        val_t *diff = val_map_get(d, "differ", 6);
        for (size_t i = 0; diff && i < val_len(diff); i++) {
            const val_t *x = val_list_get(diff, i);
            printf("  differs: %s (expected %s, found %s)\n", str(x, "path"),
                   str(x, "expected"), *str(x, "actual") ? str(x, "actual")
                                                         : "nothing");
        }
    }
    /* Lines about steps wait in the buffer; the rest is shown at once, so
     * that a person (or a script) sees each stage begin. */
    if (strncmp(kind, "step-", 5) != 0 && strcmp(kind, "undo") != 0)
        fflush(stdout);
}

/* ---- shared -------------------------------------------------------------- */

static int exit_for(run_result_t r)
{
    static const int codes[] = {
        [RUN_SUCCEEDED] = EXIT_CLEAN, [RUN_FAILED] = EXIT_RUN_FAILED,
        [RUN_ROLLED_BACK] = EXIT_ROLLED_BACK,
        [RUN_ROLLBACK_FAILED] = EXIT_ROLLBACK_FAILED,
        [RUN_REFUSED] = EXIT_REFUSED,
    };
    return codes[r];
}

/* A seed: a whole number from 0 to 2^53 - 1 (it is recorded as a
 * number of the state store's JSON). */
static bool parse_seed(const char *s, uint64_t *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    *out = v;
    return *end == '\0' && errno == 0 && v < (1ULL << 53);
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

/* Runs G (loaded from PATH) with O, printing as it goes. */
static int run_and_report(cli_plan_t *p, const char *path, const val_t *params,
                          run_options_t *o, const char *what)
{
    char *dir = cli_dir_of(path);
    char real[PATH_MAX];
    o->plan_path = realpath(path, real) ? real : path;
    printer_t pr = { .g = p->graph };
    o->on_event = on_event;
    o->data = &pr;
    diag_list_t diags;
    diag_list_init(&diags);
    int64_t id = 0;
    run_result_t res = RUN_REFUSED;
    o->lua = p->lua;
    mig_status_t st = dir ? run_plan(p->graph, params, p->actions, dir, o,
                                     &diags, &id, &res)
                          : MIG_ENOMEM;
    cli_render_diags(&diags);
    diag_list_free(&diags);
    free(dir);
    if (getenv("MIG_CRASH_COUNT"))
        fprintf(stderr, "mig: crash points: %" PRIu64 "\n",
                run_crash_points());
    if (st == MIG_ENOMEM) {
        fprintf(stderr, "mig: error: out of memory\n");
        return EXIT_USAGE;
    }
    if (st != MIG_OK)
        return EXIT_USAGE;
    if (id && res != RUN_REFUSED)
        printf("run %" PRId64 " %s: %s\n", id, what, run_result_name(res));
    return exit_for(res);
}

/* ---- mig run ---------------------------------------------------------------- */

int cmd_run(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *path = args->operands[0];
    const char *const *overrides;
    size_t n_over = cli_values(cmd, args, "param", &overrides);
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
    if (seed && !(o.has_seed = parse_seed(seed, &o.seed))) {
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
    diag_list_t diags;
    diag_list_init(&diags);
    params_t *params = NULL;
    val_t *pmap = NULL;
    mig_status_t st = params_resolve(p.plan, p.src, o.profile, overrides,
                                     n_over, &diags, &params);
    if (st == MIG_OK && !(pmap = params_to_map(params)))
        st = MIG_ENOMEM;
    cli_render_diags(&diags);
    diag_list_free(&diags);
    params_free(params);
    if (st != MIG_OK) {
        cli_plan_free(&p);
        return EXIT_USAGE;
    }
    rc = read_faults(cmd, args, &p, o.has_seed ? o.seed : FAULTS_DEFAULT_SEED,
                     &o.faults);
    if (rc == EXIT_CLEAN)
        rc = run_and_report(&p, path, pmap, &o, "ended");
    faults_free(o.faults);
    val_unref(pmap);
    cli_plan_free(&p);
    return rc;
}

/* ---- the run a command names ------------------------------------------ */

/* Finds the state store of CMD (--state, or here and above) into *STATE
 * and reads its run named by TEXT ("3" or "last") into *OUT. */
static int read_run(const cli_cmd_t *cmd, const cli_args_t *a,
                    const char *text, char **state, store_run_t *out)
{
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    int64_t id = 0;
    int rc = cli_state_path(cmd, a, 0, state, &diags);
    if (rc == EXIT_CLEAN && store_open(*state, STORE_READONLY, &diags, &s)
                            != MIG_OK)
        rc = EXIT_USAGE;
    if (rc == EXIT_CLEAN)
        rc = cli_run_id(s, text, &id, &diags);
    if (rc == EXIT_CLEAN && store_run_get(s, id, out) != MIG_OK)
        rc = EXIT_USAGE;
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
    cli_plan_t p;
    rc = cli_load_plan(run.plan_path, CLI_LOAD_CHECK | CLI_LOAD_GRAPH, &p);
    /* The rate draws from the seed recorded with the run. */
    val_t *seed = run.options ? val_map_get(run.options, "seed", 4) : NULL;
    if (rc == EXIT_CLEAN)
        rc = read_faults(cmd, args, &p, seed && val_is_int(seed)
                         ? (uint64_t)val_get_int(seed) : FAULTS_DEFAULT_SEED,
                         &o.faults);
    if (rc == EXIT_CLEAN)
        rc = run_and_report(&p, run.plan_path, run.params, &o, "resumed");
    faults_free(o.faults);
    cli_plan_free(&p);
    store_run_clear(&run);
    free(state);
    return rc;
}

/* ---- mig rollback ------------------------------------------------------------------------ */

int cmd_rollback(const cli_cmd_t *cmd, const cli_args_t *args)
{
    char *state = NULL;
    store_run_t run = { 0 };
    int rc = read_run(cmd, args, args->operands[0], &state, &run);
    if (rc != EXIT_CLEAN)
        return rc;
    bool dry = cli_value(cmd, args, "dry-run") != NULL;
    bool json = cli_value(cmd, args, "json") != NULL;
    /* The plan gives the graph's labels and its Lua modules' undo
     * functions; a rollback of the standard actions works without it. */
    cli_plan_t p = { 0 };
    if (access(run.plan_path, R_OK) == 0
        && cli_load_plan(run.plan_path, CLI_LOAD_CHECK | CLI_LOAD_GRAPH, &p)
           != EXIT_CLEAN)
        cli_plan_free(&p), memset(&p, 0, sizeof p);
    const action_registry_t *actions = p.actions ? p.actions : cli_actions();
    printer_t pr = { .g = p.graph, .quiet = json || dry };
    rollback_options_t o = {
        .state_path = state, .run = run.id, .to = cli_value(cmd, args, "to"),
        .force = cli_value(cmd, args, "force") != NULL, .dry_run = dry,
        .list = json,
        .break_lock = cli_value(cmd, args, "break-lock") != NULL,
        .on_event = on_event, .data = &pr,
    };
    char *dir = cli_dir_of(run.plan_path);
    diag_list_t diags;
    diag_list_init(&diags);
    val_t *report = NULL;
    run_result_t res = RUN_REFUSED;
    mig_status_t st = dir && actions ? rollback_run(actions, dir, &o, &diags,
                                                    &report, &res)
                                     : MIG_ENOMEM;
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (st == MIG_OK && report && json) {
        strbuf_t b;
        strbuf_init(&b);
        val_to_json(report, &b, VAL_JSON_PRETTY);
        printf("%s\n", b.data ? b.data : "{}");
        strbuf_free(&b);
    } else if (st == MIG_OK && report && dry) {
        val_t *w = val_map_get(report, "would_undo", 10);
        printf("rolling back run %" PRId64 " to %s would undo %zu step%s, "
               "newest first:\n", run.id, o.to ? o.to : "its start",
               val_len(w), val_len(w) == 1 ? "" : "s");
        for (size_t i = 0; i < val_len(w); i++) {
            const val_t *x = val_list_get(w, i);
            printf("  %" PRId64 "  %s (%s, %s)", num(x, "seq"),
                   label(&pr, str(x, "node")), str(x, "action"),
                   str(x, "kind"));
            item_suffix(str(x, "item"));
            putchar('\n');
        }
        puts("Nothing was changed.");
    }
    val_unref(report);
    free(dir);
    cli_plan_free(&p);
    store_run_clear(&run);
    free(state);
    if (st != MIG_OK)
        return EXIT_USAGE;
    if (dry)
        return res == RUN_REFUSED ? EXIT_REFUSED : EXIT_CLEAN;
    return res == RUN_ROLLED_BACK ? EXIT_CLEAN : exit_for(res);
}
