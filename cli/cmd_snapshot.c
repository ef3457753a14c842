/* cmd_snapshot.c: `mig snapshot create|list|show|verify|restore|prune`
 * (docs/snapshots.md) over runtime/snapshot.h: finds which files a
 * snapshot holds (the plan's write roots), prints what the runtime
 * reports, and appends the audit entries of the three that change
 * something (create, restore, prune). */
#define _XOPEN_SOURCE 700  /* realpath */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "snapshot.h"

/* ---- what a snapshot holds -------------------------------------------------- */

/* Where create takes its files from: the plan, its folder and its write
 * roots, and the state store. */
typedef struct source {
    char *plan_path, *plan_name, *base, *state;
    write_roots_t roots;
} source_t;

static void source_free(source_t *src)
{
    free(src->plan_path);
    free(src->plan_name);
    free(src->base);
    free(src->state);
    roots_free(&src->roots);
}

/* SRC from the plan PATH: its folder, `writes` folders and mig.yaml's
 * write_roots; the store --state, else mig.yaml's state, else .mig/
 * beside the plan (as `mig run` does). */
static int from_plan(const cli_cmd_t *cmd, const cli_args_t *a,
                     const char *path, source_t *src)
{
    cli_plan_t p = { 0 };
    int rc = cli_load_plan(path, CLI_LOAD_CHECK | CLI_LOAD_GRAPH, &p);
    config_settings_t set = { 0 };
    char real[PATH_MAX];
    mig_status_t st = rc == EXIT_CLEAN ? config_effective(p.config, NULL,
                                                          &set, NULL)
                                       : MIG_OK;
    if (rc == EXIT_CLEAN && st == MIG_OK) {
        src->plan_path = strdup(realpath(path, real) ? real : path);
        src->plan_name = strdup(graph_plan_name(p.graph));
        src->base = cli_dir_of(src->plan_path);
        const char *state = cli_value(cmd, a, "state");
        size_t n = set.state_dir ? strlen(set.state_dir) : 0;
        if (state)
            src->state = strdup(state);
        else if (set.state_dir && (src->state = malloc(n + 10)))
            snprintf(src->state, n + 10, "%s/state.db", set.state_dir);
        else if (src->base && (src->state = malloc(strlen(src->base) + 16)))
            sprintf(src->state, "%s.mig/state.db", src->base);
        st = src->plan_path && src->plan_name && src->base && src->state
             ? roots_of_plan(p.plan, src->base, &src->roots) : MIG_ENOMEM;
        if (st == MIG_OK)
            st = roots_add_all(&src->roots, (const char *const *)
                               set.write_roots, set.n_write_roots);
        if (st == MIG_OK)
            st = roots_resolve(&src->roots);
    }
    if (st != MIG_OK) {
        fprintf(stderr, "mig snapshot: error: out of memory\n");
        rc = EXIT_USAGE;
    }
    config_settings_clear(&set);
    cli_plan_free(&p);
    return rc;
}

/* SRC from the newest run of the store (found as `mig status` finds it):
 * its plan and the write roots it recorded. */
static int from_last_run(const cli_cmd_t *cmd, const cli_args_t *a,
                         source_t *src, diag_list_t *diags)
{
    store_t *s = NULL;
    int rc = cli_state_path(cmd, a, 0, &src->state, diags);
    if (rc == EXIT_CLEAN)
        rc = cli_open_store(cmd, a, STORE_READONLY, &s, diags);
    int64_t id = 0;
    if (rc == EXIT_CLEAN)
        rc = cli_run_id(s, "last", &id, diags);
    store_run_t r = { 0 };
    mig_status_t st = rc == EXIT_CLEAN ? store_run_get(s, id, &r) : MIG_OK;
    const val_t *roots = r.options ? val_map_get(r.options, "roots", 5)
                                   : NULL;
    if (rc == EXIT_CLEAN && st == MIG_OK && (!roots
                                             || val_type(roots) != VAL_LIST)) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "run %" PRId64
                             " recorded no write roots: a snapshot cannot "
                             "tell which files its plan manages", id);
        diag_hint(diags, d, "name the plan: mig snapshot create PLAN");
        rc = EXIT_USAGE;
    } else if (rc == EXIT_CLEAN && st == MIG_OK) {
        src->plan_path = strdup(r.plan_path);
        src->plan_name = strdup(r.plan_name);
        src->base = cli_dir_of(r.plan_path);
        st = src->plan_path && src->plan_name && src->base
             ? roots_of_list(roots, &src->roots) : MIG_ENOMEM;
    }
    if (rc == EXIT_CLEAN && st != MIG_OK)
        rc = cli_store_exit(st);
    store_run_clear(&r);
    return cli_finish_store(s, diags, rc);
}

/* ---- printing ------------------------------------------------------------------ */

static bool put(val_t *m, const char *key, val_t *v)
{
    return v && val_map_set_take(m, key, strlen(key), v) == MIG_OK;
}

/* SNAP as the JSON object of docs/snapshots.md. NULL when out of memory. */
static val_t *snap_value(const snapshot_t *sn)
{
    char at[40];
    cli_iso_time(sn->created_ms, false, at);
    val_t *m = val_map_new(12);
    if (m && put(m, "id", val_int(sn->id)) && put(m, "name", cli_json_text(
            sn->name))
        && put(m, "note", sn->note ? cli_json_text(sn->note) : val_null())
        && put(m, "created", val_cstring(at))
        && put(m, "plan", cli_json_text(sn->plan_path))
        && put(m, "plan_name", cli_json_text(sn->plan_name))
        && put(m, "run", sn->run ? val_int(sn->run) : val_null())
        && put(m, "complete", val_bool(sn->complete))
        && put(m, "entries", val_int(sn->entries))
        && put(m, "bytes", val_int(sn->bytes))
        && put(m, "manifest", sn->manifest ? val_cstring(sn->manifest)
                                           : val_null())
        && put(m, "digest", sn->digest ? val_cstring(sn->digest)
                                       : val_null()))
        return m;
    val_unref(m);
    return NULL;
}

/* One line of `list`, and the head of `show` and `create`. */
static void print_line(const snapshot_t *sn)
{
    char at[40];
    cli_iso_time(sn->created_ms, false, at);
    printf("%-4" PRId64 " %-24s %s  %7" PRId64 " paths %12" PRId64 " bytes",
           sn->id, sn->name, at, sn->entries, sn->bytes);
    if (sn->run)
        printf("  run %" PRId64, sn->run);
    if (!sn->complete)
        printf("  (incomplete)");
    if (sn->note)
        printf("  %s", sn->note);
    printf("\n");
}

/* Prints V (taken) as JSON; an exit code. */
static int print_json(val_t *v, int rc)
{
    if (!v || cli_print_json(v, true) != MIG_OK) {
        fprintf(stderr, "mig snapshot: error: out of memory\n");
        rc = EXIT_USAGE;
    }
    val_unref(v);
    return rc;
}

/* ---- the subcommands ------------------------------------------------------------- */

/* A subcommand: an exit code; *STATE gets the state store it changed
 * (malloc'd, or NULL) and *RUN the run it made, for its audit entry. */
typedef int (*sub_fn)(const cli_cmd_t *cmd, const cli_args_t *a,
                      char **state, int64_t *run);

static int create(const cli_cmd_t *cmd, const cli_args_t *a,
                  char **state, int64_t *run)
{
    (void)run;
    source_t src = { 0 };
    diag_list_t diags;
    diag_list_init(&diags);
    int rc = a->n_operands > 1 ? from_plan(cmd, a, a->operands[1], &src)
                               : from_last_run(cmd, a, &src, &diags);
    snapshot_t sn = { 0 };
    snapshot_spec_t spec = { .name = cli_value(cmd, a, "name"),
                             .note = cli_value(cmd, a, "note"),
                             .plan_path = src.plan_path,
                             .plan_name = src.plan_name, .base_dir = src.base,
                             .roots = &src.roots, .state_path = src.state };
    mig_status_t st = rc == EXIT_CLEAN ? snapshot_create(&spec, &diags, &sn)
                                       : MIG_OK;
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (rc == EXIT_CLEAN)
        rc = st == MIG_EINVALID ? EXIT_REFUSED : cli_store_exit(st);
    if (rc == EXIT_CLEAN && cli_value(cmd, a, "json"))
        rc = print_json(snap_value(&sn), rc);
    else if (rc == EXIT_CLEAN) {
        printf("took snapshot %" PRId64 " '%s' of %s: %" PRId64 " paths, %"
               PRId64 " bytes of files, digest %.12s...\n", sn.id, sn.name,
               sn.plan_path, sn.entries, sn.bytes, sn.digest);
    }
    *state = src.state;
    src.state = NULL;
    snapshot_clear(&sn);
    source_free(&src);
    return rc;
}

mig_status_t cli_snapshots_value(store_t *s, val_t **out)
{
    snapshot_t *all = NULL;
    size_t n = 0;
    *out = NULL;
    mig_status_t st = snapshot_list(s, &all, &n);
    val_t *json = st == MIG_OK ? val_list_new(n) : NULL;
    if (st == MIG_OK && !json)
        st = MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        val_t *v = snap_value(&all[i]);
        st = v ? val_list_push_take(json, v) : MIG_ENOMEM;
    }
    snapshots_free(all, n);
    if (st != MIG_OK)
        val_unref(json);
    else
        *out = json;
    return st;
}

static int list(const cli_cmd_t *cmd, const cli_args_t *a,
                char **state, int64_t *run)
{
    (void)state;
    (void)run;
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    snapshot_t *all = NULL;
    size_t n = 0;
    val_t *json = NULL;
    bool as_json = cli_value(cmd, a, "json") != NULL;
    int rc = cli_open_store(cmd, a, STORE_READONLY, &s, &diags);
    if (rc == EXIT_CLEAN)
        rc = cli_store_exit(as_json ? cli_snapshots_value(s, &json)
                                    : snapshot_list(s, &all, &n));
    if (rc == EXIT_CLEAN && as_json)
        rc = print_json(json, rc);
    else if (rc == EXIT_CLEAN && !n)
        printf("no snapshots\n");
    for (size_t i = 0; rc == EXIT_CLEAN && !as_json && i < n; i++)
        print_line(&all[i]);
    snapshots_free(all, n);
    return cli_finish_store(s, &diags, rc);
}

/* Opens the store read-only and finds the snapshot named by the second
 * operand, and (OBJECTS) its object store. */
static int open_snapshot(const cli_cmd_t *cmd, const cli_args_t *a,
                         store_t **s, snapshot_t *sn, blobs_t **b,
                         diag_list_t *diags)
{
    *b = NULL;
    if (a->n_operands < 2) {
        fprintf(stderr, "mig snapshot %s: error: which snapshot? give its id "
                "or name (mig snapshot list)\n", a->operands[0]);
        return EXIT_USAGE;
    }
    char *path = NULL, *objects = NULL;
    int rc = cli_state_path(cmd, a, 0, &path, diags);
    if (rc == EXIT_CLEAN)
        rc = cli_open_store(cmd, a, STORE_READONLY, s, diags);
    mig_status_t st = rc == EXIT_CLEAN
        ? snapshot_find(*s, a->operands[1], sn, diags) : MIG_OK;
    if (rc == EXIT_CLEAN && st != MIG_OK)
        rc = st == MIG_EINVALID ? EXIT_USAGE : cli_store_exit(st);
    if (rc == EXIT_CLEAN && !(objects = blobs_dir_of(path)))
        rc = EXIT_USAGE;
    if (rc == EXIT_CLEAN && blobs_open(objects, diags, b) != MIG_OK)
        rc = EXIT_STORE;
    free(path);
    free(objects);
    return rc;
}

static int show(const cli_cmd_t *cmd, const cli_args_t *a,
                char **state, int64_t *run)
{
    (void)state;
    (void)run;
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    blobs_t *b = NULL;
    snapshot_t sn = { 0 };
    val_t *m = NULL;
    int rc = open_snapshot(cmd, a, &s, &sn, &b, &diags);
    if (rc == EXIT_CLEAN && snapshot_manifest(b, &sn, &diags, &m) != MIG_OK)
        rc = EXIT_STORE;
    const val_t *roots = m ? val_map_get(m, "roots", 5) : NULL;
    if (rc == EXIT_CLEAN && cli_value(cmd, a, "json")) {
        val_t *v = snap_value(&sn);
        if (v && !put(v, "roots", val_ref((val_t *)roots))) {
            val_unref(v);
            v = NULL;
        }
        rc = print_json(v, rc);
    } else if (rc == EXIT_CLEAN) {
        print_line(&sn);
        printf("plan: %s (%s)\n", sn.plan_path, sn.plan_name);
        for (size_t i = 0; roots && i < val_len(roots); i++)
            printf("root: %s\n", val_get_str(val_list_get(roots, i), NULL));
        printf("manifest: %s\ndigest: %s\n", sn.manifest, sn.digest);
    }
    val_unref(m);
    snapshot_clear(&sn);
    blobs_close(b);
    return cli_finish_store(s, &diags, rc);
}

static int verify(const cli_cmd_t *cmd, const cli_args_t *a,
                  char **state, int64_t *run)
{
    (void)state;
    (void)run;
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    blobs_t *b = NULL;
    snapshot_t sn = { 0 };
    val_t *r = NULL;
    int rc = open_snapshot(cmd, a, &s, &sn, &b, &diags);
    if (rc == EXIT_CLEAN)
        rc = cli_store_exit(snapshot_verify(b, &sn, &r));
    const val_t *problems = r ? val_map_get(r, "problems", 8) : NULL;
    bool digest = r && val_get_bool(val_map_get(r, "digest", 6));
    if (rc == EXIT_CLEAN && (val_len(problems) || !digest))
        rc = EXIT_ATTENTION;
    if ((rc == EXIT_CLEAN || rc == EXIT_ATTENTION)
        && cli_value(cmd, a, "json")) {
        rc = print_json(val_ref(r), rc);
    } else if (rc == EXIT_CLEAN || rc == EXIT_ATTENTION) {
        for (size_t i = 0; i < val_len(problems); i++) {
            const val_t *p = val_list_get(problems, i);
            const char *path = val_get_str(val_map_get(p, "path", 4), NULL);
            printf("%s object %s (%s)\n",
                   val_get_str(val_map_get(p, "problem", 7), NULL),
                   val_get_str(val_map_get(p, "object", 6), NULL),
                   *path ? path : "the manifest");
        }
        printf("snapshot %" PRId64 " '%s': %" PRId64 " objects (%" PRId64
               " bytes) re-hashed, %zu problem%s; digest %s\n", sn.id,
               sn.name, val_get_int(val_map_get(r, "objects", 7)),
               val_get_int(val_map_get(r, "bytes", 5)), val_len(problems),
               val_len(problems) == 1 ? "" : "s",
               digest ? "matches" : "does not match");
    }
    val_unref(r);
    snapshot_clear(&sn);
    blobs_close(b);
    return cli_finish_store(s, &diags, rc);
}

/* The exit code of a restore that ended with RES. */
static int restore_exit(run_result_t res)
{
    return res == RUN_SUCCEEDED ? EXIT_CLEAN : res == RUN_REFUSED
           ? EXIT_REFUSED : EXIT_RUN_FAILED;
}

static int restore(const cli_cmd_t *cmd, const cli_args_t *a,
                   char **state, int64_t *run)
{
    diag_list_t diags;
    diag_list_init(&diags);
    if (a->n_operands < 2) {
        fprintf(stderr, "mig snapshot restore: error: which snapshot? give "
                "its id or name (mig snapshot list)\n");
        return EXIT_USAGE;
    }
    int rc = cli_state_path(cmd, a, 0, state, &diags);
    bool dry = cli_value(cmd, a, "dry-run") != NULL;
    snapshot_restore_options_t o = { .state_path = *state,
                                     .ref = a->operands[1], .dry_run = dry,
                                     .break_lock = cli_value(cmd, a,
                                                             "break-lock") };
    val_t *r = NULL;
    run_result_t res = RUN_REFUSED;
    mig_status_t st = rc == EXIT_CLEAN
        ? snapshot_restore(&o, &diags, &r, &res, run) : MIG_OK;
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (rc == EXIT_CLEAN)
        rc = st == MIG_EINVALID ? EXIT_USAGE : st != MIG_OK
             ? cli_store_exit(st) : restore_exit(res);
    if (r && cli_value(cmd, a, "json"))
        return print_json(r, rc);
    const val_t *changes = r ? val_map_get(r, "changes", 7) : NULL;
    for (size_t i = 0; changes && i < val_len(changes); i++) {
        const val_t *c = val_list_get(changes, i);
        printf("%s%-9s %s\n", dry ? "would " : "",
               val_get_str(val_map_get(c, "change", 6), NULL),
               val_get_str(val_map_get(c, "path", 4), NULL));
    }
    if (r && dry)
        printf("dry run: %zu path%s would change; nothing was changed\n",
               val_len(changes), val_len(changes) == 1 ? "" : "s");
    else if (r)
        printf("restored snapshot '%s' as run %" PRId64 ": %zu path%s "
               "changed, digest %s\n", val_get_str(val_map_get(r, "snapshot",
                                                               8), NULL),
               *run, val_len(changes), val_len(changes) == 1 ? "" : "s",
               rc == EXIT_CLEAN ? "matches" : "does not match");
    val_unref(r);
    return rc;
}

static int prune(const cli_cmd_t *cmd, const cli_args_t *a,
                 char **state, int64_t *run)
{
    (void)run;
    const char *older = cli_value(cmd, a, "older-than");
    const char *last = cli_value(cmd, a, "keep-last");
    snapshot_prune_options_t o = { .older_than_ms = -1, .keep_last = -1,
                                   .dry_run = cli_value(cmd, a, "dry-run") };
    uint64_t n;
    if (older && !cli_parse_age(older, &o.older_than_ms)) {
        fprintf(stderr, "mig snapshot prune: error: --older-than takes an "
                "age, a whole number and s, m, h or d (30d), not '%s'\n",
                older);
        return EXIT_USAGE;
    }
    if (last && !cli_parse_count(last, 0, INT64_MAX, &n)) {
        fprintf(stderr, "mig snapshot prune: error: --keep-last takes a "
                "whole number, not '%s'\n", last);
        return EXIT_USAGE;
    }
    if (last)
        o.keep_last = (int64_t)n;
    diag_list_t diags;
    diag_list_init(&diags);
    int rc = cli_state_path(cmd, a, 0, state, &diags);
    o.state_path = *state;
    val_t *r = NULL;
    mig_status_t st = rc == EXIT_CLEAN ? snapshot_prune(&o, &diags, &r)
                                       : MIG_OK;
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (rc == EXIT_CLEAN)
        rc = cli_store_exit(st);
    if (r && cli_value(cmd, a, "json"))
        return print_json(r, rc);
    const val_t *names = r ? val_map_get(r, "snapshots", 9) : NULL;
    for (size_t i = 0; names && i < val_len(names); i++)
        printf("%s snapshot %s\n", o.dry_run ? "would forget" : "forgot",
               val_get_str(val_list_get(names, i), NULL));
    if (r)
        printf("%s%zu snapshot%s forgotten, %" PRId64 " kept; %" PRId64
               " unreferenced object%s (%" PRId64 " bytes) %s\n",
               o.dry_run ? "dry run: " : "", val_len(names),
               val_len(names) == 1 ? "" : "s",
               val_get_int(val_map_get(r, "kept", 4)),
               val_get_int(val_map_get(r, "objects", 7)),
               val_get_int(val_map_get(r, "objects", 7)) == 1 ? "" : "s",
               val_get_int(val_map_get(r, "bytes", 5)),
               o.dry_run ? "would be removed; nothing was changed"
                         : "removed");
    val_unref(r);
    return rc;
}

/* The subcommands: the name, its function, and whether it changes
 * something (its audit entry: "snapshot-NAME"). */
static const struct {
    const char *name;
    sub_fn fn;
    bool changes;
} subs[] = {
    { "create", create, true }, { "list", list, false },
    { "show", show, false }, { "verify", verify, false },
    { "restore", restore, true }, { "prune", prune, true },
};

int cmd_snapshot(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *name = args->operands[0];
    size_t i = 0;
    while (i < sizeof subs / sizeof *subs && strcmp(subs[i].name, name))
        i++;
    if (i == sizeof subs / sizeof *subs) {
        fprintf(stderr, "mig snapshot: error: no subcommand '%s'\nhint: "
                "create, list, show, verify, restore or prune\n", name);
        return EXIT_USAGE;
    }
    bool dry = subs[i].changes && cli_value(cmd, args, "dry-run");
    struct audit_key *key = NULL;
    if (subs[i].changes && !dry) {
        int krc = cli_audit_key(cmd->name, &key);
        if (krc != EXIT_CLEAN)
            return krc;
    }
    char *state = NULL, action[32];
    int64_t run = 0;
    int rc = subs[i].fn(cmd, args, &state, &run);
    if (subs[i].changes && !dry && rc != EXIT_USAGE) {
        snprintf(action, sizeof action, "snapshot-%s", name);
        val_t *detail = val_map_new(1);
        if (detail && args->n_operands > 1)
            put(detail, "operand", cli_json_text(args->operands[1]));
        cli_audit_record(state, key, action, run, rc, detail);
        val_unref(detail);
    }
    audit_key_free(key);
    free(state);
    return rc;
}
