/* cmd_serve.c: `mig serve`, the V2 registry over HTTP (docs/registry-api.md)
 * and the HTTP API of a state store (docs/api.md): reads the options into
 * the server's configuration (runtime/serve.h), adds the registry's routes
 * (stdlib/registry/registry_api.c) and the API's (serve_api.c), appends
 * every request that changes something to the audit trail, says the URL
 * it listens on, and serves until SIGINT, SIGTERM or SIGHUP. */
#define _DEFAULT_SOURCE     /* realpath */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "audit.h"
#include "cli.h"
#include "serve.h"

/* The most --latency adds, and the most --retry-after and --rate-limit
 * say (docs/registry-api.md, "Rehearsal knobs"). */
#define SERVE_LATENCY_MAX_MS 60000
#define SERVE_RETRY_AFTER_MAX 86400
#define SERVE_RATE_MAX 1000000

/* Says "mig serve: error: ..." on stderr; gives CODE. */
static int fail(int code, const char *fmt, const char *what)
{
    fputs("mig serve: error: ", stderr);
    fprintf(stderr, fmt, what);
    fputc('\n', stderr);
    return code;
}

/* Reads the rehearsal knobs into CFG. EXIT_CLEAN or EXIT_USAGE (said). */
static int read_knobs(const cli_cmd_t *cmd, const cli_args_t *a,
                      serve_config_t *cfg)
{
    const char *lat = cli_value(cmd, a, "latency");
    const char *rate = cli_value(cmd, a, "fail-rate");
    const char *status = cli_value(cmd, a, "fail-status");
    const char *retry = cli_value(cmd, a, "retry-after");
    const char *seed = cli_value(cmd, a, "seed");
    const char *limit = cli_value(cmd, a, "rate-limit");
    uint64_t n = 0;
    if (lat) {
        val_t *v = NULL;
        if (params_read_literal(lat, &v) != MIG_OK)
            return fail(EXIT_USAGE, "out of memory%s", "");
        bool ok = v && val_type(v) == VAL_DURATION && val_get_ms(v) >= 0
                  && val_get_ms(v) <= SERVE_LATENCY_MAX_MS;
        cfg->latency_ms = ok ? val_get_ms(v) : 0;
        val_unref(v);
        if (!ok)
            return fail(EXIT_USAGE, "--latency takes a duration from 0ms to "
                        "60s (such as 50ms), not '%s'", lat);
    }
    if (rate) {
        char *end;
        errno = 0;
        cfg->fail_rate = strtod(rate, &end);
        if (!*rate || *end || errno || !(cfg->fail_rate >= 0)
            || cfg->fail_rate > 1)
            return fail(EXIT_USAGE, "--fail-rate takes a share from 0 to 1 "
                        "(such as 0.1), not '%s'", rate);
    }
    if ((status || retry || seed) && !rate)
        return fail(EXIT_USAGE, "--fail-status, --retry-after and --seed "
                    "shape the failures of --fail-rate; give it too%s", "");
    cfg->fail_status = 503;
    if (status && (!cli_parse_count(status, 0, 999, &n)
                   || (n != 429 && n != 503)))
        return fail(EXIT_USAGE, "--fail-status takes 429 or 503, not '%s'",
                    status);
    if (status)
        cfg->fail_status = (int)n;
    cfg->retry_after_s = 1;
    if (retry && !cli_parse_count(retry, 0, SERVE_RETRY_AFTER_MAX, &n))
        return fail(EXIT_USAGE, "--retry-after takes whole seconds from 0 "
                    "to 86400, not '%s'", retry);
    if (retry)
        cfg->retry_after_s = (int64_t)n;
    if (seed && !cli_parse_seed(seed, &cfg->seed))
        return fail(EXIT_USAGE, "--seed takes a whole number from 0 to "
                    "2^53 - 1, not '%s'", seed);
    if (limit) {
        size_t len = strlen(limit);
        char num[32];
        bool ok = len > 2 && len < sizeof num
                  && strcmp(limit + len - 2, "/s") == 0;
        if (ok) {
            memcpy(num, limit, len - 2);
            num[len - 2] = '\0';
            ok = cli_parse_count(num, 1, SERVE_RATE_MAX, &n);
        }
        if (!ok)
            return fail(EXIT_USAGE, "--rate-limit takes N/s, N a whole "
                        "number from 1 to 1000000 (such as 20/s), not '%s'",
                        limit);
        cfg->rate_limit = (uint32_t)n;
    }
    return EXIT_CLEAN;
}

/* Whether C may stand in a bearer token (RFC 6750's b64token). */
static bool token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || strchr("-._~+/=", c);
}

/* Reads the token of PATH into *OUT (malloc'd): the file's one line, its
 * line end dropped. EXIT_CLEAN or EXIT_USAGE (said). */
static int read_token(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "mig serve: error: cannot read the token file "
                "'%s': %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    char *buf = malloc(SERVE_TOKEN_MAX + 3);
    size_t n = buf ? fread(buf, 1, SERVE_TOKEN_MAX + 2, f) : 0;
    fclose(f);
    if (!buf)
        return fail(EXIT_USAGE, "out of memory%s", "");
    if (n && buf[n - 1] == '\n')
        n--;
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    bool ok = n > 0 && n <= SERVE_TOKEN_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = token_char(buf[i]);
    if (!ok) {
        free(buf);
        fprintf(stderr, "mig serve: error: the token file '%s' must hold one "
                "token of 1 to %d characters (letters, digits, - . _ ~ + / "
                "=) on one line\n", path, SERVE_TOKEN_MAX);
        return EXIT_USAGE;
    }
    *out = buf;
    return EXIT_CLEAN;
}

/* ---- the audit trail of the requests that change something --------------- */

/* Where the entries go: one store, one request's append at a time. */
typedef struct serve_audit {
    pthread_mutex_t lock;
    store_t *s;
    char *path;
    audit_key_t *key;
} serve_audit_t;

/* How an answer's STATUS reads as an entry's outcome. */
static const char *http_outcome(int status)
{
    if (status < 300)
        return "succeeded";
    if (status == 401 || status == 403 || status == 409 || status == 412
        || status == 429 || status == 503)
        return "refused";
    return status < 500 ? "invalid" : "failed";
}

/* Who asked (docs/api.md, "Audit"): "bearer:" and the first 16 hex digits
 * of the BLAKE2b-256 of the bearer token given, or "anonymous" without
 * one, into USER. */
static void token_holder(const serve_req_t *req, char user[32])
{
    const char *auth = serve_req_header(req, "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) {
        snprintf(user, 32, "anonymous");
        return;
    }
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)auth + 7,
                       strlen(auth + 7), NULL, 0);
    strcpy(user, "bearer:");
    sodium_bin2hex(user + 7, 17, h, 8);
}

/* The request's detail (docs/audit.md, "Requests to mig serve"):
 * request, route, status and port, then the keys of the handler's note's
 * detail (the options of the command it ran). NULL when out of memory. */
static val_t *request_detail(const serve_req_t *req, int status,
                             const val_t *note)
{
    char peer[64], request[256], route[160];
    unsigned port;
    serve_req_peer(req, peer, &port);
    snprintf(request, sizeof request, "%s %.200s", serve_req_method(req),
             serve_req_path(req));
    snprintf(route, sizeof route, "%s %.140s", serve_req_method(req),
             serve_req_route(req));
    const val_t *more = note ? val_map_get(note, "detail", 6) : NULL;
    if (more && val_type(more) != VAL_MAP)
        more = NULL;
    val_t *detail = val_map_new(4 + (more ? val_len(more) : 0));
    bool ok = detail
        && val_map_set_take(detail, "request", 7, cli_json_text(request))
               == MIG_OK
        && val_map_set_take(detail, "route", 5, cli_json_text(route))
               == MIG_OK
        && val_map_set_take(detail, "status", 6, val_int(status)) == MIG_OK
        && val_map_set_take(detail, "port", 4, val_int(port)) == MIG_OK;
    for (size_t i = 0; ok && more && i < val_len(more); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(more, i), &len);
        ok = val_map_set(detail, k, len, val_map_value(more, i)) == MIG_OK;
    }
    if (!ok) {
        val_unref(detail);
        return NULL;
    }
    return detail;
}

/* The string KEY of NOTE, or NULL. */
static const char *note_text(const val_t *note, const char *key)
{
    const val_t *v = note ? val_map_get(note, key, strlen(key)) : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* serve_audit_fn: appends the one entry of REQ, answered STATUS. When
 * its handler ran a command (its note), the entry is that command's
 * (action, run, outcome), asked by the token's holder; else an `http`
 * entry about the {id} run, its outcome by the status. */
static void audit_request(void *data, const serve_req_t *req, int status)
{
    serve_audit_t *a = data;
    const val_t *note = serve_req_note(req);
    char user[32], peer[64];
    unsigned port;
    token_holder(req, user);
    serve_req_peer(req, peer, &port);
    const char *id = serve_req_param(req, "id");
    const val_t *nrun = note ? val_map_get(note, "run", 3) : NULL;
    uint64_t run = 0;
    if (nrun && val_is_int(nrun) && val_get_int(nrun) > 0)
        run = (uint64_t)val_get_int(nrun);
    else if (!note && id && strncmp(serve_req_route(req), "/v1/runs/", 9) == 0
             && !cli_parse_count(id, 1, INT64_MAX, &run))
        run = 0;
    const char *action = note_text(note, "action");
    const char *outcome = note_text(note, "outcome");
    val_t *detail = request_detail(req, status, note);
    diag_list_t diags;
    diag_list_init(&diags);
    pthread_mutex_lock(&a->lock);
    store_run_t r = { 0 };
    if (run && store_run_get(a->s, (int64_t)run, &r) != MIG_OK) {
        diag_list_free(store_diags(a->s));
        diag_list_init(store_diags(a->s));
    }
    val_t *cd = r.options ? val_map_get(r.options, "config_digest", 13) : NULL;
    audit_entry_t e = { .action = action ? action : "http",
                        .run = (int64_t)run,
                        .plan_digest = r.plan_digest,
                        .config_digest = cd && val_type(cd) == VAL_STRING
                                         ? val_get_str(cd, NULL) : NULL,
                        .detail = detail,
                        .outcome = outcome ? outcome : http_outcome(status),
                        .user = user, .host = peer };
    mig_status_t st = detail ? audit_append(a->s, a->key, &e, &diags)
                             : MIG_ENOMEM;
    store_run_clear(&r);
    pthread_mutex_unlock(&a->lock);
    if (st != MIG_OK) {
        cli_render_diags(&diags);
        fprintf(stderr, "mig serve: warning: %s %s could not be appended to "
                "the audit trail of '%s'\n", serve_req_method(req),
                serve_req_path(req), a->path);
    }
    diag_list_free(&diags);
    val_unref(detail);
}

/* Opens the store the entries go to (PATH, made when missing) and finds
 * the signing key. EXIT_CLEAN, or a code with the reason said. */
static int audit_open(serve_audit_t *a, const char *path)
{
    diag_list_t diags;
    diag_list_init(&diags);
    pthread_mutex_init(&a->lock, NULL);
    int rc = cli_audit_key("serve", &a->key);
    if (rc != EXIT_CLEAN)
        return rc;
    if (!(a->path = strdup(path))
        || store_open(path, STORE_CREATE, &diags, &a->s) != MIG_OK) {
        cli_render_diags(&diags);
        diag_list_free(&diags);
        return fail(EXIT_STORE, "the state store '%s' cannot be opened",
                    path);
    }
    diag_list_free(&diags);
    return EXIT_CLEAN;
}

static void audit_close(serve_audit_t *a)
{
    store_close(a->s);
    audit_key_free(a->key);
    free(a->path);
    pthread_mutex_destroy(&a->lock);
}

/* ---- serving ---------------------------------------------------------------- */

/* Serves the registry REG (or NULL) and the API (or NULL) on a server of
 * CFG at ADDR until a signal, the changes audited into AUDIT. */
static int serve_until_signal(const serve_config_t *cfg,
                              const serve_addr_t *addr, registry_api_t *reg,
                              cli_api_t *api, serve_audit_t *audit)
{
    diag_list_t diags;
    diag_list_init(&diags);
    serve_t *s = serve_new(cfg);
    mig_status_t st = s ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK && reg)
        st = registry_api_routes(reg, s);
    if (st == MIG_OK && api)
        st = cli_api_routes(api, s);
    if (st == MIG_OK) {
        serve_set_audit(s, audit_request, audit);
        st = serve_start(s, addr, &diags);
    }
    if (st != MIG_OK) {
        fprintf(stderr, "mig serve: error: %s: %s\n", cfg->listen,
                diags.len ? diags.items[0].message : "out of memory");
        diag_list_free(&diags);
        serve_free(s);
        return EXIT_USAGE;
    }
    printf("mig serve: listening on %s\n", serve_url(s));
    fflush(stdout);
    int sig = serve_wait(s);
    unsigned left = serve_stop(s);
    fprintf(stderr, "mig serve: %s: stopped\n", strsignal(sig));
    if (left)
        fprintf(stderr, "mig serve: %u request%s still running after %d s "
                "were cut short\n", left, left == 1 ? " was" : "s were",
                SERVE_DRAIN_MS / 1000);
    serve_free(s);
    diag_list_free(&diags);
    return left ? EXIT_INTERRUPTED : EXIT_CLEAN;
}

/* Opens what is served and audits, then serves: the registry DB (or
 * NULL; DURABLE: --durability full), the API with --state, the audit
 * trail in the store cli_state_path finds (made here when none). */
static int serve_all(const cli_cmd_t *cmd, const cli_args_t *args,
                     const serve_config_t *cfg, const serve_addr_t *addr,
                     const char *db, bool durable)
{
    diag_list_t diags;
    diag_list_init(&diags);
    char *path = NULL, real[PATH_MAX];
    int rc = cli_state_path(cmd, args, STORE_CREATE, &path, &diags);
    serve_audit_t audit = { 0 };
    if (rc == EXIT_CLEAN)
        rc = audit_open(&audit, path);
    else
        cli_render_diags(&diags);
    cli_api_t *api = NULL;
    if (rc == EXIT_CLEAN && cli_value(cmd, args, "state")
        && !(api = cli_api_new(realpath(path, real) ? real : path)))
        rc = fail(EXIT_USAGE, "out of memory%s", "");
    registry_api_t *reg = NULL;
    if (rc == EXIT_CLEAN && db
        && registry_api_new(db, durable, &diags, &reg) != MIG_OK)
        rc = fail(EXIT_USAGE, "%s", diags.len ? diags.items[0].message
                                              : "out of memory");
    if (rc == EXIT_CLEAN)
        rc = serve_until_signal(cfg, addr, reg, api, &audit);
    registry_api_free(reg);
    cli_api_free(api);
    if (audit.path)
        audit_close(&audit);
    free(path);
    diag_list_free(&diags);
    return rc;
}

int cmd_serve(const cli_cmd_t *cmd, const cli_args_t *args)
{
    serve_config_t cfg = { .listen = cli_value(cmd, args, "listen") };
    const char *db = cli_value(cmd, args, "registry");
    const char *dur = cli_value(cmd, args, "durability");
    const char *token_file = cli_value(cmd, args, "token-file");
    if (!db && !cli_value(cmd, args, "state"))
        return fail(EXIT_USAGE, "give --registry PATH (the registry to serve, "
                    "such as registry.db), --state PATH (the state store "
                    "whose runs the API serves), or both%s", "");
    if (dur && strcmp(dur, "full") != 0 && strcmp(dur, "grouped") != 0)
        return fail(EXIT_USAGE, "--durability takes 'grouped' or 'full', "
                    "not '%s'", dur);
    if (!cfg.listen)
        cfg.listen = SERVE_DEFAULT_LISTEN;
    int rc = read_knobs(cmd, args, &cfg);
    if (rc != EXIT_CLEAN)
        return rc;
    serve_addr_t addr;
    strbuf_t why;
    strbuf_init(&why);
    if (serve_listen_parse(cfg.listen, &addr, &why) != MIG_OK) {
        rc = fail(EXIT_USAGE, "--listen: %s", why.data ? why.data : "");
        strbuf_free(&why);
        return rc;
    }
    strbuf_free(&why);
    char *token = NULL;
    if (token_file && (rc = read_token(token_file, &token)) != EXIT_CLEAN)
        return rc;
    if (!token && !addr.loopback) {
        fprintf(stderr, "mig serve: error: refusing to listen on %s, beyond "
                "loopback, without a token\nhint: give --token-file FILE "
                "(requests that change something then need 'Authorization: "
                "Bearer TOKEN'), or listen on 127.0.0.1\n", cfg.listen);
        return EXIT_REFUSED;
    }
    cfg.token = token;
    rc = serve_all(cmd, args, &cfg, &addr, db,
                   dur && strcmp(dur, "full") == 0);
    free(token);
    return rc;
}
