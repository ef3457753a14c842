/* json_fixture.h: a value from JSON text in which ' stands for " (so a
 * test writes JSON inside a C string without escapes), for the unit tests
 * that build records and schemas. Include it after cmocka.h. */
#ifndef MIG_JSON_FIXTURE_H
#define MIG_JSON_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "interpreter.h"

/* TEXT parsed as JSON, as a new value; the test fails when it is not
 * JSON. */
static inline val_t *json_parse(const char *text)
{
    src_t *src = src_from_memory("<test>", text, strlen(text));
    assert_non_null(src);
    diag_list_t d;
    diag_list_init(&d);
    val_t *v = NULL;
    assert_int_equal(val_from_json(src, &d, &v), MIG_OK);
    diag_list_free(&d);
    src_free(src);
    return v;
}

/* TEXT parsed as JSON once each ' is ", as a new value; the test fails
 * when it is not JSON. */
static inline val_t *json_value(const char *text)
{
    char *j = strdup(text);
    assert_non_null(j);
    for (char *p = j; *p; p++)
        if (*p == '\'')
            *p = '"';
    val_t *v = json_parse(j);
    free(j);
    return v;
}

#endif
