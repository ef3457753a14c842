/* config_value.c: the effective configuration (docs/configuration.md,
 * "Layering"): every setting once the built-in defaults, mig.yaml's
 * defaults and the chosen profile are laid over each other, each with
 * where it came from; secret references masked (resolved only for a run,
 * config_resolve_refs); and the key-by-key difference of two of them (mig
 * config diff). */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* ---- references ---------------------------------------------------------- */

bool config_is_ref(const val_t *v)
{
    if (val_type(v) == VAL_MAP)
        return val_len(v) == 1 && val_map_get(v, "secret", 6);
    return val_type(v) == VAL_STRING && strstr(val_get_str(v, NULL), "${");
}

val_t *config_ref_text(const val_t *v)
{
    if (val_type(v) != VAL_MAP)
        return val_ref((val_t *)v);
    const val_t *in = val_map_get(v, "secret", 6);
    const char *src = val_get_str(val_map_key(in, 0), NULL);
    const val_t *arg = val_map_value(in, 0);
    if (val_type(arg) == VAL_LIST)
        arg = val_list_get(arg, 0);     /* the program, not its arguments */
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "secret:%s:%s", src, val_get_str(arg, NULL));
    val_t *t = b.oom ? NULL : val_string(b.data, b.len);
    strbuf_free(&b);
    return t;
}

/* The source of secret reference V (a map {secret: {SRC: X}}) as the
 * secret's recipe will name it: a relative file path joined to DIR (the
 * folder of mig.yaml) and made absolute, so that a resume in another
 * folder reads the same file. A new map; NULL when out of memory. */
static val_t *ref_source(const val_t *v, const char *dir)
{
    const val_t *in = val_map_get(v, "secret", 6);
    size_t klen;
    const char *key = val_get_str(val_map_key(in, 0), &klen);
    const val_t *what = val_map_value(in, 0);
    const char *path = strcmp(key, "file") == 0 ? val_get_str(what, NULL)
                                                : NULL;
    if (!path || path[0] == '/')
        return val_ref((val_t *)in);
    strbuf_t b;
    strbuf_init(&b);
    char real[PATH_MAX];
    if (realpath(*dir ? dir : ".", real))
        strbuf_printf(&b, "%s%s%s", real, strcmp(real, "/") ? "/" : "",
                      path);
    else                        /* the folder went: its name as it is */
        strbuf_printf(&b, "%s%s%s", dir,
                      dir[strlen(dir) - 1] == '/' ? "" : "/", path);
    val_t *m = val_map_new(1);
    if (b.oom || !m || val_map_set_take(m, key, klen, val_string(b.data, b.len))
                       != MIG_OK) {
        val_unref(m);
        m = NULL;
    }
    strbuf_free(&b);
    return m;
}

/* The text of V with each ${NAME} replaced by the environment variable
 * NAME into B; false (NAME in *MISSING) when one is not set. The syntax
 * was checked with the file (config_schema.c). */
static bool env_text(const char *v, strbuf_t *b, strbuf_t *missing)
{
    for (const char *at; (at = strstr(v, "${"));) {
        const char *end = strchr(at, '}');
        strbuf_put(b, v, (size_t)(at - v));
        strbuf_put(missing, at + 2, end ? (size_t)(end - at - 2) : 0);
        const char *value = missing->data ? getenv(missing->data) : NULL;
        if (!end || !value)
            return false;
        missing->len = 0;
        strbuf_puts(b, value);
        v = end + 1;
    }
    strbuf_puts(b, v);
    return true;
}

mig_status_t config_ref_resolve(const val_t *v, const char *dir, val_t **out,
                                strbuf_t *why)
{
    *out = NULL;
    if (val_type(v) == VAL_MAP) {
        val_t *source = ref_source(v, dir);
        mig_status_t st = source ? secret_resolve(source, out, why)
                                 : MIG_ENOMEM;
        val_unref(source);
        return st;
    }
    strbuf_t text, missing;
    strbuf_init(&text);
    strbuf_init(&missing);
    mig_status_t st = MIG_OK;
    if (!env_text(val_get_str(v, NULL), &text, &missing)) {
        strbuf_printf(why, "the environment variable '%s' is not set",
                      missing.data ? missing.data : "");
        st = MIG_EINVALID;
    } else if (text.oom || !(*out = val_string(text.data ? text.data : "",
                                               text.len))) {
        st = MIG_ENOMEM;
    }
    if (text.data)
        explicit_bzero(text.data, text.len);
    strbuf_free(&text);
    strbuf_free(&missing);
    return why->oom ? MIG_ENOMEM : st;
}

mig_status_t config_resolve_refs(const char *name, const val_t *v,
                                 const char *dir, src_t *src,
                                 const src_span_t *at, diag_list_t *diags,
                                 val_t **out)
{
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = config_ref_resolve(v, dir, out, &why);
    if (st == MIG_EINVALID) {
        val_t *shown = config_ref_text(v);
        diag_t *d = diag_add(diags, DIAG_ERROR, src, at, "parameter '%s' is "
                             "the reference %s, which cannot be resolved: %s",
                             name, shown ? val_get_str(shown, NULL) : "",
                             why.data ? why.data : "?");
        diag_hint(diags, d, "nothing was run; fix the source, or give the "
                  "value with --param %s=VALUE", name);
        val_unref(shown);
    }
    strbuf_free(&why);
    return diags->out_of_memory ? MIG_ENOMEM : st;
}

/* ---- the effective configuration ------------------------------------------ */

typedef struct eff {
    const config_t *c;
    val_t *list;
    strbuf_t from;
    bool oom;
} eff_t;

/* Appends {key, value, from}: FROM "built-in" when PATH is NULL, else
 * "FILE:LINE" of the node at JSON pointer PATH; TEXT, when not NULL,
 * instead of either. V is taken. */
static void put_from(eff_t *e, const char *key, val_t *v, const char *path,
                     const char *text)
{
    if (!e->list) {             /* only the settings are wanted */
        val_unref(v);
        e->oom = e->oom || !v;
        return;
    }
    e->from.len = 0;
    if (text)
        strbuf_puts(&e->from, text);
    else if (path)
        strbuf_printf(&e->from, "%s:%u", e->c->path, config_line(e->c, path));
    else
        strbuf_puts(&e->from, "built-in");
    val_t *row = val_map_new(3);
    val_t *k = val_cstring(key);
    val_t *f = e->from.oom ? NULL : val_string(e->from.data, e->from.len);
    bool ok = row && k && f && v
        && val_map_set_take(row, "key", 3, k) == MIG_OK
        && val_map_set_take(row, "value", 5, v) == MIG_OK
        && val_map_set_take(row, "from", 4, f) == MIG_OK
        && val_list_push_take(e->list, row) == MIG_OK;
    if (!ok) {
        e->oom = true;
        if (!row) {
            val_unref(k);
            val_unref(v);
            val_unref(f);
        }
    }
}

static void put(eff_t *e, const char *key, val_t *v, const char *path)
{
    put_from(e, key, v, path, NULL);
}

/* A value as recorded: references as their masked text; a map or list
 * with references inside them masked too. */
static val_t *masked(const val_t *v)
{
    if (config_is_ref(v))
        return config_ref_text(v);
    return val_ref((val_t *)v);
}

/* The setting KEY of the profile at PPATH (NULL: none), else of the
 * defaults, else NULL; *PATH gets its JSON pointer. */
static const val_t *layered(const config_t *c, const val_t *prof,
                            const char *ppath, const char *key,
                            strbuf_t *path)
{
    const val_t *v = prof ? config_get(prof, "profile", key) : NULL;
    path->len = 0;
    if (v) {
        strbuf_printf(path, "%s/%s", ppath, key);
        return v;
    }
    v = config_get(config_get(c->root, "top", "defaults"), "profile", key);
    if (v)
        strbuf_printf(path, "/defaults/%s", key);
    return v;
}

/* Every leaf of MAP (a section such as registries or alerts) as a key
 * PREFIX.NAME.FIELD. */
static void put_section(eff_t *e, const char *prefix, const val_t *map)
{
    strbuf_t key, path;
    strbuf_init(&key);
    strbuf_init(&path);
    for (size_t i = 0; map && i < val_len(map); i++) {
        const char *name = val_get_str(val_map_key(map, i), NULL);
        const val_t *v = val_map_value(map, i);
        size_t n = val_type(v) == VAL_MAP && !config_is_ref(v) ? val_len(v) : 0;
        for (size_t j = 0; j < (n ? n : 1); j++) {
            const char *field = n ? val_get_str(val_map_key(v, j), NULL) : NULL;
            key.len = path.len = 0;
            strbuf_printf(&key, "%s.%s%s%s", prefix, name, n ? "." : "",
                          n ? field : "");
            strbuf_printf(&path, "/%s", prefix);
            val_pointer_key(&path, name, strlen(name));
            if (n)
                val_pointer_key(&path, field, strlen(field));
            put(e, key.data ? key.data : "",
                masked(n ? val_map_value(v, j) : v), path.data);
        }
    }
    e->oom = e->oom || key.oom || path.oom;
    strbuf_free(&key);
    strbuf_free(&path);
}

/* The parameters of the defaults, each replaced by PROFILE's. */
static void put_params(eff_t *e, const char *profile)
{
    const config_param_t *d, *p;
    size_t nd = config_params(e->c, NULL, &d);
    size_t np = profile ? config_params(e->c, profile, &p) : 0;
    strbuf_t key, path;
    strbuf_init(&key);
    strbuf_init(&path);
    for (size_t pass = 0; pass < 2; pass++) {
        const config_param_t *xs = pass ? p : d;
        for (size_t i = 0; i < (pass ? np : nd); i++) {
            const config_param_t *x = &xs[i];
            bool overridden = false;
            for (size_t j = 0; !pass && j < np; j++)
                overridden = overridden || strcmp(p[j].name, x->name) == 0;
            if (overridden)
                continue;
            key.len = path.len = 0;
            strbuf_printf(&key, "params.%s", x->name);
            if (pass) {
                strbuf_puts(&path, "/profiles");
                val_pointer_key(&path, profile, strlen(profile));
            } else {
                strbuf_puts(&path, "/defaults");
            }
            strbuf_puts(&path, "/params");
            val_pointer_key(&path, x->name, strlen(x->name));
            put(e, key.data ? key.data : "", masked(x->value), path.data);
        }
    }
    e->oom = e->oom || key.oom || path.oom;
    strbuf_free(&key);
    strbuf_free(&path);
}

/* PATH of the configuration in folder DIR: joined, or alone when
 * absolute. A new string; NULL when out of memory. */
static char *in_dir(const char *dir, const char *path)
{
    bool abs = path[0] == '/';
    char *s = malloc((abs ? 0 : strlen(dir)) + strlen(path) + 1);
    if (s)
        strcat(strcpy(s, abs ? "" : dir), path);
    return s;
}

/* The list of paths KEY ("write_roots", "lua_path") into *OUT, *N, each
 * joined to the file's folder, and its row into E. */
static void put_paths(eff_t *e, const char *key, char ***out, size_t *n)
{
    const val_t *l = config_get(e->c->root, "top", key);
    size_t len = l ? val_len(l) : 0;
    if (len && !(*out = calloc(len, sizeof **out)))
        e->oom = true;
    for (size_t i = 0; *out && i < len && !e->oom; i++) {
        if (!((*out)[i] = in_dir(e->c->dir,
                                 val_get_str(val_list_get(l, i), NULL))))
            e->oom = true;
        *n += !e->oom;
    }
    char path[32];
    snprintf(path, sizeof path, "/%s", key);
    put(e, key, l ? val_ref((val_t *)l) : val_list_new(0), l ? path : NULL);
}

/* lua_grants into OUT, a pair per module and library, and a row per
 * module into E. */
static void put_grants(eff_t *e, config_settings_t *out)
{
    const val_t *g = config_get(e->c->root, "top", "lua_grants");
    size_t total = 0;
    for (size_t i = 0; g && i < val_len(g); i++)
        total += val_len(val_map_value(g, i));
    if (total && !(out->lua_grants = calloc(total, sizeof *out->lua_grants)))
        e->oom = true;
    strbuf_t key, path;
    strbuf_init(&key);
    strbuf_init(&path);
    for (size_t i = 0; g && i < val_len(g); i++) {
        const char *module = val_get_str(val_map_key(g, i), NULL);
        const val_t *libs = val_map_value(g, i);
        for (size_t j = 0; out->lua_grants && j < val_len(libs); j++)
            out->lua_grants[out->n_lua_grants++] = (struct config_grant){
                module, val_get_str(val_list_get(libs, j), NULL) };
        key.len = path.len = 0;
        strbuf_printf(&key, "lua_grants.%s", module);
        strbuf_puts(&path, "/lua_grants");
        val_pointer_key(&path, module, strlen(module));
        put(e, key.data ? key.data : "", val_ref((val_t *)libs), path.data);
    }
    e->oom = e->oom || key.oom || path.oom;
    strbuf_free(&key);
    strbuf_free(&path);
}

/* The milliseconds of duration KEY of MAP (checked), DEF when absent. */
static int64_t map_ms(const val_t *map, const char *scope, const char *key,
                      int64_t def)
{
    const val_t *v = config_get(map, scope, key);
    int64_t ms = def;
    if (v && !config_duration(val_get_str(v, NULL), &ms))
        ms = def;
    return ms;
}

/* The index of string V in CHOICES (ended by NULL), DEF when absent. */
static int choice(const val_t *v, const char *const *choices, int def)
{
    for (int i = 0; v && choices[i]; i++)
        if (strcmp(val_get_str(v, NULL), choices[i]) == 0)
            return i;
    return def;
}

/* A default retry (docs/configuration.md, "retry") into D. */
static void read_retry(const val_t *m, config_run_defaults_t *d)
{
    static const char *const backoffs[] = { "none", "fixed", "linear",
                                            "exponential", NULL };
    static const ast_backoff_kind_t kinds[] = {
        AST_BACKOFF_NONE, AST_BACKOFF_FIXED, AST_BACKOFF_LINEAR,
        AST_BACKOFF_EXPONENTIAL };
    static const char *const jitters[] = { "none", "full", "equal", NULL };
    static const ast_jitter_kind_t jkinds[] = {
        AST_JITTER_NONE, AST_JITTER_FULL, AST_JITTER_EQUAL };
    d->retry_attempts = (uint32_t)val_get_int(config_get(m, "retry",
                                                         "attempts"));
    d->backoff = kinds[choice(config_get(m, "retry", "backoff"), backoffs, 3)];
    d->base_ms = map_ms(m, "retry", "base", 1000);
    d->max_ms = map_ms(m, "retry", "max", 30000);
    d->jitter = jkinds[choice(config_get(m, "retry", "jitter"), jitters, 0)];
    const val_t *on = config_get(m, "retry", "on");
    d->n_retry_on = 0;
    for (size_t i = 0; on && i < val_len(on) && i < ERROR_CLASS_COUNT; i++) {
        int k = choice(val_list_get(on, i), config_error_classes, 0);
        d->retry_on[d->n_retry_on++] = config_error_classes[k];
    }
    if (!on)
        d->retry_on[d->n_retry_on++] = "Transient";
}

/* The run-wide defaults retry, timeout and breaker (each from the
 * profile PROF at PPATH, else from defaults) into OUT and E. */
static void put_run_defaults(eff_t *e, const val_t *prof, const char *ppath,
                             config_run_defaults_t *out, strbuf_t *path)
{
    const val_t *v = layered(e->c, prof, ppath, "retry", path);
    if (v)
        read_retry(v, out);
    put(e, "retry", v ? val_ref((val_t *)v) : val_null(), v ? path->data
                                                           : NULL);
    v = layered(e->c, prof, ppath, "timeout", path);
    if (v)
        config_duration(val_get_str(v, NULL), &out->timeout_ms);
    put(e, "timeout", v ? val_ref((val_t *)v) : val_null(), v ? path->data
                                                             : NULL);
    v = layered(e->c, prof, ppath, "breaker", path);
    if (v) {
        out->breaker_failures = (uint32_t)val_get_int(
            config_get(v, "breaker", "failures"));
        out->breaker_window_ms = map_ms(v, "breaker", "window", 60000);
        out->breaker_cooldown_ms = map_ms(v, "breaker", "cooldown", 0);
    }
    put(e, "breaker", v ? val_ref((val_t *)v) : val_null(), v ? path->data
                                                             : NULL);
}

/* The registries: those of `registries`, each replaced by the one of
 * the same name in defaults.registries, then in the profile's PROF (at
 * PPATH), into OUT and a row per field into E. */
static void put_registries(eff_t *e, const val_t *prof, const char *ppath,
                           config_settings_t *out)
{
    const val_t *layers[3] = {
        config_get(e->c->root, "top", "registries"),
        config_get(config_get(e->c->root, "top", "defaults"), "profile",
                   "registries"),
        prof ? config_get(prof, "profile", "registries") : NULL,
    };
    const char *const prefixes[3] = { "", "/defaults", ppath };
    size_t total = 0;
    for (size_t l = 0; l < 3; l++)
        total += layers[l] ? val_len(layers[l]) : 0;
    if (total && !(out->registries = calloc(total, sizeof *out->registries)))
        e->oom = true;
    strbuf_t key, path;
    strbuf_init(&key);
    strbuf_init(&path);
    for (size_t l = 0; out->registries && l < 3; l++)
        for (size_t i = 0; layers[l] && i < val_len(layers[l]); i++) {
            size_t len;
            const char *name = val_get_str(val_map_key(layers[l], i), &len);
            bool later = false;     /* a later layer names it again */
            for (size_t m = l + 1; m < 3 && !later; m++)
                later = layers[m] && val_map_get(layers[m], name, len);
            if (later)
                continue;
            const val_t *v = val_map_value(layers[l], i);
            const val_t *p = config_get(v, "registry", "path");
            const val_t *u = config_get(v, "registry", "url");
            struct config_registry *r = &out->registries[out->n_registries++];
            r->name = name;
            r->url = u ? val_get_str(u, NULL) : NULL;
            r->token = config_get(v, "registry", "token");
            if (p && !(r->path = in_dir(e->c->dir, val_get_str(p, NULL))))
                e->oom = true;
            for (size_t j = 0; j < val_len(v); j++) {
                const char *field = val_get_str(val_map_key(v, j), NULL);
                key.len = path.len = 0;
                strbuf_printf(&key, "registries.%s.%s", name, field);
                strbuf_printf(&path, "%s/registries", prefixes[l]);
                val_pointer_key(&path, name, len);
                val_pointer_key(&path, field, strlen(field));
                put(e, key.data ? key.data : "", masked(val_map_value(v, j)),
                    path.data);
            }
        }
    e->oom = e->oom || key.oom || path.oom;
    strbuf_free(&key);
    strbuf_free(&path);
}

/* The alerts of ALERTS (checked; NULL: none) into OUT. */
static void read_alerts(const val_t *a, config_alerts_t *out)
{
    const val_t *v = config_get(a, "alerts", "failure_rate");
    if (v) {
        out->failure_above = val_get_number(config_get(v, "alert", "above"));
        out->failure_window_ms = map_ms(v, "alert", "window", 0);
    }
    if ((v = config_get(a, "alerts", "slow_run")))
        out->slow_times = val_get_number(config_get(v, "alert", "times"));
    if ((v = config_get(a, "alerts", "recovery_share"))) {
        out->recovery_below = val_get_number(config_get(v, "alert", "below"));
        out->recovery_window_ms = map_ms(v, "alert", "window", 0);
    }
    if ((v = config_get(a, "alerts", "breaker_open")))
        out->breaker_open_ms = map_ms(v, "alert", "longer_than", 0);
    v = config_get(a, "alerts", "rollback_mismatch");
    out->rollback_mismatch = v && val_get_bool(v);
    v = config_get(a, "alerts", "notify");
    out->command = config_get(v, "notify", "command");
    const val_t *url = config_get(v, "notify", "webhook");
    out->webhook = url ? val_get_str(url, NULL) : NULL;
}

/* The map of PROFILE in C (NULL when C has none of that name; PROFILE
 * NULL: none), its JSON pointer into PPATH. */
static const val_t *profile_map(const config_t *c, const char *profile,
                                strbuf_t *ppath)
{
    strbuf_puts(ppath, "/profiles");
    if (!profile || !config_has_profile(c, profile))
        return NULL;
    val_pointer_key(ppath, profile, strlen(profile));
    return val_map_get(config_get(c->root, "top", "profiles"), profile,
                       strlen(profile));
}

/* The settings part: state, durability, concurrency and the run-wide
 * defaults into OUT and E. */
static mig_status_t put_settings(eff_t *e, const char *profile,
                                 config_settings_t *out)
{
    const config_t *c = e->c;
    strbuf_t ppath, path;
    strbuf_init(&ppath);
    strbuf_init(&path);
    const val_t *prof = profile_map(c, profile, &ppath);
    const val_t *state = config_get(c->root, "top", "state");
    if (state) {
        out->state_dir = in_dir(c->dir, val_get_str(state, NULL));
        e->oom = e->oom || !out->state_dir;
        put(e, "state", val_ref((val_t *)state), "/state");
    } else {
        put(e, "state", val_cstring(".mig (beside the plan)"), NULL);
    }
    const val_t *v = layered(c, prof, ppath.data, "durability", &path);
    out->durable_full = v && strcmp(val_get_str(v, NULL), "full") == 0;
    put(e, "durability", v ? val_ref((val_t *)v) : val_cstring("grouped"),
        v ? path.data : NULL);
    v = layered(c, prof, ppath.data, "concurrency", &path);
    out->concurrency = v ? val_get_int(v) : 0;
    put(e, "concurrency", v ? val_ref((val_t *)v) : val_null(),
        v ? path.data : NULL);
    put_run_defaults(e, prof, ppath.data, &out->run_defaults, &path);
    e->oom = e->oom || ppath.oom || path.oom;
    strbuf_free(&ppath);
    strbuf_free(&path);
    return e->oom ? MIG_ENOMEM : MIG_OK;
}

mig_status_t config_effective(const config_t *c, const char *profile,
                              config_settings_t *out, val_t **effective)
{
    *out = (config_settings_t){ 0 };
    if (effective)
        *effective = NULL;
    eff_t e = { .c = c, .list = effective ? val_list_new(8) : NULL };
    strbuf_init(&e.from);
    if (effective && !e.list)
        return MIG_ENOMEM;
    const val_t *ver = config_get(c->root, "top", "version");
    put(&e, "version", ver ? val_ref((val_t *)ver) : val_int(CONFIG_VERSION),
        ver ? "/version" : NULL);
    put_from(&e, "profile", profile ? val_cstring(profile) : val_null(), NULL,
             profile ? "--profile" : "built-in");
    put_settings(&e, profile, out);
    put_paths(&e, "write_roots", &out->write_roots, &out->n_write_roots);
    put_paths(&e, "lua_path", &out->lua_paths, &out->n_lua_paths);
    put_grants(&e, out);
    strbuf_t ppath;
    strbuf_init(&ppath);
    const val_t *prof = profile_map(c, profile, &ppath);
    put_registries(&e, prof, ppath.data ? ppath.data : "", out);
    e.oom = e.oom || ppath.oom;
    strbuf_free(&ppath);
    put_section(&e, "alerts", config_get(c->root, "top", "alerts"));
    read_alerts(config_get(c->root, "top", "alerts"), &out->alerts);
    put_params(&e, profile);
    strbuf_free(&e.from);
    if (e.oom) {
        val_unref(e.list);
        config_settings_clear(out);
        return MIG_ENOMEM;
    }
    if (effective)
        *effective = e.list;
    return MIG_OK;
}

void config_settings_clear(config_settings_t *s)
{
    for (size_t i = 0; i < s->n_write_roots; i++)
        free(s->write_roots[i]);
    for (size_t i = 0; i < s->n_lua_paths; i++)
        free(s->lua_paths[i]);
    free(s->write_roots);
    free(s->lua_paths);
    free(s->lua_grants);
    for (size_t i = 0; i < s->n_registries; i++)
        free(s->registries[i].path);
    free(s->registries);
    free(s->state_dir);
    *s = (config_settings_t){ 0 };
}

/* ---- the difference of two ----------------------------------------------- */

static const val_t *find_key(const val_t *list, const char *key)
{
    for (size_t i = 0; list && i < val_len(list); i++) {
        const val_t *row = val_list_get(list, i);
        if (strcmp(val_get_str(val_map_get(row, "key", 3), NULL), key) == 0)
            return val_map_get(row, "value", 5);
    }
    return NULL;
}

/* Appends {key, change, old, new} to OUT. */
static bool add_change(val_t *out, const val_t *key, const char *change,
                       const val_t *old, const val_t *new_value)
{
    val_t *row = val_map_new(4);
    val_t *ch = val_cstring(change);
    val_t *null = val_null();
    bool ok = row && ch && null
        && val_map_set(row, "key", 3, (val_t *)key) == MIG_OK
        && val_map_set(row, "change", 6, ch) == MIG_OK
        && val_map_set(row, "old", 3, old ? (val_t *)old : null) == MIG_OK
        && val_map_set(row, "new", 3, new_value ? (val_t *)new_value : null)
           == MIG_OK
        && val_list_push(out, row) == MIG_OK;
    val_unref(row);
    val_unref(ch);
    val_unref(null);
    return ok;
}

val_t *config_diff(const val_t *a, const val_t *b)
{
    val_t *out = val_list_new(0);
    bool ok = out != NULL;
    for (size_t i = 0; ok && a && i < val_len(a); i++) {
        const val_t *row = val_list_get(a, i);
        const val_t *key = val_map_get(row, "key", 3);
        const val_t *old = val_map_get(row, "value", 5);
        const val_t *now = find_key(b, val_get_str(key, NULL));
        if (!now)
            ok = add_change(out, key, "removed", old, NULL);
        else if (!val_equal(old, now))
            ok = add_change(out, key, "changed", old, now);
    }
    for (size_t i = 0; ok && b && i < val_len(b); i++) {
        const val_t *row = val_list_get(b, i);
        const val_t *key = val_map_get(row, "key", 3);
        if (!find_key(a, val_get_str(key, NULL)))
            ok = add_change(out, key, "added", NULL,
                            val_map_get(row, "value", 5));
    }
    if (!ok) {
        val_unref(out);
        out = NULL;
    }
    return out;
}
