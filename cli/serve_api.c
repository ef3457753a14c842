/* serve_api.c: the HTTP API of `mig serve --state` (docs/api.md): the
 * rows of its route table and their handlers. Reads open the state store
 * read-only for the request and answer the JSON `mig status --json` and
 * `mig history --json` print; what changes something (rollback, resume)
 * and the health check run this mig's own command in a child process, so
 * that they take the same locks and append the same audit entries as
 * from a terminal. The events stream is serve_events.c's. */
#define _GNU_SOURCE     /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "metrics.h"
#include "serve.h"

extern char **environ;

/* The most a child's standard output or error is kept of (the rest is
 * read and dropped). */
#define API_OUTPUT_MAX (1024 * 1024)
/* GET /v1/runs?limit=: its bounds and default. */
#define API_LIMIT_MAX 500
#define API_LIMIT_DEFAULT 50

struct cli_api;
static void api_fill_routes(struct cli_api *api);

/* The routes' count (API_ROUTES, at the end). */
#define API_N_ROUTES 8

struct cli_api {
    char *state;
    char exe[PATH_MAX];         /* this mig (/proc/self/exe) */
    serve_route_t routes[API_N_ROUTES];     /* their data: this api */
};

cli_api_t *cli_api_new(const char *state)
{
    cli_api_t *api = calloc(1, sizeof *api);
    if (!api || !(api->state = strdup(state))) {
        free(api);
        return NULL;
    }
    ssize_t n = readlink("/proc/self/exe", api->exe, sizeof api->exe - 1);
    api->exe[n > 0 ? n : 0] = '\0';
    api_fill_routes(api);
    return api;
}

void cli_api_free(cli_api_t *api)
{
    if (!api)
        return;
    free(api->state);
    free(api);
}

const char *cli_api_state(const cli_api_t *api)
{
    return api->state;
}

/* ---- what the handlers share ---------------------------------------------- */

/* Reads TEXT (LEN bytes) as JSON into *OUT: MIG_OK, MIG_EINVALID with
 * "LINE:COL: message" in WHY, or MIG_ENOMEM. */
static mig_status_t parse_json(const char *text, size_t len, val_t **out,
                               char why[256])
{
    src_t *src = src_from_memory("body", text, len);
    diag_list_t d;
    diag_list_init(&d);
    *out = NULL;
    mig_status_t st = src ? val_from_json(src, &d, out) : MIG_ENOMEM;
    if (st == MIG_EINVALID)
        snprintf(why, 256, "%u:%u: %s", d.len ? d.items[0].span.line : 1,
                 d.len ? d.items[0].span.col : 1,
                 d.len ? d.items[0].message : "empty");
    diag_list_free(&d);
    src_free(src);
    return st;
}

/* Answers 500 with the first of DIAGS (or WHAT) and frees them. */
static mig_status_t fail_diags(serve_resp_t *resp, diag_list_t *diags,
                               const char *what)
{
    mig_status_t st = serve_reply_error(resp, SERVE_ERR_INTERNAL, NULL, "%s",
                                        diags->len ? diags->items[0].message
                                                   : what);
    diag_list_free(diags);
    return st;
}

/* Opens the store read-only and finds the run of the {id} segment ("3" or
 * "last") in it: true with *S and *ID set, else the answer made (404 no
 * such run, 500 a store that cannot be read) in RESP, *ST its status. */
static bool open_run(const cli_api_t *api, serve_req_t *req,
                     serve_resp_t *resp, store_t **s, int64_t *id,
                     mig_status_t *st)
{
    diag_list_t diags;
    diag_list_init(&diags);
    *s = NULL;
    *st = MIG_OK;
    if (store_open(api->state, STORE_READONLY, &diags, s) != MIG_OK) {
        *st = fail_diags(resp, &diags, "the state store cannot be read");
        return false;
    }
    const char *text = serve_req_param(req, "id");
    int rc = cli_run_id(*s, text ? text : "", id, &diags);
    if (rc == EXIT_CLEAN) {
        diag_list_free(&diags);
        return true;
    }
    if (rc == EXIT_STORE)
        *st = fail_diags(resp, &diags, "the state store cannot be read");
    else {
        *st = serve_reply_error(resp, SERVE_ERR_NOT_FOUND, NULL, "%s",
                                diags.len ? diags.items[0].message
                                          : "no such run");
        diag_list_free(&diags);
    }
    store_close(*s);
    *s = NULL;
    return false;
}

/* Answers 500 for the store S failing with ST (its diagnostics), or
 * out of memory; closes S. */
static mig_status_t fail_store(store_t *s, serve_resp_t *resp, mig_status_t st)
{
    diag_list_t diags;
    diag_list_init(&diags);
    if (s)
        diag_list_move(&diags, store_diags(s));
    store_close(s);
    if (st == MIG_ENOMEM)
        return st;
    return fail_diags(resp, &diags, "the state store cannot be read");
}

/* What a read ends with: 200 with BODY when ST is MIG_OK, else the
 * store's failure (fail_store); S is closed either way. */
static mig_status_t answer_json(store_t *s, serve_resp_t *resp,
                                mig_status_t st, const val_t *body)
{
    if (st != MIG_OK)
        return fail_store(s, resp, st);
    store_close(s);
    return serve_reply_json(resp, 200, body);
}

/* ---- GET /v1/runs, /v1/runs/{id}, /v1/runs/{id}/checkpoints ---------------- */

static mig_status_t get_runs(serve_req_t *req, serve_resp_t *resp,
                             const void *data)
{
    const cli_api_t *api = data;
    const char *lim = serve_req_query(req, "limit");
    uint64_t limit = API_LIMIT_DEFAULT;
    if (lim && !cli_parse_count(lim, 1, API_LIMIT_MAX, &limit))
        return serve_reply_error(resp, SERVE_ERR_BAD_REQUEST, NULL, "limit "
                                 "takes a whole number from 1 to %d, not "
                                 "'%.40s'", API_LIMIT_MAX, lim);
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    if (store_open(api->state, STORE_READONLY, &diags, &s) != MIG_OK)
        return fail_diags(resp, &diags, "the state store cannot be read");
    diag_list_free(&diags);
    store_run_t *runs = NULL;
    size_t n = 0;
    mig_status_t st = store_run_list(s, (size_t)limit, &runs, &n);
    val_t *items = st == MIG_OK ? val_list_new(n) : NULL;
    if (st == MIG_OK && !items)
        st = MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        val_t *v = cli_run_value(s, &runs[i],
                                 store_run_liveness(s, &runs[i]), false, &st);
        if (v)
            st = val_list_push_take(items, v);
    }
    store_runs_free(runs, n);
    val_t *body = st == MIG_OK ? val_map_new(1) : NULL;
    if (st == MIG_OK && (!body || val_map_set_take(body, "items", 5,
                                                   val_ref(items)) != MIG_OK))
        st = MIG_ENOMEM;
    val_unref(items);
    st = answer_json(s, resp, st, body);
    val_unref(body);
    return st;
}

static mig_status_t get_run(serve_req_t *req, serve_resp_t *resp,
                            const void *data)
{
    store_t *s;
    int64_t id;
    mig_status_t st;
    if (!open_run(data, req, resp, &s, &id, &st))
        return st;
    store_run_t r;
    val_t *v = NULL;
    if ((st = store_run_get(s, id, &r)) == MIG_OK) {
        v = cli_run_value(s, &r, store_run_liveness(s, &r), true, &st);
        store_run_clear(&r);
    }
    st = answer_json(s, resp, st, v);
    val_unref(v);
    return st;
}

static mig_status_t get_checkpoints(serve_req_t *req, serve_resp_t *resp,
                                    const void *data)
{
    store_t *s;
    int64_t id;
    mig_status_t st;
    if (!open_run(data, req, resp, &s, &id, &st))
        return st;
    val_t *items = cli_checkpoints_value(s, id, &st), *body = NULL;
    if (st == MIG_OK
        && (!(body = val_map_new(2))
            || val_map_set_take(body, "run", 3, val_int(id)) != MIG_OK
            || val_map_set_take(body, "items", 5, val_ref(items)) != MIG_OK))
        st = MIG_ENOMEM;
    st = answer_json(s, resp, st, body);
    val_unref(items);
    val_unref(body);
    return st;
}

/* ---- the events: GET /v1/runs/{id}/events ------------------------------------ */

static mig_status_t get_events(serve_req_t *req, serve_resp_t *resp,
                               const void *data)
{
    const cli_api_t *api = data;
    store_t *s;
    int64_t id;
    mig_status_t st;
    if (!open_run(api, req, resp, &s, &id, &st))
        return st;
    store_close(s);
    /* Where to begin: after the event the client last saw (an SSE
     * client's reconnection says it in Last-Event-ID), else ?after=. */
    const char *after = serve_req_header(req, "Last-Event-ID");
    if (!after)
        after = serve_req_query(req, "after");
    uint64_t from = 0;
    if (after && !cli_parse_count(after, 0, INT64_MAX, &from))
        return serve_reply_error(resp, SERVE_ERR_BAD_REQUEST, NULL, "after "
                                 "(or Last-Event-ID) takes an event's seq, "
                                 "a whole number, not '%.40s'", after);
    cli_events_t *ev = cli_events_new(api->state, id, (int64_t)from);
    if (!ev)
        return MIG_ENOMEM;
    st = serve_reply_header(resp, "Cache-Control", "no-cache");
    if (st == MIG_OK)
        st = serve_reply_stream(resp, 200, "text/event-stream",
                                cli_events_next, ev, cli_events_free);
    else
        cli_events_free(ev);
    return st;
}

/* ---- the commands run in a child: rollback, resume, doctor -------------------- */

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
    if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
        snprintf(why, 160, "cannot make a pipe: %s", strerror(errno));
        for (int i = 0; i < 2; i++) {
            if (po[i] >= 0)
                close(po[i]);
        }
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
    int err = posix_spawn(&pid, api->exe, &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
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

/* The options a POST body may give, each a JSON boolean (true adds the
 * flag) or, for "to", a string (the flag and its value). */
typedef struct post_opt {
    const char *key, *flag;
    bool text;
} post_opt_t;

static const post_opt_t rollback_opts[] = {
    { .key = "to", .flag = "--to", .text = true },
    { .key = "force", .flag = "--force" },
    { .key = "break_lock", .flag = "--break-lock" },
    { 0 },
};

static const post_opt_t resume_opts[] = {
    { .key = "failed_only", .flag = "--failed-only" },
    { .key = "allow_changed_plan", .flag = "--allow-changed-plan" },
    { .key = "force", .flag = "--force" },
    { .key = "break_lock", .flag = "--break-lock" },
    { 0 },
};

/* Reads the body of REQ (empty, or a JSON object of the keys of OPTS)
 * into ARGV from *N on: true, or false with a 400 (not JSON) or 422 (a
 * key not taken, a value of the wrong type) made in RESP. */
static bool read_post(serve_req_t *req, const post_opt_t *opts, char **argv,
                      size_t *n, val_t **body, serve_resp_t *resp,
                      mig_status_t *st)
{
    size_t len;
    const char *text = serve_req_body(req, &len);
    *body = NULL;
    if (len == 0)
        return true;
    char why[256];
    if ((*st = parse_json(text, len, body, why)) != MIG_OK) {
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
        const post_opt_t *o = opts;
        while (o->key && strcmp(o->key, key) != 0)
            o++;
        bool ok = o->key && (o->text ? val_type(v) == VAL_STRING
                                     : val_type(v) == VAL_BOOL);
        if (!ok) {
            *st = serve_reply_error(resp, SERVE_ERR_VALIDATION_FAILED, NULL,
                                    o->key ? "'%s' takes a %s"
                                           : "'%s' is not an option here%s",
                                    key, o->key ? (o->text ? "string"
                                                           : "boolean") : "");
            return false;
        }
        if (o->text) {
            argv[(*n)++] = (char *)o->flag;
            argv[(*n)++] = (char *)val_get_str(v, NULL);
        } else if (val_get_bool(v)) {
            argv[(*n)++] = (char *)o->flag;
        }
    }
    return true;
}

/* The answer of a command run in a child: {run, command, exit_status,
 * outcome, result (its --json output, or null), stderr}. */
static val_t *child_value(int64_t id, const char *command, int code,
                          strbuf_t out[2])
{
    val_t *m = val_map_new(6), *result = NULL;
    char why[256];
    if (out[0].len && parse_json(out[0].data, out[0].len, &result, why)
                          != MIG_OK)
        result = NULL;
    bool ok = m
        && val_map_set_take(m, "run", 3, val_int(id)) == MIG_OK
        && val_map_set_take(m, "command", 7, val_cstring(command)) == MIG_OK
        && val_map_set_take(m, "exit_status", 11, val_int(code)) == MIG_OK
        && val_map_set_take(m, "outcome", 7,
                            val_cstring(cli_outcome_name(code))) == MIG_OK
        && val_map_set_take(m, "result", 6,
                            result ? result : val_null()) == MIG_OK
        && val_map_set_take(m, "stderr", 6,
                            cli_json_text(out[1].data ? out[1].data : ""))
               == MIG_OK;
    if (!ok) {
        val_unref(m);
        return NULL;
    }
    return m;
}

/* POST /v1/runs/{id}/COMMAND: `mig COMMAND ID --state S --json` and the
 * options of the body. */
static mig_status_t post_command(serve_req_t *req, serve_resp_t *resp,
                                 const cli_api_t *api, const char *command,
                                 const post_opt_t *opts)
{
    store_t *s;
    int64_t id;
    mig_status_t st;
    if (!open_run(api, req, resp, &s, &id, &st))
        return st;
    store_close(s);
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    char *argv[16] = { NULL, (char *)command, idtext, "--state", api->state,
                       "--json" };
    size_t n = 6;
    val_t *body;
    if (!read_post(req, opts, argv, &n, &body, resp, &st)) {
        val_unref(body);
        return st;
    }
    strbuf_t out[2];
    strbuf_init(&out[0]);
    strbuf_init(&out[1]);
    int code = -1;
    char why[160];
    st = run_child(api, argv, &code, out, why);
    val_unref(body);
    val_t *v = st == MIG_OK ? child_value(id, command, code, out) : NULL;
    if (st == MIG_EIO)
        st = serve_reply_error(resp, SERVE_ERR_INTERNAL, NULL, "%s", why);
    else if (st == MIG_OK && !v)
        st = MIG_ENOMEM;
    else if (st == MIG_OK && code == EXIT_REFUSED)
        st = serve_reply_error(resp, SERVE_ERR_CONFLICT, v, "mig %s %s was "
                               "refused: %s", command, idtext,
                               out[1].data ? out[1].data : "");
    else if (st == MIG_OK)
        st = serve_reply_json(resp, 200, v);
    val_unref(v);
    strbuf_free(&out[0]);
    strbuf_free(&out[1]);
    return st;
}

static mig_status_t post_rollback(serve_req_t *req, serve_resp_t *resp,
                                  const void *data)
{
    return post_command(req, resp, data, "rollback", rollback_opts);
}

static mig_status_t post_resume(serve_req_t *req, serve_resp_t *resp,
                                const void *data)
{
    return post_command(req, resp, data, "resume", resume_opts);
}

/* GET /v1/health: `mig doctor --json`'s object; 200 healthy, 503 when a
 * finding needs attention. */
static mig_status_t get_health(serve_req_t *req, serve_resp_t *resp,
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
        && parse_json(out[0].data ? out[0].data : "", out[0].len, &v, jwhy)
               == MIG_OK)
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

/* ---- GET /metrics ---------------------------------------------------------- */

static mig_status_t get_metrics(serve_req_t *req, serve_resp_t *resp,
                                const void *data)
{
    const cli_api_t *api = data;
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    if (store_open(api->state, STORE_READONLY, &diags, &s) != MIG_OK)
        return fail_diags(resp, &diags, "the state store cannot be read");
    diag_list_free(&diags);
    strbuf_t text;
    strbuf_init(&text);
    mig_status_t st = metrics_render(s, &text);
    if (st == MIG_OK) {
        serve_req_metrics(req, &text);
        st = text.oom ? MIG_ENOMEM
                      : serve_reply_text(resp, 200, "text/plain; "
                                         "version=0.0.4; charset=utf-8",
                                         text.data, text.len);
        store_close(s);
    } else {
        st = fail_store(s, resp, st);
    }
    strbuf_free(&text);
    return st;
}

/* ---- the table -------------------------------------------------------------- */

/* One row per route (docs/api.md). A route of another layer's (the
 * snapshots': GET /v1/snapshots, POST /v1/snapshots/{id}/restore) is one
 * more row here with its handler. */
#define API_ROUTES(X)                                                         \
    X("GET", "/v1/runs", false, get_runs)                                    \
    X("GET", "/v1/runs/{id}", false, get_run)                                \
    X("GET", "/v1/runs/{id}/events", false, get_events)                      \
    X("GET", "/v1/runs/{id}/checkpoints", false, get_checkpoints)            \
    X("POST", "/v1/runs/{id}/rollback", true, post_rollback)                 \
    X("POST", "/v1/runs/{id}/resume", true, post_resume)                     \
    X("GET", "/v1/health", false, get_health)                                \
    X("GET", "/metrics", false, get_metrics)

#define API_ROUTE_COUNT(m, p, c, h) +1
_Static_assert(0 API_ROUTES(API_ROUTE_COUNT) == API_N_ROUTES,
               "API_N_ROUTES counts the rows of API_ROUTES");
#undef API_ROUTE_COUNT

static void api_fill_routes(cli_api_t *api)
{
    size_t i = 0;
#define API_ROUTE_ROW(m, p, c, h)                                             \
    api->routes[i++] = (serve_route_t){ .method = m, .path = p,              \
                                        .changes = c, .handler = h,          \
                                        .data = api };
    API_ROUTES(API_ROUTE_ROW)
#undef API_ROUTE_ROW
}

mig_status_t cli_api_routes(cli_api_t *api, serve_t *s)
{
    return serve_add_routes(s, api->routes, API_N_ROUTES);
}
