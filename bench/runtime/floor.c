/* floor.c: the runtime benchmark's floor: writes N files the way
 * file.write does (the bytes to a temporary file in the same directory,
 * then renamed over the target), with nothing else: no journal, no
 * before-images, no plan. mig's journaled writes are compared with it.
 *
 * usage: bench_runtime_floor DIR N */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_runtime_floor DIR N\n");
        return 2;
    }
    const char *dir = argv[1];
    long n = strtol(argv[2], NULL, 10);
    if (mkdir(dir, 0777) != 0) {
        perror(dir);
        return 2;
    }
    char path[4096], tmp[4096], body[256];
    for (long i = 0; i < n; i++) {
        /* The same bytes mig writes for {id: i, name: "tool i"}. */
        int len = snprintf(body, sizeof body, "{\n  \"id\": %ld,\n  \"name\": "
                           "\"tool %ld\"\n}\n", i, i);
        snprintf(path, sizeof path, "%s/t%ld.json", dir, i);
        snprintf(tmp, sizeof tmp, "%s/.t%ld.json.tmp", dir, i);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0 || write(fd, body, (size_t)len) != len || close(fd) != 0
            || rename(tmp, path) != 0) {
            perror(path);
            return 2;
        }
    }
    return 0;
}
