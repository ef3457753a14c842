/* value_yaml_scalar.c: what a YAML plain scalar is. The YAML 1.2 core
 * schema (val_yaml_plain_kind), which value_yaml.c reads and
 * value_yaml_emit.c quotes by, and YAML 1.1's numbers with '_' between
 * digits, which only the lenient mode reads (val_yaml_underscored). */
#include "interpreter_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- the core schema --------------------------------------------------- */

static bool word_in(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(*words, s, n) == 0)
            return true;
    return false;
}

static size_t digits_in(const char *s, size_t n, const char *set)
{
    size_t i = 0;
    while (i < n && s[i] && strchr(set, s[i]))
        i++;
    return i;
}

#define DEC "0123456789"

val_yaml_kind_t val_yaml_plain_kind(const char *s, size_t n)
{
    static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
    static const char *const trues[] = { "true", "True", "TRUE", NULL };
    static const char *const falses[] = { "false", "False", "FALSE", NULL };
    static const char *const infs[] = { ".inf", ".Inf", ".INF", NULL };
    static const char *const nans[] = { ".nan", ".NaN", ".NAN", NULL };
    if (n == 0 || word_in(s, n, nulls))
        return VAL_Y_NULL;
    if (word_in(s, n, trues))
        return VAL_Y_TRUE;
    if (word_in(s, n, falses))
        return VAL_Y_FALSE;
    if (word_in(s, n, nans))
        return VAL_Y_NONFINITE;
    size_t sign = s[0] == '-' || s[0] == '+';
    if (word_in(s + sign, n - sign, infs))
        return VAL_Y_NONFINITE;
    if (n > 2 && s[0] == '0' && s[1] == 'o' && digits_in(s + 2, n - 2, "01234567") == n - 2)
        return VAL_Y_INT8;
    if (n > 2 && s[0] == '0' && s[1] == 'x' &&
        digits_in(s + 2, n - 2, DEC "abcdefABCDEF") == n - 2)
        return VAL_Y_INT16;
    size_t p = sign, d = digits_in(s + p, n - p, DEC);
    if (d && p + d == n)
        return VAL_Y_INT10;
    /* Float: a mantissa with digits before or after the point, then an
     * optional exponent. */
    p += d;
    if (p < n && s[p] == '.') {
        size_t f = digits_in(s + p + 1, n - p - 1, DEC);
        if (!d && !f)
            return VAL_Y_STR;
        p += 1 + f;
    } else if (!d) {
        return VAL_Y_STR;
    }
    if (p < n && (s[p] == 'e' || s[p] == 'E')) {
        p++;
        if (p < n && (s[p] == '-' || s[p] == '+'))
            p++;
        size_t e = digits_in(s + p, n - p, DEC);
        if (!e)
            return VAL_Y_STR;
        p += e;
    }
    return p == n ? VAL_Y_FLOAT : VAL_Y_STR;
}

/* ---- YAML 1.1's underscored numbers (the lenient mode) ------------------ */

val_yaml_kind_t val_yaml_underscored(const char *text, size_t len, char **bare)
{
    *bare = NULL;
    if (!memchr(text, '_', len) || len == 0 || text[0] == '_' ||
        text[len - 1] == '_')
        return VAL_Y_STR;
    char *b = malloc(len + 1);
    if (!b)
        return VAL_Y_STR;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '_') {
            b[n++] = text[i];
            continue;
        }
        /* '_' only between two digits. */
        if (!strchr(DEC, text[i - 1]) || !text[i + 1] ||
            !strchr(DEC "_", text[i + 1])) {
            free(b);
            return VAL_Y_STR;
        }
    }
    b[n] = '\0';
    val_yaml_kind_t k = val_yaml_plain_kind(b, n);
    if (k != VAL_Y_INT10 && k != VAL_Y_FLOAT) {
        free(b);
        return VAL_Y_STR;
    }
    *bare = b;
    return k;
}
