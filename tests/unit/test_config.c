/* test_config.c: the project configuration (interpreter/config*.c) and
 * its layering with the plan's parameters (params_resolve_config): each
 * layer over the one before, where each value came from, the settings
 * of a profile, the deprecation mechanism (through a table of the test's
 * own, as no key is deprecated yet), references masked, the diff of two
 * configurations, and where mig.yaml is found. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"
#include "config_fixture.h"
#include "json_fixture.h"

/* The plan: one parameter per layer, and a profile "staging" that sets
 * the last two. */
static const char plan_text[] =
    "migration \"p\" {\n"                       /* 1 */
    "  param a = \"plan\"\n"                    /* 2 */
    "  param b = \"plan\"\n"                    /* 3 */
    "  param c = \"plan\"\n"                    /* 4 */
    "  param d = \"plan\"\n"                    /* 5 */
    "  param e = \"plan\"\n"                    /* 6 */
    "  param wait = 1s\n"                       /* 7 */
    "  profile staging {\n"                     /* 8 */
    "    d = \"plan-profile\"\n"                /* 9 */
    "    e = \"plan-profile\"\n"                /* 10 */
    "  }\n"
    "  stage s { let x = a }\n"
    "}\n";

static const char yaml_text[] =
    "version: 1\n"                                              /* 1 */
    "state: store\n"                                            /* 2 */
    "defaults:\n"                                               /* 3 */
    "  params: {b: defaults, c: defaults, d: defaults, e: defaults}\n" /* 4 */
    "  durability: full\n"                                      /* 5 */
    "profiles:\n"                                               /* 6 */
    "  staging:\n"                                              /* 7 */
    "    params: {c: profile, d: profile, e: profile, wait: 30s}\n" /* 8 */
    "    concurrency: 4\n"                                      /* 9 */
    "  production: {params: {a: {secret: {env: TOKEN}}}}\n";    /* 10 */

typedef struct fixture {
    char dir[64];
    char path[96];
    src_t *src;
    arena_t *arena;
    ast_plan_t *plan;
    diag_list_t diags;
    config_t *cfg;
    params_t *p;
} fixture_t;

/* Writes TEXT as DIR/mig.yaml in a new folder and loads it. */
static mig_status_t load(fixture_t *f, const char *text)
{
    memset(f, 0, sizeof(*f));
    diag_list_init(&f->diags);
    strcpy(f->dir, "/tmp/mig-config-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/mig.yaml", f->dir);
    write_text(f->path, text, 0644);
    f->src = src_from_memory("p.mig", plan_text, strlen(plan_text));
    f->arena = arena_new();
    assert_int_equal(grammar_parse(f->src, f->arena, &f->diags, &f->plan),
                     MIG_OK);
    return config_load(f->path, &f->diags, &f->cfg);
}

static void release(fixture_t *f)
{
    params_free(f->p);
    config_free(f->cfg);
    diag_list_free(&f->diags);
    arena_free(f->arena);
    src_free(f->src);
    unlink(f->path);
    rmdir(f->dir);
}

/* Parameter NAME of F's resolved parameters: its index. */
static size_t param(const fixture_t *f, const char *name)
{
    for (size_t i = 0; i < params_count(f->p); i++)
        if (strcmp(params_name(f->p, i), name) == 0)
            return i;
    fail_msg("no parameter %s", name);
    return 0;
}

static void expect(const fixture_t *f, const char *name, const char *value,
                   param_origin_t origin, const char *where_suffix)
{
    size_t i = param(f, name);
    assert_string_equal(val_get_str(params_value(f->p, i), NULL), value);
    assert_int_equal(params_origin(f->p, i), origin);
    const char *w = params_where(f->p, i);
    size_t n = strlen(w), m = strlen(where_suffix);
    assert_true(n >= m);
    assert_string_equal(w + n - m, where_suffix);
}

/* Each layer over the one before: plan default < mig.yaml defaults <
 * mig.yaml profile < the plan's profile < --param; each reported. */
static void test_each_layer(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(load(&f, yaml_text), MIG_OK);
    const char *over[] = { "e=cli" };
    assert_int_equal(params_resolve_config(f.plan, f.src, f.cfg, "staging",
                                           over, 1, &f.diags, &f.p), MIG_OK);
    expect(&f, "a", "plan", PARAM_FROM_DEFAULT, "p.mig:2");
    expect(&f, "b", "defaults", PARAM_FROM_CONFIG, "mig.yaml:4");
    expect(&f, "c", "profile", PARAM_FROM_CONFIG, "mig.yaml:8");
    expect(&f, "d", "plan-profile", PARAM_FROM_PROFILE, "p.mig:9");
    expect(&f, "e", "cli", PARAM_FROM_CLI, "--param");
    /* YAML has no durations: "30s" is read as the default's type. */
    val_t *wait = params_value(f.p, param(&f, "wait"));
    assert_int_equal(val_type(wait), VAL_DURATION);
    assert_int_equal(val_get_ms(wait), 30000);
    assert_string_equal(params_profile(f.p), "staging");
    release(&f);
}

/* Without --profile, only mig.yaml's defaults are laid over the plan. */
static void test_no_profile(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(load(&f, yaml_text), MIG_OK);
    assert_int_equal(params_resolve_config(f.plan, f.src, f.cfg, NULL, NULL,
                                           0, &f.diags, &f.p), MIG_OK);
    expect(&f, "a", "plan", PARAM_FROM_DEFAULT, "p.mig:2");
    expect(&f, "c", "defaults", PARAM_FROM_CONFIG, "mig.yaml:4");
    expect(&f, "e", "defaults", PARAM_FROM_CONFIG, "mig.yaml:4");
    assert_int_equal(val_get_ms(params_value(f.p, param(&f, "wait"))), 1000);
    release(&f);
}

/* A profile of mig.yaml only is a profile; its reference stays
 * unresolved and masked. */
static void test_profile_of_config_only(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(load(&f, yaml_text), MIG_OK);
    assert_int_equal(params_resolve_config(f.plan, f.src, f.cfg, "production",
                                           NULL, 0, &f.diags, &f.p), MIG_OK);
    size_t a = param(&f, "a");
    assert_true(params_unresolved(f.p, a));
    assert_string_equal(val_get_str(params_value(f.p, a), NULL),
                        "secret:env:TOKEN");
    assert_false(params_unresolved(f.p, param(&f, "b")));
    release(&f);
}

/* A --param replaces a reference: nothing is left to resolve. */
static void test_param_over_reference(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(load(&f, yaml_text), MIG_OK);
    const char *over[] = { "a=given" };
    assert_int_equal(params_resolve_config(f.plan, f.src, f.cfg, "production",
                                           over, 1, &f.diags, &f.p), MIG_OK);
    assert_false(params_unresolved(f.p, param(&f, "a")));
    release(&f);
}

static void test_unknown_profile_lists_both(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(load(&f, yaml_text), MIG_OK);
    assert_int_equal(params_resolve_config(f.plan, f.src, f.cfg, "qa", NULL,
                                           0, &f.diags, &f.p), MIG_EINVALID);
    assert_null(f.p);
    assert_int_equal(f.diags.len, 1);
    assert_string_equal(f.diags.items[0].message, "unknown profile 'qa'");
    assert_string_equal(f.diags.items[0].hint, "the profiles of mig.yaml and "
                        "the plan are 'staging', 'production'");
    release(&f);
}

static void test_undeclared_and_wrong_type(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(load(&f, "version: 1\ndefaults:\n  params: {bb: 1, "
                              "wait: 5}\n"), MIG_OK);
    assert_int_equal(params_check_config(f.plan, f.src, f.cfg, &f.diags),
                     MIG_EINVALID);
    assert_int_equal(f.diags.len, 2);
    assert_string_equal(f.diags.items[0].message, "mig.yaml sets 'bb', which "
                        "is not a parameter of the plan");
    assert_string_equal(f.diags.items[0].hint, "did you mean 'b'?");
    assert_int_equal(f.diags.items[0].span.line, 3);
    assert_int_equal(f.diags.items[0].span.col, 12);
    assert_string_equal(f.diags.items[1].message, "mig.yaml sets 'wait' to a "
                        "number, but its default is a duration");
    release(&f);
}

/* The settings: built in, from the defaults, from the profile. */
static void test_settings(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(load(&f, yaml_text), MIG_OK);
    config_settings_t s;
    val_t *eff;
    assert_int_equal(config_effective(f.cfg, "staging", &s, &eff), MIG_OK);
    char want[128];
    snprintf(want, sizeof want, "%s/store", f.dir);
    assert_string_equal(s.state_dir, want);
    assert_true(s.durable_full);
    assert_int_equal(s.concurrency, 4);
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < val_len(eff); i++) {
        const val_t *row = val_list_get(eff, i);
        const char *from = val_get_str(val_map_get(row, "from", 4), NULL);
        const char *colon = strrchr(from, ':');
        strbuf_printf(&b, "%s=", val_get_str(val_map_get(row, "key", 3), NULL));
        val_format(val_map_get(row, "value", 5), &b);
        strbuf_printf(&b, "@%s;", colon ? colon + 1 : from);
    }
    assert_string_equal(b.data,
        "version=1@1;profile=\"staging\"@--profile;state=\"store\"@2;"
        "durability=\"full\"@5;concurrency=4@9;retry=null@built-in;"
        "timeout=null@built-in;breaker=null@built-in;write_roots=[]@built-in;"
        "lua_path=[]@built-in;params.b=\"defaults\"@4;"
        "params.c=\"profile\"@8;params.d=\"profile\"@8;params.e=\"profile\"@8;"
        "params.wait=\"30s\"@8;");
    strbuf_free(&b);
    val_unref(eff);
    config_settings_clear(&s);
    /* Without a profile: concurrency built in (none), durability from the
     * defaults. */
    assert_int_equal(config_effective(f.cfg, NULL, &s, &eff), MIG_OK);
    assert_int_equal(s.concurrency, 0);
    assert_true(s.durable_full);
    assert_string_equal(val_get_str(val_map_get(val_list_get(eff, 4), "from",
                                                4), NULL), "built-in");
    val_unref(eff);
    config_settings_clear(&s);
    release(&f);
}

/* The run-wide defaults retry, timeout and breaker: each from the profile
 * when it sets it (the whole map: a profile's retry replaces the
 * defaults' retry, keys it leaves out take their built-in values), else
 * from defaults, else none; each with where it came from. */
static void test_run_defaults(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(load(&f,
        "version: 1\n"                                             /* 1 */
        "defaults:\n"                                              /* 2 */
        "  retry: {attempts: 3}\n"                                 /* 3 */
        "  timeout: 30s\n"                                         /* 4 */
        "  breaker: {failures: 5, cooldown: 30s}\n"                /* 5 */
        "profiles:\n"                                              /* 6 */
        "  fast:\n"                                                /* 7 */
        "    retry: {attempts: 100, backoff: linear, base: 1ms, max: 1h, "
        "jitter: equal, on: [Timeout, Conflict]}\n"                /* 8 */
        "    timeout: 1d\n"                                        /* 9 */
        "  fixed: {retry: {attempts: 2, backoff: fixed, jitter: full}, "
        "breaker: {failures: 10000, window: 1ms, cooldown: 1d}}\n"), /* 10 */
        MIG_OK);
    config_settings_t s;
    val_t *eff;
    assert_int_equal(config_effective(f.cfg, NULL, &s, &eff), MIG_OK);
    const config_run_defaults_t *d = &s.run_defaults;
    assert_int_equal(d->retry_attempts, 3);
    assert_int_equal(d->backoff, AST_BACKOFF_EXPONENTIAL);
    assert_int_equal(d->base_ms, 1000);
    assert_int_equal(d->max_ms, 30000);
    assert_int_equal(d->jitter, AST_JITTER_NONE);
    assert_int_equal(d->n_retry_on, 1);
    assert_string_equal(d->retry_on[0], "Transient");
    assert_int_equal(d->timeout_ms, 30000);
    assert_int_equal(d->breaker_failures, 5);
    assert_int_equal(d->breaker_window_ms, 60000);
    assert_int_equal(d->breaker_cooldown_ms, 30000);
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 5; i < 8; i++) {
        const val_t *row = val_list_get(eff, i);
        const char *from = val_get_str(val_map_get(row, "from", 4), NULL);
        strbuf_printf(&b, "%s@%s;", val_get_str(val_map_get(row, "key", 3),
                                                NULL), strrchr(from, ':') + 1);
    }
    assert_string_equal(b.data, "retry@3;timeout@4;breaker@5;");
    val_unref(eff);
    config_settings_clear(&s);
    /* The profile's retry and timeout over the defaults'; its breaker
     * the defaults'. */
    assert_int_equal(config_effective(f.cfg, "fast", &s, &eff), MIG_OK);
    assert_int_equal(d->retry_attempts, 100);
    assert_int_equal(d->backoff, AST_BACKOFF_LINEAR);
    assert_int_equal(d->base_ms, 1);
    assert_int_equal(d->max_ms, 3600000);
    assert_int_equal(d->jitter, AST_JITTER_EQUAL);
    assert_int_equal(d->n_retry_on, 2);
    assert_string_equal(d->retry_on[0], "Timeout");
    assert_string_equal(d->retry_on[1], "Conflict");
    assert_int_equal(d->timeout_ms, 86400000);
    assert_int_equal(d->breaker_failures, 5);
    b.len = 0;
    for (size_t i = 5; i < 8; i++) {
        const val_t *row = val_list_get(eff, i);
        const char *from = val_get_str(val_map_get(row, "from", 4), NULL);
        strbuf_printf(&b, "%s;", strrchr(from, ':') + 1);
    }
    assert_string_equal(b.data, "8;9;5;");
    val_unref(eff);
    config_settings_clear(&s);
    /* A profile's map is taken whole: the defaults' keys do not leak in. */
    assert_int_equal(config_effective(f.cfg, "fixed", &s, NULL), MIG_OK);
    assert_int_equal(d->retry_attempts, 2);
    assert_int_equal(d->backoff, AST_BACKOFF_FIXED);
    assert_int_equal(d->base_ms, 1000);
    assert_int_equal(d->jitter, AST_JITTER_FULL);
    assert_int_equal(d->breaker_failures, 10000);
    assert_int_equal(d->breaker_window_ms, 1);
    assert_int_equal(d->breaker_cooldown_ms, 86400000);
    config_settings_clear(&s);
    strbuf_free(&b);
    release(&f);
    /* None set: zero, nothing applies. */
    assert_int_equal(load(&f, "version: 1\n"), MIG_OK);
    assert_int_equal(config_effective(f.cfg, NULL, &s, NULL), MIG_OK);
    assert_int_equal(s.run_defaults.retry_attempts, 0);
    assert_int_equal(s.run_defaults.timeout_ms, 0);
    assert_int_equal(s.run_defaults.breaker_failures, 0);
    config_settings_clear(&s);
    release(&f);
}

/* The bounds of the run-wide defaults, each at its limit (taken) and one
 * past it (refused). */
static void test_run_defaults_bounds(void **state)
{
    (void)state;
    static const struct { const char *yaml; mig_status_t want; } cases[] = {
        { "retry: {attempts: 1}", MIG_OK },
        { "retry: {attempts: 0}", MIG_EINVALID },
        { "retry: {attempts: 100}", MIG_OK },
        { "retry: {attempts: 101}", MIG_EINVALID },
        { "retry: {attempts: 2.5}", MIG_EINVALID },
        { "retry: {backoff: fixed}", MIG_EINVALID },
        { "retry: {attempts: 2, base: 1ms, max: 1h}", MIG_OK },
        { "retry: {attempts: 2, base: 0ms}", MIG_EINVALID },
        { "retry: {attempts: 2, max: 1h1ms}", MIG_EINVALID },
        { "retry: {attempts: 2, on: []}", MIG_EINVALID },
        { "retry: {attempts: 2, on: [Transient, Oops]}", MIG_EINVALID },
        { "retry: {attempts: 2, jitter: half}", MIG_EINVALID },
        { "timeout: 1ms", MIG_OK },
        { "timeout: 0ms", MIG_EINVALID },
        { "timeout: 1d", MIG_OK },
        { "timeout: 1d1ms", MIG_EINVALID },
        { "timeout: 30", MIG_EINVALID },
        { "breaker: {failures: 1, cooldown: 1ms}", MIG_OK },
        { "breaker: {failures: 0, cooldown: 1s}", MIG_EINVALID },
        { "breaker: {failures: 10000, cooldown: 1s}", MIG_OK },
        { "breaker: {failures: 10001, cooldown: 1s}", MIG_EINVALID },
        { "breaker: {failures: 5}", MIG_EINVALID },
        { "breaker: {failures: 5, cooldown: 1s, window: 1d1ms}", MIG_EINVALID },
        { "breaker: {failures: 5, cooldown: 1s, per: url}", MIG_EINVALID },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[256];
        snprintf(text, sizeof text, "version: 1\ndefaults: {%s}\n",
                 cases[i].yaml);
        fixture_t f;
        mig_status_t st = load(&f, text);
        if (st != cases[i].want)
            fail_msg("%s: status %d, not %d", cases[i].yaml, st,
                     cases[i].want);
        release(&f);
    }
}

/* registries: the profile's entry for a name over defaults' over the
 * top level's, the others kept; registry("NAME")'s targets relative to
 * the plan's folder (the same, one below, one beside), absolute when
 * they share only the root; URLs as written. */
static void test_registries(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(load(&f,
        "version: 1\n"
        "registries:\n"
        "  main: {path: state/r.db}\n"
        "  abs: {path: /srv/reg.db}\n"
        "  remote: {url: \"https://reg.example/v2\", token: \"${TOK}\"}\n"
        "defaults:\n"
        "  registries: {abs: {path: deep/er/x.db}}\n"
        "profiles:\n"
        "  staging: {registries: {main: {url: \"http://staging/\"}}}\n"),
        MIG_OK);
    char sub[128], beside[128];
    snprintf(sub, sizeof sub, "%s/plan", f.dir);
    snprintf(beside, sizeof beside, "%s-beside", f.dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(mkdir(beside, 0755), 0);
    config_settings_t s;
    assert_int_equal(config_effective(f.cfg, NULL, &s, NULL), MIG_OK);
    assert_int_equal(s.n_registries, 3);
    assert_string_equal(s.registries[0].name, "main");
    assert_string_equal(s.registries[1].name, "remote");
    assert_non_null(s.registries[1].token);
    assert_string_equal(s.registries[2].name, "abs");
    assert_null(s.registries[2].url);
    char dir[256];
    const char *const want_in[][2] = {
        { "main", "state/r.db" }, { "remote", "https://reg.example/v2" },
        { "abs", "deep/er/x.db" } };
    snprintf(dir, sizeof dir, "%s/", f.dir);
    val_t *t = config_registry_targets(&s, dir);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(val_get_str(val_map_get(t, want_in[i][0],
            strlen(want_in[i][0])), NULL), want_in[i][1]);
    val_unref(t);
    snprintf(dir, sizeof dir, "%s/", sub);
    t = config_registry_targets(&s, dir);
    assert_string_equal(val_get_str(val_map_get(t, "main", 4), NULL),
                        "../state/r.db");
    val_unref(t);
    snprintf(dir, sizeof dir, "%s/", beside);
    t = config_registry_targets(&s, dir);
    char want[512];
    snprintf(want, sizeof want, "../%s/deep/er/x.db", f.dir + 5);
    assert_string_equal(val_get_str(val_map_get(t, "abs", 3), NULL), want);
    val_unref(t);
    t = config_registry_targets(&s, "/");
    snprintf(want, sizeof want, "%s/state/r.db", f.dir);
    assert_string_equal(val_get_str(val_map_get(t, "main", 4), NULL), want);
    val_unref(t);
    config_settings_clear(&s);
    /* An absolute path in a folder that does not exist: absolute. */
    assert_int_equal(config_effective(f.cfg, "plain", &s, NULL), MIG_OK);
    free(s.registries[2].path);
    s.registries[2].path = strdup("/nonexistent-mig/reg.db");
    t = config_registry_targets(&s, dir);
    assert_string_equal(val_get_str(val_map_get(t, "abs", 3), NULL),
                        "/nonexistent-mig/reg.db");
    val_unref(t);
    config_settings_clear(&s);
    /* The profile's main is remote; abs stays the defaults'. */
    val_t *eff;
    assert_int_equal(config_effective(f.cfg, "staging", &s, &eff), MIG_OK);
    assert_int_equal(s.n_registries, 3);
    assert_string_equal(s.registries[2].name, "main");
    assert_string_equal(s.registries[2].url, "http://staging/");
    assert_null(s.registries[2].path);
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < val_len(eff); i++) {
        const val_t *row = val_list_get(eff, i);
        const char *key = val_get_str(val_map_get(row, "key", 3), NULL);
        const char *from = val_get_str(val_map_get(row, "from", 4), NULL);
        if (strncmp(key, "registries.", 11) == 0)
            strbuf_printf(&b, "%s@%s;", key + 11, strrchr(from, ':') + 1);
    }
    assert_string_equal(b.data, "remote.url@5;remote.token@5;abs.path@7;"
                                "main.url@9;");
    strbuf_free(&b);
    val_unref(eff);
    config_settings_clear(&s);
    rmdir(sub);
    rmdir(beside);
    release(&f);
}

/* write_roots and lua_path joined to mig.yaml's folder (an absolute one
 * kept), lua_grants a pair per module and library. */
static void test_lists(void **state)
{
    (void)state;
    fixture_t f;
    assert_int_equal(load(&f, "version: 1\nwrite_roots: [out, /srv/reg]\n"
                              "lua_path: [lib]\nlua_grants: {a: [os, io], "
                              "b: [package]}\n"), MIG_OK);
    config_settings_t s;
    assert_int_equal(config_effective(f.cfg, NULL, &s, NULL), MIG_OK);
    char want[128];
    assert_int_equal(s.n_write_roots, 2);
    snprintf(want, sizeof want, "%s/out", f.dir);
    assert_string_equal(s.write_roots[0], want);
    assert_string_equal(s.write_roots[1], "/srv/reg");
    assert_int_equal(s.n_lua_paths, 1);
    snprintf(want, sizeof want, "%s/lib", f.dir);
    assert_string_equal(s.lua_paths[0], want);
    assert_int_equal(s.n_lua_grants, 3);
    assert_string_equal(s.lua_grants[0].module, "a");
    assert_string_equal(s.lua_grants[1].library, "io");
    assert_string_equal(s.lua_grants[2].module, "b");
    assert_string_equal(s.lua_grants[2].library, "package");
    config_settings_clear(&s);
    release(&f);
}

static void test_builtin(void **state)
{
    (void)state;
    config_t *c = config_builtin();
    assert_non_null(c);
    config_settings_t s;
    val_t *eff;
    assert_int_equal(config_effective(c, NULL, &s, &eff), MIG_OK);
    assert_null(s.state_dir);
    assert_false(s.durable_full);
    assert_int_equal(s.concurrency, 0);
    assert_null(config_path(c));
    assert_int_equal(config_profile_count(c), 0);
    val_unref(eff);
    config_settings_clear(&s);
    config_free(c);
}

/* The deprecation mechanism, through a table of the test's own. */
static void test_deprecated_key(void **state)
{
    (void)state;
    static const config_deprecated_t deps[] = {
        { "profile", "parallel", "concurrency" }, { 0 },
    };
    fixture_t f;
    /* This mig deprecates nothing: the old name is an unknown key. */
    assert_int_equal(load(&f, "version: 1\ndefaults:\n  parallel: 20000\n"),
                     MIG_EINVALID);
    assert_string_equal(f.diags.items[0].message,
                        "unknown key defaults.parallel");
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(config_check(f.cfg, deps, &d), MIG_EINVALID);
    assert_int_equal(d.len, 2);
    assert_int_equal(d.items[0].severity, DIAG_WARNING);
    assert_string_equal(d.items[0].message, "defaults.parallel is "
                        "deprecated: it is now 'concurrency'");
    assert_string_equal(d.items[0].hint, "rename 'parallel' to 'concurrency'");
    assert_int_equal(d.items[0].span.line, 3);
    /* ... and its value is checked as the new key's. */
    assert_string_equal(d.items[1].message, "defaults.parallel must be a "
                        "whole number from 1 to 10000; 20000 is out of range");
    diag_list_free(&d);
    release(&f);
}

static void test_references(void **state)
{
    (void)state;
    static const struct { const char *yaml, *masked; } refs[] = {
        { "{secret: {env: T}}", "secret:env:T" },
        { "{secret: {file: /run/t}}", "secret:file:/run/t" },
        { "{secret: {command: [pass, show, t]}}", "secret:command:pass" },
        { "\"x-${T}\"", "x-${T}" },
    };
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
        src_t *s = src_from_memory("r", refs[i].yaml, strlen(refs[i].yaml));
        diag_list_t d;
        diag_list_init(&d);
        val_t *v = NULL;
        assert_int_equal(val_from_yaml(s, &d, &v), MIG_OK);
        assert_true(config_is_ref(v));
        val_t *t = config_ref_text(v);
        assert_string_equal(val_get_str(t, NULL), refs[i].masked);
        val_unref(t);
        val_unref(v);
        diag_list_free(&d);
        src_free(s);
    }
    val_t *plain = val_cstring("no reference");
    assert_false(config_is_ref(plain));
    val_unref(plain);
}

/* config_resolve_refs: ${NAME} into a plain string; a secret: reference
 * into a secret whose recipe names its source (a relative file joined to
 * the folder of mig.yaml, absolute); each failure an error at the
 * reference's place that never holds a byte of the value. */
static mig_status_t resolve(const char *yaml, const char *dir, val_t **out,
                            diag_list_t *d)
{
    src_t *s = src_from_memory("mig.yaml", yaml, strlen(yaml));
    val_t *v = NULL;
    assert_int_equal(val_from_yaml(s, d, &v), MIG_OK);
    src_span_t at = { .line = 7, .col = 3 };
    mig_status_t st = config_resolve_refs("p", v, dir, s, &at, d, out);
    val_unref(v);
    if (d->len)
        assert_ptr_equal(d->items[0].src, s);
    for (size_t i = 0; i < d->len; i++)
        d->items[i].src = NULL;     /* S goes now */
    src_free(s);
    return st;
}

static void test_resolve_refs(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    val_t *out = NULL;
    setenv("WIRE_A", "x", 1);
    setenv("WIRE_B", "wire-s3cr3t", 1);
    unsetenv("WIRE_NONE");
    assert_int_equal(resolve("\"${WIRE_A}-${WIRE_A}/y\"", "", &out, &d),
                     MIG_OK);
    assert_int_equal(val_type(out), VAL_STRING);    /* not a secret */
    assert_string_equal(val_get_str(out, NULL), "x-x/y");
    val_unref(out);
    assert_int_equal(resolve("\"${WIRE_A}${WIRE_NONE}\"", "", &out, &d),
                     MIG_EINVALID);
    assert_null(out);
    assert_string_equal(d.items[0].message, "parameter 'p' is the reference "
                        "${WIRE_A}${WIRE_NONE}, which cannot be resolved: the "
                        "environment variable 'WIRE_NONE' is not set");
    assert_int_equal(d.items[0].span.line, 7);
    diag_list_free(&d);
    diag_list_init(&d);

    assert_int_equal(resolve("{secret: {env: WIRE_B}}", "", &out, &d), MIG_OK);
    assert_int_equal(val_type(out), VAL_SECRET);
    const char *bytes;
    size_t len;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(val_secret_reveal(out, &bytes, &len, &why), MIG_OK);
    assert_string_equal(bytes, "wire-s3cr3t");
    val_unref(out);

    /* A relative file, from the folder of mig.yaml; then readable by all. */
    char dir[] = "/tmp/mig-wire-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char file[64];
    snprintf(file, sizeof file, "%s/tok", dir);
    write_text(file, "file-s3cr3t\n", 0600);
    assert_int_equal(resolve("{secret: {file: tok}}", dir, &out, &d), MIG_OK);
    assert_int_equal(val_secret_reveal(out, &bytes, &len, &why), MIG_OK);
    assert_string_equal(bytes, "file-s3cr3t");
    strbuf_t r;
    strbuf_init(&r);
    val_to_json(val_secret_recipe(out), &r, 0);
    char want[128];
    snprintf(want, sizeof want, "[{\"file\":\"%s\"}]", file);
    assert_string_equal(r.data, want);
    strbuf_free(&r);
    val_unref(out);
    assert_int_equal(chmod(file, 0644), 0);
    assert_int_equal(resolve("{secret: {file: tok}}", dir, &out, &d),
                     MIG_EINVALID);
    assert_non_null(strstr(d.items[0].message, "which cannot be resolved: "
                           "the file '"));
    assert_non_null(strstr(d.items[0].message, "is readable by every user"));
    assert_null(strstr(d.items[0].message, "file-s3cr3t"));
    unlink(file);
    rmdir(dir);
    diag_list_free(&d);
    diag_list_init(&d);

    assert_int_equal(resolve("{secret: {command: [\"false\"]}}", "", &out, &d),
                     MIG_EINVALID);
    assert_non_null(strstr(d.items[0].message, "parameter 'p' is the "
                           "reference secret:command:false, which cannot be "
                           "resolved: "));
    assert_string_equal(d.items[0].hint, "nothing was run; fix the source, "
                        "or give the value with --param p=VALUE");
    strbuf_free(&why);
    diag_list_free(&d);
}

static void test_diff(void **state)
{
    (void)state;
    val_t *a = json_parse("[{\"key\":\"x\",\"value\":1},{\"key\":\"y\",\"value\":"
                        "\"s\"},{\"key\":\"gone\",\"value\":true}]");
    val_t *b = json_parse("[{\"key\":\"x\",\"value\":1},{\"key\":\"y\",\"value\":"
                        "\"t\"},{\"key\":\"new\",\"value\":null}]");
    val_t *d = config_diff(a, b);
    strbuf_t t;
    strbuf_init(&t);
    val_format(d, &t);
    assert_string_equal(t.data,
        "[{\"key\": \"y\", \"change\": \"changed\", \"old\": \"s\", \"new\": "
        "\"t\"}, {\"key\": \"gone\", \"change\": \"removed\", \"old\": true, "
        "\"new\": null}, {\"key\": \"new\", \"change\": \"added\", \"old\": "
        "null, \"new\": null}]");
    strbuf_free(&t);
    val_unref(d);
    d = config_diff(a, a);
    assert_int_equal(val_len(d), 0);
    val_unref(d);
    val_unref(a);
    val_unref(b);
}

/* mig.yaml is found in the plan's folder or above, up to a .git. */
static void test_find(void **state)
{
    (void)state;
    char top[] = "/tmp/mig-find-XXXXXX";
    assert_non_null(mkdtemp(top));
    char p[256];
    snprintf(p, sizeof p, "%s/a", top);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/a/b", top);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/a/mig.yaml", top);
    fclose(fopen(p, "w"));
    char dir[256];
    snprintf(dir, sizeof dir, "%s/a/b/", top);
    char *found = NULL;
    assert_int_equal(config_find(dir, &found), MIG_OK);
    char want[300];
    snprintf(want, sizeof want, "%s/a/b/../mig.yaml", top);
    assert_string_equal(found, want);
    free(found);
    /* A .git between them ends the walk. */
    char git[256];
    snprintf(git, sizeof git, "%s/a/b/.git", top);
    mkdir(git, 0700);
    assert_int_equal(config_find(dir, &found), MIG_OK);
    assert_null(found);
    rmdir(git);
    unlink(p);
    assert_int_equal(config_find(dir, &found), MIG_OK);
    assert_null(found);
    snprintf(p, sizeof p, "%s/a/b", top);
    rmdir(p);
    snprintf(p, sizeof p, "%s/a", top);
    rmdir(p);
    rmdir(top);
}

static void test_places(void **state)
{
    (void)state;
    static const char text[] = "a:\n  \"x/y~z\": [1, {b: 2}]\n";
    src_t *s = src_from_memory("t.yaml", text, strlen(text));
    diag_list_t d;
    diag_list_init(&d);
    val_t *v = NULL;
    yaml_places_t pl;
    assert_int_equal(val_from_yaml_places(s, &d, &v, &pl), MIG_OK);
    const yaml_place_t *b = yaml_places_find(&pl, "/a/x~1y~0z/1/b");
    assert_non_null(b);
    assert_int_equal(b->key.line, 2);
    assert_int_equal(b->key.col, 17);
    assert_int_equal(b->value.col, 20);
    const yaml_place_t *one = yaml_places_find(&pl, "/a/x~1y~0z/0");
    assert_non_null(one);
    assert_int_equal(one->value.col, 13);
    assert_non_null(yaml_places_find(&pl, ""));
    assert_null(yaml_places_find(&pl, "/nothing"));
    yaml_places_free(&pl);
    val_unref(v);
    diag_list_free(&d);
    src_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_layer),
        cmocka_unit_test(test_no_profile),
        cmocka_unit_test(test_profile_of_config_only),
        cmocka_unit_test(test_param_over_reference),
        cmocka_unit_test(test_unknown_profile_lists_both),
        cmocka_unit_test(test_undeclared_and_wrong_type),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_run_defaults),
        cmocka_unit_test(test_run_defaults_bounds),
        cmocka_unit_test(test_registries),
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_deprecated_key),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_resolve_refs),
        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_places),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
