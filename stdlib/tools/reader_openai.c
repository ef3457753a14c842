/* reader_openai.c: OpenAI function calling in its real shapes
 * (docs/legacy-formats.md, "OpenAI function calling"): bare lists of
 * functions, lists of {type: function, function}, Assistants exports,
 * request bodies with messages, objects keyed by tool name, and JSON
 * Lines (BFCL). Each function becomes one tool record; what is not a
 * function (a built-in tool, a request's messages) is a warning. */
#include <string.h>

#include "tools_int.h"

/* ---- shapes ------------------------------------------------------------- */

/* A function object: a map with a string `name`, and `parameters`,
 * `schema` or `description`, that is none of MCP's shapes. */
static bool is_fn(const val_t *v)
{
    return tools_get_str(v, "name") &&
           (tools_get(v, "parameters", VAL_MAP) ||
            tools_get(v, "schema", VAL_MAP) || tools_get_str(v, "description")) &&
           !tools_get(v, "inputSchema", VAL_MAP) &&
           !tools_get(v, "arguments", VAL_LIST) &&
           !tools_get(v, "annotations", VAL_MAP) &&
           !tools_get(v, "operationId", VAL_STRING);
}

/* Whether function V has a schema (more than a name and a description). */
static bool has_schema(const val_t *v)
{
    return tools_get(v, "parameters", VAL_MAP) || tools_get(v, "schema", VAL_MAP);
}

/* {type: "function", function: {...}}. */
static bool is_tool(const val_t *v)
{
    const char *t = tools_get_str(v, "type");
    return t && strcmp(t, "function") == 0 &&
           tools_get_str(tools_get(v, "function", VAL_MAP), "name");
}

/* The Responses API's flat tool: {type: "function", name, parameters}. */
static bool is_flat_tool(const val_t *v)
{
    const char *t = tools_get_str(v, "type");
    return t && strcmp(t, "function") == 0 && is_fn(v) &&
           !tools_member(v, "function");
}

/* An Assistants built-in: {type: "code_interpreter"} and the like. */
static bool is_builtin(const val_t *v)
{
    const char *t = tools_get_str(v, "type");
    return t && strcmp(t, "function") != 0 && val_len(v) <= 2;
}

/* Counts the items of list L that are functions (FN), tools, built-ins. */
typedef struct tally {
    size_t n, fns, schemas, tools, flat, builtins;
} tally_t;

static tally_t count(const val_t *l)
{
    tally_t t = { .n = l ? val_len(l) : 0 };
    for (size_t i = 0; i < t.n; i++) {
        const val_t *v = val_list_get(l, i);
        if (is_tool(v)) {
            t.tools++;
        } else if (is_flat_tool(v)) {
            t.tools++;
            t.flat++;
        } else if (is_fn(v)) {
            t.fns++;
            t.schemas += has_schema(v);
        } else if (is_builtin(v)) {
            t.builtins++;
        }
    }
    return t;
}

/* ---- one function ------------------------------------------------------- */

/* The members of a function object that have a place in a record. */
static const char *const fn_keys[] = {
    "name", "description", "parameters", "schema", "response", "strict", NULL,
};

/* Reads function FN (a map at POINTER, LINE) into a tool record. CONFIG:
 * settings of its envelope (a map, or NULL). */
static void add_fn(const tools_file_t *f, tools_out_t *out, const char *fmt,
                   const val_t *fn, const char *pointer, unsigned line,
                   const val_t *config)
{
    const char *name = tools_get_str(fn, "name");
    if (!name || !*name) {
        tools_problem(out, "error", pointer, line, "a function with no name: "
                      "not read");
        return;
    }
    val_t *rec = tools_tool_new();
    if (!rec) {
        out->oom = true;
        return;
    }
    tools_set(out, rec, "name", val_cstring(name));
    val_t *d = tools_member(fn, "description");
    if (d && val_type(d) == VAL_STRING)
        tools_set(out, rec, "description", val_ref(d));
    else if (d && val_type(d) != VAL_NULL)
        tools_problem(out, "warning", pointer, line, "'%s': description is a "
                      "%s, not a string: kept in extra", name,
                      val_type_name(val_type(d)));
    val_t *p = tools_member(fn, "parameters");
    if (!p && (p = tools_member(fn, "schema")))
        tools_problem(out, "warning", pointer, line, "'%s': its 'schema' is "
                      "read as its parameters", name);
    if (p && val_type(p) != VAL_MAP && val_type(p) != VAL_NULL)
        tools_problem(out, "warning", pointer, line, "'%s': parameters is a "
                      "%s, not a schema", name, val_type_name(val_type(p)));
    if (p)
        tools_set(out, rec, "parameters", val_ref(p));
    val_t *r = tools_member(fn, "response");
    if (r)
        tools_set(out, rec, "output", val_ref(r));
    val_t *conf = config ? val_copy(config) : val_map_new(1);
    val_t *strict = tools_member(fn, "strict");
    if (conf && strict &&
        val_map_set(conf, "strict", 6, strict) != MIG_OK)
        out->oom = true;
    tools_set(out, rec, "config", conf && val_len(conf) ? conf : val_null());
    if (conf && !val_len(conf))
        val_unref(conf);
    val_t *ep = val_map_new(1);
    if (ep && val_map_set_take(ep, "transport", 9, val_cstring("function")) != MIG_OK)
        out->oom = true;
    tools_set(out, rec, "endpoint", ep);
    tools_extra(out, rec, fn, fn_keys);
    /* The Responses API's type: "function" marks the shape, it is no
     * data. */
    if (is_flat_tool(fn))
        val_map_delete(tools_member(rec, "extra"), "type", 4);
    if (d && val_type(d) != VAL_STRING && val_type(d) != VAL_NULL) {
        val_t *extra = tools_member(rec, "extra");
        if (val_map_set(extra, "description", 11, d) != MIG_OK)
            out->oom = true;
    }
    tools_set(out, rec, "provenance",
              tools_provenance(f, fmt, out->version, pointer, line));
    tools_add_take(out, "tool", rec);
}

/* Reads item I of list L (at POINTER) as a function or a tool; a
 * built-in or anything else is a warning. */
static void add_item(const tools_file_t *f, tools_out_t *out, const char *fmt,
                     const val_t *l, size_t i, const char *pointer,
                     unsigned line, const val_t *config)
{
    const val_t *v = val_list_get(l, i);
    strbuf_t p;
    strbuf_init(&p);
    strbuf_puts(&p, pointer);
    tools_pointer_index(&p, i);
    if (is_tool(v)) {
        const val_t *fn = tools_get(v, "function", VAL_MAP);
        size_t at = p.len;
        strbuf_puts(&p, "/function");
        add_fn(f, out, fmt, fn, p.data, line, config);
        p.len = at;
        if (val_len(v) > 2)
            tools_problem(out, "warning", p.data, line, "keys beside 'type' "
                          "and 'function' are not read");
    } else if (val_type(v) == VAL_MAP && tools_get_str(v, "type") &&
               !tools_get_str(v, "name")) {
        tools_problem(out, "warning", p.data, line, "a built-in tool of type "
                      "'%s', not a function: not read",
                      tools_get_str(v, "type"));
    } else if (val_type(v) == VAL_MAP) {
        add_fn(f, out, fmt, v, p.data, line, config);
    } else {
        tools_problem(out, "error", p.data, line, "a %s, not a function: not "
                      "read", val_type_name(val_type(v)));
    }
    if (p.oom)
        out->oom = true;
    strbuf_free(&p);
}

static void add_list(const tools_file_t *f, tools_out_t *out, const char *fmt,
                     const val_t *l, const char *pointer, unsigned line,
                     const val_t *config)
{
    for (size_t i = 0; i < val_len(l); i++)
        add_item(f, out, fmt, l, i, pointer, line, config);
}

/* ---- openai.functions: [fn...], {functions: [...]}, one fn -------------- */

static const val_t *functions_list(const val_t *doc)
{
    return val_type(doc) == VAL_LIST ? doc : tools_get(doc, "functions", VAL_LIST);
}

static int functions_detect(const tools_file_t *f)
{
    const val_t *doc = f->doc;
    if (!doc || tools_get(doc, "messages", VAL_LIST))
        return 0;
    if (val_type(doc) == VAL_MAP && is_fn(doc))
        return has_schema(doc) ? 70 : 30;
    const val_t *l = functions_list(doc);
    tally_t t = count(l);
    if (!l || t.n == 0 || t.fns + t.tools != t.n)
        return 0;
    if (val_type(doc) == VAL_LIST && t.tools == t.n)
        return 0;  /* openai.tools */
    return t.schemas + t.tools > 0 ? 85 : 40;
}

static mig_status_t functions_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *doc = f->doc;
    if (val_type(doc) == VAL_MAP && is_fn(doc)) {
        out->version = "functions";
        add_fn(f, out, "openai.functions", doc, "", 0, NULL);
        return MIG_OK;
    }
    const val_t *l = functions_list(doc);
    out->version = count(l).tools ? "functions+tools" : "functions";
    add_list(f, out, "openai.functions", l,
             val_type(doc) == VAL_LIST ? "" : "/functions", 0, NULL);
    return MIG_OK;
}

/* ---- openai.tools: [{type: function, ...}], {tools: [...]} -------------- */

static int tools_detect(const tools_file_t *f)
{
    const val_t *doc = f->doc;
    if (!doc || tools_get(doc, "messages", VAL_LIST))
        return 0;
    const val_t *l = val_type(doc) == VAL_LIST ? doc
                                               : tools_get(doc, "tools", VAL_LIST);
    tally_t t = count(l);
    if (!l || t.tools == 0 || t.tools + t.fns + t.builtins != t.n)
        return 0;
    return 90;
}

static const char *const assistant_keys[] = {
    "id", "assistantId", "name", "model", "instructions", NULL,
};

static mig_status_t tools_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *doc = f->doc;
    if (val_type(doc) == VAL_LIST) {
        out->version = count(doc).flat ? "responses" : "tools";
        add_list(f, out, "openai.tools", doc, "", 0, NULL);
        return MIG_OK;
    }
    /* An Assistants export: its settings go with each tool. */
    val_t *assistant = val_map_new(4);
    for (size_t i = 0; assistant && assistant_keys[i]; i++) {
        val_t *v = val_map_get(doc, assistant_keys[i], strlen(assistant_keys[i]));
        if (v && val_map_set(assistant, assistant_keys[i],
                             strlen(assistant_keys[i]), v) != MIG_OK)
            out->oom = true;
    }
    val_t *config = NULL;
    if (assistant && val_len(assistant)) {
        out->version = "assistants";
        config = val_map_new(1);
        if (!config || val_map_set(config, "assistant", 9, assistant) != MIG_OK)
            out->oom = true;
    } else {
        out->version = "tools";
    }
    add_list(f, out, "openai.tools", tools_get(doc, "tools", VAL_LIST), "/tools",
             0, config);
    val_unref(config);
    val_unref(assistant);
    return MIG_OK;
}

/* ---- openai.request: {model, messages, tools | functions} --------------- */

static int request_detect(const tools_file_t *f)
{
    const val_t *doc = f->doc;
    if (!tools_get(doc, "messages", VAL_LIST))
        return 0;
    tally_t t = count(tools_get(doc, "tools", VAL_LIST));
    tally_t u = count(tools_get(doc, "functions", VAL_LIST));
    return t.tools + t.fns + u.fns + u.tools ? 95 : 0;
}

static mig_status_t request_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *doc = f->doc;
    out->version = "chat.completions";
    val_t *config = NULL;
    val_t *model = tools_member(doc, "model");
    if (model) {
        config = val_map_new(1);
        if (!config || val_map_set(config, "model", 5, model) != MIG_OK)
            out->oom = true;
    }
    tools_problem(out, "warning", "/messages", 0, "the request's messages and "
                  "settings are no tool definitions: not read");
    const val_t *l;
    if ((l = tools_get(doc, "tools", VAL_LIST)))
        add_list(f, out, "openai.request", l, "/tools", 0, config);
    if ((l = tools_get(doc, "functions", VAL_LIST)))
        add_list(f, out, "openai.request", l, "/functions", 0, config);
    val_unref(config);
    return MIG_OK;
}

/* ---- openai.keyed: {NAME: {description, parameters | schema}} ----------- */

static int keyed_detect(const tools_file_t *f)
{
    const val_t *doc = f->doc;
    if (!doc || val_type(doc) != VAL_MAP || val_len(doc) == 0 || is_fn(doc))
        return 0;
    for (size_t i = 0; i < val_len(doc); i++) {
        const val_t *v = val_map_value(doc, i);
        if (val_type(v) != VAL_MAP || !has_schema(v) ||
            tools_get(v, "inputSchema", VAL_MAP))
            return 0;
    }
    return 60;
}

static mig_status_t keyed_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *doc = f->doc;
    for (size_t i = 0; i < val_len(doc); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(doc, i), &len);
        const val_t *v = val_map_value(doc, i);
        strbuf_t p;
        strbuf_init(&p);
        tools_pointer_key(&p, k, len);
        val_t *fn = val_copy(v);
        if (!fn || p.oom) {
            out->oom = true;
        } else {
            const char *own = tools_get_str(v, "name");
            if (own && strcmp(own, k) != 0)
                tools_problem(out, "warning", p.data, 0, "keyed '%s' but "
                              "named '%s': its own name is kept", k, own);
            if (!own && val_map_set_take(fn, "name", 4,
                                         val_string(k, len)) != MIG_OK)
                out->oom = true;
            add_fn(f, out, "openai.keyed", fn, p.data, 0, NULL);
        }
        val_unref(fn);
        strbuf_free(&p);
    }
    return MIG_OK;
}

/* ---- openai.jsonl: one function, tool or BFCL record a line ------------- */

/* A BFCL test record: {id, question, function: [fn...]}. */
static bool is_bfcl(const val_t *v)
{
    const val_t *l = tools_get(v, "function", VAL_LIST);
    tally_t t = count(l);
    return l && t.n && t.fns == t.n;
}

static int jsonl_detect(const tools_file_t *f)
{
    if (!f->syntax || strcmp(f->syntax, "jsonl") != 0)
        return 0;
    size_t ok = 0, n = val_len(f->docs);
    for (size_t i = 0; i < n; i++) {
        const val_t *v = val_list_get(f->docs, i);
        ok += is_fn(v) || is_tool(v) || is_bfcl(v);
    }
    return ok == n ? 90 : ok * 2 > n ? 50 : 0;
}

static mig_status_t jsonl_read(const tools_file_t *f, tools_out_t *out)
{
    out->version = is_bfcl(val_list_get(f->docs, 0)) ? "bfcl" : "functions";
    for (size_t i = 0; i < val_len(f->docs); i++) {
        const val_t *v = val_list_get(f->docs, i);
        strbuf_t p;
        strbuf_init(&p);
        tools_pointer_index(&p, i);
        if (is_bfcl(v)) {
            strbuf_puts(&p, "/function");
            add_list(f, out, "openai.jsonl", tools_get(v, "function", VAL_LIST),
                     p.data, f->lines[i], NULL);
        } else if (is_tool(v) || is_fn(v)) {
            val_t *one = val_list_new(1);
            if (!one || val_list_push(one, (val_t *)v) != MIG_OK)
                out->oom = true;
            else
                add_item(f, out, "openai.jsonl", one, 0, "", f->lines[i], NULL);
            val_unref(one);
        } else {
            tools_problem(out, "error", p.data, f->lines[i], "line %u is no "
                          "function, tool or BFCL record: not read",
                          f->lines[i]);
        }
        if (p.oom)
            out->oom = true;
        strbuf_free(&p);
    }
    return MIG_OK;
}

const tools_reader_t tools_readers_openai[] = {
    { .format = "openai.request", .family = "openai", .detect = request_detect,
      .read = request_read,
      .doc = "a chat request body: {model, messages, tools | functions}" },
    { .format = "openai.tools", .family = "openai", .detect = tools_detect,
      .read = tools_read,
      .doc = "[{type: function, function}] or {tools: [...]} (Assistants)" },
    { .format = "openai.jsonl", .family = "openai", .detect = jsonl_detect,
      .read = jsonl_read,
      .doc = "JSON Lines: a function, a tool or a BFCL record a line" },
    { .format = "openai.functions", .family = "openai",
      .detect = functions_detect, .read = functions_read,
      .doc = "[{name, description, parameters}] or {functions: [...]}" },
    { .format = "openai.keyed", .family = "openai", .detect = keyed_detect,
      .read = keyed_read,
      .doc = "{NAME: {description, parameters | schema}}" },
};

const size_t tools_readers_openai_count =
    sizeof tools_readers_openai / sizeof *tools_readers_openai;
