/* test_tools_agent.c: the agent-framework readers (reader_agent.c,
 * reader_frameworks.c) on the corpus's agent_yaml folder (Dify,
 * llm-functions), on the public samples in tests/data/legacy (crewai,
 * taskweaver, flowise, letta), and on malformed input for each format,
 * Semantic Kernel's too (truncated, wrong types, empty, binary, BOM,
 * CRLF); then the whole corpus. Semantic Kernel's own cases are
 * test_tools_sk.c. */
#include "tools_fixture.h"

#define DATA "tests/data/legacy/"

/* ---- Dify, llm-functions ------------------------------------------------- */

static void dify(void **state)
{
    (void)state;
    val_t *r = expect_read(AY "langgenius__dify__builtin__wikipedia__"
                           "wikipedia_search.yaml", "dify.tool", 1, 0);
    problems_are(r, 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "wikipedia_search");
    assert_string_equal(str(t, "title"), "WikipediaSearch");
    assert_string_equal(str(t, "description"), "A tool for performing a "
        "Wikipedia search and extracting snippets and webpages. Input should "
        "be a search query.");
    val_t *lang = get(get(get(t, "parameters"), "properties"), "language");
    assert_string_equal(json(get(lang, "enum")), "[\"de\",\"en\",\"fr\",\"hi\","
        "\"ja\",\"ko\",\"pl\",\"pt\",\"ro\",\"uk\",\"vi\",\"zh\"]");
    assert_string_equal(json(get(lang, "x-dify-label")),
                        "{\"en_US\":\"Language\",\"zh_Hans\":\"语言\"}");
    assert_string_equal(json(get(get(t, "parameters"), "required")),
                        "[\"query\",\"language\"]");
    val_unref(r);
    r = expect_read(AY "langgenius__dify__builtin__google__google.yaml",
                    "dify.provider", 0, 1);
    val_t *s = item(r, "servers", 0);
    assert_string_equal(str(s, "name"), "google");
    assert_string_equal(json(get(s, "env")), "[{\"name\":\"serpapi_api_key\","
        "\"secret\":true,\"required\":true,\"description\":\"Get your SerpApi "
        "API key from SerpApi\"}]");
    val_unref(r);
    /* credentials_for_provider present but empty. */
    r = expect_read(AY "langgenius__dify__builtin__wikipedia__wikipedia.yaml",
                    "dify.provider", 0, 1);
    assert_string_equal(json(get(item(r, "servers", 0), "env")), "[]");
    problems_are(r, 0);
    val_unref(r);
    /* form: form parameters are settings, not arguments; a secret's
     * default is never copied. */
    r = expect_read(put_str("d.yaml", "identity: {name: t, label: {en_US: T}}\n"
        "description: {human: {en_US: Human}}\nparameters:\n"
        "  - {name: q, type: string, form: llm, required: true}\n"
        "  - {name: n, type: number, form: form, default: 3, min: 1}\n"),
        "dify.tool", 1, 0);
    t = item(r, "tools", 0);
    assert_string_equal(str(t, "description"), "Human");
    assert_string_equal(json(get(get(t, "parameters"), "properties")),
                        "{\"q\":{\"type\":\"string\"}}");
    assert_string_equal(json(get(get(t, "config"), "settings")),
        "{\"n\":{\"name\":\"n\",\"type\":\"number\",\"form\":\"form\","
        "\"default\":3,\"min\":1}}");
    val_unref(r);
    /* In Dify's tree a tool needs its provider. */
    scratch_dir("google");
    scratch_dir("google/tools");
    r = expect_read(put_str("google/tools/google_search.yaml", "identity: "
        "{name: google_search}\ndescription: {llm: Search}\nparameters: []\n"),
        "dify.tool", 1, 0);
    t = item(r, "tools", 0);
    assert_string_equal(json(get(t, "dependencies")), "[\"google\"]");
    assert_string_equal(json(get(t, "endpoint")),
                        "{\"transport\":\"function\",\"server\":\"google\"}");
    val_unref(r);
    r = expect_read(put_str("p.yaml", "identity: {name: p}\n"
        "credentials_for_provider:\n  k: {type: secret-input, default: abc}\n"),
        "dify.provider", 0, 1);
    assert_true(has_problem(r, "warning", "credential 'k' has a default value: "
                            "not copied (a secret)"));
    assert_null(strstr(json(get(item(r, "servers", 0), "env")), "abc"));
    val_unref(r);
}

static void llm_functions(void **state)
{
    (void)state;
    val_t *r = expect_read(AY "sigoden__llm-functions__agents__demo__index.yaml",
                           "llm_functions.agent", 1, 0);
    problems_are(r, 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "Demo");
    assert_string_equal(str(t, "version"), "0.1.0");
    assert_string_equal(json(get(t, "parameters")),
        "{\"type\":\"object\",\"properties\":{\"lang\":{\"type\":\"string\","
        "\"description\":\"Your prefer language\"}},\"required\":[\"lang\"]}");
    assert_int_equal(n_of(get(t, "config"), "conversation_starters"), 4);
    val_unref(r);
    /* An undeclared variable is said; built-ins (__os__) are not. */
    r = expect_read(put_str("index.yaml", "name: a\ninstructions: 'On {{__os__}} "
        "say {{ who }} {{lang}}'\nvariables:\n  - {name: lang, default: en}\n"),
        "llm_functions.agent", 1, 0);
    problems_are(r, 1);
    assert_true(has_problem(r, "warning", "the instructions use {{who}}, which "
                            "variables does not declare"));
    assert_string_equal(json(get(get(item(r, "tools", 0), "parameters"),
                                 "required")), "[]");
    val_unref(r);
}

/* ---- TaskWeaver, Flowise, Letta, CrewAI --------------------------------- */

static void taskweaver(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "taskweaver/sql_pull_data.yaml",
                           "taskweaver.plugin", 1, 0);
    problems_are(r, 1);
    assert_true(has_problem(r, "warning", "type 'pandas.DataFrame' has no JSON "
                            "Schema type: kept as x-taskweaver-type"));
    val_t *t = item(r, "tools", 0);
    assert_string_equal(json(get(t, "output")),
        "{\"type\":\"array\",\"prefixItems\":[{\"x-taskweaver-type\":"
        "\"pandas.DataFrame\",\"description\":\"This is the dataframe "
        "containing the data from the database.\",\"title\":\"df\"},{\"type\":"
        "\"string\",\"description\":\"This is a string describing the data "
        "pulled from the database.\",\"title\":\"description\"}],"
        "\"items\":false}");
    assert_string_equal(json(get(get(t, "config"), "configurations")),
        "{\"api_type\":\"openai\",\"api_base\":null,\"api_key\":null,"
        "\"api_version\":null,\"deployment_name\":null,\"sqlite_db_path\":"
        "\"sqlite:///../../../../sample_data/anomaly_detection.db\"}");
    val_unref(r);
    r = expect_read(DATA "taskweaver/klarna_search.yaml", "taskweaver.plugin",
                    1, 0);
    assert_string_equal(json(get(get(item(r, "tools", 0), "parameters"),
                                 "required")), "[\"query\"]");
    assert_string_equal(str(get(item(r, "tools", 0), "config"), "examples"),
        "result, description = klarna_search(\"laptop\", 10, 1000, 2000)");
    val_unref(r);
    r = expect_read(DATA "taskweaver/anomaly_detection.yaml",
                    "taskweaver.plugin", 1, 0);
    val_unref(r);
    /* A secret in configurations is never copied. */
    r = expect_read(put_str("tw.yaml", "name: x\nenabled: true\nparameters: []\n"
        "returns: []\nconfigurations:\n  api_key: sk-123\n  model: m\n"),
        "taskweaver.plugin", 1, 0);
    assert_true(has_problem(r, "warning", "configurations.api_key holds a "
                            "secret: not copied"));
    assert_string_equal(json(get(get(item(r, "tools", 0), "config"),
                                 "configurations")),
                        "{\"api_key\":null,\"model\":\"m\"}");
    val_unref(r);
}

static void flowise(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "flowise/Add Hubspot Contact.json",
                           "flowise.tool", 1, 0);
    problems_are(r, 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "add_contact_hubspot");
    assert_string_equal(json(get(get(t, "parameters"), "required")),
                        "[\"email\"]");
    assert_string_equal(str(get(t, "config"), "language"), "javascript");
    assert_non_null(strstr(str(get(t, "config"), "func"), "$email"));
    assert_non_null(get(get(t, "extra"), "iconSrc"));
    val_unref(r);
    r = expect_read(DATA "flowise/Get Current DateTime.json", "flowise.tool",
                    1, 0);
    assert_string_equal(json(get(get(item(r, "tools", 0), "parameters"),
                                 "properties")), "{}");
    assert_string_equal(str(item(r, "tools", 0), "description"),
                        "Useful to get todays day, date and time.");
    val_unref(r);
    r = expect_read(DATA "flowise/Send Slack Message.json", "flowise.tool", 1, 0);
    val_unref(r);
    /* A schema string that is no JSON: the tool is not read. */
    r = expect_read(put_str("f.json", "{\"name\": \"a\", \"func\": \"x\", "
                            "\"schema\": \"[{\\\"property\\\": \"}"),
                    "flowise.tool", 0, 0);
    assert_true(has_problem(r, "error", "the tool is not read"));
    val_unref(r);
    /* A date property is a string of format date. */
    r = expect_read(put_str("g.json", "{\"name\": \"a\", \"func\": \"x\", "
        "\"schema\": [{\"property\": \"d\", \"type\": \"date\"}]}"),
        "flowise.tool", 1, 0);
    assert_string_equal(json(get(get(item(r, "tools", 0), "parameters"),
                                 "properties")),
                        "{\"d\":{\"type\":\"string\",\"format\":\"date\"}}");
    val_unref(r);
}

static void letta(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "letta/customer-support-agent.af",
                           "letta.agent_file", 8, 0);
    problems_are(r, 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "cancel_order");
    assert_string_equal(str(t, "description"), "Cancels an order.");
    assert_string_equal(json(get(get(t, "parameters"), "required")),
                        "[\"order_number\",\"reason\"]");
    assert_string_equal(json(get(get(t, "config"), "agents")),
                        "[\"customer-support-agent\"]");
    assert_string_equal(str(get(t, "config"), "source_type"), "python");
    assert_string_equal(str(get(t, "provenance"), "pointer"), "/tools/0");
    val_unref(r);
    /* A tool without json_schema is left out with its reason. */
    r = expect_read(put_str("a.af", "{\"agent_type\": \"memgpt_agent\", "
        "\"tools\": [{\"name\": \"x\"}, {\"name\": \"y\", \"json_schema\": "
        "{\"parameters\": {\"type\": \"object\"}}}]}"), "letta.agent_file", 1, 0);
    assert_true(has_problem(r, "error", "a tool with no json_schema: left out"));
    assert_string_equal(str(r, "version"), "agent");
    val_unref(r);
}

static void crewai(void **state)
{
    (void)state;
    val_t *r = expect_read(DATA "crewai/template__agents.yaml", "crewai.agents",
                           2, 0);
    problems_are(r, 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "researcher");
    assert_string_equal(str(t, "title"), "{topic} Senior Data Researcher");
    assert_string_equal(json(get(t, "parameters")),
        "{\"type\":\"object\",\"properties\":{\"topic\":{\"type\":\"string\"}},"
        "\"required\":[\"topic\"]}");
    assert_string_equal(str(get(t, "provenance"), "pointer"), "/researcher");
    val_unref(r);
    r = expect_read(DATA "crewai/tests__agents.yaml", "crewai.agents", 2, 0);
    assert_string_equal(json(get(get(item(r, "tools", 1), "config"), "settings")),
        "{\"verbose\":true,\"function_calling_llm\":\"online_llm\"}");
    val_unref(r);
    r = expect_read(DATA "crewai/template__tasks.yaml", "crewai.tasks", 2, 0);
    t = item(r, "tools", 0);
    assert_string_equal(json(get(t, "dependencies")), "[\"researcher\"]");
    assert_string_equal(json(get(get(t, "parameters"), "required")),
                        "[\"topic\",\"current_year\"]");
    val_unref(r);
    r = expect_read(DATA "crewai/tests__tasks.yaml", "crewai.tasks", 2, 0);
    assert_string_equal(json(get(get(item(r, "tools", 0), "config"), "settings")),
        "{\"agent\":\"researcher\",\"guardrail\":\"ensure each bullet contains "
        "its source\"}");
    val_unref(r);
    /* Context tasks are dependencies too; a member that is no task is
     * left out with its reason. */
    r = expect_read(put_str("tasks.yaml", "a:\n  description: d {x}\n"
        "  expected_output: o\n  agent: w\n  context: [b]\n"
        "b:\n  description: e\n  expected_output: o\n"
        "c:\n  description: [1]\n  expected_output: o\n"), "crewai.tasks", 2, 0);
    assert_string_equal(json(get(item(r, "tools", 0), "dependencies")),
                        "[\"w\",\"b\"]");
    assert_true(has_problem(r, "error", "'c' has no description (text): "
                            "left out"));
    val_unref(r);
}

/* ---- malformed input, every format -------------------------------------- */

/* A valid file of each format, small, with LF line ends. */
static const struct sample {
    const char *format, *name, *text;
    size_t records;
    const char *wrong;          /* the file with wrong types */
    const char *wrong_says;     /* a problem it gives, or NULL: no format */
} samples[] = {
    { "semantic_kernel.config", "config.json",
      "{\n \"schema\": 1,\n \"type\": \"completion\",\n \"description\": \"d\",\n"
      " \"completion\": {\"max_tokens\": 9},\n \"input\": {\"parameters\": "
      "[{\"name\": \"input\", \"description\": \"i\"}]}\n}\n", 1,
      "{\"schema\": 1, \"description\": \"d\", \"completion\": {}, \"input\": "
      "{\"parameters\": [{\"name\": 5}]}}", "variable 0 has no name" },
    { "semantic_kernel.prompt_yaml", "p.yaml",
      "name: P\ntemplate: |\n  Say {{$x}}\ntemplate_format: semantic-kernel\n"
      "input_variables:\n  - name: x\n    is_required: true\n", 1,
      "name: P\ntemplate: 'Say {{$x}}'\ninput_variables:\n  - [x]\n",
      "variable 0 has no name" },
    { "semantic_kernel.agent", "ag.yaml",
      "type: chat_completion_agent\nname: A\ninstructions: |\n  Do {{$x}}\n"
      "inputs:\n  x:\n    description: the x\n    required: true\n", 1,
      "type: chat_completion_agent\nname: A\ninputs: 5\n",
      "inputs is a number, not a map" },
    { "dify.tool", "t.yaml",
      "identity:\n  name: t\n  label: {en_US: T}\ndescription:\n  llm: L\n"
      "parameters:\n  - name: q\n    type: string\n    form: llm\n", 1,
      "identity: {name: t}\ndescription: {llm: L}\nparameters: 7\n",
      "parameters is a number, not a list" },
    { "dify.provider", "prov.yaml",
      "identity:\n  name: p\n  label: {en_US: P}\ncredentials_for_provider:\n"
      "  key:\n    type: secret-input\n    required: true\n", 1,
      "identity: {name: p}\ncredentials_for_provider: [1]\n",
      "credentials_for_provider is a list, not a map" },
    { "llm_functions.agent", "index.yaml",
      "name: a\ndescription: d\ninstructions: |\n  Use {{lang}}\nvariables:\n"
      "  - name: lang\n    description: l\n", 1,
      "name: a\ninstructions: [1]\nvariables: []\n",
      "instructions is a list, not text" },
    { "taskweaver.plugin", "tw.yaml",
      "name: tw\nenabled: true\ndescription: d\nparameters:\n  - name: q\n"
      "    type: str\n    required: true\nreturns:\n  - name: r\n    type: str\n",
      1, "name: tw\nenabled: true\nparameters:\n  - {type: str}\nreturns: []\n",
      "a parameter with no name" },
    { "flowise.tool", "fl.json",
      "{\n  \"name\": \"f\",\n  \"description\": \"d\",\n  \"schema\": "
      "\"[{\\\"property\\\":\\\"a\\\",\\\"type\\\":\\\"string\\\"}]\",\n"
      "  \"func\": \"return $a;\"\n}\n", 1,
      "{\"name\": \"f\", \"func\": \"x\", \"schema\": \"{}\"}",
      "JSON but not a list" },
    { "letta.agent_file", "a.af",
      "{\n  \"agents\": [{\"name\": \"g\", \"tool_ids\": [\"t1\"]}],\n"
      "  \"tools\": [{\"id\": \"t1\", \"name\": \"x\", \"json_schema\": "
      "{\"name\": \"x\", \"parameters\": {\"type\": \"object\"}}}]\n}\n", 1,
      "{\"agents\": [], \"tools\": [{\"json_schema\": {}}]}",
      "a tool with no name: left out" },
    { "crewai.agents", "agents.yaml",
      "r:\n  role: >\n    R of {x}\n  goal: G\n  backstory: B\n", 1,
      "r:\n  role: [1]\n  goal: G\n", "'r' has no role (text): left out" },
    { "crewai.tasks", "tasks.yaml",
      "t:\n  description: D {x}\n  expected_output: O\n  agent: r\n", 1,
      "t: 5\n", NULL },
};

/* The first record of R (tools, else servers). */
static val_t *first_record(const val_t *r)
{
    return n_of(r, "tools") ? item(r, "tools", 0) : item(r, "servers", 0);
}

/* LF to CRLF. */
static char *crlf(const char *s)
{
    char *o = malloc(strlen(s) * 2 + 1), *p = o;
    assert_non_null(o);
    for (; *s; s++) {
        if (*s == '\n')
            *p++ = '\r';
        *p++ = *s;
    }
    *p = '\0';
    return o;
}

static void malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        const struct sample *s = &samples[i];
        char dir[32], name[96];
        snprintf(dir, sizeof dir, "m%zu", i);
        scratch_dir(dir);
        snprintf(name, sizeof name, "%s/%s", dir, s->name);
        val_t *good = read_path(put_str(name, s->text));
        if (strcmp(str(good, "format"), s->format) != 0 ||
            n_of(good, "tools") + n_of(good, "servers") != s->records)
            print_error("%s: %s\n", s->format, json(good));
        assert_string_equal(str(good, "format"), s->format);
        assert_int_equal(n_of(good, "tools") + n_of(good, "servers"), s->records);
        char *want = strdup(json(first_record(good)));
        /* The provenance's digest is of the bytes: leave it out. */
        *strstr(want, "\"digest\":") = '\0';
        /* BOM and CRLF: the same records. */
        size_t len = strlen(s->text);
        char *bom = malloc(len + 4);
        memcpy(bom, "\xEF\xBB\xBF", 3);
        memcpy(bom + 3, s->text, len + 1);
        char *cr = crlf(s->text);
        const char *variants[] = { bom, cr };
        for (size_t v = 0; v < 2; v++) {
            val_t *r = read_path(put_str(name, variants[v]));
            assert_string_equal(str(r, "format"), s->format);
            char *got = strdup(json(first_record(r)));
            *strstr(got, "\"digest\":") = '\0';
            if (strcmp(got, want) != 0)
                print_error("%s (%s):\n%s\n%s\n", s->format,
                            v ? "CRLF" : "BOM", got, want);
            assert_string_equal(got, want);
            free(got);
            val_unref(r);
        }
        free(bom);
        free(cr);
        free(want);
        /* Truncated at every third byte: never a crash, never more. */
        for (size_t cut = 0; cut < len; cut += 3) {
            val_t *r = read_path(put_bytes(name, s->text, cut));
            assert_true(n_of(r, "tools") + n_of(r, "servers") <= s->records);
            if (val_type(get(r, "format")) == VAL_NULL)
                assert_true(n_of(r, "problems") > 0);
            val_unref(r);
        }
        /* Wrong types: the problem said, or no format. */
        val_t *r = read_path(put_str(name, s->wrong));
        if (s->wrong_says) {
            if (!has_problem(r, "error", s->wrong_says))
                print_error("%s: %s\n", s->format, json(r));
            assert_string_equal(str(r, "format"), s->format);
            assert_true(has_problem(r, "error", s->wrong_says));
        } else {
            assert_string_equal(str(r, "format"), "(null)");
        }
        val_unref(r);
        /* Empty, and binary. */
        r = read_path(put_str(name, ""));
        assert_string_equal(str(r, "format"), "(null)");
        assert_true(has_problem(r, "error", "an empty file, not a tool "
                                "definition"));
        val_unref(r);
        char bin[64];
        memcpy(bin, s->text, 40);
        bin[20] = '\0';
        r = read_path(put_bytes(name, bin, 40));
        assert_string_equal(str(r, "format"), "(null)");
        assert_true(has_problem(r, "error", "binary content"));
        val_unref(r);
        val_unref(good);
    }
}

/* ---- the corpus ---------------------------------------------------------- */

/* Every file of corpus/semantic_kernel and corpus/agent_yaml: the broken
 * one (the merge conflict) is rejected with its reason, the others are
 * read by this family's readers with records or (an skprompt.txt beside
 * its config.json) pointed to the file that gives them. */
static void corpus(void **state)
{
    (void)state;
    static const char *const dirs[] = {
        "../shared/corpus/semantic_kernel", "../shared/corpus/agent_yaml",
    };
    size_t files = 0, records = 0, rejected = 0, paired = 0, unreadable = 0;
    for (size_t d = 0; d < 2; d++) {
        val_t *rows = call("tools.scan", "dir", dirs[d], NULL);
        assert_non_null(rows);
        for (size_t i = 0; i < val_len(rows); i++) {
            const char *p = str(val_list_get(rows, i), "path");
            val_t *r = read_path(p);
            files++;
            size_t n = n_of(r, "tools") + n_of(r, "servers");
            records += n;
            if (strstr(p, "MERGE_CONFLICT")) {
                assert_int_equal(n, 0);
                assert_true(has_problem(r, "error", "merge-conflict markers"));
                rejected++;
            } else if (n == 0 && strstr(p, "skprompt.txt") &&
                       val_type(get(r, "format")) == VAL_NULL) {
                /* No template is left unread: one starting with a line
                 * "[INSTRUCTION]" is text to the loader too. */
                assert_true(has_problem(r, "error", "not valid JSON"));
                unreadable++;
            } else if (n == 0) {
                assert_string_equal(str(r, "format"), "semantic_kernel.prompt");
                assert_true(has_problem(r, "warning", "its record comes from "
                                        "that file"));
                paired++;
            } else {
                const char *fmt = str(r, "format");
                assert_true(strncmp(fmt, "semantic_kernel.", 16) == 0 ||
                            strncmp(fmt, "dify.", 5) == 0 ||
                            strcmp(fmt, "llm_functions.agent") == 0);
            }
            val_unref(r);
        }
        val_unref(rows);
    }
    assert_int_equal(files, 28);
    assert_int_equal(rejected, 1);
    assert_int_equal(paired, 9);
    assert_int_equal(unreadable, 0);
    assert_int_equal(records, 18);
    /* Their config.json read them as templates: every config that has an
     * skprompt.txt beside it says nothing of a missing template. */
    static const char *const with_template[] = {
        "CodingSkill__DOSScript__config.json",
        "SummarizeSkill__Summarize__config.json",
        "python_stepwise_planner__StepwiseStep__config.json",
    };
    for (size_t i = 0; i < 3; i++) {
        char path[256];
        snprintf(path, sizeof path, SK "%s", with_template[i]);
        val_t *r = read_path(path);
        assert_false(has_problem(r, "warning", "has no template"));
        assert_string_not_equal(str(get(item(r, "tools", 0), "config"),
                                    "template"), "(null)");
        val_unref(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dify),
        cmocka_unit_test(llm_functions),
        cmocka_unit_test(taskweaver),
        cmocka_unit_test(flowise),
        cmocka_unit_test(letta),
        cmocka_unit_test(crewai),
        cmocka_unit_test(malformed),
        cmocka_unit_test(corpus),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
