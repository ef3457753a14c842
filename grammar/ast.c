/* ast.c: building syntax trees in an arena, and the outline dump that
 * `mig check --tree` prints and the parse tests compare. */
#include "grammar.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
#define AST_NAME_STR(e, s) s,
    AST_KINDS(AST_NAME_STR)
#undef AST_NAME_STR
};

static const char *const op_names[] = {
#define AST_OP_STR(e, s) s,
    AST_OPS(AST_OP_STR)
#undef AST_OP_STR
};

const char *ast_kind_name(ast_kind_t k) { return kind_names[k]; }
const char *ast_op_name(ast_op_t op) { return op_names[op]; }

const char *ast_backoff_name(ast_backoff_kind_t k)
{
    static const char *const n[] = { "none", "fixed", "linear", "exponential" };
    return n[k];
}

const char *ast_jitter_name(ast_jitter_kind_t k)
{
    static const char *const n[] = { "unset", "none", "full", "equal" };
    return n[k];
}

const char *ast_decision_name(ast_decision_kind_t k)
{
    static const char *const n[] = { "retry", "skip", "fail", "rollback" };
    return n[k];
}

const char *ast_hook_name(ast_hook_when_t w)
{
    static const char *const n[] = { "on failure", "on success", "finally" };
    return n[w];
}

const char *ast_meta_name(ast_meta_key_t k)
{
    static const char *const n[] = { "version", "description", "requires",
                                     "writes" };
    return n[k];
}

/* Bytes a node of KIND needs: the common head and its own union member.
 * Most nodes are small expressions; sizing them all for the largest kind
 * would triple the memory a parse takes. */
static size_t node_size(ast_kind_t kind)
{
#define SZ(m) (offsetof(ast_node_t, u) + sizeof(((ast_node_t *)0)->u.m))
    switch (kind) {
    case AST_META: return SZ(meta);
    case AST_PARAM: case AST_ASSIGN: case AST_LET: return SZ(binding);
    case AST_PROFILE: return SZ(profile);
    case AST_LUA: return SZ(lua);
    case AST_ERROR_DECL: return SZ(error_decl);
    case AST_BREAKER: return SZ(breaker);
    case AST_STAGE: return SZ(stage);
    case AST_HOOK: return SZ(hook);
    case AST_STEP: return SZ(step);
    case AST_CHECKPOINT: return SZ(checkpoint);
    case AST_SNAPSHOT: return SZ(snapshot);
    case AST_FOREACH: return SZ(foreach);
    case AST_RETRY: return SZ(retry);
    case AST_RECOVER: return SZ(recover);
    case AST_VERIFY: return SZ(verify);
    case AST_IF: return SZ(if_);
    case AST_DECISION: return SZ(decision);
    case AST_NULL: return offsetof(ast_node_t, u);
    case AST_BOOL: return SZ(boolean);
    case AST_NUMBER: return SZ(number);
    case AST_DURATION: return SZ(duration);
    case AST_STRING: return SZ(string);
    case AST_LIST: return SZ(list);
    case AST_MAP: return SZ(map);
    case AST_NAME: return SZ(name);
    case AST_FIELD: return SZ(field);
    case AST_INDEX: return SZ(index);
    case AST_CALL: return SZ(call);
    case AST_UNARY: return SZ(unary);
    case AST_BINARY: return SZ(binary);
    case AST_KIND_COUNT: break;
    }
#undef SZ
    return sizeof(ast_node_t);
}

ast_node_t *ast_new(arena_t *a, ast_kind_t kind, const src_span_t *span)
{
    ast_node_t *n = arena_alloc(a, node_size(kind));
    if (n) {
        n->kind = kind;
        n->span = *span;
        n->depth = 1;
    }
    return n;
}

/* Grows an arena array of ELEM-sized items to hold one more. */
static void *grow(arena_t *a, void *items, uint32_t len, uint32_t *cap,
                  size_t elem)
{
    if (len < *cap)
        return items;
    uint32_t ncap = *cap ? *cap * 2 : 2;
    void *fresh = arena_alloc(a, elem * ncap);
    if (!fresh)
        return NULL;
    if (len)
        memcpy(fresh, items, elem * len);
    *cap = ncap;
    return fresh;
}

bool ast_list_push(arena_t *a, ast_list_t *l, ast_node_t *n)
{
    ast_node_t **items = grow(a, l->items, l->len, &l->cap, sizeof(*items));
    if (!items)
        return false;
    l->items = items;
    l->items[l->len++] = n;
    return true;
}

bool ast_idents_push(arena_t *a, ast_idents_t *l, ast_ident_t id)
{
    ast_ident_t *items = grow(a, l->items, l->len, &l->cap, sizeof(*items));
    if (!items)
        return false;
    l->items = items;
    l->items[l->len++] = id;
    return true;
}

bool ast_args_push(arena_t *a, ast_args_t *l, ast_arg_t arg)
{
    ast_arg_t *items = grow(a, l->items, l->len, &l->cap, sizeof(*items));
    if (!items)
        return false;
    l->items = items;
    l->items[l->len++] = arg;
    return true;
}

bool ast_string_push(arena_t *a, ast_node_t *str, char *text, uint32_t len,
                     ast_node_t *expr)
{
    ast_string_t *s = &str->u.string;
    /* Adjacent text pieces (lines, escapes) merge into one, growing its
     * buffer geometrically so a long literal costs linear time. */
    if (text && s->n_parts && s->parts[s->n_parts - 1].text) {
        ast_str_part_t *last = &s->parts[s->n_parts - 1];
        if (last->len + len + 1 > last->cap) {
            uint32_t cap = last->cap * 2 > last->len + len + 1
                         ? last->cap * 2 : last->len + len + 1;
            char *grown = arena_alloc(a, cap);
            if (!grown)
                return false;
            memcpy(grown, last->text, last->len);
            last->text = grown;
            last->cap = cap;
        }
        char *dst = (char *)last->text;
        memcpy(dst + last->len, text, len);
        last->len += len;
        dst[last->len] = '\0';
        return true;
    }
    ast_str_part_t *parts = grow(a, s->parts, s->n_parts, &s->cap,
                                 sizeof(*parts));
    if (!parts)
        return false;
    s->parts = parts;
    s->parts[s->n_parts++] = (ast_str_part_t){ text, len, text ? len + 1 : 0,
                                               expr };
    return true;
}

bool ast_string_is_plain(const ast_node_t *str, const char **text,
                         uint32_t *len)
{
    if (str->kind != AST_STRING)
        return false;
    if (str->u.string.n_parts == 0) {
        *text = "";
        *len = 0;
        return true;
    }
    if (str->u.string.n_parts != 1 || !str->u.string.parts[0].text)
        return false;
    *text = str->u.string.parts[0].text;
    *len = str->u.string.parts[0].len;
    return true;
}

/* ---- counting ------------------------------------------------------------ */

static uint32_t count_list(const ast_list_t *l, ast_kind_t kind);

static uint32_t count_node(const ast_node_t *n, ast_kind_t kind)
{
    uint32_t c = n->kind == kind;
    switch (n->kind) {
    case AST_PROFILE: c += count_list(&n->u.profile.assigns, kind); break;
    case AST_STAGE: c += count_list(&n->u.stage.body, kind); break;
    case AST_HOOK: c += count_list(&n->u.hook.body, kind); break;
    case AST_FOREACH: c += count_list(&n->u.foreach.body, kind); break;
    case AST_RETRY: c += count_list(&n->u.retry.body, kind); break;
    case AST_RECOVER: c += count_list(&n->u.recover.body, kind); break;
    case AST_IF:
        c += count_list(&n->u.if_.then_body, kind);
        c += count_list(&n->u.if_.else_body, kind);
        break;
    default:
        break;
    }
    return c;
}

static uint32_t count_list(const ast_list_t *l, ast_kind_t kind)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < l->len; i++)
        c += count_node(l->items[i], kind);
    return c;
}

const ast_node_t *ast_dotted_root(const ast_node_t *e)
{
    while (e->kind == AST_FIELD)
        e = e->u.field.object;
    return e->kind == AST_NAME ? e : NULL;
}

static void put_dotted(const ast_node_t *e, strbuf_t *out)
{
    if (e->kind == AST_FIELD) {
        put_dotted(e->u.field.object, out);
        strbuf_putc(out, '.');
        strbuf_puts(out, e->u.field.field.name);
    } else {
        strbuf_puts(out, e->u.name.name);
    }
}

bool ast_dotted_name(const ast_node_t *e, strbuf_t *out)
{
    if (!ast_dotted_root(e))
        return false;
    put_dotted(e, out);
    return true;
}

uint32_t ast_count(const ast_plan_t *plan, ast_kind_t kind)
{
    return count_list(&plan->items, kind);
}

/* ---- the dump ---------------------------------------------------------- */

static void dump_expr(strbuf_t *b, const ast_node_t *e);

/* Integers as written; floats as the value layer writes them. */
static void dump_number(strbuf_t *b, double v, bool is_integer)
{
    char text[DOUBLE_TEXT_MAX];
    if (is_integer)
        strbuf_printf(b, "%.0f", v);
    else
        strbuf_put(b, text, double_text(v, text));
}

/* A name can be written bare before ':' when it looks like an identifier. */
static bool is_bare_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static void dump_args(strbuf_t *b, const ast_args_t *args, bool is_map)
{
    for (uint32_t i = 0; i < args->len; i++) {
        if (i)
            strbuf_puts(b, ", ");
        const ast_arg_t *arg = &args->items[i];
        if (is_map && !is_bare_name(arg->name.name)) {
            strbuf_put_quoted(b, arg->name.name, strlen(arg->name.name));
            strbuf_puts(b, ": ");
        } else if (arg->name.name[0] || is_map) {
            strbuf_printf(b, "%s: ", arg->name.name);
        }
        dump_expr(b, arg->value);
    }
}

static void dump_string(strbuf_t *b, const ast_node_t *e)
{
    strbuf_putc(b, '"');
    for (uint32_t i = 0; i < e->u.string.n_parts; i++) {
        const ast_str_part_t *p = &e->u.string.parts[i];
        if (p->text) {
            strbuf_t q;
            strbuf_init(&q);
            strbuf_put_quoted(&q, p->text, p->len);
            if (q.oom)
                b->oom = true;
            else
                strbuf_put(b, q.data + 1, q.len - 2);
            strbuf_free(&q);
        } else {
            strbuf_puts(b, "${");
            dump_expr(b, p->expr);
            strbuf_putc(b, '}');
        }
    }
    strbuf_putc(b, '"');
}

static void dump_expr(strbuf_t *b, const ast_node_t *e)
{
    switch (e->kind) {
    case AST_NULL: strbuf_puts(b, "null"); break;
    case AST_BOOL: strbuf_puts(b, e->u.boolean ? "true" : "false"); break;
    case AST_NUMBER:
        dump_number(b, e->u.number.value, e->u.number.is_integer);
        break;
    case AST_DURATION: strbuf_put_duration(b, e->u.duration.ms); break;
    case AST_STRING: dump_string(b, e); break;
    case AST_LIST:
        strbuf_putc(b, '[');
        for (uint32_t i = 0; i < e->u.list.len; i++) {
            if (i)
                strbuf_puts(b, ", ");
            dump_expr(b, e->u.list.items[i]);
        }
        strbuf_putc(b, ']');
        break;
    case AST_MAP:
        strbuf_putc(b, '{');
        dump_args(b, &e->u.map, true);
        strbuf_putc(b, '}');
        break;
    case AST_NAME: strbuf_puts(b, e->u.name.name); break;
    case AST_FIELD:
        dump_expr(b, e->u.field.object);
        strbuf_printf(b, ".%s", e->u.field.field.name);
        break;
    case AST_INDEX:
        dump_expr(b, e->u.index.object);
        strbuf_putc(b, '[');
        dump_expr(b, e->u.index.index);
        strbuf_putc(b, ']');
        break;
    case AST_CALL:
        dump_expr(b, e->u.call.callee);
        strbuf_putc(b, '(');
        dump_args(b, &e->u.call.args, false);
        strbuf_putc(b, ')');
        break;
    case AST_UNARY:
        strbuf_printf(b, e->u.unary.op == AST_OP_NOT ? "(%s " : "(%s",
                      ast_op_name(e->u.unary.op));
        dump_expr(b, e->u.unary.operand);
        strbuf_putc(b, ')');
        break;
    case AST_BINARY:
        strbuf_putc(b, '(');
        dump_expr(b, e->u.binary.left);
        strbuf_printf(b, " %s ", ast_op_name(e->u.binary.op));
        dump_expr(b, e->u.binary.right);
        strbuf_putc(b, ')');
        break;
    default:
        strbuf_printf(b, "<%s>", ast_kind_name(e->kind));
    }
}

static void dump_idents(strbuf_t *b, const ast_idents_t *ids)
{
    for (uint32_t i = 0; i < ids->len; i++)
        strbuf_printf(b, "%s%s", i ? ", " : "", ids->items[i].name);
}

static void dump_block(strbuf_t *b, const ast_list_t *body, int depth);

static void dump_at(strbuf_t *b, const ast_node_t *n)
{
    strbuf_printf(b, "  @%u:%u\n", n->span.line, n->span.col);
}

static void dump_stmt(strbuf_t *b, const ast_node_t *n, int depth)
{
    strbuf_printf(b, "%*s", depth * 2, "");
    switch (n->kind) {
    case AST_META:
        strbuf_printf(b, "%s ", ast_meta_name(n->u.meta.key));
        dump_expr(b, n->u.meta.value);
        dump_at(b, n);
        break;
    case AST_PARAM:
    case AST_ASSIGN:
    case AST_LET:
        strbuf_printf(b, "%s %s = ", ast_kind_name(n->kind),
                      n->u.binding.name.name);
        dump_expr(b, n->u.binding.value);
        dump_at(b, n);
        break;
    case AST_PROFILE:
        strbuf_printf(b, "profile %s", n->u.profile.name.name);
        dump_at(b, n);
        dump_block(b, &n->u.profile.assigns, depth + 1);
        break;
    case AST_LUA:
        strbuf_puts(b, "lua ");
        dump_expr(b, n->u.lua.path);
        strbuf_printf(b, " as %s", n->u.lua.alias.name);
        dump_at(b, n);
        break;
    case AST_ERROR_DECL:
        strbuf_printf(b, "error %s", n->u.error_decl.name.name);
        if (n->u.error_decl.parent.name)
            strbuf_printf(b, " : %s", n->u.error_decl.parent.name);
        dump_at(b, n);
        break;
    case AST_BREAKER:
        strbuf_puts(b, "breaker ");
        dump_expr(b, n->u.breaker.target);
        strbuf_putc(b, ' ');
        dump_expr(b, n->u.breaker.config);
        dump_at(b, n);
        break;
    case AST_STAGE:
        strbuf_printf(b, "stage %s", n->u.stage.name.name);
        if (n->u.stage.after.len) {
            strbuf_puts(b, " after ");
            dump_idents(b, &n->u.stage.after);
        }
        dump_at(b, n);
        dump_block(b, &n->u.stage.body, depth + 1);
        break;
    case AST_HOOK:
        strbuf_puts(b, ast_hook_name(n->u.hook.when));
        dump_at(b, n);
        dump_block(b, &n->u.hook.body, depth + 1);
        break;
    case AST_STEP:
        strbuf_printf(b, "step %s = ", n->u.step.name.name);
        dump_expr(b, n->u.step.call);
        if (n->u.step.undo) {
            strbuf_puts(b, " undo ");
            dump_expr(b, n->u.step.undo);
        }
        if (n->u.step.timeout) {
            strbuf_puts(b, " timeout ");
            dump_expr(b, n->u.step.timeout);
        }
        if (n->u.step.when) {
            strbuf_puts(b, " when ");
            dump_expr(b, n->u.step.when);
        }
        dump_at(b, n);
        break;
    case AST_CHECKPOINT:
        strbuf_printf(b, "checkpoint %s", n->u.checkpoint.name.name);
        dump_at(b, n);
        break;
    case AST_SNAPSHOT:
        strbuf_printf(b, "snapshot %s", n->u.snapshot.name.name);
        dump_at(b, n);
        break;
    case AST_FOREACH:
        strbuf_printf(b, "foreach %s in ", n->u.foreach.var.name);
        dump_expr(b, n->u.foreach.iterable);
        if (n->u.foreach.parallel) {
            strbuf_puts(b, " parallel ");
            dump_expr(b, n->u.foreach.parallel);
        }
        if (n->u.foreach.after) {
            strbuf_puts(b, " after ");
            dump_expr(b, n->u.foreach.after);
        }
        if (n->u.foreach.tolerate) {
            strbuf_puts(b, " tolerate ");
            dump_expr(b, n->u.foreach.tolerate);
            if (n->u.foreach.tolerate_percent)
                strbuf_putc(b, '%');
        }
        dump_at(b, n);
        dump_block(b, &n->u.foreach.body, depth + 1);
        break;
    case AST_RETRY:
        strbuf_puts(b, "retry ");
        dump_expr(b, n->u.retry.attempts);
        if (n->u.retry.backoff != AST_BACKOFF_NONE) {
            strbuf_printf(b, " backoff %s(", ast_backoff_name(n->u.retry.backoff));
            dump_args(b, &n->u.retry.backoff_args, false);
            strbuf_putc(b, ')');
        }
        if (n->u.retry.jitter != AST_JITTER_UNSET)
            strbuf_printf(b, " jitter %s", ast_jitter_name(n->u.retry.jitter));
        if (n->u.retry.timeout) {
            strbuf_puts(b, " timeout ");
            dump_expr(b, n->u.retry.timeout);
        }
        if (n->u.retry.deadline) {
            strbuf_puts(b, " deadline ");
            dump_expr(b, n->u.retry.deadline);
        }
        if (n->u.retry.on.len) {
            strbuf_puts(b, " on ");
            dump_idents(b, &n->u.retry.on);
        }
        dump_at(b, n);
        dump_block(b, &n->u.retry.body, depth + 1);
        break;
    case AST_RECOVER:
        strbuf_puts(b, "recover ");
        dump_idents(b, &n->u.recover.classes);
        if (n->u.recover.handler) {
            strbuf_puts(b, " with ");
            dump_expr(b, n->u.recover.handler);
            dump_at(b, n);
        } else {
            dump_at(b, n);
            dump_block(b, &n->u.recover.body, depth + 1);
        }
        break;
    case AST_VERIFY:
        strbuf_puts(b, "verify ");
        dump_expr(b, n->u.verify.cond);
        if (n->u.verify.message) {
            strbuf_puts(b, " else ");
            dump_expr(b, n->u.verify.message);
        }
        dump_at(b, n);
        break;
    case AST_IF:
        strbuf_puts(b, "if ");
        dump_expr(b, n->u.if_.cond);
        dump_at(b, n);
        dump_block(b, &n->u.if_.then_body, depth + 1);
        if (n->u.if_.has_else) {
            strbuf_printf(b, "%*selse\n", depth * 2, "");
            dump_block(b, &n->u.if_.else_body, depth + 1);
        }
        break;
    case AST_DECISION:
        strbuf_puts(b, ast_decision_name(n->u.decision.what));
        if (n->u.decision.what == AST_DECIDE_ROLLBACK)
            strbuf_printf(b, " to %s", n->u.decision.target.name);
        if (n->u.decision.value) {
            strbuf_puts(b, n->u.decision.what == AST_DECIDE_RETRY ? " with " : " ");
            dump_expr(b, n->u.decision.value);
        }
        dump_at(b, n);
        break;
    default:
        dump_expr(b, n);
        dump_at(b, n);
    }
}

static void dump_block(strbuf_t *b, const ast_list_t *body, int depth)
{
    for (uint32_t i = 0; i < body->len; i++)
        dump_stmt(b, body->items[i], depth);
}

mig_status_t ast_dump(const ast_plan_t *plan, char **out, size_t *out_len)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_puts(&b, "migration ");
    dump_expr(&b, plan->name);
    strbuf_printf(&b, "  @%u:%u\n", plan->span.line, plan->span.col);
    dump_block(&b, &plan->items, 1);
    if (b.oom) {
        strbuf_free(&b);
        return MIG_ENOMEM;
    }
    *out = b.data ? b.data : calloc(1, 1);
    *out_len = b.len;
    return *out ? MIG_OK : MIG_ENOMEM;
}
