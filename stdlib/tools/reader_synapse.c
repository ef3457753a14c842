/* reader_synapse.c: Synapse, the platform's own legacy agent-tool format
 * (docs/legacy-formats.md, "Synapse", which defines it): YAML agent files
 * whose tools are methods called with positional parameters. Version 1
 * lists methods with "NAME: TYPE = DEFAULT" arguments under a host;
 * version 2 keys them by name with parameter maps, a transport, a declared
 * calling convention and hints. Each method becomes a tool record whose
 * parameters are a JSON Schema in call order, the order and the
 * convention kept in its config. */
#include <stdlib.h>
#include <string.h>

#include "tools_int.h"

/* Synapse's type names and the JSON Schema types they are. */
static const struct {
    const char *synapse, *json;     /* json NULL: any value */
} types[] = {
    { "str", "string" }, { "string", "string" }, { "int", "integer" },
    { "integer", "integer" }, { "float", "number" }, { "number", "number" },
    { "double", "number" }, { "bool", "boolean" }, { "boolean", "boolean" },
    { "list", "array" }, { "array", "array" }, { "dict", "object" },
    { "map", "object" }, { "object", "object" }, { "any", NULL },
    { "null", "null" },
};

/* The schema for type T (LEN bytes): {type}, {} for any, and list[T] as
 * {type: array, items}. NULL for a name Synapse does not have. */
static val_t *type_schema(const char *t, size_t len)
{
    while (len && (*t == ' '))
        t++, len--;
    while (len && t[len - 1] == ' ')
        len--;
    if (len > 6 && memcmp(t, "list[", 5) == 0 && t[len - 1] == ']') {
        val_t *items = type_schema(t + 5, len - 6);
        val_t *s = items ? val_map_new(2) : NULL;
        if (s && val_map_set_take(s, "type", 4, val_cstring("array")) == MIG_OK &&
            val_map_set_take(s, "items", 5, items) == MIG_OK)
            return s;
        val_unref(s);
        return NULL;
    }
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (strlen(types[i].synapse) == len &&
            memcmp(types[i].synapse, t, len) == 0) {
            val_t *s = val_map_new(1);
            if (s && types[i].json &&
                val_map_set_take(s, "type", 4, val_cstring(types[i].json)) != MIG_OK) {
                val_unref(s);
                return NULL;
            }
            return s;
        }
    return NULL;
}

/* A default written in a v1 argument ("false", "10", "'eu'"): its value. */
static val_t *default_value(const char *s, size_t len)
{
    while (len && *s == ' ')
        s++, len--;
    while (len && s[len - 1] == ' ')
        len--;
    if ((len == 4 && !memcmp(s, "true", 4)) || (len == 5 && !memcmp(s, "false", 5)))
        return val_bool(len == 4);
    if (len == 4 && !memcmp(s, "null", 4))
        return val_null();
    if (len >= 2 && (s[0] == '"' || s[0] == '\'') && s[len - 1] == s[0])
        return val_string(s + 1, len - 2);
    char buf[64];
    if (len && len < sizeof buf) {
        memcpy(buf, s, len);
        buf[len] = '\0';
        char *end;
        double d = strtod(buf, &end);
        if (*end == '\0' && end != buf)
            return d == (double)(int64_t)d && !memchr(buf, '.', len)
                ? val_int((int64_t)d) : val_double(d);
    }
    return val_string(s, len);
}

/* What a method's parameters become: a schema, the order, and whether
 * they could be read. */
typedef struct params {
    val_t *props, *required, *order;
    bool bad;
} params_t;

static bool method_params_init(params_t *p)
{
    p->props = val_map_new(4);
    p->required = val_list_new(0);
    p->order = val_list_new(0);
    p->bad = false;
    return p->props && p->required && p->order;
}

static void method_params_free(params_t *p)
{
    val_unref(p->props);
    val_unref(p->required);
    val_unref(p->order);
}

/* Adds parameter NAME with SCHEMA (taken), required or not. */
static void param_add(tools_out_t *out, params_t *p, const char *name,
                      val_t *schema, bool required)
{
    if (val_map_get(p->props, name, strlen(name))) {
        p->bad = true;
        val_unref(schema);
        return;
    }
    if (val_map_set_take(p->props, name, strlen(name), schema) != MIG_OK ||
        val_list_push_take(p->order, val_cstring(name)) != MIG_OK ||
        (required && val_list_push_take(p->required, val_cstring(name)) != MIG_OK))
        out->oom = true;
}

/* Synapse 1's argument A: {NAME: "TYPE"} or {NAME: "TYPE = DEFAULT"}. */
static void v1_arg(tools_out_t *out, params_t *p, const val_t *a,
                   const char *pointer, const char *method)
{
    const char *spec = val_type(a) == VAL_MAP && val_len(a) == 1
        ? (val_type(val_map_value(a, 0)) == VAL_STRING
           ? val_get_str(val_map_value(a, 0), NULL) : NULL) : NULL;
    if (!spec) {
        tools_problem(out, "error", pointer, 0, "'%s': an argument is written "
                      "NAME: TYPE or NAME: TYPE = DEFAULT", method);
        p->bad = true;
        return;
    }
    const char *name = val_get_str(val_map_key(a, 0), NULL);
    const char *eq = strchr(spec, '=');
    size_t tlen = eq ? (size_t)(eq - spec) : strlen(spec);
    val_t *s = type_schema(spec, tlen);
    if (!s) {
        tools_problem(out, "error", pointer, 0, "'%s': argument '%s' has "
                      "the unknown type '%.*s'", method, name, (int)tlen, spec);
        p->bad = true;
        return;
    }
    if (eq && val_map_set_take(s, "default", 7,
                               default_value(eq + 1, strlen(eq + 1))) != MIG_OK)
        out->oom = true;
    size_t before = val_len(p->props);
    param_add(out, p, name, s, !eq);
    if (val_len(p->props) == before && !out->oom)
        tools_problem(out, "error", pointer, 0, "'%s': argument '%s' is "
                      "named twice", method, name);
}

/* Synapse 2's parameter P: {name, type, doc, default, required}. */
static void v2_param(tools_out_t *out, params_t *pa, const val_t *p,
                     const char *pointer, const char *method)
{
    const char *name = tools_get_str(p, "name");
    const char *type = tools_get_str(p, "type");
    val_t *s = type ? type_schema(type, strlen(type)) : val_map_new(0);
    if (!name || !s) {
        tools_problem(out, "error", pointer, 0, name
                      ? "'%s': parameter '%s' has an unknown type"
                      : "'%s': a parameter with no name%s", method,
                      name ? name : "");
        val_unref(s);
        pa->bad = true;
        return;
    }
    if (tools_get(p, "doc", VAL_STRING))
        tools_copy(out, s, "description", p, "doc");
    tools_copy(out, s, "default", p, "default");
    tools_copy(out, s, "enum", p, "enum");
    const val_t *req = tools_get(p, "required", VAL_BOOL);
    bool required = req ? val_get_bool(req) : !tools_member(p, "default");
    size_t before = val_len(pa->props);
    param_add(out, pa, name, s, required);
    if (val_len(pa->props) == before && !out->oom)
        tools_problem(out, "error", pointer, 0, "'%s': parameter '%s' is "
                      "named twice", method, name);
}

/* The schema {type: object, properties, required, additionalProperties:
 * false} of P. */
static val_t *params_schema(params_t *p)
{
    val_t *s = val_map_new(4);
    if (!s || val_map_set_take(s, "type", 4, val_cstring("object")) != MIG_OK ||
        val_map_set(s, "properties", 10, p->props) != MIG_OK ||
        val_map_set(s, "required", 8, p->required) != MIG_OK ||
        val_map_set_take(s, "additionalProperties", 20, val_bool(false)) != MIG_OK) {
        val_unref(s);
        return NULL;
    }
    return s;
}

/* ---- the agent ---------------------------------------------------------- */

/* What every method of an agent shares. */
typedef struct agent {
    int version;                /* 1 or 2 */
    const char *name, *calling;
    strbuf_t base;              /* the URL methods are under, or empty */
    const val_t *command;       /* stdio: the command */
    val_t *auth;                /* a reference, or NULL */
    const val_t *requires, *agent_version;
} agent_t;

/* Reads the agent's auth block into a reference; a secret's value is
 * never copied. */
static val_t *auth_ref(tools_out_t *out, const val_t *a, int version)
{
    if (!a)
        return NULL;
    val_t *r = val_map_new(4);
    strbuf_t ref;
    strbuf_init(&ref);
    const char *env = tools_get_str(a, version == 1 ? "token_env" : "secret");
    const char *type = version == 1 ? "bearer" : tools_get_str(a, "type");
    if (tools_member(a, "token"))
        tools_problem(out, "warning", "/auth/token", 0, "the file holds a token "
                      "value: it is not copied (name its variable instead)");
    if (env)
        strbuf_printf(&ref, "env:%s", env);
    if (!r || val_map_set_take(r, "type", 4, val_cstring(type ? type : "bearer"))
        != MIG_OK || val_map_set_take(r, "ref", 3, env ? val_string(ref.data, ref.len)
                                                       : val_null()) != MIG_OK)
        out->oom = true;
    const char *header = tools_get_str(a, "header");
    if (r && header && (val_map_set_take(r, "in", 2, val_cstring("header")) != MIG_OK ||
                        val_map_set_take(r, "name", 4, val_cstring(header)) != MIG_OK))
        out->oom = true;
    strbuf_free(&ref);
    return r;
}

/* Reads the agent's own keys; false (with an error) when it cannot be. */
static bool agent_read(const tools_file_t *f, tools_out_t *out, agent_t *ag)
{
    const val_t *d = f->doc;
    strbuf_init(&ag->base);
    if (ag->version == 1) {
        ag->name = tools_get_str(d, "agent");
        const char *host = tools_get_str(d, "host");
        if (host)
            strbuf_printf(&ag->base, "%s/%s", host, ag->name ? ag->name : "");
        ag->calling = "positional";
    } else {
        const val_t *a = tools_get(d, "agent", VAL_MAP);
        ag->name = tools_get_str(a, "name");
        ag->agent_version = tools_member(a, "version");
        const val_t *t = tools_get(d, "transport", VAL_MAP);
        const char *url = tools_get_str(t, "url");
        if (url)
            strbuf_puts(&ag->base, url);
        ag->command = tools_member(t, "command");
        ag->calling = tools_get_str(d, "calling");
        if (!ag->calling)
            ag->calling = "positional";
        if (strcmp(ag->calling, "positional") && strcmp(ag->calling, "named")) {
            tools_problem(out, "error", "/calling", 0, "calling is '%s': "
                          "Synapse 2 calls methods positional or named",
                          ag->calling);
            return false;
        }
        ag->requires = tools_get(d, "requires", VAL_LIST);
    }
    if (!ag->name) {
        tools_problem(out, "error", ag->version == 1 ? "/agent" : "/agent/name",
                      0, "the agent has no name: no method is read");
        return false;
    }
    if (ag->version == 1 && !tools_get_str(d, "host"))
        tools_problem(out, "warning", "/host", 0, "no host: the methods' "
                      "endpoint is unknown");
    ag->auth = auth_ref(out, tools_get(d, "auth", VAL_MAP), ag->version);
    return !ag->base.oom;
}

/* The endpoint of METHOD. */
static val_t *endpoint(const agent_t *ag, const char *method)
{
    val_t *e = val_map_new(3);
    if (!e)
        return NULL;
    bool ok;
    if (ag->base.len) {
        strbuf_t u;
        strbuf_init(&u);
        strbuf_printf(&u, "%s/%s", ag->base.data, method);
        ok = !u.oom &&
             val_map_set_take(e, "transport", 9, val_cstring("http")) == MIG_OK &&
             val_map_set_take(e, "url", 3, val_string(u.data, u.len)) == MIG_OK &&
             val_map_set_take(e, "method", 6, val_cstring("POST")) == MIG_OK;
        strbuf_free(&u);
    } else {
        ok = val_map_set_take(e, "transport", 9,
                              ag->command ? val_cstring("stdio") : val_null()) == MIG_OK;
    }
    if (!ok) {
        val_unref(e);
        return NULL;
    }
    return e;
}

/* Makes the record of METHOD (map M at POINTER) from its parameters. */
static void add_method(const tools_file_t *f, tools_out_t *out,
                       const agent_t *ag, const char *method, const val_t *m,
                       params_t *p, const char *pointer)
{
    static const char *const v1_keys[] = { "method", "doc", "args", "returns", NULL };
    static const char *const v2_keys[] = {
        "summary", "params", "returns", "readonly", "destructive",
        "idempotent", "timeout", NULL,
    };
    val_t *rec = tools_tool_new();
    if (!rec) {
        out->oom = true;
        return;
    }
    tools_set(out, rec, "name", val_cstring(method));
    const char *doc = tools_get_str(m, ag->version == 1 ? "doc" : "summary");
    tools_set(out, rec, "description", doc ? val_cstring(doc) : val_null());
    tools_set(out, rec, "parameters", params_schema(p));
    const val_t *ret = tools_member(m, "returns");
    if (ret && val_type(ret) == VAL_STRING) {
        val_t *s = type_schema(val_get_str(ret, NULL), val_len(ret));
        if (!s)
            tools_problem(out, "warning", pointer, 0, "'%s': returns the "
                          "unknown type '%s': kept as written", method,
                          val_get_str(ret, NULL));
        tools_set(out, rec, "output", s ? s : val_ref((val_t *)ret));
    } else if (ret && val_type(ret) == VAL_MAP) {
        const char *t = tools_get_str(ret, "type");
        val_t *s = t ? type_schema(t, strlen(t)) : val_map_new(0);
        if (s && tools_get_str(ret, "doc"))
            tools_copy(out, s, "description", ret, "doc");
        tools_set(out, rec, "output", s ? s : val_ref((val_t *)ret));
    }
    if (ag->version == 2) {
        static const char *const hints[][2] = {
            { "readonly", "readOnlyHint" }, { "destructive", "destructiveHint" },
            { "idempotent", "idempotentHint" },
        };
        val_t *ann = val_map_new(3);
        for (size_t i = 0; ann && i < 3; i++) {
            const val_t *h = tools_get(m, hints[i][0], VAL_BOOL);
            if (h && val_map_set(ann, hints[i][1], strlen(hints[i][1]),
                                 (val_t *)h) != MIG_OK)
                out->oom = true;
        }
        tools_set(out, rec, "annotations", ann && val_len(ann) ? ann : val_null());
        if (ann && !val_len(ann))
            val_unref(ann);
        if (ag->requires)
            tools_set(out, rec, "dependencies", val_ref((val_t *)ag->requires));
        if (ag->agent_version)
            tools_set(out, rec, "version", val_ref((val_t *)ag->agent_version));
    }
    tools_set(out, rec, "endpoint", endpoint(ag, method));
    if (ag->auth)
        tools_set(out, rec, "auth", val_ref(ag->auth));
    val_t *config = val_map_new(4);
    if (!config ||
        val_map_set_take(config, "agent", 5, val_cstring(ag->name)) != MIG_OK ||
        val_map_set_take(config, "calling", 7, val_cstring(ag->calling)) != MIG_OK ||
        val_map_set(config, "order", 5, p->order) != MIG_OK ||
        (ag->command && val_map_set(config, "command", 7,
                                    (val_t *)ag->command) != MIG_OK) ||
        (tools_member(m, "timeout") &&
         val_map_set(config, "timeout", 7, tools_member(m, "timeout")) != MIG_OK))
        out->oom = true;
    tools_set(out, rec, "config", config);
    tools_extra(out, rec, m, ag->version == 1 ? v1_keys : v2_keys);
    tools_set(out, rec, "provenance",
              tools_provenance(f, "synapse", out->version, pointer, 0));
    tools_add_take(out, "tool", rec);
}

/* ---- versions 1 and 2 ---------------------------------------------------- */

static void read_v1(const tools_file_t *f, tools_out_t *out, const agent_t *ag)
{
    const val_t *tools = tools_get(f->doc, "tools", VAL_LIST);
    if (!tools) {
        tools_problem(out, "error", "/tools", 0, "Synapse 1 lists its methods "
                      "under tools: a list");
        return;
    }
    strbuf_t ptr;
    strbuf_init(&ptr);
    for (size_t i = 0; i < val_len(tools); i++) {
        const val_t *m = val_list_get(tools, i);
        ptr.len = 0;
        strbuf_puts(&ptr, "/tools");
        tools_pointer_index(&ptr, i);
        const char *method = tools_get_str(m, "method");
        if (ptr.oom || !method) {
            out->oom = out->oom || ptr.oom;
            tools_problem(out, "error", ptr.data, 0, "a method with no name: "
                          "not read");
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (tools_get_str(val_list_get(tools, j), "method") &&
                strcmp(tools_get_str(val_list_get(tools, j), "method"), method) == 0)
                tools_problem(out, "warning", ptr.data, 0, "method '%s' is "
                              "listed twice", method);
        params_t p;
        if (!method_params_init(&p)) {
            method_params_free(&p);
            out->oom = true;
            break;
        }
        const val_t *args = tools_member(m, "args");
        if (args && val_type(args) != VAL_LIST) {
            tools_problem(out, "error", ptr.data, 0, "'%s': args is a %s, not a "
                          "list", method, val_type_name(val_type(args)));
            p.bad = true;
        }
        for (size_t j = 0; args && !p.bad && j < val_len(args); j++)
            v1_arg(out, &p, val_list_get(args, j), ptr.data, method);
        if (p.bad)
            tools_problem(out, "error", ptr.data, 0, "'%s' is not read: its "
                          "arguments are malformed", method);
        else
            add_method(f, out, ag, method, m, &p, ptr.data);
        method_params_free(&p);
    }
    strbuf_free(&ptr);
}

static void read_v2(const tools_file_t *f, tools_out_t *out, const agent_t *ag)
{
    const val_t *tools = tools_get(f->doc, "tools", VAL_MAP);
    if (!tools) {
        tools_problem(out, "error", "/tools", 0, "Synapse 2 keys its methods "
                      "by name under tools: a map");
        return;
    }
    strbuf_t ptr;
    strbuf_init(&ptr);
    for (size_t i = 0; i < val_len(tools); i++) {
        size_t len;
        const char *method = val_get_str(val_map_key(tools, i), &len);
        const val_t *m = val_map_value(tools, i);
        ptr.len = 0;
        strbuf_puts(&ptr, "/tools");
        tools_pointer_key(&ptr, method, len);
        params_t p;
        if (ptr.oom || !method_params_init(&p)) {
            method_params_free(&p);
            out->oom = true;
            break;
        }
        if (val_type(m) != VAL_MAP) {
            tools_problem(out, "error", ptr.data, 0, "'%s' is a %s, not a "
                          "method: not read", method, val_type_name(val_type(m)));
            method_params_free(&p);
            continue;
        }
        const val_t *ps = tools_member(m, "params");
        if (ps && val_type(ps) != VAL_LIST) {
            tools_problem(out, "error", ptr.data, 0, "'%s': params is a %s, "
                          "not a list", method, val_type_name(val_type(ps)));
            p.bad = true;
        }
        for (size_t j = 0; ps && !p.bad && j < val_len(ps); j++)
            v2_param(out, &p, val_list_get(ps, j), ptr.data, method);
        if (p.bad)
            tools_problem(out, "error", ptr.data, 0, "'%s' is not read: its "
                          "parameters are malformed", method);
        else
            add_method(f, out, ag, method, m, &p, ptr.data);
        method_params_free(&p);
    }
    strbuf_free(&ptr);
}

/* The version a `synapse` key says: 1, 2, or 0 (none Synapse has). */
static int version_of(const val_t *v)
{
    if (!v)
        return 0;
    if (val_type(v) == VAL_NUMBER) {
        double d = val_get_number(v);
        return d >= 1 && d < 2 ? 1 : d >= 2 && d < 3 ? 2 : 0;
    }
    const char *s = val_type(v) == VAL_STRING ? val_get_str(v, NULL) : "";
    return s[0] == '1' && (!s[1] || s[1] == '.') ? 1
         : s[0] == '2' && (!s[1] || s[1] == '.') ? 2 : 0;
}

static int synapse_detect(const tools_file_t *f)
{
    const val_t *v = f->doc && val_type(f->doc) == VAL_MAP
                         ? tools_member(f->doc, "synapse") : NULL;
    if (!v)
        return 0;
    return version_of(v) ? 100 : 60;
}

static mig_status_t synapse_read(const tools_file_t *f, tools_out_t *out)
{
    agent_t ag = { .version = version_of(tools_member(f->doc, "synapse")) };
    if (!ag.version) {
        tools_problem(out, "error", "/synapse", 0, "an unknown Synapse version: "
                      "mig reads synapse: 1 and synapse: 2");
        return MIG_OK;
    }
    out->version = ag.version == 1 ? "1" : "2";
    if (agent_read(f, out, &ag)) {
        if (ag.version == 1)
            read_v1(f, out, &ag);
        else
            read_v2(f, out, &ag);
    }
    strbuf_free(&ag.base);
    val_unref(ag.auth);
    return MIG_OK;
}

const tools_reader_t tools_readers_synapse[] = {
    { .format = "synapse", .family = "synapse", .detect = synapse_detect,
      .read = synapse_read,
      .doc = "a Synapse agent file (synapse: 1 or 2)" },
};

const size_t tools_readers_synapse_count =
    sizeof tools_readers_synapse / sizeof *tools_readers_synapse;
