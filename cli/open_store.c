/* open_store.c: how the commands that read or write a state store find it
 * (--state, else .mig/state.db here or in the nearest parent, the way git
 * finds .git) and read a RUN operand ("3" or "last"). Shared by status,
 * history, log, report, export, run, resume and rollback. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define STATE_NAME ".mig/state.db"

/* Looks for STATE_NAME in the current directory and then each parent.
 * Returns the path found (new string), or NULL with *CWD holding the
 * directory the search started from ("" when even that is unknown). */
static char *find_state(char *cwd, size_t cap, bool *oom)
{
    *oom = false;
    if (!getcwd(cwd, cap)) {
        cwd[0] = '\0';
        return NULL;
    }
    size_t len = strlen(cwd);
    char *dir = strdup(cwd);
    char *path = dir ? malloc(len + sizeof "/" STATE_NAME) : NULL;
    if (!path) {
        free(dir);
        *oom = true;
        return NULL;
    }
    for (;;) {
        bool root = strcmp(dir, "/") == 0;
        sprintf(path, "%s/" STATE_NAME, root ? "" : dir);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            free(dir);
            return path;
        }
        char *slash = strrchr(dir, '/');
        if (root || !slash)
            break;
        slash[slash == dir ? 1 : 0] = '\0';
    }
    free(dir);
    free(path);
    return NULL;
}

/* The state store mig.yaml names (docs/configuration.md, "state"), the
 * file found from the current folder (as cli_config_use says): *PATH a
 * new string, or NULL when there is no mig.yaml or it names none.
 * Returns an exit code (EXIT_INVALID: errors in mig.yaml, in DIAGS). */
static int config_state(char **path, diag_list_t *diags)
{
    *path = NULL;
    config_t *cfg = NULL;
    int rc = cli_config_load(NULL, diags, &cfg);
    config_settings_t set;
    val_t *eff = NULL;
    if (rc == EXIT_CLEAN && config_effective(cfg, NULL, &set, &eff) != MIG_OK)
        rc = EXIT_USAGE;
    if (rc == EXIT_CLEAN && set.state_dir) {
        size_t n = strlen(set.state_dir);
        if ((*path = malloc(n + sizeof "/state.db")))
            sprintf(*path, "%s/state.db", set.state_dir);
        else
            rc = EXIT_USAGE;
    }
    if (rc == EXIT_CLEAN)
        config_settings_clear(&set);
    val_unref(eff);
    config_free(cfg);
    if (rc == EXIT_USAGE && !diags->errors)
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
    return rc;
}

int cli_state_path(const cli_cmd_t *cmd, const cli_args_t *a, unsigned flags,
                   char **path, diag_list_t *diags)
{
    *path = NULL;
    const char *given = cli_value(cmd, a, "state");
    char cwd[PATH_MAX];
    char *found = NULL;
    if (!given) {
        /* mig.yaml's state, when it names one, is where the runs are. */
        int rc = config_state(&found, diags);
        if (rc != EXIT_CLEAN)
            return rc;
    }
    if (!given && !found) {
        bool oom;
        found = find_state(cwd, sizeof cwd, &oom);
        if (oom) {
            diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
            return EXIT_USAGE;
        }
        if (!found && !(flags & STORE_CREATE)) {
            diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "no state "
                                 "store here: no " STATE_NAME " in %s or any "
                                 "directory above it", cwd[0] ? cwd
                                 : "the current directory");
            diag_hint(diags, d, "run the command where the plan ran, or pass "
                      "--state PATH");
            return EXIT_STORE;
        }
    }
    *path = found ? found : strdup(given ? given : STATE_NAME);
    if (!*path) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
        return EXIT_USAGE;
    }
    return EXIT_CLEAN;
}

int cli_open_store(const cli_cmd_t *cmd, const cli_args_t *a, unsigned flags,
                   store_t **out, diag_list_t *diags)
{
    *out = NULL;
    char *path;
    int rc = cli_state_path(cmd, a, flags, &path, diags);
    if (rc != EXIT_CLEAN)
        return rc;
    mig_status_t st = store_open(path, flags, diags, out);
    free(path);
    if (st == MIG_ENOMEM)
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
    return st == MIG_OK ? EXIT_CLEAN : st == MIG_ENOMEM ? EXIT_USAGE
                                                        : EXIT_STORE;
}

int cli_store_exit(mig_status_t st)
{
    return st == MIG_OK ? EXIT_CLEAN : st == MIG_EIO ? EXIT_STORE
                                                     : EXIT_USAGE;
}

int cli_run_id(store_t *s, const char *text, int64_t *id, diag_list_t *diags)
{
    *id = 0;
    if (strcmp(text, "last") == 0) {
        *id = store_run_last(s);
        if (*id < 0) {
            /* The store could not be read: it says why (damaged ...). */
            diag_list_move(diags, store_diags(s));
            *id = 0;
            return EXIT_STORE;
        }
        if (*id == 0) {
            diag_list_move(diags, store_diags(s));
            diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "there are no "
                                 "runs in this state store yet");
            diag_hint(diags, d, "'mig run PLAN' starts one");
            return EXIT_USAGE;
        }
        return EXIT_CLEAN;
    }
    char *end;
    errno = 0;
    long long v = text[0] >= '0' && text[0] <= '9' ? strtoll(text, &end, 10)
                                                   : -1;
    if (v <= 0 || errno || *end) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "RUN is a run id "
                             "(1, 2, ...) or 'last', not '%s'", text);
        diag_hint(diags, d, "`mig history` lists the runs");
        return EXIT_USAGE;
    }
    store_run_t run;
    mig_status_t st = store_run_get(s, v, &run);
    if (st != MIG_OK) {
        diag_list_move(diags, store_diags(s));
        return cli_store_exit(st);      /* no such run: a usage error */
    }
    store_run_clear(&run);
    *id = v;
    return EXIT_CLEAN;
}

int cli_open_run(const cli_cmd_t *cmd, const cli_args_t *a, const char *text,
                 store_t **s, int64_t *id, diag_list_t *diags)
{
    *id = 0;
    int rc = cli_open_store(cmd, a, STORE_READONLY, s, diags);
    return rc == EXIT_CLEAN ? cli_run_id(*s, text, id, diags) : rc;
}

/* (cli.h) */
void cli_state_beside(const cli_cmd_t *cmd, const cli_args_t *a,
                      const char *plan, const char *state_dir, strbuf_t *out)
{
    const char *given = cli_value(cmd, a, "state");
    strbuf_init(out);
    if (given) {
        strbuf_puts(out, given);
        return;
    }
    if (state_dir) {
        strbuf_printf(out, "%s/state.db", state_dir);
        return;
    }
    char *dir = cli_dir_of(plan);
    if (!dir) {
        out->oom = true;
        return;
    }
    strbuf_puts(out, dir);
    strbuf_puts(out, ".mig/state.db");
    free(dir);
}
