/* errclass.c: the table of built-in error classes (interpreter.h,
 * ERROR_CLASSES): their names and parents, for the checker, the graph's
 * handler order and the runtime's matching. */
#include <string.h>

#include "interpreter_int.h"

static const struct {
    const char *name;
    error_class_t parent;
} classes[] = {
#define ERROR_CLASS_ROW(e, s, p) { s, ERROR_##p },
    ERROR_CLASSES(ERROR_CLASS_ROW)
#undef ERROR_CLASS_ROW
};

error_class_t error_class_find(const char *name)
{
    for (int i = 0; i < ERROR_CLASS_COUNT; i++)
        if (strcmp(classes[i].name, name) == 0)
            return (error_class_t)i;
    return ERROR_NONE;
}

const char *error_class_name(error_class_t c)
{
    return c < ERROR_CLASS_COUNT ? classes[c].name : "?";
}

error_class_t error_class_parent(error_class_t c)
{
    return c < ERROR_CLASS_COUNT ? classes[c].parent : ERROR_NONE;
}
