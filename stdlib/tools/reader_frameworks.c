/* reader_frameworks.c: agent frameworks whose files define code tools or
 * crews (docs/legacy-formats.md, "Agent frameworks"): TaskWeaver plugin
 * YAML, Flowise tool exports, Letta agent files (.af) and CrewAI
 * agents.yaml/tasks.yaml. Their rows are in reader_agent.c's table. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "reader_agent.h"

/* A new {type: object, properties: {}, required: []}; PROPS and REQ get
 * its two members (borrowed). */
static val_t *object_schema(tools_out_t *out, val_t **props, val_t **req)
{
    val_t *s = val_map_new(3);
    *props = val_map_new(4);
    *req = val_list_new(0);
    if (!s || !*props || !*req) {
        out->oom = true;
        val_unref(s);
        val_unref(*props);
        val_unref(*req);
        *props = *req = NULL;
        return NULL;
    }
    tools_set(out, s, "type", val_cstring("object"));
    tools_set(out, s, "properties", *props);
    tools_set(out, s, "required", *req);
    return s;
}

/* S without the spaces and newlines around it (a folded scalar's). */
static val_t *trimmed(const char *s)
{
    if (!s)
        return val_null();
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    while (n && isspace((unsigned char)*s))
        s++, n--;
    return val_string(s, n);
}

/* ---- TaskWeaver --------------------------------------------------------- */

/* TaskWeaver's (Python's) type names and the JSON Schema types they are;
 * others (DataFrame) have none and are kept as x-taskweaver-type. */
static const struct {
    const char *py, *json;
} tw_types[] = {
    { "str", "string" }, { "string", "string" }, { "int", "integer" },
    { "float", "number" }, { "bool", "boolean" }, { "list", "array" },
    { "dict", "object" }, { "None", "null" },
};

/* Whether configuration key K names a secret. */
static bool secret_key(const char *k)
{
    static const char *const words[] = { "key", "secret", "token",
                                         "password", NULL };
    char low[64];
    size_t n = 0;
    for (; k[n] && n < sizeof low - 1; n++)
        low[n] = (char)tolower((unsigned char)k[n]);
    low[n] = '\0';
    for (size_t i = 0; words[i]; i++)
        if (strstr(low, words[i]))
            return true;
    return false;
}

/* The schema of TaskWeaver parameter or return value P at POINTER. */
static val_t *tw_schema(tools_out_t *out, const val_t *p, const char *pointer)
{
    val_t *s = val_map_new(3);
    if (!s) {
        out->oom = true;
        return NULL;
    }
    const char *t = tools_get_str(p, "type");
    const char *json = NULL;
    for (size_t i = 0; t && i < sizeof tw_types / sizeof *tw_types; i++)
        if (strcmp(tw_types[i].py, t) == 0)
            json = tw_types[i].json;
    if (json) {
        tools_set(out, s, "type", val_cstring(json));
    } else if (t) {
        tools_set(out, s, "x-taskweaver-type", val_cstring(t));
        tools_problem(out, "warning", pointer, 0, "type '%s' has no JSON "
                      "Schema type: kept as x-taskweaver-type", t);
    }
    const val_t *d = tools_get(p, "description", VAL_STRING);
    if (d)
        tools_set(out, s, "description", trimmed(val_get_str(d, NULL)));
    return s;
}

int taskweaver_detect(const tools_file_t *f)
{
    const val_t *d = f->doc;
    if (!tools_get(d, "name", VAL_STRING) ||
        !tools_get(d, "parameters", VAL_LIST))
        return 0;
    return tools_member(d, "returns") &&
           (tools_member(d, "enabled") || tools_member(d, "configurations") ||
            tools_member(d, "plugin_only") || tools_member(d, "required"))
        ? 90 : 0;
}

mig_status_t taskweaver_read(const tools_file_t *f, tools_out_t *out)
{
    static const char *const known[] = {
        "name", "description", "parameters", "returns", "enabled",
        "required", "plugin_only", "examples", "configurations", NULL,
    };
    const val_t *d = f->doc;
    val_t *props, *req, *rec = tools_tool_new(), *cfg = val_map_new(5);
    val_t *schema = object_schema(out, &props, &req);
    val_t *outs = val_list_new(2);
    if (!rec || !cfg || !schema || !outs) {
        out->oom = true;
        goto done;
    }
    const val_t *ps = tools_get(d, "parameters", VAL_LIST);
    for (size_t i = 0; ps && i < val_len(ps); i++) {
        const val_t *p = val_list_get(ps, i);
        const char *name = tools_get_str(p, "name");
        char ptr[48];
        snprintf(ptr, sizeof ptr, "/parameters/%zu", i);
        if (!name) {
            tools_problem(out, "error", ptr, 0, "a parameter with no name: "
                          "left out");
            continue;
        }
        tools_set(out, props, name, tw_schema(out, p, ptr));
        const val_t *r = tools_get(p, "required", VAL_BOOL);
        if (r && val_get_bool(r))
            agent_list_add(out, req, name, strlen(name));
    }
    /* The values returned, a tuple in order. */
    const val_t *rs = tools_get(d, "returns", VAL_LIST);
    for (size_t i = 0; rs && i < val_len(rs); i++) {
        char ptr[48];
        snprintf(ptr, sizeof ptr, "/returns/%zu", i);
        const val_t *r = val_list_get(rs, i);
        val_t *s = tw_schema(out, r, ptr);
        const char *n = tools_get_str(r, "name");
        if (s && n)
            tools_set(out, s, "title", val_cstring(n));
        if (!s || val_list_push_take(outs, s) != MIG_OK)
            out->oom = true;
    }
    tools_set(out, rec, "name", val_cstring(tools_get_str(d, "name")));
    tools_set(out, rec, "description",
              trimmed(tools_get_str(d, "description") ?
                      tools_get_str(d, "description") : ""));
    tools_set(out, rec, "parameters", val_ref(schema));
    if (val_len(outs) > 0) {
        val_t *o = val_map_new(3);
        if (o) {
            tools_set(out, o, "type", val_cstring("array"));
            tools_set(out, o, "prefixItems", val_ref(outs));
            tools_set(out, o, "items", val_bool(false));
        }
        tools_set(out, rec, "output", o);
    }
    tools_set(out, rec, "endpoint", tools_endpoint("function"));
    static const char *const kept[] = { "enabled", "required", "plugin_only",
                                        "examples", NULL };
    for (size_t i = 0; kept[i]; i++)
        tools_copy(out, cfg, kept[i], d, kept[i]);
    /* Configurations as found, secret values never copied. */
    const val_t *c = tools_get(d, "configurations", VAL_MAP);
    val_t *conf = c ? val_map_new(val_len(c)) : NULL;
    for (size_t i = 0; conf && i < val_len(c); i++) {
        const char *k = val_get_str(val_map_key(c, i), NULL);
        const val_t *v = val_map_value(c, i);
        bool empty = val_type(v) == VAL_NULL ||
                     (val_type(v) == VAL_STRING && val_len(v) == 0);
        if (secret_key(k) && !empty) {
            tools_problem(out, "warning", "/configurations", 0,
                          "configurations.%s holds a secret: not copied "
                          "(give it as a reference)", k);
            v = NULL;
        }
        if (val_map_set_take(conf, k, strlen(k),
                             v ? val_ref((val_t *)v) : val_null()) != MIG_OK)
            out->oom = true;
    }
    if (conf)
        tools_set(out, cfg, "configurations", conf);
    tools_set(out, rec, "config", val_ref(cfg));
    tools_extra(out, rec, d, known);
    tools_set(out, rec, "provenance",
              tools_provenance(f, "taskweaver.plugin", NULL, "", 0));
    tools_add_take(out, "tool", rec);
    rec = NULL;
done:
    val_unref(rec);
    val_unref(cfg);
    val_unref(schema);
    val_unref(outs);
    return MIG_OK;
}

/* ---- Flowise ------------------------------------------------------------ */

int flowise_detect(const tools_file_t *f)
{
    const val_t *d = f->doc;
    const val_t *s = tools_member(d, "schema");
    return tools_get(d, "name", VAL_STRING) && tools_get(d, "func", VAL_STRING) &&
           s && (val_type(s) == VAL_STRING || val_type(s) == VAL_LIST) ? 90 : 0;
}

/* Flowise's schema S (a JSON string or a list) as a list, or NULL with
 * an error in OUT. */
static val_t *flowise_rows(tools_out_t *out, const val_t *s)
{
    if (val_type(s) == VAL_LIST)
        return val_ref((val_t *)s);
    size_t len;
    const char *text = val_get_str(s, &len);
    src_t *src = src_from_memory("schema", text, len);
    diag_list_t dl;
    diag_list_init(&dl);
    val_t *rows = NULL;
    mig_status_t st = src ? val_from_json(src, &dl, &rows) : MIG_ENOMEM;
    if (st == MIG_ENOMEM) {
        out->oom = true;
    } else if (st != MIG_OK || val_type(rows) != VAL_LIST) {
        const diag_t *e = dl.len ? &dl.items[0] : NULL;
        tools_problem(out, "error", "/schema", 0, "schema is %s: the tool is "
                      "not read", st != MIG_OK
                      ? (e && e->message ? e->message : "not valid JSON")
                      : "JSON but not a list");
        val_unref(rows);
        rows = NULL;
    }
    diag_list_free(&dl);
    src_free(src);
    return rows;
}

mig_status_t flowise_read(const tools_file_t *f, tools_out_t *out)
{
    static const char *const known[] = { "name", "description", "schema",
                                         "func", "framework", NULL };
    const val_t *d = f->doc;
    val_t *rows = flowise_rows(out, tools_member(d, "schema"));
    if (!rows)
        return MIG_OK;
    val_t *props, *req, *rec = tools_tool_new(), *cfg = val_map_new(3);
    val_t *schema = object_schema(out, &props, &req);
    if (!rec || !cfg || !schema) {
        out->oom = true;
        goto done;
    }
    for (size_t i = 0; i < val_len(rows); i++) {
        const val_t *r = val_list_get(rows, i);
        const char *name = tools_get_str(r, "property");
        const char *type = tools_get_str(r, "type");
        char ptr[48];
        snprintf(ptr, sizeof ptr, "/schema/%zu", i);
        if (!name || !*name) {
            tools_problem(out, "error", ptr, 0, "a property with no name: "
                          "left out");
            continue;
        }
        val_t *p = val_map_new(3);
        if (!p) {
            out->oom = true;
            break;
        }
        bool date = type && strcmp(type, "date") == 0;
        tools_set(out, p, "type", val_cstring(date ? "string" : type ? type
                                                                : "string"));
        if (date)
            tools_set(out, p, "format", val_cstring("date"));
        const char *desc = tools_get_str(r, "description");
        if (desc)
            tools_set(out, p, "description", val_cstring(desc));
        tools_set(out, props, name, p);
        const val_t *rq = tools_get(r, "required", VAL_BOOL);
        if (rq && val_get_bool(rq))
            agent_list_add(out, req, name, strlen(name));
    }
    tools_set(out, rec, "name", val_cstring(tools_get_str(d, "name")));
    const char *desc = tools_get_str(d, "description");
    tools_set(out, rec, "description", val_cstring(desc ? desc : ""));
    tools_set(out, rec, "parameters", val_ref(schema));
    tools_set(out, rec, "endpoint", tools_endpoint("function"));
    tools_set(out, cfg, "func", val_ref(tools_member(d, "func")));
    tools_set(out, cfg, "language", val_cstring("javascript"));
    if (tools_member(d, "framework"))
        tools_set(out, cfg, "framework", val_ref(tools_member(d, "framework")));
    tools_set(out, rec, "config", val_ref(cfg));
    tools_extra(out, rec, d, known);
    tools_set(out, rec, "provenance",
              tools_provenance(f, "flowise.tool", NULL, "", 0));
    tools_add_take(out, "tool", rec);
    rec = NULL;
done:
    val_unref(rec);
    val_unref(cfg);
    val_unref(schema);
    val_unref(rows);
    return MIG_OK;
}

/* ---- Letta -------------------------------------------------------------- */

/* A Letta agent file: {agents: [...], tools: [...]} (or one agent with
 * agent_type at the top), its tools carrying json_schema. */
int letta_detect(const tools_file_t *f)
{
    const val_t *d = f->doc;
    const val_t *tools = tools_get(d, "tools", VAL_LIST);
    if (!tools)
        return 0;
    if (!tools_get(d, "agents", VAL_LIST) && !tools_member(d, "agent_type"))
        return 0;
    for (size_t i = 0; i < val_len(tools); i++)
        if (!tools_get(val_list_get(tools, i), "json_schema", VAL_MAP))
            return 30;
    return 95;
}

/* The names of the agents of D whose tool_ids hold ID, into a new list. */
static val_t *letta_agents_of(const val_t *d, const val_t *id)
{
    val_t *l = val_list_new(1);
    const val_t *agents = tools_get(d, "agents", VAL_LIST);
    for (size_t i = 0; l && id && agents && i < val_len(agents); i++) {
        const val_t *a = val_list_get(agents, i);
        const val_t *ids = tools_get(a, "tool_ids", VAL_LIST);
        const val_t *n = tools_get(a, "name", VAL_STRING);
        for (size_t j = 0; n && ids && j < val_len(ids); j++)
            if (val_equal(val_list_get(ids, j), id)) {
                if (val_list_push(l, (val_t *)n) != MIG_OK) {
                    val_unref(l);
                    return NULL;
                }
                break;
            }
    }
    return l;
}

mig_status_t letta_read(const tools_file_t *f, tools_out_t *out)
{
    static const char *const known[] = {
        "name", "description", "json_schema", "source_code", "source_type",
        "tool_type", "return_char_limit", "pip_requirements",
        "npm_requirements", NULL,
    };
    const val_t *d = f->doc;
    out->version = tools_get(d, "agents", VAL_LIST) ? "agents" : "agent";
    const val_t *tools = tools_get(d, "tools", VAL_LIST);
    for (size_t i = 0; i < val_len(tools); i++) {
        const val_t *t = val_list_get(tools, i);
        const val_t *js = tools_get(t, "json_schema", VAL_MAP);
        const char *name = tools_get_str(t, "name");
        if (!name)
            name = tools_get_str(js, "name");
        char ptr[48];
        snprintf(ptr, sizeof ptr, "/tools/%zu", i);
        if (!name || !js) {
            tools_problem(out, "error", ptr, 0, "a tool with no %s: left out",
                          name ? "json_schema" : "name");
            continue;
        }
        val_t *rec = tools_tool_new(), *cfg = val_map_new(6);
        if (!rec || !cfg) {
            val_unref(rec);
            val_unref(cfg);
            out->oom = true;
            return MIG_OK;
        }
        tools_set(out, rec, "name", val_cstring(name));
        const char *desc = tools_get_str(js, "description");
        if (!desc)
            desc = tools_get_str(t, "description");
        tools_set(out, rec, "description", val_cstring(desc ? desc : ""));
        val_t *params = tools_member(js, "parameters");
        tools_set(out, rec, "parameters", params ? val_ref(params) : val_null());
        tools_set(out, rec, "endpoint", tools_endpoint("function"));
        static const char *const kept[] = {
            "source_type", "source_code", "tool_type", "return_char_limit",
            "pip_requirements", "npm_requirements", NULL,
        };
        for (size_t k = 0; kept[k]; k++) {
            val_t *v = tools_member(t, kept[k]);
            if (v && val_type(v) != VAL_NULL)
                tools_set(out, cfg, kept[k], val_ref(v));
        }
        tools_set(out, cfg, "agents", letta_agents_of(d, tools_member(t, "id")));
        tools_set(out, rec, "config", val_ref(cfg));
        val_unref(cfg);
        tools_extra(out, rec, t, known);
        tools_set(out, rec, "provenance",
                  tools_provenance(f, "letta.agent_file", out->version, ptr, 0));
        tools_add_take(out, "tool", rec);
    }
    if (val_len(tools) == 0)
        tools_problem(out, "warning", "/tools", 0, "an agent file with no "
                      "tools");
    return MIG_OK;
}

/* ---- CrewAI ------------------------------------------------------------- */

/* How many members of D are maps with KEY_A (and KEY_B when not NULL);
 * -1 when a member is no map. */
static int crew_count(const val_t *d, const char *a, const char *b)
{
    int n = 0;
    for (size_t i = 0; i < val_len(d); i++) {
        const val_t *v = val_map_value(d, i);
        if (val_type(v) != VAL_MAP)
            return -1;
        n += tools_member(v, a) && (!b || tools_member(v, b));
    }
    return n;
}

int crewai_agents_detect(const tools_file_t *f)
{
    const val_t *d = f->doc;
    if (!d || val_type(d) != VAL_MAP || val_len(d) == 0)
        return 0;
    int n = crew_count(d, "role", "goal");
    return n > 0 && (size_t)n * 2 >= val_len(d) ? 90 : 0;
}

int crewai_tasks_detect(const tools_file_t *f)
{
    const val_t *d = f->doc;
    if (!d || val_type(d) != VAL_MAP || val_len(d) == 0)
        return 0;
    int n = crew_count(d, "description", "expected_output");
    return n > 0 && (size_t)n * 2 >= val_len(d) ? 90 : 0;
}

/* The {name} placeholders of text T into VARS ({{ }} left alone). */
static void crew_vars(tools_out_t *out, const char *t, val_t *vars)
{
    for (const char *p = t; p && (p = strchr(p, '{')); p++) {
        if (p[1] == '{') {
            p++;
            continue;
        }
        const char *e = p + 1;
        if (!isalpha((unsigned char)*e) && *e != '_')
            continue;
        while (isalnum((unsigned char)*e) || *e == '_')
            e++;
        if (*e == '}')
            agent_list_add(out, vars, p + 1, (size_t)(e - p - 1));
    }
}

/* One agent or task NAME (map V) as a prompt tool record; TEXT_KEYS are
 * its template's keys, the rest its settings. */
static void crew_record(const tools_file_t *f, tools_out_t *out,
                        const char *format, const val_t *name, const val_t *v,
                        const char *const *text_keys, bool task)
{
    val_t *props, *req, *rec = tools_tool_new(), *cfg = val_map_new(4);
    val_t *tmpl = val_map_new(3), *settings = val_map_new(4);
    val_t *vars = val_list_new(0), *deps = val_list_new(0);
    val_t *schema = object_schema(out, &props, &req);
    if (!rec || !cfg || !tmpl || !settings || !vars || !deps || !schema) {
        out->oom = true;
        goto done;
    }
    for (size_t i = 0; i < val_len(v); i++) {
        const char *k = val_get_str(val_map_key(v, i), NULL);
        const val_t *x = val_map_value(v, i);
        bool text = false;
        for (size_t j = 0; text_keys[j] && !text; j++)
            text = strcmp(text_keys[j], k) == 0;
        if (text && val_type(x) == VAL_STRING) {
            crew_vars(out, val_get_str(x, NULL), vars);
            tools_set(out, tmpl, k, trimmed(val_get_str(x, NULL)));
        } else if (val_map_set(settings, k, strlen(k), (val_t *)x) != MIG_OK) {
            out->oom = true;
        }
    }
    for (size_t i = 0; i < val_len(vars); i++) {
        size_t len;
        const char *n = val_get_str(val_list_get(vars, i), &len);
        val_t *p = val_map_new(1);
        if (p)
            tools_set(out, p, "type", val_cstring("string"));
        if (!p || val_map_set_take(props, n, len, p) != MIG_OK ||
            val_list_push(req, val_list_get(vars, i)) != MIG_OK)
            out->oom = true;
    }
    tools_set(out, rec, "name", val_ref((val_t *)name));
    if (!task && tools_get(v, "role", VAL_STRING))
        tools_set(out, rec, "title", trimmed(tools_get_str(v, "role")));
    const char *desc = tools_get_str(v, task ? "description" : "goal");
    tools_set(out, rec, "description", trimmed(desc ? desc : ""));
    tools_set(out, rec, "parameters", val_ref(schema));
    tools_set(out, rec, "endpoint", tools_endpoint("prompt"));
    /* A task needs its agent and the tasks of its context. */
    const char *agent = task ? tools_get_str(v, "agent") : NULL;
    if (agent)
        agent_list_add(out, deps, agent, strlen(agent));
    const val_t *ctx = task ? tools_get(v, "context", VAL_LIST) : NULL;
    for (size_t i = 0; ctx && i < val_len(ctx); i++)
        if (val_type(val_list_get(ctx, i)) == VAL_STRING) {
            size_t len;
            const char *c = val_get_str(val_list_get(ctx, i), &len);
            agent_list_add(out, deps, c, len);
        }
    if (val_len(deps))
        tools_set(out, rec, "dependencies", val_ref(deps));
    tools_set(out, cfg, "template", val_ref(tmpl));
    tools_set(out, cfg, "template_format", val_cstring("crewai"));
    tools_set(out, cfg, "variables", val_ref(vars));
    tools_set(out, cfg, "settings", val_ref(settings));
    tools_set(out, rec, "config", val_ref(cfg));
    strbuf_t ptr;
    strbuf_init(&ptr);
    size_t nlen;
    const char *n = val_get_str(name, &nlen);
    tools_pointer_key(&ptr, n, nlen);
    tools_set(out, rec, "provenance",
              tools_provenance(f, format, NULL, ptr.data ? ptr.data : "", 0));
    if (ptr.oom)
        out->oom = true;
    strbuf_free(&ptr);
    tools_add_take(out, "tool", rec);
    rec = NULL;
done:
    val_unref(rec);
    val_unref(cfg);
    val_unref(tmpl);
    val_unref(settings);
    val_unref(vars);
    val_unref(deps);
    val_unref(schema);
}

/* Reads every member of the crew file F that has KEY as one record. */
static void crew_read(const tools_file_t *f, tools_out_t *out,
                      const char *format, const char *key,
                      const char *const *text_keys, bool task)
{
    const val_t *d = f->doc;
    for (size_t i = 0; i < val_len(d); i++) {
        const val_t *v = val_map_value(d, i);
        const char *n = val_get_str(val_map_key(d, i), NULL);
        if (!tools_get(v, key, VAL_STRING)) {
            tools_problem(out, "error", NULL, 0, "'%s' has no %s (text): "
                          "left out", n, key);
            continue;
        }
        crew_record(f, out, format, val_map_key(d, i), v, text_keys, task);
    }
}

mig_status_t crewai_agents_read(const tools_file_t *f, tools_out_t *out)
{
    static const char *const text[] = { "role", "goal", "backstory", NULL };
    crew_read(f, out, "crewai.agents", "role", text, false);
    return MIG_OK;
}

mig_status_t crewai_tasks_read(const tools_file_t *f, tools_out_t *out)
{
    static const char *const text[] = { "description", "expected_output",
                                        NULL };
    crew_read(f, out, "crewai.tasks", "description", text, true);
    return MIG_OK;
}
