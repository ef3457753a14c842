/* rag_record.c: the backend records of the RAG readers (rag_int.h): the
 * record's skeleton, the placeholders a templated file leaves unresolved
 * (listed, never resolved), literal secrets kept out of `config`, and
 * auth references. reader_rag.c fills the format-specific keys. */
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "rag_int.h"

/* Sets KEY of M to V (taken); false when out of memory. */
static bool put(val_t *m, const char *key, val_t *v)
{
    return v && val_map_set_take(m, key, strlen(key), v) == MIG_OK;
}

val_t *rag_at(const val_t *m, const char *path)
{
    const val_t *v = m;
    while (v && *path) {
        const char *end = strchr(path, '/');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        v = val_type(v) == VAL_MAP ? val_map_get(v, path, len) : NULL;
        path += len + (end != NULL);
    }
    return (val_t *)v;
}

void rag_put(tools_out_t *out, val_t *rec, const char *key, const val_t *v)
{
    if (v && !put(rec, key, val_ref((val_t *)v)))
        out->oom = true;
}

void rag_put_str(tools_out_t *out, val_t *rec, const char *key,
                 const char *s)
{
    if (s && !put(rec, key, val_cstring(s)))
        out->oom = true;
}

void rag_put_top_k(tools_out_t *out, val_t *rec, const val_t *v,
                   const char *pointer)
{
    if (!v || val_type(v) == VAL_NULL)
        return;
    const char *t = val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
    if ((val_type(v) == VAL_NUMBER && val_is_int(v) && val_get_int(v) > 0) ||
        (t && (rag_is_placeholder(t) ||
               (strstr(t, "{{") && strstr(strstr(t, "{{"), "}}")))))
        rag_put(out, rec, "top_k", v);
    else
        tools_problem(out, "warning", pointer, 0, "%s is a %s, not a positive "
                      "integer: top_k left null (the value stays in config)",
                      pointer, val_type_name(val_type(v)));
}

val_t *rag_map(tools_out_t *out, ...)
{
    va_list ap;
    va_start(ap, out);
    val_t *m = NULL;
    for (const char *k; (k = va_arg(ap, const char *));) {
        const val_t *v = va_arg(ap, const val_t *);
        if (!v || val_type(v) == VAL_NULL)
            continue;
        if (!m && !(m = val_map_new(4)))
            break;
        if (!put(m, k, val_ref((val_t *)v)))
            out->oom = true;
    }
    va_end(ap);
    return m;
}

bool rag_is_placeholder(const char *s)
{
    const char *p = s ? strstr(s, "${") : NULL;
    return p && strchr(p, '}');
}

/* Whether the map key K (LEN bytes) names a credential: it contains, in
 * any case, one of the words below, or ends in "token" ("hf_token", but
 * not "tokenizer" or "max_tokens"); docs/legacy-formats.md. */
static bool is_secret_key(const char *k, size_t len)
{
    static const char *const words[] = {
        "password", "passwd", "secret", "api_key", "apikey", "access_key",
        "private_key", "connection_string", "credential", NULL,
    };
    char low[64];
    if (len >= sizeof low)
        len = sizeof low - 1;
    for (size_t i = 0; i < len; i++)
        low[i] = (char)((k[i] >= 'A' && k[i] <= 'Z') ? k[i] + 32 : k[i]);
    low[len] = '\0';
    for (size_t i = 0; words[i]; i++)
        if (strstr(low, words[i]))
            return true;
    return len >= 5 && strcmp(low + len - 5, "token") == 0;
}

/* The first variable name of the placeholder text "${NAME...}" into B. */
static void first_var(strbuf_t *b, const char *s)
{
    const char *p = strstr(s, "${");
    if (!p)
        return;
    p += 2;
    size_t n = strcspn(p, ":,}-");
    strbuf_put(b, p, n);
}

val_t *rag_auth(tools_out_t *out, const val_t *v, const char *scheme)
{
    val_t *ref = NULL;
    bool literal = false;
    const val_t *vars = tools_get(v, "env_vars", VAL_LIST);
    const char *type = tools_get_str(v, "type");
    if (type && strcmp(type, "env_var") == 0 && vars && val_len(vars) &&
        val_type(val_list_get(vars, 0)) == VAL_STRING) {
        strbuf_t b;
        strbuf_init(&b);
        strbuf_printf(&b, "env:%s", val_get_str(val_list_get(vars, 0), NULL));
        ref = b.oom ? NULL : val_string(b.data, b.len);
        strbuf_free(&b);
        if (!ref)
            out->oom = true;
    } else if (val_type(v) == VAL_STRING &&
               rag_is_placeholder(val_get_str(v, NULL))) {
        strbuf_t b;
        strbuf_init(&b);
        strbuf_puts(&b, "env:");
        first_var(&b, val_get_str(v, NULL));
        ref = b.oom ? NULL : val_string(b.data, b.len);
        strbuf_free(&b);
        if (!ref)
            out->oom = true;
    } else if (val_type(v) == VAL_STRING && val_len(v) > 0) {
        literal = true;     /* a value, never copied: no ref */
    }
    if (!ref && !literal)
        return NULL;
    val_t *a = val_map_new(3);
    bool ok = a && put(a, "type", val_cstring("api-key")) &&
              put(a, "scheme", val_cstring(scheme)) &&
              (!ref || put(a, "ref", val_ref(ref)));
    val_unref(ref);
    if (!ok) {
        val_unref(a);
        out->oom = true;
        return NULL;
    }
    return a;
}

/* ---- placeholders -------------------------------------------------------- */

/* Whether key K (LEN bytes) holds a prompt template: its {{ }} are the
 * template's own variables, filled at query time, not the file's. */
static bool is_template_key(const char *k, size_t len)
{
    static const char *const ends[] = { "template", "prompt", NULL };
    for (size_t i = 0; ends[i]; i++) {
        size_t n = strlen(ends[i]);
        if (len >= n && strncasecmp(k + len - n, ends[i], n) == 0)
            return true;
    }
    return false;
}

/* Appends the placeholder TEXT (LEN bytes: "${A,B:-x}" or "{{ x }}") to
 * LIST unless it is there already. */
static void add_placeholder(tools_out_t *out, val_t *list, const char *text,
                            size_t len)
{
    for (size_t i = 0; i < val_len(list); i++) {
        size_t n;
        const char *s = val_get_str(val_list_get(list, i), &n);
        if (n == len && memcmp(s, text, len) == 0)
            return;
    }
    if (val_list_push_take(list, val_string(text, len)) != MIG_OK)
        out->oom = true;
}

/* Lists the placeholders of the string S into LIST; {{ }}
 * only when TEMPLATES is false (not inside a prompt template). */
static void scan_string(tools_out_t *out, val_t *list, const char *s,
                        bool templates)
{
    for (const char *p = s; *p;) {
        const char *d = strstr(p, "${");
        const char *c = templates ? NULL : strstr(p, "{{");
        const char *at = d && (!c || d < c) ? d : c;
        if (!at)
            break;
        const char *close = at == d ? strchr(at, '}') : strstr(at + 2, "}}");
        if (!close)
            break;
        size_t len = (size_t)(close - at) + (at == d ? 1 : 2);
        add_placeholder(out, list, at, len);
        p = at + len;
    }
}

/* Walks V at pointer B: lists its placeholders into LIST, and gives a
 * copy of V whose credential-named literal strings are replaced by
 * "<redacted>", with a warning each. IN_TEMPLATE: V is inside a prompt
 * template. DEPTH is bounded by VAL_MAX_DEPTH (the readers refuse
 * deeper documents). */
static val_t *walk(tools_out_t *out, val_t *list, const val_t *v,
                   strbuf_t *b, bool in_template)
{
    size_t mark = b->len;
    if (val_type(v) == VAL_STRING) {
        scan_string(out, list, val_get_str(v, NULL), in_template);
        return val_ref((val_t *)v);
    }
    if (val_type(v) == VAL_LIST) {
        val_t *l = val_list_new(val_len(v));
        for (size_t i = 0; l && i < val_len(v); i++) {
            tools_pointer_index(b, i);
            strbuf_putc(b, '\0');
            b->len--;
            val_t *c = walk(out, list, val_list_get(v, i), b, in_template);
            b->len = mark;
            if (!c || val_list_push_take(l, c) != MIG_OK)
                out->oom = true;
        }
        return l;
    }
    if (val_type(v) != VAL_MAP)
        return val_ref((val_t *)v);
    val_t *m = val_map_new(val_len(v));
    for (size_t i = 0; m && i < val_len(v); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(v, i), &len);
        const val_t *x = val_map_value(v, i);
        tools_pointer_key(b, k, len);
        strbuf_putc(b, '\0');
        b->len--;
        val_t *c;
        if (val_type(x) == VAL_STRING && val_len(x) > 0 &&
            is_secret_key(k, len) &&
            !rag_is_placeholder(val_get_str(x, NULL))) {
            const char *ptr = b->data ? b->data : "";
            tools_problem(out, "warning", ptr, 0, "%s holds a secret's "
                          "value: not copied (\"<redacted>\" in config)",
                          ptr);
            c = val_cstring("<redacted>");
        } else {
            c = walk(out, list, x, b, in_template || is_template_key(k, len));
        }
        b->len = mark;
        if (!c || val_map_set_take(m, k, len, c) != MIG_OK)
            out->oom = true;
    }
    return m;
}

/* The file's name without its folder and its extensions ("a/b.v2.yml":
 * "b.v2"; a ".template" suffix is dropped first). */
static val_t *stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 9 && strcmp(base + len - 9, ".template") == 0)
        len -= 9;
    const char *dot = NULL;
    for (size_t i = 1; i < len; i++)
        if (base[i] == '.')
            dot = base + i;
    return val_string(base, dot ? (size_t)(dot - base) : len);
}

val_t *rag_record_new(const tools_file_t *f, tools_out_t *out,
                      const char *format, const char *version)
{
    static const char *const keys[] = {
        "description", "retriever", "store", "embedding", "top_k", "chunking",
        "endpoint", "auth", NULL,
    };
    val_t *rec = val_map_new(14);
    bool ok = rec && put(rec, "name", stem(f->path));
    for (size_t i = 0; ok && keys[i]; i++)
        ok = put(rec, keys[i], val_null());
    val_t *list = ok ? val_list_new(0) : NULL;
    strbuf_t b;
    strbuf_init(&b);
    val_t *config = list ? walk(out, list, f->doc, &b, false) : NULL;
    ok = config && !b.oom && put(rec, "placeholders", val_ref(list)) &&
         put(rec, "config", val_ref(config)) &&
         put(rec, "extra", val_map_new(0)) &&
         put(rec, "provenance", tools_provenance(f, format, version, "", 0));
    strbuf_free(&b);
    val_unref(list);
    val_unref(config);
    if (!ok) {
        val_unref(rec);
        out->oom = true;
        return NULL;
    }
    return rec;
}
