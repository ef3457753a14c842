/* fuzz_tools.c: the legacy readers' fuzz harness. Every input is written
 * to a file and read by tools.read (loading, detection, the surest
 * reader), then again cut short at a quarter, a half, three quarters and
 * one byte before its end, behind a UTF-8 byte-order mark, and with LF
 * turned into CRLF. Whatever the bytes, the step must not fail, and its
 * result must keep the contract of docs/legacy-formats.md: a file no
 * reader takes has no records and an error problem; every problem has a
 * severity and a message; every record has its provenance. Built like
 * fuzz_parse.c (libFuzzer, or driver.c over a corpus). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mig_stdlib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static action_registry_t *reg;
static action_ctx_t *ctx;
static char path[64];

static void setup(void)
{
    if (reg)
        return;
    reg = action_registry_new();
    ctx = actx_new(ACTX_RUN, "/");
    snprintf(path, sizeof path, "/tmp/mig-fuzz-tools-%d.json", (int)getpid());
    if (!reg || !ctx || stdlib_register(reg) != MIG_OK)
        abort();
}

static const char *str_of(const val_t *m, const char *key)
{
    val_t *v = m && val_type(m) == VAL_MAP ? val_map_get(m, key, strlen(key)) : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

static val_t *list_of(const val_t *m, const char *key)
{
    val_t *v = val_map_get(m, key, strlen(key));
    if (!v || val_type(v) != VAL_LIST)
        abort();
    return v;
}

/* Checks R, the result of tools.read, against the contract. */
static void check(const val_t *r)
{
    val_t *problems = list_of(r, "problems");
    bool error = false;
    for (size_t i = 0; i < val_len(problems); i++) {
        const val_t *p = val_list_get(problems, i);
        const char *sev = str_of(p, "severity");
        if (!sev || !str_of(p, "message") ||
            (strcmp(sev, "error") && strcmp(sev, "warning")))
            abort();
        error = error || strcmp(sev, "error") == 0;
    }
    static const char *const kinds[] = { "tools", "servers", "backends" };
    size_t records = 0;
    for (size_t k = 0; k < 3; k++) {
        val_t *l = list_of(r, kinds[k]);
        records += val_len(l);
        for (size_t i = 0; i < val_len(l); i++) {
            val_t *rec = val_list_get(l, i);
            val_t *prov = val_map_get(rec, "provenance", 10);
            if (!prov || !str_of(prov, "file") || !str_of(prov, "format"))
                abort();
        }
    }
    bool none = val_type(val_map_get(r, "format", 6)) == VAL_NULL;
    if (none && (records || !error))
        abort();
}

static void one(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    const action_t *a = action_find(reg, "tools.read");
    val_t *args = val_map_new(1);
    if (!a || !args || val_map_set_take(args, "path", 4, val_cstring(path)) != MIG_OK)
        abort();
    actx_begin(ctx, "tools.read");
    val_t *out = NULL;
    if (a->run(ctx, args, &out) != MIG_OK)
        abort();
    check(out);
    val_unref(out);
    val_unref(args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    one(data, size);
    for (size_t q = 1; q <= 4 && size > 1; q++)
        one(data, q < 4 ? size * q / 4 : size - 1);
    uint8_t *v = malloc(2 * size + 3);
    if (!v)
        return 0;
    memcpy(v, "\xEF\xBB\xBF", 3);
    memcpy(v + 3, data, size);
    one(v, size + 3);
    size_t n = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\n')
            v[n++] = '\r';
        v[n++] = data[i];
    }
    one(v, n);
    free(v);
    unlink(path);
    return 0;
}
