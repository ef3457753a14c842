/* alert_notify.c: where a firing of mig.yaml's alerts goes
 * (docs/alerts.md, "Where a firing goes"): notify.command runs a program
 * (no shell, found on PATH) with the JSON payload on its standard input;
 * notify.webhook gets it in a POST (libcurl). Each has ALERT_NOTIFY_MS
 * to finish; the run waits for them. */
#define _DEFAULT_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mig_stdlib.h"

extern char **environ;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes all of TEXT to FD, a pipe (a reader that went is no error: the
 * command's exit status says how it went). */
static void write_all(int fd, const char *text)
{
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += (size_t)n;
    }
}

/* Runs ARGV (a list of strings) with PAYLOAD on its standard input, its
 * output and errors to /dev/null; true when it exits 0 in time. */
static bool run_command(const val_t *argv, const char *payload, strbuf_t *why)
{
    size_t n = val_len(argv);
    char **words = calloc(n + 1, sizeof(*words));
    if (!words) {
        strbuf_puts(why, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++)
        words[i] = (char *)val_get_str(val_list_get(argv, i), NULL);
    int fds[2];
    pid_t pid = 0;
    int rc = pipe(fds) != 0 ? errno : 0;
    posix_spawn_file_actions_t fa;
    if (!rc && !(rc = posix_spawn_file_actions_init(&fa))) {
        if (!(rc = posix_spawn_file_actions_adddup2(&fa, fds[0], 0))
            && !(rc = posix_spawn_file_actions_addclose(&fa, fds[1]))
            && !(rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
                                                       O_WRONLY, 0))
            && !(rc = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
                                                       O_WRONLY, 0)))
            rc = posix_spawnp(&pid, words[0], &fa, NULL, words, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(fds[0]);
        if (!rc) {
            /* A command that does not read may close its end: no SIGPIPE. */
            struct sigaction ign = { .sa_handler = SIG_IGN }, old;
            sigaction(SIGPIPE, &ign, &old);
            write_all(fds[1], payload);
            sigaction(SIGPIPE, &old, NULL);
        }
        close(fds[1]);
    }
    if (rc) {
        strbuf_printf(why, "the command '%s' could not start: %s", words[0],
                      strerror(rc));
        free(words);
        return false;
    }
    int status = 0;
    int64_t end = mono_ms() + ALERT_NOTIFY_MS;
    pid_t got;
    while ((got = waitpid(pid, &status, WNOHANG)) == 0 && mono_ms() < end)
        usleep(5000);
    bool ok = false;
    if (got == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        strbuf_printf(why, "the command '%s' did not finish within %ds",
                      words[0], ALERT_NOTIFY_MS / 1000);
    } else if (got < 0 || !WIFEXITED(status)) {
        strbuf_printf(why, "the command '%s' did not exit", words[0]);
    } else if (WEXITSTATUS(status) != 0) {
        strbuf_printf(why, "the command '%s' exited with status %d",
                      words[0], WEXITSTATUS(status));
    } else {
        ok = true;
    }
    free(words);
    return ok;
}

static size_t discard(char *p, size_t size, size_t n, void *data)
{
    (void)p;
    (void)data;
    return size * n;
}

/* POSTs PAYLOAD to URL as application/json; true on a 2xx answer. */
static bool post_webhook(const char *url, const char *payload, strbuf_t *why)
{
    static bool global;
    if (!global && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        strbuf_puts(why, "the webhook could not be sent: libcurl did not "
                    "start");
        return false;
    }
    global = true;
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: "
                                               "application/json");
    if (!h || !hdr) {
        curl_easy_cleanup(h);
        curl_slist_free_all(hdr);
        strbuf_puts(why, "out of memory");
        return false;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)ALERT_NOTIFY_MS);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    bool ok = rc == CURLE_OK && status >= 200 && status < 300;
    if (rc != CURLE_OK)
        strbuf_printf(why, "the webhook %s could not be sent: %s", url,
                      curl_easy_strerror(rc));
    else if (!ok)
        strbuf_printf(why, "the webhook %s answered %ld", url, status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return ok;
}

bool alert_notify(const config_alerts_t *cfg, const char *payload,
                  strbuf_t *why)
{
    bool ok = true;
    if (cfg->command)
        ok = run_command(cfg->command, payload, why);
    if (cfg->webhook) {
        if (!ok)
            strbuf_puts(why, "; ");
        ok = post_webhook(cfg->webhook, payload, why) && ok;
    }
    return ok;
}
