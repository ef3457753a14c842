/* source.c: plan files held whole in memory, and the line index that the
 * diagnostic renderer uses to show a line under its message. */
#include "grammar.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Reads FD to its end into a malloc'd buffer with two NULs after the
 * text, stopping once it holds more than MIG_MAX_FILE bytes. */
static src_read_t read_fd(int fd, char **out, size_t *out_len, int *err)
{
    size_t cap = 64 * 1024, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return SRC_READ_NOMEM;
    for (;;) {
        if (len > MIG_MAX_FILE) {
            free(buf);
            return SRC_READ_TOO_LARGE;
        }
        if (cap - len < 3) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                return SRC_READ_NOMEM;
            }
            buf = grown;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - len - 2);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *err = errno;
            free(buf);
            return SRC_READ_IO;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = buf[len + 1] = '\0';
    *out = buf;
    *out_len = len;
    return SRC_READ_OK;
}

src_read_t src_read_whole(const char *path, char **out, size_t *len, int *err)
{
    if (!path)
        return read_fd(STDIN_FILENO, out, len, err);
    /* O_NONBLOCK so that opening a FIFO nobody writes to returns at once;
     * it is refused below, before any read. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *err = errno;
        return SRC_READ_OPEN;
    }
    struct stat st;
    src_read_t r;
    if (fstat(fd, &st) != 0) {
        *err = errno;
        r = SRC_READ_IO;
    } else if (!S_ISREG(st.st_mode)) {
        r = SRC_READ_NOT_FILE;
    } else if ((uint64_t)st.st_size > MIG_MAX_FILE) {
        r = SRC_READ_TOO_LARGE;
    } else {
        r = read_fd(fd, out, len, err);
    }
    close(fd);
    return r;
}

mig_status_t src_load(const char *path, diag_list_t *diags, src_t **out)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "standard input" : path;
    char *text;
    size_t len;
    int err = 0;
    src_read_t r = src_read_whole(is_stdin ? NULL : path, &text, &len, &err);
    switch (r) {
    case SRC_READ_OK:
        break;
    case SRC_READ_NOMEM:
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory reading '%s'",
                 name);
        return MIG_ENOMEM;
    case SRC_READ_NOT_FILE:
        diag_add(diags, DIAG_ERROR, NULL, NULL, "'%s' is not a regular file",
                 path);
        return MIG_EIO;
    case SRC_READ_TOO_LARGE:
        diag_add(diags, DIAG_ERROR, NULL, NULL, is_stdin
                 ? "standard input is too large (mig reads files up to "
                   MIG_MAX_FILE_TEXT ")"
                 : "'%s' is too large (mig reads files up to "
                   MIG_MAX_FILE_TEXT ")", path);
        return MIG_EIO;
    case SRC_READ_OPEN:
    case SRC_READ_IO:
        diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot %s '%s': %s",
                 r == SRC_READ_OPEN ? "open" : "read", name, strerror(err));
        return MIG_EIO;
    }
    src_t *s = src_make(is_stdin ? "<stdin>" : path, text, len);
    if (!s) {
        free(text);
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory reading '%s'",
                 name);
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
