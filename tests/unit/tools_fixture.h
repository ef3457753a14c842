/* tools_fixture.h: what the legacy readers' tests share (test_tools_*.c):
 * tools.read and tools.scan called through their rows with paths taken
 * from the repository's root (so tests/data/legacy/... and
 * ../shared/corpus/... are plain relative paths), a scratch folder for
 * malformed files, and getters for the results. */
#ifndef MIG_TOOLS_FIXTURE_H
#define MIG_TOOLS_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mig_stdlib.h"
#include "tools_int.h"

/* The corpus's Semantic Kernel files (each name after this prefix) and
 * its agent_yaml folder (test_tools_sk.c, test_tools_agent.c). */
#define SK "../shared/corpus/semantic_kernel/microsoft__semantic-kernel__"
#define AY "../shared/corpus/agent_yaml/"

static action_registry_t *reg;
static action_ctx_t *ctx;
static char scratch[64];    /* a scratch folder, absolute */

static int tools_setup(void **state)
{
    (void)state;
    reg = action_registry_new();
    if (!reg || stdlib_register(reg) != MIG_OK)
        return -1;
    ctx = actx_new(ACTX_RUN, MIG_SOURCE_DIR);
    snprintf(scratch, sizeof scratch, "/tmp/mig-tools-XXXXXX");
    return ctx && mkdtemp(scratch) ? 0 : -1;
}

static int tools_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    int rc = system(cmd);
    (void)rc;
    actx_free(ctx);
    action_registry_free(reg);
    return 0;
}

/* The scratch path of NAME (two buffers, so two may be used at once). */
__attribute__((unused))
static const char *in_scratch(const char *name)
{
    static char path[2][256];
    static int which;
    which ^= 1;
    snprintf(path[which], sizeof path[which], "%s/%s", scratch, name);
    return path[which];
}

/* Writes LEN bytes to scratch file NAME and gives its path. */
__attribute__((unused))
static const char *put_bytes(const char *name, const void *bytes, size_t len)
{
    const char *p = in_scratch(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    return p;
}

__attribute__((unused))
static const char *put_str(const char *name, const char *text)
{
    return put_bytes(name, text, strlen(text));
}

/* Calls action NAME with the string arguments K1, V1, ..., NULL. */
static val_t *call(const char *name, ...)
{
    const action_t *a = action_find(reg, name);
    assert_non_null(a);
    val_t *args = val_map_new(4);
    va_list ap;
    va_start(ap, name);
    for (const char *k; (k = va_arg(ap, const char *));) {
        const char *v = va_arg(ap, const char *);
        val_t *val = strcmp(v, "true") == 0    ? val_bool(true)
                     : strcmp(v, "false") == 0 ? val_bool(false)
                                               : val_cstring(v);
        assert_int_equal(val_map_set_take(args, k, strlen(k), val), MIG_OK);
    }
    va_end(ap);
    if (strcmp(name, "tools.scan") == 0) {
        if (!val_map_get(args, "glob", 4))
            val_map_set_take(args, "glob", 4, val_cstring("*"));
        if (!val_map_get(args, "recursive", 9))
            val_map_set_take(args, "recursive", 9, val_bool(true));
    }
    actx_begin(ctx, name);
    val_t *out = NULL;
    mig_status_t st = a->run(ctx, args, &out);
    val_unref(args);
    if (st != MIG_OK)
        return NULL;
    assert_non_null(out);
    return out;
}

/* tools.read of PATH (relative to the repository's root, or absolute). */
__attribute__((unused))
static val_t *read_path(const char *path)
{
    val_t *r = call("tools.read", "path", path, NULL);
    assert_non_null(r);
    return r;
}

__attribute__((unused))
static val_t *get(const val_t *m, const char *key)
{
    return val_map_get(m, key, strlen(key));
}

/* The string KEY of M, or "(null)" when it is null or missing. */
__attribute__((unused))
static const char *str(const val_t *m, const char *key)
{
    val_t *v = get(m, key);
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : "(null)";
}

/* The number of items of list KEY of M. */
__attribute__((unused))
static size_t n_of(const val_t *m, const char *key)
{
    val_t *v = get(m, key);
    assert_non_null(v);
    return val_len(v);
}

/* Item I of list KEY of M. */
__attribute__((unused))
static val_t *item(const val_t *m, const char *key, size_t i)
{
    val_t *v = get(m, key);
    assert_true(v && i < val_len(v));
    return val_list_get(v, i);
}

/* The JSON of V, in a buffer that lives until the next call. */
__attribute__((unused))
static const char *json(const val_t *v)
{
    static strbuf_t b;
    strbuf_free(&b);
    strbuf_init(&b);
    assert_int_equal(val_to_json(v, &b, 0), MIG_OK);
    strbuf_putc(&b, '\0');
    return b.data;
}

/* Whether some problem of R has SEVERITY and contains TEXT. */
__attribute__((unused))
static bool has_problem(const val_t *r, const char *severity, const char *text)
{
    val_t *ps = get(r, "problems");
    for (size_t i = 0; ps && i < val_len(ps); i++) {
        val_t *p = val_list_get(ps, i);
        if (strcmp(str(p, "severity"), severity) == 0 &&
            strstr(str(p, "message"), text))
            return true;
    }
    return false;
}

/* Reads PATH and checks its format and record counts. */
__attribute__((unused))
static val_t *expect_read(const char *path, const char *format, size_t tools,
                          size_t servers)
{
    val_t *r = read_path(path);
    if (strcmp(str(r, "format"), format) != 0 ||
        n_of(r, "tools") != tools || n_of(r, "servers") != servers)
        print_error("%s: format %s, %zu tools, %zu servers; problems %s\n",
                    path, str(r, "format"), n_of(r, "tools"),
                    n_of(r, "servers"), json(get(r, "problems")));
    assert_string_equal(str(r, "format"), format);
    assert_int_equal(n_of(r, "tools"), tools);
    assert_int_equal(n_of(r, "servers"), servers);
    return r;
}

/* Whether R has exactly N problems. */
static inline void problems_are(const val_t *r, size_t n)
{
    if (n_of(r, "problems") != n)
        print_error("problems: %s\n", json(get(r, "problems")));
    assert_int_equal(n_of(r, "problems"), n);
}

/* Makes the scratch folder NAME. */
static inline void scratch_dir(const char *name)
{
    assert_int_equal(mkdir(in_scratch(name), 0755), 0);
}

#endif
