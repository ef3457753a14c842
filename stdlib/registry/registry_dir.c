/* registry_dir.c: the folder store of the V2 registry (any path not
 * ending in .db): one file per record, tools/NAME.json,
 * servers/NAME.json, backends/NAME.json, each the record's canonical
 * JSON (keys sorted, two-space indent, a final newline), written
 * atomically, so that a team can keep the registry in git. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "registry_int.h"

struct reg_store {
    char *dir;                  /* absolute */
};

static bool dir_fits(const char *path)
{
    size_t n = strlen(path);
    return n > 0 && !(n > 3 && strcmp(path + n - 3, ".db") == 0);
}

static mig_status_t dir_open(action_ctx_t *c, const char *abs,
                             reg_mode_t mode, reg_store_t **out)
{
    *out = NULL;
    struct stat sb;
    if (actx_stat(c, abs, &sb) != 0) {
        if (errno != ENOENT)
            return actx_fail(c, "Unavailable", "registry: cannot read '%s': "
                             "%s", abs, strerror(errno));
        if (mode != REG_CREATE)
            return MIG_OK;
        mig_status_t st = actx_mkdir(c, abs);
        if (st != MIG_OK)
            return st;
    } else if (!S_ISDIR(sb.st_mode))
        return actx_fail(c, "InvalidConfig", "registry: '%s' is not a folder "
                         "(a SQLite registry is a path ending in .db)", abs);
    reg_store_t *s = malloc(sizeof *s);
    if (!s || !(s->dir = strdup(abs))) {
        free(s);
        return MIG_ENOMEM;
    }
    *out = s;
    return MIG_OK;
}

static void dir_close(reg_store_t *s)
{
    if (s) {
        free(s->dir);
        free(s);
    }
}

/* S's folder for KIND into OUT (reset first), and with NAME the file. */
static void path_of(const reg_store_t *s, const char *kind, const char *name,
                    strbuf_t *out)
{
    out->len = 0;
    strbuf_printf(out, "%s/%s", s->dir, registry_kind_table(kind));
    if (name)
        strbuf_printf(out, "/%s.json", name);
}

/* Reads the record file PATH (named NAME) into *OUT: NULL when it is not
 * there; a file that is not JSON is damaged (InvalidConfig). */
static mig_status_t read_record(action_ctx_t *c, const char *path,
                                const char *name, val_t **out)
{
    *out = NULL;
    struct stat sb;
    if (actx_stat(c, path, &sb) != 0)
        return errno == ENOENT ? MIG_OK
            : actx_fail(c, "Unavailable", "registry: cannot read '%s': %s",
                        path, strerror(errno));
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = actx_read_file(c, path, &b);
    src_t *src = st == MIG_OK
        ? src_from_memory(path, b.data ? b.data : "", b.len) : NULL;
    strbuf_free(&b);
    if (st != MIG_OK)
        return st;
    if (!src)
        return MIG_ENOMEM;
    diag_list_t diags;
    diag_list_init(&diags);
    st = val_from_json(src, &diags, out);
    diag_list_free(&diags);
    src_free(src);
    if (st == MIG_EINVALID)
        st = actx_fail(c, "InvalidConfig", "registry: the record '%s' is "
                       "damaged: '%s' is not JSON", name, path);
    return st;
}

static mig_status_t dir_get(action_ctx_t *c, reg_store_t *s, const char *kind,
                            const char *name, val_t **out)
{
    *out = NULL;
    if (!registry_name_ok(name))        /* never a path outside the folder */
        return MIG_OK;
    strbuf_t p;
    strbuf_init(&p);
    path_of(s, kind, name, &p);
    mig_status_t st = p.oom ? MIG_ENOMEM : read_record(c, p.data, name, out);
    strbuf_free(&p);
    return st;
}

static mig_status_t dir_set(action_ctx_t *c, reg_store_t *s, const char *kind,
                            const char *name, const val_t *rec,
                            char hash[BLOB_HEX])
{
    if (!registry_name_ok(name))
        return actx_fail(c, "ValidationFailed", "registry: '%s' does not "
                         "match ^[a-zA-Z0-9_-]{1,64}$", name);
    strbuf_t p, b;
    strbuf_init(&p);
    strbuf_init(&b);
    path_of(s, kind, NULL, &p);
    mig_status_t st = p.oom ? MIG_ENOMEM : MIG_OK;
    struct stat sb;
    if (st == MIG_OK && rec && actx_stat(c, p.data, &sb) != 0)
        st = actx_mkdir(c, p.data);
    path_of(s, kind, name, &p);
    if (st == MIG_OK && p.oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK && rec) {
        st = registry_canonical(rec, &b);
        if (st == MIG_OK)
            st = actx_write_file(c, p.data, b.data ? b.data : "", b.len);
        if (st == MIG_OK)
            blobs_hash(b.data ? b.data : "", b.len, hash);
    } else if (st == MIG_OK && actx_stat(c, p.data, &sb) == 0)
        st = actx_remove(c, p.data);
    strbuf_free(&p);
    strbuf_free(&b);
    return st;
}

static int cmp_names(const void *a, const void *b)
{
    const char *x = stdlib_arg_str(*(val_t *const *)a, "name");
    const char *y = stdlib_arg_str(*(val_t *const *)b, "name");
    return strcmp(x ? x : "", y ? y : "");
}

/* A new list of the records of L ordered by name, bytewise, as SQLite
 * orders them (file names order "a-b.json" before "a.json"). */
static val_t *by_name(const val_t *l)
{
    size_t n = val_len(l);
    val_t **v = malloc((n ? n : 1) * sizeof *v);
    val_t *out = v ? val_list_new(n) : NULL;
    for (size_t i = 0; out && i < n; i++)
        v[i] = val_list_get(l, i);
    if (out)
        qsort(v, n, sizeof *v, cmp_names);
    for (size_t i = 0; out && i < n; i++)
        if (val_list_push(out, v[i]) != MIG_OK) {
            val_unref(out);
            out = NULL;
        }
    free(v);
    return out;
}

static mig_status_t dir_list(action_ctx_t *c, reg_store_t *s, const char *kind,
                             val_t **out)
{
    strbuf_t p;
    strbuf_init(&p);
    path_of(s, kind, NULL, &p);
    val_t *files = NULL, *l = val_list_new(8);
    struct stat sb;
    mig_status_t st = p.oom || !l ? MIG_ENOMEM : MIG_OK;
    if (st == MIG_OK && actx_stat(c, p.data, &sb) == 0)
        st = actx_list_dir(c, p.data, "*.json", &files);
    for (size_t i = 0; st == MIG_OK && files && i < val_len(files); i++) {
        const char *f = val_get_str(val_list_get(files, i), NULL);
        const char *base = strrchr(f, '/') ? strrchr(f, '/') + 1 : f;
        val_t *rec;
        st = read_record(c, f, base, &rec);
        if (st == MIG_OK && rec)
            st = val_list_push_take(l, rec);
    }
    val_unref(files);
    strbuf_free(&p);
    val_t *sorted = st == MIG_OK ? by_name(l) : NULL;
    val_unref(l);
    if (st == MIG_OK && !sorted)
        st = MIG_ENOMEM;
    if (st != MIG_OK)
        return st;
    *out = sorted;
    return MIG_OK;
}

const reg_store_ops_t registry_dir_ops = {
    .name = "folder", .fits = dir_fits, .open = dir_open,
    .close = dir_close, .get = dir_get, .set = dir_set, .list = dir_list,
};
