/* registry_plan.c: what `mig plan` shows of a change to a registry record
 * (docs/registry.md, "Preview"; docs/plan.md, "A change"): the record's
 * outcome (add, keep, replace, conflict, delete) as a change of the dry
 * run, and for a replace or a conflict the fields that differ, each by
 * its JSON pointer, with the old and the new value, long values cut. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "registry_int.h"
#include "tools_int.h"     /* tools_pointer_key: one way to escape a pointer */

/* Each outcome of a record, and the dry run's word for the change. */
static const struct {
    const char *record, *change;
    bool fields;                /* with the fields that differ */
} outcomes[] = {
    { "add", "create", false },
    { "keep", "keep", false },
    { "replace", "overwrite", true },
    { "conflict", "conflict", true },
    { "delete", "delete", false },
};

/* V as compact JSON, as a new string value: whole up to
 * REGISTRY_DIFF_VALUE_MAX characters, else its first ones and
 * "... (N characters)". NULL when out of memory. */
static val_t *value_text(const val_t *v)
{
    strbuf_t b;
    strbuf_init(&b);
    if (val_to_json(v, &b, 0) != MIG_OK || b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    size_t chars = 0, cut = b.len;
    for (size_t i = 0; i < b.len; i++) {
        if (((unsigned char)b.data[i] & 0xc0) == 0x80)
            continue;           /* inside a character */
        if (chars++ == REGISTRY_DIFF_VALUE_MAX && cut == b.len)
            cut = i;
    }
    val_t *out;
    if (cut == b.len) {
        out = val_string(b.data, b.len);
    } else {
        strbuf_t t;
        strbuf_init(&t);
        strbuf_printf(&t, "%.*s... (%zu characters)", (int)cut, b.data,
                      chars);
        out = t.oom ? NULL : val_string(t.data, t.len);
        strbuf_free(&t);
    }
    strbuf_free(&b);
    return out;
}

/* Appends one field to OUT: {op, pointer, old, new} (OLD or NEW NULL:
 * left out). */
static mig_status_t push_field(val_t *out, const char *op,
                               const strbuf_t *ptr, const val_t *old,
                               const val_t *new)
{
    val_t *f = val_map_new(4);
    mig_status_t st = f ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(f, "op", 2, val_cstring(op));
    if (st == MIG_OK)
        st = val_map_set_take(f, "pointer", 7,
                              val_string(ptr->data ? ptr->data : "",
                                         ptr->len));
    if (st == MIG_OK && old)
        st = val_map_set_take(f, "old", 3, value_text(old));
    if (st == MIG_OK && new)
        st = val_map_set_take(f, "new", 3, value_text(new));
    if (st != MIG_OK) {
        val_unref(f);
        return st;
    }
    return val_list_push_take(out, f);
}

bool registry_bookkeeping(const char *key, size_t len)
{
    static const char *const keys[] = { "digest", "created", "updated" };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strlen(keys[i]) == len && memcmp(keys[i], key, len) == 0)
            return true;
    return false;
}

/* Appends to OUT the fields in which A and B differ at PTR: inside two
 * maps key by key, any other two values as a whole. */
static mig_status_t diff_walk(const val_t *a, const val_t *b, strbuf_t *ptr,
                              val_t *out)
{
    if (val_type(a) != VAL_MAP || val_type(b) != VAL_MAP)
        return val_equal(a, b) ? MIG_OK
                               : push_field(out, "change", ptr, a, b);
    size_t at = ptr->len;
    bool top = at == 0;
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < val_len(a); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(a, i), &len);
        if (top && registry_bookkeeping(k, len))
            continue;
        val_t *other = val_map_get(b, k, len);
        tools_pointer_key(ptr, k, len);
        st = other ? diff_walk(val_map_value(a, i), other, ptr, out)
                   : push_field(out, "remove", ptr, val_map_value(a, i),
                                NULL);
        ptr->len = at;
    }
    for (size_t i = 0; st == MIG_OK && i < val_len(b); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(b, i), &len);
        if ((top && registry_bookkeeping(k, len)) || val_map_get(a, k, len))
            continue;
        tools_pointer_key(ptr, k, len);
        st = push_field(out, "add", ptr, NULL, val_map_value(b, i));
        ptr->len = at;
    }
    return st == MIG_OK && ptr->oom ? MIG_ENOMEM : st;
}

static int cmp_pointer(const void *x, const void *y)
{
    const char *a = stdlib_arg_str(*(val_t *const *)x, "pointer");
    const char *b = stdlib_arg_str(*(val_t *const *)y, "pointer");
    return strcmp(a, b);
}

mig_status_t registry_diff(const val_t *have, const val_t *next,
                           val_t **fields, size_t *more)
{
    val_t *all = val_list_new(8);
    strbuf_t ptr;
    strbuf_init(&ptr);
    mig_status_t st = all ? diff_walk(have, next, &ptr, all) : MIG_ENOMEM;
    strbuf_free(&ptr);
    size_t n = all ? val_len(all) : 0;
    val_t **v = st == MIG_OK ? malloc((n ? n : 1) * sizeof *v) : NULL;
    val_t *l = v ? val_list_new(n) : NULL;
    if (st == MIG_OK && !l)
        st = MIG_ENOMEM;
    if (st == MIG_OK) {
        for (size_t i = 0; i < n; i++)
            v[i] = val_list_get(all, i);
        qsort(v, n, sizeof *v, cmp_pointer);
        for (size_t i = 0; st == MIG_OK && i < n
                           && i < REGISTRY_DIFF_FIELDS_MAX; i++)
            st = val_list_push(l, v[i]);
    }
    free(v);
    val_unref(all);
    if (st != MIG_OK) {
        val_unref(l);
        return st;
    }
    *fields = l;
    *more = n > REGISTRY_DIFF_FIELDS_MAX ? n - REGISTRY_DIFF_FIELDS_MAX : 0;
    return MIG_OK;
}

mig_status_t registry_would(action_ctx_t *c, const char *db, const char *kind,
                            const char *name, const char *record,
                            const val_t *have, const val_t *next,
                            const char *detail)
{
    size_t i = 0;
    while (i < sizeof outcomes / sizeof *outcomes
           && strcmp(outcomes[i].record, record) != 0)
        i++;
    assert(i < sizeof outcomes / sizeof *outcomes);
    strbuf_t id;
    strbuf_init(&id);
    mig_status_t st = registry_make_id(db, kind, name, &id);
    if (st == MIG_OK)
        st = actx_would(c, outcomes[i].change, id.data, "%s%s%s", record,
                        detail ? ", " : "", detail ? detail : "");
    strbuf_free(&id);
    if (st == MIG_OK)
        st = actx_would_set(c, "record", val_cstring(record));
    if (st != MIG_OK || !outcomes[i].fields)
        return st;
    val_t *fields = NULL;
    size_t more = 0;
    st = registry_diff(have, next, &fields, &more);
    if (st == MIG_OK)
        st = actx_would_set(c, "fields", fields);
    if (st == MIG_OK && more)
        st = actx_would_set(c, "fields_more", val_int((int64_t)more));
    return st;
}
