/* diag.c: the list every layer reports problems into. Nothing here prints;
 * cli/ renders the list (see cli/render.c). */
#include "grammar.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void diag_list_init(diag_list_t *l)
{
    memset(l, 0, sizeof(*l));
}

void diag_list_free(diag_list_t *l)
{
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].message);
        free(l->items[i].hint);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void diag_list_move(diag_list_t *to, diag_list_t *from)
{
    for (size_t i = 0; i < from->len; i++) {
        const diag_t *x = &from->items[i];
        diag_t *y = diag_add(to, x->severity, x->src,
                             x->has_span ? &x->span : NULL, "%s", x->message);
        if (x->hint)
            diag_hint(to, y, "%s", x->hint);
    }
    to->errors += from->dropped_errors;
    to->dropped_errors += from->dropped_errors;
    to->warnings += from->dropped_warnings;
    to->dropped_warnings += from->dropped_warnings;
    if (from->out_of_memory)
        to->out_of_memory = true;
    diag_list_free(from);
}

/* The message FMT makes, clipped to MIG_MAX_MESSAGE bytes. */
static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    if ((size_t)n <= MIG_MAX_MESSAGE)
        return s;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_put_clipped(&b, s, (size_t)n, MIG_MAX_MESSAGE);
    free(s);
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    return b.data;
}

diag_t *diag_vadd(diag_list_t *l, diag_severity_t sev, src_t *src,
                  const src_span_t *span, const char *fmt, va_list ap)
{
    /* Past the cap: counted, not kept, and its notes go with it. */
    size_t *kept = sev == DIAG_ERROR ? &l->errors
                 : sev == DIAG_WARNING ? &l->warnings : NULL;
    if (kept) {
        size_t dropped = sev == DIAG_ERROR ? l->dropped_errors
                                           : l->dropped_warnings;
        l->dropping = *kept - dropped >= MIG_MAX_ERRORS;
        if (l->dropping) {
            (*kept)++;
            if (sev == DIAG_ERROR)
                l->dropped_errors++;
            else
                l->dropped_warnings++;
            return NULL;
        }
    } else if (l->dropping) {
        return NULL;
    }
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        diag_t *grown = realloc(l->items, cap * sizeof(*grown));
        if (!grown) {
            l->out_of_memory = true;
            return NULL;
        }
        l->items = grown;
        l->cap = cap;
    }
    char *msg = vformat(fmt, ap);
    if (!msg) {
        l->out_of_memory = true;
        return NULL;
    }
    diag_t *d = &l->items[l->len++];
    memset(d, 0, sizeof(*d));
    d->severity = sev;
    d->src = src;
    if (span) {
        d->span = *span;
        d->has_span = true;
    }
    d->message = msg;
    if (sev == DIAG_ERROR)
        l->errors++;
    else if (sev == DIAG_WARNING)
        l->warnings++;
    return d;
}

diag_t *diag_add(diag_list_t *l, diag_severity_t sev, src_t *src,
                 const src_span_t *span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_t *d = diag_vadd(l, sev, src, span, fmt, ap);
    va_end(ap);
    return d;
}

void diag_hint(diag_list_t *l, diag_t *d, const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *h = vformat(fmt, ap);
    va_end(ap);
    if (!h) {
        l->out_of_memory = true;
        return;
    }
    free(d->hint);
    d->hint = h;
}

size_t diag_distance(const char *a, size_t la, const char *b, size_t lb)
{
    enum { MAX = 64 };
    if (la > MAX || lb > MAX)
        return SIZE_MAX;
    size_t row[MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}
