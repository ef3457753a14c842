/* value_json_int.h: what the JSON reader's two files share: value_json.c
 * (the scanner, the depth bound, jansson's errors placed, the entry
 * points) and value_json_build.c (jansson's tree made into values).
 * Nothing else includes it. */
#ifndef MIG_VALUE_JSON_INT_H
#define MIG_VALUE_JSON_INT_H

#include "interpreter_int.h"

#include <jansson.h>

/* ---- the scanner and the reader's state ---------------------------------- */

/* A token of the text, cut where jansson cuts it: [BEGIN, END). */
typedef enum jtok_kind {
    JT_EOF, JT_PUNCT, JT_STRING, JT_NUMBER, JT_WORD, JT_OTHER,
} jtok_kind_t;

typedef struct jtok {
    jtok_kind_t kind;
    size_t begin, end;
} jtok_t;

/* A walk over S[0, LEN), at POS. */
typedef struct jscan {
    const char *s;
    size_t len, pos;
} jscan_t;

/* One reading of a JSON text. */
typedef struct jread {
    src_t *src;
    diag_list_t *diags;
    const char *s;
    size_t len, start;       /* START: after a byte-order mark */
    val_loc_t loc;
    jscan_t numbers;         /* walks the number tokens in document order */
    val_t *keys;             /* see val_intern */
} jread_t;

/* ---- value_json.c ------------------------------------------------------ */

/* The token at SC->pos (after white space), and SC->pos past it. */
jtok_t jscan_next(jscan_t *sc);

/* ---- value_json_build.c ------------------------------------------------ */

/* Converts jansson's tree ROOT, iteratively (it is at most VAL_MAX_DEPTH
 * deep), into *OUT; ROOT's lists and maps are emptied as they are done.
 * Each number is matched with the next number token of R->numbers, which
 * says whether it was written as an integer. MIG_OK, MIG_ENOMEM, or
 * MIG_EINVALID (deeper than VAL_MAX_DEPTH: the depth scan prevents it). */
mig_status_t jread_build(jread_t *r, json_t *root, val_t **out);

#endif
