/* help_actions.c: `mig help actions`, the list of every action and
 * recovery handler a plan can call, printed from the registry's rows (as
 * text or JSON), and `mig help ACTION`, one of them. */
#include <string.h>

#include "cli.h"

/* One argument row as the usage shows it: "path", "glob: \"*\"". */
static void print_arg(FILE *out, const action_arg_t *a, bool first)
{
    fprintf(out, "%s%s", first ? "" : ", ", a->name);
    if (!a->required)
        fprintf(out, ": %s", a->def ? a->def : "optional");
}

static void print_args_doc(FILE *out, const action_arg_t *args)
{
    for (const action_arg_t *a = args; a && a->name; a++) {
        strbuf_t b;
        strbuf_init(&b);
        action_types_text(a->types, &b);
        fprintf(out, "      %-10s %s%s%s%s: %s\n", a->name,
                b.oom ? "?" : b.data, a->required ? ", required" : "",
                a->writes ? ", in the write roots" : "",
                a->secrets ? ", takes secrets" : "", a->doc);
        strbuf_free(&b);
    }
}

/* One action as `mig help actions` lists it. */
static void print_action(FILE *out, const action_t *a)
{
    fprintf(out, "\n  %s(", a->name);
    for (const action_arg_t *x = a->args; x && x->name; x++)
        print_arg(out, x, x == a->args);
    fprintf(out, ")  [%s]\n    %s\n", action_effect_name(a->effect), a->doc);
    print_args_doc(out, a->args);
}

/* One recovery handler as `mig help actions` lists it. */
static void print_handler(FILE *out, const action_handler_t *h)
{
    fprintf(out, "\n  %s", h->name);
    if (h->args && h->args[0].name) {
        fputc('(', out);
        for (const action_arg_t *x = h->args; x->name; x++)
            print_arg(out, x, x == h->args);
        fputc(')', out);
    }
    fprintf(out, "\n    %s\n", h->doc);
    print_args_doc(out, h->args);
}

static const char effects_note[] =
    "\neffects: pure (reads only), self-undo (records its own "
    "undo), plan-undo\n(needs the step's 'undo'), irreversible. "
    "docs/actions.md has more.\n";

int cli_print_actions(FILE *out)
{
    const action_registry_t *r = cli_actions();
    if (!r)
        return EXIT_USAGE;
    fprintf(out, "actions (step NAME = ACTION(ARGS)):\n");
    for (size_t i = 0; i < action_count(r); i++)
        print_action(out, action_at(r, i));
    fprintf(out, "\nrecovery handlers (recover CLASS with HANDLER):\n");
    for (size_t i = 0; i < action_handler_count(r); i++)
        print_handler(out, action_handler_at(r, i));
    fputs(effects_note, out);
    return EXIT_CLEAN;
}

int cli_print_action(FILE *out, const char *name)
{
    const action_registry_t *r = cli_actions();
    if (!r)
        return EXIT_USAGE;
    const action_t *a = action_find(r, name);
    const action_handler_t *h = a ? NULL : action_find_handler(r, name);
    if (!a && !h) {
        const char *best = action_suggest(r, name);
        fprintf(stderr, "mig: no such command or action '%s'\n", name);
        if (best)
            fprintf(stderr, "hint: did you mean '%s'?\n", best);
        fprintf(stderr, "Run 'mig help' for the commands and 'mig help "
                "actions' for the actions.\n");
        return EXIT_USAGE;
    }
    if (a)
        print_action(out, a);
    else
        print_handler(out, h);
    fputs(effects_note, out);
    return EXIT_CLEAN;
}

/* ---- as JSON (mig help actions --json) ------------------------------------ */

static bool put(val_t *m, const char *key, val_t *v)
{
    return v && val_map_set_take(m, key, strlen(key), v) == MIG_OK;
}

/* The arguments ARGS as a list of {name, types, required, secrets,
 * default, doc};
 * NULL when out of memory. */
static val_t *args_json(const action_arg_t *args)
{
    val_t *l = val_list_new(4);
    for (const action_arg_t *x = args; l && x && x->name; x++) {
        strbuf_t t;
        strbuf_init(&t);
        action_types_text(x->types, &t);
        val_t *m = val_map_new(6);
        bool ok = m && !t.oom && put(m, "name", val_cstring(x->name))
            && put(m, "types", val_cstring(t.data ? t.data : ""))
            && put(m, "required", val_bool(x->required))
            && put(m, "secrets", val_bool(x->secrets))
            && put(m, "default", x->def ? val_cstring(x->def) : val_null())
            && put(m, "doc", val_cstring(x->doc ? x->doc : ""))
            && val_list_push_take(l, m) == MIG_OK;
        strbuf_free(&t);
        if (!ok) {
            val_unref(l);
            return NULL;
        }
    }
    return l;
}

/* {name, kind, effect, doc, args}: KIND "action" or "handler", EFFECT
 * NULL for a handler. */
static bool push_row(val_t *list, const char *name, const char *kind,
                     const char *effect, const char *doc,
                     const action_arg_t *args)
{
    val_t *m = val_map_new(6);
    return m && put(m, "name", val_cstring(name))
        && put(m, "kind", val_cstring(kind))
        && put(m, "effect", effect ? val_cstring(effect) : val_null())
        && put(m, "doc", val_cstring(doc ? doc : ""))
        && put(m, "args", args_json(args))
        && val_list_push_take(list, m) == MIG_OK;
}

int cli_print_actions_json(FILE *out)
{
    const action_registry_t *r = cli_actions();
    val_t *l = r ? val_list_new(64) : NULL;
    bool ok = l != NULL;
    for (size_t i = 0; ok && i < action_count(r); i++) {
        const action_t *a = action_at(r, i);
        ok = push_row(l, a->name, "action", action_effect_name(a->effect),
                      a->doc, a->args);
    }
    for (size_t i = 0; ok && i < action_handler_count(r); i++) {
        const action_handler_t *h = action_handler_at(r, i);
        ok = push_row(l, h->name, "handler", NULL, h->doc, h->args);
    }
    strbuf_t b;
    strbuf_init(&b);
    if (ok)
        ok = val_to_json(l, &b, VAL_JSON_PRETTY) == MIG_OK && !b.oom;
    if (ok)
        fprintf(out, "%s\n", b.data);
    else
        fprintf(stderr, "mig: error: out of memory\n");
    strbuf_free(&b);
    val_unref(l);
    return ok ? EXIT_CLEAN : EXIT_USAGE;
}
