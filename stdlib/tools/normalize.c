/* normalize.c: tools_normalize, a reader's record
 * (docs/legacy-formats.md) made a V2 descriptor (docs/registry.md), for
 * the action tools.normalize (normalize_action.c): names fitted, schemas
 * fitted to 2020-12 (normalize_schema.c), fields with no place kept in
 * config or reported, the digest computed, and the result validated
 * against the embedded v2-descriptor.schema.json. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "normalize_int.h"

/* The longest name, and where a fitted long name is cut before its hash. */
#define NORM_NAME_MAX 64
#define NORM_NAME_CUT 55

typedef struct norm {
    const val_t *rec;
    val_t *d;           /* the descriptor being built */
    norm_changes_t ch;
    mig_status_t st;    /* the first MIG_ENOMEM */
} norm_t;

static void put_take(norm_t *n, const char *key, val_t *v)
{
    if (n->st == MIG_OK
        && (!v || val_map_set_take(n->d, key, strlen(key), v) != MIG_OK))
        n->st = MIG_ENOMEM;
    else if (n->st != MIG_OK)
        val_unref(v);
}

static void put(norm_t *n, const char *key, const val_t *v)
{
    put_take(n, key, val_ref((val_t *)v));
}

/* The record's member KEY, or NULL when absent or null. */
static val_t *field(const norm_t *n, const char *key)
{
    val_t *v = val_map_get(n->rec, key, strlen(key));
    return v && val_type(v) != VAL_NULL ? v : NULL;
}

/* A string member KEY copied; another scalar as its text (a line). */
static void copy_text(norm_t *n, const char *key)
{
    val_t *v = field(n, key);
    if (!v)
        return;
    if (val_type(v) == VAL_STRING) {
        put(n, key, v);
        return;
    }
    if (val_type(v) == VAL_NUMBER || val_type(v) == VAL_BOOL) {
        strbuf_t b;
        strbuf_init(&b);
        val_format(v, &b);
        put_take(n, key, b.oom ? NULL : val_string(b.data, b.len));
        norm_change(&n->ch, "%s: the %s %s read as the string \"%s\"", key,
                    val_type_name(val_type(v)), b.data ? b.data : "",
                    b.data ? b.data : "");
        strbuf_free(&b);
        return;
    }
    norm_change(&n->ch, "%s: a %s, not text (dropped)", key,
                val_type_name(val_type(v)));
}

/* ---- names -------------------------------------------------------------- */

/* Fits the record's name to ^[a-zA-Z0-9_-]{1,64}$: other characters
 * become '_' (a multi-byte character one '_'), a longer name is cut and
 * ended with '-' and 8 hex digits of its hash; the original goes to
 * aliases. */
static void fit_name(norm_t *n)
{
    val_t *v = field(n, "name");
    if (!v || val_type(v) != VAL_STRING || val_len(v) == 0) {
        norm_change(&n->ch, "name: none given (the descriptor cannot be "
                    "valid)");
        return;
    }
    size_t len;
    const char *s = val_get_str(v, &len);
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9') || c == '_' || c == '-';
        strbuf_putc(&b, ok ? (char)c : '_');
        i += ok ? 1 : utf8_char_len((const unsigned char *)s + i, len - i);
    }
    if (b.len > NORM_NAME_MAX) {
        char hex[BLOB_HEX];
        blobs_hash(s, len, hex);
        b.len = NORM_NAME_CUT;
        strbuf_printf(&b, "-%.8s", hex);
    }
    bool changed = b.len != len || memcmp(b.data, s, len) != 0;
    put_take(n, "name", b.oom ? NULL : val_string(b.data, b.len));
    if (changed) {
        norm_change(&n->ch, "name: '%.*s' fitted to '%s' (the original is "
                    "kept in aliases)", (int)len, s, b.data ? b.data : "");
        val_t *al = val_list_new(1);
        val_t *old = field(n, "aliases");
        for (size_t i = 0; al && old && val_type(old) == VAL_LIST
                           && i < val_len(old); i++)
            if (val_list_push(al, val_list_get(old, i)) != MIG_OK)
                n->st = MIG_ENOMEM;
        if (!al || val_list_push(al, v) != MIG_OK)
            n->st = MIG_ENOMEM;
        put_take(n, "aliases", al);
    } else if (field(n, "aliases")) {
        put(n, "aliases", field(n, "aliases"));
    }
    strbuf_free(&b);
}

/* ---- the parts of a tool ------------------------------------------------ */

static const char *const transports[] = {
    "http", "stdio", "streamable-http", "sse", "prompt", "function",
};

/* Keeps the keys of SRC listed in KEYS in a new map *OUT; the others go to
 * *REST (a new map, or NULL when there are none). */
static mig_status_t split(const val_t *src, const char *const *keys,
                          size_t nkeys, val_t **out, val_t **rest)
{
    *out = val_map_new(val_len(src));
    *rest = NULL;
    if (!*out)
        return MIG_ENOMEM;
    for (size_t i = 0; i < val_len(src); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(src, i), &len);
        val_t *v = val_map_value(src, i);
        bool known = false;
        for (size_t j = 0; j < nkeys && !known; j++)
            known = strlen(keys[j]) == len && memcmp(keys[j], k, len) == 0;
        if (val_type(v) == VAL_NULL)
            continue;
        val_t *to = *out;
        if (!known && !*rest && !(*rest = val_map_new(2)))
            return MIG_ENOMEM;
        if (!known)
            to = *rest;
        if (val_map_set(to, k, len, v) != MIG_OK)
            return MIG_ENOMEM;
    }
    return MIG_OK;
}

/* The names of the keys of M, for a change line. */
static void key_list(const val_t *m, strbuf_t *b)
{
    for (size_t i = 0; m && i < val_len(m); i++)
        strbuf_printf(b, "%s%s", i ? ", " : "",
                      val_get_str(val_map_key(m, i), NULL));
}

/* Adds REST (taken) to CONFIG under KEY, with a change line. */
static void to_config(norm_t *n, val_t *config, const char *key, val_t *rest,
                      const char *what)
{
    if (!rest)
        return;
    strbuf_t b;
    strbuf_init(&b);
    key_list(rest, &b);
    norm_change(&n->ch, "%s: %s (%s) kept in config.%s", key, what,
                b.data ? b.data : "", key);
    strbuf_free(&b);
    if (val_map_set_take(config, key, strlen(key), rest) != MIG_OK)
        n->st = MIG_ENOMEM;
}

static void tool_annotations(norm_t *n, val_t *config)
{
    static const char *const keys[] = {
        "title", "readOnlyHint", "destructiveHint", "idempotentHint",
        "openWorldHint",
    };
    val_t *a = field(n, "annotations"), *kept = NULL, *rest = NULL;
    if (!a)
        return;
    if (val_type(a) != VAL_MAP) {
        norm_change(&n->ch, "annotations: not a map (kept in "
                    "config.annotations)");
        if (val_map_set(config, "annotations", 11, a) != MIG_OK)
            n->st = MIG_ENOMEM;
        return;
    }
    if (split(a, keys, 5, &kept, &rest) != MIG_OK)
        n->st = MIG_ENOMEM;
    for (size_t i = 1; kept && i < 5; i++) {
        val_t *h = val_map_get(kept, keys[i], strlen(keys[i]));
        if (h && val_type(h) != VAL_BOOL) {
            bool yes = val_type(h) == VAL_STRING
                       && strcmp(val_get_str(h, NULL), "true") == 0;
            norm_change(&n->ch, "annotations.%s: not a boolean, read as %s",
                        keys[i], yes ? "true" : "false");
            if (val_map_set_take(kept, keys[i], strlen(keys[i]),
                                 val_bool(yes)) != MIG_OK)
                n->st = MIG_ENOMEM;
        }
    }
    if (kept && val_len(kept))
        put(n, "annotations", kept);
    val_unref(kept);
    to_config(n, config, "annotations", rest, "hints MCP does not define");
}

static void tool_endpoint(norm_t *n, val_t *config)
{
    static const char *const keys[] = {
        "transport", "url", "method", "path", "server",
    };
    val_t *e = field(n, "endpoint"), *kept = NULL, *rest = NULL;
    if (!e || val_type(e) != VAL_MAP)
        return;
    if (split(e, keys, 5, &kept, &rest) != MIG_OK)
        n->st = MIG_ENOMEM;
    const char *t = kept ? tools_get_str(kept, "transport") : NULL;
    bool known = false;
    for (size_t i = 0; t && i < sizeof transports / sizeof *transports; i++)
        known = known || strcmp(t, transports[i]) == 0;
    val_t *m = kept ? tools_get(kept, "method", VAL_STRING) : NULL;
    if (m) {
        char up[16];
        size_t len;
        const char *s = val_get_str(m, &len);
        for (size_t i = 0; i < len && i < sizeof up - 1; i++)
            up[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
        up[len < sizeof up - 1 ? len : sizeof up - 1] = '\0';
        if (strcmp(up, s) != 0) {
            norm_change(&n->ch, "endpoint.method: '%s' read as '%s'", s, up);
            if (val_map_set_take(kept, "method", 6, val_cstring(up)) != MIG_OK)
                n->st = MIG_ENOMEM;
        }
    }
    if (!known) {
        norm_change(&n->ch, "endpoint: %s%s%s (kept in config.endpoint)",
                    t ? "unknown transport '" : "no transport",
                    t ? t : "", t ? "'" : "");
        if (kept && val_map_set(config, "endpoint", 8, e) != MIG_OK)
            n->st = MIG_ENOMEM;
        val_unref(kept);
        val_unref(rest);
        return;
    }
    put_take(n, "endpoint", kept);
    to_config(n, config, "endpoint", rest, "fields with no place");
}

/* auth spellings as sources write them. */
static const struct { const char *from, *to; } auth_types[] = {
    { "none", "none" }, { "bearer", "bearer" }, { "basic", "basic" },
    { "api-key", "api-key" }, { "apiKey", "api-key" },
    { "api_key", "api-key" }, { "service_http", "bearer" },
    { "user_http", "bearer" }, { "oauth", "oauth2" }, { "oauth2", "oauth2" },
    { "http", "bearer" },
};

/* Whether REF is a reference the descriptor takes: env:NAME or
 * secret:NAME, NAME of letters, digits and _ . / - (v2-descriptor). */
static bool ref_fits(const val_t *ref)
{
    const char *s = val_type(ref) == VAL_STRING ? val_get_str(ref, NULL)
                                                : NULL;
    const char *name = !s                           ? NULL
                       : strncmp(s, "env:", 4) == 0    ? s + 4
                       : strncmp(s, "secret:", 7) == 0 ? s + 7
                                                       : NULL;
    if (!name || !*name)
        return false;
    for (; *name; name++)
        if (!isalnum((unsigned char)*name) && !strchr("_./-", *name))
            return false;
    return true;
}

/* A ref of KEPT that is no env:NAME or secret:NAME (a template such as
 * secret:{api_key_REGISTRATION_ID}) moves to *REST, said in one line: the
 * descriptor keeps references only, and guesses none. */
static void auth_ref(norm_t *n, val_t *kept, val_t **rest)
{
    val_t *ref = val_map_get(kept, "ref", 3);
    if (!ref || ref_fits(ref))
        return;
    if (val_type(ref) == VAL_STRING)
        norm_change(&n->ch, "auth.ref: '%s' is not env:NAME or secret:NAME "
                    "(kept in config.auth)", val_get_str(ref, NULL));
    else
        norm_change(&n->ch, "auth.ref: a %s, not env:NAME or secret:NAME "
                    "(kept in config.auth)", val_type_name(val_type(ref)));
    if ((!*rest && !(*rest = val_map_new(1)))
        || val_map_set(*rest, "ref", 3, ref) != MIG_OK)
        n->st = MIG_ENOMEM;
    else
        val_map_delete(kept, "ref", 3);
}

static void tool_auth(norm_t *n, val_t *config)
{
    static const char *const keys[] = {
        "type", "scheme", "ref", "in", "name", "authorization_url",
        "token_url", "scopes",
    };
    val_t *a = field(n, "auth"), *kept = NULL, *rest = NULL;
    if (!a)
        return;
    if (val_type(a) != VAL_MAP
        || split(a, keys, 8, &kept, &rest) != MIG_OK) {
        norm_change(&n->ch, "auth: not a map (kept in config.auth)");
        if (val_map_set(config, "auth", 4, a) != MIG_OK)
            n->st = MIG_ENOMEM;
        val_unref(kept);
        val_unref(rest);
        return;
    }
    const char *t = tools_get_str(kept, "type");
    const char *to = NULL;
    for (size_t i = 0; t && i < sizeof auth_types / sizeof *auth_types; i++)
        if (strcmp(t, auth_types[i].from) == 0)
            to = auth_types[i].to;
    if (!to) {
        norm_change(&n->ch, "auth: %s%s%s (kept in config.auth)",
                    t ? "unknown type '" : "no type", t ? t : "",
                    t ? "'" : "");
        if (val_map_set(config, "auth", 4, a) != MIG_OK)
            n->st = MIG_ENOMEM;
        val_unref(kept);
        val_unref(rest);
        return;
    }
    if (strcmp(to, t) != 0) {
        norm_change(&n->ch, "auth.type: '%s' read as '%s'", t, to);
        if (!tools_get_str(kept, "scheme")
            && val_map_set_take(kept, "scheme", 6, val_cstring(t)) != MIG_OK)
            n->st = MIG_ENOMEM;
        if (val_map_set_take(kept, "type", 4, val_cstring(to)) != MIG_OK)
            n->st = MIG_ENOMEM;
    }
    auth_ref(n, kept, &rest);
    put_take(n, "auth", kept);
    to_config(n, config, "auth", rest, "fields with no place");
}

/* A list of strings member KEY copied; other items reported. */
static void copy_names(norm_t *n, const char *key)
{
    val_t *l = field(n, key);
    if (!l)
        return;
    val_t *out = val_list_new(0);
    for (size_t i = 0; out && val_type(l) == VAL_LIST && i < val_len(l); i++)
        if (val_type(val_list_get(l, i)) == VAL_STRING) {
            if (val_list_push(out, val_list_get(l, i)) != MIG_OK)
                n->st = MIG_ENOMEM;
        } else {
            norm_change(&n->ch, "%s[%zu]: not a name (dropped)", key, i);
        }
    if (val_type(l) != VAL_LIST)
        norm_change(&n->ch, "%s: not a list (dropped)", key);
    if (out && val_len(out))
        put_take(n, key, out);
    else
        val_unref(out);
}

/* config: the record's config, plus its extra fields under "extra". */
static val_t *start_config(norm_t *n)
{
    val_t *c = field(n, "config");
    val_t *config = c && val_type(c) == VAL_MAP ? val_copy(c)
                                                : val_map_new(2);
    if (c && val_type(c) != VAL_MAP)
        norm_change(&n->ch, "config: not a map (kept in config.value)");
    if (config && c && val_type(c) != VAL_MAP
        && val_map_set(config, "value", 5, c) != MIG_OK)
        n->st = MIG_ENOMEM;
    val_t *extra = field(n, "extra");
    if (config && extra && val_len(extra)) {
        strbuf_t b;
        strbuf_init(&b);
        if (val_type(extra) == VAL_MAP)
            key_list(extra, &b);
        norm_change(&n->ch, "extra: fields with no place in a descriptor "
                    "(%s) kept in config.extra", b.data ? b.data : "");
        strbuf_free(&b);
        if (val_map_set(config, "extra", 5, extra) != MIG_OK)
            n->st = MIG_ENOMEM;
    }
    if (!config)
        n->st = MIG_ENOMEM;
    return config;
}

static void end_config(norm_t *n, val_t *config)
{
    if (config && val_len(config))
        put_take(n, "config", config);
    else
        val_unref(config);
}

static void schema_field(norm_t *n, const char *from, const char *to,
                         bool needed)
{
    val_t *in = field(n, from), *out = NULL;
    if (!in && !needed)
        return;
    mig_status_t st = norm_schema(in, to, true, &n->ch, &out);
    if (st != MIG_OK)
        n->st = st;
    else
        put_take(n, to, out);
}

/* Reports each non-null member of the record that is not in KEYS (nor a
 * "kind" naming KIND) as dropped. */
static void report_unknown(norm_t *n, const char *kind,
                           const char *const *keys, size_t nkeys)
{
    for (size_t i = 0; i < val_len(n->rec); i++) {
        const char *k = val_get_str(val_map_key(n->rec, i), NULL);
        const val_t *v = val_map_value(n->rec, i);
        bool known = val_type(v) == VAL_NULL
                     || (strcmp(k, "kind") == 0 && val_type(v) == VAL_STRING
                         && strcmp(val_get_str(v, NULL), kind) == 0);
        for (size_t j = 0; j < nkeys && !known; j++)
            known = strcmp(k, keys[j]) == 0;
        if (!known)
            norm_change(&n->ch, "%s: no place in a %s descriptor (dropped)",
                        k, kind);
    }
}

static void build_tool(norm_t *n)
{
    put_take(n, "kind", val_cstring("tool"));
    fit_name(n);
    copy_text(n, "title");
    if (field(n, "description")) {
        copy_text(n, "description");
    } else {
        norm_change(&n->ch, "description: none given, set to \"\"");
        put_take(n, "description", val_cstring(""));
    }
    if (!val_map_get(n->d, "description", 11))
        put_take(n, "description", val_cstring(""));
    schema_field(n, "parameters", "inputSchema", true);
    schema_field(n, "output", "outputSchema", false);
    copy_text(n, "version");
    val_t *config = start_config(n);
    if (config) {
        tool_annotations(n, config);
        tool_endpoint(n, config);
        tool_auth(n, config);
    }
    end_config(n, config);
    copy_names(n, "dependencies");
    static const char *const keys[] = {
        "name", "title", "description", "parameters", "output",
        "annotations", "endpoint", "auth", "config", "dependencies",
        "version", "extra", "provenance", "aliases",
    };
    report_unknown(n, "tool", keys, sizeof keys / sizeof *keys);
}

/* The other records: the keys of their descriptor copied as found; a key
 * with no place is reported (RAG backends keep them in config). */
static void build_other(norm_t *n, const char *kind,
                        const char *const *keys, size_t nkeys)
{
    put_take(n, "kind", val_cstring(kind));
    fit_name(n);
    bool rag = strcmp(kind, "rag") == 0;
    val_t *config = rag ? start_config(n) : NULL;
    for (size_t i = 0; i < nkeys; i++) {
        val_t *v = field(n, keys[i]);
        if (!v)
            continue;
        if (rag && strcmp(keys[i], "top_k") == 0
            && val_type(v) == VAL_STRING)
            norm_change(&n->ch, "top_k: the placeholder '%s' is not "
                        "resolved (left out; config and placeholders keep "
                        "it)", val_get_str(v, NULL));
        else if (strcmp(keys[i], "description") == 0
                 || strcmp(keys[i], "title") == 0
                 || strcmp(keys[i], "version") == 0)
            copy_text(n, keys[i]);
        else
            put(n, keys[i], v);
    }
    if (rag) {
        tool_auth(n, config);
        tool_endpoint(n, config);
        end_config(n, config);
    }
    const char *all[16] = { "name", "aliases", "provenance" };
    size_t n_all = 3;
    for (size_t i = 0; i < nkeys && n_all < 12; i++)
        all[n_all++] = keys[i];
    if (rag) {
        all[n_all++] = "extra";
        all[n_all++] = "config";
        all[n_all++] = "auth";
        all[n_all++] = "endpoint";
    }
    report_unknown(n, kind, all, n_all);
}

static void copy_provenance(norm_t *n)
{
    static const char *const keys[] = {
        "file", "pointer", "line", "format", "format_version", "digest",
    };
    val_t *p = field(n, "provenance"), *kept = NULL, *rest = NULL;
    if (!p || val_type(p) != VAL_MAP) {
        norm_change(&n->ch, "provenance: none given (the descriptor cannot "
                    "be valid)");
        return;
    }
    if (split(p, keys, 6, &kept, &rest) != MIG_OK)
        n->st = MIG_ENOMEM;
    if (rest) {
        strbuf_t b;
        strbuf_init(&b);
        key_list(rest, &b);
        norm_change(&n->ch, "provenance: %s dropped (not provenance fields)",
                    b.data ? b.data : "");
        strbuf_free(&b);
    }
    val_unref(rest);
    put_take(n, "provenance", kept);
    put_take(n, "status", val_cstring("active"));
}

/* ---- digest and validation ---------------------------------------------- */

mig_status_t tools_descriptor_digest(const val_t *d, char out[8 + BLOB_HEX])
{
    val_t *c = val_copy(d);
    if (!c)
        return MIG_ENOMEM;
    static const char *const skip[] = { "digest", "created", "updated",
                                        "status" };
    for (size_t i = 0; i < 4; i++)
        val_map_delete(c, skip[i], strlen(skip[i]));
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = val_to_json(c, &b, VAL_JSON_SORTED);
    val_unref(c);
    if (st == MIG_OK && b.oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK) {
        memcpy(out, "blake2b:", 8);
        blobs_hash(b.data, b.len, out + 8);
    }
    strbuf_free(&b);
    return st;
}

/* Validates D as the registry will store it (created and updated set);
 * the violations go to ERRORS. */
static mig_status_t validate(const val_t *d, const char *kind,
                             val_t *errors)
{
    val_t *c = val_copy(d);
    if (!c)
        return MIG_ENOMEM;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    mig_status_t st = val_map_set_take(c, "created", 7, val_cstring(now));
    if (st == MIG_OK)
        st = val_map_set_take(c, "updated", 7, val_cstring(now));
    if (st == MIG_OK)
        st = registry_validate(c, kind, errors);
    val_unref(c);
    return st;
}

/* ---- the action --------------------------------------------------------- */

static const char *const server_keys[] = {
    "title", "description", "version", "transport", "packages", "remotes",
    "env",
};
static const char *const rag_keys[] = {
    "description", "retriever", "store", "embedding", "top_k", "chunking",
    "placeholders",
};

/* The record's kind: KIND given, its "kind", or guessed from its keys. */
static const char *record_kind(const val_t *rec, const char *kind)
{
    const char *own = tools_get_str(rec, "kind");
    if (!kind && own && (strcmp(own, "tool") == 0
                         || strcmp(own, "server") == 0
                         || strcmp(own, "rag") == 0))
        kind = own;
    if (kind)
        return kind;
    static const char *const rag[] = { "retriever", "store", "embedding",
                                       "top_k", "chunking" };
    static const char *const server[] = { "packages", "remotes",
                                          "transport" };
    for (size_t i = 0; i < 5; i++)
        if (val_map_get(rec, rag[i], strlen(rag[i])))
            return "rag";
    for (size_t i = 0; i < 3; i++)
        if (val_map_get(rec, server[i], strlen(server[i])))
            return "server";
    return "tool";
}

mig_status_t tools_normalize(const val_t *rec, const char *kind,
                             val_t **descriptor, val_t **changes,
                             val_t *errors)
{
    norm_t n = { .rec = rec, .d = val_map_new(16) };
    n.ch.lines = val_list_new(0);
    *descriptor = *changes = NULL;
    kind = record_kind(rec, kind);
    if (!n.d || !n.ch.lines)
        n.st = MIG_ENOMEM;
    else if (strcmp(kind, "tool") == 0)
        build_tool(&n);
    else if (strcmp(kind, "server") == 0)
        build_other(&n, "server", server_keys, 7);
    else
        build_other(&n, "rag", rag_keys, 7);
    if (n.st == MIG_OK)
        copy_provenance(&n);
    char digest[8 + BLOB_HEX];
    if (n.st == MIG_OK && !n.ch.oom)
        n.st = tools_descriptor_digest(n.d, digest);
    if (n.st == MIG_OK)
        put_take(&n, "digest", val_cstring(digest));
    if (n.st == MIG_OK)
        n.st = validate(n.d, kind, errors);
    if (n.st == MIG_OK && n.ch.oom)
        n.st = MIG_ENOMEM;
    if (n.st != MIG_OK) {
        val_unref(n.d);
        val_unref(n.ch.lines);
        return n.st;
    }
    *descriptor = n.d;
    *changes = n.ch.lines;
    return MIG_OK;
}
