/* registry_drift.c: how a registry differs from what the last successful
 * run left (`mig drift`, docs/drift.md): the records' drift digests, kept
 * at the end of each successful run (runtime/baseline.c), compared with
 * the registry's now; the field-level diff of a changed record is the
 * preview's (registry_diff); and the plan that brings the registry back
 * (`mig drift --fix`), written from the records' kept content. */
#define _GNU_SOURCE     /* memmem */
#include <stdlib.h>
#include <string.h>

#include "registry_int.h"

/* ---- digests and the registry now --------------------------------------- */

mig_status_t registry_drift_text(const val_t *rec, strbuf_t *out)
{
    val_t *m = val_map_new(val_len(rec));
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(rec); i++) {
        size_t len;
        const char *k = val_get_str(val_map_key(rec, i), &len);
        if (!registry_bookkeeping(k, len))
            st = val_map_set(m, k, len, val_map_value(rec, i));
    }
    if (st == MIG_OK)
        st = registry_canonical(m, out);
    val_unref(m);
    return st;
}

/* ---- drift text from canonical bytes -------------------------------------
 * The drift text of a record is its canonical JSON without its top-level
 * bookkeeping fields. When the stored text is known to be canonical
 * (registry_known_canonical: this process wrote it), those fields are cut
 * out of the text itself: in canonical JSON (two-space indent, strings
 * with every control character escaped) each top-level member starts a
 * line with exactly two spaces and a quote, and nothing else does, so the
 * members are the pieces between those starts, and what is left of them,
 * joined again, is the text registry_drift_text writes for the parsed
 * record. */

/* Appends to OUT the drift text of TEXT (LEN bytes, canonical) and sets
 * *NAME and *NLEN to its "name" (plain characters); false (OUT as it
 * was) when TEXT is not of that shape, or its name is not plain. */
static bool drift_from_canonical(const char *text, size_t len, strbuf_t *out,
                                 const char **name, size_t *nlen)
{
    static const char start[] = "\n  \"";
    if (len < 8 || memcmp(text, "{\n  \"", 5) != 0
        || memcmp(text + len - 3, "\n}\n", 3) != 0)
        return false;
    size_t mark = out->len;
    bool any = false;
    *name = NULL;
    strbuf_puts(out, "{\n");
    const char *p = text + 2, *end = text + len - 3;
    while (p < end) {
        const char *next = memmem(p + 1, (size_t)(end - p - 1), start,
                                  sizeof start - 1);
        const char *stop = next ? next - 1 : end;   /* the ',' or the end */
        const char *key = p + 3;
        const char *q = stop > key ? memchr(key, '"', (size_t)(stop - key))
                                   : NULL;
        if (!q || (next && *stop != ',') || q + 3 > stop || q[1] != ':') {
            out->len = mark;
            return false;
        }
        if (q - key == 4 && memcmp(key, "name", 4) == 0 && q[3] == '"') {
            *name = q + 4;
            const char *close = memchr(*name, '"', (size_t)(stop - *name));
            *nlen = close ? (size_t)(close - *name) : 0;
            if (!close || memchr(*name, '\\', *nlen) || close + 1 != stop)
                *name = NULL;
        }
        if (!registry_bookkeeping(key, (size_t)(q - key))) {
            if (any)
                strbuf_puts(out, ",\n");
            strbuf_put(out, p, (size_t)(stop - p));
            any = true;
        }
        p = next ? next + 1 : end;
    }
    if (!*name) {
        out->len = mark;
        return false;
    }
    if (!any) {
        out->len = mark;
        strbuf_puts(out, "{}");
    } else
        strbuf_puts(out, "\n}");
    strbuf_putc(out, '\n');
    return true;
}

/* Appends {kind, name, digest, text} to OUT: the drift text in B (taken
 * here), NAME (NLEN bytes). */
static mig_status_t push_entry(val_t *out, const char *kind, const char *name,
                               size_t nlen, strbuf_t *b)
{
    char hex[BLOB_HEX];
    blobs_hash(b->data ? b->data : "", b->len, hex);
    val_t *m = b->oom ? NULL : val_map_new(4);
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(m, "kind", 4, val_cstring(kind));
    if (st == MIG_OK)
        st = val_map_set_take(m, "name", 4, val_string(name, nlen));
    if (st == MIG_OK)
        st = val_map_set_take(m, "digest", 6, val_cstring(hex));
    if (st == MIG_OK)
        st = val_map_set_take(m, "text", 4, val_string(b->data ? b->data : "",
                                                       b->len));
    strbuf_free(b);
    if (st == MIG_OK)
        return val_list_push_take(out, m);
    val_unref(m);
    return st;
}

/* Appends {kind, name, digest, text} for REC, of KIND, to OUT. */
static mig_status_t push_now(val_t *out, const char *kind, const val_t *rec)
{
    strbuf_t b;
    strbuf_init(&b);
    char hex[BLOB_HEX];
    mig_status_t st = registry_drift_text(rec, &b);
    if (st == MIG_OK)
        blobs_hash(b.data ? b.data : "", b.len, hex);
    val_t *m = st == MIG_OK ? val_map_new(4) : NULL;
    if (st == MIG_OK && !m)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(m, "kind", 4, val_cstring(kind));
    if (st == MIG_OK)
        st = val_map_set(m, "name", 4, stdlib_arg(rec, "name"));
    if (st == MIG_OK)
        st = val_map_set_take(m, "digest", 6, val_cstring(hex));
    if (st == MIG_OK)
        st = val_map_set_take(m, "text", 4, val_string(b.data ? b.data : "",
                                                       b.len));
    strbuf_free(&b);
    if (st == MIG_OK)
        return val_list_push_take(out, m);
    val_unref(m);
    return st;
}

/* Appends the entry of the stored row R ({name, text}) of KIND to OUT:
 * from its bytes when they are known canonical and name the row's record,
 * else from the record parsed. */
static mig_status_t push_row(action_ctx_t *c, val_t *out, const char *kind,
                             const val_t *r)
{
    size_t len, rlen, nlen = 0;
    const char *text = val_get_str(val_map_get(r, "text", 4), &len);
    const char *row = val_get_str(val_map_get(r, "name", 4), &rlen);
    const char *name;
    char hex[BLOB_HEX];
    strbuf_t b;
    strbuf_init(&b);
    blobs_hash(text, len, hex);
    if (registry_known_canonical(hex)
        && drift_from_canonical(text, len, &b, &name, &nlen)
        && nlen == rlen && memcmp(name, row, rlen) == 0)
        return push_entry(out, kind, name, nlen, &b);
    strbuf_free(&b);
    val_t *rec = NULL;
    mig_status_t st = registry_parse_text(c, text, len, row, &rec);
    if (st == MIG_OK)
        st = push_now(out, kind, rec);
    val_unref(rec);
    return st;
}

mig_status_t registry_records_now(action_ctx_t *c, const char *db,
                                  val_t **out)
{
    val_t *all = val_list_new(16);
    mig_status_t st = all ? MIG_OK : MIG_ENOMEM;
    const char *kind;
    for (size_t k = 0; st == MIG_OK && (kind = registry_kind_at(k)); k++) {
        val_t *rows = NULL, *recs = NULL;
        st = registry_list_texts(c, db, kind, &rows);
        for (size_t i = 0; st == MIG_OK && rows && i < val_len(rows); i++)
            st = push_row(c, all, kind, val_list_get(rows, i));
        if (st == MIG_OK && !rows)
            st = registry_list_records(c, db, kind, &recs);
        for (size_t i = 0; st == MIG_OK && recs && i < val_len(recs); i++)
            st = push_now(all, kind, val_list_get(recs, i));
        val_unref(rows);
        val_unref(recs);
    }
    if (st != MIG_OK) {
        val_unref(all);
        return st;
    }
    *out = all;
    return MIG_OK;
}

/* ---- the comparison ------------------------------------------------------ */

/* Orders two {kind, name, ...} maps by kind, then name (bytes). */
static int cmp_record(const void *x, const void *y)
{
    const val_t *a = *(val_t *const *)x, *b = *(val_t *const *)y;
    int c = strcmp(stdlib_arg_str(a, "kind"), stdlib_arg_str(b, "kind"));
    return c ? c : strcmp(stdlib_arg_str(a, "name"),
                          stdlib_arg_str(b, "name"));
}

/* The items of L in a new array, sorted by cmp_record; NULL when out of
 * memory. */
static val_t **sorted(const val_t *l)
{
    size_t n = val_len(l);
    val_t **v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; v && i < n; i++)
        v[i] = val_list_get(l, i);
    if (v)
        qsort(v, n, sizeof *v, cmp_record);
    return v;
}

/* Appends {change, kind, name, then, now} to OUT (THEN, NOW: the digest
 * before and now, NULL: left out). */
static mig_status_t push_change(val_t *out, const char *change,
                                const val_t *rec, const val_t *then,
                                const val_t *now)
{
    val_t *m = val_map_new(5);
    mig_status_t st = m ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(m, "change", 6, val_cstring(change));
    if (st == MIG_OK)
        st = val_map_set(m, "kind", 4, stdlib_arg(rec, "kind"));
    if (st == MIG_OK)
        st = val_map_set(m, "name", 4, stdlib_arg(rec, "name"));
    if (st == MIG_OK && then)
        st = val_map_set(m, "then", 4, stdlib_arg(then, "digest"));
    if (st == MIG_OK && now)
        st = val_map_set(m, "now", 3, stdlib_arg(now, "digest"));
    if (st == MIG_OK)
        return val_list_push_take(out, m);
    val_unref(m);
    return st;
}

mig_status_t registry_drift_compare(const val_t *then, const val_t *now,
                                    val_t **out)
{
    val_t **a = sorted(then), **b = sorted(now);
    val_t *l = a && b ? val_list_new(4) : NULL;
    mig_status_t st = l ? MIG_OK : MIG_ENOMEM;
    size_t i = 0, j = 0, na = val_len(then), nb = val_len(now);
    while (st == MIG_OK && (i < na || j < nb)) {
        int c = i == na ? 1 : j == nb ? -1 : cmp_record(&a[i], &b[j]);
        if (c < 0) {
            st = push_change(l, "removed", a[i], a[i], NULL);
            i++;
        } else if (c > 0) {
            st = push_change(l, "added", b[j], NULL, b[j]);
            j++;
        } else {
            if (strcmp(stdlib_arg_str(a[i], "digest"),
                       stdlib_arg_str(b[j], "digest")) != 0)
                st = push_change(l, "changed", a[i], a[i], b[j]);
            i++;
            j++;
        }
    }
    free(a);
    free(b);
    if (st != MIG_OK) {
        val_unref(l);
        return st;
    }
    *out = l;
    return MIG_OK;
}

/* ---- one registry -------------------------------------------------------- */

/* The record the baseline kept as HEX (KIND NAME of the baseline: in
 * store S, or BLOBS for one recorded before schema 11; S NULL: BLOBS
 * only), a new value in *OUT; InvalidConfig through C when it cannot be
 * read. */
static mig_status_t kept_record(action_ctx_t *c, store_t *s, blobs_t *blobs,
                                const char *hex, const char *kind,
                                const char *name, val_t **out)
{
    strbuf_t b;
    strbuf_init(&b);
    diag_list_t d;
    diag_list_init(&d);
    src_t *src = NULL;
    mig_status_t st = s ? store_baseline_content(s, blobs, hex, &b)
                        : blobs_get(blobs, hex, &b);
    if (st == MIG_OK)
        st = (src = src_from_memory(hex, b.data ? b.data : "", b.len))
            ? val_from_json(src, &d, out) : MIG_ENOMEM;
    if (st != MIG_OK && st != MIG_ENOMEM)
        st = actx_fail(c, "InvalidConfig", "drift: the content %s %s had "
                       "is kept neither in the state store nor in the object "
                       "store as %.12s (a damaged state store, or an emptied "
                       ".mig/objects)", kind, name, hex);
    src_free(src);
    diag_list_free(&d);
    strbuf_free(&b);
    return st;
}

/* Adds to change CH (of DB) the fields that differ, and with WITH_RECORD
 * the record as the baseline had it (RECORD: a removed or changed one). */
static mig_status_t describe(action_ctx_t *c, store_t *s, blobs_t *blobs,
                             const char *db, const val_t *base, val_t *ch,
                             bool with_record)
{
    const char *change = stdlib_arg_str(ch, "change");
    const char *kind = stdlib_arg_str(ch, "kind");
    const char *name = stdlib_arg_str(ch, "name");
    if (strcmp(change, "added") == 0)
        return MIG_OK;
    val_t *then = NULL, *now = NULL, *fields = NULL;
    size_t more = 0;
    mig_status_t st = kept_record(c, s, blobs, stdlib_arg_str(base, "digest"),
                                  kind, name, &then);
    if (st == MIG_OK && strcmp(change, "changed") == 0)
        st = registry_get_record(c, db, kind, name, &now);
    if (st == MIG_OK && now)
        st = registry_diff(then, now, &fields, &more);
    if (st == MIG_OK && fields)
        st = val_map_set_take(ch, "fields", 6, val_ref(fields));
    if (st == MIG_OK && more)
        st = val_map_set_take(ch, "fields_more", 11, val_int((int64_t)more));
    if (st == MIG_OK && with_record)
        st = val_map_set_take(ch, "record", 6, val_ref(then));
    val_unref(then);
    val_unref(now);
    val_unref(fields);
    return st;
}

/* The entry of BASE (sorted as cmp_record) for change CH, or NULL. */
static const val_t *base_of(val_t **base, size_t n, const val_t *ch)
{
    val_t **hit = bsearch(&ch, base, n, sizeof *base, cmp_record);
    return hit ? *hit : NULL;
}

mig_status_t registry_drift(action_ctx_t *c, store_t *s, blobs_t *blobs,
                            const char *db, const val_t *baseline,
                            bool with_records, val_t **out)
{
    val_t *now = NULL, *changes = NULL, *m = NULL;
    val_t **base = sorted(baseline);
    mig_status_t st = base ? registry_records_now(c, db, &now) : MIG_ENOMEM;
    if (st == MIG_OK)
        st = registry_drift_compare(baseline, now, &changes);
    for (size_t i = 0; st == MIG_OK && i < val_len(changes); i++) {
        val_t *ch = val_list_get(changes, i);
        st = describe(c, s, blobs, db, base_of(base, val_len(baseline), ch),
                      ch, with_records);
    }
    if (st == MIG_OK && !(m = val_map_new(4)))
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(m, "db", 2, val_cstring(db));
    if (st == MIG_OK)
        st = val_map_set_take(m, "records_then", 12,
                              val_int((int64_t)val_len(baseline)));
    if (st == MIG_OK)
        st = val_map_set_take(m, "records_now", 11,
                              val_int((int64_t)val_len(now)));
    if (st == MIG_OK)
        st = val_map_set_take(m, "changes", 7, val_ref(changes));
    free(base);
    val_unref(now);
    val_unref(changes);
    if (st != MIG_OK) {
        val_unref(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}
