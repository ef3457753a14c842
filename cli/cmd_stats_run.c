/* cmd_stats_run.c: `mig stats --run RUN` (docs/analytics.md, "One run"):
 * the plan the run recorded is read again, quietly, for what the journal
 * does not hold (which stages come after which, each foreach's parallel
 * bound); analytics_run finds the bottlenecks; this file prints them. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analytics.h"
#include "cli.h"

/* ---- the plan of the run, when it can still be read ------------------ */

void stats_plan_load(stats_plan_t *p, const store_run_t *r)
{
    *p = (stats_plan_t){ .params = r->params, .options = r->options };
    diag_list_t diags;
    diag_list_init(&diags);
    if (!r->plan_path || src_load(r->plan_path, &diags, &p->src) != MIG_OK
        || !(p->arena = arena_new())
        || grammar_parse(p->src, p->arena, &diags, &p->plan) != MIG_OK
        || graph_compile(p->plan, p->src, &diags, &p->g) != MIG_OK)
        p->g = NULL;
    diag_list_free(&diags);
    stats_plan_index(p);
}

void stats_plan_index(stats_plan_t *p)
{
    if (!p->g)
        return;
    /* which stage may wait for which: the closure of `after` */
    uint32_t n = graph_stage_count(p->g);
    p->n_stages = n;
    p->stages = calloc(n ? n : 1, sizeof *p->stages);
    p->reach = calloc(n ? (size_t)n * n : 1, sizeof *p->reach);
    if (!p->stages || !p->reach) {
        if (p->src)
            graph_free(p->g);
        p->g = NULL;
        return;
    }
    for (uint32_t k = 0; k < n; k++)
        p->stages[k] = graph_node_stage(p->g, graph_stage_at(p->g, k));
    for (uint32_t e = 0; e < graph_edge_count(p->g); e++) {
        graph_edge_t ed = graph_edge(p->g, e);
        if (ed.kind != GRAPH_EDGE_AFTER)
            continue;
        uint32_t a = graph_node_stage(p->g, ed.from);
        uint32_t b = graph_node_stage(p->g, ed.to);
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = 0; j < n; j++)
                if (p->stages[i] == a && p->stages[j] == b)
                    p->reach[i * n + j] = true;
    }
    for (uint32_t k = 0; k < n; k++)        /* Warshall */
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = 0; j < n; j++)
                p->reach[i * n + j] |= p->reach[i * n + k]
                                       && p->reach[k * n + j];
}

void stats_plan_free(stats_plan_t *p)
{
    if (p->src)
        graph_free(p->g);
    arena_free(p->arena);
    src_free(p->src);
    free(p->stages);
    free(p->reach);
}

/* The index of stage NAME among P's stages, or -1. */
static int stage_index(const stats_plan_t *p, const char *name)
{
    for (uint32_t k = 0; k < p->n_stages; k++) {
        const char *id = graph_node_id(p->g, p->stages[k]);
        size_t n = strcspn(id, "/");
        if (strlen(name) == n && strncmp(id, name, n) == 0)
            return (int)k;
    }
    return -1;
}

bool stats_plan_after(void *data, const char *a, const char *b)
{
    const stats_plan_t *p = data;
    int i = stage_index(p, a), j = stage_index(p, b);
    return i < 0 || j < 0 || p->reach[(size_t)i * p->n_stages + (size_t)j];
}

/* The setting KEY of the configuration the run recorded, or NULL. */
static const val_t *config_setting(const val_t *options, const char *key)
{
    const val_t *cfg = options && val_type(options) == VAL_MAP
                       ? val_map_get(options, "config", 6) : NULL;
    for (size_t i = 0; cfg && val_type(cfg) == VAL_LIST
                       && i < val_len(cfg); i++) {
        const val_t *row = val_list_get(cfg, i);
        const val_t *k = val_type(row) == VAL_MAP
                         ? val_map_get(row, "key", 3) : NULL;
        if (k && val_type(k) == VAL_STRING
            && strcmp(val_get_str(k, NULL), key) == 0)
            return val_map_get(row, "value", 5);
    }
    return NULL;
}

int64_t stats_plan_limit(void *data, const char *node)
{
    const stats_plan_t *p = data;
    uint32_t i = graph_find(p->g, node);
    if (i == GRAPH_NONE || graph_node_kind(p->g, i) != GRAPH_FANOUT)
        return -1;
    const ast_node_t *par = graph_node_ast(p->g, i)->u.foreach.parallel;
    int64_t limit = -1;
    if (!par)
        limit = 1;
    else if (par->kind == AST_NUMBER && par->u.number.is_integer)
        limit = (int64_t)par->u.number.value;
    else if (par->kind == AST_NAME && p->params
             && val_type(p->params) == VAL_MAP) {
        const val_t *v = val_map_get(p->params, par->u.name.name,
                                     strlen(par->u.name.name));
        limit = v && val_is_int(v) ? val_get_int(v) : -1;
    }
    const val_t *cap = config_setting(p->options, "concurrency");
    if (limit > 0 && cap && val_is_int(cap) && val_get_int(cap) > 0
        && val_get_int(cap) < limit)
        limit = val_get_int(cap);       /* mig.yaml's concurrency */
    return limit;
}

/* ---- the text --------------------------------------------------------- */


#define TABLE(b, rows, cols) \
    cli_put_table(b, rows, cols, sizeof(cols) / sizeof(*cols), 2)

static const cli_col_t path_cols[] = {
    { "at", "start_ms", CLI_COL_MS }, { "took", "duration_ms", CLI_COL_MS },
    { "waited", "wait_before_ms", CLI_COL_MS },
    { "retry waits", "retry_wait_ms", CLI_COL_MS },
    { "attempts", "attempts", CLI_COL_INT },
    { "step", "node", CLI_COL_TEXT }, { "item", "item", CLI_COL_TEXT },
    { "action", "action", CLI_COL_TEXT }, { "after", "link", CLI_COL_TEXT },
};

static const cli_col_t conc_cols[] = {
    { "foreach", "foreach", CLI_COL_TEXT }, { "items", "items", CLI_COL_INT },
    { "reached", "reached", CLI_COL_INT }, { "allowed", "allowed", CLI_COL_INT },
};

static const cli_col_t slow_cols[] = {
    { "action", "action", CLI_COL_TEXT }, { "count", "count", CLI_COL_INT },
    { "total", "total_ms", CLI_COL_MS }, { "p50", "p50_ms", CLI_COL_MS },
    { "p95", "p95_ms", CLI_COL_MS }, { "max", "max_ms", CLI_COL_MS },
    { "failed", "failed", CLI_COL_INT },
};

static const cli_col_t host_cols[] = {
    { "host", "host", CLI_COL_TEXT }, { "requests", "count", CLI_COL_INT },
    { "total", "total_ms", CLI_COL_MS }, { "p50", "p50_ms", CLI_COL_MS },
    { "p95", "p95_ms", CLI_COL_MS }, { "max", "max_ms", CLI_COL_MS },
    { "failed", "failed", CLI_COL_INT },
};

/* The most steps of the critical path the text shows. */
#define PATH_SHOWN 40

static int cmp_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x < y) - (x > y);
}

/* The steps of PATH worth showing: all of them up to PATH_SHOWN, else
 * the PATH_SHOWN that took and waited longest, in the path's order. A
 * new list; NULL when out of memory. */
static val_t *path_shown(const val_t *path)
{
    size_t n = val_len(path);
    if (n <= PATH_SHOWN)
        return val_ref((val_t *)path);
    int64_t *cost = malloc(n * sizeof *cost);
    val_t *l = val_list_new(PATH_SHOWN);
    if (!cost || !l) {
        free(cost);
        val_unref(l);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        cost[i] = cli_int_at(val_list_get(path, i), "duration_ms")
                  + cli_int_at(val_list_get(path, i), "wait_before_ms");
    qsort(cost, n, sizeof *cost, cmp_desc);
    int64_t floor_ms = cost[PATH_SHOWN - 1];
    size_t above = 0;       /* those above the floor all show */
    while (above < n && cost[above] > floor_ms)
        above++;
    size_t at_floor = PATH_SHOWN - above;
    free(cost);
    for (size_t i = 0; i < n && val_len(l) < PATH_SHOWN; i++) {
        const val_t *s = val_list_get(path, i);
        int64_t c = cli_int_at(s, "duration_ms")
                    + cli_int_at(s, "wait_before_ms");
        if (c < floor_ms || (c == floor_ms && at_floor == 0))
            continue;
        if (c == floor_ms)
            at_floor--;
        if (val_list_push(l, (val_t *)s) != MIG_OK) {
            val_unref(l);
            return NULL;
        }
    }
    return l;
}

static void put_ms(strbuf_t *b, const char *before, int64_t ms,
                   const char *after)
{
    strbuf_puts(b, before);
    cli_put_duration(b, ms);
    strbuf_puts(b, after);
}

void stats_put_run(strbuf_t *b, const val_t *v, bool plan_read)
{
    strbuf_printf(b, "Run %" PRId64 " of \"", cli_int_at(v, "run"));
    const val_t *plan = cli_at(v, "plan");
    strbuf_puts(b, plan && val_type(plan) == VAL_STRING
                   ? val_get_str(plan, NULL) : "?");
    strbuf_printf(b, "\": %s, ", val_get_str(cli_at(v, "state"), NULL));
    put_ms(b, "", cli_int_at(v, "wall_ms"), " wall time, ");
    strbuf_printf(b, "%" PRId64 " steps\n", cli_int_at(v, "steps"));
    const val_t *cp = cli_at(v, "critical_path");
    strbuf_printf(b, "\nCritical path: %zu step%s, ",
                  val_len(cli_at(cp, "steps")),
                  val_len(cli_at(cp, "steps")) == 1 ? "" : "s");
    put_ms(b, "", cli_int_at(cp, "work_ms"), " working, ");
    put_ms(b, "", cli_int_at(cp, "wait_ms"), " waiting between them, ");
    put_ms(b, "", cli_int_at(cp, "tail_ms"), " after the last\n");
    val_t *shown = path_shown(cli_at(cp, "steps"));
    if (!shown)
        b->oom = true;
    else if (val_len(shown))
        TABLE(b, shown, path_cols);
    if (shown && val_len(shown) < val_len(cli_at(cp, "steps")))
        strbuf_printf(b, "  (%zu steps that took and waited less are left "
                      "out; --json lists them all)\n",
                      val_len(cli_at(cp, "steps")) - val_len(shown));
    val_unref(shown);
    if (!plan_read)
        strbuf_puts(b, "  (the plan file could not be read: every stage is "
                       "taken to wait for the others, and the foreach "
                       "bounds are not known)\n");
    const val_t *t = cli_at(v, "time");
    put_ms(b, "\nTime: ", cli_int_at(t, "work_ms"), " working (all steps), ");
    put_ms(b, "", cli_int_at(t, "retry_wait_ms"), "");
    strbuf_printf(b, " waiting in %" PRId64 " retr%s\n",
                  cli_int_at(t, "retry_waits"),
                  cli_int_at(t, "retry_waits") == 1 ? "y" : "ies");
    strbuf_puts(b, "\nConcurrency\n");
    if (val_len(cli_at(v, "concurrency")))
        TABLE(b, cli_at(v, "concurrency"), conc_cols);
    else
        strbuf_puts(b, "  no foreach ran\n");
    strbuf_puts(b, "\nSlowest actions (by total time)\n");
    TABLE(b, cli_at(v, "slowest_actions"), slow_cols);
    strbuf_puts(b, "\nEndpoints (http.request hosts)\n");
    if (val_len(cli_at(v, "endpoints")))
        TABLE(b, cli_at(v, "endpoints"), host_cols);
    else
        strbuf_puts(b, "  no http.request steps\n");
    const val_t *jc = cli_at(v, "journal_commits");
    if (jc && val_type(jc) == VAL_MAP)
        strbuf_printf(b, "\nJournal commits: %" PRId64 ", %.3f ms in all "
                      "(mean %.3f ms), as the run's last process timed "
                      "them\n", cli_int_at(jc, "commits"),
                      val_get_number(cli_at(jc, "total_ms")),
                      val_get_number(cli_at(jc, "mean_ms")));
    else
        strbuf_puts(b, "\nJournal commits: not timed (the run's process "
                    "recorded none)\n");
}
