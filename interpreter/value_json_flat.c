/* value_json_flat.c: the short way through val_from_json (value_json.c)
 * for the small values the state store keeps by the hundred thousand (a
 * journal record's resources, after-image and undo record: flat objects
 * of strings such as {"registry:/r.db#tools/a": "absent"}). Read here
 * without jansson, a source or a diagnostics list; anything outside the
 * subset is left to val_from_json, which says what is wrong with it. */
#include "interpreter_int.h"

#include <string.h>

/* The longest integer read here: 15 digits are below 2^53, so the value
 * is exact and val_from_json would give the same without a warning. */
#define FLAT_INT_DIGITS 15

typedef struct flat {
    const char *s;
    size_t n, p;
} flat_t;

static void flat_ws(flat_t *f)
{
    while (f->p < f->n && (f->s[f->p] == ' ' || f->s[f->p] == '\t'
                           || f->s[f->p] == '\n' || f->s[f->p] == '\r'))
        f->p++;
}

/* A string without escapes, of printable ASCII only (so there is no UTF-8
 * to validate): *AT and *LEN its bytes between the quotes. */
static bool flat_string(flat_t *f, const char **at, size_t *len)
{
    if (f->p >= f->n || f->s[f->p] != '"')
        return false;
    size_t b = ++f->p;
    while (f->p < f->n && f->s[f->p] != '"') {
        unsigned char c = (unsigned char)f->s[f->p];
        if (c < 0x20 || c > 0x7e || c == '\\')
            return false;
        f->p++;
    }
    if (f->p >= f->n)
        return false;
    *at = f->s + b;
    *len = f->p++ - b;
    return true;
}

/* Whether the text at F's place is WORD, which then ends there. */
static bool flat_word(flat_t *f, const char *word, size_t len)
{
    if (f->n - f->p < len || memcmp(f->s + f->p, word, len) != 0)
        return false;
    f->p += len;
    return true;
}

/* A member's value: a string, null, true, false or a short integer
 * (-?(0|[1-9][0-9]*), at most FLAT_INT_DIGITS digits). *OUT is NULL when
 * the value is outside the subset or memory ran out (*OOM). */
static val_t *flat_value(flat_t *f, bool *oom)
{
    const char *at;
    size_t len;
    val_t *v = NULL;
    if (f->p >= f->n)
        return NULL;
    char c = f->s[f->p];
    if (c == '"') {
        if (!flat_string(f, &at, &len))
            return NULL;
        v = val_string(at, len);
    } else if (c == 'n' || c == 't' || c == 'f') {
        v = flat_word(f, "null", 4) ? val_null()
          : flat_word(f, "true", 4) ? val_bool(true)
          : flat_word(f, "false", 5) ? val_bool(false) : NULL;
        return v;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        bool neg = c == '-';
        size_t b = f->p + neg, e = b;
        int64_t x = 0;
        while (e < f->n && f->s[e] >= '0' && f->s[e] <= '9')
            x = x * 10 + (f->s[e++] - '0');
        if (e == b || e - b > FLAT_INT_DIGITS
            || (f->s[b] == '0' && e - b > 1)
            || (e < f->n && (f->s[e] == '.' || f->s[e] == 'e'
                             || f->s[e] == 'E')))
            return NULL;
        f->p = e;
        v = val_int(neg ? -x : x);
    } else {
        return NULL;
    }
    if (!v)
        *oom = true;
    return v;
}

mig_status_t val_from_json_flat(const char *s, size_t n, val_t **out)
{
    *out = NULL;
    flat_t f = { .s = s, .n = n };
    flat_ws(&f);
    if (f.p >= f.n || s[f.p] != '{')
        return MIG_EINVALID;
    f.p++;
    bool oom = false;
    val_t *m = val_map_new(4);
    if (!m)
        return MIG_ENOMEM;
    flat_ws(&f);
    bool ok = f.p < f.n;
    if (ok && s[f.p] == '}') {
        f.p++;
    } else {
        for (;;) {
            const char *key;
            size_t klen;
            ok = flat_string(&f, &key, &klen);
            if (ok) {
                flat_ws(&f);
                ok = f.p < f.n && s[f.p++] == ':';
            }
            val_t *v = NULL;
            if (ok) {
                flat_ws(&f);
                v = flat_value(&f, &oom);
                ok = v != NULL;
            }
            size_t had = val_len(m);
            /* A duplicate key is val_from_json's error to report. */
            if (ok && (val_map_set_take(m, key, klen, v) != MIG_OK
                       ? (oom = true, false) : val_len(m) > had))
                flat_ws(&f);
            else
                ok = false;
            if (!ok || f.p >= f.n || (s[f.p] != ',' && s[f.p] != '}')) {
                ok = false;
                break;
            }
            if (s[f.p++] == '}')
                break;
            flat_ws(&f);
        }
    }
    flat_ws(&f);
    if (!ok || f.p != f.n) {
        val_unref(m);
        return oom ? MIG_ENOMEM : MIG_EINVALID;
    }
    *out = m;
    return MIG_OK;
}
