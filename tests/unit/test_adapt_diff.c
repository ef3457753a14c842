/* test_adapt_diff.c: the interface diff (stdlib/adapt_diff.c,
 * adapt_diff_tools.c; docs/recovery.md "Interface diffs") per category,
 * each on a change it must find and one it must not (never a rename by
 * type alone), with every change line and the whole mapping; interfaces
 * of no known shape; and adapt.translate (adapt_translate.c): a call
 * translated up front, a tool merged behind a discriminator, and a
 * refusal. In the JSON texts a ' stands for a ". */
#include "adapt_fixture.h"

/* The changes of the diff from OLD to NEW, one line each as
 * "kind|tool|from|to|evidence|confidence|applied|note" (empty fields
 * empty), joined by "\n", must be WANT; the mapping in canonical text
 * must be MAPPING. */
static void diff_is(const char *old, const char *new, const char *want,
                    const char *mapping)
{
    val_t *o = json_value(old), *n = json_value(new), *d = NULL;
    strbuf_t why, got;
    strbuf_init(&why);
    strbuf_init(&got);
    assert_int_equal(adapt_diff(o, n, &d, &why), MIG_OK);
    const val_t *changes = val_map_get(d, "changes", 7);
    static const char *const keys[] = { "kind", "tool", "from", "to",
                                        "evidence", "confidence", "applied",
                                        "note" };
    for (size_t i = 0; i < val_len(changes); i++) {
        const val_t *c = val_list_get(changes, i);
        strbuf_puts(&got, i ? "\n" : "");
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
            const val_t *v = val_map_get(c, keys[k], strlen(keys[k]));
            strbuf_puts(&got, k ? "|" : "");
            if (v && val_type(v) == VAL_STRING)
                strbuf_puts(&got, val_get_str(v, NULL));
            else if (v)
                val_format(v, &got);
        }
    }
    assert_string_equal(got.data ? got.data : "", want);
    char *m = afx_text(val_map_get(d, "mapping", 7));
    assert_string_equal(m, mapping);
    free(m);
    strbuf_free(&why);
    strbuf_free(&got);
    val_unref(d);
    val_unref(o);
    val_unref(n);
}

static void refused(const char *old, const char *new, const char *want)
{
    val_t *o = json_value(old), *n = json_value(new), *d = NULL;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(adapt_diff(o, n, &d, &why), MIG_EINVALID);
    assert_null(d);
    assert_string_equal(why.data, want);
    strbuf_free(&why);
    val_unref(o);
    val_unref(n);
}

#define S(props) "{'type': 'object', 'properties': {" props "}}"
#define SR(props, req) "{'type': 'object', 'properties': {" props "}, " \
                       "'required': " req "}"

/* ---- parameters --------------------------------------------------------- */

static void renamed(void **state)
{
    (void)state;
    diff_is(S("'q': {'type': 'string'}"), S("'query': {'type': 'string'}"),
            "renamed||q|query|synonym|90|true|", "{\"map\": {\"q\": \"query\"}}");
    /* The type alone is no rename: a cursor and search text. */
    diff_is(S("'after': {'type': 'string'}"),
            S("'query': {'type': 'string'}"),
            "removed||after||||false|a pagination cursor: a call that "
            "gives it is refused\n"
            "added-optional|||query|||true|", "{\"map\": {}}");
    /* Nor across types that cannot meet. */
    diff_is(S("'days': {'type': 'integer'}"),
            S("'days_list': {'type': 'object'}"),
            "removed||days||||true|dropped from a call, its value lost\n"
            "added-optional|||days_list|||true|",
            "{\"map\": {\"days\": null}}");
    /* Two new names fit one old one equally well: a person chooses. */
    diff_is(S("'text': {'type': 'string'}"),
            S("'content': {'type': 'string'}, 'body': {'type': 'string'}"),
            "renamed||text||||false|two or more new parameters fit it "
            "equally well: a person must choose\n"
            "added-optional|||content|||true|\n"
            "added-optional|||body|||true|", "{\"map\": {}}");
}

static void added_and_types(void **state)
{
    (void)state;
    diff_is(SR("'a': {'type': 'integer'}", "['a']"),
            SR("'a': {'type': 'string'}, 'owner': {'type': 'string'}, "
               "'page_size': {'type': 'integer', 'default': 30}, 'x': "
               "{'type': 'string', 'default': 'y'}", "['a', 'owner', 'x']"),
            "type changed||a|a|||true|integer -> string: values are coerced "
            "where the coercion table allows, else refused\n"
            "added-required|||owner|||false|no default: a call must give it\n"
            "added-optional|||page_size|||true|default 30\n"
            "added-optional|||x|||true|default \"y\"", "{\"map\": {}}");
    /* integer -> number is no change of meaning: the types meet. */
    diff_is(S("'n': {'type': 'integer'}"), S("'n': {'type': 'number'}"),
            "type changed||n|n|||true|integer -> number", "{\"map\": {}}");
    /* Nothing changed. */
    diff_is(S("'n': {'type': 'integer'}"), S("'n': {'type': 'integer'}"),
            "", "{\"map\": {}}");
}

static void enums(void **state)
{
    (void)state;
    diff_is(S("'state': {'enum': ['open', 'in-progress', 'all']}"),
            S("'state': {'enum': ['OPEN', 'in_progress', 'done']}"),
            "enum values changed||state|state|||false|\"open\" -> \"OPEN\" "
            "(case, 95%); \"in-progress\" -> \"in_progress\" (same once "
            "normalised, 95%); \"all\" removed: a person must choose; "
            "\"done\" added",
            "{\"map\": {\"state\": {\"to\": \"state\", \"values\": {\"open\": \"OPEN\", "
            "\"in-progress\": \"in_progress\"}}}}");
    /* Values only added: applied, nothing to map. */
    diff_is(S("'s': {'enum': ['a']}"), S("'s': {'enum': ['a', 'b']}"),
            "enum values changed||s|s|||true|\"b\" added", "{\"map\": {}}");
}

static void removed(void **state)
{
    (void)state;
    diff_is(S("'sort_by': {'type': 'string'}, 'pretty': {'type': "
              "'boolean'}, 'labels': {'type': 'array'}"), S(""),
            "removed||sort_by||||false|a sort order: a call that gives it "
            "is refused\n"
            "removed||pretty||||true|dropped from a call, its value lost\n"
            "removed||labels||||false|a filter: a call that gives it is "
            "refused", "{\"map\": {\"pretty\": null}}");
    /* A bound on the results, and a parameter the old tool required. */
    diff_is(SR("'per_page': {'type': 'integer'}, 'number': {'type': "
               "'integer'}, 'verbose': {'type': 'boolean'}", "['number']"),
            S(""),
            "removed||per_page||||false|a bound on the results: a call that "
            "gives it is refused\n"
            "removed||number||||false|required by the old interface: a call "
            "that gives it is refused\n"
            "removed||verbose||||true|dropped from a call, its value lost",
            "{\"map\": {\"number\": {\"refuse\": \"required by the old "
            "interface\"}, \"verbose\": null}}");
    /* A description that names two values of a new enum: which value
     * stands for the old one is a person's call (raw -> type). */
    diff_is(S("'raw': {'type': 'boolean', 'description': 'Whether to return "
              "it in PNG format; else a JPEG image'}"),
            S("'type': {'enum': ['png', 'jpeg'], 'default': 'png'}"),
            "removed||raw||||false|its description names values of 'type', "
            "and which one a value stands for is a person's call: a call "
            "that gives it is refused\n"
            "added-optional|||type|||true|default \"png\"",
            "{\"map\": {\"raw\": {\"refuse\": \"its description names "
            "values of 'type', and which one a value stands for is a "
            "person's call\"}}}");
    /* One value named is no such evidence: dropped. */
    diff_is(S("'raw': {'type': 'boolean', 'description': 'in PNG format'}"),
            S("'type': {'enum': ['png', 'jpeg'], 'default': 'png'}"),
            "removed||raw||||true|dropped from a call, its value lost\n"
            "added-optional|||type|||true|default \"png\"",
            "{\"map\": {\"raw\": null}}");
}

/* Renamed by values that correspond (github-mcp-server 8aa3379f:
 * sort -> orderBy) and a value meaning all that the new description
 * covers when the property is left out. */
static void enum_remaps(void **state)
{
    (void)state;
    diff_is(S("'sort': {'enum': ['created', 'updated', 'comments']}, "
              "'direction': {'enum': ['asc', 'desc']}, 'state': {'enum': "
              "['open', 'closed', 'all']}"),
            S("'orderBy': {'enum': ['CREATED_AT', 'UPDATED_AT']}, "
              "'direction': {'enum': ['ASC', 'DESC']}, 'state': {'enum': "
              "['OPEN', 'CLOSED'], 'description': 'by default both open and "
              "closed issues are returned when not provided'}"),
            "enum values changed||direction|direction|||true|\"asc\" -> \"ASC\" "
            "(case, 95%); \"desc\" -> \"DESC\" (case, 95%)\n"
            "enum values changed||state|state|||true|\"open\" -> \"OPEN\" (case, "
            "95%); \"closed\" -> \"CLOSED\" (case, 95%); \"all\" -> left "
            "out (the new description says leaving it out gives every "
            "value)\n"
            "renamed||sort|orderBy|enum values correspond|75|true|\n"
            "enum values changed||orderBy|orderBy|||false|\"created\" -> "
            "\"CREATED_AT\" (one holds the other, 80%); \"updated\" -> "
            "\"UPDATED_AT\" (one holds the other, 80%); \"comments\" "
            "removed: a person must choose",
            "{\"map\": {\"direction\": {\"to\": \"direction\", \"values\": "
            "{\"asc\": \"ASC\", \"desc\": \"DESC\"}}, \"state\": {\"to\": "
            "\"state\", \"values\": {\"open\": \"OPEN\", \"closed\": "
            "\"CLOSED\", \"all\": null}}, \"sort\": {\"to\": \"orderBy\", "
            "\"values\": {\"created\": \"CREATED_AT\", \"updated\": "
            "\"UPDATED_AT\"}}}}");
    /* One value in common is no correspondence; a required property, or
     * a description that names only some values, covers nothing. */
    diff_is(S("'sort': {'enum': ['created', 'size']}, 'state': {'enum': "
              "['open', 'all']}"),
            SR("'orderBy': {'enum': ['CREATED_AT', 'NAME']}, 'state': "
               "{'enum': ['OPEN', 'CLOSED'], 'description': 'open and "
               "closed when not provided'}", "['state']"),
            "enum values changed||state|state|||false|\"open\" -> \"OPEN\" "
            "(case, 95%); \"all\" removed: a person must choose; "
            "\"CLOSED\" added\n"
            "removed||sort||||false|a sort order: a call that gives it is "
            "refused\n"
            "added-optional|||orderBy|||true|",
            "{\"map\": {\"state\": {\"to\": \"state\", \"values\": "
            "{\"open\": \"OPEN\"}}}}");
}

static void nesting(void **state)
{
    (void)state;
    diff_is(S("'state': {'type': 'string'}"),
            S("'filter': {'type': 'object', 'properties': {'state': "
              "{'type': 'string'}}}"),
            "moved into nesting||state|filter.state|same name|90|true|",
            "{\"map\": {}}");
    diff_is(S("'options': {'type': 'object', 'properties': {'limit': "
              "{'type': 'integer'}}}"),
            S("'per_page': {'type': 'integer'}"),
            "moved out of nesting||options.limit|per_page|synonym|85|true|",
            "{\"map\": {}}");
    /* Not into an object whose properties share nothing with it. */
    diff_is(S("'cursor': {'type': 'string'}"),
            S("'filter': {'type': 'object', 'properties': {'text': "
              "{'type': 'string'}}}"),
            "removed||cursor||||false|a pagination cursor: a call that "
            "gives it is refused\n"
            "added-optional|||filter|||true|", "{\"map\": {}}");
}

static void split_and_merged(void **state)
{
    (void)state;
    diff_is(S("'name': {'type': 'string'}"),
            S("'first_name': {'type': 'string'}, 'last_name': {'type': "
              "'string'}"),
            "split||name|first_name, last_name|one name holds the other|60"
            "|false|how the value divides is a person's call", "{\"map\": {}}");
    diff_is(S("'date': {'type': 'string'}, 'time': {'type': 'string'}"),
            S("'date_time': {'type': 'string'}"),
            "merged||date, time|date_time|one name holds the other|60|false"
            "|how the values join is a person's call", "{\"map\": {}}");
}

/* ---- tools -------------------------------------------------------------- */

#define TOOL(name, schema) "{'name': '" name "', 'inputSchema': " schema "}"

static void tools(void **state)
{
    (void)state;
    const char *old = "{'tools': [" TOOL("list_issues", S("'state': "
                      "{'enum': ['open']}")) ", " TOOL("get_issue",
                      S("'number': {'type': 'integer'}")) ", "
                      TOOL("searchCode", S("'q': {'type': 'string'}")) ", "
                      TOOL("drop_repo", S("")) "]}";
    /* The merged tool in its enum form. */
    const char *new = "[" TOOL("issue", SR("'method': {'enum': ['list', "
                      "'get']}, 'state': {'enum': ['OPEN']}, 'number': "
                      "{'type': 'integer'}", "['method']")) ", "
                      "{'type': 'function', 'function': {'name': "
                      "'search_code', 'parameters': " S("'query': {'type': "
                      "'string'}") "}}, " TOOL("fork", S("")) "]";
    diff_is(old, new,
            "tools merged behind a discriminator|issue|list_issues|issue|"
            "the tool's name and the value|95|true|method: \"list\"\n"
            "enum values changed|issue|state|state|||true|\"open\" -> "
            "\"OPEN\" (case, 95%)\n"
            "added-optional|issue||number|||true|\n"
            "tools merged behind a discriminator|issue|get_issue|issue|"
            "the tool's name and the value|95|true|method: \"get\"\n"
            "added-optional|issue||state|||true|\n"
            "tool renamed|search_code|searchCode|search_code|same name|95|"
            "true|\n"
            "renamed|search_code|q|query|synonym|90|true|\n"
            "tool removed||drop_repo||||false|a call to it cannot be "
            "translated\n"
            "tool added|||fork|||true|",
            "{\"tools\": {\"list_issues\": {\"to\": \"issue\", \"set\": {\"method\": \"list\"}, "
            "\"map\": {\"state\": {\"to\": \"state\", \"values\": {\"open\": \"OPEN\"}}}}, "
            "\"get_issue\": {\"to\": \"issue\", \"set\": {\"method\": \"get\"}, \"map\": {}}, "
            "\"searchCode\": {\"to\": \"search_code\", \"map\": {\"q\": \"query\"}}}}");
    /* The oneOf form: each old tool compared with its own branch. */
    const char *one = "[" TOOL("issue", "{'oneOf': [" SR("'method': "
                      "{'const': 'list'}, 'state': {'enum': ['OPEN']}",
                      "['method']") ", " SR("'method': {'const': 'get'}, "
                      "'number': {'type': 'integer'}", "['method', "
                      "'number']") "]}") "]";
    diff_is("[" TOOL("list_issues", S("'state': {'enum': ['open']}")) ", "
            TOOL("get_issue", S("'number': {'type': 'integer'}")) "]", one,
            "tools merged behind a discriminator|issue|list_issues|issue|"
            "the tool's name and the value|95|true|method: \"list\"\n"
            "enum values changed|issue|state|state|||true|\"open\" -> "
            "\"OPEN\" (case, 95%)\n"
            "tools merged behind a discriminator|issue|get_issue|issue|"
            "the tool's name and the value|95|true|method: \"get\"",
            "{\"tools\": {\"list_issues\": {\"to\": \"issue\", \"set\": {\"method\": \"list\"}, "
            "\"map\": {\"state\": {\"to\": \"state\", \"values\": {\"open\": \"OPEN\"}}}}, "
            "\"get_issue\": {\"to\": \"issue\", \"set\": {\"method\": \"get\"}, \"map\": {}}}}");
    /* github/github-mcp-server 3ba8d4a1 ("Issues consolidation"): the
     * new name has a word the old ones lack (read); list_sub_issues is
     * get_sub_issues by a verb of the same kind (list ~ get, 90%), the
     * value no other old tool took by its words. */
    diff_is("[" TOOL("get_issue", SR("'issue_number': {'type': 'number'}",
                                     "['issue_number']")) ", "
            TOOL("get_issue_comments", S("'issue_number': {'type': "
                                         "'number'}")) ", "
            TOOL("list_sub_issues", S("")) "]",
            "[" TOOL("issue_read", SR("'method': {'enum': ['get', "
                     "'get_comments', 'get_sub_issues']}, 'issue_number': "
                     "{'type': 'number'}", "['method', 'issue_number']"))
            "]",
            "tools merged behind a discriminator|issue_read|get_issue|"
            "issue_read|the tool's name and the value|95|true|method: "
            "\"get\"\n"
            "tools merged behind a discriminator|issue_read|"
            "get_issue_comments|issue_read|the tool's name and the value|95|"
            "true|method: \"get_comments\"\n"
            "tools merged behind a discriminator|issue_read|list_sub_issues|"
            "issue_read|the tool's name and the value, a verb of the same "
            "kind|90|true|method: \"get_sub_issues\"\n"
            "added-required|issue_read||issue_number|||false|no default: a "
            "call must give it",
            "{\"tools\": {\"get_issue\": {\"to\": \"issue_read\", \"set\": "
            "{\"method\": \"get\"}, \"map\": {}}, \"get_issue_comments\": "
            "{\"to\": \"issue_read\", \"set\": {\"method\": "
            "\"get_comments\"}, \"map\": {}}, \"list_sub_issues\": {\"to\": "
            "\"issue_read\", \"set\": {\"method\": \"get_sub_issues\"}, "
            "\"map\": {}}}}");
    /* A verb stands for another only where the value's own words name
     * no other old tool: list_issues takes "list", get_issues is left. */
    diff_is("[" TOOL("list_issues", S("")) ", " TOOL("get_issues", S(""))
            ", " TOOL("create_issue", S("")) "]",
            "[" TOOL("issue", SR("'op': {'enum': ['list', 'add']}",
                                 "['op']")) "]",
            "tools merged behind a discriminator|issue|list_issues|issue|"
            "the tool's name and the value|95|true|op: \"list\"\n"
            "tools merged behind a discriminator|issue|create_issue|issue|"
            "the tool's name and the value, a verb of the same kind|90|true|"
            "op: \"add\"\n"
            "tool removed||get_issues||||false|a call to it cannot be "
            "translated",
            "{\"tools\": {\"list_issues\": {\"to\": \"issue\", \"set\": "
            "{\"op\": \"list\"}, \"map\": {}}, \"create_issue\": {\"to\": "
            "\"issue\", \"set\": {\"op\": \"add\"}, \"map\": {}}}}");
    /* github-mcp-server d0d4b0e5: pull_request_read's method has no
     * enum; its description lists the values (90%). A property that is
     * not required lists nothing. */
#define PR_OLD "[" TOOL("get_pull_request", S("")) ", "                    \
               TOOL("get_pull_request_files", S("")) "]"
#define PR_METHOD "'method': {'type': 'string', 'description': 'Possible "  \
                  "options: 1. get - details. 2. get_files - the files.'}"
    diff_is(PR_OLD, "[" TOOL("pull_request_read", SR(PR_METHOD,
                                                     "['method']")) "]",
            "tools merged behind a discriminator|pull_request_read|"
            "get_pull_request|pull_request_read|the tool's name and a value "
            "its description lists|90|true|method: \"get\"\n"
            "tools merged behind a discriminator|pull_request_read|"
            "get_pull_request_files|pull_request_read|the tool's name and a "
            "value its description lists|90|true|method: \"get_files\"",
            "{\"tools\": {\"get_pull_request\": {\"to\": "
            "\"pull_request_read\", \"set\": {\"method\": \"get\"}, "
            "\"map\": {}}, \"get_pull_request_files\": {\"to\": "
            "\"pull_request_read\", \"set\": {\"method\": \"get_files\"}, "
            "\"map\": {}}}}");
    diff_is(PR_OLD, "[" TOOL("pull_request_read", S(PR_METHOD)) "]",
            "tool removed||get_pull_request||||false|a call to it cannot be "
            "translated\n"
            "tool removed||get_pull_request_files||||false|a call to it "
            "cannot be translated\n"
            "tool added|||pull_request_read|||true|", "{\"tools\": {}}");
#undef PR_OLD
#undef PR_METHOD
    /* A tool renamed by a word added (modelcontextprotocol/servers
     * 11a064c3): two new names hold read_file's words; the one with the
     * same parameters is 5 points surer. Without that, neither. */
    diff_is("[" TOOL("read_file", S("'path': {'type': 'string'}, 'head': "
                                    "{'type': 'number'}")) "]",
            "[" TOOL("read_text_file", S("'path': {'type': 'string'}, "
                                         "'head': {'type': 'number'}")) ", "
            TOOL("read_media_file", S("'path': {'type': 'string'}")) "]",
            "tool renamed|read_text_file|read_file|read_text_file|the new "
            "name holds every word of the old|85|true|\n"
            "tool added|||read_media_file|||true|",
            "{\"tools\": {\"read_file\": {\"to\": \"read_text_file\", "
            "\"map\": {}}}}");
    diff_is("[" TOOL("read_file", S("'path': {'type': 'string'}")) "]",
            "[" TOOL("read_text_file", S("'path': {'type': 'string'}, "
                                         "'head': {'type': 'number'}")) ", "
            TOOL("read_media_file", S("'path': {'type': 'string'}, "
                                      "'mime': {'type': 'string'}")) "]",
            "tool removed||read_file||||false|a call to it cannot be "
            "translated\n"
            "tool added|||read_text_file|||true|\n"
            "tool added|||read_media_file|||true|", "{\"tools\": {}}");
    /* Nor a new tool two old ones fit equally well. */
    diff_is("[" TOOL("read_file", S("")) ", " TOOL("file_read", S("")) "]",
            "[" TOOL("read_text_file", S("")) "]",
            "tool removed||read_file||||false|a call to it cannot be "
            "translated\n"
            "tool removed||file_read||||false|a call to it cannot be "
            "translated\n"
            "tool added|||read_text_file|||true|", "{\"tools\": {}}");
    /* One old tool alone is no merge: a value must name two. */
    diff_is("[" TOOL("list_issues", S("")) "]",
            "[" TOOL("tracker", SR("'method': {'enum': ['list']}",
                                   "['method']")) "]",
            "tool removed||list_issues||||false|a call to it cannot be "
            "translated\n"
            "tool added|||tracker|||true|", "{\"tools\": {}}");
}

/* Tools renamed by description similarity: a tool left of each side
 * whose descriptions share 75% or more of their words and which take
 * parameters of the same names (microsoft/playwright-mcp abd56f51:
 * browser_choose_file became browser_file_upload, its paths unchanged). */
#define TOOLD(name, desc, schema)                                            \
    "{'name': '" name "', 'description': '" desc "', 'inputSchema': "        \
    schema "}"
#define PATHS S("'paths': {'type': 'array', 'items': {'type': 'string'}}")

static void renamed_by_description(void **state)
{
    (void)state;
    diff_is("[" TOOLD("browser_choose_file", "Choose one or multiple files "
                      "to upload", PATHS) "]",
            "[" TOOLD("browser_file_upload", "Upload one or multiple files",
                      PATHS) "]",
            "tool renamed|browser_file_upload|browser_choose_file|"
            "browser_file_upload|the descriptions agree|75|true|",
            "{\"tools\": {\"browser_choose_file\": {\"to\": "
            "\"browser_file_upload\", \"map\": {}}}}");
    /* Three words of four in common (75%): agreed; two of three (66%):
     * not. */
    diff_is("[" TOOLD("aa_one", "alpha beta gamma", PATHS) "]",
            "[" TOOLD("zz_two", "alpha beta gamma delta", PATHS) "]",
            "tool renamed|zz_two|aa_one|zz_two|the descriptions agree|75|"
            "true|", "{\"tools\": {\"aa_one\": {\"to\": \"zz_two\", "
            "\"map\": {}}}}");
    diff_is("[" TOOLD("aa_one", "alpha beta", PATHS) "]",
            "[" TOOLD("zz_two", "alpha beta gamma", PATHS) "]",
            "tool removed||aa_one||||false|a call to it cannot be "
            "translated\n"
            "tool added|||zz_two|||true|", "{\"tools\": {}}");
    /* Going back is not going forward: the same parameters, descriptions
     * that share "the" and "page" (33%). */
    diff_is("[" TOOLD("browser_navigate_back", "Go back to the previous "
                      "page", PATHS) "]",
            "[" TOOLD("browser_navigate_forward", "Go forward to the next "
                      "page", PATHS) "]",
            "tool removed||browser_navigate_back||||false|a call to it "
            "cannot be translated\n"
            "tool added|||browser_navigate_forward|||true|",
            "{\"tools\": {}}");
    /* The same description, other parameters; or no parameters: no. */
    diff_is("[" TOOLD("aa_one", "Upload one or multiple files", PATHS) "]",
            "[" TOOLD("zz_two", "Upload one or multiple files",
                      S("'path': {'type': 'string'}")) "]",
            "tool removed||aa_one||||false|a call to it cannot be "
            "translated\n"
            "tool added|||zz_two|||true|", "{\"tools\": {}}");
    diff_is("[" TOOLD("aa_one", "Close the page", S("")) "]",
            "[" TOOLD("zz_two", "Close the page", S("")) "]",
            "tool removed||aa_one||||false|a call to it cannot be "
            "translated\n"
            "tool added|||zz_two|||true|", "{\"tools\": {}}");
    /* Two new tools that agree with it equally well: neither. */
    diff_is("[" TOOLD("aa_one", "Upload one or multiple files", PATHS) "]",
            "[" TOOLD("zz_two", "Upload one or multiple files", PATHS) ", "
            TOOLD("yy_three", "Upload one or multiple files", PATHS) "]",
            "tool removed||aa_one||||false|a call to it cannot be "
            "translated\n"
            "tool added|||zz_two|||true|\n"
            "tool added|||yy_three|||true|", "{\"tools\": {}}");
}
#undef TOOLD
#undef PATHS

static void not_interfaces(void **state)
{
    (void)state;
    refused("3", S(""), "the old interface is neither a parameter schema, a "
            "tool, nor a list of tools");
    refused(S(""), "[{'name': 'a'}]", "the new interface's tool 0 (counted "
            "from 0) has no name or no parameter schema (inputSchema, "
            "input_schema or parameters)");
    strbuf_t many;
    strbuf_init(&many);
    strbuf_puts(&many, "[");
    for (int i = 0; i < 257; i++)
        strbuf_printf(&many, "%s{'name': 't%d', 'inputSchema': {}}",
                      i ? ", " : "", i);
    strbuf_puts(&many, "]");
    refused(many.data, "[]", "the old interface has 257 tools; at most 256 "
            "are compared");
    /* 256 is the bound: compared. */
    many.len = 0;
    strbuf_puts(&many, "[");
    for (int i = 0; i < 256; i++)
        strbuf_printf(&many, "%s{'name': 't%d', 'inputSchema': {}}",
                      i ? ", " : "", i);
    strbuf_puts(&many, "]");
    val_t *o = json_value(many.data), *n = json_value("[]"), *d = NULL;
    strbuf_t why;
    strbuf_init(&why);
    assert_int_equal(adapt_diff(o, n, &d, &why), MIG_OK);
    assert_int_equal(val_len(val_map_get(d, "changes", 7)), 256);
    strbuf_free(&why);
    strbuf_free(&many);
    val_unref(d);
    val_unref(o);
    val_unref(n);
}

/* ---- adapt.translate ---------------------------------------------------- */

/* Runs adapt.translate on ARGS: its result's canonical text must be WANT,
 * or, WANT NULL, it must fail with the class CLS and the message MSG. */
static void translate_is(afx_t *f, const char *args, const char *want,
                         const char *cls, const char *msg)
{
    const action_t *a = action_find(f->reg, "adapt.translate");
    assert_non_null(a);
    val_t *in = json_value(args), *out = NULL;
    mig_status_t st = a->run(f->ctx, in, &out);
    if (want) {
        assert_int_equal(st, MIG_OK);
        char *got = afx_text(out);
        assert_string_equal(got, want);
        free(got);
    } else {
        assert_int_not_equal(st, MIG_OK);
        assert_null(out);
        assert_string_equal(actx_error_class(f->ctx), cls);
        assert_string_equal(actx_error_message(f->ctx), msg);
    }
    val_unref(out);
    val_unref(in);
}

#define OLD_TOOLS                                                            \
    "[" TOOL("list_issues", S("'state': {'enum': ['open', 'closed']}, "    \
                              "'after': {'type': 'string'}")) ", "          \
    TOOL("get_issue", S("'number': {'type': 'integer'}")) "]"
#define NEW_TOOLS                                                            \
    "[" TOOL("issue", "{'type': 'object', 'properties': {'method': "        \
             "{'enum': ['list', 'get']}, 'state': {'enum': ['OPEN', "       \
             "'CLOSED']}, 'number': {'type': 'integer'}}, 'required': "     \
             "['method'], 'additionalProperties': false}") "]"

static void translate(void **state)
{
    afx_t *f = *state;
    translate_is(f, "{'from': " OLD_TOOLS ", 'to': " NEW_TOOLS ", 'call': "
                 "{'name': 'list_issues', 'arguments': {'state': 'open'}}}",
                 "{\"call\": {\"name\": \"issue\", \"arguments\": {\"state\": \"OPEN\", "
                 "\"method\": \"list\"}}, \"changes\": [\"call: 'list_issues' -> "
                 "'issue' with method: \\\"list\\\" (tools merged behind a "
                 "discriminator, 95%)\", \"call.state: \\\"open\\\" -> "
                 "\\\"OPEN\\\" (the interface diff, 100%)\"]}", NULL, NULL);
    translate_is(f, "{'from': " OLD_TOOLS ", 'to': " NEW_TOOLS ", 'call': "
                 "{'name': 'get_issue', 'arguments': {'number': '7'}}}",
                 "{\"call\": {\"name\": \"issue\", \"arguments\": {\"number\": 7, \"method\": "
                 "\"get\"}}, \"changes\": [\"call: 'get_issue' -> 'issue' with "
                 "method: \\\"get\\\" (tools merged behind a discriminator, "
                 "95%)\", \"call.number: \\\"7\\\" -> 7 (integer)\"]}", NULL,
                 NULL);
    /* The cursor has no place in the new tool: refused, never guessed. */
    translate_is(f, "{'from': " OLD_TOOLS ", 'to': " NEW_TOOLS ", 'call': "
                 "{'name': 'list_issues', 'arguments': {'after': 'c2'}}}",
                 NULL, "ParamMismatch", "adapt.translate: parameter 'after' "
                 "is a pagination cursor, and issue has no parameter for it "
                 "(method, state, number): dropping it would change what "
                 "the call returns");
    translate_is(f, "{'from': " OLD_TOOLS ", 'to': " NEW_TOOLS ", 'call': "
                 "{'name': 'close_issue', 'arguments': {}}}", NULL,
                 "MethodNotFound", "adapt.translate: the new interface has "
                 "no tool for 'close_issue'");
    translate_is(f, "{'from': " OLD_TOOLS ", 'to': " NEW_TOOLS ", 'call': "
                 "{'state': 'open'}}", NULL, "InvalidConfig",
                 "adapt.translate: call: expected {name: TOOL, arguments: "
                 "{...}} for interfaces of tools");
    /* Two schemas: the call is the parameters. */
    translate_is(f, "{'from': " S("'q': {'type': 'string'}, 'pretty': "
                 "{'type': 'boolean'}") ", 'to': " S("'query': {'type': "
                 "'string'}") ", 'call': {'q': 'bug', 'pretty': true}}",
                 "{\"call\": {\"query\": \"bug\"}, \"changes\": [\"call: 'q' -> 'query' "
                 "(the interface diff, 100%)\", \"call.pretty: dropped "
                 "(the interface diff)\"]}", NULL, NULL);
    /* The diff's refusal travels in the map: a parameter the old
     * interface required and the new one lacks is refused, not dropped. */
    translate_is(f, "{'from': " SR("'number': {'type': 'integer'}, 'x': "
                 "{'type': 'integer'}", "['number']") ", 'to': "
                 S("'x': {'type': 'integer'}") ", 'call': {'number': 7}}",
                 NULL, "ParamMismatch", "adapt.translate: parameter "
                 "'number' cannot be translated (the interface diff): "
                 "required by the old interface");
    /* A page number is never a likely typo of a name without a meaning
     * (page ~ tags, two letters apart): refused, not renamed. */
    translate_is(f, "{'from': " S("'page': {'type': 'integer'}") ", 'to': "
                 S("'tags': {'type': 'array', 'items': {'type': "
                 "'string'}}") ", 'call': {'page': 1}}", NULL,
                 "ParamMismatch", "adapt.translate: parameter 'page' is a "
                 "page number or offset, and the new interface has no "
                 "parameter for it (tags): dropping it would change what "
                 "the call returns");
    /* A value the diff maps to null leaves the parameter out. */
    translate_is(f, "{'from': " S("'state': {'enum': ['open', 'all']}")
                 ", 'to': " S("'state': {'enum': ['OPEN', 'CLOSED'], "
                 "'description': 'open and closed ones when not given'}")
                 ", 'call': {'state': 'all'}}", "{\"call\": {}, \"changes\": "
                 "[\"call.state: \\\"all\\\" -> left out (the interface "
                 "diff, 100%)\"]}", NULL, NULL);
    translate_is(f, "{'from': 3, 'to': {}, 'call': {}}", NULL,
                 "InvalidConfig", "adapt.translate: the old interface is "
                 "neither a parameter schema, a tool, nor a list of tools");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, afx_setup, afx_teardown)
    const struct CMUnitTest tests[] = {
        T(renamed), T(added_and_types), T(enums), T(enum_remaps),
        T(removed), T(nesting),
        T(split_and_merged), T(tools), T(renamed_by_description),
        T(not_interfaces), T(translate),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
