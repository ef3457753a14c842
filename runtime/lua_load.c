/* lua_load.c: loading one module (lua_bridge_load): its main chunk run in
 * a fresh sandboxed state under the limits, the fields of the table it
 * returns read into registry rows, its `effects` table checked, and every
 * failure reported as a diagnostic at the Lua file and line. */
#include <stdlib.h>
#include <string.h>

#include "lua_int.h"

/* Whether S is a name a plan can write after `alias.`. */
static bool is_name(const char *s, size_t len)
{
    if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

/* Whether the value at IDX can be called: a function, or a value whose
 * metatable has __call. */
static bool callable(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TFUNCTION)
        return true;
    if (!lua_getmetatable(L, idx))
        return false;
    lua_pushliteral(L, "__call");
    lua_rawget(L, -2);
    bool yes = !lua_isnil(L, -1);
    lua_pop(L, 2);
    return yes;
}

static int cmp_fn(const void *a, const void *b)
{
    return strcmp(((const luab_fn_t *)a)->key, ((const luab_fn_t *)b)->key);
}

/* Raises "out of memory" as mig's own failure, not the module's. */
static int oom(lua_State *L)
{
    luab_from(L)->sys_oom = true;
    return luaL_error(L, "out of memory");
}

/* The fn named KEY, or NULL. */
static luab_fn_t *fn_named(luab_module_t *m, const char *key)
{
    for (size_t i = 0; i < m->n_fns; i++)
        if (strcmp(m->fns[i].key, key) == 0)
            return &m->fns[i];
    return NULL;
}

/* Reads the fields of the module table at T into M->fns, sorted by key. */
static void read_fields(lua_State *L, luab_module_t *m, int t)
{
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        size_t len;
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *k = lua_tolstring(L, -2, &len);
            n += is_name(k, len) && strcmp(k, "effects") != 0;
        }
        lua_pop(L, 1);
    }
    m->fns = calloc(n ? n : 1, sizeof *m->fns);
    m->rows = calloc(n ? n : 1, sizeof *m->rows);
    if (!m->fns || !m->rows)
        oom(L);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        size_t len;
        const char *k = lua_type(L, -2) == LUA_TSTRING
            ? lua_tolstring(L, -2, &len) : NULL;
        if (k && is_name(k, len) && strcmp(k, "effects") != 0
            && m->n_fns < n) {
            luab_fn_t *f = &m->fns[m->n_fns++];
            size_t alen = strlen(m->alias);
            f->mod = m;
            f->name = malloc(alen + 1 + len + 1);
            if (!f->name)
                oom(L);
            memcpy(f->name, m->alias, alen);
            f->name[alen] = '.';
            memcpy(f->name + alen + 1, k, len + 1);
            f->key = f->name + alen + 1;
            f->effect = ACTION_PURE;
        }
        lua_pop(L, 1);
    }
    qsort(m->fns, m->n_fns, sizeof *m->fns, cmp_fn);
}

/* The effect called NAME, or -1. */
static int effect_named(const char *name)
{
    for (int e = ACTION_PURE; e <= ACTION_IRREVERSIBLE; e++)
        if (strcmp(name, action_effect_name((action_effect_t)e)) == 0)
            return e;
    return -1;
}

static int cmp_luab_key(const void *a, const void *b)
{
    return luab_key_cmp(a, b);
}

/* The keys of the table at E, in luab_key_t order (so that the first
 * fault reported is the same from run to run), in a userdata left on the
 * stack; *N gets their number. */
static luab_key_t *sorted_keys(lua_State *L, int e, size_t *n)
{
    size_t count = 0;
    lua_pushnil(L);
    while (lua_next(L, e)) {
        count++;
        lua_pop(L, 1);
    }
    luab_key_t *keys = lua_newuserdatauv(L, (count ? count : 1) * sizeof *keys,
                                         0);
    size_t i = 0;
    lua_pushnil(L);
    while (lua_next(L, e)) {
        keys[i++] = luab_key(L, -2);
        lua_pop(L, 1);
    }
    qsort(keys, count, sizeof *keys, cmp_luab_key);
    *n = count;
    return keys;
}

/* Pushes the key K of a table. */
static void push_key(lua_State *L, const luab_key_t *k)
{
    switch (k->rank) {
    case 0: lua_pushinteger(L, k->i); break;
    case 1: lua_pushlstring(L, k->s, k->len); break;
    case 2: lua_pushnumber(L, k->d); break;
    default: lua_pushnil(L);
    }
}

/* Applies the module's `effects` table (at T's field "effects"), its
 * entries in key order. */
static void read_effects(lua_State *L, luab_module_t *m, int t)
{
    lua_pushliteral(L, "effects");
    lua_rawget(L, t);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    if (lua_type(L, -1) != LUA_TTABLE)
        luaL_error(L, "the module's 'effects' must be a table from function "
                   "names to effects, not a %s", luaL_typename(L, -1));
    int e = lua_gettop(L);
    size_t n;
    const luab_key_t *keys = sorted_keys(L, e, &n);
    for (size_t i = 0; i < n; i++) {
        if (keys[i].rank > 2)
            luaL_error(L, "effects: '%s' is not a function of the module",
                       lua_typename(L, keys[i].rank - 3));
        push_key(L, &keys[i]);
        lua_pushvalue(L, -1);
        lua_rawget(L, e);
        const char *key = lua_type(L, -2) == LUA_TSTRING
            ? lua_tostring(L, -2) : NULL;
        luab_fn_t *f = key ? fn_named(m, key) : NULL;
        if (!f || !f->index)
            luaL_error(L, "effects: '%s' is not a function of the module",
                       key ? key : luaL_typename(L, -2));
        const char *name = lua_type(L, -1) == LUA_TSTRING
            ? lua_tostring(L, -1) : "";
        int effect = effect_named(name);
        if (effect < 0)
            luaL_error(L, "effects.%s: '%s' is not an effect (pure, "
                       "self-undo, plan-undo or irreversible)", key, name);
        f->effect = (action_effect_t)effect;
        if (f->effect == ACTION_SELF_UNDO) {
            char companion[128];
            snprintf(companion, sizeof companion, "%s_undo", f->key);
            const luab_fn_t *u = fn_named(m, companion);
            if (!u || !u->index)
                luaL_error(L, "effects.%s is self-undo, but the module has "
                           "no function %s to undo it", key, companion);
            f->undo = u->index;
            snprintf(companion, sizeof companion, "%s_capture", f->key);
            const luab_fn_t *c = fn_named(m, companion);
            f->capture = c ? c->index : 0;
        }
        lua_pop(L, 2);
    }
    lua_pop(L, 2);
}

/* Keeps the callable fields of the module table at T in a table of the
 * registry, each at its index; a field that is not callable gets a doc
 * that says what it is. */
static void keep_functions(lua_State *L, luab_module_t *m, int t)
{
    lua_createtable(L, (int)m->n_fns, 0);
    for (size_t i = 0; i < m->n_fns; i++) {
        luab_fn_t *f = &m->fns[i];
        lua_pushstring(L, f->key);
        lua_rawget(L, t);
        if (callable(L, -1)) {
            f->index = (int)i + 1;
            lua_rawseti(L, -2, f->index);
        } else {
            const char *type = luaL_typename(L, -1);
            lua_pop(L, 1);
            size_t len = strlen(f->key) + strlen(type) + 64;
            f->doc = malloc(len);
            if (!f->doc)
                oom(L);
            snprintf(f->doc, len, "the module's field '%s' is %s %s, not a "
                     "function", f->key, strchr("aeiou", type[0]) ? "an" : "a",
                     type);
        }
    }
    m->refs[LUAB_REF_FNS] = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Runs the module's main chunk and reads what it returns (in a protected
 * call: every error here is reported by luab_pcall). */
static int load_body(lua_State *L)
{
    luab_module_t *m = lua_touserdata(L, 1);
    lua_pushfstring(L, "@%s", m->path);
    if (luaL_loadbufferx(L, m->src->text, m->src->len, lua_tostring(L, -1),
                         "t") != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 1);
    if (lua_type(L, -1) != LUA_TTABLE)
        return luaL_error(L, "a module must return a table of its "
                          "functions; this one returns %s",
                          lua_isnil(L, -1) ? "nothing"
                                           : luaL_typename(L, -1));
    int t = lua_gettop(L);
    read_fields(L, m, t);
    keep_functions(L, m, t);
    read_effects(L, m, t);
    return 0;
}

/* The span of LINE in SRC: the token MESSAGE says the error is near, if
 * it is on the line, else the line from its first non-blank character. */
static bool line_span(src_t *src, int line, const char *message,
                      src_span_t *span)
{
    const char *text;
    size_t len;
    if (line <= 0 || !src_line(src, (uint32_t)line, &text, &len))
        return false;
    size_t from = 0, to = len;
    while (from < len && (text[from] == ' ' || text[from] == '\t'))
        from++;
    const char *near = strstr(message, "near '");
    if (near) {
        near += 6;
        const char *close = strrchr(near, '\'');
        size_t tlen = close && close > near ? (size_t)(close - near) : 0;
        /* The last one: the parser stops after what it could read. */
        for (size_t i = len - (tlen <= len ? tlen : len); tlen && i + tlen
             <= len && i >= from; i--) {
            if (memcmp(text + i, near, tlen) == 0) {
                from = i;
                to = i + tlen;
                break;
            }
            if (i == 0)
                break;
        }
    } else if (strstr(message, "near <eof>")) {
        from = to = len;
    }
    uint32_t col = 1, end_col;
    for (size_t i = 0; i < from;)
        i += utf8_char_len((const unsigned char *)text + i, len - i), col++;
    end_col = col;
    for (size_t i = from; i < to;)
        i += utf8_char_len((const unsigned char *)text + i, len - i), end_col++;
    uint32_t begin = (uint32_t)(text - src->text + from);
    *span = (src_span_t){ .begin = begin, .end = begin + (uint32_t)(to - from),
                          .line = (uint32_t)line, .col = col,
                          .end_line = (uint32_t)line, .end_col = end_col };
    return true;
}

/* Reports M's failure to load, at the line of the module it points at. */
static void report(luab_module_t *m, diag_list_t *diags)
{
    const char *msg = m->err.data ? m->err.data : "";
    src_span_t span;
    if (m->err_line > 0 && line_span(m->src, m->err_line, msg, &span))
        diag_add(diags, DIAG_ERROR, m->src, &span, "%.*s",
                 (int)(m->err_len - m->err_bare), msg + m->err_bare);
    else
        diag_add(diags, DIAG_ERROR, m->src, NULL, "%.*s", (int)m->err_len,
                 msg);
}

/* The rows of M's fields. */
static void make_rows(luab_module_t *m)
{
    for (size_t i = 0; i < m->n_fns; i++) {
        luab_fn_t *f = &m->fns[i];
        bool live = f->index != 0, self = f->effect == ACTION_SELF_UNDO;
        m->rows[i] = (action_t){
            .name = f->name, .effect = f->effect, .args = NULL,
            .result = live ? ACTION_T_ANY : 0,
            .preview = live ? luab_row_preview : luab_row_dead,
            .capture = self ? luab_row_capture : NULL,
            .run = live ? luab_row_run : luab_row_dead,
            .undo = self ? luab_row_undo : NULL,
            .doc = f->doc ? f->doc : "a function of a Lua module",
            .reads = f->reads,
            .data = f,
        };
    }
}

mig_status_t luab_load_module(luab_module_t *m, diag_list_t *diags)
{
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = luab_open(m, &why);
    if (st == MIG_EINVALID)
        diag_add(diags, DIAG_ERROR, m->src, NULL, "%s",
                 why.data ? why.data : "?");
    strbuf_free(&why);
    if (st != MIG_OK)
        return st;
    st = luab_pcall(m, load_body, m, 0, "main chunk", 0);
    if (st == MIG_EINVALID)
        report(m, diags);
    if (st != MIG_OK)
        return diags->out_of_memory ? MIG_ENOMEM : st;
    for (size_t i = 0; i < m->n_fns; i++)
        if (m->fns[i].index && luab_fn_reads(m, &m->fns[i]) != MIG_OK)
            return MIG_ENOMEM;
    make_rows(m);
    return MIG_OK;
}
