/* test_source.c: src_read_whole, the one reader of whole files (plans, Lua
 * modules, data files): its size limit at the bound, applied while reading
 * a stream, and the refusal of what is not a regular file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grammar.h"

/* A new file in a scratch directory with SIZE bytes of 'x' (sparse: the
 * reader sees NUL bytes past the first page, which is fine). */
static char *file_of(const char *dir, const char *name, size_t size)
{
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    assert_non_null(path);
    sprintf(path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "xxxx", size < 4 ? size : 4),
                     (ssize_t)(size < 4 ? size : 4));
    assert_int_equal(ftruncate(fd, (off_t)size), 0);
    close(fd);
    return path;
}

static char *scratch(void)
{
    char tmpl[] = "/tmp/mig-source.XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    return strdup(dir);
}

static void regular_file_at_the_limit(void **state)
{
    (void)state;
    char *dir = scratch();
    char *at = file_of(dir, "at", MIG_MAX_FILE);
    char *over = file_of(dir, "over", MIG_MAX_FILE + 1);
    char *text = NULL;
    size_t len = 0;
    int err = 0;
    assert_int_equal(src_read_whole(at, &text, &len, &err), SRC_READ_OK);
    assert_int_equal(len, MIG_MAX_FILE);
    assert_memory_equal(text, "xxxx", 4);
    assert_int_equal(text[len], '\0');
    assert_int_equal(text[len + 1], '\0');
    free(text);
    text = NULL;
    assert_int_equal(src_read_whole(over, &text, &len, &err),
                     SRC_READ_TOO_LARGE);
    assert_null(text);
    unlink(at);
    unlink(over);
    rmdir(dir);
    free(at);
    free(over);
    free(dir);
}

/* Standard input fed from a child that writes SIZE bytes, then closes. */
static src_read_t read_stdin_of(size_t size, size_t *len)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(p[0]);
        static char chunk[65536];
        memset(chunk, 'y', sizeof chunk);
        for (size_t left = size; left > 0;) {
            size_t n = left < sizeof chunk ? left : sizeof chunk;
            ssize_t w = write(p[1], chunk, n);
            if (w <= 0)
                _exit(0);       /* the reader stopped reading: fine */
            left -= (size_t)w;
        }
        _exit(0);
    }
    close(p[1]);
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(p[0], STDIN_FILENO) >= 0);
    close(p[0]);
    char *text = NULL;
    int err = 0;
    src_read_t r = src_read_whole(NULL, &text, len, &err);
    assert_true(dup2(saved, STDIN_FILENO) >= 0);   /* closes the pipe */
    close(saved);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    if (r == SRC_READ_OK) {
        assert_non_null(text);
        assert_int_equal(text[*len], '\0');
    }
    free(text);
    return r;
}

static void stream_at_the_limit(void **state)
{
    (void)state;
    size_t len = 0;
    assert_int_equal(read_stdin_of(MIG_MAX_FILE, &len), SRC_READ_OK);
    assert_int_equal(len, MIG_MAX_FILE);
    assert_int_equal(read_stdin_of(MIG_MAX_FILE + 1, &len),
                     SRC_READ_TOO_LARGE);
}

/* A stream that never ends (the child writes until it is killed) stops at
 * the limit. */
static void endless_stream_stops(void **state)
{
    (void)state;
    size_t len = 0;
    assert_int_equal(read_stdin_of(SIZE_MAX, &len), SRC_READ_TOO_LARGE);
}

static void special_files_are_refused(void **state)
{
    (void)state;
    char *dir = scratch();
    char fifo[256];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    char *text = NULL;
    size_t len = 0;
    int err = 0;
    /* No writer: the open must not block, and nothing is read. */
    assert_int_equal(src_read_whole(fifo, &text, &len, &err),
                     SRC_READ_NOT_FILE);
    assert_int_equal(src_read_whole("/dev/zero", &text, &len, &err),
                     SRC_READ_NOT_FILE);
    assert_int_equal(src_read_whole("/dev/urandom", &text, &len, &err),
                     SRC_READ_NOT_FILE);
    assert_int_equal(src_read_whole(dir, &text, &len, &err),
                     SRC_READ_NOT_FILE);
    assert_null(text);
    char missing[256];
    snprintf(missing, sizeof missing, "%s/missing", dir);
    assert_int_equal(src_read_whole(missing, &text, &len, &err),
                     SRC_READ_OPEN);
    assert_int_equal(err, ENOENT);
    unlink(fifo);
    rmdir(dir);
    free(dir);
}

/* src_load says why, with the limit's value. */
static void load_reports_the_limit(void **state)
{
    (void)state;
    char *dir = scratch();
    char *over = file_of(dir, "over.mig", MIG_MAX_FILE + 1);
    diag_list_t diags;
    diag_list_init(&diags);
    src_t *src = NULL;
    assert_int_equal(src_load(over, &diags, &src), MIG_EIO);
    assert_null(src);
    assert_int_equal(diags.len, 1);
    assert_non_null(strstr(diags.items[0].message,
                           "is too large (mig reads files up to 64 MiB)"));
    diag_list_free(&diags);
    diag_list_init(&diags);
    assert_int_equal(src_load("/dev/zero", &diags, &src), MIG_EIO);
    assert_string_equal(diags.items[0].message,
                        "'/dev/zero' is not a regular file");
    diag_list_free(&diags);
    unlink(over);
    rmdir(dir);
    free(over);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(regular_file_at_the_limit),
        cmocka_unit_test(stream_at_the_limit),
        cmocka_unit_test(endless_stream_stops),
        cmocka_unit_test(special_files_are_refused),
        cmocka_unit_test(load_reports_the_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
