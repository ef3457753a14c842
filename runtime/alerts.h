/* alerts.h: mig.yaml's alerts (docs/alerts.md) as a run goes: the
 * engine watches the run's events and clock and says when a condition
 * holds (failure_rate and recovery_share over their windows, slow_run
 * against the plan's history, breaker_open longer than its span,
 * rollback_mismatch), at most once per condition (per breaker) per
 * window. What a firing does (the payload, its delivery, the journal) is
 * the caller's: run.c. The clock is the caller's, so tests drive it. */
#ifndef MIG_ALERTS_H
#define MIG_ALERTS_H

#include "runtime.h"

typedef struct alerts alerts_t;

/* Called for each firing: CONDITION ("failure_rate", ...) and DETAIL (a
 * new map, taken: value, threshold, and window_ms, breaker or
 * history_ms as the condition has them). */
typedef void (*alerts_fire_fn)(void *data, const char *condition,
                               val_t *detail);

/* An engine for the thresholds CFG (borrowed) of a run that started at
 * START_MS; HISTORY_MS is the median duration of the plan's earlier
 * successful runs (0: none, slow_run never fires). NULL when out of
 * memory. */
alerts_t *alerts_new(const config_alerts_t *cfg, int64_t start_ms,
                     int64_t history_ms, alerts_fire_fn fire, void *data);
void alerts_free(alerts_t *a);
/* An event of the run (its KIND and DETAIL, docs/state.md) at NOW. */
void alerts_event(alerts_t *a, const char *kind, const val_t *detail,
                  int64_t now);
/* The clock at NOW: slow_run and breaker_open are checked. */
void alerts_tick(alerts_t *a, int64_t now);
/* The run ends at NOW: recovery_share is checked once more. */
void alerts_end(alerts_t *a, int64_t now);
/* The median of the N durations MS (sorted in place); 0 for none. */
int64_t alerts_median(int64_t *ms, size_t n);

#endif
