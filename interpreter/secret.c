/* secret.c: where secrets come from (interpreter.h, "secrets"): the
 * environment, a file, a command. One row per source, so that a secret's
 * recipe can be followed again on resume or rollback (value_secret.c)
 * and a configuration can name any of them. Messages name the variable,
 * file or program, never a byte of what it gave. */
#define _GNU_SOURCE     /* explicit_bzero, pipe2 */
#include "interpreter_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ---- results ------------------------------------------------------------ */

/* Makes the secret of the LEN bytes at BYTES from SOURCE (a new map of one
 * entry KEY: WHAT, WHAT borrowed), refusing an empty value or one with a
 * NUL byte; NAMED says what in WHY ("the file 'x'"). */
static mig_status_t made(const char *bytes, size_t len, const char *key,
                         const val_t *what, const char *named, val_t **out,
                         strbuf_t *why)
{
    *out = NULL;
    if (len == 0) {
        strbuf_printf(why, "%s is empty", named);
        return MIG_EINVALID;
    }
    if (memchr(bytes, '\0', len)) {
        strbuf_printf(why, "%s holds a NUL byte", named);
        return MIG_EINVALID;
    }
    val_t *source = val_map_new(1);
    if (!source || val_map_set(source, key, strlen(key), (val_t *)what)
                   != MIG_OK) {
        val_unref(source);
        return MIG_ENOMEM;
    }
    *out = val_secret_new(bytes, len, source);
    val_unref(source);
    return *out ? MIG_OK : MIG_ENOMEM;
}

/* LEN less one trailing "\n" or "\r\n" of BYTES. */
static size_t trimmed(const char *bytes, size_t len)
{
    if (len && bytes[len - 1] == '\n') {
        len--;
        if (len && bytes[len - 1] == '\r')
            len--;
    }
    return len;
}

/* ---- the environment ---------------------------------------------------- */

mig_status_t secret_env(const char *name, val_t **out, strbuf_t *why)
{
    *out = NULL;
    if (!name[0] || strchr(name, '=')) {
        strbuf_printf(why, "'%s' cannot name an environment variable", name);
        return MIG_EINVALID;
    }
    const char *v = getenv(name);
    if (!v) {
        strbuf_printf(why, "the environment variable '%s' is not set", name);
        return MIG_EINVALID;
    }
    val_t *what = val_cstring(name);
    if (!what)
        return MIG_ENOMEM;
    strbuf_t named;
    strbuf_init(&named);
    strbuf_printf(&named, "the environment variable '%s'", name);
    mig_status_t st = named.oom ? MIG_ENOMEM
        : made(v, strlen(v), "env", what, named.data, out, why);
    strbuf_free(&named);
    val_unref(what);
    return st;
}

/* ---- a file ------------------------------------------------------------- */

/* Reads at most SECRET_MAX_BYTES + 1 bytes of FD into BUF (that size). */
static ssize_t read_all(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        n += (size_t)r;
    }
    return (ssize_t)n;
}

/* Checks the file open on FD (PATH) before it is read. */
static bool file_fits(int fd, const char *path, strbuf_t *why)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        strbuf_printf(why, "cannot read the file '%s': %s", path,
                      strerror(errno));
        return false;
    }
    if (!S_ISREG(sb.st_mode)) {
        strbuf_printf(why, "'%s' is not a regular file", path);
        return false;
    }
    if (sb.st_mode & S_IROTH) {
        strbuf_printf(why, "the file '%s' is readable by every user (mode "
                      "%04o): a secret's file must not be (chmod o-r '%s')",
                      path, (unsigned)(sb.st_mode & 07777), path);
        return false;
    }
    return true;
}

mig_status_t secret_file(const char *path, val_t **out, strbuf_t *why)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        strbuf_printf(why, errno == ENOENT ? "the file '%s' is not there"
                      : "cannot read the file '%s': %s", path,
                      strerror(errno));
        return MIG_EINVALID;
    }
    char *buf = file_fits(fd, path, why) ? malloc(SECRET_MAX_BYTES + 2)
                                         : NULL;
    ssize_t n = buf ? read_all(fd, buf, SECRET_MAX_BYTES + 1) : -1;
    int err = errno;
    close(fd);
    mig_status_t st = MIG_EINVALID;
    if (buf && n < 0) {
        strbuf_printf(why, "cannot read the file '%s': %s", path,
                      strerror(err));
    } else if (buf && n > SECRET_MAX_BYTES) {
        strbuf_printf(why, "the file '%s' is larger than %d bytes", path,
                      SECRET_MAX_BYTES);
    } else if (buf) {
        buf[n] = '\0';
        val_t *what = val_cstring(path);
        strbuf_t named;
        strbuf_init(&named);
        strbuf_printf(&named, "the file '%s'", path);
        st = !what || named.oom ? MIG_ENOMEM
            : made(buf, trimmed(buf, (size_t)n), "file", what, named.data,
                   out, why);
        strbuf_free(&named);
        val_unref(what);
    } else if (!why->len) {
        st = MIG_ENOMEM;
    }
    if (buf) {
        explicit_bzero(buf, SECRET_MAX_BYTES + 2);
        free(buf);
    }
    return st;
}

/* ---- a command ---------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The words of ARGV as a NULL-ended array (borrowed strings), or NULL
 * with WHY set when ARGV is no command. *OOM tells memory ran out. */
static char **command_words(const val_t *argv, strbuf_t *why, bool *oom)
{
    *oom = false;
    size_t n = val_type(argv) == VAL_LIST ? val_len(argv) : 0;
    for (size_t i = 0; i < n; i++) {
        const val_t *w = val_list_get(argv, i);
        size_t len;
        if (val_type(w) != VAL_STRING
            || strlen(val_get_str(w, &len)) != len || (i == 0 && !len))
            n = 0;
    }
    if (n == 0) {
        strbuf_puts(why, "a command must be a list of words, the first "
                    "naming a program, without NUL bytes");
        return NULL;
    }
    char **words = calloc(n + 1, sizeof(*words));
    if (!words) {
        *oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        words[i] = (char *)val_get_str(val_list_get(argv, i), NULL);
    return words;
}

/* Starts WORDS with stdout on the write end of PIPE_FDS, stdin and stderr
 * on /dev/null, in a process group of its own. 0 or an errno. */
static int command_start(char **words, const int pipe_fds[2], pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc)
        return rc;
    if ((rc = posix_spawnattr_init(&at)) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return rc;
    }
    sigset_t none;
    sigemptyset(&none);
    if (!(rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
                                                O_RDONLY, 0))
        && !(rc = posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], 1))
        && !(rc = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
                                                   O_WRONLY, 0))
        && !(rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP
                                                | POSIX_SPAWN_SETSIGMASK))
        && !(rc = posix_spawnattr_setpgroup(&at, 0))
        && !(rc = posix_spawnattr_setsigmask(&at, &none)))
        rc = posix_spawnp(pid, words[0], &fa, &at, words, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

typedef enum { RAN_OK, RAN_TOO_LONG, RAN_TOO_MUCH, RAN_FAILED } ran_t;

/* Reads the command's output from FD into BUF (room for
 * SECRET_MAX_BYTES + 1) until it closes, TIMEOUT_MS pass, or too much
 * came; *N gets the bytes read. */
static ran_t command_read(int fd, char *buf, size_t *n, int64_t timeout_ms)
{
    int64_t end = now_ms() + timeout_ms;
    *n = 0;
    for (;;) {
        int64_t left = end - now_ms();
        if (left <= 0)
            return RAN_TOO_LONG;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
        if (r < 0 && errno != EINTR)
            return RAN_FAILED;
        if (r <= 0)
            continue;
        ssize_t got = read(fd, buf + *n, SECRET_MAX_BYTES + 1 - *n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return got == 0 ? RAN_OK : RAN_FAILED;
        *n += (size_t)got;
        if (*n > SECRET_MAX_BYTES)
            return RAN_TOO_MUCH;
    }
}

/* Waits for PID, killing its group first unless RAN is RAN_OK; explains a
 * failure in WHY (PROG named). True when it ran and exited 0. */
static bool command_end(pid_t pid, ran_t ran, const char *prog,
                        int64_t timeout_ms, strbuf_t *why)
{
    if (ran != RAN_OK)
        kill(-pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (ran == RAN_TOO_LONG) {
        strbuf_printf(why, "the command '%s' did not finish within ", prog);
        strbuf_put_duration(why, timeout_ms);
    } else if (ran == RAN_TOO_MUCH) {
        strbuf_printf(why, "the command '%s' wrote more than %d bytes", prog,
                      SECRET_MAX_BYTES);
    } else if (ran == RAN_FAILED) {
        strbuf_printf(why, "cannot read the output of the command '%s'",
                      prog);
    } else if (WIFSIGNALED(status)) {
        strbuf_printf(why, "the command '%s' was killed by signal %d", prog,
                      WTERMSIG(status));
    } else if (WEXITSTATUS(status) != 0) {
        strbuf_printf(why, "the command '%s' exited with status %d", prog,
                      WEXITSTATUS(status));
    } else {
        return true;
    }
    return false;
}

mig_status_t secret_command(const val_t *argv, int64_t timeout_ms,
                            val_t **out, strbuf_t *why)
{
    *out = NULL;
    if (timeout_ms <= 0)
        timeout_ms = SECRET_COMMAND_MS;
    bool oom;
    char **words = command_words(argv, why, &oom);
    if (!words)
        return oom ? MIG_ENOMEM : MIG_EINVALID;
    int fds[2];
    char *buf = malloc(SECRET_MAX_BYTES + 2);
    if (!buf || pipe2(fds, O_CLOEXEC) != 0) {
        free(buf);
        free(words);
        return MIG_ENOMEM;
    }
    pid_t pid;
    int rc = command_start(words, fds, &pid);
    close(fds[1]);
    mig_status_t st = MIG_EINVALID;
    size_t n = 0;
    if (rc) {
        strbuf_printf(why, rc == ENOENT ? "the program '%s' was not found"
                      : "cannot run the command '%s': %s", words[0],
                      strerror(rc));
    } else if (command_end(pid, command_read(fds[0], buf, &n, timeout_ms),
                           words[0], timeout_ms, why)) {
        buf[n] = '\0';
        strbuf_t named;
        strbuf_init(&named);
        strbuf_printf(&named, "the output of the command '%s'", words[0]);
        st = named.oom ? MIG_ENOMEM
            : made(buf, trimmed(buf, n), "command", argv, named.data, out,
                   why);
        strbuf_free(&named);
    }
    close(fds[0]);
    explicit_bzero(buf, SECRET_MAX_BYTES + 2);
    free(buf);
    free(words);
    return st;
}

/* ---- sources ------------------------------------------------------------ */

static mig_status_t resolve_env(const val_t *what, val_t **out,
                                strbuf_t *why)
{
    return secret_env(val_get_str(what, NULL), out, why);
}

static mig_status_t resolve_file(const val_t *what, val_t **out,
                                 strbuf_t *why)
{
    return secret_file(val_get_str(what, NULL), out, why);
}

static mig_status_t resolve_command(const val_t *what, val_t **out,
                                    strbuf_t *why)
{
    return secret_command(what, 0, out, why);
}

/* Every source: its key in a recipe, the type of what it names, and how
 * it is fetched. */
static const struct secret_source {
    const char *key;
    val_type_t what;
    mig_status_t (*resolve)(const val_t *what, val_t **out, strbuf_t *why);
} secret_sources[] = {
    { .key = "env", .what = VAL_STRING, .resolve = resolve_env },
    { .key = "file", .what = VAL_STRING, .resolve = resolve_file },
    { .key = "command", .what = VAL_LIST, .resolve = resolve_command },
};

/* The row of source map V, or NULL when V is none. */
static const struct secret_source *source_row(const val_t *v)
{
    if (val_type(v) != VAL_MAP || val_len(v) != 1)
        return NULL;
    size_t len;
    const char *key = val_get_str(val_map_key(v, 0), &len);
    const val_t *what = val_map_value(v, 0);
    for (size_t i = 0; i < sizeof secret_sources / sizeof *secret_sources;
         i++) {
        const struct secret_source *s = &secret_sources[i];
        if (strlen(s->key) == len && memcmp(s->key, key, len) == 0)
            return val_type(what) == s->what
                && !(s->what == VAL_STRING && (!val_len(what)
                     || strlen(val_get_str(what, NULL)) != val_len(what)))
                ? s : NULL;
    }
    return NULL;
}

bool secret_source_valid(const val_t *v)
{
    return source_row(v) != NULL;
}

mig_status_t secret_resolve(const val_t *source, val_t **out, strbuf_t *why)
{
    *out = NULL;
    const struct secret_source *s = source_row(source);
    if (!s) {
        strbuf_puts(why, "not a secret's source: expected {env: NAME}, "
                    "{file: PATH} or {command: [WORDS...]}");
        return MIG_EINVALID;
    }
    return s->resolve(val_map_value(source, 0), out, why);
}
