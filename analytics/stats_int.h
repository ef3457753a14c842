/* stats_int.h: what the files of `mig stats` share inside the analytics
 * layer: named groups of durations and counts, and small helpers that
 * build the values the CLI prints. Not part of the layer's API. */
#ifndef MIG_STATS_INT_H
#define MIG_STATS_INT_H

#include "analytics.h"

/* A named group: durations (ms) for percentiles, and counters whose
 * meaning the user of the group gives (records, migrated, ...). */
#define AN_COUNTERS 6
typedef struct an_group {
    char *name;
    int64_t *v;
    size_t n, cap;
    int64_t c[AN_COUNTERS];
} an_group_t;

typedef struct an_groups {
    an_group_t *g;
    size_t n, cap;
} an_groups_t;

/* Makes room in the array *P (of *CAP items of SIZE bytes, N used) for
 * one more, doubling it; false when out of memory (*P unchanged). */
bool an_grow(void **p, size_t *cap, size_t n, size_t size);

/* The group NAME of GS, added (empty) when missing; NULL when out of
 * memory. */
an_group_t *an_group(an_groups_t *gs, const char *name);
/* Appends duration MS to G; false when out of memory. */
bool an_group_add(an_group_t *g, int64_t ms);
void an_groups_free(an_groups_t *gs);
/* GS sorted by name, bytewise. */
void an_groups_sort(an_groups_t *gs);

/* Builds maps: every an_put* sets *OK false on failure (out of memory)
 * and does nothing once it is false; the value given is consumed. */
void an_put(val_t *m, const char *key, val_t *v, bool *ok);
void an_put_int(val_t *m, const char *key, int64_t n, bool *ok);
void an_put_str(val_t *m, const char *key, const char *s, bool *ok);
/* NUM / DEN rounded to 4 decimals, or null when DEN is 0. */
void an_put_share(val_t *m, const char *key, int64_t num, int64_t den,
                  bool *ok);
void an_push(val_t *list, val_t *v, bool *ok);

/* The list of the groups of GS, sorted by name, each a map {KEY: name,
 * count, p50_ms, p95_ms, max_ms, failed} (failed: counter 0). NULL when
 * out of memory. */
val_t *an_durations(an_groups_t *gs, const char *key);

/* Map M's string at KEY, or NULL. */
const char *an_str(const val_t *m, const char *key);
/* Map M's value at KEY, or NULL. */
val_t *an_get(const val_t *m, const char *key);
/* Map M's integer at KEY, or 0. */
int64_t an_int(const val_t *m, const char *key);

/* Whether item A is item B or inside it ("2/0" is inside "2"; every
 * item is inside ""). */
bool an_item_within(const char *a, const char *b);
/* The stage of node id NODE (its text before the first '/') into BUF. */
const char *an_stage_of(const char *node, char *buf, size_t size);

#endif
