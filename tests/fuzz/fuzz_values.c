/* fuzz_values.c: the JSON and YAML readers' fuzz harness. Every input is
 * read as JSON and as YAML; what reads cleanly must write back and read
 * again to an equal value, and a failed read must say why, inside the
 * input; what val_from_json's quick way reads (plain JSON) must be what
 * its full reader gives. Built like fuzz_parse.c (libFuzzer, or driver.c
 * over a corpus). */
#include <stdlib.h>
#include <string.h>

#include "interpreter_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef mig_status_t (*reader_t)(src_t *, diag_list_t *, val_t **);
typedef mig_status_t (*writer_t)(const val_t *, strbuf_t *);

static mig_status_t write_json(const val_t *v, strbuf_t *b)
{
    return val_to_json(v, b, 0);
}

static mig_status_t write_yaml(const val_t *v, strbuf_t *b)
{
    return val_to_yaml(v, b);
}

static void check_spans(const diag_list_t *d, size_t len)
{
    for (size_t i = 0; i < d->len; i++)
        if (d->items[i].has_span && d->items[i].span.end > len)
            abort();
}

static void one(const uint8_t *data, size_t size, reader_t read,
                writer_t write)
{
    src_t *src = src_from_memory("fuzz", (const char *)data, size);
    if (!src)
        return;
    diag_list_t diags;
    diag_list_init(&diags);
    val_t *v = NULL;
    mig_status_t st = read(src, &diags, &v);
    check_spans(&diags, size);
    if (st == MIG_EINVALID && diags.errors == 0)
        abort();
    if (st == MIG_OK) {
        strbuf_t b;
        strbuf_init(&b);
        if (write(v, &b) == MIG_OK && !b.oom) {
            src_t *again = src_from_memory("again", b.data ? b.data : "", b.len);
            diag_list_t d2;
            diag_list_init(&d2);
            val_t *back = NULL;
            /* Map keys holding NUL cannot be read back from JSON (a
             * documented limit); anything else must round-trip. */
            if (again && read(again, &d2, &back) == MIG_OK && !val_equal(v, back))
                abort();
            val_unref(back);
            diag_list_free(&d2);
            src_free(again);
        }
        strbuf_free(&b);
        val_unref(v);
    }
    diag_list_free(&diags);
    src_free(src);
}

/* When the quick way reads the input, the full reader reads it too, to
 * a value written the same (integers as integers, keys in order). */
static void plain_agrees(const uint8_t *data, size_t size)
{
    val_t *quick = NULL;
    if (!val_json_plain((const char *)data, size, &quick))
        return;
    src_t *src = src_from_memory("fuzz", (const char *)data, size);
    diag_list_t d;
    diag_list_init(&d);
    val_t *v = NULL;
    strbuf_t a, b;
    strbuf_init(&a);
    strbuf_init(&b);
    if (src && val_json_read_full(src, &d, &v) != MIG_OK)
        abort();
    if (v && val_to_json(quick, &a, 0) == MIG_OK
        && val_to_json(v, &b, 0) == MIG_OK
        && (a.len != b.len || memcmp(a.data, b.data, a.len) != 0))
        abort();
    strbuf_free(&a);
    strbuf_free(&b);
    val_unref(v);
    val_unref(quick);
    diag_list_free(&d);
    src_free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    plain_agrees(data, size);
    one(data, size, val_from_json, write_json);
    one(data, size, val_from_yaml, write_yaml);
    return 0;
}
