/* floor.c: the floor of the parse benchmark (run.sh). It does what any
 * parser of FILE must do and nothing more: start, read the whole file into
 * memory, and look at every byte once (counting lines with memchr). mig's
 * time over this one is what parsing costs above process start and I/O.
 *
 * usage: bench_parse_floor FILE    prints the number of lines */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_parse_floor FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        perror(argv[1]);
        return 2;
    }
    /* One buffer of the file's size and one read: the least I/O possible. */
    size_t len = (size_t)st.st_size;
    char *buf = malloc(len + 1);
    if (!buf) {
        fprintf(stderr, "bench_parse_floor: out of memory\n");
        return 2;
    }
    size_t got = fread(buf, 1, len, f);
    if (got != len || ferror(f)) {
        perror(argv[1]);
        return 2;
    }
    fclose(f);

    size_t lines = 0;
    for (const char *p = buf, *end = buf + len;
         (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        lines++;
    printf("%zu\n", lines);
    free(buf);
    return 0;
}
