/* config_schema.c: the schema of mig.yaml (docs/configuration.md) as
 * tables, and the check that walks a document against them: every error
 * at its file:line:col, unknown keys with "did you mean", wrong types,
 * values out of range, and deprecated keys with their replacement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

typedef enum ckind {
    CK_INT,         /* a whole number from MIN to MAX */
    CK_NUMBER,      /* any number from MIN to MAX */
    CK_BOOL,
    CK_PATH,        /* a non-empty string, no ${...} */
    CK_URL,         /* http:// or https:// */
    CK_ENUM,        /* one of CHOICES */
    CK_DURATION,    /* a string such as 5m, from MIN to MAX ms */
    CK_LIST,        /* a list of ITEM */
    CK_MAP,         /* the keys of KEYS */
    CK_DICT,        /* any names, each an ITEM */
    CK_PARAM,       /* a parameter's value: any value; references checked */
    CK_SECRET,      /* a string with ${NAME}, or {secret: {...}} */
} ckind_t;

typedef struct ctype ctype_t;
typedef struct ckey {
    const char *name;
    const ctype_t *type;
    bool required;
} ckey_t;

struct ctype {
    ckind_t kind;
    const char *scope;          /* CK_MAP: its kind, for deprecations */
    const ckey_t *keys;         /* CK_MAP, ended by a NULL name */
    const ctype_t *item;        /* CK_LIST, CK_DICT */
    double min, max;            /* CK_LIST: MIN is its fewest items */
    const char *const *choices; /* CK_ENUM, ended by NULL */
    const char *what;           /* "a whole number from 1 to 10000" */
};

/* ---- the schema --------------------------------------------------------- */

/* The largest cap on a foreach's items in flight (concurrency). */
#define CONFIG_MAX_CONCURRENCY 10000
/* The longest window or duration of an alert: 30 days. */
#define CONFIG_MAX_WINDOW_MS (30LL * 86400000)
/* The bounds of the run-wide defaults: attempts of a default retry, its
 * longest wait (1h), the longest default timeout and breaker window or
 * cooldown (1d), a default breaker's most failures. */
#define CONFIG_MAX_ATTEMPTS 100
#define CONFIG_MAX_WAIT_MS 3600000LL
#define CONFIG_MAX_TIMEOUT_MS 86400000LL
#define CONFIG_MAX_FAILURES 10000

static const char *const durability_modes[] = { "grouped", "full", NULL };

static const ctype_t t_version = { CK_INT, .min = 1, .max = CONFIG_VERSION,
    .what = "1 (the one format version this mig reads)" };
static const ctype_t t_path = { CK_PATH, .what = "a path (a non-empty string)" };
static const ctype_t t_url = { CK_URL,
    .what = "a URL beginning with http:// or https://" };
static const ctype_t t_paths = { CK_LIST, .item = &t_path,
    .what = "a list of paths" };
static const char *const lua_libraries[] = { "io", "os", "debug", "package",
                                             NULL };
static const ctype_t t_library = { CK_ENUM, .choices = lua_libraries,
    .what = "a Lua library that can be granted: 'io', 'os', 'debug' or "
            "'package'" };
static const ctype_t t_libraries = { CK_LIST, .item = &t_library,
    .what = "a list of Lua libraries" };
static const ctype_t t_grants = { CK_DICT, .item = &t_libraries,
    .what = "a map of Lua module names to lists of libraries" };
static const ctype_t t_param = { CK_PARAM, .what = "a value" };
static const ctype_t t_params = { CK_DICT, .item = &t_param,
    .what = "a map of parameter names to values" };
static const ctype_t t_concurrency = { CK_INT, .min = 1,
    .max = CONFIG_MAX_CONCURRENCY, .what = "a whole number from 1 to 10000" };
static const ctype_t t_durability = { CK_ENUM, .choices = durability_modes,
    .what = "'grouped' or 'full'" };
static const ctype_t t_secret = { CK_SECRET,
    .what = "a secret reference ({secret: {env: NAME}}, {secret: {file: "
            "PATH}}, {secret: {command: [ARGV...]}}) or a string with "
            "${NAME}" };
static const ctype_t t_share = { CK_NUMBER, .min = 0, .max = 1,
    .what = "a number from 0 to 1" };
static const ctype_t t_times = { CK_NUMBER, .min = 1, .max = 1000,
    .what = "a number from 1 to 1000" };
static const ctype_t t_window = { CK_DURATION, .min = 1000,
    .max = CONFIG_MAX_WINDOW_MS,
    .what = "a duration from 1s to 30d (such as 5m)" };
static const ctype_t t_bool = { CK_BOOL, .what = "true or false" };

/* The run-wide defaults of the plan's runtime (config_run_defaults_t):
 * each applies where the plan says nothing of its own. */
static const ctype_t t_attempts = { CK_INT, .min = 1,
    .max = CONFIG_MAX_ATTEMPTS, .what = "a whole number from 1 to 100" };
static const char *const backoff_kinds[] = { "none", "fixed", "linear",
                                             "exponential", NULL };
static const ctype_t t_backoff = { CK_ENUM, .choices = backoff_kinds,
    .what = "'none', 'fixed', 'linear' or 'exponential'" };
static const char *const jitter_kinds[] = { "none", "full", "equal", NULL };
static const ctype_t t_jitter = { CK_ENUM, .choices = jitter_kinds,
    .what = "'none', 'full' or 'equal'" };
static const ctype_t t_wait = { CK_DURATION, .min = 1,
    .max = CONFIG_MAX_WAIT_MS, .what = "a duration from 1ms to 1h" };
const char *const config_error_classes[] = {
#define CONFIG_CLASS_NAME(e, s, p) s,
    ERROR_CLASSES(CONFIG_CLASS_NAME)
#undef CONFIG_CLASS_NAME
    NULL,
};
static const ctype_t t_class = { CK_ENUM, .choices = config_error_classes,
    .what = "a built-in error class ('Transient', 'Timeout', "
            "'Unavailable', ...)" };
static const ctype_t t_classes = { CK_LIST, .item = &t_class, .min = 1,
    .what = "a non-empty list of built-in error classes" };
static const ckey_t retry_keys[] = {
    { "attempts", &t_attempts, true },
    { "backoff", &t_backoff, false },
    { "base", &t_wait, false },
    { "max", &t_wait, false },
    { "jitter", &t_jitter, false },
    { "on", &t_classes, false },
    { 0 },
};
static const ctype_t t_retry = { CK_MAP, .scope = "retry", .keys = retry_keys,
    .what = "a map {attempts, backoff, base, max, jitter, on}" };
static const ctype_t t_timeout = { CK_DURATION, .min = 1,
    .max = CONFIG_MAX_TIMEOUT_MS, .what = "a duration from 1ms to 1d" };
static const ctype_t t_failures = { CK_INT, .min = 1,
    .max = CONFIG_MAX_FAILURES, .what = "a whole number from 1 to 10000" };
static const ckey_t breaker_keys[] = {
    { "failures", &t_failures, true },
    { "window", &t_timeout, false },
    { "cooldown", &t_timeout, true },
    { 0 },
};
static const ctype_t t_breaker = { CK_MAP, .scope = "breaker",
    .keys = breaker_keys, .what = "a map {failures, window, cooldown}" };

static const ckey_t registry_keys[] = {
    { "path", &t_path, false },
    { "url", &t_url, false },
    { "token", &t_secret, false },
    { 0 },
};
static const ctype_t t_registry = { CK_MAP, .scope = "registry",
    .keys = registry_keys, .what = "a map with a path or a url" };
static const ctype_t t_registries = { CK_DICT, .item = &t_registry,
    .what = "a map of registry names to registries" };

static const ckey_t profile_keys[] = {
    { "params", &t_params, false },
    { "concurrency", &t_concurrency, false },
    { "durability", &t_durability, false },
    { "retry", &t_retry, false },
    { "timeout", &t_timeout, false },
    { "breaker", &t_breaker, false },
    { "registries", &t_registries, false },
    { 0 },
};
static const ctype_t t_profile = { CK_MAP, .scope = "profile",
    .keys = profile_keys, .what = "a map of settings" };
static const ctype_t t_profiles = { CK_DICT, .item = &t_profile,
    .what = "a map of profile names to settings" };

static const ckey_t rate_keys[] = {
    { "above", &t_share, true }, { "window", &t_window, true }, { 0 },
};
static const ckey_t slow_keys[] = { { "times", &t_times, true }, { 0 } };
static const ckey_t share_keys[] = {
    { "below", &t_share, true }, { "window", &t_window, true }, { 0 },
};
static const ckey_t open_keys[] = {
    { "longer_than", &t_window, true }, { 0 },
};
static const ctype_t t_rate = { CK_MAP, .scope = "alert", .keys = rate_keys,
    .what = "a map {above, window}" };
static const ctype_t t_slow = { CK_MAP, .scope = "alert", .keys = slow_keys,
    .what = "a map {times}" };
static const ctype_t t_share_alert = { CK_MAP, .scope = "alert",
    .keys = share_keys, .what = "a map {below, window}" };
static const ctype_t t_open = { CK_MAP, .scope = "alert", .keys = open_keys,
    .what = "a map {longer_than}" };
static const ctype_t t_arg = { CK_PATH, .what = "a non-empty string" };
static const ctype_t t_argv = { CK_LIST, .item = &t_arg, .min = 1,
    .what = "a non-empty list of strings (the program and its arguments)" };
static const ckey_t notify_keys[] = {
    { "command", &t_argv, false }, { "webhook", &t_url, false }, { 0 },
};
static const ctype_t t_notify = { CK_MAP, .scope = "notify",
    .keys = notify_keys, .what = "a map {command, webhook}" };
static const ckey_t alert_keys[] = {
    { "notify", &t_notify, false },
    { "failure_rate", &t_rate, false },
    { "slow_run", &t_slow, false },
    { "recovery_share", &t_share_alert, false },
    { "breaker_open", &t_open, false },
    { "rollback_mismatch", &t_bool, false },
    { 0 },
};
static const ctype_t t_alerts = { CK_MAP, .scope = "alerts",
    .keys = alert_keys, .what = "a map of alert conditions" };

static const ckey_t top_keys[] = {
    { "version", &t_version, true },
    { "state", &t_path, false },
    { "write_roots", &t_paths, false },
    { "lua_path", &t_paths, false },
    { "lua_grants", &t_grants, false },
    { "registries", &t_registries, false },
    { "defaults", &t_profile, false },
    { "profiles", &t_profiles, false },
    { "alerts", &t_alerts, false },
    { 0 },
};
static const ctype_t t_top = { CK_MAP, .scope = "top", .keys = top_keys,
    .what = "a map of settings" };

/* No key has been renamed since version 1 of the format. */
const config_deprecated_t config_deprecations[] = { { 0 } };

/* ---- the walk ------------------------------------------------------------ */

typedef struct walk {
    const config_t *c;
    const config_deprecated_t *deps;
    diag_list_t *diags;
    strbuf_t path;              /* the JSON pointer of the node at hand */
    mig_status_t st;
} walk_t;

/* The path as a person reads it: "profiles.staging.params" ("the file"
 * for the document). A string of a static buffer. */
static const char *dotted(const walk_t *w)
{
    static char buf[512];
    const char *p = w->path.data ? w->path.data : "";
    if (!*p)
        return "the document";
    size_t n = 0;
    for (p++; *p && n + 2 < sizeof buf; p++)
        buf[n++] = *p == '/' ? '.' : *p;
    buf[n] = '\0';
    return buf;
}

static const yaml_place_t *here(const walk_t *w)
{
    return yaml_places_find(&w->c->places, w->path.data ? w->path.data : "");
}

/* Reports at the node's key (AT_KEY) or its value. */
static diag_t *fail(walk_t *w, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static diag_t *fail(walk_t *w, bool at_key, const char *fmt, ...)
{
    const yaml_place_t *pl = here(w);
    va_list ap;
    va_start(ap, fmt);
    diag_t *d = diag_vadd(w->diags, DIAG_ERROR, w->c->src,
                          pl ? (at_key ? &pl->key : &pl->value) : NULL, fmt,
                          ap);
    va_end(ap);
    if (w->st == MIG_OK)
        w->st = MIG_EINVALID;
    return d;
}

static const char *a_type(const val_t *v)
{
    static const char *const names[] = {
        [VAL_NULL] = "null", [VAL_BOOL] = "a bool", [VAL_NUMBER] = "a number",
        [VAL_STRING] = "a string", [VAL_LIST] = "a list", [VAL_MAP] = "a map",
        [VAL_DURATION] = "a duration",
    };
    return names[val_type(v)];
}

static void walk_node(walk_t *w, const val_t *v, const ctype_t *t);

/* Checks the ${NAME} references of string S: each closed, NAME a letter or
 * '_' then letters, digits or '_'. */
static void check_refs(walk_t *w, const char *s)
{
    for (const char *p = strstr(s, "${"); p; p = strstr(p, "${")) {
        const char *end = strchr(p + 2, '}');
        size_t n = end ? (size_t)(end - p - 2) : 0;
        bool ok = end && n > 0 && !(p[2] >= '0' && p[2] <= '9');
        for (size_t i = 0; ok && i < n; i++) {
            char ch = p[2 + i];
            ok = ch == '_' || (ch >= '0' && ch <= '9')
                 || ((ch | 32) >= 'a' && (ch | 32) <= 'z');
        }
        if (!ok) {
            diag_t *d = fail(w, false, "%s: '${' begins no environment "
                             "variable reference", dotted(w));
            diag_hint(w->diags, d, "write ${NAME}, NAME of letters, digits "
                      "and '_' not beginning with a digit");
            return;
        }
        p = end + 1;
    }
}

/* {secret: {env: NAME} | {file: PATH} | {command: [ARGV...]}}. */
static void check_secret(walk_t *w, const val_t *v)
{
    val_t *inner = val_len(v) == 1 ? val_map_get(v, "secret", 6) : NULL;
    if (!inner || val_type(inner) != VAL_MAP || val_len(inner) != 1) {
        diag_t *d = fail(w, false, "%s: a secret reference is {secret: "
                         "{env|file|command: ...}}", dotted(w));
        diag_hint(w->diags, d, "for example: token: {secret: {env: "
                  "REG_TOKEN}}");
        return;
    }
    size_t klen;
    const char *k = val_get_str(val_map_key(inner, 0), &klen);
    const val_t *arg = val_map_value(inner, 0);
    bool is_env = strcmp(k, "env") == 0, is_file = strcmp(k, "file") == 0;
    if (is_env || is_file) {
        if (val_type(arg) != VAL_STRING || !*val_get_str(arg, NULL))
            fail(w, false, "%s: secret %s takes a non-empty string, not %s",
                 dotted(w), k, a_type(arg));
        return;
    }
    if (strcmp(k, "command") == 0) {
        bool ok = val_type(arg) == VAL_LIST && val_len(arg) > 0;
        for (size_t i = 0; ok && i < val_len(arg); i++)
            ok = val_type(val_list_get(arg, i)) == VAL_STRING;
        if (!ok) {
            diag_t *d = fail(w, false, "%s: secret command takes a non-empty "
                             "list of strings (the program and its "
                             "arguments)", dotted(w));
            diag_hint(w->diags, d, "for example: {secret: {command: [pass, "
                      "show, registry/token]}}; no shell runs it");
        }
        return;
    }
    eval_suggest_t s;
    eval_suggest_init(&s, k);
    eval_suggest_consider(&s, "env");
    eval_suggest_consider(&s, "file");
    eval_suggest_consider(&s, "command");
    diag_t *d = fail(w, false, "%s: unknown secret source '%s'", dotted(w), k);
    if (s.best)
        diag_hint(w->diags, d, "did you mean '%s'?", s.best);
    else
        diag_hint(w->diags, d, "a secret comes from env, file or command");
}

/* A parameter's value: anything, but a map {secret: ...} is a secret
 * reference and strings are checked for ${NAME}. */
static void walk_param(walk_t *w, const val_t *v)
{
    if (val_type(v) == VAL_MAP && val_map_get(v, "secret", 6))
        check_secret(w, v);
    else if (val_type(v) == VAL_STRING)
        check_refs(w, val_get_str(v, NULL));
}

static void walk_scalar(walk_t *w, const val_t *v, const ctype_t *t)
{
    const char *s = val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
    switch (t->kind) {
    case CK_INT:
    case CK_NUMBER:
        if (val_type(v) != VAL_NUMBER || (t->kind == CK_INT && !val_is_int(v)))
            fail(w, false, "%s must be %s, not %s", dotted(w), t->what,
                 val_type(v) == VAL_NUMBER ? "a fraction" : a_type(v));
        else if (val_get_number(v) < t->min || val_get_number(v) > t->max)
            fail(w, false, "%s must be %s; %g is out of range", dotted(w),
                 t->what, val_get_number(v));
        return;
    case CK_BOOL:
        if (val_type(v) != VAL_BOOL)
            fail(w, false, "%s must be %s, not %s", dotted(w), t->what,
                 a_type(v));
        return;
    case CK_DURATION: {
        int64_t ms;
        if (!s || !config_duration(s, &ms))
            fail(w, false, "%s must be %s, not %s", dotted(w), t->what,
                 s ? "this string" : a_type(v));
        else if (ms < (int64_t)t->min || ms > (int64_t)t->max)
            fail(w, false, "%s must be %s; %s is out of range", dotted(w),
                 t->what, s);
        return;
    }
    case CK_ENUM:
        for (const char *const *c = t->choices; s && *c; c++)
            if (strcmp(s, *c) == 0)
                return;
        fail(w, false, "%s must be %s, not %s%s%s", dotted(w), t->what,
             s ? "'" : a_type(v), s ? s : "", s ? "'" : "");
        return;
    case CK_PATH:
    case CK_URL:
        if (!s || !*s) {
            fail(w, false, "%s must be %s, not %s", dotted(w), t->what,
                 s ? "an empty string" : a_type(v));
        } else if (strstr(s, "${")) {
            fail(w, false, "%s: a reference (${...}) is not taken here, only "
                 "in params and registry tokens", dotted(w));
        } else if (t->kind == CK_URL && strncmp(s, "http://", 7) != 0
                   && strncmp(s, "https://", 8) != 0) {
            fail(w, false, "%s must be %s, not '%s'", dotted(w), t->what, s);
        }
        return;
    case CK_SECRET:
        if (s)
            check_refs(w, s);
        else if (val_type(v) == VAL_MAP)
            check_secret(w, v);
        else
            fail(w, false, "%s must be %s, not %s", dotted(w), t->what,
                 a_type(v));
        return;
    case CK_PARAM:
        walk_param(w, v);
        return;
    default:
        return;
    }
}

/* Enters KEY (LEN bytes) of the node at hand; returns the old length of
 * the path, for leave(). */
static size_t enter(walk_t *w, const char *key, size_t len)
{
    size_t old = w->path.len;
    val_pointer_key(&w->path, key, len);
    return old;
}

static void leave(walk_t *w, size_t old)
{
    w->path.len = old;
    if (w->path.data)
        w->path.data[old] = '\0';
}

static const config_deprecated_t *deprecated(const walk_t *w,
                                             const char *scope,
                                             const char *key)
{
    for (const config_deprecated_t *d = w->deps; d && d->old; d++)
        if (strcmp(d->scope, scope) == 0 && strcmp(d->old, key) == 0)
            return d;
    return NULL;
}

/* A key of T's map that is none of its keys: deprecated (a warning, its
 * value checked as its replacement) or unknown (did you mean). */
static void other_key(walk_t *w, const val_t *v, const ctype_t *t,
                      const char *key)
{
    const config_deprecated_t *dep = deprecated(w, t->scope, key);
    for (const ckey_t *k = t->keys; dep && k->name; k++)
        if (strcmp(k->name, dep->new_name) == 0) {
            const yaml_place_t *pl = here(w);
            diag_t *d = diag_add(w->diags, DIAG_WARNING, w->c->src,
                                 pl ? &pl->key : NULL,
                                 "%s is deprecated: it is now '%s'",
                                 dotted(w), dep->new_name);
            diag_hint(w->diags, d, "rename '%s' to '%s'", key, dep->new_name);
            walk_node(w, v, k->type);
            return;
        }
    eval_suggest_t s;
    eval_suggest_init(&s, key);
    for (const ckey_t *k = t->keys; k->name; k++)
        eval_suggest_consider(&s, k->name);
    for (const config_deprecated_t *d = w->deps; d && d->old; d++)
        if (strcmp(d->scope, t->scope) == 0)
            eval_suggest_consider(&s, d->new_name);
    diag_t *d = fail(w, true, "unknown key %s", dotted(w));
    if (s.best) {
        diag_hint(w->diags, d, "did you mean '%s'?", s.best);
        return;
    }
    strbuf_t names;
    strbuf_init(&names);
    for (const ckey_t *k = t->keys; k->name; k++)
        strbuf_printf(&names, "%s'%s'", k == t->keys ? "" : ", ", k->name);
    diag_hint(w->diags, d, "the keys here are %s",
              names.data ? names.data : "");
    strbuf_free(&names);
}

static void walk_map(walk_t *w, const val_t *v, const ctype_t *t)
{
    for (size_t i = 0; i < val_len(v); i++) {
        size_t len;
        const char *key = val_get_str(val_map_key(v, i), &len);
        size_t old = enter(w, key, len);
        const ckey_t *k = t->keys;
        while (k->name && strcmp(k->name, key) != 0)
            k++;
        if (k->name)
            walk_node(w, val_map_value(v, i), k->type);
        else
            other_key(w, val_map_value(v, i), t, key);
        leave(w, old);
    }
    for (const ckey_t *k = t->keys; k->name; k++)
        if (k->required && !config_get(v, t->scope, k->name))
            fail(w, false, "%s needs the key '%s'", dotted(w), k->name);
    if (t == &t_notify && !val_map_get(v, "command", 7)
        && !val_map_get(v, "webhook", 7))
        fail(w, false, "%s needs 'command', 'webhook' or both", dotted(w));
    /* A registry is embedded (path) or remote (url, with its token). */
    if (t == &t_registry) {
        bool path = val_map_get(v, "path", 4), url = val_map_get(v, "url", 3);
        if (path == url)
            fail(w, false, "%s needs one of 'path' (an embedded registry) "
                 "and 'url' (a remote one)%s", dotted(w),
                 path ? ", not both" : "");
        else if (path && val_map_get(v, "token", 5))
            fail(w, false, "%s: a token is for a remote registry (url), not "
                 "an embedded one (path)", dotted(w));
    }
}

static void walk_node(walk_t *w, const val_t *v, const ctype_t *t)
{
    if (t->kind == CK_MAP || t->kind == CK_DICT || t->kind == CK_LIST) {
        val_type_t want = t->kind == CK_LIST ? VAL_LIST : VAL_MAP;
        if (val_type(v) != want) {
            fail(w, false, "%s must be %s, not %s", dotted(w), t->what,
                 a_type(v));
            return;
        }
    }
    if (t->kind == CK_MAP) {
        walk_map(w, v, t);
    } else if (t->kind == CK_DICT) {
        for (size_t i = 0; i < val_len(v); i++) {
            size_t len;
            const char *key = val_get_str(val_map_key(v, i), &len);
            char parent[512];
            snprintf(parent, sizeof parent, "%s", dotted(w));
            size_t old = enter(w, key, len);
            if (!len)
                fail(w, true, "a name in %s may not be empty", parent);
            walk_node(w, val_map_value(v, i), t->item);
            leave(w, old);
        }
    } else if (t->kind == CK_LIST) {
        if (val_len(v) < (size_t)t->min)
            fail(w, false, "%s must be %s, not an empty list", dotted(w),
                 t->what);
        for (size_t i = 0; i < val_len(v); i++) {
            char idx[24];
            int n = snprintf(idx, sizeof idx, "%zu", i);
            size_t old = enter(w, idx, (size_t)n);
            walk_node(w, val_list_get(v, i), t->item);
            leave(w, old);
        }
    } else {
        walk_scalar(w, v, t);
    }
}

/* A profile's registries map names the top level's `registries` (or
 * defaults.registries) define to other registries; they add none, so
 * that `mig check` knows every name a run may give: each other name is
 * an error at its key. Walks the valid document only. */
static void check_profile_registries(walk_t *w)
{
    const val_t *root = w->c->root;
    const val_t *top = config_get(root, "top", "registries");
    const val_t *dflt = config_get(config_get(root, "top", "defaults"),
                                   "profile", "registries");
    const val_t *profiles = config_get(root, "top", "profiles");
    for (size_t i = 0; profiles && i < val_len(profiles); i++) {
        size_t plen;
        const char *pname = val_get_str(val_map_key(profiles, i), &plen);
        const val_t *regs = config_get(val_map_value(profiles, i), "profile",
                                       "registries");
        for (size_t j = 0; regs && j < val_len(regs); j++) {
            size_t len;
            const char *name = val_get_str(val_map_key(regs, j), &len);
            if ((top && val_map_get(top, name, len))
                || (dflt && val_map_get(dflt, name, len)))
                continue;
            size_t old = enter(w, "profiles", 8);
            enter(w, pname, plen);
            enter(w, "registries", 10);
            enter(w, name, len);
            diag_t *d = fail(w, true, "%s: a profile maps a name of "
                             "'registries' to another registry, and '%s' is "
                             "none of them", dotted(w), name);
            diag_hint(w->diags, d, "add '%s' under the top-level "
                      "'registries:' (the registry it means without "
                      "this profile), then map it here", name);
            leave(w, old);
        }
    }
}

mig_status_t config_check(const config_t *c, const config_deprecated_t *deps,
                          diag_list_t *diags)
{
    walk_t w = { .c = c, .deps = deps, .diags = diags, .st = MIG_OK };
    strbuf_init(&w.path);
    strbuf_puts(&w.path, "");
    if (val_type(c->root) == VAL_NULL) {
        diag_t *d = diag_add(diags, DIAG_ERROR, c->src, NULL,
                             "the configuration is empty");
        diag_hint(diags, d, "a mig.yaml holds at least 'version: %d'",
                  CONFIG_VERSION);
        w.st = MIG_EINVALID;
    } else {
        walk_node(&w, c->root, &t_top);
        if (w.st == MIG_OK)
            check_profile_registries(&w);
    }
    bool oom = w.path.oom || diags->out_of_memory;
    strbuf_free(&w.path);
    return oom ? MIG_ENOMEM : w.st;
}

val_t *config_get(const val_t *map, const char *scope, const char *key)
{
    if (!map || val_type(map) != VAL_MAP)
        return NULL;
    val_t *v = val_map_get(map, key, strlen(key));
    for (const config_deprecated_t *d = config_deprecations; !v && d->old; d++)
        if (strcmp(d->scope, scope) == 0 && strcmp(d->new_name, key) == 0)
            v = val_map_get(map, d->old, strlen(d->old));
    return v;
}

bool config_duration(const char *text, int64_t *ms)
{
    static const struct { const char *unit; int64_t ms; } units[] = {
        { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
        { "d", 86400000 },
    };
    int64_t total = 0;
    const char *p = text;
    if (!*p)
        return false;
    while (*p) {
        if (*p < '0' || *p > '9')
            return false;
        int64_t n = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            if ((n = n * 10 + (*p - '0')) > 1000000000)
                return false;
        size_t u = 0;
        while (u < sizeof units / sizeof *units
               && (strncmp(p, units[u].unit, strlen(units[u].unit)) != 0
                   || (u == 2 && p[1] == 's')))
            u++;
        if (u == sizeof units / sizeof *units)
            return false;
        p += strlen(units[u].unit);
        total += n * units[u].ms;
    }
    *ms = total;
    return true;
}
