/* value_yaml.c: YAML to values, with libyaml's event parser, so that every
 * node has its place for messages. Scalars resolve by the YAML 1.2 core
 * schema (value_yaml_scalar.c); the core tags are honoured and others refused; anchors and
 * aliases share values, bounded so that a "billion laughs" fails cleanly;
 * '<<' merge keys are applied; duplicate keys are errors with both places.
 * The lenient mode (val_from_yaml_lenient, for the legacy readers only)
 * turns three of those errors into warnings: lenient_tag below, and
 * val_yaml_underscored, duplicate keys in yread_take_key.
 * Here are the events and the entry points; how the nodes are put
 * together (anchors, map keys, merges, places) is value_yaml_build.c.
 * The writer is value_yaml_emit.c. docs/values.md states every rule. */
#include "value_yaml_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CORE_TAG "tag:yaml.org,2002:"

diag_t *yread_error(yread_t *r, const src_span_t *span, const char *fmt, ...)
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
    return yread_error(r, span, VAL_TOO_DEEP);
}

/* A failed push or set: out of memory, or (through aliases, which can
 * stack values deeper than the text nests) too deep. */
mig_status_t yread_add_failed(yread_t *r, mig_status_t st,
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
        yread_error(r, span, "tag %s does not apply to a %s", name, what);
    } else {
        diag_t *d = yread_error(r, span, "unsupported tag '%s'", name);
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
        yread_error(r, span, "'%s' is not a number: NaN and Infinity cannot be "
                    "values", text);
        return MIG_EINVALID;
    }
    if (!ok) {
        diag_t *d = yread_error(r, span, "number '%.40s' is too large", text);
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
        yread_error(r, span, "invalid UTF-8 in a scalar");
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
        yread_error(r, span, "'%s' is not %s (tag !!%s)", t.data ? t.data : "",
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
    if (anchor && (st = yread_define_anchor(r, anchor, v, 1, &ai, &serial)) != MIG_OK) {
        val_unref(v);
        return st;
    }
    yframe_t *f = yread_key_frame(r);
    if (!f)
        return yread_place(r, v, 1, &span);
    val_unref(v);
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    bool merge = !ev->data.scalar.tag && len == 2 && memcmp(text, "<<", 2) == 0 &&
                 ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return yread_take_key(r, f, text, len, &span, merge);
}

static mig_status_t on_alias(yread_t *r, const yaml_event_t *ev)
{
    src_span_t span = event_span(r, ev);
    const char *name = (const char *)ev->data.alias.anchor;
    size_t i = val_map_index(r->anchor_names, name, strlen(name));
    if (i == VAL_NPOS) {
        diag_t *d = yread_error(r, &span, "alias *%s refers to no anchor", name);
        diag_hint(r->diags, d, "an anchor &%s must come before its aliases",
                  name);
        return MIG_EINVALID;
    }
    yanchor_t *a = &r->anchors[i];
    if (!a->value) {
        diag_t *d = yread_error(r, &span, "alias *%s refers to a node that "
                                "contains it", name);
        diag_hint(r->diags, d, "recursive structures cannot be values");
        return MIG_EINVALID;
    }
    r->aliased += val_size(a->value);
    if (r->aliased > VAL_MAX_SIZE) {
        diag_t *d = yread_error(r, &span, "aliases in this document stand for "
                                "more than 16 MiB");
        diag_hint(r->diags, d, "each alias counts the size of its anchored "
                  "node (its strings' bytes and 16 for every value); this "
                  "bound stops 'billion laughs' documents");
        return MIG_EINVALID;
    }
    yframe_t *f = yread_key_frame(r);
    if (!f)
        return yread_place(r, val_ref(a->value), a->size, &span);
    val_type_t t = val_type(a->value);
    if (t == VAL_LIST || t == VAL_MAP)
        return yread_not_scalar_key(r, &span, val_type_name(t));
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
                            : yread_take_key(r, f, k.data ? k.data : "", k.len, &span, false);
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
    if (yread_key_frame(r))
        return yread_not_scalar_key(r, &span, kind);
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
        return yread_define_anchor(r, anchor, NULL, 0, &f->anchor, &f->serial);
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
    return st == MIG_OK ? yread_place(r, v, f.size, &f.span) : st;
}

static mig_status_t on_document(yread_t *r, const yaml_event_t *ev, bool start)
{
    if (start) {
        if (++r->n_docs == 2 && !r->stream) {
            src_span_t span = event_span(r, ev);
            diag_t *d = yread_error(r, &span, "expected one YAML document, found "
                                    "a second one");
            diag_hint(r->diags, d, "'---' starts a new document");
            return MIG_EINVALID;
        }
        /* Anchors belong to one document. */
        yread_drop_anchors(r);
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
            yread_error(r, &span, "control character U+%04X is not allowed in YAML",
                        (unsigned)p->problem_value);
        else
            yread_error(r, &span, "invalid UTF-8 byte 0x%02x",
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
        d = yread_error(r, &span, "%s (%s at %u:%u)", problem, p->context, ctx.line,
                        ctx.col);
    } else {
        d = yread_error(r, &span, "%s", problem);
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
    yread_error(r, &span, "YAML text must be UTF-8; this looks like UTF-16");
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
    yread_drop_anchors(&r);
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
