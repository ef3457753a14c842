/* registry_remote_act.c: registry.put and registry.delete on a remote
 * registry (docs/registry.md, "Remote registries"), and their undo and
 * check. The capture GETs the record (its before-image and ETag), which
 * the journal keeps before anything changes; the change is a request
 * guarded by that ETag (If-Match, or If-None-Match: * where there was
 * none), so it never lands on a record changed since; the undo puts the
 * before-image back guarded by the ETag the change left, so it never
 * clobbers a record someone changed since (Conflict naming it); the
 * check that settles a call a crash left in flight asks the server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize_int.h"
#include "registry_remote.h"

/* ---- what a capture saw, for the run that follows --------------------------
 * A capture and its run are two calls in one context (runtime.h): the
 * run sends the change guarded by the ETag the capture read, so that the
 * before-image the journal holds is the record the change replaced.
 * Kept per context and record, taken by the run; a run that finds none
 * (a context the capture never had) reads the record again. */
static val_t *seen;     /* "CTX ID" -> [ETag or "", state] */

static mig_status_t seen_key(action_ctx_t *c, const char *id, strbuf_t *k)
{
    strbuf_printf(k, "%p %s", (void *)c, id);
    return k->oom ? MIG_ENOMEM : MIG_OK;
}

static mig_status_t seen_put(action_ctx_t *c, const char *id, const char *tag,
                             const char *state)
{
    strbuf_t k;
    strbuf_init(&k);
    val_t *v = val_list_new(2);
    mig_status_t st = v && (seen || (seen = val_map_new(16)))
        ? seen_key(c, id, &k) : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_list_push_take(v, val_cstring(tag));
    if (st == MIG_OK)
        st = val_list_push_take(v, val_cstring(state));
    if (st == MIG_OK) {
        st = val_map_set_take(seen, k.data, k.len, v);
        v = NULL;
    }
    val_unref(v);
    strbuf_free(&k);
    return st;
}

/* Takes what the capture in C saw of ID: its ETag into TAG and its state
 * into STATE; false when there is none. */
static bool seen_take(action_ctx_t *c, const char *id, char tag[REMOTE_TAG],
                      strbuf_t *state)
{
    strbuf_t k;
    strbuf_init(&k);
    val_t *v = seen && seen_key(c, id, &k) == MIG_OK
        ? val_map_get(seen, k.data, k.len) : NULL;
    if (v) {
        snprintf(tag, REMOTE_TAG, "%s", val_get_str(val_list_get(v, 0), NULL));
        strbuf_puts(state, val_get_str(val_list_get(v, 1), NULL));
        val_map_delete(seen, k.data, k.len);
    }
    strbuf_free(&k);
    return v != NULL;
}

/* ---- shared steps ------------------------------------------------------------ */

/* Notes REC (NULL: none) as the state of OP's record in OP's context:
 * what the server answered, so that the journal's after-image is taken
 * without asking again. */
static mig_status_t note(remote_op_t *op, const val_t *rec)
{
    strbuf_t id, s;
    strbuf_init(&id);
    strbuf_init(&s);
    mig_status_t st = registry_make_id(op->db, op->kind, op->name, &id);
    if (st == MIG_OK)
        st = remote_state_text(rec, &s);
    if (st == MIG_OK)
        st = actx_set_state(op->c, id.data, s.data);
    strbuf_free(&id);
    strbuf_free(&s);
    return st;
}

/* OP's record as the answer RES (to a GET or a PUT) gives it, into
 * OP->before (replacing it) and OP->tag. */
static mig_status_t take_record(remote_op_t *op, const val_t *res)
{
    val_unref(op->before);
    op->before = NULL;
    return remote_read_record(op, res, &op->before, op->tag);
}

/* The ETag WANT a record put as REC gets: its content digest, quoted. */
static mig_status_t tag_of(const val_t *rec, char want[REMOTE_TAG])
{
    char d[BLOB_HEX + 8];
    mig_status_t st = tools_descriptor_digest(rec, d);
    if (st == MIG_OK)
        snprintf(want, REMOTE_TAG, "\"%s\"", d);
    return st;
}

/* The digest an ETag TAG quotes, into OUT (NULL when TAG is ""). */
static const char *untag(const char *tag, char out[REMOTE_TAG])
{
    size_t n = strlen(tag);
    if (n < 2)
        return NULL;
    snprintf(out, REMOTE_TAG, "%.*s", (int)(n - 2), tag + 1);
    return out;
}

/* ---- capture ------------------------------------------------------------------ */

static void captured(remote_op_t *op, mig_status_t st, val_t *res)
{
    strbuf_t id, s;
    strbuf_init(&id);
    strbuf_init(&s);
    if (st == MIG_OK)
        st = take_record(op, res);
    if (st == MIG_OK)
        st = registry_make_id(op->db, op->kind, op->name, &id);
    if (st == MIG_OK)
        st = remote_state_text(op->before, &s);
    /* The state read is the one declared: the resource is not read again. */
    if (st == MIG_OK)
        st = actx_set_state(op->c, id.data, s.data);
    if (st == MIG_OK)
        st = resource_declare(op->c, id.data);
    if (st == MIG_OK)
        st = seen_put(op->c, id.data, op->tag, s.data);
    val_t *undo = st == MIG_OK ? val_map_new(6) : NULL;
    if (st == MIG_OK && !undo)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(undo, "db", 2, val_cstring(op->db));
    if (st == MIG_OK)
        st = val_map_set_take(undo, "kind", 4, val_cstring(op->kind));
    if (st == MIG_OK)
        st = val_map_set_take(undo, "name", 4, val_cstring(op->name));
    if (st == MIG_OK)
        st = val_map_set_take(undo, "before", 6, op->before
                              ? val_ref(op->before) : val_null());
    if (st == MIG_OK)
        st = val_map_set_take(undo, "after", 5, *op->want
                              ? val_cstring(op->want) : val_null());
    if (st == MIG_OK && op->token)
        st = val_map_set(undo, "token", 5, op->token);
    val_unref(res);
    strbuf_free(&id);
    strbuf_free(&s);
    if (st != MIG_OK) {
        val_unref(undo);
        undo = NULL;
    }
    remote_end(op, st, undo);
}

static void capture_first(remote_op_t *op)
{
    remote_get(op, captured);
}

/* A new op of ACTION on record KIND NAME of the db of ARGS, with the
 * token of ARGS and, for a put of REC (not NULL), the ETag REC gets
 * (OP->want): *OUT, or MIG_ENOMEM. */
static mig_status_t record_op(action_ctx_t *c, const char *action,
                              const val_t *args, const char *kind,
                              const char *name, const val_t *rec,
                              remote_op_t **out)
{
    remote_op_t *op = remote_op_new(c, action, stdlib_arg_str(args, "db"),
                                    kind, name, stdlib_arg(args, "token"));
    mig_status_t st = op ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK && rec)
        st = tag_of(rec, op->want);
    if (st != MIG_OK && op)
        remote_op_free(op);
    *out = st == MIG_OK ? op : NULL;
    return st;
}

mig_status_t registry_remote_capture(action_ctx_t *c, const char *action,
                                     const val_t *args, const char *kind,
                                     const char *name, const val_t *rec,
                                     val_t **out)
{
    if (!registry_name_ok(name))
        return actx_fail(c, "MissingDependency", "%s: no %s named '%s' in "
                         "%s", action, kind, name, stdlib_arg_str(args, "db"));
    remote_op_t *op;
    mig_status_t st = record_op(c, action, args, kind, name, rec, &op);
    return st == MIG_OK ? remote_start(op, true, capture_first, out) : st;
}

/* ---- registry.put --------------------------------------------------------------- */

/* The change RES answered (a PUT's answer) is in place: the result. */
static void put_sent(remote_op_t *op, mig_status_t st, val_t *res)
{
    char was[REMOTE_TAG], d[REMOTE_TAG];
    snprintf(was, sizeof was, "%s", op->tag);
    if (st == MIG_OK)
        st = take_record(op, res);
    if (st == MIG_OK)
        st = note(op, op->before);
    const char *outcome = remote_status(res) == 201 ? "added"
                        : strcmp(was, op->tag) == 0 ? "kept" : "replaced";
    val_t *out = NULL;
    if (st == MIG_OK)
        st = registry_outcome(op->kind, op->name, outcome,
                              untag(op->want, d), &out);
    val_unref(res);
    remote_end(op, st, out);
}

/* Sends the put, guarded by what was there (OP->tag; "" for nothing):
 * If-None-Match: * over nothing, If-Match: its ETag to replace it,
 * nothing to add it or keep the same content (another content is the
 * server's 409, Conflict). The same content is kept without a request. */
static void put_decide(remote_op_t *op)
{
    static const int created[] = { 201, 0 }, replaced[] = { 200, 0 },
                     either[] = { 200, 201, 0 };
    strbuf_t url;
    strbuf_init(&url);
    if (remote_url(op->db, op->kind, op->name, &url) != MIG_OK) {
        remote_end(op, MIG_ENOMEM, NULL);
    } else if (!*op->tag) {
        remote_send(op, "PUT", url.data, op->record, "If-None-Match", "*",
                    created, NULL, put_sent);
    } else if (strcmp(op->tag, op->want) == 0) {
        char d[REMOTE_TAG];
        val_t *out = NULL;
        mig_status_t st = registry_outcome(op->kind, op->name, "kept",
                                           untag(op->want, d), &out);
        remote_end(op, st, out);
    } else if (op->outcome) {   /* replace: true */
        remote_send(op, "PUT", url.data, op->record, "If-Match", op->tag,
                    replaced, NULL, put_sent);
    } else {
        remote_send(op, "PUT", url.data, op->record, NULL, NULL, either,
                    NULL, put_sent);
    }
    strbuf_free(&url);
}

/* The record read (RES, a GET's answer): the run decides. */
static void run_read(remote_op_t *op, mig_status_t st, val_t *res)
{
    if (st == MIG_OK)
        st = take_record(op, res);
    val_unref(res);
    if (st != MIG_OK)
        remote_end(op, st, NULL);
    else
        op->decide(op);
}

/* A run decides on what its capture read, or reads the record first when
 * it finds nothing of the capture (another context). */
static void run_first(remote_op_t *op)
{
    strbuf_t id, state;
    strbuf_init(&id);
    strbuf_init(&state);
    bool known = registry_make_id(op->db, op->kind, op->name, &id) == MIG_OK
                 && seen_take(op->c, id.data, op->tag, &state);
    /* A put of what is there: its state is the after-image. */
    if (known && *op->want && strcmp(op->tag, op->want) == 0)
        actx_set_state(op->c, id.data, state.data);
    strbuf_free(&id);
    strbuf_free(&state);
    if (known)
        op->decide(op);
    else
        remote_get(op, run_read);
}

mig_status_t registry_remote_put(action_ctx_t *c, const val_t *args,
                                 const char *kind, const char *name,
                                 val_t **out)
{
    const val_t *rec = stdlib_arg(args, "record");
    val_t *replace = stdlib_arg(args, "replace");
    remote_op_t *op;
    mig_status_t st = record_op(c, "registry.put", args, kind, name, rec,
                                &op);
    if (st != MIG_OK)
        return st;
    op->record = val_ref((val_t *)rec);
    if (replace && val_type(replace) == VAL_BOOL && val_get_bool(replace))
        op->outcome = "replaced";
    op->decide = put_decide;
    return remote_start(op, true, run_first, out);
}

/* ---- registry.delete ---------------------------------------------------------- */

static void delete_sent(remote_op_t *op, mig_status_t st, val_t *res)
{
    char d[REMOTE_TAG];
    val_unref(res);
    val_t *out = NULL;
    if (st == MIG_OK)
        st = note(op, NULL);
    if (st == MIG_OK)
        st = registry_outcome(op->kind, op->name, "deleted",
                              untag(op->tag, d), &out);
    remote_end(op, st, out);
}

static void delete_decide(remote_op_t *op)
{
    static const int expect[] = { 204, 0 };
    strbuf_t url;
    strbuf_init(&url);
    if (!*op->tag)
        remote_end(op, actx_fail(op->c, "MissingDependency", "registry."
                                 "delete: no %s named '%s' in %s", op->kind,
                                 op->name, op->db), NULL);
    else if (remote_url(op->db, op->kind, op->name, &url) != MIG_OK)
        remote_end(op, MIG_ENOMEM, NULL);
    else
        remote_send(op, "DELETE", url.data, NULL, "If-Match", op->tag,
                    expect, NULL, delete_sent);
    strbuf_free(&url);
}

mig_status_t registry_remote_delete(action_ctx_t *c, const val_t *args,
                                    const char *kind, val_t **out)
{
    const char *name = stdlib_arg_str(args, "name");
    const char *db = stdlib_arg_str(args, "db");
    if (!registry_name_ok(name))
        return actx_fail(c, "MissingDependency", "registry.delete: no %s "
                         "named '%s' in %s", kind, name, db);
    remote_op_t *op = remote_op_new(c, "registry.delete", db, kind, name,
                                    stdlib_arg(args, "token"));
    if (!op)
        return MIG_ENOMEM;
    op->decide = delete_decide;
    return remote_start(op, true, run_first, out);
}

/* ---- undo ------------------------------------------------------------------------
 * The undo reads the record first (a GET, which needs no token): already
 * as before (a change that never landed, or an undo made once already)
 * is done without a change; as the change left it (its ETag OP->want, or
 * gone after a delete), the before-image is put back, or what a put
 * added removed, guarded by that ETag (If-Match; If-None-Match: * where
 * a delete left nothing), so that a change made meanwhile is never
 * overwritten: a 412 reads it again. Anything else was changed by
 * someone since, and the undo leaves it (Conflict naming it). */

static void undo_read(remote_op_t *op, mig_status_t st, val_t *res);

/* The record is neither as before nor as the change left it: Conflict,
 * naming it, with {record, etag, expected} in the detail. */
static mig_status_t undo_refused(remote_op_t *op, const char *id,
                                 const val_t *now, const char *tag)
{
    char b[REMOTE_TAG] = "none";
    if (op->record)
        snprintf(b, sizeof b, "\"%s\"", stdlib_arg_str(op->record, "digest")
                                        ? stdlib_arg_str(op->record, "digest")
                                        : "");
    mig_status_t st = actx_fail(op->c, "Conflict", "%s: the undo leaves %s as "
                                "it is: it was changed since mig changed it "
                                "(%s; mig's change left %s, the before-image "
                                "is %s)", op->action, id,
                                now ? tag : "it is gone",
                                *op->want ? op->want : "nothing", b);
    val_t *d = val_map_new(3);
    if (d && (val_map_set_take(d, "record", 6, val_cstring(id)) != MIG_OK
              || val_map_set_take(d, "etag", 4, now ? val_cstring(tag)
                                                    : val_null()) != MIG_OK
              || val_map_set_take(d, "expected", 8, *op->want
                                  ? val_cstring(op->want) : val_null())
                 != MIG_OK)) {
        val_unref(d);
        d = NULL;
    }
    if (d)
        actx_set_error_detail(op->c, d);
    return st;
}

/* The answer RES to the guarded change: done, or (412, 404) read again. */
static void undo_sent(remote_op_t *op, mig_status_t st, val_t *res)
{
    long status = remote_status(res);
    if (st == MIG_OK && (status == 412 || status == 404)) {
        val_unref(res);
        op->count = true;       /* the second read decides */
        remote_get(op, undo_read);
        return;
    }
    if (st == MIG_OK && status == 204)
        st = note(op, NULL);
    else if (st == MIG_OK) {
        st = take_record(op, res);
        if (st == MIG_OK)
            st = note(op, op->before);
    }
    val_unref(res);
    remote_end(op, st, st == MIG_OK ? val_null() : NULL);
}

/* The guarded change that puts back OP->record over what the change
 * left (or removes what a put added). */
static void undo_change(remote_op_t *op, const char *url)
{
    static const int put_back[] = { 200, 201, 412, 0 },
                     remove[] = { 204, 404, 412, 0 };
    if (!*op->want)
        remote_send(op, "PUT", url, op->record, "If-None-Match", "*",
                    put_back, NULL, undo_sent);
    else if (!op->record)
        remote_send(op, "DELETE", url, NULL, "If-Match", op->want, remove,
                    NULL, undo_sent);
    else
        remote_send(op, "PUT", url, op->record, "If-Match", op->want,
                    put_back, NULL, undo_sent);
}

/* RES, a GET's answer, says what the record is now. */
static void undo_read(remote_op_t *op, mig_status_t st, val_t *res)
{
    strbuf_t now, was, id, url;
    strbuf_init(&now);
    strbuf_init(&was);
    strbuf_init(&id);
    strbuf_init(&url);
    val_t *rec = NULL;
    char tag[REMOTE_TAG] = "";
    if (st == MIG_OK)
        st = remote_url(op->db, op->kind, op->name, &url);
    if (st == MIG_OK)
        st = remote_read_record(op, res, &rec, tag);
    if (st == MIG_OK)
        st = remote_state_text(rec, &now);
    if (st == MIG_OK)
        st = remote_state_text(op->record, &was);
    if (st == MIG_OK)
        st = registry_make_id(op->db, op->kind, op->name, &id);
    /* As the change left it: gone after a delete, else its ETag. */
    bool left = *op->want ? rec && strcmp(tag, op->want) == 0 : !rec;
    bool sent = false;
    if (st == MIG_OK && strcmp(now.data, was.data) == 0)
        st = actx_set_state(op->c, id.data, now.data);
    else if (st == MIG_OK && left && !op->count)
        sent = true;
    else if (st == MIG_OK)
        st = undo_refused(op, id.data, rec, tag);
    if (sent)
        undo_change(op, url.data);
    val_unref(rec);
    val_unref(res);
    strbuf_free(&now);
    strbuf_free(&was);
    strbuf_free(&id);
    strbuf_free(&url);
    if (!sent)
        remote_end(op, st, st == MIG_OK ? val_null() : NULL);
}

static void undo_first(remote_op_t *op)
{
    if (!*op->want && !op->record)
        remote_end(op, MIG_OK, val_null());     /* nothing was deleted */
    else
        remote_get(op, undo_read);
}

mig_status_t registry_remote_undo(action_ctx_t *c, const val_t *undo,
                                  val_t **out)
{
    const char *after = stdlib_arg_str(undo, "after");
    val_t *before = stdlib_arg(undo, "before");
    remote_op_t *op = remote_op_new(c, "registry undo",
                                    stdlib_arg_str(undo, "db"),
                                    stdlib_arg_str(undo, "kind"),
                                    stdlib_arg_str(undo, "name"),
                                    stdlib_arg(undo, "token"));
    if (!op)
        return MIG_ENOMEM;
    if (after)
        snprintf(op->want, sizeof op->want, "%s", after);
    if (before && val_type(before) == VAL_MAP)
        op->record = val_ref(before);
    return remote_start(op, true, undo_first, out);
}

/* ---- the check: is the change in place? --------------------------------------- */

static void checked(remote_op_t *op, mig_status_t st, val_t *res)
{
    if (st == MIG_OK)
        st = take_record(op, res);
    val_unref(res);
    /* A put is in place when the record has its content (its ETag), a
     * delete when there is none. */
    bool done = *op->want ? op->before && strcmp(op->tag, op->want) == 0
                          : !op->before;
    remote_end(op, st, st == MIG_OK ? val_bool(done) : NULL);
}

static void check_first(remote_op_t *op)
{
    remote_get(op, checked);
}

mig_status_t registry_remote_applied(action_ctx_t *c, const char *action,
                                     const val_t *args, const char *kind,
                                     const char *name, const val_t *rec,
                                     val_t **out)
{
    if (!registry_name_ok(name)) {
        *out = val_bool(!rec);          /* no such record can be there */
        return MIG_OK;
    }
    remote_op_t *op;
    mig_status_t st = record_op(c, action, args, kind, name, rec, &op);
    return st == MIG_OK ? remote_start(op, true, check_first, out) : st;
}
