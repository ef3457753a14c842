/* regex.c: the one way mig matches regular expressions (schema "pattern"
 * and "patternProperties", the matches() builtin; docs/expressions.md,
 * "Regular expressions"). PCRE2 in UTF mode behind a small compile cache
 * and a match limit, so a hostile pattern cannot hang a run. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "interpreter_int.h"

/* One compiled pattern, keyed by its text. */
typedef struct regex_slot {
    char *text;
    size_t len;
    pcre2_code *code;
} regex_slot_t;

static regex_slot_t cache[REGEX_CACHE_SIZE];
static size_t cache_next;       /* the slot replaced next (round robin) */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* The compiled form of PAT (cached); NULL with WHY written when PAT is not
 * a valid pattern or memory ran out (*NOMEM set). Caller holds cache_lock. */
static pcre2_code *compiled(const char *pat, size_t plen, strbuf_t *why,
                            bool *nomem)
{
    for (size_t i = 0; i < REGEX_CACHE_SIZE; i++)
        if (cache[i].code && cache[i].len == plen
            && memcmp(cache[i].text, pat, plen) == 0)
            return cache[i].code;
    int err;
    PCRE2_SIZE at;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, plen,
                                     PCRE2_UTF | PCRE2_UCP, &err, &at, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        strbuf_printf(why, "the pattern is not a valid regular expression: "
                      "%s at offset %zu", (const char *)msg, (size_t)at);
        return NULL;
    }
    char *text = malloc(plen + 1);
    if (!text) {
        pcre2_code_free(code);
        *nomem = true;
        return NULL;
    }
    memcpy(text, pat, plen);
    text[plen] = '\0';
    regex_slot_t *s = &cache[cache_next];
    cache_next = (cache_next + 1) % REGEX_CACHE_SIZE;
    pcre2_code_free(s->code);
    free(s->text);
    *s = (regex_slot_t){ .text = text, .len = plen, .code = code };
    return code;
}

mig_status_t regex_search(const char *pat, size_t plen, const char *s,
                          size_t slen, bool *found, strbuf_t *why)
{
    *found = false;
    if (plen > REGEX_PATTERN_MAX) {
        strbuf_printf(why, "the pattern is %zu bytes long; the most is %d",
                      plen, REGEX_PATTERN_MAX);
        return MIG_EINVALID;
    }
    if (!val_utf8_valid(pat, plen) || !val_utf8_valid(s, slen)) {
        strbuf_puts(why, "a pattern and its text must be UTF-8");
        return MIG_EINVALID;
    }
    pthread_mutex_lock(&cache_lock);
    bool nomem = false;
    mig_status_t st = MIG_OK;
    pcre2_code *code = compiled(pat, plen, why, &nomem);
    pcre2_match_data *md = code
        ? pcre2_match_data_create_from_pattern(code, NULL) : NULL;
    pcre2_match_context *mc = md ? pcre2_match_context_create(NULL) : NULL;
    if (!code) {
        st = nomem ? MIG_ENOMEM : MIG_EINVALID;
    } else if (!mc) {
        st = MIG_ENOMEM;
    } else {
        pcre2_set_match_limit(mc, REGEX_MATCH_LIMIT);
        pcre2_set_depth_limit(mc, REGEX_DEPTH_LIMIT);
        int rc = pcre2_match(code, (PCRE2_SPTR)s, slen, 0,
                             PCRE2_NO_UTF_CHECK, md, mc);
        if (rc >= 0) {
            *found = true;
        } else if (rc == PCRE2_ERROR_NOMEMORY) {
            st = MIG_ENOMEM;
        } else if (rc != PCRE2_ERROR_NOMATCH) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(rc, msg, sizeof msg);
            strbuf_printf(why, "the pattern could not be matched: %s "
                          "(the match limit is %d steps)",
                          (const char *)msg, REGEX_MATCH_LIMIT);
            st = MIG_EINVALID;
        }
    }
    pcre2_match_context_free(mc);
    pcre2_match_data_free(md);
    pthread_mutex_unlock(&cache_lock);
    return st;
}
