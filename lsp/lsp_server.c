/* lsp_server.c: JSON-RPC over the base protocol (lsp_io.c), and the
 * table of the methods the server answers. Every message is parsed by
 * jansson; whatever a client sends, the server answers with a result or a
 * JSON-RPC error and carries on. */
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"

/* JSON-RPC and LSP error codes. */
enum { RPC_PARSE_ERROR = -32700, RPC_INVALID_REQUEST = -32600,
       RPC_METHOD_NOT_FOUND = -32601, RPC_INVALID_PARAMS = -32602,
       RPC_INTERNAL_ERROR = -32603, RPC_NOT_INITIALIZED = -32002,
       RPC_REQUEST_FAILED = -32803 };

struct lsp_server {
    FILE *out;
    lsp_doc_t *docs;
    bool initialized, shut_down, exited;
};

/* What a method's handler sets when it fails. */
typedef struct rpc_error {
    int code;
    const char *message;
} rpc_error_t;

/* A method's handler: the result of a request (NULL with ERR set for an
 * error), or NULL for a notification. */
typedef json_t *(*method_fn)(lsp_server_t *s, json_t *params,
                             rpc_error_t *err);

static void send(lsp_server_t *s, json_t *msg)
{
    char *text = msg ? json_dumps(msg, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (text)
        lsp_write_message(s->out, text, strlen(text));
    free(text);
    json_decref(msg);
}

static void send_error(lsp_server_t *s, json_t *id, int code,
                       const char *message)
{
    send(s, json_pack("{s:s,s:O,s:{s:i,s:s}}", "jsonrpc", "2.0", "id",
                      id ? id : json_null(), "error", "code", code,
                      "message", message));
}

lsp_server_t *lsp_server_new(FILE *out)
{
    lsp_server_t *s = calloc(1, sizeof *s);
    if (s)
        s->out = out;
    return s;
}

void lsp_server_free(lsp_server_t *s)
{
    if (!s)
        return;
    while (s->docs) {
        lsp_doc_t *next = s->docs->next;
        lsp_doc_free(s->docs);
        s->docs = next;
    }
    free(s);
}

bool lsp_server_shut_down(const lsp_server_t *s)
{
    return s->shut_down;
}

/* ---- documents --------------------------------------------------------- */

static lsp_doc_t **doc_slot(lsp_server_t *s, const char *uri)
{
    lsp_doc_t **p = &s->docs;
    while (*p && strcmp((*p)->uri, uri) != 0)
        p = &(*p)->next;
    return p;
}

/* The open document params.textDocument.uri names, or NULL (ERR set). */
static lsp_doc_t *param_doc(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    const char *uri = NULL;
    if (json_unpack(params, "{s:{s:s}}", "textDocument", "uri", &uri) != 0) {
        *err = (rpc_error_t){ RPC_INVALID_PARAMS,
                              "params.textDocument.uri is missing" };
        return NULL;
    }
    lsp_doc_t *d = *doc_slot(s, uri);
    if (!d)
        *err = (rpc_error_t){ RPC_INVALID_PARAMS,
                              "the document is not open" };
    return d;
}

/* The byte offset of {line, character} in JSON POS, or false. */
static bool json_offset(const lsp_doc_t *d, json_t *pos, size_t *off)
{
    json_int_t line, ch;
    if (json_unpack(pos, "{s:I,s:I}", "line", &line, "character", &ch) != 0)
        return false;
    *off = lsp_doc_offset(d, line, ch);
    return true;
}

/* The document and offset of a TextDocumentPositionParams. */
static lsp_doc_t *param_pos(lsp_server_t *s, json_t *params, size_t *off,
                            rpc_error_t *err)
{
    lsp_doc_t *d = param_doc(s, params, err);
    if (d && !json_offset(d, json_object_get(params, "position"), off)) {
        *err = (rpc_error_t){ RPC_INVALID_PARAMS,
                              "params.position is missing or not "
                              "{line, character}" };
        return NULL;
    }
    return d;
}

/* One diagnostic in LSP's terms. A message about another file (a Lua
 * module) or none is put at the start of the plan, its place in front. */
static json_t *diag_json(const lsp_doc_t *d, const diag_t *g)
{
    static const int severity[] = { [DIAG_ERROR] = 1, [DIAG_WARNING] = 2,
                                    [DIAG_NOTE] = 3 };
    strbuf_t m;
    strbuf_init(&m);
    bool here = g->src == d->src && g->has_span;
    if (!here && g->src && g->has_span)
        strbuf_printf(&m, "%s:%u:%u: ", g->src->name, g->span.line,
                      g->span.col);
    else if (!here && g->src)
        strbuf_printf(&m, "%s: ", g->src->name);
    strbuf_puts(&m, g->message);
    if (g->hint)
        strbuf_printf(&m, "\nhint: %s", g->hint);
    json_t *j = m.oom ? NULL : json_pack(
        "{s:o,s:i,s:s,s:s}", "range",
        here ? lsp_doc_range(d, g->span.begin, g->span.end)
             : lsp_doc_range(d, 0, 0),
        "severity", severity[g->severity], "source", "mig",
        "message", m.data);
    strbuf_free(&m);
    return j;
}

/* Analyzes D again and publishes what `mig check` says of it. */
static mig_status_t publish(lsp_server_t *s, lsp_doc_t *d)
{
    diag_list_t diags;
    diag_list_init(&diags);
    mig_status_t st = lsp_doc_analyze(d, &diags);
    json_t *list = json_array();
    for (size_t i = 0; list && i < diags.len; i++)
        json_array_append_new(list, diag_json(d, &diags.items[i]));
    if (list && (st == MIG_ENOMEM || diags.out_of_memory))
        json_array_append_new(list, json_pack(
            "{s:o,s:i,s:s,s:s}", "range", lsp_doc_range(d, 0, 0),
            "severity", 1, "source", "mig",
            "message", "out of memory checking the plan"));
    diag_list_free(&diags);
    send(s, json_pack("{s:s,s:s,s:{s:s,s:I,s:o}}", "jsonrpc", "2.0",
                      "method", "textDocument/publishDiagnostics", "params",
                      "uri", d->uri, "version", (json_int_t)d->version,
                      "diagnostics", list ? list : json_array()));
    return st;
}

/* ---- methods ----------------------------------------------------------- */

static json_t *m_initialize(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    (void)params;
    (void)err;
    s->initialized = true;
    return json_pack(
        "{s:{s:s,s:{s:b,s:i,s:b},s:b,s:{s:[s,s,s]},s:b,s:b,s:b,s:b,s:b},"
        "s:{s:s}}",
        "capabilities", "positionEncoding", "utf-16",
        "textDocumentSync", "openClose", 1, "change", 2, "save", 1,
        "hoverProvider", 1, "completionProvider", "triggerCharacters",
        ".", "(", " ", "definitionProvider", 1, "referencesProvider", 1,
        "documentSymbolProvider", 1, "renameProvider", 1,
        "documentFormattingProvider", 1,
        "serverInfo", "name", "mig");
}

static json_t *m_shutdown(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    (void)params;
    (void)err;
    s->shut_down = true;
    return json_null();
}

static json_t *m_exit(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    (void)params;
    (void)err;
    s->exited = true;
    return NULL;
}

static json_t *m_ignore(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    (void)s;
    (void)params;
    (void)err;
    return NULL;
}

static json_t *m_did_open(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    (void)err;
    const char *uri, *text;
    size_t len;
    json_int_t version = 0;
    if (json_unpack(params, "{s:{s:s,s:s%,s?I}}", "textDocument", "uri", &uri,
                    "text", &text, &len, "version", &version) != 0)
        return NULL;
    lsp_doc_t **slot = doc_slot(s, uri);
    lsp_doc_t *d = lsp_doc_new(uri, text, len, version);
    if (!d)
        return NULL;
    if (*slot) {        /* opened again: the new text wins */
        d->next = (*slot)->next;
        lsp_doc_free(*slot);
    }
    *slot = d;
    publish(s, d);
    return NULL;
}

/* Applies one of didChange's contentChanges to D: a range and its new
 * text, or (without a range) the whole new text. */
static bool apply_change(lsp_doc_t *d, json_t *change)
{
    const char *text;
    size_t len;
    json_t *range = NULL;
    if (json_unpack(change, "{s:s%,s?o}", "text", &text, &len, "range",
                    &range) != 0)
        return false;
    size_t begin = 0, end = d->text.len;
    if (range && (!json_offset(d, json_object_get(range, "start"), &begin)
                  || !json_offset(d, json_object_get(range, "end"), &end)))
        return false;
    return lsp_doc_splice(d, begin, end, text, len) == MIG_OK
        && lsp_doc_lines(d) == MIG_OK;
}

static json_t *m_did_change(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    lsp_doc_t *d = param_doc(s, params, err);
    json_t *changes = json_object_get(params, "contentChanges");
    if (!d || !json_is_array(changes))
        return NULL;
    json_int_t version;
    if (json_unpack(params, "{s:{s:I}}", "textDocument", "version",
                    &version) == 0)
        d->version = version;
    size_t i;
    json_t *c;
    json_array_foreach(changes, i, c)
        apply_change(d, c);
    publish(s, d);
    return NULL;
}

static json_t *m_did_save(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    /* a Lua module beside the plan may have changed: check again */
    lsp_doc_t *d = param_doc(s, params, err);
    if (d)
        publish(s, d);
    return NULL;
}

static json_t *m_did_close(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    lsp_doc_t *d = param_doc(s, params, err);
    if (!d)
        return NULL;
    lsp_doc_t **slot = doc_slot(s, d->uri);
    *slot = d->next;
    send(s, json_pack("{s:s,s:s,s:{s:s,s:[]}}", "jsonrpc", "2.0", "method",
                      "textDocument/publishDiagnostics", "params", "uri",
                      d->uri, "diagnostics"));
    lsp_doc_free(d);
    return NULL;
}

static json_t *m_hover(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    size_t off;
    lsp_doc_t *d = param_pos(s, params, &off, err);
    return d ? lsp_hover(d, off) : NULL;
}

static json_t *m_completion(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    size_t off;
    lsp_doc_t *d = param_pos(s, params, &off, err);
    return d ? lsp_completion(d, off) : NULL;
}

static json_t *m_definition(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    size_t off;
    lsp_doc_t *d = param_pos(s, params, &off, err);
    return d ? lsp_definition(d, off) : NULL;
}

static json_t *m_references(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    size_t off;
    lsp_doc_t *d = param_pos(s, params, &off, err);
    int decl = 0;
    json_unpack(params, "{s:{s:b}}", "context", "includeDeclaration", &decl);
    return d ? lsp_references(d, off, decl) : NULL;
}

static json_t *m_symbols(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    lsp_doc_t *d = param_doc(s, params, err);
    return d ? lsp_symbols(d) : NULL;
}

static json_t *m_rename(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    size_t off;
    const char *name;
    lsp_doc_t *d = param_pos(s, params, &off, err);
    if (!d)
        return NULL;
    if (json_unpack(params, "{s:s}", "newName", &name) != 0) {
        *err = (rpc_error_t){ RPC_INVALID_PARAMS, "params.newName is missing" };
        return NULL;
    }
    const char *why = NULL;
    json_t *r = lsp_rename(d, off, name, &why);
    if (!r)
        *err = (rpc_error_t){ RPC_REQUEST_FAILED,
                              why ? why : "out of memory" };
    return r;
}

static json_t *m_formatting(lsp_server_t *s, json_t *params, rpc_error_t *err)
{
    lsp_doc_t *d = param_doc(s, params, err);
    if (!d)
        return NULL;
    const char *why = NULL;
    json_t *r = lsp_format(d, &why);
    if (!r)
        *err = (rpc_error_t){ RPC_REQUEST_FAILED,
                              why ? why : "out of memory" };
    return r;
}

/* Every method the server knows: a request gets an answer, a
 * notification none. */
static const struct method {
    const char *name;
    method_fn fn;
    bool request;
} methods[] = {
    { "initialize", m_initialize, true },
    { "initialized", m_ignore, false },
    { "shutdown", m_shutdown, true },
    { "exit", m_exit, false },
    { "textDocument/didOpen", m_did_open, false },
    { "textDocument/didChange", m_did_change, false },
    { "textDocument/didSave", m_did_save, false },
    { "textDocument/didClose", m_did_close, false },
    { "textDocument/hover", m_hover, true },
    { "textDocument/completion", m_completion, true },
    { "textDocument/definition", m_definition, true },
    { "textDocument/references", m_references, true },
    { "textDocument/documentSymbol", m_symbols, true },
    { "textDocument/rename", m_rename, true },
    { "textDocument/formatting", m_formatting, true },
};

/* Calls the handler of M for a request with ID (NULL: a notification). */
static void dispatch(lsp_server_t *s, const struct method *m, json_t *id,
                     json_t *params)
{
    rpc_error_t err = { 0 };
    if (!s->initialized && strcmp(m->name, "initialize") != 0
        && strcmp(m->name, "exit") != 0) {
        if (id)
            send_error(s, id, RPC_NOT_INITIALIZED,
                       "the server is not initialized yet");
        return;
    }
    if (s->shut_down && strcmp(m->name, "exit") != 0) {
        if (id)
            send_error(s, id, RPC_INVALID_REQUEST,
                       "the server is shutting down: only 'exit' is left");
        return;
    }
    json_t *result = m->fn(s, params ? params : json_null(), &err);
    if (!id) {
        json_decref(result);
        return;
    }
    if (!result && !err.message)
        err = (rpc_error_t){ RPC_INTERNAL_ERROR, "out of memory" };
    if (err.message) {
        json_decref(result);
        send_error(s, id, err.code, err.message);
        return;
    }
    send(s, json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", id,
                      "result", result));
}

bool lsp_server_handle(lsp_server_t *s, const char *body, size_t len)
{
    json_error_t jerr;
    json_t *msg = json_loadb(body, len, 0, &jerr);
    if (!msg) {
        send_error(s, NULL, RPC_PARSE_ERROR, "the message is not JSON");
        return !s->exited;
    }
    json_t *id = json_object_get(msg, "id");
    const char *name = json_string_value(json_object_get(msg, "method"));
    if (!json_is_object(msg) || (id && !json_is_string(id)
                                 && !json_is_integer(id))) {
        send_error(s, NULL, RPC_INVALID_REQUEST,
                   "a message is an object with a string or integer id");
    } else if (!name) {
        /* a response to a request of ours (the server sends none) or
         * nothing: ignored */
        if (!json_object_get(msg, "result") && !json_object_get(msg, "error"))
            send_error(s, id, RPC_INVALID_REQUEST, "the message has no method");
    } else {
        const struct method *m = NULL;
        for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
            if (strcmp(methods[i].name, name) == 0)
                m = &methods[i];
        json_t *params = json_object_get(msg, "params");
        if (m)
            dispatch(s, m, m->request ? id : NULL, params);
        else if (id)
            send_error(s, id, RPC_METHOD_NOT_FOUND, "no such method");
    }
    json_decref(msg);
    return !s->exited;
}

mig_status_t lsp_serve(FILE *in, FILE *out)
{
    lsp_server_t *s = lsp_server_new(out);
    if (!s)
        return MIG_ENOMEM;
    for (;;) {
        char *body;
        size_t len;
        const char *why;
        lsp_read_t r = lsp_read_message(in, &body, &len, &why);
        if (r == LSP_READ_EOF)
            break;
        if (r == LSP_READ_BAD || r == LSP_READ_TOO_LONG) {
            send_error(s, NULL, RPC_PARSE_ERROR, why);
            if (r == LSP_READ_TOO_LONG && !lsp_skip(in, len))
                break;
            continue;
        }
        bool more = lsp_server_handle(s, body, len);
        free(body);
        if (!more)
            break;
    }
    mig_status_t st = s->exited && s->shut_down ? MIG_OK : MIG_EINVALID;
    lsp_server_free(s);
    return st;
}
