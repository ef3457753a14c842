/* roots_lock.c: a run's hold on its write roots (runtime.h, roots_lock_*;
 * docs/runtime.md, "Locks"). The state store's lock keeps out the runs
 * of one store; two plans with stores of their own may still share a
 * folder (one declares `writes "../shared"`, or one's folder lies in the
 * other's). So a run, its resume and its rollback also hold an advisory
 * lock (flock) on each root, in a lock folder every mig on the machine
 * shares: exclusive on the root, shared on each folder above it. A run
 * whose root holds, or lies in, another's is refused. The kernel lets
 * the locks go when the process ends. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"

#define ROOTS_LOCK_DIR "/tmp/mig-locks"

struct roots_lock {
    int *fds;
    size_t n;
};

const char *roots_lock_dir(void)
{
    const char *d = getenv("MIG_LOCK_DIR");
    return d && *d ? d : ROOTS_LOCK_DIR;
}

void roots_lock_free(roots_lock_t *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        close(l->fds[i]);       /* lets the flock go */
    free(l->fds);
    free(l);
}

/* Takes the lock of folder NAME into L: exclusive (EX) or shared. 0, or
 * EWOULDBLOCK when another process holds it the other way, or errno. */
static int lock_one(roots_lock_t *l, const char *dir, const char *name,
                    bool ex)
{
    char hex[BLOB_HEX];
    blobs_hash(name, strlen(name), hex);
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%.32s.lock", dir, hex)
        >= (int)sizeof path)
        return ENAMETOOLONG;
    int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return errno;
    int *grown = realloc(l->fds, (l->n + 1) * sizeof(*grown));
    if (!grown) {
        close(fd);
        return ENOMEM;
    }
    l->fds = grown;
    l->fds[l->n++] = fd;
    /* Files another user made stay usable: flock needs only read. */
    fchmod(fd, 0666);
    if (flock(fd, (ex ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0)
        return errno == EWOULDBLOCK ? EWOULDBLOCK : errno;
    return 0;
}

/* Whether root I of R lies in another root of R (then its lock is that
 * root's). */
static bool inner(const write_roots_t *r, size_t i)
{
    for (size_t j = 0; j < r->n; j++) {
        size_t n = strlen(r->paths[j]);
        if (j == i || strncmp(r->paths[j], r->paths[i], n) != 0)
            continue;
        char next = r->paths[i][n];
        bool same = next == '\0';
        if ((same && j < i) || (!same && (next == '/' || n == 1)))
            return true;
    }
    return false;
}

mig_status_t roots_lock_take(const write_roots_t *r, diag_list_t *diags,
                             roots_lock_t **out)
{
    *out = NULL;
    const char *dir = roots_lock_dir();
    roots_lock_t *l = calloc(1, sizeof(*l));
    if (!l)
        return MIG_ENOMEM;
    if (mkdir(dir, 01777) == 0)
        chmod(dir, 01777);      /* the umask took the bits off */
    int e = 0;
    for (size_t i = 0; i < r->n && !e; i++) {
        if (inner(r, i))
            continue;
        const char *root = r->paths[i];
        /* Shared on every folder above the root, "/" first. */
        char *up = strdup(root);
        for (size_t k = 1; up && !e && root[k - 1]; k++) {
            if (root[k] != '/' && root[k] != '\0')
                continue;
            if (root[k] == '\0')
                break;
            up[k] = '\0';
            e = lock_one(l, dir, k == 1 ? "/" : up, false);
            up[k] = '/';
        }
        if (!up)
            e = ENOMEM;
        free(up);
        if (!e)
            e = lock_one(l, dir, root, true);
        if (e == EWOULDBLOCK) {
            diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "the write "
                                 "root '%s' is in use by another mig run",
                                 root);
            diag_hint(diags, d, "another plan writes in it, in a folder "
                      "above it or below it (its own folder, or one it "
                      "declares with `writes`); wait for that run to end");
        } else if (e == ENOMEM) {
            roots_lock_free(l);
            return MIG_ENOMEM;
        } else if (e) {
            diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot lock "
                                 "the write root '%s' in %s: %s", root, dir,
                                 strerror(e));
            diag_hint(diags, d, "MIG_LOCK_DIR names another folder for the "
                      "locks of write roots");
        }
    }
    if (e) {
        roots_lock_free(l);
        return MIG_EINVALID;
    }
    *out = l;
    return MIG_OK;
}
