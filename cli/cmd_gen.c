/* cmd_gen.c: `mig gen tools`, a synthetic legacy inventory for rehearsing
 * a plan at scale (docs/gen.md). The generator (stdlib/tools/gen*.c) hands
 * over each file; they are written into a new folder beside --out that is
 * renamed into place at the end (outdir.c), so that a failure leaves
 * --out as it was. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Reads the options into O; EXIT_CLEAN or EXIT_USAGE (said). */
static int read_opts(const cli_cmd_t *cmd, const cli_args_t *args,
                     gen_opts_t *o)
{
    const char *count = cli_value(cmd, args, "count");
    const char *seed = cli_value(cmd, args, "seed");
    const char *per = cli_value(cmd, args, "files-per");
    const char *mis = cli_value(cmd, args, "mismatches");
    uint64_t v;
    o->kind = cli_value(cmd, args, "kind") ? cli_value(cmd, args, "kind")
                                           : "mixed";
    if (!count) {
        fprintf(stderr, "mig gen: error: --count N is required (from 1 to "
                "%d)\n", GEN_MAX_COUNT);
        return EXIT_USAGE;
    }
    if (!cli_parse_count(count, 1, GEN_MAX_COUNT, &o->count)) {
        fprintf(stderr, "mig gen: error: --count takes a whole number from 1 "
                "to %d, not '%s'\n", GEN_MAX_COUNT, count);
        return EXIT_USAGE;
    }
    if (seed && !cli_parse_seed(seed, &o->seed)) {
        fprintf(stderr, "mig gen: error: --seed takes a whole number from 0 "
                "to 2^53 - 1, not '%s'\n", seed);
        return EXIT_USAGE;
    }
    if (per && !cli_parse_count(per, 1, GEN_MAX_PER_FILE, &v)) {
        fprintf(stderr, "mig gen: error: --files-per takes a whole number "
                "from 1 to %d, not '%s'\n", GEN_MAX_PER_FILE, per);
        return EXIT_USAGE;
    }
    o->per_file = per ? (size_t)v : 0;
    diag_list_t diags;
    diag_list_init(&diags);
    mig_status_t st = mis ? gen_parse_mismatches(mis, o, &diags) : MIG_OK;
    if (st != MIG_OK)
        cli_render_diags(&diags);
    diag_list_free(&diags);
    return st == MIG_OK ? EXIT_CLEAN : EXIT_USAGE;
}

/* One line of what was written, for stdout. */
static void print_summary(const gen_opts_t *o, const char *out,
                          const gen_summary_t *s)
{
    printf("mig gen: %llu records in %llu files under %s (kind %s, seed "
           "%llu):", (unsigned long long)s->records,
           (unsigned long long)s->files, out, o->kind,
           (unsigned long long)o->seed);
    const char *const *kinds = gen_kinds();
    for (size_t i = 0; kinds[i] && strcmp(kinds[i], "mixed"); i++)
        if (s->by_kind[i])
            printf(" %s %llu", kinds[i], (unsigned long long)s->by_kind[i]);
    printf("\n");
    for (int m = 0; m < GEN_MIS_COUNT; m++)
        if (s->mismatched[m])
            printf("  %s: %llu files\n", gen_mismatch_name(m),
                   (unsigned long long)s->mismatched[m]);
}

int cmd_gen(const cli_cmd_t *cmd, const cli_args_t *args)
{
    if (strcmp(args->operands[0], "tools") != 0) {
        fprintf(stderr, "mig gen: error: mig generates 'tools' only, not "
                "'%s'\nhint: mig gen tools --kind mixed --count 1000\n",
                args->operands[0]);
        return EXIT_USAGE;
    }
    gen_opts_t o = { 0 };
    int rc = read_opts(cmd, args, &o);
    if (rc != EXIT_CLEAN)
        return rc;
    cli_outdir_t w;
    const char *out = cli_value(cmd, args, "out") ? cli_value(cmd, args, "out")
                                                  : "legacy";
    rc = cli_outdir_begin(&w, "mig gen", out, "gen",
                          cli_value(cmd, args, "force") != NULL,
                          "--force replaces what it holds");
    gen_summary_t sum;
    diag_list_t diags;
    diag_list_init(&diags);
    mig_status_t gst = rc == EXIT_CLEAN
        ? gen_tools(&o, cli_outdir_write, &w, &sum, &diags) : MIG_OK;
    if (gst == MIG_EINVALID) {
        cli_render_diags(&diags);
        rc = EXIT_USAGE;
    } else if (gst != MIG_OK) {
        fprintf(stderr, "mig gen: error: %s\n", gst == MIG_ENOMEM
                ? "out of memory" : w.error);
        rc = EXIT_USAGE;
    } else if (rc == EXIT_CLEAN) {
        rc = cli_outdir_commit(&w, "mig gen");
    }
    if (rc == EXIT_CLEAN)
        print_summary(&o, w.dir, &sum);
    diag_list_free(&diags);
    cli_outdir_end(&w);
    return rc;
}
