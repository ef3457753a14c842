/* exec.c: exec.run, which runs a command. mig cannot know what a command
 * changes, so a step that runs one is undone only by its plan's `undo`
 * (exec.run is plan-undo). Its run comes with the runtime's process
 * handling (libuv). */
#include "stdlib_int.h"

/* Appends the command CMD (a string, or a list of words) as text. */
static void command_text(const val_t *cmd, strbuf_t *out)
{
    if (val_type(cmd) == VAL_STRING) {
        strbuf_puts(out, val_get_str(cmd, NULL));
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

static const action_arg_t exec_run_args[] = {
    { .name = "cmd", .types = ACTION_T(STRING) | ACTION_T(LIST),
      .required = true,
      .doc = "a shell command line (run by /bin/sh -c), or a list of words "
             "run as they are, without a shell" },
    { .name = "dir", .types = ACTION_T(STRING),
      .doc = "the working directory, relative to the plan's directory" },
    { .name = "env", .types = ACTION_T(MAP),
      .doc = "variables added to the environment" },
    { .name = "timeout", .types = ACTION_T(DURATION),
      .doc = "stop the command after this long (a Timeout error)" },
    { 0 },
};

const action_t stdlib_exec_actions[] = {
    { .name = "exec.run", .effect = ACTION_PLAN_UNDO, .args = exec_run_args,
      .result = ACTION_T(MAP), .preview = exec_run_preview,
      .doc = "Runs a command; gives {status, stdout, stderr}. A non-zero "
             "status is an Unavailable error." },
};

const size_t stdlib_exec_count =
    sizeof stdlib_exec_actions / sizeof *stdlib_exec_actions;
