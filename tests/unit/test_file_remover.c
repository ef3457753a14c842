/* test_file_remover.c: removals made by a remover's thread (runtime.h,
 * actx_set_remover; runtime/actx_remove.c), as a rollback undoes the
 * file actions with one: an "absent" restore is queued and made in
 * order; anything else the context does waits for the queue; a failed
 * removal is told with its record's tag and stops the ones after it; a
 * done record's undo leaves alone the temporary name beside its path. */
#include "file_fixture.h"

/* The before-image of a path that was not there: {path, type: absent}. */
static val_t *json_image(const char *path)
{
    return args("path", path, "type", "absent", NULL);
}

/* Writes NAME with file.write (before-image: absent); its undo record. */
static val_t *written(fx_t *f, const char *name)
{
    const action_t *a = row("file.write");
    val_t *in = args("path", name, "content", "new", NULL);
    val_t *rec = capture(f, a, in);
    val_t *out = NULL;
    actx_begin(f->run, a->name);
    assert_int_equal(a->run(f->run, in, &out), MIG_OK);
    val_unref(out);
    val_unref(in);
    assert_true(there(name));
    return rec;
}

/* Undoes REC with F's undo context, expecting MIG_OK. */
static void undo_queued(fx_t *f, const val_t *rec)
{
    const action_t *a = row("file.write");
    val_t *out = NULL;
    actx_begin(f->undo, a->name);
    assert_int_equal(a->undo(f->undo, rec, &out), MIG_OK);
    val_unref(out);
}

static void removals_made_in_order(void **state)
{
    fx_t *f = *state;
    put_dir("out", 0755);
    val_t *dir = json_image("out");
    char name[32];
    val_t *recs[50];
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof name, "out/t%d.json", i);
        recs[i] = written(f, name);
    }
    /* A write stopped half-way left this beside t3.json. */
    put_text("out/.t3.json.mig-tmp", "half");
    actx_remover_t *r = actx_remover_new();
    assert_non_null(r);
    for (int i = 49; i >= 0; i--) {
        actx_set_remover(f->undo, r, 100 + i);
        actx_set_effect_done(f->undo, i != 3);
        undo_queued(f, recs[i]);
    }
    /* The directory goes last, after what it held. */
    actx_set_remover(f->undo, r, 99);
    actx_set_effect_done(f->undo, true);
    actx_begin(f->undo, "file.mkdir");
    assert_int_equal(actx_restore(f->undo, dir), MIG_OK);
    int64_t tag = -1;
    char *why = (char *)1;
    assert_int_equal(actx_remover_wait(r, &tag, &why), MIG_OK);
    assert_int_equal(tag, 0);
    assert_null(why);
    assert_false(there("out"));
    actx_remover_free(r);
    actx_set_remover(f->undo, NULL, 0);
    for (int i = 0; i < 50; i++)
        val_unref(recs[i]);
    val_unref(dir);
}

/* A done record's undo does not look for a write's leftover; one that
 * is not done removes it. */
static void leftovers_only_when_not_done(void **state)
{
    fx_t *f = *state;
    val_t *a = written(f, "a.txt"), *b = written(f, "b.txt");
    put_text(".a.txt.mig-tmp", "half");
    put_text(".b.txt.mig-tmp", "half");
    actx_remover_t *r = actx_remover_new();
    actx_set_remover(f->undo, r, 1);
    actx_set_effect_done(f->undo, true);
    undo_queued(f, a);
    actx_set_effect_done(f->undo, false);
    undo_queued(f, b);
    int64_t tag;
    char *why;
    assert_int_equal(actx_remover_wait(r, &tag, &why), MIG_OK);
    assert_false(there("a.txt"));
    assert_true(there(".a.txt.mig-tmp"));
    assert_false(there("b.txt"));
    assert_false(there(".b.txt.mig-tmp"));
    actx_remover_free(r);
    actx_set_remover(f->undo, NULL, 0);
    actx_set_effect_done(f->undo, false);
    val_unref(a);
    val_unref(b);
}

/* A restore that is not a removal waits for the queue: the file it puts
 * back is not removed after it by a removal queued before. */
static void restore_waits_for_queue(void **state)
{
    fx_t *f = *state;
    put_text("p.txt", "old");
    const action_t *w = row("file.write");
    val_t *in = args("path", "p.txt", "content", "new", NULL);
    val_t *keep = capture(f, w, in);     /* before-image: the file "old" */
    val_unref(in);
    assert_int_equal(unlink(in_ws("p.txt")), 0);
    val_t *gone = written(f, "p.txt");   /* before-image: absent */
    actx_remover_t *r = actx_remover_new();
    actx_set_remover(f->undo, r, 2);
    actx_set_effect_done(f->undo, true);
    undo_queued(f, gone);
    actx_set_remover(f->undo, r, 1);
    undo_queued(f, keep);
    int64_t tag;
    char *why;
    assert_int_equal(actx_remover_wait(r, &tag, &why), MIG_OK);
    char *bytes = slurp("p.txt", NULL);
    assert_string_equal(bytes, "old");
    free(bytes);
    actx_remover_free(r);
    actx_set_remover(f->undo, NULL, 0);
    actx_set_effect_done(f->undo, false);
    val_unref(keep);
    val_unref(gone);
}

/* A removal that fails is told with its tag and message; the removals
 * queued after it are not made; the context's next use of a path fails. */
static void failure_stops_the_queue(void **state)
{
    fx_t *f = *state;
    val_t *c = written(f, "c.txt");
    val_t *proc = json_image("/proc/version");
    actx_remover_t *r = actx_remover_new();
    actx_set_remover(f->undo, r, 7);
    actx_set_effect_done(f->undo, true);
    actx_begin(f->undo, "file.write");
    assert_int_equal(actx_restore(f->undo, proc), MIG_OK);   /* queued */
    actx_set_remover(f->undo, r, 6);
    undo_queued(f, c);
    int64_t tag;
    char *why;
    assert_int_equal(actx_remover_wait(r, &tag, &why), MIG_EIO);
    assert_int_equal(tag, 7);
    assert_string_equal(why, "PolicyDenied: file.write: cannot restore "
                        "'/proc/version': Operation not permitted");
    free(why);
    assert_true(there("c.txt"));
    struct stat st;
    assert_int_equal(actx_stat(f->undo, "c.txt", &st), -1);
    assert_string_equal(actx_error_message(f->undo), "file.write: not "
                        "restored: a removal queued before it failed");
    actx_remover_free(r);
    actx_set_remover(f->undo, NULL, 0);
    actx_set_effect_done(f->undo, false);
    val_unref(c);
    val_unref(proc);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(removals_made_in_order), T(leftovers_only_when_not_done),
        T(restore_waits_for_queue), T(failure_stops_the_queue),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
