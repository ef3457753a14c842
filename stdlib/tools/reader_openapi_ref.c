/* reader_openapi_ref.c: $ref resolution for reader_openapi.c
 * (docs/legacy-formats.md, "OpenAPI and Swagger"): a schema is copied
 * with every reference replaced by its target, within the document or in
 * a file beside it; a reference that comes back to itself is kept once
 * under the schema's $defs; a broken one is reported and read as {}. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_plugin.h"

void openapi_problem(openapi_t *a, const char *sev, const char *ptr,
                     const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tools_problem(a->out, sev, ptr, 0, "%s%s", a->o->label ? a->o->label : "",
                  msg);
}

void openapi_set(openapi_t *a, val_t *m, const char *key, val_t *v)
{
    if (!v || val_map_set_take(m, key, strlen(key), v) != MIG_OK)
        a->out->oom = true;
}

const char *openapi_version(const val_t *doc, char buf[16])
{
    if (!doc || val_type(doc) != VAL_MAP)
        return NULL;
    const char *keys[] = { "openapi", "swagger" };
    for (int i = 0; i < 2; i++) {
        val_t *v = val_map_get(doc, keys[i], strlen(keys[i]));
        const char *s = NULL;
        if (v && val_type(v) == VAL_STRING) {
            s = val_get_str(v, NULL);
        } else if (v && val_type(v) == VAL_NUMBER) {
            snprintf(buf, 16, "%.1f", val_get_number(v));
            s = buf;
        }
        if (s && s[0] == (i == 0 ? '3' : '2') && (s[1] == '.' || !s[1]))
            return s;
    }
    return NULL;
}

/* ---- $ref ---------------------------------------------------------------- */


/* The value at JSON pointer PTR (a URI fragment: percent-escapes and ~0/~1
 * decoded) in V, or NULL. */
const val_t *openapi_pointer_get(const val_t *v, const char *ptr)
{
    while (v && *ptr == '/') {
        char tok[512];
        size_t n = 0;
        for (ptr++; *ptr && *ptr != '/' && n + 1 < sizeof tok; ptr++) {
            char c = *ptr;
            if (c == '~' && (ptr[1] == '0' || ptr[1] == '1'))
                c = *++ptr == '0' ? '~' : '/';
            else if (c == '%' && ptr[1] && ptr[2]) {
                char hex[3] = { ptr[1], ptr[2], 0 };
                c = (char)strtol(hex, NULL, 16);
                ptr += 2;
            }
            tok[n++] = c;
        }
        tok[n] = 0;
        if (val_type(v) == VAL_MAP) {
            v = val_map_get(v, tok, n);
        } else if (val_type(v) == VAL_LIST) {
            char *end;
            unsigned long i = strtoul(tok, &end, 10);
            v = *tok && !*end ? val_list_get(v, i) : NULL;
        } else {
            v = NULL;
        }
    }
    return *ptr ? NULL : v;
}

/* The index of the document NAME (relative to document FROM) in A->docs,
 * loading it; -1 when it cannot be read as JSON or YAML. */
static int doc_index(openapi_t *a, int from, const char *name, size_t len)
{
    const char *base = a->docs[from].file->path;
    const char *slash = strrchr(base, '/');
    strbuf_t p;
    strbuf_init(&p);
    if (slash)
        strbuf_put(&p, base, (size_t)(slash - base) + 1);
    if (len >= 2 && name[0] == '.' && name[1] == '/')
        name += 2, len -= 2;
    strbuf_put(&p, name, len);
    int found = -1;
    for (size_t i = 0; !p.oom && i < a->n_docs && found < 0; i++)
        if (strcmp(a->docs[i].file->path, p.data) == 0)
            found = (int)i;
    if (found < 0 && !p.oom && a->n_docs < OPENAPI_REF_FILES + 1) {
        openapi_doc_t *d = &a->docs[a->n_docs];
        const char *rel = p.data + (slash ? (size_t)(slash - base) + 1 : 0);
        mig_status_t st = tools_file_sibling(a->docs[from].file, rel, &d->own);
        if (st == MIG_ENOMEM)
            a->out->oom = true;
        if (st == MIG_OK && d->own.doc) {
            d->file = &d->own;
            found = (int)a->n_docs++;
        } else if (st == MIG_OK) {
            tools_file_free(&d->own);
        }
    }
    if (p.oom)
        a->out->oom = true;
    strbuf_free(&p);
    return found;
}


/* The name under $defs for the recursive reference KEY. */
static const char *def_name(openapi_t *a, const char *key, int doc)
{
    val_t *have = val_map_get(a->def_names, key, strlen(key));
    if (have)
        return val_get_str(have, NULL);
    const char *last = strrchr(key, '/');
    last = last ? last + 1 : key;
    char name[128];
    snprintf(name, sizeof name, "%s", *last ? last : "root");
    for (int i = 2; val_map_get(a->def_names, name, strlen(name)) ||
                    val_map_get(a->defs, name, strlen(name)); i++)
        snprintf(name, sizeof name, "%.100s_%d", *last ? last : "root", i);
    val_t *pair = val_list_new(2);
    if (!pair || val_list_push_take(pair, val_cstring(key)) != MIG_OK ||
        val_list_push_take(pair, val_int(doc)) != MIG_OK ||
        val_list_push_take(a->pending, pair) != MIG_OK) {
        a->out->oom = true;
        return "";
    }
    openapi_set(a, a->defs, name, val_map_new(0));
    openapi_set(a, a->def_names, key, val_cstring(name));
    return val_get_str(val_map_get(a->def_names, key, strlen(key)), NULL);
}

/* A copy of {$ref: REF, ...SIBLINGS} with REF resolved: the target
 * expanded, or on a cycle a reference into $defs; a broken reference
 * gives {} and an error problem. */
static val_t *resolve_ref(openapi_t *a, int doc, const val_t *m,
                          const char *ref)
{
    const char *hash = strchr(ref, '#');
    size_t flen = hash ? (size_t)(hash - ref) : strlen(ref);
    const char *frag = hash ? hash + 1 : "";
    if (strstr(ref, "://")) {
        openapi_problem(a, "warning", a->where, "$ref '%s' names another host: "
                        "not fetched, kept as it is", ref);
        return val_ref((val_t *)m);
    }
    int target_doc = flen ? doc_index(a, doc, ref, flen) : doc;
    if (target_doc < 0) {
        openapi_problem(a, "error", a->where, "broken $ref '%s': the file "
                        "'%.*s' is not next to the document or is not JSON or "
                        "YAML; read as {} (any value)", ref, (int)flen, ref);
        return val_map_new(0);
    }
    const val_t *target =
        openapi_pointer_get(a->docs[target_doc].file->doc, frag);
    if (!target) {
        openapi_problem(a, "error", a->where, "broken $ref '%s': no such place "
                        "in the document; read as {} (any value)", ref);
        return val_map_new(0);
    }
    char key[1024];
    snprintf(key, sizeof key, "%s#%s", a->docs[target_doc].file->path, frag);
    for (size_t i = 0; i < a->depth; i++)
        if (strcmp(a->stack[i], key) == 0) {
            const char *name = def_name(a, key, target_doc);
            val_t *r = val_map_new(1);
            char to[160];
            snprintf(to, sizeof to, "#/$defs/%s", name);
            if (r)
                openapi_set(a, r, "$ref", val_cstring(to));
            return r;
        }
    if (a->depth == OPENAPI_REF_DEPTH ||
        ++a->expansions > OPENAPI_REF_EXPANSIONS) {
        if (!a->budget_told)
            openapi_problem(a, "error", a->where, "$ref '%s': references nest "
                            "deeper than %d or expand more than %d times; read "
                            "as {}", ref, OPENAPI_REF_DEPTH,
                            OPENAPI_REF_EXPANSIONS);
        a->budget_told = true;
        return val_map_new(0);
    }
    a->stack[a->depth] = strdup(key);
    if (!a->stack[a->depth]) {
        a->out->oom = true;
        return NULL;
    }
    a->depth++;
    val_t *r = openapi_resolve(a, target_doc, target);
    free(a->stack[--a->depth]);
    /* Keywords beside a $ref (3.1 allows them) override the target's. */
    if (r && val_type(r) == VAL_MAP && val_len(m) > 1) {
        val_t *c = val_copy(r);
        val_unref(r);
        r = c;
        for (size_t i = 0; r && i < val_len(m); i++) {
            size_t kl;
            const char *k = val_get_str(val_map_key(m, i), &kl);
            if (strcmp(k, "$ref") != 0 &&
                val_map_set(r, k, kl, val_map_value(m, i)) != MIG_OK)
                a->out->oom = true;
        }
    }
    return r;
}

/* A copy of V with every $ref in it resolved (V is in document DOC). */
/* A copy of map or list V with its members resolved, one level deeper. */
static val_t *resolve_members(openapi_t *a, int doc, const val_t *v)
{
    bool map = val_type(v) == VAL_MAP;
    val_t *c = map ? val_map_new(val_len(v)) : val_list_new(val_len(v));
    a->level++;
    for (size_t i = 0; c && i < val_len(v); i++) {
        val_t *m = openapi_resolve(a, doc, map ? val_map_value(v, i)
                                               : val_list_get(v, i));
        size_t kl = 0;
        const char *k = map ? val_get_str(val_map_key(v, i), &kl) : NULL;
        mig_status_t st = !m ? MIG_ENOMEM
                          : map ? val_map_set_take(c, k, kl, m)
                                : val_list_push_take(c, m);
        if (st != MIG_OK)
            a->out->oom = true;
    }
    a->level--;
    if (!c)
        a->out->oom = true;
    return c;
}

val_t *openapi_resolve(openapi_t *a, int doc, const val_t *v)
{
    if (!v)
        return NULL;
    if (val_type(v) != VAL_MAP && val_type(v) != VAL_LIST)
        return val_ref((val_t *)v);
    if (a->level >= OPENAPI_VALUE_DEPTH) {
        if (!a->deep_told)
            openapi_problem(a, "error", a->where, "a schema nests deeper than "
                            "%d levels (its references expanded): read as {} "
                            "below that", OPENAPI_VALUE_DEPTH);
        a->deep_told = true;
        return val_map_new(0);
    }
    const char *ref = val_type(v) == VAL_MAP ? tools_get_str(v, "$ref") : NULL;
    return ref ? resolve_ref(a, doc, v, ref) : resolve_members(a, doc, v);
}

/* Starts a schema of its own: no $defs yet. */
void openapi_scope_begin(openapi_t *a)
{
    val_unref(a->defs);
    val_unref(a->def_names);
    val_unref(a->pending);
    a->defs = val_map_new(0);
    a->def_names = val_map_new(0);
    a->pending = val_list_new(0);
    a->expansions = 0;
    a->budget_told = false;
    a->deep_told = false;
    if (!a->defs || !a->def_names || !a->pending)
        a->out->oom = true;
}

/* Ends the schema ROOT (a map, unshared): expands the recursive
 * references found while building it into ROOT's $defs, and reports
 * each. */
void openapi_scope_end(openapi_t *a, val_t *root)
{
    for (size_t i = 0; a->pending && i < val_len(a->pending); i++) {
        const val_t *pair = val_list_get(a->pending, i);
        const char *key = val_get_str(val_list_get(pair, 0), NULL);
        int doc = (int)val_get_int(val_list_get(pair, 1));
        const char *frag = strchr(key, '#') + 1;
        const char *name = val_get_str(val_map_get(a->def_names, key,
                                                   strlen(key)), NULL);
        openapi_problem(a, "warning", a->where, "$ref '#%s' refers back to "
                        "itself: kept once as #/$defs/%s", frag, name);
        a->stack[0] = (char *)key;
        a->depth = 1;
        val_t *s = openapi_resolve(
            a, doc, openapi_pointer_get(a->docs[doc].file->doc, frag));
        a->depth = 0;
        openapi_set(a, a->defs, name, s);
    }
    if (root && a->defs && val_len(a->defs))
        openapi_set(a, root, "$defs", val_ref(a->defs));
}
