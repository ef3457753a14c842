/* test_tools_openai.c: the OpenAI function-calling reader
 * (reader_openai.c) on every shape it reads, on the corpus's
 * openai_functions files, and on malformed input (truncated, wrong
 * types, empty, binary, BOM, CRLF). */
#include "tools_fixture.h"

#define CORPUS "../shared/corpus/openai_functions/"

/* ---- the shapes --------------------------------------------------------- */

static void bare_functions(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("f.json",
        "[{\"name\": \"get_weather\", \"description\": \"Weather\",\n"
        "  \"parameters\": {\"type\": \"object\", \"properties\": {}},\n"
        "  \"strict\": true, \"x-owner\": \"ops\"},\n"
        " {\"name\": \"ping\", \"description\": \"Ping\"}]"),
        "openai.functions", 2, 0);
    assert_string_equal(str(r, "version"), "functions");
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "get_weather");
    assert_string_equal(str(t, "description"), "Weather");
    assert_string_equal(json(get(t, "parameters")),
                        "{\"type\":\"object\",\"properties\":{}}");
    assert_string_equal(json(get(t, "config")), "{\"strict\":true}");
    assert_string_equal(json(get(t, "extra")), "{\"x-owner\":\"ops\"}");
    assert_string_equal(json(get(t, "endpoint")), "{\"transport\":\"function\"}");
    val_t *p = get(t, "provenance");
    assert_string_equal(str(p, "pointer"), "/0");
    assert_string_equal(str(p, "format"), "openai.functions");
    assert_memory_equal(str(p, "digest"), "blake2b:", 8);
    assert_string_equal(str(get(item(r, "tools", 1), "provenance"), "pointer"),
                        "/1");
    assert_int_equal(val_type(get(item(r, "tools", 1), "parameters")), VAL_NULL);
    val_unref(r);
}

static void functions_key_and_hybrid(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("h.json",
        "{\"functions\": [{\"type\": \"function\", \"function\": {\"name\": "
        "\"a\", \"parameters\": {\"type\": \"object\"}}},"
        " {\"name\": \"b\", \"parameters\": {\"type\": \"object\"}}]}"),
        "openai.functions", 2, 0);
    assert_string_equal(str(r, "version"), "functions+tools");
    assert_string_equal(str(get(item(r, "tools", 0), "provenance"), "pointer"),
                        "/functions/0/function");
    assert_string_equal(str(get(item(r, "tools", 1), "provenance"), "pointer"),
                        "/functions/1");
    val_unref(r);
}

static void tools_array(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("t.json",
        "[{\"type\": \"function\", \"function\": {\"name\": \"a\", "
        "\"description\": \"A\", \"parameters\": {\"type\": \"object\"}}}]"),
        "openai.tools", 1, 0);
    assert_string_equal(str(r, "version"), "tools");
    assert_string_equal(str(item(r, "tools", 0), "name"), "a");
    val_unref(r);
    /* The Responses API's flat tools. */
    r = expect_read(put_str("flat.json",
        "[{\"type\": \"function\", \"name\": \"read_file\", \"parameters\": "
        "{\"type\": \"object\"}, \"strict\": true}]"), "openai.tools", 1, 0);
    assert_string_equal(str(r, "version"), "responses");
    assert_string_equal(json(get(item(r, "tools", 0), "extra")), "{}");
    assert_string_equal(json(get(item(r, "tools", 0), "config")), "{\"strict\":true}");
    val_unref(r);
}

static void assistants_export(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("a.json",
        "{\"assistantId\": \"asst_1\", \"name\": \"Helper\", \"model\": "
        "\"gpt-4\", \"instructions\": \"Be brief.\", \"tools\": ["
        "{\"type\": \"code_interpreter\"}, {\"type\": \"retrieval\"},"
        "{\"type\": \"function\", \"function\": {\"name\": \"lookup\", "
        "\"parameters\": {\"type\": \"object\"}}}]}"),
        "openai.tools", 1, 0);
    assert_string_equal(str(r, "version"), "assistants");
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(get(get(t, "config"), "assistant"), "model"), "gpt-4");
    assert_true(has_problem(r, "warning", "built-in tool of type 'code_interpreter'"));
    assert_true(has_problem(r, "warning", "built-in tool of type 'retrieval'"));
    val_unref(r);
}

static void request_envelope(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("r.json",
        "{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", "
        "\"content\": \"hi\"}], \"tools\": [{\"type\": \"function\", "
        "\"function\": {\"name\": \"get_weather\", \"parameters\": "
        "{\"type\": \"object\"}}}], \"tool_choice\": \"auto\"}"),
        "openai.request", 1, 0);
    assert_string_equal(str(get(item(r, "tools", 0), "config"), "model"),
                        "gpt-4o");
    assert_true(has_problem(r, "warning", "messages and settings"));
    val_unref(r);
    /* The older request spelling: functions. */
    r = expect_read(put_str("r2.json",
        "{\"messages\": [], \"functions\": [{\"name\": \"f\", "
        "\"parameters\": {\"type\": \"object\"}}]}"), "openai.request", 1, 0);
    val_unref(r);
}

static void keyed_and_schema(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("k.json",
        "{\"get_time\": {\"description\": \"Time\", \"schema\": {\"type\": "
        "\"object\"}}, \"get_date\": {\"parameters\": {\"type\": \"object\"}}}"),
        "openai.keyed", 2, 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "get_time");
    assert_string_equal(json(get(t, "parameters")), "{\"type\":\"object\"}");
    assert_string_equal(str(get(t, "provenance"), "pointer"), "/get_time");
    assert_true(has_problem(r, "warning", "'schema' is read as its parameters"));
    val_unref(r);
}

static void one_function(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("one.yaml",
        "name: search\ndescription: Search\nparameters:\n  type: object\n"),
        "openai.functions", 1, 0);
    assert_string_equal(str(get(item(r, "tools", 0), "provenance"), "pointer"), "");
    val_unref(r);
}

static void jsonl_lines(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("l.json",
        "{\"name\": \"a\", \"parameters\": {\"type\": \"dict\"}}\n\n"
        "{\"type\": \"function\", \"function\": {\"name\": \"b\", "
        "\"description\": \"B\"}}\n"), "openai.jsonl", 2, 0);
    assert_int_equal(val_get_int(get(get(item(r, "tools", 1), "provenance"),
                                     "line")), 3);
    val_unref(r);
}

/* ---- the corpus ---------------------------------------------------------- */

static void corpus(void **state)
{
    (void)state;
    static const struct {
        const char *file, *format;
        size_t tools;
    } want[] = {
        { "ShishirPatil__gorilla__BFCL_v4_live_relevance.json", "openai.jsonl", 44 },
        { "ShishirPatil__gorilla__BFCL_v4_simple_javascript.json", "openai.jsonl", 50 },
        { "ShishirPatil__gorilla__bfcl_multi_turn_func_doc__memory_kv.json", "openai.jsonl", 15 },
        { "ShishirPatil__gorilla__bfcl_multi_turn_func_doc__web_search.json", "openai.jsonl", 2 },
        { "microsoft__teams-ai__devOpsBot__actions.json", "openai.functions", 3 },
        { "microsoft__teams-ai__lightBot__tools__actions.json", "openai.functions", 4 },
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char path[256];
        snprintf(path, sizeof path, CORPUS "%s", want[i].file);
        val_t *r = expect_read(path, want[i].format, want[i].tools, 0);
        for (size_t j = 0; j < n_of(r, "problems"); j++)
            assert_string_not_equal(str(item(r, "problems", j), "severity"),
                                    "error");
        val_unref(r);
    }
    /* BFCL's response schema is the output; its line is kept. */
    val_t *r = read_path(CORPUS "ShishirPatil__gorilla__bfcl_multi_turn_func_doc__memory_kv.json");
    val_t *t = item(r, "tools", 0);
    assert_int_equal(val_type(get(t, "output")), VAL_MAP);
    assert_int_equal(val_get_int(get(get(t, "provenance"), "line")), 1);
    assert_string_equal(str(r, "version"), "functions");
    val_unref(r);
    r = read_path(CORPUS "ShishirPatil__gorilla__BFCL_v4_live_relevance.json");
    assert_string_equal(str(r, "version"), "bfcl");
    assert_string_equal(str(get(item(r, "tools", 0), "provenance"), "pointer"),
                        "/0/function/0");
    val_unref(r);
}

/* ---- malformed input ----------------------------------------------------- */

static void truncated(void **state)
{
    (void)state;
    val_t *r = read_path(put_str("trunc.json",
        "[{\"name\": \"a\", \"parameters\": {\"type\": \"obj"));
    assert_int_equal(val_type(get(r, "format")), VAL_NULL);
    assert_int_equal(n_of(r, "tools"), 0);
    assert_true(has_problem(r, "error", "not valid JSON (1:"));
    val_unref(r);
}

static void wrong_types(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("wt.json",
        "[{\"name\": \"a\", \"description\": 5, \"parameters\": {}},"
        " {\"name\": \"b\", \"parameters\": \"none\", \"description\": \"\"},"
        " {\"name\": \"\", \"parameters\": {}}]"), "openai.functions", 2, 0);
    assert_true(has_problem(r, "warning", "'a': description is a number"));
    assert_string_equal(json(get(get(item(r, "tools", 0), "extra"), "description")),
                        "5");
    assert_true(has_problem(r, "warning", "'b': parameters is a string"));
    assert_true(has_problem(r, "error", "a function with no name"));
    val_unref(r);
    /* A list of labels is no list of functions. */
    r = read_path(put_str("labels.json", "[\"cat\", \"dog\"]"));
    assert_int_equal(val_type(get(r, "format")), VAL_NULL);
    assert_true(has_problem(r, "error", "a JSON list of 2 items that no reader "
                            "recognises (the first a string)"));
    val_unref(r);
}

static void empty_and_binary(void **state)
{
    (void)state;
    val_t *r = read_path(put_str("empty.json", ""));
    assert_int_equal(val_type(get(r, "format")), VAL_NULL);
    assert_true(has_problem(r, "error", "an empty file"));
    val_unref(r);
    r = read_path(put_bytes("bin.json", "[{\"name\"\0\x01]", 12));
    assert_int_equal(val_type(get(r, "format")), VAL_NULL);
    assert_true(has_problem(r, "error", "binary content (a NUL byte at offset 8)"));
    val_unref(r);
    r = read_path(put_bytes("latin1.json", "[\"caf\xe9\"]", 8));
    assert_true(has_problem(r, "error", "binary content (not UTF-8 text)"));
    val_unref(r);
}

static void bom_and_crlf(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBF[{\"name\": \"a\",\r\n \"parameters\": "
                        "{\"type\": \"object\"}}]\r\n";
    val_t *r = expect_read(put_str("bom.json", text), "openai.functions", 1, 0);
    val_unref(r);
    /* JSON Lines with CRLF. */
    r = expect_read(put_str("crlf.jsonl",
        "{\"name\": \"a\", \"parameters\": {}}\r\n"
        "{\"name\": \"b\", \"parameters\": {}}\r\n"), "openai.jsonl", 2, 0);
    val_unref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bare_functions),
        cmocka_unit_test(functions_key_and_hybrid),
        cmocka_unit_test(tools_array),
        cmocka_unit_test(assistants_export),
        cmocka_unit_test(request_envelope),
        cmocka_unit_test(keyed_and_schema),
        cmocka_unit_test(one_function),
        cmocka_unit_test(jsonl_lines),
        cmocka_unit_test(corpus),
        cmocka_unit_test(truncated),
        cmocka_unit_test(wrong_types),
        cmocka_unit_test(empty_and_binary),
        cmocka_unit_test(bom_and_crlf),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
