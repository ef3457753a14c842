/* tools.c: the legacy readers' table and the actions over it, tools.scan
 * and tools.read (docs/legacy-formats.md). A file is loaded once
 * (tools_file.c), every reader's detect says how sure it is, and the
 * surest reads it; a tie goes to the row listed first. Both actions are
 * pure: they read, and a dry run computes them as a run does. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools_int.h"

#define STR ACTION_T(STRING)

/* Folders below the scanned one that tools.scan descends into. */
#define TOOLS_SCAN_DEPTH 32

/* Every family's rows, in the order that breaks ties: the families whose
 * shapes are most particular first, OpenAI's bare lists of functions
 * (the most general shape) last. */
static const struct {
    const tools_reader_t *rows;
    const size_t *count;
} families[] = {
    { tools_readers_mcp, &tools_readers_mcp_count },
    { tools_readers_plugin, &tools_readers_plugin_count },
    { tools_readers_agent, &tools_readers_agent_count },
    { tools_readers_rag, &tools_readers_rag_count },
    { tools_readers_synapse, &tools_readers_synapse_count },
    { tools_readers_openai, &tools_readers_openai_count },
};

/* The reader surest that F is its format, with its confidence in *SCORE,
 * or NULL when none is (a file that could not be loaded has none). */
static const tools_reader_t *best_reader(const tools_file_t *f, int *score)
{
    const tools_reader_t *best = NULL;
    *score = 0;
    if (!f->syntax)
        return NULL;
    for (size_t i = 0; i < sizeof families / sizeof *families; i++)
        for (size_t j = 0; j < *families[i].count; j++) {
            int s = families[i].rows[j].detect(f);
            if (s > *score) {
                *score = s > 100 ? 100 : s;
                best = &families[i].rows[j];
            }
        }
    return best;
}

/* Appends the first keys of map M ("a, b, c, ...") to B. */
static void put_keys(strbuf_t *b, const val_t *m)
{
    size_t n = val_len(m);
    for (size_t i = 0; i < n && i < 6; i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(m, i), &len);
        if (i)
            strbuf_puts(b, ", ");
        strbuf_put(b, k, len > 40 ? 40 : len);
    }
    if (n > 6)
        strbuf_puts(b, ", ...");
    if (n == 0)
        strbuf_puts(b, "none");
}

/* Why no reader took F, into B: the loading error, or what the file is. */
static void no_format_reason(const tools_file_t *f, strbuf_t *b)
{
    for (size_t i = 0; i < val_len(f->load_problems); i++) {
        const val_t *p = val_list_get(f->load_problems, i);
        const char *sev = tools_get_str(p, "severity");
        if (sev && strcmp(sev, "error") == 0) {
            strbuf_puts(b, tools_get_str(p, "message"));
            return;
        }
    }
    const char *syntax = !f->syntax ? "" : strcmp(f->syntax, "json") == 0
        ? "JSON" : strcmp(f->syntax, "yaml") == 0 ? "YAML" : f->syntax;
    if (!f->syntax || strcmp(f->syntax, "text") == 0) {
        bool blank = f->len == strspn(f->bytes ? f->bytes : "", " \t\r\n");
        const char *why = NULL;
        for (size_t i = 0; i < val_len(f->load_problems) && !why; i++) {
            why = tools_get_str(val_list_get(f->load_problems, i), "message");
            why = why && strncmp(why, "not YAML", 8) == 0 ? why : NULL;
        }
        strbuf_puts(b, blank ? "an empty file, not a tool definition"
                             : "plain text that no reader recognises");
        if (!blank && why)
            strbuf_printf(b, " (%.*s)", (int)(strstr(why, "): read") ?
                          strstr(why, "): read") - why + 1 : 0), why);
    } else if (strcmp(f->syntax, "jsonl") == 0) {
        strbuf_printf(b, "JSON Lines (%zu values) that no reader recognises",
                      val_len(f->docs));
    } else if (val_type(f->doc) != VAL_MAP && val_type(f->doc) != VAL_LIST) {
        strbuf_printf(b, "a %s %s, not a tool definition", syntax,
                      val_type_name(val_type(f->doc)));
    } else if (val_type(f->doc) == VAL_MAP) {
        strbuf_printf(b, "a %s map that no reader recognises (keys: ", syntax);
        put_keys(b, f->doc);
        strbuf_putc(b, ')');
    } else {
        size_t n = val_len(f->doc);
        strbuf_printf(b, "a %s list of %zu item%s that no reader recognises",
                      syntax, n, n == 1 ? "" : "s");
        if (n)
            strbuf_printf(b, " (the first a %s)",
                          val_type_name(val_type(val_list_get(f->doc, 0))));
    }
}

/* ---- tools.read --------------------------------------------------------- */

/* Sets KEY of M to V (taken); false when out of memory. */
static bool put(val_t *m, const char *key, val_t *v)
{
    return v && val_map_set_take(m, key, strlen(key), v) == MIG_OK;
}

/* The problems of loading F, then OUT's. */
static val_t *all_problems(const tools_file_t *f, const tools_out_t *out)
{
    val_t *l = val_list_new(val_len(f->load_problems) + val_len(out->problems));
    for (size_t i = 0; l && i < val_len(f->load_problems); i++)
        if (val_list_push(l, val_list_get(f->load_problems, i)) != MIG_OK) {
            val_unref(l);
            return NULL;
        }
    for (size_t i = 0; l && i < val_len(out->problems); i++)
        if (val_list_push(l, val_list_get(out->problems, i)) != MIG_OK) {
            val_unref(l);
            return NULL;
        }
    return l;
}

/* Reads F with the surest reader into the map tools.read gives. */
static mig_status_t read_file(const tools_file_t *f, val_t **result)
{
    int score;
    const tools_reader_t *r = best_reader(f, &score);
    tools_out_t out;
    tools_out_init(&out);
    mig_status_t st = out.oom ? MIG_ENOMEM : MIG_OK;
    if (st == MIG_OK && r) {
        st = r->read(f, &out);
    } else if (st == MIG_OK) {
        strbuf_t b;
        strbuf_init(&b);
        no_format_reason(f, &b);
        /* A loading error is in the file's problems already. */
        bool loaded_error = false;
        for (size_t i = 0; i < val_len(f->load_problems); i++) {
            const char *sev = tools_get_str(val_list_get(f->load_problems, i),
                                            "severity");
            loaded_error = loaded_error || (sev && !strcmp(sev, "error"));
        }
        if (!loaded_error)
            tools_problem(&out, "error", NULL, 0, "%s",
                          b.data ? b.data : "");
        if (b.oom)
            out.oom = true;
        strbuf_free(&b);
    }
    val_t *m = st == MIG_OK && !out.oom ? val_map_new(8) : NULL;
    bool ok = m && put(m, "path", val_cstring(f->path)) &&
              put(m, "format", r ? val_cstring(r->format) : val_null()) &&
              put(m, "version", r && out.version ? val_cstring(out.version)
                                                 : val_null()) &&
              put(m, "tools", val_ref(out.tools)) &&
              put(m, "servers", val_ref(out.servers)) &&
              put(m, "backends", val_ref(out.backends)) &&
              put(m, "problems", all_problems(f, &out)) &&
              put(m, "digest", f->digest[0] ? val_cstring(f->digest)
                                            : val_null());
    tools_out_free(&out);
    if (!ok) {
        val_unref(m);
        return MIG_ENOMEM;
    }
    *result = m;
    return MIG_OK;
}

static mig_status_t tools_read(action_ctx_t *c, const val_t *args,
                               val_t **result)
{
    tools_file_t f;
    mig_status_t st = tools_file_load(c, stdlib_arg_str(args, "path"), &f);
    if (st != MIG_OK)
        return st;
    st = read_file(&f, result);
    tools_file_free(&f);
    return st;
}

/* ---- tools.scan --------------------------------------------------------- */

/* The scan's state: where its paths go, and the glob. */
typedef struct scan {
    action_ctx_t *ctx;
    const char *glob;
    bool recursive;
    char **paths;
    size_t n, cap;
} scan_t;

static bool scan_keep(scan_t *s, const char *path)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **grown = realloc(s->paths, cap * sizeof *grown);
        if (!grown)
            return false;
        s->paths = grown;
        s->cap = cap;
    }
    return (s->paths[s->n] = strdup(path)) && ++s->n;
}

/* Lists DIR (as the plan writes it) into S: files whose names match the
 * glob, and, when recursive, what the folders in it hold (not folders
 * reached through symbolic links, and no deeper than TOOLS_SCAN_DEPTH). */
static mig_status_t scan_dir(scan_t *s, const char *dir, unsigned depth)
{
    const char *full = actx_path(s->ctx, dir);
    DIR *d = full ? opendir(full) : NULL;
    if (!full)
        return MIG_ENOMEM;
    if (!d) {
        int e = errno;
        return actx_fail(s->ctx, e == ENOENT || e == ENOTDIR
                         ? "MissingDependency" : "Unavailable",
                         "tools.scan: cannot list '%s': %s", dir, strerror(e));
    }
    mig_status_t st = MIG_OK;
    struct dirent *e;
    strbuf_t p;
    strbuf_init(&p);
    while (st == MIG_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        p.len = 0;
        strbuf_puts(&p, dir);
        if (p.len && p.data[p.len - 1] != '/')
            strbuf_putc(&p, '/');
        strbuf_puts(&p, e->d_name);
        if (p.oom) {
            st = MIG_ENOMEM;
            break;
        }
        full = actx_path(s->ctx, p.data);
        struct stat lst, tst;
        if (!full) {
            st = MIG_ENOMEM;
        } else if (lstat(full, &lst) == 0 && S_ISDIR(lst.st_mode)) {
            if (s->recursive && depth < TOOLS_SCAN_DEPTH)
                st = scan_dir(s, p.data, depth + 1);
        } else if (S_ISLNK(lst.st_mode) && stat(full, &tst) == 0 &&
                   S_ISDIR(tst.st_mode)) {
            continue;   /* a link to a folder: not followed */
        } else if (fnmatch(s->glob, e->d_name, FNM_PERIOD) == 0 &&
                   !scan_keep(s, p.data)) {
            st = MIG_ENOMEM;
        }
    }
    strbuf_free(&p);
    closedir(d);
    return st;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The scan's row for the file PATH: {path, format, confidence, reason}. */
static mig_status_t scan_row(action_ctx_t *c, const char *path, val_t **row)
{
    tools_file_t f;
    mig_status_t st = tools_file_load(c, path, &f);
    if (st != MIG_OK)
        return st;
    int score;
    const tools_reader_t *r = best_reader(&f, &score);
    strbuf_t why;
    strbuf_init(&why);
    if (!r)
        no_format_reason(&f, &why);
    val_t *m = why.oom ? NULL : val_map_new(4);
    bool ok = m && put(m, "path", val_cstring(path)) &&
              put(m, "format", r ? val_cstring(r->format) : val_null()) &&
              put(m, "confidence", val_int(score)) &&
              put(m, "reason", r ? val_null()
                                 : val_string(why.data ? why.data : "",
                                              why.len));
    strbuf_free(&why);
    tools_file_free(&f);
    if (!ok) {
        val_unref(m);
        return MIG_ENOMEM;
    }
    *row = m;
    return MIG_OK;
}

static mig_status_t tools_scan(action_ctx_t *c, const val_t *args,
                               val_t **result)
{
    scan_t s = {
        .ctx = c,
        .glob = stdlib_arg_str(args, "glob"),
        .recursive = val_get_bool(stdlib_arg(args, "recursive")),
    };
    mig_status_t st = scan_dir(&s, stdlib_arg_str(args, "dir"), 0);
    if (st == MIG_OK && s.n > 1)        /* an empty folder: paths is NULL */
        qsort(s.paths, s.n, sizeof *s.paths, cmp_path);
    val_t *list = st == MIG_OK ? val_list_new(s.n) : NULL;
    if (st == MIG_OK && !list)
        st = MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < s.n; i++) {
        val_t *row;
        st = scan_row(c, s.paths[i], &row);
        if (st == MIG_OK)
            st = val_list_push_take(list, row);
    }
    for (size_t i = 0; i < s.n; i++)
        free(s.paths[i]);
    free(s.paths);
    if (st != MIG_OK) {
        val_unref(list);
        return st;
    }
    *result = list;
    return MIG_OK;
}

/* ---- the rows ------------------------------------------------------------ */

static const action_arg_t scan_args[] = {
    { .name = "dir", .types = STR, .required = true,
      .doc = "the folder, relative to the plan's directory" },
    { .name = "glob", .types = STR, .def = "\"*\"",
      .doc = "which file names to give (fnmatch; dot files never)" },
    { .name = "recursive", .types = ACTION_T(BOOL), .def = "true",
      .doc = "whether to look in the folders below it too" },
    { 0 },
};

static const action_arg_t read_args[] = {
    { .name = "path", .types = STR, .required = true,
      .doc = "the file, relative to the plan's directory" },
    { 0 },
};

const action_t stdlib_tools_actions[] = {
    { .name = "tools.scan", .effect = ACTION_PURE, .args = scan_args,
      .result = ACTION_T(LIST), .preview = tools_scan, .run = tools_scan,
      .doc = "The files under DIR whose names match GLOB, sorted, each "
             "{path, format, confidence, reason}: the legacy format its "
             "content was recognised as, or null and why." },
    { .name = "tools.read", .effect = ACTION_PURE, .args = read_args,
      .result = ACTION_T(MAP), .preview = tools_read, .run = tools_read,
      .doc = "Reads one legacy file: {path, format, version, tools, "
             "servers, backends, problems, digest}. A file that is no tool "
             "definition gives no records and an error problem." },
};

const size_t stdlib_tools_count =
    sizeof stdlib_tools_actions / sizeof *stdlib_tools_actions;
