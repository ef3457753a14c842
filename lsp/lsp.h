/* lsp.h: the public face of mig's language server (`mig lsp`): the
 * Language Server Protocol over a pair of streams, JSON-RPC messages with
 * Content-Length framing (docs/editors-lsp.md). It sits above the
 * interpreter and the standard library, below cli/. */
#ifndef MIG_LSP_H
#define MIG_LSP_H

#include <stdio.h>

#include "grammar.h"

/* A message body longer than this is refused (and skipped). */
#define LSP_MAX_MESSAGE (64u * 1024u * 1024u)
/* A header line longer than this, or more header lines than
 * LSP_MAX_HEADERS, makes the header block malformed. */
#define LSP_MAX_HEADER_LINE 1024
#define LSP_MAX_HEADERS 32

/* What reading one message gave. */
typedef enum lsp_read {
    LSP_READ_OK,        /* *BODY holds a message */
    LSP_READ_EOF,       /* the stream ended between messages */
    LSP_READ_BAD,       /* a malformed header block, already skipped (with
                           the body when its length was given) */
    LSP_READ_TOO_LONG,  /* Content-Length past LSP_MAX_MESSAGE: *LEN is it
                           (saturated); the body is unread (lsp_skip) */
} lsp_read_t;

/* Reads one framed message from IN: header lines ended by CRLF (a bare
 * LF is accepted), then an empty line, then Content-Length bytes. On
 * LSP_READ_OK *BODY is a malloc'd NUL-terminated copy of LEN bytes; on
 * LSP_READ_BAD and LSP_READ_TOO_LONG *WHY says what was wrong (a static string). A stream that
 * ends inside a message gives LSP_READ_EOF. */
lsp_read_t lsp_read_message(FILE *in, char **body, size_t *len,
                            const char **why);
/* Discards LEN bytes of IN (a refused body); false when IN ends first. */
bool lsp_skip(FILE *in, size_t len);
/* Writes BODY (LEN bytes) to OUT with its header and flushes. MIG_EIO
 * when the stream failed. */
mig_status_t lsp_write_message(FILE *out, const char *body, size_t len);

typedef struct lsp_server lsp_server_t;

/* A new server writing its responses and notifications to OUT. NULL when
 * out of memory. */
lsp_server_t *lsp_server_new(FILE *out);
void lsp_server_free(lsp_server_t *s);
/* Handles one message body (a JSON-RPC request, notification or
 * response), writing what it answers to the server's OUT. Never fails on
 * bad input: that gets a JSON-RPC error. Returns false once the client
 * has sent `exit`. */
bool lsp_server_handle(lsp_server_t *s, const char *body, size_t len);
/* Whether the client asked `shutdown` before `exit` (the exit status of
 * the server depends on it). */
bool lsp_server_shut_down(const lsp_server_t *s);

/* Serves IN and OUT until `exit` or the end of IN. Returns MIG_OK after
 * a shutdown then exit, MIG_EINVALID when IN ended or `exit` came without
 * `shutdown`, MIG_ENOMEM. */
mig_status_t lsp_serve(FILE *in, FILE *out);

#endif
