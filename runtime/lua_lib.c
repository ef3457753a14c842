/* lua_lib.c: the `mig` library every module sees (docs/lua.md, "The mig
 * library"): the value constructors (null, list, map, duration, type),
 * classed errors, the log, JSON and YAML through mig's own readers and
 * writers, schema validation (lua_schema.c) and the run's parameters,
 * read-only. Registered from luaL_Reg tables. */
#include <stdlib.h>
#include <string.h>

#include "lua_int.h"

/* ---- the values' metatables -------------------------------------------------- */

static int64_t check_duration(lua_State *L, int idx)
{
    luab_module_t *m = luab_from(L);
    if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
        const void *mt = lua_topointer(L, -1);
        lua_pop(L, 1);
        if (mt == m->p_duration)
            return *(const int64_t *)lua_touserdata(L, idx);
    }
    return luaL_typeerror(L, idx, "mig.duration");
}

static int duration_tostring(lua_State *L)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_put_duration(&b, check_duration(L, 1));
    char text[64];
    snprintf(text, sizeof text, "%s", b.oom || !b.data ? "?" : b.data);
    strbuf_free(&b);
    lua_pushstring(L, text);
    return 1;
}

/* d.ms: the length in milliseconds. */
static int duration_index(lua_State *L)
{
    int64_t ms = check_duration(L, 1);
    const char *k = lua_tostring(L, 2);
    if (k && strcmp(k, "ms") == 0) {
        lua_pushinteger(L, (lua_Integer)ms);
        return 1;
    }
    return 0;
}

static int duration_eq(lua_State *L)
{
    lua_pushboolean(L, check_duration(L, 1) == check_duration(L, 2));
    return 1;
}

static int duration_lt(lua_State *L)
{
    lua_pushboolean(L, check_duration(L, 1) < check_duration(L, 2));
    return 1;
}

static int duration_le(lua_State *L)
{
    lua_pushboolean(L, check_duration(L, 1) <= check_duration(L, 2));
    return 1;
}

static int duration_add(lua_State *L)
{
    luab_push_duration(L, check_duration(L, 1) + check_duration(L, 2));
    return 1;
}

static int duration_sub(lua_State *L)
{
    luab_push_duration(L, check_duration(L, 1) - check_duration(L, 2));
    return 1;
}

static int duration_unm(lua_State *L)
{
    luab_push_duration(L, -check_duration(L, 1));
    return 1;
}

static const luaL_Reg duration_meta[] = {
    { "__tostring", duration_tostring }, { "__index", duration_index },
    { "__eq", duration_eq }, { "__lt", duration_lt }, { "__le", duration_le },
    { "__add", duration_add }, { "__sub", duration_sub },
    { "__unm", duration_unm }, { NULL, NULL },
};

/* A secret is a userdata holding a reference to its value: its text is
 * "***", and nothing in Lua reads its bytes (docs/lua.md, "Values"). */
static int secret_tostring(lua_State *L)
{
    lua_pushliteral(L, SECRET_MASK);
    return 1;
}

static int secret_gc(lua_State *L)
{
    val_t **p = lua_touserdata(L, 1);
    if (p) {
        val_unref(*p);
        *p = NULL;
    }
    return 0;
}

static const luaL_Reg secret_meta[] = {
    { "__tostring", secret_tostring }, { "__gc", secret_gc }, { NULL, NULL },
};

static int null_tostring(lua_State *L)
{
    lua_pushliteral(L, "null");
    return 1;
}

/* A new table named NAME (its __name), its pointer in *P, kept in slot
 * REF of the registry. */
static void keep_table(lua_State *L, luab_module_t *m, luab_ref_t ref,
                       const char *name, const void **p)
{
    lua_newtable(L);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__name");
    if (p)
        *p = lua_topointer(L, -1);
    m->refs[ref] = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* keep_table, with the functions FNS (NULL: none) set in it and the
 * table locked: getmetatable gives NAME, setmetatable is refused. */
static void keep_locked(lua_State *L, luab_module_t *m, luab_ref_t ref,
                        const char *name, const void **p,
                        const luaL_Reg *fns)
{
    keep_table(L, m, ref, name, p);
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[ref]);
    if (fns)
        luaL_setfuncs(L, fns, 0);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

void luab_open_values(lua_State *L, luab_module_t *m)
{
    /* Locked like every metatable mig hands out: a module that could
     * reach the one lists share could give it a __gc, and Lua runs
     * finalizers with hooks off, where no limit stops them. */
    keep_locked(L, m, LUAB_REF_LIST, "mig.list", &m->p_list, NULL);
    keep_locked(L, m, LUAB_REF_MAP, "mig.map", &m->p_map, NULL);
    keep_locked(L, m, LUAB_REF_DURATION, "mig.duration", &m->p_duration,
                duration_meta);
    keep_locked(L, m, LUAB_REF_SECRET, "mig.secret", &m->p_secret,
                secret_meta);

    lua_newuserdatauv(L, 1, 0);
    m->p_null = lua_touserdata(L, -1);
    lua_newtable(L);
    lua_pushliteral(L, "mig.null");
    lua_setfield(L, -2, "__name");
    lua_pushliteral(L, "mig.null");
    lua_setfield(L, -2, "__metatable");
    lua_pushcfunction(L, null_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_setmetatable(L, -2);
    m->refs[LUAB_REF_NULL] = luaL_ref(L, LUA_REGISTRYINDEX);

    keep_table(L, m, LUAB_REF_BOX, "mig.box", NULL);
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_BOX]);
    lua_pushcfunction(L, luab_box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);

    lua_pushcfunction(L, luab_msgh);
    m->refs[LUAB_REF_MSGH] = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushliteral(L, "class");
    m->refs[LUAB_REF_KEY_CLASS] = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushliteral(L, "message");
    m->refs[LUAB_REF_KEY_MESSAGE] = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushliteral(L, "a limit of mig's sandbox was reached");
    m->refs[LUAB_REF_LIMIT] = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* ---- mig.null, list, map, duration, type ---------------------------------- */

/* Marks table 1 (or a new one) with the metatable in slot REF. */
static int mark(lua_State *L, luab_ref_t ref)
{
    if (lua_isnoneornil(L, 1)) {
        lua_settop(L, 0);
        lua_newtable(L);
    } else {
        luaL_checktype(L, 1, LUA_TTABLE);
        lua_settop(L, 1);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, luab_from(L)->refs[ref]);
    lua_setmetatable(L, 1);
    return 1;
}

static int lib_list(lua_State *L) { return mark(L, LUAB_REF_LIST); }
static int lib_map(lua_State *L) { return mark(L, LUAB_REF_MAP); }

/* mig.duration(ms): a duration of MS (an integer) milliseconds. */
static int lib_duration(lua_State *L)
{
    luab_push_duration(L, (int64_t)luaL_checkinteger(L, 1));
    return 1;
}

const char *luab_type(lua_State *L, int idx)
{
    luab_module_t *m = luab_from(L);
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        return "null";
    case LUA_TBOOLEAN:
        return "bool";
    case LUA_TNUMBER:
        return "number";
    case LUA_TSTRING:
        return "string";
    case LUA_TUSERDATA: {
        if (lua_touserdata(L, idx) == m->p_null)
            return "null";
        const char *t = "userdata";
        if (lua_getmetatable(L, idx)) {
            if (lua_topointer(L, -1) == m->p_duration)
                t = "duration";
            else if (lua_topointer(L, -1) == m->p_secret)
                t = "secret";
            lua_pop(L, 1);
        }
        return t;
    }
    case LUA_TTABLE: {
        if (lua_getmetatable(L, idx)) {
            const void *mt = lua_topointer(L, -1);
            lua_pop(L, 1);
            if (mt == m->p_list)
                return "list";
            if (mt == m->p_map)
                return "map";
        }
        /* Unmarked: a list when its keys are exactly 1..N, N > 0. */
        lua_Unsigned n = lua_rawlen(L, idx);
        if (n == 0)
            return "map";
        lua_Unsigned count = 0;
        idx = lua_absindex(L, idx);
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            count++;
            lua_pop(L, 1);
        }
        return count == n ? "list" : "map";
    }
    default:
        return lua_typename(L, lua_type(L, idx));
    }
}

/* mig.type(v): "null", "bool", "number", "string", "list", "map",
 * "duration", or Lua's name for a value without a mig form. */
static int lib_type(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_pushstring(L, luab_type(L, 1));
    return 1;
}

/* ---- mig.error -------------------------------------------------------------- */

/* mig.error(class, message [, detail] [, level]): raises an error of
 * CLASS (a name, such as "Conflict" or a class the plan declares), with
 * DETAIL (a table) for the strategies that repair it. Its place is that
 * of the function LEVEL up (1, the default: the one calling mig.error; 2:
 * its caller, for a helper; 0: none), as error() does it. */
static int lib_error(lua_State *L)
{
    size_t len;
    const char *cls = luaL_checklstring(L, 1, &len);
    bool name = len > 0 && len < 64 && !(cls[0] >= '0' && cls[0] <= '9');
    for (size_t i = 0; name && i < len; i++)
        name = (cls[i] >= 'a' && cls[i] <= 'z') || (cls[i] >= 'A' && cls[i] <= 'Z')
            || (cls[i] >= '0' && cls[i] <= '9') || cls[i] == '_';
    if (!name)
        return luaL_error(L, "mig.error: the class must be a name such as "
                          "'Conflict', not '%s'", cls);
    lua_bridge_t *b = luab_from(L)->bridge;
    if (!luab_class_known(b, cls, len)) {
        const char *near = luab_class_near(b, cls, len);
        return luaL_error(L, "mig.error: '%s' is not an error class: a "
                          "built-in one or one the plan declares (error "
                          "%s : PARENT)%s%s%s", cls, cls,
                          near ? "; did you mean '" : "", near ? near : "",
                          near ? "'?" : "");
    }
    int at = lua_type(L, 3) == LUA_TTABLE ? 4 : 3;
    int level = (int)luaL_optinteger(L, at, 1);
    if (level > 0)
        luaL_where(L, level);
    else
        lua_pushliteral(L, "");
    if (lua_isnoneornil(L, 2))
        lua_pushliteral(L, "");
    else
        luaL_tolstring(L, 2, NULL);
    lua_concat(L, 2);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "class");
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "message");
    if (at == 4) {
        lua_pushvalue(L, 3);
        lua_setfield(L, -2, "detail");
    }
    return lua_error(L);
}

/* ---- mig.log and print -------------------------------------------------------- */

/* The text of argument I for a log message: a string as it is, another
 * value in mig's text (JSON for lists and maps), or Lua's type name. */
static void log_piece(lua_State *L, int i, strbuf_t *out)
{
    if (lua_type(L, i) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, i, &len);
        strbuf_put(out, s, len);
        return;
    }
    strbuf_t why;
    strbuf_init(&why);
    val_t *v = NULL;
    if (luab_to_val(L, i, &why, &v) == MIG_OK)
        eval_to_text(v, out);
    else
        strbuf_printf(out, "<%s>", luaL_typename(L, i));
    val_unref(v);
    strbuf_free(&why);
}

/* mig.log.LEVEL(...) (the level is upvalue 1): the arguments joined by
 * spaces, given to the bridge's log function. */
static int lib_log(lua_State *L)
{
    luab_module_t *m = luab_from(L);
    lua_bridge_t *b = m->bridge;
    if (!b->log)
        return 0;
    int n = lua_gettop(L);
    strbuf_t msg;
    strbuf_init(&msg);
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            strbuf_putc(&msg, ' ');
        log_piece(L, i, &msg);
    }
    char where[LUA_IDSIZE + 24];
    luab_where(L, where, sizeof where, NULL);
    if (!msg.oom)
        b->log(b->log_data, lua_tostring(L, lua_upvalueindex(1)), m->alias,
               where, msg.data ? msg.data : "");
    strbuf_free(&msg);
    return 0;
}

static void open_log(lua_State *L)
{
    static const char *const levels[] = { "info", "warn", "error" };
    lua_createtable(L, 0, 3);
    for (size_t i = 0; i < 3; i++) {
        lua_pushstring(L, levels[i]);
        lua_pushcclosure(L, lib_log, 1);
        lua_setfield(L, -2, levels[i]);
    }
    lua_setfield(L, -2, "log");
    /* print is mig.log.info: a module has no standard output. */
    lua_pushliteral(L, "info");
    lua_pushcclosure(L, lib_log, 1);
    lua_setglobal(L, "print");
}

/* ---- JSON and YAML ---------------------------------------------------------- */

/* Converts argument I into BOX->vals[SLOT], or raises an error that says
 * why, prefixed with WHAT. */
static val_t *arg_val(lua_State *L, int i, luab_box_t *box, size_t slot,
                      const char *what)
{
    mig_status_t st = luab_to_val(L, i, &box->buf, &box->vals[slot]);
    if (st == MIG_ENOMEM)
        luaL_error(L, "%s: out of memory", what);
    if (st != MIG_OK)
        luaL_error(L, "%s: argument #%d has no mig form: %s", what, i,
                   box->buf.data ? box->buf.data : "?");
    box->buf.len = 0;
    return box->vals[slot];
}

/* Reads the text at 1 with READ (val_from_json or val_from_yaml), pushing
 * the value; a malformed text raises the reader's first error. */
static int decode(lua_State *L, const char *what,
                  mig_status_t (*read)(src_t *, diag_list_t *, val_t **))
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    luab_box_t *box = luab_box_new(L);
    box->src = src_from_memory(what, s, len);
    if (!box->src)
        return luaL_error(L, "%s: out of memory", what);
    mig_status_t st = read(box->src, &box->diags, &box->vals[0]);
    if (st == MIG_ENOMEM)
        return luaL_error(L, "%s: out of memory", what);
    if (st != MIG_OK) {
        const diag_t *d = NULL;
        for (size_t i = 0; i < box->diags.len && !d; i++)
            if (box->diags.items[i].severity == DIAG_ERROR)
                d = &box->diags.items[i];
        if (d && d->has_span)
            return luaL_error(L, "%s: line %d, column %d: %s", what,
                              (int)d->span.line, (int)d->span.col, d->message);
        return luaL_error(L, "%s: %s", what, d ? d->message : "invalid input");
    }
    luab_push(L, box->vals[0]);
    luab_box_clear(box);
    return 1;
}

/* Writes argument 1 with WRITE into a string. */
static int encode(lua_State *L, const char *what,
                  mig_status_t (*write)(const val_t *, strbuf_t *, unsigned),
                  unsigned flags)
{
    luaL_checkany(L, 1);
    luab_box_t *box = luab_box_new(L);
    val_t *v = arg_val(L, 1, box, 0, what);
    mig_status_t st = write(v, &box->buf, flags);
    if (st != MIG_OK || box->buf.oom)
        return luaL_error(L, "%s: %s", what, st == MIG_EINVALID
                          ? "the value is too large" : "out of memory");
    lua_pushlstring(L, box->buf.data ? box->buf.data : "", box->buf.len);
    luab_box_clear(box);
    return 1;
}

static int lib_json_decode(lua_State *L)
{
    return decode(L, "mig.json.decode", val_from_json);
}

/* mig.json.encode(v [, {pretty = true, ascii = true}]) */
static int lib_json_encode(lua_State *L)
{
    unsigned flags = 0;
    if (lua_type(L, 2) == LUA_TTABLE) {
        static const struct { const char *key; unsigned flag; } opts[] = {
            { "pretty", VAL_JSON_PRETTY }, { "ascii", VAL_JSON_ASCII },
        };
        for (size_t i = 0; i < 2; i++) {
            lua_getfield(L, 2, opts[i].key);
            if (lua_toboolean(L, -1))
                flags |= opts[i].flag;
            lua_pop(L, 1);
        }
        lua_settop(L, 1);
    } else if (!lua_isnoneornil(L, 2)) {
        return luaL_typeerror(L, 2, "table of options");
    }
    return encode(L, "mig.json.encode", val_to_json, flags);
}

static int lib_yaml_decode(lua_State *L)
{
    return decode(L, "mig.yaml.decode", val_from_yaml);
}

static mig_status_t yaml_write(const val_t *v, strbuf_t *out, unsigned flags)
{
    (void)flags;
    return val_to_yaml(v, out);
}

static int lib_yaml_encode(lua_State *L)
{
    return encode(L, "mig.yaml.encode", yaml_write, 0);
}

/* ---- mig.schema.validate -------------------------------------------------------- */

/* mig.schema.validate(value, schema): true, {} when VALUE fits SCHEMA;
 * otherwise false and the list of what does not fit. */
static int lib_schema_validate(lua_State *L)
{
    luaL_checkany(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    luab_box_t *box = luab_box_new(L);
    val_t *value = arg_val(L, 1, box, 0, "mig.schema.validate");
    val_t *schema = arg_val(L, 2, box, 1, "mig.schema.validate");
    box->vals[2] = val_list_new(0);
    if (!box->vals[2])
        return luaL_error(L, "mig.schema.validate: out of memory");
    mig_status_t st = luab_schema_validate(value, schema, box->vals[2],
                                           &box->buf);
    if (st == MIG_ENOMEM)
        return luaL_error(L, "mig.schema.validate: out of memory");
    if (st != MIG_OK)
        return luaL_error(L, "mig.schema.validate: the schema is not valid: "
                          "%s", box->buf.data ? box->buf.data : "?");
    lua_pushboolean(L, val_len(box->vals[2]) == 0);
    luab_push(L, box->vals[2]);
    luab_box_clear(box);
    return 2;
}

/* ---- mig.params ------------------------------------------------------------------ */

static int params_index(lua_State *L)
{
    val_t *p = luab_from(L)->bridge->params;
    size_t len;
    const char *k = lua_tolstring(L, 2, &len);
    val_t *v = p && k && lua_type(L, 2) == LUA_TSTRING
        ? val_map_get(p, k, len) : NULL;
    if (!v)
        return 0;
    luab_push(L, v);
    return 1;
}

static int params_newindex(lua_State *L)
{
    return luaL_error(L, "mig.params is read-only");
}

/* The iterator of pairs(mig.params): the entry after key 2. */
static int params_next(lua_State *L)
{
    val_t *p = luab_from(L)->bridge->params;
    size_t n = p ? val_len(p) : 0, i = 0;
    if (!lua_isnil(L, 2)) {
        size_t len;
        const char *k = luaL_checklstring(L, 2, &len);
        i = p ? val_map_index(p, k, len) : VAL_NPOS;
        if (i == VAL_NPOS)
            return 0;
        i++;
    }
    if (i >= n)
        return 0;
    size_t len;
    const char *k = val_get_str(val_map_key(p, i), &len);
    lua_pushlstring(L, k, len);
    luab_push(L, val_map_value(p, i));
    return 2;
}

static int params_pairs(lua_State *L)
{
    lua_pushcfunction(L, params_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static const luaL_Reg params_meta[] = {
    { "__index", params_index }, { "__newindex", params_newindex },
    { "__pairs", params_pairs }, { NULL, NULL },
};

/* mig.params: a userdata (so that rawset cannot write into it, as it
 * could into a table) whose metatable reads the bridge's current
 * parameters, each read giving a fresh copy, and refuses writes. */
static void open_params(lua_State *L)
{
    lua_newuserdatauv(L, 0, 0);
    lua_newtable(L);
    luaL_setfuncs(L, params_meta, 0);
    lua_pushliteral(L, "mig.params");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, "params");
}

/* ---- the library ------------------------------------------------------------------ */

static const luaL_Reg mig_funcs[] = {
    { "list", lib_list }, { "map", lib_map }, { "duration", lib_duration },
    { "type", lib_type }, { "error", lib_error }, { NULL, NULL },
};

static const luaL_Reg json_funcs[] = {
    { "encode", lib_json_encode }, { "decode", lib_json_decode },
    { NULL, NULL },
};

static const luaL_Reg yaml_funcs[] = {
    { "encode", lib_yaml_encode }, { "decode", lib_yaml_decode },
    { NULL, NULL },
};

static const luaL_Reg schema_funcs[] = {
    { "validate", lib_schema_validate }, { NULL, NULL },
};

void luab_open_mig(lua_State *L)
{
    luab_module_t *m = luab_from(L);
    luaL_newlib(L, mig_funcs);
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_NULL]);
    lua_setfield(L, -2, "null");
    luaL_newlib(L, json_funcs);
    lua_setfield(L, -2, "json");
    luaL_newlib(L, yaml_funcs);
    lua_setfield(L, -2, "yaml");
    luaL_newlib(L, schema_funcs);
    lua_setfield(L, -2, "schema");
    open_log(L);
    open_params(L);
    /* mig.registry (read-only queries of the V2 registry) comes with the
     * registry itself; until then it is nil (docs/lua.md). */
    lua_setglobal(L, "mig");
}
