/* test_dryrun.c: the dry run cannot write. A preview context refuses every
 * change (write, delete, move, mkdir) with PolicyDenied and leaves the
 * disk as it was, while a run context may change things; dryrun_plan over
 * a plan whose action tries to write in its preview reports the refusal
 * and writes nothing; and a dry run of file actions describes the changes
 * they would make without making them. */
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

#include "mig_stdlib.h"

/* A scratch directory per test, removed afterwards. */
#define SCRATCH_NAME "dryrun"
#include "scratch_fixture.h"
#include "plan_fixture.h"

static bool exists(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0;
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_preview_context_refuses_every_change(void **state)
{
    (void)state;
    write_file("keep.txt", "precious");
    action_ctx_t *c = actx_new(ACTX_PREVIEW, dir);
    assert_non_null(c);
    actx_begin(c, "rogue.write");
    assert_int_equal(actx_write_file(c, "new.txt", "x", 1), MIG_EINVALID);
    assert_string_equal(actx_error_class(c), "PolicyDenied");
    assert_string_equal(actx_error_message(c), "rogue.write tried to write "
                        "'new.txt' during a dry run; a dry run changes "
                        "nothing");
    assert_int_equal(actx_write_file(c, "keep.txt", "y", 1), MIG_EINVALID);
    assert_int_equal(actx_remove(c, "keep.txt"), MIG_EINVALID);
    assert_int_equal(actx_rename(c, "keep.txt", "moved.txt"), MIG_EINVALID);
    assert_int_equal(actx_mkdir(c, "sub"), MIG_EINVALID);
    assert_false(exists("new.txt"));
    assert_false(exists("moved.txt"));
    assert_false(exists("sub"));
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(actx_read_file(c, "keep.txt", &b), MIG_OK);
    assert_int_equal(b.len, 8);
    assert_memory_equal(b.data, "precious", 8);
    strbuf_free(&b);
    actx_free(c);
}

static void test_run_context_may_change(void **state)
{
    (void)state;
    action_ctx_t *c = actx_new(ACTX_RUN, dir);
    actx_begin(c, "file.write");
    assert_int_equal(actx_write_file(c, "new.txt", "hello", 5), MIG_OK);
    assert_int_equal(actx_mkdir(c, "sub"), MIG_OK);
    assert_int_equal(actx_rename(c, "new.txt", "sub/moved.txt"), MIG_OK);
    assert_true(exists("sub/moved.txt"));
    assert_int_equal(actx_remove(c, "sub/moved.txt"), MIG_OK);
    assert_false(exists("sub/moved.txt"));
    actx_begin(c, "file.read");
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(actx_read_file(c, "missing.txt", &b), MIG_EINVALID);
    assert_string_equal(actx_error_class(c), "MissingDependency");
    strbuf_free(&b);
    actx_free(c);
}

/* An action whose preview writes "by mistake". */
static mig_status_t rogue_preview(action_ctx_t *c, const val_t *args,
                                  val_t **out)
{
    (void)args, (void)out;
    return actx_write_file(c, "rogue.txt", "oops", 4);
}

static const action_arg_t no_args[] = { { 0 } };
static const action_t rogue[] = {
    { .name = "rogue.write", .effect = ACTION_SELF_UNDO, .args = no_args,
      .result = ACTION_T(NULL), .preview = rogue_preview,
      .run = rogue_preview,
      .doc = "Writes during its preview: a bug the dry run must contain." },
};

/* Parses, checks and compiles TEXT (as DIR/plan.mig), then runs the dry
 * run; returns its status, *OUT the description, DIAGS the messages. */
static mig_status_t dry(const char *text, action_registry_t *r,
                        diag_list_t *diags, val_t **out)
{
    plan_fx_t fx;
    plan_compile(dir, text, r, diags, &fx);
    mig_status_t st = dryrun_plan(fx.graph, fx.params, r, dir, diags, out);
    plan_fx_free(&fx);
    return st;
}

static void test_dry_run_contains_a_rogue_preview(void **state)
{
    (void)state;
    action_registry_t *r = action_registry_new();
    assert_int_equal(stdlib_register(r), MIG_OK);
    assert_int_equal(action_registry_add(r, rogue, 1), MIG_OK);
    diag_list_t diags;
    diag_list_init(&diags);
    val_t *out = NULL;
    mig_status_t st = dry("migration \"m\" {\n"
                          "  stage s { step x = rogue.write() }\n"
                          "}\n", r, &diags, &out);
    assert_int_equal(st, MIG_EINVALID);
    assert_false(exists("rogue.txt"));
    assert_int_equal(diags.errors, 1);
    assert_string_equal(diags.items[0].message, "step 'x' would fail: "
                        "PolicyDenied: rogue.write tried to write "
                        "'rogue.txt' during a dry run; a dry run changes "
                        "nothing");
    assert_int_equal(val_get_int(val_map_get(out, "failures", 8)), 1);
    val_unref(out);
    diag_list_free(&diags);
    action_registry_free(r);
}

static void test_dry_run_of_file_actions_changes_nothing(void **state)
{
    (void)state;
    write_file("old.txt", "before");
    action_registry_t *r = action_registry_new();
    assert_int_equal(stdlib_register(r), MIG_OK);
    diag_list_t diags;
    diag_list_init(&diags);
    val_t *out = NULL;
    mig_status_t st = dry(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    step d = file.mkdir(path: \"out\")\n"
        "    step w = file.write(path: \"out/new.json\", content: {a: 1})\n"
        "    step o = file.write(path: \"old.txt\", content: \"after!\")\n"
        "    step c = file.copy(from: \"old.txt\", to: \"copy.txt\")\n"
        "    step m = file.move(from: \"old.txt\", to: \"gone.txt\")\n"
        "    step x = file.delete(path: \"old.txt\")\n"
        "  }\n"
        "}\n", r, &diags, &out);
    assert_int_equal(st, MIG_OK);
    assert_false(exists("out"));
    assert_false(exists("copy.txt"));
    assert_false(exists("gone.txt"));
    assert_true(exists("old.txt"));
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_to_json(val_map_get(out, "changes", 7), &b, 0),
                     MIG_OK);
    assert_string_equal(b.data, "6");
    strbuf_free(&b);
    /* The second write says what it would replace. */
    val_t *stage = val_list_get(val_map_get(out, "stages", 6), 0);
    val_t *o = val_list_get(val_map_get(stage, "statements", 10), 2);
    val_t *ch = val_list_get(val_map_get(o, "changes", 7), 0);
    assert_string_equal(val_get_str(val_map_get(ch, "change", 6), NULL),
                        "overwrite");
    assert_string_equal(val_get_str(val_map_get(ch, "detail", 6), NULL),
                        "6 -> 6 bytes");
    val_unref(out);
    diag_list_free(&diags);
    action_registry_free(r);
}

static void test_reads_of_changed_targets_wait_for_the_run(void **state)
{
    (void)state;
    write_file("a.json", "{\"n\": 1}");
    action_registry_t *r = action_registry_new();
    assert_int_equal(stdlib_register(r), MIG_OK);
    diag_list_t diags;
    diag_list_init(&diags);
    val_t *out = NULL;
    mig_status_t st = dry(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    let before = file.read_json(path: \"a.json\")\n"
        "    step w = file.write(path: \"a.json\", content: {n: 2})\n"
        "    verify file.read_json(path: \"a.json\").n == 2\n"
        "    verify before.n == 1\n"
        "  }\n"
        "}\n", r, &diags, &out);
    assert_int_equal(st, MIG_OK);
    val_t *stage = val_list_get(val_map_get(out, "stages", 6), 0);
    val_t *stmts = val_map_get(stage, "statements", 10);
    assert_string_equal(val_get_str(val_map_get(val_list_get(stmts, 2),
                                                 "holds", 5), NULL),
                        "checked when run");
    assert_string_equal(val_get_str(val_map_get(val_list_get(stmts, 3),
                                                 "holds", 5), NULL), "yes");
    val_unref(out);
    diag_list_free(&diags);
    action_registry_free(r);
}

static void test_a_verify_that_would_fail_is_reported(void **state)
{
    (void)state;
    action_registry_t *r = action_registry_new();
    assert_int_equal(stdlib_register(r), MIG_OK);
    diag_list_t diags;
    diag_list_init(&diags);
    val_t *out = NULL;
    mig_status_t st = dry(
        "migration \"m\" {\n"
        "  param dir = \"none\"\n"
        "  stage s {\n"
        "    verify file.exists(path: dir) else \"no ${dir}\"\n"
        "  }\n"
        "}\n", r, &diags, &out);
    assert_int_equal(st, MIG_EINVALID);
    assert_string_equal(diags.items[0].message,
                        "this verify would fail: no none");
    val_unref(out);
    diag_list_free(&diags);
    action_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, make_dir, remove_dir)
        T(test_preview_context_refuses_every_change),
        T(test_run_context_may_change),
        T(test_dry_run_contains_a_rogue_preview),
        T(test_dry_run_of_file_actions_changes_nothing),
        T(test_reads_of_changed_targets_wait_for_the_run),
        T(test_a_verify_that_would_fail_is_reported),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
