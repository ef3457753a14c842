/* exec_args.c: what exec.run (exec.c) gives the process it starts: its
 * argv behind the gate, its environment (a secret's bytes revealed here,
 * where they leave mig: docs/values.md, "Secrets"), its working directory,
 * and whether its program can be found. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stdlib_int.h"

extern char **environ;

/* The gate: reads one line from fd 3, then runs the command ("$@") with
 * fd 3 closed; without the line (mig died, so the pipe's end closed) it
 * exits without running anything. */
static const char gate_script[] =
    "IFS= read -r _ <&3 || exit 125; exec 3<&-; exec \"$@\"";

/* Appends V as the text of one word (a string as it is, a secret
 * revealed), refusing NUL bytes: *OUT gets a malloc'd copy. */
static mig_status_t word(action_ctx_t *c, const val_t *v, const char *what,
                         val_t *secrets, char **out)
{
    strbuf_t b;
    strbuf_init(&b);
    *out = NULL;
    mig_status_t st = val_type(v) == VAL_SECRET
        ? stdlib_reveal(c, "exec.run", v, what, secrets, &b)
        : eval_to_text(v, &b);
    if (st == MIG_OK && b.oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK && b.data && strlen(b.data) != b.len)
        st = actx_fail(c, "InvalidConfig", "exec.run: %s holds a NUL byte",
                       what);
    else if (st == MIG_OK && !(*out = strdup(b.data ? b.data : "")))
        st = MIG_ENOMEM;
    if (b.data)
        explicit_bzero(b.data, b.len);
    strbuf_free(&b);
    return st;
}

void exec_free_words(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* The argv of CMD: /bin/sh -c CMD for a string, the words of a list;
 * GATED, behind the gate (/bin/sh -c GATE mig-exec ARGV...). */
mig_status_t exec_argv(action_ctx_t *c, const val_t *cmd, bool gated,
                              val_t *secrets, char ***out)
{
    static const char *const gate[] = { "/bin/sh", "-c", gate_script,
                                        "mig-exec" };
    bool shell = val_type(cmd) != VAL_LIST;
    size_t n = shell ? 3 : val_len(cmd);
    size_t pre = gated ? sizeof gate / sizeof *gate : 0;
    *out = NULL;
    if (n == 0)
        return actx_fail(c, "InvalidConfig", "exec.run: the command is an "
                         "empty list");
    char **v = calloc(pre + n + 1, sizeof(*v));
    if (!v)
        return MIG_ENOMEM;
    mig_status_t st = MIG_OK;
    for (size_t i = 0; i < pre && st == MIG_OK; i++)
        if (!(v[i] = strdup(gate[i])))
            st = MIG_ENOMEM;
    char **w = v + pre;
    if (st == MIG_OK && shell
        && (!(w[0] = strdup("/bin/sh")) || !(w[1] = strdup("-c"))))
        st = MIG_ENOMEM;
    if (st == MIG_OK && shell)
        st = word(c, cmd, "the command", secrets, &w[2]);
    for (size_t i = 0; !shell && st == MIG_OK && i < n; i++)
        st = word(c, val_list_get(cmd, i), "a word of the command", secrets,
                  &w[i]);
    if (st != MIG_OK) {
        exec_free_words(v);
        return st;
    }
    *out = v;
    return MIG_OK;
}

/* The environment: mig's own, with ENV's entries set (a null value
 * removes the variable). */
mig_status_t exec_env(action_ctx_t *c, const val_t *env,
                             val_t *secrets, char ***out)
{
    size_t n = 0, add = env ? val_len(env) : 0;
    while (environ[n])
        n++;
    char **v = calloc(n + add + 1, sizeof(*v));
    if (!v)
        return MIG_ENOMEM;
    size_t k = 0;
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < n; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t len = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        if (env && val_map_get(env, environ[i], len))
            continue;           /* set (or removed) by ENV */
        if (!(v[k++] = strdup(environ[i])))
            st = MIG_ENOMEM;
    }
    for (size_t i = 0; st == MIG_OK && i < add; i++) {
        size_t len;
        const char *name = val_get_str(val_map_key(env, i), &len);
        val_t *value = val_map_value(env, i);
        if (!len || strchr(name, '=') || strlen(name) != len) {
            st = actx_fail(c, "InvalidConfig", "exec.run: '%s' cannot name "
                           "an environment variable", name);
            break;
        }
        if (val_type(value) == VAL_NULL)
            continue;
        char *text;
        st = word(c, value, "a value of env", secrets, &text);
        if (st != MIG_OK)
            break;
        strbuf_t b;
        strbuf_init(&b);
        strbuf_printf(&b, "%s=%s", name, text);
        explicit_bzero(text, strlen(text));
        free(text);
        if (b.oom)
            st = MIG_ENOMEM;
        else
            v[k++] = b.data;
    }
    if (st != MIG_OK) {
        exec_free_words(v);
        return st;
    }
    *out = v;
    return MIG_OK;
}

/* The working directory: DIR from the base, or the base ("" -> NULL, the
 * current directory). */
mig_status_t exec_cwd(action_ctx_t *c, const char *dir, char **out)
{
    *out = NULL;
    const char *p = actx_path(c, dir ? dir : ".");
    if (!p)
        return MIG_ENOMEM;
    struct stat sb;
    if (stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return actx_fail(c, "MissingDependency", "exec.run: the directory "
                         "'%s' is not there", dir ? dir : ".");
    return (*out = strdup(p)) ? MIG_OK : MIG_ENOMEM;
}

/* 0 when the program PROG can be run with the environment ENV (found on
 * its PATH unless PROG holds a '/', as execvp finds it), else the errno
 * that running it would meet: the gate's shell runs it, so mig looks
 * first and reports a missing program as uv_spawn would. */
int exec_find_program(const char *prog, char **env)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0 ? 0 : errno;
    const char *path = "/usr/local/bin:/usr/bin:/bin";
    for (size_t i = 0; env[i]; i++)
        if (strncmp(env[i], "PATH=", 5) == 0)
            path = env[i] + 5;
    int err = ENOENT;
    strbuf_t b;
    strbuf_init(&b);
    for (const char *p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        b.len = 0;
        strbuf_put(&b, n ? p : ".", n ? n : 1);
        strbuf_putc(&b, '/');
        strbuf_puts(&b, prog);
        if (b.oom)
            break;
        if (access(b.data, X_OK) == 0) {
            err = 0;
            break;
        }
        if (errno == EACCES)
            err = EACCES;
        if (!end)
            break;
        p = end;
    }
    strbuf_free(&b);
    return err;
}
