/* cmd_serve.c: `mig serve`, the V2 registry over HTTP (docs/registry-api.md):
 * reads the options into the server's configuration (runtime/serve.h),
 * adds the registry's routes (stdlib/registry/registry_api.c), says the
 * URL it listens on, and serves until SIGINT, SIGTERM or SIGHUP. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Serves API on a server of CFG at ADDR until a signal. */
static int serve_until_signal(const serve_config_t *cfg,
                              const serve_addr_t *addr, registry_api_t *api)
{
    diag_list_t diags;
    diag_list_init(&diags);
    serve_t *s = serve_new(cfg);
    mig_status_t st = s ? registry_api_routes(api, s) : MIG_ENOMEM;
    if (st == MIG_OK)
        st = serve_start(s, addr, &diags);
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

int cmd_serve(const cli_cmd_t *cmd, const cli_args_t *args)
{
    serve_config_t cfg = { .listen = cli_value(cmd, args, "listen") };
    const char *db = cli_value(cmd, args, "registry");
    const char *dur = cli_value(cmd, args, "durability");
    const char *token_file = cli_value(cmd, args, "token-file");
    if (!db)
        return fail(EXIT_USAGE, "--registry PATH is required (the registry "
                    "to serve, such as registry.db)%s", "");
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
    diag_list_t diags;
    diag_list_init(&diags);
    registry_api_t *api = NULL;
    mig_status_t st = registry_api_new(db, dur && strcmp(dur, "full") == 0,
                                       &diags, &api);
    if (st != MIG_OK) {
        fprintf(stderr, "mig serve: error: %s\n", diags.len
                ? diags.items[0].message : "out of memory");
        diag_list_free(&diags);
        free(token);
        return EXIT_USAGE;
    }
    rc = serve_until_signal(&cfg, &addr, api);
    registry_api_free(api);
    free(token);
    return rc;
}
