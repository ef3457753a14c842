/* test_verify.c: rollback verification (runtime.h, "managed resources";
 * docs/runtime.md, "What a rollback verifies"): the resource interface,
 * the after-images a run journals (and the store's upgrade that holds
 * them), the checkpoint's stored digest read back by rollback, a run's
 * own rollback over a step it cannot verify, and over a checkpoint it
 * never reached. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mig_stdlib.h"
#include "store_int.h"
#include "store_versions.h"
#include "plan_fixture.h"

static char dir[64];
static char state_path[128];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/mig-verify-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(state_path, sizeof state_path, "%s/.mig/state.db", dir);
    return 0;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* "file:" and the BLAKE2b of TEXT: the state of a file holding it. */
static void file_state(const char *text, char out[BLOB_HEX + 5])
{
    char hex[BLOB_HEX];
    blobs_hash(text, strlen(text), hex);
    snprintf(out, BLOB_HEX + 5, "file:%s", hex);
}

/* ---- running plans ------------------------------------------------------- */

static strbuf_t events;

static void on_event(void *data, const char *kind, const char *node,
                     const char *item, const val_t *d)
{
    (void)data, (void)item, (void)d;
    strbuf_printf(&events, "%s %s\n", kind, node ? node : "-");
}

static bool saw(const char *line)
{
    return events.data && strstr(events.data, line);
}

/* Runs TEXT as DIR/plan.mig; how it ended. */
static run_result_t run(const char *text, diag_list_t *diags)
{
    strbuf_free(&events);
    strbuf_init(&events);
    run_options_t o = { .has_seed = true, .seed = 7, .on_event = on_event };
    return plan_run(dir, text, NULL, 0, &o, diags);
}

/* Rolls run 1 back to TO (NULL: whole); how it ended. */
static run_result_t rollback(const char *to, diag_list_t *diags)
{
    action_registry_t *r = action_registry_new();
    assert_int_equal(stdlib_register(r), MIG_OK);
    rollback_options_t o = { .state_path = state_path, .run = 1, .to = to };
    val_t *report = NULL;
    run_result_t res = RUN_REFUSED;
    assert_int_equal(rollback_run(r, dir, &o, diags, &report, &res), MIG_OK);
    val_unref(report);
    action_registry_free(r);
    return res;
}

static bool said(const diag_list_t *d, const char *text)
{
    for (size_t i = 0; i < d->len; i++)
        if (strstr(d->items[i].message, text))
            return true;
    return false;
}

/* ---- the resource interface ------------------------------------------------ */

static void test_resource_interface(void **state)
{
    (void)state;
    assert_string_equal(resource_kind_of("data.txt")->name, "file");
    assert_string_equal(resource_kind_of("/abs/x")->name, "file");
    assert_true(resource_same("a", "file:ab", "file:ab"));
    assert_false(resource_same("a", "file:ab", "file:ac"));
    assert_false(resource_same("a", "absent", "dir"));

    /* States now, through the kind. */
    write_file("here.txt", "hello");
    action_ctx_t *ctx = actx_new(ACTX_RUN, dir);
    val_t *ids = val_map_new(2);
    val_map_set_take(ids, "here.txt", 8, val_bool(true));
    val_map_set_take(ids, "gone.txt", 8, val_bool(true));
    val_t *now = NULL;
    assert_int_equal(resource_states(ctx, ids, &now), MIG_OK);
    char want[BLOB_HEX + 5];
    file_state("hello", want);
    assert_string_equal(val_get_str(val_map_get(now, "here.txt", 8), NULL),
                        want);
    assert_string_equal(val_get_str(val_map_get(now, "gone.txt", 8), NULL),
                        "absent");

    /* The digest does not depend on the order of the map, and changes
     * with any state. */
    val_t *other = val_map_new(2);
    val_map_set_take(other, "gone.txt", 8, val_cstring("absent"));
    val_map_set_take(other, "here.txt", 8, val_cstring(want));
    char h1[BLOB_HEX], h2[BLOB_HEX];
    resource_digest(now, h1);
    resource_digest(other, h2);
    assert_string_equal(h1, h2);
    val_map_set_take(other, "gone.txt", 8, val_cstring("dir"));
    resource_digest(other, h2);
    assert_string_not_equal(h1, h2);
    val_unref(other);
    /* Exactly the bytes docs/state.md names: each id, NUL, its state and
     * a newline, the ids in byte order (a prefix first). */
    other = val_map_new(3);
    val_map_set_take(other, "b", 1, val_cstring("absent"));
    val_map_set_take(other, "ab", 2, val_cstring("x"));
    val_map_set_take(other, "a", 1, val_cstring("dir"));
    static const char bytes[] = "a\0dir\nab\0x\nb\0absent\n";
    blobs_hash(bytes, sizeof bytes - 1, h1);
    resource_digest(other, h2);
    assert_string_equal(h1, h2);
    val_unref(other);
    val_unref(now);
    val_unref(ids);

    /* Declared in a call: each id once, with its first state. */
    actx_begin(ctx, "x.y");
    assert_int_equal(resource_declare(ctx, "here.txt"), MIG_OK);
    write_file("here.txt", "changed");
    assert_int_equal(resource_declare(ctx, "here.txt"), MIG_OK);
    assert_int_equal(resource_declare(ctx, "gone.txt"), MIG_OK);
    val_t *decl = actx_resources(ctx);
    assert_int_equal(val_len(decl), 2);
    assert_string_equal(val_get_str(val_map_get(decl, "here.txt", 8), NULL),
                        want);
    assert_string_equal(val_get_str(val_map_get(decl, "gone.txt", 8), NULL),
                        "absent");

    /* The state of a file the call wrote is the state of what it wrote,
     * until its next change of any kind. */
    strbuf_t st;
    strbuf_init(&st);
    actx_begin(ctx, "x.y");
    assert_int_equal(actx_write_file(ctx, "w.txt", "abc", 3), MIG_OK);
    file_state("abc", want);
    assert_int_equal(resource_state(ctx, "w.txt", &st), MIG_OK);
    assert_string_equal(st.data, want);
    assert_int_equal(actx_remove(ctx, "w.txt"), MIG_OK);
    st.len = 0;
    assert_int_equal(resource_state(ctx, "w.txt", &st), MIG_OK);
    assert_string_equal(st.data, "absent");
    strbuf_free(&st);
    actx_free(ctx);
}

/* ---- after-images ---------------------------------------------------------- */

typedef struct seen {
    int n;
    char resources[2][256], after[2][256];
} seen_t;

static bool keep_record(void *data, const store_journal_t *rec)
{
    seen_t *s = data;
    if (s->n < 2) {
        strbuf_t b;
        strbuf_init(&b);
        val_to_json(rec->resources, &b, 0);
        snprintf(s->resources[s->n], 256, "%s", b.data ? b.data : "null");
        b.len = 0;
        if (rec->after)
            val_to_json(rec->after, &b, 0);
        snprintf(s->after[s->n], 256, "%s", rec->after && b.data ? b.data
                                                                 : "null");
        strbuf_free(&b);
    }
    s->n++;
    return true;
}

static void test_after_images_are_journaled(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    step w = file.write(path: \"data.txt\", content: \"hello\")\n"
        "    step x = exec.run(cmd: \"printf hi > out.txt\", manages: "
        "[\"out.txt\"])\n"
        "      undo exec.run(cmd: \"rm out.txt\")\n"
        "  }\n"
        "}\n", &d), RUN_SUCCEEDED);
    store_t *s = NULL;
    assert_int_equal(store_open(state_path, STORE_READONLY, &d, &s), MIG_OK);
    seen_t seen = { 0 };
    assert_int_equal(store_journal_each(s, 1, 0, STORE_EACH_NO_ARGS,
                                        keep_record, &seen), MIG_OK);
    store_close(s);
    assert_int_equal(seen.n, 2);
    char hello[BLOB_HEX + 5], hi[BLOB_HEX + 5], want[256];
    file_state("hello", hello);
    file_state("hi", hi);
    assert_string_equal(seen.resources[0], "{\"data.txt\":\"absent\"}");
    snprintf(want, sizeof want, "{\"data.txt\":\"%s\"}", hello);
    assert_string_equal(seen.after[0], want);
    /* A plan-undo step's declared resources, before and after. */
    assert_string_equal(seen.resources[1], "{\"out.txt\":\"absent\"}");
    snprintf(want, sizeof want, "{\"out.txt\":\"%s\"}", hi);
    assert_string_equal(seen.after[1], want);
    diag_list_free(&d);
}

/* Counts the records whose after-image is {"t/N.txt": state of "N"}. */
static bool count_right(void *data, const store_journal_t *rec)
{
    int *n = data;
    char id[32], text[16], want[BLOB_HEX + 5];
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "t/%d.txt", i);
        val_t *a = rec->after ? val_map_get(rec->after, id, strlen(id))
                              : NULL;
        if (!a)
            continue;
        snprintf(text, sizeof text, "%d", i);
        file_state(text, want);
        *n += strcmp(val_get_str(a, NULL), want) == 0;
    }
    return true;
}

/* Many steps between two commits: their after-images go through the
 * store's batches, each to its own record. */
static void test_after_images_in_batches(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    step dir = file.mkdir(path: \"t\")\n"
        "    foreach i in range(200) parallel 64 {\n"
        "      step w = file.write(path: \"t/${i}.txt\", content: \"${i}\")\n"
        "    }\n"
        "  }\n"
        "}\n", &d), RUN_SUCCEEDED);
    store_t *s = NULL;
    assert_int_equal(store_open(state_path, STORE_READONLY, &d, &s), MIG_OK);
    int right = 0;
    assert_int_equal(store_journal_each(s, 1, 0, STORE_EACH_NO_ARGS,
                                        count_right, &right), MIG_OK);
    store_close(s);
    assert_int_equal(right, 200);
    diag_list_free(&d);
}

/* A store of schema 1 (no after-images) is upgraded on open, and its
 * records take after-images. */
static void test_store_upgrade_from_schema_1(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(run(
        "migration \"m\" {\n"
        "  stage s { step w = file.write(path: \"a.txt\", content: \"x\") }\n"
        "}\n", &d), RUN_SUCCEEDED);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(state_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE processes; ALTER TABLE "
                                  "journal DROP COLUMN after_image; "
                                  "ALTER TABLE steps DROP COLUMN args; "
                                  "DROP TABLE baseline_registries; "
                                  "DROP TABLE baseline_records; "
                                  STORE_UNDO_FROM_6
                                  "PRAGMA user_version = 1; "
                                  "UPDATE meta SET value = '1' WHERE key = "
                                  "'schema_version'", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    store_t *s = NULL;
    assert_int_equal(store_open(state_path, 0, &d, &s), MIG_OK);
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    seen_t seen = { 0 };
    assert_int_equal(store_journal_each(s, 1, 0, STORE_EACH_NO_ARGS,
                                        keep_record, &seen), MIG_OK);
    assert_string_equal(seen.after[0], "null");
    val_t *after = val_map_new(1);
    val_map_set_take(after, "a.txt", 5, val_cstring("dir"));
    assert_int_equal(store_journal_after(s, 1, 1, after), MIG_OK);
    /* A record that is not there is an error, not a silent no-op. */
    assert_int_equal(store_journal_after(s, 1, 99, after), MIG_EINVALID);
    val_unref(after);
    diag_list_move(&d, store_diags(s));
    store_close(s);
    assert_true(said(&d, "run 1 has no journal record 99"));
    diag_list_free(&d);
    assert_int_equal(store_open(state_path, STORE_READONLY, &d, &s), MIG_OK);
    seen = (seen_t){ 0 };
    assert_int_equal(store_journal_each(s, 1, 0, STORE_EACH_NO_ARGS,
                                        keep_record, &seen), MIG_OK);
    assert_string_equal(seen.after[0], "{\"a.txt\":\"dir\"}");
    store_close(s);
    diag_list_free(&d);
}

/* ---- rollback ------------------------------------------------------------------ */

/* The digest stored at the checkpoint is read back: a store whose digest
 * no longer fits the checkpoint's resources does not "match". */
static void test_checkpoint_digest_is_read_back(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    step a = file.write(path: \"a.txt\", content: \"x\")\n"
        "    checkpoint c\n"
        "    step b = file.write(path: \"b.txt\", content: \"y\")\n"
        "  }\n"
        "}\n", &d), RUN_SUCCEEDED);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(state_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE checkpoints SET digest = "
                                  "'00000000000000000000000000000000"
                                  "00000000000000000000000000000000'",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(rollback("c", &d), RUN_ROLLBACK_FAILED);
    assert_true(said(&d, "not the 000000000000 stored at checkpoint 'c'"));
    diag_list_free(&d);
}

static void test_run_rollback_over_an_unverifiable_step(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(run(
        "migration \"m\" {\n"
        "  stage s {\n"
        "    checkpoint c\n"
        "    step x = exec.run(cmd: \"printf hi > out.txt\")\n"
        "      undo exec.run(cmd: \"true\")\n"
        "    step f = test.fail(class: \"Conflict\")\n"
        "  }\n"
        "  on failure rollback to c\n"
        "}\n", &d), RUN_UNVERIFIED);
    assert_true(saw("rollback-done -"));
    diag_list_free(&d);
}

static void test_run_rollback_to_a_checkpoint_never_reached(void **state)
{
    (void)state;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(run(
        "migration \"m\" {\n"
        "  stage one {\n"
        "    step f = test.fail(class: \"Conflict\")\n"
        "  }\n"
        "  stage two after one {\n"
        "    checkpoint c\n"
        "    step w = file.write(path: \"w.txt\", content: \"x\")\n"
        "  }\n"
        "  on failure rollback to c\n"
        "}\n", &d), RUN_FAILED);
    assert_true(saw("rollback-not-needed -"));
    assert_false(saw("rollback-start"));
    assert_false(said(&d, "has no checkpoint"));
    diag_list_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resource_interface, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(test_after_images_are_journaled,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_after_images_in_batches,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_store_upgrade_from_schema_1,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_checkpoint_digest_is_read_back,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(
            test_run_rollback_over_an_unverifiable_step, make_dir,
            remove_dir),
        cmocka_unit_test_setup_teardown(
            test_run_rollback_to_a_checkpoint_never_reached, make_dir,
            remove_dir),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    strbuf_free(&events);
    return rc;
}
