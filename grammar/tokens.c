/* tokens.c: the plan as a list of tokens with their spans, comments
 * included, for the formatter (interpreter/fmt.c) and the layout-free text
 * the plan digest is taken over. The scanner is the parser's own, so a
 * token here is exactly a token the parser reads. */
#include <stdlib.h>
#include <string.h>

#include "grammar_int.h"
#include "parser.h"

static bool push(token_list_t *l, token_class_t cls, const src_span_t *span)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        token_t *items = realloc(l->items, cap * sizeof(*items));
        if (!items)
            return false;
        l->items = items;
        l->cap = cap;
    }
    l->items[l->len++] = (token_t){ cls, *span };
    return true;
}

void lex_comment(parse_ctx_t *ctx, const src_span_t *first,
                 const src_span_t *last)
{
    if (!ctx->comments)
        return;
    src_span_t s = *first;
    s.end = last->end;
    s.end_line = last->end_line;
    s.end_col = last->end_col;
    if (!push(ctx->comments, TOKEN_COMMENT, &s))
        ctx->oom = ctx->fatal = true;
}

void token_list_free(token_list_t *l)
{
    free(l->items);
    *l = (token_list_t){ 0 };
}

static token_class_t class_of(int tok)
{
    if (tok == KW_TRUE || tok == KW_FALSE || tok == KW_NULL ||
        tok == IDENT || tok == NUMBER || tok == DURATION)
        return TOKEN_VALUE;
    if (tok >= KW_MIGRATION && tok <= KW_NOT)
        return TOKEN_KEYWORD;
    return TOKEN_PUNCT;
}

/* Scans ctx->src into TOKS (a string whole) and ctx->comments. */
static void scan(parse_ctx_t *ctx, token_list_t *toks)
{
    MIG_YYSTYPE val;
    src_span_t loc, str_start = { 0 };
    unsigned strings = 0;   /* string literals open, interpolations nest */
    for (;;) {
        int tok = lex_scan(&val, &loc, ctx->scanner);
        if (tok == MIG_YYEOF || ctx->fatal)
            break;
        ctx->tok[2] = ctx->tok[1];
        ctx->tok[1] = ctx->tok[0];
        ctx->tok[0] = tok;
        ctx->tok_span[0] = loc;
        if (tok == STR_BEGIN) {
            if (strings++ == 0)
                str_start = loc;
            continue;
        }
        if (strings) {
            if (tok == STR_END && --strings == 0) {
                str_start.end = loc.end;
                str_start.end_line = loc.end_line;
                str_start.end_col = loc.end_col;
                if (!push(toks, TOKEN_STRING, &str_start))
                    ctx->oom = true;
            }
            continue;
        }
        if (!push(toks, class_of(tok), &loc)) {
            ctx->oom = true;
            break;
        }
    }
}

/* Merges the comments C into T by offset, dropping any inside a string. */
static bool merge(token_list_t *t, const token_list_t *c)
{
    token_list_t out = { 0 };
    size_t i = 0, k = 0;
    while (i < t->len || k < c->len) {
        if (k < c->len && (i == t->len ||
                           c->items[k].span.begin < t->items[i].span.begin)) {
            bool inside = out.len && out.items[out.len - 1].span.end >
                          c->items[k].span.begin;
            if (!inside && !push(&out, TOKEN_COMMENT, &c->items[k].span)) {
                token_list_free(&out);
                return false;
            }
            k++;
        } else {
            if (!push(&out, t->items[i].cls, &t->items[i].span)) {
                token_list_free(&out);
                return false;
            }
            i++;
        }
    }
    token_list_free(t);
    *t = out;
    return true;
}

mig_status_t grammar_tokens(src_t *src, diag_list_t *diags, token_list_t *out)
{
    token_list_free(out);
    if (src->len > INT32_MAX) {
        diag_add(diags, DIAG_ERROR, src, NULL, "the file is too large to parse (the limit is 2 GiB)");
        return MIG_EINVALID;
    }
    parse_ctx_t *ctx = calloc(1, sizeof(*ctx));
    arena_t *arena = arena_new();
    token_list_t comments = { 0 };
    if (!ctx || !arena) {
        free(ctx);
        arena_free(arena);
        return MIG_ENOMEM;
    }
    ctx->src = src;
    ctx->arena = arena;
    ctx->diags = diags;
    ctx->comments = &comments;
    ctx->tok[0] = ctx->tok[1] = ctx->tok[2] = MIG_YYEMPTY;
    size_t errors_before = diags->errors;
    mig_status_t st = MIG_ENOMEM;
    if (lex_begin(ctx)) {
        scan(ctx, out);
        lex_end(ctx);
        if (ctx->oom || diags->out_of_memory || !merge(out, &comments))
            st = MIG_ENOMEM;
        else
            st = diags->errors == errors_before ? MIG_OK : MIG_EINVALID;
    }
    token_list_free(&comments);
    arena_free(arena);
    free(ctx);
    return st;
}

mig_status_t grammar_layout_free_text(src_t *src, diag_list_t *diags,
                                      strbuf_t *out)
{
    token_list_t toks = { 0 };
    mig_status_t st = grammar_tokens(src, diags, &toks);
    for (size_t i = 0; st == MIG_OK && i < toks.len; i++) {
        const token_t *t = &toks.items[i];
        if (t->cls == TOKEN_COMMENT)
            continue;
        strbuf_printf(out, "%u:", t->span.end - t->span.begin);
        strbuf_put(out, src->text + t->span.begin, t->span.end - t->span.begin);
    }
    token_list_free(&toks);
    if (st == MIG_OK && out->oom)
        st = MIG_ENOMEM;
    return st;
}
