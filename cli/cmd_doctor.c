/* cmd_doctor.c: `mig doctor` (docs/doctor.md): the runtime's health
 * checks of the state store (runtime/doctor.c), plus the plans its runs
 * were made from, which resume and rollback read again: each must still
 * be there and load, its Lua modules included, and the mig.yaml it
 * finds now must load and validate. The registries are checked
 * by the runtime through the standard library's reader (cli_actions sets
 * it up). Prints every finding with
 * what to do; changes nothing. */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "doctor.h"

/* The first error of a plan that did not load, from the diagnostics
 * captured as JSON (cli_render_json), into BUF. */
static void first_error(const val_t *diags, char *buf, size_t cap)
{
    snprintf(buf, cap, "it has errors");
    for (size_t i = 0; i < val_len(diags); i++) {
        const val_t *d = val_list_get(diags, i);
        const val_t *sev = val_map_get(d, "severity", 8);
        if (!sev || strcmp(val_get_str(sev, NULL), "error") != 0)
            continue;
        const val_t *line = val_map_get(d, "line", 4);
        const val_t *file = val_map_get(d, "file", 4);
        if (file && val_type(file) == VAL_STRING && line
            && val_type(line) == VAL_NUMBER)
            snprintf(buf, cap, "%s:%" PRId64 ": %s", val_get_str(file, NULL),
                     val_get_int(line),
                     val_get_str(val_map_get(d, "message", 7), NULL));
        else
            snprintf(buf, cap, "%s",
                     val_get_str(val_map_get(d, "message", 7), NULL));
        return;
    }
}

/* Checks the mig.yaml of the plan at PATH (run ID's) as it is found now
 * (docs/configuration.md): resume and rollback read it again and stop
 * before they touch anything while it is invalid. Adds nothing when
 * there is none. *VALID says whether the plan may be loaded after it. */
static mig_status_t check_plan_config(val_t *out, const char *path,
                                      int64_t id, bool *valid)
{
    diag_list_t diags;
    diag_list_init(&diags);
    config_t *cfg = NULL;
    int rc = cli_config_load(path, &diags, &cfg);
    const char *file = cfg ? config_path(cfg) : NULL;
    mig_status_t st = MIG_OK;
    *valid = rc == EXIT_CLEAN;
    if (rc == EXIT_CLEAN && file) {
        st = doctor_add(out, "config", false, NULL, "the configuration %s of "
                        "the plan %s loads and validates", file, path);
    } else if (rc != EXIT_CLEAN) {
        const diag_t *d = NULL;
        for (size_t i = 0; i < diags.len && !d; i++)
            if (diags.items[i].severity == DIAG_ERROR)
                d = &diags.items[i];
        char at[PATH_MAX + 64] = "";
        if (d && d->src && d->has_span)
            snprintf(at, sizeof at, "%s:%u:%u: ", d->src->name, d->span.line,
                     d->span.col);
        else if (d && d->src)
            snprintf(at, sizeof at, "%s: ", d->src->name);
        char fix[512];
        snprintf(fix, sizeof fix, "fix it (`mig check %s` shows every "
                 "error): `mig resume %" PRId64 "` and `mig rollback %" PRId64
                 "` stop before they touch anything while it is invalid",
                 path, id, id);
        st = doctor_add(out, "config", true, fix, "the configuration of the "
                        "plan %s of run %" PRId64 " no longer loads: %s%s",
                        path, id, at, d ? d->message : "it cannot be read");
    }
    diag_list_free(&diags);
    config_free(cfg);
    return st;
}

/* Checks the plan at PATH, recorded by run ID (the newest run of it), and
 * its configuration. */
static mig_status_t check_plan_file(val_t *out, const char *path, int64_t id)
{
    char fix[512];
    if (access(path, R_OK) != 0) {
        snprintf(fix, sizeof fix, "put the plan back: `mig resume %" PRId64
                 "` reads it again, and `mig rollback %" PRId64 "` needs it "
                 "for the plan's own undo calls", id, id);
        return doctor_add(out, "plans", true, fix, "the plan %s of run %"
                          PRId64 " is gone", path, id);
    }
    bool valid;
    mig_status_t cst = check_plan_config(out, path, id, &valid);
    if (cst != MIG_OK || !valid)
        return cst;     /* loading the plan would only say it again */
    val_t *diags = val_list_new(4);
    if (!diags)
        return MIG_ENOMEM;
    cli_plan_t p;
    cli_render_json(diags);
    int rc = cli_load_plan(path, CLI_LOAD_CHECK, &p);
    cli_render_json(NULL);
    cli_plan_free(&p);
    char why[512];
    first_error(diags, why, sizeof why);
    val_unref(diags);
    if (rc == EXIT_CLEAN)
        return doctor_add(out, "plans", false, NULL, "the plan %s of run %"
                          PRId64 " loads, with its Lua modules", path, id);
    snprintf(fix, sizeof fix, "fix it (`mig check %s` shows every error): "
             "`mig resume %" PRId64 "` and a rollback of its Lua undo "
             "functions load it again", path, id);
    return doctor_add(out, "plans", true, fix, "the plan %s of run %" PRId64
                      " no longer loads: %s", path, id, why);
}

/* Every plan the runs of S were made from, once each (newest run first). */
static mig_status_t check_plans(store_t *s, val_t *out)
{
    store_run_t *runs = NULL;
    size_t n = 0;
    mig_status_t st = store_run_list(s, 0, &runs, &n);
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(runs[k].plan_path, runs[i].plan_path) == 0;
        if (!seen)
            st = check_plan_file(out, runs[i].plan_path, runs[i].id);
    }
    store_runs_free(runs, n);
    return st == MIG_ENOMEM ? st : MIG_OK;  /* unreadable: the runs check says */
}

static int print_text(const char *path, const val_t *findings)
{
    size_t attention = 0;
    printf("mig doctor: %s\n", path);
    for (size_t i = 0; i < val_len(findings); i++) {
        const val_t *f = val_list_get(findings, i);
        bool bad = strcmp(val_get_str(val_map_get(f, "severity", 8), NULL),
                          "attention") == 0;
        const val_t *fix = val_map_get(f, "fix", 3);
        attention += bad;
        printf("%-9s %-8s %s\n", bad ? "attention" : "ok",
               val_get_str(val_map_get(f, "check", 5), NULL),
               val_get_str(val_map_get(f, "message", 7), NULL));
        if (bad && val_type(fix) == VAL_STRING)
            printf("%-18s fix: %s\n", "", val_get_str(fix, NULL));
    }
    if (attention)
        printf("%zu finding%s need%s attention.\n", attention,
               attention == 1 ? "" : "s", attention == 1 ? "s" : "");
    else
        printf("healthy: nothing needs attention.\n");
    return attention ? EXIT_ATTENTION : EXIT_CLEAN;
}

static int print_json(const char *path, val_t *findings)
{
    size_t attention = 0;
    for (size_t i = 0; i < val_len(findings); i++)
        attention += strcmp(val_get_str(val_map_get(val_list_get(findings, i),
                                                    "severity", 8), NULL),
                            "attention") == 0;
    val_t *m = val_map_new(3);
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(m, "state", 5, cli_json_text(path));
    if (st == MIG_OK)
        st = val_map_set_take(m, "healthy", 7, val_bool(!attention));
    if (st == MIG_OK)
        st = val_map_set_take(m, "findings", 8, val_ref(findings));
    if (st == MIG_OK)
        st = cli_print_json(m, true);
    val_unref(m);
    if (st != MIG_OK) {
        fprintf(stderr, "mig doctor: error: out of memory\n");
        return EXIT_USAGE;
    }
    return attention ? EXIT_ATTENTION : EXIT_CLEAN;
}

int cmd_doctor(const cli_cmd_t *cmd, const cli_args_t *args)
{
    diag_list_t diags;
    diag_list_init(&diags);
    char *path = NULL;
    int rc = cli_state_path(cmd, args, 0, &path, &diags);
    store_t *s = NULL;
    mig_status_t st = rc == EXIT_CLEAN
        ? store_open(path, STORE_READONLY, &diags, &s) : MIG_OK;
    if (rc == EXIT_CLEAN && st != MIG_OK)
        rc = st == MIG_ENOMEM ? EXIT_USAGE : EXIT_STORE;
    /* The standard library reads registry records for the runtime. */
    val_t *findings = rc == EXIT_CLEAN && cli_actions() ? val_list_new(16)
                                                        : NULL;
    if (rc == EXIT_CLEAN && !findings)
        st = MIG_ENOMEM;
    if (findings && (st = doctor_check(s, path, findings)) == MIG_OK)
        st = check_plans(s, findings);
    if (findings && st == MIG_OK) {
        rc = cli_value(cmd, args, "json") ? print_json(path, findings)
                                          : print_text(path, findings);
    } else if (rc == EXIT_CLEAN) {
        diag_add(&diags, DIAG_ERROR, NULL, NULL, "out of memory");
        rc = EXIT_USAGE;
    }
    val_unref(findings);
    free(path);
    return cli_finish_store(s, &diags, rc);
}
