/* advise.c: the rules of `mig advise` (docs/analytics.md, "mig
 * advise"): each reads the figures advise_facts.c gathered from the
 * history and, when they support it, suggests one change with the figure
 * it rests on. Pure: a table of rules over a value; nothing is applied. */
#include <inttypes.h>
#include <string.h>

#include "stats_int.h"

typedef struct advice {
    val_t *list;
    bool ok;
} advice_t;

/* Appends a suggestion: RULE, TARGET, the SUGGESTION and EVIDENCE texts,
 * and FIGURES (a map, consumed). */
static void suggest(advice_t *a, const char *rule, const char *target,
                    const strbuf_t *suggestion, const strbuf_t *evidence,
                    val_t *figures)
{
    val_t *m = val_map_new(5);
    bool ok = a->ok && m && !suggestion->oom && !evidence->oom && figures;
    an_put_str(m, "rule", rule, &ok);
    an_put_str(m, "target", target, &ok);
    an_put_str(m, "suggestion", suggestion->data, &ok);
    an_put_str(m, "evidence", evidence->data, &ok);
    an_put(m, "figures", figures, &ok);
    if (!ok)
        val_unref(figures);
    an_push(a->list, m, &ok);
    a->ok = ok;
}

/* A map of the integers at KEYS of M: the figures a suggestion rests on. */
static val_t *figures(const val_t *m, const char *const *keys, size_t n)
{
    val_t *f = val_map_new(n);
    bool ok = f != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        val_t *v = an_get(m, keys[i]);
        an_put(f, keys[i], v ? val_ref(v) : val_null(), &ok);
    }
    if (!ok) {
        val_unref(f);
        return NULL;
    }
    return f;
}

#define FIGURES(m, ...)                                                        \
    figures(m, (const char *const[]){ __VA_ARGS__ },                          \
            sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *))

/* parallel: down when the endpoint limits the rate, up when items wait
 * on slow calls with room to spare. */
static void rule_parallel(advice_t *a, const val_t *facts)
{
    const val_t *fe = an_get(facts, "foreach");
    for (size_t i = 0; a->ok && fe && i < val_len(fe); i++) {
        const val_t *f = val_list_get(fe, i);
        int64_t calls = an_int(f, "calls"), limited = an_int(f, "status_429");
        int64_t reached = an_int(f, "reached"), allowed = an_int(f, "allowed");
        bool known = an_get(f, "allowed") && val_is_int(an_get(f, "allowed"));
        strbuf_t s, e;
        strbuf_init(&s);
        strbuf_init(&e);
        if (limited > 0 && limited * 100 >= calls * ANALYTICS_ADVISE_429_PCT) {
            int64_t level = reached / 2 > 0 ? reached / 2 : 1;
            strbuf_printf(&s, "parallel %" PRId64, level);
            strbuf_printf(&e, "%" PRId64 " of %" PRId64 " calls (%.1f%%) were "
                          "answered 429 (rate limited) with up to %" PRId64
                          " items at once", limited, calls,
                          calls ? 100.0 * (double)limited / (double)calls : 0.0,
                          reached);
            suggest(a, "parallel", an_str(f, "node"), &s, &e,
                    FIGURES(f, "calls", "status_429", "reached", "allowed"));
        } else if (limited == 0 && known && allowed > 0 && reached >= allowed
                   && an_int(f, "item_p50_ms") >= ANALYTICS_ADVISE_SLOW_MS
                   && allowed < ANALYTICS_ADVISE_PARALLEL_MAX) {
            int64_t level = allowed * 2 < ANALYTICS_ADVISE_PARALLEL_MAX
                            ? allowed * 2 : ANALYTICS_ADVISE_PARALLEL_MAX;
            strbuf_printf(&s, "parallel %" PRId64, level);
            strbuf_printf(&e, "items took %" PRId64 "ms (p50), the bound of %"
                          PRId64 " was reached, and none of %" PRId64
                          " calls was answered 429",
                          an_int(f, "item_p50_ms"), allowed, calls);
            suggest(a, "parallel", an_str(f, "node"), &s, &e,
                    FIGURES(f, "item_p50_ms", "reached", "allowed", "calls",
                            "status_429"));
        }
        strbuf_free(&s);
        strbuf_free(&e);
    }
}

/* retry: add one for a transient class that fails steps unretried; drop
 * one that hardly ever helps. */
static void rule_retry(advice_t *a, const val_t *facts)
{
    const val_t *cl = an_get(facts, "classes");
    for (size_t i = 0; a->ok && cl && i < val_len(cl); i++) {
        const val_t *c = val_list_get(cl, i);
        const char *name = an_str(c, "class");
        const val_t *tr = an_get(c, "transient");
        bool transient = tr && val_type(tr) == VAL_BOOL && val_get_bool(tr);
        int64_t failures = an_int(c, "failures"), retried = an_int(c, "retried");
        int64_t good = an_int(c, "retried_ok");
        strbuf_t s, e;
        strbuf_init(&s);
        strbuf_init(&e);
        if (transient && retried == 0
            && failures >= ANALYTICS_ADVISE_MIN_EVIDENCE) {
            strbuf_printf(&s, "retry 3 backoff exponential(base: 200ms, "
                          "factor: 2, max: 10s) jitter full on %s", name);
            strbuf_printf(&e, "%" PRId64 " steps failed with %s and none was "
                          "retried", failures, name);
            suggest(a, "retry", name, &s, &e,
                    FIGURES(c, "failures", "retried", "retried_ok"));
        } else if (retried >= ANALYTICS_ADVISE_MIN_EVIDENCE
                   && good * 100 < retried * ANALYTICS_ADVISE_RETRY_LOW_PCT) {
            strbuf_printf(&s, "stop retrying %s: handle it with a recover "
                          "block", name);
            strbuf_printf(&e, "%" PRId64 " of %" PRId64 " retried steps "
                          "(%.1f%%) succeeded after retrying %s", good,
                          retried, 100.0 * (double)good / (double)retried,
                          name);
            suggest(a, "retry", name, &s, &e,
                    FIGURES(c, "failures", "retried", "retried_ok"));
        }
        strbuf_free(&s);
        strbuf_free(&e);
    }
}

/* recover: a handler that rarely recovers its class. */
static void rule_recover(advice_t *a, const val_t *facts)
{
    const val_t *rv = an_get(facts, "recoveries");
    for (size_t i = 0; a->ok && rv && i < val_len(rv); i++) {
        const val_t *r = val_list_get(rv, i);
        int64_t count = an_int(r, "count"), good = an_int(r, "succeeded");
        if (count < ANALYTICS_ADVISE_MIN_EVIDENCE
            || good * 100 >= count * ANALYTICS_ADVISE_RETRY_LOW_PCT)
            continue;
        strbuf_t s, e;
        strbuf_init(&s);
        strbuf_init(&e);
        strbuf_printf(&s, "review `recover %s with %s`: it rarely recovers",
                      an_str(r, "class"), an_str(r, "handler"));
        strbuf_printf(&e, "%" PRId64 " of %" PRId64 " recoveries (%.1f%%) of "
                      "%s by %s ended with the item done", good, count,
                      100.0 * (double)good / (double)count, an_str(r, "class"),
                      an_str(r, "handler"));
        suggest(a, "recover", an_str(r, "handler"), &s, &e,
                FIGURES(r, "count", "succeeded", "retry", "skip", "fail"));
        strbuf_free(&s);
        strbuf_free(&e);
    }
}

/* first: the tools others depend on (the facts list them most depended
 * on first). */
static void rule_first(advice_t *a, const val_t *facts)
{
    const val_t *d = an_get(facts, "dependencies");
    for (size_t i = 0; a->ok && d && i < val_len(d)
                       && i < ANALYTICS_ADVISE_FIRST_MAX; i++) {
        const val_t *t = val_list_get(d, i);
        int64_t n = an_int(t, "dependents");
        if (n < 1)
            break;
        strbuf_t s, e;
        strbuf_init(&s);
        strbuf_init(&e);
        strbuf_printf(&s, "migrate %s first", an_str(t, "tool"));
        strbuf_printf(&e, "%" PRId64 " other record%s depend%s on it; %"
                      PRId64 " step%s failed with MissingDependency", n,
                      n == 1 ? "" : "s", n == 1 ? "s" : "",
                      an_int(facts, "missing_dependency"),
                      an_int(facts, "missing_dependency") == 1 ? "" : "s");
        val_t *f = FIGURES(t, "dependents");
        if (f && an_get(facts, "missing_dependency"))
            an_put_int(f, "missing_dependency",
                       an_int(facts, "missing_dependency"), &a->ok);
        suggest(a, "first", an_str(t, "tool"), &s, &e, f);
        strbuf_free(&s);
        strbuf_free(&e);
    }
}

/* checkpoint: before the stage that failed most, when nothing before it
 * is one. */
static void rule_checkpoint(advice_t *a, const val_t *facts)
{
    const val_t *st = an_get(facts, "stages"), *worst = NULL;
    for (size_t i = 0; st && i < val_len(st); i++) {
        const val_t *s = val_list_get(st, i);
        if (an_int(s, "failed") > 0
            && (!worst || an_int(s, "failed") > an_int(worst, "failed")))
            worst = s;
    }
    const val_t *cp = an_get(worst, "checkpoint");
    if (!a->ok || !worst || (cp && val_type(cp) == VAL_BOOL && val_get_bool(cp)))
        return;
    strbuf_t s, e;
    strbuf_init(&s);
    strbuf_init(&e);
    strbuf_printf(&s, "checkpoint before_%s as the first statement of stage "
                  "%s, and `on failure rollback to before_%s`",
                  an_str(worst, "stage"), an_str(worst, "stage"),
                  an_str(worst, "stage"));
    strbuf_printf(&e, "stage %s failed in %" PRId64 " of %" PRId64 " runs, "
                  "the most of any stage, with no checkpoint before it",
                  an_str(worst, "stage"), an_int(worst, "failed"),
                  an_int(worst, "runs"));
    suggest(a, "checkpoint", an_str(worst, "stage"), &s, &e,
            FIGURES(worst, "failed", "runs"));
    strbuf_free(&s);
    strbuf_free(&e);
}

static void (*const rules[])(advice_t *a, const val_t *facts) = {
    rule_parallel, rule_retry, rule_recover, rule_first, rule_checkpoint,
};

mig_status_t analytics_advise(const val_t *facts, val_t **out)
{
    advice_t a = { .list = val_list_new(0), .ok = true };
    a.ok = a.list != NULL;
    for (size_t i = 0; a.ok && i < sizeof rules / sizeof *rules; i++)
        rules[i](&a, facts);
    if (!a.ok) {
        val_unref(a.list);
        *out = NULL;
        return MIG_ENOMEM;
    }
    *out = a.list;
    return MIG_OK;
}
