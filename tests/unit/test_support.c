/* test_support.c: the front end's support modules, one group of tests each:
 * the arena, the string builder, the diagnostic list, source files and
 * their line index, and the AST helpers (names, counting, the dump). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grammar.h"

#define ALIGN ARENA_ALIGN
#define ROUND(n) (((n) + ALIGN - 1) / ALIGN * ALIGN)

/* ---- arena ----------------------------------------------------------- */

static void arena_alignment(void **state)
{
    (void)state;
    arena_t *a = arena_new();
    assert_non_null(a);
    static const size_t sizes[] = { 1, 3, 7, 8, 13, 16, 17, 31, 33, 100, 1000 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char *p = arena_alloc(a, sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % ALIGN, 0);
        /* The whole object is usable. */
        memset(p, 0xAB, sizes[i]);
    }
    arena_free(a);
}

static void arena_zeroed_and_used(void **state)
{
    (void)state;
    arena_t *a = arena_new();
    assert_int_equal(arena_used(a), 0);
    unsigned char *p = arena_alloc(a, 1);
    assert_int_equal(arena_used(a), ALIGN);
    unsigned char *q = arena_alloc(a, ALIGN + 1);
    assert_int_equal(arena_used(a), ALIGN + ROUND(ALIGN + 1));
    /* Zero bytes still get a distinct, aligned object. */
    unsigned char *r = arena_alloc(a, 0);
    assert_non_null(r);
    assert_int_equal(arena_used(a), 2 * ALIGN + ROUND(ALIGN + 1));
    /* Consecutive small objects are packed in one block. */
    assert_ptr_equal(q, p + ALIGN);
    assert_ptr_equal(r, q + ROUND(ALIGN + 1));
    unsigned char *z = arena_alloc(a, 5000);
    for (size_t i = 0; i < 5000; i++)
        assert_int_equal(z[i], 0);
    assert_int_equal(p[0], 0);
    assert_int_equal(arena_used(a), 2 * ALIGN + ROUND(ALIGN + 1) + ROUND(5000));
    arena_free(a);
}

static void arena_big_allocations(void **state)
{
    (void)state;
    arena_t *a = arena_new();
    unsigned char *small1 = arena_alloc(a, 10);
    /* Bigger than a block (64 KiB): a block of its own. */
    size_t big = 200 * 1024;
    unsigned char *b = arena_alloc(a, big);
    assert_non_null(b);
    assert_int_equal((uintptr_t)b % ALIGN, 0);
    for (size_t i = 0; i < big; i += 4096)
        assert_int_equal(b[i], 0);
    assert_int_equal(b[big - 1], 0);
    memset(b, 0x5A, big);
    /* The current block's free space was not abandoned. */
    unsigned char *small2 = arena_alloc(a, 10);
    assert_ptr_equal(small2, small1 + ROUND(10));
    assert_int_equal(arena_used(a), 2 * ROUND(10) + big);
    /* A second big object, then exactly one block's worth. */
    unsigned char *b2 = arena_alloc(a, 1024 * 1024);
    assert_non_null(b2);
    assert_int_equal(b2[1024 * 1024 - 1], 0);
    unsigned char *b3 = arena_alloc(a, 64 * 1024);
    assert_non_null(b3);
    assert_int_equal(b3[64 * 1024 - 1], 0);
    assert_int_equal(arena_used(a), 2 * ROUND(10) + big + 1024 * 1024 + 64 * 1024);
    arena_free(a);
}

static void arena_many_blocks(void **state)
{
    (void)state;
    arena_t *a = arena_new();
    enum { N = 10000 };
    uint32_t **ptrs = malloc(sizeof(*ptrs) * N);
    for (uint32_t i = 0; i < N; i++) {
        ptrs[i] = arena_alloc(a, 100);
        assert_non_null(ptrs[i]);
        *ptrs[i] = i;
    }
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(*ptrs[i], i);
    assert_int_equal(arena_used(a), (size_t)N * ROUND(100));
    free(ptrs);
    arena_free(a);
    arena_free(NULL);   /* allowed, does nothing */
}

static void arena_strndup_copies(void **state)
{
    (void)state;
    arena_t *a = arena_new();
    char *s = arena_strndup(a, "hello world", 5);
    assert_string_equal(s, "hello");
    char *t = arena_strndup(a, "a\0b", 3);
    assert_memory_equal(t, "a\0b\0", 4);
    char *e = arena_strndup(a, "", 0);
    assert_string_equal(e, "");
    /* The first string opens a block (an aligned allocation); the others
     * are packed unaligned: 4 bytes for "a\0b", 1 for "". */
    assert_int_equal(arena_used(a), ALIGN + 4 + 1);
    arena_free(a);
}

/* ---- strbuf ---------------------------------------------------------- */

static void strbuf_growth(void **state)
{
    (void)state;
    strbuf_t b;
    strbuf_init(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_false(b.oom);
    for (int i = 0; i < 1000; i++)
        strbuf_putc(&b, (char)('a' + i % 26));
    assert_int_equal(b.len, 1000);
    assert_int_equal(b.cap, 1024);
    assert_int_equal(b.data[1000], '\0');
    assert_memory_equal(b.data, "abcdefghijklmnopqrstuvwxyzabcd", 30);
    assert_int_equal(b.data[999], 'a' + 999 % 26);
    strbuf_free(&b);
    assert_null(b.data);
    strbuf_put(&b, "x", 0);
    assert_int_equal(b.len, 0);
    char big[256];
    memset(big, 'z', sizeof(big));
    strbuf_put(&b, big, 255);
    assert_int_equal(b.cap, 256);
    strbuf_putc(&b, 'y');
    assert_int_equal(b.len, 256);
    assert_int_equal(b.cap, 512);
    assert_int_equal(b.data[255], 'y');
    assert_int_equal(b.data[256], '\0');
    strbuf_free(&b);
}

static void strbuf_put_and_printf(void **state)
{
    (void)state;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "n=");
    strbuf_printf(&b, "%d-%s-%05.1f", 42, "abc", 3.14159);
    assert_string_equal(b.data, "n=42-abc-003.1");
    assert_int_equal(b.len, 14);
    strbuf_put(&b, "\0z", 2);   /* embedded NUL: LEN counts it */
    assert_int_equal(b.len, 16);
    assert_memory_equal(b.data + 14, "\0z", 3);
    /* printf that has to grow the buffer */
    strbuf_printf(&b, "%600s|", "end");
    assert_int_equal(b.len, 16 + 601);
    assert_string_equal(b.data + 16 + 597, "end|");
    assert_false(b.oom);
    strbuf_free(&b);
}

static void strbuf_quoted(void **state)
{
    (void)state;
    strbuf_t b;
    strbuf_init(&b);
    const char in[] = "a\"b\\c$d\n\t\r\x01\x1f\x7f \xC3\xA9\xF0\x9F\x98\x80";
    strbuf_put_quoted(&b, in, sizeof(in) - 1);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\$d\\n\\t\\r\\u{1}\\u{1f}\\u{7f} "
                                "\xC3\xA9\xF0\x9F\x98\x80\"");
    strbuf_free(&b);
    strbuf_put_quoted(&b, "x\0y", 3);
    assert_string_equal(b.data, "\"x\\u{0}y\"");
    strbuf_free(&b);
    strbuf_put_quoted(&b, "", 0);
    assert_string_equal(b.data, "\"\"");
    assert_int_equal(b.len, 2);
    strbuf_free(&b);
}

/* ---- diagnostics ----------------------------------------------------- */

static void diag_counts_and_order(void **state)
{
    (void)state;
    diag_list_t l;
    diag_list_init(&l);
    assert_int_equal(l.len, 0);
    assert_int_equal(l.errors, 0);
    src_t *s = src_from_memory("f.mig", "abc", 3);
    src_span_t sp = { .begin = 1, .end = 2, .line = 1, .col = 2,
                      .end_line = 1, .end_col = 3 };
    diag_t *d = diag_add(&l, DIAG_ERROR, s, &sp, "bad %s at %d", "thing", 7);
    assert_non_null(d);
    assert_string_equal(d->message, "bad thing at 7");
    assert_true(d->has_span);
    assert_ptr_equal(d->src, s);
    assert_int_equal(d->span.col, 2);
    assert_int_equal(d->span.end_col, 3);
    assert_null(d->hint);
    diag_add(&l, DIAG_WARNING, NULL, NULL, "careful");
    diag_add(&l, DIAG_NOTE, s, NULL, "by the way");
    diag_add(&l, DIAG_ERROR, NULL, NULL, "second");
    assert_int_equal(l.len, 4);
    assert_int_equal(l.errors, 2);
    assert_int_equal(l.warnings, 1);
    assert_string_equal(l.items[0].message, "bad thing at 7");
    assert_string_equal(l.items[1].message, "careful");
    assert_int_equal(l.items[1].severity, DIAG_WARNING);
    assert_false(l.items[1].has_span);
    assert_null(l.items[1].src);
    assert_string_equal(l.items[2].message, "by the way");
    assert_int_equal(l.items[2].severity, DIAG_NOTE);
    assert_ptr_equal(l.items[2].src, s);
    assert_false(l.items[2].has_span);
    assert_string_equal(l.items[3].message, "second");
    assert_false(l.out_of_memory);
    diag_list_free(&l);
    assert_int_equal(l.len, 0);
    assert_null(l.items);
    src_free(s);
}

/* A list keeps MIG_MAX_ERRORS errors and as many warnings; the rest are
 * counted, and the notes of a dropped one go with it. */
static void diag_cap(void **state)
{
    (void)state;
    diag_list_t l, m;
    diag_list_init(&l);
    for (int i = 0; i < MIG_MAX_ERRORS + 10; i++) {
        diag_t *d = diag_add(&l, DIAG_ERROR, NULL, NULL, "e%d", i);
        if (i < MIG_MAX_ERRORS)
            assert_non_null(d);
        else
            assert_null(d);
        diag_add(&l, DIAG_NOTE, NULL, NULL, "n%d", i);
    }
    assert_int_equal(l.errors, MIG_MAX_ERRORS + 10);
    assert_int_equal(l.dropped_errors, 10);
    assert_int_equal(l.len, 2 * MIG_MAX_ERRORS);
    assert_string_equal(l.items[l.len - 2].message, "e49");
    assert_string_equal(l.items[l.len - 1].message, "n49");
    /* Warnings have their own count: the 50th is kept, the 51st not. */
    for (int i = 0; i < MIG_MAX_ERRORS + 1; i++)
        diag_add(&l, DIAG_WARNING, NULL, NULL, "w%d", i);
    assert_int_equal(l.warnings, MIG_MAX_ERRORS + 1);
    assert_int_equal(l.dropped_warnings, 1);
    assert_string_equal(l.items[l.len - 1].message, "w49");
    /* Moving a list carries what it dropped. */
    diag_list_init(&m);
    diag_list_move(&m, &l);
    assert_int_equal(m.dropped_errors, 10);
    assert_int_equal(m.dropped_warnings, 1);
    assert_int_equal(m.errors, MIG_MAX_ERRORS + 10);
    assert_int_equal(m.len, 2 * MIG_MAX_ERRORS + MIG_MAX_ERRORS);
    diag_list_free(&m);
}

/* A message of MIG_MAX_MESSAGE bytes is kept whole; one byte more keeps
 * its start and end and says how much it left out. */
static void diag_clip(void **state)
{
    (void)state;
    diag_list_t l;
    diag_list_init(&l);
    char *s = malloc(1000001);
    assert_non_null(s);
    memset(s, 'x', 1000000);
    s[1000000] = '\0';
    diag_add(&l, DIAG_ERROR, NULL, NULL, "%.*s", MIG_MAX_MESSAGE, s);
    assert_int_equal(strlen(l.items[0].message), MIG_MAX_MESSAGE);
    diag_add(&l, DIAG_ERROR, NULL, NULL, "%.*s", MIG_MAX_MESSAGE + 1, s);
    const char *m = l.items[1].message;
    assert_true(strlen(m) <= MIG_MAX_MESSAGE);
    assert_non_null(strstr(m, "[... 49 bytes left out ...]"));
    diag_add(&l, DIAG_ERROR, NULL, NULL, "undefined name '%s'", s);
    m = l.items[2].message;
    assert_true(strlen(m) <= MIG_MAX_MESSAGE);
    assert_memory_equal(m, "undefined name 'xxx", 19);
    assert_non_null(strstr(m, "[... 999665 bytes left out ...]"));
    assert_int_equal(m[strlen(m) - 1], '\'');
    diag_hint(&l, &l.items[2], "%s", s);
    assert_true(strlen(l.items[2].hint) <= MIG_MAX_MESSAGE);
    /* A cut never splits a UTF-8 character. */
    strbuf_t b;
    strbuf_init(&b);
    char e[1000];
    for (int i = 0; i < 999; i += 3)
        memcpy(e + i, "\xc3\xa9x", 3);
    strbuf_put_clipped(&b, e, 999, 100);
    for (size_t i = 0; i < b.len;) {
        size_t n = utf8_char_len((const unsigned char *)b.data + i, b.len - i);
        assert_true(n > 1 || (unsigned char)b.data[i] < 0x80);
        i += n;
    }
    strbuf_free(&b);
    free(s);
    diag_list_free(&l);
}

static void diag_hints_and_growth(void **state)
{
    (void)state;
    diag_list_t l;
    diag_list_init(&l);
    diag_t *d = diag_add(&l, DIAG_ERROR, NULL, NULL, "one");
    diag_hint(&l, d, "try %s", "this");
    assert_string_equal(d->hint, "try this");
    diag_hint(&l, d, "or %d", 2);   /* replaces the first */
    assert_string_equal(d->hint, "or 2");
    diag_hint(&l, NULL, "ignored");
    /* The list grows past its first capacity, keeping order and hints. */
    for (int i = 0; i < 98; i++)
        diag_add(&l, i % 2 ? DIAG_WARNING : DIAG_ERROR, NULL, NULL, "m%d", i);
    assert_int_equal(l.len, 99);
    assert_int_equal(l.errors, 50);
    assert_int_equal(l.warnings, 49);
    assert_string_equal(l.items[0].hint, "or 2");
    for (int i = 0; i < 98; i++) {
        char want[16];
        snprintf(want, sizeof(want), "m%d", i);
        assert_string_equal(l.items[i + 1].message, want);
        assert_null(l.items[i + 1].hint);
    }
    diag_list_free(&l);
}

/* ---- source files ---------------------------------------------------- */

static void check_line_n(src_t *s, uint32_t n, const char *want,
                         size_t want_len)
{
    const char *start = NULL;
    size_t len = 99;
    assert_true(src_line(s, n, &start, &len));
    assert_int_equal(len, want_len);
    assert_memory_equal(start, want, len);
}

static void check_line(src_t *s, uint32_t n, const char *want)
{
    check_line_n(s, n, want, strlen(want));
}

static void check_no_line(src_t *s, uint32_t n)
{
    const char *start = NULL;
    size_t len = 99;
    assert_false(src_line(s, n, &start, &len));
}

static void source_lines(void **state)
{
    (void)state;
    src_t *s = src_from_memory("a.mig", "first\nsecond\r\n\nlast", 19);
    assert_string_equal(s->name, "a.mig");
    assert_int_equal(s->len, 19);
    check_line(s, 1, "first");
    check_line(s, 2, "second");   /* CR of a CRLF dropped */
    check_line(s, 3, "");
    check_line(s, 4, "last");     /* last line without newline */
    assert_int_equal(s->n_lines, 4);
    check_no_line(s, 0);
    check_no_line(s, 5);
    check_no_line(s, UINT32_MAX);
    src_free(s);

    s = src_from_memory("b.mig", "x\r\n", 3);
    check_line(s, 1, "x");
    check_line(s, 2, "");         /* after the final newline */
    check_no_line(s, 3);
    src_free(s);

    s = src_from_memory("empty.mig", "", 0);
    assert_int_equal(s->text[0], '\0');
    check_line(s, 1, "");
    check_no_line(s, 2);
    src_free(s);

    s = src_from_memory("bom.mig", "\xEF\xBB\xBF" "ab\ncd", 8);
    check_line(s, 1, "ab");       /* the byte-order mark is not shown */
    check_line(s, 2, "cd");
    src_free(s);
}

static void source_memory_and_load(void **state)
{
    (void)state;
    src_t *s = src_from_memory("n.mig", "a\0b", 3);
    assert_int_equal(s->len, 3);
    assert_memory_equal(s->text, "a\0b\0", 4);
    check_line_n(s, 1, "a\0b", 3);
    src_free(s);

    char path[] = "/tmp/mig-test-support-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "migration\n\"x\"", 13), 13);
    close(fd);
    diag_list_t l;
    diag_list_init(&l);
    src_t *loaded = NULL;
    assert_int_equal(src_load(path, &l, &loaded), MIG_OK);
    assert_non_null(loaded);
    assert_string_equal(loaded->name, path);
    assert_int_equal(loaded->len, 13);
    assert_string_equal(loaded->text, "migration\n\"x\"");
    check_line(loaded, 2, "\"x\"");
    assert_int_equal(l.len, 0);
    src_free(loaded);
    unlink(path);

    src_t *missing = NULL;
    assert_int_equal(src_load("/nonexistent/dir/plan.mig", &l, &missing), MIG_EIO);
    assert_null(missing);
    assert_int_equal(l.len, 1);
    assert_int_equal(l.errors, 1);
    assert_false(l.items[0].has_span);
    assert_string_equal(l.items[0].message, "cannot open '/nonexistent/dir/plan.mig': "
                                            "No such file or directory");
    diag_list_free(&l);
}

/* ---- AST helpers ----------------------------------------------------- */

static void ast_names(void **state)
{
    (void)state;
    assert_string_equal(ast_kind_name(AST_ASSIGN), "set");
    assert_string_equal(ast_kind_name(AST_ERROR_DECL), "error");
    assert_string_equal(ast_kind_name(AST_BINARY), "binary");
    assert_string_equal(ast_op_name(AST_OP_NOT), "not");
    assert_string_equal(ast_op_name(AST_OP_GE), ">=");
    assert_string_equal(ast_op_name(AST_OP_SUB), "-");
    assert_string_equal(ast_op_name(AST_OP_NEG), "-");
    assert_string_equal(ast_backoff_name(AST_BACKOFF_EXPONENTIAL), "exponential");
    assert_string_equal(ast_jitter_name(AST_JITTER_EQUAL), "equal");
    assert_string_equal(ast_decision_name(AST_DECIDE_ROLLBACK), "rollback");
    assert_string_equal(ast_hook_name(AST_HOOK_SUCCESS), "on success");
    assert_string_equal(ast_meta_name(AST_META_REQUIRES), "requires");
}

static void ast_strings(void **state)
{
    (void)state;
    arena_t *a = arena_new();
    src_span_t sp = { 0 };
    ast_node_t *s = ast_new(a, AST_STRING, &sp);
    assert_int_equal(s->depth, 1);
    const char *text;
    uint32_t len;
    assert_true(ast_string_is_plain(s, &text, &len));
    assert_string_equal(text, "");
    assert_int_equal(len, 0);
    /* Adjacent text pieces merge into one. */
    assert_true(ast_string_push(a, s, "ab", 2, NULL));
    assert_true(ast_string_push(a, s, "\0c", 2, NULL));
    assert_int_equal(s->u.string.n_parts, 1);
    assert_true(ast_string_is_plain(s, &text, &len));
    assert_int_equal(len, 4);
    assert_memory_equal(text, "ab\0c", 4);
    ast_node_t *name = ast_new(a, AST_NAME, &sp);
    assert_true(ast_string_push(a, s, NULL, 0, name));
    assert_true(ast_string_push(a, s, "d", 1, NULL));
    assert_int_equal(s->u.string.n_parts, 3);
    assert_false(ast_string_is_plain(s, &text, &len));
    assert_false(ast_string_is_plain(name, &text, &len));
    arena_free(a);
}

/* Parses TEXT, which must be valid; the caller frees ARENA and SRC. */
static ast_plan_t *parse_ok(const char *text, arena_t **arena, src_t **src)
{
    *src = src_from_memory("t.mig", text, strlen(text));
    *arena = arena_new();
    diag_list_t l;
    diag_list_init(&l);
    ast_plan_t *plan = NULL;
    mig_status_t st = grammar_parse(*src, *arena, &l, &plan);
    if (l.len)
        fprintf(stderr, "unexpected: %s\n", l.items[0].message);
    assert_int_equal(l.len, 0);
    diag_list_free(&l);
    assert_int_equal(st, MIG_OK);
    assert_non_null(plan);
    return plan;
}

static const char counted[] =
    "migration \"c\" {\n"
    "  let top = 1\n"
    "  stage a {\n"
    "    step s1 = f()\n"
    "    foreach i in xs { step s2 = f() }\n"
    "    retry 2 { if c { step s3 = f() } else { step s4 = f() let z = 2 } }\n"
    "    recover E { step s5 = f() fail }\n"
    "    recover F with h\n"
    "  }\n"
    "  on failure { step s6 = f() }\n"
    "  profile p { a = 1 b = 2 }\n"
    "}\n";

static void ast_counting(void **state)
{
    (void)state;
    arena_t *a;
    src_t *s;
    ast_plan_t *plan = parse_ok(counted, &a, &s);
    assert_int_equal(ast_count(plan, AST_STEP), 6);
    assert_int_equal(ast_count(plan, AST_LET), 2);
    assert_int_equal(ast_count(plan, AST_STAGE), 1);
    assert_int_equal(ast_count(plan, AST_RECOVER), 2);
    assert_int_equal(ast_count(plan, AST_DECISION), 1);
    assert_int_equal(ast_count(plan, AST_IF), 1);
    assert_int_equal(ast_count(plan, AST_ASSIGN), 2);
    assert_int_equal(ast_count(plan, AST_HOOK), 1);
    assert_int_equal(ast_count(plan, AST_CHECKPOINT), 0);
    /* Expressions are not statements: not counted. */
    assert_int_equal(ast_count(plan, AST_CALL), 0);
    arena_free(a);
    src_free(s);
}

static void ast_dump_text(void **state)
{
    (void)state;
    static const char plan_text[] =
        "migration \"demo\" {\n"
        "  version \"1.2\"\n"
        "  param n = -3 * (1 + 2.5)\n"
        "  error Busy : Transient\n"
        "  lua \"m.lua\" as m\n"
        "  stage s after a, b {\n"
        "    step x = f(1, to: \"a\\n${y.z[0]}\") undo g() timeout 1h30m when not ok\n"
        "    checkpoint c\n"
        "    retry 3 backoff fixed(delay: 500ms) jitter none on A, B {\n"
        "      verify x == null else \"no\"\n"
        "    }\n"
        "    recover * { rollback to c }\n"
        "    if a { fail } else if b { fail \"x\" } else { let l = [true, {k: 1}] }\n"
        "  }\n"
        "  finally { step y = h() }\n"
        "}\n";
    arena_t *a;
    src_t *s;
    ast_plan_t *plan = parse_ok(plan_text, &a, &s);
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(ast_dump(plan, &out, &len), MIG_OK);
    static const char want[] =
        "migration \"demo\"  @1:1\n"
        "  version \"1.2\"  @2:3\n"
        "  param n = ((-3) * (1 + 2.5))  @3:3\n"
        "  error Busy : Transient  @4:3\n"
        "  lua \"m.lua\" as m  @5:3\n"
        "  stage s after a, b  @6:3\n"
        "    step x = f(1, to: \"a\\n${y.z[0]}\") undo g() timeout 1h30m"
        " when (not ok)  @7:5\n"
        "    checkpoint c  @8:5\n"
        "    retry 3 backoff fixed(delay: 500ms) jitter none on A, B  @9:5\n"
        "      verify (x == null) else \"no\"  @10:7\n"
        "    recover *  @12:5\n"
        "      rollback to c  @12:17\n"
        "    if a  @13:5\n"
        "      fail  @13:12\n"
        "    else\n"
        "      if b  @13:24\n"
        "        fail \"x\"  @13:31\n"
        "      else\n"
        "        let l = [true, {k: 1}]  @13:49\n"
        "  finally  @15:3\n"
        "    step y = h()  @15:13\n";
    assert_string_equal(out, want);
    assert_int_equal(len, strlen(want));
    free(out);
    arena_free(a);
    src_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_alignment),
        cmocka_unit_test(arena_zeroed_and_used),
        cmocka_unit_test(arena_big_allocations),
        cmocka_unit_test(arena_many_blocks),
        cmocka_unit_test(arena_strndup_copies),
        cmocka_unit_test(strbuf_growth),
        cmocka_unit_test(strbuf_put_and_printf),
        cmocka_unit_test(strbuf_quoted),
        cmocka_unit_test(diag_counts_and_order),
        cmocka_unit_test(diag_hints_and_growth),
        cmocka_unit_test(diag_cap),
        cmocka_unit_test(diag_clip),
        cmocka_unit_test(source_lines),
        cmocka_unit_test(source_memory_and_load),
        cmocka_unit_test(ast_names),
        cmocka_unit_test(ast_strings),
        cmocka_unit_test(ast_counting),
        cmocka_unit_test(ast_dump_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
