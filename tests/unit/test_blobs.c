/* test_blobs.c: the object store (runtime/blobs.c). BLAKE2b-256 of known
 * inputs; a blob put and got back, named DIR/ab/cdef...; the same bytes
 * kept once; a file kept streamed, larger than the read buffer, and
 * files at the buffer's size read once; a blob
 * whose bytes were damaged, or that is missing, is refused; a store that
 * cannot be made is reported. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"

#define SCRATCH_NAME "blobs"
#include "scratch_fixture.h"

/* DIR/NAME, in a static buffer. */
static const char *in_dir(const char *name)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static blobs_t *open_store(void)
{
    diag_list_t d;
    diag_list_init(&d);
    blobs_t *b;
    assert_int_equal(blobs_open(in_dir("store/objects"), &d, &b), MIG_OK);
    assert_int_equal(d.len, 0);
    diag_list_free(&d);
    return b;
}

/* The number of files under the store (its fan-out directories walked),
 * and whether any is a leftover temporary file. */
static size_t count_files(bool *temp)
{
    size_t n = 0;
    *temp = false;
    DIR *top = opendir(in_dir("store/objects"));
    assert_non_null(top);
    struct dirent *e;
    while ((e = readdir(top))) {
        if (e->d_name[0] == '.')
            continue;
        if (!strncmp(e->d_name, "tmp-", 4)) {
            *temp = true;
            continue;
        }
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", in_dir("store/objects"), e->d_name);
        DIR *d = opendir(sub);
        assert_non_null(d);
        struct dirent *f;
        while ((f = readdir(d)))
            if (f->d_name[0] != '.')
                n++;
        closedir(d);
    }
    closedir(top);
    return n;
}

static void known_vectors(void **state)
{
    (void)state;
    char hex[BLOB_HEX];
    blobs_hash("", 0, hex);
    assert_string_equal(hex, "0e5751c026e543b2e8ab2eb06099daa1"
                             "d1e5df47778f7787faab45cdf12fe3a8");
    blobs_hash("abc", 3, hex);
    assert_string_equal(hex, "bddd813c634239723171ef3fee98579b"
                             "94964e3bb1cb3e427262c8c068d52319");
    FILE *f = fopen(in_dir("abc.txt"), "w");
    assert_non_null(f);
    fputs("abc", f);
    fclose(f);
    char fhex[BLOB_HEX];
    assert_int_equal(blobs_hash_file(in_dir("abc.txt"), fhex), MIG_OK);
    assert_string_equal(fhex, hex);
    assert_int_equal(blobs_hash_file(in_dir("absent.txt"), fhex), MIG_EIO);
    assert_int_equal(errno, ENOENT);
}

static void put_get_and_layout(void **state)
{
    (void)state;
    blobs_t *b = open_store();
    char hex[BLOB_HEX], want[BLOB_HEX];
    assert_int_equal(blobs_put(b, "hello, store", 12, hex), MIG_OK);
    blobs_hash("hello, store", 12, want);
    assert_string_equal(hex, want);
    /* DIR/ab/cdef...: the first two digits name a directory. */
    char path[512];
    snprintf(path, sizeof path, "%s/%.2s/%s", in_dir("store/objects"), hex,
             hex + 2);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 12);
    strbuf_t out;
    strbuf_init(&out);
    strbuf_puts(&out, ">");     /* get appends */
    assert_int_equal(blobs_get(b, hex, &out), MIG_OK);
    assert_int_equal(out.len, 13);
    assert_memory_equal(out.data, ">hello, store", 13);
    /* The empty blob is a blob. */
    assert_int_equal(blobs_put(b, "", 0, hex), MIG_OK);
    out.len = 0;
    assert_int_equal(blobs_get(b, hex, &out), MIG_OK);
    assert_int_equal(out.len, 0);
    strbuf_free(&out);
    blobs_close(b);
}

static void same_bytes_kept_once(void **state)
{
    (void)state;
    blobs_t *b = open_store();
    char h1[BLOB_HEX], h2[BLOB_HEX], h3[BLOB_HEX];
    assert_int_equal(blobs_put(b, "twice", 5, h1), MIG_OK);
    assert_int_equal(blobs_put(b, "twice", 5, h2), MIG_OK);
    assert_string_equal(h1, h2);
    bool temp;
    assert_int_equal(count_files(&temp), 1);
    assert_false(temp);
    /* The same bytes from a file are the same blob. */
    FILE *f = fopen(in_dir("twice.txt"), "w");
    fputs("twice", f);
    fclose(f);
    assert_int_equal(blobs_put_file(b, in_dir("twice.txt"), h3), MIG_OK);
    assert_string_equal(h1, h3);
    assert_int_equal(blobs_put(b, "other", 5, h3), MIG_OK);
    assert_int_equal(count_files(&temp), 2);
    assert_false(temp);
    blobs_close(b);
}

static void file_streamed(void **state)
{
    (void)state;
    /* 200 KiB: more than one read of the 64 KiB buffer. */
    size_t n = 200 * 1024 + 7;
    char *data = malloc(n);
    assert_non_null(data);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (char)(x >> 16);
    }
    FILE *f = fopen(in_dir("big.bin"), "wb");
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    blobs_t *b = open_store();
    char hex[BLOB_HEX], want[BLOB_HEX], fhex[BLOB_HEX];
    assert_int_equal(blobs_put_file(b, in_dir("big.bin"), hex), MIG_OK);
    blobs_hash(data, n, want);
    assert_string_equal(hex, want);
    assert_int_equal(blobs_hash_file(in_dir("big.bin"), fhex), MIG_OK);
    assert_string_equal(fhex, want);
    strbuf_t out;
    strbuf_init(&out);
    assert_int_equal(blobs_get(b, hex, &out), MIG_OK);
    assert_int_equal(out.len, n);
    assert_memory_equal(out.data, data, n);
    strbuf_free(&out);
    assert_int_equal(blobs_put_file(b, in_dir("absent.bin"), hex), MIG_EIO);
    assert_int_equal(errno, ENOENT);
    bool temp;
    assert_int_equal(count_files(&temp), 1);
    assert_false(temp);
    blobs_close(b);
    free(data);
}

/* A file of at most one read buffer (64 KiB, blobs.c's BLOB_CHUNK) is
 * read once and its blob written from memory; one byte more is streamed.
 * Each size at the bound, below and above it, and an empty file, is kept
 * as the same blob as its bytes, whole. */
static void file_at_the_chunk(void **state)
{
    (void)state;
    const size_t sizes[] = { 0, 65535, 65536, 65537 };
    blobs_t *b = open_store();
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k];
        char *data = malloc(n + 1);
        assert_non_null(data);
        for (size_t i = 0; i < n; i++)
            data[i] = (char)('a' + (i * 7 + k) % 26);
        FILE *f = fopen(in_dir("chunk.bin"), "wb");
        assert_int_equal(fwrite(data, 1, n, f), n);
        fclose(f);
        char hex[BLOB_HEX], want[BLOB_HEX];
        assert_int_equal(blobs_put_file(b, in_dir("chunk.bin"), hex), MIG_OK);
        blobs_hash(data, n, want);
        assert_string_equal(hex, want);
        strbuf_t out;
        strbuf_init(&out);
        assert_int_equal(blobs_get(b, hex, &out), MIG_OK);
        assert_int_equal(out.len, n);
        if (n)
            assert_memory_equal(out.data, data, n);
        strbuf_free(&out);
        free(data);
        /* A blob is read-only once in place. */
        char path[512];
        snprintf(path, sizeof path, "%s/%.2s/%s", in_dir("store/objects"),
                 hex, hex + 2);
        struct stat sb;
        assert_int_equal(stat(path, &sb), 0);
        assert_int_equal(sb.st_mode & 07777, 0444);
    }
    bool temp;
    assert_int_equal(count_files(&temp), 4);
    assert_false(temp);
    blobs_close(b);
}

static void damaged_and_missing(void **state)
{
    (void)state;
    blobs_t *b = open_store();
    char hex[BLOB_HEX];
    assert_int_equal(blobs_put(b, "precious bytes", 14, hex), MIG_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/%.2s/%s", in_dir("store/objects"), hex,
             hex + 2);
    /* One byte changed, same length. */
    assert_int_equal(chmod(path, 0644), 0);
    FILE *f = fopen(path, "r+");
    assert_non_null(f);
    fputc('P', f);
    fclose(f);
    strbuf_t out;
    strbuf_init(&out);
    strbuf_puts(&out, "kept");
    assert_int_equal(blobs_get(b, hex, &out), MIG_EIO);
    assert_int_equal(errno, EBADMSG);
    assert_int_equal(out.len, 4);         /* nothing of the damaged bytes */
    assert_string_equal(out.data, "kept");
    /* Bytes in memory are not written again over a blob of the same
     * size (the cheap check), so the damage stays refused; a file's bytes
     * are always renamed into place, which repairs it. */
    assert_int_equal(blobs_put(b, "precious bytes", 14, hex), MIG_OK);
    assert_int_equal(blobs_get(b, hex, &out), MIG_EIO);
    f = fopen(in_dir("precious.txt"), "w");
    fputs("precious bytes", f);
    fclose(f);
    assert_int_equal(blobs_put_file(b, in_dir("precious.txt"), hex), MIG_OK);
    assert_int_equal(blobs_get(b, hex, &out), MIG_OK);
    assert_string_equal(out.data, "keptprecious bytes");
    /* A blob cut short is written again by a put of its bytes. */
    out.len = 0;
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(truncate(path, 3), 0);
    assert_int_equal(blobs_get(b, hex, &out), MIG_EIO);
    assert_int_equal(blobs_put(b, "precious bytes", 14, hex), MIG_OK);
    assert_int_equal(blobs_get(b, hex, &out), MIG_OK);
    assert_int_equal(out.len, 14);
    /* Missing, and not a name at all. */
    char other[BLOB_HEX];
    blobs_hash("never kept", 10, other);
    assert_int_equal(blobs_get(b, other, &out), MIG_EIO);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(blobs_get(b, "../../etc/passwd", &out), MIG_EIO);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(blobs_get(b, "ABCDEF", &out), MIG_EIO);
    strbuf_free(&out);
    blobs_close(b);
}

static void open_reports_failure(void **state)
{
    (void)state;
    FILE *f = fopen(in_dir("plain"), "w");
    fclose(f);
    diag_list_t d;
    diag_list_init(&d);
    blobs_t *b = (blobs_t *)1;
    char path[512];
    snprintf(path, sizeof path, "%s/objects", in_dir("plain"));
    assert_int_equal(blobs_open(path, &d, &b), MIG_EIO);
    assert_null(b);
    assert_int_equal(d.len, 1);
    char want[1024];
    snprintf(want, sizeof want, "cannot create the object store '%s': %s",
             path, strerror(ENOTDIR));
    assert_string_equal(d.items[0].message, want);
    diag_list_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(known_vectors, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(put_get_and_layout, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(same_bytes_kept_once, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(file_streamed, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(file_at_the_chunk, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(damaged_and_missing, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(open_reports_failure, make_dir,
                                        remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
