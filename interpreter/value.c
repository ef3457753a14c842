/* value.c: the value type every later stage shares (the evaluator, the
 * runtime, Lua, the JSON and YAML readers and writers): constructors,
 * reference counts, lists, insertion-ordered hashed maps and copies.
 * Equality and order are in value_order.c, text forms in value_text.c,
 * secrets in value_secret.c. */
#include "interpreter_int.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A map searches linearly up to this many entries, then builds an index. */
#define MAP_LINEAR_MAX 8

enum { VAL_F_TRUE = 1u << 0 };  /* on the static true */

static val_t null_value = { .refs = VAL_IMMORTAL, .type = VAL_NULL };
static val_t false_value = { .refs = VAL_IMMORTAL, .type = VAL_BOOL };
static val_t true_value = { .refs = VAL_IMMORTAL, .type = VAL_BOOL,
                            .flags = VAL_F_TRUE };

static const char *const type_names[] = {
#define VAL_TYPE_NAME(name, text) [VAL_##name] = text,
    VAL_TYPES(VAL_TYPE_NAME)
#undef VAL_TYPE_NAME
};

/* ---- constructors ------------------------------------------------------ */

static void *val_alloc(size_t size, val_type_t type)
{
    val_t *v = malloc(size);
    if (!v)
        return NULL;
    v->refs = 1;
    v->type = (uint8_t)type;
    v->flags = 0;
    return v;
}

val_t *val_null(void)
{
    return &null_value;
}

val_t *val_bool(bool b)
{
    return b ? &true_value : &false_value;
}

val_t *val_int(int64_t n)
{
    if (n > VAL_INT_LIMIT || n < -VAL_INT_LIMIT)
        return val_double((double)n);
    val_num_t *v = val_alloc(sizeof(*v), VAL_NUMBER);
    if (!v)
        return NULL;
    v->h.flags = VAL_F_INT;
    v->u.i = n;
    return &v->h;
}

val_t *val_double(double d)
{
    if (!isfinite(d))
        return NULL;
    val_num_t *v = val_alloc(sizeof(*v), VAL_NUMBER);
    if (!v)
        return NULL;
    v->u.d = d;
    return &v->h;
}

val_t *val_string(const char *s, size_t len)
{
    assert(val_utf8_valid(s, len));
    if (len > SIZE_MAX - sizeof(val_str_t) - 1)
        return NULL;
    val_str_t *v = val_alloc(sizeof(*v) + len + 1, VAL_STRING);
    if (!v)
        return NULL;
    v->hash = 0;
    v->len = len;
    if (len)
        memcpy(v->data, s, len);
    v->data[len] = '\0';
    return &v->h;
}

val_t *val_cstring(const char *s)
{
    return val_string(s, strlen(s));
}

val_t *val_duration(int64_t ms)
{
    val_dur_t *v = val_alloc(sizeof(*v), VAL_DURATION);
    if (!v)
        return NULL;
    v->ms = ms;
    return &v->h;
}

val_t *val_list_new(size_t hint)
{
    val_list_t *l = val_alloc(sizeof(*l), VAL_LIST);
    if (!l)
        return NULL;
    l->depth = 1;
    l->size = VAL_NODE_SIZE;
    l->len = 0;
    l->cap = 0;
    l->items = NULL;
    if (hint && hint < SIZE_MAX / sizeof(val_t *)) {
        l->items = malloc(hint * sizeof(val_t *));
        if (!l->items) {
            free(l);
            return NULL;
        }
        l->cap = hint;
    }
    return &l->h;
}

val_t *val_map_new(size_t hint)
{
    val_map_t *m = val_alloc(sizeof(*m), VAL_MAP);
    if (!m)
        return NULL;
    m->depth = 1;
    m->size = VAL_NODE_SIZE;
    m->nslots = 0;
    m->len = 0;
    m->cap = 0;
    m->entries = NULL;
    m->slots = NULL;
    if (hint && hint < SIZE_MAX / sizeof(val_entry_t)) {
        m->entries = malloc(hint * sizeof(val_entry_t));
        if (!m->entries) {
            free(m);
            return NULL;
        }
        m->cap = hint;
    }
    return &m->h;
}

/* ---- references -------------------------------------------------------- */

val_t *val_ref(val_t *v)
{
    if (v && v->refs != VAL_IMMORTAL)
        v->refs++;
    return v;
}

/* Frees V and drops what it holds. Recursion is bounded by VAL_MAX_DEPTH. */
static void val_free(val_t *v)
{
    switch ((val_type_t)v->type) {
    case VAL_LIST: {
        val_list_t *l = (val_list_t *)v;
        for (size_t i = 0; i < l->len; i++)
            val_unref(l->items[i]);
        free(l->items);
        break;
    }
    case VAL_MAP: {
        val_map_t *m = (val_map_t *)v;
        for (size_t i = 0; i < m->len; i++) {
            val_unref(m->entries[i].key);
            val_unref(m->entries[i].value);
        }
        free(m->entries);
        free(m->slots);
        break;
    }
    case VAL_SECRET:
        val_secret_release(v);
        break;
    default:
        break;
    }
    free(v);
}

void val_unref(val_t *v)
{
    if (!v || v->refs == VAL_IMMORTAL)
        return;
    assert(v->refs > 0);
    if (--v->refs == 0)
        val_free(v);
}

uint32_t val_refcount(const val_t *v)
{
    return v->refs;
}

/* ---- inspection -------------------------------------------------------- */

val_type_t val_type(const val_t *v)
{
    return (val_type_t)v->type;
}

const char *val_type_name(val_type_t t)
{
    if ((size_t)t >= sizeof(type_names) / sizeof(type_names[0]))
        return "?";
    return type_names[t];
}

bool val_is_int(const val_t *v)
{
    return v->type == VAL_NUMBER && (v->flags & VAL_F_INT);
}

bool val_get_bool(const val_t *v)
{
    assert(v->type == VAL_BOOL);
    return (v->flags & VAL_F_TRUE) != 0;
}

int64_t val_get_int(const val_t *v)
{
    assert(val_is_int(v));
    return val_is_int(v) ? ((const val_num_t *)v)->u.i : 0;
}

double val_get_number(const val_t *v)
{
    assert(v->type == VAL_NUMBER);
    const val_num_t *n = (const val_num_t *)v;
    return (v->flags & VAL_F_INT) ? (double)n->u.i : n->u.d;
}

int64_t val_get_ms(const val_t *v)
{
    assert(v->type == VAL_DURATION);
    return ((const val_dur_t *)v)->ms;
}

const char *val_get_str(const val_t *v, size_t *len)
{
    assert(v->type == VAL_STRING);
    const val_str_t *s = (const val_str_t *)v;
    if (len)
        *len = s->len;
    return s->data;
}

size_t val_len(const val_t *v)
{
    switch ((val_type_t)v->type) {
    case VAL_STRING: return ((const val_str_t *)v)->len;
    case VAL_LIST:   return ((const val_list_t *)v)->len;
    case VAL_MAP:    return ((const val_map_t *)v)->len;
    default:         return 0;
    }
}

/* A + B, or a ceiling far beyond any limit when that would overflow. */
static uint64_t size_add(uint64_t a, uint64_t b)
{
    const uint64_t ceiling = UINT64_MAX / 4;
    return a >= ceiling || b >= ceiling || a + b >= ceiling ? ceiling : a + b;
}

uint64_t val_size(const val_t *v)
{
    switch ((val_type_t)v->type) {
    case VAL_STRING: return size_add(VAL_NODE_SIZE, ((const val_str_t *)v)->len);
    case VAL_SECRET: return size_add(VAL_NODE_SIZE, ((const val_secret_t *)v)->len);
    case VAL_LIST:   return ((const val_list_t *)v)->size;
    case VAL_MAP:    return ((const val_map_t *)v)->size;
    default:         return VAL_NODE_SIZE;
    }
}

/* The size of V less the part of it that is its part SUB (A >= SUB's). */
static uint64_t size_sub(uint64_t a, uint64_t sub)
{
    return a >= UINT64_MAX / 4 ? a : a - sub;
}

uint32_t val_depth(const val_t *v)
{
    if (v->type == VAL_LIST)
        return ((const val_list_t *)v)->depth;
    if (v->type == VAL_MAP)
        return ((const val_map_t *)v)->depth;
    return 0;
}

/* ---- lists ------------------------------------------------------------- */

bool val_grow(void **items, size_t *cap, size_t len, size_t size)
{
    if (len < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 4;
    if (ncap < *cap || ncap > SIZE_MAX / size)
        return false;
    void *p = realloc(*items, ncap * size);
    if (!p)
        return false;
    *items = p;
    *cap = ncap;
    return true;
}

/* Checks that ITEM may go into CONTAINER; returns the container's new depth
 * or 0 when it would nest too deeply (or hold itself). */
static uint32_t depth_with(const val_t *container, uint32_t depth,
                           const val_t *item)
{
    if (item == container)
        return 0;
    uint32_t need = val_depth(item) + 1;
    if (need > VAL_MAX_HELD_DEPTH)
        return 0;
    return need > depth ? need : depth;
}

mig_status_t val_list_push_take(val_t *list, val_t *item)
{
    assert(list->type == VAL_LIST && list->refs == 1);
    val_list_t *l = (val_list_t *)list;
    uint32_t depth = depth_with(list, l->depth, item);
    if (!depth) {
        val_unref(item);
        return MIG_EINVALID;
    }
    if (!val_grow((void **)&l->items, &l->cap, l->len, sizeof(val_t *))) {
        val_unref(item);
        return MIG_ENOMEM;
    }
    l->items[l->len++] = item;
    l->depth = depth;
    if (val_holds_secret(item))
        list->flags |= VAL_F_SECRETS;
    l->size = size_add(l->size, val_size(item));
    return MIG_OK;
}

mig_status_t val_list_push(val_t *list, val_t *item)
{
    if (item == list)
        return MIG_EINVALID;
    return val_list_push_take(list, val_ref(item));
}

val_t *val_list_get(const val_t *list, size_t i)
{
    assert(list->type == VAL_LIST);
    const val_list_t *l = (const val_list_t *)list;
    return i < l->len ? l->items[i] : NULL;
}

/* ---- maps -------------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

/* A fast hash of the key bytes. The seed comes from where this library was
 * loaded, so that crafted keys cannot be made to collide in advance;
 * iteration order never depends on it. */
static uint32_t hash_bytes(const char *s, size_t n)
{
    static const char seed_anchor;
    uint64_t h = mix64((uint64_t)(uintptr_t)&seed_anchor) ^ (n * UINT64_C(0x9E3779B97F4A7C15));
    while (n >= 8) {
        uint64_t k;
        memcpy(&k, s, 8);
        h = (h ^ mix64(k)) * UINT64_C(0x9E3779B97F4A7C15);
        s += 8;
        n -= 8;
    }
    uint64_t k = 0;
    if (n)
        memcpy(&k, s, n);
    h = mix64(h ^ k ^ ((uint64_t)n << 56));
    return (uint32_t)(h ^ (h >> 32));
}

static uint32_t key_hash(val_t *key)
{
    val_str_t *s = (val_str_t *)key;
    if (!(key->flags & VAL_F_HASHED)) {
        s->hash = hash_bytes(s->data, s->len);
        key->flags |= VAL_F_HASHED;
    }
    return s->hash;
}

static bool key_is(const val_t *key, const char *s, size_t len)
{
    const val_str_t *k = (const val_str_t *)key;
    return k->len == len && (len == 0 || memcmp(k->data, s, len) == 0);
}

static size_t map_find(const val_map_t *m, const char *key, size_t len,
                       uint32_t h)
{
    if (!m->nslots) {
        for (size_t i = 0; i < m->len; i++)
            if (key_is(m->entries[i].key, key, len))
                return i;
        return VAL_NPOS;
    }
    uint32_t mask = m->nslots - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t s = m->slots[i];
        if (!s)
            return VAL_NPOS;
        const val_str_t *k = (const val_str_t *)m->entries[s - 1].key;
        if (k->hash == h && key_is(&k->h, key, len))
            return s - 1;
    }
}

static void slot_insert(val_map_t *m, size_t entry)
{
    uint32_t mask = m->nslots - 1;
    uint32_t i = key_hash(m->entries[entry].key) & mask;
    while (m->slots[i])
        i = (i + 1) & mask;
    m->slots[i] = (uint32_t)entry + 1;
}

/* Rebuilds the index with room for NEED entries at half load. */
static bool map_reindex(val_map_t *m, size_t need)
{
    size_t n = 32;
    while (n < need * 2) {
        if (n > UINT32_MAX / 4)
            return false;
        n *= 2;
    }
    uint32_t *slots = calloc(n, sizeof(uint32_t));
    if (!slots)
        return false;
    free(m->slots);
    m->slots = slots;
    m->nslots = (uint32_t)n;
    for (size_t i = 0; i < m->len; i++)
        slot_insert(m, i);
    return true;
}

size_t val_map_index(const val_t *map, const char *key, size_t len)
{
    assert(map->type == VAL_MAP);
    const val_map_t *m = (const val_map_t *)map;
    uint32_t h = m->nslots ? hash_bytes(key, len) : 0;
    return map_find(m, key, len, h);
}

val_t *val_map_get(const val_t *map, const char *key, size_t len)
{
    size_t i = val_map_index(map, key, len);
    return i == VAL_NPOS ? NULL : ((const val_map_t *)map)->entries[i].value;
}

val_t *val_map_key(const val_t *map, size_t i)
{
    assert(map->type == VAL_MAP && i < ((const val_map_t *)map)->len);
    return ((const val_map_t *)map)->entries[i].key;
}

val_t *val_map_value(const val_t *map, size_t i)
{
    assert(map->type == VAL_MAP && i < ((const val_map_t *)map)->len);
    return ((const val_map_t *)map)->entries[i].value;
}

/* Sets VAL_F_SECRETS on M as its values hold secrets or not (after one
 * was replaced or removed). */
static void map_mark_secrets(val_map_t *m)
{
    m->h.flags &= (uint8_t)~VAL_F_SECRETS;
    for (size_t i = 0; i < m->len; i++)
        if (val_holds_secret(m->entries[i].value)) {
            m->h.flags |= VAL_F_SECRETS;
            return;
        }
}

/* Appends KEY (a string value, taken) with VALUE (taken); KEY must be new.
 * Consumes both references, also on failure. */
static mig_status_t map_append(val_map_t *m, val_t *key, val_t *value)
{
    size_t need = m->len + 1;
    if (need >= UINT32_MAX - 1 ||
        !val_grow((void **)&m->entries, &m->cap, m->len, sizeof(val_entry_t)) ||
        (need > MAP_LINEAR_MAX && need * 2 > m->nslots &&
         !map_reindex(m, need))) {
        val_unref(key);
        val_unref(value);
        return MIG_ENOMEM;
    }
    m->entries[m->len].key = key;
    m->entries[m->len].value = value;
    m->len++;
    if (val_holds_secret(value))
        m->h.flags |= VAL_F_SECRETS;
    m->size = size_add(m->size, size_add(val_len(key), val_size(value)));
    if (m->nslots)
        slot_insert(m, m->len - 1);
    return MIG_OK;
}

mig_status_t val_map_set_take(val_t *map, const char *key, size_t len,
                              val_t *value)
{
    assert(map->type == VAL_MAP && map->refs == 1);
    val_map_t *m = (val_map_t *)map;
    uint32_t depth = depth_with(map, m->depth, value);
    if (!depth) {
        val_unref(value);
        return MIG_EINVALID;
    }
    uint32_t h = m->nslots ? hash_bytes(key, len) : 0;
    size_t i = map_find(m, key, len, h);
    if (i != VAL_NPOS) {
        val_t *old = m->entries[i].value;
        m->entries[i].value = value;
        m->depth = depth;
        m->size = size_add(size_sub(m->size, val_size(old)), val_size(value));
        if (val_holds_secret(value))
            m->h.flags |= VAL_F_SECRETS;
        else if (val_holds_secret(old))
            map_mark_secrets(m);
        val_unref(old);
        return MIG_OK;
    }
    val_t *k = val_string(key, len);
    if (!k) {
        val_unref(value);
        return MIG_ENOMEM;
    }
    mig_status_t st = map_append(m, k, value);
    if (st == MIG_OK)
        m->depth = depth;
    return st;
}

mig_status_t val_map_set_key_take(val_t *map, val_t *key, val_t *value)
{
    assert(map->type == VAL_MAP && map->refs == 1 && key->type == VAL_STRING);
    val_map_t *m = (val_map_t *)map;
    uint32_t depth = depth_with(map, m->depth, value);
    if (!depth) {
        val_unref(key);
        val_unref(value);
        return MIG_EINVALID;
    }
    const val_str_t *k = (const val_str_t *)key;
    uint32_t h = m->nslots ? key_hash(key) : 0;
    size_t i = map_find(m, k->data, k->len, h);
    if (i != VAL_NPOS) {
        val_t *old = m->entries[i].value;
        m->entries[i].value = value;
        m->depth = depth;
        m->size = size_add(size_sub(m->size, val_size(old)), val_size(value));
        if (val_holds_secret(value))
            m->h.flags |= VAL_F_SECRETS;
        else if (val_holds_secret(old))
            map_mark_secrets(m);
        val_unref(old);
        val_unref(key);
        return MIG_OK;
    }
    mig_status_t st = map_append(m, key, value);
    if (st == MIG_OK)
        m->depth = depth;
    return st;
}

val_t *val_intern(val_t *cache, const char *s, size_t len)
{
    size_t i = val_map_index(cache, s, len);
    if (i != VAL_NPOS)
        return val_ref(val_map_key(cache, i));
    val_t *k = val_string(s, len);
    if (k && len <= VAL_INTERN_LEN && val_len(cache) < VAL_INTERN_MAX)
        val_map_set_key_take(cache, val_ref(k), val_null());   /* may fail: then not cached */
    return k;
}

mig_status_t val_map_set(val_t *map, const char *key, size_t len,
                         val_t *value)
{
    if (value == map)
        return MIG_EINVALID;
    return val_map_set_take(map, key, len, val_ref(value));
}

bool val_map_delete(val_t *map, const char *key, size_t len)
{
    assert(map->type == VAL_MAP && map->refs == 1);
    val_map_t *m = (val_map_t *)map;
    size_t i = val_map_index(map, key, len);
    if (i == VAL_NPOS)
        return false;
    m->size = size_sub(m->size, size_add(val_len(m->entries[i].key),
                                         val_size(m->entries[i].value)));
    bool had_secret = val_holds_secret(m->entries[i].value);
    val_unref(m->entries[i].key);
    val_unref(m->entries[i].value);
    memmove(&m->entries[i], &m->entries[i + 1],
            (m->len - i - 1) * sizeof(val_entry_t));
    m->len--;
    if (had_secret)
        map_mark_secrets(m);
    if (m->nslots) {
        /* Entry indices moved: rebuild the index in place. */
        memset(m->slots, 0, m->nslots * sizeof(uint32_t));
        for (size_t j = 0; j < m->len; j++)
            slot_insert(m, j);
    }
    return true;
}

/* ---- copies ------------------------------------------------------------ */

static val_t *list_copy(const val_list_t *l)
{
    val_t *c = val_list_new(l->len);
    if (!c)
        return NULL;
    val_list_t *cl = (val_list_t *)c;
    for (size_t i = 0; i < l->len; i++)
        cl->items[i] = val_ref(l->items[i]);
    cl->len = l->len;
    cl->h.flags = l->h.flags;
    cl->depth = l->depth;
    cl->size = l->size;
    return c;
}

static val_t *map_copy(const val_map_t *m)
{
    val_t *c = val_map_new(m->len);
    if (!c)
        return NULL;
    val_map_t *cm = (val_map_t *)c;
    if (m->nslots) {
        cm->slots = malloc(m->nslots * sizeof(uint32_t));
        if (!cm->slots) {
            val_unref(c);
            return NULL;
        }
        memcpy(cm->slots, m->slots, m->nslots * sizeof(uint32_t));
        cm->nslots = m->nslots;
    }
    for (size_t i = 0; i < m->len; i++) {
        cm->entries[i].key = val_ref(m->entries[i].key);
        cm->entries[i].value = val_ref(m->entries[i].value);
    }
    cm->len = m->len;
    cm->h.flags = m->h.flags;
    cm->depth = m->depth;
    cm->size = m->size;
    return c;
}

val_t *val_copy(const val_t *v)
{
    if (v->type == VAL_LIST)
        return list_copy((const val_list_t *)v);
    if (v->type == VAL_MAP)
        return map_copy((const val_map_t *)v);
    return val_ref((val_t *)v);
}
