/* table.c: the aligned tables of `mig stats` and `mig advise`: a list of
 * maps printed as columns, numbers to the right, text to the left, two
 * spaces between columns (docs/analytics.md shows them). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const val_t *cli_at(const val_t *m, const char *key)
{
    return m && val_type(m) == VAL_MAP ? val_map_get(m, key, strlen(key))
                                       : NULL;
}

int64_t cli_int_at(const val_t *m, const char *key)
{
    const val_t *v = cli_at(m, key);
    return v && val_is_int(v) ? val_get_int(v) : 0;
}

mig_status_t cli_print_buf(strbuf_t *b)
{
    mig_status_t st = b->oom ? MIG_ENOMEM : MIG_OK;
    if (st == MIG_OK && b->data)
        fputs(b->data, stdout);
    strbuf_free(b);
    return st;
}

/* Appends the cell of COL for ROW: "-" for a value that is missing or
 * null; a control character of text as a space. */
static void put_cell(strbuf_t *b, const val_t *row, const cli_col_t *col)
{
    val_t *v = val_type(row) == VAL_MAP
               ? val_map_get(row, col->key, strlen(col->key)) : NULL;
    if (!v || val_type(v) == VAL_NULL) {
        strbuf_putc(b, '-');
        return;
    }
    char t[40];
    switch (col->kind) {
    case CLI_COL_TEXT:
        if (val_type(v) != VAL_STRING)
            break;
        for (const char *s = val_get_str(v, NULL); *s; s++)
            strbuf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
        return;
    case CLI_COL_INT:
        if (val_is_int(v))
            strbuf_printf(b, "%" PRId64, val_get_int(v));
        return;
    case CLI_COL_SHARE:
        strbuf_printf(b, "%.1f%%", val_get_number(v) * 100.0);
        return;
    case CLI_COL_MS:
        if (val_is_int(v))
            cli_put_duration(b, val_get_int(v));
        return;
    case CLI_COL_TIME:
        if (val_is_int(v)) {
            cli_iso_time(val_get_int(v), false, t);
            strbuf_puts(b, t);
        }
        return;
    }
    strbuf_putc(b, '?');
}

/* The width of S in characters (UTF-8 continuation bytes not counted). */
static size_t width_of(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xc0) != 0x80;
    return w;
}

void cli_put_table(strbuf_t *b, const val_t *rows, const cli_col_t *cols,
                   size_t n_cols, int indent)
{
    size_t n_rows = rows ? val_len(rows) : 0;
    /* The cells, first as text in one buffer: (n_rows + 1) * n_cols. */
    strbuf_t cells;
    strbuf_init(&cells);
    size_t n = (n_rows + 1) * n_cols;
    size_t *at = calloc(n + 1, sizeof *at), width[CLI_MAX_COLS] = { 0 };
    if (!at || n_cols > CLI_MAX_COLS) {
        free(at);
        b->oom = true;
        return;
    }
    for (size_t r = 0; r <= n_rows; r++)
        for (size_t c = 0; c < n_cols; c++) {
            at[r * n_cols + c] = cells.len;
            if (r == 0)
                strbuf_puts(&cells, cols[c].title);
            else
                put_cell(&cells, val_list_get(rows, r - 1), &cols[c]);
        }
    at[n] = cells.len;
    for (size_t i = 0; !cells.oom && i < n; i++) {
        size_t w = width_of(cells.data + at[i], at[i + 1] - at[i]);
        if (w > width[i % n_cols])
            width[i % n_cols] = w;
    }
    for (size_t r = 0; !cells.oom && r <= n_rows; r++) {
        strbuf_printf(b, "%*s", indent, "");
        for (size_t c = 0; c < n_cols; c++) {
            size_t i = r * n_cols + c, len = at[i + 1] - at[i];
            size_t pad = width[c] - width_of(cells.data + at[i], len);
            bool right = cols[c].kind != CLI_COL_TEXT;
            if (c)
                strbuf_puts(b, "  ");
            if (right)
                strbuf_printf(b, "%*s", (int)pad, "");
            strbuf_put(b, cells.data + at[i], len);
            if (!right && c + 1 < n_cols)
                strbuf_printf(b, "%*s", (int)pad, "");
        }
        strbuf_putc(b, '\n');
    }
    if (cells.oom)
        b->oom = true;
    strbuf_free(&cells);
    free(at);
}
