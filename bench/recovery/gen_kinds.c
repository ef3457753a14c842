/* gen_kinds.c: where the recovery benchmark's generator (gen.c) puts
 * the kinds of mismatch a tool has: which kinds its method allows, which
 * parameter each falls on, and which row of the generator's vocabulary
 * (vocab.h) it writes. */
#include <string.h>

#include "gen.h"
#include "vocab.h"

/* The first parameter of T's method of type TYPE, or MAX_PARAMS. */
static size_t param_of_type(const tool_t *t, ptype_t type)
{
    for (size_t p = 0; p < n_params(t->m); p++)
        if (t->m->params[p].type == type)
            return p;
    return MAX_PARAMS;
}

/* Whether vocab_values' row R is an old value of parameter P of T: one
 * that stands for a V2 value (DROPPED false) or one V2 dropped. */
static bool value_row_of(const tool_t *t, size_t p, size_t r, bool dropped)
{
    return strcmp(vocab_values[r].param, t->m->params[p].name) == 0
           && (vocab_values[r].kind == VK_DROPPED) == dropped;
}

/* Picks for T a given parameter that KEEP accepts, uniformly; returns it,
 * or MAX_PARAMS when none does. */
static size_t pick_param(const tool_t *t,
                         bool (*keep)(const tool_t *, size_t, bool), bool how)
{
    size_t ok[MAX_PARAMS], n = 0;
    for (size_t p = 0; p < n_params(t->m); p++)
        if (!t->omit[p] && keep(t, p, how))
            ok[n++] = p;
    return n ? ok[below((unsigned)n)] : MAX_PARAMS;
}

/* Picks a row of vocab_values for parameter P of T (see value_row_of);
 * returns it, or N_VOCAB_VALUES when there is none. */
static size_t pick_value_row(const tool_t *t, size_t p, bool dropped)
{
    size_t ok[N_VOCAB_VALUES], n = 0;
    for (size_t r = 0; r < N_VOCAB_VALUES; r++)
        if (value_row_of(t, p, r, dropped))
            ok[n++] = r;
    return n ? ok[below((unsigned)n)] : N_VOCAB_VALUES;
}

/* The parameters a kind of mismatch can be drawn for (HOW: the dropped
 * enum values, for has_values). */
static bool has_values(const tool_t *t, size_t p, bool dropped)
{
    for (size_t r = 0; r < N_VOCAB_VALUES; r++)
        if (value_row_of(t, p, r, dropped))
            return true;
    return false;
}

static bool plain_string(const tool_t *t, size_t p, bool how)
{
    (void)how;
    return t->m->params[p].type == T_STRING && !t->m->params[p].enums;
}

static bool renamable(const tool_t *t, size_t p, bool how)
{
    (void)how;
    return !((t->faults & F_NESTED) && p == t->nested);
}

static bool flattenable(const tool_t *t, size_t p, bool how)
{
    (void)how;
    return p != t->renamed && t->m->params[p].type != T_OBJECT;
}

/* Picks a row of vocab_removed with MEANING or without. */
static size_t pick_removed(bool meaning)
{
    size_t ok[N_VOCAB_REMOVED], n = 0;
    for (size_t r = 0; r < N_VOCAB_REMOVED; r++)
        if ((vocab_removed[r].meaning != 0) == meaning)
            ok[n++] = r;
    return ok[below((unsigned)n)];
}

/* Whether the mismatch FAULT can be drawn for a tool of method M. */
bool fault_applies(const tool_t *t, unsigned fault)
{
    /* A merged tool's call is its old tool's (gen_merge.c). */
    if (t->merge != NO_MERGE)
        return fault & (F_CONFIG_MISSING | F_CONFIG_TYPE | F_CONFIG_UNKNOWN
                        | F_DEPENDENCY);
    switch (fault) {
    case F_MERGED:              /* drawn with its old tool (draw_merge) */
        return false;
    case F_ENUM:
        for (size_t p = 0; p < n_params(t->m); p++)
            if (has_values(t, p, false))
                return true;
        return false;
    case F_LIST:
        for (size_t p = 0; p < n_params(t->m); p++)
            if (plain_string(t, p, false))
                return true;
        return false;
    case F_SCALAR:
        return param_of_type(t, T_ARRAY) < MAX_PARAMS;
    case F_NESTED:
        return param_of_type(t, T_OBJECT) < MAX_PARAMS;
    default:
        return true;
    }
}

/* Draws what tool T cannot have repaired, among the kinds its method
 * allows. */
bad_t draw_bad(const tool_t *t)
{
    static const bad_t bads[] = { BAD_METHOD, BAD_VALUE, BAD_REMOVED,
                                  BAD_ENUM, BAD_LIST, BAD_ENDPOINT,
                                  BAD_GHOST };
    bad_t ok[sizeof bads / sizeof *bads];
    size_t n = 0;
    for (size_t k = 0; k < sizeof bads / sizeof *bads; k++) {
        bool fits = true;
        if (bads[k] == BAD_VALUE)
            fits = param_of_type(t, T_INTEGER) < MAX_PARAMS;
        else if (bads[k] == BAD_ENUM)
            fits = pick_param(t, has_values, true) < MAX_PARAMS;
        if (fits)
            ok[n++] = bads[k];
    }
    return ok[below((unsigned)n)];
}

/* Draws the parameters, values and vocabulary rows of T's mismatches
 * that need them, after its omitted parameter; a mismatch none fits is
 * left out, a bad one none fits becomes BAD_REMOVED. */
void draw_places(tool_t *t)
{
    size_t np = n_params(t->m);
    if (t->bad == BAD_ENUM || (t->faults & F_ENUM)) {
        bool dropped = t->bad == BAD_ENUM;
        t->enum_param = pick_param(t, has_values, dropped);
        if (t->enum_param < MAX_PARAMS) {
            const param_t *pa = &t->m->params[t->enum_param];
            t->value_row = pick_value_row(t, t->enum_param, dropped);
            for (size_t k = 0; !dropped && k < n_enums(pa); k++)
                if (strcmp(pa->enums[k], vocab_values[t->value_row].new) == 0)
                    t->values[t->enum_param] = (int)k;
        } else if (dropped) {
            t->bad = BAD_REMOVED;
        }
        if (dropped || t->enum_param == MAX_PARAMS)
            t->faults &= ~(unsigned)F_ENUM;
    }
    if (t->bad == BAD_LIST || (t->faults & F_LIST)) {
        t->listed = pick_param(t, plain_string, false);
        if (t->listed == MAX_PARAMS && t->bad == BAD_LIST)
            t->bad = BAD_REMOVED;
        if (t->bad == BAD_LIST || t->listed == MAX_PARAMS)
            t->faults &= ~(unsigned)F_LIST;
    }
    t->nested = MAX_PARAMS;
    if (t->faults & F_SCALAR) {
        t->nested = param_of_type(t, T_ARRAY);
        if (t->nested == MAX_PARAMS || t->omit[t->nested])
            t->faults &= ~(unsigned)F_SCALAR;
    }
    if (t->faults & F_NESTED) {
        t->faults &= ~(unsigned)F_SCALAR;
        t->nested = param_of_type(t, T_OBJECT);
    }
    if (t->bad == BAD_REMOVED)
        t->faults &= ~(unsigned)(F_POSITIONAL | F_DROPPED);
    /* By position a value has no name: no old name, no container, no
     * extra key. */
    if (t->faults & F_POSITIONAL)
        t->faults &= ~(unsigned)(F_RENAMED | F_NESTED | F_FLATTENED
                                 | F_DROPPED);
    /* A rename is only counted when it is written: a parameter given by
     * name (not by position, not left out). */
    t->renamed = MAX_PARAMS;
    if (t->faults & F_RENAMED) {
        t->renamed = pick_param(t, renamable, false);
        size_t rows[N_VOCAB_PARAMS], n = 0;
        for (size_t r = 0; t->renamed < np && r < N_VOCAB_PARAMS; r++)
            if (strcmp(vocab_params[r].new, t->m->params[t->renamed].name)
                == 0)
                rows[n++] = r;
        if (n)
            t->rename_row = rows[below((unsigned)n)];
        else
            t->renamed = MAX_PARAMS;
    }
    if (t->renamed == MAX_PARAMS)
        t->faults &= ~(unsigned)F_RENAMED;
    if (t->faults & F_FLATTENED) {
        t->flat = pick_param(t, flattenable, false);
        t->container = below(N_VOCAB_CONTAINERS);
        if (t->flat == MAX_PARAMS)
            t->faults &= ~(unsigned)F_FLATTENED;
    }
    if (t->bad == BAD_REMOVED || (t->faults & F_DROPPED))
        t->removed = pick_removed(t->bad == BAD_REMOVED);
}

