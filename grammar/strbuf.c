/* strbuf.c: a growable byte buffer for dumps, messages and exports. */
#include "grammar.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(strbuf_t *b)
{
    memset(b, 0, sizeof(*b));
}

void strbuf_free(strbuf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

static bool strbuf_reserve(strbuf_t *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->cap - b->len > extra)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len <= extra) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *grown = realloc(b->data, cap);
    if (!grown) {
        b->oom = true;
        return false;
    }
    b->data = grown;
    b->cap = cap;
    return true;
}

void strbuf_put(strbuf_t *b, const char *s, size_t n)
{
    if (!strbuf_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* The largest cut <= AT of S that falls on a character boundary. */
static size_t char_start(const char *s, size_t at)
{
    while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
        at--;
    return at;
}

void strbuf_put_clipped(strbuf_t *b, const char *s, size_t n, size_t max)
{
    if (n <= max) {
        strbuf_put(b, s, n);
        return;
    }
    size_t room = max > 48 ? max - 48 : 0;    /* the marker's bytes */
    size_t head = char_start(s, room * 2 / 3);
    size_t tail = char_start(s, n - (room - room * 2 / 3));
    strbuf_put(b, s, head);
    strbuf_printf(b, "[... %zu bytes left out ...]", tail - head);
    strbuf_put(b, s + tail, n - tail);
}

void strbuf_puts(strbuf_t *b, const char *s)
{
    strbuf_put(b, s, strlen(s));
}

void strbuf_putc(strbuf_t *b, char c)
{
    strbuf_put(b, &c, 1);
}

void strbuf_vprintf(strbuf_t *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n >= 0 && strbuf_reserve(b, (size_t)n)) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
}

void strbuf_printf(strbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

void strbuf_put_quoted(strbuf_t *b, const char *s, size_t n)
{
    strbuf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':  strbuf_puts(b, "\\\""); break;
        case '\\': strbuf_puts(b, "\\\\"); break;
        case '$':  strbuf_puts(b, "\\$"); break;
        case '\n': strbuf_puts(b, "\\n"); break;
        case '\t': strbuf_puts(b, "\\t"); break;
        case '\r': strbuf_puts(b, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                strbuf_printf(b, "\\u{%x}", c);
            else
                strbuf_putc(b, (char)c);
        }
    }
    strbuf_putc(b, '"');
}

void strbuf_put_duration(strbuf_t *b, int64_t ms)
{
    static const struct { uint64_t ms; const char *unit; } units[] = {
        { 3600000, "h" }, { 60000, "m" }, { 1000, "s" }, { 1, "ms" },
    };
    if (ms == 0) {
        strbuf_puts(b, "0s");
        return;
    }
    uint64_t left = ms < 0 ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;
    if (ms < 0)
        strbuf_putc(b, '-');
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (left >= units[i].ms) {
            strbuf_printf(b, "%" PRIu64 "%s", left / units[i].ms,
                          units[i].unit);
            left %= units[i].ms;
        }
    }
}

size_t double_text(double d, char buf[DOUBLE_TEXT_MAX])
{
    /* For a normal double 15 digits always do, and %g drops trailing
     * zeros, so starting at 15 finds the shortest; subnormals have fewer
     * digits to give. */
    int from = d != 0 && fabs(d) < DBL_MIN ? 1 : 15;
    for (int prec = from; prec <= 17; prec++) {
        snprintf(buf, DOUBLE_TEXT_MAX, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    char *e = strchr(buf, 'e');
    if (e) {
        char *r = e + 1, *w = e + 1;
        if (*r == '+' || *r == '-')
            *w++ = *r++;
        while (*r == '0' && r[1])
            r++;
        memmove(w, r, strlen(r) + 1);
    } else if (!strchr(buf, '.')) {
        strcat(buf, ".0");
    }
    return strlen(buf);
}
