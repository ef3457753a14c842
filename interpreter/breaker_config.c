/* breaker_config.c: the settings of `breaker "TARGET" { ... }` plan items
 * (docs/language.md, "breaker"), read from the tree with their defaults:
 * one table of settings serves the static checker (check_breaker.c) and
 * breaker_configs, which hands the runtime its circuit breakers. */
#include <string.h>

#include "interpreter_int.h"

typedef enum bkind { BK_COUNT, BK_DURATION, BK_STRING } bkind_t;

/* The settings a breaker takes. DEF is the default (0: none). */
static const struct bsetting {
    const char *name;
    bkind_t kind;
    bool required;
    int64_t def;
    const char *example;
    const char *doc;
} settings[] = {
    { "failures", BK_COUNT, true, 0, "failures: 5",
      "how many failures within the window open the breaker" },
    { "window", BK_DURATION, false, 60000, "window: 1m",
      "the span of time failures are counted in" },
    { "cooldown", BK_DURATION, true, 0, "cooldown: 30s",
      "how long the breaker stays open before one probe call is let through" },
    { "per", BK_STRING, false, 0, "per: \"url\"",
      "the argument whose value tells targets apart" },
};
#define N_SETTINGS (sizeof settings / sizeof settings[0])

static const char *const kind_text[] = {
    [BK_COUNT] = "a whole number", [BK_DURATION] = "a duration",
    [BK_STRING] = "a string",
};

/* What a literal expression is, for "found ..." in messages; NULL when E
 * is not a literal (a name, a call, an operation, an interpolation). */
static const char *literal_type(const ast_node_t *e)
{
    const char *text;
    uint32_t len;
    if (e->kind == AST_UNARY && e->u.unary.op == AST_OP_NEG)
        e = e->u.unary.operand;     /* -1, -5s: literals out of range */
    switch (e->kind) {
    case AST_NULL: return "null";
    case AST_BOOL: return "a bool";
    case AST_NUMBER: return "a number";
    case AST_DURATION: return "a duration";
    case AST_STRING:
        return ast_string_is_plain(e, &text, &len) ? "a string" : NULL;
    case AST_LIST: return "a list";
    case AST_MAP: return "a map";
    default: return NULL;
    }
}

/* The value of a number or duration literal E (negated when written with
 * a minus). */
static double literal_number(const ast_node_t *e)
{
    double sign = 1;
    if (e->kind == AST_UNARY) {
        sign = -1;
        e = e->u.unary.operand;
    }
    return sign * (e->kind == AST_DURATION ? (double)e->u.duration.ms
                                           : e->u.number.value);
}

/* Reads entry A, a setting of row S, into OUT. Returns whether it was
 * fine; reports what is not. */
static bool read_setting(const struct bsetting *s, const ast_arg_t *a,
                         src_t *src, diag_list_t *diags, breaker_item_t *out)
{
    const ast_node_t *v = a->value;
    const char *type = literal_type(v);
    if (!type) {
        diag_t *d = diag_add(diags, DIAG_ERROR, src, &v->span,
                             "breaker setting '%s' must be a literal value: "
                             "breakers are set up before anything runs, so "
                             "it cannot use names or computations", s->name);
        diag_hint(diags, d, "write the value itself: %s", s->example);
        return false;
    }
    const ast_node_t *bare = v->kind == AST_UNARY ? v->u.unary.operand : v;
    bool fits = (s->kind == BK_COUNT && bare->kind == AST_NUMBER) ||
                (s->kind == BK_DURATION && bare->kind == AST_DURATION) ||
                (s->kind == BK_STRING && v->kind == AST_STRING);
    if (!fits) {
        diag_t *d = diag_add(diags, DIAG_ERROR, src, &v->span,
                             "breaker setting '%s' must be %s, found %s",
                             s->name, kind_text[s->kind], type);
        diag_hint(diags, d, "for example: %s", s->example);
        return false;
    }
    double x = s->kind == BK_STRING ? 0 : literal_number(v);
    switch (s->kind) {
    case BK_COUNT:
        if (!bare->u.number.is_integer || x < 1) {
            diag_add(diags, DIAG_ERROR, src, &v->span, "breaker setting "
                     "'failures' must be a whole number of at least 1");
            return false;
        }
        out->failures = (int64_t)x;
        return true;
    case BK_DURATION:
        if (x <= 0) {
            diag_add(diags, DIAG_ERROR, src, &v->span, "breaker setting "
                     "'%s' must be longer than 0", s->name);
            return false;
        }
        if (strcmp(s->name, "window") == 0)
            out->window_ms = (int64_t)x;
        else
            out->cooldown_ms = (int64_t)x;
        return true;
    case BK_STRING: {
        const char *text;
        uint32_t len;
        ast_string_is_plain(v, &text, &len);
        if (len == 0 || memchr(text, '\0', len)) {
            diag_add(diags, DIAG_ERROR, src, &v->span, "breaker setting "
                     "'per' cannot be empty: it names an argument of the "
                     "action");
            return false;
        }
        out->per = a;
        out->per_name = text;
        return true;
    }
    }
    return false;
}

/* Reports the unknown setting A, with a "did you mean"; returns the
 * row it was probably meant for (N_SETTINGS: none), whose absence then
 * goes unsaid. */
static size_t unknown_setting(const ast_arg_t *a, src_t *src,
                              diag_list_t *diags)
{
    eval_suggest_t s;
    eval_suggest_init(&s, a->name.name);
    for (size_t i = 0; i < N_SETTINGS; i++)
        eval_suggest_consider(&s, settings[i].name);
    diag_t *d = diag_add(diags, DIAG_ERROR, src, &a->name.span,
                         "unknown breaker setting '%s'", a->name.name);
    if (s.best)
        diag_hint(diags, d, "did you mean '%s'?", s.best);
    else
        diag_hint(diags, d, "the settings are failures, window, cooldown "
                  "and per");
    size_t k = 0;
    while (k < N_SETTINGS && (!s.best || strcmp(settings[k].name, s.best)))
        k++;
    return k;
}

bool breaker_read(const ast_node_t *n, src_t *src, diag_list_t *diags,
                  breaker_item_t *out)
{
    *out = (breaker_item_t){ .node = n };
    uint32_t len;
    if (!ast_string_is_plain(n->u.breaker.target, &out->target, &len))
        return false;           /* syntax.c has said so */
    bool ok = true;
    bool seen[N_SETTINGS] = { false };
    const ast_args_t *map = &n->u.breaker.config->u.map;
    for (uint32_t i = 0; i < map->len; i++) {
        const ast_arg_t *a = &map->items[i];
        size_t k = 0;
        while (k < N_SETTINGS && strcmp(settings[k].name, a->name.name) != 0)
            k++;
        if (k == N_SETTINGS) {
            size_t meant = unknown_setting(a, src, diags);
            if (meant < N_SETTINGS)
                seen[meant] = true;
            ok = false;
            continue;
        }
        seen[k] = true;         /* a key given twice is a parse error */
        ok &= read_setting(&settings[k], a, src, diags, out);
    }
    for (size_t k = 0; k < N_SETTINGS; k++) {
        if (seen[k])
            continue;
        if (!settings[k].required) {
            if (settings[k].kind == BK_DURATION)
                out->window_ms = settings[k].def;
            continue;
        }
        diag_t *d = diag_add(diags, DIAG_ERROR, src,
                             &n->u.breaker.config->span, "breaker \"%s\" "
                             "needs '%s': %s", out->target, settings[k].name,
                             settings[k].doc);
        diag_hint(diags, d, "for example: breaker \"%s\" { failures: 5, "
                  "cooldown: 30s }", out->target);
        ok = false;
    }
    return ok;
}

const ast_node_t *breaker_earlier(const ast_plan_t *plan, uint32_t i)
{
    const char *t, *u;
    uint32_t tlen, ulen;
    const ast_node_t *n = plan->items.items[i];
    if (!ast_string_is_plain(n->u.breaker.target, &t, &tlen))
        return NULL;
    for (uint32_t j = 0; j < i; j++) {
        const ast_node_t *m = plan->items.items[j];
        if (m->kind == AST_BREAKER &&
            ast_string_is_plain(m->u.breaker.target, &u, &ulen) &&
            ulen == tlen && memcmp(t, u, tlen) == 0)
            return m;
    }
    return NULL;
}

void breaker_report_twice(src_t *src, diag_list_t *diags,
                          const ast_node_t *n, const ast_node_t *first)
{
    const char *t;
    uint32_t len;
    ast_string_is_plain(n->u.breaker.target, &t, &len);
    diag_t *d = diag_add(diags, DIAG_ERROR, src, &n->u.breaker.target->span,
                         "a breaker for '%s' is already declared", t);
    diag_hint(diags, d, "give each action or namespace one breaker");
    diag_add(diags, DIAG_NOTE, src, &first->u.breaker.target->span,
             "the first breaker for '%s' is here", t);
}

/* Appends item B to LIST as a map. MIG_OK or MIG_ENOMEM. */
static mig_status_t push_item(val_t *list, const breaker_item_t *b)
{
    val_t *m = val_map_new(5);
    if (!m)
        return MIG_ENOMEM;
    mig_status_t st = val_map_set_take(m, "target", 6,
                                       val_cstring(b->target));
    if (st == MIG_OK)
        st = val_map_set_take(m, "failures", 8, val_int(b->failures));
    if (st == MIG_OK)
        st = val_map_set_take(m, "window_ms", 9, val_int(b->window_ms));
    if (st == MIG_OK)
        st = val_map_set_take(m, "cooldown_ms", 11, val_int(b->cooldown_ms));
    if (st == MIG_OK)
        st = val_map_set_take(m, "per", 3, b->per_name
                              ? val_cstring(b->per_name) : val_null());
    if (st != MIG_OK) {
        val_unref(m);
        return MIG_ENOMEM;
    }
    return val_list_push_take(list, m);
}

mig_status_t breaker_configs(const ast_plan_t *plan, src_t *src,
                             diag_list_t *diags, val_t **out)
{
    *out = NULL;
    val_t *list = val_list_new(0);
    if (!list)
        return MIG_ENOMEM;
    size_t errors = diags->errors;
    mig_status_t st = MIG_OK;
    for (uint32_t i = 0; i < plan->items.len && st == MIG_OK; i++) {
        const ast_node_t *n = plan->items.items[i];
        if (n->kind != AST_BREAKER)
            continue;
        breaker_item_t b;
        if (!breaker_read(n, src, diags, &b))
            continue;
        const ast_node_t *first = breaker_earlier(plan, i);
        if (first)
            breaker_report_twice(src, diags, n, first);
        else
            st = push_item(list, &b);
    }
    if (st == MIG_OK && diags->out_of_memory)
        st = MIG_ENOMEM;
    if (st == MIG_OK && diags->errors > errors)
        st = MIG_EINVALID;
    if (st != MIG_OK) {
        val_unref(list);
        return st;
    }
    *out = list;
    return MIG_OK;
}
