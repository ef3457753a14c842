/* serve_api.c: the HTTP API of `mig serve --state` (docs/api.md): the
 * rows of its route table and the handlers of its reads. Reads open the
 * state store read-only for the request and answer the JSON `mig status
 * --json`, `mig history --json` and `mig snapshot list --json` print;
 * what changes something (rollback, resume, the snapshots' create,
 * restore and prune) and the health check run this mig's own command in
 * a child process (serve_child.c). The events stream is
 * serve_events.c's. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "serve_api_int.h"
#include "snapshot.h"

/* GET /v1/runs?limit=: its bounds and default. */
#define API_LIMIT_MAX 500
#define API_LIMIT_DEFAULT 50

static void api_fill_routes(struct cli_api *api);

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

mig_status_t api_parse_json(const char *text, size_t len, val_t **out,
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

/* Opens the store read-only for a request: true with *S set, else the
 * answer made (500: the store cannot be read) in RESP, *ST its status. */
static bool open_store(const cli_api_t *api, serve_resp_t *resp, store_t **s,
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
    diag_list_free(&diags);
    return true;
}

/* Opens the store read-only and finds the run of the {id} segment ("3" or
 * "last") in it: true with *S and *ID set, else the answer made (404 no
 * such run, 500 a store that cannot be read) in RESP, *ST its status. */
static bool open_run(const cli_api_t *api, serve_req_t *req,
                     serve_resp_t *resp, store_t **s, int64_t *id,
                     mig_status_t *st)
{
    if (!open_store(api, resp, s, st))
        return false;
    diag_list_t diags;
    diag_list_init(&diags);
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

/* Answers {run: RUN, items: ITEMS} ({items} alone when RUN < 0), taking
 * ITEMS (NULL with ST not MIG_OK), or ST's failure; closes S. */
static mig_status_t answer_items(store_t *s, serve_resp_t *resp,
                                 mig_status_t st, int64_t run, val_t *items)
{
    val_t *body = st == MIG_OK ? val_map_new(2) : NULL;
    if (st == MIG_OK
        && (!body
            || (run >= 0 && val_map_set_take(body, "run", 3, val_int(run))
                                != MIG_OK)
            || val_map_set_take(body, "items", 5, val_ref(items)) != MIG_OK))
        st = MIG_ENOMEM;
    val_unref(items);
    st = answer_json(s, resp, st, body);
    val_unref(body);
    return st;
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
    store_t *s;
    mig_status_t st;
    if (!open_store(api, resp, &s, &st))
        return st;
    store_run_t *runs = NULL;
    size_t n = 0;
    st = store_run_list(s, (size_t)limit, &runs, &n);
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
    return answer_items(s, resp, st, -1, items);
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
    val_t *items = cli_checkpoints_value(s, id, &st);
    return answer_items(s, resp, st, id, items);
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

/* ---- rollback and resume: POST /v1/runs/{id}/COMMAND ------------------------ */

static const api_opt_t rollback_opts[] = {
    { .key = "to", .flag = "--to", .kind = API_OPT_TEXT },
    { .key = "force", .flag = "--force" },
    { .key = "break_lock", .flag = "--break-lock" },
    { 0 },
};

static const api_opt_t resume_opts[] = {
    { .key = "failed_only", .flag = "--failed-only" },
    { .key = "allow_changed_plan", .flag = "--allow-changed-plan" },
    { .key = "force", .flag = "--force" },
    { .key = "break_lock", .flag = "--break-lock" },
    { 0 },
};

/* `mig COMMAND ID --state S --json` for the run of the {id} segment (404
 * when there is none), with the options OPTS of the body. */
static mig_status_t post_run(serve_req_t *req, serve_resp_t *resp,
                             const cli_api_t *api, const char *command,
                             const api_opt_t *opts)
{
    store_t *s;
    int64_t id;
    mig_status_t st;
    if (!open_run(api, req, resp, &s, &id, &st))
        return st;
    store_close(s);
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    api_command_t c = { .words = { command, idtext, NULL }, .opts = opts,
                        .action = command, .key = "run", .id = id };
    return api_post_command(req, resp, api, &c);
}

static mig_status_t post_rollback(serve_req_t *req, serve_resp_t *resp,
                                  const void *data)
{
    return post_run(req, resp, data, "rollback", rollback_opts);
}

static mig_status_t post_resume(serve_req_t *req, serve_resp_t *resp,
                                const void *data)
{
    return post_run(req, resp, data, "resume", resume_opts);
}

/* ---- snapshots: /v1/snapshots ------------------------------------------------ */

static mig_status_t get_snapshots(serve_req_t *req, serve_resp_t *resp,
                                  const void *data)
{
    (void)req;
    store_t *s;
    mig_status_t st;
    if (!open_store(data, resp, &s, &st))
        return st;
    val_t *items = NULL;
    st = cli_snapshots_value(s, &items);
    return answer_items(s, resp, st, -1, items);
}

static const api_opt_t create_opts[] = {
    { .key = "name", .flag = "--name", .kind = API_OPT_TEXT },
    { .key = "note", .flag = "--note", .kind = API_OPT_TEXT },
    { 0 },
};

static const api_opt_t restore_opts[] = {
    { .key = "dry_run", .flag = "--dry-run" },
    { .key = "break_lock", .flag = "--break-lock" },
    { 0 },
};

static const api_opt_t prune_opts[] = {
    { .key = "older_than", .flag = "--older-than", .kind = API_OPT_TEXT },
    { .key = "keep_last", .flag = "--keep-last", .kind = API_OPT_COUNT },
    { .key = "dry_run", .flag = "--dry-run" },
    { 0 },
};

/* POST /v1/snapshots: `mig snapshot create` of the newest run's write
 * roots. */
static mig_status_t post_snapshot(serve_req_t *req, serve_resp_t *resp,
                                  const void *data)
{
    api_command_t c = { .words = { "snapshot", "create", NULL },
                        .opts = create_opts, .action = "snapshot-create" };
    return api_post_command(req, resp, data, &c);
}

/* POST /v1/snapshots/prune: `mig snapshot prune`. An age --older-than
 * would not take is 422 here, before anything runs. */
static mig_status_t post_prune(serve_req_t *req, serve_resp_t *resp,
                               const void *data)
{
    size_t len;
    const char *text = serve_req_body(req, &len);
    val_t *body = NULL;
    char why[256];
    int64_t ms;
    if (len && api_parse_json(text, len, &body, why) == MIG_OK
        && val_type(body) == VAL_MAP) {
        const val_t *age = val_map_get(body, "older_than", 10);
        if (age && val_type(age) == VAL_STRING
            && !cli_parse_age(val_get_str(age, NULL), &ms)) {
            mig_status_t st = serve_reply_error(
                resp, SERVE_ERR_VALIDATION_FAILED, NULL, "'older_than' takes "
                "an age, a whole number and s, m, h or d (30d), not '%.40s'",
                val_get_str(age, NULL));
            val_unref(body);
            return st;
        }
    }
    val_unref(body);
    api_command_t c = { .words = { "snapshot", "prune", NULL },
                        .opts = prune_opts, .action = "snapshot-prune" };
    return api_post_command(req, resp, data, &c);
}

/* POST /v1/snapshots/{id}/restore: `mig snapshot restore ID` of the
 * snapshot the {id} segment names (its id or name): 404 when none does,
 * 409 when it is not complete. */
static mig_status_t post_restore(serve_req_t *req, serve_resp_t *resp,
                                 const void *data)
{
    const cli_api_t *api = data;
    store_t *s;
    mig_status_t st;
    if (!open_store(api, resp, &s, &st))
        return st;
    diag_list_t diags;
    diag_list_init(&diags);
    const char *ref = serve_req_param(req, "id");
    snapshot_t sn = { 0 };
    st = snapshot_find(s, ref ? ref : "", &sn, &diags);
    if (st == MIG_EINVALID) {
        st = serve_reply_error(resp, sn.id ? SERVE_ERR_CONFLICT
                                           : SERVE_ERR_NOT_FOUND, NULL, "%s",
                               diags.len ? diags.items[0].message
                                         : "no such snapshot");
        diag_list_free(&diags);
        snapshot_clear(&sn);
        store_close(s);
        return st;
    }
    diag_list_free(&diags);
    if (st != MIG_OK)
        return fail_store(s, resp, st);
    store_close(s);
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, sn.id);
    api_command_t c = { .words = { "snapshot", "restore", idtext, NULL },
                        .opts = restore_opts, .action = "snapshot-restore",
                        .key = "snapshot", .id = sn.id, .operand = idtext };
    snapshot_clear(&sn);
    return api_post_command(req, resp, api, &c);
}

/* ---- GET /metrics ---------------------------------------------------------- */

static mig_status_t get_metrics(serve_req_t *req, serve_resp_t *resp,
                                const void *data)
{
    store_t *s;
    mig_status_t st;
    if (!open_store(data, resp, &s, &st))
        return st;
    strbuf_t text;
    strbuf_init(&text);
    st = metrics_render(s, &text);
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

/* One row per route (docs/api.md). A literal path (/v1/snapshots/prune)
 * comes before a {id} path of the same length that could match it. */
#define API_ROUTES(X)                                                         \
    X("GET", "/v1/runs", false, get_runs)                                    \
    X("GET", "/v1/runs/{id}", false, get_run)                                \
    X("GET", "/v1/runs/{id}/events", false, get_events)                      \
    X("GET", "/v1/runs/{id}/checkpoints", false, get_checkpoints)            \
    X("POST", "/v1/runs/{id}/rollback", true, post_rollback)                 \
    X("POST", "/v1/runs/{id}/resume", true, post_resume)                     \
    X("GET", "/v1/snapshots", false, get_snapshots)                          \
    X("POST", "/v1/snapshots", true, post_snapshot)                          \
    X("POST", "/v1/snapshots/prune", true, post_prune)                       \
    X("POST", "/v1/snapshots/{id}/restore", true, post_restore)              \
    X("GET", "/v1/health", false, api_get_health)                            \
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
