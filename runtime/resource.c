/* resource.c: the one interface through which rollback verification sees
 * every kind of resource a run manages (runtime.h, "managed resources"):
 * a row per kind in resource_kinds, found by the prefix of a resource's
 * id: files, the V2 registry's records, and remote records (an HTTP
 * resource that http.request reads and restores). The runtime journals each resource's
 * state before a step and after it (the after-image), records the states
 * at a checkpoint with their digest, and rollback (rollback_verify.c)
 * compares through the functions below. */
#include <stdlib.h>
#include <string.h>

#include "actx_int.h"

/* ---- the kinds ------------------------------------------------------------ */

static mig_status_t file_state(action_ctx_t *ctx, const char *id,
                               const val_t *expect, strbuf_t *out)
{
    (void)expect;
    return actx_state(ctx, id, out);
}

mig_status_t (*resource_registry_state)(action_ctx_t *ctx, const char *id,
                                        const val_t *expect, strbuf_t *out);

static mig_status_t registry_state(action_ctx_t *ctx, const char *id,
                                   const val_t *expect, strbuf_t *out)
{
    if (!resource_registry_state)
        return actx_fail(ctx, "InvalidConfig", "'%s': registry records "
                         "need the standard library", id);
    return resource_registry_state(ctx, id, expect, out);
}

mig_status_t (*resource_registry_states)(action_ctx_t *ctx,
                                         const val_t *ids, val_t *out);

static mig_status_t registry_states(action_ctx_t *ctx, const val_t *ids,
                                    val_t *out)
{
    return resource_registry_states ? resource_registry_states(ctx, ids, out)
                                    : MIG_OK;
}

mig_status_t (*resource_remote_state)(action_ctx_t *ctx, const char *id,
                                      strbuf_t *out);

static mig_status_t remote_state(action_ctx_t *ctx, const char *id,
                                 const val_t *expect, strbuf_t *out)
{
    (void)expect;
    if (!resource_remote_state)
        return actx_fail(ctx, "InvalidConfig", "'%s': remote records "
                         "need the standard library", id);
    return resource_remote_state(ctx, id, out);
}

/* The table, most specific prefix first; the last row (prefix "") takes
 * every id the others do not: a path. */
static const resource_kind_t resource_kinds[] = {
    { .name = "registry", .prefix = "registry:", .state = registry_state,
      .states = registry_states,
      .doc = "A record of the V2 registry, named registry:DB#KIND/NAME (DB "
             "as the plan wrote it): \"absent\", or \"record:\" and the "
             "BLAKE2b-256 of the record's canonical JSON (of a remote "
             "registry's, without digest, created and updated, which its "
             "server sets)." },
    { .name = "remote", .prefix = "remote:", .state = remote_state,
      .doc = "A record an HTTP endpoint keeps, named remote:URL (what "
             "http.request's before: reads): \"absent\" when a GET answers "
             "404 or 410, else \"record:\" and the BLAKE2b-256 of the body "
             "a GET answers." },
    { .name = "file", .prefix = "", .state = file_state,
      .doc = "A file or directory, named by its path relative to the plan: "
             "\"absent\", \"dir\", or \"file:\" and the BLAKE2b-256 of its "
             "bytes." },
};

#define N_KINDS (sizeof resource_kinds / sizeof *resource_kinds)

const resource_kind_t *resource_kind_of(const char *id)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        size_t n = strlen(resource_kinds[i].prefix);
        if (strncmp(id, resource_kinds[i].prefix, n) == 0)
            return &resource_kinds[i];
    }
    return &resource_kinds[N_KINDS - 1];
}

/* ---- states and digests --------------------------------------------------- */

mig_status_t resource_state(action_ctx_t *ctx, const char *id, strbuf_t *out)
{
    return resource_state_expect(ctx, id, NULL, out);
}

mig_status_t resource_state_expect(action_ctx_t *ctx, const char *id,
                                   const val_t *expect, strbuf_t *out)
{
    const char *known = actx_known_state(ctx, id);
    if (known) {
        strbuf_puts(out, known);
        return out->oom ? MIG_ENOMEM : MIG_OK;
    }
    return resource_kind_of(id)->state(ctx, id, expect, out);
}

bool resource_same(const char *id, const char *recorded, const char *now)
{
    const resource_kind_t *k = resource_kind_of(id);
    return k->same ? k->same(recorded, now) : strcmp(recorded, now) == 0;
}

mig_status_t resource_states_together(action_ctx_t *ctx, const val_t *ids,
                                      val_t **out)
{
    val_t *m = val_map_new(16);
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    for (size_t k = 0; st == MIG_OK && k < N_KINDS; k++) {
        if (!resource_kinds[k].states)
            continue;
        /* The ids of kind K whose state the context does not know. */
        val_t *l = val_list_new(16);
        for (size_t i = 0; l && i < val_len(ids); i++) {
            const char *id = val_get_str(val_map_key(ids, i), NULL);
            if (resource_kind_of(id) == &resource_kinds[k]
                && !actx_known_state(ctx, id)
                && val_list_push(l, val_map_key(ids, i)) != MIG_OK) {
                val_unref(l);
                l = NULL;
            }
        }
        st = !l ? MIG_ENOMEM : val_len(l) ? resource_kinds[k].states(ctx, l, m)
                                          : MIG_OK;
        val_unref(l);
    }
    if (st != MIG_OK) {
        val_unref(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}

mig_status_t resource_states(action_ctx_t *ctx, const val_t *ids,
                             val_t **out)
{
    val_t *m = val_map_new(val_len(ids)), *got = NULL;
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = m ? resource_states_together(ctx, ids, &got)
                        : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(ids); i++) {
        size_t len;
        const char *id = val_get_str(val_map_key(ids, i), &len);
        val_t *known = val_map_get(got, id, len);
        if (known) {
            st = val_map_set(m, id, len, known);
            continue;
        }
        b.len = 0;
        st = resource_state(ctx, id, &b);
        if (st == MIG_OK)
            st = b.oom ? MIG_ENOMEM
                : val_map_set_take(m, id, len, val_string(b.data ? b.data : "",
                                                          b.len));
    }
    strbuf_free(&b);
    val_unref(got);
    if (st != MIG_OK) {
        val_unref(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}

mig_status_t resource_declare(action_ctx_t *ctx, const char *id)
{
    size_t len = strlen(id);
    if (val_map_get(ctx->resources, id, len))
        return MIG_OK;
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = resource_state(ctx, id, &b);
    if (st == MIG_OK)
        st = b.oom ? MIG_ENOMEM
            : val_map_set_take(ctx->resources, id, len,
                               val_string(b.data ? b.data : "", b.len));
    strbuf_free(&b);
    return st;
}

/* An id and its state, as resource_digest sorts them. */
typedef struct id_state {
    const char *id, *state;
    size_t len;
} id_state_t;

/* Ids in byte order (what val_compare does for strings, without its
 * generality: the digest sorts every managed id). */
static int cmp_ids(const void *a, const void *b)
{
    const id_state_t *x = a, *y = b;
    int c = memcmp(x->id, y->id, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

void resource_digest(const val_t *states, char hex[BLOB_HEX])
{
    size_t n = val_len(states);
    id_state_t *ids = malloc((n ? n : 1) * sizeof(*ids));
    strbuf_t b;
    strbuf_init(&b);
    if (ids) {
        /* Each id with its state, read once, then sorted together. */
        for (size_t i = 0; i < n; i++) {
            ids[i].id = val_get_str(val_map_key(states, i), &ids[i].len);
            ids[i].state = val_get_str(val_map_value(states, i), NULL);
        }
        qsort(ids, n, sizeof(*ids), cmp_ids);
        for (size_t i = 0; i < n; i++) {
            strbuf_put(&b, ids[i].id, ids[i].len);
            strbuf_putc(&b, '\0');
            strbuf_puts(&b, ids[i].state);
            strbuf_putc(&b, '\n');
        }
    }
    if (!ids || b.oom)
        memset(hex, '0', BLOB_HEX - 1), hex[BLOB_HEX - 1] = '\0';
    else
        blobs_hash(b.data ? b.data : "", b.len, hex);
    strbuf_free(&b);
    free(ids);
}
