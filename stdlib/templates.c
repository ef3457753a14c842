/* templates.c: the projects `mig new --template NAME` makes
 * (docs/templates.md): a workflow of workflows/ as plan.mig, the sample
 * legacy files of its examples/ with where they come from, a mig.yaml
 * whose parameters are the plan's own, a README.md and a .gitignore.
 * Everything is compiled in (templates_data.c), so there is one source:
 * the workflows and examples themselves. The files go out through an
 * emit function; the caller decides where they land. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib_int.h"
#include "templates_int.h"

#define MAX_KINDS 5

typedef struct template {
    const char *name;
    const char *workflow;           /* its plan, in template_files */
    const char *kinds[MAX_KINDS];   /* examples/KIND/legacy gives samples */
    const char *summary;            /* one line for --list and README.md */
} template_t;

static const template_t templates[] = {
    { .name = "synapse", .workflow = "workflows/synapse.mig",
      .kinds = { "synapse" },
      .summary = "Synapse agent files (synapse: 1 and 2): one V2 tool per "
                 "method" },
    { .name = "rag", .workflow = "workflows/rag.mig", .kinds = { "rag" },
      .summary = "RAG backend configurations (GraphRAG, Haystack, "
                 "private-gpt, Quivr, RAGFlow, txtai): one backend each" },
    { .name = "plugin", .workflow = "workflows/plugin.mig",
      .kinds = { "plugin" },
      .summary = "HTTP plugins (ai-plugin.json, Copilot API plugins) with "
                 "their OpenAPI documents: a server each, then a tool per "
                 "operation" },
    { .name = "mcp", .workflow = "workflows/mcp.mig", .kinds = { "mcp" },
      .summary = "MCP servers, then their tools (server.json, Docker "
                 "catalog, Smithery, bundles, tools/list results)" },
    { .name = "openai", .workflow = "workflows/openai.mig",
      .kinds = { "openai" },
      .summary = "OpenAI function definitions (requests, tools lists, "
                 "Assistants exports, JSON Lines): one tool per function" },
    { .name = "mixed", .workflow = "workflows/inventory.mig",
      .kinds = { "synapse", "openai", "rag", "mcp", "plugin" },
      .summary = "a mixed inventory of every family, in dependency order "
                 "(servers and backends before the tools)" },
};

#define N_TEMPLATES (sizeof templates / sizeof *templates)

/* The concurrency each profile of mig.yaml sets (docs/templates.md). */
static const struct {
    const char *name;
    int concurrency;
} profiles[] = {
    { "development", 4 }, { "staging", 8 }, { "production", 32 },
};

size_t template_count(void)
{
    return N_TEMPLATES;
}

const char *template_name(size_t i)
{
    return i < N_TEMPLATES ? templates[i].name : NULL;
}

const char *template_summary(size_t i)
{
    return i < N_TEMPLATES ? templates[i].summary : NULL;
}

static const template_file_t *file_at(const char *path)
{
    for (size_t i = 0; i < template_files_count; i++)
        if (strcmp(template_files[i].path, path) == 0)
            return &template_files[i];
    return NULL;
}

/* ---- the samples ------------------------------------------------------- */

/* Emits every sample file of T (examples/KIND/legacy/X as legacy/X) and
 * their sources as one SOURCES.tsv (its header once); lists the folders
 * under legacy/ in FOLDERS, a line each, for README.md. */
static mig_status_t emit_samples(const template_t *t, gen_emit_fn emit,
                                 void *data, strbuf_t *folders)
{
    strbuf_t prefix, sources, out;
    strbuf_init(&prefix);
    strbuf_init(&sources);
    strbuf_init(&out);
    mig_status_t st = MIG_OK;
    for (size_t k = 0; st == MIG_OK && k < MAX_KINDS && t->kinds[k]; k++) {
        prefix.len = 0;
        strbuf_printf(&prefix, "examples/%s/legacy/", t->kinds[k]);
        const char *folder = NULL;
        for (size_t i = 0; st == MIG_OK && i < template_files_count; i++) {
            const template_file_t *f = &template_files[i];
            if (prefix.oom || strncmp(f->path, prefix.data, prefix.len) != 0)
                continue;
            const char *rest = f->path + prefix.len;
            if (!folder) {
                folder = rest;
                size_t n = strcspn(rest, "/");
                strbuf_printf(folders, "| `legacy/%.*s/` | sample files of "
                              "`examples/%s` |\n", (int)n, rest, t->kinds[k]);
            }
            out.len = 0;
            strbuf_printf(&out, "legacy/%s", rest);
            st = out.oom ? MIG_ENOMEM : emit(data, out.data, f->bytes, f->len);
        }
        prefix.len = 0;
        strbuf_printf(&prefix, "examples/%s/SOURCES.tsv", t->kinds[k]);
        const template_file_t *src = prefix.oom ? NULL : file_at(prefix.data);
        if (src) {
            /* The header line once, at the top. */
            const char *body = sources.len ? strchr(src->bytes, '\n') : NULL;
            body = body ? body + 1 : src->bytes;
            strbuf_put(&sources, body, src->len - (size_t)(body - src->bytes));
        }
    }
    if (st == MIG_OK && (prefix.oom || sources.oom))
        st = MIG_ENOMEM;
    if (st == MIG_OK && sources.len)
        st = emit(data, "SOURCES.tsv", sources.data, sources.len);
    strbuf_free(&prefix);
    strbuf_free(&sources);
    strbuf_free(&out);
    return st;
}

/* ---- mig.yaml and README.md ---------------------------------------------- */

/* Appends V as a YAML flow scalar (its JSON is one). */
static void put_yaml(strbuf_t *out, const val_t *v)
{
    if (val_to_json(v, out, 0) != MIG_OK)
        out->oom = true;
}

/* mig.yaml of a plan whose parameters' defaults are PARAMS (a map in
 * declaration order), in the schema docs/templates.md gives: the state
 * store, the registry the plan writes (its db), the defaults, and the
 * three profiles' concurrency (the plan's own parameter too, when it
 * declares one). */
static void put_config(strbuf_t *out, const val_t *params)
{
    strbuf_puts(out, "# mig.yaml: this project's settings (docs/templates.md "
                     "lists the keys).\nversion: 1\nstate: .mig\n");
    val_t *db = val_map_get(params, "db", 2);
    if (db) {
        strbuf_puts(out, "registries: {main: {path: ");
        put_yaml(out, db);
        strbuf_puts(out, "}}\n");
    }
    strbuf_puts(out, "defaults:\n  params: {");
    for (size_t i = 0; i < val_len(params); i++) {
        strbuf_printf(out, "%s%s: ", i ? ", " : "",
                      val_get_str(val_map_key(params, i), NULL));
        put_yaml(out, val_map_value(params, i));
    }
    strbuf_puts(out, "}\nprofiles:\n");
    bool own = val_map_get(params, "concurrency", 11) != NULL;
    for (size_t i = 0; i < sizeof profiles / sizeof *profiles; i++) {
        strbuf_printf(out, "  %s: {params: {", profiles[i].name);
        if (own)
            strbuf_printf(out, "concurrency: %d", profiles[i].concurrency);
        strbuf_printf(out, "}, concurrency: %d}\n", profiles[i].concurrency);
    }
}

static void put_readme(strbuf_t *out, const template_t *t, const char *project,
                       const char *workflow_name, const strbuf_t *folders,
                       bool sources)
{
    strbuf_printf(out, "# %s\n\nA mig migration project, made by `mig new "
                  "--template %s`: %s.\n\n", project, t->name, t->summary);
    strbuf_printf(out, "| file | what |\n| --- | --- |\n"
                  "| `plan.mig` | the plan: mig's workflow `%s` "
                  "(mig's workflows/README.md describes it) |\n"
                  "| `mig.yaml` | the settings: the state store, the "
                  "registry, the plan's parameters, and the profiles "
                  "`development`, `staging` and `production` |\n",
                  workflow_name);
    strbuf_put(out, folders->data ? folders->data : "", folders->len);
    if (sources)
        strbuf_puts(out, "| `SOURCES.tsv` | where each sample file comes "
                         "from, and its licence |\n");
    strbuf_puts(out, "| `.gitignore` | leaves `.mig/`, the state store, "
                     "out of version control |\n\n");
    strbuf_puts(out,
        "The sample files are mig's own example data, so the plan runs as\n"
        "it is. Replace them with your legacy files (or point the plan\n"
        "elsewhere with `--param source=DIR`), then:\n\n"
        "```sh\n"
        "mig check --strict plan.mig   # the plan is sound\n"
        "mig plan plan.mig             # the dry run: nothing is written\n"
        "mig run plan.mig              # the migration, journaled in .mig/\n"
        "mig report last               # what became of each legacy file\n"
        "mig drift plan.mig            # later: has the registry changed since?\n"
        "mig rollback last             # undo the run, verified\n"
        "```\n\n"
        "`mig.yaml` follows mig's configuration schema; the profiles take\n"
        "effect once mig reads it (`--profile production` uses the plan's\n"
        "own `profile production` block meanwhile).\n");
}

/* ---- writing a template -------------------------------------------------- */

mig_status_t template_write(const char *name, const char *project,
                            gen_emit_fn emit, void *data, diag_list_t *diags)
{
    const template_t *t = NULL;
    for (size_t i = 0; i < N_TEMPLATES && !t; i++)
        if (strcmp(templates[i].name, name) == 0)
            t = &templates[i];
    const template_file_t *plan = t ? file_at(t->workflow) : NULL;
    if (!plan) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "there is no template '%s'",
                 name);
        return MIG_EINVALID;
    }
    /* The plan's parameters, as mig reads them. */
    src_t *src = src_from_memory("plan.mig", plan->bytes, plan->len);
    arena_t *arena = arena_new();
    ast_plan_t *ast = NULL;
    params_t *params = NULL;
    val_t *pmap = NULL;
    mig_status_t st = src && arena ? grammar_parse(src, arena, diags, &ast)
                                   : MIG_ENOMEM;
    if (st == MIG_OK)
        st = params_resolve(ast, src, NULL, NULL, 0, diags, &params);
    if (st == MIG_OK && !(pmap = params_to_map(params)))
        st = MIG_ENOMEM;
    strbuf_t b, folders;
    strbuf_init(&b);
    strbuf_init(&folders);
    if (st == MIG_OK)
        st = emit(data, "plan.mig", plan->bytes, plan->len);
    if (st == MIG_OK)
        st = emit_samples(t, emit, data, &folders);
    if (st == MIG_OK) {
        put_config(&b, pmap);
        st = b.oom ? MIG_ENOMEM : emit(data, "mig.yaml", b.data, b.len);
    }
    if (st == MIG_OK) {
        b.len = 0;
        const char *slash = strrchr(t->workflow, '/');
        bool sources = false;
        for (size_t k = 0; k < MAX_KINDS && t->kinds[k]; k++) {
            char p[64];
            snprintf(p, sizeof p, "examples/%s/SOURCES.tsv", t->kinds[k]);
            sources = sources || file_at(p);
        }
        put_readme(&b, t, project, slash ? slash + 1 : t->workflow,
                   &folders, sources);
        st = b.oom || folders.oom ? MIG_ENOMEM
                                  : emit(data, "README.md", b.data, b.len);
    }
    if (st == MIG_OK)
        st = emit(data, ".gitignore", ".mig/\n", 6);
    strbuf_free(&b);
    strbuf_free(&folders);
    val_unref(pmap);
    params_free(params);
    arena_free(arena);
    src_free(src);
    return st;
}
