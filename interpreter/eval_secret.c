/* eval_secret.c: what the evaluator does with secrets (docs/values.md,
 * "Secrets"): text joined with a secret is a secret, and every operation
 * that would reveal one (compare, convert, order, do arithmetic, pass to
 * a builtin that reads it) is refused with one message, which the static
 * checker (check_expr.c) gives in the same words. Also secret_env(). */
#include <string.h>

#include "eval_int.h"

diag_t *eval_secret_refused(diag_list_t *diags, src_t *src,
                            const src_span_t *span, const char *what)
{
    diag_t *d = diag_add(diags, DIAG_ERROR, src, span, "a secret cannot be "
                         "%s: it would reveal the secret", what);
    diag_hint(diags, d, "a secret is only passed to actions that take "
              "secrets and joined into text, never shown, compared or "
              "converted (docs/values.md, \"Secrets\")");
    return d;
}

static mig_status_t refused(eval_ctx_t *c, const src_span_t *span,
                            const char *what)
{
    eval_secret_refused(c->diags, c->src, span, what);
    return MIG_EINVALID;
}

mig_status_t eval_secret_args(eval_call_t *call, eval_secrets_t policy)
{
    if (policy == EVAL_SECRETS_PASSED)
        return MIG_OK;
    for (size_t i = 0; i < call->nargs; i++) {
        const val_t *v = call->args[i];
        if (!val_holds_secret(v) || (policy == EVAL_SECRETS_HELD
                                     && val_type(v) != VAL_SECRET))
            continue;
        strbuf_t b;
        strbuf_init(&b);
        strbuf_printf(&b, "passed to %s()%s", call->name,
                      val_type(v) == VAL_SECRET ? ""
                      : val_type(v) == VAL_LIST ? " inside a list"
                      : " inside a map");
        mig_status_t st = b.oom ? eval_oom(call->ctx, &call->node->span)
            : refused(call->ctx, &call->node->u.call.args.items[i].value
                      ->span, b.data);
        strbuf_free(&b);
        return st;
    }
    return MIG_OK;
}

mig_status_t eval_secret_binary(eval_ctx_t *c, const ast_node_t *e,
                                const val_t *l, const val_t *r, val_t **out,
                                bool *handled)
{
    *handled = val_holds_secret(l) || val_holds_secret(r);
    if (!*handled)
        return MIG_OK;
    ast_op_t op = e->u.binary.op;
    val_type_t tl = val_type(l), tr = val_type(r);
    bool text = (tl == VAL_STRING || tl == VAL_SECRET)
             && (tr == VAL_STRING || tr == VAL_SECRET);
    if (op == AST_OP_ADD && tl == VAL_LIST && tr == VAL_LIST) {
        *handled = false;       /* lists joined: their items stay as they are */
        return MIG_OK;
    }
    if (op == AST_OP_ADD && text) {
        if (!eval_fits(c, &e->span, val_size(l) + val_size(r)))
            return MIG_EINVALID;
        val_t *s = val_secret_concat(l, r);
        if (!s)
            return eval_oom(c, &e->span);
        *out = s;
        return MIG_OK;
    }
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, op == AST_OP_EQ || op == AST_OP_NE ? "compared with "
                  "'%s'" : "used with '%s'", ast_op_name(op));
    mig_status_t st = b.oom ? eval_oom(c, &e->span)
                            : refused(c, &e->span, b.data);
    strbuf_free(&b);
    return st;
}

mig_status_t eval_secret_join(eval_ctx_t *c, const src_span_t *span,
                              val_t **acc, strbuf_t *b, const val_t *v)
{
    if (val_type(v) != VAL_SECRET)
        return refused(c, span, val_type(v) == VAL_LIST
                       ? "inserted into text inside a list"
                       : "inserted into text inside a map");
    val_t *text = b->oom ? NULL : val_string(b->data ? b->data : "", b->len);
    if (!text)
        return eval_oom(c, span);
    b->len = 0;
    val_t *head = *acc ? val_secret_concat(*acc, text)
                       : val_secret_concat(text, v);
    val_unref(text);
    val_t *joined = head && *acc ? val_secret_concat(head, v) : head;
    if (joined != head)
        val_unref(head);
    if (!joined)
        return eval_oom(c, span);
    val_unref(*acc);
    *acc = joined;
    return MIG_OK;
}

mig_status_t eval_secret_finish(eval_ctx_t *c, const src_span_t *span,
                                val_t *acc, strbuf_t *b, val_t **out)
{
    val_t *text = b->oom ? NULL : val_string(b->data ? b->data : "", b->len);
    val_t *s = text ? val_secret_concat(acc, text) : NULL;
    val_unref(text);
    val_unref(acc);
    if (!s)
        return eval_oom(c, span);
    *out = s;
    return MIG_OK;
}

mig_status_t eval_fn_secret_env(eval_call_t *call, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_STRING))
        return MIG_EINVALID;
    size_t len;
    const char *name = val_get_str(call->args[0], &len);
    const src_span_t *at = &call->node->u.call.args.items[0].value->span;
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = strlen(name) == len ? secret_env(name, out, &why)
                                          : MIG_EINVALID;
    if (st == MIG_EINVALID) {
        diag_t *d = eval_error(call->ctx, at, "secret_env: %s",
                               why.len && !why.oom ? why.data
                               : "the name holds a NUL byte");
        diag_hint(call->ctx->diags, d, "set the variable in the "
                  "environment mig runs in; resume and rollback read it "
                  "again (docs/values.md, \"Secrets\")");
    } else if (st == MIG_ENOMEM) {
        eval_oom(call->ctx, at);
    }
    strbuf_free(&why);
    return st;
}
