/* gen.c: writes the recovery benchmark's workspace (bench/recovery/run.sh):
 * N legacy tool definitions that a V2 endpoint does not take as they are,
 * the endpoint, the configuration schema, the legacy method table, the
 * plan that migrates them, and what each item must end as.
 *
 * The faults are real mismatches, not injected errors: a tool calls a
 * method by its legacy name, passes its parameters by position, under old
 * names or as text, leaves out parameters that have defaults, carries a
 * configuration with missing keys, wrong types and keys the schema does
 * not know, or needs a tool that comes later in the list. Some cannot be
 * repaired (a method no table maps, a value that is no number, a
 * configuration without its endpoint, a tool nobody migrates, or a
 * dependency on such a tool): mig must report those, with the right
 * class. Transient failures and timeouts are injected by the runner
 * (--inject-rate), and retried.
 *
 * usage: bench_recovery_gen DIR [-n N] [-s SEED]
 *   writes DIR/plan.mig, DIR/tools.json, DIR/api.json, DIR/legacy.json,
 *   DIR/config.schema.json and DIR/expected.json, and DIR/tools.clean.json:
 *   the same tools written as V2 wants them, for the floor (the same plan
 *   with nothing to repair). N defaults to 1000. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 5

/* ---- the V2 endpoint ---------------------------------------------------- */

typedef enum ptype { T_STRING, T_INTEGER, T_BOOLEAN } ptype_t;

static const char *const type_names[] = { "string", "integer", "boolean" };

typedef struct param {
    const char *name;
    ptype_t type;
    const char *def;            /* the default as JSON, or NULL: none */
    const char *legacy;         /* an old name adapt.params can match */
} param_t;

typedef struct method {
    const char *name, *legacy, *typo;
    param_t params[MAX_PARAMS];
} method_t;

/* Old names are the kinds real renames are: another case or separator
 * style, a longer or shorter form, one letter off. */
static const method_t methods[] = {
    { "weather.get", "getWeather", "getWether", {
        { "location", T_STRING, NULL, "Location" },
        { "unit", T_STRING, "\"metric\"", "units" },
        { "days", T_INTEGER, "1", "num_days" } } },
    { "geo.lookup", "geo_lookup", "geoLookUp", {
        { "query", T_STRING, NULL, "query_text" },
        { "limit", T_INTEGER, "5", "max_limit" } } },
    { "mail.send", "sendMail", "sendMial", {
        { "recipient", T_STRING, NULL, "recipient_email" },
        { "subject", T_STRING, NULL, "subj" },
        { "body", T_STRING, "\"\"", "Body" } } },
    { "calendar.create", "createEvent", "createEvnt", {
        { "title", T_STRING, NULL, "event_title" },
        { "start", T_STRING, NULL, "start_time" },
        { "duration_minutes", T_INTEGER, "30", "durationMinutes" },
        { "private", T_BOOLEAN, "false", "isPrivate" } } },
    { "search.web", "webSearch", "webSaerch", {
        { "query", T_STRING, NULL, "search_query" },
        { "max_results", T_INTEGER, "10", "maxResults" },
        { "safe", T_BOOLEAN, "true", "safe_search" } } },
    { "files.read", "readFile", "readFiel", {
        { "path", T_STRING, NULL, "file_path" },
        { "encoding", T_STRING, "\"utf-8\"", "Encoding" } } },
};
#define N_METHODS (sizeof methods / sizeof *methods)

static size_t n_params(const method_t *m)
{
    size_t n = 0;
    while (n < MAX_PARAMS && m->params[n].name)
        n++;
    return n;
}

/* ---- output ------------------------------------------------------------------ */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench_recovery_gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write '%s': %s", path, strerror(errno));
    return f;
}

static void close_out(FILE *f)
{
    if (ferror(f) || fclose(f) != 0)
        die("writing failed: %s", strerror(errno));
}

/* ---- the PRNG (splitmix64) -------------------------------------------------- */

static uint64_t rng_state;

static uint64_t next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static unsigned below(unsigned n) { return (unsigned)(next() % n); }
static int chance(unsigned percent) { return below(100) < percent; }

/* ---- one tool --------------------------------------------------------------- */

/* What a tool gets wrong; several at once are common. */
enum {
    F_POSITIONAL = 1 << 0,      /* params as a list */
    F_RENAMED = 1 << 1,         /* a parameter under its old name */
    F_TEXT = 1 << 2,            /* a number or bool as text */
    F_OMITTED = 1 << 3,         /* a parameter with a default left out */
    F_METHOD = 1 << 4,          /* the legacy method name */
    F_CONFIG_MISSING = 1 << 5,  /* configuration keys left out */
    F_CONFIG_TYPE = 1 << 6,     /* configuration values as text */
    F_CONFIG_UNKNOWN = 1 << 7,  /* keys the schema does not know */
    F_DEPENDENCY = 1 << 8,      /* needs a tool later in the list */
};

/* What cannot be repaired (at most one per tool). */
typedef enum bad {
    BAD_NONE,
    BAD_METHOD,                 /* a misspelt legacy name: no mapping */
    BAD_VALUE,                  /* a number that is no number */
    BAD_EXTRA,                  /* a parameter that fits none and carries
                                   meaning (a sort order): not dropped */
    BAD_ENDPOINT,               /* the configuration has no endpoint */
    BAD_GHOST,                  /* needs a tool nobody migrates */
} bad_t;

static const char *const bad_class[] = {
    [BAD_METHOD] = "MethodNotFound", [BAD_VALUE] = "ParamMismatch",
    [BAD_EXTRA] = "ParamMismatch", [BAD_ENDPOINT] = "InvalidConfig",
    [BAD_GHOST] = "MissingDependency",
};

typedef struct tool {
    const method_t *m;
    unsigned faults;
    bad_t bad;
    int values[MAX_PARAMS];     /* integer or bool values; strings derive */
    bool omit[MAX_PARAMS];      /* F_OMITTED: left out, its default used */
    size_t renamed;             /* F_RENAMED: the parameter written under
                                   its old name, or MAX_PARAMS */
    int timeout_ms, retries;
    bool enabled;
    int config_missing;         /* which key F_CONFIG_MISSING leaves out */
    size_t deps[2];
    size_t n_deps;
    bool doomed;                /* bad, or depends on a doomed tool */
} tool_t;

/* The JSON of parameter P of tool T (number I), as the endpoint wants it. */
static void canonical_value(FILE *f, const tool_t *t, size_t i, size_t p)
{
    const param_t *pa = &t->m->params[p];
    if (t->omit[p]) {
        fputs(pa->def, f);
        return;
    }
    switch (pa->type) {
    case T_STRING:
        fprintf(f, "\"%s-%zu\"", pa->name, i);
        break;
    case T_INTEGER:
        fprintf(f, "%d", t->values[p]);
        break;
    case T_BOOLEAN:
        fputs(t->values[p] ? "true" : "false", f);
        break;
    }
}

/* Every parameter of tool T (number I) by its V2 name, as V2 wants it. */
static void write_canonical_params(FILE *f, const tool_t *t, size_t i)
{
    fputc('{', f);
    for (size_t p = 0; p < n_params(t->m); p++) {
        fprintf(f, "%s\"%s\": ", p ? ", " : "", t->m->params[p].name);
        canonical_value(f, t, i, p);
    }
    fputc('}', f);
}

/* The value as the legacy tool writes it: text for numbers and bools
 * when F_TEXT says so (the first such parameter), or a value that is no
 * number (BAD_VALUE). */
static void legacy_value(FILE *f, const tool_t *t, size_t i, size_t p,
                         size_t textual)
{
    const param_t *pa = &t->m->params[p];
    if (t->bad == BAD_VALUE && p == textual) {
        fputs("\"lots\"", f);
        return;
    }
    if ((t->faults & F_TEXT) && p == textual) {
        if (pa->type == T_INTEGER)
            fprintf(f, "\"%d\"", t->values[p]);
        else
            fprintf(f, "\"%s\"", t->values[p] ? "true" : "false");
        return;
    }
    canonical_value(f, t, i, p);
}

/* The first parameter of T that is a number or a bool, or MAX_PARAMS. */
static size_t textual_param(const tool_t *t)
{
    for (size_t p = 0; p < n_params(t->m); p++)
        if (t->m->params[p].type != T_STRING && !t->omit[p])
            return p;
    return MAX_PARAMS;
}

static void write_params(FILE *f, const tool_t *t, size_t i)
{
    size_t n = n_params(t->m), textual = textual_param(t);
    if (t->faults & F_POSITIONAL) {
        /* By position: every value up to the last one given. */
        size_t last = 0;
        for (size_t p = 0; p < n; p++)
            if (!t->omit[p])
                last = p;
        fputc('[', f);
        for (size_t p = 0; p <= last; p++) {
            if (p)
                fputs(", ", f);
            legacy_value(f, t, i, p, textual);
        }
        fputc(']', f);
        return;
    }
    /* By name, the renamed one (drawn with the tool) under its old
     * name. */
    size_t renamed = t->renamed;
    fputc('{', f);
    bool first = true;
    for (size_t p = 0; p < n; p++) {
        if (t->omit[p])
            continue;
        fprintf(f, "%s\"%s\": ", first ? "" : ", ",
                p == renamed ? t->m->params[p].legacy : t->m->params[p].name);
        legacy_value(f, t, i, p, textual);
        first = false;
    }
    if (t->bad == BAD_EXTRA)
        fprintf(f, "%s\"sort_order\": \"desc\"", first ? "" : ", ");
    fputc('}', f);
}

/* The configuration schema's keys after `endpoint`, with their defaults. */
static const struct {
    const char *name, *type, *def;
} config_keys[] = {
    { "timeout_ms", "integer", "30000" },
    { "retries", "integer", "3" },
    { "enabled", "boolean", "true" },
};
#define N_CONFIG (sizeof config_keys / sizeof *config_keys)

static void config_value(FILE *f, const tool_t *t, size_t k, bool legacy)
{
    bool text = legacy && (t->faults & F_CONFIG_TYPE);
    switch (k) {
    case 0:
        fprintf(f, text ? "\"%d\"" : "%d", t->timeout_ms);
        break;
    case 1:
        fprintf(f, "%d", t->retries);
        break;
    default:
        fprintf(f, text ? "\"%s\"" : "%s", t->enabled ? "true" : "false");
        break;
    }
}

static void write_config(FILE *f, const tool_t *t, size_t i, bool legacy)
{
    fputc('{', f);
    bool first = true;
    if (!(legacy && t->bad == BAD_ENDPOINT)) {
        fprintf(f, "\"endpoint\": \"https://tools.example.com/%zu\"", i);
        first = false;
    }
    for (size_t k = 0; k < N_CONFIG; k++) {
        bool missing = (t->faults & F_CONFIG_MISSING)
                       && t->config_missing == (int)k;
        if (legacy && missing)
            continue;
        fprintf(f, "%s\"%s\": ", first ? "" : ", ", config_keys[k].name);
        first = false;
        if (missing)
            fputs(config_keys[k].def, f);
        else
            config_value(f, t, k, legacy);
    }
    if (legacy && (t->faults & F_CONFIG_UNKNOWN))
        fprintf(f, "%s\"legacy_mode\": true, \"owner\": \"team-%zu\"",
                first ? "" : ", ", i % 7);
    fputc('}', f);
}

/* ---- the plan ------------------------------------------------------------------ */

/* Every tool goes through the endpoint, the configuration check and the
 * registry, and its result is written out; the strategies repair what
 * does not fit, transient failures are retried, and the loop tolerates
 * the tools that cannot be repaired (they are reported). A tool starts
 * once the tools of the list it requires have ended (`after`), so it
 * meets them registered whatever order the items in flight end in; a
 * requirement on a tool nobody migrates, or on one that failed, is still
 * met by test.register's MissingDependency and decided by
 * adapt.resolve_dependency. */
static const char plan_text[] =
    "# Written by bench_recovery_gen: migrates legacy tool definitions to a\n"
    "# V2 endpoint that takes none of them as they are.\n"
    "migration \"bench-recovery\" {\n"
    "  stage load {\n"
    "    retry 5 backoff exponential(base: 1ms, factor: 2, max: 20ms) on Transient {\n"
    "      step tools = file.read_json(path: \"tools.json\")\n"
    "      step api = file.read_json(path: \"api.json\")\n"
    "      step legacy = file.read_json(path: \"legacy.json\")\n"
    "      step schema = file.read_json(path: \"config.schema.json\")\n"
    "      step out = file.mkdir(path: \"out\")\n"
    "    }\n"
    "  }\n"
    "  stage migrate after load {\n"
    "    checkpoint start\n"
    "    foreach tool in load.tools parallel 16 after tool.requires tolerate 100% {\n"
    "      retry 5 backoff exponential(base: 1ms, factor: 2, max: 20ms) jitter full on Transient {\n"
    "        step call = test.api(api: load.api, method: tool.method, params: tool.params)\n"
    "        step conf = test.config(schema: load.schema, config: tool.config)\n"
    "        step reg = test.register(name: tool.name, requires: tool.requires)\n"
    "        step put = file.write(path: \"out/${tool.name}.json\",\n"
    "                              content: { name: reg, call: call, config: conf })\n"
    "      }\n"
    "      recover MethodNotFound with adapt.remap_method(map: load.legacy)\n"
    "      recover ParamMismatch with adapt.params\n"
    "      recover InvalidConfig with adapt.repair_config\n"
    "      recover MissingDependency with adapt.resolve_dependency\n"
    "    }\n"
    "  }\n"
    "}\n";

/* ---- the whole set ------------------------------------------------------------ */

static const char *fault_names[] = {
    "positional", "renamed", "text", "omitted", "method",
    "config-missing", "config-type", "config-unknown", "dependency",
};
#define N_FAULTS (sizeof fault_names / sizeof *fault_names)

/* Draws tool I's faults: about a fifth are clean; a tenth cannot be
 * repaired; the rest have one to three mismatches. */
static void draw(tool_t *t, size_t i, size_t n)
{
    memset(t, 0, sizeof(*t));
    t->m = &methods[below(N_METHODS)];
    size_t np = n_params(t->m);
    for (size_t p = 0; p < np; p++)
        t->values[p] = t->m->params[p].type == T_INTEGER ? 1 + (int)below(90)
                                                         : (int)below(2);
    t->timeout_ms = 1000 * (1 + (int)below(60));
    t->retries = (int)below(6);
    t->enabled = below(2);
    unsigned roll = below(100);
    if (roll < 20)
        return;                                 /* clean */
    if (roll < 30) {
        static const bad_t bads[] = { BAD_METHOD, BAD_VALUE, BAD_EXTRA,
                                      BAD_ENDPOINT, BAD_GHOST };
        t->bad = bads[below(5)];
        if (t->bad == BAD_VALUE) {
            /* Needs a number parameter that is given. */
            bool any = false;
            for (size_t p = 0; p < np; p++)
                any = any || t->m->params[p].type == T_INTEGER;
            if (!any)
                t->bad = BAD_EXTRA;
        }
    }
    unsigned kinds = 1 + (chance(40) ? 1 : 0) + (chance(20) ? 1 : 0);
    for (unsigned k = 0; k < kinds; k++)
        t->faults |= 1u << below(N_FAULTS);
    /* An extra parameter is only unmatched when every parameter is
     * given under its own name; a bad value needs its parameter given. */
    if (t->bad == BAD_EXTRA)
        t->faults &= ~(unsigned)(F_POSITIONAL | F_RENAMED | F_OMITTED);
    if (t->bad == BAD_VALUE)
        t->faults &= ~(unsigned)(F_TEXT | F_OMITTED);
    if (t->faults & F_DEPENDENCY) {
        t->n_deps = i + 1 < n ? 1 + (chance(30) ? 1 : 0) : 0;
        for (size_t d = 0; d < t->n_deps; d++)
            t->deps[d] = i + 1 + below((unsigned)(n - i - 1 < 50 ? n - i - 1
                                                                : 50));
        if (t->n_deps == 2 && t->deps[0] == t->deps[1])
            t->n_deps = 1;
        if (!t->n_deps)
            t->faults &= ~(unsigned)F_DEPENDENCY;
    }
    if (t->faults & F_OMITTED) {
        size_t opt = MAX_PARAMS;
        for (size_t p = 0; p < np; p++)
            if (t->m->params[p].def)
                opt = p;
        if (opt < MAX_PARAMS)
            t->omit[opt] = true;
        else
            t->faults &= ~(unsigned)F_OMITTED;
    }
    if (t->faults & F_TEXT && textual_param(t) == MAX_PARAMS)
        t->faults &= ~(unsigned)F_TEXT;
    /* A rename is only counted when it is written: a parameter given by
     * name (not by position, not left out). */
    t->renamed = MAX_PARAMS;
    if (t->faults & F_RENAMED && !(t->faults & F_POSITIONAL)) {
        size_t given[MAX_PARAMS], n_given = 0;
        for (size_t p = 0; p < np; p++)
            if (!t->omit[p])
                given[n_given++] = p;
        if (n_given)
            t->renamed = given[below((unsigned)n_given)];
    }
    if (t->renamed == MAX_PARAMS)
        t->faults &= ~(unsigned)F_RENAMED;
    t->config_missing = (int)below(N_CONFIG);
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    size_t n = 1000;
    uint64_t seed = 0x6d6967;                   /* "mig" */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!dir && argv[i][0] != '-')
            dir = argv[i];
        else
            die("usage: bench_recovery_gen DIR [-n N] [-s SEED]");
    }
    if (!dir || n < 1 || n > 1000000)
        die("usage: bench_recovery_gen DIR [-n N] [-s SEED]");
    rng_state = seed;
    tool_t *tools = calloc(n, sizeof(*tools));
    if (!tools)
        die("out of memory");
    for (size_t i = 0; i < n; i++)
        draw(&tools[i], i, n);
    /* Doomed: bad, or needing a doomed tool (dependencies point later,
     * so walking backwards sees them settled). */
    for (size_t i = n; i-- > 0;) {
        tool_t *t = &tools[i];
        t->doomed = t->bad != BAD_NONE;
        for (size_t d = 0; d < t->n_deps; d++)
            t->doomed = t->doomed || tools[t->deps[d]].doomed;
    }

    FILE *f = open_out(dir, "plan.mig");
    fputs(plan_text, f);
    close_out(f);

    f = open_out(dir, "api.json");
    fputs("{\"name\": \"tools-v2\", \"methods\": {", f);
    for (size_t k = 0; k < N_METHODS; k++) {
        const method_t *m = &methods[k];
        fprintf(f, "%s\n  \"%s\": {\"type\": \"object\", \"properties\": {",
                k ? "," : "", m->name);
        for (size_t p = 0; p < n_params(m); p++) {
            const param_t *pa = &m->params[p];
            fprintf(f, "%s\"%s\": {\"type\": \"%s\"", p ? ", " : "", pa->name,
                    type_names[pa->type]);
            if (pa->def)
                fprintf(f, ", \"default\": %s", pa->def);
            fputc('}', f);
        }
        fputs("}, \"required\": [", f);
        for (size_t p = 0; p < n_params(m); p++)
            fprintf(f, "%s\"%s\"", p ? ", " : "", m->params[p].name);
        fputs("], \"additionalProperties\": false}", f);
    }
    fputs("\n}}\n", f);
    close_out(f);

    f = open_out(dir, "legacy.json");
    fputc('{', f);
    for (size_t k = 0; k < N_METHODS; k++)
        fprintf(f, "%s\"%s\": \"%s\"", k ? ", " : "", methods[k].legacy,
                methods[k].name);
    fputs("}\n", f);
    close_out(f);

    f = open_out(dir, "config.schema.json");
    fputs("{\"type\": \"object\", \"properties\": {\"endpoint\": {\"type\": "
          "\"string\"}", f);
    for (size_t k = 0; k < N_CONFIG; k++)
        fprintf(f, ", \"%s\": {\"type\": \"%s\", \"default\": %s}",
                config_keys[k].name, config_keys[k].type, config_keys[k].def);
    fputs("}, \"required\": [\"endpoint\"", f);
    for (size_t k = 0; k < N_CONFIG; k++)
        fprintf(f, ", \"%s\"", config_keys[k].name);
    fputs("], \"additionalProperties\": false}\n", f);
    close_out(f);

    f = open_out(dir, "tools.json");
    fputs("[\n", f);
    for (size_t i = 0; i < n; i++) {
        const tool_t *t = &tools[i];
        const char *method = t->bad == BAD_METHOD ? t->m->typo
            : (t->faults & F_METHOD) ? t->m->legacy : t->m->name;
        fprintf(f, "  {\"name\": \"tool-%zu\", \"method\": \"%s\", "
                "\"params\": ", i, method);
        write_params(f, t, i);
        fputs(", \"config\": ", f);
        write_config(f, t, i, true);
        fputs(", \"requires\": [", f);
        for (size_t d = 0; d < t->n_deps; d++)
            fprintf(f, "%s\"tool-%zu\"", d ? ", " : "", t->deps[d]);
        if (t->bad == BAD_GHOST)
            fprintf(f, "%s\"retired-%zu\"", t->n_deps ? ", " : "", i);
        fprintf(f, "]}%s\n", i + 1 < n ? "," : "");
    }
    fputs("]\n", f);
    close_out(f);

    /* The floor's tools: the same, with nothing to repair. */
    f = open_out(dir, "tools.clean.json");
    fputs("[\n", f);
    for (size_t i = 0; i < n; i++) {
        tool_t t = tools[i];
        memset(t.omit, 0, sizeof t.omit);
        fprintf(f, "  {\"name\": \"tool-%zu\", \"method\": \"%s\", "
                "\"params\": ", i, t.m->name);
        write_canonical_params(f, &t, i);
        t.faults = 0;
        t.bad = BAD_NONE;
        fputs(", \"config\": ", f);
        write_config(f, &t, i, true);
        fprintf(f, ", \"requires\": []}%s\n", i + 1 < n ? "," : "");
    }
    fputs("]\n", f);
    close_out(f);

    /* expected.json: per tool, the file it must end as, or the class it
     * must fail with; and its faults, for the report. */
    f = open_out(dir, "expected.json");
    fputs("[\n", f);
    for (size_t i = 0; i < n; i++) {
        const tool_t *t = &tools[i];
        fprintf(f, "  {\"name\": \"tool-%zu\", \"faults\": [", i);
        bool first = true;
        for (size_t k = 0; k < N_FAULTS; k++)
            if (t->faults & (1u << k)) {
                fprintf(f, "%s\"%s\"", first ? "" : ", ", fault_names[k]);
                first = false;
            }
        if (t->doomed) {
            const char *cls = t->bad ? bad_class[t->bad] : "MissingDependency";
            fprintf(f, "], \"fails\": \"%s\", \"why\": \"%s\"}", cls,
                    t->bad ? "bad" : "dependency");
        } else {
            fprintf(f, "], \"file\": {\"name\": \"tool-%zu\", \"call\": "
                    "{\"method\": \"%s\", \"params\": ", i, t->m->name);
            write_canonical_params(f, t, i);
            fputs("}, \"config\": ", f);
            write_config(f, t, i, false);
            fputs("}}", f);
        }
        fprintf(f, "%s\n", i + 1 < n ? "," : "");
    }
    fputs("]\n", f);
    close_out(f);
    free(tools);
    return 0;
}
