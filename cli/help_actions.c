/* help_actions.c: `mig help actions`, the list of every action and
 * recovery handler a plan can call, printed from the registry's rows. */
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
        fprintf(out, "      %-10s %s%s%s: %s\n", a->name,
                b.oom ? "?" : b.data, a->required ? ", required" : "",
                a->writes ? ", in the write roots" : "", a->doc);
        strbuf_free(&b);
    }
}

int cli_print_actions(FILE *out)
{
    const action_registry_t *r = cli_actions();
    if (!r)
        return EXIT_USAGE;
    fprintf(out, "actions (step NAME = ACTION(ARGS)):\n");
    for (size_t i = 0; i < action_count(r); i++) {
        const action_t *a = action_at(r, i);
        fprintf(out, "\n  %s(", a->name);
        for (const action_arg_t *x = a->args; x && x->name; x++)
            print_arg(out, x, x == a->args);
        fprintf(out, ")  [%s]\n    %s\n", action_effect_name(a->effect),
                a->doc);
        print_args_doc(out, a->args);
    }
    fprintf(out, "\nrecovery handlers (recover CLASS with HANDLER):\n");
    for (size_t i = 0; i < action_handler_count(r); i++) {
        const action_handler_t *h = action_handler_at(r, i);
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
    fprintf(out, "\neffects: pure (reads only), self-undo (records its own "
                 "undo), plan-undo\n(needs the step's 'undo'), irreversible. "
                 "docs/actions.md has more.\n");
    return EXIT_CLEAN;
}
