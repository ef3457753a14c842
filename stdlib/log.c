/* log.c: log.info, log.warn and log.error write a line to the run's event
 * log. They change no managed state, so they are pure: a dry run skips
 * them, and expressions may call them. */
#include "stdlib_int.h"

/* A dry run logs nothing. */
static mig_status_t log_preview(action_ctx_t *c, const val_t *args,
                                val_t **out)
{
    (void)c, (void)args;
    *out = val_null();
    return MIG_OK;
}

static const action_arg_t log_args[] = {
    { .name = "message", .types = ACTION_T_ANY, .required = true,
      .doc = "the text (any other value is written as ${} would)" },
    { 0 },
};

const action_t stdlib_log_actions[] = {
    { .name = "log.error", .effect = ACTION_PURE, .args = log_args,
      .result = ACTION_T(NULL), .preview = log_preview,
      .doc = "Writes MESSAGE to the run's log as an error line." },
    { .name = "log.info", .effect = ACTION_PURE, .args = log_args,
      .result = ACTION_T(NULL), .preview = log_preview,
      .doc = "Writes MESSAGE to the run's log." },
    { .name = "log.warn", .effect = ACTION_PURE, .args = log_args,
      .result = ACTION_T(NULL), .preview = log_preview,
      .doc = "Writes MESSAGE to the run's log as a warning." },
};

const size_t stdlib_log_count =
    sizeof stdlib_log_actions / sizeof *stdlib_log_actions;
