/* reader_plugin.c: the HTTP-plugin family of legacy readers
 * (docs/legacy-formats.md, "HTTP plugins"): ChatGPT's ai-plugin.json
 * with the OpenAPI document it names, an OpenAPI or Swagger document on
 * its own, and the Microsoft 365 Copilot API plugin (v2.x). A manifest
 * gives one server record for the plugin and a tool per operation of
 * its document (reader_openapi.c). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "reader_plugin.h"

static void set(tools_out_t *out, val_t *m, const char *key, val_t *v)
{
    if (!v || val_map_set_take(m, key, strlen(key), v) != MIG_OK)
        out->oom = true;
}

/* Member KEY of M when M is a map, else NULL (borrowed). */
static const val_t *member(const val_t *m, const char *key)
{
    return m && val_type(m) == VAL_MAP ? val_map_get(m, key, strlen(key))
                                       : NULL;
}

static void set_str(tools_out_t *out, val_t *m, const char *key, const char *s)
{
    set(out, m, key, s ? val_cstring(s) : val_null());
}

/* ---- finding the document a manifest names ------------------------------- */

/* The last path segment of URL (its query and fragment cut), into SEG. */
static void last_segment(const char *url, char *seg, size_t cap)
{
    seg[0] = 0;
    if (!url)
        return;
    size_t n = strcspn(url, "?#");
    const char *s = url + n;
    while (s > url && s[-1] != '/')
        s--;
    snprintf(seg, cap, "%.*s", (int)(url + n - s), s);
}

/* Whether NAME is an item of the list "a, b, c" in TRIED. */
static bool tried_already(const strbuf_t *tried, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = tried->data; s && (s = strstr(s, name)); s++)
        if ((s == tried->data || s[-1] == ' ') && (s[n] == ',' || !s[n]))
            return true;
    return false;
}

/* Loads into SPEC the document URL names beside manifest F: by the URL's
 * last segment (or the URL itself when it is a relative path), then the
 * usual names (openapi.yaml, .json, .yml, swagger.json, .yaml), each
 * first with the prefix of the manifest's own file name: up to its last
 * "__" (a collection that names files <owner>__<repo>__<name>), else up
 * to "ai-plugin" (my-ai-plugin.json, my-openapi.yaml). TRIED gets the
 * names tried. MIG_OK when one was found, MIG_EINVALID when none,
 * MIG_ENOMEM. */
static mig_status_t find_spec(const tools_file_t *f, const char *url,
                              tools_file_t *spec, strbuf_t *tried)
{
    char seg[256];
    last_segment(url, seg, sizeof seg);
    const char *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    const char *mark = NULL;
    for (const char *s = strstr(base, "__"); s; s = strstr(s + 1, "__"))
        mark = s + 2;
    for (const char *s = mark ? NULL : strstr(base, "ai-plugin"); s;
         s = strstr(s + 1, "ai-plugin"))
        mark = s;
    int plen = mark ? (int)(mark - base) : 0;
    const char *names[] = {
        url && !strpbrk(url, ":${") ? url : NULL, seg, "openapi.yaml",
        "openapi.json", "openapi.yml", "swagger.json", "swagger.yaml",
    };
    for (int pass = plen ? 0 : 1; pass < 2; pass++)
        for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
            if (!names[i] || !*names[i] || (pass == 0 && i == 0))
                continue;
            char name[600];
            snprintf(name, sizeof name, "%.*s%s", pass ? 0 : plen, base,
                     names[i]);
            if (tried_already(tried, name))
                continue;
            strbuf_printf(tried, "%s%s", tried->len ? ", " : "", name);
            mig_status_t st = tools_file_sibling(f, name, spec);
            if (st != MIG_EINVALID)
                return st;
        }
    return tried->oom ? MIG_ENOMEM : MIG_EINVALID;
}

/* Reads the OpenAPI document URL names beside F into OUT's tools, or
 * says why not. *SPEC_PATH gets its path (a new string) when found. */
static void read_spec(const tools_file_t *f, tools_out_t *out,
                      const char *pointer, const char *url,
                      const openapi_opts_t *o, val_t **spec_path)
{
    tools_file_t spec;
    strbuf_t tried;
    strbuf_init(&tried);
    mig_status_t st = find_spec(f, url, &spec, &tried);
    if (st == MIG_ENOMEM) {
        out->oom = true;
    } else if (st != MIG_OK) {
        tools_problem(out, "error", pointer, 0, "the OpenAPI document '%s' is "
                      "not next to the manifest (tried %s): its operations are "
                      "not read", url ? url : "",
                      tried.data ? tried.data : "nothing");
    } else {
        char vbuf[16], label[300];
        const char *slash = strrchr(spec.path, '/');
        snprintf(label, sizeof label, "%s: ", slash ? slash + 1 : spec.path);
        openapi_opts_t so = *o;
        so.label = label;
        for (size_t i = 0; i < val_len(spec.load_problems); i++) {
            const val_t *p = val_list_get(spec.load_problems, i);
            const val_t *ln = tools_get(p, "line", VAL_NUMBER);
            char at[32] = "";
            if (ln && val_is_int(ln))
                snprintf(at, sizeof at, "line %lld: ",
                         (long long)val_get_int(ln));
            tools_problem(out, tools_get_str(p, "severity"),
                          tools_get_str(p, "pointer"), 0, "%s%s%s", label, at,
                          tools_get_str(p, "message"));
        }
        *spec_path = val_cstring(spec.path);
        if (!spec.doc || !openapi_version(spec.doc, vbuf))
            tools_problem(out, "error", pointer, 0, "%s is not an OpenAPI 3 or "
                          "Swagger 2 document: its operations are not read",
                          spec.path);
        else if (openapi_read(&spec, out, &so) == MIG_ENOMEM)
            out->oom = true;
        tools_file_free(&spec);
    }
    strbuf_free(&tried);
}

/* The server's remotes: the base URLs its tools were given, each once,
 * as [{url, transport: "http"}]. */
static val_t *remotes_of(tools_out_t *out)
{
    val_t *l = val_list_new(1);
    for (size_t i = 0; l && i < val_len(out->tools); i++) {
        const val_t *u = member(member(val_list_get(out->tools, i),
                                       "endpoint"), "url");
        bool seen = !u || val_type(u) != VAL_STRING;
        for (size_t j = 0; !seen && j < val_len(l); j++)
            seen = val_equal(member(val_list_get(l, j), "url"), u);
        if (seen)
            continue;
        val_t *r = val_map_new(2);
        if (r) {
            set(out, r, "url", val_ref((val_t *)u));
            set_str(out, r, "transport", "http");
        }
        if (!r || val_list_push_take(l, r) != MIG_OK)
            out->oom = true;
    }
    if (!l)
        out->oom = true;
    return l;
}

/* ---- ai-plugin.json ------------------------------------------------------ */

/* The manifest of F: the document, or a plugin store's record's
 * `manifest`; *POINTER gets where it is. */
static const val_t *manifest_of(const val_t *doc, const char **pointer)
{
    const val_t *m = tools_get(doc, "manifest", VAL_MAP);
    *pointer = m ? "/manifest" : "";
    return m ? m : doc;
}

static int ai_plugin_detect(const tools_file_t *f)
{
    const char *ptr;
    const val_t *m = manifest_of(f->doc, &ptr);
    if (!f->doc || val_type(m) != VAL_MAP)
        return 0;
    bool named = tools_get_str(m, "name_for_model") != NULL;
    bool api = tools_get(m, "api", VAL_MAP) != NULL;
    const char *sv = tools_get_str(m, "schema_version");
    if (sv && sv[0] == 'v' && sv[1] == '2')
        return 0;   /* plugin.copilot */
    return named && (api || sv) ? 95 : api && sv ? 80 : 0;
}

/* The user-authentication flag of API: either spelling, a bool or the
 * strings "true"/"false"; -1 when absent or unreadable. */
static int user_auth_flag(tools_out_t *out, const val_t *api)
{
    static const char *const spellings[] = {
        "is_user_authenticated", "has_user_authentication",
    };
    int flag = -1;
    for (int i = 0; i < 2; i++) {
        const val_t *v = member(api, spellings[i]);
        int this = -1;
        if (v && val_type(v) == VAL_BOOL) {
            this = val_get_bool(v);
        } else if (v && val_type(v) == VAL_STRING &&
                   (strcmp(val_get_str(v, NULL), "true") == 0 ||
                    strcmp(val_get_str(v, NULL), "false") == 0)) {
            this = val_get_str(v, NULL)[0] == 't';
            tools_problem(out, "warning", "/api", 0, "api.%s is the string "
                          "\"%s\", not a boolean: read as %s", spellings[i],
                          val_get_str(v, NULL), this ? "true" : "false");
        } else if (v) {
            tools_problem(out, "warning", "/api", 0, "api.%s is a %s, not a "
                          "boolean: ignored", spellings[i],
                          val_type_name(val_type(v)));
        }
        if (this >= 0 && flag >= 0 && this != flag)
            tools_problem(out, "warning", "/api", 0, "both user-auth spellings "
                          "are given and disagree: %s is read", spellings[0]);
        if (this >= 0 && flag < 0)
            flag = this;
    }
    return flag;
}

/* The manifest's auth as a reference: type (none, bearer, basic, oauth2),
 * scheme (the manifest's word), ref, the non-secret settings, and the
 * names (never the values) of its verification tokens. */
static val_t *manifest_auth(tools_out_t *out, const val_t *m, const char *name,
                            int user_auth)
{
    const val_t *auth = tools_get(m, "auth", VAL_MAP);
    const char *t = tools_get_str(auth, "type");
    if (!auth)
        tools_problem(out, "warning", "/auth", 0, "no auth: read as none");
    const char *at = tools_get_str(auth, "authorization_type");
    const char *type = !t || strcmp(t, "none") == 0 ? "none"
        : strcmp(t, "oauth") == 0 ? "oauth2"
        : at && strcasecmp(at, "basic") == 0 ? "basic" : "bearer";
    if (t && strcmp(t, "none") != 0 && strcmp(t, "oauth") != 0 &&
        strcmp(t, "service_http") != 0 && strcmp(t, "user_http") != 0)
        tools_problem(out, "warning", "/auth/type", 0, "auth type '%s' is none "
                      "of none, service_http, user_http, oauth: read as bearer",
                      t);
    val_t *r = val_map_new(8);
    if (!r) {
        out->oom = true;
        return NULL;
    }
    set_str(out, r, "type", type);
    set_str(out, r, "scheme", t ? t : "none");
    if (strcmp(type, "none") != 0) {
        char ref[200];
        snprintf(ref, sizeof ref, "secret:%s", name);
        set_str(out, r, "ref", ref);
    }
    static const char *const kept[] = {
        "authorization_type", "client_url", "authorization_url", "scope",
        "authorization_content_type", "token_url", "instructions", NULL,
    };
    for (size_t i = 0; kept[i]; i++) {
        const val_t *v = member(auth, kept[i]);
        if (v)
            set(out, r, kept[i], val_ref((val_t *)v));
    }
    if (member(auth, "token_url"))
        tools_problem(out, "warning", "/auth/token_url", 0, "auth.token_url is "
                      "not a manifest v1 field: kept");
    if (t && strcmp(t, "oauth") == 0 &&
        (!tools_get_str(auth, "client_url") ||
         !tools_get_str(auth, "authorization_url")))
        tools_problem(out, "warning", "/auth", 0, "oauth without client_url or "
                      "authorization_url");
    const val_t *vt = tools_get(auth, "verification_tokens", VAL_MAP);
    if (vt) {
        val_t *names = val_list_new(val_len(vt));
        for (size_t i = 0; names && i < val_len(vt); i++)
            if (val_list_push(names, val_map_key(vt, i)) != MIG_OK)
                out->oom = true;
        set(out, r, "verification_tokens", names);
    }
    if (user_auth >= 0)
        set(out, r, "user_authenticated", val_bool(user_auth));
    if (user_auth == 0 && strcmp(type, "none") != 0)
        tools_problem(out, "warning", "/api", 0, "auth is %s but the api says "
                      "users are not authenticated", t);
    return r;
}

static const char *const manifest_keys[] = {
    "schema_version", "name_for_model", "name_for_human",
    "description_for_model", "auth", "api", NULL,
};

static mig_status_t ai_plugin_read(const tools_file_t *f, tools_out_t *out)
{
    const char *ptr;
    const val_t *m = manifest_of(f->doc, &ptr);
    out->version = tools_get_str(m, "schema_version");
    if (out->version && strcmp(out->version, "v1") != 0)
        tools_problem(out, "warning", "/schema_version", 0, "schema_version "
                      "'%s' is not v1: read as v1", out->version);
    const char *name = tools_get_str(m, "name_for_model");
    if (!name)
        tools_problem(out, "warning", ptr, 0, "no name_for_model: the server "
                      "is named by name_for_human");
    if (!name)
        name = tools_get_str(m, "name_for_human");
    const val_t *api = tools_get(m, "api", VAL_MAP);
    const char *url = tools_get_str(api, "url");
    const char *api_type = tools_get_str(api, "type");
    val_t *auth = manifest_auth(out, m, name ? name : "plugin",
                                user_auth_flag(out, api));
    val_t *srv = val_map_new(10), *spec_path = NULL;
    if (!srv || !auth) {
        val_unref(srv);
        val_unref(auth);
        out->oom = true;
        return MIG_ENOMEM;
    }
    if (!api)
        tools_problem(out, "error", ptr, 0, "no api: the plugin's operations "
                      "cannot be found");
    else if (api_type && strcmp(api_type, "openapi") != 0)
        tools_problem(out, "error", "/api/type", 0, "api.type is '%s', not "
                      "openapi: no operations to read", api_type);
    else {
        openapi_opts_t o = { .server = name, .auth = auth, .api_url = url };
        read_spec(f, out, "/api/url", url, &o, &spec_path);
    }
    set_str(out, srv, "name", name);
    set_str(out, srv, "title", tools_get_str(m, "name_for_human"));
    set_str(out, srv, "description", tools_get_str(m, "description_for_model"));
    set_str(out, srv, "version", NULL);
    set_str(out, srv, "transport", "http");
    set(out, srv, "remotes", remotes_of(out));
    val_t *extra = val_map_new(4);
    if (extra && ptr[0]) {  /* a store record: its own keys too */
        for (size_t i = 0; i < val_len(f->doc); i++) {
            size_t kl;
            const char *k = val_get_str(val_map_key(f->doc, i), &kl);
            if (strcmp(k, "manifest") != 0 &&
                val_map_set(extra, k, kl, val_map_value(f->doc, i)) != MIG_OK)
                out->oom = true;
        }
    }
    if (extra) {
        set(out, extra, "auth", auth);
        set(out, extra, "spec", spec_path ? spec_path : val_null());
        if (api)
            set(out, extra, "api", val_ref((val_t *)api));
    } else {
        val_unref(auth);
        val_unref(spec_path);
    }
    set(out, srv, "extra", extra);
    tools_extra(out, srv, m, manifest_keys);
    set(out, srv, "provenance",
        tools_provenance(f, "plugin.ai_plugin", out->version, ptr, 0));
    tools_add_take(out, "server", srv);
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

/* ---- an OpenAPI document on its own -------------------------------------- */

static int openapi_detect(const tools_file_t *f)
{
    char buf[16];
    if (!openapi_version(f->doc, buf))
        return 0;
    return tools_get(f->doc, "paths", VAL_MAP) ? 95 : 70;
}

static mig_status_t openapi_only_read(const tools_file_t *f, tools_out_t *out)
{
    char buf[16];
    const char *v = openapi_version(f->doc, buf);
    /* A version written as a number (swagger: 2.0) is named by a static
     * string, since OUT outlives BUF. */
    out->version = v != buf ? v : strcmp(v, "3.1") == 0 ? "3.1"
                 : v[0] == '2' ? "2.0" : "3.0";
    openapi_opts_t o = { 0 };
    return openapi_read(f, out, &o);
}

/* ---- Microsoft 365 Copilot API plugin ------------------------------------ */

static int copilot_detect(const tools_file_t *f)
{
    const char *sv = tools_get_str(f->doc, "schema_version");
    const char *schema = tools_get_str(f->doc, "$schema");
    bool v2 = sv && sv[0] == 'v' && sv[1] == '2';
    bool body = tools_get(f->doc, "functions", VAL_LIST) ||
                tools_get(f->doc, "runtimes", VAL_LIST);
    if ((v2 || (schema && strstr(schema, "copilot/plugin"))) && body)
        return 95;
    return v2 && tools_get_str(f->doc, "name_for_human") ? 60 : 0;
}

/* Whether runtime RT runs function NAME (run_for_functions lists it, or
 * "*", or is absent). */
static bool runs(const val_t *rt, const char *name)
{
    const val_t *l = tools_get(rt, "run_for_functions", VAL_LIST);
    for (size_t i = 0; l && i < val_len(l); i++) {
        const val_t *v = val_list_get(l, i);
        if (val_type(v) == VAL_STRING &&
            (strcmp(val_get_str(v, NULL), name) == 0 ||
             strcmp(val_get_str(v, NULL), "*") == 0))
            return true;
    }
    return !l;
}

/* The name a runtime's reference_id ID gives, into BUF (N bytes): ID
 * itself, or NAME when ID is a Teams Toolkit placeholder, {NAME} or
 * ${{NAME}} (the manifests of Microsoft's samples are written so): a
 * reference names where the secret lives, and the placeholder's braces
 * are no part of that name. */
static const char *reference_name(const char *id, char *buf, size_t n)
{
    size_t len = strlen(id), open = 0;
    if (id[0] == '$')
        open = 1;
    while (open < len && id[open] == '{')
        open++;
    size_t braces = open - (id[0] == '$');
    if (braces == 0 || len < open + braces + 1)
        return id;
    for (size_t k = 0; k < braces; k++)
        if (id[len - 1 - k] != '}')
            return id;
    snprintf(buf, n, "%.*s", (int)(len - open - braces), id + open);
    return buf;
}

/* A runtime's auth as a reference: None, OAuthPluginVault,
 * ApiKeyPluginVault (its reference_id names where the secret lives); an
 * API key's place (in, name) taken from OP_AUTH, the operation's own
 * security, when it has one. The runtime's auth is the one Copilot
 * uses, so it wins over the operation's. */
static val_t *runtime_auth(tools_out_t *out, const val_t *rt,
                           const val_t *op_auth)
{
    const val_t *auth = tools_get(rt, "auth", VAL_MAP);
    const char *t = tools_get_str(auth, "type");
    const char *id = tools_get_str(auth, "reference_id");
    val_t *r = val_map_new(3);
    if (!r) {
        out->oom = true;
        return NULL;
    }
    const char *type = !t || strcasecmp(t, "None") == 0 ? "none"
        : strstr(t, "OAuth") ? "oauth2" : strstr(t, "ApiKey") ? "api-key"
        : t;
    set_str(out, r, "type", type);
    set_str(out, r, "scheme", t ? t : "None");
    if (id) {
        char ref[200], name[192];
        snprintf(ref, sizeof ref, "secret:%s",
                 reference_name(id, name, sizeof name));
        set_str(out, r, "ref", ref);
    }
    for (int i = 0; op_auth && strcmp(type, "api-key") == 0 && i < 2; i++) {
        const char *k = i ? "name" : "in";
        if (tools_get_str(op_auth, k))
            set_str(out, r, k, tools_get_str(op_auth, k));
    }
    return r;
}

/* Reads every runtime of the manifest into lists of tool records from
 * their documents: one list per runtime, null when its document was not
 * read (missing, or the runtime is not OpenApi). */
static val_t *read_runtimes(const tools_file_t *f, tools_out_t *out,
                            const char *server, const val_t *rts)
{
    val_t *all = val_list_new(rts ? val_len(rts) : 0);
    if (!rts)
        tools_problem(out, "warning", "/runtimes", 0, "no runtimes list: the "
                      "functions have no schema");
    for (size_t i = 0; all && rts && i < val_len(rts); i++) {
        const val_t *rt = val_list_get(rts, i);
        const char *type = tools_get_str(rt, "type");
        const char *url = tools_get_str(tools_get(rt, "spec", VAL_MAP), "url");
        char ptr[64];
        snprintf(ptr, sizeof ptr, "/runtimes/%zu", i);
        tools_out_t tmp;
        tools_out_init(&tmp);
        val_t *own = tmp.problems;
        tmp.problems = out->problems;   /* its problems are the file's */
        val_t *auth = runtime_auth(out, rt, NULL), *spec_path = NULL;
        if (!type || strcmp(type, "OpenApi") != 0)
            tools_problem(out, "warning", ptr, 0, "runtime type '%s' is not "
                          "OpenApi: its functions have no schema",
                          type ? type : "(none)");
        else if (!url)
            tools_problem(out, "error", ptr, 0, "an OpenApi runtime with no "
                          "spec.url: its functions have no schema");
        else {
            openapi_opts_t o = { .server = server, .auth = auth };
            strcat(ptr, "/spec/url");
            read_spec(f, &tmp, ptr, url, &o, &spec_path);
        }
        val_unref(auth);
        tmp.problems = own;
        if (tmp.oom)
            out->oom = true;
        /* null: the runtime's document was not read */
        if (val_list_push_take(all, spec_path ? val_ref(tmp.tools)
                                              : val_null()) != MIG_OK)
            out->oom = true;
        val_unref(spec_path);
        tools_out_free(&tmp);
    }
    return all;
}

/* The record of operation NAME in list TOOLS, or NULL. */
static const val_t *find_op(const val_t *tools, const char *name)
{
    for (size_t i = 0; tools && i < val_len(tools); i++) {
        const val_t *t = val_list_get(tools, i);
        const char *n = tools_get_str(t, "name");
        if (n && strcmp(n, name) == 0)
            return t;
    }
    return NULL;
}

static const char *const function_keys[] = { "name", "description", NULL };

/* Function FN (item I): its operation's record with the function's
 * description, or a record without a schema when there is none. */
static void read_function(const tools_file_t *f, tools_out_t *out,
                          const val_t *fn, size_t i, const val_t *rts,
                          const val_t *rt_tools, const char *server)
{
    char ptr[64];
    snprintf(ptr, sizeof ptr, "/functions/%zu", i);
    const char *name = tools_get_str(fn, "name");
    if (!name || !*name) {
        tools_problem(out, "error", ptr, 0, "a function with no name: not "
                      "read");
        return;
    }
    const val_t *op = NULL, *rt = NULL;
    size_t rt_at = 0;
    for (size_t r = 0; rts && r < val_len(rts) && !op; r++)
        if (runs(val_list_get(rts, r), name)) {
            op = find_op(val_list_get(rt_tools, r), name);
            if (!rt || op) {
                rt = val_list_get(rts, r);
                rt_at = r;
            }
        }
    val_t *rec = op ? val_copy(op) : tools_tool_new();
    if (!rec) {
        out->oom = true;
        return;
    }
    if (op) {
        val_t *extra = val_copy(tools_get(rec, "extra", VAL_MAP));
        set(out, extra, "openapi", val_ref(tools_get(op, "provenance",
                                                     VAL_MAP)));
        set(out, rec, "extra", extra);
        set(out, rec, "auth", runtime_auth(out, rt, tools_get(op, "auth",
                                                              VAL_MAP)));
    } else {
        tools_problem(out, "warning", ptr, 0, "function '%s': %s: read with no "
                      "parameters", name,
                      !rt ? "no runtime runs it"
                          : val_type(val_list_get(rt_tools, rt_at)) == VAL_NULL
                          ? "its runtime's OpenAPI document was not read"
                          : "its runtime's OpenAPI document has no operation "
                          "of that operationId");
        val_t *ep = val_map_new(2);
        if (ep) {
            set_str(out, ep, "transport", "http");
            set_str(out, ep, "server", server);
        }
        set(out, rec, "endpoint", ep);
        if (rt)
            set(out, rec, "auth", runtime_auth(out, rt, NULL));
        val_t *deps = val_list_new(1);
        if (deps && server &&
            val_list_push_take(deps, val_cstring(server)) != MIG_OK)
            out->oom = true;
        set(out, rec, "dependencies", deps);
    }
    set_str(out, rec, "name", name);
    const val_t *d = val_map_get(fn, "description", 11);
    if (d && val_type(d) == VAL_STRING)
        set(out, rec, "description", val_ref((val_t *)d));
    tools_extra(out, rec, fn, function_keys);
    set(out, rec, "provenance",
        tools_provenance(f, "plugin.copilot", out->version, ptr, 0));
    tools_add_take(out, "tool", rec);
}

static const char *const copilot_keys[] = {
    "schema_version", "namespace", "name_for_human", "description_for_model",
    "functions", NULL,
};

static mig_status_t copilot_read(const tools_file_t *f, tools_out_t *out)
{
    const val_t *doc = f->doc;
    out->version = tools_get_str(doc, "schema_version");
    const char *ns = tools_get_str(doc, "namespace");
    if (!ns)
        tools_problem(out, "warning", "", 0, "no namespace: the server is "
                      "named by name_for_human");
    const char *name = ns ? ns : tools_get_str(doc, "name_for_human");
    const val_t *fns = tools_get(doc, "functions", VAL_LIST);
    const val_t *rts = tools_get(doc, "runtimes", VAL_LIST);
    if (!fns)
        tools_problem(out, "error", "/functions", 0, "no functions list: no "
                      "tools to read");
    val_t *rt_tools = read_runtimes(f, out, name, rts);
    for (size_t i = 0; fns && i < val_len(fns); i++)
        read_function(f, out, val_list_get(fns, i), i, rts, rt_tools, name);
    val_unref(rt_tools);
    val_t *srv = val_map_new(8);
    if (!srv)
        return MIG_ENOMEM;
    set_str(out, srv, "name", name);
    set_str(out, srv, "title", tools_get_str(doc, "name_for_human"));
    set_str(out, srv, "description",
            tools_get_str(doc, "description_for_model"));
    set_str(out, srv, "version", NULL);
    set_str(out, srv, "transport", "http");
    set(out, srv, "remotes", remotes_of(out));
    set(out, srv, "extra", val_map_new(4));
    tools_extra(out, srv, doc, copilot_keys);
    set(out, srv, "provenance",
        tools_provenance(f, "plugin.copilot", out->version, "", 0));
    tools_add_take(out, "server", srv);
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

/* ---- the rows ------------------------------------------------------------ */

const tools_reader_t tools_readers_plugin[] = {
    { .format = "plugin.ai_plugin", .family = "plugin",
      .detect = ai_plugin_detect, .read = ai_plugin_read,
      .doc = "a ChatGPT plugin manifest (ai-plugin.json v1) with the OpenAPI "
             "document its api.url names" },
    { .format = "plugin.copilot", .family = "plugin",
      .detect = copilot_detect, .read = copilot_read,
      .doc = "a Microsoft 365 Copilot API plugin (schema v2.x) with its "
             "runtimes' OpenAPI documents" },
    { .format = "plugin.openapi", .family = "plugin",
      .detect = openapi_detect, .read = openapi_only_read,
      .doc = "an OpenAPI 3.0/3.1 or Swagger 2.0 document: a tool per "
             "operation" },
};
const size_t tools_readers_plugin_count =
    sizeof tools_readers_plugin / sizeof *tools_readers_plugin;
