/* analytics.h: what the journal says about the runs, turned into answers
 * (docs/analytics.md): statistics over the history (`mig stats`), the
 * bottlenecks of one run (`mig stats --run`), the HTML report, and
 * recommendations for a plan (`mig advise`). The layer reads the state
 * store and the standard library's per-file report; it never writes the
 * store and never prints: it gives values the CLI prints as text or JSON.
 * Prefix: analytics_. */
#ifndef MIG_ANALYTICS_H
#define MIG_ANALYTICS_H

#include "mig_stdlib.h"
#include "store.h"

/* ---- complexity bands (band.c) ------------------------------------------ */

/* What a record's band is computed from: its input schema (`parameters`
 * of a tools.read record, else `inputSchema` of a V2 descriptor, else
 * none) measured as docs/analytics.md, "Complexity band", says. */
typedef struct analytics_band_features {
    int64_t params;     /* keys of the schema's top-level "properties" */
    int64_t depth;      /* levels of "properties"/"items" nesting */
    int64_t refs;       /* "$ref" keys anywhere in the schema */
    int64_t enums;      /* "enum" keys anywhere in the schema */
    int64_t points;     /* params + 2 * (depth - 1, at least 0) + 3 * refs
                           + enums */
} analytics_band_features_t;

#define ANALYTICS_BANDS(X)                                                    \
    X(LOW, "low")                                                            \
    X(MEDIUM, "medium")                                                      \
    X(HIGH, "high")

typedef enum analytics_band {
#define ANALYTICS_BAND_ENUM(e, s) ANALYTICS_BAND_##e,
    ANALYTICS_BANDS(ANALYTICS_BAND_ENUM)
#undef ANALYTICS_BAND_ENUM
    ANALYTICS_BAND_COUNT
} analytics_band_t;

/* The bounds: a record of up to ANALYTICS_BAND_LOW_MAX points is low, up
 * to ANALYTICS_BAND_MEDIUM_MAX medium, above that high. */
#define ANALYTICS_BAND_LOW_MAX 4
#define ANALYTICS_BAND_MEDIUM_MAX 12

/* The band of RECORD (a record of tools.read, or a V2 descriptor: a map;
 * anything else is low with no features), its features into *F when F is
 * not NULL. Pure; a schema nested deeper than the value model allows is
 * measured as far as it goes. */
analytics_band_t analytics_band(const val_t *record,
                                analytics_band_features_t *f);
const char *analytics_band_name(analytics_band_t b);

/* ---- figures (stats_num.c) ----------------------------------------------- */

/* The P-th percentile (0 < P <= 100) of the N values V by nearest rank:
 * the value at rank ceil(P / 100 * N) of V sorted ascending (rank 1 is
 * the smallest). V is sorted in place. N must be at least 1. */
int64_t analytics_percentile(int64_t *v, size_t n, unsigned p);

/* ---- statistics over the history (stats_hist.c) ------------------------- */

/* The version of the JSON shape of `mig stats --json` (docs/analytics.md):
 * it grows when a field changes meaning or goes, not when one is added. */
#define ANALYTICS_STATS_VERSION 1

/* Which runs count: those started at or after SINCE_MS (0: all) of the
 * plan PLAN (NULL: every plan), which matches a run's plan name or its
 * plan path (absolute). */
typedef struct analytics_filter {
    int64_t since_ms;
    const char *plan;
} analytics_filter_t;

/* The statistics of the runs of S that F lets through, oldest first, into
 * *OUT: a new map of the shape of docs/analytics.md ("The JSON shape",
 * all but "stats" and "filter", which the caller adds). S is only read.
 * MIG_OK, MIG_ENOMEM, or the store's error (its message in
 * store_diags). */
mig_status_t analytics_stats(store_t *s, const analytics_filter_t *f,
                             val_t **out);

/* ---- one run's bottlenecks (critical.c, stats_run.c) ------------------- */

/* A step as the critical path sees it: where it ran (NODE, ITEM as the
 * steps table has them), when (Unix ms), and its STAGE (the first part
 * of NODE). Borrowed strings. */
typedef struct analytics_span {
    const char *node, *item;
    int64_t start_ms, end_ms;
} analytics_span_t;

/* Whether a step of stage B may wait for one of stage A (A == B, or B is
 * after A, directly or not): the plan's `after`. NULL: every stage may
 * wait for any other. */
typedef bool (*analytics_after_fn)(void *data, const char *a, const char *b);

/* The critical path through the N spans SP (in the order the steps were
 * first recorded): the span that ended last, then, going back, the span
 * that bounded each one's start: of the spans it may depend on (the same
 * item, an item around it, or one inside it, in a stage AFTER allows),
 * the one that ended last at or before it started. *PATH gets a new
 * array of *LEN span indexes, first to last. MIG_OK, or MIG_ENOMEM; N 0
 * gives an empty path. Pure. */
mig_status_t analytics_critical_path(const analytics_span_t *sp, size_t n,
                                     analytics_after_fn after, void *data,
                                     size_t **path, size_t *len);

/* Whether the foreach of node NODE allows LIMIT items at once; -1 when
 * not known (the plan is gone, or its bound is an expression). */
typedef int64_t (*analytics_limit_fn)(void *data, const char *node);

/* The most steps the answer of analytics_run lists under "spans" (the
 * longest), for the page's flame graph. */
#define ANALYTICS_SPANS_MAX 2000

/* What bounded run RUN of S (docs/analytics.md, "One run"): its critical
 * path, time in retry waits against time working, the concurrency each
 * foreach reached against what it allowed (LIMIT, NULL: not known), the
 * slowest actions and endpoints, the journal's commit time. AFTER and
 * LIMIT (with DATA) come from the plan when it can be read. *OUT gets a
 * new map. MIG_OK, MIG_ENOMEM, MIG_EINVALID (no such run), or the
 * store's error. */
mig_status_t analytics_run(store_t *s, int64_t run, analytics_after_fn after,
                           analytics_limit_fn limit, void *data, val_t **out);

/* ---- the HTML report (html.c) -------------------------------------------- */

/* Whether this mig was built with its charting library (npm was there
 * at build time); without it analytics_html fails. */
bool analytics_html_available(void);
/* Appends to OUT one self-contained HTML page (docs/analytics.md, "The
 * HTML report"): STATS (analytics_stats's map with "filter", or NULL)
 * drawn as charts, and RUN (analytics_run's map, or NULL) as a flame
 * graph and charts. The page holds its data as JSON (every '<', '>' and
 * '&' escaped, so no text of the data can end its script), Chart.js and
 * its own script and style: nothing is fetched when it is viewed.
 * MIG_OK; MIG_EINVALID when built without charts; MIG_ENOMEM (OUT's
 * oom). */
mig_status_t analytics_html(const val_t *stats, const val_t *run,
                            strbuf_t *out);

/* ---- recommendations (advise.c, advise_facts.c) ------------------------ */

/* The thresholds of the rules of `mig advise` (docs/analytics.md,
 * "mig advise"). */
/* parallel down: at least this share, in percent, of a foreach's calls
 * answered 429 (and at least one); the level suggested is half the
 * concurrency reached, at least 1. */
#define ANALYTICS_ADVISE_429_PCT 1
/* parallel up: no 429, the bound reached, items taking at least this
 * long (p50); the level suggested is twice the bound, at most
 * ANALYTICS_ADVISE_PARALLEL_MAX. */
#define ANALYTICS_ADVISE_SLOW_MS 100
#define ANALYTICS_ADVISE_PARALLEL_MAX 256
/* retry: a class that failed steps at least this often with no retry
 * gets one (when it is a Transient); retries of a class that succeeded
 * in less than ANALYTICS_ADVISE_RETRY_LOW_PCT percent of at least
 * ANALYTICS_ADVISE_MIN_EVIDENCE sequences are better dropped; a
 * recovery handler that succeeds in less than that share of at least
 * that many recoveries is named. */
#define ANALYTICS_ADVISE_MIN_EVIDENCE 3
#define ANALYTICS_ADVISE_RETRY_LOW_PCT 20
/* migrate first: at most this many tools, those with dependents. */
#define ANALYTICS_ADVISE_FIRST_MAX 5

/* The figures the rules rest on, gathered from the runs of the plan at
 * PLAN_PATH (absolute, as runs record it) in S: a new map {runs,
 * foreach: [{node, runs, items, item_p50_ms, calls, status_429,
 * reached, allowed}], classes: [{class, transient, failures, retried,
 * retried_ok}], recoveries (as analytics_stats gives them), stages:
 * [{stage, runs, failed, checkpoint}], dependencies: [{tool,
 * dependents}], missing_dependency}. G (NULL: not known) is the plan's
 * graph, for its checkpoints and its error classes; AFTER, LIMIT and
 * DATA as for analytics_run. MIG_OK, MIG_ENOMEM, or the store's
 * error. */
mig_status_t analytics_advise_facts(store_t *s, const char *plan_path,
                                    const graph_t *g, analytics_after_fn after,
                                    analytics_limit_fn limit, void *data,
                                    val_t **out);
/* The suggestions FACTS (the map above) support, into *OUT: a new list
 * of {rule, target, suggestion, evidence, figures}, in the order of the
 * rules (parallel, retry, recover, first, checkpoint). Pure; nothing is
 * applied. MIG_OK or MIG_ENOMEM. */
mig_status_t analytics_advise(const val_t *facts, val_t **out);

#endif
