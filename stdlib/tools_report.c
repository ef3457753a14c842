/* tools_report.c: the per-file outcome report of a run (`mig report`,
 * docs/report.md). After the run, from its journal alone, it follows the
 * data: the files of tools.scan and tools.read results, then each record
 * by its provenance through tools.normalize and registry.put, never by
 * the names of the plan's steps. Sits on the runtime's store; the CLI
 * prints what it builds. */
#include <stdlib.h>
#include <string.h>

#include "mig_stdlib.h"
#include "tools_int.h"     /* tools_member, tools_get, tools_get_str */

/* The outcomes, of a file and of a record: docs/report.md. */
#define FILE_OUTCOMES(X)                                                      \
    X(MIGRATED, "migrated")                                                  \
    X(PARTIAL, "partial")                                                    \
    X(REJECTED, "rejected")                                                  \
    X(SKIPPED, "skipped")                                                    \
    X(FAILED, "failed")                                                      \
    X(NOT_REACHED, "not-reached")
#define RECORD_OUTCOMES(X)                                                    \
    X(STORED, "stored")                                                      \
    X(KEPT, "kept")                                                          \
    X(REPLACED, "replaced")                                                  \
    X(CONFLICT, "conflict")                                                  \
    X(SKIPPED, "skipped")                                                    \
    X(REJECTED, "rejected")                                                  \
    X(FAILED, "failed")                                                      \
    X(NOT_REACHED, "not-reached")

#define OUTCOME_ENUM(prefix, e) prefix##e,
#define OUTCOME_NAME(e, s) s,
#define FILE_ENUM(e, s) OUTCOME_ENUM(F_, e)
#define RECORD_ENUM(e, s) OUTCOME_ENUM(R_, e)
enum { FILE_OUTCOMES(FILE_ENUM) N_FILE_OUTCOMES };
enum { RECORD_OUTCOMES(RECORD_ENUM) N_RECORD_OUTCOMES };
static const char *const file_outcomes[] = { FILE_OUTCOMES(OUTCOME_NAME) };
static const char *const record_outcomes[] = { RECORD_OUTCOMES(OUTCOME_NAME) };

/* What registry.put's `outcome` means for its record. */
static const struct { const char *put; int outcome; } put_outcomes[] = {
    { "added", R_STORED }, { "kept", R_KEPT }, { "replaced", R_REPLACED },
};

/* The error classes of tools.normalize that mean "the record is refused"
 * (rejected), not "the call failed". */
static const char *const refusals[] = { "InvalidConfig", "ValidationFailed" };

/* A reader's result lists and the record kind of each. */
static const struct { const char *list, *kind; } record_lists[] = {
    { "tools", "tool" }, { "servers", "server" }, { "backends", "rag" },
};

typedef struct rep {
    val_t *actions;     /* "NODE\tITEM" -> the step's action */
    val_t *puts;        /* "NODE\tITEM" -> the registry.put's latest record */
    val_t *skipped;     /* item -> the reason a recover handler skipped it */
    val_t *files;       /* path -> the file's map (below), as it is built */
    val_t *rollback;    /* the rollback-done or -not-needed event, or NULL */
    int64_t steps, unattributed;
    bool oom;
    bool keep_steps;    /* tools_report_build_steps: each record's item
                           and time stay in it */
} rep_t;

/* A file's map keeps, besides the keys of docs/report.md, what the
 * outcome is computed from, under keys that start with '_' (dropped at
 * the end): _read (a tools.read step took it), _scan (tools.scan's
 * reason), _problem (why the reader gave no records), _skip (the skip
 * reason of a failed read), and records as a map by provenance. */

static void set(rep_t *r, val_t *m, const char *key, val_t *v)
{
    if (!v || !m || val_map_set_take(m, key, strlen(key), v) != MIG_OK)
        r->oom = true;
}

/* S as a string value, cut to TOOLS_REPORT_REASON_MAX bytes saying so. */
static val_t *clipped(const char *s)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_put_clipped(&b, s, strlen(s), TOOLS_REPORT_REASON_MAX);
    val_t *v = b.oom ? NULL : val_string(b.data ? b.data : "", b.len);
    strbuf_free(&b);
    return v;
}

/* "CLASS: MESSAGE", cut as clipped() does. */
static val_t *class_text(const char *cls, const char *msg)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "%s: %s", cls ? cls : "Error", msg ? msg : "");
    val_t *v = b.oom ? NULL : clipped(b.data);
    strbuf_free(&b);
    return v;
}

static val_t *error_value(rep_t *r, const char *cls, const char *msg)
{
    val_t *e = val_map_new(2);
    set(r, e, "class", val_cstring(cls ? cls : "Error"));
    set(r, e, "message", clipped(msg ? msg : ""));
    return e;
}

/* The key of a step in R's maps: "NODE\tITEM". New string, or NULL. */
static char *step_key(const char *node, const char *item)
{
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "%s\t%s", node ? node : "", item ? item : "");
    if (b.oom)
        strbuf_free(&b);
    return b.data;
}

/* The value of M at "NODE\tITEM", borrowed, or NULL. */
static val_t *at_step(rep_t *r, const val_t *m, const char *node,
                      const char *item)
{
    char *k = step_key(node, item);
    if (!k)
        r->oom = true;
    val_t *v = k ? val_map_get(m, k, strlen(k)) : NULL;
    free(k);
    return v;
}

/* ---- files and records -------------------------------------------------- */

/* The map of file PATH, made on first use (borrowed; NULL when out of
 * memory). */
static val_t *file_get(rep_t *r, const char *path)
{
    val_t *f = val_map_get(r->files, path, strlen(path));
    if (f)
        return f;
    f = val_map_new(16);
    set(r, f, "path", val_cstring(path));
    set(r, f, "format", val_null());
    set(r, f, "version", val_null());
    set(r, f, "digest", val_null());
    set(r, f, "records", val_map_new(4));
    if (r->oom || val_map_set_take(r->files, path, strlen(path), f)
                      != MIG_OK) {
        r->oom = true;
        return NULL;
    }
    return f;
}

/* Sets KEY of F to the string at KEY of FROM, when it is one. */
static void copy_str(rep_t *r, val_t *f, const val_t *from, const char *key)
{
    const char *s = tools_get_str(from, key);
    if (s)
        set(r, f, key, val_cstring(s));
}

/* The record of provenance PROV (borrowed), made on first use with KIND
 * and NAME; NULL when PROV names no file (the record is unattributed) or
 * out of memory. */
static val_t *record_get(rep_t *r, const val_t *prov, const char *kind,
                         const char *name)
{
    const char *path = tools_get_str(prov, "file");
    val_t *f = path ? file_get(r, path) : NULL;
    if (!f)
        return NULL;
    if (!tools_member(f, "_read") && !tools_get_str(f, "format"))
        copy_str(r, f, prov, "format");
    val_t *ptr = tools_member(prov, "pointer");
    val_t *line = tools_member(prov, "line");
    strbuf_t k;
    strbuf_init(&k);
    if (ptr && val_type(ptr) == VAL_STRING)
        strbuf_printf(&k, "#%s", val_get_str(ptr, NULL));
    else if (line && val_is_int(line))
        strbuf_printf(&k, "line %lld", (long long)val_get_int(line));
    else
        strbuf_printf(&k, "%s %s", kind ? kind : "", name ? name : "");
    val_t *recs = tools_member(f, "records");
    val_t *rec = k.oom ? NULL : val_map_get(recs, k.data, k.len);
    if (!rec && !k.oom) {
        rec = val_map_new(8);
        set(r, rec, "kind", kind ? val_cstring(kind) : val_null());
        set(r, rec, "name", name ? val_cstring(name) : val_null());
        set(r, rec, "pointer", ptr && val_type(ptr) == VAL_STRING
                                   ? val_ref(ptr) : val_null());
        set(r, rec, "line", line && val_is_int(line) ? val_ref(line)
                                                      : val_null());
        set(r, rec, "v2_name", val_null());
        set(r, rec, "outcome", val_cstring(record_outcomes[R_NOT_REACHED]));
        set(r, rec, "reason", val_null());
        set(r, rec, "error", val_null());
        set(r, rec, "rolled_back", val_bool(false));
        if (r->oom || val_map_set_take(recs, k.data, k.len, rec) != MIG_OK) {
            r->oom = true;
            rec = NULL;
        }
    }
    if (k.oom)
        r->oom = true;
    strbuf_free(&k);
    return rec;
}

/* The reason a recover handler skipped ITEM or an item around it (a
 * foreach item "2" holds "2/0"), or NULL. */
static const char *skip_reason(const rep_t *r, const char *item)
{
    size_t n = item ? strlen(item) : 0;
    while (n > 0) {
        val_t *v = val_map_get(r->skipped, item, n);
        if (v)
            return val_get_str(v, NULL);
        while (n > 0 && item[n - 1] != '/')
            n--;
        if (n > 0)
            n--;        /* the '/' */
    }
    return NULL;
}

/* Records that the step of ITEM that handled REC failed with CLS and
 * MSG: the record is OUTCOME, or skipped when a handler skipped the
 * item. */
static void record_failed(rep_t *r, val_t *rec, int outcome, const char *cls,
                          const char *msg, const char *item)
{
    const char *skip = skip_reason(r, item);
    set(r, rec, "outcome", val_cstring(record_outcomes[skip ? R_SKIPPED
                                                           : outcome]));
    val_t *why = skip ? clipped(skip)
                      : outcome == R_FAILED ? class_text(cls, msg)
                                            : clipped(msg ? msg : "");
    set(r, rec, "reason", why);
    set(r, rec, "error", error_value(r, cls, msg));
}

/* For tools_report_build_steps: the item of ST, the last step that
 * handled REC, and its time added to the record's. */
static void note_step(rep_t *r, val_t *rec, const store_step_t *st)
{
    if (!r->keep_steps || !rec)
        return;
    val_t *ms = tools_member(rec, "duration_ms");
    int64_t took = st->ended_ms > st->started_ms && st->started_ms > 0
                   ? st->ended_ms - st->started_ms : 0;
    set(r, rec, "item", val_cstring(st->item ? st->item : ""));
    set(r, rec, "duration_ms", val_int(took + (ms ? val_get_int(ms) : 0)));
}

/* Sets the name REC has in the registry, that of DESCRIPTOR (a
 * tools.normalize result or a registry.put record), when it is one. */
static void v2_name(rep_t *r, val_t *rec, const val_t *descriptor)
{
    const char *name = tools_get_str(descriptor, "name");
    if (rec && name)
        set(r, rec, "v2_name", val_cstring(name));
}

/* ---- what each action's step says --------------------------------------- */

static void on_scan(rep_t *r, const store_step_t *st)
{
    if (st->state != STORE_STEP_DONE || val_type(st->result) != VAL_LIST)
        return;
    for (size_t i = 0; i < val_len(st->result); i++) {
        val_t *e = val_list_get(st->result, i);
        const char *path = tools_get_str(e, "path");
        val_t *f = path ? file_get(r, path) : NULL;
        if (!f)
            continue;
        if (!tools_member(f, "_read"))
            copy_str(r, f, e, "format");
        const char *why = tools_get_str(e, "reason");
        if (why)
            set(r, f, "_scan", clipped(why));
    }
}

static void on_read(rep_t *r, const store_step_t *st)
{
    if (st->state != STORE_STEP_DONE)
        return;     /* a failed read: on_read_failed, once skips are known */
    const char *path = tools_get_str(st->result, "path");
    val_t *f = path ? file_get(r, path) : NULL;
    if (!f)
        return;
    set(r, f, "_read", val_bool(true));
    set(r, f, "format", val_null());
    copy_str(r, f, st->result, "format");
    copy_str(r, f, st->result, "version");
    copy_str(r, f, st->result, "digest");
    /* Why a file gave no records: the reader's first error, else its
     * last warning (the loading's warnings come first, the reader's
     * last: "its record comes from that file"). */
    val_t *problems = tools_get(st->result, "problems", VAL_LIST);
    const char *error = NULL, *warning = NULL;
    for (size_t i = 0; problems && i < val_len(problems); i++) {
        val_t *p = val_list_get(problems, i);
        const char *sev = tools_get_str(p, "severity");
        const char *msg = tools_get_str(p, "message");
        if (sev && msg && strcmp(sev, "error") == 0 && !error)
            error = msg;
        else if (sev && msg && strcmp(sev, "warning") == 0)
            warning = msg;
    }
    if (error || warning)
        set(r, f, "_problem", clipped(error ? error : warning));
    for (size_t l = 0; l < sizeof record_lists / sizeof record_lists[0];
         l++) {
        val_t *list = tools_get(st->result, record_lists[l].list, VAL_LIST);
        for (size_t i = 0; list && i < val_len(list); i++) {
            val_t *rec = val_list_get(list, i);
            record_get(r, tools_member(rec, "provenance"),
                       record_lists[l].kind,
                       tools_get_str(rec, "name"));
        }
    }
}

static void on_read_failed(rep_t *r, const store_step_t *st)
{
    if (st->state != STORE_STEP_FAILED)
        return;
    const char *path = tools_get_str(st->args, "path");
    val_t *f = path ? file_get(r, path) : NULL;
    if (!f)
        return;
    set(r, f, "_read", val_bool(true));
    set(r, f, "error", error_value(r, st->error_class, st->error));
    const char *skip = skip_reason(r, st->item);
    if (skip)
        set(r, f, "_skip", clipped(skip));
}

static void on_normalize(rep_t *r, const store_step_t *st)
{
    if (st->state == STORE_STEP_DONE) {
        val_t *d = tools_member(st->result, "descriptor");
        val_t *it = record_get(r, tools_member(d, "provenance"),
                               tools_get_str(d, "kind"),
                               tools_get_str(d, "name"));
        v2_name(r, it, d);
        note_step(r, it, st);
    } else if (st->state == STORE_STEP_FAILED) {
        val_t *rec = tools_member(st->args, "record");
        val_t *prov = tools_member(rec, "provenance");
        val_t *it = record_get(r, prov, tools_get_str(rec, "kind"),
                               tools_get_str(rec, "name"));
        if (!it) {
            r->unattributed++;
            return;
        }
        int outcome = R_FAILED;
        for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
            if (st->error_class && strcmp(st->error_class, refusals[i]) == 0)
                outcome = R_REJECTED;
        record_failed(r, it, outcome, st->error_class, st->error, st->item);
        note_step(r, it, st);
    }
}

static void on_put(rep_t *r, const store_step_t *st)
{
    if (st->state != STORE_STEP_DONE && st->state != STORE_STEP_FAILED)
        return;
    val_t *j = at_step(r, r->puts, st->node, st->item);
    val_t *args = st->state == STORE_STEP_FAILED && st->args
                  ? st->args : tools_member(j, "args");
    val_t *rec = tools_member(args, "record");
    val_t *it = record_get(r, tools_member(rec, "provenance"),
                           tools_get_str(rec, "kind"),
                           tools_get_str(rec, "name"));
    if (!it) {
        r->unattributed++;
        return;
    }
    v2_name(r, it, rec);
    note_step(r, it, st);
    if (st->state == STORE_STEP_FAILED) {
        bool conflict = st->error_class
                        && strcmp(st->error_class, "Conflict") == 0;
        record_failed(r, it, conflict ? R_CONFLICT : R_FAILED,
                      st->error_class, st->error, st->item);
        return;
    }
    const char *how = tools_get_str(st->result, "outcome");
    for (size_t i = 0; how && i < sizeof put_outcomes / sizeof put_outcomes[0];
         i++)
        if (strcmp(how, put_outcomes[i].put) == 0)
            set(r, it, "outcome",
                val_cstring(record_outcomes[put_outcomes[i].outcome]));
    const char *state = tools_get_str(j, "state");
    set(r, it, "rolled_back", val_bool(state && strcmp(state, "undone") == 0));
}

/* The actions the report follows (every tools.* and registry.put step
 * counts as one it saw, in "steps"). Pass 0 reads the files and their
 * records, pass 1 what became of them (after every skipped item is
 * known). */
static const struct {
    const char *action;
    void (*pass[2])(rep_t *r, const store_step_t *st);
} followed[] = {
    { "tools.scan", { on_scan, NULL } },
    { "tools.read", { on_read, on_read_failed } },
    { "tools.normalize", { NULL, on_normalize } },
    { "registry.put", { NULL, on_put } },
};

typedef struct pass {
    rep_t *r;
    int n;
} pass_t;

static bool on_step(void *data, const store_step_t *st)
{
    pass_t *p = data;
    rep_t *r = p->r;
    if (p->n == 0 && st->state == STORE_STEP_SKIPPED && st->item
        && *st->item)
        set(r, r->skipped, st->item, val_cstring(st->error ? st->error : ""));
    val_t *a = at_step(r, r->actions, st->node, st->item);
    const char *action = a ? val_get_str(a, NULL) : NULL;
    if (!action)
        return !r->oom;     /* not ended (in flight when the run stopped) */
    if (p->n == 0 && (strncmp(action, "tools.", 6) == 0
                      || strcmp(action, "registry.put") == 0))
        r->steps++;
    for (size_t i = 0; i < sizeof followed / sizeof followed[0]; i++)
        if (strcmp(action, followed[i].action) == 0 && followed[i].pass[p->n])
            followed[i].pass[p->n](r, st);
    return !r->oom;
}

/* ---- the journal and the events ----------------------------------------- */

static bool on_event(void *data, const store_event_rec_t *ev)
{
    rep_t *r = data;
    bool step = strcmp(ev->kind, "step-done") == 0
                || strcmp(ev->kind, "step-failed") == 0;
    const char *action = tools_get_str(ev->data, "action");
    if (step && ev->node && action) {
        char *k = step_key(ev->node, ev->item);
        if (!k || val_map_set_take(r->actions, k, strlen(k),
                                   val_cstring(action)) != MIG_OK)
            r->oom = true;
        free(k);
    }
    if (strcmp(ev->kind, "rollback-done") == 0
        || strcmp(ev->kind, "rollback-not-needed") == 0) {
        val_unref(r->rollback);
        r->rollback = val_map_new(2);
        set(r, r->rollback, "event", val_cstring(ev->kind));
        set(r, r->rollback, "data", ev->data ? val_ref(ev->data)
                                             : val_map_new(0));
    }
    return !r->oom;
}

static bool on_record(void *data, const store_journal_t *rec)
{
    rep_t *r = data;
    if (strcmp(rec->action, "registry.put") != 0)
        return true;
    char *k = step_key(rec->node, rec->item);
    val_t *m = val_map_new(2);
    set(r, m, "args", rec->args ? val_ref(rec->args) : val_null());
    set(r, m, "state", val_cstring(store_journal_state_name(rec->state)));
    if (!k || r->oom || val_map_set_take(r->puts, k, strlen(k), m) != MIG_OK)
        r->oom = true;
    free(k);
    return !r->oom;
}

/* ---- the outcome of each file ------------------------------------------- */

/* Sets F's outcome and reason from its records (COUNT by outcome, N in
 * all, LIST in order). */
static void outcome_of_records(rep_t *r, val_t *f, const val_t *list,
                               const size_t count[N_RECORD_OUTCOMES], size_t n)
{
    size_t ok = count[R_STORED] + count[R_KEPT] + count[R_REPLACED];
    int out;
    if (ok == n)
        out = F_MIGRATED;
    else if (ok > 0)
        out = F_PARTIAL;
    else if (count[R_FAILED] || count[R_CONFLICT])
        out = F_FAILED;
    else if (count[R_SKIPPED])
        out = F_SKIPPED;
    else if (count[R_NOT_REACHED])
        out = F_NOT_REACHED;
    else
        out = F_REJECTED;
    set(r, f, "outcome", val_cstring(file_outcomes[out]));
    if (out == F_MIGRATED) {
        set(r, f, "reason", val_null());
        return;
    }
    if (out == F_PARTIAL || out == F_NOT_REACHED) {
        strbuf_t b;
        strbuf_init(&b);
        strbuf_printf(&b, "%zu of %zu records migrated", ok, n);
        for (int o = R_CONFLICT; o < N_RECORD_OUTCOMES; o++)
            if (count[o])
                strbuf_printf(&b, ", %zu %s", count[o], record_outcomes[o]);
        set(r, f, "reason", b.oom ? NULL : val_cstring(b.data));
        strbuf_free(&b);
        return;
    }
    /* The first record of that outcome says why. */
    for (size_t i = 0; i < val_len(list); i++) {
        val_t *rec = val_list_get(list, i);
        const char *o = tools_get_str(rec, "outcome");
        bool match = o && (out == F_FAILED
                           ? strcmp(o, "failed") == 0
                                 || strcmp(o, "conflict") == 0
                           : strcmp(o, file_outcomes[out]) == 0);
        if (match) {
            set(r, f, "reason", val_ref(tools_member(rec, "reason")));
            if (out == F_FAILED)
                set(r, f, "error", val_ref(tools_member(rec, "error")));
            return;
        }
    }
}

/* Sets the outcome of file F (docs/report.md, "Outcomes"), its records
 * a list, its internal keys dropped; adds to the totals. */
static void finish_file(rep_t *r, val_t *f, size_t files[N_FILE_OUTCOMES],
                        size_t records[N_RECORD_OUTCOMES])
{
    /* "records" goes last: taken out, set again as a list at the end. */
    val_t *map = val_ref(tools_member(f, "records"));
    val_map_delete(f, "records", 7);
    val_t *list = val_list_new(val_len(map));
    size_t count[N_RECORD_OUTCOMES] = { 0 };
    bool rolled = false;
    for (size_t i = 0; list && i < val_len(map); i++) {
        val_t *rec = val_map_value(map, i);
        const char *o = tools_get_str(rec, "outcome");
        for (int k = 0; o && k < N_RECORD_OUTCOMES; k++)
            if (strcmp(o, record_outcomes[k]) == 0) {
                count[k]++;
                records[k]++;
            }
        val_t *undone = tools_member(rec, "rolled_back");
        rolled = rolled || (undone && val_type(undone) == VAL_BOOL
                            && val_get_bool(undone));
        if (val_list_push(list, rec) != MIG_OK)
            r->oom = true;
    }
    size_t n = list ? val_len(list) : 0;
    set(r, f, "outcome", val_null());
    set(r, f, "reason", val_null());
    if (!tools_member(f, "error"))
        set(r, f, "error", val_null());
    const char *fmt = tools_get_str(f, "format");
    val_t *why = tools_member(f, "_problem");
    if (!why)
        why = tools_member(f, "_scan");
    if (val_type(tools_member(f, "error")) == VAL_MAP) {
        val_t *e = tools_member(f, "error");
        bool skip = tools_member(f, "_skip") != NULL;
        set(r, f, "outcome", val_cstring(file_outcomes[skip ? F_SKIPPED
                                                            : F_FAILED]));
        set(r, f, "reason", skip ? val_ref(tools_member(f, "_skip"))
                                 : class_text(tools_get_str(e, "class"),
                                              tools_get_str(e, "message")));
    } else if (n > 0) {
        outcome_of_records(r, f, list, count, n);
    } else if (!fmt && why) {
        set(r, f, "outcome", val_cstring(file_outcomes[F_REJECTED]));
        set(r, f, "reason", val_ref(why));
    } else if (tools_member(f, "_read")) {
        set(r, f, "outcome", val_cstring(file_outcomes[F_REJECTED]));
        set(r, f, "reason", why ? val_ref(why) : val_cstring(
                fmt ? "no tool, server or backend records in it"
                    : "no reader recognises it"));
    } else {
        set(r, f, "outcome", val_cstring(file_outcomes[F_NOT_REACHED]));
        set(r, f, "reason", val_cstring("the run never read it"));
    }
    set(r, f, "rolled_back", val_bool(rolled));
    set(r, f, "records", list);
    val_unref(map);
    static const char *const internal[] = { "_read", "_scan", "_problem",
                                            "_skip" };
    for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++)
        val_map_delete(f, internal[i], strlen(internal[i]));
    const char *o = tools_get_str(f, "outcome");
    for (int k = 0; o && k < N_FILE_OUTCOMES; k++)
        if (strcmp(o, file_outcomes[k]) == 0)
            files[k]++;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static val_t *counts_value(rep_t *r, const char *const *names, int n_names,
                           const size_t *count, size_t total)
{
    val_t *m = val_map_new((size_t)n_names + 1);
    set(r, m, "total", val_int((int64_t)total));
    for (int i = 0; i < n_names; i++)
        set(r, m, names[i], val_int((int64_t)count[i]));
    return m;
}

/* The files sorted by path, each finished, and the totals, into OUT. */
static void finish(rep_t *r, val_t *out)
{
    size_t n = val_len(r->files);
    const char **paths = calloc(n ? n : 1, sizeof *paths);
    val_t *list = val_list_new(n);
    size_t files[N_FILE_OUTCOMES] = { 0 }, records[N_RECORD_OUTCOMES] = { 0 };
    size_t n_records = 0;
    if (!paths || !list) {
        r->oom = true;
        free(paths);
        val_unref(list);
        return;
    }
    for (size_t i = 0; i < n; i++)
        paths[i] = val_get_str(val_map_key(r->files, i), NULL);
    qsort(paths, n, sizeof *paths, by_path);
    for (size_t i = 0; i < n && !r->oom; i++) {
        val_t *f = val_map_get(r->files, paths[i], strlen(paths[i]));
        finish_file(r, f, files, records);
        n_records += val_len(tools_member(f, "records"));
        if (val_list_push(list, f) != MIG_OK)
            r->oom = true;
    }
    free(paths);
    set(r, out, "files", list);
    val_t *totals = val_map_new(2);
    set(r, totals, "files", counts_value(r, file_outcomes, N_FILE_OUTCOMES,
                                         files, n));
    set(r, totals, "records", counts_value(r, record_outcomes,
                                           N_RECORD_OUTCOMES, records,
                                           n_records));
    set(r, out, "totals", totals);
}

static mig_status_t build(store_t *s, int64_t run, bool keep_steps,
                          val_t **out)
{
    *out = NULL;
    rep_t r = { .actions = val_map_new(64), .puts = val_map_new(64),
                .skipped = val_map_new(8), .files = val_map_new(64),
                .keep_steps = keep_steps };
    r.oom = !r.actions || !r.puts || !r.skipped || !r.files;
    mig_status_t st = r.oom ? MIG_ENOMEM : store_event_each(s, run, on_event,
                                                            &r);
    if (st == MIG_OK && !r.oom)
        st = store_journal_each(s, run, 0, STORE_EACH_NO_UNDO
                                | STORE_EACH_NO_RESOURCES
                                | STORE_EACH_NO_AFTER,
                                on_record, &r);
    for (int n = 0; n < 2 && st == MIG_OK && !r.oom; n++) {
        pass_t p = { .r = &r, .n = n };
        st = store_step_each(s, run, on_step, &p);
    }
    val_t *m = NULL;
    if (st == MIG_OK && !r.oom) {
        m = val_map_new(6);
        set(&r, m, "steps", val_int(r.steps));
        finish(&r, m);
        set(&r, m, "unattributed", val_int(r.unattributed));
        set(&r, m, "rollback", r.rollback ? val_ref(r.rollback) : val_null());
    }
    if (st == MIG_OK && r.oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        *out = m;
    else
        val_unref(m);
    val_unref(r.actions);
    val_unref(r.puts);
    val_unref(r.skipped);
    val_unref(r.files);
    val_unref(r.rollback);
    return st;
}

mig_status_t tools_report_build(store_t *s, int64_t run, val_t **out)
{
    return build(s, run, false, out);
}

mig_status_t tools_report_build_steps(store_t *s, int64_t run, val_t **out)
{
    return build(s, run, true, out);
}
