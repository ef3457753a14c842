/* gen_rag.c: the generator's RAG backend configurations (docs/gen.md), one
 * backend a file, in the shapes of the real files of tests/data/legacy/
 * rag_*: a Haystack 2.x pipeline, GraphRAG's settings.yaml (3.x), a
 * private-gpt profile, a txtai application, RAGFlow's service_conf.yaml
 * and a Quivr workflow. The backend's name is the file's (Quivr's: its
 * workflow's), unique in the generation. */
#include <string.h>

#include "gen_int.h"

enum { V_HAYSTACK, V_GRAPHRAG, V_PRIVATEGPT, V_TXTAI, V_RAGFLOW, V_QUIVR,
       V_COUNT };
static const struct {
    const char *format, *file;
} variants[V_COUNT] = {
    { "rag.haystack", "pipeline" }, { "rag.graphrag", "settings" },
    { "rag.privategpt", "settings-profile" }, { "rag.txtai", "config" },
    { "rag.ragflow", "service_conf" }, { "rag.quivr", "workflow" },
};
static const char *const models[] = {
    "sentence-transformers/all-MiniLM-L6-v2", "nomic-embed-text",
    "text-embedding-3-large", "BAAI/bge-small-en-v1.5",
};
static const char *const stores[] = { "qdrant", "postgres", "chroma" };

static void haystack(gen_t *g, unsigned long long no, strbuf_t *b)
{
    const char *store = GEN_PICK(g, stores);
    strbuf_printf(b, "components:\n  embedder:\n    init_parameters:\n"
                  "      model: %s\n      progress_bar: false\n"
                  "      token:\n        env_vars:\n        - HF_API_TOKEN\n"
                  "        strict: false\n        type: env_var\n"
                  "    type: haystack.components.embedders.sentence_"
                  "transformers_text_embedder.SentenceTransformersText"
                  "Embedder\n  retriever:\n    init_parameters:\n"
                  "      document_store:\n        init_parameters:\n"
                  "          embedding_dim: %d\n          index: docs_%llu\n"
                  "          url: http://%s:6333\n"
                  "          similarity: cosine\n"
                  "        type: haystack_integrations.document_stores.%s."
                  "document_store.DocumentStore\n      top_k: %zu\n"
                  "    type: haystack_integrations.components.retrievers.%s."
                  "retriever.EmbeddingRetriever\n  llm:\n"
                  "    init_parameters:\n      api_base_url: http://"
                  "localhost:8000/v1\n      api_key:\n        env_vars:\n"
                  "        - OPENAI_API_KEY\n        strict: true\n"
                  "        type: env_var\n      model: gpt-4o-mini\n"
                  "    type: haystack.components.generators.chat.openai."
                  "OpenAIChatGenerator\nconnections:\n"
                  "- receiver: retriever.query_embedding\n"
                  "  sender: embedder.embedding\n"
                  "- receiver: llm.messages\n  sender: retriever.documents\n"
                  "max_runs_per_component: 100\nmetadata: {}\n",
                  GEN_PICK(g, models), 384 << gen_below(g, 2), no, store,
                  store, 3 + gen_below(g, 8), store);
}

static void graphrag(gen_t *g, unsigned long long no, strbuf_t *b)
{
    strbuf_printf(b, "completion_models:\n  default_completion_model:\n"
                  "    model_provider: openai\n    api_key: "
                  "${GRAPHRAG_API_KEY}\n    model: gpt-4.1\n"
                  "    rate_limit:\n      type: sliding_window\n"
                  "      tokens_per_period: 250_000\n"
                  "embedding_models:\n  default_embedding_model:\n"
                  "    model_provider: openai\n    api_key: "
                  "${GRAPHRAG_API_KEY}\n    api_base: https://api.openai.com/"
                  "v1\n    model: %s\n\nvector_store:\n  type: \"lancedb\"\n"
                  "  db_uri: \"./output/lancedb-%llu\"\n"
                  "  container_name: \"docs_%llu\"\n\nchunking:\n"
                  "  size: %zu\n  overlap: %zu\n  type: tokens\n\n"
                  "input:\n  type: text\n  encoding: utf-8\n\n"
                  "basic_search:\n  k: %zu\n\nsnapshots:\n  embeddings: "
                  "true\n", GEN_PICK(g, models), no, no,
                  (size_t)600 + 200 * gen_below(g, 4), 50 + 50 * gen_below(g, 2),
                  5 + gen_below(g, 10));
}

static void privategpt(gen_t *g, unsigned long long no, strbuf_t *b)
{
    strbuf_printf(b, "# A private-gpt profile: ollama for the model and the "
                  "embeddings.\nserver:\n  env_name: ${APP_ENV:ollama}\n\n"
                  "llm:\n  mode: ollama\n  max_new_tokens: 512\n\n"
                  "embedding:\n  mode: ollama\n  embed_dim: 768\n\n"
                  "ollama:\n  llm_model: llama3.1\n  embedding_model: %s\n"
                  "  api_base: http://localhost:11434\n\nvectorstore:\n"
                  "  database: postgres\n\npostgres:\n  host: db-%llu\n"
                  "  port: 5432\n  database: postgres\n  user: postgres\n"
                  "  password: ${PGPT_DB_PASSWORD:admin}\n"
                  "  schema_name: private_gpt\n\nrag:\n"
                  "  similarity_top_k: %zu\n", GEN_PICK(g, models), no,
                  2 + gen_below(g, 10));
}

static void txtai(gen_t *g, unsigned long long no, strbuf_t *b)
{
    strbuf_printf(b, "# Index file path\npath: /tmp/index-%llu\n\n"
                  "# Allow indexing of documents\nwritable: True\n\n"
                  "# Embeddings index\nembeddings:\n  path: %s\n"
                  "  content: true\n  backend: qdrant\n  qdrant:\n"
                  "    collection_name: docs_%llu\n    connection:\n"
                  "      host: localhost\n\nrag:\n  path: google/flan-t5-base\n"
                  "  context: %zu\n", no, GEN_PICK(g, models), no,
                  3 + gen_below(g, 5));
}

static void ragflow(gen_t *g, unsigned long long no, strbuf_t *b)
{
    strbuf_printf(b, "ragflow:\n  host: 0.0.0.0\n  http_port: %zu\n"
                  "mysql:\n  name: 'rag_flow'\n  user: 'root'\n"
                  "  password: '${MYSQL_PASSWORD:-infini_rag_flow}'\n"
                  "  host: 'mysql-%llu'\n  port: 3306\n"
                  "minio:\n  user: 'rag_flow'\n  host: 'minio:9000'\n"
                  "es:\n  hosts: 'http://es-%llu:1200'\n  username: 'elastic'\n"
                  "user_default_llm:\n  factory: 'OpenAI'\n"
                  "  api_key: '${OPENAI_API_KEY}'\n  default_models:\n"
                  "    embedding_model: '%s'\n", 9380 + gen_below(g, 10), no,
                  no, GEN_PICK(g, models));
}

static void quivr(gen_t *g, unsigned long long no, strbuf_t *b)
{
    strbuf_printf(b, "workflow_config:\n  name: \"rag_workflow_%llu\"\n"
                  "  nodes:\n    - name: \"START\"\n"
                  "      edges: [\"filter_history\"]\n\n"
                  "    - name: \"filter_history\"\n      edges: [\"retrieve\"]\n"
                  "\n    - name: \"retrieve\"\n      edges: [\"generate_rag\"]\n"
                  "\n    - name: \"generate_rag\"\n      edges: [\"END\"]\n\n"
                  "# Maximum number of previous conversation iterations\n"
                  "max_history: %zu\n\nreranker_config:\n  supplier: "
                  "\"cohere\"\n  model: \"rerank-multilingual-v3.0\"\n"
                  "  top_n: %zu\n\nllm_config:\n  max_output_tokens: 4000\n"
                  "  temperature: 0.7\n", no, 5 + gen_below(g, 10),
                  3 + gen_below(g, 5));
}

static void (*const writers[V_COUNT])(gen_t *, unsigned long long,
                                      strbuf_t *) = {
    haystack, graphrag, privategpt, txtai, ragflow, quivr,
};

static size_t write_rag(gen_t *g, const gen_file_t *f)
{
    unsigned long long no = (unsigned long long)g->file_no;
    int v = (int)gen_below(g, V_COUNT);
    strbuf_t *b = &g->body;
    b->len = 0;
    writers[v](g, no, b);
    if (f->mis == GEN_MIS_MALFORMED)
        gen_spoil(g, b, false);
    g->path.len = 0;
    strbuf_printf(&g->path, "%s/%s-%06llu.yaml", f->dir, variants[v].file, no);
    gen_emit(g, g->path.data, b, variants[v].format, 1, f->mis);
    return 1;
}

const gen_family_t gen_family_rag = {
    .kind = "rag", .max_per_file = 1, .write = write_rag,
    .mismatches = 1u << GEN_MIS_MALFORMED,
};
