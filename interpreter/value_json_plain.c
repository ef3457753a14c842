/* value_json_plain.c: the quick way of val_from_json (value_json.c) for
 * the plain JSON that answers, records and files are mostly written in,
 * read straight into values with no jansson tree beside them. Plain
 * means: strings without escapes or control characters (valid UTF-8),
 * integers of at most VAL_PLAIN_DIGITS digits with no fraction or
 * exponent (and not -0), true, false, null, lists and maps nested at most
 * VAL_PLAIN_DEPTH deep, no key twice in one map, no byte-order mark.
 * Every such text is valid JSON and reads to exactly the value the full
 * reader gives (the same strings, the same integers, the same key order);
 * on anything else the quick way gives up and the full reader reads the
 * text, with its exact messages (test_value_json_plain compares both). */
#include "interpreter_int.h"

#include <string.h>

/* At most 15 digits: every such integer is exact (below 2^53), so the
 * full reader would keep it an integer and warn of nothing. */
#define VAL_PLAIN_DIGITS 15
/* Deeper texts are read the full way (this reader recurses). */
#define VAL_PLAIN_DEPTH 64

typedef struct plain {
    const char *s;
    size_t n, p;
    unsigned depth;
    val_t *keys;                /* see val_intern */
} plain_t;

static void skip_ws(plain_t *r)
{
    while (r->p < r->n && (r->s[r->p] == ' ' || r->s[r->p] == '\n'
                           || r->s[r->p] == '\r' || r->s[r->p] == '\t'))
        r->p++;
}

/* Whether the byte at P ends a token: white space, a bracket, a comma,
 * a colon or the end. */
static bool token_end(const plain_t *r, size_t p)
{
    return p >= r->n || (r->s[p] && strchr(" \n\r\t,]}:", r->s[p]));
}

/* The plain string at r->p (its opening quote): [*B, *E) its bytes. */
static bool plain_string(plain_t *r, size_t *b, size_t *e)
{
    size_t p = r->p + 1;
    *b = p;
    while (p < r->n) {
        unsigned char c = (unsigned char)r->s[p];
        if (c == '"') {
            *e = p;
            r->p = p + 1;
            return true;
        }
        if (c < 0x20 || c == '\\')
            return false;
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t k = utf8_char_len((const unsigned char *)r->s + p, r->n - p);
        if (k == 1)
            return false;       /* not UTF-8 */
        p += k;
    }
    return false;               /* unterminated */
}

static val_t *plain_value(plain_t *r);

static val_t *plain_number(plain_t *r)
{
    size_t p = r->p;
    bool neg = r->s[p] == '-';
    if (neg)
        p++;
    size_t b = p;
    while (p < r->n && r->s[p] >= '0' && r->s[p] <= '9')
        p++;
    size_t digits = p - b;
    /* No digit, a leading zero, -0, too many digits, or a fraction or an
     * exponent (anything but the end of the token): the full reader's. */
    if (!digits || digits > VAL_PLAIN_DIGITS || !token_end(r, p)
        || (r->s[b] == '0' && (digits > 1 || neg)))
        return NULL;
    int64_t v = 0;
    for (size_t i = b; i < p; i++)
        v = v * 10 + (r->s[i] - '0');
    r->p = p;
    return val_int(neg ? -v : v);
}

/* true, false or null at r->p. */
static val_t *plain_word(plain_t *r)
{
    static const struct {
        const char *text;
        size_t len;
    } words[] = { { "true", 4 }, { "false", 5 }, { "null", 4 } };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t len = words[i].len;
        if (r->n - r->p >= len && memcmp(r->s + r->p, words[i].text, len) == 0
            && token_end(r, r->p + len)) {
            r->p += len;
            return i == 2 ? val_null() : val_bool(i == 0);
        }
    }
    return NULL;
}

/* The list at r->p ('['), or NULL. */
static val_t *plain_list(plain_t *r)
{
    val_t *l = val_list_new(0);
    r->p++;
    skip_ws(r);
    if (l && r->p < r->n && r->s[r->p] == ']') {
        r->p++;
        return l;
    }
    while (l) {
        val_t *item = plain_value(r);
        if (!item || val_list_push_take(l, item) != MIG_OK)
            break;
        skip_ws(r);
        if (r->p < r->n && r->s[r->p] == ']') {
            r->p++;
            return l;
        }
        if (r->p >= r->n || r->s[r->p] != ',')
            break;
        r->p++;
    }
    val_unref(l);
    return NULL;
}

/* The map at r->p ('{'), or NULL. */
static val_t *plain_map(plain_t *r)
{
    val_t *m = val_map_new(0);
    r->p++;
    skip_ws(r);
    if (m && r->p < r->n && r->s[r->p] == '}') {
        r->p++;
        return m;
    }
    while (m) {
        size_t b, e;
        if (r->p >= r->n || r->s[r->p] != '"' || !plain_string(r, &b, &e)
            || val_map_get(m, r->s + b, e - b))
            break;              /* not a plain key, or a key twice */
        skip_ws(r);
        if (r->p >= r->n || r->s[r->p] != ':')
            break;
        r->p++;
        val_t *v = plain_value(r);
        val_t *key = v ? val_intern(r->keys, r->s + b, e - b) : NULL;
        if (!key || val_map_set_key_take(m, key, v) != MIG_OK) {
            if (!key)
                val_unref(v);
            break;
        }
        skip_ws(r);
        if (r->p < r->n && r->s[r->p] == '}') {
            r->p++;
            return m;
        }
        if (r->p >= r->n || r->s[r->p] != ',')
            break;
        r->p++;
        skip_ws(r);
    }
    val_unref(m);
    return NULL;
}

static val_t *plain_value(plain_t *r)
{
    skip_ws(r);
    if (r->p >= r->n)
        return NULL;
    char c = r->s[r->p];
    if (c == '"') {
        size_t b, e;
        return plain_string(r, &b, &e) ? val_string(r->s + b, e - b) : NULL;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return plain_number(r);
    if (c != '[' && c != '{')
        return plain_word(r);
    if (r->depth == VAL_PLAIN_DEPTH)
        return NULL;
    r->depth++;
    val_t *v = c == '[' ? plain_list(r) : plain_map(r);
    r->depth--;
    return v;
}

bool val_json_plain(const char *s, size_t n, val_t **out)
{
    plain_t r = { .s = s, .n = n };
    if (!(r.keys = val_map_new(0)))
        return false;
    val_t *v = plain_value(&r);
    val_unref(r.keys);
    skip_ws(&r);
    if (!v || r.p != n) {
        val_unref(v);
        return false;
    }
    *out = v;
    return true;
}
