/* test.c: the test.* actions, for demos and mig's own tests: a step that
 * fails on cue, one that takes time (a timer of the run's loop), one that
 * counts its calls in the state store. They touch no files. */
#include <stdlib.h>
#include <uv.h>

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

/* ---- test.fail ---------------------------------------------------------- */

/* Fails while the attempt (runtime.h, actx_attempt) is at most TIMES. */
static mig_status_t test_fail_run(action_ctx_t *c, const val_t *args,
                                  val_t **out)
{
    val_t *times = stdlib_arg(args, "times");
    uint32_t attempt = actx_attempt(c);
    if ((double)attempt > val_get_number(times)) {
        *out = val_null();
        return MIG_OK;
    }
    strbuf_t b;
    strbuf_init(&b);
    eval_to_text(times, &b);
    mig_status_t st = b.oom ? MIG_ENOMEM
        : actx_fail(c, stdlib_arg_str(args, "class"), "test.fail: failing on "
                    "purpose (attempt %u, fails %s time(s))", attempt, b.data);
    strbuf_free(&b);
    return st;
}

/* ---- test.sleep --------------------------------------------------------- */

typedef struct sleep_call {
    action_ctx_t *ctx;
    uv_timer_t timer;
    int64_t ms;
    bool cancelled;
} sleep_call_t;

/* The timer is closed: the call finishes. */
static void sleep_closed(uv_handle_t *h)
{
    sleep_call_t *s = h->data;
    action_ctx_t *c = s->ctx;
    mig_status_t st = MIG_OK;
    if (s->cancelled) {
        strbuf_t b;
        strbuf_init(&b);
        strbuf_put_duration(&b, s->ms);
        st = b.oom ? MIG_ENOMEM
                   : actx_fail(c, "Timeout", "test.sleep: stopped before %s "
                               "had passed", b.data);
        strbuf_free(&b);
    }
    free(s);
    actx_finish(c, st, st == MIG_OK ? val_null() : NULL);
}

static void sleep_done(uv_timer_t *t)
{
    uv_close((uv_handle_t *)t, sleep_closed);
}

static void sleep_cancel(action_ctx_t *c, void *data)
{
    (void)c;
    sleep_call_t *s = data;
    if (uv_is_closing((uv_handle_t *)&s->timer))
        return;                 /* it has just run out */
    s->cancelled = true;
    uv_timer_stop(&s->timer);
    uv_close((uv_handle_t *)&s->timer, sleep_closed);
}

static mig_status_t test_sleep_run(action_ctx_t *c, const val_t *args,
                                   val_t **out)
{
    (void)out;
    const actx_host_t *host = actx_host(c);
    if (!host || !host->loop)
        return actx_fail(c, "Unavailable", "test.sleep: it waits only in a "
                         "run, with its event loop");
    sleep_call_t *s = calloc(1, sizeof(*s));
    if (!s)
        return MIG_ENOMEM;
    s->ctx = c;
    s->ms = val_get_ms(stdlib_arg(args, "duration"));
    uv_timer_init(host->loop, &s->timer);
    s->timer.data = s;
    actx_suspend(c, sleep_cancel, s);
    uv_timer_start(&s->timer, sleep_done, s->ms > 0 ? (uint64_t)s->ms : 0, 0);
    return MIG_OK;
}

/* ---- test.count --------------------------------------------------------- */

/* Its undo record is {name, before}: the count capture found. Undo puts
 * that count back by adding the difference, so undoing twice, or undoing
 * a call that never ran, changes nothing. (When items of a parallel
 * foreach count the same name, undoing only some of them puts back the
 * count the oldest of those saw: rolling back past all of them is exact.)
 * It has no `applied`: whether the count holds this call's one cannot be
 * told from the count, so a call in flight at a crash is undone and run
 * again. */

/* Adds DELTA to the counter NAME through the host: *VALUE the count. */
static mig_status_t count_add(action_ctx_t *c, const char *name,
                              int64_t delta, int64_t *value)
{
    const actx_host_t *host = actx_host(c);
    if (!host || !host->counter_add)
        return actx_fail(c, "Unavailable", "test.count: there is no state "
                         "store to count '%s' in", name);
    mig_status_t st = host->counter_add(host->data, name, delta, value);
    if (st == MIG_OK || st == MIG_ENOMEM)
        return st;
    return actx_fail(c, "Unavailable", "test.count: cannot change the counter "
                     "'%s' in the state store", name);
}

static mig_status_t test_count_capture(action_ctx_t *c, const val_t *args,
                                       val_t **out)
{
    const char *name = stdlib_arg_str(args, "name");
    int64_t before;
    mig_status_t st = count_add(c, name, 0, &before);
    val_t *rec = st == MIG_OK ? val_map_new(2) : NULL;
    if (st == MIG_OK && !rec)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(rec, "name", 4, val_cstring(name));
    if (st == MIG_OK)
        st = val_map_set_take(rec, "before", 6, val_int(before));
    if (st != MIG_OK) {
        val_unref(rec);
        return st;
    }
    *out = rec;
    return MIG_OK;
}

static mig_status_t test_count_run(action_ctx_t *c, const val_t *args,
                                   val_t **out)
{
    int64_t now;
    mig_status_t st = count_add(c, stdlib_arg_str(args, "name"), 1, &now);
    if (st == MIG_OK && !(*out = val_int(now)))
        st = MIG_ENOMEM;
    return st;
}

static mig_status_t test_count_undo(action_ctx_t *c, const val_t *rec,
                                    val_t **out)
{
    const char *name = stdlib_arg_str(rec, "name");
    val_t *before = stdlib_arg(rec, "before");
    if (!name || !before || !val_is_int(before))
        return actx_fail(c, "InvalidConfig", "test.count: a malformed undo "
                         "record (no name or before)");
    int64_t now;
    mig_status_t st = count_add(c, name, 0, &now);
    if (st == MIG_OK && now != val_get_int(before))
        st = count_add(c, name, val_get_int(before) - now, &now);
    if (st == MIG_OK)
        *out = val_null();
    return st;
}

/* ---- the table ---------------------------------------------------------- */

static const action_arg_t fail_args[] = {
    { .name = "times", .types = ACTION_T(NUMBER), .def = "1",
      .doc = "how many attempts fail (of its retry block) before one "
             "succeeds" },
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
      .capture = test_count_capture, .run = test_count_run,
      .undo = test_count_undo,
      .doc = "Adds one to the counter NAME in the state store and gives "
             "the new count; undo puts back the count it found." },
    { .name = "test.fail", .effect = ACTION_PURE, .args = fail_args,
      .result = ACTION_T(NULL), .preview = test_fail_preview,
      .run = test_fail_run,
      .doc = "Fails with an error of CLASS on attempts 1 to TIMES (of its "
             "retry block), then succeeds." },
    { .name = "test.sleep", .effect = ACTION_PURE, .args = sleep_args,
      .result = ACTION_T(NULL), .preview = test_sleep_preview,
      .run = test_sleep_run,
      .doc = "Succeeds after DURATION (a timer, not a blocked thread); "
             "stopped early (a step timeout), it fails with Timeout." },
};

const size_t stdlib_test_count =
    sizeof stdlib_test_actions / sizeof *stdlib_test_actions;
