/* tools_file.c: loads a legacy file once for every reader (tools_int.h):
 * regular files within TOOLS_FILE_MAX, a BOM skipped, CRLF read as LF,
 * binary content refused, then JSON, JSON Lines or lenient YAML, in that
 * order (docs/legacy-formats.md, "Reading files leniently"). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools_int.h"

/* Appends a load problem to F. */
static void load_problem(tools_file_t *f, const char *severity, unsigned line,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void load_problem(tools_file_t *f, const char *severity, unsigned line,
                         const char *fmt, ...)
{
    tools_out_t o = { .problems = f->load_problems };
    va_list ap;
    va_start(ap, fmt);
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tools_problem(&o, severity, NULL, line, "%s", msg);
    if (o.oom)
        f->oom = true;
}

/* Reads the file behind FD (at most TOOLS_FILE_MAX + 1 bytes) into B. */
static int read_all(int fd, strbuf_t *b)
{
    char buf[65536];
    ssize_t n;
    while (b->len <= TOOLS_FILE_MAX && (n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        strbuf_put(b, buf, (size_t)n);
    }
    return 0;
}

/* Opens and reads PATH into B, or says why not (a load problem). */
static bool read_bytes(action_ctx_t *ctx, tools_file_t *f, strbuf_t *b)
{
    const char *full = actx_path(ctx, f->path);
    if (!full)
        return false;
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        load_problem(f, "error", 0, "cannot be read: %s", strerror(errno));
        return false;
    }
    struct stat st;
    int e = fstat(fd, &st) != 0 ? errno : 0;
    if (!e && !S_ISREG(st.st_mode)) {
        load_problem(f, "error", 0, "not a regular file");
    } else if (!e && (uint64_t)st.st_size > TOOLS_FILE_MAX) {
        load_problem(f, "error", 0, "%lld bytes: over the %u-byte (16 MiB) "
                     "limit of a legacy file", (long long)st.st_size,
                     TOOLS_FILE_MAX);
    } else if (!e && (e = read_all(fd, b)) == 0 && b->len > TOOLS_FILE_MAX) {
        load_problem(f, "error", 0, "over the %u-byte (16 MiB) limit of a "
                     "legacy file", TOOLS_FILE_MAX);
    } else if (!e) {
        close(fd);
        return true;
    }
    if (e)
        load_problem(f, "error", 0, "cannot be read: %s", strerror(e));
    close(fd);
    return false;
}

/* Whether the LEN bytes at S are text: no NUL byte, valid UTF-8. Says
 * why not in F's problems. */
static bool is_text(tools_file_t *f, const char *s, size_t len)
{
    const char *nul = memchr(s, '\0', len);
    if (nul) {
        load_problem(f, "error", 0, "binary content (a NUL byte at offset "
                     "%zu), not a tool definition", (size_t)(nul - s));
        return false;
    }
    if (!val_utf8_valid(s, len)) {
        load_problem(f, "error", 0, "binary content (not UTF-8 text), not a "
                     "tool definition");
        return false;
    }
    return true;
}

/* Copies the LEN bytes at S into F->bytes with CRLF read as LF. */
static bool keep_text(tools_file_t *f, const char *s, size_t len)
{
    char *t = malloc(len + 1);
    if (!t)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
            f->crlf = true;
            continue;
        }
        t[n++] = s[i];
    }
    t[n] = '\0';
    f->bytes = t;
    f->len = n;
    return true;
}

/* The first error of DIAGS, or NULL. */
static const diag_t *first_error(const diag_list_t *d)
{
    for (size_t i = 0; i < d->len; i++)
        if (d->items[i].severity == DIAG_ERROR)
            return &d->items[i];
    return NULL;
}

/* Adds DIAGS' warnings to F's problems, prefixed with WHAT. */
static void keep_warnings(tools_file_t *f, const diag_list_t *d,
                          const char *what)
{
    for (size_t i = 0; i < d->len; i++)
        if (d->items[i].severity == DIAG_WARNING)
            load_problem(f, "warning", d->items[i].has_span
                         ? d->items[i].span.line : 0, "%s: %s", what,
                         d->items[i].message);
}

/* Parses S (LEN bytes) as one JSON value: *OUT, or MIG_EINVALID with the
 * messages in DIAGS. */
static mig_status_t parse_json(const char *name, const char *s, size_t len,
                               diag_list_t *diags, val_t **out)
{
    src_t *src = src_from_memory(name, s, len);
    if (!src)
        return MIG_ENOMEM;
    mig_status_t st = val_from_json(src, diags, out);
    src_free(src);
    return st;
}

/* JSON Lines: two or more non-blank lines, each one JSON value. */
static mig_status_t try_jsonl(tools_file_t *f, bool *ok)
{
    *ok = false;
    val_t *docs = val_list_new(0);
    unsigned *lines = NULL;
    size_t cap = 0;
    if (!docs)
        return MIG_ENOMEM;
    mig_status_t st = MIG_OK;
    unsigned line = 0;
    for (const char *p = f->bytes, *end = f->bytes + f->len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line++;
        size_t n = (size_t)(e - p);
        size_t blank = strspn(p, " \t\r");
        if (blank < n) {
            diag_list_t d;
            diag_list_init(&d);
            val_t *v = NULL;
            st = parse_json(f->path, p, n, &d, &v);
            diag_list_free(&d);
            size_t i = val_len(docs);
            if (st == MIG_OK && i == cap) {
                cap = cap ? 2 * cap : 16;
                unsigned *grown = realloc(lines, cap * sizeof *lines);
                if (grown)
                    lines = grown;
                else
                    st = MIG_ENOMEM;
            }
            if (st == MIG_OK) {
                lines[i] = line;
                st = val_list_push_take(docs, v);
            } else {
                val_unref(v);
            }
            if (st != MIG_OK)
                break;
        }
        p = e + 1;
    }
    if (st == MIG_OK && val_len(docs) >= 2) {
        f->docs = docs;
        f->lines = lines;
        *ok = true;
        return MIG_OK;
    }
    val_unref(docs);
    free(lines);
    return st == MIG_ENOMEM ? st : MIG_OK;
}

/* Whether V is a list or a map. */
static bool is_tree(const val_t *v)
{
    return val_type(v) == VAL_MAP || val_type(v) == VAL_LIST;
}

/* Lenient YAML (interpreter.h, val_from_yaml_lenient). JSON_ERR: why it
 * was not JSON when it looked like JSON, else NULL. */
static mig_status_t try_yaml(tools_file_t *f, const diag_t *json_err,
                             bool *ok)
{
    *ok = false;
    src_t *src = src_from_memory(f->path, f->bytes, f->len);
    if (!src)
        return MIG_ENOMEM;
    diag_list_t d;
    diag_list_init(&d);
    val_t *docs = NULL;
    mig_status_t st = val_from_yaml_lenient(src, &d, &docs);
    bool tree = false;
    for (size_t i = 0; st == MIG_OK && i < val_len(docs); i++)
        tree = tree || is_tree(val_list_get(docs, i));
    const diag_t *err = first_error(&d);
    if (st == MIG_OK && tree) {
        if (json_err)
            load_problem(f, "warning", json_err->span.line, "not valid JSON "
                         "(%u:%u: %s); read as YAML", json_err->span.line,
                         json_err->span.col, json_err->message);
        keep_warnings(f, &d, "YAML");
        f->doc = val_ref(val_list_get(docs, 0));
        if (val_len(docs) > 1)
            f->docs = val_ref(docs);
        *ok = true;
    } else if (st == MIG_EINVALID && json_err) {
        load_problem(f, "error", json_err->span.line, "not valid JSON "
                     "(%u:%u: %s) nor YAML (%u:%u: %s)", json_err->span.line,
                     json_err->span.col, json_err->message,
                     err ? err->span.line : 0, err ? err->span.col : 0,
                     err ? err->message : "malformed");
    } else if (st == MIG_EINVALID) {
        load_problem(f, "warning", err ? err->span.line : 0, "not YAML (%u:%u: "
                     "%s): read as plain text", err ? err->span.line : 0,
                     err ? err->span.col : 0, err ? err->message : "malformed");
    }
    val_unref(docs);
    diag_list_free(&d);
    src_free(src);
    return st == MIG_ENOMEM ? st : MIG_OK;
}

/* Parses F->bytes: JSON, then JSON Lines, then lenient YAML, else text. */
static mig_status_t parse(tools_file_t *f)
{
    diag_list_t d;
    diag_list_init(&d);
    mig_status_t st = parse_json(f->path, f->bytes, f->len, &d, &f->doc);
    bool ok = st == MIG_OK;
    if (ok) {
        f->syntax = "json";
        keep_warnings(f, &d, "JSON");
    }
    const char *lead = f->bytes + strspn(f->bytes, " \t\r\n");
    bool looks_json = *lead == '{' || *lead == '[';
    if (st == MIG_EINVALID && looks_json) {
        st = try_jsonl(f, &ok);
        if (ok)
            f->syntax = "jsonl";
    }
    if (st == MIG_EINVALID || (st == MIG_OK && !ok)) {
        st = try_yaml(f, looks_json ? first_error(&d) : NULL, &ok);
        /* JSON-looking text that is neither JSON nor YAML is broken, not
         * text: no reader sees it. */
        f->syntax = ok ? "yaml" : looks_json ? NULL : "text";
    }
    diag_list_free(&d);
    return st == MIG_ENOMEM ? st : MIG_OK;
}

mig_status_t tools_file_load(action_ctx_t *ctx, const char *path,
                             tools_file_t *f)
{
    memset(f, 0, sizeof *f);
    f->ctx = ctx;
    f->path = strdup(path);
    f->load_problems = val_list_new(0);
    if (!f->path || !f->load_problems) {
        tools_file_free(f);
        return MIG_ENOMEM;
    }
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = MIG_OK;
    if (read_bytes(ctx, f, &b) && !b.oom) {
        const char *s = b.data ? b.data : "";
        char hex[BLOB_HEX];
        blobs_hash(s, b.len, hex);
        memcpy(f->digest, "blake2b:", 8);
        memcpy(f->digest + 8, hex, BLOB_HEX);
        f->bom = b.len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
        size_t skip = f->bom ? 3 : 0;
        f->binary = !is_text(f, s + skip, b.len - skip);
        if (!f->binary && !keep_text(f, s + skip, b.len - skip))
            st = MIG_ENOMEM;
        else if (!f->binary)
            st = parse(f);
    }
    if (b.oom || f->oom)
        st = MIG_ENOMEM;
    strbuf_free(&b);
    if (st != MIG_OK)
        tools_file_free(f);
    return st;
}

void tools_file_free(tools_file_t *f)
{
    free((char *)f->path);
    free((char *)f->bytes);
    free(f->lines);
    val_unref(f->doc);
    val_unref(f->docs);
    val_unref(f->load_problems);
    memset(f, 0, sizeof *f);
}

mig_status_t tools_file_sibling(const tools_file_t *f, const char *name,
                                tools_file_t *out)
{
    memset(out, 0, sizeof *out);
    if (!name || !*name || name[0] == '/' || strstr(name, "://"))
        return MIG_EINVALID;
    const char *slash = strrchr(f->path, '/');
    strbuf_t p;
    strbuf_init(&p);
    if (slash)
        strbuf_put(&p, f->path, (size_t)(slash - f->path) + 1);
    strbuf_puts(&p, name[0] == '.' && name[1] == '/' ? name + 2 : name);
    mig_status_t st = p.oom ? MIG_ENOMEM
                            : tools_file_load(f->ctx, p.data, out);
    strbuf_free(&p);
    if (st == MIG_OK && !out->syntax) {
        tools_file_free(out);
        st = MIG_EINVALID;
    }
    return st;
}
