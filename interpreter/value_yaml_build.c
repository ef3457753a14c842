/* value_yaml_build.c: how the YAML reader (value_yaml.c) puts the nodes
 * of its events together: anchors and their definitions, map keys
 * (duplicates are errors with both places, warnings in the lenient
 * mode), '<<' merge keys, and each node's place for
 * val_from_yaml_places. */
#include "value_yaml_int.h"

#include <assert.h>
#include <string.h>

/* ---- anchors ----------------------------------------------------------- */

/* Defines anchor NAME for VALUE (NULL: a list or map still open). Sets
 * *INDEX and *SERIAL to identify this definition. */
mig_status_t yread_define_anchor(yread_t *r, const char *name, val_t *value,
                                 size_t size, size_t *index, uint32_t *serial)
{
    size_t len = strlen(name);
    size_t i = val_map_index(r->anchor_names, name, len);
    if (i == VAL_NPOS) {
        i = val_len(r->anchor_names);
        if (!val_grow((void **)&r->anchors, &r->cap_anchors, i,
                      sizeof(yanchor_t)))
            return MIG_ENOMEM;
        mig_status_t st = val_map_set(r->anchor_names, name, len, val_null());
        if (st != MIG_OK)
            return st;
        r->anchors[i].value = NULL;
    }
    val_unref(r->anchors[i].value);
    r->anchors[i].value = val_ref(value);
    r->anchors[i].size = size;
    r->anchors[i].serial = ++r->serial;
    *index = i;
    *serial = r->serial;
    return MIG_OK;
}

void yread_drop_anchors(yread_t *r)
{
    if (!r->anchor_names)
        return;
    for (size_t i = 0; i < val_len(r->anchor_names); i++)
        val_unref(r->anchors[i].value);
    val_unref(r->anchor_names);
    r->anchor_names = NULL;
}

/* ---- building maps ----------------------------------------------------- */

/* Records entry I of map frame F (a new one when I is the length). */
static bool note_key(yframe_t *f, size_t i, const src_span_t *span,
                     bool explicit_key)
{
    if (!val_grow((void **)&f->keys, &f->cap_keys, i, sizeof(ykey_t)))
        return false;
    f->keys[i].span = *span;
    f->keys[i].explicit_key = explicit_key;
    return true;
}

static mig_status_t duplicate_key(yread_t *r, const char *key, size_t len,
                                  const src_span_t *first,
                                  const src_span_t *again)
{
    strbuf_t k;
    strbuf_init(&k);
    strbuf_putc(&k, '"');
    val_snippet(&k, key, len, 40);
    strbuf_putc(&k, '"');
    const char *q = k.data ? k.data : "";
    yread_error(r, again, "duplicate key %s (first at %u:%u)", q, first->line,
                first->col);
    diag_add(r->diags, DIAG_NOTE, r->src, first, "the first %s is here", q);
    strbuf_free(&k);
    return MIG_EINVALID;
}

/* Takes key TEXT for the map on top. MERGE: it is a plain '<<'. */
mig_status_t yread_take_key(yread_t *r, yframe_t *f, const char *text,
                            size_t len, const src_span_t *span, bool merge)
{
    if (merge) {
        if (f->merged)
            return duplicate_key(r, text, len, &f->merge_span, span);
        f->merged = f->merge = f->have_key = true;
        f->merge_span = *span;
        return MIG_OK;
    }
    size_t i = val_map_index(f->v, text, len);
    if (i != VAL_NPOS && f->keys[i].explicit_key && !r->lenient)
        return duplicate_key(r, text, len, &f->keys[i].span, span);
    if (i != VAL_NPOS && f->keys[i].explicit_key)
        diag_add(r->diags, DIAG_WARNING, r->src, span, "duplicate key \"%.*s\" "
                 "(first at %u:%u): the last value is kept", (int)(len > 40 ? 40 : len),
                 text, f->keys[i].span.line, f->keys[i].span.col);
    f->key = val_intern(r->keys, text, len);
    if (!f->key)
        return MIG_ENOMEM;
    f->key_span = *span;
    f->have_key = true;
    return MIG_OK;
}

/* Merges map M into map frame F: keys F has already stay as they are. */
static mig_status_t merge_map(yread_t *r, yframe_t *f, const val_t *m,
                              const src_span_t *span)
{
    for (size_t i = 0; i < val_len(m); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(m, i), &len);
        if (val_map_index(f->v, k, len) != VAL_NPOS)
            continue;
        if (!note_key(f, val_len(f->v), span, false))
            return MIG_ENOMEM;
        mig_status_t st = val_map_set_key_take(f->v, val_ref(val_map_key(m, i)),
                                               val_ref(val_map_value(m, i)));
        if (st != MIG_OK)
            return yread_add_failed(r, st, span);
    }
    return MIG_OK;
}

/* The value of a '<<' key: a map, or a list of maps merged in order (the
 * earlier wins). */
static mig_status_t merge_value(yread_t *r, yframe_t *f, const val_t *v,
                                const src_span_t *span)
{
    const char *bad = NULL;
    if (val_type(v) == VAL_LIST) {
        for (size_t i = 0; i < val_len(v) && !bad; i++)
            if (val_type(val_list_get(v, i)) != VAL_MAP)
                bad = val_type_name(val_type(val_list_get(v, i)));
    } else if (val_type(v) != VAL_MAP) {
        bad = val_type_name(val_type(v));
    }
    if (bad) {
        diag_t *d = yread_error(r, span, "'<<' merges a map or a list of maps, "
                                "not %s%s", val_type(v) == VAL_LIST ?
                                "a list holding a " : "a ", bad);
        diag_hint(r->diags, d, "write '<<': *anchor, or quote it to use "
                  "'<<' as an ordinary key");
        return MIG_EINVALID;
    }
    if (val_type(v) == VAL_MAP)
        return merge_map(r, f, v, span);
    for (size_t i = 0; i < val_len(v); i++) {
        mig_status_t st = merge_map(r, f, val_list_get(v, i), span);
        if (st != MIG_OK)
            return st;
    }
    return MIG_OK;
}

/* Records in R->places where the node about to be placed at SPAN is: its
 * JSON pointer, made of the pending key (or the next index) of every
 * open frame, and its key's place in a map. */
static mig_status_t note_place(yread_t *r, const src_span_t *span)
{
    strbuf_t path;
    strbuf_init(&path);
    const src_span_t *key = span;
    for (size_t j = 0; j < r->n_frames; j++) {
        const yframe_t *f = &r->frames[j];
        size_t len;
        const char *k = f->is_map && f->key ? val_get_str(f->key, &len) : NULL;
        if (f->is_map && !k)
            return MIG_OK;   /* a '<<' merge: its nodes are placed there */
        if (k)
            val_pointer_key(&path, k, len);
        else
            strbuf_printf(&path, "/%zu", val_len(f->v));
        if (j + 1 == r->n_frames && f->is_map)
            key = &f->key_span;
    }
    mig_status_t st = path.oom ? MIG_ENOMEM
        : yaml_places_add(r->places, path.data ? path.data : "", key, span);
    strbuf_free(&path);
    return st;
}

/* Places the finished node V (taken; SIZE nodes expanded) in the list or
 * map on top, or as the document. */
mig_status_t yread_place(yread_t *r, val_t *v, size_t size,
                         const src_span_t *span)
{
    mig_status_t noted = r->places ? note_place(r, span) : MIG_OK;
    if (noted != MIG_OK) {
        val_unref(v);
        return noted;
    }
    if (r->n_frames == 0) {
        val_unref(r->root);
        r->root = v;
        return MIG_OK;
    }
    yframe_t *f = &r->frames[r->n_frames - 1];
    f->size = f->size + size < f->size ? SIZE_MAX : f->size + size;
    if (r->n_frames + val_depth(v) > r->max_depth) {
        val_unref(v);           /* an alias deeper than the text nests */
        return yread_add_failed(r, MIG_EINVALID, span);
    }
    mig_status_t st;
    if (!f->is_map) {
        st = val_list_push_take(f->v, v);
        return st == MIG_OK ? st : yread_add_failed(r, st, span);
    }
    assert(f->have_key);
    f->have_key = false;
    if (f->merge) {
        f->merge = false;
        st = merge_value(r, f, v, span);
        val_unref(v);
        return st;
    }
    size_t len;
    const char *k = val_get_str(f->key, &len);
    size_t i = val_map_index(f->v, k, len);
    if (!note_key(f, i == VAL_NPOS ? val_len(f->v) : i, &f->key_span, true)) {
        val_unref(v);
        return MIG_ENOMEM;
    }
    st = val_map_set_key_take(f->v, f->key, v);
    f->key = NULL;
    return st == MIG_OK ? st : yread_add_failed(r, st, span);
}

/* Whether the next node of the frame on top is a map key. */
yframe_t *yread_key_frame(yread_t *r)
{
    if (r->n_frames == 0)
        return NULL;
    yframe_t *f = &r->frames[r->n_frames - 1];
    return f->is_map && !f->have_key ? f : NULL;
}

mig_status_t yread_not_scalar_key(yread_t *r, const src_span_t *span,
                                  const char *what)
{
    diag_t *d = yread_error(r, span, "a map key must be a scalar, not a %s", what);
    diag_hint(r->diags, d, "mig maps have string keys");
    return MIG_EINVALID;
}

