/* gen_plugin.c: the generator's HTTP plugins (docs/gen.md): a folder per
 * plugin with ChatGPT's ai-plugin.json and the OpenAPI document it names,
 * as the corpus's plugins come: OpenAPI 3.0 in YAML, 3.1 in JSON, or
 * Swagger 2.0 in JSON; the manifest's auth none, service_http, user_http
 * or oauth. The manifest gives the plugin's server and a tool per
 * operation; the document, read alone, the same operations again. */
#include <string.h>

#include "gen_int.h"

enum { D_OAS30_YAML, D_OAS31_JSON, D_SWAGGER, D_COUNT };
static const char *const doc_names[D_COUNT] = {
    "openapi.yaml", "openapi.json", "swagger.json",
};
static const char *const services[] = {
    "billing", "todo", "weather", "books", "crm", "travel", "recipes",
    "stocks",
};

/* The manifest of plugin NAME (service SVC) whose document is DOC. */
static void manifest(gen_t *g, const char *svc, unsigned long long no,
                     const char *doc, strbuf_t *b)
{
    static const char *const auths[] = {
        "{\"type\": \"none\"}",
        "{\"type\": \"service_http\", \"authorization_type\": \"bearer\", "
        "\"verification_tokens\": {\"openai\": \"<token>\"}}",
        "{\"type\": \"user_http\", \"authorization_type\": \"basic\"}",
        "{\"type\": \"oauth\", \"client_url\": \"https://auth.example.com/"
        "authorize\", \"authorization_url\": \"https://auth.example.com/"
        "token\", \"scope\": \"read write\", \"authorization_content_type\":"
        " \"application/json\", \"verification_tokens\": {\"openai\": "
        "\"<token>\"}}",
    };
    size_t a = gen_below(g, 4);
    strbuf_printf(b, "{\n  \"schema_version\": \"v1\",\n"
                  "  \"name_for_human\": \"%c%s %llu\",\n"
                  "  \"name_for_model\": \"%s_%llu\",\n"
                  "  \"description_for_human\": \"Work with your %s "
                  "data.\",\n  \"description_for_model\": \"Plugin for the "
                  "%s service: use it to read and change the user's %s "
                  "records.\",\n  \"auth\": %s,\n  \"api\": {\n"
                  "    \"type\": \"openapi\",\n"
                  "    \"url\": \"https://%s-%llu.example.com/.well-known/"
                  "%s\",\n    \"is_user_authenticated\": %s\n  },\n"
                  "  \"logo_url\": \"https://%s-%llu.example.com/logo.png\",\n"
                  "  \"contact_email\": \"support@example.com\",\n"
                  "  \"legal_info_url\": \"https://example.com/legal\"\n}\n",
                  svc[0] - 32, svc + 1, no, svc, no, svc, svc, svc, auths[a],
                  svc, no, doc, a == 0 ? "false" : "true", svc, no);
}

/* One operation, in the document's dialect D, with path template
 * /rI/{id} (GET) or /rI (POST, a JSON body). */
static void operation(gen_t *g, const gen_file_t *f, size_t i, int d,
                      strbuf_t *b)
{
    const char *nm = gen_tool_name(g, f->mis, i == 0);
    bool get = gen_below(g, 2);
    strbuf_t sum;
    strbuf_init(&sum);
    gen_sentence(g, &sum);
    const char *s = sum.data ? sum.data : "";
    if (d == D_OAS30_YAML) {
        if (get)
            strbuf_printf(b, "  /r%zu/{id}:\n    get:\n      operationId: %s\n"
                          "      summary: %s\n      parameters:\n"
                          "        - name: id\n          in: path\n"
                          "          required: true\n          schema:\n"
                          "            type: %s\n        - name: limit\n"
                          "          in: query\n          schema:\n"
                          "            type: %s\n", i, nm, s,
                          gen_quirk_type(g, f->mis, "string"),
                          gen_quirk_type(g, f->mis, "integer"));
        else {
            strbuf_printf(b, "  /r%zu:\n    post:\n      operationId: %s\n"
                          "      summary: %s\n      requestBody:\n"
                          "        required: true\n        content:\n"
                          "          application/json:\n"
                          "            schema: ", i, nm, s);
            gen_schema(g, f->mis, 1 + gen_below(g, 4), "              ", b);
            strbuf_putc(b, '\n');
        }
        strbuf_puts(b, "      responses:\n        \"200\":\n"
                    "          description: OK\n          content:\n"
                    "            application/json:\n              schema:\n"
                    "                type: object\n");
    } else {
        strbuf_printf(b, "%s\n    \"/r%zu%s\": {\n      \"%s\": {\n"
                      "        \"operationId\": \"%s\",\n"
                      "        \"summary\": \"%s\",\n", i ? "," : "", i,
                      get ? "/{id}" : "", get ? "get" : "post", nm, s);
        if (get && d == D_SWAGGER)
            strbuf_printf(b, "        \"parameters\": [{\"name\": \"id\", "
                          "\"in\": \"path\", \"required\": true, \"type\": "
                          "\"%s\"}],\n", gen_quirk_type(g, f->mis, "string"));
        else if (get)
            strbuf_printf(b, "        \"parameters\": [{\"name\": \"id\", "
                          "\"in\": \"path\", \"required\": true, \"schema\": "
                          "{\"type\": \"%s\"}}],\n",
                          gen_quirk_type(g, f->mis, "string"));
        else {
            strbuf_puts(b, d == D_SWAGGER
                        ? "        \"parameters\": [{\"name\": \"body\", "
                          "\"in\": \"body\", \"required\": true, \"schema\": "
                        : "        \"requestBody\": {\"required\": true, "
                          "\"content\": {\"application/json\": {\"schema\": ");
            gen_schema(g, f->mis, 1 + gen_below(g, 4), "        ", b);
            strbuf_puts(b, d == D_SWAGGER ? "}],\n" : "}}},\n");
        }
        strbuf_puts(b, d == D_SWAGGER
                    ? "        \"responses\": {\"200\": {\"description\": "
                      "\"OK\", \"schema\": {\"type\": \"object\"}}}\n"
                    : "        \"responses\": {\"200\": {\"description\": "
                      "\"OK\", \"content\": {\"application/json\": "
                      "{\"schema\": {\"type\": \"object\"}}}}}\n");
        strbuf_puts(b, "      }\n    }");
    }
    if (sum.oom)
        b->oom = true;
    strbuf_free(&sum);
}

static size_t write_plugin(gen_t *g, const gen_file_t *f)
{
    unsigned long long no = (unsigned long long)g->file_no;
    const char *svc = GEN_PICK(g, services);
    int d = (int)gen_below(g, D_COUNT);
    strbuf_t *b = &g->body;
    b->len = 0;
    if (d == D_OAS30_YAML)
        strbuf_printf(b, "openapi: 3.0.1\ninfo:\n  title: %s %llu\n"
                      "  description: The %s API.\n  version: \"1.%llu\"\n"
                      "servers:\n  - url: https://%s-%llu.example.com\n"
                      "paths:\n", svc, no, svc, no % 7, svc, no);
    else if (d == D_OAS31_JSON)
        strbuf_printf(b, "{\n  \"openapi\": \"3.1.0\",\n  \"info\": "
                      "{\"title\": \"%s %llu\", \"version\": \"1.%llu\"},\n"
                      "  \"servers\": [{\"url\": \"https://%s-%llu.example."
                      "com\"}],\n  \"paths\": {", svc, no, no % 7, svc, no);
    else
        strbuf_printf(b, "{\n  \"swagger\": \"2.0\",\n  \"info\": "
                      "{\"title\": \"%s %llu\", \"version\": \"1.%llu\"},\n"
                      "  \"host\": \"%s-%llu.example.com\",\n"
                      "  \"basePath\": \"/v1\",\n  \"schemes\": [\"https\"],\n"
                      "  \"paths\": {", svc, no, no % 7, svc, no);
    for (size_t i = 0; i < f->n; i++)
        operation(g, f, i, d, b);
    if (d != D_OAS30_YAML)
        strbuf_puts(b, "\n  }\n}\n");
    g->path.len = 0;
    strbuf_printf(&g->path, "%s/%s-%06llu/%s", f->dir, svc, no, doc_names[d]);
    /* The document: its operations are the manifest's (counted there). */
    gen_emit(g, g->path.data, b, "plugin.openapi", f->n, GEN_MIS_NONE);
    b->len = 0;
    manifest(g, svc, no, doc_names[d], b);
    if (f->mis == GEN_MIS_MALFORMED)
        gen_spoil(g, b, true);
    g->path.len = 0;
    strbuf_printf(&g->path, "%s/%s-%06llu/ai-plugin.json", f->dir, svc, no);
    gen_emit(g, g->path.data, b, "plugin.ai_plugin", f->n, f->mis);
    return f->n;
}

const gen_family_t gen_family_plugin = {
    .kind = "plugin", .max_per_file = 8, .write = write_plugin,
    .mismatches = (1u << GEN_MIS_MALFORMED) | (1u << GEN_MIS_CONFLICT) |
                  (1u << GEN_MIS_NAMES) | (1u << GEN_MIS_QUIRKS),
};
