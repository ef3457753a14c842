/* cmd_audit.c: `mig audit keygen|verify|export` (docs/audit.md), and what
 * the commands that change state (run, resume, rollback) call to append
 * their entry to the trail: cli_audit_key before they start,
 * cli_audit_record when they end. */
#define _GNU_SOURCE     /* strptime, timegm */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"

/* ---- the entries of the commands that change state ------------------------ */

/* What each exit code says in an entry's outcome. */
static const char *const outcome_names[] = {
    [EXIT_CLEAN] = "succeeded", [EXIT_INVALID] = "invalid",
    [EXIT_USAGE] = "usage-error", [EXIT_RUN_FAILED] = "failed",
    [EXIT_ROLLED_BACK] = "rolled-back",
    [EXIT_ROLLBACK_FAILED] = "rollback-failed", [EXIT_REFUSED] = "refused",
    [EXIT_UNVERIFIED] = "unverified", [EXIT_STORE] = "store-failed",
    [EXIT_INTERRUPTED] = "interrupted", [EXIT_ATTENTION] = "attention",
};

const char *cli_outcome_name(int code)
{
    return code >= 0 && (size_t)code < sizeof outcome_names
        / sizeof *outcome_names && outcome_names[code]
        ? outcome_names[code] : "unknown";
}

/* Whether the parent appends this process's entry (CLI_AUDIT_PARENT_ENV
 * names it). */
static bool audited_by_parent(void)
{
    const char *v = getenv(CLI_AUDIT_PARENT_ENV);
    char *end;
    errno = 0;
    long long pid = v ? strtoll(v, &end, 10) : 0;
    return v && *v && !*end && !errno && pid > 1 && pid == (long long)getppid();
}

int cli_audit_key(const char *cmd, audit_key_t **key)
{
    *key = NULL;
    if (audited_by_parent())
        return EXIT_CLEAN;
    diag_list_t diags;
    diag_list_init(&diags);
    mig_status_t st = audit_key_find(NULL, &diags, key);
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (st != MIG_OK)
        fprintf(stderr, "mig %s: nothing was done: the audit trail's "
                "signing key cannot be used\n", cmd);
    return st == MIG_OK ? EXIT_CLEAN : EXIT_USAGE;
}

void cli_audit_record(const char *state_path, const audit_key_t *key,
                      const char *action, int64_t run, int code,
                      val_t *detail)
{
    struct stat sb;
    if (audited_by_parent())
        return;
    if (!state_path || stat(state_path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return;     /* no store was made or opened: nothing changed */
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    store_run_t r = { 0 };
    mig_status_t st = store_open(state_path, 0, &diags, &s);
    /* A run that is not there (the command failed before recording it)
     * leaves the digest NULL; its message is not the entry's concern. */
    if (st == MIG_OK && run > 0 && store_run_get(s, run, &r) != MIG_OK) {
        diag_list_free(store_diags(s));
        diag_list_init(store_diags(s));
    }
    const char *outcome = cli_outcome_name(code);
    /* The configuration digest is the one the run recorded in its options
     * (runtime/run.c): the mig.yaml as it was when the run started. */
    val_t *cd = r.options ? val_map_get(r.options, "config_digest", 13) : NULL;
    audit_entry_t e = { .action = action, .run = run,
                        .plan_digest = r.plan_digest,
                        .config_digest = cd && val_type(cd) == VAL_STRING
                                         ? val_get_str(cd, NULL) : NULL,
                        .detail = detail, .outcome = outcome };
    if (st == MIG_OK)
        st = audit_append(s, key, &e, &diags);
    if (st != MIG_OK) {
        cli_render_diags(&diags);
        fprintf(stderr, "mig %s: warning: its entry could not be appended to "
                "the audit trail of '%s'\n", action, state_path);
    }
    diag_list_free(&diags);
    store_run_clear(&r);
    store_close(s);
}

/* ---- keygen --------------------------------------------------------------- */

/* The default key file, AUDIT_KEY_DEFAULT under $XDG_CONFIG_HOME or
 * ~/.config, into BUF; false when neither is set. */
static bool default_key_path(char *buf, size_t cap)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(buf, cap, "%s/" AUDIT_KEY_DEFAULT, xdg);
    else if (home && *home)
        snprintf(buf, cap, "%s/.config/" AUDIT_KEY_DEFAULT, home);
    else
        return false;
    return true;
}

static int keygen(const cli_cmd_t *cmd, const cli_args_t *a)
{
    const char *out = cli_value(cmd, a, "output");
    char path[4096];
    if (!out && !default_key_path(path, sizeof path)) {
        fprintf(stderr, "mig audit keygen: error: neither $XDG_CONFIG_HOME "
                "nor $HOME is set\nhint: give the key file: mig audit keygen "
                "-o FILE\n");
        return EXIT_USAGE;
    }
    if (out)
        snprintf(path, sizeof path, "%s", out);
    diag_list_t diags;
    diag_list_init(&diags);
    char id[AUDIT_KEY_HEX];
    mig_status_t st = audit_keygen(path, id, &diags);
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (st != MIG_OK)
        return st == MIG_EINVALID ? EXIT_REFUSED : EXIT_USAGE;
    printf("wrote the audit key %s (secret, mode 0600) and %s.pub\n"
           "public key: %s\n", path, path, id);
    return EXIT_CLEAN;
}

/* ---- verify ----------------------------------------------------------------- */

static int verify(const cli_cmd_t *cmd, const cli_args_t *a)
{
    diag_list_t diags;
    diag_list_init(&diags);
    audit_key_t *trusted = NULL;
    if (audit_key_find(cli_value(cmd, a, "key"), &diags, &trusted) != MIG_OK)
        return cli_finish_store(NULL, &diags, EXIT_USAGE);
    store_t *s = NULL;
    int rc = cli_open_store(cmd, a, STORE_READONLY, &s, &diags);
    audit_report_t r;
    mig_status_t st = rc == EXIT_CLEAN ? audit_verify(s, trusted, &r) : MIG_OK;
    if (rc == EXIT_CLEAN && st != MIG_OK)
        rc = cli_store_exit(st);
    if (rc == EXIT_CLEAN) {
        if (r.problem != AUDIT_NONE) {
            printf("audit trail: %s at entry %" PRId64 ": %s\n",
                   audit_problem_name(r.problem), r.bad, r.message);
            rc = EXIT_ATTENTION;
        } else {
            printf("audit trail: %" PRId64 " entr%s, chain intact\n",
                   r.entries, r.entries == 1 ? "y" : "ies");
            if (!r.head)
                printf("head: unsigned (no entry was appended with a "
                       "signing key): a cut tail would not be seen\n");
            else
                printf("head: entry %" PRId64 ", signed by key %s (%s)\n",
                       r.head_seq, r.head_key, r.key_checked
                       ? "the trusted key" : "not checked against a trusted "
                         "key: pass --key");
            if (r.head && r.unsigned_after)
                printf("note: %" PRId64 " entr%s after the signed head were "
                       "appended without a key\n", r.unsigned_after,
                       r.unsigned_after == 1 ? "y" : "ies");
        }
    }
    audit_key_free(trusted);
    return cli_finish_store(s, &diags, rc);
}

/* ---- export ------------------------------------------------------------------ */

/* (cli.h) */
bool cli_parse_since(const char *text, int64_t *ms)
{
    int64_t age;
    if (cli_parse_age(text, &age)) {
        *ms = store_now_ms() - age;
        return true;
    }
    struct tm tm = { 0 };
    const char *rest = strptime(text, "%Y-%m-%d", &tm);
    if (rest && *rest == 'T')
        rest = strptime(rest, "T%H:%M:%SZ", &tm);
    if (!rest || *rest)
        return false;
    *ms = (int64_t)timegm(&tm) * 1000;
    return true;
}

typedef struct export {
    bool json;
    mig_status_t st;
} export_t;

static bool put(val_t *m, const char *key, val_t *v)
{
    return v && val_map_set_take(m, key, strlen(key), v) == MIG_OK;
}

static val_t *text_or_null(const char *s)
{
    return s ? cli_json_text(s) : val_null();
}

/* Entry E as the JSON object of docs/audit.md, "Export". */
static val_t *entry_value(const store_audit_t *e)
{
    char at[40];
    cli_iso_time(e->at_ms, true, at);
    val_t *detail = NULL;
    if (e->detail) {
        diag_list_t d;
        diag_list_init(&d);
        src_t *src = src_from_memory("detail", e->detail, strlen(e->detail));
        if (!src || val_from_json(src, &d, &detail) != MIG_OK)
            detail = cli_json_text(e->detail);
        src_free(src);
        diag_list_free(&d);
    }
    val_t *m = val_map_new(14);
    bool ok = m && put(m, "seq", val_int(e->seq)) && put(m, "at", val_cstring(at))
        && put(m, "user", text_or_null(e->user))
        && put(m, "host", text_or_null(e->host))
        && put(m, "pid", val_int(e->pid))
        && put(m, "action", text_or_null(e->action))
        && put(m, "run", e->run ? val_int(e->run) : val_null())
        && put(m, "plan_digest", text_or_null(e->plan_digest))
        && put(m, "config_digest", text_or_null(e->config_digest))
        && put(m, "detail", detail ? detail : val_null())
        && put(m, "outcome", text_or_null(e->outcome))
        && put(m, "key_id", text_or_null(e->key_id))
        && put(m, "prev", text_or_null(e->prev))
        && put(m, "hash", text_or_null(e->hash));
    if (!ok) {
        val_unref(m);
        return NULL;
    }
    return m;
}

static bool export_entry(void *data, const store_audit_t *e)
{
    export_t *x = data;
    if (!x->json) {
        char at[40];
        cli_iso_time(e->at_ms, false, at);
        printf("%" PRId64 "  %s  %s@%s pid %" PRId64 "  %s", e->seq, at,
               e->user ? e->user : "?", e->host ? e->host : "?", e->pid,
               e->action ? e->action : "?");
        if (e->run)
            printf(" (run %" PRId64 ")", e->run);
        printf("  %s\n", e->outcome ? e->outcome : "?");
        return true;
    }
    val_t *v = entry_value(e);
    x->st = v ? cli_print_json(v, false) : MIG_ENOMEM;
    val_unref(v);
    return x->st == MIG_OK;
}

static int export(const cli_cmd_t *cmd, const cli_args_t *a)
{
    const char *since = cli_value(cmd, a, "since");
    int64_t since_ms = 0;
    if (since && !cli_parse_since(since, &since_ms)) {
        fprintf(stderr, "mig audit export: error: --since takes a UTC time "
                "(2026-12-07 or 2026-12-07T10:00:00Z) or an age (90m, 12h, "
                "30d), not '%s'\n", since);
        return EXIT_USAGE;
    }
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    int rc = cli_open_store(cmd, a, STORE_READONLY, &s, &diags);
    export_t x = { .json = cli_value(cmd, a, "json") != NULL };
    mig_status_t st = rc == EXIT_CLEAN
        ? store_audit_each(s, since_ms, export_entry, &x) : MIG_OK;
    if (st == MIG_OK)
        st = x.st;
    if (st == MIG_ENOMEM)
        diag_add(&diags, DIAG_ERROR, NULL, NULL, "out of memory");
    if (rc == EXIT_CLEAN)
        rc = cli_store_exit(st);
    return cli_finish_store(s, &diags, rc);
}

/* ---- the command ------------------------------------------------------------- */

/* Each subcommand and the options it takes (the others are refused). */
static const struct {
    const char *name;
    int (*run)(const cli_cmd_t *cmd, const cli_args_t *a);
    const char *opts[4];
} audit_subs[] = {
    { "keygen", keygen, { "output" } },
    { "verify", verify, { "key", "state" } },
    { "export", export, { "since", "json", "state" } },
};

int cmd_audit(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *sub = args->operands[0];
    for (size_t i = 0; i < sizeof audit_subs / sizeof *audit_subs; i++) {
        if (strcmp(sub, audit_subs[i].name) != 0)
            continue;
        for (int o = 0; cmd->opts[o].name; o++) {
            bool allowed = strcmp(cmd->opts[o].name, "help") == 0;
            for (int k = 0; k < 4 && audit_subs[i].opts[k]; k++)
                allowed = allowed || strcmp(cmd->opts[o].name,
                                            audit_subs[i].opts[k]) == 0;
            if (!allowed && args->values[o]) {
                fprintf(stderr, "mig audit %s: error: --%s does not apply "
                        "here\nRun 'mig help audit' for the options of each "
                        "subcommand.\n", sub, cmd->opts[o].name);
                return EXIT_USAGE;
            }
        }
        return audit_subs[i].run(cmd, args);
    }
    fprintf(stderr, "mig audit: error: no subcommand '%s': keygen, verify or "
            "export\n", sub);
    return EXIT_USAGE;
}
