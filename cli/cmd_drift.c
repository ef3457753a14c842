/* cmd_drift.c: `mig drift PLAN`: compares every registry the plan's last
 * successful run wrote with the baseline that run recorded (the records'
 * digests and content) and prints what was added, removed or changed
 * since, with a field-level diff; --fix writes the plan that undoes it
 * (registry_drift.c, registry_drift_fix.c; docs/drift.md). */
#define _XOPEN_SOURCE 700   /* realpath */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* What the command gathers from the state store and compares. */
typedef struct drift {
    const cli_cmd_t *cmd;
    const char *plan;           /* PLAN as given */
    const char *profile;        /* --profile, or NULL */
    int64_t run;                /* the last successful run */
    val_t *base;                /* list of {db, records: [{kind, name,
                                   digest}]} */
    val_t *results;             /* list of registry_drift results */
    size_t changes;
    bool oom;
    /* What the fix names registry("NAME"): target -> name (NULL: none),
     * and the profile of mig.yaml that gives them (NULL: none). */
    val_t *names;
    const char *names_profile;
} drift_t;

/* ---- the baseline ------------------------------------------------------- */

static bool base_db(void *data, const char *db, int64_t records)
{
    (void)records;
    drift_t *d = data;
    val_t *m = val_map_new(2);
    if (!m || val_map_set_take(m, "db", 2, val_cstring(db)) != MIG_OK
        || val_map_set_take(m, "records", 7, val_list_new(8)) != MIG_OK
        || val_list_push_take(d->base, m) != MIG_OK) {
        d->oom = true;
        return false;
    }
    return true;
}

static bool base_record(void *data, const char *db, const store_baseline_t *r)
{
    (void)db;
    drift_t *d = data;
    val_t *last = val_list_get(d->base, val_len(d->base) - 1);
    val_t *recs = val_map_get(last, "records", 7);
    val_t *m = val_map_new(4);
    if (!m || val_map_set_take(m, "kind", 4, val_cstring(r->kind)) != MIG_OK
        || val_map_set_take(m, "name", 4, val_cstring(r->name)) != MIG_OK
        || val_map_set_take(m, "digest", 6, val_cstring(r->digest)) != MIG_OK
        || val_list_push_take(recs, m) != MIG_OK) {
        d->oom = true;
        return false;
    }
    return true;
}

/* Finds the plan's last successful run in S and reads its baseline into
 * D. Returns an exit code, the reason in DIAGS. */
static int read_baseline(drift_t *d, store_t *s, const char *real,
                         diag_list_t *diags)
{
    mig_status_t st = store_run_last_succeeded(s, real, d->profile, &d->run);
    if (st == MIG_OK && d->run == 0) {
        diag_t *g = diag_add(diags, DIAG_ERROR, NULL, NULL, "%s has no "
                             "successful run%s%s%s yet: there is nothing to "
                             "compare the registry with", d->plan,
                             d->profile ? " with the profile '" : "",
                             d->profile ? d->profile : "",
                             d->profile ? "'" : "");
        diag_hint(diags, g, "drift compares with the last run that "
                  "succeeded (`mig history` lists the runs); `mig run %s` "
                  "makes one", d->plan);
        return EXIT_REFUSED;
    }
    if (st == MIG_OK && !(d->base = val_list_new(2)))
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        st = store_baseline_each(s, d->run, base_db, base_record, d);
    if (st == MIG_OK && d->oom)
        st = MIG_ENOMEM;
    if (st != MIG_OK) {
        diag_list_move(diags, store_diags(s));
        if (st == MIG_ENOMEM)
            diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
        return cli_store_exit(st);
    }
    if (val_len(d->base) == 0) {
        diag_t *g = diag_add(diags, DIAG_ERROR, NULL, NULL, "run %lld of %s "
                             "left no registry to compare: it wrote none, or "
                             "it was made by a mig that kept no drift "
                             "baseline", (long long)d->run, d->plan);
        diag_hint(diags, g, "run the plan again to record one");
        return EXIT_REFUSED;
    }
    return EXIT_CLEAN;
}

/* Compares each registry of D's baseline (their paths relative to DIR,
 * absolute) with what it holds now, the baseline's contents read from S
 * (the store at STATE) or its object store. Returns an exit code, the
 * reason in DIAGS. */
static int compare(drift_t *d, const char *dir, store_t *s, const char *state,
                   bool fix, diag_list_t *diags)
{
    char *objects = blobs_dir_of(state);
    blobs_t *blobs = NULL;
    action_ctx_t *c = actx_new(ACTX_PREVIEW, dir);
    d->results = val_list_new(val_len(d->base));
    mig_status_t st = objects && c && d->results ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = blobs_open(objects, diags, &blobs);
    int rc = st == MIG_ENOMEM ? EXIT_USAGE : st != MIG_OK ? EXIT_STORE
                                                          : EXIT_CLEAN;
    for (size_t i = 0; st == MIG_OK && i < val_len(d->base); i++) {
        const val_t *b = val_list_get(d->base, i);
        const char *db = val_get_str(val_map_get(b, "db", 2), NULL);
        val_t *res = NULL;
        actx_begin(c, "drift");
        st = registry_drift(c, s, blobs, db, val_map_get(b, "records", 7), fix,
                            &res);
        if (st == MIG_OK) {
            d->changes += val_len(val_map_get(res, "changes", 7));
            st = val_list_push_take(d->results, res);
        } else if (st != MIG_ENOMEM) {
            diag_add(diags, DIAG_ERROR, NULL, NULL, "%s: %s", db,
                     actx_error_message(c));
            rc = EXIT_INVALID;
        }
    }
    if (st == MIG_ENOMEM) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
        rc = EXIT_USAGE;
    }
    actx_free(c);
    blobs_close(blobs);
    free(objects);
    return rc;
}

/* ---- output ------------------------------------------------------------- */

static const char *str(const val_t *m, const char *key)
{
    val_t *v = val_map_get(m, key, strlen(key));
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

static void print_change(const val_t *ch)
{
    printf("  %-7s %s %s\n", str(ch, "change"), str(ch, "kind"),
           str(ch, "name"));
    cli_print_fields(ch, 6);
}

static void print_text(const drift_t *d)
{
    if (d->changes)
        printf("%s: %zu change%s since run %lld, its last successful run\n",
               d->plan, d->changes, d->changes == 1 ? "" : "s",
               (long long)d->run);
    else
        printf("%s: no drift since run %lld, its last successful run\n",
               d->plan, (long long)d->run);
    for (size_t i = 0; i < val_len(d->results); i++) {
        const val_t *r = val_list_get(d->results, i);
        const val_t *chs = val_map_get(r, "changes", 7);
        long long then = val_get_int(val_map_get(r, "records_then", 12));
        long long now = val_get_int(val_map_get(r, "records_now", 11));
        if (val_len(chs))
            printf("%s: %zu change%s (%lld record%s then, %lld now)\n",
                   str(r, "db"), val_len(chs), val_len(chs) == 1 ? "" : "s",
                   then, then == 1 ? "" : "s", now);
        else
            printf("%s: unchanged (%lld record%s)\n", str(r, "db"), then,
                   then == 1 ? "" : "s");
        for (size_t j = 0; j < val_len(chs); j++)
            print_change(val_list_get(chs, j));
    }
}

/* The JSON of docs/drift.md: the results without the kept records. */
static mig_status_t print_json(const drift_t *d)
{
    val_t *m = val_map_new(6);
    val_t *regs = val_list_new(val_len(d->results));
    mig_status_t st = m && regs ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(d->results); i++) {
        const val_t *r = val_list_get(d->results, i);
        val_t *chs = val_map_get(r, "changes", 7);
        val_t *copy = val_copy(r), *out = val_list_new(val_len(chs));
        st = copy && out ? MIG_OK : MIG_ENOMEM;
        for (size_t j = 0; st == MIG_OK && j < val_len(chs); j++) {
            val_t *c = val_copy(val_list_get(chs, j));
            if (c)
                val_map_delete(c, "record", 6);
            st = c ? val_list_push_take(out, c) : MIG_ENOMEM;
        }
        if (st == MIG_OK)
            st = val_map_set_take(copy, "changes", 7, val_ref(out));
        val_unref(out);
        if (st == MIG_OK)
            st = val_list_push_take(regs, copy);
        else
            val_unref(copy);
    }
    if (st == MIG_OK)
        st = val_map_set_take(m, "plan", 4, cli_json_text(d->plan));
    if (st == MIG_OK)
        st = val_map_set_take(m, "run", 3, val_int(d->run));
    if (st == MIG_OK)
        st = val_map_set_take(m, "profile", 7, d->profile
                              ? cli_json_text(d->profile) : val_null());
    if (st == MIG_OK)
        st = val_map_set_take(m, "drift", 5, val_bool(d->changes > 0));
    if (st == MIG_OK)
        st = val_map_set_take(m, "changes", 7, val_int((int64_t)d->changes));
    if (st == MIG_OK)
        st = val_map_set_take(m, "registries", 10, val_ref(regs));
    if (st == MIG_OK)
        st = cli_print_json(m, true);
    val_unref(regs);
    val_unref(m);
    return st;
}

/* Whether OUT would be written in the folder of PLAN (the fix names the
 * registries relative to it). */
static bool beside(const char *plan, const char *out)
{
    char *a = cli_dir_of(plan), *b = cli_dir_of(out);
    char ra[PATH_MAX], rb[PATH_MAX];
    bool same = a && b && realpath(*a ? a : ".", ra)
        && realpath(*b ? b : ".", rb) && strcmp(ra, rb) == 0;
    free(a);
    free(b);
    return same;
}

/* What registry("NAME") gives the plan at PLAN under SET, turned around
 * for the fix (docs/drift.md, "The fix"): a new map from each target to
 * the first of SET's names that gives it; NULL when out of memory. */
static val_t *registry_names(const config_settings_t *set, const char *plan)
{
    char *dir = cli_dir_of(plan);
    val_t *targets = dir ? config_registry_targets(set, dir) : NULL;
    val_t *names = targets ? val_map_new(val_len(targets)) : NULL;
    for (size_t i = 0; names && i < val_len(targets); i++) {
        size_t len;
        const char *t = val_get_str(val_map_value(targets, i), &len);
        if (!val_map_get(names, t, len)
            && val_map_set(names, t, len, val_map_key(targets, i)) != MIG_OK) {
            val_unref(names);
            names = NULL;
        }
    }
    val_unref(targets);
    free(dir);
    return names;
}

/* Writes the fix of D to OUT (NULL: stdout). */
static int write_fix(const drift_t *d, const char *out)
{
    strbuf_t b;
    strbuf_init(&b);
    int rc = registry_drift_fix(d->results, d->plan, d->run, d->names,
                                d->names_profile, &b) == MIG_OK
        ? EXIT_CLEAN : EXIT_USAGE;
    if (rc != EXIT_CLEAN)
        fprintf(stderr, "mig drift: error: out of memory\n");
    else if (out)
        rc = cli_write_out(out, &b);
    else
        fwrite(b.data, 1, b.len, stdout);
    strbuf_free(&b);
    if (rc == EXIT_CLEAN && out)
        printf("wrote %s: review it, then `mig run %s%s%s%s` brings the "
               "registr%s back\n", out, d->names_profile ? "--profile " : "",
               d->names_profile ? d->names_profile : "",
               d->names_profile ? " " : "", out, val_len(d->results) == 1
               ? "y" : "ies");
    return rc;
}

/* ---- mig drift -------------------------------------------------------------- */

/* The option checks: returns -1 to go on, else an exit code. */
static int check_options(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *plan = args->operands[0];
    bool fix = cli_value(cmd, args, "fix") != NULL;
    const char *out = cli_value(cmd, args, "output");
    const char *why = strcmp(plan, "-") == 0
        ? "the plan must be a file, not standard input: its runs are "
          "found by its path"
        : out && !fix ? "--output names the file of --fix"
        : fix && !out && cli_value(cmd, args, "json")
        ? "--fix --json prints the report: give the fix a file with -o FILE"
        : out && !beside(plan, out)
        ? "the fix must be written beside the plan (it names the "
          "registries relative to the plan's folder)"
        : NULL;
    if (!why)
        return -1;
    fprintf(stderr, "mig drift: error: %s\n", why);
    return EXIT_USAGE;
}

int cmd_drift(const cli_cmd_t *cmd, const cli_args_t *args)
{
    int rc = check_options(cmd, args);
    if (rc >= 0)
        return rc;
    drift_t d = { .cmd = cmd, .plan = args->operands[0],
                  .profile = cli_value(cmd, args, "profile") };
    bool fix = cli_value(cmd, args, "fix") != NULL;
    cli_plan_t p;
    rc = cli_load_plan(d.plan, 0, &p);
    diag_list_t diags;
    diag_list_init(&diags);
    params_t *params = NULL;
    /* mig.yaml: its profiles and its state folder, as for run. */
    config_t *cfg = NULL;
    config_settings_t set = { 0 };
    if (rc == EXIT_CLEAN)
        rc = cli_config_load(d.plan, &diags, &cfg);
    /* A profile neither the plan nor mig.yaml has is a usage error, as
     * for run. */
    if (rc == EXIT_CLEAN && params_resolve_config(p.plan, p.src, cfg,
                                                  d.profile, NULL, 0, &diags,
                                                  &params) != MIG_OK)
        rc = EXIT_USAGE;
    if (rc == EXIT_CLEAN && (config_effective(cfg, d.profile, &set, NULL)
                             != MIG_OK
                             || !(d.names = registry_names(&set, d.plan)))) {
        diag_add(&diags, DIAG_ERROR, NULL, NULL, "out of memory");
        rc = EXIT_USAGE;
    }
    /* A profile of mig.yaml may map the names to other registries: the
     * fix runs with it. */
    if (rc == EXIT_CLEAN && d.profile && config_has_profile(cfg, d.profile)
        && val_len(d.names))
        d.names_profile = d.profile;
    params_free(params);
    cli_plan_free(&p);
    char real[PATH_MAX];
    char *dir = cli_dir_of(d.plan);
    strbuf_t state;
    cli_state_beside(cmd, args, d.plan, set.state_dir, &state);
    store_t *s = NULL;
    struct stat sb;
    if (rc == EXIT_CLEAN && (!dir || state.oom || !realpath(d.plan, real))) {
        diag_add(&diags, DIAG_ERROR, NULL, NULL, "out of memory");
        rc = EXIT_USAGE;
    } else if (rc == EXIT_CLEAN && stat(state.data, &sb) != 0) {
        diag_t *g = diag_add(&diags, DIAG_ERROR, NULL, NULL, "%s has no "
                             "successful run yet: there is no state store at "
                             "%s", d.plan, state.data);
        diag_hint(&diags, g, "`mig run %s` migrates; drift compares the "
                  "registry with its last successful run", d.plan);
        rc = EXIT_REFUSED;
    } else if (rc == EXIT_CLEAN) {
        mig_status_t st = store_open(state.data, STORE_READONLY, &diags, &s);
        rc = st == MIG_OK ? EXIT_CLEAN : st == MIG_ENOMEM ? EXIT_USAGE
                                                          : EXIT_STORE;
    }
    if (rc == EXIT_CLEAN)
        rc = read_baseline(&d, s, real, &diags);
    /* The registries are named relative to the plan's folder; the stores
     * take them absolute (registry_int.h). */
    char *abs_dir = rc == EXIT_CLEAN ? cli_dir_of(real) : NULL;
    if (rc == EXIT_CLEAN && !abs_dir) {
        diag_add(&diags, DIAG_ERROR, NULL, NULL, "out of memory");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_CLEAN)
        rc = compare(&d, abs_dir, s, state.data, fix, &diags);
    free(abs_dir);
    if (rc == EXIT_CLEAN && fix && !d.changes)
        printf("%s: no drift since run %lld: nothing to fix\n", d.plan,
               (long long)d.run);
    else if (rc == EXIT_CLEAN && fix) {
        const char *out = cli_value(cmd, args, "output");
        if (out && cli_value(cmd, args, "json"))
            rc = print_json(&d) == MIG_OK ? EXIT_CLEAN : EXIT_USAGE;
        else if (out)
            print_text(&d);
        if (rc == EXIT_CLEAN)
            rc = write_fix(&d, out);
    } else if (rc == EXIT_CLEAN && cli_value(cmd, args, "json"))
        rc = print_json(&d) == MIG_OK ? EXIT_CLEAN : EXIT_USAGE;
    else if (rc == EXIT_CLEAN)
        print_text(&d);
    if (rc == EXIT_CLEAN && d.changes)
        rc = EXIT_ATTENTION;
    val_unref(d.base);
    val_unref(d.results);
    val_unref(d.names);
    free(dir);
    strbuf_free(&state);
    config_settings_clear(&set);
    rc = cli_finish_store(s, &diags, rc);
    config_free(cfg);   /* after its messages were shown */
    return rc;
}
