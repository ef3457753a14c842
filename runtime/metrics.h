/* metrics.h: a state store's metrics in the Prometheus text exposition
 * format 0.0.4 (docs/metrics.md): what `mig metrics` prints and `mig
 * serve` answers at GET /metrics. Every family has its HELP and TYPE
 * lines; label values are escaped as the format says. */
#ifndef MIG_METRICS_H
#define MIG_METRICS_H

#include "store.h"

/* The buckets (seconds) of mig_rollback_duration_seconds. */
#define METRICS_ROLLBACK_BUCKETS 9
extern const double metrics_rollback_bounds_s[METRICS_ROLLBACK_BUCKETS];

/* Appends the metrics of S to OUT: its runs, steps, retries, recoveries,
 * breakers, rollbacks, and the gauges its running runs wrote (items in
 * flight, queue depth, journal commit latency). Reads only. MIG_OK,
 * MIG_ENOMEM, or the store's failure (in its diagnostics). */
mig_status_t metrics_render(store_t *s, strbuf_t *out);

/* The format's pieces, for what a live process adds of its own (the
 * server's requests): a family's HELP and TYPE lines (TYPE "counter",
 * "gauge", "histogram"); a sample NAME{LABELS} VALUE, LABELS N pairs of
 * name and value (values escaped here). */
void metrics_family(strbuf_t *out, const char *name, const char *type,
                    const char *help);
void metrics_sample(strbuf_t *out, const char *name,
                    const char *const *labels, size_t n, double value);
/* Appends TEXT escaped as a label value (backslash, double quote and
 * line feed), or as HELP text (HELP: backslash and line feed only). */
void metrics_escape(strbuf_t *out, const char *text, bool help);

#endif
