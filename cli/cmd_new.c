/* cmd_new.c: `mig new --template NAME DIR`, a ready migration project
 * made from a template (stdlib/templates.c; docs/templates.md), written
 * in one step (outdir.c); `mig new --list` lists the templates. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int list_templates(void)
{
    for (size_t i = 0; i < template_count(); i++)
        printf("%-8s  %s\n", template_name(i), template_summary(i));
    return EXIT_CLEAN;
}

/* Says on stderr that there is no template NAME, with the closest. */
static int no_such_template(const char *name)
{
    eval_suggest_t s;
    eval_suggest_init(&s, name);
    for (size_t i = 0; i < template_count(); i++)
        eval_suggest_consider(&s, template_name(i));
    fprintf(stderr, "mig new: error: there is no template '%s'\n", name);
    if (s.best)
        fprintf(stderr, "hint: did you mean '%s'?\n", s.best);
    else
        fprintf(stderr, "hint: `mig new --list` lists the templates\n");
    return EXIT_USAGE;
}

/* What a template writes, counted on the way to the folder. */
typedef struct new_out {
    cli_outdir_t dir;
    size_t files;
} new_out_t;

static mig_status_t count_write(void *data, const char *path,
                                const char *bytes, size_t len)
{
    new_out_t *o = data;
    o->files++;
    return cli_outdir_write(&o->dir, path, bytes, len);
}

int cmd_new(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *name = cli_value(cmd, args, "template");
    if (cli_value(cmd, args, "list")) {
        if (!name && args->n_operands == 0)
            return list_templates();
        fprintf(stderr, "mig new: error: --list takes nothing else\n");
        return EXIT_USAGE;
    }
    if (!name || args->n_operands != 1) {
        fprintf(stderr, "mig new: error: %s\nusage: mig new --template NAME "
                "DIR\nhint: `mig new --list` lists the templates\n",
                name ? "DIR, the folder to make, is missing"
                     : "--template NAME is required");
        return EXIT_USAGE;
    }
    size_t i = 0;
    while (i < template_count() && strcmp(template_name(i), name) != 0)
        i++;
    if (i == template_count())
        return no_such_template(name);
    new_out_t o = { .files = 0 };
    const char *dir = args->operands[0];
    int rc = cli_outdir_begin(&o.dir, "mig new", dir, "new", false,
                              "choose another folder: mig new writes only "
                              "a new or empty one");
    /* The project's name: DIR's last part. */
    const char *base = strrchr(o.dir.dir, '/');
    base = base && base[1] ? base + 1 : o.dir.dir;
    diag_list_t diags;
    diag_list_init(&diags);
    mig_status_t st = rc == EXIT_CLEAN
        ? template_write(name, base, count_write, &o, &diags) : MIG_OK;
    cli_render_diags(&diags);
    diag_list_free(&diags);
    if (st != MIG_OK) {
        fprintf(stderr, "mig new: error: %s\n", st == MIG_ENOMEM
                ? "out of memory" : st == MIG_EIO ? o.dir.error
                : "the template could not be written");
        rc = EXIT_USAGE;
    } else if (rc == EXIT_CLEAN) {
        rc = cli_outdir_commit(&o.dir, "mig new");
    }
    if (rc == EXIT_CLEAN)
        printf("mig new: %s: %zu files from the template %s (plan.mig, "
               "mig.yaml, README.md, sample files under legacy/)\n"
               "next: cd %s && mig run plan.mig\n", o.dir.dir, o.files, name,
               o.dir.dir);
    cli_outdir_end(&o.dir);
    return rc;
}
