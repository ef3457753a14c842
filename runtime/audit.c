/* audit.c: appending to the audit trail (audit.h; docs/audit.md): the
 * canonical encoding an entry's hash is taken over, the Ed25519 key files
 * (libsodium), and audit_append, which every operation that changes state
 * calls. The walk that verifies the chain is audit_verify.c. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"

#define KEY_MAGIC "mig-audit-key v1"
#define HEAD_MAGIC "mig-audit-head v1"
#define ENTRY_MAGIC "mig-audit v1"

struct audit_key {
    bool can_sign;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    char id[AUDIT_KEY_HEX];
};

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

/* libsodium's start; signing needs it (hashing is blobs.c's). It fails
 * only without a source of randomness, which keygen then reports. */
static void sodium_start(void)
{
    if (sodium_init() < 0)
        return;
}

/* ---- the encoding ------------------------------------------------------- */

/* V in decimal into the end of BUF (24 bytes); returns where it starts.
 * (Not printf: verify encodes every entry, and printf was most of it.) */
static char *dec(int64_t v, char buf[24])
{
    char *p = buf + 23;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    *p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *--p = '-';
    return p;
}

/* Appends field NAME: "name=LEN:BYTES\n", or "name=-\n" for NULL, so
 * that no two entries share an encoding. */
static void put_text(strbuf_t *b, const char *name, const char *text)
{
    strbuf_puts(b, name);
    if (!text) {
        strbuf_put(b, "=-\n", 3);
        return;
    }
    size_t n = strlen(text);
    char num[24];
    strbuf_putc(b, '=');
    strbuf_puts(b, dec((int64_t)n, num));
    strbuf_putc(b, ':');
    strbuf_put(b, text, n);
    strbuf_putc(b, '\n');
}

static void put_int(strbuf_t *b, const char *name, int64_t v)
{
    char num[24];
    put_text(b, name, dec(v, num));
}

void audit_encode(const store_audit_t *e, strbuf_t *out)
{
    /* Not SEQ: an entry's place is given by its link to the one before
     * (an entry moved keeps a valid hash, and verify says where it went). */
    strbuf_puts(out, ENTRY_MAGIC "\n");
    put_int(out, "at_ms", e->at_ms);
    put_text(out, "user", e->user);
    put_text(out, "host", e->host);
    put_int(out, "pid", e->pid);
    put_text(out, "action", e->action);
    if (e->run)
        put_int(out, "run", e->run);
    else
        put_text(out, "run", NULL);
    put_text(out, "plan_digest", e->plan_digest);
    put_text(out, "config_digest", e->config_digest);
    put_text(out, "detail", e->detail);
    put_text(out, "outcome", e->outcome);
    put_text(out, "key_id", e->key_id);
    put_text(out, "prev", e->prev);
}

void audit_hash(const store_audit_t *e, char hex[AUDIT_HASH_HEX])
{
    strbuf_t b;
    strbuf_init(&b);
    audit_encode(e, &b);
    if (b.oom)      /* no hash at all: it matches nothing */
        memset(hex, 'x', AUDIT_HASH_HEX - 1), hex[AUDIT_HASH_HEX - 1] = '\0';
    else
        blobs_hash(b.data, b.len, hex);
    strbuf_free(&b);
}

/* ---- the head's signature --------------------------------------------- */

/* The bytes a head's signature is over, into BUF. Their length. */
static size_t head_message(int64_t seq, const char *hash, char buf[128])
{
    int n = snprintf(buf, 128, HEAD_MAGIC "\n%" PRId64 "\n%s\n", seq, hash);
    return n < 0 ? 0 : n >= 128 ? 127 : (size_t)n;
}

void audit_sign_head(const audit_key_t *k, int64_t seq, const char *hash,
                     char sig[AUDIT_SIG_HEX])
{
    assert(k && k->can_sign);
    char msg[128];
    size_t n = head_message(seq, hash, msg);
    unsigned char raw[crypto_sign_BYTES];
    pthread_once(&sodium_once, sodium_start);
    crypto_sign_detached(raw, NULL, (const unsigned char *)msg, n, k->sk);
    sodium_bin2hex(sig, AUDIT_SIG_HEX, raw, sizeof raw);
}

/* Reads HEX (exactly LEN bytes' worth of hex digits) into RAW. */
static bool from_hex(const char *hex, unsigned char *raw, size_t len)
{
    size_t got = 0;
    const char *end;
    return hex && strlen(hex) == 2 * len
           && sodium_hex2bin(raw, len, hex, 2 * len, NULL, &got, &end) == 0
           && got == len && *end == '\0';
}

bool audit_head_valid(const char *key_id, int64_t seq, const char *hash,
                      const char *sig)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], raw[crypto_sign_BYTES];
    if (!from_hex(key_id, pk, sizeof pk) || !from_hex(sig, raw, sizeof raw))
        return false;
    char msg[128];
    size_t n = head_message(seq, hash, msg);
    pthread_once(&sodium_once, sodium_start);
    return crypto_sign_verify_detached(raw, (const unsigned char *)msg, n,
                                       pk) == 0;
}

/* ---- key files ---------------------------------------------------------- */

/* Writes TEXT to the new file PATH with MODE (O_EXCL). 0 or an errno. */
static int write_new(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return errno;
    size_t len = strlen(text);
    int e = write(fd, text, len) == (ssize_t)len ? 0 : errno ? errno : EIO;
    if (!e && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (e)
        unlink(path);
    return e;
}

/* Makes the directories above PATH that are missing (0700). */
static void make_parent(const char *path)
{
    char *dir = strdup(path);
    for (char *p = dir ? dir + 1 : NULL; p && *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(dir, 0700);
        *p = '/';
    }
    free(dir);
}

mig_status_t audit_keygen(const char *path, char id[AUDIT_KEY_HEX],
                          diag_list_t *diags)
{
    pthread_once(&sodium_once, sodium_start);
    audit_key_t k = { .can_sign = true };
    crypto_sign_keypair(k.pk, k.sk);
    char sk_hex[2 * crypto_sign_SECRETKEYBYTES + 1];
    sodium_bin2hex(id, AUDIT_KEY_HEX, k.pk, sizeof k.pk);
    sodium_bin2hex(sk_hex, sizeof sk_hex, k.sk, sizeof k.sk);
    char secret[512], pub[256], *pub_path = malloc(strlen(path) + 5);
    snprintf(secret, sizeof secret, KEY_MAGIC "\npublic %s\nsecret %s\n", id,
             sk_hex);
    snprintf(pub, sizeof pub, KEY_MAGIC "\npublic %s\n", id);
    sodium_memzero(sk_hex, sizeof sk_hex);
    sodium_memzero(&k, sizeof k);
    if (!pub_path) {
        sodium_memzero(secret, sizeof secret);
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
        return MIG_ENOMEM;
    }
    sprintf(pub_path, "%s.pub", path);
    make_parent(path);
    int e = write_new(path, secret, 0600);
    sodium_memzero(secret, sizeof secret);
    const char *failed = path;
    if (!e && (e = write_new(pub_path, pub, 0644)) != 0) {
        failed = pub_path;
        unlink(path);
    }
    mig_status_t st = MIG_OK;
    if (e) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot write "
                             "the key file '%s': %s", failed, strerror(e));
        if (e == EEXIST)
            diag_hint(diags, d, "a key is never overwritten: move the old "
                      "one away first (the entries it signed can then only "
                      "be checked with its .pub file)");
        st = e == EEXIST ? MIG_EINVALID : MIG_EIO;
    }
    free(pub_path);
    return st;
}

/* Parses the key file text T of PATH into K. */
static mig_status_t parse_key(const char *path, char *t, audit_key_t *k,
                              diag_list_t *diags)
{
    char *pub = strstr(t, "\npublic ");
    char *sec = strstr(t, "\nsecret ");
    bool ok = strncmp(t, KEY_MAGIC "\n", sizeof KEY_MAGIC) == 0 && pub;
    if (ok) {
        pub[8 + 64] = pub[8 + 64] == '\n' ? '\0' : pub[8 + 64];
        ok = from_hex(pub + 8, k->pk, sizeof k->pk);
    }
    if (ok && sec) {
        char *end = strchr(sec + 8, '\n');
        if (end)
            *end = '\0';
        unsigned char derived[crypto_sign_PUBLICKEYBYTES];
        ok = from_hex(sec + 8, k->sk, sizeof k->sk)
             && crypto_sign_ed25519_sk_to_pk(derived, k->sk) == 0
             && memcmp(derived, k->pk, sizeof derived) == 0;
        k->can_sign = ok;
    }
    if (!ok) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "'%s' is not a "
                             "mig audit key file", path);
        diag_hint(diags, d, "'mig audit keygen -o FILE' writes one (FILE "
                  "and FILE.pub)");
        return MIG_EINVALID;
    }
    sodium_bin2hex(k->id, sizeof k->id, k->pk, sizeof k->pk);
    return MIG_OK;
}

mig_status_t audit_key_load(const char *path, diag_list_t *diags,
                            audit_key_t **out)
{
    *out = NULL;
    pthread_once(&sodium_once, sodium_start);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char text[1024];
    ssize_t n = fd >= 0 && fstat(fd, &st) == 0
        ? read(fd, text, sizeof text - 1) : -1;
    int e = errno;
    if (fd >= 0)
        close(fd);
    if (n < 0) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot read the "
                             "audit key '%s': %s", path, strerror(e));
        diag_hint(diags, d, "the key is the file --key or $" AUDIT_KEY_ENV
                  " names; 'mig audit keygen' writes one (docs/audit.md)");
        return MIG_EIO;
    }
    text[n] = '\0';
    audit_key_t *k = calloc(1, sizeof(*k));
    if (!k) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
        return MIG_ENOMEM;
    }
    mig_status_t rc = parse_key(path, text, k, diags);
    sodium_memzero(text, sizeof text);
    if (rc == MIG_OK && k->can_sign && (st.st_mode & 077)) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "the audit key "
                             "'%s' may be read by others (mode %04o)", path,
                             (unsigned)(st.st_mode & 07777));
        diag_hint(diags, d, "anyone who can read it can forge the trail's "
                  "signature: chmod 600 '%s'", path);
        rc = MIG_EINVALID;
    }
    if (rc != MIG_OK) {
        audit_key_free(k);
        return rc;
    }
    *out = k;
    return MIG_OK;
}

mig_status_t audit_key_find(const char *given, diag_list_t *diags,
                            audit_key_t **out)
{
    *out = NULL;
    const char *named = given ? given : getenv(AUDIT_KEY_ENV);
    if (named && *named)
        return audit_key_load(named, diags, out);
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char path[4096];
    if (xdg && *xdg)
        snprintf(path, sizeof path, "%s/" AUDIT_KEY_DEFAULT, xdg);
    else if (home && *home)
        snprintf(path, sizeof path, "%s/.config/" AUDIT_KEY_DEFAULT, home);
    else
        return MIG_OK;
    return access(path, F_OK) == 0 ? audit_key_load(path, diags, out) : MIG_OK;
}

void audit_key_free(audit_key_t *k)
{
    if (!k)
        return;
    sodium_memzero(k, sizeof(*k));
    free(k);
}

const char *audit_key_id(const audit_key_t *k)
{
    return k->id;
}

bool audit_key_can_sign(const audit_key_t *k)
{
    return k && k->can_sign;
}

/* ---- appending ------------------------------------------------------------ */

/* The name of the user this process runs as, into BUF. */
static void user_name(char *buf, size_t cap)
{
    struct passwd pw, *found = NULL;
    char tmp[1024];
    if (getpwuid_r(geteuid(), &pw, tmp, sizeof tmp, &found) == 0 && found)
        snprintf(buf, cap, "%s", pw.pw_name);
    else
        snprintf(buf, cap, "uid %u", (unsigned)geteuid());
}

mig_status_t audit_append(store_t *s, const audit_key_t *key,
                          const audit_entry_t *e, diag_list_t *diags)
{
    char user[256], host[256] = "", prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX];
    user_name(user, sizeof user);
    gethostname(host, sizeof host - 1);
    strbuf_t detail;
    strbuf_init(&detail);
    if (e->detail && (val_to_json(e->detail, &detail, 0) != MIG_OK
                      || detail.oom)) {
        strbuf_free(&detail);
        diag_add(diags, DIAG_ERROR, NULL, NULL, "out of memory");
        return MIG_ENOMEM;
    }
    bool sign = audit_key_can_sign(key);
    int64_t last;
    mig_status_t st = store_audit_tail(s, &last, prev);
    if (st == MIG_OK && !prev[0])
        memset(prev, '0', AUDIT_HASH_HEX - 1), prev[AUDIT_HASH_HEX - 1] = '\0';
    store_audit_t row = {
        .seq = last + 1, .at_ms = store_now_ms(),
        .user = e->user ? e->user : user, .host = e->host ? e->host : host,
        .pid = getpid(), .action = e->action, .run = e->run,
        .plan_digest = e->plan_digest, .config_digest = e->config_digest,
        .detail = e->detail ? detail.data : NULL, .outcome = e->outcome,
        .key_id = sign ? audit_key_id(key) : NULL, .prev = prev,
    };
    audit_hash(&row, hash);
    row.hash = hash;
    if (st == MIG_OK)
        st = store_audit_put(s, &row);
    if (st == MIG_OK && sign) {
        store_audit_head_t h = { .seq = row.seq, .at_ms = row.at_ms };
        memcpy(h.hash, hash, sizeof hash);
        memcpy(h.key_id, audit_key_id(key), AUDIT_KEY_HEX);
        audit_sign_head(key, row.seq, hash, h.signature);
        st = store_audit_head_put(s, &h);
    }
    if (st == MIG_OK)
        st = store_flush(s);
    strbuf_free(&detail);
    diag_list_move(diags, store_diags(s));
    return st;
}
