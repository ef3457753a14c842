/* exec.c: exec.run, which runs a command as a child process of the run's
 * event loop (libuv): its output comes through pipes, a timer stops it,
 * and the call finishes from the loop (runtime.h, actx_suspend). mig
 * cannot know what a command changes, so a step that runs one is undone
 * only by its plan's `undo` (exec.run is plan-undo).
 *
 * A command runs at most once (docs/actions.md, "Run at most once"): it
 * is started behind a gate, a shell that waits for a line on a pipe of
 * its own before it executes the command; mig writes that line only once
 * the journal holds the process (actx_started). If mig dies first, the
 * pipe's end closes and the shell exits without running anything. The
 * `check` argument settles a command that was running when mig died.
 * Its argv, environment and directory are made in exec_args.c. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "stdlib_int.h"

#define EXEC_KEEP (1024 * 1024)     /* bytes of stdout and stderr kept */
#define EXEC_KILL_MS 2000           /* SIGTERM, then SIGKILL this later */
#define EXEC_DRAIN_MS 500           /* output still read after the exit */
#define EXEC_CMD_TEXT 60            /* of the command, in messages */
#define EXEC_TAIL_LINES 5           /* of stderr, in the failure message */
#define EXEC_CHECK_MS 60000         /* a check without the step's timeout */
#define EXEC_GATE_CLOSED 125        /* the gate's shell: mig died first */

/* Appends the command CMD (a string, or a list of words) as text; a
 * secret is "***". */
static void command_text(const val_t *cmd, strbuf_t *out)
{
    if (val_type(cmd) != VAL_LIST) {
        eval_to_text(cmd, out);
        return;
    }
    for (size_t i = 0; i < val_len(cmd); i++) {
        if (i)
            strbuf_putc(out, ' ');
        eval_to_text(val_list_get(cmd, i), out);
    }
}

static mig_status_t exec_run_preview(action_ctx_t *c, const val_t *args,
                                     val_t **out)
{
    (void)out;
    strbuf_t b;
    strbuf_init(&b);
    command_text(stdlib_arg(args, "cmd"), &b);
    const char *dir = stdlib_arg_str(args, "dir");
    mig_status_t st = b.oom ? MIG_ENOMEM
        : actx_would(c, "run", b.data ? b.data : "", "in %s",
                     dir ? dir : "the plan's directory");
    strbuf_free(&b);
    return st;
}

/* ---- one running command ------------------------------------------------ */

typedef struct exec_call {
    action_ctx_t *ctx;
    uv_process_t proc;
    uv_pipe_t pipes[2];         /* the child's stdout and stderr */
    uv_pipe_t gate;             /* its fd 3: a line lets the command run */
    bool gated;                 /* the gate exists (a run, not a check) */
    bool not_started;           /* the journal failed: it was stopped */
    bool checking;              /* a check: the outcome is a bool */
    bool shell;                 /* the command is a string, run by sh -c */
    bool proc_made;             /* uv_spawn was called (PROC to close) */
    uv_timer_t timer;           /* the timeout, the kill, the drain */
    strbuf_t text[2];
    bool cut[2], eof[2];
    int spawn_error;            /* uv_spawn's, or 0 */
    bool exited, timed_out, cancelled, draining;
    int64_t status;
    int term_signal;
    int64_t timeout_ms;
    val_t *secrets;             /* the secrets given to it (a list) */
    unsigned open_handles;      /* closes not yet called back */
    char *cmd;                  /* the command's text, for messages */
    char buf[65536];            /* what the pipes are read into */
} exec_call_t;

static void call_free(exec_call_t *x)
{
    strbuf_free(&x->text[0]);
    strbuf_free(&x->text[1]);
    val_unref(x->secrets);
    free(x->cmd);
    free(x);
}

/* Sends SIG to the command and what it started (its process group). */
static void signal_all(exec_call_t *x, int sig)
{
    if (x->spawn_error || x->proc.pid <= 0)
        return;
    if (uv_kill(-x->proc.pid, sig) != 0 && !x->exited)
        uv_process_kill(&x->proc, sig);
}

/* What the command wrote to stream I, as a new string value. */
static val_t *output(const exec_call_t *x, int i)
{
    strbuf_t b;
    strbuf_init(&b);
    stdlib_put_lossy(&b, x->text[i].data ? x->text[i].data : "", x->text[i].len);
    if (x->cut[i])
        strbuf_puts(&b, b.len && b.data[b.len - 1] != '\n'
                        ? "\n[truncated]\n" : "[truncated]\n");
    val_t *v = b.oom ? NULL : val_string(b.data ? b.data : "", b.len);
    strbuf_free(&b);
    return v;
}

/* Appends the last lines of the command's stderr, indented, for a
 * failure message. */
static void stderr_tail(const exec_call_t *x, strbuf_t *out)
{
    const char *s = x->text[1].data ? x->text[1].data : "";
    size_t end = x->text[1].len;
    while (end && (s[end - 1] == '\n' || s[end - 1] == '\r'))
        end--;
    if (!end) {
        strbuf_puts(out, " (no output on stderr)");
        return;
    }
    size_t start = end;
    for (int lines = 0; start && lines < EXEC_TAIL_LINES; start--)
        if (s[start - 1] == '\n' && ++lines == EXEC_TAIL_LINES)
            break;
    strbuf_puts(out, "; its stderr ends with:");
    for (size_t i = start; i < end;) {
        const char *nl = memchr(s + i, '\n', end - i);
        size_t k = nl ? (size_t)(nl - (s + i)) : end - i;
        strbuf_puts(out, "\n  ");
        stdlib_put_lossy(out, s + i, k);
        i += k + 1;
    }
}

/* A check's outcome: true (it exited 0: the effect is in place), false
 * (it exited 1: it is not), or an error that says why it cannot tell. */
static mig_status_t check_outcome(exec_call_t *x, val_t **result)
{
    action_ctx_t *c = x->ctx;
    if (x->spawn_error)
        return actx_fail(c, "Unavailable", "its check '%s' cannot run: %s",
                         x->cmd, uv_strerror(x->spawn_error));
    if (x->timed_out || x->cancelled)
        return actx_fail(c, "Timeout", "its check '%s' did not finish within "
                         "%lldms; it was stopped", x->cmd,
                         (long long)x->timeout_ms);
    if (!x->term_signal && (x->status == 0 || x->status == 1)) {
        *result = val_bool(x->status == 0);
        return *result ? MIG_OK : MIG_ENOMEM;
    }
    strbuf_t m;
    strbuf_init(&m);
    if (x->term_signal)
        strbuf_printf(&m, "its check '%s' was killed by signal %d", x->cmd,
                      x->term_signal);
    else
        strbuf_printf(&m, "its check '%s' exited with status %lld, neither "
                      "0 (in place) nor 1 (not in place)", x->cmd,
                      (long long)x->status);
    stderr_tail(x, &m);
    mig_status_t st = m.oom ? MIG_ENOMEM : actx_fail(c, "Unavailable", "%s",
                                                     m.data);
    strbuf_free(&m);
    return st;
}

/* The call's outcome, once every handle is closed: the result map, or the
 * error on the context. */
static mig_status_t outcome(exec_call_t *x, val_t **result)
{
    *result = NULL;
    action_ctx_t *c = x->ctx;
    for (int i = 0; i < 2 && x->secrets; i++)
        stdlib_scrub(&x->text[i], x->secrets, x->cut[i]);
    if (x->checking)
        return check_outcome(x, result);
    if (x->not_started)
        return actx_fail(c, "Unavailable", "exec.run: '%s' did not start: "
                         "the journal could not record its process", x->cmd);
    if (x->spawn_error) {
        int e = x->spawn_error;
        return actx_fail(c, e == UV_ENOENT ? "MissingDependency"
                            : e == UV_EACCES || e == UV_EPERM ? "PolicyDenied"
                            : "Unavailable",
                         "exec.run: cannot run '%s': %s", x->cmd,
                         uv_strerror(e));
    }
    if (x->timed_out) {
        strbuf_t d;
        strbuf_init(&d);
        strbuf_put_duration(&d, x->timeout_ms);
        mig_status_t st = d.oom ? MIG_ENOMEM
            : actx_fail(c, "Timeout", "exec.run: '%s' did not finish within "
                        "%s; it was stopped", x->cmd, d.data);
        strbuf_free(&d);
        return st;
    }
    if (x->cancelled)
        return actx_fail(c, "Timeout", "exec.run: '%s' was cancelled; it was "
                         "stopped", x->cmd);
    int64_t status = x->term_signal ? 128 + x->term_signal : x->status;
    if (status != 0) {
        strbuf_t m;
        strbuf_init(&m);
        if (x->term_signal)
            strbuf_printf(&m, "exec.run: '%s' was killed by signal %d",
                          x->cmd, x->term_signal);
        else
            strbuf_printf(&m, "exec.run: '%s' exited with status %lld",
                          x->cmd, (long long)status);
        stderr_tail(x, &m);
        mig_status_t st = m.oom ? MIG_ENOMEM
                                : actx_fail(c, "Unavailable", "%s", m.data);
        strbuf_free(&m);
        return st;
    }
    val_t *map = val_map_new(3);
    mig_status_t st = map ? val_map_set_take(map, "status", 6, val_int(0))
                          : MIG_ENOMEM;
    val_t *o = st == MIG_OK ? output(x, 0) : NULL;
    if (st == MIG_OK)
        st = o ? val_map_set_take(map, "stdout", 6, o) : MIG_ENOMEM;
    val_t *e = st == MIG_OK ? output(x, 1) : NULL;
    if (st == MIG_OK)
        st = e ? val_map_set_take(map, "stderr", 6, e) : MIG_ENOMEM;
    if (st != MIG_OK) {
        val_unref(map);
        return st;
    }
    *result = map;
    return MIG_OK;
}

static void on_closed(uv_handle_t *h)
{
    exec_call_t *x = h->data;
    if (--x->open_handles)
        return;
    val_t *result;
    mig_status_t st = outcome(x, &result);
    action_ctx_t *c = x->ctx;
    call_free(x);
    actx_finish(c, st, result);
}

/* Closes every handle; the last close finishes the call. */
static void close_all(exec_call_t *x)
{
    uv_handle_t *hs[] = { x->proc_made ? (uv_handle_t *)&x->proc : NULL,
                          (uv_handle_t *)&x->pipes[0],
                          (uv_handle_t *)&x->pipes[1],
                          (uv_handle_t *)&x->timer,
                          x->gated ? (uv_handle_t *)&x->gate : NULL };
    for (size_t i = 0; i < sizeof hs / sizeof *hs; i++)
        if (hs[i] && !uv_is_closing(hs[i])) {
            x->open_handles++;
            uv_close(hs[i], on_closed);
        }
}

static void on_drained(uv_timer_t *t)
{
    close_all(t->data);
}

/* Ends the call once the command has exited and both pipes are read to
 * their end; output still held open by something the command left
 * running is read for EXEC_DRAIN_MS more. */
static void maybe_done(exec_call_t *x)
{
    if (!x->exited || uv_is_closing((uv_handle_t *)&x->timer))
        return;
    if (x->eof[0] && x->eof[1]) {
        close_all(x);
    } else if (!x->draining) {
        x->draining = true;
        uv_timer_start(&x->timer, on_drained, EXEC_DRAIN_MS, 0);
    }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    exec_call_t *x = h->data;
    *buf = uv_buf_init(x->buf, sizeof x->buf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    exec_call_t *x = s->data;
    int i = s == (uv_stream_t *)&x->pipes[0] ? 0 : 1;
    if (n > 0) {
        size_t room = EXEC_KEEP - x->text[i].len;
        size_t keep = (size_t)n < room ? (size_t)n : room;
        strbuf_put(&x->text[i], buf->base, keep);
        if (keep < (size_t)n)
            x->cut[i] = true;   /* read on, so the command never blocks */
    } else if (n < 0) {
        x->eof[i] = true;
        uv_read_stop(s);
        maybe_done(x);
    }
}

static void on_kill(uv_timer_t *t)
{
    signal_all(t->data, SIGKILL);
}

/* Stops the command: SIGTERM now, SIGKILL EXEC_KILL_MS later. */
static void stop(exec_call_t *x)
{
    signal_all(x, SIGTERM);
    uv_timer_start(&x->timer, on_kill, EXEC_KILL_MS, 0);
}

static void on_timeout(uv_timer_t *t)
{
    exec_call_t *x = t->data;
    x->timed_out = true;
    stop(x);
}

static void on_cancel(action_ctx_t *c, void *data)
{
    (void)c;
    exec_call_t *x = data;
    if (x->exited)
        return;                 /* only its output is still being read */
    x->cancelled = true;
    stop(x);
}

static void on_child_exit(uv_process_t *p, int64_t status, int term_signal)
{
    exec_call_t *x = p->data;
    x->exited = true;
    x->status = status;
    x->term_signal = term_signal;
    uv_timer_stop(&x->timer);
    if (x->timed_out || x->cancelled)
        signal_all(x, SIGKILL); /* what it left behind */
    maybe_done(x);
}

/* Lets the gated command run: the line its gate waits for. Whether it
 * could. */
static bool open_gate(void *data, bool journaled)
{
    exec_call_t *x = data;
    if (!journaled) {
        /* The journal could not record the process: it never begins. */
        x->not_started = true;
        signal_all(x, SIGKILL);
        return false;
    }
    /* send, not write: a gate whose shell died (killed from outside) is
     * an error here, not a SIGPIPE that would kill mig. libuv's pipes to
     * a child are socket pairs; a plain pipe falls back to write. */
    uv_os_fd_t fd;
    ssize_t n = -1;
    if (uv_fileno((uv_handle_t *)&x->gate, &fd) == 0) {
        n = send(fd, "\n", 1, MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK)
            n = write(fd, "\n", 1);
    }
    if (n != 1) {
        x->not_started = true;
        signal_all(x, SIGKILL);
    }
    return n == 1;
}

/* Starts the command (handles made, pipes read, timer set). Every failure
 * after the handles exist goes through close_all and finishes the call
 * from the loop. */
static void start(exec_call_t *x, uv_loop_t *loop, char **argv, char **env,
                  char *cwd)
{
    uv_pipe_init(loop, &x->pipes[0], 0);
    uv_pipe_init(loop, &x->pipes[1], 0);
    uv_timer_init(loop, &x->timer);
    if (x->gated)
        uv_pipe_init(loop, &x->gate, 0);
    x->proc.data = x->pipes[0].data = x->pipes[1].data = x->timer.data = x;
    x->gate.data = x;
    uv_stdio_container_t stdio[4] = {
        { .flags = UV_IGNORE },
        { .flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE,
          .data.stream = (uv_stream_t *)&x->pipes[0] },
        { .flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE,
          .data.stream = (uv_stream_t *)&x->pipes[1] },
        { .flags = UV_CREATE_PIPE | UV_READABLE_PIPE,
          .data.stream = (uv_stream_t *)&x->gate },
    };
    /* A process group of its own (detached): stopping the command stops
     * what it started, and a resume finds them all by the group. */
    uv_process_options_t o = {
        .exit_cb = on_child_exit, .file = argv[0], .args = argv, .env = env,
        .cwd = cwd, .flags = UV_PROCESS_DETACHED,
        .stdio_count = x->gated ? 4 : 3, .stdio = stdio,
    };
    /* Behind the gate, the program the shell will run is looked for
     * first (the list form; a string's shell is /bin/sh). */
    int missing = x->gated && !x->shell ? exec_find_program(argv[4], env) : 0;
    x->proc_made = !missing;
    x->spawn_error = missing ? uv_translate_sys_error(missing)
                             : uv_spawn(loop, &x->proc, &o);
    x->proc.data = x;
    if (x->spawn_error) {
        close_all(x);
        return;
    }
    /* The journal holds the process before the gate lets it run. */
    if (x->gated && actx_started(x->ctx, x->proc.pid, x->proc.pid, open_gate,
                                 x) != MIG_OK) {
        x->not_started = true;
        signal_all(x, SIGKILL);
    }
    for (int i = 0; i < 2; i++)
        if (uv_read_start((uv_stream_t *)&x->pipes[i], on_alloc, on_read))
            x->eof[i] = true;
    if (x->timeout_ms >= 0)
        uv_timer_start(&x->timer, on_timeout, (uint64_t)x->timeout_ms, 0);
}

/* Starts CMD with the dir and env of ARGS, stopped after TIMEOUT_MS (-1:
 * never): the command of a step behind its gate, or (CHECKING) its check,
 * whose outcome is a bool. The call finishes later (actx_suspend). */
static mig_status_t exec_start(action_ctx_t *c, const val_t *args,
                               const val_t *cmd, int64_t timeout_ms,
                               bool checking)
{
    const actx_host_t *host = actx_host(c);
    if (actx_mode(c) == ACTX_PREVIEW || !host || !host->loop)
        return actx_fail(c, "Unavailable", "exec.run: commands run only in "
                         "a run, with its event loop");
    char **argv = NULL, **env = NULL, *cwd = NULL;
    val_t *secrets = val_list_new(0);
    mig_status_t st = secrets ? exec_argv(c, cmd, !checking, secrets, &argv)
                              : MIG_ENOMEM;
    if (st == MIG_OK)
        st = exec_env(c, stdlib_arg(args, "env"), secrets, &env);
    if (st == MIG_OK)
        st = exec_cwd(c, stdlib_arg_str(args, "dir"), &cwd);
    exec_call_t *x = st == MIG_OK ? calloc(1, sizeof(*x)) : NULL;
    strbuf_t text;
    strbuf_init(&text);
    command_text(cmd, &text);
    if (text.len > EXEC_CMD_TEXT) {
        text.len = EXEC_CMD_TEXT;
        while (text.len && ((unsigned char)text.data[text.len] & 0xC0) == 0x80)
            text.len--;         /* not inside a character */
        text.data[text.len] = '\0';
        strbuf_puts(&text, "...");
    }
    if (st == MIG_OK && (!x || text.oom))
        st = MIG_ENOMEM;
    if (st == MIG_OK) {
        x->ctx = c;
        x->cmd = text.data;
        text.data = NULL;
        x->timeout_ms = timeout_ms;
        x->gated = !checking;
        x->checking = checking;
        x->shell = val_type(cmd) != VAL_LIST;
        x->secrets = secrets;
        secrets = NULL;
        actx_suspend(c, on_cancel, x);
        start(x, host->loop, argv, env, cwd);
    } else {
        free(x);
    }
    strbuf_free(&text);
    val_unref(secrets);
    exec_free_words(argv);
    exec_free_words(env);
    free(cwd);
    return st;
}

/* The step's timeout in ms, or DEFAULT_MS when it has none. */
static int64_t timeout_of(const val_t *args, int64_t default_ms)
{
    val_t *timeout = stdlib_arg(args, "timeout");
    if (!timeout)
        return default_ms;
    int64_t ms = val_get_ms(timeout);
    return ms < 0 ? 0 : ms;
}

static mig_status_t exec_run(action_ctx_t *c, const val_t *args, val_t **out)
{
    (void)out;
    return exec_start(c, args, stdlib_arg(args, "cmd"), timeout_of(args, -1),
                      false);
}

/* Settles a command that was running when mig died (the runtime has
 * stopped what was left of it): runs its check, which exits 0 when the
 * command's effect is in place (*OUT true) and 1 when it is not (false).
 * Without a check, or when the check says anything else, fails: mig must
 * ask. */
static mig_status_t exec_applied(action_ctx_t *c, const val_t *args,
                                 val_t **out)
{
    (void)out;
    const val_t *check = stdlib_arg(args, "check");
    if (!check)
        return actx_fail(c, "Unavailable", "it has no check: argument that "
                         "would tell");
    return exec_start(c, args, check, timeout_of(args, EXEC_CHECK_MS), true);
}

/* ---- the table ---------------------------------------------------------- */

static const action_arg_t exec_run_args[] = {
    { .name = "cmd", .types = ACTION_T(STRING) | ACTION_T(LIST),
      .required = true, .secrets = true,
      .doc = "a shell command line (run by /bin/sh -c), or a list of words "
             "run as they are, without a shell" },
    { .name = "dir", .types = ACTION_T(STRING),
      .doc = "the working directory, relative to the plan's directory" },
    { .name = "env", .types = ACTION_T(MAP), .secrets = true,
      .doc = "variables added to the environment (null removes one)" },
    { .name = "timeout", .types = ACTION_T(DURATION),
      .doc = "stop the command after this long (SIGTERM, SIGKILL 2s later; "
             "a Timeout error)" },
    { .name = "manages", .types = ACTION_T(LIST),
      .doc = "the paths the command changes: their states are journaled "
             "before and after it, and a rollback verifies them" },
    { .name = "check", .types = ACTION_T(STRING) | ACTION_T(LIST),
      .secrets = true,
      .doc = "a command that settles this one after a crash: it exits 0 "
             "when the command's effect is in place, 1 when it is not "
             "(run only on resume or rollback, in the same dir and env)" },
    { 0 },
};

const action_t stdlib_exec_actions[] = {
    { .name = "exec.run", .effect = ACTION_PLAN_UNDO, .args = exec_run_args,
      .result = ACTION_T(MAP), .preview = exec_run_preview, .run = exec_run,
      .applied = exec_applied, .reports_start = true,
      .doc = "Runs a command; gives {status, stdout, stderr} (each kept up "
             "to 1 MiB, then \"[truncated]\"). A non-zero status is an "
             "Unavailable error that quotes the end of stderr." },
};

const size_t stdlib_exec_count =
    sizeof stdlib_exec_actions / sizeof *stdlib_exec_actions;
