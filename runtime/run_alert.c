/* run_alert.c: what a run does with its alerts (docs/alerts.md): it
 * feeds its events and clock to the engine (alerts.c), and for each
 * firing builds the JSON payload, hands it to the notifiers (the
 * caller's alert_notify_fn), records the firing in the alerts table and
 * journals an `alert` event. A notifier that fails never fails the run:
 * the firing is recorded as a failed delivery, with the reason. */
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "sched_int.h"

/* A firing of CONDITION with DETAIL (taken) in run DATA. */
static void fired(void *data, const char *condition, val_t *detail)
{
    run_t *r = data;
    int64_t now = store_now_ms();
    val_t *payload = val_map_new(6);
    strbuf_t json, why;
    strbuf_init(&json);
    strbuf_init(&why);
    bool ok = payload
        && val_map_set_take(payload, "alert", 5, val_cstring(condition))
           == MIG_OK
        && val_map_set_take(payload, "run", 3, val_int(r->id)) == MIG_OK
        && val_map_set_take(payload, "plan", 4,
                            val_cstring(graph_plan_name(r->g))) == MIG_OK
        && val_map_set_take(payload, "plan_path", 9,
                            val_cstring(r->opts->plan_path
                                        ? r->opts->plan_path : ""))
           == MIG_OK
        && val_map_set_take(payload, "at_ms", 5, val_int(now)) == MIG_OK
        && val_map_set(payload, "detail", 6, detail ? detail : val_null())
           == MIG_OK
        && val_to_json(payload, &json, 0) == MIG_OK && !json.oom;
    if (!ok) {
        r->fatal = true;
        val_unref(payload);
        val_unref(detail);
        strbuf_free(&json);
        return;
    }
    const config_alerts_t *cfg = r->opts->alerts;
    const char *delivery = "none";
    if (r->opts->notify && (cfg->command || cfg->webhook))
        delivery = r->opts->notify(cfg, json.data, &why) ? "sent" : "failed";
    bool failed = strcmp(delivery, "failed") == 0;
    store_alert_t rec = { .run = r->id, .at_ms = now, .condition = condition,
                          .payload = json.data, .delivery = delivery,
                          .error = failed && why.data ? why.data : NULL };
    if (store_alert_put(r->store, &rec) != MIG_OK)
        r->fatal = true;
    val_t *d = val_map_new(4);
    if (d) {
        val_map_set_take(d, "alert", 5, val_cstring(condition));
        val_map_set_take(d, "delivery", 8, val_cstring(delivery));
        if (rec.error)
            val_map_set_take(d, "error", 5, val_cstring(rec.error));
        val_map_set(d, "detail", 6, detail ? detail : val_null());
    }
    sched_event(r, "alert", GRAPH_NONE, NULL, d);
    val_unref(payload);
    val_unref(detail);
    strbuf_free(&json);
    strbuf_free(&why);
}

mig_status_t run_alerts_start(run_t *r)
{
    const config_alerts_t *c = r->opts->alerts;
    if (!c || (!c->failure_window_ms && !c->slow_times
               && !c->recovery_window_ms && !c->breaker_open_ms
               && !c->rollback_mismatch))
        return MIG_OK;
    int64_t ms[20];
    size_t n = 0;
    if (c->slow_times > 0 && r->opts->plan_path
        && store_run_durations(r->store, r->opts->plan_path, r->id, ms, &n)
           != MIG_OK)
        n = 0;      /* no history: slow_run cannot fire */
    r->alerts = alerts_new(c, store_now_ms(), alerts_median(ms, n), fired, r);
    return r->alerts ? MIG_OK : MIG_ENOMEM;
}

void run_alerts_event(run_t *r, const char *kind, const val_t *detail)
{
    if (r->alerts && strcmp(kind, "alert") != 0)
        alerts_event(r->alerts, kind, detail, store_now_ms());
}

void run_alerts_rollback_event(void *data, const char *kind, const char *node,
                               const char *item, const val_t *detail)
{
    run_t *r = data;
    if (r->opts->on_event)
        r->opts->on_event(r->opts->data, kind, node, item, detail);
    run_alerts_event(r, kind, detail);
}
