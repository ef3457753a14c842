/* audit_verify.c: checking the audit trail (audit.h; docs/audit.md,
 * "What verify checks"). One walk in the order of SEQ: each entry's hash
 * against its contents, its SEQ against its place, its link (PREV)
 * against the entry before; then the signed head against the chain. The
 * first problem is classified by what follows it, so that the message
 * names the kind of tampering and the first entry it touched. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"

#define NAME_ROW(e, s) s,
static const char *const problem_names[] = { AUDIT_PROBLEMS(NAME_ROW) };
#undef NAME_ROW

const char *audit_problem_name(audit_problem_t p)
{
    return problem_names[p];
}

typedef struct walk {
    audit_report_t *r;
    const store_audit_head_t *head;     /* NULL: none */
    int64_t expect;                     /* the SEQ the next entry must have */
    char prev[AUDIT_HASH_HEX];          /* the last good entry's hash */
    /* A link that broke at entry BROKEN (0: none yet), which named WANTED
     * instead of BEFORE, the hash of the entry before it; what follows
     * decides whether an entry was inserted, moved or deleted. */
    int64_t broken, after_broken;
    char wanted[AUDIT_HASH_HEX], before[AUDIT_HASH_HEX];
    bool head_seen, head_matches;
    int64_t last_keyed;                 /* the last entry appended with a key */
} walk_t;

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void found(walk_t *w, audit_problem_t p, int64_t bad, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));

static void found(walk_t *w, audit_problem_t p, int64_t bad, const char *fmt,
                  ...)
{
    w->r->problem = p;
    w->r->bad = bad;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->r->message, sizeof w->r->message, fmt, ap);
    va_end(ap);
}

/* After a broken link: entry E, the AFTER_BROKEN'th one since. */
static bool classify(walk_t *w, const store_audit_t *e)
{
    w->after_broken++;
    if (same(e->hash, w->wanted)) {
        found(w, AUDIT_REORDERED, w->broken, "entry %" PRId64 " is out of "
              "place: the entry it was appended after is entry %" PRId64
              ", further on", w->broken, e->seq);
        return false;
    }
    if (w->after_broken == 1 && same(e->prev, w->before)) {
        found(w, AUDIT_INSERTED, w->broken, "entry %" PRId64 " was inserted: "
              "entry %" PRId64 " was appended right after entry %" PRId64,
              w->broken, e->seq, w->broken - 1);
        return false;
    }
    return true;
}

static bool check_entry(void *data, const store_audit_t *e)
{
    walk_t *w = data;
    w->r->entries++;
    w->r->last = e->seq;
    if (w->broken)
        return classify(w, e);
    char h[AUDIT_HASH_HEX];
    audit_hash(e, h);
    if (!same(h, e->hash)) {
        found(w, AUDIT_MODIFIED, e->seq, "entry %" PRId64 " was modified: "
              "its hash does not match what it holds", e->seq);
        return false;
    }
    if (e->seq != w->expect) {
        found(w, AUDIT_DELETED, w->expect, w->expect + 1 == e->seq
              ? "entry %" PRId64 " was deleted: the trail goes from entry %"
                PRId64 " to entry %" PRId64
              : "entries from %" PRId64 " were deleted: the trail goes from "
                "entry %" PRId64 " to entry %" PRId64,
              w->expect, w->expect - 1, e->seq);
        return false;
    }
    if (!same(e->prev, w->prev)) {
        w->broken = e->seq;
        snprintf(w->wanted, sizeof w->wanted, "%s", e->prev ? e->prev : "");
        memcpy(w->before, w->prev, sizeof w->before);
        return true;
    }
    memcpy(w->prev, h, sizeof h);
    w->expect++;
    if (e->key_id && *e->key_id)
        w->last_keyed = e->seq;
    if (w->head && e->seq == w->head->seq) {
        w->head_seen = true;
        w->head_matches = same(h, w->head->hash);
    }
    return true;
}

/* The signed head's checks, once the chain is intact. */
static void check_head(walk_t *w, const audit_key_t *trusted)
{
    audit_report_t *r = w->r;
    const store_audit_head_t *h = w->head;
    if (!h) {
        if (w->last_keyed)
            found(w, AUDIT_TRUNCATED, w->last_keyed, "entry %" PRId64 " was "
                  "appended with a signing key, but the trail has no signed "
                  "head: the head was removed", w->last_keyed);
        return;
    }
    if (!w->head_seen && h->seq > r->last) {
        found(w, AUDIT_TRUNCATED, r->last + 1, "the trail ends at entry %"
              PRId64 ", but the signed head is entry %" PRId64 ": entries "
              "%" PRId64 " to %" PRId64 " were removed", r->last, h->seq,
              r->last + 1, h->seq);
    } else if (!w->head_matches) {
        found(w, AUDIT_REWRITTEN, h->seq, "entry %" PRId64 " is not the "
              "entry the signed head names: the trail up to it was "
              "rewritten and its hashes computed again", h->seq);
    } else if (!audit_head_valid(h->key_id, h->seq, h->hash, h->signature)) {
        found(w, AUDIT_BAD_SIGNATURE, h->seq, "the signature of the head "
              "(entry %" PRId64 ") is not valid for its key", h->seq);
    } else if (w->last_keyed > h->seq) {
        found(w, AUDIT_TRUNCATED, w->last_keyed, "entry %" PRId64 " was "
              "appended with a signing key, but the signed head is the "
              "older entry %" PRId64 ": the head was put back", w->last_keyed,
              h->seq);
    } else if (trusted && strcmp(audit_key_id(trusted), h->key_id) != 0) {
        found(w, AUDIT_UNTRUSTED_KEY, h->seq, "the head (entry %" PRId64 ") "
              "is signed by key %.16s..., not by the trusted key %.16s...",
              h->seq, h->key_id, audit_key_id(trusted));
    }
    r->key_checked = trusted && r->problem == AUDIT_NONE;
    r->unsigned_after = r->last > h->seq ? r->last - h->seq : 0;
}

mig_status_t audit_verify(store_t *s, const audit_key_t *trusted,
                          audit_report_t *r)
{
    memset(r, 0, sizeof(*r));
    store_audit_head_t head;
    bool have_head;
    mig_status_t st = store_audit_head_get(s, &head, &have_head);
    if (st != MIG_OK)
        return st;
    walk_t w = { .r = r, .head = have_head ? &head : NULL, .expect = 1 };
    memset(w.prev, '0', AUDIT_HASH_HEX - 1);
    if ((st = store_audit_each(s, 0, check_entry, &w)) != MIG_OK)
        return st;
    if (w.broken && r->problem == AUDIT_NONE)
        found(&w, AUDIT_DELETED, w.broken, "entry %" PRId64 " does not "
              "follow entry %" PRId64 ": the entry it was appended after is "
              "gone (deleted, and the entries after it numbered again)",
              w.broken, w.broken - 1);
    if (r->problem == AUDIT_NONE)
        check_head(&w, trusted);
    r->head = have_head;
    r->head_seq = have_head ? head.seq : 0;
    if (have_head)
        memcpy(r->head_key, head.key_id, sizeof r->head_key);
    return MIG_OK;
}
