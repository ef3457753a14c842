/* breaker.h: circuit breakers (docs/runtime.md, "Circuit breakers"). A
 * plan's `breaker "TARGET" { ... }` items become rules; each action (or
 * namespace) a rule covers gets one breaker, or one per value of the
 * argument the rule names with `per` (one per endpoint, say). A breaker
 * opens after FAILURES failures within WINDOW, makes calls fail at once
 * while open, lets one probe through after COOLDOWN (half-open), and
 * closes when the probe succeeds. The scheduler asks before each call and
 * reports each outcome; the clock is the caller's, so tests drive it. */
#ifndef MIG_BREAKER_H
#define MIG_BREAKER_H

#include "runtime.h"

#define BREAKER_STATES(X)                                                     \
    X(CLOSED, "closed")                                                      \
    X(OPEN, "open")                                                          \
    X(HALF_OPEN, "half-open")

typedef enum breaker_state {
#define BREAKER_STATE_ENUM(e, s) BREAKER_##e,
    BREAKER_STATES(BREAKER_STATE_ENUM)
#undef BREAKER_STATE_ENUM
} breaker_state_t;

const char *breaker_state_name(breaker_state_t s);

typedef struct breakers breakers_t;
typedef struct breaker breaker_t;

/* An empty set of rules; NULL when out of memory. */
breakers_t *breakers_new(void);
void breakers_free(breakers_t *b);
/* The target of the default rule (mig.yaml's `breaker`): every action no
 * other rule covers, one breaker per action (per target, for an action
 * that names its targets). */
#define BREAKER_ANY "*"

/* Adds the rule for TARGET (an action name, "ns.*" or BREAKER_ANY): FAILURES >= 1
 * within WINDOW_MS open it, COOLDOWN_MS later one probe is let through;
 * PER (NULL: none) names the argument whose value keeps breakers apart.
 * Strings are copied. MIG_OK or MIG_ENOMEM. */
mig_status_t breakers_add(breakers_t *b, const char *target, uint32_t failures,
                          int64_t window_ms, int64_t cooldown_ms,
                          const char *per);
/* Adds a rule from each map {target, failures, window_ms, cooldown_ms,
 * per} of the list CONFIGS (interpreter.h, breaker_configs). */
mig_status_t breakers_add_all(breakers_t *b, const val_t *configs);

/* The breaker for a call of ACTION with the bound arguments ARGS: the
 * rule for ACTION itself, else for its namespace, else BREAKER_ANY's;
 * made on first use.
 * TARGET_OF (NULL: none) is the action's row's (interpreter.h): under a
 * rule without `per`, one breaker per target it names; `per: "action"`
 * (BREAKER_PER_ACTION) keeps one for the action all the same. NULL when
 * no rule covers ACTION (or out of memory: *OOM set). */
breaker_t *breakers_find(breakers_t *b, const char *action, const val_t *args,
                         action_target_fn target_of, bool *oom);

/* Whether a call may go through at NOW (ms). While open and before the
 * cooldown has passed: no. Once it has: the breaker turns half-open and
 * this call is the probe; while a probe is out, the others are refused.
 * Returns the decision; *TO gets the state the breaker moved to, or -1. */
bool breaker_allow(breaker_t *k, int64_t now, int *to);
/* The outcome of a call breaker_allow let through: FAILED counts against
 * it (the caller decides which errors count: docs/runtime.md). *TO as
 * for breaker_allow. */
void breaker_record(breaker_t *k, bool failed, int64_t now, int *to);

breaker_state_t breaker_state(const breaker_t *k);
/* "registry.put" or "registry.put db=main": for messages and events. */
const char *breaker_name(const breaker_t *k);
/* When an open breaker lets a probe through (ms). */
int64_t breaker_open_until(const breaker_t *k);

#endif
