/* cmd_analyze.c: `mig analyze` (docs/analytics.md, "Prediction"):
 * --train fits the model on the history of the state store and saves it
 * beside the store, DIR predicts each legacy file and tool of an
 * inventory with the main reasons, --evaluate measures the model on runs
 * it has not seen. analytics/ computes everything; this file prints. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "analytics.h"
#include "cli.h"

#define MODEL_NAME "analyze-model.json"

static const char *str_at(const val_t *m, const char *key)
{
    val_t *v = m && val_type(m) == VAL_MAP ? val_map_get(m, key, strlen(key))
                                           : NULL;
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : NULL;
}

/* str_at for printing: "?" when the field is missing. */
static const char *text_at(const val_t *m, const char *key)
{
    const char *s = str_at(m, key);
    return s ? s : "?";
}

static val_t *at(const val_t *m, const char *key)
{
    return m && val_type(m) == VAL_MAP ? val_map_get(m, key, strlen(key))
                                       : NULL;
}

static double num_at(const val_t *m, const char *key)
{
    val_t *v = at(m, key);
    return v && val_type(v) == VAL_NUMBER ? val_get_number(v) : 0;
}

/* The model's path: --model, else MODEL_NAME beside the state store
 * (found as for mig status). A new string in *PATH, or an exit code. */
static int model_path(const cli_cmd_t *cmd, const cli_args_t *args,
                      char **path, diag_list_t *diags)
{
    const char *given = cli_value(cmd, args, "model");
    if (given)
        return (*path = strdup(given)) ? EXIT_CLEAN : EXIT_USAGE;
    char *state = NULL;
    int rc = cli_state_path(cmd, args, STORE_READONLY, &state, diags);
    if (rc != EXIT_CLEAN)
        return rc;
    char *dir = cli_dir_of(state);
    size_t n = (dir ? strlen(dir) : 0) + sizeof "/" MODEL_NAME;
    *path = dir ? malloc(n) : NULL;
    if (*path)
        snprintf(*path, n, "%s%s" MODEL_NAME, dir,
                 *dir && dir[strlen(dir) - 1] != '/' ? "/" : "");
    free(dir);
    free(state);
    return *path ? EXIT_CLEAN : EXIT_USAGE;
}

/* The history's labelled rows, from the store of CMD. */
static int read_history(const cli_cmd_t *cmd, const cli_args_t *args,
                        analyze_rows_t *rows, diag_list_t *diags)
{
    store_t *s = NULL;
    int rc = cli_open_store(cmd, args, STORE_READONLY, &s, diags);
    if (rc == EXIT_CLEAN) {
        mig_status_t st = analyze_history(s, rows);
        diag_list_move(diags, store_diags(s));
        rc = st == MIG_ENOMEM ? EXIT_USAGE : cli_store_exit(st);
    }
    store_close(s);
    return rc;
}

static void put_classes(strbuf_t *b, const val_t *info)
{
    val_t *per = at(info, "classes");
    for (size_t i = 0; per && i < val_len(per); i++)
        strbuf_printf(b, "%s%s %" PRId64, i ? ", " : "",
                      val_get_str(val_map_key(per, i), NULL),
                      val_get_int(val_map_value(per, i)));
}

/* ---- --train ------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static int train(const cli_cmd_t *cmd, const cli_args_t *args,
                 const char *path, diag_list_t *diags)
{
    analyze_rows_t rows = { 0 };
    int rc = read_history(cmd, args, &rows, diags);
    analyze_model_t *m = NULL;
    mig_status_t st = MIG_OK;
    if (rc == EXIT_CLEAN)
        st = analyze_train(&rows, now_ms(), &m, diags);
    if (rc == EXIT_CLEAN && st != MIG_OK)
        rc = EXIT_USAGE;
    strbuf_t b;
    strbuf_init(&b);
    if (rc == EXIT_CLEAN && analyze_model_to_json(m, &b) != MIG_OK)
        rc = EXIT_USAGE;
    if (rc == EXIT_CLEAN)
        rc = cli_write_out(path, &b);
    val_t *info = rc == EXIT_CLEAN ? analyze_model_info(m) : NULL;
    if (info && cli_value(cmd, args, "json")) {
        if (val_map_set_take(info, "path", 4, val_cstring(path)) != MIG_OK
            || cli_print_json(info, true) != MIG_OK)
            rc = EXIT_USAGE;
    } else if (info) {
        strbuf_t o;
        strbuf_init(&o);
        int64_t n = (int64_t)num_at(info, "rows");
        strbuf_printf(&o, "trained on %" PRId64 " labelled tools from %"
                      PRId64 " runs (", n, (int64_t)num_at(info, "runs"));
        put_classes(&o, info);
        if (strcmp(str_at(info, "kind"), "fallback") == 0)
            strbuf_printf(&o, "): fewer than %d, so the model is the "
                          "fallback, the majority class '%s'\n",
                          ANALYZE_MIN_ROWS, str_at(info, "majority"));
        else
            strbuf_puts(&o, "): gradient-boosted trees (XGBoost)\n");
        strbuf_printf(&o, "model: %s (%s, %s)\n", path, str_at(info, "digest"),
                      str_at(info, "trained"));
        if (!o.oom)
            fputs(o.data, stdout);
        strbuf_free(&o);
    }
    if (rc == EXIT_CLEAN && !info)
        rc = EXIT_USAGE;
    val_unref(info);
    strbuf_free(&b);
    analyze_model_free(m);
    analyze_rows_free(&rows);
    return rc;
}

/* ---- DIR ----------------------------------------------------------------- */

static int load_model(const char *path, analyze_model_t **m,
                      diag_list_t *diags)
{
    char *text = NULL;
    size_t len = 0;
    int err = 0;
    if (src_read_whole(path, &text, &len, &err) != SRC_READ_OK) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL,
                             "no model at '%s': %s", path,
                             err ? strerror(err) : "cannot be read");
        diag_hint(diags, d, "train one from the history of runs with "
                            "`mig analyze --train`");
        return EXIT_USAGE;
    }
    mig_status_t st = analyze_model_from_json(text, len, path, m, diags);
    free(text);
    return st == MIG_OK ? EXIT_CLEAN : EXIT_USAGE;
}

static void put_reasons(strbuf_t *b, const val_t *reasons)
{
    for (size_t i = 0; reasons && i < val_len(reasons); i++) {
        val_t *r = val_list_get(reasons, i);
        strbuf_printf(b, "%s%s", i ? ", " : "; because ",
                      text_at(r, "feature"));
        val_t *v = at(r, "value"), *c = at(r, "contribution");
        /* The fallback's reason: its value says it all. */
        if (v && val_type(v) == VAL_STRING && c && val_type(c) == VAL_NULL)
            strbuf_printf(b, ": %s", val_get_str(v, NULL));
        else if (v && val_type(v) == VAL_STRING)
            strbuf_printf(b, " %s", val_get_str(v, NULL));
        else if (v && val_type(v) == VAL_NUMBER)
            strbuf_printf(b, " %g", val_get_number(v));
        else if (v)
            strbuf_puts(b, " missing");
        if (c && val_type(c) == VAL_NUMBER)
            strbuf_printf(b, " (+%.3f)", val_get_number(c));
    }
}

static void print_files(strbuf_t *b, const val_t *files, const val_t *info)
{
    size_t per[ANALYZE_N_CLASSES] = { 0 }, tools = 0;
    strbuf_printf(b, "model: %s, trained %s on %" PRId64 " labelled tools\n",
                  text_at(info, "kind"), text_at(info, "trained"),
                  (int64_t)num_at(info, "rows"));
    for (size_t i = 0; i < val_len(files); i++) {
        val_t *f = val_list_get(files, i);
        const char *fmt = str_at(f, "format");
        strbuf_printf(b, "\n%s (%s): %s, %s\n", text_at(f, "path"),
                      fmt ? fmt : "no format", text_at(f, "class"),
                      text_at(f, "band"));
        val_t *l = at(f, "tools");
        for (size_t j = 0; l && j < val_len(l); j++) {
            val_t *t = val_list_get(l, j);
            const char *name = str_at(t, "name"), *place = str_at(t, "place");
            strbuf_printf(b, "  %s%s%s: %s (%.2f), %s", name ? name : "(file)",
                          place ? " " : "", place ? place : "",
                          str_at(t, "class"),
                          num_at(t, "probability"), str_at(t, "band"));
            put_reasons(b, at(t, "reasons"));
            strbuf_putc(b, '\n');
            for (int c = 0; c < ANALYZE_N_CLASSES; c++)
                per[c] += strcmp(str_at(t, "class"), analyze_class_name(c)) == 0;
            tools++;
        }
    }
    strbuf_printf(b, "\n%zu files, %zu predictions:", val_len(files), tools);
    for (int c = 0; c < ANALYZE_N_CLASSES; c++)
        strbuf_printf(b, "%s %zu %s", c ? "," : "", per[c],
                      analyze_class_name(c));
    strbuf_putc(b, '\n');
}

static int predict(const cli_cmd_t *cmd, const cli_args_t *args,
                   const char *path, diag_list_t *diags)
{
    analyze_model_t *m = NULL;
    int rc = load_model(path, &m, diags);
    analyze_rows_t rows = { 0 };
    mig_status_t st = MIG_OK;
    if (rc == EXIT_CLEAN)
        st = analyze_scan(args->operands[0], &rows, diags);
    val_t *preds = NULL, *files = NULL;
    if (rc == EXIT_CLEAN && st == MIG_OK)
        st = analyze_predict(m, &rows, &preds, diags);
    if (rc == EXIT_CLEAN && st == MIG_OK)
        st = analyze_by_file(&rows, preds, &files);
    val_t *info = rc == EXIT_CLEAN && st == MIG_OK ? analyze_model_info(m)
                                                   : NULL;
    if (rc == EXIT_CLEAN && (st != MIG_OK || !info))
        rc = EXIT_USAGE;
    if (rc == EXIT_CLEAN && cli_value(cmd, args, "json")) {
        val_t *o = val_map_new(2);
        bool ok = o && val_map_set(o, "model", 5, info) == MIG_OK
                  && val_map_set(o, "files", 5, files) == MIG_OK
                  && cli_print_json(o, true) == MIG_OK;
        val_unref(o);
        rc = ok ? EXIT_CLEAN : EXIT_USAGE;
    } else if (rc == EXIT_CLEAN) {
        strbuf_t b;
        strbuf_init(&b);
        print_files(&b, files, info);
        if (!b.oom)
            fputs(b.data, stdout);
        rc = b.oom ? EXIT_USAGE : EXIT_CLEAN;
        strbuf_free(&b);
    }
    val_unref(info);
    val_unref(preds);
    val_unref(files);
    analyze_rows_free(&rows);
    analyze_model_free(m);
    return rc;
}

/* ---- --evaluate ---------------------------------------------------------- */

static void put_share(strbuf_t *b, const val_t *v)
{
    if (v && val_type(v) == VAL_NUMBER)
        strbuf_printf(b, "%.1f%%", val_get_number(v) * 100);
    else
        strbuf_puts(b, "-");
}

static void print_evaluation(strbuf_t *b, const val_t *e)
{
    strbuf_printf(b, "held out: %" PRId64 " labelled tools of %" PRId64
                  " inventories in %" PRId64 " folds (split by run and "
                  "inventory)\naccuracy: ", (int64_t)num_at(e, "rows"),
                  (int64_t)num_at(e, "groups"), (int64_t)num_at(e, "folds"));
    put_share(b, at(e, "accuracy"));
    strbuf_puts(b, "\nbaseline (the training folds' majority class): ");
    put_share(b, at(e, "baseline"));
    strbuf_printf(b, "\n\n%-10s %9s %7s %8s\n", "class", "precision",
                  "recall", "support");
    val_t *cl = at(e, "classes");
    for (size_t i = 0; cl && i < val_len(cl); i++) {
        val_t *c = val_list_get(cl, i);
        strbuf_printf(b, "%-10s ", text_at(c, "class"));
        size_t at0 = b->len;
        put_share(b, at(c, "precision"));
        strbuf_printf(b, "%*s", (int)(9 - (b->len - at0)), "");
        at0 = b->len;
        strbuf_putc(b, ' ');
        put_share(b, at(c, "recall"));
        strbuf_printf(b, "%*s %8" PRId64 "\n", (int)(8 - (b->len - at0)), "",
                      (int64_t)num_at(c, "support"));
    }
    val_t *conf = at(e, "confusion"), *labels = at(conf, "labels");
    strbuf_printf(b, "\nconfusion (rows: actual, columns: predicted)\n%-10s",
                  "");
    for (size_t i = 0; labels && i < val_len(labels); i++)
        strbuf_printf(b, " %9s", val_get_str(val_list_get(labels, i), NULL));
    val_t *mx = at(conf, "matrix");
    for (size_t i = 0; mx && i < val_len(mx); i++) {
        strbuf_printf(b, "\n%-10s", val_get_str(val_list_get(labels, i), NULL));
        val_t *row = val_list_get(mx, i);
        for (size_t j = 0; j < val_len(row); j++)
            strbuf_printf(b, " %9" PRId64, val_get_int(val_list_get(row, j)));
    }
    strbuf_puts(b, "\n\nduration band: accuracy ");
    put_share(b, at(at(e, "band"), "accuracy"));
    strbuf_puts(b, ", baseline ");
    put_share(b, at(at(e, "band"), "baseline"));
    strbuf_putc(b, '\n');
    val_t *inv = at(e, "inventories");
    strbuf_puts(b, "\nby inventory (accuracy, tools):\n");
    for (size_t i = 0; inv && i < val_len(inv); i++) {
        val_t *g = val_list_get(inv, i);
        strbuf_puts(b, "  ");
        put_share(b, at(g, "accuracy"));
        strbuf_printf(b, " of %" PRId64 ": %s\n", (int64_t)num_at(g, "rows"),
                      str_at(g, "inventory"));
    }
    val_t *ms = at(e, "misses");
    if (ms && val_len(ms))
        strbuf_printf(b, "\nmisses (the first %zu):\n", val_len(ms));
    for (size_t i = 0; ms && i < val_len(ms); i++) {
        val_t *m = val_list_get(ms, i);
        const char *name = str_at(m, "name"), *place = str_at(m, "place");
        strbuf_printf(b, "  %s%s%s %s: %s, predicted %s\n", str_at(m, "file"),
                      place ? " " : "", place ? place : "",
                      name ? name : "(file)",
                      str_at(m, "actual"), str_at(m, "predicted"));
    }
}

static int evaluate(const cli_cmd_t *cmd, const cli_args_t *args,
                    diag_list_t *diags)
{
    analyze_rows_t rows = { 0 };
    int rc = read_history(cmd, args, &rows, diags);
    val_t *e = NULL;
    if (rc == EXIT_CLEAN && analyze_evaluate(&rows, &e, diags) != MIG_OK)
        rc = EXIT_USAGE;
    if (rc == EXIT_CLEAN && cli_value(cmd, args, "json")) {
        rc = cli_print_json(e, true) == MIG_OK ? EXIT_CLEAN : EXIT_USAGE;
    } else if (rc == EXIT_CLEAN) {
        strbuf_t b;
        strbuf_init(&b);
        print_evaluation(&b, e);
        if (!b.oom)
            fputs(b.data, stdout);
        rc = b.oom ? EXIT_USAGE : EXIT_CLEAN;
        strbuf_free(&b);
    }
    val_unref(e);
    analyze_rows_free(&rows);
    return rc;
}

int cmd_analyze(const cli_cmd_t *cmd, const cli_args_t *args)
{
    diag_list_t diags;
    diag_list_init(&diags);
    bool tr = cli_value(cmd, args, "train"), ev = cli_value(cmd, args,
                                                            "evaluate");
    int rc = EXIT_CLEAN;
    if (tr && ev)
        diag_add(&diags, DIAG_ERROR, NULL, NULL,
                 "analyze: --train and --evaluate go alone, one at a time");
    else if ((tr || ev) && args->n_operands)
        diag_add(&diags, DIAG_ERROR, NULL, NULL,
                 "analyze: --%s reads the history, not a folder: leave out "
                 "'%s'", tr ? "train" : "evaluate", args->operands[0]);
    else if (!tr && !ev && !args->n_operands)
        diag_add(&diags, DIAG_ERROR, NULL, NULL,
                 "analyze: give the folder of a legacy inventory, or "
                 "--train, or --evaluate");
    if (diags.errors)
        rc = EXIT_USAGE;
    char *path = NULL;
    if (rc == EXIT_CLEAN && !ev)
        rc = model_path(cmd, args, &path, &diags);
    if (rc == EXIT_CLEAN)
        rc = tr ? train(cmd, args, path, &diags)
             : ev ? evaluate(cmd, args, &diags)
                  : predict(cmd, args, path, &diags);
    free(path);
    fflush(stdout);
    cli_render_diags(&diags);
    diag_list_free(&diags);
    return rc;
}
