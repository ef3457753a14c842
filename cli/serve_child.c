/* serve_child.c: the requests of the HTTP API (docs/api.md) that run this
 * mig's own command in a child process, to its end: rollback and resume
 * of a run, the snapshots' create, restore and prune, and the health
 * check (mig doctor). The same code as from a terminal, so the same locks
 * and checks; the child appends no audit entry of its own
 * (CLI_AUDIT_PARENT_ENV): the request's one entry is the server's, told
 * the command's action and outcome through the request's note. */
#define _GNU_SOURCE     /* pipe2 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "serve_api_int.h"

extern char **environ;

/* The most a child's standard output or error is kept of (the rest is
 * read and dropped). */
#define API_OUTPUT_MAX (1024 * 1024)
/* The most words a child's command line has: mig, the command's words,
 * --state S --json, and two for each option. */
#define API_ARGV_MAX 24

/* Reads the pipes FDS[0] (stdout) and FDS[1] (stderr) of a child to their
 * ends into OUT[0] and OUT[1], API_OUTPUT_MAX bytes each at most. */
static void read_pipes(int fds[2], strbuf_t out[2])
{
    struct pollfd p[2] = { { .fd = fds[0], .events = POLLIN },
                           { .fd = fds[1], .events = POLLIN } };
    int open = 2;
    char buf[8192];
    while (open > 0) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(p[i].fd, buf, sizeof buf);
            if (n > 0 && out[i].len + (size_t)n <= API_OUTPUT_MAX)
                strbuf_put(&out[i], buf, (size_t)n);
            if (n == 0 || (n < 0 && errno != EINTR)) {
                close(p[i].fd);
                p[i].fd = -1;
                open--;
            }
        }
    }
}

/* This process's environment, without CLI_AUDIT_PARENT_ENV, and with it
 * set to this process's pid (so the child leaves its entry to us): a
 * malloc'd array (the strings borrowed but the last, in MINE), or NULL
 * when out of memory. */
static char **child_environ(char mine[64])
{
    size_t n = 0, k = 0, len = strlen(CLI_AUDIT_PARENT_ENV);
    while (environ[n])
        n++;
    char **env = malloc((n + 2) * sizeof(*env));
    if (!env)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], CLI_AUDIT_PARENT_ENV, len) != 0
            || environ[i][len] != '=')
            env[k++] = environ[i];
    snprintf(mine, 64, "%s=%ld", CLI_AUDIT_PARENT_ENV, (long)getpid());
    env[k++] = mine;
    env[k] = NULL;
    return env;
}

/* Runs this mig with ARGV (ARGV[0] is replaced) to its end: *CODE its
 * exit status (-1: killed by a signal), OUT its standard output and
 * error. MIG_OK, MIG_EIO (it could not be started; why in WHY) or
 * MIG_ENOMEM. */
static mig_status_t run_child(const cli_api_t *api, char **argv, int *code,
                              strbuf_t out[2], char why[160])
{
    int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
    if (!api->exe[0]) {
        snprintf(why, 160, "mig's own path is not known");
        return MIG_EIO;
    }
    char mine[64];
    char **env = child_environ(mine);
    if (!env)
        return MIG_ENOMEM;
    if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
        snprintf(why, 160, "cannot make a pipe: %s", strerror(errno));
        for (int i = 0; i < 2; i++) {
            if (po[i] >= 0)
                close(po[i]);
        }
        free(env);
        return MIG_EIO;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    /* The server blocks its stop signals in every thread; the child gets
     * the ordinary mask back. */
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    argv[0] = (char *)api->exe;
    pid_t pid;
    int err = posix_spawn(&pid, api->exe, &fa, &attr, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    free(env);
    close(po[1]);
    close(pe[1]);
    if (err) {
        close(po[0]);
        close(pe[0]);
        snprintf(why, 160, "cannot start %.100s: %s", api->exe, strerror(err));
        return MIG_EIO;
    }
    int fds[2] = { po[0], pe[0] };
    read_pipes(fds, out);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
        ;
    *code = WIFEXITED(wst) ? WEXITSTATUS(wst) : -1;
    return out[0].oom || out[1].oom ? MIG_ENOMEM : MIG_OK;
}

/* ---- the body of a POST ------------------------------------------------------ */

/* What the options of a body make: the command line's words (pointing
 * into the body and NUMS), and the audit entry's detail. */
typedef struct post_args {
    char *argv[API_ARGV_MAX];
    size_t n;
    char nums[4][24];
    size_t n_nums;
    val_t *detail;
} post_args_t;

static const char *const opt_kind_names[] = {
    [API_OPT_BOOL] = "boolean", [API_OPT_TEXT] = "string",
    [API_OPT_COUNT] = "whole number",
};

/* Whether V is what an option of KIND takes. */
static bool opt_fits(api_opt_kind_t kind, const val_t *v)
{
    return kind == API_OPT_BOOL ? val_type(v) == VAL_BOOL
         : kind == API_OPT_TEXT ? val_type(v) == VAL_STRING
         : val_is_int(v) && val_get_int(v) >= 0;
}

/* Adds option O with value V to A: its flag (and its value), and the
 * detail's key (the flag without its dashes, as the CLI's entries have
 * it). */
static mig_status_t add_opt(post_args_t *a, const api_opt_t *o,
                            const val_t *v)
{
    if (o->kind == API_OPT_BOOL && !val_get_bool(v))
        return MIG_OK;
    const char *value = NULL;
    if (o->kind == API_OPT_TEXT)
        value = val_get_str(v, NULL);
    else if (o->kind == API_OPT_COUNT) {
        assert(a->n_nums < 4);
        snprintf(a->nums[a->n_nums], 24, "%" PRId64, val_get_int(v));
        value = a->nums[a->n_nums++];
    }
    assert(a->n + 3 < API_ARGV_MAX);
    a->argv[a->n++] = (char *)o->flag;
    if (value)
        a->argv[a->n++] = (char *)value;
    return val_map_set(a->detail, o->flag + 2, strlen(o->flag + 2),
                       (val_t *)v);
}

/* Reads the body of REQ (empty, or a JSON object of the keys of OPTS)
 * into A: true, or false with a 400 (not JSON) or 422 (a key not taken,
 * a value of the wrong type) made in RESP and *ST its status. *BODY
 * holds the strings A points to. */
static bool read_post(serve_req_t *req, const api_opt_t *opts,
                      post_args_t *a, val_t **body, serve_resp_t *resp,
                      mig_status_t *st)
{
    size_t len;
    const char *text = serve_req_body(req, &len);
    *body = NULL;
    if (len == 0)
        return true;
    char why[256];
    if ((*st = api_parse_json(text, len, body, why)) != MIG_OK) {
        if (*st == MIG_EINVALID)
            *st = serve_reply_error(resp, SERVE_ERR_BAD_REQUEST, NULL,
                                    "the body is not JSON: %s", why);
        return false;
    }
    if (val_type(*body) != VAL_MAP) {
        *st = serve_reply_error(resp, SERVE_ERR_VALIDATION_FAILED, NULL,
                                "the body must be a JSON object");
        return false;
    }
    for (size_t i = 0; i < val_len(*body); i++) {
        const char *key = val_get_str(val_map_key(*body, i), NULL);
        const val_t *v = val_map_value(*body, i);
        const api_opt_t *o = opts;
        while (o->key && strcmp(o->key, key) != 0)
            o++;
        if (!o->key || !opt_fits(o->kind, v)) {
            *st = serve_reply_error(resp, SERVE_ERR_VALIDATION_FAILED, NULL,
                                    o->key ? "'%s' takes a %s"
                                           : "'%s' is not an option here%s",
                                    key, o->key ? opt_kind_names[o->kind]
                                                : "");
            return false;
        }
        if ((*st = add_opt(a, o, v)) != MIG_OK)
            return false;
    }
    return true;
}

/* ---- the answer --------------------------------------------------------------- */

static bool put(val_t *m, const char *key, val_t *v)
{
    return v && val_map_set_take(m, key, strlen(key), v) == MIG_OK;
}

/* The answer of C run in a child: {C's key, command (its action, a
 * space for the dash: "snapshot restore"), exit_status, outcome, result
 * (its --json output, or null), stderr}; RESULT borrowed. */
static val_t *child_value(const api_command_t *c, int code,
                          const val_t *result, strbuf_t out[2])
{
    char command[32];
    snprintf(command, sizeof command, "%s", c->action);
    char *dash = strchr(command, '-');
    if (dash)
        *dash = ' ';
    val_t *m = val_map_new(6);
    bool ok = m
        && (!c->key || put(m, c->key, val_int(c->id)))
        && put(m, "command", val_cstring(command))
        && put(m, "exit_status", val_int(code))
        && put(m, "outcome", val_cstring(cli_outcome_name(code)))
        && put(m, "result", result ? val_ref((val_t *)result) : val_null())
        && put(m, "stderr", cli_json_text(out[1].data ? out[1].data : ""));
    if (!ok) {
        val_unref(m);
        return NULL;
    }
    return m;
}

/* The request's audit note (serve_req_set_note): the command's action,
 * its run (C's id when it names a run, else the run the command made,
 * as its result says), its outcome and DETAIL (taken). */
static void leave_note(serve_req_t *req, const api_command_t *c, int code,
                       const val_t *result, val_t *detail)
{
    const val_t *made = result && val_type(result) == VAL_MAP
                        ? val_map_get(result, "run", 3) : NULL;
    int64_t run = c->key && strcmp(c->key, "run") == 0 ? c->id
                : made && val_is_int(made) ? val_get_int(made) : 0;
    if (detail && c->operand && !put(detail, "operand",
                                     cli_json_text(c->operand))) {
        val_unref(detail);
        detail = NULL;
    }
    val_t *note = val_map_new(4);
    if (note && put(note, "action", val_cstring(c->action))
        && put(note, "run", val_int(run))
        && put(note, "outcome", val_cstring(cli_outcome_name(code)))
        && (!detail || put(note, "detail", val_ref(detail))))
        serve_req_set_note(req, note);
    else
        val_unref(note);
    val_unref(detail);
}

/* Answers 409 for C refused (exit status 6): "mig WORDS... was refused:
 * STDERR", the answer V as its detail. */
static mig_status_t refused(serve_resp_t *resp, const api_command_t *c,
                            const val_t *v, const char *err)
{
    char line[160] = "mig";
    size_t n = 3;
    for (size_t i = 0; c->words[i] && n < sizeof line; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, " %s", c->words[i]);
    return serve_reply_error(resp, SERVE_ERR_CONFLICT, v, "%s was refused: "
                             "%s", line, err);
}

mig_status_t api_post_command(serve_req_t *req, serve_resp_t *resp,
                              const cli_api_t *api, const api_command_t *c)
{
    post_args_t a = { .argv = { NULL }, .n = 1 };
    for (size_t i = 0; c->words[i]; i++)
        a.argv[a.n++] = (char *)c->words[i];
    a.argv[a.n++] = "--state";
    a.argv[a.n++] = api->state;
    a.argv[a.n++] = "--json";
    val_t *body = NULL;
    mig_status_t st = MIG_OK;
    if (!(a.detail = val_map_new(4)))
        return MIG_ENOMEM;
    if (!read_post(req, c->opts, &a, &body, resp, &st)) {
        val_unref(body);
        val_unref(a.detail);
        return st;
    }
    strbuf_t out[2];
    strbuf_init(&out[0]);
    strbuf_init(&out[1]);
    int code = -1;
    char why[160];
    st = run_child(api, a.argv, &code, out, why);
    val_t *result = NULL;
    char jwhy[256];
    if (st == MIG_OK && out[0].len
        && api_parse_json(out[0].data, out[0].len, &result, jwhy) != MIG_OK)
        result = NULL;
    val_t *v = st == MIG_OK ? child_value(c, code, result, out) : NULL;
    /* A command that could not be started ran nothing: the request's
     * entry is then an `http` one, failed (500). */
    if (st == MIG_OK)
        leave_note(req, c, code, result, a.detail);
    else
        val_unref(a.detail);
    if (st == MIG_EIO)
        st = serve_reply_error(resp, SERVE_ERR_INTERNAL, NULL, "%s", why);
    else if (st == MIG_OK && !v)
        st = MIG_ENOMEM;
    else if (st == MIG_OK && code == EXIT_REFUSED)
        st = refused(resp, c, v, out[1].data ? out[1].data : "");
    else if (st == MIG_OK)
        st = serve_reply_json(resp, 200, v);
    val_unref(v);
    val_unref(result);
    val_unref(body);
    strbuf_free(&out[0]);
    strbuf_free(&out[1]);
    return st;
}

/* ---- GET /v1/health ------------------------------------------------------------- */

/* `mig doctor --json`'s object; 200 healthy, 503 when a finding needs
 * attention. */
mig_status_t api_get_health(serve_req_t *req, serve_resp_t *resp,
                            const void *data)
{
    (void)req;
    const cli_api_t *api = data;
    char *argv[] = { NULL, "doctor", "--json", "--state", api->state, NULL };
    strbuf_t out[2];
    strbuf_init(&out[0]);
    strbuf_init(&out[1]);
    int code = -1;
    char why[160];
    mig_status_t st = run_child(api, argv, &code, out, why);
    val_t *v = NULL;
    char jwhy[256];
    if (st == MIG_OK && (code == EXIT_CLEAN || code == EXIT_ATTENTION)
        && api_parse_json(out[0].data ? out[0].data : "", out[0].len, &v,
                          jwhy) == MIG_OK)
        st = serve_reply_json(resp, code == EXIT_CLEAN ? 200 : 503, v);
    else if (st != MIG_ENOMEM)
        st = serve_reply_error(resp, SERVE_ERR_INTERNAL, NULL, "mig doctor "
                               "failed (exit status %d): %s", code,
                               st == MIG_EIO ? why : out[1].data
                               ? out[1].data : "");
    val_unref(v);
    strbuf_free(&out[0]);
    strbuf_free(&out[1]);
    return st;
}
