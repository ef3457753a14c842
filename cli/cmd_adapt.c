/* cmd_adapt.c: `mig adapt diff OLD NEW [--json] [-o MAPPING]`: the change
 * between two interfaces of a tool (two parameter schemas, two tools, two
 * lists of tools; JSON or YAML files), one line per change with its
 * evidence and confidence, and the mapping a plan passes to adapt.params
 * or follows in adapt.translate (docs/recovery.md, "Interface diffs"). */
#include <string.h>

#include "cli.h"

/* Reads the JSON or YAML file PATH (YAML when it ends in .yaml or .yml)
 * into *OUT; EXIT_CLEAN, or EXIT_USAGE / EXIT_INVALID with the
 * diagnostics rendered. */
static int read_doc(const char *path, val_t **out)
{
    diag_list_t diags;
    diag_list_init(&diags);
    src_t *src = NULL;
    size_t len = strlen(path);
    bool yaml = (len > 5 && strcmp(path + len - 5, ".yaml") == 0)
                || (len > 4 && strcmp(path + len - 4, ".yml") == 0);
    mig_status_t st = src_load(path, &diags, &src);
    int rc = st == MIG_OK ? EXIT_CLEAN : EXIT_USAGE;
    if (st == MIG_OK) {
        st = yaml ? val_from_yaml(src, &diags, out)
                  : val_from_json(src, &diags, out);
        rc = st == MIG_OK ? EXIT_CLEAN : EXIT_INVALID;
    }
    cli_render_diags(&diags);
    diag_list_free(&diags);
    src_free(src);
    return rc;
}

static const char *field(const val_t *c, const char *k)
{
    const val_t *v = val_map_get(c, k, strlen(k));
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* One change as a line: "KIND  TOOL: FROM -> TO (EVIDENCE, N%): NOTE",
 * and "; needs a person" when it is not applied. */
static void print_change(const val_t *c)
{
    const char *from = field(c, "from"), *to = field(c, "to");
    const char *tool = field(c, "tool"), *ev = field(c, "evidence");
    const char *note = field(c, "note");
    const val_t *conf = val_map_get(c, "confidence", 10);
    const val_t *applied = val_map_get(c, "applied", 7);
    printf("%-22s ", field(c, "kind"));
    if (tool && strcmp(field(c, "kind"), "tool renamed") != 0
        && strncmp(field(c, "kind"), "tools merged", 12) != 0)
        printf("%s: ", tool);
    if (from && to && strcmp(from, to) != 0)
        printf("%s -> %s", from, to);
    else
        printf("%s", from ? from : to ? to : "");
    if (ev && conf)
        printf(" (%s, %lld%%)", ev, (long long)val_get_int(conf));
    if (note)
        printf(": %s", note);
    if (applied && !val_get_bool(applied))
        printf("; needs a person");
    putchar('\n');
}

/* Writes the mapping of DIFF to PATH as YAML, with a first comment line
 * naming the two interfaces. */
static int write_mapping(const char *path, const val_t *diff,
                         const char *old, const char *new)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "# mig adapt diff %s %s: review, edit, then give it to "
                  "adapt.params(map: ...) or adapt.translate\n", old, new);
    mig_status_t st = val_to_yaml(val_map_get(diff, "mapping", 7), &b);
    int rc = st == MIG_OK && !b.oom ? cli_write_out(path, &b) : EXIT_USAGE;
    if (st != MIG_OK || b.oom)
        fprintf(stderr, "mig: error: out of memory writing '%s'\n", path);
    strbuf_free(&b);
    return rc;
}

int cmd_adapt(const cli_cmd_t *cmd, const cli_args_t *args)
{
    if (strcmp(args->operands[0], "diff") != 0 || args->n_operands != 3) {
        fprintf(stderr, "mig adapt: expected 'diff OLD NEW', found '%s'\n"
                "Run 'mig help adapt' for the usage.\n", args->operands[0]);
        return EXIT_USAGE;
    }
    const char *op = args->operands[1], *np = args->operands[2];
    val_t *old = NULL, *new = NULL, *diff = NULL;
    int rc = read_doc(op, &old);
    if (rc == EXIT_CLEAN)
        rc = read_doc(np, &new);
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = rc == EXIT_CLEAN ? adapt_diff(old, new, &diff, &why)
                                       : MIG_OK;
    if (rc == EXIT_CLEAN && st != MIG_OK) {
        fprintf(stderr, "mig adapt diff: %s\n", st == MIG_ENOMEM
                ? "out of memory" : why.data ? why.data : "?");
        rc = st == MIG_ENOMEM ? EXIT_USAGE : EXIT_INVALID;
    }
    const val_t *changes = diff ? val_map_get(diff, "changes", 7) : NULL;
    for (size_t i = 0; changes && i < val_len(changes); i++) {
        const val_t *a = val_map_get(val_list_get(changes, i), "applied", 7);
        if (rc == EXIT_CLEAN && a && !val_get_bool(a))
            rc = EXIT_ATTENTION;
    }
    const char *out = cli_value(cmd, args, "output");
    if (diff && out) {
        int w = write_mapping(out, diff, op, np);
        rc = w == EXIT_CLEAN ? rc : w;
    }
    if (diff && cli_value(cmd, args, "json")) {
        strbuf_t b;
        strbuf_init(&b);
        if (val_to_json(diff, &b, 0) == MIG_OK && !b.oom)
            printf("%s\n", b.data);
        strbuf_free(&b);
    } else if (changes && val_len(changes) == 0) {
        printf("no change: the interfaces take the same calls\n");
    }
    for (size_t i = 0; !cli_value(cmd, args, "json") && changes
                       && i < val_len(changes); i++)
        print_change(val_list_get(changes, i));
    strbuf_free(&why);
    val_unref(diff);
    val_unref(old);
    val_unref(new);
    fflush(stdout);
    return rc;
}
