/* test_tools_sk.c: the Semantic Kernel reader (reader_sk.c, with
 * reader_agent.c for its agents) on the corpus's semantic_kernel and
 * agent_yaml folders: every schema generation of config.json, input
 * variables, merge conflicts and trailing commas, prompt files beside
 * their config, YAML functions and agents. Malformed input of every
 * format, this one's too, is test_tools_agent.c's. */
#include "tools_fixture.h"

/* ---- Semantic Kernel ---------------------------------------------------- */

static void sk_schema_1(void **state)
{
    (void)state;
    val_t *r = expect_read(SK "FunSkill__Joke__config.json",
                           "semantic_kernel.config", 1, 0);
    assert_string_equal(str(r, "version"), "1");
    problems_are(r, 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "microsoft__semantic-kernel__FunSkill__Joke");
    assert_string_equal(str(t, "description"), "Generate a funny joke");
    assert_string_equal(json(get(t, "parameters")),
        "{\"type\":\"object\",\"properties\":{\"input\":{\"type\":\"string\","
        "\"description\":\"Joke subject\",\"default\":\"\"},\"style\":{\"type\":"
        "\"string\",\"description\":\"Joke style\",\"default\":\"\"}},"
        "\"required\":[]}");
    assert_string_equal(json(get(t, "endpoint")), "{\"transport\":\"prompt\"}");
    val_t *c = get(t, "config");
    assert_string_equal(json(get(c, "execution_settings")),
        "{\"default\":{\"max_tokens\":1000,\"temperature\":0.9,\"top_p\":0.0,"
        "\"presence_penalty\":0.0,\"frequency_penalty\":0.0}}");
    assert_string_equal(json(get(c, "variables")), "[\"style\",\"input\"]");
    assert_string_equal(str(c, "template_file"),
                        SK "FunSkill__Joke__skprompt.txt");
    assert_non_null(strstr(str(c, "template"), "{{$style}}\n+++++"));
    assert_string_equal(str(get(t, "provenance"), "format_version"), "1");
    val_unref(r);
}

static void sk_generations(void **state)
{
    (void)state;
    static const struct { const char *file, *version; } gens[] = {
        { "TestData__TestSkill__WithServices__config.json", "2023" },
        { "prompt_template_samples__WriterPlugin__ShortPoem__config.json", "v1" },
        { "python_stepwise_planner__StepwiseStep__config.json", "hybrid" },
        { "CodingSkill__DOSScript__config.json", "1" },
    };
    for (size_t i = 0; i < sizeof gens / sizeof *gens; i++) {
        char path[256];
        snprintf(path, sizeof path, SK "%s", gens[i].file);
        val_t *r = expect_read(path, "semantic_kernel.config", 1, 0);
        assert_string_equal(str(r, "version"), gens[i].version);
        val_unref(r);
    }
    /* 2023: services kept, default_settings as the default service. */
    val_t *r = read_path(SK "TestData__TestSkill__WithServices__config.json");
    val_t *c = get(item(r, "tools", 0), "config");
    assert_int_equal(n_of(c, "services"), 4);
    assert_string_equal(json(get(get(get(c, "execution_settings"), "default"),
                                 "stop_sequences")), "[\"test_stop_sequence\"]");
    assert_true(has_problem(r, "warning", "TestData__TestSkill__WithServices__"
                            "skprompt.txt next to it: the function has no "
                            "template"));
    val_unref(r);
    /* v1: input_variables with default. */
    r = read_path(SK "prompt_template_samples__WriterPlugin__ShortPoem__config.json");
    assert_string_equal(json(get(item(r, "tools", 0), "parameters")),
        "{\"type\":\"object\",\"properties\":{\"input\":{\"type\":\"string\","
        "\"description\":\"The scenario to turn into a poem.\",\"default\":\"\"}},"
        "\"required\":[]}");
    val_unref(r);
    /* Teams AI 1.1 (SK-derived). */
    r = read_path("../shared/corpus/semantic_kernel/microsoft__teams-ai__"
                  "lightBot__tools__config.json");
    assert_string_equal(str(r, "format"), "semantic_kernel.config");
    assert_string_equal(str(r, "version"), "1.1");
    val_t *t = item(r, "tools", 0);
    assert_string_equal(json(get(get(t, "config"), "calls")),
                        "[\"getLightStatus\"]");
    assert_string_equal(json(get(get(t, "config"), "augmentation")),
                        "{\"augmentation_type\":\"tools\"}");
    problems_are(r, 0);
    val_unref(r);
}

/* The template's variables are compared with the declared ones. */
static void sk_variables(void **state)
{
    (void)state;
    val_t *r = read_path(SK "python_stepwise_planner__StepwiseStep__config.json");
    problems_are(r, 2);
    assert_true(has_problem(r, "warning", "the template uses variables that "
                            "are not declared: function_descriptions, "
                            "agent_scratch_pad"));
    assert_true(has_problem(r, "warning", "declared but not used in the "
                            "template: agentScratchPad, functionDescriptions"));
    val_unref(r);
    /* No variables declared: the template's are the parameters; two that
     * differ only in case are said to. */
    r = read_path(SK "ChatSkill__ChatGPT__config.json");
    assert_true(has_problem(r, "warning", "no variables declared: the "
        "template's (firstName, botName, attitude, firstname, lastname, city, "
        "state, country, input, history) are taken as its parameters "
        "(optional strings)"));
    assert_true(has_problem(r, "warning", "the template's variables firstName "
                            "and firstname differ only in case"));
    val_t *t = item(r, "tools", 0);
    assert_int_equal(val_len(get(get(t, "parameters"), "properties")), 10);
    assert_string_equal(json(get(get(t, "config"), "calls")),
                        "[\"date\",\"recall\"]");
    val_unref(r);
    /* Declared and used alike: nothing to say. */
    r = read_path(SK "WriterSkill__Translate__config.json");
    problems_are(r, 0);
    val_unref(r);
}

/* The corpus's merge-conflict file is rejected with its reason: the
 * loader names the markers and gives it to no reader. */
static void sk_merge_conflict(void **state)
{
    (void)state;
    val_t *r = read_path(SK "PR9506__ChildrensBookSkill__BookIdeas__"
                         "config.json__MERGE_CONFLICT");
    assert_string_equal(str(r, "format"), "(null)");
    assert_int_equal(n_of(r, "tools"), 0);
    problems_are(r, 1);
    assert_true(has_problem(r, "error", "unresolved git merge-conflict "
                            "markers (line 12)"));
    val_unref(r);
}

/* The corpus's trailing-comma config is read leniently, with a warning. */
static void sk_trailing_comma(void **state)
{
    (void)state;
    val_t *r = expect_read(SK "SummarizeSkill__Summarize__config.json",
                           "semantic_kernel.config", 1, 0);
    problems_are(r, 1);
    assert_true(has_problem(r, "warning", "not valid JSON (18:7: "));
    assert_true(has_problem(r, "warning", "read as YAML"));
    assert_string_equal(json(get(get(get(item(r, "tools", 0), "parameters"),
                                     "properties"), "input")),
        "{\"type\":\"string\",\"description\":\"Text to summarize\","
        "\"default\":\"\"}");
    val_unref(r);
}

static void sk_prompt_files(void **state)
{
    (void)state;
    /* Beside its config.json: the pair is read from the config. */
    val_t *r = expect_read(SK "FunSkill__Joke__skprompt.txt",
                           "semantic_kernel.prompt", 0, 0);
    assert_true(has_problem(r, "warning", "the template of the prompt function "
                            "in microsoft__semantic-kernel__FunSkill__Joke__"
                            "config.json next to it: its record comes from "
                            "that file"));
    val_unref(r);
    r = expect_read("../shared/corpus/semantic_kernel/microsoft__teams-ai__"
                    "lightBot__tools__skprompt.txt", "semantic_kernel.prompt",
                    0, 0);
    val_unref(r);
    /* Alone (SK needs no config.json): the variables are the parameters. */
    scratch_dir("Fun");
    scratch_dir("Fun/Pun");
    r = expect_read(put_str("Fun/Pun/skprompt.txt",
                            "Tell a pun about {{$topic}} in {{ $lang }}.\n"
                            "{{time.now}}\n"), "semantic_kernel.prompt", 1, 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "Pun");
    assert_string_equal(str(get(t, "config"), "plugin"), "Fun");
    assert_string_equal(json(get(t, "parameters")),
        "{\"type\":\"object\",\"properties\":{\"topic\":{\"type\":\"string\"},"
        "\"lang\":{\"type\":\"string\"}},\"required\":[]}");
    assert_string_equal(json(get(get(t, "config"), "calls")), "[\"time.now\"]");
    val_unref(r);
    /* The same folder with a config.json: name and plugin from the path,
     * declared variables compared. */
    put_str("Fun/Pun/config.json", "{\"schema\": 1, \"type\": \"completion\", "
            "\"description\": \"Puns\", \"completion\": {\"max_tokens\": 5},"
            "\"input\": {\"parameters\": [{\"name\": \"topic\"}, "
            "{\"name\": \"style\", \"description\": \"s\"}]}}");
    r = expect_read(in_scratch("Fun/Pun/config.json"), "semantic_kernel.config",
                    1, 0);
    assert_string_equal(str(item(r, "tools", 0), "name"), "Pun");
    assert_true(has_problem(r, "warning", "not declared: lang"));
    assert_true(has_problem(r, "warning", "not used in the template: style"));
    val_unref(r);
    r = expect_read(in_scratch("Fun/Pun/skprompt.txt"), "semantic_kernel.prompt",
                    0, 0);
    val_unref(r);
    /* Prose that quotes SK blocks as code, and tables, are no prompts. */
    r = read_path(put_str("notes.md", "Use `{{$var}}` and `{{date}}`.\n"));
    assert_string_equal(str(r, "format"), "(null)");
    val_unref(r);
    r = read_path(put_str("t.tsv", "a\tb\tc\nx\t{{$input}}\ty\n"));
    assert_string_equal(str(r, "format"), "(null)");
    val_unref(r);
    r = read_path(put_str("h.txt", "# Title\nThe status is {{getStatus}}.\n"));
    assert_string_equal(str(r, "format"), "(null)");
    val_unref(r);
}

static void sk_yaml(void **state)
{
    (void)state;
    /* The corpus's file starts with a BOM. */
    val_t *r = expect_read(SK "Concepts__GenerateStory.yaml",
                           "semantic_kernel.prompt_yaml", 1, 0);
    problems_are(r, 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "GenerateStory");
    assert_string_equal(json(get(get(t, "parameters"), "required")),
                        "[\"topic\",\"length\"]");
    assert_string_equal(json(get(t, "output")),
                        "{\"description\":\"The generated story.\"}");
    assert_string_equal(json(get(get(t, "config"), "execution_settings")),
                        "{\"default\":{\"temperature\":0.6}}");
    val_unref(r);
    /* An agent SK defines by a prompt template. */
    r = expect_read(AY "microsoft__semantic-kernel__Concepts__Agents__"
                    "ParrotAgent.yaml", "semantic_kernel.prompt_yaml", 1, 0);
    problems_are(r, 0);
    assert_string_equal(str(item(r, "tools", 0), "name"), "Parrot");
    val_unref(r);
    /* Handlebars templates are kept, their variables not compared. */
    r = expect_read(put_str("hb.yaml", "name: Hb\ntemplate: 'Hi {{name}}'\n"
                            "template_format: handlebars\ninput_variables:\n"
                            "  - name: who\n"), "semantic_kernel.prompt_yaml",
                    1, 0);
    problems_are(r, 0);
    val_unref(r);
    /* No name: the file's. */
    r = expect_read(put_str("Greet.yaml", "template: 'Hi {{$who}}'\n"
                            "template_format: semantic-kernel\n"),
                    "semantic_kernel.prompt_yaml", 1, 0);
    assert_string_equal(str(item(r, "tools", 0), "name"), "Greet");
    assert_true(has_problem(r, "warning", "no name: the file's (Greet) is used"));
    val_unref(r);
}

/* Declarative agents, in the shapes of SK's own samples (SK keeps them as
 * strings in code, not as files: written here). */
static void sk_agent(void **state)
{
    (void)state;
    val_t *r = expect_read(put_str("menu.yaml",
        "type: chat_completion_agent\nname: Assistant\n"
        "description: A helpful assistant.\n"
        "instructions: Answer the user's questions using the menu functions.\n"
        "tools:\n  - id: MenuPlugin.get_specials\n    type: function\n"
        "model:\n  options:\n    temperature: 0.7\n"),
        "semantic_kernel.agent", 1, 0);
    problems_are(r, 0);
    val_t *t = item(r, "tools", 0);
    assert_string_equal(str(t, "name"), "Assistant");
    assert_string_equal(json(get(t, "endpoint")), "{\"transport\":\"prompt\"}");
    assert_string_equal(str(get(t, "config"), "agent_type"),
                        "chat_completion_agent");
    assert_string_equal(json(get(get(t, "config"), "tools")),
        "[{\"id\":\"MenuPlugin.get_specials\",\"type\":\"function\"}]");
    val_unref(r);
    r = expect_read(put_str("car.yaml",
        "version: 1.0.0\ntype: chat_completion_agent\nname: RobotCarAgent\n"
        "instructions: |\n  The permitted moves are {{$basic_moves}} and "
        "{{$extra}}.\ninputs:\n  basic_moves:\n    description: moves\n"
        "    required: true\n  speed:\n    default: 1\n"
        "metadata:\n  author: Microsoft\n"), "semantic_kernel.agent", 1, 0);
    t = item(r, "tools", 0);
    assert_string_equal(str(t, "version"), "1.0.0");
    assert_string_equal(json(get(t, "parameters")),
        "{\"type\":\"object\",\"properties\":{\"basic_moves\":{\"type\":"
        "\"string\",\"description\":\"moves\"},\"speed\":{\"type\":\"string\","
        "\"default\":1}},\"required\":[\"basic_moves\"]}");
    assert_true(has_problem(r, "warning", "not declared: extra"));
    assert_true(has_problem(r, "warning", "not used in the template: speed"));
    assert_string_equal(json(get(get(t, "extra"), "metadata")),
                        "{\"author\":\"Microsoft\"}");
    val_unref(r);
    r = expect_read(put_str("bad.yaml", "type: openai_assistant\nname: a\n"
                            "inputs: [x]\n"), "semantic_kernel.agent", 1, 0);
    assert_true(has_problem(r, "error", "inputs is a list, not a map: none read"));
    val_unref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sk_schema_1),
        cmocka_unit_test(sk_generations),
        cmocka_unit_test(sk_variables),
        cmocka_unit_test(sk_merge_conflict),
        cmocka_unit_test(sk_trailing_comma),
        cmocka_unit_test(sk_prompt_files),
        cmocka_unit_test(sk_yaml),
        cmocka_unit_test(sk_agent),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
