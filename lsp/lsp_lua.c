/* lsp_lua.c: go to definition of a Lua module's function: from a call
 * `alias.fn(...)` in a plan to the line of the module's file that defines
 * fn (`function M.fn(`, `function M:fn(`, `local function fn(` or
 * `fn = function`), found by reading the file the plan's `lua` item
 * names, from the plan's directory. */
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || c == '_';
}

/* Whether NAME (LEN bytes) stands at LINE[AT] as a whole word. */
static bool word_at(const char *line, size_t n, size_t at, const char *name,
                    size_t len)
{
    return at + len <= n && memcmp(line + at, name, len) == 0
        && (at == 0 || !ident_char(line[at - 1]))
        && (at + len == n || !ident_char(line[at + len]));
}

static size_t skip_blanks(const char *line, size_t n, size_t i)
{
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i;
}

/* The byte offset in LINE (N bytes) of the name FN where the line
 * defines it, or SIZE_MAX. */
static size_t defines(const char *line, size_t n, const char *fn, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (!word_at(line, n, i, fn, len))
            continue;
        /* function [M.|M:]fn ( */
        size_t b = i;
        while (b > 0 && (ident_char(line[b - 1]) || line[b - 1] == '.'
                         || line[b - 1] == ':'))
            b--;
        size_t f = b;
        while (f > 0 && (line[f - 1] == ' ' || line[f - 1] == '\t'))
            f--;
        size_t after = skip_blanks(line, n, i + len);
        if (f >= 8 && f < b && word_at(line, n, f - 8, "function", 8)
            && after < n && line[after] == '(')
            return i;
        /* [M.]fn = function */
        if (after < n && line[after] == '=' && (after + 1 == n
                                                || line[after + 1] != '=')) {
            size_t v = skip_blanks(line, n, after + 1);
            if (word_at(line, n, v, "function", 8))
                return i;
        }
    }
    return SIZE_MAX;
}

/* UTF-16 code units of the N bytes at S. */
static size_t utf16_len(const char *s, size_t n)
{
    size_t units = 0;
    for (size_t i = 0; i < n;) {
        size_t c = utf8_char_len((const unsigned char *)s + i, n - i);
        units += c == 4 ? 2 : 1;
        i += c;
    }
    return units;
}

/* Reads PATH whole; NULL when it cannot. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    strbuf_t b;
    strbuf_init(&b);
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_put(&b, buf, got);
    fclose(f);
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.data ? b.data : strdup("");
}

/* The location of FN's definition in the file at PATH, or NULL. */
static json_t *find_in_file(const char *path, const char *fn, size_t len)
{
    size_t size;
    char *text = slurp(path, &size);
    if (!text)
        return NULL;
    json_t *loc = NULL;
    size_t line = 0;
    for (size_t start = 0; start <= size && !loc; line++) {
        const char *nl = memchr(text + start, '\n', size - start);
        size_t n = nl ? (size_t)(nl - (text + start)) : size - start;
        size_t at = defines(text + start, n, fn, len);
        if (at != SIZE_MAX) {
            json_int_t c0 = (json_int_t)utf16_len(text + start, at);
            json_int_t c1 = c0 + (json_int_t)utf16_len(text + start + at, len);
            loc = json_pack("{s:s+,s:{s:{s:I,s:I},s:{s:I,s:I}}}", "uri",
                            "file://", path, "range", "start", "line",
                            (json_int_t)line, "character", c0, "end", "line",
                            (json_int_t)line, "character", c1);
        }
        if (!nl)
            break;
        start += n + 1;
    }
    free(text);
    return loc;
}

json_t *lsp_lua_definition(lsp_doc_t *d, const ast_node_t *call)
{
    const ast_node_t *c = call->u.call.callee;
    if (!c || c->kind != AST_FIELD || !c->u.field.object
        || c->u.field.object->kind != AST_NAME || d->path[0] != '/')
        return NULL;
    const char *alias = c->u.field.object->u.name.name;
    int32_t k = lsp_index_find(d, LSP_KIND_LUA, alias, strlen(alias));
    const char *file;
    uint32_t flen;
    if (k < 0 || !ast_string_is_plain(d->index.items[k].node->u.lua.path,
                                      &file, &flen))
        return NULL;
    strbuf_t path;
    strbuf_init(&path);
    if (file[0] != '/') {
        const char *slash = strrchr(d->path, '/');
        strbuf_put(&path, d->path, (size_t)(slash - d->path) + 1);
    }
    strbuf_put(&path, file, flen);
    json_t *loc = path.oom ? NULL
                : find_in_file(path.data, c->u.field.field.name,
                               strlen(c->u.field.field.name));
    strbuf_free(&path);
    return loc;
}
