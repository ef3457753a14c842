/* test.c: the test.* actions, for demos and mig's own tests: a step that
 * fails on cue, one that takes time (a timer of the run's loop), one that
 * counts its calls in the state store. They touch no files. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

/* How often test.sleep looks for its UNTIL file (ms). */
#define SLEEP_POLL_MS 10

typedef struct sleep_call {
    action_ctx_t *ctx;
    uv_timer_t timer;
    int64_t ms;
    uint64_t end;               /* the loop's time it succeeds at */
    char *until;                /* NULL: none; else the absolute path */
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
    free(s->until);
    free(s);
    actx_finish(c, st, st == MIG_OK ? val_null() : NULL);
}

/* The duration has passed, or (with UNTIL) a poll: done when the file is
 * there or the time is up. */
static void sleep_done(uv_timer_t *t)
{
    sleep_call_t *s = t->data;
    if (s->until && access(s->until, F_OK) != 0
        && uv_now(t->loop) < s->end) {
        uint64_t left = s->end - uv_now(t->loop);
        uv_timer_start(t, sleep_done,
                       left < SLEEP_POLL_MS ? left : SLEEP_POLL_MS, 0);
        return;
    }
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
    const char *until = stdlib_arg_str(args, "until");
    const char *path = until ? actx_path(c, until) : NULL;
    if (!s || (until && (!path || !(s->until = strdup(path))))) {
        free(s);
        return MIG_ENOMEM;
    }
    s->ctx = c;
    s->ms = val_get_ms(stdlib_arg(args, "duration"));
    uint64_t ms = s->ms > 0 ? (uint64_t)s->ms : 0;
    uv_timer_init(host->loop, &s->timer);
    s->timer.data = s;
    s->end = uv_now(host->loop) + ms;
    actx_suspend(c, sleep_cancel, s);
    uv_timer_start(&s->timer, sleep_done,
                   s->until && ms > SLEEP_POLL_MS ? 0 : ms, 0);
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
    const action_t *row = actx_action(c);
    const char *who = row ? row->name : "test.count";
    if (!host || !host->counter_add)
        return actx_fail(c, "Unavailable", "%s: there is no state store to "
                         "count '%s' in", who, name);
    mig_status_t st = host->counter_add(host->data, name, delta, value);
    if (st == MIG_OK || st == MIG_ENOMEM)
        return st;
    return actx_fail(c, "Unavailable", "%s: cannot change the counter '%s' "
                     "in the state store", who, name);
}

/* The undo record {name, before} of counter NAME as it stands now. */
static mig_status_t count_record(action_ctx_t *c, const char *name,
                                 val_t **out)
{
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

static mig_status_t test_count_capture(action_ctx_t *c, const val_t *args,
                                       val_t **out)
{
    return count_record(c, stdlib_arg_str(args, "name"), out);
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

/* ---- test.register ------------------------------------------------------ */

/* A registry of names for tests of dependencies: registering NAME needs
 * every name of REQUIRES registered first (else MissingDependency, whose
 * detail lists them: docs/recovery.md). A name is registered while its
 * counter "register:NAME" in the state store is above zero; the undo
 * record is test.count's ({name, before}), so undo is exact the same
 * way. */

#define REGISTER_PREFIX "register:"

/* The counter of registered name NAME, in OUT (replacing its text). */
static void register_key(const char *name, strbuf_t *out)
{
    out->len = 0;
    strbuf_puts(out, REGISTER_PREFIX);
    strbuf_puts(out, name);
}

static mig_status_t test_register_preview(action_ctx_t *c, const val_t *args,
                                          val_t **out)
{
    (void)out;
    return actx_would(c, "register", stdlib_arg_str(args, "name"),
                      "after %zu requirement(s)",
                      val_len(stdlib_arg(args, "requires")));
}

static mig_status_t test_register_capture(action_ctx_t *c, const val_t *args,
                                          val_t **out)
{
    strbuf_t key;
    strbuf_init(&key);
    register_key(stdlib_arg_str(args, "name"), &key);
    mig_status_t st = key.oom ? MIG_ENOMEM : count_record(c, key.data, out);
    strbuf_free(&key);
    return st;
}

static mig_status_t test_register_run(action_ctx_t *c, const val_t *args,
                                      val_t **out)
{
    const char *name = stdlib_arg_str(args, "name");
    val_t *requires = stdlib_arg(args, "requires");
    val_t *missing = val_list_new(0);
    strbuf_t key, text;
    strbuf_init(&key);
    strbuf_init(&text);
    mig_status_t st = missing ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(requires); i++) {
        val_t *need = val_list_get(requires, i);
        if (val_type(need) != VAL_STRING) {
            st = actx_fail(c, "InvalidConfig", "test.register: requires[%zu] "
                           "is %s, not a name", i,
                           val_type_name(val_type(need)));
            break;
        }
        register_key(val_get_str(need, NULL), &key);
        int64_t n = 0;
        st = key.oom ? MIG_ENOMEM : count_add(c, key.data, 0, &n);
        if (st == MIG_OK && n <= 0) {
            strbuf_printf(&text, "%s%s", text.len ? ", " : "",
                          val_get_str(need, NULL));
            st = val_list_push(missing, need);
        }
    }
    if (st == MIG_OK && val_len(missing)) {
        st = text.oom ? MIG_ENOMEM
            : actx_fail(c, "MissingDependency", "test.register: '%s' needs "
                        "what is not registered yet: %s", name, text.data);
        val_t *detail = val_map_new(1);
        if (detail && val_map_set(detail, "missing", 7, missing) == MIG_OK)
            actx_set_error_detail(c, detail);
        else
            val_unref(detail);
    } else if (st == MIG_OK) {
        int64_t n;
        register_key(name, &key);
        st = key.oom ? MIG_ENOMEM : count_add(c, key.data, 1, &n);
        if (st == MIG_OK && !(*out = val_cstring(name)))
            st = MIG_ENOMEM;
    }
    val_unref(missing);
    strbuf_free(&key);
    strbuf_free(&text);
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
    { .name = "until", .types = ACTION_T(STRING),
      .doc = "a file (from the plan's folder) whose existence ends the "
             "call before DURATION has passed: a gate a test opens" },
    { 0 },
};

static const action_arg_t count_args[] = {
    { .name = "name", .types = ACTION_T(STRING), .required = true,
      .doc = "the counter" },
    { 0 },
};

static const action_arg_t register_args[] = {
    { .name = "name", .types = ACTION_T(STRING), .required = true,
      .doc = "the name to register" },
    { .name = "requires", .types = ACTION_T(LIST), .def = "[]",
      .doc = "the names that must be registered first" },
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
    { .name = "test.register", .effect = ACTION_SELF_UNDO,
      .args = register_args, .result = ACTION_T(STRING),
      .preview = test_register_preview, .capture = test_register_capture,
      .run = test_register_run, .undo = test_count_undo,
      .doc = "Registers NAME in a registry kept in the state store, for "
             "tests of dependencies: fails with MissingDependency, naming "
             "them, while a name of REQUIRES is not registered; undo "
             "unregisters it." },
    { .name = "test.sleep", .effect = ACTION_PURE, .args = sleep_args,
      .result = ACTION_T(NULL), .preview = test_sleep_preview,
      .run = test_sleep_run,
      .doc = "Succeeds after DURATION (a timer, not a blocked thread), or "
             "as soon as the file UNTIL exists; stopped early (a step "
             "timeout), it fails with Timeout." },
};

const size_t stdlib_test_count =
    sizeof stdlib_test_actions / sizeof *stdlib_test_actions;
