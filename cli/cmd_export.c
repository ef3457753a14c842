/* cmd_export.c: `mig export FILE --format F [-o OUT]`: the execution graph
 * in a format of the designer layer's table (docs/export.md), on standard
 * output or written to OUT in one step (a temporary file renamed over it),
 * so a failed export never leaves half a file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "designer.h"
#include "store.h"

/* Writes B to PATH through PATH.tmpPID (cli.h); EXIT_CLEAN or EXIT_USAGE
 * (said). `mig import -o` writes the same way. */
int cli_write_out(const char *path, const strbuf_t *b)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        fprintf(stderr, "mig: error: out of memory\n");
        return EXIT_USAGE;
    }
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    int e = ok ? 0 : errno;
    if (f && fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        fprintf(stderr, "mig: error: cannot write '%s': %s\n", path,
                strerror(e));
    }
    free(tmp);
    return ok ? EXIT_CLEAN : EXIT_USAGE;
}

/* ---- a run on the graph (--run) --------------------------------------- */

/* Folds step ST into the state of its node in the map of DATA: status
 * (failed over running over done over skipped), items counted, the most
 * attempts, the time spent, the last error. */
static bool fold_step(void *data, const store_step_t *st)
{
    val_t *run = data;
    size_t len = strlen(st->node);
    val_t *m = val_map_get(run, st->node, len);
    if (!m) {
        m = val_map_new(5);
        if (!m || val_map_set_take(run, st->node, len, m) != MIG_OK)
            return false;
    }
    static const char *const rank[] = { "skipped", "done", "running",
                                        "failed" };
    static const int of_state[] = {
        [STORE_STEP_RUNNING] = 2, [STORE_STEP_DONE] = 1,
        [STORE_STEP_FAILED] = 3, [STORE_STEP_SKIPPED] = 0,
    };
    val_t *old = val_map_get(m, "status", 6);
    int was = -1;
    for (int i = 0; old && i < 4; i++)
        if (strcmp(val_get_str(old, NULL), rank[i]) == 0)
            was = i;
    int now = of_state[st->state];
    val_t *items = val_map_get(m, "items", 5);
    val_t *att = val_map_get(m, "attempts", 8);
    val_t *dur = val_map_get(m, "duration_ms", 11);
    int64_t spent = st->ended_ms > st->started_ms && st->started_ms
        ? st->ended_ms - st->started_ms : 0;
    bool ok = (now <= was
               || val_map_set_take(m, "status", 6, val_cstring(rank[now]))
                  == MIG_OK)
        && val_map_set_take(m, "items", 5, val_int(
               (items ? val_get_int(items) : 0) + 1)) == MIG_OK
        && val_map_set_take(m, "attempts", 8, val_int(
               att && val_get_int(att) > st->attempts ? val_get_int(att)
                                                      : st->attempts))
           == MIG_OK
        && val_map_set_take(m, "duration_ms", 11, val_int(
               (dur ? val_get_int(dur) : 0) + spent)) == MIG_OK;
    if (ok && st->error && st->state == STORE_STEP_FAILED) {
        char *e = malloc(strlen(st->error) + strlen(st->error_class
                                                    ? st->error_class : "")
                         + 3);
        if (e) {
            sprintf(e, "%s: %s", st->error_class ? st->error_class : "",
                    st->error);
            ok = val_map_set_take(m, "error", 5, val_cstring(e)) == MIG_OK;
            free(e);
        }
    }
    return ok;
}

/* The state of each node in run TEXT of the store that CMD finds, as a
 * new map node id -> state; NULL (said, with *RC the exit code) when it
 * cannot be read. */
static val_t *read_run(const cli_cmd_t *cmd, const cli_args_t *args,
                       const char *text, int *rc)
{
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    int64_t id = 0;
    val_t *run = NULL;
    mig_status_t st = MIG_ENOMEM;
    if ((*rc = cli_open_run(cmd, args, text, &s, &id, &diags))
        == EXIT_CLEAN) {
        run = val_map_new(16);
        if (!run || (st = store_step_each(s, id, fold_step, run)) != MIG_OK) {
            *rc = cli_store_exit(st);
            val_unref(run);
            run = NULL;
            diag_list_move(&diags, store_diags(s));
            if (!diags.len)
                diag_add(&diags, DIAG_ERROR, NULL, NULL, "out of memory");
        }
    }
    cli_render_diags(&diags);
    diag_list_free(&diags);
    store_close(s);
    return run;
}

int cmd_export(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *name = cli_value(cmd, args, "format");
    const export_format_t *fmt = export_find(name ? name : "json");
    if (!fmt) {
        fprintf(stderr, "mig export: unknown format '%s'; the formats are",
                name);
        for (const export_format_t *f = export_formats(); f->name; f++)
            fprintf(stderr, "%s %s", f == export_formats() ? "" : ",",
                    f->name);
        fputc('\n', stderr);
        return EXIT_USAGE;
    }
    const char *which = cli_value(cmd, args, "run");
    if (which && !fmt->write_run) {
        fprintf(stderr, "mig export: --run draws a run on the json and dot "
                "formats only, not on %s\n", fmt->name);
        return EXIT_USAGE;
    }
    int rc = EXIT_CLEAN;
    val_t *run = which ? read_run(cmd, args, which, &rc) : NULL;
    if (which && !run)
        return rc;
    cli_plan_t p;
    rc = cli_load_plan(args->operands[0], CLI_LOAD_GRAPH, &p);
    if (rc == EXIT_CLEAN) {
        strbuf_t b;
        strbuf_init(&b);
        mig_status_t st = run ? fmt->write_run(p.graph, run, &b)
                              : fmt->write(p.graph, &b);
        if (st != MIG_OK || b.oom) {
            fprintf(stderr, "mig: error: out of memory exporting '%s'\n",
                    args->operands[0]);
            rc = EXIT_USAGE;
        } else if (cli_value(cmd, args, "output")) {
            rc = cli_write_out(cli_value(cmd, args, "output"), &b);
        } else {
            fwrite(b.data, 1, b.len, stdout);
        }
        strbuf_free(&b);
    }
    cli_plan_free(&p);
    val_unref(run);
    return rc;
}
