/* adapt_coerce.c: the coercion table that adapt.params and
 * adapt.repair_config share (docs/recovery.md, "Coercion"): which value
 * of one type becomes which value of a schema type. One row per pair; a
 * pair without a row is not coerced. Text is read whole, spaces around
 * it aside: "3" is a number, "3 days" is not. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adapt_int.h"

/* What a row's function says: V converts, does not, or memory ran out
 * finding out. */
enum { NO = 0, YES = 1, OOM = -1 };

/* A row's function: whether V converts, and when OUT is not NULL the
 * converted value in *OUT (NULL when memory ran out). */
typedef int (*coerce_fn)(const val_t *v, val_t **out);

/* Sets *OUT (when wanted) to MADE and says yes. */
static int give(val_t **out, val_t *made)
{
    if (out)
        *out = made;
    else
        val_unref(made);
    return YES;
}

/* ---- reading text ------------------------------------------------------- */

/* The text of string V without ASCII spaces at either end: *LEN bytes. */
static const char *trimmed(const val_t *v, size_t *len)
{
    const char *s = val_get_str(v, len);
    while (*len && strchr(" \t\r\n", s[0])) {
        s++;
        (*len)--;
    }
    while (*len && strchr(" \t\r\n", s[*len - 1]))
        (*len)--;
    return s;
}

/* Reads the text of V as a decimal number (an optional sign, digits, an
 * optional fraction of digits, an optional exponent) into *D. False when
 * it is not one, or too large to be finite. */
static bool read_number(const val_t *v, double *d)
{
    size_t len, i = 0;
    const char *s = trimmed(v, &len);
    char buf[72];
    if (len == 0 || len >= sizeof buf)
        return false;
    if (s[i] == '+' || s[i] == '-')
        i++;
    size_t digits = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == digits)
        return false;
    if (i < len && s[i] == '.') {
        size_t frac = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == frac)
            return false;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == exp)
            return false;
    }
    if (i != len)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *d = strtod(buf, NULL);
    return isfinite(*d);
}

/* Whether D is a whole number an integer value holds exactly. */
static bool whole(double d)
{
    return floor(d) == d && fabs(d) <= (double)VAL_INT_LIMIT;
}

/* The duration TEXT (LEN bytes) in milliseconds, read by the plan's own
 * rules (docs/language.md, "Durations"): it is parsed as the default of a
 * one-line plan. Only digits, '.' and the unit letters may appear, so the
 * text cannot be read as anything but a duration or an error. YES, NO or
 * OOM. */
static int read_duration(const char *text, size_t len, int64_t *ms)
{
    static const char head[] = "migration \"coerce\" {\nparam v = ";
    if (len == 0 || len > 64 || !(text[0] >= '0' && text[0] <= '9'))
        return NO;
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789.hms", text[i]) || text[i] == '\0')
            return NO;
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "%s%.*s\n}\n", head, (int)len, text);
    src_t *src = b.oom ? NULL : src_from_memory("coerce", b.data, b.len);
    strbuf_free(&b);
    arena_t *a = src ? arena_new() : NULL;
    diag_list_t scratch;
    diag_list_init(&scratch);
    ast_plan_t *plan = NULL;
    mig_status_t st = a ? grammar_parse(src, a, &scratch, &plan)
                        : MIG_ENOMEM;
    bool oom = st == MIG_ENOMEM || scratch.out_of_memory;
    bool ok = st == MIG_OK && !oom && plan && plan->items.len == 1
        && plan->items.items[0]->kind == AST_PARAM;
    const ast_node_t *d = ok ? plan->items.items[0]->u.binding.value : NULL;
    ok = ok && d && d->kind == AST_DURATION
         && d->span.begin == sizeof head - 1
         && d->span.end == sizeof head - 1 + len;
    if (ok)
        *ms = d->u.duration.ms;
    diag_list_free(&scratch);
    arena_free(a);
    src_free(src);
    return oom ? OOM : ok ? YES : NO;
}

/* ---- the rows ----------------------------------------------------------- */

/* "3", "-2", "1e3", "3.0" -> an integer; "3.5" is not one. */
static int text_to_integer(const val_t *v, val_t **out)
{
    double d;
    if (!read_number(v, &d) || !whole(d))
        return NO;
    return give(out, val_int((int64_t)d));
}

/* "3.5" -> 3.5, "3" -> 3. */
static int text_to_number(const val_t *v, val_t **out)
{
    double d;
    if (!read_number(v, &d))
        return NO;
    return give(out, whole(d) ? val_int((int64_t)d) : val_double(d));
}

/* "true" / "false", in any case. */
static int text_to_boolean(const val_t *v, val_t **out)
{
    size_t len;
    const char *s = trimmed(v, &len);
    if (len == 4 && strncasecmp(s, "true", 4) == 0)
        return give(out, val_bool(true));
    if (len == 5 && strncasecmp(s, "false", 5) == 0)
        return give(out, val_bool(false));
    return NO;
}

/* "30s", "200ms", "1m30s", "1.5s" -> a duration. */
static int text_to_duration(const val_t *v, val_t **out)
{
    size_t len;
    const char *s = trimmed(v, &len);
    int64_t ms;
    int got = read_duration(s, len, &ms);
    if (got != YES)
        return got;
    return give(out, val_duration(ms));
}

/* 3.0 (a whole number held as a double) -> 3. */
static int number_to_integer(const val_t *v, val_t **out)
{
    if (val_is_int(v) || !whole(val_get_number(v)))
        return NO;
    return give(out, val_int((int64_t)val_get_number(v)));
}

/* 0 -> false, 1 -> true; no other number. */
static int number_to_boolean(const val_t *v, val_t **out)
{
    double d = val_get_number(v);
    if (d != 0 && d != 1)
        return NO;
    return give(out, val_bool(d == 1));
}

/* A number, bool or duration -> its canonical text: 3, 2.5, true, 1m30s. */
static int to_text(const val_t *v, val_t **out)
{
    if (!out)
        return YES;
    strbuf_t b;
    strbuf_init(&b);
    val_format(v, &b);
    *out = b.oom ? NULL : val_string(b.data, b.len);
    strbuf_free(&b);
    return YES;
}

/* Any value but a list -> a list of that one value. */
static int to_list(const val_t *v, val_t **out)
{
    if (!out)
        return YES;
    val_t *l = val_list_new(1);
    if (l && val_list_push(l, (val_t *)v) != MIG_OK) {
        val_unref(l);
        l = NULL;
    }
    *out = l;
    return YES;
}

#define ANY_BUT_LIST (-1)

static const struct coercion {
    int from;           /* a val_type_t, or ANY_BUT_LIST */
    const char *to;     /* a schema type name */
    coerce_fn fn;
} coercions[] = {
    { VAL_STRING, "integer", text_to_integer },
    { VAL_STRING, "number", text_to_number },
    { VAL_STRING, "boolean", text_to_boolean },
    { VAL_STRING, "duration", text_to_duration },
    { VAL_NUMBER, "integer", number_to_integer },
    { VAL_NUMBER, "boolean", number_to_boolean },
    { VAL_NUMBER, "string", to_text },
    { VAL_BOOL, "string", to_text },
    { VAL_DURATION, "string", to_text },
    { ANY_BUT_LIST, "array", to_list },
};

/* The row converting V to T, or NULL. */
static const struct coercion *row_for(const val_t *v, const char *t)
{
    for (size_t i = 0; i < sizeof coercions / sizeof *coercions; i++) {
        int from = coercions[i].from;
        bool type_ok = from == ANY_BUT_LIST ? val_type(v) != VAL_LIST
                                            : (int)val_type(v) == from;
        if (type_ok && strcmp(coercions[i].to, t) == 0)
            return &coercions[i];
    }
    return NULL;
}

mig_status_t adapt_coerce(const val_t *v, const char *t, val_t **out)
{
    *out = NULL;
    const struct coercion *row = row_for(v, t);
    int got = row ? row->fn(v, out) : NO;
    return got == OOM || (got == YES && !*out) ? MIG_ENOMEM : MIG_OK;
}

size_t adapt_types(const val_t *schema, const char *types[ADAPT_MAX_TYPES])
{
    const val_t *t = val_type(schema) == VAL_MAP
        ? val_map_get(schema, "type", 4) : NULL;
    if (!t)
        return 0;
    if (val_type(t) == VAL_STRING) {
        types[0] = val_get_str(t, NULL);
        return 1;
    }
    size_t n = 0;
    for (size_t i = 0; val_type(t) == VAL_LIST && i < val_len(t)
                       && n < ADAPT_MAX_TYPES; i++)
        if (val_type(val_list_get(t, i)) == VAL_STRING)
            types[n++] = val_get_str(val_list_get(t, i), NULL);
    return n;
}

/* Whether V is a list of one item or more where the N TYPES (one or
 * more) name no array: a single value given as a list. */
static bool list_for_single(const val_t *v, const char *const *types,
                            size_t n)
{
    if (!n || val_type(v) != VAL_LIST || val_len(v) == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(types[i], "array") == 0)
            return false;
    return true;
}

bool adapt_one_item(const val_t *v, const char *const *types, size_t n)
{
    return list_for_single(v, types, n) && val_len(v) == 1;
}

bool adapt_type_fits(const val_t *v, const val_t *schema)
{
    const char *types[ADAPT_MAX_TYPES];
    size_t n = adapt_types(schema, types);
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (schema_is_type(v, types[i]))
            return true;
    /* Out of memory counts as a fit: coercing it for real then says so. */
    for (size_t i = 0; i < n; i++) {
        const struct coercion *row = row_for(v, types[i]);
        if (row && row->fn(v, NULL) != NO)
            return true;
    }
    return adapt_one_item(v, types, n)
           && adapt_type_fits(val_list_get(v, 0), schema);
}

bool adapt_type_holds(const val_t *v, const val_t *schema)
{
    const char *types[ADAPT_MAX_TYPES];
    size_t n = adapt_types(schema, types);
    /* A text is how legacy tools write numbers and bools: a row from
     * text to the type counts whether or not this text converts (one
     * that does not is that property's value, broken, or another key's;
     * the name alone would tell). */
    for (size_t i = 0; i < n; i++)
        if (schema_is_type(v, types[i])
            || (val_type(v) == VAL_STRING && row_for(v, types[i])))
            return true;
    /* A list where no type is an array is how legacy tools give a single
     * value (a list of one); one of more items is that value, broken, or
     * another key's, the same. */
    if (!list_for_single(v, types, n))
        return false;
    for (size_t i = 0; i < val_len(v); i++)
        if (!adapt_type_holds(val_list_get(v, i), schema))
            return false;
    return true;
}
