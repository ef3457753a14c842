/* lsp_doc.c: an open document: its text, kept in step with the editor's
 * incremental changes, positions in LSP's terms (0-based lines, columns
 * in UTF-16 code units), and its analysis, done exactly as `mig check`
 * does it (parse, the plan's Lua modules, check_plan, graph_compile). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"

/* The file path a file:// URI names, with %XX decoded; other URIs are
 * kept whole (a plan's messages then name the URI). */
static char *uri_path(const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return strdup(uri);
    const char *p = uri + 7;
    char *out = malloc(strlen(p) + 1), *o = out;
    if (!out)
        return NULL;
    for (; *p; p++) {
        if (*p == '%' && isxdigit((unsigned char)p[1])
            && isxdigit((unsigned char)p[2])) {
            char hex[3] = { p[1], p[2], 0 };
            *o++ = (char)strtol(hex, NULL, 16);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

lsp_doc_t *lsp_doc_new(const char *uri, const char *text, size_t len,
                       int64_t version)
{
    lsp_doc_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    strbuf_init(&d->text);
    d->uri = strdup(uri);
    d->path = uri_path(uri);
    d->version = version;
    strbuf_put(&d->text, text, len);
    strbuf_putc(&d->text, '\0');
    if (!d->uri || !d->path || d->text.oom || lsp_doc_lines(d) != MIG_OK) {
        lsp_doc_free(d);
        return NULL;
    }
    d->text.len--;      /* the NUL stays after the text */
    return d;
}

/* Drops D's analysis. The registry goes before the bridge that owns its
 * Lua rows. */
static void drop_analysis(lsp_doc_t *d)
{
    action_registry_free(d->actions);
    lua_bridge_free(d->lua);
    config_free(d->config);
    arena_free(d->arena);
    src_free(d->src);
    free(d->index.items);
    free(d->index.slots);
    d->actions = NULL;
    d->lua = NULL;
    d->config = NULL;
    d->arena = NULL;
    d->src = NULL;
    d->plan = NULL;
    d->index = (lsp_index_t){ 0 };
}

void lsp_doc_free(lsp_doc_t *d)
{
    if (!d)
        return;
    drop_analysis(d);
    free(d->uri);
    free(d->path);
    free(d->lines);
    strbuf_free(&d->text);
    free(d);
}

mig_status_t lsp_doc_lines(lsp_doc_t *d)
{
    uint32_t n = 1;
    for (size_t i = 0; i < d->text.len; i++)
        n += d->text.data[i] == '\n';
    uint32_t *lines = realloc(d->lines, n * sizeof *lines);
    if (!lines)
        return MIG_ENOMEM;
    lines[0] = 0;
    uint32_t k = 1;
    for (size_t i = 0; i < d->text.len; i++)
        if (d->text.data[i] == '\n')
            lines[k++] = (uint32_t)i + 1;
    d->lines = lines;
    d->n_lines = n;
    return MIG_OK;
}

mig_status_t lsp_doc_splice(lsp_doc_t *d, size_t begin, size_t end,
                            const char *text, size_t len)
{
    if (end < begin)
        end = begin;
    size_t tail = d->text.len - end;
    size_t need = begin + len + tail + 1;
    if (need > d->text.cap) {
        size_t cap = d->text.cap ? d->text.cap : 64;
        while (cap < need)
            cap *= 2;
        char *p = realloc(d->text.data, cap);
        if (!p)
            return MIG_ENOMEM;
        d->text.data = p;
        d->text.cap = cap;
    }
    memmove(d->text.data + begin + len, d->text.data + end, tail);
    memcpy(d->text.data + begin, text, len);
    d->text.len = begin + len + tail;
    d->text.data[d->text.len] = '\0';
    return MIG_OK;
}

/* UTF-16 code units of the character of N bytes at P: two for one
 * outside the Basic Multilingual Plane (four bytes of UTF-8). */
static size_t utf16_units(size_t n)
{
    return n == 4 ? 2 : 1;
}

size_t lsp_doc_offset(const lsp_doc_t *d, int64_t line, int64_t character)
{
    if (line < 0)
        return 0;
    if (line >= d->n_lines)
        return d->text.len;
    size_t off = d->lines[line];
    size_t end = line + 1 < d->n_lines ? d->lines[line + 1] - 1
                                       : d->text.len;
    const unsigned char *t = (const unsigned char *)d->text.data;
    int64_t units = 0;
    while (off < end && units < character) {
        size_t n = utf8_char_len(t + off, end - off);
        units += (int64_t)utf16_units(n);
        off += n;
    }
    return off;
}

json_t *lsp_doc_position(const lsp_doc_t *d, size_t off)
{
    if (off > d->text.len)
        off = d->text.len;
    uint32_t lo = 0, hi = d->n_lines - 1;
    while (lo < hi) {       /* the last line starting at or before OFF */
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (d->lines[mid] <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    const unsigned char *t = (const unsigned char *)d->text.data;
    size_t p = d->lines[lo];
    int64_t units = 0;
    while (p < off) {
        size_t n = utf8_char_len(t + p, d->text.len - p);
        units += (int64_t)utf16_units(n);
        p += n;
    }
    return json_pack("{s:i,s:I}", "line", (int)lo, "character",
                     (json_int_t)units);
}

json_t *lsp_doc_range(const lsp_doc_t *d, size_t begin, size_t end)
{
    return json_pack("{s:o,s:o}", "start", lsp_doc_position(d, begin),
                     "end", lsp_doc_position(d, end));
}

json_t *lsp_location(const lsp_doc_t *d, size_t begin, size_t end)
{
    return json_pack("{s:s,s:o}", "uri", d->uri, "range",
                     lsp_doc_range(d, begin, end));
}

/* The directory of PATH, with its slash ("" for none). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) + 1 : 0;
    return strndup(path, n);
}

static mig_status_t worse(mig_status_t a, mig_status_t b)
{
    if (a == MIG_ENOMEM || b == MIG_ENOMEM)
        return MIG_ENOMEM;
    return a != MIG_OK ? a : b;
}

mig_status_t lsp_doc_analyze(lsp_doc_t *d, diag_list_t *diags)
{
    drop_analysis(d);
    d->parsed_ok = false;
    d->src = src_from_memory(d->path, d->text.data, d->text.len);
    d->arena = arena_new();
    if (!d->src || !d->arena)
        return MIG_ENOMEM;
    mig_status_t st = grammar_parse(d->src, d->arena, diags, &d->plan);
    if (st == MIG_ENOMEM)
        return st;
    d->parsed_ok = st == MIG_OK;
    if (!d->plan) {
        /* Nothing to index: completion still offers the actions. */
        d->actions = action_registry_new();
        return d->actions && stdlib_register(d->actions) == MIG_OK
             ? MIG_OK : MIG_ENOMEM;
    }
    /* The Lua modules of a plan that does not parse are loaded as far as
     * the parse got, so completion after `alias.` works mid-edit. */
    char *dir = dir_of(d->path);
    if (!dir)
        return MIG_ENOMEM;
    if (!d->parsed_ok) {
        diag_list_t lua_diags;
        diag_list_init(&lua_diags);
        st = stdlib_plan_modules(d->plan, d->src, dir, NULL, &lua_diags,
                                 &d->actions, &d->lua);
        diag_list_free(&lua_diags);
    } else {
        /* Checked as `mig check` checks it, with the plan's mig.yaml; one
         * that is invalid is reported (its errors name it) and the plan
         * is checked without it. */
        char *found = NULL;
        st = config_find(dir, &found);
        mig_status_t cst = st == MIG_OK && found
            ? config_load(found, diags, &d->config) : st;
        free(found);
        const config_t *cfg = cst == MIG_OK ? d->config : NULL;
        st = cst == MIG_ENOMEM ? cst
           : stdlib_check_plan(d->plan, d->src, dir, cfg, 0, diags,
                               &d->actions, &d->lua);
    }
    free(dir);
    if (d->parsed_ok && st != MIG_ENOMEM) {
        graph_t *g = NULL;
        st = worse(st, graph_compile(d->plan, d->src, diags, &g));
        graph_free(g);
    }
    if (st == MIG_ENOMEM)
        return st;
    return lsp_index_build(d);
}
