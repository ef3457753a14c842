/* test_tools_core.c: what every legacy reader stands on (tools_file.c,
 * tools.c): loading (the size limit at its bound, regular files only, BOM,
 * CRLF, binary, JSON then JSON Lines then lenient YAML, multi-document
 * YAML, the digest, files next to a file), detection's reasons for files
 * no reader takes, and tools.scan (recursion, globs, dot files, links,
 * a missing folder). */
#include "tools_fixture.h"

#include <errno.h>
#include <sys/types.h>

/* Loads PATH into F (asserting MIG_OK). */
static void load(const char *path, tools_file_t *f)
{
    assert_int_equal(tools_file_load(ctx, path, f), MIG_OK);
}

/* The message of F's first load problem, or "". */
static const char *first_problem(const tools_file_t *f)
{
    val_t *p = val_len(f->load_problems) ? val_list_get(f->load_problems, 0) : NULL;
    return p ? str(p, "message") : "";
}

static void size_limit(void **state)
{
    (void)state;
    char *big = malloc(TOOLS_FILE_MAX + 1);
    assert_non_null(big);
    memset(big, ' ', TOOLS_FILE_MAX + 1);
    tools_file_t f;
    /* TOOLS_FILE_MAX - 1 and TOOLS_FILE_MAX bytes are read... */
    load(put_bytes("n-1.json", big, TOOLS_FILE_MAX - 1), &f);
    assert_non_null(f.syntax);
    tools_file_free(&f);
    load(put_bytes("n.json", big, TOOLS_FILE_MAX), &f);
    assert_non_null(f.syntax);
    assert_int_equal(f.len, TOOLS_FILE_MAX);
    tools_file_free(&f);
    /* ... one more byte is not. */
    load(put_bytes("n+1.json", big, TOOLS_FILE_MAX + 1), &f);
    assert_null(f.syntax);
    assert_string_equal(first_problem(&f), "16777217 bytes: over the 16777216-byte "
                        "(16 MiB) limit of a legacy file");
    tools_file_free(&f);
    free(big);
    val_t *r = read_path(in_scratch("n+1.json"));
    assert_true(has_problem(r, "error", "over the 16777216-byte (16 MiB) limit"));
    assert_int_equal(n_of(r, "problems"), 1);
    val_unref(r);
    unlink(in_scratch("n-1.json"));
    unlink(in_scratch("n.json"));
    unlink(in_scratch("n+1.json"));
}

static void regular_files_only(void **state)
{
    (void)state;
    tools_file_t f;
    assert_int_equal(mkdir(in_scratch("adir"), 0755), 0);
    load(in_scratch("adir"), &f);
    assert_null(f.syntax);
    assert_string_equal(first_problem(&f), "not a regular file");
    tools_file_free(&f);
    /* A FIFO is refused without waiting for a writer. */
    assert_int_equal(mkfifo(in_scratch("fifo"), 0644), 0);
    load(in_scratch("fifo"), &f);
    assert_string_equal(first_problem(&f), "not a regular file");
    tools_file_free(&f);
    load(in_scratch("missing.json"), &f);
    assert_string_equal(first_problem(&f), "cannot be read: No such file or directory");
    assert_string_equal(f.digest, "");
    tools_file_free(&f);
    val_t *r = read_path(in_scratch("missing.json"));
    assert_int_equal(val_type(get(r, "format")), VAL_NULL);
    assert_int_equal(val_type(get(r, "digest")), VAL_NULL);
    assert_true(has_problem(r, "error", "cannot be read: No such file"));
    val_unref(r);
    rmdir(in_scratch("adir"));
    unlink(in_scratch("fifo"));
}

static void syntaxes(void **state)
{
    (void)state;
    tools_file_t f;
    const char bom_crlf[] = "\xEF\xBB\xBF{\"a\":\r\n 1}\r\n";
    load(put_str("x.json", bom_crlf), &f);
    assert_string_equal(f.syntax, "json");
    assert_true(f.bom);
    assert_true(f.crlf);
    assert_false(f.binary);
    assert_string_equal(f.bytes, "{\"a\":\n 1}\n");
    /* The digest is of the bytes as they are on disk. */
    char hex[BLOB_HEX], want[8 + BLOB_HEX];
    blobs_hash(bom_crlf, strlen(bom_crlf), hex);
    snprintf(want, sizeof want, "blake2b:%s", hex);
    assert_string_equal(f.digest, want);
    tools_file_free(&f);
    load(put_str("x.jsonl", "{\"a\": 1}\n\n[2]\n"), &f);
    assert_string_equal(f.syntax, "jsonl");
    assert_null(f.doc);
    assert_int_equal(val_len(f.docs), 2);
    assert_int_equal(f.lines[0], 1);
    assert_int_equal(f.lines[1], 3);
    tools_file_free(&f);
    /* One JSON line is JSON; a bad line makes it YAML or text. */
    load(put_str("one.jsonl", "{\"a\": 1}\n"), &f);
    assert_string_equal(f.syntax, "json");
    tools_file_free(&f);
    load(put_str("y.yaml", "a: 1\n---\nb: !!python/tuple [1]\nc: 250_000\n"), &f);
    assert_string_equal(f.syntax, "yaml");
    assert_int_equal(val_len(f.docs), 2);
    assert_string_equal(json(f.doc), "{\"a\":1}");
    assert_int_equal(val_len(f.load_problems), 2);
    assert_string_equal(first_problem(&f), "YAML: unknown tag '!!python/tuple' "
                        "kept as a tagged value");
    assert_int_equal(val_get_int(get(val_list_get(f.load_problems, 0), "line")), 3);
    tools_file_free(&f);
    /* JSON with a trailing comma is read as YAML, with a warning. */
    load(put_str("tc.json", "{\"a\": [1, 2,],}"), &f);
    assert_string_equal(f.syntax, "yaml");
    assert_string_equal(json(f.doc), "{\"a\":[1,2]}");
    assert_non_null(strstr(first_problem(&f), "not valid JSON (1:"));
    assert_non_null(strstr(first_problem(&f), "read as YAML"));
    tools_file_free(&f);
    /* A merge conflict committed in a file: no reader sees it, and the
     * reason names the markers' line. */
    load(put_str("conflict.json", "{\"a\": 1,\n<<<<<<< HEAD\n\"b\": 2\n"
                 "=======\n\"b\": 3\n>>>>>>> topic\n}\n"), &f);
    assert_null(f.syntax);
    assert_non_null(strstr(first_problem(&f), "unresolved git merge-conflict "
                            "markers (line 2)"));
    tools_file_free(&f);
    /* JSON-looking text that is neither is broken, not text: no reader
     * sees it. */
    load(put_str("broken.json", "{\"a\": 1,\n  \"b\": [1, 2\n"), &f);
    assert_null(f.syntax);
    assert_non_null(strstr(first_problem(&f), "nor YAML"));
    tools_file_free(&f);
    /* A prompt or a template that only starts like JSON is text, with a
     * warning; one byte off the rule ("[1]") it is broken JSON. */
    load(put_str("p.txt", "[INSTRUCTION]\nSay {{$input}}: {\n"), &f);
    assert_string_equal(f.syntax, "text");
    assert_non_null(strstr(first_problem(&f), "read as plain text"));
    tools_file_free(&f);
    load(put_str("j.yaml.j2", "{% if a %}\nx: {{ a }}\n{% endif %}\n"), &f);
    assert_string_equal(f.syntax, "text");
    tools_file_free(&f);
    load(put_str("n.txt", "[1]\nSay {{$input}}: {\n"), &f);
    assert_null(f.syntax);
    tools_file_free(&f);
    load(put_str("t.txt", "Tell a joke about {{$input}}.\n"), &f);
    assert_string_equal(f.syntax, "text");
    assert_null(f.doc);
    assert_string_equal(f.bytes, "Tell a joke about {{$input}}.\n");
    tools_file_free(&f);
}

static void reasons(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text, *reason;
    } cases[] = {
        { "n.json", "42", "a JSON number, not a tool definition" },
        { "m.json", "{\"labels\": [\"a\"], \"b\": 1}",
          "a JSON map that no reader recognises (keys: labels, b)" },
        { "y.yaml", "- 1\n- 2\n", "a YAML list of 2 items that no reader "
          "recognises (the first a number)" },
        { "l.jsonl", "[1]\n[2]\n[3]\n", "JSON Lines (3 values) that no reader recognises" },
        { "t.txt", "hello there\n", "plain text that no reader recognises" },
        { "e.txt", "\n\n", "an empty file, not a tool definition" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        val_t *r = read_path(put_str(cases[i].name, cases[i].text));
        assert_int_equal(val_type(get(r, "format")), VAL_NULL);
        assert_string_equal(str(item(r, "problems", n_of(r, "problems") - 1),
                                "message"), cases[i].reason);
        val_unref(r);
    }
}

/* Two readers equally sure: the one listed first wins (MCP before
 * OpenAI), whatever the order of the file's keys. */
static void ties(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{\"jsonrpc\": \"2.0\", \"id\": 1, \"result\": {\"tools\": [{\"name\": "
        "\"a\", \"inputSchema\": {}}]}, \"messages\": [], \"tools\": [{\"type\": "
        "\"function\", \"function\": {\"name\": \"b\"}}]}",
        "{\"messages\": [], \"tools\": [{\"type\": \"function\", \"function\": "
        "{\"name\": \"b\"}}], \"jsonrpc\": \"2.0\", \"id\": 1, \"result\": "
        "{\"tools\": [{\"name\": \"a\", \"inputSchema\": {}}]}}",
    };
    for (size_t i = 0; i < 2; i++) {
        val_t *rows;
        put_str("tie.json", texts[i]);
        rows = call("tools.scan", "dir", scratch, "glob", "tie.json", NULL);
        assert_string_equal(str(val_list_get(rows, 0), "format"), "mcp.jsonrpc");
        assert_int_equal(val_get_int(get(val_list_get(rows, 0), "confidence")), 95);
        val_unref(rows);
        val_t *r = expect_read(in_scratch("tie.json"), "mcp.jsonrpc", 1, 0);
        assert_string_equal(str(item(r, "tools", 0), "name"), "a");
        val_unref(r);
    }
}

static void siblings(void **state)
{
    (void)state;
    assert_int_equal(mkdir(in_scratch("plug"), 0755), 0);
    put_str("plug/ai-plugin.json", "{\"a\": 1}");
    put_str("plug/openapi.yaml", "openapi: 3.0.0\n");
    tools_file_t f, s;
    load(in_scratch("plug/ai-plugin.json"), &f);
    assert_int_equal(tools_file_sibling(&f, "openapi.yaml", &s), MIG_OK);
    assert_string_equal(s.syntax, "yaml");
    assert_string_equal(s.path, in_scratch("plug/openapi.yaml"));
    tools_file_free(&s);
    assert_int_equal(tools_file_sibling(&f, "./openapi.yaml", &s), MIG_OK);
    tools_file_free(&s);
    assert_int_equal(tools_file_sibling(&f, "none.yaml", &s), MIG_EINVALID);
    assert_int_equal(tools_file_sibling(&f, "/etc/passwd", &s), MIG_EINVALID);
    assert_int_equal(tools_file_sibling(&f, "https://x/openapi.yaml", &s),
                     MIG_EINVALID);
    assert_int_equal(tools_file_sibling(&f, "", &s), MIG_EINVALID);
    tools_file_free(&f);
}

/* The paths of a scan's rows, joined by spaces, scratch prefix dropped. */
static const char *paths(const val_t *rows)
{
    static char out[1024];
    size_t n = 0, skip = strlen(scratch) + 1;
    out[0] = '\0';
    for (size_t i = 0; i < val_len(rows); i++)
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", i ? " " : "",
                              str(val_list_get(rows, i), "path") + skip);
    return out;
}

static void scan(void **state)
{
    (void)state;
    assert_int_equal(mkdir(in_scratch("inv"), 0755), 0);
    assert_int_equal(mkdir(in_scratch("inv/sub"), 0755), 0);
    assert_int_equal(mkdir(in_scratch("inv/.git"), 0755), 0);
    put_str("inv/b.json", "[{\"name\": \"f\", \"parameters\": {}}]");
    put_str("inv/a.txt", "just text\n");
    put_str("inv/.hidden.json", "[]");
    put_str("inv/.git/x.json", "[]");
    put_str("inv/sub/c.json", "{\"name\": \"t\", \"inputSchema\": {}}");
    assert_int_equal(symlink(in_scratch("inv/sub"), in_scratch("inv/link")), 0);
    val_t *rows = call("tools.scan", "dir", in_scratch("inv"), NULL);
    assert_non_null(rows);
    assert_string_equal(paths(rows), "inv/a.txt inv/b.json inv/sub/c.json");
    val_t *a = val_list_get(rows, 0), *b = val_list_get(rows, 1),
          *c = val_list_get(rows, 2);
    assert_int_equal(val_type(get(a, "format")), VAL_NULL);
    assert_int_equal(val_get_int(get(a, "confidence")), 0);
    assert_string_equal(str(a, "reason"), "plain text that no reader recognises");
    assert_string_equal(str(b, "format"), "openai.functions");
    assert_int_equal(val_get_int(get(b, "confidence")), 85);
    assert_int_equal(val_type(get(b, "reason")), VAL_NULL);
    assert_string_equal(str(c, "format"), "mcp.tool");
    val_unref(rows);
    rows = call("tools.scan", "dir", in_scratch("inv"), "glob", "*.json",
                "recursive", "false", NULL);
    assert_string_equal(paths(rows), "inv/b.json");
    val_unref(rows);
    /* A glob that matches nothing: an empty list (nothing to sort). */
    rows = call("tools.scan", "dir", in_scratch("inv"), "glob", "*.none", NULL);
    assert_non_null(rows);
    assert_int_equal(val_len(rows), 0);
    val_unref(rows);
    /* A folder that is not there fails the step. */
    assert_null(call("tools.scan", "dir", in_scratch("nowhere"), NULL));
    assert_string_equal(actx_error_class(ctx), "MissingDependency");
    assert_non_null(strstr(actx_error_message(ctx), "tools.scan: cannot list"));
    assert_null(call("tools.scan", "dir", in_scratch("inv/b.json"), NULL));
    assert_string_equal(actx_error_class(ctx), "MissingDependency");
}

/* Every file of the corpus's openai_functions and mcp folders is taken
 * by a reader (none of them is marked broken or not a tool definition). */
static void corpus_scan(void **state)
{
    (void)state;
    static const struct { const char *dir; size_t files; } dirs[] = {
        { "../shared/corpus/openai_functions", 6 },
        { "../shared/corpus/mcp", 9 },
        /* Each family's samples by folder, so that a folder added by
         * another family's reader changes no count here. */
        { "tests/data/legacy/docker_mcp", 6 },
        { "tests/data/legacy/mcp_registry", 1 },
        { "tests/data/legacy/smithery", 1 },
        { "tests/data/legacy/synapse", 2 },
    };
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        val_t *rows = call("tools.scan", "dir", dirs[i].dir, "glob", "*.*", NULL);
        assert_non_null(rows);
        size_t files = 0;
        for (size_t j = 0; j < val_len(rows); j++) {
            val_t *row = val_list_get(rows, j);
            if (strstr(str(row, "path"), "SOURCES.tsv"))
                continue;
            files++;
            if (val_type(get(row, "format")) == VAL_NULL)
                print_error("%s: %s\n", str(row, "path"), str(row, "reason"));
            assert_int_not_equal(val_type(get(row, "format")), VAL_NULL);
        }
        assert_int_equal(files, dirs[i].files);
        val_unref(rows);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(size_limit),
        cmocka_unit_test(regular_files_only),
        cmocka_unit_test(syntaxes),
        cmocka_unit_test(reasons),
        cmocka_unit_test(ties),
        cmocka_unit_test(siblings),
        cmocka_unit_test(scan),
        cmocka_unit_test(corpus_scan),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
