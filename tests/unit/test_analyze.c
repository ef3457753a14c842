/* test_analyze.c: the complexity prediction (analytics/, docs/analytics.md,
 * "Prediction"): features of read results of each family, hand-computed;
 * labels from a journal written by hand (each class, the band, records
 * left out); the split that keeps runs and inventories whole; a train,
 * save, load and predict round trip; the fallback at its threshold; the
 * model file's refusals; evaluation's bound. */
#include "journal_fixture.h"

#include "analyze_int.h"

/* ---- features ------------------------------------------------------------ */

/* The rows of the tools.read result TEXT (JSON). */
static void rows_of(const char *text, analyze_rows_t *rows)
{
    val_t *v = json(text);
    assert_non_null(v);
    assert_int_equal(analyze_features(v, rows), MIG_OK);
    val_unref(v);
}

static double x(const analyze_rows_t *rows, size_t i, analyze_feature_t f)
{
    assert_true(i < rows->n);
    return rows->v[i].x[f];
}

static const char *word(const analyze_rows_t *rows, size_t i,
                        analyze_feature_t f)
{
    assert_true(i < rows->n);
    return rows->v[i].word[f];
}

static void test_features_openai(void **state)
{
    (void)state;
    analyze_rows_t rows = { 0 };
    rows_of("{\"path\": \"in/f.json\", \"format\": \"openai.tools\", "
            "\"version\": null, \"servers\": [], \"backends\": [], "
            "\"problems\": [{\"severity\": \"warning\", \"message\": \"w\"}],"
            " \"tools\": [{\"name\": \"Get weather.now\", \"description\": "
            "\"abcd\", \"parameters\": {\"type\": \"object\", \"required\": "
            "[\"city\"], \"properties\": {\"city\": {\"type\": \"str\"}, "
            "\"opts\": {\"type\": \"object\", \"properties\": {\"unit\": "
            "{\"enum\": [\"c\", \"f\"], \"nullable\": true}, \"days\": "
            "{\"type\": \"integer\", \"required\": true}, \"at\": "
            "{\"$ref\": \"#/d\"}}}}}, \"auth\": null, \"dependencies\": "
            "null, \"config\": null, \"extra\": {\"strict\": true}, "
            "\"provenance\": {\"file\": \"in/f.json\", \"pointer\": "
            "\"/tools/0\"}}]}", &rows);
    assert_int_equal(rows.n, 1);
    assert_string_equal(rows.v[0].file, "in/f.json");
    assert_string_equal(rows.v[0].place, "#/tools/0");
    assert_string_equal(word(&rows, 0, ANALYZE_F_FORMAT), "openai.tools");
    assert_string_equal(word(&rows, 0, ANALYZE_F_FAMILY), "openai");
    assert_string_equal(word(&rows, 0, ANALYZE_F_KIND), "tool");
    assert_null(word(&rows, 0, ANALYZE_F_AUTH));
    assert_true(isnan(x(&rows, 0, ANALYZE_F_VERSION)));
    assert_true(x(&rows, 0, ANALYZE_F_FILE_RECORDS) == 1);
    assert_true(x(&rows, 0, ANALYZE_F_FILE_ERRORS) == 0);
    assert_true(x(&rows, 0, ANALYZE_F_FILE_WARNINGS) == 1);
    assert_true(x(&rows, 0, ANALYZE_F_PARAMS) == 2);
    assert_true(x(&rows, 0, ANALYZE_F_REQUIRED) == 1);
    /* city and opts at 1, unit, days and at at 2 */
    assert_true(x(&rows, 0, ANALYZE_F_SCHEMA_DEPTH) == 2);
    assert_true(x(&rows, 0, ANALYZE_F_SCHEMA_WIDTH) == 3);
    assert_true(x(&rows, 0, ANALYZE_F_REFS) == 1);
    assert_true(x(&rows, 0, ANALYZE_F_ENUMS) == 1);
    /* "str", nullable, required: true */
    assert_true(x(&rows, 0, ANALYZE_F_DIALECT) == 3);
    assert_true(x(&rows, 0, ANALYZE_F_NAME_LENGTH) == 15);
    assert_true(x(&rows, 0, ANALYZE_F_NAME_SEPARATORS) == 2);
    assert_true(x(&rows, 0, ANALYZE_F_NAME_UPPER) == 1);
    assert_true(x(&rows, 0, ANALYZE_F_NAME_FITS) == 0);
    assert_true(x(&rows, 0, ANALYZE_F_DESCRIPTION) == 4);
    assert_true(x(&rows, 0, ANALYZE_F_DEPENDENCIES) == 0);
    assert_true(x(&rows, 0, ANALYZE_F_EXTRA_KEYS) == 1);
    analyze_rows_free(&rows);
}

/* A Synapse v2 method: a version, an auth map, dependencies, a name that
 * fits (64 characters fit, 65 do not). */
static void test_features_synapse_and_name_bound(void **state)
{
    (void)state;
    analyze_rows_t rows = { 0 };
    rows_of("{\"path\": \"s.v2.yaml\", \"format\": \"synapse\", \"version\": "
            "\"2\", \"servers\": [], \"backends\": [], \"problems\": [], "
            "\"tools\": [{\"name\": \"a123456789b123456789c123456789d12345"
            "6789e123456789f123456789g123\", \"parameters\": [\"x\", \"y\"],"
            " \"auth\": {\"type\": \"bearer\"}, \"dependencies\": [\"ledger\","
            " \"crm\"], \"config\": {\"timeout\": 3}, \"provenance\": "
            "{\"file\": \"s.v2.yaml\", \"pointer\": \"/methods/a\"}}, "
            "{\"name\": \"a123456789b123456789c123456789d123456789e12345678"
            "9f123456789g1234\", \"provenance\": {\"file\": \"s.v2.yaml\", "
            "\"line\": 3}}]}", &rows);
    assert_int_equal(rows.n, 2);
    assert_true(x(&rows, 0, ANALYZE_F_VERSION) == 2);
    assert_true(x(&rows, 0, ANALYZE_F_FILE_RECORDS) == 2);
    assert_true(x(&rows, 0, ANALYZE_F_PARAMS) == 2);    /* a list */
    assert_true(x(&rows, 0, ANALYZE_F_REQUIRED) == 0);
    assert_true(x(&rows, 0, ANALYZE_F_SCHEMA_DEPTH) == 0);
    assert_string_equal(word(&rows, 0, ANALYZE_F_AUTH), "bearer");
    assert_true(x(&rows, 0, ANALYZE_F_DEPENDENCIES) == 2);
    assert_true(x(&rows, 0, ANALYZE_F_CONFIG_KEYS) == 1);
    assert_true(x(&rows, 0, ANALYZE_F_NAME_LENGTH) == 64);
    assert_true(x(&rows, 0, ANALYZE_F_NAME_FITS) == 1);
    assert_true(x(&rows, 1, ANALYZE_F_NAME_LENGTH) == 65);
    assert_true(x(&rows, 1, ANALYZE_F_NAME_FITS) == 0);
    assert_string_equal(rows.v[1].place, "line 3");
    assert_true(x(&rows, 0, ANALYZE_F_POSITION) == 0);
    assert_true(x(&rows, 1, ANALYZE_F_POSITION) == 1);
    analyze_rows_free(&rows);
}

/* A read result of FILE whose tools are named NAMES (a JSON list). */
static void named(analyze_rows_t *rows, const char *file, const char *names)
{
    val_t *l = json(names);
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "{\"path\": \"%s\", \"format\": \"openai.tools\", "
                  "\"servers\": [], \"backends\": [], \"problems\": [], "
                  "\"tools\": [", file);
    for (size_t i = 0; i < val_len(l); i++)
        strbuf_printf(&b, "%s{\"name\": \"%s\", \"provenance\": {\"file\":"
                      " \"%s\", \"pointer\": \"/%zu\"}}", i ? ", " : "",
                      val_get_str(val_list_get(l, i), NULL), file, i);
    strbuf_puts(&b, "]}");
    rows_of(b.data, rows);
    strbuf_free(&b);
    val_unref(l);
}

/* name_before counts the records of the files before, in path order
 * (not the order read), with the same name; its own file's do not
 * count. Rows before FROM are another inventory's. */
static void test_inventory(void **state)
{
    (void)state;
    analyze_rows_t rows = { 0 };
    named(&rows, "z/other.json", "[\"a\"]");
    named(&rows, "inv/f2.json", "[\"a\", \"a\", \"c\"]");
    named(&rows, "inv/f1.json", "[\"a\", \"b\"]");
    named(&rows, "inv/f3.json", "[\"a\", \"b\"]");
    assert_int_equal(analyze_inventory(&rows, 1), MIG_OK);
    static const double want[] = { NAN, 1, 1, 0, 0, 0, 3, 1 };
    for (size_t i = 1; i < rows.n; i++)
        assert_true(x(&rows, i, ANALYZE_F_NAME_BEFORE) == want[i]);
    assert_true(isnan(x(&rows, 0, ANALYZE_F_NAME_BEFORE)));
    assert_true(x(&rows, 2, ANALYZE_F_POSITION) == 1);
    analyze_rows_free(&rows);
}

/* An MCP bundle: a tool through its server, the server a record too; a
 * RAG backend; a file no reader took (one row, the file's). */
static void test_features_mcp_rag_none(void **state)
{
    (void)state;
    analyze_rows_t rows = { 0 };
    rows_of("{\"path\": \"m/manifest.json\", \"format\": \"mcp.bundle\", "
            "\"version\": \"0.2\", \"tools\": [{\"name\": \"t\", "
            "\"dependencies\": [\"srv\"], \"provenance\": {\"file\": "
            "\"m/manifest.json\", \"pointer\": \"/tools/0\"}}], \"servers\":"
            " [{\"name\": \"srv\", \"auth\": \"oauth\", \"provenance\": "
            "{\"file\": \"m/manifest.json\", \"pointer\": \"\"}}], "
            "\"backends\": [], \"problems\": []}", &rows);
    rows_of("{\"path\": \"r.yaml\", \"format\": \"rag.graphrag\", \"version\":"
            " \"3\", \"tools\": [], \"servers\": [], \"backends\": [{\"name\":"
            " \"r\", \"placeholders\": [\"${A}\", \"{{ b }}\"], \"config\": "
            "{\"a\": 1, \"b\": 2}, \"provenance\": {\"file\": \"r.yaml\", "
            "\"pointer\": \"\"}}], \"problems\": []}", &rows);
    rows_of("{\"path\": \"bad.json\", \"format\": null, \"version\": null, "
            "\"tools\": [], \"servers\": [], \"backends\": [], \"problems\": "
            "[{\"severity\": \"error\", \"message\": \"not valid JSON\"}]}",
            &rows);
    assert_int_equal(rows.n, 4);
    assert_string_equal(word(&rows, 0, ANALYZE_F_KIND), "tool");
    assert_true(x(&rows, 0, ANALYZE_F_VERSION) == 0.2);
    assert_true(x(&rows, 0, ANALYZE_F_FILE_RECORDS) == 2);
    assert_string_equal(word(&rows, 1, ANALYZE_F_KIND), "server");
    assert_string_equal(word(&rows, 1, ANALYZE_F_AUTH), "oauth");
    assert_string_equal(rows.v[1].place, "#");
    assert_string_equal(word(&rows, 2, ANALYZE_F_FAMILY), "rag");
    assert_string_equal(word(&rows, 2, ANALYZE_F_KIND), "rag");
    assert_true(x(&rows, 2, ANALYZE_F_PLACEHOLDERS) == 2);
    assert_true(x(&rows, 2, ANALYZE_F_CONFIG_KEYS) == 2);
    assert_null(rows.v[3].place);
    assert_null(rows.v[3].name);
    assert_null(word(&rows, 3, ANALYZE_F_FORMAT));
    assert_true(x(&rows, 3, ANALYZE_F_FILE_ERRORS) == 1);
    assert_true(x(&rows, 3, ANALYZE_F_FILE_RECORDS) == 0);
    assert_true(isnan(x(&rows, 3, ANALYZE_F_PARAMS)));
    analyze_rows_free(&rows);
}

/* A real file read as a plan reads it (analyze_scan: tools.scan and
 * tools.read), then a folder that is not there. */
static void test_scan(void **state)
{
    (void)state;
    char tmp[] = "/tmp/mig-analyze-XXXXXX", file[64];
    assert_non_null(mkdtemp(tmp));
    snprintf(file, sizeof file, "%s/f.json", tmp);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("[{\"name\": \"a\", \"description\": \"d\", \"parameters\": "
          "{\"type\": \"object\", \"properties\": {\"q\": {\"type\": "
          "\"string\"}}}}]\n", f);
    fclose(f);
    analyze_rows_t rows = { 0 };
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(analyze_scan(tmp, &rows, &d), MIG_OK);
    assert_int_equal(rows.n, 1);
    assert_string_equal(rows.v[0].file, file);
    assert_string_equal(rows.v[0].name, "a");
    assert_string_equal(word(&rows, 0, ANALYZE_F_FORMAT), "openai.functions");
    assert_true(x(&rows, 0, ANALYZE_F_PARAMS) == 1);
    unlink(file);
    rmdir(tmp);
    assert_int_equal(analyze_scan(tmp, &rows, &d), MIG_EINVALID);
    assert_true(d.errors == 1 && strstr(d.items[0].message, "cannot list"));
    diag_list_free(&d);
    analyze_rows_free(&rows);
}

/* ---- labels -------------------------------------------------------------- */

static void step(const char *node, const char *item, const char *action,
                 store_step_state_t state, const char *result,
                 const char *args, const char *cls, int64_t t0, int64_t t1)
{
    journal_step(node, item, action, state, result, args, cls,
                 cls ? "it failed" : NULL, t0, t1);
}

static void put_journal(const char *item, const char *record)
{
    journal_put("m/put", item, record, STORE_JOURNAL_DONE);
}

#define PROV(ptr) "{\"file\": \"in/a.json\", \"pointer\": \"" ptr "\"}"
#define TOOL(name, ptr)                                                       \
    "{\"kind\": \"tool\", \"name\": \"" name "\", \"provenance\": "           \
    PROV(ptr) "}"
#define NORMALIZED(name, ptr) "{\"descriptor\": " TOOL(name, ptr) "}"

/* Each class: stored (clean), stored after a recover handler took an
 * error of its item (recovered, and 1.5 s: "1s to 10s"), a conflict, a
 * record whose item failed after normalize, a file no reader took
 * (human); a record no step reached is left out, as are a file rejected
 * for giving no record with only warnings (a prompt beside its config)
 * and a running run. */
static void test_labels(void **state)
{
    (void)state;
    step("m/read", "0", "tools.read", STORE_STEP_DONE,
         "{\"path\": \"in/a.json\", \"format\": \"openai.tools\", "
         "\"version\": null, \"servers\": [], \"backends\": [], \"problems\":"
         " [], \"tools\": [" TOOL("one", "/0") ", " TOOL("two", "/1") ", "
         TOOL("three", "/2") ", " TOOL("four", "/3") ", " TOOL("five", "/4")
         "]}", NULL, NULL, 10, 20);
    step("m/read", "1", "tools.read", STORE_STEP_DONE,
         "{\"path\": \"in/b.json\", \"format\": null, \"version\": null, "
         "\"tools\": [], \"servers\": [], \"backends\": [], \"problems\": "
         "[{\"severity\": \"error\", \"message\": \"not valid JSON\"}]}",
         NULL, NULL, 20, 30);
    step("m/read", "2", "tools.read", STORE_STEP_DONE,
         "{\"path\": \"in/skprompt.txt\", \"format\": "
         "\"semantic_kernel.prompt\", \"version\": null, \"tools\": [], "
         "\"servers\": [], \"backends\": [], \"problems\": [{\"severity\":"
         " \"warning\", \"message\": \"its record is its config.json's\"}]}",
         NULL, NULL, 30, 31);
    step("m/v2", "0/0", "tools.normalize", STORE_STEP_DONE,
         NORMALIZED("one", "/0"), NULL, NULL, 30, 40);
    step("m/put", "0/0", "registry.put", STORE_STEP_DONE,
         "{\"outcome\": \"added\"}", NULL, NULL, 40, 50);
    put_journal("0/0", TOOL("one", "/0"));
    step("m/v2", "0/1", "tools.normalize", STORE_STEP_DONE,
         NORMALIZED("two", "/1"), NULL, NULL, 1000, 1100);
    assert_int_equal(store_event(s, run, "recover", "m/put", "0/1", NULL),
                     MIG_OK);
    step("m/put", "0/1", "registry.put", STORE_STEP_DONE,
         "{\"outcome\": \"added\"}", NULL, NULL, 1100, 2500);
    put_journal("0/1", TOOL("two", "/1"));
    step("m/put", "0/2", "registry.put", STORE_STEP_FAILED, NULL,
         "{\"db\": \"r.db\", \"record\": " TOOL("three", "/2") "}",
         "Conflict", 50, 60);
    step("m/v2", "0/3", "tools.normalize", STORE_STEP_DONE,
         NORMALIZED("four", "/3"), NULL, NULL, 60, 70);
    assert_int_equal(store_event(s, run, "item-failed", "m/each", "0/3",
                                 NULL), MIG_OK);
    assert_int_equal(store_run_finish(s, run, STORE_RUN_SUCCEEDED, NULL),
                     MIG_OK);
    int64_t second = new_run(s, "p", 2, "h");     /* still running */
    (void)second;
    assert_int_equal(store_flush(s), MIG_OK);

    analyze_rows_t rows = { 0 };
    assert_int_equal(analyze_history(s, &rows), MIG_OK);
    assert_int_equal(rows.n, 5);
    assert_int_equal(rows.runs, 1);
    static const struct { const char *file, *place; int cls, band; } want[] = {
        { "in/a.json", "#/0", ANALYZE_CLEAN, 0 },
        { "in/a.json", "#/1", ANALYZE_RECOVERED, 2 },
        { "in/a.json", "#/2", ANALYZE_HUMAN, 0 },
        { "in/a.json", "#/3", ANALYZE_HUMAN, 0 },
        { "in/b.json", NULL, ANALYZE_HUMAN, 0 },
    };
    for (size_t i = 0; i < rows.n; i++) {
        assert_string_equal(rows.v[i].file, want[i].file);
        if (want[i].place)
            assert_string_equal(rows.v[i].place, want[i].place);
        else
            assert_null(rows.v[i].place);
        assert_int_equal(rows.v[i].cls, want[i].cls);
        assert_int_equal(rows.v[i].band, want[i].band);
        assert_int_equal(rows.v[i].run, run);
        assert_string_equal(rows.v[i].group, "/plans\tin");
    }
    assert_int_equal(rows.v[1].duration_ms, 100 + 1400);
    assert_string_equal(analyze_band_name(rows.v[1].band), "1s to 10s");
    analyze_rows_free(&rows);
}

static void test_bands(void **state)
{
    (void)state;
    assert_int_equal(analyze_band_of(0), 0);
    assert_int_equal(analyze_band_of(99), 0);
    assert_int_equal(analyze_band_of(100), 1);
    assert_int_equal(analyze_band_of(999), 1);
    assert_int_equal(analyze_band_of(1000), 2);
    assert_int_equal(analyze_band_of(9999), 2);
    assert_int_equal(analyze_band_of(10000), 3);
    assert_int_equal(analyze_band_of(INT64_MAX), 3);
}

/* ---- the split ----------------------------------------------------------- */

static void add_row(analyze_rows_t *rows, int64_t run_, const char *group,
                    int cls, double errors, double deps)
{
    analyze_row_t *r = NULL;
    assert_non_null(r = an_row_add(rows));
    r->run = run_;
    r->group = group ? strdup(group) : NULL;
    r->file = strdup("f.json");
    r->cls = cls;
    r->band = 0;
    r->x[ANALYZE_F_FILE_ERRORS] = errors;
    r->x[ANALYZE_F_DEPENDENCIES] = deps;
    r->x[ANALYZE_F_PARAMS] = (double)(rows->n % 7);
}

/* Runs 1 and 2 share inventory A; run 3 read B and C; D and E alone:
 * four parts, none split between folds. */
static void test_split(void **state)
{
    (void)state;
    analyze_rows_t rows = { 0 };
    static const struct { int64_t run; const char *group; } r[] = {
        { 1, "A" }, { 2, "A" }, { 1, "A" }, { 3, "B" }, { 3, "C" },
        { 4, "D" }, { 5, "E" }, { 4, "D" }, { 2, "A" },
    };
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        add_row(&rows, r[i].run, r[i].group, ANALYZE_CLEAN, 0, 0);
    int fold[sizeof r / sizeof *r], k = 0;
    assert_int_equal(analyze_split(&rows, fold, &k), MIG_OK);
    assert_int_equal(k, 4);
    for (size_t i = 0; i < rows.n; i++)
        for (size_t j = 0; j < rows.n; j++)
            if (rows.v[i].run == rows.v[j].run
                || strcmp(rows.v[i].group, rows.v[j].group) == 0)
                assert_int_equal(fold[i], fold[j]);
    /* by name: A, B(+C), D, E */
    assert_int_equal(fold[0], 0);
    assert_int_equal(fold[3], 1);
    assert_int_equal(fold[4], 1);
    assert_int_equal(fold[5], 2);
    assert_int_equal(fold[6], 3);
    /* one inventory: one fold, nothing to evaluate */
    analyze_rows_t one = { 0 };
    add_row(&one, 1, "A", ANALYZE_CLEAN, 0, 0);
    add_row(&one, 2, "A", ANALYZE_HUMAN, 1, 0);
    assert_int_equal(analyze_split(&one, fold, &k), MIG_OK);
    assert_int_equal(k, 1);
    val_t *e = NULL;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(analyze_evaluate(&one, &e, &d), MIG_EINVALID);
    assert_null(e);
    assert_string_equal(d.items[0].message,
                        "the history has 1 inventory: an evaluation needs "
                        "runs of 2 or more, so that each is predicted by a "
                        "model that never saw it");
    diag_list_free(&d);
    analyze_rows_free(&one);
    analyze_rows_free(&rows);
}

/* ---- the model ----------------------------------------------------------- */

/* N rows whose class follows their features: file errors, a human;
 * dependencies, recovered; else clean. Labelled when LABELLED. */
static void tiny(analyze_rows_t *rows, size_t n, bool labelled)
{
    for (size_t i = 0; i < n; i++) {
        int cls = i % 5 == 0 ? ANALYZE_HUMAN : i % 5 == 1 ? ANALYZE_RECOVERED
                                                          : ANALYZE_CLEAN;
        add_row(rows, (int64_t)(i % 4) + 1, i % 2 ? "A" : "B",
                labelled ? cls : ANALYZE_NONE, cls == ANALYZE_HUMAN,
                cls == ANALYZE_RECOVERED);
    }
}

static const char *class_at(const val_t *preds, size_t i)
{
    val_t *p = val_list_get(preds, i);
    val_t *c = val_map_get(p, "class", 5);
    return val_get_str(c, NULL);
}

static val_t *predict(const analyze_model_t *m, const analyze_rows_t *rows)
{
    val_t *preds = NULL;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(analyze_predict(m, rows, &preds, &d), MIG_OK);
    assert_int_equal(d.len, 0);
    diag_list_free(&d);
    return preds;
}

static void test_round_trip(void **state)
{
    (void)state;
    analyze_rows_t rows = { 0 };
    tiny(&rows, 60, true);
    analyze_model_t *m = NULL;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(analyze_train(&rows, 86400000, &m, &d), MIG_OK);
    val_t *info = analyze_model_info(m);
    assert_string_equal(val_get_str(val_map_get(info, "kind", 4), NULL),
                        "xgboost");
    assert_int_equal(val_get_int(val_map_get(info, "rows", 4)), 60);
    assert_string_equal(val_get_str(val_map_get(info, "trained", 7), NULL),
                        "1970-01-02T00:00:00Z");
    val_unref(info);
    val_t *preds = predict(m, &rows);
    for (size_t i = 0; i < rows.n; i++)
        assert_string_equal(class_at(preds, i),
                            analyze_class_name(rows.v[i].cls));
    /* The reason a human is predicted: its file's errors. */
    val_t *why = val_list_get(val_map_get(val_list_get(preds, 0), "reasons",
                                          7), 0);
    assert_string_equal(val_get_str(val_map_get(why, "feature", 7), NULL),
                        "file_errors");
    /* Saved and loaded, it predicts the same. */
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(analyze_model_to_json(m, &b), MIG_OK);
    analyze_model_t *back = NULL;
    assert_int_equal(analyze_model_from_json(b.data, b.len, "m.json", &back,
                                             &d), MIG_OK);
    val_t *again = predict(back, &rows);
    assert_true(val_equal(preds, again));
    strbuf_t b2;
    strbuf_init(&b2);
    assert_int_equal(analyze_model_to_json(back, &b2), MIG_OK);
    assert_string_equal(b.data, b2.data);
    val_unref(again);
    val_unref(preds);
    analyze_model_free(back);
    analyze_model_free(m);
    strbuf_free(&b);
    strbuf_free(&b2);
    diag_list_free(&d);
    analyze_rows_free(&rows);
}

/* 49 labelled rows (and unlabelled ones, which do not count): the
 * fallback, the majority class, saying so; 50: XGBoost. */
static void test_fallback_threshold(void **state)
{
    (void)state;
    for (size_t n = ANALYZE_MIN_ROWS - 1; n <= ANALYZE_MIN_ROWS; n++) {
        analyze_rows_t rows = { 0 };
        tiny(&rows, n, true);
        tiny(&rows, 10, false);
        analyze_model_t *m = NULL;
        diag_list_t d;
        diag_list_init(&d);
        assert_int_equal(analyze_train(&rows, 0, &m, &d), MIG_OK);
        val_t *info = analyze_model_info(m);
        assert_string_equal(val_get_str(val_map_get(info, "kind", 4), NULL),
                            n < ANALYZE_MIN_ROWS ? "fallback" : "xgboost");
        assert_int_equal(val_get_int(val_map_get(info, "rows", 4)), n);
        val_unref(info);
        val_t *preds = predict(m, &rows);
        val_t *why = val_list_get(val_map_get(val_list_get(preds, 0),
                                              "reasons", 7), 0);
        if (n < ANALYZE_MIN_ROWS) {
            assert_string_equal(class_at(preds, 0), "clean");
            assert_string_equal(class_at(preds, 1), "clean");
            assert_string_equal(val_get_str(val_map_get(why, "feature", 7),
                                            NULL), "fallback");
            assert_string_equal(val_get_str(val_map_get(why, "value", 5),
                                            NULL),
                                "majority class of 49 labelled rows (fewer "
                                "than 50 to train on)");
        } else {
            assert_string_equal(class_at(preds, 0), "human");
        }
        val_unref(preds);
        analyze_model_free(m);
        diag_list_free(&d);
        analyze_rows_free(&rows);
    }
}

static void load_fails(const char *text, const char *message)
{
    analyze_model_t *m = NULL;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(analyze_model_from_json(text, strlen(text), "m.json", &m,
                                             &d), MIG_EINVALID);
    assert_null(m);
    assert_true(d.errors >= 1);
    assert_string_equal(d.items[0].message, message);
    diag_list_free(&d);
}

static void test_model_file_refused(void **state)
{
    (void)state;
    load_fails("{\"a\": ", "'m.json' is not a model of this mig: 1:7: "
               "expected a value, found the end of the input");
    load_fails("{\"mig_analyze_model\": 2}", "'m.json' is not a model of "
               "this mig: no \"mig_analyze_model\": 1");
    load_fails("{\"mig_analyze_model\": 1, \"features\": [\"format\"]}",
               "'m.json' is not a model of this mig: its features are not "
               "this mig's (train it again with mig analyze --train)");
}

/* Two inventories, each predicted by a model trained on the other alone
 * (fewer than 50 rows: the fallback): the majority of the other. */
static void test_evaluate(void **state)
{
    (void)state;
    analyze_rows_t rows = { 0 };
    for (int i = 0; i < 10; i++)
        add_row(&rows, 1, "A", i < 7 ? ANALYZE_CLEAN : ANALYZE_HUMAN, 0, 0);
    for (int i = 0; i < 4; i++)
        add_row(&rows, 2, "B", i < 1 ? ANALYZE_CLEAN : ANALYZE_HUMAN, 0, 0);
    val_t *e = NULL;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(analyze_evaluate(&rows, &e, &d), MIG_OK);
    /* A predicted human (B's majority): 3 right; B predicted clean: 1. */
    assert_int_equal(val_get_int(val_map_get(e, "rows", 4)), 14);
    assert_int_equal(val_get_int(val_map_get(e, "folds", 5)), 2);
    assert_true(val_get_number(val_map_get(e, "accuracy", 8)) == 0.2857);
    assert_true(val_get_number(val_map_get(e, "baseline", 8)) == 0.2857);
    val_t *conf = val_map_get(val_map_get(e, "confusion", 9), "matrix", 6);
    /* clean: 1 of B right, 7 of A wrong (human) */
    assert_json(conf, "[[1,0,7],[0,0,0],[3,0,3]]");
    val_unref(e);
    diag_list_free(&d);
    analyze_rows_free(&rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_features_openai),
        cmocka_unit_test(test_features_synapse_and_name_bound),
        cmocka_unit_test(test_features_mcp_rag_none),
        cmocka_unit_test(test_inventory),
        cmocka_unit_test(test_scan),
        cmocka_unit_test_setup_teardown(test_labels, setup, teardown),
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_fallback_threshold),
        cmocka_unit_test(test_model_file_refused),
        cmocka_unit_test(test_evaluate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
