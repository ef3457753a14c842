/* adapt_names.c: how close two names are, for adapt.params (a renamed
 * parameter) and adapt.remap_method (a suggestion). Names are compared in
 * a normal form that forgets case and the separators people disagree on,
 * so that cityName, city_name, city-name and "City Name" are one name. */
#include <string.h>

#include "adapt_int.h"

/* The longest name compared by edit distance (diag_distance's limit), and
 * the longest compared at all: a longer one only matches itself. */
#define NAME_MAX_DIST 64
#define NAME_MAX_LEN 128

/* Writes the normal form of S (LEN bytes) into BUF (room for LEN bytes):
 * ASCII letters lower-cased, '_', '-', '.' and spaces left out. Returns
 * its length. */
static size_t normal(const char *s, size_t len, char *buf)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (strchr("_-. ", ch) && ch != '\0')
            continue;
        buf[n++] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    return n;
}

/* Whether the NA bytes of A hold the NB bytes of B. */
static bool holds(const char *a, size_t na, const char *b, size_t nb)
{
    for (size_t i = 0; nb <= na && i + nb <= na; i++)
        if (memcmp(a + i, b, nb) == 0)
            return true;
    return false;
}

size_t adapt_name_rank(const char *a, size_t la, const char *b, size_t lb,
                       bool contain)
{
    char na[NAME_MAX_LEN], nb[NAME_MAX_LEN];
    if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
        return la == lb && memcmp(a, b, la) == 0 ? 0 : ADAPT_NO_MATCH;
    size_t n = normal(a, la, na), m = normal(b, lb, nb);
    if (n == 0 || m == 0)
        return ADAPT_NO_MATCH;
    if (n == m && memcmp(na, nb, n) == 0)
        return 0;
    if (contain && (n < m ? n : m) >= 3
        && (holds(na, n, nb, m) || holds(nb, m, na, n)))
        return 1;
    if (n <= NAME_MAX_DIST && m <= NAME_MAX_DIST) {
        size_t d = diag_distance(na, n, nb, m);
        if (d <= 2 && d * 3 <= n + 2)
            return 2 + d;
    }
    return ADAPT_NO_MATCH;
}
