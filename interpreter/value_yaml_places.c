/* value_yaml_places.c: the table of where each node of a YAML document
 * is, which the reader (value_yaml.c) fills when asked, so that the
 * configuration's checks (config.c) can name file:line:col. */
#include <stdlib.h>
#include <string.h>

#include "interpreter_int.h"

mig_status_t yaml_places_add(yaml_places_t *p, const char *path,
                             const src_span_t *key, const src_span_t *value)
{
    char *copy = strdup(path);
    if (!copy || !val_grow((void **)&p->items, &p->cap, p->len,
                           sizeof(*p->items))) {
        free(copy);
        return MIG_ENOMEM;
    }
    p->items[p->len++] = (yaml_place_t){ copy, *key, *value };
    return MIG_OK;
}

const yaml_place_t *yaml_places_find(const yaml_places_t *p, const char *path)
{
    /* The last one: a key merged over keeps its later place. */
    for (size_t i = p->len; i-- > 0;)
        if (strcmp(p->items[i].path, path) == 0)
            return &p->items[i];
    return NULL;
}

void yaml_places_free(yaml_places_t *p)
{
    for (size_t i = 0; i < p->len; i++)
        free(p->items[i].path);
    free(p->items);
    *p = (yaml_places_t){ 0 };
}

void val_pointer_key(strbuf_t *b, const char *key, size_t len)
{
    strbuf_putc(b, '/');
    for (size_t i = 0; i < len; i++) {
        if (key[i] == '~')
            strbuf_puts(b, "~0");
        else if (key[i] == '/')
            strbuf_puts(b, "~1");
        else
            strbuf_putc(b, key[i]);
    }
}
