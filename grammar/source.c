/* source.c: plan files held whole in memory, and the line index that the
 * diagnostic renderer uses to show a line under its message. */
#include "grammar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t utf8_char_len(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;     /* bounds of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 1;
    }
    if (n > avail || p[1] < lo || p[1] > hi)
        return 1;
    for (size_t i = 2; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

static src_t *src_make(const char *name, char *text, size_t len)
{
    src_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->name = strdup(name);
    if (!s->name) {
        free(s);
        return NULL;
    }
    s->text = text;
    s->len = len;
    return s;
}

src_t *src_from_memory(const char *name, const char *text, size_t len)
{
    char *copy = malloc(len + 2);
    if (!copy)
        return NULL;
    memcpy(copy, text, len);
    copy[len] = copy[len + 1] = '\0';
    src_t *s = src_make(name, copy, len);
    if (!s)
        free(copy);
    return s;
}

/* Reads F to its end into a malloc'd, NUL-terminated buffer. */
static int read_all(FILE *f, char **out, size_t *out_len)
{
    size_t cap = 64 * 1024, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return ENOMEM;
    for (;;) {
        if (cap - len < 3) {
            if (cap > SIZE_MAX / 2) {
                free(buf);
                return EFBIG;
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                return ENOMEM;
            }
            buf = grown;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 2, f);
        len += n;
        if (n == 0) {
            if (ferror(f)) {
                int err = errno ? errno : EIO;
                free(buf);
                return err;
            }
            break;
        }
    }
    buf[len] = buf[len + 1] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

mig_status_t src_load(const char *path, diag_list_t *diags, src_t **out)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot open '%s': %s", path,
                 strerror(errno));
        return MIG_EIO;
    }
    char *text;
    size_t len;
    int err = read_all(f, &text, &len);
    if (!is_stdin)
        fclose(f);
    if (err == ENOMEM) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory reading '%s'",
                 path);
        return MIG_ENOMEM;
    }
    if (err) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot read '%s': %s", path,
                 strerror(err));
        return MIG_EIO;
    }
    if (len > INT32_MAX) {
        free(text);
        diag_add(diags, DIAG_ERROR, NULL, NULL,
                 "'%s' is too large (mig reads files up to 2 GiB)", path);
        return MIG_EIO;
    }
    src_t *s = src_make(is_stdin ? "<stdin>" : path, text, len);
    if (!s) {
        free(text);
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory reading '%s'",
                 path);
        return MIG_ENOMEM;
    }
    *out = s;
    return MIG_OK;
}

void src_free(src_t *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->text);
    free(s->line_starts);
    free(s);
}

static bool src_index_lines(src_t *s)
{
    uint32_t n = 1;
    for (size_t i = 0; i < s->len; i++)
        n += s->text[i] == '\n';
    s->line_starts = malloc(sizeof(uint32_t) * n);
    if (!s->line_starts)
        return false;
    uint32_t k = 0;
    s->line_starts[k++] = 0;
    for (size_t i = 0; i < s->len; i++)
        if (s->text[i] == '\n')
            s->line_starts[k++] = (uint32_t)(i + 1);
    s->n_lines = n;
    return true;
}

bool src_line(src_t *s, uint32_t line, const char **start, size_t *len)
{
    if (!s->line_starts && !src_index_lines(s))
        return false;
    if (line == 0 || line > s->n_lines)
        return false;
    size_t b = s->line_starts[line - 1];
    size_t e = line < s->n_lines ? s->line_starts[line] - 1 : s->len;
    if (e > b && s->text[e - 1] == '\r')
        e--;
    /* The scanner skips a byte-order mark; so do columns. */
    if (line == 1 && e - b >= 3 && memcmp(s->text, "\xEF\xBB\xBF", 3) == 0)
        b += 3;
    *start = s->text + b;
    *len = e - b;
    return true;
}
