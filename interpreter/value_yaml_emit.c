/* value_yaml_emit.c: values to YAML, through libyaml's emitter. Block
 * style, insertion order, shared values written out in full (no anchors),
 * and every string that a YAML 1.2 or 1.1 reader could take for something
 * else quoted, so that the text reads back to the same value anywhere. */
#include "interpreter_int.h"

#include <limits.h>
#include <string.h>
#include <yaml.h>

/* Plain scalars that YAML 1.1 readers (PyYAML, older libraries) resolve to
 * something other than a string, though the 1.2 core schema does not:
 * yes/no/on/off and their kin, and number-like text (0777, 1_000, 1:20,
 * 0b101, 1.2.3). Quoting them costs nothing and keeps them strings. */
static bool yaml11_special(const char *s, size_t n)
{
    static const char *const words[] = {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "on", "On", "ON", "off", "Off", "OFF", "<<", "=",
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return true;
    if (n == 0 || !strchr("-+.0123456789", s[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!s[i] || !strchr("0123456789abcdefABCDEFxXoObB_.:+-", s[i]))
            return false;
    return true;
}

static bool needs_quotes(const char *s, size_t n)
{
    return val_yaml_plain_kind(s, n) != VAL_Y_STR || yaml11_special(s, n);
}

typedef struct yemit {
    yaml_emitter_t e;
    bool failed;
    bool too_long;           /* a string libyaml cannot take (> INT_MAX) */
} yemit_t;

/* Emits EV (initialised by the caller when OK is true). */
static void emit(yemit_t *y, bool ok, yaml_event_t *ev)
{
    if (y->failed)
        return;
    if (!ok || !yaml_emitter_emit(&y->e, ev))
        y->failed = true;
}

static void emit_scalar(yemit_t *y, const char *s, size_t n,
                        yaml_scalar_style_t style)
{
    if (n > INT_MAX) {
        y->failed = y->too_long = true;
        return;
    }
    yaml_event_t ev;
    bool ok = yaml_scalar_event_initialize(&ev, NULL, NULL,
                                           (yaml_char_t *)(uintptr_t)s,
                                           (int)n, 1, 1, style) != 0;
    emit(y, ok, &ev);
}

static void emit_string(yemit_t *y, const char *s, size_t n, bool key)
{
    yaml_scalar_style_t style = YAML_PLAIN_SCALAR_STYLE;
    if (needs_quotes(s, n))
        style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
    else if (!key && memchr(s, '\n', n))
        style = YAML_LITERAL_SCALAR_STYLE;
    /* libyaml moves to a stronger style when the one asked for cannot
     * hold S (special characters, leading spaces, ...). */
    emit_scalar(y, s, n, style);
}

/* Recursion is bounded by VAL_MAX_DEPTH. */
static void emit_value(yemit_t *y, const val_t *v)
{
    char num[VAL_NUM_TEXT];
    yaml_event_t ev;
    switch (val_type(v)) {
    case VAL_NULL:
        emit_scalar(y, "null", 4, YAML_PLAIN_SCALAR_STYLE);
        break;
    case VAL_BOOL:
        if (val_get_bool(v))
            emit_scalar(y, "true", 4, YAML_PLAIN_SCALAR_STYLE);
        else
            emit_scalar(y, "false", 5, YAML_PLAIN_SCALAR_STYLE);
        break;
    case VAL_NUMBER:
        emit_scalar(y, num, val_number_text(v, num), YAML_PLAIN_SCALAR_STYLE);
        break;
    case VAL_DURATION: {
        strbuf_t b;
        strbuf_init(&b);
        strbuf_put_duration(&b, val_get_ms(v));
        if (b.oom)
            y->failed = true;
        else
            emit_string(y, b.data, b.len, false);
        strbuf_free(&b);
        break;
    }
    case VAL_STRING: {
        size_t len;
        const char *s = val_get_str(v, &len);
        emit_string(y, s, len, false);
        break;
    }
    case VAL_SECRET:
        emit_string(y, SECRET_MASK, strlen(SECRET_MASK), false);
        break;
    case VAL_LIST:
        emit(y, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                 YAML_BLOCK_SEQUENCE_STYLE) != 0, &ev);
        for (size_t i = 0; i < val_len(v) && !y->failed; i++)
            emit_value(y, val_list_get(v, i));
        emit(y, yaml_sequence_end_event_initialize(&ev) != 0, &ev);
        break;
    case VAL_MAP:
        emit(y, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                 YAML_BLOCK_MAPPING_STYLE) != 0, &ev);
        for (size_t i = 0; i < val_len(v) && !y->failed; i++) {
            size_t len;
            const char *k = val_get_str(val_map_key(v, i), &len);
            emit_string(y, k, len, true);
            emit_value(y, val_map_value(v, i));
        }
        emit(y, yaml_mapping_end_event_initialize(&ev) != 0, &ev);
        break;
    }
}

static int write_out(void *data, unsigned char *buffer, size_t size)
{
    strbuf_t *b = data;
    strbuf_put(b, (const char *)buffer, size);
    return !b->oom;
}

mig_status_t val_to_yaml(const val_t *v, strbuf_t *out)
{
    yemit_t y = { .failed = false };
    if (!yaml_emitter_initialize(&y.e))
        return MIG_ENOMEM;
    yaml_emitter_set_output(&y.e, write_out, out);
    yaml_emitter_set_unicode(&y.e, 1);
    yaml_emitter_set_indent(&y.e, 2);
    yaml_emitter_set_width(&y.e, -1);
    yaml_event_t ev;
    emit(&y, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) != 0, &ev);
    emit(&y, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) != 0, &ev);
    emit_value(&y, v);
    emit(&y, yaml_document_end_event_initialize(&ev, 1) != 0, &ev);
    emit(&y, yaml_stream_end_event_initialize(&ev) != 0, &ev);
    if (!y.failed && !yaml_emitter_flush(&y.e))
        y.failed = true;
    yaml_emitter_delete(&y.e);
    if (y.too_long)
        return MIG_EINVALID;
    return y.failed || out->oom ? MIG_ENOMEM : MIG_OK;
}
