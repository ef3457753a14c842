/* test_secret.c: the secret kind of value (interpreter/value_secret.c,
 * eval_secret.c) and its sources (secret.c): propagation through
 * interpolation, + and containers, every refused operation with its exact
 * message and place, masking by every printer, the sealed form the state
 * store keeps and its reveal from the source again, and the environment,
 * file and command resolvers at and beyond their bounds. */
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

#include "interpreter.h"
#include "json_fixture.h"

#define BYTES "s3cr3t-unit"
#define VAR "MIG_UNIT_SECRET"

/* ---- evaluating one expression ------------------------------------------ */

typedef struct outcome {
    val_t *value;               /* on success: a new reference */
    char error[1024];           /* else "COL: message | hint" */
} outcome_t;

/* Evaluates EXPR, written at line 2 column 9 of a plan, with `tok` bound
 * to secret_env(VAR) (VAR set to BYTES) and `word` to "w". */
static outcome_t eval_one(const char *expr)
{
    static outcome_t o;
    char text[2048];
    snprintf(text, sizeof text, "migration \"t\" {\n"
             "let v = %s\n}\n", expr);
    setenv(VAR, BYTES, 1);
    src_t *src = src_from_memory("t.mig", text, strlen(text));
    arena_t *arena = arena_new();
    diag_list_t diags;
    diag_list_init(&diags);
    ast_plan_t *plan = NULL;
    assert_int_equal(grammar_parse(src, arena, &diags, &plan), MIG_OK);
    eval_env_t *env = eval_env_new(NULL);
    val_t *tok = NULL, *word = val_cstring("w");
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(secret_env(VAR, &tok, &why), MIG_OK);
    assert_int_equal(eval_env_set(env, "tok", tok), MIG_OK);
    assert_int_equal(eval_env_set(env, "word", word), MIG_OK);
    memset(&o, 0, sizeof o);
    mig_status_t st = eval_expr(plan->items.items[0]->u.binding.value, env,
                                src, &diags, &o.value);
    if (st != MIG_OK) {
        assert_int_equal(st, MIG_EINVALID);
        assert_int_equal(diags.len, 1);
        const diag_t *d = &diags.items[0];
        snprintf(o.error, sizeof o.error, "%u: %s%s%s", d->span.col,
                 d->message, d->hint ? " | " : "", d->hint ? d->hint : "");
    }
    val_unref(tok);
    val_unref(word);
    strbuf_free(&why);
    eval_env_free(env);
    diag_list_free(&diags);
    arena_free(arena);
    src_free(src);
    return o;
}

/* The bytes secret V reveals, in a static buffer. */
static const char *revealed(const val_t *v)
{
    static char out[256];
    const char *b;
    size_t n;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(val_type(v), VAL_SECRET);
    assert_int_equal(val_secret_reveal(v, &b, &n, &why), MIG_OK);
    snprintf(out, sizeof out, "%.*s", (int)n, b);
    strbuf_free(&why);
    return out;
}

/* V as JSON (FLAGS), in a static buffer. */
static const char *json_of(const val_t *v, unsigned flags)
{
    static char out[1024];
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_to_json(v, &b, flags), MIG_OK);
    snprintf(out, sizeof out, "%s", b.data);
    strbuf_free(&b);
    return out;
}

/* ---- propagation -------------------------------------------------------- */

static void propagation(void **state)
{
    (void)state;
    static const struct { const char *expr, *bytes, *recipe; } cases[] = {
        { "tok", BYTES, "[{\"env\":\"" VAR "\"}]" },
        { "\"Bearer ${tok}\"", "Bearer " BYTES,
          "[\"Bearer \",{\"env\":\"" VAR "\"}]" },
        { "\"<${tok}|${word}>\"", "<" BYTES "|w>",
          "[\"<\",{\"env\":\"" VAR "\"},\"|w>\"]" },
        { "\"id:\" + tok", "id:" BYTES, "[\"id:\",{\"env\":\"" VAR "\"}]" },
        { "tok + \"!\" + \"?\"", BYTES "!?",
          "[{\"env\":\"" VAR "\"},\"!?\"]" },
        { "tok + tok", BYTES BYTES,
          "[{\"env\":\"" VAR "\"},{\"env\":\"" VAR "\"}]" },
        { "default(null, tok)", BYTES, "[{\"env\":\"" VAR "\"}]" },
        { "[1, tok][1]", BYTES, "[{\"env\":\"" VAR "\"}]" },
        { "{h: \"x${tok}\"}.h", "x" BYTES, "[\"x\",{\"env\":\"" VAR "\"}]" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        outcome_t o = eval_one(cases[i].expr);
        assert_non_null(o.value);
        assert_string_equal(revealed(o.value), cases[i].bytes);
        assert_string_equal(json_of(val_secret_recipe(o.value), 0),
                            cases[i].recipe);
        val_unref(o.value);
    }
    /* Containers hold secrets, and say so; their shape stays readable. */
    static const struct { const char *expr, *text; bool holds; } held[] = {
        { "[tok, 1]", "[***, 1]", true },
        { "{a: {b: [tok]}}", "{\"a\": {\"b\": [***]}}", true },
        { "[word] + [tok]", "[\"w\", ***]", true },
        { "values({a: tok})", "[***]", true },
        { "keys({a: tok})", "[\"a\"]", false },
        { "len([tok, tok])", "2", false },
        { "type(tok)", "\"secret\"", false },
    };
    for (size_t i = 0; i < sizeof held / sizeof *held; i++) {
        outcome_t o = eval_one(held[i].expr);
        assert_non_null(o.value);
        strbuf_t b;
        strbuf_init(&b);
        assert_int_equal(val_format(o.value, &b), MIG_OK);
        assert_string_equal(b.data, held[i].text);
        assert_int_equal(val_holds_secret(o.value), held[i].holds);
        strbuf_free(&b);
        val_unref(o.value);
    }
}

/* ---- refusals ----------------------------------------------------------- */

#define HINT " | a secret is only passed to actions that take secrets and " \
    "joined into text, never shown, compared or converted (docs/values.md, " \
    "\"Secrets\")"

static void refusals(void **state)
{
    (void)state;
    static const struct { const char *expr, *error; } cases[] = {
        { "tok == \"x\"", "9: a secret cannot be compared with '==': it "
          "would reveal the secret" HINT },
        { "\"a\" != tok", "9: a secret cannot be compared with '!=': it "
          "would reveal the secret" HINT },
        { "[tok] == [tok]", "9: a secret cannot be compared with '==': it "
          "would reveal the secret" HINT },
        { "tok < \"b\"", "9: a secret cannot be used with '<': it would "
          "reveal the secret" HINT },
        { "tok + 1", "9: a secret cannot be used with '+': it would reveal "
          "the secret" HINT },
        { "tok * 2", "9: a secret cannot be used with '*': it would reveal "
          "the secret" HINT },
        { "str(tok)", "13: a secret cannot be passed to str(): it would "
          "reveal the secret" HINT },
        { "len(tok)", "13: a secret cannot be passed to len(): it would "
          "reveal the secret" HINT },
        { "json({a: tok})", "14: a secret cannot be passed to json() inside "
          "a map: it would reveal the secret" HINT },
        { "yaml([tok])", "14: a secret cannot be passed to yaml() inside a "
          "list: it would reveal the secret" HINT },
        { "matches(tok, \"^s\")", "17: a secret cannot be passed to "
          "matches(): it would reveal the secret" HINT },
        { "format(\"{}\", tok)", "22: a secret cannot be passed to format(): "
          "it would reveal the secret" HINT },
        { "join([tok], \",\")", "14: a secret cannot be passed to join() "
          "inside a list: it would reveal the secret" HINT },
        { "contains([tok], \"s\")", "18: a secret cannot be passed to "
          "contains() inside a list: it would reveal the secret" HINT },
        { "starts_with(tok, \"s\")", "21: a secret cannot be passed to "
          "starts_with(): it would reveal the secret" HINT },
        { "upper(tok)", "15: a secret cannot be passed to upper(): it would "
          "reveal the secret" HINT },
        { "keys(tok)", "14: a secret cannot be passed to keys(): it would "
          "reveal the secret" HINT },
        { "{a: 1}[tok]", "16: a secret cannot be used as a map key: it "
          "would reveal the secret" HINT },
        { "\"${[tok]}\"", "12: a secret cannot be inserted into text inside "
          "a list: it would reveal the secret" HINT },
        { "\"${{k: tok}}\"", "12: a secret cannot be inserted into text "
          "inside a map: it would reveal the secret" HINT },
        { "tok[0]", "9: cannot index a secret | only lists (by number) and "
          "maps (by key) can be indexed" },
        { "tok.x", "13: cannot read field 'x' of a secret" },
        { "-tok", "10: cannot negate a secret" },
        { "not tok", "13: expected a bool, found a secret" },
        { "secret_env(\"MIG_UNIT_NOT_SET\")", "20: secret_env: the "
          "environment variable 'MIG_UNIT_NOT_SET' is not set | set the "
          "variable in the environment mig runs in; resume and rollback "
          "read it again (docs/values.md, \"Secrets\")" },
        { "secret_env(\"A=B\")", "20: secret_env: 'A=B' cannot name an "
          "environment variable | set the variable in the environment mig "
          "runs in; resume and rollback read it again (docs/values.md, "
          "\"Secrets\")" },
        { "secret_env(1)", "20: secret_env: argument 1 must be a string, "
          "found a number" },
    };
    unsetenv("MIG_UNIT_NOT_SET");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        outcome_t o = eval_one(cases[i].expr);
        assert_null(o.value);
        assert_string_equal(o.error, cases[i].error);
        assert_null(strstr(o.error, BYTES));
    }
    setenv("MIG_UNIT_EMPTY", "", 1);
    outcome_t o = eval_one("secret_env(\"MIG_UNIT_EMPTY\")");
    assert_null(o.value);
    static const char empty[] = "20: secret_env: the environment variable "
                                "'MIG_UNIT_EMPTY' is empty | ";
    assert_memory_equal(o.error, empty, strlen(empty));
    unsetenv("MIG_UNIT_EMPTY");
}

/* ---- printers and the sealed form --------------------------------------- */

static void printers_mask(void **state)
{
    (void)state;
    outcome_t o = eval_one("{auth: \"Bearer ${tok}\", n: 1, l: [tok]}");
    val_t *v = o.value;
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_format(v, &b), MIG_OK);
    assert_string_equal(b.data, "{\"auth\": ***, \"n\": 1, \"l\": [***]}");
    b.len = 0;
    assert_int_equal(eval_to_text(v, &b), MIG_OK);
    assert_string_equal(b.data, "{\"auth\":\"***\",\"n\":1,\"l\":[\"***\"]}");
    b.len = 0;
    assert_int_equal(val_to_yaml(v, &b), MIG_OK);
    assert_string_equal(b.data, "auth: '***'\n'n': 1\nl:\n- '***'\n");
    b.len = 0;
    assert_int_equal(eval_to_text(val_map_get(v, "auth", 4), &b), MIG_OK);
    assert_string_equal(b.data, "***");
    strbuf_free(&b);
    assert_string_equal(json_of(v, VAL_JSON_PRETTY), "{\n  \"auth\": \"***\",\n"
                        "  \"n\": 1,\n  \"l\": [\n    \"***\"\n  ]\n}");
    assert_string_equal(json_of(v, VAL_JSON_SEALED),
                        "{\"auth\":{\"$secret\":[\"Bearer \",{\"env\":\"" VAR
                        "\"}]},\"n\":1,\"l\":[{\"$secret\":[{\"env\":\"" VAR
                        "\"}]}]}");
    assert_true(val_size(val_map_get(v, "auth", 4)) > 0);
    assert_int_equal(val_len(val_map_get(v, "auth", 4)), 0);
    val_unref(v);
}

/* Reads TEXT as JSON and unseals it. */
static val_t *unsealed(const char *text)
{
    val_t *v = json_parse(text);
    assert_int_equal(val_secret_unseal(&v), MIG_OK);
    return v;
}

static void sealed_form(void **state)
{
    (void)state;
    val_t *v = unsealed("{\"a\":{\"$secret\":[\"Bearer \",{\"env\":\"" VAR
                        "\"}]},\"b\":[1,{\"$secret\":[{\"env\":\"" VAR
                        "\"}]}],\"c\":{\"$secret\":\"not a recipe\"},"
                        "\"d\":{\"$secret\":[{\"env\":\"X\"}],\"more\":1}}");
    val_t *a = val_map_get(v, "a", 1);
    val_t *b1 = val_list_get(val_map_get(v, "b", 1), 1);
    assert_int_equal(val_type(a), VAL_SECRET);
    assert_int_equal(val_type(b1), VAL_SECRET);
    assert_true(val_secret_sealed(a));
    assert_true(val_holds_secret(v) && val_holds_secret(val_map_get(v, "b", 1)));
    /* Not recipes: left as they were. */
    assert_int_equal(val_type(val_map_get(v, "c", 1)), VAL_MAP);
    assert_int_equal(val_type(val_map_get(v, "d", 1)), VAL_MAP);
    /* Revealed from the source again: now, with the variable set ... */
    setenv(VAR, "again", 1);
    assert_string_equal(revealed(a), "Bearer again");
    assert_false(val_secret_sealed(a));
    /* ... and refused, naming the variable, once it is gone. */
    unsetenv(VAR);
    const char *bytes;
    size_t n;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(val_secret_reveal(b1, &bytes, &n, &why), MIG_EINVALID);
    assert_string_equal(why.data, "the environment variable '" VAR
                        "' is not set");
    strbuf_free(&why);
    /* Written again, it is the same recipe. */
    assert_string_equal(json_of(a, VAL_JSON_SEALED), "{\"$secret\":[\"Bearer "
                        "\",{\"env\":\"" VAR "\"}]}");
    val_unref(v);
    /* A value with no secret is left as it is (the same reference). */
    v = unsealed("[1,{\"a\":\"$secret\"}]");
    assert_false(val_holds_secret(v));
    val_unref(v);
}

static void container_flags(void **state)
{
    (void)state;
    val_t *source = val_map_new(1);
    val_t *name = val_cstring(VAR);
    assert_int_equal(val_map_set_take(source, "env", 3, name), MIG_OK);
    val_t *s = val_secret_new("xyz", 3, source);
    val_unref(source);
    val_t *m = val_map_new(0);
    assert_int_equal(val_map_set(m, "k", 1, s), MIG_OK);
    assert_true(val_holds_secret(m));
    val_t *copy = val_copy(m);
    assert_true(val_holds_secret(copy));
    val_unref(copy);
    assert_int_equal(val_map_set_take(m, "k", 1, val_int(1)), MIG_OK);
    assert_false(val_holds_secret(m));          /* replaced */
    assert_int_equal(val_map_set(m, "j", 1, s), MIG_OK);
    assert_true(val_map_delete(m, "j", 1));
    assert_false(val_holds_secret(m));          /* removed */
    val_t *l = val_list_new(0);
    assert_int_equal(val_list_push(l, s), MIG_OK);
    assert_true(val_holds_secret(l));
    assert_false(val_equal(s, name) || val_equal(l, m));
    assert_true(val_equal(s, val_list_get(l, 0)));
    val_unref(l);
    val_unref(m);
    val_unref(s);
}

/* ---- the file resolver -------------------------------------------------- */

#define SCRATCH_NAME "secret"
#include "scratch_fixture.h"

/* Writes N bytes of TEXT (repeated 'a' when TEXT is NULL) to DIR/NAME
 * with MODE; returns the path in a static buffer. */
static const char *put_file(const char *name, const char *text, size_t n,
                            mode_t mode)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fputc(text ? text[i] : 'a', f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

/* secret_file on PATH: the bytes, or "error: WHY", in a static buffer. */
static const char *from_file(const char *path)
{
    static char out[512];
    val_t *v = NULL;
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = secret_file(path, &v, &why);
    if (st == MIG_OK) {
        const char *b;
        size_t n;
        assert_int_equal(val_secret_reveal(v, &b, &n, &why), MIG_OK);
        snprintf(out, sizeof out, "%zu:%.40s", n, b);
        char recipe[256];
        snprintf(recipe, sizeof recipe, "[{\"file\":\"%s\"}]", path);
        assert_string_equal(json_of(val_secret_recipe(v), 0), recipe);
    } else {
        assert_int_equal(st, MIG_EINVALID);
        assert_null(v);
        snprintf(out, sizeof out, "error: %s", why.data);
    }
    val_unref(v);
    strbuf_free(&why);
    return out;
}

static void file_resolver(void **state)
{
    (void)state;
    char want[512];
    assert_string_equal(from_file(put_file("a", "pw\n", 3, 0600)), "2:pw");
    assert_string_equal(from_file(put_file("b", "pw\r\n", 4, 0600)), "2:pw");
    assert_string_equal(from_file(put_file("c", "pw\n\n", 4, 0400)), "3:pw\n");
    const char *p = put_file("max", NULL, SECRET_MAX_BYTES, 0600);
    assert_memory_equal(from_file(p), "65536:aaaa", 10);
    p = put_file("max-nl", NULL, SECRET_MAX_BYTES + 1, 0600);
    snprintf(want, sizeof want, "error: the file '%s' is larger than 65536 "
             "bytes", p);
    assert_string_equal(from_file(p), want);
    p = put_file("empty", "", 0, 0600);
    snprintf(want, sizeof want, "error: the file '%s' is empty", p);
    assert_string_equal(from_file(p), want);
    p = put_file("newline", "\n", 1, 0600);
    snprintf(want, sizeof want, "error: the file '%s' is empty", p);
    assert_string_equal(from_file(p), want);
    p = put_file("nul", "a\0b", 3, 0600);
    snprintf(want, sizeof want, "error: the file '%s' holds a NUL byte", p);
    assert_string_equal(from_file(p), want);
    p = put_file("open", "pw", 2, 0644);
    snprintf(want, sizeof want, "error: the file '%s' is readable by every "
             "user (mode 0644): a secret's file must not be (chmod o-r "
             "'%s')", p, p);
    assert_string_equal(from_file(p), want);
    snprintf(want, sizeof want, "error: the file '%s/none' is not there", dir);
    char missing[128];
    snprintf(missing, sizeof missing, "%s/none", dir);
    assert_string_equal(from_file(missing), want);
    snprintf(want, sizeof want, "error: '%s' is not a regular file", dir);
    assert_string_equal(from_file(dir), want);
}

/* ---- the command resolver ----------------------------------------------- */

/* secret_command on the words (ended by NULL) within TIMEOUT_MS: the
 * bytes, or "error: WHY", in a static buffer. */
static const char *from_command(int64_t timeout_ms, ...)
{
    static char out[512];
    val_t *argv = val_list_new(0);
    va_list ap;
    va_start(ap, timeout_ms);
    for (const char *w; (w = va_arg(ap, const char *));)
        assert_int_equal(val_list_push_take(argv, val_cstring(w)), MIG_OK);
    va_end(ap);
    val_t *v = NULL;
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = secret_command(argv, timeout_ms, &v, &why);
    if (st == MIG_OK) {
        const char *b;
        size_t n;
        assert_int_equal(val_secret_reveal(v, &b, &n, &why), MIG_OK);
        snprintf(out, sizeof out, "%zu:%.40s", n, b);
        assert_true(val_equal(val_map_get(val_list_get(
            val_secret_recipe(v), 0), "command", 7), argv));
    } else {
        assert_int_equal(st, MIG_EINVALID);
        snprintf(out, sizeof out, "error: %s", why.data);
    }
    val_unref(v);
    val_unref(argv);
    strbuf_free(&why);
    return out;
}

static void command_resolver(void **state)
{
    (void)state;
    assert_string_equal(from_command(0, "printf", "tok\\n", NULL), "3:tok");
    /* stderr is not taken (nor shown). */
    assert_string_equal(from_command(0, "sh", "-c", "echo noise >&2; "
                                     "printf x", NULL), "1:x");
    assert_memory_equal(from_command(0, "sh", "-c", "head -c 65536 "
                                     "/dev/zero | tr '\\0' a", NULL),
                        "65536:aaa", 9);
    assert_string_equal(from_command(0, "sh", "-c", "head -c 65537 "
                                     "/dev/zero | tr '\\0' a", NULL),
                        "error: the command 'sh' wrote more than 65536 "
                        "bytes");
    assert_string_equal(from_command(0, "sh", "-c", "echo x; exit 3", NULL),
                        "error: the command 'sh' exited with status 3");
    assert_string_equal(from_command(200, "sleep", "5", NULL),
                        "error: the command 'sleep' did not finish within "
                        "200ms");
    assert_string_equal(from_command(0, "true", NULL),
                        "error: the output of the command 'true' is empty");
    assert_string_equal(from_command(0, "mig-no-such-program", NULL),
                        "error: the program 'mig-no-such-program' was not "
                        "found");
    assert_string_equal(from_command(0, NULL), "error: a command must be a "
                        "list of words, the first naming a program, without "
                        "NUL bytes");
}

static void resolve_sources(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{}", "{\"env\": 1}", "{\"env\": \"\"}", "{\"file\": [\"x\"]}",
        "{\"command\": \"ls\"}", "{\"vault\": \"x\"}",
        "{\"env\": \"A\", \"file\": \"B\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        val_t *src = unsealed(bad[i]), *out = NULL;
        strbuf_t why;
        strbuf_init(&why);
        assert_int_equal(secret_resolve(src, &out, &why), MIG_EINVALID);
        assert_string_equal(why.data, "not a secret's source: expected {env: "
                            "NAME}, {file: PATH} or {command: [WORDS...]}");
        strbuf_free(&why);
        val_unref(src);
    }
    setenv(VAR, BYTES, 1);
    val_t *src = unsealed("{\"env\": \"" VAR "\"}"), *out = NULL;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(secret_resolve(src, &out, &why), MIG_OK);
    assert_string_equal(revealed(out), BYTES);
    val_unref(out);
    val_unref(src);
    strbuf_free(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(propagation),
        cmocka_unit_test(refusals),
        cmocka_unit_test(printers_mask),
        cmocka_unit_test(sealed_form),
        cmocka_unit_test(container_flags),
        cmocka_unit_test_setup_teardown(file_resolver, make_dir, remove_dir),
        cmocka_unit_test(command_resolver),
        cmocka_unit_test(resolve_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
