/* lsp_frame.c: the scripted LSP exchanges' helper. `lsp_frame frame FILE
 * DIR` writes each line of FILE (one JSON message a line; blank lines and
 * lines starting with '#' skipped; @DIR@ replaced by DIR) to stdout with
 * a Content-Length header; a line starting with "RAW " is written as it
 * is after that prefix, with \r and \n decoded, for malformed framing.
 * `lsp_frame unframe` reads the server's framed output from stdin (with
 * lsp_read_message) and prints each body on a line of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp.h"

static void put_raw(const char *s)
{
    for (; *s && *s != '\n'; s++) {
        if (s[0] == '\\' && (s[1] == 'r' || s[1] == 'n')) {
            putchar(s[1] == 'r' ? '\r' : '\n');
            s++;
        } else {
            putchar(*s);
        }
    }
}

static int frame(const char *path, const char *dir)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    strbuf_t b;
    strbuf_init(&b);
    while ((n = getline(&line, &cap, f)) >= 0) {
        if (n == 0 || line[0] == '\n' || line[0] == '#')
            continue;
        if (strncmp(line, "RAW ", 4) == 0) {
            put_raw(line + 4);
            continue;
        }
        b.len = 0;
        for (const char *p = line; *p && *p != '\n'; p++) {
            if (strncmp(p, "@DIR@", 5) == 0) {
                strbuf_puts(&b, dir);
                p += 4;
            } else {
                strbuf_putc(&b, *p);
            }
        }
        printf("Content-Length: %zu\r\n\r\n", b.len);
        fwrite(b.data, 1, b.len, stdout);
    }
    strbuf_free(&b);
    free(line);
    fclose(f);
    return 0;
}

static int unframe(void)
{
    for (;;) {
        char *body;
        size_t len;
        const char *why;
        lsp_read_t r = lsp_read_message(stdin, &body, &len, &why);
        if (r == LSP_READ_EOF)
            return 0;
        if (r == LSP_READ_BAD || r == LSP_READ_TOO_LONG) {
            printf("BAD FRAME: %s\n", why);
            continue;
        }
        fwrite(body, 1, len, stdout);
        putchar('\n');
        free(body);
    }
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "frame") == 0)
        return frame(argv[2], argv[3]);
    if (argc == 2 && strcmp(argv[1], "unframe") == 0)
        return unframe();
    fprintf(stderr, "usage: lsp_frame frame FILE DIR | lsp_frame unframe\n");
    return 2;
}
