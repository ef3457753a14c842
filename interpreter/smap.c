/* smap.c: the string-keyed hash tables in an arena that the graph
 * compiler (its ids, stage and step names), the static checker (its
 * scopes) and the write roots' memo share (interpreter_int.h), and the
 * arena arrays that grow beside them. */
#include <string.h>

#include "interpreter_int.h"

uint32_t graph_smap_hash(const char *key)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *s = (const unsigned char *)key; *s; s++)
        h = (h ^ *s) * 16777619u;
    return h;
}

/* The slot of KEY (whose hash is H) in M: where it is, or the empty slot
 * it would go to. Keys are compared only when their hashes are equal, and
 * not at all when they are the same string (a key set again). */
static uint32_t smap_slot(const smap_t *m, const char *key, uint32_t h)
{
    uint32_t mask = m->cap - 1, i = h & mask;
    while (m->keys[i] && m->keys[i] != key
           && (m->hashes[i] != h || strcmp(m->keys[i], key) != 0))
        i = (i + 1) & mask;
    return i;
}

uint32_t graph_smap_get_hashed(const smap_t *m, const char *key, uint32_t h)
{
    if (m->cap == 0)
        return GRAPH_NONE;
    uint32_t i = smap_slot(m, key, h);
    return m->keys[i] ? m->vals[i] : GRAPH_NONE;
}

/* The value under KEY, or GRAPH_NONE. */
uint32_t graph_smap_get(const smap_t *m, const char *key)
{
    return m->cap ? graph_smap_get_hashed(m, key, graph_smap_hash(key))
                  : GRAPH_NONE;
}

bool graph_smap_has(const smap_t *m, const char *key)
{
    return graph_smap_get(m, key) != GRAPH_NONE;
}

/* Makes room in M for one more key, at most half full; false when out of
 * memory. The stored hashes place the old keys again. */
static bool smap_room(arena_t *a, smap_t *m)
{
    if ((m->len + 1) * 2 <= m->cap)
        return true;
    smap_t n = { .cap = m->cap ? m->cap * 2 : 16, .len = m->len };
    n.keys = arena_alloc(a, n.cap * sizeof(*n.keys));
    n.vals = arena_alloc(a, n.cap * sizeof(*n.vals));
    n.hashes = arena_alloc(a, n.cap * sizeof(*n.hashes));
    if (!n.keys || !n.vals || !n.hashes)
        return false;
    for (uint32_t i = 0; i < m->cap; i++) {
        if (m->keys[i]) {
            uint32_t s = m->hashes[i] & (n.cap - 1);
            while (n.keys[s])
                s = (s + 1) & (n.cap - 1);
            n.keys[s] = m->keys[i];
            n.vals[s] = m->vals[i];
            n.hashes[s] = m->hashes[i];
        }
    }
    *m = n;
    return true;
}

graph_smap_added_t graph_smap_add(arena_t *a, smap_t *m, const char *key,
                                  uint32_t val, bool replace)
{
    if (!smap_room(a, m))
        return GRAPH_SMAP_OOM;
    uint32_t h = graph_smap_hash(key);
    uint32_t s = smap_slot(m, key, h);
    if (m->keys[s] && !replace)
        return GRAPH_SMAP_THERE;
    graph_smap_added_t r = m->keys[s] ? GRAPH_SMAP_THERE : GRAPH_SMAP_NEW;
    if (!m->keys[s])
        m->len++;
    m->keys[s] = key;
    m->vals[s] = val;
    m->hashes[s] = h;
    return r;
}

/* Sets KEY (kept, not copied: it must live in the arena or the AST) to
 * VAL. False when out of memory. */
bool graph_smap_put(arena_t *a, smap_t *m, const char *key, uint32_t val)
{
    return graph_smap_add(a, m, key, val, true) != GRAPH_SMAP_OOM;
}

/* Grows the array *P of *CAP items of SIZE bytes to hold one more. */
bool graph_grow(arena_t *a, void **p, uint32_t *cap, uint32_t len,
                 size_t size)
{
    if (len < *cap)
        return true;
    uint32_t ncap = *cap ? *cap * 2 : 32;
    void *n = arena_alloc(a, (size_t)ncap * size);
    if (!n)
        return false;
    if (len)
        memcpy(n, *p, (size_t)len * size);
    *p = n;
    *cap = ncap;
    return true;
}
