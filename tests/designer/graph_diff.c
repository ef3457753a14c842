/* graph_diff.c: compares two mig-graph JSON documents as the round trip
 * (roundtrip.sh) needs: equal values, except the "span" of each node,
 * which names places in the file the graph came from. Prints the JSON path
 * of the first difference (A and B are the first and second file).
 *
 *   graph_diff A.json B.json     exit 0 when equal, 1 when not, 2 on error */
#include <stdio.h>
#include <string.h>

#include "interpreter.h"

/* Prints where A and B first differ, under PATH; returns whether equal. */
static bool same(const val_t *a, const val_t *b, strbuf_t *path)
{
    size_t mark = path->len;
    bool ok = true;
    if (val_type(a) != val_type(b) ||
        (val_type(a) == VAL_LIST && val_len(a) != val_len(b))) {
        ok = false;
    } else if (val_type(a) == VAL_LIST) {
        for (size_t i = 0; ok && i < val_len(a); i++) {
            strbuf_printf(path, "[%zu]", i);
            ok = same(val_list_get(a, i), val_list_get(b, i), path);
            path->len = ok ? mark : path->len;
        }
        return ok;
    } else if (val_type(a) == VAL_MAP) {
        for (size_t i = 0; ok && i < val_len(a) + val_len(b); i++) {
            const val_t *m = i < val_len(a) ? a : b, *o = m == a ? b : a;
            size_t k = i < val_len(a) ? i : i - val_len(a);
            size_t len;
            const char *key = val_get_str(val_map_key(m, k), &len);
            strbuf_printf(path, ".%s", key);
            const val_t *ov = val_map_get(o, key, len);
            ok = ov && same(val_map_value(m, k), ov, path);
            if (!ov)
                strbuf_printf(path, " is only in %s", m == a ? "A" : "B");
            path->len = ok ? mark : path->len;
        }
        return ok;
    } else {
        ok = val_equal(a, b);
    }
    if (!ok) {
        strbuf_t t;
        strbuf_init(&t);
        strbuf_puts(&t, " differs: ");
        val_format(a, &t);
        strbuf_puts(&t, " vs ");
        val_format(b, &t);
        strbuf_put(path, t.data ? t.data : "", t.len);
        strbuf_free(&t);
    }
    return ok;
}

/* Reads PATH as JSON, without the span of each node; NULL when it cannot. */
static val_t *load(const char *path)
{
    diag_list_t d;
    diag_list_init(&d);
    src_t *src = NULL;
    val_t *v = NULL;
    if (src_load(path, &d, &src) != MIG_OK ||
        val_from_json(src, &d, &v) != MIG_OK || val_type(v) != VAL_MAP) {
        fprintf(stderr, "graph_diff: cannot read '%s' as a JSON object\n",
                path);
        val_unref(v);
        v = NULL;
    }
    const val_t *nodes = v ? val_map_get(v, "nodes", 5) : NULL;
    for (size_t i = 0; nodes && val_type(nodes) == VAL_LIST &&
                       i < val_len(nodes); i++) {
        val_t *n = val_list_get(nodes, i);
        if (val_type(n) == VAL_MAP)
            val_map_delete(n, "span", 4);
    }
    src_free(src);
    diag_list_free(&d);
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: graph_diff A.json B.json\n");
        return 2;
    }
    val_t *a = load(argv[1]), *b = load(argv[2]);
    int rc = 2;
    if (a && b) {
        strbuf_t path;
        strbuf_init(&path);
        strbuf_puts(&path, "$");
        rc = same(a, b, &path) ? 0 : 1;
        if (rc)
            printf("%s: %s\n", argv[2], path.data);
        strbuf_free(&path);
    }
    val_unref(a);
    val_unref(b);
    return rc;
}
