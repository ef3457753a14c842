/* source_text.c: the JSON strings of the mig-graph format, and the source
 * text of expressions in them, on one line as graph_put_source writes it
 * (interpreter.h). Export writes this text and import prints it back into
 * a plan, so a plan goes through the pair unchanged. */
#include <string.h>

#include "mig_graph_int.h"

void mgraph_put_json_str(strbuf_t *b, const char *s, size_t len)
{
    strbuf_putc(b, '"');
    for (size_t i = 0; i < len;) {
        unsigned char ch = (unsigned char)s[i];
        size_t n = utf8_char_len((const unsigned char *)s + i, len - i);
        if (ch == '"' || ch == '\\') {
            strbuf_putc(b, '\\');
            strbuf_putc(b, (char)ch);
        } else if (ch == '\n') {
            strbuf_puts(b, "\\n");
        } else if (ch == '\t') {
            strbuf_puts(b, "\\t");
        } else if (ch < 0x20 || ch == 0x7f) {
            strbuf_printf(b, "\\u%04x", ch);
        } else if (ch >= 0x80 && n == 1) {
            strbuf_puts(b, "\\ufffd");
        } else {
            strbuf_put(b, s + i, n);
        }
        i += n;
    }
    strbuf_putc(b, '"');
}

void mgraph_put_json_cstr(strbuf_t *b, const char *s)
{
    mgraph_put_json_str(b, s, strlen(s));
}

void mgraph_put_json_span(strbuf_t *b, const src_t *src,
                          const src_span_t *span)
{
    strbuf_t t;
    strbuf_init(&t);
    graph_put_source(&t, src->text + span->begin, span->end - span->begin);
    if (t.oom)
        b->oom = true;
    mgraph_put_json_str(b, t.data ? t.data : "", t.len);
    strbuf_free(&t);
}
