/* reader_agent.c: the agent family of legacy readers (tools_int.h,
 * docs/legacy-formats.md, "Agent frameworks"): the table of its rows, the
 * helpers its files share (reader_agent.h), and the Dify and
 * llm-functions readers; Semantic Kernel's are in reader_sk.c, TaskWeaver,
 * Flowise, Letta and CrewAI in reader_frameworks.c. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "reader_agent.h"

/* ---- shared helpers ----------------------------------------------------- */

void agent_path_name(const char *path, const char *suffix, strbuf_t *name,
                     strbuf_t *plugin)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t blen = strlen(base), slen = strlen(suffix);
    if (strcmp(base, suffix) == 0) {
        /* .../PLUGIN/NAME/SUFFIX */
        const char *end = base > path ? base - 1 : base;
        const char *start = end;
        while (start > path && start[-1] != '/')
            start--;
        strbuf_put(name, start, (size_t)(end - start));
        if (plugin && start > path + 1) {
            const char *pend = start - 1, *pstart = pend;
            while (pstart > path && pstart[-1] != '/')
                pstart--;
            strbuf_put(plugin, pstart, (size_t)(pend - pstart));
        }
        if (name->len == 0)
            strbuf_puts(name, suffix);
        return;
    }
    size_t n = blen;
    if (blen > slen && strcmp(base + blen - slen, suffix) == 0) {
        n = blen - slen;
        while (n > 1 && (base[n - 1] == '_' || base[n - 1] == '-' ||
                         base[n - 1] == '.'))
            n--;
    } else {
        const char *dot = strrchr(base, '.');
        if (dot && dot > base)
            n = (size_t)(dot - base);
    }
    strbuf_put(name, base, n);
}

void agent_list_add(tools_out_t *out, val_t *list, const char *s, size_t len)
{
    for (size_t i = 0; i < val_len(list); i++) {
        size_t l;
        const char *t = val_get_str(val_list_get(list, i), &l);
        if (l == len && memcmp(s, t, len) == 0)
            return;
    }
    if (val_list_push_take(list, val_string(s, len)) != MIG_OK)
        out->oom = true;
}

void agent_list_join(const val_t *list, strbuf_t *b)
{
    for (size_t i = 0; i < val_len(list); i++) {
        size_t l;
        const char *s = val_get_str(val_list_get(list, i), &l);
        if (i)
            strbuf_puts(b, ", ");
        strbuf_put(b, s, l);
    }
    strbuf_puts(b, "");     /* B->data is a string even for no items */
}

const char *agent_i18n(const val_t *v)
{
    if (!v)
        return NULL;
    if (val_type(v) == VAL_STRING)
        return val_get_str(v, NULL);
    const char *s = tools_get_str(v, "en_US");
    for (size_t i = 0; !s && val_type(v) == VAL_MAP && i < val_len(v); i++)
        if (val_type(val_map_value(v, i)) == VAL_STRING)
            s = val_get_str(val_map_value(v, i), NULL);
    return s;
}

/* ---- Dify --------------------------------------------------------------- */

/* Dify's parameter types and the JSON Schema types they are (NULL: kept
 * as found, for tools.normalize to judge). */
static const struct {
    const char *dify, *json;
} dify_types[] = {
    { "string", "string" }, { "secret-input", "string" },
    { "text-input", "string" }, { "select", "string" },
    { "number", "number" }, { "boolean", "boolean" },
    { "file", "object" }, { "files", "array" },
};

/* Keys of a Dify parameter that have a place in its schema. */
static const char *const dify_param_keys[] = {
    "name", "type", "required", "llm_description", "default", "min", "max",
    "form", NULL,
};

/* The schema of Dify parameter P (a map). */
static val_t *dify_param_schema(tools_out_t *out, const val_t *p)
{
    val_t *s = val_map_new(4);
    if (!s) {
        out->oom = true;
        return NULL;
    }
    const char *type = tools_get_str(p, "type");
    const char *json = type;
    for (size_t i = 0; type && i < sizeof dify_types / sizeof *dify_types; i++)
        if (strcmp(dify_types[i].dify, type) == 0)
            json = dify_types[i].json;
    if (json)
        tools_set(out, s, "type", val_cstring(json));
    const char *d = tools_get_str(p, "llm_description");
    if (!d)
        d = agent_i18n(tools_member(p, "human_description"));
    if (d)
        tools_set(out, s, "description", val_cstring(d));
    const val_t *v;
    if ((v = tools_member(p, "default")) && val_type(v) != VAL_NULL)
        tools_set(out, s, "default", val_ref((val_t *)v));
    if ((v = tools_get(p, "min", VAL_NUMBER)))
        tools_set(out, s, "minimum", val_ref((val_t *)v));
    if ((v = tools_get(p, "max", VAL_NUMBER)))
        tools_set(out, s, "maximum", val_ref((val_t *)v));
    const val_t *opts = tools_get(p, "options", VAL_LIST);
    if (opts) {
        val_t *e = val_list_new(val_len(opts));
        for (size_t i = 0; e && i < val_len(opts); i++) {
            val_t *ov = tools_member(val_list_get(opts, i), "value");
            if (ov && val_list_push(e, ov) != MIG_OK)
                out->oom = true;
        }
        tools_set(out, s, "enum", e);
    }
    /* label, human_description, placeholder, the options with their
     * labels: kept as
     * x-dify-KEY annotations. */
    for (size_t k = 0; k < val_len(p); k++) {
        const char *key = val_get_str(val_map_key(p, k), NULL);
        bool known = false;
        for (size_t j = 0; dify_param_keys[j] && !known; j++)
            known = strcmp(dify_param_keys[j], key) == 0;
        if (!known) {
            strbuf_t kb;
            strbuf_init(&kb);
            strbuf_printf(&kb, "x-dify-%s", key);
            if (kb.oom || val_map_set(s, kb.data, kb.len,
                                      val_map_value(p, k)) != MIG_OK)
                out->oom = true;
            strbuf_free(&kb);
        }
    }
    return s;
}

/* The provider of the Dify tool at PATH, when PATH is
 * ".../PROVIDER/tools/TOOL.yaml", into B (else B stays empty). */
static void dify_provider_of(const char *path, strbuf_t *b)
{
    const char *end = strrchr(path, '/');
    if (!end || end - path < 7 || memcmp(end - 6, "/tools", 6) != 0)
        return;
    const char *pend = end - 6, *p = pend;
    while (p > path && p[-1] != '/')
        p--;
    if (pend > p)
        strbuf_put(b, p, (size_t)(pend - p));
}

/* A Dify builtin tool: identity with a name, and parameters or an
 * llm/human description. A provider has credentials_for_provider. */
static int dify_tool_detect(const tools_file_t *f)
{
    const val_t *id = tools_get(f->doc, "identity", VAL_MAP);
    if (!id || !tools_get(id, "name", VAL_STRING) ||
        tools_member(f->doc, "credentials_for_provider"))
        return 0;
    const val_t *d = tools_get(f->doc, "description", VAL_MAP);
    return tools_member(f->doc, "parameters") ||
           tools_member(d, "llm") || tools_member(d, "human") ? 95 : 0;
}

static mig_status_t dify_tool_read(const tools_file_t *f, tools_out_t *out)
{
    static const char *const known[] = { "description", "parameters", NULL };
    const val_t *id = tools_get(f->doc, "identity", VAL_MAP);
    const val_t *desc = tools_member(f->doc, "description");
    val_t *rec = tools_tool_new();
    val_t *props = val_map_new(4), *req = val_list_new(0);
    val_t *settings = val_map_new(0), *schema = val_map_new(3);
    val_t *cfg = val_map_new(3);
    if (!rec || !props || !req || !settings || !schema || !cfg) {
        out->oom = true;
        goto done;
    }
    const val_t *params = tools_member(f->doc, "parameters");
    if (params && val_type(params) != VAL_LIST && val_type(params) != VAL_NULL)
        tools_problem(out, "error", "/parameters", 0, "parameters is a %s, "
                      "not a list: none read",
                      val_type_name(val_type(params)));
    for (size_t i = 0; params && val_type(params) == VAL_LIST &&
                       i < val_len(params); i++) {
        const val_t *p = val_list_get(params, i);
        const char *name = tools_get_str(p, "name");
        char ptr[48];
        snprintf(ptr, sizeof ptr, "/parameters/%zu", i);
        if (!name || !*name) {
            tools_problem(out, "error", ptr, 0, "a parameter with no name: "
                          "left out");
            continue;
        }
        const char *form = tools_get_str(p, "form");
        if (form && strcmp(form, "llm") != 0) {
            /* Set when the tool is configured, not by the model. */
            if (val_map_set(settings, name, strlen(name), (val_t *)p) != MIG_OK)
                out->oom = true;
            continue;
        }
        tools_set(out, props, name, dify_param_schema(out, p));
        const val_t *r = tools_get(p, "required", VAL_BOOL);
        if (r && val_get_bool(r))
            agent_list_add(out, req, name, strlen(name));
    }
    tools_set(out, schema, "type", val_cstring("object"));
    tools_set(out, schema, "properties", val_ref(props));
    tools_set(out, schema, "required", val_ref(req));
    tools_set(out, rec, "name", val_cstring(tools_get_str(id, "name")));
    const char *title = agent_i18n(tools_member(id, "label"));
    if (title)
        tools_set(out, rec, "title", val_cstring(title));
    const char *d = tools_get_str(desc, "llm");
    if (!d)
        d = agent_i18n(tools_member(desc, "human"));
    if (!d)
        d = agent_i18n(desc);
    tools_set(out, rec, "description", val_cstring(d ? d : ""));
    tools_set(out, rec, "parameters", val_ref(schema));
    /* In Dify's tree (PROVIDER/tools/TOOL.yaml) a tool needs its provider. */
    strbuf_t prov;
    strbuf_init(&prov);
    dify_provider_of(f->path, &prov);
    val_t *ep = tools_endpoint("function");
    if (prov.len) {
        val_t *deps = val_list_new(1);
        if (deps)
            agent_list_add(out, deps, prov.data, prov.len);
        tools_set(out, rec, "dependencies", deps);
        if (ep)
            tools_set(out, ep, "server", val_cstring(prov.data));
    }
    if (prov.oom)
        out->oom = true;
    strbuf_free(&prov);
    tools_set(out, rec, "endpoint", ep);
    tools_set(out, cfg, "settings", val_ref(settings));
    const char *author = tools_get_str(id, "author");
    if (author)
        tools_set(out, cfg, "author", val_cstring(author));
    tools_set(out, rec, "config", val_ref(cfg));
    tools_extra(out, rec, f->doc, known);
    /* The description's other languages stay in extra too. */
    if (desc && val_type(desc) == VAL_MAP) {
        val_t *extra = val_map_get(rec, "extra", 5);
        if (extra && val_map_set(extra, "description", 11, (val_t *)desc) != MIG_OK)
            out->oom = true;
    }
    tools_set(out, rec, "provenance",
              tools_provenance(f, "dify.tool", NULL, "", 0));
    tools_add_take(out, "tool", rec);
    rec = NULL;
done:
    val_unref(rec);
    val_unref(props);
    val_unref(req);
    val_unref(settings);
    val_unref(schema);
    val_unref(cfg);
    return MIG_OK;
}

static int dify_provider_detect(const tools_file_t *f)
{
    const val_t *id = tools_get(f->doc, "identity", VAL_MAP);
    return id && tools_get(id, "name", VAL_STRING) &&
           tools_member(f->doc, "credentials_for_provider") ? 95 : 0;
}

static mig_status_t dify_provider_read(const tools_file_t *f,
                                       tools_out_t *out)
{
    static const char *const keys[] = {
        "name", "title", "description", "version", "transport", "packages",
        "remotes", "env", NULL,
    };
    const val_t *id = tools_get(f->doc, "identity", VAL_MAP);
    val_t *rec = val_map_new(10), *env = val_list_new(0);
    for (size_t i = 0; rec && keys[i]; i++)
        tools_set(out, rec, keys[i], val_null());
    if (!rec || !env) {
        out->oom = true;
        val_unref(rec);
        val_unref(env);
        return MIG_OK;
    }
    tools_set(out, rec, "extra", val_map_new(2));
    tools_set(out, rec, "name", val_cstring(tools_get_str(id, "name")));
    const char *s;
    if ((s = agent_i18n(tools_member(id, "label"))))
        tools_set(out, rec, "title", val_cstring(s));
    s = agent_i18n(tools_member(id, "description"));
    tools_set(out, rec, "description", val_cstring(s ? s : ""));
    /* Credentials: their names and whether each is secret, never values. */
    const val_t *cr = tools_member(f->doc, "credentials_for_provider");
    if (cr && val_type(cr) != VAL_MAP && val_type(cr) != VAL_NULL)
        tools_problem(out, "error", "/credentials_for_provider", 0,
                      "credentials_for_provider is a %s, not a map: none read",
                      val_type_name(val_type(cr)));
    for (size_t i = 0; cr && val_type(cr) == VAL_MAP && i < val_len(cr); i++) {
        const val_t *c = val_map_value(cr, i);
        const char *type = tools_get_str(c, "type");
        const val_t *r = tools_get(c, "required", VAL_BOOL);
        const char *help = agent_i18n(tools_member(c, "help"));
        if (!help)
            help = agent_i18n(tools_member(c, "label"));
        val_t *e = val_map_new(4);
        if (!e) {
            out->oom = true;
            break;
        }
        tools_set(out, e, "name", val_ref(val_map_key(cr, i)));
        tools_set(out, e, "secret", val_bool(type && strcmp(type, "secret-input") == 0));
        if (r)
            tools_set(out, e, "required", val_bool(val_get_bool(r)));
        if (help)
            tools_set(out, e, "description", val_cstring(help));
        if (tools_member(c, "default") && type &&
            strcmp(type, "secret-input") == 0)
            tools_problem(out, "warning", "/credentials_for_provider", 0,
                          "credential '%s' has a default value: not copied "
                          "(a secret)", val_get_str(val_map_key(cr, i), NULL));
        if (val_list_push_take(env, e) != MIG_OK)
            out->oom = true;
    }
    tools_set(out, rec, "env", env);
    static const char *const known[] = { NULL };
    tools_extra(out, rec, f->doc, known);
    tools_set(out, rec, "provenance",
        tools_provenance(f, "dify.provider", NULL, "", 0));
    tools_add_take(out, "server", rec);
    return MIG_OK;
}

/* ---- llm-functions ------------------------------------------------------ */

/* An llm-functions agent (agents/NAME/index.yaml): a name, instructions,
 * and one of its own keys. */
static int llmf_detect(const tools_file_t *f)
{
    const val_t *d = f->doc;
    if (!tools_get(d, "name", VAL_STRING) ||
        !tools_member(d, "instructions"))
        return 0;
    return tools_member(d, "variables") ||
           tools_member(d, "conversation_starters") ||
           tools_member(d, "documents") ||
           tools_member(d, "dynamic_instructions") ? 85 : 0;
}

/* The {{name}} variables of llm-functions instructions T into VARS; the
 * built-in ones (__os__, __locale__ ...) are left out. */
static void llmf_vars(tools_out_t *out, const char *t, val_t *vars)
{
    for (const char *p = t; (p = strstr(p, "{{"));) {
        const char *s = p + 2, *e;
        while (*s == ' ')
            s++;
        for (e = s; isalnum((unsigned char)*e) || *e == '_'; e++)
            ;
        const char *q = e;
        while (*q == ' ')
            q++;
        if (e > s && strncmp(q, "}}", 2) == 0 &&
            !(e - s > 4 && s[0] == '_' && s[1] == '_'))
            agent_list_add(out, vars, s, (size_t)(e - s));
        p += 2;
    }
}

static mig_status_t llmf_read(const tools_file_t *f, tools_out_t *out)
{
    static const char *const known[] = {
        "name", "description", "version", "instructions", "variables",
        "conversation_starters", "documents", "dynamic_instructions", NULL,
    };
    const val_t *d = f->doc;
    val_t *rec = tools_tool_new(), *cfg = val_map_new(6);
    val_t *props = val_map_new(2), *req = val_list_new(0);
    val_t *vars = val_list_new(0), *names = val_list_new(0);
    val_t *schema = val_map_new(3);
    if (!rec || !cfg || !props || !req || !vars || !names || !schema) {
        out->oom = true;
        goto done;
    }
    const char *instr = tools_get_str(d, "instructions");
    if (!instr)
        tools_problem(out, "error", "/instructions", 0, "instructions is a "
                      "%s, not text", val_type_name(val_type(
                          tools_member(d, "instructions"))));
    else
        llmf_vars(out, instr, vars);
    const val_t *vl = tools_get(d, "variables", VAL_LIST);
    for (size_t i = 0; vl && i < val_len(vl); i++) {
        const val_t *v = val_list_get(vl, i);
        const char *name = tools_get_str(v, "name");
        if (!name) {
            tools_problem(out, "error", "/variables", 0, "variable %zu has "
                          "no name: left out", i);
            continue;
        }
        val_t *p = val_map_new(3);
        if (p)
            tools_set(out, p, "type", val_cstring("string"));
        const val_t *x;
        if (p && (x = tools_get(v, "description", VAL_STRING)))
            tools_set(out, p, "description", val_ref((val_t *)x));
        if (p && (x = tools_member(v, "default")))
            tools_set(out, p, "default", val_ref((val_t *)x));
        else
            agent_list_add(out, req, name, strlen(name));
        tools_set(out, props, name, p);
        agent_list_add(out, names, name, strlen(name));
    }
    for (size_t i = 0; i < val_len(vars); i++) {
        bool declared = false;
        for (size_t j = 0; j < val_len(names) && !declared; j++)
            declared = val_equal(val_list_get(vars, i), val_list_get(names, j));
        if (!declared)
            tools_problem(out, "warning", "/instructions", 0, "the "
                          "instructions use {{%s}}, which variables does not "
                          "declare", val_get_str(val_list_get(vars, i), NULL));
    }
    tools_set(out, schema, "type", val_cstring("object"));
    tools_set(out, schema, "properties", val_ref(props));
    tools_set(out, schema, "required", val_ref(req));
    tools_set(out, rec, "name", val_cstring(tools_get_str(d, "name")));
    const char *desc = tools_get_str(d, "description");
    tools_set(out, rec, "description", val_cstring(desc ? desc : ""));
    tools_set(out, rec, "parameters", val_ref(schema));
    tools_set(out, rec, "endpoint", tools_endpoint("prompt"));
    const val_t *ver = tools_member(d, "version");
    if (ver && val_type(ver) == VAL_STRING)
        tools_set(out, rec, "version", val_ref((val_t *)ver));
    tools_set(out, cfg, "template", instr ? val_cstring(instr) : val_null());
    tools_set(out, cfg, "template_format", val_cstring("llm-functions"));
    tools_set(out, cfg, "variables", val_ref(vars));
    static const char *const kept[] = {
        "conversation_starters", "documents", "dynamic_instructions", NULL,
    };
    for (size_t i = 0; kept[i]; i++)
        tools_copy(out, cfg, kept[i], d, kept[i]);
    tools_set(out, rec, "config", val_ref(cfg));
    tools_extra(out, rec, d, known);
    if (ver && val_type(ver) != VAL_STRING) {
        val_t *extra = val_map_get(rec, "extra", 5);
        if (extra && val_map_set(extra, "version", 7, (val_t *)ver) != MIG_OK)
            out->oom = true;
    }
    tools_set(out, rec, "provenance",
              tools_provenance(f, "llm_functions.agent", NULL, "", 0));
    tools_add_take(out, "tool", rec);
    rec = NULL;
done:
    val_unref(rec);
    val_unref(cfg);
    val_unref(props);
    val_unref(req);
    val_unref(vars);
    val_unref(names);
    val_unref(schema);
    return MIG_OK;
}

/* ---- the table ---------------------------------------------------------- */

const tools_reader_t tools_readers_agent[] = {
    { .format = "semantic_kernel.config", .family = "agent",
      .detect = sk_config_detect, .read = sk_config_read,
      .doc = "a Semantic Kernel config.json (schema 1, 2023, v1, hybrid, "
             "Teams AI 1.1) with the skprompt.txt next to it" },
    { .format = "semantic_kernel.prompt_yaml", .family = "agent",
      .detect = sk_yaml_detect, .read = sk_yaml_read,
      .doc = "a Semantic Kernel YAML prompt function (or an agent defined "
             "by one)" },
    { .format = "semantic_kernel.agent", .family = "agent",
      .detect = sk_agent_detect, .read = sk_agent_read,
      .doc = "a Semantic Kernel declarative agent YAML (type: "
             "chat_completion_agent ...)" },
    { .format = "dify.tool", .family = "agent", .detect = dify_tool_detect,
      .read = dify_tool_read, .doc = "a Dify builtin tool YAML" },
    { .format = "dify.provider", .family = "agent",
      .detect = dify_provider_detect, .read = dify_provider_read,
      .doc = "a Dify tool provider YAML (its credentials as references)" },
    { .format = "llm_functions.agent", .family = "agent",
      .detect = llmf_detect, .read = llmf_read,
      .doc = "an llm-functions agent index.yaml" },
    { .format = "taskweaver.plugin", .family = "agent",
      .detect = taskweaver_detect, .read = taskweaver_read,
      .doc = "a TaskWeaver plugin YAML" },
    { .format = "flowise.tool", .family = "agent", .detect = flowise_detect,
      .read = flowise_read, .doc = "a Flowise custom tool export" },
    { .format = "letta.agent_file", .family = "agent",
      .detect = letta_detect, .read = letta_read,
      .doc = "a Letta agent file (.af): its tools" },
    { .format = "crewai.agents", .family = "agent",
      .detect = crewai_agents_detect, .read = crewai_agents_read,
      .doc = "a CrewAI agents.yaml: each agent a prompt tool" },
    { .format = "crewai.tasks", .family = "agent",
      .detect = crewai_tasks_detect, .read = crewai_tasks_read,
      .doc = "a CrewAI tasks.yaml: each task a prompt tool needing its "
             "agent" },
    { .format = "semantic_kernel.prompt", .family = "agent",
      .detect = sk_prompt_detect, .read = sk_prompt_read,
      .doc = "a Semantic Kernel skprompt.txt (with or without config.json)" },
};

const size_t tools_readers_agent_count =
    sizeof tools_readers_agent / sizeof *tools_readers_agent;
