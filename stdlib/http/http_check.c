/* http_check.c: how a changing http.request that a crash caught in
 * flight is settled (docs/http.md, "Crashes"): its `check:` is a request
 * that reads (a GET or a HEAD) whose answer says whether the change is
 * in place, so that mig resume and mig rollback ask the endpoint rather
 * than the user (runtime/settle.c calls the row's applied). Without a
 * check, or with an answer the check does not place, mig cannot tell,
 * and the user settles it (--settle). */
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

static const char *const check_keys[] = {
    "url", "method", "headers", "done", "not_done", "holds",
};

/* Whether LIST (NULL ok) is a list of statuses 100-599. */
static bool statuses(const val_t *list)
{
    if (!list)
        return true;
    if (val_type(list) != VAL_LIST)
        return false;
    for (size_t i = 0; i < val_len(list); i++) {
        val_t *s = val_list_get(list, i);
        if (!val_is_int(s) || val_get_int(s) < 100 || val_get_int(s) > 599)
            return false;
    }
    return true;
}

mig_status_t http_check_valid(action_ctx_t *c, const val_t *args)
{
    val_t *k = stdlib_arg(args, "check");
    if (!k)
        return MIG_OK;
    mig_status_t st = http_keys_known(c, "check", "a check", k, check_keys,
                                      sizeof check_keys / sizeof *check_keys);
    if (st != MIG_OK)
        return st;
    const char *method = http_str_of(k, "method");
    val_t *h = val_map_get(k, "headers", 7), *holds = val_map_get(k, "holds", 5);
    if (!http_str_of(k, "url"))
        return actx_fail(c, "InvalidConfig", "http.request: check: url is "
                         "required (the URL whose answer says whether the "
                         "change is in place)");
    if (val_map_get(k, "method", 6)
        && (!method || !(strcmp(method, "GET") == 0
                         || strcmp(method, "HEAD") == 0)))
        return actx_fail(c, "InvalidConfig", "http.request: check: method "
                         "must be \"GET\" or \"HEAD\" (a check changes "
                         "nothing)");
    if ((h && val_type(h) != VAL_MAP) || (holds && val_type(holds) != VAL_MAP))
        return actx_fail(c, "InvalidConfig", "http.request: check: headers "
                         "and holds must be maps");
    if (!statuses(val_map_get(k, "done", 4))
        || !statuses(val_map_get(k, "not_done", 8)))
        return actx_fail(c, "InvalidConfig", "http.request: check: done and "
                         "not_done must be lists of statuses (100 to 599)");
    return http_plain_credential(c, "check", h);
}

/* Whether LIST holds STATUS; without LIST, whether STATUS is in
 * [LO, HI] or is ALSO (0: none). */
static bool among(const val_t *list, long status, long lo, long hi,
                  long also)
{
    if (!list)
        return (status >= lo && status <= hi) || status == also;
    for (size_t i = 0; i < val_len(list); i++)
        if (val_get_int(val_list_get(list, i)) == status)
            return true;
    return false;
}

/* The statuses the check expects: its done and not_done, as a list. */
static val_t *expected(const val_t *k)
{
    val_t *e = val_list_new(0);
    for (long s = 100; e && s <= 599; s++)
        if ((among(val_map_get(k, "done", 4), s, 200, 299, 0)
             || among(val_map_get(k, "not_done", 8), s, 404, 404, 410))
            && val_list_push_take(e, val_int(s)) != MIG_OK) {
            val_unref(e);
            return NULL;
        }
    return e;
}

/* Whether JSON holds every member of HOLDS with its value. */
static bool holds_all(const val_t *json, const val_t *holds)
{
    for (size_t i = 0; holds && i < val_len(holds); i++) {
        size_t len;
        const char *key = val_get_str(val_map_key(holds, i), &len);
        val_t *v = json && val_type(json) == VAL_MAP
            ? val_map_get(json, key, len) : NULL;
        if (!v || !val_equal(v, val_map_value(holds, i)))
            return false;
    }
    return true;
}

static void checked(http_call_t *x, CURLcode rc)
{
    flow_t *f = x->then_data;
    f->x = NULL;
    val_t *res = NULL;
    f->st = http_outcome(x, rc, &res);
    http_call_free(x);
    if (f->st == MIG_OK) {
        const val_t *k = f->args;
        long status = val_get_int(val_map_get(res, "status", 6));
        bool done = among(val_map_get(k, "done", 4), status, 200, 299, 0)
                    && holds_all(val_map_get(res, "json", 4),
                                 val_map_get(k, "holds", 5));
        f->result = val_bool(done);
    }
    val_unref(res);
    http_flow_end(f);
}

mig_status_t http_applied(action_ctx_t *c, const val_t *args, val_t **out)
{
    (void)out;
    val_t *k = stdlib_arg(args, "check");
    const actx_host_t *host = actx_host(c);
    if (!k || val_type(k) != VAL_MAP)
        return actx_fail(c, "Unavailable", "http.request cannot tell");
    if (!host || !host->loop)
        return actx_fail(c, "Unavailable", "http.request: its check is sent "
                         "only with an event loop");
    mig_status_t st = http_check_valid(c, args);
    if (st != MIG_OK)
        return st;
    flow_t *f = http_flow_new(c, k);
    const char *method = http_str_of(k, "method");
    val_t *req = f ? http_args_of(method ? method : "GET",
                                       http_str_of(k, "url"),
                                       http_plain_headers(val_map_get(
                                           k, "headers", 7)),
                                       http_timeout_of(args, 0), NULL)
                 : NULL;
    val_t *e = req ? expected(k) : NULL;
    st = e ? val_map_set_take(req, "expect", 6, e) : MIG_ENOMEM;
    if (st == MIG_OK) {
        st = http_flow_send(f, req, checked);
        req = NULL;
    }
    val_unref(req);
    if (st != MIG_OK) {
        if (f)
            http_flow_free(f);
        return st;
    }
    actx_suspend(c, http_flow_cancel, f);
    return MIG_OK;
}
