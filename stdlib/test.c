/* test.c: the test.* actions, for demos and mig's own tests: a step that
 * fails on cue, one that takes time, one that counts its calls. They touch
 * no files. */
#include "stdlib_int.h"

static mig_status_t test_fail_preview(action_ctx_t *c, const val_t *args,
                                      val_t **out)
{
    (void)out;
    val_t *times = stdlib_arg(args, "times");
    return actx_would(c, "fail", stdlib_arg_str(args, "class"),
                      "the first %lld call%s",
                      (long long)val_get_number(times),
                      val_get_number(times) == 1 ? "" : "s");
}

static mig_status_t test_sleep_preview(action_ctx_t *c, const val_t *args,
                                       val_t **out)
{
    (void)out;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_put_duration(&b, val_get_ms(stdlib_arg(args, "duration")));
    mig_status_t st = b.oom ? MIG_ENOMEM
                            : actx_would(c, "wait", b.data, "then succeed");
    strbuf_free(&b);
    return st;
}

static mig_status_t test_count_preview(action_ctx_t *c, const val_t *args,
                                       val_t **out)
{
    (void)out;
    return actx_would(c, "count", stdlib_arg_str(args, "name"), "+1");
}

static const action_arg_t fail_args[] = {
    { .name = "times", .types = ACTION_T(NUMBER), .def = "1",
      .doc = "how many calls fail (per step and item) before one succeeds" },
    { .name = "class", .types = ACTION_T(STRING), .def = "\"Transient\"",
      .doc = "the class of the errors" },
    { 0 },
};

static const action_arg_t sleep_args[] = {
    { .name = "duration", .types = ACTION_T(DURATION), .required = true,
      .doc = "how long the call takes" },
    { 0 },
};

static const action_arg_t count_args[] = {
    { .name = "name", .types = ACTION_T(STRING), .required = true,
      .doc = "the counter" },
    { 0 },
};

const action_t stdlib_test_actions[] = {
    { .name = "test.count", .effect = ACTION_SELF_UNDO, .args = count_args,
      .result = ACTION_T(NUMBER), .preview = test_count_preview,
      .doc = "Adds one to the counter NAME in the state store and gives "
             "the new count; undone by taking it back." },
    { .name = "test.fail", .effect = ACTION_PURE, .args = fail_args,
      .result = ACTION_T(NULL), .preview = test_fail_preview,
      .doc = "Fails TIMES times with an error of CLASS, then succeeds." },
    { .name = "test.sleep", .effect = ACTION_PURE, .args = sleep_args,
      .result = ACTION_T(NULL), .preview = test_sleep_preview,
      .doc = "Succeeds after DURATION (a timer, not a blocked thread)." },
};

const size_t stdlib_test_count =
    sizeof stdlib_test_actions / sizeof *stdlib_test_actions;
