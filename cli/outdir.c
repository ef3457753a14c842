/* outdir.c: a folder written in one step, for the commands that make one
 * (`mig gen`, `mig new`): the files go into a new folder beside it
 * (DIR.WHAT-PID), which is renamed into place at the end, so a failure
 * leaves DIR as it was. */
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

/* Makes every folder of the path in O (not its last part). */
static bool make_parents(cli_outdir_t *o)
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

mig_status_t cli_outdir_write(void *data, const char *path, const char *bytes,
                              size_t len)
{
    cli_outdir_t *o = data;
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

int cli_outdir_begin(cli_outdir_t *o, const char *cmd, const char *dir,
                     const char *what, bool force, const char *hint)
{
    memset(o, 0, sizeof *o);
    strbuf_init(&o->path);
    /* DIR without its trailing slashes: the new folder must be beside it. */
    snprintf(o->dir, sizeof o->dir, "%s", dir);
    for (size_t n = strlen(o->dir); n > 1 && o->dir[n - 1] == '/'; n--)
        o->dir[n - 1] = '\0';
    struct stat st;
    o->exists = stat(o->dir, &st) == 0;
    if (o->exists && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: error: '%s' is there and is not a folder\n", cmd,
                o->dir);
        return EXIT_USAGE;
    }
    if (o->exists && non_empty(o->dir) && !force) {
        fprintf(stderr, "%s: error: '%s' is not empty: nothing written\n"
                "hint: %s\n", cmd, o->dir, hint);
        return EXIT_REFUSED;
    }
    strbuf_printf(&o->path, "%s.%s-%ld", o->dir, what, (long)getpid());
    if (o->path.oom || mkdir(o->path.data, 0777) != 0) {
        fprintf(stderr, "%s: error: cannot make '%s': %s\n", cmd,
                o->path.data ? o->path.data : o->dir, strerror(errno));
        return EXIT_USAGE;
    }
    o->root_len = o->path.len;
    o->made = true;
    return EXIT_CLEAN;
}

int cli_outdir_commit(cli_outdir_t *o, const char *cmd)
{
    o->path.len = o->root_len;
    o->path.data[o->root_len] = '\0';
    if ((o->exists && !remove_tree(o->dir)) || rename(o->path.data, o->dir)) {
        fprintf(stderr, "%s: error: cannot put the files in '%s': %s\n", cmd,
                o->dir, strerror(errno));
        return EXIT_USAGE;
    }
    o->made = false;
    return EXIT_CLEAN;
}

void cli_outdir_end(cli_outdir_t *o)
{
    if (o->made && o->path.data) {
        o->path.data[o->root_len] = '\0';
        remove_tree(o->path.data);
    }
    strbuf_free(&o->path);
}
