/* render.c: the one way mig shows a diagnostic.
 *
 *   plan.mig:14:9: error: expected '{' after the stage name, found 'step'
 *      14 |   stage migrate step x = f()
 *         |                 ^~~~
 *   hint: a stage body is a block: stage NAME { ... }
 *
 * Long lines are cut to a window around the caret; bytes that would upset a
 * terminal are shown as '?'. Colour only on a terminal, never with NO_COLOR. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define WINDOW_BEFORE 60    /* characters kept left of the caret */
#define WINDOW_WIDTH 160    /* characters shown at most */

typedef struct style {
    const char *bold, *red, *magenta, *cyan, *green, *reset;
} style_t;

static style_t pick_style(void)
{
    static const style_t plain = { "", "", "", "", "", "" };
    static const style_t ansi = { "\033[1m", "\033[1;31m", "\033[1;35m",
                                  "\033[1;36m", "\033[1;32m", "\033[0m" };
    const char *term = getenv("TERM");
    const char *no_color = getenv("NO_COLOR");     /* set and not empty */
    if ((no_color && no_color[0]) || !isatty(STDERR_FILENO) || !term ||
        strcmp(term, "dumb") == 0)
        return plain;
    return ansi;
}

/* Prints the characters [from, to) of LINE; FILL_ONLY prints the padding
 * under them instead (tabs kept so the caret lines up). */
static void put_chars(FILE *out, const char *line, size_t len, uint32_t from,
                      uint32_t to, bool fill_only)
{
    uint32_t idx = 0;
    for (size_t i = 0; i < len && idx < to;) {
        const unsigned char *p = (const unsigned char *)line + i;
        size_t n = utf8_char_len(p, len - i);
        if (idx >= from) {
            if (fill_only)
                fputc(p[0] == '\t' ? '\t' : ' ', out);
            else if (n > 1)
                fwrite(p, 1, n, out);
            else if (p[0] == '\t' || (p[0] >= 0x20 && p[0] < 0x7f))
                fputc(p[0], out);
            else
                fputc('?', out);
        }
        i += n;
        idx++;
    }
}

/* Counts the characters of LINE, stopping at LIMIT: a 10 MB line is shown
 * as a window, so counting all of it for every message would be waste. */
static uint32_t count_chars(const char *line, size_t len, uint32_t limit)
{
    uint32_t idx = 0;
    for (size_t i = 0; i < len && idx < limit; idx++)
        i += utf8_char_len((const unsigned char *)line + i, len - i);
    return idx;
}

static void render_excerpt(FILE *out, const diag_t *d, const style_t *st)
{
    const char *line;
    size_t len;
    if (!src_line(d->src, d->span.line, &line, &len))
        return;
    uint32_t col = d->span.col ? d->span.col - 1 : 0;       /* 0-based */
    uint32_t from_guess = col > WINDOW_BEFORE ? col - WINDOW_BEFORE : 0;
    uint32_t nchars = count_chars(line, len, from_guess + WINDOW_WIDTH + 1);
    uint32_t end = d->span.end_line == d->span.line ? d->span.end_col - 1
                                                    : nchars;
    if (col > nchars)
        col = nchars;
    if (end <= col)
        end = col + 1;
    uint32_t from = col > WINDOW_BEFORE ? col - WINDOW_BEFORE : 0;
    uint32_t to = from + WINDOW_WIDTH < nchars ? from + WINDOW_WIDTH : nchars;
    if (end > to + 1)
        end = to + 1;

    char num[16];
    int width = snprintf(num, sizeof(num), "%u", d->span.line) + 1;
    if (width < 5)
        width = 5;
    fprintf(out, "%s%*s |%s ", st->cyan, width, num, st->reset);
    if (from > 0)
        fputs("...", out);
    put_chars(out, line, len, from, to, false);
    if (to < nchars)
        fputs("...", out);
    fputc('\n', out);

    fprintf(out, "%s%*s |%s ", st->cyan, width, "", st->reset);
    if (from > 0)
        fputs("   ", out);
    put_chars(out, line, len, from, col, true);
    fprintf(out, "%s^", st->green);
    for (uint32_t i = col + 1; i < end; i++)
        fputc('~', out);
    fprintf(out, "%s\n", st->reset);
}

void cli_render_diags(const diag_list_t *l)
{
    static const char *const words[] = { "error", "warning", "note" };
    style_t st = pick_style();
    const char *colors[] = { st.red, st.magenta, st.cyan };
    fflush(stdout);
    for (size_t i = 0; i < l->len; i++) {
        const diag_t *d = &l->items[i];
        fputs(st.bold, stderr);
        if (d->src && d->has_span)
            fprintf(stderr, "%s:%u:%u: ", d->src->name, d->span.line, d->span.col);
        else if (d->src)
            fprintf(stderr, "%s: ", d->src->name);
        else
            fputs("mig: ", stderr);
        fprintf(stderr, "%s%s:%s %s%s%s\n", colors[d->severity],
                words[d->severity], st.reset, st.bold, d->message, st.reset);
        if (d->src && d->has_span)
            render_excerpt(stderr, d, &st);
        if (d->hint)
            fprintf(stderr, "%shint:%s %s\n", st.bold, st.reset, d->hint);
    }
    if (l->dropped_errors || l->dropped_warnings)
        fprintf(stderr, "mig: note: %zu more error%s and %zu more warning%s "
                "not shown (mig shows at most %d of each)\n",
                l->dropped_errors, l->dropped_errors == 1 ? "" : "s",
                l->dropped_warnings, l->dropped_warnings == 1 ? "" : "s",
                MIG_MAX_ERRORS);
    if (l->out_of_memory)
        fputs("mig: error: out of memory; some messages were lost\n", stderr);
    fflush(stderr);
}
