/* tools_out.c: what every reader uses to build its output (tools_int.h):
 * the record lists, problems, provenance and JSON pointers, and small
 * typed getters for the parsed documents. Out of memory sets OUT->oom;
 * tools.c checks it once, after the reader. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tools_int.h"

void tools_out_init(tools_out_t *out)
{
    memset(out, 0, sizeof *out);
    out->tools = val_list_new(0);
    out->servers = val_list_new(0);
    out->backends = val_list_new(0);
    out->problems = val_list_new(0);
    out->oom = !out->tools || !out->servers || !out->backends ||
               !out->problems;
}

void tools_out_free(tools_out_t *out)
{
    val_unref(out->tools);
    val_unref(out->servers);
    val_unref(out->backends);
    val_unref(out->problems);
    memset(out, 0, sizeof *out);
}

/* Sets KEY of M to V (taken); false when out of memory. */
static bool put(val_t *m, const char *key, val_t *v)
{
    return v && val_map_set_take(m, key, strlen(key), v) == MIG_OK;
}

void tools_problem(tools_out_t *out, const char *severity,
                   const char *pointer, unsigned line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    val_t *p = val_map_new(4);
    bool ok = p && put(p, "severity", val_cstring(severity)) &&
              put(p, "message", val_cstring(msg)) &&
              put(p, "pointer", pointer ? val_cstring(pointer) : val_null()) &&
              (line == 0 || put(p, "line", val_int(line)));
    if (!ok)
        val_unref(p);
    /* push_take consumes P, also when it fails. */
    if (!ok || val_list_push_take(out->problems, p) != MIG_OK)
        out->oom = true;
}

val_t *tools_provenance(const tools_file_t *f, const char *format,
                        const char *version, const char *pointer,
                        unsigned line)
{
    val_t *p = val_map_new(6);
    bool ok = p && put(p, "file", val_cstring(f->path)) &&
              put(p, "pointer", val_cstring(pointer ? pointer : "")) &&
              (line == 0 || put(p, "line", val_int(line))) &&
              put(p, "format", val_cstring(format)) &&
              (!version || put(p, "format_version", val_cstring(version))) &&
              put(p, "digest", val_cstring(f->digest));
    if (!ok) {
        val_unref(p);
        return NULL;
    }
    return p;
}

void tools_pointer_key(strbuf_t *b, const char *key, size_t len)
{
    val_pointer_key(b, key, len);
}

void tools_pointer_index(strbuf_t *b, size_t i)
{
    strbuf_printf(b, "/%zu", i);
}

void tools_add_take(tools_out_t *out, const char *kind, val_t *rec)
{
    val_t *list = strcmp(kind, "tool") == 0     ? out->tools
                  : strcmp(kind, "server") == 0 ? out->servers
                                                : out->backends;
    if (!rec || val_list_push_take(list, rec) != MIG_OK)
        out->oom = true;
}

val_t *tools_tool_new(void)
{
    static const char *const keys[] = {
        "name", "title", "description", "parameters", "output", "annotations",
        "endpoint", "auth", "config", "dependencies", "version", NULL,
    };
    val_t *rec = val_map_new(13);
    for (size_t i = 0; rec && keys[i]; i++)
        if (!put(rec, keys[i], val_null())) {
            val_unref(rec);
            return NULL;
        }
    if (rec && !put(rec, "extra", val_map_new(0))) {
        val_unref(rec);
        return NULL;
    }
    return rec;
}

void tools_set(tools_out_t *out, val_t *rec, const char *key, val_t *v)
{
    if (!put(rec, key, v))
        out->oom = true;
}

val_t *tools_endpoint(const char *transport)
{
    val_t *ep = val_map_new(1);
    if (ep && !put(ep, "transport", val_cstring(transport))) {
        val_unref(ep);
        return NULL;
    }
    return ep;
}

void tools_copy(tools_out_t *out, val_t *dst, const char *key,
                const val_t *src, const char *from)
{
    val_t *v = tools_member(src, from);
    if (v && (!dst || val_map_set(dst, key, strlen(key), v) != MIG_OK))
        out->oom = true;
}

void tools_extra(tools_out_t *out, val_t *rec, const val_t *src,
                 const char *const *known)
{
    val_t *extra = val_map_get(rec, "extra", 5);
    if (!extra || val_type(src) != VAL_MAP)
        return;
    for (size_t i = 0; i < val_len(src); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(src, i), &len);
        bool skip = false;
        for (size_t j = 0; known[j] && !skip; j++)
            skip = strlen(known[j]) == len && memcmp(known[j], k, len) == 0;
        if (!skip && val_map_set(extra, k, len, val_map_value(src, i)) != MIG_OK)
            out->oom = true;
    }
}

val_t *tools_get(const val_t *m, const char *key, val_type_t type)
{
    if (!m || val_type(m) != VAL_MAP)
        return NULL;
    val_t *v = val_map_get(m, key, strlen(key));
    return v && val_type(v) == type ? v : NULL;
}

val_t *tools_member(const val_t *m, const char *key)
{
    return m && val_type(m) == VAL_MAP ? val_map_get(m, key, strlen(key)) : NULL;
}

const char *tools_get_str(const val_t *m, const char *key)
{
    val_t *v = tools_get(m, key, VAL_STRING);
    return v ? val_get_str(v, NULL) : NULL;
}
