/* serve_api_int.h: what the files of the HTTP API of `mig serve --state`
 * share (docs/api.md): serve_api.c (the route table, the reads) and
 * serve_child.c (the commands run in a child process: rollback, resume,
 * the snapshots' create, restore and prune, the health check). */
#ifndef MIG_SERVE_API_INT_H
#define MIG_SERVE_API_INT_H

#include <limits.h>

#include "cli.h"
#include "serve.h"

/* The routes' count (API_ROUTES, serve_api.c). */
#define API_N_ROUTES 12

struct cli_api {
    char *state;
    char exe[PATH_MAX];         /* this mig (/proc/self/exe) */
    serve_route_t routes[API_N_ROUTES];     /* their data: this api */
};

/* Reads TEXT (LEN bytes) as JSON into *OUT: MIG_OK, MIG_EINVALID with
 * "LINE:COL: message" in WHY, or MIG_ENOMEM. */
mig_status_t api_parse_json(const char *text, size_t len, val_t **out,
                            char why[256]);

/* The options a POST body may give: KEY, the command's FLAG, and what
 * the key takes: a boolean (true adds the flag), a string or a whole
 * number (the flag and its value). */
typedef enum api_opt_kind {
    API_OPT_BOOL, API_OPT_TEXT, API_OPT_COUNT,
} api_opt_kind_t;

typedef struct api_opt {
    const char *key, *flag;
    api_opt_kind_t kind;
} api_opt_t;

/* What a POST runs in a child: `mig WORDS... --state S --json` and the
 * options of its body. Its answer names KEY ("run", "snapshot"; NULL:
 * none) with ID; ACTION is the audit trail's name of it ("rollback",
 * "snapshot-restore"), OPERAND (or NULL) what the entry's detail names
 * as the CLI's does. */
typedef struct api_command {
    const char *words[4];       /* NULL-terminated */
    const api_opt_t *opts;      /* ends with a row of NULL key */
    const char *action, *key, *operand;
    int64_t id;
} api_command_t;

/* Runs C for REQ to its end and answers: 200 with {command, KEY,
 * exit_status, outcome, result, stderr}, 409 when the command refused
 * (exit status 6), 400/422 for a body it does not take (nothing run),
 * 500 when it could not be started. Leaves the request's audit note
 * (serve_req_set_note). MIG_OK or MIG_ENOMEM. */
mig_status_t api_post_command(serve_req_t *req, serve_resp_t *resp,
                              const cli_api_t *api, const api_command_t *c);

/* GET /v1/health (serve_child.c). */
mig_status_t api_get_health(serve_req_t *req, serve_resp_t *resp,
                            const void *data);

#endif
