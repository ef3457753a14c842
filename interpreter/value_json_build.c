/* value_json_build.c: how the JSON reader (value_json.c) makes jansson's
 * tree into values: iteratively, with a stack of open lists and maps, and
 * each number an integer or a double as its text was written (jansson
 * reads them all as doubles, JSON_DECODE_INT_AS_REAL). */
#include "value_json_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- building values --------------------------------------------------- */

/* The next number token: jansson's tree and the text list numbers in the
 * same (document) order. */
static jtok_t next_number(jread_t *r)
{
    jtok_t t;
    do
        t = jscan_next(&r->numbers);
    while (t.kind != JT_NUMBER && t.kind != JT_EOF);
    return t;
}

/* A number jansson read as a double: an integer when its text is one. */
static mig_status_t read_number(jread_t *r, const json_t *j, val_t **out)
{
    jtok_t t = next_number(r);
    const char *s = r->s + t.begin;
    size_t n = t.end - t.begin;
    bool is_int = t.kind == JT_NUMBER && !memchr(s, '.', n) &&
                  !memchr(s, 'e', n) && !memchr(s, 'E', n);
    if (json_is_integer(j)) {
        *out = val_int(json_integer_value(j));
    } else if (!is_int) {
        *out = val_double(json_real_value(j));
    } else {
        bool neg = s[0] == '-', exact;
        val_int_literal(s + neg, n - neg, 10, neg, out, &exact);
        if (*out && !exact) {
            char num[VAL_NUM_TEXT];
            val_number_text(*out, num);
            strbuf_t lit;
            strbuf_init(&lit);
            val_snippet(&lit, s, n, 40);
            src_span_t span = val_loc_span(&r->loc, t.begin, t.end);
            diag_t *d = diag_add(r->diags, DIAG_WARNING, r->src, &span,
                                 "integer %s cannot be held exactly: it is "
                                 "read as %s", lit.data ? lit.data : "", num);
            diag_hint(r->diags, d, "integers are exact up to 2^53 "
                      "(9007199254740992); keep longer ones in strings");
            strbuf_free(&lit);
        }
    }
    return *out ? MIG_OK : MIG_ENOMEM;
}

static mig_status_t read_scalar(jread_t *r, const json_t *j, val_t **out)
{
    switch (json_typeof(j)) {
    case JSON_STRING:
        *out = val_string(json_string_value(j), json_string_length(j));
        return *out ? MIG_OK : MIG_ENOMEM;
    case JSON_INTEGER:
    case JSON_REAL:
        return read_number(r, j, out);
    case JSON_TRUE:
        *out = val_bool(true);
        return MIG_OK;
    case JSON_FALSE:
        *out = val_bool(false);
        return MIG_OK;
    default:
        *out = val_null();
        return MIG_OK;
    }
}

/* One open list or map while the tree is walked. */
typedef struct jframe {
    json_t *j;
    val_t *v;
    size_t i;                /* next array item */
    void *iter;              /* next object member */
    const char *key;         /* the member being read */
    size_t key_len;
} jframe_t;

/* Starts list or map J as a new frame on top of FRAMES. */
static mig_status_t open_frame(jframe_t *f, json_t *j)
{
    memset(f, 0, sizeof(*f));
    f->j = j;
    if (json_is_array(j)) {
        f->v = val_list_new(json_array_size(j));
    } else {
        f->v = val_map_new(json_object_size(j));
        f->iter = json_object_iter(j);
    }
    return f->v ? MIG_OK : MIG_ENOMEM;
}

static mig_status_t attach(jread_t *r, jframe_t *parent, val_t *child)
{
    if (json_is_array(parent->j))
        return val_list_push_take(parent->v, child);
    val_t *key = val_intern(r->keys, parent->key, parent->key_len);
    if (!key) {
        val_unref(child);
        return MIG_ENOMEM;
    }
    return val_map_set_key_take(parent->v, key, child);
}

/* Frames of a tree this deep live on the stack; a deeper one moves them
 * to the heap, grown as it deepens. (One heap block for every depth up
 * to VAL_MAX_DEPTH, 48 KB, cost more than the rest of reading a small
 * document: glibc tidies its free lists before every block that
 * large.) */
#define JSON_STACK_FRAMES 32

/* Makes room for frame N (N < VAL_MAX_DEPTH + 1) in *FRAMES, which holds
 * *CAP (STACK, of JSON_STACK_FRAMES, until it moves to the heap). */
static mig_status_t frame_room(jframe_t **frames, size_t *cap, size_t n,
                               jframe_t *stack)
{
    if (n < *cap)
        return MIG_OK;
    size_t want = *cap * 4 < VAL_MAX_DEPTH + 1 ? *cap * 4 : VAL_MAX_DEPTH + 1;
    jframe_t *f = realloc(*frames == stack ? NULL : *frames,
                          want * sizeof(jframe_t));
    if (!f)
        return MIG_ENOMEM;
    if (*frames == stack)
        memcpy(f, stack, *cap * sizeof(jframe_t));
    *frames = f;
    *cap = want;
    return MIG_OK;
}

/* Converts jansson's tree ROOT, iteratively (it is at most VAL_MAX_DEPTH
 * deep). */
mig_status_t jread_build(jread_t *r, json_t *root, val_t **out)
{
    if (!json_is_array(root) && !json_is_object(root))
        return read_scalar(r, root, out);
    jframe_t stack[JSON_STACK_FRAMES], *frames = stack;
    size_t cap = JSON_STACK_FRAMES;
    size_t n = 1;
    mig_status_t st = open_frame(&frames[0], root);
    while (st == MIG_OK) {
        jframe_t *f = &frames[n - 1];
        json_t *child = NULL;
        if (json_is_array(f->j) && f->i < json_array_size(f->j)) {
            child = json_array_get(f->j, f->i++);
        } else if (json_is_object(f->j) && f->iter) {
            f->key = json_object_iter_key(f->iter);
            f->key_len = json_object_iter_key_len(f->iter);
            child = json_object_iter_value(f->iter);
            f->iter = json_object_iter_next(f->j, f->iter);
        }
        val_t *done = NULL;
        if (!child) {
            /* Converted: give jansson's part back now, which keeps the peak
             * lower and lets malloc reuse the memory at once. */
            if (json_is_array(f->j))
                json_array_clear(f->j);
            else
                json_object_clear(f->j);
            done = f->v;
            f->v = NULL;
            if (--n == 0) {
                *out = done;
                break;
            }
        } else if (json_is_array(child) || json_is_object(child)) {
            if (n > VAL_MAX_DEPTH) {
                st = MIG_EINVALID;   /* the depth scan makes this impossible */
                break;
            }
            st = frame_room(&frames, &cap, n, stack);
            if (st == MIG_OK)
                st = open_frame(&frames[n++], child);
            continue;
        } else {
            st = read_scalar(r, child, &done);
            if (st != MIG_OK)
                break;
        }
        st = attach(r, &frames[n - 1], done);
    }
    for (size_t i = 0; i < n && st != MIG_OK; i++)
        val_unref(frames[i].v);
    if (frames != stack)
        free(frames);
    return st;
}
