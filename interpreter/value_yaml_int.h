/* value_yaml_int.h: what the YAML reader's two files share: value_yaml.c
 * (libyaml's events, scalars and tags, the entry points) and
 * value_yaml_build.c (anchors, map keys and '<<' merges, the nodes'
 * places). Nothing else includes it. */
#ifndef MIG_VALUE_YAML_INT_H
#define MIG_VALUE_YAML_INT_H

#include "interpreter_int.h"

#include <yaml.h>

/* ---- the reader's state ------------------------------------------------ */

/* What the reader knows of each entry of a map being built. */
typedef struct ykey {
    src_span_t span;
    bool explicit_key;       /* written in this map, not merged from '<<' */
} ykey_t;

/* One open list or map. */
typedef struct yframe {
    val_t *v;
    bool is_map;
    bool have_key;           /* a key was read; its value comes next */
    bool merge;              /* ... and that key is '<<' */
    bool merged;             /* this map had a '<<' already */
    val_t *key;              /* the pending key, a string */
    src_span_t key_span, merge_span, span;
    size_t size;             /* nodes, with aliases counted expanded */
    size_t anchor;           /* its anchor's index, or VAL_NPOS */
    uint32_t serial;         /* ... and that anchor's definition */
    char *tag;               /* lenient: an unknown tag to wrap it in */
    ykey_t *keys;            /* one per entry of V */
    size_t cap_keys;
} yframe_t;

/* An anchor: names are an index in yread_t.anchor_names. */
typedef struct yanchor {
    val_t *value;            /* NULL while its node is still open */
    size_t size;
    uint32_t serial;
} yanchor_t;

typedef struct yread {
    src_t *src;
    diag_list_t *diags;
    val_loc_t loc;
    yaml_parser_t parser;
    yframe_t *frames;
    size_t n_frames, max_depth;
    val_t *anchor_names;     /* a map: name -> null, for its index */
    val_t *keys;             /* see val_intern */
    yanchor_t *anchors;
    size_t cap_anchors;
    uint32_t serial;
    size_t aliased;          /* val_size reached through aliases so far */
    bool stream;             /* every document, into DOCS */
    bool lenient;            /* val_from_yaml_lenient */
    yaml_places_t *places;   /* val_from_yaml_places: where each node is */
    size_t n_docs;
    val_t *root, *docs;
} yread_t;

/* ---- value_yaml.c ----------------------------------------------------- */

/* Adds an error at SPAN of R's source; the diagnostic, for a hint. */
diag_t *yread_error(yread_t *r, const src_span_t *span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A failed push or set: out of memory, or (through aliases, which can
 * stack values deeper than the text nests) too deep. */
mig_status_t yread_add_failed(yread_t *r, mig_status_t st,
                              const src_span_t *span);

/* ---- value_yaml_build.c ----------------------------------------------- */

/* Defines anchor NAME for VALUE (NULL: a list or map still open). Sets
 * *INDEX and *SERIAL to identify this definition. */
mig_status_t yread_define_anchor(yread_t *r, const char *name, val_t *value,
                                 size_t size, size_t *index, uint32_t *serial);
/* Drops every anchor of R (a document ends). */
void yread_drop_anchors(yread_t *r);
/* Takes key TEXT for the map on top. MERGE: it is a plain '<<'. */
mig_status_t yread_take_key(yread_t *r, yframe_t *f, const char *text,
                            size_t len, const src_span_t *span, bool merge);
/* Places the finished node V (taken; SIZE nodes expanded) in the list or
 * map on top, or as the document. */
mig_status_t yread_place(yread_t *r, val_t *v, size_t size,
                         const src_span_t *span);
/* The frame on top when its next node is a map key, else NULL. */
yframe_t *yread_key_frame(yread_t *r);
/* Says that a map key at SPAN is WHAT, not a scalar. */
mig_status_t yread_not_scalar_key(yread_t *r, const src_span_t *span,
                                  const char *what);

#endif
