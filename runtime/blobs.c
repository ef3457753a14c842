/* blobs.c: the object store where before-images are kept (runtime.h, "the
 * object store"). A blob is named by the BLAKE2b-256 of its bytes and
 * lives at DIR/ab/cdef... (the first two hex digits are a directory, so
 * that no directory grows huge). Blobs are written to a temporary file in
 * DIR and renamed into place, so a reader never sees half a blob; they are
 * not fsynced (nothing asks for it yet: the journal decides durability).
 * Bytes given in memory, or a file's (hashed first, and the blob there
 * read back), are not written again when a blob of their name and size
 * is there; a file whose blob is new or damaged is read a second time
 * while it is copied (and named by what was copied). Reading one checks its hash, so a damaged store is noticed,
 * not used. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actx_int.h"

#define BLOB_BYTES 32           /* BLAKE2b-256 */
#define BLOB_CHUNK 65536        /* streamed reads and writes */

struct blobs {
    char *dir;                  /* without a trailing '/' */
    /* The fan-out folders DIR/ab known to be there (a bit each), so that
     * keeping 100,000 files does not ask mkdir 100,000 times. */
    unsigned char fans[256 / 8];
};

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

/* libsodium picks its implementations once per process. It fails only
 * when it finds no source of randomness, which hashing does not need. */
static void sodium_start(void)
{
    if (sodium_init() < 0)
        return;
}

static void hash_init(crypto_generichash_state *h)
{
    pthread_once(&sodium_once, sodium_start);
    crypto_generichash_init(h, NULL, 0, BLOB_BYTES);
}

static void hash_final(crypto_generichash_state *h, char hex[BLOB_HEX])
{
    unsigned char md[BLOB_BYTES];
    crypto_generichash_final(h, md, sizeof md);
    sodium_bin2hex(hex, BLOB_HEX, md, sizeof md);
}

void blobs_hash(const void *data, size_t len, char hex[BLOB_HEX])
{
    crypto_generichash_state h;
    hash_init(&h);
    crypto_generichash_update(&h, data, len);
    hash_final(&h, hex);
}

/* Whether HEX is a blob name: 64 lowercase hex digits. */
static bool valid_name(const char *hex)
{
    size_t i = 0;
    for (; hex[i] && i < BLOB_HEX - 1; i++)
        if (!((hex[i] >= '0' && hex[i] <= '9') ||
              (hex[i] >= 'a' && hex[i] <= 'f')))
            return false;
    return i == BLOB_HEX - 1 && hex[i] == '\0';
}

/* Reads FD to its end, hashing the bytes into HEX and, when OUT_FD is not
 * negative, writing them there. 0, or an errno value. */
static int stream(int fd, int out_fd, char hex[BLOB_HEX])
{
    unsigned char *buf = malloc(BLOB_CHUNK);
    if (!buf)
        return ENOMEM;
    crypto_generichash_state h;
    hash_init(&h);
    int e = 0;
    for (;;) {
        ssize_t n = read(fd, buf, BLOB_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = n < 0 ? errno : 0;
            break;
        }
        crypto_generichash_update(&h, buf, (size_t)n);
        for (ssize_t off = 0; out_fd >= 0 && off < n && !e;) {
            ssize_t w = write(out_fd, buf + off, (size_t)(n - off));
            if (w < 0 && errno != EINTR)
                e = errno;
            else if (w > 0)
                off += w;
        }
        if (e)
            break;
    }
    free(buf);
    if (!e)
        hash_final(&h, hex);
    return e;
}

mig_status_t blobs_hash_file(const char *path, char hex[BLOB_HEX])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return MIG_EIO;
    int e = stream(fd, -1, hex);
    close(fd);
    errno = e;
    return e == ENOMEM ? MIG_ENOMEM : e ? MIG_EIO : MIG_OK;
}

/* ---- the store ---------------------------------------------------------- */

/* Creates DIR and its missing parents (mode 0755). 0 or an errno value. */
static int make_dirs(char *dir)
{
    struct stat st;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        int e = make_dirs(dir);
        *slash = '/';
        if (e)
            return e;
    }
    return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : errno;
}

mig_status_t blobs_open(const char *dir, diag_list_t *diags, blobs_t **out)
{
    *out = NULL;
    blobs_t *b = calloc(1, sizeof(*b));
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    char *copy = b ? strndup(dir, len) : NULL;
    if (!copy) {
        free(b);
        return MIG_ENOMEM;
    }
    int e = make_dirs(copy);
    if (e) {
        diag_add(diags, DIAG_ERROR, NULL, NULL,
                 "cannot create the object store '%s': %s", copy,
                 strerror(e));
        free(copy);
        free(b);
        return MIG_EIO;
    }
    b->dir = copy;
    *out = b;
    return MIG_OK;
}

void blobs_close(blobs_t *b)
{
    if (!b)
        return;
    free(b->dir);
    free(b);
}

/* The path of blob HEX (malloc'd; FANOUT: only DIR/ab), or NULL. */
static char *blob_path(const blobs_t *b, const char *hex, bool fanout)
{
    size_t dlen = strlen(b->dir);
    char *p = malloc(dlen + BLOB_HEX + 2);
    if (!p)
        return NULL;
    memcpy(p, b->dir, dlen);
    p[dlen] = '/';
    memcpy(p + dlen + 1, hex, 2);
    if (fanout) {
        p[dlen + 3] = '\0';
    } else {
        p[dlen + 3] = '/';
        memcpy(p + dlen + 4, hex + 2, BLOB_HEX - 2);   /* with the NUL */
    }
    return p;
}

/* A new temporary file in the store: *FD open for writing, *TMP its path
 * (malloc'd). 0 or an errno value. */
static int temp_file(const blobs_t *b, int *fd, char **tmp)
{
    size_t dlen = strlen(b->dir);
    static const char pattern[] = "/tmp-XXXXXX";
    *tmp = malloc(dlen + sizeof pattern);
    if (!*tmp)
        return ENOMEM;
    memcpy(*tmp, b->dir, dlen);
    memcpy(*tmp + dlen, pattern, sizeof pattern);
    *fd = mkstemp(*tmp);
    if (*fd < 0) {
        int e = errno;
        free(*tmp);
        *tmp = NULL;
        return e;
    }
    return 0;
}

/* Moves the finished temporary file TMP (made read-only by its writer)
 * to its name HEX (replacing a blob there, which repairs a damaged one:
 * the bytes are known good).
 * 0 or an errno value; TMP is gone either way. */
static int settle(blobs_t *b, char *tmp, const char *hex)
{
    char *dst = blob_path(b, hex, false);
    char *fan = blob_path(b, hex, true);
    int e = !dst || !fan ? ENOMEM : 0;
    unsigned i = (unsigned)strtoul((char[3]){ hex[0], hex[1], 0 }, NULL, 16);
    if (!e && !(b->fans[i / 8] & (1u << (i % 8)))) {
        if (mkdir(fan, 0755) != 0 && errno != EEXIST)
            e = errno;
        else
            b->fans[i / 8] |= (unsigned char)(1u << (i % 8));
    }
    if (!e && rename(tmp, dst) != 0)
        e = errno;
    if (e)
        unlink(tmp);
    free(dst);
    free(fan);
    return e;
}

/* Whether blob HEX is kept already with LEN bytes (a cheap check: its
 * bytes are checked when it is read). A blob found is touched (its time
 * of change set to now), which tells `mig snapshot prune` that it is in
 * use again (snapshot_prune.c): a blob it is removing at that moment is
 * not found here, and is written anew. */
static bool kept(const blobs_t *b, const char *hex, size_t len)
{
    char *p = blob_path(b, hex, false);
    struct stat st;
    bool there = p && stat(p, &st) == 0 && (size_t)st.st_size == len
                 && utimensat(AT_FDCWD, p, NULL, 0) == 0;
    free(p);
    return there;
}

/* Whether blob HEX (there) still hashes to its name. */
static bool sound(const blobs_t *b, const char *hex)
{
    char *p = blob_path(b, hex, false);
    char got[BLOB_HEX];
    bool ok = p && blobs_hash_file(p, got) == MIG_OK && !strcmp(got, hex);
    free(p);
    return ok;
}

/* Writes LEN bytes of DATA, which hash to HEX, as blob HEX (through a
 * temporary file). 0 or an errno value. */
static int write_blob(blobs_t *b, const void *data, size_t len,
                      const char *hex)
{
    int fd;
    char *tmp;
    int e = temp_file(b, &fd, &tmp);
    for (size_t off = 0; !e && off < len;) {
        ssize_t n = write(fd, (const char *)data + off, len - off);
        if (n < 0 && errno != EINTR)
            e = errno;
        else if (n > 0)
            off += (size_t)n;
    }
    if (tmp && !e && fchmod(fd, 0444) != 0)
        e = errno;
    if (tmp && close(fd) != 0 && !e)
        e = errno;
    if (tmp && e)
        unlink(tmp);
    else if (tmp)
        e = settle(b, tmp, hex);
    free(tmp);
    return e;
}

mig_status_t blobs_put(blobs_t *b, const void *data, size_t len,
                       char hex[BLOB_HEX])
{
    blobs_hash(data, len, hex);
    int e = kept(b, hex, len) ? 0 : write_blob(b, data, len, hex);
    errno = e;
    return e == ENOMEM ? MIG_ENOMEM : e ? MIG_EIO : MIG_OK;
}

/* Reads the file IN, of SIZE bytes by fstat, whole into BUF (BLOB_CHUNK
 * bytes): its length, or -1 when it is longer than BLOB_CHUNK after all
 * (it grew) or cannot be read (errno set). */
static ssize_t read_small(int in, unsigned char *buf)
{
    size_t got = 0;
    for (;;) {
        ssize_t n = read(in, buf + got, BLOB_CHUNK - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return (ssize_t)got;
        got += (size_t)n;
        if (got == BLOB_CHUNK) {
            unsigned char more;
            ssize_t m = read(in, &more, 1);
            return m == 0 ? (ssize_t)got : -1;
        }
    }
}

mig_status_t blobs_put_file(blobs_t *b, const char *path, char hex[BLOB_HEX])
{
    int in = open(path, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return MIG_EIO;
    /* Hashed first: bytes kept already (a snapshot of files that did not
     * change, a before-image a snapshot holds) are not written again,
     * once the blob there is read back and found sound (a damaged one is
     * replaced: the bytes are known good). A file of at most one chunk
     * is read once, and its blob written from memory. */
    struct stat sb;
    int e = fstat(in, &sb) != 0 ? errno : 0;
    unsigned char *buf = !e && S_ISREG(sb.st_mode)
                         && sb.st_size <= BLOB_CHUNK ? malloc(BLOB_CHUNK)
                                                     : NULL;
    ssize_t small = buf ? read_small(in, buf) : -1;
    if (small >= 0) {
        close(in);
        blobs_hash(buf, (size_t)small, hex);
        if (!kept(b, hex, (size_t)small) || !sound(b, hex))
            e = write_blob(b, buf, (size_t)small, hex);
        free(buf);
        errno = e;
        return e == ENOMEM ? MIG_ENOMEM : e ? MIG_EIO : MIG_OK;
    }
    free(buf);
    if (!e && lseek(in, 0, SEEK_SET) != 0)
        e = errno;
    if (!e)
        e = stream(in, -1, hex);
    if (!e && kept(b, hex, (size_t)sb.st_size) && sound(b, hex)) {
        close(in);
        return MIG_OK;
    }
    if (!e && lseek(in, 0, SEEK_SET) != 0)
        e = errno;
    if (e) {
        close(in);
        errno = e;
        return e == ENOMEM ? MIG_ENOMEM : MIG_EIO;
    }
    int fd;
    char *tmp;
    e = temp_file(b, &fd, &tmp);
    if (!e)
        e = stream(in, fd, hex);
    if (tmp && !e && fchmod(fd, 0444) != 0)
        e = errno;
    if (tmp && close(fd) != 0 && !e)
        e = errno;
    close(in);
    if (tmp && e)
        unlink(tmp);
    else if (tmp)
        e = settle(b, tmp, hex);
    free(tmp);
    errno = e;
    return e == ENOMEM ? MIG_ENOMEM : e ? MIG_EIO : MIG_OK;
}

/* Opens blob HEX for reading: a descriptor, or -1 with errno set. */
static int open_blob(const blobs_t *b, const char *hex)
{
    if (!valid_name(hex)) {
        errno = EINVAL;
        return -1;
    }
    char *p = blob_path(b, hex, false);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    int e = errno;
    free(p);
    errno = e;
    return fd;
}

mig_status_t blobs_get(blobs_t *b, const char *hex, strbuf_t *out)
{
    int fd = open_blob(b, hex);
    if (fd < 0)
        return errno == ENOMEM ? MIG_ENOMEM : MIG_EIO;
    size_t start = out->len;
    char buf[BLOB_CHUNK];
    ssize_t n;
    int e = 0;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            e = errno;
            break;
        }
        strbuf_put(out, buf, (size_t)n);
    }
    close(fd);
    if (!e && out->oom)
        e = ENOMEM;
    char got[BLOB_HEX];
    if (!e) {
        blobs_hash(out->data ? out->data + start : "", out->len - start, got);
        if (strcmp(got, hex) != 0)
            e = EBADMSG;        /* the bytes are not the ones named */
    }
    if (e && !out->oom) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    errno = e;
    return e == ENOMEM ? MIG_ENOMEM : e ? MIG_EIO : MIG_OK;
}

mig_status_t blobs_copy_out(blobs_t *b, const char *hex, int fd)
{
    int in = open_blob(b, hex);
    if (in < 0)
        return errno == ENOMEM ? MIG_ENOMEM : MIG_EIO;
    char got[BLOB_HEX];
    int e = stream(in, fd, got);
    close(in);
    if (!e && strcmp(got, hex) != 0)
        e = EBADMSG;
    errno = e;
    return e == ENOMEM ? MIG_ENOMEM : e ? MIG_EIO : MIG_OK;
}

char *blobs_dir_of(const char *state_path)
{
    const char *slash = strrchr(state_path, '/');
    size_t n = slash ? (size_t)(slash - state_path) + 1 : 0;
    char *dir = malloc(n + sizeof "objects");
    if (dir) {
        memcpy(dir, state_path, n);
        memcpy(dir + n, "objects", sizeof "objects");
    }
    return dir;
}

char *blobs_path(const blobs_t *b, const char *hex)
{
    return valid_name(hex) ? blob_path(b, hex, false) : NULL;
}

const char *blobs_dir(const blobs_t *b) { return b->dir; }
