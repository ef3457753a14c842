/* action.c: the action registry, the one table through which every action
 * and recovery strategy is known (interpreter.h, "actions"), and the check
 * of a call's arguments against a row: statically by the types an argument
 * may have (interpreter/check.c), and at run time by its value. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_int.h"

/* A default, read once from a row's JSON text. */
typedef struct arg_default {
    const action_arg_t *arg;
    val_t *value;
} arg_default_t;

struct action_registry {
    const action_t **actions;           /* sorted by name */
    size_t n_actions, cap_actions;
    const action_handler_t **handlers;  /* sorted by name */
    size_t n_handlers, cap_handlers;
    arg_default_t *defaults;            /* sorted by the row's address */
    size_t n_defaults, cap_defaults;
};

static const char *const effect_names[] = {
#define ACTION_EFFECT_NAME(e, s, d) s,
    ACTION_EFFECTS(ACTION_EFFECT_NAME)
#undef ACTION_EFFECT_NAME
};

const char *action_effect_name(action_effect_t e)
{
    return effect_names[e];
}

action_effect_t action_call_effect(const action_t *a, const val_t *args)
{
    return a->effect_of ? a->effect_of(a, args) : a->effect;
}

action_registry_t *action_registry_new(void)
{
    return calloc(1, sizeof(action_registry_t));
}

void action_registry_free(action_registry_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_defaults; i++)
        val_unref(r->defaults[i].value);
    free(r->defaults);
    free(r->actions);
    free(r->handlers);
    free(r);
}

/* ---- adding rows ------------------------------------------------------- */

static int cmp_action(const void *a, const void *b)
{
    return strcmp((*(const action_t *const *)a)->name,
                  (*(const action_t *const *)b)->name);
}

static int cmp_handler(const void *a, const void *b)
{
    return strcmp((*(const action_handler_t *const *)a)->name,
                  (*(const action_handler_t *const *)b)->name);
}

static int cmp_default(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const arg_default_t *)a)->arg;
    uintptr_t y = (uintptr_t)((const arg_default_t *)b)->arg;
    return x < y ? -1 : x > y;
}

/* Reads the defaults of the argument rows ARGS. A default that is not
 * JSON of a type the row accepts is a bug in the table (asserted). */
static mig_status_t add_defaults(action_registry_t *r,
                                 const action_arg_t *args)
{
    for (const action_arg_t *a = args; a && a->name; a++) {
        if (!a->def)
            continue;
        if (!val_grow((void **)&r->defaults, &r->cap_defaults, r->n_defaults,
                      sizeof(*r->defaults)))
            return MIG_ENOMEM;
        src_t *src = src_from_memory("<default>", a->def, strlen(a->def));
        if (!src)
            return MIG_ENOMEM;
        diag_list_t diags;
        diag_list_init(&diags);
        val_t *v = NULL;
        mig_status_t st = val_from_json(src, &diags, &v);
        diag_list_free(&diags);
        src_free(src);
        if (st == MIG_ENOMEM)
            return st;
        assert(st == MIG_OK && (a->types & ACTION_T_ANY & (1u << val_type(v))));
        r->defaults[r->n_defaults++] = (arg_default_t){ a, v };
    }
    return MIG_OK;
}

/* Sorts what a table added: its rows (*ROWS, N of them, by CMP) and the
 * defaults, once per table. Two rows of one name are a bug in the tables
 * (asserted). */
static void sort_added(action_registry_t *r, void *rows, size_t n,
                       int (*cmp)(const void *, const void *))
{
    qsort(rows, n, sizeof(void *), cmp);
    for (size_t i = 1; i < n; i++)
        assert(cmp((char *)rows + (i - 1) * sizeof(void *),
                   (char *)rows + i * sizeof(void *)) != 0);
    if (r->n_defaults > 1)
        qsort(r->defaults, r->n_defaults, sizeof(*r->defaults), cmp_default);
}

mig_status_t action_registry_add(action_registry_t *r, const action_t *table,
                                 size_t n)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; i < n && st == MIG_OK; i++) {
        assert(!action_find_handler(r, table[i].name));
        if (!val_grow((void **)&r->actions, &r->cap_actions, r->n_actions,
                      sizeof(*r->actions))) {
            st = MIG_ENOMEM;
            break;
        }
        r->actions[r->n_actions++] = &table[i];
        st = add_defaults(r, table[i].args);
    }
    sort_added(r, r->actions, r->n_actions, cmp_action);
    return st;
}

mig_status_t action_registry_add_handlers(action_registry_t *r,
                                          const action_handler_t *table,
                                          size_t n)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; i < n && st == MIG_OK; i++) {
        assert(!action_find(r, table[i].name));
        if (!val_grow((void **)&r->handlers, &r->cap_handlers, r->n_handlers,
                      sizeof(*r->handlers))) {
            st = MIG_ENOMEM;
            break;
        }
        r->handlers[r->n_handlers++] = &table[i];
        st = add_defaults(r, table[i].args);
    }
    sort_added(r, r->handlers, r->n_handlers, cmp_handler);
    return st;
}

/* ---- lookups ----------------------------------------------------------- */

const action_t *action_find(const action_registry_t *r, const char *name)
{
    action_t key = { .name = name };
    const action_t *kp = &key;
    const action_t **hit = r->n_actions
        ? bsearch(&kp, r->actions, r->n_actions, sizeof(*r->actions),
                  cmp_action)
        : NULL;
    return hit ? *hit : NULL;
}

const action_handler_t *action_find_handler(const action_registry_t *r,
                                            const char *name)
{
    action_handler_t key = { .name = name };
    const action_handler_t *kp = &key;
    const action_handler_t **hit = r->n_handlers
        ? bsearch(&kp, r->handlers, r->n_handlers, sizeof(*r->handlers),
                  cmp_handler)
        : NULL;
    return hit ? *hit : NULL;
}

static bool in_namespace(const char *name, const char *ns, size_t len)
{
    return strncmp(name, ns, len) == 0 && name[len] == '.';
}

bool action_has_namespace(const action_registry_t *r, const char *ns,
                          size_t len)
{
    for (size_t i = 0; i < r->n_actions; i++)
        if (in_namespace(r->actions[i]->name, ns, len))
            return true;
    for (size_t i = 0; i < r->n_handlers; i++)
        if (in_namespace(r->handlers[i]->name, ns, len))
            return true;
    return false;
}

size_t action_count(const action_registry_t *r) { return r->n_actions; }
size_t action_handler_count(const action_registry_t *r)
{
    return r->n_handlers;
}

const action_t *action_at(const action_registry_t *r, size_t i)
{
    assert(i < r->n_actions);
    return r->actions[i];
}

const action_handler_t *action_handler_at(const action_registry_t *r,
                                          size_t i)
{
    assert(i < r->n_handlers);
    return r->handlers[i];
}

const char *action_suggest(const action_registry_t *r, const char *name)
{
    eval_suggest_t s;
    eval_suggest_init(&s, name);
    for (size_t i = 0; i < r->n_actions; i++)
        eval_suggest_consider(&s, r->actions[i]->name);
    for (size_t i = 0; i < r->n_handlers; i++)
        eval_suggest_consider(&s, r->handlers[i]->name);
    return s.best;
}

val_t *action_arg_default(const action_registry_t *r, const action_arg_t *a)
{
    arg_default_t key = { .arg = a };
    arg_default_t *hit = r->n_defaults
        ? bsearch(&key, r->defaults, r->n_defaults, sizeof(*r->defaults),
                  cmp_default)
        : NULL;
    return hit ? hit->value : NULL;
}

/* ---- checking a call --------------------------------------------------- */

void action_types_text(unsigned types, strbuf_t *out)
{
    static const char *const articled[] = {
        "null", "a bool", "a number", "a string", "a list", "a map",
        "a duration", "a secret",
    };
    if ((types & ACTION_T_ANY) == ACTION_T_ANY) {
        strbuf_puts(out, "any value");
        return;
    }
    unsigned n = 0, total = 0;
    for (unsigned t = 0; t <= VAL_SECRET; t++)
        total += (types >> t) & 1u;
    for (unsigned t = 0; t <= VAL_SECRET; t++) {
        if (!(types & (1u << t)))
            continue;
        if (n)
            strbuf_puts(out, n + 1 == total ? " or " : ", ");
        strbuf_puts(out, articled[t]);
        n++;
    }
}

/* The usage of an action: "file.write(path, content, mode: \"0644\")". */
static void signature(const char *what, const action_arg_t *args,
                      strbuf_t *out)
{
    strbuf_printf(out, "%s(", what);
    for (const action_arg_t *a = args; a && a->name; a++) {
        if (a != args)
            strbuf_puts(out, ", ");
        strbuf_puts(out, a->name);
        if (!a->required)
            strbuf_printf(out, ": %s", a->def ? a->def : "optional");
    }
    strbuf_putc(out, ')');
}

static size_t count_rows(const action_arg_t *args)
{
    size_t n = 0;
    while (args && args[n].name)
        n++;
    return n;
}

/* Places each argument of CALL on a row: SLOT[i] gets the row of argument
 * i. Reports every misfit; returns MIG_EINVALID when there was one. */
static mig_status_t place_args(const char *what, const action_arg_t *args,
                               const ast_node_t *call, src_t *src,
                               diag_list_t *diags, uint32_t *slot,
                               const ast_node_t **given)
{
    const ast_args_t *a = &call->u.call.args;
    size_t rows = count_rows(args);
    mig_status_t st = MIG_OK;
    for (uint32_t i = 0; i < a->len; i++) {
        const ast_arg_t *arg = &a->items[i];
        const char *name = arg->name.name;
        size_t row = rows;
        if (!name || !name[0]) {
            row = i;
            if (row >= rows) {
                /* Reported once, at the first argument too many. */
                if (row == rows) {
                    diag_t *d = diag_add(diags, DIAG_ERROR, src,
                                         &arg->value->span,
                                         "%s takes %zu argument%s, given %u",
                                         what, rows, rows == 1 ? "" : "s",
                                         a->len);
                    strbuf_t b;
                    strbuf_init(&b);
                    signature(what, args, &b);
                    diag_hint(diags, d, "%s", b.oom ? what : b.data);
                    strbuf_free(&b);
                }
                st = MIG_EINVALID;
                slot[i] = UINT32_MAX;
                continue;
            }
        } else {
            for (row = 0; row < rows && strcmp(args[row].name, name); row++)
                ;
            if (row == rows) {
                /* Suggestions only for a misfit: an edit distance a row
                 * costs more than the rest of binding a step's call. */
                eval_suggest_t s;
                eval_suggest_init(&s, name);
                for (size_t k = 0; k < rows; k++)
                    eval_suggest_consider(&s, args[k].name);
                diag_t *d = diag_add(diags, DIAG_ERROR, src, &arg->name.span,
                                     "%s has no argument '%s'", what, name);
                if (s.best) {
                    diag_hint(diags, d, "did you mean '%s'?", s.best);
                } else {
                    strbuf_t b;
                    strbuf_init(&b);
                    signature(what, args, &b);
                    diag_hint(diags, d, "%s", b.oom ? what : b.data);
                    strbuf_free(&b);
                }
                st = MIG_EINVALID;
                slot[i] = UINT32_MAX;
                continue;
            }
        }
        if (given[row]) {
            diag_add(diags, DIAG_ERROR, src,
                     name && name[0] ? &arg->name.span : &arg->value->span,
                     "argument '%s' of %s is given twice", args[row].name,
                     what);
            st = MIG_EINVALID;
            slot[i] = UINT32_MAX;
            continue;
        }
        given[row] = arg->value;
        slot[i] = (uint32_t)row;
    }
    for (size_t row = 0; row < rows && st == MIG_OK; row++) {
        if (args[row].required && !given[row]) {
            diag_t *d = diag_add(diags, DIAG_ERROR, src, &call->span,
                                 "%s needs the argument '%s'", what,
                                 args[row].name);
            strbuf_t b;
            strbuf_init(&b);
            signature(what, args, &b);
            diag_hint(diags, d, "%s", b.oom ? what : b.data);
            strbuf_free(&b);
            st = MIG_EINVALID;
        }
    }
    return diags->out_of_memory ? MIG_ENOMEM : st;
}

/* The types argument row A takes: a secret among them where it takes
 * secrets and strings. */
static unsigned row_types(const action_arg_t *a)
{
    return a->types | (a->secrets && (a->types & ACTION_T(STRING))
                       ? ACTION_T(SECRET) : 0);
}

/* Reports that argument ROW of WHAT takes no secrets, at VALUE. */
static void no_secrets(const char *what, const action_arg_t *row,
                       const ast_node_t *value, src_t *src,
                       diag_list_t *diags)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "passed to argument '%s' of %s", row->name, what);
    if (b.oom)
        diag_add(diags, DIAG_ERROR, src, &value->span, "out of memory");
    else
        eval_secret_refused(diags, src, &value->span, b.data);
    strbuf_free(&b);
}

/* Reports that argument ROW of WHAT cannot be FOUND (a type's name). */
static void wrong_type(const char *what, const action_arg_t *row,
                       const ast_node_t *value, const char *found,
                       src_t *src, diag_list_t *diags)
{
    strbuf_t b;
    strbuf_init(&b);
    action_types_text(row->types, &b);
    diag_add(diags, DIAG_ERROR, src, &value->span,
             "argument '%s' of %s must be %s, found %s", row->name, what,
             b.oom ? "another type" : b.data, found);
    strbuf_free(&b);
}

mig_status_t action_check_call(const char *what, const action_arg_t *args,
                               const ast_node_t *call, const unsigned *types,
                               src_t *src, diag_list_t *diags)
{
    uint32_t n = call->u.call.args.len;
    size_t rows = count_rows(args);
    uint32_t *slot = calloc(n ? n : 1, sizeof(*slot));
    const ast_node_t **given = calloc(rows ? rows : 1, sizeof(*given));
    mig_status_t st = slot && given
        ? place_args(what, args, call, src, diags, slot, given) : MIG_ENOMEM;
    for (uint32_t i = 0; i < n && st != MIG_ENOMEM; i++) {
        if (slot[i] == UINT32_MAX || (types[i] & row_types(&args[slot[i]])))
            continue;
        st = MIG_EINVALID;
        if (types[i] == ACTION_T(SECRET)) {
            no_secrets(what, &args[slot[i]], call->u.call.args.items[i].value,
                       src, diags);
            continue;
        }
        strbuf_t b;
        strbuf_init(&b);
        action_types_text(types[i], &b);
        wrong_type(what, &args[slot[i]], call->u.call.args.items[i].value,
                   b.oom ? "another type" : b.data, src, diags);
        strbuf_free(&b);
        st = MIG_EINVALID;
    }
    free(slot);
    free(given);
    return diags->out_of_memory ? MIG_ENOMEM : st;
}

/* Binds the arguments of a row that takes any (ARGS NULL: a Lua
 * function's): a named one under its name, the Nth positional one under
 * "N"; a name given twice is an error at its place. */
static mig_status_t bind_any(const char *what, const ast_node_t *call,
                             val_t *const *values, src_t *src,
                             diag_list_t *diags, val_t **out)
{
    const ast_args_t *a = &call->u.call.args;
    val_t *map = val_map_new(a->len);
    if (!map)
        return MIG_ENOMEM;
    mig_status_t st = MIG_OK;
    size_t pos = 0;
    for (uint32_t i = 0; i < a->len && st != MIG_ENOMEM; i++) {
        const ast_arg_t *arg = &a->items[i];
        char num[24];
        const char *key = arg->name.name;
        if (key && key[0]) {
            if (val_map_get(map, key, strlen(key))) {
                diag_add(diags, DIAG_ERROR, src, &arg->name.span, "argument "
                         "'%s' of %s is given twice", key, what);
                st = MIG_EINVALID;
                continue;
            }
        } else {
            snprintf(num, sizeof num, "%zu", ++pos);
            key = num;
        }
        mig_status_t s = val_map_set(map, key, strlen(key), values[i]);
        if (s != MIG_OK)
            st = s;
    }
    if (st == MIG_OK && diags->out_of_memory)
        st = MIG_ENOMEM;
    if (st != MIG_OK) {
        val_unref(map);
        return st;
    }
    *out = map;
    return MIG_OK;
}

mig_status_t action_bind_args(const action_registry_t *r, const char *what,
                              const action_arg_t *args,
                              const ast_node_t *call, val_t *const *values,
                              src_t *src, diag_list_t *diags, val_t **out)
{
    *out = NULL;
    if (!args)
        return bind_any(what, call, values, src, diags, out);
    uint32_t n = call->u.call.args.len;
    size_t rows = count_rows(args);
    uint32_t *slot = calloc(n ? n : 1, sizeof(*slot));
    const ast_node_t **given = calloc(rows ? rows : 1, sizeof(*given));
    val_t **by_row = calloc(rows ? rows : 1, sizeof(*by_row));
    mig_status_t st = slot && given && by_row
        ? place_args(what, args, call, src, diags, slot, given) : MIG_ENOMEM;
    for (uint32_t i = 0; i < n && st == MIG_OK; i++) {
        const action_arg_t *row = &args[slot[i]];
        unsigned t = 1u << val_type(values[i]);
        if (val_holds_secret(values[i]) && !(row_types(row) & t
                                             && row->secrets)) {
            no_secrets(what, row, call->u.call.args.items[i].value, src,
                       diags);
            st = MIG_EINVALID;
        } else if (!(row_types(row) & t)) {
            strbuf_t b;
            strbuf_init(&b);
            action_types_text(t, &b);
            wrong_type(what, row, call->u.call.args.items[i].value,
                       b.oom ? "another type" : b.data, src, diags);
            strbuf_free(&b);
            st = MIG_EINVALID;
        }
        by_row[slot[i]] = values[i];
    }
    val_t *map = st == MIG_OK ? val_map_new(rows) : NULL;
    if (st == MIG_OK && !map)
        st = MIG_ENOMEM;
    for (size_t k = 0; k < rows && st == MIG_OK; k++) {
        val_t *v = by_row[k] ? by_row[k] : action_arg_default(r, &args[k]);
        if (v)
            st = val_map_set(map, args[k].name, strlen(args[k].name), v);
    }
    free(slot);
    free(given);
    free(by_row);
    if (st != MIG_OK) {
        val_unref(map);
        return st;
    }
    *out = map;
    return MIG_OK;
}
