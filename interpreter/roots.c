/* roots.c: a plan's write roots (interpreter.h, "write roots";
 * docs/language.md, "writes"). The plan's folder and each folder its
 * `writes` items name are the only places its actions may change; the
 * checker compares the paths it can read in the plan with them, the dry
 * run and the run every path an action is about to change. */
#define _XOPEN_SOURCE 700  /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interpreter_int.h"

/* What roots_remember keeps: the working directory, and for each absolute
 * name asked about, and each folder above it, where a change of it would
 * land and whether it exists. What roots_keep keeps (RUN): for each name
 * asked about that existed, where it led and the file it named then
 * (stat: links followed). Strings and the table live in ARENA. */
typedef struct memo_entry {
    const char *where;
    bool exists;
    dev_t dev;                  /* RUN only */
    ino_t ino;
} memo_entry_t;

struct roots_memo {
    arena_t *arena;
    char *cwd;                  /* NULL until first needed */
    smap_t index;               /* name -> index into ENTRIES */
    memo_entry_t *entries;
    uint32_t len, cap;
    bool run;                   /* roots_keep's, not roots_remember's */
};

/* DIR/PATH (PATH alone when absolute; DIR relative to the working
 * directory, CWD when not NULL) as one absolute name: "." and empty
 * components dropped, ".." taken back ("/.." is "/"). NULL when out of
 * memory or the working directory is unknown. */
static char *absolute(const char *dir, const char *path, const char *cwd)
{
    strbuf_t b;
    strbuf_init(&b);
    if (path[0] != '/') {
        if (!dir || dir[0] != '/') {
            char here[PATH_MAX];
            if (!cwd && !(cwd = getcwd(here, sizeof here))) {
                strbuf_free(&b);
                return NULL;
            }
            strbuf_puts(&b, cwd);
            strbuf_putc(&b, '/');
        }
        if (dir)
            strbuf_puts(&b, dir);
        strbuf_putc(&b, '/');
    }
    strbuf_puts(&b, path);
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    char *out = malloc(b.len + 2);
    size_t n = 0;
    for (const char *p = b.data; out && *p;) {
        while (*p == '/')
            p++;
        size_t k = strcspn(p, "/");
        if (k == 0 || (k == 1 && p[0] == '.')) {
            /* nothing */
        } else if (k == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;            /* the slash before the name */
        } else {
            out[n++] = '/';
            memcpy(out + n, p, k);
            n += k;
        }
        p += k;
    }
    if (out) {
        if (n == 0)
            out[n++] = '/';
        out[n] = '\0';
    }
    strbuf_free(&b);
    return out;
}

/* NAME (absolute, normalized) with the longest part of it that exists
 * resolved through symbolic links (realpath), the rest appended: where a
 * change of NAME would land. NULL when out of memory. */
static char *resolved(const char *name)
{
    size_t len = strlen(name), cut = len;
    char *head = strdup(name);
    while (head) {
        head[cut] = '\0';
        char *real = realpath(cut ? head : "/", NULL);
        if (real || cut == 0) {
            free(head);
            if (!real)
                return strdup(name);
            strbuf_t b;
            strbuf_init(&b);
            strbuf_puts(&b, strcmp(real, "/") == 0 && cut < len ? "" : real);
            strbuf_puts(&b, name + cut);
            free(real);
            char *out = b.oom ? NULL : strdup(b.data ? b.data : "/");
            strbuf_free(&b);
            return out;
        }
        if (errno == ENOMEM)
            break;
        while (cut > 0 && head[cut - 1] != '/')
            cut--;
        if (cut > 0)
            cut--;              /* the slash before the last name */
    }
    free(head);
    return NULL;
}

/* Whether NAME lies in ROOT (both absolute and normalized). */
static bool under(const char *root, const char *name)
{
    size_t n = strlen(root);
    if (n == 1)
        return true;            /* "/" holds everything */
    return strncmp(root, name, n) == 0 && (name[n] == '\0' || name[n] == '/');
}

/* Adds the root NAME (taken), written GIVEN (LEN bytes), to R. */
static mig_status_t add_root(write_roots_t *r, char *name, const char *given,
                             size_t len)
{
    char *g = strndup(given, len);
    char **grown = name && g
        ? realloc(r->paths, (r->n + 1) * sizeof(*grown)) : NULL;
    if (grown)
        r->paths = grown;
    char **grown2 = grown ? realloc(r->given, (r->n + 1) * sizeof(*grown2))
                          : NULL;
    if (!grown2) {
        free(name);
        free(g);
        return MIG_ENOMEM;
    }
    r->given = grown2;
    r->paths[r->n] = name;
    r->given[r->n++] = g;
    return MIG_OK;
}

mig_status_t roots_of_plan(const ast_plan_t *plan, const char *dir,
                           write_roots_t *out)
{
    *out = (write_roots_t){ 0 };
    mig_status_t st = add_root(out, absolute(dir, ".", NULL), ".", 1);
    for (uint32_t i = 0; st == MIG_OK && i < plan->items.len; i++) {
        const ast_node_t *n = plan->items.items[i];
        const char *path;
        uint32_t len;
        if (n->kind != AST_META || n->u.meta.key != AST_META_WRITES
            || !ast_string_is_plain(n->u.meta.value, &path, &len))
            continue;           /* syntax.c reports an interpolated one */
        char *p = strndup(path, len);
        st = p ? add_root(out, absolute(dir, p, NULL), path, len) : MIG_ENOMEM;
        free(p);
    }
    if (st != MIG_OK)
        roots_free(out);
    return st;
}

mig_status_t roots_add_all(write_roots_t *r, const char *const *paths,
                           size_t n)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; i < n && st == MIG_OK; i++)
        st = add_root(r, absolute("", paths[i], NULL), paths[i],
                      strlen(paths[i]));
    return st;
}

/* ---- remembering what the files were (roots_remember) ----------------- */

/* The entry of the first LEN bytes of NAME (absolute and normalized;
 * LEN 0 for "/"), found out as resolved() would, one name at a time from
 * "/" down: a name is missing when the folder it is in is; else it is
 * looked at (lstat) where that folder lands, and followed (realpath) when
 * it is a link. NAME's byte at LEN is changed and put back. NULL when out
 * of memory. */
static const memo_entry_t *memo_find(roots_memo_t *m, char *name, size_t len)
{
    const char *key = len ? name : "/";
    char kept = name[len];
    if (len)
        name[len] = '\0';
    uint32_t i = graph_smap_get(&m->index, key);
    if (i == GRAPH_NONE)
        key = arena_strndup(m->arena, key, strlen(key));
    if (len)
        name[len] = kept;
    if (i != GRAPH_NONE)
        return &m->entries[i];
    if (!key)
        return NULL;
    memo_entry_t e = { 0 };
    strbuf_t b;
    strbuf_init(&b);
    char *real = NULL;
    if (!len) {
        real = realpath("/", NULL);
        e.exists = real != NULL;
        strbuf_puts(&b, real ? real : "/");
    } else {
        size_t cut = len;
        while (name[cut - 1] != '/')
            cut--;
        const memo_entry_t *up = memo_find(m, name, cut - 1);
        if (!up)
            return NULL;
        strbuf_puts(&b, strcmp(up->where, "/") == 0 ? "" : up->where);
        strbuf_putc(&b, '/');
        strbuf_put(&b, name + cut, len - cut);
        struct stat sb;
        if (!b.oom && up->exists && lstat(b.data, &sb) == 0) {
            e.exists = true;
            if (S_ISLNK(sb.st_mode) && !(real = realpath(b.data, NULL))) {
                e.exists = false;
                if (errno == ENOMEM)
                    b.oom = true;
            }
        }
    }
    const char *w = real ? real : b.data;
    e.where = b.oom ? NULL : arena_strndup(m->arena, w, strlen(w));
    free(real);
    strbuf_free(&b);
    if (!e.where
        || !graph_grow(m->arena, (void **)&m->entries, &m->cap, m->len,
                       sizeof(*m->entries))
        || !graph_smap_put(m->arena, &m->index, key, m->len))
        return NULL;
    m->entries[m->len] = e;
    return &m->entries[m->len++];
}

/* Gives R a memo, for a run (roots_keep) or not (roots_remember), unless
 * it has one. */
static mig_status_t memo_new(write_roots_t *r, bool run)
{
    if (r->memo)
        return MIG_OK;
    roots_memo_t *m = calloc(1, sizeof(*m));
    if (m)
        m->arena = arena_new();
    if (!m || !m->arena) {
        free(m);
        return MIG_ENOMEM;
    }
    m->run = run;
    r->memo = m;
    return MIG_OK;
}

mig_status_t roots_remember(write_roots_t *r)
{
    return memo_new(r, false);
}

static void memo_free(roots_memo_t *m)
{
    if (!m)
        return;
    arena_free(m->arena);
    free(m->cwd);
    free(m);
}

/* ---- keeping what a run resolved (roots_keep) ------------------------- */

mig_status_t roots_keep(write_roots_t *r)
{
    return memo_new(r, true);
}

/* Whether stat finds NAME, the same file as E (or, E NULL, any file);
 * *SB gets what it found. */
static bool same_file(const char *name, const memo_entry_t *e,
                      struct stat *sb)
{
    return stat(name, sb) == 0
        && (!e || (sb->st_dev == e->dev && sb->st_ino == e->ino));
}

/* Keeps in K that NAME (absolute, normalized) led to WHERE, naming the
 * file SB; an entry already there is replaced. False when out of
 * memory. */
static bool kept_put(roots_memo_t *k, const char *name, const char *where,
                     const struct stat *sb)
{
    memo_entry_t e = { .where = arena_strndup(k->arena, where, strlen(where)),
                       .exists = true, .dev = sb->st_dev, .ino = sb->st_ino };
    uint32_t i = graph_smap_get(&k->index, name);
    if (!e.where)
        return false;
    if (i != GRAPH_NONE) {
        k->entries[i] = e;
        return true;
    }
    const char *key = arena_strndup(k->arena, name, strlen(name));
    if (!key
        || !graph_grow(k->arena, (void **)&k->entries, &k->cap, k->len,
                       sizeof(*k->entries))
        || !graph_smap_put(k->arena, &k->index, key, k->len))
        return false;
    k->entries[k->len++] = e;
    return true;
}

/* PATH (relative to DIR) as roots_path gives it, through K: one stat when
 * K holds the name and it still names the same file; else the working
 * directory asked again, the name resolved, and kept when it exists and
 * the file it names did not change while it was resolved. NULL when out
 * of memory or the working directory is unknown. */
static char *kept_path(roots_memo_t *k, const char *dir, const char *path)
{
    bool relative = path[0] != '/' && (!dir || dir[0] != '/');
    if (relative && !k->cwd && !(k->cwd = getcwd(NULL, 0)))
        return NULL;
    char *name = absolute(dir, path, k->cwd);
    if (!name)
        return NULL;
    uint32_t i = graph_smap_get(&k->index, name);
    struct stat before, after;
    if (i != GRAPH_NONE && same_file(name, &k->entries[i], &before)) {
        free(name);
        return strdup(k->entries[i].where);
    }
    if (relative) {             /* the folder may have moved */
        free(name);
        free(k->cwd);
        if (!(k->cwd = getcwd(NULL, 0)) || !(name = absolute(dir, path, k->cwd)))
            return NULL;
    }
    bool was = same_file(name, NULL, &before);
    char *real = resolved(name);
    if (real && was && same_file(name, NULL, &after)
        && before.st_dev == after.st_dev && before.st_ino == after.st_ino
        && !kept_put(k, name, real, &after)) {
        free(real);
        real = NULL;
    }
    free(name);
    return real;
}

mig_status_t roots_resolve(write_roots_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        char *real = resolved(r->paths[i]);
        if (!real)
            return MIG_ENOMEM;
        free(r->paths[i]);
        r->paths[i] = real;
    }
    r->real = true;
    return MIG_OK;
}

void roots_free(write_roots_t *r)
{
    if (!r)
        return;
    memo_free(r->memo);
    for (size_t i = 0; i < r->n; i++) {
        free(r->paths[i]);
        free(r->given[i]);
    }
    free(r->paths);
    free(r->given);
    *r = (write_roots_t){ 0 };
}

char *roots_path(const write_roots_t *r, const char *dir, const char *path)
{
    roots_memo_t *m = r->memo;
    if (m && m->run && r->real)
        return kept_path(m, dir, path);
    if (m && !m->cwd && (!dir || dir[0] != '/')) {
        char here[PATH_MAX];
        if (getcwd(here, sizeof here) && !(m->cwd = strdup(here)))
            return NULL;
    }
    char *name = absolute(dir, path, m ? m->cwd : NULL);
    if (!name || !r->real)
        return name;
    char *real = NULL;
    if (m) {
        size_t len = strcmp(name, "/") == 0 ? 0 : strlen(name);
        const memo_entry_t *e = memo_find(m, name, len);
        real = e ? strdup(e->where) : NULL;
    } else {
        real = resolved(name);
    }
    free(name);
    return real;
}

mig_status_t roots_contain(const write_roots_t *r, const char *dir,
                           const char *path, bool *inside)
{
    *inside = false;
    char *name = roots_path(r, dir, path);
    if (!name)
        return MIG_ENOMEM;
    for (size_t i = 0; i < r->n && !*inside; i++)
        *inside = under(r->paths[i], name);
    free(name);
    return MIG_OK;
}

mig_status_t roots_text(const write_roots_t *r, strbuf_t *out)
{
    for (size_t i = 0; i < r->n; i++) {
        if (i == 0)
            strbuf_puts(out, "the plan's folder");
        else
            strbuf_printf(out, ", '%s'", r->given[i]);
    }
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

mig_status_t roots_check_args(const write_roots_t *r, const char *dir,
                              const action_arg_t *rows, const val_t *args,
                              const char **arg, const char **path)
{
    *arg = *path = NULL;
    for (const action_arg_t *a = rows; a && a->name; a++) {
        val_t *v = a->writes && val_type(args) == VAL_MAP
            ? val_map_get(args, a->name, strlen(a->name)) : NULL;
        if (!v || val_type(v) != VAL_STRING)
            continue;
        bool inside;
        if (roots_contain(r, dir, val_get_str(v, NULL), &inside) != MIG_OK)
            return MIG_ENOMEM;
        if (!inside) {
            *arg = a->name;
            *path = val_get_str(v, NULL);
            return MIG_OK;
        }
    }
    return MIG_OK;
}
