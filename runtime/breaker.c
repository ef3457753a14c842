/* breaker.c: circuit breakers (breaker.h). Each breaker keeps the times of
 * its last FAILURES failures in a ring: when the oldest of them is within
 * WINDOW of the newest, the breaker opens. */
#include <stdlib.h>
#include <string.h>

#include "breaker.h"

typedef struct rule {
    char *target;               /* "registry.put" or "file.*" */
    uint32_t failures;
    int64_t window_ms, cooldown_ms;
    char *per;                  /* or NULL */
} rule_t;

struct breaker {
    const rule_t *rule;
    char *name;                 /* target, and the key when per */
    breaker_state_t state;
    int64_t *fails;             /* ring of the last FAILURES failure times */
    uint32_t n_fails, next;
    int64_t open_until;
    bool probing;               /* half-open: the probe is out */
    breaker_t *link;            /* the next breaker of the set */
};

struct breakers {
    rule_t *rules;
    size_t n_rules, cap_rules;
    breaker_t *all;
};

const char *breaker_state_name(breaker_state_t s)
{
    static const char *const names[] = {
#define BREAKER_STATE_NAME(e, n) n,
        BREAKER_STATES(BREAKER_STATE_NAME)
#undef BREAKER_STATE_NAME
    };
    return names[s];
}

breakers_t *breakers_new(void)
{
    return calloc(1, sizeof(breakers_t));
}

void breakers_free(breakers_t *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n_rules; i++) {
        free(b->rules[i].target);
        free(b->rules[i].per);
    }
    free(b->rules);
    for (breaker_t *k = b->all, *next; k; k = next) {
        next = k->link;
        free(k->name);
        free(k->fails);
        free(k);
    }
    free(b);
}

mig_status_t breakers_add(breakers_t *b, const char *target, uint32_t failures,
                          int64_t window_ms, int64_t cooldown_ms,
                          const char *per)
{
    if (b->n_rules == b->cap_rules) {
        size_t cap = b->cap_rules ? b->cap_rules * 2 : 4;
        rule_t *r = realloc(b->rules, cap * sizeof(*r));
        if (!r)
            return MIG_ENOMEM;
        b->rules = r;
        b->cap_rules = cap;
    }
    rule_t *r = &b->rules[b->n_rules];
    *r = (rule_t){ .target = strdup(target),
                   .failures = failures ? failures : 1,
                   .window_ms = window_ms, .cooldown_ms = cooldown_ms,
                   .per = per ? strdup(per) : NULL };
    if (!r->target || (per && !r->per)) {
        free(r->target);
        free(r->per);
        return MIG_ENOMEM;
    }
    b->n_rules++;
    return MIG_OK;
}

mig_status_t breakers_add_all(breakers_t *b, const val_t *configs)
{
    for (size_t i = 0; i < val_len(configs); i++) {
        const val_t *c = val_list_get(configs, i);
        val_t *per = val_map_get(c, "per", 3);
        mig_status_t st = breakers_add(
            b, val_get_str(val_map_get(c, "target", 6), NULL),
            (uint32_t)val_get_int(val_map_get(c, "failures", 8)),
            val_get_int(val_map_get(c, "window_ms", 9)),
            val_get_int(val_map_get(c, "cooldown_ms", 11)),
            per && val_type(per) == VAL_STRING ? val_get_str(per, NULL)
                                               : NULL);
        if (st != MIG_OK)
            return st;
    }
    return MIG_OK;
}

/* The rule for ACTION: its own, else its namespace's ("ns.*"), else the
 * default (BREAKER_ANY). */
static const rule_t *rule_for(const breakers_t *b, const char *action)
{
    const char *dot = strchr(action, '.');
    size_t ns = dot ? (size_t)(dot - action) : strlen(action);
    const rule_t *wide = NULL, *any = NULL;
    for (size_t i = 0; i < b->n_rules; i++) {
        const char *t = b->rules[i].target;
        if (strcmp(t, action) == 0)
            return &b->rules[i];
        if (!wide && strncmp(t, action, ns) == 0 && strcmp(t + ns, ".*") == 0)
            wide = &b->rules[i];
        if (!any && strcmp(t, BREAKER_ANY) == 0)
            any = &b->rules[i];
    }
    return wide ? wide : any;
}

breaker_t *breakers_find(breakers_t *b, const char *action, const val_t *args,
                         action_target_fn target_of, bool *oom)
{
    const rule_t *r = b ? rule_for(b, action) : NULL;
    if (!r)
        return NULL;
    /* The breaker's name: the target, and the key under `per`. */
    strbuf_t name;
    strbuf_init(&name);
    /* The default rule keeps one breaker per action. */
    strbuf_puts(&name, strcmp(r->target, BREAKER_ANY) == 0 ? action
                                                          : r->target);
    bool whole = r->per && strcmp(r->per, BREAKER_PER_ACTION) == 0;
    val_t *key = r->per && !whole && args
        ? val_map_get(args, r->per, strlen(r->per)) : NULL;
    if (!r->per && target_of && args) {
        strbuf_putc(&name, ' ');
        if (target_of(args, &name) != MIG_OK)
            name.oom = true;
    } else if (r->per && !whole) {
        strbuf_printf(&name, " %s=", r->per);
        if (key)
            eval_to_text(key, &name);
    }
    breaker_t *k = NULL;
    for (breaker_t *x = b->all; !name.oom && x; x = x->link)
        if (x->rule == r && strcmp(x->name, name.data) == 0)
            k = x;
    if (!k && !name.oom && (k = calloc(1, sizeof(*k)))) {
        k->rule = r;
        k->name = strdup(name.data);
        k->fails = calloc(r->failures, sizeof(*k->fails));
        if (!k->name || !k->fails) {
            free(k->name);
            free(k->fails);
            free(k);
            k = NULL;
        } else {
            k->link = b->all;
            b->all = k;
        }
    }
    if (!k)
        *oom = true;
    strbuf_free(&name);
    return k;
}

static void move_to(breaker_t *k, breaker_state_t s, int *to)
{
    if (k->state != s) {
        k->state = s;
        *to = (int)s;
    }
}

bool breaker_allow(breaker_t *k, int64_t now, int *to)
{
    *to = -1;
    switch (k->state) {
    case BREAKER_CLOSED:
        return true;
    case BREAKER_OPEN:
        if (now < k->open_until)
            return false;
        move_to(k, BREAKER_HALF_OPEN, to);
        k->probing = true;
        return true;
    case BREAKER_HALF_OPEN:
        if (k->probing)
            return false;
        k->probing = true;      /* a probe that never reported: another */
        return true;
    }
    return true;
}

static void open_now(breaker_t *k, int64_t now, int *to)
{
    k->open_until = now + k->rule->cooldown_ms;
    k->probing = false;
    move_to(k, BREAKER_OPEN, to);
}

void breaker_record(breaker_t *k, bool failed, int64_t now, int *to)
{
    *to = -1;
    if (k->state == BREAKER_HALF_OPEN) {
        k->probing = false;
        if (failed) {
            open_now(k, now, to);
        } else {
            k->n_fails = k->next = 0;
            move_to(k, BREAKER_CLOSED, to);
        }
        return;
    }
    if (!failed || k->state == BREAKER_OPEN)
        return;
    uint32_t n = k->rule->failures;
    k->fails[k->next] = now;
    k->next = (k->next + 1) % n;
    if (k->n_fails < n)
        k->n_fails++;
    /* The oldest of the last N failures, when there are N. */
    if (k->n_fails == n && now - k->fails[k->next] <= k->rule->window_ms) {
        k->n_fails = k->next = 0;
        open_now(k, now, to);
    }
}

breaker_state_t breaker_state(const breaker_t *k) { return k->state; }
const char *breaker_name(const breaker_t *k) { return k->name; }
int64_t breaker_open_until(const breaker_t *k) { return k->open_until; }
