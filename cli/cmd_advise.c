/* cmd_advise.c: `mig advise PLAN` (docs/analytics.md, "mig advise"):
 * suggestions for the plan backed by the history of its runs, each with
 * the figure it rests on. analytics_advise_facts gathers the figures,
 * analytics_advise applies the rules; nothing is changed. */
#define _DEFAULT_SOURCE     /* realpath */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analytics.h"
#include "cli.h"

/* The version of the JSON shape of `mig advise --json`. */
#define ADVISE_VERSION 1

static const char *str_at(const val_t *m, const char *key)
{
    const val_t *v = val_map_get(m, key, strlen(key));
    return v && val_type(v) == VAL_STRING ? val_get_str(v, NULL) : "?";
}

static mig_status_t print_text(const char *plan, int64_t runs,
                               const val_t *list)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "%s: %" PRId64 " run%s in the history", plan, runs,
                  runs == 1 ? "" : "s");
    if (!val_len(list))
        strbuf_puts(&b, runs ? "; nothing to suggest: no rule's threshold "
                               "is met (docs/analytics.md)\n"
                             : ": nothing to learn from yet\n");
    else
        strbuf_printf(&b, "; %zu suggestion%s (none is applied):\n",
                      val_len(list), val_len(list) == 1 ? "" : "s");
    for (size_t i = 0; i < val_len(list); i++) {
        const val_t *s = val_list_get(list, i);
        strbuf_printf(&b, "\n%zu. [%s] %s\n   suggest: ", i + 1,
                      str_at(s, "rule"), str_at(s, "target"));
        /* the texts hold tool and class names: control characters out */
        for (const char *p = str_at(s, "suggestion"); *p; p++)
            strbuf_putc(&b, (unsigned char)*p < 0x20 ? ' ' : *p);
        strbuf_puts(&b, "\n   because: ");
        for (const char *p = str_at(s, "evidence"); *p; p++)
            strbuf_putc(&b, (unsigned char)*p < 0x20 ? ' ' : *p);
        strbuf_putc(&b, '\n');
    }
    return cli_print_buf(&b);
}

static mig_status_t print_json(const char *real, const val_t *facts,
                               const val_t *list)
{
    val_t *m = val_map_new(5);
    const val_t *runs = val_map_get(facts, "runs", 4);
    bool ok = m && runs
              && val_map_set_take(m, "advise", 6, val_int(ADVISE_VERSION))
                     == MIG_OK
              && val_map_set_take(m, "plan", 4, cli_json_text(real)) == MIG_OK
              && val_map_set(m, "runs", 4, (val_t *)runs) == MIG_OK
              && val_map_set(m, "suggestions", 11, (val_t *)list) == MIG_OK
              && val_map_set(m, "facts", 5, (val_t *)facts) == MIG_OK;
    mig_status_t st = ok ? cli_print_json(m, true) : MIG_ENOMEM;
    val_unref(m);
    return st;
}

int cmd_advise(const cli_cmd_t *cmd, const cli_args_t *args)
{
    const char *plan = args->operands[0];
    cli_plan_t p;
    int rc = cli_load_plan(plan, CLI_LOAD_CHECK | CLI_LOAD_GRAPH, &p);
    char real[PATH_MAX];
    if (rc == EXIT_CLEAN && !realpath(plan, real)) {
        fprintf(stderr, "mig advise: error: cannot read '%s'\n", plan);
        rc = EXIT_USAGE;
    }
    if (rc != EXIT_CLEAN) {
        cli_plan_free(&p);
        return rc;
    }
    /* mig.yaml's state folder, as for run. */
    config_settings_t set = { 0 };
    if (config_effective(p.config, NULL, &set, NULL) != MIG_OK)
        set.state_dir = NULL;
    strbuf_t state;
    cli_state_beside(cmd, args, plan, set.state_dir, &state);
    config_settings_clear(&set);
    diag_list_t diags;
    diag_list_init(&diags);
    store_t *s = NULL;
    struct stat sb;
    if (state.oom) {
        diag_add(&diags, DIAG_ERROR, NULL, NULL, "out of memory");
        rc = EXIT_USAGE;
    } else if (stat(state.data, &sb) != 0) {
        diag_t *d = diag_add(&diags, DIAG_ERROR, NULL, NULL, "no state store "
                             "at '%s': %s has no runs to learn from",
                             state.data, plan);
        diag_hint(&diags, d, "advice rests on the history: `mig run %s` "
                  "first, or --state PATH names the store", plan);
        rc = EXIT_STORE;
    } else {
        mig_status_t st = store_open(state.data, STORE_READONLY, &diags, &s);
        rc = st == MIG_OK ? EXIT_CLEAN : st == MIG_ENOMEM ? EXIT_USAGE
                                                          : EXIT_STORE;
    }
    strbuf_free(&state);
    stats_plan_t sp = { .g = p.graph };
    stats_plan_index(&sp);
    val_t *facts = NULL, *list = NULL;
    mig_status_t st = MIG_OK;
    if (rc == EXIT_CLEAN) {
        /* the bounds as written: a number, or 1 without `parallel`; a
         * bound set by a parameter is not known here */
        st = analytics_advise_facts(s, real, p.graph,
                                    sp.g ? stats_plan_after : NULL,
                                    sp.g ? stats_plan_limit : NULL, &sp,
                                    &facts);
        if (st == MIG_OK)
            st = analytics_advise(facts, &list);
        if (st == MIG_OK && cli_value(cmd, args, "json"))
            st = print_json(real, facts, list);
        else if (st == MIG_OK) {
            const val_t *runs = val_map_get(facts, "runs", 4);
            st = print_text(plan, runs ? val_get_int(runs) : 0, list);
        }
    }
    val_unref(facts);
    val_unref(list);
    stats_plan_free(&sp);
    cli_plan_free(&p);
    return rc == EXIT_CLEAN ? cli_finish_status(s, &diags, st)
                            : cli_finish_store(s, &diags, rc);
}
