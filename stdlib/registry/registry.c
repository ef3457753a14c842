/* registry.c: the registry.* actions over the V2 registry's stores
 * (registry_int.h, registry_store.c), and their table. Reading actions
 * (registry_read.c) are pure; changing ones undo themselves: capture
 * keeps the record as it was (its before-image, a descriptor or null) and
 * declares it a resource, "registry:DB#KIND/NAME"; undo puts it back
 * exactly. Every record a changing action would store is validated first
 * (registry_validate.c), and its preview says what would become of the
 * record, field by field (registry_plan.c). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "normalize_int.h"
#include "registry_int.h"

/* ---- arguments ----------------------------------------------------------- */

/* KIND of ARGS ("tool" when not given), checked for ACTION: NULL (reported) when it
 * is no record kind, or the db and token do not fit (db_args_ok). */
const char *registry_kind_arg(action_ctx_t *c, const char *action,
                              const val_t *args)
{
    if (registry_remote_args_ok(c, action, args) != MIG_OK)
        return NULL;
    const char *kind = stdlib_arg_str(args, "kind");
    if (!kind)
        kind = "tool";
    if (!registry_kind_table(kind)) {
        actx_fail(c, "InvalidConfig", "%s: '%s' is no record kind (tool, "
                  "server, rag)", action, kind);
        return NULL;
    }
    return kind;
}

/* The record's name and kind, checked. */
static mig_status_t record_ids(action_ctx_t *c, const val_t *rec,
                               const char **kind, const char **name)
{
    if (val_type(rec) != VAL_MAP)
        return actx_fail(c, "ValidationFailed", "registry.put: the record "
                         "must be a map, not %s",
                         val_type_name(val_type(rec)));
    *kind = stdlib_arg_str(rec, "kind");
    *name = stdlib_arg_str(rec, "name");
    if (!registry_kind_table(*kind))
        return actx_fail(c, "ValidationFailed", "registry.put: the record's "
                         "kind must be \"tool\", \"server\" or \"rag\"");
    if (!registry_name_ok(*name))
        return actx_fail(c, "ValidationFailed", "registry.put: the record's "
                         "name must match ^[a-zA-Z0-9_-]{1,64}$");
    return MIG_OK;
}

/* "blake2b:" and the hash of REC's canonical JSON without digest,
 * created, updated and status, into OUT (BLOB_HEX + 8 bytes): the
 * digest tools.normalize gives (docs/registry.md, "The digest"), so that
 * a plan can compare a stored record with the descriptor it put. */
static mig_status_t content_digest(const val_t *rec, char *out)
{
    return tools_descriptor_digest(rec, out);
}

/* The time now as RFC 3339 UTC into OUT (21 bytes). */
static void now_text(char out[21])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Where REC came from, for messages: "FILE POINTER" or "unknown". */
static void provenance_text(const val_t *rec, strbuf_t *out)
{
    val_t *p = rec ? stdlib_arg(rec, "provenance") : NULL;
    const char *file = p && val_type(p) == VAL_MAP
        ? stdlib_arg_str(p, "file") : NULL;
    const char *ptr = file ? stdlib_arg_str(p, "pointer") : NULL;
    if (!file)
        strbuf_puts(out, "an unknown source");
    else if (ptr && *ptr)
        strbuf_printf(out, "%s#%s", file, ptr);
    else
        strbuf_puts(out, file);
}

/* ---- capture and undo ---------------------------------------------------- */

/* The undo record of every changing registry action: {db, kind, name,
 * before}, BEFORE the record as it was (null when there was none). */
static mig_status_t keep_record(action_ctx_t *c, const char *db,
                                const char *kind, const char *name,
                                val_t **out)
{
    strbuf_t id;
    strbuf_init(&id);
    val_t *before = NULL, *rec = NULL;
    mig_status_t st = registry_make_id(db, kind, name, &id);
    if (st == MIG_OK)
        st = registry_get_record(c, db, kind, name, &before);
    if (st == MIG_OK)
        st = resource_declare(c, id.data);
    if (st == MIG_OK) {
        rec = val_map_new(4);
        st = rec ? MIG_OK : MIG_ENOMEM;
    }
    if (st == MIG_OK)
        st = val_map_set_take(rec, "db", 2, val_cstring(db));
    if (st == MIG_OK)
        st = val_map_set_take(rec, "kind", 4, val_cstring(kind));
    if (st == MIG_OK)
        st = val_map_set_take(rec, "name", 4, val_cstring(name));
    if (st == MIG_OK) {
        st = val_map_set_take(rec, "before", 6, before ? before : val_null());
        before = NULL;
    }
    val_unref(before);
    strbuf_free(&id);
    if (st != MIG_OK) {
        val_unref(rec);
        return st;
    }
    *out = rec;
    return MIG_OK;
}

/* Puts back the record an undo record kept: idempotent. */
static mig_status_t registry_undo(action_ctx_t *c, const val_t *rec,
                                  val_t **out)
{
    const char *db = val_type(rec) == VAL_MAP ? stdlib_arg_str(rec, "db")
                                              : NULL;
    const char *kind = db ? stdlib_arg_str(rec, "kind") : NULL;
    const char *name = db ? stdlib_arg_str(rec, "name") : NULL;
    val_t *before = db ? stdlib_arg(rec, "before") : NULL;
    if (!db || !registry_kind_table(kind) || !name || !before)
        return actx_fail(c, "InvalidConfig", "registry: a malformed undo "
                         "record");
    if (registry_remote_db(db))
        return registry_remote_undo(c, rec, out);
    mig_status_t st = registry_set_record(c, db, kind, name,
                                 val_type(before) == VAL_NULL ? NULL : before);
    if (st == MIG_OK)
        *out = val_null();
    return st;
}

/* *OUT gets the bool B; MIG_OK. */
static mig_status_t give_bool(val_t **out, bool b)
{
    *out = val_bool(b);
    return MIG_OK;
}

mig_status_t registry_outcome(const char *kind, const char *name,
                              const char *outcome, const char *digest,
                              val_t **out)
{
    val_t *m = val_map_new(4);
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(m, "kind", 4, val_cstring(kind));
    if (st == MIG_OK)
        st = val_map_set_take(m, "name", 4, val_cstring(name));
    if (st == MIG_OK)
        st = val_map_set_take(m, "outcome", 7, val_cstring(outcome));
    if (st == MIG_OK)
        st = val_map_set_take(m, "digest", 6,
                              digest ? val_cstring(digest) : val_null());
    if (st != MIG_OK) {
        val_unref(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}

/* ---- registry.put -------------------------------------------------------- */

/* REC as the registry stores it (a new value in *OUT): with its content
 * DIGEST, its status (the record's own, else "active"), created kept from
 * HAVE (the record it replaces, or NULL), updated now. */
static mig_status_t stored_form(const val_t *rec, const val_t *have,
                                const char *digest, val_t **out)
{
    char now[21];
    now_text(now);
    val_t *m = val_copy(rec);
    val_t *created = have ? stdlib_arg(have, "created") : NULL;
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(m, "digest", 6, val_cstring(digest));
    if (st == MIG_OK && !stdlib_arg(rec, "status"))
        st = val_map_set_take(m, "status", 6, val_cstring("active"));
    if (st == MIG_OK)
        st = val_map_set_take(m, "created", 7, created ? val_ref(created)
                                                       : val_cstring(now));
    if (st == MIG_OK)
        st = val_map_set_take(m, "updated", 7, val_cstring(now));
    if (st != MIG_OK) {
        val_unref(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}

/* What a put of ARGS would do: *HAVE the record there now (new, or NULL),
 * *NEXT the record it would store (new, valid: else ValidationFailed,
 * reported), *OUTCOME "added", "kept", "replaced" or "conflict" (the
 * records differ and replace is not true: the caller fails with
 * put_conflict). DIGEST gets the new content digest. */
static mig_status_t put_plan(action_ctx_t *c, const val_t *args,
                             val_t **have, val_t **next,
                             const char **outcome,
                             char digest[BLOB_HEX + 8])
{
    const char *db = stdlib_arg_str(args, "db");
    const val_t *rec = stdlib_arg(args, "record");
    val_t *replace = stdlib_arg(args, "replace");
    const char *kind, *name;
    *have = *next = NULL;
    mig_status_t st = registry_remote_args_ok(c, "registry.put", args);
    if (st == MIG_OK)
        st = record_ids(c, rec, &kind, &name);
    /* A descriptor tools.normalize gave and validated as stored (its
     * digest known) is stored as validated when nothing is there: the
     * fields the put sets (digest, status "active" when it has none,
     * created and updated now) are valid by construction. Anything else,
     * and a record that replaces one (created kept from it), is
     * validated here. */
    const char *known = st == MIG_OK ? registry_known_valid(rec, kind) : NULL;
    if (known)
        snprintf(digest, BLOB_HEX + 8, "%s", known);
    else if (st == MIG_OK)
        st = content_digest(rec, digest);
    if (st == MIG_OK)
        st = registry_get_record(c, db, kind, name, have);
    if (st == MIG_OK)
        st = stored_form(rec, *have, digest, next);
    if (st == MIG_OK && (!known || *have))
        st = registry_check(c, "registry.put", kind, name, *next);
    if (st == MIG_OK && !*have)
        st = registry_can_create(c, db);
    if (st != MIG_OK)
        return st;
    const char *old = *have ? stdlib_arg_str(*have, "digest") : NULL;
    if (!*have)
        *outcome = "added";
    else if (old && strcmp(old, digest) == 0)
        *outcome = "kept";
    else if (replace && val_type(replace) == VAL_BOOL && val_get_bool(replace))
        *outcome = "replaced";
    else
        *outcome = "conflict";
    return MIG_OK;
}

/* The Conflict of a put of REC over HAVE (another record of that kind
 * and name in DB), naming both provenances. */
static mig_status_t put_conflict(action_ctx_t *c, const char *db,
                                 const val_t *have, const val_t *rec)
{
    strbuf_t a, b;
    strbuf_init(&a);
    strbuf_init(&b);
    provenance_text(have, &a);
    provenance_text(rec, &b);
    mig_status_t st = actx_fail(c, "Conflict", "registry.put: %s '%s' in %s, "
                                "from %s, differs from the one given, from %s "
                                "(replace: true replaces it)",
                                stdlib_arg_str(rec, "kind"),
                                stdlib_arg_str(rec, "name"), db,
                                a.data ? a.data : "", b.data ? b.data : "");
    strbuf_free(&a);
    strbuf_free(&b);
    return st;
}

/* Each outcome of a put, as the record's outcome in a preview, and what
 * its detail says after it (NULL: the new content digest). */
static const struct {
    const char *outcome, *record, *detail;
} put_shown[] = {
    { "added", "add", NULL },
    { "kept", "keep", "the same content" },
    { "replaced", "replace", NULL },
    { "conflict", "conflict", "the records differ and replace is not true" },
};

static mig_status_t put_preview(action_ctx_t *c, const val_t *args,
                                val_t **out)
{
    (void)out;
    const char *db = stdlib_arg_str(args, "db");
    const val_t *rec = stdlib_arg(args, "record");
    val_t *have, *next;
    const char *outcome;
    char digest[BLOB_HEX + 8];
    mig_status_t st = put_plan(c, args, &have, &next, &outcome, digest);
    size_t i = 0;
    while (st == MIG_OK && i < sizeof put_shown / sizeof *put_shown
           && strcmp(put_shown[i].outcome, outcome) != 0)
        i++;
    assert(st != MIG_OK || i < sizeof put_shown / sizeof *put_shown);
    /* Later steps of the dry run read the record as stored. */
    if (st == MIG_OK && next && (strcmp(outcome, "added") == 0
                                 || strcmp(outcome, "replaced") == 0))
        st = registry_preview_set(c, db, stdlib_arg_str(rec, "kind"),
                                  stdlib_arg_str(rec, "name"), next);
    if (st == MIG_OK)
        st = registry_would(c, db, stdlib_arg_str(rec, "kind"),
                            stdlib_arg_str(rec, "name"), put_shown[i].record,
                            have, next, put_shown[i].detail
                                        ? put_shown[i].detail : digest);
    if (st == MIG_OK && strcmp(outcome, "conflict") == 0)
        st = put_conflict(c, db, have, rec);
    val_unref(have);
    val_unref(next);
    return st;
}

static mig_status_t put_capture(action_ctx_t *c, const val_t *args,
                                val_t **out)
{
    const val_t *rec = stdlib_arg(args, "record");
    const char *kind = NULL, *name = NULL;
    mig_status_t st = registry_remote_args_ok(c, "registry.put", args);
    if (st == MIG_OK)
        st = record_ids(c, rec, &kind, &name);
    if (st == MIG_OK && registry_remote_db(stdlib_arg_str(args, "db")))
        return registry_remote_capture(c, "registry.put", args, kind, name,
                                       rec, out);
    return st == MIG_OK
        ? keep_record(c, stdlib_arg_str(args, "db"), kind, name, out) : st;
}

static mig_status_t put_run(action_ctx_t *c, const val_t *args, val_t **out)
{
    const char *db = stdlib_arg_str(args, "db");
    const val_t *rec = stdlib_arg(args, "record");
    if (registry_remote_db(db)) {
        /* The server validates and stores it (docs/registry-api.md). */
        const char *kind, *name;
        mig_status_t st = registry_remote_args_ok(c, "registry.put", args);
        if (st == MIG_OK)
            st = record_ids(c, rec, &kind, &name);
        return st == MIG_OK ? registry_remote_put(c, args, kind, name, out)
                            : st;
    }
    val_t *have, *next;
    const char *outcome;
    char digest[BLOB_HEX + 8];
    mig_status_t st = put_plan(c, args, &have, &next, &outcome, digest);
    const char *kind = stdlib_arg_str(rec, "kind");
    const char *name = stdlib_arg_str(rec, "name");
    if (st == MIG_OK && strcmp(outcome, "conflict") == 0)
        st = put_conflict(c, db, have, rec);
    if (st == MIG_OK && strcmp(outcome, "kept") != 0)
        st = registry_set_record_state(c, db, kind, name, next);
    if (st == MIG_OK)
        st = registry_outcome(kind, name, outcome, digest, out);
    val_unref(have);
    val_unref(next);
    return st;
}

/* Applied when the record there has the content digest of the one given. */
static mig_status_t put_applied(action_ctx_t *c, const val_t *args,
                                val_t **out)
{
    const val_t *rec = stdlib_arg(args, "record");
    const char *kind, *name;
    char digest[BLOB_HEX + 8];
    val_t *have = NULL;
    mig_status_t st = record_ids(c, rec, &kind, &name);
    if (st == MIG_OK && registry_remote_db(stdlib_arg_str(args, "db")))
        return registry_remote_applied(c, "registry.put", args, kind, name,
                                       rec, out);
    if (st == MIG_OK)
        st = content_digest(rec, digest);
    if (st == MIG_OK)
        st = registry_get_record(c, stdlib_arg_str(args, "db"), kind, name, &have);
    const char *now = have ? stdlib_arg_str(have, "digest") : NULL;
    bool same = now && strcmp(now, digest) == 0;
    val_unref(have);
    return st == MIG_OK ? give_bool(out, same) : st;
}

/* ---- registry.delete, deprecate, alias ----------------------------------- */

/* A change of one record that is there: gives in *NEXT the record after
 * the change (a new value, or NULL: removed) and in *OUTCOME what
 * happened ("kept" when HAVE is already so). */
typedef mig_status_t (*change_fn)(action_ctx_t *c, const val_t *args,
                                  const val_t *have, val_t **next,
                                  const char **outcome);

static mig_status_t change_delete(action_ctx_t *c, const val_t *args,
                                  const val_t *have, val_t **next,
                                  const char **outcome)
{
    (void)c, (void)args, (void)have;
    *next = NULL;
    *outcome = "deleted";
    return MIG_OK;
}

/* HAVE with KEY set to VALUE (taken) and updated now, into *NEXT. */
static mig_status_t with_field(const val_t *have, const char *key,
                               val_t *value, val_t **next)
{
    char now[21];
    now_text(now);
    val_t *m = val_copy(have);
    mig_status_t st = m && value ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK) {
        st = val_map_set_take(m, key, strlen(key), value);
        value = NULL;
    }
    if (st == MIG_OK)
        st = val_map_set_take(m, "updated", 7, val_cstring(now));
    val_unref(value);
    if (st != MIG_OK) {
        val_unref(m);
        return st;
    }
    *next = m;
    return MIG_OK;
}

static mig_status_t change_deprecate(action_ctx_t *c, const val_t *args,
                                     const val_t *have, val_t **next,
                                     const char **outcome)
{
    (void)c, (void)args;
    const char *status = stdlib_arg_str(have, "status");
    if (status && strcmp(status, "deprecated") == 0) {
        *next = val_ref((val_t *)have);
        *outcome = "kept";
        return MIG_OK;
    }
    *outcome = "deprecated";
    return with_field(have, "status", val_cstring("deprecated"), next);
}

static mig_status_t change_alias(action_ctx_t *c, const val_t *args,
                                 const val_t *have, val_t **next,
                                 const char **outcome)
{
    const char *alias = stdlib_arg_str(args, "alias");
    const char *name = stdlib_arg_str(args, "name");
    if (!alias || !*alias)
        return actx_fail(c, "InvalidConfig", "registry.alias: the alias "
                         "must be a non-empty string");
    if (registry_has_alias(have, alias) || strcmp(alias, name) == 0) {
        *next = val_ref((val_t *)have);
        *outcome = "kept";
        return MIG_OK;
    }
    val_t *other = NULL;
    mig_status_t st = registry_get_record(c, stdlib_arg_str(args, "db"),
                                 stdlib_arg_str(have, "kind"), alias, &other);
    if (st == MIG_OK && other)
        st = actx_fail(c, "Conflict", "registry.alias: '%s' is the name of "
                       "another record", alias);
    val_unref(other);
    if (st != MIG_OK)
        return st;
    val_t *old = stdlib_arg(have, "aliases");
    val_t *al = old && val_type(old) == VAL_LIST ? val_copy(old)
                                                 : val_list_new(1);
    st = al ? val_list_push_take(al, val_cstring(alias)) : MIG_ENOMEM;
    if (st != MIG_OK) {
        val_unref(al);
        return st;
    }
    *outcome = "aliased";
    return with_field(have, "aliases", al, next);
}

/* Whether the change is in place in the record there now (HAVE, or
 * NULL when there is none). */
typedef bool (*done_fn)(const val_t *args, const val_t *have);

static bool done_delete(const val_t *args, const val_t *have)
{
    (void)args;
    return !have;
}

static bool done_deprecate(const val_t *args, const val_t *have)
{
    (void)args;
    const char *s = have ? stdlib_arg_str(have, "status") : NULL;
    return s && strcmp(s, "deprecated") == 0;
}

static bool done_alias(const val_t *args, const val_t *have)
{
    return have && registry_has_alias(have, stdlib_arg_str(args, "alias"));
}

/* A changing action on one record that is there: its name, its change,
 * and how applied knows it is done. */
typedef struct change {
    const char *action;
    change_fn change;
    done_fn done;
} change_t;

static const change_t change_rows[] = {
    { "registry.delete", change_delete, done_delete },
    { "registry.deprecate", change_deprecate, done_deprecate },
    { "registry.alias", change_alias, done_alias },
};
enum { CH_DELETE, CH_DEPRECATE, CH_ALIAS };

/* What the change of ARGS would make of the record there now: *HAVE (new)
 * and *NEXT (new or NULL), *OUTCOME; MissingDependency when the record
 * is not there, ValidationFailed when the record it would store is not a
 * valid descriptor. */
static mig_status_t change_plan(action_ctx_t *c, const change_t *ch,
                                const val_t *args, val_t **have,
                                val_t **next, const char **outcome)
{
    const char *db = stdlib_arg_str(args, "db");
    const char *name = stdlib_arg_str(args, "name");
    const char *kind = registry_kind_arg(c, ch->action, args);
    *have = *next = NULL;
    if (!kind)
        return MIG_EINVALID;
    mig_status_t st = registry_get_record(c, db, kind, name, have);
    if (st == MIG_OK && !*have)
        st = actx_fail(c, "MissingDependency", "%s: no %s named '%s' in %s",
                       ch->action, kind, name, db);
    if (st == MIG_OK)
        st = ch->change(c, args, *have, next, outcome);
    if (st == MIG_OK && *next && strcmp(*outcome, "kept") != 0)
        st = registry_check(c, ch->action, kind, name, *next);
    return st;
}

static mig_status_t change_preview(action_ctx_t *c, const change_t *ch,
                                   const val_t *args, val_t **out)
{
    (void)out;
    val_t *have, *next;
    const char *outcome;
    mig_status_t st = change_plan(c, ch, args, &have, &next, &outcome);
    if (st == MIG_OK && strcmp(outcome, "kept") != 0)
        /* Later steps of the dry run read the record as changed. */
        st = registry_preview_set(c, stdlib_arg_str(args, "db"),
                                  registry_kind_arg(c, ch->action, args),
                                  stdlib_arg_str(args, "name"), next);
    const char *record = st != MIG_OK ? NULL
        : strcmp(outcome, "kept") == 0 ? "keep" : next ? "replace" : "delete";
    if (record)
        st = registry_would(c, stdlib_arg_str(args, "db"),
                            registry_kind_arg(c, ch->action, args),
                            stdlib_arg_str(args, "name"), record, have, next,
                            strcmp(record, "replace") == 0 ? outcome : NULL);
    val_unref(have);
    val_unref(next);
    return st;
}

static mig_status_t change_capture(action_ctx_t *c, const change_t *ch,
                                   const val_t *args, val_t **out)
{
    const char *kind = registry_kind_arg(c, ch->action, args);
    if (kind && registry_remote_db(stdlib_arg_str(args, "db")))
        return registry_remote_capture(c, ch->action, args, kind,
                                       stdlib_arg_str(args, "name"), NULL,
                                       out);
    return kind ? keep_record(c, stdlib_arg_str(args, "db"), kind,
                              stdlib_arg_str(args, "name"), out)
                : MIG_EINVALID;
}

static mig_status_t change_run(action_ctx_t *c, const change_t *ch,
                               const val_t *args, val_t **out)
{
    val_t *have, *next;
    const char *outcome;
    const char *name = stdlib_arg_str(args, "name");
    if (registry_remote_db(stdlib_arg_str(args, "db"))) {
        const char *kind = registry_kind_arg(c, ch->action, args);
        return kind ? registry_remote_delete(c, args, kind, out)
                    : MIG_EINVALID;
    }
    mig_status_t st = change_plan(c, ch, args, &have, &next, &outcome);
    const char *kind = st == MIG_OK ? registry_kind_arg(c, ch->action, args)
                                    : NULL;
    if (st == MIG_OK && strcmp(outcome, "kept") != 0)
        st = registry_set_record_state(c, stdlib_arg_str(args, "db"), kind,
                                       name, next);
    const char *digest = have ? stdlib_arg_str(have, "digest") : NULL;
    if (st == MIG_OK)
        st = registry_outcome(kind, name, outcome, digest, out);
    val_unref(have);
    val_unref(next);
    return st;
}

/* Applied when the record is as the change leaves it: gone (delete),
 * deprecated, or listing the alias. */
static mig_status_t change_applied(action_ctx_t *c, const change_t *ch,
                                   const val_t *args, val_t **out)
{
    const char *kind = registry_kind_arg(c, ch->action, args);
    if (!kind)
        return MIG_EINVALID;
    if (registry_remote_db(stdlib_arg_str(args, "db")))
        return registry_remote_applied(c, ch->action, args, kind,
                                       stdlib_arg_str(args, "name"), NULL,
                                       out);
    val_t *have = NULL;
    mig_status_t st = registry_get_record(c, stdlib_arg_str(args, "db"), kind,
                                 stdlib_arg_str(args, "name"), &have);
    bool done = ch->done(args, have);
    val_unref(have);
    return st == MIG_OK ? give_bool(out, done) : st;
}

/* Each changing action's functions: the shared ones with its row. */
#define CHANGE_FNS(fn, row)                                                  \
    static mig_status_t fn##_preview(action_ctx_t *c, const val_t *a,        \
                                     val_t **o)                              \
    { return change_preview(c, &change_rows[row], a, o); }                   \
    static mig_status_t fn##_capture(action_ctx_t *c, const val_t *a,        \
                                     val_t **o)                              \
    { return change_capture(c, &change_rows[row], a, o); }                   \
    static mig_status_t fn##_run(action_ctx_t *c, const val_t *a, val_t **o) \
    { return change_run(c, &change_rows[row], a, o); }                       \
    static mig_status_t fn##_applied(action_ctx_t *c, const val_t *a,        \
                                     val_t **o)                              \
    { return change_applied(c, &change_rows[row], a, o); }
CHANGE_FNS(delete, CH_DELETE)
CHANGE_FNS(deprecate, CH_DEPRECATE)
CHANGE_FNS(alias, CH_ALIAS)
#undef CHANGE_FNS

/* ---- the table ------------------------------------------------------------ */

/* A changing action's db is a write like any other: it must lie in the
 * plan's write roots (docs/language.md, "writes"), and a run holds the
 * lock of those roots (runtime.h, roots_lock_take), so two runs never
 * change one registry at once. */
#define STR ACTION_T(STRING)
/* The registry every action names; WRITES for the actions that change it
 * (it must lie in the plan's write roots). */
#define DB_ARG(w)                                                          \
    { .name = "db", .types = STR, .required = true, .writes = (w),         \
      .doc = "the registry: a SQLite database (a path ending in .db) or a "  \
             "folder, relative to the plan's directory, or a remote "      \
             "registry's http:// or https:// URL" }
/* The bearer token of a remote registry (docs/registry.md, "Remote
 * registries"). */
#define TOKEN_ARG                                                          \
    { .name = "token", .types = ACTION_T(SECRET), .secrets = true,         \
      .doc = "a remote registry's bearer token, a secret (sent as "       \
             "Authorization: Bearer on the requests that change)" }
#define KIND_ARG                                                           \
    { .name = "kind", .types = STR, .def = "\"tool\"",                     \
      .doc = "the record kind: tool, server or rag" }

static const action_arg_t put_args[] = {
    DB_ARG(true),
    { .name = "record", .types = ACTION_T(MAP), .required = true,
      .doc = "a V2 descriptor (docs/registry.md); its kind and name say where it goes" },
    { .name = "replace", .types = ACTION_T(BOOL), .def = "false",
      .doc = "replace a different record of that name instead of failing with Conflict" },
    TOKEN_ARG,
    { 0 },
};
static const action_arg_t name_args[] = {
    DB_ARG(false),
    { .name = "name", .types = STR, .required = true,
      .doc = "the record's name (get also finds it by an alias)" },
    KIND_ARG,
    TOKEN_ARG,
    { 0 },
};
static const action_arg_t change_args[] = {
    DB_ARG(true),
    { .name = "name", .types = STR, .required = true,
      .doc = "the record's name" },
    KIND_ARG,
    TOKEN_ARG,
    { 0 },
};
static const action_arg_t alias_args[] = {
    DB_ARG(true),
    { .name = "name", .types = STR, .required = true,
      .doc = "the record's name (get also finds it by an alias)" },
    { .name = "alias", .types = STR, .required = true,
      .doc = "another name the record is found by" },
    KIND_ARG,
    TOKEN_ARG,
    { 0 },
};
static const action_arg_t list_args[] = {
    DB_ARG(false),
    KIND_ARG,
    { .name = "status", .types = STR,
      .doc = "only records of this status (active, deprecated)" },
    TOKEN_ARG,
    { 0 },
};
static const action_arg_t count_args[] = {
    DB_ARG(false),
    KIND_ARG,
    TOKEN_ARG,
    { 0 },
};

#define RESULT ACTION_T(MAP)
const action_t stdlib_registry_actions[] = {
    { .name = "registry.put", .effect = ACTION_SELF_UNDO, .args = put_args,
      .result = RESULT, .preview = put_preview, .capture = put_capture,
      .run = put_run, .undo = registry_undo, .applied = put_applied,
      .doc = "Stores RECORD (a V2 descriptor, validated first: "
             "ValidationFailed) in the registry DB: kept when the same "
             "content is there, Conflict when another is, unless REPLACE; "
             "undo puts back what was there (in a remote registry, only "
             "over what the put left: Conflict otherwise)." },
    { .name = "registry.get", .effect = ACTION_PURE, .args = name_args,
      .result = RESULT, .preview = registry_get, .run = registry_get,
      .doc = "The record of KIND named NAME (or aliased so); "
             "MissingDependency when there is none." },
    { .name = "registry.list", .effect = ACTION_PURE, .args = list_args,
      .result = ACTION_T(LIST), .preview = registry_list, .run = registry_list,
      .doc = "The records of KIND (with STATUS, when given), by name." },
    { .name = "registry.count", .effect = ACTION_PURE, .args = count_args,
      .result = ACTION_T(NUMBER), .preview = registry_count,
      .run = registry_count,
      .doc = "How many records of KIND the registry holds." },
    { .name = "registry.delete", .effect = ACTION_SELF_UNDO,
      .args = change_args, .result = RESULT, .preview = delete_preview,
      .capture = delete_capture, .run = delete_run, .undo = registry_undo,
      .applied = delete_applied,
      .doc = "Removes the record of KIND named NAME (MissingDependency when "
             "there is none); undo puts it back exactly (in a remote "
             "registry, only where nothing is: Conflict otherwise)." },
    { .name = "registry.deprecate", .effect = ACTION_SELF_UNDO,
      .args = change_args, .result = RESULT, .preview = deprecate_preview,
      .capture = deprecate_capture, .run = deprecate_run, .undo = registry_undo,
      .applied = deprecate_applied,
      .doc = "Sets the record's status to \"deprecated\" (kept when it is); "
             "undo puts the record back exactly." },
    { .name = "registry.alias", .effect = ACTION_SELF_UNDO,
      .args = alias_args, .result = RESULT, .preview = alias_preview,
      .capture = alias_capture, .run = alias_run, .undo = registry_undo,
      .applied = alias_applied,
      .doc = "Adds ALIAS to the record's aliases (Conflict when another "
             "record has that name); undo puts the record back exactly." },
};

const size_t stdlib_registry_count =
    sizeof stdlib_registry_actions / sizeof *stdlib_registry_actions;
