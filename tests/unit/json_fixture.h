/* json_fixture.h: what tests that write values as JSON share: json(),
 * the value of a JSON text written with ' for " so that it sits in a C
 * string unescaped. */
#ifndef MIG_JSON_FIXTURE_H
#define MIG_JSON_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "interpreter.h"

/* The value of TEXT, JSON with ' for " (new); fails the test when it is
 * not JSON. */
__attribute__((unused))
static val_t *json(const char *text)
{
    char *j = strdup(text);
    assert_non_null(j);
    for (char *p = j; *p; p++)
        if (*p == '\'')
            *p = '"';
    src_t *src = src_from_memory("<test>", j, strlen(j));
    diag_list_t d;
    diag_list_init(&d);
    val_t *v = NULL;
    assert_int_equal(val_from_json(src, &d, &v), MIG_OK);
    diag_list_free(&d);
    src_free(src);
    free(j);
    return v;
}

#endif
