/* cmd_adapt.c: `mig adapt diff OLD NEW [--json] [-o MAPPING]`: the change
 * between two interfaces of a tool (two parameter schemas, two tools, two
 * lists of tools; JSON or YAML files), one line per change with its
 * evidence and confidence, and the mapping a plan passes to adapt.params
 * or follows in adapt.translate (docs/recovery.md, "Interface diffs");
 * `mig adapt learn RUN [-o MAPPING]`: the same mapping from the repairs a
 * run made ("Learning from a run"). */
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

/* Writes the mapping of RES ({mapping, ...}) as YAML after the comment
 * lines already in B (taken: freed here): to PATH in one step, or to
 * stdout when PATH is NULL. */
static int write_mapping(const char *path, const val_t *res, strbuf_t *b)
{
    mig_status_t st = val_to_yaml(val_map_get(res, "mapping", 7), b);
    int rc = EXIT_USAGE;
    if (st != MIG_OK || b->oom)
        fprintf(stderr, "mig: error: out of memory writing '%s'\n",
                path ? path : "-");
    else if (path)
        rc = cli_write_out(path, b);
    else
        rc = fwrite(b->data, 1, b->len, stdout) == b->len ? EXIT_CLEAN
                                                          : EXIT_USAGE;
    strbuf_free(b);
    return rc;
}

static int adapt_diff_cmd(const cli_cmd_t *cmd, const cli_args_t *args)
{
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
        strbuf_t b;
        strbuf_init(&b);
        strbuf_printf(&b, "# mig adapt diff %s %s: review, edit, then give "
                      "it to adapt.params(map: ...) or adapt.translate\n", op,
                      np);
        int w = write_mapping(out, diff, &b);
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

/* ---- mig adapt learn RUN ------------------------------------------------ */

/* The run's `adapted` events, as adapt_learn reads them. */
typedef struct gathered {
    val_t *events;              /* [{item, data}] */
    bool oom;
} gathered_t;

/* Adds an `adapted` event to DATA (a gathered_t); stops out of memory. */
static bool gather_adapted(void *data, const store_event_rec_t *ev)
{
    gathered_t *g = data;
    if (strcmp(ev->kind, "adapted") != 0 || !ev->data)
        return true;
    val_t *e = val_map_new(2);
    bool ok = e && val_map_set_take(e, "item", 4,
                                    val_cstring(ev->item ? ev->item : ""))
                   == MIG_OK
              && val_map_set(e, "data", 4, ev->data) == MIG_OK
              && val_list_push(g->events, e) == MIG_OK;
    val_unref(e);
    g->oom = !ok;
    return ok;
}

/* Appends "# left out: TEXT" to B, the text kept on its line. */
static void put_comment(strbuf_t *b, const val_t *text)
{
    size_t len;
    const char *s = val_get_str(text, &len);
    strbuf_puts(b, "# left out: ");
    for (size_t i = 0; i < len; i++)
        strbuf_putc(b, s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
    strbuf_putc(b, '\n');
}

/* The learned mapping RES of run ID, with its header and what was left
 * out as comment lines: written to OUT (NULL: stdout), and with SAY
 * summed up on stdout. */
static int learn_write(const val_t *res, int64_t id, const char *out,
                       bool say)
{
    const val_t *left = val_map_get(res, "left_out", 8);
    int64_t kept = val_get_int(val_map_get(res, "kept", 4));
    int64_t defaults = val_get_int(val_map_get(res, "defaults", 8));
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "# mig adapt learn %lld: the repairs run %lld made; "
                  "review, edit, then give it to adapt.params(map: ...) or "
                  "adapt.translate(map: ...)\n", (long long)id, (long long)id);
    for (size_t i = 0; i < val_len(left); i++)
        put_comment(&b, val_list_get(left, i));
    int rc = write_mapping(out, res, &b);
    if (rc != EXIT_CLEAN || !out || !say)
        return rc;
    printf("%lld repair%s of run %lld kept in %s\n", (long long)kept,
           kept == 1 ? "" : "s", (long long)id, out);
    for (size_t i = 0; i < val_len(left); i++)
        printf("left out: %s\n", val_get_str(val_list_get(left, i), NULL));
    if (defaults)
        printf("%lld default%s filled from the schema not kept: "
               "adapt.params and adapt.translate fill %s again\n",
               (long long)defaults, defaults == 1 ? "" : "s",
               defaults == 1 ? "it" : "them");
    return EXIT_CLEAN;
}

static int adapt_learn_cmd(const cli_cmd_t *cmd, const cli_args_t *args)
{
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s;
    int64_t id;
    int rc = cli_open_run(cmd, args, args->operands[1], &s, &id, &diags);
    if (rc != EXIT_CLEAN)
        return cli_finish_store(s, &diags, rc);
    gathered_t g = { .events = val_list_new(16) };
    val_t *res = NULL;
    mig_status_t st = g.events ? store_event_each(s, id, gather_adapted, &g)
                               : MIG_ENOMEM;
    if (st == MIG_OK && g.oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        st = adapt_learn(g.events, &res);
    val_unref(g.events);
    if (st != MIG_OK)
        return cli_finish_status(s, &diags, st);
    const val_t *left = val_map_get(res, "left_out", 8);
    if (val_get_int(val_map_get(res, "kept", 4)) == 0) {
        for (size_t i = 0; i < val_len(left); i++)
            fprintf(stderr, "left out: %s\n",
                    val_get_str(val_list_get(left, i), NULL));
        fprintf(stderr, "mig adapt learn: run %lld made no repairs to keep "
                "(its recover blocks' adapt.params and adapt.remap_method "
                "repaired no call); nothing written\n", (long long)id);
        rc = EXIT_REFUSED;
    } else if (cli_value(cmd, args, "json")) {
        /* -o still writes the file; the JSON is what is printed. */
        const char *out = cli_value(cmd, args, "output");
        rc = out ? learn_write(res, id, out, false) : EXIT_CLEAN;
        if (rc == EXIT_CLEAN)
            rc = cli_print_json(res, false) == MIG_OK ? EXIT_CLEAN
                                                      : EXIT_USAGE;
    } else {
        rc = learn_write(res, id, cli_value(cmd, args, "output"), true);
    }
    if (rc == EXIT_CLEAN && val_len(left))
        rc = EXIT_ATTENTION;
    val_unref(res);
    fflush(stdout);
    return cli_finish_store(s, &diags, rc);
}

/* The subcommands of `mig adapt`: the word, and how many operands follow
 * it. */
static const struct {
    const char *name;
    int operands;
    int (*run)(const cli_cmd_t *cmd, const cli_args_t *args);
} adapt_subs[] = {
    { "diff", 2, adapt_diff_cmd },
    { "learn", 1, adapt_learn_cmd },
};

int cmd_adapt(const cli_cmd_t *cmd, const cli_args_t *args)
{
    for (size_t i = 0; i < sizeof adapt_subs / sizeof *adapt_subs; i++)
        if (strcmp(args->operands[0], adapt_subs[i].name) == 0) {
            if (args->n_operands == adapt_subs[i].operands + 1)
                return adapt_subs[i].run(cmd, args);
            break;
        }
    fprintf(stderr, "mig adapt: expected 'diff OLD NEW' or 'learn RUN', "
            "found '%s' and %d operand%s\n"
            "Run 'mig help adapt' for the usage.\n", args->operands[0],
            args->n_operands - 1, args->n_operands == 2 ? "" : "s");
    return EXIT_USAGE;
}
