/* cmd_gen.c: `mig gen tools`, a synthetic legacy inventory for rehearsing
 * a plan at scale (docs/gen.md). The generator (stdlib/tools/gen*.c) hands
 * over each file; this writes them into a new folder beside --out and
 * renames it into place at the end, so that a failure leaves --out as it
 * was. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Where the files go: the folder being filled, and the first error. */
typedef struct gen_out {
    strbuf_t path;
    size_t root_len;        /* the folder's path, before "/FILE" */
    char error[512];
} gen_out_t;

/* Makes every folder of the path in O (not its last part). */
static bool make_parents(gen_out_t *o)
{
    char *p = o->path.data;
    for (char *s = p + o->root_len + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        bool ok = mkdir(p, 0777) == 0 || errno == EEXIST;
        *s = '/';
        if (!ok)
            return false;
    }
    return true;
}

static mig_status_t write_file(void *data, const char *path,
                               const char *bytes, size_t len)
{
    gen_out_t *o = data;
    o->path.len = o->root_len;
    strbuf_putc(&o->path, '/');
    strbuf_puts(&o->path, path);
    if (o->path.oom)
        return MIG_ENOMEM;
    FILE *f = make_parents(o) ? fopen(o->path.data, "wb") : NULL;
    bool ok = f && fwrite(bytes, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok) {
        snprintf(o->error, sizeof o->error, "cannot write '%s': %s",
                 o->path.data, strerror(errno));
        return MIG_EIO;
    }
    return MIG_OK;
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Removes the tree at PATH (not following links); true when it is gone. */
static bool remove_tree(const char *path)
{
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ||
           errno == ENOENT;
}

/* Whether folder PATH holds anything (dot files too). */
static bool non_empty(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    bool any = false;
    while (d && !any && (e = readdir(d)))
        any = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return any;
}

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
    /* DIR without its trailing slashes: DIR.gen-PID must be beside it. */
    char out[4096];
    snprintf(out, sizeof out, "%s", cli_value(cmd, args, "out")
             ? cli_value(cmd, args, "out") : "legacy");
    for (size_t n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
        out[n - 1] = '\0';
    struct stat st;
    bool exists = stat(out, &st) == 0;
    if (exists && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "mig gen: error: '%s' is there and is not a "
                "folder\n", out);
        return EXIT_USAGE;
    }
    if (exists && non_empty(out) && !cli_value(cmd, args, "force")) {
        fprintf(stderr, "mig gen: error: '%s' is not empty: nothing "
                "written\nhint: --force replaces what it holds\n", out);
        return EXIT_REFUSED;
    }
    gen_out_t w = { .error = "" };
    strbuf_init(&w.path);
    strbuf_printf(&w.path, "%s.gen-%ld", out, (long)getpid());
    if (w.path.oom || mkdir(w.path.data, 0777) != 0) {
        fprintf(stderr, "mig gen: error: cannot make '%s': %s\n",
                w.path.data ? w.path.data : out, strerror(errno));
        strbuf_free(&w.path);
        return EXIT_USAGE;
    }
    char *tmp = strdup(w.path.data);
    w.root_len = w.path.len;
    gen_summary_t sum;
    diag_list_t diags;
    diag_list_init(&diags);
    mig_status_t gst = tmp ? gen_tools(&o, write_file, &w, &sum, &diags)
                           : MIG_ENOMEM;
    rc = EXIT_CLEAN;
    if (gst == MIG_EINVALID) {
        cli_render_diags(&diags);
        rc = EXIT_USAGE;
    } else if (gst != MIG_OK) {
        fprintf(stderr, "mig gen: error: %s\n", gst == MIG_ENOMEM
                ? "out of memory" : w.error);
        rc = EXIT_USAGE;
    } else if ((exists && !remove_tree(out)) || rename(tmp, out) != 0) {
        fprintf(stderr, "mig gen: error: cannot put the files in '%s': "
                "%s\n", out, strerror(errno));
        rc = EXIT_USAGE;
    }
    if (rc != EXIT_CLEAN && tmp)
        remove_tree(tmp);
    if (rc == EXIT_CLEAN)
        print_summary(&o, out, &sum);
    diag_list_free(&diags);
    strbuf_free(&w.path);
    free(tmp);
    return rc;
}
