/* import_text.c: the mig source a mig-graph document holds, checked by the
 * parser itself. Each expression is parsed alone, inside a plan made for
 * it, so that a property can never add statements to the plan ("1 } stage
 * x {" is refused, not printed); then the whole printed plan is parsed and
 * compiled, and each error is said of the node or header item it came
 * from. */
#include <string.h>

#include "import_int.h"

/* The plan an expression is parsed in: TEXT goes between the two. */
static const char wrap_before[] = "migration \"import\" {\n  let v = ";
static const char wrap_after[] = "\n}\n";

/* A parse of one piece of text. */
typedef struct piece {
    src_t *src;
    arena_t *arena;
    diag_list_t diags;
    ast_plan_t *plan;
    mig_status_t status;
} piece_t;

/* Parses BEFORE TEXT AFTER into P. */
static void piece_parse(piece_t *p, const char *text, size_t len)
{
    strbuf_t w;
    strbuf_init(&w);
    strbuf_puts(&w, wrap_before);
    strbuf_put(&w, text, len);
    strbuf_puts(&w, wrap_after);
    *p = (piece_t){ .status = MIG_ENOMEM };
    diag_list_init(&p->diags);
    p->src = w.oom ? NULL : src_from_memory("<property>", w.data, w.len);
    p->arena = arena_new();
    if (p->src && p->arena)
        p->status = grammar_parse(p->src, p->arena, &p->diags, &p->plan);
    if (p->status == MIG_OK && p->diags.errors)
        p->status = MIG_EINVALID;
    strbuf_free(&w);
}

static void piece_free(piece_t *p)
{
    arena_free(p->arena);
    src_free(p->src);
    diag_list_free(&p->diags);
}

/* Reports why TEXT (at PATH, parsed in P, ending at byte END of it) is not
 * an expression: the parser's first error, which past END is about the
 * plan made around the text, so what it found there is not said. */
static void not_expr(imp_t *im, const char *path, const char *text,
                     const piece_t *p, uint32_t end)
{
    for (size_t i = 0; i < p->diags.len; i++) {
        const diag_t *d = &p->diags.items[i];
        if (d->severity != DIAG_ERROR)
            continue;
        const char *found = strstr(d->message, ", found ");
        if (d->has_span && d->span.begin >= end && found)
            imp_error(im, "%s: '%s' is not a mig expression: %.*s, but the "
                      "text ends", path, text, (int)(found - d->message),
                      d->message);
        else
            imp_error(im, "%s: '%s' is not a mig expression: %s", path, text,
                      d->message);
        return;
    }
    imp_error(im, "%s: '%s' is not a mig expression", path, text);
}

/* Whether E is a dotted name (file.write). */
static bool dotted(const ast_node_t *e)
{
    strbuf_t t;
    strbuf_init(&t);
    bool ok = ast_dotted_name(e, &t);
    strbuf_free(&t);
    return ok;
}

/* The string V's bytes, or NULL (said) when it holds a NUL character. */
static const char *text_of(imp_t *im, const char *path, const val_t *v)
{
    size_t len;
    const char *s = val_get_str(v, &len);
    if (memchr(s, '\0', len)) {
        imp_error(im, "%s: holds a NUL character", path);
        return NULL;
    }
    return s;
}

bool imp_check_text(imp_t *im, const char *path, const val_t *v,
                    imp_text_kind_t what)
{
    const char *text = text_of(im, path, v);
    if (!text)
        return false;
    strbuf_t t;
    strbuf_init(&t);
    bool closed = graph_put_source(&t, text, strlen(text));
    bool ok = false;
    if (t.oom) {
        im->oom = true;
    } else if (!closed) {
        imp_error(im, "%s: '%s' is not a mig expression: it ends inside a "
                  "string, a ${...} or a comment", path, text);
    } else if (t.len == 0) {
        imp_error(im, "%s: empty, where a mig expression is needed", path);
    } else {
        piece_t p;
        piece_parse(&p, t.data, t.len);
        const ast_node_t *item = p.status == MIG_OK && p.plan->items.len == 1
                                     ? p.plan->items.items[0] : NULL;
        const ast_node_t *e = item && item->kind == AST_LET
                                  ? item->u.binding.value : NULL;
        uint32_t at = (uint32_t)strlen(wrap_before);
        /* Messages show the text on one line, as it would be printed. */
        const char *one = t.data;
        if (p.status == MIG_ENOMEM)
            im->oom = true;
        else if (p.status != MIG_OK)
            not_expr(im, path, one, &p, at + (uint32_t)t.len);
        else if (!e || e->span.begin != at || e->span.end != at + t.len)
            imp_error(im, "%s: '%s' is not one mig expression", path, one);
        else if (what == IMP_TEXT_ACTION && !dotted(e))
            imp_error(im, "%s: '%s' is not an action name: write a dotted "
                      "name like file.write", path, one);
        else if (what == IMP_TEXT_HANDLER && !dotted(e) &&
                 !(e->kind == AST_CALL && dotted(e->u.call.callee)))
            imp_error(im, "%s: '%s' is not a handler: write a name like "
                      "adapt.params, or a call like synapse.recover(limit: 3)",
                      path, one);
        else
            ok = true;
        piece_free(&p);
    }
    strbuf_free(&t);
    return ok;
}

/* Whether S is letters, digits and _, not starting with a digit. */
static bool name_chars(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

bool imp_check_arg_name(imp_t *im, const char *path, const val_t *v)
{
    const char *s = text_of(im, path, v);
    if (s && !name_chars(s))
        imp_error(im, "%s: '%s' is not a name: a name is letters, digits "
                  "and _, not starting with a digit", path, s);
    return s && name_chars(s);
}

bool imp_check_name(imp_t *im, const char *path, const val_t *v, bool class_)
{
    const char *s = text_of(im, path, v);
    if (!s)
        return false;
    if (class_ && strcmp(s, "*") == 0)
        return true;
    if (!imp_check_arg_name(im, path, v))
        return false;
    /* A reserved word is the one name that does not parse as one. */
    piece_t p;
    piece_parse(&p, s, strlen(s));
    bool ok = p.status == MIG_OK;
    if (p.status == MIG_ENOMEM)
        im->oom = true;
    else if (!ok)
        imp_error(im, "%s: '%s' is a reserved word, which cannot name "
                  "anything", path, s);
    piece_free(&p);
    return ok;
}

void imp_put_text(imp_t *im, const char *text)
{
    graph_put_source(im->out, text, strlen(text));
}

/* ---- the printed plan ---------------------------------------------------- */

/* The range of the printed plan innermost around byte AT, or NULL. */
static const imp_range_t *range_at(const imp_t *im, size_t at)
{
    const imp_range_t *best = NULL;
    for (size_t k = 0; k < im->n_ranges; k++) {
        const imp_range_t *r = &im->ranges[k];
        if (r->begin <= at && at < r->end &&
            (!best || r->end - r->begin < best->end - best->begin))
            best = r;
    }
    return best;
}

/* Appends the JSON path of R (NULL: the plan as a whole). */
static void put_origin(strbuf_t *b, const imp_t *im, const imp_range_t *r)
{
    static const char *const lists[] = {
        [IMP_FROM_PARAM] = "params", [IMP_FROM_PROFILE] = "profiles",
        [IMP_FROM_LUA] = "lua", [IMP_FROM_ERROR] = "errors",
        [IMP_FROM_BREAKER] = "breakers",
    };
    if (!r)
        strbuf_puts(b, "plan");
    else if (r->origin == IMP_FROM_NODE)
        strbuf_printf(b, "nodes[%u] ('%s')", r->index,
                      im->nodes[r->index].id);
    else if (r->origin == IMP_FROM_META && r->index < 2)
        strbuf_puts(b, r->index ? "plan.description" : "plan.version");
    else if (r->origin == IMP_FROM_META)
        strbuf_printf(b, "plan.requires[%u]", r->index - 2);
    else if (r->origin == IMP_FROM_WRITES)
        strbuf_printf(b, "plan.writes[%u]", r->index);
    else
        strbuf_printf(b, "plan.%s[%u]", lists[r->origin], r->index);
}

/* Says D, found in the printed plan, of what it came from. */
static void report(imp_t *im, const diag_t *d)
{
    strbuf_t b;
    strbuf_init(&b);
    put_origin(&b, im, d->has_span ? range_at(im, d->span.begin) : NULL);
    if (b.oom) {
        im->oom = true;
        strbuf_free(&b);
        return;
    }
    /* "..., the first is at line 3" names a line of a plan the user never
     * sees; the note that follows names the node instead. */
    const char *line = strstr(d->message, "; the first is at line ");
    int len = line ? (int)(line - d->message) : (int)strlen(d->message);
    diag_t *nd = diag_add(im->diags, d->severity, im->src, NULL, "%s: %.*s",
                          b.data, len, d->message);
    if (d->hint)
        diag_hint(im->diags, nd, "%s", d->hint);
    strbuf_free(&b);
}

mig_status_t imp_compile(imp_t *im, const char *name)
{
    diag_list_t diags;
    diag_list_init(&diags);
    src_t *src = src_from_memory(name, im->out->data + im->out_start,
                                 im->out->len - im->out_start);
    arena_t *a = arena_new();
    ast_plan_t *plan = NULL;
    graph_t *g = NULL;
    mig_status_t st = src && a ? grammar_parse(src, a, &diags, &plan)
                               : MIG_ENOMEM;
    if (st == MIG_OK)
        st = graph_compile(plan, src, &diags, &g);
    for (size_t i = 0; i < diags.len; i++)
        report(im, &diags.items[i]);
    if (diags.out_of_memory || im->oom)
        st = MIG_ENOMEM;
    graph_free(g);
    arena_free(a);
    src_free(src);
    diag_list_free(&diags);
    return st;
}
