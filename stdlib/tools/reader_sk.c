/* reader_sk.c: Semantic Kernel prompt functions (docs/legacy-formats.md,
 * "Semantic Kernel"): config.json in its generations, paired with the
 * skprompt.txt next to it; an skprompt.txt alone; YAML prompt functions
 * (and the agents SK defines by one); declarative agents (type:
 * chat_completion_agent ...). Each function or agent is one tool record
 * reached by the "prompt" transport, its template kept in config, the
 * template's {{$variables}} compared with the declared ones. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "reader_agent.h"

/* ---- templates ---------------------------------------------------------- */

/* Lists the variables ({{$name}}, name=$value) and the functions called
 * ({{date}}, {{recall $input}}) of SK template T into VARS and CALLS. */
static void template_scan(tools_out_t *out, const char *t, val_t *vars,
                          val_t *calls)
{
    for (const char *p = t; (p = strstr(p, "{{"));) {
        const char *q = strstr(p + 2, "}}");
        if (!q)
            break;
        bool first = true;
        for (const char *s = p + 2; s < q;) {
            while (s < q && isspace((unsigned char)*s))
                s++;
            if (s >= q)
                break;
            if (*s == '\'' || *s == '"') {      /* a literal argument */
                char c = *s++;
                while (s < q && *s != c)
                    s++;
                s++;
                first = false;
                continue;
            }
            const char *tok = s;
            while (s < q && !isspace((unsigned char)*s))
                s++;
            const char *d = memchr(tok, '$', (size_t)(s - tok));
            if (d) {
                const char *e = ++d;
                while (e < s && (isalnum((unsigned char)*e) || *e == '_'))
                    e++;
                if (e > d)
                    agent_list_add(out, vars, d, (size_t)(e - d));
            } else if (first) {
                const char *e = tok;
                while (e < s && (isalnum((unsigned char)*e) || *e == '_' ||
                                 *e == '.' || *e == '-'))
                    e++;
                if (e == s)
                    agent_list_add(out, calls, tok, (size_t)(s - tok));
            }
            first = false;
        }
        p = q + 2;
    }
}

/* Whether string list L holds S. */
static bool list_has(const val_t *l, const val_t *s)
{
    for (size_t i = 0; i < val_len(l); i++)
        if (val_equal(val_list_get(l, i), s))
            return true;
    return false;
}

/* Reports how the template's VARS differ from the DECLARED names. */
static void compare_vars(tools_out_t *out, const char *pointer,
                         const val_t *declared, const val_t *vars)
{
    val_t *undeclared = val_list_new(0), *unused = val_list_new(0);
    for (size_t i = 0; undeclared && i < val_len(vars); i++)
        if (!list_has(declared, val_list_get(vars, i)) &&
            val_list_push(undeclared, val_list_get(vars, i)) != MIG_OK)
            out->oom = true;
    for (size_t i = 0; unused && i < val_len(declared); i++)
        if (!list_has(vars, val_list_get(declared, i)) &&
            val_list_push(unused, val_list_get(declared, i)) != MIG_OK)
            out->oom = true;
    strbuf_t b;
    strbuf_init(&b);
    if (undeclared && val_len(undeclared)) {
        agent_list_join(undeclared, &b);
        tools_problem(out, "warning", pointer, 0, "the template uses "
                      "variables that are not declared: %s", b.data);
    }
    if (unused && val_len(unused)) {
        b.len = 0;
        agent_list_join(unused, &b);
        tools_problem(out, "warning", pointer, 0, "declared but not used in "
                      "the template: %s", b.data);
    }
    if (!undeclared || !unused || b.oom)
        out->oom = true;
    strbuf_free(&b);
    val_unref(undeclared);
    val_unref(unused);
}

/* Reports the template's variables that differ only in case. */
static void case_clashes(tools_out_t *out, const val_t *vars)
{
    for (size_t i = 0; i < val_len(vars); i++)
        for (size_t j = i + 1; j < val_len(vars); j++) {
            const char *a = val_get_str(val_list_get(vars, i), NULL);
            const char *b = val_get_str(val_list_get(vars, j), NULL);
            if (strcasecmp(a, b) == 0)
                tools_problem(out, "warning", NULL, 0, "the template's "
                              "variables %s and %s differ only in case: "
                              "they are two parameters", a, b);
        }
}

/* ---- parameters --------------------------------------------------------- */

/* Keys of a declared variable that have a place in its schema. */
static const char *const var_keys[] = {
    "name", "description", "defaultValue", "default", "is_required",
    "type", NULL,
};

/* The parameters schema of the declared variables LIST (input.parameters
 * or input_variables, at POINTER), their names into NAMES. */
static val_t *declared_params(tools_out_t *out, const val_t *list,
                              const char *pointer, val_t *names)
{
    val_t *props = val_map_new(4), *req = val_list_new(0);
    val_t *s = val_map_new(3);
    for (size_t i = 0; props && req && i < val_len(list); i++) {
        const val_t *v = val_list_get(list, i);
        const char *name = tools_get_str(v, "name");
        if (!name || !*name) {
            tools_problem(out, "error", pointer, 0, "variable %zu has no "
                          "name: left out", i);
            continue;
        }
        val_t *p = val_map_new(3);
        if (!p) {
            out->oom = true;
            break;
        }
        const val_t *x = tools_get(v, "type", VAL_STRING);
        tools_set(out, p, "type", x ? val_ref((val_t *)x) : val_cstring("string"));
        if ((x = tools_get(v, "description", VAL_STRING)))
            tools_set(out, p, "description", val_ref((val_t *)x));
        if ((x = tools_member(v, "defaultValue")) ||
            (x = tools_member(v, "default")))
            tools_set(out, p, "default", val_ref((val_t *)x));
        /* Other keys (json_schema, allow_dangerously_set_content) are
         * kept on the property as x-sk-KEY annotations. */
        for (size_t k = 0; k < val_len(v); k++) {
            const char *key = val_get_str(val_map_key(v, k), NULL);
            bool known = false;
            for (size_t j = 0; var_keys[j] && !known; j++)
                known = strcmp(var_keys[j], key) == 0;
            if (!known) {
                strbuf_t kb;
                strbuf_init(&kb);
                strbuf_printf(&kb, "x-sk-%s", key);
                if (kb.oom || val_map_set(p, kb.data, kb.len,
                                          val_map_value(v, k)) != MIG_OK)
                    out->oom = true;
                strbuf_free(&kb);
            }
        }
        x = tools_get(v, "is_required", VAL_BOOL);
        if (x && val_get_bool(x))
            agent_list_add(out, req, name, strlen(name));
        if (val_map_get(props, name, strlen(name)))
            tools_problem(out, "warning", pointer, 0, "variable '%s' is "
                          "declared twice: the last is kept", name);
        if (val_map_set_take(props, name, strlen(name), p) != MIG_OK)
            out->oom = true;
        agent_list_add(out, names, name, strlen(name));
    }
    if (!s || !props || !req ||
        val_map_set_take(s, "type", 4, val_cstring("object")) != MIG_OK ||
        val_map_set(s, "properties", 10, props) != MIG_OK ||
        val_map_set(s, "required", 8, req) != MIG_OK) {
        out->oom = true;
        val_unref(s);
        s = NULL;
    }
    val_unref(props);
    val_unref(req);
    return s;
}

/* The parameters schema of template variables VARS: optional strings. */
static val_t *template_params(tools_out_t *out, const val_t *vars)
{
    val_t *props = val_map_new(val_len(vars)), *s = val_map_new(3);
    for (size_t i = 0; props && i < val_len(vars); i++) {
        size_t len;
        const char *n = val_get_str(val_list_get(vars, i), &len);
        val_t *p = val_map_new(1);
        if (!p || val_map_set_take(p, "type", 4, val_cstring("string")) != MIG_OK ||
            val_map_set_take(props, n, len, p) != MIG_OK)
            out->oom = true;
    }
    if (!s || !props ||
        val_map_set_take(s, "type", 4, val_cstring("object")) != MIG_OK ||
        val_map_set(s, "properties", 10, props) != MIG_OK ||
        val_map_set_take(s, "required", 8, val_list_new(0)) != MIG_OK) {
        out->oom = true;
        val_unref(s);
        s = NULL;
    }
    val_unref(props);
    return s;
}

/* ---- one prompt function ------------------------------------------------ */

/* What a prompt function is read from: its settings map (config.json or
 * the YAML), its template (or NULL), and where each came from. */
typedef struct fn {
    const tools_file_t *f;
    const char *format, *version;
    const val_t *doc;           /* the config or YAML map, or NULL */
    const char *name;
    const char *plugin;         /* the folder above, or NULL */
    const char *template;       /* or NULL */
    const char *template_from;  /* the file the template was read from */
} fn_t;

/* Keys of a config.json or YAML function that have a place in the record. */
static const char *const fn_keys[] = {
    "schema", "type", "name", "description", "completion",
    "default_settings", "services", "execution_settings", "input",
    "input_variables", "default_backends", "augmentation", "output_variable",
    "template", "template_format", NULL,
};

/* The execution settings of DOC, as {SERVICE: settings}: SK 1's
 * completion and 2023's default_settings become the "default" service. */
static val_t *exec_settings(const val_t *doc)
{
    val_t *v = tools_get(doc, "execution_settings", VAL_MAP);
    if (v)
        return val_ref(v);
    val_t *m = val_map_new(1);
    if (m && ((v = tools_get(doc, "completion", VAL_MAP)) ||
              (v = tools_get(doc, "default_settings", VAL_MAP))) &&
        val_map_set(m, "default", 7, v) != MIG_OK) {
        val_unref(m);
        return NULL;
    }
    return m;
}

/* Builds FN's tool record into OUT, with the problems of its variables. */
static void fn_emit(tools_out_t *out, const fn_t *fn)
{
    val_t *rec = tools_tool_new(), *cfg = val_map_new(8);
    val_t *vars = val_list_new(0), *calls = val_list_new(0);
    val_t *names = val_list_new(0);
    if (!rec || !cfg || !vars || !calls || !names) {
        out->oom = true;
        goto done;
    }
    const char *tfmt = tools_get_str(fn->doc, "template_format");
    bool sk_syntax = !tfmt || strcmp(tfmt, "semantic-kernel") == 0;
    if (fn->template && sk_syntax)
        template_scan(out, fn->template, vars, calls);
    const val_t *decl = tools_get(fn->doc, "input_variables", VAL_LIST);
    const char *decl_ptr = "/input_variables";
    if (!decl) {
        decl = tools_get(tools_get(fn->doc, "input", VAL_MAP), "parameters",
                         VAL_LIST);
        decl_ptr = "/input/parameters";
    }
    val_t *params;
    if (decl) {
        params = declared_params(out, decl, decl_ptr, names);
        if (fn->template && sk_syntax)
            compare_vars(out, decl_ptr, names, vars);
    } else {
        params = template_params(out, vars);
        if (val_len(vars)) {
            strbuf_t b;
            strbuf_init(&b);
            agent_list_join(vars, &b);
            tools_problem(out, "warning", NULL, 0, "no variables declared: "
                          "the template's (%s) are taken as its parameters "
                          "(optional strings)", b.data ? b.data : "");
            strbuf_free(&b);
        }
    }
    case_clashes(out, vars);
    tools_set(out, rec, "name", val_cstring(fn->name));
    const char *desc = tools_get_str(fn->doc, "description");
    tools_set(out, rec, "description", val_cstring(desc ? desc : ""));
    tools_set(out, rec, "parameters", params);
    const val_t *ov = tools_get(fn->doc, "output_variable", VAL_MAP);
    if (ov)
        tools_set(out, rec, "output", val_ref((val_t *)ov));
    tools_set(out, rec, "endpoint", tools_endpoint("prompt"));
    tools_set(out, cfg, "template",
              fn->template ? val_cstring(fn->template) : val_null());
    tools_set(out, cfg, "template_format",
              val_cstring(tfmt ? tfmt : "semantic-kernel"));
    if (fn->template_from)
        tools_set(out, cfg, "template_file", val_cstring(fn->template_from));
    tools_set(out, cfg, "execution_settings", exec_settings(fn->doc));
    tools_copy(out, cfg, "services", fn->doc, "services");
    tools_copy(out, cfg, "default_backends", fn->doc, "default_backends");
    tools_copy(out, cfg, "augmentation", fn->doc, "augmentation");
    tools_copy(out, cfg, "type", fn->doc, "type");
    if (fn->plugin)
        tools_set(out, cfg, "plugin", val_cstring(fn->plugin));
    tools_set(out, cfg, "variables", val_ref(vars));
    tools_set(out, cfg, "calls", val_ref(calls));
    tools_set(out, rec, "config", val_ref(cfg));
    if (fn->doc)
        tools_extra(out, rec, fn->doc, fn_keys);
    tools_set(out, rec, "provenance",
              tools_provenance(fn->f, fn->format, fn->version, "", 0));
    tools_add_take(out, "tool", rec);
    rec = NULL;
done:
    val_unref(rec);
    val_unref(cfg);
    val_unref(vars);
    val_unref(calls);
    val_unref(names);
}

/* ---- config.json -------------------------------------------------------- */

/* Loads the template NAME next to F into T: MIG_OK when it is there and
 * text. A template is text whatever it starts with ("[INSTRUCTION]" is
 * no broken JSON), so the loader's judgement of its syntax is not asked;
 * tools_file_sibling's would be. */
static mig_status_t template_load(const tools_file_t *f, const char *name,
                                  tools_file_t *t)
{
    const char *slash = strrchr(f->path, '/');
    strbuf_t p;
    strbuf_init(&p);
    if (slash)
        strbuf_put(&p, f->path, (size_t)(slash - f->path) + 1);
    strbuf_puts(&p, name);
    mig_status_t st = p.oom ? MIG_ENOMEM : tools_file_load(f->ctx, p.data, t);
    strbuf_free(&p);
    if (st == MIG_OK && (t->binary || !t->bytes)) {
        tools_file_free(t);
        st = MIG_EINVALID;
    }
    return st;
}

int sk_config_detect(const tools_file_t *f)
{
    const val_t *d = f->doc;
    if (!d || val_type(d) != VAL_MAP || tools_member(d, "template"))
        return 0;
    bool settings = tools_get(d, "completion", VAL_MAP) ||
                    tools_get(d, "default_settings", VAL_MAP) ||
                    tools_get(d, "execution_settings", VAL_MAP) ||
                    tools_get(d, "services", VAL_LIST);
    bool inputs = tools_get(tools_get(d, "input", VAL_MAP), "parameters",
                            VAL_LIST) ||
                  tools_get(d, "input_variables", VAL_LIST);
    const char *type = tools_get_str(d, "type");
    bool marker = tools_get(d, "schema", VAL_NUMBER) ||
                  (type && strcmp(type, "completion") == 0) ||
                  tools_get(d, "description", VAL_STRING);
    return (settings || inputs) && marker ? 90 : 0;
}

/* The generation of config DOC (docs/legacy-formats.md). */
static const char *config_version(const val_t *d)
{
    const val_t *comp = tools_get(d, "completion", VAL_MAP);
    const val_t *schema = tools_get(d, "schema", VAL_NUMBER);
    bool v1 = tools_get(d, "execution_settings", VAL_MAP) ||
              tools_get(d, "input_variables", VAL_LIST);
    if (comp && ((schema && val_get_number(schema) == 1.1) ||
                 tools_member(d, "augmentation") ||
                 tools_member(comp, "model")))
        return "1.1";
    if (comp)
        return v1 ? "hybrid" : "1";
    if (tools_get(d, "default_settings", VAL_MAP) ||
        tools_get(d, "services", VAL_LIST))
        return "2023";
    return "v1";
}

mig_status_t sk_config_read(const tools_file_t *f, tools_out_t *out)
{
    out->version = config_version(f->doc);
    strbuf_t name, plugin, sib;
    strbuf_init(&name);
    strbuf_init(&plugin);
    strbuf_init(&sib);
    agent_path_name(f->path, "config.json", &name, &plugin);
    /* The template: skprompt.txt named as config.json is. */
    const char *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    size_t blen = strlen(base), slen = strlen("config.json");
    if (blen >= slen && strcmp(base + blen - slen, "config.json") == 0)
        strbuf_put(&sib, base, blen - slen);
    strbuf_puts(&sib, "skprompt.txt");
    tools_file_t t;
    mig_status_t st = sib.oom ? MIG_ENOMEM : template_load(f, sib.data, &t);
    if (st == MIG_ENOMEM) {
        out->oom = true;
    } else {
        bool have = st == MIG_OK;
        if (!have)
            tools_problem(out, "warning", NULL, 0, "no %s next to it: the "
                          "function has no template", sib.data);
        fn_t fn = {
            .f = f, .format = "semantic_kernel.config",
            .version = out->version, .doc = f->doc,
            .name = name.data ? name.data : "",
            .plugin = plugin.len ? plugin.data : NULL,
            .template = have ? t.bytes : NULL,
            .template_from = have ? t.path : NULL,
        };
        fn_emit(out, &fn);
        if (st == MIG_OK)
            tools_file_free(&t);
    }
    if (name.oom || plugin.oom)
        out->oom = true;
    strbuf_free(&name);
    strbuf_free(&plugin);
    strbuf_free(&sib);
    return MIG_OK;
}

/* ---- skprompt.txt ------------------------------------------------------- */

/* Whether text T has a Markdown heading line ("# ", "## " ...). */
static bool markdown_heading(const char *t)
{
    for (const char *p = t; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        size_t n = strspn(p, "#");
        if (n && n <= 6 && p[n] == ' ')
            return true;
    }
    return false;
}

/* The SK blocks of text T that are not quoted as Markdown code (after a
 * '`'): *VARS when one holds a variable ({{$name}}, {{f $name}}), *CALLS
 * when one is a function call ({{name}}), names of letters, digits, '_'
 * and '.'. */
static void sk_blocks(const char *t, bool *vars, bool *calls)
{
    *vars = *calls = false;
    for (const char *p = t; (p = strstr(p, "{{")); p += 2) {
        if (p > t && p[-1] == '`')
            continue;
        const char *end = strstr(p + 2, "}}");
        const char *dollar = strchr(p + 2, '$');
        if (!end)
            break;
        const char *s = p + 2;
        while (*s == ' ')
            s++;
        const char *e = s;
        while (isalnum((unsigned char)*e) || *e == '_' || *e == '.')
            e++;
        if (dollar && dollar < end &&
            (isalpha((unsigned char)dollar[1]) || dollar[1] == '_'))
            *vars = true;
        else if (e > s && isalpha((unsigned char)*s) &&
                 e + strspn(e, " ") == end)
            *calls = true;
    }
}

int sk_prompt_detect(const tools_file_t *f)
{
    if (!f->bytes || !f->syntax || strcmp(f->syntax, "jsonl") == 0)
        return 0;
    /* A table (its first line in three or more tab-separated fields) is
     * data, whatever its cells quote. */
    const char *nl = strchr(f->bytes, '\n');
    size_t first = nl ? (size_t)(nl - f->bytes) : strlen(f->bytes), tabs = 0;
    for (size_t i = 0; i < first; i++)
        tabs += f->bytes[i] == '\t';
    if (tabs >= 2)
        return 0;
    bool vars, calls;
    sk_blocks(f->bytes, &vars, &calls);
    if (vars)
        return 45;
    return calls && strcmp(f->syntax, "text") == 0 &&
           !markdown_heading(f->bytes) ? 25 : 0;
}

mig_status_t sk_prompt_read(const tools_file_t *f, tools_out_t *out)
{
    /* With a config.json next to it, the pair is read from that file. */
    const char *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    size_t blen = strlen(base), slen = strlen("skprompt.txt");
    strbuf_t sib, name, plugin;
    strbuf_init(&sib);
    strbuf_init(&name);
    strbuf_init(&plugin);
    if (blen >= slen && strcmp(base + blen - slen, "skprompt.txt") == 0)
        strbuf_put(&sib, base, blen - slen);
    strbuf_puts(&sib, "config.json");
    tools_file_t c;
    mig_status_t st = sib.oom ? MIG_ENOMEM : tools_file_sibling(f, sib.data, &c);
    if (st == MIG_ENOMEM) {
        out->oom = true;
    } else if (st == MIG_OK && sk_config_detect(&c) > 0) {
        tools_problem(out, "warning", NULL, 0, "the template of the prompt "
                      "function in %s next to it: its record comes from that "
                      "file", sib.data);
    } else {
        agent_path_name(f->path, "skprompt.txt", &name, &plugin);
        fn_t fn = {
            .f = f, .format = "semantic_kernel.prompt",
            .name = name.data ? name.data : "",
            .plugin = plugin.len ? plugin.data : NULL,
            .template = f->bytes, .template_from = f->path,
        };
        fn_emit(out, &fn);
    }
    if (st == MIG_OK)
        tools_file_free(&c);
    if (name.oom || plugin.oom)
        out->oom = true;
    strbuf_free(&sib);
    strbuf_free(&name);
    strbuf_free(&plugin);
    return MIG_OK;
}

/* ---- YAML prompt functions ---------------------------------------------- */

int sk_yaml_detect(const tools_file_t *f)
{
    const val_t *d = f->doc;
    if (!d || val_type(d) != VAL_MAP || !tools_get(d, "template", VAL_STRING))
        return 0;
    if (tools_member(d, "template_format") ||
        tools_get(d, "input_variables", VAL_LIST) ||
        tools_get(d, "execution_settings", VAL_MAP) ||
        tools_member(d, "output_variable"))
        return 90;
    return tools_get(d, "name", VAL_STRING) ? 50 : 0;
}

mig_status_t sk_yaml_read(const tools_file_t *f, tools_out_t *out)
{
    out->version = "v1";
    strbuf_t name;
    strbuf_init(&name);
    const char *n = tools_get_str(f->doc, "name");
    if (!n) {
        const char *base = strrchr(f->path, '/');
        base = base ? base + 1 : f->path;
        const char *dot = strrchr(base, '.');
        strbuf_put(&name, base, dot && dot > base ? (size_t)(dot - base)
                                                  : strlen(base));
        tools_problem(out, "warning", "/name", 0, "no name: the file's (%s) "
                      "is used", name.data ? name.data : "");
    }
    fn_t fn = {
        .f = f, .format = "semantic_kernel.prompt_yaml",
        .version = out->version, .doc = f->doc,
        .name = n ? n : name.data ? name.data : "",
        .template = tools_get_str(f->doc, "template"),
    };
    fn_emit(out, &fn);
    if (name.oom)
        out->oom = true;
    strbuf_free(&name);
    return MIG_OK;
}

/* ---- declarative agents ------------------------------------------------- */

/* A declarative SK agent: `type` NAME_agent (or openai_assistant) with
 * `instructions` or a `name`. */
int sk_agent_detect(const tools_file_t *f)
{
    const char *t = tools_get_str(f->doc, "type");
    if (!t || (!tools_get(f->doc, "instructions", VAL_STRING) &&
               !tools_get(f->doc, "name", VAL_STRING)))
        return 0;
    size_t n = strlen(t);
    return (n > 6 && strcmp(t + n - 6, "_agent") == 0) ||
           strcmp(t, "openai_assistant") == 0 ? 90 : 0;
}

/* The parameters of an agent's INPUTS ({NAME: {description, required,
 * default}}), their names into NAMES. */
static val_t *agent_inputs(tools_out_t *out, const val_t *inputs, val_t *names)
{
    val_t *props = val_map_new(4), *req = val_list_new(0), *s = val_map_new(3);
    for (size_t i = 0; props && req && inputs && i < val_len(inputs); i++) {
        size_t len;
        const char *name = val_get_str(val_map_key(inputs, i), &len);
        const val_t *v = val_map_value(inputs, i);
        val_t *p = val_map_new(3);
        if (!p) {
            out->oom = true;
            break;
        }
        tools_set(out, p, "type", val_cstring("string"));
        const val_t *x;
        if ((x = tools_get(v, "description", VAL_STRING)))
            tools_set(out, p, "description", val_ref((val_t *)x));
        if ((x = tools_member(v, "default")))
            tools_set(out, p, "default", val_ref((val_t *)x));
        x = tools_get(v, "required", VAL_BOOL);
        if (x && val_get_bool(x))
            agent_list_add(out, req, name, len);
        if (val_map_set_take(props, name, len, p) != MIG_OK)
            out->oom = true;
        agent_list_add(out, names, name, len);
    }
    if (!s || !props || !req) {
        out->oom = true;
        val_unref(s);
        s = NULL;
    } else {
        tools_set(out, s, "type", val_cstring("object"));
        tools_set(out, s, "properties", val_ref(props));
        tools_set(out, s, "required", val_ref(req));
    }
    val_unref(props);
    val_unref(req);
    return s;
}

mig_status_t sk_agent_read(const tools_file_t *f, tools_out_t *out)
{
    static const char *const known[] = {
        "type", "name", "description", "instructions", "inputs", "model",
        "tools", "template", "version", NULL,
    };
    const val_t *d = f->doc;
    val_t *rec = tools_tool_new(), *cfg = val_map_new(6);
    val_t *vars = val_list_new(0), *calls = val_list_new(0);
    val_t *names = val_list_new(0);
    strbuf_t name;
    strbuf_init(&name);
    if (!rec || !cfg || !vars || !calls || !names) {
        out->oom = true;
        goto done;
    }
    const char *n = tools_get_str(d, "name");
    if (!n) {
        agent_path_name(f->path, ".yaml", &name, NULL);
        tools_problem(out, "warning", "/name", 0, "no name: the file's (%s) "
                      "is used", name.data ? name.data : "");
    }
    const char *instr = tools_get_str(d, "instructions");
    const char *tfmt = tools_get_str(tools_get(d, "template", VAL_MAP), "format");
    bool sk_syntax = !tfmt || strcmp(tfmt, "semantic-kernel") == 0;
    if (instr && sk_syntax)
        template_scan(out, instr, vars, calls);
    const val_t *inputs = tools_get(d, "inputs", VAL_MAP);
    if (tools_member(d, "inputs") && !inputs)
        tools_problem(out, "error", "/inputs", 0, "inputs is a %s, not a map: "
                      "none read", val_type_name(val_type(tools_member(d, "inputs"))));
    tools_set(out, rec, "parameters", agent_inputs(out, inputs, names));
    if (instr && sk_syntax)
        compare_vars(out, "/inputs", names, vars);
    case_clashes(out, vars);
    tools_set(out, rec, "name", val_cstring(n ? n : name.data ? name.data : ""));
    const char *desc = tools_get_str(d, "description");
    tools_set(out, rec, "description", val_cstring(desc ? desc : ""));
    const val_t *ver = tools_get(d, "version", VAL_STRING);
    if (ver)
        tools_set(out, rec, "version", val_ref((val_t *)ver));
    val_t *ep = val_map_new(1);
    if (ep)
        tools_set(out, ep, "transport", val_cstring("prompt"));
    tools_set(out, rec, "endpoint", ep);
    tools_set(out, cfg, "agent_type", val_cstring(tools_get_str(d, "type")));
    tools_set(out, cfg, "template", instr ? val_cstring(instr) : val_null());
    tools_set(out, cfg, "template_format",
              val_cstring(tfmt ? tfmt : "semantic-kernel"));
    tools_copy(out, cfg, "model", d, "model");
    tools_copy(out, cfg, "tools", d, "tools");
    tools_set(out, cfg, "variables", val_ref(vars));
    tools_set(out, cfg, "calls", val_ref(calls));
    tools_set(out, rec, "config", val_ref(cfg));
    tools_extra(out, rec, d, known);
    tools_set(out, rec, "provenance",
              tools_provenance(f, "semantic_kernel.agent", NULL, "", 0));
    tools_add_take(out, "tool", rec);
    rec = NULL;
done:
    if (name.oom)
        out->oom = true;
    strbuf_free(&name);
    val_unref(rec);
    val_unref(cfg);
    val_unref(vars);
    val_unref(calls);
    val_unref(names);
    return MIG_OK;
}
