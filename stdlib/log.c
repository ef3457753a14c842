/* log.c: log.info, log.warn and log.error write a line to the run's event
 * log (a `log` event of the step, docs/state.md) that `mig run` prints and
 * `mig log` shows. They change no managed state, so they are pure: a dry
 * run logs nothing, and expressions may call them. */
#include <string.h>

#include "stdlib_int.h"

/* The level: the row's name after "log." (actx_action). */
static const char *log_level(action_ctx_t *c)
{
    const action_t *row = actx_action(c);
    return row ? strchr(row->name, '.') + 1 : "info";
}

/* A dry run logs nothing: it says what the line would be ("would log
 * warn: ..."), which is no change. */
static mig_status_t log_preview(action_ctx_t *c, const val_t *args,
                                val_t **out)
{
    strbuf_t b;
    strbuf_init(&b);
    eval_to_text(stdlib_arg(args, "message"), &b);
    mig_status_t st = b.oom ? MIG_ENOMEM
        : actx_would(c, "log", log_level(c), "%s", b.data ? b.data : "");
    strbuf_free(&b);
    *out = st == MIG_OK ? val_null() : NULL;
    return st;
}

static mig_status_t log_run(action_ctx_t *c, const val_t *args, val_t **out)
{
    const char *level = log_level(c);
    strbuf_t b;
    strbuf_init(&b);
    eval_to_text(stdlib_arg(args, "message"), &b);
    mig_status_t st = b.oom ? MIG_ENOMEM
                            : actx_log(c, level, b.data ? b.data : "");
    strbuf_free(&b);
    *out = st == MIG_OK ? val_null() : NULL;
    return st;
}

static const action_arg_t log_args[] = {
    { .name = "message", .types = ACTION_T_ANY, .required = true,
      .secrets = true,
      .doc = "the text (any other value is written as ${} would; a secret "
             "as ***)" },
    { 0 },
};

const action_t stdlib_log_actions[] = {
    { .name = "log.error", .effect = ACTION_PURE, .args = log_args,
      .result = ACTION_T(NULL), .preview = log_preview, .run = log_run,
      .doc = "Writes MESSAGE to the run's log as an error line (the step "
             "does not fail)." },
    { .name = "log.info", .effect = ACTION_PURE, .args = log_args,
      .result = ACTION_T(NULL), .preview = log_preview, .run = log_run,
      .doc = "Writes MESSAGE to the run's log." },
    { .name = "log.warn", .effect = ACTION_PURE, .args = log_args,
      .result = ACTION_T(NULL), .preview = log_preview, .run = log_run,
      .doc = "Writes MESSAGE to the run's log as a warning." },
};

const size_t stdlib_log_count =
    sizeof stdlib_log_actions / sizeof *stdlib_log_actions;
