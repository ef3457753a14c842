/* test_value_yaml.c: YAML to values and back (interpreter/value_yaml.c,
 * value_yaml_emit.c): the core schema, tags, anchors and aliases, merge
 * keys, the alias bound, duplicate keys, depth, documents, and exact
 * messages at exact places (file:line:col-line:col, in characters). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpreter_int.h"

#define S(lit) lit, sizeof(lit) - 1

static char rendered[8192];

static const char *render(const diag_list_t *d)
{
    static const char *const sev[] = { "error", "warning", "note" };
    size_t n = 0;
    rendered[0] = '\0';
    for (size_t i = 0; i < d->len && n < sizeof(rendered) - 512; i++) {
        const diag_t *x = &d->items[i];
        n += (size_t)snprintf(rendered + n, sizeof(rendered) - n,
                              "%s:%u:%u-%u:%u: %s: %s\n",
                              x->src ? x->src->name : "-", x->span.line,
                              x->span.col, x->span.end_line, x->span.end_col,
                              sev[x->severity], x->message);
        if (x->hint)
            n += (size_t)snprintf(rendered + n, sizeof(rendered) - n,
                                  "hint: %s\n", x->hint);
    }
    return rendered;
}

static mig_status_t read_yaml_as(const char *text, size_t len, bool stream,
                                 val_t **out)
{
    src_t *src = src_from_memory("t.yaml", text, len);
    assert_non_null(src);
    diag_list_t d;
    diag_list_init(&d);
    *out = NULL;
    mig_status_t st = stream ? val_from_yaml_stream(src, &d, out)
                             : val_from_yaml(src, &d, out);
    render(&d);
    diag_list_free(&d);
    src_free(src);
    return st;
}

static mig_status_t read_yaml(const char *text, size_t len, val_t **out)
{
    return read_yaml_as(text, len, false, out);
}

static const char *yaml_error(const char *text, size_t len)
{
    val_t *v;
    assert_int_equal(read_yaml(text, len, &v), MIG_EINVALID);
    assert_null(v);
    return rendered;
}

static const char *fmt(const val_t *v)
{
    static char out[8192];
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_format(v, &b), MIG_OK);
    snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
    strbuf_free(&b);
    return out;
}

static void expect_read(const char *text, size_t len, const char *want)
{
    val_t *v;
    assert_int_equal(read_yaml(text, len, &v), MIG_OK);
    assert_string_equal(rendered, "");
    assert_string_equal(fmt(v), want);
    val_unref(v);
}

static const char *to_yaml(const val_t *v)
{
    static char out[8192];
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_to_yaml(v, &b), MIG_OK);
    snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
    strbuf_free(&b);
    return out;
}

/* ---- scalars ----------------------------------------------------------- */

static void core_schema(void **state)
{
    (void)state;
    static const struct { const char *plain, *value; } cases[] = {
        { "~", "null" }, { "null", "null" }, { "Null", "null" }, { "NULL", "null" },
        { "true", "true" }, { "True", "true" }, { "TRUE", "true" },
        { "false", "false" }, { "False", "false" }, { "FALSE", "false" },
        { "0", "0" }, { "-0", "0" }, { "+12", "12" }, { "007", "7" },
        { "0x1F", "31" }, { "0xff", "255" }, { "0o17", "15" },
        { "1.5", "1.5" }, { ".5", "0.5" }, { "-.5", "-0.5" }, { "1.", "1.0" },
        { "1e3", "1000.0" }, { "-1.5E-3", "-0.0015" }, { "+1.0", "1.0" },
        { "-0.0", "-0.0" },
        /* YAML 1.1 forms are strings under the 1.2 core schema. */
        { "yes", "\"yes\"" }, { "No", "\"No\"" }, { "on", "\"on\"" },
        { "off", "\"off\"" }, { "y", "\"y\"" }, { "1_000", "\"1_000\"" },
        { "0b101", "\"0b101\"" }, { "12:30", "\"12:30\"" },
        { "0x", "\"0x\"" }, { "0o8", "\"0o8\"" }, { "-0x1", "\"-0x1\"" },
        { "1e", "\"1e\"" }, { ".", "\".\"" }, { "1.2.3", "\"1.2.3\"" },
        { "nan", "\"nan\"" }, { "inf", "\"inf\"" }, { "tRUE", "\"tRUE\"" },
        { "1m30s", "\"1m30s\"" }, { "hello world", "\"hello world\"" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[64], want[64];
        snprintf(text, sizeof(text), "k: %s\n", cases[i].plain);
        snprintf(want, sizeof(want), "{\"k\": %s}", cases[i].value);
        expect_read(text, strlen(text), want);
    }
    /* Empty values are null; quoted and block scalars are strings. */
    expect_read(S("a:\nb: ''\nc: \"1\"\nd: 'true'\ne: |\n  x\n  y\nf: >-\n  x\n  y\n"),
                "{\"a\": null, \"b\": \"\", \"c\": \"1\", \"d\": \"true\", "
                "\"e\": \"x\\ny\\n\", \"f\": \"x y\"}");
    /* Integer-ness follows the schema. */
    val_t *v;
    assert_int_equal(read_yaml(S("[1, 1.0, 0x10]"), &v), MIG_OK);
    assert_true(val_is_int(val_list_get(v, 0)));
    assert_false(val_is_int(val_list_get(v, 1)));
    assert_true(val_is_int(val_list_get(v, 2)));
    val_unref(v);
}

static void numbers_out_of_reach(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } errors[] = {
        { "a: .nan\n", "t.yaml:1:4-1:8: error: '.nan' is not a number: NaN and "
                       "Infinity cannot be values\n" },
        { "a: [.NaN, -.inf]\n", "t.yaml:1:5-1:9: error: '.NaN' is not a number: "
                                "NaN and Infinity cannot be values\n" },
        { "- +.INF\n", "t.yaml:1:3-1:8: error: '+.INF' is not a number: NaN and "
                       "Infinity cannot be values\n" },
        { "a: 1e400\n", "t.yaml:1:4-1:9: error: number '1e400' is too large\n"
                        "hint: numbers are doubles: at most about 1.8e308\n" },
    };
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
        assert_string_equal(yaml_error(errors[i].in, strlen(errors[i].in)),
                            errors[i].out);
    val_t *v;
    assert_int_equal(read_yaml(S("big: 9007199254740993\nhex: 0x20000000000000\n"
                                 "exact: 18446744073709551616\n"), &v), MIG_OK);
    assert_string_equal(rendered,
        "t.yaml:1:6-1:22: warning: integer 9007199254740993 cannot be held "
        "exactly: it is read as 9007199254740992.0\n"
        "hint: integers are exact up to 2^53 (9007199254740992); keep longer "
        "ones in strings\n");
    assert_string_equal(fmt(v), "{\"big\": 9007199254740992.0, \"hex\": "
                                "9007199254740992, \"exact\": 1.8446744073709552e+19}");
    val_unref(v);
}

static void strings_and_escapes(void **state)
{
    (void)state;
    val_t *v;
    assert_int_equal(read_yaml(S("- \"a\\0b\"\n- \"\\u00e9\\U0001F600\"\n- caf\xC3\xA9\n"), &v),
                     MIG_OK);
    size_t len;
    const char *s = val_get_str(val_list_get(v, 0), &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "a\0b", 3);
    s = val_get_str(val_list_get(v, 1), &len);
    assert_int_equal(len, 6);
    assert_memory_equal(s, "\xC3\xA9\xF0\x9F\x98\x80", 6);
    s = val_get_str(val_list_get(v, 2), &len);
    assert_memory_equal(s, "caf\xC3\xA9", 5);
    val_unref(v);
    assert_string_equal(yaml_error(S("a: \"x\\uD800\"\n")),
        "t.yaml:1:8-1:9: error: found invalid Unicode character escape code "
        "(while parsing a quoted scalar at 1:4)\n");
    assert_string_equal(yaml_error(S("a: \xC3\xA9\xFF\n")),
        "t.yaml:1:5-1:6: error: invalid UTF-8 byte 0xff\n");
    assert_string_equal(yaml_error(S("a: b\x01\n")),
        "t.yaml:1:5-1:6: error: control character U+0001 is not allowed in YAML\n");
}

/* ---- tags -------------------------------------------------------------- */

static void tags(void **state)
{
    (void)state;
    expect_read(S("a: !!str 12\nb: !!int \"12\"\nc: !!int 0x10\nd: !!float 1\n"
                  "e: !!float '1.5'\nf: !!bool true\ng: !!null\nh: !!null ~\n"
                  "i: !!map {x: 1}\nj: !!seq [1]\nk: ! 12\n"
                  "l: !<tag:yaml.org,2002:str> true\n"),
                "{\"a\": \"12\", \"b\": 12, \"c\": 16, \"d\": 1.0, \"e\": 1.5, "
                "\"f\": true, \"g\": null, \"h\": null, \"i\": {\"x\": 1}, "
                "\"j\": [1], \"k\": \"12\", \"l\": \"true\"}");
    static const char core_hint[] = "hint: mig reads the YAML core schema tags: "
                                    "!!str !!int !!float !!bool !!null !!map !!seq\n";
    static const struct { const char *in, *msg; bool hint; } errors[] = {
        { "x: !Ref foo\n", "t.yaml:1:4-1:12: error: unsupported tag '!Ref'\n", true },
        { "x: !!binary aGk=\n", "t.yaml:1:4-1:17: error: unsupported tag '!!binary'\n", true },
        { "x: !!set {a}\n", "t.yaml:1:4-1:11: error: unsupported tag '!!set'\n", true },
        { "%TAG !e! tag:example.com,2000:\n---\nx: !e!foo 1\n",
          "t.yaml:3:4-3:12: error: unsupported tag 'tag:example.com,2000:foo'\n", true },
        { "x: !!int 1.5\n", "t.yaml:1:4-1:13: error: '1.5' is not an integer (tag !!int)\n", false },
        { "x: !!float abc\n", "t.yaml:1:4-1:15: error: 'abc' is not a float (tag !!float)\n", false },
        { "x: !!bool yes\n", "t.yaml:1:4-1:14: error: 'yes' is not a bool (tag !!bool)\n", false },
        { "x: !!null 0\n", "t.yaml:1:4-1:12: error: '0' is not null (tag !!null)\n", false },
        { "x: !!map 1\n", "t.yaml:1:4-1:11: error: tag !!map does not apply to a scalar\n", false },
        { "x: !!str [1]\n", "t.yaml:1:4-1:11: error: tag !!str does not apply to a list\n", false },
        { "x: !!seq {a: 1}\n", "t.yaml:1:4-1:11: error: tag !!seq does not apply to a map\n", false },
        { "x: !!float .inf\n", "t.yaml:1:4-1:16: error: '.inf' is not a number: NaN and "
                               "Infinity cannot be values\n", false },
    };
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        char want[512];
        snprintf(want, sizeof(want), "%s%s", errors[i].msg,
                 errors[i].hint ? core_hint : "");
        assert_string_equal(yaml_error(errors[i].in, strlen(errors[i].in)), want);
    }
}

/* ---- anchors, aliases, merge keys -------------------------------------- */

static void anchors_and_aliases(void **state)
{
    (void)state;
    val_t *v;
    assert_int_equal(read_yaml(S("base: &b {x: [1, 2]}\nuse: *b\nlist: [*b, *b]\n"), &v),
                     MIG_OK);
    /* An alias shares the anchored value: the same object, three places. */
    val_t *base = val_map_get(v, "base", 4);
    assert_ptr_equal(val_map_get(v, "use", 3), base);
    assert_ptr_equal(val_list_get(val_map_get(v, "list", 4), 1), base);
    assert_int_equal(val_refcount(base), 4);
    assert_string_equal(fmt(v), "{\"base\": {\"x\": [1, 2]}, \"use\": {\"x\": [1, 2]}, "
                                "\"list\": [{\"x\": [1, 2]}, {\"x\": [1, 2]}]}");
    val_unref(v);

    /* A later anchor of the same name wins, also one defined inside. */
    expect_read(S("a: &x 1\nb: &x 2\nc: *x\n"), "{\"a\": 1, \"b\": 2, \"c\": 2}");
    expect_read(S("- &a [&a 1, *a]\n- *a\n"), "[[1, 1], 1]");
    /* Aliases as keys: a scalar's text; anchors on keys. */
    expect_read(S("x: &v 1\n*v : 2\n&k name: 3\nref: *k\n"),
                "{\"x\": 1, \"1\": 2, \"name\": 3, \"ref\": \"name\"}");

    assert_string_equal(yaml_error(S("a: *nope\n")),
        "t.yaml:1:4-1:9: error: alias *nope refers to no anchor\n"
        "hint: an anchor &nope must come before its aliases\n");
    assert_string_equal(yaml_error(S("a: &r\n  b: *r\n")),
        "t.yaml:2:6-2:8: error: alias *r refers to a node that contains it\n"
        "hint: recursive structures cannot be values\n");
    assert_string_equal(yaml_error(S("a: &l [1]\n*l : 2\n")),
        "t.yaml:2:1-2:3: error: a map key must be a scalar, not a list\n"
        "hint: mig maps have string keys\n");
    assert_string_equal(yaml_error(S("? [a]\n: 1\n")),
        "t.yaml:1:3-1:4: error: a map key must be a scalar, not a list\n"
        "hint: mig maps have string keys\n");
    assert_string_equal(yaml_error(S("? {a: 1}\n: 1\n")),
        "t.yaml:1:3-1:4: error: a map key must be a scalar, not a map\n"
        "hint: mig maps have string keys\n");
}

static void merge_keys(void **state)
{
    (void)state;
    /* Merged keys take the place of '<<'; explicit keys win wherever they
     * stand, keeping their first place. */
    expect_read(S("base: &base {timeout: 10s, retries: 3}\n"
                  "tool:\n  name: x\n  <<: *base\n  retries: 5\n"),
                "{\"base\": {\"timeout\": \"10s\", \"retries\": 3}, "
                "\"tool\": {\"name\": \"x\", \"timeout\": \"10s\", \"retries\": 5}}");
    expect_read(S("a: &a {x: 1}\nc:\n  x: 0\n  <<: *a\n"),
                "{\"a\": {\"x\": 1}, \"c\": {\"x\": 0}}");
    /* A list merges in order; the earlier map wins. */
    expect_read(S("a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n"),
                "{\"a\": {\"x\": 1}, \"b\": {\"x\": 2, \"y\": 2}, "
                "\"c\": {\"x\": 1, \"y\": 2, \"z\": 3}}");
    /* An inline map merges too; a quoted '<<' is an ordinary key. */
    expect_read(S("m:\n  <<: {p: 1}\n  q: 2\nn: {'<<': 1}\n"),
                "{\"m\": {\"p\": 1, \"q\": 2}, \"n\": {\"<<\": 1}}");
    /* The merged map itself is unchanged (values are shared, not copied). */
    val_t *v;
    assert_int_equal(read_yaml(S("a: &a {x: [1]}\nb:\n  <<: *a\n  y: 2\n"), &v), MIG_OK);
    assert_ptr_equal(val_map_get(val_map_get(v, "b", 1), "x", 1),
                     val_map_get(val_map_get(v, "a", 1), "x", 1));
    assert_int_equal(val_len(val_map_get(v, "a", 1)), 1);
    val_unref(v);

    static const char hint[] = "hint: write '<<': *anchor, or quote it to use "
                               "'<<' as an ordinary key\n";
    static const struct { const char *in, *msg; } errors[] = {
        { "a: &a [1]\nc:\n  <<: *a\n",
          "t.yaml:3:7-3:9: error: '<<' merges a map or a list of maps, not a "
          "list holding a number\n" },
        { "c:\n  <<: text\n",
          "t.yaml:2:7-2:11: error: '<<' merges a map or a list of maps, not a "
          "string\n" },
    };
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        char want[512];
        snprintf(want, sizeof(want), "%s%s", errors[i].msg, hint);
        assert_string_equal(yaml_error(errors[i].in, strlen(errors[i].in)), want);
    }
    assert_string_equal(yaml_error(S("a: &a {x: 1}\nc:\n  <<: *a\n  <<: *a\n")),
        "t.yaml:4:3-4:5: error: duplicate key \"<<\" (first at 3:3)\n"
        "t.yaml:3:3-3:5: note: the first \"<<\" is here\n");
}

static void billion_laughs(void **state)
{
    (void)state;
    static const char doc[] =
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    /* a..f stand for 90 + 819 + 7380 + 66429 + 597870 = 672588 nodes; the
     * first *f in g passes the bound. */
    assert_string_equal(yaml_error(S(doc)),
        "t.yaml:7:8-7:10: error: aliases in this document stand for more than "
        "1000000 nodes\n"
        "hint: each alias counts as the size of its anchored node; this bound "
        "stops 'billion laughs' documents\n");
    /* Up to e is fine: every alias shares, nothing is copied. */
    val_t *v;
    assert_int_equal(read_yaml(doc, (size_t)(strstr(doc, "f:") - doc), &v), MIG_OK);
    assert_int_equal(val_len(val_map_get(v, "e", 1)), 9);
    val_unref(v);
}

/* ---- structure --------------------------------------------------------- */

static void duplicate_keys(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        { "a: 1\nb: 2\na: 3\n",
          "t.yaml:3:1-3:2: error: duplicate key \"a\" (first at 1:1)\n"
          "t.yaml:1:1-1:2: note: the first \"a\" is here\n" },
        { "{x: 1, \"x\": 2}",
          "t.yaml:1:8-1:11: error: duplicate key \"x\" (first at 1:2)\n"
          "t.yaml:1:2-1:3: note: the first \"x\" is here\n" },
        { "outer:\n  é: 1\n  'é': 2\n",
          "t.yaml:3:3-3:6: error: duplicate key \"é\" (first at 2:3)\n"
          "t.yaml:2:3-2:4: note: the first \"é\" is here\n" },
        { "\xEF\xBB\xBFk: 1\nk: 2\n",
          "t.yaml:2:1-2:2: error: duplicate key \"k\" (first at 1:1)\n"
          "t.yaml:1:1-1:2: note: the first \"k\" is here\n" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(yaml_error(cases[i].in, strlen(cases[i].in)), cases[i].out);
    /* Keys are text as written: 1 and 01 are different keys. */
    expect_read(S("1: a\n01: b\n"), "{\"1\": \"a\", \"01\": \"b\"}");
}

/* ---- the lenient mode (the legacy readers' only) ------------------------ */

/* Reads TEXT leniently: its documents, formatted, and the messages. */
static const char *lenient(const char *text, const char **msgs)
{
    src_t *src = src_from_memory("t.yaml", text, strlen(text));
    assert_non_null(src);
    diag_list_t d;
    diag_list_init(&d);
    val_t *v = NULL;
    mig_status_t st = val_from_yaml_lenient(src, &d, &v);
    *msgs = render(&d);
    diag_list_free(&d);
    src_free(src);
    if (st != MIG_OK)
        return NULL;
    const char *out = fmt(v);
    val_unref(v);
    return out;
}

static void lenient_mode(void **state)
{
    (void)state;
    const char *msgs, *out;
    /* Unknown tags kept as tagged values, on scalars, lists and maps. */
    out = lenient("a: !!python/tuple [1, 2]\nb: !Ref x\nc: !obj {k: 1}\n", &msgs);
    assert_string_equal(out, "[{\"a\": {\"$tag\": \"!!python/tuple\", \"$value\": "
                        "[1, 2]}, \"b\": {\"$tag\": \"!Ref\", \"$value\": \"x\"}, "
                        "\"c\": {\"$tag\": \"!obj\", \"$value\": {\"k\": 1}}}]");
    assert_string_equal(msgs,
        "t.yaml:1:4-1:20: warning: unknown tag '!!python/tuple' kept as a tagged value\n"
        "t.yaml:2:4-2:10: warning: unknown tag '!Ref' kept as a tagged value\n"
        "t.yaml:3:4-3:10: warning: unknown tag '!obj' kept as a tagged value\n");
    /* YAML 1.1 numbers: one '_' between two digits; not at the ends, not
     * doubled, not in quoted scalars. */
    out = lenient("a: 250_000\nb: 1_000.5\nc: _1\nd: 1_\ne: '2_0'\nf: 1__0\n"
                  "g: a_1\n", &msgs);
    assert_string_equal(out, "[{\"a\": 250000, \"b\": 1000.5, \"c\": \"_1\", "
                        "\"d\": \"1_\", \"e\": \"2_0\", \"f\": \"1__0\", \"g\": \"a_1\"}]");
    assert_string_equal(msgs,
        "t.yaml:1:4-1:11: warning: '250_000' read as the number 250000, as YAML 1.1 reads it\n"
        "t.yaml:2:4-2:11: warning: '1_000.5' read as the number 1000.5, as YAML 1.1 reads it\n");
    /* Duplicate keys: the last value wins. */
    out = lenient("a: 1\nb: 2\na: 3\n", &msgs);
    assert_string_equal(out, "[{\"a\": 3, \"b\": 2}]");
    assert_string_equal(msgs, "t.yaml:3:1-3:2: warning: duplicate key \"a\" (first "
                        "at 1:1): the last value is kept\n");
    /* Every document; other errors stay errors. */
    assert_string_equal(lenient("a: 1\n---\nb: 2\n", &msgs),
                        "[{\"a\": 1}, {\"b\": 2}]");
    assert_null(lenient("a: [1\n", &msgs));
    assert_null(lenient("x: !!int abc\n", &msgs));
    /* The strict reader still refuses all three. */
    assert_non_null(strstr(yaml_error(S("a: !!python/tuple [1]\n")),
                           "unsupported tag '!!python/tuple'"));
    expect_read(S("a: 250_000\n"), "{\"a\": \"250_000\"}");
    assert_non_null(strstr(yaml_error(S("a: 1\na: 2\n")), "duplicate key"));
}

static void malformed_input(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        { "a: b: c\n", "t.yaml:1:5-1:6: error: mapping values are not allowed "
                       "in this context\n" },
        { "a:\n  b: 1\n c: 2\n", "t.yaml:3:2-3:3: error: did not find expected "
                                 "key (while parsing a block mapping at 1:1)\n" },
        { "x: 1\ny: [1, 2\n", "t.yaml:3:1-3:1: error: did not find expected ',' "
                              "or ']' (while parsing a flow sequence at 2:4)\n" },
        { "\tb: 1\n", "t.yaml:1:1-1:2: error: found character that cannot start "
                      "any token\nhint: YAML indents with spaces, not tabs\n" },
        { "'open\n", "t.yaml:2:1-2:1: error: found unexpected end of stream "
                     "(while scanning a quoted scalar at 1:1)\n" },
        { "a: 1\n---\nb: 2\n", "t.yaml:2:1-2:4: error: expected one YAML "
                               "document, found a second one\n"
                               "hint: '---' starts a new document\n" },
        { "\xFF\xFE" "a\0:\0", "t.yaml:1:1-1:3: error: YAML text must be UTF-8; "
                               "this looks like UTF-16\n" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = strlen(cases[i].in);
        if (cases[i].in[0] == '\xFF')
            n = 6;
        assert_string_equal(yaml_error(cases[i].in, n), cases[i].out);
    }
}

/* N nested flow lists: "[[...]]". */
static char *flow_nest(size_t n)
{
    char *s = malloc(2 * n + 1);
    memset(s, '[', n);
    memset(s + n, ']', n);
    s[2 * n] = '\0';
    return s;
}

static void deep_nesting(void **state)
{
    (void)state;
    val_t *v;
    char *s = flow_nest(VAL_MAX_DEPTH);
    assert_int_equal(read_yaml(s, strlen(s), &v), MIG_OK);
    assert_int_equal(val_depth(v), VAL_MAX_DEPTH);
    val_unref(v);
    free(s);
    s = flow_nest(VAL_MAX_DEPTH + 1);
    assert_string_equal(yaml_error(s, strlen(s)),
        "t.yaml:1:1001-1:1002: error: nested too deeply: more than 1000 levels "
        "of lists and maps\n");
    free(s);
    /* A stream's list of documents is one level itself. */
    s = flow_nest(VAL_MAX_DEPTH);
    assert_int_equal(read_yaml_as(s, strlen(s), true, &v), MIG_EINVALID);
    assert_string_equal(rendered, "t.yaml:1:1000-1:1001: error: nested too "
                        "deeply: more than 999 levels of lists and maps\n");
    free(s);
    /* Block style: "- - - ... x". */
    s = malloc(2 * (VAL_MAX_DEPTH + 1) + 2);
    for (size_t i = 0; i <= VAL_MAX_DEPTH; i++)
        memcpy(s + 2 * i, "- ", 2);
    strcpy(s + 2 * (VAL_MAX_DEPTH + 1), "x");
    assert_string_equal(yaml_error(s, strlen(s)),
        "t.yaml:1:2001-1:2001: error: nested too deeply: more than 1000 levels "
        "of lists and maps\n");
    free(s);
    /* Aliases can stack values deeper than the text nests: the list that
     * would pass the bound is the one reported. */
    char *deep = flow_nest(600);
    size_t n = strlen(deep) + 2 * 600 + 64;
    s = malloc(n);
    char *open = malloc(601), *close = malloc(601);
    memset(open, '[', 600);
    open[600] = '\0';
    memset(close, ']', 600);
    close[600] = '\0';
    snprintf(s, n, "a: &d %s\nb: %s*d%s\n", deep, open, close);
    assert_string_equal(yaml_error(s, strlen(s)),
        "t.yaml:2:204-2:205: error: nested too deeply: more than 1000 levels "
        "of lists and maps\n"
        "hint: an alias brings the nesting of the node it refers to\n");
    free(open);
    free(close);
    free(deep);
    free(s);
}

static void documents(void **state)
{
    (void)state;
    expect_read(S(""), "null");
    expect_read(S("# only a comment\n"), "null");
    expect_read(S("---\n"), "null");
    expect_read(S("--- 5\n...\n"), "5");
    expect_read(S("\xEF\xBB\xBF" "a: [x]\n"), "{\"a\": [\"x\"]}");
    val_t *v;
    assert_int_equal(read_yaml_as(S("a: 1\n---\n- 2\n---\n"), true, &v), MIG_OK);
    assert_string_equal(fmt(v), "[{\"a\": 1}, [2], null]");
    val_unref(v);
    assert_int_equal(read_yaml_as(S(""), true, &v), MIG_OK);
    assert_string_equal(fmt(v), "[]");
    val_unref(v);
    /* Anchors belong to their document. */
    assert_int_equal(read_yaml_as(S("a: &x 1\n---\nb: *x\n"), true, &v), MIG_EINVALID);
    assert_null(v);
    assert_string_equal(rendered,
        "t.yaml:3:4-3:6: error: alias *x refers to no anchor\n"
        "hint: an anchor &x must come before its aliases\n");
}

/* ---- writing and round trips ------------------------------------------- */

static void writer_output(void **state)
{
    (void)state;
    val_t *v;
    assert_int_equal(read_yaml(S("name: tool\ncount: 3\nratio: 0.5\nwhole: 2.0\n"
                                 "on: false\nnothing: null\n"
                                 "tags: [a, 'yes', '123', '', ' pad', '1.5', '<<']\n"
                                 "empty: []\nnone: {}\n"
                                 "text: \"line1\\nline2\\n\"\n"
                                 "nested:\n  deeper:\n    - k: v\n"), &v),
                     MIG_OK);
    val_map_set_take(v, "wait", 4, val_duration(90500));
    assert_string_equal(to_yaml(v),
        "name: tool\n"
        "count: 3\n"
        "ratio: 0.5\n"
        "whole: 2.0\n"
        "'on': false\n"
        "nothing: null\n"
        "tags:\n"
        "- a\n"
        "- 'yes'\n"
        "- '123'\n"
        "- ''\n"
        "- ' pad'\n"
        "- '1.5'\n"
        "- '<<'\n"
        "empty: []\n"
        "none: {}\n"
        "text: |\n"
        "  line1\n"
        "  line2\n"
        "nested:\n"
        "  deeper:\n"
        "  - k: v\n"
        "wait: 1m30s500ms\n");
    val_unref(v);
    val_t *s = val_cstring("top");
    assert_string_equal(to_yaml(s), "top\n");
    val_unref(s);
    assert_string_equal(to_yaml(val_null()), "null\n");
}

/* Value -> YAML -> value, and value -> JSON -> value, for strings that
 * look like something else or need care. */
static void string_round_trips(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "", " ", "  lead", "trail ", "- x", "-", "a: b", "#x", "x #y", "null",
        "~", "Null", "1.0", "0x10", "0o17", "+1", ".5", "1e3", "<<", "yes",
        "on", "1:20", "127.0.0.1", "@foo", "`x", "%x", "!x", "&x", "*x", "|",
        ">", "?x", "? x", "--- x", "---", "...", "a\r\nb", "line1\nline2",
        "line1\nline2\n", "line1\n\n\n", "\nlead", "trail  \nx", "x\n  in",
        "\t", "a\tb", "é", "\xE2\x80\xA8", "\xF0\x9F\x98\x80", "'q'", "\"dq\"",
        "back\\slash", "[x]", "{x}", "x,y", "a:b", "http://x/y", ".inf",
        ".nan", "True", "0", "-0", "007", "1_000", "0b101", "=", "\xC2\x85",
        "\xEF\xBB\xBF", "x\xC2\xA0", "1m30s", "\x7f", "\x1b[0m",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) + 1; i++) {
        const char *s = i < sizeof(cases) / sizeof(cases[0]) ? cases[i] : "a\0b";
        size_t n = i < sizeof(cases) / sizeof(cases[0]) ? strlen(s) : 3;
        /* As a key, as a value in a map, and as a list item. */
        val_t *m = val_map_new(0);
        val_map_set_take(m, s, n, val_string(s, n));
        val_t *l = val_list_new(0);
        val_list_push_take(l, m);
        val_list_push_take(l, val_string(s, n));
        strbuf_t b;
        strbuf_init(&b);
        assert_int_equal(val_to_yaml(l, &b), MIG_OK);
        val_t *back;
        assert_int_equal(read_yaml(b.data, b.len, &back), MIG_OK);
        assert_true(val_equal(back, l));
        val_unref(back);
        strbuf_free(&b);
        val_unref(l);
    }
}

static void yaml_round_trips(void **state)
{
    (void)state;
    /* Canonical YAML comes back unchanged. */
    static const char *const texts[] = {
        "a: 1\nb:\n- x\n- 2.5\n- null\n- true\nc:\n  d: {}\n  e: []\n",
        "- -0.0\n- 1e+300\n- 9007199254740992\n- 'true'\n- \"a\\0b\"\n",
        "k: |-\n  two\n  lines\n",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        val_t *v;
        assert_int_equal(read_yaml(texts[i], strlen(texts[i]), &v), MIG_OK);
        assert_string_equal(to_yaml(v), texts[i]);
        val_unref(v);
    }
    /* Aliases come out expanded; the value is the same. */
    val_t *v, *back;
    assert_int_equal(read_yaml(S("a: &x [1, {b: c}]\nd: *x\n"), &v), MIG_OK);
    const char *out = to_yaml(v);
    assert_string_equal(out, "a:\n- 1\n- b: c\nd:\n- 1\n- b: c\n");
    assert_int_equal(read_yaml(out, strlen(out), &back), MIG_OK);
    assert_true(val_equal(v, back));
    val_unref(back);
    val_unref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(core_schema),
        cmocka_unit_test(numbers_out_of_reach),
        cmocka_unit_test(strings_and_escapes),
        cmocka_unit_test(tags),
        cmocka_unit_test(anchors_and_aliases),
        cmocka_unit_test(merge_keys),
        cmocka_unit_test(billion_laughs),
        cmocka_unit_test(duplicate_keys),
        cmocka_unit_test(lenient_mode),
        cmocka_unit_test(malformed_input),
        cmocka_unit_test(deep_nesting),
        cmocka_unit_test(documents),
        cmocka_unit_test(writer_output),
        cmocka_unit_test(string_round_trips),
        cmocka_unit_test(yaml_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
