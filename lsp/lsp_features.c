/* lsp_features.c: the requests about a place in a plan: hover, go to
 * definition, references, document symbols and rename. Each answers from
 * the document's last analysis (its index of names and the registry it
 * was checked against). */
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"

/* ---- hover ----------------------------------------------------------- */

/* Appends the documentation of action A: its name, effect, result, doc
 * and one line per argument. */
static void action_text(const action_registry_t *r, const action_t *a,
                        strbuf_t *b)
{
    strbuf_printf(b, "**%s** (%s", a->name, action_effect_name(a->effect));
    if (a->result) {
        strbuf_puts(b, ", gives ");
        action_types_text(a->result, b);
    }
    strbuf_puts(b, ")");
    if (a->doc)
        strbuf_printf(b, "\n\n%s", a->doc);
    const action_arg_t *args = a->args ? a->args : a->reads;
    if (args && args->name)
        strbuf_puts(b, "\n\nArguments:");
    for (; args && args->name; args++) {
        strbuf_printf(b, "\n- `%s`: ", args->name);
        action_types_text(args->types, b);
        if (args->required) {
            strbuf_puts(b, ", required");
        } else if (args->def) {
            const val_t *v = action_arg_default(r, args);   /* borrowed */
            strbuf_puts(b, ", default ");
            if (!v || val_format(v, b) != MIG_OK)
                strbuf_puts(b, args->def);
        }
        if (args->doc)
            strbuf_printf(b, " — %s", args->doc);
    }
}

/* The CALL node in E whose callee's span holds OFF, or NULL. */
static const ast_node_t *callee_at(const ast_node_t *e, size_t off);

static const ast_node_t *callee_in_args(const ast_args_t *a, size_t off)
{
    for (uint32_t i = 0; i < a->len; i++) {
        const ast_node_t *c = callee_at(a->items[i].value, off);
        if (c)
            return c;
    }
    return NULL;
}

static const ast_node_t *callee_at(const ast_node_t *e, size_t off)
{
    if (!e || off < e->span.begin || off > e->span.end)
        return NULL;
    switch (e->kind) {
    case AST_CALL: {
        const ast_node_t *c = e->u.call.callee;
        if (c && off >= c->span.begin && off <= c->span.end)
            return e;
        return callee_in_args(&e->u.call.args, off);
    }
    case AST_FIELD:
        return callee_at(e->u.field.object, off);
    case AST_INDEX: {
        const ast_node_t *c = callee_at(e->u.index.object, off);
        return c ? c : callee_at(e->u.index.index, off);
    }
    case AST_UNARY:
        return callee_at(e->u.unary.operand, off);
    case AST_BINARY: {
        const ast_node_t *c = callee_at(e->u.binary.left, off);
        return c ? c : callee_at(e->u.binary.right, off);
    }
    case AST_LIST:
        for (uint32_t i = 0; i < e->u.list.len; i++) {
            const ast_node_t *c = callee_at(e->u.list.items[i], off);
            if (c)
                return c;
        }
        return NULL;
    case AST_MAP:
        return callee_in_args(&e->u.map, off);
    default:
        return NULL;
    }
}

/* The call whose callee holds OFF, in any statement of BODY. */
static const ast_node_t *call_at(const ast_list_t *body, size_t off)
{
    for (uint32_t i = 0; i < body->len; i++) {
        const ast_node_t *s = body->items[i];
        if (!s || off < s->span.begin || off > s->span.end)
            continue;
        const ast_node_t *c = NULL;
        switch (s->kind) {
        case AST_STEP:
            c = callee_at(s->u.step.call, off);
            if (!c)
                c = callee_at(s->u.step.undo, off);
            break;
        case AST_LET: case AST_PARAM:
            c = callee_at(s->u.binding.value, off);
            break;
        case AST_VERIFY:
            c = callee_at(s->u.verify.cond, off);
            break;
        case AST_RECOVER:
            c = callee_at(s->u.recover.handler, off);
            if (!c)
                c = call_at(&s->u.recover.body, off);
            break;
        case AST_STAGE:
            c = call_at(&s->u.stage.body, off);
            break;
        case AST_FOREACH:
            c = call_at(&s->u.foreach.body, off);
            break;
        case AST_RETRY:
            c = call_at(&s->u.retry.body, off);
            break;
        case AST_IF:
            c = call_at(&s->u.if_.then_body, off);
            if (!c)
                c = call_at(&s->u.if_.else_body, off);
            break;
        case AST_HOOK:
            c = call_at(&s->u.hook.body, off);
            break;
        default:
            break;
        }
        if (c)
            return c;
    }
    return NULL;
}

/* The action a step's call names, or NULL. */
static const action_t *step_action(const lsp_doc_t *d, const ast_node_t *s)
{
    const ast_node_t *call = s->u.step.call;
    if (!call || call->kind != AST_CALL || !d->actions)
        return NULL;
    strbuf_t b;
    strbuf_init(&b);
    const action_t *a = NULL;
    if (ast_dotted_name(call->u.call.callee, &b) && !b.oom)
        a = action_find(d->actions, b.data);
    strbuf_free(&b);
    return a;
}

/* Appends what hovering over definition DEF shows. */
static void def_text(lsp_doc_t *d, const lsp_occ_t *o, strbuf_t *b)
{
    strbuf_printf(b, "%s **%s**", lsp_kind_name(o->kind), o->name);
    if (o->kind == LSP_KIND_STEP && o->node) {
        const action_t *a = step_action(d, o->node);
        if (a) {
            strbuf_printf(b, " = %s(...)\n\nvalue: ", a->name);
            if (a->result)
                action_types_text(a->result, b);
            else
                strbuf_puts(b, "any");
        }
    } else if (o->kind == LSP_KIND_PARAM && d->parsed_ok) {
        diag_list_t diags;
        diag_list_init(&diags);
        params_t *p = NULL;
        if (params_resolve(d->plan, d->src, NULL, NULL, 0, &diags, &p)
            == MIG_OK) {
            for (size_t i = 0; i < params_count(p); i++)
                if (strcmp(params_name(p, i), o->name) == 0) {
                    strbuf_puts(b, " = ");
                    val_format(params_value(p, i), b);
                    strbuf_printf(b, " (%s)", param_origin_name(
                                      params_origin(p, i)));
                }
        }
        params_free(p);
        diag_list_free(&diags);
    } else if (o->kind == LSP_KIND_SNAPSHOT) {
        val_t *by = lsp_store_snapshots(d);
        const val_t *info = by ? val_map_get(by, o->name, strlen(o->name))
                               : NULL;
        strbuf_puts(b, "\n\n");
        if (info)
            lsp_snapshot_describe(info, b);
        else
            strbuf_puts(b, "not in the state store yet");
        val_unref(by);
    }
    if (o->stage >= 0 && o->kind != LSP_KIND_STAGE)
        strbuf_printf(b, "\n\nin stage %s", d->index.items[o->stage].name);
}

/* Hover over an error class not declared by the plan: its place in the
 * built-in hierarchy. */
static bool class_text(const char *name, strbuf_t *b)
{
    error_class_t c = error_class_find(name);
    if (c == ERROR_NONE)
        return false;
    strbuf_printf(b, "error class **%s** (built in)", name);
    for (error_class_t p = error_class_parent(c); p != ERROR_NONE;
         p = error_class_parent(p))
        strbuf_printf(b, " < %s", error_class_name(p));
    return true;
}

json_t *lsp_hover(lsp_doc_t *d, size_t off)
{
    if (!d->plan)
        return json_null();
    strbuf_t b;
    strbuf_init(&b);
    size_t begin = 0, end = 0;
    const ast_node_t *call = call_at(&d->plan->items, off);
    int32_t occ = lsp_index_at(d, off);
    if (call && occ < 0) {
        const ast_node_t *c = call->u.call.callee;
        strbuf_t name;
        strbuf_init(&name);
        const action_t *a = NULL;
        if (ast_dotted_name(c, &name) && !name.oom)
            a = action_find(d->actions, name.data);
        if (a) {
            action_text(d->actions, a, &b);
            begin = c->span.begin;
            end = c->span.end;
        }
        strbuf_free(&name);
    } else if (occ >= 0) {
        const lsp_occ_t *o = &d->index.items[occ];
        def_text(d, &d->index.items[lsp_index_def(d, occ)], &b);
        begin = o->begin;
        end = o->end;
    } else {
        lsp_word_at(d, off, &begin, &end);
        char *w = strndup(d->text.data + begin, end - begin);
        if (w && !class_text(w, &b))
            begin = end = 0;
        free(w);
    }
    json_t *r = json_null();
    if (b.len > 0 && !b.oom)
        r = json_pack("{s:{s:s,s:s#},s:o}", "contents", "kind", "markdown",
                      "value", b.data, b.len, "range",
                      lsp_doc_range(d, begin, end));
    strbuf_free(&b);
    return r ? r : json_null();
}

/* ---- definition and references --------------------------------------- */

json_t *lsp_definition(lsp_doc_t *d, size_t off)
{
    int32_t def = lsp_index_def(d, lsp_index_at(d, off));
    if (def < 0 && d->plan) {
        /* the function of `alias.fn(...)`: in the module's file */
        const ast_node_t *call = call_at(&d->plan->items, off);
        json_t *loc = call ? lsp_lua_definition(d, call) : NULL;
        return loc ? loc : json_null();
    }
    if (def < 0)
        return json_null();
    const lsp_occ_t *o = &d->index.items[def];
    return lsp_location(d, o->begin, o->end);
}

json_t *lsp_references(lsp_doc_t *d, size_t off, bool with_decl)
{
    int32_t def = lsp_index_def(d, lsp_index_at(d, off));
    json_t *list = json_array();
    if (def < 0 || !list)
        return list ? list : json_null();
    for (size_t i = 0; i < d->index.len; i++) {
        const lsp_occ_t *o = &d->index.items[i];
        if ((int32_t)i == def ? with_decl : o->target == def)
            json_array_append_new(list, lsp_location(d, o->begin, o->end));
    }
    return list;
}

/* ---- document symbols -------------------------------------------------- */

json_t *lsp_symbols(lsp_doc_t *d)
{
    json_t *top = json_array();
    json_t **children = calloc(d->index.len + 1, sizeof *children);
    if (!top || !children) {
        free(children);
        json_decref(top);
        return json_null();
    }
    for (size_t i = 0; i < d->index.len; i++) {
        const lsp_occ_t *o = &d->index.items[i];
        if (!o->def || o->kind == LSP_KIND_LET || o->kind == LSP_KIND_VAR)
            continue;
        size_t begin = o->node ? o->node->span.begin : o->begin;
        size_t end = o->node ? o->node->span.end : o->end;
        json_t *sym = json_pack("{s:s,s:s,s:i,s:o,s:o}", "name", o->name,
                                "detail", lsp_kind_name(o->kind), "kind",
                                lsp_kind_symbol(o->kind), "range",
                                lsp_doc_range(d, begin, end),
                                "selectionRange",
                                lsp_doc_range(d, o->begin, o->end));
        if (!sym)
            continue;
        if (o->kind == LSP_KIND_STAGE) {
            children[i] = json_array();
            json_object_set(sym, "children", children[i]);
        }
        if (o->stage >= 0 && o->kind != LSP_KIND_STAGE && children[o->stage])
            json_array_append_new(children[o->stage], sym);
        else
            json_array_append_new(top, sym);
    }
    for (size_t i = 0; i < d->index.len; i++)
        json_decref(children[i]);
    free(children);
    return top;
}

/* ---- rename ------------------------------------------------------------ */

static bool is_ident(const char *s)
{
    if (!*s || !(*s == '_' || (*s >= 'a' && *s <= 'z')
                 || (*s >= 'A' && *s <= 'Z')))
        return false;
    for (s++; *s; s++)
        if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
              || (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

json_t *lsp_rename(lsp_doc_t *d, size_t off, const char *new_name,
                   const char **err)
{
    int32_t def = lsp_index_def(d, lsp_index_at(d, off));
    if (def < 0) {
        *err = "there is no step or checkpoint here to rename";
        return NULL;
    }
    const lsp_occ_t *o = &d->index.items[def];
    if (o->kind != LSP_KIND_STEP && o->kind != LSP_KIND_CHECKPOINT) {
        *err = "only a step or a checkpoint can be renamed";
        return NULL;
    }
    if (!is_ident(new_name)) {
        *err = "the new name is not a name: a letter or '_', then letters, "
               "digits or '_'";
        return NULL;
    }
    if (lsp_index_find(d, o->kind, new_name, strlen(new_name)) >= 0) {
        *err = o->kind == LSP_KIND_STEP ? "the plan already has a step of "
                                          "that name"
                                        : "the plan already has a checkpoint "
                                          "of that name";
        return NULL;
    }
    json_t *edits = json_array();
    for (size_t i = 0; edits && i < d->index.len; i++) {
        const lsp_occ_t *x = &d->index.items[i];
        if ((int32_t)i == def || x->target == def)
            json_array_append_new(edits, json_pack(
                "{s:o,s:s}", "range", lsp_doc_range(d, x->begin, x->end),
                "newText", new_name));
    }
    return json_pack("{s:{s:o}}", "changes", d->uri, edits);
}

/* ---- formatting -------------------------------------------------------- */

json_t *lsp_format(lsp_doc_t *d, const char **err)
{
    static char why[256];
    src_t *src = src_from_memory(d->path, d->text.data, d->text.len);
    if (!src) {
        *err = "out of memory";
        return NULL;
    }
    diag_list_t diags;
    diag_list_init(&diags);
    strbuf_t out;
    strbuf_init(&out);
    mig_status_t st = fmt_plan(src, &diags, &out);
    json_t *r = NULL;
    if (st == MIG_OK && !out.oom) {
        r = json_array();
        if (r && (out.len != d->text.len
                  || memcmp(out.data, d->text.data, out.len) != 0))
            json_array_append_new(r, json_pack(
                "{s:o,s:s#}", "range", lsp_doc_range(d, 0, d->text.len),
                "newText", out.data ? out.data : "", out.len));
    } else if (st == MIG_ENOMEM || out.oom) {
        *err = "out of memory";
    } else {
        /* the first reason mig fmt gives, where it has one */
        const diag_t *g = diags.len ? &diags.items[0] : NULL;
        if (g && g->src && g->has_span)
            snprintf(why, sizeof why, "not formatted: %u:%u: %s",
                     g->span.line, g->span.col, g->message);
        else
            snprintf(why, sizeof why, "not formatted: %s",
                     g ? g->message : "mig fmt refused the plan");
        *err = why;
    }
    strbuf_free(&out);
    diag_list_free(&diags);
    src_free(src);
    return r;
}
