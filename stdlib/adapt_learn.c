/* adapt_learn.c: `mig adapt learn RUN` (docs/recovery.md, "Learning from
 * a run"): the repairs a run's strategies kept (adapt_repair.c, in its
 * `adapted` events) turned into a mapping of the shape `mig adapt diff
 * -o` writes, so that a person reviews it and the next run applies the
 * repairs up front (adapt.translate(map: ...)) or in adapt.params(map:
 * ...). Repairs that disagree across items are left out, with the
 * reason. Pure: the CLI reads the journal and writes the file. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "adapt_int.h"
#include "mig_stdlib.h"

/* What is learned, as values: per old tool (the name the plan called,
 * "" when the call named none) the new tool and, per old parameter, what
 * became of it and of its values; each first seen at an item, for the
 * notes. */
typedef struct learn {
    val_t *tool_to;     /* old tool -> {to, item} */
    val_t *names;       /* old tool -> {old key -> {to (null: dropped),
                           item}} */
    val_t *values;      /* old tool -> {old key -> {old value -> {to,
                           item}}} */
    val_t *bad;         /* old tool -> {what is left out -> true}: ""
                           the tool itself, an old key, or an old key,
                           VALUE_SEP and an old value */
    val_t *notes;       /* texts: what was left out and why */
    size_t defaults;    /* defaults the schema fills again */
    bool oom;
} learn_t;

static const char *str(const val_t *m, const char *key)
{
    const val_t *v = m && val_type(m) == VAL_MAP
        ? val_map_get(m, key, strlen(key)) : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* M[KEY], a map made when absent; NULL out of memory. */
static val_t *sub(learn_t *l, val_t *m, const char *key)
{
    size_t len = strlen(key);
    val_t *s = val_map_get(m, key, len);
    if (s)
        return s;
    s = val_map_new(4);
    if (!s || val_map_set_take(m, key, len, s) != MIG_OK) {
        l->oom = true;
        return NULL;
    }
    return s;
}

static void note(learn_t *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(learn_t *l, const char *fmt, ...)
{
    strbuf_t b;
    strbuf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (b.oom || val_list_push_take(l->notes, val_string(b.data, b.len))
                 != MIG_OK)
        l->oom = true;
    strbuf_free(&b);
}

/* The repairs of the event EV ({item, data: {repairs}}), or NULL. */
static const val_t *repairs_of(const val_t *ev)
{
    const val_t *d = val_type(ev) == VAL_MAP ? val_map_get(ev, "data", 4)
                                             : NULL;
    const val_t *r = d && val_type(d) == VAL_MAP
        ? val_map_get(d, "repairs", 7) : NULL;
    return r && val_type(r) == VAL_LIST ? r : NULL;
}

/* Marks KEY of TOOL left out. */
static void left_out(learn_t *l, const char *tool, const char *key)
{
    val_t *b = sub(l, l->bad, tool);
    if (b && val_map_set_take(b, key, strlen(key), val_bool(true)) != MIG_OK)
        l->oom = true;
}

/* What is left out is filed under its tool by its key: "" the tool
 * itself, the parameter's old name, or that name, VALUE_SEP and the old
 * value. */
#define VALUE_SEP '\x1f'

static bool is_bad(const learn_t *l, const char *tool, const char *key)
{
    const val_t *b = val_map_get(l->bad, tool, strlen(tool));
    return b && (val_map_get(b, key, strlen(key)) || val_map_get(b, "", 0));
}

/* Whether the value FROM of the parameter KEY of TOOL is left out. */
static bool is_bad_value(const learn_t *l, const char *tool, const char *key,
                         const char *from)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "%s%c%s", key, VALUE_SEP, from);
    bool bad = !b.oom && is_bad(l, tool, b.data);
    strbuf_free(&b);
    return bad;
}

/* Files in M (a map) that KEY became TO (a new reference; null: dropped)
 * at ITEM; a different TO already filed is a conflict (returns false,
 * the earlier one's entry in *WAS). */
static bool file_once(learn_t *l, val_t *m, const char *key, val_t *to,
                      const char *item, const val_t **was)
{
    size_t len = strlen(key);
    const val_t *e = val_map_get(m, key, len);
    *was = e;
    if (e) {
        bool same = val_equal(val_map_get(e, "to", 2), to);
        val_unref(to);
        return same;
    }
    val_t *n = val_map_new(2);
    if (!n || val_map_set_take(n, "to", 2, to) != MIG_OK
        || val_map_set_take(n, "item", 4, val_cstring(item)) != MIG_OK
        || val_map_set_take(m, key, len, n) != MIG_OK) {
        if (!n)
            val_unref(to);
        l->oom = true;
    }
    return true;
}

/* "'query'" or "dropped", what TO (an entry's "to") says for the notes,
 * into B. */
static void put_to(strbuf_t *b, const val_t *to)
{
    if (val_type(to) == VAL_NULL) {
        strbuf_puts(b, "dropped");
        return;
    }
    strbuf_putc(b, '\'');
    if (val_type(to) == VAL_STRING)
        strbuf_puts(b, val_get_str(to, NULL));
    else
        val_format(to, b);
    strbuf_putc(b, '\'');
}

/* A conflict: KEY of TOOL (WHAT: "parameter", "value 'open' of
 * parameter") became both WAS (an entry) and TO (at ITEM): noted, and
 * BAD (KEY, or KEY and the value) left out. */
static void conflict(learn_t *l, const char *tool, const char *key,
                     const char *what, const val_t *was, const val_t *to,
                     const char *item, const char *bad)
{
    if (is_bad(l, tool, bad))
        return;                 /* said once */
    strbuf_t a, b;
    strbuf_init(&a);
    strbuf_init(&b);
    put_to(&a, val_map_get(was, "to", 2));
    put_to(&b, to);
    if (a.oom || b.oom)
        l->oom = true;
    else
        note(l, "%s%s%s '%s' became %s (item %s) and %s (item %s): a "
             "person must choose", *tool ? tool : "", *tool ? ": "
             : "", what, key, a.data, str(was, "item"), b.data, item);
    strbuf_free(&a);
    strbuf_free(&b);
    left_out(l, tool, bad);
}

/* The old name of the tool a repair of TOOL at ITEM is of: the name
 * the call had before a "tool" repair of the same item renamed it. */
static const char *old_tool(const val_t *renamed, const char *item,
                            const char *tool)
{
    const val_t *r = val_map_get(renamed, item, strlen(item));
    const char *to = str(r, "to");
    return to && strcmp(to, tool) == 0 ? str(r, "from") : tool;
}

/* Files the new tool NEW for the old tool OLD (seen at ITEM). */
static void file_tool(learn_t *l, const char *old, const char *new,
                      const char *item)
{
    const val_t *was;
    val_t *to = val_cstring(new);
    if (!to) {
        l->oom = true;
        return;
    }
    if (!file_once(l, l->tool_to, old, to, item, &was)
        && !is_bad(l, old, "")) {
        note(l, "tool '%s' was called as '%s' (item %s) and as '%s' (item "
             "%s): a person must choose", old, str(was, "to"),
             str(was, "item"), new, item);
        left_out(l, old, "");
    }
}

/* The old key a value repair of the parameter PARAM is of: the key that
 * a "rename" among REPAIRS (the same event's) gave PARAM as its new
 * name, else PARAM itself. */
static const char *old_key(const val_t *repairs, const char *param)
{
    for (size_t i = 0; i < val_len(repairs); i++) {
        const val_t *r = val_list_get(repairs, i);
        const char *kind = str(r, "kind"), *to = str(r, "to");
        if (kind && to && strcmp(kind, "rename") == 0
            && strcmp(to, param) == 0)
            return str(r, "from");
    }
    return param;
}

/* Learns repair R (of an event whose repairs are ALL) at ITEM. */
static void learn_repair(learn_t *l, const val_t *renamed, const val_t *all,
                         const val_t *r, const char *item)
{
    const char *kind = str(r, "kind"), *tool = str(r, "tool");
    if (!kind || strcmp(kind, "tool") == 0)
        return;                 /* tools: learn_tools */
    if (strcmp(kind, "default") == 0) {
        l->defaults++;
        return;
    }
    const char *t = tool ? old_tool(renamed, item, tool) : "";
    if (tool)
        file_tool(l, t, tool, item);
    const val_t *was;
    if (strcmp(kind, "rename") == 0 || strcmp(kind, "drop") == 0) {
        const char *from = str(r, "from"), *to = str(r, "to");
        val_t *m = sub(l, l->names, t), *v = to ? val_cstring(to)
                                                : val_null();
        if (!from || !m || !v) {
            l->oom |= !m || !v;
            val_unref(v);
            return;
        }
        if (!file_once(l, m, from, val_ref(v), item, &was))
            conflict(l, t, from, "parameter", was, v, item, from);
        val_unref(v);
    } else if (strcmp(kind, "value") == 0) {
        const char *param = str(r, "param"), *from = str(r, "from");
        const val_t *to = val_map_get(r, "to", 2);
        if (!param || !from || !to)
            return;             /* only texts are remapped by a map */
        const char *key = old_key(all, param);
        val_t *m = sub(l, l->values, t);
        m = m ? sub(l, m, key) : NULL;
        if (m && !file_once(l, m, from, val_ref((val_t *)to), item, &was)) {
            strbuf_t what, bad;
            strbuf_init(&what);
            strbuf_init(&bad);
            strbuf_printf(&what, "value '%s' of parameter", from);
            strbuf_printf(&bad, "%s%c%s", key, VALUE_SEP, from);
            if (what.oom || bad.oom)
                l->oom = true;
            else
                conflict(l, t, key, what.data, was, to, item, bad.data);
            strbuf_free(&what);
            strbuf_free(&bad);
        }
    }
}

/* The items' "tool" repairs: RENAMED gets item -> {from: the first old
 * name, to: the last new one}, and each old tool its new one. */
static void learn_tools(learn_t *l, const val_t *events, const size_t *order,
                        val_t *renamed)
{
    for (size_t k = 0; k < val_len(events); k++) {
        const val_t *ev = val_list_get(events, order[k]);
        const char *item = str(ev, "item");
        const val_t *reps = repairs_of(ev);
        for (size_t i = 0; item && reps && i < val_len(reps); i++) {
            const val_t *r = val_list_get(reps, i);
            const char *kind = str(r, "kind"), *from = str(r, "from");
            const char *to = str(r, "to");
            if (!kind || strcmp(kind, "tool") != 0 || !from || !to)
                continue;
            val_t *e = val_map_get(renamed, item, strlen(item));
            if (e) {
                if (val_map_set_take(e, "to", 2, val_cstring(to)) != MIG_OK)
                    l->oom = true;
                continue;
            }
            e = sub(l, renamed, item);
            if (e && (val_map_set_take(e, "from", 4, val_cstring(from))
                      != MIG_OK
                      || val_map_set_take(e, "to", 2, val_cstring(to))
                      != MIG_OK))
                l->oom = true;
        }
    }
    for (size_t i = 0; i < val_len(renamed); i++) {
        const val_t *e = val_map_value(renamed, i);
        file_tool(l, str(e, "from"), str(e, "to"),
                  val_get_str(val_map_key(renamed, i), NULL));
    }
}

/* ---- the mapping -------------------------------------------------------- */

/* The map of TOOL's parameters, as adapt.params reads it: a new name,
 * null, or {to?, values}. Adds to *KEPT what it holds. NULL out of
 * memory. */
static val_t *tool_map(learn_t *l, const char *tool, size_t *kept)
{
    const val_t *names = val_map_get(l->names, tool, strlen(tool));
    const val_t *values = val_map_get(l->values, tool, strlen(tool));
    val_t *map = val_map_new(4);
    for (size_t i = 0; map && names && i < val_len(names); i++) {
        size_t len;
        const char *key = val_get_str(val_map_key(names, i), &len);
        if (is_bad(l, tool, key))
            continue;
        (*kept)++;
        l->oom |= val_map_set(map, key, len,
                              val_map_get(val_map_value(names, i), "to", 2))
                  != MIG_OK;
    }
    for (size_t i = 0; map && values && i < val_len(values); i++) {
        size_t len;
        const char *key = val_get_str(val_map_key(values, i), &len);
        const val_t *to = val_map_get(map, key, len);
        if (is_bad(l, tool, key) || (to && val_type(to) == VAL_NULL))
            continue;
        const val_t *v = val_map_value(values, i);
        val_t *vm = val_map_new(val_len(v));
        for (size_t j = 0; vm && j < val_len(v); j++) {
            size_t lv;
            const char *from = val_get_str(val_map_key(v, j), &lv);
            if (is_bad_value(l, tool, key, from))
                continue;
            (*kept)++;
            l->oom |= val_map_set(vm, from, lv,
                                  val_map_get(val_map_value(v, j), "to", 2))
                      != MIG_OK;
        }
        if (vm && val_len(vm)) {
            /* A rename with value maps: {to: NEW, values: {...}}. */
            val_t *e = val_map_new(2);
            l->oom |= !e || (to && val_map_set(e, "to", 2, (val_t *)to)
                             != MIG_OK)
                      || val_map_set(e, "values", 6, vm) != MIG_OK
                      || val_map_set_take(map, key, len, e) != MIG_OK;
        }
        l->oom |= !vm;
        val_unref(vm);
    }
    l->oom |= !map;
    return map;
}

/* The mapping of what L learned into *OUT: {map: ...} when no repair
 * named a tool, else {tools: {OLD: {to, map}}}. Returns how many repairs
 * it holds. */
static size_t mapping(learn_t *l, val_t **out)
{
    size_t kept = 0, bare = 0;
    val_t *map = tool_map(l, "", &bare), *tools = val_map_new(4);
    *out = val_map_new(1);
    if (!*out || !map || !tools) {
        l->oom = true;
    } else if (val_len(l->tool_to) == 0) {
        l->oom |= val_map_set(*out, "map", 3, map) != MIG_OK;
        kept = bare;
    } else if (bare) {
        note(l, "%zu repair%s of calls that name no tool: a "
             "mapping of tools has no place for them", bare,
             bare == 1 ? "" : "s");
    }
    for (size_t i = 0; !l->oom && val_len(l->tool_to) && i < val_len(l->tool_to);
         i++) {
        const char *old = val_get_str(val_map_key(l->tool_to, i), NULL);
        const val_t *to = val_map_get(val_map_value(l->tool_to, i), "to", 2);
        bool renamed = strcmp(old, val_get_str(to, NULL)) != 0;
        size_t was = kept;
        val_t *m = is_bad(l, old, "") ? NULL : tool_map(l, old, &kept);
        if (m && (renamed || kept > was)) {
            val_t *e = val_map_new(2);
            kept += renamed;
            l->oom |= !e || val_map_set(e, "to", 2, (val_t *)to) != MIG_OK
                      || val_map_set(e, "map", 3, m) != MIG_OK
                      || val_map_set_take(tools, old, strlen(old), e)
                         != MIG_OK;
        }
        val_unref(m);
    }
    if (!l->oom && val_len(l->tool_to))
        l->oom |= val_map_set(*out, "tools", 5, tools) != MIG_OK;
    val_unref(tools);
    val_unref(map);
    return kept;
}

/* ---- the order of the items --------------------------------------------- */

/* Compares two item keys ("2", "10/0") number by number, so that what is
 * learned does not depend on the order parallel items ended in. */
static int item_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        char *ea, *eb;
        unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
        if (ea == a || eb == b)
            return strcmp(a, b);
        if (x != y)
            return x < y ? -1 : 1;
        a = *ea == '/' ? ea + 1 : ea;
        b = *eb == '/' ? eb + 1 : eb;
        if (ea == a && eb == b)
            return strcmp(a, b);
    }
    return *a ? 1 : *b ? -1 : 0;
}

typedef struct at { const char *item; size_t i; } at_t;

static int order_cmp(const void *x, const void *y)
{
    const at_t *a = x, *b = y;
    int c = item_cmp(a->item, b->item);
    return c ? c : a->i < b->i ? -1 : a->i > b->i;
}

mig_status_t adapt_learn(const val_t *events, val_t **out)
{
    *out = NULL;
    size_t n = events && val_type(events) == VAL_LIST ? val_len(events) : 0;
    learn_t l = { .tool_to = val_map_new(4), .names = val_map_new(4),
                  .values = val_map_new(4), .bad = val_map_new(1),
                  .notes = val_list_new(0) };
    val_t *renamed = val_map_new(4), *map = NULL, *res = val_map_new(3);
    size_t *order = malloc((n + 1) * sizeof *order);
    at_t *at = malloc((n + 1) * sizeof *at);
    l.oom = !l.tool_to || !l.names || !l.values || !l.bad || !l.notes
            || !renamed || !res || !order || !at;
    for (size_t i = 0; !l.oom && i < n; i++) {
        const char *item = str(val_list_get(events, i), "item");
        at[i] = (at_t){ .item = item ? item : "", .i = i };
    }
    if (!l.oom) {
        qsort(at, n, sizeof *at, order_cmp);
        for (size_t i = 0; i < n; i++)
            order[i] = at[i].i;
        learn_tools(&l, events, order, renamed);
    }
    for (size_t k = 0; !l.oom && k < n; k++) {
        const val_t *ev = val_list_get(events, order[k]);
        const char *item = str(ev, "item");
        const val_t *reps = repairs_of(ev);
        for (size_t i = 0; item && reps && i < val_len(reps); i++)
            learn_repair(&l, renamed, reps, val_list_get(reps, i), item);
    }
    size_t kept = l.oom ? 0 : mapping(&l, &map);
    if (!l.oom)
        l.oom = val_map_set(res, "mapping", 7, map) != MIG_OK
                || val_map_set_take(res, "kept", 4, val_int((int64_t)kept))
                   != MIG_OK
                || val_map_set(res, "left_out", 8, l.notes) != MIG_OK
                || val_map_set_take(res, "defaults", 8,
                                    val_int((int64_t)l.defaults)) != MIG_OK;
    if (!l.oom)
        *out = val_ref(res);
    val_unref(res);
    val_unref(map);
    val_unref(renamed);
    val_unref(l.tool_to);
    val_unref(l.names);
    val_unref(l.values);
    val_unref(l.bad);
    val_unref(l.notes);
    free(order);
    free(at);
    return l.oom ? MIG_ENOMEM : MIG_OK;
}
