/* faults.c: fault injection (runtime.h, "fault injection"; docs/runtime.md,
 * "Fault injection"). `mig run --inject` and `--inject-rate` are read here
 * into rules; the scheduler asks faults_hit before every action call and,
 * when a rule says so, fails the call with the rule's class instead of
 * running it. Nothing here knows the scheduler: a call is an action name
 * and a node id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

#define FAULT_SUGGEST_MAX 64    /* longer class names get no suggestion */

/* One --inject rule. LEFT counts down the calls still to fail; a rule
 * without COUNT never runs out. */
typedef struct fault_rule {
    char *text;                 /* the spec as given: the "why" */
    char *target;               /* action, "ns.*" or node id */
    char *cls;
    bool limited;
    uint64_t left;
} fault_rule_t;

/* One --inject-rate: calls whose draw falls in [FROM, FROM + SHARE) fail
 * with CLS; the rates' ranges follow each other, so that one draw per
 * call decides among all of them. */
typedef struct fault_rate {
    double from, share;
    char *cls;
    char *text;                 /* "--inject-rate SHARE[:CLASS]" */
} fault_rate_t;

struct faults {
    fault_rule_t *rules;
    size_t n;
    fault_rate_t *rates;
    size_t n_rates;
    uint64_t seed;              /* the run's: draws per call (draw.c) */
    val_t *calls;               /* call name -> its generator's state */
};

/* ---- classes ------------------------------------------------------------- */

/* What a class name is checked against: the built-in classes and the
 * plan's own. */
typedef struct class_set {
    const char *const *plan;
    size_t n_plan;
} class_set_t;

static bool class_known(const class_set_t *cs, const char *name)
{
    if (error_class_find(name) != ERROR_NONE)
        return true;
    for (size_t i = 0; i < cs->n_plan; i++)
        if (strcmp(cs->plan[i], name) == 0)
            return true;
    return false;
}

/* Keeps CAND in *BEST when it is a likelier typo of NAME than the best so
 * far: at most two edits, and few for the length of the name (the rule
 * the interpreter's "did you mean" follows). */
static void consider(const char *name, const char *cand, const char **best,
                     size_t *best_d)
{
    size_t ln = strlen(name), lc = strlen(cand);
    if (ln > FAULT_SUGGEST_MAX || lc > FAULT_SUGGEST_MAX)
        return;
    size_t d = diag_distance(name, ln, cand, lc);
    if (d <= 2 && d * 3 <= ln + 2 && d < *best_d) {
        *best = cand;
        *best_d = d;
    }
}

/* The known class closest to NAME, or NULL when none is close. */
static const char *class_suggest(const class_set_t *cs, const char *name)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (int c = 0; c < ERROR_CLASS_COUNT; c++)
        consider(name, error_class_name((error_class_t)c), &best, &best_d);
    for (size_t i = 0; i < cs->n_plan; i++)
        consider(name, cs->plan[i], &best, &best_d);
    return best;
}

/* Reports the unknown class CLS of option OPT's value TEXT, with the
 * closest known class, or the list of them. */
static void unknown_class(const class_set_t *cs, const char *opt,
                          const char *text, const char *cls,
                          diag_list_t *diags)
{
    diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL,
                         "%s '%s': unknown error class '%s'", opt, text, cls);
    const char *best = class_suggest(cs, cls);
    if (best) {
        diag_hint(diags, d, "did you mean '%s'?", best);
        return;
    }
    strbuf_t b;
    strbuf_init(&b);
    for (int c = 0; c < ERROR_CLASS_COUNT; c++)
        strbuf_printf(&b, "%s%s", c ? ", " : "",
                      error_class_name((error_class_t)c));
    for (size_t i = 0; i < cs->n_plan; i++)
        strbuf_printf(&b, "%s%s", i ? ", " : "; the plan's: ", cs->plan[i]);
    if (!b.oom)
        diag_hint(diags, d, "the classes are %s", b.data);
    strbuf_free(&b);
}

/* ---- reading the options ------------------------------------------------- */

/* Reads COUNT: a whole number, 1 or more, in digits only. */
static bool read_count(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return v >= 1;
}

/* Reads SHARE: digits with at most one '.', from 0 to 1 ("0.25", "1",
 * ".5"). No signs, exponents, "nan" or hex, which strtod would take. */
static bool read_share(const char *s, double *out)
{
    size_t digits = 0, dots = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.')
            dots++;
        else if (*p >= '0' && *p <= '9')
            digits++;
        else
            return false;
    }
    if (!digits || dots > 1)
        return false;
    double v = strtod(s, NULL);
    *out = v;
    return v >= 0.0 && v <= 1.0;
}

/* Splits a copy of TEXT at ':' into at most MAX parts (*N of them, in
 * PARTS, pointing into the copy returned; NULL when out of memory). */
static char *split(const char *text, char **parts, size_t max, size_t *n)
{
    char *copy = strdup(text);
    if (!copy)
        return NULL;
    *n = 0;
    for (char *p = copy;;) {
        char *colon = strchr(p, ':');
        if (*n < max)
            parts[*n] = p;
        (*n)++;
        if (!colon)
            break;
        *colon = '\0';
        p = colon + 1;
    }
    return copy;
}

/* Reads the --inject spec TEXT into R. MIG_EINVALID (reported),
 * MIG_ENOMEM, or MIG_OK. */
static mig_status_t read_rule(const class_set_t *cs, const char *text,
                              fault_rule_t *r, diag_list_t *diags)
{
    char *parts[3];
    size_t n;
    char *copy = split(text, parts, 3, &n);
    if (!copy)
        return MIG_ENOMEM;
    mig_status_t st = MIG_OK;
    if (n < 2 || n > 3 || !*parts[0] || !*parts[1]) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "--inject '%s': "
                             "expected TARGET:CLASS[:COUNT]", text);
        diag_hint(diags, d, "TARGET is an action (file.write), a namespace "
                  "(file.*) or a node id (migrate/foreach.tool/put): "
                  "--inject 'file.write:Unavailable:2'");
        st = MIG_EINVALID;
    } else {
        if (!class_known(cs, parts[1])) {
            unknown_class(cs, "--inject", text, parts[1], diags);
            st = MIG_EINVALID;
        }
        if (n == 3 && !read_count(parts[2], &r->left)) {
            diag_add(diags, DIAG_ERROR, NULL, NULL, "--inject '%s': COUNT "
                     "must be a whole number of calls, 1 or more, not '%s'",
                     text, parts[2]);
            st = MIG_EINVALID;
        }
    }
    if (st == MIG_OK) {
        r->limited = n == 3;
        r->text = strdup(text);
        r->target = strdup(parts[0]);
        r->cls = strdup(parts[1]);
        if (!r->text || !r->target || !r->cls)
            st = MIG_ENOMEM;
    }
    free(copy);
    return st;
}

/* Reads the --inject-rate value TEXT into R. Returns like read_rule. */
static mig_status_t read_rate(const class_set_t *cs, const char *text,
                              fault_rate_t *r, diag_list_t *diags)
{
    char *parts[2];
    size_t n;
    char *copy = split(text, parts, 2, &n);
    if (!copy)
        return MIG_ENOMEM;
    mig_status_t st = MIG_OK;
    const char *cls = n == 2 ? parts[1] : "Transient";
    if (n > 2 || !*cls) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "--inject-rate "
                             "'%s': expected SHARE[:CLASS]", text);
        diag_hint(diags, d, "--inject-rate 0.1 fails one call in ten with "
                  "Transient; --inject-rate 0.1:Timeout with Timeout");
        st = MIG_EINVALID;
    } else {
        if (!read_share(parts[0], &r->share)) {
            diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL,
                                 "--inject-rate '%s': SHARE must be a number "
                                 "from 0 to 1, not '%s'", text, parts[0]);
            diag_hint(diags, d, "0.1 fails one call in ten, 1 every call");
            st = MIG_EINVALID;
        }
        if (!class_known(cs, cls)) {
            unknown_class(cs, "--inject-rate", text, cls, diags);
            st = MIG_EINVALID;
        }
    }
    if (st == MIG_OK) {
        r->cls = strdup(cls);
        size_t len = strlen("--inject-rate ") + strlen(text) + 1;
        if ((r->text = malloc(len)))
            snprintf(r->text, len, "--inject-rate %s", text);
        if (!r->cls || !r->text)
            st = MIG_ENOMEM;
    }
    free(copy);
    return st;
}

mig_status_t faults_new(const char *const *specs, size_t n,
                        const char *const *rates, size_t n_rates,
                        uint64_t seed, const char *const *plan_classes,
                        size_t n_classes, diag_list_t *diags, faults_t **out)
{
    *out = NULL;
    faults_t *f = calloc(1, sizeof(*f));
    if (!f || (n && !(f->rules = calloc(n, sizeof(*f->rules))))
        || (n_rates && !(f->rates = calloc(n_rates, sizeof(*f->rates))))) {
        if (f)
            free(f->rules);
        free(f);
        return MIG_ENOMEM;
    }
    f->seed = seed;
    if (!(f->calls = val_map_new(0))) {
        free(f->rules);
        free(f->rates);
        free(f);
        return MIG_ENOMEM;
    }
    const class_set_t cs = { plan_classes, n_classes };
    mig_status_t st = MIG_OK;
    /* Every spec is read, so that one run of mig reports every mistake. */
    for (size_t i = 0; i < n && st != MIG_ENOMEM; i++) {
        mig_status_t s = read_rule(&cs, specs[i], &f->rules[f->n], diags);
        f->n++;                 /* freed by faults_free even when half made */
        if (s != MIG_OK)
            st = s;
    }
    double from = 0;
    for (size_t i = 0; i < n_rates && st != MIG_ENOMEM; i++) {
        fault_rate_t *r = &f->rates[f->n_rates++];
        mig_status_t s = read_rate(&cs, rates[i], r, diags);
        if (s != MIG_OK)
            st = s;
        r->from = from;
        from += r->share;
    }
    if (st == MIG_OK && from > 1.0 + 1e-9) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "--inject-rate: "
                             "the shares add up to %g, more than every call",
                             from);
        diag_hint(diags, d, "each call fails at most once: the shares of "
                  "all --inject-rate options must add up to 1 or less");
        st = MIG_EINVALID;
    }
    if (st != MIG_OK) {
        faults_free(f);
        return st;
    }
    *out = f;
    return MIG_OK;
}

void faults_free(faults_t *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->rules[i].text);
        free(f->rules[i].target);
        free(f->rules[i].cls);
    }
    free(f->rules);
    for (size_t i = 0; i < f->n_rates; i++) {
        free(f->rates[i].cls);
        free(f->rates[i].text);
    }
    free(f->rates);
    val_unref(f->calls);
    free(f);
}

/* ---- deciding ------------------------------------------------------------ */

/* Whether rule R's target names the call of ACTION by NODE (NULL for a
 * call made in an expression: it has no node of its own). */
static bool rule_matches(const fault_rule_t *r, const char *action,
                         const char *node)
{
    if (strcmp(r->target, action) == 0
        || (node && strcmp(r->target, node) == 0))
        return true;
    size_t len = strlen(r->target);
    /* "file.*": the actions whose names start with "file." */
    return len >= 2 && strcmp(r->target + len - 2, ".*") == 0
        && strncmp(action, r->target, len - 1) == 0;
}

bool faults_hit(faults_t *f, const char *action, const char *node,
                const char *call, const char **cls, const char **why)
{
    if (!f)
        return false;
    /* The rate draws for every call, hit by a rule or not: the n-th call
     * named CALL takes the n-th number of CALL's generator, so which calls
     * fail depends only on the seed, never on the order parallel items
     * ran in. */
    const fault_rate_t *rate_hit = NULL;
    if (f->n_rates) {
        size_t len = strlen(call);
        val_t *seen = val_map_get(f->calls, call, len);
        /* The state is kept as hex text: a number holds 53 bits only. */
        uint64_t state = seen ? strtoull(val_get_str(seen, NULL), NULL, 16)
                              : draw_state(f->seed, call);
        double u = draw_unit(&state);
        char hex[17];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)state);
        /* Out of memory the state is not kept: the draw was a fair one. */
        val_map_set_take(f->calls, call, len, val_cstring(hex));
        for (size_t i = 0; i < f->n_rates && !rate_hit; i++)
            if (u >= f->rates[i].from
                && u < f->rates[i].from + f->rates[i].share)
                rate_hit = &f->rates[i];
    }
    for (size_t i = 0; i < f->n; i++) {
        fault_rule_t *r = &f->rules[i];
        if ((r->limited && r->left == 0) || !rule_matches(r, action, node))
            continue;
        if (r->limited)
            r->left--;
        *cls = r->cls;
        *why = r->text;
        return true;
    }
    if (rate_hit) {
        *cls = rate_hit->cls;
        *why = rate_hit->text;
    }
    return rate_hit != NULL;
}
