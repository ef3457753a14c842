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

/* The stores, the first that fits a path taking it: an http:// or
 * https:// URL is a remote registry, a path ending in .db a SQLite
 * database, any other a folder. */
static const reg_store_ops_t *const stores[] = { &registry_remote_ops,
                                                 &registry_sqlite_ops,
                                                 &registry_dir_ops };

static const reg_store_ops_t *store_for(const char *path)
{
    for (size_t i = 0; i < sizeof stores / sizeof *stores; i++)
        if (stores[i]->fits(path))
            return stores[i];
    return NULL;
}

mig_status_t registry_canonical(const val_t *v, strbuf_t *out)
{
    mig_status_t st = val_to_json(v, out, VAL_JSON_PRETTY | VAL_JSON_SORTED);
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
                         ".db, or a folder) or an http:// or https:// URL");
    const char *abs = (*ops)->url ? db : actx_path(c, db);
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
    if (!db || registry_remote_db(db))
        return MIG_OK;          /* a server's: there, or its requests say */
    /* The folder is checked where the plan's folder makes it, and named
     * as the plan wrote it. */
    const char *abs = actx_path(c, db);
    char *copy = abs ? strdup(abs) : NULL, *shown = strdup(db);
    mig_status_t st = copy && shown ? MIG_OK : MIG_ENOMEM;
    struct stat sb;
    if (st == MIG_OK && stat(copy, &sb) != 0) {
        const char *why = NULL;
        if (stat(dirname(copy), &sb) != 0)
            why = errno == ENOENT ? "does not exist" : strerror(errno);
        else if (!S_ISDIR(sb.st_mode))
            why = "is not a folder";
        if (why)
            st = actx_fail(c, "InvalidConfig", "registry: '%s' cannot be "
                           "created: '%s', the folder that would hold it, %s "
                           "(mig creates a registry, not the folders above "
                           "it)", db, dirname(shown), why);
    }
    free(copy);
    free(shown);
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

bool registry_has_alias(const val_t *rec, const char *alias)
{
    val_t *al = stdlib_arg(rec, "aliases");
    for (size_t i = 0; al && val_type(al) == VAL_LIST && i < val_len(al); i++) {
        val_t *a = val_list_get(al, i);
        if (val_type(a) == VAL_STRING && strcmp(val_get_str(a, NULL), alias) == 0)
            return true;
    }
    return false;
}

/* The store's own lookup when it has one and no previewed change of KIND
 * in DB is pending; else a scan of the records (pending ones included),
 * which gives the same record: the first by name. */
mig_status_t registry_find_alias(action_ctx_t *c, const char *db,
                                 const char *kind, const char *alias,
                                 val_t **out)
{
    const reg_store_ops_t *ops;
    reg_store_t *s;
    *out = NULL;
    bool pending = registry_pending_any(c, db, kind);
    mig_status_t st = registry_open_db(c, db, REG_READ, &ops, &s);
    if (st == MIG_OK && s && ops->get_alias && !pending) {
        st = ops->get_alias(c, s, kind, alias, out);
        ops->close(s);
        return st;
    }
    if (s)
        ops->close(s);
    val_t *all = NULL;
    if (st == MIG_OK)
        st = registry_list_records(c, db, kind, &all);
    for (size_t i = 0; st == MIG_OK && !*out && i < val_len(all); i++)
        if (registry_has_alias(val_list_get(all, i), alias))
            *out = val_ref(val_list_get(all, i));
    val_unref(all);
    return st;
}

/* Appends to OUT the state of a record whose stored text hashes to HEX
 * (NULL: there is no record): "record:" and HEX, or "absent". */
static mig_status_t put_state(const char *hex, strbuf_t *out)
{
    if (hex)
        strbuf_printf(out, "record:%s", hex);
    else
        strbuf_puts(out, "absent");
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

/* Stores REC (NULL: removes) as KIND NAME in DB, creating DB when REC is
 * a record; removing from a DB that is not there does nothing. */
static mig_status_t set_record(action_ctx_t *c, const char *db,
                               const char *kind, const char *name,
                               const val_t *rec, char hash[BLOB_HEX])
{
    const reg_store_ops_t *ops;
    reg_store_t *s;
    hash[0] = '\0';
    mig_status_t st = registry_open_db(c, db, rec ? REG_CREATE : REG_WRITE, &ops, &s);
    if (st == MIG_OK && s)
        st = ops->set(c, s, kind, name, rec, hash);
    if (s)
        ops->close(s);
    return st;
}

mig_status_t registry_set_record(action_ctx_t *c, const char *db,
                               const char *kind, const char *name,
                               const val_t *rec)
{
    char hash[BLOB_HEX];
    return set_record(c, db, kind, name, rec, hash);
}

mig_status_t registry_set_record_state(action_ctx_t *c, const char *db,
                                       const char *kind, const char *name,
                                       const val_t *rec)
{
    char hash[BLOB_HEX];
    mig_status_t st = set_record(c, db, kind, name, rec, hash);
    if (st != MIG_OK || registry_remote_db(db) || (rec && !hash[0]))
        return st;      /* the store did not say: read back as before */
    strbuf_t id, state;
    strbuf_init(&id);
    strbuf_init(&state);
    registry_make_id(db, kind, name, &id);
    st = put_state(rec ? hash : NULL, &state);
    if (st == MIG_OK)
        st = id.oom ? MIG_ENOMEM : actx_set_state(c, id.data, state.data);
    strbuf_free(&id);
    strbuf_free(&state);
    return st;
}

mig_status_t registry_parse_text(action_ctx_t *c, const char *text, size_t len,
                              const char *name, val_t **out)
{
    src_t *src = src_from_memory(name, text, len);
    if (!src)
        return MIG_ENOMEM;
    diag_list_t diags;
    diag_list_init(&diags);
    mig_status_t st = val_from_json(src, &diags, out);
    diag_list_free(&diags);
    src_free(src);
    if (st == MIG_EINVALID)
        st = actx_fail(c, "InvalidConfig", "registry: the record '%s' is "
                       "damaged (not JSON)", name);
    return st;
}

/* ---- the resource: "registry:DB#KIND/NAME" ----------------------------- */


mig_status_t registry_make_id(const char *db, const char *kind,
                            const char *name, strbuf_t *out)
{
    strbuf_printf(out, REGISTRY_ID_PREFIX "%s#%s/%s", db, kind, name);
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

mig_status_t registry_state_text(const val_t *rec,
                                 mig_status_t (*text)(const val_t *rec,
                                                      strbuf_t *out),
                                 strbuf_t *out)
{
    if (!rec)
        return put_state(NULL, out);
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = text(rec, &b);
    char hex[BLOB_HEX];
    if (st == MIG_OK) {
        blobs_hash(b.data ? b.data : "", b.len, hex);
        st = put_state(hex, out);
    }
    strbuf_free(&b);
    return st;
}

/* A local record's state: "absent", or "record:" and the BLAKE2b-256 of
 * its canonical JSON (status, aliases and times included: all a change
 * touches). */
static mig_status_t state_text(const val_t *rec, strbuf_t *out)
{
    return registry_state_text(rec, registry_canonical, out);
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
 * the path taken. Cheaper still, a store that keeps each record's hash
 * beside it and can vouch for it (get_state: the SQLite store of version
 * 3) gives it without the bytes being read at all. */
static struct {
    unsigned char (*slot)[32];  /* hashes as bytes; all zero: empty */
    size_t cap, n;              /* cap a power of two, n < cap / 2 */
} known;

/* HEX (64 hex digits) as 32 bytes into OUT. */
static void hex_bytes(const char *hex, unsigned char out[32])
{
    for (size_t i = 0; i < 32; i++) {
        unsigned v = 0;
        for (size_t j = 0; j < 2; j++) {
            char ch = hex[2 * i + j];
            v = v * 16 + (unsigned)(ch <= '9' ? ch - '0' : ch - 'a' + 10);
        }
        out[i] = (unsigned char)v;
    }
}

/* The slot of H in the known set: where it is, or the empty one where it
 * would go (the hashes are uniform: their first bytes are the index). */
static unsigned char *known_slot(const unsigned char h[32])
{
    size_t i;
    memcpy(&i, h, sizeof i);
    static const unsigned char empty[32];
    for (i &= known.cap - 1;; i = (i + 1) & (known.cap - 1))
        if (memcmp(known.slot[i], h, 32) == 0
            || memcmp(known.slot[i], empty, 32) == 0)
            return known.slot[i];
}

/* Doubles the known set; false when out of memory (it stays as it is). */
static bool known_grow(void)
{
    size_t cap = known.cap ? known.cap * 2 : 1024;
    unsigned char (*old)[32] = known.slot;
    size_t old_cap = known.cap;
    static const unsigned char empty[32];
    if (!(known.slot = calloc(cap, 32))) {
        known.slot = old;
        return false;
    }
    known.cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (memcmp(old[i], empty, 32) != 0)
            memcpy(known_slot(old[i]), old[i], 32);
    free(old);
    return true;
}

void registry_note_canonical(const char *hex)
{
    unsigned char h[32];
    hex_bytes(hex, h);
    if (known.n + 1 > known.cap / 2 && !known_grow())
        return;     /* not noted: such a text is parsed, as any other */
    unsigned char *at = known_slot(h);
    if (memcmp(at, h, 32) != 0) {
        memcpy(at, h, 32);
        known.n++;
    }
}

bool registry_known_canonical(const char *hex)
{
    unsigned char h[32];
    if (!known.cap)
        return false;
    hex_bytes(hex, h);
    return memcmp(known_slot(h), h, 32) == 0;
}

/* Whether HEX, the hash of a stored text, is known to be the hash of a
 * canonical text: noted, or "record:HEX" among EXPECT's strings. */
static bool known_canonical(const char *hex, const val_t *expect)
{
    if (registry_known_canonical(hex))
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
    char hex[BLOB_HEX];
    /* The hash the store keeps and vouches for, when it has one. */
    int found = REG_STATE_NONE;
    if (s && ops->get_state)
        st = ops->get_state(c, s, kind, name, hex, &found);
    if (st == MIG_OK && found != REG_STATE_NONE) {
        *done = true;
        ops->close(s);
        return put_state(found == REG_STATE_KEPT ? hex : NULL, out);
    }
    if (s && st == MIG_OK)
        st = ops->get_text(c, s, kind, name, &text, &len);
    if (st == MIG_OK && !text) {
        st = put_state(NULL, out);      /* no store, or no such row */
        *done = true;
    } else if (st == MIG_OK) {
        blobs_hash(text, len, hex);
        if ((*done = known_canonical(hex, expect)))
            st = put_state(hex, out);
    }
    free(text);
    if (s)
        ops->close(s);
    return st == MIG_OK && out->oom ? MIG_ENOMEM : st;
}

/* The parts of the record id ID ("registry:DB#KIND/NAME"): *DB and
 * *KIND new strings, *NAME in ID. MIG_OK; InvalidConfig through C when ID
 * is no record id or names no record kind (*DB and *KIND then NULL, when
 * C is NULL nothing reported); MIG_ENOMEM. */
static mig_status_t split_id(action_ctx_t *c, const char *id, char **db,
                             char **kind, const char **name)
{
    *db = *kind = NULL;
    const char *body = id + strlen(REGISTRY_ID_PREFIX);
    const char *hash = strrchr(body, '#');
    const char *slash = hash ? strchr(hash, '/') : NULL;
    if (strncmp(id, REGISTRY_ID_PREFIX, strlen(REGISTRY_ID_PREFIX)) != 0
        || !slash)
        return c ? actx_fail(c, "InvalidConfig", "registry: '%s' is no "
                             "registry record id (registry:DB#KIND/NAME)", id)
                 : MIG_EINVALID;
    *db = strndup(body, (size_t)(hash - body));
    *kind = strndup(hash + 1, (size_t)(slash - hash - 1));
    *name = slash + 1;
    mig_status_t st = *db && *kind ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK && !registry_kind_table(*kind))
        st = c ? actx_fail(c, "InvalidConfig", "registry: '%s' names no "
                           "record kind", id) : MIG_EINVALID;
    if (st != MIG_OK) {
        free(*db);
        free(*kind);
        *db = *kind = NULL;
    }
    return st;
}

mig_status_t registry_record_state(action_ctx_t *c, const char *id,
                                   const val_t *expect, strbuf_t *out)
{
    char *db, *kind;
    const char *name;
    mig_status_t st = split_id(c, id, &db, &kind, &name);
    bool done = false;
    if (st == MIG_OK && registry_remote_db(db)) {
        st = registry_remote_state(c, db, kind, name, out);
        done = true;
    }
    if (st == MIG_OK && !done)
        st = state_unparsed(c, db, kind, name, expect, out, &done);
    val_t *rec = NULL;
    if (st == MIG_OK && !done)
        st = registry_get_record(c, db, kind, name, &rec);
    if (st == MIG_OK && !done)
        st = state_text(rec, out);
    val_unref(rec);
    free(db);
    free(kind);
    return st;
}

/* ---- many states together -------------------------------------------------
 * A rollback reads the state of every record its run put, before it
 * undoes them and after: one query per database and kind (the store's
 * get_states) rather than one a record. The states come from the hashes
 * a store vouches for (get_state); a record without one, a remote
 * registry, a database that cannot be opened, an id that is no record's,
 * are left to registry_record_state, one by one. */

/* The ids of one database and kind (pointers into the caller's list),
 * their names beside them. */
typedef struct states_group {
    char *db, *kind;
    const char **ids, **names;
    size_t *lens, n, cap;
} states_group_t;

#define STATES_GROUPS 16    /* more (db, kind) pairs: read one by one */

/* Adds ID (NAME, LEN bytes, in it) to the group of DB and KIND in G (*N
 * of them), made when missing and there is room. Takes DB and KIND.
 * MIG_OK (also when out of room: ID is then read one by one) or
 * MIG_ENOMEM. */
static mig_status_t states_add(states_group_t *g, size_t *n, char *db,
                               char *kind, const char *id, const char *name)
{
    size_t i = 0;
    while (i < *n && (strcmp(g[i].db, db) || strcmp(g[i].kind, kind)))
        i++;
    if (i < *n || *n == STATES_GROUPS) {
        free(db);
        free(kind);
        if (i == *n)
            return MIG_OK;
    } else
        g[(*n)++] = (states_group_t){ .db = db, .kind = kind };
    states_group_t *gr = &g[i];
    if (gr->n == gr->cap) {
        size_t cap = gr->cap ? gr->cap * 2 : 64;
        const char **ids = realloc(gr->ids, cap * sizeof *ids);
        if (ids)
            gr->ids = ids;
        const char **names = ids ? realloc(gr->names, cap * sizeof *names)
                                 : NULL;
        if (names)
            gr->names = names;
        size_t *lens = names ? realloc(gr->lens, cap * sizeof *lens) : NULL;
        if (!lens)
            return MIG_ENOMEM;
        gr->lens = lens;
        gr->cap = cap;
    }
    gr->ids[gr->n] = id;
    gr->names[gr->n] = name;
    gr->lens[gr->n++] = strlen(name);
    return MIG_OK;
}

/* The states of group G's records the store can tell, into OUT. */
static mig_status_t group_states(action_ctx_t *c, const states_group_t *g,
                                 val_t *out)
{
    const reg_store_ops_t *ops;
    reg_store_t *s;
    /* A database that cannot be opened: its ids are read one by one,
     * which report why. */
    if (registry_open_db(c, g->db, REG_READ, &ops, &s) != MIG_OK)
        return MIG_OK;
    char (*hex)[BLOB_HEX] = malloc(g->n * sizeof *hex);
    int *found = malloc(g->n * sizeof *found);
    mig_status_t st = hex && found ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < g->n; i++)
        found[i] = s ? REG_STATE_NONE : REG_STATE_ABSENT;   /* no database */
    if (st == MIG_OK && s && ops->get_states)
        st = ops->get_states(c, s, g->kind, g->names, g->lens, g->n, hex,
                             found);
    if (s)
        ops->close(s);
    char state[7 + BLOB_HEX] = "record:";
    for (size_t i = 0; st == MIG_OK && i < g->n; i++) {
        if (found[i] == REG_STATE_NONE)
            continue;       /* read one by one */
        if (found[i] == REG_STATE_KEPT)
            memcpy(state + 7, hex[i], BLOB_HEX);
        st = val_map_set_take(out, g->ids[i], strlen(g->ids[i]),
                              found[i] == REG_STATE_KEPT
                              ? val_string(state, 7 + BLOB_HEX - 1)
                              : val_cstring("absent"));
    }
    free(hex);
    free(found);
    return st;
}

mig_status_t registry_records_states(action_ctx_t *c, const val_t *ids,
                                     val_t *out)
{
    states_group_t g[STATES_GROUPS];
    size_t n = 0;
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < val_len(ids); i++) {
        const char *id = val_get_str(val_list_get(ids, i), NULL);
        char *db, *kind;
        const char *name;
        mig_status_t sp = split_id(NULL, id, &db, &kind, &name);
        if (sp == MIG_OK && registry_remote_db(db)) {
            free(db);
            free(kind);
        } else if (sp == MIG_OK)
            st = states_add(g, &n, db, kind, id, name);
        else if (sp == MIG_ENOMEM)
            st = sp;        /* else reported when read one by one */
    }
    for (size_t i = 0; i < n; i++) {
        if (st == MIG_OK)
            st = group_states(c, &g[i], out);
        free(g[i].db);
        free(g[i].kind);
        free(g[i].ids);
        free(g[i].names);
        free(g[i].lens);
    }
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

mig_status_t registry_list_texts(action_ctx_t *c, const char *db,
                                 const char *kind, val_t **out)
{
    const reg_store_ops_t *ops;
    reg_store_t *s;
    *out = NULL;
    mig_status_t st = registry_open_db(c, db, REG_READ, &ops, &s);
    if (st == MIG_OK && s && ops->list_text)
        st = ops->list_text(c, s, kind, out);
    else if (st == MIG_OK && !s && ops->list_text) {
        *out = val_list_new(0);
        st = *out ? MIG_OK : MIG_ENOMEM;
    }
    if (s)
        ops->close(s);
    return st;
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
