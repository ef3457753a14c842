/* lua_values.c: mig values to Lua and back, with nothing lost (docs/lua.md,
 * "Values"). Lists and maps become tables marked by a metatable of their
 * kind, so that empty ones keep their kind; null is the mig.null
 * userdata; integers stay integers and floats floats; durations are
 * userdata, and so are secrets, which Lua cannot read. Going back, tables are read with raw access only, so no
 * metamethod of a module's can run, and nothing raises a Lua error:
 * what has no mig form is said in words, with where it is in the value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lua_int.h"

/* ---- mig to Lua ------------------------------------------------------------ */

void luab_push_duration(lua_State *L, int64_t ms)
{
    luab_module_t *m = luab_from(L);
    int64_t *p = lua_newuserdatauv(L, sizeof(int64_t), 0);
    *p = ms;
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_DURATION]);
    lua_setmetatable(L, -2);
}

/* A string without NUL bytes goes through lua_pushstring, whose cache
 * (by address) spares hashing a string pushed before, as a value's keys
 * are call after call. */
static void push_string(lua_State *L, const val_t *v)
{
    size_t len;
    const char *s = val_get_str(v, &len);
    if (len < 64 && strlen(s) == len)
        lua_pushstring(L, s);
    else
        lua_pushlstring(L, s, len);
}

void luab_push(lua_State *L, const val_t *v)
{
    luab_module_t *m = luab_from(L);
    switch (val_type(v)) {
    case VAL_NULL:
        lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_NULL]);
        return;
    case VAL_BOOL:
        lua_pushboolean(L, val_get_bool(v));
        return;
    case VAL_NUMBER:
        if (val_is_int(v))
            lua_pushinteger(L, (lua_Integer)val_get_int(v));
        else
            lua_pushnumber(L, (lua_Number)val_get_number(v));
        return;
    case VAL_STRING:
        push_string(L, v);
        return;
    case VAL_DURATION:
        luab_push_duration(L, val_get_ms(v));
        return;
    case VAL_SECRET: {
        val_t **p = lua_newuserdatauv(L, sizeof(val_t *), 0);
        *p = val_ref((val_t *)v);
        lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_SECRET]);
        lua_setmetatable(L, -2);
        return;
    }
    case VAL_LIST: {
        size_t n = val_len(v);
        luaL_checkstack(L, 4, "a value nested too deep");
        lua_createtable(L, n > INT32_MAX ? INT32_MAX : (int)n, 0);
        for (size_t i = 0; i < n; i++) {
            luab_push(L, val_list_get(v, i));
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_LIST]);
        lua_setmetatable(L, -2);
        return;
    }
    case VAL_MAP: {
        size_t n = val_len(v);
        luaL_checkstack(L, 4, "a value nested too deep");
        lua_createtable(L, 0, n > INT32_MAX ? INT32_MAX : (int)n);
        for (size_t i = 0; i < n; i++) {
            size_t len;
            const char *k = val_get_str(val_map_key(v, i), &len);
            luab_push(L, val_map_value(v, i));
            /* The table has no metatable yet: setfield is a raw set, and
             * its string cache spares hashing a key seen before. */
            if (len < 64 && strlen(k) == len) {
                lua_setfield(L, -2, k);
            } else {
                lua_pushlstring(L, k, len);
                lua_insert(L, -2);
                lua_rawset(L, -3);
            }
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_MAP]);
        lua_setmetatable(L, -2);
        return;
    }
    }
}

/* The position N that key S (LEN bytes) stands for: "1", "2", ... without
 * a leading zero; 0 when it is not one. */
static lua_Integer position(const char *s, size_t len)
{
    if (len == 0 || len > 9 || s[0] < '1' || s[0] > '9')
        return 0;
    lua_Integer n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        n = n * 10 + (s[i] - '0');
    }
    return n;
}

void luab_push_args(lua_State *L, const val_t *args)
{
    size_t n = args ? val_len(args) : 0;
    lua_createtable(L, 0, n > INT32_MAX ? INT32_MAX : (int)n);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(args, i), &len);
        lua_Integer pos = position(k, len);
        if (pos)
            lua_pushinteger(L, pos);
        else
            lua_pushlstring(L, k, len);
        luab_push(L, val_map_value(args, i));
        lua_rawset(L, -3);
    }
}

/* ---- Lua to mig ------------------------------------------------------------ */

/* One entry of a table being read: its key (a string or an integer) and
 * its converted value. */
typedef struct entry {
    const char *key;            /* NULL for an integer key */
    size_t len;
    lua_Integer pos;
    val_t *v;
} entry_t;

/* One table on the path from the root: to find cycles, and to say where
 * a problem is. */
typedef struct level {
    const void *table;
    size_t at;              /* the entry being read (NONE: the table) */
} level_t;

/* The arrays a conversion grows, kept by the module between conversions
 * (one runs at a time: no Lua code runs during one), so that a call's
 * result costs no allocation but its values'. */
#define STRING_CACHE 256      /* slots, a power of 2 */
#define STRING_CACHED 256     /* bytes: longer strings are not kept */

/* A string a conversion made, by the address of the Lua string it came
 * from. Lua strings never change, and Lua keeps one copy of each short
 * one, so the same address with the same bytes is the same string: its
 * value is shared rather than made (and checked) again. */
typedef struct cached {
    const char *lua;
    val_t *v;
} cached_t;

struct luab_scratch {
    level_t *levels;
    size_t cap_levels;
    entry_t *entries;
    size_t cap;
    cached_t strings[STRING_CACHE];
};

/* A conversion in progress. The entries of every table being read share
 * one growing array, each table using the part above where its parent's
 * ends. */
typedef struct conv {
    lua_State *L;
    luab_module_t *m;
    luab_scratch_t *s;
    strbuf_t *why;
    level_t *levels;
    size_t depth, cap_levels;
    entry_t *entries;
    size_t n, cap;
} conv_t;

void luab_scratch_free(luab_scratch_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < STRING_CACHE; i++)
        val_unref(s->strings[i].v);
    free(s->levels);
    free(s->entries);
    free(s);
}

#define NONE ((size_t)-1)

/* Appends where the conversion is (".name", "[3]", ...; a long path as
 * its first and last 8 steps around "..."). */
static void put_path(conv_t *c)
{
    size_t n = 0;
    while (n < c->depth && c->levels[n].at != NONE)
        n++;
    for (size_t d = 0; d < n; d++) {
        if (n > 16 && d >= 8 && d < n - 8) {
            if (d == 8)
                strbuf_puts(c->why, "...");
            continue;
        }
        const entry_t *e = &c->entries[c->levels[d].at];
        bool name = e->key && e->len > 0
            && !(e->key[0] >= '0' && e->key[0] <= '9');
        for (size_t i = 0; name && i < e->len; i++) {
            char ch = e->key[i];
            name = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
                || (ch >= '0' && ch <= '9') || ch == '_';
        }
        if (!e->key)
            strbuf_printf(c->why, "[%lld]", (long long)e->pos);
        else if (name)
            strbuf_printf(c->why, ".%.*s", (int)e->len, e->key);
        else
            strbuf_printf(c->why, "[\"%.*s\"]", (int)(e->len > 40 ? 40 : e->len),
                          e->key);
    }
}

/* Says why the value being read has no mig form; returns MIG_EINVALID. */
static mig_status_t bad(conv_t *c, const char *fmt, const char *detail)
{
    if (c->depth && c->levels[0].at != NONE) {
        strbuf_puts(c->why, "at ");
        put_path(c);
        strbuf_puts(c->why, ": ");
    }
    strbuf_printf(c->why, fmt, detail);
    return MIG_EINVALID;
}

static mig_status_t to_val(conv_t *c, int idx, val_t **out);

static void drop_entries(conv_t *c, size_t from)
{
    for (size_t i = from; i < c->n; i++)
        val_unref(c->entries[i].v);
    c->n = from;
}

static int cmp_key(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    /* Most keys differ in their first byte. */
    if (x->len && y->len && x->key[0] != y->key[0])
        return (unsigned char)x->key[0] < (unsigned char)y->key[0] ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int r = memcmp(x->key, y->key, n);
    return r ? r : (x->len > y->len) - (x->len < y->len);
}

static int cmp_pos(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* The string value of the Lua string S (LEN bytes): the cached one, or a
 * new one once S is known to be UTF-8 (WHAT it is says why not). */
static mig_status_t cached_string(conv_t *c, const char *s, size_t len,
                                  const char *what, val_t **out)
{
    cached_t *slot = NULL;
    if (len <= STRING_CACHED) {
        slot = &c->s->strings[((uintptr_t)s >> 4) & (STRING_CACHE - 1)];
        if (slot->lua == s && val_len(slot->v) == len
            && memcmp(val_get_str(slot->v, NULL), s, len) == 0) {
            *out = val_ref(slot->v);
            return MIG_OK;
        }
    }
    if (!val_utf8_valid(s, len))
        return bad(c, "%s that is not valid UTF-8", what);
    *out = val_string(s, len);
    if (!*out)
        return MIG_ENOMEM;
    if (slot) {
        val_unref(slot->v);
        slot->lua = s;
        slot->v = val_ref(*out);
    }
    return MIG_OK;
}

static mig_status_t string_val(conv_t *c, int idx, val_t **out)
{
    size_t len;
    const char *s = lua_tolstring(c->L, idx, &len);
    return cached_string(c, s, len, "a string", out);
}

/* Sorts the N entries E by CMP: by insertion when they are few, as the
 * fields of a tool are. */
static void sort(entry_t *e, size_t n, int (*cmp)(const void *, const void *))
{
    if (n > 24) {
        qsort(e, n, sizeof *e, cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        entry_t x = e[i];
        size_t j = i;
        for (; j > 0 && cmp(&e[j - 1], &x) > 0; j--)
            e[j] = e[j - 1];
        e[j] = x;
    }
}

/* The kind a table's metatable marks it as: 'l', 'm', or 0 (none, or a
 * metatable of the module's own, which says nothing). */
static int marked(conv_t *c, int idx)
{
    if (!lua_getmetatable(c->L, idx))
        return 0;
    const void *mt = lua_topointer(c->L, -1);
    lua_pop(c->L, 1);
    return mt == c->m->p_list ? 'l' : mt == c->m->p_map ? 'm' : 0;
}

/* Builds the list or map from the entries [FROM, c->n) of the table at
 * the current depth (KIND its mark). */
static mig_status_t build(conv_t *c, size_t from, int kind, val_t **out)
{
    entry_t *e = c->entries + from;
    size_t n = c->n - from, n_int = 0;
    for (size_t i = 0; i < n; i++)
        n_int += e[i].key == NULL;
    if (n_int && n_int < n)
        return bad(c, "a table with both list items (integer keys) and map "
                   "keys (strings)%s", "");
    bool list = kind == 'l' || (kind == 0 && n && n_int == n);
    if (list && n_int < n) {
        const entry_t *least = NULL;    /* the same key from run to run */
        for (size_t i = 0; i < n; i++)
            if (e[i].key && (!least || cmp_key(&e[i], least) < 0))
                least = &e[i];
        return bad(c, "a list (mig.list) with a string key '%.40s'",
                   least->key);
    }
    if (!list && n_int)
        return bad(c, "a map with an integer key%s; a map's keys are strings",
                   kind == 'm' ? " (it is marked mig.map)" : "");
    val_t *v = list ? val_list_new(n) : val_map_new(n);
    if (!v)
        return MIG_ENOMEM;
    mig_status_t st = MIG_OK;
    if (list) {
        bool sorted = true;
        for (size_t i = 1; i < n && sorted; i++)
            sorted = e[i - 1].pos < e[i].pos;
        if (!sorted)
            sort(e, n, cmp_pos);
        for (size_t i = 0; i < n && st == MIG_OK; i++) {
            if (e[i].pos != (lua_Integer)i + 1) {
                char num[32];
                bool hole = e[i].pos > (lua_Integer)i + 1;
                snprintf(num, sizeof num, "%lld",
                         hole ? (long long)(i + 1) : (long long)e[i].pos);
                val_unref(v);
                return bad(c, hole ? "a list with a hole: it has no item %s "
                                     "(a list's keys are 1..N)"
                                   : "a list with the key %s (a list's keys "
                                     "are 1..N)", num);
            }
            st = val_list_push_take(v, e[i].v);
            e[i].v = NULL;
        }
    } else {
        sort(e, n, cmp_key);
        for (size_t i = 0; i < n && st == MIG_OK; i++) {
            val_t *k;
            st = cached_string(c, e[i].key, e[i].len, "a key", &k);
            if (st == MIG_OK)
                st = val_map_set_key_take(v, k, e[i].v);
            else
                val_unref(e[i].v);
            e[i].v = NULL;
        }
    }
    if (st != MIG_OK) {
        val_unref(v);
        return st;
    }
    *out = v;
    return MIG_OK;
}

luab_key_t luab_key(lua_State *L, int idx)
{
    luab_key_t k = { .rank = 3 + lua_type(L, idx) };
    if (lua_type(L, idx) == LUA_TNUMBER && lua_isinteger(L, idx)) {
        k.rank = 0;
        k.i = lua_tointeger(L, idx);
    } else if (lua_type(L, idx) == LUA_TSTRING) {
        k.rank = 1;
        k.s = lua_tolstring(L, idx, &k.len);
    } else if (lua_type(L, idx) == LUA_TNUMBER) {
        k.rank = 2;
        k.d = lua_tonumber(L, idx);
    } else if (lua_type(L, idx) == LUA_TBOOLEAN) {
        k.i = lua_toboolean(L, idx);
    }
    return k;
}

int luab_key_cmp(const luab_key_t *a, const luab_key_t *b)
{
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    if (a->rank == 1) {
        size_t n = a->len < b->len ? a->len : b->len;
        int r = memcmp(a->s, b->s, n);
        return r ? r : (a->len > b->len) - (a->len < b->len);
    }
    if (a->rank == 2)
        return (a->d > b->d) - (a->d < b->d);
    return (a->i > b->i) - (a->i < b->i);
}

/* The failure kept while a table is read: the one at the least key. */
typedef struct worst {
    bool failed;
    luab_key_t key;
    strbuf_t text;
} worst_t;

/* Keeps the failure whose text is c->why from MARK on, at KEY, if it is
 * the first or at a lesser key than the one kept; c->why is cut back. */
static void keep_failure(conv_t *c, worst_t *w, size_t mark, luab_key_t key)
{
    if (!w->failed || luab_key_cmp(&key, &w->key) < 0) {
        w->text.len = 0;
        strbuf_put(&w->text, c->why->data ? c->why->data + mark : "",
                   c->why->len - mark);
        w->key = key;
        w->failed = true;
    }
    c->why->len = mark;
    if (c->why->data)
        c->why->data[mark] = '\0';
}

/* Reads the key at -2 (with its value at -1) of the table at the current
 * depth into a new entry, and its value; a failure goes to W. */
static mig_status_t read_entry(conv_t *c, size_t d, worst_t *w)
{
    lua_State *L = c->L;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        entry_t *grown = realloc(c->entries, cap * sizeof *grown);
        if (!grown)
            return MIG_ENOMEM;
        c->entries = grown;
        c->cap = cap;
    }
    size_t mark = c->why->len;
    luab_key_t key = luab_key(L, -2);
    if (key.rank >= 2) {
        c->levels[d].at = NONE;         /* the table itself is at fault */
        char num[DOUBLE_TEXT_MAX];
        int kt = lua_type(L, -2);
        if (kt == LUA_TNUMBER)
            double_text(lua_tonumber(L, -2), num);
        bad(c, kt == LUA_TNUMBER ? "a table with the float key %s"
               : "a table with a key of type %s; keys are strings "
                 "(maps) or 1..N (lists)",
            kt == LUA_TNUMBER ? num : lua_typename(L, kt));
        keep_failure(c, w, mark, key);
        return MIG_OK;
    }
    entry_t *e = &c->entries[c->n];
    *e = (entry_t){ .key = key.s, .len = key.len, .pos = key.i };
    c->n++;
    /* By index: the entry array may move while the value is read. */
    size_t at = c->n - 1;
    c->levels[d].at = at;
    val_t *v = NULL;
    mig_status_t st = to_val(c, lua_gettop(L), &v);
    c->entries[at].v = v;
    if (st == MIG_EINVALID) {
        keep_failure(c, w, mark, key);
        st = MIG_OK;
    }
    return st;
}

/* Reads the table at IDX (absolute) into a list or a map. Every entry is
 * read, so that a failure is the one at the least key (luab_key_t). */
static mig_status_t table_val(conv_t *c, int idx, val_t **out)
{
    lua_State *L = c->L;
    const void *p = lua_topointer(L, idx);
    for (size_t d = 0; d < c->depth; d++)
        if (c->levels[d].table == p)
            return bad(c, "a table that contains itself (a cycle)%s", "");
    if (c->depth >= VAL_MAX_DEPTH)
        return bad(c, VAL_TOO_DEEP "%s", "");
    if (!lua_checkstack(L, 4))
        return bad(c, "tables nested too deep for the Lua stack%s", "");
    if (c->depth == c->cap_levels) {
        size_t cap = c->cap_levels ? c->cap_levels * 2 : 16;
        level_t *grown = realloc(c->levels, cap * sizeof *grown);
        if (!grown)
            return MIG_ENOMEM;
        c->levels = grown;
        c->cap_levels = cap;
    }
    int kind = marked(c, idx);
    size_t from = c->n, d = c->depth++;
    c->levels[d] = (level_t){ p, NONE };
    worst_t w = { .failed = false };
    strbuf_init(&w.text);
    mig_status_t st = MIG_OK;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        st = read_entry(c, d, &w);
        lua_pop(L, 1);
        if (st != MIG_OK) {
            lua_pop(L, 1);
            break;
        }
    }
    c->levels[d].at = NONE;
    if (st == MIG_OK && w.failed) {
        strbuf_put(c->why, w.text.data ? w.text.data : "", w.text.len);
        st = w.text.oom ? MIG_ENOMEM : MIG_EINVALID;
    }
    strbuf_free(&w.text);
    if (st == MIG_OK)
        st = build(c, from, kind, out);
    drop_entries(c, from);
    c->depth = d;
    return st;
}

static mig_status_t number_val(conv_t *c, int idx, val_t **out)
{
    lua_State *L = c->L;
    char num[DOUBLE_TEXT_MAX + 8];
    if (lua_isinteger(L, idx)) {
        lua_Integer n = lua_tointeger(L, idx);
        if (n > VAL_INT_LIMIT || n < -VAL_INT_LIMIT) {
            snprintf(num, sizeof num, "%lld", (long long)n);
            return bad(c, "the integer %s is beyond what mig holds exactly "
                       "(2^53); use a float or a string", num);
        }
        *out = val_int((int64_t)n);
    } else {
        double d = lua_tonumber(L, idx);
        if (!isfinite(d))
            return bad(c, "%s, which is not a number mig holds",
                       isnan(d) ? "NaN" : d > 0 ? "inf" : "-inf");
        *out = val_double(d);
    }
    return *out ? MIG_OK : MIG_ENOMEM;
}

static mig_status_t to_val(conv_t *c, int idx, val_t **out)
{
    lua_State *L = c->L;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        *out = val_null();
        return MIG_OK;
    case LUA_TBOOLEAN:
        *out = val_bool(lua_toboolean(L, idx));
        return MIG_OK;
    case LUA_TNUMBER:
        return number_val(c, idx, out);
    case LUA_TSTRING:
        return string_val(c, idx, out);
    case LUA_TTABLE:
        return table_val(c, idx, out);
    case LUA_TUSERDATA: {
        if (lua_touserdata(L, idx) == c->m->p_null) {
            *out = val_null();
            return MIG_OK;
        }
        if (lua_getmetatable(L, idx)) {
            const void *mt = lua_topointer(L, -1);
            lua_pop(L, 1);
            if (mt == c->m->p_duration) {
                *out = val_duration(*(const int64_t *)lua_touserdata(L, idx));
                return *out ? MIG_OK : MIG_ENOMEM;
            }
            if (mt == c->m->p_secret) {     /* the secret itself, back */
                *out = val_ref(*(val_t *const *)lua_touserdata(L, idx));
                return MIG_OK;
            }
        }
        return bad(c, "a %s, which has no mig form", "userdata");
    }
    default:
        return bad(c, "a %s, which has no mig form",
                   lua_typename(L, lua_type(L, idx)));
    }
}

mig_status_t luab_to_val(lua_State *L, int idx, strbuf_t *why, val_t **out)
{
    luab_module_t *m = luab_from(L);
    if (!m->scratch && !(m->scratch = calloc(1, sizeof *m->scratch)))
        return MIG_ENOMEM;
    luab_scratch_t *s = m->scratch;
    conv_t conv = { .L = L, .m = m, .s = s, .why = why, .levels = s->levels,
                    .cap_levels = s->cap_levels, .entries = s->entries,
                    .cap = s->cap };
    *out = NULL;
    mig_status_t st = to_val(&conv, lua_absindex(L, idx), out);
    s->levels = conv.levels;
    s->cap_levels = conv.cap_levels;
    s->entries = conv.entries;
    s->cap = conv.cap;
    if (st != MIG_OK) {
        val_unref(*out);
        *out = NULL;
    }
    return st;
}

/* ---- boxes ------------------------------------------------------------------ */

luab_box_t *luab_box_new(lua_State *L)
{
    luab_module_t *m = luab_from(L);
    luab_box_t *b = lua_newuserdatauv(L, sizeof *b, 0);
    memset(b, 0, sizeof *b);
    strbuf_init(&b->buf);
    diag_list_init(&b->diags);
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_BOX]);
    lua_setmetatable(L, -2);
    return b;
}

void luab_box_clear(luab_box_t *b)
{
    for (size_t i = 0; i < sizeof b->vals / sizeof *b->vals; i++) {
        val_unref(b->vals[i]);
        b->vals[i] = NULL;
    }
    strbuf_free(&b->buf);
    strbuf_init(&b->buf);
    src_free(b->src);
    b->src = NULL;
    diag_list_free(&b->diags);
    diag_list_init(&b->diags);
}

int luab_box_gc(lua_State *L)
{
    luab_box_t *b = lua_touserdata(L, 1);
    if (b)
        luab_box_clear(b);
    return 0;
}
