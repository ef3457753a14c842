/* value_order.c: equality and the total order of values (interpreter.h,
 * val_equal and val_compare; docs/values.md, "Equality and order"). */
#include "interpreter_int.h"

#include <stdlib.h>
#include <string.h>

/* A map's entries are compared by selection up to this many (no memory
 * needed), sorted beyond. */
#define ORDER_LINEAR_MAX 8

/* Position of each type in val_compare's order across types. */
static const uint8_t type_rank[] = {
    [VAL_NULL] = 0, [VAL_BOOL] = 1, [VAL_NUMBER] = 2, [VAL_DURATION] = 3,
    [VAL_STRING] = 4, [VAL_LIST] = 5, [VAL_MAP] = 6, [VAL_SECRET] = 7,
};


/* ---- equality and order ------------------------------------------------ */

static int num_compare(const val_t *a, const val_t *b)
{
    if ((a->flags & b->flags) & VAL_F_INT) {
        int64_t x = ((const val_num_t *)a)->u.i, y = ((const val_num_t *)b)->u.i;
        return (x > y) - (x < y);
    }
    /* Integers are within 2^53, so they convert to doubles exactly. */
    double x = val_get_number(a), y = val_get_number(b);
    return (x > y) - (x < y);
}

static int str_compare(const val_t *a, const val_t *b)
{
    const val_str_t *x = (const val_str_t *)a, *y = (const val_str_t *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(x->data, y->data, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return (x->len > y->len) - (x->len < y->len);
}

bool val_equal(const val_t *a, const val_t *b)
{
    if (a == b)
        return true;
    if (a->type != b->type)
        return false;
    switch ((val_type_t)a->type) {
    case VAL_NULL:
        return true;
    case VAL_BOOL:
        return val_get_bool(a) == val_get_bool(b);
    case VAL_NUMBER:
        return num_compare(a, b) == 0;
    case VAL_DURATION:
        return val_get_ms(a) == val_get_ms(b);
    case VAL_STRING:
        return str_compare(a, b) == 0;
    case VAL_SECRET:    /* by where they come from, never by their bytes */
        return val_equal(val_secret_recipe(a), val_secret_recipe(b));
    case VAL_LIST: {
        const val_list_t *x = (const val_list_t *)a, *y = (const val_list_t *)b;
        if (x->len != y->len)
            return false;
        for (size_t i = 0; i < x->len; i++)
            if (!val_equal(x->items[i], y->items[i]))
                return false;
        return true;
    }
    case VAL_MAP: {
        const val_map_t *x = (const val_map_t *)a, *y = (const val_map_t *)b;
        if (x->len != y->len)
            return false;
        for (size_t i = 0; i < x->len; i++) {
            const val_str_t *k = (const val_str_t *)x->entries[i].key;
            const val_t *w = val_map_get(b, k->data, k->len);
            if (!w || !val_equal(x->entries[i].value, w))
                return false;
        }
        return true;
    }
    }
    return false;
}

static int key_ptr_compare(const void *a, const void *b)
{
    return str_compare(*(const val_t *const *)a, *(const val_t *const *)b);
}

/* The smallest key of M greater than AFTER (NULL: the smallest of all). */
static const val_t *next_key(const val_map_t *m, const val_t *after)
{
    const val_t *best = NULL;
    for (size_t i = 0; i < m->len; i++) {
        const val_t *k = m->entries[i].key;
        if (after && str_compare(k, after) <= 0)
            continue;
        if (!best || str_compare(k, best) < 0)
            best = k;
    }
    return best;
}

static int entry_compare(const val_t *a, const val_t *b, const val_t *ka,
                         const val_t *kb)
{
    int c = str_compare(ka, kb);
    if (c)
        return c;
    const val_str_t *sa = (const val_str_t *)ka, *sb = (const val_str_t *)kb;
    return val_compare(val_map_get(a, sa->data, sa->len),
                       val_map_get(b, sb->data, sb->len));
}

/* Maps of equal size compare entry by entry in key order. Sorting needs
 * memory; without it (small maps, or when malloc fails) the keys are
 * walked in order by selection, which needs none. */
static int map_compare(const val_t *a, const val_t *b)
{
    const val_map_t *x = (const val_map_t *)a, *y = (const val_map_t *)b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    size_t n = x->len;
    const val_t **keys = NULL;
    if (n > ORDER_LINEAR_MAX && n < SIZE_MAX / (2 * sizeof(val_t *)))
        keys = malloc(2 * n * sizeof(val_t *));
    int c = 0;
    if (keys) {
        for (size_t i = 0; i < n; i++) {
            keys[i] = x->entries[i].key;
            keys[n + i] = y->entries[i].key;
        }
        qsort(keys, n, sizeof(val_t *), key_ptr_compare);
        qsort(keys + n, n, sizeof(val_t *), key_ptr_compare);
        for (size_t i = 0; i < n && !c; i++)
            c = entry_compare(a, b, keys[i], keys[n + i]);
        free(keys);
        return c;
    }
    const val_t *ka = NULL, *kb = NULL;
    for (size_t i = 0; i < n && !c; i++) {
        ka = next_key(x, ka);
        kb = next_key(y, kb);
        c = entry_compare(a, b, ka, kb);
    }
    return c;
}

int val_compare(const val_t *a, const val_t *b)
{
    if (a == b)
        return 0;
    if (a->type != b->type)
        return type_rank[a->type] < type_rank[b->type] ? -1 : 1;
    switch ((val_type_t)a->type) {
    case VAL_NULL:
        return 0;
    case VAL_BOOL:
        return (int)val_get_bool(a) - (int)val_get_bool(b);
    case VAL_NUMBER:
        return num_compare(a, b);
    case VAL_DURATION: {
        int64_t x = val_get_ms(a), y = val_get_ms(b);
        return (x > y) - (x < y);
    }
    case VAL_STRING:
        return str_compare(a, b);
    case VAL_SECRET:
        return val_compare(val_secret_recipe(a), val_secret_recipe(b));
    case VAL_LIST: {
        const val_list_t *x = (const val_list_t *)a, *y = (const val_list_t *)b;
        for (size_t i = 0; i < x->len && i < y->len; i++) {
            int c = val_compare(x->items[i], y->items[i]);
            if (c)
                return c;
        }
        return (x->len > y->len) - (x->len < y->len);
    }
    case VAL_MAP:
        return map_compare(a, b);
    }
    return 0;
}
