/* registry_int.h: what the V2 registry's files share (registry.c and
 * registry_read.c, the actions; registry_store.c, what they stand on;
 * registry_sqlite.c and registry_dir.c, the stores): the one small
 * interface a store implements, so that another (a remote registry) is a
 * row of its own. A store holds, per record kind ("tool", "server", "rag") and
 * name, one descriptor (docs/registry.md), as a value. */
#ifndef MIG_REGISTRY_INT_H
#define MIG_REGISTRY_INT_H

#include "stdlib_int.h"

typedef struct reg_store reg_store_t;

typedef enum reg_mode {
    REG_READ,       /* read only */
    REG_WRITE,      /* read and write a store that is there */
    REG_CREATE,     /* read and write, creating the store when missing */
} reg_mode_t;

typedef struct reg_store_ops {
    const char *name;           /* "sqlite" */
    /* DB is a URL, given to open as the plan wrote it (not a path taken
     * from the plan's directory); nothing is created. */
    bool url;
    /* Whether PATH names a store of this kind (".db" for SQLite). */
    bool (*fits)(const char *path);
    /* Opens the store at ABS (an absolute path) as MODE says; *OUT NULL
     * (and MIG_OK) when it is not there and MODE is not REG_CREATE. Fails
     * through C with InvalidConfig and a reason (damaged, a newer schema)
     * and MIG_EINVALID. REG_READ changes nothing. */
    mig_status_t (*open)(action_ctx_t *c, const char *abs, reg_mode_t mode,
                         reg_store_t **out);
    void (*close)(reg_store_t *s);
    /* The descriptor of KIND named NAME, a new value, or *OUT NULL. */
    mig_status_t (*get)(action_ctx_t *c, reg_store_t *s, const char *kind,
                        const char *name, val_t **out);
    /* The text KIND NAME is stored as, unparsed (what a put wrote: its
     * canonical JSON, unless another program wrote the row), a new
     * NUL-terminated string in *OUT and its length in *LEN, or *OUT NULL
     * when there is none. Optional (NULL): registry_record_state then
     * reads the record with get. */
    mig_status_t (*get_text)(action_ctx_t *c, reg_store_t *s,
                             const char *kind, const char *name, char **out,
                             size_t *len);
    /* The state hash of KIND NAME kept beside its text (the BLAKE2b-256
     * of the text, hex, into HEX): REG_STATE_KEPT when the store keeps
     * one it can vouch for (written with the text by mig's own put, and
     * no other write since: docs/registry.md, "The state hash"),
     * REG_STATE_NONE when the record has none (read its text instead),
     * REG_STATE_ABSENT when there is no such record. Optional (NULL):
     * registry_record_state then reads the text. */
    mig_status_t (*get_state)(action_ctx_t *c, reg_store_t *s,
                              const char *kind, const char *name,
                              char hex[BLOB_HEX], int *found);
    /* get_state of N records at once, NAMES[i] (LENS[i] bytes) of KIND:
     * FOUND[i] as get_state's *FOUND, HEX[i] the hash when kept;
     * REG_STATE_NONE for a name it could not tell, and for every name
     * when the store cannot vouch for its hashes or the read failed
     * (nothing reported: they are read one by one). MIG_OK or
     * MIG_ENOMEM. Optional (NULL): every name is read one by one. */
    /* A store that scans for them (the SQLite one) steps over at most
     * REGISTRY_STATES_SKIP_MIN rows of other records beyond one per
     * name asked; the names past that are left out. */
    mig_status_t (*get_states)(action_ctx_t *c, reg_store_t *s,
                               const char *kind, const char *const *names,
                               const size_t *lens, size_t n,
                               char (*hex)[BLOB_HEX], int *found);
    /* The first descriptor of KIND, by name, whose aliases list ALIAS,
     * a new value, or *OUT NULL. Optional (NULL): registry_find_alias
     * then reads every record of KIND (the folder store: a documented
     * linear scan). */
    mig_status_t (*get_alias)(action_ctx_t *c, reg_store_t *s,
                              const char *kind, const char *alias,
                              val_t **out);
    /* Stores REC (a descriptor) as KIND NAME, replacing what is there,
     * or removes it (REC NULL). Atomic. HASH gets the BLAKE2b-256 (hex)
     * of the bytes stored when a record was stored, else "". */
    mig_status_t (*set)(action_ctx_t *c, reg_store_t *s, const char *kind,
                        const char *name, const val_t *rec,
                        char hash[BLOB_HEX]);
    /* Every record of KIND as stored, unparsed: a new list, by name, of
     * {name, text} maps (the row's name; the text as get_text gives it).
     * Optional (NULL): registry_records_now then parses what list
     * gives. */
    mig_status_t (*list_text)(action_ctx_t *c, reg_store_t *s,
                              const char *kind, val_t **out);
    /* Every descriptor of KIND, sorted by name, as a new list. */
    mig_status_t (*list)(action_ctx_t *c, reg_store_t *s, const char *kind,
                         val_t **out);
    /* At most LIMIT descriptors of KIND whose names sort after AFTER
     * (bytewise; NULL or "": from the first), by name, as a new list.
     * Optional (NULL): registry_list_page then filters what list gives. */
    mig_status_t (*list_page)(action_ctx_t *c, reg_store_t *s,
                              const char *kind, const char *after,
                              size_t limit, val_t **out);
} reg_store_ops_t;

/* What a store's get_state found. */
enum { REG_STATE_NONE, REG_STATE_ABSENT, REG_STATE_KEPT };

/* get_states: rows of other records stepped over at most, beyond one
 * per name asked. */
#define REGISTRY_STATES_SKIP_MIN 1024

/* The schema version of the SQLite store (docs/registry.md, "The
 * stores"): 2 has the alias index, 3 the state hash. */
#define REGISTRY_SQLITE_VERSION 3

extern const reg_store_ops_t registry_sqlite_ops;
extern const reg_store_ops_t registry_dir_ops;
extern const reg_store_ops_t registry_remote_ops;   /* registry_remote.c */

/* Whether NAME fits ^[a-zA-Z0-9_-]{1,64}$ (what a record is named). */
bool registry_name_ok(const char *name);

/* The table name of KIND ("tools", "servers", "backends"), or NULL when
 * KIND is no record kind. */
const char *registry_kind_table(const char *kind);
/* The record kind I (0, 1, ...: "tool", "server", "rag"), NULL past the
 * last. */
const char *registry_kind_at(size_t i);
/* Parses TEXT (LEN bytes), the JSON a store keeps for the record NAME,
 * into *OUT (a new value); InvalidConfig ("the record 'NAME' is damaged
 * (not JSON)") when it is no JSON. */
mig_status_t registry_parse_text(action_ctx_t *c, const char *text,
                                 size_t len, const char *name, val_t **out);
/* Appends the canonical JSON of V (keys sorted, two-space indent, a final
 * newline): what a store keeps and what digests are taken of. */
mig_status_t registry_canonical(const val_t *v, strbuf_t *out);

/* "absent" (REC NULL), or "record:" and the BLAKE2b-256 of TEXT's text
 * of REC (registry_canonical: a local record's state; registry_drift_text:
 * a remote one's), appended to OUT. MIG_OK or MIG_ENOMEM. */
mig_status_t registry_state_text(const val_t *rec,
                                 mig_status_t (*text)(const val_t *rec,
                                                      strbuf_t *out),
                                 strbuf_t *out);

/* Notes that the text whose BLAKE2b-256 is HEX (blobs_hash), just
 * stored, is a record's canonical JSON, so that the state of the record
 * (registry_record_state) and its drift text (registry_records_now) can
 * be taken from those bytes without parsing them: every hash noted is
 * kept for the rest of the process (32 bytes each, in a table twice that
 * size; when memory runs out the text is not noted, and is parsed as any
 * other). */
void registry_note_canonical(const char *hex);
/* Whether HEX (blobs_hash of a stored text) is the hash of a text noted
 * by registry_note_canonical. */
bool registry_known_canonical(const char *hex);

/* How a registry record's resource id starts: "registry:DB#KIND/NAME". */
#define REGISTRY_ID_PREFIX "registry:"
/* Appends the resource id of record KIND NAME of DB to OUT. */
mig_status_t registry_make_id(const char *db, const char *kind,
                              const char *name, strbuf_t *out);

/* Opens DB (as the plan wrote it, relative to the plan's directory) in
 * MODE with the store that fits it; *S NULL when it is not there (and
 * MODE is not REG_CREATE). InvalidConfig when no store fits DB. */
mig_status_t registry_open_db(action_ctx_t *c, const char *db,
                              reg_mode_t mode, const reg_store_ops_t **ops,
                              reg_store_t **s);
/* MIG_OK when DB could be created where the plan names it: it is there,
 * or the folder that would hold it is; else InvalidConfig naming that
 * folder (mig creates a registry, never the folders above it), the same
 * in a dry run and in a run. Changes nothing. */
mig_status_t registry_can_create(action_ctx_t *c, const char *db);
/* The record KIND NAME of DB, a new value, or *OUT NULL (DB missing
 * too). Changes nothing. */
mig_status_t registry_get_record(action_ctx_t *c, const char *db,
                                 const char *kind, const char *name,
                                 val_t **out);
/* Whether REC's aliases list the string ALIAS. */
bool registry_has_alias(const val_t *rec, const char *alias);
/* The first record of KIND in DB, by name, whose aliases list ALIAS, a
 * new value, or *OUT NULL (DB missing too); in a dry run, as earlier
 * previewed steps would leave the records. Changes nothing. */
mig_status_t registry_find_alias(action_ctx_t *c, const char *db,
                                 const char *kind, const char *alias,
                                 val_t **out);
/* Stores REC (NULL: removes) as KIND NAME in DB, creating DB when REC is
 * a record; removing from a DB that is not there does nothing. */
mig_status_t registry_set_record(action_ctx_t *c, const char *db,
                                 const char *kind, const char *name,
                                 const val_t *rec);
/* registry_set_record for a step that changes KIND NAME of a local DB:
 * the record's state after it ("record:" and the hash of the bytes the
 * store wrote, or "absent") is recorded in C (actx_set_state), so that
 * the step's after-image is that hash, taken once from what was stored,
 * not the record read back and hashed again. An undo calls
 * registry_set_record: what rollback verifies is read from the store. */
mig_status_t registry_set_record_state(action_ctx_t *c, const char *db,
                                       const char *kind, const char *name,
                                       const val_t *rec);
/* The records of KIND in DB, by name, as a new list (empty when DB is
 * not there). */
mig_status_t registry_list_records(action_ctx_t *c, const char *db,
                                   const char *kind, val_t **out);

/* The records of KIND in DB as the store keeps them (list_text), a new
 * list; *OUT NULL when the store cannot give them so (the caller parses
 * registry_list_records), an empty list when DB is not there. */
mig_status_t registry_list_texts(action_ctx_t *c, const char *db,
                                 const char *kind, val_t **out);

/* One page of registry_list_records: at most LIMIT records of KIND in
 * DB whose names sort after AFTER (NULL: from the first), by name, as a
 * new list (empty when DB is not there). The store reads only that page
 * when it can (the SQLite store does). */
mig_status_t registry_list_page(action_ctx_t *c, const char *db,
                                const char *kind, const char *after,
                                size_t limit, val_t **out);

/* MIG_OK when NEXT, the record ACTION would store as KIND NAME, is a valid
 * V2 descriptor of its kind (registry_validate, registry_validate.c);
 * else ValidationFailed (MIG_EINVALID) naming the record and the first
 * REGISTRY_VIOLATIONS_SHOWN violations by JSON pointer, every one of them
 * in the error's details ({errors: [{pointer, message}]}); MIG_ENOMEM. */
mig_status_t registry_check(action_ctx_t *c, const char *action,
                            const char *kind, const char *name,
                            const val_t *next);

/* ---- the actions (registry.c, registry_read.c) -------------------------- */

/* KIND of ARGS ("tool" when not given), checked for ACTION: NULL
 * (reported) when it is no record kind, or the db and token do not fit
 * (registry_remote_args_ok). */
const char *registry_kind_arg(action_ctx_t *c, const char *action,
                              const val_t *args);
/* The reading actions (registry_read.c), rows of registry.c's table:
 * registry.get, registry.list and registry.count (action_fn). */
mig_status_t registry_get(action_ctx_t *c, const val_t *args, val_t **out);
mig_status_t registry_list(action_ctx_t *c, const val_t *args, val_t **out);
mig_status_t registry_count(action_ctx_t *c, const val_t *args,
                            val_t **out);

/* ---- what the dry run shows (registry_plan.c) --------------------------- */

/* A value of a field-level diff is shown whole up to this many
 * characters, else cut there and followed by "... (N characters)". */
#define REGISTRY_DIFF_VALUE_MAX 60
/* At most this many fields are listed per record, then counted. */
#define REGISTRY_DIFF_FIELDS_MAX 20

/* Whether KEY (LEN bytes) is a field the registry sets itself at the top
 * of a record (digest, created, updated): left out of a diff, and of a
 * record's drift digest. */
bool registry_bookkeeping(const char *key, size_t len);
/* The fields in which the records HAVE and NEXT differ: a new list, in
 * byte order of their JSON pointers, of {op, pointer, old, new} maps (op
 * "add" without old, "remove" without new, or "change"; old and new the
 * values as compact JSON text, cut as REGISTRY_DIFF_VALUE_MAX says).
 * Maps are compared key by key, other values whole; digest, created and
 * updated at the top are left out (the registry sets them). The first
 * REGISTRY_DIFF_FIELDS_MAX go to *FIELDS, *MORE counts the rest. MIG_OK
 * or MIG_ENOMEM. */
mig_status_t registry_diff(const val_t *have, const val_t *next,
                           val_t **fields, size_t *more);
/* Records in the preview context C that record KIND NAME of DB would
 * meet RECORD ("add", "keep", "replace", "conflict" or "delete"): a
 * change (create, keep, overwrite, conflict, delete) of
 * "registry:DB#KIND/NAME" with the detail "RECORD, DETAIL" (DETAIL NULL:
 * RECORD alone), carrying `record`, and for a replace or a conflict
 * `fields` (registry_diff of HAVE and NEXT, both records) and
 * `fields_more` when some were not listed. MIG_OK or MIG_ENOMEM. */
mig_status_t registry_would(action_ctx_t *c, const char *db, const char *kind,
                            const char *name, const char *record,
                            const val_t *have, const val_t *next,
                            const char *detail);

/* The result of a changing action: {kind, name, outcome, digest} (DIGEST
 * NULL: null) into *OUT. MIG_OK or MIG_ENOMEM. */
mig_status_t registry_outcome(const char *kind, const char *name,
                              const char *outcome, const char *digest,
                              val_t **out);

/* ---- a remote registry (registry_remote*.c; docs/registry.md, "Remote
 * registries") -------------------------------------------------------------
 * A db that is an http:// or https:// URL. The functions below are the
 * registry actions' own over such a db, each called by the action's
 * function of that role with the action's ARGS (db, token, ...); those
 * that may WAIT send their requests through the run's loop (the call
 * suspends, runtime.h) when it has one, else one after another. */

/* Whether DB names a remote registry (http:// or https://). */
bool registry_remote_db(const char *db);
/* MIG_OK when ACTION may be called with the db and token of ARGS: a
 * token goes to a remote registry only, which takes registry.put, get,
 * list, count and delete; else InvalidConfig (reported). */
mig_status_t registry_remote_args_ok(action_ctx_t *c, const char *action,
                                     const val_t *args);
/* The state of record KIND NAME of remote DB, asked now (a GET): what
 * rollback verification compares (remote_state_text). */
mig_status_t registry_remote_state(action_ctx_t *c, const char *db,
                                   const char *kind, const char *name,
                                   strbuf_t *out);
/* registry.get: the record NAME (or aliased so) of KIND; with WAIT, a
 * miss is MissingDependency, without, *OUT NULL. */
mig_status_t registry_remote_get(action_ctx_t *c, const char *action,
                                 const val_t *args, const char *kind,
                                 bool wait, val_t **out);
/* registry.list and count: every record of KIND (of STATUS when not
 * NULL), page by page; COUNT gives their number instead. */
mig_status_t registry_remote_list(action_ctx_t *c, const char *action,
                                  const val_t *args, const char *kind,
                                  const char *status, bool count, bool wait,
                                  val_t **out);
/* The capture of ACTION (registry.put of REC, registry.delete: REC NULL)
 * on record KIND NAME: GETs it, declares the resource with that state,
 * and gives the undo record {db, kind, name, before, after, token}
 * (AFTER the ETag the put leaves, null for a delete). */
mig_status_t registry_remote_capture(action_ctx_t *c, const char *action,
                                     const val_t *args, const char *kind,
                                     const char *name, const val_t *rec,
                                     val_t **out);
/* registry.put's run of the record of ARGS, KIND NAME. */
mig_status_t registry_remote_put(action_ctx_t *c, const val_t *args,
                                 const char *kind, const char *name,
                                 val_t **out);
/* registry.delete's run. */
mig_status_t registry_remote_delete(action_ctx_t *c, const val_t *args,
                                    const char *kind, val_t **out);
/* The undo of either (UNDO the capture's record). */
mig_status_t registry_remote_undo(action_ctx_t *c, const val_t *undo,
                                  val_t **out);
/* The check (applied) of ACTION: whether record KIND NAME has REC's
 * content (a put) or is gone (REC NULL: a delete). */
mig_status_t registry_remote_applied(action_ctx_t *c, const char *action,
                                     const val_t *args, const char *kind,
                                     const char *name, const val_t *rec,
                                     val_t **out);

/* ---- drift (registry_drift.c; docs/drift.md) ----------------------------- */

/* Appends REC's drift text to OUT: its canonical JSON without the fields
 * registry_bookkeeping names, what the baseline keeps of a record (a
 * registry.put of it gives the same record again); its BLAKE2b-256 is
 * the record's drift digest, the same for a record put again with the
 * same content. MIG_OK or MIG_ENOMEM. */
mig_status_t registry_drift_text(const val_t *rec, strbuf_t *out);

/* registry_preview.c: what a dry run's reads see. registry_preview_set
 * records, in a preview context, that the step previewed would leave
 * REC (referenced; NULL: removed) as KIND NAME of DB, without touching
 * the store; registry_pending_get gives, when an earlier preview left
 * something for KIND NAME (*FOUND), that record (a new value, or *OUT
 * NULL: removed); registry_pending_list replaces *LIST, the store's
 * records of KIND sorted by name, with what the previews would leave.
 * Outside a preview nothing is pending: they change nothing. */
mig_status_t registry_preview_set(action_ctx_t *c, const char *db,
                                  const char *kind, const char *name,
                                  val_t *rec);
mig_status_t registry_pending_get(action_ctx_t *c, const char *db,
                                  const char *kind, const char *name,
                                  bool *found, val_t **out);
mig_status_t registry_pending_list(action_ctx_t *c, const char *db,
                                   const char *kind, val_t **list);
/* Whether an earlier preview left something pending for a record of KIND
 * in DB (false outside a preview). */
bool registry_pending_any(action_ctx_t *c, const char *db, const char *kind);

#endif
