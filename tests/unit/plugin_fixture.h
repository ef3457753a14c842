/* plugin_fixture.h: what the plugin readers' tests share
 * (test_tools_plugin.c, test_tools_openapi.c): tools_fixture.h, the
 * family's bounds, and a getter for members deep in a result. */
#ifndef MIG_PLUGIN_FIXTURE_H
#define MIG_PLUGIN_FIXTURE_H

#include "tools_fixture.h"
#include "reader_plugin.h"

#define CORPUS "../shared/corpus/"
#define DATA "tests/data/legacy/"

/* The member at slash-separated PATH of V ("tools/0/name" style keys
 * only, a number for a list index). */
__attribute__((unused))
static val_t *at(const val_t *v, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "/"); v && tok; tok = strtok(NULL, "/"))
        v = val_type(v) == VAL_LIST ? val_list_get(v, (size_t)atoi(tok))
                                    : get(v, tok);
    return (val_t *)v;
}

__attribute__((unused))
static const char *at_json(const val_t *v, const char *path)
{
    val_t *m = at(v, path);
    assert_non_null(m);
    return json(m);
}

#endif
