/* lsp_io.c: the base protocol of the Language Server Protocol: a header
 * block with Content-Length, then the JSON body. Reading is robust to
 * malformed headers, lengths past the limit and streams that end early;
 * stdio's buffering takes care of partial reads from a pipe. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp.h"

/* Reads one header line into LINE (without its CR LF). Returns its
 * length, -1 at the end of the stream, -2 when it is longer than
 * LSP_MAX_HEADER_LINE bytes (the rest of the line is consumed). */
static long read_line(FILE *in, char line[LSP_MAX_HEADER_LINE + 2])
{
    size_t n = 0;
    bool too_long = false;
    int c;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (n < LSP_MAX_HEADER_LINE + 1)    /* room for the CR */
            line[n++] = (char)c;
        else
            too_long = true;
    }
    if (c == EOF && n == 0)
        return -1;
    if (n > 0 && line[n - 1] == '\r')
        n--;
    line[n] = '\0';
    return too_long || n > LSP_MAX_HEADER_LINE ? -2 : (long)n;
}

/* Discards N bytes of IN; false when the stream ends first. */
static bool skip_bytes(FILE *in, unsigned long long n)
{
    char buf[4096];
    while (n > 0) {
        size_t want = n < sizeof buf ? (size_t)n : sizeof buf;
        size_t got = fread(buf, 1, want, in);
        if (got == 0)
            return false;
        n -= got;
    }
    return true;
}

/* Parses the value of a Content-Length header: digits only (blanks
 * around them allowed). Returns false when malformed; a value past
 * LSP_MAX_MESSAGE is given as LSP_MAX_MESSAGE + 1 or more (saturated). */
static bool parse_length(const char *v, unsigned long long *out)
{
    while (*v == ' ' || *v == '\t')
        v++;
    if (*v < '0' || *v > '9')
        return false;
    unsigned long long n = 0;
    for (; *v >= '0' && *v <= '9'; v++)
        if (n <= (1ull << 50))
            n = n * 10 + (unsigned)(*v - '0');
    while (*v == ' ' || *v == '\t')
        v++;
    *out = n;
    return *v == '\0';
}

lsp_read_t lsp_read_message(FILE *in, char **body, size_t *len,
                            const char **why)
{
    char line[LSP_MAX_HEADER_LINE + 2];
    unsigned long long length = 0;
    bool have_length = false, length_ok = false, bad = false;
    int n_headers = 0;
    *body = NULL;
    *len = 0;
    *why = NULL;
    for (;;) {
        long n = read_line(in, line);
        if (n == -1)
            return LSP_READ_EOF;
        if (n == 0) {
            if (n_headers == 0)
                continue;       /* blank lines between messages */
            break;
        }
        /* A header that starts inside a line: what came before it is
         * the rest of a body sent with a wrong length. Start afresh
         * there, so a wrong length costs a message or two, not the stream. */
        char *fresh = n > 0 ? strstr(line + 1, "Content-Length:") : NULL;
        if (fresh) {
            memmove(line, fresh, strlen(fresh) + 1);
            n_headers = 0;
            have_length = length_ok = bad = false;
            *why = NULL;
        }
        n_headers++;
        if (n == -2 || n_headers > LSP_MAX_HEADERS) {
            *why = n == -2 ? "a header line is too long"
                           : "too many header lines";
            bad = true;
            continue;
        }
        char *colon = strchr(line, ':');
        if (!colon) {
            *why = "a header line has no ':'";
            bad = true;
        } else if ((size_t)(colon - line) == 14
                   && strncasecmp(line, "Content-Length", 14) == 0) {
            length_ok = parse_length(colon + 1, &length);
            if (!length_ok) {
                *why = "Content-Length is not a number";
                bad = true;
            }
            have_length = true;
        }
    }
    if (!bad && !have_length) {
        *why = "the header has no Content-Length";
        bad = true;
    }
    if (bad && !length_ok)
        return LSP_READ_BAD;
    if (length > LSP_MAX_MESSAGE) {
        *why = "Content-Length is past the limit of 67108864 bytes";
        *len = length > SIZE_MAX ? SIZE_MAX : (size_t)length;
        return LSP_READ_TOO_LONG;
    }
    if (bad)    /* a usable length: skip the body to stay in step */
        return skip_bytes(in, length) ? LSP_READ_BAD : LSP_READ_EOF;
    char *b = malloc((size_t)length + 1);
    if (!b) {
        *why = "out of memory for the message";
        return skip_bytes(in, length) ? LSP_READ_BAD : LSP_READ_EOF;
    }
    if (fread(b, 1, (size_t)length, in) != (size_t)length) {
        free(b);
        return LSP_READ_EOF;
    }
    b[length] = '\0';
    *body = b;
    *len = (size_t)length;
    return LSP_READ_OK;
}

bool lsp_skip(FILE *in, size_t len)
{
    return skip_bytes(in, len);
}

mig_status_t lsp_write_message(FILE *out, const char *body, size_t len)
{
    if (fprintf(out, "Content-Length: %zu\r\n\r\n", len) < 0
        || fwrite(body, 1, len, out) != len || fflush(out) != 0)
        return MIG_EIO;
    return MIG_OK;
}
