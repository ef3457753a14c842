/* registry_store.c: what the registry's actions stand on: the record
 * kinds, canonical JSON, the stores (the first whose fits takes the
 * path), reading and writing one record, and the state of a record as
 * rollback verification sees it (runtime.h, "managed resources"). */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>

#include "registry_int.h"

/* ---- kinds, stores, canonical JSON ------------------------------------- */

static const struct {
    const char *kind, *table;
} kinds[] = {
    { "tool", "tools" }, { "server", "servers" }, { "rag", "backends" },
};

const char *registry_kind_table(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return kinds[i].table;
    return NULL;
}

const char *registry_kind_at(size_t i)
{
    return i < sizeof kinds / sizeof *kinds ? kinds[i].kind : NULL;
}

bool registry_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 1 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

/* The stores, the first that fits a path taking it: a path ending in
 * .db is a SQLite database, any other a folder. */
static const reg_store_ops_t *const stores[] = { &registry_sqlite_ops,
                                                 &registry_dir_ops };

static const reg_store_ops_t *store_for(const char *path)
{
    for (size_t i = 0; i < sizeof stores / sizeof *stores; i++)
        if (stores[i]->fits(path))
            return stores[i];
    return NULL;
}

static int cmp_key_vals(const void *a, const void *b)
{
    size_t lx, ly;
    const char *x = val_get_str(val_map_key(*(val_t *const *)a, 0), &lx);
    const char *y = val_get_str(val_map_key(*(val_t *const *)b, 0), &ly);
    int c = memcmp(x, y, lx < ly ? lx : ly);
    return c ? c : (lx > ly) - (lx < ly);
}

/* A copy of V whose maps have their keys in byte order; NULL when out of
 * memory. */
static val_t *sorted_copy(const val_t *v)
{
    if (val_type(v) == VAL_LIST) {
        val_t *l = val_list_new(val_len(v));
        for (size_t i = 0; l && i < val_len(v); i++)
            if (val_list_push_take(l, sorted_copy(val_list_get(v, i)))
                != MIG_OK) {
                val_unref(l);
                return NULL;
            }
        return l;
    }
    if (val_type(v) != VAL_MAP)
        return val_ref((val_t *)v);
    size_t n = val_len(v);
    /* Each entry as a one-entry map, sorted, then joined. */
    val_t **e = malloc((n ? n : 1) * sizeof *e);
    val_t *m = e ? val_map_new(n) : NULL;
    size_t made = 0;
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    for (; st == MIG_OK && made < n; made++) {
        e[made] = val_map_new(1);
        st = e[made] ? val_map_set_key_take(e[made],
                                            val_ref(val_map_key(v, made)),
                                            sorted_copy(val_map_value(v, made)))
                     : MIG_ENOMEM;
        if (!e[made])
            break;
    }
    if (st == MIG_OK) {
        qsort(e, n, sizeof *e, cmp_key_vals);
        for (size_t i = 0; st == MIG_OK && i < n; i++)
            st = val_map_set_key_take(m, val_ref(val_map_key(e[i], 0)),
                                      val_ref(val_map_value(e[i], 0)));
    }
    for (size_t i = 0; i < made; i++)
        val_unref(e[i]);
    free(e);
    if (st != MIG_OK) {
        val_unref(m);
        return NULL;
    }
    return m;
}

mig_status_t registry_canonical(const val_t *v, strbuf_t *out)
{
    val_t *s = sorted_copy(v);
    if (!s)
        return MIG_ENOMEM;
    mig_status_t st = val_to_json(s, out, VAL_JSON_PRETTY);
    val_unref(s);
    strbuf_putc(out, '\n');
    return st == MIG_OK && out->oom ? MIG_ENOMEM : st;
}

/* Opens DB (as the plan wrote it) in MODE; *S NULL when it is not there
 * (and MODE is not REG_CREATE). */
mig_status_t registry_open_db(action_ctx_t *c, const char *db, reg_mode_t mode,
                            const reg_store_ops_t **ops, reg_store_t **s)
{
    *s = NULL;
    *ops = db ? store_for(db) : NULL;
    if (!*ops)
        return actx_fail(c, "InvalidConfig", "registry: the registry must "
                         "be named by a path (a SQLite database ending in "
                         ".db, or a folder)");
    const char *abs = actx_path(c, db);
    if (!abs)
        return MIG_ENOMEM;
    char *copy = strdup(abs);
    if (!copy)
        return MIG_ENOMEM;
    mig_status_t st = (*ops)->open(c, copy, mode, s);
    free(copy);
    return st;
}

mig_status_t registry_can_create(action_ctx_t *c, const char *db)
{
    const char *abs = db ? actx_path(c, db) : NULL;
    char *copy = abs ? strdup(abs) : NULL;
    if (!copy)
        return db ? MIG_ENOMEM : MIG_OK;
    struct stat sb;
    mig_status_t st = MIG_OK;
    /* COPY is the path as the plan's folder reaches it already: stat, not
     * actx_stat, which would join that folder again. */
    if (stat(copy, &sb) != 0) {
        const char *parent = dirname(copy);
        const char *why = NULL;
        if (stat(parent, &sb) != 0)
            why = errno == ENOENT ? "does not exist" : strerror(errno);
        else if (!S_ISDIR(sb.st_mode))
            why = "is not a folder";
        if (why)
            st = actx_fail(c, "InvalidConfig", "registry: '%s' cannot be "
                           "created: '%s', the folder that would hold it, %s "
                           "(mig creates a registry, not the folders above "
                           "it)", db, parent, why);
    }
    free(copy);
    return st;
}

/* The record KIND NAME of DB, a new value or *OUT NULL (DB missing too);
 * in a dry run, as earlier previewed steps would leave it. */
mig_status_t registry_get_record(action_ctx_t *c, const char *db,
                               const char *kind, const char *name,
                               val_t **out)
{
    const reg_store_ops_t *ops;
    reg_store_t *s;
    *out = NULL;
    bool found;
    mig_status_t st = registry_pending_get(c, db, kind, name, &found, out);
    if (st != MIG_OK || found)
        return st;
    st = registry_open_db(c, db, REG_READ, &ops, &s);
    if (st == MIG_OK && s)
        st = ops->get(c, s, kind, name, out);
    if (s)
        ops->close(s);
    return st;
}

/* Stores REC (NULL: removes) as KIND NAME in DB, creating DB when REC is
 * a record; removing from a DB that is not there does nothing. */
mig_status_t registry_set_record(action_ctx_t *c, const char *db,
                               const char *kind, const char *name,
                               const val_t *rec)
{
    const reg_store_ops_t *ops;
    reg_store_t *s;
    mig_status_t st = registry_open_db(c, db, rec ? REG_CREATE : REG_WRITE, &ops, &s);
    if (st == MIG_OK && s)
        st = ops->set(c, s, kind, name, rec);
    if (s)
        ops->close(s);
    return st;
}

/* ---- the resource: "registry:DB#KIND/NAME" ----------------------------- */


mig_status_t registry_make_id(const char *db, const char *kind,
                            const char *name, strbuf_t *out)
{
    strbuf_printf(out, REGISTRY_ID_PREFIX "%s#%s/%s", db, kind, name);
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

/* "absent", or "record:" and the BLAKE2b-256 of the record's canonical
 * JSON (status, aliases and times included: all a change touches). */
static mig_status_t state_text(const val_t *rec, strbuf_t *out)
{
    if (!rec) {
        strbuf_puts(out, "absent");
        return out->oom ? MIG_ENOMEM : MIG_OK;
    }
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = registry_canonical(rec, &b);
    char hex[BLOB_HEX];
    if (st == MIG_OK) {
        blobs_hash(b.data ? b.data : "", b.len, hex);
        strbuf_printf(out, "record:%s", hex);
        st = out->oom ? MIG_ENOMEM : MIG_OK;
    }
    strbuf_free(&b);
    return st;
}

/* ---- reading a state without parsing ------------------------------------
 * A rollback reads the state of every record its run put, and a run the
 * state of each record it has just put: parsing the stored JSON, writing
 * it out again in canonical form and hashing that is most of what a
 * record costs. When the stored bytes are known to be canonical JSON,
 * their own hash is the state. They are known so when their hash is that
 * of a text this process stored (registry_note_canonical), or when
 * "record:" and their hash is one of the states the caller expects (a
 * state is the hash of a canonical text: bytes with that hash are that
 * text, BLAKE2b-256 collisions aside). Any other bytes (a row another
 * program wrote) are parsed as before, so the state never depends on
 * the path taken. */
static char known[REGISTRY_KNOWN][BLOB_HEX];
static size_t n_known, next_known;

void registry_note_canonical(const char *text, size_t len)
{
    blobs_hash(text, len, known[next_known]);
    next_known = (next_known + 1) % REGISTRY_KNOWN;
    if (n_known < REGISTRY_KNOWN)
        n_known++;
}

/* Whether HEX, the hash of a stored text, is known to be the hash of a
 * canonical text: noted, or "record:HEX" among EXPECT's strings. */
static bool known_canonical(const char *hex, const val_t *expect)
{
    for (size_t i = 0; i < n_known; i++)
        if (strcmp(known[i], hex) == 0)
            return true;
    for (size_t i = 0; expect && i < val_len(expect); i++) {
        const val_t *e = val_list_get(expect, i);
        size_t n = 0;
        const char *st = val_type(e) == VAL_STRING ? val_get_str(e, &n)
                                                   : NULL;
        if (st && n == 7 + strlen(hex) && strncmp(st, "record:", 7) == 0
            && strcmp(st + 7, hex) == 0)
            return true;
    }
    return false;
}

/* The state of record KIND NAME of DB into OUT when its stored bytes are
 * known canonical (*DONE true); else *DONE false and OUT untouched. */
static mig_status_t state_unparsed(action_ctx_t *c, const char *db,
                                   const char *kind, const char *name,
                                   const val_t *expect, strbuf_t *out,
                                   bool *done)
{
    const reg_store_ops_t *ops;
    reg_store_t *s;
    *done = false;
    mig_status_t st = registry_open_db(c, db, REG_READ, &ops, &s);
    if (st != MIG_OK || !ops->get_text) {
        if (s)
            ops->close(s);
        return st;
    }
    char *text = NULL;
    size_t len = 0;
    if (s)
        st = ops->get_text(c, s, kind, name, &text, &len);
    char hex[BLOB_HEX];
    if (st == MIG_OK && !text) {
        strbuf_puts(out, "absent");     /* no store, or no such row */
        *done = true;
    } else if (st == MIG_OK) {
        blobs_hash(text, len, hex);
        if ((*done = known_canonical(hex, expect)))
            strbuf_printf(out, "record:%s", hex);
    }
    free(text);
    if (s)
        ops->close(s);
    return st == MIG_OK && out->oom ? MIG_ENOMEM : st;
}

mig_status_t registry_record_state(action_ctx_t *c, const char *id,
                                   const val_t *expect, strbuf_t *out)
{
    const char *body = id + strlen(REGISTRY_ID_PREFIX);
    const char *hash = strrchr(body, '#');
    const char *slash = hash ? strchr(hash, '/') : NULL;
    if (strncmp(id, REGISTRY_ID_PREFIX, strlen(REGISTRY_ID_PREFIX)) != 0 || !slash)
        return actx_fail(c, "InvalidConfig", "registry: '%s' is no registry "
                         "record id (registry:DB#KIND/NAME)", id);
    char *db = strndup(body, (size_t)(hash - body));
    char *kind = strndup(hash + 1, (size_t)(slash - hash - 1));
    mig_status_t st = db && kind ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK && !registry_kind_table(kind))
        st = actx_fail(c, "InvalidConfig", "registry: '%s' names no record "
                       "kind", id);
    bool done = false;
    if (st == MIG_OK)
        st = state_unparsed(c, db, kind, slash + 1, expect, out, &done);
    val_t *rec = NULL;
    if (st == MIG_OK && !done)
        st = registry_get_record(c, db, kind, slash + 1, &rec);
    if (st == MIG_OK && !done)
        st = state_text(rec, out);
    val_unref(rec);
    free(db);
    free(kind);
    return st;
}

/* The records of KIND in DB (an empty list when DB is not there). */
mig_status_t registry_list_records(action_ctx_t *c, const char *db,
                                 const char *kind, val_t **out)
{
    const reg_store_ops_t *ops;
    reg_store_t *s;
    mig_status_t st = registry_open_db(c, db, REG_READ, &ops, &s);
    if (st == MIG_OK && s)
        st = ops->list(c, s, kind, out);
    else if (st == MIG_OK) {
        *out = val_list_new(0);
        st = *out ? MIG_OK : MIG_ENOMEM;
    }
    if (s)
        ops->close(s);
    /* In a dry run, as earlier previewed steps would leave them. */
    return st == MIG_OK ? registry_pending_list(c, db, kind, out) : st;
}

mig_status_t registry_list_page(action_ctx_t *c, const char *db,
                                const char *kind, const char *after,
                                size_t limit, val_t **out)
{
    const reg_store_ops_t *ops;
    reg_store_t *s;
    *out = NULL;
    mig_status_t st = registry_open_db(c, db, REG_READ, &ops, &s);
    if (st == MIG_OK && s && ops->list_page) {
        st = ops->list_page(c, s, kind, after, limit, out);
        ops->close(s);
        return st;
    }
    if (s)
        ops->close(s);
    val_t *all = NULL;
    if (st == MIG_OK)
        st = registry_list_records(c, db, kind, &all);
    val_t *page = st == MIG_OK ? val_list_new(limit < 64 ? limit : 64) : NULL;
    if (st == MIG_OK && !page)
        st = MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(all)
                       && val_len(page) < limit; i++) {
        const char *name = stdlib_arg_str(val_list_get(all, i), "name");
        if (!after || (name && strcmp(name, after) > 0))
            st = val_list_push(page, val_list_get(all, i));
    }
    val_unref(all);
    if (st != MIG_OK) {
        val_unref(page);
        return st;
    }
    *out = page;
    return MIG_OK;
}
