/* value_yaml.c: YAML to values, with libyaml's event parser, so that every
 * node has its place for messages. Scalars resolve by the YAML 1.2 core
 * schema (value_yaml_scalar.c); the core tags are honoured and others refused; anchors and
 * aliases share values, bounded so that a "billion laughs" fails cleanly;
 * '<<' merge keys are applied; duplicate keys are errors with both places.
 * The lenient mode (val_from_yaml_lenient, for the legacy readers only)
 * turns three of those errors into warnings: lenient_tag below, and
 * val_yaml_underscored, duplicate keys in take_key.
 * The writer is value_yaml_emit.c. docs/values.md states every rule. */
#include "interpreter_int.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define CORE_TAG "tag:yaml.org,2002:"

/* ---- the reader's state ------------------------------------------------ */

/* What the reader knows of each entry of a map being built. */
typedef struct ykey {
    src_span_t span;
    bool explicit_key;       /* written in this map, not merged from '<<' */
} ykey_t;

/* One open list or map. */
typedef struct yframe {
    val_t *v;
    bool is_map;
    bool have_key;           /* a key was read; its value comes next */
    bool merge;              /* ... and that key is '<<' */
    bool merged;             /* this map had a '<<' already */
    val_t *key;              /* the pending key, a string */
    src_span_t key_span, merge_span, span;
    size_t size;             /* nodes, with aliases counted expanded */
    size_t anchor;           /* its anchor's index, or VAL_NPOS */
    uint32_t serial;         /* ... and that anchor's definition */
    char *tag;               /* lenient: an unknown tag to wrap it in */
    ykey_t *keys;            /* one per entry of V */
    size_t cap_keys;
} yframe_t;

/* An anchor: names are an index in yread_t.anchor_names. */
typedef struct yanchor {
    val_t *value;            /* NULL while its node is still open */
    size_t size;
    uint32_t serial;
} yanchor_t;

typedef struct yread {
    src_t *src;
    diag_list_t *diags;
    val_loc_t loc;
    yaml_parser_t parser;
    yframe_t *frames;
    size_t n_frames, max_depth;
    val_t *anchor_names;     /* a map: name -> null, for its index */
    val_t *keys;             /* see val_intern */
    yanchor_t *anchors;
    size_t cap_anchors;
    uint32_t serial;
    size_t aliased;          /* val_size reached through aliases so far */
    bool stream;             /* every document, into DOCS */
    bool lenient;            /* val_from_yaml_lenient */
    yaml_places_t *places;   /* val_from_yaml_places: where each node is */
    size_t n_docs;
    val_t *root, *docs;
} yread_t;

static diag_t *yerror(yread_t *r, const src_span_t *span, const char *fmt,
                      ...) __attribute__((format(printf, 3, 4)));

static diag_t *yerror(yread_t *r, const src_span_t *span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_t *d = diag_vadd(r->diags, DIAG_ERROR, r->src, span, fmt, ap);
    va_end(ap);
    return d;
}

static src_span_t event_span(yread_t *r, const yaml_event_t *ev)
{
    return val_loc_span_chars(&r->loc, ev->start_mark.index, ev->end_mark.index);
}

static diag_t *depth_error(yread_t *r, const src_span_t *span)
{
    return yerror(r, span, VAL_TOO_DEEP);
}

/* A failed push or set: out of memory, or (through aliases, which can
 * stack values deeper than the text nests) too deep. */
static mig_status_t add_failed(yread_t *r, mig_status_t st,
                               const src_span_t *span)
{
    if (st == MIG_ENOMEM)
        return st;
    diag_hint(r->diags, depth_error(r, span),
              "an alias brings the nesting of the node it refers to");
    return MIG_EINVALID;
}

/* Whether TAG is one of the core schema's (tag:yaml.org,2002:str, ...). */
static bool is_core_tag(const char *tag)
{
    static const char *const names[] = {
        "str", "int", "float", "bool", "null", "map", "seq", NULL,
    };
    size_t n = strlen(CORE_TAG);
    if (strncmp(tag, CORE_TAG, n) != 0)
        return false;
    for (size_t i = 0; names[i]; i++)
        if (strcmp(tag + n, names[i]) == 0)
            return true;
    return false;
}

/* Appends "!!int" for a core tag, TAG itself otherwise. */
static void put_tag(strbuf_t *b, const char *tag)
{
    size_t n = strlen(CORE_TAG);
    if (strncmp(tag, CORE_TAG, n) == 0) {
        strbuf_puts(b, "!!");
        tag += n;
    }
    val_snippet(b, tag, strlen(tag), 60);
}

static mig_status_t tag_error(yread_t *r, const src_span_t *span,
                              const char *tag, const char *what)
{
    strbuf_t t;
    strbuf_init(&t);
    put_tag(&t, tag);
    const char *name = t.data ? t.data : "";
    if (what) {
        yerror(r, span, "tag %s does not apply to a %s", name, what);
    } else {
        diag_t *d = yerror(r, span, "unsupported tag '%s'", name);
        diag_hint(r->diags, d, "mig reads the YAML core schema tags: !!str "
                  "!!int !!float !!bool !!null !!map !!seq");
    }
    strbuf_free(&t);
    return MIG_EINVALID;
}

/* ---- the lenient mode ------------------------------------------------- */

/* Lenient: V (taken) kept under an unknown TAG as the map {"$tag": TAG
 * written short ("!!python/tuple"), "$value": V}, with a warning. */
static mig_status_t lenient_tag(yread_t *r, const src_span_t *span,
                                const char *tag, val_t **v)
{
    strbuf_t t;
    strbuf_init(&t);
    put_tag(&t, tag);
    val_t *m = val_map_new(2);
    val_t *name = t.oom ? NULL : val_string(t.data ? t.data : "", t.len);
    mig_status_t st = m && name ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(m, "$tag", 4, name);
    else
        val_unref(name);
    if (st == MIG_OK) {
        st = val_map_set_take(m, "$value", 6, *v);
        *v = NULL;
    }
    if (st == MIG_OK)
        diag_add(r->diags, DIAG_WARNING, r->src, span, "unknown tag '%s' kept "
                 "as a tagged value", t.data);
    strbuf_free(&t);
    val_unref(*v);
    *v = st == MIG_OK ? m : NULL;
    if (st != MIG_OK)
        val_unref(m);
    return st;
}

/* ---- scalars ----------------------------------------------------------- */

/* Makes the value of TEXT, known to be of KIND. */
static mig_status_t scalar_value(yread_t *r, const char *text, size_t len,
                                 val_yaml_kind_t kind, const src_span_t *span,
                                 val_t **out)
{
    bool neg = text[0] == '-', exact = true, ok = true;
    size_t sign = neg || text[0] == '+';
    switch (kind) {
    case VAL_Y_NULL:  *out = val_null(); return MIG_OK;
    case VAL_Y_TRUE:  *out = val_bool(true); return MIG_OK;
    case VAL_Y_FALSE: *out = val_bool(false); return MIG_OK;
    case VAL_Y_STR:   *out = val_string(text, len); break;
    case VAL_Y_INT10: ok = val_int_literal(text + sign, len - sign, 10, neg, out, &exact); break;
    case VAL_Y_INT8:  ok = val_int_literal(text + 2, len - 2, 8, false, out, &exact); break;
    case VAL_Y_INT16: ok = val_int_literal(text + 2, len - 2, 16, false, out, &exact); break;
    case VAL_Y_FLOAT: {
        double d = strtod(text, NULL);
        ok = isfinite(d);
        *out = ok ? val_double(d) : NULL;
        break;
    }
    case VAL_Y_NONFINITE:
        yerror(r, span, "'%s' is not a number: NaN and Infinity cannot be "
               "values", text);
        return MIG_EINVALID;
    }
    if (!ok) {
        diag_t *d = yerror(r, span, "number '%.40s' is too large", text);
        diag_hint(r->diags, d, "numbers are doubles: at most about 1.8e308");
        return MIG_EINVALID;
    }
    if (!*out)
        return MIG_ENOMEM;
    if (!exact) {
        char num[VAL_NUM_TEXT];
        val_number_text(*out, num);
        diag_t *d = diag_add(r->diags, DIAG_WARNING, r->src, span,
                             "integer %.40s cannot be held exactly: it is "
                             "read as %s", text, num);
        diag_hint(r->diags, d, "integers are exact up to 2^53 "
                  "(9007199254740992); keep longer ones in strings");
    }
    return MIG_OK;
}

/* Resolves a scalar event: its tag if it has one, else the core schema
 * for plain scalars and a string for quoted and block ones. */
static mig_status_t resolve_scalar(yread_t *r, const yaml_event_t *ev,
                                   const src_span_t *span, val_t **out)
{
    static const struct {
        const char *name, *what;   /* tag suffix; "is not WHAT" */
        val_yaml_kind_t kinds[3];  /* accepted kinds; VAL_Y_STR ends */
    } tags[] = {
        { "null", "null", { VAL_Y_NULL } },
        { "bool", "a bool", { VAL_Y_TRUE, VAL_Y_FALSE } },
        { "int", "an integer", { VAL_Y_INT10, VAL_Y_INT8, VAL_Y_INT16 } },
        { "float", "a float", { VAL_Y_FLOAT, VAL_Y_INT10, VAL_Y_NONFINITE } },
    };
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    if (!val_utf8_valid(text, len)) {
        yerror(r, span, "invalid UTF-8 in a scalar");
        return MIG_EINVALID;
    }
    if (!tag) {
        bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        val_yaml_kind_t k = plain ? val_yaml_plain_kind(text, len) : VAL_Y_STR;
        char *bare = NULL;
        if (k == VAL_Y_STR && plain && r->lenient &&
            (k = val_yaml_underscored(text, len, &bare)) != VAL_Y_STR) {
            mig_status_t st = scalar_value(r, bare, strlen(bare), k, span, out);
            if (st == MIG_OK)
                diag_add(r->diags, DIAG_WARNING, r->src, span, "'%s' read as "
                         "the number %s, as YAML 1.1 reads it", text, bare);
            free(bare);
            return st;
        }
        return scalar_value(r, text, len, k, span, out);
    }
    size_t n = strlen(CORE_TAG);
    if (strcmp(tag, "!") == 0 || strcmp(tag, CORE_TAG "str") == 0)
        return scalar_value(r, text, len, VAL_Y_STR, span, out);
    if (strcmp(tag, CORE_TAG "map") == 0 || strcmp(tag, CORE_TAG "seq") == 0)
        return tag_error(r, span, tag, "scalar");
    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        if (strncmp(tag, CORE_TAG, n) != 0 || strcmp(tag + n, tags[i].name) != 0)
            continue;
        val_yaml_kind_t k = val_yaml_plain_kind(text, len);
        for (size_t j = 0; j < 3 && tags[i].kinds[j] != VAL_Y_STR; j++) {
            if (tags[i].kinds[j] != k)
                continue;
            if (strcmp(tags[i].name, "float") == 0 && k == VAL_Y_INT10)
                k = VAL_Y_FLOAT;   /* !!float 1 is the double 1.0 */
            return scalar_value(r, text, len, k, span, out);
        }
        strbuf_t t;
        strbuf_init(&t);
        val_snippet(&t, text, len, 40);
        yerror(r, span, "'%s' is not %s (tag !!%s)", t.data ? t.data : "",
               tags[i].what, tags[i].name);
        strbuf_free(&t);
        return MIG_EINVALID;
    }
    if (r->lenient && !is_core_tag(tag)) {
        val_yaml_kind_t k = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                                ? val_yaml_plain_kind(text, len) : VAL_Y_STR;
        if (k == VAL_Y_NONFINITE)
            k = VAL_Y_STR;
        mig_status_t st = scalar_value(r, text, len, k, span, out);
        return st == MIG_OK ? lenient_tag(r, span, tag, out) : st;
    }
    return tag_error(r, span, tag, NULL);
}

/* ---- anchors ----------------------------------------------------------- */

/* Defines anchor NAME for VALUE (NULL: a list or map still open). Sets
 * *INDEX and *SERIAL to identify this definition. */
static mig_status_t define_anchor(yread_t *r, const char *name, val_t *value,
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

static void drop_anchors(yread_t *r)
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
    yerror(r, again, "duplicate key %s (first at %u:%u)", q, first->line,
           first->col);
    diag_add(r->diags, DIAG_NOTE, r->src, first, "the first %s is here", q);
    strbuf_free(&k);
    return MIG_EINVALID;
}

/* Takes key TEXT for the map on top. MERGE: it is a plain '<<'. */
static mig_status_t take_key(yread_t *r, yframe_t *f, const char *text,
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
            return add_failed(r, st, span);
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
        diag_t *d = yerror(r, span, "'<<' merges a map or a list of maps, "
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
static mig_status_t place(yread_t *r, val_t *v, size_t size,
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
        return add_failed(r, MIG_EINVALID, span);
    }
    mig_status_t st;
    if (!f->is_map) {
        st = val_list_push_take(f->v, v);
        return st == MIG_OK ? st : add_failed(r, st, span);
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
    return st == MIG_OK ? st : add_failed(r, st, span);
}

/* Whether the next node of the frame on top is a map key. */
static yframe_t *key_frame(yread_t *r)
{
    if (r->n_frames == 0)
        return NULL;
    yframe_t *f = &r->frames[r->n_frames - 1];
    return f->is_map && !f->have_key ? f : NULL;
}

static mig_status_t not_scalar_key(yread_t *r, const src_span_t *span,
                                   const char *what)
{
    diag_t *d = yerror(r, span, "a map key must be a scalar, not a %s", what);
    diag_hint(r->diags, d, "mig maps have string keys");
    return MIG_EINVALID;
}

/* ---- events ------------------------------------------------------------ */

static mig_status_t on_scalar(yread_t *r, const yaml_event_t *ev)
{
    src_span_t span = event_span(r, ev);
    val_t *v;
    mig_status_t st = resolve_scalar(r, ev, &span, &v);
    if (st != MIG_OK)
        return st;
    const char *anchor = (const char *)ev->data.scalar.anchor;
    size_t ai;
    uint32_t serial;
    if (anchor && (st = define_anchor(r, anchor, v, 1, &ai, &serial)) != MIG_OK) {
        val_unref(v);
        return st;
    }
    yframe_t *f = key_frame(r);
    if (!f)
        return place(r, v, 1, &span);
    val_unref(v);
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    bool merge = !ev->data.scalar.tag && len == 2 && memcmp(text, "<<", 2) == 0 &&
                 ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return take_key(r, f, text, len, &span, merge);
}

static mig_status_t on_alias(yread_t *r, const yaml_event_t *ev)
{
    src_span_t span = event_span(r, ev);
    const char *name = (const char *)ev->data.alias.anchor;
    size_t i = val_map_index(r->anchor_names, name, strlen(name));
    if (i == VAL_NPOS) {
        diag_t *d = yerror(r, &span, "alias *%s refers to no anchor", name);
        diag_hint(r->diags, d, "an anchor &%s must come before its aliases",
                  name);
        return MIG_EINVALID;
    }
    yanchor_t *a = &r->anchors[i];
    if (!a->value) {
        diag_t *d = yerror(r, &span, "alias *%s refers to a node that "
                           "contains it", name);
        diag_hint(r->diags, d, "recursive structures cannot be values");
        return MIG_EINVALID;
    }
    r->aliased += val_size(a->value);
    if (r->aliased > VAL_MAX_SIZE) {
        diag_t *d = yerror(r, &span, "aliases in this document stand for "
                           "more than 16 MiB");
        diag_hint(r->diags, d, "each alias counts the size of its anchored "
                  "node (its strings' bytes and 16 for every value); this "
                  "bound stops 'billion laughs' documents");
        return MIG_EINVALID;
    }
    yframe_t *f = key_frame(r);
    if (!f)
        return place(r, val_ref(a->value), a->size, &span);
    val_type_t t = val_type(a->value);
    if (t == VAL_LIST || t == VAL_MAP)
        return not_scalar_key(r, &span, val_type_name(t));
    strbuf_t k;
    strbuf_init(&k);
    if (t == VAL_STRING) {
        size_t len;
        const char *s = val_get_str(a->value, &len);
        strbuf_put(&k, s, len);
    } else {
        val_format(a->value, &k);
    }
    mig_status_t st = k.oom ? MIG_ENOMEM
                            : take_key(r, f, k.data ? k.data : "", k.len, &span, false);
    strbuf_free(&k);
    return st;
}

static mig_status_t on_start(yread_t *r, const yaml_event_t *ev, bool is_map)
{
    src_span_t span = event_span(r, ev);
    const char *tag = (const char *)(is_map ? ev->data.mapping_start.tag
                                            : ev->data.sequence_start.tag);
    const char *anchor = (const char *)(is_map ? ev->data.mapping_start.anchor
                                               : ev->data.sequence_start.anchor);
    const char *kind = is_map ? "map" : "list";
    bool unknown = tag && strcmp(tag, "!") != 0 &&
                   strcmp(tag, is_map ? CORE_TAG "map" : CORE_TAG "seq") != 0;
    if (unknown && (!r->lenient || is_core_tag(tag)))
        return tag_error(r, &span, tag, is_core_tag(tag) ? kind : NULL);
    if (key_frame(r))
        return not_scalar_key(r, &span, kind);
    if (r->n_frames >= r->max_depth) {
        depth_error(r, &span);
        return MIG_EINVALID;
    }
    yframe_t *f = &r->frames[r->n_frames];
    memset(f, 0, sizeof(*f));
    f->is_map = is_map;
    f->span = span;
    f->size = 1;
    f->anchor = VAL_NPOS;
    f->v = is_map ? val_map_new(0) : val_list_new(0);
    if (!f->v)
        return MIG_ENOMEM;
    if (unknown && !(f->tag = strdup(tag))) {
        val_unref(f->v);
        return MIG_ENOMEM;
    }
    r->n_frames++;
    if (anchor)
        return define_anchor(r, anchor, NULL, 0, &f->anchor, &f->serial);
    return MIG_OK;
}

static void frame_free(yframe_t *f)
{
    val_unref(f->v);
    val_unref(f->key);
    free(f->keys);
    free(f->tag);
    f->v = f->key = NULL;
    f->keys = NULL;
    f->tag = NULL;
}

static mig_status_t on_end(yread_t *r)
{
    yframe_t f = r->frames[--r->n_frames];
    mig_status_t st = f.tag ? lenient_tag(r, &f.span, f.tag, &f.v) : MIG_OK;
    /* An anchor redefined inside this node keeps the later definition. */
    if (st == MIG_OK && f.anchor != VAL_NPOS &&
        r->anchors[f.anchor].serial == f.serial) {
        r->anchors[f.anchor].value = val_ref(f.v);
        r->anchors[f.anchor].size = f.size;
    }
    val_t *v = f.v;
    f.v = NULL;
    frame_free(&f);
    return st == MIG_OK ? place(r, v, f.size, &f.span) : st;
}

static mig_status_t on_document(yread_t *r, const yaml_event_t *ev, bool start)
{
    if (start) {
        if (++r->n_docs == 2 && !r->stream) {
            src_span_t span = event_span(r, ev);
            diag_t *d = yerror(r, &span, "expected one YAML document, found "
                               "a second one");
            diag_hint(r->diags, d, "'---' starts a new document");
            return MIG_EINVALID;
        }
        /* Anchors belong to one document. */
        drop_anchors(r);
        r->anchor_names = val_map_new(0);
        return r->anchor_names ? MIG_OK : MIG_ENOMEM;
    }
    if (!r->stream)
        return MIG_OK;
    val_t *doc = r->root ? r->root : val_null();
    r->root = NULL;
    mig_status_t st = val_list_push_take(r->docs, doc);
    if (st == MIG_EINVALID) {
        src_span_t span = event_span(r, ev);
        depth_error(r, &span);
    }
    return st;
}

static mig_status_t on_event(yread_t *r, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:  return on_document(r, ev, true);
    case YAML_DOCUMENT_END_EVENT:    return on_document(r, ev, false);
    case YAML_SCALAR_EVENT:          return on_scalar(r, ev);
    case YAML_ALIAS_EVENT:           return on_alias(r, ev);
    case YAML_SEQUENCE_START_EVENT:  return on_start(r, ev, false);
    case YAML_MAPPING_START_EVENT:   return on_start(r, ev, true);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:     return on_end(r);
    default:                         return MIG_OK;
    }
}

/* ---- libyaml's errors, and the entry points ---------------------------- */

static mig_status_t parser_error(yread_t *r)
{
    const yaml_parser_t *p = &r->parser;
    if (p->error == YAML_MEMORY_ERROR)
        return MIG_ENOMEM;
    const char *problem = p->problem ? p->problem : "malformed YAML";
    if (p->error == YAML_READER_ERROR) {
        /* Reader errors come as byte offsets (ours start after the BOM). */
        size_t at = r->loc.start + p->problem_offset;
        src_span_t span = val_loc_span(&r->loc, at, at + 1);
        if (strstr(problem, "control character"))
            yerror(r, &span, "control character U+%04X is not allowed in YAML",
                   (unsigned)p->problem_value);
        else
            yerror(r, &span, "invalid UTF-8 byte 0x%02x",
                   at < r->loc.len ? (unsigned char)r->loc.text[at] : 0);
        return MIG_EINVALID;
    }
    size_t at = p->problem_mark.index;
    src_span_t span = val_loc_span_chars(&r->loc, at, at + 1);
    diag_t *d;
    if (p->context && p->context_mark.index != at) {
        src_span_t ctx = val_loc_span_chars(&r->loc, p->context_mark.index,
                                            p->context_mark.index);
        span = val_loc_span_chars(&r->loc, at, at + 1);
        d = yerror(r, &span, "%s (%s at %u:%u)", problem, p->context, ctx.line,
                   ctx.col);
    } else {
        d = yerror(r, &span, "%s", problem);
    }
    if (span.begin < r->loc.len && r->loc.text[span.begin] == '\t')
        diag_hint(r->diags, d, "YAML indents with spaces, not tabs");
    return MIG_EINVALID;
}

static mig_status_t not_utf8(yread_t *r)
{
    const unsigned char *t = (const unsigned char *)r->loc.text;
    size_t n = r->loc.len;
    bool utf16 = n >= 2 && ((t[0] == 0xFF && t[1] == 0xFE) ||
                            (t[0] == 0xFE && t[1] == 0xFF));
    if (!utf16)
        return MIG_OK;
    src_span_t span = val_loc_span(&r->loc, 0, 2);
    yerror(r, &span, "YAML text must be UTF-8; this looks like UTF-16");
    return MIG_EINVALID;
}

static mig_status_t yaml_read(src_t *src, diag_list_t *diags, bool stream,
                              bool lenient, yaml_places_t *places, val_t **out)
{
    yread_t r;
    memset(&r, 0, sizeof(r));
    r.places = places;
    r.src = src;
    r.diags = diags;
    r.stream = stream;
    r.lenient = lenient;
    r.max_depth = VAL_MAX_DEPTH;
    val_loc_init(&r.loc, src);
    mig_status_t st = not_utf8(&r);
    if (st != MIG_OK)
        return st;
    r.frames = malloc(VAL_MAX_DEPTH * sizeof(yframe_t));
    r.anchor_names = val_map_new(0);
    r.keys = val_map_new(0);
    r.docs = stream ? val_list_new(0) : NULL;
    if (!r.frames || !r.anchor_names || !r.keys || (stream && !r.docs) ||
        !yaml_parser_initialize(&r.parser)) {
        free(r.frames);
        val_unref(r.anchor_names);
        val_unref(r.keys);
        val_unref(r.docs);
        return val_oom(diags, src);
    }
    yaml_parser_set_encoding(&r.parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&r.parser,
                                 (const unsigned char *)src->text + r.loc.start,
                                 src->len - r.loc.start);
    for (bool done = false; !done && st == MIG_OK;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&r.parser, &ev)) {
            st = parser_error(&r);
            break;
        }
        st = on_event(&r, &ev);
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    while (r.n_frames)
        frame_free(&r.frames[--r.n_frames]);
    free(r.frames);
    drop_anchors(&r);
    free(r.anchors);
    val_unref(r.keys);
    yaml_parser_delete(&r.parser);
    if (st == MIG_OK) {
        *out = stream ? r.docs : r.root ? r.root : val_null();
        return MIG_OK;
    }
    val_unref(r.root);
    val_unref(r.docs);
    return st == MIG_ENOMEM ? val_oom(diags, src) : st;
}

mig_status_t val_from_yaml(src_t *src, diag_list_t *diags, val_t **out)
{
    return yaml_read(src, diags, false, false, NULL, out);
}

mig_status_t val_from_yaml_stream(src_t *src, diag_list_t *diags, val_t **out)
{
    return yaml_read(src, diags, true, false, NULL, out);
}

mig_status_t val_from_yaml_lenient(src_t *src, diag_list_t *diags,
                                   val_t **out)
{
    return yaml_read(src, diags, true, true, NULL, out);
}

mig_status_t val_from_yaml_places(src_t *src, diag_list_t *diags,
                                  val_t **out, yaml_places_t *places)
{
    *places = (yaml_places_t){ 0 };
    mig_status_t st = yaml_read(src, diags, false, false, places, out);
    if (st != MIG_OK)
        yaml_places_free(places);
    return st;
}
