/* test_tools_rag.c: the RAG-backend readers (reader_rag.c, rag_record.c):
 * every public sample kept in tests/data/legacy/rag_* read with its
 * format and backend count (and listed in its folder's SOURCES.tsv), each
 * format's field mapping, placeholders, secrets, top_k at its bounds,
 * detection that leaves the corpus's files to their own readers, and
 * malformed input (truncated, wrong types, empty, binary, BOM, CRLF). */
#include <dirent.h>

#include "tools_fixture.h"

#define DATA "tests/data/legacy/"

/* Every sample: its format, version (NULL: none) and backend count. */
static const struct {
    const char *file, *format, *version;
    size_t backends;
} samples[] = {
    { "rag_graphrag/graphrag__azure__settings.yml", "rag.graphrag", NULL, 1 },
    { "rag_graphrag/graphrag__min-csv__settings.v2.yml", "rag.graphrag", "1-2", 1 },
    { "rag_graphrag/graphrag__min-csv__settings.v3.yml", "rag.graphrag", "3", 1 },
    { "rag_graphrag/graphrag__text__settings.0x.yml", "rag.graphrag", "0.x", 1 },
    { "rag_haystack/hayhooks__basic_rag_pipeline.yml", "rag.haystack", "2.x-hayhooks", 1 },
    { "rag_haystack/hayhooks__chat_with_website.yml", "rag.haystack", "2.x", 1 },
    { "rag_haystack/hayhooks__pipeline_qdrant.yml", "rag.haystack", "2.x", 1 },
    { "rag_privategpt/private-gpt__settings-ollama-pg.yaml", "rag.privategpt", NULL, 1 },
    { "rag_privategpt/private-gpt__settings.yaml", "rag.privategpt", NULL, 1 },
    { "rag_quivr/quivr__basic_rag_workflow.yaml", "rag.quivr", "retrieval_config", 1 },
    { "rag_quivr/quivr__rag_config_workflow.yaml", "rag.quivr", "rag_config", 1 },
    { "rag_ragflow/ragflow__service_conf.yaml", "rag.ragflow", NULL, 1 },
    { "rag_ragflow/ragflow__service_conf.yaml.template", "rag.ragflow", NULL, 1 },
    { "rag_txtai/txtai__similarity_api_with_qdrant__config.yml", "rag.txtai", NULL, 1 },
};
#define N_SAMPLES (sizeof samples / sizeof *samples)

/* Reads PATH and checks its format, version and backend count (no tools,
 * no servers); gives the result. */
static val_t *expect_rag(const char *path, const char *format,
                         const char *version, size_t backends)
{
    val_t *r = read_path(path);
    if (strcmp(str(r, "format"), format) != 0 ||
        n_of(r, "backends") != backends)
        print_error("%s: format %s, %zu backends; problems %s\n", path,
                    str(r, "format"), n_of(r, "backends"),
                    json(get(r, "problems")));
    assert_string_equal(str(r, "format"), format);
    assert_string_equal(str(r, "version"), version ? version : "(null)");
    assert_int_equal(n_of(r, "backends"), backends);
    assert_int_equal(n_of(r, "tools"), 0);
    assert_int_equal(n_of(r, "servers"), 0);
    return r;
}

/* The JSON of key KEY of the first backend of R. */
static const char *bk(const val_t *r, const char *key)
{
    return json(get(item(r, "backends", 0), key));
}

/* ---- the samples --------------------------------------------------------- */

static int sample_index(const char *folder, const char *name)
{
    size_t n = strlen(folder);
    for (size_t i = 0; i < N_SAMPLES; i++)
        if (strncmp(samples[i].file, folder, n) == 0 &&
            samples[i].file[n] == '/' && strcmp(samples[i].file + n + 1, name) == 0)
            return (int)i;
    return -1;
}

/* Every file under tests/data/legacy/rag_* is a listed sample, read with
 * its format and backend count, with no error; each has its row in its
 * folder's SOURCES.tsv, and every row names a file that is there. */
static void every_sample(void **state)
{
    (void)state;
    DIR *top = opendir(MIG_SOURCE_DIR "/" DATA);
    assert_non_null(top);
    size_t seen = 0;
    for (struct dirent *e; (e = readdir(top));) {
        if (strncmp(e->d_name, "rag", 3) != 0)
            continue;
        char dir[512], tsv[600];
        snprintf(dir, sizeof dir, MIG_SOURCE_DIR "/" DATA "%s", e->d_name);
        snprintf(tsv, sizeof tsv, "%s/SOURCES.tsv", dir);
        FILE *s = fopen(tsv, "r");
        assert_non_null(s);
        char line[2048], rows[4096] = "";
        size_t nrows = 0;
        while (fgets(line, sizeof line, s)) {
            char *tab = strchr(line, '\t');
            assert_non_null(tab);
            *tab = '\0';
            if (strcmp(line, "file") == 0)
                continue;
            assert_true(sample_index(e->d_name, line) >= 0);
            /* Repository, path, commit (40 hex) and a permissive licence. */
            char *commit = strchr(strchr(tab + 1, '\t') + 1, '\t') + 1;
            assert_int_equal(strspn(commit, "0123456789abcdef"), 40);
            assert_true(strstr(commit, "\tMIT") || strstr(commit, "\tApache-2.0"));
            strncat(rows, line, sizeof rows - strlen(rows) - 2);
            strcat(rows, "\n");
            nrows++;
        }
        fclose(s);
        DIR *d = opendir(dir);
        assert_non_null(d);
        size_t files = 0;
        for (struct dirent *f; (f = readdir(d));) {
            if (f->d_name[0] == '.' || strcmp(f->d_name, "SOURCES.tsv") == 0)
                continue;
            int i = sample_index(e->d_name, f->d_name);
            if (i < 0)
                print_error("%s/%s is not listed in samples[]\n", e->d_name,
                            f->d_name);
            assert_true(i >= 0);
            char want[300];
            snprintf(want, sizeof want, "%s\n", f->d_name);
            assert_non_null(strstr(rows, want));
            char path[512];
            snprintf(path, sizeof path, DATA "%s", samples[i].file);
            val_t *r = expect_rag(path, samples[i].format, samples[i].version,
                                  samples[i].backends);
            assert_false(has_problem(r, "error", ""));
            val_t *b = item(r, "backends", 0);
            assert_string_equal(str(get(b, "provenance"), "format"),
                                samples[i].format);
            assert_string_equal(str(get(b, "provenance"), "digest"),
                                str(r, "digest"));
            val_unref(r);
            files++;
        }
        closedir(d);
        assert_int_equal(files, nrows);
        seen += files;
    }
    closedir(top);
    assert_int_equal(seen, N_SAMPLES);
}

/* tools.scan names each sample's format. */
static void scan_samples(void **state)
{
    (void)state;
    val_t *l = call("tools.scan", "dir", DATA "rag_haystack", "glob", "*.yml",
                    NULL);
    assert_non_null(l);
    assert_int_equal(val_len(l), 3);
    for (size_t i = 0; i < val_len(l); i++)
        assert_string_equal(str(val_list_get(l, i), "format"), "rag.haystack");
    val_unref(l);
}

/* ---- each format's mapping ------------------------------------------------ */

static void haystack(void **state)
{
    (void)state;
    val_t *r = expect_rag(DATA "rag_haystack/hayhooks__pipeline_qdrant.yml",
                          "rag.haystack", "2.x", 1);
    /* The retriever over a document store, not the chat-memory one. */
    assert_string_equal(bk(r, "retriever"), "\"haystack_integrations."
        "components.retrievers.qdrant.retriever.QdrantEmbeddingRetriever\"");
    assert_true(has_problem(r, "warning", "2 retriever components"));
    assert_string_equal(bk(r, "store"), "{\"type\":\"haystack_integrations."
        "document_stores.qdrant.document_store.QdrantDocumentStore\","
        "\"collection\":\"Document\",\"url\":\"http://localhost:6333\","
        "\"similarity\":\"cosine\"}");
    assert_string_equal(bk(r, "embedding"), "{\"provider\":\"haystack."
        "components.embedders.sentence_transformers_text_embedder."
        "SentenceTransformersTextEmbedder\",\"model\":\"sentence-transformers/"
        "all-MiniLM-L6-v2\",\"dimensions\":768}");
    assert_string_equal(bk(r, "top_k"), "3");
    assert_string_equal(bk(r, "auth"), "{\"type\":\"api-key\",\"scheme\":"
        "\"haystack.secret\",\"ref\":\"env:HF_API_TOKEN\"}");
    assert_string_equal(bk(r, "endpoint"), "{\"transport\":\"http\",\"url\":"
        "\"http://localhost:8000/v1\"}");
    /* The !!python/tuple is kept as a tagged value, with a warning. */
    assert_true(has_problem(r, "warning", "!!python/tuple"));
    assert_string_equal(json(get(get(get(get(get(get(item(r, "backends", 0),
        "config"), "components"), "prompt_builder"), "init_parameters"),
        "required_variables"), "$tag")), "\"!!python/tuple\"");
    /* Jinja in prompt templates is the prompt's, not a placeholder. */
    assert_string_equal(bk(r, "placeholders"), "[]");
    val_unref(r);
    /* Hayhooks' inputs and outputs; an in-memory store with no settings. */
    r = expect_rag(DATA "rag_haystack/hayhooks__basic_rag_pipeline.yml",
                   "rag.haystack", "2.x-hayhooks", 1);
    assert_string_equal(bk(r, "store"), "{\"type\":\"haystack.document_stores."
        "in_memory.document_store.InMemoryDocumentStore\"}");
    assert_string_equal(bk(r, "top_k"), "null");
    val_unref(r);
    r = expect_rag(DATA "rag_haystack/hayhooks__chat_with_website.yml",
                   "rag.haystack", "2.x", 1);
    assert_string_equal(bk(r, "retriever"), "null");
    assert_true(has_problem(r, "warning", "no retriever component"));
    val_unref(r);
    /* A splitter gives the chunking; a metadata description is kept. */
    r = expect_rag(put_str("index.yml",
        "components:\n"
        "  split:\n"
        "    type: haystack.components.preprocessors.DocumentSplitter\n"
        "    init_parameters: {split_by: word, split_length: 200, "
        "split_overlap: 20}\n"
        "connections: []\n"
        "metadata: {description: indexing}\n"), "rag.haystack", "2.x", 1);
    assert_string_equal(bk(r, "chunking"),
        "{\"size\":200,\"overlap\":20,\"splitter\":\"word\"}");
    assert_string_equal(bk(r, "description"), "\"indexing\"");
    val_unref(r);
}

static void graphrag(void **state)
{
    (void)state;
    val_t *r = expect_rag(DATA "rag_graphrag/graphrag__min-csv__settings.v3.yml",
                          "rag.graphrag", "3", 1);
    assert_string_equal(bk(r, "store"), "{\"type\":\"lancedb\",\"collection\":"
        "\"lancedb_ci\",\"url\":\"./tests/fixtures/min-csv/lancedb\"}");
    assert_string_equal(bk(r, "embedding"),
        "{\"provider\":\"azure\",\"model\":\"text-embedding-3-large\"}");
    assert_string_equal(bk(r, "auth"), "{\"type\":\"api-key\",\"scheme\":"
        "\"api_key\",\"ref\":\"env:GRAPHRAG_API_KEY\"}");
    assert_true(has_problem(r, "warning", "'250_000' read as the number"));
    /* Each placeholder once, in the order the file has them. */
    assert_string_equal(bk(r, "placeholders"),
                        "[\"${GRAPHRAG_API_KEY}\",\"${GRAPHRAG_API_BASE}\"]");
    assert_string_equal(bk(r, "endpoint"), "{\"transport\":\"http\",\"url\":"
                        "\"${GRAPHRAG_API_BASE}\"}");
    val_unref(r);
    r = expect_rag(DATA "rag_graphrag/graphrag__min-csv__settings.v2.yml",
                   "rag.graphrag", "1-2", 1);
    assert_string_equal(bk(r, "embedding"),
        "{\"provider\":\"azure\",\"model\":\"text-embedding-ada-002\"}");
    assert_string_equal(str(get(item(r, "backends", 0), "store"), "type"),
                        "lancedb");
    val_unref(r);
    r = expect_rag(DATA "rag_graphrag/graphrag__azure__settings.yml",
                   "rag.graphrag", NULL, 1);
    assert_true(has_problem(r, "warning", "generation unknown"));
    assert_string_equal(bk(r, "store"), "{\"type\":\"azure_ai_search\","
        "\"collection\":\"azure_ci\",\"url\":\"${AZURE_AI_SEARCH_URL_ENDPOINT}\"}");
    val_unref(r);
    /* A 0.x fixture: claim_extraction, embeddings.vector_store. */
    r = expect_rag(DATA "rag_graphrag/graphrag__text__settings.0x.yml",
                   "rag.graphrag", "0.x", 1);
    assert_string_equal(bk(r, "store"), "{\"type\":\"azure_ai_search\","
        "\"collection\":\"simple_text_ci\",\"url\":\"${AZURE_AI_SEARCH_URL_ENDPOINT}\"}");
    assert_string_equal(bk(r, "placeholders"), "[\"${AZURE_AI_SEARCH_URL_ENDPOINT}\","
        "\"${AZURE_AI_SEARCH_API_KEY}\",\"${timestamp}\"]");
    val_unref(r);
    /* 0.x: llm, embeddings.llm, chunks, embeddings.vector_store. */
    r = expect_rag(put_str("settings.yaml",
        "llm:\n  api_key: ${GRAPHRAG_API_KEY}\n  type: openai_chat\n"
        "embeddings:\n  llm:\n    api_key: ${GRAPHRAG_API_KEY}\n"
        "    type: openai_embedding\n    model: text-embedding-3-small\n"
        "  vector_store:\n    type: lancedb\n    uri_db: output/lancedb\n"
        "chunks:\n  size: 1200\n  overlap: 100\n"
        "local_search:\n  top_k_entities: 10\n"), "rag.graphrag", "0.x", 1);
    assert_string_equal(bk(r, "embedding"),
        "{\"provider\":\"openai_embedding\",\"model\":\"text-embedding-3-small\"}");
    assert_string_equal(bk(r, "store"),
        "{\"type\":\"lancedb\",\"url\":\"output/lancedb\"}");
    assert_string_equal(bk(r, "chunking"), "{\"size\":1200,\"overlap\":100}");
    assert_string_equal(bk(r, "top_k"), "10");
    val_unref(r);
}

static void txtai(void **state)
{
    (void)state;
    val_t *r = expect_rag(DATA "rag_txtai/txtai__similarity_api_with_qdrant__config.yml",
                          "rag.txtai", NULL, 1);
    assert_string_equal(bk(r, "retriever"), "\"txtai.embeddings\"");
    assert_string_equal(bk(r, "store"), "{\"type\":\"qdrant\",\"collection\":"
                        "\"Example\",\"url\":\"/tmp/index\"}");
    assert_string_equal(bk(r, "embedding"),
                        "{\"model\":\"sentence-transformers/all-MiniLM-L6-v2\"}");
    val_unref(r);
    r = expect_rag(put_str("app.yml",
        "writable: true\nembeddings:\n  path: intfloat/e5-base\n"
        "  method: sentence-transformers\n  content: true\n"
        "textractor:\n  paragraphs: true\n"
        "rag:\n  path: Qwen/Qwen2.5-7B\n  context: 5\n"), "rag.txtai", NULL, 1);
    assert_string_equal(bk(r, "retriever"), "\"txtai.rag\"");
    assert_string_equal(bk(r, "embedding"), "{\"provider\":\"sentence-"
                        "transformers\",\"model\":\"intfloat/e5-base\"}");
    assert_string_equal(bk(r, "top_k"), "5");
    assert_string_equal(bk(r, "chunking"), "{\"splitter\":\"paragraphs\"}");
    val_unref(r);
}

static void ragflow(void **state)
{
    (void)state;
    val_t *r = expect_rag(DATA "rag_ragflow/ragflow__service_conf.yaml",
                          "rag.ragflow", NULL, 1);
    assert_string_equal(bk(r, "store"),
                        "{\"type\":\"es\",\"url\":\"http://localhost:1200\"}");
    assert_string_equal(bk(r, "embedding"),
                        "{\"provider\":\"xxxx\",\"model\":\"bge-m3\"}");
    assert_string_equal(bk(r, "endpoint"),
        "{\"transport\":\"http\",\"url\":\"http://0.0.0.0:9380\"}");
    /* A literal key: a reference to nothing, its value not copied. */
    assert_string_equal(bk(r, "auth"), "{\"type\":\"api-key\",\"scheme\":"
        "\"user_default_llm.default_models.embedding_model.api_key\"}");
    assert_true(has_problem(r, "warning", "/mysql/password holds a secret's "
                            "value: not copied"));
    assert_true(has_problem(r, "warning", "4 document engines are configured "
                            "(es, infinity, os, oceanbase): the store is 'es'"));
    assert_string_equal(json(get(get(get(item(r, "backends", 0), "config"),
                                     "mysql"), "password")), "\"<redacted>\"");
    assert_null(strstr(json(item(r, "backends", 0)), "infini_rag_flow"));
    val_unref(r);
    /* The docker template: ${VAR:-default} listed, not resolved. */
    r = expect_rag(DATA "rag_ragflow/ragflow__service_conf.yaml.template",
                   "rag.ragflow", NULL, 1);
    val_t *b = item(r, "backends", 0);
    assert_string_equal(str(b, "name"), "ragflow__service_conf");
    assert_string_equal(json(item(b, "placeholders", 0)),
                        "\"${RAGFLOW_HOST:-0.0.0.0}\"");
    assert_string_equal(json(item(b, "placeholders", 1)),
                        "\"${MYSQL_DBNAME:-rag_flow}\"");
    assert_string_equal(bk(r, "endpoint"), "{\"transport\":\"http\",\"url\":"
                        "\"http://${RAGFLOW_HOST:-0.0.0.0}:9380\"}");
    /* Literal defaults inside placeholders are no secrets' values. */
    assert_string_equal(json(get(get(get(b, "config"), "mysql"), "password")),
                        "\"${MYSQL_PASSWORD:-infini_rag_flow}\"");
    val_unref(r);
}

static void privategpt(void **state)
{
    (void)state;
    val_t *r = expect_rag(DATA "rag_privategpt/private-gpt__settings-ollama-pg.yaml",
                          "rag.privategpt", NULL, 1);
    assert_string_equal(bk(r, "store"),
                        "{\"type\":\"postgres\",\"url\":\"localhost\"}");
    assert_string_equal(bk(r, "embedding"), "{\"provider\":\"ollama\","
                        "\"model\":\"nomic-embed-text\",\"dimensions\":768}");
    assert_string_equal(bk(r, "endpoint"), "{\"transport\":\"http\",\"url\":"
                        "\"http://localhost:11434\"}");
    assert_true(has_problem(r, "warning", "/postgres/password holds a secret"));
    assert_string_equal(bk(r, "placeholders"), "[\"${APP_ENV:ollama}\"]");
    val_unref(r);
    r = expect_rag(DATA "rag_privategpt/private-gpt__settings.yaml",
                   "rag.privategpt", NULL, 1);
    assert_string_equal(bk(r, "top_k"), "\"${PGPT_RETRIEVAL_TOP_K:32}\"");
    assert_string_equal(bk(r, "auth"), "{\"type\":\"api-key\",\"scheme\":"
                        "\"api_key\",\"ref\":\"env:OPENAI_API_KEY\"}");
    /* ${A,B:default} as it is; each text once. */
    val_t *ph = get(item(r, "backends", 0), "placeholders");
    bool found = false;
    for (size_t i = 0; i < val_len(ph); i++) {
        const char *t = val_get_str(val_list_get(ph, i), NULL);
        found = found || !strcmp(t, "${PGPT_OFFLINE_MODE,HF_HUB_OFFLINE:false}");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(t, val_get_str(val_list_get(ph, j), NULL));
    }
    assert_true(found);
    val_unref(r);
}

static void quivr(void **state)
{
    (void)state;
    val_t *r = expect_rag(DATA "rag_quivr/quivr__rag_config_workflow.yaml",
                          "rag.quivr", "rag_config", 1);
    assert_string_equal(str(item(r, "backends", 0), "name"), "standard RAG");
    assert_string_equal(bk(r, "top_k"), "5");
    assert_string_equal(bk(r, "chunking"), "{\"size\":400,\"overlap\":100}");
    val_unref(r);
    r = expect_rag(DATA "rag_quivr/quivr__basic_rag_workflow.yaml", "rag.quivr",
                   "retrieval_config", 1);
    assert_string_equal(bk(r, "top_k"), "null");
    assert_string_equal(bk(r, "retriever"), "\"quivr\"");
    val_unref(r);
    /* A retrieval_config with an LLM and no workflow is one too. */
    r = expect_rag(put_str("q.yaml", "retrieval_config:\n  llm_config:\n"
                           "    model: gpt-4o\n    api_key: ${OPENAI_KEY}\n"),
                   "rag.quivr", "rag_config", 1);
    assert_string_equal(bk(r, "auth"), "{\"type\":\"api-key\",\"scheme\":"
                        "\"llm_config.api_key\",\"ref\":\"env:OPENAI_KEY\"}");
    assert_string_equal(str(item(r, "backends", 0), "name"), "q");
    val_unref(r);
}

/* ---- placeholders, secrets, top_k's bounds ------------------------------- */

static void placeholders(void **state)
{
    (void)state;
    val_t *r = expect_rag(put_str("p.yml",
        "ragflow: {host: 'h', http_port: 1}\nmysql: {}\n"
        "a: ${A}\nb: 'x ${B:b} y ${C:-}'\nc: '{{ .Values.url }}'\nc2: ${A}\n"
        "d: '${unterminated'\ne: '{{ open'\n"
        "prompt: 'Hi {{ name }}'\nf: '{{- trimmed -}}'\n"), "rag.ragflow", NULL, 1);
    assert_string_equal(bk(r, "placeholders"), "[\"${A}\",\"${B:b}\","
        "\"${C:-}\",\"{{ .Values.url }}\",\"{{- trimmed -}}\"]");
    val_unref(r);
}

/* A Jinja or Helm template: values that start with {{ }} (no YAML
 * scalars) are read as strings, {% %} lines left out, nothing resolved. */
static void templates(void **state)
{
    (void)state;
    val_t *r = expect_rag(put_str("rag.yaml.j2",
        "{% if reranker %}\n"
        "workflow_config:\n  name: {{ workflow_name }}\n  nodes:\n"
        "    - {{ first_node }}\n"
        "reranker_config:\n  top_n: {{ top_n | default(5) }}\n"
        "  model: \"rerank-{{ version }}\"\n"
        "  note: {{ \"quoted\" }} # a comment\n"
        "{% endif %}\n"), "rag.quivr", "retrieval_config", 1);
    assert_true(has_problem(r, "warning", "a template: 4 values starting with "
                            "{{ }} read as strings and 2 {% %} lines left out "
                            "(nothing resolved)"));
    val_t *b = item(r, "backends", 0);
    assert_string_equal(str(b, "name"), "{{ workflow_name }}");
    assert_string_equal(bk(r, "top_k"), "\"{{ top_n | default(5) }}\"");
    assert_string_equal(json(get(b, "config")),
        "{\"workflow_config\":{\"name\":\"{{ workflow_name }}\",\"nodes\":"
        "[\"{{ first_node }}\"]},\"reranker_config\":{\"top_n\":"
        "\"{{ top_n | default(5) }}\",\"model\":\"rerank-{{ version }}\","
        "\"note\":\"{{ \\\"quoted\\\" }}\"}}");
    assert_string_equal(bk(r, "placeholders"), "[\"{{ workflow_name }}\","
        "\"{{ first_node }}\",\"{{ top_n | default(5) }}\","
        "\"{{ version }}\",\"{{ \\\"quoted\\\" }}\"]");
    val_unref(r);
    /* Both branches of an if are read: the last value of a key is kept,
     * with lenient YAML's warning. */
    r = expect_rag(put_str("if.yaml",
        "{% if a %}\nworkflow_config:\n  nodes: []\n  name: {{ a }}\n"
        "{% else %}\nworkflow_config:\n  nodes: []\n  name: b\n{% endif %}\n"),
        "rag.quivr", "retrieval_config", 1);
    assert_string_equal(str(item(r, "backends", 0), "name"), "b");
    assert_true(has_problem(r, "warning", "YAML: duplicate key"));
    assert_true(has_problem(r, "warning", "a template: 1 value starting with "
                            "{{ }} read as string and 3 {% %} lines"));
    val_unref(r);
    /* Plain text with {{ }} that is no YAML even so is no RAG backend
     * (a prompt reader may take it). */
    r = read_path(put_str("t.txt", "Hello {{ name }},\n{% for x in y %}\n"));
    assert_null(strstr(str(r, "format"), "rag."));
    assert_int_equal(n_of(r, "backends"), 0);
    val_unref(r);
}

static void secrets(void **state)
{
    (void)state;
    val_t *r = expect_rag(put_str("s.yml",
        "ragflow: {host: h, http_port: 1}\nredis:\n  password: hunter2\n"
        "  Api_Key: ${REDIS_KEY}\n  token: ''\n  max_tokens: 5\n"
        "  connection_string: 'AccountKey=abc'\n  user: me\n"
        "  tokenizer: bert\n  HF_Token: hf_abc\n"), "rag.ragflow", NULL, 1);
    const char *all = json(r);
    assert_null(strstr(all, "hunter2"));
    assert_null(strstr(all, "AccountKey=abc"));
    assert_string_equal(json(get(get(item(r, "backends", 0), "config"), "redis")),
        "{\"password\":\"<redacted>\",\"Api_Key\":\"${REDIS_KEY}\",\"token\":\"\","
        "\"max_tokens\":5,\"connection_string\":\"<redacted>\",\"user\":\"me\","
        "\"tokenizer\":\"bert\",\"HF_Token\":\"<redacted>\"}");
    assert_true(has_problem(r, "warning", "/redis/password holds a secret"));
    assert_true(has_problem(r, "warning", "/redis/connection_string holds"));
    val_unref(r);
    /* The record's own keys come from the scrubbed config too: a store's
     * literal connection string is no URL to copy. */
    r = expect_rag(put_str("pg.yml",
        "components:\n  retriever:\n    type: haystack_integrations.components."
        "retrievers.pgvector.PgvectorEmbeddingRetriever\n    init_parameters:\n"
        "      document_store:\n        type: haystack_integrations.document_stores."
        "pgvector.PgvectorDocumentStore\n        init_parameters:\n"
        "          connection_string: postgresql://u:hunter2@db/x\n"
        "          table_name: docs\n"
        "connections: []\n"), "rag.haystack", "2.x", 1);
    assert_null(strstr(json(r), "hunter2"));
    assert_string_equal(str(get(item(r, "backends", 0), "store"), "url"),
                        "<redacted>");
    assert_string_equal(str(get(item(r, "backends", 0), "store"), "collection"),
                        "docs");
    val_unref(r);
}

/* top_k: 1 is the least taken; 0, -1, a fraction and a word are not (a
 * warning, the value kept in config). */
static void top_k_bounds(void **state)
{
    (void)state;
    static const struct {
        const char *value, *want, *warn;
    } cases[] = {
        { "1", "1", NULL },
        { "2", "2", NULL },
        { "0", "null", "a number, not a positive integer" },
        { "-1", "null", "a number, not a positive integer" },
        { "2.5", "null", "a number, not a positive integer" },
        { "three", "null", "a string, not a positive integer" },
        { "'{{ k'", "null", "a string, not a positive integer" },
        { "'$k'", "null", "a string, not a positive integer" },
        { "'${K:3}'", "\"${K:3}\"", NULL },
        { "'{{ k }}'", "\"{{ k }}\"", NULL },
        { "[3]", "null", "a list, not a positive integer" },
        { "null", "null", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[256];
        snprintf(text, sizeof text, "workflow_config:\n  nodes: []\n"
                 "reranker_config:\n  top_n: %s\n", cases[i].value);
        val_t *r = expect_rag(put_str("k.yaml", text), "rag.quivr",
                              "retrieval_config", 1);
        assert_string_equal(bk(r, "top_k"), cases[i].want);
        if (cases[i].warn) {
            assert_true(has_problem(r, "warning", cases[i].warn));
            assert_true(has_problem(r, "warning", "/reranker_config/top_n"));
        } else {
            assert_int_equal(n_of(r, "problems"), 0);
        }
        val_unref(r);
    }
}

/* The corpus's files are no RAG backends: the rag readers take none. */
static void corpus_untaken(void **state)
{
    (void)state;
    val_t *l = call("tools.scan", "dir", "../shared/corpus", NULL);
    assert_non_null(l);
    assert_true(val_len(l) > 60);
    for (size_t i = 0; i < val_len(l); i++) {
        const char *fmt = str(val_list_get(l, i), "format");
        if (strncmp(fmt, "rag.", 4) == 0)
            print_error("%s read as %s\n", str(val_list_get(l, i), "path"), fmt);
        assert_false(strncmp(fmt, "rag.", 4) == 0);
    }
    val_unref(l);
}

/* ---- malformed input ----------------------------------------------------- */

/* The bytes of sample I, in a buffer that lives until the next call. */
static char *sample_bytes(size_t i, size_t *len)
{
    static char buf[1 << 16];
    char path[512];
    snprintf(path, sizeof path, MIG_SOURCE_DIR "/" DATA "%s", samples[i].file);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    *len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

/* Every sample, written again with a BOM and CRLF line ends, reads as
 * the same record (but its provenance: another file, other bytes). */
static void bom_crlf(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_SAMPLES; i++) {
        size_t len;
        const char *bytes = sample_bytes(i, &len);
        char *crlf = malloc(2 * len + 4);
        assert_non_null(crlf);
        size_t n = 0;
        memcpy(crlf, "\xEF\xBB\xBF", 3);
        n = 3;
        for (size_t j = 0; j < len; j++) {
            if (bytes[j] == '\n' && (j == 0 || bytes[j - 1] != '\r'))
                crlf[n++] = '\r';
            crlf[n++] = bytes[j];
        }
        char path[512];
        snprintf(path, sizeof path, DATA "%s", samples[i].file);
        val_t *a = read_path(path);
        const char *base = strrchr(samples[i].file, '/') + 1;
        val_t *b = expect_rag(put_bytes(base, crlf, n), samples[i].format,
                              samples[i].version, 1);
        free(crlf);
        val_t *ra = val_copy(item(a, "backends", 0));
        val_t *rb = val_copy(item(b, "backends", 0));
        val_map_delete(ra, "provenance", 10);
        val_map_delete(rb, "provenance", 10);
        char *ja = strdup(json(ra));
        if (strcmp(ja, json(rb)) != 0)
            print_error("%s: %s\n   vs %s\n", samples[i].file, ja, json(rb));
        assert_string_equal(ja, json(rb));
        free(ja);
        val_unref(ra);
        val_unref(rb);
        val_unref(a);
        val_unref(b);
    }
}

/* Every sample cut in half: read as its format (what is left of it) or,
 * when what is left is no longer one, as none with a reason; never a
 * failure. Cut inside a quoted string it is no YAML at all. */
static void truncated(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_SAMPLES; i++) {
        size_t len;
        const char *bytes = sample_bytes(i, &len);
        const char *base = strrchr(samples[i].file, '/') + 1;
        val_t *r = read_path(put_bytes(base, bytes, len / 2));
        const char *fmt = str(r, "format");
        if (strcmp(fmt, "(null)") == 0)
            assert_true(has_problem(r, "error", ""));
        else
            assert_string_equal(fmt, samples[i].format);
        assert_int_equal(n_of(r, "backends"), strcmp(fmt, "(null)") ? 1 : 0);
        val_unref(r);
    }
    static const char *const cut[] = {
        "components:\n  r:\n    type: \"haystack.components.retr",
        "completion_models:\n  m:\n    model: 'gpt",
        "embeddings:\n  path: \"sentence-transformers/all",
        "ragflow:\n  host: '0.0.",
        "vectorstore:\n  database: \"qdr",
        "workflow_config:\n  nodes: [{name: \"START\", edges: [\"filt",
    };
    for (size_t i = 0; i < sizeof cut / sizeof *cut; i++) {
        val_t *r = read_path(put_str("cut.yaml", cut[i]));
        assert_string_equal(str(r, "format"), "(null)");
        assert_true(has_problem(r, "error", "plain text"));
        val_unref(r);
    }
}

/* Wrong types: a shape with the right keys but the wrong types is either
 * not the format (a reason says what the file is) or read with what fits
 * (the rest in config). */
static void wrong_types(void **state)
{
    (void)state;
    static const char *const notours[] = {
        "components: [haystack.components.Retriever]\nconnections: []\n",
        "components:\n  r: {type: 5}\nconnections: []\n",
        "embeddings: [path, backend]\n",
        "embeddings: {llm: {model: x}, vector_store: {type: lancedb}}\n",
        "ragflow: 'http://h:1'\nmysql: {}\n",
        "vectorstore: qdrant\n",
        "workflow_config: {nodes: 3}\n",
        "snapshots: 3\n",
        "[components, connections]\n",
    };
    for (size_t i = 0; i < sizeof notours / sizeof *notours; i++) {
        val_t *r = read_path(put_str("w.yaml", notours[i]));
        if (strcmp(str(r, "format"), "(null)") != 0)
            print_error("%s read as %s\n", notours[i], str(r, "format"));
        assert_string_equal(str(r, "format"), "(null)");
        assert_true(has_problem(r, "error", "no reader recognises") ||
                    has_problem(r, "error", "not a tool definition"));
        val_unref(r);
    }
    /* Right shape, wrong member types: read, the odd values as found. */
    val_t *r = expect_rag(put_str("w1.yaml",
        "components:\n  r:\n    type: a.Retriever\n    init_parameters:\n"
        "      top_k: '3'\n      document_store: [x]\n"
        "  e:\n    type: a.TextEmbedder\n    init_parameters: 7\n"
        "connections: {}\n"), "rag.haystack", "2.x", 1);
    assert_string_equal(bk(r, "retriever"), "\"a.Retriever\"");
    assert_string_equal(bk(r, "store"), "null");
    assert_string_equal(bk(r, "embedding"), "{\"provider\":\"a.TextEmbedder\"}");
    assert_true(has_problem(r, "warning", "/components/r/init_parameters/top_k "
                            "is a string, not a positive integer"));
    val_unref(r);
    r = expect_rag(put_str("w2.yaml",
        "extract_graph: {}\nvector_store: lancedb\nchunking: [1]\n"
        "embedding_models: [x]\n"), "rag.graphrag", "3", 1);
    assert_string_equal(bk(r, "store"), "null");
    assert_string_equal(bk(r, "embedding"), "null");
    assert_string_equal(bk(r, "chunking"), "null");
    assert_true(has_problem(r, "warning", "/vector_store is a string, not a "
                            "map: not read (it stays in config)"));
    assert_true(has_problem(r, "warning", "/embedding_models is a list"));
    val_unref(r);
    r = expect_rag(put_str("w3.yaml",
        "ragflow: {host: 5, http_port: [1]}\nes: {hosts: 9}\n"
        "user_default_llm: {default_models: {embedding_model: 4}}\n"),
        "rag.ragflow", NULL, 1);
    assert_string_equal(bk(r, "endpoint"), "null");
    assert_string_equal(bk(r, "store"), "{\"type\":\"es\",\"url\":9}");
    assert_string_equal(bk(r, "embedding"), "null");
    val_unref(r);
    r = expect_rag(put_str("w4.yaml",
        "vectorstore: {database: 5}\nembedding: {mode: [1]}\n"
        "llm: {mode: mock}\nrag: {similarity_top_k: 0}\n"),
        "rag.privategpt", NULL, 1);
    assert_string_equal(bk(r, "store"), "{\"type\":5}");
    assert_true(has_problem(r, "warning", "/rag/similarity_top_k is a number"));
    val_unref(r);
    r = expect_rag(put_str("w5.yaml",
        "embeddings: {path: 5, backend: [1]}\nwritable: yes\nrag: 3\n"),
        "rag.txtai", NULL, 1);
    assert_string_equal(bk(r, "retriever"), "\"txtai.embeddings\"");
    assert_string_equal(bk(r, "store"), "{\"type\":[1]}");
    val_unref(r);
}

/* LlamaIndex's persisted index store is data, not a configuration: none,
 * with the reason docs/legacy-formats.md gives. */
static void llamaindex_store_not_read(void **state)
{
    (void)state;
    val_t *r = read_path(put_str("index_store.json",
        "{\"index_store/data\": {\"a1\": {\"__type__\": \"vector_store\", "
        "\"__data__\": \"{\\\"index_id\\\": \\\"a1\\\"}\"}}}"));
    assert_string_equal(str(r, "format"), "(null)");
    assert_true(has_problem(r, "error", "a JSON map that no reader recognises "
                            "(keys: index_store/data)"));
    val_unref(r);
}

static void empty_and_binary(void **state)
{
    (void)state;
    static const struct {
        const char *name, *bytes;
        size_t len;
        const char *reason;
    } cases[] = {
        { "settings.yaml", "", 0, "an empty file" },
        { "settings.yaml", "\n  \n", 4, "an empty file" },
        { "pipeline.yml", "{}\n", 3, "no reader recognises (keys: none)" },
        { "config.yml", "\x7f" "ELF\x02\x01\x01\0\0\0", 10, "binary" },
        { "service_conf.yaml", "ragflow:\n  host: \xff\xfe\n", 18, "binary" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        val_t *r = read_path(put_bytes(cases[i].name, cases[i].bytes,
                                       cases[i].len));
        assert_string_equal(str(r, "format"), "(null)");
        assert_int_equal(n_of(r, "backends"), 0);
        if (!has_problem(r, "error", cases[i].reason))
            print_error("case %zu: %s\n", i, json(get(r, "problems")));
        assert_true(has_problem(r, "error", cases[i].reason));
        val_unref(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_sample),
        cmocka_unit_test(scan_samples),
        cmocka_unit_test(haystack),
        cmocka_unit_test(graphrag),
        cmocka_unit_test(txtai),
        cmocka_unit_test(ragflow),
        cmocka_unit_test(privategpt),
        cmocka_unit_test(quivr),
        cmocka_unit_test(placeholders),
        cmocka_unit_test(templates),
        cmocka_unit_test(secrets),
        cmocka_unit_test(top_k_bounds),
        cmocka_unit_test(corpus_untaken),
        cmocka_unit_test(bom_crlf),
        cmocka_unit_test(truncated),
        cmocka_unit_test(wrong_types),
        cmocka_unit_test(llamaindex_store_not_read),
        cmocka_unit_test(empty_and_binary),
    };
    return cmocka_run_group_tests(tests, tools_setup, tools_teardown);
}
