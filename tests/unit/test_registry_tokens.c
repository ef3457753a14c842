/* test_registry_tokens.c: mig.yaml's remote registry tokens for a run
 * (docs/configuration.md, "registries"): config_registry_tokens resolves
 * the token of each remote registry the plan names (config_registry_named)
 * of the run's profile into a secret whose recipe names its sources,
 * keyed by its URL, and says one that cannot be resolved at the token's
 * place in the layer that gives the registry; config_tokens_get resolves
 * any other on first use; stdlib_registry_fill gives it to a registry
 * action's call whose db is that URL and that names no token of its
 * own. */
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
#include "mig_stdlib.h"

typedef struct fixture {
    char dir[64];
    char path[96];
    diag_list_t diags;
    config_t *cfg;
    config_settings_t set;
} fixture_t;

/* Writes TEXT as mig.yaml in a new folder, loads it and lays it out for
 * PROFILE (NULL: none). */
static void load(fixture_t *f, const char *text, const char *profile)
{
    memset(f, 0, sizeof(*f));
    diag_list_init(&f->diags);
    strcpy(f->dir, "/tmp/mig-tokens-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/mig.yaml", f->dir);
    write_text(f->path, text, 0644);
    assert_int_equal(config_load(f->path, &f->diags, &f->cfg), MIG_OK);
    assert_int_equal(config_effective(f->cfg, profile, &f->set, NULL),
                     MIG_OK);
}

static void release(fixture_t *f)
{
    config_settings_clear(&f->set);
    diag_list_free(&f->diags);     /* before the source its items name */
    config_free(f->cfg);
    char tok[96];
    snprintf(tok, sizeof tok, "%s/tok", f->dir);
    unlink(tok);
    unlink(f->path);
    rmdir(f->dir);
}

/* The bytes of secret V. */
static const char *bytes_of(const val_t *v)
{
    const char *b;
    size_t len;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(val_type(v), VAL_SECRET);
    assert_int_equal(val_secret_reveal(v, &b, &len, &why), MIG_OK);
    strbuf_free(&why);
    return b;
}

/* Fails unless the recipe of secret V is the JSON text WANT. */
static void recipe_is(const val_t *v, const char *want)
{
    strbuf_t r;
    strbuf_init(&r);
    val_to_json(val_secret_recipe(v), &r, 0);
    assert_string_equal(r.data, want);
    strbuf_free(&r);
}

/* The token T has for URL (resolved now if need be), or NULL. */
static const val_t *token_of(config_tokens_t *t, const char *url)
{
    const val_t *tok = NULL;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(config_tokens_get(t, url, &tok, &why), MIG_OK);
    assert_int_equal(why.len, 0);
    strbuf_free(&why);
    return tok;
}

/* Each form of reference, keyed by its URL less trailing slashes; the
 * registries without a token, and embedded ones, have none. */
static void tokens_resolved(void **state)
{
    (void)state;
    fixture_t f;
    setenv("TOK_A", "alpha-s3cr3t", 1);
    setenv("TOK_B", "beta", 1);
    load(&f, "version: 1\n"
             "registries:\n"
             "  env: {url: \"http://a.example/v2/\", token: {secret: {env: TOK_A}}}\n"
             "  text: {url: \"http://b.example\", token: \"x-${TOK_A}-${TOK_B}\"}\n"
             "  file: {url: \"http://c.example\", token: {secret: {file: tok}}}\n"
             "  bare: {url: \"http://d.example\"}\n"
             "  local: {path: r.db}\n", NULL);
    char tok[96];
    snprintf(tok, sizeof tok, "%s/tok", f.dir);
    write_text(tok, "file-s3cr3t\n", 0600);
    config_tokens_t *t = NULL;
    assert_int_equal(config_registry_tokens(f.cfg, NULL, &f.set, NULL,
                                            &f.diags, &t), MIG_OK);
    assert_int_equal(f.diags.len, 0);
    const val_t *a = token_of(t, "http://a.example/v2");
    assert_ptr_equal(token_of(t, "http://a.example/v2//"), a);
    assert_string_equal(bytes_of(a), "alpha-s3cr3t");
    recipe_is(a, "[{\"env\":\"TOK_A\"}]");
    /* A ${NAME} text is a secret too, its recipe its parts. */
    const val_t *b = token_of(t, "http://b.example");
    assert_string_equal(bytes_of(b), "x-alpha-s3cr3t-beta");
    recipe_is(b, "[\"x-\",{\"env\":\"TOK_A\"},\"-\",{\"env\":\"TOK_B\"}]");
    /* A relative file from mig.yaml's folder, kept absolute. */
    const val_t *c = token_of(t, "http://c.example");
    assert_string_equal(bytes_of(c), "file-s3cr3t");
    char want[160];
    snprintf(want, sizeof want, "[{\"file\":\"%s\"}]", tok);
    recipe_is(c, want);
    assert_null(token_of(t, "http://d.example"));
    assert_null(token_of(t, "http://e.example"));
    config_tokens_free(t);
    release(&f);
}

/* The token is the one of the layer that gives the registry (the
 * profile's over defaults' over the top level's), and so is the place
 * an error names. */
static const char layered_yaml[] =
    "version: 1\n"                                                   /* 1 */
    "registries:\n"                                                  /* 2 */
    "  r: {url: \"http://r.example\", token: {secret: {env: TOP_T}}}\n" /* 3 */
    "defaults:\n"                                                    /* 4 */
    "  registries:\n"                                                /* 5 */
    "    r: {url: \"http://r.example\", token: {secret: {env: DEF_T}}}\n" /* 6 */
    "profiles:\n"                                                    /* 7 */
    "  p:\n"                                                         /* 8 */
    "    registries:\n"                                              /* 9 */
    "      r: {url: \"http://r.example\", token: \"${PROF_T}\"}\n"   /* 10 */
    "  q: {concurrency: 2}\n";                                       /* 11 */

static void tokens_layered(void **state)
{
    (void)state;
    unsetenv("TOP_T");
    setenv("DEF_T", "def-s3cr3t", 1);
    setenv("PROF_T", "prof-s3cr3t", 1);
    const char *const profiles[] = { NULL, "q", "p" };
    const char *const want[] = { "def-s3cr3t", "def-s3cr3t", "prof-s3cr3t" };
    for (size_t i = 0; i < 3; i++) {
        fixture_t f;
        load(&f, layered_yaml, profiles[i]);
        config_tokens_t *t = NULL;
        assert_int_equal(config_registry_tokens(f.cfg, profiles[i], &f.set,
                                                NULL, &f.diags, &t), MIG_OK);
        assert_string_equal(bytes_of(token_of(t, "http://r.example")),
                            want[i]);
        config_tokens_free(t);
        release(&f);
    }
    /* Unresolved: each at its own layer's place. */
    unsetenv("DEF_T");
    unsetenv("PROF_T");
    const uint32_t line[] = { 6, 6, 10 }, col[] = { 41, 41, 43 };
    const char *const var[] = { "DEF_T", "DEF_T", "PROF_T" };
    for (size_t i = 0; i < 3; i++) {
        fixture_t f;
        load(&f, layered_yaml, profiles[i]);
        config_tokens_t *t = (config_tokens_t *)1;
        assert_int_equal(config_registry_tokens(f.cfg, profiles[i], &f.set,
                                                NULL, &f.diags, &t),
                         MIG_EINVALID);
        assert_null(t);
        assert_int_equal(f.diags.len, 1);
        assert_int_equal(f.diags.items[0].span.line, line[i]);
        assert_int_equal(f.diags.items[0].span.col, col[i]);
        assert_ptr_equal(f.diags.items[0].src, config_src(f.cfg));
        char msg[256];
        snprintf(msg, sizeof msg, "the token of registry 'r' is the "
                 "reference %s%s%s, which cannot be resolved: the environment "
                 "variable '%s' is not set", i == 2 ? "${" : "secret:env:",
                 var[i], i == 2 ? "}" : "", var[i]);
        assert_string_equal(f.diags.items[0].message, msg);
        assert_string_equal(f.diags.items[0].hint, "nothing was run; fix the "
                            "source: a run resolves the token of each remote "
                            "registry the plan names first, so that no step "
                            "finds it missing");
        release(&f);
    }
}

/* Two names of one URL: the same token (or none on one of them) is one
 * entry, different ones are an error at the second's token; every
 * unresolved one is said. */
static void tokens_conflicts(void **state)
{
    (void)state;
    setenv("TOK_A", "alpha-s3cr3t", 1);
    unsetenv("TOK_NONE");
    fixture_t f;
    load(&f, "version: 1\n"
             "registries:\n"
             "  c: {url: \"http://x.example\"}\n"
             "  a: {url: \"http://x.example/\", token: {secret: {env: TOK_A}}}\n"
             "  b: {url: \"http://x.example\", token: {secret: {env: TOK_A}}}\n",
         NULL);
    config_tokens_t *t = NULL;
    assert_int_equal(config_registry_tokens(f.cfg, NULL, &f.set, NULL,
                                            &f.diags, &t), MIG_OK);
    assert_string_equal(bytes_of(token_of(t, "http://x.example")),
                        "alpha-s3cr3t");
    config_tokens_free(t);
    release(&f);
    load(&f, "version: 1\n"
             "registries:\n"
             "  a: {url: \"http://x.example/\", token: {secret: {env: TOK_A}}}\n"
             "  b: {url: \"http://x.example\", token: {secret: {env: TOK_NONE}}}\n"
             "  c: {url: \"http://y.example\", token: \"${TOK_NONE}\"}\n",
         NULL);
    assert_int_equal(config_registry_tokens(f.cfg, NULL, &f.set, NULL,
                                            &f.diags, &t), MIG_EINVALID);
    assert_null(t);
    assert_int_equal(f.diags.len, 3);
    assert_string_equal(f.diags.items[0].message, "registries 'a' and 'b' are "
                        "both http://x.example, with different tokens");
    assert_int_equal(f.diags.items[0].span.line, 4);
    assert_non_null(strstr(f.diags.items[1].message, "registry 'b' is the "
                           "reference secret:env:TOK_NONE"));
    assert_non_null(strstr(f.diags.items[2].message, "registry 'c' is the "
                           "reference ${TOK_NONE}"));
    assert_int_equal(f.diags.items[2].span.line, 5);
    /* Named by the plan or not, the two tokens of one URL are an error at
     * run start; the tokens not named are not resolved, so not said. */
    diag_list_free(&f.diags);
    diag_list_init(&f.diags);
    const bool none[] = { false, false, false };
    assert_int_equal(config_registry_tokens(f.cfg, NULL, &f.set, none,
                                            &f.diags, &t), MIG_EINVALID);
    assert_null(t);
    assert_int_equal(f.diags.len, 1);
    assert_string_equal(f.diags.items[0].message, "registries 'a' and 'b' are "
                        "both http://x.example, with different tokens");
    release(&f);
}

/* Named now, the others on first use: a registry the plan does not name
 * whose variable is not set stops nothing at run start; its first use
 * fails with its place in mig.yaml, and succeeds once it is set. */
static void tokens_first_use(void **state)
{
    (void)state;
    setenv("TOK_A", "alpha-s3cr3t", 1);
    unsetenv("TOK_LATE");
    fixture_t f;
    load(&f, "version: 1\n"
             "registries:\n"
             "  a: {url: \"http://a.example\", token: {secret: {env: TOK_A}}}\n"
             "  late: {url: \"http://l.example/\", token: {secret: {env: TOK_LATE}}}\n",
         NULL);
    const bool named[] = { true, false };
    config_tokens_t *t = NULL;
    assert_int_equal(config_registry_tokens(f.cfg, NULL, &f.set, named,
                                            &f.diags, &t), MIG_OK);
    assert_int_equal(f.diags.len, 0);
    assert_string_equal(bytes_of(token_of(t, "http://a.example")),
                        "alpha-s3cr3t");
    const val_t *tok = (const val_t *)1;
    strbuf_t why;
    strbuf_init(&why);
    for (int round = 0; round < 2; round++) {   /* not kept as resolved */
        why.len = 0;
        assert_int_equal(config_tokens_get(t, "http://l.example", &tok, &why),
                         MIG_EINVALID);
        assert_null(tok);
        char want[256];
        snprintf(want, sizeof want, "%s:4:43: the token of registry 'late' "
                 "is the reference secret:env:TOK_LATE, which cannot be "
                 "resolved: the environment variable 'TOK_LATE' is not set",
                 config_src(f.cfg)->name);
        assert_string_equal(why.data, want);
    }
    strbuf_free(&why);
    setenv("TOK_LATE", "late-s3cr3t", 1);
    const val_t *late = token_of(t, "http://l.example//");
    assert_string_equal(bytes_of(late), "late-s3cr3t");
    recipe_is(late, "[{\"env\":\"TOK_LATE\"}]");
    /* Kept once resolved: the same secret again, whatever the variable
     * now says. */
    unsetenv("TOK_LATE");
    assert_ptr_equal(token_of(t, "http://l.example"), late);
    config_tokens_free(t);
    /* Named, it stops the run at start, as before. */
    const bool both[] = { true, true };
    assert_int_equal(config_registry_tokens(f.cfg, NULL, &f.set, both,
                                            &f.diags, &t), MIG_EINVALID);
    assert_null(t);
    assert_int_equal(f.diags.len, 1);
    assert_int_equal(f.diags.items[0].span.line, 4);
    release(&f);
}

/* Which registries a plan names: registry("NAME") of a plain literal, a
 * plain literal that is the URL (trailing slashes either side ignored);
 * not a name elsewhere, nor a string with ${...} or an escape, nor a
 * comment. */
static void named_by_plan(void **state)
{
    (void)state;
    fixture_t f;
    load(&f, "version: 1\n"
             "registries:\n"
             "  a: {url: \"http://a.example\"}\n"
             "  b: {url: \"http://b.example/\"}\n"
             "  c: {url: \"http://c.example\"}\n"
             "  d: {url: \"http://d.example\"}\n"
             "  e: {url: \"http://e.example\"}\n"
             "  f: {path: f.db}\n"
             "  g: {url: \"http://g.example\"}\n"
             "  h: {url: \"http://h.example\"}\n", NULL);
    static const char plan[] =
        "migration \"m\" {\n"
        "  param c = \"c\"\n"                        /* a name, not a call */
        "  param host = \"e.example\"\n"
        "  stage s {\n"
        "    step x = registry.put(db: registry(\"a\"), record: {})\n"
        "    step y = registry.put(db: \"http://b.example\", record: {})\n"
        "    step z = registry.put(db: \"http://d.example//\", record: {})\n"
        "    step w = registry.put(db: \"http://${host}\", record: {})\n"
        "    step v = registry.put(db: registry(\"f\"), record: {})\n"
        "    step u = registry.put(db: \"http://g.exampl\\u{65}\", record: {})\n"
        "    # registry(\"h\")\n"
        "  }\n"
        "}\n";
    src_t *src = src_from_memory("p.mig", plan, sizeof plan - 1);
    assert_non_null(src);
    bool *named = NULL;
    assert_int_equal(config_registry_named(src, &f.set, &f.diags, &named),
                     MIG_OK);
    const bool want[] = { true, true, false, true, false, true, false, false };
    assert_int_equal(f.set.n_registries, 8);
    for (size_t i = 0; i < 8; i++)
        if (named[i] != want[i])
            fail_msg("registry '%s': named %d, wanted %d",
                     f.set.registries[i].name, named[i], want[i]);
    free(named);
    /* A plan that does not scan: said, nothing named. */
    src_t *bad = src_from_memory("q.mig", "\"open", 5);
    named = (bool *)1;
    assert_int_equal(config_registry_named(bad, &f.set, &f.diags, &named),
                     MIG_EINVALID);
    assert_null(named);
    assert_true(f.diags.errors > 0);
    diag_list_free(&f.diags);    /* before the sources its items name */
    diag_list_init(&f.diags);
    src_free(bad);
    src_free(src);
    release(&f);
}

/* ---- stdlib_registry_fill ----------------------------------------------- */

static const action_arg_t with_token[] = {
    { .name = "db", .types = ACTION_T(STRING) },
    { .name = "token", .types = ACTION_T(SECRET), .secrets = true },
    { 0 },
};
static const action_arg_t without_token[] = {
    { .name = "db", .types = ACTION_T(STRING) },
    { 0 },
};

/* Fills ARGS (JSON text, a token given as "GIVEN" replaced by GIVEN) for
 * ROW with TOKENS: the token the call then has, or NULL; the map given
 * is never changed. */
static const val_t *filled(const action_t *row, config_tokens_t *tokens,
                           const char *json, val_t *given, val_t **keep)
{
    val_t *args = json_parse(json);
    if (given) {
        val_t *c = val_copy(args);
        assert_int_equal(val_map_set(c, "token", 5, given), MIG_OK);
        val_unref(args);
        args = c;
    }
    val_t *was = val_ref(args);
    size_t n = val_len(args);
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(stdlib_registry_fill(tokens, row, &args, &why), MIG_OK);
    assert_int_equal(why.len, 0);
    strbuf_free(&why);
    /* The map given is as it was: a copy was changed. */
    assert_int_equal(val_len(was), n);
    assert_true(!val_map_get(was, "token", 5) == !given);
    val_unref(was);
    *keep = args;
    return val_map_get(args, "token", 5);
}

static void fill(void **state)
{
    (void)state;
    action_registry_t *reg = action_registry_new();
    assert_int_equal(stdlib_register(reg), MIG_OK);
    const action_t *put = action_find(reg, "registry.put");
    const action_t *del = action_find(reg, "registry.delete");
    const action_t *other = &(action_t){ .name = "file.fake",
                                         .args = with_token };
    const action_t *bare = &(action_t){ .name = "registry.fake",
                                        .args = without_token };
    val_t *src = json_parse("{\"env\":\"CFG_T\"}");
    val_t *own = val_secret_new("own", 3, src);
    setenv("CFG_T", "cfg", 1);
    fixture_t f;
    load(&f, "version: 1\n"
             "registries:\n"
             "  r: {url: \"http://r.example/v2\", token: {secret: {env: CFG_T}}}\n",
         NULL);
    config_tokens_t *tokens = NULL;
    assert_int_equal(config_registry_tokens(f.cfg, NULL, &f.set, NULL,
                                            &f.diags, &tokens), MIG_OK);
    const val_t *cfg = token_of(tokens, "http://r.example/v2");
    assert_non_null(cfg);
    /* Each call: the row, its db, the token it gives, the one it has. */
    const struct {
        const action_t *row;
        const char *db;
        val_t *given;
        const val_t *want;
        config_tokens_t *tokens;
    } calls[] = {
        /* The URL, with or without trailing slashes: mig.yaml's token. */
        { put, "http://r.example/v2", NULL, cfg, tokens },
        { del, "http://r.example/v2//", NULL, cfg, tokens },
        /* The plan's own token wins. */
        { put, "http://r.example/v2", own, own, tokens },
        /* Another URL, a local registry, no tokens: nothing. */
        { put, "http://r.example", NULL, NULL, tokens },
        { put, "http://r.example/v2/x", NULL, NULL, tokens },
        { put, "r.db", NULL, NULL, tokens },
        { put, "http://r.example/v2", NULL, NULL, NULL },
        /* Only a registry action that takes a token. */
        { other, "http://r.example/v2", NULL, NULL, tokens },
        { bare, "http://r.example/v2", NULL, NULL, tokens },
    };
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
        char json[96];
        snprintf(json, sizeof json, "{\"db\":\"%s\"}", calls[i].db);
        val_t *k;
        const val_t *got = filled(calls[i].row, calls[i].tokens, json,
                                  calls[i].given, &k);
        if (got != calls[i].want)
            fail_msg("call %zu (%s of %s): not the token wanted", i,
                     calls[i].row->name, calls[i].db);
        val_unref(k);
    }
    config_tokens_free(tokens);
    release(&f);
    val_unref(own);
    val_unref(src);
    action_registry_free(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tokens_resolved),
        cmocka_unit_test(tokens_layered),
        cmocka_unit_test(tokens_conflicts),
        cmocka_unit_test(tokens_first_use),
        cmocka_unit_test(named_by_plan),
        cmocka_unit_test(fill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
