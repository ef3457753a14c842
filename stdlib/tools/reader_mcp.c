/* reader_mcp.c: the Model Context Protocol's files (docs/legacy-formats.md,
 * "MCP"): a Tool object (github-mcp-server's toolsnaps), a tools/list
 * result and its JSON-RPC response, lists of tools, the official
 * registry's server.json (current and pre-release spellings), MCP bundle
 * manifests (manifest.json, DXT), Smithery's smithery.yaml and the Docker
 * MCP catalog's server.yaml and tools.json. Tools are near-identity; a
 * server's environment is kept as names and secrecy, never values. */
#include <string.h>

#include "tools_int.h"

/* ---- shared pieces ------------------------------------------------------ */

/* A new server record: its keys null but `extra`, an empty map. */
static val_t *server_new(void)
{
    static const char *const keys[] = {
        "name", "title", "description", "version", "transport", "packages",
        "remotes", "env", NULL,
    };
    val_t *rec = val_map_new(10);
    for (size_t i = 0; rec && keys[i]; i++)
        if (val_map_set_take(rec, keys[i], strlen(keys[i]), val_null()) != MIG_OK) {
            val_unref(rec);
            return NULL;
        }
    if (rec && val_map_set_take(rec, "extra", 5, val_map_new(0)) != MIG_OK) {
        val_unref(rec);
        return NULL;
    }
    return rec;
}

/* Warns when string KEY of M is a template placeholder ("${VERSION}"). */
static void placeholder(tools_out_t *out, const val_t *m, const char *key,
                        const char *pointer)
{
    const char *s = tools_get_str(m, key);
    const char *lt = s ? strchr(s, '<') : NULL;
    if (s && (strstr(s, "${") || strstr(s, "{{") || (lt && strchr(lt, '>'))))
        tools_problem(out, "warning", pointer, 0, "'%s' is a placeholder "
                      "left unresolved: '%s'", key, s);
}

/* A map {KEY: V} (V taken). */
static val_t *map1(const char *key, val_t *v)
{
    val_t *m = val_map_new(1);
    if (!m || !v || val_map_set_take(m, key, strlen(key), v) != MIG_OK) {
        val_unref(m);
        return NULL;
    }
    return m;
}

/* Appends the env entry {name, secret, required?, description?}. */
static void env_add(tools_out_t *out, val_t *env, const char *name,
                    bool secret, const val_t *required, const val_t *desc)
{
    val_t *e = map1("name", val_cstring(name));
    if (e && val_map_set_take(e, "secret", 6, val_bool(secret)) != MIG_OK)
        e = NULL;
    if (e && required && val_map_set(e, "required", 8, (val_t *)required) != MIG_OK)
        e = NULL;
    if (e && desc && val_map_set(e, "description", 11, (val_t *)desc) != MIG_OK)
        e = NULL;
    if (!e || val_list_push_take(env, e) != MIG_OK)
        out->oom = true;
}

/* ---- tools -------------------------------------------------------------- */

static const char *const tool_keys[] = {
    "name", "title", "description", "inputSchema", "outputSchema",
    "annotations", "arguments", NULL,
};

/* A Tool object: a map with a string name and an inputSchema. */
static bool is_mcp_tool(const val_t *v)
{
    return tools_get_str(v, "name") && tools_get(v, "inputSchema", VAL_MAP);
}

/* A tool as the Docker catalog lists it: a name, and arguments,
 * annotations or only a description. */
static bool is_docker_tool(const val_t *v)
{
    return tools_get_str(v, "name") && !tools_member(v, "inputSchema") &&
           !tools_member(v, "parameters") &&
           (tools_get(v, "arguments", VAL_LIST) ||
            tools_get(v, "annotations", VAL_MAP) ||
            tools_get_str(v, "description"));
}

/* The JSON Schema for a Docker catalog tool's arguments
 * [{name, type, desc, items, optional}]: an argument is required unless it
 * says optional: true (or required: false). */
static val_t *arguments_schema(tools_out_t *out, const val_t *args,
                               const char *pointer)
{
    val_t *props = val_map_new(val_len(args));
    val_t *req = val_list_new(0);
    for (size_t i = 0; props && req && i < val_len(args); i++) {
        const val_t *a = val_list_get(args, i);
        const char *name = tools_get_str(a, "name");
        if (!name) {
            tools_problem(out, "warning", pointer, 0, "argument %zu has no "
                          "name: not read", i);
            continue;
        }
        val_t *p = val_map_new(3);
        tools_copy(out, p, "type", a, "type");
        tools_copy(out, p, "description", a, "desc");
        tools_copy(out, p, "description", a, "description");
        tools_copy(out, p, "items", a, "items");
        val_t *opt = tools_member(a, "optional");
        val_t *r = tools_member(a, "required");
        bool required = r && val_type(r) == VAL_BOOL ? val_get_bool(r)
                        : !(opt && val_type(opt) == VAL_BOOL && val_get_bool(opt));
        if (!p || val_map_set_take(props, name, strlen(name), p) != MIG_OK ||
            (required && val_list_push_take(req, val_cstring(name)) != MIG_OK))
            out->oom = true;
    }
    val_t *s = map1("type", val_cstring("object"));
    if (!s || !props || !req ||
        val_map_set_take(s, "properties", 10, props) != MIG_OK ||
        val_map_set_take(s, "required", 8, req) != MIG_OK) {
        out->oom = true;
        val_unref(s);
        return NULL;
    }
    return s;
}

/* Reads tool T (a map at POINTER) into a tool record. SERVER: the name of
 * the server it belongs to, or NULL. */
static void add_tool(const tools_file_t *f, tools_out_t *out, const char *fmt,
                     const val_t *t, const char *pointer, const char *server)
{
    const char *name = tools_get_str(t, "name");
    if (!name || !*name) {
        tools_problem(out, "error", pointer, 0, "a tool with no name: not read");
        return;
    }
    val_t *rec = tools_tool_new();
    if (!rec) {
        out->oom = true;
        return;
    }
    tools_copy(out, rec, "name", t, "name");
    tools_copy(out, rec, "title", t, "title");
    tools_copy(out, rec, "description", t, "description");
    tools_copy(out, rec, "parameters", t, "inputSchema");
    tools_copy(out, rec, "output", t, "outputSchema");
    tools_copy(out, rec, "annotations", t, "annotations");
    const val_t *args = tools_get(t, "arguments", VAL_LIST);
    if (args && !tools_member(t, "inputSchema")) {
        tools_problem(out, "warning", pointer, 0, "'%s': its arguments list is "
                      "read as an input schema (an argument is required "
                      "unless it says optional: true)", name);
        tools_set(out, rec, "parameters", arguments_schema(out, args, pointer));
    } else if (args) {
        tools_problem(out, "warning", pointer, 0, "'%s': both inputSchema and "
                      "arguments: the arguments are kept in extra", name);
        tools_copy(out, tools_member(rec, "extra"), "arguments", t, "arguments");
    }
    if (tools_member(t, "description") &&
        !tools_get_str(t, "description"))
        tools_problem(out, "warning", pointer, 0, "'%s': description is not "
                      "a string", name);
    if (server) {
        val_t *ep = map1("server", val_cstring(server));
        tools_set(out, rec, "endpoint", ep);
        val_t *deps = val_list_new(1);
        if (!deps || val_list_push_take(deps, val_cstring(server)) != MIG_OK)
            out->oom = true;
        tools_set(out, rec, "dependencies", deps);
    }
    tools_extra(out, rec, t, tool_keys);
    tools_set(out, rec, "provenance",
              tools_provenance(f, fmt, out->version, pointer, 0));
    tools_add_take(out, "tool", rec);
}

/* Reads every item of list L at POINTER as a tool. */
static void add_tools(const tools_file_t *f, tools_out_t *out, const char *fmt,
                      const val_t *l, const char *pointer, const char *server)
{
    strbuf_t p;
    strbuf_init(&p);
    for (size_t i = 0; l && i < val_len(l); i++) {
        p.len = 0;
        strbuf_puts(&p, pointer);
        tools_pointer_index(&p, i);
        if (p.oom) {
            out->oom = true;
            break;
        }
        const val_t *t = val_list_get(l, i);
        if (val_type(t) != VAL_MAP)
            tools_problem(out, "error", p.data, 0, "a %s, not a tool: not read",
                          val_type_name(val_type(t)));
        else
            add_tool(f, out, fmt, t, p.data, server);
    }
    strbuf_free(&p);
}

/* Counts the items of L that are Tool objects, and Docker-style tools. */
static void tally(const val_t *l, size_t *mcp, size_t *docker, size_t *args)
{
    *mcp = *docker = *args = 0;
    for (size_t i = 0; l && i < val_len(l); i++) {
        const val_t *v = val_list_get(l, i);
        *mcp += is_mcp_tool(v);
        *docker += is_docker_tool(v);
        *args += tools_get(v, "arguments", VAL_LIST) != NULL;
    }
}

/* ---- mcp.tool ------------------------------------------------------------ */

static int tool_detect(const tools_file_t *f)
{
    return is_mcp_tool(f->doc) && !tools_member(f->doc, "tools") ? 90 : 0;
}

static mig_status_t tool_read(const tools_file_t *f, tools_out_t *out)
{
    add_tool(f, out, "mcp.tool", f->doc, "", NULL);
    return MIG_OK;
}

/* ---- mcp.tools_list: {tools: [...]}, [Tool...] --------------------------- */

static const val_t *list_of(const val_t *doc)
{
    return val_type(doc) == VAL_LIST ? doc : tools_get(doc, "tools", VAL_LIST);
}

static int list_detect(const tools_file_t *f)
{
    const val_t *l = f->doc ? list_of(f->doc) : NULL;
    size_t mcp, docker, args;
    tally(l, &mcp, &docker, &args);
    if (!l || !val_len(l))
        return 0;
    /* {tools: [...]}: some items tools (the others are reported). */
    if (val_type(f->doc) == VAL_MAP)
        return !(mcp || args) ? 0 : mcp + docker == val_len(l) ? 90 : 70;
    return mcp == val_len(l) ? 85 : 0;
}

/* A tools/list RESULT that is one page of a longer list (its nextCursor
 * set) is a warning at POINTER: the other pages are not in the file. */
static void page_warning(tools_out_t *out, const val_t *result,
                         const char *pointer)
{
    if (tools_get_str(result, "nextCursor"))
        tools_problem(out, "warning", pointer, 0, "a page of a longer "
                      "list (nextCursor is set): the other pages are not here");
}

static mig_status_t list_read(const tools_file_t *f, tools_out_t *out)
{
    bool map = val_type(f->doc) == VAL_MAP;
    out->version = map ? "tools/list" : "list";
    if (map)
        page_warning(out, f->doc, "/nextCursor");
    add_tools(f, out, "mcp.tools_list", list_of(f->doc), map ? "/tools" : "",
              NULL);
    return MIG_OK;
}

/* ---- mcp.jsonrpc: {jsonrpc, id, result: {tools}} ------------------------- */

static int jsonrpc_detect(const tools_file_t *f)
{
    if (!tools_get_str(f->doc, "jsonrpc"))
        return 0;
    if (tools_get(tools_get(f->doc, "result", VAL_MAP), "tools", VAL_LIST))
        return 95;
    return 0;
}

static mig_status_t jsonrpc_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *result = tools_get(f->doc, "result", VAL_MAP);
    out->version = tools_get_str(f->doc, "jsonrpc");
    page_warning(out, result, "/result/nextCursor");
    add_tools(f, out, "mcp.jsonrpc", tools_get(result, "tools", VAL_LIST),
              "/result/tools", NULL);
    return MIG_OK;
}

/* ---- mcp.server_json: the official registry's server.json ---------------- */

/* The two spellings: pre-release (2025-05, snake_case) and current. */
static const char *const spellings[][2] = {
    { "name", "identifier" },   /* first: a package's own key only */
    { "registry_name", "registryType" }, { "registry_type", "registryType" },
    { "runtime_hint", "runtimeHint" },
    { "runtime_arguments", "runtimeArguments" },
    { "package_arguments", "packageArguments" },
    { "environment_variables", "environmentVariables" },
    { "is_required", "isRequired" }, { "is_secret", "isSecret" },
    { "value_hint", "valueHint" }, { "transport_type", "type" },
    { NULL, NULL },
};

static bool prerelease(const val_t *doc)
{
    return tools_member(doc, "version_detail") != NULL;
}

static int server_json_detect(const tools_file_t *f)
{
    const val_t *d = f->doc;
    const char *schema = tools_get_str(d, "$schema");
    if (!tools_get_str(d, "name") || val_type(d) != VAL_MAP)
        return 0;
    if (schema && strstr(schema, "server.schema.json"))
        return 95;
    bool pkgs = tools_get(d, "packages", VAL_LIST) || tools_get(d, "remotes", VAL_LIST);
    return pkgs && (prerelease(d) || tools_get_str(d, "version")) ? 80 : 0;
}

/* V with the pre-release spelling's keys renamed to the current ones, at
 * every depth (a new reference). */
static val_t *respell(tools_out_t *out, const val_t *v, bool top)
{
    if (val_type(v) == VAL_LIST) {
        val_t *l = val_list_new(val_len(v));
        for (size_t i = 0; l && i < val_len(v); i++)
            if (val_list_push_take(l, respell(out, val_list_get(v, i),
                                              false)) != MIG_OK)
                out->oom = true;
        return l;
    }
    if (val_type(v) != VAL_MAP)
        return val_ref((val_t *)v);
    val_t *m = val_map_new(val_len(v));
    for (size_t i = 0; m && i < val_len(v); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(v, i), &len);
        /* A package's name is its identifier; other names stay. */
        for (size_t j = top ? 0 : 1; spellings[j][0]; j++)
            if (strcmp(k, spellings[j][0]) == 0) {
                k = spellings[j][1];
                len = strlen(k);
                break;
            }
        if (val_map_set_take(m, k, len,
                             respell(out, val_map_value(v, i), false)) != MIG_OK)
            out->oom = true;
    }
    return m;
}

/* Package P in the current spelling; its environment variables are added
 * to ENV (names and secrecy). */
static val_t *package(tools_out_t *out, const val_t *p, bool old, val_t *env)
{
    val_t *m = old ? respell(out, p, true) : val_ref((val_t *)p);
    const val_t *vars = tools_get(m, "environmentVariables", VAL_LIST);
    for (size_t i = 0; vars && i < val_len(vars); i++) {
        const val_t *v = val_list_get(vars, i);
        const char *name = tools_get_str(v, "name");
        const val_t *sec = tools_get(v, "isSecret", VAL_BOOL);
        if (name)
            env_add(out, env, name, sec && val_get_bool(sec),
                    tools_member(v, "isRequired"),
                    tools_member(v, "description"));
    }
    return m;
}

static const char *const server_json_keys[] = {
    "name", "title", "description", "version", "version_detail", "packages",
    "remotes", NULL,
};

static mig_status_t server_json_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *d = f->doc;
    bool old = prerelease(d);
    /* The schema's date names the version; a date not listed here is
     * "current". */
    static const char *const dates[] = {
        "2025-07-09", "2025-09-16", "2025-09-29", "2025-10-17", "2025-12-11",
        NULL,
    };
    const char *schema = tools_get_str(d, "$schema");
    out->version = old ? "pre-release" : "current";
    for (size_t i = 0; !old && schema && dates[i]; i++)
        if (strstr(schema, dates[i]))
            out->version = dates[i];
    val_t *rec = server_new();
    val_t *env = val_list_new(0), *pkgs = val_list_new(0);
    if (!rec || !env || !pkgs) {
        val_unref(rec);
        val_unref(env);
        val_unref(pkgs);
        out->oom = true;
        return MIG_OK;
    }
    tools_copy(out, rec, "name", d, "name");
    tools_copy(out, rec, "title", d, "title");
    tools_copy(out, rec, "description", d, "description");
    tools_copy(out, rec, "version", d, "version");
    if (old)
        tools_copy(out, rec, "version", tools_get(d, "version_detail", VAL_MAP),
                 "version");
    placeholder(out, d, "name", "/name");
    placeholder(out, d, "version", "/version");
    if (old)
        placeholder(out, tools_get(d, "version_detail", VAL_MAP), "version",
                    "/version_detail/version");
    const val_t *l = tools_get(d, "packages", VAL_LIST);
    for (size_t i = 0; l && i < val_len(l); i++)
        if (val_list_push_take(pkgs, package(out, val_list_get(l, i), old,
                                             env)) != MIG_OK)
            out->oom = true;
    const val_t *remotes = tools_get(d, "remotes", VAL_LIST);
    const char *transport = tools_get_str(tools_get(val_list_get(pkgs, 0),
                                                    "transport", VAL_MAP), "type");
    if (!transport && remotes && val_len(remotes))
        transport = tools_get_str(val_list_get(remotes, 0), "type");
    if (transport)
        tools_set(out, rec, "transport", val_cstring(transport));
    tools_set(out, rec, "packages", pkgs);
    if (remotes)
        tools_set(out, rec, "remotes", val_ref((val_t *)remotes));
    tools_set(out, rec, "env", env);
    tools_extra(out, rec, d, server_json_keys);
    tools_set(out, rec, "provenance",
              tools_provenance(f, "mcp.server_json", out->version, "", 0));
    tools_add_take(out, "server", rec);
    return MIG_OK;
}

/* ---- mcp.bundle: an MCP bundle's manifest.json (DXT) --------------------- */

static int bundle_detect(const tools_file_t *f)
{
    const val_t *d = f->doc;
    bool v = tools_get_str(d, "manifest_version") || tools_get_str(d, "dxt_version");
    return v && tools_get(d, "server", VAL_MAP) && tools_get_str(d, "name") ? 95 : 0;
}

/* Whether TEXT names a user_config entry of D that is sensitive. */
static bool sensitive(const val_t *d, const char *text)
{
    const char *p = text ? strstr(text, "${user_config.") : NULL;
    if (!p)
        return false;
    p += strlen("${user_config.");
    const char *e = strchr(p, '}');
    const val_t *uc = tools_get(d, "user_config", VAL_MAP);
    const val_t *entry = e && uc ? val_map_get(uc, p, (size_t)(e - p)) : NULL;
    const val_t *s = tools_get(entry, "sensitive", VAL_BOOL);
    return s && val_get_bool(s);
}

static const char *const bundle_keys[] = {
    "name", "display_name", "description", "version", "tools", NULL,
};

static mig_status_t bundle_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *d = f->doc;
    out->version = tools_get_str(d, "manifest_version");
    if (!out->version)
        out->version = tools_get_str(d, "dxt_version");
    const char *name = tools_get_str(d, "name");
    val_t *rec = server_new();
    val_t *env = val_list_new(0);
    if (!rec || !env) {
        val_unref(rec);
        val_unref(env);
        out->oom = true;
        return MIG_OK;
    }
    tools_copy(out, rec, "name", d, "name");
    tools_copy(out, rec, "title", d, "display_name");
    tools_copy(out, rec, "description", d, "description");
    tools_copy(out, rec, "version", d, "version");
    tools_set(out, rec, "transport", val_cstring("stdio"));
    const val_t *server = tools_get(d, "server", VAL_MAP);
    val_t *pkg = map1("registryType", val_cstring("mcpb"));
    tools_copy(out, pkg, "identifier", d, "name");
    tools_copy(out, pkg, "runtimeHint", server, "type");
    tools_copy(out, pkg, "entryPoint", server, "entry_point");
    tools_copy(out, pkg, "version", d, "version");
    val_t *pkgs = val_list_new(1);
    if (!pkgs || val_list_push_take(pkgs, pkg) != MIG_OK)
        out->oom = true;
    tools_set(out, rec, "packages", pkgs);
    const val_t *menv = tools_get(tools_get(server, "mcp_config", VAL_MAP), "env",
                                  VAL_MAP);
    for (size_t i = 0; menv && i < val_len(menv); i++) {
        const char *k = val_get_str(val_map_key(menv, i), NULL);
        const char *v = tools_get_str(menv, k);
        env_add(out, env, k, sensitive(d, v), NULL, NULL);
    }
    tools_set(out, rec, "env", env);
    tools_extra(out, rec, d, bundle_keys);
    tools_set(out, rec, "provenance",
              tools_provenance(f, "mcp.bundle", out->version, "", 0));
    tools_add_take(out, "server", rec);
    const val_t *tools = tools_get(d, "tools", VAL_LIST);
    if (tools && val_len(tools))
        tools_problem(out, "warning", "/tools", 0, "a bundle lists its tools by "
                      "name and description only: they have no input schema");
    add_tools(f, out, "mcp.bundle", tools, "/tools", name);
    return MIG_OK;
}

/* ---- mcp.smithery: smithery.yaml ----------------------------------------- */

static int smithery_detect(const tools_file_t *f)
{
    const val_t *sc = tools_get(f->doc, "startCommand", VAL_MAP);
    const char *type = tools_get_str(sc, "type");
    if (type && (strcmp(type, "stdio") == 0 || strcmp(type, "http") == 0))
        return 90;
    const char *rt = tools_get_str(f->doc, "runtime");
    return rt && (strcmp(rt, "typescript") == 0 || strcmp(rt, "container") == 0 ||
                  strcmp(rt, "python") == 0) && val_len(f->doc) <= 6 ? 60 : 0;
}

static mig_status_t smithery_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *d = f->doc;
    out->version = tools_get_str(d, "runtime");
    /* smithery.yaml names no server: its folder does. */
    const char *end = strrchr(f->path, '/');
    const char *start = end;
    while (start && start > f->path && start[-1] != '/')
        start--;
    strbuf_t name;
    strbuf_init(&name);
    if (end && start && end > start)
        strbuf_put(&name, start, (size_t)(end - start));
    else
        strbuf_puts(&name, "smithery");
    tools_problem(out, "warning", "", 0, "smithery.yaml names no server: it is "
                  "named after its folder, '%s'", name.data);
    val_t *rec = server_new();
    if (!rec || name.oom) {
        val_unref(rec);
        strbuf_free(&name);
        out->oom = true;
        return MIG_OK;
    }
    tools_set(out, rec, "name", val_string(name.data, name.len));
    strbuf_free(&name);
    const char *type = tools_get_str(tools_get(d, "startCommand", VAL_MAP), "type");
    tools_set(out, rec, "transport", val_cstring(
        type && strcmp(type, "http") == 0 ? "streamable-http" : "stdio"));
    const val_t *schema = tools_get(tools_get(d, "startCommand", VAL_MAP),
                                    "configSchema", VAL_MAP);
    val_t *env = val_list_new(0);
    const val_t *props = tools_get(schema, "properties", VAL_MAP);
    const val_t *req = tools_get(schema, "required", VAL_LIST);
    for (size_t i = 0; env && props && i < val_len(props); i++) {
        const char *k = val_get_str(val_map_key(props, i), NULL);
        bool required = false;
        for (size_t j = 0; req && j < val_len(req); j++) {
            const val_t *r = val_list_get(req, j);
            required = required || (val_type(r) == VAL_STRING &&
                                    strcmp(val_get_str(r, NULL), k) == 0);
        }
        val_t *r = val_bool(required);
        /* Settings that hold credentials are secrets by their names. */
        bool secret = strstr(k, "key") || strstr(k, "Key") || strstr(k, "token")
                      || strstr(k, "Token") || strstr(k, "secret")
                      || strstr(k, "password");
        env_add(out, env, k, secret, r,
                tools_member(val_map_value(props, i), "description"));
        val_unref(r);
    }
    tools_set(out, rec, "env", env);
    static const char *const none[] = { NULL };
    tools_extra(out, rec, d, none);
    tools_set(out, rec, "provenance",
              tools_provenance(f, "mcp.smithery", out->version, "", 0));
    tools_add_take(out, "server", rec);
    return MIG_OK;
}

/* ---- the Docker MCP catalog: server.yaml, tools.json --------------------- */

static int docker_server_detect(const tools_file_t *f)
{
    const val_t *d = f->doc;
    const char *type = tools_get_str(d, "type");
    if (!tools_get_str(d, "name") || !type || !tools_get(d, "about", VAL_MAP))
        return 0;
    return strcmp(type, "server") == 0 || strcmp(type, "remote") == 0 ||
           strcmp(type, "poci") == 0 ? 90 : 0;
}

static const char *const docker_keys[] = {
    "name", "type", "image", "about", "remote", "tools", NULL,
};

static mig_status_t docker_server_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *d = f->doc;
    out->version = tools_get_str(d, "type");
    const char *name = tools_get_str(d, "name");
    val_t *rec = server_new();
    val_t *env = val_list_new(0);
    if (!rec || !env) {
        val_unref(rec);
        val_unref(env);
        out->oom = true;
        return MIG_OK;
    }
    const val_t *about = tools_get(d, "about", VAL_MAP);
    tools_copy(out, rec, "name", d, "name");
    tools_copy(out, rec, "title", about, "title");
    tools_copy(out, rec, "description", about, "description");
    const val_t *remote = tools_get(d, "remote", VAL_MAP);
    const char *tt = tools_get_str(remote, "transport_type");
    tools_set(out, rec, "transport", !remote ? val_cstring("stdio")
                                     : tt ? val_cstring(tt) : val_null());
    if (tools_get_str(d, "image")) {
        val_t *pkg = map1("registryType", val_cstring("oci"));
        if (pkg && val_map_set(pkg, "identifier", 10,
                               tools_member(d, "image")) != MIG_OK)
            out->oom = true;
        val_t *pkgs = val_list_new(1);
        if (!pkgs || val_list_push_take(pkgs, pkg) != MIG_OK)
            out->oom = true;
        tools_set(out, rec, "packages", pkgs);
    }
    if (remote) {
        val_t *r = val_map_new(3);
        tools_copy(out, r, "type", remote, "transport_type");
        tools_copy(out, r, "url", remote, "url");
        tools_copy(out, r, "headers", remote, "headers");
        val_t *rs = val_list_new(1);
        if (!r || !rs || val_list_push_take(rs, r) != MIG_OK)
            out->oom = true;
        tools_set(out, rec, "remotes", rs);
    }
    const val_t *config = tools_get(d, "config", VAL_MAP);
    const val_t *secrets = tools_get(config, "secrets", VAL_LIST);
    for (size_t i = 0; secrets && i < val_len(secrets); i++) {
        const val_t *s = val_list_get(secrets, i);
        const char *e = tools_get_str(s, "env");
        if (e)
            env_add(out, env, e, true, tools_member(s, "required"),
                    tools_member(s, "description"));
    }
    const val_t *envs = tools_get(config, "env", VAL_LIST);
    for (size_t i = 0; envs && i < val_len(envs); i++) {
        const char *e = tools_get_str(val_list_get(envs, i), "name");
        if (e)
            env_add(out, env, e, false, NULL, NULL);
    }
    tools_set(out, rec, "env", env);
    tools_extra(out, rec, d, docker_keys);
    tools_set(out, rec, "provenance",
              tools_provenance(f, "mcp.docker_server", out->version, "", 0));
    tools_add_take(out, "server", rec);
    add_tools(f, out, "mcp.docker_server", tools_get(d, "tools", VAL_LIST),
              "/tools", name);
    return MIG_OK;
}

static int docker_tools_detect(const tools_file_t *f)
{
    const val_t *l = f->doc;
    size_t mcp, docker, args;
    if (!l || val_type(l) != VAL_LIST || !val_len(l))
        return 0;
    tally(l, &mcp, &docker, &args);
    return args && mcp + docker == val_len(l) ? 90 : 0;
}

static mig_status_t docker_tools_read(const tools_file_t *f, tools_out_t *out)
{
    add_tools(f, out, "mcp.docker_tools", f->doc, "", NULL);
    return MIG_OK;
}

const tools_reader_t tools_readers_mcp[] = {
    { .format = "mcp.jsonrpc", .family = "mcp", .detect = jsonrpc_detect,
      .read = jsonrpc_read,
      .doc = "a JSON-RPC response to tools/list: {jsonrpc, id, result: {tools}}" },
    { .format = "mcp.bundle", .family = "mcp", .detect = bundle_detect,
      .read = bundle_read,
      .doc = "an MCP bundle's manifest.json (manifest_version or dxt_version)" },
    { .format = "mcp.server_json", .family = "mcp",
      .detect = server_json_detect, .read = server_json_read,
      .doc = "the MCP registry's server.json (current and pre-release)" },
    { .format = "mcp.docker_server", .family = "mcp",
      .detect = docker_server_detect, .read = docker_server_read,
      .doc = "a Docker MCP catalog server.yaml" },
    { .format = "mcp.smithery", .family = "mcp", .detect = smithery_detect,
      .read = smithery_read, .doc = "Smithery's smithery.yaml" },
    { .format = "mcp.tool", .family = "mcp", .detect = tool_detect,
      .read = tool_read, .doc = "one Tool object {name, inputSchema, ...}" },
    { .format = "mcp.docker_tools", .family = "mcp",
      .detect = docker_tools_detect, .read = docker_tools_read,
      .doc = "a Docker MCP catalog tools.json: [{name, description, arguments}]" },
    { .format = "mcp.tools_list", .family = "mcp", .detect = list_detect,
      .read = list_read, .doc = "a tools/list result {tools: [...]} or [Tool...]" },
};

const size_t tools_readers_mcp_count =
    sizeof tools_readers_mcp / sizeof *tools_readers_mcp;
