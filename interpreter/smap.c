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
static smap_slot_t *smap_slot(const smap_t *m, const char *key, uint32_t h)
{
    uint32_t mask = m->cap - 1, i = h & mask;
    smap_slot_t *s = &m->slots[i];
    while (s->key && s->key != key
           && (s->hash != h || strcmp(s->key, key) != 0)) {
        i = (i + 1) & mask;
        s = &m->slots[i];
    }
    return s;
}

uint32_t graph_smap_get_hashed(const smap_t *m, const char *key, uint32_t h)
{
    if (m->cap == 0)
        return GRAPH_NONE;
    const smap_slot_t *s = smap_slot(m, key, h);
    return s->key ? s->val : GRAPH_NONE;
}

/* The value under KEY, or GRAPH_NONE. */
uint32_t graph_smap_get(const smap_t *m, const char *key)
{
    return m->cap ? graph_smap_get_hashed(m, key, graph_smap_hash(key))
                  : GRAPH_NONE;
}

bool graph_smap_has(const smap_t *m, const char *key)
{
    return m->cap && smap_slot(m, key, graph_smap_hash(key))->key;
}

/* Makes room in M for one more key, at most half full; false when out of
 * memory. The stored hashes place the old keys again. */
static bool smap_room(arena_t *a, smap_t *m)
{
    if ((m->len + 1) * 2 <= m->cap)
        return true;
    smap_t n = { .cap = m->cap ? m->cap * 2 : 16, .len = m->len };
    n.slots = arena_alloc(a, n.cap * sizeof(*n.slots));
    if (!n.slots)
        return false;
    for (uint32_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key) {
            uint32_t k = m->slots[i].hash & (n.cap - 1);
            while (n.slots[k].key)
                k = (k + 1) & (n.cap - 1);
            n.slots[k] = m->slots[i];
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
    smap_slot_t *s = smap_slot(m, key, h);
    if (s->key && !replace)
        return GRAPH_SMAP_THERE;
    graph_smap_added_t r = s->key ? GRAPH_SMAP_THERE : GRAPH_SMAP_NEW;
    if (!s->key)
        m->len++;
    *s = (smap_slot_t){ .key = key, .hash = h, .val = val };
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
