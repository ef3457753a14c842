/* registry_validate.c: the V2 descriptor's JSON Schema (the embedded
 * stdlib/v2-descriptor.schema.json, docs/registry.md "Validation"), per
 * record kind, and the one way its violations are told: what
 * tools.normalize checks its result with, and (registry_check) what the
 * registry's changing actions check every record with before they store
 * it. */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "registry_int.h"

/* The embedded schema, generated at build time (stdlib/CMakeLists.txt). */
extern const unsigned char tools_v2_schema_json[];
extern const size_t tools_v2_schema_len;

/* The schema for KIND ("tool", "server", "rag"): the whole schema with
 * its oneOf replaced by a $ref to that kind's definition, so that the
 * messages name what is wrong rather than "matches none". Parsed once per
 * kind, kept for the life of the process; NULL when out of memory. */
static val_t *kind_schema(const char *kind)
{
    static val_t *kinds[3];
    size_t i = strcmp(kind, "tool") == 0 ? 0 : strcmp(kind, "server") == 0
                                                   ? 1 : 2;
    if (kinds[i])
        return kinds[i];
    src_t *src = src_from_memory("v2-descriptor.schema.json",
                                 (const char *)tools_v2_schema_json,
                                 tools_v2_schema_len);
    diag_list_t d;
    diag_list_init(&d);
    val_t *schema = NULL;
    char ref[32];
    snprintf(ref, sizeof ref, "#/$defs/%s", kind);
    if (src && val_from_json(src, &d, &schema) == MIG_OK) {
        val_map_delete(schema, "oneOf", 5);
        if (val_map_set_take(schema, "$ref", 4, val_cstring(ref)) == MIG_OK)
            kinds[i] = schema;
        else
            val_unref(schema);
    }
    diag_list_free(&d);
    src_free(src);
    return kinds[i];
}

mig_status_t registry_validate(const val_t *d, const char *kind,
                               val_t *errors)
{
    assert(registry_kind_table(kind));
    val_t *schema = kind_schema(kind);
    if (!schema)
        return MIG_ENOMEM;
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = schema_validate_from(d, schema, "", NULL,
                                           SCHEMA_POINTER, errors, &why);
    strbuf_free(&why);
    /* The schema is ours and checked by the tests: a keyword of the wrong
     * kind in it would be a bug, not a violation of D. */
    assert(st != MIG_EINVALID);
    return st;
}

/* The descriptors noted valid, a ring: each held with its kind and
 * content digest. Looked up by identity: a held value is shared, and a
 * shared value never changes, so the one found is the one validated. */
static struct {
    val_t *d;
    const char *kind;           /* a registry_kind_table kind (static) */
    char digest[8 + BLOB_HEX];
} valid[REGISTRY_VALID_KEPT];
static size_t next_valid;

void registry_note_valid(val_t *d, const char *kind, const char *digest)
{
    static const char *const kinds[] = { "tool", "server", "rag" };
    size_t k = 0;
    while (kind && k < 3 && strcmp(kinds[k], kind) != 0)
        k++;
    if (!d || k == 3 || !digest || strlen(digest) >= sizeof valid[0].digest)
        return;     /* not noted: validated when put */
    val_unref(valid[next_valid].d);
    valid[next_valid].d = val_ref(d);
    valid[next_valid].kind = kinds[k];
    snprintf(valid[next_valid].digest, sizeof valid[0].digest, "%s", digest);
    next_valid = (next_valid + 1) % REGISTRY_VALID_KEPT;
}

const char *registry_known_valid(const val_t *d, const char *kind)
{
    for (size_t i = 0; d && kind && i < REGISTRY_VALID_KEPT; i++)
        if (valid[i].d == d && strcmp(valid[i].kind, kind) == 0)
            return valid[i].digest;
    return NULL;
}

mig_status_t registry_violations_text(const val_t *errors, strbuf_t *out)
{
    size_t n = val_len(errors);
    for (size_t i = 0; i < n && i < REGISTRY_VIOLATIONS_SHOWN; i++) {
        const val_t *e = val_list_get(errors, i);
        const char *p = stdlib_arg_str(e, "pointer");
        const char *m = stdlib_arg_str(e, "message");
        strbuf_printf(out, "%s%s: %s", i ? "; " : "",
                      p && *p ? p : "(root)", m ? m : "");
    }
    if (n > REGISTRY_VIOLATIONS_SHOWN)
        strbuf_printf(out, "; and %zu more", n - REGISTRY_VIOLATIONS_SHOWN);
    return out->oom ? MIG_ENOMEM : MIG_OK;
}

mig_status_t registry_check(action_ctx_t *c, const char *action,
                            const char *kind, const char *name,
                            const val_t *next)
{
    val_t *errors = val_list_new(0);
    mig_status_t st = errors ? registry_validate(next, kind, errors)
                             : MIG_ENOMEM;
    if (st != MIG_OK || val_len(errors) == 0) {
        val_unref(errors);
        return st;
    }
    strbuf_t b;
    strbuf_init(&b);
    st = registry_violations_text(errors, &b);
    if (st == MIG_OK)
        st = actx_fail(c, "ValidationFailed", "%s: the %s '%s' is not a "
                       "valid V2 descriptor (%zu problem%s): %s", action,
                       kind, name, val_len(errors),
                       val_len(errors) == 1 ? "" : "s", b.data);
    strbuf_free(&b);
    val_t *detail = st == MIG_EINVALID ? val_map_new(1) : NULL;
    if (detail && val_map_set(detail, "errors", 6, errors) == MIG_OK)
        actx_set_error_detail(c, detail);
    else
        val_unref(detail);
    val_unref(errors);
    return st;
}
