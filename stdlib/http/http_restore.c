/* http_restore.c: the undo of an http.request that gave `undo:` (docs/
 * http.md, "Undo"), and the state of a remote record, through which
 * rollback verifies it (runtime/resource.c). The undo is conditional:
 * with the ETag the change's answer gave (If-Match), or, for a change
 * that deleted the record, on its still being absent (If-None-Match: *).
 * An endpoint that refuses the condition (412) has the record read
 * again: as the undo would leave it, it was undone already (an undo is
 * idempotent); otherwise someone changed it since mig did, and it is
 * not overwritten (Conflict, naming it). Without an ETag (the change's
 * answer gave none, or a crash lost it), the record is read first: as
 * the undo would leave it, nothing is sent; otherwise the undo is sent
 * with If-Match of the ETag that read gave. A DELETE's undo to another
 * URL (a POST to the collection that makes the record) goes without a
 * condition. */
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

static void answered_undo(http_call_t *x, CURLcode rc);

/* Ends F with the classed error of the answer X got (or no answer). */
static void end_with_error(flow_t *f, http_call_t *x, CURLcode rc)
{
    val_t *unused = NULL;
    f->st = http_outcome(x, rc, &unused);
    val_unref(unused);
    if (f->st == MIG_OK)        /* an answer http.request takes as success */
        f->st = actx_fail(f->c, "Unavailable", "http.request: the undo %s "
                          "%s got an answer mig cannot place (%ld)",
                          f->method, f->target, http_answered(x, rc));
    http_call_free(x);
    http_flow_end(f);
}

/* Sends the undo of F, with the conditional header COND (NULL: none)
 * set to VALUE. MIG_OK, or the failure on F's context (F goes on). */
static mig_status_t send_undo(flow_t *f, const char *cond, const char *value)
{
    const val_t *rec = f->args;
    val_t *spec = val_map_get(rec, "undo", 4);
    val_t *before = val_map_get(rec, "before", 6);
    val_t *h = http_plain_headers(val_map_get(spec, "headers", 7));
    val_t *body = NULL;
    mig_status_t st = h ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK && cond)
        st = val_map_set_take(h, cond, strlen(cond), val_cstring(value));
    if (st == MIG_OK && strcmp(f->method, "DELETE") != 0) {
        val_t *given = val_map_get(spec, "body", 4);
        const char *blob = http_str_of(before, "blob");
        const char *type = http_str_of(before, "type");
        const actx_host_t *host = actx_host(f->c);
        strbuf_t b;
        strbuf_init(&b);
        if (given) {
            body = val_ref(given);
        } else if (!blob) {
            st = actx_fail(f->c, "InvalidConfig", "http.request: the undo "
                           "%s %s has no body: give undo's body, since "
                           "there was no record before the change to send",
                           f->method, f->target);
        } else if (!host || !host->blobs
                   || blobs_get(host->blobs, blob, &b) != MIG_OK) {
            st = actx_fail(f->c, "Unavailable", "http.request: the "
                           "before-image of %s is not in the object store "
                           "(object %s)", f->target, blob);
        } else {
            body = val_string(b.data ? b.data : "", b.len);
            if (body && type)
                st = val_map_set_take(h, "Content-Type", 12,
                                      val_cstring(type));
        }
        strbuf_free(&b);
        if (st == MIG_OK && (given || blob) && !body)
            st = MIG_ENOMEM;
    }
    val_t *t = val_map_get(rec, "timeout_ms", 10);
    if (st == MIG_OK) {
        st = http_flow_send(f, http_args_of(f->method, f->target, h,
                                                 t ? val_get_int(t) : 0,
                                                 body), answered_undo);
        h = body = NULL;
    }
    val_unref(h);
    val_unref(body);
    return st;
}

/* Ends F with ST when it is a failure (a send from a callback). */
static void end_if_failed(flow_t *f, mig_status_t st)
{
    if (st != MIG_OK) {
        f->st = st;
        http_flow_end(f);
    }
}

/* Reads F's target (a GET with the undo's headers); THEN gets it. */
static mig_status_t read_target(flow_t *f, http_then_fn then)
{
    val_t *h = http_plain_headers(val_map_get(val_map_get(f->args, "undo", 4),
                                              "headers", 7));
    val_t *t = val_map_get(f->args, "timeout_ms", 10);
    return http_flow_send(f, http_args_of("GET", f->target, h,
                                               t ? val_get_int(t) : 0, NULL),
                          then);
}

/* Whether the record, read by X, is as the undo leaves it. */
static bool as_undone(flow_t *f, http_call_t *x, CURLcode rc, bool *read)
{
    char buf[BLOB_HEX + 7];
    const char *state = http_state_of(x, rc, buf);
    *read = state != NULL;
    return state && f->want && strcmp(state, f->want) == 0;
}

/* The record read after the endpoint refused the undo's condition. */
static void reread(http_call_t *x, CURLcode rc)
{
    flow_t *f = x->then_data;
    f->x = NULL;
    bool read;
    char buf[BLOB_HEX + 7];
    const char *etag = http_answer_header(x, "etag");
    if (as_undone(f, x, rc, &read)) {
        f->st = MIG_OK;         /* undone already */
    } else if (!read) {
        end_with_error(f, x, rc);
        return;
    } else if (!f->resent && etag && f->after
               && strcmp(http_state_of(x, rc, buf), f->after) == 0) {
        /* as the change left it, under a new ETag: the undo of a later
         * change of the same record restored it */
        char *e = strdup(etag);
        http_call_free(x);
        f->resent = true;
        end_if_failed(f, e ? send_undo(f, "If-Match", e) : MIG_ENOMEM);
        free(e);
        return;
    } else {
        f->st = actx_fail(f->c, "Conflict", "http.request: the undo %s %s "
                          "was refused (412 Precondition Failed): %s changed "
                          "since mig changed it, and is not overwritten",
                          f->method, f->target, f->target);
    }
    http_call_free(x);
    http_flow_end(f);
}

static void answered_undo(http_call_t *x, CURLcode rc)
{
    flow_t *f = x->then_data;
    f->x = NULL;
    long status = http_answered(x, rc);
    bool gone = strcmp(f->method, "DELETE") == 0
                && (status == 404 || status == 410);
    if ((status >= 200 && status <= 299) || gone) {
        http_call_free(x);
        f->st = MIG_OK;
        http_flow_end(f);
        return;
    }
    if (status != 412 || x->cancelled) {
        end_with_error(f, x, rc);
        return;
    }
    http_call_free(x);
    end_if_failed(f, read_target(f, reread));
}

/* The record read before an undo that knows no ETag of the change. */
static void read_first(http_call_t *x, CURLcode rc)
{
    flow_t *f = x->then_data;
    f->x = NULL;
    bool read;
    if (as_undone(f, x, rc, &read)) {
        http_call_free(x);
        f->st = MIG_OK;         /* nothing to undo: it is as before */
        http_flow_end(f);
        return;
    }
    if (!read && http_answered(x, rc) != 404 && http_answered(x, rc) != 410) {
        end_with_error(f, x, rc);
        return;
    }
    char *etag = http_answer_header(x, "etag")
        ? strdup(http_answer_header(x, "etag")) : NULL;
    http_call_free(x);
    end_if_failed(f, send_undo(f, etag ? "If-Match" : NULL, etag));
    free(etag);
}

mig_status_t http_undo(action_ctx_t *c, const val_t *record, val_t **out)
{
    (void)out;
    const actx_host_t *host = actx_host(c);
    if (!host || !host->loop)
        return actx_fail(c, "Unavailable", "http.request: requests are sent "
                         "only with an event loop");
    val_t *req = val_map_get(record, "request", 7);
    val_t *spec = val_map_get(record, "undo", 4);
    val_t *before = val_map_get(record, "before", 6);
    if (before && val_type(before) != VAL_MAP)
        before = NULL;
    val_t *outcome = actx_outcome(c);
    const char *changed = http_str_of(req, "method");
    const char *tmpl = http_str_of(spec, "url");
    if (!tmpl)
        tmpl = before ? http_str_of(before, "url") : "{location}";
    const char *etag = http_str_of(outcome, "etag");
    flow_t *f = http_flow_new(c, record);
    if (!f)
        return MIG_ENOMEM;
    f->after = http_str_of(outcome, "after");   /* outcome outlives F */
    f->target = http_str_of(outcome, "url")
        ? strdup(http_str_of(outcome, "url"))
        : http_undo_url(tmpl, http_str_of(req, "url"), NULL, NULL);
    if (!f->target) {
        http_flow_free(f);
        return actx_fail(c, "Unavailable", "http.request: the undo of %s %s "
                         "cannot be sent: its URL (%s) needs what the "
                         "change's answer said, which mig never saw",
                         changed ? changed : "?", http_str_of(req, "url"),
                         tmpl);
    }
    const char *was = before ? http_str_of(before, "state") : NULL;
    bool absent = was && strcmp(was, "absent") == 0;
    /* a record the change created goes; one it changed comes back */
    f->method = absent ? "DELETE" : http_str_of(spec, "method");
    if (!f->method || (before && !was)) {
        http_flow_free(f);
        return actx_fail(c, "InvalidConfig", "http.request: the undo record "
                         "of %s %s is not one http.request made",
                         changed ? changed : "?", http_str_of(req, "url"));
    }
    const char *want = absent || !before ? "absent"
        : val_map_get(spec, "body", 4) ? NULL : was;
    if (want && !(f->want = strdup(want))) {
        http_flow_free(f);
        return MIG_ENOMEM;
    }
    mig_status_t st;
    bool same = before && strcmp(f->target, http_str_of(before, "url")) == 0;
    if (changed && strcmp(changed, "DELETE") == 0 && before && !absent)
        /* on condition it is still gone; a collection is there, though */
        st = send_undo(f, same ? "If-None-Match" : NULL, "*");
    else if (etag)
        st = send_undo(f, "If-Match", etag);
    else
        st = read_target(f, read_first);
    if (st != MIG_OK) {
        http_flow_free(f);
        return st;
    }
    actx_suspend(c, http_flow_cancel, f);
    return MIG_OK;
}

/* ---- the state of a remote record ------------------------------------------- */

mig_status_t http_remote_state(action_ctx_t *c, const char *id,
                               strbuf_t *out)
{
    const char *url = id + strlen(HTTP_REMOTE_PREFIX);
    http_call_t *x = NULL;
    val_t *args = http_args_of("GET", url, val_map_new(0),
                                    HTTP_STATE_TIMEOUT_MS, NULL);
    mig_status_t st = args ? http_prepare(c, args, &x) : MIG_ENOMEM;
    val_unref(args);
    if (st != MIG_OK)
        return st;
    /* Asked by the runtime outside any call (a rollback's verification, a
     * checkpoint), so it waits for its answer. */
    CURLcode rc = curl_easy_perform(x->easy);
    char buf[BLOB_HEX + 7];
    const char *state = http_state_of(x, rc, buf);
    if (state) {
        strbuf_puts(out, state);
        st = out->oom ? MIG_ENOMEM : MIG_OK;
    } else {
        val_t *unused = NULL;
        st = http_outcome(x, rc, &unused);
        val_unref(unused);
        if (st == MIG_OK)
            st = actx_fail(c, "Unavailable", "http.request: GET %s answered "
                           "%ld, which says neither a record nor none", url,
                           http_answered(x, rc));
    }
    http_call_free(x);
    return st;
}
