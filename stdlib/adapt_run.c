/* adapt_run.c: what every adapt.* strategy does around its own rule:
 * reading the failed call and the error's detail, keeping its change and
 * problem lines with their place in the call, checking its schema, and
 * giving the decision (docs/recovery.md). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt_int.h"

/* ---- the failed call ---------------------------------------------------- */

/* The map field NAME of M (a map, or NULL), or NULL. */
static val_t *field(const val_t *m, const char *name)
{
    return m && val_type(m) == VAL_MAP ? val_map_get(m, name, strlen(name))
                                       : NULL;
}

static const char *str_field(const val_t *m, const char *name)
{
    val_t *v = field(m, name);
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

void adapt_call_read(adapt_call_t *c, const val_t *err, const val_t *args,
                     const char *def_argument)
{
    memset(c, 0, sizeof *c);
    val_t *input = field(err, "input"), *detail = field(err, "detail");
    c->input = input && val_type(input) == VAL_MAP ? input : NULL;
    c->detail = detail && val_type(detail) == VAL_MAP ? detail : NULL;
    c->argument = str_field(args, "argument");
    if (!c->argument)
        c->argument = str_field(c->detail, "argument");
    if (!c->argument)
        c->argument = def_argument;
    c->value = field(c->input, c->argument);
    val_t *s = field(args, "schema");
    c->schema_at = "schema";
    if (!s) {
        s = field(c->detail, "schema");
        c->schema_at = "detail.schema";
    }
    c->schema = s;
    val_t *map = field(args, "map");
    c->map = map && val_type(map) == VAL_MAP ? map : NULL;
}

const char *adapt_detail_str(const adapt_call_t *c, const char *name)
{
    return str_field(c->detail, name);
}

/* ---- changes and problems ----------------------------------------------- */

mig_status_t adapt_run_init(adapt_run_t *r, action_ctx_t *ctx,
                            const char *who, const char *root)
{
    r->ctx = ctx;
    r->who = who;
    r->map_name = "the plan's map";
    r->oom = false;
    r->repairs = NULL;
    r->tool = NULL;
    strbuf_init(&r->path);
    strbuf_puts(&r->path, root);
    r->root_len = r->top_end = r->path.len;
    r->changes = val_list_new(0);
    r->problems = val_list_new(0);
    return r->changes && r->problems && !r->path.oom ? MIG_OK : MIG_ENOMEM;
}

void adapt_run_free(adapt_run_t *r)
{
    val_unref(r->changes);
    val_unref(r->problems);
    val_unref(r->repairs);
    strbuf_free(&r->path);
}

/* Appends to LIST a line: the path and ": " when AT_PATH, then FMT. */
static void line(adapt_run_t *r, val_t *list, bool at_path, const char *fmt,
                 va_list ap) __attribute__((format(printf, 4, 0)));
static void line(adapt_run_t *r, val_t *list, bool at_path, const char *fmt,
                 va_list ap)
{
    strbuf_t b;
    strbuf_init(&b);
    if (at_path) {
        if (r->path.len)
            strbuf_put(&b, r->path.data, r->path.len);
        strbuf_puts(&b, ": ");
    }
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (text) {
        vsnprintf(text, (size_t)n + 1, fmt, ap);
        strbuf_put(&b, text, (size_t)n);
        free(text);
    } else {
        b.oom = true;
    }
    val_t *s = b.oom || !list ? NULL : val_string(b.data ? b.data : "", b.len);
    if (!s || val_list_push_take(list, s) != MIG_OK)
        r->oom = true;
    strbuf_free(&b);
}

void adapt_change(adapt_run_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    line(r, r->changes, true, fmt, ap);
    va_end(ap);
}

void adapt_problem(adapt_run_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    line(r, r->problems, true, fmt, ap);
    va_end(ap);
}

void adapt_problem_text(adapt_run_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    line(r, r->problems, false, fmt, ap);
    va_end(ap);
}

size_t adapt_path_key(adapt_run_t *r, const char *key, size_t len)
{
    size_t mark = r->path.len;
    schema_path_key(&r->path, key, len);
    r->oom |= r->path.oom;
    if (mark == r->root_len) {      /* a parameter at the top of the call */
        r->top_end = r->path.len;
        r->top = key;
        r->top_len = len;
    }
    return mark;
}

size_t adapt_path_index(adapt_run_t *r, size_t i)
{
    size_t mark = r->path.len;
    strbuf_printf(&r->path, "[%zu]", i);
    r->oom |= r->path.oom;
    if (mark == r->root_len)
        r->top_end = r->root_len;
    return mark;
}

void adapt_path_pop(adapt_run_t *r, size_t mark)
{
    r->path.len = mark;
    if (r->path.data)
        r->path.data[mark] = '\0';
}

void adapt_put_value(strbuf_t *b, const val_t *v)
{
    strbuf_t t;
    strbuf_init(&t);
    val_format(v, &t);
    size_t n = t.len;
    if (n > ADAPT_SHOWN) {
        n = ADAPT_SHOWN;
        while (n > 0 && ((unsigned char)t.data[n] & 0xc0) == 0x80)
            n--;
    }
    if (t.oom)
        b->oom = true;
    else
        strbuf_put(b, t.data, n);
    if (n < t.len)
        strbuf_puts(b, "...");
    strbuf_free(&t);
}

void adapt_change_value(adapt_run_t *r, const char *fmt, const val_t *v)
{
    strbuf_t b;
    strbuf_init(&b);
    adapt_put_value(&b, v);
    if (b.oom)
        r->oom = true;
    else
        adapt_change(r, fmt, b.data);
    strbuf_free(&b);
}

const char *adapt_a_type(const val_t *v)
{
    static const char *const articled[] = {
        [VAL_NULL] = "null", [VAL_BOOL] = "a bool", [VAL_NUMBER] = "a number",
        [VAL_STRING] = "a string", [VAL_LIST] = "a list", [VAL_MAP] = "a map",
        [VAL_DURATION] = "a duration", [VAL_SECRET] = "a secret",
    };
    return articled[val_type(v)];
}

/* ---- decisions ---------------------------------------------------------- */

/* A new decision map {decision: KIND, changes: R's changes}, or NULL. */
static val_t *decision(adapt_run_t *r, const char *kind)
{
    val_t *d = r->oom ? NULL : val_map_new(3);
    if (d && (val_map_set_take(d, "decision", 8, val_cstring(kind)) != MIG_OK
              || val_map_set(d, "changes", 7, r->changes) != MIG_OK)) {
        val_unref(d);
        d = NULL;
    }
    return d;
}

mig_status_t adapt_retry(adapt_run_t *r, const char *argument,
                         val_t *value, val_t **out)
{
    *out = NULL;
    val_t *input = val_map_new(1);
    if (input
        && val_map_set(input, argument, strlen(argument), value) != MIG_OK) {
        val_unref(input);
        input = NULL;
    }
    val_t *d = input ? decision(r, "retry") : NULL;
    /* set_take consumes INPUT, also when it fails. */
    if (!d || val_map_set_take(d, "input", 5, input) != MIG_OK) {
        if (!d)
            val_unref(input);
        val_unref(d);
        return MIG_ENOMEM;
    }
    if (r->repairs && val_len(r->repairs)
        && val_map_set(d, "repairs", 7, r->repairs) != MIG_OK) {
        val_unref(d);
        return MIG_ENOMEM;
    }
    *out = d;
    return MIG_OK;
}

mig_status_t adapt_fail(adapt_run_t *r, const char *message, val_t **out)
{
    *out = NULL;
    strbuf_t b;
    strbuf_init(&b);
    if (message)
        strbuf_puts(&b, message);
    for (size_t i = 0; !message && i < val_len(r->problems); i++) {
        if (i)
            strbuf_puts(&b, "; ");
        size_t len;
        const char *s = val_get_str(val_list_get(r->problems, i), &len);
        strbuf_put(&b, s, len);
    }
    val_t *d = b.oom ? NULL : decision(r, "fail");
    val_t *m = d ? val_string(b.data ? b.data : "", b.len) : NULL;
    strbuf_free(&b);
    if (!m || val_map_set_take(d, "message", 7, m) != MIG_OK) {
        val_unref(d);
        return MIG_ENOMEM;
    }
    *out = d;
    return MIG_OK;
}

/* ---- the schema --------------------------------------------------------- */

mig_status_t adapt_check_schema(adapt_run_t *r, const adapt_call_t *c)
{
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = schema_check(c->schema, c->schema_at, 0, &why);
    const char *types[ADAPT_MAX_TYPES];
    size_t n = st == MIG_OK ? adapt_types(c->schema, types) : 0;
    bool object = n == 0;
    for (size_t i = 0; i < n; i++)
        object = object || strcmp(types[i], "object") == 0;
    if (st == MIG_OK && !object) {
        strbuf_printf(&why, "%s: 'type' must allow \"object\" (the schema "
                      "describes a map)", c->schema_at);
        st = MIG_EINVALID;
    }
    if (st == MIG_EINVALID)
        st = why.oom ? MIG_ENOMEM
                     : actx_fail(r->ctx, "InvalidConfig", "%s: the schema is "
                                 "not valid: %s", r->who, why.data);
    strbuf_free(&why);
    return st;
}

mig_status_t adapt_validate(adapt_run_t *r, const adapt_call_t *c,
                            const val_t *value)
{
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = schema_validate_at(value, c->schema,
                                         r->path.data ? r->path.data : "", 0,
                                         r->problems, &why);
    if (st == MIG_EINVALID)
        st = why.oom ? MIG_ENOMEM
                     : actx_fail(r->ctx, "InvalidConfig", "%s: the schema is "
                                 "not valid: %s", r->who, why.data);
    strbuf_free(&why);
    return st;
}
