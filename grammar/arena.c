/* arena.c: the bump allocator that owns an AST (and later a compiled plan).
 * Blocks are chained; nothing is freed before the whole arena goes. */
#include "grammar.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64 * 1024)

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
} arena_block_t;

struct arena {
    arena_block_t *head;
    size_t total;
};

arena_t *arena_new(void)
{
    return calloc(1, sizeof(arena_t));
}

void arena_free(arena_t *a)
{
    if (!a)
        return;
    arena_block_t *b = a->head;
    while (b) {
        arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *arena_alloc(arena_t *a, size_t size)
{
    const size_t align = ARENA_ALIGN;
    size = (size + align - 1) & ~(align - 1);
    if (size == 0)
        size = align;
    arena_block_t *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->size = cap;
        /* A block made for one big object goes behind the current one, so
         * the current block's free space is not abandoned. */
        if (cap > ARENA_BLOCK && a->head) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += size;
    a->total += size;
    memset(p, 0, size);
    return p;
}

/* Strings need no alignment: they are packed at the end of the newest
 * block when they fit, so short names do not cost 16 bytes each. */
char *arena_strndup(arena_t *a, const char *s, size_t len)
{
    arena_block_t *b = a->head;
    char *p;
    if (b && b->size - b->used >= len + 1) {
        p = (char *)b->data + b->size - (len + 1);
        b->size -= len + 1;
        a->total += len + 1;
    } else {
        p = arena_alloc(a, len + 1);
        if (!p)
            return NULL;
    }
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

size_t arena_used(const arena_t *a)
{
    return a->total;
}
