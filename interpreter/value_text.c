/* value_text.c: the text side of values that the JSON and YAML readers and
 * writers share: the canonical form (val_format), numbers and durations as
 * text, integer literals beyond 2^53, UTF-8 checks, string quoting, and the
 * cursor that turns reader positions into file:line:col spans.
 * Number text assumes the C numeric locale (mig never changes it). */
#include "interpreter_int.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 ------------------------------------------------------------- */

bool val_utf8_valid(const char *s, size_t len)
{
    /* Well-formed means what the scanner means: utf8_char_len (grammar)
     * counts a byte alone exactly when it is not part of a valid
     * sequence. */
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_char_len(p + i, len - i);
        if (n == 1)
            return false;
        i += n;
    }
    return true;
}

/* Decodes the well-formed UTF-8 character at S (N bytes left); sets *CP. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80 || n < 2) {
        *cp = s[0];
        return 1;
    }
    if (s[0] < 0xE0) {
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (s[0] < 0xF0 || n < 4) {
        *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
              (s[2] & 0x3F);
        return 3;
    }
    *cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
          ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 4;
}

/* ---- quoting ----------------------------------------------------------- */

void val_json_quote(strbuf_t *b, const char *s, size_t len, bool ascii_only)
{
    const unsigned char *p = (const unsigned char *)s;
    strbuf_putc(b, '"');
    size_t run = 0;   /* start of the bytes not yet written */
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        const char *esc = NULL;
        switch (c) {
        case '"':  esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default: break;
        }
        if (!esc && c >= 0x20 && (c < 0x80 || !ascii_only)) {
            i++;
            continue;
        }
        strbuf_put(b, s + run, i - run);
        if (esc) {
            strbuf_puts(b, esc);
            i++;
        } else if (c < 0x20) {
            strbuf_printf(b, "\\u%04x", c);
            i++;
        } else {
            uint32_t cp;
            i += utf8_decode(p + i, len - i, &cp);
            if (cp >= 0x10000) {
                cp -= 0x10000;
                strbuf_printf(b, "\\u%04x\\u%04x", 0xD800 + (cp >> 10),
                              0xDC00 + (cp & 0x3FF));
            } else {
                strbuf_printf(b, "\\u%04x", cp);
            }
        }
        run = i;
    }
    strbuf_put(b, s + run, len - run);
    strbuf_putc(b, '"');
}

void val_snippet(strbuf_t *b, const char *s, size_t len, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t chars = 0, i = 0;
    while (i < len) {
        if (chars == max) {
            strbuf_puts(b, "...");
            return;
        }
        unsigned char c = p[i];
        if (c == '\n') {
            strbuf_puts(b, "\\n");
        } else if (c == '\t') {
            strbuf_puts(b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            strbuf_printf(b, "\\x%02x", c);
        } else if (c >= 0x80) {
            size_t n = 1;
            while (i + n < len && n < 4 && (p[i + n] & 0xC0) == 0x80)
                n++;
            if (!val_utf8_valid(s + i, n)) {
                strbuf_printf(b, "\\x%02x", c);
                n = 1;
            } else {
                strbuf_put(b, s + i, n);
            }
            i += n;
            chars++;
            continue;
        } else {
            strbuf_putc(b, (char)c);
        }
        i++;
        chars++;
    }
}

/* ---- numbers ----------------------------------------------------------- */

size_t val_number_text(const val_t *v, char buf[VAL_NUM_TEXT])
{
    if (val_is_int(v))
        return (size_t)snprintf(buf, VAL_NUM_TEXT, "%" PRId64, val_get_int(v));
    return double_text(val_get_number(v), buf);
}

/* Whether the whole number D (>= 2^53) written in BASE is exactly DIGITS
 * (no leading zeros; hex in either case). */
static bool literal_is_exact(double d, const char *digits, size_t len,
                             int base)
{
    char buf[1200];
    size_t n;
    if (base == 10) {
        n = (size_t)snprintf(buf, sizeof(buf), "%.0f", d);
    } else {
        /* D = m * 2^sh with a 53-bit m: its digits are those of m shifted
         * by the bits that do not fill a whole digit, then zeros. */
        int e;
        double f = frexp(d, &e);
        uint64_t m = (uint64_t)ldexp(f, 53);
        int sh = e - 53, bits = base == 16 ? 4 : 3;
        m <<= sh % bits;
        n = (size_t)snprintf(buf, sizeof(buf), base == 16 ? "%" PRIx64 : "%" PRIo64, m);
        for (int z = 0; z < sh / bits && n < sizeof(buf) - 1; z++)
            buf[n++] = '0';
        buf[n] = '\0';
    }
    if (n != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = digits[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (buf[i] != c)
            return false;
    }
    return true;
}

/* Text strtod reads as the literal: "[-]digits", "[-]0xdigits", or octal
 * regrouped into hex (strtod has no octal). NULL when out of memory. */
static char *literal_for_strtod(const char *digits, size_t len, int base,
                                bool neg)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = base == 8 ? (3 * len + 3) / 4 : len;
    char *t = malloc(n + 4);
    if (!t)
        return NULL;
    size_t w = 0;
    if (neg)
        t[w++] = '-';
    if (base != 10) {
        t[w++] = '0';
        t[w++] = 'x';
    }
    if (base != 8) {
        memcpy(t + w, digits, len);
        t[w + len] = '\0';
        return t;
    }
    size_t pos = w + n;
    t[pos] = '\0';
    unsigned acc = 0, nbits = 0;
    for (size_t i = len; i-- > 0;) {
        acc |= (unsigned)(digits[i] - '0') << nbits;
        nbits += 3;
        while (nbits >= 4) {
            t[--pos] = hex[acc & 15];
            acc >>= 4;
            nbits -= 4;
        }
    }
    while (pos > w) {
        t[--pos] = hex[acc & 15];
        acc >>= 4;
    }
    return t;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

bool val_int_literal(const char *digits, size_t len, int base, bool neg,
                     val_t **out, bool *exact)
{
    while (len > 1 && digits[0] == '0') {
        digits++;
        len--;
    }
    *exact = true;
    /* Up to 64 bits: exact arithmetic. */
    size_t fits = base == 10 ? 19 : base == 16 ? 16 : 21;
    if (len <= fits) {
        uint64_t u = 0;
        for (size_t i = 0; i < len; i++)
            u = u * (uint64_t)base + (uint64_t)digit_value(digits[i]);
        if (u <= (uint64_t)VAL_INT_LIMIT) {
            *out = val_int(neg ? -(int64_t)u : (int64_t)u);
            return true;
        }
        double d = (double)u;   /* correctly rounded */
        *exact = d < 18446744073709551616.0 && (uint64_t)d == u;
        *out = val_double(neg ? -d : d);
        return true;
    }
    char *t = literal_for_strtod(digits, len, base, neg);
    if (!t) {
        *out = NULL;
        return true;
    }
    double d = strtod(t, NULL);
    free(t);
    if (!isfinite(d))
        return false;
    *exact = literal_is_exact(fabs(d), digits, len, base);
    *out = val_double(d);
    return true;
}

/* ---- durations and the canonical form ---------------------------------- */

static void format_value(const val_t *v, strbuf_t *out)
{
    char num[VAL_NUM_TEXT];
    switch (val_type(v)) {
    case VAL_NULL:
        strbuf_puts(out, "null");
        break;
    case VAL_BOOL:
        strbuf_puts(out, val_get_bool(v) ? "true" : "false");
        break;
    case VAL_NUMBER:
        strbuf_put(out, num, val_number_text(v, num));
        break;
    case VAL_DURATION:
        strbuf_put_duration(out, val_get_ms(v));
        break;
    case VAL_SECRET:
        strbuf_puts(out, SECRET_MASK);
        break;
    case VAL_STRING: {
        size_t len;
        const char *s = val_get_str(v, &len);
        val_json_quote(out, s, len, false);
        break;
    }
    case VAL_LIST:
        strbuf_putc(out, '[');
        for (size_t i = 0; i < val_len(v); i++) {
            if (i)
                strbuf_puts(out, ", ");
            format_value(val_list_get(v, i), out);
        }
        strbuf_putc(out, ']');
        break;
    case VAL_MAP:
        strbuf_putc(out, '{');
        for (size_t i = 0; i < val_len(v); i++) {
            if (i)
                strbuf_puts(out, ", ");
            format_value(val_map_key(v, i), out);
            strbuf_puts(out, ": ");
            format_value(val_map_value(v, i), out);
        }
        strbuf_putc(out, '}');
        break;
    }
}

mig_status_t val_format(const val_t *v, strbuf_t *out)
{
    format_value(v, out);
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

/* ---- places ------------------------------------------------------------ */

size_t val_bom_len(const src_t *src)
{
    return src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

static void loc_reset(val_loc_t *l)
{
    l->off = l->line_off = l->start;
    l->chars = l->line_chars = 0;
    l->line = 1;
    l->col = 1;
}

/* Goes back to the start of the current line, or of the text. */
static void loc_back(val_loc_t *l, size_t off, size_t chars)
{
    if (off < l->line_off || chars < l->line_chars) {
        loc_reset(l);
        return;
    }
    l->off = l->line_off;
    l->chars = l->line_chars;
    l->col = 1;
}

void val_loc_init(val_loc_t *l, const src_t *src)
{
    l->text = src->text;
    l->len = src->len;
    l->start = val_bom_len(src);
    loc_reset(l);
}

static void loc_step(val_loc_t *l)
{
    unsigned char c = (unsigned char)l->text[l->off++];
    if ((c & 0xC0) == 0x80)
        return;
    l->chars++;
    if (c == '\n') {
        l->line++;
        l->col = 1;
        l->line_off = l->off;
        l->line_chars = l->chars;
    } else {
        l->col++;
    }
}

void val_loc_seek(val_loc_t *l, size_t off)
{
    if (off > l->len)
        off = l->len;
    if (off < l->off)
        loc_back(l, off, SIZE_MAX);
    while (l->off < off)
        loc_step(l);
}

void val_loc_seek_chars(val_loc_t *l, size_t chars)
{
    if (chars < l->chars)
        loc_back(l, SIZE_MAX, chars);
    while (l->off < l->len) {
        unsigned char c = (unsigned char)l->text[l->off];
        if ((c & 0xC0) != 0x80 && l->chars >= chars)
            break;
        loc_step(l);
    }
}

static src_span_t loc_finish(val_loc_t *l, size_t begin, uint32_t line,
                             uint32_t col)
{
    src_span_t s = {
        .begin = (uint32_t)begin, .end = (uint32_t)l->off,
        .line = line, .col = col, .end_line = l->line, .end_col = l->col,
    };
    return s;
}

src_span_t val_loc_span(val_loc_t *l, size_t begin, size_t end)
{
    val_loc_seek(l, begin);
    size_t b = l->off;
    uint32_t line = l->line, col = l->col;
    val_loc_seek(l, end < b ? b : end);
    return loc_finish(l, b, line, col);
}

src_span_t val_loc_span_chars(val_loc_t *l, size_t begin, size_t end)
{
    val_loc_seek_chars(l, begin);
    size_t b = l->off;
    uint32_t line = l->line, col = l->col;
    val_loc_seek_chars(l, end < begin ? begin : end);
    return loc_finish(l, b, line, col);
}

mig_status_t val_oom(diag_list_t *diags, const src_t *src)
{
    diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory reading '%s'",
             src->name);
    return MIG_ENOMEM;
}
