/* reader_rag.c: the rag family of legacy readers (tools_int.h): RAG
 * backend configurations, each file one backend record of kind "rag"
 * (docs/legacy-formats.md, "RAG backends"). Detection is by the keys each
 * format's own loader reads; rag_record.c builds the record's skeleton
 * (placeholders, config without secrets) and each read below fills the
 * retriever, store, embedding, top_k, chunking, endpoint and auth. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rag_int.h"

/* Counts the keys of NAMES (ended by NULL) that map M has. */
static int count_keys(const val_t *m, const char *const *names)
{
    int n = 0;
    for (size_t i = 0; names[i]; i++)
        n += rag_at(m, names[i]) != NULL;
    return n;
}

/* Counts the keys of NAMES whose values in M are maps (sections). */
static int count_sections(const val_t *m, const char *const *names)
{
    int n = 0;
    for (size_t i = 0; names[i]; i++)
        n += tools_get(m, names[i], VAL_MAP) != NULL;
    return n;
}

/* The document of F when it is a map, else NULL. */
static const val_t *doc_map(const tools_file_t *f)
{
    return f->doc && val_type(f->doc) == VAL_MAP ? f->doc : NULL;
}

/* Whether S contains WORD, ignoring case. */
static bool has_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; s && *s; s++)
        if (strncasecmp(s, word, n) == 0)
            return true;
    return false;
}

/* Warns of each key of NAMES (ended by NULL) that D has with a value
 * that is not a map: the record cannot use it (it stays in config). */
static void not_sections(tools_out_t *out, const val_t *d,
                         const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        const val_t *v = rag_at(d, names[i]);
        char ptr[64];
        snprintf(ptr, sizeof ptr, "/%s", names[i]);
        if (v && val_type(v) != VAL_MAP && val_type(v) != VAL_NULL)
            tools_problem(out, "warning", ptr, 0, "%s is a %s, not a map: "
                          "not read (it stays in config)", ptr,
                          val_type_name(val_type(v)));
    }
}

/* An endpoint {transport: "http", url: URL}; NULL when URL is no string. */
static val_t *http_endpoint(tools_out_t *out, const val_t *url)
{
    if (!url || val_type(url) != VAL_STRING)
        return NULL;
    val_t *t = val_cstring("http");
    val_t *e = t ? rag_map(out, "transport", t, "url", url, (const char *)NULL)
                 : NULL;
    val_unref(t);
    if (!e)
        out->oom = true;
    return e;
}

/* Adds REC (taken) as F's one backend and sets OUT's version. */
static mig_status_t finish(tools_out_t *out, val_t *rec, const char *version)
{
    out->version = version;
    if (rec)
        tools_add_take(out, "rag", rec);
    return MIG_OK;
}

/* ---- Haystack 2.x pipelines (Hayhooks included) -------------------------- */

static int haystack_detect(const tools_file_t *f)
{
    const val_t *comps = tools_get(doc_map(f), "components", VAL_MAP);
    if (!comps || val_len(comps) == 0)
        return 0;
    size_t typed = 0;
    for (size_t i = 0; i < val_len(comps); i++) {
        const char *t = tools_get_str(val_map_value(comps, i), "type");
        typed += t && strchr(t, '.') != NULL;
    }
    if (typed == 0)
        return 0;
    return tools_get(f->doc, "connections", VAL_LIST) ? 95 : 75;
}

/* The first component of COMPS whose type contains WORD (any case). */
static const val_t *component(const val_t *comps, const char *word)
{
    for (size_t i = 0; i < val_len(comps); i++) {
        const char *t = tools_get_str(val_map_value(comps, i), "type");
        if (t && has_word(t, word))
            return val_map_value(comps, i);
    }
    return NULL;
}

/* A Haystack document store {type, init_parameters} as a store map. */
static val_t *haystack_store(tools_out_t *out, const val_t *ds)
{
    const val_t *p = tools_get(ds, "init_parameters", VAL_MAP);
    const val_t *coll = rag_at(p, "index");
    if (!coll)
        coll = rag_at(p, "collection_name");
    if (!coll)
        coll = rag_at(p, "index_name");
    if (!coll)
        coll = rag_at(p, "table_name");
    const val_t *url = rag_at(p, "url");
    if (!url || val_type(url) == VAL_NULL)
        url = rag_at(p, "host");
    if (!url || val_type(url) == VAL_NULL)
        url = rag_at(p, "connection_string");
    return rag_map(out, "type", rag_at(ds, "type"), "collection", coll,
                   "url", url, "similarity", rag_at(p, "similarity"),
                   (const char *)NULL);
}

/* The first Haystack secret ({type: env_var, env_vars}) under V. */
static const val_t *haystack_secret(const val_t *v, unsigned depth)
{
    if (depth > 8 || !v)
        return NULL;
    const char *t = tools_get_str(v, "type");
    if (t && strcmp(t, "env_var") == 0 && tools_get(v, "env_vars", VAL_LIST))
        return v;
    for (size_t i = 0; val_type(v) == VAL_MAP && i < val_len(v); i++) {
        const val_t *s = haystack_secret(val_map_value(v, i), depth + 1);
        if (s)
            return s;
    }
    return NULL;
}

static mig_status_t haystack_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *d = f->doc;
    const char *version = rag_at(d, "inputs") || rag_at(d, "outputs")
                              ? "2.x-hayhooks" : "2.x";
    val_t *rec = rag_record_new(f, out, "rag.haystack", version);
    if (!rec)
        return MIG_OK;
    /* Read the record's config from here: its literal secrets are out. */
    d = rag_at(rec, "config");
    const val_t *comps = tools_get(d, "components", VAL_MAP);
    size_t at = 0, n = 0;
    /* The retriever: the first over a document store (a chat-message
     * retriever reads memory, not documents), else the first. */
    const val_t *ret = NULL;
    for (size_t i = 0; i < val_len(comps); i++) {
        const val_t *c = val_map_value(comps, i);
        if (!has_word(tools_get_str(c, "type"), "retriever"))
            continue;
        n++;
        bool docs = rag_at(c, "init_parameters/document_store") != NULL;
        if (!ret || (docs && !rag_at(ret, "init_parameters/document_store"))) {
            ret = c;
            at = i;
        }
    }
    if (ret) {
        strbuf_t b;
        strbuf_init(&b);
        strbuf_puts(&b, "/components");
        size_t len;
        const char *k = val_get_str(val_map_key(comps, at), &len);
        tools_pointer_key(&b, k, len);
        strbuf_puts(&b, "/init_parameters/top_k");
        strbuf_putc(&b, '\0');
        const val_t *p = tools_get(ret, "init_parameters", VAL_MAP);
        rag_put(out, rec, "retriever", rag_at(ret, "type"));
        rag_put_top_k(out, rec, rag_at(p, "top_k"),
                      b.data ? b.data : "");
        strbuf_free(&b);
        const val_t *ds = tools_get(p, "document_store", VAL_MAP);
        val_t *store = ds ? haystack_store(out, ds) : NULL;
        if (store)
            tools_set(out, rec, "store", store);
        if (n > 1)
            tools_problem(out, "warning", "/components", 0, "%zu retriever "
                          "components: the record names '%s', the first over "
                          "a document store (all stay in config)", n,
                          tools_get_str(ret, "type"));
    } else {
        tools_problem(out, "warning", "/components", 0, "no retriever "
                      "component: a pipeline without retrieval (read as a "
                      "backend with retriever null)");
    }
    const val_t *emb = component(comps, "textembedder");
    if (!emb)
        emb = component(comps, "embedder");
    if (emb) {
        const val_t *p = tools_get(emb, "init_parameters", VAL_MAP);
        const val_t *dim = rag_at(ret, "init_parameters/document_store/"
                                       "init_parameters/embedding_dim");
        val_t *e = rag_map(out, "provider", rag_at(emb, "type"),
                           "model", rag_at(p, "model"),
                           "dimensions", dim, (const char *)NULL);
        if (e)
            tools_set(out, rec, "embedding", e);
    }
    const val_t *split = component(comps, "splitter");
    if (split) {
        const val_t *p = tools_get(split, "init_parameters", VAL_MAP);
        val_t *c = rag_map(out, "size", rag_at(p, "split_length"),
                           "overlap", rag_at(p, "split_overlap"),
                           "splitter", rag_at(p, "split_by"),
                           (const char *)NULL);
        if (c)
            tools_set(out, rec, "chunking", c);
    }
    const val_t *gen = component(comps, "generator");
    val_t *ep = http_endpoint(out, rag_at(gen, "init_parameters/api_base_url"));
    if (ep)
        tools_set(out, rec, "endpoint", ep);
    const val_t *secret = haystack_secret(ret ? ret : comps, 0);
    if (!secret)
        secret = haystack_secret(comps, 0);
    if (secret)
        tools_set(out, rec, "auth", rag_auth(out, secret, "haystack.secret"));
    rag_put(out, rec, "description", rag_at(d, "metadata/description"));
    return finish(out, rec, version);
}

/* ---- GraphRAG settings ------------------------------------------------- */

/* Keys only GraphRAG's settings have, across its generations. */
static const char *const graphrag_own[] = {
    "completion_models", "embedding_models", "extract_graph",
    "extract_graph_nlp", "community_reports", "extract_claims",
    "claim_extraction", "entity_extraction", "summarize_descriptions",
    "cluster_graph", "embed_graph", "local_search", "global_search",
    "drift_search", "basic_search", "snapshots", "umap", "embed_text", NULL,
};
/* Keys GraphRAG shares with other settings files. */
static const char *const graphrag_common[] = {
    "models", "llm", "embeddings", "vector_store", "input", "cache",
    "reporting", "storage", "output", "chunks", "chunking", "input_storage",
    "output_storage", NULL,
};

static int graphrag_detect(const tools_file_t *f)
{
    const val_t *d = doc_map(f);
    /* Every section of GraphRAG's settings is a map. */
    int own = count_sections(d, graphrag_own);
    int common = count_sections(d, graphrag_common);
    if (own == 0)
        return 0;
    return own + common >= 2 ? 85 : 50;
}

/* The first member of map M whose `type` contains WORD, or M's member
 * NAME, or (WORD NULL) its first member. */
static const val_t *graphrag_model(const val_t *m, const char *name,
                                   const char *word)
{
    const val_t *v = tools_get(m, name, VAL_MAP);
    for (size_t i = 0; !v && i < val_len(m); i++) {
        const val_t *x = val_map_value(m, i);
        if (val_type(x) == VAL_MAP &&
            (!word || has_word(tools_get_str(x, "type"), word)))
            v = x;
    }
    return v;
}

static mig_status_t graphrag_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *d = f->doc;
    /* The generation by its model sections, or by the names 1.0 changed. */
    bool v3 = rag_at(d, "embedding_models") || rag_at(d, "completion_models");
    bool v0 = rag_at(d, "llm") || rag_at(d, "claim_extraction") ||
              rag_at(d, "entity_extraction") ||
              tools_get(d, "embeddings", VAL_MAP);
    const char *version = v3 ? "3" : tools_get(d, "models", VAL_MAP) ? "1-2"
                          : v0 ? "0.x" : NULL;
    val_t *rec = rag_record_new(f, out, "rag.graphrag", version);
    if (!rec)
        return MIG_OK;
    /* Read the record's config from here: its literal secrets are out. */
    d = rag_at(rec, "config");
    const val_t *models = tools_get(d, "models", VAL_MAP);
    const val_t *emb_models = tools_get(d, "embedding_models", VAL_MAP);
    rag_put_str(out, rec, "retriever", "graphrag");
    const val_t *emb = emb_models
        ? graphrag_model(emb_models, "default_embedding_model", NULL)
        : models ? graphrag_model(models, "default_embedding_model",
                                  "embedding")
                 : tools_get(rag_at(d, "embeddings"), "llm", VAL_MAP);
    if (emb) {
        const val_t *prov = rag_at(emb, "model_provider");
        val_t *e = rag_map(out, "provider", prov ? prov : rag_at(emb, "type"),
                           "model", rag_at(emb, "model"),
                           (const char *)NULL);
        if (e)
            tools_set(out, rec, "embedding", e);
        const val_t *key = rag_at(emb, "api_key");
        if (key)
            tools_set(out, rec, "auth", rag_auth(out, key, "api_key"));
        const val_t *base = rag_at(emb, "api_base");
        val_t *ep = base ? http_endpoint(out, base) : NULL;
        if (ep)
            tools_set(out, rec, "endpoint", ep);
    }
    const val_t *vs = tools_get(d, "vector_store", VAL_MAP);
    if (!vs)
        vs = tools_get(rag_at(d, "embeddings"), "vector_store", VAL_MAP);
    if (vs && !rag_at(vs, "type"))    /* 1-2: {id: store, ...} */
        vs = graphrag_model(vs, "default_vector_store", NULL);
    if (vs) {
        const val_t *url = rag_at(vs, "db_uri");
        if (!url)
            url = rag_at(vs, "url");
        if (!url)
            url = rag_at(vs, "uri_db");
        val_t *s = rag_map(out, "type", rag_at(vs, "type"),
                           "collection", rag_at(vs, "container_name"),
                           "url", url, (const char *)NULL);
        if (s)
            tools_set(out, rec, "store", s);
    }
    const val_t *ch = tools_get(d, "chunking", VAL_MAP);
    if (!ch)
        ch = tools_get(d, "chunks", VAL_MAP);
    val_t *c = ch ? rag_map(out, "size", rag_at(ch, "size"),
                            "overlap", rag_at(ch, "overlap"),
                            "splitter", rag_at(ch, "type"),
                            (const char *)NULL) : NULL;
    if (c)
        tools_set(out, rec, "chunking", c);
    const val_t *k = rag_at(d, "basic_search/k");
    rag_put_top_k(out, rec, k ? k : rag_at(d, "local_search/top_k_entities"),
                  k ? "/basic_search/k" : "/local_search/top_k_entities");
    static const char *const sections[] = {
        "completion_models", "embedding_models", "models", "vector_store",
        "chunking", "chunks", "embeddings", NULL,
    };
    not_sections(out, d, sections);
    if (!version)
        tools_problem(out, "warning", NULL, 0, "no model section "
                      "(completion_models, embedding_models, models, llm) and "
                      "no 0.x section: settings that override GraphRAG's "
                      "defaults, generation unknown");
    return finish(out, rec, version);
}

/* ---- txtai ------------------------------------------------------------- */

/* Keys of txtai's `embeddings` configuration. */
static const char *const txtai_embeddings[] = {
    "path", "method", "backend", "content", "hybrid", "keyword", "sparse",
    "dense", "scoring", "indexes", "defaults", "instructions", "dimensions",
    "functions", "graph", "format", "objects", "columns", NULL,
};

static int txtai_detect(const tools_file_t *f)
{
    const val_t *e = tools_get(doc_map(f), "embeddings", VAL_MAP);
    /* GraphRAG 0.x's embeddings has an llm; txtai's never has. */
    if (!e || rag_at(e, "llm") || rag_at(e, "vector_store") ||
        count_keys(e, txtai_embeddings) == 0)
        return 0;
    static const char *const app[] = {
        "writable", "workflow", "rag", "extractor", "textractor", "llm",
        "cloud", "agent", "summary", "translation", NULL,
    };
    return count_keys(f->doc, app) ? 90 : 70;
}

static mig_status_t txtai_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *d = f->doc;
    val_t *rec = rag_record_new(f, out, "rag.txtai", NULL);
    if (!rec)
        return MIG_OK;
    /* Read the record's config from here: its literal secrets are out. */
    d = rag_at(rec, "config");
    const val_t *e = tools_get(d, "embeddings", VAL_MAP);
    const val_t *rag = tools_get(d, "rag", VAL_MAP);
    if (!rag)
        rag = tools_get(d, "extractor", VAL_MAP);
    rag_put_str(out, rec, "retriever", rag ? "txtai.rag" : "txtai.embeddings");
    const val_t *backend = rag_at(e, "backend");
    const char *bname = backend && val_type(backend) == VAL_STRING
                            ? val_get_str(backend, NULL) : NULL;
    const val_t *coll = bname ? rag_at(rag_at(e, bname),
                                       "collection_name") : NULL;
    val_t *s = rag_map(out, "type", backend, "collection", coll,
                       "url", rag_at(d, "path"), (const char *)NULL);
    if (s)
        tools_set(out, rec, "store", s);
    const val_t *method = rag_at(e, "method");
    val_t *em = rag_map(out, "provider", method, "model",
                        rag_at(e, "path"), "dimensions",
                        rag_at(e, "dimensions"), (const char *)NULL);
    if (em)
        tools_set(out, rec, "embedding", em);
    if (rag)
        rag_put_top_k(out, rec, rag_at(rag, "context"),
                      tools_get(d, "rag", VAL_MAP) ? "/rag/context"
                                                   : "/extractor/context");
    const val_t *tx = tools_get(d, "textractor", VAL_MAP);
    if (tx) {
        static const char *const ways[] = { "sentences", "lines", "paragraphs",
                                            "sections", NULL };
        for (size_t i = 0; ways[i]; i++) {
            const val_t *w = tools_get(tx, ways[i], VAL_BOOL);
            if (w && val_get_bool(w)) {
                val_t *c = val_map_new(1);
                if (c && !val_map_set_take(c, "splitter", 8,
                                           val_cstring(ways[i])))
                    tools_set(out, rec, "chunking", c);
                else
                    val_unref(c);
                break;
            }
        }
    }
    return finish(out, rec, NULL);
}

/* ---- RAGFlow service_conf.yaml ----------------------------------------- */

/* RAGFlow's document engines, in the order the record names the first. */
static const char *const ragflow_engines[] = {
    "es", "infinity", "os", "opensearch", "oceanbase", "seekdb", "serenedb",
    NULL,
};

static int ragflow_detect(const tools_file_t *f)
{
    const val_t *r = tools_get(doc_map(f), "ragflow", VAL_MAP);
    static const char *const services[] = { "mysql", "minio", "redis",
                                            "postgres", NULL };
    if (!r || !(rag_at(r, "host") || rag_at(r, "http_port")))
        return 0;
    return count_keys(f->doc, services) + count_keys(f->doc, ragflow_engines)
               ? 95 : 60;
}

static mig_status_t ragflow_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *d = f->doc;
    val_t *rec = rag_record_new(f, out, "rag.ragflow", NULL);
    if (!rec)
        return MIG_OK;
    /* Read the record's config from here: its literal secrets are out. */
    d = rag_at(rec, "config");
    rag_put_str(out, rec, "retriever", "ragflow");
    const char *engine = NULL;
    size_t engines = 0;
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; ragflow_engines[i]; i++)
        if (tools_get(d, ragflow_engines[i], VAL_MAP)) {
            strbuf_printf(&b, "%s%s", engines++ ? ", " : "",
                          ragflow_engines[i]);
            engine = engine ? engine : ragflow_engines[i];
        }
    if (engine) {
        const val_t *e = tools_get(d, engine, VAL_MAP);
        const val_t *url = rag_at(e, "hosts");
        if (!url)
            url = rag_at(e, "uri");
        if (!url)
            url = rag_at(e, "host");
        if (!url)
            url = rag_at(e, "config/host");
        val_t *name = val_cstring(engine);
        val_t *s = rag_map(out, "type", name, "url", url, "collection",
                           rag_at(e, "db_name"), (const char *)NULL);
        val_unref(name);
        if (s)
            tools_set(out, rec, "store", s);
    }
    if (engines > 1)
        tools_problem(out, "warning", NULL, 0, "%zu document engines are "
                      "configured (%s): the store is '%s' (RAGFlow picks one "
                      "by its DOC_ENGINE variable; all stay in config)",
                      engines, b.data ? b.data : "", engine);
    strbuf_free(&b);
    /* The embedding model: a name, or {name, factory, api_key, base_url}. */
    const val_t *llm = tools_get(d, "user_default_llm", VAL_MAP);
    const val_t *em = rag_at(llm, "default_models/embedding_model");
    const val_t *model = em && val_type(em) == VAL_STRING ? em
                                                          : rag_at(em, "name");
    if (!model)
        model = rag_at(llm, "embedding_model");
    const val_t *factory = rag_at(em, "factory");
    val_t *emb = rag_map(out, "provider", factory ? factory
                                                  : rag_at(llm, "factory"),
                         "model", model, (const char *)NULL);
    if (emb)
        tools_set(out, rec, "embedding", emb);
    const val_t *key = rag_at(em, "api_key");
    if (key)
        tools_set(out, rec, "auth", rag_auth(out, key, "user_default_llm."
                                             "default_models.embedding_model."
                                             "api_key"));
    else if ((key = rag_at(llm, "api_key")))
        tools_set(out, rec, "auth", rag_auth(out, key,
                                             "user_default_llm.api_key"));
    const val_t *host = rag_at(d, "ragflow/host");
    const val_t *port = rag_at(d, "ragflow/http_port");
    if (host && val_type(host) == VAL_STRING && port) {
        strbuf_t u;
        strbuf_init(&u);
        strbuf_printf(&u, "http://%s:", val_get_str(host, NULL));
        if (val_type(port) == VAL_NUMBER && val_is_int(port))
            strbuf_printf(&u, "%lld", (long long)val_get_int(port));
        else if (val_type(port) == VAL_STRING)
            strbuf_puts(&u, val_get_str(port, NULL));
        val_t *url = u.oom ? NULL : val_string(u.data, u.len);
        strbuf_free(&u);
        val_t *ep = url ? http_endpoint(out, url) : NULL;
        val_unref(url);
        if (ep)
            tools_set(out, rec, "endpoint", ep);
        else
            out->oom = true;
    }
    return finish(out, rec, NULL);
}

/* ---- private-gpt settings*.yaml ------------------------------------------ */

static int privategpt_detect(const tools_file_t *f)
{
    const val_t *d = doc_map(f);
    bool store = rag_at(tools_get(d, "vectorstore", VAL_MAP), "database");
    bool env = rag_at(tools_get(d, "server", VAL_MAP), "env_name");
    bool modes = rag_at(tools_get(d, "llm", VAL_MAP), "mode") ||
                 rag_at(tools_get(d, "embedding", VAL_MAP), "mode") ||
                 tools_get(d, "embedding", VAL_MAP);
    return store && (env || modes) ? 90 : store ? 70 : env && modes ? 75 : 0;
}

static mig_status_t privategpt_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *d = f->doc;
    val_t *rec = rag_record_new(f, out, "rag.privategpt", NULL);
    if (!rec)
        return MIG_OK;
    /* Read the record's config from here: its literal secrets are out. */
    d = rag_at(rec, "config");
    rag_put_str(out, rec, "retriever", "private-gpt");
    const val_t *db = rag_at(d, "vectorstore/database");
    const char *dbname = db && val_type(db) == VAL_STRING
                             ? val_get_str(db, NULL) : NULL;
    /* The database's own section ("qdrant", "postgres"), unless DB is a
     * placeholder. */
    const val_t *sec = dbname && !rag_is_placeholder(dbname)
                           ? tools_get(d, dbname, VAL_MAP) : NULL;
    const val_t *url = rag_at(sec, "url");
    if (!url)
        url = rag_at(sec, "host");
    if (!url)
        url = rag_at(sec, "path");
    const val_t *coll = rag_at(d, "vectorstore/default_collection");
    if (!coll)
        coll = rag_at(sec, "collection_name");
    val_t *s = rag_map(out, "type", db, "collection", coll, "url", url,
                       (const char *)NULL);
    if (s)
        tools_set(out, rec, "store", s);
    const val_t *mode = rag_at(d, "embedding/mode");
    const char *mname = mode && val_type(mode) == VAL_STRING
                            ? val_get_str(mode, NULL) : NULL;
    const val_t *msec = mname ? tools_get(d, mname, VAL_MAP) : NULL;
    const val_t *model = rag_at(msec, "embedding_model");
    if (!model)
        model = rag_at(d, "huggingface/embedding_hf_model_name");
    if (!model)
        model = rag_at(d, "embedding/default_model");
    const val_t *dim = rag_at(d, "embedding/embed_dim");
    val_t *em = rag_map(out, "provider", mode, "model", model, "dimensions",
                        dim ? dim : rag_at(d, "vectorstore/embed_dim"),
                        (const char *)NULL);
    if (em)
        tools_set(out, rec, "embedding", em);
    const val_t *k = rag_at(d, "rag/similarity_top_k");
    rag_put_top_k(out, rec, k ? k : rag_at(d, "retrieval/top_k"),
                  k ? "/rag/similarity_top_k" : "/retrieval/top_k");
    const val_t *base = rag_at(msec, "api_base");
    val_t *ep = base ? http_endpoint(out, base) : NULL;
    if (ep)
        tools_set(out, rec, "endpoint", ep);
    const val_t *key = rag_at(msec, "api_key");
    if (!key)
        key = rag_at(d, "openai/api_key");
    if (key)
        tools_set(out, rec, "auth", rag_auth(out, key, "api_key"));
    return finish(out, rec, NULL);
}

/* ---- Quivr retrieval and RAG configs ------------------------------------- */

static int quivr_detect(const tools_file_t *f)
{
    const val_t *d = doc_map(f);
    const val_t *r = tools_get(d, "retrieval_config", VAL_MAP);
    const val_t *wf = tools_get(r ? r : d, "workflow_config", VAL_MAP);
    if (wf && tools_get(wf, "nodes", VAL_LIST))
        return 90;
    if (r && (rag_at(r, "llm_config") || rag_at(r, "reranker_config")))
        return 80;
    return 0;
}

static mig_status_t quivr_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *d = f->doc;
    const val_t *r = tools_get(d, "retrieval_config", VAL_MAP);
    const char *version = r ? "rag_config" : "retrieval_config";
    val_t *rec = rag_record_new(f, out, "rag.quivr", version);
    if (!rec)
        return MIG_OK;
    /* Read the record's config from here: its literal secrets are out. */
    d = rag_at(rec, "config");
    r = tools_get(d, "retrieval_config", VAL_MAP);
    const val_t *c = r ? r : d;
    const val_t *name = rag_at(c, "workflow_config/name");
    if (name && val_type(name) == VAL_STRING && val_len(name))
        rag_put(out, rec, "name", name);
    rag_put_str(out, rec, "retriever", "quivr");
    rag_put_top_k(out, rec, rag_at(c, "reranker_config/top_n"),
                  r ? "/retrieval_config/reranker_config/top_n"
                    : "/reranker_config/top_n");
    const val_t *sp = rag_at(d, "ingestion_config/parser_config/"
                                "splitter_config");
    val_t *ch = sp ? rag_map(out, "size", rag_at(sp, "chunk_size"),
                             "overlap", rag_at(sp, "chunk_overlap"),
                             (const char *)NULL) : NULL;
    if (ch)
        tools_set(out, rec, "chunking", ch);
    const val_t *llm = tools_get(c, "llm_config", VAL_MAP);
    const val_t *key = rag_at(llm, "api_key");
    if (key)
        tools_set(out, rec, "auth", rag_auth(out, key, "llm_config.api_key"));
    return finish(out, rec, version);
}

/* ---- templates ---------------------------------------------------------- */

typedef int detect_fn(const tools_file_t *f);
typedef mig_status_t read_fn(const tools_file_t *f, tools_out_t *out);

/* DETECT on F, or, when F is a template kept as text, on its document
 * read again (rag_template.c). */
static int on_template_detect(const tools_file_t *f, detect_fn *detect)
{
    if (f->doc)
        return detect(f);
    size_t values, tags;
    tools_file_t g = *f;
    g.doc = rag_template_doc(f, NULL, &values, &tags);
    int score = g.doc ? detect(&g) : 0;
    val_unref(g.doc);
    return score;
}

/* READ on F, or on its template document, saying what was quoted. */
static mig_status_t on_template_read(const tools_file_t *f, tools_out_t *out,
                                     read_fn *read)
{
    if (f->doc)
        return read(f, out);
    size_t values, tags;
    tools_file_t g = *f;
    g.doc = rag_template_doc(f, out, &values, &tags);
    if (!g.doc) {   /* detect took it, so only memory can have failed */
        out->oom = true;
        return MIG_OK;
    }
    tools_problem(out, "warning", NULL, 0, "a template: %zu value%s starting "
                  "with {{ }} read as string%s and %zu {%% %%} line%s left "
                  "out (nothing resolved)", values, values == 1 ? "" : "s",
                  values == 1 ? "" : "s", tags, tags == 1 ? "" : "s");
    mig_status_t st = read(&g, out);
    val_unref(g.doc);
    return st;
}

/* A format's row functions that also take its templates. */
#define TEMPLATED(fmt)                                                      \
    static int fmt##_detect_any(const tools_file_t *f)                      \
    {                                                                       \
        return on_template_detect(f, fmt##_detect);                         \
    }                                                                       \
    static mig_status_t fmt##_read_any(const tools_file_t *f,               \
                                       tools_out_t *out)                    \
    {                                                                       \
        return on_template_read(f, out, fmt##_read);                        \
    }
TEMPLATED(haystack)
TEMPLATED(graphrag)
TEMPLATED(txtai)
TEMPLATED(ragflow)
TEMPLATED(privategpt)
TEMPLATED(quivr)
#undef TEMPLATED

/* ---- the rows ------------------------------------------------------------ */

const tools_reader_t tools_readers_rag[] = {
    { .format = "rag.haystack", .family = "rag",
      .detect = haystack_detect_any, .read = haystack_read_any,
      .doc = "Haystack 2.x pipeline YAML (Hayhooks included)" },
    { .format = "rag.graphrag", .family = "rag",
      .detect = graphrag_detect_any, .read = graphrag_read_any,
      .doc = "GraphRAG settings.yaml (0.x to 3)" },
    { .format = "rag.txtai", .family = "rag",
      .detect = txtai_detect_any, .read = txtai_read_any,
      .doc = "txtai application or embeddings config" },
    { .format = "rag.ragflow", .family = "rag",
      .detect = ragflow_detect_any, .read = ragflow_read_any,
      .doc = "RAGFlow service_conf.yaml (and its template)" },
    { .format = "rag.privategpt", .family = "rag",
      .detect = privategpt_detect_any, .read = privategpt_read_any,
      .doc = "private-gpt settings*.yaml" },
    { .format = "rag.quivr", .family = "rag",
      .detect = quivr_detect_any, .read = quivr_read_any,
      .doc = "Quivr retrieval or RAG config YAML" },
};
const size_t tools_readers_rag_count =
    sizeof tools_readers_rag / sizeof *tools_readers_rag;
