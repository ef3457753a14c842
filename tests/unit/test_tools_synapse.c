/* test_tools_synapse.c: the Synapse reader (reader_synapse.c) on the two
 * versions docs/legacy-formats.md defines (the example agent files in
 * tests/data/legacy/synapse), and on malformed input (truncated, wrong
 * types, empty, binary, BOM, CRLF, an unknown version, bad arguments). */
#include "tools_fixture.h"

#define DATA "tests/data/legacy/synapse/"

static void version_1(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "billing.v1.yaml", "synapse", 3, 0);
    assert_string_equal(str(r, "version"), "1");
    assert_int_equal(n_of(r, "problems"), 0);
    val_t *t = item(r, "tools", 1);
    assert_string_equal(str(t, "name"), "refund");
    assert_string_equal(json(get(t, "parameters")),
        "{\"type\":\"object\",\"properties\":{\"invoice_id\":{\"type\":\"string\"},"
        "\"amount\":{\"type\":\"number\"},\"reason\":{\"type\":\"string\","
        "\"default\":\"customer request\"}},\"required\":[\"invoice_id\",\"amount\"],"
        "\"additionalProperties\":false}");
    assert_string_equal(json(get(t, "endpoint")),
        "{\"transport\":\"http\",\"url\":\"http://billing.internal:8300/billing/"
        "refund\",\"method\":\"POST\"}");
    assert_string_equal(json(get(t, "auth")),
                        "{\"type\":\"bearer\",\"ref\":\"env:BILLING_TOKEN\"}");
    assert_string_equal(json(get(t, "config")),
        "{\"agent\":\"billing\",\"calling\":\"positional\",\"order\":"
        "[\"invoice_id\",\"amount\",\"reason\"]}");
    assert_string_equal(str(get(t, "provenance"), "pointer"), "/tools/1");
    t = item(r, "tools", 2);
    assert_string_equal(json(get(t, "output")),
                        "{\"type\":\"array\",\"items\":{\"type\":\"object\"}}");
    assert_string_equal(json(get(get(get(t, "parameters"), "properties"), "days")),
                        "{\"type\":\"integer\",\"default\":30}");
    val_unref(r);
}

static void version_2(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "billing.v2.yaml", "synapse", 3, 0);
    assert_string_equal(str(r, "version"), "2");
    assert_int_equal(n_of(r, "problems"), 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "lookup_invoice");
    assert_string_equal(json(get(t, "annotations")),
                        "{\"readOnlyHint\":true,\"idempotentHint\":true}");
    assert_string_equal(json(get(t, "dependencies")), "[\"ledger\"]");
    assert_string_equal(str(t, "version"), "3.4.0");
    assert_string_equal(str(get(t, "provenance"), "pointer"), "/tools/lookup_invoice");
    assert_string_equal(json(get(get(get(t, "parameters"), "properties"),
                                 "invoice_id")),
        "{\"type\":\"string\",\"description\":\"The invoice number, such as "
        "INV-2024-0001.\"}");
    t = item(r, "tools", 2);
    assert_string_equal(json(get(get(t, "parameters"), "required")), "[]");
    val_unref(r);
    /* stdio and named calling. */
    r = expect_read(put_str("s.yaml",
        "synapse: 2\nagent: {name: notes}\ntransport: {type: stdio, command: "
        "[notes, --serve]}\ncalling: named\ntools:\n  add:\n    params:\n"
        "      - {name: text, type: str}\n"), "synapse", 1, 0);
    val_t *c = get(item(r, "tools", 0), "config");
    assert_string_equal(str(c, "calling"), "named");
    assert_string_equal(json(get(c, "command")), "[\"notes\",\"--serve\"]");
    assert_string_equal(json(get(item(r, "tools", 0), "endpoint")),
                        "{\"transport\":\"stdio\"}");
    val_unref(r);
}

static void malformed(void **state)
{
    (void)state;
    /* Truncated: the YAML ends inside a flow list. */
    val_t *r = read_path(put_str("t.yaml", "synapse: 1\nagent: a\ntools: [\n"));
    assert_int_equal(val_type(get(r, "format")), VAL_NULL);
    assert_true(has_problem(r, "error", "plain text that no reader recognises (not YAML"));
    val_unref(r);
    /* An unknown version. */
    r = expect_read(put_str("v.yaml", "synapse: 7\nagent: a\ntools: []\n"),
                    "synapse", 0, 0);
    assert_true(has_problem(r, "error", "an unknown Synapse version"));
    val_unref(r);
    /* Wrong types: tools as a map in v1, args not a list, a bad argument, a
     * method with no name, no agent name. */
    r = expect_read(put_str("w1.yaml", "synapse: 1\nagent: a\ntools: {x: 1}\n"),
                    "synapse", 0, 0);
    assert_true(has_problem(r, "error", "Synapse 1 lists its methods under tools: a list"));
    val_unref(r);
    r = expect_read(put_str("w2.yaml",
        "synapse: 1\nagent: a\nhost: http://h\ntools:\n"
        "  - {method: m1, args: 5}\n"
        "  - {method: m2, args: [x]}\n"
        "  - {method: m3, args: [{x: complex}]}\n"
        "  - {doc: nameless}\n"
        "  - {method: m4, args: [{x: int}, {x: str}]}\n"
        "  - {method: ok, token: secret-value}\n"), "synapse", 1, 0);
    assert_true(has_problem(r, "error", "'m1': args is a number, not a list"));
    assert_true(has_problem(r, "error", "'m2': an argument is written NAME: TYPE"));
    assert_true(has_problem(r, "error", "argument 'x' has the unknown type 'complex'"));
    assert_true(has_problem(r, "error", "a method with no name"));
    assert_true(has_problem(r, "error", "'m4': argument 'x' is named twice"));
    assert_string_equal(str(item(r, "tools", 0), "name"), "ok");
    val_unref(r);
    r = expect_read(put_str("w3.yaml", "synapse: 2\nagent: {}\ntools: {}\n"),
                    "synapse", 0, 0);
    assert_true(has_problem(r, "error", "the agent has no name"));
    val_unref(r);
    r = expect_read(put_str("w4.yaml", "synapse: 2\nagent: {name: a}\ncalling: "
                            "sideways\ntools: {}\n"), "synapse", 0, 0);
    assert_true(has_problem(r, "error", "calling is 'sideways'"));
    val_unref(r);
    r = expect_read(put_str("w5.yaml",
        "synapse: 2\nagent: {name: a}\nauth: {type: bearer, token: abc}\n"
        "tools:\n  x: 5\n  y: {params: {a: 1}}\n  z: {params: [{type: str}]}\n"
        "  ok: {}\n"), "synapse", 1, 0);
    assert_true(has_problem(r, "error", "'x' is a number, not a method"));
    assert_true(has_problem(r, "error", "'y': params is a map, not a list"));
    assert_true(has_problem(r, "error", "'z': a parameter with no name"));
    assert_true(has_problem(r, "warning", "holds a token value: it is not copied"));
    assert_string_equal(json(get(item(r, "tools", 0), "auth")),
                        "{\"type\":\"bearer\",\"ref\":null}");
    assert_null(strstr(json(r), "abc"));
    val_unref(r);
    /* Empty, binary. */
    r = read_path(put_str("e.yaml", ""));
    assert_true(has_problem(r, "error", "an empty file"));
    val_unref(r);
    r = read_path(put_bytes("b.yaml", "synapse: 1\n\0\0\0", 14));
    assert_true(has_problem(r, "error", "binary content (a NUL byte at offset 11)"));
    val_unref(r);
    /* BOM and CRLF. */
    r = expect_read(put_str("bom.yaml",
        "\xEF\xBB\xBFsynapse: 1\r\nagent: a\r\nhost: http://h\r\ntools:\r\n"
        "  - method: m\r\n    doc: \"line\"\r\n"), "synapse", 1, 0);
    assert_string_equal(str(item(r, "tools", 0), "description"), "line");
    val_unref(r);
}

/* The examples of docs/legacy-formats.md's Synapse section read as they
 * are written. */
static void docs_examples(void **state)
{
    (void)state;
    FILE *fp = fopen(MIG_SOURCE_DIR "/docs/legacy-formats.md", "r");
    assert_non_null(fp);
    char line[512];
    strbuf_t block;
    strbuf_init(&block);
    bool in_section = false, in_block = false;
    size_t n = 0;
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, "### ", 4) == 0)
            in_section = strncmp(line, "### Synapse", 11) == 0;
        if (!in_section)
            continue;
        if (strcmp(line, "```yaml\n") == 0) {
            in_block = true;
            block.len = 0;
        } else if (in_block && strcmp(line, "```\n") == 0) {
            in_block = false;
            char name[32];
            snprintf(name, sizeof name, "doc%zu.yaml", n++);
            val_t *r = expect_read(put_bytes(name, block.data, block.len),
                                   "synapse", 1, 0);
            assert_false(has_problem(r, "error", ""));
            val_unref(r);
        } else if (in_block) {
            strbuf_puts(&block, line);
        }
    }
    fclose(fp);
    strbuf_free(&block);
    assert_int_equal(n, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_1),
        cmocka_unit_test(version_2),
        cmocka_unit_test(malformed),
        cmocka_unit_test(docs_examples),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
