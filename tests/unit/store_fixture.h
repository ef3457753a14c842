/* store_fixture.h: what the state store's tests share (test_store.c,
 * test_store_locks.c): a directory per test, opening stores, new runs,
 * SQL by hand, JSON values, and a recorder for the *_each walks. */
#ifndef MIG_STORE_FIXTURE_H
#define MIG_STORE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json_fixture.h"
#include "store_int.h"

static char dir[64];
static char path[128];       /* DIR/.mig/state.db */

__attribute__((unused))
static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/mig-store-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/.mig/state.db", dir);
    return 0;
}

__attribute__((unused))
static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- helpers ----------------------------------------------------------- */

__attribute__((unused))
static store_t *open_store(unsigned flags)
{
    diag_list_t d;
    diag_list_init(&d);
    store_t *s = NULL;
    mig_status_t st = store_open(path, flags, &d, &s);
    if (st != MIG_OK)
        for (size_t i = 0; i < d.len; i++)
            fprintf(stderr, "store_open: %s\n", d.items[i].message);
    assert_int_equal(st, MIG_OK);
    assert_int_equal(d.len, 0);
    diag_list_free(&d);
    return s;
}

/* Opens PATH expecting failure ST with exactly the message MSG. */
__attribute__((unused))
static void open_fails(const char *p, unsigned flags, mig_status_t st,
                       const char *msg)
{
    diag_list_t d;
    diag_list_init(&d);
    store_t *s = (store_t *)1;
    assert_int_equal(store_open(p, flags, &d, &s), st);
    assert_null(s);
    assert_int_equal(d.len, 1);
    assert_string_equal(d.items[0].message, msg);
    diag_list_free(&d);
}

/* The last message of the store's diagnostics. */
__attribute__((unused))
static const char *last_diag(store_t *s)
{
    diag_list_t *d = store_diags(s);
    assert_true(d->len > 0);
    return d->items[d->len - 1].message;
}

__attribute__((unused))
static int64_t new_run(store_t *s, const char *name, int64_t pid,
                       const char *host)
{
    store_run_t r = { .plan_path = "/plans/p.mig", .plan_name = (char *)name,
                      .plan_digest = "abc123", .host = (char *)host,
                      .pid = pid, .started_ms = 1000 };
    int64_t id = 0;
    assert_int_equal(store_run_create(s, &r, &id), MIG_OK);
    assert_true(id > 0);
    return id;
}

/* A new store with a run (*RUN) committed, deferring writes from now on
 * (store_defer), as a run's steps write. */
__attribute__((unused))
static store_t *open_deferring(int64_t *run)
{
    store_t *s = open_store(STORE_CREATE);
    *run = new_run(s, "p", 1, "h");
    assert_int_equal(store_flush(s), MIG_OK);
    store_defer(s, true);
    return s;
}

__attribute__((unused))
static void sql(const char *p, const char *text)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* How many rows TABLE holds, read by a connection of its own (what a
 * commit made visible to others). */
__attribute__((unused))
static int64_t count_rows(const char *table)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    char text[128];
    snprintf(text, sizeof text, "SELECT count(*) FROM %s", table);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, text, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
}

__attribute__((unused))
static val_t *json(const char *text)
{
    return json_parse(text);
}

__attribute__((unused))
static void assert_json(const val_t *v, const char *expected)
{
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_to_json(v, &b, 0), MIG_OK);
    assert_string_equal(b.data, expected);
    strbuf_free(&b);
}

/* The value at K of map V (borrowed); the test fails when there is none. */
__attribute__((unused))
static const val_t *key(const val_t *v, const char *k)
{
    const val_t *x = val_map_get(v, k, strlen(k));
    assert_non_null(x);
    return x;
}

/* Collects what an *_each saw, as text, one entry a call. */
typedef struct seen {
    char text[1024];
    int n, stop_after;
    store_t *s;
    int64_t run;
} seen_t;

__attribute__((unused))
static void seen_add(seen_t *w, const char *fmt, ...)
{
    size_t len = strlen(w->text);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->text + len, sizeof w->text - len, fmt, ap);
    va_end(ap);
    w->n++;
}

__attribute__((unused))
static bool see_event(void *data, const store_event_rec_t *ev)
{
    seen_t *w = data;
    strbuf_t b;
    strbuf_init(&b);
    if (ev->data)
        val_to_json(ev->data, &b, 0);
    seen_add(w, "%" PRId64 ":%s:%s:%s:%s ", ev->seq, ev->kind,
             ev->node ? ev->node : "NULL", ev->item ? ev->item : "NULL",
             b.data ? b.data : "NULL");
    strbuf_free(&b);
    return true;
}

__attribute__((unused))
static void journal(store_t *s, int64_t run, const char *node, int64_t seq)
{
    val_t *args = json("{\"path\": \"a.txt\"}");
    store_journal_t rec = { .node = node, .item = "", .action = "file.write",
                            .kind = STORE_JOURNAL_SELF, .args = args };
    assert_int_equal(store_journal_intent(s, run, &rec), MIG_OK);
    assert_int_equal(rec.seq, seq);
    assert_int_equal(rec.state, STORE_JOURNAL_INTENT);
    val_unref(args);
}

#endif
