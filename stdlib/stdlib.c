/* stdlib.c: registers the standard library's tables, and the argument
 * readers the modules share. */
#define _GNU_SOURCE     /* memmem */
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
    resource_registry_states = registry_records_states;
    resource_registry_records = registry_records_now;
    resource_remote_state = http_remote_state;
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
    /* The valid bytes go in runs, one copy each (an answer's body is
     * mostly one run): a copy a character cost more than the rest of
     * reading an answer. */
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)b[i];
        size_t k = c < 0x80 ? 1 : utf8_char_len((const unsigned char *)b + i,
                                                n - i);
        if (k == 1 && c >= 0x80) {
            strbuf_put(out, b + run, i - run);
            strbuf_puts(out, "\xEF\xBF\xBD");
            run = i + 1;
        }
        i += k;
    }
    strbuf_put(out, b + run, n - run);
}

/* ---- secrets where they leave mig (docs/values.md, "Secrets") ---------- */

mig_status_t stdlib_reveal(action_ctx_t *c, const char *action,
                           const val_t *v, const char *what, val_t *secrets,
                           strbuf_t *b)
{
    const char *bytes;
    size_t len;
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = val_secret_reveal(v, &bytes, &len, &why);
    if (st == MIG_EINVALID)
        st = actx_fail(c, "InvalidConfig", "%s: the secret in %s cannot be "
                       "read again: %s", action, what,
                       why.data ? why.data : "?");
    else if (st == MIG_OK) {
        strbuf_put(b, bytes, len);
        st = val_list_push(secrets, (val_t *)v);
    }
    strbuf_free(&why);
    return st;
}

void stdlib_scrub(strbuf_t *b, const val_t *secrets, bool cut)
{
    for (size_t k = 0; k < val_len(secrets) && b->data; k++) {
        const char *s;
        size_t n;
        strbuf_t why, out;
        strbuf_init(&why);
        bool ok = val_secret_reveal(val_list_get(secrets, k), &s, &n, &why)
                  == MIG_OK && n > 0;
        strbuf_free(&why);
        if (!ok)
            continue;
        strbuf_init(&out);
        for (size_t i = 0; i < b->len;) {
            const char *at = memmem(b->data + i, b->len - i, s, n);
            size_t upto = at ? (size_t)(at - b->data) : b->len;
            strbuf_put(&out, b->data + i, upto - i);
            if (at)
                strbuf_puts(&out, SECRET_MASK);
            i = at ? upto + n : upto;
        }
        for (size_t j = n - 1; cut && j > 0 && !out.oom; j--)
            if (out.len >= j && memcmp(out.data + out.len - j, s, j) == 0) {
                out.len -= j;
                strbuf_puts(&out, SECRET_MASK);
                break;
            }
        if (out.oom) {          /* keep nothing rather than the secret */
            strbuf_free(&out);
            b->len = 0;
            continue;
        }
        strbuf_free(b);
        *b = out;
    }
}
