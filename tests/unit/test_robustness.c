/* test_robustness.c: hostile input for the front end, built in C. Every
 * input must end in a clean result: MIG_OK with no errors, or MIG_EINVALID
 * with messages whose spans lie inside the file; never a crash, a leak, a
 * hang or a C stack overflow. These run under ASan/UBSan in CI. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar_int.h"
#include "parser.h"

#define MB (1024 * 1024)

/* The quickstart example (examples/quickstart/plan.mig), embedded. */
static const char quickstart[] =
    "migration \"quickstart\" {\n"
    "  version     \"1.0.0\"\n"
    "  description \"Move the example tools in legacy/ into the V2 registry.\"\n"
    "\n"
    "  param source      = \"legacy\"\n"
    "  param registry    = \"state/registry.db\"\n"
    "  param concurrency = 4\n"
    "  profile production { concurrency = 16 }\n"
    "\n"
    "  stage discover {\n"
    "    step found = legacy.scan(dir: source, kind: \"synapse\")\n"
    "    verify len(found) > 0 else \"no legacy tools under ${source}\"\n"
    "  }\n"
    "\n"
    "  stage migrate after discover {\n"
    "    checkpoint before_migrate\n"
    "    foreach tool in discover.found parallel concurrency {\n"
    "      retry 3 backoff exponential(base: 200ms, factor: 2, max: 5s) "
    "jitter full on Transient {\n"
    "        let v2 = { name: tool.name, description: tool.description, "
    "kind: \"function\" }\n"
    "        step reg = registry.put(db: registry, tool: v2) timeout 10s\n"
    "      }\n"
    "      recover ParamMismatch with adapt.params\n"
    "      recover Conflict {\n"
    "        skip \"already in the registry: ${tool.name}\"\n"
    "      }\n"
    "    }\n"
    "    verify registry.count(db: registry) >= len(discover.found)\n"
    "  }\n"
    "\n"
    "  on failure rollback to before_migrate\n"
    "}\n";

/* ---- the harness ------------------------------------------------------- */

typedef struct result {
    mig_status_t status;
    diag_list_t diags;
    src_t *src;
    arena_t *arena;
    ast_plan_t *plan;
} result_t;

static void result_free(result_t *r)
{
    diag_list_free(&r->diags);
    arena_free(r->arena);
    src_free(r->src);
    memset(r, 0, sizeof(*r));
}

/* Parses LEN bytes and checks that the outcome is clean; the caller looks
 * at the details and frees R. */
static void parse_into(result_t *r, const char *text, size_t len)
{
    memset(r, 0, sizeof(*r));
    diag_list_init(&r->diags);
    r->src = src_from_memory("r.mig", text, len);
    r->arena = arena_new();
    assert_non_null(r->src);
    assert_non_null(r->arena);
    r->status = grammar_parse(r->src, r->arena, &r->diags, &r->plan);
    assert_false(r->diags.out_of_memory);
    if (r->status == MIG_OK) {
        assert_int_equal(r->diags.errors, 0);
        assert_non_null(r->plan);
        char *out = NULL;
        size_t n = 0;
        assert_int_equal(ast_dump(r->plan, &out, &n), MIG_OK);
        assert_int_equal(strlen(out), n);
        free(out);
    } else {
        assert_int_equal(r->status, MIG_EINVALID);
        assert_true(r->diags.errors >= 1);
    }
    assert_true(r->diags.errors <= MIG_MAX_ERRORS);
    assert_true(r->diags.len <= MIG_MAX_ERRORS + 1);
    for (size_t i = 0; i < r->diags.len; i++) {
        const diag_t *d = &r->diags.items[i];
        assert_non_null(d->message);
        assert_true(d->message[0] != '\0');
        if (!d->has_span)
            continue;
        assert_true(d->span.begin <= d->span.end);
        assert_true(d->span.end <= len);
        assert_true(d->span.line <= d->span.end_line);
    }
}

/* Parses and throws the result away: only cleanliness matters. */
static mig_status_t parse_clean(const char *text, size_t len)
{
    result_t r;
    parse_into(&r, text, len);
    mig_status_t st = r.status;
    result_free(&r);
    return st;
}

/* TEXT must fail with exactly one error, MESSAGE. */
static void one_error(const char *text, size_t len, const char *message)
{
    result_t r;
    parse_into(&r, text, len);
    assert_int_equal(r.status, MIG_EINVALID);
    if (r.diags.len != 1)
        for (size_t i = 0; i < r.diags.len; i++)
            print_error("got: %s\n", r.diags.items[i].message);
    assert_int_equal(r.diags.len, 1);
    assert_string_equal(r.diags.items[0].message, message);
    result_free(&r);
}

/* xorshift64*: the same sequence on every machine. */
static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static size_t below(size_t n)
{
    return (size_t)(rng() % n);
}

/* The first message that starts with PREFIX, or NULL. */
static const diag_t *find_diag(const result_t *r, const char *prefix)
{
    for (size_t i = 0; i < r->diags.len; i++)
        if (strncmp(r->diags.items[i].message, prefix, strlen(prefix)) == 0)
            return &r->diags.items[i];
    return NULL;
}

/* A bad byte inserted at POS of QUICKSTART is reported at POS, unless it
 * splits the first word: then the parse stops at that word, before the
 * scanner reaches the byte. */
static void check_reported_at(const result_t *r, size_t pos, const char *prefix)
{
    assert_int_equal(r->status, MIG_EINVALID);
    const diag_t *d = find_diag(r, prefix);
    if (!d) {
        assert_true(pos > 0 && pos < strlen("migration"));
        static const char want[] = "expected 'migration', found '";
        assert_int_equal(strncmp(r->diags.items[0].message, want,
                                 strlen(want)), 0);
        return;
    }
    assert_int_equal(d->span.begin, pos);
}

/* QUICKSTART with LEN bytes of INS inserted at POS, into BUF. */
static size_t splice(char *buf, size_t pos, const char *ins, size_t len)
{
    size_t n = sizeof(quickstart) - 1;
    memcpy(buf, quickstart, pos);
    memcpy(buf + pos, ins, len);
    memcpy(buf + pos + len, quickstart + pos, n - pos);
    return n + len;
}

/* ---- bad bytes everywhere ---------------------------------------------- */

static void quickstart_is_valid(void **state)
{
    (void)state;
    result_t r;
    parse_into(&r, quickstart, sizeof(quickstart) - 1);
    assert_int_equal(r.status, MIG_OK);
    assert_int_equal(r.diags.len, 0);
    assert_int_equal(ast_count(r.plan, AST_STEP), 2);
    assert_int_equal(ast_count(r.plan, AST_RECOVER), 2);
    result_free(&r);
}

static void invalid_utf8_everywhere(void **state)
{
    (void)state;
    static const struct { const char *bytes; size_t len; } bad[] = {
        { "\xFF", 1 },              /* never valid */
        { "\x80", 1 },              /* a stray continuation byte */
        { "\xC3(", 2 },             /* a lead byte without its follower */
        { "\xF0\x9F\x98", 3 },      /* a 4-byte sequence cut short */
        { "\xED\xA0\x80", 3 },      /* an encoded surrogate */
        { "\xC0\xAF", 2 },          /* an overlong '/' */
    };
    size_t n = sizeof(quickstart) - 1;
    char *buf = malloc(n + 8);
    for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
        char want[32];
        snprintf(want, sizeof(want), "invalid UTF-8 byte 0x%02x",
                 (unsigned char)bad[b].bytes[0]);
        for (size_t pos = 0; pos <= n; pos++) {
            result_t r;
            parse_into(&r, buf, splice(buf, pos, bad[b].bytes, bad[b].len));
            check_reported_at(&r, pos, want);
            result_free(&r);
        }
    }
    free(buf);
}

static void nul_bytes_everywhere(void **state)
{
    (void)state;
    size_t n = sizeof(quickstart) - 1;
    char *buf = malloc(n + 1);
    for (size_t pos = 0; pos <= n; pos++) {
        result_t r;
        parse_into(&r, buf, splice(buf, pos, "\0", 1));
        /* In string text the message says so; in code, and in ${...}, not.
         * (QUICKSTART has no quotes inside its interpolations.) */
        enum { CODE, TEXT, INTERP } where = CODE;
        for (size_t i = 0; i < pos; i++) {
            char c = quickstart[i];
            if (where != INTERP && c == '"')
                where = where == CODE ? TEXT : CODE;
            else if (where == TEXT && c == '{' && quickstart[i - 1] == '$')
                where = INTERP;
            else if (where == INTERP && c == '}')
                where = TEXT;
        }
        check_reported_at(&r, pos, where == TEXT ? "NUL byte in a string; "
                          "write \\u{0} if it is meant" : "unexpected NUL byte");
        result_free(&r);
    }
    free(buf);
}

static void every_truncation(void **state)
{
    (void)state;
    size_t n = sizeof(quickstart) - 1;
    /* Cut after the final '}' and the newline: still valid. */
    assert_int_equal(parse_clean(quickstart, n), MIG_OK);
    assert_int_equal(parse_clean(quickstart, n - 1), MIG_OK);
    for (size_t len = 0; len < n - 1; len++)
        assert_int_equal(parse_clean(quickstart, len), MIG_EINVALID);
}

static void unterminated_string_and_comment(void **state)
{
    (void)state;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "migration \"x\" {\n  let s = \"");
    for (int i = 0; i < 100000; i++)
        strbuf_puts(&b, "text } { ");
    one_error(b.data, b.len, "unterminated string");
    b.len = 0;
    strbuf_puts(&b, "migration \"x\" {\n  /* ");
    for (int i = 0; i < 100000; i++)
        strbuf_puts(&b, "* / \" ${ \n");
    one_error(b.data, b.len, "unterminated comment");
    strbuf_free(&b);
}

/* ---- 10 MB on one line ------------------------------------------------- */

static void ten_mb_string(void **state)
{
    (void)state;
    static const char head[] = "migration \"x\" { let s = \"";
    static const char tail[] = "\" }";
    size_t n = 10 * MB;
    char *text = malloc(sizeof(head) + n + sizeof(tail));
    memcpy(text, head, sizeof(head) - 1);
    memset(text + sizeof(head) - 1, 'a', n);
    memcpy(text + sizeof(head) - 1 + n, tail, sizeof(tail));
    result_t r;
    parse_into(&r, text, sizeof(head) - 1 + n + sizeof(tail) - 1);
    assert_int_equal(r.status, MIG_OK);
    const ast_node_t *s = r.plan->items.items[0]->u.binding.value;
    const char *str;
    uint32_t len;
    assert_true(ast_string_is_plain(s, &str, &len));
    assert_int_equal(len, n);
    assert_int_equal(str[0], 'a');
    assert_int_equal(str[n - 1], 'a');
    assert_int_equal(str[n], '\0');
    assert_int_equal(s->span.end_col, sizeof(head) - 1 + n + 2);
    result_free(&r);
    free(text);
}

/* A long literal of many lines, escapes and '$' must cost linear time: its
 * pieces once were merged by copying the whole text so far each time. */
static void long_multiline_string(void **state)
{
    (void)state;
    static const char head[] = "migration \"x\" { let s = \"";
    static const char line[] = "line of text \\t $ and \\$\n";
    static const char tail[] = "\" }";
    const size_t lines = 200000;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, head);
    for (size_t i = 0; i < lines; i++)
        strbuf_puts(&b, line);
    strbuf_puts(&b, tail);
    assert_false(b.oom);
    result_t r;
    parse_into(&r, b.data, b.len);
    assert_int_equal(r.status, MIG_OK);
    const ast_node_t *s = r.plan->items.items[0]->u.binding.value;
    const char *str;
    uint32_t len;
    assert_true(ast_string_is_plain(s, &str, &len));
    /* each line reads as "line of text \t $ and $\n": 23 bytes */
    assert_int_equal(len, lines * 23);
    assert_memory_equal(str, "line of text \t $ and $\nline", 27);
    /* Linear: each piece is copied by the scanner, then into a buffer
     * that grows by doubling (abandoned ones included, under 4x), never
     * the whole text again for every piece. */
    assert_true(arena_used(r.arena) < 8 * (size_t)len);
    result_free(&r);
    strbuf_free(&b);
}

/* A '}' typed for ')' on the line of its '(' reads as ')', so the block
 * around it stays open and the errors after it are still found. */
static void brace_for_paren_keeps_block(void **state)
{
    (void)state;
    static const char text[] = "migration \"x\" {\n"
                               "  let d = f(}\n"
                               "  let e = 3 +\n"
                               "  let f = 4\n"
                               "  stage s { step a = g(x} }\n"
                               "}\n";
    result_t r;
    parse_into(&r, text, sizeof(text) - 1);
    assert_int_equal(r.status, MIG_EINVALID);
    assert_int_equal(r.diags.len, 3);
    assert_string_equal(r.diags.items[0].message, "expected ')', found '}'");
    assert_int_equal(r.diags.items[0].span.line, 2);
    assert_string_equal(r.diags.items[1].message,
                        "expected an expression after '+', found 'let'");
    assert_int_equal(r.diags.items[1].span.line, 4);
    assert_string_equal(r.diags.items[2].message, "expected ')', found '}'");
    assert_int_equal(r.diags.items[2].span.line, 5);
    result_free(&r);
}

static void ten_mb_operator_chain(void **state)
{
    (void)state;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "migration \"x\" { let v = a");
    while (b.len < 10 * MB)
        strbuf_puts(&b, " + a");
    strbuf_puts(&b, " }");
    one_error(b.data, b.len,
              "nested too deeply: the expression has more than 1000 levels");
    strbuf_free(&b);
}

static void check_cap(const char *text, size_t len)
{
    result_t r;
    parse_into(&r, text, len);
    assert_int_equal(r.status, MIG_EINVALID);
    assert_int_equal(r.diags.errors, MIG_MAX_ERRORS);
    assert_int_equal(r.diags.len, MIG_MAX_ERRORS + 1);
    const diag_t *note = &r.diags.items[MIG_MAX_ERRORS];
    assert_int_equal(note->severity, DIAG_NOTE);
    assert_string_equal(note->message,
                        "too many errors (more than 50); stopping here");
    result_free(&r);
}

static void ten_mb_garbage(void **state)
{
    (void)state;
    static const char head[] = "migration \"x\" {\n";
    size_t n = 10 * MB;
    char *text = malloc(sizeof(head) + n);
    memcpy(text, head, sizeof(head) - 1);
    /* Any byte from a fixed seed, but no newline, no '#' or '/' that
     * would start a comment running to the end of the line, and no '}':
     * a stray '}' can close the plan, after which nothing is parsed. */
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < n; i++) {
        char c = (char)(rng() >> 56);
        text[sizeof(head) - 1 + i] = memchr("\n#/}", c, 4) ? ' ' : c;
    }
    check_cap(text, sizeof(head) - 1 + n);
    /* Only bytes from 0x80 up: every character an error. */
    for (size_t i = 0; i < n; i++)
        text[i] = (char)(0x80 | (rng() >> 57));
    check_cap(text, n);
    free(text);
}

/* ---- deep nesting ------------------------------------------------------ */

#define DEEP 10000

static void deep(const char *head, const char *open, const char *middle,
                 const char *close, const char *tail, const char *message)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, head);
    for (int i = 0; i < DEEP; i++)
        strbuf_puts(&b, open);
    strbuf_puts(&b, middle);
    for (int i = 0; i < DEEP; i++)
        strbuf_puts(&b, close);
    strbuf_puts(&b, tail);
    one_error(b.data, b.len, message);
    strbuf_free(&b);
}

static void deep_nesting(void **state)
{
    (void)state;
    static const char brackets[] = "nested too deeply: more than 256 levels "
                                   "of brackets, blocks and strings";
    static const char expr[] = "nested too deeply: the expression has more "
                               "than 1000 levels";
    static const char let[] = "migration \"x\" { let v = ";
    deep(let, "(", "x", ")", " }", brackets);
    deep(let, "[", "x", "]", " }", brackets);
    deep(let, "{k: ", "x", "}", " }", brackets);
    deep("migration \"x\" { stage s {\n", "if x {\n", "step a = f()\n", "}\n",
         "} }", brackets);
    deep(let, "\"${", "x", "}\"", " }", brackets);
    deep(let, "f(", "x", ")", " }", brackets);
    deep(let, "- ", "x", "", " }", expr);
    deep(let, "not ", "x", "", " }", expr);
    deep(let, "-", "x", "", " }", expr);
    /* Beyond the parser's own stack: still one message, no overflow. */
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, let);
    while (b.len < 5 * MB)
        strbuf_puts(&b, "not -");
    strbuf_puts(&b, "x }");
    one_error(b.data, b.len, "nested too deeply: the expression has too many "
              "levels of operators");
    strbuf_free(&b);
    /* Long but flat: fine. */
    strbuf_init(&b);
    strbuf_puts(&b, "migration \"x\" { let v = [");
    for (int i = 0; i < 100000; i++)
        strbuf_puts(&b, "(1), ");
    strbuf_puts(&b, "] }");
    assert_int_equal(parse_clean(b.data, b.len), MIG_OK);
    strbuf_free(&b);
}

/* ---- nothing at all ---------------------------------------------------- */

static void empty_and_comments_only(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "", "\n\n", "# only a comment", "/* a */ # b\n/* c\n */\n",
        "\xEF\xBB\xBF", " \t\r\n",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        result_t r;
        parse_into(&r, texts[i], strlen(texts[i]));
        assert_int_equal(r.status, MIG_EINVALID);
        assert_null(r.plan);
        assert_int_equal(r.diags.len, 1);
        assert_string_equal(r.diags.items[0].message,
                            "expected 'migration', found end of file");
        assert_string_equal(r.diags.items[0].hint,
                            "a plan starts with: migration \"NAME\" { ... }");
        assert_int_equal(r.diags.items[0].span.line, 1);
        assert_int_equal(r.diags.items[0].span.col, 1);
        result_free(&r);
    }
}

/* ---- random input ------------------------------------------------------ */

static void random_bytes(void **state)
{
    (void)state;
    static const char alphabet[] = "migration stage step let if else {}()[]\"${}"
                                   "#/*\\ \n:,.=+-<>!@1s5ms \xC3\xA9\x80\xFF";
    char *buf = malloc(64 * 1024);
    rng_state = 42;
    for (int i = 0; i < 400; i++) {
        size_t len = i < 10 ? (size_t)i : below(i % 4 == 0 ? 64 * 1024 : 2048);
        for (size_t k = 0; k < len; k++) {
            switch (i % 3) {
            case 0: buf[k] = (char)(rng() >> 56); break;
            case 1: buf[k] = alphabet[below(sizeof(alphabet) - 1)]; break;
            default: buf[k] = (char)(0x20 + below(0x5F)); break;
            }
        }
        /* Half of them start like a plan, to get past the first token. */
        if (i % 2 && len > 16)
            memcpy(buf, "migration \"r\" {\n", 16);
        parse_clean(buf, len);
    }
    free(buf);
}

/* The tokens of QUICKSTART, as byte ranges, from the scanner itself. */
static size_t token_ranges(uint32_t (*ranges)[2], size_t max)
{
    src_t *src = src_from_memory("q.mig", quickstart, sizeof(quickstart) - 1);
    arena_t *arena = arena_new();
    diag_list_t diags;
    diag_list_init(&diags);
    parse_ctx_t *ctx = calloc(1, sizeof(*ctx));
    ctx->src = src;
    ctx->arena = arena;
    ctx->diags = &diags;
    assert_true(lex_begin(ctx));
    size_t n = 0;
    MIG_YYSTYPE val;
    MIG_YYLTYPE loc;
    while (lex_scan(&val, &loc, ctx->scanner) != MIG_YYEOF) {
        assert_true(n < max);
        ranges[n][0] = loc.begin;
        ranges[n][1] = loc.end;
        n++;
    }
    lex_end(ctx);
    assert_int_equal(diags.len, 0);
    free(ctx);
    diag_list_free(&diags);
    arena_free(arena);
    src_free(src);
    return n;
}

/* Appends token I of QUICKSTART and a space. */
static void put_tok(strbuf_t *b, uint32_t (*r)[2], size_t i)
{
    strbuf_put(b, quickstart + r[i][0], r[i][1] - r[i][0]);
    strbuf_putc(b, ' ');
}

static void mutated_plans(void **state)
{
    (void)state;
    static uint32_t r[1024][2];
    size_t n = token_ranges(r, 1024);
    assert_true(n > 150);
    strbuf_t b;
    strbuf_init(&b);
    /* The tokens alone, joined by spaces, still make the plan. */
    for (size_t i = 0; i < n; i++)
        put_tok(&b, r, i);
    assert_int_equal(parse_clean(b.data, b.len), MIG_OK);
    size_t invalid = 0;
    /* Each token deleted, then each duplicated. */
    for (int mode = 0; mode < 2; mode++) {
        for (size_t del = 0; del < n; del++) {
            b.len = 0;
            for (size_t i = 0; i < n; i++) {
                if (i == del && mode == 0)
                    continue;
                put_tok(&b, r, i);
                if (i == del)
                    put_tok(&b, r, i);
            }
            invalid += parse_clean(b.data, b.len) == MIG_EINVALID;
        }
    }
    /* Random swaps, deletions and duplications, several at once. */
    rng_state = 7;
    size_t *order = malloc(sizeof(*order) * n * 2);
    for (int m = 0; m < 2000; m++) {
        size_t len = n;
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        for (int k = 0; k <= m % 4; k++) {
            size_t i = below(len), j = below(len);
            switch (below(3)) {
            case 0: {
                size_t t = order[i];
                order[i] = order[j];
                order[j] = t;
                break;
            }
            case 1:
                memmove(order + i, order + i + 1, (len - i - 1) * sizeof(*order));
                len--;
                break;
            default:
                memmove(order + i + 1, order + i, (len - i) * sizeof(*order));
                len++;
            }
        }
        b.len = 0;
        for (size_t i = 0; i < len; i++)
            put_tok(&b, r, order[i]);
        invalid += parse_clean(b.data, b.len) == MIG_EINVALID;
    }
    /* Most mutants are wrong, and every one of them said so cleanly. */
    assert_true(invalid > 2 * n);
    free(order);
    strbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quickstart_is_valid),
        cmocka_unit_test(invalid_utf8_everywhere),
        cmocka_unit_test(nul_bytes_everywhere),
        cmocka_unit_test(every_truncation),
        cmocka_unit_test(unterminated_string_and_comment),
        cmocka_unit_test(ten_mb_string),
        cmocka_unit_test(long_multiline_string),
        cmocka_unit_test(brace_for_paren_keeps_block),
        cmocka_unit_test(ten_mb_operator_chain),
        cmocka_unit_test(ten_mb_garbage),
        cmocka_unit_test(deep_nesting),
        cmocka_unit_test(empty_and_comments_only),
        cmocka_unit_test(random_bytes),
        cmocka_unit_test(mutated_plans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
