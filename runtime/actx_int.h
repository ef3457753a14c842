/* actx_int.h: the insides of an action context, shared by actx.c (paths,
 * reading, changes, previews, errors), actx_run.c (before-images,
 * resources, calls that finish later; resource.c declares resources of
 * any kind) and actx_restore.c (restoring before-images), and the one
 * object-store function only restoring needs. Not part of the runtime's
 * public face. */
#ifndef MIG_ACTX_INT_H
#define MIG_ACTX_INT_H

#include "runtime.h"

struct action_ctx {
    actx_mode_t mode;
    char *base;             /* "" or a directory ending in '/' */
    const char *action;     /* the call's action, for messages */
    strbuf_t path;          /* actx_path's buffer */
    val_t *changes;         /* list of {change, target, detail} */
    char *err_class, *err_message;
    val_t *err_detail;      /* actx_set_error_detail, or NULL */
    val_t *logged;          /* actx_log's lines, or NULL */
    val_t *pending;         /* actx_pending_set's map, or NULL */
    /* Set by the runtime (actx_run.c). */
    const action_t *row;
    actx_host_t host;
    bool has_host;
    uint32_t attempt;
    int64_t time_limit_ms;      /* actx_set_time_limit; 0: none */
    bool effect_done;           /* actx_set_effect_done */
    actx_remover_t *remover;    /* actx_set_remover, or NULL */
    int64_t remover_tag;
    int64_t retry_after_ms;     /* actx_suggest_delay; -1: none */
    int64_t rec_run, rec_seq;   /* actx_set_record; seq 0: none */
    int rec_role;
    bool began;                 /* actx_started let it run (actx_begin clears) */
    bool start_queued;          /* actx_started queued GO to a group commit */
    bool (*go)(void *data, bool journaled);     /* actx_started's */
    void *go_data;
    const val_t *skip;          /* actx_set_skip: paths left alone */
    /* Cleared by actx_begin: path -> state before the call. */
    val_t *resources;
    /* The path actx_write_file wrote last and its state ("file:HEX"), kept
     * until the next change of any kind (actx_may_change) or call: what
     * actx_state gives for it without reading it back, as the journal's
     * after-image asks for it right after the call. NULL: none. */
    char *written;
    char written_state[BLOB_HEX + 5];
    /* Cleared by actx_begin: id -> state the call knows a resource has
     * (actx_set_state), which resource_state gives without asking its
     * kind; NULL: none. */
    val_t *known;
    /* actx_set_outcome's value: in a run, what the effect's answer said
     * for its undo; in an undo, what the journal kept of it. NULL: none. */
    val_t *outcome;
    /* A call that finishes later. */
    bool suspended, cancelled;
    void (*on_cancel)(action_ctx_t *ctx, void *data);
    void *cancel_data;
    actx_done_fn on_done;
    void *done_data;
};

/* The error class that fits errno E: MissingDependency (ENOENT, ENOTDIR),
 * PolicyDenied (EACCES, EPERM, EROFS), Conflict (EEXIST, ENOTEMPTY,
 * EISDIR), else Unavailable. */
const char *actx_errno_class(int e);
/* Fails the call with the class that fits errno E (MissingDependency,
 * PolicyDenied, Conflict, else Unavailable): "ACTION: cannot WHAT 'PATH':
 * strerror". Returns like actx_fail. */
mig_status_t actx_fail_errno(action_ctx_t *ctx, int e, const char *what,
                             const char *path);
/* MIG_OK, or (in a preview context) a PolicyDenied failure saying that
 * the call tried to WHAT PATH during a dry run. */
mig_status_t actx_may_change(action_ctx_t *ctx, const char *what,
                             const char *path);

/* Calls the GO of CTX (DATA) that actx_started was given; whether the
 * process was let run (then the effect began). */
bool actx_go(void *data, bool journaled);

/* ---- before-images (actx_run.c keeps them, actx_restore.c restores) ---- */

/* Directories nest at most this deep in one before-image: each level
 * costs two levels of value nesting (VAL_MAX_DEPTH). */
#define ACTX_KEEP_MAX_DEPTH 400

/* Gives B back its first LEN bytes. */
void actx_truncate(strbuf_t *b, size_t len);
/* Whether REL is one of the paths C leaves alone (actx_set_skip). */
bool actx_skipped(const action_ctx_t *c, const char *rel);

/* ---- file trees (actx_fs.c) ------------------------------------------- */

/* These work on full paths (the base applied) and return 0 or an errno
 * value. Those given a strbuf may extend it while they work and give it
 * back as it was. */

/* The full path of REL (taken from CTX's base unless absolute) into OUT
 * (replacing what it held). 0 or ENOMEM; or EIO when CTX has a remover
 * and a removal queued to it failed: every path reached through here or
 * actx_path waits for the queued removals first, so that no call sees
 * the file system as it was before them. */
int actx_fs_full(action_ctx_t *ctx, const char *rel, strbuf_t *out);

/* ---- removals made by another thread (actx_remove.c) ---------------------- */

/* Queues the removal of FULL (REL as written, for messages) to CTX's
 * remover. MIG_OK or MIG_ENOMEM. */
mig_status_t actx_remover_queue(action_ctx_t *ctx, const char *full,
                                const char *rel);
/* Waits until CTX's remover has made every removal queued; MIG_OK, or a
 * failure of CTX (Unavailable) when one of them failed. */
mig_status_t actx_remover_settle(action_ctx_t *ctx);
/* The temporary name beside FULL that an atomic replacement of FULL is
 * made under: DIR/.NAME.mig-tmp. One name per path, so that a second
 * try (after a crash or a full disk) finds and clears the first's. */
int actx_fs_tmp_name(const char *full, strbuf_t *out);
/* Removes FULL and everything under it (read-only directories too). A
 * missing FULL is not an error. */
int actx_fs_remove_tree(strbuf_t *full);
/* Copies SRC to DST (which must not exist): bytes, symlinks as links,
 * directories with everything under them, modes kept. On failure DST may
 * be half made: the caller removes it. */
int actx_fs_copy_tree(strbuf_t *src, strbuf_t *dst);
/* Creates the missing directories above FULL (mode 0755). */
int actx_fs_make_parents(const char *full);
/* The names in directory FULL, "." and ".." left out, sorted bytewise:
 * *NAMES (free with actx_fs_list_free) and *N. */
int actx_fs_list(const char *full, char ***names, size_t *n);
void actx_fs_list_free(char **names, size_t n);
/* The target of symlink FULL into OUT (replacing what it held). */
int actx_fs_readlink(const char *full, strbuf_t *out);

/* Writes the bytes of blob HEX to FD, checking on the way that they hash
 * to HEX. MIG_OK, MIG_ENOMEM, or MIG_EIO with errno set (EBADMSG: the
 * bytes are damaged; the caller discards what FD got). */
mig_status_t blobs_copy_out(blobs_t *b, const char *hex, int fd);

#endif
