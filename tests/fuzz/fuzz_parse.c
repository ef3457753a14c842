/* fuzz_parse.c: the parser's fuzz harness. Built with MIG_FUZZ=ON (clang,
 * libFuzzer) it fuzzes grammar_parse and ast_dump; built normally it is a
 * regression test that feeds every file named on its command line (or found
 * in the folders named there) through the same function. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grammar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    src_t *src = src_from_memory("fuzz.mig", (const char *)data, size);
    arena_t *arena = arena_new();
    if (!src || !arena) {
        src_free(src);
        arena_free(arena);
        return 0;
    }
    diag_list_t diags;
    diag_list_init(&diags);
    ast_plan_t *plan = NULL;
    mig_status_t st = grammar_parse(src, arena, &diags, &plan);
    /* A clean parse has no errors; a failed one says why. */
    if (st == MIG_OK && diags.errors != 0)
        abort();
    if (st == MIG_EINVALID && diags.errors == 0)
        abort();
    if (st == MIG_OK) {
        char *out;
        size_t len;
        if (ast_dump(plan, &out, &len) == MIG_OK)
            free(out);
    }
    for (size_t i = 0; i < diags.len; i++)
        if (diags.items[i].has_span &&
            diags.items[i].span.end > src->len)
            abort();   /* every span stays inside the file */
    diag_list_free(&diags);
    arena_free(arena);
    src_free(src);
    return 0;
}

#ifndef MIG_FUZZING
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    static unsigned char buf[16 << 20];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    return 0;
}

static int run_path(const char *path, int *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return run_file(path);
    }
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return 1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "COMMAND") == 0)
            continue;
        char child[4096];
        snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
        rc |= run_path(child, count);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0, count = 0;
    for (int i = 1; i < argc; i++)
        rc |= run_path(argv[i], &count);
    printf("%d inputs ran through the parser\n", count);
    return rc;
}
#endif
