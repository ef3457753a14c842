/* test_audit.c: the audit trail (runtime/audit.c, audit_verify.c): the
 * canonical encoding and its hash, the head's Ed25519 signature, the key
 * files, and verify on a store whose rows are changed by hand. */
#include "store_fixture.h"

#include <sys/stat.h>

#include "audit.h"

static const store_audit_t sample = {
    .seq = 7, .at_ms = 1700000000123, .user = "ana", .host = "box",
    .pid = 42, .action = "run", .run = 3, .plan_digest = "d1",
    .config_digest = NULL, .detail = "{\"force\":true}",
    .outcome = "succeeded", .key_id = NULL,
    .prev = "0000000000000000000000000000000000000000000000000000000000000000",
};

/* ---- the encoding --------------------------------------------------------- */

static void encoding_is_documented(void **state)
{
    (void)state;
    strbuf_t b;
    strbuf_init(&b);
    audit_encode(&sample, &b);
    assert_string_equal(b.data,
        "mig-audit v1\n"
        "at_ms=13:1700000000123\n"
        "user=3:ana\n"
        "host=3:box\n"
        "pid=2:42\n"
        "action=3:run\n"
        "run=1:3\n"
        "plan_digest=2:d1\n"
        "config_digest=-\n"
        "detail=14:{\"force\":true}\n"
        "outcome=9:succeeded\n"
        "key_id=-\n"
        "prev=64:0000000000000000000000000000000000000000000000000000000000000000\n");
    char want[BLOB_HEX], got[AUDIT_HASH_HEX];
    blobs_hash(b.data, b.len, want);
    audit_hash(&sample, got);
    assert_string_equal(got, want);
    strbuf_free(&b);
}

/* Every field is covered by the hash (but SEQ: the link gives the place),
 * and a missing value is not an empty one. */
static void every_field_counts(void **state)
{
    (void)state;
    char base[AUDIT_HASH_HEX], h[AUDIT_HASH_HEX];
    audit_hash(&sample, base);
    store_audit_t e;
#define CHANGED(field, value)                                                 \
    e = sample;                                                               \
    e.field = value;                                                          \
    audit_hash(&e, h);                                                        \
    assert_string_not_equal(h, base);
    CHANGED(at_ms, 1700000000124)
    CHANGED(user, "bob")
    CHANGED(host, "box2")
    CHANGED(pid, 43)
    CHANGED(action, "rollback")
    CHANGED(run, 0)
    CHANGED(plan_digest, NULL)
    CHANGED(config_digest, "")
    CHANGED(detail, "{\"force\":false}")
    CHANGED(outcome, "failed")
    CHANGED(key_id, "")
    CHANGED(prev, "1")
#undef CHANGED
    e = sample;
    e.seq = 8;
    audit_hash(&e, h);
    assert_string_equal(h, base);
    /* Length-prefixed: moving a byte from one field to the next is seen. */
    e = sample;
    e.user = "anab";
    e.host = "ox";
    audit_hash(&e, h);
    assert_string_not_equal(h, base);
}

/* ---- keys and the head's signature ---------------------------------------- */

static audit_key_t *load(const char *p, mig_status_t want, const char *msg)
{
    diag_list_t d;
    diag_list_init(&d);
    audit_key_t *k = NULL;
    assert_int_equal(audit_key_load(p, &d, &k), want);
    if (msg) {
        assert_true(d.len > 0);
        assert_string_equal(d.items[0].message, msg);
    } else {
        assert_int_equal(d.len, 0);
    }
    diag_list_free(&d);
    return k;
}

static void keygen(const char *p)
{
    diag_list_t d;
    diag_list_init(&d);
    char id[AUDIT_KEY_HEX];
    assert_int_equal(audit_keygen(p, id, &d), MIG_OK);
    assert_int_equal(strlen(id), 64);
    diag_list_free(&d);
}

static void head_signature(void **state)
{
    (void)state;
    char kp[200], pub[210], other[200];
    snprintf(kp, sizeof kp, "%s/keys/a.key", dir);
    snprintf(pub, sizeof pub, "%s.pub", kp);
    snprintf(other, sizeof other, "%s/b.key", dir);
    keygen(kp);
    keygen(other);
    struct stat st;
    assert_int_equal(stat(kp, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    audit_key_t *k = load(kp, MIG_OK, NULL);
    audit_key_t *p = load(pub, MIG_OK, NULL);
    audit_key_t *o = load(other, MIG_OK, NULL);
    assert_true(audit_key_can_sign(k));
    assert_false(audit_key_can_sign(p));
    assert_string_equal(audit_key_id(k), audit_key_id(p));
    const char *h = sample.prev;
    char sig[AUDIT_SIG_HEX];
    audit_sign_head(k, 5, h, sig);
    assert_true(audit_head_valid(audit_key_id(k), 5, h, sig));
    assert_false(audit_head_valid(audit_key_id(k), 4, h, sig));
    assert_false(audit_head_valid(audit_key_id(k), 5,
        "1000000000000000000000000000000000000000000000000000000000000000",
        sig));
    assert_false(audit_head_valid(audit_key_id(o), 5, h, sig));
    sig[0] = sig[0] == '0' ? '1' : '0';
    assert_false(audit_head_valid(audit_key_id(k), 5, h, sig));
    assert_false(audit_head_valid("zz", 5, h, sig));
    audit_key_free(k);
    audit_key_free(p);
    audit_key_free(o);
}

static void key_file_errors(void **state)
{
    (void)state;
    char kp[200], msg[400], junk[200];
    snprintf(kp, sizeof kp, "%s/k.key", dir);
    keygen(kp);
    /* Never over an existing key. */
    diag_list_t d;
    diag_list_init(&d);
    char id[AUDIT_KEY_HEX];
    assert_int_equal(audit_keygen(kp, id, &d), MIG_EINVALID);
    diag_list_free(&d);
    /* A secret others may read: 0640 refused, 0600 and 0400 taken. */
    chmod(kp, 0640);
    snprintf(msg, sizeof msg, "the audit key '%s' may be read by others "
             "(mode 0640)", kp);
    assert_null(load(kp, MIG_EINVALID, msg));
    chmod(kp, 0400);
    audit_key_free(load(kp, MIG_OK, NULL));
    /* Not a key file; a missing one. */
    snprintf(junk, sizeof junk, "%s/junk", dir);
    FILE *f = fopen(junk, "w");
    fputs("mig-audit-key v1\npublic 12\n", f);
    fclose(f);
    snprintf(msg, sizeof msg, "'%s' is not a mig audit key file", junk);
    assert_null(load(junk, MIG_EINVALID, msg));
    snprintf(junk, sizeof junk, "%s/none", dir);
    snprintf(msg, sizeof msg, "cannot read the audit key '%s': No such file "
             "or directory", junk);
    assert_null(load(junk, MIG_EIO, msg));
}

/* ---- appending and verifying --------------------------------------------- */

static void append(store_t *s, const audit_key_t *k, const char *action)
{
    diag_list_t d;
    diag_list_init(&d);
    audit_entry_t e = { .action = action, .outcome = "succeeded" };
    assert_int_equal(audit_append(s, k, &e, &d), MIG_OK);
    assert_int_equal(d.len, 0);
    diag_list_free(&d);
}

static audit_report_t verify(const audit_key_t *trusted)
{
    store_t *s = open_store(STORE_READONLY);
    audit_report_t r;
    assert_int_equal(audit_verify(s, trusted, &r), MIG_OK);
    store_close(s);
    return r;
}

static audit_key_t *store_with_entries(int signed_n, int unsigned_n)
{
    char kp[200];
    snprintf(kp, sizeof kp, "%s/s.key", dir);
    keygen(kp);
    audit_key_t *k = load(kp, MIG_OK, NULL);
    store_t *s = open_store(STORE_CREATE);
    for (int i = 0; i < signed_n; i++)
        append(s, k, "run");
    for (int i = 0; i < unsigned_n; i++)
        append(s, NULL, "rollback");
    store_close(s);
    return k;
}

static void empty_and_one(void **state)
{
    (void)state;
    store_close(open_store(STORE_CREATE));
    audit_report_t r = verify(NULL);
    assert_int_equal(r.problem, AUDIT_NONE);
    assert_int_equal(r.entries, 0);
    assert_false(r.head);
    audit_key_t *k = store_with_entries(1, 0);
    r = verify(k);
    assert_int_equal(r.problem, AUDIT_NONE);
    assert_int_equal(r.entries, 1);
    assert_true(r.head);
    assert_int_equal(r.head_seq, 1);
    assert_true(r.key_checked);
    audit_key_free(k);
}

static void unsigned_after_head(void **state)
{
    (void)state;
    audit_key_t *k = store_with_entries(2, 1);
    audit_report_t r = verify(NULL);
    assert_int_equal(r.problem, AUDIT_NONE);
    assert_int_equal(r.entries, 3);
    assert_int_equal(r.head_seq, 2);
    assert_int_equal(r.unsigned_after, 1);
    assert_false(r.key_checked);    /* no trusted key given */
    audit_key_free(k);
}

/* Each change by hand, on a fresh trail of four signed entries. */
static void tampered(const char *change, audit_problem_t want, int64_t bad)
{
    audit_key_t *k = store_with_entries(4, 0);
    sql(path, change);
    audit_report_t r = verify(k);
    if (r.problem != want)
        fprintf(stderr, "%s: %s\n", change, r.message);
    assert_int_equal(r.problem, want);
    assert_int_equal(r.bad, bad);
    audit_key_free(k);
    char p[200];
    snprintf(p, sizeof p, "%s/s.key", dir);
    unlink(p);
    strcat(p, ".pub");
    unlink(p);
    unlink(path);
}

static void each_kind_of_tampering(void **state)
{
    (void)state;
    tampered("UPDATE audit SET user = 'eve' WHERE seq = 2", AUDIT_MODIFIED, 2);
    tampered("DELETE FROM audit WHERE seq = 2", AUDIT_DELETED, 2);
    tampered("DELETE FROM audit WHERE seq = 1", AUDIT_DELETED, 1);
    tampered("DELETE FROM audit WHERE seq = 2; UPDATE audit SET seq = seq - 1 "
             "WHERE seq > 2", AUDIT_DELETED, 2);
    tampered("UPDATE audit SET seq = seq + 100 WHERE seq >= 2; UPDATE audit "
             "SET seq = seq - 99 WHERE seq >= 100; INSERT INTO audit SELECT "
             "2, at_ms, user, host, pid, action, run, plan_digest, "
             "config_digest, detail, outcome, key_id, prev, hash FROM audit "
             "WHERE seq = 1", AUDIT_INSERTED, 2);
    tampered("UPDATE audit SET seq = 100 WHERE seq = 3; UPDATE audit SET seq "
             "= 3 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 100",
             AUDIT_REORDERED, 3);
    /* The last one cut: N - 1 entries left of a head at N. */
    tampered("DELETE FROM audit WHERE seq = 4", AUDIT_TRUNCATED, 4);
    tampered("DELETE FROM audit_head", AUDIT_TRUNCATED, 4);
    tampered("UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit "
             "WHERE seq = 3)", AUDIT_BAD_SIGNATURE, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encoding_is_documented),
        cmocka_unit_test(every_field_counts),
        cmocka_unit_test_setup_teardown(head_signature, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(key_file_errors, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(empty_and_one, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(unsigned_after_head, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(each_kind_of_tampering, make_dir,
                                        remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
