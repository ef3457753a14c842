/* stdlib.c: registers the standard library's tables, and the argument
 * readers the modules share. */
#include <string.h>

#include "stdlib_int.h"

mig_status_t stdlib_register(action_registry_t *r)
{
    static const struct {
        const action_t *rows;
        const size_t *count;
    } modules[] = {
        { stdlib_file_actions, &stdlib_file_count },
        { stdlib_exec_actions, &stdlib_exec_count },
        { stdlib_log_actions, &stdlib_log_count },
        { stdlib_schema_actions, &stdlib_schema_count },
        { stdlib_normalize_actions, &stdlib_normalize_count },
        { stdlib_test_actions, &stdlib_test_count },
        { stdlib_test_api_actions, &stdlib_test_api_count },
        { stdlib_tools_actions, &stdlib_tools_count },
        { stdlib_registry_actions, &stdlib_registry_count },
        { stdlib_translate_actions, &stdlib_translate_count },
        { stdlib_http_actions, &stdlib_http_count },
    };
    resource_registry_state = registry_record_state;
    resource_registry_records = registry_records_now;
    for (size_t i = 0; i < sizeof modules / sizeof *modules; i++) {
        mig_status_t st = action_registry_add(r, modules[i].rows,
                                              *modules[i].count);
        if (st != MIG_OK)
            return st;
    }
    return action_registry_add_handlers(r, stdlib_adapt_handlers,
                                        stdlib_adapt_count);
}

val_t *stdlib_arg(const val_t *args, const char *name)
{
    return val_map_get(args, name, strlen(name));
}

const char *stdlib_arg_str(const val_t *args, const char *name)
{
    val_t *v = stdlib_arg(args, name);
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

mig_status_t stdlib_content(const val_t *content, strbuf_t *out)
{
    if (val_type(content) == VAL_STRING) {
        size_t len;
        const char *s = val_get_str(content, &len);
        strbuf_put(out, s, len);
        return out->oom ? MIG_ENOMEM : MIG_OK;
    }
    mig_status_t st = val_to_json(content, out, VAL_JSON_PRETTY);
    strbuf_putc(out, '\n');
    return st == MIG_OK && out->oom ? MIG_ENOMEM : st;
}

void stdlib_put_lossy(strbuf_t *out, const char *b, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = utf8_char_len((const unsigned char *)b + i, n - i);
        if (k == 1 && (unsigned char)b[i] >= 0x80)
            strbuf_puts(out, "\xEF\xBF\xBD");
        else
            strbuf_put(out, b + i, k);
        i += k;
    }
}
