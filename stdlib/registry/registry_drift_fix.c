/* registry_drift_fix.c: the plan `mig drift --fix` writes (docs/drift.md,
 * "The fix"): for each registry that drifted, a registry.put of every
 * changed and removed record as the baseline kept it (a changed one
 * deleted first), and a registry.delete of every added one, after a checkpoint that a failure
 * rolls back to; a registry of mig.yaml named registry("NAME"), so that
 * the run gives it mig.yaml's target and token. It is written for review
 * and run with `mig run`; nothing here applies it. */
#include <stdlib.h>
#include <string.h>

#include "registry_int.h"

static void indent(strbuf_t *out, int depth)
{
    for (int i = 0; i < depth; i++)
        strbuf_puts(out, "  ");
}

/* Appends V as a mig literal (docs/expressions.md, "Literals"), a map or
 * list one entry a line at DEPTH; keys quoted. */
static void put_literal(strbuf_t *out, const val_t *v, int depth)
{
    size_t n = val_len(v);
    bool map = val_type(v) == VAL_MAP;
    if ((map || val_type(v) == VAL_LIST) && n == 0) {
        strbuf_puts(out, map ? "{}" : "[]");
        return;
    }
    if (val_type(v) == VAL_STRING) {
        size_t len;
        const char *s = val_get_str(v, &len);
        strbuf_put_quoted(out, s, len);
        return;
    }
    if (!map && val_type(v) != VAL_LIST) {
        val_format(v, out);     /* null, a bool or a number: the same text */
        return;
    }
    strbuf_puts(out, map ? "{\n" : "[\n");
    for (size_t i = 0; i < n; i++) {
        indent(out, depth + 1);
        if (map) {
            size_t len;
            const char *k = val_get_str(val_map_key(v, i), &len);
            strbuf_put_quoted(out, k, len);
            strbuf_puts(out, ": ");
        }
        put_literal(out, map ? val_map_value(v, i) : val_list_get(v, i),
                    depth + 1);
        strbuf_puts(out, i + 1 < n ? ",\n" : "\n");
    }
    indent(out, depth);
    strbuf_putc(out, map ? '}' : ']');
}

/* Appends the db of registry DB: registry("NAME") when NAMES (a map
 * from db to the name of mig.yaml that gives it, or NULL) has it, else
 * DB quoted. */
static void put_db(strbuf_t *out, const char *db, const val_t *names)
{
    const val_t *name = names ? val_map_get(names, db, strlen(db)) : NULL;
    if (name) {
        size_t len;
        const char *s = val_get_str(name, &len);
        strbuf_puts(out, "registry(");
        strbuf_put_quoted(out, s, len);
        strbuf_putc(out, ')');
    } else {
        strbuf_put_quoted(out, db, strlen(db));
    }
}

/* Appends the steps that undo change CH of registry DB, the N-th: an
 * added record is deleted; a removed one put back; a changed one deleted
 * and put back, since a put keeps a record whose stored digest is the
 * same (an edit behind mig's back leaves the digest as it was). */
static void put_steps(strbuf_t *out, const char *db, const val_t *names,
                      const val_t *ch, size_t n)
{
    const char *change = stdlib_arg_str(ch, "change");
    const char *kind = stdlib_arg_str(ch, "kind");
    const char *name = stdlib_arg_str(ch, "name");
    strbuf_printf(out, "    # %s since the run: %s %s\n", change, kind, name);
    if (strcmp(change, "removed") != 0) {
        strbuf_printf(out, "    step remove_%zu = registry.delete(db: ", n);
        put_db(out, db, names);
        strbuf_puts(out, ", kind: ");
        strbuf_put_quoted(out, kind, strlen(kind));
        strbuf_puts(out, ", name: ");
        strbuf_put_quoted(out, name, strlen(name));
        strbuf_puts(out, ")\n");
    }
    if (strcmp(change, "added") == 0)
        return;
    strbuf_printf(out, "    step restore_%zu = registry.put(\n      db: ", n);
    put_db(out, db, names);
    strbuf_puts(out, ",\n      record: ");
    put_literal(out, stdlib_arg(ch, "record"), 3);
    strbuf_puts(out, "\n    )\n");
}

mig_status_t registry_drift_fix(const val_t *drifts, const char *plan,
                                int64_t run, const val_t *names,
                                const char *profile, strbuf_t *out)
{
    strbuf_printf(out, "# Written by `mig drift --fix` for %s: brings back "
                  "the records of\n# its registries as its run %lld left "
                  "them. Review it, then run it with\n# `mig run%s%s` from "
                  "this folder; a failure rolls every change back.\n", plan,
                  (long long)run, profile ? " --profile " : "",
                  profile ? profile : "");
    strbuf_puts(out, "migration \"drift-fix\" {\n  version     \"1.0.0\"\n"
                     "  description ");
    strbuf_t d;
    strbuf_init(&d);
    strbuf_printf(&d, "Undo the drift of the registries %s's run %lld left.",
                  plan, (long long)run);
    strbuf_put_quoted(out, d.data ? d.data : "", d.len);
    strbuf_free(&d);
    strbuf_puts(out, "\n\n  stage restore {\n    checkpoint before_fix\n");
    size_t n = 0;
    for (size_t i = 0; i < val_len(drifts); i++) {
        const val_t *r = val_list_get(drifts, i);
        const char *db = stdlib_arg_str(r, "db");
        const val_t *changes = stdlib_arg(r, "changes");
        for (size_t j = 0; j < val_len(changes); j++)
            put_steps(out, db, names, val_list_get(changes, j), ++n);
    }
    strbuf_puts(out, "  }\n\n  on failure rollback to before_fix\n}\n");
    return out->oom ? MIG_ENOMEM : MIG_OK;
}
