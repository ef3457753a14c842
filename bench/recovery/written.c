/* written.c: whether the recovery benchmark's set shows each mismatch it
 * counts (bench_recovery_check, before judging a run). The generator
 * once counted renames it never wrote; a kind counted but not written
 * makes its row a lie. For every tool, each kind expected.json lists must
 * be visible in the legacy call against the expected one, by the
 * generator's own vocabulary (vocab.h): an old name of that kind, a value
 * of that kind, a list of one, a container, a removed parameter, an old
 * tool merged into the expected one. */
#include <string.h>

#include "written.h"
#include "vocab.h"

#define MAX_VALUES 32

/* The values of the legacy PARAMS into V (a map's values or a list's
 * items, and those of a container of vocab.h inside it); their count. */
static size_t values_of(const val_t *params, const val_t *v[MAX_VALUES])
{
    size_t n = 0;
    for (size_t i = 0; i < val_len(params) && n < MAX_VALUES; i++) {
        bool map = val_type(params) == VAL_MAP;
        const val_t *x = map ? val_map_value(params, i)
                             : val_list_get(params, i);
        bool container = false;
        for (size_t c = 0; map && c < N_VOCAB_CONTAINERS; c++)
            container = container || strcmp(val_get_str(val_map_key(params, i),
                                                         NULL),
                                             vocab_containers[c]) == 0;
        for (size_t j = 0; container && j < val_len(x) && n < MAX_VALUES; j++)
            v[n++] = val_map_value(x, j);
        if (!container)
            v[n++] = x;
    }
    return n;
}

static bool is_str(const val_t *v, const char *s)
{
    return v && val_type(v) == VAL_STRING
           && strcmp(val_get_str(v, NULL), s) == 0;
}

/* Whether some value of WANT (a map) equals V. */
static bool wanted(const val_t *want, const val_t *v)
{
    for (size_t i = 0; i < val_len(want); i++)
        if (val_equal(val_map_value(want, i), v))
            return true;
    return false;
}

/* The kinds, each a test of the legacy PARAMS (a map, or a list by
 * position) against the expected WANT (NULL for a tool that must fail);
 * KIND: the text after "renamed: " or "enum-value: ". */
static bool renamed(const val_t *params, const val_t *want, const char *kind)
{
    for (size_t r = 0; want && val_type(params) == VAL_MAP
                       && r < N_VOCAB_PARAMS; r++)
        if (strcmp(vocab_kind_names[vocab_params[r].kind], kind) == 0
            && val_map_get(params, vocab_params[r].old,
                           strlen(vocab_params[r].old))
            && !val_map_get(want, vocab_params[r].old,
                            strlen(vocab_params[r].old))
            && val_map_get(want, vocab_params[r].new,
                           strlen(vocab_params[r].new)))
            return true;
    return false;
}

static bool enum_value(const val_t *params, const val_t *want,
                       const char *kind)
{
    const val_t *given[MAX_VALUES];
    size_t n = values_of(params, given);
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < N_VOCAB_VALUES; r++) {
            if (!is_str(given[i], vocab_values[r].old)
                || strcmp(vocab_kind_names[vocab_values[r].kind], kind) != 0)
                continue;
            const val_t *v = want ? val_map_get(want, vocab_values[r].param,
                                                strlen(vocab_values[r].param))
                                  : NULL;
            if (vocab_values[r].kind == VK_DROPPED ? !want
                                                   : is_str(v, vocab_values[r].new))
                return true;
        }
    return false;
}

/* A list of N items given where WANT has none (N 1: its one item). */
static bool list_of(const val_t *params, const val_t *want, size_t n)
{
    const val_t *given[MAX_VALUES];
    size_t m = values_of(params, given);
    for (size_t i = 0; i < m; i++) {
        const val_t *v = given[i];
        if (val_type(v) == VAL_LIST && val_len(v) == n
            && (n != 1 || (want && wanted(want, val_list_get(v, 0)))))
            return true;
    }
    return false;
}

static bool list_of_one(const val_t *params, const val_t *want, const char *k)
{
    (void)k;
    return list_of(params, want, 1);
}

static bool two_values(const val_t *params, const val_t *want, const char *k)
{
    (void)k;
    return !want && list_of(params, want, 2);
}

/* A list of one item expected, its item given alone. */
static bool single_for_list(const val_t *params, const val_t *want,
                            const char *k)
{
    (void)k;
    const val_t *given[MAX_VALUES];
    size_t n = values_of(params, given);
    for (size_t i = 0; want && i < val_len(want); i++) {
        const val_t *w = val_map_value(want, i);
        for (size_t j = 0; val_type(w) == VAL_LIST && val_len(w) == 1
                           && j < n; j++)
            if (val_equal(given[j], val_list_get(w, 0)))
                return true;
    }
    return false;
}

/* An expected object's key given at the top, the object not given. */
static bool nested(const val_t *params, const val_t *want, const char *k)
{
    (void)k;
    for (size_t i = 0; want && val_type(params) == VAL_MAP
                       && i < val_len(want); i++) {
        const val_t *o = val_map_value(want, i);
        size_t len;
        const char *name = val_get_str(val_map_key(want, i), &len);
        for (size_t j = 0; val_type(o) == VAL_MAP && j < val_len(o); j++) {
            size_t lk;
            const char *key = val_get_str(val_map_key(o, j), &lk);
            if (!val_map_get(params, name, len)
                && val_equal(val_map_get(params, key, lk), val_map_value(o, j)))
                return true;
        }
    }
    return false;
}

/* A container of vocab.h holding an expected key. */
static bool flattened(const val_t *params, const val_t *want, const char *k)
{
    (void)k;
    for (size_t c = 0; want && val_type(params) == VAL_MAP
                       && c < N_VOCAB_CONTAINERS; c++) {
        const val_t *in = val_map_get(params, vocab_containers[c],
                                      strlen(vocab_containers[c]));
        for (size_t j = 0; in && val_type(in) == VAL_MAP && j < val_len(in);
             j++) {
            size_t lk;
            const char *key = val_get_str(val_map_key(in, j), &lk);
            if (val_map_get(want, key, lk))
                return true;
        }
    }
    return false;
}

/* A removed parameter of vocab.h with MEANING or without, given. */
static bool removed(const val_t *params, const val_t *want, int meaning)
{
    for (size_t r = 0; val_type(params) == VAL_MAP && r < N_VOCAB_REMOVED;
         r++)
        if (vocab_removed[r].meaning == meaning
            && val_map_get(params, vocab_removed[r].name,
                           strlen(vocab_removed[r].name))
            && (meaning || !val_map_get(want, vocab_removed[r].name,
                                        strlen(vocab_removed[r].name))))
            return meaning ? !want : want != NULL;
    return false;
}

static bool dropped(const val_t *params, const val_t *want, const char *k)
{
    (void)k;
    return removed(params, want, 0);
}

static bool removed_meaning(const val_t *params, const val_t *want,
                            const char *k)
{
    (void)k;
    return removed(params, want, 1);
}

/* The kinds checked: NAME (a prefix ending in ": " gives its test the
 * vocabulary kind after it, else ARG) and its test. Kinds not listed are
 * the generator's older ones, written by construction. */
static const struct {
    const char *name;
    bool (*shown)(const val_t *params, const val_t *want, const char *kind);
    const char *arg;
} kinds[] = {
    { "renamed: ", renamed, NULL },
    { "enum-value: ", enum_value, NULL },
    { "list-of-one", list_of_one, NULL },
    { "single-for-list", single_for_list, NULL },
    { "nested", nested, NULL },
    { "flattened", flattened, NULL },
    { "dropped", dropped, NULL },
    { "an enum value dropped", enum_value, "value dropped" },
    { "two values for a single one", two_values, NULL },
    { "a removed parameter that carries meaning", removed_meaning, NULL },
};

/* Tools merged behind a discriminator (vocab_merges): the kind K
 * ("merged: ..."), shown when the legacy call names an old tool of that
 * kind, with its parameters by their old names, and the expected call
 * (WANT NULL for a tool that must fail) names its V2 tool, with every
 * parameter that has a V2 name under it; or, for the refusals, the old
 * tool has no value (K: gen.c's bad_names) or the call gives the old
 * parameter the V2 tool has no place for. */
static bool merged_shown(const char *k, const char *old, const val_t *params,
                         const char *new, const val_t *want)
{
    static const char gone[] = "merged: no value for the old tool";
    for (size_t r = 0; old && r < N_VOCAB_MERGES; r++) {
        const struct vocab_merge *row = &vocab_merges[r];
        if (strcmp(row->old, old) != 0)
            continue;
        bool given_all = true, homeless = false;
        for (size_t p = 0; p < MERGE_MAX_PARAMS && row->params[p].old; p++) {
            bool in_old = val_map_get(params, row->params[p].old,
                                      strlen(row->params[p].old)) != NULL;
            if (row->params[p].new)
                given_all = given_all && in_old
                            && (!want || val_map_get(want, row->params[p].new,
                                                     strlen(row->params[p]
                                                            .new)));
            homeless = homeless || (!row->params[p].new && in_old);
        }
        if (strcmp(k, gone) == 0)
            return !want && !row->value;
        if (!want)
            return row->value && homeless;
        return row->value && !homeless && given_all && new
               && strcmp(row->tool, new) == 0
               && strcmp(k + strlen("merged: "),
                         merge_kind_names[row->kind]) == 0;
    }
    return false;
}

/* Whether the kind K of a tool is shown by its PARAMS against WANT. */
static bool kind_shown(const char *k, const val_t *params, const val_t *want)
{
    for (size_t j = 0; j < sizeof kinds / sizeof *kinds; j++) {
        size_t n = strlen(kinds[j].name);
        bool prefix = kinds[j].name[n - 1] == ' ';
        if (prefix ? strncmp(k, kinds[j].name, n) == 0
                   : strcmp(k, kinds[j].name) == 0)
            return kinds[j].shown(params, want, prefix ? k + n : kinds[j].arg);
    }
    return true;
}

const char *recovery_unwritten(const val_t *tools, const val_t *expected,
                               size_t *at)
{
    for (size_t i = 0; i < val_len(expected) && i < val_len(tools); i++) {
        const val_t *x = val_list_get(expected, i);
        const val_t *file = val_map_get(x, "file", 4);
        const val_t *call = file ? val_map_get(file, "call", 4) : NULL;
        const val_t *want = call ? val_map_get(call, "params", 6) : NULL;
        const val_t *params = val_map_get(val_list_get(tools, i), "params", 6);
        const val_t *faults = val_map_get(x, "faults", 6);
        const val_t *why = val_map_get(x, "why", 3);
        const char *old = val_get_str(val_map_get(val_list_get(tools, i),
                                                  "method", 6), NULL);
        const char *new = call ? val_get_str(val_map_get(call, "method", 6),
                                             NULL) : NULL;
        *at = i;
        for (size_t j = 0; want && faults && j < val_len(faults); j++) {
            const char *k = val_get_str(val_list_get(faults, j), NULL);
            if (strncmp(k, "merged: ", 8) == 0
                ? !merged_shown(k, old, params, new, want)
                : !kind_shown(k, params, want))
                return k;
        }
        const char *w = why ? val_get_str(why, NULL) : NULL;
        if (!want && w && (strncmp(w, "merged: ", 8) == 0
                           ? !merged_shown(w, old, params, NULL, NULL)
                           : !kind_shown(w, params, NULL)))
            return w;
    }
    return NULL;
}
