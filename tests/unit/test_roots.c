/* test_roots.c: write roots (interpreter/roots.c, runtime/roots_lock.c;
 * docs/language.md, "writes"; docs/runtime.md, "Locks"): the roots of a
 * plan, which paths lie in them ("..", absolute paths, a sibling whose
 * name starts like a root, a symbolic link that leads out), the argument
 * rows that name changed paths, and the lock of roots: exclusive on a
 * root, shared above it, so that a root in use refuses another that is
 * it, holds it or lies in it, and not one beside it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "grammar.h"
#include "interpreter.h"
#include "runtime.h"

typedef struct fx {
    char dir[64];               /* a scratch folder: plan/, out/, lock/ */
    char lock_dir[96];
} fx_t;

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/mig-roots-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char p[160];
    static const char *const dirs[] = { "plan", "plan-b", "out", "lock" };
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", f->dir, dirs[i]);
        assert_int_equal(mkdir(p, 0755), 0);
    }
    snprintf(p, sizeof p, "%s/plan/link", f->dir);
    assert_int_equal(symlink("../out", p), 0);
    snprintf(f->lock_dir, sizeof f->lock_dir, "%s/lock", f->dir);
    setenv("MIG_LOCK_DIR", f->lock_dir, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    unsetenv("MIG_LOCK_DIR");
    free(f);
    return 0;
}

/* The roots of the plan TEXT kept in F's plan/ folder, resolved or not. */
static void roots_of(fx_t *f, const char *text, bool resolve,
                     write_roots_t *out)
{
    src_t *src = src_from_memory("p.mig", text, strlen(text));
    assert_non_null(src);
    diag_list_t d;
    diag_list_init(&d);
    arena_t *arena = arena_new();
    ast_plan_t *plan = NULL;
    assert_int_equal(grammar_parse(src, arena, &d, &plan), MIG_OK);
    char dir[128];
    snprintf(dir, sizeof dir, "%s/plan/", f->dir);
    assert_int_equal(roots_of_plan(plan, dir, out), MIG_OK);
    if (resolve)
        assert_int_equal(roots_resolve(out), MIG_OK);
    arena_free(arena);
    diag_list_free(&d);
    src_free(src);
}

static bool inside(fx_t *f, const write_roots_t *r, const char *path)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s/plan", f->dir);
    bool in = false;
    assert_int_equal(roots_contain(r, dir, path, &in), MIG_OK);
    return in;
}

static void the_plans_folder_and_declared_ones(void **state)
{
    fx_t *f = *state;
    write_roots_t r;
    roots_of(f, "migration \"m\" { writes \"../out\" writes \"/srv/x/../y\" }",
             false, &r);
    assert_int_equal(r.n, 3);
    char want[160];
    snprintf(want, sizeof want, "%s/plan", f->dir);
    assert_string_equal(r.paths[0], want);
    snprintf(want, sizeof want, "%s/out", f->dir);
    assert_string_equal(r.paths[1], want);
    assert_string_equal(r.paths[2], "/srv/y");
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(roots_text(&r, &b), MIG_OK);
    assert_string_equal(b.data, "the plan's folder, '../out', '/srv/x/../y'");
    strbuf_free(&b);
    roots_free(&r);
}

static void which_paths_are_inside(void **state)
{
    fx_t *f = *state;
    write_roots_t r;
    roots_of(f, "migration \"m\" { }", false, &r);
    assert_true(inside(f, &r, "a.json"));
    assert_true(inside(f, &r, "deep/er/a.json"));
    assert_true(inside(f, &r, "."));            /* the root itself */
    assert_true(inside(f, &r, "x/../y"));
    assert_true(inside(f, &r, "../plan/a"));    /* out and back in */
    assert_false(inside(f, &r, ".."));
    assert_false(inside(f, &r, "../out/a"));
    assert_false(inside(f, &r, "../plan-b/a")); /* starts like the root */
    assert_false(inside(f, &r, "x/../../out"));
    assert_false(inside(f, &r, "/etc/passwd"));
    char abs[160];
    snprintf(abs, sizeof abs, "%s/plan/ok", f->dir);
    assert_true(inside(f, &r, abs));
    /* Lexically, a link inside the folder is inside... */
    assert_true(inside(f, &r, "link/x"));
    roots_free(&r);
    /* ... resolved, it leads out. */
    roots_of(f, "migration \"m\" { }", true, &r);
    assert_false(inside(f, &r, "link/x"));
    assert_false(inside(f, &r, "link"));
    assert_true(inside(f, &r, "new/dir/x"));    /* not there yet */
    roots_free(&r);
    /* Declared, the link's target is a root. */
    roots_of(f, "migration \"m\" { writes \"../out\" }", true, &r);
    assert_true(inside(f, &r, "link/x"));
    assert_true(inside(f, &r, "../out/y"));
    roots_free(&r);
}

static void the_rows_that_change_paths(void **state)
{
    fx_t *f = *state;
    write_roots_t r;
    roots_of(f, "migration \"m\" { }", true, &r);
    static const action_arg_t rows[] = {
        { .name = "from", .types = ACTION_T(STRING) },
        { .name = "to", .types = ACTION_T(STRING), .writes = true },
        { 0 },
    };
    val_t *args = val_map_new(2);
    val_map_set_take(args, "from", 4, val_cstring("/anywhere/a"));
    val_map_set_take(args, "to", 2, val_cstring("b"));
    char dir[128];
    snprintf(dir, sizeof dir, "%s/plan", f->dir);
    const char *arg, *path;
    assert_int_equal(roots_check_args(&r, dir, rows, args, &arg, &path),
                     MIG_OK);
    assert_null(arg);                   /* reads are not bounded */
    val_map_set_take(args, "to", 2, val_cstring("../b"));
    assert_int_equal(roots_check_args(&r, dir, rows, args, &arg, &path),
                     MIG_OK);
    assert_string_equal(arg, "to");
    assert_string_equal(path, "../b");
    val_unref(args);
    roots_free(&r);
}

/* Roots with KEEP (roots_remember or roots_keep) give every path what
 * resolving it from "/" gives: the same name through links into a
 * folder, a link to a file, a dangling link, a link loop, a name below a
 * file, folders not there yet, "/" and names above the plan; each asked
 * twice (the second answer remembered) and in an order where a folder is
 * seen before and after its names. */
static void paths_resolve_alike(fx_t *f, mig_status_t (*keep)(write_roots_t *))
{
    char p[200];
    snprintf(p, sizeof p, "%s/plan/file", f->dir);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    fclose(fp);
    static const char *const links[][2] = {
        { "dangling", "../nowhere/x" }, { "loop", "loop" },
        { "tofile", "file" }, { "abs", "/" }, { "up", ".." },
    };
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        snprintf(p, sizeof p, "%s/plan/%s", f->dir, links[i][0]);
        assert_int_equal(symlink(links[i][1], p), 0);
    }
    static const char *const paths[] = {
        "a.json", "link/x", "link", "link/deep/er/y", "link/../z", "new/dir/x",
        "new/dir", "new", "file", "file/below", "dangling", "dangling/x",
        "loop", "loop/x", "tofile", "tofile/x", "abs", "abs/etc/x",
        "up/plan/link/x", "up", ".", "..", "../out/q", "/", "/etc/../tmp/x",
        "x/../../plan-b/a", "link/x",
    };
    write_roots_t plain, kept;
    roots_of(f, "migration \"m\" { writes \"../out\" }", true, &plain);
    roots_of(f, "migration \"m\" { writes \"../out\" }", true, &kept);
    assert_int_equal(keep(&kept), MIG_OK);
    assert_int_equal(keep(&kept), MIG_OK);   /* once is enough */
    char dir[128];
    snprintf(dir, sizeof dir, "%s/plan", f->dir);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
            char *want = roots_path(&plain, dir, paths[i]);
            char *got = roots_path(&kept, dir, paths[i]);
            assert_non_null(want);
            assert_non_null(got);
            if (strcmp(want, got) != 0)
                fail_msg("%s: remembered '%s', resolved '%s'", paths[i], got,
                         want);
            bool in_plain, in_kept;
            assert_int_equal(roots_contain(&plain, dir, paths[i], &in_plain),
                             MIG_OK);
            assert_int_equal(roots_contain(&kept, dir, paths[i], &in_kept),
                             MIG_OK);
            assert_int_equal(in_plain, in_kept);
            free(want);
            free(got);
        }
    /* A relative plan folder: from the working directory, kept once. */
    char *cwd = getcwd(NULL, 0);
    assert_non_null(cwd);
    assert_int_equal(chdir(f->dir), 0);
    char *want = roots_path(&plain, "plan", "link/x");
    char *got = roots_path(&kept, "plan", "link/x");
    assert_string_equal(got, want);
    snprintf(p, sizeof p, "%s/out/x", f->dir);
    assert_string_equal(got, p);
    free(want);
    free(got);
    assert_int_equal(chdir(cwd), 0);
    free(cwd);
    roots_free(&plain);
    roots_free(&kept);
    assert_null(kept.memo);
}

static void remembered_paths_resolve_alike(void **state)
{
    paths_resolve_alike(*state, roots_remember);
}

static void kept_paths_resolve_alike(void **state)
{
    paths_resolve_alike(*state, roots_keep);
}

/* What a run keeps (roots_keep) follows the files as they change: a link
 * turned to lead out of the roots, a file put where a name was missing,
 * a file replaced by a link, and the working directory moved, are each
 * resolved again, never answered from before. */
static void kept_paths_follow_changes(void **state)
{
    fx_t *f = *state;
    write_roots_t r;
    roots_of(f, "migration \"m\" { writes \"../out\" }", true, &r);
    assert_int_equal(roots_keep(&r), MIG_OK);
    char dir[128], p[200], q[200];
    snprintf(dir, sizeof dir, "%s/plan", f->dir);
    /* plan/via -> ../out: the registry there is inside, asked twice. */
    snprintf(p, sizeof p, "%s/out/reg.db", f->dir);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    fclose(fp);
    snprintf(p, sizeof p, "%s/plan/via", f->dir);
    assert_int_equal(symlink("../out", p), 0);
    for (int i = 0; i < 2; i++)
        assert_true(inside(f, &r, "via/reg.db"));
    /* The link turned to plan-b (outside), a file of the same name there. */
    snprintf(q, sizeof q, "%s/plan-b/reg.db", f->dir);
    assert_non_null(fp = fopen(q, "w"));
    fclose(fp);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(symlink("../plan-b", p), 0);
    assert_false(inside(f, &r, "via/reg.db"));
    char *got = roots_path(&r, dir, "via/reg.db");
    assert_string_equal(got, q);
    free(got);
    /* A name missing when first asked, then made a link that leads out. */
    assert_true(inside(f, &r, "later.db"));
    snprintf(p, sizeof p, "%s/plan/later.db", f->dir);
    assert_int_equal(symlink(q, p), 0);
    assert_false(inside(f, &r, "later.db"));
    /* A file kept, then replaced by a link that leads out. */
    snprintf(p, sizeof p, "%s/plan/here.db", f->dir);
    assert_non_null(fp = fopen(p, "w"));
    fclose(fp);
    assert_true(inside(f, &r, "here.db"));
    assert_true(inside(f, &r, "here.db"));
    assert_int_equal(unlink(p), 0);
    assert_int_equal(symlink(q, p), 0);
    assert_false(inside(f, &r, "here.db"));
    /* From a relative folder: the working directory moved meanwhile. */
    char *cwd = getcwd(NULL, 0);
    assert_non_null(cwd);
    snprintf(p, sizeof p, "%s/out/sub", f->dir);
    assert_int_equal(mkdir(p, 0755), 0);
    assert_int_equal(chdir(p), 0);
    assert_non_null(fp = fopen("x.db", "w"));
    fclose(fp);
    got = roots_path(&r, "", "x.db");
    snprintf(q, sizeof q, "%s/out/sub/x.db", f->dir);
    assert_string_equal(got, q);
    free(got);
    snprintf(q, sizeof q, "%s/plan-b/sub", f->dir);
    assert_int_equal(rename(p, q), 0);          /* out/sub -> plan-b/sub */
    got = roots_path(&r, "", "x.db");
    snprintf(q, sizeof q, "%s/plan-b/sub/x.db", f->dir);
    assert_string_equal(got, q);
    free(got);
    assert_int_equal(chdir(cwd), 0);
    free(cwd);
    roots_free(&r);
}


/* Whether another process can take the lock of the one root ROOT now. */
static bool other_can_lock(const char *root)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char *paths[] = { (char *)root }, *given[] = { (char *)root };
        write_roots_t r = { .paths = paths, .given = given, .n = 1,
                            .real = true };
        diag_list_t d;
        diag_list_init(&d);
        roots_lock_t *l = NULL;
        _exit(roots_lock_take(&r, &d, &l) == MIG_OK ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void a_root_in_use_is_refused(void **state)
{
    fx_t *f = *state;
    write_roots_t r;
    /* Two roots, one inside the other: they share the outer's lock. */
    roots_of(f, "migration \"m\" { writes \"../out\" writes \"./sub\" }",
             true, &r);
    diag_list_t d;
    diag_list_init(&d);
    roots_lock_t *l = NULL;
    assert_int_equal(roots_lock_take(&r, &d, &l), MIG_OK);
    assert_int_equal(d.len, 0);
    char p[160];
    snprintf(p, sizeof p, "%s/plan", f->dir);
    assert_false(other_can_lock(p));            /* the root itself */
    snprintf(p, sizeof p, "%s/plan/deep", f->dir);
    assert_false(other_can_lock(p));            /* inside it */
    assert_false(other_can_lock(f->dir));       /* above it */
    snprintf(p, sizeof p, "%s/out", f->dir);
    assert_false(other_can_lock(p));            /* the other root */
    snprintf(p, sizeof p, "%s/plan-b", f->dir);
    assert_true(other_can_lock(p));             /* beside it */
    roots_lock_free(l);
    snprintf(p, sizeof p, "%s/plan", f->dir);
    assert_true(other_can_lock(p));             /* let go */
    assert_true(other_can_lock(f->dir));
    /* The message names the root. */
    assert_int_equal(roots_lock_take(&r, &d, &l), MIG_OK);
    char *paths[] = { f->dir }, *given[] = { f->dir };
    write_roots_t above = { .paths = paths, .given = given, .n = 1,
                            .real = true };
    roots_lock_t *l2 = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        diag_list_t d2;
        diag_list_init(&d2);
        mig_status_t st = roots_lock_take(&above, &d2, &l2);
        char want[200];
        snprintf(want, sizeof want, "the write root '%s' is in use by "
                 "another mig run", f->dir);
        _exit(st == MIG_EINVALID && d2.len == 1
              && strcmp(d2.items[0].message, want) == 0 ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    roots_lock_free(l);
    diag_list_free(&d);
    roots_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_plans_folder_and_declared_ones,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(which_paths_are_inside, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_rows_that_change_paths, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(remembered_paths_resolve_alike, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kept_paths_resolve_alike, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kept_paths_follow_changes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_root_in_use_is_refused, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
