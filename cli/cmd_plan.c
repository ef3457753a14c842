/* cmd_plan.c: `mig plan FILE`, the dry run: resolves the parameters,
 * checks the plan, walks its graph without changing anything
 * (dryrun_plan) and prints the ordered plan for a person or as JSON
 * (docs/plan.md). With --show-params it prints the parameters only. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VALUE_WIDTH 72      /* characters of a value shown in the text form */

/* ---- the text form -------------------------------------------------- */

static const char *str(const val_t *m, const char *key)
{
    val_t *v = val_map_get(m, key, strlen(key));
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* Prints V in one line, cut to VALUE_WIDTH characters. */
static void print_value(const val_t *v)
{
    strbuf_t b;
    strbuf_init(&b);
    val_format(v, &b);
    if (b.oom) {
        fputs("...", stdout);
    } else if (b.len > VALUE_WIDTH) {
        size_t cut = VALUE_WIDTH;
        while (cut > 0 && ((unsigned char)b.data[cut] & 0xC0) == 0x80)
            cut--;
        printf("%.*s...", (int)cut, b.data);
    } else {
        fputs(b.data, stdout);
    }
    strbuf_free(&b);
}

/* Prints KEY's value, or its source text, or "?". */
static void print_known(const val_t *m, const char *key)
{
    val_t *v = val_map_get(m, key, strlen(key));
    char k2[64];
    snprintf(k2, sizeof k2, "%s_text", key);
    if (v)
        print_value(v);
    else if (str(m, k2))
        fputs(str(m, k2), stdout);
    else
        fputs("?", stdout);
}

static void print_list(const val_t *list, int depth);

void cli_print_fields(const val_t *c, int indent)
{
    val_t *fields = val_map_get(c, "fields", 6);
    for (size_t i = 0; fields && i < val_len(fields); i++) {
        const val_t *f = val_list_get(fields, i);
        const char *op = str(f, "op");
        printf("%*s%-7s %s: ", indent, "",
               strcmp(op, "add") == 0 ? "added" : strcmp(op, "remove") == 0
               ? "removed" : "changed", str(f, "pointer"));
        if (str(f, "old") && str(f, "new"))
            printf("%s -> %s\n", str(f, "old"), str(f, "new"));
        else
            printf("%s\n", str(f, "old") ? str(f, "old") : str(f, "new"));
    }
    val_t *more = val_map_get(c, "fields_more", 11);
    if (more)
        printf("%*s... and %lld more field%s\n", indent, "",
               (long long)val_get_int(more), val_get_int(more) == 1 ? "" : "s");
}

static void print_changes(const val_t *changes, int depth)
{
    for (size_t i = 0; i < val_len(changes); i++) {
        const val_t *c = val_list_get(changes, i);
        printf("%*swould %s %s: %s\n", depth * 2 + 4, "", str(c, "change"),
               str(c, "target"), str(c, "detail"));
        cli_print_fields(c, depth * 2 + 8);
    }
}

static void print_step(const val_t *m, int depth)
{
    printf("%*sstep %s = %s (%s)", depth * 2, "", str(m, "name"),
           str(m, "action"), str(m, "effect"));
    if (val_map_get(m, "timeout", 7) || str(m, "timeout_text")) {
        fputs(", timeout ", stdout);
        print_known(m, "timeout");
    }
    if (str(m, "undo"))
        printf(", undo %s", str(m, "undo"));
    printf(": %s\n", str(m, "outcome") ? str(m, "outcome") : "?");
    val_t *r = val_map_get(m, "result", 6);
    if (r && val_type(r) != VAL_NULL) {
        printf("%*s-> ", depth * 2 + 4, "");
        print_value(r);
        putchar('\n');
    }
    val_t *ch = val_map_get(m, "changes", 7);
    if (ch)
        print_changes(ch, depth);
}

static void print_handlers(const val_t *m, int depth)
{
    val_t *hs = val_map_get(m, "handlers", 8);
    for (size_t i = 0; hs && i < val_len(hs); i++) {
        const val_t *h = val_list_get(hs, i);
        printf("%*srecover ", depth * 2, "");
        val_t *cls = val_map_get(h, "classes", 7);
        for (size_t j = 0; j < val_len(cls); j++)
            printf("%s%s", j ? ", " : "",
                   val_get_str(val_list_get(cls, j), NULL));
        if (str(h, "with"))
            printf(" with %s\n", str(h, "with"));
        else
            printf(" { ... %s }\n", str(h, "block") ? str(h, "block") : "");
    }
}

static void print_foreach(const val_t *m, int depth)
{
    printf("%*sforeach %s in %s", depth * 2, "", str(m, "var"),
           str(m, "over"));
    val_t *items = val_map_get(m, "items", 5);
    if (items)
        printf(": %lld item%s", (long long)val_get_int(items),
               val_get_int(items) == 1 ? "" : "s");
    else
        fputs(": items known only when run", stdout);
    if (val_map_get(m, "parallel", 8) || str(m, "parallel_text")) {
        fputs(", parallel ", stdout);
        print_known(m, "parallel");
    }
    if (str(m, "after"))
        printf(", after %s", str(m, "after"));
    if (str(m, "tolerate"))
        printf(", tolerate %s", str(m, "tolerate"));
    val_t *tolerated = val_map_get(m, "tolerated", 9);
    if (tolerated)
        printf(" (%lld would fail: tolerated)",
               (long long)val_get_int(tolerated));
    putchar('\n');
    val_t *each = val_map_get(m, "each", 4);
    for (size_t i = 0; each && i < val_len(each); i++) {
        const val_t *one = val_list_get(each, i);
        printf("%*sitem ", depth * 2 + 2, "");
        print_value(val_map_get(one, "item", 4));
        putchar('\n');
        print_list(val_map_get(one, "statements", 10), depth + 2);
    }
    val_t *left = val_map_get(m, "not_described", 13);
    if (left)
        printf("%*s... %lld more item%s, not described\n", depth * 2 + 2, "",
               (long long)val_get_int(left), val_get_int(left) == 1 ? "" : "s");
    val_t *body = val_map_get(m, "body", 4);
    if (body)
        print_list(body, depth + 1);
    print_handlers(m, depth + 1);
}

static void print_retry(const val_t *m, int depth)
{
    printf("%*sretry ", depth * 2, "");
    print_known(m, "attempts");
    fputs(" attempts", stdout);
    val_t *b = val_map_get(m, "backoff", 7);
    if (b) {
        printf(", backoff %s(", str(b, "kind"));
        for (size_t i = 1; i < val_len(b); i++) {
            printf("%s%s: ", i > 1 ? ", " : "",
                   val_get_str(val_map_key(b, i), NULL));
            print_value(val_map_value(b, i));
        }
        putchar(')');
    }
    printf(", jitter %s", str(m, "jitter"));
    val_t *on = val_map_get(m, "on", 2);
    for (size_t i = 0; i < val_len(on); i++)
        printf("%s%s", i ? ", " : ", on ", val_get_str(val_list_get(on, i), NULL));
    static const char *const limits[] = { "timeout", "deadline" };
    for (size_t i = 0; i < 2; i++) {
        char text_key[32];
        snprintf(text_key, sizeof text_key, "%s_text", limits[i]);
        if (val_map_get(m, limits[i], strlen(limits[i])) || str(m, text_key)) {
            printf(", %s ", limits[i]);
            print_known(m, limits[i]);
        }
    }
    putchar('\n');
    print_list(val_map_get(m, "body", 4), depth + 1);
    print_handlers(m, depth + 1);
}

static void print_statement(const val_t *m, int depth)
{
    const char *kind = str(m, "kind");
    if (strcmp(kind, "step") == 0) {
        print_step(m, depth);
    } else if (strcmp(kind, "let") == 0) {
        printf("%*slet %s = ", depth * 2, "", str(m, "name"));
        print_known(m, "value");
        putchar('\n');
    } else if (strcmp(kind, "checkpoint") == 0) {
        printf("%*scheckpoint %s\n", depth * 2, "", str(m, "name"));
    } else if (strcmp(kind, "snapshot") == 0) {
        printf("%*ssnapshot %s\n", depth * 2, "", str(m, "name"));
    } else if (strcmp(kind, "verify") == 0) {
        printf("%*sverify %s: %s\n", depth * 2, "", str(m, "cond"),
               strcmp(str(m, "holds"), "yes") == 0 ? "holds"
               : strcmp(str(m, "holds"), "no") == 0 ? "FAILS"
               : "checked when run");
    } else if (strcmp(kind, "foreach") == 0) {
        print_foreach(m, depth);
    } else if (strcmp(kind, "retry") == 0) {
        print_retry(m, depth);
    } else if (strcmp(kind, "if") == 0) {
        printf("%*sif %s: %s\n", depth * 2, "", str(m, "cond"),
               str(m, "taken"));
        static const char *const branches[] = { "then", "else" };
        for (int b = 0; b < 2; b++) {
            val_t *stmts = val_map_get(m, branches[b], 4);
            if (stmts && val_len(stmts)) {
                printf("%*s%s:\n", depth * 2 + 2, "", branches[b]);
                print_list(stmts, depth + 2);
            }
        }
    } else if (strcmp(kind, "decision") == 0) {
        printf("%*s%s\n", depth * 2, "", str(m, "decision"));
    }
}

static void print_list(const val_t *list, int depth)
{
    for (size_t i = 0; list && i < val_len(list); i++)
        print_statement(val_list_get(list, i), depth);
}

static void print_hooks(const val_t *hooks, int depth)
{
    for (size_t i = 0; hooks && i < val_len(hooks); i++) {
        const val_t *h = val_list_get(hooks, i);
        val_t *body = val_map_get(h, "statements", 10);
        printf("%*s%s:", depth * 2, "", str(h, "when"));
        for (size_t j = 0; j < val_len(body); j++)
            printf("%s%s", j ? "; " : " ", val_get_str(val_list_get(body, j),
                                                       NULL));
        putchar('\n');
    }
}

static void print_params(const val_t *params)
{
    size_t width = 0;
    for (size_t i = 0; i < val_len(params); i++) {
        size_t n = strlen(str(val_list_get(params, i), "name"));
        if (n > width)
            width = n;
    }
    for (size_t i = 0; i < val_len(params); i++) {
        const val_t *p = val_list_get(params, i);
        printf("  %-*s = ", (int)width, str(p, "name"));
        print_value(val_map_get(p, "value", 5));
        printf("  (%s)\n", str(p, "from"));
    }
}

static void print_plan(const val_t *d)
{
    val_t *prof = val_map_get(d, "profile", 7);
    printf("plan \"%s\" (%s), profile %s\n", str(d, "plan"), str(d, "file"),
           val_type(prof) == VAL_STRING ? val_get_str(prof, NULL) : "none");
    val_t *params = val_map_get(d, "params", 6);
    if (val_len(params)) {
        puts("params:");
        print_params(params);
    }
    val_t *dflt = val_map_get(d, "defaults", 8);
    for (size_t i = 0; dflt && i < val_len(dflt); i++) {
        const val_t *row = val_list_get(dflt, i);
        if (!i)
            puts("defaults where the plan sets none (mig.yaml):");
        printf("  %-7s = ", str(row, "key"));
        print_value(val_map_get(row, "value", 5));
        printf("  (%s)\n", str(row, "from"));
    }
    print_list(val_map_get(d, "lets", 4), 0);
    val_t *stages = val_map_get(d, "stages", 6);
    for (size_t i = 0; i < val_len(stages); i++) {
        const val_t *s = val_list_get(stages, i);
        val_t *after = val_map_get(s, "after", 5);
        printf("\nstage %s", str(s, "stage"));
        for (size_t j = 0; j < val_len(after); j++)
            printf("%s%s", j ? ", " : ", after ",
                   val_get_str(val_list_get(after, j), NULL));
        putchar('\n');
        print_list(val_map_get(s, "statements", 10), 1);
        print_handlers(s, 1);
        print_hooks(val_map_get(s, "hooks", 5), 1);
    }
    val_t *hooks = val_map_get(d, "hooks", 5);
    if (val_len(hooks))
        putchar('\n');
    print_hooks(hooks, 0);
    int64_t changes = val_get_int(val_map_get(d, "changes", 7));
    int64_t failures = val_get_int(val_map_get(d, "failures", 8));
    val_t *left = val_map_get(d, "not_described", 13);
    if (left)
        printf("\nThe dry run describes up to 10,000 statements inside loop "
               "items: %lld item%s of loops %s not described, and %s "
               "changes are not counted.\n", (long long)val_get_int(left),
               val_get_int(left) == 1 ? "" : "s",
               val_get_int(left) == 1 ? "is" : "are",
               val_get_int(left) == 1 ? "its" : "their");
    printf("\n%lld change%s would be made", (long long)changes,
           changes == 1 ? "" : "s");
    int64_t tolerated = val_get_int(val_map_get(d, "tolerated", 9));
    if (failures)
        printf(", and %lld failure%s foreseen", (long long)failures,
               failures == 1 ? " is" : "s are");
    int64_t handled = val_get_int(val_map_get(d, "handled", 7));
    if (tolerated)
        printf("%s %lld foreseen failure%s tolerated", failures ? ";" : ",",
               (long long)tolerated, tolerated == 1 ? " is" : "s are");
    if (handled)
        printf("%s %lld foreseen failure%s to a recover block",
               failures || tolerated ? ";" : ",", (long long)handled,
               handled == 1 ? " goes" : "s go");
    puts(". Nothing was changed.");
}

/* ---- the command ------------------------------------------------------ */

/* Prints V as indented JSON and a newline. */
static void print_json(const val_t *v)
{
    strbuf_t b;
    strbuf_init(&b);
    if (val_to_json(v, &b, VAL_JSON_PRETTY) == MIG_OK && !b.oom)
        printf("%s\n", b.data);
    else
        fprintf(stderr, "mig: error: out of memory\n");
    strbuf_free(&b);
}

/* Adds to OUT (the dry run's map) "defaults", when any is set: the rows
 * of EFFECTIVE (a configuration's settings) for the run-wide defaults, the
 * retry, timeout and breaker a run applies where the plan has none
 * (docs/configuration.md). MIG_OK or MIG_ENOMEM. */
static mig_status_t add_defaults(val_t *out, const val_t *effective)
{
    static const char *const keys[] = { "retry", "timeout", "breaker" };
    val_t *list = val_list_new(3);
    for (size_t i = 0; list && i < val_len(effective); i++) {
        const val_t *row = val_list_get(effective, i);
        for (size_t k = 0; k < 3; k++)
            if (strcmp(str(row, "key"), keys[k]) == 0
                && val_type(val_map_get(row, "value", 5)) != VAL_NULL
                && val_list_push(list, (val_t *)row) != MIG_OK) {
                val_unref(list);
                list = NULL;
                break;
            }
    }
    if (list && !val_len(list)) {
        val_unref(list);
        return MIG_OK;
    }
    return list ? val_map_set_take(out, "defaults", 8, list) : MIG_ENOMEM;
}

static int show_params(const params_t *p, bool json)
{
    val_t *list = params_to_value(p);
    if (!list) {
        fprintf(stderr, "mig: error: out of memory\n");
        return EXIT_USAGE;
    }
    if (json)
        print_json(list);
    else
        print_params(list);
    val_unref(list);
    return EXIT_CLEAN;
}

int cmd_plan(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *path = args->operands[0];
    bool json = cli_value(cmd, args, "json") != NULL;
    const char *const *overrides;
    size_t n_over = cli_values(cmd, args, "param", &overrides);
    cli_plan_t p;
    int rc = cli_load_plan(path, CLI_LOAD_CHECK | CLI_LOAD_GRAPH, &p);
    if (rc != EXIT_CLEAN) {
        cli_plan_free(&p);
        return rc;
    }
    diag_list_t diags;
    diag_list_init(&diags);
    params_t *params = NULL;
    mig_status_t st = params_resolve_config(p.plan, p.src, p.config,
                                            cli_value(cmd, args, "profile"),
                                            overrides, n_over, &diags,
                                            &params);
    if (st == MIG_OK && cli_value(cmd, args, "show-params")) {
        rc = show_params(params, json);
    } else if (st == MIG_OK) {
        char *dir = cli_plan_dir(path);
        val_t *out = NULL, *eff = NULL;
        config_settings_t set = { 0 };
        st = dir ? config_effective(p.config, cli_value(cmd, args, "profile"),
                                    &set, &eff) : MIG_ENOMEM;
        if (st == MIG_OK)
            st = dryrun_plan_with(p.graph, params, p.actions, dir, &set,
                                  &diags, &out);
        if (out && add_defaults(out, eff) != MIG_OK)
            st = MIG_ENOMEM;
        config_settings_clear(&set);
        val_unref(eff);
        free(dir);
        if (out && json) {
            print_json(out);
        } else if (out) {
            print_plan(out);
        }
        val_unref(out);
        rc = st == MIG_OK ? EXIT_CLEAN : st == MIG_EINVALID ? EXIT_INVALID
                                                             : EXIT_USAGE;
    } else {
        /* A bad --profile or --param is a usage error. */
        rc = EXIT_USAGE;
    }
    fflush(stdout);
    cli_render_diags(&diags);
    if (st == MIG_ENOMEM)
        fprintf(stderr, "mig: error: out of memory planning '%s'\n", path);
    diag_list_free(&diags);
    params_free(params);
    cli_plan_free(&p);
    return rc;
}
