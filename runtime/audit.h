/* audit.h: the audit trail (docs/audit.md). Every operation that changes
 * state appends one entry to the state store (who, what, when, the plan
 * digest, the outcome); each entry carries the BLAKE2b hash of its
 * canonical encoding, which covers the hash of the entry before it, so
 * that the entries form a chain; the chain's head is signed with an
 * Ed25519 key kept outside the store. audit_verify walks the chain and
 * names the first entry that was modified, deleted, inserted or moved,
 * and a tail cut off behind the signed head. */
#ifndef MIG_AUDIT_H
#define MIG_AUDIT_H

#include "store.h"

/* Where the signing key is looked for (docs/audit.md, "The key"). */
#define AUDIT_KEY_ENV "MIG_AUDIT_KEY"
#define AUDIT_KEY_DEFAULT "mig/audit.key"   /* under $XDG_CONFIG_HOME or
                                               ~/.config */

#define AUDIT_HASH_HEX 65       /* BLAKE2b-256: 64 hex digits and a NUL */
#define AUDIT_KEY_HEX 65        /* an Ed25519 public key */
#define AUDIT_SIG_HEX 129       /* an Ed25519 signature */

typedef struct audit_key audit_key_t;

/* Writes a new key pair: PATH (the secret key, mode 0600, made with
 * O_EXCL: an existing file is refused) and PATH.pub (the public key,
 * 0644). The directory above PATH is made (0700) when missing. *ID gets
 * the public key (hex). MIG_EINVALID (PATH exists), MIG_EIO, reported. */
mig_status_t audit_keygen(const char *path, char id[AUDIT_KEY_HEX],
                          diag_list_t *diags);
/* Reads the key file PATH: a secret key (which signs) or a .pub file
 * (which only checks). A secret key file that others may read (any group
 * or other permission bit) is refused. MIG_EINVALID (not a key file,
 * readable by others) or MIG_EIO (cannot be read), reported. */
mig_status_t audit_key_load(const char *path, diag_list_t *diags,
                            audit_key_t **out);
/* The signing key of this process: GIVEN when not NULL, else the file
 * $MIG_AUDIT_KEY names, else AUDIT_KEY_DEFAULT when that file exists.
 * *OUT is NULL (MIG_OK) when there is none; a file named (GIVEN or the
 * variable) that is missing or bad is an error, reported. */
mig_status_t audit_key_find(const char *given, diag_list_t *diags,
                            audit_key_t **out);
void audit_key_free(audit_key_t *k);
/* The public key, hex. */
const char *audit_key_id(const audit_key_t *k);
/* Whether K holds the secret half. */
bool audit_key_can_sign(const audit_key_t *k);

/* What an operation tells the trail; the store adds who and when. */
typedef struct audit_entry {
    const char *action;         /* "run", "resume", "rollback", ... */
    int64_t run;                /* the run it was about, or 0 */
    const char *plan_digest;    /* or NULL */
    const char *config_digest;  /* or NULL (mig.yaml, once it exists) */
    const val_t *detail;        /* a map of what else to keep, or NULL */
    const char *outcome;        /* "succeeded", "refused", ... */
    /* Who, when not this process's user and host: a request to `mig
     * serve` is the token's holder at the peer's address (NULL: the
     * process's own). */
    const char *user, *host;
} audit_entry_t;

/* The one function every operation that changes state calls: appends E
 * to the audit trail of S in a transaction of its own (committed when it
 * returns MIG_OK), chained to the last entry, and, when KEY can sign
 * (NULL: no key), signs the new head. Who (user, host, pid) and when are
 * this process's. S must have no transaction open. Failures are reported
 * to DIAGS. */
mig_status_t audit_append(store_t *s, const audit_key_t *key,
                          const audit_entry_t *e, diag_list_t *diags);

/* The canonical encoding of E (every field but HASH) into OUT
 * (docs/audit.md, "Encoding"), and its hash, the hex BLAKE2b-256 of
 * those bytes. */
void audit_encode(const store_audit_t *e, strbuf_t *out);
void audit_hash(const store_audit_t *e, char hex[AUDIT_HASH_HEX]);
/* Signs head SEQ with HASH: SIG gets the hex Ed25519 signature of
 * "mig-audit-head v1\n<seq>\n<hash>\n". K must be able to sign. */
void audit_sign_head(const audit_key_t *k, int64_t seq, const char *hash,
                     char sig[AUDIT_SIG_HEX]);
/* Whether SIG is KEY_ID's signature of head SEQ with HASH. */
bool audit_head_valid(const char *key_id, int64_t seq, const char *hash,
                      const char *sig);

/* What audit_verify found. The first problem ends the walk. */
#define AUDIT_PROBLEMS(X)                                                     \
    X(NONE, "intact")                                                        \
    X(MODIFIED, "modified")     /* an entry's hash does not match it */      \
    X(DELETED, "deleted")       /* a gap in SEQ, or a link to a removed one */ \
    X(INSERTED, "inserted")     /* an entry its successor skips over */      \
    X(REORDERED, "reordered")   /* an entry linking to one found later */    \
    X(TRUNCATED, "truncated")   /* entries after the chain's end are signed */ \
    X(REWRITTEN, "rewritten")   /* consistent, but not the signed chain */   \
    X(BAD_SIGNATURE, "bad-signature")                                        \
    X(UNTRUSTED_KEY, "untrusted-key")   /* signed, by another key */

typedef enum audit_problem {
#define AUDIT_PROBLEM_ENUM(e, s) AUDIT_##e,
    AUDIT_PROBLEMS(AUDIT_PROBLEM_ENUM)
#undef AUDIT_PROBLEM_ENUM
} audit_problem_t;

const char *audit_problem_name(audit_problem_t p);

typedef struct audit_report {
    int64_t entries;            /* entries walked */
    int64_t last;               /* the last entry's SEQ (0: none) */
    audit_problem_t problem;
    int64_t bad;                /* the first bad entry's SEQ, or 0 */
    char message[512];          /* what is wrong, naming it */
    bool head;                  /* there is a signed head */
    int64_t head_seq;
    char head_key[AUDIT_KEY_HEX];
    bool key_checked;           /* the head's key is the trusted one */
    int64_t unsigned_after;     /* entries after the signed head */
} audit_report_t;

/* Walks the audit trail of S and checks every entry's hash, its link to
 * the one before, its place, and the signed head (its signature; its
 * key against TRUSTED when given, else the head's own key is only
 * reported). *R says what was found; MIG_OK whether or not the trail is
 * intact, a failure only when S cannot be read (reported). */
mig_status_t audit_verify(store_t *s, const audit_key_t *trusted,
                          audit_report_t *r);

#endif
