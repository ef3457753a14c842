/* eval_paths.c: the builtins a plan needs around files and names
 * (docs/expressions.md): basename, dirname and ext on '/'-separated paths
 * (pure text: nothing is read), starts_with and ends_with, and matches
 * (mig's one regex dialect, interpreter/regex.c). Rows in eval_builtins.c. */
#include <string.h>

#include "eval_int.h"

/* PATH's string argument, its last part [*BEGIN, *END) with trailing
 * slashes left out; *END 0 for a path of slashes only or "". */
static void last_part(const char *p, size_t len, size_t *begin, size_t *end)
{
    size_t e = len;
    while (e > 0 && p[e - 1] == '/')
        e--;
    size_t b = e;
    while (b > 0 && p[b - 1] != '/')
        b--;
    *begin = b;
    *end = e;
}

mig_status_t eval_fn_basename(eval_call_t *call, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_STRING))
        return MIG_EINVALID;
    size_t len, b, e;
    const char *p = val_get_str(call->args[0], &len);
    last_part(p, len, &b, &e);
    if (e == 0)                 /* "" stays "", "///" is "/" */
        return eval_call_made(call, val_string(p, len ? 1 : 0), out);
    return eval_call_made(call, val_string(p + b, e - b), out);
}

mig_status_t eval_fn_dirname(eval_call_t *call, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_STRING))
        return MIG_EINVALID;
    size_t len, b, e;
    const char *p = val_get_str(call->args[0], &len);
    last_part(p, len, &b, &e);
    if (e == 0)
        return eval_call_made(call, val_cstring(len ? "/" : "."), out);
    while (b > 0 && p[b - 1] == '/')
        b--;
    if (b == 0)                 /* "a.json" is in ".", "/a.json" in "/" */
        return eval_call_made(call, val_cstring(p[0] == '/' ? "/" : "."), out);
    return eval_call_made(call, val_string(p, b), out);
}

mig_status_t eval_fn_ext(eval_call_t *call, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_STRING))
        return MIG_EINVALID;
    size_t len, b, e;
    const char *p = val_get_str(call->args[0], &len);
    last_part(p, len, &b, &e);
    size_t dot = e;
    while (dot > b && p[dot - 1] != '.')
        dot--;
    /* No dot, or only a leading one (".bashrc"): no extension. */
    if (dot <= b + 1 || dot == b)
        return eval_call_made(call, val_string("", 0), out);
    return eval_call_made(call, val_string(p + dot - 1, e - dot + 1), out);
}

/* starts_with (AT_END false) and ends_with. */
static mig_status_t affix(eval_call_t *call, bool at_end, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_STRING) || !eval_arg_is(call, 1, VAL_STRING))
        return MIG_EINVALID;
    size_t ls, la;
    const char *s = val_get_str(call->args[0], &ls);
    const char *a = val_get_str(call->args[1], &la);
    bool yes = la <= ls && memcmp(at_end ? s + ls - la : s, a, la) == 0;
    return eval_call_made(call, val_bool(yes), out);
}

mig_status_t eval_fn_starts_with(eval_call_t *call, val_t **out)
{
    return affix(call, false, out);
}

mig_status_t eval_fn_ends_with(eval_call_t *call, val_t **out)
{
    return affix(call, true, out);
}

mig_status_t eval_fn_matches(eval_call_t *call, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_STRING) || !eval_arg_is(call, 1, VAL_STRING))
        return MIG_EINVALID;
    size_t ls, lp;
    const char *s = val_get_str(call->args[0], &ls);
    const char *p = val_get_str(call->args[1], &lp);
    strbuf_t why;
    strbuf_init(&why);
    bool found = false;
    mig_status_t st = regex_search(p, lp, s, ls, &found, &why);
    if (st == MIG_EINVALID)
        eval_error(call->ctx, &call->node->u.call.args.items[1].value->span,
                   "matches: %s", why.data ? why.data : "?");
    else if (st == MIG_ENOMEM)
        eval_oom(call->ctx, &call->node->span);
    strbuf_free(&why);
    return st == MIG_OK ? eval_call_made(call, val_bool(found), out) : st;
}
