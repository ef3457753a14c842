/* rag_template.c: RAG configurations written as Jinja or Helm templates
 * (rag_int.h). A value that starts with {{ }} is no YAML scalar (YAML
 * reads "{{" as a flow map), and a {% %} line is no YAML at all, so the
 * loader (tools_file.c) keeps such a file as plain text. The RAG readers
 * read it again with each such value quoted and each {% %} line left
 * out; nothing is resolved, and the placeholders are listed as usual. */
#include <string.h>

#include "rag_int.h"

/* Whether the line L (LEN bytes, no newline) holds only a {% %} tag. */
static bool tag_line(const char *l, size_t len)
{
    while (len && (*l == ' ' || *l == '\t')) {
        l++;
        len--;
    }
    while (len && (l[len - 1] == ' ' || l[len - 1] == '\t' ||
                   l[len - 1] == '\r'))
        len--;
    return len >= 4 && strncmp(l, "{%", 2) == 0 &&
           strncmp(l + len - 2, "%}", 2) == 0;
}

/* Where the value of line L (LEN bytes) starts with "{{": after "KEY: "
 * or "- ", nothing but blanks between; else NULL. */
static const char *template_value(const char *l, size_t len)
{
    const char *p = NULL;
    for (size_t i = 0; !p && i + 1 < len; i++)
        if (l[i] == '{' && l[i + 1] == '{')
            p = l + i;
    if (!p)
        return NULL;
    const char *q = p;
    while (q > l && (q[-1] == ' ' || q[-1] == '\t'))
        q--;
    if (q == p || q == l)
        return NULL;
    if (q[-1] == ':')
        return p;
    if (q[-1] != '-')
        return NULL;
    for (const char *s = l; s < q - 1; s++)
        if (*s != ' ' && *s != '\t')
            return NULL;
    return p;
}

/* Appends line L (LEN bytes) to B, its template value V (when not NULL)
 * quoted as a YAML double-quoted scalar. */
static void put_line(strbuf_t *b, const char *l, size_t len, const char *v)
{
    if (!v) {
        strbuf_put(b, l, len);
        return;
    }
    size_t end = len;
    while (end > (size_t)(v - l) && (l[end - 1] == ' ' || l[end - 1] == '\t'
                                     || l[end - 1] == '\r'))
        end--;
    /* A comment after the last }} stays a comment. */
    const char *close = NULL;
    for (const char *s = v; s + 1 < l + end; s++)
        if (s[0] == '}' && s[1] == '}')
            close = s + 2;
    const char *hash = close ? strstr(close, " #") : NULL;
    const char *comment = hash && hash < l + end ? hash : NULL;
    if (comment)
        end = (size_t)(comment - l);
    strbuf_put(b, l, (size_t)(v - l));
    strbuf_putc(b, '"');
    for (const char *s = v; s < l + end; s++) {
        if (*s == '"' || *s == '\\')
            strbuf_putc(b, '\\');
        strbuf_putc(b, *s);
    }
    strbuf_putc(b, '"');
    if (comment)
        strbuf_put(b, comment, (size_t)(l + len - comment));
}

val_t *rag_template_doc(const tools_file_t *f, tools_out_t *out,
                       size_t *values, size_t *tags)
{
    *values = *tags = 0;
    if (!f->syntax || strcmp(f->syntax, "text") != 0 || !f->bytes ||
        (!strstr(f->bytes, "{{") && !strstr(f->bytes, "{%")))
        return NULL;
    strbuf_t b;
    strbuf_init(&b);
    for (const char *l = f->bytes; l < f->bytes + f->len;) {
        const char *nl = memchr(l, '\n', (size_t)(f->bytes + f->len - l));
        size_t len = nl ? (size_t)(nl - l) : (size_t)(f->bytes + f->len - l);
        const char *v = template_value(l, len);
        if (tag_line(l, len)) {
            (*tags)++;
        } else {
            put_line(&b, l, len, v);
            *values += v != NULL;
        }
        strbuf_putc(&b, '\n');
        l += len + 1;
    }
    val_t *doc = NULL;
    src_t *src = (*values || *tags) && !b.oom
                     ? src_from_memory(f->path, b.data, b.len) : NULL;
    if (src) {
        diag_list_t d;
        diag_list_init(&d);
        val_t *docs = NULL;
        if (val_from_yaml_lenient(src, &d, &docs) == MIG_OK &&
            val_len(docs) > 0 &&
            val_type(val_list_get(docs, 0)) == VAL_MAP)
            doc = val_ref(val_list_get(docs, 0));
        /* Lenient reading's warnings (a key in both branches of an if),
         * with the lines of the file as it is read here. */
        for (size_t i = 0; doc && out && i < d.len; i++)
            if (d.items[i].severity == DIAG_WARNING)
                tools_problem(out, "warning", NULL, d.items[i].has_span
                              ? d.items[i].span.line : 0, "YAML: %s",
                              d.items[i].message);
        val_unref(docs);
        diag_list_free(&d);
        src_free(src);
    }
    strbuf_free(&b);
    return doc;
}
