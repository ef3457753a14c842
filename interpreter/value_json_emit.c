/* value_json_emit.c: values to JSON, written directly: keys in insertion
 * order (or in byte order), doubles as the shortest text that reads back
 * to them (1.0, 0.1, 1e+300), durations as strings in their canonical
 * text ("1m30s"), secrets as "***" (or their recipe, for the store),
 * compact or pretty (two spaces), optionally ASCII only. */
#include <stdlib.h>
#include <string.h>

#include "interpreter_int.h"

/* A map's key and its place, for VAL_JSON_SORTED. */
typedef struct key_at {
    const char *key;
    size_t len, at;
} key_at_t;

/* Keys in byte order; a key that is the start of another goes first. */
static int cmp_keys(const void *a, const void *b)
{
    const key_at_t *x = a, *y = b;
    int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Map entries up to this many are sorted on the stack; more in memory
 * from malloc. */
#define SORT_ON_STACK 16

static void newline(strbuf_t *b, unsigned flags, unsigned depth)
{
    if (!(flags & VAL_JSON_PRETTY))
        return;
    strbuf_putc(b, '\n');
    for (unsigned i = 0; i < depth; i++)
        strbuf_puts(b, "  ");
}

/* Recursion is bounded by VAL_MAX_DEPTH. */
static void write_json(const val_t *v, strbuf_t *b, unsigned flags,
                       unsigned depth)
{
    char num[VAL_NUM_TEXT];
    bool ascii = flags & VAL_JSON_ASCII;
    switch (val_type(v)) {
    case VAL_NULL:
        strbuf_puts(b, "null");
        return;
    case VAL_BOOL:
        strbuf_puts(b, val_get_bool(v) ? "true" : "false");
        return;
    case VAL_NUMBER:
        strbuf_put(b, num, val_number_text(v, num));
        return;
    case VAL_DURATION:
        strbuf_putc(b, '"');
        strbuf_put_duration(b, val_get_ms(v));
        strbuf_putc(b, '"');
        return;
    case VAL_STRING: {
        size_t len;
        const char *s = val_get_str(v, &len);
        val_json_quote(b, s, len, ascii);
        return;
    }
    case VAL_SECRET:
        if (!(flags & VAL_JSON_SEALED)) {
            strbuf_puts(b, "\"" SECRET_MASK "\"");
            return;
        }
        strbuf_puts(b, "{\"$secret\":");
        write_json(val_secret_recipe(v), b,
                   flags & ~(VAL_JSON_PRETTY | VAL_JSON_SORTED), depth);
        strbuf_putc(b, '}');
        return;
    case VAL_LIST:
    case VAL_MAP:
        break;
    }
    bool is_map = val_type(v) == VAL_MAP;
    size_t n = val_len(v);
    /* The order of a map's entries: as inserted, or sorted by key. */
    key_at_t on_stack[SORT_ON_STACK], *order = NULL;
    if (is_map && n > 1 && (flags & VAL_JSON_SORTED)) {
        order = n <= SORT_ON_STACK ? on_stack : malloc(n * sizeof *order);
        if (!order) {
            b->oom = true;
            return;
        }
        for (size_t i = 0; i < n; i++) {
            order[i].key = val_get_str(val_map_key(v, i), &order[i].len);
            order[i].at = i;
        }
        qsort(order, n, sizeof *order, cmp_keys);
    }
    strbuf_putc(b, is_map ? '{' : '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_putc(b, ',');
        newline(b, flags, depth + 1);
        if (is_map) {
            size_t at = order ? order[i].at : i, len;
            const char *k = val_get_str(val_map_key(v, at), &len);
            val_json_quote(b, k, len, ascii);
            strbuf_puts(b, flags & VAL_JSON_PRETTY ? ": " : ":");
            write_json(val_map_value(v, at), b, flags, depth + 1);
        } else {
            write_json(val_list_get(v, i), b, flags, depth + 1);
        }
    }
    if (order != on_stack)
        free(order);
    if (n)
        newline(b, flags, depth);
    strbuf_putc(b, is_map ? '}' : ']');
}

mig_status_t val_to_json(const val_t *v, strbuf_t *out, unsigned flags)
{
    write_json(v, out, flags, 0);
    return out->oom ? MIG_ENOMEM : MIG_OK;
}
