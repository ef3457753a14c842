/* lsp_complete.c: completion. What is offered depends on the text just
 * before the cursor: after `NAME.` the functions of that namespace (an
 * action's or a Lua module's) or the steps of that stage; inside a call's
 * parentheses its argument names; after `rollback to` the checkpoints;
 * after `snapshot` the snapshot names of the plan and its state store;
 * after `recover`, a retry's `on` or `error NAME :` the error classes; anywhere else
 * the actions, the names in scope and the stages. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"

/* LSP CompletionItemKind values. */
enum { ITEM_FUNCTION = 3, ITEM_FIELD = 5, ITEM_VARIABLE = 6, ITEM_CLASS = 7,
       ITEM_MODULE = 9, ITEM_PROPERTY = 10, ITEM_EVENT = 23 };

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

void lsp_word_at(const lsp_doc_t *d, size_t off, size_t *begin, size_t *end)
{
    const char *t = d->text.data;
    size_t b = off > d->text.len ? d->text.len : off, e = b;
    while (b > 0 && ident_char(t[b - 1]))
        b--;
    while (e < d->text.len && ident_char(t[e]))
        e++;
    *begin = b;
    *end = e;
}

static void item(json_t *list, const char *label, size_t len, int kind,
                 const char *detail, const char *doc)
{
    json_t *it = json_pack("{s:s#,s:i}", "label", label, len, "kind", kind);
    if (!it)
        return;
    if (detail)
        json_object_set_new(it, "detail", json_string(detail));
    if (doc)
        json_object_set_new(it, "documentation", json_string(doc));
    json_array_append_new(list, it);
}

/* Whether the text before *OFF, blanks and commas trimmed, ends with the
 * word WORD; if so *OFF moves to the word's start. */
static bool after_word(const lsp_doc_t *d, size_t *off, const char *word)
{
    const char *t = d->text.data;
    size_t n = strlen(word), o = *off;
    while (o > 0 && (t[o - 1] == ' ' || t[o - 1] == '\t' || t[o - 1] == ','))
        o--;
    if (o < n || memcmp(t + o - n, word, n) != 0
        || (ident_char(word[0]) && o > n && ident_char(t[o - n - 1])))
        return false;
    *off = o - n;
    return true;
}

/* Whether some earlier word on OFF's line is WORD (`on` of a retry, after
 * which a list of classes goes). */
static bool word_on_line(const lsp_doc_t *d, size_t off, const char *word)
{
    size_t b = off;
    while (b > 0 && d->text.data[b - 1] != '\n')
        b--;
    size_t n = strlen(word);
    for (size_t i = b; i + n <= off; i++)
        if (memcmp(d->text.data + i, word, n) == 0
            && (i == b || !ident_char(d->text.data[i - 1]))
            && (i + n == off || !ident_char(d->text.data[i + n])))
            return true;
    return false;
}

static void classes(const lsp_doc_t *d, json_t *list)
{
    for (int c = 0; c < ERROR_CLASS_COUNT; c++) {
        const char *n = error_class_name((error_class_t)c);
        item(list, n, strlen(n), ITEM_CLASS, "error class", NULL);
    }
    for (size_t i = 0; i < d->index.len; i++) {
        const lsp_occ_t *o = &d->index.items[i];
        if (o->def && o->kind == LSP_KIND_ERROR)
            item(list, o->name, strlen(o->name), ITEM_CLASS,
                 "error class (this plan)", NULL);
    }
}

static void defs_of(const lsp_doc_t *d, json_t *list, lsp_kind_t kind,
                    int32_t stage, int item_kind)
{
    for (size_t i = 0; i < d->index.len; i++) {
        const lsp_occ_t *o = &d->index.items[i];
        if (o->def && o->kind == kind && (stage < 0 || o->stage == stage))
            item(list, o->name, strlen(o->name), item_kind,
                 lsp_kind_name(kind), NULL);
    }
}

/* After `snapshot`: the names the plan's snapshot statements take, then
 * those of the state store's snapshots that the plan does not (a name
 * taken again names the newest for `mig snapshot restore`). */
static void snapshots(const lsp_doc_t *d, json_t *list)
{
    defs_of(d, list, LSP_KIND_SNAPSHOT, -1, ITEM_EVENT);
    val_t *by = lsp_store_snapshots(d);
    strbuf_t doc;
    strbuf_init(&doc);
    for (size_t i = 0; by && i < val_len(by); i++) {
        size_t len;
        const char *name = val_get_str(val_map_key(by, i), &len);
        if (lsp_index_find(d, LSP_KIND_SNAPSHOT, name, len) >= 0)
            continue;
        doc.len = 0;
        lsp_snapshot_describe(val_map_value(by, i), &doc);
        if (!doc.oom)
            item(list, name, len, ITEM_EVENT, "snapshot (state store)",
                 doc.data);
    }
    strbuf_free(&doc);
    val_unref(by);
}

/* The functions NS.* of the registry, labelled by what follows the dot. */
static void namespace(const lsp_doc_t *d, json_t *list, const char *ns,
                      size_t len)
{
    for (size_t i = 0; i < action_count(d->actions); i++) {
        const action_t *a = action_at(d->actions, i);
        if (strncmp(a->name, ns, len) == 0 && a->name[len] == '.')
            item(list, a->name + len + 1, strlen(a->name + len + 1),
                 ITEM_FUNCTION, action_effect_name(a->effect), a->doc);
    }
    for (size_t i = 0; i < action_handler_count(d->actions); i++) {
        const action_handler_t *h = action_handler_at(d->actions, i);
        if (strncmp(h->name, ns, len) == 0 && h->name[len] == '.')
            item(list, h->name + len + 1, strlen(h->name + len + 1),
                 ITEM_FUNCTION, "recovery strategy", h->doc);
    }
}

/* The argument names of the call whose '(' is open at OFF on its line. */
static bool call_args(const lsp_doc_t *d, size_t off, json_t *list)
{
    const char *t = d->text.data;
    int depth = 0;
    size_t i = off;
    while (i > 0 && t[i - 1] != '\n') {
        char c = t[--i];
        if (c == ')')
            depth++;
        else if (c == '(' && depth-- == 0)
            break;
    }
    if (i == 0 || t[i] != '(')
        return false;
    size_t e = i, b = i;
    while (b > 0 && (ident_char(t[b - 1]) || t[b - 1] == '.'))
        b--;
    char *name = strndup(t + b, e - b);
    const action_t *a = name ? action_find(d->actions, name) : NULL;
    free(name);
    if (!a)
        return false;
    for (const action_arg_t *arg = a->args ? a->args : a->reads;
         arg && arg->name; arg++)
        item(list, arg->name, strlen(arg->name), ITEM_PROPERTY,
             arg->required ? "required argument" : "argument", arg->doc);
    return true;
}

json_t *lsp_completion(lsp_doc_t *d, size_t off)
{
    json_t *list = json_array();
    if (!list || !d->actions)
        return list ? list : json_null();
    size_t b, e;
    lsp_word_at(d, off, &b, &e);
    const char *t = d->text.data;
    if (b > 0 && t[b - 1] == '.') {
        size_t nb = b - 1;
        while (nb > 0 && ident_char(t[nb - 1]))
            nb--;
        int32_t st = lsp_index_find(d, LSP_KIND_STAGE, t + nb, b - 1 - nb);
        if (st >= 0)
            defs_of(d, list, LSP_KIND_STEP, st, ITEM_FIELD);
        else
            namespace(d, list, t + nb, b - 1 - nb);
        return list;
    }
    size_t at = b;
    if (after_word(d, &at, "to") && after_word(d, &at, "rollback")) {
        defs_of(d, list, LSP_KIND_CHECKPOINT, -1, ITEM_EVENT);
        return list;
    }
    at = b;
    if (after_word(d, &at, "snapshot")) {
        snapshots(d, list);
        return list;
    }
    at = b;
    if (after_word(d, &at, "recover")
        || (word_on_line(d, b, "error") && after_word(d, &at, ":"))
        || (word_on_line(d, b, "retry") && word_on_line(d, b, "on"))) {
        classes(d, list);
        return list;
    }
    if (call_args(d, b, list))
        return list;
    for (size_t i = 0; i < action_count(d->actions); i++) {
        const action_t *a = action_at(d->actions, i);
        item(list, a->name, strlen(a->name), ITEM_FUNCTION,
             action_effect_name(a->effect), a->doc);
    }
    defs_of(d, list, LSP_KIND_STEP, -1, ITEM_VARIABLE);
    defs_of(d, list, LSP_KIND_LET, -1, ITEM_VARIABLE);
    defs_of(d, list, LSP_KIND_PARAM, -1, ITEM_VARIABLE);
    defs_of(d, list, LSP_KIND_VAR, -1, ITEM_VARIABLE);
    defs_of(d, list, LSP_KIND_LUA, -1, ITEM_MODULE);
    defs_of(d, list, LSP_KIND_STAGE, -1, ITEM_MODULE);
    return list;
}
