/* value_json.c: JSON to values and back.
 *
 * Reading: jansson decodes the text (grammar, escapes, UTF-8, number
 * text to doubles). Beside it runs a small scanner that cuts the text at
 * exactly jansson's token boundaries and supplies what jansson cannot:
 *  - the exact place of every error (jansson says where its reader
 *    stopped; the scanner finds the token, escape or byte at fault);
 *  - both places of a duplicate key (jansson rejects the second one);
 *  - the depth bound, checked before jansson sees the text: jansson
 *    recurses and allows 2048 levels, we allow VAL_MAX_DEPTH, so jansson
 *    only ever reads the part before the first bracket too deep;
 *  - integer-ness: we decode with JSON_DECODE_INT_AS_REAL (so integers
 *    beyond 64 bits become doubles instead of errors) and learn from the
 *    text of each number whether it was written as an integer, as
 *    jansson's tree is made into values (value_json_build.c).
 * Plain text is read a quicker way first (value_json_plain.c), with the
 * same result. The writer is value_json_emit.c. */
#include "value_json_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define JSON_READ_FLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL | \
                         JSON_DECODE_INT_AS_REAL | JSON_REJECT_DUPLICATES)

/* ---- the scanner ------------------------------------------------------- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static bool is_punct(char c)
{
    return c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',';
}

/* A string runs to its closing quote; like jansson's it stops before a raw
 * control character, and a backslash takes the next byte whatever it is. */
static size_t string_end(const char *s, size_t n, size_t p)
{
    for (p++; p < n; p++) {
        unsigned char c = (unsigned char)s[p];
        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return p;
        if (c == '\\' && p + 1 < n)
            p++;
    }
    return n;
}

/* A number ends where jansson's reading of it ends: at the first byte that
 * breaks the JSON number grammar, which is where jansson reports it. */
static size_t number_end(const char *s, size_t n, size_t p)
{
    if (s[p] == '-')
        p++;
    if (p < n && s[p] == '0') {
        p++;
        if (p < n && is_digit(s[p]))
            return p;
    } else if (p < n && is_digit(s[p])) {
        while (p < n && is_digit(s[p]))
            p++;
    } else {
        return p;
    }
    if (p < n && s[p] == '.') {
        if (p + 1 >= n || !is_digit(s[p + 1]))
            return p + 1;
        for (p += 2; p < n && is_digit(s[p]); p++)
            ;
    }
    if (p < n && (s[p] == 'e' || s[p] == 'E')) {
        p++;
        if (p < n && (s[p] == '+' || s[p] == '-'))
            p++;
        if (p >= n || !is_digit(s[p]))
            return p;
        while (p < n && is_digit(s[p]))
            p++;
    }
    return p;
}

/* The token at SC->pos (after white space), and SC->pos past it. */
jtok_t jscan_next(jscan_t *sc)
{
    const char *s = sc->s;
    size_t n = sc->len, p = sc->pos;
    while (p < n && is_ws(s[p]))
        p++;
    jtok_t t = { JT_EOF, p, p };
    if (p < n) {
        unsigned char c = (unsigned char)s[p];
        if (is_punct((char)c)) {
            t.kind = JT_PUNCT;
            p++;
        } else if (c == '"') {
            t.kind = JT_STRING;
            p = string_end(s, n, p);
        } else if (c == '-' || is_digit((char)c)) {
            t.kind = JT_NUMBER;
            p = number_end(s, n, p);
        } else if (is_alpha((char)c)) {
            t.kind = JT_WORD;
            while (p < n && is_alpha(s[p]))
                p++;
        } else {
            t.kind = JT_OTHER;
            p++;
            while (c >= 0xC0 && p < n && ((unsigned char)s[p] & 0xC0) == 0x80)
                p++;
        }
    }
    t.end = p;
    sc->pos = p;
    return t;
}

/* ---- the reader's state and messages ----------------------------------- */

static diag_t *jerror(jread_t *r, size_t begin, size_t end, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));

static diag_t *jerror(jread_t *r, size_t begin, size_t end, const char *fmt,
                      ...)
{
    src_span_t span = val_loc_span(&r->loc, begin, end);
    va_list ap;
    va_start(ap, fmt);
    diag_t *d = diag_vadd(r->diags, DIAG_ERROR, r->src, &span, fmt, ap);
    va_end(ap);
    return d;
}

/* Where the text a token stands for ends, for quoting it in a message:
 * "tru", "-Infinity", "01" rather than only what jansson had read. */
static size_t display_end(const jread_t *r, const jtok_t *t)
{
    if (t->kind != JT_WORD && t->kind != JT_NUMBER)
        return t->end;
    size_t p = t->end;
    while (p < r->len && !is_ws(r->s[p]) && !is_punct(r->s[p]) &&
           r->s[p] != '"' && (unsigned char)r->s[p] >= 0x20)
        p++;
    return p;
}

/* Appends "'TEXT'" for token T, or "the end of the input". */
static void put_found(const jread_t *r, const jtok_t *t, strbuf_t *b)
{
    if (t->kind == JT_EOF) {
        strbuf_puts(b, "the end of the input");
        return;
    }
    size_t n = display_end(r, t) - t->begin;
    char q = memchr(r->s + t->begin, '\'', n) ? '"' : '\'';
    strbuf_putc(b, q);
    val_snippet(b, r->s + t->begin, n, 24);
    strbuf_putc(b, q);
}

static mig_status_t depth_error(jread_t *r, size_t at)
{
    jerror(r, at, at + 1, VAL_TOO_DEEP);
    return MIG_EINVALID;
}

/* The offset of the first '[' or '{' that opens level VAL_MAX_DEPTH + 1,
 * or VAL_NPOS. */
static size_t too_deep_at(const jread_t *r)
{
    jscan_t sc = { r->s, r->len, r->start };
    unsigned depth = 0;
    for (jtok_t t = jscan_next(&sc); t.kind != JT_EOF; t = jscan_next(&sc)) {
        if (t.kind != JT_PUNCT)
            continue;
        char c = r->s[t.begin];
        if ((c == '[' || c == '{') && ++depth > VAL_MAX_DEPTH)
            return t.begin;
        if ((c == ']' || c == '}') && depth)
            depth--;
    }
    return VAL_NPOS;
}

/* ---- errors inside strings --------------------------------------------- */

static bool hex4(const char *s, size_t at, size_t end, uint32_t *v)
{
    if (at + 4 > end)
        return false;
    *v = 0;
    for (size_t i = at; i < at + 4; i++) {
        char c = s[i];
        if (!is_hex(c))
            return false;
        *v = *v * 16 + (uint32_t)(is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return true;
}

/* Finds the first escape in the string token T that jansson rejects:
 * with SYNTAX one it cannot scan (\q, \u12x4), otherwise a surrogate it
 * cannot decode. Sets [*B, *E) to the escape's bytes. */
static bool find_bad_escape(const jread_t *r, const jtok_t *t, bool syntax,
                            size_t *b, size_t *e)
{
    const char *s = r->s;
    for (size_t p = t->begin + 1; p + 1 < t->end; p++) {
        if (s[p] != '\\')
            continue;
        size_t q = p + 1;
        *b = p;
        if (s[q] != 'u') {
            if (!strchr("\"\\/bfnrt", s[q]) || !s[q]) {
                if (!syntax)
                    return false;
                for (*e = q + 1; *e < t->end && ((unsigned char)s[*e] & 0xC0) == 0x80;)
                    (*e)++;
                return true;
            }
            p = q;
            continue;
        }
        uint32_t v, w;
        if (!hex4(s, q + 1, t->end, &v)) {
            size_t k = q + 1;
            while (k < t->end && k < q + 5 && is_hex(s[k]))
                k++;
            *e = k < t->end ? k + 1 : k;
            return syntax;
        }
        size_t next = q + 5;
        p = next - 1;
        if (syntax)
            continue;
        if (v >= 0xDC00 && v <= 0xDFFF) {
            *e = next;
            return true;
        }
        if (v >= 0xD800 && v <= 0xDBFF) {
            if (next + 1 < t->end && s[next] == '\\' && s[next + 1] == 'u' &&
                hex4(s, next + 2, t->end, &w)) {
                if (w >= 0xDC00 && w <= 0xDFFF) {
                    p = next + 5;
                    continue;
                }
                *e = next + 6;
                return true;
            }
            *e = next;
            return true;
        }
    }
    return false;
}

static mig_status_t escape_error(jread_t *r, const jtok_t *t, bool syntax,
                                 size_t fallback)
{
    size_t b, e;
    if (!find_bad_escape(r, t, syntax, &b, &e)) {
        b = t->begin;
        e = fallback;
    }
    strbuf_t text;
    strbuf_init(&text);
    val_snippet(&text, r->s + b, e - b, 24);
    diag_t *d;
    if (syntax) {
        d = jerror(r, b, e, "invalid escape '%s' in a string",
                   text.data ? text.data : "");
        diag_hint(r->diags, d, "the escapes are \\\" \\\\ \\/ \\b \\f \\n "
                  "\\r \\t and \\uXXXX");
    } else {
        d = jerror(r, b, e, "%s surrogate '%s' in a string",
                   e - b == 6 ? "lone" : "invalid", text.data ? text.data : "");
        diag_hint(r->diags, d, "an escape \\uD800-\\uDBFF must be followed "
                  "by one \\uDC00-\\uDFFF, together one character");
    }
    strbuf_free(&text);
    return MIG_EINVALID;
}

/* ---- duplicate keys ---------------------------------------------------- */

/* Decodes the string token T with jansson into *OUT (NULL when out of
 * memory or malformed). */
static json_t *decode_string(const jread_t *r, const jtok_t *t)
{
    json_error_t e;
    return json_loadb(r->s + t->begin, t->end - t->begin,
                      JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
}

static bool same_string(const json_t *a, const json_t *b)
{
    size_t n = json_string_length(a);
    return n == json_string_length(b) &&
           memcmp(json_string_value(a), json_string_value(b), n) == 0;
}

/* The first key of the object that holds the key token DUP and decodes to
 * WANT. Jansson stopped at DUP, so the text before it is valid JSON no
 * deeper than VAL_MAX_DEPTH. */
static mig_status_t find_first_key(const jread_t *r, const jtok_t *dup,
                                   const json_t *want, jtok_t *first)
{
    size_t *open = malloc((VAL_MAX_DEPTH + 2) * sizeof(size_t));
    if (!open)
        return MIG_ENOMEM;
    size_t depth = 0;
    jscan_t sc = { r->s, dup->begin, r->start };
    for (jtok_t t = jscan_next(&sc); t.kind != JT_EOF; t = jscan_next(&sc)) {
        char c = r->s[t.begin];
        if (t.kind == JT_PUNCT && (c == '[' || c == '{') && depth <= VAL_MAX_DEPTH)
            open[depth++] = t.begin;
        else if (t.kind == JT_PUNCT && (c == ']' || c == '}') && depth)
            depth--;
    }
    size_t object = depth ? open[depth - 1] : r->start;
    free(open);

    sc.pos = object + 1;
    depth = 0;
    bool key_next = true;
    for (jtok_t t = jscan_next(&sc); t.kind != JT_EOF; t = jscan_next(&sc)) {
        char c = r->s[t.begin];
        if (t.kind == JT_PUNCT && (c == '[' || c == '{'))
            depth++;
        else if (t.kind == JT_PUNCT && (c == ']' || c == '}'))
            depth--;
        else if (depth == 0 && t.kind == JT_PUNCT && c == ',')
            key_next = true;
        if (depth || t.kind != JT_STRING || !key_next)
            continue;
        key_next = false;
        json_t *k = decode_string(r, &t);
        if (!k)
            return MIG_ENOMEM;
        bool same = same_string(k, want);
        json_decref(k);
        if (same) {
            *first = t;
            return MIG_OK;
        }
    }
    return MIG_EINVALID;   /* not found: cannot happen */
}

static mig_status_t duplicate_error(jread_t *r, const jtok_t *dup)
{
    json_t *want = decode_string(r, dup);
    jtok_t first;
    mig_status_t st = want ? find_first_key(r, dup, want, &first) : MIG_ENOMEM;
    if (st == MIG_ENOMEM) {
        json_decref(want);
        return val_oom(r->diags, r->src);
    }
    strbuf_t key;
    strbuf_init(&key);
    strbuf_putc(&key, '"');
    val_snippet(&key, json_string_value(want), json_string_length(want), 40);
    strbuf_putc(&key, '"');
    json_decref(want);
    const char *k = key.data ? key.data : "";
    if (st != MIG_OK) {
        jerror(r, dup->begin, dup->end, "duplicate key %s", k);
    } else {
        src_span_t at = val_loc_span(&r->loc, first.begin, first.end);
        jerror(r, dup->begin, dup->end, "duplicate key %s (first at %u:%u)",
               k, at.line, at.col);
        diag_add(r->diags, DIAG_NOTE, r->src, &at, "the first %s is here", k);
    }
    strbuf_free(&key);
    return MIG_EINVALID;
}

/* ---- jansson's errors, placed ------------------------------------------ */

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_char(const jread_t *r, const jtok_t *t, char c)
{
    return t->kind == JT_PUNCT && r->s[t->begin] == c;
}

/* Messages for jansson's "X expected" errors, by its text. */
static const struct {
    const char *jansson, *ours;
} expected_table[] = {
    { "unexpected token", "expected a value" },
    { "string or '}' expected", "expected a string key or '}'" },
    { "':' expected", "expected ':' after the key" },
    { "'}' expected", "expected ',' or '}'" },
    { "']' expected", "expected ',' or ']'" },
};

/* Hints for characters people bring from other languages. */
static void char_hint(jread_t *r, diag_t *d, const jtok_t *t)
{
    if (t->kind != JT_OTHER)
        return;
    if (r->s[t->begin] == '\'')
        diag_hint(r->diags, d, "JSON strings take double quotes");
    else if (r->s[t->begin] == '/' || r->s[t->begin] == '#')
        diag_hint(r->diags, d, "JSON has no comments");
}

/* "invalid token": a word, a number or a character jansson cannot read. */
static diag_t *invalid_token(jread_t *r, const jtok_t *t, size_t b, size_t e,
                             const char *f)
{
    const char *w = r->s + b + (r->s[b] == '-' || r->s[b] == '+');
    size_t wl = (size_t)(r->s + e - w);
    bool nonfinite = (wl == 3 && strncasecmp(w, "nan", 3) == 0) ||
                     (wl == 3 && strncasecmp(w, "inf", 3) == 0) ||
                     (wl == 8 && strncasecmp(w, "infinity", 8) == 0);
    diag_t *d;
    if (nonfinite) {
        d = jerror(r, b, e, "%s is not a number: NaN and Infinity cannot be "
                   "values", f);
        diag_hint(r->diags, d, "write null, or the text as a string");
    } else if (t->kind == JT_NUMBER) {
        d = jerror(r, b, e, "invalid number %s", f);
    } else if (t->kind == JT_WORD) {
        d = jerror(r, b, e, "unknown word %s", f);
        diag_hint(r->diags, d, "the words of JSON are true, false and null");
    } else {
        d = jerror(r, b, e, "unexpected character %s", f);
        char_hint(r, d, t);
    }
    return d;
}

/* Reports the error jansson gave as BASE on token T (PREV before it, or
 * NULL; AT is where jansson stopped). */
static mig_status_t token_error(jread_t *r, const char *base, const jtok_t *t,
                                const jtok_t *prev, size_t at)
{
    strbuf_t found;
    strbuf_init(&found);
    put_found(r, t, &found);
    const char *f = found.data ? found.data : "";
    size_t b = t->kind == JT_EOF ? at : t->begin;
    size_t e = t->kind == JT_EOF ? at : display_end(r, t);
    size_t i = 0, n = sizeof(expected_table) / sizeof(expected_table[0]);
    while (i < n && !starts(base, expected_table[i].jansson))
        i++;
    if (i < n) {
        diag_t *d = jerror(r, b, e, "%s, found %s", expected_table[i].ours, f);
        if ((is_char(r, t, ']') || is_char(r, t, '}')) && prev &&
            is_char(r, prev, ','))
            diag_hint(r->diags, d, "JSON allows no comma before '%c'",
                      r->s[t->begin]);
        else if (starts(base, "string or") && t->kind == JT_WORD)
            diag_hint(r->diags, d, "keys are strings in double quotes");
        else if (t->kind == JT_EOF && !prev)
            diag_hint(r->diags, d, "the input is empty");
        else
            char_hint(r, d, t);
    } else if (starts(base, "end of file expected")) {
        diag_t *d = jerror(r, b, e, "unexpected %s after the JSON value", f);
        diag_hint(r->diags, d, "a JSON document holds exactly one value");
    } else if (starts(base, "invalid token")) {
        invalid_token(r, t, b, e, f);
    } else if (starts(base, "real number overflow")) {
        diag_t *d = jerror(r, b, e, "number %s is too large", f);
        diag_hint(r->diags, d, "numbers are doubles: at most about 1.8e308");
    } else if (starts(base, "NUL byte in object key")) {
        jerror(r, b, e, "a key may not contain \\u0000");
    } else {
        jerror(r, b, e, "%s", base);
    }
    strbuf_free(&found);
    return MIG_EINVALID;
}

/* Reports jansson's error E. LIMIT is how much of the text jansson read;
 * PREFIX says that it stopped there because the next bracket is too deep. */
static mig_status_t json_error(jread_t *r, const json_error_t *e,
                               size_t limit, bool prefix)
{
    enum json_error_code code = json_error_code(e);
    if (code == json_error_out_of_memory || !e->text[0])
        return val_oom(r->diags, r->src);
    size_t at = r->start + (e->position > 0 ? (size_t)e->position : 0);
    if (at > limit)
        at = limit;
    if (code == json_error_invalid_utf8) {
        jerror(r, at, at + 1, "invalid UTF-8 byte 0x%02x",
               (unsigned char)r->s[at]);
        return MIG_EINVALID;
    }
    char base[JSON_ERROR_TEXT_LENGTH];
    snprintf(base, sizeof(base), "%s", e->text);
    char *near = strstr(base, " near ");
    bool at_eof = near && strcmp(near, " near end of file") == 0;
    if (near)
        *near = '\0';

    /* Find the token jansson was on, and the one before it. */
    jscan_t sc = { r->s, limit, r->start };
    jtok_t t, prev = { JT_EOF, 0, 0 };
    bool have_prev = false;
    for (t = jscan_next(&sc); t.kind != JT_EOF; t = jscan_next(&sc)) {
        if (!at_eof && t.begin < at && t.end >= at)
            break;
        prev = t;
        have_prev = true;
    }
    if (prefix && at_eof) {
        /* Jansson ran out of text where a too-deep bracket comes. If a
         * value may stand there, the depth is the error; otherwise the
         * bracket itself is out of place. */
        bool value_next = starts(base, "unexpected token") ||
                          (starts(base, "']' expected") && have_prev &&
                           (is_char(r, &prev, '[') || is_char(r, &prev, ',')));
        if (value_next)
            return depth_error(r, limit);
        jscan_t rest = { r->s, r->len, limit };
        t = jscan_next(&rest);
        at_eof = false;
    }
    if (starts(base, "duplicate object key"))
        return duplicate_error(r, &t);
    if (t.kind == JT_STRING && starts(base, "invalid escape"))
        return escape_error(r, &t, true, at);
    if (t.kind == JT_STRING && starts(base, "invalid Unicode"))
        return escape_error(r, &t, false, t.end);
    if (starts(base, "unexpected newline")) {
        diag_t *d = jerror(r, at, at + 1, "unescaped newline in a string");
        diag_hint(r->diags, d, "write a newline as \\n, or close the string "
                  "before the line ends");
        return MIG_EINVALID;
    }
    if (starts(base, "control character")) {
        unsigned char c = (unsigned char)r->s[at];
        diag_t *d = jerror(r, at, at + 1, "control character U+%04X in a "
                           "string", c);
        diag_hint(r->diags, d, "write it as \\u%04x", c);
        return MIG_EINVALID;
    }
    if (t.kind == JT_STRING && starts(base, "premature end of input")) {
        jerror(r, t.begin, t.begin + 1, "unterminated string");
        return MIG_EINVALID;
    }
    return token_error(r, base, &t, have_prev ? &prev : NULL, at);
}

mig_status_t val_from_json(src_t *src, diag_list_t *diags, val_t **out)
{
    if (src->len <= INT_MAX && val_json_plain(src->text, src->len, out))
        return MIG_OK;
    return val_json_read_full(src, diags, out);
}

mig_status_t val_json_read_full(src_t *src, diag_list_t *diags, val_t **out)
{
    jread_t r = {
        .src = src, .diags = diags, .s = src->text, .len = src->len,
        .start = val_bom_len(src),
    };
    val_loc_init(&r.loc, src);
    r.numbers = (jscan_t){ r.s, r.len, r.start };
    if (src->len > INT_MAX) {
        diag_add(diags, DIAG_ERROR, src, NULL, "JSON text larger than 2 GiB "
                 "is not supported");
        return MIG_EINVALID;
    }
    size_t deep = too_deep_at(&r);
    size_t limit = deep == VAL_NPOS ? r.len : deep;
    json_error_t e;
    json_t *root = json_loadb(r.s + r.start, limit - r.start, JSON_READ_FLAGS, &e);
    if (!root)
        return json_error(&r, &e, limit, deep != VAL_NPOS);
    val_t *v = NULL;
    mig_status_t st = MIG_EINVALID;
    if (deep == VAL_NPOS) {
        r.keys = val_map_new(0);
        st = r.keys ? jread_build(&r, root, &v) : MIG_ENOMEM;
        val_unref(r.keys);
    }
    json_decref(root);
    if (st == MIG_ENOMEM)
        return val_oom(diags, src);
    if (st != MIG_OK)
        return depth_error(&r, deep != VAL_NPOS ? deep : r.start);
    *out = v;
    return MIG_OK;
}
