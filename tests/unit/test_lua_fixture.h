/* test_lua_fixture.h: what the Lua bridge's unit tests share: a scratch
 * directory to write modules into, a bridge and a registry, and calls of
 * a row the way the runtime makes them (actx_begin, actx_set_action, the
 * row's run). Included by tests/unit/test_lua_*.c after cmocka.h. */
#ifndef MIG_TEST_LUA_FIXTURE_H
#define MIG_TEST_LUA_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_fixture.h"
#include "lua_bridge.h"

typedef struct fx {
    char dir[64];
    lua_bridge_t *b;
    action_registry_t *r;
    action_ctx_t *ctx;
    diag_list_t diags;
} fx_t;

/* A fixture whose bridge has CFG (NULL: defaults; its base_dir is
 * replaced by the scratch directory). */
static inline void fx_init(fx_t *f, const lua_bridge_config_t *cfg)
{
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/mig-lua-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    lua_bridge_config_t c = cfg ? *cfg : (lua_bridge_config_t){ 0 };
    c.base_dir = f->dir;
    diag_list_init(&f->diags);
    assert_int_equal(lua_bridge_new(&c, &f->diags, &f->b), MIG_OK);
    f->r = action_registry_new();
    assert_non_null(f->r);
    f->ctx = actx_new(ACTX_RUN, f->dir);
    assert_non_null(f->ctx);
}

static inline void fx_free(fx_t *f)
{
    action_registry_free(f->r);
    lua_bridge_free(f->b);
    actx_free(f->ctx);
    diag_list_free(&f->diags);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
}

/* Writes the LEN bytes of TEXT to NAME (relative to the scratch
 * directory; one level of directory is made). */
static inline void fx_bytes(fx_t *f, const char *name, const char *text,
                            size_t len)
{
    char path[256];
    const char *slash = strchr(name, '/');
    if (slash) {
        snprintf(path, sizeof path, "%s/%.*s", f->dir, (int)(slash - name),
                 name);
        mkdir(path, 0777);
    }
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(text, 1, len, out), len);
    fclose(out);
}

static inline void fx_file(fx_t *f, const char *name, const char *text)
{
    fx_bytes(f, name, text, strlen(text));
}

/* Writes module TEXT to NAME and loads it as ALIAS. */
static inline mig_status_t fx_load(fx_t *f, const char *alias,
                                   const char *name, const char *text)
{
    fx_file(f, name, text);
    return lua_bridge_load(f->b, alias, name, f->r, &f->diags);
}

/* The message of the last diagnostic. */
static inline const char *fx_last_diag(const fx_t *f)
{
    assert_true(f->diags.len > 0);
    return f->diags.items[f->diags.len - 1].message;
}

/* Calls row NAME with ARGS (NULL: no arguments) as the runtime does. */
static inline mig_status_t fx_call(fx_t *f, const char *name,
                                   const val_t *args, val_t **out)
{
    const action_t *row = action_find(f->r, name);
    assert_non_null(row);
    val_t *none = NULL;
    if (!args)
        args = none = val_map_new(0);
    actx_begin(f->ctx, name);
    actx_set_action(f->ctx, row);
    *out = NULL;
    mig_status_t st = row->run(f->ctx, args, out);
    val_unref(none);
    return st;
}

/* A value from JSON text (asserted valid). */
static inline val_t *fx_json(const char *json)
{
    return json_parse(json);
}

/* The canonical text of V, in a static buffer. */
static inline const char *fx_text(const val_t *v)
{
    static char out[4096];
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_format(v, &b), MIG_OK);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    strbuf_free(&b);
    return out;
}

/* The error message of the last failed call. */
static inline const char *fx_error(const fx_t *f)
{
    const char *m = actx_error_message(f->ctx);
    assert_non_null(m);
    return m;
}

#endif
