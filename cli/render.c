/* render.c: the one way mig shows a diagnostic.
 *
 *   plan.mig:14:9: error: expected '{' after the stage name, found 'step'
 *      14 |   stage migrate step x = f()
 *         |                 ^~~~
 *   hint: a stage body is a block: stage NAME { ... }
 *
 * Long lines are cut to a window around the caret; bytes that would upset a
 * terminal are shown as '?'. Colour only on a terminal, never with NO_COLOR.
 * `mig check --json` collects the same diagnostics as JSON instead. */
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

/* Characters a terminal shows in two cells (East Asian Wide and
 * Fullwidth: CJK, Hangul, kana, fullwidth forms; most emoji) and in none
 * (combining marks, zero-width spaces and joiners, variation selectors):
 * ranges of code points, sorted. Every other character takes one cell. */
static const struct cell_range {
    uint32_t first, last;
    uint8_t cells;
} cell_ranges[] = {
    { 0x0300, 0x036F, 0 }, { 0x0483, 0x0489, 0 }, { 0x0591, 0x05BD, 0 },
    { 0x0610, 0x061A, 0 }, { 0x064B, 0x065F, 0 }, { 0x0E31, 0x0E31, 0 },
    { 0x0E34, 0x0E3A, 0 }, { 0x1100, 0x115F, 2 }, { 0x1AB0, 0x1AFF, 0 },
    { 0x1DC0, 0x1DFF, 0 }, { 0x200B, 0x200F, 0 }, { 0x20D0, 0x20FF, 0 },
    { 0x231A, 0x231B, 2 }, { 0x2329, 0x232A, 2 }, { 0x23E9, 0x23EC, 2 },
    { 0x23F0, 0x23F0, 2 }, { 0x23F3, 0x23F3, 2 }, { 0x25FD, 0x25FE, 2 },
    { 0x2614, 0x2615, 2 }, { 0x2648, 0x2653, 2 }, { 0x267F, 0x267F, 2 },
    { 0x2693, 0x2693, 2 }, { 0x26A1, 0x26A1, 2 }, { 0x26AA, 0x26AB, 2 },
    { 0x26BD, 0x26BE, 2 }, { 0x26C4, 0x26C5, 2 }, { 0x26CE, 0x26CE, 2 },
    { 0x26D4, 0x26D4, 2 }, { 0x26EA, 0x26EA, 2 }, { 0x26F2, 0x26F3, 2 },
    { 0x26F5, 0x26F5, 2 }, { 0x26FA, 0x26FA, 2 }, { 0x26FD, 0x26FD, 2 },
    { 0x2705, 0x2705, 2 }, { 0x270A, 0x270B, 2 }, { 0x2728, 0x2728, 2 },
    { 0x274C, 0x274C, 2 }, { 0x274E, 0x274E, 2 }, { 0x2753, 0x2755, 2 },
    { 0x2757, 0x2757, 2 }, { 0x2795, 0x2797, 2 }, { 0x27B0, 0x27B0, 2 },
    { 0x27BF, 0x27BF, 2 }, { 0x2B1B, 0x2B1C, 2 }, { 0x2B50, 0x2B50, 2 },
    { 0x2B55, 0x2B55, 2 }, { 0x2E80, 0x303E, 2 }, { 0x3041, 0x33FF, 2 },
    { 0x3400, 0x4DBF, 2 }, { 0x4E00, 0x9FFF, 2 }, { 0xA000, 0xA4CF, 2 },
    { 0xA960, 0xA97F, 2 }, { 0xAC00, 0xD7A3, 2 }, { 0xF900, 0xFAFF, 2 },
    { 0xFE00, 0xFE0F, 0 }, { 0xFE10, 0xFE19, 2 }, { 0xFE20, 0xFE2F, 0 },
    { 0xFE30, 0xFE6F, 2 }, { 0xFF00, 0xFF60, 2 }, { 0xFFE0, 0xFFE6, 2 },
    { 0x16FE0, 0x16FE4, 2 }, { 0x17000, 0x18CFF, 2 }, { 0x1B000, 0x1B2FF, 2 },
    { 0x1F004, 0x1F004, 2 }, { 0x1F0CF, 0x1F0CF, 2 }, { 0x1F18E, 0x1F18E, 2 },
    { 0x1F191, 0x1F19A, 2 }, { 0x1F200, 0x1F251, 2 }, { 0x1F300, 0x1F64F, 2 },
    { 0x1F680, 0x1F6FF, 2 }, { 0x1F7E0, 0x1F7EB, 2 }, { 0x1F90C, 0x1F9FF, 2 },
    { 0x1FA70, 0x1FAFF, 2 }, { 0x20000, 0x2FFFD, 2 }, { 0x30000, 0x3FFFD, 2 },
};

/* The cells the character at P (N bytes, as utf8_char_len counts it)
 * takes on a terminal: 0, 1 or 2. A byte that is not a whole character
 * is shown as '?': one cell. */
static uint32_t char_cells(const unsigned char *p, size_t n)
{
    if (n < 2)
        return 1;
    uint32_t cp = p[0] & (0xFFu >> (n + 1));
    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (p[i] & 0x3Fu);
    size_t lo = 0, hi = sizeof cell_ranges / sizeof *cell_ranges;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < cell_ranges[mid].first)
            hi = mid;
        else if (cp > cell_ranges[mid].last)
            lo = mid + 1;
        else
            return cell_ranges[mid].cells;
    }
    return 1;
}

/* The cells the characters [from, to) of LINE take on a terminal. */
static uint32_t count_cells(const char *line, size_t len, uint32_t from,
                            uint32_t to)
{
    uint32_t idx = 0, cells = 0;
    for (size_t i = 0; i < len && idx < to; idx++) {
        const unsigned char *p = (const unsigned char *)line + i;
        size_t n = utf8_char_len(p, len - i);
        if (idx >= from)
            cells += char_cells(p, n);
        i += n;
    }
    return cells;
}

/* Prints the characters [from, to) of LINE; FILL_ONLY prints the padding
 * under them instead: a space per cell each takes on a terminal (two
 * under a CJK character), tabs kept, so that the caret lines up. */
static void put_chars(FILE *out, const char *line, size_t len, uint32_t from,
                      uint32_t to, bool fill_only)
{
    uint32_t idx = 0;
    for (size_t i = 0; i < len && idx < to;) {
        const unsigned char *p = (const unsigned char *)line + i;
        size_t n = utf8_char_len(p, len - i);
        if (idx >= from) {
            if (fill_only && p[0] == '\t')
                fputc('\t', out);
            else if (fill_only)
                fprintf(out, "%*s", (int)char_cells(p, n), "");
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
    /* '^' and a '~' for each further cell the span takes (at least the
     * caret: a span may start on a character of no width, or at the end). */
    uint32_t cells = count_cells(line, len, col, end);
    fprintf(out, "%s^", st->green);
    for (uint32_t i = 1; i < cells; i++)
        fputc('~', out);
    fprintf(out, "%s\n", st->reset);
}

/* Where cli_render_diags collects diagnostics as JSON (cli_render_json),
 * or NULL: rendered as text on stderr. */
static val_t *json_sink;

void cli_render_json(val_t *list)
{
    json_sink = list;
}

val_t *cli_json_text(const char *s)
{
    size_t len = strlen(s);
    if (val_utf8_valid(s, len))
        return val_string(s, len);
    char *copy = strdup(s);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_char_len((const unsigned char *)copy + i, len - i);
        if (n == 1 && (unsigned char)copy[i] >= 0x80)
            copy[i] = '?';
        i += n;
    }
    val_t *v = val_string(copy, len);
    free(copy);
    return v;
}

static bool put(val_t *m, const char *key, val_t *v)
{
    return v && val_map_set_take(m, key, strlen(key), v) == MIG_OK;
}

/* D as {severity, file, line, col, end_line, end_col, message, hint}, the
 * place null when D has none; false when out of memory. */
static bool push_json(val_t *list, const diag_t *d)
{
    static const char *const words[] = { "error", "warning", "note" };
    bool at = d->src && d->has_span;
    val_t *m = val_map_new(8);
    return m && put(m, "severity", val_cstring(words[d->severity]))
        && put(m, "file", d->src ? cli_json_text(d->src->name) : val_null())
        && put(m, "line", at ? val_int(d->span.line) : val_null())
        && put(m, "col", at ? val_int(d->span.col) : val_null())
        && put(m, "end_line", at ? val_int(d->span.end_line) : val_null())
        && put(m, "end_col", at ? val_int(d->span.end_col) : val_null())
        && put(m, "message", cli_json_text(d->message))
        && put(m, "hint", d->hint ? cli_json_text(d->hint) : val_null())
        && val_list_push_take(list, m) == MIG_OK;
}

void cli_render_diags(const diag_list_t *l)
{
    if (json_sink) {
        bool ok = !l->out_of_memory;
        for (size_t i = 0; ok && i < l->len; i++)
            ok = push_json(json_sink, &l->items[i]);
        if (!ok)
            fputs("mig: error: out of memory; some messages were lost\n",
                  stderr);
        return;
    }
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
