/* lua_hook.c: what a recovery hook may return (docs/lua.md, "Recovery
 * hooks"): a decision, as a string or a table, checked field by field so
 * that a malformed one is a ScriptError that says exactly what is wrong. */
#include <string.h>

#include "lua_int.h"

/* One decision: its name, and the one field it may carry (with the type
 * that field must have, and whether it is required). */
static const struct decision {
    const char *name;
    const char *field;
    val_type_t type;
    bool required;
} decisions[] = {
    { "retry", "input", VAL_MAP, false },
    { "skip", "reason", VAL_STRING, false },
    { "fail", "message", VAL_STRING, false },
    { "rollback", "to", VAL_STRING, true },
};
#define N_DECISIONS (sizeof decisions / sizeof *decisions)

#define EXPECTED "a hook returns \"retry\", \"skip\", \"fail\", or a table " \
                 "such as {decision = \"rollback\", to = \"CHECKPOINT\"}"

static const struct decision *find(const char *name, size_t len)
{
    for (size_t i = 0; i < N_DECISIONS; i++)
        if (strlen(decisions[i].name) == len
            && memcmp(decisions[i].name, name, len) == 0)
            return &decisions[i];
    return NULL;
}

/* Reports NAME, which is no decision, with the closest one. */
static mig_status_t unknown(luab_fn_t *f, const char *name, size_t len)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < N_DECISIONS; i++) {
        size_t d = diag_distance(name, len, decisions[i].name,
                                 strlen(decisions[i].name));
        if (d < best_d) {
            best_d = d;
            best = decisions[i].name;
        }
    }
    luab_fail(f->mod, "ScriptError", "%s returned a malformed decision: "
              "'%.*s' is not a decision%s%s%s (retry, skip, fail or "
              "rollback)", f->name, (int)(len > 40 ? 40 : len), name,
              best ? "; did you mean '" : "", best ? best : "",
              best ? "'?" : "");
    return MIG_EINVALID;
}

static mig_status_t malformed(luab_fn_t *f, const char *what)
{
    luab_fail(f->mod, "ScriptError", "%s returned a malformed decision: %s",
              f->name, what);
    return MIG_EINVALID;
}

/* {decision = NAME, FIELD = ...} */
static mig_status_t from_table(luab_fn_t *f, const val_t *v, val_t **out)
{
    const val_t *name = val_map_get(v, "decision", 8);
    if (!name)
        return malformed(f, "the table has no 'decision' field; " EXPECTED);
    if (val_type(name) != VAL_STRING)
        return malformed(f, "its 'decision' must be a string: \"retry\", "
                         "\"skip\", \"fail\" or \"rollback\"");
    size_t len;
    const char *s = val_get_str(name, &len);
    const struct decision *d = find(s, len);
    if (!d)
        return unknown(f, s, len);
    for (size_t i = 0; i < val_len(v); i++) {
        const char *k = val_get_str(val_map_key(v, i), &len);
        if (strcmp(k, "decision") == 0 || strcmp(k, d->field) == 0)
            continue;
        luab_fail(f->mod, "ScriptError", "%s returned a malformed decision: "
                  "'%.*s' is not a field of a '%s' decision (it takes "
                  "'%s')", f->name, (int)(len > 40 ? 40 : len), k, d->name,
                  d->field);
        return MIG_EINVALID;
    }
    const val_t *field = val_map_get(v, d->field, strlen(d->field));
    if (field && val_type(field) == VAL_NULL)
        field = NULL;
    if (!field && d->required) {
        luab_fail(f->mod, "ScriptError", "%s returned a malformed decision: "
                  "a '%s' decision needs '%s': {decision = \"%s\", %s = "
                  "\"CHECKPOINT\"}", f->name, d->name, d->field, d->name,
                  d->field);
        return MIG_EINVALID;
    }
    if (field && val_type(field) != d->type) {
        luab_fail(f->mod, "ScriptError", "%s returned a malformed decision: "
                  "the '%s' of a '%s' decision must be a %s, not a %s",
                  f->name, d->field, d->name, val_type_name(d->type),
                  val_type_name(val_type(field)));
        return MIG_EINVALID;
    }
    if (field && d->required && val_len(field) == 0)
        return malformed(f, "the checkpoint of a 'rollback' decision is "
                         "empty");
    val_t *m = val_map_new(2);
    if (!m)
        return MIG_ENOMEM;
    mig_status_t st = val_map_set(m, "decision", 8, (val_t *)name);
    if (st == MIG_OK && field)
        st = val_map_set(m, d->field, strlen(d->field), (val_t *)field);
    if (st != MIG_OK) {
        val_unref(m);
        return st;
    }
    *out = m;
    return MIG_OK;
}

mig_status_t luab_decision(luab_fn_t *f, const val_t *v, val_t **out)
{
    *out = NULL;
    switch (val_type(v)) {
    case VAL_MAP:
        return from_table(f, v, out);
    case VAL_STRING: {
        size_t len;
        const char *s = val_get_str(v, &len);
        const struct decision *d = find(s, len);
        if (!d)
            return unknown(f, s, len);
        if (d->required)
            return malformed(f, "a 'rollback' decision needs its checkpoint: "
                             "{decision = \"rollback\", to = \"CHECKPOINT\"}");
        val_t *m = val_map_new(1);
        if (!m)
            return MIG_ENOMEM;
        if (val_map_set(m, "decision", 8, (val_t *)v) != MIG_OK) {
            val_unref(m);
            return MIG_ENOMEM;
        }
        *out = m;
        return MIG_OK;
    }
    case VAL_NULL:
        return malformed(f, "it returned nothing; " EXPECTED);
    default: {
        char what[200];
        snprintf(what, sizeof what, "it returned a %s; " EXPECTED,
                 val_type_name(val_type(v)));
        return malformed(f, what);
    }
    }
}
