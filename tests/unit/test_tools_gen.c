/* test_tools_gen.c: the generator of synthetic legacy inventories
 * (stdlib/tools/gen*.c, docs/gen.md): every file of every kind is read
 * back by tools.read with the format it was written as and the records it
 * was said to hold; a seed gives the same bytes; the bounds and the
 * mismatches do what docs/gen.md says. */
#include "tools_fixture.h"

/* What an emit callback collects: every file's path and bytes, in order,
 * and the files written under a folder when DIR is set. */
typedef struct sink {
    strbuf_t all;
    const char *dir;
    size_t files;
} sink_t;

static mig_status_t collect(void *data, const char *path, const char *bytes,
                            size_t len)
{
    sink_t *s = data;
    strbuf_printf(&s->all, "%s\n%zu\n", path, len);
    strbuf_put(&s->all, bytes, len);
    s->files++;
    if (!s->dir)
        return MIG_OK;
    char full[512];
    snprintf(full, sizeof full, "%s/%s", s->dir, path);
    for (char *p = full + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(full, 0777);      /* EEXIST is fine; fopen says the rest */
        *p = '/';
    }
    FILE *f = fopen(full, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    return MIG_OK;
}

/* Generates O into a new scratch folder NAME; gives the summary. */
static gen_summary_t gen_into(const gen_opts_t *o, const char *name)
{
    sink_t s = { .dir = in_scratch(name) };
    strbuf_init(&s.all);
    gen_summary_t sum;
    diag_list_t diags;
    diag_list_init(&diags);
    assert_int_equal(gen_tools(o, collect, &s, &sum, &diags), MIG_OK);
    assert_int_equal(diags.len, 0);
    assert_int_equal(sum.files + 1, s.files);   /* and .gen.tsv */
    strbuf_free(&s.all);
    diag_list_free(&diags);
    return sum;
}

/* Reads every file .gen.tsv of scratch folder NAME lists and checks its
 * format and record count; gives the records of the files that count
 * (all but plugin.openapi, whose operations are its manifest's). */
static uint64_t read_back(const char *name, size_t *files)
{
    char list[512];
    snprintf(list, sizeof list, "%s/.gen.tsv", in_scratch(name));
    FILE *f = fopen(list, "r");
    assert_non_null(f);
    char line[1024];
    uint64_t records = 0;
    *files = 0;
    assert_non_null(fgets(line, sizeof line, f));  /* the header */
    while (fgets(line, sizeof line, f)) {
        char path[512], format[64], mis[32];
        size_t n;
        assert_int_equal(sscanf(line, "%511[^\t]\t%63[^\t]\t%zu\t%31s", path,
                                format, &n, mis), 4);
        char full[700];
        snprintf(full, sizeof full, "%s/%s", in_scratch(name), path);
        val_t *r = read_path(full);
        const char *got = str(r, "format");
        size_t have = n_of(r, "tools") + n_of(r, "backends");
        bool none = strcmp(format, "none") == 0;
        if (none ? strcmp(got, "(null)") : strcmp(got, format) || have != n)
            print_error("%s: listed %s with %zu, read as %s with %zu; "
                        "problems %s\n", path, format, n, got, have,
                        json(get(r, "problems")));
        assert_string_equal(got, none ? "(null)" : format);
        assert_int_equal(have, n);
        if (strcmp(format, "plugin.openapi") != 0)
            records += n;
        (*files)++;
        val_unref(r);
    }
    fclose(f);
    return records;
}

/* Every kind: every file read back as listed, and the records add up. */
static void every_kind_reads_back(void **state)
{
    (void)state;
    const char *const *kinds = gen_kinds();
    for (size_t i = 0; kinds[i]; i++) {
        gen_opts_t o = { .kind = kinds[i], .count = 400, .seed = 7 + i };
        char name[32];
        snprintf(name, sizeof name, "all-%s", kinds[i]);
        gen_summary_t sum = gen_into(&o, name);
        size_t files;
        assert_int_equal(sum.records, 400);
        assert_int_equal(read_back(name, &files), 400);
        assert_int_equal(files, sum.files);
    }
}

/* Each family writes each of its variants within a few hundred records:
 * the formats the readers see from a mixed inventory. */
static void mixed_has_every_format(void **state)
{
    (void)state;
    gen_opts_t o = { .kind = "mixed", .count = 3000, .seed = 11 };
    gen_into(&o, "formats");
    char list[512];
    snprintf(list, sizeof list, "%s/.gen.tsv", in_scratch("formats"));
    FILE *f = fopen(list, "r");
    assert_non_null(f);
    strbuf_t seen;
    strbuf_init(&seen);
    char line[1024];
    while (fgets(line, sizeof line, f))
        strbuf_puts(&seen, line);
    fclose(f);
    static const char *const formats[] = {
        "openai.functions", "openai.tools", "openai.jsonl", "openai.request",
        "openai.keyed", "mcp.tools_list", "mcp.tool", "mcp.docker_tools",
        "mcp.jsonrpc", "mcp.bundle", "plugin.ai_plugin", "plugin.openapi",
        "synapse", "rag.haystack", "rag.graphrag", "rag.privategpt",
        "rag.txtai", "rag.ragflow", "rag.quivr", "semantic_kernel.config",
        "semantic_kernel.prompt_yaml",
    };
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
        char tab[80];
        snprintf(tab, sizeof tab, "\t%s\t", formats[i]);
        if (!strstr(seen.data, tab))
            print_error("no file of %s\n", formats[i]);
        assert_non_null(strstr(seen.data, tab));
    }
    strbuf_free(&seen);
}

/* The bytes of generating O (paths and contents, in order). */
static void bytes_of(const gen_opts_t *o, strbuf_t *out)
{
    sink_t s = { 0 };
    strbuf_init(&s.all);
    gen_summary_t sum;
    diag_list_t diags;
    diag_list_init(&diags);
    assert_int_equal(gen_tools(o, collect, &s, &sum, &diags), MIG_OK);
    diag_list_free(&diags);
    *out = s.all;
}

static void same_seed_same_bytes(void **state)
{
    (void)state;
    gen_opts_t o = { .kind = "mixed", .count = 2000, .seed = 42 };
    o.share[GEN_MIS_NAMES] = 0.1;
    o.share[GEN_MIS_MALFORMED] = 0.05;
    strbuf_t a, b, c;
    bytes_of(&o, &a);
    bytes_of(&o, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    o.seed = 43;
    bytes_of(&o, &c);
    assert_true(c.len != a.len || memcmp(a.data, c.data, a.len) != 0);
    strbuf_free(&a);
    strbuf_free(&b);
    strbuf_free(&c);
}

static mig_status_t discard(void *data, const char *path, const char *bytes,
                            size_t len)
{
    (void)path;
    (void)bytes;
    (void)len;
    (*(uint64_t *)data)++;
    return MIG_OK;
}

/* gen_tools on O: its status, and the first message in MSG. */
static mig_status_t try_gen(const gen_opts_t *o, char *msg, size_t size)
{
    uint64_t files = 0;
    gen_summary_t sum;
    diag_list_t diags;
    diag_list_init(&diags);
    mig_status_t st = gen_tools(o, discard, &files, &sum, &diags);
    snprintf(msg, size, "%s", diags.len ? diags.items[0].message : "");
    if (st != MIG_OK)
        assert_int_equal(files, 0);     /* nothing emitted */
    diag_list_free(&diags);
    return st;
}

static void bounds(void **state)
{
    (void)state;
    char msg[256];
    gen_opts_t o = { .kind = "synapse", .count = 0 };
    assert_int_equal(try_gen(&o, msg, sizeof msg), MIG_EINVALID);
    assert_string_equal(msg, "a count of 0 is out of bounds");
    o.count = 1;
    assert_int_equal(try_gen(&o, msg, sizeof msg), MIG_OK);
    o.count = GEN_MAX_COUNT + 1;
    assert_int_equal(try_gen(&o, msg, sizeof msg), MIG_EINVALID);
    assert_string_equal(msg, "a count of 1000001 is out of bounds");
    o.count = 5;
    o.per_file = GEN_MAX_PER_FILE + 1;
    assert_int_equal(try_gen(&o, msg, sizeof msg), MIG_EINVALID);
    assert_string_equal(msg, "1001 records per file is out of bounds");
    o.per_file = GEN_MAX_PER_FILE;
    assert_int_equal(try_gen(&o, msg, sizeof msg), MIG_OK);
    o.kind = "langchain";
    assert_int_equal(try_gen(&o, msg, sizeof msg), MIG_EINVALID);
    assert_string_equal(msg, "unknown kind 'langchain'");
    o.kind = "openai";
    o.share[GEN_MIS_NAMES] = 0.6;
    o.share[GEN_MIS_QUIRKS] = 0.5;
    assert_int_equal(try_gen(&o, msg, sizeof msg), MIG_EINVALID);
    assert_string_equal(msg, "the shares of mismatches add up to more "
                             "than 1");
    o.share[GEN_MIS_QUIRKS] = 0.4;
    assert_int_equal(try_gen(&o, msg, sizeof msg), MIG_OK);
}

static mig_status_t refuse_second(void *data, const char *path,
                                  const char *bytes, size_t len)
{
    (void)path;
    (void)bytes;
    (void)len;
    return ++*(uint64_t *)data > 1 ? MIG_EIO : MIG_OK;
}

/* The largest count is allowed: the generation starts (and stops at the
 * emit's error, which it returns, after one file). */
static void largest_count(void **state)
{
    (void)state;
    gen_opts_t o = { .kind = "openai", .count = GEN_MAX_COUNT };
    uint64_t files = 0;
    gen_summary_t sum;
    diag_list_t diags;
    diag_list_init(&diags);
    assert_int_equal(gen_tools(&o, refuse_second, &files, &sum, &diags),
                     MIG_EIO);
    assert_int_equal(diags.len, 0);
    assert_int_equal(files, 2);
    diag_list_free(&diags);
}

static mig_status_t parse(const char *spec, gen_opts_t *o, char *msg,
                          size_t size)
{
    diag_list_t diags;
    diag_list_init(&diags);
    memset(o->share, 0, sizeof o->share);
    mig_status_t st = gen_parse_mismatches(spec, o, &diags);
    snprintf(msg, size, "%s", diags.len ? diags.items[0].message : "");
    diag_list_free(&diags);
    return st;
}

static void mismatch_lists(void **state)
{
    (void)state;
    gen_opts_t o = { 0 };
    char msg[256];
    assert_int_equal(parse("names:0.25,malformed", &o, msg, sizeof msg),
                     MIG_OK);
    assert_true(o.share[GEN_MIS_NAMES] == 0.25);
    assert_true(o.share[GEN_MIS_MALFORMED] == 0.1);
    assert_int_equal(parse("quirks:1", &o, msg, sizeof msg), MIG_OK);
    assert_true(o.share[GEN_MIS_QUIRKS] == 1);
    assert_int_equal(parse("quirks:1.01", &o, msg, sizeof msg), MIG_EINVALID);
    assert_string_equal(msg, "--mismatches: 'quirks:1.01' has no share from "
                             "0 to 1");
    assert_int_equal(parse("names:-0.1", &o, msg, sizeof msg), MIG_EINVALID);
    assert_int_equal(parse("names:x", &o, msg, sizeof msg), MIG_EINVALID);
    assert_int_equal(parse("typos:0.1", &o, msg, sizeof msg), MIG_EINVALID);
    assert_string_equal(msg, "--mismatches: unknown kind of mismatch in "
                             "'typos:0.1'");
    /* read, but too much for gen_tools */
    assert_int_equal(parse("names:0.6,conflict:0.5", &o, msg, sizeof msg),
                     MIG_OK);
    o.kind = "openai";
    o.count = 1;
    assert_int_equal(try_gen(&o, msg, sizeof msg), MIG_EINVALID);
    assert_string_equal(msg, "the shares of mismatches add up to more than "
                             "1");
}

/* Files per file: every file of a format of several holds exactly N, the
 * last what is left. */
static void files_per(void **state)
{
    (void)state;
    gen_opts_t o = { .kind = "synapse", .count = 10, .per_file = 3 };
    gen_summary_t sum = gen_into(&o, "per");
    assert_int_equal(sum.files, 4);
    size_t files;
    assert_int_equal(read_back("per", &files), 10);
    o.per_file = 1;
    sum = gen_into(&o, "per1");
    assert_int_equal(sum.files, 10);
}

/* The normalised descriptor of the first tool of FILE under scratch NAME. */
static val_t *first_descriptor(const char *name, const char *file)
{
    char full[600];
    snprintf(full, sizeof full, "%s/%s", in_scratch(name), file);
    val_t *r = read_path(full);
    const action_t *a = action_find(reg, "tools.normalize");
    val_t *args = val_map_new(1), *out = NULL;
    val_map_set(args, "record", 6, item(r, "tools", 0));
    actx_begin(ctx, "tools.normalize");
    assert_int_equal(a->run(ctx, args, &out), MIG_OK);
    val_unref(args);
    val_unref(r);
    return out;
}

/* The path of the first file of .gen.tsv in scratch NAME whose format
 * starts with PREFIX, into PATH. */
static void first_file(const char *name, const char *prefix, char *path,
                       size_t size)
{
    char list[512], line[1024];
    snprintf(list, sizeof list, "%s/.gen.tsv", in_scratch(name));
    FILE *f = fopen(list, "r");
    assert_non_null(f);
    path[0] = '\0';
    while (!path[0] && fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (tab && strncmp(tab + 1, prefix, strlen(prefix)) == 0)
            snprintf(path, size, "%.*s", (int)(tab - line), line);
    }
    fclose(f);
    assert_true(path[0]);
}

/* Names and quirks: the normaliser has something to fix in every file,
 * and fixes it. */
static void names_and_quirks_need_the_normaliser(void **state)
{
    (void)state;
    gen_opts_t o = { .kind = "mcp", .count = 60, .seed = 5 };
    o.share[GEN_MIS_NAMES] = 1;
    gen_into(&o, "names");
    char path[512];
    first_file("names", "mcp.tools_list", path, sizeof path);
    val_t *d = first_descriptor("names", path);
    const char *changes = json(get(d, "changes"));
    assert_non_null(strstr(changes, "fitted to"));
    val_unref(d);
    o.share[GEN_MIS_NAMES] = 0;
    o.share[GEN_MIS_QUIRKS] = 1;
    gen_into(&o, "quirks");
    first_file("quirks", "mcp.tools_list", path, sizeof path);
    d = first_descriptor("quirks", path);
    changes = json(get(d, "changes"));
    assert_non_null(strstr(changes, "required: true moved"));
    val_unref(d);
}

/* Malformed files are no format, each with its error; conflicts repeat a
 * name written before. */
static void malformed_and_conflicts(void **state)
{
    (void)state;
    gen_opts_t o = { .kind = "mixed", .count = 300, .seed = 9 };
    o.share[GEN_MIS_MALFORMED] = 1;
    gen_summary_t sum = gen_into(&o, "bad");
    size_t files;
    /* every file that counts is spoilt: only plugin documents (not
     * counted) and SK templates, read alone, give records */
    char list[512], line[1024];
    snprintf(list, sizeof list, "%s/.gen.tsv", in_scratch("bad"));
    FILE *f = fopen(list, "r");
    assert_non_null(f);
    uint64_t alone = 0;
    while (fgets(line, sizeof line, f))
        alone += strstr(line, "\tsemantic_kernel.prompt\t1\t") != NULL;
    fclose(f);
    assert_true(alone > 0);
    assert_int_equal(read_back("bad", &files), alone);
    assert_true(sum.mismatched[GEN_MIS_MALFORMED] > 0);
    o.share[GEN_MIS_MALFORMED] = 0;
    o.share[GEN_MIS_CONFLICT] = 1;
    o.kind = "synapse";
    sum = gen_into(&o, "conflict");
    assert_int_equal(read_back("conflict", &files), 300);
    assert_int_equal(sum.mismatched[GEN_MIS_CONFLICT], files - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_reads_back),
        cmocka_unit_test(mixed_has_every_format),
        cmocka_unit_test(same_seed_same_bytes),
        cmocka_unit_test(bounds),
        cmocka_unit_test(largest_count),
        cmocka_unit_test(mismatch_lists),
        cmocka_unit_test(files_per),
        cmocka_unit_test(names_and_quirks_need_the_normaliser),
        cmocka_unit_test(malformed_and_conflicts),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
